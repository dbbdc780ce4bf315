"""Scenario loading details and what-if overlays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from csto.record import RecordError
from csto.treaty import Event, Overlay, law_for, load_overlay, load_scenario, obligations

ROOT = Path(__file__).resolve().parents[2]

EVENT = """\
date: 2022-09-13
kind: armed-aggression
targets: [ARM]
perpetrator: {type: state, state: AZE}
request: none
simulation:
  crisis: arm-2022-september
  runs: 1000
"""


def test_the_simulation_block_is_kept_unread(tmp_path, fixture_record, law):
    path = tmp_path / "my-event.yaml"
    path.write_text(EVENT, encoding="utf-8")
    event = load_scenario(path, fixture_record, law)
    assert event.extra == {"simulation": {"crisis": "arm-2022-september", "runs": 1000}}
    assert event.id == "my-event" and event.request is None
    assert "simulation" not in obligations(event, fixture_record, law=law).as_dict()["event"]


def test_the_kind_sets_defaults_and_the_scenario_overrides_them(tmp_path, fixture_record, law):
    path = tmp_path / "e.yaml"
    path.write_text(EVENT.replace("kind: armed-aggression", "kind: border-incident"), encoding="utf-8")
    event = load_scenario(path, fixture_record, law)
    assert not event.is_armed_attack(law)
    path.write_text(EVENT.replace("kind: armed-aggression", "kind: border-incident\narmed_attack: true"), encoding="utf-8")
    assert load_scenario(path, fixture_record, law).is_armed_attack(law)


def test_an_overlay_version_replaces_the_law_only_for_its_period(law):
    overlay = Overlay.model_validate({"id": "t", "title": "t", "articles": [{"id": "cst-4", "version": {
        "label": "what-if", "from": "2000-01-01", "to": "2000-12-31",
        "clauses": [{"kind": "hypothetical", "text": "x"}]}}]})
    changed = overlay.apply(law).articles["cst-4"]
    assert [(v.label, v.start, v.end) for v in changed.versions] == [
        ("1992", "1994-04-20", "1999-12-31"), ("what-if", "2000-01-01", "2000-12-31"),
        ("1992", "2001-01-01", "2012-12-18"), ("2010", "2012-12-19", None)]
    assert law.articles["cst-4"].versions[0].end == "2012-12-18"  # the law itself is untouched


def test_an_overlay_adding_an_article_must_name_its_instrument(law):
    overlay = Overlay.model_validate({"id": "t", "title": "t", "articles": [{"id": "cst-99", "version": {
        "label": "x", "from": "2000-01-01", "clauses": [{"kind": "hypothetical", "text": "x"}]}}]})
    with pytest.raises(LookupError, match="give instrument and title"):
        overlay.apply(law)


def test_a_membership_overlay_holds_only_for_its_period():
    overlay = load_overlay(ROOT / "data/treaty/overlays/serbia-member.yaml")
    assert overlay.membership("SRB", date(2022, 1, 1)).status == "member"
    assert overlay.membership("SRB", date(2013, 6, 1)) is None


def test_a_bad_overlay_file_names_file_line_and_field(tmp_path):
    path = tmp_path / "o.yaml"
    path.write_text("overlay:\n  id: x\n  title: x\n  memberships:\n    - state: SRB\n      status: king\n      from: 2014\n",
                    encoding="utf-8")
    with pytest.raises(RecordError) as info:
        load_overlay(path)
    assert (info.value.line, info.value.field) == (6, "overlay.memberships[0].status")


def test_an_overlay_rule_governs_only_the_organs_it_names(law):
    overlay = load_overlay(ROOT / "tests/treaty/overlays/cfm-majority.yaml", law=law)
    changed = overlay.apply(law)
    day = date(2022, 9, 13)
    cfm_rule, cfm_basis = changed.decision_rule("cfm", day)
    csc_rule, csc_basis = changed.decision_rule("csc", day)
    assert (cfm_rule.id, cfm_basis.version.label) == ("qualified-majority", "what-if")
    assert (csc_rule.id, csc_basis.article.id, csc_basis.version.label) == ("consensus", "charter-12", "2002")


def test_a_membership_period_must_not_end_before_it_starts():
    with pytest.raises(ValidationError, match="ends before it starts"):
        Overlay.model_validate({"id": "t", "title": "t", "memberships": [
            {"state": "SRB", "status": "member", "from": "2014-01-01", "to": "2013-01-01"}]})


def test_a_decision_rule_threshold_is_a_fraction_of_at_most_one(law):
    version = {"label": "x", "from": "2003-09-18", "clauses": [{"kind": "hypothetical", "text": "x"}],
               "decision_rule": {"id": "r", "text": "x", "organs": ["csc"], "threshold": " 2 / 3 "}}
    overlay = Overlay.model_validate({"id": "t", "title": "t", "articles": [{"id": "charter-12", "version": version}]})
    assert overlay.articles[0].version.decision_rule.threshold == "2/3"
    for bad in ("abc", "7/3", "0/3", "2/0", 0.5):
        version["decision_rule"]["threshold"] = bad
        with pytest.raises(ValidationError, match="fraction p/q"):
            Overlay.model_validate({"id": "t", "title": "t", "articles": [{"id": "charter-12", "version": version}]})


def test_a_clash_between_members_may_name_one_side_as_perpetrator(tmp_path, fixture_record, law):
    path = tmp_path / "clash.yaml"
    path.write_text("date: 2022-09-14\nkind: armed-clash-between-members\ntargets: [KGZ, TJK]\n"
                    "perpetrator: {type: state, state: TJK}\nrequest: {by: KGZ, date: 2022-09-16, to: csc}\n",
                    encoding="utf-8")
    event = load_scenario(path, fixture_record, law)
    assert "perpetrator-is-member" in obligations(event, fixture_record, law=law).flags


def test_a_request_may_come_up_to_a_year_after_the_event():
    base = {"date": "2020-02-29", "kind": "menace", "targets": ["ARM"], "perpetrator": {"type": "unknown"}}
    assert Event.model_validate({**base, "request": {"by": "ARM", "date": "2021-02-28"}}).request
    with pytest.raises(ValidationError, match="more than 1 year"):
        Event.model_validate({**base, "request": {"by": "ARM", "date": "2021-03-01"}})
    with pytest.raises(ValidationError, match="before the event"):
        Event.model_validate({**base, "request": {"by": "ARM", "date": "2020-02-28"}})


def test_a_data_dir_without_treaty_law_is_said_on_the_answer(tmp_path, fixture_record):
    law = law_for(fixture_record)
    assert law.path == ROOT / "data" / "treaty"
    assert law.notes and "has no treaty/ folder" in law.notes[0]
    path = tmp_path / "e.yaml"
    path.write_text(EVENT, encoding="utf-8")
    answer = obligations(load_scenario(path, fixture_record), fixture_record)
    assert answer.as_dict()["notes"] == law.notes
    assert answer.trace[0].startswith("Note: ") and "has no treaty/ folder" in answer.trace[0]


def test_the_shipped_data_dir_gives_no_note(real_record):
    assert law_for(real_record).notes == []


@pytest.mark.parametrize("path", sorted((ROOT / "data/treaty/overlays").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_overlay_fits_the_law_and_the_record(path, law, real_record):
    overlay = load_overlay(path, real_record, law)
    assert not list(overlay.problems(law, real_record))

"""Scenario loading details and what-if overlays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csto.record import RecordError
from csto.treaty import Overlay, load_overlay, load_scenario, obligations

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
    assert (info.value.line, info.value.field) == (6, "overlay.memberships.0.status")

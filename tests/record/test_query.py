"""As-of questions against the small fixture record."""

from __future__ import annotations

from datetime import date

import pytest

from csto.record import UnknownError


def states(rows):
    return sorted(r.state for r in rows)


def test_members_on_a_date_follow_validity_periods(fixture_record):
    assert states(fixture_record.members("1995-01-01")) == ["ARM", "RUS", "UZB"]
    assert states(fixture_record.members("2000-01-01")) == ["ARM", "RUS"]
    assert states(fixture_record.members("2010-01-01")) == ["ARM", "RUS", "UZB"]


def test_period_end_is_inclusive(fixture_record):
    assert "UZB" in states(fixture_record.members("1999-04-19"))
    assert "UZB" not in states(fixture_record.members("1999-04-20"))


def test_frozen_participation_is_still_membership(fixture_record):
    arm = [r for r in fixture_record.members(date(2025, 1, 1)) if r.state == "ARM"][0]
    assert arm.status == "member" and arm.participation == "frozen"


def test_since_and_until_span_an_unbroken_membership(fixture_record):
    # the freeze splits Armenia's record in two periods, but it has been a member throughout
    before = [r for r in fixture_record.members("2020-01-01") if r.state == "ARM"][0]
    after = [r for r in fixture_record.members("2025-01-01") if r.state == "ARM"][0]
    assert (before.since, before.until, before.participation) == ("1994-04-20", None, "full")
    assert (after.since, after.until, after.participation) == ("1994-04-20", None, "frozen")
    # a gap is not bridged: Uzbekistan's two memberships stay apart
    uzb = [r for r in fixture_record.members("2010-01-01") if r.state == "UZB"][0]
    assert (uzb.since, uzb.until) == ("2006-08-16", "2012-12-19")


def test_former_members_are_those_with_a_past_membership_and_none_now(fixture_record):
    assert states(fixture_record.members("2000-01-01", "former")) == ["UZB"]
    assert states(fixture_record.members("2010-01-01", "former")) == []
    former = fixture_record.members("2020-01-01", "former")
    assert states(former) == ["UZB"] and former[0].until == "2012-12-19"


def test_suspended_status_is_its_own_status(fixture_record):
    assert states(fixture_record.members("2020-01-01", "suspended")) == ["UZB"]


def test_year_precision_start_counts_from_the_first_day_of_the_year(fixture_record):
    assert states(fixture_record.members("2012-12-31", "observer")) == []
    obs = fixture_record.members("2013-01-01", "observer")
    assert states(obs) == ["SRB"] and obs[0].level == "parliamentary-assembly"


def test_all_lists_current_statuses_and_states_with_none_now_as_former(fixture_record):
    rows = fixture_record.members("2020-01-01", "all")
    assert {(r.state, r.status) for r in rows} == {("ARM", "member"), ("RUS", "member"), ("UZB", "suspended"),
                                                    ("SRB", "observer")}
    # a state with no status now appears once, as former
    assert {(r.state, r.status) for r in fixture_record.members("2000-01-01", "all")} == {
        ("ARM", "member"), ("RUS", "member"), ("UZB", "former")}


def test_unknown_status_and_organization_are_rejected(fixture_record):
    with pytest.raises(UnknownError, match="unknown status 'friend'"):
        fixture_record.members("2020-01-01", "friend")
    with pytest.raises(UnknownError, match="unknown organization 'WTO'"):
        fixture_record.members("2020-01-01", org="WTO")


def test_bad_dates_are_rejected(fixture_record):
    with pytest.raises(ValueError, match="impossible date"):
        fixture_record.members("2022-02-30")
    with pytest.raises(ValueError, match="expected a full date"):
        fixture_record.members("2022")


def test_history_lists_periods_and_acts_in_order(fixture_record):
    h = fixture_record.history("uzb")
    assert [(p.status, p.start) for p in h["periods"]] == [
        ("member", "1994-04-20"), ("member", "2006-08-16"), ("suspended", "2012-12-20")]
    assert [a.kind for a in h["acts"]] == ["signature"]


def test_unknown_state_names_the_code(fixture_record):
    with pytest.raises(UnknownError, match="unknown state 'XXX'"):
        fixture_record.history("XXX")


def test_status_of_returns_the_period_in_force(fixture_record):
    assert fixture_record.status_of("ARM", "2023-01-01").participation == "full"
    assert fixture_record.status_of("ARM", "2024-03-01").participation == "frozen"
    assert fixture_record.status_of("SRB", "2020-01-01") is None
    assert fixture_record.status_of("SRB", "2020-01-01", level="parliamentary-assembly").status == "observer"


def test_holder_of_an_office_on_a_date(fixture_record):
    assert [t.holder for t in fixture_record.holder("secretary-general", "2010-06-01")] == ["First Holder"]
    assert [t.holder for t in fixture_record.holder("secretary-general", "2018-06-01")] == ["Second Holder"]
    assert fixture_record.holder("secretary-general", "2000-01-01") == []
    with pytest.raises(UnknownError, match="unknown office"):
        fixture_record.holder("king", "2010-01-01")


def test_organ_tree_groups_children_under_parents(fixture_record):
    tree = fixture_record.organ_tree("2010-01-01")
    assert [o.id for o in tree[None]] == ["csc"]
    assert [o.id for o in tree["csc"]] == ["secretariat"]
    assert fixture_record.organs("2000-01-01") == []


def test_budget_shares_on_a_date(fixture_record):
    shares = {b.state: b.share for b in fixture_record.budget_shares("2022-01-01")}
    assert shares == {"RUS": 0.5, "ARM": 0.1}
    assert fixture_record.budget_shares("2020-12-31") == []


def test_events_in_a_period_include_acts_and_respect_bounds(fixture_record):
    found = fixture_record.events("1992-01-01", "1992-12-31")
    assert [(h.date, h.kind) for h in found] == [("1992-05-15", "act:signature"), ("1992-05-15", "milestone")]
    # a month-precision act overlaps any window touching that month
    assert [h.kind for h in fixture_record.events("2024-02-20", "2024-02-21")] == ["act:freeze"]
    with pytest.raises(ValueError, match="after"):
        fixture_record.events("2000-01-01", "1999-01-01")


def test_overlap_is_states_by_organizations(fixture_record):
    grid = fixture_record.overlap("2020-01-01")
    assert grid["SRB"] == {"CSTO": "observer (parliamentary-assembly)", "NATO": "partner"}
    assert grid["UZB"] == {"CSTO": "suspended"}


def test_overlap_shows_frozen_participation_beside_the_status(fixture_record):
    assert fixture_record.overlap("2024-02-21")["ARM"] == {"CSTO": "member"}
    assert fixture_record.overlap("2024-02-22")["ARM"] == {"CSTO": "member (frozen)"}


def test_conflicts_keep_every_claim_with_its_source(fixture_record):
    [c] = fixture_record.conflicts()
    assert [(cl.value, cl.source) for cl in c.claims] == [("1992", "src-paper"), ("2002", "src-blog")]
    assert c.preferred.startswith("1992")


def test_opinions_are_attributed(fixture_record):
    [o] = fixture_record.opinions()
    assert (o.source, o.speaker) == ("src-blog", "A blogger")


def test_compiled_file_is_plain_sqlite_with_provenance(fixture_record):
    import sqlite3

    con = sqlite3.connect(fixture_record.path)
    row = con.execute("SELECT state, valid_from, from_day, to_day, yaml_file, yaml_line FROM memberships "
                      "WHERE state='SRB' AND org='CSTO'").fetchone()
    assert row[:4] == ("SRB", "2013", "2013-01-01", None)
    assert row[4].endswith("base.yaml") and row[5] > 0
    assert con.execute("SELECT count(*) FROM fact_sources WHERE source='src-paper'").fetchone()[0] > 10


def test_recompiles_when_the_yaml_changes(fixture_dir):
    from csto.record import Record

    first = Record.open(fixture_dir).path
    (fixture_dir / "extra.yaml").write_text(
        "states:\n  - {code: KAZ, name: Kazakhstan, sources: [src-paper]}\n")
    second = Record.open(fixture_dir)
    assert second.path != first and "KAZ" in second.states


def test_organization_ids_are_case_insensitive(fixture_record):
    assert states(fixture_record.members("2020-01-01", org="csto")) == ["ARM", "RUS"]
    assert [r.state for r in fixture_record.timeline("nato")] == ["SRB"]


def test_attested_starts_are_marked(fixture_dir):
    from csto.record import Record

    (fixture_dir / "extra.yaml").write_text(
        "memberships:\n  - {state: RUS, org: NATO, status: partner, from: '2022', from_attested: true,"
        " sources: [src-paper]}\n")
    [row] = Record.open(fixture_dir).members("2023-01-01", "partner", "NATO")[:1]
    assert row.since == "2022" and row.since_attested

"""Formations as of a date: which states belong to them, and their strength read from dated figures."""

from __future__ import annotations

import pytest

from csto.record import Record, UnknownError

FORCES = """
formations:
  - {id: rrf, name: Rapid force, kind: rapid-reaction, from: "2009-02-04", sources: [src-paper]}
formation_members:
  - {formation: rrf, state: RUS, from: "2009-06-14", sources: [src-paper]}
  - {formation: rrf, state: ARM, from: "2009-06-14", sources: [src-paper]}
  - {formation: rrf, state: UZB, from: "2009-06-14", to: "2012-12-18", sources: [src-paper]}
strengths:
  - {formation: rrf, personnel: 20000, from: "2013", to: "2013", sources: [src-paper]}
  - {formation: rrf, personnel: 18000, from: "2019-02-04", to: "2019-02-04", approximate: true, sources: [src-paper]}
  - {formation: rrf, personnel: 17000, from: "2019-02-04", to: "2019-02-04", sources: [src-paper]}
  - {formation: rrf, personnel: 19000, from: "2024", sources: [src-paper]}
"""


@pytest.fixture
def record(fixture_dir):
    (fixture_dir / "forces.yaml").write_text(FORCES)
    rec = Record.open(fixture_dir)
    yield rec
    rec.close()


def test_formation_members_follow_their_periods(record):
    assert record.formation_members("rrf", "2009-06-13") == []
    assert record.formation_members("rrf", "2010-01-01") == ["ARM", "RUS", "UZB"]
    assert record.formation_members("rrf", "2012-12-19") == ["ARM", "RUS"]


def test_an_unknown_formation_is_named(record):
    with pytest.raises(UnknownError, match="unknown formation 'crdf'.*rrf"):
        record.formation_members("crdf", "2010-01-01")
    with pytest.raises(UnknownError, match="unknown formation 'crdf'"):
        record.strength_on("crdf", "2010-01-01")


def test_no_strength_before_the_first_figure(record):
    assert record.strength_on("rrf", "2012-12-31") is None


def test_a_figure_is_read_within_its_own_period_without_carrying(record):
    found = record.strength_on("rrf", "2013-07-01")
    assert found.strength.personnel == 20000 and found.carried_years == 0.0


def test_a_later_day_reads_the_latest_figure_carried_forward(record):
    found = record.strength_on("rrf", "2015-12-31")
    assert found.strength.personnel == 20000
    assert found.carried_years == 2.0  # 730 days after the end of 2013


def test_the_first_written_of_two_figures_for_one_date_wins(record):
    found = record.strength_on("rrf", "2021-02-04")
    assert found.strength.personnel == 18000
    assert found.carried_years == pytest.approx(2.0, abs=0.01)


def test_an_open_ended_figure_is_never_carried(record):
    found = record.strength_on("rrf", "2030-01-01")
    assert (found.strength.personnel, found.carried_years) == (19000, 0.0)


def test_strength_on_speaks_plain_data(record):
    out = record.strength_on("rrf", "2019-02-04").as_dict()
    assert out["carried_years"] == 0.0
    assert out["strength"]["personnel"] == 18000 and out["strength"]["from"] == "2019-02-04"

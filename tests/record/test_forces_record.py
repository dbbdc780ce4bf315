"""The shipped record's collective forces over time: formations, their dated strengths and the conflicts behind them."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("formation", "on", "personnel"), [
    ("crdf-central-asia", "2005-01-01", 5500),
    ("crdf-central-asia", "2023-01-01", 5000),
    ("crrf", "2014-01-01", 20000),
    ("crrf", "2017-06-01", 17000),
    ("crrf", "2021-06-01", 18000),
    ("peacekeeping-forces", "2012-01-01", 3500),
    ("peacekeeping-forces", "2018-01-01", 3600),
    ("peacekeeping-forces", "2025-01-01", 4000),
])
def test_each_formation_reads_the_figure_of_its_date(record, formation, on, personnel):
    assert record.strength_on(formation, on).strength.personnel == personnel


def test_every_formation_in_existence_in_2019(record):
    kinds = {f.kind for f in record.valid_on("formations", "2019-01-01")}
    assert {"rapid-reaction", "rapid-deployment", "peacekeeping", "air", "staff"} <= kinds


def test_the_press_figures_for_the_rapid_reaction_force_are_claims_not_strengths(record):
    [conflict] = [c for c in record.conflicts() if c.id == "crrf-strength"]
    values = " ".join(c.value for c in conflict.claims)
    assert "26,600" in values and "28,000" in values and "18,000" in conflict.preferred
    figures = {s.personnel for s in record.all("strengths") if s.formation == "crrf"}
    assert not figures & {26600, 28000}


def test_the_record_prefers_2001_for_the_central_asian_force_and_keeps_the_2021_claim(record):
    [conflict] = [c for c in record.conflicts() if c.id == "crdf-founding-year"]
    assert "2021" in {c.value for c in conflict.claims} and conflict.preferred.startswith("25 May 2001")
    assert record.formation("crdf-central-asia").start == "2001-05-25"


def test_the_central_asian_force_has_its_headquarters_and_air_base_each_with_sources(record):
    from datetime import date

    from csto import answers

    found = {f["id"]: f for f in answers.forces(record, on=date(2006, 1, 1))["result"]}
    crdf = found["crdf-central-asia"]
    assert crdf["headquarters"]["name"] == "Bishkek" and crdf["base"]["name"] == "Kant air base"
    assert {"id": "pub-jamestown-2001-05", "passage": "An operational headquarters, to be immediately sited in Bishkek"} \
        in crdf["headquarters"]["sources"]
    assert all("Kant" in (ref["passage"] or "") for ref in crdf["base"]["sources"])
    assert list(crdf["base"]) == ["name", "note", "sources"]
    # the formation's note no longer carries what the fields say
    assert "Kant" not in (crdf["note"] or "") and "Headquarters" not in (crdf["note"] or "")
    assert found["joint-staff-forces"]["headquarters"] is None and found["joint-staff-forces"]["base"] is None

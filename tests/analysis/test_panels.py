"""Research panels: keys from the state lists, values from the record, NA outside coverage, files that load."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from csto.analysis import panels
from csto.cli import app
from csto.record import Record, RecordError

MALFORMED = Path(__file__).parents[1] / "fixtures" / "malformed"


@pytest.fixture(scope="module")
def days(record):
    return panels.state_day(record)


@pytest.fixture(scope="module")
def years(record, days):
    return panels.state_year(record, days)


def _member_on(record, state, day):
    m = record.status_of(state, day)
    return m is not None and m.status == "member"


def test_state_year_merges_on_cow_keys_and_agrees_with_the_record(record, years):
    # the Correlates-of-War keys, as a researcher would hold them (ccode, year)
    cow = pd.DataFrame({"ccode": [704, 704, 371, 345], "year": [2010, 2013, 2025, 2013]})
    merged = cow.merge(years, on=["ccode", "year"], how="left", validate="one_to_one")
    assert merged["state"].tolist() == ["UZB", "UZB", "ARM", "SRB"]
    uzb = merged[merged["state"] == "UZB"].set_index("year")
    _, end = panels.coverage(record)
    for year, row in uzb.iterrows():
        assert row["csto_member_dec31"] == _member_on(record, "UZB", date(year, 12, 31))
    assert bool(uzb.loc[2010, "csto_member_dec31"]) and not bool(uzb.loc[2013, "csto_member_dec31"])
    assert uzb.loc[2013, "csto_status_dec31"] == record.status_of("UZB", "2013-12-31").status == "suspended"
    arm = merged[merged["state"] == "ARM"].iloc[0]
    frozen_days = sum(1 for d in pd.date_range("2025-01-01", min(end, date(2025, 12, 31)))
                      if (m := record.status_of("ARM", d.date())) and m.participation == "frozen")
    assert arm["days_frozen"] == frozen_days == arm["days_covered"] > 0
    assert arm["days_member"] == arm["days_covered"]


def test_serbia_is_345_in_cow_and_340_in_gleditsch_ward(years):
    srb = years[years["state"] == "SRB"].iloc[0]
    assert (srb["ccode"], srb["gwcode"]) == (345, 340)


def test_state_codes_are_unique_and_complete(record):
    states = record.states.values()
    for key in ("ccode", "gwcode", "iso_numeric", "wikidata"):
        values = [getattr(s, key) for s in states]
        assert None not in values, key
        assert len(set(values)) == len(values), key


def test_values_outside_coverage_are_missing_never_zero(record, years):
    _, end = panels.coverage(record)
    past = years[years["year"].map(lambda y: date(y, 12, 31) > end)]
    inside = years[years["year"].map(lambda y: date(y, 12, 31) <= end)]
    assert len(past) == len(record.states)  # the last, partly covered year
    for col in ("csto_status_dec31", "csto_member_dec31"):
        assert past[col].isna().all() and inside[col].notna().all()
    assert years["year"].max() == end.year


def test_days_in_status_add_up_to_the_covered_days(days, years):
    assert (years.groupby("state")["days_covered"].sum() == days.groupby("state").size()).all()
    run = days[days["state"] == "UZB"].set_index("date")["days_in_status"]
    assert run[date(2012, 12, 31)] < run[date(2013, 12, 31)]


def test_dyads_follow_membership_and_law(record, years):
    dyads = panels.dyad_year(record, years)
    assert not (dyads["state_a"] == dyads["state_b"]).any()
    both = dyads["csto_member_a"].fillna(False) & dyads["csto_member_b"].fillna(False)
    for v in panels.ATOP_ACTIONS:
        assert (dyads.loc[~both & dyads["csto_member_a"].notna(), f"csto_{v}"] == 0).all()
    row = dyads[(dyads.state_a == "RUS") & (dyads.state_b == "UZB")].set_index("year")
    assert row.loc[2010, "csto_defense"] == 1 and row.loc[2013, "csto_defense"] == 0


def test_the_codebook_lists_every_column(record, tmp_path):
    for panel in panels.PANELS:
        panels.export(record, panel, tmp_path / panel)
        package = json.loads((tmp_path / panel / "datapackage.json").read_text())
        frame = pd.read_csv(tmp_path / panel / f"{panel}.csv", nrows=5)
        fields = package["resources"][0]["schema"]["fields"]
        assert [f["name"] for f in fields] == list(frame.columns)
        assert all(f["type"] and f["description"] for f in fields)
        assert (tmp_path / panel / "CITATION.cff").read_text().startswith("cff-version: 1.2.0")


def test_csv_has_iso_dates_booleans_and_na(record, tmp_path):
    panels.export(record, "state-year", tmp_path / "y")
    text = (tmp_path / "y" / "state-year.csv").read_text()
    frame = pd.read_csv(tmp_path / "y" / "state-year.csv", dtype={"iso_numeric": str})
    assert frame["csto_member_dec31"].dropna().isin([True, False]).all()
    assert ",true," in text and ",false," in text and ",NA," in text and "{" not in text
    assert frame.loc[frame["state"] == "ARM", "iso_numeric"].iloc[0] == "051"


@pytest.mark.parametrize("file_format", ["parquet", "stata"])
def test_round_trip(record, tmp_path, file_format, years):
    panels.export(record, "state-year", tmp_path / "y", file_format)
    path = tmp_path / "y" / f"state-year.{panels.FILE_FORMATS[file_format]}"
    back = pd.read_parquet(path) if file_format == "parquet" else pd.read_stata(path)
    assert list(back.columns) == list(years.columns)
    assert back["ccode"].astype(int).tolist() == years["ccode"].astype(int).tolist()
    member = back["csto_member_dec31"]
    assert member.isna().tolist() == years["csto_member_dec31"].isna().tolist()
    assert member.dropna().astype(int).tolist() == years["csto_member_dec31"].dropna().astype(int).tolist()


def test_an_export_into_a_folder_holding_other_files_writes_nothing(record, tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(RecordError, match="not part of a panel export"):
        panels.export(record, "state-year", target)
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_failed_write_leaves_the_earlier_export_whole(record, tmp_path, monkeypatch):
    target = tmp_path / "out"
    panels.export(record, "state-year", target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(panels, "citation", broken)
    with pytest.raises(RecordError, match="cannot write the export"):
        panels.export(record, "dyad-year", target, "parquet")
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_the_command_writes_a_panel_and_refuses_a_bad_format(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["export", "--to", "state-year", str(tmp_path / "p"), "--file-format", "parquet"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "p" / "state-year.parquet").is_file()
    bad = runner.invoke(app, ["export", "--to", "state-year", str(tmp_path / "q"), "--file-format", "xls"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output and not (tmp_path / "q").exists()


def test_every_new_state_failure_mode_has_a_fixture():
    names = {p.stem for p in MALFORMED.glob("*.yaml")}
    assert {"bad-iso-numeric", "bad-ccode", "bad-wikidata", "bad-latitude", "capital-half-coordinates"} <= names


def test_malformed_fixtures_are_copyable(fixture_dir):
    # the record's validation test runs each fixture; this pins that ours load beside the fixture record
    shutil.copy(MALFORMED / "bad-ccode.yaml", fixture_dir / "zz.yaml")
    with pytest.raises(RecordError, match=r"states\[0\]\.ccode: must be at most 999 \(got 1000\)"):
        Record.open(fixture_dir)


# --- atop-members: ATOP's member level, one row per member per phase ---------------------------------------

@pytest.fixture(scope="module")
def members(record):
    return panels.atop_members(record)


@pytest.fixture(scope="module")
def phases(members):
    return members.groupby("phase", sort=True).agg(start=("phase_from", "first"), end=("phase_to", "first"))


def _on(record, state, day):
    m = record.status_of(state, day)
    return (m.participation if m is not None and m.status == "member" else None)


def test_each_phase_holds_exactly_the_members_of_the_record(record, members, phases):
    _, end = panels.coverage(record)
    for phase, g in members.groupby("phase"):
        start, last = phases.loc[phase, "start"], phases.loc[phase, "end"]
        for day in (start, end if pd.isna(last) else last):
            held = {s: _on(record, s, day) for s in record.states if _on(record, s, day)}
            assert held == dict(zip(g["state"], g["participation"])), (phase, day)


def test_phases_are_contiguous_and_the_last_is_open(record, members, phases):
    from datetime import timedelta

    starts, ends = list(phases["start"]), list(phases["end"])
    assert all(e + timedelta(days=1) == s for e, s in zip(ends[:-1], starts[1:]))
    assert pd.isna(ends[-1]) and members["phase_to"].isna().sum() == (members["phase"] == len(phases)).sum()
    first_member = min(r.since for r in record.timeline("CSTO") if r.status == "member")
    assert starts[0].isoformat() == first_member


def test_a_phase_begins_only_where_something_changes(members):
    coded = [c for c in members.columns if c in panels.ATOP_NAMED or c.startswith("csto_")]
    signature = [(tuple(zip(g["state"], g["participation"])), str(g["law_phase"].iloc[0]),
                  tuple(g[coded].iloc[0])) for _, g in members.groupby("phase", sort=True)]
    assert all(a != b for a, b in zip(signature, signature[1:]))
    for _, g in members.groupby("phase"):  # and within a phase the law's coding is one
        assert len(g[coded].drop_duplicates()) == 1


def test_entry_and_exit_are_the_records_with_na_where_not_left(record, members):
    uzb = members[members["state"] == "UZB"]
    runs = {(r.yrent, r.moent, r.dayent, r.yrexit, r.moexit, r.dayexit) for r in uzb.itertuples()}
    assert runs == {(1992, 5, 15, 1999, 4, 20), (2006, 6, 23, 2012, 12, 18)}
    periods = [p for p in record.history("UZB")["periods"] if p.org == "CSTO" and p.status == "member"]
    assert {p.start for p in periods} >= {"1992-05-15", "2006-06-23"} and "2012-12-18" in {p.end for p in periods}
    rus = members[members["state"] == "RUS"]
    assert rus[["yrexit", "moexit", "dayexit"]].isna().all().all()  # NA, never 0: Russia has not left
    assert (rus["member"] == record.state("RUS").ccode).all()


def test_the_coding_agrees_with_the_dyad_years_and_with_atop_4220(record, years, members, phases):
    from csto.analysis.compare import load_rules
    from csto.treaty.articles import law_for

    dyads = panels.dyad_year(record, years).set_index(["state_a", "state_b", "year"])
    _, end = panels.coverage(record)
    checked = 0
    for year in range(phases["start"].iloc[0].year, end.year):
        dec31 = date(year, 12, 31)
        phase = max(p for p, row in phases.iterrows() if row["start"] <= dec31)
        g = members[members["phase"] == phase]
        if g["participation"].eq("frozen").any() or len(g) < 2:
            continue
        a, b = g["state"].iloc[0], g["state"].iloc[1]
        for v in panels.ATOP_ACTIONS:
            assert dyads.loc[(a, b, year), f"csto_{v}"] == g[v].iloc[0], (year, v)
        checked += 1
    assert checked > 20
    published = next(a for a in load_rules(law=law_for(record)).alliances if a.id == "csto").published
    assert published is not None
    in_force = members[members["law_phase"].notna()]
    assert (in_force["atopid"] == published.atop_id).all()
    for variable, value in published.coding.items():
        assert (in_force[panels._coded_name(variable)] == value).all(), variable


def test_atop_members_writes_na_dates_and_loads_back(record, members, tmp_path):
    panels.export(record, "atop-members", tmp_path / "m")
    text = (tmp_path / "m" / "atop-members.csv").read_text()
    back = pd.read_csv(tmp_path / "m" / "atop-members.csv", keep_default_na=False, na_values=["NA"])
    assert len(back) == len(members) and ",NA," in text
    exits = back[["yrexit", "moexit", "dayexit", "yrent", "moent", "dayent"]]
    assert not (exits == 0).any().any()  # not left: NA, never ATOP's 0
    assert back.loc[back["state"] == "RUS", "yrexit"].isna().all()
    assert back["phase_to"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    package = json.loads((tmp_path / "m" / "datapackage.json").read_text())
    assert package["resources"][0]["schema"]["primaryKey"] == ["atopid", "phase", "state"]
    assert not back.duplicated(["atopid", "phase", "state"]).any()


def test_panels_named_after_atop_cite_atop(record):
    assert "Alliance Treaty Obligations and Provisions" in panels.citation(record, "atop-members")
    assert "Alliance Treaty Obligations and Provisions" not in panels.citation(record, "state-year")
    import yaml

    doc = yaml.safe_load(panels.citation(record, "atop-members"))
    atop = doc["references"][-1]  # a valid CFF document whose last reference is ATOP's own citation
    assert (atop["title"], atop["year"], atop["authors"][0]["family-names"]) == (
        "Alliance Treaty Obligations and Provisions, 1815-1944", 2002, "Leeds")


def test_the_command_line_offers_every_panel(tmp_path):
    from csto.cli.record import PANELS

    assert PANELS == panels.PANELS
    result = CliRunner().invoke(app, ["export", "--to", "atop-members", str(tmp_path / "atop")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "atop" / "datapackage.json").exists()

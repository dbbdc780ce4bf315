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
def record():
    rec = Record.open()
    yield rec
    rec.close()


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

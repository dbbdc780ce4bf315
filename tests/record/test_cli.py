"""Every record command, in both output formats, and its exit codes on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from csto.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def data(fixture_dir):
    return ["--data", str(fixture_dir)]


def test_members_json_has_the_documented_fields(data):
    result = run("members", "--on", "2025-01-01", "--format", "json", *data)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["result"]
    assert {"state", "name", "status", "from", "to", "sources", "participation", "level", "org"} <= rows[0].keys()
    assert {r["state"]: r["participation"] for r in rows} == {"ARM": "frozen", "RUS": "full"}


def test_members_table_names_the_states(data):
    result = run("members", "--on", "2010-01-01", *data)
    assert result.exit_code == 0
    assert "Uzbekistan" in result.stdout and "3 state(s)" in result.stdout


@pytest.mark.parametrize("args", [
    ["members", "--on", "2022-02-30"],
    ["members", "--on", "yesterday"],
    ["members", "--status", "friend"],
    ["history", "XXX"],
    ["who", "king"],
    ["events", "--from", "2020-01-01", "--to", "2019-01-01"],
    ["export", "--to", "xml", "out"],
])
def test_bad_input_exits_2_with_a_one_line_message(args, data):
    result = run(*args, *data)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error:") and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_data_directory_exits_2(tmp_path):
    result = run("members", "--data", tmp_path / "nope")
    assert result.exit_code == 2 and "no such directory" in result.stderr


def test_malformed_record_exits_2_naming_file_and_line(fixture_dir):
    (fixture_dir / "bad.yaml").write_text("states:\n  - {code: KAZ, name: Kazakhstan, sources: [nope]}\n")
    result = run("check", "--data", fixture_dir)
    assert result.exit_code == 2
    assert "bad.yaml:2: states.sources[0]: unknown source (got 'nope')" in result.stderr


@pytest.mark.parametrize("command", [
    ["history", "UZB"], ["timeline"], ["organs"], ["who", "secretary-general", "--on", "2010-01-01"],
    ["events", "--from", "1992-01-01", "--to", "1992-12-31"], ["conflicts"], ["sources"],
    ["overlap", "--on", "2020-01-01"], ["check"],
])
def test_every_command_speaks_json(command, data):
    result = run(*command, "--format", "json", *data)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) is not None


@pytest.mark.parametrize("command, expect", [
    (["history", "UZB"], "suspended"), (["timeline"], "legend"), (["organs"], "Collective Security Council"),
    (["who", "secretary-general", "--on", "2010-01-01"], "First Holder"),
    (["events", "--from", "1992-01-01", "--to", "1992-12-31"], "Tashkent"),
    (["conflicts"], "preferred"), (["sources"], "src-blog"), (["overlap", "--on", "2020-01-01"], "NATO"),
    (["check"], "memberships"), (["tour"], "Membership timeline"),
])
def test_every_command_prints_a_table_for_people(command, expect, data):
    result = run(*command, *data)
    assert result.exit_code == 0, result.output
    assert expect in result.stdout


def test_history_json_separates_periods_and_acts(data):
    doc = json.loads(run("history", "ARM", "--format", "json", *data).stdout)["result"]
    assert [p["participation"] for p in doc["periods"] if p["org"] == "CSTO"] == ["full", "frozen"]
    assert doc["acts"][0]["kind"] == "freeze" and doc["acts"][0]["sources"][0]["id"] == "src-paper"


def test_who_json_lists_the_holder(data):
    doc = json.loads(run("who", "secretary-general", "--on", "2018-01-01", "--format", "json", *data).stdout)["result"]
    assert [(t["holder"], t["state"]) for t in doc] == [("Second Holder", "ARM")]


@pytest.mark.parametrize("fmt, files", [("csv", "memberships.csv"), ("json", "csto.json"), ("sqlite", "csto.sqlite")])
def test_export_writes_each_format(fmt, files, data, tmp_path):
    out = tmp_path / "out"
    result = run("export", "--to", fmt, out, *data)
    assert result.exit_code == 0, result.output
    assert (out / files).stat().st_size > 0


def test_export_csv_keeps_sources_and_periods(data, tmp_path):
    import csv

    run("export", "--to", "csv", tmp_path / "out", *data)
    rows = list(csv.DictReader((tmp_path / "out" / "memberships.csv").open()))
    srb = [r for r in rows if r["state"] == "SRB" and r["org"] == "CSTO"][0]
    assert srb["from"] == "2013" and "src-paper" in srb["sources"] and "valid_from" not in srb


def test_export_refuses_to_replace_a_directory_and_writes_nothing(data, tmp_path):
    out = tmp_path / "out"
    (out / "states.csv").mkdir(parents=True)
    result = run("export", "--to", "csv", out, *data)
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["states.csv"]


def test_export_under_a_file_exits_2(data, tmp_path):
    (tmp_path / "file").write_text("x")
    result = run("export", "--to", "json", tmp_path / "file" / "sub", *data)
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_an_empty_data_directory_exits_2(tmp_path):
    result = run("check", "--data", tmp_path)
    assert result.exit_code == 2 and "no record here" in result.stderr


def test_a_corrupt_cached_record_is_rebuilt(fixture_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CSTO_CACHE", str(tmp_path / "cache"))
    assert run("check", "--data", fixture_dir).exit_code == 0
    [cached] = (tmp_path / "cache").glob("record-*.sqlite")
    cached.write_bytes(b"not a database")
    result = run("members", "--on", "2020-01-01", "--data", fixture_dir)
    assert result.exit_code == 0 and "Russia" in result.stdout


def test_a_cache_path_that_is_a_file_exits_2(fixture_dir, tmp_path, monkeypatch):
    (tmp_path / "cache").write_text("x")
    monkeypatch.setenv("CSTO_CACHE", str(tmp_path / "cache"))
    result = run("check", "--data", fixture_dir)
    assert result.exit_code == 2 and "CSTO_CACHE" in result.stderr

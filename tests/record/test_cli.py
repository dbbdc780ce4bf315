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


# --- forces, budget, crises, missions, exercises, events --kind -------------------------------------------------

ALLIANCE = """
formations:
  - {id: rrf, name: Rapid force, kind: rapid-reaction, from: "2009-02-04", sources: [src-paper]}
formation_members:
  - {formation: rrf, state: RUS, from: "2009-06-14", sources: [src-paper]}
  - {formation: rrf, state: UZB, from: "2009-06-14", to: "2012-12-18", sources: [src-paper]}
strengths:
  - {formation: rrf, personnel: 20000, from: "2013", to: "2013", sources: [src-paper]}
contributions:
  - {formation: rrf, state: RUS, share: 0.5, from: "2009", to: "2019", sources: [src-paper]}
  - {formation: rrf, state: ARM, personnel: 300, from: "2009-10-20", to: "2009-10-20", description: One battalion.,
     sources: [src-paper]}
benefits:
  - {id: cheap-arms, description: Arms at Russian domestic prices., states: [ARM], sources: [src-paper]}
exercises:
  - {id: drill-2019, name: Drill 2019, host: RUS, participants: [ARM, RUS], from: "2019-10-21", to: "2019-10-29",
     sources: [src-paper]}
  - {id: drill-2022, name: Drill 2022, from: "2022", to: "2022", sources: [src-paper]}
missions:
  - id: peace-2022
    name: Peacekeepers in Armenia
    host: ARM
    kind: peacekeeping
    from: "2022-01-06"
    to: "2022-01-19"
    personnel: 2000
    contributors: [{state: RUS, personnel: 1800}, {state: UZB}]
    sources: [src-paper]
crises:
  - id: arm-2022
    name: Attack on Armenia
    date: "2022-09-13"
    kind: armed-aggression
    targets: [ARM]
    request: {by: ARM, to: csto, date: "2022-09-13", asked_for: [troops, observers]}
    other_requests: [{by: ARM, to: RUS, date: "2022-09-14"}]
    response: {outcome: mission, decided: "2022-09-13", decided_by: csc}
    uncertain: The mission was a fact-finding one.
    sources: [src-paper]
  - id: uzb-1999
    name: Incursion
    date: "1999-08"
    kind: terrorism
    targets: [UZB]
    response: {outcome: statement}
    sources: [src-paper]
"""


@pytest.fixture
def alliance(fixture_dir):
    (fixture_dir / "alliance.yaml").write_text(ALLIANCE)
    return ["--data", str(fixture_dir)]


def answer(*args) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_forces_json_reads_members_strength_carried_and_contributions_on_the_date(alliance):
    doc = answer("forces", "--on", "2010-01-01", *alliance)
    assert doc["command"] == "forces" and doc["question"] == {"on": "2010-01-01"}
    [rrf] = doc["result"]
    assert (rrf["id"], rrf["members"], rrf["strength"]) == ("rrf", ["RUS", "UZB"], None)
    assert [(c["state"], c["share"], c["from"], c["to"]) for c in rrf["contributions"]] == [("RUS", 0.5, "2009", "2019")]
    assert rrf["other_contribution_dates"] == ["2009-10-20"]
    assert rrf["sources"] == [{"id": "src-paper", "passage": None}]


def test_forces_json_carries_the_latest_strength_forward(alliance):
    [rrf] = answer("forces", "--on", "2015-12-31", *alliance)["result"]
    assert rrf["members"] == ["RUS"] and rrf["contributions"][0]["state"] == "RUS"
    strength = rrf["strength"]
    assert (strength["personnel"], strength["from"], strength["to"], strength["carried_years"]) == (20000, "2013", "2013", 2.0)
    assert strength["sources"] == [{"id": "src-paper", "passage": None}]


def test_forces_table_shows_strength_date_and_years_carried(alliance):
    result = run("forces", "--on", "2015-12-31", *alliance)
    assert result.exit_code == 0, result.output
    assert "about 20,000" in result.stdout and "2 years" in result.stdout and "RUS" in result.stdout
    assert "also recorded for 2009-10-20" in result.stdout


def edited(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must be there, once) replaced by ``new``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_forces_table_shows_headquarters_and_base_where_the_record_has_them(fixture_dir):
    (fixture_dir / "alliance.yaml").write_text(edited(
        ALLIANCE, 'from: "2009-02-04", sources: [src-paper]}',
        'from: "2009-02-04", sources: [src-paper],\n'
        "     headquarters: {name: Moscow, sources: [{id: src-paper, passage: staff in Moscow}]},\n"
        "     base: {name: Kant air base, note: Counted among the force., sources: [src-blog]}}"))
    doc = answer("forces", "--on", "2010-01-01", "--data", fixture_dir)
    [rrf] = doc["result"]
    assert rrf["headquarters"] == {"name": "Moscow", "note": None,
                                   "sources": [{"id": "src-paper", "passage": "staff in Moscow"}]}
    assert rrf["base"]["sources"] == [{"id": "src-blog", "passage": None}]
    result = run("forces", "--on", "2010-01-01", "--data", fixture_dir)
    assert result.exit_code == 0, result.output
    assert "Headquarters and bases" in result.stdout and "Moscow" in result.stdout and "Counted among" in result.stdout


def test_forces_table_omits_headquarters_where_none_is_recorded(alliance):
    result = run("forces", "--on", "2010-01-01", *alliance)
    assert result.exit_code == 0 and "Headquarters" not in result.stdout
    assert answer("forces", "--on", "2010-01-01", *alliance)["result"][0]["headquarters"] is None


def test_exercises_table_and_json_show_the_status(fixture_dir):
    (fixture_dir / "alliance.yaml").write_text(edited(
        ALLIANCE, "  - {id: drill-2022, name: Drill 2022, ", "  - {id: drill-2022, name: Drill 2022, status: cancelled, "))
    found = {x["id"]: x["status"] for x in answer("exercises", "--data", fixture_dir)["result"]}
    assert found == {"drill-2019": "held", "drill-2022": "cancelled"}
    result = run("exercises", "--data", fixture_dir)
    assert result.exit_code == 0 and "status" in result.stdout and "cancelled" in result.stdout


def test_forces_before_any_formation_says_so(alliance):
    result = run("forces", "--on", "2000-01-01", *alliance)
    assert result.exit_code == 0 and "No formation is recorded on 2000-01-01" in result.stdout
    assert answer("forces", "--on", "2000-01-01", *alliance)["result"] == []


def test_budget_json_lists_shares_their_total_and_the_benefits(alliance):
    doc = answer("budget", "--on", "2022-06-01", *alliance)
    assert doc["question"] == {"on": "2022-06-01"}
    shares = doc["result"]["shares"]
    assert [(s["state"], s["name"], s["share"], s["from"]) for s in shares] == [("RUS", "Russia", 0.5, "2021"),
                                                                               ("ARM", "Armenia", 0.1, "2021")]
    assert doc["result"]["total"] == 0.6
    assert doc["result"]["benefits"] == [{"id": "cheap-arms", "description": "Arms at Russian domestic prices.",
                                          "states": ["ARM"], "note": None,
                                          "sources": [{"id": "src-paper", "passage": None}]}]


def test_budget_before_any_share_says_so_and_still_lists_benefits(alliance):
    result = run("budget", "--on", "2010-01-01", *alliance)
    assert result.exit_code == 0
    assert "No budget share is recorded on 2010-01-01" in result.stdout and "cheap-arms" in result.stdout


def test_crises_json_keeps_requests_response_and_doubt(alliance):
    doc = answer("crises", *alliance)
    assert [c["id"] for c in doc["result"]] == ["uzb-1999", "arm-2022"]  # oldest first
    arm = doc["result"][1]
    assert (arm["date"], arm["kind"], arm["targets"]) == ("2022-09-13", "armed-aggression", ["ARM"])
    assert arm["request"]["asked_for"] == ["troops", "observers"] and arm["other_requests"][0]["to"] == "RUS"
    assert (arm["response"]["outcome"], arm["response"]["decided"]) == ("mission", "2022-09-13")
    assert arm["uncertain"] == "The mission was a fact-finding one."


@pytest.fixture
def wide(monkeypatch):
    """A terminal wide enough that no table cell wraps (tests/test_terminal.py checks 80 and 120 columns)."""
    from csto.cli import common

    monkeypatch.setattr(common.console, "width", 200)


def test_crises_table_says_who_asked_whom_for_what(alliance, wide):
    out = run("crises", *alliance).stdout
    assert "ARM -> CSTO 2022-09-13: troops, observers; ARM -> RUS 2022-09-14: not known" in out
    assert "mission?" in out and "no request" in out and "2022-09-13 csc" in out
    assert "The mission was a fact-finding one." in out


def test_missions_json_and_table(alliance, wide):
    [m] = answer("missions", *alliance)["result"]
    assert (m["id"], m["host"], m["from"], m["to"], m["personnel"]) == ("peace-2022", "ARM", "2022-01-06", "2022-01-19", 2000)
    assert m["contributors"] == [{"state": "RUS", "personnel": 1800, "description": None},
                                 {"state": "UZB", "personnel": None, "description": None}]
    out = run("missions", *alliance).stdout
    assert "peace-2022" in out and "RUS 1,800, UZB" in out


@pytest.mark.parametrize("window, expect", [
    ([], ["drill-2019", "drill-2022"]),
    (["--from", "2019-10-29"], ["drill-2019", "drill-2022"]),
    (["--from", "2019-10-30"], ["drill-2022"]),
    (["--to", "2019-10-20"], []),
    (["--from", "2022-12-31", "--to", "2023-01-01"], ["drill-2022"]),  # "2022" means any day of 2022
])
def test_exercises_overlapping_a_period(window, expect, alliance):
    doc = answer("exercises", *window, *alliance)
    assert [x["id"] for x in doc["result"]] == expect
    assert set(doc["question"]) == {"from", "to"}


def test_exercises_with_from_after_to_exit_2(alliance):
    result = run("exercises", "--from", "2020-01-01", "--to", "2019-01-01", *alliance)
    assert result.exit_code == 2 and "is after" in result.stderr


@pytest.mark.parametrize("kind, expect", [
    ("crisis", ["arm-2022", "uzb-1999"]), ("mission", ["peace-2022"]), ("exercise", ["drill-2019", "drill-2022"]),
    ("milestone", ["founding"]), ("CRISIS", ["arm-2022", "uzb-1999"]),
])
def test_events_of_one_kind(kind, expect, alliance):
    doc = answer("events", "--kind", kind, *alliance)
    assert sorted(h["id"] for h in doc["result"]) == expect
    assert doc["question"]["kind"] == kind


def test_events_kind_act_is_every_act(alliance):
    kinds = {h["kind"] for h in answer("events", "--kind", "act", *alliance)["result"]}
    assert kinds == {"act:signature", "act:freeze"}
    assert {h["kind"] for h in answer("events", "--kind", "act:freeze", *alliance)["result"]} == {"act:freeze"}


def test_an_unknown_event_kind_exits_2_listing_the_kinds(alliance):
    result = run("events", "--kind", "party", *alliance)
    assert result.exit_code == 2 and "unknown event kind 'party'" in result.stderr and "crisis" in result.stderr


@pytest.mark.parametrize("command", [["forces"], ["budget"], ["crises"], ["missions"], ["exercises"]])
def test_the_new_commands_answer_an_empty_record(command, data):
    """The fixture record holds no forces, crises, missions or exercises: the commands still answer."""
    assert run(*command, *data).exit_code == 0
    assert answer(*command, *data)["ok"] is True


def test_overlap_shows_a_frozen_membership_as_such(data):
    table = run("overlap", "--on", "2025-01-01", *data)
    assert table.exit_code == 0, table.output
    assert "member (frozen)" in table.stdout
    doc = json.loads(run("overlap", "--on", "2025-01-01", "--format", "json", *data).stdout)["result"]
    assert {s["state"]: s["statuses"]["CSTO"] for s in doc["states"]}["ARM"] == "member (frozen)"

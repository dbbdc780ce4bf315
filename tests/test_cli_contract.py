"""The command line's contract (README, "Errors"): one error shape for every command, exit codes 0/1/2,
no traceback, no user or file text read as Rich markup or emoji, a broken pipe is not an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csto import __version__
from csto.cli import LAZY, app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
ERROR_KEYS = {"kind", "message", "file", "line", "field", "value"}
SCENARIO = ROOT / "scenarios" / "kazakhstan-2022-01.yaml"


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def command_names() -> list[str]:
    from typer.main import get_group

    return sorted({*get_group(app).commands, *LAZY})


# One bad input per command, each answered under --format json.
BAD = {
    "members": ["members", "--on", "2022-02-30"],
    "history": ["history", "XXX"],
    "timeline": ["timeline", "--org", "NOPE"],
    "organs": ["organs", "--on", "soon"],
    "who": ["who", "nobody"],
    "events": ["events", "--from", "2022-02-01", "--to", "2021-01-01"],
    "conflicts": ["conflicts", "--data", "/nonexistent"],
    "sources": ["sources", "--data", "/nonexistent"],
    "overlap": ["overlap", "--on", "2022-13-01"],
    "export": ["export", "--to", "xml", "out"],
    "check": ["check", "--data", "/nonexistent"],
    "tour": ["tour", "--data", "/nonexistent"],
    "obligations": ["obligations", "/dev/zero"],
    "article": ["article", "no-such-article"],
    "articles": ["articles", "--on", "1992-02-30"],
    "simulate": ["simulate", SCENARIO, "--data", "/nonexistent"],
    "backtest": ["backtest", "--data", "/nonexistent"],
    "sweep": ["sweep", SCENARIO, "--data", "/nonexistent"],
}


def bad(name: str) -> list:
    """The bad input for ``name``; a command not listed in BAD gets a data folder that does not exist."""
    return BAD.get(name, [name, "--data", "/nonexistent"])


@pytest.mark.parametrize("name", command_names())
def test_an_error_under_format_json_has_one_shape_for_every_command(name):
    result = run(*bad(name), "--format", "json")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    answer = json.loads(result.stdout)
    assert answer["ok"] is False and set(answer) == {"ok", "error"}
    assert ERROR_KEYS <= set(answer["error"]) <= ERROR_KEYS | {"errors"}
    assert answer["error"]["kind"] in ("input", "usage", "date", "unknown") and answer["error"]["message"]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", command_names())
def test_an_error_for_people_is_one_plain_line_on_stderr(name):
    result = run(*bad(name))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_a_file_error_in_json_names_file_line_field_and_value(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCENARIO.read_text().replace("kind: ", "colour: red\nkind: ", 1))
    answer = json.loads(run("obligations", bad, "--format", "json").stdout)["error"]
    assert (answer["file"], answer["field"], answer["problem"] if "problem" in answer else None) == (str(bad), "colour", None)
    assert answer["line"] > 0 and "unknown field" in answer["message"]
    assert answer["errors"][0]["field"] == "colour"


def test_a_bug_exits_1_and_says_it_is_a_bug(monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr("csto.cli.common.Record.open", broken)
    result = run("members", "--on", "2022-01-01")
    assert result.exit_code == 1
    assert "bug" in result.stderr and "--debug" in result.stderr and "Traceback" not in result.stderr
    answer = json.loads(run("members", "--on", "2022-01-01", "--format", "json").stdout)
    assert answer["ok"] is False and answer["error"]["kind"] == "bug"


def test_a_builtin_value_error_is_a_bug_not_the_users_fault(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("internal")

    monkeypatch.setattr("csto.cli.common.Record.open", broken)
    assert run("members", "--on", "2022-01-01").exit_code == 1


def test_debug_shows_the_traceback_of_a_bug(monkeypatch):
    monkeypatch.setattr("csto.cli.common.Record.open", lambda *a, **k: {}["missing"])
    assert "Traceback" in run("--debug", "members", "--on", "2022-01-01").stderr
    monkeypatch.setattr("csto.cli.common._DEBUG", {"on": True})
    assert "Traceback" in run("members", "--on", "2022-01-01").stderr


def test_an_unknown_key_is_of_kind_unknown():
    assert json.loads(run("who", "nobody", "--format", "json").stdout)["error"]["kind"] == "unknown"


def test_a_usage_error_is_json_under_format_json():
    result = run("members", "--no-such-option", "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["kind"] == "usage"


def test_version_and_short_help():
    assert run("--version").stdout == f"csto {__version__}\n"
    assert "Usage" in run("-h").stdout and "Usage" in run("members", "-h").stdout


@pytest.mark.parametrize("args", [["who", "[/x]"], ["members", "--on", "[/x]"], ["history", "[/x]"],
                                  ["organs", "--on", "[bold]"], ["article", "[/x]"]])
def test_markup_in_a_user_value_is_text(args):
    result = run(*args)
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert args[-1].lower() in result.stderr.lower()  # printed as written, not parsed


def test_markup_in_a_scenario_title_is_printed_as_written(tmp_path):
    scenario = tmp_path / "s.yaml"
    text = SCENARIO.read_text()
    old = next(line for line in text.splitlines() if line.startswith("title: "))
    scenario.write_text(text.replace(old, "title: '[/x] [bold] :100:'"))
    result = run("obligations", scenario, "--brief")
    assert result.exit_code == 0, result.stderr
    assert "[/x] [bold] :100:" in result.stdout


def test_an_error_on_line_100_prints_the_number_not_an_emoji(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("#\n" * 99 + "colour: red\n" + SCENARIO.read_text())
    result = run("obligations", scenario)
    assert result.exit_code == 2 and ":100:" in result.stderr and "\U0001f4af" not in result.stderr


def test_a_scenario_alias_bomb_is_refused_briefly(tmp_path):
    scenario = tmp_path / "s.yaml"
    bomb = "simulation:\n  a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  {chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))
    scenario.write_text(SCENARIO.read_text() + bomb)
    result = run("obligations", scenario)
    assert result.exit_code == 2 and "aliases" in result.stderr and len(result.stderr) < 400


@pytest.mark.parametrize("text, line", [("targets: [KAZ]\nnote: a\x07b\n", 2), ("note: " + "1" * 5001 + "\n", 1),
                                        ("note: " + "[" * 100_000 + "\n", 1), ("? [a]\n: b\n", 1)])
def test_hostile_yaml_in_a_scenario_gives_a_located_error(tmp_path, text, line):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text)
    answer = json.loads(run("obligations", scenario, "--format", "json").stdout)["error"]
    assert (answer["file"], answer["line"]) == (str(scenario), line)


def test_a_fifo_given_as_a_scenario_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    result = run("obligations", tmp_path / "pipe.yaml")
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_a_fifo_in_the_data_folder_is_refused_without_blocking(fixture_dir):
    os.mkfifo(fixture_dir / "pipe.yaml")
    result = run("members", "--data", fixture_dir)
    assert result.exit_code == 2 and "pipe.yaml" in result.stderr and "not a regular file" in result.stderr


def test_a_data_folder_name_too_long_for_the_system_is_a_user_error():
    result = run("members", "--data", "x" * 300)
    assert result.exit_code == 2 and "too long" in result.stderr


def test_year_0000_in_the_record_fails_check(fixture_dir):
    base = fixture_dir / "base.yaml"
    text = base.read_text()
    base.write_text(text.replace('from: "1994-04-20"', 'from: "0000"', 1))
    result = run("check", "--data", fixture_dir)
    assert result.exit_code == 2 and "0000" in result.stderr


def test_a_broken_pipe_exits_0():
    env = {**os.environ, "COLUMNS": "80"}
    proc = subprocess.Popen([sys.executable, "-m", "csto", "sources"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err


def test_a_scenario_with_two_errors_reports_both(tmp_path):
    scenario = tmp_path / "s.yaml"
    text = SCENARIO.read_text().replace("targets: [KAZ]", "targets: [QQQ]").replace("date: 2022-01-05", "date: 2022-02-30", 1)
    scenario.write_text(text)
    answer = json.loads(run("obligations", scenario, "--format", "json").stdout)["error"]
    assert {e["field"] for e in answer["errors"]} >= {"date", "targets[0]"}


GOOD = {
    "members": (["members", "--on", "2022-01-10"], {"on": "2022-01-10", "status": "member", "org": "CSTO"}),
    "history": (["history", "ARM"], {"state": "ARM"}),
    "timeline": (["timeline"], {"org": "CSTO"}),
    "organs": (["organs", "--on", "2022-01-10"], {"on": "2022-01-10"}),
    "who": (["who", "secretary-general", "--on", "2022-01-10"], {"office": "secretary-general", "on": "2022-01-10"}),
    "events": (["events", "--from", "2022-01-01", "--to", "2022-01-31"], {"from": "2022-01-01", "to": "2022-01-31",
                                                                           "kind": None}),
    "forces": (["forces", "--on", "2022-01-10"], {"on": "2022-01-10"}),
    "budget": (["budget", "--on", "2022-01-10"], {"on": "2022-01-10"}),
    "crises": (["crises"], {}),
    "missions": (["missions"], {}),
    "exercises": (["exercises", "--from", "2022-01-01"], {"from": "2022-01-01", "to": None}),
    "conflicts": (["conflicts"], {}),
    "sources": (["sources"], {"kind": None, "search": None}),
    "overlap": (["overlap", "--on", "2022-01-10"], {"on": "2022-01-10"}),
    "check": (["check"], {}),
    "obligations": (["obligations", SCENARIO, "--on", "2022-01-10"], {"scenario": str(SCENARIO), "on": "2022-01-10",
                                                                       "overlay": None}),
    "article": (["article", "cst-4", "--on", "2022-01-10"], {"id": "cst-4", "on": "2022-01-10"}),
    "articles": (["articles", "--on", "2022-01-10"], {"on": "2022-01-10"}),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_every_json_answer_carries_its_question_version_and_record(name):
    args, question = GOOD[name]
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"ok", "command", "question", "csto_version", "record_hash", "result"}
    assert (answer["ok"], answer["command"], answer["question"]) == (True, name, question)
    assert answer["csto_version"] == __version__ and len(answer["record_hash"]) == 64


@pytest.mark.parametrize("args", [["members", "--on", "2022-01-10"], ["timeline"], ["history", "ARM"],
                                  ["who", "secretary-general", "--on", "2022-01-10"],
                                  ["organs", "--on", "2022-01-10"]])
def test_periods_say_from_and_to_and_sources_are_objects_everywhere(args):
    rows = json.loads(run(*args, "--format", "json").stdout)["result"]
    rows = rows["periods"] if isinstance(rows, dict) else rows
    assert rows and all("from" in r and "to" in r and "since" not in r and "until" not in r for r in rows)
    assert all(isinstance(ref, dict) and set(ref) == {"id", "passage"} for r in rows for ref in r["sources"])


LONG = "x" * 300  # longer than any file name the system allows (found by fuzzing: exit 1, "File name too long")


@pytest.mark.parametrize("args", [
    ["exercise", "list", "--db", LONG], ["exercise", "new", SCENARIO, "--db", f"{LONG}/games.sqlite"],
    ["exercise", "export", "GAME", "--to", LONG], ["exercise", "export", "GAME", "--to", f"{LONG}/out"],
    ["sweep", SCENARIO, LONG, "--runs", "10"], ["simulate", SCENARIO, "--overlay", LONG, "--runs", "10"],
    ["export", "--to", "csv", LONG], ["export", "--to", "state-year", LONG], ["members", "--data", LONG]])
def test_a_path_too_long_for_the_system_is_the_users_error(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "games.sqlite"
    game = "none"
    if "GAME" in args:
        made = run("exercise", "new", SCENARIO, "--db", db, "-f", "json")
        game = json.loads(made.stdout)["result"]["game"]
    result = run(*[game if a == "GAME" else a for a in args], env={"CSTO_GAMES_DB": str(db)})
    assert result.exit_code == 2, result.output
    assert "bug" not in result.output and "Traceback" not in result.output
    assert not [p for p in tmp_path.iterdir() if not p.name.startswith("games.sqlite")]  # nothing written

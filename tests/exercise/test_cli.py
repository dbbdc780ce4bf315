"""csto exercise new / show / export / replay / list: the facilitator's command line, its JSON and its errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from csto.cli import app
from csto.exercise import ExerciseService

from .conftest import FORECAST, KAZAKHSTAN, OVERLAYS, VOTERS

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def words(text: str) -> str:
    """Human output with its lines rejoined (it wraps at the terminal's width)."""
    return " ".join(text.split())


def created(db) -> dict:
    r = invoke("exercise", "new", KAZAKHSTAN, "--db", db, "--seed", 5, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def decided(db, record, position: str) -> tuple[str, str, ExerciseService, dict[str, str]]:
    """A game made by ``csto exercise new`` and played through the service (as the web pages play it) until every
    voter's ``position`` is revealed: the game, the facilitator's token, the open service and the roles' tokens."""
    res = created(db)["result"]
    game, fac = res["game"], res["facilitator_token"]
    svc = ExerciseService(db, record=record)
    tokens = {role: svc.join(code)["token"] for role, code in res["join_codes"].items()}
    for _ in range(3):
        svc.advance(fac)
    for s in VOTERS:
        svc.submit(tokens[s], FORECAST, position)
    svc.reveal(fac)
    return game, fac, svc, tokens


def test_new_prints_the_join_codes_and_the_facilitators_token(tmp_path):
    r = invoke("exercise", "new", KAZAKHSTAN, "--db", tmp_path / "g.sqlite", "--seed", 5)
    assert r.exit_code == 0, r.output
    assert "Facilitator token" in r.stdout and "join code" in r.stdout
    for state in VOTERS:
        assert f"{state}-" in r.stdout


def test_new_answers_in_the_envelope(tmp_path):
    full = created(tmp_path / "g.sqlite")
    assert set(full) == {"ok", "command", "question", "csto_version", "record_hash", "result"}
    assert full["ok"] is True and full["command"] == "exercise new" and full["question"]["seed"] == 5
    res = full["result"]
    assert res["game"].startswith("kazakhstan-2022-01-") and set(res["join_codes"]) >= set(VOTERS)
    assert res["facilitator_token"] and full["record_hash"]


def test_new_with_an_overlay_and_a_date(tmp_path):
    r = invoke("exercise", "new", KAZAKHSTAN, "--db", tmp_path / "g.sqlite", "--on", "2025-01-01", "--overlay",
               OVERLAYS / "qualified-majority.yaml", "--format", "json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)["result"]
    assert res["public"]["on"] == "2025-01-01" and res["public"]["rule"]["id"] == "qualified-majority"
    assert {x["id"]: x["vote"] for x in res["roles"]}["ARM"] is False


def test_show_export_and_replay_a_played_game(tmp_path, record):
    db = tmp_path / "g.sqlite"
    game, _, svc, _ = decided(db, record, "troops")
    svc.close()

    shown = invoke("exercise", "show", game, "--db", db)
    assert shown.exit_code == 0, shown.output
    assert "council-decision" in shown.stdout and "troops" in shown.stdout
    as_json = json.loads(invoke("exercise", "show", game, "--db", db, "--format", "json").stdout)["result"]
    assert as_json["decision"]["decision"] == "troops" and len(as_json["submissions"]) == 5

    replayed = invoke("exercise", "replay", game, "--db", db, "--format", "json")
    assert replayed.exit_code == 0 and json.loads(replayed.stdout)["result"]["same"] is True

    out = tmp_path / "export"
    exported = invoke("exercise", "export", game, "--db", db, "--to", out)
    assert exported.exit_code == 0, exported.output
    doc = json.loads((out / "game.json").read_text())
    assert doc["game"] == game and len(doc["submissions"]) == 5

    listed = json.loads(invoke("exercise", "list", "--db", db, "--format", "json").stdout)["result"]
    assert [g["game"] for g in listed["games"]] == [game]


def test_bad_input_exits_2_with_the_error_shape(tmp_path):
    db = tmp_path / "g.sqlite"
    for command in (["show", "no-such-game"], ["list"], ["replay", "no-such-game"], ["token", "no-such-game"]):
        r = invoke("exercise", *command, "--db", db, "--format", "json")  # a mistyped --db: said, and not created
        assert r.exit_code == 2 and json.loads(r.stdout)["error"]["field"] == "db", command
        assert not db.exists()
    created(db)
    r = invoke("exercise", "show", "no-such-game", "--db", db, "--format", "json")
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["kind"] == "unknown"
    r = invoke("exercise", "new", tmp_path / "missing.yaml", "--db", db)
    assert r.exit_code == 2 and "missing.yaml" in r.output and "Traceback" not in r.output
    r = invoke("exercise", "new", KAZAKHSTAN, "--db", db, "--on", "2022-02-30")
    assert r.exit_code == 2 and "--on" in r.output
    (tmp_path / "keep.txt").write_text("mine")
    game = created(db)["result"]["game"]
    r = invoke("exercise", "export", game, "--db", db, "--to", tmp_path, "--format", "json")
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["field"] == "to"
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_a_lost_facilitator_token_is_replaced_from_the_database(tmp_path, record):
    db = tmp_path / "g.sqlite"
    game = created(db)["result"]["game"]
    r = invoke("exercise", "token", game, "--db", db, "--format", "json")
    assert r.exit_code == 0, r.output
    token = json.loads(r.stdout)["result"]["token"]
    svc = ExerciseService(db, record=record)
    assert svc.view(token)["you"]["role"] == "facilitator"
    svc.close()
    bad = invoke("exercise", "token", game, "--db", db, "--role", "NATO", "--format", "json")
    assert bad.exit_code == 2 and json.loads(bad.stdout)["error"]["kind"] == "unknown"


def test_show_replay_and_export_tell_the_requesting_states_answer(tmp_path, record):
    db = tmp_path / "g.sqlite"
    game, fac, svc, tokens = decided(db, record, "assistance")
    svc.advance(fac)
    awaited = invoke("exercise", "show", game, "--db", db)
    assert awaited.exit_code == 0 and "KAZ was offered assistance (it asked for troops)" in words(awaited.stdout)
    assert "answer is awaited" in words(awaited.stdout)
    svc.answer(tokens["KAZ"], "refuse", "Not what we asked for.")
    svc.close()

    shown = words(invoke("exercise", "show", game, "--db", db).stdout)
    assert "it refuses (\"Not what we asked for.\")" in shown and "Outcome: mission" in shown
    as_json = json.loads(invoke("exercise", "show", game, "--db", db, "--format", "json").stdout)["result"]
    assert as_json["target_answer"]["answer"] == "refuse" and as_json["outcome"] == "mission"
    replayed = invoke("exercise", "replay", game, "--db", db)
    assert replayed.exit_code == 0 and "outcome mission" in words(replayed.stdout) and "it refuses" in words(
        replayed.stdout)
    checked = json.loads(invoke("exercise", "replay", game, "--db", db, "--format", "json").stdout)["result"]
    assert checked["same"] is True and checked["target_answer"]["reason"] == "Not what we asked for."
    out = tmp_path / "export"
    exported = invoke("exercise", "export", game, "--db", db, "--to", out, "--format", "json")
    assert exported.exit_code == 0 and str(out / "answers.csv") in json.loads(exported.stdout)["result"]["files"]
    assert "refuse,Not what we asked for." in (out / "answers.csv").read_text()

"""The facilitator's tools: roll back a phase, inject an escalation or a change of date, fork the game, export it."""

from __future__ import annotations

import csv
import json

import pytest

from csto.exercise import Conflict

from .conftest import FORECAST, VOTERS


def test_rolling_back_into_the_decision_voids_its_positions(table):
    svc = table.service
    table.decide({**{s: "troops" for s in VOTERS}, "BLR": "block"})
    svc.advance(table.facilitator)  # to the debrief: troops were blocked
    back = svc.rollback(table.facilitator)
    assert back["phase"]["id"] == "council-decision" and back["phase"]["round"] == 2
    assert back["decision"] is None and back["outcome"] is None and back["ended"] is False
    assert all(s["void"] for s in back["submissions"])
    table.seal_all({s: "troops" for s in VOTERS})  # a new round: the same delegations seal again
    out = svc.reveal(table.facilitator)
    assert out["decision"]["decision"] == "troops"
    assert [d["void"] for d in out["decisions"]] == [True, False]


def test_rolling_back_from_the_first_phase_is_refused(table):
    with pytest.raises(Conflict, match="nothing to roll back"):
        table.service.rollback(table.facilitator)


def test_a_change_of_date_replays_the_crisis_with_the_law_and_members_of_that_day(table):
    svc = table.service
    before = table.codes["ARM"]
    out = svc.inject(table.facilitator, "date", "The same unrest, three years later", on="2025-01-01")
    assert out["revision"] == 1 and out["public"]["on"] == "2025-01-01" and out["in_game_date"] == "2025-01-01"
    roles = {r["id"]: r for r in out["roles"]}
    assert roles["ARM"]["vote"] is False  # Armenia's participation is frozen on that day
    assert svc.show(table.game)["join_codes"]["ARM"] == before  # a role that stays keeps its code
    table.advance_to("council-decision")
    with pytest.raises(Exception, match="no vote"):
        svc.submit(table.tokens["ARM"], FORECAST, "troops")


def test_an_escalation_reassesses_the_event(table):
    svc = table.service
    flags = table.state()["definition"]["public"]["flags"]
    out = svc.inject(table.facilitator, "escalation", "No foreign hand is found", changes={"outside_involvement": False})
    assert out["public"]["flags"] != flags and "outside-involvement-alleged" not in out["public"]["flags"]
    assert out["injects"][-1]["text"] == "No foreign hand is found"
    plain = svc.inject(table.facilitator, "escalation", "Rioters take the airport")  # words only: no new facts
    assert plain["revision"] == 1


def test_new_facts_after_the_decision_are_refused(table):
    table.decide()
    with pytest.raises(Conflict, match="roll back"):
        table.service.inject(table.facilitator, "date", on="2023-01-01")


def test_positions_sealed_on_old_facts_are_void(table):
    table.advance_to("council-decision")
    table.seal_all({"RUS": "troops"})
    out = table.service.inject(table.facilitator, "escalation", "Attack confirmed", changes={"armed_attack": True})
    assert out["phase"]["round"] == 2 and out["sealed_by"] == []


def test_a_fork_begins_with_the_whole_log(table):
    svc = table.service
    table.decide()
    fork = svc.fork(table.facilitator)
    assert fork["game"] != table.game and fork["forked_from"] == {"game": table.game, "seq": table.state()["seq"]}
    assert set(fork["join_codes"].values()).isdisjoint(table.codes.values())
    forked = svc.state(fork["game"])
    assert forked["title"].endswith(f"(fork of {table.game})")
    assert forked["decision"] == table.state()["decision"] and forked["seed"] == table.state()["seed"]
    back = svc.rollback(fork["facilitator_token"])  # the fork goes its own way
    assert back["phase"]["id"] == "consultations" and back["decision"] is None
    assert svc.state(fork["game"])["rounds"]["council-decision"] == 2
    assert table.state()["rounds"]["council-decision"] == 1 and table.state()["decision"] is not None
    assert svc.replay(fork["game"])["same"] is True
    with pytest.raises(Exception, match="token"):
        svc.view(fork["facilitator_token"] + "x")


def test_the_export_holds_the_whole_game_and_parses(table, tmp_path):
    svc = table.service
    svc.say(table.tokens["KAZ"], "Help, please; \"now\",\nnot later.")
    table.decide()
    svc.advance(table.facilitator)
    svc.pledge(table.tokens["RUS"], 1200)
    svc.advance(table.facilitator)
    files = svc.export_files(table.game, tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "game.json").read_text())
    assert doc["seed"] == 11 and doc["game"] == table.game and doc["outcome"] == "troops"
    assert [p["date"] for p in doc["phases"]][:4] == ["2022-01-05", "2022-01-06", "2022-01-06", "2022-01-06"]
    assert doc["debrief"]["model"]["runs"] == 1000 and len(doc["events"]) == table.state()["seq"]
    rows = {f.name: list(csv.DictReader(f.open(encoding="utf-8"))) for f in files if f.suffix == ".csv"}
    assert [r["role"] for r in rows["positions.csv"]] == VOTERS
    assert float(rows["positions.csv"][0]["p_troops"]) == FORECAST["troops"]
    assert rows["pledges.csv"][0]["personnel"] == "1200"
    assert rows["messages.csv"][0]["text"] == "Help, please; \"now\",\nnot later."
    assert len(rows["events.csv"]) == len(doc["events"]) and rows["decisions.csv"][0]["decision"] == "troops"
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    assert table.facilitator not in text and all(code not in text for code in table.codes.values())


def test_an_export_never_replaces_a_folder_of_other_files(table, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(Exception, match="not part of a game's export"):
        table.service.export_files(table.game, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    out = tmp_path / "again"
    table.service.export_files(table.game, out)
    table.service.export_files(table.game, out)  # an earlier export is replaced whole
    assert sorted(p.name for p in out.iterdir()) == sorted(["game.json", "phases.csv", "positions.csv", "pledges.csv",
                                                            "answers.csv", "messages.csv", "decisions.csv",
                                                            "events.csv"])

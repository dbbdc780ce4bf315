"""The store: a restart mid-phase loses nothing and the game continues; 30 players submitting at once are each
stored exactly once; the log replays to the same state; a tampered log does not."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from csto.exercise import Conflict, ExerciseService

from .conftest import VOTERS


def test_a_restart_mid_phase_loses_nothing_and_the_game_continues(table, db_path, record, clock):
    table.advance_to("council-decision")
    table.seal_all({"RUS": "troops", "ARM": "mission"})
    table.service.say(table.tokens["KAZ"], "Please hurry.")
    before = table.snapshot()
    table.service.close()  # the server stops

    again = ExerciseService(db_path, record=record, clock=clock)  # and starts again, from the file alone
    table.service = again
    assert table.snapshot() == before
    view = again.view(table.tokens["ARM"])  # the tokens issued before still work
    assert view["sealed_by"] == ["ARM", "RUS"] and view["messages"][0]["text"] == "Please hurry."
    assert again.sealed(table.tokens["ARM"], "ARM")["position"] == "mission"
    table.seal_all({s: "troops" for s in ("BLR", "KGZ", "TJK")})
    assert again.reveal(table.facilitator)["decision"]["decision"] == "mission"  # ARM's mission holds consensus
    assert again.replay(table.game)["same"] is True


def test_thirty_players_submitting_at_once_are_each_stored_exactly_once(table, db_path, record, clock):
    """30 players of the five voting delegations (six each), on two service objects over one file (as two
    server processes would be): each delegation's position is stored once, every message once."""
    other = ExerciseService(db_path, record=record, clock=clock)
    table.advance_to("council-decision")
    players = []
    for i in range(30):
        role = VOTERS[i % len(VOTERS)]
        players.append((role, table.service.join(table.codes[role], name=f"player {i}")["token"], i))
    barrier = threading.Barrier(len(players))
    results: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def play(role: str, token: str, i: int) -> None:
        svc = table.service if i % 2 else other
        try:
            barrier.wait()
            svc.say(token, f"message {i}")
            # the first of each delegation wins; the others differ in their forecast and are refused
            forecast = {"troops": 1.0 - i / 100, "mission": i / 100}
            try:
                svc.submit(token, forecast, "troops")
                outcome = "stored"
            except Conflict:
                outcome = "conflict"
            with lock:
                results.append((role, outcome))
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=play, args=p) for p in players]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = Counter(role for role, outcome in results if outcome == "stored")
    assert stored == Counter(dict.fromkeys(VOTERS, 1))
    assert len(results) == 30
    rows = table.service.store.submissions(table.game)
    assert sorted(r[2] for r in rows) == VOTERS  # one row per delegation in the table
    events = table.service.store.events(table.game)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # no gap, no duplicate
    messages = [e["payload"]["text"] for e in events if e["kind"] == "message"]
    assert sorted(messages) == sorted(f"message {i}" for i in range(30))
    assert table.service.replay(table.game)["same"] is True
    assert other.state(table.game)["seq"] == table.service.state(table.game)["seq"]
    other.close()


def test_the_log_replays_to_the_same_state(table):
    svc = table.service
    table.decide()
    svc.advance(table.facilitator)
    svc.pledge(table.tokens["RUS"], 900)
    svc.advance(table.facilitator)
    checked = svc.replay(table.game)
    assert checked["same"] is True and checked["events"] == table.state()["seq"]
    fresh = ExerciseService(svc.store.path, record=svc.record)  # a second process folds the log from nothing
    assert fresh.state(table.game)["deployment"] == table.state()["deployment"]  # the seeded draws too
    fresh.close()


def test_a_tampered_log_does_not_replay(table):
    table.advance_to("council-decision")
    table.seal_all({"RUS": "troops"})
    db = table.service.store.conn()
    seq = table.state()["seq"]
    db.execute("UPDATE events SET payload = replace(payload, '\"troops\"', '\"block\"') WHERE game = ? AND seq = ?",
               (table.game, seq))
    with pytest.raises(Conflict, match=f"after event {seq}"):
        table.service.replay(table.game)

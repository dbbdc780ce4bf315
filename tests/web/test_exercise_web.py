"""The crisis exercise through the HTTP API, as a class would play it: a scripted Kazakhstan 2022 game (every role
joins, briefs differ, sealed positions hidden until the reveal, the rule in force decides, pledges become the model's
deployment, the debrief holds the model's runs and the Brier scores), each bad input refused with its status and
nothing changed, a restart mid-phase, 30 clients submitting at once, the event stream, the export and the pages'
forms. Each test has its own games database; the app's service gets a clock the tests can move."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from csto.exercise import ExerciseService
from csto.exercise import export as exported
from csto.sim import OUTCOMES
from csto.web import create_app
from csto.web.routers import exercise as web_exercise

KAZAKHSTAN = "kazakhstan-2022-01"
VOTERS = ["ARM", "BLR", "KGZ", "RUS", "TJK"]  # the five members voting on 5 January 2022 (Kazakhstan asks)
SURE = {"troops": 1.0}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Game:
    """One game as the tests hold it: the client, its id, the facilitator's token and a token per role."""

    def __init__(self, client: TestClient, made: dict) -> None:
        self.client, self.id = client, made["game"]
        self.facilitator, self.codes = made["facilitator_token"], made["join_codes"]
        self.tokens: dict[str, str] = {}

    def url(self, tail: str = "") -> str:
        return f"/api/exercise/{self.id}{tail}"

    def get(self, tail: str, token: str, headers: dict | None = None, **kw):
        return self.client.get(self.url(tail), headers={"Authorization": f"Bearer {token}", **(headers or {})}, **kw)

    def post(self, tail: str, token: str, body: dict | None = None):
        return self.client.post(self.url(tail), headers={"Authorization": f"Bearer {token}"}, json=body)

    def ok(self, response) -> dict:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["ok"] is True and body["command"].startswith("exercise ") and body["record_hash"]
        return body["result"]

    def act(self, action: str, body: dict | None = None) -> dict:
        return self.ok(self.post(f"/{action}", self.facilitator, body))

    def view(self, role: str | None = None) -> dict:
        return self.ok(self.get("", self.tokens[role] if role else self.facilitator))

    def advance_to(self, phase: str) -> None:
        while self.view()["phase"]["id"] != phase:
            self.act("advance")

    def seal(self, role: str, position: str | None, forecast: dict | None = None):
        return self.post("/submit", self.tokens[role], {"forecast": forecast or SURE, "position": position})

    def seal_all(self, positions: dict[str, str]) -> None:
        for role, position in positions.items():
            self.ok(self.seal(role, position))

    def snapshot(self, svc: ExerciseService) -> tuple:
        """What a refused request must leave as it was: the log's length and the rows on disk."""
        db = svc.store.conn()
        return tuple(db.execute(f"SELECT count(*) FROM {t} WHERE game = ?", (self.id,)).fetchone()[0]
                     for t in ("events", "submissions", "tokens", "roles"))


@pytest.fixture
def games_db(tmp_path) -> Path:
    return tmp_path / "games.sqlite"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def web(games_db, clock):
    app = create_app(games=games_db)
    app.state.exercise.close()
    app.state.exercise = ExerciseService(games_db, record=app.state.service.record, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.exercise.close()


def new_game(client: TestClient, **options) -> Game:
    """A game on Kazakhstan 2022 with one player joined to every role (each with a bearer token)."""
    made = client.post("/api/exercise", json={"scenario": KAZAKHSTAN, "seed": 7, **options})
    assert made.status_code == 200, made.text
    game = Game(client, made.json()["result"])
    for role, code in game.codes.items():
        joined = client.post("/api/exercise/join", json={"code": code.lower(), "name": f"student of {role}"})
        game.tokens[role] = game.ok(joined)["token"]
    client.cookies.clear()  # the API is driven with bearer tokens here; the pages' cookies are tested apart
    return game


@pytest.fixture
def game(web) -> Game:
    return new_game(web)


def error(response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and set(body["error"]) >= {"kind", "message", "file", "line", "field", "value"}
    assert body["error"]["kind"] == kind, body
    return body["error"]


# --- a class plays -------------------------------------------------------------------------------------------------

def test_a_scripted_game_through_the_api(game):
    view = game.view("RUS")
    assert view["you"] == {**view["you"], "role": "RUS", "vote": True} and view["phase"]["id"] == "request"
    assert [r["id"] for r in view["roles"] if r["vote"]] == VOTERS

    briefs = {role: game.ok(game.get("/brief", token))["brief"] for role, token in game.tokens.items()
              if role != "observer"}
    assert briefs["RUS"]["state"] == "RUS" and briefs["ARM"]["state"] == "ARM"
    assert briefs["RUS"]["forces"]["contingent"] > briefs["ARM"]["forces"]["contingent"] > 0
    assert briefs["KAZ"]["request"]["by"] == "KAZ"
    assert briefs["joint-staff"]["contingents"]["RUS"] == briefs["RUS"]["forces"]["contingent"]
    assert briefs["secretary-general"]["rule"]["id"] == "consensus"
    assert len({json.dumps(b, sort_keys=True) for b in briefs.values()}) == len(briefs)  # each its own
    error(game.get("/brief/RUS", game.tokens["ARM"]), 403, "forbidden")
    assert game.ok(game.get("/brief/RUS", game.facilitator))["brief"]["state"] == "RUS"

    game.ok(game.post("/messages", game.tokens["KAZ"], {"text": "We ask for help under Article 4."}))
    game.ok(game.post("/messages", game.tokens["RUS"], {"text": "We will send troops.", "to": "KAZ"}))
    assert [m["text"] for m in game.view("ARM")["messages"]] == ["We ask for help under Article 4."]
    assert len(game.view("KAZ")["messages"]) == 2

    game.advance_to("council-decision")
    game.ok(game.seal("RUS", "troops"))
    error(game.get("/sealed/RUS", game.tokens["ARM"]), 403, "forbidden")
    error(game.get("/sealed/RUS", game.tokens["observer"]), 403, "forbidden")
    assert game.view("ARM")["sealed_by"] == ["RUS"]
    assert game.ok(game.get("/sealed/RUS", game.tokens["RUS"]))["position"] == "troops"
    game.seal_all({s: "troops" for s in VOTERS if s != "RUS"})
    game.ok(game.post("/submit", game.tokens["KAZ"], {"forecast": {"troops": 0.5, "assistance": 0.5}}))
    revealed = game.act("reveal")
    assert revealed["decision"]["decision"] == "troops" and revealed["decision"]["blockers"] == []
    assert game.ok(game.get("/sealed/RUS", game.tokens["ARM"]))["position"] == "troops"
    assert game.view("observer")["decisions"][0]["positions"] == dict.fromkeys(VOTERS, "troops") | {"KAZ": None}

    game.act("advance")
    pledges = {s: briefs[s]["forces"]["contingent"] // (2 if s == "RUS" else 3) for s in ("RUS", "ARM", "TJK")}
    for role, n in pledges.items():
        assert game.ok(game.post("/pledge", game.tokens[role], {"personnel": n}))["personnel"] == n
    deployed = game.act("advance")
    assert deployed["deployment"]["personnel"] == pledges
    assert deployed["deployment"]["total_personnel"] == sum(pledges.values())
    assert deployed["phase"]["id"] == "deployment" and deployed["outcome"] == "troops"
    assert deployed["target_answer"] is None  # troops are what Kazakhstan asked for: nothing to answer
    error(game.post("/answer", game.tokens["KAZ"], {"answer": "refuse", "reason": "Too late."}), 409, "conflict")
    error(game.get("/debrief", game.tokens["RUS"]), 403, "forbidden")  # the debrief opens at the end
    game.advance_to("debrief")

    debrief = game.ok(game.get("/debrief", game.tokens["observer"]))
    model = debrief["model"]
    assert model["runs"] == 1000 and abs(sum(model["outcomes"].values()) - 1) < 1e-9
    assert model["class_outcome"]["class"] == "troops"
    assert model["class_outcome"]["p_same"] == pytest.approx(model["outcomes"]["troops"], abs=1e-4)
    assert model["personnel"]["class"] == sum(pledges.values())
    assert debrief["history"]["crisis"] == "kaz-2022-january"
    scores = {x["role"]: x["brier"] for x in debrief["forecasts"]["delegations"]}
    assert scores == {**dict.fromkeys(VOTERS, 0.0), "KAZ": pytest.approx(0.5)}
    assert debrief["simulation"]["outcomes"] == model["outcomes"] and debrief["simulation"]["runs"] == 1000


def test_a_block_under_consensus_keeps_the_decision_at_consultations(game):
    game.advance_to("council-decision")
    game.seal_all({**dict.fromkeys(VOTERS, "troops"), "BLR": "block"})
    decided = game.act("reveal")["decision"]
    assert decided["decision"] == "consultations" and decided["blockers"] == ["BLR"]
    assert game.act("advance")["phase"]["id"] == "debrief"  # no troops: the force's phases are skipped


def test_a_qualified_majority_overlay_outvotes_the_same_block(web):
    game = new_game(web, overlay="qualified-majority")
    assert game.view()["public"]["rule"]["id"] == "qualified-majority"
    game.advance_to("council-decision")
    game.seal_all({**dict.fromkeys(VOTERS, "troops"), "BLR": "block"})
    decided = game.act("reveal")["decision"]
    assert decided["decision"] == "troops" and decided["outvoted"] == ["BLR"] and decided["blockers"] == []


# --- bad input ------------------------------------------------------------------------------------------------------

def test_each_bad_input_is_refused_with_its_code_and_changes_nothing(web, game, clock):
    svc = web.app.state.exercise
    game.advance_to("council-decision")
    game.ok(game.seal("RUS", "troops"))
    other = new_game(web)
    expired = web.post("/api/exercise/join", json={"code": game.codes["TJK"]}).json()["result"]["token"]
    web.cookies.clear()
    before = game.snapshot(svc)

    cases = [
        (game.post("/advance", "forged-token"), 403, "forbidden"),
        (web.post(game.url("/advance")), 403, "forbidden"),  # no token at all
        (game.post("/advance", other.facilitator), 403, "forbidden"),  # another game's token
        (game.post("/advance", game.tokens["RUS"]), 403, "forbidden"),  # a facilitator's action by a player
        (game.post("/reveal", game.tokens["secretary-general"]), 403, "forbidden"),
        (game.post("/fork", game.tokens["observer"]), 403, "forbidden"),
        (game.get("/sealed/RUS", game.tokens["BLR"]), 403, "forbidden"),  # another delegation's, before the reveal
        (game.post("/messages", game.tokens["observer"], {"text": "hello"}), 403, "forbidden"),
        (game.seal("KAZ", "troops"), 403, "forbidden"),  # the requesting state has no vote
        (game.get("/sealed/XYZ", game.facilitator), 404, "unknown"),
        (game.get("/brief/XYZ", game.facilitator), 404, "unknown"),
        (web.post("/api/exercise/join", json={"code": "XYZ-ABCDEF"}), 404, "unknown"),
        (game.seal("RUS", "mission"), 409, "conflict"),  # already sealed otherwise
        (game.post("/pledge", game.tokens["RUS"], {"personnel": 10}), 409, "conflict"),  # pledges are not open
        (game.post("/messages", game.tokens["RUS"], {"text": "psst", "to": "XYZ"}), 400, "input"),  # unknown role
        (game.seal("ARM", "troops", {"troops": 0.7}), 400, "input"),  # does not sum to one
        (game.seal("ARM", "invade"), 400, "input"),
        (game.post("/inject", game.facilitator, {"kind": "earthquake", "text": "x"}), 400, "input"),
        (game.post("/submit", game.tokens["ARM"], {"forecast": SURE, "vote": "troops"}), 422, "usage"),
        (game.get("?colour=red", game.tokens["ARM"]), 400, "usage"),
        (game.get("/export", game.facilitator, params={"format": "csv", "table": "secrets"}), 400, "usage"),
    ]
    for response, status, kind in cases:
        error(response, status, kind)
    clock.now += timedelta(days=2)  # tokens last a class (data/exercise/procedure.yaml), not two days
    error(game.post("/submit", expired, {"forecast": SURE, "position": "troops"}), 403, "forbidden")
    clock.now -= timedelta(days=2)
    assert game.snapshot(svc) == before
    assert game.view()["sealed_by"] == ["RUS"]

    game.seal_all({s: "troops" for s in VOTERS if s != "RUS"})
    game.act("reveal")
    error(game.seal("KAZ", None), 409, "conflict")  # a submission after the round was revealed
    game.act("advance")
    contingent = game.ok(game.get("/brief", game.tokens["RUS"]))["brief"]["forces"]["contingent"]
    error(game.post("/pledge", game.tokens["RUS"], {"personnel": contingent + 1}), 400, "input")  # above it
    error(game.post("/pledge", game.tokens["RUS"], {"personnel": "many"}), 400, "input")
    error(game.post("/pledge", game.tokens["KAZ"], {"personnel": 10}), 403, "forbidden")
    game.act("advance")
    closed = game.snapshot(svc)
    error(game.post("/pledge", game.tokens["RUS"], {"personnel": 10}), 409, "conflict")  # after the phase closed
    error(game.seal("ARM", "troops"), 409, "conflict")
    assert game.snapshot(svc) == closed


def test_bad_inputs_to_create_are_refused_and_create_nothing(web, games_db):
    cases = [({"scenario": "atlantis-2030"}, 404, "unknown"), ({"scenario": "../../data/members"}, 404, "unknown"),
             ({"scenario": KAZAKHSTAN, "overlay": "no-such"}, 404, "unknown"),
             ({"scenario": KAZAKHSTAN, "on": "2022-13-01"}, 400, "date"),
             ({"scenario": KAZAKHSTAN, "on": "2001-01-01"}, 400, "input"),  # before the procedure is in force
             ({"scenario": KAZAKHSTAN, "seed": -1}, 400, "input"), ({"seed": 1}, 422, "usage")]
    for body, status, kind in cases:
        error(web.post("/api/exercise", json=body), status, kind)
    assert ExerciseService(games_db).store.games() == []


# --- a server restart and a class at once ---------------------------------------------------------------------------

def test_a_new_server_over_the_same_games_continues_mid_phase_with_nothing_lost(web, game, games_db, clock):
    game.advance_to("council-decision")
    game.seal_all({"RUS": "troops", "ARM": "mission"})
    game.ok(game.post("/messages", game.tokens["KAZ"], {"text": "Please hurry."}))
    before = game.view()
    web.app.state.exercise.close()  # the server stops

    app = create_app(games=games_db)  # and a new one starts over the same file
    app.state.exercise.close()
    app.state.exercise = ExerciseService(games_db, record=app.state.service.record, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as again:
        game.client = again
        after = game.view()
        assert {k: after[k] for k in ("seq", "phase", "sealed_by", "messages", "submissions")} == \
               {k: before[k] for k in ("seq", "phase", "sealed_by", "messages", "submissions")}
        assert game.ok(game.get("/sealed/ARM", game.tokens["ARM"]))["position"] == "mission"  # old tokens work
        game.seal_all({s: "troops" for s in ("BLR", "KGZ", "TJK")})
        assert game.act("reveal")["decision"]["decision"] == "mission"  # ARM's mission holds consensus
        assert app.state.exercise.replay(game.id)["same"] is True
    app.state.exercise.close()


def test_thirty_clients_submitting_at_once_are_each_stored_exactly_once(web, game):
    game.advance_to("council-decision")
    players = []
    for i in range(30):
        role = VOTERS[i % len(VOTERS)]
        joined = web.post("/api/exercise/join", json={"code": game.codes[role], "name": f"player {i}"})
        players.append((i, role, game.ok(joined)["token"]))
    web.cookies.clear()
    barrier = threading.Barrier(len(players))
    results: list[tuple[str, int, int]] = []
    lock = threading.Lock()

    def play(i: int, role: str, token: str) -> None:
        barrier.wait()
        said = game.post("/messages", token, {"text": f"message {i}"}).status_code
        # the first of each delegation wins; the others seal another forecast and are refused (409)
        sealed = game.post("/submit", token, {"forecast": {"troops": 1 - i / 100, "mission": i / 100},
                                              "position": "troops"}).status_code
        with lock:
            results.append((role, said, sealed))

    threads = [threading.Thread(target=play, args=p) for p in players]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 30 and {said for _, said, _ in results} == {200}
    assert Counter(role for role, _, sealed in results if sealed == 200) == Counter(VOTERS)
    assert Counter(sealed for _, _, sealed in results) == {200: 5, 409: 25}
    view = game.view()
    assert view["sealed_by"] == VOTERS
    assert sorted(s["role"] for s in view["submissions"]) == VOTERS  # one stored position per delegation
    assert sorted(m["text"] for m in view["messages"]) == sorted(f"message {i}" for i in range(30))
    svc = web.app.state.exercise
    events = svc.store.events(game.id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # no gap, no duplicate
    assert svc.replay(game.id)["same"] is True


# --- live updates ---------------------------------------------------------------------------------------------------

def sse(text: str) -> tuple[list[dict], list[str]]:
    """The events of a server-sent event stream (``id``, ``event``, ``data`` parsed) and its comment lines."""
    events, comments = [], []
    for block in text.split("\n\n"):
        fields: dict = {}
        for line in filter(None, block.split("\n")):
            if line.startswith(":"):
                comments.append(line)
                continue
            key, _, value = line.partition(": ")
            fields[key] = json.loads(value) if key == "data" else value
        if "data" in fields:
            events.append(fields)
    return events, comments


def test_the_event_stream_shows_each_role_only_what_it_may_see(game, monkeypatch):
    monkeypatch.setattr(web_exercise, "STREAM_SECONDS", 0.6)  # a short stream the test client reads whole
    monkeypatch.setattr(web_exercise, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(web_exercise, "HEARTBEAT_SECONDS", 0.0)
    start = game.view("ARM")["seq"]
    game.advance_to("council-decision")
    game.ok(game.seal("RUS", "troops"))
    game.ok(game.post("/messages", game.tokens["RUS"], {"text": "secret", "to": "KAZ"}))
    game.ok(game.post("/messages", game.tokens["KAZ"], {"text": "public"}))

    stream = game.get("/events", game.tokens["ARM"], params={"after": start}, headers={"Accept": "text/event-stream"})
    assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
    events, comments = sse(stream.text)
    assert "retry: 1000" in stream.text and ": heartbeat" in comments
    assert [int(e["id"]) for e in events] == [e["data"]["seq"] for e in events]
    kinds = [e["data"]["kind"] for e in events]
    assert kinds == ["advanced"] * 3 + ["sealed", "message"]  # the private message to KAZ is not ARM's
    sealed = events[3]["data"]
    assert sealed["role"] == "RUS" and sealed["sealed"] is True and "position" not in sealed
    assert events[4]["data"]["text"] == "public"

    last = int(events[2]["id"])  # a browser reconnecting after the third event
    again = game.get("/events", game.tokens["KAZ"], headers={"Accept": "text/event-stream", "Last-Event-ID": str(last)})
    assert [e["data"]["kind"] for e in sse(again.text)[0]] == ["sealed", "message", "message"]
    assert [e["data"]["text"] for e in sse(again.text)[0][1:]] == ["secret", "public"]

    polled = game.ok(game.get("/events", game.tokens["ARM"], params={"after": start}))  # JSON for a polling client
    assert [e["seq"] for e in polled["events"]] == [e["data"]["seq"] for e in events]
    error(game.get("/events", "forged", headers={"Accept": "text/event-stream"}), 403, "forbidden")
    error(game.get("/events", game.tokens["ARM"], headers={"Last-Event-ID": "yesterday"}), 400, "usage")


# --- the requesting state's answer ----------------------------------------------------------------------------------

REASON = "Assistance without troops does not stop the riots."


def offer_assistance(game: Game) -> dict:
    """The five voters offer assistance (less than the troops Kazakhstan asked for under Article 4)."""
    game.advance_to("council-decision")
    game.seal_all(dict.fromkeys(VOTERS, "assistance"))
    game.act("reveal")
    return game.act("advance")


def test_the_requesting_state_answers_an_offer_short_of_its_request(game, web):
    svc = web.app.state.exercise
    opened = offer_assistance(game)
    assert opened["phase"]["id"] == "target-answer" and opened["phase"]["answer"] is True
    assert opened["target_answer"] | {"target": "KAZ", "asked": "troops", "offered": "assistance", "answer": None} == \
        opened["target_answer"]
    before = game.snapshot(svc)
    body = {"answer": "refuse", "reason": REASON}
    for role in ("RUS", "observer", "joint-staff"):  # only the requesting state answers
        error(game.post("/answer", game.tokens[role], body), 403, "forbidden")
    error(game.post("/answer", game.facilitator, body), 403, "forbidden")
    error(game.post("/answer", game.tokens["KAZ"], {"answer": "maybe", "reason": REASON}), 400, "input")
    error(game.post("/answer", game.tokens["KAZ"], {"answer": "refuse", "reason": " "}), 400, "input")
    error(game.post("/answer", game.tokens["KAZ"], {"answer": "refuse"}), 422, "usage")  # no reason at all
    assert game.snapshot(svc) == before

    answered = game.ok(game.post("/answer", game.tokens["KAZ"], body))
    assert answered["answer"] == "refuse" and answered["outcome"] == "mission" and answered["duplicate"] is False
    again = game.ok(game.post("/answer", game.tokens["KAZ"], body))  # a retried request
    assert again["duplicate"] is True and again["seq"] is None
    conflict = error(game.post("/answer", game.tokens["KAZ"], {"answer": "accept", "reason": REASON}), 409, "conflict")
    assert conflict["field"] == "role"
    assert game.view("ARM")["target_answer"]["answer"] == "refuse" and game.view("ARM")["outcome"] == "mission"

    rows = game.get("/export", game.facilitator, params={"format": "csv", "table": "answers"}).text.splitlines()
    assert rows[0].split(",")[:8] == ["seq", "phase", "round", "role", "player", "offered", "asked", "answer"]
    assert len(rows) == 2 and ",KAZ," in rows[1] and ",refuse," in rows[1] and REASON in rows[1]
    archive = zipfile.ZipFile(io.BytesIO(game.get("/export", game.facilitator, params={"format": "zip"}).content))
    assert json.loads(archive.read("game.json"))["target_answer"]["reason"] == REASON

    game.act("advance")
    debrief = game.ok(game.get("/debrief", game.tokens["KAZ"]))
    runs = game.ok(game.get("/brief", game.facilitator))["model_runs"]  # the game's own 1,000 runs
    answer = debrief["target_answer"]
    assert answer["refused"] is True and answer["step"] is True and debrief["outcome"] == "mission"
    assert answer["model"]["p_refused_by_target"] == runs["p_refused_by_target"]
    assert answer["model"]["p_refused_by_target_mcse"] == runs["p_refused_by_target_mcse"]
    assert answer["history"]["crisis"] == "kaz-2022-january" and answer["history"]["refused_by_target"] is False
    assert svc.replay(game.id)["same"] is True


def test_the_answer_reaches_every_role_as_a_server_sent_event(game, monkeypatch):
    monkeypatch.setattr(web_exercise, "STREAM_SECONDS", 0.3)
    monkeypatch.setattr(web_exercise, "POLL_SECONDS", 0.05)
    offer_assistance(game)
    start = game.view("observer")["seq"]
    game.ok(game.post("/answer", game.tokens["KAZ"], {"answer": "refuse", "reason": REASON}))
    for role in ("observer", "RUS"):
        stream = game.get("/events", game.tokens[role], params={"after": start},
                          headers={"Accept": "text/event-stream"})
        events, _ = sse(stream.text)
        assert [e["data"]["kind"] for e in events] == ["answered"]
        data = events[0]["data"]
        assert data | {"role": "KAZ", "answer": "refuse", "reason": REASON, "offered": "assistance",
                       "asked": "troops"} == data
        assert "sealed" not in data  # an answer is public at once, never sealed


def test_the_pages_show_the_answer_form_to_the_requesting_state_only_and_the_answer_to_all(web, game):
    offer_assistance(game)
    pages = {role: game.client.get(f"/exercise/{game.id}/{role}", headers={"Authorization": f"Bearer {token}"}).text
             for role, token in {**game.tokens, "facilitator": game.facilitator}.items()}
    assert [r for r, text in pages.items() if 'id="answer-form"' in text] == ["KAZ"]
    assert all('id="target-answer"' in text for text in pages.values())
    assert 'id="answer-awaited"' in pages["observer"] and 'id="answer-hint"' in pages["facilitator"]

    joined = web.post("/exercise/join", data={"code": game.codes["KAZ"], "name": "Aigerim"}, follow_redirects=False)
    assert joined.status_code == 303
    missing = web.post(f"/exercise/{game.id}/KAZ/answer", data={"answer": "refuse", "reason": ""})
    assert missing.status_code == 400 and "reason" in missing.text and 'id="answer-form"' in missing.text
    done = web.post(f"/exercise/{game.id}/KAZ/answer", data={"answer": "refuse", "reason": REASON},
                    follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("#target-answer")
    for role, token in (("observer", game.tokens["observer"]), ("facilitator", game.facilitator),
                        ("KAZ", game.tokens["KAZ"])):
        page = web.get(f"/exercise/{game.id}/{role}", headers={"Authorization": f"Bearer {token}"}).text
        assert 'data-answer="refuse"' in page and REASON in page and 'id="answer-form"' not in page
    game.act("advance")
    debrief = web.get(f"/exercise/{game.id}/observer/debrief",
                      headers={"Authorization": f"Bearer {game.tokens['observer']}"})
    assert debrief.status_code == 200 and 'id="refusals"' in debrief.text and 'id="class-answer">refused' in \
        debrief.text


# --- export and pages -----------------------------------------------------------------------------------------------

def test_the_facilitator_exports_the_game_as_json_zip_and_csv(game):
    game.advance_to("council-decision")
    game.seal_all({s: "troops" for s in VOTERS})
    game.act("reveal")
    document = game.ok(game.get("/export", game.facilitator))
    assert document["seed"] == 7 and document["decisions"][0]["decision"] == "troops"
    assert game.facilitator not in json.dumps(document) and game.codes["RUS"] not in json.dumps(document)
    archive = zipfile.ZipFile(io.BytesIO(game.get("/export", game.facilitator, params={"format": "zip"}).content))
    assert sorted(archive.namelist()) == sorted(exported.FILES)
    positions = game.get("/export", game.facilitator, params={"format": "csv", "table": "positions"})
    assert positions.headers["content-type"].startswith("text/csv") and "attachment" in \
        positions.headers["content-disposition"]
    rows = positions.text.splitlines()
    assert rows[0].split(",")[:6] == ["seq", "phase", "round", "role", "player", "position"]
    assert rows[0].split(",")[-len(OUTCOMES):] == [f"p_{k}" for k in OUTCOMES]
    assert sorted(r.split(",")[3] for r in rows[1:]) == VOTERS
    error(game.get("/export", game.tokens["RUS"]), 403, "forbidden")


def test_the_pages_join_by_code_set_a_private_cookie_and_show_each_role_its_own(web, game):
    joined = web.post("/exercise/join", data={"code": game.codes["ARM"], "name": "Anna"}, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == f"/exercise/{game.id}/ARM"
    cookie = joined.headers["set-cookie"].lower()
    assert cookie.startswith(f"csto-{game.id}--arm=".lower()) and "httponly" in cookie and "samesite=strict" in cookie
    page = web.get(f"/exercise/{game.id}/ARM")
    assert page.status_code == 200 and "Your brief" in page.text and "Armenia" in page.text
    assert f"/api/exercise/{game.id}/events?as=ARM" in page.text.replace("&amp;", "&")
    assert web.get(f"/exercise/{game.id}", follow_redirects=False).headers["location"] == f"/exercise/{game.id}/ARM"
    assert web.get(f"/exercise/{game.id}/RUS").status_code == 403  # no cookie of Russia's in this browser
    armenian = {"Authorization": f"Bearer {game.tokens['ARM']}"}
    assert web.get(f"/exercise/{game.id}/RUS", headers=armenian).status_code == 403  # a token is its own role's
    assert web.post(f"/exercise/{game.id}/ARM/advance").status_code == 403  # a player is not the facilitator

    game.advance_to("council-decision")
    refused = web.post(f"/exercise/{game.id}/ARM/seal", data={"position": "troops", "p_troops": "90"})
    assert refused.status_code == 400 and "sum to 1" in refused.text  # shown on the page, nothing sealed
    assert game.view()["sealed_by"] == []
    sealed = web.post(f"/exercise/{game.id}/ARM/seal", data={"position": "mission", "p_troops": "60",
                                                              "p_mission": "40"}, follow_redirects=False)
    assert sealed.status_code == 303
    assert game.ok(game.get("/sealed/ARM", game.facilitator))["forecast"]["mission"] == pytest.approx(0.4)
    assert 'id="my-position">mission' in web.get(f"/exercise/{game.id}/ARM").text
    assert web.post(f"/exercise/{game.id}/ARM/teleport").status_code == 404


def test_the_facilitator_creates_runs_and_debriefs_a_game_from_the_pages(web):
    created = web.post("/exercise", data={"scenario": KAZAKHSTAN, "seed": "3"}, follow_redirects=False)
    assert created.status_code == 303
    console = created.headers["location"]
    game_id = console.split("/")[2]
    page = web.get(console)
    assert page.status_code == 200 and "Join codes to hand out" in page.text
    codes = web.app.state.exercise.store.codes(game_id)
    assert all(code in page.text for code in codes.values())
    injected = web.post(f"{console}/inject", data={"kind": "escalation", "text": "Protesters seize Almaty airport.",
                                                    "armed_attack": ""}, follow_redirects=False)
    assert injected.status_code == 303
    assert "Protesters seize Almaty airport." in web.get(console).text
    assert web.post(f"{console}/inject", data={"kind": "date", "on": "2022-02-30"}).status_code == 400
    for _ in range(3):
        assert web.post(f"{console}/advance", follow_redirects=False).status_code == 303
    assert web.post(f"{console}/rollback", follow_redirects=False).status_code == 303
    svc = web.app.state.exercise
    assert svc.state(game_id)["phase"] == "consultations"
    forked = web.post(f"{console}/fork", follow_redirects=False)
    assert forked.status_code == 303 and forked.headers["location"] != console
    assert web.get(forked.headers["location"]).status_code == 200  # the fork's console, with its own cookie
    assert svc.state(forked.headers["location"].split("/")[2])["forked_from"]["game"] == game_id
    assert web.post(f"{console}/advance", follow_redirects=False).status_code == 303
    assert web.post(f"{console}/reveal", data={}).status_code == 409  # voters missing
    assert web.post(f"{console}/reveal", data={"force": "yes"}, follow_redirects=False).status_code == 303
    debrief = web.get(f"{console}/debrief")
    assert debrief.status_code == 200 and 'id="brier"' in debrief.text and "debrief-simulation" in debrief.text
    assert web.post("/exercise", data={"scenario": "atlantis"}).status_code == 404


def test_a_token_from_the_command_line_opens_the_console_in_a_browser(web):
    svc = web.app.state.exercise
    made = svc.create(svc.record.data_dir.parent / "scenarios" / f"{KAZAKHSTAN}.yaml", seed=2)  # csto exercise new
    refused = web.post("/exercise/token", data={"token": "not-a-token"})
    assert refused.status_code == 403 and web.cookies.get(f"csto-{made['game']}--facilitator") is None
    opened = web.post("/exercise/token", data={"token": made["facilitator_token"]}, follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"/exercise/{made['game']}/facilitator"
    assert made["facilitator_token"] not in opened.headers["location"]
    console = web.get(opened.headers["location"])
    assert console.status_code == 200 and made["join_codes"]["RUS"] in console.text


@pytest.mark.parametrize("options", [{}, {"on": "2025-01-01"}, {"scenario": "armenia-2022-09"}],
                         ids=["kazakhstan-2022", "armenia-frozen-2025", "armenia-2022"])
def test_every_roles_page_renders_its_own_part(web, options):
    game = new_game(web, **options)
    roles = {r["id"]: r for r in game.view()["roles"]}
    for role, token in {**game.tokens, "facilitator": game.facilitator}.items():
        page = game.client.get(f"/exercise/{game.id}/{role}", headers={"Authorization": f"Bearer {token}"})
        assert page.status_code == 200, (role, page.text[:500])
        assert ('id="brief"' in page.text) == (role not in ("facilitator", "observer")), role
        assert ('id="say-form"' in page.text) == (role != "observer"), role
        assert ('id="codes"' in page.text) == (role == "facilitator"), role  # only the umpire sees the join codes
        assert (game.codes["RUS"] in page.text) == (role == "facilitator"), role
        if roles[role]["kind"] == "delegation" and not roles[role]["vote"]:  # Armenia frozen on 2025-01-01
            assert "no vote" in page.text and roles[role]["why"] in page.text

"""The crisis exercise's JSON API under ``/api/exercise`` (the pages under ``/exercise`` are in :mod:`.exercise_pages`).

A thin face over :class:`csto.exercise.ExerciseService` (docs/exercise.md): every answer is one service
call with the player's token, in the envelope every command's answer has (``record_hash``: the record the
game was defined with); the pages render the same dicts. A token comes as ``Authorization: Bearer TOKEN``
or as the HttpOnly cookie set when a browser creates or joins a game (one cookie per game and role, so
one browser may hold several roles). The service's errors keep their kind and get their status:
``forbidden`` 403, ``unknown`` 404 (a game, code or role in the address), ``conflict`` 409, ``input`` 400
(a role named in a request's body is bad input: 400). Live updates are server-sent events read from
``service.events`` by a short poll of the games database, so several server processes may share it.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
import time
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ... import answers
from ...exercise import ExerciseError, ExerciseService
from ...exercise import export as exported
from ..answer import ErrorAnswer, documented
from ..errors import STATUS, RequestProblem
from ..params import known_only

T = TypeVar("T")
#: Seconds between two looks at the games database for an open stream (a look costs a fraction of a ms).
POLL_SECONDS = 0.5
#: A comment line this often keeps a quiet stream open through proxies and shows a dead client.
HEARTBEAT_SECONDS = 15.0
#: A stream ends after this long; the browser reconnects at once with Last-Event-ID (nothing is missed).
STREAM_SECONDS = 300.0
RETRY_MS = 1000

api = APIRouter(prefix="/api/exercise", tags=["exercise"], dependencies=[Depends(known_only)])
_opening = threading.Lock()


def games_of(app: Any) -> ExerciseService:
    """The app's games (``app.state.games``, default ``$CSTO_GAMES_DB`` or the user's data folder), opened once
    over the web's read-only record."""
    svc = getattr(app.state, "exercise", None)
    if svc is None:
        with _opening:
            svc = getattr(app.state, "exercise", None)
            if svc is None:
                svc = ExerciseService(getattr(app.state, "games", None), record=app.state.service.record)
                app.state.exercise = svc
    return svc


def problem(exc: ExerciseError, body: tuple[str, ...] = ()) -> RequestProblem:
    """The service's error with its status; an unknown role named in the request's body is bad input (400)."""
    kind, status = exc.kind, STATUS.get(exc.kind, 400)
    if kind == "unknown" and exc.field in body:
        kind, status = "input", 400
    return RequestProblem(kind, str(exc), exc.field, exc.value, status=status)


def call(fn: Callable[..., T], *args: Any, body: tuple[str, ...] = (), **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except ExerciseError as exc:
        raise problem(exc, body) from None


# --- who is asking ---------------------------------------------------------------------------------------------

def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def cookie_name(game: str, role: str) -> str:
    return f"csto-{_safe(game)}--{_safe(role)}"


def held(request: Request, game: str) -> dict[str, str]:
    """The roles of ``game`` this browser holds a token for (its cookies), role -> token."""
    prefix = cookie_name(game, "")
    return {k[len(prefix):]: v for k, v in request.cookies.items() if k.startswith(prefix) and v}


def token_of(request: Request, game: str, role: str | None = None) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    mine = held(request, game)
    if role is None and len(mine) > 1:
        raise RequestProblem("usage", f"this browser holds several roles in game {game} ({', '.join(sorted(mine))}): "
                                      "say which with ?as=ROLE", "as", None)
    token = mine.get(_safe(role)) if role is not None else next(iter(mine.values()), None)
    if not token:
        raise RequestProblem("forbidden", "a player token is required: join with your role's code (/exercise/join) "
                                          "or send Authorization: Bearer TOKEN", "token", None, status=403)
    return token


@dataclass(frozen=True)
class Player:
    svc: ExerciseService
    token: str
    game: str
    role: str

    def answer(self, command: str, result: Any, **question: Any) -> dict[str, Any]:
        """The envelope of ``csto exercise`` answers, with the hash of the record the game was defined with."""
        return answers.answer(f"exercise {command}", {"game": self.game, **question},
                              call(self.svc.record_hash, self.game), result)


def _player(request: Request, game: str, role: str | None) -> Player:
    token = token_of(request, game, role)
    svc = games_of(request.app)
    who = call(svc.identify, token)
    if who["game"] != game:
        raise RequestProblem("forbidden", f"this token belongs to game {who['game']}, not {game}", "game", game,
                             status=403)
    return Player(svc, token, game, who["role"])


def player(request: Request, game: str, as_: Annotated[str | None, Query(
        alias="as", description="which of this browser's roles in the game speaks (its cookie); not needed with a "
                                "bearer token or a single role")] = None) -> Player:
    """The caller, from its token; refused (403) unless the token is valid and belongs to the game in the address."""
    return _player(request, game, as_)


P = Annotated[Player, Depends(player)]


def _cookie(response: Response, svc: ExerciseService, game: str, role: str, token: str) -> None:
    hours = svc.procedure.game.token_hours.value
    # HttpOnly: no script reads it; SameSite=Strict: no other site's form can act with it
    response.set_cookie(cookie_name(game, role), token, max_age=int(hours * 3600), path="/", httponly=True,
                        samesite="strict")


# --- the JSON API ------------------------------------------------------------------------------------------------

MORE_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"model": ErrorAnswer, "description": "no, forged or expired token, or a role that may not see or do this"},
    409: {"model": ErrorAnswer, "description": "right request, wrong moment: the phase is closed, already sealed"}}


def doc(command: str, fields: str, summary: str, also: dict[str, Any] | None = None) -> dict[str, Any]:
    """The route's documentation: the answer's envelope and fields, the errors, and (``also``) the other media types
    its 200 may take (an event stream, a download)."""
    out = documented(f"exercise {command}", fields, summary=summary)
    ok = dict(out["responses"][200])
    if also:
        ok["content"] = {**ok.get("content", {}), **{kind: {"schema": schema} for kind, schema in also.items()}}
    out["responses"] = {**out["responses"], 200: ok, **MORE_ERRORS}
    return out


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewGame(Body):
    scenario: str = Field(description="a shipped scenario by name (GET /api/scenarios), e.g. kazakhstan-2022-01")
    on: str | None = Field(None, description="play the crisis as of this date, YYYY-MM-DD (default: the event's)")
    overlay: str | None = Field(None, description="a shipped overlay by name (GET /api/overlays)")
    seed: int = Field(0, description="seed of the model's runs and draws (>= 0)")
    title: str | None = None


class JoinGame(Body):
    code: str = Field(description="the role's join code, e.g. RUS-K7MQ4R (any case)")
    name: str | None = Field(None, description="the player's name, as others see it")


class Seal(Body):
    forecast: Any = Field(description="a probability for each outcome class, summing to 1")
    position: Any = Field(None, description="voters: an outcome class, block, or stand_aside where the rule allows")


class Pledge(Body):
    personnel: Any = Field(description="persons pledged from the delegation's contingent (0 to the contingent)")


class OfferAnswer(Body):
    answer: Any = Field(description="accept or refuse the offer (only the requesting state, in its answer's phase)")
    reason: Any = Field(description="a short reason for the answer")


class Say(Body):
    text: Any
    to: str | None = Field(None, description="a role for a private message; none: a public statement")


class Reveal(Body):
    force: bool = Field(False, description="reveal although some voters have not sealed (they do not take part)")


class Inject(Body):
    kind: str = Field(description="escalation or date")
    text: str | None = None
    on: str | None = Field(None, description="a change of date: the crisis as of this day")
    changes: Any = Field(None, description="an escalation's new facts: armed_attack, outside_involvement, threatens")


VIEW = ("{game, title, seed, you, public, phase, phases, roles, sealed_by, pledges, decisions, target_answer, messages, "
        "...}")


@api.post("", **doc("new", "{game, title, facilitator_token, join_codes, seed, phase}",
                    "create a game from a shipped scenario; the facilitator's token is also set as a cookie"))
def create(request: Request, response: Response, body: NewGame) -> Any:
    """Create a game from a shipped scenario (and overlay) by name; answers the facilitator's token (shown once)
    and every role's join code."""
    svc, made = _create(request, body)
    _cookie(response, svc, made["game"], "facilitator", made["facilitator_token"])
    return answers.answer("exercise new", body.model_dump(), svc.record_hash(made["game"]), made)


@api.post("/join", **doc("join", "{game, role, player, name, token, brief}",
                         "join a role with its code; the token is also set as an HttpOnly cookie"))
def join(request: Request, response: Response, body: JoinGame) -> Any:
    """Join a role with its join code: the player's token (keep it; it is shown once) and the role's brief."""
    svc = games_of(request.app)
    joined = call(svc.join, body.code, name=body.name)
    _cookie(response, svc, joined["game"], joined["role"], joined["token"])
    return answers.answer("exercise join", {"code": body.code, "name": body.name}, svc.record_hash(joined["game"]),
                          joined)


@api.get("/{game}", **doc("view", VIEW, "the game as the caller's role may see it"))
def view(p: P) -> Any:
    """The game as the token's role may see it (the facilitator: everything, with the join codes)."""
    return p.answer("view", call(p.svc.view, p.token))


@api.get("/{game}/brief", **doc("brief", "{role, public, phases, dates, brief}", "the caller's own brief"))
def brief(p: P) -> Any:
    """The token's own brief: obligations with the trace, ties, forces, past crises."""
    return p.answer("brief", call(p.svc.brief, p.token))


@api.get("/{game}/brief/{role}", **doc("brief", "{role, public, phases, dates, brief}",
                                       "a role's brief: one's own, any for the facilitator"))
def brief_of(p: P, role: str) -> Any:
    """A role's brief: refused (403) to anyone but the role itself and the facilitator."""
    return p.answer("brief", call(p.svc.brief, p.token, role), role=role)


@api.get("/{game}/sealed/{role}", **doc("sealed", "{role, phase, round, sealed, revealed, position, forecast}",
                                        "a role's sealed position: 403 to others before the reveal"))
def sealed(p: P, role: str) -> Any:
    """One role's sealed position and forecast in the current round; another delegation's is refused until the
    facilitator reveals the round."""
    return p.answer("sealed", call(p.svc.sealed, p.token, role), role=role)


@api.post("/{game}/submit", **doc("submit", "{game, role, sealed, seq, duplicate, phase, round}",
                                  "seal the role's position and forecast"))
def submit(p: P, body: Seal) -> Any:
    """Seal the role's position (voters) and forecast (every role but observers) while a decision is open."""
    return p.answer("submit", call(p.svc.submit, p.token, body.forecast, body.position), **body.model_dump())


@api.post("/{game}/pledge", **doc("pledge", "{game, role, personnel, seq, duplicate, contingent}",
                                  "pledge personnel from the delegation's contingent"))
def pledge(p: P, body: Pledge) -> Any:
    """Pledge persons from the delegation's contingent while forces are generated (never more than it)."""
    return p.answer("pledge", call(p.svc.pledge, p.token, body.personnel), **body.model_dump())


@api.post("/{game}/answer", **doc("answer", "{game, role, seq, duplicate, phase, round, answer, reason, offered, "
                                            "asked, outcome}",
                                  "the requesting state accepts or refuses an offer short of what it asked"))
def answer(p: P, body: OfferAnswer) -> Any:
    """The requesting state's answer to an offer short of what it asked for (step 6 of the model): ``accept`` or
    ``refuse``, with a short reason; only its delegation, only in the answer's phase, once (a refusal leaves a
    mission)."""
    return p.answer("answer", call(p.svc.answer, p.token, body.answer, body.reason), **body.model_dump())


@api.post("/{game}/messages", **doc("say", "{game, seq, from, to, text, date}",
                                    "a public statement, or a private message to one role"))
def say(p: P, body: Say) -> Any:
    """A public statement (no ``to``) or a private message to one role; every message is logged."""
    return p.answer("say", call(p.svc.say, p.token, body.text, body.to, body=("to",)), **body.model_dump())


@api.get("/{game}/messages", **doc("messages", "{game, messages}", "the messages the caller may read"))
def messages(p: P, after: Annotated[int, Query(ge=0, description="only those after this sequence number")] = 0
             ) -> Any:
    """Public statements and the private messages to and from the caller's role, after a sequence number."""
    return p.answer("messages", call(p.svc.messages, p.token, after), after=after)


@api.get("/{game}/events", **doc(
    "events", "{game, seq, events}; with Accept: text/event-stream, the same events as server-sent events",
    "what happened since a sequence number: JSON, or a live stream of server-sent events",
    also={"text/event-stream": {"type": "string"}}))
async def events(request: Request, p: P,
                 after: Annotated[int, Query(ge=0, description="only events after this sequence number")] = 0,
                 last_event_id: Annotated[str | None, Header(description="a reconnecting stream's last id")] = None
                 ) -> Any:
    """The log as the caller's role may see it (sealed contents hidden before the reveal, others' private messages
    left out). Asked with ``Accept: text/event-stream``, a stream: one event per logged event (``id`` its sequence
    number), a comment as heartbeat, ``Last-Event-ID`` honoured on reconnection."""
    if last_event_id is not None:
        if not last_event_id.strip().isdigit():
            raise RequestProblem("usage", f"Last-Event-ID: expected a sequence number, got {last_event_id!r}",
                                 "Last-Event-ID", last_event_id)
        after = int(last_event_id)
    first = await run_in_threadpool(call, p.svc.events, p.token, after)  # refused before any stream opens
    if "text/event-stream" in request.headers.get("accept", ""):
        stopping = getattr(request.app.state, "stopping", None) or (lambda: False)  # set by csto serve
        return StreamingResponse(_stream(p, first, after, stopping), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    return p.answer("events", first, after=after)


async def _stream(p: Player, got: dict[str, Any], after: int, stopping: Callable[[], bool]) -> AsyncIterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    started = quiet = time.monotonic()
    while not stopping():  # a server stopping ends its streams (the browser reconnects to the next one)
        for e in got["events"]:
            yield f"id: {e['seq']}\ndata: {json.dumps(e, ensure_ascii=False, default=str)}\n\n"
            quiet = time.monotonic()
        after = max(after, got["seq"])
        now = time.monotonic()
        if now - started >= STREAM_SECONDS:
            return
        if now - quiet >= HEARTBEAT_SECONDS:
            yield ": heartbeat\n\n"
            quiet = now
        await asyncio.sleep(POLL_SECONDS)
        try:
            got = await run_in_threadpool(p.svc.events, p.token, after)
        except ExerciseError as exc:  # the token expired while the stream was open
            yield f"event: refused\ndata: {json.dumps(problem(exc).as_dict(), default=str)}\n\n"
            return


FACILITATED = VIEW + " as the facilitator sees it after the action"


@api.post("/{game}/reveal", **doc("reveal", FACILITATED, "reveal the round's sealed positions (facilitator)"))
def reveal(p: P, body: Reveal | None = None) -> Any:
    """Reveal every sealed position of the round together; the rule in force decides. Facilitator only."""
    force = body.force if body else False
    return p.answer("reveal", call(p.svc.reveal, p.token, force=force), force=force)


@api.post("/{game}/advance", **doc("advance", FACILITATED, "close the phase and open the next (facilitator)"))
def advance(p: P) -> Any:
    """Close the current phase and open the next (the force's phases only when troops were decided)."""
    return p.answer("advance", call(p.svc.advance, p.token))


@api.post("/{game}/rollback", **doc("rollback", FACILITATED, "go back one phase (facilitator)"))
def rollback(p: P) -> Any:
    """Go back one phase; what was sealed or pledged in the phases reopened is void. Facilitator only."""
    return p.answer("rollback", call(p.svc.rollback, p.token))


@api.post("/{game}/inject", **doc("inject", FACILITATED, "inject an escalation or a change of date (facilitator)"))
def inject(p: P, body: Inject) -> Any:
    """Inject an event: an ``escalation`` (words for everyone, optionally new facts that re-assess the event) or a
    change of ``date`` (the crisis as of another day). Facilitator only."""
    return p.answer("inject", call(p.svc.inject, p.token, body.kind, body.text, on=body.on, changes=body.changes),
                    **body.model_dump())


@api.post("/{game}/fork", **doc("fork", "{game, title, facilitator_token, join_codes, seed, phase, forked_from}",
                                "fork the game (facilitator); the new game's token is also set as a cookie"))
def fork(p: P, response: Response) -> Any:
    """A new game that begins with this game's whole log, with new join codes and a new facilitator token."""
    made = call(p.svc.fork, p.token)
    _cookie(response, p.svc, made["game"], "facilitator", made["facilitator_token"])
    return p.answer("fork", made)


@api.get("/{game}/debrief", **doc("debrief", "{decision, outcome, model, history, forecasts, simulation, ...} "
                                             "(docs/exercise.md)", "the class against the model's runs and history"))
def debrief(p: P) -> Any:
    """The class's decision among the model's seeded runs, beside history, with every forecast's Brier score."""
    return p.answer("debrief", call(p.svc.debrief, p.token))


TABLES = tuple(name.removesuffix(".csv") for name in exported.FILES if name.endswith(".csv"))


@api.get("/{game}/export", **doc(
    "export", "the whole game (docs/exercise.md, Export); format=zip: game.json and every CSV table in one file; "
              "format=csv: one table", "the whole game, for the facilitator: JSON, a zip of every file, or one CSV",
    also={"application/zip": {"type": "string", "format": "binary"}, "text/csv": {"type": "string"}}))
def export(p: P, format: Annotated[Literal["json", "zip", "csv"], Query(description="json, zip or csv")] = "json",
           table: Annotated[str | None, Query(description=f"with format=csv: {', '.join(TABLES)}")] = None) -> Any:
    """The whole game: every phase, in-game date, position, forecast, message, the seed and the log; as JSON, as a
    zip of the files ``csto exercise export`` writes, or one of its CSV tables as a download."""
    if format == "csv" and table not in TABLES:
        raise RequestProblem("usage", f"table: expected one of {', '.join(TABLES)} with format=csv, got {table!r}",
                             "table", table)
    document = call(p.svc.export, p.token)
    if format == "json":
        return p.answer("export", document, format=format)
    files = exported.files(document)
    if format == "csv":
        return Response(files[f"{table}.csv"].encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{_safe(p.game)}-{table}.csv"'})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{_safe(p.game)}.zip"'})


def _create(request: Request, body: NewGame) -> tuple[ExerciseService, dict[str, Any]]:
    s = request.app.state.service
    scenario = s.scenario_files.get(body.scenario.removesuffix(".yaml"))
    if scenario is None:
        s.scenario(body.scenario)  # the 404 that names the shipped scenarios
    overlay = s.overlay_files.get(body.overlay.removesuffix(".yaml")) if body.overlay else None
    if body.overlay and overlay is None:
        s.overlay(body.overlay)
    svc = games_of(request.app)
    return svc, call(svc.create, scenario, on=body.on, overlay=overlay, seed=body.seed, title=body.title)

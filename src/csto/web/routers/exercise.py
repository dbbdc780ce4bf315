"""The crisis exercise on the web: the JSON API under ``/api/exercise`` and the pages under ``/exercise``.

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
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ... import answers
from ...errors import CstoError
from ...exercise import ExerciseError, ExerciseService
from ...exercise import export as exported
from .. import charts, pages
from ..answer import ErrorAnswer, documented
from ..errors import STATUS, RequestProblem, status_of
from ..links import ServerLinks
from ..params import known_only
from .assets import bundle_name

T = TypeVar("T")
#: Seconds between two looks at the games database for an open stream (a look costs a fraction of a ms).
POLL_SECONDS = 0.5
#: A comment line this often keeps a quiet stream open through proxies and shows a dead client.
HEARTBEAT_SECONDS = 15.0
#: A stream ends after this long; the browser reconnects at once with Last-Event-ID (nothing is missed).
STREAM_SECONDS = 300.0
RETRY_MS = 1000

api = APIRouter(prefix="/api/exercise", tags=["exercise"], dependencies=[Depends(known_only)])
site = APIRouter(prefix="/exercise", tags=["pages"], include_in_schema=False, default_response_class=HTMLResponse)
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


VIEW = "{game, title, seed, you, public, phase, phases, roles, sealed_by, pledges, decisions, messages, ...}"


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


# --- the pages ---------------------------------------------------------------------------------------------------
# Server-rendered; forms post to /exercise/{game}/{role}/{action} and are redirected back (303), or shown again
# with the error and its status. static/exercise.js keeps a page live: on each server-sent event it fetches the
# page again and swaps in the parts (data-live) that changed.

def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    links = ServerLinks(bundle_name(), request.scope.get("root_path", ""))
    html, status = pages.render(template, links, request.app.state.service, status, **context)
    return HTMLResponse(html, status_code=status)


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _refused(exc: CstoError) -> tuple[dict[str, Any], int]:
    if isinstance(exc, ExerciseError):
        exc = problem(exc)
    return exc.as_dict(), status_of(exc)


def _lobby(request: Request, status: int = 200, error: dict | None = None, form: dict | None = None) -> HTMLResponse:
    s = request.app.state.service
    return _page(request, "exercise.html", status, scenarios=s.scenario_list(), overlays=s.overlay_list(),
                 form=form or {"scenario": "kazakhstan-2022-01", "seed": "0"}, error=error)


@site.get("")
def lobby(request: Request) -> HTMLResponse:
    """Create a game (the facilitator) or go to the join page."""
    return _lobby(request)


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


@site.post("")
async def lobby_create(request: Request) -> Response:
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    try:
        seed = form.get("seed") or "0"
        if not seed.isdigit():
            raise RequestProblem("usage", f"seed: expected a whole number >= 0 (got {seed!r})", "seed", seed)
        body = NewGame(scenario=form.get("scenario", ""), on=form.get("on") or None,
                       overlay=form.get("overlay") or None, seed=int(seed), title=form.get("title") or None)
        svc, made = await run_in_threadpool(_create, request, body)
    except CstoError as exc:
        error, status = _refused(exc)
        return _lobby(request, status, error, form)
    response = _see(f"/exercise/{made['game']}/facilitator")
    _cookie(response, svc, made["game"], "facilitator", made["facilitator_token"])
    return response


@site.get("/join")
def join_page(request: Request, code: str | None = None) -> HTMLResponse:
    """Students enter their role's join code (a link may carry it: /exercise/join?code=RUS-K7MQ4R)."""
    return _page(request, "exercise_join.html", code=code or "", name="", error=None, game=None, held=[])


@site.post("/join")
async def join_form(request: Request) -> Response:
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    svc = games_of(request.app)
    try:
        joined = await run_in_threadpool(call, svc.join, form.get("code", ""), name=form.get("name") or None)
    except CstoError as exc:
        error, status = _refused(exc)
        return _page(request, "exercise_join.html", status, code=form.get("code", ""), name=form.get("name", ""),
                     error=error, game=None, held=[])
    response = _see(f"/exercise/{joined['game']}/{joined['role']}")
    _cookie(response, svc, joined["game"], joined["role"], joined["token"])
    return response


@site.post("/token")
async def token_form(request: Request) -> Response:
    """A token printed by ``csto exercise new`` or ``csto exercise token``, pasted into the browser: it becomes the
    browser's cookie for that game and role (a token never travels in an address)."""
    token = str((await request.form()).get("token", "")).strip()
    svc = games_of(request.app)
    try:
        who = await run_in_threadpool(call, svc.identify, token)
    except CstoError as exc:
        error, status = _refused(exc)
        return _page(request, "exercise_join.html", status, code="", name="", error=error, game=None, held=[])
    response = _see(f"/exercise/{who['game']}/{who['role']}")
    _cookie(response, svc, who["game"], who["role"], token)
    return response


@site.get("/{game}")
def game_page(request: Request, game: str) -> Response:
    """The browser's role in a game (or the roles it holds, to choose from)."""
    mine = sorted(held(request, game))
    if len(mine) == 1:
        return _see(f"/exercise/{game}/{mine[0]}")
    return _page(request, "exercise_join.html", code="", name="", error=None, game=game, held=mine)


def _seat(request: Request, game: str, role: str) -> Player:
    """The player of a page's address: the browser's token for that game and role, and of that role."""
    p = _player(request, game, role)
    if p.role != role:
        raise RequestProblem("forbidden", f"this token is {p.role}'s, not {role}'s", "role", role, status=403)
    return p


def _role_page(request: Request, game: str, role: str, status: int = 200, error: dict | None = None,
               form: dict | None = None) -> HTMLResponse:
    try:
        p = _seat(request, game, role)
    except RequestProblem as exc:
        return _page(request, "exercise_join.html", exc.status, code="", name="", error=exc.as_dict(), game=game,
                     held=sorted(held(request, game)))
    v = call(p.svc.view, p.token)
    template = {"facilitator": "exercise_console.html", "observer": "exercise_observer.html"}.get(
        p.role, "exercise_delegation.html")
    mine = call(p.svc.brief, p.token) if template == "exercise_delegation.html" else None
    return _page(request, template, status, v=v, brief=mine, game=game, role=p.role, error=error, form=form or {},
                 events=f"/api/exercise/{game}/events?as={p.role}&after={v['seq']}",
                 base=str(request.base_url).rstrip("/"))


@site.get("/{game}/{role}")
def role_page(request: Request, game: str, role: str) -> HTMLResponse:
    """The facilitator's console, a delegation's page, or the observers' view."""
    return _role_page(request, game, role)


def _percent(form: dict[str, str], key: str) -> float:
    try:
        return float(form[key].replace(",", ".")) / 100
    except ValueError:
        raise RequestProblem("input", f"forecast.{key[2:]}: expected a percentage, got {form[key]!r}",
                             f"forecast.{key[2:]}", form[key]) from None


def _flag(text: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(text or "")


def _do(p: Player, action: str, form: dict[str, str]) -> dict[str, Any]:
    """One form's action, as the API would do it."""
    if action == "seal":
        forecast = {k[2:]: _percent(form, k) for k in form if k.startswith("p_") and form[k]}
        return call(p.svc.submit, p.token, forecast, form.get("position") or None)
    if action == "pledge":
        text = form.get("personnel", "")
        return call(p.svc.pledge, p.token, int(text) if text.isdigit() else text)
    if action == "say":
        return call(p.svc.say, p.token, form.get("text", ""), form.get("to") or None, body=("to",))
    if action == "reveal":
        return call(p.svc.reveal, p.token, force=form.get("force") == "yes")
    if action == "inject":
        changes = {k: _flag(form.get(k)) for k in ("armed_attack", "outside_involvement")
                   if _flag(form.get(k)) is not None}
        return call(p.svc.inject, p.token, form.get("kind", ""), form.get("text") or None, on=form.get("on") or None,
                    changes=changes or None)
    return call({"advance": p.svc.advance, "rollback": p.svc.rollback, "fork": p.svc.fork}[action], p.token)


ACTIONS = ("seal", "pledge", "say", "reveal", "advance", "rollback", "inject", "fork")


@site.post("/{game}/{role}/{action}")
async def act(request: Request, game: str, role: str, action: str) -> Response:
    if action not in ACTIONS:
        raise RequestProblem("unknown", f"no action {action!r}; expected one of {', '.join(ACTIONS)}", "action",
                             action, status=404)
    form = {k: str(v).strip() for k, v in (await request.form()).items()}
    try:
        p = _seat(request, game, role)
        done = await run_in_threadpool(_do, p, action, form)
    except CstoError as exc:
        error, status = _refused(exc)
        return await run_in_threadpool(_role_page, request, game, role, status, error, form)
    if action == "fork":
        response = _see(f"/exercise/{done['game']}/facilitator")
        _cookie(response, p.svc, done["game"], "facilitator", done["facilitator_token"])
        return response
    return _see(f"/exercise/{game}/{role}#{'messages' if action == 'say' else 'phase'}")


@site.get("/{game}/{role}/debrief")
def debrief_page(request: Request, game: str, role: str) -> HTMLResponse:
    """The debrief: the class's decision among the model's runs (the simulation's picture), history, the scores."""
    p = _seat(request, game, role)
    v = call(p.svc.view, p.token)
    d = call(p.svc.debrief, p.token)
    pictures = []
    if d.get("simulation"):
        sim = d["simulation"]
        simulate = answers.answer("simulate", {"scenario": sim["scenario"], "runs": sim["runs"], "seed": sim["seed"],
                                               "on": sim["date"], "overlay": sim["overlay"]},
                                  call(p.svc.record_hash, game), sim)
        pictures = charts.of_answers("simulation", "debrief", simulate=simulate)
    return _page(request, "exercise_debrief.html", v=v, d=d, game=game, role=p.role, pictures=pictures,
                 events=f"/api/exercise/{game}/events?as={p.role}&after={v['seq']}")

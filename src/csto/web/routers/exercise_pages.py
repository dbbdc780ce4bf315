"""The crisis exercise's pages under ``/exercise``: lobby, join, the facilitator's console, a delegation's page, the
observers' view and the debrief (the API they call is :mod:`csto.web.routers.exercise`).

Server-rendered; forms post to /exercise/{game}/{role}/{action} and are redirected back (303), or shown again with the
error and its status. static/exercise.js keeps a page live: on each server-sent event it fetches the page again and
swaps in the parts (data-live) that changed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ... import answers
from ...errors import CstoError
from ...exercise import ExerciseError
from .. import charts, pages
from ..errors import RequestProblem, status_of
from ..links import ServerLinks
from .assets import bundle_name
from .exercise import NewGame, Player, _cookie, _create, _player, call, games_of, held, problem

site = APIRouter(prefix="/exercise", tags=["pages"], include_in_schema=False, default_response_class=HTMLResponse)


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
    if action == "answer":
        return call(p.svc.answer, p.token, form.get("answer") or None, form.get("reason", ""))
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


ACTIONS = ("seal", "pledge", "answer", "say", "reveal", "advance", "rollback", "inject", "fork")
#: Where a page's form leads back to (its part of the page); the others, to the phase.
ANCHORS = {"say": "messages", "answer": "target-answer"}


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
    return _see(f"/exercise/{game}/{role}#{ANCHORS.get(action, 'phase')}")


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

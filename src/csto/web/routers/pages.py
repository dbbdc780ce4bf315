"""The pages' addresses. Each page's inputs are its query string (forms submit with GET), so every page has a
permanent address; the pages that take a scenario's text also accept it posted as a form (for long texts).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ... import answers
from .. import pages
from ..links import ServerLinks
from ..params import of
from ..schemaform import fields
from ..service import Service
from .assets import bundle_name

router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)
Svc = Annotated[Service, Depends(of)]


def _links(request: Request) -> ServerLinks:
    return ServerLinks(bundle_name(), request.scope.get("root_path", ""))


def _html(page: pages.Page) -> HTMLResponse:
    html, status = page
    return HTMLResponse(html, status_code=status)


async def _inputs(request: Request, names: tuple[str, ...]) -> dict[str, str | None]:
    """The page's inputs from the query string, and from a posted form (whose values win)."""
    given: dict[str, str | None] = {n: request.query_params.get(n) for n in names}
    if request.method == "POST":
        form = await request.form()
        given.update({n: str(form[n]) for n in names if n in form})
    return given


@router.get("/", summary="home: members, map and timeline on a date")
def home(request: Request, s: Svc, on: str | None = None) -> HTMLResponse:
    return _html(pages.home(s, _links(request), on))


@router.get("/state/{code}", summary="a state's whole history across organizations, with sources")
def state(request: Request, s: Svc, code: str) -> HTMLResponse:
    return _html(pages.state(s, _links(request), code))


@router.get("/organs", summary="the organs on a date")
def organs(request: Request, s: Svc, on: str | None = None) -> HTMLResponse:
    return _html(pages.organs(s, _links(request), on))


@router.get("/sources", summary="every source the record cites")
def sources(request: Request, s: Svc) -> HTMLResponse:
    return _html(pages.sources(s, _links(request)))


@router.get("/conflicts", summary="where the sources disagree")
def conflicts(request: Request, s: Svc) -> HTMLResponse:
    return _html(pages.conflicts(s, _links(request)))


@router.get("/treaty", summary="the articles by version, with their text")
def treaty(request: Request, s: Svc, on: str | None = None) -> HTMLResponse:
    return _html(pages.treaty(s, _links(request), on))


OBLIGATIONS = ("scenario", "text", "on", "overlay")


@router.api_route("/obligations", methods=["GET", "POST"], summary="obligations explainer")
async def obligations(request: Request, s: Svc) -> HTMLResponse:
    given = await _inputs(request, OBLIGATIONS)
    return _html(await _threaded(pages.obligations, s, _links(request), **given))


RUNNER = ("scenario", "text", "on", "overlay", "runs", "seed")


@router.api_route("/runner", methods=["GET", "POST"], summary="scenario runner")
async def runner(request: Request, s: Svc) -> HTMLResponse:
    given = await _inputs(request, RUNNER)
    return _html(await _threaded(pages.runner, s, _links(request), **given))


WHATIF = ("scenario", "text", "runs", "seed", "a_on", "a_overlay", "b_on", "b_overlay")


@router.api_route("/whatif", methods=["GET", "POST"], summary="what-if: two runs side by side")
async def whatif(request: Request, s: Svc) -> HTMLResponse:
    given = await _inputs(request, WHATIF)
    return _html(await _threaded(pages.whatif, s, _links(request), **given))


@router.get("/backtest", summary="backtest: every recorded crisis predicted out of sample")
def backtest(request: Request, s: Svc, particles: str | None = None, reps: str | None = None,
             seed: str | None = None, repeats: str | None = None) -> HTMLResponse:
    return _html(pages.backtest(s, _links(request), particles, reps, seed, repeats))


@router.get("/runner/new", summary="write a new scenario with a form generated from its JSON Schema")
def new_scenario(request: Request, s: Svc) -> HTMLResponse:
    names = {f.path for f in fields(s.schema)}
    return _html(pages.new_scenario(s, _links(request),
                                    {k: v for k, v in request.query_params.items() if k in names}))


async def _threaded(page, *args, **kwargs) -> pages.Page:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(page, *args, **kwargs)


__all__ = ["answers", "router"]

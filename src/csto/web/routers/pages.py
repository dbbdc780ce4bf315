"""The pages' addresses. Each page's inputs are its query string (forms submit with GET), so every page has a
permanent address; the pages that take a scenario's text also accept it posted as a form (for long texts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

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


@router.get("/", summary="home: members, map and timeline on a date")
def home(request: Request, s: Svc, on: str | None = None) -> HTMLResponse:
    return _html(pages.home(s, _links(request), on))


@router.get("/state/{code}", summary="a state's whole history across organizations, with sources")
def state(request: Request, s: Svc, code: str) -> HTMLResponse:
    return _html(pages.state(s, _links(request), code))


@router.get("/organs", summary="the organs on a date")
def organs(request: Request, s: Svc, on: str | None = None) -> HTMLResponse:
    return _html(pages.organs(s, _links(request), on))


@router.get("/sources", summary="the sources the record cites: every one, or those of one kind and/or matching a text")
def sources(request: Request, s: Svc, kind: str | None = None, search: str | None = None) -> HTMLResponse:
    return _html(pages.sources(s, _links(request), kind, search))


@router.get("/conflicts", summary="where the sources disagree")
def conflicts(request: Request, s: Svc) -> HTMLResponse:
    return _html(pages.conflicts(s, _links(request)))


@router.get("/treaty", summary="the articles by version, with their text")
def treaty(request: Request, s: Svc, on: str | None = None) -> HTMLResponse:
    return _html(pages.treaty(s, _links(request), on))


Q = Annotated[str | None, Query()]


@router.get("/obligations", summary="obligations explainer: a shipped scenario by name, or a scenario's text")
def obligations(request: Request, s: Svc, scenario: Q = None, text: Q = None, on: Q = None, overlay: Q = None
                ) -> HTMLResponse:
    return _html(pages.obligations(s, _links(request), scenario, text, on, overlay))


@router.get("/runner", summary="scenario runner: a shipped scenario or a text, a date, an overlay, runs, seed")
def runner(request: Request, s: Svc, scenario: Q = None, text: Q = None, on: Q = None, overlay: Q = None,
           runs: Q = None, seed: Q = None) -> HTMLResponse:
    return _html(pages.runner(s, _links(request), scenario, text, on, overlay, runs, seed))


@router.get("/whatif", summary="what-if: two runs of one scenario side by side (A and B: date and overlay each)")
def whatif(request: Request, s: Svc, scenario: Q = None, text: Q = None, runs: Q = None, seed: Q = None,
           a_on: Q = None, a_overlay: Q = None, b_on: Q = None, b_overlay: Q = None) -> HTMLResponse:
    return _html(pages.whatif(s, _links(request), scenario, text, runs, seed, a_on, a_overlay, b_on, b_overlay))


#: The pages that also take their inputs as a posted form (a scenario's text too long for an address).
POSTED: dict[str, tuple[Callable[..., pages.Page], tuple[str, ...]]] = {"obligations": (pages.obligations, ("scenario", "text", "on", "overlay")),
          "runner": (pages.runner, ("scenario", "text", "on", "overlay", "runs", "seed")),
          "whatif": (pages.whatif, ("scenario", "text", "runs", "seed", "a_on", "a_overlay", "b_on", "b_overlay"))}


def _posted(page: str):
    """The page ``page`` with the same inputs as a posted form (a scenario text too long for an address)."""
    render, names = POSTED[page]

    async def posted_form(request: Request, s: Svc) -> HTMLResponse:
        form = await request.form()
        given = {n: str(form[n]) if n in form else request.query_params.get(n) for n in names}
        return _html(await run_in_threadpool(render, s, _links(request), **given))

    return posted_form


# one route per page that takes a form (a catch-all /{page} would answer 405 to a GET of any unknown address)
for _page in POSTED:
    router.post(f"/{_page}", summary=f"{_page} with the same inputs as a posted form")(_posted(_page))


@router.get("/backtest", summary="backtest: every recorded crisis predicted out of sample")
def backtest(request: Request, s: Svc, particles: str | None = None, reps: str | None = None,
             seed: str | None = None, repeats: str | None = None) -> HTMLResponse:
    return _html(pages.backtest(s, _links(request), particles, reps, seed, repeats))


@router.get("/runner/new", summary="write a new scenario with a form generated from its JSON Schema")
def new_scenario(request: Request, s: Svc) -> HTMLResponse:
    names = {f.path for f in fields(s.schema)}
    return _html(pages.new_scenario(s, _links(request),
                                    {k: v for k, v in request.query_params.items() if k in names}))


@router.get("/docs", summary="the JSON API's reference, from its OpenAPI schema (/openapi.json)")
def api_reference(request: Request, s: Svc) -> HTMLResponse:
    return _html(pages.api_reference(s, _links(request), request.app.openapi()))


"""``/api`` over the treaty as rules: articles, one article, obligations for an event, the peers compared.

A scenario is named (``scenario=kazakhstan-2022-01``, from the shipped ``scenarios/``) or posted as the
request's body (YAML or JSON, at most 64 KB); an overlay is named (``overlay=stand-aside``, from
``data/treaty/overlays/``). No path given in a request is opened.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from ... import answers
from ..answer import documented
from ..params import day, day_or_today, known_only, of
from ..service import Service

router = APIRouter(prefix="/api", tags=["treaty"], dependencies=[Depends(known_only)])
Svc = Annotated[Service, Depends(of)]
LawOn = Annotated[str | None, Query(description="apply the law in force on this date, YYYY-MM-DD")]
Scenario = Annotated[str, Query(description="a shipped scenario's name (GET /api/scenarios), e.g. kazakhstan-2022-01")]
Overlay = Annotated[str | None, Query(description="a shipped what-if overlay's name (GET /api/overlays), e.g. "
                                                  "stand-aside")]
OBLIGATIONS = "{event, on, overlay, notes, members, flags, decision, obligations, articles, trace} (docs/treaty.md)"

#: The body of a POST with a scenario: its text, YAML or JSON (scenarios/schema.json, GET /api/scenario-schema).
SCENARIO_BODY = {"requestBody": {"required": True, "description": "the scenario: YAML or JSON text, at most 64 KB", "content": {
    "application/yaml": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object", "description": "a scenario as in scenarios/schema.json"}},
    "text/plain": {"schema": {"type": "string"}}}}}


@router.get("/articles", **documented("articles", "list of {id, citation, title, version, from, to, from_basis, text, "
                                                  "kinds, sources}"))
def articles(s: Svc, on: LawOn = None) -> Any:
    """The articles the model holds, with the version in force on ``on`` (every version when not given)."""
    return answers.articles(s.record, on=day(on, "on"), law=s.law)


@router.get("/article/{id}", **documented("article", "{id, instrument, number, number_verified, citation, title, "
                                                     "note, versions}"))
def article(s: Svc, id: Annotated[str, Path(description="an article id, e.g. cst-4")], on: LawOn = None) -> Any:
    """One article: every version (or the one in force on ``on``), its text, sources and effects."""
    return answers.article(s.record, id=id, on=day(on, "on"), law=s.law)


@router.get("/obligations", **documented("obligations", OBLIGATIONS))
def obligations(s: Svc, scenario: Scenario, on: LawOn = None, overlay: Overlay = None) -> Any:
    """What the Treaty and the Charter require for a shipped scenario: obligations, flags, decision, trace."""
    return s.obligations(s.scenario(scenario), day(on, "on"), s.overlay_or_none(overlay))


@router.post("/obligations", **documented("obligations", OBLIGATIONS, openapi_extra=SCENARIO_BODY))
async def obligations_of_text(request: Request, s: Svc, on: LawOn = None, overlay: Overlay = None) -> Any:
    """What the Treaty and the Charter require for the scenario posted (its text: YAML or JSON)."""
    document = s.posted(await request.body())
    return await run_in_threadpool(s.obligations, document, day(on, "on"), s.overlay_or_none(overlay))


@router.get("/compare", **documented("compare", "{on, alliances, atop_agreement, agrees_with_atop, ...}"))
def compare(s: Svc, on: Annotated[str | None, Query(description="the law in force on this date (default: today)")]
            = None) -> Any:
    """The CSTO beside NATO, the SCO and two bilateral treaties, with ATOP-style codings."""
    return answers.compare(None, on=day_or_today(on))  # as the command line: the peers' law only, no record

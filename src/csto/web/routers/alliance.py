"""``/api`` over what the alliance has and has done: forces, budget, crises, missions, exercises."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from ... import answers
from ..answer import documented
from ..params import day, day_or_today, known_only, of
from ..service import Service

router = APIRouter(prefix="/api", tags=["alliance"], dependencies=[Depends(known_only)])
Svc = Annotated[Service, Depends(of)]
On = Annotated[str | None, Query(description="the date asked about, YYYY-MM-DD (default: today)")]


@router.get("/forces", **documented("forces", "list of formations {id, from, to, name, kind, headquarters, base, members, "
                                              "strength, contributions, other_contribution_dates, note, sources}"))
async def forces(s: Svc, on: On = None) -> Any:
    """The collective forces on a date: members, strength (the latest figure, carried forward), contributions."""
    return answers.forces(s.record, on=day_or_today(on))


@router.get("/budget", **documented("budget", "{shares: [...], total, benefits: [...]}"))
async def budget(s: Svc, on: On = None) -> Any:
    """Shares of the budget on a date and the benefits of membership."""
    return answers.budget(s.record, on=day_or_today(on))


@router.get("/crises", **documented("crises", "list of crises, oldest first"))
async def crises(s: Svc) -> Any:
    """Every crisis in the record: who asked whom for what, what the CSTO did and when it decided."""
    return answers.crises(s.record)


@router.get("/missions", **documented("missions", "list of missions"))
async def missions(s: Svc) -> Any:
    """Every CSTO mission: host, kind, dates, personnel, contingents."""
    return answers.missions(s.record)


@router.get("/exercises", **documented("exercises", "list of exercises"))
async def exercises(s: Svc, start: Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")] = None,
              end: Annotated[str | None, Query(alias="to", description="last day, YYYY-MM-DD")] = None) -> Any:
    """Joint exercises whose dates overlap a period (default: all)."""
    return answers.exercises(s.record, start=day(start, "from"), end=day(end, "to"))

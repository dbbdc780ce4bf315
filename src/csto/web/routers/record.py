"""``/api`` over the record: members, history, timeline, organs, who, events, conflicts, sources, overlap, check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from ... import answers
from ...record import CSTO
from ..answer import documented
from ..params import day, day_or_today, known_only, of
from ..service import Service

# The record's answers take well under a millisecond: they run on the event loop, not in a worker thread.
router = APIRouter(prefix="/api", tags=["record"], dependencies=[Depends(known_only)])
Svc = Annotated[Service, Depends(of)]
On = Annotated[str | None, Query(description="the date asked about, YYYY-MM-DD (default: today)")]
Org = Annotated[str, Query(description="organization id: CSTO, CIS, EAEU, SCO, BRICS, NATO, UN...")]
From = Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")]
To = Annotated[str | None, Query(alias="to", description="last day, YYYY-MM-DD")]
PERIOD = "list of {state, name, org, status, level, participation, from, from_attested, to, note, sources}"


@router.get("/members", **documented("members", PERIOD))
async def members(s: Svc, on: On = None,
            status: Annotated[str, Query(description="member, observer, partner, suspended, former "
                                                     "or all")] = "member",
            org: Org = CSTO) -> Any:
    """Who held a status in an organization on a date."""
    return answers.members(s.record, on=day_or_today(on), status=status, org=org)


@router.get("/history/{state}", **documented("history", "{state, name, periods: [...], acts: [...]}"))
async def history(s: Svc, state: Annotated[str, Path(description="ISO 3166-1 alpha-3 code, e.g. UZB")]) -> Any:
    """A state's status periods and dated acts in every organization."""
    return answers.history(s.record, state=state)


@router.get("/timeline", **documented("timeline", PERIOD))
async def timeline(s: Svc, org: Org = CSTO) -> Any:
    """Every state's status periods in an organization."""
    return answers.timeline(s.record, org=org)


@router.get("/organs", **documented("organs", "list of {id, name, parent, kind, composition, function, quote, "
                                              "decision_rule, cadence, from, from_attested, to, sources}"))
async def organs(s: Svc, on: Annotated[str | None, Query(description="only organs in existence on this date")] = None) -> Any:
    """The organs: composition, function, decision rule, cadence."""
    return answers.organs(s.record, on=day(on, "on"))


@router.get("/who/{office}", **documented("who", "list of {office, holder, state, acting, from, to, sources}"))
async def who(s: Svc, office: Annotated[str, Path(description="office id, e.g. secretary-general")], on: On = None) -> Any:
    """Who held an office on a date."""
    return answers.who(s.record, office=office, on=day_or_today(on))


@router.get("/events", **documented("events", "list of {date, kind, title, states, sources, id}"))
async def events(s: Svc, start: From = None, end: To = None,
           kind: Annotated[str | None, Query(description="only this kind (crisis, summit, act:freeze...; act for "
                                                         "every act)")] = None) -> Any:
    """Everything dated in a period: milestones, acts, summits, exercises, missions, crises."""
    return answers.events(s.record, start=day(start, "from"), end=day(end, "to"), kind=kind)


@router.get("/conflicts", **documented("conflicts", "{conflicts: [{id, question, claims, preferred, why}], "
                                                    "opinions: [...]}"))
async def conflicts(s: Svc) -> Any:
    """Where the sources disagree: every claim with its source, the preferred value and why."""
    return answers.conflicts(s.record)


@router.get("/sources", **documented("sources", "list of {id, title, kind, date, author, publisher, file, citation, "
                                                "reliability, note}"))
async def sources(s: Svc,
                  kind: Annotated[str | None, Query(description="only sources of this kind: scholarly, news, "
                                                                 "state-media, opinion-blog, treaty-text, official, "
                                                                 "un-document, reference")] = None,
                  search: Annotated[str | None, Query(description="only sources whose id, title, author, publisher, "
                                                                   "file, citation or note contains this text")] = None
                  ) -> Any:
    """The sources the record cites: every one, or those of one kind and/or matching a text."""
    return answers.sources(s.record, kind=kind, search=search)


@router.get("/overlap", **documented("overlap", "{on, organizations, coverage, states: [{state, name, statuses}]}"))
async def overlap(s: Svc, on: On = None) -> Any:
    """States x organizations on a date."""
    return answers.overlap(s.record, on=day_or_today(on))


@router.get("/check", **documented("check", "{valid, sqlite, counts}"))
async def check(s: Svc) -> Any:
    """The record is valid; what it holds, section by section."""
    return answers.check(s.record)

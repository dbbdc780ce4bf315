"""Answers over the record: members, history, timeline, organs, who, events, conflicts, sources, overlap, check."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import UsageError
from ..record import CSTO, Record
from . import answer


def refs(ids: list[str]) -> list[dict]:
    """Source ids as the ``sources`` objects every answer uses: ``{"id", "passage"}`` (passage unknown here)."""
    return [{"id": i, "passage": None} for i in ids]


def fact_refs(fact: Any) -> list[dict]:
    """A fact's sources as ``{"id", "passage"}`` objects, in the order written."""
    return [{"id": r.id, "passage": r.passage} for r in fact.sources]


def period_row(row: Any) -> dict[str, Any]:
    """A status row (``members``, ``timeline``) in the answers' vocabulary: ``from``/``to``, source objects."""
    d = row.as_dict()
    return {"state": d["state"], "name": d["name"], "org": d["org"], "status": d["status"], "level": d["level"],
            "participation": d["participation"], "from": d["since"], "from_attested": d["since_attested"],
            "to": d["until"], "note": d["note"], "sources": refs(d["sources"])}


def members(record: Record, on: date, status: str = "member", org: str = CSTO) -> dict[str, Any]:
    """Who had ``status`` in ``org`` on a date."""
    return answer("members", {"on": on, "status": status, "org": org.upper()}, record,
                  [period_row(r) for r in record.members(on, status, org)])


def history(record: Record, state: str) -> dict[str, Any]:
    """A state's status periods and dated acts in every organization."""
    h = record.history(state)
    return answer("history", {"state": state}, record, {
        "state": h["state"], "name": h["name"],
        "periods": [{"org": p.org, "status": p.status, "level": p.level, "participation": p.participation,
                     "from": p.start, "from_attested": p.from_attested, "to": p.end, "note": p.note,
                     "sources": fact_refs(p)} for p in h["periods"]],
        "acts": [{"org": a.org, "kind": a.kind, "date": a.date, "instrument": a.instrument, "note": a.note,
                  "sources": fact_refs(a)} for a in h["acts"]]})


def timeline(record: Record, org: str = CSTO) -> dict[str, Any]:
    """Every state's status periods in an organization."""
    rows = record.timeline(org)
    if not rows:
        raise UsageError(f"no status periods recorded for organization {org!r}")
    return answer("timeline", {"org": org.upper()}, record, [period_row(r) for r in rows])


def organs(record: Record, on: date | None = None) -> dict[str, Any]:
    """The organs (those in existence on ``on``, or every one): composition, function, decision rule, cadence."""
    return answer("organs", {"on": on}, record, [
        {"id": o.id, "name": o.name, "parent": o.parent, "kind": o.kind, "composition": o.composition,
         "function": o.function, "quote": o.quote.model_dump() if o.quote else None, "decision_rule": o.decision_rule,
         "cadence": o.cadence, "from": o.start, "from_attested": o.from_attested, "to": o.end,
         "sources": fact_refs(o)} for o in record.organs(on)])


def who(record: Record, office: str, on: date) -> dict[str, Any]:
    """Who held an office on a date."""
    return answer("who", {"office": office, "on": on}, record, [
        {"office": t.office, "holder": t.holder, "state": t.state, "acting": t.acting, "from": t.start, "to": t.end,
         "sources": fact_refs(t)} for t in record.holder(office, on)])


def events(record: Record, start: date | None = None, end: date | None = None,
           kind: str | None = None) -> dict[str, Any]:
    """Everything dated in a period (``start``/``end`` are the question's ``from``/``to``), of one kind or all."""
    if start and end and start > end:
        raise UsageError(f"from {start} is after to {end}", field="from", value=start.isoformat())
    found = record.events(start, end) if kind is None else record.events_of_kind(kind, start, end)
    return answer("events", {"from": start, "to": end, "kind": kind}, record,
                  [{**h.as_dict(), "sources": refs(h.sources)} for h in found])


def conflicts(record: Record) -> dict[str, Any]:
    """Where the sources disagree (every claim with its source, the preferred value and why), and opinions."""
    return answer("conflicts", {}, record, {"conflicts": [c.model_dump() for c in record.conflicts()],
                                            "opinions": [o.model_dump() for o in record.opinions()]})


def sources(record: Record, kind: str | None = None, search: str | None = None) -> dict[str, Any]:
    """The sources the record cites: every one, or those of one kind and/or matching a text."""
    return answer("sources", {"kind": kind, "search": search}, record,
                  [s.model_dump() for s in record.sources(kind, search)])


def overlap(record: Record, on: date) -> dict[str, Any]:
    """States x organizations on a date: who belongs to what, and each organization's coverage caveat."""
    grid = record.overlap(on)
    return answer("overlap", {"on": on}, record, {
        "on": on.isoformat(), "organizations": record.organization_ids(),
        "coverage": {o.id: o.coverage for o in record.organizations() if o.coverage},
        "states": [{"state": s, "name": record.states[s].name, "statuses": cells} for s, cells in grid.items()]})


def check(record: Record) -> dict[str, Any]:
    """The record is valid (it opened); what it holds, section by section."""
    return answer("check", {}, record, {"valid": True, "sqlite": str(record.path), "counts": dict(record.counts())})

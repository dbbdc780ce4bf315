"""Answers over what the alliance has and has done: forces, budget, crises, missions, exercises.

Each item is the record's own fields (``from``/``to``, sources as ``{id, passage}``), ``id`` first and ``note`` and
``sources`` last (README, "JSON fields").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..record import Record
from ..record.query import FormationOn
from . import answer


def dump(item: Any) -> dict[str, Any]:
    """A record entity as the answers give it: its YAML field names, ``id`` first, ``note`` and ``sources`` last."""
    out = item.model_dump(mode="json", by_alias=True)
    first = {"id": out.pop("id")} if "id" in out else {}
    last = {"note": out.pop("note"), "sources": out.pop("sources")}
    return {**first, **out, **last}


def _formation(f: FormationOn) -> dict[str, Any]:
    strength = None
    if f.strength is not None:
        s = dump(f.strength.strength)
        strength = {"personnel": s["personnel"], "approximate": s["approximate"], "from": s["from"], "to": s["to"],
                    "carried_years": f.strength.carried_years, "note": s["note"], "sources": s["sources"]}
    contributions = [{k: v for k, v in dump(c).items() if k != "formation"} for c in f.contributions]
    formation = dump(f.formation)
    last = {"note": formation.pop("note"), "sources": formation.pop("sources")}
    return {**formation, "members": f.members, "strength": strength, "contributions": contributions,
            "other_contribution_dates": f.other_contribution_dates, **last}


def forces(record: Record, on: date) -> dict[str, Any]:
    """The collective forces on a date: members, strength (the latest figure, carried forward), contributions."""
    return answer("forces", {"on": on}, record, [_formation(f) for f in record.forces_on(on)])


def budget(record: Record, on: date) -> dict[str, Any]:
    """Shares of the budget on a date, their total, and the benefits of membership the sources name."""
    shares = record.budget_shares(on)
    return answer("budget", {"on": on}, record, {
        "shares": [{"state": b.state, "name": record.states[b.state].name,
                    **{k: v for k, v in dump(b).items() if k != "state"}} for b in shares],
        "total": round(sum(b.share for b in shares), 6), "benefits": [dump(b) for b in record.benefits()]})


def crises(record: Record) -> dict[str, Any]:
    """Every crisis in the record, by date: who was asked for what, what the CSTO did and when it decided."""
    return answer("crises", {}, record, [dump(c) for c in sorted(record.crises(), key=lambda c: c.date)])


def missions(record: Record) -> dict[str, Any]:
    """Every mission: host, kind, dates, personnel and each state's contingent."""
    return answer("missions", {}, record, [dump(m) for m in record.missions()])


def exercises(record: Record, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Joint exercises whose dates overlap a period (``start``/``end``: the question's ``from``/``to``)."""
    return answer("exercises", {"from": start, "to": end}, record,
                  [dump(x) for x in record.exercises_between(start, end)])

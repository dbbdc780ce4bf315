"""Briefings: what each role reads before it decides, generated from the record, the law and the model.

A delegation's brief holds its obligations for this event (from the treaty engine's Assessment, with
its trace), its ties with the target and the attacker and what constrains it (``data/sim/relations.yaml``
through the simulation's parameters), its part of the formation (the compiled model's contingent), and
what the organization did in comparable past crises, with its own part in them (the record's crises
and missions). The model's own expectations stay out of every brief: they belong to the debrief.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..record import Record
from ..record.dates import first_day
from ..sim import CrisisModel, Params
from ..sim.decisions import relation
from ..treaty import Assessment

ORGANIZATION = "CSTO"


def _refs(fact: Any) -> list[dict]:
    return [{"id": r.id, "passage": r.passage} for r in getattr(fact, "sources", [])]


def obligation_view(o: Any, state: str | None) -> dict:
    """One obligation as a brief shows it, with what it means for ``state`` (None: for nobody in particular)."""
    if state is not None and state in o.owed_to and state in o.owed_by:
        stake = "mutual: you owe it and are owed it"
    elif state is not None and state in o.owed_to:
        stake = "owed to you"
    elif state is not None and state in o.owed_by:
        stake = "you owe it"
    elif ORGANIZATION in o.owed_by:
        stake = "the organization owes it: you take part in the decision"
    else:
        stake = "others owe it"
    return {"id": o.id, "action": o.action, "status": o.status, "description": o.description,
            "owed_by": o.owed_by, "owed_to": o.owed_to, "citation": o.basis.get("citation"),
            "version": o.basis.get("version"), "organ": o.organ,
            "decision_rule": o.decision_rule.get("id") if o.decision_rule else None, "timing": o.timing,
            "conditions": o.conditions, "contested_by": o.contested_by, "stake": stake}


def _tie(params: Params, a: str, b: str | None, day: str) -> dict | None:
    """How ``a`` stands toward ``b`` on ``day``: the value the model uses, and the entry it comes from."""
    if b is None or a == b:
        return None
    value = relation(params, a, b, day)
    entry = next((r for r in params.relations.relations
                  if set(r.states) == {a, b} and r.valid_on(day) and r.value == value), None)
    return {"state": b, "value": value, "what": entry.what if entry else "no relation recorded (0: neutral)",
            "from": entry.start if entry else None, "to": entry.end if entry else None,
            "assumption": bool(entry and entry.assumption), "sources": _refs(entry) if entry else []}


def _constraints(params: Params, state: str, day: str) -> list[dict]:
    out = []
    for kind, facts in (("competing commitment", params.relations.commitments),
                        ("domestic constraint", params.relations.domestic)):
        for f in facts:
            if f.state == state and f.valid_on(day):
                out.append({"kind": kind, "what": f.what, "value": f.value, "from": f.start, "to": f.end,
                            "assumption": f.assumption, "sources": _refs(f)})
    return out


def _member_on(record: Record, state: str, day: str) -> str:
    row = record.status_of(state, first_day(day))
    return row.status if row is not None else "not a member"


def past_crises(record: Record, state: str, event: Any, day: date, horizon_days: float) -> list[dict]:
    """Crises before ``day`` comparable with ``event`` (same kind, or the same target or attacker, or one
    in which ``state`` was a target), most recent first, with ``state``'s part in each. The crisis the
    scenario itself describes (``simulation.crisis``) is not a past crisis: it is what the class replays."""
    itself = ((event.extra or {}).get("simulation") or {}).get("crisis")
    target = set(event.targets)
    perp = event.perpetrator.state if event.perpetrator else None
    out = []
    for c in record.crises():
        start = first_day(c.date)
        if start >= day or c.id == itself:
            continue
        alike = c.kind == event.kind or target & set(c.targets) or (perp and c.perpetrator == perp) \
            or state in c.targets
        if not alike:
            continue
        part = "target" if state in c.targets else _member_on(record, state, c.date)
        sent = None
        for m in record.missions():
            m_start = first_day(m.start)
            if m.host in c.targets and start <= m_start <= start + timedelta(days=horizon_days):
                mine = next((x for x in m.contributors if x.state == state), None)
                if mine is not None:
                    sent = {"mission": m.id, "personnel": mine.personnel, "description": mine.description}
        r = c.response
        out.append({"crisis": c.id, "name": c.name, "date": c.date, "kind": c.kind, "targets": c.targets,
                    "requested": bool(c.request and c.request.to == "csto"), "outcome": r.outcome,
                    "decided": r.decided, "your_part": part, "you_sent": sent,
                    "refused_by_target": r.refused_by_target, "uncertain": c.uncertain is not None,
                    "sources": _refs(c)})
    return sorted(out, key=lambda x: first_day(x["date"]), reverse=True)


def _forces(model: CrisisModel, state: str) -> dict:
    info = model.info.get("forces") or {}
    i = model.states.index(state) if state in model.states else -1
    return {"formation": model.formation, "strength": info.get("strength"), "strength_from": info.get("strength_from"),
            "stale": info.get("stale", False), "in_formation": state in (info.get("members") or []),
            "contingent": int(model.contingent[i]) if i >= 0 else 0,
            "budget_share": round(float(model.budget_share[i]), 4) if i >= 0 else 0.0}


def delegation(state: str, role: dict, event: Any, assessment: Assessment, model: CrisisModel, params: Params,
               record: Record, day: date) -> dict:
    """The brief of one member delegation (voting or not) or of the requesting state."""
    perp = event.perpetrator.state if event.perpetrator else None
    target = event.request.by if event.request else event.targets[0]
    mine = [obligation_view(o, state) for o in assessment.obligations
            if state in o.owed_by or state in o.owed_to or ORGANIZATION in o.owed_by]
    brief = {"role": role["id"], "state": state, "name": role["name"], "vote": role["vote"], "why": role["why"],
             "obligations": mine, "flags": assessment.flags, "trace": assessment.trace,
             "ties": {"target": _tie(params, state, target, day.isoformat()),
                      "attacker": _tie(params, state, perp, day.isoformat())},
             "constraints": _constraints(params, state, day.isoformat()),
             "forces": _forces(model, state),
             "past_crises": past_crises(record, state, event, day, model.horizon_days)}
    if role["kind"] == "requesting-state":
        members = [s for s in model.states if s != state]
        brief["ties"]["members"] = [_tie(params, state, s, day.isoformat()) for s in members]
        brief["request"] = event.request.model_dump(mode="json") if event.request else None
    return brief


def secretary_general(event: Any, assessment: Assessment, model: CrisisModel, record: Record, day: date,
                      procedure_view: list[dict]) -> dict:
    """The Secretary General's brief: the procedure, the law applied, every obligation and the rule."""
    try:
        holders = [{"holder": t.holder, "state": t.state, "acting": t.acting, "sources": _refs(t)}
                   for t in record.holder("secretary-general", day)]
    except LookupError:  # a record without the office
        holders = []
    return {"role": "secretary-general", "office_holder": holders, "procedure": procedure_view,
            "obligations": [obligation_view(o, None) for o in assessment.obligations], "flags": assessment.flags,
            "decision": assessment.decision, "rule": model.info.get("rule"), "trace": assessment.trace,
            "members": assessment.members, "absent": model.info.get("absent", {})}


def joint_staff(model: CrisisModel, record: Record, event: Any, day: date) -> dict:
    """The Joint Staff's brief: the formation, every national contingent and the distances to the destination."""
    info = model.info.get("forces") or {}
    states = list(model.states)
    return {"role": "joint-staff", "formation": model.formation, "forces": info,
            "contingents": {s: int(c) for s, c in zip(states, model.contingent)},
            "distance_km": {s: round(float(d)) for s, d in zip(states, model.distance_km)},
            "deploy_fraction": model.deploy_fraction, "air_speed_kmh": model.air_speed_kmh,
            "pax_per_flight": model.pax_per_flight, "flights_per_day": model.flights_per_day,
            "notes": [n for n in model.notes if model.formation and n.startswith(model.formation)],
            "past_missions": [{"mission": m.id, "name": m.name, "host": m.host, "from": m.start, "to": m.end,
                               "personnel": m.personnel,
                               "contributors": [{"state": x.state, "personnel": x.personnel} for x in m.contributors],
                               "sources": _refs(m)}
                              for m in record.missions() if first_day(m.start) < day]}

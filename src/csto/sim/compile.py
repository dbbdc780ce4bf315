"""Compile a scenario into a :class:`~csto.sim.model.CrisisModel`: the record, the treaty and the parameters in.

``compile(scenario, record, params)`` reads the event (a scenario file, a treaty ``Event`` or a ready
:class:`~csto.sim.decisions.Situation`), asks the treaty engine which obligations and flags apply, computes
every member's decision factors, picks the formation and its national contingents from the record, and
returns plain numbers. A scenario's optional ``simulation:`` mapping (see :class:`Settings`) overrides the
formation, destination, distances, cost rule and any parameter by dotted path.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..record import Record, RecordError
from ..record.dates import first_day, last_day, parse_day
from . import decisions, params as params_mod
from .decisions import Situation
from .model import COST_RULES, CrisisModel
from .params import Params

EARTH_KM = 6371.0


class Settings(BaseModel):
    """The ``simulation:`` mapping of a scenario file (all optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    formation: str | None = Field(default=None, description="formation id from the record to draw on")
    destination: list[float] | None = Field(default=None, min_length=2, max_length=2,
                                             description="[latitude, longitude] where forces land")
    distance_km: dict[str, float] = Field(default={}, description="per contributor, overrides the computed distance")
    cost_rule: str | None = Field(default=None, description="contributor or budget")
    crisis: str | None = Field(default=None, description="the record crisis (data/crises.yaml) this scenario describes")
    overlay: dict[str, Any] = Field(default={}, description="parameter overrides by dotted path")


def settings_from(raw: object, where: str | Path = "scenario") -> Settings:
    if raw is None:
        return Settings()
    if not isinstance(raw, dict):
        raise RecordError(where, getattr(raw, "line", None), "simulation", "expected a mapping", raw)
    try:
        s = Settings.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = "simulation." + ".".join(map(str, err["loc"]))
        line = raw.line_of(err["loc"][0]) if hasattr(raw, "line_of") and err["loc"] else getattr(raw, "line", None)
        value = err.get("input")
        raise RecordError(where, line, field, err["msg"], None if isinstance(value, (dict, list)) else value) from None
    if s.cost_rule is not None and s.cost_rule not in COST_RULES:
        raise RecordError(where, getattr(raw, "line", None), "simulation.cost_rule",
                          f"expected one of {', '.join(COST_RULES)}", s.cost_rule)
    return s


def situation_from(event, assessment) -> Situation:
    """The decision model's view of a treaty ``Event`` and its ``Assessment``."""
    perp = event.perpetrator
    target = event.request.by if event.request and event.request.by in event.targets else event.targets[0]
    perpetrator = perp.state if perp and perp.type == "state" else None
    if perpetrator is None and event.kind == "armed-clash-between-members" and len(event.targets) > 1:
        perpetrator = next(t for t in event.targets if t != target)  # each party accuses the other
    rule = (assessment.decision or {}).get("rule") or {}
    return Situation(
        id=event.id or "scenario", date=event.date, kind=event.kind, target=target, perpetrator=perpetrator,
        requested=event.request is not None, request_date=event.request.date if event.request else None,
        actions=tuple(o.action for o in assessment.obligations),
        flags=tuple(assessment.flags), rule=rule.get("id", "consensus"),
        articles=tuple(a.get("id", str(a)) if isinstance(a, dict) else str(a) for a in assessment.articles),
        trace=tuple(assessment.trace))


def _great_circle(a: list[float], b: list[float]) -> float:
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def _budget(record: Record, states: tuple[str, ...], day: str, notes: list[str]) -> list[float]:
    shares = {b.state: b.share for b in record.budget_shares(day)}
    raw = [shares.get(s, 0.0) for s in states]
    if sum(raw) <= 0:
        notes.append("no budget shares in the record on this date: equal shares assumed")
        raw = [1.0] * len(states)
    total = sum(raw)
    return [r / total for r in raw]


def latest_strength(record: Record, formation: str, day: str):
    """The formation's strength on ``day``: the record entry with the latest ``from`` not after it.

    Strengths in the record are figures reported at a point in time; a later date carries the latest one
    forward (as OpenFisca reads a parameter: the latest start not after the date). None when every figure
    is later than ``day``.
    """
    on = first_day(day)
    known = [s for s in record.all("strengths", "formation = ?", (formation,)) if first_day(s.start) <= on]
    return max(known, key=lambda s: first_day(s.start), default=None)  # max keeps the first of equal dates


def _forces(record: Record, sit: Situation, states: tuple[str, ...], budget: list[float], p: Params,
            settings: Settings, notes: list[str]) -> tuple[str | None, str | None, list[float]]:
    """The formation drawn on, and each member's part of it (personnel, before the share that deploys)."""
    formations = record.forces(sit.date)
    wanted = p.process.formations.value
    kinds = wanted.get(sit.kind, wanted.get("default", []))
    chosen = known = None
    if settings.formation:
        chosen = next((f for f in formations if f["formation"].id == settings.formation), None)
        if chosen is None:
            raise RecordError("scenario", None, "simulation.formation",
                              f"no such formation on {sit.date}; expected one of "
                              f"{', '.join(f['formation'].id for f in formations) or '(none)'}", settings.formation)
        known = latest_strength(record, chosen["formation"].id, sit.date)
    else:
        for kind in kinds:
            for f in formations:
                if f["formation"].kind == kind:
                    known = latest_strength(record, f["formation"].id, sit.date)
                    if known is not None:
                        chosen = f
                        break
            if chosen:
                break
    if chosen is None or known is None:
        what = f"{settings.formation}" if settings.formation else f"of kinds {kinds}"
        notes.append(f"no formation {what} with a known strength on or before {sit.date}: no troops can be sent")
        return None, None, [0.0] * len(states)
    form = chosen["formation"]
    strength = float(known.personnel)
    if known.end is not None and last_day(known.end) < first_day(sit.date):
        notes.append(f"{form.id}: strength {known.personnel:,} as reported for {known.start} "
                     f"(the latest figure on or before {sit.date}), carried forward")
    parts = [0.0] * len(states)
    explicit = set()
    for c in chosen["contributions"]:
        if c.state in states and (c.personnel or c.share):
            parts[states.index(c.state)] = float(c.personnel) if c.personnel else c.share * strength
            explicit.add(c.state)
    rest = strength - sum(parts)
    others = [i for i, s in enumerate(states) if s not in explicit]
    weights = [budget[i] if p.process.contribution_split.value == "budget" else 1.0 for i in others]
    if rest > 0 and others and sum(weights) > 0:
        for i, w in zip(others, weights):
            parts[i] = rest * w / sum(weights)
        notes.append(f"{form.id}: national parts not in the record for {', '.join(states[i] for i in others)}; "
                     f"split by {p.process.contribution_split.value}")
    return form.id, form.kind, parts


def compile(scenario, record: Record | None = None, params: Params | None = None, *, on=None, overlay=None,
            settings: Settings | dict | None = None) -> CrisisModel:
    """Compile ``scenario`` (a scenario file path, a treaty ``Event`` or a :class:`Situation`) to a model.

    ``on`` (a date) simulates the crisis as of that day instead of the event's: the law and membership
    the treaty engine applies, and the forces, budget shares and relations the compiler reads. ``overlay``
    is a treaty what-if (``csto.treaty.Overlay``, see ``csto.treaty.load_overlay``) passed to the treaty
    engine: it changes articles, the decision rule or memberships. Parameter overrides go in
    ``settings.overlay`` or the scenario's ``simulation.overlay``.
    """
    record = record or Record.open()
    if params is None:
        params = params_mod.params_for(record)
    where: str | Path = "scenario"
    members_override = None
    if isinstance(scenario, Situation):
        sit = scenario
        raw_settings = settings
    else:
        from .. import treaty  # the layer above; imported here so csto.sim loads without it in tests

        event = scenario
        if isinstance(scenario, (str, Path)):
            where = scenario
            event = treaty.load_scenario(scenario, record)
        if isinstance(on, str):
            on = parse_day(on)
        assessment = treaty.obligations(event, record, on, overlay)
        sit = situation_from(event, assessment)
        if on is not None:  # the whole crisis as of ``on``: law, members, forces, budget, relations
            sit = dataclasses.replace(sit, date=assessment.on.isoformat())
        members_override = tuple(assessment.members)
        raw_settings = settings if settings is not None else (event.extra or {}).get("simulation")
    s = raw_settings if isinstance(raw_settings, Settings) else settings_from(raw_settings, where)
    p = params.with_overlay(s.overlay)
    day = sit.date
    notes: list[str] = []

    states = members_override if members_override is not None else tuple(r.state for r in record.members(day))
    states = tuple(sorted(states))
    participation = {}
    for st in states:
        m = record.status_of(st, day)
        participation[st] = m.participation if m else "full"
    target = states.index(sit.target) if sit.target in states else -1
    if target < 0:
        notes.append(f"{sit.target} is not a member on {day}: it does not vote")

    basis = decisions.treaty_basis(sit, p)
    fx = decisions.factors(sit, states, p, basis)
    means = decisions.stance_means(fx, p)
    voting = [participation[st] == "full" for st in states]
    for st in states:
        if participation[st] != "full":
            notes.append(f"{st}: participation {participation[st]} on {day}: neither votes nor contributes")
    aside = p.decision.p_stand_aside.value if sit.rule in p.basis.standing_aside_rules.value else 0.0

    # what the alliance may do: the treaty basis (capped by the Assessment's flags), and nothing at all
    # when no member can vote (an empty set of voters is not consensus)
    ceiling, floor = basis.ceiling, basis.floor if sit.requested else 0
    for flag, caps in basis.caps.items():
        notes.append(f"{flag}: " + " and ".join(f"{k} lowered to {v}" for k, v in caps.items())
                     + (": the alliance cannot act" if caps.get("ceiling") == "nothing" else ""))
    if not any(voting[i] and i != target for i in range(len(states))):
        notes.append(f"no member states on {day}: the alliance cannot act" if not states
                     else f"no member state other than the target can vote on {day}: the alliance cannot act")
        ceiling = floor = 0

    budget = _budget(record, states, day, notes)
    formation, kind, parts = _forces(record, sit, states, budget, p, s, notes)
    fractions = p.process.deploy_fraction.value
    frac = fractions.get(kind, fractions.get("default", 0.0))
    if frac <= 0 and any(parts):
        notes.append(f"{formation}: deploy_fraction 0 for formation kind {kind}: no troops can be sent")
        parts = [0.0] * len(states)
    # each member's national contingent in the formation (whole persons); the share of it a contributor sends
    # is drawn in the simulation, with mean ``frac`` (see csto.sim.model, step 6)
    contingent = [0.0 if (i == target or not voting[i]) else float(round(parts[i])) for i in range(len(states))]

    capitals = p.process.capitals.value
    dest = s.destination or capitals.get(sit.target)
    distance = []
    for st in states:
        if st in s.distance_km:
            distance.append(float(s.distance_km[st]))
        elif dest and st in capitals:
            distance.append(_great_circle(capitals[st], dest))
        else:
            distance.append(0.0)
            if contingent[states.index(st)] > 0:
                notes.append(f"{st}: no coordinates for the distance: 0 km assumed")

    if sit.requested:
        p_request = 1.0
    else:
        p_request = p.decision.p_request_unprompted.value
    p_statement = p.decision.p_statement_unrequested.value
    if ceiling == 0:  # an alliance that cannot act takes no request up and says nothing: no timings either
        p_request = p_statement = 0.0
    pr = p.process
    return CrisisModel(
        scenario=sit.id, date=day, states=states, target=target,
        p_request=p_request, p_statement_unrequested=p_statement,
        consult_median=pr.consult.value.median, consult_sigma=pr.consult.value.sigma,
        session_median=pr.session.value.median, session_sigma=pr.session.value.sigma,
        stance_mean=means, stance_sd=p.decision.stance_sd.value, cutpoints=p.decision.cutpoints.value,
        voting=voting, p_stand_aside=[aside] * len(states), floor=floor, ceiling=ceiling,
        formation=formation, contingent=contingent, distance_km=distance,
        deploy_fraction=frac if frac > 0 else 1.0, deploy_concentration=pr.deploy_concentration.value,
        air_speed_kmh=pr.air_speed_kmh.value, pax_per_flight=pr.pax_per_flight.value,
        flights_per_day=pr.flights_per_day.value,
        mobilise_median=pr.mobilise.value.median, mobilise_sigma=pr.mobilise.value.sigma,
        operation_median=pr.operation.value.median, operation_sigma=pr.operation.value.sigma,
        cost_rule=s.cost_rule or str(pr.cost_rule.value), budget_share=budget,
        cost_person_day=pr.cost_person_day.value, cost_flight=pr.cost_flight.value,
        cost_mission=pr.cost_mission.value, cost_assistance=pr.cost_assistance.value,
        factors={"situation": {"id": sit.id, "date": day, "kind": sit.kind, "target": sit.target,
                               "perpetrator": sit.perpetrator, "requested": sit.requested,
                               "actions": list(sit.actions), "flags": list(sit.flags), "rule": sit.rule},
                 "treaty_basis": {"strength": basis.strength, "action": basis.action,
                                  "penalties": basis.penalties, "caps": basis.caps},
                 "stances": decisions.explain(fx, states, p)},
        notes=tuple(notes),
    )

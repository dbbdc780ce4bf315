"""Compile a scenario into a :class:`~csto.sim.model.CrisisModel`: the record, the treaty and the parameters in.

``compile(scenario, record, params)`` reads the event (a scenario file, a treaty ``Event`` or a ready
:class:`~csto.sim.decisions.Situation`), asks the treaty engine which obligations and flags apply, computes
every member's decision factors, picks the formation and its national contingents from the record, and
returns plain numbers. A scenario's optional ``simulation:`` mapping (see :class:`Settings`) overrides the
formation, destination, distances, cost rule and any parameter by dotted path.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from ..errors import RecordErrors, validate
from ..record import Record, RecordError
from ..record.dates import parse_day
from ..record.yamlio import InlineDocument, LineDict
from . import decisions, theta
from . import params as params_mod
from .decisions import Situation
from .model import COST_RULES, OUTCOMES, CrisisModel
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
    _lines: dict = PrivateAttr(default_factory=dict)

    @field_validator("distance_km", mode="before")
    @classmethod
    def _codes(cls, value: Any) -> Any:  # state codes in any case, as everywhere else
        return {str(k).upper(): v for k, v in value.items()} if isinstance(value, dict) else value

    def line_of(self, key: str) -> int | None:
        """The line of ``simulation.KEY`` in the scenario file, where it is known."""
        return self._lines.get(key, self._lines.get(""))


def settings_from(raw: object, where: str | Path = "scenario") -> Settings:
    """The ``simulation:`` mapping, validated: every problem named with file, line and field."""
    if raw is None:
        return Settings()
    s = validate(Settings, raw, where, "simulation")
    if isinstance(raw, LineDict):
        s._lines.update({"": raw.line, **{k: raw.line_of(k) for k in raw}})
    if s.cost_rule is not None and s.cost_rule not in COST_RULES:
        raise RecordError(where, s.line_of("cost_rule"), "simulation.cost_rule",
                          f"expected one of {', '.join(COST_RULES)}", s.cost_rule)
    return s


def situation_from(event, assessment, law=None) -> Situation:
    """The decision model's view of a treaty ``Event`` and its ``Assessment`` (``law``: for the kind's defaults)."""
    perp = event.perpetrator
    target = event.request.by if event.request and event.request.by in event.targets else event.targets[0]
    perpetrator = perp.state if perp and perp.type == "state" else None
    if perpetrator is None and event.kind == "armed-clash-between-members" and len(event.targets) > 1:
        perpetrator = next(t for t in event.targets if t != target)  # each party accuses the other
    rule = (assessment.decision or {}).get("rule") or {}
    armed = event.armed_attack if event.armed_attack is not None else bool(law and event.is_armed_attack(law))
    req = event.request
    return Situation(
        id=event.id or "scenario", date=event.date, kind=event.kind, target=target, perpetrator=perpetrator,
        requested=req is not None, request_date=req.date if req else None,
        actions=tuple(o.action for o in assessment.obligations),
        flags=tuple(assessment.flags), rule=rule.get("id", "consensus"), rule_threshold=rule.get("threshold"),
        articles=tuple(a.get("id", str(a)) if isinstance(a, dict) else str(a) for a in assessment.articles),
        trace=tuple(assessment.trace), armed_attack=armed,
        on_recognised_territory=event.location.on_recognised_territory,
        outside_involvement=event.outside_involvement, request_to=req.to if req else None,
        asked_for=tuple(req.asked_for) if req else (), request_article=req.article if req else None)


def _great_circle(a: list[float], b: list[float]) -> float:
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def _shares_on(record: Record, members: list[str], day: str, p: Params) -> tuple[dict[str, float], dict | None]:
    """Each of ``members``' share of the common budget on ``day``: as recorded, or, where the record holds
    none for them, the assumed apportionment (the fixed shares of ``assumed_budget_shares``, the rest split
    equally among the others). Returns the shares and the fixed part assumed (None when recorded)."""
    recorded = {b.state: b.share for b in record.budget_shares(day)}
    raw = {s: recorded.get(s, 0.0) for s in members}
    if not members or sum(raw.values()) > 0:
        return raw, None
    assumed = p.process.assumed_budget_shares.value
    fixed = {s: assumed[s] for s in members if s in assumed}
    rest = [s for s in members if s not in fixed]
    left = max(0.0, 1.0 - sum(fixed.values()))
    return {s: fixed.get(s, left / len(rest) if rest else 0.0) for s in members}, fixed


def _budget(record: Record, states: tuple[str, ...], target: int, day: str, p: Params,
            notes: list[str]) -> list[float]:
    """Each state's share of what the common budget pays, the target excluded (it never pays for its own help)."""
    raw, fixed = _shares_on(record, [s for i, s in enumerate(states) if i != target], day, p)
    if fixed is not None:
        said = ", ".join(f"{s} {v:.0%}" for s, v in fixed.items())
        notes.append(f"no budget shares in the record on {day}: assumed {said or 'none fixed'}, the rest split equally "
                     f"(assumed_budget_shares in data/sim/process.yaml)")
    total = sum(raw.values())
    return [raw.get(s, 0.0) / total if total > 0 else 0.0 for s in states]


def _forces(record: Record, sit: Situation, states: tuple[str, ...], p: Params,
            settings: Settings, where, notes: list[str]) -> tuple[str | None, str | None, list[float], dict]:
    """The formation drawn on, and each member's part of it (personnel, before the share that deploys)."""
    formations = record.forces(sit.date)
    wanted = p.process.formations.value
    kinds = wanted.get(sit.kind, wanted.get("default", []))
    chosen = known = None
    if settings.formation:
        chosen = next((f for f in formations if f["formation"].id == settings.formation), None)
        if chosen is None:
            raise RecordError(where, settings.line_of("formation"), "simulation.formation",
                              f"no such formation on {sit.date}; expected one of "
                              f"{', '.join(f['formation'].id for f in formations) or '(none)'}", settings.formation)
        known = record.strength_on(chosen["formation"].id, sit.date)
    else:
        for kind in kinds:
            for f in formations:
                if f["formation"].kind == kind:
                    known = record.strength_on(f["formation"].id, sit.date)
                    if known is not None:
                        chosen = f
                        break
            if chosen:
                break
    info: dict[str, Any] = {"formation": None, "strength": None, "strength_from": None, "carried_years": None,
                            "stale": False, "members": []}
    if chosen is None or known is None:
        what = f"{settings.formation}" if settings.formation else f"of kinds {kinds}"
        notes.append(f"no formation {what} with a known strength on or before {sit.date}: no troops can be sent")
        return None, None, [0.0] * len(states), info
    form, figure = chosen["formation"], known.strength
    strength = float(figure.personnel)
    stale = known.carried_years > p.process.max_carry_years.value
    if known.carried_years > 0:
        notes.append(f"{form.id}: strength {figure.personnel:,} as reported for {figure.start}, carried forward "
                     f"{known.carried_years:g} years to {sit.date}"
                     + (f": STALE (more than {p.process.max_carry_years.value:g} years)" if stale else ""))
    belong = set(record.formation_members(form.id, sit.date))
    if not belong:
        belong = set(states)
        notes.append(f"{form.id}: the record names no members on {sit.date}: every member state is taken to belong")
    elif set(states) - belong:
        notes.append(f"{form.id}: {', '.join(sorted(set(states) - belong))} not in this formation on {sit.date}")
    info.update(formation=form.id, strength=figure.personnel, strength_from=figure.start,
                carried_years=known.carried_years, stale=stale, members=sorted(belong & set(states)))
    parts = [0.0] * len(states)
    explicit = set()
    for c in chosen["contributions"]:
        if c.state in states and c.state in belong and (c.personnel or c.share):
            parts[states.index(c.state)] = float(c.personnel) if c.personnel else c.share * strength
            explicit.add(c.state)
    rest = strength - sum(parts)
    others = [i for i, s in enumerate(states) if s not in explicit and s in belong]
    split = p.process.contribution_split.value
    shares = _shares_on(record, list(states), sit.date, p)[0] if split == "budget" else {}
    weights = [shares[states[i]] if split == "budget" else 1.0 for i in others]
    if rest > 0 and others and sum(weights) > 0:
        for i, w in zip(others, weights):
            parts[i] = rest * w / sum(weights)
        notes.append(f"{form.id}: national parts not in the record for {', '.join(states[i] for i in others)}; "
                     f"split by {split}")
    return form.id, form.kind, parts, info


ASKED = {"troops": "troops", "peacekeepers": "troops", "equipment": "assistance", "advisers": "assistance",
         "observers": "mission", "consultations": "consultations"}
ARTICLE_ASKS = {"cst-4": "troops", "cst-2": "consultations"}


def _asked(sit: Situation) -> int:
    """The strongest class the target asked for: from ``asked_for``, else the article its request invokes
    (Article 4: troops; Article 2: consultations); -1 unknown. Not the articles that merely apply to the event:
    Article 2 applies to every threat, and read first it would make every Article 4 request one for talks."""
    if sit.asked_for:
        return max(OUTCOMES.index(ASKED[a]) for a in sit.asked_for)
    article = sit.request_article if sit.request_article in ARTICLE_ASKS else None
    return OUTCOMES.index(ARTICLE_ASKS[article]) if article else -1


def _rule(sit: Situation, p: Params, where, overlay) -> tuple[str, float, bool, str]:
    """``(id, threshold, stand_aside, title)`` of the decision rule in force; refuse one it cannot simulate."""
    known = p.basis.decision_rules.get(sit.rule)
    if known is not None:
        return sit.rule, known.threshold, known.stand_aside, known.title
    if sit.rule_threshold:
        num, _, den = str(sit.rule_threshold).partition("/")
        share = float(num) / float(den or 1)
        return sit.rule, share, False, f"qualified majority of {sit.rule_threshold} of the voters"
    source = f"overlay {overlay.id}" if overlay is not None else where
    raise RecordError(source, None, "decision_rule", "a decision rule the simulation cannot apply: give it a threshold "
                      f"or describe it under decision_rules in data/sim/basis.yaml (known: "
                      f"{', '.join(p.basis.decision_rules)})", sit.rule)


@functools.lru_cache(maxsize=8)
def _law_at(data_dir: str | None):
    """The law beside a data folder (read once per folder: compiling many crises reuses it)."""
    from ..treaty import load_law

    here = Path(data_dir) / "treaty" if data_dir else None
    return load_law(here if here is not None and here.is_dir() else None)


def _check_place(value: list[float] | None, where, settings: Settings) -> None:
    if value is not None and not (-90 <= value[0] <= 90 and -180 <= value[1] <= 180):
        raise RecordError(where, settings.line_of("destination"), "simulation.destination",
                          "expected [latitude, longitude] with latitude in -90..90 and longitude in -180..180", value)


def compile(scenario, record: Record | None = None, params: Params | None = None, *, on=None, overlay=None,
            settings: Settings | dict | None = None) -> CrisisModel:
    """Compile ``scenario`` (a scenario file path, a treaty ``Event`` or a :class:`Situation`) to a model.

    ``on`` (a date) simulates the crisis as of that day instead of the event's: the law and membership
    the treaty engine applies, and the forces, budget shares and relations the compiler reads. ``overlay``
    is a treaty what-if (``csto.treaty.Overlay``, see ``csto.treaty.load_overlay``) passed to the treaty
    engine: it changes articles, the decision rule or memberships. Parameter overrides go in
    ``settings.overlay`` or the scenario's ``simulation.overlay`` (a value set there is fixed, not drawn).
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
        law = _law_at(str(record.data_dir) if record.data_dir else None)
        if isinstance(scenario, (str, Path, InlineDocument)):
            where = scenario.path if isinstance(scenario, InlineDocument) else scenario
            event = treaty.load_scenario(scenario, record, law)
        if isinstance(on, str):
            on = parse_day(on)
        assessment = treaty.obligations(event, record, on, overlay, law)
        sit = situation_from(event, assessment, law)
        if on is not None:  # the whole crisis as of ``on``: law, members, forces, budget, relations
            sit = dataclasses.replace(sit, date=assessment.on.isoformat())
        members_override = tuple(assessment.members)
        raw_settings = settings if settings is not None else (event.extra or {}).get("simulation")
    s = raw_settings if isinstance(raw_settings, Settings) else settings_from(raw_settings, where)
    _check_place(s.destination, where, s)
    try:
        p = params.with_overlay(s.overlay)
    except RecordErrors as exc:  # the scenario's simulation.overlay: name its file and line
        raise RecordErrors([RecordError(where, s.line_of("overlay"), f"simulation.overlay.{e.field}", e.problem, e.value)
                            for e in exc.errors]) from None
    except RecordError as exc:
        raise RecordError(where, s.line_of("overlay"), f"simulation.overlay.{exc.field}", exc.problem,
                          exc.value) from None
    day = sit.date
    notes: list[str] = []

    members = members_override if members_override is not None else tuple(r.state for r in record.members(day))
    participation = {}
    for st in members:
        m = record.status_of(st, day)
        participation[st] = m.participation if m else "full"
    # a member that froze or suspended its participation neither votes nor contributes nor pays: it is left
    # out altogether, so that it cannot weaken the others (frozen and withdrawn give the same model)
    absent = {st: participation[st] for st in members if participation[st] != "full" and st != sit.target}
    states = tuple(sorted(st for st in members if st not in absent))
    for st, how in absent.items():
        notes.append(f"{st}: participation {how} on {day}: neither votes nor contributes nor pays")
    target = states.index(sit.target) if sit.target in states else -1
    if target < 0:
        notes.append(f"{sit.target} is not a member on {day}: it does not vote")
    target_frozen = target >= 0 and participation.get(sit.target, "full") != "full"
    if target_frozen:
        notes.append(f"{sit.target}: participation {participation[sit.target]} on {day}: the target does not vote, "
                     "and its own freeze puts the duty owed to it in doubt")

    basis = decisions.treaty_basis(sit, p, frozenset({"participation-frozen"} if target_frozen else ()))
    fx = decisions.factors(sit, states, p, basis)
    voting = [participation.get(st, "full") == "full" for st in states]
    rule, threshold, stand_aside, rule_title = _rule(sit, p, where, overlay)

    # what the alliance may do: the treaty basis (capped by the Assessment's flags), and nothing at all
    # when no member can vote (an empty set of voters is not consensus)
    csto_asked = sit.requested and sit.request_to not in record.states
    ceiling, floor = basis.ceiling, basis.floor if csto_asked else 0
    for flag, caps in basis.caps.items():
        notes.append(f"{flag}: " + " and ".join(f"{k} lowered to {v}" for k, v in caps.items())
                     + (": the alliance cannot act" if caps.get("ceiling") == "nothing" else ""))
    if not any(voting[i] and i != target for i in range(len(states))):
        notes.append(f"no member states on {day}: the alliance cannot act" if not states
                     else f"no member state other than the target can vote on {day}: the alliance cannot act")
        ceiling = floor = 0

    budget = _budget(record, states, target, day, p, notes)
    formation, kind, parts, force_info = _forces(record, sit, states, p, s, where, notes)
    fractions = p.process.deploy_fraction.value
    frac = fractions.get(kind or "default", fractions.get("default", 0.0))
    if frac <= 0 and any(parts):
        notes.append(f"{formation}: deploy_fraction 0 for formation kind {kind}: no troops can be sent")
        parts = [0.0] * len(states)
    # each member's national contingent in the formation (whole persons); the share of it a contributor sends
    # is drawn in the simulation, with mean ``frac`` (see csto.sim.model, step 5)
    contingent = [0.0 if (i == target or not voting[i]) else float(round(parts[i])) for i in range(len(states))]

    capitals = p.process.capitals.value
    dest = s.destination or capitals.get(sit.target)
    distance = []
    for i, st in enumerate(states):
        if st in s.distance_km:
            distance.append(float(s.distance_km[st]))
        elif contingent[i] <= 0:
            distance.append(0.0)
        elif dest is None:
            raise RecordError(where, s.line_of("destination"), "simulation.destination",
                              f"no coordinates for {sit.target}, where the forces would go: give "
                              "simulation.destination as [latitude, longitude]", None)
        elif st not in capitals:
            raise RecordError(p.files.get("process", "process.yaml"), None, f"capitals.{st}",
                              f"no coordinates for {st}, which may send troops", None)
        else:
            distance.append(_great_circle(capitals[st], dest))

    perp_member = sit.perpetrator in members or sit.kind == "armed-clash-between-members"
    internal = sit.kind in ("internal-unrest", "terrorism") and sit.outside_involvement is not True
    features = [1.0, float(sit.request_to in record.states), float(not sit.on_recognised_territory),
                float(perp_member), float(internal)]
    particles, source = theta.particles(p)
    if source != "posterior":
        notes.append(f"parameters drawn from the {source}, {len(particles):,} sets (no calibrated posterior in use)")
    if ceiling == 0:  # an alliance that cannot act takes no request up and says nothing
        particles = theta.silenced(particles)
    pr = p.process
    return CrisisModel(
        scenario=sit.id, date=day, states=states, target=target, particles=particles,
        requested=csto_asked and ceiling > 0, request_features=np.array(features),
        factors=decisions.matrix(fx), voting=np.array(voting, bool),
        urgent=float(sit.armed_attack), contested=float(len(basis.penalties)),
        horizon_days=pr.horizon_days.value,
        rule=rule, threshold=threshold, stand_aside=stand_aside, p_stand_aside=p.decision.p_stand_aside.value,
        floor=floor, ceiling=ceiling, formation=formation, contingent=np.array(contingent), asked=_asked(sit),
        distance_km=np.array(distance), deploy_fraction=frac if frac > 0 else 1.0,
        deploy_concentration=pr.deploy_concentration.value,
        air_speed_kmh=pr.air_speed_kmh.value, pax_per_flight=pr.pax_per_flight.value,
        flights_per_day=pr.flights_per_day.value,
        mobilise_median=pr.mobilise.value.median, mobilise_sigma=pr.mobilise.value.sigma,
        operation_median=pr.operation.value.median, operation_sigma=pr.operation.value.sigma,
        cost_rule=s.cost_rule or str(pr.cost_rule.value), budget_share=np.array(budget),
        cost_person_day=pr.cost_person_day.value, cost_flight=pr.cost_flight.value,
        cost_mission=pr.cost_mission.value, cost_assistance=pr.cost_assistance.value,
        info={"situation": {"id": sit.id, "date": day, "kind": sit.kind, "target": sit.target,
                            "perpetrator": sit.perpetrator, "requested": sit.requested, "request_to": sit.request_to,
                            "asked_for": list(sit.asked_for), "armed_attack": sit.armed_attack,
                            "actions": list(sit.actions), "flags": list(sit.flags)},
              "rule": {"id": rule, "threshold": threshold, "stand_aside": stand_aside, "title": rule_title},
              "absent": absent, "parameters": {"source": source, "sets": len(particles)},
              "request_features": dict(zip(("intercept", "bilateral", "outside_territory", "perpetrator_member",
                                            "internal"), features)),
              "forces": force_info,
              "treaty_basis": {"strength": basis.strength, "action": basis.action,
                               "penalties": basis.penalties, "caps": basis.caps},
              "stances": decisions.explain(fx, states, p)},
        notes=tuple(notes),
    )

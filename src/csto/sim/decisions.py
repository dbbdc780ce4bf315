"""The member decision model: each member's stance toward acting, from explicit factors.

For every member state ``i`` on the event's date the compiler computes these factors (each a plain
number; docs/simulation.md gives the table with sources):

``treaty_basis``
    The strength (0..1) of the strongest obligation the treaty engine found (its actions, mapped by
    ``data/sim/basis.yaml``), less the penalty of each flag on the Assessment. The same for every member.
``ties_target`` / ``ties_perpetrator``
    Relations (-1..1) between ``i`` and the target / the perpetrator on the date (``relations.yaml``).
``perpetrator_member``
    1 when the perpetrator is itself a member (and ``i`` is not it).
``is_perpetrator``
    1 for the perpetrator itself, when it is a member.
``regime_security``
    1 when the event threatens the incumbent government (kinds listed in ``decision.yaml``).
``competing_commitment`` / ``domestic_constraint``
    0..1 from ``relations.yaml`` (a war elsewhere; opposition at home), dated.

Frozen participation is not a factor but a status: such a member neither votes nor contributes.
``stance_mean[i] = intercept + sum_f weight[f] * factor[f][i]`` (weights in ``decision.yaml``).
No outcome is written for any case or pair of states: outcomes emerge from these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .model import FACTORS, OUTCOMES
from .params import Params


@dataclass(frozen=True)
class Situation:
    """What the decision model needs to know about one event: the scenario and the treaty's reading of it.

    Built from the treaty engine's Event and Assessment by :func:`csto.sim.compile`; tests may build one
    directly. ``actions`` are the obligation actions the engine found (e.g. ``assistance-including-military``),
    ``flags`` its flag ids, ``rule`` the decision rule in force (e.g. ``consensus``).
    """

    id: str
    date: str
    kind: str
    target: str
    perpetrator: str | None = None
    requested: bool = True
    request_date: str | None = None
    actions: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    rule: str = "consensus"
    articles: tuple[str, ...] = ()
    trace: tuple[str, ...] = field(default=(), compare=False)
    #: the rule's threshold as the treaty data gives it (``2/3``), for a qualified majority
    rule_threshold: str | None = None
    #: the event is an armed attack (the trigger of Article 4; urgent)
    armed_attack: bool = False
    on_recognised_territory: bool = True
    #: for unrest and terrorism: is backing from abroad alleged?
    outside_involvement: bool | None = None
    #: who was asked: ``None`` or an organ id for the CSTO, a state code for one member bilaterally
    request_to: str | None = None
    #: what was asked for (troops, peacekeepers, equipment, advisers, observers, consultations)
    asked_for: tuple[str, ...] = ()
    #: the article the request invokes (``cst-4``), where it names one
    request_article: str | None = None


@dataclass(frozen=True)
class Basis:
    """The treaty basis as the decision model reads it.

    ``caps`` names the flags that lowered the article's ceiling or floor, with the class they set.
    """

    strength: float
    ceiling: int
    floor: int
    action: str | None
    penalties: dict[str, float]
    caps: dict[str, dict[str, str]] = field(default_factory=dict)


def treaty_basis(sit: Situation, params: Params, target_flags: frozenset[str] = frozenset()) -> Basis:
    """Strongest applicable obligation (by strength), less flag penalties, clipped to [0, 1].

    The obligation's ceiling and floor are then capped by the flags that carry one (``treaty-not-in-force``:
    nothing at all; ``target-not-member``: no floor), and the floor never exceeds the ceiling. A flag marked
    ``target_only`` in ``basis.yaml`` counts only when it is in ``target_flags`` (it concerns the target:
    Armenia's freeze does not weaken the duty owed to Kazakhstan).
    """
    table = params.basis.articles
    found = [(table[a].strength, a) for a in sit.actions if a in table]
    if found:
        strength, action = max(found)
        entry = table[action]
    else:
        action, entry = None, params.basis.no_article
        strength = entry.strength
    flags = {f: params.basis.flags[f] for f in sit.flags
             if f in params.basis.flags and (not params.basis.flags[f].target_only or f in target_flags)}
    penalties = {f: b.penalty for f, b in flags.items()}
    value = float(np.clip(strength - sum(penalties.values()), 0.0, 1.0))
    ceiling, floor = OUTCOMES.index(entry.ceiling), OUTCOMES.index(entry.floor)
    caps: dict[str, dict[str, str]] = {}
    for f, b in flags.items():
        for bound in ("ceiling", "floor"):
            cap = getattr(b, bound)
            if cap is not None and OUTCOMES.index(cap) < (ceiling if bound == "ceiling" else floor):
                caps.setdefault(f, {})[bound] = cap
        if b.ceiling is not None:
            ceiling = min(ceiling, OUTCOMES.index(b.ceiling))
        if b.floor is not None:
            floor = min(floor, OUTCOMES.index(b.floor))
    return Basis(value, ceiling, min(floor, ceiling), action, penalties, caps)


def relation(params: Params, a: str, b: str | None, day: str) -> float:
    """How ``a`` stands toward ``b`` on ``day`` (0 when the record of relations says nothing)."""
    if b is None or a == b:
        return 0.0
    values = [r.value for r in params.relations.relations if set(r.states) == {a, b} and r.valid_on(day)]
    return max(values, key=abs) if values else 0.0


def _state_fact(facts, state: str, day: str) -> float:
    return float(min(1.0, sum(f.value for f in facts if f.state == state and f.valid_on(day))))


def factors(sit: Situation, states: tuple[str, ...], params: Params, basis: Basis | None = None) -> dict[str, np.ndarray]:
    """Each factor as one number per state (order of ``states``)."""
    basis = basis or treaty_basis(sit, params)
    day, perp = sit.date, sit.perpetrator
    perp_member = perp in states
    kinds = params.decision.regime_security_kinds.value
    out = {
        "treaty_basis": [basis.strength for _ in states],
        "ties_target": [relation(params, s, sit.target, day) for s in states],
        "ties_perpetrator": [relation(params, s, perp, day) for s in states],
        "perpetrator_member": [1.0 if perp_member and s != perp else 0.0 for s in states],
        "is_perpetrator": [1.0 if s == perp else 0.0 for s in states],
        "regime_security": [1.0 if sit.kind in kinds else 0.0 for _ in states],
        "competing_commitment": [_state_fact(params.relations.commitments, s, day) for s in states],
        "domestic_constraint": [_state_fact(params.relations.domestic, s, day) for s in states],
    }
    return {k: np.array(v, dtype=float) for k, v in out.items()}


def stance_means(fx: dict[str, np.ndarray], params: Params) -> np.ndarray:
    """``intercept + sum(weight * factor)`` per state, at the centre of the priors."""
    w = params.decision.weights
    total = np.full(len(next(iter(fx.values()))), w.intercept.value)
    for name in FACTORS:
        total = total + getattr(w, name).value * fx[name]
    return total


def matrix(fx: dict[str, np.ndarray]) -> np.ndarray:
    """The factors as an ``(n, len(FACTORS))`` matrix, the layout of ``CrisisModel.factors``."""
    return np.column_stack([fx[name] for name in FACTORS]) if len(fx[FACTORS[0]]) else np.zeros((0, len(FACTORS)))


def explain(fx: dict[str, np.ndarray], states: tuple[str, ...], params: Params) -> dict[str, dict[str, float]]:
    """Per state: each factor's contribution to its stance (weight x value), and the total."""
    w = params.decision.weights
    means = stance_means(fx, params)
    out = {}
    for i, s in enumerate(states):
        parts = {name: round(getattr(w, name).value * float(fx[name][i]), 3) for name in FACTORS}
        out[s] = {"intercept": w.intercept.value, **{k: v for k, v in parts.items() if v}, "stance": round(float(means[i]), 3)}
    return out

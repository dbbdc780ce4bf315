"""The class's decision under the rule in force, its pledges as the model's deployment, and the target's answer.

:func:`decide` applies step 4 of the model's story (csto/sim/model.py) to the positions the delegations
sealed instead of drawn stances: the decision is the ``ceil(threshold x m)``-th strongest action accepted
by the ``m`` voters taking part (threshold 1: consensus, the strongest action every one of them
accepts), never below the floor the treaty sets once help is asked for; under a rule with stand-aside a
voter may declare it takes no part. :func:`deployment` applies steps 5 and 7-9 to the personnel pledged:
the pledges are the contributions, and the mobilisation and operation times are drawn from the model's
laws with a seeded generator, so the same log gives the same timing and cost. :func:`may_refuse` and
:func:`after_refusal` are step 6 (the target's answer to an offer short of what it asked for), read with the
model's own functions.
"""

from __future__ import annotations

import math

import numpy as np

from ..sim import OUTCOMES, asked_class, refusable
from ..sim import after_refusal as _after_refusal

BLOCK, STAND_ASIDE = "block", "stand_aside"
TROOPS, ASSISTANCE = OUTCOMES.index("troops"), OUTCOMES.index("assistance")
#: Quantiles reported for a timing (as csto simulate names them).
QUANTILES = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}


def acceptance(position: str) -> int:
    """The class a position accepts at most: a block accepts nothing."""
    return 0 if position == BLOCK else OUTCOMES.index(position)


def decide(model: dict, positions: dict[str, str | None]) -> dict:
    """The decision of the voters (``model["voters"]``) from their sealed ``positions`` (role -> position; a
    voter missing from it did not take part). ``model`` is a definition's ``model`` numbers."""
    voters = list(model["voters"])
    floor, ceiling = OUTCOMES.index(model["floor"]), OUTCOMES.index(model["ceiling"])
    threshold = float(model["threshold"])
    taking = {v: acceptance(p) for v in voters if (p := positions.get(v)) is not None and p != STAND_ASIDE}
    aside = sorted(v for v in voters if positions.get(v) == STAND_ASIDE)
    missing = sorted(v for v in voters if positions.get(v) is None)
    m = len(taking)
    if not voters:  # nobody can consent: an empty set of voters is not consensus
        level, needed = 0, 0
    elif m == 0:
        level, needed = floor, 0
    else:
        ranked = sorted(taking.values(), reverse=True)
        needed = 1 if threshold >= 1 else max(math.ceil(threshold * m - 1e-9), 1)
        level = ranked[m - 1] if threshold >= 1 else ranked[needed - 1]
        level = max(min(level, ceiling), floor)
    explicit = sorted(v for v, p in positions.items() if p == BLOCK and v in taking)
    if threshold >= 1:
        # who held the decision below what the others would accept: the least willing, when someone wanted more
        least = min(taking.values(), default=ceiling)
        held = {v for v, a in taking.items() if a == least and a < max(taking.values()) and a < ceiling}
        blockers, outvoted = sorted(held | set(explicit)), []
    else:
        blockers, outvoted = [], sorted(v for v, a in taking.items() if a < level)
    return {"decision": OUTCOMES[level], "rule": model["rule"], "threshold": threshold,
            "taking_part": sorted(taking), "votes_needed": needed, "stood_aside": aside, "missing": missing,
            "blockers": blockers, "outvoted": outvoted, "explicit_blocks": explicit,
            "accepted": {v: OUTCOMES[a] for v, a in sorted(taking.items())}}


def asked(model: dict) -> str:
    """The class the target asked for, as the model reads it (step 6): the request's (``model["asked"]``), or the
    ceiling when the request does not say. ``model`` is a definition's ``model`` numbers."""
    known = OUTCOMES.index(model["asked"]) if model.get("asked") else -1
    return OUTCOMES[asked_class(known, OUTCOMES.index(model["ceiling"]))]


def may_refuse(model: dict, offered: str | None) -> bool:
    """Whether the target may refuse an offer of class ``offered`` (step 6): more than a mission, less than it asked
    for, above the floor."""
    if offered is None:
        return False
    return bool(refusable(OUTCOMES.index(offered), OUTCOMES.index(asked(model)), OUTCOMES.index(model["floor"])))


def after_refusal(model: dict) -> str:
    """The outcome once the target refuses the offer (step 6): a mission, or the floor when that is higher."""
    return OUTCOMES[_after_refusal(OUTCOMES.index(model["floor"]))]


def _quantiles(x: np.ndarray) -> dict:
    qs = np.quantile(x, list(QUANTILES.values()))
    return {"n": int(len(x)), "mean": round(float(x.mean()), 3),
            **{k: round(float(v), 3) for k, v in zip(QUANTILES, qs)}}


def deployment(model: dict, pledges: dict[str, int], decision_day: float, seed: int, salt: int, draws: int) -> dict:
    """The pledged force, timed and costed by the model's steps 7-9 (``draws`` seeded draws of the mobilisation
    and operation times; ``salt`` makes each closing of force generation draw afresh, reproducibly).

    Days count from the request; ``decision_day`` is the day the class decided. Costs are means over the
    draws, in the model's illustrative US dollars; the target never pays.
    """
    sent = {s: int(n) for s, n in sorted(pledges.items()) if n > 0}
    rng = np.random.default_rng(np.random.SeedSequence([seed, salt]))
    mobilise = rng.lognormal(math.log(model["mobilise_median"]), model["mobilise_sigma"], draws)
    operation = rng.lognormal(math.log(model["operation_median"]), model["operation_sigma"], draws)
    transit = {s: model["distance_km"][s] / (model["air_speed_kmh"] * 24.0) for s in sent}
    flights = {s: math.ceil(n / model["pax_per_flight"]) for s, n in sent.items()}
    buildup = sum(flights.values()) / model["flights_per_day"]
    first = decision_day + mobilise + min(transit.values())
    withdrawn = first + operation + buildup
    own = {s: n * (operation + buildup) * model["cost_person_day"] + 2.0 * flights[s] * model["cost_flight"]
           for s, n in sent.items()}
    if model["cost_rule"] == "budget":
        total = sum(own.values())
        cost = {s: total * share for s, share in model["budget_share"].items()}
    else:
        cost = {s: own.get(s, 0.0) for s in model["budget_share"]}
    return {"personnel": sent, "total_personnel": sum(sent.values()), "flights": flights,
            "buildup_days": round(buildup, 3), "decision_day": decision_day,
            "transit_days": {s: round(t, 3) for s, t in transit.items()},
            "days_to_first_troops": _quantiles(first), "days_to_withdrawal": _quantiles(withdrawn),
            "cost_by_state": {s: round(float(np.mean(c)), 2) for s, c in cost.items()},
            "cost_total": round(float(sum(np.mean(c) for c in cost.values())), 2),
            "cost_rule": model["cost_rule"], "draws": draws, "seed": [seed, salt]}

"""The crisis model of :mod:`csto.sim.model`, written as a SimPy discrete-event simulation.

One replication is one :class:`simpy.Environment`. The Council is a process: it draws the
replication's parameter set, waits for the request (or says what it says without one), sits until
the decision or until the horizon runs out, applies the decision rule to the ballots, generates the
force, hears the target's answer, then mobilises, flies in, operates and withdraws. Each voting
member state is a process that forms its stance when the crisis opens and, when the session opens,
takes part or stands aside. Each contributor's contingent is a process that waits for mobilisation
and flies in. The story and its distributions are those of the docstring of :mod:`csto.sim.model`,
step by step; only the random streams differ (one scalar draw at a time from
:class:`random.Random`, drawn only when the story needs it), so this engine agrees with
:func:`csto.sim.montecarlo.simulate` in distribution, not number for number.

What depends only on the parameter set (a state's stance mean, the cutpoints, the probability of a
request) is computed once per parameter set in :func:`tables`, as any per-replication engine would.

Usage: ``simulate(model, runs, seed) -> csto.sim.Outcomes``.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left

import numpy as np
import simpy

from csto.sim.model import COL, CUT, OUTCOMES, REQ, TROOPS, W, CrisisModel
from csto.sim.montecarlo import Outcomes

NOTHING, STATEMENT, MISSION, ASSISTANCE = (OUTCOMES.index(k) for k in ("nothing", "statement", "mission", "assistance"))
NAN = math.nan


class Crisis:
    """One replication: the request, the Council, the member states, the target and the contingents."""

    def __init__(self, env: simpy.Environment, model: CrisisModel, rnd: random.Random, tables: dict):
        self.env, self.m, self.rnd, self.t = env, model, rnd, tables
        self.outcome = NOTHING
        self.requested = self.undecided = self.refused = False
        self.decision = self.first_troops = self.withdrawn = NAN
        self.personnel = [0] * model.n
        self.cost = [0.0] * model.n
        self.blocker = -1
        self.outvoted: list[int] = []

    def lognormal(self, median: float, sigma: float) -> float:
        return self.rnd.lognormvariate(math.log(median), sigma)

    # -- processes -----------------------------------------------------------------

    def council(self):
        """The Collective Security Council, from the event to the withdrawal of forces."""
        m, env, rnd, t = self.m, self.env, self.rnd, self.t
        k = rnd.randrange(t["K"])  # 0. this replication's parameter set
        # 1. request
        if not (m.requested or rnd.random() < t["p_request"][k]):
            self.outcome = STATEMENT if rnd.random() < t["p_statement"][k] else NOTHING
            return
        self.requested = True  # day 0: the request
        # 2. the member states form their stances; 3. the Council sits until it decides, or the horizon
        session = env.event()
        ballots = [env.process(self.member_state(i, k, session)) for i in t["voters"]]
        days = math.exp(min(t["log_days"][k] + t["time_sigma"][k] * rnd.gauss(0.0, 1.0), 50.0))
        if days > m.horizon_days:
            yield env.timeout(m.horizon_days)
            self.undecided = True
            self.settle(m.floor)
            return
        yield env.timeout(days)
        self.decision = env.now
        session.succeed()
        votes = yield env.all_of(ballots)
        # 4. the decision rule
        level, self.blocker, self.outvoted = decide(m, t, list(votes.values()))
        # 5. force generation
        contributors = []
        if level == TROOPS:
            contributors = [i for i, _, a, part in votes.values() if part and a == TROOPS and t["contingent"][i] > 0]
            if not contributors:
                level = ASSISTANCE
        # 6. the target's answer
        refusal = env.process(self.target_answers(k, level))
        if (yield refusal):
            self.refused, self.blocker = True, -1
            level = max(m.floor, MISSION)
        if level == TROOPS:
            self.outcome = TROOPS
            yield from self.deploy(contributors)
            return
        self.settle(level)

    def member_state(self, i: int, k: int, session: simpy.Event):
        """A voting member state: forms its stance, then takes part in the session or stands aside."""
        m, t = self.m, self.t
        z = t["mean"][k][i] + t["stance_sd"][k] * self.rnd.gauss(0.0, 1.0)
        accept = min(bisect_left(t["cutpoints"][k], z), m.ceiling)  # cutpoints strictly below z, capped
        yield session
        aside = m.stand_aside and accept < m.ceiling and self.rnd.random() < m.p_stand_aside
        return (i, z, accept, not aside)

    def target_answers(self, k: int, level: int):
        """The target accepts what it is offered, or refuses an offer short of what it asked for."""
        m, t = self.m, self.t
        if not (MISSION < level < t["asked"] and level > m.floor):
            return False
        yield self.env.timeout(0)
        p = sigmoid(t["refuse_intercept"][k] + t["refuse_gap"][k] * (t["asked"] - level))
        return self.rnd.random() < p

    def deploy(self, contributors: list[int]):
        """Steps 5-9: size the contingents, mobilise, fly in, operate, withdraw; then the bill."""
        m, env, t = self.m, self.env, self.t
        sent = {i: persons_sent(self.rnd, t, i) for i in contributors}
        mobilised = env.timeout(self.lognormal(m.mobilise_median, m.mobilise_sigma))
        arrivals = [env.process(self.contingent(i, mobilised)) for i in contributors]
        yield env.any_of(arrivals)
        self.first_troops = env.now
        buildup = sum(flights(m, x) for x in sent.values()) / m.flights_per_day
        operation = self.lognormal(m.operation_median, m.operation_sigma)
        yield env.timeout(operation)
        yield env.timeout(buildup)
        self.withdrawn = env.now
        for i, x in sent.items():
            self.personnel[i] = x
        self.cost = apportion(m, t, sent, operation + buildup)

    def contingent(self, i: int, mobilised: simpy.Event):
        """One state's contingent: loaded when mobilised, then in the air."""
        yield mobilised
        yield self.env.timeout(self.t["transit"][i])

    def settle(self, level: int) -> None:
        """An outcome without troops, and what the common budget pays for it."""
        self.outcome = level
        self.cost = common_cost(self.m, self.t, level)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


def decide(m: CrisisModel, t: dict, ballots: list[tuple]) -> tuple[int, int, list[int]]:
    """Step 4: the Council's decision from the ballots ``(state, z, accepts, takes part)`` of the voters.

    Returns the class decided, the blocker (-1 for none) and the states outvoted.
    """
    taking = [b for b in ballots if b[3]]
    if not t["voters"]:  # nobody can consent: an empty set of voters is not consensus
        level = NOTHING
    elif not taking:
        level = m.floor
    else:
        ranked = sorted((a for _, _, a, _ in taking), reverse=True)
        need = max(math.ceil(m.threshold * len(taking) - 1e-9), 1)
        level = max(ranked[need - 1], m.floor)
    blocker = -1
    if m.threshold >= 1 and level < m.ceiling:
        reluctant = [b for b in taking if b[2] < m.ceiling]
        if reluctant:
            blocker = min(reluctant, key=lambda b: b[1])[0]
    outvoted = [i for i, _, a, _ in taking if a < level]
    return level, blocker, outvoted


def common_cost(m: CrisisModel, t: dict, level: int) -> list[float]:
    """Step 9 for a mission or assistance: its cost split by budget shares."""
    if level == MISSION:
        return [m.cost_mission * s for s in t["share"]]
    if level == ASSISTANCE:
        return [m.cost_assistance * s for s in t["share"]]
    return [0.0] * m.n


def persons_sent(rnd, t: dict, i: int) -> int:
    """Step 5: the personnel contributor ``i`` sends, a drawn share of its contingent (whole, at least one).

    ``rnd`` is a :class:`random.Random` (SimPy's stream, or a Mesa agent's ``self.random``).
    """
    beta = t["share_beta"]
    share = t["deploy_fraction"] if beta is None else rnd.betavariate(*beta)
    return max(1, round(share * t["contingent"][i]))


def flights(m: CrisisModel, persons: int) -> int:
    """Sorties needed to fly ``persons`` in (step 7)."""
    return math.ceil(persons / m.pax_per_flight)


def apportion(m: CrisisModel, t: dict, sent: dict[int, int], days: float) -> list[float]:
    """Each contributor's cost for its ``sent`` personnel, ``days`` on the ground and its flights; then the
    rule: each pays its own, or the total is split by budget shares (step 9 of the story)."""
    own = [0.0] * m.n
    for i, x in sent.items():
        own[i] = x * days * m.cost_person_day + 2 * flights(m, x) * m.cost_flight
    if m.cost_rule == "budget":
        total = sum(own)
        return [total * s for s in t["share"]]
    return own


def tables(model: CrisisModel) -> dict:
    """Plain Python lists: per-state numbers, and per parameter set what depends only on it."""
    m = model
    th = m.particles
    voters = [i for i in range(m.n) if m.voting[i] and i != m.target]
    w = th[:, W]
    means = w[:, :1] + w[:, 1:] @ m.factors.T  # (K, n) stance means
    spread = means[:, voters].std(axis=1) if len(voters) > 1 else np.zeros(len(th))
    log_days = (th[:, COL["time.log_median"]] + th[:, COL["time.urgent"]] * m.urgent
                + th[:, COL["time.contested"]] * m.contested + th[:, COL["time.spread"]] * spread)
    return {
        "K": len(th),
        "voters": voters,
        "p_request": (1 / (1 + np.exp(-(th[:, REQ] @ m.request_features)))).tolist(),
        "p_statement": (1 / (1 + np.exp(-th[:, COL["stmt.intercept"]]))).tolist(),
        "mean": means.tolist(),
        "stance_sd": th[:, COL["stance_sd"]].tolist(),
        "cutpoints": np.cumsum(th[:, CUT], axis=1).tolist(),
        "log_days": log_days.tolist(),
        "time_sigma": th[:, COL["time.sigma"]].tolist(),
        "refuse_intercept": th[:, COL["refuse.intercept"]].tolist(),
        "refuse_gap": th[:, COL["refuse.gap"]].tolist(),
        "asked": m.asked if m.asked >= 0 else m.ceiling,
        "contingent": [int(c) for c in m.contingent],
        "deploy_fraction": m.deploy_fraction,
        "share_beta": m.share_beta,
        "transit": [d / (m.air_speed_kmh * 24.0) for d in m.distance_km.tolist()],
        "share": m.budget_share.tolist(),
    }


def simulate(model: CrisisModel, runs: int, seed: int) -> Outcomes:
    """Run ``runs`` replications, one SimPy environment each, from ``seed``."""
    rnd = random.Random(seed)
    t = tables(model)
    rows = []
    for _ in range(runs):
        env = simpy.Environment()
        crisis = Crisis(env, model, rnd, t)
        env.process(crisis.council())
        env.run()
        rows.append(row(crisis))
    return to_outcomes(model, rows)


def row(r) -> tuple:
    """What one replication leaves behind (so the engine's objects can be freed)."""
    return (r.outcome, r.requested, r.undecided, r.refused, r.decision, r.first_troops, r.withdrawn,
            r.personnel, r.cost, r.blocker, r.outvoted)


def to_outcomes(model: CrisisModel, rows: list[tuple]) -> Outcomes:
    """Collect the rows of :func:`row` into :class:`csto.sim.Outcomes`."""
    n, cols = len(rows), list(zip(*rows)) or [()] * 11
    personnel = np.array(cols[7], np.int64).reshape(n, model.n)
    outvoted = np.zeros((n, model.n), bool)
    for r, states in enumerate(cols[10]):
        outvoted[r, states] = True
    return Outcomes(
        states=model.states,
        outcome=np.array(cols[0], np.int8),
        requested=np.array(cols[1], bool),
        undecided=np.array(cols[2], bool),
        refused=np.array(cols[3], bool),
        days_to_decision=np.array(cols[4], np.float64),
        days_to_troops=np.array(cols[5], np.float64),
        days_to_withdrawal=np.array(cols[6], np.float64),
        peak_personnel=personnel.sum(axis=1),
        personnel=personnel,
        cost=np.array(cols[8], np.float64).reshape(n, model.n),
        blocker=np.array(cols[9], np.int8),
        outvoted=outvoted,
    )

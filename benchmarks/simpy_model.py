"""The crisis model of :mod:`csto.sim.model`, written as a SimPy discrete-event simulation.

One replication is one :class:`simpy.Environment`: the Council is a process that waits
for the request, the consultations and the session; each member state is a process
that forms its stance while the Council sits and casts its vote when the session
opens; each contributor sizes its contingent (a drawn share of its part of the
formation) and is a process that waits for mobilisation and flies it in. The story
and its distributions are the ones in the docstring of :mod:`csto.sim.model`, step by step; only the random streams differ (one scalar
draw at a time from :class:`random.Random`), so this engine agrees with
:func:`csto.sim.montecarlo.simulate` in distribution, not number for number.

Usage: ``simulate(model, runs, seed) -> csto.sim.Outcomes``.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left

import numpy as np
import simpy

from csto.sim.model import OUTCOMES, TROOPS, CrisisModel
from csto.sim.montecarlo import Outcomes

NOTHING, STATEMENT, MISSION, ASSISTANCE = (OUTCOMES.index(k) for k in ("nothing", "statement", "mission", "assistance"))
NAN = math.nan


class Crisis:
    """One replication: the request, the Council, the member states and the contingents."""

    def __init__(self, env: simpy.Environment, model: CrisisModel, rnd: random.Random, tables: dict):
        self.env, self.m, self.rnd, self.t = env, model, rnd, tables
        self.outcome = NOTHING
        self.requested = False
        self.decision = self.first_troops = self.withdrawn = NAN
        self.personnel = [0] * model.n
        self.cost = [0.0] * model.n
        self.blocker = -1

    def lognormal(self, median: float, sigma: float) -> float:
        return self.rnd.lognormvariate(math.log(median), sigma)

    # -- processes -----------------------------------------------------------------

    def council(self):
        """The Collective Security Council, from the event to the withdrawal of forces."""
        m, env, rnd = self.m, self.env, self.rnd
        # 1. request
        if not rnd.random() < m.p_request:
            self.outcome = STATEMENT if rnd.random() < m.p_statement_unrequested else NOTHING
            return
        self.requested = True  # day 0: the request
        # 2-3. consultations; the member states form their stances meanwhile
        session = env.event()
        ballots = [env.process(self.member_state(i, session)) for i in self.t["voters"]]
        yield env.timeout(self.lognormal(m.consult_median, m.consult_sigma))
        yield env.timeout(self.lognormal(m.session_median, m.session_sigma))
        self.decision = env.now
        session.succeed()
        votes = yield env.all_of(ballots)
        # 4-5. the decision
        blockers = [v for v in votes.values() if v[0] == "block"]
        level = min([m.ceiling] + [a for _, _, a, _ in blockers])
        level = max(level, m.floor)
        if not self.t["voters"]:  # nobody can consent: an empty set of voters is not consensus
            level = NOTHING
        if level < m.ceiling and blockers:
            self.blocker = min(blockers, key=lambda v: v[1])[3]
        # 6. force generation
        if level == TROOPS:
            contributors = [i for kind, _, a, i in votes.values() if a == TROOPS and self.m.contingent[i] > 0]
            if contributors:
                self.outcome = TROOPS
                yield from self.deploy(contributors)
                return
            level = ASSISTANCE
        self.outcome = level
        share = self.t["share"]
        if level == MISSION:
            self.cost = [m.cost_mission * s for s in share]
        elif level == ASSISTANCE:
            self.cost = [m.cost_assistance * s for s in share]

    def member_state(self, i: int, session: simpy.Event):
        """A member state: forms its stance, then votes when the session opens."""
        m, rnd = self.m, self.rnd
        z = self.t["mean"][i] + m.stance_sd * rnd.gauss(0.0, 1.0)
        accept = bisect_left(self.t["cutpoints"], z)  # number of cutpoints strictly below z
        yield session
        if accept >= m.ceiling:
            return ("accept", z, accept, i)
        if rnd.random() < self.t["aside"][i]:
            return ("aside", z, accept, i)
        return ("block", z, accept, i)

    def deploy(self, contributors: list[int]):
        """Steps 6-9: size the contingents, mobilise, fly in, operate, withdraw; then the bill."""
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


def persons_sent(rnd, t: dict, i: int) -> int:
    """Step 6: the personnel contributor ``i`` sends, a drawn share of its contingent (whole, at least one).

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
    """Per-state numbers as plain Python lists (what a per-replication engine would precompute)."""
    m = model
    return {
        "voters": [i for i in range(m.n) if m.voting[i] and i != m.target],
        "mean": m.stance_mean.tolist(),
        "cutpoints": m.cutpoints.tolist(),
        "aside": m.p_stand_aside.tolist(),
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
    return (r.outcome, r.requested, r.decision, r.first_troops, r.withdrawn, r.personnel, r.cost, r.blocker)


def to_outcomes(model: CrisisModel, rows: list[tuple]) -> Outcomes:
    """Collect the rows of :func:`row` into :class:`csto.sim.Outcomes`."""
    n, cols = len(rows), list(zip(*rows)) or [()] * 8
    personnel = np.array(cols[5], np.int64).reshape(n, model.n)
    return Outcomes(
        states=model.states,
        outcome=np.array(cols[0], np.int8),
        requested=np.array(cols[1], bool),
        days_to_decision=np.array(cols[2], np.float64),
        days_to_troops=np.array(cols[3], np.float64),
        days_to_withdrawal=np.array(cols[4], np.float64),
        peak_personnel=personnel.sum(axis=1),
        personnel=personnel,
        cost=np.array(cols[6], np.float64).reshape(n, model.n),
        blocker=np.array(cols[7], np.int8),
    )

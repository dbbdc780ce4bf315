"""The crisis model of :mod:`csto.sim.model`, written as a Mesa 3 agent-based model.

One replication is one :class:`mesa.Model` (as ``mesa.batch_run`` does it): the member
states are :class:`mesa.Agent` objects, and each ``step()`` is one phase of the
crisis: the request (the model draws its parameter set first), the deliberation (every
voting state forms its stance; the Council's time to decision runs, or the horizon runs
out), the session (the voters take part or stand aside, the Council decides), the target's
answer, force generation and transport (the contributors size their contingents and fly
in), the operation and withdrawal. Time is carried in days as a model attribute, since the
story's durations are continuous. Randomness comes in explicitly (``rng=``, a
:class:`numpy.random.Generator`, as Mesa 3 asks); the scalar draws use the model's seeded
:class:`random.Random` (``self.random``), which Mesa derives from it. The story is the one
in the docstring of :mod:`csto.sim.model`; this engine agrees with
:func:`csto.sim.montecarlo.simulate` in distribution, not number for number.

Usage: ``simulate(model, runs, seed) -> csto.sim.Outcomes``.
"""

from __future__ import annotations

import math
from bisect import bisect_left

import mesa
import numpy as np

from csto.sim.model import OUTCOMES, TROOPS, CrisisModel

try:  # run as a script from benchmarks/ or imported as benchmarks.mesa_model
    from .simpy_model import apportion, common_cost, decide, flights, persons_sent, row, sigmoid, tables, to_outcomes
except ImportError:  # pragma: no cover
    from simpy_model import apportion, common_cost, decide, flights, persons_sent, row, sigmoid, tables, to_outcomes

NOTHING, STATEMENT, MISSION, ASSISTANCE = (OUTCOMES.index(k) for k in ("nothing", "statement", "mission", "assistance"))
NAN = math.nan


class MemberState(mesa.Agent):
    """A CSTO member state: its stance, its part in the session, its contingent."""

    def __init__(self, model: "CrisisSimulation", index: int):
        super().__init__(model)
        self.index = index
        self.z = NAN
        self.accept = 0
        self.takes_part = True
        self.sent = 0
        self.arrival = NAN

    def form_stance(self) -> None:
        t, m, k = self.model.t, self.model.crisis, self.model.k
        self.z = t["mean"][k][self.index] + t["stance_sd"][k] * self.random.gauss(0.0, 1.0)
        self.accept = min(bisect_left(t["cutpoints"][k], self.z), m.ceiling)

    def attend(self) -> None:
        m = self.model.crisis
        self.takes_part = not (m.stand_aside and self.accept < m.ceiling and self.random.random() < m.p_stand_aside)

    def ballot(self) -> tuple:
        return (self.index, self.z, self.accept, self.takes_part)

    def generate_force(self) -> None:
        self.sent = persons_sent(self.random, self.model.t, self.index)

    def fly_in(self) -> None:
        self.arrival = self.model.mobilised + self.model.t["transit"][self.index]


class CrisisSimulation(mesa.Model):
    """One crisis, phase by phase: ``step()`` advances it one phase until ``running`` is False."""

    PHASES = ("request", "deliberation", "session", "answer", "deployment", "operation")

    def __init__(self, crisis: CrisisModel, t: dict, rng: np.random.Generator):
        super().__init__(rng=rng)
        self.crisis, self.t = crisis, t
        self.phase = 0
        self.k = 0
        self.day = 0.0
        self.level = self.outcome = NOTHING
        self.requested = self.undecided = self.refused = False
        self.decision = self.first_troops = self.withdrawn = self.mobilised = NAN
        self.personnel = [0] * crisis.n
        self.cost = [0.0] * crisis.n
        self.blocker = -1
        self.outvoted: list[int] = []
        self.contributors: list[MemberState] = []
        self.members = [MemberState(self, i) for i in range(crisis.n)]
        self.voters = self.agents.select(lambda a: a.index in t["voter_set"])

    def lognormal(self, median: float, sigma: float) -> float:
        return self.random.lognormvariate(math.log(median), sigma)

    def step(self) -> None:
        getattr(self, self.PHASES[self.phase])()
        self.phase += 1

    def stop(self, outcome: int) -> None:
        self.outcome = outcome
        self.cost = common_cost(self.crisis, self.t, outcome) if outcome != TROOPS else self.cost
        self.running = False

    def request(self) -> None:
        m, t = self.crisis, self.t
        self.k = self.random.randrange(t["K"])  # this replication's parameter set
        if not (m.requested or self.random.random() < t["p_request"][self.k]):
            self.stop(STATEMENT if self.random.random() < t["p_statement"][self.k] else NOTHING)
            return
        self.requested = True  # day 0: the request

    def deliberation(self) -> None:
        m, t = self.crisis, self.t
        self.voters.do("form_stance")
        days = math.exp(min(t["log_days"][self.k] + t["time_sigma"][self.k] * self.random.gauss(0.0, 1.0), 50.0))
        if days > m.horizon_days:  # no decision within the horizon
            self.day, self.undecided = m.horizon_days, True
            self.stop(m.floor)
            return
        self.day = self.decision = days

    def session(self) -> None:
        self.voters.do("attend")
        level, self.blocker, self.outvoted = decide(self.crisis, self.t, [a.ballot() for a in self.voters])
        if level == TROOPS:
            self.contributors = [a for a in self.voters
                                 if a.takes_part and a.accept == TROOPS and self.t["contingent"][a.index] > 0]
            if not self.contributors:
                level = ASSISTANCE
        self.level = level

    def answer(self) -> None:
        m, t, level = self.crisis, self.t, self.level
        if MISSION < level < t["asked"] and level > m.floor:
            p = sigmoid(t["refuse_intercept"][self.k] + t["refuse_gap"][self.k] * (t["asked"] - level))
            if self.random.random() < p:
                self.refused, self.blocker = True, -1
                level = max(m.floor, MISSION)
        if level != TROOPS:
            self.stop(level)

    def deployment(self) -> None:
        m = self.crisis
        for a in self.contributors:
            a.generate_force()
        self.mobilised = self.day + self.lognormal(m.mobilise_median, m.mobilise_sigma)
        for a in self.contributors:
            a.fly_in()
        self.day = self.first_troops = min(a.arrival for a in self.contributors)

    def operation(self) -> None:
        m, t = self.crisis, self.t
        buildup = sum(flights(m, a.sent) for a in self.contributors) / m.flights_per_day
        operation = self.lognormal(m.operation_median, m.operation_sigma)
        self.day = self.withdrawn = self.day + operation + buildup
        sent = {a.index: a.sent for a in self.contributors}
        for i, x in sent.items():
            self.personnel[i] = x
        self.cost = apportion(m, t, sent, operation + buildup)
        self.stop(TROOPS)


def simulate(model: CrisisModel, runs: int, seed: int):
    """Run ``runs`` replications, one Mesa model each, from ``seed``; returns ``csto.sim.Outcomes``."""
    rng = np.random.default_rng(seed)
    t = tables(model)
    t["voter_set"] = frozenset(t["voters"])
    rows = []
    for _ in range(runs):
        sim = CrisisSimulation(model, t, rng)
        sim.run_model()
        # Mesa keeps a per-model id counter in a class-level dict; drop it so 10^5 models do not pile up
        mesa.Agent._ids.pop(sim, None)
        rows.append(row(sim))
    return to_outcomes(model, rows)

"""The compiled crisis model: plain numbers and arrays, no engine, no record, no YAML.

:func:`csto.sim.compile` turns a scenario (an event, the record as of its date, the
decision-model parameters in ``data/sim/``) into one :class:`CrisisModel`. Every
engine runs the same model: the vectorised numpy Monte Carlo in
:mod:`csto.sim.montecarlo`, and the SimPy, Mesa and Ray versions in ``benchmarks/``
and ``csto.sim.backends``. They must sample exactly the story below; a change to
the story is a change to this docstring first.

Index conventions
-----------------
``states`` lists the CSTO member states on the event's date, in record order;
every per-state array has that length ``n`` and that order. ``target`` is the
index of the state that asks for help, or ``-1`` when the target is not a member.
Outcome classes are integers ``0..5`` in the order of :data:`OUTCOMES`:
nothing, statement, consultations, mission, assistance, troops (``TROOPS = 5``).

How ONE replication is sampled
------------------------------
All times are in days from the request for help (day 0; for a scenario without
one, from the moment the simulated request is made). ``LogNormal(m, s)`` means
``exp(N(ln m, s))``: median ``m``, log-scale spread ``s``. ``U`` is Uniform(0, 1).

1. **Request.** ``R = U_request < p_request``. If no request (``R`` false): the
   outcome is ``statement`` if ``U_statement < p_statement_unrequested``, else
   ``nothing``. Every time is NaN, personnel and costs are 0, blocker is -1.
   Stop.
2. **Consultations and Council session.** ``C ~ LogNormal(consult_median, consult_sigma)``
   (the organ that first takes the request up), ``S ~ LogNormal(session_median,
   session_sigma)`` (until the Collective Security Council, or the organ acting
   for it, decides). Days to decision ``D = C + S``.
3. **Stances.** For every state ``i`` (the target included, but it is then
   ignored): ``z_i = stance_mean[i] + stance_sd * eps_i`` with ``eps_i ~ N(0, 1)``
   independent. The highest outcome class ``i`` will accept is
   ``a_i = #{k in 0..4 : z_i > cutpoints[k]}`` (0..5; ordered probit).
4. **Who may block.** Voters are the states with ``voting[i]`` true, other than
   the target (frozen participation and non-members do not vote). A voter with
   ``a_i < ceiling`` stands aside (neither blocks nor contributes) when
   ``U_aside_i < p_stand_aside[i]``; otherwise it blocks.
5. **Decision.** ``L = min(ceiling, min over blockers of a_i)`` (``ceiling`` if
   nobody blocks), then ``L = max(L, floor)``. The blocker is the blocking voter
   with the lowest ``z_i`` if ``L < ceiling``, else -1 (none). With no voter at
   all nobody can consent (an empty set of voters is not consensus): ``L = 0``
   (nothing), whatever the floor and ceiling, and the blocker is -1.
6. **Force generation.** If ``L == troops``, contributors are the voters with
   ``a_i == troops`` and ``contingent[i] > 0`` (``contingent[i]``: state ``i``'s
   national contingent in the formation, whole persons, the most it can send).
   With no contributor the outcome falls to ``assistance``. Each contributor sends
   a share ``s_i`` of its contingent: ``s_i ~ Beta(kappa * mu, kappa * (1 - mu))``
   independent, with mean ``mu = deploy_fraction`` and concentration ``kappa =
   deploy_concentration`` (variance ``mu (1 - mu) / (kappa + 1)``); ``s_i = mu``
   exactly when ``kappa`` is infinite or ``mu == 1``. It sends
   ``x_i = max(1, round(s_i * contingent[i]))`` personnel (whole persons, rounded
   half to even, at least one: a state that decided to send troops sends someone);
   peak personnel ``P = sum(x[contributors])``.
7. **Transport.** ``M ~ LogNormal(mobilise_median, mobilise_sigma)`` (alert to
   first aircraft loaded). Transit of contributor ``i`` is
   ``distance_km[i] / (air_speed_kmh * 24)`` days. First troops on the ground at
   ``F = D + M + min over contributors of transit_i``. Flights needed
   ``f_i = ceil(x_i / pax_per_flight)``; build-up takes
   ``B = sum(f_i) / flights_per_day`` days.
8. **Operation and withdrawal.** ``O ~ LogNormal(operation_median, operation_sigma)``
   days on the ground counted from ``F``; withdrawal takes ``B`` days again;
   withdrawn at ``W = F + O + B``.
9. **Costs.** With troops: contributor ``i`` spends
   ``x_i * (O + B) * cost_person_day + 2 * f_i * cost_flight``. Under
   ``cost_rule == "contributor"`` each contributor pays its own; under
   ``"budget"`` the total is split by ``budget_share``. A ``mission`` costs
   ``cost_mission`` and ``assistance`` costs ``cost_assistance``, both split by
   ``budget_share``. Other outcomes cost nothing.

Draw order (so that engines built on numpy can reproduce the numbers, not only
the distributions): per block of replications, one ``numpy.random.Generator``
draws, in this order and always in full: ``U_request (B,)``, ``U_statement (B,)``,
``C (B,)``, ``S (B,)``, ``eps (B, n)``, ``U_aside (B, n)``, ``M (B,)``, ``O (B,)``,
then the shares ``s (B, n)`` (``Generator.beta``, every state of every replication,
contributor or not). The shares come last, so adding them left every earlier draw,
and so the outcome classes, days to decision and to first troops and the blockers,
as they were for the same seed; and they may be left undrawn where they would go
unused (a fixed share: ``kappa`` infinite or ``mu == 1``; a block in which no
replication sends troops) without changing any number — see
:mod:`csto.sim.montecarlo`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

#: Outcome classes, weakest first; the index is the class's integer code.
OUTCOMES: tuple[str, ...] = ("nothing", "statement", "consultations", "mission", "assistance", "troops")
TROOPS = OUTCOMES.index("troops")
COST_RULES = ("contributor", "budget")


class ModelError(ValueError):
    """A compiled model that cannot be simulated (names the field and value)."""


def _array(value, dtype) -> np.ndarray:
    arr = np.array(value, dtype=dtype)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class CrisisModel:
    """One crisis, compiled: everything a Monte Carlo engine needs, as plain numbers and arrays.

    See the module docstring for how one replication is sampled from these fields.
    """

    scenario: str
    date: str
    states: tuple[str, ...]
    target: int
    # 1. request
    p_request: float
    p_statement_unrequested: float
    # 2. consultations and session
    consult_median: float
    consult_sigma: float
    session_median: float
    session_sigma: float
    # 3-5. stances and the decision rule
    stance_mean: np.ndarray
    stance_sd: float
    cutpoints: np.ndarray
    voting: np.ndarray
    p_stand_aside: np.ndarray
    floor: int
    ceiling: int
    # 6-8. forces, transport, operation
    formation: str | None
    contingent: np.ndarray
    distance_km: np.ndarray
    air_speed_kmh: float
    pax_per_flight: float
    flights_per_day: float
    mobilise_median: float
    mobilise_sigma: float
    operation_median: float
    operation_sigma: float
    # 9. costs
    cost_rule: str
    budget_share: np.ndarray
    cost_person_day: float
    cost_flight: float
    cost_mission: float
    cost_assistance: float
    # 6. the share of its contingent each contributor sends (the default: all of it, no spread)
    deploy_fraction: float = 1.0
    deploy_concentration: float = math.inf
    # provenance: what the compiler did and why (not used by the engines)
    factors: dict = field(default_factory=dict, compare=False)
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self):
        n = len(self.states)
        floats = {"stance_mean": self.stance_mean, "p_stand_aside": self.p_stand_aside,
                  "contingent": self.contingent, "distance_km": self.distance_km, "budget_share": self.budget_share}
        for name, value in floats.items():
            object.__setattr__(self, name, _array(value, np.float64))
        object.__setattr__(self, "cutpoints", _array(self.cutpoints, np.float64))
        object.__setattr__(self, "voting", _array(self.voting, bool))
        for name in ("stance_mean", "p_stand_aside", "contingent", "distance_km", "budget_share", "voting"):
            if getattr(self, name).shape != (n,):
                raise ModelError(f"{name}: expected one value per state ({n}), got shape {getattr(self, name).shape}")
        if self.cutpoints.shape != (len(OUTCOMES) - 1,) or np.any(np.diff(self.cutpoints) <= 0):
            raise ModelError(f"cutpoints: expected {len(OUTCOMES) - 1} increasing numbers, got {self.cutpoints.tolist()}")
        if not -1 <= self.target < n:
            raise ModelError(f"target: expected -1 or a state index below {n}, got {self.target}")
        for name in ("p_request", "p_statement_unrequested"):
            if not 0 <= getattr(self, name) <= 1:
                raise ModelError(f"{name}: expected a probability in [0, 1], got {getattr(self, name)}")
        if np.any((self.p_stand_aside < 0) | (self.p_stand_aside > 1)):
            raise ModelError(f"p_stand_aside: expected probabilities in [0, 1], got {self.p_stand_aside.tolist()}")
        for name in ("consult_median", "session_median", "mobilise_median", "operation_median",
                     "air_speed_kmh", "pax_per_flight", "flights_per_day"):
            if not getattr(self, name) > 0:
                raise ModelError(f"{name}: expected a positive number, got {getattr(self, name)}")
        for name in ("consult_sigma", "session_sigma", "mobilise_sigma", "operation_sigma", "stance_sd",
                     "cost_person_day", "cost_flight", "cost_mission", "cost_assistance"):
            if not getattr(self, name) >= 0:
                raise ModelError(f"{name}: expected a number >= 0, got {getattr(self, name)}")
        if np.any(self.contingent < 0) or np.any(self.distance_km < 0):
            raise ModelError("contingent and distance_km must be >= 0")
        if np.any(self.contingent != np.round(self.contingent)):
            raise ModelError(f"contingent: expected whole numbers of personnel, got {self.contingent.tolist()}")
        if not 0 < self.deploy_fraction <= 1:
            raise ModelError(f"deploy_fraction: expected a share in (0, 1], got {self.deploy_fraction}")
        if not self.deploy_concentration > 0:
            raise ModelError(f"deploy_concentration: expected a number > 0 (inf: no spread), "
                             f"got {self.deploy_concentration}")
        if not 0 <= self.floor <= self.ceiling <= TROOPS:
            raise ModelError(f"floor/ceiling: expected 0 <= floor <= ceiling <= {TROOPS}, "
                             f"got {self.floor}/{self.ceiling}")
        if self.cost_rule not in COST_RULES:
            raise ModelError(f"cost_rule: expected one of {', '.join(COST_RULES)}, got {self.cost_rule!r}")

    @property
    def n(self) -> int:
        return len(self.states)

    @property
    def share_beta(self) -> tuple[float, float] | None:
        """``(a, b)`` of the Beta law of the share each contributor sends; None when it is fixed (step 6)."""
        mu, kappa = self.deploy_fraction, self.deploy_concentration
        if math.isinf(kappa) or mu >= 1:
            return None
        return kappa * mu, kappa * (1.0 - mu)

    def as_dict(self) -> dict:
        """JSON-ready: arrays as lists, outcome codes as names where they are classes."""
        out = {}
        for key, value in asdict(self).items():
            out[key] = value.tolist() if isinstance(value, np.ndarray) else value
        out["states"] = list(self.states)
        out["floor"], out["ceiling"] = OUTCOMES[self.floor], OUTCOMES[self.ceiling]
        out["target"] = self.states[self.target] if self.target >= 0 else None
        out["notes"] = list(self.notes)
        if math.isinf(self.deploy_concentration):
            out["deploy_concentration"] = None  # JSON has no infinity: None means a fixed share
        return out

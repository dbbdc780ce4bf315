"""The compiled crisis model: plain numbers and arrays, no engine, no record, no YAML.

:func:`csto.sim.compile` turns a scenario (an event, the record as of its date, the decision-model
parameters in ``data/sim/``) into one :class:`CrisisModel`. Every engine runs the same model: the
vectorised numpy Monte Carlo in :mod:`csto.sim.montecarlo`, and the SimPy, Mesa and Ray versions in
``benchmarks/`` and ``csto.sim.backends``. They must sample exactly the story below; a change to the
story is a change to this docstring first.

Index conventions
-----------------
``states`` lists the member states that take part on the event's date (full participation; a member that
froze or suspended its participation is left out altogether, listed in ``absent``), and the target if it
is a member whatever its participation; every per-state array has that length ``n`` and that order.
``target`` is the index of the state that asks for help, or ``-1`` when it is not a member. Outcome classes
are integers ``0..5`` in the order of :data:`OUTCOMES`: nothing, statement, consultations, mission,
assistance, troops. ``factors`` is ``(n, F)``: each state's decision factors (:data:`FACTORS`).
``particles`` is ``(K, P)``: K parameter sets, the columns named by :data:`THETA` (drawn from the priors or
the calibrated posterior by the compiler). ``sigmoid(x) = 1 / (1 + exp(-x))``.

How ONE replication is sampled
------------------------------
All times are in days from the request for help. ``U`` is Uniform(0, 1), ``N`` standard normal.

0. **Parameters.** ``k ~ UniformInteger(0, K)``; ``th = particles[k]`` (one parameter set per
   replication: the output is a distribution over what is not known, not only over noise).
1. **Request.** If ``requested`` (the scenario says the CSTO was asked), ``R`` is true. Otherwise
   ``R = U_request < sigmoid(th[req.*] . request_features)`` (features: 1, asked one member bilaterally,
   outside recognised territory, perpetrator a member, unrest with no alleged outside involvement). Without
   a request the outcome is ``statement`` if ``U_statement < sigmoid(th[stmt.intercept])``, else
   ``nothing``; times NaN, personnel and costs 0, no blocker. Stop.
2. **Stances.** ``mean_i = th[w.intercept] + factors[i] . th[w.*]``;
   ``z_i = mean_i + th[stance_sd] * eps_i``, ``eps_i ~ N`` independent. Cutpoints ``c = th[cut.0] +
   cumsum(0, th[cut.gap1..4])``; the strongest class ``i`` accepts is ``a_i = #{k : z_i > c_k}``, capped at
   ``ceiling``.
3. **Time to decision.** ``D = exp(th[time.log_median] + th[time.urgent] * urgent + th[time.contested] *
   contested + th[time.spread] * s + th[time.sigma] * N_time)``, ``s`` the standard deviation of the voters'
   ``mean_i`` (0 with fewer than two voters). ``D > horizon_days``: no decision within the horizon; the
   outcome is ``floor``, no blocker; stop after costs (none).
4. **Decision rule.** Voters: ``voting[i]`` and not the target. Under ``stand_aside`` a voter with
   ``a_i < ceiling`` stands aside (takes no part) when ``U_aside_i < p_stand_aside``. With ``m`` voters
   taking part the decision ``L`` is the ``ceil(threshold * m)``-th largest ``a_i`` among them (threshold 1:
   the smallest, i.e. consensus); ``L = floor`` when none takes part; ``L = max(L, floor)``. With no voter
   at all nobody can consent: ``L = 0``. Under a rule with ``threshold == 1`` the blocker is the taking-part
   voter with the lowest ``z_i`` among those with ``a_i < ceiling``, if ``L < ceiling``; under a lower
   threshold nobody blocks alone, and voters taking part with ``a_i < L`` are *outvoted*.
5. **Force generation.** If ``L == troops``: contributors are the voters taking part with ``a_i == troops``
   and ``contingent[i] > 0``; none: ``L = assistance``. Each sends ``x_i = max(1, round(s_i *
   contingent[i]))``, ``s_i ~ Beta(kappa mu, kappa (1 - mu))`` (``mu = deploy_fraction``, ``kappa =
   deploy_concentration``; ``s_i = mu`` when ``kappa`` is infinite or ``mu == 1``).
6. **The target's answer.** Asked class ``A`` (``asked``; ``ceiling`` when unknown). If ``mission < L <
   A`` and ``L > floor``: the target refuses with ``U_refuse < sigmoid(th[refuse.intercept] +
   th[refuse.gap] * (A - L))``; then ``L = max(floor, mission)`` and no member is the blocker.
7. **Transport.** ``M ~ LogNormal(mobilise_median, mobilise_sigma)``; first troops at ``F = D + M + min
   transit_i`` (``transit_i = distance_km[i] / (air_speed_kmh * 24)``); flights ``f_i = ceil(x_i /
   pax_per_flight)``, build-up ``B = sum f_i / flights_per_day``.
8. **Operation and withdrawal.** ``O ~ LogNormal(operation_median, operation_sigma)``; ``W = F + O + B``.
9. **Costs.** With troops contributor ``i`` spends ``x_i (O + B) cost_person_day + 2 f_i cost_flight``,
   paid by itself (``contributor``) or split by ``budget_share`` (``budget``). A mission costs
   ``cost_mission``, assistance ``cost_assistance``, split by ``budget_share`` (0 for the target: it never
   pays for help sent to itself).

Draw order (per block of replications, one ``numpy.random.Generator``): ``k (B,)``
(``Generator.integers``), ``U_request (B,)``, ``U_statement (B,)``; then, for the ``c`` replications of
the block that ask for help, in replication order, ``N_time (c,)``, ``eps (c, n)``, ``U_aside (c, n)``
(only under a rule with ``stand_aside``), ``U_refuse (c,)``; then, for the ``g`` replications of the block
that send troops, ``M (g,)``, ``O (g,)`` and, unless the share is fixed, ``U_share (g, n)``, each share
being ``s_i = F^-1(U_share_i)`` with ``F^-1`` the Beta quantile function tabulated on 16,385 points and
interpolated linearly. A replication's numbers depend only on the seed, its block and the replications
before it in its block: not on how a run is chunked or how long it is.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import CstoError

#: Outcome classes, weakest first; the index is the class's integer code.
OUTCOMES: tuple[str, ...] = ("nothing", "statement", "consultations", "mission", "assistance", "troops")
TROOPS = OUTCOMES.index("troops")
MISSION = OUTCOMES.index("mission")
COST_RULES = ("contributor", "budget")
#: The decision factors, in the column order of ``CrisisModel.factors`` (docs/simulation.md).
FACTORS = ("treaty_basis", "ties_target", "ties_perpetrator", "perpetrator_member", "is_perpetrator",
           "regime_security", "competing_commitment", "domestic_constraint")
#: The request stage's features, in the order of ``CrisisModel.request_features``.
REQUEST_FEATURES = ("intercept", "bilateral", "outside_territory", "perpetrator_member", "internal")
#: The parameter vector drawn once per replication (columns of ``CrisisModel.particles``).
THETA: tuple[str, ...] = (
    "w.intercept", *(f"w.{f}" for f in FACTORS),
    "cut.0", "cut.gap1", "cut.gap2", "cut.gap3", "cut.gap4", "stance_sd",
    *(f"req.{f}" for f in REQUEST_FEATURES), "stmt.intercept",
    "time.log_median", "time.urgent", "time.contested", "time.spread", "time.sigma",
    "refuse.intercept", "refuse.gap")
COL = {name: i for i, name in enumerate(THETA)}
W = slice(COL["w.intercept"], COL["w.intercept"] + 1 + len(FACTORS))
CUT = slice(COL["cut.0"], COL["cut.gap4"] + 1)
REQ = slice(COL["req.intercept"], COL["req.internal"] + 1)
#: Columns that must be positive (scale parameters and the gaps between cutpoints).
POSITIVE = ("cut.gap1", "cut.gap2", "cut.gap3", "cut.gap4", "stance_sd", "time.sigma")


class ModelError(CstoError):
    """A compiled model that cannot be simulated (names the field and value)."""


def _array(value, dtype) -> np.ndarray:
    arr = np.array(value, dtype=dtype)
    arr.setflags(write=False)
    return arr


def theta_row(**named: float) -> np.ndarray:
    """One parameter set by name (``w_treaty_basis=3.0``: dots as underscores); unnamed columns are 0,
    except the scale parameters (1) and the cutpoint gaps (1). For tests and hand-written models."""
    row = np.zeros(len(THETA))
    for name in POSITIVE:
        row[COL[name]] = 1.0
    for key, value in named.items():
        name = key.replace("_", ".", 1) if key.replace("_", ".", 1) in COL else key
        if name not in COL:
            raise ModelError(f"theta: no parameter {key!r}; expected one of {', '.join(THETA)}")
        row[COL[name]] = value
    return row


def cutpoints_of(particles: np.ndarray) -> np.ndarray:
    """``(K, 5)`` cutpoints from the first cutpoint and the gaps."""
    c = particles[:, CUT]
    return np.cumsum(np.concatenate([c[:, :1], c[:, 1:]], axis=1), axis=1)


def asked_class(asked: int, ceiling: int) -> int:
    """Step 6: the class ``A`` the target asked for: ``asked``, or the ``ceiling`` when it is unknown (-1)."""
    return asked if asked >= 0 else ceiling


def refusable(level, asked: int, floor: int):
    """Step 6: whether the target may refuse an offer of class ``level`` (an int, or an array of them) when it
    asked for class ``asked`` (:func:`asked_class`): more than a mission, less than asked, above the floor."""
    return (level > MISSION) & (level < asked) & (level > floor)


def after_refusal(floor: int) -> int:
    """Step 6: the outcome once the target refuses an offer: a mission, or the floor when that is higher."""
    return max(floor, MISSION)


@dataclass(frozen=True, eq=False)
class CrisisModel:
    """One crisis, compiled: everything a Monte Carlo engine needs, as plain numbers and arrays.

    See the module docstring for how one replication is sampled from these fields.
    """

    scenario: str
    date: str
    states: tuple[str, ...]
    target: int
    # 0. parameters, one row drawn per replication
    particles: np.ndarray
    # 1. request
    requested: bool
    request_features: np.ndarray
    # 2. stances
    factors: np.ndarray
    voting: np.ndarray
    # 3. time to decision
    urgent: float
    contested: float
    horizon_days: float
    # 4. the decision rule
    rule: str
    threshold: float
    stand_aside: bool
    p_stand_aside: float
    floor: int
    ceiling: int
    # 5-6. forces; the target's answer
    formation: str | None
    contingent: np.ndarray
    asked: int
    # 7-8. transport, operation
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
    deploy_fraction: float = 1.0
    deploy_concentration: float = math.inf
    # provenance: what the compiler did and why (not used by the engines)
    info: dict = field(default_factory=dict, compare=False)
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self):
        n = len(self.states)
        for name in ("contingent", "distance_km", "budget_share", "request_features"):
            object.__setattr__(self, name, _array(getattr(self, name), np.float64))
        object.__setattr__(self, "voting", _array(self.voting, bool))
        if np.shape(self.factors) != (n, len(FACTORS)) and not (n == 0 and np.size(self.factors) == 0):
            raise ModelError(f"factors: expected one row of {len(FACTORS)} factors per state ({n}, {len(FACTORS)}), "
                             f"got shape {np.shape(self.factors)}")
        object.__setattr__(self, "factors", _array(np.reshape(self.factors, (n, len(FACTORS))), np.float64))
        object.__setattr__(self, "particles", _array(np.atleast_2d(self.particles), np.float64))
        for name in ("voting", "contingent", "distance_km", "budget_share"):
            if getattr(self, name).shape != (n,):
                raise ModelError(f"{name}: expected one value per state ({n}), got shape {getattr(self, name).shape}")
        if self.request_features.shape != (len(REQUEST_FEATURES),):
            raise ModelError(f"request_features: expected {len(REQUEST_FEATURES)} values")
        k = self.particles
        if k.ndim != 2 or k.shape[1] != len(THETA) or len(k) == 0 or not np.isfinite(k).all():
            raise ModelError(f"particles: expected a (K, {len(THETA)}) array of finite numbers, got shape {k.shape}")
        if np.any(k[:, [COL[c] for c in POSITIVE]] <= 0):
            raise ModelError(f"particles: {', '.join(POSITIVE)} must be positive")
        if not -1 <= self.target < n:
            raise ModelError(f"target: expected -1 or a state index below {n}, got {self.target}")
        if not 0 < self.threshold <= 1:
            raise ModelError(f"threshold: expected a share in (0, 1], got {self.threshold}")
        if not 0 <= self.p_stand_aside <= 1:
            raise ModelError(f"p_stand_aside: expected a probability in [0, 1], got {self.p_stand_aside}")
        for name in ("mobilise_median", "operation_median", "air_speed_kmh", "pax_per_flight",
                     "flights_per_day", "horizon_days"):
            if not getattr(self, name) > 0:
                raise ModelError(f"{name}: expected a positive number, got {getattr(self, name)}")
        for name in ("mobilise_sigma", "operation_sigma", "cost_person_day", "cost_flight", "cost_mission",
                     "cost_assistance", "urgent", "contested"):
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
        if not -1 <= self.asked <= TROOPS:
            raise ModelError(f"asked: expected -1 (unknown) or an outcome class, got {self.asked}")
        if self.cost_rule not in COST_RULES:
            raise ModelError(f"cost_rule: expected one of {', '.join(COST_RULES)}, got {self.cost_rule!r}")

    @property
    def n(self) -> int:
        return len(self.states)

    @property
    def share_beta(self) -> tuple[float, float] | None:
        """``(a, b)`` of the Beta law of the share each contributor sends; None when it is fixed (step 5)."""
        mu, kappa = self.deploy_fraction, self.deploy_concentration
        if math.isinf(kappa) or mu >= 1:
            return None
        return kappa * mu, kappa * (1.0 - mu)

    def stance_means(self) -> np.ndarray:
        """``(K, n)``: each state's stance mean under each parameter set."""
        w = self.particles[:, W]
        return w[:, :1] + w[:, 1:] @ self.factors.T

    @functools.cached_property
    def voters(self) -> np.ndarray:
        """Who votes: the states with ``voting`` true other than the target (read-only)."""
        voter = self.voting.copy()
        if self.target >= 0:
            voter[self.target] = False
        voter.setflags(write=False)
        return voter

    @functools.cached_property
    def per_set(self) -> dict[str, np.ndarray]:
        """What depends only on the parameter set, computed once per set (engines gather it by index):
        stance means ``(K, n)``, cutpoints ``(K, 5)``, the location of log days to decision without its
        noise, and the chances of a request and of a statement."""
        th = self.particles
        means = self.stance_means()
        voter = self.voters
        spread = means[:, voter].std(axis=1) if voter.sum() > 1 else np.zeros(len(th))
        mu = (th[:, COL["time.log_median"]] + th[:, COL["time.urgent"]] * self.urgent
              + th[:, COL["time.contested"]] * self.contested + th[:, COL["time.spread"]] * spread)
        out = {"means": means, "cut": cutpoints_of(th), "mu": mu,
               "p_request": 1.0 / (1.0 + np.exp(-(th[:, REQ] @ self.request_features))),
               "p_statement": 1.0 / (1.0 + np.exp(-th[:, COL["stmt.intercept"]]))}
        for v in out.values():
            v.setflags(write=False)
        return out

    def as_dict(self) -> dict:
        """JSON-ready: arrays as lists, outcome codes as names where they are classes (particles summarised)."""
        out = {}
        for key, value in asdict(self).items():
            if key == "particles":
                continue
            out[key] = value.tolist() if isinstance(value, np.ndarray) else value
        out["states"] = list(self.states)
        out["floor"], out["ceiling"] = OUTCOMES[self.floor], OUTCOMES[self.ceiling]
        out["asked"] = OUTCOMES[self.asked] if self.asked >= 0 else None
        out["target"] = self.states[self.target] if self.target >= 0 else None
        out["notes"] = list(self.notes)
        out["parameter_sets"] = len(self.particles)
        if math.isinf(self.deploy_concentration):
            out["deploy_concentration"] = None  # JSON has no infinity: None means a fixed share
        return out

"""Global sensitivity of a crisis's outcome to the model's inputs: Sobol' indices with SALib.

``sensitivity(scenario)`` compiles the scenario ONCE, samples the inputs over their ranges with Saltelli's
scheme (:func:`SALib.sample.sobol.sample`, ``N (2D + 2)`` points for ``N`` base samples and ``D`` inputs),
runs ``runs`` replications at every point and apportions the variance of each output over the points
(:func:`SALib.analyze.sobol.analyze`): first-order ``S1`` (the share due to the input alone) and total
``ST`` (alone and with others), each with a bootstrap confidence interval. docs/sensitivity.md says how to
read them.

A point is the compiled model with the point's values put in (:func:`point_model`,
``dataclasses.replace``): a THETA column that is an input is set in every particle, and the columns that
are not inputs keep being drawn per replication from the particles. Every point runs from the same seed
(common random numbers), so outputs differ between points only because the inputs do.

The fast path (:func:`outcome_classes`, :func:`_evaluate`) draws the random numbers once
(:func:`csto.sim.montecarlo._draw`) and evaluates many points on them at once, computing only what the
outputs need, the outcome class of each replication (steps 1-6 of :mod:`csto.sim.model`; transport, costs
and the deployed shares cannot change the class). tests/analysis/test_sensitivity.py checks it against
:func:`csto.sim.simulate`, class for class.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version as _version
from typing import Any

import numpy as np

from .. import __version__
from ..errors import UsageError
from ..sim import compile as compile_model
from ..sim import montecarlo, params_for
from ..sim.model import COL, CUT, FACTORS, MISSION, OUTCOMES, POSITIVE, THETA, TROOPS, CrisisModel, W
from ..sim.theta import priors

ASSISTANCE, STATEMENT = OUTCOMES.index("assistance"), OUTCOMES.index("statement")
#: What can be analysed: one number per point, from the outcome classes of its replications.
OUTPUTS = {
    "mean_class": "expected outcome class: the mean of the class index (0 nothing .. 5 troops)",
    "p_assistance_or_troops": "probability that the alliance sends assistance or troops",
    "p_troops": "probability that the alliance sends troops",
}
DEFAULT_OUTPUT = ("mean_class", "p_assistance_or_troops")
#: THETA columns that may be inputs: the decision weights, the cutpoints and the stance's spread.
THETA_INPUTS = (*THETA[W], *THETA[CUT], "stance_sd")
TIES = ("ties_target", "ties_perpetrator")
#: Ranges of the process inputs: the analysis's own choice (no source measures them), as a factor of the
#: compiled value (low, high), or absolute for a probability.
PROCESS = {"p_stand_aside": ("absolute", 0.0, 1.0), "horizon_days": ("factor", 1 / 3, 3.0),
           "deploy_fraction": ("factor", 0.5, 2.0), "mobilise_median": ("factor", 0.5, 2.0)}
PRIOR_SDS = 2.0
RESAMPLES, CONF_LEVEL = 100, 0.95
#: Elements (points x replications x voters) evaluated at once: a few megabytes, kept in cache.
BATCH = 1 << 20


class SensitivityError(UsageError):
    """A bad argument to a sensitivity analysis (an unknown input or output, a bad sample size)."""


@dataclass(frozen=True)
class Input:
    """One input: its range ``[low, high]`` (natural scale; sampled uniformly on ``scale``) and where it lives."""

    name: str
    low: float
    high: float
    scale: str  # "linear" or "log"
    range_from: str
    baseline: float | None

    @property
    def bounds(self) -> list[float]:
        return [math.log(self.low), math.log(self.high)] if self.scale == "log" else [self.low, self.high]

    def natural(self, x: np.ndarray) -> np.ndarray:
        return np.exp(x) if self.scale == "log" else x


def _input(m: CrisisModel, params, name: str) -> Input:
    """The input called ``name`` with its documented range, or a SensitivityError naming it."""
    if name in THETA_INPUTS:
        centre, sd = priors(params)
        c, s = centre[COL[name]], sd[COL[name]]
        if s <= 0:
            raise SensitivityError(f"input {name!r}: its prior has no spread (fixed by a what-if): nothing to vary")
        log = name in POSITIVE
        lo, hi = c - PRIOR_SDS * s, c + PRIOR_SDS * s
        return Input(name, math.exp(lo) if log else lo, math.exp(hi) if log else hi, "log" if log else "linear",
                     f"prior centre ± {PRIOR_SDS:g} sd{' (log scale)' if log else ''}",
                     float(math.exp(c) if log else c))
    factor, _, state = name.partition(".")
    if factor in TIES and state in m.states:
        base = float(m.factors[m.states.index(state), FACTORS.index(factor)])
        return Input(name, -1.0, 1.0, "linear", "relations scale -1..1", base)
    if name in PROCESS:
        how, lo, hi = PROCESS[name]
        v = float(getattr(m, name))
        lo, hi = (lo, hi) if how == "absolute" else (v * lo, v * hi)
        if name == "deploy_fraction":
            hi = min(hi, 1.0)
        return Input(name, lo, hi, "linear", "0..1" if how == "absolute" else f"{PROCESS[name][1]:.3g}..{hi / v:.3g} x compiled value", v)
    known = [*THETA_INPUTS, *(f"{f}.{s}" for f in TIES for s in m.states), *PROCESS]
    raise SensitivityError(f"input {name!r}: not an input of this analysis; expected one of {', '.join(known)}")


def default_inputs(m: CrisisModel) -> tuple[list[str], list[dict]]:
    """The inputs analysed when none are named, and those left out with why.

    Every voter's ties (with the perpetrator only when there is one), the weights of the factors that some
    voter has (or whose ties are varied), the cutpoints, the stance's spread and the process inputs.
    """
    voters = [s for s, v in zip(m.states, m.voters) if v]
    has_perp = (m.info.get("situation") or {}).get("perpetrator") is not None
    ties = [f"ties_target.{s}" for s in voters] + ([f"ties_perpetrator.{s}" for s in voters] if has_perp else [])
    used = np.abs(m.factors[m.voters]).sum(axis=0) > 0
    names, left = ["w.intercept"], []
    for j, f in enumerate(FACTORS):
        if used[j] or any(t.startswith(f + ".") for t in ties):
            names.append(f"w.{f}")
        else:
            left.append({"input": f"w.{f}", "why": f"the factor {f} is 0 for every voter in this scenario"})
    if not has_perp:
        left.append({"input": "ties_perpetrator.*", "why": "the scenario names no perpetrator state"})
    names += [*THETA[CUT], "stance_sd", *ties, *PROCESS]
    return names, left


def point_model(m: CrisisModel, inputs: list[Input], values) -> CrisisModel:
    """The compiled model at one point (values on the natural scale): ``dataclasses.replace`` of ``m``."""
    particles, factors = m.particles.copy(), m.factors.copy()
    changes: dict[str, Any] = {}
    for inp, v in zip(inputs, values):
        factor, _, state = inp.name.partition(".")
        if inp.name in COL:
            particles[:, COL[inp.name]] = v
        elif factor in TIES:
            factors[m.states.index(state), FACTORS.index(factor)] = v
        else:
            changes[inp.name] = float(v)
    return dataclasses.replace(m, particles=particles, factors=factors, **changes)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class _Draws:
    """The random numbers of ``runs`` replications from ``seed``, drawn once and shared by every point."""

    def __init__(self, m: CrisisModel, runs: int, seed: int):
        d, rngs = montecarlo._draw(m, montecarlo.block_streams(seed, runs))
        k = d["k"]
        requested = np.ones(len(k), bool) if m.requested else d["u_request"] < m.per_set["p_request"][k]
        # the engine draws the decision's numbers only for the replications that ask for help, in order;
        # the others' rows stay zero (they never reach a decision)
        sub = montecarlo._draw_decision(m, rngs, requested)
        rows = np.flatnonzero(requested)
        for name in ("n_time", "eps", "u_aside", "u_refuse"):
            full = np.zeros((len(k), *np.shape(sub["eps"])[1:]) if name in ("eps", "u_aside") else len(k))
            if sub[name] is not None:
                full[rows] = sub[name]
            d[name] = full
        d = {key: v[:runs] for key, v in d.items()}
        th = m.particles[d["k"]]
        self.th, self.voters = th, m.voters
        self.eps = np.ascontiguousarray(d["eps"][:, self.voters])
        self.u_aside = np.ascontiguousarray(d["u_aside"][:, self.voters])
        self.requested = requested[:runs]
        self.unrequested = np.where(d["u_statement"] < _sigmoid(th[:, COL["stmt.intercept"]]), STATEMENT, 0)
        # time to decision, in the engine's order of operations: (a + spread_w * spread) + b
        self.t_a = th[:, COL["time.log_median"]] + th[:, COL["time.urgent"]] * m.urgent + th[:, COL["time.contested"]] * m.contested
        self.t_s, self.t_b = th[:, COL["time.spread"]], th[:, COL["time.sigma"]] * d["n_time"]
        asked = m.asked if m.asked >= 0 else m.ceiling
        x = th[:, COL["refuse.intercept"], None] + th[:, COL["refuse.gap"], None] * (asked - np.arange(len(OUTCOMES)))
        self.refuse = d["u_refuse"][:, None] < _sigmoid(x)  # (runs, classes): would refuse an offer of that class
        self.asked = asked


def _evaluate(m: CrisisModel, inputs: list[Input], X: np.ndarray, dr: _Draws) -> np.ndarray:
    """Outcome classes ``(points, runs)`` of the points ``X`` (natural scale), all on the same draws."""
    P, R = len(X), len(dr.th)
    voters = dr.voters
    nv = int(voters.sum())
    col = {inp.name: X[:, j] for j, inp in enumerate(inputs)}

    def theta(name):  # (P, 1) when the point fixes it, else (1, R) drawn per replication
        return col[name][:, None] if name in col else dr.th[:, COL[name]][None, :]

    # voters first: (nv, P, R), so that a reduction over voters runs over whole contiguous slabs
    F = np.broadcast_to(m.factors[voters][:, None, :], (nv, P, len(FACTORS))).copy()
    vidx = np.flatnonzero(voters).tolist()
    for name, v in col.items():
        factor, _, state = name.partition(".")
        if factor in TIES and voters[m.states.index(state)]:
            F[vidx.index(m.states.index(state)), :, FACTORS.index(factor)] = v
    varies = np.ptp(F, axis=1).max(axis=0) > 0 if P and nv else np.zeros(len(FACTORS), bool)
    fixed = np.zeros((nv, P)) + (col["w.intercept"] if "w.intercept" in col else 0.0)
    drawn = np.zeros((nv, R)) + (0.0 if "w.intercept" in col else dr.th[:, COL["w.intercept"]])
    extra = 0.0
    for j, f in enumerate(FACTORS):
        name = f"w.{f}"
        if name in col:
            fixed = fixed + col[name] * F[:, :, j]
        elif not varies[j]:
            drawn = drawn + F[:, 0, j, None] * dr.th[:, COL[name]]
        else:  # a drawn weight times a factor the points vary
            extra = extra + F[:, :, j, None] * dr.th[:, COL[name]]
    means = fixed[:, :, None] + drawn[:, None, :] + extra
    z = means + theta("stance_sd") * dr.eps.T[:, None, :]
    cut = np.cumsum(np.stack(np.broadcast_arrays(*(theta(c) for c in THETA[CUT]))), axis=0)  # (5, P|1, R|1)

    def accept(zz):  # the strongest class accepted at stance zz, capped at the ceiling
        a = np.zeros(zz.shape, np.int8)
        for c in cut:
            a += zz > c
        return np.minimum(a, m.ceiling)

    if nv == 0:  # nobody can consent: an empty set of voters is not consensus
        level, willing = np.zeros((P, R), np.int8), np.zeros((P, R), bool)
    elif m.stand_aside:  # who takes part depends on each voter's answer: rank as the engine does
        acc = accept(z)
        p_aside = col["p_stand_aside"][:, None] if "p_stand_aside" in col else m.p_stand_aside
        part = ~((acc < m.ceiling) & (dr.u_aside.T[:, None, :] < p_aside))
        taking = part.sum(axis=0)
        ranked = -np.sort(-np.where(part, acc, -1), axis=0)
        need = np.maximum(np.ceil(m.threshold * taking - 1e-9).astype(np.int64), 1)
        level = np.take_along_axis(ranked, (need - 1)[None], axis=0)[0]
        level = np.where(taking > 0, level, m.floor).astype(np.int8)
        willing = (part & (acc == TROOPS) & (m.contingent[voters] > 0)[:, None, None]).any(axis=0)
    else:  # everyone takes part: the decision is the answer of the need-th most willing voter
        need = max(math.ceil(m.threshold * nv - 1e-9), 1)
        zk = np.minimum.reduce(z) if need == nv else np.partition(z, nv - need, axis=0)[nv - need]
        level = accept(zk)
        sends = m.contingent[voters] > 0
        willing = (accept(np.maximum.reduce(z[sends])) == TROOPS) if sends.any() else np.zeros((P, R), bool)
    level = np.maximum(level, m.floor) if nv else level
    if nv > 1:  # the standard deviation of the voters' stance means, as numpy's std takes it
        centred = means - np.add.reduce(means) / nv
        spread = np.sqrt(np.add.reduce(centred * centred) / nv)
    else:
        spread = np.zeros((P, R))
    days = np.exp(np.minimum((dr.t_a + dr.t_s * spread) + dr.t_b, 50.0))
    horizon = col["horizon_days"][:, None] if "horizon_days" in col else m.horizon_days
    undecided = days > horizon
    level[undecided] = m.floor
    level[(level == TROOPS) & ~willing] = ASSISTANCE
    refusable = (level > MISSION) & (level < dr.asked) & (level > m.floor) & ~undecided
    refused = refusable & dr.refuse[np.arange(R)[None, :], level]
    level[refused] = max(m.floor, MISSION)
    return np.where(dr.requested, level, dr.unrequested).astype(np.int8)


def outcome_classes(m: CrisisModel, inputs: list[Input], X, runs: int, seed: int) -> np.ndarray:
    """``(points, runs)`` outcome classes at the points ``X`` (natural scale): what :func:`csto.sim.simulate`
    gives for :func:`point_model` at each point with ``seed``, by the fast path."""
    montecarlo.check_args(runs, seed)
    return _evaluate(m, inputs, np.atleast_2d(np.asarray(X, np.float64)), _Draws(m, runs, seed))


def _summaries(level: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per point: each output and its Monte Carlo standard error over the point's replications."""
    R = level.shape[1]
    mean = level.mean(axis=1)
    out = {"mean_class": (mean, level.std(axis=1, ddof=1) / math.sqrt(R) if R > 1 else np.zeros(len(level)))}
    for name, hit in (("p_assistance_or_troops", level >= ASSISTANCE), ("p_troops", level == TROOPS)):
        p = hit.mean(axis=1)
        out[name] = (p, np.sqrt(p * (1 - p) / R))
    return out


def evaluate(m: CrisisModel, inputs: list[Input], X: np.ndarray, runs: int, seed: int,
             progress: Callable[[int, int], None] | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every output (and its Monte Carlo error) at each point of ``X`` (natural scale), in batches of points."""
    dr = _Draws(m, runs, seed)
    per = max(1, BATCH // (runs * max(int(dr.voters.sum()), 1)))
    parts = []
    for lo in range(0, len(X), per):
        parts.append(_summaries(_evaluate(m, inputs, X[lo:lo + per], dr)))
        if progress:
            progress(min(per, len(X) - lo), len(X))
    return {k: (np.concatenate([p[k][0] for p in parts]), np.concatenate([p[k][1] for p in parts]))
            for k in OUTPUTS}


def check_args(base_samples, outputs) -> tuple[str, ...]:
    """Reject a bad base sample size or output name, naming the value; the outputs as a tuple."""
    if isinstance(base_samples, bool) or not isinstance(base_samples, (int, np.integer)) or base_samples < 2 \
            or base_samples & (base_samples - 1):
        raise SensitivityError(f"base_samples: expected a power of two >= 2 (Sobol' sequences need one), "
                               f"got {base_samples!r}")
    outputs = (outputs,) if isinstance(outputs, str) else tuple(outputs)
    for o in outputs:
        if o not in OUTPUTS:
            raise SensitivityError(f"output {o!r}: expected one of {', '.join(OUTPUTS)}")
    if not outputs:
        raise SensitivityError("output: name at least one of " + ", ".join(OUTPUTS))
    return outputs


def _num(x: float | None, digits: int = 4) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), digits)


def sensitivity(scenario, record=None, params=None, *, base_samples: int = 1024, runs: int = 10_000, seed: int = 0,
                inputs: list[str] | None = None, output: str | tuple[str, ...] = DEFAULT_OUTPUT,
                progress: Callable[[int, int], None] | None = None, model: CrisisModel | None = None) -> dict:
    """Sobol' indices of each output of ``scenario`` to each input (JSON-ready; docs/sensitivity.md).

    ``inputs`` names them (default: :func:`default_inputs`); ``output`` is one or more of :data:`OUTPUTS`.
    ``base_samples`` (N, a power of two) gives ``N (2D + 2)`` points of ``runs`` replications each, all
    from ``seed``. ``model``: an already compiled model of the scenario (then ``record`` is not read).
    ``progress(done, total)`` is called with the points evaluated after each batch.
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    outputs = check_args(base_samples, output)
    montecarlo.check_args(runs, seed)
    if model is None or params is None:
        from ..record import Record

        record = record or Record.open()
        params = params or params_for(record)
        model = model or compile_model(scenario, record, params)
    m = model
    names, left = default_inputs(m) if inputs is None else (list(inputs), [])
    if len(set(names)) != len(names):
        raise SensitivityError(f"inputs: named twice: {', '.join(sorted({n for n in names if names.count(n) > 1}))}")
    if not names:
        raise SensitivityError("inputs: name at least one input")
    ins = [_input(m, params, n) for n in names]
    for corner in ([i.low for i in ins], [i.high for i in ins]):  # a range the model refuses fails here, named
        try:
            point_model(m, ins, corner)
        except ValueError as exc:
            raise SensitivityError(f"inputs: a range gives a model that cannot be simulated: {exc}") from None
    problem = {"num_vars": len(ins), "names": names, "bounds": [i.bounds for i in ins]}
    U = sample.sample(problem, base_samples, calc_second_order=True, scramble=True, seed=seed)
    X = np.column_stack([i.natural(U[:, j]) for j, i in enumerate(ins)])
    values = evaluate(m, ins, X, runs, seed, progress)

    results = {}
    for name in outputs:
        y, mcse = values[name]
        entry: dict[str, Any] = {"description": OUTPUTS[name], "mean": _num(y.mean()), "sd_over_points": _num(y.std()),
                 "mcse_at_one_point": {"mean": _num(mcse.mean()), "max": _num(mcse.max())},
                 "noise_share": _num((mcse ** 2).mean() / y.var()) if y.var() > 0 else None}
        if y.std() == 0:
            entry.update(indices=[], interactions=[],
                         note="the output does not vary over the inputs' ranges: there is no variance to apportion")
        else:
            # SALib reads a seed of 0 as "no seed": the bootstrap's seed is never 0
            S = analyze.analyze(problem, y, calc_second_order=True, num_resamples=RESAMPLES,
                                conf_level=CONF_LEVEL, seed=seed + 1)
            rows = [{"input": n, "S1": _num(S["S1"][j]), "S1_conf": _num(S["S1_conf"][j]),
                     "ST": _num(S["ST"][j]), "ST_conf": _num(S["ST_conf"][j])} for j, n in enumerate(names)]
            entry["indices"] = sorted(rows, key=lambda r: -(r["ST"] or 0.0))
            pairs = [(S["S2"][a, b], S["S2_conf"][a, b], names[a], names[b])
                     for a in range(len(names)) for b in range(a + 1, len(names))]
            entry["interactions"] = [{"inputs": [a, b], "S2": _num(s2), "S2_conf": _num(c)}
                                     for s2, c, a, b in sorted(pairs, key=lambda t: -np.nan_to_num(t[0]))[:5]]
        results[name] = entry
    source = m.info.get("parameters", {}).get("source", "the compiled model")
    return {
        "scenario": m.scenario, "date": m.date, "seed": seed, "version": __version__,
        "method": {
            "sampler": "SALib.sample.sobol.sample (Saltelli's scheme, scrambled Sobol' sequence, second order)",
            "analyzer": "SALib.analyze.sobol.analyze", "salib": _version("SALib"),
            "base_samples": base_samples, "inputs": len(ins), "points": len(X), "runs_per_point": runs,
            "replications": len(X) * runs, "bootstrap_resamples": RESAMPLES, "conf_level": CONF_LEVEL,
            "common_random_numbers": f"every point runs from seed {seed}: outputs differ between points only "
                                     "because the inputs do",
            "drawn_per_replication": f"the parameters that are not inputs ({len(THETA) - sum(i.name in COL for i in ins)} "
                                     f"of {len(THETA)}) are drawn per replication from the model's "
                                     f"{len(m.particles):,} parameter sets ({source}); an input fixes its column "
                                     "in every set",
        },
        "inputs": [{"name": i.name, "low": _num(i.low), "high": _num(i.high), "scale": i.scale,
                    "range_from": i.range_from, "baseline": _num(i.baseline)} for i in ins],
        "left_out": left,
        "outputs": results,
        "notes": list(m.notes),
    }

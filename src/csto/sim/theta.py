"""The parameter vector drawn once per replication: its priors, and the calibrated posterior.

Every decision weight, cutpoint, the request stage, the statement, the time to decision and the target's
refusal are judgements, so none is a single number: ``data/sim/decision.yaml`` and ``process.yaml`` give
each a prior (``value`` its centre, ``sd`` its spread; log scale for the positive ones in
:data:`csto.sim.model.POSITIVE`). ``csto calibrate`` updates the priors on every crisis in the record
(:mod:`csto.analysis.calibrate`) and writes ``data/sim/posterior.json``: equally weighted parameter sets
(particles). The compiler hands the model the posterior's particles when they were calibrated from the
priors in force (same :func:`prior_key`), else draws particles from the priors and says so in a note.
A value fixed by a what-if (an overlay, a sensitivity point) replaces its column in every particle.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np

from .model import COL, FACTORS, POSITIVE, REQUEST_FEATURES, THETA
from .params import Number, Params

#: Particles drawn from the priors when there is no posterior to use (a fixed stream: no run's seed).
PRIOR_PARTICLES = 4096
PRIOR_SEED = 20_260_101


def _numbers(p: Params) -> dict[str, tuple[Number | None, str]]:
    """Each column of THETA -> the Number it comes from, and the dotted path an overlay names it by."""
    d, t = p.decision, p.process.decision_time
    out: dict[str, tuple[Number | None, str]] = {"w.intercept": (d.weights.intercept, "weights.intercept")}
    for f in FACTORS:
        out[f"w.{f}"] = (getattr(d.weights, f), f"weights.{f}")
    for f in REQUEST_FEATURES:
        out[f"req.{f}"] = (getattr(d.request, f), f"request.{f}")
    out["stance_sd"] = (d.stance_sd, "stance_sd")
    out["stmt.intercept"] = (d.statement.intercept, "statement.intercept")
    for f in ("log_median", "urgent", "contested", "spread", "sigma"):
        out[f"time.{f}"] = (getattr(t, f), f"decision_time.{f}")
    out["refuse.intercept"] = (d.refusal.intercept, "refusal.intercept")
    out["refuse.gap"] = (d.refusal.gap, "refusal.gap")
    for i in range(5):
        out["cut.0" if i == 0 else f"cut.gap{i}"] = (None, "cutpoints")
    return out


def priors(p: Params) -> tuple[np.ndarray, np.ndarray]:
    """``(centre, sd)`` per column of THETA, on the scale the prior is drawn on (log for POSITIVE)."""
    centre, sd = np.zeros(len(THETA)), np.zeros(len(THETA))
    for name, (num, _) in _numbers(p).items():
        if num is not None:
            centre[COL[name]], sd[COL[name]] = num.value, num.sd
    cut = p.decision.cutpoints
    cut_sd = cut.sd or [0.0] * 5
    centre[COL["cut.0"]], sd[COL["cut.0"]] = cut.value[0], cut_sd[0]
    for i in range(1, 5):
        centre[COL[f"cut.gap{i}"]] = cut.value[i] - cut.value[i - 1]
        sd[COL[f"cut.gap{i}"]] = cut_sd[i]
    for name in POSITIVE:
        centre[COL[name]] = np.log(centre[COL[name]])
    return centre, sd


def draw_prior(p: Params, k: int, rng: np.random.Generator) -> np.ndarray:
    """``(k, len(THETA))`` parameter sets drawn from the priors, on the natural scale."""
    centre, sd = priors(p)
    x = centre + sd * rng.standard_normal((k, len(THETA)))
    pos = [COL[c] for c in POSITIVE]
    x[:, pos] = np.exp(x[:, pos])
    return x


def prior_key(p: Params) -> str:
    """A hash of the priors in the files (before any what-if): the posterior must come from the same."""
    centre, sd = priors(p)
    blob = json.dumps({"names": THETA, "centre": np.round(centre, 12).tolist(), "sd": np.round(sd, 12).tolist()})
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def fixed_columns(p: Params) -> dict[int, float]:
    """Columns a what-if has fixed: their value (natural scale)."""
    paths = _numbers(p)
    out: dict[int, float] = {}
    for path in p.fixed:
        key = path.removeprefix("decision.").removeprefix("process.")
        for name, (num, dotted) in paths.items():
            if num is not None and key in (dotted, dotted.split(".", 1)[-1]) and num.sd == 0:
                out[COL[name]] = num.value
        if key == "cutpoints":
            cut = p.decision.cutpoints.value
            out[COL["cut.0"]] = cut[0]
            for i in range(1, 5):
                out[COL[f"cut.gap{i}"]] = cut[i] - cut[i - 1]
    return out


def silenced(x: np.ndarray) -> np.ndarray:
    """A copy of the parameter sets under which nobody asks for help and the organization says nothing:
    the model of an alliance that cannot act (its ceiling is *nothing*)."""
    x = x.copy()
    x[:, COL["req.intercept"]] = x[:, COL["stmt.intercept"]] = -50.0
    return x


def particles(p: Params) -> tuple[np.ndarray, str]:
    """The parameter sets a model draws from, and where they come from (``posterior`` or ``prior``).

    The posterior is used only when it was calibrated from the priors in the files (``p.base_key``, the
    :func:`prior_key` of the parameters as loaded, before any what-if).
    """
    post = p.posterior
    key = p.base_key or prior_key(p)
    if post is not None and post.get("prior_key") == key and post.get("names") == list(THETA):
        x, source = np.array(post["particles"], dtype=np.float64), "posterior"
    else:
        x = draw_prior(p, PRIOR_PARTICLES, np.random.default_rng(PRIOR_SEED))
        source = "prior" if post is None else "prior (the posterior is stale: rerun csto calibrate)"
    for col, value in fixed_columns(p).items():
        x[:, col] = value
    return x, source

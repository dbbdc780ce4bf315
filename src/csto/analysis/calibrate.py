"""Calibrate the crisis model on every crisis in the record: importance sampling from the priors.

The procedure (``csto calibrate`` reruns it; docs/simulation.md explains it):

1. Draw ``K`` parameter sets from the priors in ``data/sim/`` (csto.sim.theta, a fixed stream).
2. For every crisis in ``data/crises.yaml`` (from its scenario file where one names it, else from the
   record's own fields), compile the model on those very parameter sets and run ``R`` replications of
   each set (common random numbers: the same seed for every crisis). Each set's likelihood of the case is
   the product of
   - the chance of the outcome class the CSTO reached (the share of the set's ``R`` replications,
     smoothed by ``SMOOTH`` so a set is not ruled out by a class it reaches rarely);
   - for a crisis with a request to the CSTO, the chance that the request stage makes one (logistic in
     the case's features);
   - for a crisis with a recorded decision date, the chance of the days it took (lognormal time to
     decision, interval-censored to the day; a same-day decision is within its first day).
3. The weights are the product over crises, normalised; their effective sample size is reported.
4. ``posterior.json`` holds ``POSTERIOR_SIZE`` sets resampled by weight (systematic resampling), with
   the priors' key, the data it was fitted on (a hash of the crises) and this procedure's settings.

Leave-one-case-out needs no refit: the weights without case ``j`` are the product over the others, so
:func:`predictive` gives the out-of-sample distribution of every case from the same table.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..record import Record
from ..record.dates import first_day
from ..sim import compile as compile_model
from ..sim import params_for
from ..sim import theta as theta_mod
from ..sim.model import COL, OUTCOMES, CrisisModel
from ..sim.montecarlo import BLOCK, block_streams, sample_blocks
from ..sim.params import Params

SMOOTH = 0.5  # added to each class count (Jeffreys): a set that never reached a class keeps a small chance
SAME_DAY = 0.5
POSTERIOR_SIZE = 2000


@dataclass
class Table:
    """What every parameter set implies for every crisis (rows: crises, in ``cases`` order)."""

    cases: list[dict]
    particles: np.ndarray  # (K, P)
    probs: np.ndarray  # (C, K, 6): class probabilities, unsmoothed
    loglik: np.ndarray  # (C, K): log-likelihood of what happened
    p_request: np.ndarray  # (C, K): chance of a request to the CSTO under each set
    log_days: np.ndarray  # (C, K, 2): mean and sd of log days to decision under each set
    settings: dict


def _days(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    d = (first_day(end) - first_day(start)).days
    return float(d) if d > 0 else SAME_DAY


def _phi(x: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return ndtr(x)


def _class_probs(model: CrisisModel, reps: int, seed: int) -> np.ndarray:
    """(K, 6): each parameter set's share of replications in each class, ``reps`` replications per set."""
    K = len(model.particles)
    index = np.repeat(np.arange(K), reps)
    streams = block_streams(seed, len(index))
    counts = np.zeros((K, len(OUTCOMES)))
    per = 16  # blocks at a time
    for start in range(0, len(streams), per):
        part = streams[start:start + per]
        lo = start * BLOCK
        idx = np.zeros(len(part) * BLOCK, np.int64)
        take = index[lo:lo + len(idx)]
        idx[:len(take)] = take
        out = sample_blocks(model, part, None, idx)
        np.add.at(counts, (idx[:len(take)], out.outcome[:len(take)].astype(np.int64)), 1)
    return counts / reps


def case_models(record: Record, params: Params, scenarios: Path | None = None) -> list[tuple[dict, CrisisModel]]:
    """Every crisis with its compiled model (on the priors' parameter sets) and what actually happened."""
    from .backtest import case_sources

    prior = dataclasses.replace(params, posterior=None)
    out = []
    for crisis, source, scenario in case_sources(record, scenarios):
        model = compile_model(source, record, prior)
        asked = [r for r in (crisis.request, *crisis.other_requests) if r is not None and r.to == "csto"]
        # days count from the first request in the crisis (a request to Russia may be passed on to the CSTO)
        start = crisis.request.date if crisis.request and asked else None
        out.append(({
            "crisis": crisis.id, "name": crisis.name, "date": str(crisis.date), "scenario": scenario,
            "outcome": crisis.response.outcome, "requested": bool(asked),
            "days_to_decision": _days(start, crisis.response.decided),
            "days_to_first_troops": _days(start, crisis.response.first_troops),
            "personnel": crisis.response.personnel, "uncertain": bool(getattr(crisis, "uncertain", None)),
        }, model))
    return out


def table(record: Record | None = None, params: Params | None = None, *, particles: int = 8192, reps: int = 32,
          seed: int = 0, scenarios: Path | None = None, progress=None) -> Table:
    """Evaluate ``particles`` prior parameter sets on every crisis (``reps`` replications per set and crisis)."""
    record = record or Record.open()
    params = params or params_for(record)
    models = case_models(record, params, scenarios)
    theta = theta_mod.draw_prior(params, particles, np.random.default_rng(np.random.SeedSequence([seed, 1])))
    C, K = len(models), len(theta)
    probs, loglik = np.zeros((C, K, len(OUTCOMES))), np.zeros((C, K))
    p_req, log_days = np.zeros((C, K)), np.zeros((C, K, 2))
    cases = []
    for c, (case, model) in enumerate(models):
        # an alliance that cannot act takes nothing up, as the compiler sets it
        th = theta_mod.silenced(theta) if model.ceiling == 0 else theta
        m = dataclasses.replace(model, particles=th)
        probs[c] = _class_probs(m, reps, seed)
        actual = OUTCOMES.index(case["outcome"])
        smoothed = (probs[c, :, actual] * reps + SMOOTH) / (reps + SMOOTH * len(OUTCOMES))
        ll = np.log(smoothed)
        p_req[c] = m.per_set["p_request"]
        if case["requested"] and model.requested:
            ll += np.log(np.clip(p_req[c], 1e-300, 1.0))
        # story step 3: the location and spread of log days to decision under each parameter set
        log_days[c] = np.column_stack([m.per_set["mu"], th[:, COL["time.sigma"]]])
        days = case["days_to_decision"]
        if days is not None and model.requested:
            mu, sd = log_days[c, :, 0], log_days[c, :, 1]
            lo, hi = (1e-6, 1.0) if days == SAME_DAY else (days - 0.5, days + 0.5)
            p = _phi((np.log(hi) - mu) / sd) - _phi((np.log(lo) - mu) / sd)
            ll += np.log(np.clip(p, 1e-300, 1.0))
        loglik[c] = ll
        cases.append(case)
        if progress:
            progress(case["crisis"])
    return Table(cases, theta, probs, loglik, p_req, log_days,
                 {"particles": particles, "reps": reps, "seed": seed, "smooth": SMOOTH})


def weights(tab: Table, leave_out: int | None = None) -> np.ndarray:
    """Normalised importance weights of the parameter sets, optionally without one crisis."""
    ll = tab.loglik.sum(axis=0) - (tab.loglik[leave_out] if leave_out is not None else 0.0)
    w = np.exp(ll - ll.max())
    return w / w.sum()


def ess(w: np.ndarray) -> float:
    """Effective sample size of normalised weights."""
    return float(1.0 / np.sum(w ** 2))


def predictive(tab: Table, case: int, out_of_sample: bool = True) -> np.ndarray:
    """The class distribution the calibrated model gives ``case`` (without it in the fit by default)."""
    w = weights(tab, case if out_of_sample else None)
    return w @ tab.probs[case]


def resample(w: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Systematic resampling: indices of ``size`` sets drawn in proportion to ``w``."""
    positions = (rng.random() + np.arange(size)) / size
    return np.minimum(np.searchsorted(np.cumsum(w), positions), len(w) - 1)


def data_key(record: Record) -> str:
    """A hash of the crises the posterior is fitted on."""
    blob = json.dumps([c.model_dump(mode="json", by_alias=True) for c in record.crises()], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def calibrate(record: Record | None = None, params: Params | None = None, *, particles: int = 8192, reps: int = 32,
              seed: int = 0, scenarios: Path | None = None, progress=None) -> dict:
    """Run the procedure; return the posterior (JSON-ready) with what it was fitted on and its diagnostics."""
    record = record or Record.open()
    params = params or params_for(record)
    tab = table(record, params, particles=particles, reps=reps, seed=seed, scenarios=scenarios, progress=progress)
    w = weights(tab)
    picked = resample(w, POSTERIOR_SIZE, np.random.default_rng(np.random.SeedSequence([seed, 2])))
    post = tab.particles[picked]
    centre, sd = theta_mod.priors(params)
    summary = {}
    for i, name in enumerate(theta_mod.THETA):
        prior_mean = math.exp(centre[i]) if name in theta_mod.POSITIVE else centre[i]
        summary[name] = {"prior_centre": round(float(prior_mean), 4), "prior_sd": round(float(sd[i]), 4),
                         "posterior_mean": round(float(post[:, i].mean()), 4),
                         "posterior_sd": round(float(post[:, i].std()), 4)}
    return {
        "procedure": "importance sampling from the priors (csto.analysis.calibrate)",
        "prior_key": params.base_key, "data_key": data_key(record), "names": list(theta_mod.THETA),
        "settings": {**tab.settings, "posterior_size": POSTERIOR_SIZE},
        "cases": [c["crisis"] for c in tab.cases],
        "effective_sample_size": round(ess(w), 1),
        "distinct_sets": int(len(np.unique(picked))),
        "parameters": summary,
        "particles": np.round(post, 6).tolist(),
    }


def write(posterior: dict, path: str | Path) -> Path:
    """Write the posterior atomically (a temporary file beside it, then one rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".posterior-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(posterior, fh, separators=(",", ":"))
            fh.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

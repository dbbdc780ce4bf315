"""History as a test: every crisis in the record, predicted out of sample and scored like a forecast.

Each crisis (``data/crises.yaml``) is simulated from the scenario file that describes it (a file in
``scenarios/`` whose ``simulation.crisis`` names the crisis) or, where there is none, from an event built
from the crisis record itself. The model's parameters are calibrated on the crises by importance sampling
(:mod:`csto.analysis.calibrate`); each case is predicted by the model calibrated on the *other* cases
(leave one case out), and scored:

- outcome class: the multiclass Brier score (sum over classes of the squared error) and the log score
  (``-ln p(actual)``), with a reliability table over every (case, class) forecast;
- time to decision: CRPS of the predictive distribution (``scoringrules.crps_ensemble``) where a
  decision date is recorded;
- the same scores for three baselines, also leave one case out: the most common class among the other
  cases, their class frequencies (base rate, add-half smoothed), and the uniform distribution.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..record import Record
from ..record.dates import first_day, last_day
from ..record.yamlio import RecordError, read
from ..sim import params_for
from ..sim.model import OUTCOMES
from ..sim.params import Params
from . import calibrate as cal

FLOOR = 1e-3  # the probability a log score gives a one-hot baseline's impossible class (else infinite)
BINS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
NOTE = ("Out of sample: each case is predicted by the model calibrated on the other cases (importance "
        "weights without the case). Scores: lower is better. The record holds few cases, so the scores "
        "have wide uncertainty: compare them with the baselines, not with zero.")


def default_scenarios_dir(record: Record) -> Path:
    base = Path(record.data_dir).parent if record.data_dir else Path.cwd()
    return base / "scenarios"


def scenario_files(directory: Path, crises=None) -> dict[str, Path]:
    """crisis id -> the scenario file whose ``simulation.crisis`` names it.

    Raises :class:`RecordError` (file, line, field) for a directory that does not exist or is a file, a
    scenario file that cannot be read, a crisis id the record does not hold (when ``crises`` is given),
    two files naming the same crisis, and a scenario dated outside its crisis: from the crisis's date to
    its request for help (a scenario may describe the crisis as it stood when help was asked for).
    """
    directory = Path(directory)
    if not directory.exists():
        raise RecordError(directory, None, "scenarios", "no such directory")
    if not directory.is_dir():
        raise RecordError(directory, None, "scenarios", "expected a directory of scenario files, got a file")
    known = {c.id: c for c in crises} if crises is not None else None
    out: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = read(path)
        sim = raw.get("simulation") if isinstance(raw, dict) else None
        if not isinstance(sim, dict) or not sim.get("crisis"):
            continue
        crisis_id, line = str(sim["crisis"]), _line(sim, "crisis")
        if known is not None and crisis_id not in known:
            raise RecordError(path, line, "simulation.crisis",
                              f"no such crisis in the record; expected one of {', '.join(sorted(known))}", crisis_id)
        if crisis_id in out:
            raise RecordError(path, line, "simulation.crisis",
                              f"crisis {crisis_id} is already described by {out[crisis_id]}: "
                              f"one scenario file per crisis")
        if known is not None:
            _check_date(path, raw, known[crisis_id])
        out[crisis_id] = path
    return out


def _line(node, key: str) -> int | None:
    return node.line_of(key) if hasattr(node, "line_of") else getattr(node, "line", None)


def _check_date(path: Path, raw, crisis) -> None:
    """The scenario's date lies between the crisis's date and its request for help (inclusive)."""
    text = str(raw.get("date", "")) if isinstance(raw, dict) else ""
    try:
        day = first_day(text)
    except ValueError:
        return  # a malformed date is the treaty engine's to report, when the scenario is loaded
    start = first_day(str(crisis.date))
    end = max(last_day(str(crisis.date)), first_day(str(crisis.request.date)) if crisis.request else start)
    if not start <= day <= end:
        span = f"{crisis.date}" + (f" to {crisis.request.date}, its request for help" if end > last_day(str(crisis.date)) else "")
        raise RecordError(path, _line(raw, "date"), "date",
                          f"outside the dates of crisis {crisis.id} in the record ({span})", text)


def event_from_crisis(crisis):
    """A treaty Event for a crisis with no scenario file (the record's fields only).

    The request is the crisis's request to the CSTO if there is one (else its bilateral request, which
    the simulation reads as "asked one member instead"); what was asked for and whether the fighting was
    on the target's recognised territory come along.
    """
    from ..treaty import Event

    perp = crisis.perpetrator
    if perp and len(perp) == 3 and perp.isupper():
        perpetrator = {"type": "state", "state": perp}
    else:
        perpetrator = {"type": "unknown", "name": perp} if perp else {"type": "unknown"}
    requests = [r for r in (crisis.request, *crisis.other_requests) if r is not None]
    chosen = next((r for r in requests if r.to == "csto"), requests[0] if requests else None)
    request = None
    if chosen is not None:
        day = max(first_day(chosen.date), first_day(crisis.date))
        request = {"by": chosen.by, "date": str(day), "article": chosen.article,
                   "to": None if chosen.to == "csto" else chosen.to, "asked_for": list(chosen.asked_for)}
    location = {"on_recognised_territory": crisis.on_recognised_territory}
    if crisis.territory_of:
        location["territory_of"] = crisis.territory_of
    return Event.model_validate({
        "id": crisis.id, "title": crisis.name, "date": str(first_day(crisis.date)), "kind": crisis.kind,
        "targets": list(crisis.targets), "perpetrator": perpetrator, "request": request, "location": location})


def case_sources(record: Record, scenarios: Path | None = None):
    """``(crisis, source, label)`` for every crisis, in date order: its scenario file, else an Event."""
    crises = record.crises()
    if scenarios is None:  # the default directory is optional (a record shipped without scenarios)
        default = default_scenarios_dir(record)
        files = scenario_files(default, crises) if default.is_dir() else {}
    else:
        files = scenario_files(Path(scenarios), crises)
    for c in sorted(crises, key=lambda c: first_day(c.date)):
        path = files.get(c.id)
        yield c, (path if path else event_from_crisis(c)), (str(path) if path else "(built from the record)")


def _brier(p: np.ndarray, actual: int) -> float:
    y = np.zeros(len(OUTCOMES))
    y[actual] = 1.0
    return float(((p - y) ** 2).sum())


def _log(p: np.ndarray, actual: int) -> float:
    return float(-np.log(max(p[actual], FLOOR)))


def _baselines(actuals: list[int], j: int) -> dict[str, np.ndarray]:
    others = [a for i, a in enumerate(actuals) if i != j]
    counts = np.bincount(others, minlength=len(OUTCOMES)).astype(float)
    mode = np.zeros(len(OUTCOMES))
    mode[int(counts.argmax())] = 1.0
    return {"most_common": mode, "base_rate": (counts + 0.5) / (counts.sum() + 0.5 * len(OUTCOMES)),
            "uniform": np.full(len(OUTCOMES), 1.0 / len(OUTCOMES))}


def _crps_days(tab: cal.Table, j: int, w: np.ndarray, observed: float, rng: np.random.Generator) -> float:
    import scoringrules

    pick = cal.resample(w, 4000, rng)
    mu, sd = tab.log_days[j, pick, 0], tab.log_days[j, pick, 1]
    sample = np.exp(mu + sd * rng.standard_normal(len(pick)))
    return float(scoringrules.crps_ensemble(observed, sample))


def reliability(forecasts: list[np.ndarray], actuals: list[int]) -> list[dict]:
    """Every (case, class) forecast binned by its probability: mean forecast against observed frequency."""
    p = np.concatenate(forecasts)
    y = np.concatenate([np.eye(len(OUTCOMES))[a] for a in actuals])
    rows = []
    for lo, hi in zip(BINS, BINS[1:]):
        inside = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        n = int(inside.sum())
        rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": n,
                     "mean_forecast": round(float(p[inside].mean()), 3) if n else None,
                     "observed": round(float(y[inside].mean()), 3) if n else None})
    return rows


def _leave_one_out(tab: cal.Table, rng: np.random.Generator) -> dict:
    """Every case's out-of-sample forecast from one calibration table (the importance weights without it)."""
    C = len(tab.cases)
    everyone = cal.weights(tab)
    out = {"p": np.zeros((C, len(OUTCOMES))), "in_sample": np.stack([everyone @ tab.probs[j] for j in range(C)]),
           "p_request": np.zeros(C), "crps": np.full(C, np.nan), "ess": np.zeros(C)}
    for j, case in enumerate(tab.cases):
        w = cal.weights(tab, j)
        out["p"][j], out["p_request"][j], out["ess"][j] = w @ tab.probs[j], w @ tab.p_request[j], cal.ess(w)
        if case["days_to_decision"] is not None:
            out["crps"][j] = _crps_days(tab, j, w, case["days_to_decision"], rng)
    return out


def _scores(p: np.ndarray, actuals: list[int]) -> dict:
    return {"brier": float(np.mean([_brier(p[j], a) for j, a in enumerate(actuals)])),
            "log": float(np.mean([_log(p[j], a) for j, a in enumerate(actuals)]))}


def backtest(record: Record | None = None, params: Params | None = None, *, particles: int = 8192, reps: int = 32,
             seed: int = 0, repeats: int = 3, scenarios: Path | None = None, progress=None) -> dict:
    """Every crisis predicted leave-one-case-out and scored beside the baselines (JSON-ready).

    The calibration is run ``repeats`` times from seeds ``seed``, ``seed + 1``, ...; a case's forecast is
    the average of its out-of-sample forecasts, and the Monte Carlo error of each score is the standard
    deviation of the repeats' scores over the square root of their number.
    """
    record = record or Record.open()
    params = params or params_for(record)
    runs = []
    for r in range(repeats):
        tab = cal.table(record, params, particles=particles, reps=reps, seed=seed + r, scenarios=scenarios,
                        progress=progress)
        runs.append(_leave_one_out(tab, np.random.default_rng(np.random.SeedSequence([seed + r, 3]))))
    cases_in = tab.cases
    actuals = [OUTCOMES.index(c["outcome"]) for c in cases_in]
    p = np.mean([x["p"] for x in runs], axis=0)
    in_sample = np.mean([x["in_sample"] for x in runs], axis=0)
    p_request = np.mean([x["p_request"] for x in runs], axis=0)
    crps_all = np.mean([x["crps"] for x in runs], axis=0)
    per_repeat = [_scores(x["p"], actuals) for x in runs]

    def mcse(key: str) -> float | None:
        values = [s[key] for s in per_repeat]
        return round(float(np.std(values, ddof=1) / np.sqrt(len(values))), 4) if len(values) > 1 else None

    baseline = {k: np.stack([_baselines(actuals, j)[k] for j in range(len(actuals))])
                for k in ("most_common", "base_rate", "uniform")}
    summary = {"model": {k: round(v, 4) for k, v in _scores(p, actuals).items()}}
    summary["model"].update({"brier_mcse": mcse("brier"), "log_mcse": mcse("log")})
    summary.update({k: {m: round(v, 4) for m, v in _scores(b, actuals).items()} for k, b in baseline.items()})
    cases, medians = [], []
    for j, case in enumerate(cases_in):
        predicted = OUTCOMES[int(p[j].argmax())]
        days = case["days_to_decision"]
        if days is not None:
            others = [c["days_to_decision"] for i, c in enumerate(cases_in) if i != j and c["days_to_decision"]]
            medians.append(abs(float(np.median(others)) - days) if others else float("nan"))
        cases.append({**case, "predicted": {
            "outcome": predicted, "probabilities": {o: round(float(x), 4) for o, x in zip(OUTCOMES, p[j])},
            "in_sample": {o: round(float(x), 4) for o, x in zip(OUTCOMES, in_sample[j])},
            "p_request": round(float(p_request[j]), 4)},
            "hit": predicted == case["outcome"], "p_actual": round(float(p[j, actuals[j]]), 4),
            "brier": round(_brier(p[j], actuals[j]), 4), "log_score": round(_log(p[j], actuals[j]), 4),
            "crps_days_to_decision": None if np.isnan(crps_all[j]) else round(float(crps_all[j]), 3),
            "effective_sample_size": round(float(np.mean([x["ess"][j] for x in runs])), 1)})
    requested = np.array([c["requested"] for c in cases_in], float)
    base_req = [np.mean(np.delete(requested, j)) for j in range(len(requested))]
    m, b = summary["model"], summary["base_rate"]
    beats = m["brier"] < b["brier"] and m["log"] < b["log"]
    clear = beats and all(b[k] - m[k] > 2 * (m[f"{k}_mcse"] or 0) for k in ("brier", "log"))
    crps_model = [c for c in crps_all if not np.isnan(c)]
    return {
        "seed": seed, "settings": {**tab.settings, "seed": seed, "repeats": repeats}, "cases": cases,
        "scores": summary,
        "crps_days_to_decision": {"model": round(float(np.mean(crps_model)), 3) if crps_model else None,
                                  "median_of_others": round(float(np.nanmean(medians)), 3) if medians else None},
        "request_brier": round(float(np.mean((p_request - requested) ** 2)), 4),
        "request_base_rate_brier": round(float(np.mean((np.array(base_req) - requested) ** 2)), 4),
        "reliability": reliability(list(p), actuals),
        "summary": {"cases": len(cases), "hits": sum(c["hit"] for c in cases), "beats_base_rate": bool(beats),
                    "beats_base_rate_beyond_noise": bool(clear),
                    "effective_sample_size": round(cal.ess(cal.weights(tab)), 1),
                    "particles": particles, "reps_per_particle": reps, "repeats": repeats},
        "note": NOTE,
    }

"""History as a test: simulate every crisis in the record and compare with what the CSTO actually did.

Each crisis (``data/crises.yaml``) is simulated from the scenario file that describes it (a file in
``scenarios/`` whose ``simulation.crisis`` names the crisis) or, where there is none, from an event built
from the crisis record itself. The predicted outcome class is the most frequent one; the predicted timings
are medians, in days from the request for help.

Fitted parameters and leave-one-out: the time to decision (``consult`` and ``session`` medians) is fitted
from the record, as the median over the crises of the days from request to decision (a same-day decision
counts half a day), split equally between the two stages. For each case the backtest refits it without
that case and reports the case's predicted median under the refit (``loo``). The decision weights in
``data/sim/decision.yaml`` are not fitted by any algorithm; they were set by judgement with these cases in
view, so the outcome comparison is in-sample, and the report says so.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..record import Record
from ..record.dates import first_day, last_day
from ..record.yamlio import RecordError, read
from ..sim import compile as compile_model
from ..sim import params_for, run
from ..sim.params import Params

SAME_DAY = 0.5
IN_SAMPLE_NOTE = ("Decision weights (data/sim/decision.yaml) were set by judgement with these cases in view: "
                  "outcome predictions are in-sample. Only the time to decision is fitted; its leave-one-out "
                  "predictions are under 'loo'.")


@dataclass
class Case:
    """One crisis: what happened and what the model predicts."""

    crisis: str
    name: str
    date: str
    scenario: str
    actual: dict
    predicted: dict
    loo: dict | None = None
    hit: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


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


def _days(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    d = (first_day(end) - first_day(start)).days
    return float(d) if d > 0 else SAME_DAY


def event_from_crisis(crisis):
    """A treaty Event for a crisis with no scenario file (the record's fields only)."""
    from ..treaty import Event

    perp = crisis.perpetrator
    if perp and len(perp) == 3 and perp.isupper():
        perpetrator = {"type": "state", "state": perp}
    else:
        perpetrator = {"type": "unknown", "name": perp} if perp else {"type": "unknown"}
    request = None
    if crisis.request:
        request = {"by": crisis.request.by, "date": str(first_day(crisis.request.date)),
                   "article": crisis.request.article}
    return Event.model_validate({
        "id": crisis.id, "title": crisis.name, "date": str(first_day(crisis.date)), "kind": crisis.kind,
        "targets": list(crisis.targets), "perpetrator": perpetrator, "request": request})


def fit_decision_days(crises, exclude: str | None = None) -> float | None:
    """Median days from request to decision over the crises (leaving ``exclude`` out)."""
    values = [_days(c.request.date, c.response.decided) for c in crises
              if c.id != exclude and c.request and c.response.decided]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _overlay_for(days: float | None) -> dict:
    return {} if days is None else {"consult.median": days / 2, "session.median": days / 2}


def _predict(source, record: Record, params: Params, runs: int, seed: int, overlay: dict) -> tuple[dict, list[str]]:
    model = compile_model(source, record, params.with_overlay(overlay))
    s = run(model, runs, seed)
    outcomes = s["outcomes"]
    predicted = {
        "outcome": s["most_likely"],
        "probabilities": outcomes,
        "days_to_decision_p50": s["days_to_decision"]["p50"],
        "days_to_first_troops_p50": s["days_to_first_troops"]["p50"],
        "peak_personnel_p50": s["peak_personnel"]["p50"],
        "most_often_blocks": s["most_often_blocks"],
    }
    return predicted, list(model.notes)


def backtest(record: Record | None = None, params: Params | None = None, runs: int = 2000, seed: int = 0,
             scenarios: Path | None = None) -> dict:
    """Run every crisis in the record; return the per-case comparison and a summary (JSON-ready).

    ``scenarios`` is a directory of scenario files (default: ``scenarios/`` beside the data, if there is
    one); see :func:`scenario_files` for what makes it an error.
    """
    record = record or Record.open()
    params = params or params_for(record)
    crises = record.crises()
    if scenarios is None:  # the default directory is optional (a record shipped without scenarios)
        default = default_scenarios_dir(record)
        files = scenario_files(default, crises) if default.is_dir() else {}
    else:
        files = scenario_files(Path(scenarios), crises)
    full_fit = fit_decision_days(crises)
    cases = []
    for c in sorted(crises, key=lambda c: first_day(c.date)):
        source = files.get(c.id)
        scenario = str(source) if source else "(built from the record)"
        event = source if source else event_from_crisis(c)
        req = c.request.date if c.request else None
        actual = {
            "outcome": c.response.outcome,
            "requested": c.request is not None,
            "days_to_decision": _days(req, c.response.decided),
            "days_to_first_troops": _days(req, c.response.first_troops),
            "personnel": c.response.personnel,
        }
        predicted, notes = _predict(event, record, params, runs, seed, _overlay_for(full_fit))
        loo = None
        if c.request and c.response.decided:
            refit = fit_decision_days(crises, exclude=c.id)
            loo_pred, _ = _predict(event, record, params, runs, seed, _overlay_for(refit))
            loo = {"fitted_days_to_decision": refit, "outcome": loo_pred["outcome"],
                   "days_to_decision_p50": loo_pred["days_to_decision_p50"],
                   "abs_error_days": (None if loo_pred["days_to_decision_p50"] is None
                                      else round(abs(loo_pred["days_to_decision_p50"] - actual["days_to_decision"]), 3))}
        cases.append(Case(c.id, c.name, c.date, scenario, actual, predicted, loo,
                          predicted["outcome"] == actual["outcome"], notes))
    hits = sum(k.hit for k in cases)
    errors = [k.loo["abs_error_days"] for k in cases if k.loo and k.loo["abs_error_days"] is not None]
    return {
        "runs": runs, "seed": seed,
        "fitted": {"days_to_decision": full_fit, "parameters": ["consult.median", "session.median"]},
        "cases": [k.as_dict() for k in cases],
        "summary": {"cases": len(cases), "hits": hits,
                    "accuracy": round(hits / len(cases), 3) if cases else None,
                    "loo_mean_abs_error_days_to_decision": round(statistics.mean(errors), 3) if errors else None},
        "note": IN_SAMPLE_NOTE,
    }

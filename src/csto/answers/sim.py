"""Answers from the crisis simulation: simulate, backtest, sweep, sensitivity (numpy loads with this module)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..record import Record
from ..sim import compile, params_for, run
from ..sim.montecarlo import DEFAULT_CHUNK, SimulationError, check_args
from ..treaty import load_overlay
from . import answer
from .treaty import Document

#: The most replications one answer may ask for (the command line's --runs limit).
MAX_RUNS = 100_000_000


def payload(model, summary: dict, seed: int, overlay: str | None) -> dict[str, Any]:
    """The ``result`` of a simulate answer (fields in docs/simulation.md)."""
    md = model.as_dict()
    info = model.info
    return {
        "scenario": model.scenario, "date": model.date, "overlay": overlay, "seed": seed, **summary,
        "model": {"states": md["states"], "target": md["target"], "absent": info.get("absent", {}),
                  "rule": info.get("rule"), "parameters": info.get("parameters"),
                  "horizon_days": model.horizon_days, "requested": model.requested, "asked": md["asked"],
                  "request_features": info.get("request_features"), "formation": md["formation"],
                  "forces": info.get("forces"), "floor": md["floor"], "ceiling": md["ceiling"],
                  "contingent": dict(zip(md["states"], md["contingent"])),
                  "budget_share": dict(zip(md["states"], [round(x, 4) for x in md["budget_share"]])),
                  "deploy_fraction": model.deploy_fraction,
                  # infinite concentration = a fixed share; JSON has no infinity
                  "deploy_concentration": None if math.isinf(model.deploy_concentration)
                  else model.deploy_concentration,
                  "treaty_basis": info.get("treaty_basis"), "situation": info.get("situation"),
                  "stances": info.get("stances"),
                  # each state's stance mean averaged over the parameter sets it is drawn from
                  "stance_mean": dict(zip(md["states"], np.round(model.stance_means().mean(axis=0), 2).tolist())),
                  "notes": md["notes"]},
    }


def simulate(record: Record, scenario: Document, runs: int = 10_000, seed: int = 0, chunk: int = DEFAULT_CHUNK,
             on: date | None = None, overlay: Document | None = None,
             progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Monte Carlo of one crisis: outcome probabilities, timings, personnel and cost by state, who blocks."""
    check_args(runs, seed, chunk)
    what_if = load_overlay(overlay, record) if overlay else None
    model = compile(scenario, record, params_for(record, check_sources=True), on=on, overlay=what_if)
    summary = run(model, runs, seed, chunk, progress=progress)
    return answer("simulate", {"scenario": scenario, "runs": runs, "seed": seed, "chunk": chunk, "on": on,
                               "overlay": overlay}, record,
                  payload(model, summary, seed, what_if.id if what_if else None))


def check_calibration(particles: object, reps: object, seed: object) -> None:
    """The settings of a calibration (and so of a backtest), each a whole number in its range."""
    check_args(1, seed)
    for name, value, hi in (("--particles", particles, 200_000), ("--reps", reps, 10_000)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= hi:
            raise SimulationError(f"{name}: expected a whole number from 1 to {hi:,}, got {value!r}")


def backtest(record: Record, particles: int = 8192, reps: int = 32, seed: int = 0, repeats: int = 3,
             scenarios: Path | None = None) -> dict[str, Any]:
    """Every historical crisis predicted leave-one-case-out and scored (Brier, log, CRPS) beside baselines."""
    from ..analysis.backtest import backtest as run_backtest

    check_calibration(particles, reps, seed)
    if isinstance(repeats, bool) or not isinstance(repeats, int) or not 1 <= repeats <= 20:
        raise SimulationError(f"--repeats: expected a whole number from 1 to 20, got {repeats!r}")
    result = run_backtest(record, params_for(record, check_sources=True), particles=particles, reps=reps, seed=seed,
                          repeats=repeats, scenarios=scenarios)
    return answer("backtest", {"particles": particles, "reps": reps, "seed": seed, "repeats": repeats,
                               "scenarios": scenarios}, record, result)


def sweep(record: Record, files: list[Path], grid: dict[str, list[Any]], runs: int = 10_000, seed: int = 0,
          backend: str = "local", progress: Callable[[int], None] | None = None,
          **options: Any) -> dict[str, Any]:
    """Every scenario at every point of a parameter grid: one row per scenario and grid point."""
    from ..sim.backends import sweep as run_sweep

    check_args(runs, seed)
    rows = run_sweep(files, grid, runs, seed, backend, progress=progress, record=record,
                     params=params_for(record, check_sources=True), **options)
    return answer("sweep", {"runs": runs, "seed": seed, "backend": backend}, record,
                  {"runs": runs, "seed": seed, "backend": backend, "grid": grid, "rows": rows})


def sensitivity(record: Record, scenario: Document, base_samples: int = 1024, runs: int = 10_000, seed: int = 0,
                inputs: list[str] | None = None, output: tuple[str, ...] | None = None,
                progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Sobol' indices (SALib) of a crisis's outcome to the model's inputs."""
    from ..analysis.sensitivity import DEFAULT_OUTPUT
    from ..analysis.sensitivity import check_args as check_design
    from ..analysis.sensitivity import sensitivity as analyse

    outputs = check_design(base_samples, output or DEFAULT_OUTPUT)
    check_args(runs, seed)
    params = params_for(record)
    model = compile(scenario, record, params)
    result = analyse(scenario, record, params, base_samples=base_samples, runs=runs, seed=seed, inputs=inputs or None,
                     output=outputs, model=model, progress=progress)
    return answer("sensitivity", {"scenario": scenario, "base_samples": base_samples, "runs": runs, "seed": seed,
                                  "inputs": inputs or None, "output": list(outputs)}, record, result)

"""``/api`` over the crisis simulation: simulate (a shipped scenario by name, or one posted), backtest, and the
lists a client needs to ask (shipped scenarios, overlays, the scenario JSON Schema).

Work per request is capped (``runs`` at most 200,000; backtest at most the command line's defaults) and
the answer of an identical request is kept, so a link handed to a class costs one computation.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from ... import answers
from ..answer import documented
from ..params import day, known_only, of
from ..service import MAX_BACKTEST, MAX_RUNS, Service
from .treaty import SCENARIO_BODY, Overlay, Scenario

router = APIRouter(prefix="/api", tags=["simulation"], dependencies=[Depends(known_only)])
Svc = Annotated[Service, Depends(of)]
Runs = Annotated[int, Query(description=f"replications, 1 to {MAX_RUNS:,} on the web")]
Seed = Annotated[int, Query(description="random seed (>= 0); same seed, same numbers")]
SimOn = Annotated[str | None, Query(description="simulate as of this date, YYYY-MM-DD (default: the event's)")]
SIMULATE = ("{scenario, date, overlay, seed, runs, p_request, outcomes, outcomes_mcse, days_to_decision, "
            "days_to_first_troops, ..., model} (docs/simulation.md)")


@router.get("/simulate", **documented("simulate", SIMULATE))
def simulate(s: Svc, scenario: Scenario, runs: Runs = 10_000, seed: Seed = 0, on: SimOn = None,
             overlay: Overlay = None) -> Any:
    """Monte Carlo of a shipped scenario: outcome probabilities, timings, personnel and cost by state, who blocks."""
    return s.simulate(s.scenario(scenario), runs, seed, day(on, "on"), s.overlay_or_none(overlay))


@router.post("/simulate", **documented("simulate", SIMULATE, openapi_extra=SCENARIO_BODY))
async def simulate_text(request: Request, s: Svc, runs: Runs = 10_000, seed: Seed = 0, on: SimOn = None,
                        overlay: Overlay = None) -> Any:
    """Monte Carlo of the scenario posted (its text: YAML or JSON)."""
    s.check_runs(runs)  # before the body is read: a request over the cap costs nothing
    document = s.posted(await request.body())
    return await run_in_threadpool(s.simulate, document, runs, seed, day(on, "on"), s.overlay_or_none(overlay))


@router.get("/backtest", **documented("backtest", "{seed, settings, cases, scores, reliability, summary, ...} "
                                                  "(docs/simulation.md)"))
def backtest(s: Svc,
             particles: Annotated[int, Query(description=f"parameter sets, at most {MAX_BACKTEST['particles']:,}")]
             = MAX_BACKTEST["particles"],
             reps: Annotated[int, Query(description=f"replications per set and case, at most "
                                                    f"{MAX_BACKTEST['reps']}")] = MAX_BACKTEST["reps"],
             seed: Seed = 0,
             repeats: Annotated[int, Query(description=f"calibrations averaged, at most {MAX_BACKTEST['repeats']}")]
             = MAX_BACKTEST["repeats"]) -> Any:
    """Every historical crisis predicted leave-one-case-out and scored beside baselines (kept once computed)."""
    return s.backtest(particles, reps, seed, repeats)


@router.get("/scenarios", **documented("scenarios", "list of {name, title, date, kind} of the shipped scenarios"))
def scenarios(s: Svc) -> Any:
    """The shipped scenarios, by the name the other endpoints take."""
    return answers.answer("scenarios", {}, s.record, s.scenario_list())


@router.get("/overlays", **documented("overlays", "list of {name, title, description} of the shipped overlays"))
def overlays(s: Svc) -> Any:
    """The shipped what-if overlays, by the name the other endpoints take."""
    return answers.answer("overlays", {}, s.record, s.overlay_list())


@router.get("/scenario-schema", summary="the scenario JSON Schema (scenarios/schema.json)")
def schema(s: Svc) -> Any:
    """The JSON Schema a scenario follows (the same as the shipped scenarios/schema.json)."""
    return s.schema

"""The benchmark inputs: the shipped scenarios, compiled, plus one large what-if.

As in Mesa's benchmarks, the example models double as the benchmark suite, in small
and large configurations:

- every scenario in ``scenarios/``, compiled against the shipped record as of its
  date (the CSTO-size cases: the members on the day, six or seven states);
- ``CSTO_SIZE``: the scenario used for the headline figures (Kazakhstan, January 2022:
  the one request the CSTO answered with troops);
- ``large-32``: that model's member arrays tiled to 32 states (an alliance of NATO's
  size), to show how the engines scale with the number of states. A what-if for
  timing only: no record stands behind it.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import numpy as np

from csto.sim.model import CrisisModel

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
CSTO_SIZE = "kazakhstan-2022-01"
LARGE = "large-32"
LARGE_STATES = 32


def compile_scenario(path: Path) -> CrisisModel:
    from csto import sim

    return sim.compile(path)


def enlarge(model: CrisisModel, n: int, name: str) -> CrisisModel:
    """``model`` with its states repeated up to ``n`` (names suffixed), budget shares renormalised."""
    reps = -(-n // model.n)
    idx = np.tile(np.arange(model.n), reps)[:n]
    states = tuple(f"{model.states[i]}{k // model.n or ''}" for k, i in enumerate(idx))
    share = model.budget_share[idx]
    share = share / share.sum() if share.sum() > 0 else share
    return dataclasses.replace(
        model, scenario=name, states=states, target=model.target,
        factors=model.factors[idx], voting=model.voting[idx], contingent=model.contingent[idx], distance_km=model.distance_km[idx], budget_share=share)


def load_input(name: str) -> CrisisModel:
    """One benchmark input by name (compiles only what it needs)."""
    if name == LARGE:
        return enlarge(load_input(CSTO_SIZE), LARGE_STATES, LARGE)
    path = SCENARIOS / f"{name}.yaml"
    if not path.exists():
        raise FileNotFoundError(f"no scenario {name!r} in {SCENARIOS}")
    return compile_scenario(path)


@functools.lru_cache(maxsize=1)
def load_inputs() -> dict[str, CrisisModel]:
    """Every benchmark input by name: the scenarios (sorted), then the large what-if."""
    models = {path.stem: compile_scenario(path) for path in sorted(SCENARIOS.glob("*.yaml"))}
    models[LARGE] = enlarge(models[CSTO_SIZE], LARGE_STATES, LARGE)
    return models

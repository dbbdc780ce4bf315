"""The local backend: this process, one core, :mod:`csto.sim.montecarlo` as it is.

The reference every other backend must equal number for number.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import CrisisModel
from ..montecarlo import DEFAULT_CHUNK, Outcomes
from ..montecarlo import run as _run
from ..montecarlo import simulate as _simulate

NAME = "local"


def simulate(model: CrisisModel, runs: int, seed: int, chunk: int = DEFAULT_CHUNK,
             progress: Callable[[int], None] | None = None) -> Outcomes:
    """Every replication of ``runs`` from ``seed`` (see :func:`csto.sim.montecarlo.simulate`)."""
    return _simulate(model, runs, seed, chunk=chunk, progress=progress)


def summarize_runs(cells: list[tuple[CrisisModel, int, int]], chunk: int = DEFAULT_CHUNK,
                   progress: Callable[[int], None] | None = None) -> list[dict]:
    """The summary of each ``(model, runs, seed)`` cell, one after another, in flat memory."""
    return [_run(model, runs, seed, chunk=chunk, progress=progress) for model, runs, seed in cells]

"""The Ray backend: the same replications as the local backend, spread over a Ray cluster.

Same numbers, by construction. :mod:`csto.sim.montecarlo` samples replications in
fixed blocks of :data:`~csto.sim.montecarlo.BLOCK`, block ``b`` from the ``b``-th child
of ``SeedSequence(seed)``. A Ray task here is a run of consecutive blocks of one cell
(one model, runs, seed), sampled with :func:`~csto.sim.montecarlo.sample_blocks`.

- :func:`simulate` (every replication): the tasks return their rows, concatenated in
  block order.
- :func:`summarize_runs` (summaries): each task folds its blocks into the same
  :class:`~csto.sim.montecarlo.Accumulator` the local backend uses and sends it back;
  the driver merges them. An Accumulator holds whole numbers only (counts, seconds,
  cents), so the merge is exact in any order: summaries are equal to the last bit
  whatever ``blocks_per_task`` and however many workers, and a task sends back its
  summary, not its rows.

At most ``max_in_flight`` tasks are outstanding at once.

Where it runs (see docs/benchmarks.md, "Beyond one machine"):

- nothing set: a private local Ray instance on this machine (``num_cpus`` cores);
- ``RAY_ADDRESS=ray://head:10001`` (or ``address=`` / ``csto sweep --ray-address``):
  an existing cluster; every node needs this version of ``csto`` importable (install
  it in the nodes' environment, or pass ``runtime_env={"py_modules": [csto]}``);
- Ray already initialised by the caller: used as it is.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..model import CrisisModel
from ..montecarlo import BLOCK, Accumulator, Outcomes, block_streams, check_args, sample_blocks

NAME = "ray"
#: Blocks per task: 64 blocks of 1024 = 65,536 replications, a few tenths of a second of work.
BLOCKS_PER_TASK = 64


class RayUnavailable(RuntimeError):
    """Ray is not installed, or no cluster could be started or reached."""


def _ray():
    try:
        import ray
    except ImportError as exc:  # the `distributed` extra is optional
        raise RayUnavailable("the ray backend needs Ray: pip install 'csto[distributed]'") from exc
    return ray


def connect(address: str | None = None, num_cpus: int | None = None, runtime_env: dict | None = None, **kwargs: Any):
    """Make sure Ray is initialised, and return the ``ray`` module.

    An already initialised Ray is used as it is. Otherwise ``address`` (or the
    ``RAY_ADDRESS`` environment variable) names the cluster to join; with neither, a
    local instance is started with ``num_cpus`` cores (default: all).
    """
    ray = _ray()
    if ray.is_initialized():
        return ray
    address = address or os.environ.get("RAY_ADDRESS") or None
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, **kwargs}
    if runtime_env:
        options["runtime_env"] = runtime_env
    if address is None:
        options["num_cpus"] = num_cpus
    try:
        ray.init(address=address, **options)
    except Exception as exc:  # noqa: BLE001 - Ray raises many kinds; the caller needs one
        where = address or "a local instance"
        raise RayUnavailable(f"could not start or reach Ray ({where}): {type(exc).__name__}: {exc}") from exc
    return ray


def _sample_blocks(model: CrisisModel, streams: list[np.random.SeedSequence], size: int) -> Outcomes:
    """One task's rows: consecutive blocks, each from its own stream (runs on a worker)."""
    return sample_blocks(model, streams, size)


def _summarize_blocks(model: CrisisModel, streams: list[np.random.SeedSequence], size: int) -> Accumulator:
    """One task's summary, in whole numbers, merged on the driver in any order (runs on a worker)."""
    return Accumulator(model.states).add(sample_blocks(model, streams, size))


_remote_cache: dict[str, Any] = {}


def _remote(ray, func):
    if func.__name__ not in _remote_cache:
        _remote_cache[func.__name__] = ray.remote(func)
    return _remote_cache[func.__name__]


def _tasks(ray, model_ref, runs: int, seed: int, blocks_per_task: int) -> Iterator[tuple]:
    """Submit-ready arguments for one cell: (model ref, streams, replications kept) per run of blocks."""
    streams = block_streams(seed, runs)
    for lo in range(0, len(streams), blocks_per_task):
        part = streams[lo:lo + blocks_per_task]
        yield model_ref, part, min(len(part) * BLOCK, runs - lo * BLOCK)


def _ordered_results(func, cells: list[tuple[CrisisModel, int, int]], blocks_per_task: int, max_in_flight: int,
                     **connect_options: Any) -> Iterator[tuple[int, Any]]:
    """Yield ``(cell index, func's result)`` for every task of every cell, in block order, in a bounded window."""
    if blocks_per_task < 1 or max_in_flight < 1:
        raise ValueError(f"blocks_per_task and max_in_flight must be >= 1, got {blocks_per_task}, {max_in_flight}")
    for _model, runs, seed in cells:
        check_args(runs, seed)
    ray = connect(**connect_options)
    task = _remote(ray, func)
    refs = {}

    def jobs():
        for index, (model, runs, seed) in enumerate(cells):
            if id(model) not in refs:
                refs[id(model)] = ray.put(model)
            for args in _tasks(ray, refs[id(model)], runs, seed, blocks_per_task):
                yield index, args

    window: deque = deque()
    for index, args in jobs():
        window.append((index, task.remote(*args)))
        if len(window) >= max_in_flight:
            index0, ref = window.popleft()
            yield index0, ray.get(ref)
    while window:
        index0, ref = window.popleft()
        yield index0, ray.get(ref)


def simulate(model: CrisisModel, runs: int, seed: int, *, blocks_per_task: int = BLOCKS_PER_TASK,
             max_in_flight: int = 16, progress: Callable[[int], None] | None = None,
             **connect_options: Any) -> Outcomes:
    """Every replication, as :func:`csto.sim.montecarlo.simulate` returns them, sampled on Ray."""
    parts = []
    cells = [(model, runs, seed)]
    for _, part in _ordered_results(_sample_blocks, cells, blocks_per_task, max_in_flight, **connect_options):
        parts.append(part)
        if progress:
            progress(len(part))
    return Outcomes.concat(parts, model.states)


def summarize_runs(cells: list[tuple[CrisisModel, int, int]], *, blocks_per_task: int = BLOCKS_PER_TASK,
                   max_in_flight: int = 16, progress: Callable[[int], None] | None = None,
                   **connect_options: Any) -> list[dict]:
    """The summary of each ``(model, runs, seed)`` cell, equal to :func:`csto.sim.montecarlo.run`'s."""
    accs = [Accumulator(model.states) for model, _, _ in cells]
    for index, part in _ordered_results(_summarize_blocks, cells, blocks_per_task, max_in_flight, **connect_options):
        accs[index].merge(part)
        if progress:
            progress(part.runs)
    return [acc.result() for acc in accs]

"""The Ray backend: the same replications as the local backend, spread over a Ray cluster.

Same numbers, by construction. :mod:`csto.sim.montecarlo` samples replications in
fixed blocks of :data:`~csto.sim.montecarlo.BLOCK`, block ``b`` from the ``b``-th child
of ``SeedSequence(seed)``. A Ray task here is a run of consecutive blocks of one cell
(one model, runs, seed), sampled with :func:`~csto.sim.montecarlo.sample_block`.

- :func:`simulate` (every replication): the tasks return their rows, concatenated in
  block order.
- :func:`summarize_runs` (summaries): each task folds its blocks into the same
  :class:`~csto.sim.montecarlo.Accumulator` the local backend uses and returns its
  state, split in two: the integer parts (counts, histograms), which add up in any
  order, and, block by block, the floating-point sums, which the driver adds in block
  order, exactly as the local accumulator does. So summaries are equal to the last bit
  whatever ``blocks_per_task`` and however many workers, and a task sends back a few
  kilobytes, not its rows.

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
from typing import Any, Callable, Iterator

import numpy as np

from ..model import CrisisModel
from ..montecarlo import BLOCK, Accumulator, Outcomes, block_streams, check_args, sample_block

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


def _sample_blocks(model: CrisisModel, streams: list[np.random.SeedSequence], sizes: list[int]) -> Outcomes:
    """One task's rows: consecutive blocks, each from its own stream (runs on a worker)."""
    return Outcomes.concat([sample_block(model, s, size) for s, size in zip(streams, sizes)], model.states)


# -- exact merging of accumulators ---------------------------------------------------
# An Accumulator's state is integers (associative: summed in any order) and floats
# (not associative: added block by block, in block order). _state walks it generically,
# so a field the core adds later is merged correctly or refused, never silently wrong.

def _state(obj: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any, str]]:
    """``(path, owner, attribute, kind)`` for every mergeable attribute; kind is "int", "float" or "counts"."""
    for name, value in vars(obj).items():
        if name == "states":
            continue
        path = prefix + name
        if isinstance(value, np.ndarray):
            yield path, obj, name, "float" if value.dtype.kind == "f" else "int"
        elif isinstance(value, float):
            yield path, obj, name, "float"
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            yield path, obj, name, "int"
        elif isinstance(value, dict) and all(isinstance(v, (int, np.integer)) for v in value.values()):
            yield path, obj, name, "counts"
        elif hasattr(value, "__dict__"):
            yield from _state(value, path + ".")
        else:
            raise TypeError(f"Accumulator.{path}: cannot merge a {type(value).__name__} exactly")


def _zero_floats(acc: Accumulator) -> None:
    for _, owner, name, kind in _state(acc):
        if kind == "float":
            value = getattr(owner, name)
            setattr(owner, name, np.zeros_like(value) if isinstance(value, np.ndarray) else 0.0)


def _pack(value: Any) -> Any:
    """Large integer arrays (the day histograms) travel as their nonzero bins."""
    if isinstance(value, np.ndarray) and value.size > 256:
        idx = np.flatnonzero(value)
        return ("sparse", value.shape, idx, value[idx])
    return value


def _unpack_into(target: np.ndarray, packed: Any) -> None:
    if isinstance(packed, tuple) and packed and packed[0] == "sparse":
        np.add.at(target, packed[2], packed[3])
    else:
        target += packed


def _summarize_blocks(model: CrisisModel, streams: list[np.random.SeedSequence], sizes: list[int]) -> tuple:
    """One task's summary: integer parts summed over its blocks, float parts block by block (on a worker)."""
    acc = Accumulator(model.states)
    floats = []
    for stream, size in zip(streams, sizes):
        _zero_floats(acc)
        acc.add(sample_block(model, stream, size))
        floats.append({path: (getattr(o, a).copy() if isinstance(getattr(o, a), np.ndarray) else getattr(o, a))
                       for path, o, a, kind in _state(acc) if kind == "float"})
    ints = {path: _pack(getattr(o, a)) for path, o, a, kind in _state(acc) if kind in ("int", "counts")}
    return ints, floats


def _merge(acc: Accumulator, ints: dict, floats: list[dict]) -> None:
    """Fold a task's summary into the driver's accumulator (tasks must come in block order)."""
    for path, owner, name, kind in list(_state(acc)):
        if kind == "int":
            value = getattr(owner, name)
            if isinstance(value, np.ndarray):
                _unpack_into(value, ints[path])
            else:
                setattr(owner, name, value + ints[path])
        elif kind == "counts":
            counts = getattr(owner, name)
            for key, c in ints[path].items():
                counts[key] = counts.get(key, 0) + c
    for block in floats:
        for path, owner, name, kind in _state(acc):
            if kind == "float":
                value = getattr(owner, name)
                if isinstance(value, np.ndarray):
                    value += block[path]
                else:
                    setattr(owner, name, value + block[path])


_remote_cache: dict[str, Any] = {}


def _remote(ray, func):
    if func.__name__ not in _remote_cache:
        _remote_cache[func.__name__] = ray.remote(func)
    return _remote_cache[func.__name__]


def _tasks(ray, model_ref, runs: int, seed: int, blocks_per_task: int) -> Iterator[tuple]:
    """Submit-ready arguments for one cell: (model ref, streams, sizes) per run of blocks."""
    streams = block_streams(seed, runs)
    for lo in range(0, len(streams), blocks_per_task):
        part = streams[lo:lo + blocks_per_task]
        sizes = [min(BLOCK, runs - b * BLOCK) for b in range(lo, lo + len(part))]
        yield model_ref, part, sizes


def _ordered_results(func, cells: list[tuple[CrisisModel, int, int]], blocks_per_task: int, max_in_flight: int,
                     **connect_options: Any) -> Iterator[tuple[int, Any]]:
    """Yield ``(cell index, func's result)`` for every task of every cell, in block order, in a bounded window."""
    if blocks_per_task < 1 or max_in_flight < 1:
        raise ValueError(f"blocks_per_task and max_in_flight must be >= 1, got {blocks_per_task}, {max_in_flight}")
    for model, runs, seed in cells:
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
    for index, (ints, floats) in _ordered_results(_summarize_blocks, cells, blocks_per_task, max_in_flight,
                                                  **connect_options):
        before = accs[index].runs
        _merge(accs[index], ints, floats)
        if progress:
            progress(accs[index].runs - before)
    return [acc.result() for acc in accs]

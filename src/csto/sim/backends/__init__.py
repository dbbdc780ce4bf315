"""Where the Monte Carlo runs: this process (``local``) or a Ray cluster (``ray``); and sweeps over both.

A backend only decides where blocks of replications are sampled; the numbers are
those of :mod:`csto.sim.montecarlo` (same seed, same ``SeedSequence`` children, same
results, however the work is split). :func:`sweep` runs every scenario at every point
of a parameter grid and returns one tidy row per (scenario, grid point).

A grid names four kinds of setting:

- a scalar field of the compiled :class:`~csto.sim.model.CrisisModel` (``threshold``, ``horizon_days``,
  ``stand_aside``, ``p_stand_aside``, ``floor``, ``ceiling``...: :data:`GRID_FIELDS`), or a per-state
  array as a whole (``contingent``: one number for every state, or a list), set on the model after
  compiling;
- one state's entry of a per-state array, ``contingent.RUS`` or ``voting.ARM`` (:data:`PER_STATE`),
  also set after compiling (the state must take part in the scenario);
- the relation between two states, ``relations.RUS-AZE`` (-1..1): it replaces whatever
  ``data/sim/relations.yaml`` says of that pair on any date, before compiling;
- a decision-model parameter in ``data/sim/`` by dotted path (``weights.treaty_basis``,
  ``decision_time.urgent``, ``request.bilateral``), applied as an overlay before compiling (a value
  set so is fixed in every parameter set, not drawn).

The last two need scenario files, not compiled models (a scenario's own ``simulation.overlay`` still
has the last word).

Every cell of a sweep uses the same ``seed`` (common random numbers): differences
between grid points are the parameters' doing, not sampling noise, and any cell can be
reproduced alone with ``csto.sim.run(model, runs, seed)`` on the same model.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import CstoError
from ..model import COST_RULES, OUTCOMES, CrisisModel, ModelError
from ..montecarlo import check_args
from . import local

BACKENDS = ("local", "ray")
#: Per-state arrays of a CrisisModel: a grid sets them whole (``contingent``) or one state's entry
#: (``contingent.RUS``).
PER_STATE = ("voting", "contingent", "distance_km", "budget_share")
#: Fields of a CrisisModel a grid may set: its scalar numbers, rules and flags, and the per-state arrays.
GRID_FIELDS = tuple(f.name for f in dataclasses.fields(CrisisModel)
                    if f.name not in ("scenario", "date", "states", "factors", "particles", "request_features",
                                      "info", "notes", "formation", "rule"))
RELATIONS = "relations"


class SweepError(CstoError):
    """A bad sweep request: an unknown backend, grid field or value (named in the message)."""


def kind_of(name: str) -> str:
    """How a grid key is applied: ``field``, ``state`` (one state's entry), ``relation`` or ``parameter``."""
    if name in GRID_FIELDS:
        return "field"
    head, dot, rest = name.partition(".")
    if dot and head in PER_STATE:
        return "state"
    if dot and head == RELATIONS:
        return "relation"
    if dot:
        return "parameter"
    raise SweepError(f"grid: unknown field {name!r}; expected a parameter path (weights.treaty_basis), "
                     f"a state's entry ({', '.join(f'{k}.RUS' for k in PER_STATE)}), a relation "
                     f"(relations.RUS-AZE) or one of {', '.join(GRID_FIELDS)}")


def canonical(name: str) -> str:
    """A grid key with its state codes in upper case (``contingent.rus`` is ``contingent.RUS``), as the
    record and scenarios read them in any case."""
    head, dot, rest = name.partition(".")
    return f"{head}.{rest.upper()}" if dot and (head in PER_STATE or head == RELATIONS) else name


def relation_pair(name: str) -> tuple[str, str]:
    """``relations.RUS-AZE`` -> ``("RUS", "AZE")``."""
    pair = name.partition(".")[2].split("-")
    if len(pair) != 2 or not all(len(s) == 3 and s.isalpha() and s.isupper() for s in pair) or pair[0] == pair[1]:
        raise SweepError(f"grid: {name}: expected relations.AAA-BBB, two different ISO 3166-1 alpha-3 codes")
    return pair[0], pair[1]


def grid_help() -> str:
    """What a grid may vary, for ``csto sweep --help`` and the docs."""
    return (f"model fields: {', '.join(GRID_FIELDS)}; one state's entry: "
            f"{', '.join(f'{k}.STATE' for k in PER_STATE)}; a relation: relations.STATE-STATE (-1..1); "
            "data/sim parameters by dotted path (weights.treaty_basis, decision_time.urgent, request.bilateral)")


def backend_module(name: str):
    """The module implementing backend ``name`` (imported lazily: Ray is an optional extra)."""
    if name == "local":
        return local
    if name == "ray":
        from . import ray_backend
        return ray_backend
    raise SweepError(f"backend: expected one of {', '.join(BACKENDS)}, got {name!r}")


_CLASSES = ("floor", "ceiling", "asked")
_WHOLE = ("target",)
_FLAGS = ("voting", "stand_aside", "requested")
_WORDS = {"cost_rule": COST_RULES}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def check_value(name: str, value: Any) -> Any:
    """A grid value for the model field ``name``, checked for its kind (and outcome names turned into codes).

    Raises :class:`SweepError` with a message such as ``expected a number, got 'abc'`` (callers name the field).
    Parameter paths (``weights.treaty_basis``) are checked later, when the overlay is applied.
    """
    kind = kind_of(name)
    if kind == "parameter":
        return value
    if kind == "relation":
        relation_pair(name)
        if not _is_number(value) or not -1 <= value <= 1:
            raise SweepError(f"expected a relation between -1 and 1, got {value!r}")
        return float(value)
    if kind == "state":
        name = name.partition(".")[0]
        if np.ndim(value) != 0:
            raise SweepError(f"expected one value for one state, got {value!r}")
    if name in _CLASSES:
        if isinstance(value, str) and value in OUTCOMES:
            return OUTCOMES.index(value)
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and 0 <= value < len(OUTCOMES):
            return int(value)
        raise SweepError(f"expected an outcome class ({', '.join(OUTCOMES)}) or its code 0..{len(OUTCOMES) - 1}, "
                         f"got {value!r}")
    if name in _WORDS:
        if value not in _WORDS[name]:
            raise SweepError(f"expected one of {', '.join(_WORDS[name])}, got {value!r}")
        return value
    if name in _WHOLE:
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise SweepError(f"expected a whole number, got {value!r}")
        return int(value)
    if name in _FLAGS:
        if not all(isinstance(v, (bool, np.bool_)) for v in np.ravel(np.asarray(value, dtype=object))):
            raise SweepError(f"expected true or false, got {value!r}")
        return value if np.ndim(value) else bool(value)
    if not all(_is_number(v) for v in np.ravel(np.asarray(value, dtype=object))) or np.size(value) == 0:
        raise SweepError(f"expected a number, got {value!r}")
    return value


def grid_points(grid: Mapping[str, Iterable[Any]] | None) -> list[dict[str, Any]]:
    """The cartesian product of ``grid`` (field -> values), in the grid's key order; ``[{}]`` for none.

    Every value of a model field is checked for its kind here (:func:`check_value`), naming the field.
    """
    if not grid:
        return [{}]
    grid = {canonical(name): value for name, value in grid.items()}
    names = list(grid)
    values = []
    for name in names:
        kind_of(name)
        options = list(grid[name]) if not isinstance(grid[name], (str, bytes)) else [grid[name]]
        if not options:
            raise SweepError(f"grid: {name}: expected at least one value")
        for option in options:
            try:
                check_value(name, option)
            except SweepError as exc:
                raise SweepError(f"grid: {name}: {exc}") from None
        values.append(options)
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


def apply(model: CrisisModel, point: Mapping[str, Any]) -> CrisisModel:
    """``model`` with the grid point's fields and states' entries replaced (validated again by CrisisModel).

    A single number for a per-state field applies to every state; ``contingent.RUS`` sets one state's
    entry; ``floor``, ``ceiling`` and ``asked`` accept outcome names (``"mission"``) as well as codes.
    """
    changes: dict[str, Any] = {}
    entries: dict[str, dict[int, Any]] = {}
    for name, value in point.items():
        kind = kind_of(name)
        try:
            value = check_value(name, value)
        except SweepError as exc:
            raise SweepError(f"grid: {name}: {exc}") from None
        if kind in ("relation", "parameter"):
            raise SweepError(f"grid: {name}: relations and parameter paths are applied when compiling a "
                             f"scenario file, not to a compiled model ({model.scenario})")
        if kind == "state":
            field, _, state = name.partition(".")
            if state not in model.states:
                raise SweepError(f"grid: {name}: no state {state!r} takes part in {model.scenario} on {model.date} "
                                 f"(states: {', '.join(model.states)})")
            entries.setdefault(field, {})[model.states.index(state)] = value
            continue
        if name in PER_STATE and np.ndim(value) == 0:
            value = np.full(model.n, value)
        changes[name] = value
    for field, values in entries.items():
        array = np.array(changes.get(field, getattr(model, field)))
        for i, value in values.items():
            array[i] = value
        changes[field] = array
    try:
        return dataclasses.replace(model, **changes)
    except (ModelError, TypeError, ValueError) as exc:
        raise SweepError(f"grid point {dict(point)}: {exc}") from None


def with_relations(params, relations: Mapping[str, float]):
    """``params`` with each ``relations.A-B`` value replacing what ``data/sim/relations.yaml`` says of that pair."""
    if not relations:
        return params
    from ..params import Relation

    pairs = {frozenset(relation_pair(name)): (relation_pair(name), value) for name, value in relations.items()}
    kept = [r for r in params.relations.relations if frozenset(r.states) not in pairs]
    added = [Relation.model_validate({"states": list(pair), "value": value, "what": "set by a sweep grid",
                                      "from": "1900-01-01", "assumption": True,
                                      "rationale": "a what-if value set by a sweep grid (relations.A-B)"})
             for pair, value in pairs.values()]
    return dataclasses.replace(params, relations=params.relations.model_copy(update={"relations": kept + added}))


def tidy(summary: dict) -> dict[str, Any]:
    """The scalar figures of a summary as one flat row (per-state breakdowns summed or left out)."""
    # "p_requested", not "p_request": that name is the model's field, and may be a grid column
    row: dict[str, Any] = {"runs": summary["runs"], "p_requested": summary["p_request"]}
    row.update({f"p_{name}": p for name, p in summary["outcomes"].items()})
    row["most_likely"] = summary["most_likely"]
    row["p_no_decision"] = summary["p_no_decision"]
    row["p_refused_by_target"] = summary["p_refused_by_target"]
    for key, short in (("days_to_decision", "decision"), ("days_to_first_troops", "first_troops"),
                       ("days_to_withdrawal", "withdrawal"), ("peak_personnel", "peak_personnel")):
        for stat, value in summary[key].items():
            if stat != "n":
                row[f"{short}_{stat}"] = value
    row["cost_mean_total"] = round(sum(c["mean"] for c in summary["cost_by_state"].values()), 1)
    row["most_often_blocks"] = summary["most_often_blocks"]
    return row


def _compiler(record, params):
    """Compile scenario files, once per (file, overlay), with the record and parameters loaded once."""
    from .. import compile as compile_scenario
    from ..params import params_for

    state: dict[str, Any] = {"record": record, "params": params}
    cache: dict[tuple, CrisisModel] = {}

    def compiled(path: str | Path, overlay: dict[str, Any], relations: dict[str, float]) -> CrisisModel:
        key = (str(path), tuple(sorted(overlay.items(), key=lambda kv: kv[0])),
               tuple(sorted(relations.items(), key=lambda kv: kv[0])))
        if key not in cache:
            if state["record"] is None:
                from ...record import Record

                state["record"] = Record.open()
            if state["params"] is None:
                state["params"] = params_for(state["record"])
            params = with_relations(state["params"].with_overlay(overlay), relations)
            cache[key] = compile_scenario(path, state["record"], params)
        return cache[key]

    return compiled


def sweep(scenarios: Iterable[CrisisModel | str | Path], grid: Mapping[str, Iterable[Any]] | None = None,
          runs: int = 10_000, seed: int = 0, backend: str = "local",
          progress: Callable[[int], None] | None = None, *, record=None, params=None,
          **options: Any) -> list[dict[str, Any]]:
    """Run every scenario at every grid point; one tidy row per cell, scenarios outermost.

    ``scenarios`` are compiled models (:class:`~csto.sim.model.CrisisModel`) or scenario
    files (compiled here, against ``record`` and ``params``: by default the shipped
    ones). ``grid`` maps model fields and states' entries (see :func:`apply`), relations
    (``relations.RUS-AZE``) and ``data/sim`` parameter paths to the values to try. ``options`` go to the backend (for Ray: ``address``,
    ``num_cpus``, ``blocks_per_task``, ``max_in_flight``, ``runtime_env``). The rows are
    identical whichever backend ran them.
    """
    module = backend_module(backend)
    check_args(runs, seed)
    items = list(scenarios)
    for item in items:
        if not isinstance(item, (CrisisModel, str, Path)):
            raise SweepError(f"scenarios: expected CrisisModel objects or scenario files, got {type(item).__name__}")
    points = grid_points(grid)
    compiled = _compiler(record, params)
    cells, keys = [], []
    for item in items:
        for point in points:
            kinds = {k: kind_of(k) for k in point}
            fields = {k: v for k, v in point.items() if kinds[k] in ("field", "state")}
            overlay = {k: v for k, v in point.items() if kinds[k] == "parameter"}
            relations = {k: v for k, v in point.items() if kinds[k] == "relation"}
            if isinstance(item, CrisisModel):
                if overlay or relations:
                    raise SweepError(f"grid: {', '.join([*overlay, *relations])}: parameter paths and relations "
                                     f"need scenario files, not compiled models ({item.scenario})")
                model = item
            else:
                model = compiled(item, overlay, relations)
            cells.append((apply(model, fields), runs, seed))
            keys.append({"scenario": model.scenario, "date": model.date, **point})
    summaries = module.summarize_runs(cells, progress=progress, **options)
    rows = []
    for key, summary in zip(keys, summaries):
        figures = tidy(summary)
        assert not set(key) & set(figures), "a grid column shadows a result column"
        rows.append({**key, "seed": seed, **figures})
    return rows

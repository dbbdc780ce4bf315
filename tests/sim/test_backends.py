"""The backends give the numbers of csto.sim.montecarlo, whoever samples them; sweeps are tidy and reproducible."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from csto.sim import BLOCK, montecarlo
from csto.sim.backends import SweepError, apply, grid_points, local, sweep
from csto.sim.model import CrisisModel

RUNS = 3 * BLOCK + 117  # a ragged last block on purpose


def crisis(n: int = 6, **changes) -> CrisisModel:
    """A hand-made CSTO-size model (not the record's numbers: the backends only need a valid model)."""
    base = dict(
        scenario="test-crisis", date="2022-01-05", states=tuple(f"S{i}" for i in range(n)), target=1,
        p_request=0.8, p_statement_unrequested=0.5,
        consult_median=2.0, consult_sigma=0.5, session_median=3.0, session_sigma=0.6,
        stance_mean=np.linspace(1.0, 3.0, n), stance_sd=1.0, cutpoints=[0.0, 0.5, 1.0, 1.5, 2.0],
        voting=[True] * n, p_stand_aside=np.full(n, 0.5), floor=1, ceiling=5, formation="CRRF",
        contingent=np.linspace(0, 3000, n).round(), distance_km=np.linspace(500, 4000, n),
        air_speed_kmh=700.0, pax_per_flight=100.0, flights_per_day=20.0,
        mobilise_median=1.0, mobilise_sigma=0.4, operation_median=10.0, operation_sigma=0.5,
        cost_rule="contributor", budget_share=np.full(n, 1 / n), cost_person_day=100.0, cost_flight=2e4,
        cost_mission=1e6, cost_assistance=2e6)
    return CrisisModel(**{**base, **changes})


def assert_same_rows(a, b):
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), f.name
        else:
            assert x == y, f.name


@pytest.fixture(scope="module")
def ray_cluster():
    """A private two-core Ray instance for this module (skipped only if Ray cannot start here)."""
    ray = pytest.importorskip("ray", reason="ray is not installed (the `distributed` extra)")
    from csto.sim.backends import ray_backend

    started = not ray.is_initialized()
    try:
        ray_backend.connect(num_cpus=2)
    except ray_backend.RayUnavailable as exc:
        pytest.skip(f"Ray cannot start on this machine: {exc}")
    yield ray_backend
    if started:
        ray.shutdown()


# -- local -----------------------------------------------------------------------

def test_local_backend_is_montecarlo():
    model = crisis()
    assert_same_rows(local.simulate(model, RUNS, 7), montecarlo.simulate(model, RUNS, 7))
    assert local.summarize_runs([(model, RUNS, 7)]) == [montecarlo.run(model, RUNS, 7)]


# -- ray -------------------------------------------------------------------------

@pytest.mark.parametrize("blocks_per_task", [1, 3])
def test_ray_rows_equal_local_rows_however_split(ray_cluster, blocks_per_task):
    model = crisis(cost_rule="budget")
    got = ray_cluster.simulate(model, RUNS, 11, blocks_per_task=blocks_per_task, max_in_flight=2)
    assert_same_rows(got, montecarlo.simulate(model, RUNS, 11))


def test_ray_summaries_equal_local_summaries_to_the_last_bit(ray_cluster):
    cells = [(crisis(), RUNS, 3), (crisis(target=-1), 2 * BLOCK, 3), (crisis(n=3, target=0), 500, 99)]
    assert ray_cluster.summarize_runs(cells, blocks_per_task=2) == local.summarize_runs(cells)


def test_sweep_rows_are_the_same_on_ray_and_locally(ray_cluster):
    grid = {"p_request": [0.5, 0.9], "ceiling": ["mission", "troops"]}
    scenarios = [crisis(), crisis(n=4, scenario="smaller", target=-1)]
    rows = sweep(scenarios, grid, runs=2 * BLOCK, seed=5, backend="ray", blocks_per_task=1)
    assert rows == sweep(scenarios, grid, runs=2 * BLOCK, seed=5, backend="local")


# -- sweeps ----------------------------------------------------------------------

def test_sweep_gives_one_row_per_scenario_and_grid_point_scenarios_outermost():
    rows = sweep([crisis(scenario="a"), crisis(scenario="b")], {"stance_sd": [0.5, 1.0, 2.0]}, runs=BLOCK, seed=1)
    assert [(r["scenario"], r["stance_sd"]) for r in rows] == [
        ("a", 0.5), ("a", 1.0), ("a", 2.0), ("b", 0.5), ("b", 1.0), ("b", 2.0)]
    assert {"runs", "seed", "p_troops", "decision_p50", "first_troops_p50", "most_likely"} <= set(rows[0])
    assert all(r["runs"] == BLOCK and r["seed"] == 1 for r in rows)


def test_sweep_cell_is_the_single_run_of_the_changed_model():
    row = sweep([crisis()], {"p_request": [0.3]}, runs=BLOCK, seed=4)[0]
    summary = montecarlo.run(crisis(p_request=0.3), BLOCK, 4)
    assert row["p_request"] == 0.3 and row["p_requested"] == summary["p_request"]
    assert row["p_troops"] == summary["outcomes"]["troops"]
    assert row["decision_p50"] == summary["days_to_decision"]["p50"]


def test_sweep_without_grid_runs_each_scenario_once():
    assert len(sweep([crisis()], None, runs=100, seed=0)) == 1


def test_grid_number_for_a_per_state_field_applies_to_every_state():
    model = apply(crisis(), {"p_stand_aside": 0.25, "floor": "statement"})
    assert model.p_stand_aside.tolist() == [0.25] * 6
    assert model.floor == 1


def test_grid_rejects_an_unknown_field_by_name():
    with pytest.raises(SweepError, match="unknown field 'p_war'"):
        grid_points({"p_war": [0.1]})


def test_grid_rejects_an_invalid_value_naming_the_point():
    with pytest.raises(SweepError, match="p_request"):
        sweep([crisis()], {"p_request": [1.5]}, runs=10, seed=0)


@pytest.mark.parametrize("name, value", [("p_request", "abc"), ("stance_mean", "x"), ("target", 1.5),
                                         ("floor", "war"), ("cost_rule", 3), ("voting", "yes")])
def test_grid_rejects_a_value_of_the_wrong_kind_by_name(name, value):
    with pytest.raises(SweepError, match=f"grid: {name}: expected"):
        grid_points({name: [value]})
    with pytest.raises(SweepError, match=f"grid: {name}: expected"):
        apply(crisis(), {name: value})


def test_sweep_rejects_an_unknown_backend():
    with pytest.raises(SweepError, match="backend: expected one of local, ray, got 'spark'"):
        sweep([crisis()], None, runs=10, seed=0, backend="spark")


# -- the command line ------------------------------------------------------------

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan-2022-01.yaml"


def test_cli_sweep_prints_one_json_row_per_cell():
    from typer.testing import CliRunner

    from csto.cli import app

    result = CliRunner().invoke(app, ["sweep", str(SCENARIO), "--grid", "p_request=0.5,1", "--grid",
                                      "ceiling=mission,troops", "--runs", "500", "--seed", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["grid"] == {"p_request": [0.5, 1], "ceiling": ["mission", "troops"]}
    assert [(r["p_request"], r["ceiling"]) for r in payload["rows"]] == [
        (0.5, "mission"), (0.5, "troops"), (1, "mission"), (1, "troops")]
    assert all(r["p_troops"] == 0 for r in payload["rows"] if r["ceiling"] == "mission")


@pytest.mark.parametrize("args, message", [
    (["--grid", "p_war=0.1"], "unknown field 'p_war'"),
    (["--grid", "p_request"], "expected FIELD=VALUE"),
    (["--grid", "p_request=2"], "expected a probability"),
    (["--grid", "p_request=abc"], "--grid p_request: expected a number, got 'abc'"),
    (["--grid", "stance_sd=0.5,high"], "--grid stance_sd: expected a number, got 'high'"),
    (["--grid", "ceiling=war"], "--grid ceiling: expected an outcome class"),
    (["--grid", "cost_rule=free"], "--grid cost_rule: expected one of contributor, budget, got 'free'"),
    (["--grid", "voting=1"], "--grid voting: expected true or false"),
    (["--backend", "spark"], "--backend: expected one of local, ray"),
])
def test_cli_sweep_bad_input_exits_2_with_a_message(args, message):
    from typer.testing import CliRunner

    from csto.cli import app

    result = CliRunner().invoke(app, ["sweep", str(SCENARIO), "--runs", "10", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("split", [[4], [1, 1, 1, 1], [3, 1], [1, 2, 1]])
def test_task_summaries_merge_to_the_local_summary_however_the_blocks_are_split(split):
    # what the Ray tasks do, without Ray: fold blocks per task, merge on the driver, in any order
    from csto.sim.backends import ray_backend
    from csto.sim.montecarlo import Accumulator, block_streams

    model, runs, seed = crisis(cost_rule="budget"), RUNS, 13
    streams = block_streams(seed, runs)
    parts, lo = [], 0
    for k in split:
        parts.append(ray_backend._summarize_blocks(model, streams[lo:lo + k], min(k * BLOCK, runs - lo * BLOCK)))
        lo += k
    for order in (parts, parts[::-1]):
        acc = Accumulator(model.states)
        for part in order:
            acc.merge(part)
        assert acc.result() == montecarlo.run(model, runs, seed)


def test_sweep_over_a_data_sim_parameter_compiles_each_scenario_with_the_overlay():
    from csto.sim import compile, load_params

    rows = sweep([SCENARIO], {"weights.treaty_basis": [0.0, 3.0]}, runs=BLOCK, seed=2)
    assert [r["weights.treaty_basis"] for r in rows] == [0.0, 3.0]
    model = compile(SCENARIO, params=load_params().with_overlay({"weights.treaty_basis": 0.0}))
    assert rows[0]["p_troops"] == montecarlo.run(model, BLOCK, 2)["outcomes"]["troops"]
    assert rows[0]["p_troops"] < rows[1]["p_troops"]  # a weaker treaty basis sends troops less often


def test_sweep_refuses_a_parameter_path_for_an_already_compiled_model():
    with pytest.raises(SweepError, match="parameter paths need scenario files"):
        sweep([crisis()], {"weights.treaty_basis": [1.0]}, runs=10, seed=0)

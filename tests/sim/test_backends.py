"""The backends give the numbers of csto.sim.montecarlo, whoever samples them; sweeps are tidy and reproducible."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from csto.sim import BLOCK, montecarlo
from csto.sim.backends import SweepError, apply, grid_points, local, sweep
from csto.sim.model import FACTORS, CrisisModel, theta_row

RUNS = 3 * BLOCK + 117  # a ragged last block on purpose


def crisis(n: int = 6, **changes) -> CrisisModel:
    """A hand-made CSTO-size model (not the record's numbers: the backends only need a valid model)."""
    factors = np.zeros((n, len(FACTORS)))
    factors[:, 0] = np.linspace(-1.0, 1.0, n)
    th = theta_row(w_intercept=2.0, w_treaty_basis=1.0, cut_0=0.0, cut_gap1=0.5, cut_gap2=0.5, cut_gap3=0.5,
                   cut_gap4=0.5, req_intercept=1.0, time_log_median=np.log(4.0), refuse_intercept=-1.0,
                   refuse_gap=1.0)
    base = dict(
        scenario="test-crisis", date="2022-01-05", states=tuple(f"S{i}" for i in range(n)), target=1,
        particles=th, requested=False, request_features=[1.0, 0.0, 0.0, 0.0, 0.0], factors=factors,
        voting=[True] * n, urgent=1.0, contested=0.0, horizon_days=20.0, rule="consensus", threshold=1.0,
        stand_aside=True, p_stand_aside=0.5, floor=1, ceiling=5, formation="CRRF",
        contingent=np.linspace(0, 3000, n).round(), asked=5, distance_km=np.linspace(500, 4000, n),
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
    grid = {"threshold": [0.5, 1.0], "ceiling": ["mission", "troops"], "contingent.S3": [0, 5000]}
    scenarios = [crisis(), crisis(n=4, scenario="smaller", target=-1)]
    rows = sweep(scenarios, grid, runs=2 * BLOCK, seed=5, backend="ray", blocks_per_task=1)
    assert rows == sweep(scenarios, grid, runs=2 * BLOCK, seed=5, backend="local")


# -- sweeps ----------------------------------------------------------------------

def test_sweep_gives_one_row_per_scenario_and_grid_point_scenarios_outermost():
    rows = sweep([crisis(scenario="a"), crisis(scenario="b")], {"horizon_days": [0.5, 1.0, 2.0]}, runs=BLOCK, seed=1)
    assert [(r["scenario"], r["horizon_days"]) for r in rows] == [
        ("a", 0.5), ("a", 1.0), ("a", 2.0), ("b", 0.5), ("b", 1.0), ("b", 2.0)]
    assert {"runs", "seed", "p_troops", "decision_p50", "first_troops_p50", "most_likely", "p_no_decision",
            "p_refused_by_target"} <= set(rows[0])
    assert all(r["runs"] == BLOCK and r["seed"] == 1 for r in rows)


def test_sweep_cell_is_the_single_run_of_the_changed_model():
    row = sweep([crisis()], {"p_stand_aside": [0.3]}, runs=BLOCK, seed=4)[0]
    summary = montecarlo.run(crisis(p_stand_aside=0.3), BLOCK, 4)
    assert row["p_stand_aside"] == 0.3 and row["p_requested"] == summary["p_request"]
    assert row["p_troops"] == summary["outcomes"]["troops"]
    assert row["decision_p50"] == summary["days_to_decision"]["p50"]


def test_sweep_without_grid_runs_each_scenario_once():
    assert len(sweep([crisis()], None, runs=100, seed=0)) == 1


def test_grid_number_for_a_per_state_field_applies_to_every_state():
    model = apply(crisis(), {"distance_km": 250.0, "floor": "statement"})
    assert model.distance_km.tolist() == [250.0] * 6
    assert model.floor == 1


def test_grid_sets_one_states_entry_of_a_per_state_array():
    model = apply(crisis(), {"contingent.S2": 7000, "voting.S4": False, "contingent": 10.0})
    assert model.contingent.tolist() == [10.0, 10.0, 7000.0, 10.0, 10.0, 10.0]
    assert model.voting.tolist() == [True, True, True, True, False, True]


def test_grid_rejects_a_state_that_does_not_take_part():
    with pytest.raises(SweepError, match="grid: contingent.RUS: no state 'RUS' takes part in test-crisis"):
        apply(crisis(), {"contingent.RUS": 100})


def test_grid_rejects_an_unknown_field_by_name():
    with pytest.raises(SweepError, match="unknown field 'p_war'"):
        grid_points({"p_war": [0.1]})


def test_grid_rejects_an_invalid_value_naming_the_point():
    with pytest.raises(SweepError, match="p_stand_aside"):
        sweep([crisis()], {"p_stand_aside": [1.5]}, runs=10, seed=0)


@pytest.mark.parametrize("name, value", [("threshold", "abc"), ("contingent", "x"), ("target", 1.5),
                                         ("floor", "war"), ("cost_rule", 3), ("voting", "yes"),
                                         ("stand_aside", 1), ("contingent.S1", "many"), ("voting.S1", 0),
                                         ("relations.RUS-AZE", 2.0)])
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

    result = CliRunner().invoke(app, ["sweep", str(SCENARIO), "--grid", "threshold=0.5,1", "--grid",
                                      "ceiling=mission,troops", "--runs", "500", "--seed", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)["result"]
    assert payload["grid"] == {"threshold": [0.5, 1], "ceiling": ["mission", "troops"]}
    assert [(r["threshold"], r["ceiling"]) for r in payload["rows"]] == [
        (0.5, "mission"), (0.5, "troops"), (1, "mission"), (1, "troops")]
    assert all(r["p_troops"] == 0 for r in payload["rows"] if r["ceiling"] == "mission")


@pytest.mark.parametrize("args, message", [
    (["--grid", "p_war=0.1"], "unknown field 'p_war'"),
    (["--grid", "threshold"], "expected FIELD=VALUE"),
    (["--grid", "p_stand_aside=2"], "expected a probability"),
    (["--grid", "threshold=abc"], "--grid threshold: expected a number, got 'abc'"),
    (["--grid", "horizon_days=0.5,high"], "--grid horizon_days: expected a number, got 'high'"),
    (["--grid", "relations.RUS=0.5"], "expected relations.AAA-BBB"),
    (["--grid", "relations.RUS-AZE=3"], "--grid relations.RUS-AZE: expected a relation between -1 and 1"),
    (["--grid", "contingent.XYZ=100"], "no state 'XYZ' takes part in kazakhstan-2022-01"),
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


@pytest.mark.parametrize("name", ["nope.yaml", "x" * 300, "/dev/zero"])
def test_cli_sweep_over_a_missing_or_unreadable_scenario_names_it_and_exits_2(name):
    """Found by fuzzing: a missing scenario file was a FileNotFoundError (exit 1, "a bug in csto")."""
    from typer.testing import CliRunner

    from csto.cli import app

    result = CliRunner().invoke(app, ["sweep", str(SCENARIO), name, "--runs", "10"])
    assert result.exit_code == 2, result.output
    assert name[:40] in result.output and "bug" not in result.output


def test_sweep_over_a_data_sim_parameter_compiles_each_scenario_with_the_overlay():
    from csto.sim import compile, load_params

    rows = sweep([SCENARIO], {"weights.treaty_basis": [0.0, 3.0]}, runs=BLOCK, seed=2)
    assert [r["weights.treaty_basis"] for r in rows] == [0.0, 3.0]
    model = compile(SCENARIO, params=load_params().with_overlay({"weights.treaty_basis": 0.0}))
    assert rows[0]["p_troops"] == montecarlo.run(model, BLOCK, 2)["outcomes"]["troops"]
    assert rows[0]["p_troops"] < rows[1]["p_troops"]  # a weaker treaty basis sends troops less often


@pytest.mark.parametrize("name", ["weights.treaty_basis", "relations.RUS-AZE"])
def test_sweep_refuses_a_parameter_path_or_relation_for_an_already_compiled_model(name):
    with pytest.raises(SweepError, match="need scenario files, not compiled models"):
        sweep([crisis()], {name: [0.5]}, runs=10, seed=0)


def test_sweep_over_a_relation_replaces_the_recorded_value_of_that_pair():
    # Armenia 2022: Russia's allied relations with Azerbaijan (the perpetrator) weigh against acting
    from csto.sim import compile, load_params
    from csto.sim.backends import with_relations

    armenia = SCENARIO.parent / "armenia-2022-09.yaml"
    rows = sweep([armenia], {"relations.RUS-AZE": [-1.0, 0.6]}, runs=BLOCK, seed=2)
    params = load_params()
    model = compile(armenia, params=with_relations(params, {"relations.AZE-RUS": -1.0}))
    column = list(model.states).index("RUS")
    assert model.factors[column, FACTORS.index("ties_perpetrator")] == -1.0
    assert rows[0]["p_troops"] == montecarlo.run(model, BLOCK, 2)["outcomes"]["troops"]
    assert compile(armenia, params=params).factors[column, FACTORS.index("ties_perpetrator")] == 0.6
    assert rows[0]["p_troops"] >= rows[1]["p_troops"]


def test_sweep_help_lists_what_a_grid_may_vary():
    from typer.testing import CliRunner

    from csto.cli import app
    from csto.sim.backends import GRID_FIELDS

    text = " ".join(CliRunner().invoke(app, ["sweep", "--help"], env={"COLUMNS": "400"}).output.split())
    for name in (*GRID_FIELDS, "contingent.STATE", "voting.STATE", "relations.STATE-STATE", "weights.treaty_basis"):
        assert name in text, name


def test_grid_keys_take_state_codes_in_any_case():
    from csto.sim.backends import grid_points

    points = grid_points({"contingent.rus": [10.0], "relations.rus-aze": [0.5]})
    assert points == [{"contingent.RUS": 10.0, "relations.RUS-AZE": 0.5}]

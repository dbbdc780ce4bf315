"""csto sensitivity: the fast path equals the engine; inert inputs get no index, strong ones a large one; bad input exits 2."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from csto.analysis import sensitivity as S
from csto.cli import app
from csto.record import Record, default_data_dir
from csto.sim import compile, params_for, simulate

SCENARIOS = default_data_dir().parent / "scenarios"
ARMENIA = SCENARIOS / "armenia-2022-09.yaml"


@pytest.fixture(scope="module")
def setup():
    record = Record.open()
    params = params_for(record)
    return record, params, {name: compile(SCENARIOS / f"{name}.yaml", record, params)
                            for name in ("armenia-2022-09", "nagorno-karabakh-2020-09", "kazakhstan-2022-01")}


def _points(model, params, k, seed):
    names, _ = S.default_inputs(model)
    inputs = [S._input(model, params, n) for n in names]
    rng = np.random.default_rng(seed)
    return inputs, np.array([[i.natural(rng.uniform(*i.bounds)) for i in inputs] for _ in range(k)])


@pytest.mark.parametrize("scenario", ["armenia-2022-09", "nagorno-karabakh-2020-09", "kazakhstan-2022-01"])
@pytest.mark.parametrize("rule", ["as compiled", "stand aside", "two thirds"])
def test_fast_path_gives_the_engines_outcome_classes(setup, scenario, rule):
    _, params, models = setup
    model = models[scenario]
    if rule == "stand aside":
        model = dataclasses.replace(model, stand_aside=True)
    elif rule == "two thirds":
        model = dataclasses.replace(model, threshold=2 / 3)
    inputs, X = _points(model, params, 3, seed=len(scenario))
    fast = S.outcome_classes(model, inputs, X, 2500, 11)
    for k in range(len(X)):
        engine = simulate(S.point_model(model, inputs, X[k]), 2500, 11).outcome
        np.testing.assert_array_equal(fast[k], engine)


def test_a_point_changes_only_its_inputs(setup):
    _, params, models = setup
    m = models["armenia-2022-09"]
    inputs = [S._input(m, params, n) for n in ("w.treaty_basis", "ties_target.RUS", "horizon_days")]
    p = S.point_model(m, inputs, [4.0, -0.5, 30.0])
    assert (p.particles[:, S.COL["w.treaty_basis"]] == 4.0).all()
    np.testing.assert_array_equal(np.delete(p.particles, S.COL["w.treaty_basis"], 1),
                                  np.delete(m.particles, S.COL["w.treaty_basis"], 1))
    assert p.factors[m.states.index("RUS"), S.FACTORS.index("ties_target")] == -0.5 and p.horizon_days == 30.0


def test_inert_inputs_get_no_index_and_the_treaty_basis_a_large_one(setup):
    record, params, models = setup
    names = ["w.treaty_basis", "ties_target.ARM", "deploy_fraction", "horizon_days", "cut.gap4"]
    out = S.sensitivity(ARMENIA, record, params, base_samples=32, runs=1000, seed=2, inputs=names,
                        model=models["armenia-2022-09"])
    assert out["method"]["points"] == 32 * (2 * len(names) + 2)
    for name in ("mean_class", "p_assistance_or_troops"):
        st = {r["input"]: r["ST"] for r in out["outputs"][name]["indices"]}
        assert st["ties_target.ARM"] == 0.0  # the target does not vote: its ties cannot matter
        assert st["deploy_fraction"] == 0.0  # how many deploy cannot change the class
        assert st["horizon_days"] < 0.02  # decisions on an armed attack take about a day
        assert st["w.treaty_basis"] > 0.5
        assert out["outputs"][name]["indices"][0]["input"] == "w.treaty_basis"


def test_same_seed_same_indices(setup):
    record, params, models = setup
    kw = dict(base_samples=8, runs=300, seed=5, inputs=["w.intercept", "cut.0"], model=models["kazakhstan-2022-01"])
    assert S.sensitivity(None, record, params, **kw) == S.sensitivity(None, record, params, **kw)


def test_default_inputs_name_every_voters_ties_and_say_what_is_left_out(setup):
    _, _, models = setup
    names, left = S.default_inputs(models["armenia-2022-09"])
    assert "ties_target.RUS" in names and "ties_perpetrator.RUS" in names and "ties_target.ARM" not in names
    assert {"p_stand_aside", "horizon_days", "deploy_fraction", "mobilise_median", "w.treaty_basis"} <= set(names)
    assert any(x["input"] == "w.is_perpetrator" for x in left)
    names, left = S.default_inputs(models["kazakhstan-2022-01"])  # no perpetrator state
    assert not any(n.startswith("ties_perpetrator.") for n in names)


runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_command_prints_indices_sorted_by_total_index_as_json():
    r = invoke("sensitivity", ARMENIA, "-N", 8, "-n", 300, "-i", "w.treaty_basis", "-i", "ties_target.ARM",
               "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)["result"]
    assert out["scenario"] == "armenia-2022-09" and out["seed"] == 0
    for key in ("base_samples", "points", "runs_per_point", "common_random_numbers", "drawn_per_replication"):
        assert key in out["method"]
    rows = out["outputs"]["mean_class"]["indices"]
    assert set(rows[0]) == {"input", "S1", "S1_conf", "ST", "ST_conf"}
    assert [r["ST"] for r in rows] == sorted((r["ST"] for r in rows), reverse=True)
    assert "mcse_at_one_point" in out["outputs"]["p_assistance_or_troops"]


def test_command_prints_a_table_by_default():
    r = invoke("sensitivity", ARMENIA, "-N", 4, "-n", 200, "-i", "w.treaty_basis", "-i", "cut.0")
    assert r.exit_code == 0, r.output
    assert "w.treaty_basis" in r.stdout and "ST" in r.stdout


@pytest.mark.parametrize("args, named", [
    (["-i", "w.no_such_weight"], "'w.no_such_weight'"),
    (["-i", "ties_target.XXX"], "'ties_target.XXX'"),
    (["-N", 1000], "1000"),
    (["-N", 0], "got 0"),
    (["-o", "p_peace"], "'p_peace'"),
    (["-i", "cut.0", "-i", "cut.0"], "cut.0"),
])
def test_bad_input_exits_2_naming_the_value(args, named):
    r = invoke("sensitivity", ARMENIA, "-n", 100, *args)
    assert r.exit_code == 2, r.output
    assert named in r.stderr and "Traceback" not in r.output
    j = invoke("sensitivity", ARMENIA, "-n", 100, *args, "--format", "json")
    assert j.exit_code == 2 and named in json.loads(j.stdout)["error"]["message"]

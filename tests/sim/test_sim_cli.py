"""csto simulate and csto backtest: JSON fields, exit codes, clear errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from csto.cli import app
from csto.record import default_data_dir

SCENARIOS = default_data_dir().parent / "scenarios"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_simulate_json_has_the_documented_fields():
    r = invoke("simulate", SCENARIOS / "armenia-2022-09.yaml", "--runs", 2000, "--seed", 3, "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)["result"]
    for key in ("scenario", "date", "seed", "runs", "outcomes", "most_likely", "days_to_decision",
                "days_to_first_troops", "peak_personnel", "personnel_by_state", "cost_by_state", "blocking",
                "most_often_blocks", "model", "outcomes_mcse", "p_no_decision", "p_refused_by_target", "outvoted",
                "most_often_blocks_why", "min_n"):
        assert key in out
    assert out["runs"] == 2000 and set(out["outcomes"]) == {"nothing", "statement", "consultations", "mission",
                                                             "assistance", "troops"}


def test_simulate_is_reproducible_from_the_command_line():
    args = ("simulate", SCENARIOS / "kazakhstan-2022-01.yaml", "--runs", 1500, "--seed", 9, "--format", "json")
    assert invoke(*args).stdout == invoke(*args).stdout


def test_simulate_prints_a_table_by_default():
    r = invoke("simulate", SCENARIOS / "kazakhstan-2022-01.yaml", "--runs", 500)
    assert r.exit_code == 0 and "troops" in r.stdout and "Most often blocks" in r.stdout


@pytest.mark.parametrize("runs", ["-5", "0", "1000000000"])
def test_a_bad_number_of_runs_exits_2(runs):
    r = invoke("simulate", SCENARIOS / "armenia-2022-09.yaml", "--runs", runs)
    assert r.exit_code == 2 and "runs" in r.output and "Traceback" not in r.output


def test_a_missing_scenario_exits_2():
    r = invoke("simulate", "no/such/scenario.yaml")
    assert r.exit_code == 2 and "no such file" in r.output


def test_a_bad_simulation_block_exits_2_naming_the_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((SCENARIOS / "armenia-2022-09.yaml").read_text().split("\nsimulation:")[0]
                   + "\nsimulation:\n  formation_size: 3\n")
    r = invoke("simulate", bad, "--runs", 100)
    assert r.exit_code == 2 and "simulation.formation_size" in r.output


def test_a_malformed_scenario_exits_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("date: 2022-02-30\nkind: armed-aggression\ntargets: [ARM]\n")
    r = invoke("simulate", bad)
    assert r.exit_code == 2 and "bad.yaml" in r.output and "Traceback" not in r.output


def test_backtest_json_reports_every_case_out_of_sample():
    r = invoke("backtest", "--particles", 1024, "--reps", 16, "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)["result"]
    cases = {c["crisis"]: c for c in out["cases"]}
    assert {"kaz-2022-january", "arm-2022-september", "kgz-1999-batken"} <= set(cases)
    assert cases["kaz-2022-january"]["predicted"]["outcome"] == "troops"
    assert set(out["scores"]) == {"model", "most_common", "base_rate", "uniform"} and out["note"]


def test_calibrate_writes_a_posterior_the_simulation_uses(tmp_path):
    target = tmp_path / "posterior.json"
    r = invoke("calibrate", "--particles", 512, "--reps", 8, "--out", target, "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)["result"]
    written = json.loads(target.read_text())
    assert out["effective_sample_size"] > 1 and len(written["particles"]) == 2000
    assert written["prior_key"] == out["prior_key"] and "particles" not in out


@pytest.mark.parametrize("flag, value", [("--particles", 0), ("--reps", -1), ("--seed", -3)])
def test_backtest_bad_settings_exit_2(flag, value):
    r = invoke("backtest", flag, value)
    assert r.exit_code == 2 and flag.strip("-") in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("where, message", [("no/such/dir", "no such directory"),
                                            (SCENARIOS / "kazakhstan-2022-01.yaml", "expected a directory")])
def test_backtest_with_a_bad_scenarios_directory_exits_2(where, message):
    r = invoke("backtest", "--particles", 16, "--reps", 2, "--scenarios", where)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_backtest_with_two_scenarios_of_one_crisis_exits_2(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text((SCENARIOS / "kazakhstan-2022-01.yaml").read_text())
    r = invoke("backtest", "--particles", 16, "--reps", 2, "--scenarios", tmp_path)
    assert r.exit_code == 2 and "a.yaml" in r.output and "b.yaml" in r.output

"""The backtest: every crisis in the record, predicted against actual, with leave-one-out timings."""

from __future__ import annotations

import math

import pytest

from csto.analysis.backtest import backtest, event_from_crisis


@pytest.fixture(scope="module")
def result(record):
    return backtest(record, particles=1024, reps=16, seed=0, repeats=2)


def test_every_crisis_in_the_record_is_run(record, result):
    assert {c["crisis"] for c in result["cases"]} == {c.id for c in record.crises()}


def test_the_record_holds_requests_and_crises_nobody_asked_about(result):
    requested = [c for c in result["cases"] if c["requested"]]
    unasked = [c for c in result["cases"] if not c["requested"]]
    assert len(requested) >= 6 and len(unasked) >= 7


def test_predictions_are_distributions_scored_with_proper_scores(result):
    for case in result["cases"]:
        probs = case["predicted"]["probabilities"]
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-3)
        y = {k: float(k == case["outcome"]) for k in probs}
        assert case["brier"] == pytest.approx(sum((probs[k] - y[k]) ** 2 for k in probs), abs=2e-3)


def test_out_of_sample_differs_from_in_sample(result):
    moved = [c for c in result["cases"] if c["predicted"]["probabilities"] != c["predicted"]["in_sample"]]
    assert len(moved) == len(result["cases"])


def test_baselines_are_scored_beside_the_model(result):
    scores = result["scores"]
    assert set(scores) == {"model", "most_common", "base_rate", "uniform"}
    assert scores["uniform"]["log"] == pytest.approx(math.log(6), abs=1e-3)
    assert isinstance(result["summary"]["beats_base_rate"], bool)


def test_timings_are_scored_where_a_decision_date_is_recorded(result):
    kaz = next(c for c in result["cases"] if c["crisis"] == "kaz-2022-january")
    assert kaz["days_to_decision"] == 1.0 and kaz["crps_days_to_decision"] is not None
    assert result["crps_days_to_decision"]["model"] is not None


def test_the_reliability_table_covers_every_forecast(result):
    assert sum(r["n"] for r in result["reliability"]) == 6 * len(result["cases"])


def test_the_shipped_posterior_was_calibrated_on_the_shipped_priors_and_crises(record):
    from csto.analysis.calibrate import data_key
    from csto.sim import params_for

    params = params_for(record)
    assert params.posterior is not None, "run csto calibrate"
    assert params.posterior["prior_key"] == params.base_key, "priors changed: rerun csto calibrate"
    assert params.posterior["data_key"] == data_key(record), "crises changed: rerun csto calibrate"


def test_calibration_reruns_to_the_same_numbers(record):
    from csto.analysis.calibrate import calibrate

    a = calibrate(record, particles=256, reps=4, seed=5)
    b = calibrate(record, particles=256, reps=4, seed=5)
    assert a["particles"] == b["particles"] and a["effective_sample_size"] == b["effective_sample_size"]


def test_a_crisis_without_a_scenario_file_becomes_an_event(record):
    for crisis in record.crises():
        event = event_from_crisis(crisis)
        assert event.targets == list(crisis.targets)


# -- the scenarios directory ------------------------------------------------------

from pathlib import Path  # noqa: E402

from csto.analysis.backtest import scenario_files  # noqa: E402
from csto.record import RecordError  # noqa: E402

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
KAZAKHSTAN = SCENARIOS / "kazakhstan-2022-01.yaml"


def test_the_shipped_scenarios_each_name_a_distinct_crisis_of_the_record(record):
    files = scenario_files(SCENARIOS, record.crises())
    assert files["kaz-2022-january"] == KAZAKHSTAN and set(files) <= {c.id for c in record.crises()}


def test_a_scenarios_directory_that_does_not_exist_is_an_error(record, tmp_path):
    with pytest.raises(RecordError, match="no such directory"):
        backtest(record, particles=16, reps=2, scenarios=tmp_path / "nope")


def test_a_file_given_as_the_scenarios_directory_is_an_error(record):
    with pytest.raises(RecordError, match="expected a directory"):
        backtest(record, particles=16, reps=2, scenarios=KAZAKHSTAN)


def test_two_scenarios_of_one_crisis_are_an_error_naming_both(record, tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(KAZAKHSTAN.read_text())
    with pytest.raises(RecordError) as err:
        scenario_files(tmp_path, record.crises())
    assert "a.yaml" in str(err.value) and "b.yaml" in str(err.value) and "simulation.crisis" in str(err.value)


def test_an_unknown_crisis_is_an_error_with_file_line_and_field(record, tmp_path):
    (tmp_path / "a.yaml").write_text(KAZAKHSTAN.read_text().replace("crisis: kaz-2022-january", "crisis: nope"))
    with pytest.raises(RecordError, match=r"a\.yaml:\d+: simulation\.crisis: no such crisis.*'nope'"):
        scenario_files(tmp_path, record.crises())


def test_a_scenario_dated_outside_its_crisis_is_an_error(record, tmp_path):
    (tmp_path / "a.yaml").write_text(KAZAKHSTAN.read_text().replace("2022-01-05", "2022-03-05"))
    with pytest.raises(RecordError, match=r"a\.yaml:\d+: date: outside the dates of crisis kaz-2022-january"):
        scenario_files(tmp_path, record.crises())


def test_a_scenario_may_be_dated_between_its_crisis_and_the_request_for_help(record, tmp_path):
    (tmp_path / "a.yaml").write_text(KAZAKHSTAN.read_text().replace("date: 2022-01-05\nkind", "date: 2022-01-03\nkind"))
    assert scenario_files(tmp_path, record.crises()) == {"kaz-2022-january": tmp_path / "a.yaml"}


@pytest.mark.slow
def test_the_shipped_posterior_is_what_csto_calibrate_computes(record):
    """The procedure is in the repository and reruns: its default run gives the shipped file, number for number."""
    import json

    from csto.analysis.calibrate import calibrate
    from csto.sim import params_for

    params = params_for(record)
    shipped = json.loads((Path(params.files["decision"]).parent / "posterior.json").read_text())
    again = json.loads(json.dumps(calibrate(record, params)))
    assert again["particles"] == shipped["particles"] and again["settings"] == shipped["settings"]


def test_scores_carry_their_monte_carlo_error_over_repeated_calibrations(result):
    model = result["scores"]["model"]
    assert result["settings"]["repeats"] == 2 and model["brier_mcse"] is not None and model["log_mcse"] is not None
    assert isinstance(result["summary"]["beats_base_rate_beyond_noise"], bool)
    assert not result["summary"]["beats_base_rate_beyond_noise"] or result["summary"]["beats_base_rate"]

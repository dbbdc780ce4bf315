"""The backtest: every crisis in the record, predicted against actual, with leave-one-out timings."""

from __future__ import annotations

import pytest

from csto.analysis.backtest import backtest, event_from_crisis, fit_decision_days
from csto.record import Record, default_data_dir


@pytest.fixture(scope="module")
def record():
    rec = Record.open(default_data_dir())
    yield rec
    rec.close()


@pytest.fixture(scope="module")
def result(record):
    return backtest(record, runs=500, seed=0)


def test_every_crisis_in_the_record_is_run(record, result):
    assert {c["crisis"] for c in result["cases"]} == {c.id for c in record.crises()}


def test_kazakhstan_and_armenia_come_out_as_they_happened(result):
    cases = {c["crisis"]: c for c in result["cases"]}
    kaz, arm = cases["kaz-2022-january"], cases["arm-2022-september"]
    assert kaz["hit"] and 1500 <= kaz["predicted"]["peak_personnel_p50"] <= 2600
    assert arm["predicted"]["probabilities"]["troops"] < 0.05


def test_actual_timings_are_days_from_the_request(result):
    kaz = next(c for c in result["cases"] if c["crisis"] == "kaz-2022-january")
    assert kaz["actual"]["days_to_decision"] == 1.0 and kaz["actual"]["days_to_first_troops"] == 1.0


def test_leave_one_out_refits_without_the_case(record, result):
    for case in result["cases"]:
        if case["loo"]:
            assert case["loo"]["fitted_days_to_decision"] == fit_decision_days(record.crises(), exclude=case["crisis"])


def test_the_report_admits_what_is_in_sample(result):
    assert "in-sample" in result["note"]


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
        backtest(record, runs=10, scenarios=tmp_path / "nope")


def test_a_file_given_as_the_scenarios_directory_is_an_error(record):
    with pytest.raises(RecordError, match="expected a directory"):
        backtest(record, runs=10, scenarios=KAZAKHSTAN)


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

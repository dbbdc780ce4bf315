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

"""The two crises the seeds describe, as the model must reproduce them."""

from __future__ import annotations

import pytest

from csto.record import default_data_dir
from csto.sim import compile, run

SCENARIOS = default_data_dir().parent / "scenarios"


@pytest.fixture(scope="module")
def kazakhstan(record, params):
    return run(compile(SCENARIOS / "kazakhstan-2022-01.yaml", record, params), 5000, seed=1)


@pytest.fixture(scope="module")
def armenia(record, params):
    return run(compile(SCENARIOS / "armenia-2022-09.yaml", record, params), 5000, seed=1)


def test_kazakhstan_2022_is_a_deployment(kazakhstan):
    assert kazakhstan["most_likely"] == "troops" and kazakhstan["outcomes"]["troops"] > 0.8


def test_kazakhstan_2022_sends_about_two_thousand(kazakhstan):
    assert 1500 <= kazakhstan["peak_personnel"]["p50"] <= 2600


def test_kazakhstan_2022_troops_land_within_days(kazakhstan):
    assert kazakhstan["days_to_first_troops"]["p50"] <= 3
    assert kazakhstan["days_to_first_troops"]["p95"] <= 14  # wider with parameter uncertainty


def test_kazakhstan_2022_russia_sends_most(kazakhstan):
    by_state = {s: v["mean_when_deployed"] for s, v in kazakhstan["personnel_by_state"].items()}
    assert max(by_state, key=by_state.get) == "RUS"
    assert by_state["KAZ"] == 0


def test_armenia_2022_gets_no_military_assistance(armenia):
    assert armenia["outcomes"]["troops"] < 0.15
    assert armenia["most_likely"] not in ("troops", "assistance")


def test_armenia_2022_is_blocked_by_a_member_with_ties_to_the_attacker(armenia):
    assert armenia["most_often_blocks"] in ("RUS", "KAZ", "KGZ")


def test_kazakhstan_2022_contingent_sizes_are_uncertain_around_two_thousand(kazakhstan):
    peak = kazakhstan["peak_personnel"]
    assert peak["p05"] < peak["p25"] < peak["p50"] < peak["p75"] < peak["p95"]  # it varies
    assert abs(peak["p50"] - 2000) <= 0.15 * 2000
    assert peak["p95"] - peak["p05"] >= 400  # a real spread, not rounding


def test_kazakhstan_2022_the_same_seed_gives_the_same_numbers(kazakhstan, record, params):
    again = run(compile(SCENARIOS / "kazakhstan-2022-01.yaml", record, params), 5000, seed=1)
    assert again == kazakhstan
    other = run(compile(SCENARIOS / "kazakhstan-2022-01.yaml", record, params), 5000, seed=2)
    assert other["peak_personnel"] != kazakhstan["peak_personnel"]


def test_the_model_can_say_they_delayed(record, params):
    """Kazakhstan decided within a day; Tajikistan 2021 waited weeks: the same model, no case switch."""
    kaz = run(compile(SCENARIOS / "kazakhstan-2022-01.yaml", record, params), 5000, seed=1)
    tjk = run(compile(SCENARIOS / "tajikistan-2021-07.yaml", record, params), 5000, seed=1)
    assert kaz["days_to_decision"]["p50"] <= 1.5
    assert tjk["days_to_decision"]["p75"] >= 10 * kaz["days_to_decision"]["p50"]
    assert tjk["p_no_decision"] > kaz["p_no_decision"]


def test_no_request_cases_differ_by_their_features(record, params):
    karabakh = compile(SCENARIOS / "nagorno-karabakh-2020-09.yaml", record, params)
    clash = compile(SCENARIOS / "kyrgyzstan-tajikistan-2022-09.yaml", record, params)
    assert not karabakh.requested and not clash.requested
    assert karabakh.request_features.tolist() != clash.request_features.tolist()
    a, b = run(karabakh, 5000, seed=1), run(clash, 5000, seed=1)
    assert abs(a["p_request"] - b["p_request"]) > 4 * (a["p_request_mcse"] + b["p_request_mcse"])


def test_twenty_thousand_runs_give_class_errors_below_a_hundredth(record, params):
    out = run(compile(SCENARIOS / "armenia-2022-09.yaml", record, params), 20000, seed=1)
    assert max(out["outcomes_mcse"].values()) < 0.01 and 0 < max(out["outcomes"].values()) < 1

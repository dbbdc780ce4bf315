"""The decision rule on sealed positions, the deployment of pledges, the schedule and the procedure file."""

from __future__ import annotations

from datetime import date

import pytest

from csto.errors import RecordError
from csto.exercise import procedure, rules
from csto.exercise.debrief import brier, where
from csto.exercise.procedure import Timings, schedule

FIVE = ["A", "B", "C", "D", "E"]


def model(rule="consensus", threshold=1.0, stand_aside=False, voters=FIVE, floor="consultations", ceiling="troops"):
    return {"voters": voters, "rule": rule, "threshold": threshold, "stand_aside": stand_aside, "floor": floor,
            "ceiling": ceiling}


def test_consensus_is_the_strongest_action_every_voter_accepts():
    out = rules.decide(model(), {"A": "troops", "B": "troops", "C": "mission", "D": "assistance", "E": "troops"})
    assert out["decision"] == "mission" and out["blockers"] == ["C"]


def test_unanimity_below_the_ceiling_names_no_blocker():
    out = rules.decide(model(), dict.fromkeys(FIVE, "mission"))
    assert out["decision"] == "mission" and out["blockers"] == []


def test_a_block_falls_to_the_floor_never_below_it():
    out = rules.decide(model(), {**dict.fromkeys(FIVE, "troops"), "E": "block"})
    assert out["decision"] == "consultations" and out["explicit_blocks"] == ["E"] and out["blockers"] == ["E"]


def test_two_thirds_of_five_needs_four():
    m = model("qualified-majority", 2 / 3)
    four = {**dict.fromkeys(FIVE, "troops"), "E": "block"}
    assert rules.decide(m, four)["decision"] == "troops"
    three = {**four, "D": "statement"}
    out = rules.decide(m, three)
    assert out["decision"] == "consultations" and out["votes_needed"] == 4
    assert out["outvoted"] == ["D", "E"]  # as in the model: below the decision once the floor lifts it


def test_standing_aside_leaves_the_decision_to_the_others():
    m = model("consensus-stand-aside", 1.0, True)
    out = rules.decide(m, {**dict.fromkeys(FIVE, "troops"), "C": "stand_aside"})
    assert out["decision"] == "troops" and out["stood_aside"] == ["C"] and out["taking_part"] == ["A", "B", "D", "E"]
    everyone = rules.decide(m, dict.fromkeys(FIVE, "stand_aside"))
    assert everyone["decision"] == "consultations"  # nobody takes part: the floor


def test_no_voter_at_all_decides_nothing():
    assert rules.decide(model(voters=[]), {})["decision"] == "nothing"


def test_a_position_above_the_ceiling_is_capped():
    out = rules.decide(model(ceiling="assistance"), dict.fromkeys(FIVE, "troops"))
    assert out["decision"] == "assistance"


NUMBERS = {"distance_km": {"A": 2400.0, "B": 600.0}, "air_speed_kmh": 600.0, "pax_per_flight": 40.0,
           "flights_per_day": 10.0, "mobilise_median": 1.0, "mobilise_sigma": 0.0, "operation_median": 10.0,
           "operation_sigma": 0.0, "cost_person_day": 100.0, "cost_flight": 1000.0, "cost_rule": "contributor",
           "budget_share": {"A": 0.5, "B": 0.5, "T": 0.0}}


def test_a_deployment_is_timed_and_costed_by_the_models_steps():
    dep = rules.deployment(NUMBERS, {"A": 100, "B": 20, "C": 0}, 2.0, seed=1, salt=1, draws=50)
    assert dep["personnel"] == {"A": 100, "B": 20} and dep["flights"] == {"A": 3, "B": 1}
    assert dep["buildup_days"] == pytest.approx(0.4)
    # first troops: decision + mobilisation (1 day, no spread) + the nearest contributor's transit (600 km)
    assert dep["days_to_first_troops"]["p50"] == pytest.approx(2.0 + 1.0 + 600 / (600 * 24), abs=1e-3)
    assert dep["days_to_withdrawal"]["p50"] == pytest.approx(dep["days_to_first_troops"]["p50"] + 10.0 + 0.4, abs=1e-3)
    assert dep["cost_by_state"]["A"] == pytest.approx(100 * 10.4 * 100 + 2 * 3 * 1000)
    assert dep["cost_by_state"]["T"] == 0.0


def test_a_deployment_split_by_budget_shares_is_reproducible():
    numbers = {**NUMBERS, "cost_rule": "budget", "mobilise_sigma": 0.5, "operation_sigma": 0.5}
    one = rules.deployment(numbers, {"A": 100}, 1.0, seed=3, salt=9, draws=200)
    assert one == rules.deployment(numbers, {"A": 100}, 1.0, seed=3, salt=9, draws=200)
    assert one != rules.deployment(numbers, {"A": 100}, 1.0, seed=3, salt=10, draws=200)
    assert one["cost_by_state"]["A"] == pytest.approx(one["cost_by_state"]["B"]) and one["cost_by_state"]["T"] == 0


PHASES = [{"id": "request", "day": {"after": "request", "days": 0}},
          {"id": "council", "day": {"after": "request", "days": 1, "not_after": "decision"}},
          {"id": "decision", "day": {"after": "request", "days": "model.days_to_decision"}},
          {"id": "deployment", "day": {"after": "request", "days": "deployment.days_to_first_troops"}},
          {"id": "debrief", "day": {"after": "deployment", "days": 0}}]


def test_the_schedule_follows_the_model_and_compresses_before_an_urgent_decision():
    day = date(2022, 1, 5)
    slow = schedule(PHASES, day, Timings(days_to_decision=6.4))
    assert slow == {"request": "2022-01-05", "council": "2022-01-06", "decision": "2022-01-11", "deployment": None,
                    "debrief": "2022-01-11"}
    urgent = schedule(PHASES, day, Timings(days_to_decision=0.2, days_to_first_troops=1.6))
    assert urgent["council"] == "2022-01-05" == urgent["decision"] and urgent["deployment"] == "2022-01-07"


def test_brier_and_where_in_a_distribution():
    assert brier({"troops": 1.0}, "troops") == 0 and brier({"troops": 1.0}, "mission") == 2
    w = where({"mission": 0.2, "assistance": 0.3, "troops": 0.5}, {}, "assistance")
    assert (w["p_weaker"], w["p_same"], w["p_stronger"], w["percentile"]) == (0.2, 0.3, 0.5, 0.35)


def test_the_shipped_procedure_names_what_the_record_and_the_law_hold(record):
    proc = procedure.load(record)
    ids = [p.id for p in proc.phases]
    assert ids[:4] == ["request", "permanent-council", "consultations", "council-decision"]
    assert sum(p.decision for p in proc.phases) == 1 and proc.game.debrief_runs.value >= 1000


@pytest.mark.parametrize("change, field", [
    ("organs: [permanent-council, secretariat]", "organs"),
    ("articles: []\n      day: {after: request, days: 1, not_after: council-decision}", "not_after"),
])
def test_a_procedure_that_names_what_does_not_exist_is_refused_with_its_line(record, tmp_path, change, field):
    text = procedure.default_path().read_text()
    bad = {"organs": text.replace(change, "organs: [permanent-council, politburo]", 1),
           "not_after": text.replace(change, "articles: []\n      day: {after: request, days: 1, not_after: request}",
                                     1)}[field]
    assert bad != text
    path = tmp_path / "procedure.yaml"
    path.write_text(bad)
    with pytest.raises(RecordError) as caught:
        procedure.load(record, path)
    err = caught.value
    assert err.file == str(path) and err.line is not None and field in err.field

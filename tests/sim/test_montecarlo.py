"""The Monte Carlo engine: reproducible, chunking-invariant, and faithful to the generative story."""

from __future__ import annotations

import numpy as np
import pytest

from csto.sim import BLOCK, OUTCOMES, TROOPS, ModelError, SimulationError, run, simulate, summarize
from csto.sim.montecarlo import Accumulator

FIELDS = ("outcome", "requested", "days_to_decision", "days_to_troops", "days_to_withdrawal", "peak_personnel",
          "personnel", "cost", "blocker")


def same(a, b) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True) for f in FIELDS)


def test_same_seed_gives_identical_numbers(toy):
    assert same(simulate(toy(), 3000, seed=7), simulate(toy(), 3000, seed=7))


def test_different_seeds_give_different_numbers(toy):
    assert not same(simulate(toy(), 3000, seed=7), simulate(toy(), 3000, seed=8))


@pytest.mark.parametrize("chunk", [1, BLOCK - 1, BLOCK, 3 * BLOCK + 5, 10**6])
def test_chunking_does_not_change_a_single_number(chunk, toy):
    runs = 3 * BLOCK + 17
    assert same(simulate(toy(), runs, seed=3, chunk=chunk), simulate(toy(), runs, seed=3))


def test_flat_memory_run_equals_summary_of_every_replication(toy):
    runs = 2 * BLOCK + 100
    assert run(toy(), runs, seed=5, chunk=BLOCK) == summarize(simulate(toy(), runs, seed=5, chunk=10**6))


def test_a_longer_run_starts_with_the_shorter_one(toy):
    short, long = simulate(toy(), 1500, seed=11), simulate(toy(), 5000, seed=11)
    assert same(short, long.slice(0, 1500))


def test_progress_is_reported_for_every_replication(toy):
    seen = []
    run(toy(), 2 * BLOCK + 3, seed=1, chunk=BLOCK, progress=seen.append)
    assert sum(seen) == 2 * BLOCK + 3 and len(seen) == 3


@pytest.mark.parametrize("runs", [0, -5, 10**9, 2.5, "100", True])
def test_a_bad_number_of_runs_is_refused_by_name(runs, toy):
    with pytest.raises(SimulationError, match="runs"):
        simulate(toy(), runs, seed=1)


@pytest.mark.parametrize("seed", [-1, 1.5, None])
def test_a_bad_seed_is_refused_by_name(seed, toy):
    with pytest.raises(SimulationError, match="seed"):
        simulate(toy(), 10, seed=seed)


def test_without_a_request_only_a_statement_or_nothing_happens(toy):
    out = simulate(toy(p_request=0.0, p_statement_unrequested=0.3), 20000, seed=2)
    assert set(np.unique(out.outcome)) <= {0, 1}
    assert abs((out.outcome == 1).mean() - 0.3) < 0.02
    assert np.isnan(out.days_to_decision).all() and (out.peak_personnel == 0).all() and (out.blocker == -1).all()


def test_willing_members_send_every_contingent(toy):
    out = simulate(toy(stance_mean=[9.0] * 6, stance_sd=0.1), 2000, seed=2)
    assert (out.outcome == TROOPS).all()
    assert (out.peak_personnel == 2050).all()
    assert (out.personnel.sum(axis=1) == out.peak_personnel).all()
    assert (out.personnel[:, 2] == 0).all()  # the target sends nothing to itself


def test_the_least_willing_member_sets_the_outcome_and_is_the_blocker(toy):
    means = [9.0, 9.0, 9.0, 9.0, 9.0, 0.25]  # TJK accepts a mission at most (cutpoints 0 and 0.5)
    out = simulate(toy(stance_mean=means, stance_sd=0.01), 1000, seed=2)
    assert (out.outcome == OUTCOMES.index("mission")).all()
    assert (out.blocker == 5).all()
    assert summarize(out)["most_often_blocks"] == "TJK"


def test_a_reluctant_member_who_may_stand_aside_does_not_block(toy):
    means = [9.0, 9.0, 9.0, 9.0, 9.0, 0.25]
    out = simulate(toy(stance_mean=means, stance_sd=0.01, p_stand_aside=[1.0] * 6), 1000, seed=2)
    assert (out.outcome == TROOPS).all()
    assert (out.personnel[:, 5] == 0).all()  # standing aside means not contributing


def test_a_member_that_does_not_vote_cannot_block(toy):
    means = [9.0, 9.0, 9.0, 9.0, 9.0, -9.0]
    out = simulate(toy(stance_mean=means, stance_sd=0.01, voting=[True] * 5 + [False]), 500, seed=2)
    assert (out.outcome == TROOPS).all() and (out.blocker == -1).all()


def test_the_floor_holds_even_when_a_member_wants_nothing(toy):
    out = simulate(toy(stance_mean=[-9.0] * 6, stance_sd=0.01, floor=2), 500, seed=2)
    assert (out.outcome == OUTCOMES.index("consultations")).all()


@pytest.mark.parametrize("voting", [[False] * 6, [False, False, True, False, False, False]])
def test_with_no_voter_nobody_consents_and_nothing_happens(voting, toy):
    # an empty set of voters is not consensus: neither the ceiling nor the floor is reached
    out = simulate(toy(stance_mean=[9.0] * 6, stance_sd=0.01, voting=voting, floor=2), 500, seed=2)
    assert (out.outcome == 0).all() and (out.blocker == -1).all() and (out.peak_personnel == 0).all()
    assert not out.cost.any()


def test_a_model_of_no_states_is_nothing(toy):
    empty = toy(states=(), target=-1, stance_mean=[], voting=[], p_stand_aside=[], contingent=[],
                distance_km=[], budget_share=[])
    assert summarize(simulate(empty, 500, seed=2))["outcomes"]["nothing"] == 1.0


def test_troops_without_any_contributor_fall_to_assistance(toy):
    out = simulate(toy(stance_mean=[9.0] * 6, stance_sd=0.01, contingent=[0.0] * 6), 500, seed=2)
    assert (out.outcome == OUTCOMES.index("assistance")).all()


def test_under_the_budget_rule_costs_follow_budget_shares(toy):
    out = simulate(toy(stance_mean=[9.0] * 6, stance_sd=0.01, cost_rule="budget"), 500, seed=2)
    shares = out.cost / out.cost.sum(axis=1, keepdims=True)
    assert np.allclose(shares, [0.1, 0.1, 0.1, 0.1, 0.5, 0.1])


def test_first_troops_arrive_after_the_decision_and_leave_after_arriving(toy):
    out = simulate(toy(stance_mean=[9.0] * 6, stance_sd=0.01), 2000, seed=4)
    assert (out.days_to_troops > out.days_to_decision).all()
    assert (out.days_to_withdrawal > out.days_to_troops).all()


def test_the_summary_has_the_documented_fields(toy):
    s = summarize(simulate(toy(), 2000, seed=1))
    assert set(s) == {"runs", "p_request", "outcomes", "most_likely", "days_to_decision", "days_to_first_troops",
                      "days_to_withdrawal", "peak_personnel", "personnel_by_state", "cost_by_state", "blocking",
                      "most_often_blocks"}
    assert abs(sum(s["outcomes"].values()) - 1) < 1e-3
    assert set(s["days_to_decision"]) == {"n", "mean", "p05", "p25", "p50", "p75", "p95"}


def test_quantiles_are_floored_to_the_hour(toy):
    out = simulate(toy(consult_sigma=0.0, session_sigma=0.0, consult_median=0.5, session_median=0.5), 100, seed=1)
    acc = Accumulator(out.states).add(out)
    assert acc.result()["days_to_decision"]["p50"] == 1.0


@pytest.mark.parametrize("change, field", [
    ({"cutpoints": [0, 0, 1, 2, 3]}, "cutpoints"),
    ({"stance_mean": [1.0, 2.0]}, "stance_mean"),
    ({"p_request": 1.5}, "p_request"),
    ({"cost_rule": "whoever"}, "cost_rule"),
    ({"floor": 5, "ceiling": 3}, "floor"),
    ({"consult_median": 0}, "consult_median"),
])
def test_an_impossible_model_is_refused_at_construction(change, field, toy):
    with pytest.raises(ModelError, match=field):
        toy(**change)


def test_summaries_of_parts_merge_exactly_in_any_order(toy):
    model = toy()
    whole = simulate(model, 3 * BLOCK + 5, 4)
    cuts = [0, 700, 2 * BLOCK + 1, len(whole)]
    parts = [Accumulator(model.states).add(whole.slice(a, b)) for a, b in zip(cuts, cuts[1:])]
    for order in (parts, parts[::-1], [parts[1], parts[0], parts[2]]):
        merged = Accumulator(model.states)
        for part in order:
            merged.merge(part)
        assert merged.result() == summarize(whole)


def test_summaries_of_different_states_do_not_merge(toy):
    with pytest.raises(ValueError, match="different states"):
        Accumulator(toy().states).merge(Accumulator(("XXX",)))


# -- step 6: the share of its contingent each contributor sends ---------------------------------------

WILLING = dict(stance_mean=[9.0] * 6, stance_sd=0.1)
CONTINGENT = np.array([100, 100, 0, 150, 1500, 200])  # the toy's


def test_a_contributor_sends_a_drawn_share_of_its_contingent_in_whole_persons(toy):
    out = simulate(toy(**WILLING, deploy_fraction=0.6, deploy_concentration=10.0), 20000, seed=4)
    sent = out.personnel[:, CONTINGENT > 0]
    assert (sent >= 1).all() and (sent <= CONTINGENT[CONTINGENT > 0]).all()
    assert len(np.unique(out.peak_personnel)) > 100  # it varies
    share = out.personnel[:, 4] / 1500  # Russia's: big enough for rounding not to matter
    assert share.mean() == pytest.approx(0.6, abs=0.005)
    assert share.var() == pytest.approx(0.6 * 0.4 / 11, rel=0.05)  # Beta: mu (1 - mu) / (kappa + 1)
    assert np.corrcoef(out.personnel[:, 0], out.personnel[:, 1])[0, 1] == pytest.approx(0, abs=0.03)


@pytest.mark.parametrize("fixed", [dict(deploy_fraction=0.6), dict(deploy_concentration=5.0)])
def test_a_fixed_share_sends_the_same_contingent_every_time(fixed, toy):
    # an infinite concentration (the default), or a share of one: no spread, and no draw
    out = simulate(toy(**WILLING, **fixed), 2000, seed=4)
    expected = np.maximum(1, np.rint(fixed.get("deploy_fraction", 1.0) * CONTINGENT)) * (CONTINGENT > 0)
    assert (out.personnel == expected).all()


def test_a_tiny_share_still_sends_one_person(toy):
    out = simulate(toy(**WILLING, deploy_fraction=1e-4), 500, seed=4)
    assert (out.personnel[:, CONTINGENT > 0] == 1).all()


def test_drawing_the_shares_leaves_every_other_draw_as_it_was(toy):
    # the shares are drawn last in each block: outcome classes, timings to decision and first troops, and
    # blockers are bit-identical whether or not they are drawn
    model = dict(stance_sd=1.5, deploy_fraction=0.6)  # every outcome class, blocks and troops
    fixed, drawn = simulate(toy(**model), 5000, seed=9), simulate(toy(**model, deploy_concentration=10.0), 5000, seed=9)
    for name in ("outcome", "requested", "days_to_decision", "days_to_troops", "blocker"):
        assert np.array_equal(getattr(fixed, name), getattr(drawn, name), equal_nan=True), name
    assert (fixed.outcome == TROOPS).any() and (fixed.blocker >= 0).any()
    assert not np.array_equal(fixed.personnel, drawn.personnel)


@pytest.mark.parametrize("cost_rule", ["contributor", "budget"])
def test_flights_and_costs_follow_the_contingent_sent(cost_rule, toy):
    m = toy(**WILLING, deploy_fraction=0.6, deploy_concentration=10.0, operation_sigma=0.0, cost_rule=cost_rule)
    out = simulate(m, 3000, seed=6)
    flights = np.ceil(out.personnel / m.pax_per_flight)
    buildup = flights.sum(axis=1) / m.flights_per_day
    assert np.allclose(out.days_to_withdrawal - out.days_to_troops, m.operation_median + buildup)
    own = out.personnel * ((m.operation_median + buildup) * m.cost_person_day)[:, None] + 2 * flights * m.cost_flight
    expected = own if cost_rule == "contributor" else own.sum(axis=1, keepdims=True) * m.budget_share
    assert np.allclose(out.cost, expected)


@pytest.mark.parametrize("change, field", [
    (dict(contingent=[100.5, 100, 0, 150, 1500, 200]), "contingent"),
    (dict(deploy_fraction=0.0), "deploy_fraction"), (dict(deploy_fraction=1.2), "deploy_fraction"),
    (dict(deploy_concentration=0.0), "deploy_concentration"),
    (dict(deploy_concentration=float("nan")), "deploy_concentration")])
def test_a_bad_share_or_contingent_is_refused_by_name(change, field, toy):
    with pytest.raises(ModelError, match=field):
        toy(**change)


@pytest.mark.parametrize("chunk", [1, BLOCK, 3 * BLOCK + 5])
def test_drawn_shares_do_not_depend_on_chunking(chunk, toy):
    # shares are skipped in blocks without troops: that must not move a number either
    model = toy(stance_sd=2.5, deploy_fraction=0.6, deploy_concentration=10.0)
    runs = 4 * BLOCK + 17
    assert same(simulate(model, runs, seed=3, chunk=chunk), simulate(model, runs, seed=3))
    assert same(simulate(model, 1500, seed=3), simulate(model, runs, seed=3).slice(0, 1500))


def test_skipping_the_shares_of_blocks_without_troops_changes_no_number(toy, monkeypatch):
    from csto.sim import montecarlo

    # each voter accepts troops with chance about 1/4: troops about once a block, none in about 1 block in 3
    model = toy(stance_mean=[0.8] * 6, stance_sd=0.3, deploy_fraction=0.6, deploy_concentration=10.0)
    lazy = simulate(model, 40 * BLOCK, seed=5)
    per_block = (lazy.outcome == TROOPS).reshape(40, BLOCK).any(axis=1)
    assert per_block.any() and not per_block.all()  # some blocks draw shares, some skip them
    monkeypatch.setattr(montecarlo, "_shares", lambda m, rngs, troops, eager=montecarlo._shares:
                        eager(m, rngs, np.ones_like(troops)))
    assert same(lazy, simulate(model, 40 * BLOCK, seed=5))

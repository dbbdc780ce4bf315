"""The Monte Carlo engine: reproducible, chunking-invariant, and faithful to the generative story
(csto.sim.model's docstring, steps 0-9), on the hand-written toy of conftest.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from csto.sim import BLOCK, OUTCOMES, TROOPS, ModelError, SimulationError, block_streams, run, simulate, summarize
from csto.sim.model import COL, FACTORS, THETA, theta_row
from csto.sim.montecarlo import MAX_RUNS, MIN_N, QUANTILES, Accumulator, sample_blocks

FIELDS = ("outcome", "requested", "undecided", "refused", "days_to_decision", "days_to_troops",
          "days_to_withdrawal", "peak_personnel", "personnel", "cost", "blocker", "outvoted")
NOTHING, STATEMENT, CONSULT, MISSION, ASSIST = (OUTCOMES.index(c) for c in
                                               ("nothing", "statement", "consultations", "mission", "assistance"))
SHARP = {"stance_sd": 0.01}  # stances all but fixed at their means
WILLING = dict(means=[9.0] * 6, theta=SHARP)
#: five willing voters and TJK, whose stance (0.25, between the cutpoints 0 and 0.5) accepts a mission at most
ONE_RELUCTANT = dict(means=[9.0, 9.0, 9.0, 9.0, 9.0, 0.25], theta=SHARP)
CONTINGENT = np.array([100, 100, 0, 150, 1500, 200])  # the toy's
STATES = ("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK")  # the toy's; KAZ (2) asks


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def same(a, b) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True) for f in FIELDS)


def near(share: float, p: float, runs: int, z: float = 4.0) -> bool:
    """``share`` of ``runs`` independent replications is within ``z`` standard errors of ``p``."""
    return abs(share - p) <= z * math.sqrt(p * (1 - p) / runs) + 1e-12


# -- reproducibility ----------------------------------------------------------------------------------

def test_same_seed_gives_identical_numbers(toy):
    assert same(simulate(toy(), 3000, seed=7), simulate(toy(), 3000, seed=7))


def test_different_seeds_give_different_numbers(toy):
    assert not same(simulate(toy(), 3000, seed=7), simulate(toy(), 3000, seed=8))


@pytest.mark.parametrize("chunk", [1, BLOCK - 1, BLOCK, 3 * BLOCK + 5, 10**6])
def test_chunking_does_not_change_a_single_number(chunk, toy):
    runs = 3 * BLOCK + 17
    assert same(simulate(toy(), runs, seed=3, chunk=chunk), simulate(toy(), runs, seed=3))


def test_a_longer_run_starts_with_the_shorter_one(toy):
    short, long = simulate(toy(), 1500, seed=11), simulate(toy(), 5000, seed=11)
    assert same(short, long.slice(0, 1500))


def test_flat_memory_run_equals_summary_of_every_replication(toy):
    model, runs = toy(theta={"stance_sd": 1.5}), 2 * BLOCK + 100  # every outcome class, blocks and troops
    assert run(model, runs, seed=5, chunk=BLOCK) == summarize(simulate(model, runs, seed=5, chunk=10**6))


def test_progress_is_reported_for_every_replication(toy):
    seen = []
    run(toy(), 2 * BLOCK + 3, seed=1, chunk=BLOCK, progress=seen.append)
    assert sum(seen) == 2 * BLOCK + 3 and len(seen) == 3


def test_summaries_of_parts_merge_exactly_in_any_order(toy):
    model = toy(theta={"stance_sd": 1.5})
    whole = simulate(model, 3 * BLOCK + 5, 4)
    cuts = [0, 700, 2 * BLOCK + 1, len(whole)]
    parts = [Accumulator(model.states).add(whole.slice(a, b)) for a, b in zip(cuts, cuts[1:])]
    alone = [part.result() for part in parts]
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2]):
        merged = Accumulator(model.states)
        for i in order:
            merged.merge(parts[i])
        assert merged.result() == summarize(whole)
    assert [part.result() for part in parts] == alone  # merging reads the parts, never changes them


def test_summaries_of_different_states_do_not_merge(toy):
    with pytest.raises(ValueError, match="different states"):
        Accumulator(toy().states).merge(Accumulator(("XXX",)))


def test_the_draws_follow_the_documented_order(toy):
    # k, U_request, U_statement, ... from one generator per block: the request and the statement of
    # a model that is never asked can be recomputed from the stream by hand
    model = toy(requested=False, request_features=[1.0, 1.0, 0.0, 0.0, 0.0],
                theta={"req_intercept": -0.5, "req_bilateral": 0.3, "stmt_intercept": 0.4})
    out = simulate(model, BLOCK, seed=21)
    rng = np.random.default_rng(block_streams(21, BLOCK)[0])
    rng.integers(0, 1, BLOCK)
    u_request, u_statement = rng.random(BLOCK), rng.random(BLOCK)
    requested = u_request < sigmoid(-0.2)
    assert np.array_equal(out.requested, requested)
    unasked = ~requested
    assert np.array_equal(out.outcome[unasked] == STATEMENT, u_statement[unasked] < sigmoid(0.4))


# -- step 0: one parameter set per replication --------------------------------------------------------

def two_sets(toy):
    """Two parameter sets: under the first every voter wants troops, under the second nothing."""
    keen = toy(theta=SHARP).particles[0]
    loath = keen.copy()
    loath[COL["w.treaty_basis"]] = -1.0
    return toy(means=[9.0] * 6, particles=np.stack([keen, loath]))


def test_each_replication_draws_one_parameter_set_uniformly(toy):
    out = simulate(two_sets(toy), 20000, seed=1)
    assert set(np.unique(out.outcome)) == {CONSULT, TROOPS}  # all of one set or all of the other
    assert near((out.outcome == TROOPS).mean(), 0.5, len(out))


def test_a_given_parameter_set_index_replaces_the_drawn_one(toy):
    model, streams = two_sets(toy), block_streams(1, 2 * BLOCK)
    first = sample_blocks(model, streams, particle_index=np.zeros(2 * BLOCK, np.int64))
    second = sample_blocks(model, streams, particle_index=np.ones(2 * BLOCK, np.int64))
    assert (first.outcome == TROOPS).all() and (second.outcome == CONSULT).all()


# -- step 1: the request ------------------------------------------------------------------------------

def test_without_a_request_a_statement_comes_with_the_chance_of_its_intercept(toy):
    model = toy(requested=False, theta={"req_intercept": -50.0, "stmt_intercept": -0.85})
    out = simulate(model, 20000, seed=2)
    assert not out.requested.any()
    assert set(np.unique(out.outcome)) == {NOTHING, STATEMENT}
    assert near((out.outcome == STATEMENT).mean(), sigmoid(-0.85), len(out))


def test_without_a_request_nothing_is_decided_sent_paid_or_blocked(toy):
    out = simulate(toy(requested=False, theta={"req_intercept": -50.0}), 3000, seed=2)
    assert np.isnan(out.days_to_decision).all() and np.isnan(out.days_to_troops).all()
    assert not out.personnel.any() and not out.cost.any() and (out.blocker == -1).all()
    assert not out.undecided.any() and not out.refused.any() and not out.outvoted.any()


def test_the_request_stage_follows_the_case_features(toy):
    # sigmoid(-1 + 1.5 * bilateral + 0.0 * outside (absent: 9 does not count) - 0.25 * perpetrator member)
    model = toy(requested=False, request_features=[1.0, 1.0, 0.0, 1.0, 0.0],
                theta={"req_intercept": -1.0, "req_bilateral": 1.5, "req_outside_territory": 9.0,
                       "req_perpetrator_member": -0.25})
    out = simulate(model, 20000, seed=3)
    p = sigmoid(0.25)
    assert near(out.requested.mean(), p, len(out))
    assert summarize(out)["p_request"] == round(out.requested.mean(), 4)


def test_a_request_made_is_always_taken_up(toy):
    out = simulate(toy(theta={"req_intercept": -50.0}), 2000, seed=3)
    assert out.requested.all()


# -- step 2: stances ----------------------------------------------------------------------------------

def test_a_single_voters_class_follows_the_ordered_probit(toy):
    # KAZ asks, RUS alone votes: P(class >= k) = Phi((mean - c_k) / sd), cutpoints -2, -1, 0, 0.5, 1
    mean, sd = 0.25, 1.0
    model = toy(states=("KAZ", "RUS"), target=0, means=[0.0, mean], voting=[True, True], floor=0,
                contingent=[0, 1500], distance_km=[0, 3000], budget_share=[0.0, 1.0])
    out = simulate(model, 20000, seed=4)
    cuts = np.array([-2.0, -1.0, 0.0, 0.5, 1.0])
    at_least = np.concatenate([[1.0], norm.cdf((mean - cuts) / sd), [0.0]])
    for k in range(len(OUTCOMES)):
        assert near((out.outcome == k).mean(), at_least[k] - at_least[k + 1], len(out)), OUTCOMES[k]


def test_the_ceiling_caps_what_any_member_accepts(toy):
    out = simulate(toy(**WILLING, ceiling=MISSION), 1000, seed=2)
    assert (out.outcome == MISSION).all() and (out.blocker == -1).all()


def test_the_floor_holds_even_when_every_member_wants_nothing(toy):
    out = simulate(toy(means=[-9.0] * 6, theta=SHARP, floor=CONSULT), 1000, seed=2)
    assert (out.outcome == CONSULT).all()


# -- step 3: time to decision -------------------------------------------------------------------------

def test_the_time_to_decision_follows_urgency_doubts_and_the_voters_spread(toy):
    # voters' means 1, 2, 3, 4, 5 (population sd sqrt 2); the target's 100 does not count
    model = toy(means=[1.0, 2.0, 100.0, 3.0, 4.0, 5.0], urgent=1.0, contested=2.0,
                theta={"time_log_median": 1.0, "time_urgent": -0.5, "time_contested": 0.25, "time_spread": 0.5,
                       "time_sigma": 1e-9})
    out = simulate(model, 500, seed=5)
    assert np.allclose(out.days_to_decision, math.exp(1.0 - 0.5 + 0.5 + 0.5 * math.sqrt(2)))


def test_the_time_to_decision_is_lognormal_around_its_median(toy):
    out = simulate(toy(theta={"time_log_median": math.log(3.0), "time_sigma": 0.5}), 20000, seed=5)
    days = out.days_to_decision
    assert near((days < 3.0).mean(), 0.5, len(out))
    assert near((days < 3.0 * math.exp(0.5)).mean(), norm.cdf(1.0), len(out))


def test_a_decision_beyond_the_horizon_leaves_the_floor_undecided(toy):
    out = simulate(toy(means=ONE_RELUCTANT["means"], theta={**SHARP, "time_log_median": 10.0}), 1000, seed=6)
    assert out.undecided.all() and (out.outcome == CONSULT).all()
    assert np.isnan(out.days_to_decision).all() and np.isnan(out.days_to_troops).all()
    assert (out.blocker == -1).all() and not out.personnel.any()


def test_the_share_without_a_decision_is_the_chance_of_passing_the_horizon(toy):
    model = toy(horizon_days=10.0, theta={"time_log_median": math.log(5.0), "time_sigma": 1.0})
    out = simulate(model, 20000, seed=6)
    assert near(out.undecided.mean(), norm.sf(math.log(2.0)), len(out))
    assert summarize(out)["days_to_decision"]["n"] == len(out) - out.undecided.sum()


# -- step 4: the decision rule ------------------------------------------------------------------------

def test_under_consensus_one_reluctant_voter_sets_the_outcome_and_is_the_blocker(toy):
    out = simulate(toy(**ONE_RELUCTANT), 1000, seed=2)
    assert (out.outcome == MISSION).all()
    assert (out.blocker == STATES.index("TJK")).all()
    assert summarize(out)["most_often_blocks"] == "TJK"


def test_the_blocker_is_the_reluctant_voter_with_the_lowest_stance(toy):
    out = simulate(toy(means=[9.0, 0.6, 9.0, 9.0, 9.0, 0.25], theta=SHARP), 1000, seed=2)
    assert (out.outcome == MISSION).all() and (out.blocker == STATES.index("TJK")).all()


def test_under_stand_aside_a_reluctant_voter_stands_aside_instead_of_blocking(toy):
    out = simulate(toy(**ONE_RELUCTANT, stand_aside=True, p_stand_aside=1.0), 1000, seed=2)
    assert (out.outcome == TROOPS).all() and (out.blocker == -1).all()
    assert (out.personnel[:, STATES.index("TJK")] == 0).all()  # standing aside: not contributing either


def test_a_reluctant_voter_stands_aside_with_its_chance(toy):
    out = simulate(toy(**ONE_RELUCTANT, stand_aside=True, p_stand_aside=0.3), 20000, seed=2)
    assert near((out.outcome == TROOPS).mean(), 0.3, len(out))
    assert np.array_equal(out.blocker == STATES.index("TJK"), out.outcome == MISSION)


def test_without_the_stand_aside_rule_its_chance_changes_nothing(toy):
    plain = simulate(toy(**ONE_RELUCTANT, p_stand_aside=0.0), 1000, seed=2)
    assert same(plain, simulate(toy(**ONE_RELUCTANT, p_stand_aside=1.0), 1000, seed=2))


def test_a_qualified_majority_passes_over_a_single_reluctant_voter_and_outvotes_it(toy):
    out = simulate(toy(**ONE_RELUCTANT, threshold=2 / 3), 1000, seed=2)
    tjk = STATES.index("TJK")
    assert (out.outcome == TROOPS).all() and (out.blocker == -1).all()
    assert out.outvoted[:, tjk].all() and not np.delete(out.outvoted, tjk, axis=1).any()
    assert (out.personnel[:, tjk] == 0).all()  # outvoted, it does not send troops
    assert summarize(out)["outvoted"]["TJK"] == 1.0


def test_a_qualified_majority_is_not_reached_by_too_few_voters(toy):
    # five voters, two thirds: the fourth strongest decides; two reluctant voters hold it at a mission
    out = simulate(toy(means=[9.0, 9.0, 9.0, 9.0, 0.25, 0.25], theta=SHARP, threshold=2 / 3), 1000, seed=2)
    assert (out.outcome == MISSION).all() and not out.outvoted.any() and (out.blocker == -1).all()


@pytest.mark.parametrize("voting", [[False] * 6, [False, False, True, False, False, False]])
def test_with_no_voter_nobody_consents_and_nothing_happens(voting, toy):
    # an empty set of voters is not consensus: neither the ceiling nor the floor is reached
    out = simulate(toy(**WILLING, voting=voting, floor=CONSULT), 1000, seed=2)
    assert (out.outcome == NOTHING).all() and (out.blocker == -1).all()
    assert not out.personnel.any() and not out.cost.any()


def test_a_member_that_does_not_vote_cannot_block(toy):
    out = simulate(toy(means=[9.0, 9.0, 9.0, 9.0, 9.0, -9.0], theta=SHARP, voting=[True] * 5 + [False]), 1000, seed=2)
    assert (out.outcome == TROOPS).all() and (out.blocker == -1).all()


# -- step 5: force generation -------------------------------------------------------------------------

def test_willing_voters_send_every_contingent_but_the_target(toy):
    out = simulate(toy(**WILLING), 2000, seed=2)
    assert (out.outcome == TROOPS).all()
    assert (out.personnel == CONTINGENT).all() and (out.peak_personnel == CONTINGENT.sum()).all()


def test_troops_with_no_willing_contributor_fall_to_assistance(toy):
    out = simulate(toy(**WILLING, contingent=[0.0] * 6), 1000, seed=2)
    assert (out.outcome == ASSIST).all() and not out.personnel.any()


def test_only_the_voters_who_accept_troops_contribute(toy):
    # under a majority, BLR accepts assistance only: troops are decided, BLR sends nobody
    out = simulate(toy(means=[9.0, 0.75, 9.0, 9.0, 9.0, 9.0], theta=SHARP, threshold=0.5), 1000, seed=2)
    assert (out.outcome == TROOPS).all()
    assert (out.personnel[:, STATES.index("BLR")] == 0).all() and (out.personnel[:, 0] == 100).all()


def test_a_contributor_sends_a_drawn_share_of_its_contingent_in_whole_persons(toy):
    out = simulate(toy(**WILLING, deploy_fraction=0.6, deploy_concentration=10.0), 20000, seed=4)
    sent = out.personnel[:, CONTINGENT > 0]
    assert (sent >= 1).all() and (sent <= CONTINGENT[CONTINGENT > 0]).all()
    share = out.personnel[:, STATES.index("RUS")] / 1500  # big enough for rounding not to matter
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
    # the shares are drawn last in each block: outcomes, decision timings, first troops and blockers are
    # bit-identical whether or not they are drawn
    change = dict(theta={"stance_sd": 1.5}, deploy_fraction=0.6)
    fixed = simulate(toy(**change), 5000, seed=9)
    drawn = simulate(toy(**change, deploy_concentration=10.0), 5000, seed=9)
    for name in ("outcome", "requested", "days_to_decision", "days_to_troops", "blocker"):
        assert np.array_equal(getattr(fixed, name), getattr(drawn, name), equal_nan=True), name
    assert (fixed.outcome == TROOPS).any() and (fixed.blocker >= 0).any()
    assert not np.array_equal(fixed.personnel, drawn.personnel)


@pytest.mark.parametrize("chunk", [1, BLOCK, 3 * BLOCK + 5])
def test_drawn_shares_do_not_depend_on_chunking(chunk, toy):
    # shares are skipped in blocks without troops: that must not move a number either
    model = toy(theta={"stance_sd": 2.5}, deploy_fraction=0.6, deploy_concentration=10.0)
    runs = 4 * BLOCK + 17
    assert same(simulate(model, runs, seed=3, chunk=chunk), simulate(model, runs, seed=3))
    assert same(simulate(model, 1500, seed=3), simulate(model, runs, seed=3).slice(0, 1500))


def test_later_draws_are_made_only_for_the_replications_that_use_them(toy):
    # after k, U_request and U_statement, a block draws the decision's numbers for its replications that
    # ask for help, then M, O and the shares' uniforms for those that send troops, each in replication
    # order: the sizes of the first block's contingents can be recomputed from its stream by hand
    model = toy(requested=False, request_features=[1.0, 0.0, 0.0, 0.0, 0.0], means=[9.0] * 6,
                theta={**SHARP, "req_intercept": 0.0}, deploy_fraction=0.6, deploy_concentration=10.0)
    out = simulate(model, BLOCK, seed=8)
    rng = np.random.default_rng(block_streams(8, BLOCK)[0])
    rng.integers(0, 1, BLOCK)
    u_request = rng.random(BLOCK)
    rng.random(BLOCK)
    requested = u_request < 0.5
    c = int(requested.sum())
    rng.standard_normal(c), rng.standard_normal((c, 6)), rng.random(c)  # N_time, eps, U_refuse
    sending = out.outcome == TROOPS
    assert np.array_equal(sending, requested) and 0 < c < BLOCK  # every request brings troops here
    g = int(sending.sum())
    rng.lognormal(0, 1, g), rng.lognormal(0, 1, g)  # M, O
    u_share = rng.random((g, 6))
    from scipy.stats import beta
    share = beta.ppf(u_share, 6.0, 4.0)
    expected = np.maximum(1, np.rint(share * model.contingent)) * (model.contingent > 0)
    assert np.allclose(out.personnel[sending], expected, atol=1)  # the quantile table interpolates


# -- step 6: the target's answer ----------------------------------------------------------------------

ASSISTANCE_ONLY = dict(means=[0.75] * 6, theta=SHARP)  # every voter accepts assistance, none troops


def test_a_target_that_asked_for_troops_may_refuse_assistance_and_gets_a_mission(toy):
    out = simulate(toy(**{**ASSISTANCE_ONLY, "theta": {**SHARP, "refuse_intercept": 50.0}}), 1000, seed=7)
    assert (out.outcome == MISSION).all() and out.refused.all() and (out.blocker == -1).all()
    assert (out.cost == 1e5 * np.array([0.1, 0.1, 0.1, 0.1, 0.5, 0.1])).all()  # a mission's cost, not assistance's


def test_a_target_refuses_with_the_chance_of_its_gap_to_what_it_asked(toy):
    # asked troops (5), offered assistance (4): sigmoid(-1 + 0.5 * 1)
    theta = {**SHARP, "refuse_intercept": -1.0, "refuse_gap": 0.5}
    out = simulate(toy(**{**ASSISTANCE_ONLY, "theta": theta}), 20000, seed=7)
    assert near(out.refused.mean(), sigmoid(-0.5), len(out))
    assert np.array_equal(out.refused, out.outcome == MISSION)


@pytest.mark.parametrize("asked", [ASSIST, TROOPS])
def test_a_target_never_refuses_what_it_asked_for_or_a_mission(asked, toy):
    # offered what it asked for (assistance), or a mission (not above mission): nothing to refuse
    means = [0.75] * 6 if asked == ASSIST else [0.25] * 6
    out = simulate(toy(means=means, theta={**SHARP, "refuse_intercept": 50.0}, asked=asked), 1000, seed=7)
    assert not out.refused.any() and (out.outcome == (ASSIST if asked == ASSIST else MISSION)).all()


def test_an_unknown_request_is_read_as_asking_for_the_ceiling(toy):
    out = simulate(toy(**{**ASSISTANCE_ONLY, "theta": {**SHARP, "refuse_intercept": 50.0}}, asked=-1), 500, seed=7)
    assert out.refused.all()


# -- steps 7-9: transport, operation, costs -----------------------------------------------------------

def test_first_troops_arrive_after_the_decision_and_leave_after_arriving(toy):
    out = simulate(toy(**WILLING), 2000, seed=4)
    assert (out.days_to_troops > out.days_to_decision).all()
    assert (out.days_to_withdrawal > out.days_to_troops).all()


def test_first_troops_come_from_the_nearest_contributor(toy):
    out = simulate(toy(**WILLING, mobilise_sigma=0.0), 500, seed=4)
    nearest = 200 / (700 * 24)  # KGZ, 200 km away
    assert np.allclose(out.days_to_troops - out.days_to_decision, 0.5 + nearest)


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


def test_under_the_budget_rule_a_target_with_no_share_pays_nothing(toy):
    shares = np.array([0.2, 0.2, 0.0, 0.2, 0.2, 0.2])
    out = simulate(toy(**WILLING, cost_rule="budget", budget_share=shares), 1000, seed=2)
    assert (out.cost[:, 2] == 0).all() and (out.cost[:, shares > 0] > 0).all()
    assert np.allclose(out.cost / out.cost.sum(axis=1, keepdims=True), shares)


def test_assistance_costs_are_split_by_budget_share(toy):
    out = simulate(toy(**ASSISTANCE_ONLY), 500, seed=2)
    assert (out.outcome == ASSIST).all()
    assert np.allclose(out.cost, 1e6 * np.array([0.1, 0.1, 0.1, 0.1, 0.5, 0.1]))


# -- summaries ----------------------------------------------------------------------------------------

def test_the_summary_has_every_probability_with_its_monte_carlo_error(toy):
    s = summarize(simulate(toy(theta={"stance_sd": 1.5}), 3000, seed=1))
    assert set(s["outcomes"]) == set(s["outcomes_mcse"]) == set(OUTCOMES)
    assert abs(sum(s["outcomes"].values()) - 1) < 1e-3
    assert set(s["blocking"]) == set(s["blocking_mcse"]) == set(STATES)
    for key in ("days_to_decision", "days_to_first_troops", "days_to_withdrawal", "peak_personnel"):
        assert set(s[key]) == {"n", "mean", "mean_mcse", *(f"p{round(q * 100):02d}" for q in QUANTILES)}
    assert s["min_n"] == MIN_N


def test_outcome_shares_carry_their_binomial_standard_error(toy):
    out = simulate(toy(theta={"stance_sd": 1.5}), 3000, seed=1)
    s, runs = summarize(out), len(out)
    assert len({k for k in s["outcomes"] if 0 < s["outcomes"][k] < 1}) >= 3
    for k, name in enumerate(OUTCOMES):
        p = (out.outcome == k).sum() / runs
        assert s["outcomes_mcse"][name] == round(math.sqrt(p * (1 - p) / runs), 4), name
    p = out.blocker.tolist().count(STATES.index("TJK")) / runs
    assert s["blocking_mcse"]["TJK"] == round(math.sqrt(p * (1 - p) / runs), 4)


def test_below_the_minimum_count_no_quantile_or_conditional_mean_is_reported(toy):
    s = summarize(simulate(toy(**WILLING), MIN_N - 1, seed=1))
    for key in ("days_to_decision", "days_to_first_troops", "days_to_withdrawal", "peak_personnel"):
        assert s[key]["n"] == MIN_N - 1, key
        assert all(v is None for k, v in s[key].items() if k != "n"), key
    assert s["personnel_by_state"]["RUS"]["mean_when_deployed"] is None
    assert s["personnel_by_state"]["RUS"]["n_deployed"] == MIN_N - 1
    assert s["cost_by_state"]["RUS"]["mean_when_deployed"] is None


def test_at_the_minimum_count_quantiles_and_conditional_means_are_reported(toy):
    s = summarize(simulate(toy(**WILLING), MIN_N, seed=1))
    assert s["peak_personnel"]["p50"] == CONTINGENT.sum() and s["days_to_decision"]["p05"] is not None
    assert s["personnel_by_state"]["RUS"]["mean_when_deployed"] == 1500.0
    assert s["cost_by_state"]["RUS"]["mean_when_deployed"] > 0


def test_quantiles_are_floored_to_the_hour_and_means_are_exact(toy):
    out = simulate(toy(theta={"time_log_median": math.log(1.02), "time_sigma": 1e-9}), 200, seed=1)
    days = summarize(out)["days_to_decision"]
    assert days["p50"] == 1.0 and days["mean"] == 1.02


def test_nobody_is_named_the_usual_blocker_when_two_block_about_as_often(toy):
    # RUS and TJK, equally reluctant: each is the lower of the two about half the time
    out = simulate(toy(means=[9.0, 9.0, 9.0, 9.0, 0.25, 0.25], theta={"stance_sd": 0.1}), 4000, seed=8)
    s = summarize(out)
    assert s["blocking"]["RUS"] > 0.3 and s["blocking"]["TJK"] > 0.3
    assert s["most_often_blocks"] is None and "RUS" in s["most_often_blocks_why"]


def test_the_usual_blocker_is_named_when_clearly_apart_from_the_next(toy):
    out = simulate(toy(means=[9.0, 9.0, 9.0, 9.0, 0.35, 0.15], theta={"stance_sd": 0.1}), 4000, seed=8)
    s = summarize(out)
    assert s["blocking"]["RUS"] > 0 and s["most_often_blocks"] == "TJK"


def test_nobody_is_named_the_usual_blocker_when_nobody_blocks(toy):
    s = summarize(simulate(toy(**WILLING), 500, seed=8))
    assert s["most_often_blocks"] is None and s["most_often_blocks_why"] == "nobody blocks"


def test_the_summary_counts_refusals_and_undecided_runs(toy):
    refusing = summarize(simulate(toy(**{**ASSISTANCE_ONLY, "theta": {**SHARP, "refuse_intercept": 50.0}}), 300, 1))
    slow = summarize(simulate(toy(theta={"time_log_median": 10.0}), 300, 1))
    assert refusing["p_refused_by_target"] == 1.0 and refusing["p_no_decision"] == 0.0
    assert slow["p_no_decision"] == 1.0 and slow["days_to_decision"]["n"] == 0


# -- bad arguments and impossible models --------------------------------------------------------------

@pytest.mark.parametrize("runs, shown", [(0, "got 0"), (-5, "got -5"), (10**9, "got 1,000,000,000"),
                                         (2.5, "2.5"), ("100", "'100'"), (True, "True")])
def test_a_bad_number_of_runs_is_refused_naming_the_value(runs, shown, toy):
    with pytest.raises(SimulationError, match=f"runs: .*{shown}"):
        simulate(toy(), runs, seed=1)


@pytest.mark.parametrize("seed, shown", [(-1, "-1"), (1.5, "1.5"), (None, "None")])
def test_a_bad_seed_is_refused_naming_the_value(seed, shown, toy):
    with pytest.raises(SimulationError, match=f"seed: .*{shown}"):
        simulate(toy(), 10, seed=seed)


@pytest.mark.parametrize("chunk, shown", [(MAX_RUNS + 1, "100,000,001"), (0, "got 0")])
def test_a_bad_chunk_is_refused_naming_the_value(chunk, shown, toy):
    with pytest.raises(SimulationError, match=f"chunk: .*{shown}"):
        run(toy(), 10, seed=1, chunk=chunk)


@pytest.mark.parametrize("change, field", [
    ({"threshold": 0.0}, "threshold"),
    ({"threshold": 1.5}, "threshold"),
    ({"particles": theta_row(stance_sd=0.0)}, "particles: .*stance_sd"),
    ({"particles": np.stack([theta_row(), theta_row(cut_gap2=-0.5)])}, "particles: .*cut.gap"),
    ({"particles": np.zeros((1, len(THETA) - 1))}, "particles"),
    ({"particles": np.zeros((0, len(THETA)))}, "particles"),
    ({"particles": theta_row(w_intercept=float("nan"))}, "particles"),
    ({"voting": [True] * 5}, "voting"),
    ({"contingent": [100, 100, 0]}, "contingent"),
    ({"budget_share": [0.5] * 7}, "budget_share"),
    ({"request_features": [1.0, 0.0]}, "request_features"),
    ({"target": 6}, "target"),
    ({"p_stand_aside": 1.5}, "p_stand_aside"),
    ({"horizon_days": 0.0}, "horizon_days"),
    ({"cost_rule": "whoever"}, "cost_rule"),
    ({"floor": 5, "ceiling": 3}, "floor"),
    ({"asked": 6}, "asked"),
    ({"urgent": -1.0}, "urgent"),
    ({"contingent": [100.5, 100, 0, 150, 1500, 200]}, "contingent"),
    ({"deploy_fraction": 0.0}, "deploy_fraction"),
    ({"deploy_fraction": 1.2}, "deploy_fraction"),
    ({"deploy_concentration": 0.0}, "deploy_concentration"),
    ({"deploy_concentration": float("nan")}, "deploy_concentration"),
])
def test_an_impossible_model_is_refused_at_construction_by_name(change, field, toy):
    with pytest.raises(ModelError, match=field):
        toy(**change)


@pytest.mark.parametrize("shape", ["too-few-cells", "transposed"])
def test_factors_of_the_wrong_shape_are_refused_by_name(shape, toy):
    good = np.array(toy().factors)
    bad = good[:, :-1] if shape == "too-few-cells" else good.T
    with pytest.raises(ModelError, match="factors"):
        toy(factors=bad)


def test_theta_row_refuses_an_unknown_parameter_by_name():
    with pytest.raises(ModelError, match="no_such"):
        theta_row(no_such=1.0)


def test_the_toys_stance_means_are_the_chosen_values(toy):
    assert toy(means=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).stance_means().tolist() == [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]
    assert FACTORS[0] == "treaty_basis"

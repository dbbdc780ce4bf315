"""The SimPy and Mesa versions in benchmarks/ sample the same crisis model as csto.sim.montecarlo.

Fast versions of the checks ``make bench`` runs at full size: every shipped scenario,
fixed seeds (so the verdicts are deterministic), a strict level (0.0001, Bonferroni-style: the file
makes about 200 comparisons, so at 0.001 one in six runs would fail one by chance, as a SimPy seed
did on Nagorno-Karabakh's days to decision with p = 0.0003 while eleven other seeds gave 0.10 to
0.83); and proof that the tests can tell models apart.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

pytest.importorskip("simpy", reason="the SimPy comparison model needs simpy (the `bench` extra)")
pytest.importorskip("mesa", reason="the Mesa comparison model needs mesa (the `bench` extra)")

from benchmarks import agreement, mesa_model, simpy_model  # noqa: E402
from benchmarks.inputs import SCENARIOS, compile_scenario  # noqa: E402
from csto.sim import montecarlo  # noqa: E402
from csto.sim.model import FACTORS, CrisisModel, theta_row  # noqa: E402

ALPHA = 0.0001
ENGINES = {"simpy": (simpy_model, 2_000), "mesa": (mesa_model, 1_500)}
SCENARIO_FILES = sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="module")
def models() -> dict[str, CrisisModel]:
    return {path.stem: compile_scenario(path) for path in SCENARIO_FILES}


@pytest.fixture(scope="module")
def numpy_runs(models):
    return {name: montecarlo.simulate(model, 20_000, 1) for name, model in models.items()}


def particles(readiness=(1.0, 2.0, 3.0), **changes) -> np.ndarray:
    """Parameter sets that differ in the members' readiness (so the draw of a set matters)."""
    named = dict(w_treaty_basis=1.0, cut_0=0.0, cut_gap1=0.5, cut_gap2=0.5, cut_gap3=0.5, cut_gap4=0.5,
                 req_intercept=1.0, req_bilateral=-1.0, stmt_intercept=0.0, time_log_median=np.log(4.0),
                 time_urgent=0.2, time_spread=0.3, time_sigma=1.0, refuse_intercept=-1.0, refuse_gap=1.0)
    named.update(changes)
    return np.array([theta_row(**{**named, "w_intercept": w}) for w in readiness])


def mixed(**changes) -> CrisisModel:
    """A hand-made model where every branch of the story happens: no request, standing aside, blocks,
    refusal by the target, no decision within the horizon, troops, budget costs."""
    n = 5
    factors = np.zeros((n, len(FACTORS)))
    factors[:, FACTORS.index("treaty_basis")] = np.linspace(-1.0, 1.0, n)
    base = dict(
        scenario="mixed", date="2022-01-05", states=("A", "B", "C", "D", "E"), target=0, particles=particles(),
        requested=False, request_features=[1.0, 0.0, 0.0, 0.0, 0.0], factors=factors,
        voting=[True, True, True, False, True], urgent=1.0, contested=0.0, horizon_days=20.0,
        rule="consensus", threshold=1.0, stand_aside=True, p_stand_aside=0.4, floor=2, ceiling=5,
        formation="crrf", contingent=[0.0, 500.0, 1200.0, 800.0, 3000.0], asked=5,
        distance_km=[0.0, 900.0, 2500.0, 1500.0, 4000.0], air_speed_kmh=700.0, pax_per_flight=100.0,
        flights_per_day=20.0, mobilise_median=1.0, mobilise_sigma=0.4, operation_median=10.0, operation_sigma=0.5,
        cost_rule="budget", budget_share=[0.0, 0.1, 0.3, 0.1, 0.5], cost_person_day=100.0, cost_flight=2e4,
        cost_mission=1e6, cost_assistance=2e6, deploy_fraction=0.7, deploy_concentration=5.0)
    return CrisisModel(**{**base, **changes})


MAJORITY = {"rule": "qualified-majority", "threshold": 2 / 3, "stand_aside": False}


@pytest.mark.slow
@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("scenario", [p.stem for p in SCENARIO_FILES])
def test_engine_samples_the_scenarios_outcome_distribution(models, numpy_runs, scenario, engine):
    module, runs = ENGINES[engine]
    result = agreement.compare(numpy_runs[scenario], module.simulate(models[scenario], runs, 2))
    assert agreement.agree(result, ALPHA), agreement.smallest_p(result)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("rule", ["consensus", "majority"])
def test_engine_samples_every_branch_of_the_story(engine, rule):
    module, runs = ENGINES[engine]
    model = mixed(**(MAJORITY if rule == "majority" else {}))
    ref = montecarlo.simulate(model, 20_000, 3)
    # the model exercises everything: every class but troops-less nothing/statement paths, and each branch
    assert set(ref.outcome.tolist()) >= {0, 1, 2, 4, 5} and (~ref.requested).any()
    assert ref.undecided.any() and ref.refused.any() and (ref.outcome == 5).any()
    if rule == "majority":
        assert ref.outvoted.any() and (ref.blocker == -1).all()
    else:
        assert (ref.blocker >= 0).any()
    result = agreement.compare(ref, module.simulate(model, runs, 4))
    assert agreement.agree(result, ALPHA), agreement.smallest_p(result)
    for name in ("undecided", "refused"):
        a, b = getattr(ref, name), getattr(module.simulate(model, runs, 5), name)
        assert agreement._chi2(a.astype(np.int64), b.astype(np.int64), 2)["p"] > ALPHA, name


@pytest.mark.slow
@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("change", [{"particles": particles(req_intercept=0.5)}, {"p_stand_aside": 0.7},
                                    {"horizon_days": 12.0}, {"operation_median": 11.5},
                                    {"deploy_fraction": 0.6}, {"deploy_concentration": 1.0}])
def test_the_tests_tell_a_slightly_different_model_apart(engine, change):
    module, _ = ENGINES[engine]
    result = agreement.compare(montecarlo.simulate(mixed(), 20_000, 5), module.simulate(mixed(**change), 3_000, 6))
    assert not agreement.agree(result, ALPHA)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("cost_rule", ["contributor", "budget"])
def test_without_randomness_every_engine_gives_the_same_numbers(engine, cost_rule):
    # one parameter set, every spread (almost) 0, every probability 0 or 1: one replication, three engines
    tiny = 1e-12
    th = theta_row(w_intercept=3.0, w_domestic_constraint=-1.8, stance_sd=tiny, time_log_median=np.log(4.0),
                   time_sigma=tiny, cut_0=0.0, cut_gap1=0.5, cut_gap2=0.5, cut_gap3=0.5, cut_gap4=0.5)
    factors = np.zeros((5, len(FACTORS)))
    factors[2, FACTORS.index("domestic_constraint")] = 1.0  # state C accepts a mission at most, and stands aside
    model = mixed(particles=th, requested=True, mobilise_sigma=0.0, operation_sigma=0.0, factors=factors,
                  deploy_concentration=float("inf"), p_stand_aside=1.0, cost_rule=cost_rule, floor=0)
    module, _ = ENGINES[engine]
    ref, got = montecarlo.simulate(model, 50, 7), module.simulate(model, 50, 8)
    for field in dataclasses.fields(ref)[1:]:
        a, b = getattr(ref, field.name), getattr(got, field.name)
        assert np.allclose(a, b, rtol=1e-9, equal_nan=True), field.name
    assert set(ref.outcome.tolist()) == {5} and ref.personnel[0].tolist() == [0, 350, 0, 0, 2100]  # 0.7 of each


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_every_engine_draws_the_share_each_contributor_sends(engine):
    # willing members, one class only: the contingents sent (and so flights, withdrawal, costs) carry the test
    module, runs = ENGINES[engine]
    model = mixed(particles=particles((9.0,), time_log_median=0.0), requested=True, deploy_fraction=0.4,
                  deploy_concentration=3.0)
    ref, got = montecarlo.simulate(model, 20_000, 11), module.simulate(model, runs, 12)
    assert len(np.unique(ref.peak_personnel)) > 100 and len(np.unique(got.peak_personnel)) > 100
    result = agreement.compare(ref, got)
    assert agreement.agree(result, ALPHA), agreement.smallest_p(result)
    for state in (1, 4):  # each state's contingent, not only their sum
        a, b = ref.personnel[:, state].astype(float), got.personnel[:, state].astype(float)
        assert agreement._ks(a, b)["p"] > ALPHA


@pytest.mark.parametrize("cost_rule", ["contributor", "budget"])
def test_blocks_sampled_together_equal_blocks_sampled_one_by_one(cost_rule):
    # the core vectorises over several blocks at once; each block must still come from its own stream
    model = mixed(cost_rule=cost_rule)
    runs = 5 * montecarlo.BLOCK - 100
    streams = montecarlo.block_streams(9, runs)
    got = montecarlo.sample_blocks(model, streams, runs)
    sizes = [min(montecarlo.BLOCK, runs - b * montecarlo.BLOCK) for b in range(len(streams))]
    ref = montecarlo.Outcomes.concat([montecarlo.sample_block(model, s, n) for s, n in zip(streams, sizes)],
                                     model.states)
    for field in dataclasses.fields(ref)[1:]:
        assert np.array_equal(getattr(ref, field.name), getattr(got, field.name), equal_nan=True), field.name


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("voting", [[False] * 5, [True, False, False, False, False]])
def test_with_no_voter_every_engine_says_nothing(engine, voting):
    # the target alone (or nobody) votes: an empty set of voters is not consensus, whatever the floor
    model = mixed(voting=voting, requested=True, floor=2, horizon_days=1e6)
    module, _ = ENGINES[engine]
    for out in (montecarlo.simulate(model, 200, 1), module.simulate(model, 200, 2)):
        assert (out.outcome == 0).all() and (out.blocker == -1).all() and not out.cost.any()


def test_a_quick_run_never_writes_the_committed_results():
    from benchmarks import run

    assert run.output_path(False, None) == run.RESULTS
    assert run.output_path(True, None) == run.QUICK_RESULTS != run.RESULTS
    assert run.output_path(True, Path("/tmp/x.json")) == Path("/tmp/x.json")
    with pytest.raises(ValueError, match="--quick"):
        run.output_path(True, run.RESULTS)


def test_the_quick_results_file_is_ignored_by_git():
    assert "benchmarks/results-quick.json" in (ROOT / ".gitignore").read_text().splitlines()

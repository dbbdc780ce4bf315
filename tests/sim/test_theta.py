"""The parameter sets drawn once per replication: priors from data/sim, the calibrated posterior, what-ifs."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from csto.sim.model import COL, POSITIVE, THETA
from csto.sim.theta import PRIOR_PARTICLES, PRIOR_SEED, draw_prior, particles, prior_key, priors

DRAWS = 20000


def test_priors_are_centred_on_the_log_of_the_positive_parameters(params):
    centre, sd = priors(params)
    d = params.decision
    assert centre[COL["stance_sd"]] == pytest.approx(math.log(d.stance_sd.value))
    assert centre[COL["time.sigma"]] == pytest.approx(math.log(params.process.decision_time.sigma.value))
    cut = d.cutpoints.value
    for i in range(1, 5):
        assert centre[COL[f"cut.gap{i}"]] == pytest.approx(math.log(cut[i] - cut[i - 1]))
        assert sd[COL[f"cut.gap{i}"]] == d.cutpoints.sd[i]


def test_priors_are_centred_on_the_values_of_the_other_parameters(params):
    centre, sd = priors(params)
    d, t = params.decision, params.process.decision_time
    assert (centre[COL["w.treaty_basis"]], sd[COL["w.treaty_basis"]]) == (d.weights.treaty_basis.value,
                                                                          d.weights.treaty_basis.sd)
    assert centre[COL["cut.0"]] == d.cutpoints.value[0]
    assert centre[COL["req.bilateral"]] == d.request.bilateral.value
    assert centre[COL["stmt.intercept"]] == d.statement.intercept.value
    assert centre[COL["time.log_median"]] == t.log_median.value
    assert centre[COL["refuse.gap"]] == d.refusal.gap.value


def test_the_prior_draw_is_reproducible_for_a_seed(params):
    a = draw_prior(params, 50, np.random.default_rng(3))
    assert np.array_equal(a, draw_prior(params, 50, np.random.default_rng(3)))
    assert not np.array_equal(a, draw_prior(params, 50, np.random.default_rng(4)))
    assert a.shape == (50, len(THETA))


def test_the_prior_draw_has_the_prior_means_and_spreads(params):
    centre, sd = priors(params)
    x = draw_prior(params, DRAWS, np.random.default_rng(5))
    pos = [COL[c] for c in POSITIVE]
    assert (x[:, pos] > 0).all()
    scale = x.copy()
    scale[:, pos] = np.log(x[:, pos])  # the positive parameters are normal on the log scale
    # within four standard errors of the mean (sd / sqrt n) and of the standard deviation (sd / sqrt 2n)
    assert np.all(np.abs(scale.mean(axis=0) - centre) <= 4 * sd / math.sqrt(DRAWS) + 1e-12)
    assert np.all(np.abs(scale.std(axis=0) - sd) <= 4 * sd / math.sqrt(2 * DRAWS) + 1e-12)
    assert (sd > 0).sum() >= len(THETA) - 2  # nearly every parameter is drawn, not fixed


def _with_posterior(params, key=None, names=None, rows=3):
    post = {"prior_key": key if key is not None else params.base_key, "names": names or list(THETA),
            "particles": (np.arange(rows * len(THETA), dtype=float).reshape(rows, len(THETA)) + 1).tolist()}
    return dataclasses.replace(params, posterior=post)


def test_the_posterior_is_used_when_calibrated_from_the_priors_in_force(params):
    p = _with_posterior(params)
    x, source = particles(p)
    assert source == "posterior" and np.array_equal(x, np.array(p.posterior["particles"]))


@pytest.mark.parametrize("stale", [dict(key="0000000000000000"), dict(names=list(reversed(THETA)))])
def test_a_stale_posterior_falls_back_to_the_prior_and_says_so(params, stale):
    x, source = particles(_with_posterior(params, **stale))
    assert source.startswith("prior") and "stale" in source and "csto calibrate" in source
    assert np.array_equal(x, draw_prior(params, PRIOR_PARTICLES, np.random.default_rng(PRIOR_SEED)))


def test_without_a_posterior_the_prior_is_drawn(params):
    x, source = particles(dataclasses.replace(params, posterior=None))
    assert source == "prior" and x.shape == (PRIOR_PARTICLES, len(THETA))


def test_a_what_if_keeps_the_posterior_of_the_files_priors(params):
    # the posterior's key is the priors' as loaded (base_key), not the what-if's
    p = _with_posterior(params).with_overlay({"weights.treaty_basis": 7.0})
    assert prior_key(p) != p.base_key
    x, source = particles(p)
    assert source == "posterior"
    expected = np.array(p.posterior["particles"])
    expected[:, COL["w.treaty_basis"]] = 7.0
    assert np.array_equal(x, expected)


@pytest.mark.parametrize("with_posterior", [True, False])
@pytest.mark.parametrize("overlay, columns", [
    ({"weights.treaty_basis": 7.0}, {"w.treaty_basis": 7.0}),
    ({"decision_time.log_median": 3.0}, {"time.log_median": 3.0}),
    ({"stance_sd": 0.25}, {"stance_sd": 0.25}),
    ({"refusal.gap": -1.0}, {"refuse.gap": -1.0}),
    ({"cutpoints": [-3.0, -2.0, -1.5, 0.0, 2.0]},
     {"cut.0": -3.0, "cut.gap1": 1.0, "cut.gap2": 0.5, "cut.gap3": 1.5, "cut.gap4": 2.0}),
])
def test_a_fixed_parameter_is_constant_in_every_parameter_set(params, overlay, columns, with_posterior):
    base = _with_posterior(params) if with_posterior else dataclasses.replace(params, posterior=None)
    x, _ = particles(base.with_overlay(overlay))
    for name, value in columns.items():
        assert (x[:, COL[name]] == value).all(), name
    free = [i for i in range(len(THETA)) if THETA[i] not in columns]
    assert (x[:, free].std(axis=0) > 0).all()  # every other column still varies

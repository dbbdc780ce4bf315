from __future__ import annotations

import numpy as np
import pytest

from csto.record import default_data_dir
from csto.sim import FACTORS, CrisisModel, load_params
from csto.sim.model import theta_row

DATA = default_data_dir()
SCENARIOS = DATA.parent / "scenarios"

STATES = ("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK")
#: The toy's parameter set: stance means are the treaty_basis factor itself (weight 1, intercept 0);
#: cutpoints -2, -1, 0, 0.5, 1; a decision in about a third of a day; the target never refuses.
THETA = dict(w_intercept=0.0, w_treaty_basis=1.0, stance_sd=1.0,
             cut_0=-2.0, cut_gap1=1.0, cut_gap2=1.0, cut_gap3=0.5, cut_gap4=0.5,
             req_intercept=0.0, stmt_intercept=0.0,
             time_log_median=-1.0, time_sigma=0.1, refuse_intercept=-50.0, refuse_gap=0.0)


def stance_factors(means) -> np.ndarray:
    """``(n, F)`` factors whose treaty_basis column holds ``means`` (the toy's stance means), the rest 0."""
    fx = np.zeros((len(means), len(FACTORS)))
    fx[:, FACTORS.index("treaty_basis")] = means
    return fx


def make_toy(means=(2.0, 2.0, 2.0, 2.0, 3.0, 2.0), theta: dict | None = None, **changes) -> CrisisModel:
    """A small hand-written model: six states, the third (KAZ) asks for help, everyone fairly willing.

    ``means``: each state's stance mean (through the treaty_basis factor); ``theta``: parameters changed in
    the one parameter set (``theta_row`` names, e.g. ``stance_sd=0.01``); any other keyword: a model field.
    """
    fields = dict(
        scenario="toy", date="2022-01-05", states=STATES, target=2,
        particles=theta_row(**{**THETA, **(theta or {})}),
        requested=True, request_features=[1.0, 0.0, 0.0, 0.0, 0.0],
        factors=stance_factors(means), voting=[True] * 6,
        urgent=0.0, contested=0.0, horizon_days=90.0,
        rule="consensus", threshold=1.0, stand_aside=False, p_stand_aside=0.5, floor=2, ceiling=5,
        formation="peacekeeping-forces", contingent=[100, 100, 0, 150, 1500, 200], asked=5,
        distance_km=[2500, 3500, 0, 200, 3000, 1000], air_speed_kmh=700, pax_per_flight=50, flights_per_day=20,
        mobilise_median=0.5, mobilise_sigma=0.3, operation_median=7.0, operation_sigma=0.3,
        cost_rule="contributor", budget_share=[0.1, 0.1, 0.1, 0.1, 0.5, 0.1],
        cost_person_day=100.0, cost_flight=50000.0, cost_mission=1e5, cost_assistance=1e6)
    fields.update(changes)
    return CrisisModel(**fields)


@pytest.fixture(scope="session")
def params(record):
    return load_params(DATA / "sim", known_sources={s.id for s in record.sources()})


@pytest.fixture
def toy():
    """``toy(means=..., theta={...}, **changes)``: the hand-written model with some fields changed."""
    return make_toy

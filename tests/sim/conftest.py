from __future__ import annotations

import pytest

from csto.record import Record, default_data_dir
from csto.sim import CrisisModel, load_params

DATA = default_data_dir()
SCENARIOS = DATA.parent / "scenarios"


def make_toy(**changes) -> CrisisModel:
    """A small hand-written model: six states, the third asks for help, everyone fairly willing."""
    fields = dict(
        scenario="toy", date="2022-01-05", states=("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"), target=2,
        p_request=1.0, p_statement_unrequested=0.5,
        consult_median=0.3, consult_sigma=0.5, session_median=0.3, session_sigma=0.5,
        stance_mean=[2.0, 2.0, 2.0, 2.0, 3.0, 2.0], stance_sd=1.0, cutpoints=[-2.0, -1.0, 0.0, 0.5, 1.0],
        voting=[True] * 6, p_stand_aside=[0.0] * 6, floor=2, ceiling=5,
        formation="peacekeeping-forces", contingent=[100, 100, 0, 150, 1500, 200],
        distance_km=[2500, 3500, 0, 200, 3000, 1000], air_speed_kmh=700, pax_per_flight=50, flights_per_day=20,
        mobilise_median=0.5, mobilise_sigma=0.3, operation_median=7.0, operation_sigma=0.3,
        cost_rule="contributor", budget_share=[0.1, 0.1, 0.1, 0.1, 0.5, 0.1],
        cost_person_day=100.0, cost_flight=50000.0, cost_mission=1e5, cost_assistance=1e6)
    fields.update(changes)
    return CrisisModel(**fields)


@pytest.fixture(scope="session")
def record():
    rec = Record.open(DATA)
    yield rec
    rec.close()


@pytest.fixture(scope="session")
def params(record):
    return load_params(DATA / "sim", known_sources={s.id for s in record.sources()})


@pytest.fixture
def toy():
    """``toy(**changes)``: the hand-written model with some fields changed."""
    return make_toy

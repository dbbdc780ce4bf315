"""Shared fixtures of the exercise's tests: the shipped record, a clock the tests move, and a game with every
role joined."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csto.exercise import ExerciseService
from csto.exercise import game as fold
from csto.record import default_data_dir

SCENARIOS = default_data_dir().parent / "scenarios"
OVERLAYS = default_data_dir() / "treaty" / "overlays"
KAZAKHSTAN = SCENARIOS / "kazakhstan-2022-01.yaml"
VOTERS = ["ARM", "BLR", "KGZ", "RUS", "TJK"]  # Kazakhstan asks; the other five members vote on 5 January 2022
#: A forecast that sums to one.
FORECAST = {"troops": 0.6, "assistance": 0.2, "mission": 0.1, "consultations": 0.1}


class Clock:
    """The service's clock, moved by hand (tokens expire after data/exercise/procedure.yaml's token_hours)."""

    def __init__(self):
        self.now = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@dataclass
class Table:
    """A game as the tests hold it: its id, the facilitator's token and one player's token per role."""

    service: ExerciseService
    game: str
    facilitator: str
    tokens: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    def state(self) -> dict:
        return self.service.state(self.game)

    def advance_to(self, phase: str) -> None:
        while self.state()["phase"] != phase:
            self.service.advance(self.facilitator)

    def decide(self, positions: dict[str, str] | None = None) -> dict:
        """Every voter named seals its position (default: every voter, troops) in the Council's decision, and the
        facilitator reveals them: the reveal's answer."""
        self.advance_to("council-decision")
        self.seal_all(positions or {s: "troops" for s in VOTERS})
        return self.service.reveal(self.facilitator)

    def seal_all(self, positions: dict[str, str], forecast: dict | None = None) -> None:
        for role, position in positions.items():
            self.service.submit(self.tokens[role], forecast or FORECAST, position)

    def snapshot(self) -> tuple:
        """Everything a refused request must leave as it was: the state's hash and the rows on disk."""
        db = self.service.store.conn()
        rows = tuple(db.execute(f"SELECT count(*) FROM {t} WHERE game = ?", (self.game,)).fetchone()[0]
                     for t in ("events", "submissions", "tokens", "roles"))
        return fold.state_hash(self.service.state(self.game)), rows


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "games.sqlite"


@pytest.fixture
def service(db_path, record, clock):
    svc = ExerciseService(db_path, record=record, clock=clock)
    yield svc
    svc.close()


def new_table(service: ExerciseService, scenario: Path = KAZAKHSTAN, **options) -> Table:
    """A game on ``scenario`` with one player joined to every role."""
    made = service.create(scenario, **options)
    t = Table(service, made["game"], made["facilitator_token"], codes=made["join_codes"])
    for role, code in made["join_codes"].items():
        t.tokens[role] = service.join(code, name=f"student of {role}")["token"]
    return t


@pytest.fixture
def table(service) -> Table:
    return new_table(service, seed=11)

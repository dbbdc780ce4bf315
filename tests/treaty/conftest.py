"""Shared fixtures: a small stable record (tests/treaty/fixture_record) and the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from csto.record import Record
from csto.treaty import load_law

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def law():
    return load_law(ROOT / "data" / "treaty")


@pytest.fixture(scope="session")
def fixture_record():
    return Record.open(HERE / "fixture_record")


@pytest.fixture(scope="session")
def real_record():
    return Record.open(ROOT / "data")

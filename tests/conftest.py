"""Shared fixtures: a stable fixture record and an isolated compile cache for every test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Compile records into a temporary cache, never the user's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CSTO_CACHE", str(tmp_path_factory.mktemp("csto-cache")))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def record(_isolated_cache):
    """The shipped record (``data/``), opened once for the session: read it, never change it."""
    from csto.record import Record

    rec = Record.open()
    yield rec
    rec.close()


@pytest.fixture
def fixture_dir(tmp_path) -> Path:
    """A copy of the small test record, safe to add files to."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "record", target)
    return target


@pytest.fixture
def fixture_record(fixture_dir):
    from csto.record import Record

    rec = Record.open(fixture_dir)
    yield rec
    rec.close()

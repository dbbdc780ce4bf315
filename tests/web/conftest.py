"""The web face under test: one app over the shipped record for the session, and a client that never raises
(a bug must come back as a 500 with the error shape, which the tests check)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def app():
    from csto.web import create_app

    return create_app()


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def record(app):
    return app.state.service.record


@pytest.fixture(scope="session")
def error_of():
    """The error object of an error response, after checking the one shape every error has."""
    return _error_of


def _error_of(response) -> dict:
    body = response.json()
    assert body["ok"] is False and set(body) == {"ok", "error"}, body
    assert {"kind", "message", "file", "line", "field", "value"} <= set(body["error"]), body
    assert "Traceback" not in response.text
    return body["error"]

"""Property tests of the OpenAPI schema (schemathesis): on any request the schema allows, and the malformed ones it
derives from it, the app answers without a 5xx, and every 4xx under /api has the one error shape.

Run in-process against the ASGI app (no server, no network). ``make test`` runs a small budget
(``CSTO_FUZZ_EXAMPLES``, default 25 per operation); a long run: ``CSTO_FUZZ_EXAMPLES=1000 pytest
tests/web/test_openapi_fuzz.py``. The work a request may ask for is forced small (a simulation's runs, a backtest's
settings, when valid or left to their defaults), so the budget is spent on the shapes of requests, not on Monte
Carlo: a value over a cap is kept as generated (refusing it is cheap, and tested). Hypothesis is derandomized: the
same examples on every run, so a failure reproduces.
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi

EXAMPLES = int(os.environ.get("CSTO_FUZZ_EXAMPLES", "25"))
#: The most work a generated request may ask for: runs of a simulation, the settings of a backtest.
SMALL = {"runs": 50, "particles": 32, "reps": 2, "repeats": 1}
#: The operations that compute a simulation or a backtest from these parameters (the API's and the pages').
HEAVY = re.compile(r"^/(api/)?(simulate|backtest|runner|whatif)$")
NUMBER = re.compile(r"\s*\+?\d+\s*")


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    from csto.web import create_app

    # a games database of this test's own: the exercise's endpoints write to it
    app = create_app(games=tmp_path_factory.mktemp("fuzz") / "games.sqlite")
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def small(case) -> None:
    """Force the work a heavy operation is asked for down to :data:`SMALL` where the value is valid or absent."""
    if not HEAVY.match(case.operation.path):
        return
    query = dict(case.query or {})
    declared = {parameter.name for parameter in case.operation.query}
    for name, most in SMALL.items():
        value = query.get(name)
        if name not in declared:
            continue
        if value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10**9) \
                or (isinstance(value, str) and NUMBER.fullmatch(value)):
            query[name] = min(int(value), most) if value is not None else most
    case.query = query


def check(case, client) -> None:
    """Send ``case`` to the app: no 5xx, no traceback; a 4xx under /api in the one error shape."""
    small(case)
    response = case.call(session=client)
    case.validate_response(response, checks=[not_a_server_error])
    assert "Traceback" not in response.text
    if 400 <= response.status_code < 500 and case.operation.path.startswith("/api"):
        body = response.json()
        assert body["ok"] is False and set(body) == {"ok", "error"}, body
        error = body["error"]
        assert {"kind", "message", "file", "line", "field", "value"} <= set(error), error
        assert isinstance(error["kind"], str) and isinstance(error["message"], str) and error["message"], error


def budget(operation, mode: GenerationMode) -> int:
    """Examples for one operation: :data:`EXAMPLES` well-formed ones; a page that simulates draws its picture on
    every answer (half a second): a fifth of that; malformed ones, under /api only (a page's parameters are free
    text, which nothing malforms): half (Schemathesis spends about 50 ms making each)."""
    if mode is GenerationMode.NEGATIVE:
        return max(5, EXAMPLES // 2) if operation.path.startswith("/api") else 0
    return max(3, EXAMPLES // 5) if HEAVY.match(operation.path) and not operation.path.startswith("/api") \
        else EXAMPLES


# schemathesis.pytest's lazy parametrization (from_fixture) does not run under pytest 9 (it reads a node attribute
# pytest no longer has), and an eager one would open the record while tests are collected, outside the session's
# cache: the operations are looped over here, each with its own Hypothesis run, and every failure is reported.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_no_request_from_the_schema_gets_a_5xx_and_every_api_error_has_the_shape(api_schema, mode):
    failures, tried = [], 0
    with asgi.get_client(api_schema.app) as client:
        for result in api_schema.get_all_operations():
            operation = result.ok()
            examples = budget(operation, mode)
            if not examples:
                continue

            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                check(case, client)

            try:
                run()
            except Unsatisfiable:  # nothing to malform: no parameter, or free text only (GET /api/check, /api/history/X)
                pass
            except Exception as exc:  # noqa: BLE001 - every operation's failure is listed, not only the first
                failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
            tried += 1
    assert tried >= 40  # every operation of the API (and, well-formed, of the pages)
    assert failures == [], "\n\n".join(failures)

"""The web application: ``create_app`` only wires (FastAPI's ``main.py`` habit, STYLE.md).

The record is opened once, read-only, when the app is made; every group of routes lives in its own
module under :mod:`csto.web.routers`; errors take the one shape of :mod:`csto.web.errors`.
"""

from __future__ import annotations

import html
import threading
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from . import errors, pages
from .answer import KeptAnswers
from .routers import alliance, assets, exercise, exercise_pages, record, simulation, treaty
from .routers import pages as page_routes
from .service import Service

DESCRIPTION = """\
The JSON API of `csto`, an executable model of the Collective Security Treaty Organization.

Every answer is the JSON that `csto COMMAND --format json` prints, with the same field names
(README, "JSON fields"): `{"ok": true, "command", "question", "csto_version", "record_hash", "result"}`.
Query parameters are named as the command line's options (`on`, `from`, `to`, `org`, `status`, `kind`,
`runs`, `seed`, `overlay`...); a parameter an endpoint does not take is refused. Every error, 4xx or 5xx,
is `{"ok": false, "error": {"kind", "message", "file", "line", "field", "value"}}`.

Scenarios are chosen by name (`GET /api/scenarios`) or posted as text (YAML or JSON, at most 64 KB);
overlays by name (`GET /api/overlays`). No path given in a request is opened on the server.
"""


def create_app(data: Path | None = None, warm: bool = False, games: Path | None = None, **limits: Any) -> FastAPI:
    """The web application over the record in ``data`` (default: ``$CSTO_DATA`` or the shipped ``data/``).

    ``warm``: build in the background, at once, what the first visitor would wait for (the chart library,
    today's home page pictures). ``games``: the crisis exercise's database (default ``$CSTO_GAMES_DB``, else the
    user's data folder; docs/exercise.md), opened at once when given. ``limits`` overrides the service's limits
    (``max_runs``, ``max_text``; see :mod:`csto.web.service`).
    Raises the record's own errors (:class:`csto.errors.CstoError`) if ``data`` is not a valid record.
    """
    service = Service.open(data, **limits)
    # FastAPI's /docs and /redoc load Swagger UI and ReDoc from a CDN: this app serves its own reference at /docs
    app = FastAPI(title="csto", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None,
                  openapi_tags=[{"name": n} for n in ("record", "alliance", "treaty", "simulation", "exercise",
                                                      "pages")])
    app.state.service = service
    app.state.games = games
    app.add_middleware(errors.BodyLimit, limit=service.max_text)
    app.add_middleware(KeptAnswers)  # the record's answers, kept as bytes: pure functions of the record and day

    def error_page(request: Request, error: dict[str, Any], status: int) -> HTMLResponse:
        try:
            return HTMLResponse(pages.error_page(service, error, status), status_code=status)
        except Exception:  # noqa: BLE001 - the error page itself failed: the error as plain text, never a traceback
            errors.log.exception("the error page failed")
            return HTMLResponse(f"<!DOCTYPE html><title>{status}</title><pre>{html.escape(str(error))}</pre>",
                                status_code=status)

    errors.install(app, error_page)
    for router in (record.router, alliance.router, treaty.router, simulation.router, exercise.api, exercise_pages.site,
                   page_routes.router, assets.router):
        app.include_router(router)
    if games is not None:  # a bad games file is refused before anything listens
        exercise.games_of(app)
    app.mount("/static", StaticFiles(directory=assets.STATIC), name="static")
    if warm:
        threading.Thread(target=_warm, args=(service,), name="csto-warm", daemon=True).start()
    return app


def _warm(service: Service) -> None:
    try:
        assets.vega_bundle()
        pages.home_pictures(service, date.today())
    except Exception:  # noqa: BLE001 - warming is only a head start: the page computes what is missing, or reports it
        errors.log.exception("warming the home page failed")

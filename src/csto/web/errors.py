"""One error shape for every 4xx and 5xx the web face sends (README, "Errors"; issue 11).

``{"ok": false, "error": {"kind", "message", "file", "line", "field", "value"}}``: the project's own
errors (:class:`csto.errors.CstoError`) keep the dict they give the command line; FastAPI's request
validation, Starlette's 404 and 405 and the body limit are put in the same words; anything else is a
bug (500, kind ``bug``), never a traceback. Pages get the same error rendered as HTML with the same
status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import CstoError, plain_problem, shown

log = logging.getLogger("csto.web")

#: Where a bug is reported (README, "Reporting a bug").
REPORT = "please report it with the address you asked for and the output of `csto --version` (README, \"Reporting a bug\")"


class RequestProblem(CstoError):
    """A bad request to the web face: a parameter, the body, the method or the address, named with its value."""

    def __init__(self, kind: str, message: str, field: str | None = None, value: object = None, status: int = 400):
        super().__init__(message, field=field, value=value)  # CstoError.as_dict gives field and the value, cut
        self.kind, self.status = kind, status


#: The HTTP status of an error's kind; every other kind is the request's bad input (400).
STATUS = {"unknown": 404, "forbidden": 403, "conflict": 409}


def status_of(exc: CstoError) -> int:
    """404 for a key the record, the law or the shipped folders do not hold, 403 for what a role may not see or do,
    409 for the right request at the wrong moment; else the problem's own status, or 400."""
    if isinstance(exc, RequestProblem):
        return exc.status
    return STATUS.get(exc.kind, 400)


def error_body(error: dict[str, Any]) -> dict[str, Any]:
    return {"ok": False, "error": error}


def bug_error(exc: BaseException) -> dict[str, Any]:
    text = str(exc)
    text = text if len(text) <= 200 else text[:197] + "..."
    return {"kind": "bug", "message": f"internal error: this is a bug in csto, not a problem with your request "
                                      f"({type(exc).__name__}: {text}); {REPORT}",
            "file": None, "line": None, "field": None, "value": None}


def _validation_error(exc: RequestValidationError) -> RequestProblem:
    """FastAPI's first validation problem, in the project's words: ``runs: expected a whole number (got 'x')``."""
    errors = list(exc.errors())
    first = errors[0] if errors else {"type": "value_error", "loc": (), "msg": "invalid request"}
    loc = [p for p in first.get("loc", ()) if p not in ("query", "path", "body", "header")]
    field = ".".join(str(p) for p in loc) or None
    value = first.get("input") if first.get("type") != "missing" else None
    problem = plain_problem(first)  # type: ignore[arg-type]
    got = f" (got {shown(value)})" if value is not None else ""
    message = f"{field}: {problem}{got}" if field else f"{problem}{got}"
    return RequestProblem("usage", message, field, value, status=422)


def _http_error(request: Request, exc: HTTPException) -> RequestProblem:
    if exc.status_code == 404:
        return RequestProblem("unknown", f"no page or endpoint at {request.url.path} (the API is listed at /docs)",
                              "path", request.url.path, status=404)
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return RequestProblem("usage", f"method {request.method} is not allowed at {request.url.path}"
                                       + (f"; allowed: {allowed}" if allowed else ""),
                              "method", request.method, status=405)
    return RequestProblem("usage", str(exc.detail), None, None, status=exc.status_code)


HtmlRenderer = Callable[[Request, dict[str, Any], int], HTMLResponse]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path.startswith("/openapi")


def install(app: FastAPI, html: HtmlRenderer) -> None:
    """Register the handlers: JSON under /api, the same error as a page elsewhere (rendered by ``html``)."""

    def respond(request: Request, error: dict[str, Any], status: int) -> Response:
        if _wants_json(request):
            return JSONResponse(error_body(error), status_code=status)
        return html(request, error, status)

    async def on_csto(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CstoError)
        return respond(request, exc.as_dict(), status_of(exc))

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problem = _validation_error(exc)
        return respond(request, problem.as_dict(), problem.status)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        problem = _http_error(request, exc)
        response = respond(request, problem.as_dict(), problem.status)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def on_bug(request: Request, exc: Exception) -> Response:
        log.error("bug while answering %s %s", request.method, request.url.path, exc_info=exc)
        return respond(request, bug_error(exc), 500)

    app.add_exception_handler(CstoError, on_csto)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(Exception, on_bug)


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413 and the error shape, before it is read whole.

    Checks the declared ``Content-Length`` first, then counts what actually arrives (a chunked body declares
    none): the route reading past the limit gets a :class:`RequestProblem`, answered like any other.
    """

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    def problem(self, size: str) -> RequestProblem:
        return RequestProblem("input", f"the request's body is too large: {size} bytes (at most {self.limit:,}); "
                                       "a scenario is a few kilobytes", "body", None, status=413)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            problem = self.problem(declared.decode("latin-1"))
            response = JSONResponse(error_body(problem.as_dict()), status_code=413, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise self.problem(f"more than {self.limit:,}")
            return message

        await self.app(scope, counting, send)

"""The API's responses and their documentation: the answer as ``csto COMMAND --format json`` prints it.

A route returns the dict :mod:`csto.answers` gave it, unchanged (no response model re-serialises it);
the models below only document the envelope and the error in the OpenAPI schema. :class:`KeptAnswers` keeps
the bytes of the record's answers, which are pure functions of the read-only record and of the day.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from datetime import date
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class AnswerResponse(JSONResponse):
    """JSON as the command line writes it: UTF-8 text kept as is, anything else (a date) as its text."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")


class Answer(BaseModel):
    """Every answer (README, "JSON fields"): what was asked, with what it was computed, and the result."""

    ok: bool = Field(True, description="true")
    command: str = Field(description="the command answered, as on the command line")
    question: dict[str, Any] = Field(description="the inputs as understood: on, from, to, org, scenario, seed...")
    csto_version: str
    record_hash: str | None = Field(description="SHA-256 of the record's YAML the answer was computed from")
    result: Any = Field(description="the command's result; its fields per command in the README and docs/")


class ErrorDetail(BaseModel):
    kind: str = Field(description="input, usage, date, unknown or bug")
    message: str
    file: str | None = Field(description="the file (or posted scenario) at fault, if any")
    line: int | None
    field: str | None = Field(description="the field or parameter at fault, if any")
    value: Any = Field(description="the offending value, cut to 80 characters")
    errors: list[dict[str, Any]] | None = Field(None, description="every problem when a file has several")


class ErrorAnswer(BaseModel):
    """The one error shape of every 4xx and 5xx."""

    ok: bool = Field(False, description="false")
    error: ErrorDetail


_ERROR_EXAMPLE = {"ok": False, "error": {"kind": "date", "message": "on: expected a full date YYYY-MM-DD, got '2022-13'",
                                         "file": None, "line": None, "field": "on", "value": "2022-13"}}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorAnswer, "description": "bad input: a parameter, a date, a scenario (file, line, field, value)",
          "content": {"application/json": {"example": _ERROR_EXAMPLE}}},
    404: {"model": ErrorAnswer, "description": "a state, office, article, scenario or overlay the record or the law "
                                                "does not hold"},
    422: {"model": ErrorAnswer, "description": "a parameter of the wrong type (e.g. runs=abc)"},
    500: {"model": ErrorAnswer, "description": "a bug in csto (kind: bug), never a traceback"},
}


def documented(command: str, fields: str, example: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The route decorator's keywords for an answer of ``command``: its model, fields, example and errors."""
    content = {"application/json": {"example": example}} if example is not None else {}
    ok: dict[str, Any] = {"model": Answer, "description": f"the answer of `csto {command} --format json`; "
                                                          f"result: {fields}"}
    if content:
        ok["content"] = content
    return {"response_class": AnswerResponse, "responses": {200: ok, **ERRORS},
            "summary": f"csto {command}", **extra}


#: The answers kept by :class:`KeptAnswers`: those of the record, the alliance and the law, which depend on nothing
#: but the read-only record, the query string and (for a date left out) today. Exact paths, and paths of one more
#: segment under a prefix. Never a game of the exercise (``/api/exercise/...``: it changes), a shipped scenario
#: or overlay (read from their folder on each request), a simulation or a backtest (the service keeps those).
KEPT_PATHS = frozenset({"/api/members", "/api/timeline", "/api/organs", "/api/events", "/api/conflicts",
                        "/api/sources", "/api/overlap", "/api/check", "/api/forces", "/api/budget", "/api/crises",
                        "/api/missions", "/api/exercises", "/api/articles", "/api/compare"})
KEPT_PREFIXES = ("/api/history/", "/api/who/", "/api/article/")
#: At most this many answers kept, and this many bytes in all.
KEPT_ENTRIES = 4096
KEPT_BYTES = 64 * 1024 * 1024


def kept(path: str) -> bool:
    """Whether the answer at ``path`` is one :class:`KeptAnswers` keeps."""
    if path in KEPT_PATHS:
        return True
    return any(path.startswith(p) and "/" not in path[len(p):] and len(path) > len(p) for p in KEPT_PREFIXES)


class Kept:
    """The bytes of kept answers by (day, address, query string), least recently asked out first, bounded by
    :data:`KEPT_ENTRIES` and :data:`KEPT_BYTES`; an answer larger than a sixteenth of the bytes is never kept.
    Used on the event loop only (no lock)."""

    def __init__(self, entries: int = KEPT_ENTRIES, size: int = KEPT_BYTES):
        self.entries, self.size = entries, size
        self.answers: OrderedDict[tuple[int, str, bytes], tuple[list[Any], bytes]] = OrderedDict()
        self.bytes = 0

    def get(self, key: tuple[int, str, bytes]) -> tuple[list[Any], bytes] | None:
        found = self.answers.get(key)
        if found is not None:
            self.answers.move_to_end(key)
        return found

    def keep(self, key: tuple[int, str, bytes], headers: list[Any], body: bytes) -> None:
        if len(body) > self.size // 16 or key in self.answers:
            return
        self.answers[key] = (headers, body)
        self.bytes += len(body)
        while len(self.answers) > self.entries or self.bytes > self.size:
            _, (_, dropped) = self.answers.popitem(last=False)
            self.bytes -= len(dropped)

    def clear(self) -> None:
        """Forget every kept answer (the record does not change while the app runs: for tests that change the
        library under a running app)."""
        self.answers.clear()
        self.bytes = 0


class KeptAnswers:
    """ASGI middleware: the record's answers (:data:`KEPT_PATHS`) sent from the service's :class:`Kept` bytes.

    An answer of the record is a pure function of the record (opened read-only for the app's life), of the query
    string and, where a date is left out, of today: the same request gets the same bytes, sent without routing,
    validation or computing again (0.6 ms for members, 4 ms for overlap, 14 ms for sources on this machine, where
    the HTTP around them costs about 0.3 ms). Only a 200 answered whole is kept: an error is computed each time,
    with its message. The store is the app's ``state.service.kept``; an app without one is passed through.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = getattr(getattr(scope.get("app"), "state", None), "service", None)
        store = getattr(service, "kept", None)
        if scope["type"] != "http" or scope["method"] != "GET" or store is None or not kept(scope["path"]):
            await self.app(scope, receive, send)
            return
        key = (date.today().toordinal(), scope["path"], scope.get("query_string", b""))
        found = store.get(key)
        if found is not None:
            headers, body = found
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        parts: list[bytes] = []

        async def keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                parts.append(message.get("body", b""))
                if not message.get("more_body", False):
                    store.keep(key, list(start.get("headers", [])), b"".join(parts))
            await send(message)

        await self.app(scope, receive, keeping)

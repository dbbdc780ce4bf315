"""The API's responses and their documentation: the answer as ``csto COMMAND --format json`` prints it.

A route returns the dict :mod:`csto.answers` gave it, unchanged (no response model re-serialises it);
the models below only document the envelope and the error in the OpenAPI schema.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


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

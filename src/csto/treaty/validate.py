"""Validate a YAML mapping against a pydantic model, reporting file, line and field on failure."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..record.yamlio import LineDict, RecordError, RecordErrors

M = TypeVar("M", bound=BaseModel)

_PROBLEMS = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


def _locate(raw: object, loc: tuple) -> int | None:
    """The line of the deepest part of ``loc`` that the YAML holds."""
    node, line = raw, getattr(raw, "line", None)
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line


def validate(model: type[M], raw: object, path: str | Path, where: str = "") -> M:
    """``model.model_validate(raw)``; every error becomes a RecordError naming file, line and field."""
    if not isinstance(raw, dict):
        raise RecordError(path, getattr(raw, "line", 1), where or "(file)", "expected a mapping", raw)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            dotted = ".".join(str(p) for p in loc)
            field = ".".join(p for p in (where, dotted) if p) or "(item)"
            value = err.get("input") if err["type"] != "missing" else None
            if isinstance(value, (dict, list)):
                value = None
            problem = _PROBLEMS.get(err["type"], err["msg"].removeprefix("Value error, "))
            errors.append(RecordError(path, _locate(raw, loc), field, problem, value))
        raise RecordErrors(errors) from None

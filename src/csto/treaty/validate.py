"""Validate a YAML mapping against a pydantic model, reporting file, line and field on failure."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..record.yamlio import RecordError, RecordErrors, line_at

M = TypeVar("M", bound=BaseModel)

_PROBLEMS = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
}


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
            errors.append(RecordError(path, line_at(raw, loc), field, problem, value))
        raise RecordErrors(errors) from None

"""Validate a YAML mapping against a pydantic model, reporting file, line and field on failure."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..record.yamlio import RecordError, RecordErrors, field_path, line_at, plain_problem

M = TypeVar("M", bound=BaseModel)


class FieldProblem(ValueError):
    """Raised by a model's validator to blame one of its fields (a dotted path below it) and that field's value.

    A plain ``ValueError`` from a model validator is reported against the whole model; this one is
    reported against ``field``, so the error names the line and field a person must change.
    """

    def __init__(self, field: str, problem: str, value: object = None):
        self.field, self.problem, self.value = field, problem, value
        super().__init__(problem)


def validate(model: type[M], raw: object, path: str | Path, where: str = "") -> M:
    """``model.model_validate(raw)``; every error becomes a RecordError naming file, line and field."""
    if not isinstance(raw, dict):
        raise RecordError(path, getattr(raw, "line", 1), where or "(file)", "expected a mapping", raw)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise RecordErrors([problem_at(err, raw, path, where) for err in exc.errors()]) from None


def problem_at(err: dict, raw: object, path: str | Path, where: str = "") -> RecordError:
    """One pydantic error dict as a RecordError: the file, the line the YAML gives, the dotted field, the value."""
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    value = err.get("input") if err["type"] != "missing" else None
    problem = plain_problem(err)
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        loc += tuple(int(p) if p.isdigit() else p for p in cause.field.split("."))
        value, problem = cause.value, cause.problem
    if isinstance(value, (dict, list)):
        value = None
    return RecordError(path, line_at(raw, loc), dotted(where, loc), problem, value)


def dotted(where: str, loc: tuple) -> str:
    """``where`` and ``loc`` as one field name (``overlay.memberships[0].to``), as the record names them."""
    return field_path(where, loc)

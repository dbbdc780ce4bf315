"""Validate a YAML mapping against a pydantic model, reporting file, line and field on failure.

The conversion lives in :mod:`csto.errors` (one wording for the record, the treaty and the
simulation); this module keeps the names the treaty layer has always imported.
"""

from __future__ import annotations

from ..errors import FieldProblem, field_path, problem_at, validate

__all__ = ["FieldProblem", "dotted", "problem_at", "validate"]


def dotted(where: str, loc: tuple) -> str:
    """``where`` and ``loc`` as one field name (``overlay.memberships[0].to``), as the record names them."""
    return field_path(where, loc)

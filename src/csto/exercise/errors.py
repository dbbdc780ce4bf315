"""The exercise's errors: each a :class:`csto.errors.CstoError` whose ``kind`` a face maps to a status.

``forbidden`` (HTTP 403): a forged or expired token, or a role asking for what it may not see or do.
``unknown`` (404): no such game, role, join code or phase. ``conflict`` (409): right request, wrong
moment (the phase is closed, the position already sealed, the log does not replay). ``input`` (400):
a malformed value (a forecast that does not sum to one, a pledge above the contingent).
"""

from __future__ import annotations

from ..errors import CstoError


class ExerciseError(CstoError):
    """Base of the exercise's errors; ``field`` and ``value`` name what was refused, where one thing was."""

    kind = "input"

    def __init__(self, message: str, field: str | None = None, value: object = None):
        super().__init__(message)
        self.field, self.value = field, value

    def as_dict(self) -> dict:
        value = self.value if self.value is None or isinstance(self.value, (str, int, float, bool)) else str(self.value)
        return {"kind": self.kind, "message": str(self), "file": None, "line": None, "field": self.field,
                "value": value}


class Forbidden(ExerciseError):
    """The token is not valid, or its role may not do or see this."""

    kind = "forbidden"


class Unknown(ExerciseError, LookupError):
    """No such game, role, join code or phase."""

    kind = "unknown"


class Conflict(ExerciseError):
    """The request is well formed but the game is not in a state to accept it."""

    kind = "conflict"


class BadInput(ExerciseError):
    """A malformed or out-of-bounds value from a player."""

    kind = "input"

"""The project's errors: what a user can get wrong, always named by file, line, field and value.

Every face (command line, Python API, the coming HTTP API) treats an instance of :class:`CstoError`
as the user's bad input (exit code 2, an ``{"ok": false, "error": ...}`` answer) and anything else
as a bug. This module depends on no other part of ``csto``, so every layer may import it; the
record, the treaty and the simulation all turn pydantic's and PyYAML's errors into
:class:`RecordError` here, in one wording:

    FILE:LINE: FIELD: PROBLEM (got VALUE)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

#: How much of an offending value an error message quotes.
VALUE_CHARS = 80


class CstoError(ValueError):
    """Base of the project's own errors: bad input from a user, never a bug.

    ``field`` and ``value`` name the argument at fault where there is one (``runs``, ``from``), so that every face
    can point at it: the command line's option, the web API's query parameter or form field.
    """

    kind = "input"
    field: str | None = None
    value: object = None

    def __init__(self, *args: object, field: str | None = None, value: object = None):
        super().__init__(*args)
        if field is not None:
            self.field = field
        if value is not None:
            self.value = value

    def as_dict(self) -> dict:
        """The ``error`` object of a JSON answer (README, "Errors")."""
        return {"kind": self.kind, "message": str(self), "file": None, "line": None, "field": self.field,
                "value": None if self.value is None else _plain(self.value)}


class UsageError(CstoError):
    """A bad argument or option on the command line, or a bad argument to a library call."""

    kind = "usage"


class DateError(CstoError):
    """A date that cannot be read: malformed or impossible."""

    kind = "date"


def shown(value: object) -> str:
    """``repr(value)``, cut to :data:`VALUE_CHARS` characters so that no message repeats a huge input."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int over Python's digit limit cannot be printed
        text = f"<{type(value).__name__} too large to print>"
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 3] + "..."


def _plain(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float)) and len(shown(value)) <= VALUE_CHARS:
        return value
    text = value if isinstance(value, str) else shown(value)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 3] + "..."


class RecordError(CstoError):
    """Bad input in a file or folder (the record, a scenario, an overlay, model parameters).

    Names the file, the line (where the YAML gives one), the field and the offending value.
    """

    kind = "input"
    field: str

    def __init__(self, file: str | Path, line: int | None, field: str, problem: str, value: object = None):
        self.file, self.line, self.field, self.problem, self.value = str(file), line, field, problem, value
        where = f"{self.file}:{line}" if line else self.file
        # name the offending value, unless the problem already quotes it
        got = shown(value) if value is not None else ""
        tail = f" (got {got})" if got and got not in problem else ""
        super().__init__(f"{where}: {field}: {problem}{tail}")

    def as_dict(self) -> dict:
        return {"kind": self.kind, "message": str(self), "file": self.file, "line": self.line,
                "field": self.field, "value": _plain(self.value)}


class RecordErrors(RecordError):
    """Several errors found in one pass; the message lists them all, one a line, the first first."""

    errors: list[RecordError]

    def __init__(self, errors: list[RecordError]):
        flat: list[RecordError] = []
        for e in errors:
            flat.extend(e.errors if isinstance(e, RecordErrors) else [e])
        self.errors = flat
        first = flat[0]
        super().__init__(first.file, first.line, first.field, first.problem, first.value)
        self.args = ("\n".join(str(e) for e in flat),)

    def as_dict(self) -> dict:
        return {**super().as_dict(), "message": str(self.errors[0]),
                "errors": [e.as_dict() for e in self.errors]}


class FieldProblem(ValueError):
    """Raised by a model's validator to blame one of its fields (a dotted path below it) and its value.

    A plain ``ValueError`` from a model validator is reported against the whole model; this one is
    reported against ``field``, so the error names the line and field a person must change.
    """

    def __init__(self, field: str, problem: str, value: object = None):
        self.field, self.problem, self.value = field, problem, value
        super().__init__(problem)


# --- pydantic --------------------------------------------------------------------------------------

_PLAIN = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "literal_error": "expected one of {expected}",
    "enum": "expected one of {expected}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "int_parsing": "expected a whole number",
    "int_parsing_size": "number too large",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "finite_number": "expected a finite number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected text",
    "string_too_short": "must not be empty",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
    "none_required": "expected nothing (null)",
    "union_tag_invalid": "expected one of {expected_tags}",
}
_PATTERNS = {
    r"^[A-Z]{3}$": "expected an ISO 3166-1 alpha-3 state code (three capital letters, e.g. ARM)",
    r"^[a-z0-9][a-z0-9_.-]*$": "expected an id of lower-case letters, digits, '-', '_' or '.'",
}


def plain_problem(err: ErrorDetails) -> str:
    """A pydantic error (one item of ``ValidationError.errors()``) in plain words a person can act on."""
    ctx = err.get("ctx") or {}
    loc = err.get("loc") or ()
    if err["type"] in ("missing", "too_short") and loc and loc[-1] == "sources":
        return "every fact needs at least one source"
    if err["type"] == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        return _PATTERNS.get(pattern, f"does not match the pattern {pattern}")
    template = _PLAIN.get(err["type"])
    if template:
        try:
            return template.format(**ctx)
        except (KeyError, IndexError):
            pass
    if err["type"] in ("value_error", "assertion_error"):
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    # pydantic's own wording never reaches a user: a type we have not put in words is named plainly
    return f"invalid value ({err['type'].replace('_', ' ')})"


def field_path(where: str, loc: tuple | list) -> str:
    """One field name for a place in a YAML document: ``memberships[0].to``, ``overlay.articles[0].id``."""
    path = where
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(item)"


def line_at(raw: object, loc: tuple | list) -> int | None:
    """The line of the deepest part of the path ``loc`` (keys and list indexes) that the YAML holds.

    ``raw`` is what :func:`csto.record.yamlio.read` returns: mappings that know their lines
    (``line`` and ``line_of(key)``), lists whose mapping items do.
    """
    node, line = raw, getattr(raw, "line", None)
    for part in loc:
        if isinstance(node, dict) and hasattr(node, "line_of") and _has(node, part):
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line


def _has(mapping: dict, key: object) -> bool:
    try:
        return key in mapping
    except TypeError:
        return False


def problem_at(err: ErrorDetails, raw: object, path: str | Path, where: str = "") -> RecordError:
    """One pydantic error dict as a RecordError: the file, the line the YAML gives, the field, the value."""
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    value = err.get("input") if err["type"] != "missing" else None
    problem = plain_problem(err)
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        loc += tuple(int(p) if p.isdigit() else p for p in cause.field.split("."))
        value, problem = cause.value, cause.problem
    if isinstance(value, (dict, list)):
        value = None
    return RecordError(path, line_at(raw, loc), field_path(where, loc), problem, value)


def from_validation(exc: ValidationError, raw: object, path: str | Path, where: str = "") -> RecordErrors:
    """Every error of a pydantic ``ValidationError`` over ``raw`` (read from ``path``), located, in one."""
    return RecordErrors([problem_at(err, raw, path, where) for err in exc.errors()])


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], raw: Any, path: str | Path, where: str = "") -> M:
    """``model.model_validate(raw)``; every error becomes a RecordError naming file, line and field.

    ``where`` prefixes the field names (``simulation`` gives ``simulation.p_request``).
    """
    if not isinstance(raw, dict):
        raise RecordError(path, getattr(raw, "line", 1), where or "(file)", "expected a mapping",
                          None if isinstance(raw, list) else raw)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise from_validation(exc, raw, path, where) from None


# --- files and YAML --------------------------------------------------------------------------------

#: What YAML does not allow in a file (compiled on first use: the compile costs every command 6 ms)
_NOT_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def unreadable(path: str | Path, exc: OSError | UnicodeDecodeError) -> RecordError:
    """Why a file could not be read, in the project's words (never ``[Errno 21] Is a directory``)."""
    if isinstance(exc, UnicodeDecodeError):
        return RecordError(path, None, "file", f"not UTF-8 text at byte {exc.start}")
    if isinstance(exc, IsADirectoryError):
        return RecordError(path, None, "file", "is a directory, expected a file")
    if isinstance(exc, FileNotFoundError):
        return RecordError(path, None, "file", "no such file")
    if isinstance(exc, PermissionError):
        return RecordError(path, None, "file", "permission denied")
    reason = (exc.strerror or type(exc).__name__).lower()
    return RecordError(path, None, "file", f"cannot read it: {reason}")


def from_yaml(exc: Exception, path: str | Path, text: str) -> RecordError:
    """A PyYAML error (syntax, a control character, a bad tag) as a RecordError with its line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "malformed YAML"
        return RecordError(path, mark.line + 1, "yaml", f"malformed YAML: {problem}")
    bad = re.search(_NOT_PRINTABLE, text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return RecordError(path, line, "yaml", f"control character U+{ord(bad[0]):04X} is not allowed in YAML")
    return RecordError(path, None, "yaml", "malformed YAML")

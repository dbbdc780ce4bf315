"""YAML reading that remembers where each value came from.

PyYAML's safe loader forgets line numbers, silently keeps the last of two
duplicate keys, and turns ``2022-02-30`` into a traceback. The record needs the
opposite: every mapping remembers its line and the line of each key, a
duplicate key is an error, and dates stay text for ``csto.record.dates``.
"""

from __future__ import annotations

from pathlib import Path

import yaml


class RecordError(ValueError):
    """Bad input in the record or a scenario: names the file, line, field and value."""

    def __init__(self, file: str | Path, line: int | None, field: str, problem: str, value: object = None):
        self.file, self.line, self.field, self.problem, self.value = str(file), line, field, problem, value
        where = f"{self.file}:{line}" if line else self.file
        # name the offending value, unless the problem already quotes it
        shown = f" (got {value!r})" if value is not None and repr(value) not in problem else ""
        super().__init__(f"{where}: {field}: {problem}{shown}")

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "field": self.field, "problem": self.problem,
                "value": None if self.value is None else str(self.value)}


class RecordErrors(RecordError):
    """Several errors found in one pass; the message lists them all, the first first."""

    def __init__(self, errors: list[RecordError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.file, first.line, first.field, first.problem, first.value)
        more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
        self.args = ("\n".join(str(e) for e in errors) if len(errors) > 1 else str(first) + more,)


_PLAIN = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "literal_error": "expected one of {expected}",
    "enum": "expected one of {expected}",
    "too_short": "must have at least {min_length} item(s)",
    "greater_than": "must be greater than {gt}",
    "less_than_equal": "must be at most {le}",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
}
_PATTERNS = {
    r"^[A-Z]{3}$": "expected an ISO 3166-1 alpha-3 state code (three capital letters, e.g. ARM)",
    r"^[a-z0-9][a-z0-9_.-]*$": "expected an id of lower-case letters, digits, '-', '_' or '.'",
}


def plain_problem(err: dict) -> str:
    """A pydantic error (one item of ``ValidationError.errors()``) in plain words a record editor can act on."""
    ctx = err.get("ctx") or {}
    if err["type"] == "string_pattern_mismatch":
        return _PATTERNS.get(ctx.get("pattern"), f"does not match the pattern {ctx.get('pattern')}")
    template = _PLAIN.get(err["type"])
    if template:
        try:
            return template.format(**ctx)
        except (KeyError, IndexError):
            pass
    return err["msg"].removeprefix("Value error, ")


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


def field_path(where: str, loc: tuple | list) -> str:
    """One field name for a place in a YAML document: ``memberships[0].to``, ``overlay.articles[0].id``."""
    path = where
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(item)"


def line_at(raw: object, loc: tuple | list) -> int | None:
    """The line of the deepest part of the path ``loc`` (keys and list indexes) that the YAML holds."""
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


class _Loader(yaml.SafeLoader):
    pass


# Keep dates as text: csto.record.dates reads them with messages a person can act on.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            raise RecordError(loader.name, line, str(key), f"duplicate key (first at line {result.lines[key]})")
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read(path: str | Path) -> object:
    """Parse one YAML file; syntax errors become RecordError with the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordError(path, None, "file", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(path, None, "file", f"cannot read: {exc}") from None
    loader = _Loader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RecordError(path, mark.line + 1 if mark else None, "yaml", f"{exc.problem or exc}") from None
    finally:
        loader.dispose()

"""YAML reading that remembers where each value came from.

PyYAML's safe loader forgets line numbers, silently keeps the last of two
duplicate keys, and turns ``2022-02-30`` into a traceback. The record needs the
opposite: every mapping remembers its line and the line of each key, a
duplicate key is an error, and dates stay text for ``csto.record.dates``.
Input is untrusted (scenarios and overlays come from users): files must be
regular and small, anchors and aliases are refused, nesting is bounded, and
every problem becomes a :class:`csto.errors.RecordError` with file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Self

import yaml

from ..errors import FieldProblem, RecordError, RecordErrors, field_path, from_yaml, line_at, plain_problem
from .files import MAX_BYTES, folder, read_bytes, read_text

__all__ = ["FieldProblem", "InlineDocument", "LineDict", "MAX_BYTES", "MAX_DEPTH", "RecordError", "RecordErrors", "field_path",
           "line_at", "folder", "plain_problem", "read", "read_bytes", "read_text"]

#: The deepest nesting of mappings and lists a file may have (the record needs five levels).
MAX_DEPTH = 64


@dataclass(frozen=True)
class InlineDocument:
    """A YAML document given as text instead of a file (a scenario posted to the web API).

    Read exactly as a file is, with the same limits and messages, ``name`` standing for the file's name;
    it is never written to disk.
    """

    name: str
    text: str

    @property
    def path(self) -> Path:
        """The name as the path that messages cite."""
        return Path(self.name)


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


def _without_timestamps(resolvers: dict) -> dict:
    return {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"] for k, v in resolvers.items()}


class _Building:
    """What both loaders share: mappings that remember lines, refused duplicate keys, bounded numbers."""

    name: str

    # ``self: Self``: each constructor is registered on, and called with, the loader class itself (PyYAML's stubs
    # ask that the constructor accept that loader).
    def construct_line_mapping(self: Self, node: yaml.MappingNode) -> LineDict:
        self.flatten_mapping(node)  # type: ignore[attr-defined]
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            line = key_node.start_mark.line + 1
            if isinstance(key, (list, dict)):
                raise RecordError(self.name, line, "yaml", "a key must be plain text or a number, not a list or mapping")
            if key in result:
                raise RecordError(self.name, line, str(key), f"duplicate key (first at line {result.lines[key]})")
            result[key] = self.construct_object(value_node, deep=True)  # type: ignore[attr-defined]
            result.lines[key] = line
        return result

    def construct_bounded_int(self: Self, node: yaml.ScalarNode) -> int:
        try:
            return yaml.SafeLoader.construct_yaml_int(self, node)  # type: ignore[arg-type]
        except ValueError:  # over Python's limit on the digits of an int (4,300)
            raise RecordError(self.name, node.start_mark.line + 1, "yaml",
                              f"number too long ({len(node.value):,} characters)") from None


class _CLoader(_Building, yaml.CSafeLoader):  # libyaml: several times faster, the same lines
    pass


class _PyLoader(_Building, yaml.SafeLoader):  # for files nested too deeply for libyaml's recursion
    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise RecordError(self.name, mark.line + 1, "yaml", f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


for _cls in (_CLoader, _PyLoader):
    # Keep dates as text: csto.record.dates reads them with messages a person can act on.
    _cls.yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader.yaml_implicit_resolvers)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _cls.construct_line_mapping)
    _cls.add_constructor("tag:yaml.org,2002:int", _cls.construct_bounded_int)


def _check_tree(root: yaml.Node | None, path: Path) -> None:
    """Refuse anchors and aliases (no alias bomb can expand) and nesting over MAX_DEPTH, with the line."""
    seen: set[int] = set()
    todo = [(root, 1)] if root is not None else []
    while todo:
        node, depth = todo.pop()
        if id(node) in seen:
            raise RecordError(path, node.start_mark.line + 1, "yaml",
                              "anchors and aliases (&name, *name) are not supported: write the value out")
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise RecordError(path, node.start_mark.line + 1, "yaml", f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, yaml.SequenceNode):
            todo += [(child, depth + 1) for child in node.value]
        elif isinstance(node, yaml.MappingNode):
            todo += [(part, depth + 1) for pair in node.value for part in pair]


def _flow_depth(text: str) -> int:
    """An upper bound of the nesting of ``[`` and ``{`` (quotes ignored): libyaml recurses once a level."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return deepest


def read(path: str | Path | InlineDocument) -> object:
    """Parse one YAML file into plain values and :class:`LineDict` mappings.

    Every problem is a RecordError with the file and, where there is one, the line: an unreadable
    or oversized file, malformed YAML, a control character, a duplicate key, a list used as a key,
    an anchor or alias, nesting deeper than :data:`MAX_DEPTH`, a number over Python's digit limit.
    """
    if isinstance(path, InlineDocument):
        text, path = path.text, path.path
        if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise RecordError(path, None, "file", f"too large: more than {MAX_BYTES:,} bytes")
    else:
        path = Path(path)
        text = read_text(path)
    loader_class = _PyLoader if _flow_depth(text) > MAX_DEPTH else _CLoader
    loader = loader_class(text)
    loader.name = str(path)
    try:
        root = loader.get_single_node()
        _check_tree(root, path)
        return loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        raise from_yaml(exc, path, text) from None
    except RecursionError:
        raise RecordError(path, None, "yaml", f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()

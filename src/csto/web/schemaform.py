"""A form generated from the scenario JSON Schema (``scenarios/schema.json``), and its answers as scenario text.

The form is flat: one input per leaf of the schema, named by its dotted path (``perpetrator.type``), so
it submits with GET and the filled-in form has a permanent address. What it assembles is only text for
the scenario runner: the scenario is then read and checked by the library like any other, with the
same messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import RequestProblem


@dataclass(frozen=True)
class Field:
    """One input: ``path`` (dotted), its kind (text, select, bool, list, number), choices, help and requirement."""

    path: str
    label: str
    kind: str
    description: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)
    group: str = ""


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return schema["$defs"][ref.removeprefix("#/$defs/")]
    return node


def _variants(schema: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a property (``anyOf``), resolved; the word ``none`` is left out."""
    options = node.get("anyOf") or [node]
    return [_resolve(schema, o) for o in options if o.get("type") != "null" and "const" not in o]


def fields(schema: dict[str, Any]) -> list[Field]:
    """Every input of the form, in the schema's order (nested mappings become groups of inputs)."""
    out: list[Field] = []
    _walk(schema, schema, "", "", out)
    return out


def _walk(schema: dict[str, Any], node: dict[str, Any], prefix: str, group: str, out: list[Field]) -> None:
    required = set(node.get("required", []))
    for name, prop in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        variants = _variants(schema, prop)
        if not variants:
            continue
        v = variants[0]
        help_text = prop.get("description") or v.get("description") or ""
        if v.get("type") == "object" and "properties" in v:
            _walk(schema, v, f"{path}.", path, out)
            continue
        if v.get("type") == "object":  # a free mapping (simulation:) has no form: it is written as text
            continue
        kind, options = "text", []
        if "enum" in v:
            kind, options = "select", [str(x) for x in v["enum"]]
        elif v.get("type") == "boolean":
            kind, options = "bool", ["true", "false"]
        elif v.get("type") in ("integer", "number"):
            kind = "number"
        elif v.get("type") == "array":
            kind, items = "list", _resolve(schema, v.get("items", {}))
            options = [str(x) for x in items.get("enum", [])]
        out.append(Field(path, name.replace("_", " "), kind, help_text, name in required and not prefix, options,
                         group))


def assemble(schema: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The scenario the filled-in form describes: empty inputs left out, lists split, booleans and numbers read."""
    doc: dict[str, Any] = {}
    for f in fields(schema):
        raw = (values.get(f.path) or "").strip()
        if not raw:
            continue
        value: Any = raw
        if f.kind == "list":
            value = [x for x in re.split(r"[,\s]+", raw) if x]
        elif f.kind == "bool":
            value = raw == "true"
        elif f.kind == "number":
            try:
                value = int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw)
            except ValueError:
                raise RequestProblem("usage", f"{f.path}: expected a number (got {raw!r})", f.path, raw) from None
        node = doc
        *parents, leaf = f.path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    if "request" not in doc and any(f.path.startswith("request.") for f in fields(schema)):
        doc["request"] = None  # the schema asks for it: no request for help
    return doc


def to_yaml(doc: dict[str, Any]) -> str:
    """Scenario text as a person would write it (keys in the schema's order)."""
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)

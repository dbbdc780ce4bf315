"""The JSON Schema of scenario files, generated from :class:`csto.treaty.scenario.Event`.

``scenarios/schema.json`` is this function's output; a test keeps the two identical. Editors that
read JSON Schema (VS Code with the YAML extension, for one) can check scenario files against it.
"""

from __future__ import annotations

import json

from .scenario import EXTRA_KEYS, Event

_OWNERS = {"simulation": "csto.sim (docs/simulation.md)"}  # the layer that reads each of EXTRA_KEYS


def scenario_schema(kinds: list[str] | None = None) -> dict:
    """The schema; ``kinds`` (from data/treaty/kinds.yaml) become the enum of ``kind`` when given."""
    schema = Event.model_json_schema(by_alias=True)
    schema["properties"].pop("extra", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "csto scenario"
    schema["description"] = ("One event to assess against the Collective Security Treaty and the CSTO Charter "
                             "(docs/treaty.md). Other layers may add top-level keys: "
                             + ", ".join(f"`{k}`" for k in EXTRA_KEYS) + ".")
    for key in EXTRA_KEYS:
        schema["properties"][key] = {
            "type": "object",
            "description": f"owned by {_OWNERS[key]}, which validates it; csto.treaty keeps it unread, so this "
                           "schema checks only that it is a mapping"}
    if kinds:
        schema["properties"]["kind"] = {**schema["properties"]["kind"], "enum": sorted(kinds)}
    request = schema["properties"]["request"]
    request["description"] = "the request for help: a mapping, or none (null or the word none)"
    request.setdefault("anyOf", []).append({"const": "none"})
    return schema


def scenario_schema_json(kinds: list[str] | None = None) -> str:
    return json.dumps(scenario_schema(kinds), indent=2, ensure_ascii=False) + "\n"

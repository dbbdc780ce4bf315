"""The pictures a page shows: Vega-Lite specifications from :mod:`csto.report`, built from an answer's result.

A page embeds each spec in the HTML (``<script type="application/json">``) and ``static/csto.js`` hands it
to vega-embed, so a page saved to disk or written by ``csto site build`` keeps its charts.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Picture:
    """One chart on a page: an id for its element, a title, and its spec as JSON text safe inside <script>."""

    id: str
    title: str
    spec_json: str


def _report() -> Any | None:
    try:
        return importlib.import_module("csto.report")
    except ImportError:  # the pictures are optional: a page without them still shows every figure as a table
        return None


def available() -> bool:
    return _report() is not None


def embeddable(spec: dict[str, Any]) -> str:
    """A spec as JSON text that cannot close the <script> element it sits in."""
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def pictures(names: list[str], result: Any, prefix: str, **options: Any) -> list[Picture]:
    """The pictures ``names`` of :mod:`csto.report` drawn from ``result`` (an answer's ``result``); none without it."""
    report = _report()
    if report is None:
        return []
    out = []
    for name in names:
        entry = report.PICTURES.get(name) if hasattr(report, "PICTURES") else None
        if entry is None:
            continue
        build = getattr(entry, "build", entry)
        chart = build(result, **options)
        out.append(Picture(f"{prefix}-{name}", getattr(entry, "title", name), embeddable(report.to_spec(chart))))
    return out

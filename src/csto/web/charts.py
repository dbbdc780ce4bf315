"""The pictures a page shows: Vega-Lite specifications from :mod:`csto.report`, built from answers.

A page embeds each spec in its HTML (``<script type="application/json">``) and ``static/csto.js`` hands it
to vega-embed, so a page saved to disk or written by ``csto site build`` keeps its charts. The record's
pictures are asked of the report as the command line's ``csto plot`` asks them (:func:`csto.report.picture`);
the simulation's are built from the answers the page already holds (the service's capped, kept answers),
never computed a second time.
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
    except ImportError:  # the pictures are optional: without them a page still shows every figure as a table
        return None


def available() -> bool:
    report = _report()
    return report is not None and hasattr(report, "PICTURES")


def embeddable(spec: Any) -> str:
    """A spec (or any JSON value) as JSON text that cannot close the <script> element it sits in."""
    return json.dumps(spec, ensure_ascii=False, separators=(",", ":"), default=str).replace("</", "<\\/")


def _picture(report: Any, name: str, chart: Any, prefix: str) -> Picture:
    entry = report.PICTURES[name]
    return Picture(f"{prefix}-{name}", entry.description, embeddable(report.to_spec(chart)))


def of_record(names: list[str], record: Any, prefix: str, **options: Any) -> list[Picture]:
    """The record's pictures ``names`` (map, timeline, organs, overlap) for ``options`` (``on``, ``orgs``)."""
    report = _report()
    if report is None or not hasattr(report, "PICTURES"):
        return []
    out = []
    for name in names:
        needs = report.PICTURES[name].needs
        chart = report.picture(name, record, **{k: v for k, v in options.items() if k in needs})
        out.append(_picture(report, name, chart, prefix))
    return out


def of_answers(name: str, prefix: str, **answers: Any) -> list[Picture]:
    """Picture ``name`` built from answers the page holds (``simulate=``, ``first=``/``second=``, ``backtest=``)."""
    report = _report()
    if report is None or not hasattr(report, "PICTURES"):
        return []
    return [_picture(report, name, report.PICTURES[name].build(**answers), prefix)]

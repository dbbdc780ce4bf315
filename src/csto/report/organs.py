"""The organ chart on a date: each organ under its parent, with its kind, decision rule and office holders.

Built from an ``organs`` answer (``csto organs --on DATE --format json``) and, for the office holders,
the ``who`` answers of the record's offices on the same date with each office's name and organ. Vega-Lite
has no tree layout, so the layout is computed here: an indented tree, each organ one row under its
parent (depth across, order down), drawn with rule marks for the branches and text marks for the
words. A filled square marks an organ for which the record holds a decision rule, a hollow one an
organ without: the rule itself is written out beside it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import altair as alt

from . import style

INDENT = 28  # pixels per level of the tree
LINE = 18  # pixels per line of text
GAP = 10  # pixels between organs
WRAP = 110  # characters per line before a long text wraps


def tree(organs: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """The organs in drawing order with their depth: each parent before its children, siblings as answered.
    An organ whose parent is not in the answer (not in existence on the date) is drawn at the top level."""
    ids = {o["id"] for o in organs}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for o in organs:
        children.setdefault(o["parent"] if o["parent"] in ids else None, []).append(o)
    out: list[tuple[dict[str, Any], int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for o in children.get(parent, []):
            out.append((o, depth))
            walk(o["id"], depth + 1)

    walk(None, 0)
    return out


def holders(who: Sequence[dict[str, Any]], offices: Sequence[dict[str, Any]]) -> dict[str, list[str]]:
    """Organ id -> "Office: holder (STATE)" for every holder the ``who`` answers give."""
    by_office = {o["id"]: o for o in offices}
    out: dict[str, list[str]] = {}
    for answer in who:
        for t in answer["result"]:
            office = by_office.get(t["office"], {"name": t["office"], "organ": None})
            state = f" ({t['state']})" if t.get("state") else ""
            acting = ", acting" if t.get("acting") else ""
            out.setdefault(office["organ"], []).append(f"{office['name']}: {t['holder']}{state}{acting}")
    return out


def layout(organs: Sequence[dict[str, Any]], held: dict[str, list[str]]) -> tuple[list[dict], list[dict], int]:
    """Text lines, branch segments and total height, in pixels: rows of the indented tree."""
    lines: list[dict[str, Any]] = []
    nodes: dict[str, dict[str, Any]] = {}
    y = LINE
    for o, depth in tree(organs):
        x = depth * INDENT
        rule = o.get("decision_rule")
        nodes[o["id"]] = {"x": x, "y": y, "parent": o["parent"]}
        # "by 2022": the start is unknown and 2022 is only the earliest source attesting the organ
        since = (f"by {o['from']}" if o.get("from_attested") else f"from {o['from']}") if o.get("from") else ""
        facts = " · ".join(p for p in (o.get("kind"), since, f"decides by {rule}" if rule else "no decision rule "
                                                                                               "recorded") if p)
        texts = [(o["name"], "name"), (facts, "facts")] + [(h, "holder") for h in held.get(o["id"], [])]
        lines.append({"id": o["id"], "x": x, "y": y, "rule": "rule recorded" if rule else "no rule recorded",
                      "decision_rule": rule or "none recorded", "name": o["name"], "marker": True})
        for text, kind in texts:
            for part in textwrap.wrap(text, WRAP, subsequent_indent="  ") or [""]:
                lines.append({"id": o["id"], "x": x + 14, "y": y, "text": part, "kind": kind,
                              "decision_rule": rule or "none recorded"})
                y += LINE
        y += GAP
    branches = []
    for oid, n in nodes.items():
        parent = nodes.get(n["parent"]) if n["parent"] else None
        if parent is None:
            continue
        elbow = parent["x"] + 5
        branches.append({"x": elbow, "x2": elbow, "y": parent["y"] + 6, "y2": n["y"], "id": oid})
        branches.append({"x": elbow, "x2": n["x"] - 6, "y": n["y"], "y2": n["y"], "id": oid})
    return lines, branches, y


def _px(channel: Any, field: str) -> Any:
    """A position in pixels, as laid out here (no scale, no axis)."""
    return channel(f"{field}:Q", scale=None, axis=None)


def build(organs: dict[str, Any], who: Sequence[dict[str, Any]] = (),
          offices: Sequence[dict[str, Any]] = ()) -> Any:
    """The organ chart of an ``organs`` answer; ``who`` answers and ``offices`` (``id``, ``name``, ``organ``)
    add the office holders on the same date."""
    lines, branches, height = layout(organs["result"], holders(who, offices))
    on = organs["question"].get("on")
    markers = alt.Chart(alt.Data(values=[r for r in lines if r.get("marker")])).mark_point(
        size=90, strokeWidth=1.5, color=style.EDGE, opacity=1).encode(
        x=_px(alt.X, "x"), y=_px(alt.Y, "y"),
        shape=alt.value("square"),
        fill=alt.Fill("rule:N", scale=alt.Scale(domain=["rule recorded", "no rule recorded"],
                                               range=[style.EDGE, "white"]),
                      legend=alt.Legend(title="decision rule", orient="bottom", direction="horizontal",
                                        symbolType="square", symbolStrokeColor=style.EDGE)),
        tooltip=["name:N", "decision_rule:N"])
    words = alt.Chart(alt.Data(values=[r for r in lines if not r.get("marker")]))
    names = words.transform_filter(alt.datum.kind == "name").mark_text(
        align="left", baseline="middle", fontSize=14, fontWeight="bold", color=style.EDGE).encode(
        x=_px(alt.X, "x"), y=_px(alt.Y, "y"), text="text:N")
    facts = words.transform_filter(alt.datum.kind == "facts").mark_text(
        align="left", baseline="middle", fontSize=12, color="#303030").encode(
        x=_px(alt.X, "x"), y=_px(alt.Y, "y"), text="text:N")
    people = words.transform_filter(alt.datum.kind == "holder").mark_text(
        align="left", baseline="middle", fontSize=12, fontStyle="italic", color="#303030").encode(
        x=_px(alt.X, "x"), y=_px(alt.Y, "y"), text="text:N")
    lines_of_tree = alt.Chart(alt.Data(values=branches)).mark_rule(color="#808080", strokeWidth=1.2).encode(
        x=_px(alt.X, "x"), x2="x2:Q", y=_px(alt.Y, "y"), y2="y2:Q")
    chart = alt.layer(lines_of_tree, markers, names, facts, people).properties(width=style.WIDTH, height=height)
    when = f"on {on}" if on else "at any date (every organ the record holds)"
    notes = [style.source_line(organs, f"{len(organs['result'])} organs; each under its parent"),
             "filled square: the record holds the organ's decision rule (written beside it); hollow: none recorded"
             "; italic: office holders on the date"]
    return style.finish(chart, f"CSTO organs {when}: hierarchy, decision rules, office holders", notes)

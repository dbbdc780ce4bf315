"""The membership timeline: every state's status periods in one organization (or several), as of a date.

Built from ``timeline`` answers (``csto timeline --org ORG --format json``). Each period is a bar from
the first day its start can mean to the last day its end can mean; an open end runs to the edge of
the picture. A status is told by its fill, its outline pattern and, where the bar is long enough, its
name (or code) written on the bar, so the picture reads in black and white; frozen participation has
a look of its own. A vertical rule marks the as-of date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import altair as alt

from ..errors import UsageError
from ..record.dates import parse_day
from . import style

BAR_ROW = 28  # pixels per state
CHAR_PX = 8.0  # width of one character of the bar labels (12 px), to decide what fits on a bar


def _day(on: date | str) -> date:
    return on if isinstance(on, date) else parse_day(on)


def _label(key: str, pixels: float) -> str:
    """The status's name if it fits on a bar this wide, else its code, else nothing (the pattern still tells)."""
    if len(key) * CHAR_PX + 8 <= pixels:
        return key
    code = style.look(key).code
    return code if len(code) * CHAR_PX + 4 <= pixels else ""


def periods(answers: Sequence[dict[str, Any]], on: date) -> tuple[list[dict[str, Any]], date, date]:
    """One row per status period, with its bar's ends and label; and the picture's first and last day."""
    found = []
    for answer in answers:
        org = answer["question"].get("org") or "?"
        for r in answer["result"]:
            found.append((org, r, style.start_day(r["from"]), style.end_day(r["to"]) if r["to"] else None))
    if not found:
        orgs = ", ".join(a["question"].get("org") or "?" for a in answers)
        raise UsageError(f"nothing to draw: the timeline of {orgs} holds no status period")
    days = [d for _, _, a, b in found for d in (a, b) if d is not None] + [on]
    lo, hi = date(min(days).year, 1, 1), date(max(days).year + 1, 1, 1)
    px_per_day = style.WIDTH / (hi - lo).days
    several = len(answers) > 1
    rows = []
    for org, r, start, end in found:
        key = style.status_key(r["status"], r["participation"], r["level"])
        stop = end or hi
        state = f"{r['name']} ({r['state']})"
        rows.append({"org": org, "state": r["state"], "row": f"{org} · {state}" if several else state,
                     "status": key, "start": start.isoformat(), "stop": stop.isoformat(),
                     "from": r["from"], "to": r["to"] or "open",
                     "label": _label(key, (stop - start).days * px_per_day), "ink": style.look(key).ink})
    return rows, lo, hi


def _order(rows: list[dict[str, Any]], orgs: list[str]) -> list[str]:
    """Rows by organization as asked, then by the first day each state's first period starts, then by name."""
    first: dict[str, tuple] = {}
    for r in rows:
        key = (orgs.index(r["org"]), r["start"], r["row"])
        first[r["row"]] = min(first.get(r["row"], key), key)
    return sorted(first, key=lambda row: first[row])


def build(timelines: dict[str, Any] | Sequence[dict[str, Any]], on: date | str) -> Any:
    """The timeline picture of one ``timeline`` answer, or of several (one per organization), as of ``on``."""
    answers = [timelines] if isinstance(timelines, dict) else list(timelines)
    when = _day(on)
    rows, lo, hi = periods(answers, when)
    orgs = [a["question"].get("org") or "?" for a in answers]
    keys = [r["status"] for r in rows]
    scales = style.status_scales(keys)
    order = _order(rows, orgs)
    years = hi.year - lo.year
    step = next((s for s in (1, 2, 5, 10, 20) if years / s <= 10), 50)  # at most about ten year labels
    x = alt.X("start:T", title=None, scale=alt.Scale(type="utc", domain=[lo.isoformat(), hi.isoformat()]),
              axis=alt.Axis(format="%Y", grid=True, gridColor="#e0e0e0", orient="top", labelOverlap=True,
                            tickCount=alt.TimeIntervalStep(interval="year", step=step)))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(ticks=False, domain=False, labelPadding=8))
    base = alt.Chart(alt.Data(values=rows))
    bars = base.mark_bar(height=BAR_ROW - 8, stroke=style.EDGE, strokeWidth=1.5).encode(
        x=x, x2="stop:T", y=y,
        color=alt.Color("status:N", scale=scales["fill"], title="status",
                        legend=alt.Legend(orient="bottom", direction="horizontal", symbolType="square",
                                          symbolStrokeColor=style.EDGE, symbolStrokeWidth=1.5)),
        strokeDash=alt.StrokeDash("status:N", scale=scales["dash"], title="status"),
        tooltip=[alt.Tooltip("state:N"), alt.Tooltip("org:N"), alt.Tooltip("status:N"), alt.Tooltip("from:N"),
                 alt.Tooltip("to:N")])
    labels = base.mark_text(align="left", baseline="middle", dx=4, fontSize=12).encode(
        x=x, y=y, text=alt.Text("label:N"), color=alt.Color("ink:N", scale=None))
    # the as-of rule, its date written below the bars on the side with more room
    rule_data = alt.Data(values=[{"start": when.isoformat(), "label": f"as of {when.isoformat()}"}])
    left = (when - lo).days > (hi - lo).days / 2
    rule = alt.Chart(rule_data).mark_rule(color=style.EDGE, strokeWidth=2, strokeDash=[6, 3]).encode(x=x)
    height = BAR_ROW * len(order)
    rule_label = alt.Chart(rule_data).mark_text(align="right" if left else "left", baseline="top",
                                                dx=-4 if left else 4, dy=4, fontSize=13, fontWeight="bold",
                                                color=style.EDGE).encode(x=x, y=alt.value(height), text="label:N")
    chart = alt.layer(bars, labels, rule, rule_label).properties(width=style.WIDTH, height=height)
    span = f"{lo.year}–{hi.year - 1}"
    what = orgs[0] if len(orgs) == 1 else f"{', '.join(orgs[:-1])} and {orgs[-1]}"
    title = f"{what}: each state's status, {span}, as of {when.isoformat()}"
    notes = [style.source_line(answers[0], "a bar runs from the first to the last day its dates can mean; "
                                           "an open period runs to the right edge"),
             "status by fill, outline pattern and the name (or code) on the bar: "
             + ", ".join(f"{style.look(k).code} {k}" for k in style.legend_order(keys))]
    return style.finish(chart, title, notes)

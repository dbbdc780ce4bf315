"""The CSTO beside the other organizations on a date: a states x organizations grid of statuses.

Built from an ``overlap`` answer (``csto overlap --on DATE --format json``). Each cell is filled by the
state's status in that organization and says it in words, so the grid reads without colour. The
CSTO's states come first (members, then the others by status), then every other state by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt

from ..errors import UsageError
from . import style

CELL = (104, 22)  # pixels: a cell's width and height


def _columns(held: list[str], asked: Sequence[str] | None) -> list[str]:
    """The organizations to draw: those asked for (in the order asked), each one the answer holds."""
    if not asked:
        return held
    wanted = [o.upper() for o in asked]
    unknown = [o for o in wanted if o not in held]
    if unknown:
        raise UsageError(f"unknown organization {', '.join(map(repr, unknown))}: expected one of {', '.join(held)}")
    return list(dict.fromkeys(wanted))


def cells(overlap: dict[str, Any], organizations: Sequence[str] | None = None
          ) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """One row per (state, organization) with a status; the organizations shown (``organizations``, default
    every one in the answer, in its order); the states in drawing order (those with a status in one of them)."""
    result = overlap["result"]
    orgs = _columns(list(result["organizations"]), organizations)
    first = orgs[0]
    rank = {k: i for i, k in enumerate(style.STATUSES)}
    shown = [s for s in result["states"] if any(o in s["statuses"] for o in orgs)]
    states = sorted(shown, key=lambda s: (first not in s["statuses"],
                                          rank.get(style.status_key(s["statuses"].get(first, "")), len(rank)),
                                          s["name"]))
    rows = [{"state": f"{s['name']} ({s['state']})", "org": org, "status": key, "ink": style.look(key).ink}
            for s in states for org, status in s["statuses"].items() if org in orgs
            for key in [style.status_key(status)]]
    return rows, orgs, [f"{s['name']} ({s['state']})" for s in states]


def build(overlap: dict[str, Any], organizations: Sequence[str] | None = None) -> Any:
    """The grid of one ``overlap`` answer, over ``organizations`` (default: every one it holds; the first is
    the one the rows are ordered by)."""
    rows, orgs, states = cells(overlap, organizations)
    on = overlap["result"].get("on") or overlap["question"].get("on")
    scales = style.status_scales([r["status"] for r in rows])
    x = alt.X("org:N", sort=orgs, title=None, scale=alt.Scale(domain=orgs),
              axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold", ticks=False, domain=False))
    y = alt.Y("state:N", sort=states, title=None, scale=alt.Scale(domain=states),
              axis=alt.Axis(ticks=False, domain=False, labelPadding=6))
    base = alt.Chart(alt.Data(values=rows))
    fills = base.mark_rect(stroke="white", strokeWidth=2).encode(
        x=x, y=y, color=alt.Color("status:N", scale=scales["fill"], title="status",
                                  legend=alt.Legend(orient="bottom", direction="horizontal", symbolType="square")),
        tooltip=["state:N", "org:N", "status:N"])
    words = base.mark_text(fontSize=12).encode(x=x, y=y, text="status:N", color=alt.Color("ink:N", scale=None))
    grid = alt.Chart(alt.Data(values=[{"state": s, "org": o} for s in states for o in orgs])).mark_rect(
        fill=style.NO_STATUS, stroke="white", strokeWidth=2).encode(x=x, y=y)
    chart = alt.layer(grid, fills, words).properties(width=CELL[0] * len(orgs), height=CELL[1] * len(states))
    partial = sorted(o for o in overlap["result"].get("coverage") or {} if o in orgs)
    notes = [style.source_line(overlap, f"{len(states)} states"),
             "each cell names the status; empty: none recorded"
             + (f"; the record covers {', '.join(partial)} only in part (csto overlap --format json: coverage)"
                if partial else "")]
    return style.finish(chart, f"{' · '.join(orgs[:1])} beside {', '.join(orgs[1:])} on {on}", notes)

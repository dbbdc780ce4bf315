"""A what-if: the outcome probabilities of two simulations side by side (a scenario and an overlay, or two).

Built from two ``simulate`` answers. For each outcome class, one bar per run with its error bar of
±1.96 Monte Carlo standard errors; each bar is marked with its run's letter and value, and the two runs
differ in fill and outline as well, so the picture reads without colour.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from . import simulation, style

LOOKS = {"A": (style.STATUSES["member"].fill, "white", [1, 0]), "B": ("#fdb863", "black", [5, 3])}
ROW = 44  # pixels per outcome class (two bars)


def label(result: dict[str, Any]) -> str:
    """What a run was: its scenario, date and overlay, and its size."""
    what_if = f" + overlay {result['overlay']}" if result.get("overlay") else ""
    return f"{result['scenario']} ({result['date']}){what_if}: {result['runs']:,} runs, seed {result['seed']}"


def build(first: dict[str, Any], second: dict[str, Any]) -> Any:
    """Two ``simulate`` answers, A and B, compared class by class."""
    runs = {"A": first["result"], "B": second["result"]}
    rows = []
    for letter, result in runs.items():
        for r in simulation.outcome_rows(result, letter):
            rows.append({**r, "text": f"{letter}  {r['text']}", "run": f"{letter}: {label(result)}"})
    names = [f"{k}: {label(v)}" for k, v in runs.items()]
    order = list(dict.fromkeys(r["outcome"] for r in rows))
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("outcome:N", sort=order, title=None)
    offset = alt.YOffset("run:N", sort=names, scale=alt.Scale(domain=names, paddingInner=0.15))
    bars = base.mark_bar(stroke=style.EDGE, strokeWidth=1.2).encode(
        x=alt.X("p:Q", scale=alt.Scale(domain=[0, 1]), title="probability"), y=y, yOffset=offset,
        color=alt.Color("run:N", scale=alt.Scale(domain=names, range=[LOOKS[k][0] for k in runs]), title=None,
                        legend=alt.Legend(orient="bottom", direction="vertical", symbolType="square",
                                          symbolStrokeColor=style.EDGE, labelLimit=900)),
        strokeDash=alt.StrokeDash("run:N", scale=alt.Scale(domain=names, range=[LOOKS[k][2] for k in runs]),
                                  title=None),
        tooltip=["run:N", "outcome:N", "text:N"])
    errors = base.mark_rule(color=style.EDGE, strokeWidth=2).encode(x="lo:Q", x2="hi:Q", y=y, yOffset=offset)
    values = base.mark_text(align="left", dx=6, fontSize=12, color=style.EDGE).encode(
        x="hi:Q", y=y, yOffset=offset, text="text:N")
    chart = alt.layer(bars, errors, values).properties(width=style.WIDTH - 160, height=ROW * len(order))
    notes = [style.source_line(first, f"A: n = {runs['A']['runs']:,} runs, B: n = {runs['B']['runs']:,} runs"),
             f"each bar names its run (A or B) and its probability ± {style.Z95} Monte Carlo standard errors"]
    title = f"What if: {runs['A']['scenario']} against {runs['B']['scenario']}" + (
        f" with overlay {runs['B']['overlay']}" if runs["B"].get("overlay") else "")
    if first.get("record_hash") != second.get("record_hash"):
        notes.append(f"B was computed from record {style.short_hash(second)}")
    return style.finish(chart, title, notes)

"""The backtest: each historical crisis's out-of-sample forecast against what happened, and the reliability diagram.

Built from a ``backtest`` answer (``csto backtest --format json``). Left, one row per crisis, one cell
per outcome class: the leave-one-case-out probability, written in the cell and shading it, with the
class that happened outlined and marked ``◆`` (``◆?`` where the record classes it with doubt). Right,
the reliability diagram over every (case, class) forecast: mean forecast against observed frequency
per bin, each point labelled with its count, beside the diagonal of perfect calibration.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from . import style

CELL = (92, 26)  # pixels: a forecast cell's width and height
SIDE = 330  # pixels: the reliability diagram's side


def forecast_rows(result: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """One row per (case, class); the classes in the answer's order; the cases as drawn (oldest first)."""
    rows, classes, cases = [], [], []
    for c in result["cases"]:
        case = f"{c['date']} {c['crisis']}"
        cases.append(case)
        for name, p in c["predicted"]["probabilities"].items():
            if name not in classes:
                classes.append(name)
            happened = name == c["outcome"]
            rows.append({"case": case, "outcome": name, "p": p, "happened": "what happened" if happened else "",
                         "text": f"{'◆' + ('?' if c.get('uncertain') else '') + ' ' if happened else ''}{p:.2f}",
                         "ink": "white" if p >= 0.5 else "black", "name": c.get("name"), "brier": c.get("brier")})
    return rows, classes, cases


def forecasts(result: dict[str, Any]) -> Any:
    rows, classes, cases = forecast_rows(result)
    base = alt.Chart(alt.Data(values=rows))
    x = alt.X("outcome:N", sort=classes, title="outcome class (◆ what happened; ◆? classed with doubt)",
              axis=alt.Axis(orient="top", labelAngle=0, ticks=False, domain=False, titlePadding=10))
    y = alt.Y("case:N", sort=cases, title=None, axis=alt.Axis(ticks=False, domain=False))
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        x=x, y=y, color=alt.Color("p:Q", scale=alt.Scale(domain=[0, 1], scheme="blues"),
                                  title="forecast probability",
                                  legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=200)),
        tooltip=["name:N", "outcome:N", "p:Q", "brier:Q"])
    actual = base.transform_filter(alt.datum.happened != "").mark_rect(
        filled=False, stroke=style.EDGE, strokeWidth=3).encode(x=x, y=y)
    values = base.mark_text(fontSize=12).encode(x=x, y=y, text="text:N", color=alt.Color("ink:N", scale=None))
    return alt.layer(cells, actual, values).resolve_scale(color="independent").properties(width=CELL[0] * len(classes), height=CELL[1] * len(cases),
                                                       title="Out-of-sample forecast of each crisis")


def reliability(result: dict[str, Any]) -> Any:
    bins = [{**b, "label": f"n = {b['n']}"} for b in result["reliability"] if b["n"]]
    base = alt.Chart(alt.Data(values=bins))
    ticks = alt.Axis(values=[0, 0.2, 0.4, 0.6, 0.8, 1], format=".1f")
    x = alt.X("mean_forecast:Q", scale=alt.Scale(domain=[0, 1]), title="mean forecast probability", axis=ticks)
    y = alt.Y("observed:Q", scale=alt.Scale(domain=[0, 1]), title="observed frequency", axis=ticks)
    diagonal = alt.Chart(alt.Data(values=[{"a": 0, "b": 0, "a2": 1, "b2": 1}])).mark_rule(
        color="#808080", strokeDash=[6, 4], strokeWidth=1.5).encode(x="a:Q", y="b:Q", x2="a2:Q", y2="b2:Q")
    line = base.mark_line(color=style.EDGE, strokeWidth=1.5).encode(x=x, y=y)
    points = base.mark_point(filled=True, color=style.EDGE, opacity=1).encode(
        x=x, y=y, size=alt.Size("n:Q", legend=None, scale=alt.Scale(range=[40, 400])),
        tooltip=["bin:N", "n:Q", "mean_forecast:Q", "observed:Q"])
    counts = base.mark_text(align="left", dx=10, dy=-8, fontSize=12, color=style.EDGE).encode(x=x, y=y, text="label:N")
    return alt.layer(diagonal, line, points, counts).properties(
        width=SIDE, height=SIDE, title=alt.TitleParams("Reliability (every case × class forecast)",
                                                       subtitle="dashed: perfect calibration", subtitleFontSize=12))


def build(backtest: dict[str, Any]) -> Any:
    """The forecasts and the reliability diagram of one ``backtest`` answer."""
    r = backtest["result"]
    st = r["settings"]
    sc = r["scores"]

    def score(name: str) -> str:
        s = sc[name]
        err = f" ± {s['brier_mcse']:.3f}" if s.get("brier_mcse") is not None else ""
        return f"{name.replace('_', ' ')} {s['brier']:.3f}{err}"

    chart = alt.hconcat(forecasts(r), reliability(r), spacing=60)
    notes = [style.source_line(backtest, f"{len(r['cases'])} crises, each predicted from the others",
                                         f"{st['particles']:,} parameter sets × {st['reps']} runs, "
                                         f"{st['repeats']} calibration(s) from seed {r['seed']}"),
             "mean Brier score (lower is better): " + ", ".join(score(k) for k in sc)]
    return style.finish(chart, "Backtest: forecasts of past crises, left out one at a time, against what happened",
                        notes)

"""A simulated crisis: outcome probabilities, how fast the decision and the troops come, who sends, who blocks.

Built from a ``simulate`` answer (``csto simulate SCENARIO --format json``). Four panels: the probability of
each outcome class with its Monte Carlo error; the ECDFs of the days to the decision and to the first
troops (from ``timing_quantiles``, over the runs where each happens); the persons each state sends when
troops go; and each state's chance of being the one that blocks. Every bar carries its value written
out and an error bar of ±1.96 Monte Carlo standard errors; the two ECDFs differ by their dash pattern.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from . import style

PANEL = (380, 210)  # pixels: one panel's width and height
BAR = style.STATUSES["member"].fill
TIMINGS = {"days_to_decision": ("decision", []), "days_to_first_troops": ("first troops", [8, 4])}


def _p(value: float, se: float | None) -> str:
    return f"{value:.3f}" + (f" ± {style.Z95 * se:.3f}" if se else "")


def share_bars(rows: list[dict[str, Any]], category: str, title: str, axis: str) -> Any:
    """Horizontal bars of shares (``p``, ``lo``, ``hi``, ``text``) by ``category``, with error bars and values."""
    order = list(dict.fromkeys(r[category] for r in rows))
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y(f"{category}:N", sort=order, title=None)
    x = alt.X("p:Q", scale=alt.Scale(domain=[0, 1]), title=axis)
    bars = base.mark_bar(color=BAR, height=16).encode(x=x, y=y, tooltip=[f"{category}:N", "text:N"])
    errors = base.mark_rule(color=style.EDGE, strokeWidth=2).encode(x="lo:Q", x2="hi:Q", y=y)
    values = base.mark_text(align="left", dx=6, fontSize=12, color=style.EDGE).encode(x="hi:Q", y=y, text="text:N")
    return alt.layer(bars, errors, values).properties(width=PANEL[0], height=PANEL[1], title=title)


def outcome_rows(result: dict[str, Any], label: str | None = None) -> list[dict[str, Any]]:
    """One row per outcome class, in the answer's order: probability, its interval, the value as text."""
    rows = []
    for name, p in result["outcomes"].items():
        se = result["outcomes_mcse"].get(name)
        lo, hi = style.ci(p, se)
        rows.append({"outcome": name, "p": p, "lo": lo, "hi": hi, "text": _p(p, se), "run": label})
    return rows


def ecdf_rows(result: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The ECDF points of each timing with enough runs, and a note for each timing without."""
    rows, missing = [], []
    quantiles = result.get("timing_quantiles") or {}
    for key, (name, _) in TIMINGS.items():
        n = result[key]["n"]
        grid = quantiles.get(key)
        if not grid:
            missing.append(f"days to {name}: not drawn (n = {n:,}, fewer than {result.get('min_n', '?')} runs)")
            continue
        measure = f"{name} (n = {n:,})"
        rows += [{"measure": measure, "timing": key, "p": p, "days": days} for p, days in grid]
    return rows, missing


def ecdf(result: dict[str, Any]) -> tuple[Any, list[str]]:
    rows, missing = ecdf_rows(result)
    measures = list(dict.fromkeys(r["measure"] for r in rows))
    patterns = [TIMINGS[next(r["timing"] for r in rows if r["measure"] == m)][1] for m in measures]
    # the lines are told apart by their dashes, named in the panel's subtitle (a legend cannot sit in a panel)
    key = "; ".join(f"{'dashed' if dash else 'solid'}: {m}" for m, dash in zip(measures, patterns))
    chart = alt.Chart(alt.Data(values=rows)).mark_line(interpolate="step-after", strokeWidth=2.5).encode(
        x=alt.X("days:Q", title="days from the request (symmetric log scale)",
                scale=alt.Scale(type="symlog", constant=1), axis=alt.Axis(values=[0, 1, 2, 5, 10, 20, 50, 100])),
        y=alt.Y("p:Q", title="share of those runs", scale=alt.Scale(domain=[0, 1])),
        strokeDash=alt.StrokeDash("measure:N", scale=alt.Scale(domain=measures,
                                                               range=[d or [1, 0] for d in patterns]), legend=None),
        color=alt.value(style.EDGE),
        tooltip=["measure:N", "p:Q", "days:Q"])
    title = alt.TitleParams("Days to the decision and to the first troops (ECDF)", subtitle=key or "none drawn",
                            subtitleFontSize=12)
    return chart.properties(width=PANEL[0], height=PANEL[1], title=title), missing


def personnel(result: dict[str, Any]) -> Any:
    rows = []
    for state, per in result["personnel_by_state"].items():
        mean, se = per["mean_when_deployed"], per["mean_when_deployed_mcse"]
        if mean is None:
            continue
        half = style.Z95 * (se or 0)
        rows.append({"state": state, "mean": mean, "lo": max(mean - half, 0), "hi": mean + half,
                     "text": f"{mean:,.0f} ± {half:,.0f} (P(sends) {per['p_contributes']:.2f})"})
    base = alt.Chart(alt.Data(values=rows))
    y = alt.Y("state:N", title=None, sort=list(result["personnel_by_state"]))
    bars = base.mark_bar(color=BAR, height=16).encode(x=alt.X("mean:Q", title="persons sent, mean when troops go"),
                                                      y=y, tooltip=["state:N", "text:N"])
    errors = base.mark_rule(color=style.EDGE, strokeWidth=2).encode(x="lo:Q", x2="hi:Q", y=y)
    values = base.mark_text(align="left", dx=6, fontSize=12, color=style.EDGE).encode(x="hi:Q", y=y, text="text:N")
    n = max((per["n_deployed"] for per in result["personnel_by_state"].values()), default=0)
    return alt.layer(bars, errors, values).properties(
        width=PANEL[0], height=PANEL[1], title=f"Persons sent by state (over the {n:,} runs with troops)")


def blocking_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for state, p in result["blocking"].items():
        se = result["blocking_mcse"].get(state)
        lo, hi = style.ci(p, se)
        rows.append({"state": state, "p": p, "lo": lo, "hi": hi, "text": _p(p, se)})
    return rows


def title_of(result: dict[str, Any]) -> str:
    what_if = f", overlay {result['overlay']}" if result.get("overlay") else ""
    return f"Simulated: {result['scenario']} as of {result['date']}{what_if}"


def build(simulate: dict[str, Any]) -> Any:
    """The four panels of one ``simulate`` answer."""
    r = simulate["result"]
    timing, missing = ecdf(r)
    top = alt.hconcat(share_bars(outcome_rows(r), "outcome", "Outcome class", "probability"),
                      share_bars(blocking_rows(r), "state", "Who blocks (under a consensus rule)", "P(blocks)"),
                      spacing=130)
    bottom = alt.hconcat(timing, personnel(r), spacing=130)
    chart = alt.vconcat(top, bottom, spacing=40)
    model = r.get("model") or {}
    params = model.get("parameters") or {}
    notes = [style.source_line(simulate, f"n = {r['runs']:,} runs, seed {r['seed']}",
                               f"parameters: {params.get('source', '?')} ({params.get('sets', '?')} sets)"),
             f"error bars: ±{style.Z95} Monte Carlo standard errors, values written beside them; P(request) "
             f"{r['p_request']:.3f}, no decision within the horizon {r['p_no_decision']:.3f}"
             f"; rule: {(model.get('rule') or {}).get('title', '?')}",
             *missing]
    return style.finish(chart, f"{title_of(r)}: {r['runs']:,} runs", notes)

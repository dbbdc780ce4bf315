"""One look for every picture: the statuses' colours, patterns, shapes and codes, fonts, titles and source lines.

No picture rests on colour alone (DESIGN.md): every status has, besides its fill, an outline pattern
(``dash``), a point shape and a short code, and every picture carries one of these (or the status as
text) in an encoding channel of its own. The fills are a colour-blind-safe set whose lightness also
differs, so a grey print keeps member, frozen and former apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import altair as alt

from ..record.dates import first_day, last_day


@dataclass(frozen=True)
class Look:
    """How one status is drawn: fill, the text colour that reads on it, outline dashes, point shape, short code."""

    fill: str
    ink: str
    dash: tuple[int, ...]
    shape: str
    code: str


#: A filled saltire (Vega's "cross" is upright and taken by "suspended").
X_SHAPE = "M-1,-0.6L-0.6,-1L0,-0.4L0.6,-1L1,-0.6L0.4,0L1,0.6L0.6,1L0,0.4L-0.6,1L-1,0.6L-0.4,0Z"

#: Every status a picture may show, in the order legends list them. Keys are the labels people read:
#: the record's status, with "(frozen)" for frozen participation and "(PA)" for the Parliamentary Assembly.
STATUSES: dict[str, Look] = {
    "member": Look("#08519c", "white", (), "circle", "M"),
    "member (frozen)": Look("#9ecae1", "black", (6, 3), "diamond", "F"),
    "observer": Look("#e69f00", "black", (2, 2), "triangle-up", "O"),
    "observer (PA)": Look("#f5c26b", "black", (1, 3), "triangle-down", "PA"),
    "partner": Look("#009e73", "white", (8, 2, 2, 2), "square", "P"),
    "partner (frozen)": Look("#99d8c9", "black", (6, 2, 1, 2), "wedge", "PF"),
    "applicant": Look("#f0e442", "black", (3, 1), "triangle-left", "A"),
    "suspended": Look("#636363", "white", (10, 4), "cross", "S"),
    "former": Look("#bdbdbd", "black", (1, 1), X_SHAPE, "X"),
}
NO_STATUS = "#f2f2f2"  # countries and cells the answer says nothing about
EDGE = "#252525"  # outlines and rules

WIDTH = 860  # a slide's width, less margins, at 100 %
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


def status_key(status: str, participation: str | None = "full", level: str | None = "organization") -> str:
    """The label of a status row: ``member (frozen)`` for frozen participation, ``observer (PA)`` at the
    Parliamentary Assembly. A status already written that way (``overlap`` says ``partner (frozen)``,
    ``observer (parliamentary-assembly)``) is read the same."""
    status = status.replace("(parliamentary-assembly)", "(PA)")
    if participation == "frozen" and "(frozen)" not in status:
        status += " (frozen)"
    if level == "parliamentary-assembly" and "(PA)" not in status:
        status += " (PA)"
    return status


def look(key: str) -> Look:
    """The look of a status label; one the vocabulary does not know gets a neutral grey look of its own."""
    return STATUSES.get(key, Look("#bdbdbd", "black", (2, 6), "wedge", key[:2].upper()))


def status_scales(keys: list[str]) -> dict[str, alt.Scale]:
    """Scales for the statuses present, in legend order: ``fill``, ``ink``, ``dash``, ``shape``."""
    order = [k for k in STATUSES if k in keys] + sorted(k for k in set(keys) if k not in STATUSES)
    return {"fill": alt.Scale(domain=order, range=[look(k).fill for k in order]),
            "ink": alt.Scale(domain=order, range=[look(k).ink for k in order]),
            "dash": alt.Scale(domain=order, range=[list(look(k).dash) or [1, 0] for k in order]),
            "shape": alt.Scale(domain=order, range=[look(k).shape for k in order])}


def legend_order(keys: list[str]) -> list[str]:
    return [k for k in STATUSES if k in keys] + sorted(k for k in set(keys) if k not in STATUSES)


def start_day(text: str) -> date:
    """The first day a record date (a day, month or year) can mean."""
    return first_day(text)


def end_day(text: str) -> date:
    """The day after the last day a record date can mean: bars drawn to it meet the next period's start."""
    return last_day(text) + timedelta(days=1)


def short_hash(answer: dict[str, Any]) -> str:
    return (answer.get("record_hash") or "unknown")[:8]


def source_line(answer: dict[str, Any], *more: str) -> str:
    """``Source: csto record d6a2fc5f (csto 0.1.0)``, then what else the reader needs to weigh the picture."""
    head = f"Source: csto record {short_hash(answer)} (csto {answer.get('csto_version', '?')})"
    return "; ".join([head, *[m for m in more if m]])


def finish(chart: Any, title: str, notes: list[str]) -> Any:
    """Title (what, as of when), a subtitle of notes and source, and the fonts and sizes of a slide."""
    return (chart.properties(title=alt.TitleParams(title, subtitle=notes, anchor="start", fontSize=20,
                                                   subtitleFontSize=13, subtitleColor="#404040", offset=12))
            .configure(font=FONT, padding=16)
            .configure_axis(labelFontSize=13, titleFontSize=14, titleFontWeight="normal", labelLimit=320)
            .configure_legend(labelFontSize=13, titleFontSize=14, symbolSize=160, labelLimit=320)
            .configure_header(labelFontSize=14, titleFontSize=14)
            .configure_view(stroke=None))


#: Error bars span this many Monte Carlo standard errors either side (a 95 % interval).
Z95 = 1.96


def ci(value: float | None, se: float | None, z: float = Z95) -> tuple[float | None, float | None]:
    """``value ± z se`` clipped to [0, 1] (a share's interval), or (None, None) for a missing value."""
    if value is None:
        return None, None
    se = se or 0.0
    return max(0.0, value - z * se), min(1.0, value + z * se)

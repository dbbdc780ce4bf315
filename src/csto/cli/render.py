"""Rich renderings for people: the membership timeline as bars and the organs as a tree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from rich.tree import Tree

from ..record import StatusRow
from ..record.dates import first_day, last_day
from .layout import wrap

#: Each status's mark in the bar: a shape of its own, so that the bar reads without colour (NO_COLOR, a
#: printout); the colour only repeats it.
_MARK = {"member": ("█", "green"), "observer": ("▓", "cyan"), "partner": ("=", "blue"),
         "negotiating": ("-", "yellow"), "suspended": ("░", "red"), "applicant": (":", "magenta")}
_FROZEN = "▒"  # a member whose participation is frozen
_BAR_MAX = 60  # cells; narrower on a narrow terminal
_BESIDE_MIN = 30  # the periods go beside the bar when this much room is left, else under it


def _mark(p: StatusRow) -> tuple[str, str]:
    glyph, style = _MARK.get(p.status, ("?", "white"))
    return (_FROZEN, style) if p.participation == "frozen" else (glyph, style)


def _period(p: StatusRow) -> str:
    return (f"{p.status}{' (frozen)' if p.participation == 'frozen' else ''} "
            f"{'by ' if p.since_attested else ''}{p.since}–{p.until or ''}")


@dataclass
class StatusBars:
    """One line per state and level: a bar from the first recorded year to ``today``, a mark per status,
    with the periods in words beside it (or under it, on a narrow terminal) and a legend."""

    rows: list[StatusRow]
    today: date

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        by_state: dict[tuple, list[StatusRow]] = defaultdict(list)
        for r in self.rows:
            by_state[(r.state, r.level)].append(r)
        labels = {key: key[0] if key[1] == "organization" else f"{key[0]} (PA)" for key in by_state}
        label_w = max(len("state"), *(len(v) for v in labels.values()))
        bar_w = max(min(_BAR_MAX, width - label_w - 2), 10)
        beside = width - label_w - bar_w - 4 >= _BESIDE_MIN
        start_year = min(first_day(r.since).year for r in self.rows)
        scale = bar_w / max(self.today.year - start_year + 1, 1)
        ends = f"{start_year}{' ' * max(bar_w - 8, 1)}{self.today.year}"
        yield Text(f"{'state':<{label_w}}  {ends}" + ("  periods" if beside else ""))
        for key, periods in sorted(by_state.items(), key=lambda kv: first_day(kv[1][0].since)):
            cells = [(" ", "")] * bar_w
            for p in periods:
                lo = first_day(p.since)
                hi = last_day(p.until) if p.until else self.today
                a = int((lo.year - start_year + (lo.timetuple().tm_yday - 1) / 366) * scale)
                b = int((hi.year - start_year + hi.timetuple().tm_yday / 366) * scale)
                for i in range(max(a, 0), min(max(b, a + 1), bar_w)):
                    cells[i] = _mark(p)
            bar = Text.assemble(*cells)
            words = Text("; ".join(_period(p) for p in periods))  # record text: never read as markup
            head = Text(f"{labels[key]:<{label_w}}  ") + bar
            indent = label_w + bar_w + 4 if beside else label_w + 2
            lines = list(wrap(words, width - indent).split("\n"))
            if beside:
                yield head + Text("  ") + lines[0]
                lines = lines[1:]
            else:
                yield head
            yield from (Text(" " * indent) + line for line in lines)
        legend = Text("legend: ")
        for status, (glyph, style) in _MARK.items():
            legend.append(glyph, style=style).append(f" {status}  ")
        legend.append(_FROZEN).append(" member, participation frozen  (PA) = Parliamentary Assembly level")
        yield wrap(legend, width)


def status_bar(rows: list[StatusRow], today: date) -> StatusBars | Text:
    """Every state's status periods in one organization as bars (see :class:`StatusBars`)."""
    return StatusBars(rows, today) if rows else Text("")


def tree_of_organs(organs: list, root: Tree) -> Tree:
    """Organs under their parents, each with its decision rule and cadence where the record has them."""
    children = defaultdict(list)
    ids = {o.id for o in organs}
    for o in organs:
        children[o.parent if o.parent in ids else None].append(o)

    def add(node: Tree, parent: str | None) -> None:
        for o in children.get(parent, []):
            extra = " · ".join(x for x in (o.decision_rule and f"decides by {o.decision_rule}",
                                           o.cadence and f"meets {o.cadence}") if x)
            label = Text(o.name, style="bold")
            if o.from_attested:
                label.append(f"  (attested by {o.start}; start unknown)", style="dim")
            if extra:
                label.append(f"  [{extra}]", style="dim")
            add(node.add(label), o.id)

    add(root, None)
    return root

"""Rich renderings for people: the membership timeline as bars and the organs as a tree."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..record import StatusRow
from ..record.dates import first_day, last_day

_STYLE = {"member": "green", "observer": "cyan", "partner": "blue", "negotiating": "yellow",
          "suspended": "red", "applicant": "magenta"}


def status_bar(rows: list[StatusRow], today: date, width: int = 60) -> Table:
    """One line per state and level: a bar from the first recorded year to ``today``, coloured by status."""
    if not rows:
        return Table()
    start_year = min(first_day(r.since).year for r in rows)
    end_year = today.year
    span = max(end_year - start_year + 1, 1)
    scale = width / span
    grid = Table(box=None, show_header=True, pad_edge=False)
    grid.add_column(Text("state"))
    grid.add_column(Text(f"{start_year}{' ' * max(width - 8, 1)}{end_year}"), no_wrap=True)
    grid.add_column(Text("periods"), overflow="fold")
    by_state: dict[tuple, list[StatusRow]] = defaultdict(list)
    for r in rows:
        by_state[(r.state, r.level)].append(r)
    for (state, level), periods in sorted(by_state.items(), key=lambda kv: first_day(kv[1][0].since)):
        cells = [" "] * width
        styles: list[str | None] = [None] * width
        for p in periods:
            lo = first_day(p.since)
            hi = last_day(p.until) if p.until else today
            a = int((lo.year - start_year + (lo.timetuple().tm_yday - 1) / 366) * scale)
            b = int((hi.year - start_year + hi.timetuple().tm_yday / 366) * scale)
            for i in range(max(a, 0), min(max(b, a + 1), width)):
                cells[i] = "▒" if p.participation == "frozen" else "█"
                styles[i] = _STYLE.get(p.status, "white")
        bar = Text()
        for ch, st in zip(cells, styles):
            bar.append(ch, style=st or "")
        label = state if level == "organization" else f"{state} (PA)"
        desc = "; ".join(f"{p.status}{' (frozen)' if p.participation == 'frozen' else ''} "
                         f"{'by ' if p.since_attested else ''}{p.since}–{p.until or ''}" for p in periods)
        grid.add_row(Text(label), bar, Text(desc))  # record text: never read as markup
    legend = Text("legend: ")
    for status, style in _STYLE.items():
        legend.append("█ ", style=style).append(f"{status}  ")
    legend.append("▒ frozen participation   (PA) = Parliamentary Assembly level")
    grid.caption = legend
    return grid


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

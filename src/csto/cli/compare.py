"""`csto compare`: the CSTO beside its peers, point by point, with an ATOP-style coding of each."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from .. import answers
from .common import Format, FormatOpt, console, day, emit_json, handles_errors, say, table

VARIABLES = ("defense", "offense", "neutral", "nonagg", "consul", "no_other_alliances", "conditio", "intcom", "milcon")


def compare(
    on: Annotated[str | None, typer.Option("--on", help="compare the law in force on this date, YYYY-MM-DD "
                                                        "(default: today)")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """The CSTO beside NATO, the SCO, the Russia-Armenia and Union State treaties: duties and ATOP-style coding."""
    when = day(on, "--on") or date.today()
    full = answers.compare(None, on=when)
    if format is Format.json:
        return emit_json(full)
    answer = full["result"]
    rows = []
    for a in answer["alliances"]:
        p = a["points"]
        if p is None:
            rows.append([a["id"], "not in force", "", "", "", ""])
            continue
        rule = p["rule"]["id"] if p["rule"] else "-"
        rows.append([a["id"], p["trigger"] or "-", p["automatic"] or "-", p["military"], p["where"],
                     f"{p['decides']} ({rule})"])
    console.print(table(f"duties in force on {answer['on']}", ["alliance", "trigger", "help", "how military",
                                                               "where", "who decides (rule)"], rows))
    coded = [[a["id"], ph["id"], *(ph["coding"].get(v, "") for v in VARIABLES)]
             for a in answer["alliances"] for ph in a["phases"]]
    console.print(table("ATOP-style coding by phase (data/treaty/atop_rules.yaml)", ["alliance", "phase", *VARIABLES],
                        coded, compact=True))
    verdict = "agrees" if answer["agrees_with_atop"] else "DISAGREES"
    say(f"CSTO coding {verdict} with ATOP's published coding of alliance 4220 on "
        f"{', '.join(sorted({c['variable'] for c in answer['atop_agreement']}))} in every phase.")


def register(app: typer.Typer) -> None:
    app.command("compare")(handles_errors(compare))

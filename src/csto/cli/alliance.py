"""Commands over what the alliance has and has done: forces, budget, crises, missions, exercises.

Each prints a table for people and, under ``--format json``, its answer from :mod:`csto.answers.alliance`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from .. import answers
from .common import (
    DataOpt,
    Format,
    FormatOpt,
    OnOpt,
    cite,
    console,
    day,
    emit_json,
    handles_errors,
    on_or_today,
    open_record,
    paragraph,
    say,
    table,
)


def _count(n: int | None) -> str:
    return "" if n is None else f"{n:,}"


def _share(x: float | None) -> str:
    return "" if x is None else f"{x:.0%}"


def _notes(items: list[tuple[str, str | None]]) -> None:
    """One dim paragraph per item that has a note, after its key (long texts wrap at the terminal's width)."""
    for key, text in items:
        if text:
            paragraph((f"{key}: {' '.join(text.split())}", "dim"))


def _strength(found) -> list[str]:
    """Strength, the date it was reported for, and how many years it is carried forward: three cells."""
    if found is None:
        return ["not recorded", "", ""]
    s = found.strength
    return [f"{'about ' if s.approximate else ''}{s.personnel:,}", s.start,
            f"{found.carried_years:g} years" if found.carried_years else ""]


def forces(on: OnOpt = None, format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """The collective forces on a date: members, strength (the latest figure, carried forward), contributions."""
    when = on_or_today(on)
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.forces(rec, on=when))
    found = rec.forces_on(when)
    if not found:
        say(f"No formation is recorded on {when}.")
        return
    console.print(table(f"CSTO forces on {when}", ["formation", "since", "members", "strength", "reported for",
                                                    "carried"],
                        [[f.formation.id, f.formation.start, " ".join(f.members) or "none recorded",
                          *_strength(f.strength)] for f in found]))
    say(("strength: the latest figure reported on or before the date, carried forward the years shown", "dim"))
    placed = [f.formation for f in found if f.formation.headquarters or f.formation.base]
    if placed:
        console.print(table("Headquarters and bases", ["formation", "headquarters", "base", "sources"],
                            [[x.id, x.headquarters.name if x.headquarters else "", x.base.name if x.base else "",
                              cite([*(x.headquarters.sources if x.headquarters else []),
                                    *(x.base.sources if x.base else [])])] for x in placed]))
        _notes([(f"{x.id} {what}", place.note) for x in placed
                for what, place in (("headquarters", x.headquarters), ("base", x.base)) if place])
    for f in found:
        if f.contributions:
            console.print(table(f"{f.formation.id}: national contributions in force on {when}",
                                ["state", "personnel", "share", "from", "to", "description"],
                                [[c.state, _count(c.personnel), _share(c.share), c.start, c.end or "",
                                  c.description or ""] for c in f.contributions]))
        if f.other_contribution_dates:
            say((f"{f.formation.id}: national contributions also recorded for "
                 f"{', '.join(f.other_contribution_dates)} (csto forces --on DATE)", "dim"))


def budget(on: OnOpt = None, format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Shares of the CSTO's budget on a date, and the benefits of membership the sources name."""
    when = on_or_today(on)
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.budget(rec, on=when))
    shares, benefits = rec.budget_shares(when), rec.benefits()
    total = round(sum(b.share for b in shares), 6)
    if shares:
        console.print(table(f"Budget shares on {when}", ["state", "name", "share", "from", "to", "sources"],
                            [[b.state, rec.states[b.state].name, _share(b.share),
                              f"by {b.start}" if b.from_attested else b.start, b.end or "", cite(b.sources)]
                             for b in shares]))
        say(f"total {total:.0%}")
        _notes([(b.state, b.note) for b in shares])
    else:
        say(f"No budget share is recorded on {when}.")
    console.print(table("Benefits of membership", ["benefit", "states", "description", "sources"],
                        [[b.id, " ".join(b.states), b.description, cite(b.sources)] for b in benefits]))


def _requests(crisis) -> list:
    return [r for r in (crisis.request, *crisis.other_requests) if r is not None]


def _asked(crisis) -> str:
    """'KGZ -> RUS 2010-06-12: troops; KGZ -> CSTO 2010-06: equipment', or 'no request'."""
    found = [f"{r.by} -> {r.to.upper()} {r.date}: {', '.join(r.asked_for) or 'not known'}" for r in _requests(crisis)]
    return "; ".join(found) or "no request"


def crises(format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Every crisis in the record: who was asked for what, what the CSTO did and when it decided."""
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.crises(rec))
    found = sorted(rec.crises(), key=lambda c: c.date)
    console.print(table("Crises", ["crisis", "date", "kind", "targets", "asked", "outcome", "decided"],
                        [[c.id, c.date, c.kind, " ".join(c.targets), _asked(c),
                          c.response.outcome + ("?" if c.uncertain else "")
                          + (" (refused)" if c.response.refused_by_target else ""),
                          " ".join(x for x in (c.response.decided, c.response.decided_by) if x)]
                         for c in found]))
    say(("asked: requester -> addressee, date: what was asked for; ? marks an outcome the record classifies with "
         "doubt, for the reason below", "dim"))
    _notes([(f"{c.id}?", c.uncertain) for c in found])


def missions(format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Every CSTO mission: host, kind, dates, personnel and each state's contingent."""
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.missions(rec))
    found = rec.missions()
    console.print(table("Missions", ["mission", "host", "kind", "from", "to", "personnel", "contingents"],
                        [[m.id, m.host, m.kind, m.start, m.end or "", _count(m.personnel),
                          ", ".join(f"{c.state} {c.personnel:,}" if c.personnel else c.state for c in m.contributors)]
                         for m in found]))
    _notes([(m.id, m.description) for m in found])


def exercises(start: Annotated[str | None, typer.Option("--from", help="first day, YYYY-MM-DD")] = None,
              end: Annotated[str | None, typer.Option("--to", help="last day, YYYY-MM-DD")] = None,
              format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Joint exercises whose dates overlap a period (default: all): host, participants, status (held, cancelled, moved, planned)."""
    lo, hi = day(start, "--from"), day(end, "--to")
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.exercises(rec, start=lo, end=hi))
    found = rec.exercises_between(lo, hi)
    console.print(table("Exercises", ["exercise", "from", "to", "status", "host", "participants", "sources"],
                        [[x.id, x.start, x.end or "", x.status, x.host or "", " ".join(x.participants),
                          cite(x.sources)] for x in found]))
    say(f"{len(found)} exercise(s); names, descriptions and notes: --format json")
    say(("status: held (a source reports it held), cancelled (host: the planned one), moved (host: where it moved), "
         "planned (announced; no source held reports it held)", "dim"))


COMMANDS: list[Callable[..., object]] = [forces, budget, crises, missions, exercises]


def register(app: typer.Typer) -> None:
    for command in COMMANDS:
        app.command(command.__name__)(handles_errors(command))

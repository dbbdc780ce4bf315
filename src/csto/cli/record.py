"""Commands over the record: members, history, timeline, organs, who, events, conflicts, sources, overlap, export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, get_args

import typer
from rich.text import Text
from rich.tree import Tree

from .. import answers
from ..record import CSTO, Record
from ..record.kinds import SourceKind, Status
from .common import (
    DataOpt,
    Format,
    FormatOpt,
    OnOpt,
    UserError,
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
from .render import status_bar, tree_of_organs

#: The kinds ``events --kind`` accepts, short: every act is ``act:KIND`` (README, "JSON fields").
EVENT_KINDS = [k for k in Record.event_kinds() if not k.startswith("act:")] + ["act:KIND"]
#: What ``members --status`` accepts (:meth:`csto.record.Record.members`).
STATUSES = [*get_args(Status), "former", "all"]
OrgOpt = Annotated[str, typer.Option("--org", help="organization id (CSTO, CIS, EAEU, SCO, BRICS, NATO, UN, ...)")]


def _since(text: str, attested: bool) -> str:
    """'by 2022' where the start is unknown and the date only attests the fact."""
    return f"by {text}" if attested else text


def _status_label(row) -> str:
    """'member', 'member (frozen)', 'observer (parliamentary-assembly)': one cell for status, participation, level."""
    label = row.status
    if row.participation == "frozen":
        label += " (frozen)"
    if row.level != "organization":
        label += f" ({row.level})"
    return label


def members(on: OnOpt = None,
            status: Annotated[str, typer.Option("--status", help="|".join(STATUSES))] = "member",
            org: OrgOpt = CSTO, format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Who was a member (or observer, partner, former member...) on a date."""
    when = on_or_today(on)
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.members(rec, on=when, status=status, org=org))
    rows = rec.members(when, status, org)
    console.print(table(f"{org.upper()}: status '{status}' on {when}", ["state", "name", "status", "since", "until", "sources"],
                        [[r.state, r.name, _status_label(r), _since(r.since, r.since_attested), r.until or "",
                          cite(r.sources)]
                         for r in rows]))
    say(f"{len(rows)} state(s)")
    coverage = rec.coverage(org)
    if coverage:
        say((f"coverage of {org.upper()} in the record: {coverage}", "dim"))


def history(state: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-3 code, e.g. UZB")],
            format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """A state's status periods and dated acts in every organization."""
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.history(rec, state=state))
    h = rec.history(state)
    console.print(table(f"{h['name']} ({h['state']}): status periods", ["org", "status", "from", "to", "sources"],
                        [[p.org, _status_label(p), _since(p.start, p.from_attested), p.end or "", cite(p.sources)]
                         for p in h["periods"]]))
    console.print(table("acts", ["date", "org", "act", "instrument", "note"],
                        [[a.date, a.org, a.kind, a.instrument, a.note] for a in h["acts"]]))


def timeline(org: OrgOpt = CSTO, format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Every state's status periods in an organization, drawn as bars."""
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.timeline(rec, org=org))
    rows = rec.timeline(org)
    if not rows:
        raise UserError(f"no status periods recorded for organization {org!r}")
    console.print(status_bar(rows, date.today()))


def organs(on: Annotated[str | None, typer.Option("--on", help="only organs in existence on this date")] = None,
           format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """The organs of the CSTO and their hierarchy: composition, function, decision rule, cadence."""
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.organs(rec, on=day(on, "--on")))
    found = rec.organs(day(on, "--on"))
    if not found:
        say(f"No organ is recorded on {day(on, '--on')}." if on else "No organ is recorded.")
        return
    console.print(tree_of_organs(found, Tree(Text("CSTO organs", style="bold"))))


def who(office: Annotated[str, typer.Argument(help="office id, e.g. secretary-general")],
        on: OnOpt = None, format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Who held an office on a date."""
    when = on_or_today(on)
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.who(rec, office=office, on=when))
    held = rec.holder(office, when)
    if not held:
        say(f"No holder of {office} is recorded on {when}.")
        return
    console.print(table(f"{office} on {when}", ["holder", "state", "acting", "from", "to", "sources"],
                        [[t.holder, t.state, "yes" if t.acting else "", t.start, t.end or "",
                          cite(t.sources)] for t in held]))


def events(start: Annotated[str | None, typer.Option("--from", help="first day, YYYY-MM-DD")] = None,
           end: Annotated[str | None, typer.Option("--to", help="last day, YYYY-MM-DD")] = None,
           kind: Annotated[str | None, typer.Option("--kind", help=f"only this kind: {', '.join(EVENT_KINDS)}; "
                                                                   "act for every act")] = None,
           format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Everything dated in a period: milestones, acts, summits, exercises, missions, crises."""
    lo, hi = day(start, "--from"), day(end, "--to")
    rec = open_record(data)
    result = answers.events(rec, start=lo, end=hi, kind=kind)
    if format is Format.json:
        return emit_json(result)
    found = rec.events(lo, hi) if kind is None else rec.events_of_kind(kind, lo, hi)
    console.print(table(f"events of kind {kind}" if kind else "events", ["date", "kind", "title", "states", "sources"],
                        [[h.date, h.kind, h.title, " ".join(h.states), cite(h.sources)] for h in found]))


def conflicts(format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """Where the sources disagree, every claim with its source, and the value the record prefers and why."""
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.conflicts(rec))
    found, opinions = rec.conflicts(), rec.opinions()
    for c in found:
        console.print(table(f"{c.id}: {c.question}", ["claim", "source", "passage"],
                            [[cl.value, cl.source, cl.passage] for cl in c.claims]))
        paragraph(("preferred:", "bold"), f" {c.preferred} — {c.why}\n", indent=2)
    console.print(table("attributed opinions (not the record's voice)", ["source", "speaker", "statement"],
                        [[o.source, o.speaker, o.statement] for o in opinions]))


def sources(kind: Annotated[str | None, typer.Option("--kind", help="only sources of this kind: "
                                                                   + ", ".join(get_args(SourceKind)))] = None,
            search: Annotated[str | None, typer.Option("--search", help="only sources whose id, title, author, "
                                                        "publisher, file, citation or note contains this text "
                                                        "(ignoring case)")] = None,
            format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """The sources the record cites: every one, or those of one kind and/or matching a text."""
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.sources(rec, kind=kind, search=search))
    found = rec.sources(kind, search)
    console.print(table("sources", ["id", "kind", "date", "title", "author / publisher", "file / citation"],
                        [[s.id, s.kind, s.date, s.title, s.author or s.publisher, s.file or s.citation]
                         for s in found]))
    say(f"{len(found)} source(s)" + ("" if kind or search else " (--kind and --search narrow the list)"))


def overlap(on: OnOpt = None, format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """States x organizations on a date: who belongs to what."""
    when = on_or_today(on)
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.overlap(rec, on=when))
    grid = rec.overlap(when)
    orgs = rec.organization_ids()
    coverage = {o.id: o.coverage for o in rec.organizations() if o.coverage}
    shown = [o for o in orgs if any(o in cells for cells in grid.values())]  # hide empty columns
    console.print(table(f"memberships on {when}", ["state", *shown],
                        [[s, *[cells.get(o, "") for o in shown]] for s, cells in grid.items()]))
    if len(shown) < len(orgs):
        say(f"no status recorded on {when} in: {', '.join(o for o in orgs if o not in shown)}")
    for org_id, text in coverage.items():
        say((f"{org_id}: {text}", "dim"))


#: The research panels (csto.analysis.panels.PANELS, named here so that this module does not import pandas).
PANELS = ("state-year", "state-day", "dyad-year", "atop-members")


def export(to: Annotated[str, typer.Option("--to", help="csv, json or sqlite (the record); state-year, state-day, "
                                                        "dyad-year or atop-members (a research panel)")],
           directory: Annotated[Path, typer.Argument(help="output directory (created if missing)")],
           file_format: Annotated[str, typer.Option("--file-format", help="a panel's file: csv, parquet or stata")] = "csv",
           data: DataOpt = None) -> None:
    """Write the whole record to DIR (CSV files, one JSON file or the SQLite file), or a research panel
    (state-year, state-day, dyad-year, atop-members) as CSV, Parquet or Stata with datapackage.json and CITATION.cff."""
    if to in PANELS:
        from ..analysis import panels  # pandas and the law only for panels: the other commands stay quick to start

        written = panels.export(open_record(data), to, directory, file_format)
    elif file_format != "csv":
        raise UserError(f"--file-format applies to the panels ({', '.join(PANELS)}), not to --to {to}")
    else:
        from ..record import export as exporter  # sqlite-utils (and with it pandas) only when exporting

        written = exporter.export(open_record(data), to, directory)
    for path in written:
        say(str(path))


def check(data: DataOpt = None, format: FormatOpt = Format.table) -> None:
    """Validate the record and count what it holds."""
    rec = open_record(data)
    if format is Format.json:
        return emit_json(answers.check(rec))
    counts = dict(rec.counts())
    console.print(table(f"record valid: {rec.path}", ["section", "items"], [[k, v] for k, v in counts.items()]))


def tour(data: DataOpt = None) -> None:
    """A short tour of the record: members today, the membership timeline, the organs."""
    today = date.today()
    rec: Record = open_record(data)
    console.rule(Text(f"CSTO members on {today}", style="bold"))
    members(on=today.isoformat(), data=data)
    members(on=today.isoformat(), status="observer", data=data)
    console.rule(Text("Membership timeline", style="bold"))
    console.print(status_bar(rec.timeline(CSTO), today))
    console.rule(Text("Organs", style="bold"))
    console.print(tree_of_organs(rec.organs(today), Tree(Text("CSTO organs", style="bold"))))
    console.rule(Text("Where the sources disagree", style="bold"))
    for c in rec.conflicts():
        say(f"- {c.question} ", ("→ record prefers:", "dim"), f" {c.preferred}")
    say("\nMore: csto --help")


COMMANDS: list[Callable[..., object]] = [members, history, timeline, organs, who, events, conflicts, sources, overlap,
                                         export, check, tour]


def register(app: typer.Typer) -> None:
    for command in COMMANDS:
        app.command(command.__name__)(handles_errors(command))

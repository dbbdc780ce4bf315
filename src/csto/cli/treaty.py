"""Commands over the treaty as rules: obligations for a scenario, one article, the articles in force."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from .. import answers
from ..treaty import law_for, load_overlay, load_scenario
from ..treaty import obligations as assess
from .common import (
    DataOpt,
    Format,
    FormatOpt,
    console,
    day,
    emit_json,
    handles_errors,
    open_record,
    paragraph,
    say,
    table,
)

OnOpt = Annotated[str | None, typer.Option("--on", help="apply the law in force on this date, YYYY-MM-DD")]


def obligations(
    scenario: Annotated[Path, typer.Argument(help="a scenario file, e.g. scenarios/armenia-2022-09.yaml")],
    on: Annotated[str | None, typer.Option("--on", help="apply the law and membership of this date (default: the event's)")] = None,
    overlay: Annotated[Path | None, typer.Option("--overlay", help="a what-if overlay file (data/treaty/overlays/)")] = None,
    brief: Annotated[bool, typer.Option("--brief", help="omit the trace")] = False,
    format: FormatOpt = Format.table, data: DataOpt = None,
) -> None:
    """What the Treaty and the Charter require for an event: obligations, flags and a trace."""
    record = open_record(data)
    law = _law(record)
    if format is Format.json:
        return emit_json(answers.obligations(record, scenario=scenario, on=day(on, "--on"), overlay=overlay, law=law))
    event = load_scenario(scenario, record, law)
    what_if = load_overlay(overlay, record, law) if overlay else None
    answer = assess(event, record, day(on, "--on"), what_if, law)
    head = f"{event.id}: {event.title or event.kind} (law as of {answer.on}"
    say((f"{head}{f', overlay {answer.overlay}' if answer.overlay else ''})", "bold"))
    say(f"members: {', '.join(answer.members) or 'none'}")
    for f in answer.flags:
        say(("flag", "bold"), f" {f}: {law.flags[f].title}")
    for o in answer.obligations:
        b = o.basis
        say("\n", (f"[{o.status}]", "bold"), f" {o.id}  ({b['citation']}, {b['version']} version)")
        how = ", ".join(x for x in (o.timing, o.organ and f"through the {o.organ['name']}",
                                    o.decision_rule and f"by {o.decision_rule['id']}") if x)
        paragraph(f"{', '.join(o.owed_by)} -> {', '.join(o.owed_to)}: {o.action}" + (f", {how}" if how else ""),
                  indent=2)
        paragraph(o.description, indent=2)
        for c in o.conditions:
            paragraph(f"condition: {c['text']}: {'met' if c['met'] else 'NOT met'} ({c['why']})", indent=2)
        if o.contested_by:
            would = "would be " if o.status == "conditional" else ""
            paragraph(f"{would}contested by: {', '.join(o.contested_by)}", indent=2)
        if o.not_participating:
            paragraph(f"participation frozen: {', '.join(o.not_participating)}", indent=2)
    if answer.decision:
        d = answer.decision
        say("\n", ("decision", "bold"), f": {d['organ']['name']} by {d['rule']['id']} ({d['obligation']}, {d['status']})")
    if not brief:
        say("\n", ("trace", "bold"))
        for line in answer.trace:
            paragraph(line.lstrip(), indent=len(line) - len(line.lstrip()))


def _law(record):
    """The law for ``record``; its notes (the shipped law used in place of a missing DIR/treaty) go to stderr."""
    law = law_for(record)
    for note in law.notes:
        sys.stderr.write(f"note: {note}\n")
    return law


def article(
    article_id: Annotated[str, typer.Argument(metavar="ID", help="an article id, e.g. cst-4 (see `csto articles`)")],
    on: OnOpt = None, format: FormatOpt = Format.table, data: DataOpt = None,
) -> None:
    """One article: every version (or the one in force on --on), its text, sources and effects."""
    record = open_record(data)
    law = _law(record)
    a = law.article(article_id)
    when = day(on, "--on")
    versions = [v for v in a.versions if when is None or v.covers(when)]
    if format is Format.json:
        return emit_json(answers.article(record, id=article_id, on=when, law=law))
    say((a.id, "bold"), f"  {a.citation}: {a.title}")
    if not a.number_verified:
        say("(article number not verified against a text held here)")
    if not versions:
        say(f"no version in force on {when}")
    for v in versions:
        basis = "" if v.from_basis == "entry-into-force" else f" (applied from {v.from_basis})"
        say("\n", (f"version {v.label}", "bold"), f", in force {v.period}{basis}")
        for c in v.clauses:
            paragraph(f'"{" ".join(c.text.split())}"', indent=2, hang=1)
            paragraph(f"[{c.kind}; {c.source or '-'}{', ' + c.passage if c.passage else ''}]", indent=4)
        for e in v.effects:
            paragraph(f"effect {e.id}: {e.party} -> {e.action} -> {e.owed_to}"
                      + (f", {e.timing}" if e.timing else "") + (f", via {e.organ}" if e.organ else ""), indent=2)
        if v.decision_rule:
            paragraph(f"decision rule: {v.decision_rule.id}: {v.decision_rule.text}", indent=2)
        if v.note:
            paragraph(f"note: {' '.join(v.note.split())}", indent=2)
    if a.note:
        paragraph(f"\nnote: {' '.join(a.note.split())}")


def articles(on: OnOpt = None, format: FormatOpt = Format.table, data: DataOpt = None) -> None:
    """The articles this model holds, with the version in force on --on (default: every version)."""
    record = open_record(data)
    law = _law(record)
    when = day(on, "--on")
    if format is Format.json:
        return emit_json(answers.articles(record, on=when, law=law))
    pairs = [(a, v) for a in law.articles.values() for v in a.versions if when is None or v.covers(when)]
    console.print(table(f"articles in force on {when}" if when else "articles (every version)",
                        ["id", "citation", "title", "version", "in force", "clauses", "sources"],
                        [[a.id, a.citation, a.title, v.label, v.period, "/".join(sorted({c.kind for c in v.clauses})),
                          ", ".join(sorted({c.source for c in v.clauses if c.source}))] for a, v in pairs]))


COMMANDS: list[Callable[..., object]] = [obligations, article, articles]


def register(app: typer.Typer) -> None:
    for command in COMMANDS:
        app.command(command.__name__)(handles_errors(command))

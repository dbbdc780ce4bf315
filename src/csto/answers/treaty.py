"""Answers over the treaty as rules: obligations for an event, one article, the articles in force, the peers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ..record import Record
from ..record.yamlio import InlineDocument
from ..treaty import Article, Law, law_for, load_overlay, load_scenario
from ..treaty import obligations as assess
from . import answer

#: A scenario or overlay: a file, or text given inline (posted to the web API; never written to disk).
Document = str | Path | InlineDocument


def obligations(record: Record, scenario: Document, on: date | None = None, overlay: Document | None = None,
                law: Law | None = None) -> dict[str, Any]:
    """What the Treaty and the Charter require for an event: obligations, flags, the decision and a trace."""
    law = law or law_for(record)
    event = load_scenario(scenario, record, law)
    what_if = load_overlay(overlay, record, law) if overlay else None
    return answer("obligations", {"scenario": scenario, "on": on, "overlay": overlay}, record,
                  assess(event, record, on, what_if, law).as_dict())


def _article(a: Article, versions) -> dict[str, Any]:
    return {"id": a.id, "instrument": a.instrument, "number": a.number, "number_verified": a.number_verified,
            "citation": a.citation, "title": a.title, "note": a.note,
            "versions": [v.model_dump(mode="json", by_alias=True, exclude_none=True) for v in versions]}


def article(record: Record, id: str, on: date | None = None, law: Law | None = None) -> dict[str, Any]:
    """One article: every version (or the one in force on ``on``), its text, sources and effects."""
    a = (law or law_for(record)).article(id)
    return answer("article", {"id": id, "on": on}, record,
                  _article(a, [v for v in a.versions if on is None or v.covers(on)]))


def articles(record: Record, on: date | None = None, law: Law | None = None) -> dict[str, Any]:
    """The articles the model holds, with the version in force on ``on`` (every version when ``on`` is None)."""
    law = law or law_for(record)
    pairs = [(a, v) for a in law.articles.values() for v in a.versions if on is None or v.covers(on)]
    return answer("articles", {"on": on}, record, [
        {"id": a.id, "citation": a.citation, "title": a.title, "version": v.label, "from": v.start, "to": v.end,
         "from_basis": v.from_basis, "text": [c.model_dump(mode="json", exclude_none=True) for c in v.clauses],
         "kinds": sorted({c.kind for c in v.clauses}), "sources": sorted({c.source for c in v.clauses if c.source})}
        for a, v in pairs])


def compare(record: Record | None, on: date) -> dict[str, Any]:
    """The CSTO beside NATO, the SCO and two bilateral treaties on a date, with ATOP-style codings.

    The comparison reads the shipped law only; ``record`` (may be None) is named for the answer's hash.
    """
    from ..analysis.compare import compare as run_compare
    from ..analysis.compare import load_rules
    from ..treaty import load_law

    law = load_law()
    return answer("compare", {"on": on}, record, run_compare(on, law, load_rules(law=law)))

"""What-if overlays: a changed rule or a changed membership applied on top of the law and the record.

An overlay never edits ``data/``. Like an OpenFisca reform it is data (a YAML file with a top-level
``overlay:`` mapping, or an :class:`Overlay` built in Python) that the engine consults first:

- ``articles``: article versions that replace, for their period, whatever the law holds for that
  article (a new article id may be added if ``instrument`` and ``title`` are given);
- ``memberships``: a state's status over a period (``status: none`` removes it), replacing what the
  record says for that state and period.

A version's ``decision_rule`` governs only the organs it names (``organs:``): an organ it leaves out
keeps the rule the law gives it (see :meth:`csto.treaty.Law.decision_rule`). :func:`load_overlay`
checks a file against the law and the record, so every bad overlay fails there, naming file, line,
field and value, and never half-way through an answer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from ..record import Record, UnknownError, dates
from ..record.model import Base, Ident
from ..record.yamlio import InlineDocument, LineDict, RecordError, RecordErrors, line_at, read
from .articles import Article, Law, Span, Version, law_for, version_problems
from .scenario import StateInput
from .validate import dotted, validate


class ArticleChange(Base):
    id: str
    version: Version
    instrument: str | None = None
    title: str | None = None
    number: str | None = None


class MembershipChange(Span):
    state: StateInput
    status: Literal["member", "observer", "partner", "suspended", "none"]
    participation: Literal["full", "frozen"] = "full"


class Overlay(Base):
    """A named set of changes to the law and the membership, applied without editing the record."""

    id: Ident
    title: str
    description: str | None = None
    articles: list[ArticleChange] = []
    memberships: list[MembershipChange] = []

    def apply(self, law: Law) -> Law:
        """A copy of ``law`` with this overlay's article versions in force for their periods."""
        articles = dict(law.articles)
        for change in self.articles:
            new = change.version
            base = articles.get(change.id)
            if base is None:
                if not (change.instrument and change.title):
                    raise UnknownError(f"overlay {self.id}: article {change.id!r} is not in the law; "
                                      "give instrument and title to add it")
                articles[change.id] = Article(id=change.id, instrument=change.instrument, title=change.title,
                                              number=change.number, versions=[new])
                continue
            articles[change.id] = base.model_copy(update={"versions": _splice(base.versions, new)})
        return replace(law, articles=articles, overlays=[*law.overlays, self.id], base=law)

    def problems(self, law: Law, record: Record | None = None):
        """(path, problem, value) for each name the law or the record does not hold; empty if the overlay fits."""
        effects = {f"{a.id}.{e.id}" for a in law.articles.values() for v in a.versions for e in v.effects}
        effects |= {f"{c.id}.{e.id}" for c in self.articles for e in c.version.effects}
        for i, change in enumerate(self.articles):
            at = ("articles", i)
            if change.instrument and change.instrument not in law.instruments:
                yield (*at, "instrument"), f"unknown instrument; expected one of {', '.join(law.instruments)}", \
                    change.instrument
            if change.id not in law.articles and not (change.instrument and change.title):
                yield (*at, "id"), "not an article of the law; give instrument and title to add it", change.id
            for loc, problem, value in version_problems(change.version, law, effects):
                yield (*at, "version", *loc), problem, value
        for i, m in enumerate(self.memberships):
            if record is not None and m.state not in record.states:
                yield ("memberships", i, "state"), "unknown state: not an ISO 3166-1 alpha-3 code the record holds", \
                    m.state

    def membership(self, state: str, day: date) -> MembershipChange | None:
        return next((m for m in self.memberships if m.state == state and m.covers(day)), None)

    def changes(self) -> list[str]:
        """One line per change, for the trace."""
        out = []
        for a in self.articles:
            rule = f" (decision rule: {a.version.decision_rule.id})" if a.version.decision_rule else ""
            out.append(f"article {a.id} replaced from {a.version.start} to {a.version.end or 'open'}{rule}")
        for m in self.memberships:
            out.append(f"{m.state}: {m.status} from {m.start} to {m.end or 'open'}")
        return out


def _splice(versions: list[Version], new: Version) -> list[Version]:
    """``versions`` cut back wherever ``new`` is in force, plus ``new``, in date order."""
    lo = dates.first_day(new.start)
    hi = dates.last_day(new.end) if new.end else None
    out = [new]
    for v in versions:
        start, end = dates.first_day(v.start), dates.last_day(v.end) if v.end else None
        if start < lo:
            cut = min(end, lo - timedelta(days=1)) if end else lo - timedelta(days=1)
            out.append(v.model_copy(update={"end": cut.isoformat()}))
        if hi is not None and (end is None or end > hi):
            out.append(v.model_copy(update={"start": max(start, hi + timedelta(days=1)).isoformat()}))
    return sorted(out, key=lambda v: dates.first_day(v.start))


def load_overlay(path: str | Path | InlineDocument, record: Record | None = None, law: Law | None = None) -> Overlay:
    """Read an overlay file (top-level key ``overlay:``) and check it against ``law`` and ``record``.

    ``record`` defaults to :meth:`Record.open`, ``law`` to the law beside it. Raises
    :class:`csto.record.RecordError` naming file, line, field and value for malformed YAML, a missing
    or unknown field, a bad date or period, a bad decision rule, or an article, instrument, organ,
    flag or state that the law or the record does not hold. ``path`` may be an
    :class:`~csto.record.yamlio.InlineDocument` (text, not a file).
    """
    raw = read(path)
    path = path.path if isinstance(path, InlineDocument) else Path(path)
    if not isinstance(raw, LineDict) or "overlay" not in raw:
        raise RecordError(path, 1, "overlay", "expected a top-level `overlay:` mapping")
    overlay = validate(Overlay, raw["overlay"], path, "overlay")
    record = record or Record.open()
    law = law or law_for(record)
    errors = [RecordError(path, line_at(raw["overlay"], loc), dotted("overlay", loc), problem, value)
              for loc, problem, value in overlay.problems(law, record)]
    if errors:
        raise RecordErrors(errors)
    return overlay

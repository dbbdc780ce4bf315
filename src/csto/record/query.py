"""The record as a Python API: questions asked "as of" a date, answered from the compiled SQLite file."""

from __future__ import annotations

import functools
import importlib
import json
import os
import sqlite3
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar, get_args, overload

from ..errors import CstoError, DateError, RecordError
from . import dates
from .kinds import ActKind, EventKind, SourceKind, Status
from .store import compile_record


class _Models:
    """The entity models' module (:mod:`csto.record.model`), imported on first use.

    Building the models costs a fifth of the start-up of a command that reads only the tables' columns
    (``csto members``): such a command never imports them. The import system makes the first use safe from
    several threads at once.
    """

    def __getattr__(self, name: str):
        return getattr(importlib.import_module("csto.record.model"), name)


if TYPE_CHECKING:
    from . import model
    from .model import (
        Act,
        Base,
        Benefit,
        Conflict,
        Contribution,
        Exercise,
        Formation,
        Membership,
        Opinion,
        Organ,
        Source,
        State,
        Strength,
        Tenure,
    )
else:
    model = _Models()


@functools.cache
def _section_of(entity: type) -> str:
    """The section (table) a model class is stored in."""
    return next(name for name, kind in model.SECTIONS.items() if kind is entity)

CSTO = "CSTO"
M = TypeVar("M", bound="Base")


class UnknownError(CstoError, LookupError):
    """A state, organ, office or other key that the record does not hold (the user's bad input)."""

    kind = "unknown"


def default_data_dir() -> Path:
    """``$CSTO_DATA``, else the repository's ``data/``, else the copy shipped in the package."""
    if os.environ.get("CSTO_DATA"):
        return Path(os.environ["CSTO_DATA"])
    here = Path(__file__).resolve()
    repo = here.parents[3] / "data"
    if repo.is_dir():
        return repo
    return here.parents[1] / "_data"


@dataclass(frozen=True)
class StatusRow:
    """A state's standing in an organization: what ``csto members`` prints."""

    state: str
    name: str
    org: str
    status: str
    level: str
    participation: str
    since: str
    until: str | None
    sources: list[str]
    note: str | None = None
    since_attested: bool = False  # the start is unknown: ``since`` is the earliest date a source attests it

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class StrengthOn:
    """A formation's strength as read on a day: the latest figure reported on or before it.

    ``carried_years`` is how far the figure is carried forward: the years from the end of the
    period the figure was reported for to the day asked (0.0 when the day falls inside it), so a
    caller can flag a stale figure.
    """

    strength: Strength
    carried_years: float

    def as_dict(self) -> dict:
        return {"strength": self.strength.model_dump(mode="json", by_alias=True), "carried_years": self.carried_years}


@dataclass(frozen=True)
class Happening:
    """One dated entry of ``csto events``: an event, an act, a mission, an exercise or a crisis."""

    date: str
    kind: str
    title: str
    states: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    id: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _ids(fact) -> list[str]:
    """A fact's source ids, each once, in the order written."""
    return list(dict.fromkeys(r.id for r in fact.sources))


def _adjacent(before: Membership, after: Membership) -> bool:
    """True when ``after`` starts the day after ``before`` ends (no gap between the periods)."""
    return before.end is not None and (dates.first_day(after.start) - dates.last_day(before.end)).days == 1


class _Period(NamedTuple):
    """A status period as ``members`` reads it: the memberships table's columns, unvalidated (see ``_periods``)."""

    rowid: int
    state: str
    org: str
    status: str
    level: str
    participation: str
    start: str
    end: str | None
    from_day: str
    to_day: str | None
    note: str | None
    from_attested: bool
    sources: tuple[str, ...]


def _follows(before: _Period, after: _Period) -> bool:
    """True when ``after`` starts the day after ``before`` ends (as :func:`_adjacent`, on resolved days)."""
    return before.to_day is not None and (date.fromisoformat(after.from_day)
                                          - date.fromisoformat(before.to_day)).days == 1


def _day(on: date | str) -> str:
    return on.isoformat() if isinstance(on, date) else dates.parse_day(on).isoformat()


class Record:
    """The sourced, temporal record of the CSTO. Open with :meth:`open`."""

    def __init__(self, sqlite_path: str | Path, data_dir: Path | None = None):
        self.path = Path(sqlite_path)
        self.data_dir = data_dir
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self.db.row_factory = sqlite3.Row

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> Record:
        """Validate and compile ``data_dir`` (default: :func:`default_data_dir`) if needed, then open it."""
        data_dir = Path(data_dir) if data_dir else default_data_dir()
        return cls(compile_record(data_dir), data_dir)

    # --- generic access -----------------------------------------------------------------------

    @overload
    def all(self, section: type[M], where: str = "", params: tuple = (), order: str = "rowid") -> list[M]: ...

    @overload
    def all(self, section: str, where: str = "", params: tuple = (), order: str = "rowid") -> list[Base]: ...

    def all(self, section, where: str = "", params: tuple = (), order: str = "rowid"):
        """Every entity of ``section`` (optionally filtered by an SQL condition), as typed models.

        ``section`` is a model class (``Record.all(Organ)`` is a ``list[Organ]``) or a section's name."""
        name = section if isinstance(section, str) else _section_of(section)
        entity = model.SECTIONS[name]
        sql = f'SELECT json FROM "{name}"' + (f" WHERE {where}" if where else "") + f" ORDER BY {order}"
        return [entity.model_validate_json(r["json"]) for r in self.db.execute(sql, params)]

    @overload
    def valid_on(self, section: type[M], on: date | str, where: str = "", params: tuple = ()) -> list[M]: ...

    @overload
    def valid_on(self, section: str, on: date | str, where: str = "", params: tuple = ()) -> list[Base]: ...

    def valid_on(self, section, on: date | str, where: str = "", params: tuple = ()):
        """Entities of a dated ``section`` (a model class or a section's name) in force on ``on``."""
        cond = "from_day <= ? AND (to_day IS NULL OR to_day >= ?)"
        day = _day(on)
        return self.all(section, f"{cond} AND ({where})" if where else cond, (day, day, *params))

    # --- states and membership ----------------------------------------------------------------

    @cached_property
    def states(self) -> dict[str, State]:
        return {s.code: s for s in self.all(model.State)}

    def state(self, code: str) -> State:
        code = code.upper()
        if code not in self.states:
            raise UnknownError(f"unknown state {code!r}: expected an ISO 3166-1 alpha-3 code the record holds "
                               f"({', '.join(sorted(self.states))})")
        return self.states[code]

    def organizations(self) -> list:
        return list(self._organizations)

    @cached_property
    def _organizations(self) -> list:
        return self.all(model.Organization)

    def organization(self, org_id: str):
        """The organization with this id (case-insensitive: 'csto' is the CSTO)."""
        found = self._organization_id(org_id)
        return next(o for o in self.organizations() if o.id == found)

    def organization_ids(self) -> list[str]:
        return list(self._coverage)

    def coverage(self, org_id: str) -> str | None:
        """Which memberships of the organization the record holds, where it holds only some (else None)."""
        return self._coverage[self._organization_id(org_id)]

    def _organization_id(self, org_id: str) -> str:
        """The id as the record writes it, or UnknownError."""
        for known in self._coverage:
            if known.upper() == org_id.upper():
                return known
        raise UnknownError(f"unknown organization {org_id!r}: expected one of {', '.join(self._coverage)}")

    @cached_property
    def _coverage(self) -> dict[str, str | None]:
        """Organization id -> coverage, in the record's order, from the table's columns (nothing validated)."""
        return dict(self.db.execute("SELECT id, coverage FROM organizations ORDER BY rowid").fetchall())

    @cached_property
    def _names(self) -> dict[str, str]:
        """State code -> name, from the table's columns (``members`` needs no validated State)."""
        return dict(self.db.execute("SELECT code, name FROM states").fetchall())

    def _row(self, m: Membership, status: str | None = None) -> StatusRow:
        return StatusRow(m.state, self._names[m.state], m.org, status or m.status, m.level,
                         m.participation, m.start, m.end, list(dict.fromkeys(r.id for r in m.sources)), m.note,
                         m.from_attested)

    def status_of(self, state: str, on: date | str, org: str = CSTO,
                  level: str = "organization") -> Membership | None:
        """The state's status period in ``org`` on ``on``, or None."""
        self.state(state)
        found = self.valid_on(model.Membership, on, "state = ? AND org = ? AND level = ?", (state.upper(), org, level))
        return found[0] if found else None

    def members(self, on: date | str, status: str = "member", org: str = CSTO) -> list[StatusRow]:
        """States with ``status`` in ``org`` on ``on``.

        ``status`` is one of the record's statuses (member, observer, partner, suspended, applicant), former or all.
        ``former`` lists states that held membership before ``on`` and hold none on ``on``; ``all``
        lists every current status plus the former members. The rows are shared between calls on one
        Record (a period's row is the same on every day it is in force): read them, do not modify them.
        """
        valid = {*get_args(Status), "former", "all"}
        if status not in valid:
            raise UnknownError(f"unknown status {status!r}: expected one of {', '.join(sorted(valid))}")
        org = self._organization_id(org)
        day = _day(on)
        current = [self._spanning(p) for p in self._periods
                   if p.org == org and p.from_day <= day and (p.to_day is None or p.to_day >= day)]
        rows = [r for r in current if status in ("all", r.status)]
        if status == "former":
            rows += self._former(day, org, {r.state for r in current if r.status == "member"})
        elif status == "all":  # a state listed with its current status is not listed again as former
            rows += self._former(day, org, {r.state for r in current})
        return sorted(rows, key=lambda r: (r.status != "member", r.status, r.level, r.state))

    def _spanning(self, p: _Period) -> StatusRow:
        """``p`` as a row whose since/until span the unbroken run of periods with the same status.

        Armenia has been a member since 1992 without a break: the freeze of 2024 splits its record
        into two periods (participation full, then frozen), but "member until 2024" would misread.
        """
        row = self._rows.get((p.rowid, p.status))
        if row is None:
            first, last = self._spans[p.rowid]
            row = self._rows[(p.rowid, p.status)] = StatusRow(
                p.state, self._names[p.state], p.org, p.status, p.level, p.participation, first.start, last.end,
                list(p.sources), p.note, first.from_attested)
        return row

    @cached_property
    def _rows(self) -> dict[tuple[int, str], StatusRow]:
        """The rows ``members`` has built, by (period, status shown): a period's row is the same on every day."""
        return {}

    @cached_property
    def _periods(self) -> list[_Period]:
        """Every status period, read once per Record from the table's columns (no JSON parsed, nothing validated:
        the record was validated when it was compiled). ``members`` filters these in Python."""
        rows = self.db.execute("SELECT rowid, state, org, status, level, participation, valid_from, valid_to, "
                               "from_day, to_day, note, from_attested, sources FROM memberships ORDER BY rowid")
        return [_Period(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], bool(r[11]),
                        tuple(dict.fromkeys(ref["id"] for ref in json.loads(r[12] or "[]"))))
                for r in rows]

    @cached_property
    def _spans(self) -> dict[int, tuple[_Period, _Period]]:
        """For each status period (by rowid), the first and last period of its unbroken run (see ``_spanning``)."""
        runs: dict[tuple, list[_Period]] = defaultdict(list)
        for p in self._periods:
            runs[(p.state, p.org, p.level, p.status)].append(p)
        spans = {}
        for periods in runs.values():
            periods.sort(key=lambda p: p.from_day)
            for index, p in enumerate(periods):
                lo = hi = index
                while lo > 0 and _follows(periods[lo - 1], periods[lo]):
                    lo -= 1
                while hi < len(periods) - 1 and _follows(periods[hi], periods[hi + 1]):
                    hi += 1
                spans[p.rowid] = (periods[lo], periods[hi])
        return spans

    def _former(self, day: str, org: str, members_now: set[str]) -> list[StatusRow]:
        last: dict[str, _Period] = {}
        for p in self._periods:
            if p.org != org or p.status != "member" or p.to_day is None or p.to_day >= day:
                continue
            if p.state not in members_now and (p.state not in last or p.to_day > (last[p.state].to_day or "")):
                last[p.state] = p
        rows = []
        for p in last.values():
            row = self._rows.get((p.rowid, "former"))
            if row is None:
                row = self._rows[(p.rowid, "former")] = StatusRow(
                    p.state, self._names[p.state], p.org, "former", p.level, p.participation, p.start, p.end,
                    list(p.sources), p.note, p.from_attested)
            rows.append(row)
        return rows

    def history(self, state: str) -> dict:
        """Every status period and every dated act of ``state``, in every organization, oldest first."""
        code = self.state(state).code
        periods = self.all(model.Membership, "state = ?", (code,), "from_day")
        acts = self.all(model.Act, "state = ?", (code,))
        return {"state": code, "name": self._names[code],
                "periods": sorted(periods, key=lambda m: (dates.first_day(m.start), m.org)),
                "acts": sorted(acts, key=lambda a: dates.first_day(a.date))}

    def timeline(self, org: str = CSTO) -> list[StatusRow]:
        """Every status period in ``org``, by state and start."""
        org = self.organization(org).id
        return [self._row(m) for m in self.all(model.Membership, "org = ?", (org,), "state, from_day")]

    def overlap(self, on: date | str) -> dict[str, dict[str, str]]:
        """States x organizations on ``on``: the status each state holds, where it holds one.

        A status is qualified in brackets by its level when not the organization's own, and by its participation
        when frozen: ``member (frozen)``, ``observer (parliamentary-assembly)``.
        """
        table: dict[str, dict[str, str]] = defaultdict(dict)
        day = _day(on)
        # the periods read once from the table's columns, as members() reads them (nothing validated per call)
        for m in (p for p in self._periods if p.from_day <= day and (p.to_day is None or p.to_day >= day)):
            qualifiers = [q for q in (m.level if m.level != "organization" else None,
                                      m.participation if m.participation != "full" else None) if q]
            label = f"{m.status} ({', '.join(qualifiers)})" if qualifiers else m.status
            prior = table[m.state].get(m.org)
            table[m.state][m.org] = f"{prior}; {label}" if prior else label
        return dict(sorted(table.items()))

    # --- organs and offices -------------------------------------------------------------------

    def organs(self, on: date | str | None = None) -> list[Organ]:
        return self.valid_on(model.Organ, on) if on else self.all(model.Organ)

    def organ(self, organ_id: str) -> Organ:
        found = self.all(model.Organ, "id = ?", (organ_id,))
        if not found:
            raise UnknownError(f"unknown organ {organ_id!r}: expected one of {', '.join(o.id for o in self.organs())}")
        return found[0]

    def organ_tree(self, on: date | str | None = None) -> dict[str | None, list[Organ]]:
        """Organs grouped by parent id (None for the top)."""
        tree: dict[str | None, list[Organ]] = defaultdict(list)
        for o in self.organs(on):
            tree[o.parent].append(o)
        return dict(tree)

    def offices(self) -> list:
        return self.all(model.Office)

    def holder(self, office: str, on: date | str) -> list[Tenure]:
        """Who held ``office`` on ``on`` (acting holders included, marked ``acting``)."""
        ids = {o.id for o in self.offices()}
        if office not in ids:
            raise UnknownError(f"unknown office {office!r}: expected one of {', '.join(sorted(ids))}")
        return self.valid_on(model.Tenure, on, "office = ?", (office,))

    def tenures(self, office: str) -> list[Tenure]:
        return self.all(model.Tenure, "office = ?", (office,), "from_day")

    # --- forces, budget, missions -------------------------------------------------------------

    def forces(self, on: date | str) -> list[dict]:
        """Each formation in existence on ``on`` with its strength and national contributions then."""
        out = []
        for f in self.valid_on(model.Formation, on):
            strengths = self.valid_on(model.Strength, on, "formation = ?", (f.id,))
            contributions = self.valid_on(model.Contribution, on, "formation = ?", (f.id,))
            out.append({"formation": f, "strengths": strengths, "contributions": contributions})
        return out

    def formation(self, formation_id: str):
        """The formation with this id."""
        found = self.all(model.Formation, "id = ?", (formation_id,))
        if not found:
            ids = ", ".join(f.id for f in self.all(model.Formation))
            raise UnknownError(f"unknown formation {formation_id!r}: expected one of {ids}")
        return found[0]

    def formation_members(self, formation: str, on: date | str) -> list[str]:
        """The states (ISO codes, sorted) belonging to ``formation`` on ``on``.

        Belonging is the record's ``formation_members`` periods: a state whose participation in the
        CSTO is frozen stays listed; a state taking part only ad hoc is not listed.
        """
        self.formation(formation)
        found = self.valid_on(model.FormationMember, on, "formation = ?", (formation,))
        return sorted({m.state for m in found})

    def strength_on(self, formation: str, on: date | str) -> StrengthOn | None:
        """The latest strength of ``formation`` whose ``from`` is not after ``on``, or None.

        As OpenFisca reads a parameter: the latest start not after the date. Of two figures with the
        same start, the one written first in the record wins (the record writes only the preferred
        figure as a strength; the others are claims of a conflict).
        """
        self.formation(formation)
        day = dates.parse_day(_day(on))
        known = [s for s in self.all(model.Strength, "formation = ?", (formation,), "from_day, rowid")
                 if dates.first_day(s.start) <= day]
        if not known:
            return None
        latest = max(known, key=lambda s: dates.first_day(s.start))  # max keeps the first of equal starts
        end = dates.last_day(latest.end) if latest.end else None
        carried = 0.0 if end is None or day <= end else round((day - end).days / 365.25, 2)
        return StrengthOn(latest, carried)

    def budget_shares(self, on: date | str) -> list:
        return self.valid_on(model.BudgetShare, on)

    def missions(self) -> list:
        return self.all(model.Mission)

    def crises(self) -> list:
        return self.all(model.Crisis)

    def exercises(self) -> list:
        return self.all(model.Exercise)

    # --- events -------------------------------------------------------------------------------

    def events(self, start: date | str | None = None, end: date | str | None = None) -> list[Happening]:
        """Everything dated in [start, end]: events, acts, exercises, missions and crises."""
        lo = dates.first_day(_day(start)) if start else date.min
        hi = dates.first_day(_day(end)) if end else date.max
        if lo > hi:
            raise DateError(f"from {lo} is after to {hi}", field="from", value=str(lo))
        out: list[Happening] = []
        for e in self.all(model.Event):
            out.append(Happening(e.date, e.kind, e.title, e.states, _ids(e), e.id))
        for a in self.all(model.Act):
            title = f"{self._names[a.state]}: {a.kind} ({a.org}{', ' + a.instrument if a.instrument else ''})"
            out.append(Happening(a.date, f"act:{a.kind}", title, [a.state], _ids(a)))
        for x in self.exercises():
            title = x.name if x.status == "held" else f"{x.name} ({x.status})"  # never pass a cancelled one off as held
            out.append(Happening(x.start, "exercise", title, x.participants, _ids(x), x.id))
        for m in self.missions():
            out.append(Happening(m.start, "mission", m.name, [m.host] + [c.state for c in m.contributors],
                                 _ids(m), m.id))
        for c in self.crises():
            out.append(Happening(c.date, "crisis", c.name, c.targets, _ids(c), c.id))
        # a date text overlaps the window if any day it can mean falls inside it
        out = [h for h in out if dates.first_day(h.date) <= hi and dates.last_day(h.date) >= lo]
        return sorted(out, key=lambda h: (dates.first_day(h.date), h.kind, h.title))

    # --- sources and disagreement ------------------------------------------------------------

    def sources(self, kind: str | None = None, search: str | None = None) -> list[Source]:
        """The sources the record cites, in its order: every one, or those of one ``kind`` and/or whose id,
        title, author, publisher, file, citation or note contains ``search`` (ignoring case)."""
        if kind is not None and kind not in get_args(SourceKind):
            raise UnknownError(f"unknown source kind {kind!r}: expected one of {', '.join(get_args(SourceKind))}",
                               field="kind", value=kind)
        found = self.all(model.Source, "kind = ?", (kind,)) if kind else self.all(model.Source)
        if search:
            wanted = search.casefold()
            found = [s for s in found if any(wanted in (text or "").casefold() for text in (
                s.id, s.title, s.author, s.publisher, s.file, s.citation, s.note))]
        return found

    def source(self, source_id: str) -> Source:
        found = self.all(model.Source, "id = ?", (source_id,))
        if not found:
            raise UnknownError(f"unknown source {source_id!r}")
        return found[0]

    def conflicts(self) -> list[Conflict]:
        return self.all(model.Conflict)

    def opinions(self) -> list[Opinion]:
        return self.all(model.Opinion)

    def acts(self, state: str | None = None) -> list[Act]:
        return self.all(model.Act, "state = ?", (state.upper(),)) if state else self.all(model.Act)

    def counts(self) -> dict[str, int]:
        """Items per section."""
        return {s: self.db.execute(f'SELECT count(*) FROM "{s}"').fetchone()[0] for s in model.SECTIONS}

    def close(self) -> None:
        self.db.close()

    # --- forces, budget, exercises and events by kind, as the commands of the same names show them ----------

    def forces_on(self, on: date | str) -> list[FormationOn]:
        """Each formation in existence on ``on``: its members, its strength (carried forward), its contributions.

        Contributions are those in force on ``on``; ``other_contribution_dates`` lists the dates of the
        formation's contributions that are not, so a caller can say where more are recorded.
        """
        out = []
        for f in self.forces(on):
            formation = f["formation"]
            current = f["contributions"]
            others = [c.start for c in self.all(model.Contribution, "formation = ?", (formation.id,), "from_day")
                      if c not in current]
            out.append(FormationOn(formation, self.formation_members(formation.id, on),
                                   self.strength_on(formation.id, on), current, list(dict.fromkeys(others))))
        return out

    def benefits(self) -> list[Benefit]:
        """The benefits of membership the sources name (undated)."""
        return self.all(model.Benefit)

    def exercises_between(self, start: date | str | None = None, end: date | str | None = None) -> list[Exercise]:
        """Exercises whose period overlaps [start, end] (either end open), oldest first."""
        lo = _day(start) if start else date.min.isoformat()
        hi = _day(end) if end else date.max.isoformat()
        if lo > hi:
            raise DateError(f"from {lo} is after to {hi}", field="from", value=lo)
        return self.all(model.Exercise, "from_day <= ? AND (to_day IS NULL OR to_day >= ?)", (hi, lo), "from_day, rowid")

    @staticmethod
    def event_kinds() -> list[str]:
        """Every kind ``events`` can report: the record's event kinds, ``act:KIND`` for each act, exercise,
        mission, crisis."""
        return [*get_args(EventKind), *(f"act:{k}" for k in get_args(ActKind)), "exercise", "mission", "crisis"]

    def events_of_kind(self, kind: str, start: date | str | None = None,
                       end: date | str | None = None) -> list[Happening]:
        """:meth:`events` of one kind; ``act`` stands for every ``act:KIND``. Case-insensitive."""
        kind = kind.strip().lower()
        kinds = self.event_kinds()
        if kind != "act" and kind not in kinds:
            raise UnknownError(f"unknown event kind {kind!r}: expected one of {', '.join(kinds)} (or act for every act)")
        return [h for h in self.events(start, end) if h.kind == kind or (kind == "act" and h.kind.startswith("act:"))]


@dataclass(frozen=True)
class FormationOn:
    """A formation as read on a day (``csto forces``): who belongs, its strength, the contributions in force."""

    formation: Formation
    members: list[str]
    strength: StrengthOn | None
    contributions: list[Contribution]
    other_contribution_dates: list[str] = field(default_factory=list)


__all__ = ["Record", "RecordError", "UnknownError", "StatusRow", "StrengthOn", "FormationOn", "Happening", "default_data_dir",
           "CSTO"]

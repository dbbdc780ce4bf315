"""Events as YAML scenario files: what happened, to whom, by whom, where, and who asked for help.

A scenario file holds one event at the top level (see docs/treaty.md and scenarios/schema.json).
It may also hold a ``simulation:`` mapping, owned by ``csto.sim``: the loader keeps it, unread, in
``Event.extra``, and the simulation layer validates it.
"""

from __future__ import annotations

import datetime
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ..record import Record, dates
from ..record.model import Base, DateText, Ident
from ..record.yamlio import InlineDocument, LineDict, RecordError, RecordErrors, read
from .articles import Law, PerpetratorType, Threat, law_for
from .validate import FieldProblem, validate

#: Top-level keys owned by other layers: accepted, kept raw, never validated here.
EXTRA_KEYS = ("simulation",)

#: The pattern of a full ISO 8601 day, the only date form a scenario takes (written into the schema).
ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

#: A request for help must come on the event's day or after it, and within this many years. The bound
#: is the model's, not the treaty's (which sets none): a later "request" is another event.
REQUEST_WITHIN_YEARS = 1


def _upper(value: object) -> object:
    """Three letters in any case, upper-cased; anything else as written, for the error to quote."""
    if isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha():
        return value.upper()
    return value


#: An ISO 3166-1 alpha-3 code as a scenario or an overlay may write it: in any case (``arm`` is ARM, as on
#: the command line), upper-cased on reading. The JSON Schema accepts either case too.
StateInput = Annotated[str, BeforeValidator(_upper),
                       Field(pattern=r"^[A-Z]{3}$", json_schema_extra={"pattern": r"^[A-Za-z]{3}$"})]


def _full_day(text: str) -> str:
    dates.parse_day(text)
    return text


class Perpetrator(Base):
    """Who acted: a state (with its code), a non-state group, or unknown."""

    type: PerpetratorType = Field(description="state, non-state or unknown")
    state: StateInput | None = Field(default=None, description="ISO 3166-1 alpha-3 code, required when type is state")
    name: str | None = Field(default=None, description="a name for a non-state group")
    backed_by: list[StateInput] = Field(default=[], description="states alleged to back a non-state perpetrator")

    @model_validator(mode="after")
    def _state_given(self):
        if self.type == "state" and not self.state:
            raise ValueError("a perpetrator of type state needs `state:` (an ISO 3166-1 alpha-3 code)")
        if self.type != "state" and self.state:
            raise ValueError(f"`state:` is only for type state (type is {self.type}); use backed_by for sponsors")
        return self


class Location(Base):
    """Where the event takes place."""

    place: str | None = None
    on_recognised_territory: bool = Field(
        default=True, description="true if on the internationally recognised territory of the target(s)")
    territory_of: StateInput | None = Field(default=None, description="whose recognised territory it is, if not the target's")


AskedFor = Literal["troops", "peacekeepers", "equipment", "advisers", "observers", "consultations"]


class Request(Base):
    """A request for help: who asked, when, under which article, to which organ."""

    by: StateInput
    date: DateText = Field(description="the day of the request, YYYY-MM-DD: on or after the event's day, "
                                       f"and within {REQUEST_WITHIN_YEARS} year of it",
                           json_schema_extra={"pattern": ISO_DAY})
    article: str | None = Field(default=None, description="the article invoked, e.g. cst-4")
    to: str | None = Field(default=None, description="who was asked: an organ id of the record or the law, e.g. csc "
                                                     "(the Collective Security Council), or the code of one member "
                                                     "state asked bilaterally instead of the CSTO, e.g. RUS")
    asked_for: list[AskedFor] = Field(default=[], description="what was asked for: troops, peacekeepers, equipment, "
                                                              "advisers, observers, consultations")
    description: str | None = None

    @field_validator("date")
    @classmethod
    def _day(cls, v: str) -> str:
        return _full_day(v)


class Event(Base):
    """One event to assess against the Treaty and the Charter."""

    id: Ident | None = Field(default=None, description="defaults to the file name")
    title: str | None = None
    date: DateText = Field(description="the day it happened, YYYY-MM-DD", json_schema_extra={"pattern": ISO_DAY})
    kind: Ident = Field(description="one of the kinds in data/treaty/kinds.yaml")
    targets: list[StateInput] = Field(min_length=1, description="the state(s) attacked or threatened")
    perpetrator: Perpetrator
    location: Location = Location()
    request: Request | None = Field(description="the request for help, or none")
    armed_attack: bool | None = Field(default=None, description="override the kind's default")
    threatens: list[Threat] | None = Field(default=None, description="override the kind's default")
    outside_involvement: bool | None = Field(default=None, description="for unrest and terrorism: is backing from abroad alleged?")
    description: str | None = None
    sources: list[str] = Field(default=[], description="record source ids the scenario rests on")
    note: str | None = None
    extra: dict = Field(default={}, exclude=True, description="top-level keys owned by other layers (simulation:)")

    @field_validator("date")
    @classmethod
    def _day(cls, v: str) -> str:
        return _full_day(v)

    @model_validator(mode="after")
    def _request_in_time(self):
        if self.request is None:
            return self
        asked, day = dates.first_day(self.request.date), dates.first_day(self.date)
        if asked < day:
            raise FieldProblem("request.date", f"the request comes before the event ({self.date})", self.request.date)
        if asked > _years_after(day, REQUEST_WITHIN_YEARS):
            raise FieldProblem("request.date", f"the request comes more than {REQUEST_WITHIN_YEARS} year(s) after "
                               f"the event ({self.date}); make the later crisis its own scenario", self.request.date)
        return self

    @property
    def day(self) -> datetime.date:  # written in full: ``date`` in this class is the field
        return dates.first_day(self.date)

    def is_armed_attack(self, law: Law) -> bool:
        return self.armed_attack if self.armed_attack is not None else law.kinds[self.kind].armed_attack

    def threats(self, law: Law) -> list[str]:
        return list(self.threatens) if self.threatens is not None else list(law.kinds[self.kind].threatens)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _states_used(event: Event) -> list[tuple[str, str]]:
    """(field, code) for every state code in the event."""
    out = [(f"targets[{i}]", c) for i, c in enumerate(event.targets)]
    if event.perpetrator.state:
        out.append(("perpetrator.state", event.perpetrator.state))
    out += [(f"perpetrator.backed_by[{i}]", c) for i, c in enumerate(event.perpetrator.backed_by)]
    if event.location.territory_of:
        out.append(("location.territory_of", event.location.territory_of))
    if event.request:
        out.append(("request.by", event.request.by))
    return out


def _line(raw: LineDict, field: str) -> int | None:
    node, line = raw, raw.line
    for part in field.replace("]", "").replace("[", ".").split("."):
        key = int(part) if part.isdigit() else part
        if isinstance(node, LineDict) and key in node:
            line, node = node.line_of(key), node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            line = getattr(node, "line", line)
    return line


def _unknown_names(raw: LineDict, record: Record, law: Law, path: Path) -> list[RecordError]:
    """Unknown kind and state codes read from the raw YAML, for a file that also fails validation."""
    out = []
    kind = raw.get("kind")
    if isinstance(kind, str) and kind not in law.kinds:
        out.append(RecordError(path, raw.line_of("kind"), "kind", f"unknown kind; expected one of {', '.join(law.kinds)}",
                               kind))
    targets = raw.get("targets")
    for i, code in enumerate(targets if isinstance(targets, list) else []):
        if isinstance(code, str) and code.isascii() and code.isalpha() and len(code) == 3 \
                and code.upper() not in record.states:
            out.append(RecordError(path, _line(raw, f"targets[{i}]"), f"targets[{i}]",
                                   "unknown state: not an ISO 3166-1 alpha-3 code the record holds", code.upper()))
    return out


def load_scenario(path: str | Path | InlineDocument, record: Record | None = None, law: Law | None = None) -> Event:
    """Read and check one scenario file.

    Raises :class:`csto.record.RecordError` naming file, line, field and value for malformed YAML, a
    missing or unknown field, a bad date, a request dated before the event or more than
    ``REQUEST_WITHIN_YEARS`` after it, an unknown kind, article or organ, a state code the record does
    not hold, or a state perpetrator (or backer) that is also a target where the kind is not a clash
    between members. ``path`` may be an :class:`~csto.record.yamlio.InlineDocument` (text, not a file).
    """
    raw = read(path)
    path = path.path if isinstance(path, InlineDocument) else Path(path)
    if not isinstance(raw, LineDict):
        raise RecordError(path, 1, "(file)", "expected a mapping with the event's fields (date, kind, targets, ...)")
    extra = {k: raw[k] for k in EXTRA_KEYS if k in raw}
    body = LineDict({k: v for k, v in raw.items() if k not in EXTRA_KEYS})
    body.line, body.lines = raw.line, raw.lines
    if "extra" in body:
        raise RecordError(path, raw.line_of("extra"), "extra", "unknown field")
    if body.get("request") == "none":
        body["request"] = None
    record = record or Record.open()
    law = law or law_for(record)
    try:
        event = validate(Event, body, path)
    except RecordErrors as exc:  # report the names the law and the record do not hold too, not only the first kind
        named = {e.field for e in exc.errors}
        raise RecordErrors([*exc.errors, *(e for e in _unknown_names(raw, record, law, path) if e.field not in named)]) from None
    errors = []
    if event.kind not in law.kinds:
        errors.append(RecordError(path, raw.line_of("kind"), "kind",
                                  f"unknown kind; expected one of {', '.join(law.kinds)}", event.kind))
    for field, code in _states_used(event):
        if code not in record.states:
            errors.append(RecordError(path, _line(raw, field), field,
                                      "unknown state: not an ISO 3166-1 alpha-3 code the record holds", code))
    if event.request and event.request.article and event.request.article not in law.articles:
        errors.append(RecordError(path, _line(raw, "request.article"), "request.article",
                                  f"unknown article; expected one of {', '.join(law.articles)}", event.request.article))
    if event.request and event.request.to:
        request, to = event.request, event.request.to
        organs = sorted({*law.organs, *(o.id for o in record.organs())})
        if to not in organs and to.upper() in record.states:  # a state, in any case
            to = to.upper()
            request = request.model_copy(update={"to": to})
            event = event.model_copy(update={"request": request})
        bilateral = to in record.states and to != request.by
        if to not in organs and not bilateral:
            errors.append(RecordError(path, _line(raw, "request.to"), "request.to",
                                      f"unknown organ or state; expected a state code or one of {', '.join(organs)}",
                                      to))
    errors += _self_attack(event, law, raw, path)
    known_sources = {s.id for s in record.sources()} if event.sources else set()
    for i, sid in enumerate(event.sources):
        if sid not in known_sources:
            errors.append(RecordError(path, _line(raw, f"sources[{i}]"), f"sources[{i}]", "unknown source", sid))
    if errors:
        raise RecordErrors(errors)
    return event.model_copy(update={"id": event.id or path.stem, "extra": extra})


def _self_attack(event: Event, law: Law, raw: LineDict, path: Path) -> list[RecordError]:
    """A state cannot attack, or back an attack on, itself, except as one side of a clash between members.

    Only a kind marked ``between_members`` (data/treaty/kinds.yaml) lists the perpetrator among the
    targets, and then there must be another target: the other side. For internal unrest the authors
    are not a state (``type: non-state``) and a foreign sponsor goes under ``backed_by``.
    """
    kind = law.kinds.get(event.kind)
    if kind is None:
        return []  # reported as an unknown kind
    p, errors = event.perpetrator, []
    sides = [("perpetrator.state", p.state)] if p.state else []
    sides += [(f"perpetrator.backed_by[{i}]", c) for i, c in enumerate(p.backed_by)]
    for field, code in sides:
        if code not in event.targets:
            continue
        if kind.between_members and any(t != code for t in event.targets):
            continue
        why = ("a clash between members needs the other side among the targets too" if kind.between_members else
               f"a state cannot be both target and perpetrator of {event.kind}; only a clash between members "
               f"({', '.join(k.id for k in law.kinds.values() if k.between_members)}) names one of its targets")
        errors.append(RecordError(path, _line(raw, field), field, why, code))
    return errors

"""Events as YAML scenario files: what happened, to whom, by whom, where, and who asked for help.

A scenario file holds one event at the top level (see docs/treaty.md and scenarios/schema.json).
It may also hold a ``simulation:`` mapping, owned by ``csto.sim``: the loader keeps it, unread, in
``Event.extra``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from ..record import Record, dates
from ..record.model import Base, DateText, Ident, StateCode
from ..record.yamlio import LineDict, RecordError, RecordErrors, read
from .articles import Law, PerpetratorType, Threat, load_law
from .validate import validate

#: Top-level keys owned by other layers: accepted, kept raw, never validated here.
EXTRA_KEYS = ("simulation",)


def _full_day(text: str) -> str:
    dates.parse_day(text)
    return text


class Perpetrator(Base):
    """Who acted: a state (with its code), a non-state group, or unknown."""

    type: PerpetratorType = Field(description="state, non-state or unknown")
    state: StateCode | None = Field(default=None, description="ISO 3166-1 alpha-3 code, required when type is state")
    name: str | None = Field(default=None, description="a name for a non-state group")
    backed_by: list[StateCode] = Field(default=[], description="states alleged to back a non-state perpetrator")

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
    territory_of: StateCode | None = Field(default=None, description="whose recognised territory it is, if not the target's")


class Request(Base):
    """A request for help: who asked, when, under which article, to which organ."""

    by: StateCode
    date: DateText
    article: str | None = Field(default=None, description="the article invoked, e.g. cst-4")
    to: str | None = Field(default=None, description="the organ addressed, e.g. collective-security-council")
    description: str | None = None

    @field_validator("date")
    @classmethod
    def _day(cls, v: str) -> str:
        return _full_day(v)


class Event(Base):
    """One event to assess against the Treaty and the Charter."""

    id: Ident | None = Field(default=None, description="defaults to the file name")
    title: str | None = None
    date: DateText = Field(description="the day it happened, YYYY-MM-DD")
    kind: Ident = Field(description="one of the kinds in data/treaty/kinds.yaml")
    targets: list[StateCode] = Field(min_length=1, description="the state(s) attacked or threatened")
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

    @property
    def day(self) -> date:
        return dates.first_day(self.date)

    def is_armed_attack(self, law: Law) -> bool:
        return self.armed_attack if self.armed_attack is not None else law.kinds[self.kind].armed_attack

    def threats(self, law: Law) -> list[str]:
        return list(self.threatens) if self.threatens is not None else list(law.kinds[self.kind].threatens)


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


def load_scenario(path: str | Path, record: Record | None = None, law: Law | None = None) -> Event:
    """Read and check one scenario file.

    Raises :class:`csto.record.RecordError` naming file, line and field for malformed YAML, a missing
    or unknown field, a bad date, an unknown kind, or a state code the record does not hold.
    """
    path = Path(path)
    raw = read(path)
    if not isinstance(raw, LineDict):
        raise RecordError(path, 1, "(file)", "expected a mapping with the event's fields (date, kind, targets, ...)")
    extra = {k: raw[k] for k in EXTRA_KEYS if k in raw}
    body = LineDict({k: v for k, v in raw.items() if k not in EXTRA_KEYS})
    body.line, body.lines = raw.line, raw.lines
    if "extra" in body:
        raise RecordError(path, raw.line_of("extra"), "extra", "unknown field")
    if body.get("request") == "none":
        body["request"] = None
    event = validate(Event, body, path)
    record = record or Record.open()
    if law is None:
        here = record.data_dir / "treaty" if record.data_dir else None
        law = load_law(here if here and here.is_dir() else None)
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
    known_sources = {s.id for s in record.sources()} if event.sources else set()
    for i, sid in enumerate(event.sources):
        if sid not in known_sources:
            errors.append(RecordError(path, _line(raw, f"sources[{i}]"), f"sources[{i}]", "unknown source", sid))
    if errors:
        raise RecordErrors(errors)
    return event.model_copy(update={"id": event.id or path.stem, "extra": extra})

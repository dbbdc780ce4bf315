"""The exercise's procedure as data: ``data/exercise/procedure.yaml`` read, checked and scheduled.

The phases, their organs and articles, and when each falls in game time live in the YAML file, not
here. This module validates the file (every organ, article and source named must exist in the record
and the law), and turns it into a dated schedule for one game (:func:`schedule`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import RecordError, validate
from ..record import Record, default_data_dir
from ..record.dates import first_day
from ..record.model import DateText, Ident, SourceRef
from ..record.yamlio import read

#: The model timings a phase's ``day.days`` may name (see the YAML file's header).
TIMINGS = ("model.days_to_decision", "deployment.days_to_first_troops", "deployment.days_to_withdrawal")


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Day(_Base):
    """When a phase falls: ``days`` after ``after`` (the request or an earlier phase), never after ``not_after``."""

    after: str
    days: float | str
    not_after: str | None = None

    @model_validator(mode="after")
    def _known_timing(self):
        if isinstance(self.days, str) and self.days not in TIMINGS:
            raise ValueError(f"days: expected a number of days or one of {', '.join(TIMINGS)}")
        if isinstance(self.days, (int, float)) and not 0 <= self.days < 3650:
            raise ValueError("days: expected a number of days from 0 to 3649")
        return self


class Phase(_Base):
    id: Ident
    title: str
    description: str
    organs: list[str] = []
    articles: list[str] = []
    decision: bool = False
    pledges: bool = False
    answer: bool = False
    needs: Literal["troops", "refusable"] | None = None
    day: Day
    sources: list[SourceRef] = Field(min_length=1)
    assumption: bool = False
    rationale: str | None = None


class Setting(_Base):
    value: int = Field(gt=0)
    rationale: str = Field(min_length=10)


class Game(_Base):
    token_hours: Setting
    join_code_length: Setting
    debrief_runs: Setting
    deployment_draws: Setting


class Body(_Base):
    id: Ident
    title: str
    start: DateText = Field(alias="from")
    end: DateText | None = Field(default=None, alias="to")
    sources: list[SourceRef] = Field(min_length=1)
    phases: list[Phase] = Field(min_length=2)


class Procedure(_Base):
    procedure: Body
    game: Game
    path: str = ""

    @property
    def phases(self) -> list[Phase]:
        return self.procedure.phases

    def phase(self, phase_id: str) -> Phase:
        return next(p for p in self.phases if p.id == phase_id)

    def in_force(self, day: date) -> bool:
        b = self.procedure
        return first_day(b.start) <= day and (b.end is None or day <= first_day(b.end))


def default_path() -> Path:
    return default_data_dir() / "exercise" / "procedure.yaml"


def load(record: Record | None = None, path: str | Path | None = None) -> Procedure:
    """Read and check the procedure; ``record`` (when given) must hold every organ, article and source it names.

    Raises :class:`csto.errors.RecordError` naming the file, line and field of the first problems.
    """
    if path is None:
        here = Path(record.data_dir) / "exercise" / "procedure.yaml" if record and record.data_dir else None
        path = here if here is not None and here.is_file() else default_path()
    path = Path(path)
    raw = read(path)
    proc = validate(Procedure, raw, path)
    proc = proc.model_copy(update={"path": str(path)})
    _check_order(proc, raw, path)
    if record is not None:
        _check_names(proc, record, raw, path)
    return proc


def _line(raw: Any, i: int, key: str) -> int | None:
    try:
        node = raw["procedure"]["phases"][i]
        return node.line_of(key)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None


def _check_order(proc: Procedure, raw: Any, path: Path) -> None:
    seen: list[str] = []
    ids = [p.id for p in proc.phases]
    for i, p in enumerate(proc.phases):
        if p.id in seen:
            raise RecordError(path, _line(raw, i, "id"), f"procedure.phases[{i}].id", "phase ids must be unique", p.id)
        if p.day.after != "request" and p.day.after not in ids:
            raise RecordError(path, _line(raw, i, "day"), f"procedure.phases[{i}].day.after",
                              "expected request or a phase id", p.day.after)
        if p.day.not_after is not None and p.day.not_after not in ids[i + 1:]:
            raise RecordError(path, _line(raw, i, "day"), f"procedure.phases[{i}].day.not_after",
                              "expected the id of a later phase", p.day.not_after)
        seen.append(p.id)
    if sum(p.decision for p in proc.phases) < 1:
        raise RecordError(path, None, "procedure.phases", "no phase holds the Council's decision (decision: true)")
    # the target answers an offer: the decision and the pledges that make it come first
    last = max(i for i, p in enumerate(proc.phases) if p.decision or p.pledges)
    for i, p in enumerate(proc.phases):
        if p.answer and (i <= last or p.decision or p.pledges):
            raise RecordError(path, _line(raw, i, "answer"), f"procedure.phases[{i}].answer",
                              "the requesting state's answer comes after the decision and the pledges, in a phase "
                              "of its own", p.id)
    if sum(p.answer for p in proc.phases) > 1:
        raise RecordError(path, None, "procedure.phases", "at most one phase holds the requesting state's answer")


def _check_names(proc: Procedure, record: Record, raw: Any, path: Path) -> None:
    from ..treaty import law_for

    organs = {o.id for o in record.organs()}
    law = law_for(record)
    sources = {s.id for s in record.sources()}
    for ref in proc.procedure.sources:
        if ref.id not in sources:
            raise RecordError(path, None, "procedure.sources", "unknown source", ref.id)
    for i, p in enumerate(proc.phases):
        for organ in p.organs:
            if organ not in organs:
                raise RecordError(path, _line(raw, i, "organs"), f"procedure.phases[{i}].organs",
                                  "unknown organ (data/organs.yaml)", organ)
        for article in p.articles:
            if article not in law.articles:
                raise RecordError(path, _line(raw, i, "articles"), f"procedure.phases[{i}].articles",
                                  "unknown article (data/treaty/articles.yaml)", article)
        for ref in p.sources:
            if ref.id not in sources:
                raise RecordError(path, _line(raw, i, "sources"), f"procedure.phases[{i}].sources",
                                  "unknown source", ref.id)


@dataclass(frozen=True)
class Timings:
    """The model's medians, in days from the request, that phases may be scheduled by (None: not known)."""

    days_to_decision: float | None = None
    days_to_first_troops: float | None = None
    days_to_withdrawal: float | None = None

    def get(self, name: str) -> float | None:
        return getattr(self, name.split(".", 1)[1])


def schedule(phases: list[dict], request_day: date, timings: Timings, skipped: frozenset[str] = frozenset()
             ) -> dict[str, str | None]:
    """Each phase's in-game date (ISO) from the request's day; None for a skipped phase or an unknown timing.

    ``phases`` are dicts with an ``id`` and a ``day`` (``after``, ``days``, ``not_after``: :class:`Day` as a
    dict, as a game's definition holds them). A phase anchored on a skipped or undated phase is dated from
    the latest dated phase before it. Days are rounded to whole days (half a day or more: the next day).
    """
    days: dict[str, float] = {"request": 0.0}
    for p in phases:
        rule = p["day"]
        base = days.get(rule["after"])
        if base is None:
            base = max(days.values())
        offset = timings.get(rule["days"]) if isinstance(rule["days"], str) else rule["days"]
        if p["id"] in skipped or offset is None:
            continue
        days[p["id"]] = base + float(offset)
    for p in phases:  # not_after: an urgent decision pulls the phases before it forward
        later = days.get(p["day"]["not_after"]) if p["day"].get("not_after") else None
        if p["id"] in days and later is not None:
            days[p["id"]] = min(days[p["id"]], later)
    return {p["id"]: (request_day + timedelta(days=math.floor(days[p["id"]] + 0.5))).isoformat()
            if p["id"] in days else None for p in phases}

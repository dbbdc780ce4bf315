"""Who is what on a day: the record's memberships, with an overlay's changes on top."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..record import CSTO, Record
from .overlay import Overlay


@dataclass(frozen=True)
class Standing:
    """A state's status in the CSTO on a day, and where that answer came from."""

    state: str
    status: str | None  # member, observer, partner, suspended, applicant; None: no status
    level: str = "organization"  # or parliamentary-assembly
    participation: str = "full"  # or frozen
    since: str | None = None
    origin: str = "record"  # or overlay:<id>

    @property
    def is_member(self) -> bool:
        return self.status == "member"

    def describe(self) -> str:
        if self.status is None:
            return f"{self.state} holds no status in the CSTO ({self.origin})"
        level = "" if self.level == "organization" else f" at the {self.level.replace('-', ' ')}"
        frozen = ", participation frozen" if self.participation == "frozen" else ""
        since = f" since {self.since}" if self.since else ""
        return f"{self.state} is {self.status}{level}{frozen}{since} ({self.origin})"


class Standings:
    """Membership questions as of a day, answered by the overlay first and the record second."""

    def __init__(self, record: Record, overlay: Overlay | None = None):
        self.record, self.overlay = record, overlay

    def of(self, state: str, day: date) -> Standing:
        self.record.state(state)  # unknown codes fail here, naming the code
        if self.overlay and (m := self.overlay.membership(state, day)):
            status = None if m.status == "none" else m.status
            return Standing(state, status, "organization", m.participation, m.start, f"overlay {self.overlay.id}")
        for level in ("organization", "parliamentary-assembly"):
            held = self.record.status_of(state, day, CSTO, level)
            if held is not None:
                return Standing(state, held.status, level, held.participation, held.start,
                                "record: " + ", ".join(dict.fromkeys(r.id for r in held.sources)))
        return Standing(state, None)

    def members(self, day: date) -> list[Standing]:
        """Member states on ``day`` (suspended members excluded), in code order."""
        states = {r.state for r in self.record.members(day, "member") if r.level == "organization"}
        if self.overlay:
            states |= {m.state for m in self.overlay.memberships if m.covers(day)}
        found = [self.of(s, day) for s in sorted(states)]
        return [s for s in found if s.is_member]

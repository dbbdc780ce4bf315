"""Armenia's steps away from the CSTO, 2020-2025, as the shipped record holds them, and its status through them."""

from __future__ import annotations

import pytest

from csto.record import dates

#: Armenia's steps in the order they happened; each id is an event in data/milestones.yaml.
STEPS = [
    "armenia-skips-ib-2020",
    "armenia-declines-drills-2023",
    "armenia-may-freeze-2023",
    "armenia-recalls-representative-2023",
    "armenia-drops-assistance-request-2023",
    "armenia-skips-minsk-2023",
    "armenia-freeze-2024",
    "armenia-freeze-defined-2024",
    "armenia-stops-financing-2024",
    "armenia-will-leave-2024",
    "armenia-frozen-all-levels-2024",
    "armenia-skips-astana-2024",
    "armenia-outside-2024",
    "armenia-skips-bishkek-2025",
]


@pytest.fixture(scope="module")
def steps(record):
    by_id = {h.id: h for h in record.events("2020-01-01", "2025-12-31") if h.id}
    return [by_id[i] for i in STEPS]


def test_every_step_is_an_event_about_armenia(steps):
    assert all("ARM" in h.states for h in steps)


def test_the_steps_come_in_the_order_they_happened(steps):
    days = [dates.first_day(h.date) for h in steps]
    assert days == sorted(days)


def test_the_freeze_act_is_dated_with_the_first_announcement(record):
    [freeze] = [a for a in record.acts("ARM") if a.kind == "freeze"]
    [event] = [e for e in record.all("events") if e.id == "armenia-freeze-2024"]
    assert freeze.date == event.date == "2024-02-22"


@pytest.mark.parametrize(("on", "participation"), [
    ("2023-09-30", "full"),        # representative recalled, but no freeze yet
    ("2023-11-23", "full"),        # absent from the Minsk session
    ("2024-02-21", "full"),
    ("2024-02-22", "frozen"),
    ("2025-11-27", "frozen"),      # absent from the Bishkek session, still a member
])
def test_armenia_stays_a_member_and_its_participation_is_frozen_from_february_2024(record, on, participation):
    [row] = [r for r in record.members(on) if r.state == "ARM"]
    assert row.status == "member" and row.participation == participation


def test_armenia_takes_part_in_no_exercise_after_its_freeze(record):
    later = record.exercises_between("2024-02-22", None)
    assert later and all("ARM" not in x.participants for x in later)

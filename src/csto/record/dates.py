"""Dates as the record writes them: ISO 8601 days, months or years.

A source often gives only a year ("granted observer status in 2013") or a month.
The record keeps the text as written and resolves it to a day only when asked:
the start of a period resolves to the first day the text can mean, the end to
the last day, so that an as-of query never claims more than the source says.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from ..errors import DateError

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check(text: object) -> str:
    """Return ``text`` if it is a valid ISO date, month or year; raise DateError otherwise."""
    if isinstance(text, date):
        return text.isoformat()
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise DateError(f"expected an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD), got {text!r}")
    m = _PATTERN.match(text.strip())
    if not m:
        raise DateError(f"malformed date {text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), m[2], m[3]
    if year == 0:
        raise DateError(f"impossible date {text!r}: there is no year 0000")
    if month is not None and not 1 <= int(month) <= 12:
        raise DateError(f"impossible date {text!r}: month {month} does not exist")
    if day is not None:
        last = calendar.monthrange(year, int(month))[1]
        if not 1 <= int(day) <= last:
            raise DateError(f"impossible date {text!r}: {calendar.month_name[int(month)]} {year} has {last} days")
    return text.strip()


def first_day(text: str) -> date:
    """The earliest day a date text can mean ('2013' -> 2013-01-01)."""
    text = check(text)
    parts = [int(p) for p in text.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def last_day(text: str) -> date:
    """The latest day a date text can mean ('2013-02' -> 2013-02-28)."""
    text = check(text)
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return date(year, month, day)


def precision(text: str) -> str:
    """'day', 'month' or 'year'."""
    return ("year", "month", "day")[check(text).count("-")]


def parse_day(text: str) -> date:
    """Parse a user's date on the command line or in an API call: a full ISO day only."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise DateError(f"expected a full date YYYY-MM-DD, got {text!r}")
    return first_day(check(text))

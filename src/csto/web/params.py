"""Query parameters as the command line names its options (``on``, ``from``, ``to``, ``org``, ``status``...).

Dates are read by the record's own reader (:func:`csto.record.dates.parse_day`) and a bad one is named
by its parameter; a parameter the endpoint does not take is refused, naming the ones it does, rather
than silently ignored (``/api/members?date=2022-01-10`` would otherwise answer for today).
"""

from __future__ import annotations

from datetime import date

from fastapi import Request
from fastapi.dependencies.models import Dependant

from ..errors import DateError
from ..record.dates import parse_day
from .errors import RequestProblem
from .service import Service


async def of(request: Request) -> Service:
    """The app's :class:`~csto.web.service.Service` (a FastAPI dependency; async: no thread for a lookup)."""
    return request.app.state.service


def day(text: str | None, name: str) -> date | None:
    """A YYYY-MM-DD parameter, or None when not given; a bad one is a 400 naming ``name`` and the value."""
    if text is None or text == "":
        return None
    try:
        return parse_day(text)
    except DateError as exc:
        raise RequestProblem("date", f"{name}: {exc}", name, text) from None


def day_or_today(text: str | None, name: str = "on") -> date:
    """As :func:`day`, today when not given (the command line's default for ``--on``)."""
    return day(text, name) or date.today()


async def known_only(request: Request) -> None:
    """Refuse a query parameter the endpoint does not take (a router-wide dependency)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _query_names(dependant)
    for name in request.query_params:
        if name not in allowed:
            expected = ", ".join(sorted(allowed)) or "none"
            raise RequestProblem("usage", f"unknown parameter {name!r}; this endpoint takes: {expected}", name,
                                 request.query_params[name])


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters a route takes, its dependencies' included (as the client spells them)."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names

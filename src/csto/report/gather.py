"""What each picture asks: the answers (:mod:`csto.answers`) a picture is built from, for the options given.

Every face draws a picture the same way: ``build(**gather(record, **options))``. The options are the
command line's (``csto plot``) and the pages' alike; each gatherer reads only those its picture needs
(:data:`csto.report.PICTURES` lists them) and asks the answers exactly as ``csto <command> --format json``
would, so a picture shows what the command prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ..errors import UsageError
from ..record import CSTO


def _answers() -> Any:
    from .. import answers

    return answers


def _on(on: date | None) -> date:
    return on or date.today()


def timeline(record: Any, on: date | None = None, orgs: Sequence[str] = ()) -> dict[str, Any]:
    """The ``timeline`` answer of each organization asked (the CSTO by default), as of ``on`` (today)."""
    return {"timelines": [_answers().timeline(record, org=org) for org in (orgs or [CSTO])], "on": _on(on)}


def map(record: Any, on: date | None = None, orgs: Sequence[str] = ()) -> dict[str, Any]:
    """Every state's status (``members`` with status ``all``) in one organization on ``on``, and the places."""
    from .map import places

    if len(orgs) > 1:
        raise UsageError(f"the map shows one organization; got --org {' --org '.join(orgs)}")
    org = orgs[0] if orgs else CSTO
    return {"members": _answers().members(record, on=_on(on), status="all", org=org), "where": places(record)}


def organs(record: Any, on: date | None = None) -> dict[str, Any]:
    """The organs on ``on`` (today) and the holder of every office on that day."""
    answers, when = _answers(), _on(on)
    offices = [{"id": o.id, "name": o.name, "organ": o.organ} for o in record.offices()]
    return {"organs": answers.organs(record, on=when), "offices": offices,
            "who": [answers.who(record, office=o["id"], on=when) for o in offices]}


def overlap(record: Any, on: date | None = None, orgs: Sequence[str] = ()) -> dict[str, Any]:
    """The ``overlap`` answer on ``on`` (today), drawn over the organizations asked (default: every one)."""
    return {"overlap": _answers().overlap(record, on=_on(on)), "organizations": list(orgs) or None}


def _one(scenarios: Sequence[Any], picture: str) -> Any:
    if len(scenarios) != 1:
        raise UsageError(f"{picture}: expected one scenario file, got {len(scenarios)}")
    return scenarios[0]


def simulation(record: Any, scenarios: Sequence[Any] = (), on: date | None = None, overlay: Any = None,
               runs: int = 10_000, seed: int = 0) -> dict[str, Any]:
    """The ``simulate`` answer of one scenario (on the event's date unless ``on``; with ``overlay`` if given)."""
    scenario = _one(scenarios, "simulation")
    return {"simulate": _answers().simulate(record, scenario=scenario, runs=runs, seed=seed, on=on, overlay=overlay)}


def whatif(record: Any, scenarios: Sequence[Any] = (), on: date | None = None, overlay: Any = None,
           runs: int = 10_000, seed: int = 0) -> dict[str, Any]:
    """Two ``simulate`` answers: A, the first scenario as it is; B, the last scenario with ``overlay``.

    One scenario and an overlay compare the scenario without and with the overlay; two scenarios compare
    them (the overlay, if given, applies to the second)."""
    if not 1 <= len(scenarios) <= 2:
        raise UsageError(f"whatif: expected one scenario and --overlay, or two scenarios; got {len(scenarios)} "
                         "scenario(s)")
    if len(scenarios) == 1 and overlay is None:
        raise UsageError("whatif: one scenario needs an --overlay to compare it with (or give two scenarios)")
    answers = _answers()
    first = answers.simulate(record, scenario=scenarios[0], runs=runs, seed=seed, on=on)
    second = answers.simulate(record, scenario=scenarios[-1], runs=runs, seed=seed, on=on, overlay=overlay)
    return {"first": first, "second": second}


def backtest(record: Any, seed: int = 0, particles: int = 8192, reps: int = 32, repeats: int = 3) -> dict[str, Any]:
    """The ``backtest`` answer (leave one case out) with the calibration's settings."""
    return {"backtest": _answers().backtest(record, particles=particles, reps=reps, seed=seed, repeats=repeats)}

"""Pictures of the record, the treaty and the simulation: one Vega-Lite specification each, written with Altair.

Every picture is built from the ``result`` of a JSON answer (:mod:`csto.answers`, the same fields as
``csto <command> --format json``) and adds no finding of its own. The same spec is rendered three ways:
to files (:func:`save`: SVG, PNG, PDF through vl-convert, no browser needed; JSON, the spec itself), in web
pages (:func:`to_spec`, handed to vega-embed), and by anyone who wants to restyle it.

:data:`PICTURES` lists them: name -> :class:`Picture` (its builder, the options it reads, one line saying
what it shows). :func:`picture` gathers the answers a picture needs and builds it; both faces call it::

    from csto import report
    chart = report.picture("map", record, on=date(2022, 1, 10))
    report.save(chart, "map.svg")          # or report.to_spec(chart) for a page
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from . import backtest, gather, organs, overlap, simulation, timeline, whatif
from . import map as membership_map
from .render import SUFFIXES, render, save, suffix_of, to_spec


@dataclass(frozen=True)
class Picture:
    """One picture: ``build`` turns answers into a chart, ``gather`` asks the answers for the options given;
    ``needs`` names the options it reads (``on``, ``orgs``, ``scenarios``, ``overlay``, ``runs``, ``seed``,
    ``particles``, ``reps``, ``repeats``); ``description`` says what it shows, in one line."""

    name: str
    build: Callable[..., Any]
    gather: Callable[..., dict[str, Any]]
    needs: tuple[str, ...]
    description: str


PICTURES: dict[str, Picture] = {p.name: p for p in [
    Picture("timeline", timeline.build, gather.timeline, ("on", "orgs"),
            "Every state's status periods in one organization or several, with the as-of date marked."),
    Picture("map", membership_map.build, gather.map, ("on", "orgs"),
            "Members, observers, suspended and former members of an organization on a date, on a map."),
    Picture("organs", organs.build, gather.organs, ("on",),
            "The organ chart on a date: parents, decision rules, office holders."),
    Picture("overlap", overlap.build, gather.overlap, ("on", "orgs"),
            "The CSTO beside the CIS, EAEU, SCO, BRICS and NATO on a date: states x organizations."),
    Picture("simulation", simulation.build, gather.simulation, ("scenarios", "on", "overlay", "runs", "seed"),
            "One simulated crisis: outcome probabilities, days to decision and troops, persons sent, who blocks."),
    Picture("whatif", whatif.build, gather.whatif, ("scenarios", "on", "overlay", "runs", "seed"),
            "Two simulations side by side: a scenario with and without an overlay, or two scenarios."),
    Picture("backtest", backtest.build, gather.backtest, ("seed", "particles", "reps", "repeats"),
            "Past crises predicted leave-one-case-out against what happened, and the reliability diagram."),
]}


def picture(name: str, record: Any, **options: Any) -> Any:
    """The chart of picture ``name`` for ``options`` (those it does not read must be None or empty)."""
    if name not in PICTURES:
        raise UsageError(f"unknown picture {name!r}: expected one of {', '.join(PICTURES)}")
    found = PICTURES[name]
    extra = sorted(k for k, v in options.items() if k not in found.needs and v not in (None, (), [], ""))
    if extra:
        raise UsageError(f"{name}: does not take {', '.join(extra)} (it reads {', '.join(found.needs)})")
    given = {k: v for k, v in options.items() if k in found.needs and v is not None}
    return found.build(**found.gather(record, **given))


__all__ = ["PICTURES", "SUFFIXES", "Picture", "picture", "render", "save", "suffix_of", "to_spec"]

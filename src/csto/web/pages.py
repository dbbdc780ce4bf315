"""The pages: each renders the answers the API returns (:mod:`csto.answers`, no second code path) with a
Jinja2 template shipped in ``csto/web/templates``.

A page function takes the :class:`~csto.web.service.Service`, the :class:`~csto.web.links.Links` to use (the
server's or the static site's) and the page's inputs as text, exactly as the query string gives them; it
returns the HTML and the status. Bad input (a date, a scenario, a runs count over the cap) is shown on
the page with its message and a 4xx status, never a crash; the server's routes and ``csto site build``
call the same functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, get_args

import jinja2
from markupsafe import Markup, escape

from .. import __version__, answers
from ..errors import CstoError
from . import charts, schemaform
from .errors import RequestProblem, status_of
from .links import Links
from .params import day, day_or_today
from .service import Service

T = TypeVar("T")
Page = tuple[str, int]

env = jinja2.Environment(loader=jinja2.PackageLoader("csto.web", "templates"), autoescape=True,
                         trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
env.filters["tojson_script"] = lambda value: Markup(charts.embeddable(value))


def _pct(value: float | None, se: float | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.1%}" + (f" ± {se:.1%}" if se else "")


env.filters["pct"] = _pct


def _treaty_anchor(article: str, version: str, anchors: set[str]) -> str | None:
    """The treaty page's anchor for an article version: the version's, else the article's (an overlay's version is
    not on that page), else none."""
    for anchor in (f"{article}-{version}", article):
        if anchor in anchors:
            return anchor
    return None


def _linked_trace(line: str, articles: list[dict[str, Any]], links: Links, anchors: set[str]) -> Markup:
    """A trace line with each article version it cites ("Treaty Art. 4, 2010 version") linked to the treaty page."""
    out = escape(line)
    for a in articles:
        cited = escape(f"{a['citation']}, {a['version']} version")
        anchor = _treaty_anchor(a["id"], a["version"], anchors)
        href = links.page("treaty", fragment=anchor) if anchor else None
        if href and cited in out:
            out = Markup(out.replace(cited, Markup('<a href="{}">{}</a>').format(href, cited)))
    return Markup(out)


env.globals["linked_trace"] = _linked_trace
env.globals["treaty_anchor"] = _treaty_anchor


def render(template: str, links: Links, service: Service, status: int = 200, **context: Any) -> Page:
    return env.get_template(template).render(page=template.removesuffix(".html"), links=links, version=__version__, charts_available=charts.available(),
                                             record_hash=answers.record_hash(service.record), **context), status


def _attempt(compute: Callable[[], T]) -> tuple[T | None, dict[str, Any] | None, int]:
    """``compute()``, or the error it raised as the error object and status the API would give."""
    try:
        return compute(), None, 200
    except CstoError as exc:
        return None, exc.as_dict(), status_of(exc)


def _number(text: str | None, name: str, default: int) -> int:
    if text is None or text == "":
        return default
    if not re.fullmatch(r"\s*\d{1,12}\s*", text):
        raise RequestProblem("usage", f"{name}: expected a whole number >= 0 (got {text!r})", name, text, status=422)
    return int(text)


# --- the record ----------------------------------------------------------------------------------


def home(s: Service, links: Links, on: str | None = None, snapshots: list[dict[str, str]] | None = None) -> Page:
    """Members, the map and the timeline on a date, with a date slider (``snapshots``: the static site's dates)."""
    when, error, status = _attempt(lambda: day_or_today(on))
    when = when or date.today()
    members = answers.members(s.record, on=when)
    overlap = answers.overlap(s.record, on=when)
    timeline = answers.timeline(s.record)
    observers = answers.members(s.record, on=when, status="observer")
    starts = [r["from"][:4] for r in timeline["result"]]
    first = f"{min(starts)}-01-01" if starts else "1992-01-01"
    pictures = home_pictures(s, when)
    return render("home.html", links, s, status, on=when.isoformat(), first=first, today=date.today().isoformat(),
                  members=members, observers=observers, overlap=overlap, timeline=timeline, error=error,
                  pictures=pictures, snapshots=snapshots)


def home_pictures(s: Service, on: date) -> list[charts.Picture]:
    """The home page's map, timeline and overlap on ``on`` (kept by the service)."""
    return s.pictures(("map", "timeline", "overlap"), "home", on)


def state(s: Service, links: Links, code: str) -> Page:
    """A state's whole history across organizations, with its sources."""
    history, error, status = _attempt(lambda: answers.history(s.record, state=code))
    return render("state.html", links, s, status, code=code, history=history, error=error)


def _source_index(s: Service) -> dict[str, dict[str, Any]]:
    return {src["id"]: src for src in answers.sources(s.record)["result"]}


def organs(s: Service, links: Links, on: str | None = None) -> Page:
    """The organs as of a date (every one without a date), as a tree with their decision rules and office holders."""
    when, error, status = _attempt(lambda: day(on, "on"))
    found = answers.organs(s.record, on=when)
    children: dict[str | None, list[dict[str, Any]]] = {}
    ids = {o["id"] for o in found["result"]}
    for o in found["result"]:
        children.setdefault(o["parent"] if o["parent"] in ids else None, []).append(o)
    # the offices of each organ and who held them on the date (today when no date is asked)
    holders: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    for office in s.record.offices():
        holders.setdefault(office.organ, []).append((office, answers.who(s.record, office=office.id,
                                                                         on=when or date.today())))
    pictures = s.pictures(("organs",), "organs", when)
    return render("organs.html", links, s, status, on=when.isoformat() if when else "", organs=found,
                  children=children, holders=holders, error=error, pictures=pictures)


def sources(s: Service, links: Links, kind: str | None = None, search: str | None = None) -> Page:
    """The sources the record cites (every one, or those of one kind and/or matching a text), each with an anchor
    that claims and facts link to."""
    from ..record.kinds import SourceKind

    return render("sources.html", links, s, sources=answers.sources(s.record, kind=kind or None, search=search or None),
                  kinds=get_args(SourceKind), kind=kind or "", search=search or "")


def conflicts(s: Service, links: Links) -> Page:
    """Each contested question: every claim with its source, the preferred value and why; attributed opinions."""
    return render("conflicts.html", links, s, conflicts=answers.conflicts(s.record), sources=_source_index(s))


# --- the treaty ----------------------------------------------------------------------------------


def treaty(s: Service, links: Links, on: str | None = None) -> Page:
    """The articles by version, with their text; each version has an anchor (``cst-4-2010``)."""
    when, error, status = _attempt(lambda: day(on, "on"))
    listing = answers.articles(s.record, on=when, law=s.law)
    full = [answers.article(s.record, id=a_id, on=when, law=s.law) for a_id in dict.fromkeys(
        a["id"] for a in listing["result"])]
    return render("treaty.html", links, s, status, on=when.isoformat() if when else "", articles=full,
                  listing=listing, error=error)


def obligations(s: Service, links: Links, scenario: str | None = None, text: str | None = None,
                on: str | None = None, overlay: str | None = None) -> Page:
    """Who owes what to whom for an event (a shipped scenario, or its edited text), with the trace."""
    scenario = scenario or (None if text else next(iter(s.scenario_files), None))

    def compute() -> dict[str, Any]:
        return s.obligations(s.choose(scenario, text), day(on, "on"), s.overlay_or_none(overlay))

    answer, error, status = _attempt(compute)
    anchors = {a for x in answers.articles(s.record, law=s.law)["result"] for a in (x["id"], f"{x['id']}-{x['version']}")}
    return render("obligations.html", links, s, status, anchors=anchors, scenario=scenario or "", text=_text(s, scenario, text),
                  on=on or "", overlay=overlay or "", answer=answer, error=error, scenarios=s.scenario_list(),
                  overlays=s.overlay_list())


def _text(s: Service, scenario: str | None, text: str | None) -> str:
    """The text box's content: the user's text, else the chosen shipped scenario's file."""
    if text:
        return text
    try:
        return s.scenario(scenario).text if scenario else ""
    except CstoError:
        return ""


# --- the simulation ------------------------------------------------------------------------------

#: A page's runs when the link gives none: quick enough to compute on a click (the API's default is 10,000).
PAGE_RUNS = 10_000


def runner(s: Service, links: Links, scenario: str | None = None, text: str | None = None, on: str | None = None,
           overlay: str | None = None, runs: str | None = None, seed: str | None = None) -> Page:
    """Run a scenario (shipped, or edited) and see the outcome distribution, timings, who sends and who blocks."""
    scenario = scenario or (None if text else next(iter(s.scenario_files), None))

    def compute() -> dict[str, Any]:
        return s.simulate(s.choose(scenario, text), _number(runs, "runs", PAGE_RUNS), _number(seed, "seed", 0),
                          day(on, "on"), s.overlay_or_none(overlay))

    answer, error, status = _attempt(compute)
    pictures = charts.of_answers("simulation", "run", simulate=answer) if answer else []
    return render("runner.html", links, s, status, scenario=scenario or "", text=_text(s, scenario, text),
                  on=on or "", overlay=overlay or "", runs=runs or str(PAGE_RUNS), seed=seed or "0", answer=answer,
                  error=error, scenarios=s.scenario_list(), overlays=s.overlay_list(), pictures=pictures,
                  max_runs=s.max_runs)


def whatif(s: Service, links: Links, scenario: str | None = None, text: str | None = None,
           runs: str | None = None, seed: str | None = None, a_on: str | None = None, a_overlay: str | None = None,
           b_on: str | None = None, b_overlay: str | None = None) -> Page:
    """Two runs of one scenario side by side (A and B, each with its own date and overlay), same seed and runs."""
    scenario = scenario or (None if text else next(iter(s.scenario_files), None))
    if not (a_overlay or b_overlay or a_on or b_on):  # a first visit: the scenario as is against the first overlay
        b_overlay = next(iter(s.overlay_files), None)

    def compute(on: str | None, overlay: str | None) -> Callable[[], dict[str, Any]]:
        return lambda: s.simulate(s.choose(scenario, text), _number(runs, "runs", PAGE_RUNS),
                                  _number(seed, "seed", 0), day(on, "on"), s.overlay_or_none(overlay))

    a, a_error, a_status = _attempt(compute(a_on, a_overlay))
    b, b_error, b_status = _attempt(compute(b_on, b_overlay))
    pictures = charts.of_answers("whatif", "whatif", first=a, second=b) if a and b else []
    return render("whatif.html", links, s, max(a_status, b_status), scenario=scenario or "",
                  text=_text(s, scenario, text), runs=runs or str(PAGE_RUNS), seed=seed or "0", a_on=a_on or "",
                  a_overlay=a_overlay or "", b_on=b_on or "", b_overlay=b_overlay or "", a=a, b=b,
                  a_error=a_error, b_error=b_error, scenarios=s.scenario_list(), overlays=s.overlay_list(),
                  pictures=pictures)


#: The backtest a page link without settings asks for: about a second; the API's defaults are the CLI's.
PAGE_BACKTEST = {"particles": 2048, "reps": 16, "repeats": 1}


def backtest(s: Service, links: Links, particles: str | None = None, reps: str | None = None,
             seed: str | None = None, repeats: str | None = None) -> Page:
    """Every recorded crisis predicted out of sample, scored beside the baselines, with a reliability table."""
    settings = {"particles": particles, "reps": reps, "repeats": repeats}

    def compute() -> dict[str, Any]:
        n = {k: _number(v, k, PAGE_BACKTEST[k]) for k, v in settings.items()}
        return s.backtest(n["particles"], n["reps"], _number(seed, "seed", 0), n["repeats"])

    answer, error, status = _attempt(compute)
    pictures = charts.of_answers("backtest", "backtest", backtest=answer) if answer else []
    shown = {k: v or str(PAGE_BACKTEST[k]) for k, v in settings.items()}
    return render("backtest.html", links, s, status, answer=answer, error=error, seed=seed or "0",
                  pictures=pictures, **shown)


def new_scenario(s: Service, links: Links, fields: dict[str, str]) -> Page:
    """A form generated from the scenario JSON Schema; filled in, it becomes a scenario's YAML text to run."""
    form = schemaform.fields(s.schema)
    text, error, status = (None, None, 200)
    if any(v.strip() for v in fields.values()):
        text, error, status = _attempt(lambda: schemaform.to_yaml(schemaform.assemble(s.schema, fields)))
    return render("new_scenario.html", links, s, status, form=form, values=fields, text=text, error=error)


def api_reference(s: Service, links: Links, openapi: dict[str, Any]) -> Page:
    """The JSON API, endpoint by endpoint, from the app's own OpenAPI schema (no script from a CDN)."""
    endpoints = [{"path": path, "method": method.upper(), **op} for path, ops in openapi.get("paths", {}).items()
                 if path.startswith("/api") for method, op in ops.items()]
    return render("api.html", links, s, endpoints=endpoints, info=openapi.get("info", {}))


def error_page(s: Service, error: dict[str, Any], status: int) -> str:
    """A page for an error no page caught (an unknown address, a bug), with the same error object."""
    from .links import ServerLinks
    from .routers.assets import bundle_name

    html, _ = render("error.html", ServerLinks(bundle_name()), s, status, error=error, code=status)
    return html


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


env.filters["as_json"] = as_json

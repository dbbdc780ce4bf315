"""``csto site build DIR``: the pages written as a static folder that opens from ``file://`` (a classroom
without a server).

The same page functions as the server (:mod:`csto.web.pages`) render every file, with
:class:`~csto.web.links.SiteLinks`, so links are relative and go only to files the folder holds. Pages
that need a server show what was computed when the folder was written, and say so: the home page at
a date each year (the slider stops at them), the obligations, runs and what-ifs of every shipped
scenario at a modest number of runs, and a small backtest. The folder is written whole or not at all
(:func:`csto.record.export.write_atomically`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from .. import __version__, answers
from ..errors import CstoError, UsageError
from ..record.dates import first_day
from ..record.export import write_atomically
from . import pages
from .links import SiteLinks
from .routers.assets import STATIC, bundle_name, vega_bundle
from .service import Service

#: The file that marks a folder as written by this command: only such a folder (or an empty one) is replaced.
MARKER = ".csto-site"
#: Replications per precomputed run, and the backtest's settings: modest, so a build takes seconds.
SITE_RUNS = 2000
SITE_BACKTEST = {"particles": 1024, "reps": 8, "repeats": 1}

Render = Callable[[SiteLinks], pages.Page]


def _snapshot_days(first_year: int, on: date, every: int = 1) -> list[date]:
    """The home page's dates: the same day of the year as ``on`` every ``every`` years back from ``on``."""
    out = []
    for year in range(on.year - every * ((on.year - first_year) // every), on.year, every):
        try:
            out.append(on.replace(year=year))
        except ValueError:  # 29 February
            out.append(on.replace(year=year, day=28))
    return [*out, on]


class Plan:
    """The site's files: path -> how to render it, and the lookup from a page and its inputs to its file."""

    def __init__(self, s: Service, on: date, runs: int, seed: int, backtest: dict[str, int], every: int,
                 scenarios: list[str] | None = None):
        self.s, self.on, self.runs, self.seed, self.bt, self.every = s, on, runs, seed, backtest, every
        self.files: dict[str, Render] = {}
        self.homes: dict[str, str] = {}
        self.whatifs: dict[tuple[str, str], str] = {}
        for name in scenarios or []:
            s.scenario(name)  # an unknown name is the user's error, before anything is computed
        chosen = [n.removesuffix(".yaml") for n in scenarios] if scenarios else list(s.scenario_files)
        self.scenarios = [n for n in chosen if self._runs_well(n)]
        self.overlays = list(s.overlay_files)
        self.note = (f"A static copy written on {date.today().isoformat()} by csto site build (csto {__version__}), "
                     f"as of {on.isoformat()}. Pages that need a server show results computed then: every shipped "
                     f"scenario at {runs:,} runs (seed {seed}); csto serve answers any date, text, overlay or "
                     "number of runs.")

    def _runs_well(self, name: str, overlay: str | None = None) -> bool:
        try:
            self.s.obligations(self.s.scenario(name), None, self.s.overlay_or_none(overlay))
            self.s.simulate(self.s.scenario(name), self.runs, self.seed, None, self.s.overlay_or_none(overlay))
        except CstoError:  # a shipped scenario that an overlay does not fit: no page rather than an error page
            return False
        return True

    def build(self) -> None:
        s, on = self.s, self.on
        starts = [first_day(r["from"]) for r in answers.timeline(s.record)["result"]]
        first = min(starts, default=on)
        days = [d for d in _snapshot_days(first.year, on, self.every) if d >= first]
        for d in days:
            self.homes[d.isoformat()] = "index.html" if d == on else f"home/{d.isoformat()}.html"
        snapshots = [{"on": k, "href": v} for k, v in self.homes.items()]
        for d_text, file in self.homes.items():
            self.files[file] = self._home(d_text, snapshots, file)
        for code in s.record.states:
            self.files[f"states/{code}.html"] = partial(pages.state, s, code=code)
        self.files["organs.html"] = partial(pages.organs, s, on=on.isoformat())
        self.files["sources.html"] = partial(pages.sources, s)
        self.files["conflicts.html"] = partial(pages.conflicts, s)
        self.files["treaty.html"] = partial(pages.treaty, s)
        self.files["backtest.html"] = partial(pages.backtest, s, particles=str(self.bt["particles"]),
                                              reps=str(self.bt["reps"]), seed=str(self.seed),
                                              repeats=str(self.bt["repeats"]))
        runs, seed = str(self.runs), str(self.seed)
        for name in self.scenarios:
            self.files[f"obligations/{name}.html"] = partial(pages.obligations, s, scenario=name)
            self.files[f"runner/{name}.html"] = partial(pages.runner, s, scenario=name, runs=runs, seed=seed)
            for overlay in self.overlays:
                if self._runs_well(name, overlay):
                    file = self.whatifs[name, overlay] = f"whatif/{name}--{overlay}.html"
                    self.files[file] = partial(pages.whatif, s, scenario=name, runs=runs, seed=seed,
                                               b_overlay=overlay)

    def _home(self, on: str, snapshots: list[dict[str, str]], file: str) -> Render:
        def render(links: SiteLinks) -> pages.Page:
            rel = [{"on": x["on"], "href": links.relative(x["href"])} for x in snapshots]
            return pages.home(self.s, links, on, snapshots=rel)
        return render

    def resolve(self, name: str, inputs: dict[str, Any]) -> str | None:
        """The file of page ``name`` with ``inputs``, or None where the site holds none."""
        keys = set(inputs)
        first = self.scenarios[0] if self.scenarios else None
        if name == "home":
            return self.homes.get(inputs.get("on", self.on.isoformat())) if keys <= {"on"} else None
        if name == "state":
            file = f"states/{str(inputs.get('state', '')).upper()}.html"
            return file if keys == {"state"} and file in self.files else None
        if name in ("organs", "sources", "conflicts", "treaty", "backtest"):
            return f"{name}.html" if not keys else None
        if name in ("obligations", "runner"):
            scenario = inputs.get("scenario", first)
            return f"{name}/{scenario}.html" if keys <= {"scenario"} and scenario in self.scenarios else None
        if name == "whatif":
            if not keys:
                return next(iter(self.whatifs.values()), None)
            pair = (str(inputs.get("scenario")), str(inputs.get("b_overlay")))
            return self.whatifs.get(pair) if keys == {"scenario", "b_overlay"} else None
        return None  # the scenario form needs a server


def build_site(s: Service, directory: Path, on: date | None = None, runs: int = SITE_RUNS, seed: int = 0,
               backtest: dict[str, int] | None = None, every: int = 1, scenarios: list[str] | None = None
               ) -> list[Path]:
    """Write the static site into ``directory`` (replacing an earlier site there); the files written, sorted.

    ``every``: years between the home page's dates (the slider's stops), counted back from ``on``;
    ``scenarios``: the shipped scenarios to precompute (by name; default: every one).
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())) \
            and not (directory / MARKER).is_file():
        raise UsageError(f"{directory}: exists and is not a folder written by `csto site build`; "
                         "give a new or empty folder (nothing was written)")
    s.check_runs(runs)
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise UsageError(f"every: expected a whole number of years >= 1, got {every!r}")
    plan = Plan(s, on or date.today(), runs, seed, backtest or SITE_BACKTEST, every, scenarios)
    plan.build()
    bundle = f"assets/{bundle_name()}"
    written: list[str] = []

    def fill(tmp: Path) -> None:
        for file, render in plan.files.items():
            links = SiteLinks(file, plan.resolve, bundle, plan.note)
            html, _ = render(links)
            _write(tmp / file, html.encode("utf-8"))
        for asset in STATIC.iterdir():
            if asset.is_file():
                shutil.copyfile(asset, _parent(tmp / "static" / asset.name))
        _write(tmp / bundle, vega_bundle())
        _write(tmp / MARKER, f"written by csto site build as of {plan.on.isoformat()}\n".encode())
        written.extend(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())

    write_atomically(directory, fill)
    return sorted(directory / w for w in written)


def _parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _write(path: Path, data: bytes) -> None:
    _parent(path).write_bytes(data)

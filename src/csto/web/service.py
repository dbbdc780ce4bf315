"""What the web face serves from: the record opened once, read-only, and the shipped scenarios and overlays by name.

No path a user types is ever opened: a scenario is chosen by name from the list of the shipped
``scenarios/`` folder, an overlay by name from ``DATA/treaty/overlays/``, and scenario text posted by a
user is read as an :class:`~csto.record.yamlio.InlineDocument` (never written to disk). The library
answers (:mod:`csto.answers`); this module only finds the inputs, caps the work one request may ask
for, and keeps the answers of the slow questions (simulate, backtest) for the next identical request.
"""

from __future__ import annotations

import functools
import gc
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .. import answers
from ..record import Record
from ..record.yamlio import InlineDocument, RecordError, read, read_text
from ..treaty import Law, law_for, scenario_schema
from .answer import Kept
from .errors import RequestProblem

#: The largest scenario text accepted in a request (bytes): the shipped scenarios are 1-3 KB.
MAX_TEXT = 64 * 1024
#: The most replications one simulation request may ask for (the command line allows 100,000,000).
MAX_RUNS = 200_000
#: Backtest settings a request may ask for, at most: the command line's defaults (about 7 s, then kept).
MAX_BACKTEST = {"particles": 8192, "reps": 32, "repeats": 3}
#: The name messages give to scenario text posted to the API or typed in a page.
POSTED = "scenario.yaml"


def _field(path: Path, key: str, under: str | None = None) -> Any:
    """One top-level field of a shipped YAML file (under ``under``), or None if it cannot be read."""
    try:
        raw = read(path)
    except RecordError:
        return None
    if under is not None:
        raw = raw.get(under) if isinstance(raw, dict) else None
    return raw.get(key) if isinstance(raw, dict) else None


def _names(folder: Path) -> dict[str, Path]:
    """name (the file's stem) -> file, for the YAML files of a folder; empty if there is none."""
    try:
        return {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.is_file()}
    except OSError:
        return {}


@dataclass(eq=False)  # hashed by identity: its methods keep answers (lru_cache)
class Service:
    """The record, the law's folder and the shipped inputs, with the limits of one request."""

    record: Record
    scenarios_dir: Path
    overlays_dir: Path
    max_runs: int = MAX_RUNS
    max_text: int = MAX_TEXT
    #: at most this many simulations or backtests computed at once (the others wait): one per core
    busy: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(2))
    #: the record's answers as sent, by day, address and query string (:class:`csto.web.answer.KeptAnswers`)
    kept: Kept = field(default_factory=Kept)

    @classmethod
    def open(cls, data: Path | None = None, **limits: Any) -> Service:
        """Open (validating and compiling if needed) the record of ``data`` read-only, and find its inputs."""
        record = Record.open(data)
        # Never written through: the file is opened mode=ro by Record, and this refuses writes even if asked.
        record.db.execute("PRAGMA query_only = ON")
        base = Path(record.data_dir) if record.data_dir else Path.cwd()
        # What is loaded now lives as long as the process: out of the cyclic collector's sight, a full collection
        # under load walks only what requests made (one took 76 ms and set the API's p99 at 16 connections to
        # 93 ms; frozen: 3 ms and 43 ms).
        gc.collect()
        gc.freeze()
        return cls(record, base.parent / "scenarios", base / "treaty" / "overlays", **limits)

    # --- the shipped inputs ------------------------------------------------------------------------

    @functools.cached_property
    def scenario_files(self) -> dict[str, Path]:
        return _names(self.scenarios_dir)

    @functools.cached_property
    def overlay_files(self) -> dict[str, Path]:
        return _names(self.overlays_dir)

    def _shipped(self, files: dict[str, Path], name: str, what: str, shown_as: str) -> InlineDocument:
        key = name.removesuffix(".yaml")
        if key not in files:
            raise RequestProblem("unknown", f"unknown {what} {name!r}; expected one of {', '.join(files) or 'none'}",
                                 what, name, status=404)
        return InlineDocument(f"{shown_as}/{key}.yaml", read_text(files[key]))

    def scenario(self, name: str) -> InlineDocument:
        """A shipped scenario by name (``kazakhstan-2022-01``), as the text of its file."""
        return self._shipped(self.scenario_files, name, "scenario", self.scenarios_dir.name)

    def overlay(self, name: str) -> InlineDocument:
        """A shipped what-if overlay by name (``stand-aside``), as the text of its file."""
        return self._shipped(self.overlay_files, name, "overlay", f"{self.overlays_dir.parent.parent.name}/treaty/"
                                                                  f"{self.overlays_dir.name}")

    def scenario_list(self) -> list[dict[str, Any]]:
        """name, title, date and kind of each shipped scenario, as its file writes them (unchecked until used)."""
        return [{"name": name, **{k: _field(path, k) for k in ("title", "date", "kind")}}
                for name, path in self.scenario_files.items()]

    def overlay_list(self) -> list[dict[str, Any]]:
        """name, title and description of each shipped overlay."""
        return [{"name": name, **{k: _field(path, k, "overlay") for k in ("title", "description")}}
                for name, path in self.overlay_files.items()]

    @functools.cached_property
    def law(self) -> Law:
        return law_for(self.record)

    @functools.cached_property
    def schema(self) -> dict[str, Any]:
        """The scenario JSON Schema, with the law's kinds (the same as the shipped scenarios/schema.json)."""
        return scenario_schema(list(self.law.kinds))

    def posted(self, text: str | bytes, field: str = "body") -> InlineDocument:
        """Scenario text from a request (the body, or a page's text box), size-checked, as an inline document."""
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        if len(raw) > self.max_text:
            raise RequestProblem("input", f"{field}: the scenario's text is too large: {len(raw):,} bytes "
                                          f"(at most {self.max_text:,})", field, None, status=413)
        if not raw.strip():
            raise RequestProblem("input", f"{field}: no scenario given: post its text (YAML or JSON) or choose a "
                                          "shipped scenario by name", field, None)
        try:
            decoded = raw.decode("utf-8") if isinstance(text, bytes) else text
        except UnicodeDecodeError as exc:
            raise RequestProblem("input", f"{field}: not UTF-8 text at byte {exc.start}", field, None) from None
        return InlineDocument(POSTED, decoded)

    def choose(self, scenario: str | None, text: str | None, field: str = "text") -> InlineDocument:
        """The scenario of a request: its text when given, else the shipped one named."""
        if text is not None and text.strip():
            return self.posted(text, field)
        if scenario:
            return self.scenario(scenario)
        raise RequestProblem("usage", "scenario: choose a shipped scenario by name or give the scenario's text",
                             "scenario", None)

    # --- the slow answers, capped and kept ---------------------------------------------------------

    def check_runs(self, runs: int) -> None:
        if isinstance(runs, int) and runs > self.max_runs:
            raise RequestProblem("usage", f"runs: at most {self.max_runs:,} replications per request on the web "
                                          f"(got {runs:,}); run `csto simulate` on your own machine for more",
                                 "runs", runs)

    def simulate(self, scenario: InlineDocument, runs: int, seed: int, on: date | None,
                 overlay: InlineDocument | None) -> dict[str, Any]:
        """``answers.simulate`` with ``runs`` capped; an identical request gets the kept answer."""
        self.check_runs(runs)
        return self._simulate(scenario, runs, seed, on, overlay)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one Service per app, kept for the app's life
    def _simulate(self, scenario: InlineDocument, runs: int, seed: int, on: date | None,
                  overlay: InlineDocument | None) -> dict[str, Any]:
        with self.busy:
            return answers.simulate(self.record, scenario=scenario, runs=runs, seed=seed, on=on, overlay=overlay)

    def backtest(self, particles: int, reps: int, seed: int, repeats: int) -> dict[str, Any]:
        """``answers.backtest`` with its settings capped (:data:`MAX_BACKTEST`); the answer is kept."""
        for name, value in (("particles", particles), ("reps", reps), ("repeats", repeats)):
            cap = MAX_BACKTEST[name]
            if isinstance(value, int) and value > cap:
                raise RequestProblem("usage", f"{name}: at most {cap:,} on the web (got {value:,}); run "
                                              "`csto backtest` on your own machine for more", name, value)
        return self._backtest(particles, reps, seed, repeats)

    @functools.lru_cache(maxsize=8)  # noqa: B019 - as above
    def _backtest(self, particles: int, reps: int, seed: int, repeats: int) -> dict[str, Any]:
        with self.busy:
            return answers.backtest(self.record, particles=particles, reps=reps, seed=seed, repeats=repeats)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - as above: the record does not change while the app runs
    def pictures(self, names: tuple[str, ...], prefix: str, on: date | None) -> list[Any]:
        """The record's pictures ``names`` on ``on`` (:func:`csto.web.charts.of_record`), kept: a map takes seconds."""
        from . import charts

        return charts.of_record(list(names), self.record, prefix, on=on)

    def obligations(self, scenario: InlineDocument, on: date | None, overlay: InlineDocument | None) -> dict[str, Any]:
        return answers.obligations(self.record, scenario=scenario, on=on, overlay=overlay, law=self.law)

    def overlay_or_none(self, name: str | None) -> InlineDocument | None:
        return self.overlay(name) if name else None


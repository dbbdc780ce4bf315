"""`csto plot`: draw one of the pictures (:data:`csto.report.PICTURES`) to a file: SVG, PNG, PDF or its spec as JSON.

The command only translates: it parses the options, asks :func:`csto.report.picture` for the chart (which asks
:mod:`csto.answers` for the data, as ``csto <command> --format json`` would) and writes it with
:func:`csto.report.save`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import DataOpt, Format, FormatOpt, day, emit_answer, handles_errors, open_record, say

SHORT = "Draw a picture to SVG, PNG or PDF, or write its Vega-Lite spec as JSON."
#: How the command line spells each option a picture reads (:attr:`csto.report.Picture.needs`).
FLAGS = {"on": "--on", "orgs": "--org", "scenarios": "SCENARIO", "overlay": "--overlay", "runs": "--runs",
         "seed": "--seed", "particles": "--particles", "reps": "--reps", "repeats": "--repeats"}


def _help() -> str:
    from ..report import PICTURES, SUFFIXES

    listed = "\n\n".join(f"{name}: {p.description} Reads: {', '.join(FLAGS[n] for n in p.needs)}."
                           for name, p in PICTURES.items())
    return "\n\n".join([
        SHORT,
        f"WHAT is one of the pictures below; --to FILE names the file, its suffix the format ({', '.join(SUFFIXES)}; "
        "JSON is the spec itself, for vega-embed or to restyle). Every picture is built from the same JSON answers "
        "the commands print, so it shows what they say; it is written whole or not at all.",
        listed,
        "--on defaults to today for the record's pictures and to the event's date for a simulation; --org may be "
        "repeated (timeline: one row block per organization; overlap: the columns to draw). --runs defaults to "
        "10,000; the count is written on the chart. Examples: docs/pictures.md.",
    ])


def register(app: typer.Typer) -> None:
    @app.command("plot", help=_help())
    @handles_errors
    def plot(
        what: Annotated[str, typer.Argument(help="the picture: timeline, map, organs, overlap, simulation, whatif "
                                                 "or backtest")],
        scenarios: Annotated[list[Path] | None, typer.Argument(
            help="scenario YAML file(s) (simulation: one; whatif: one with --overlay, or two)")] = None,
        to: Annotated[Path | None, typer.Option("--to", help="the file to write: .svg, .png, .pdf or .json "
                                                             "(required)")] = None,
        on: Annotated[str | None, typer.Option("--on", help="the date, YYYY-MM-DD")] = None,
        org: Annotated[list[str] | None, typer.Option("--org", help="organization id (CSTO, CIS, EAEU, SCO, BRICS, "
                                                                   "NATO...); may be repeated")] = None,
        overlay: Annotated[Path | None, typer.Option("--overlay", help="a treaty what-if overlay file "
                                                                      "(data/treaty/overlays/)")] = None,
        runs: Annotated[int | None, typer.Option("--runs", "-n", help="replications per simulation "
                                                                      "(default 10,000)")] = None,
        seed: Annotated[int | None, typer.Option("--seed", "-s", help="random seed (>= 0; default 0)")] = None,
        particles: Annotated[int | None, typer.Option("--particles", help="backtest: parameter sets "
                                                                          "(default 8,192)")] = None,
        reps: Annotated[int | None, typer.Option("--reps", help="backtest: replications per parameter set and "
                                                                "case (default 32)")] = None,
        repeats: Annotated[int | None, typer.Option("--repeats", help="backtest: calibrations averaged "
                                                                      "(default 3)")] = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        from .. import report
        from ..errors import UsageError

        if what not in report.PICTURES:
            raise UsageError(f"unknown picture {what!r}: expected one of {', '.join(report.PICTURES)}")
        if to is None:
            raise UsageError("--to FILE is required: the file to write (.svg, .png, .pdf or .json)")
        suffix = report.suffix_of(to)  # a bad suffix is refused before any work is done
        when = day(on, "--on")
        options = {"on": when, "orgs": [o.upper() for o in org or []], "scenarios": list(scenarios or []),
                   "overlay": overlay, "runs": runs, "seed": seed, "particles": particles, "reps": reps,
                   "repeats": repeats}
        needs = report.PICTURES[what].needs
        extra = [FLAGS[k] for k, v in options.items() if k not in needs and v not in (None, [])]
        if extra:
            raise UsageError(f"plot {what}: does not take {', '.join(extra)} (it reads "
                             f"{', '.join(FLAGS[k] for k in needs)})")
        record = open_record(data)
        chart = report.picture(what, record, **options)
        written = report.save(chart, to)
        if format == Format.json:
            emit_answer("plot", {"what": what, "scenarios": [str(s) for s in scenarios or []], "on": when,
                                 "org": org or [], "overlay": overlay, "runs": runs, "seed": seed,
                                 "particles": particles, "reps": reps, "repeats": repeats, "to": to}, record,
                        {"picture": what, "file": str(written), "format": suffix.lstrip("."),
                         "bytes": written.stat().st_size})
            return
        say(str(written))

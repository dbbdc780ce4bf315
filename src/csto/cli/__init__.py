"""The ``csto`` command line. This module only wires; each group of commands lives in its own module.

Every command is registered lazily (:data:`LAZY`): its module (and with it the record, the treaty, numpy
or the simulation) is imported only when it runs, and ``csto --help`` imports none, so the command line
starts fast (docs/benchmarks.md, "Start-up").
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__
from . import common

#: Every command, in the order ``csto --help`` lists them: name -> (module, one-line help for ``csto --help``).
#: The module is imported only when the command runs; it registers its commands with ``register(app)``. The
#: one-line help is the first paragraph of the command's own help (tests/test_startup.py checks they agree).
LAZY = {
    "members": ("csto.cli.record", "Who was a member (or observer, partner, former member...) on a date."),
    "history": ("csto.cli.record", "A state's status periods and dated acts in every organization."),
    "timeline": ("csto.cli.record", "Every state's status periods in an organization, drawn as bars."),
    "organs": ("csto.cli.record", "The organs of the CSTO and their hierarchy: composition, function, decision rule, "
                                  "cadence."),
    "who": ("csto.cli.record", "Who held an office on a date."),
    "events": ("csto.cli.record", "Everything dated in a period: milestones, acts, summits, exercises, missions, "
                                  "crises."),
    "conflicts": ("csto.cli.record", "Where the sources disagree, every claim with its source, and the value the "
                                     "record prefers and why."),
    "sources": ("csto.cli.record",
                "The sources the record cites: every one, or those of one kind and/or matching a text."),
    "overlap": ("csto.cli.record", "States x organizations on a date: who belongs to what."),
    "export": ("csto.cli.record", "Write the whole record to DIR (CSV files, one JSON file or the SQLite file), or a "
                                  "research panel\n(state-year, state-day, dyad-year, atop-members) as CSV, Parquet or "
                                  "Stata with datapackage.json and CITATION.cff."),
    "check": ("csto.cli.record", "Validate the record and count what it holds."),
    "tour": ("csto.cli.record", "A short tour of the record: members today, the membership timeline, the organs."),
    "forces": ("csto.cli.alliance", "The collective forces on a date: members, strength (the latest figure, carried "
                                    "forward), contributions."),
    "budget": ("csto.cli.alliance", "Shares of the CSTO's budget on a date, and the benefits of membership the "
                                    "sources name."),
    "crises": ("csto.cli.alliance", "Every crisis in the record: who was asked for what, what the CSTO did and when "
                                    "it decided."),
    "missions": ("csto.cli.alliance", "Every CSTO mission: host, kind, dates, personnel and each state's "
                                      "contingent."),
    "exercises": ("csto.cli.alliance", "Joint exercises whose dates overlap a period (default: all): host, "
                                       "participants, status (held, cancelled, moved, planned)."),
    "obligations": ("csto.cli.treaty", "What the Treaty and the Charter require for an event: obligations, flags "
                                       "and a trace."),
    "article": ("csto.cli.treaty", "One article: every version (or the one in force on --on), its text, sources "
                                   "and effects."),
    "articles": ("csto.cli.treaty", "The articles this model holds, with the version in force on --on (default: "
                                    "every version)."),
    "simulate": ("csto.cli.sim", "Monte Carlo of one crisis: outcome probabilities, timings, personnel and cost "
                                 "by state, who blocks."),
    "backtest": ("csto.cli.sim", "Every historical crisis predicted leave-one-case-out and scored (Brier, log, "
                                 "CRPS) beside baselines."),
    "calibrate": ("csto.cli.sim", "Calibrate the crisis model on every crisis in the record and write the "
                                  "posterior it simulates from."),
    "sweep": ("csto.cli.sweep", "Run scenarios over a parameter grid: one row per scenario and grid point (same "
                                "numbers on any backend)."),
    "sensitivity": ("csto.cli.sensitivity", "Global sensitivity (Sobol' indices, SALib) of a crisis's outcome to the "
                                            "model's inputs."),
    "compare": ("csto.cli.compare", "The CSTO beside NATO, the SCO, the Russia-Armenia and Union State treaties: "
                                    "duties and ATOP-style coding."),
    "plot": ("csto.cli.plot", "Draw a picture to SVG, PNG or PDF, or write its Vega-Lite spec as JSON."),
    "exercise": ("csto.cli.exercise", "A classroom crisis exercise: the class plays the Collective Security Council; "
                                      "the model umpires and debriefs (docs/exercise.md)."),
    "serve": ("csto.cli.serve", "Serve the pages and the JSON API (same fields as --format json) on this machine; "
                                "the record is opened read-only. Binds 127.0.0.1 unless --host says otherwise. "
                                "docs/web.md"),
    "site": ("csto.cli.serve", "The pages as a static folder that opens from file:// (for a classroom without a "
                               "server)."),
}


class _Group(TyperGroup):
    """The top-level command: lazy sub-commands, and the error contract (README, "Errors") for what Click rejects."""

    _listing = False

    def list_commands(self, ctx) -> list[str]:
        return [*LAZY, *(name for name in super().list_commands(ctx) if name not in LAZY)]

    def get_command(self, ctx, name: str):
        if name not in LAZY or name in self.commands:
            return super().get_command(ctx, name)
        module, short = LAZY[name]
        if self._listing:  # `csto --help`: the one-line help, without importing the module
            return TyperCommand(name, help=short, callback=lambda: None)
        sub = typer.Typer()
        importlib.import_module(module).register(sub)
        # Build only the command asked for (Typer inspects every parameter of every command it builds); a module
        # that registers a group of commands (`csto exercise ...`) is built whole.
        found = [info for info in sub.registered_commands
                 if info.callback and (info.name or typer.main.get_command_name(info.callback.__name__)) == name]
        if found and not sub.registered_groups:
            command = typer.main.get_command_from_info(found[0], pretty_exceptions_short=sub.pretty_exceptions_short,
                                                       rich_markup_mode=sub.rich_markup_mode)
        else:
            command = typer.main.get_group(sub).commands[name]
        self.add_command(command, name)
        return command

    def format_help(self, ctx, formatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            rv = super().main(argv, prog_name or "csto", complete_var, standalone_mode=False,
                              windows_expand_args=windows_expand_args, **extra)
            code = rv if isinstance(rv, int) and not isinstance(rv, bool) else 0
        except typer.TyperException as exc:  # Click's (vendored by Typer): an unknown option, a bad --format...
            code = common.report(common.UsageError(_usage(exc)), _wants_json(argv))
        except typer.Abort:
            code = 130
        except BrokenPipeError:
            common._quiet_broken_pipe(common.console)
        except Exception as exc:  # noqa: BLE001 - e.g. a lazy command's module fails to import: a bug, reported
            code = common.report(exc, _wants_json(argv))
        if standalone_mode:
            sys.exit(code)
        return code


def _usage(exc: Exception) -> str:
    ctx = getattr(exc, "ctx", None)
    where = f"{ctx.command_path} " if ctx is not None and ctx.command_path else "csto "
    message = (exc.format_message() if hasattr(exc, "format_message") else str(exc)).replace("Value error, ", "")
    return f"{message} (see `{where.strip()} --help`)"


def _wants_json(argv: list[str]) -> bool:
    """True when the command line asks for ``--format json`` (Click may have stopped before reading it)."""
    for i, arg in enumerate(argv):
        if arg in ("--format", "-f") and argv[i + 1:i + 2] == ["json"]:
            return True
        if arg in ("--format=json", "-fjson"):
            return True
    return False


app = typer.Typer(
    name="csto",
    cls=_Group,
    help="An executable model of the Collective Security Treaty Organization: its sourced record, "
         "its treaty as rules, and crisis simulations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"csto {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="on a bug (exit code 1), print the traceback "
                                                        "(also CSTO_DEBUG=1)")] = False,
) -> None:
    common.set_debug(debug)


def main() -> None:
    """The ``csto`` command. When it is done the process ends: every object it made is frozen out of the cyclic
    garbage collector first (``gc.freeze``), so that the interpreter's shutdown does not sweep the thousands of
    objects the libraries built at import, about 40 ms of every command (docs/benchmarks.md, "Start-up"); exit
    handlers and the flushing of output run as ever."""
    try:
        app()
    finally:
        gc.freeze()

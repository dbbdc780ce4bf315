"""The ``csto`` command line. This module only wires; each group of commands lives in its own module.

The simulation's commands are registered lazily (:data:`LAZY`): their modules, numpy and the
simulation are imported only when one of them runs, so ``csto --help`` and the record and treaty
commands start fast (docs/benchmarks.md, "Start-up").
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from .. import __version__
from . import alliance as _alliance
from . import common
from . import record as _record
from . import treaty as _treaty

#: Commands whose module is imported only when they run: name -> (module, one-line help for ``csto --help``).
LAZY = {
    "simulate": ("csto.cli.sim", "Monte Carlo of one crisis: outcome probabilities, timings, personnel and cost "
                                 "by state, who blocks."),
    "backtest": ("csto.cli.sim", "Every historical crisis predicted leave-one-case-out and scored (Brier, log, "
                                 "CRPS) beside baselines."),
    "calibrate": ("csto.cli.sim", "Calibrate the crisis model on every crisis in the record and write the "
                                  "posterior it simulates from."),
    "sweep": ("csto.cli.sweep", "Run scenarios over a parameter grid: one row per scenario and grid point."),
    "sensitivity": ("csto.cli.sensitivity", "Sobol' indices: which inputs move a crisis's outcome most (SALib)."),
    "compare": ("csto.cli.compare", "The CSTO beside NATO, the SCO and two bilateral treaties, with ATOP-style codings."),
    "plot": ("csto.cli.plot", "Draw a picture to SVG, PNG or PDF, or write its Vega-Lite spec as JSON."),
    "exercise": ("csto.cli.exercise", "A classroom crisis exercise: create a game, show, export and replay it."),
    "serve": ("csto.cli.serve", "Serve the pages and the JSON API on this machine (127.0.0.1:8000 by default)."),
    "site": ("csto.cli.serve", "The pages as a static folder that opens from file:// (csto site build DIR)."),
}


class _Group(TyperGroup):
    """The top-level command: lazy sub-commands, and the error contract (README, "Errors") for what Click rejects."""

    _listing = False

    def list_commands(self, ctx) -> list[str]:
        return [*super().list_commands(ctx), *(name for name in LAZY if name not in self.commands)]

    def get_command(self, ctx, name: str):
        if name not in LAZY or name in self.commands:
            return super().get_command(ctx, name)
        module, short = LAZY[name]
        if self._listing:  # `csto --help`: the one-line help, without importing the module
            return TyperCommand(name, help=short, callback=lambda: None)
        sub = typer.Typer()
        importlib.import_module(module).register(sub)
        for command in typer.main.get_group(sub).commands.values():
            self.add_command(command)
        return self.commands[name]

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


# Each layer's commands register here, one line each (keep this list flat); the simulation's are in LAZY.
_record.register(app)
_alliance.register(app)
_treaty.register(app)


def main() -> None:
    app()

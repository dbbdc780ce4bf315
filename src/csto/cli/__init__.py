"""The ``csto`` command line. This module only wires; each group of commands lives in its own module."""

from __future__ import annotations

import typer

from . import record as _record

app = typer.Typer(
    name="csto",
    help="An executable model of the Collective Security Treaty Organization: its sourced record, "
         "its treaty as rules, and crisis simulations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_record.register(app)
# Each layer's commands register here, one line each (keep this list flat):
from . import treaty as _treaty; _treaty.register(app)  # noqa: E402,E702
from . import sim as _sim; _sim.register(app)  # noqa: E402,E702
from . import sweep as _sweep; _sweep.register(app)  # noqa: E402,E702


def main() -> None:
    app()

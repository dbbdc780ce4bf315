"""What every command shares: the output format, the data option, and errors turned into exit codes.

Exit codes (DESIGN.md): 0 success, 2 a user's bad input (with a one-line message
naming file, line and field where there is one), 1 anything else. No traceback
reaches the user.
"""

from __future__ import annotations

import enum
import functools
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Callable

import typer
from rich.console import Console
from rich.table import Table

from ..record import Record, RecordError
from ..record.dates import DateError, parse_day

console = Console()
err_console = Console(stderr=True)


class Format(str, enum.Enum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table (default, for people) or json (stable fields, see README)")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="record directory (default: $CSTO_DATA or the shipped data/)")]


class UserError(ValueError):
    """Bad input from the user, reported with exit code 2."""


USER_ERRORS = (RecordError, DateError, UserError, LookupError, ValueError, FileNotFoundError)


def handles_errors(func: Callable) -> Callable:
    """Turn library errors into a one-line message and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except USER_ERRORS as exc:
            err_console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except Exception as exc:  # noqa: BLE001 - the edge of the program: report, never a traceback
            err_console.print(f"[red]internal error:[/red] {type(exc).__name__}: {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def day(text: str | None, option: str):
    """Parse a --on/--from/--to value, naming the option on error."""
    if text is None:
        return None
    try:
        return parse_day(text)
    except DateError as exc:
        raise UserError(f"{option}: {exc}") from None


def open_record(data: Path | None) -> Record:
    return Record.open(data)


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> Table:
    t = Table(title=title, show_lines=False, title_justify="left")
    for i, c in enumerate(columns):
        t.add_column(c, overflow="fold", no_wrap=i == 0)  # the first column is a key: never broken
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    return t

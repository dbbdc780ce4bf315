"""What every command shares: the output format, the data option, and errors turned into exit codes.

Exit codes (DESIGN.md): 0 success, 2 a user's bad input (an instance of one of the project's own
error classes, :class:`csto.errors.CstoError`), 1 a bug (any other exception). No traceback reaches
the user unless asked for (``--debug`` or ``CSTO_DEBUG=1``). Under ``--format json`` an error is
JSON on stdout, ``{"ok": false, "error": {...}}`` (README, "Errors").

No text from a user or a file goes through Rich markup or emoji codes: tables take
:class:`rich.text.Text` cells, messages go through :func:`say`, and errors are written to
stderr as plain text.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from .layout import Grid, Paragraph

if TYPE_CHECKING:
    from ..errors import UsageError
    from ..record import Record

    UserError = UsageError

#: Where a bug is reported (README, "Reporting a bug").
REPORT = "report it with the command you ran and the output of `csto --version` (README, \"Reporting a bug\")"


def _quiet_broken_pipe(self: Console) -> None:
    """The reader of our output went away (``csto members | head -1``): that is success, not an error."""
    self.quiet = True
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # nothing more can be written, and nothing fails at exit
    raise SystemExit(0)


# Rich exits 1 on a broken pipe; every Rich console in this process (ours and Typer's help) exits 0.
Console.on_broken_pipe = _quiet_broken_pipe  # type: ignore[method-assign]

console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)


class Format(str, enum.Enum):
    table = "table"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table (default, for people) or json (stable fields, see README)")]
OnOpt = Annotated[str | None, typer.Option("--on", help="the date to ask about, YYYY-MM-DD (default: today)")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="record directory (default: $CSTO_DATA or the shipped data/)")]

_DEBUG = {"on": os.environ.get("CSTO_DEBUG", "") not in ("", "0")}


def set_debug(on: bool) -> None:
    """``--debug``: print the traceback of a bug."""
    _DEBUG["on"] = _DEBUG["on"] or on


def is_user_error(exc: BaseException) -> bool:
    """True for the project's own error classes (:class:`csto.errors.CstoError`): the user's bad input,
    exit 2. Anything else, a ``ValueError`` or ``KeyError`` from a bug included, is a bug (exit 1)."""
    from ..errors import CstoError

    return isinstance(exc, CstoError)


def error_dict(exc: BaseException) -> dict:
    """The ``error`` object of a JSON answer: kind, message, file, line, field, value."""
    from ..errors import CstoError

    if isinstance(exc, CstoError):
        return exc.as_dict()
    if is_user_error(exc):
        kind = "unknown" if isinstance(exc, LookupError) else "input"
        return {"kind": kind, "message": str(exc), "file": None, "line": None, "field": None, "value": None}
    return {"kind": "bug", "message": bug_message(exc), "file": None, "line": None, "field": None, "value": None}


def bug_message(exc: BaseException) -> str:
    text = str(exc)
    text = text if len(text) <= 200 else text[:197] + "..."
    return (f"internal error: this is a bug in csto, not a problem with your input ({type(exc).__name__}: {text}); "
            f"please {REPORT}. Run again with --debug or CSTO_DEBUG=1 to see the traceback.")


def report(exc: BaseException, as_json: bool) -> int:
    """Write ``exc`` for the user (JSON on stdout, or plain text on stderr) and return its exit code."""
    user = is_user_error(exc)
    if not user and _DEBUG["on"]:
        traceback.print_exception(exc, file=sys.stderr)
    if as_json:
        sys.stdout.write(json.dumps({"ok": False, "error": error_dict(exc)}, ensure_ascii=False, indent=2) + "\n")
    elif user:
        sys.stderr.write("".join(f"error: {line}\n" for line in str(exc).splitlines() or [type(exc).__name__]))
    else:
        sys.stderr.write(f"error: {bug_message(exc)}\n")
    sys.stdout.flush()
    return 2 if user else 1


def handles_errors(func: Callable) -> Callable:
    """Turn errors into the documented output and exit code; a bug never shows as the user's fault."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, SystemExit):
            raise
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        except BrokenPipeError:
            _quiet_broken_pipe(console)
        except Exception as exc:  # noqa: BLE001 - the edge of the program: report, never a bare traceback
            raise typer.Exit(report(exc, kwargs.get("format") == Format.json)) from None

    return wrapper


def say(*parts: str | tuple[str, str]) -> None:
    """Print one line for people; a part is plain text or (text, style). Nothing is read as markup."""
    console.print(Text.assemble(*parts))


def paragraph(*parts: str | tuple[str, str] | Text, indent: int = 0, hang: int = 2) -> None:
    """Print text for people wrapped to the terminal, indented by ``indent``, its continuation lines by ``hang``
    more (a part is plain text or (text, style); nothing is read as markup)."""
    console.print(Paragraph(Text.assemble(*parts), indent, hang))


def day(text: str | None, option: str):
    """Parse a --on/--from/--to value, naming the option on error."""
    if text is None:
        return None
    from ..record.dates import DateError, parse_day

    try:
        return parse_day(text)
    except DateError as exc:
        raise DateError(f"{option}: {exc}") from None


def on_or_today(text: str | None) -> date:
    """The --on date, today when it is not given."""
    return day(text, "--on") or date.today()


def open_record(data: Path | None) -> Record:
    from ..record import Record

    return Record.open(data)


def __getattr__(name: str) -> Any:
    """``UserError`` (bad input from the user, exit code 2: :class:`csto.errors.UsageError`, the name the command
    modules import) and ``Record``, imported when first asked for: ``csto --help`` needs neither, and they bring
    pydantic and the record's models (docs/benchmarks.md, "Start-up")."""
    if name in ("UserError", "UsageError"):
        from ..errors import UsageError

        return UsageError
    if name == "Record":
        from ..record import Record

        return Record
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def emit_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


def emit_answer(command: str, question: dict[str, Any], record: Record | None, result: Any) -> None:
    """Print a JSON answer (:func:`csto.answers.answer`) built here, for a command that is an action, not a question."""
    from ..answers import answer

    emit_json(answer(command, question, record, result))


def cite(sources: Any, limit: int = 2) -> str:
    """Source ids for a table cell: the first few, then a count (JSON output keeps them all)."""
    ids = list(dict.fromkeys(getattr(r, "id", r) for r in sources))
    shown = ", ".join(ids[:limit])
    return shown + (f" +{len(ids) - limit}" if len(ids) > limit else "")


def cell(value: Any) -> Text:
    """A table cell or title: the value as plain text (``[/x]`` in a value is printed, not parsed)."""
    return value if isinstance(value, Text) else Text("" if value is None else str(value))


def table(title: str | Text | None, columns: list[str], rows: list[list[Any]], compact: bool = False) -> Grid:
    """A table for people, laid out for the terminal's width when printed (:mod:`csto.cli.layout`: no word split
    but a long URL's, no column dropped, no line too long); ``compact`` draws no box."""
    return Grid(cell(title) if title is not None else None, [cell(c) for c in columns],
                [[cell(v) for v in r] for r in rows], compact)

"""Every question the faces answer, as one library call each (DESIGN.md: "a face adds no logic").

``csto.answers.<command>(record, **question)`` returns the whole JSON answer of ``csto <command> --format json``
(README, "JSON answers"): ``{"ok": true, "command", "question", "csto_version", "record_hash", "result"}``.
The command line prints it; the HTTP API returns it as is; the pages and pictures read its ``result``.
Arguments are parsed values (dates as :class:`datetime.date`); bad input raises the project's errors
(:mod:`csto.errors`), which each face reports in its own way with the same shape.

The simulation's answers load numpy and the model only when first called (module ``__getattr__``), so
the record's commands start quickly.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from ..record import Record

#: command -> the module of this package that answers it.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("members", "history", "timeline", "organs", "who", "events", "conflicts", "sources", "overlap",
                     "check"), "record"),
    **dict.fromkeys(("forces", "budget", "crises", "missions", "exercises"), "alliance"),
    **dict.fromkeys(("obligations", "article", "articles", "compare"), "treaty"),
    **dict.fromkeys(("simulate", "backtest", "sweep", "sensitivity"), "sim"),
}


def record_hash(record: Record | None) -> str | None:
    """The content hash of the YAML ``record`` was compiled from (``meta.content_hash`` in its SQLite file)."""
    if record is None:
        return None
    row = record.db.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    return row[0] if row else None


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    name = getattr(value, "name", None)  # a scenario given as text: its name stands for the file
    return name if isinstance(name, str) and hasattr(value, "text") else value


def answer(command: str, question: dict[str, Any], record: Record | str | None, result: Any) -> dict[str, Any]:
    """A JSON answer: what was asked (dates as YYYY-MM-DD, paths as text), with what it was computed, the result.

    ``record`` is the open record, or the hash of the record the result was computed with when that is not the one
    on disk now (a game defined with an earlier record keeps its own).
    """
    computed_with = record if isinstance(record, str) else record_hash(record)
    return {"ok": True, "command": command, "question": {k: _plain(v) for k, v in question.items()},
            "csto_version": __version__, "record_hash": computed_with, "result": result}


def __getattr__(name: str) -> Any:
    if name in COMMANDS:
        return getattr(importlib.import_module(f"{__name__}.{COMMANDS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "answer", "record_hash"]

"""Write the record out for other tools: CSV (one file per section), JSON (one file), or the SQLite file."""

from __future__ import annotations

import csv
import ctypes
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import RecordError, UsageError
from .model import SECTIONS
from .query import Record

FORMATS = ("csv", "json", "sqlite")
#: CSV headers in the vocabulary of every answer (the SQLite file keeps ``valid_from``/``valid_to``: ``from``
#: is an SQL keyword).
CSV_NAMES = {"valid_from": "from", "valid_to": "to"}


def export(record: Record, to: str, directory: str | Path) -> list[Path]:
    """Export ``record`` to ``directory`` in format ``to``; returns the files written.

    The whole export is written to a folder beside ``directory`` and swapped in with one rename
    (``renameat2(RENAME_EXCHANGE)`` where the system has it), so ``directory`` holds either the
    earlier export or the new one, never a mix, whatever stops the process. Files of an earlier
    export in another format are carried over. ``directory`` may hold nothing else.
    """
    if to not in FORMATS:
        raise UsageError(f"--to: unknown export format {to!r}: expected one of {', '.join(FORMATS)}")
    directory = Path(directory)
    names = _names(to)

    def fill(tmp: Path) -> None:
        earlier = _earlier_export(directory)
        _WRITERS[to](record, tmp)
        for path in earlier:
            if path.name not in names:
                shutil.copy2(path, tmp / path.name)

    write_atomically(directory, fill)
    return [directory / name for name in names]


def write_atomically(directory: Path, fill: Callable[[Path], None]) -> None:
    """Write a folder whole or not at all: ``fill`` writes into a fresh folder beside ``directory``, which
    then takes its place in one rename (an exchange where the system has one); a failure leaves the
    earlier folder as it was and nothing half-written beside it."""
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}.csto-export-"))
        try:
            fill(tmp)
            if directory.exists():
                _swap(tmp, directory)
            else:
                os.rename(tmp, directory)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # after a swap it holds the earlier export
    except OSError as exc:
        raise RecordError(directory, None, "DIR",
                          f"cannot write the export: {(exc.strerror or type(exc).__name__).lower()}") from None


def _names(to: str) -> list[str]:
    return {"sqlite": ["csto.sqlite"], "json": ["csto.json"],
            "csv": [f"{s}.csv" for s in [*SECTIONS, "fact_sources"]]}[to]


def _earlier_export(directory: Path) -> list[Path]:
    """The files of an earlier export in ``directory``; a RecordError if it holds anything else."""
    if not directory.exists():
        return []
    if not directory.is_dir():
        raise RecordError(directory, None, "DIR", "exists and is not a directory")
    ours = {name for to in FORMATS for name in _names(to)}
    found = sorted(directory.iterdir())
    for path in found:
        if path.is_dir() and path.name in ours:
            raise RecordError(path, None, "DIR", "is a directory; refusing to replace it")
        if path.name not in ours or not path.is_file():
            raise RecordError(directory, None, "DIR", f"holds {path.name!r}, which is not part of an export: "
                                                      "export into a new or empty directory")
    return found


def _swap(new: Path, old: Path) -> None:
    """Exchange two directories in one step where the system can; else two renames, the gap as short as can be."""
    if _exchange(new, old):
        return
    aside = new.with_name(new.name + ".old")
    os.rename(old, aside)
    os.rename(new, old)
    os.rename(aside, new)


def _exchange(a: Path, b: Path) -> bool:
    """Linux ``renameat2(a, b, RENAME_EXCHANGE)``; False where it is not available."""
    if sys.platform != "linux":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _sqlite(record: Record, out: Path) -> None:
    shutil.copyfile(record.path, out / "csto.sqlite")


def _json(record: Record, out: Path) -> None:
    payload = {s: [json.loads(r["json"]) for r in record.db.execute(f'SELECT json FROM "{s}" ORDER BY rowid')]
               for s in SECTIONS}
    (out / "csto.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _csv(record: Record, out: Path) -> None:
    for section in [*SECTIONS, "fact_sources"]:
        cur = record.db.execute(f'SELECT * FROM "{section}" ORDER BY rowid')
        cols = [d[0] for d in cur.description if d[0] != "json"]
        with (out / f"{section}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow([CSV_NAMES.get(c, c) for c in cols])
            for row in cur:
                writer.writerow([row[c] for c in cols])


_WRITERS = {"sqlite": _sqlite, "json": _json, "csv": _csv}

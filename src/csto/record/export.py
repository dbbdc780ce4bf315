"""Write the record out for other tools: CSV (one file per section), JSON (one file), or the SQLite file."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
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

    Everything is written to a temporary folder beside ``directory`` first and moved in only when
    complete, so a failure leaves no half-written export behind.
    """
    if to not in FORMATS:
        raise UsageError(f"--to: unknown export format {to!r}: expected one of {', '.join(FORMATS)}")
    directory = Path(directory)
    names = {"sqlite": ["csto.sqlite"], "json": ["csto.json"],
             "csv": [f"{s}.csv" for s in [*SECTIONS, "fact_sources"]]}[to]
    try:
        if directory.exists() and not directory.is_dir():
            raise RecordError(directory, None, "DIR", "exists and is not a directory")
        for name in names:
            if (directory / name).is_dir():
                raise RecordError(directory / name, None, "DIR", "is a directory; refusing to replace it")
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=directory, prefix=".csto-export-") as tmp:
            _WRITERS[to](record, Path(tmp))
            for name in names:
                os.replace(Path(tmp) / name, directory / name)
    except OSError as exc:
        raise RecordError(directory, None, "DIR", f"cannot write the export: {(exc.strerror or type(exc).__name__).lower()}") from None
    return [directory / name for name in names]


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

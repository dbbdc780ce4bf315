"""Write the record out for other tools: CSV (one file per section), JSON (one file), or the SQLite file."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from .model import SECTIONS
from .query import Record

FORMATS = ("csv", "json", "sqlite")


def export(record: Record, to: str, directory: str | Path) -> list[Path]:
    """Export ``record`` to ``directory`` in format ``to``; returns the files written."""
    if to not in FORMATS:
        raise ValueError(f"--to: unknown export format {to!r}: expected one of {', '.join(FORMATS)}")
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ValueError(f"{directory}: exists and is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    if to == "sqlite":
        target = directory / "csto.sqlite"
        shutil.copyfile(record.path, target)
        return [target]
    if to == "json":
        target = directory / "csto.json"
        payload = {s: [json.loads(r["json"]) for r in record.db.execute(f'SELECT json FROM "{s}" ORDER BY rowid')]
                   for s in SECTIONS}
        target.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return [target]
    written = []
    for section in [*SECTIONS, "fact_sources"]:
        cur = record.db.execute(f'SELECT * FROM "{section}" ORDER BY rowid')
        cols = [d[0] for d in cur.description if d[0] != "json"]
        target = directory / f"{section}.csv"
        with target.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(cols)
            for row in cur:
                writer.writerow([row[c] for c in cols])
        written.append(target)
    return written


__all__ = ["export", "FORMATS"]

"""Write the record out for other tools: CSV (one file per section), JSON (one file), or a typed SQLite file.

The SQLite export is not the compiled cache (``store.py``, built for the record's own queries, with JSON in
cells) but a file made for Datasette and any SQL tool with sqlite-utils: declared column types, a primary key
on every table, foreign keys to ``states``, ``organizations``, ``sources``, ... (exactly the references the
loader checks), lists exploded into link tables, no JSON in any cell. docs/sqlite.md describes its tables.
"""

from __future__ import annotations

import csv
import ctypes
import json
import os
import shutil
import sys
import tempfile
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from pydantic import BaseModel

from .. import __version__
from ..errors import RecordError, UsageError
from . import dates
from .load import ID_FIELDS, REFERENCES, SOURCE_PATHS
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
        earlier = earlier_export(directory, {name for kind in FORMATS for name in _names(kind)})
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


def earlier_export(directory: Path, ours: set[str], what: str = "an export") -> list[Path]:
    """The files of an earlier export in ``directory``, each one of ``ours``; a RecordError if it holds anything
    else, or if it cannot be read (a name too long, no permission: the user's path, said as such)."""
    try:
        if not directory.exists():
            return []
        if not directory.is_dir():
            raise RecordError(directory, None, "DIR", "exists and is not a directory")
        found = sorted(directory.iterdir())
        for path in found:
            if path.is_dir() and path.name in ours:
                raise RecordError(path, None, "DIR", "is a directory; refusing to replace it")
            if path.name not in ours or not path.is_file():
                raise RecordError(directory, None, "DIR", f"holds {path.name!r}, which is not part of {what}: "
                                                          "export into a new or empty directory")
    except OSError as exc:
        raise RecordError(directory, None, "DIR",
                          f"cannot write the export: {(exc.strerror or type(exc).__name__).lower()}") from None
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


# --- the typed SQLite file -------------------------------------------------------------------------------

#: Version of the typed file's layout (the ``meta`` table's ``layout``): raised when a table or column changes.
SQLITE_LAYOUT = "3"  # 2: exercises.status; 3: formations' headquarters and base, fact_sources.field
#: Tables with a full-text index (Datasette offers a search box on them) and the columns indexed.
FULL_TEXT = {"sources": ["title", "author", "publisher", "citation", "note"], "events": ["title", "description"],
             "opinions": ["speaker", "statement"], "conflicts": ["question", "preferred", "why"]}


@dataclass
class _Column:
    name: str
    type: type  # str, int, float or bool (sqlite-utils declares TEXT, INTEGER, FLOAT, INTEGER)
    nullable: bool
    get: Callable[[Any], Any]
    references: str | None = None  # the table whose primary key this column names


@dataclass
class _Table:
    """A table's layout: its columns (each read from an item by ``get``) and the link tables of its list fields."""

    name: str
    key: dict[str, type]  # the primary key's columns and their types
    columns: list[_Column] = field(default_factory=list)
    children: list[tuple[_Table, Callable[[Any], list]]] = field(default_factory=list)
    parent_key: list[str] = field(default_factory=list)  # the columns naming the owning row, when a link table
    owner: tuple[str, list[str]] | None = None  # the owning table and its key, when a link table

    def columns_typed(self) -> dict[str, type]:
        return {c.name: c.type for c in self.columns}


def _singular(name: str) -> str:
    return "crisis" if name == "crises" else name[:-1] if name.endswith("s") else name


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """``annotation`` without ``Annotated`` and ``| None``; and whether None is allowed."""
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(typing.get_args(annotation))
            (annotation,) = args
        elif origin is typing.Literal:
            return type(typing.get_args(annotation)[0]), nullable
        else:
            return annotation, nullable


def _target(section: str, path: str) -> str | None:
    """The table a value at ``path`` of ``section`` refers to (the loader's references), or None."""
    if path in SOURCE_PATHS:
        return "sources"
    return dict(REFERENCES.get(section, [])).get(path)


def _lay_out(table: _Table, model: type[BaseModel], section: str, path: str = "", prefix: str = "",
             get: Callable[[Any], Any] = lambda item: item, nullable: bool = False) -> None:
    """Add ``model``'s fields to ``table``: scalars as columns, nested objects as prefixed columns, lists as link
    tables. ``get`` reads the object holding these fields from the table's item (None when it is absent)."""
    for name, info in model.model_fields.items():
        annotation, optional = _unwrap(info.annotation)
        at = f"{path}{name}"

        def read(item: Any, name: str = name) -> Any:
            holder = get(item)
            return None if holder is None else getattr(holder, name)

        if name in ("start", "end") and not path:  # a period's ends, as written and resolved to days
            written, day, resolve = (("valid_from", "from_day", dates.first_day) if name == "start"
                                     else ("valid_to", "to_day", dates.last_day))
            table.columns += [_Column(written, str, optional, read), _Column(day, str, optional, _day(read, resolve))]
        elif typing.get_origin(annotation) is list:
            child = _link_table(table, section, f"{prefix}{name}", at, typing.get_args(annotation)[0])
            table.children.append((child, _items(read)))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _lay_out(table, annotation, section, f"{at}.", f"{prefix}{name}_", read, nullable or optional)
        else:  # a source reference's id is the source: named so in its link table (a place's sources' too)
            column = "source" if at == "sources.id" or at.endswith(".sources.id") else f"{prefix}{name}"
            table.columns.append(_Column(column, annotation, nullable or optional, read, _target(section, at)))


def _day(read: Callable[[Any], Any], resolve: Callable[[str], Any]) -> Callable[[Any], str | None]:
    """Read a date text and resolve it to a day (ISO), None staying None."""
    return lambda item: None if read(item) is None else resolve(read(item)).isoformat()


def _items(read: Callable[[Any], Any]) -> Callable[[Any], list]:
    return lambda item: read(item) or []


def _link_table(owner: _Table, section: str, name: str, path: str, item: Any) -> _Table:
    """The table of one list field of ``owner``'s items: the owner's key, ``position`` (from 1), the item."""
    if not owner.parent_key:  # a section's own table: its key, named after one of its items (crisis, state)
        owner_key = {_singular(owner.name): next(iter(owner.key.values()))}
    else:  # a link table's: its key, its position named after the list (other_request_position)
        owner_key = {k: t for k, t in owner.key.items() if k != "position"}
        owner_key[f"{_singular(owner.name.removeprefix(section + '_'))}_position"] = int
    table = _Table(f"{owner.name}_{name}", {**owner_key, "position": int}, parent_key=list(owner_key),
                   owner=(owner.name, list(owner.key)))
    table.columns = [_Column(k, t, False, lambda item: None) for k, t in owner_key.items()]
    table.columns.append(_Column("position", int, False, lambda item: None))
    item, _ = _unwrap(item)
    if isinstance(item, type) and issubclass(item, BaseModel):
        _lay_out(table, item, section, f"{path}.")
    else:
        target = _target(section, path)
        value = _singular(target) if target else path.rsplit(".", 1)[-1]  # asked_for, not request_asked_for
        table.columns.append(_Column(value, item, False, lambda v: v, target))
    return table


def _layout(section: str) -> _Table:
    """The tables of one section: its own, and a link table per list field (``memberships_sources``, ...)."""
    key = ID_FIELDS.get(section)
    table = _Table(section, {key: str} if key else {"id": int})
    if key is None:  # no name of its own: the item's place in the record (file order), as in the compiled record
        table.columns.append(_Column("id", int, False, lambda item: None))
    _lay_out(table, SECTIONS[section], section)
    table.columns.sort(key=lambda c: (c.name not in table.key, c.name == "note"))  # key first, note last
    table.columns += [_Column("yaml_file", str, False, lambda item: None),
                      _Column("yaml_line", int, False, lambda item: None)]
    return table


def _create(db: sqlite_utils.Database, table: _Table) -> None:
    """Create ``table`` and its link tables (empty), with types, keys and foreign keys."""
    columns = table.columns_typed()
    assert len(columns) == len(table.columns), f"{table.name}: a column name twice"
    fks: list[Any] = [(c.name, c.references, ID_FIELDS[c.references]) for c in table.columns if c.references]
    if table.owner:
        owner, owner_key = table.owner
        fks.append((table.parent_key[0], owner, owner_key[0]) if len(owner_key) == 1
                   else (tuple(table.parent_key), owner, tuple(owner_key)))
    pk = list(table.key)
    db.table(table.name).create(columns, pk=pk[0] if len(pk) == 1 else tuple(pk), foreign_keys=fks,
                                not_null=[c.name for c in table.columns if not c.nullable])
    for child, _ in table.children:
        _create(db, child)


def _rows(table: _Table, item: Any, fixed: dict, rows: dict[str, list[dict]]) -> dict:
    """``item``'s row of ``table`` (``fixed`` holds the values not read from the item: owner key, position, id),
    its link tables' rows added to ``rows``."""
    row = {c.name: fixed[c.name] if c.name in fixed else c.get(item) for c in table.columns}
    key = [row[k] for k in table.key]
    for child, items in table.children:
        for position, value in enumerate(items(item), start=1):
            rows.setdefault(child.name, []).append(
                _rows(child, value, {**dict(zip(child.parent_key, key)), "position": position}, rows))
    return row


def _sqlite(record: Record, out: Path) -> None:
    """The typed SQLite file (module doc; tables in docs/sqlite.md)."""
    db = sqlite_utils.Database(out / "csto.sqlite")
    db.execute("PRAGMA journal_mode = OFF")  # written in a folder swapped in whole: no journal needed
    with db.conn:
        meta: list[dict[str, Any]] = [{"key": "content_hash", "value": _record_hash(record)},
                                      {"key": "csto_version", "value": __version__},
                                      {"key": "layout", "value": SQLITE_LAYOUT}]
        db.table("meta").insert_all(meta, pk="key", not_null=["value"])
        source_links = []
        for section in SECTIONS:
            table = _layout(section)
            _create(db, table)
            rows: dict[str, list[dict[str, Any]]] = {section: []}
            places = record.db.execute(f'SELECT rowid, yaml_file, yaml_line FROM "{section}" ORDER BY rowid')
            for item, (rowid, yaml_file, yaml_line) in zip(record.all(section), places, strict=True):
                fixed = {"yaml_file": yaml_file, "yaml_line": yaml_line, **({} if section in ID_FIELDS else {"id": rowid})}
                rows[section].append(_rows(table, item, fixed, rows))
            for name, found in rows.items():
                db.table(name).insert_all(found)
            # the fact's own sources and those of a nested fact (a formation's headquarters: field headquarters.sources)
            source_links += [(section, child.name, child.name.removeprefix(f"{section}_").replace("_sources", ".sources"))
                             for child, _ in table.children if child.name.endswith("_sources")]
        db.create_view("fact_sources", " UNION ALL ".join(
            f"SELECT '{section}' AS section, CAST([{_singular(section)}] AS TEXT) AS fact, '{field}' AS field, "
            f"position, source, passage FROM [{name}]" for section, name, field in source_links))
    for name, columns in FULL_TEXT.items():
        db.table(name).enable_fts(columns, create_triggers=False)
    db.close()


def _record_hash(record: Record) -> str | None:
    row = record.db.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    return row[0] if row else None


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

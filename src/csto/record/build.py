"""Build the compiled record (see :mod:`csto.record.store`): validate the YAML and write the SQLite file.

Rebuilding after an edit reuses the files that did not change: each YAML file, once read and
validated, is kept in ``files/`` of the cache folder (named by the file's path and bytes and the
code that validates it, sealed with an HMAC under a key only this user can read, ``files/.key``), so
only the edited file is read again; the checks across files run every time. A kept file is a pickle,
and is unpickled only when its seal verifies: one planted by anyone who cannot read the key is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import pickle
import secrets
import sqlite3
import tempfile
from pathlib import Path

from . import dates
from .files import read_bytes
from .load import Loaded, check, load, load_file
from .model import SECTIONS, Period
from .store import SCHEMA_VERSION, cache_dir, code_fingerprint, seal
from .yamlio import RecordError, RecordErrors


def build(data_dir: Path, path: Path, digest: str, sealed: bool = True) -> Path:
    """Validate ``data_dir`` (reusing the files kept from earlier builds) and write it to ``path``."""
    loaded, rows = _load_reusing(data_dir)
    try:
        write(loaded, path, digest, data_dir, rows)
        if sealed:
            seal(path)
        return path
    except OSError as exc:
        raise RecordError(path.parent, None, "CSTO_CACHE",
                          f"cannot write the compiled record there: {exc.strerror or exc}") from None


def _columns(section: str) -> list[str]:
    model = SECTIONS[section]
    cols = []
    for name in model.model_fields:
        if name == "start":
            cols += ["valid_from", "from_day"]
        elif name == "end":
            cols += ["valid_to", "to_day"]
        else:
            cols.append(name)
    return cols + ["yaml_file", "yaml_line", "json"]


def _cell(value):
    if value is None or isinstance(value, (str, int, float)):
        return value
    return json.dumps(value, ensure_ascii=False)


def _row(loc, section: str, base: Path | None) -> list:
    item = loc.item
    # One dump serves the columns and the json column: only Period's own start/end have aliases (from/to), no
    # nested model has one, so every other field's value is the same with or without by_alias.
    dumped = item.model_dump(mode="json", by_alias=True)
    row = []
    for name, info in type(item).model_fields.items():
        if name == "start":
            row += [item.start, dates.first_day(item.start).isoformat()]
        elif name == "end":
            row += [item.end, dates.last_day(item.end).isoformat() if item.end else None]
        else:
            row.append(_cell(dumped[info.alias or name]))
    return row + [_relative(loc.file, base), loc.line, json.dumps(dumped, ensure_ascii=False)]


@functools.lru_cache(maxsize=256)
def _relative(file: str, base: Path | None) -> str:
    """``file`` relative to the data folder, with forward slashes (the same in every checkout)."""
    if base is None:
        return Path(file).name
    try:
        return Path(os.path.relpath(file, base)).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(file).name


def write(loaded: Loaded, target: Path, digest: str, base: Path | None = None, rows: dict | None = None) -> Path:
    """Write ``loaded`` to ``target`` atomically; provenance paths are relative to ``base`` (the data folder).

    ``rows`` (by ``id`` of a located item) holds table rows already made for ``base`` (see ``_load_reusing``).
    """
    rows = rows or {}
    base = base if base is not None else (loaded.files[0].parent if loaded.files else None)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".sqlite.tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        # A build is renamed into place whole and sealed: a crash mid-build leaves no file that is ever read, so
        # the journal and syncs only cost time.
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        with con:
            con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            con.executemany("INSERT INTO meta VALUES (?, ?)", [("content_hash", digest), ("schema", SCHEMA_VERSION)])
            con.execute("CREATE TABLE fact_sources (section TEXT, rowid_in_section INTEGER, source TEXT, passage TEXT)")
            for section, locs in loaded.sections.items():
                cols = _columns(section)
                con.execute(f'CREATE TABLE "{section}" ({", ".join(f"[{c}]" for c in cols)})')
                marks = ", ".join("?" for _ in cols)
                con.executemany(f'INSERT INTO "{section}" (rowid, {", ".join(f"[{c}]" for c in cols)}) '
                                f"VALUES (?, {marks})",
                                [[rowid, *(rows.get(id(loc)) or _row(loc, section, base))]
                                 for rowid, loc in enumerate(locs, start=1)])
                con.executemany("INSERT INTO fact_sources VALUES (?, ?, ?, ?)",
                                [(section, rowid, ref.id, ref.passage) for rowid, loc in enumerate(locs, start=1)
                                 for ref in getattr(loc.item, "sources", None) or []])
                if issubclass(SECTIONS[section], Period):
                    con.execute(f'CREATE INDEX "{section}_period" ON "{section}" (from_day, to_day)')
        con.close()
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# --- reuse of unchanged files ---------------------------------------------------------------------

def _piece_path(path: Path, data: bytes, code: bytes) -> Path:
    key = hashlib.sha256(code + str(path.resolve()).encode() + b"\0" + data).hexdigest()[:32]
    return cache_dir() / "files" / f"{key}.pickle"


def _piece_key(folder: Path, create: bool) -> bytes | None:
    """The secret that seals kept files: 32 random bytes in ``folder/.key``, readable by this user only.

    A kept file is unpickled only when its HMAC under this key matches, so a file planted in a shared or
    world-writable cache folder by anyone who cannot read the key is never unpickled. A key file that others
    could read or write, or that this user does not own, is not trusted (nothing is reused)."""
    path = folder / ".key"
    try:
        if create and not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        info = path.stat()
        if info.st_mode & 0o077 or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            return None
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


def _read_piece(piece: Path) -> dict | None:
    """One file as validated before (its sections and their table rows), or None (absent, damaged, other code,
    not sealed with this user's key)."""
    key = _piece_key(piece.parent, create=False)
    try:
        blob = piece.read_bytes()
    except OSError:
        return None
    seal, body = blob[:32], blob[32:]
    if key is None or len(blob) < 32 or not hmac.compare_digest(hmac.new(key, body, "sha256").digest(), seal):
        return None
    try:
        sections = pickle.loads(body)  # our own build, sealed with our key: checked above before it is unpickled
    except Exception:  # noqa: BLE001 - any failure to read a cache entry means: read the YAML again
        return None
    return sections if isinstance(sections, dict) and set(sections) == {"sections", "rows"} else None


def _write_piece(piece: Path, sections: dict) -> None:
    body = pickle.dumps(sections, protocol=pickle.HIGHEST_PROTOCOL)
    key = _piece_key(piece.parent, create=True)
    if key is None:
        return
    try:
        piece.parent.mkdir(parents=True, exist_ok=True)
        tmp = piece.with_name(piece.name + f".{os.getpid()}.tmp")
        tmp.write_bytes(hmac.new(key, body, "sha256").digest() + body)
        os.replace(tmp, piece)
    except OSError:  # an unwritable cache only costs time; compile_record reports it when writing the record
        pass


def _load_reusing(data_dir: Path) -> tuple[Loaded, dict[int, list]]:
    """:func:`csto.record.load.load`, reading and validating again only the files that changed.

    Also returns each item's table row (by ``id`` of its located item), kept with the file, for :func:`write`.

    Any file with a problem sends the whole folder through ``load``, so errors are collected and worded as ever;
    the files read are kept only once the whole record has passed (nothing is cached from a bad record).
    """
    paths = sorted(data_dir.glob("*.yaml"))
    if not paths:
        return load(data_dir), {}
    code = code_fingerprint()
    loaded = Loaded()
    fresh: list[tuple[Path, dict]] = []
    rows: dict[int, list] = {}
    for path in paths:
        loaded.files.append(path)
        try:
            piece = _piece_path(path, read_bytes(path), code)
        except RecordError:
            return load(data_dir), {}
        cached = _read_piece(piece)
        if cached is None:
            one, errors = Loaded(), list[RecordError]()
            try:
                load_file(path, one, errors)
            except RecordError:
                return load(data_dir), {}
            if errors:
                return load(data_dir), {}
            sections = {name: locs for name, locs in one.sections.items() if locs}
            cached = {"sections": sections,
                      "rows": {name: [_row(loc, name, data_dir) for loc in locs] for name, locs in sections.items()}}
            fresh.append((piece, cached))
        for name, locs in cached["sections"].items():
            loaded.sections[name].extend(locs)
            rows.update(zip(map(id, locs), cached["rows"][name]))
    errors = check(loaded)
    if errors:
        raise RecordErrors(errors)
    for piece, cached in fresh:
        _write_piece(piece, cached)
    return loaded, rows

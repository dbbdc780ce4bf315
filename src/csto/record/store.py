"""Compile the validated record to one SQLite file, readable by any SQLite tool.

One table per section, one column per field, plus:
- ``valid_from``/``valid_to`` as written and ``from_day``/``to_day`` resolved to days
  (the earliest and latest day the text can mean), so "as of" is plain SQL;
- ``yaml_file``/``yaml_line``: where the fact is written, relative to the data folder;
- ``fact_sources``: one row per (fact, source) with the passage, for joins;
- ``meta``: the content hash of the YAML the file was built from.

The cached file is named by that hash, the data folder's path (two checkouts never share one) and the
code that builds it (:func:`code_fingerprint`), written atomically (temporary file, then rename), and
checked on every open against the SHA-256 of its bytes kept beside it (``.sha256``): a stale,
half-written, damaged or hand-edited build is rebuilt, never read.

This module is the path of every command: it hashes the data folder and checks the cached file, and
imports neither the YAML parser nor the entity models. A build (:mod:`csto.record.build`) imports them
only when one is needed.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
from pathlib import Path

from .files import folder, read_bytes

SCHEMA_VERSION = "1"
#: The source files whose code decides what a compiled record holds (relative to this folder): a change to any of
#: them rebuilds every cached record and re-reads every kept file.
BUILDING_CODE = ("model.py", "kinds.py", "dates.py", "files.py", "yamlio.py", "load.py", "build.py", "store.py",
                 "../errors.py")


@functools.cache
def code_fingerprint() -> bytes:
    """The SHA-256 of :data:`BUILDING_CODE`'s source (read as files, not imported)."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    here = Path(__file__).parent
    for name in BUILDING_CODE:
        digest.update((here / name).read_bytes())
    return digest.digest()


def content_hash(data_dir: Path) -> str:
    """The SHA-256 of the data folder's YAML files (names and bytes): the ``record_hash`` every answer carries."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for path in sorted(Path(data_dir).glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(read_bytes(path))
    return digest.hexdigest()


def cache_key(digest: str, data_dir: Path) -> str:
    """The cache file's name: the YAML's hash, the data folder's path (checkouts never share a file) and the code."""
    key = hashlib.sha256(f"{digest}\0{Path(data_dir).resolve()}\0".encode() + code_fingerprint())
    return key.hexdigest()[:16]


def cache_dir() -> Path:
    return Path(os.environ.get("CSTO_CACHE") or Path.home() / ".cache" / "csto")


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seal(path: Path) -> None:
    """Keep the SHA-256 of ``path``'s bytes beside it (written atomically), for :func:`_built_from`."""
    target = path.with_name(path.name + ".sha256")
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    tmp.write_text(file_digest(path) + "\n", encoding="ascii")
    os.replace(tmp, target)


def _built_from(path: Path, digest: str) -> bool:
    """True when ``path`` is an intact compiled record of exactly this YAML.

    Intact: its bytes hash to the seal written beside it when it was built, so damaged pages or a
    hand edit (which leave the meta row as it was) are caught, not only a build from other YAML.
    """
    try:
        sealed = path.with_name(path.name + ".sha256").read_text(encoding="ascii").strip()
        if sealed != file_digest(path):
            return False
    except (OSError, UnicodeDecodeError):
        return False
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == digest


def compile_record(data_dir: Path, target: Path | None = None) -> Path:
    """Validate ``data_dir`` and return the path of its compiled SQLite file, building it if needed.

    A cached file that is unreadable or was built from other YAML (a crash, a disk error, a hand
    edit) is rebuilt, never used.
    """
    data_dir = folder(data_dir)
    digest = content_hash(data_dir)
    path = Path(target) if target else cache_dir() / f"record-{cache_key(digest, data_dir)}.sqlite"
    if target is None and path.exists() and _built_from(path, digest):
        return path
    from .build import build  # the YAML parser and the models: only when a build is needed

    return build(data_dir, path, digest, sealed=target is None)

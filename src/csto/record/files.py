"""Reading input files safely: regular files only, size-limited, every problem a RecordError with the file.

Apart from :mod:`csto.record.yamlio` (which parses what these read) so that opening a compiled record, which
hashes the data folder's files, needs no YAML parser.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import RecordError, unreadable

#: The largest input file read (bytes): every record file is well under a megabyte.
MAX_BYTES = 8 * 2**20


def read_bytes(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a RecordError saying why not.

    A directory, a FIFO, a device (``/dev/zero``) or an oversized file is refused before it is read,
    so no input can block or exhaust memory.
    """
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise RecordError(path, None, "file", "not a regular file (a device, FIFO or socket)")
        if info.st_size > limit:
            raise RecordError(path, None, "file", f"too large: {info.st_size:,} bytes (at most {limit:,})")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise unreadable(path, exc) from None
    if len(data) > limit:
        raise RecordError(path, None, "file", f"too large: more than {limit:,} bytes")
    return data


def read_text(path: str | Path, limit: int = MAX_BYTES) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a byte that is not UTF-8 is named by its offset)."""
    try:
        return read_bytes(path, limit).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise unreadable(path, exc) from None


def folder(path: str | Path, field: str = "data") -> Path:
    """``path`` if it is a readable directory, else a RecordError saying why (never an OSError)."""
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        reason = "no such directory" if isinstance(exc, FileNotFoundError) else (exc.strerror or "unreadable").lower()
        raise RecordError(path, None, field, reason) from None
    if not stat.S_ISDIR(info.st_mode):
        raise RecordError(path, None, field, "not a directory")
    return path

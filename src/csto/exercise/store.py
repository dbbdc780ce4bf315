"""Games on disk: one SQLite file (stdlib ``sqlite3``, WAL, one transaction per write).

Tables: ``games``; ``events`` (the log: one row per event, ``(game, seq)`` unique, each with the hash of
the state after it); ``submissions`` (one row per sealed position, pledge or answer of the requesting
state, unique per game, phase, round, role and kind, so that two players of one delegation submitting at
once are stored exactly once); ``roles`` (join codes); ``tokens`` (players' tokens, stored as SHA-256
hashes only). Every write commits before it is answered (``synchronous=FULL``): a server stopped
mid-phase loses nothing it acknowledged.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BadInput, Conflict, Unknown

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS games (game TEXT PRIMARY KEY, title TEXT NOT NULL, parent TEXT, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    game TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL, payload TEXT NOT NULL,
    at TEXT NOT NULL, state_hash TEXT NOT NULL, PRIMARY KEY (game, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS submissions (
    game TEXT NOT NULL, phase TEXT NOT NULL, round INTEGER NOT NULL, role TEXT NOT NULL, kind TEXT NOT NULL,
    seq INTEGER NOT NULL, player TEXT NOT NULL, payload TEXT NOT NULL, UNIQUE (game, phase, round, role, kind));
CREATE TABLE IF NOT EXISTS roles (
    game TEXT NOT NULL, role TEXT NOT NULL, join_code TEXT NOT NULL UNIQUE, PRIMARY KEY (game, role));
CREATE TABLE IF NOT EXISTS tokens (
    token_hash TEXT PRIMARY KEY, game TEXT NOT NULL, role TEXT NOT NULL, player TEXT NOT NULL, expires TEXT NOT NULL);
"""


def default_path() -> Path:
    """``$CSTO_GAMES_DB``, else ``games.sqlite`` in the user's data folder (``$XDG_DATA_HOME/csto``, by default
    ``~/.local/share/csto``)."""
    if os.environ.get("CSTO_GAMES_DB"):
        return Path(os.environ["CSTO_GAMES_DB"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "csto" / "games.sqlite"


class Store:
    """The games database; one connection per thread, writes serialised by ``BEGIN IMMEDIATE``."""

    def __init__(self, path: str | Path | None = None, create: bool = True):
        """Open the database at ``path`` (default :func:`default_path`), creating it unless ``create`` is false:
        then a missing file is the user's error (a mistyped ``--db`` never leaves an empty database behind)."""
        self.path = Path(path) if path is not None else default_path()
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        try:  # every OSError below, a name too long included, is the user's path: said as such
            if not create and not self.path.exists():
                raise BadInput(f"{self.path}: no games database here (csto exercise new creates one)", "db",
                               str(self.path))
            if self.path.is_dir():
                raise BadInput(f"{self.path}: is a directory, expected a games database file", "db", str(self.path))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.writing() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise BadInput(f"{self.path}: written by a newer csto (games schema {version})", "db",
                                   str(self.path))
                for statement in filter(str.strip, SCHEMA.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise BadInput(f"{self.path}: not a games database ({exc})", "db", str(self.path)) from None
        except OSError as exc:
            raise BadInput(f"{self.path}: cannot open it: {(exc.strerror or type(exc).__name__).lower()}", "db",
                           str(self.path)) from None

    def conn(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
            with self._guard:
                self._all.append(db)
        return db

    def close(self) -> None:
        """Close every connection this store opened (as a server does when it stops)."""
        with self._guard:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (``BEGIN IMMEDIATE``): committed whole or not at all."""
        db = self.conn()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # --- reading -------------------------------------------------------------------------------------

    def games(self) -> list[dict]:
        rows = self.conn().execute("SELECT game, title, parent, created_at FROM games ORDER BY created_at, game")
        return [{"game": g, "title": t, "parent": p, "created_at": c} for g, t, p, c in rows]

    def exists(self, game: str) -> bool:
        return self.conn().execute("SELECT 1 FROM games WHERE game = ?", (game,)).fetchone() is not None

    def require(self, game: str) -> None:
        if not self.exists(game):
            known = [g["game"] for g in self.games()]
            raise Unknown(f"no game {game!r} in {self.path}" + (f"; games: {', '.join(known[-10:])}" if known else ""),
                          "game", game)

    def events(self, game: str, after: int = 0, db: sqlite3.Connection | None = None) -> list[dict]:
        rows = (db or self.conn()).execute(
            "SELECT seq, kind, actor, payload, at, state_hash FROM events WHERE game = ? AND seq > ? ORDER BY seq",
            (game, after))
        return [{"seq": s, "kind": k, "actor": a, "payload": json.loads(p), "at": at, "state_hash": h}
                for s, k, a, p, at, h in rows]

    def submissions(self, game: str) -> list[tuple]:
        return self.conn().execute("SELECT phase, round, role, kind, seq FROM submissions WHERE game = ? "
                                   "ORDER BY seq", (game,)).fetchall()

    def codes(self, game: str) -> dict[str, str]:
        return dict(self.conn().execute("SELECT role, join_code FROM roles WHERE game = ? ORDER BY role", (game,)))

    def find_code(self, code: str) -> tuple[str, str] | None:
        row = self.conn().execute("SELECT game, role FROM roles WHERE join_code = ?", (code,)).fetchone()
        return (row[0], row[1]) if row else None

    def token(self, token_hash: str) -> dict | None:
        row = self.conn().execute("SELECT game, role, player, expires FROM tokens WHERE token_hash = ?",
                                  (token_hash,)).fetchone()
        return dict(zip(("game", "role", "player", "expires"), row)) if row else None

    # --- writing (inside :meth:`writing`) --------------------------------------------------------------

    @staticmethod
    def add_game(db: sqlite3.Connection, game: str, title: str, parent: str | None, at: str) -> None:
        db.execute("INSERT INTO games VALUES (?, ?, ?, ?)", (game, title, parent, at))

    @staticmethod
    def append(db: sqlite3.Connection, game: str, event: dict) -> None:
        db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (game, event["seq"], event["kind"], event["actor"], json.dumps(event["payload"]), event["at"],
                    event["state_hash"]))

    @staticmethod
    def add_submission(db: sqlite3.Connection, game: str, kind: str, payload: dict, seq: int, player: str) -> None:
        try:
            db.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (game, payload["phase"], payload["round"], payload["role"], kind, seq, player,
                        json.dumps(payload)))
        except sqlite3.IntegrityError:
            raise Conflict(f"{payload['role']} has already submitted its {kind} in this round", "role",
                           payload["role"]) from None

    @staticmethod
    def add_code(db: sqlite3.Connection, game: str, role: str, code: str) -> bool:
        """Store a join code; False when the code is taken already (the caller draws another)."""
        try:
            db.execute("INSERT INTO roles VALUES (?, ?, ?)", (game, role, code))
        except sqlite3.IntegrityError:
            return False
        return True

    @staticmethod
    def add_token(db: sqlite3.Connection, token_hash: str, game: str, role: str, player: str, expires: str) -> None:
        db.execute("INSERT INTO tokens VALUES (?, ?, ?, ?, ?)", (token_hash, game, role, player, expires))

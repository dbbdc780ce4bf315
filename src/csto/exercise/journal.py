"""The write path: every accepted action becomes one logged event, committed before it is answered.

Writes from many players at once are committed in groups: the first writer to find no commit under way
leads, takes every write queued by then and commits them in one transaction (one ``fsync``), each inside
its own savepoint, so that a refused write (a sealed position already there, a closed phase) is rolled
back alone and the others stand. A class of 30 submitting together waits for two or three commits, not
thirty. Each game's state is kept in memory as the fold of its log and refreshed from the database inside
every transaction, so several processes may serve one file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import CstoError
from . import game
from .store import Store


@dataclass
class _Write:
    game: str
    kind: str
    actor: str
    make: Callable[[dict], dict]
    reply: Callable[[dict, dict], dict]
    submission: str | None = None
    extra: Callable[[Any], None] | None = None
    done: bool = False
    result: dict | None = None
    error: BaseException | None = None


class Journal:
    """The games' states in memory and the group commit of their events (see the module docstring)."""

    def __init__(self, store: Store, now: Callable[[], str]):
        self.store, self.now = store, now
        self.lock = threading.RLock()  # guards the states; held while a group commits
        self._states: dict[str, dict] = {}
        self._turn = threading.Condition()
        self._pending: list[_Write] = []
        self._leading = False

    def state(self, game_id: str, db=None) -> dict:
        """The game's state, brought up to the last event in the database (call with :attr:`lock` held to
        read it safely)."""
        with self.lock:
            state = self._states.get(game_id)
            if state is None:
                self.store.require(game_id)
                state = game.new_state()
            for e in self.store.events(game_id, state["seq"], db):
                game.apply(state, e["seq"], e["kind"], e["actor"], e["payload"])
            self._states[game_id] = state
            return state

    def keep(self, game_id: str, state: dict) -> None:
        with self.lock:
            self._states[game_id] = state

    def forget(self, game_id: str | None = None) -> None:
        """Drop the state kept in memory (all of them with None): the next call rereads the database."""
        with self.lock:
            if game_id is None:
                self._states.clear()
            else:
                self._states.pop(game_id, None)

    def write(self, game_id: str, kind: str, actor: str, make: Callable[[dict], dict],
              reply: Callable[[dict, dict], dict], submission: str | None = None,
              extra: Callable[[Any], None] | None = None) -> dict:
        """Check and log one event; returns ``reply(state, event)``, built right after it under the lock.

        ``make(state)`` checks and returns the payload (raising the game's errors); a payload marked
        ``duplicate`` (the same submission again) writes nothing and replies with ``event["seq"]`` None.
        ``submission`` (position or pledge) also stores the row its uniqueness rests on; ``extra(db)``
        writes more rows in the same savepoint.
        """
        job = _Write(game_id, kind, actor, make, reply, submission, extra)
        with self._turn:
            self._pending.append(job)
            while not job.done:
                if self._leading:
                    self._turn.wait()
                    continue
                self._leading = True
                batch, self._pending = self._pending, []
                self._turn.release()
                try:
                    self._commit(batch)
                finally:
                    self._turn.acquire()
                    self._leading = False
                    self._turn.notify_all()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _one(self, db, job: _Write) -> dict:
        state = self.state(job.game, db)
        payload = job.make(state)
        if payload.pop("duplicate", False):
            return job.reply(state, {"seq": None, "kind": job.kind, "actor": job.actor, "payload": payload,
                                     "duplicate": True})
        seq = state["seq"] + 1
        if job.submission is not None:
            self.store.add_submission(db, job.game, job.submission, payload, seq, job.actor)
        if job.extra is not None:
            job.extra(db)
        game.apply(state, seq, job.kind, job.actor, payload)  # from here on, only a bug can fail
        event = {"seq": seq, "kind": job.kind, "actor": job.actor, "payload": payload, "at": self.now(),
                 "state_hash": game.state_hash(state)}
        self.store.append(db, job.game, event)
        return job.reply(state, event)

    def _commit(self, batch: list[_Write]) -> None:
        with self.lock:
            try:
                with self.store.writing() as db:
                    for job in batch:
                        db.execute("SAVEPOINT one")
                        try:
                            job.result = self._one(db, job)
                        except CstoError as exc:  # refused before anything changed: this write alone is undone
                            db.execute("ROLLBACK TO one")
                            job.error = exc
                        db.execute("RELEASE one")
            except BaseException as exc:  # a bug or a failed commit: nothing of the group is stored
                for job in batch:
                    self._states.pop(job.game, None)  # the database is the truth: reread it
                    if job.error is None:
                        job.result, job.error = None, exc
            finally:
                for job in batch:
                    job.done = True

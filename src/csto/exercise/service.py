"""The exercise as a service: every method takes a player's token and returns plain, JSON-ready dicts.

A face (the command line, the web application) only translates: it passes a token and arguments and
maps the errors' ``kind`` to its codes (``forbidden`` 403, ``unknown`` 404, ``conflict`` 409, ``input``
400). The service checks who may do what (:mod:`csto.exercise.access`), writes each accepted action as
one event in one transaction (:mod:`csto.exercise.store`), and keeps each game's state in memory as the
fold of its log (:mod:`csto.exercise.game`), refreshed from the database before every answer, so several
processes may serve one file and a restarted one resumes where the log ends.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .. import __version__
from ..record import Record
from . import access, debrief, export, game
from . import definition as defs
from . import procedure as proc_mod
from .errors import BadInput, Conflict, Forbidden, Unknown
from .journal import Journal
from .store import Store

#: Letters of join codes: no 0/O, 1/I/L, so that a code read aloud is typed right.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PREFIX = {"secretary-general": "SG", "joint-staff": "JS", "observer": "OBS"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _record_hash(record: Record) -> str | None:
    """The content hash of the YAML the record was compiled from (as every answer gives it)."""
    row = record.db.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    return row[0] if row else None


class ExerciseService:
    """Games in one SQLite file; ``record`` (or ``data``, its folder) is read only to define a game or a change.

    ``clock`` returns the current time (UTC); tests pass their own to expire tokens.
    """

    def __init__(self, db: str | Path | None = None, record: Record | None = None, data: str | Path | None = None,
                 clock: Callable[[], datetime] | None = None, create: bool = True):
        self.store = Store(db, create)
        self._record, self._data = record, data
        self._procedure: proc_mod.Procedure | None = None
        self.clock = clock or (lambda: datetime.now(UTC))
        self.journal = Journal(self.store, self._now)
        self._lock = self.journal.lock  # held while reading a state (a group commit holds it too)
        self._record_hashes: dict[str, str | None] = {}  # never changes once a game exists

    # --- plumbing -----------------------------------------------------------------------------------------

    @property
    def record(self) -> Record:
        if self._record is None:
            self._record = Record.open(self._data)
        return self._record

    @property
    def procedure(self) -> proc_mod.Procedure:
        if self._procedure is None:
            self._procedure = proc_mod.load(self.record)
        return self._procedure

    def close(self) -> None:
        self.store.close()
        self.journal.forget()

    def _now(self) -> str:
        return self.clock().astimezone(UTC).isoformat(timespec="seconds")

    def state(self, game_id: str) -> dict:
        """The game's state, brought up to the last event in the database (the live object: read it only)."""
        return self.journal.state(game_id)

    def _auth(self, token: Any) -> tuple[str, str, str]:
        if not isinstance(token, str) or not token:
            raise Forbidden("a player token is required: join with your role's code first", "token", None)
        row = self.store.token(_hash(token))
        if row is None:
            raise Forbidden("unknown token: it was not issued by this game server (join with your role's code)",
                            "token", None)
        if datetime.fromisoformat(row["expires"]) <= self.clock():
            raise Forbidden(f"token expired at {row['expires']}: join again with your role's code", "token", None)
        return row["game"], row["role"], row["player"]

    def _token(self, db, game_id: str, role: str, player: str) -> str:
        token = secrets.token_urlsafe(32)
        hours = self.procedure.game.token_hours.value
        expires = (self.clock() + timedelta(hours=hours)).astimezone(UTC).isoformat(timespec="seconds")
        self.store.add_token(db, _hash(token), game_id, role, player, expires)
        return token

    def _codes(self, db, game_id: str, roles: list[dict]) -> None:
        have = set(self.store.codes(game_id))
        n = self.procedure.game.join_code_length.value
        for r in roles:
            if r["id"] == game.FACILITATOR or r["id"] in have:
                continue
            while not self.store.add_code(db, game_id, r["id"], f"{PREFIX.get(r['id'], r['id'].upper())}-"
                                          f"{''.join(secrets.choice(ALPHABET) for _ in range(n))}"):
                pass  # a code already taken (vanishingly rare): draw another

    # --- creating and joining ------------------------------------------------------------------------------

    def create(self, scenario: str | Path, *, on: str | None = None, overlay: str | Path | None = None,
               seed: int = 0, title: str | None = None) -> dict:
        """A new game on a scenario file: its id, the facilitator's token and every role's join code."""
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise BadInput(f"seed: expected a whole number >= 0, got {seed!r}", "seed", seed)
        setup = defs.setup_from_files(scenario, self.record, on=on, overlay=overlay, seed=seed)
        definition = defs.define(setup, self.record, self.procedure)
        game_id = f"{setup.event.id}-{secrets.token_hex(3)}"
        payload = {"seed": seed, "title": title or definition["public"]["title"] or setup.event.id,
                   "setup": setup.as_dict(), "definition": definition, "record_hash": _record_hash(self.record),
                   "csto_version": __version__}
        return self._found(game_id, payload, parent=None, copied=[])

    def _found(self, game_id: str, payload: dict, parent: str | None, copied: list[dict]) -> dict:
        player = f"p-{secrets.token_hex(4)}"
        out: dict[str, Any] = {}

        def rows(db) -> None:
            self.store.add_game(db, game_id, payload["title"], parent, self._now())
            for e in copied:  # the log and its submissions, so that the fork's table guards its rounds too
                self.store.append(db, game_id, e)
                if e["kind"] in game.SUBMITTED:
                    self.store.add_submission(db, game_id, game.SUBMITTED[e["kind"]], e["payload"], e["seq"],
                                              e["actor"])
            self._codes(db, game_id, payload["definition"]["roles"])
            out["token"] = self._token(db, game_id, game.FACILITATOR, player)

        with self._lock:
            try:
                with self.store.writing() as db:
                    rows(db)
                    state = game.new_state()
                    for e in copied:
                        game.apply(state, e["seq"], e["kind"], e["actor"], e["payload"])
                    if parent:
                        events = [("forked", {"parent": parent, "at_seq": state["seq"], "title": payload["title"]})]
                    else:
                        events = [("created", payload)]
                    events.append(("joined", {"player": player, "role": game.FACILITATOR, "name": "facilitator"}))
                    for kind, body in events:
                        seq = state["seq"] + 1
                        game.apply(state, seq, kind, player, body)
                        self.store.append(db, game_id, {"seq": seq, "kind": kind, "actor": player, "payload": body,
                                                        "at": self._now(), "state_hash": game.state_hash(state)})
                self.journal.keep(game_id, state)
            except BaseException:
                self.journal.forget(game_id)
                raise
        return {"game": game_id, "title": payload["title"], "facilitator_token": out["token"],
                "join_codes": self.store.codes(game_id), "seed": state["seed"], "phase": state["phase"],
                "forked_from": state["forked_from"]}

    def join(self, code: Any, name: str | None = None) -> dict:
        """A player joins a role with its join code; returns the player's token (keep it: it is shown once)."""
        if not isinstance(code, str) or not code.strip():
            raise BadInput("code: expected a join code such as RUS-K7MQ4R", "code", code)
        found = self.store.find_code(code.strip().upper())
        if found is None:
            raise Unknown(f"unknown join code {code.strip()!r}: ask the facilitator for your role's code", "code",
                          code.strip())
        game_id, role = found
        player = f"p-{secrets.token_hex(4)}"
        label = (name or "").strip()[:80] or player
        tokens: dict[str, str] = {}

        def make(state: dict) -> dict:
            if role not in game.roles(state):
                raise Unknown(f"role {role} has no part in this game any more (the facts changed)", "role", role)
            return {"player": player, "role": role, "name": label}

        def token(db) -> None:
            tokens["token"] = self._token(db, game_id, role, player)

        return self.journal.write(
            game_id, "joined", player, make, extra=token,
            reply=lambda state, _: {"game": game_id, "role": role, "player": player, "name": label,
                                    "token": tokens["token"], "brief": access.brief(state, role, role)})

    # --- what a player sees -------------------------------------------------------------------------------

    def identify(self, token: str) -> dict:
        """Whose token this is: its ``game``, ``role`` and ``player`` (refused like any call if forged or expired).
        A face that names the game in its address checks the token belongs to it."""
        game_id, role, player = self._auth(token)
        return {"game": game_id, "role": role, "player": player}

    def record_hash(self, game_id: str) -> str | None:
        """The hash of the record the game was defined with (from its first event), as its answers carry it."""
        if game_id not in self._record_hashes:
            row = self.store.conn().execute("SELECT payload FROM events WHERE game = ? AND seq = 1",
                                            (game_id,)).fetchone()
            if row is None:
                self.store.require(game_id)
            self._record_hashes[game_id] = json.loads(row[0]).get("record_hash") if row else None
        return self._record_hashes[game_id]

    def view(self, token: str) -> dict:
        """The game as the token's role may see it (the facilitator sees everything)."""
        game_id, role, player = self._auth(token)
        with self._lock:
            state = self.state(game_id)
            out = access.view(state, role, player)
            if role == game.FACILITATOR:
                out["join_codes"] = self.store.codes(game_id)
            return {"game": game_id, **out}

    def brief(self, token: str, role: str | None = None) -> dict:
        """The token's own brief; only the facilitator may read another role's."""
        game_id, mine, _ = self._auth(token)
        with self._lock:
            return access.brief(self.state(game_id), mine, role or mine)

    def sealed(self, token: str, role: str) -> dict:
        """One role's sealed position in the current round: refused to others before the reveal."""
        game_id, mine, _ = self._auth(token)
        with self._lock:
            return access.sealed(self.state(game_id), mine, role)

    def messages(self, token: str, after: int = 0) -> dict:
        game_id, mine, _ = self._auth(token)
        with self._lock:
            return {"game": game_id, "messages": access.messages(self.state(game_id), mine, after)}

    def events(self, token: str, after: int = 0) -> dict:
        """The log as the role may see it, from ``after`` on (for a face that streams updates)."""
        game_id, mine, _ = self._auth(token)
        with self._lock:
            state = self.state(game_id)
            return {"game": game_id, "seq": state["seq"],
                    "events": access.events(state, mine, self.store.events(game_id, after))}

    # --- what a player does -------------------------------------------------------------------------------

    def submit(self, token: str, forecast: Any, position: str | None = None) -> dict:
        """Seal the role's position (voters) and forecast (every role but observers) for the open decision."""
        game_id, role, player = self._auth(token)
        return self.journal.write(
            game_id, "sealed", player, lambda s: game.check_seal(s, role, position, forecast), submission="position",
            reply=lambda _, e: {"game": game_id, "role": role, "sealed": True, "seq": e["seq"],
                                "duplicate": bool(e.get("duplicate")), "phase": e["payload"]["phase"],
                                "round": e["payload"]["round"]})

    def pledge(self, token: str, personnel: Any) -> dict:
        """Pledge personnel from the delegation's contingent (never more than it) while forces are generated."""
        game_id, role, player = self._auth(token)
        return self.journal.write(
            game_id, "pledged", player, lambda s: game.check_pledge(s, role, personnel), submission="pledge",
            reply=lambda s, e: {"game": game_id, "role": role, "personnel": personnel, "seq": e["seq"],
                                "duplicate": bool(e.get("duplicate")),
                                "contingent": s["definition"]["model"]["contingent"].get(role)})

    def answer(self, token: str, answer: Any, reason: Any = None) -> dict:
        """The requesting state accepts or refuses (``accept``, ``refuse``) an offer short of what it asked for, with
        a short reason (step 6 of the model); a refusal leaves the outcome at a mission (or the floor)."""
        game_id, role, player = self._auth(token)
        return self.journal.write(
            game_id, "answered", player, lambda s: game.check_answer(s, role, answer, reason), submission="answer",
            reply=lambda s, e: {"game": game_id, "role": role, "seq": e["seq"], "duplicate": bool(e.get("duplicate")),
                                **{k: e["payload"][k] for k in ("phase", "round", "answer", "reason", "offered",
                                                                "asked")}, "outcome": s["outcome"]})

    def say(self, token: str, text: Any, to: str | None = None) -> dict:
        """A public statement (``to`` None) or a private message to one role; every message is logged."""
        game_id, role, player = self._auth(token)
        return self.journal.write(game_id, "message", player, lambda s: game.check_message(s, role, to, text),
                                  reply=lambda _, e: {"game": game_id, "seq": e["seq"], **e["payload"]})

    # --- the facilitator ------------------------------------------------------------------------------------

    def _facilitate(self, token: str) -> tuple[str, str]:
        game_id, role, player = self._auth(token)
        if role != game.FACILITATOR:
            raise Forbidden(f"only the facilitator may do this ({role} may not)", "role", role)
        return game_id, player

    def _act(self, game_id: str, kind: str, player: str, make: Callable[[dict], dict],
             extra: Callable[[Any], None] | None = None) -> dict:
        """A facilitator's action, answered with the whole game as the facilitator then sees it."""
        return self.journal.write(game_id, kind, player, make, extra=extra, reply=lambda s, e: {
            "game": game_id, "seq": e["seq"], "kind": e["kind"], **access.view(s, game.FACILITATOR)})

    def reveal(self, token: str, force: bool = False) -> dict:
        """Reveal every sealed position of the round together and apply the rule in force."""
        game_id, player = self._facilitate(token)
        return self._act(game_id, "revealed", player, lambda s: game.check_reveal(s, force))

    def advance(self, token: str) -> dict:
        """Close the current phase and open the next (skipping the force's phases when no troops were decided)."""
        game_id, player = self._facilitate(token)
        return self._act(game_id, "advanced", player, game.check_advance)

    def rollback(self, token: str) -> dict:
        """Go back one phase; what was sealed or pledged in the phases reopened is void."""
        game_id, player = self._facilitate(token)
        return self._act(game_id, "rolled_back", player, game.check_rollback)

    def inject(self, token: str, kind: str, text: str | None = None, *, on: str | None = None,
               changes: dict | None = None) -> dict:
        """An event from the facilitator: an ``escalation`` (text, optionally ``changes`` to the event's facts,
        which re-assess it) or a change of ``date`` (the crisis as of ``on``: law, members, forces)."""
        game_id, player = self._facilitate(token)
        if kind not in ("escalation", "date"):
            raise BadInput(f"kind: expected escalation or date, got {kind!r}", "kind", kind)
        if kind == "date" and not on:
            raise BadInput("on: a change of date needs the new date (YYYY-MM-DD)", "on", on)
        if kind == "escalation" and not (isinstance(text, str) and text.strip()):
            raise BadInput("text: an escalation needs its description", "text", text)
        if text is not None and (not isinstance(text, str) or len(text) > game.MAX_TEXT):
            raise BadInput(f"text: expected at most {game.MAX_TEXT:,} characters of text", "text", None)
        if changes is not None and not isinstance(changes, dict):
            raise BadInput("changes: expected a mapping of the event's fields to their new values", "changes", None)
        with self._lock:
            current = self.state(game_id)
            expected, setup_now = current["revision"], current["setup"]
            if kind == "date" or changes:
                game.check_change(current)
        payload: dict[str, Any] = {"kind": kind, "text": text, "on": on, "changes": changes or None}
        if kind == "date" or changes:
            setup = defs.setup_from_dict(setup_now)
            if changes:
                setup = defs.escalate(setup, changes)
            if on:
                setup = defs.setup_from_dict({**setup.as_dict(), "on": on})
            payload["setup"] = setup.as_dict()
            payload["definition"] = defs.define(setup, self.record, self.procedure)

        def make(state: dict) -> dict:
            if payload.get("definition") is not None:
                if state["revision"] != expected:
                    raise Conflict("the game changed while the inject was prepared: send it again", "revision",
                                   state["revision"])
                game.check_change(state)
            elif state["ended"]:
                raise Conflict("the game is over: it is in its debrief", "phase", state["phase"])
            return dict(payload)

        def codes(db) -> None:
            if payload.get("definition") is not None:
                self._codes(db, game_id, payload["definition"]["roles"])

        return self._act(game_id, "injected", player, make, extra=codes)

    def fork(self, token: str) -> dict:
        """A new game that begins with this game's whole log; new join codes and a new facilitator token."""
        game_id, _ = self._facilitate(token)
        with self._lock:
            state = self.state(game_id)
            events = self.store.events(game_id)
        payload = {"title": f"{state['title']} (fork of {game_id})", "definition": state["definition"]}
        base = state["definition"]["public"]["scenario"]
        return self._found(f"{base}-{secrets.token_hex(3)}", payload, parent=game_id, copied=events)

    def debrief(self, token: str) -> dict:
        """The class against the model's runs and history, and every forecast scored (after the reveal)."""
        game_id, role, _ = self._auth(token)
        with self._lock:
            state = self.state(game_id)
            if role != game.FACILITATOR and not state["ended"]:
                raise Forbidden("the debrief opens when the game reaches its debrief phase", "role", role)
            if state["decision"] is None:
                raise Conflict("no decision has been revealed yet: nothing to compare", "phase", state["phase"])
            return {"game": game_id, **debrief.debrief(state)}

    def export(self, token: str) -> dict:
        game_id, _ = self._facilitate(token)
        return self.export_game(game_id)

    # --- local administration (the command line, on the machine that holds the file) -----------------------

    def show(self, game_id: str) -> dict:
        """Everything about a game, as the facilitator sees it, with its join codes."""
        with self._lock:
            state = self.state(game_id)
            first = self.store.events(game_id)[0]["payload"]
            provenance = {"record_hash": first.get("record_hash"), "csto_version": first.get("csto_version"),
                          **(state["setup"].get("source") or {})}
            return {"game": game_id, **access.view(state, game.FACILITATOR), "join_codes": self.store.codes(game_id),
                    "provenance": provenance}

    def issue_token(self, game_id: str, role: str = game.FACILITATOR, name: str | None = None) -> dict:
        """A new player's token for ``role`` (the facilitator by default), for whoever holds the database file:
        the way back in for a facilitator whose token expired or was lost."""
        player = f"p-{secrets.token_hex(4)}"
        label = (name or "").strip()[:80] or role
        tokens: dict[str, str] = {}

        def make(state: dict) -> dict:
            if role not in game.roles(state):
                raise Unknown(f"no role {role!r} in this game; expected one of {', '.join(game.roles(state))}",
                              "role", role)
            return {"player": player, "role": role, "name": label}

        def token(db) -> None:
            tokens["token"] = self._token(db, game_id, role, player)

        self.store.require(game_id)
        return self.journal.write(game_id, "joined", player, make, extra=token,
                                  reply=lambda _, e: {"game": game_id, "role": role, "player": player,
                                                      "token": tokens["token"], "seq": e["seq"]})

    def export_game(self, game_id: str) -> dict:
        """The whole game as one JSON-ready dict (phases, dates, positions, messages, forecasts, seed, log)."""
        with self._lock:
            state = self.state(game_id)
            return export.document(game_id, state, self.store.events(game_id))

    def export_files(self, game_id: str, directory: str | Path) -> list[Path]:
        """Write the game as JSON and CSV files into ``directory``, whole or not at all."""
        return export.write(self.export_game(game_id), Path(directory))

    def replay(self, game_id: str) -> dict:
        """Fold the log from nothing and check every event's stored hash and the submissions table against it."""
        with self._lock:
            self.store.require(game_id)
            events = self.store.events(game_id)
            state, hashes = game.replay([(e["seq"], e["kind"], e["actor"], e["payload"]) for e in events])
            for e, h in zip(events, hashes):
                if e["state_hash"] != h:
                    raise Conflict(f"game {game_id}: the log does not replay: the state after event {e['seq']} "
                                   f"({e['kind']}) differs from the one recorded", "seq", e["seq"])
            stored = {(p, r, ro, k) for p, r, ro, k, _ in self.store.submissions(game_id)}
            logged = {(s["phase"], s["round"], s["role"], s["kind"]) for s in state["submissions"]}
            if stored != logged:
                raise Conflict(f"game {game_id}: the submissions table and the log disagree", "submissions",
                               len(stored ^ logged))
            live = self.state(game_id)
            same = game.state_hash(live) == game.state_hash(state)
            if not same:
                raise Conflict(f"game {game_id}: the state in memory differs from the replayed log", "seq",
                               state["seq"])
            return {"game": game_id, "events": len(events), "seed": state["seed"],
                    "state_hash": hashes[-1] if hashes else None, "same": same,
                    "submissions": len(stored), "phase": state["phase"], "outcome": state["outcome"],
                    "target_answer": access.target_answer(state)}

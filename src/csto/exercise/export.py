"""A whole game as data: one JSON document, and CSV tables for a spreadsheet or a statistics package.

The document holds the seed, the setup (scenario, overlay, date), every phase with its in-game date,
every position and forecast (with the round and whether it was later voided), every message, the
pledges, the decisions, the deployment, the requesting state's answer to the offer, the debrief once a
decision is revealed, and the event log itself. Tokens and join codes are never exported. Files are written whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..record.export import write_atomically
from ..sim import OUTCOMES
from . import access, debrief, game
from .errors import BadInput

FILES = ("game.json", "phases.csv", "positions.csv", "pledges.csv", "answers.csv", "messages.csv", "decisions.csv",
         "events.csv")


def document(game_id: str, state: dict, events: list[dict]) -> dict:
    """The export of ``game_id`` (state and log as the facilitator sees them)."""
    view = access.view(state, game.FACILITATOR)
    return {
        "game": game_id, "title": state["title"], "seed": state["seed"], "setup": state["setup"],
        "public": state["definition"]["public"], "roles": state["definition"]["roles"],
        "phases": view["phases"], "submissions": view["submissions"], "messages": state["messages"],
        "decisions": view["decisions"], "outcome": state["outcome"], "deployment": state["deployment"],
        "target_answer": view["target_answer"],
        "injects": state["injects"], "players": state["players"], "forked_from": state["forked_from"],
        "debrief": debrief.debrief(state) if state["decision"] is not None else None,
        "events": [{k: e[k] for k in ("seq", "kind", "actor", "at", "state_hash")}
                   | {"payload": {k: v for k, v in e["payload"].items() if k != "definition"}} for e in events],
        "state_hash": game.state_hash(state),
    }


def _table(header: list[str], rows: list[list]) -> str:
    out = io.StringIO(newline="")
    w = csv.writer(out)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def files(doc: dict) -> dict[str, str]:
    """The export's files (:data:`FILES`) as text, by name: the JSON document and one CSV table per part."""
    positions = [s for s in doc["submissions"] if s["kind"] == "position"]
    return {
        "game.json": json.dumps(doc, ensure_ascii=False, indent=2),
        "phases.csv": _table(["phase", "title", "date", "status", "round"],
                             [[p["id"], p["title"], p["date"], p["status"], p["round"]] for p in doc["phases"]]),
        "positions.csv": _table(["seq", "phase", "round", "role", "player", "position", "void",
                                 *(f"p_{k}" for k in OUTCOMES)],
                                [[s["seq"], s["phase"], s["round"], s["role"], s["player"], s["position"], s["void"],
                                  *(s["forecast"][k] for k in OUTCOMES)] for s in positions]),
        "pledges.csv": _table(["seq", "phase", "round", "role", "player", "personnel", "void"],
                              [[s["seq"], s["phase"], s["round"], s["role"], s["player"], s["personnel"], s["void"]]
                               for s in doc["submissions"] if s["kind"] == "pledge"]),
        "answers.csv": _table(["seq", "phase", "round", "role", "player", "offered", "asked", "answer", "reason", "void"],
                              [[s["seq"], s["phase"], s["round"], s["role"], s["player"], s["offered"], s["asked"],
                                s["answer"], s["reason"], s["void"]] for s in doc["submissions"] if s["kind"] == "answer"]),
        "messages.csv": _table(["seq", "date", "from", "to", "text"],
                               [[m["seq"], m["date"], m["from"], m["to"] or "", m["text"]] for m in doc["messages"]]),
        "decisions.csv": _table(["phase", "round", "void", "decision", "rule", "threshold", "taking_part",
                                 "stood_aside", "missing", "blockers", "outvoted"],
                                [[d["phase"], d["round"], d["void"], d["decision"], d["rule"], d["threshold"],
                                  " ".join(d["taking_part"]), " ".join(d["stood_aside"]), " ".join(d["missing"]),
                                  " ".join(d["blockers"]), " ".join(d["outvoted"])] for d in doc["decisions"]]),
        "events.csv": _table(["seq", "kind", "actor", "at", "state_hash", "payload"],
                             [[e["seq"], e["kind"], e["actor"], e["at"], e["state_hash"],
                               json.dumps(e["payload"], ensure_ascii=False)] for e in doc["events"]]),
    }


def _fill(doc: dict, out: Path) -> None:
    for name, text in files(doc).items():
        (out / name).write_text(text, encoding="utf-8", newline="")


def _check_target(directory: Path) -> None:
    """Refuse to replace a folder that holds anything but an earlier export of a game."""
    try:
        if not directory.exists():
            return
        if not directory.is_dir():
            raise BadInput(f"{directory}: exists and is not a directory", "to", str(directory))
        for path in directory.iterdir():
            if path.name not in FILES or not path.is_file():
                raise BadInput(f"{directory}: holds {path.name!r}, which is not part of a game's export: export into "
                               "a new or empty directory", "to", str(directory))
    except OSError as exc:  # a name too long, a folder that cannot be read: the user's path, said as such
        raise BadInput(f"{directory}: cannot use it: {(exc.strerror or type(exc).__name__).lower()}", "to",
                       str(directory)) from None


def write(doc: dict, directory: Path) -> list[Path]:
    """Write :data:`FILES` into ``directory`` atomically (an earlier export there is replaced whole)."""
    _check_target(directory)
    write_atomically(directory, lambda tmp: _fill(doc, tmp))
    return [directory / name for name in FILES]

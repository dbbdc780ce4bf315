"""Who sees what: a game's state filtered for one role.

A delegation sees the public facts, its own brief, its own sealed submissions, who has sealed (not
what) until the reveal, the pledges and the requesting state's answer (public as soon as given), public
statements and the private messages it sent or received. Observers see the public part only. The
facilitator sees everything. Nothing here changes the state.
"""

from __future__ import annotations

from typing import Any

from . import game, rules
from .errors import Forbidden, Unknown

FACILITATOR = game.FACILITATOR


def _role(state: dict, role: str) -> dict:
    found = game.roles(state).get(role)
    if found is None:
        raise Unknown(f"no role {role!r} in this game; expected one of {', '.join(game.roles(state))}", "role", role)
    return found


def brief(state: dict, mine: str, role: str) -> dict:
    """``role``'s brief, for ``mine``: one's own, or any for the facilitator."""
    _role(state, role)
    if role != mine and mine != FACILITATOR:
        raise Forbidden(f"{mine} may read only its own brief, not {role}'s", "role", role)
    d = state["definition"]
    out: dict[str, Any] = {"role": role, "public": d["public"], "phases": d["phases"], "dates": state["dates"]}
    if role == FACILITATOR:
        out.update(model=d["model"], model_runs=d["model_runs"], history=d.get("history"),
                   roles=d["roles"], briefs=sorted(d["briefs"]))
    elif role in d["briefs"]:
        out["brief"] = d["briefs"][role]
    return out


def _visible(message: dict, role: str) -> bool:
    return message["to"] is None or role in (FACILITATOR, message["from"], message["to"])


def messages(state: dict, role: str, after: int = 0) -> list[dict]:
    return [m for m in state["messages"] if m["seq"] > after and _visible(m, role)]


def _is_revealed(state: dict, sub: dict) -> bool:
    return game.revealed(state, sub["phase"], sub["round"]) is not None


def _shown(state: dict, role: str, sub: dict) -> dict:
    """A submission as ``role`` may see it: whole, or only that it exists while it is sealed (only positions and
    forecasts are sealed: pledges and the requesting state's answer are public)."""
    if sub["kind"] != "position" or role in (FACILITATOR, sub["role"]) or _is_revealed(state, sub):
        out = dict(sub)
    else:
        out = {k: sub[k] for k in ("seq", "kind", "role", "phase", "round")}
        out["sealed"] = True
    out["void"] = sub["round"] < state["rounds"][sub["phase"]]
    return out


def sealed(state: dict, mine: str, role: str) -> dict:
    """``role``'s sealed position in the current round of the decision: refused to others before the reveal."""
    _role(state, role)
    dp = game.decision_phase(state)
    rnd = game.current_round(state, dp)
    sub = game.submissions(state, "position", dp, rnd).get(role)
    open_ = game.revealed(state, dp, rnd) is not None
    if not (mine in (FACILITATOR, role) or open_):
        raise Forbidden(f"{role}'s position is sealed until the facilitator reveals round {rnd}", "role", role)
    return {"role": role, "phase": dp, "round": rnd, "sealed": sub is not None, "revealed": open_,
            "position": sub["position"] if sub else None, "forecast": sub["forecast"] if sub else None}


def _decisions(state: dict) -> list[dict]:
    out = []
    for key, result in state["revealed"].items():
        phase_id, rnd = key.rsplit(":", 1)
        subs = game.submissions(state, "position", phase_id, int(rnd))
        out.append({"phase": phase_id, "round": int(rnd), "void": int(rnd) < state["rounds"][phase_id],
                    **result, "positions": {r: s["position"] for r, s in sorted(subs.items())},
                    "forecasts": {r: s["forecast"] for r, s in sorted(subs.items())}})
    return out


def target_answer(state: dict) -> dict | None:
    """The requesting state's answer to the offer, public to every role once its phase has opened (None before, when
    the phase was skipped, or in a game defined without one): what it asked for, what it was offered, its answer and
    reason (None while it has not answered; a phase closed without an answer left the offer standing)."""
    pid = game.answer_phase(state)
    if pid is None or state["status"].get(pid) not in ("current", "done"):
        return None
    rnd = game.current_round(state, pid)
    model = state["definition"]["model"]
    target = state["definition"]["public"]["target"]
    sub = game.submissions(state, "answer", pid, rnd).get(target)
    return {"phase": pid, "round": rnd, "date": state["dates"].get(pid), "open": state["status"][pid] == "current",
            "target": target, "asked": sub["asked"] if sub else rules.asked(model),
            "offered": sub["offered"] if sub else state["outcome"], "answer": sub["answer"] if sub else None,
            "reason": sub["reason"] if sub else None, "seq": sub["seq"] if sub else None,
            "player": sub["player"] if sub else None, "if_refused": rules.after_refusal(model),
            "outcome": state["outcome"]}


def view(state: dict, role: str, player: str | None = None) -> dict:
    """The game for ``role``: public facts, phases with their dates, who has sealed, revealed decisions,
    the visible messages and, for the facilitator, every submission and player."""
    d = state["definition"]
    r = _role(state, role)
    ph = game.phase(state)
    rnd = game.current_round(state)
    counts: dict[str, int] = {}
    for p in state["players"].values():
        counts[p["role"]] = counts.get(p["role"], 0) + 1
    out: dict[str, Any] = {
        "title": state["title"], "seed": state["seed"], "revision": state["revision"], "seq": state["seq"],
        "you": {"role": role, "player": player, "name": r["name"], "kind": r["kind"], "vote": r["vote"],
                "why": r["why"]},
        "public": d["public"], "in_game_date": state["dates"].get(ph["id"]),
        "phase": {**{k: ph[k] for k in ("id", "title", "description", "organs", "articles", "decision", "pledges")},
                  "answer": bool(ph.get("answer")), "round": rnd, "date": state["dates"].get(ph["id"])},
        "phases": [{"id": p["id"], "title": p["title"], "date": state["dates"].get(p["id"]),
                    "status": state["status"][p["id"]], "round": state["rounds"][p["id"]]} for p in d["phases"]],
        "roles": [{**{k: x[k] for k in ("id", "name", "kind", "vote", "why")}, "players": counts.get(x["id"], 0)}
                  for x in d["roles"]],
        "sealed_by": sorted(game.submissions(state, "position", ph["id"], rnd)) if ph["decision"] else [],
        "pledges": {k: v["personnel"] for k, v in game.submissions(state, "pledge", ph["id"], rnd).items()}
        if ph["pledges"] else {},
        "decisions": _decisions(state), "decision": state["decision"], "outcome": state["outcome"],
        "deployment": state["deployment"], "target_answer": target_answer(state),
        "messages": messages(state, role),
        "injects": list(state["injects"]), "ended": state["ended"], "forked_from": state["forked_from"],
        "yours": [_shown(state, role, s) for s in state["submissions"] if s["role"] == role],
    }
    if role == FACILITATOR:
        out["submissions"] = [_shown(state, role, s) for s in state["submissions"]]
        out["players"] = dict(state["players"])
    return out


def events(state: dict, role: str, logged: list[dict]) -> list[dict]:
    """Logged events as ``role`` may see them: sealed contents hidden before the reveal, private messages
    only to their parties, the (long) definitions left out."""
    subs = {s["seq"]: s for s in state["submissions"]}
    out = []
    for e in logged:
        kind, payload = e["kind"], e["payload"]
        item: dict[str, Any] = {"seq": e["seq"], "kind": kind, "at": e["at"]}
        if kind in game.SUBMITTED:
            sub = subs.get(e["seq"])
            shown = _shown(state, role, sub) if sub else {"role": payload["role"]}
            item.update({k: v for k, v in shown.items() if k != "kind"})
        elif kind == "message":
            if not _visible(payload, role):
                continue
            item.update(payload)
        elif kind == "created":
            item.update(title=payload["title"], seed=payload["seed"])
        elif kind == "injected":
            item.update({k: v for k, v in payload.items() if k not in ("definition", "setup")})
        elif kind == "joined":
            item.update(role=payload["role"], name=payload["name"])
        else:
            item.update(payload)
        out.append(item)
    return out

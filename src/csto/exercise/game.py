"""The game as a fold over its event log: :func:`check` refuses what may not happen, :func:`apply` makes it happen.

A game's state is a plain dict, and only :func:`apply` changes it, one logged event at a time; nothing
in it depends on the clock or the record, so the seed and the log rebuild it exactly (:func:`replay`).
The definition (roles, phases, briefs, the model's numbers) comes in the events that set it (``created``,
``injected``) and is hashed once, so that a state's hash stays cheap however long the briefs are.

Events: ``created``, ``joined``, ``sealed`` (a position and a forecast), ``pledged``, ``answered`` (the
requesting state accepts or refuses an offer short of what it asked), ``message``, ``revealed``, ``advanced``,
``rolled_back``, ``injected`` (an escalation or a change of date), ``forked``.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date
from typing import Any

from ..sim import OUTCOMES
from . import rules
from .errors import BadInput, Conflict, Forbidden, Unknown
from .procedure import Timings, schedule

FACILITATOR, OBSERVER = "facilitator", "observer"
MAX_TEXT = 4000  # characters in one message: a long statement, not a document
MAX_REASON = 1000  # characters of the reason the requesting state gives for its answer: a short statement
KINDS = ("created", "joined", "sealed", "pledged", "answered", "message", "revealed", "advanced", "rolled_back",
         "injected", "forked")
#: The events that are submissions (one per role, phase and round), and the kind of submission each stores.
SUBMITTED = {"sealed": "position", "pledged": "pledge", "answered": "answer"}
#: What the requesting state may answer to an offer short of what it asked.
ANSWERS = ("accept", "refuse")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha(value: Any) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()


#: The parts of a state that only grow, one item per event: each is hashed as a running digest (updated as
#: the item is added), so that a state's hash costs the same on the first event and the thousandth.
GROWING = ("players", "submissions", "messages", "injects")


def state_hash(state: dict) -> str:
    """The hash of everything in ``state``: its definition by the hash taken when it was set, the growing
    parts by their running digests."""
    return sha({k: v for k, v in state.items() if k != "definition" and k not in GROWING})


def _grow(state: dict, name: str, item: dict, key: str | None = None) -> None:
    """Add ``item`` to a growing part of the state (a list, or a dict under ``key``) and to its digest."""
    if key is None:
        state[name].append(item)
    else:
        state[name][key] = item
    state["digests"][name] = sha([state["digests"][name], key, item])


# --- reading the state ------------------------------------------------------------------------------

def roles(state: dict) -> dict[str, dict]:
    return {r["id"]: r for r in state["definition"]["roles"]}


def phase(state: dict, phase_id: str | None = None) -> dict:
    pid = phase_id or state["phase"]
    return next(p for p in state["definition"]["phases"] if p["id"] == pid)


def phase_ids(state: dict) -> list[str]:
    return [p["id"] for p in state["definition"]["phases"]]


def current_round(state: dict, phase_id: str | None = None) -> int:
    return state["rounds"][phase_id or state["phase"]]


def submissions(state: dict, kind: str, phase_id: str, round_: int) -> dict[str, dict]:
    """The live submissions of ``kind`` in one round of a phase, by role."""
    return {s["role"]: s for s in state["submissions"]
            if s["kind"] == kind and s["phase"] == phase_id and s["round"] == round_}


def revealed(state: dict, phase_id: str, round_: int) -> dict | None:
    return state["revealed"].get(f"{phase_id}:{round_}")


def decision_phase(state: dict) -> str:
    return next(p["id"] for p in state["definition"]["phases"] if p["decision"])


def answer_phase(state: dict) -> str | None:
    """The phase in which the requesting state answers the offer (None in a game defined without one)."""
    return next((p["id"] for p in state["definition"]["phases"] if p.get("answer")), None)


# --- checks: what may not happen ----------------------------------------------------------------------

def _forecast(value: Any) -> dict[str, float]:
    if not isinstance(value, dict) or not value:
        raise BadInput(f"forecast: expected a probability for each outcome class ({', '.join(OUTCOMES)})",
                       "forecast", None)
    out = {}
    for k, p in value.items():
        if k not in OUTCOMES:
            raise BadInput(f"forecast: unknown outcome class {k!r}; expected {', '.join(OUTCOMES)}", "forecast", k)
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not math.isfinite(p) or not 0 <= p <= 1:
            raise BadInput(f"forecast.{k}: expected a probability between 0 and 1, got {p!r}", f"forecast.{k}", p)
        out[k] = float(p)
    total = sum(out.values())
    if abs(total - 1.0) > 1e-6:
        raise BadInput(f"forecast: the probabilities must sum to 1, they sum to {total:.6g}", "forecast", total)
    return {k: out.get(k, 0.0) for k in OUTCOMES}


def _open(state: dict) -> None:
    if state["ended"]:
        raise Conflict("the game is over: it is in its debrief", "phase", state["phase"])


def check_seal(state: dict, role: str, position: Any, forecast: Any) -> dict:
    """A sealed submission made valid (raises if it may not be made now); returns the payload to log."""
    _open(state)
    r = roles(state).get(role)
    if r is None or r["kind"] in (FACILITATOR, OBSERVER):
        raise Forbidden(f"{role} does not take part in decisions", "role", role)
    ph = phase(state)
    if not ph["decision"]:
        raise Conflict(f"no decision is open: the game is in phase {ph['id']} (sealed positions are taken in "
                       f"phase {decision_phase(state)})", "phase", ph["id"])
    rnd = current_round(state)
    if revealed(state, ph["id"], rnd) is not None:
        raise Conflict(f"the positions of phase {ph['id']} (round {rnd}) are already revealed", "phase", ph["id"])
    model = state["definition"]["model"]
    if role in model["voters"]:
        classes = state["definition"]["public"]["classes"]
        allowed = [*classes, rules.BLOCK, *([rules.STAND_ASIDE] if model["stand_aside"] else [])]
        if position not in allowed:
            why = (f" (the rule in force, {model['rule']}, has no standing aside)"
                   if position == rules.STAND_ASIDE else "")
            raise BadInput(f"position: expected one of {', '.join(allowed)}{why}", "position", position)
    elif position is not None:
        raise Forbidden(f"{role} has no vote ({r['why']}): it may seal a forecast, not a position", "position", position)
    payload = {"role": role, "phase": ph["id"], "round": rnd, "position": position, "forecast": _forecast(forecast)}
    earlier = submissions(state, "position", ph["id"], rnd).get(role)
    if earlier is not None:
        if earlier["position"] == payload["position"] and earlier["forecast"] == payload["forecast"]:
            return {**payload, "duplicate": True}
        raise Conflict(f"{role} has already sealed its position in this round", "role", role)
    return payload


def check_pledge(state: dict, role: str, personnel: Any) -> dict:
    _open(state)
    ph = phase(state)
    if not ph["pledges"]:
        raise Conflict(f"pledges are not open: the game is in phase {ph['id']}", "phase", ph["id"])
    model = state["definition"]["model"]
    contingent = model["contingent"].get(role, 0)
    if role not in model["voters"] or contingent <= 0:
        raise Forbidden(f"{role} has no contingent in the formation to pledge from", "role", role)
    if isinstance(personnel, bool) or not isinstance(personnel, int) or personnel < 0:
        raise BadInput(f"personnel: expected a whole number of persons >= 0, got {personnel!r}", "personnel",
                       personnel)
    if personnel > contingent:
        raise BadInput(f"personnel: {personnel:,} is more than {role}'s contingent in {model['formation']} "
                       f"({contingent:,})", "personnel", personnel)
    rnd = current_round(state)
    payload = {"role": role, "phase": ph["id"], "round": rnd, "personnel": personnel}
    earlier = submissions(state, "pledge", ph["id"], rnd).get(role)
    if earlier is not None:
        if earlier["personnel"] == personnel:
            return {**payload, "duplicate": True}
        raise Conflict(f"{role} has already pledged in this round", "role", role)
    return payload


def check_answer(state: dict, role: str, answer: Any, reason: Any) -> dict:
    """The requesting state's answer made valid (only its delegation, only in the answer's phase, once a round)."""
    _open(state)
    target = state["definition"]["public"]["target"]
    if role != target:
        raise Forbidden(f"only the requesting state ({target}) answers the offer; {role} may not", "role", role)
    ph = phase(state)
    if not ph.get("answer"):
        raise Conflict(f"no offer awaits an answer: the game is in phase {ph['id']}", "phase", ph["id"])
    if answer not in ANSWERS:
        raise BadInput(f"answer: expected {' or '.join(ANSWERS)}, got {answer!r}", "answer", answer)
    if not isinstance(reason, str) or not reason.strip():
        raise BadInput("reason: expected a short reason for the answer", "reason", None)
    if len(reason) > MAX_REASON:
        raise BadInput(f"reason: at most {MAX_REASON:,} characters, got {len(reason):,}", "reason", len(reason))
    rnd = current_round(state)
    earlier = submissions(state, "answer", ph["id"], rnd).get(role)
    if earlier is not None:  # before the offer is read: a refusal has changed the outcome since
        if earlier["answer"] == answer and earlier["reason"] == reason.strip():
            return {k: earlier[k] for k in ("role", "phase", "round", "answer", "reason", "offered", "asked")} | {
                "duplicate": True}
        raise Conflict(f"{role} has already answered the offer ({earlier['answer']})", "role", role)
    model, offered = state["definition"]["model"], state["outcome"]
    if not rules.may_refuse(model, offered):  # a phase reopened on an offer that is not short: nothing to answer
        raise Conflict(f"the offer ({offered}) is not short of what {target} asked for ({rules.asked(model)})",
                       "phase", ph["id"])
    return {"role": role, "phase": ph["id"], "round": rnd, "answer": answer, "reason": reason.strip(),
            "offered": offered, "asked": rules.asked(model)}


def check_message(state: dict, sender: str, to: str | None, text: Any) -> dict:
    if sender == OBSERVER:
        raise Forbidden("observers read; they do not speak", "role", sender)
    if not isinstance(text, str) or not text.strip():
        raise BadInput("text: expected a message", "text", text)
    if len(text) > MAX_TEXT:
        raise BadInput(f"text: at most {MAX_TEXT:,} characters, got {len(text):,}", "text", len(text))
    if to is not None:
        if to not in roles(state) or to == OBSERVER:
            raise Unknown(f"no role {to!r} to write to; expected one of "
                          f"{', '.join(r for r in roles(state) if r != OBSERVER)}", "to", to)
        if to == sender:
            raise BadInput("to: a private message goes to another role", "to", to)
    return {"from": sender, "to": to, "text": text, "date": state["dates"].get(state["phase"])}


def check_reveal(state: dict, force: bool) -> dict:
    _open(state)
    ph = phase(state)
    if not ph["decision"]:
        raise Conflict(f"nothing to reveal: phase {ph['id']} holds no decision", "phase", ph["id"])
    rnd = current_round(state)
    if revealed(state, ph["id"], rnd) is not None:
        raise Conflict(f"round {rnd} of phase {ph['id']} is already revealed", "phase", ph["id"])
    sealed = submissions(state, "position", ph["id"], rnd)
    missing = [v for v in state["definition"]["model"]["voters"] if v not in sealed]
    if missing and not force:
        raise Conflict(f"still to seal a position: {', '.join(missing)} (reveal with force to count them as "
                       "not taking part)", "missing", ", ".join(missing))
    return {"phase": ph["id"], "round": rnd, "force": bool(force)}


def check_advance(state: dict) -> dict:
    _open(state)
    ph = phase(state)
    if ph["decision"] and revealed(state, ph["id"], current_round(state)) is None:
        raise Conflict(f"reveal the sealed positions of phase {ph['id']} before closing it", "phase", ph["id"])
    return {"from": ph["id"], "to": _next(state, ph["id"], _outcome_after(state, ph["id"]))}


def check_rollback(state: dict) -> dict:
    ids = phase_ids(state)
    here = ids.index(state["phase"])
    back = [p for p in ids[:here] if state["status"][p] != "skipped"]
    if not back:
        raise Conflict(f"phase {state['phase']} is the first: nothing to roll back to", "phase", state["phase"])
    return {"from": state["phase"], "to": back[-1]}


def check_change(state: dict) -> None:
    """A change of the facts (a date or an escalation that re-assesses the event) must come before the decision."""
    _open(state)
    dp = decision_phase(state)
    ids = phase_ids(state)
    if ids.index(state["phase"]) > ids.index(dp) or revealed(state, dp, current_round(state, dp)) is not None:
        raise Conflict(f"the facts can change only before the decision is revealed: roll back to {dp} first",
                       "phase", state["phase"])


# --- the fold -------------------------------------------------------------------------------------------

def _outcome_after(state: dict, phase_id: str) -> str | None:
    """The outcome known once ``phase_id`` closes (None while no decision is taken)."""
    ph = phase(state, phase_id)
    if ph["pledges"]:
        return "troops" if any(s["personnel"] > 0 for s in
                               submissions(state, "pledge", phase_id, current_round(state, phase_id)).values()) \
            else "assistance"
    return state["outcome"]


def _needed(state: dict, phase_id: str, outcome: str | None) -> bool:
    """Whether a phase is played once the outcome is ``outcome`` (``needs`` in data/exercise/procedure.yaml)."""
    needs = phase(state, phase_id)["needs"]
    if needs == "troops":
        return outcome == "troops"
    if needs == "refusable":
        return rules.may_refuse(state["definition"]["model"], outcome)
    return True


def _next(state: dict, phase_id: str, outcome: str | None) -> str:
    ids = phase_ids(state)
    for p in ids[ids.index(phase_id) + 1:]:
        if _needed(state, p, outcome):
            return p
    raise Conflict("the game is over: no phase follows the debrief", "phase", phase_id)


def _reschedule(state: dict) -> None:
    d = state["definition"]
    skipped = frozenset(p["id"] for p in d["phases"] if state["status"].get(p["id"]) == "skipped")
    dep = state["deployment"] or {}
    t = Timings(days_to_decision=d["timings"]["days_to_decision"],
                days_to_first_troops=(dep.get("days_to_first_troops") or {}).get("p50"),
                days_to_withdrawal=(dep.get("days_to_withdrawal") or {}).get("p50"))
    state["dates"] = schedule(d["phases"], date.fromisoformat(d["public"]["request_day"]), t, skipped)


def _set_definition(state: dict, definition: dict) -> None:
    state["definition"] = definition
    state["definition_sha"] = sha(definition)
    _reschedule(state)


def new_state() -> dict:
    return {"seed": None, "title": None, "setup": None, "revision": -1, "definition": None, "definition_sha": None,
            "phase": None, "status": {}, "rounds": {}, "dates": {}, "players": {}, "submissions": [],
            "revealed": {}, "decision": None, "outcome": None, "deployment": None, "messages": [], "injects": [],
            "forked_from": None, "ended": False, "seq": 0, "digests": dict.fromkeys(GROWING, "")}


def apply(state: dict, seq: int, kind: str, actor: str, payload: dict) -> None:
    """Apply one checked event to ``state`` in place."""
    if kind == "created":
        state.update(seed=payload["seed"], title=payload["title"], setup=payload["setup"], revision=0)
        _set_definition(state, payload["definition"])
        ids = phase_ids(state)
        state["phase"] = ids[0]
        state["status"] = {p: "current" if i == 0 else "pending" for i, p in enumerate(ids)}
        state["rounds"] = {p: 1 for p in ids}
        _reschedule(state)
    elif kind == "joined":
        _grow(state, "players", {"role": payload["role"], "name": payload["name"], "seq": seq}, payload["player"])
    elif kind in SUBMITTED:
        _grow(state, "submissions", {"seq": seq, "kind": SUBMITTED[kind], "player": actor, **payload})
        if kind == "answered" and payload["answer"] == "refuse":  # step 6: a refused offer leaves a mission
            state["outcome"] = rules.after_refusal(state["definition"]["model"])
    elif kind == "message":
        _grow(state, "messages", {"seq": seq, **payload})
    elif kind == "revealed":
        sealed = submissions(state, "position", payload["phase"], payload["round"])
        result = rules.decide(state["definition"]["model"], {r: s["position"] for r, s in sealed.items()})
        state["revealed"][f"{payload['phase']}:{payload['round']}"] = {**result, "seq": seq, "force": payload["force"]}
        state["decision"] = result
        state["outcome"] = result["decision"]
    elif kind == "advanced":
        _advance(state, seq, payload)
    elif kind == "rolled_back":
        _roll_back(state, payload["to"])
    elif kind == "injected":
        _grow(state, "injects", {"seq": seq, **{k: v for k, v in payload.items() if k not in ("definition", "setup")}})
        if payload.get("definition") is not None:
            state["setup"] = payload["setup"]
            state["revision"] += 1
            if phase(state)["decision"] and submissions(state, "position", state["phase"], current_round(state)):
                state["rounds"][state["phase"]] += 1  # positions sealed on the old facts are void
            _set_definition(state, payload["definition"])
    elif kind == "forked":
        state["forked_from"] = {"game": payload["parent"], "seq": payload["at_seq"]}
        state["title"] = payload.get("title") or state["title"]
    else:
        raise ValueError(f"unknown event kind {kind!r}")
    state["seq"] = seq


def _advance(state: dict, seq: int, payload: dict) -> None:
    here, to = payload["from"], payload["to"]
    ph = phase(state, here)
    if ph["pledges"]:
        pledges = {r: s["personnel"] for r, s in submissions(state, "pledge", here, current_round(state, here)).items()}
        state["outcome"] = _outcome_after(state, here)
        if state["outcome"] == "troops":
            d = state["definition"]
            decided = state["dates"][decision_phase(state)]
            day = (date.fromisoformat(decided) - date.fromisoformat(d["public"]["request_day"])).days
            state["deployment"] = rules.deployment(d["model"], pledges, float(day), state["seed"], seq,
                                                   d["settings"]["deployment_draws"])
    ids = phase_ids(state)
    for p in ids[ids.index(here) + 1:ids.index(to)]:
        state["status"][p] = "skipped"
    state["status"][here], state["status"][to], state["phase"] = "done", "current", to
    state["ended"] = to == ids[-1]
    _reschedule(state)


def _roll_back(state: dict, to: str) -> None:
    ids = phase_ids(state)
    back = ids.index(to)
    for p in ids[back:]:
        state["status"][p] = "pending"
        ph = phase(state, p)
        live = ph["decision"] and revealed(state, p, current_round(state, p)) is not None
        pledged = ph["pledges"] and submissions(state, "pledge", p, current_round(state, p))
        sealed = ph["decision"] and submissions(state, "position", p, current_round(state, p))
        answered = ph.get("answer") and submissions(state, "answer", p, current_round(state, p))
        if live or pledged or sealed or answered:
            state["rounds"][p] += 1  # what was submitted in the phase rolled back is void
    state["status"][to], state["phase"], state["ended"] = "current", to, False
    dp = ids.index(decision_phase(state))
    if back <= dp:
        state["decision"], state["outcome"] = None, None
    elif state["decision"] is not None:
        state["outcome"] = _outcome_before(state, to)
    # The deployment was made from the pledges when their phase closed: it stands while that phase stays closed
    # (rolling back from the withdrawal into the deployment keeps it) and the outcome is still troops.
    pledges_reopened = any(phase(state, p)["pledges"] for p in ids[back:])
    if pledges_reopened or state["outcome"] != "troops":
        state["deployment"] = None
    _reschedule(state)


def _outcome_before(state: dict, phase_id: str) -> str:
    """The outcome as it stood when ``phase_id`` opened: the decision, turned to assistance by pledges that came
    to nothing, and to a mission by a refusal, in the phases closed between them."""
    ids = phase_ids(state)
    outcome = state["decision"]["decision"]
    for p in ids[ids.index(decision_phase(state)) + 1:ids.index(phase_id)]:
        if state["status"][p] != "done":
            continue
        ph, rnd = phase(state, p), current_round(state, p)
        if ph["pledges"]:
            outcome = _outcome_after(state, p)
        elif ph.get("answer") and any(a["answer"] == "refuse" for a in submissions(state, "answer", p, rnd).values()):
            outcome = rules.after_refusal(state["definition"]["model"])
    return outcome


def replay(events: list[tuple[int, str, str, dict]]) -> tuple[dict, list[str]]:
    """Fold ``(seq, kind, actor, payload)`` events from nothing; returns the state and the hash after each."""
    state, hashes = new_state(), []
    for seq, kind, actor, payload in events:
        apply(state, seq, kind, actor, payload)
        hashes.append(state_hash(state))
    return state, hashes

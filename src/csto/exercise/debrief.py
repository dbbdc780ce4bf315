"""The debrief: the class's decision against the model's seeded runs and against history, forecasts scored.

Everything here reads the game's state only: the model's runs of the scenario on the game's date were
made (seeded) when the game was defined and are in its log, so a debrief is the same whenever it is
asked for and after any replay. The requesting state's answer to an offer short of what it asked is set
beside the share of runs in which the model's target refuses (step 6) and, for a historical case, beside
what the target really did. Forecasts are scored by the multiclass Brier score (the sum over the six
classes of the squared difference between the probability given and 1 for the class that happened, 0
for the others: 0 is perfect, 2 the worst), beside the model's own distribution and the uniform forecast.
"""

from __future__ import annotations

import math
from datetime import date

from ..sim import OUTCOMES
from . import access, game, rules


def brier(forecast: dict[str, float], outcome: str) -> float:
    """Multiclass Brier score of ``forecast`` (class -> probability) when ``outcome`` happened."""
    return round(sum((forecast.get(k, 0.0) - (1.0 if k == outcome else 0.0)) ** 2 for k in OUTCOMES), 4)


def where(outcomes: dict[str, float], mcse: dict[str, float], cls: str) -> dict:
    """Where class ``cls`` falls in a distribution over the ordered classes: the shares of runs that decided
    less, the same and more, and its mid-rank percentile."""
    i = OUTCOMES.index(cls)
    weaker = sum(p for k, p in outcomes.items() if OUTCOMES.index(k) < i)
    same = outcomes.get(cls, 0.0)
    return {"class": cls, "p_same": round(same, 4), "p_same_mcse": mcse.get(cls), "p_weaker": round(weaker, 4),
            "p_stronger": round(max(0.0, 1.0 - weaker - same), 4), "percentile": round(weaker + same / 2, 4)}


def _band(q: dict | None, value: float | None) -> str | None:
    """Which band of the quantiles ``q`` (p05..p95) ``value`` falls in."""
    if value is None or not q or q.get("p05") is None:
        return None
    edges = [("p05", "below the 5th percentile"), ("p25", "between the 5th and 25th percentiles"),
             ("p50", "between the 25th percentile and the median"), ("p75", "between the median and the 75th "
                                                                            "percentile"),
             ("p95", "between the 75th and 95th percentiles")]
    for key, label in edges:
        if value < q[key]:
            return label
    return "above the 95th percentile"


def _days(a: str | None, b: str | None) -> int | None:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days if a and b else None


def _model(state: dict, outcome: str, decided_day: int | None) -> dict:
    d = state["definition"]
    runs = d["model_runs"]
    decision = state["decision"]
    expected = sorted(({"state": s, "p_blocks": p, "p_blocks_mcse": runs["blocking_mcse"].get(s)}
                       for s, p in runs["blocking"].items() if p > 0), key=lambda x: -x["p_blocks"])
    # the model expects a state to block when its share of runs in which it blocks is above zero by more than
    # 1.96 Monte Carlo standard errors (the test csto simulate uses to name who blocks most often)
    named = {x["state"] for x in expected if x["p_blocks"] - 1.96 * (x["p_blocks_mcse"] or 0.0) > 0}
    class_blockers = set(decision["blockers"])
    dep = state["deployment"]
    by_state = {}
    for s in d["model"]["voters"]:
        m = runs["personnel_by_state"].get(s, {})
        by_state[s] = {"class_pledged": (dep or {}).get("personnel", {}).get(s, 0) if dep else None,
                       "model_p_contributes": m.get("p_contributes"),
                       "model_mean_when_deployed": m.get("mean_when_deployed")}
    return {
        "runs": runs["runs"], "seed": runs["seed"], "outcomes": runs["outcomes"], "outcomes_mcse": runs["outcomes_mcse"],
        "most_likely": runs["most_likely"], "class_outcome": where(runs["outcomes"], runs["outcomes_mcse"], outcome),
        "class_decision": where(runs["outcomes"], runs["outcomes_mcse"], decision["decision"]),
        "expected_blockers": expected, "most_often_blocks": runs["most_often_blocks"],
        "most_often_blocks_why": runs["most_often_blocks_why"],
        "blockers": {"class": sorted(class_blockers), "model": sorted(named), "both": sorted(class_blockers & named),
                     "class_only": sorted(class_blockers - named), "model_only": sorted(named - class_blockers)},
        "days_to_decision": {"class": decided_day, "model": runs["days_to_decision"],
                             "falls": _band(runs["days_to_decision"], decided_day)},
        "personnel": {"class": dep["total_personnel"] if dep else 0, "model_peak": runs["peak_personnel"],
                      "falls": _band(runs["peak_personnel"], dep["total_personnel"]) if dep else None,
                      "by_state": by_state},
        "days_to_first_troops": {"class": (dep or {}).get("days_to_first_troops"),
                                 "model": runs["days_to_first_troops"]},
        "days_to_withdrawal": {"class": (dep or {}).get("days_to_withdrawal"), "model": runs["days_to_withdrawal"]},
    }


def _history(state: dict, outcome: str, decided_day: int | None) -> dict | None:
    h = state["definition"].get("history")
    if not h:
        return None
    diff = OUTCOMES.index(outcome) - OUTCOMES.index(h["outcome"])
    dep = state["deployment"] or {}
    sent: dict[str, int | None] = {}
    for m in h["missions"]:
        sent.update(m["contributors"])
    return {**h, "class_outcome": outcome,
            "class_vs_history": "the same" if diff == 0 else ("stronger" if diff > 0 else "weaker"),
            "classes_apart": diff, "class_days_to_decision": decided_day,
            "class_personnel": dep.get("total_personnel", 0),
            "contributors": {s: {"history": sent.get(s), "class": dep.get("personnel", {}).get(s, 0),
                                 "history_sent": s in sent}
                             for s in sorted(set(sent) | set(dep.get("personnel", {})))}}


def _share(count: int, n: int) -> tuple[float | None, float | None]:
    """A share of ``n`` runs and its Monte Carlo standard error (None without runs)."""
    if n <= 0:
        return None, None
    p = count / n
    return round(p, 4), round(math.sqrt(p * (1 - p) / n), 4)


def _target_answer(state: dict, hist: dict | None) -> dict:
    """The requesting state's answer (if the offer was short of what it asked) beside the model and history."""
    d = state["definition"]
    runs, numbers = d["model_runs"], d["model"]
    n = int(runs["runs"])
    p_refused = runs.get("p_refused_by_target")
    # A run whose offer the target could refuse either was refused (and ends at a mission, or the floor: never a
    # class it could refuse) or was not (and ends at that offer): so the runs with a refusable offer are the refused
    # ones plus those ending in a class it could refuse, and the model's chance of a refusal once such an offer is
    # made is read from the same summary, with no other runs.
    asked = rules.asked(numbers)
    refused = round(p_refused * n) if p_refused is not None else None
    standing = sum(round(share * n) for cls, share in runs["outcomes"].items() if rules.may_refuse(numbers, cls))
    offers = (refused or 0) + standing
    p_given, p_given_mcse = _share(refused, offers) if refused is not None else (None, None)
    answer = access.target_answer(state)
    return {
        "target": d["public"]["target"], "asked": asked, "step": answer is not None,
        "offered": answer["offered"] if answer else None, "answer": answer["answer"] if answer else None,
        "reason": answer["reason"] if answer else None,
        "refused": bool(answer and answer["answer"] == "refuse"),
        "model": {"runs": n, "p_refused_by_target": p_refused,
                  "p_refused_by_target_mcse": runs.get("p_refused_by_target_mcse"),
                  "runs_with_refusable_offer": offers if refused is not None else None,
                  "p_refused_when_refusable": p_given, "p_refused_when_refusable_mcse": p_given_mcse},
        "history": {"crisis": hist["crisis"], "refused_by_target": hist.get("refused_by_target"),
                    "refusal": hist.get("refusal"), "outcome": hist["outcome"]} if hist else None,
    }


def _forecasts(state: dict, outcome: str, historical: str | None) -> dict:
    dp = game.decision_phase(state)
    subs = game.submissions(state, "position", dp, game.current_round(state, dp))
    model = state["definition"]["model_runs"]["outcomes"]
    uniform = {k: 1 / len(OUTCOMES) for k in OUTCOMES}
    scored = []
    for role, s in sorted(subs.items()):
        scored.append({"role": role, "position": s["position"], "forecast": s["forecast"],
                       "brier": brier(s["forecast"], outcome),
                       "brier_history": brier(s["forecast"], historical) if historical else None})
    scored.sort(key=lambda x: (x["brier"], x["role"]))
    mean = round(sum(x["brier"] for x in scored) / len(scored), 4) if scored else None
    return {"scored_against": outcome, "history_outcome": historical, "delegations": scored, "class_mean": mean,
            "baselines": {"model": {"brier": brier(model, outcome),
                                    "brier_history": brier(model, historical) if historical else None},
                          "uniform": {"brier": brier(uniform, outcome),
                                      "brier_history": brier(uniform, historical) if historical else None}},
            "note": "Multiclass Brier score: 0 is perfect, 2 the worst; the uniform forecast scores "
                    f"{brier(uniform, outcome):.3f} whatever happens."}


def simulation(state: dict) -> dict | None:
    """The game's model runs in the fields of a ``simulate`` answer's result (scenario, date, overlay, seed and the
    summary), for a face that draws them; None for a game defined by a csto that kept only part of the summary."""
    d = state["definition"]
    runs = d["model_runs"]
    if "timing_quantiles" not in runs or "p_request" not in runs:
        return None
    public = d["public"]
    return {"scenario": public["scenario"], "date": public["on"], "overlay": (public.get("overlay") or {}).get("id"),
            **runs, "model": {"rule": public.get("rule"), "parameters": d["model"].get("parameters")}}


def debrief(state: dict) -> dict:
    """The debrief of a game whose decision has been revealed (raises nothing; the service checks that)."""
    d = state["definition"]
    decision = state["decision"]
    outcome = state["outcome"] or decision["decision"]
    decided_day = _days(d["public"]["request_day"], state["dates"].get(game.decision_phase(state)))
    hist = _history(state, outcome, decided_day)
    return {"scenario": d["public"]["scenario"], "on": d["public"]["on"], "seed": state["seed"],
            "rule": d["public"]["rule"], "decision": decision, "outcome": outcome, "deployment": state["deployment"],
            "model": _model(state, outcome, decided_day), "history": hist,
            "target_answer": _target_answer(state, hist),
            "forecasts": _forecasts(state, outcome, hist["outcome"] if hist else None),
            "simulation": simulation(state),
            "uncertainty": f"the model's shares come from {d['model_runs']['runs']:,} runs: their Monte Carlo "
                           f"standard error is at most {0.5 / math.sqrt(d['model_runs']['runs']):.3f}"}

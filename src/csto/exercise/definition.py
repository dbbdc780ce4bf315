"""A game's definition: the scenario, the law on the date and the model, turned into roles, phases and briefs.

Nothing here decides who votes: the roles follow the compiled model (:attr:`CrisisModel.voters`, the
target's index and the members the compiler left out as ``absent``), and the decision rule is the one
the treaty engine finds in force and the simulation applies (``model.info["rule"]``). The definition is
a plain JSON-ready dict; the game stores it in its event log, so that replaying the log never needs
the record again and a later edit of ``data/`` cannot change a game already played.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..errors import RecordError, validate
from ..record import Record
from ..record.dates import first_day, parse_day
from ..sim import OUTCOMES, CrisisModel, compile, params_for, run
from ..treaty import Overlay, law_for, load_overlay, load_scenario, obligations
from ..treaty.scenario import Event
from . import briefs
from .procedure import Procedure, Timings, schedule

#: Scenario fields an escalation may change (an inject re-assesses the event with them).
ESCALATION_FIELDS = ("armed_attack", "outside_involvement", "threatens")
#: Role ids that are not a state's delegation.
STAFF = ("secretary-general", "joint-staff")
FACILITATOR, OBSERVER = "facilitator", "observer"


@dataclasses.dataclass(frozen=True)
class Setup:
    """What a game is played on: the event (scenario), a treaty what-if, the date, and the seed."""

    event: Event
    overlay: Overlay | None = None
    on: date | None = None
    seed: int = 0
    source: dict = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready, enough to rebuild the setup without the scenario's file (:func:`setup_from_dict`)."""
        return {"event": self.event.model_dump(mode="json", by_alias=True), "extra": self.event.extra or {},
                "overlay": self.overlay.model_dump(mode="json", by_alias=True) if self.overlay else None,
                "on": self.on.isoformat() if self.on else None, "seed": self.seed, "source": self.source}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def setup_from_files(scenario: str | Path, record: Record, *, on: str | date | None = None,
                     overlay: str | Path | None = None, seed: int = 0) -> Setup:
    """Read a scenario (and an overlay) file as the treaty engine reads them; errors name file, line and field."""
    law = law_for(record)
    event = load_scenario(scenario, record, law)
    what_if = load_overlay(overlay, record, law) if overlay else None
    day = parse_day(on) if isinstance(on, str) else on
    source = {"scenario": str(scenario), "scenario_sha256": _sha(Path(scenario)),
              "overlay": str(overlay) if overlay else None,
              "overlay_sha256": _sha(Path(overlay)) if overlay else None}
    return Setup(event, what_if, day, seed, source)


def setup_from_dict(d: dict) -> Setup:
    """The inverse of :meth:`Setup.as_dict`."""
    event = Event.model_validate(d["event"]).model_copy(update={"extra": d.get("extra") or {}})
    overlay = Overlay.model_validate(d["overlay"]) if d.get("overlay") else None
    return Setup(event, overlay, parse_day(d["on"]) if d.get("on") else None, int(d["seed"]), d.get("source") or {})


def escalate(setup: Setup, changes: dict[str, Any]) -> Setup:
    """The setup with the event's facts changed by an escalation (only :data:`ESCALATION_FIELDS`)."""
    for key in changes:
        if key not in ESCALATION_FIELDS:
            raise RecordError("inject", None, f"changes.{key}",
                              f"an escalation may change only {', '.join(ESCALATION_FIELDS)}", key)
    raw = {**setup.event.model_dump(mode="json", by_alias=True, exclude_none=True), **changes}
    event = validate(Event, raw, "inject", "changes").model_copy(update={"extra": setup.event.extra})
    return dataclasses.replace(setup, event=event)


def _median(summary: dict, key: str) -> float | None:
    q = summary.get(key) or {}
    return q.get("p50") if q.get("p50") is not None else q.get("mean")


def model_numbers(model: CrisisModel) -> dict:
    """What the game needs of the compiled model to time and cost a deployment (csto/sim/model.py, steps 7-9)."""
    md = model.as_dict()
    keep = ("formation", "air_speed_kmh", "pax_per_flight", "flights_per_day", "mobilise_median", "mobilise_sigma",
            "operation_median", "operation_sigma", "cost_rule", "cost_person_day", "cost_flight", "cost_mission",
            "cost_assistance", "deploy_fraction", "horizon_days", "floor", "ceiling", "asked", "target", "rule",
            "threshold", "stand_aside")
    out = {k: md[k] for k in keep}
    states = list(model.states)
    out.update(states=states, voters=[s for s, v in zip(states, model.voters.tolist()) if v],
               contingent={s: int(c) for s, c in zip(states, model.contingent)},
               distance_km={s: float(d) for s, d in zip(states, model.distance_km)},
               budget_share={s: float(b) for s, b in zip(states, model.budget_share)},
               absent=dict(model.info.get("absent", {})), forces=model.info.get("forces"),
               parameters=model.info.get("parameters"),
               rule_title=(model.info.get("rule") or {}).get("title"), notes=list(model.notes))
    return out


def model_runs(model: CrisisModel, runs: int, seed: int) -> dict:
    """The distribution the debrief compares the class with: ``runs`` seeded replications of the model."""
    # the whole summary, as ``csto simulate`` gives it (its timing quantiles too), so that a face can draw the
    # runs with the simulation's own picture
    return {"seed": seed, **run(model, runs, seed)}


def _roles(model: CrisisModel, record: Record, day: date, target: str) -> list[dict]:
    names = record.states
    roles = []
    for i, s in enumerate(model.states):
        if i == model.target:
            roles.append({"id": s, "kind": "requesting-state", "state": s, "name": names[s].name, "vote": False,
                          "why": "the requesting state: it does not vote on help to itself"})
        else:
            vote = bool(model.voters[i])
            roles.append({"id": s, "kind": "delegation", "state": s, "name": names[s].name, "vote": vote,
                          "why": None if vote else f"not a voter on {day.isoformat()}"})
    for s, how in (model.info.get("absent") or {}).items():
        roles.append({"id": s, "kind": "delegation", "state": s, "name": names[s].name, "vote": False,
                      "why": f"participation {how} on {day.isoformat()}: present without a vote "
                             "(neither votes nor contributes nor pays)"})
    if model.target < 0:
        roles.append({"id": target, "kind": "requesting-state", "state": target, "name": names[target].name,
                      "vote": False, "why": f"not a member on {day.isoformat()}: it does not vote"})
    roles.sort(key=lambda r: (r["kind"] != "delegation", r["id"]))
    roles += [{"id": "secretary-general", "kind": "secretariat", "state": None, "name": "Secretary General",
               "vote": False, "why": "the Secretariat prepares and reports; it does not vote"},
              {"id": "joint-staff", "kind": "secretariat", "state": None, "name": "Joint Staff", "vote": False,
               "why": "the Joint Staff plans the force; it does not vote"},
              {"id": FACILITATOR, "kind": FACILITATOR, "state": None, "name": "Facilitator", "vote": False,
               "why": "the umpire: sees everything, runs the phases"},
              {"id": OBSERVER, "kind": OBSERVER, "state": None, "name": "Observers", "vote": False,
               "why": "read only"}]
    return roles


def _phases(proc: Procedure, law, record: Record, day: date) -> list[dict]:
    organ_names = {o.id: o.name for o in record.organs()}
    out = []
    for p in proc.phases:
        articles = []
        for a in p.articles:
            version = law.articles[a].version_on(day)
            if version is not None:
                articles.append({"id": a, "citation": law.articles[a].citation, "version": version.label})
        out.append({"id": p.id, "title": p.title, "description": p.description.strip(),
                    "organs": [{"id": o, "name": organ_names.get(o, o)} for o in p.organs], "articles": articles,
                    "decision": p.decision, "pledges": p.pledges, "answer": p.answer, "needs": p.needs,
                    "assumption": p.assumption,
                    "rationale": p.rationale, "day": p.day.model_dump(),
                    "sources": [{"id": r.id, "passage": r.passage} for r in p.sources]})
    return out


def history(record: Record, crisis_id: str | None, horizon_days: float) -> dict | None:
    """What the organization did in the record's crisis ``crisis_id`` (None when the scenario is not one),
    with the missions it sent and each state's contingent in them."""
    if not crisis_id:
        return None
    c = next((x for x in record.crises() if x.id == crisis_id), None)
    if c is None:
        return None
    r = c.response
    start = first_day(c.date)
    missions = [{"mission": m.id, "name": m.name, "from": m.start, "to": m.end, "personnel": m.personnel,
                 "contributors": {x.state: x.personnel for x in m.contributors}}
                for m in record.missions() if m.host in c.targets
                and start <= first_day(m.start) <= start + timedelta(days=horizon_days)]
    request = c.request.date if c.request else None
    return {"crisis": c.id, "name": c.name, "date": c.date, "outcome": r.outcome, "decided": r.decided,
            "decided_by": r.decided_by, "days_to_decision": (first_day(r.decided) - first_day(request)).days
            if r.decided and request else None, "first_troops": r.first_troops, "personnel": r.personnel,
            "withdrawn": r.withdrawn, "refused_by_target": r.refused_by_target, "refusal": r.refusal,
            "description": r.description,
            "uncertain": c.uncertain, "missions": missions,
            "sources": [{"id": x.id, "passage": x.passage} for x in c.sources]}


def define(setup: Setup, record: Record, proc: Procedure) -> dict:
    """The whole definition of a game on ``setup`` as of its date: roles, phases and their dates, briefs, the
    model's numbers and its seeded runs (JSON-ready)."""
    law = law_for(record)
    params = params_for(record)
    event = setup.event
    assessment = obligations(event, record, setup.on, setup.overlay, law)
    model = compile(event, record, params, on=setup.on, overlay=setup.overlay)
    day = assessment.on
    if not proc.in_force(day):
        raise RecordError(proc.path, None, "procedure.from", f"the procedure is not in force on {day.isoformat()} "
                          f"(from {proc.procedure.start})", day.isoformat())
    target = model.info["situation"]["target"]
    numbers = model_numbers(model)
    runs = model_runs(model, proc.game.debrief_runs.value, setup.seed)
    roles = _roles(model, record, day, target)
    phases = _phases(proc, law, record, day)
    request_day = setup.on or (parse_day(event.request.date) if event.request else event.day)
    dates = schedule(phases, request_day, Timings(days_to_decision=_median(runs, "days_to_decision")))
    crisis = ((event.extra or {}).get("simulation") or {}).get("crisis")
    perp = event.perpetrator
    public = {"scenario": event.id, "title": event.title, "date": event.date, "on": day.isoformat(),
              "kind": event.kind, "targets": list(event.targets), "target": target,
              "perpetrator": perp.state or perp.name or perp.type,
              "request": event.request.model_dump(mode="json") if event.request else None,
              "place": event.location.place, "overlay": {"id": setup.overlay.id, "title": setup.overlay.title}
              if setup.overlay else None, "rule": model.info.get("rule"), "decision": assessment.decision,
              "floor": OUTCOMES[model.floor], "ceiling": OUTCOMES[model.ceiling],
              "classes": list(OUTCOMES[:model.ceiling + 1]), "crisis": crisis, "flags": assessment.flags,
              "request_day": request_day.isoformat()}
    brief = {}
    for r in roles:
        if r["kind"] in ("delegation", "requesting-state"):
            brief[r["id"]] = briefs.delegation(r["state"], r, event, assessment, model, params, record, day)
    brief["secretary-general"] = briefs.secretary_general(event, assessment, model, record, day, phases)
    brief["joint-staff"] = briefs.joint_staff(model, record, event, day)
    out = {"public": public, "roles": roles, "phases": phases, "dates": dates,
           "timings": {"days_to_decision": _median(runs, "days_to_decision")}, "briefs": brief, "model": numbers,
           "model_runs": runs, "history": history(record, crisis, model.horizon_days), "procedure": {"id": proc.procedure.id, "file": proc.path},
           "settings": {k: getattr(proc.game, k).value for k in type(proc.game).model_fields}}
    return json.loads(json.dumps(out, default=str))  # plain JSON types only: what the log stores is what is used

"""The engine: an event on a date -> the obligations the Treaty and the Charter create, with a trace.

It holds no law and no country: the articles in force come from ``data/treaty/`` (through
:class:`Law`), the facts about states from the record (through :class:`Standings`), and a what-if
:class:`Overlay` may change either. Every step it takes is written to the trace in words a reader
can check against the quoted texts.

An obligation's status is one of three, the first that holds in this order:

- ``conditional``: a condition of the text is not met (no request by the attacked member, say), or
  every duty it follows from is itself conditional. It is not owed yet, so whether it would be
  disputed is a later question; the flags that would dispute it are still listed in ``contested_by``.
- ``contested``: its conditions are met, but a flag puts it in doubt (or the firmest duty it follows
  from is contested).
- ``owed``: neither.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ..record import Record, dates
from .articles import Effect, InForce, Law, When, law_for
from .overlay import Overlay
from .scenario import Event
from .standing import Standing, Standings

ORGANIZATION = "CSTO"
UNSC = "un-security-council"
_FIRMNESS = ("owed", "contested", "conditional")  # firmest first


@dataclass
class Obligation:
    """One duty: who owes what to whom, on which legal basis, through which organ, how soon, on what terms."""

    id: str  # article-id.effect-id, stable across versions of the article
    action: str
    description: str
    party: str
    owed_by: list[str]
    owed_to: list[str]
    basis: dict
    organ: dict | None
    decision_rule: dict | None
    timing: str | None
    conditions: list[dict]
    status: str  # conditional | contested | owed: see the module docstring
    contested_by: list[str] = field(default_factory=list)
    not_participating: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Assessment:
    """The answer for one event: obligations, flags, the articles used, and a readable trace."""

    event: Event
    on: date
    obligations: list[Obligation]
    flags: list[str]
    articles: list[dict]
    trace: list[str]
    decision: dict | None
    members: list[str]
    overlay: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "event": self.event.model_dump(mode="json", exclude_none=True),
            "on": self.on.isoformat(),
            "overlay": self.overlay,
            "notes": self.notes,
            "members": self.members,
            "flags": self.flags,
            "decision": self.decision,
            "obligations": [o.as_dict() for o in self.obligations],
            "articles": self.articles,
            "trace": self.trace,
        }


@dataclass
class _Facts:
    event: Event
    day: date
    kind: str
    armed_attack: bool
    threats: list[str]
    targets: list[Standing]
    perpetrator: Standing | None
    members: list[Standing]
    organ_names: dict[str, str]

    @property
    def target_member(self) -> bool:
        return any(t.is_member for t in self.targets)

    between_members: bool = False

    @property
    def perpetrator_member(self) -> bool:
        """The attacker is a member, or the event is a clash among member targets (kind between_members)."""
        if self.perpetrator and self.perpetrator.is_member:
            return True
        return self.between_members and sum(t.is_member for t in self.targets) >= 2


def obligations(event: Event, record: Record | None = None, on: date | None = None,
                overlay: Overlay | None = None, law: Law | None = None) -> Assessment:
    """Assess ``event`` under the law in force on ``on`` (default: the event's date).

    ``record`` defaults to :meth:`Record.open`; ``law`` to ``data/treaty`` beside the record; an
    ``overlay`` changes articles or memberships for this answer only.
    """
    record = record or Record.open()
    law = law or law_for(record)
    if overlay:
        law = overlay.apply(law)
    day = on or event.day
    trace: list[str] = [f"Note: {n}." for n in law.notes]
    standings = Standings(record, overlay)
    facts = _facts(event, day, law, standings)
    _describe(facts, law, overlay, trace)
    flags = _flags(facts, law)
    for f in flags:
        trace.append(f"Flag {f}: {law.flags[f].explanation}")
    in_force = law.in_force(day)
    cst = law.instruments["cst"]
    if "treaty-not-in-force" in flags:
        return Assessment(event, day, [], flags, [], trace, None, [m.state for m in facts.members],
                          overlay.id if overlay else None, list(law.notes))
    used: dict[str, InForce] = {}
    result: list[Obligation] = []
    triggered: dict[str, Obligation] = {}
    for item in in_force:
        for effect in item.version.effects:
            ref = f"{item.article.id}.{effect.id}"
            why_not = _why_not(effect.when, facts, triggered)
            if why_not is not None:
                if why_not:
                    trace.append(f"Not applied: {ref} ({_cite(item)}): {why_not}.")
                continue
            _quote(item, used, trace)
            parents = [triggered[r] for r in effect.when.after or [] if r in triggered]
            ob = _obligation(ref, effect, item, facts, flags, law, parents, trace)
            triggered[ref] = ob
            result.append(ob)
            for r in effect.refs:
                if (x := _find(law, r, day)) is not None:
                    _quote(x, used, trace)
    for f in flags:
        for item in in_force:
            if f in item.version.explains:
                _quote(item, used, trace)
    # the collective decision at the end of the chain (effects that follow others come later)
    decision: dict[str, Any] | None = next(({"obligation": o.id, "organ": o.organ, "rule": o.decision_rule, "status": o.status}
                     for o in reversed(result) if o.organ and o.decision_rule), None)
    if decision:
        trace.append(f"Decision: {decision['organ']['name']} decides by {decision['rule']['id']}"
                     f" ({decision['rule']['text']}).")
    else:
        trace.append("Decision: no collective decision by a named organ is required by the articles applied.")
    trace.append(f"Treaty in force since {cst.in_force}; answer given for {day.isoformat()}.")
    return Assessment(event, day, result, flags, [u.ref for u in used.values()], trace,
                      decision, [m.state for m in facts.members], overlay.id if overlay else None, list(law.notes))


def _facts(event: Event, day: date, law: Law, standings: Standings) -> _Facts:
    perp = standings.of(event.perpetrator.state, day) if event.perpetrator.state else None
    organ_names = {o.id: o.name for o in standings.record.organs()}  # the record names organs; law falls back
    return _Facts(event, day, event.kind, event.is_armed_attack(law), event.threats(law),
                  [standings.of(t, day) for t in event.targets], perp, standings.members(day), organ_names,
                  law.kinds[event.kind].between_members)


def _describe(f: _Facts, law: Law, overlay: Overlay | None, trace: list[str]) -> None:
    e = f.event
    p = e.perpetrator
    who = p.state if p.type == "state" else (p.name or p.type)
    trace.append(f"Event {e.id}: {law.kinds[e.kind].title.lower()} on {e.date} against {', '.join(e.targets)};"
                 f" perpetrator: {who} ({p.type}); law applied as of {f.day.isoformat()}.")
    if overlay:
        trace.append(f"Overlay {overlay.id} ({overlay.title}): " + "; ".join(overlay.changes()) + ".")
    attack_src = "scenario" if e.armed_attack is not None else f"default for {e.kind}"
    threat_src = "scenario" if e.threatens is not None else f"default for {e.kind}"
    trace.append(f"Armed attack: {'yes' if f.armed_attack else 'no'} ({attack_src}); threatens: "
                 f"{', '.join(f.threats)} ({threat_src}).")
    for t in f.targets:
        trace.append(f"Target: {t.describe()}.")
    if f.perpetrator:
        trace.append(f"Perpetrator: {f.perpetrator.describe()}.")
    trace.append(f"Member states on {f.day.isoformat()}: {', '.join(m.state for m in f.members) or 'none'}.")
    if e.request:
        r = e.request
        trace.append(f"Request: {r.by} asked on {r.date}" + (f" under {r.article}" if r.article else "")
                     + (f" to the {r.to}" if r.to else "") + ".")
    else:
        trace.append("Request: none.")
    loc = e.location
    if not loc.on_recognised_territory:
        trace.append(f"Location: {loc.place or 'the place given'} is outside the target's recognised territory"
                     + (f" (recognised as {loc.territory_of}'s)" if loc.territory_of else "") + ".")


def _flags(f: _Facts, law: Law) -> list[str]:
    e, out = f.event, []
    cst = law.instruments["cst"]
    if cst.in_force and f.day < dates.first_day(cst.in_force):
        out.append("treaty-not-in-force")
    if not all(t.is_member for t in f.targets):
        out.append("target-not-member")
    if any(t.status == "observer" for t in f.targets):
        out.append("target-is-observer")
    if any(t.status == "partner" for t in f.targets):
        out.append("target-is-partner")
    if f.perpetrator_member:
        out.append("perpetrator-is-member")
    if not e.location.on_recognised_territory:
        out.append("outside-recognised-territory")
    if any(m.participation == "frozen" for m in [*f.members, *f.targets]):
        out.append("participation-frozen")
    if e.request is None:
        out.append("no-request")
    elif e.request.by not in e.targets:
        out.append("request-not-by-target")
    if e.perpetrator.type == "non-state":
        out.append("non-state-perpetrator")
    if e.perpetrator.type == "unknown":
        out.append("perpetrator-unknown")
    if e.outside_involvement or e.perpetrator.backed_by:
        out.append("outside-involvement-alleged")
    elif e.kind == "internal-unrest" and e.outside_involvement is not True:
        out.append("internal-matter")
    if law.overlays:
        out.append("overlay-applied")
    return out


def _why_not(w: When, f: _Facts, triggered: dict) -> str | None:
    """None if ``w`` holds; otherwise the reason, or '' for a reason not worth a trace line."""
    if w.kinds and f.kind not in w.kinds:
        return f"it covers {', '.join(w.kinds)} events only"
    if w.target == "member" and not f.target_member:
        return "no target is a member state on the date"
    if w.target == "non-member" and f.target_member:
        return ""  # the member-state clause of the same article covers it
    if w.armed_attack is not None and f.armed_attack != w.armed_attack:
        return "the event is not an armed attack" if w.armed_attack else "the event is an armed attack"
    if w.threatens_any and not set(w.threatens_any) & set(f.threats):
        return (f"the event threatens {', '.join(f.threats)}, and this text covers only "
                f"{', '.join(w.threatens_any)}")
    if w.perpetrator and f.event.perpetrator.type not in w.perpetrator:
        return (f"this text covers a perpetrator of type {' or '.join(w.perpetrator)} only; "
                f"the perpetrator is {f.event.perpetrator.type}")
    if w.perpetrator_member is not None and f.perpetrator_member != w.perpetrator_member:
        return "the perpetrator is not a member state" if w.perpetrator_member else "the perpetrator is a member state"
    if w.after and not set(w.after) & set(triggered):
        return f"it follows from {' or '.join(w.after)}, which did not apply"
    return None


def _parties(party: str, f: _Facts) -> list[str]:
    members = [m.state for m in f.members]
    perp = [f.perpetrator.state] if f.perpetrator else []
    return {
        "members": members,
        "other-members": [m for m in members if m not in f.event.targets and m not in perp],
        "organization": [ORGANIZATION],
        "target": list(f.event.targets),
        "requesting-state": [f.event.request.by] if f.event.request else [],
        "parties-to-clash": list(dict.fromkeys([*f.event.targets, *perp])),
        "un-security-council": [UNSC],
    }[party]


def _obligation(ref: str, effect: Effect, item: InForce, f: _Facts, flags: list[str], law: Law,
                parents: list[Obligation], trace: list[str]) -> Obligation:
    conditions = [{"id": c.id, "text": c.text, **_condition(c.id, f)} for c in effect.conditions]
    contested = list(dict.fromkeys(x for x in effect.contested_by if x in flags and _contests(x, f)))
    # a duty that follows from others is no firmer than the firmest of them
    firmest = min((_FIRMNESS.index(p.status) for p in parents), default=0)
    if firmest:
        heirs = [p for p in parents if _FIRMNESS.index(p.status) == firmest]
        if _FIRMNESS[firmest] == "conditional":
            conditions.append({"id": "follows-from", "text": f"follows from {' or '.join(p.id for p in parents)}",
                               "met": False, "why": "; ".join(f"{p.id} is {p.status}" for p in parents)})
        contested = list(dict.fromkeys([*contested, *(x for p in heirs for x in p.contested_by)]))
    status = "conditional" if any(not c["met"] for c in conditions) else "contested" if contested else "owed"
    owed_by = _parties(effect.party, f)
    frozen = sorted({m.state for m in f.members if m.participation == "frozen"} & set(owed_by))
    organ: dict | None = None
    rule: dict | None = None
    through = ""
    if effect.organ:
        organ = {"id": effect.organ, "name": f.organ_names.get(effect.organ) or law.organs[effect.organ].name}
        rule = _rule(effect.organ, item, law, f.day)
        through = f", through the {organ['name']} ({rule['id']})"
    basis = {**item.ref, "text": [c.model_dump(exclude_none=True) for c in item.version.clauses]}
    ob = Obligation(ref, effect.action, effect.description.strip(), effect.party, owed_by,
                    _parties(effect.owed_to, f), basis, organ, rule, effect.timing, conditions, status,
                    contested, frozen, list(effect.refs))
    line = (f"Applied: {ref} ({_cite(item)}): {', '.join(owed_by) or 'nobody'} owe(s) {effect.action}"
            f" to {', '.join(ob.owed_to)}" + (f", {effect.timing}" if effect.timing else "")
            + through + f" -> {status}")
    trace.append(line + ".")
    for c in conditions:
        trace.append(f"  Condition '{c['text']}': {'met' if c['met'] else 'not met'} ({c['why']}).")
    for x in contested:
        trace.append(f"  {'Would be contested' if status == 'conditional' else 'Contested'} by {x}: "
                     f"{law.flags[x].title} (see the flag's explanation above).")
    if frozen:
        trace.append(f"  {', '.join(frozen)} owe(s) this but has frozen its participation.")
    return ob


def _condition(cid: str, f: _Facts) -> dict:
    if cid == "request-by-target":
        r = f.event.request
        if r is None:
            return {"met": False, "why": "no request was made"}
        if r.by not in f.event.targets:
            return {"met": False, "why": f"the request came from {r.by}, not from a target"}
        return {"met": True, "why": f"{r.by} asked on {r.date}" + (f" under {r.article}" if r.article else "")}
    raise LookupError(f"unknown condition {cid!r}")


def _contests(flag: str, f: _Facts) -> bool:
    """Participation frozen by a bystander does not put the duty to the target in doubt; by a target it does."""
    if flag == "participation-frozen":
        return any(t.participation == "frozen" for t in f.targets)
    return True


def _rule(organ: str, item: InForce, law: Law, day: date) -> dict:
    found = law.decision_rule(organ, day)
    if found:
        r, x = found
        return {"id": r.id, "text": r.text, "threshold": r.threshold, "basis": x.ref}
    return {"id": "unspecified", "text": "no article in force on this date sets a voting rule for this organ",
            "threshold": None, "basis": None}


def _find(law: Law, article_id: str, day: date) -> InForce | None:
    a = law.articles.get(article_id)
    v = a.version_on(day) if a else None
    return InForce(a, v) if a is not None and v else None


def _cite(item: InForce) -> str:
    return f"{item.article.citation}, {item.version.label} version"


def _quote(item: InForce, used: dict[str, InForce], trace: list[str]) -> None:
    """Quote an article version in the trace the first time the answer relies on it."""
    if item.article.id in used:
        return
    used[item.article.id] = item
    basis = "" if item.version.from_basis == "entry-into-force" else f", applied from {item.version.from_basis}"
    trace.append(f"Text of {_cite(item)} (in force {item.version.period}{basis}):")
    for c in item.version.clauses:
        src = f" [{c.kind}; {c.source}" + (f", {c.passage}" if c.passage else "") + "]" if c.source else f" [{c.kind}]"
        trace.append(f'  "{c.text.strip()}"{src}')

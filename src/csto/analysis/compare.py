"""The CSTO beside its peers, point by point, and an ATOP-style coding of each, read from the law's data.

Every value here is derived from ``data/treaty/articles.yaml`` (the articles in force on a day, their
effects and ``provides``) through ``data/treaty/atop_rules.yaml`` (how military each action is, which
alliances to compare, the coding rules with their rationale). No coding is typed in by hand: the one
exception, ATOP's published coding of the CSTO (alliance 4220), is kept only to be checked against
(:func:`agreement`).

>>> from csto.analysis.compare import compare          # doctest: +SKIP
>>> answer = compare(date(2024, 1, 1))                   # doctest: +SKIP
>>> [(a["id"], a["points"]["automatic"]) for a in answer["alliances"]]   # doctest: +SKIP
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ..record import dates
from ..record.model import Base, DateText, Ident
from ..record.yamlio import LineDict, RecordError, RecordErrors, read
from ..treaty.articles import Effect, InForce, Law, Organization, default_law_dir, load_law
from ..treaty.validate import validate

Level = Literal["none", "procedural", "political", "consultation", "assistance", "military"]


class Phase(Base):
    id: str
    label: str
    start: DateText = Field(alias="from")


class Published(Base):
    atop_id: int
    coding: dict[str, int]
    provenance: str


class Alliance(Base):
    id: Ident
    name: str
    organization: Organization
    atop_id: int | None = None
    phases: list[Phase] = Field(min_length=1)
    published: Published | None = None


class Step(Base):
    value: int
    provides: list[str]


class Rule(Base):
    """One variable: from ``actions`` (an effect in force), ``provides``, ``conditional`` or ``steps``."""

    variable: Ident
    rationale: str
    actions: list[str] | None = None
    provides: list[str] | None = None
    conditional: list[str] | None = None
    steps: list[Step] | None = None

    @model_validator(mode="after")
    def _one_test(self):
        given = [k for k in ("actions", "provides", "conditional", "steps") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of actions, provides, conditional, steps (got {', '.join(given) or 'none'})")
        return self


class Rules(Base):
    levels: list[Level]
    actions: dict[str, Level]
    alliances: list[Alliance] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)


def load_rules(path: str | Path | None = None, law: Law | None = None) -> Rules:
    """Read and check ``atop_rules.yaml``: every action the law's effects use has a level, every
    ``provides`` named is one the law knows, every alliance's organization has instruments."""
    # a law read from files always knows its folder; the default folder is the fallback for one built in memory
    path = Path(path) if path else (law.path if law and law.path else load_law().path or default_law_dir()) / "atop_rules.yaml"
    raw = read(path)
    rules = validate(Rules, raw if raw is not None else LineDict(), path)
    errors: list[RecordError] = []
    if law is not None:
        used = {e.action for a in law.articles.values() for v in a.versions for e in v.effects}
        for action in sorted(used - set(rules.actions)):
            errors.append(RecordError(path, None, "actions", "an action the articles use has no level", action))
        orgs = {i.organization for i in law.instruments.values()}
        for n, a in enumerate(rules.alliances):
            if a.organization not in orgs:
                errors.append(RecordError(path, _line(raw, "alliances", n), f"alliances[{n}].organization",
                                          "no instrument of this organization in instruments.yaml", a.organization))
    if errors:
        raise RecordErrors(errors)
    return rules


def _line(raw, key: str, n: int) -> int | None:
    try:
        item = raw[key][n]
        return getattr(item, "line", None)
    except (KeyError, IndexError, TypeError):
        return None


def _effects(items: list[InForce]) -> list[tuple[InForce, Effect]]:
    return [(x, e) for x in items for e in x.version.effects]


def _rank(rules: Rules, action: str) -> int:
    return rules.levels.index(rules.actions.get(action, "none"))


def coding(law: Law, rules: Rules, organization: str, day: date) -> dict:
    """The ATOP-style coding of ``organization``'s law in force on ``day``: variable -> {value, because}."""
    items = law.in_force(day, (organization, "un") if organization != "un" else ("un",))
    items = [x for x in items if law.organization(x.article) == organization]
    effects = _effects(items)
    provided: dict[str, InForce] = {p: x for x in items for p in x.version.provides}
    out: dict[str, dict] = {}
    for r in rules.rules:
        value, because = 0, []
        if r.actions is not None:
            hits = [f"{x.article.id}.{e.id}" for x, e in effects if e.action in r.actions]
            value, because = int(bool(hits)), hits
        elif r.provides is not None:
            hits = [f"{provided[p].article.id} provides {p}" for p in r.provides if p in provided]
            value, because = int(bool(hits)), hits
        elif r.conditional is not None:
            for x, e in effects:
                if e.action not in r.conditional:
                    continue
                ref = f"{x.article.id}.{e.id}"
                because += [f"{ref}: condition {c.id}" for c in e.conditions]
                if e.when.perpetrator and set(e.when.perpetrator) != {"state", "non-state", "unknown"}:
                    because.append(f"{ref}: attacker limited to {', '.join(e.when.perpetrator)}")
                if e.area:
                    because.append(f"{ref}: area {e.area}")
            value = int(bool(because))
        else:
            for step in r.steps or []:
                hits = [f"{provided[p].article.id} provides {p}" for p in step.provides if p in provided]
                if hits and step.value >= value:
                    value, because = step.value, hits
        out[r.variable] = {"value": value, "because": because}
    return out


def points(law: Law, rules: Rules, organization: str, day: date) -> dict | None:
    """The comparison points for ``organization`` on ``day``, or None if none of its law is in force."""
    items = [x for x in law.in_force(day, (organization,))]
    if not items:
        return None
    effects = _effects(items)
    duties = [(x, e) for x, e in effects if e.owed_to == "target"]
    strongest = max(duties or effects, key=lambda xe: _rank(rules, xe[1].action), default=None)
    if strongest is None:
        return {"trigger": None, "automatic": None, "military": "none", "duty": None, "where": None,
                "decides": "no duty of assistance in the articles held", "rule": None,
                "articles": [x.ref for x in items]}
    x, e = strongest
    w = e.when
    if w.armed_attack:
        trigger = "an armed attack on a member" + (f" by {' or '.join(t.replace('-', ' ') for t in w.perpetrator)} actors"
                                                    if w.perpetrator else "")
    elif w.threatens_any:
        trigger = "a threat to a member's " + ", ".join(t.replace("-", " ") for t in w.threatens_any)
    else:
        trigger = "any event"
    request = [c for c in e.conditions if c.id == "request-by-target"]
    automatic = "on the attacked member's request" if request else "automatic (no request needed)"
    # who decides: the organ that acts on the strongest duty or on a duty that follows from it
    ref = f"{x.article.id}.{e.id}"
    acting = [(f.organ, f) for _, f in effects if f.organ and (f is e or ref in (f.when.after or []))]
    rule = None
    if acting:
        organ, _ = max(acting, key=lambda of: _rank(rules, of[1].action))
        decides = law.organs[organ].name
        rule = _rule_for(items, organ)
    else:
        decides = "each party for itself"
        for collective in items:  # the first with a decision rule
            if r := collective.version.decision_rule:
                decides += f"; collective action: {', '.join(law.organs[o].name for o in r.organs)}"
                rule = _rule_dict(r, collective)
                break
    return {
        "trigger": trigger,
        "automatic": automatic,
        "military": rules.actions.get(e.action, "none"),
        "duty": {"id": ref, "action": e.action, "timing": e.timing, "citation": x.article.citation,
                 "version": x.version.label},
        "where": e.area or "not limited by the text held",
        "decides": decides,
        "rule": rule,
        "articles": [i.ref for i in items],
    }


def _rule_for(items: list[InForce], organ: str) -> dict | None:
    for x in items:
        r = x.version.decision_rule
        if r and organ in r.organs:
            return _rule_dict(r, x)
    return {"id": "unspecified", "text": "no rule in the articles in force", "threshold": None, "basis": None}


def _rule_dict(r, x: InForce) -> dict:
    return {"id": r.id, "text": r.text, "threshold": r.threshold,
            "basis": f"{x.article.citation} ({x.version.label})"}


def agreement(law: Law, rules: Rules, alliance_id: str = "csto") -> list[dict]:
    """For each phase of ``alliance_id``, each published ATOP variable: published value, derived value, agree."""
    a = next(x for x in rules.alliances if x.id == alliance_id)
    if a.published is None:
        return []
    out = []
    for ph in a.phases:
        derived = coding(law, rules, a.organization, dates.first_day(ph.start))
        for var, pub in a.published.coding.items():
            got = derived.get(var, {}).get("value")
            out.append({"phase": ph.id, "variable": var, "published": pub, "derived": got, "agree": got == pub})
    return out


def compare(on: date, law: Law | None = None, rules: Rules | None = None) -> dict:
    """The alliances of ``atop_rules.yaml`` side by side on ``on``, each with its coding by phase."""
    law = law or load_law()
    rules = rules or load_rules(law=law)
    alliances = []
    for a in rules.alliances:
        phases = [{"id": ph.id, "label": ph.label, "from": ph.start,
                   "coding": {k: v["value"] for k, v in coding(law, rules, a.organization,
                                                               dates.first_day(ph.start)).items()}}
                  for ph in a.phases]
        alliances.append({
            "id": a.id, "name": a.name, "organization": a.organization, "atop_id": a.atop_id,
            "points": points(law, rules, a.organization, on),
            "coding": coding(law, rules, a.organization, on),
            "phases": phases,
            "published": a.published.model_dump(mode="json") if a.published else None,
        })
    checks = agreement(law, rules)
    return {
        "on": on.isoformat(),
        "alliances": alliances,
        "rules": [{"variable": r.variable, "rationale": " ".join(r.rationale.split())} for r in rules.rules],
        "atop_agreement": checks,
        "agrees_with_atop": all(c["agree"] for c in checks),
    }

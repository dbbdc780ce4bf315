"""Treaty and Charter articles as data with validity periods: ``data/treaty/*.yaml``.

An article has versions; the version in force on a day is the one whose period contains it (the
OpenFisca habit for dated parameters). Each version carries its text, as clauses that are either
quoted verbatim from a source or marked paraphrases naming theirs, and the effects the engine derives
from it. No article text lives in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ..record import Record, UnknownError, dates
from ..record.model import Base, DateText, Ident
from ..record.query import default_data_dir
from ..record.yamlio import LineDict, RecordError, RecordErrors, field_path, read
from .validate import FieldProblem, validate

Threat = Literal["security", "stability", "territorial-integrity", "sovereignty", "international-peace"]
PerpetratorType = Literal["state", "non-state", "unknown"]
Party = Literal["members", "other-members", "organization", "target", "requesting-state", "parties-to-clash"]
OwedTo = Literal["members", "target", "parties-to-clash", "un-security-council"]
ArticleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
EffectRef = Annotated[str, Field(pattern=r"^[a-z0-9-]+\.[a-z0-9-]+$")]  # article-id.effect-id

#: The conditions the engine knows how to evaluate; an effect may name only these.
CONDITIONS = {"request-by-target"}

#: Whose law an instrument is. The engine answers for the CSTO, so it reads only :data:`CSTO_LAW`;
#: the peers' articles (NATO, the SCO, the bilateral treaties) are held in the same format for
#: ``csto compare`` (csto.analysis.compare) and never create CSTO obligations.
Organization = Literal["csto", "un", "nato", "sco", "russia-armenia", "union-state"]
CSTO_LAW: tuple[str, ...] = ("csto", "un")

#: What an article version sets up besides duties, named so that codings (data/treaty/atop_rules.yaml)
#: can be derived from the data rather than typed in.
Provision = Literal["joint-forces", "military-cooperation", "integrated-command", "foreign-bases-veto",
                    "nuclear-weapons", "membership-procedure", "withdrawal-procedure", "suspension-procedure"]


class Clause(Base):
    """A passage of an article: a verbatim quote or a marked paraphrase, with its source."""

    kind: Literal["quote", "paraphrase", "hypothetical"]
    text: str
    source: str | None = None
    passage: str | None = None

    @model_validator(mode="after")
    def _sourced(self):
        if self.kind != "hypothetical" and not self.source:
            raise ValueError(f"a {self.kind} needs a source")
        if self.kind == "paraphrase" and not self.text.startswith("[Paraphrase"):
            raise ValueError('a paraphrase must be marked: start its text with "[Paraphrase]"')
        return self


class When(Base):
    """When an effect applies. Every condition given must hold; none given means always."""

    kinds: list[str] | None = None
    armed_attack: bool | None = None
    threatens_any: list[Threat] | None = None
    perpetrator: list[PerpetratorType] | None = None
    perpetrator_member: bool | None = None
    target: Literal["member", "non-member", "any"] = "member"
    after: list[EffectRef] | None = None


class Condition(Base):
    id: str
    text: str

    @model_validator(mode="after")
    def _known(self):
        if self.id not in CONDITIONS:
            raise ValueError(f"unknown condition {self.id!r}: expected one of {', '.join(sorted(CONDITIONS))}")
        return self


class Effect(Base):
    """An obligation an article version creates when ``when`` holds."""

    id: Ident
    action: Ident
    party: Party
    owed_to: OwedTo
    description: str
    when: When = When()
    organ: str | None = None
    timing: str | None = None
    conditions: list[Condition] = []
    contested_by: list[str] = []
    refs: list[ArticleId] = []
    area: str | None = None  # where the duty applies, in the text's words, where it says


class DecisionRule(Base):
    """How the organs it names decide. ``threshold``: the share of members that must agree, as ``p/q``."""

    id: Ident
    text: str
    organs: list[str] = Field(min_length=1)
    threshold: str | None = None

    @field_validator("threshold", mode="before")
    @classmethod
    def _fraction(cls, v):
        if v is None:
            return v
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", v) if isinstance(v, str) else None
        if not m or not 0 < int(m[1]) <= int(m[2]):
            raise ValueError("expected a share of the members as a fraction p/q with 0 < p <= q, such as 2/3")
        return f"{int(m[1])}/{int(m[2])}"


class Span(Base):
    """A validity period, ``from`` to ``to`` inclusive (``to`` open): of an article version or an overlay change."""

    start: DateText = Field(alias="from")
    end: DateText | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _ordered(self):
        check_period(self.start, self.end)
        return self

    def covers(self, day: date) -> bool:
        return dates.first_day(self.start) <= day and (self.end is None or day <= dates.last_day(self.end))


class Version(Span):
    label: str
    from_basis: Literal["entry-into-force", "signature", "hypothetical"] = "entry-into-force"
    amended_by: str | None = None
    clauses: list[Clause] = Field(min_length=1)
    effects: list[Effect] = []
    decision_rule: DecisionRule | None = None
    explains: list[str] = []
    provides: list[Provision] = []
    note: str | None = None

    @property
    def period(self) -> str:
        return f"{self.start}..{self.end or ''}"


def check_period(start: str, end: str | None) -> None:
    """A period whose ``to`` falls before its ``from`` is an error against ``to``."""
    if end is not None and dates.last_day(end) < dates.first_day(start):
        raise FieldProblem("to", f"ends before it starts (from {start})", end)


class Article(Base):
    id: ArticleId
    instrument: str
    number: str | None = None
    number_verified: bool = True
    title: str
    versions: list[Version] = Field(min_length=1)
    note: str | None = None

    def version_on(self, day: date) -> Version | None:
        return next((v for v in self.versions if v.covers(day)), None)

    @property
    def citation(self) -> str:
        names = {"cst": "Treaty", "charter": "Charter", "un-charter": "UN Charter",
                 "north-atlantic-treaty": "North Atlantic Treaty", "sco-charter": "SCO Charter",
                 "sco-regulation-2009": "SCO Regulation 2009", "ru-am-treaty-1997": "Russia-Armenia Treaty 1997",
                 "union-state-security-treaty": "Union State Security Treaty",
                 "csc-regulations-2004": "CSC Regulations 2004"}
        return f"{names.get(self.instrument, self.instrument)} Art. {self.number or '(number not established)'}"


class Instrument(Base):
    id: ArticleId
    name: str
    signed: DateText | None = None
    in_force: DateText | None = None
    organization: Organization = "csto"
    sources: list[str] = Field(min_length=1)
    note: str | None = None


class OrganRef(Base):
    id: Ident
    name: str
    organization: Organization = "csto"
    note: str | None = None


class Kind(Base):
    id: Ident
    title: str
    description: str
    armed_attack: bool
    threatens: list[Threat]
    between_members: bool = False


class Flag(Base):
    id: Ident
    title: str
    explanation: str
    sources: list[str] = []


class _ArticlesFile(Base):
    articles: list[Article]


class _InstrumentsFile(Base):
    instruments: list[Instrument]
    organs: list[OrganRef] = []


class _KindsFile(Base):
    kinds: list[Kind]
    threats: dict[Threat, str]


class _FlagsFile(Base):
    flags: list[Flag]


@dataclass(frozen=True)
class InForce:
    """One article with the version in force on a day."""

    article: Article
    version: Version

    @property
    def ref(self) -> dict:
        return {"id": self.article.id, "citation": self.article.citation, "version": self.version.label,
                "in_force": self.version.period, "from_basis": self.version.from_basis}


@dataclass
class Law:
    """Everything under ``data/treaty/``: instruments, organs, articles, event kinds and flags."""

    articles: dict[str, Article]
    instruments: dict[str, Instrument]
    organs: dict[str, OrganRef]
    kinds: dict[str, Kind]
    threats: dict[str, str]
    flags: dict[str, Flag]
    path: Path | None = None
    overlays: list[str] = field(default_factory=list)
    base: Law | None = None  # the law an overlay was applied to
    notes: list[str] = field(default_factory=list)  # said on every answer given under this law

    def article(self, article_id: str) -> Article:
        if article_id not in self.articles:
            raise UnknownError(f"unknown article {article_id!r}: expected one of {', '.join(self.articles)}")
        return self.articles[article_id]

    def organization(self, article: Article) -> str:
        """Whose law ``article`` is (its instrument's ``organization``)."""
        inst = self.instruments.get(article.instrument)
        return inst.organization if inst else "csto"

    def in_force(self, day: date, organizations: tuple[str, ...] = CSTO_LAW) -> list[InForce]:
        """Every article of ``organizations``' law with a version in force on ``day``, in file order.

        The default is the CSTO's law (with the UN Charter it relies on): the peers' articles are
        held for comparison and never enter an assessment unless asked for by name.
        """
        out = []
        for a in self.articles.values():
            if self.organization(a) not in organizations:
                continue
            v = a.version_on(day)
            if v is not None:
                out.append(InForce(a, v))
        return out

    def decision_rule(self, organ: str, day: date) -> tuple[DecisionRule, InForce] | None:
        """The rule by which ``organ`` decides on ``day``, with the article version that sets it.

        An overlay's rule governs only the organs it names: an organ it leaves out keeps the rule of
        the law the overlay was applied to.
        """
        for x in self.in_force(day):
            r = x.version.decision_rule
            if r and organ in r.organs:
                return r, x
        return self.base.decision_rule(organ, day) if self.base else None

    def source_ids(self) -> set[str]:
        """Every source id the articles and instruments cite."""
        ids = {c.source for a in self.articles.values() for v in a.versions for c in v.clauses if c.source}
        ids |= {s for i in self.instruments.values() for s in i.sources}
        return ids | {s for f in self.flags.values() for s in f.sources}


def default_law_dir() -> Path:
    return default_data_dir() / "treaty"


def law_for(record: Record) -> Law:
    """The law beside ``record``'s data (``DATA/treaty``), else the shipped ``data/treaty``, saying so in a note."""
    here = record.data_dir / "treaty" if record.data_dir else None
    if here is None or here.is_dir():
        return load_law(here)
    law = load_law(None)
    return replace(law, notes=[*law.notes, f"{record.data_dir} has no treaty/ folder: the law is read from "
                                           f"{law.path} instead"])


def _read_file(path: Path, model):
    raw = read(path)
    return validate(model, raw if raw is not None else LineDict(), path)


def load_law(path: str | Path | None = None) -> Law:
    """Load and cross-check ``data/treaty/`` (default: the record's data directory's ``treaty/``)."""
    path = Path(path) if path else default_law_dir()
    if not path.is_dir():
        raise RecordError(path, None, "treaty", "no such directory")
    arts = _read_file(path / "articles.yaml", _ArticlesFile)
    insts = _read_file(path / "instruments.yaml", _InstrumentsFile)
    kinds = _read_file(path / "kinds.yaml", _KindsFile)
    flags = _read_file(path / "flags.yaml", _FlagsFile)
    law = Law({a.id: a for a in arts.articles}, {i.id: i for i in insts.instruments},
              {o.id: o for o in insts.organs}, {k.id: k for k in kinds.kinds}, dict(kinds.threats),
              {f.id: f for f in flags.flags}, path)
    errors = check(law, path / "articles.yaml")
    if errors:
        raise RecordErrors(errors)
    return law


def check(law: Law, where: Path) -> list[RecordError]:
    """Cross-references: instruments, organs, flags, referenced articles and effects all exist."""
    errors: list[RecordError] = []
    effects = {f"{a.id}.{e.id}" for a in law.articles.values() for v in a.versions for e in v.effects}
    seen: set[str] = set()
    for a in law.articles.values():
        if a.id in seen:
            errors.append(RecordError(where, None, f"articles.{a.id}", "duplicate article id", a.id))
        seen.add(a.id)
        if a.instrument not in law.instruments:
            errors.append(RecordError(where, None, f"articles.{a.id}.instrument", "unknown instrument", a.instrument))
        for v in a.versions:
            at = f"articles.{a.id}.versions[{v.label}]"
            if v.amended_by and v.amended_by not in law.instruments:
                errors.append(RecordError(where, None, f"{at}.amended_by", "unknown instrument", v.amended_by))
            for loc, problem, value in version_problems(v, law, effects):
                errors.append(RecordError(where, None, field_path(at, loc), problem, value))
            for loc, problem, value in organization_problems(a, v, law):
                errors.append(RecordError(where, None, field_path(at, loc), problem, value))
        ordered = sorted(a.versions, key=lambda v: dates.first_day(v.start))
        for before, after in zip(ordered, ordered[1:]):
            if before.end is None or dates.first_day(after.start) <= dates.last_day(before.end):
                errors.append(RecordError(where, None, f"articles.{a.id}.versions[{after.label}].from",
                                          f"overlaps version {before.label} ({before.period})", after.start))
    return errors


def version_problems(v: Version, law: Law, effects: set[str]):
    """(path below the version, problem, value) for each name in ``v`` that ``law`` does not hold."""
    for i, flag in enumerate(v.explains):
        if flag not in law.flags:
            yield ("explains", i), "unknown flag", flag
    for i, organ in enumerate(v.decision_rule.organs if v.decision_rule else []):
        if organ not in law.organs:
            yield ("decision_rule", "organs", i), f"unknown organ; expected one of {', '.join(law.organs)}", organ
    for n, e in enumerate(v.effects):
        at = ("effects", n)
        if e.organ and e.organ not in law.organs:
            yield (*at, "organ"), f"unknown organ; expected one of {', '.join(law.organs)}", e.organ
        for i, flag in enumerate(e.contested_by):
            if flag not in law.flags:
                yield (*at, "contested_by", i), "unknown flag", flag
        for i, ref in enumerate(e.refs):
            if ref not in law.articles:
                yield (*at, "refs", i), "unknown article", ref
        for i, ref in enumerate(e.when.after or []):
            if ref not in effects:
                yield (*at, "when", "after", i), "unknown effect", ref
        for i, kind in enumerate(e.when.kinds or []):
            if kind not in law.kinds:
                yield (*at, "when", "kinds", i), "unknown kind", kind


def organization_problems(a: Article, v: Version, law: Law):
    """A version may name only its own organization's organs and articles: no CSTO duty through NATO's council."""
    if a.instrument not in law.instruments:
        return
    own = law.organization(a)

    def foreign(organ: str) -> bool:
        return organ in law.organs and law.organs[organ].organization != own

    for i, organ in enumerate(v.decision_rule.organs if v.decision_rule else []):
        if foreign(organ):
            yield ("decision_rule", "organs", i), f"organ of another organization ({law.organs[organ].organization}, " \
                                                  f"not {own})", organ
    for n, e in enumerate(v.effects):
        if e.organ and foreign(e.organ):
            yield ("effects", n, "organ"), f"organ of another organization ({law.organs[e.organ].organization}, " \
                                           f"not {own})", e.organ
        for i, ref in enumerate(e.refs):
            other = law.articles.get(ref)
            if other is not None and law.organization(other) not in (own, "un"):
                yield ("effects", n, "refs", i), f"article of another organization ({law.organization(other)})", ref

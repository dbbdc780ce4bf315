"""Typed entities of the record. Each YAML section validates into one of these.

Every fact names at least one source (``sources``), and every fact that can
change carries a validity period (``from``/``to``, open ends allowed). Dates
stay as written (``DateText``); ``csto.record.dates`` resolves them to days.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..errors import FieldProblem
from . import dates
from .kinds import ActKind, EventKind, Level, SourceKind, Status

DateText = Annotated[str, BeforeValidator(dates.check)]
StateCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, defer_build=True)


class SourceRef(Base):
    """A pointer from a fact to a source, optionally with the passage it rests on."""

    id: str
    passage: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value):
        return {"id": value} if isinstance(value, str) else value


Sources = Annotated[list[SourceRef], Field(min_length=1)]


class Fact(Base):
    sources: Sources
    note: str | None = None


class Period(Fact):
    """A fact true from ``from`` to ``to`` inclusive; ``to: null`` means still true."""

    start: DateText = Field(alias="from")
    end: DateText | None = Field(default=None, alias="to")
    # true when the real start is unknown and ``from`` is only the date of the earliest source attesting it
    from_attested: bool = False

    @model_validator(mode="after")
    def _ordered(self):
        if self.end is not None and dates.first_day(self.end) < dates.first_day(self.start):
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class Source(Base):
    id: Ident
    title: str
    kind: SourceKind
    date: DateText | None = None
    author: str | None = None
    publisher: str | None = None
    file: str | None = None  # a seed document in ../shared/seeds/
    citation: str | None = None  # how to find a public document that is not a seed
    reliability: str | None = None
    note: str | None = None


class State(Fact):
    """A state, by ISO 3166-1 alpha-3 code, with the keys other data sets use for it.

    The keys are optional (a state named only in passing may lack them) and each is read from a
    public list cited in the state's ``sources``: ISO 3166-1 numeric (three digits, as text, so
    ``"051"`` keeps its zero), the Correlates of War state number (``ccode``), the Gleditsch-Ward
    number (``gwcode``: it differs from ``ccode`` for Serbia, 340 against 345), the Wikidata item
    and today's capital with its coordinates (decimal degrees, WGS 84).
    """

    code: StateCode
    name: str
    iso_numeric: str | None = None
    ccode: Annotated[int, Field(strict=True, ge=2, le=999)] | None = None
    gwcode: Annotated[int, Field(strict=True, ge=2, le=999)] | None = None
    wikidata: str | None = None
    capital: str | None = None
    capital_lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    capital_lon: Annotated[float, Field(ge=-180, le=180)] | None = None

    @field_validator("iso_numeric", mode="before")
    @classmethod
    def _three_digits(cls, v):
        if v is not None and not (isinstance(v, str) and len(v) == 3 and v.isascii() and v.isdigit()):
            raise ValueError("expected an ISO 3166-1 numeric code: three digits in quotes, e.g. '051'")
        return v

    @field_validator("wikidata", mode="before")
    @classmethod
    def _wikidata_item(cls, v):
        if v is not None and not (isinstance(v, str) and v[:1] == "Q" and v[1:].isascii() and v[1:].isdigit()
                                  and v[1:2] != "0"):
            raise ValueError("expected a Wikidata item id: Q and digits, e.g. Q399")
        return v

    @field_validator("capital_lat", "capital_lon", mode="before")
    @classmethod
    def _number(cls, v):
        if isinstance(v, bool) or (v is not None and not isinstance(v, (int, float))):
            raise ValueError("expected decimal degrees (a number, e.g. 40.1667)")
        return v

    @model_validator(mode="after")
    def _coordinates_in_pairs(self):
        if (self.capital_lat is None) != (self.capital_lon is None):
            missing = "capital_lon" if self.capital_lon is None else "capital_lat"
            raise FieldProblem(missing, "a capital's coordinates come in pairs: capital_lat and capital_lon")
        if self.capital_lat is not None and not self.capital:
            raise FieldProblem("capital", "coordinates need the capital's name")
        return self


class Organization(Fact):
    id: Annotated[str, Field(pattern=r"^[A-Z][A-Za-z0-9-]*$")]
    name: str
    kind: Literal["military-alliance", "political", "economic", "security", "universal", "programme"]
    founded: DateText | None = None
    coverage: str | None = None  # which memberships the record holds, where it holds only some


class Membership(Period):
    """A state's status in an organization over one period."""

    state: StateCode
    org: str
    status: Status
    level: Level = "organization"
    participation: Literal["full", "frozen"] = "full"


class Act(Fact):
    """A dated legal or political step by one state toward an organization or instrument."""

    state: StateCode
    org: str
    kind: ActKind
    date: DateText
    instrument: str | None = None


class Quote(Base):
    text: str
    source: str
    passage: str | None = None


class Organ(Period):
    id: Ident
    name: str
    parent: str | None = None
    kind: Literal[
        "supreme", "council", "committee", "permanent", "administrative", "military", "parliamentary",
        "working-group", "commission", "forum", "centre", "advisory",
    ]
    composition: str | None = None
    function: str | None = None
    quote: Quote | None = None
    decision_rule: str | None = None
    cadence: str | None = None


class Office(Fact):
    id: Ident
    name: str
    organ: str


class Tenure(Period):
    office: str
    holder: str
    state: StateCode | None = None
    acting: bool = False


class Place(Base):
    """Where something is (a formation's headquarters, its air base), with the sources that put it there."""

    name: str
    note: str | None = None
    sources: Sources


class Formation(Period):
    """A collective force; ``headquarters`` and ``base`` are set where a source names them."""

    id: Ident
    name: str
    kind: Literal["rapid-reaction", "peacekeeping", "rapid-deployment", "staff", "air", "other"]
    description: str | None = None
    headquarters: Place | None = None
    base: Place | None = None  # an air base or other installation the sources count among the formation


class FormationMember(Period):
    """A state belonging to a collective formation over one period (it may field units in it)."""

    formation: str
    state: StateCode


class Strength(Period):
    """A formation's personnel as a source reports it: a figure for a point in time has ``from`` = ``to``."""

    formation: str
    personnel: int = Field(gt=0)
    approximate: bool = True


class Contribution(Period):
    formation: str
    state: StateCode
    personnel: int | None = Field(default=None, gt=0)
    share: float | None = Field(default=None, gt=0, le=1)
    description: str | None = None


class BudgetShare(Period):
    state: StateCode
    share: float = Field(gt=0, le=1)


class Benefit(Fact):
    id: Ident
    description: str
    states: list[StateCode] = []


#: What an exercise's sources report of it: ``held`` (a source reports it under way or over); ``cancelled`` (not
#: held; ``host`` is the host it was planned for); ``moved`` (to ``host`` from the host first planned, named in the
#: description); ``planned`` (announced or scheduled, and no source the record holds reports it held).
ExerciseStatus = Literal["held", "cancelled", "moved", "planned"]


class Exercise(Period):
    """A joint exercise of CSTO forces, with its status as its sources report it (:data:`ExerciseStatus`)."""

    id: Ident
    name: str
    series: str | None = None
    host: StateCode | None = None
    participants: list[StateCode] = []
    status: ExerciseStatus = "held"
    description: str | None = None


class Contingent(Base):
    state: StateCode
    personnel: int | None = Field(default=None, gt=0)
    description: str | None = None


class Mission(Period):
    id: Ident
    name: str
    host: StateCode
    kind: Literal["peacekeeping", "fact-finding", "monitoring", "assistance"]
    requested: DateText | None = None
    decided: DateText | None = None
    personnel: int | None = Field(default=None, gt=0)
    equipment: int | None = Field(default=None, gt=0)
    contributors: list[Contingent] = []
    description: str | None = None


class Event(Fact):
    id: Ident
    date: DateText
    kind: EventKind
    title: str
    description: str | None = None
    states: list[StateCode] = []
    organ: str | None = None


Outcome = Literal["nothing", "statement", "consultations", "mission", "assistance", "troops"]


class Response(Base):
    """What the CSTO did about a crisis, and when its organs decided it."""

    outcome: Outcome
    # None with outcome nothing or statement: no decision by the CSTO's organs
    decided: DateText | None = None
    decided_by: str | None = None  # organ id from data/organs.yaml (csc, cssc, permanent-council, ...)
    first_troops: DateText | None = None
    personnel: int | None = None
    withdrawn: DateText | None = None
    refused_by_target: bool = False
    refusal: str | None = None  # what the target refused (e.g. to sign a declaration on assistance)
    description: str | None = None

    @model_validator(mode="after")
    def _refusal_says_what(self):
        if self.refused_by_target and not self.refusal:
            raise ValueError("refused_by_target needs a refusal saying what the target refused")
        if self.refusal and not self.refused_by_target:
            raise ValueError("a refusal needs refused_by_target: true")
        return self


AskedFor = Literal["troops", "peacekeepers", "equipment", "advisers", "observers", "consultations"]


class Request(Base):
    """A request for help: by whom, to whom (``csto`` or one state, bilaterally), when, for what."""

    by: StateCode
    to: str = "csto"  # ``csto`` (the organization or any of its organs) or a state code
    date: DateText
    article: str | None = None
    asked_for: list[AskedFor] = []  # empty: not known
    description: str | None = None

    @field_validator("to")
    @classmethod
    def _csto_or_state(cls, v: str) -> str:
        if v != "csto" and not (len(v) == 3 and v.isascii() and v.isalpha() and v.isupper()):
            raise ValueError("expected 'csto' or an ISO 3166-1 alpha-3 state code (e.g. RUS)")
        return v


class Crisis(Fact):
    """A historical crisis in which a state asked (or could have asked) the CSTO for help."""

    id: Ident
    name: str
    date: DateText
    kind: str
    targets: list[StateCode] = Field(min_length=1)
    perpetrator: str | None = None
    on_recognised_territory: bool = True
    territory_of: StateCode | None = None  # whose recognised territory, where it is not a target's
    request: Request | None = None
    other_requests: list[Request] = []  # further requests in the same crisis (e.g. bilaterally to Russia)
    response: Response
    uncertain: str | None = None  # why the classification of the outcome is uncertain, where it is


class Claim(Base):
    value: str
    source: str
    passage: str | None = None
    note: str | None = None


class Conflict(Base):
    """Sources that disagree on one question, and the value the record prefers."""

    id: Ident
    question: str
    claims: list[Claim] = Field(min_length=2)
    preferred: str
    why: str

    @field_validator("preferred")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("preferred value must not be blank")
        return v


class Opinion(Base):
    """A statement of opinion or a contested assessment, attributed to its source, never the record's voice."""

    id: Ident
    source: str
    speaker: str
    statement: str
    about: list[str] = []
    date: DateText | None = None
    stance: Literal["opinion", "assessment", "advocacy", "official-position"] = "opinion"


#: YAML section name -> entity model, in load order.
SECTIONS: dict[str, type[Base]] = {
    "sources": Source,
    "states": State,
    "organizations": Organization,
    "memberships": Membership,
    "acts": Act,
    "organs": Organ,
    "offices": Office,
    "tenures": Tenure,
    "formations": Formation,
    "formation_members": FormationMember,
    "strengths": Strength,
    "contributions": Contribution,
    "budget_shares": BudgetShare,
    "benefits": Benefit,
    "exercises": Exercise,
    "missions": Mission,
    "events": Event,
    "crises": Crisis,
    "conflicts": Conflict,
    "opinions": Opinion,
}

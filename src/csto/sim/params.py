"""The decision model's and the crisis process's parameters, read from ``data/sim/*.yaml``.

Every parameter is written as ``{value, rationale, sources | assumption: true}``:
a number in the model must say where it comes from, or say plainly that it is a
modelling assumption and why it is set as it is. Dated facts (relations between
states, competing commitments, domestic constraints) carry ``from``/``to`` like
the record. Errors name the file, line and field (``csto.record.yamlio``).

Overlays (what-ifs, the backtest's leave-one-out fits, a scenario's
``simulation.overlay``) replace values by dotted path without editing the files:
``{"weights.ties_perpetrator": -2.0}``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import from_validation
from ..record.dates import first_day, last_day
from ..record.model import DateText, SourceRef, StateCode
from ..record.yamlio import LineDict, RecordError, RecordErrors, read
from .model import OUTCOMES

FILES = ("decision", "basis", "relations", "process")
#: An outcome class by name (``nothing`` .. ``troops``).
Outcome = Literal["nothing", "statement", "consultations", "mission", "assistance", "troops"]
assert Outcome.__args__ == OUTCOMES  # type: ignore[attr-defined]  # one list of classes, checked


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class _Grounded(_Base):
    """Why a number is what it is: a rationale, and sources or the admission that it is assumed."""

    _noun: ClassVar[str] = "parameter"
    rationale: str = Field(min_length=10)
    sources: list[SourceRef] = []
    assumption: bool = False

    @model_validator(mode="after")
    def _grounded(self):
        if not self.sources and not self.assumption:
            raise ValueError(f"every {self._noun} needs sources, or assumption: true with a rationale")
        return self


class Param(_Grounded):
    """One parameter: its value, why it is what it is, and its source (or the admission that it is assumed)."""

    value: Any


class Number(Param):
    """A number; ``sd`` is the spread of its prior where it is drawn (0: fixed), see csto.sim.theta."""

    value: float
    sd: float = Field(default=0.0, ge=0, allow_inf_nan=False)


class Probability(Param):
    value: float = Field(ge=0, le=1)


class Duration(Param):
    """A lognormal duration in days: its median and log-scale spread."""

    class Value(_Base):
        median: float = Field(gt=0)
        sigma: float = Field(ge=0)

    value: Value


class Dated(_Grounded):
    """A fact about one state or a pair of states, in force from ``from`` to ``to``.

    As for a :class:`Param`, the value needs sources, or ``assumption: true`` where the number is a
    judgement (the dated document may still be cited beside it).
    """

    _noun: ClassVar[str] = "dated value"
    value: float
    start: DateText = Field(alias="from")
    end: DateText | None = Field(default=None, alias="to")

    def valid_on(self, day: str) -> bool:
        return first_day(self.start) <= first_day(day) and (self.end is None or last_day(self.end) >= first_day(day))


class Relation(Dated):
    """How one state stands toward another: +1 close ally .. -1 adversary (symmetric)."""

    states: list[StateCode] = Field(min_length=2, max_length=2)
    value: float = Field(ge=-1, le=1)
    what: str


class StateFact(Dated):
    state: StateCode
    value: float = Field(ge=0, le=1)
    what: str


class Weights(_Base):
    intercept: Number
    treaty_basis: Number
    ties_target: Number
    ties_perpetrator: Number
    perpetrator_member: Number
    is_perpetrator: Number
    regime_security: Number
    competing_commitment: Number
    domestic_constraint: Number


class Cutpoints(Param):
    """Five increasing cutpoints; ``sd``: the prior spread of the first and (log scale) of each gap."""

    value: list[float] = Field(min_length=5, max_length=5)
    sd: list[Annotated[float, Field(ge=0)]] | None = Field(default=None, min_length=5, max_length=5)

    @model_validator(mode="after")
    def _increasing(self):
        if any(b <= a for a, b in zip(self.value, self.value[1:])):
            raise ValueError(f"cutpoints must increase, got {self.value}")
        return self


class Kinds(Param):
    value: list[str]


class RequestModel(_Base):
    intercept: Number
    bilateral: Number
    outside_territory: Number
    perpetrator_member: Number
    internal: Number


class Statement(_Base):
    intercept: Number


class Refusal(_Base):
    intercept: Number
    gap: Number


class Decision(_Base):
    weights: Weights
    stance_sd: Number
    cutpoints: Cutpoints
    p_stand_aside: Probability
    request: RequestModel
    statement: Statement
    refusal: Refusal
    regime_security_kinds: Kinds


class ArticleBasis(_Base):
    """What an article, when the treaty engine finds it applies, gives the decision model."""

    strength: float = Field(ge=0, le=1)
    ceiling: Outcome
    floor: Outcome
    rationale: str = Field(min_length=10)
    sources: list[SourceRef] = Field(min_length=1)


class FlagBasis(_Grounded):
    """What a flag on the Assessment does to the treaty basis.

    ``penalty`` is subtracted from the strength. ``ceiling`` and ``floor``, when given, cap the outcome
    classes the article allows: the ceiling falls to at most ``ceiling`` (``nothing``: the alliance cannot
    act at all), and the floor a request sets falls to at most ``floor`` (``nothing``: the request obliges
    the members to nothing).
    """

    _noun: ClassVar[str] = "flag"
    penalty: float = Field(ge=0)
    ceiling: Outcome | None = None
    floor: Outcome | None = None
    target_only: bool = False  # counts only when the target itself carries the flag's condition


class RuleBasis(_Grounded):
    """How the simulation applies a decision rule: the share of voters that must agree, standing aside."""

    _noun: ClassVar[str] = "decision rule"
    threshold: float = Field(gt=0, le=1)
    stand_aside: bool = False
    title: str


class Basis(_Base):
    articles: dict[str, ArticleBasis]
    flags: dict[str, FlagBasis]
    no_article: ArticleBasis
    decision_rules: dict[str, RuleBasis]


class Relations(_Base):
    relations: list[Relation] = []
    commitments: list[StateFact] = []
    domestic: list[StateFact] = []


class Formations(Param):
    """Event kind -> formation kinds to draw from, first available first (``default`` for the rest)."""

    value: dict[str, list[str]]


class Fractions(Param):
    """Formation kind -> share in [0, 1] (``default`` for kinds not listed)."""

    value: dict[str, Annotated[float, Field(ge=0, le=1)]]


class Concentration(Param):
    """A Beta concentration (``a + b``): positive and finite."""

    value: float = Field(gt=0, allow_inf_nan=False)


class Capitals(Param):
    value: dict[StateCode, list[float]]


class DecisionTime(_Base):
    log_median: Number
    urgent: Number
    contested: Number
    spread: Number
    sigma: Number


class Shares(Param):
    value: dict[StateCode, Annotated[float, Field(gt=0, le=1)]]


class Process(_Base):
    decision_time: DecisionTime
    horizon_days: Number
    mobilise: Duration
    operation: Duration
    air_speed_kmh: Number
    pax_per_flight: Number
    flights_per_day: Number
    formations: Formations
    deploy_fraction: Fractions
    deploy_concentration: Concentration
    contribution_split: Param
    cost_person_day: Number
    cost_flight: Number
    cost_mission: Number
    cost_assistance: Number
    cost_rule: Param
    assumed_budget_shares: Shares
    max_carry_years: Number
    capitals: Capitals


_MODELS: dict[str, type[_Base]] = {"decision": Decision, "basis": Basis, "relations": Relations, "process": Process}


@dataclass(frozen=True)
class Params:
    """All of ``data/sim/``: one attribute per file, plus where each came from."""

    decision: Decision
    basis: Basis
    relations: Relations
    process: Process
    files: dict[str, str]
    #: the calibrated posterior (data/sim/posterior.json), if there is one; see csto.sim.theta
    posterior: dict | None = None
    #: dotted paths an overlay has set (fixed values: their prior spread is 0)
    fixed: tuple[str, ...] = ()
    #: the prior key of the parameters as loaded from the files (csto.sim.theta.prior_key)
    base_key: str = ""

    def with_overlay(self, overlay: dict[str, Any] | None) -> Params:
        """A copy with values replaced by dotted path (``"weights.treaty_basis": 2.0``: the file is found by key)."""
        if not overlay:
            return self
        parts = {name: getattr(self, name).model_dump(by_alias=True) for name in _MODELS}
        for path, value in overlay.items():
            keys = str(path).split(".")
            home = keys[0] if keys[0] in _MODELS else next((f for f in _MODELS if keys[0] in parts[f]), None)
            if home is None:
                raise RecordError("overlay", None, str(path), "no such parameter")
            node, keys = parts[home], keys[1:] if keys[0] == home else keys
            for k in keys[:-1]:
                node = _step(node, k, path)
            leaf = keys[-1]
            if isinstance(node, dict) and leaf not in node and isinstance(node.get("value"), dict):
                node = node["value"]  # "consult.median" means consult.value.median
            if not isinstance(node, dict) or leaf not in node:
                raise RecordError("overlay", None, str(path), "no such parameter")
            if isinstance(node[leaf], dict) and "value" in node[leaf] and not isinstance(value, dict):
                node[leaf] = {**node[leaf], "value": value}
                if "sd" in node[leaf]:  # a value set by a what-if is fixed, not drawn
                    node[leaf]["sd"] = None if isinstance(node[leaf]["sd"], list) else 0.0
            else:
                node[leaf] = value
        try:
            built = {name: _MODELS[name].model_validate(parts[name]) for name in _MODELS}
        except ValidationError as exc:
            raise from_validation(exc, None, "overlay") from None
        return Params(**built, files=self.files, posterior=self.posterior, base_key=self.base_key,  # type: ignore[arg-type]
                      fixed=tuple(dict.fromkeys((*self.fixed, *map(str, overlay)))))


def _step(node: object, key: str, path: str) -> dict:
    if isinstance(node, dict) and key not in node and isinstance(node.get("value"), dict):
        node = node["value"]
    if not isinstance(node, dict) or key not in node:
        raise RecordError("overlay", None, str(path), "no such parameter")
    return node[key]


def default_params_dir() -> Path:
    from ..record import default_data_dir

    return default_data_dir() / "sim"


def params_for(record, check_sources: bool = False) -> Params:
    """``data/sim/`` beside ``record``'s data (else the shipped one), optionally checking every source id
    against the record (the command line does; tests on small fixture records do not)."""
    directory = Path(record.data_dir) / "sim" if record.data_dir else None
    return load(directory, known_sources={s.id for s in record.sources()} if check_sources else None)


def load(directory: str | Path | None = None, known_sources: set[str] | None = None) -> Params:
    """Read and validate ``data/sim/`` (all files, all errors at once); check source ids if given."""
    directory = Path(directory) if directory else default_params_dir()
    built, errors, files = {}, [], {}
    for name in FILES:
        path = directory / f"{name}.yaml"
        files[name] = str(path)
        try:
            raw = read(path)
        except RecordError as exc:
            errors.append(exc)
            continue
        if not isinstance(raw, LineDict):
            errors.append(RecordError(path, 1, "(file)", "expected a mapping"))
            continue
        try:
            built[name] = _MODELS[name].model_validate(raw)
        except ValidationError as exc:
            errors.extend(from_validation(exc, raw, path).errors)
            continue
        if known_sources is not None:
            errors.extend(_check_sources(path, raw, known_sources))
    if errors:
        raise RecordErrors(errors)
    from .theta import prior_key

    loaded = Params(**built, files=files, posterior=_posterior(directory / POSTERIOR))  # type: ignore[arg-type]
    return dataclasses.replace(loaded, base_key=prior_key(loaded))


POSTERIOR = "posterior.json"


def _posterior(path: Path) -> dict | None:
    """The calibrated posterior beside the parameters, or None (a damaged file is an error, named)."""
    import json

    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(path, None, "(file)", f"cannot read the calibrated posterior ({exc.__class__.__name__}); "
                          "rerun csto calibrate") from None
    if not isinstance(data, dict) or not isinstance(data.get("particles"), list):
        raise RecordError(path, None, "particles", "expected the output of csto calibrate")
    return data


def _check_sources(path: Path, raw: object, known: set[str], field: str = "") -> list[RecordError]:
    """Every ``sources:`` id in the file names a source in the record."""
    out = []
    if isinstance(raw, LineDict):
        for key, value in raw.items():
            here = f"{field}.{key}" if field else str(key)
            if key == "sources" and isinstance(value, list):
                for i, ref in enumerate(value):
                    sid = ref.get("id") if isinstance(ref, dict) else ref
                    if sid not in known:
                        out.append(RecordError(path, raw.line_of(key), f"{here}[{i}]", "unknown source", sid))
            else:
                out.extend(_check_sources(path, value, known, here))
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            out.extend(_check_sources(path, item, known, f"{field}[{i}]"))
    return out

"""Vectorised Monte Carlo over a :class:`~csto.sim.model.CrisisModel`.

Reproducibility: replications come in fixed blocks of :data:`BLOCK`. Block ``b``
draws from its own child stream, ``SeedSequence(seed).spawn(...)[b]``, always a
full block (the tail of the last one is discarded). So the numbers depend only on
the seed and the replication's index: not on ``chunk`` (how many replications are
held in memory at once), not on how many runs were asked for (the first ``N`` of a
longer run are the same ``N``), and not on which worker ran the block (the Ray
backend hands out blocks). Summaries are sums of whole numbers (counts, seconds, cents),
so they are identical to the last bit however the run is chunked, split or merged.

Memory: :func:`run` keeps only running counts, per-state sums and histograms
(days to the hour, personnel exactly), so it stays flat however many runs;
:func:`simulate` returns every replication, for tests and other engines.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Callable, Iterator

import numpy as np

from .model import OUTCOMES, TROOPS, CrisisModel

BLOCK = 1024
DEFAULT_CHUNK = 64 * BLOCK
MAX_RUNS = 100_000_000
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
HOURS = 24
MAX_DAYS = 3650  # histogram range; later values go in the last bin

MISSION = OUTCOMES.index("mission")
ASSISTANCE = OUTCOMES.index("assistance")
STATEMENT = OUTCOMES.index("statement")


class SimulationError(ValueError):
    """Bad arguments to a simulation (runs, seed, chunk), naming the value."""


@dataclass(frozen=True)
class Outcomes:
    """Every replication of a run: one row each (per-state arrays: one column per ``states``)."""

    states: tuple[str, ...]
    outcome: np.ndarray  # int8 code into OUTCOMES
    requested: np.ndarray  # bool
    days_to_decision: np.ndarray  # float64, NaN without a request
    days_to_troops: np.ndarray  # float64, NaN unless troops
    days_to_withdrawal: np.ndarray  # float64, NaN unless troops
    peak_personnel: np.ndarray  # int64
    personnel: np.ndarray  # int64 (runs, n)
    cost: np.ndarray  # float64 (runs, n)
    blocker: np.ndarray  # int8 state index, -1 for none

    def __len__(self) -> int:
        return len(self.outcome)

    def slice(self, lo: int, hi: int) -> "Outcomes":
        return Outcomes(self.states, *(getattr(self, f.name)[lo:hi] for f in fields(self)[1:]))

    @staticmethod
    def concat(parts: list["Outcomes"], states: tuple[str, ...]) -> "Outcomes":
        names = [f.name for f in fields(Outcomes)[1:]]
        if not parts:
            n = len(states)
            empty = {"outcome": np.int8, "requested": bool, "peak_personnel": np.int64, "blocker": np.int8}
            arrays = [np.zeros((0, n) if k in ("personnel", "cost") else 0, empty.get(k, np.float64)) for k in names]
            return Outcomes(states, *arrays)
        return Outcomes(states, *(np.concatenate([getattr(p, k) for p in parts]) for k in names))


def check_args(runs: object, seed: object, chunk: object = DEFAULT_CHUNK) -> None:
    """Reject a bad number of runs, seed or chunk with a message naming the value."""
    for name, value, lo, hi in (("runs", runs, 1, MAX_RUNS), ("chunk", chunk, 1, MAX_RUNS)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise SimulationError(f"{name}: expected a whole number, got {value!r}")
        if not lo <= value <= hi:
            raise SimulationError(f"{name}: expected between {lo} and {hi:,}, got {value:,}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SimulationError(f"seed: expected a whole number >= 0, got {seed!r}")


def block_streams(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """One child seed sequence per block of :data:`BLOCK` replications."""
    return np.random.SeedSequence(seed).spawn(-(-runs // BLOCK))


def sample_block(model: CrisisModel, stream: np.random.SeedSequence, size: int = BLOCK) -> Outcomes:
    """Sample one block (always :data:`BLOCK` draws, of which the first ``size`` are kept)."""
    return sample_blocks(model, [stream], size)


def _draw(model: CrisisModel, streams: list[np.random.SeedSequence]) -> tuple[dict, list[np.random.Generator]]:
    """Every random number of ``len(streams)`` blocks but the shares, each block from its own stream.

    The draw order within a block is part of the contract (see csto.sim.model): change it and every
    seed changes. The draws of several blocks land in one array so the arithmetic runs once over all.
    Returns the draws and each block's generator, left where the shares come next (:func:`_shares`).
    """
    m, B, n = model, BLOCK, model.n
    N = len(streams) * B
    d = {k: np.empty(N) for k in ("u_request", "u_statement", "consult", "session", "mobilise", "operation")}
    d["eps"], d["u_aside"] = np.empty((N, n)), np.empty((N, n))
    logs = {k: np.log(getattr(m, f"{k}_median")) for k in ("consult", "session", "mobilise", "operation")}
    rngs = []
    for j, stream in enumerate(streams):
        rng, sl = np.random.default_rng(stream), slice(j * B, (j + 1) * B)
        rng.random(out=d["u_request"][sl])
        rng.random(out=d["u_statement"][sl])
        d["consult"][sl] = rng.lognormal(logs["consult"], m.consult_sigma, B)
        d["session"][sl] = rng.lognormal(logs["session"], m.session_sigma, B)
        rng.standard_normal(out=d["eps"][sl])
        rng.random(out=d["u_aside"][sl])
        d["mobilise"][sl] = rng.lognormal(logs["mobilise"], m.mobilise_sigma, B)
        d["operation"][sl] = rng.lognormal(logs["operation"], m.operation_sigma, B)
        rngs.append(rng)
    return d, rngs


def _shares(model: CrisisModel, rngs: list[np.random.Generator], troops: np.ndarray) -> np.ndarray:
    """The share of its contingent each state would send, ``(N, n)``: the last draws of each block.

    Being last, they can be skipped in a block where no replication sends troops (they would go unused)
    without changing a single number; so can they all when the share is fixed.
    """
    beta, B = model.share_beta, BLOCK
    shares = np.full((len(rngs) * B, model.n), model.deploy_fraction)
    if beta is not None:
        for j, rng in enumerate(rngs):
            if troops[j * B:(j + 1) * B].any():
                shares[j * B:(j + 1) * B] = rng.beta(beta[0], beta[1], (B, model.n))
    return shares


def sample_blocks(model: CrisisModel, streams: list[np.random.SeedSequence], size: int | None = None) -> Outcomes:
    """Consecutive blocks, block ``j`` from ``streams[j]``; the first ``size`` replications are kept.

    The same numbers as concatenating :func:`sample_block` over the streams, bit for bit.
    """
    m, n = model, model.n
    d, rngs = _draw(model, streams)
    N = len(d["u_request"])
    requested = d["u_request"] < m.p_request
    decision = d["consult"] + d["session"]

    # stances and the decision rule, state by state (long vectors rather than a short trailing axis)
    voter = m.voting.copy()
    if m.target >= 0:
        voter[m.target] = False
    level = np.full(N, m.ceiling, np.int64)
    lowest_z = np.full(N, np.inf)
    blocker = np.full(N, -1, np.int64)
    contributes = np.zeros((N, n), bool)
    for i in range(n):
        if not voter[i]:
            continue
        z = m.stance_mean[i] + m.stance_sd * d["eps"][:, i]
        accept = np.searchsorted(m.cutpoints, z)  # how many cutpoints lie strictly below z
        blocks = (accept < m.ceiling) & ~(d["u_aside"][:, i] < m.p_stand_aside[i])
        np.minimum(level, np.where(blocks, accept, m.ceiling), out=level)
        lower = blocks & (z < lowest_z)  # strict: the first of equal stances blocks, as argmin would
        lowest_z[lower] = z[lower]
        blocker[lower] = i
        if m.contingent[i] > 0:
            contributes[:, i] = accept == TROOPS
    np.maximum(level, m.floor, out=level)
    if not voter.any():  # nobody can consent: an empty set of voters is not consensus
        level[:] = 0
    blocker[level >= m.ceiling] = -1
    troops = level == TROOPS
    level[troops & ~contributes.any(axis=1)] = ASSISTANCE  # nobody willing to send troops
    troops = level == TROOPS
    contributes &= troops[:, None]

    # force generation, transport, operation, withdrawal; costs: each contributor pays its own, or the
    # whole is split by budget shares (skipped where nobody deploys: the results would be empty)
    if contributes.any():
        # each contributor sends a drawn share of its contingent, in whole persons and at least one
        share = _shares(m, rngs, troops)
        sent = np.where(contributes, np.maximum(1.0, np.rint(share * m.contingent)), 0.0)
        flights = np.ceil(sent / m.pax_per_flight)
        transit = m.distance_km / (m.air_speed_kmh * 24.0)
        buildup = (flights @ np.ones(n)) / m.flights_per_day  # a matrix product sums a short axis fastest
        nearest = np.full(N, np.inf)
        for i in np.argsort(transit, kind="stable")[::-1]:
            nearest[contributes[:, i]] = transit[i]
        first = decision + d["mobilise"] + nearest
        withdrawn = first + d["operation"] + buildup
        personnel = sent.astype(np.int64)
        own = sent * ((d["operation"] + buildup) * m.cost_person_day)[:, None] + 2.0 * flights * m.cost_flight
        cost = own.sum(axis=1, keepdims=True) * m.budget_share if m.cost_rule == "budget" else own
    else:
        first = withdrawn = np.full(N, np.nan)
        personnel = np.zeros((N, n), np.int64)
        cost = np.zeros((N, n))
    cost = cost + np.where(level == MISSION, m.cost_mission, 0.0)[:, None] * m.budget_share
    cost = cost + np.where(level == ASSISTANCE, m.cost_assistance, 0.0)[:, None] * m.budget_share

    # no request: a statement or nothing, and none of the above happened
    level = np.where(requested, level, np.where(d["u_statement"] < m.p_statement_unrequested, STATEMENT, 0))
    troops = level == TROOPS
    nan = np.full(N, np.nan)
    out = Outcomes(
        states=m.states,
        outcome=level.astype(np.int8),
        requested=requested,
        days_to_decision=np.where(requested, decision, nan),
        days_to_troops=np.where(troops, first, nan),
        days_to_withdrawal=np.where(troops, withdrawn, nan),
        peak_personnel=personnel.sum(axis=1) * troops,
        personnel=personnel * requested[:, None],
        cost=cost * requested[:, None],
        blocker=np.where(requested, blocker, -1).astype(np.int8),
    )
    return out if size is None or size == N else out.slice(0, size)


def chunks(model: CrisisModel, runs: int, seed: int, chunk: int = DEFAULT_CHUNK) -> Iterator[Outcomes]:
    """Yield the run as consecutive :class:`Outcomes` of about ``chunk`` replications (whole blocks)."""
    check_args(runs, seed, chunk)
    streams = block_streams(seed, runs)
    per = max(1, -(-chunk // BLOCK))
    for start in range(0, len(streams), per):
        part = streams[start:start + per]
        yield sample_blocks(model, part, min(len(part) * BLOCK, runs - start * BLOCK))


def simulate(model: CrisisModel, runs: int, seed: int, chunk: int = DEFAULT_CHUNK,
             progress: Callable[[int], None] | None = None) -> Outcomes:
    """Run ``runs`` replications of ``model`` from ``seed``; every replication is kept."""
    parts = []
    for part in chunks(model, runs, seed, chunk):
        parts.append(part)
        if progress:
            progress(len(part))
    return Outcomes.concat(parts, model.states)


def run(model: CrisisModel, runs: int, seed: int, chunk: int = DEFAULT_CHUNK,
        progress: Callable[[int], None] | None = None) -> dict:
    """Run and summarise in flat memory; equal to ``summarize(simulate(...))`` number for number."""
    acc = Accumulator(model.states)
    for part in chunks(model, runs, seed, chunk):
        acc.add(part)
        if progress:
            progress(len(part))
    return acc.result()


def summarize(outcomes: Outcomes) -> dict:
    """The JSON-ready summary of a run: see :class:`Accumulator` and docs/simulation.md."""
    return Accumulator(outcomes.states).add(outcomes).result()


SECONDS = 86_400
CENTS = 100


class _Hist:
    """Counts of days to the hour (floored), for quantiles in flat memory; the total in whole seconds."""

    def __init__(self):
        self.counts = np.zeros(MAX_DAYS * HOURS + 1, np.int64)
        self.seconds = 0

    def add(self, days: np.ndarray) -> None:
        days = days[~np.isnan(days)]
        bins = np.minimum(np.floor(days * HOURS), len(self.counts) - 1).astype(np.int64)
        self.counts += np.bincount(bins, minlength=len(self.counts))
        self.seconds += int(np.rint(days * SECONDS).astype(np.int64).sum())

    def merge(self, other: "_Hist") -> None:
        self.counts += other.counts
        self.seconds += other.seconds

    def result(self) -> dict:
        n = int(self.counts.sum())
        if n == 0:
            return {"n": 0, "mean": None, **{_qname(q): None for q in QUANTILES}}
        cum = np.cumsum(self.counts)
        qs = {_qname(q): round(int(np.searchsorted(cum, q * n)) / HOURS, 3) for q in QUANTILES}
        return {"n": n, "mean": round(self.seconds / SECONDS / n, 3), **qs}


def _qname(q: float) -> str:
    return f"p{round(q * 100):02d}"


class Accumulator:
    """Running summary of replications in whole numbers (counts, seconds, cents).

    Integer sums do not depend on the order they are taken in, so however a run is chunked or split
    across workers, and in whatever order the parts are merged, the summary is the same to the last bit.
    """

    def __init__(self, states: tuple[str, ...]):
        self.states = tuple(states)
        n = len(self.states)
        self.runs = 0
        self.requested = 0
        self.counts = np.zeros(len(OUTCOMES), np.int64)
        self.decision, self.troops, self.withdrawal = _Hist(), _Hist(), _Hist()
        self.peaks: dict[int, int] = {}
        self.contributes = np.zeros(n, np.int64)
        self.personnel = np.zeros(n, np.int64)
        self.cost = np.zeros(n, np.int64)  # cents
        self.cost_deployed = np.zeros(n, np.int64)  # cents
        self.blocks = np.zeros(n, np.int64)

    def add(self, o: Outcomes) -> "Accumulator":
        """Fold replications in."""
        n = len(self.states)
        self.runs += len(o)
        self.requested += int(o.requested.sum())
        self.counts += np.bincount(o.outcome, minlength=len(OUTCOMES))
        self.decision.add(o.days_to_decision)
        self.troops.add(o.days_to_troops)
        self.withdrawal.add(o.days_to_withdrawal)
        troops = o.outcome == TROOPS
        values, counts = np.unique(o.peak_personnel[troops], return_counts=True)
        for v, c in zip(values.tolist(), counts.tolist()):
            self.peaks[v] = self.peaks.get(v, 0) + c
        self.contributes += (o.personnel > 0).sum(axis=0)
        self.personnel += o.personnel.sum(axis=0)
        cents = np.rint(o.cost * CENTS).astype(np.int64)
        self.cost += cents.sum(axis=0)
        self.cost_deployed += cents[troops].sum(axis=0)
        blockers = o.blocker[o.blocker >= 0]
        self.blocks += np.bincount(blockers, minlength=n)[:n]
        return self

    def merge(self, other: "Accumulator") -> "Accumulator":
        """Fold in another summary of the same model (from another chunk or worker), in any order."""
        if other.states != self.states:
            raise ValueError(f"cannot merge summaries of different states: {other.states} vs {self.states}")
        self.runs += other.runs
        self.requested += other.requested
        for name in ("counts", "contributes", "personnel", "cost", "cost_deployed", "blocks"):
            getattr(self, name).__iadd__(getattr(other, name))
        for name in ("decision", "troops", "withdrawal"):
            getattr(self, name).merge(getattr(other, name))
        for value, count in other.peaks.items():
            self.peaks[value] = self.peaks.get(value, 0) + count
        return self

    def _peak(self) -> dict:
        n = sum(self.peaks.values())
        if n == 0:
            return {"n": 0, "mean": None, **{_qname(q): None for q in QUANTILES}}
        values = np.array(sorted(self.peaks))
        cum = np.cumsum([self.peaks[v] for v in values])
        qs = {_qname(q): int(values[np.searchsorted(cum, q * n)]) for q in QUANTILES}
        return {"n": n, "mean": round(sum(v * c for v, c in self.peaks.items()) / n, 1), **qs}

    def result(self) -> dict:
        runs = max(self.runs, 1)
        deployed = int(self.counts[TROOPS])
        blocks = {s: round(int(b) / runs, 4) for s, b in zip(self.states, self.blocks)}
        top = max(blocks, key=blocks.get) if self.blocks.any() else None
        return {
            "runs": self.runs,
            "p_request": round(self.requested / runs, 4),
            "outcomes": {name: round(int(c) / runs, 4) for name, c in zip(OUTCOMES, self.counts)},
            "most_likely": OUTCOMES[int(self.counts.argmax())],
            "days_to_decision": self.decision.result(),
            "days_to_first_troops": self.troops.result(),
            "days_to_withdrawal": self.withdrawal.result(),
            "peak_personnel": self._peak(),
            "personnel_by_state": {
                s: {"p_contributes": round(int(c) / runs, 4),
                    "mean_when_deployed": round(int(p) / deployed, 1) if deployed else 0.0}
                for s, c, p in zip(self.states, self.contributes, self.personnel)},
            "cost_by_state": {
                s: {"mean": round(int(c) / CENTS / runs, 1),
                    "mean_when_deployed": round(int(d) / CENTS / deployed, 1) if deployed else 0.0}
                for s, c, d in zip(self.states, self.cost, self.cost_deployed)},
            "blocking": blocks,
            "most_often_blocks": top,
        }

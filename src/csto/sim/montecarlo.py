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

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ..errors import CstoError
from . import shares
from .model import COL, MISSION, OUTCOMES, TROOPS, CrisisModel, after_refusal, asked_class, refusable
from .summary import DISTINCT_Z, MIN_N, QUANTILES, Accumulator  # noqa: F401 (re-exported)

BLOCK = 1024
DEFAULT_CHUNK = 8 * BLOCK  # small enough to stay in cache: faster than larger chunks here
MAX_RUNS = 100_000_000

ASSISTANCE = OUTCOMES.index("assistance")
STATEMENT = OUTCOMES.index("statement")


class SimulationError(CstoError):
    """Bad arguments to a simulation (runs, seed, chunk), naming the value."""


@dataclass(frozen=True)
class Outcomes:
    """Every replication of a run: one row each (per-state arrays: one column per ``states``)."""

    states: tuple[str, ...]
    outcome: np.ndarray  # int8 code into OUTCOMES
    requested: np.ndarray  # bool
    undecided: np.ndarray  # bool: requested, but no decision within the horizon
    refused: np.ndarray  # bool: the target refused what was offered
    days_to_decision: np.ndarray  # float64, NaN without a request or a decision
    days_to_troops: np.ndarray  # float64, NaN unless troops
    days_to_withdrawal: np.ndarray  # float64, NaN unless troops
    peak_personnel: np.ndarray  # int32 (whole persons: 2 billion is far beyond any force)
    personnel: np.ndarray  # int32 (runs, n)
    cost: np.ndarray  # float64 (runs, n)
    blocker: np.ndarray  # int8 state index, -1 for none
    outvoted: np.ndarray  # bool (runs, n): took part, accepted less than was decided (majority rules)

    def __len__(self) -> int:
        return len(self.outcome)

    def slice(self, lo: int, hi: int) -> Outcomes:
        return Outcomes(self.states, *(getattr(self, f.name)[lo:hi] for f in fields(self)[1:]))

    @staticmethod
    def concat(parts: list[Outcomes], states: tuple[str, ...]) -> Outcomes:
        names = [f.name for f in fields(Outcomes)[1:]]
        if not parts:
            n = len(states)
            kinds = {"outcome": np.int8, "requested": bool, "undecided": bool, "refused": bool,
                     "peak_personnel": np.int32, "personnel": np.int32, "blocker": np.int8, "outvoted": bool}
            arrays = [np.zeros((0, n) if k in ("personnel", "cost", "outvoted") else 0, kinds.get(k, np.float64))
                      for k in names]
            return Outcomes(states, *arrays)
        return Outcomes(states, *(np.concatenate([getattr(p, k) for p in parts]) for k in names))


def check_args(runs: object, seed: object, chunk: object = DEFAULT_CHUNK) -> None:
    """Reject a bad number of runs, seed or chunk with a message naming the value."""
    for name, value, lo, hi in (("runs", runs, 1, MAX_RUNS), ("chunk", chunk, 1, MAX_RUNS)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise SimulationError(f"{name}: expected a whole number, got {value!r}", field=name, value=value)
        if not lo <= value <= hi:
            raise SimulationError(f"{name}: expected between {lo} and {hi:,}, got {value:,}", field=name, value=value)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise SimulationError(f"seed: expected a whole number >= 0, got {seed!r}", field="seed", value=seed)


def block_streams(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """One child seed sequence per block of :data:`BLOCK` replications."""
    return np.random.SeedSequence(seed).spawn(-(-runs // BLOCK))


def sample_block(model: CrisisModel, stream: np.random.SeedSequence, size: int = BLOCK) -> Outcomes:
    """Sample one block (always :data:`BLOCK` draws, of which the first ``size`` are kept)."""
    return sample_blocks(model, [stream], size)


def _draw(model: CrisisModel, streams: list[np.random.SeedSequence]) -> tuple[dict, list[np.random.Generator]]:
    """The first draws of ``len(streams)`` blocks, each block from its own stream: ``k``, ``U_request``,
    ``U_statement``. :func:`_draw_decision` and :func:`_draw_transport` continue each block's stream.

    The draw order within a block is part of the contract (see csto.sim.model): change it and every
    seed changes. The draws of several blocks land in one array so the arithmetic runs once over all.
    Returns the draws and each block's generator, left where the next draws come.
    """
    m, B = model, BLOCK
    N = len(streams) * B
    d = {k: np.empty(N) for k in ("u_request", "u_statement")}
    d["k"] = np.empty(N, np.int64)
    K = len(m.particles)
    rngs = []
    for j, stream in enumerate(streams):
        rng, sl = np.random.default_rng(stream), slice(j * B, (j + 1) * B)
        d["k"][sl] = rng.integers(0, K, B)
        rng.random(out=d["u_request"][sl])
        rng.random(out=d["u_statement"][sl])
        rngs.append(rng)
    return d, rngs


def _per_block(mask: np.ndarray) -> np.ndarray:
    """How many replications of each block ``mask`` (one value per replication) holds for."""
    return mask.reshape(-1, BLOCK).sum(axis=1)


def _draw_decision(model: CrisisModel, rngs: list[np.random.Generator], requested: np.ndarray) -> dict:
    """``N_time``, ``eps``, ``U_aside`` (under a stand-aside rule), ``U_refuse`` for the replications that
    ask for help, in replication order: each block draws as many as it has such replications."""
    n, total = model.n, int(requested.sum())
    d: dict[str, Any] = {"n_time": np.empty(total), "eps": np.empty((total, n)), "u_refuse": np.empty(total),
                         "u_aside": np.empty((total, n)) if model.stand_aside else None}
    at = 0
    for rng, c in zip(rngs, _per_block(requested).tolist()):
        if c:
            sl = slice(at, at + c)
            rng.standard_normal(out=d["n_time"][sl])
            rng.standard_normal(out=d["eps"][sl])
            if model.stand_aside:
                rng.random(out=d["u_aside"][sl])
            rng.random(out=d["u_refuse"][sl])
            at += c
    return d


def _draw_transport(model: CrisisModel, rngs: list[np.random.Generator], sending: np.ndarray) -> dict:
    """``M``, ``O`` and the shares' uniforms ``U_share`` for the replications that send troops, in
    replication order: each block draws them, in that order, for its own such replications."""
    m, n, total = model, model.n, int(sending.sum())
    d: dict[str, Any] = {"mobilise": np.empty(total), "operation": np.empty(total),
                         "u_share": np.empty((total, n)) if m.share_beta is not None else None}
    at = 0
    for rng, c in zip(rngs, _per_block(sending).tolist()):
        if c:
            sl = slice(at, at + c)
            d["mobilise"][sl] = rng.lognormal(np.log(m.mobilise_median), m.mobilise_sigma, c)
            d["operation"][sl] = rng.lognormal(np.log(m.operation_median), m.operation_sigma, c)
            if d["u_share"] is not None:
                rng.random(out=d["u_share"][sl])
            at += c
    return d


def _shares(model: CrisisModel, t: dict) -> np.ndarray:
    """The share of its contingent each state sends, one row per replication that sends troops."""
    beta = model.share_beta
    if beta is None:
        return np.full((len(t["mobilise"]), model.n), model.deploy_fraction)
    return shares.quantile(t["u_share"], *beta)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _decide(m: CrisisModel, k: np.ndarray, th: np.ndarray, d: dict) -> dict:
    """Steps 2-4 of the story for the replications using parameter sets ``k`` (rows ``th``): stances, the
    time to decision and the decision rule."""
    N, n = len(k), m.n
    voter = m.voters
    per = m.per_set
    z = per["means"][k] + th[:, COL["stance_sd"], None] * d["eps"]
    cut = per["cut"][k]
    accept = np.zeros((N, n), np.int8)  # small integers: less memory to stream through
    for c in range(cut.shape[1]):  # how many cutpoints lie strictly below z (a short loop over five)
        accept += z > cut[:, c:c + 1]
    np.minimum(accept, m.ceiling, out=accept)

    days = np.exp(np.minimum(per["mu"][k] + th[:, COL["time.sigma"]] * d["n_time"], 50.0))
    undecided = days > m.horizon_days

    if m.stand_aside:
        part = voter[None, :] & ~((accept < m.ceiling) & (d["u_aside"] < m.p_stand_aside))
        taking = part.sum(axis=1)
    else:
        part = np.broadcast_to(voter, (N, n))
        taking = np.full(N, int(voter.sum()))
    voters = np.flatnonzero(voter).tolist()
    if not voters:
        level = np.zeros(N, np.int64)
    elif m.threshold >= 1:  # consensus: the most reluctant voter taking part decides (column by column:
        level = np.full(N, TROOPS, np.int8)  # long vectors are faster than a short trailing axis)
        for i in voters:
            np.minimum(level, np.where(part[:, i], accept[:, i], TROOPS) if m.stand_aside else accept[:, i],
                       out=level)
        level = level.astype(np.int64)
    else:  # the ceil(threshold x m)-th largest acceptance among the m voters taking part
        ranked = -np.sort(-np.where(part, accept, -1), axis=1)  # largest first; non-participants last
        need = np.maximum(np.ceil(m.threshold * taking - 1e-9).astype(np.int64), 1)
        level = np.take_along_axis(ranked, (need - 1)[:, None], axis=1)[:, 0].astype(np.int64)
    level = np.where(taking > 0, level, m.floor)
    np.maximum(level, m.floor, out=level)
    if not voters:  # nobody can consent: an empty set of voters is not consensus
        level[:] = 0
    blocker = np.full(N, -1, np.int64)
    if m.threshold >= 1 and voters:  # the blocking voter with the lowest stance (the first of equals)
        lowest = np.full(N, np.inf)
        for i in voters:
            lower = (accept[:, i] < m.ceiling) & (z[:, i] < lowest)
            if m.stand_aside:
                lower &= part[:, i]
            np.copyto(lowest, z[:, i], where=lower)  # faster than boolean indexing
            np.copyto(blocker, i, where=lower)
        blocker[level >= m.ceiling] = -1
    outvoted = part & (accept < level[:, None]) if m.threshold < 1 else None
    level[undecided] = m.floor
    blocker[undecided] = -1
    if outvoted is not None:
        outvoted[undecided] = False
    return {"accept": accept, "part": part, "level": level, "blocker": blocker, "outvoted": outvoted,
            "days": days, "undecided": undecided}


def sample_blocks(model: CrisisModel, streams: list[np.random.SeedSequence], size: int | None = None,
                  particle_index: np.ndarray | None = None) -> Outcomes:
    """Consecutive blocks, block ``j`` from ``streams[j]``; the first ``size`` replications are kept.

    The same numbers as concatenating :func:`sample_block` over the streams, bit for bit.
    ``particle_index`` (one per replication of the blocks) replaces the drawn parameter-set index: the
    calibration evaluates every parameter set on its own replications this way.
    """
    m, n = model, model.n
    d, rngs = _draw(model, streams)
    N = len(d["u_request"])
    k = d["k"] if particle_index is None else particle_index
    if m.requested:
        requested = np.ones(N, bool)
    else:  # the chance of a request under each parameter set, then each replication's set
        requested = d["u_request"] < m.per_set["p_request"][k]
    ds = _draw_decision(m, rngs, requested)
    # steps 2-6 run only on the replications with a request (the others stop at step 1)
    rows = np.flatnonzero(requested)
    ks = k[rows]
    ths = m.particles[ks]
    r = _decide(m, ks, ths, ds)
    level, blocker = r["level"], r["blocker"]

    # force generation: the willing voters taking part, with a contingent to send
    troops = level == TROOPS
    willing = r["part"] & (r["accept"] == TROOPS) & (m.contingent > 0)[None, :]
    level[troops & ~(willing & troops[:, None]).any(axis=1)] = ASSISTANCE  # nobody willing to send troops

    # the target's answer: an offer short of what it asked may be refused
    asked = asked_class(m.asked, m.ceiling)
    may_refuse = refusable(level, asked, m.floor) & ~r["undecided"]
    p_refuse = _sigmoid(ths[:, COL["refuse.intercept"]] + ths[:, COL["refuse.gap"]] * (asked - level))
    refused = may_refuse & (ds["u_refuse"] < p_refuse)
    level[refused] = after_refusal(m.floor)
    blocker[refused] = -1
    troops = level == TROOPS
    sending = np.zeros(N, bool)
    sending[rows[troops]] = True
    t = _draw_transport(m, rngs, sending)

    # transport, operation, withdrawal and costs, only where troops go: each contributor pays its own,
    # or the whole is split by budget shares
    nan = np.full(N, np.nan)
    first, withdrawn = nan.copy(), nan.copy()
    personnel = np.zeros((N, n), np.int32)
    cost = np.zeros((N, n))
    go = rows[troops]
    if len(go):
        contributes = willing[troops]
        share = _shares(m, t)
        sent = np.where(contributes, np.maximum(1.0, np.rint(share * m.contingent)), 0.0)
        flights = np.ceil(sent / m.pax_per_flight)
        transit = m.distance_km / (m.air_speed_kmh * 24.0)
        buildup = (flights @ np.ones(n)) / m.flights_per_day  # a matrix product sums a short axis fastest
        nearest = np.full(len(go), np.inf)
        for i in np.argsort(transit, kind="stable")[::-1]:
            nearest[contributes[:, i]] = transit[i]
        first[go] = r["days"][troops] + t["mobilise"] + nearest
        withdrawn[go] = first[go] + t["operation"] + buildup
        personnel[go] = sent.astype(np.int32)
        own = sent * ((t["operation"] + buildup) * m.cost_person_day)[:, None] + 2.0 * flights * m.cost_flight
        cost[go] = own.sum(axis=1, keepdims=True) * m.budget_share if m.cost_rule == "budget" else own
    cost[rows[level == MISSION]] += m.cost_mission * m.budget_share
    cost[rows[level == ASSISTANCE]] += m.cost_assistance * m.budget_share

    # no request: a statement or nothing, and none of the above happened
    p_statement = m.per_set["p_statement"][k]
    outcome = np.where(d["u_statement"] < p_statement, STATEMENT, 0).astype(np.int8)
    outcome[rows] = level
    undecided, refused_all, decision = np.zeros(N, bool), np.zeros(N, bool), nan.copy()
    undecided[rows], refused_all[rows] = r["undecided"], refused
    decision[rows] = np.where(r["undecided"], np.nan, r["days"])
    blockers = np.full(N, -1, np.int8)
    blockers[rows] = blocker
    outvoted = np.zeros((N, n), bool)
    if r["outvoted"] is not None:
        outvoted[rows] = r["outvoted"]
    out = Outcomes(
        states=m.states, outcome=outcome, requested=requested, undecided=undecided, refused=refused_all,
        days_to_decision=decision, days_to_troops=first, days_to_withdrawal=withdrawn,
        peak_personnel=personnel.sum(axis=1, dtype=np.int32), personnel=personnel, cost=cost, blocker=blockers,
        outvoted=outvoted)
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
    """Run ``runs`` replications of ``model`` from ``seed``; every replication is kept.

    Each chunk is copied into arrays allocated once for the whole run while it is still in cache (rather
    than concatenated at the end: half the memory, and faster).
    """
    out, lo = None, 0
    for part in chunks(model, runs, seed, chunk):
        if out is None:
            out = Outcomes(model.states, *(np.empty((runs, *getattr(part, f.name).shape[1:]),
                                                    getattr(part, f.name).dtype) for f in fields(Outcomes)[1:]))
        for f in fields(Outcomes)[1:]:
            getattr(out, f.name)[lo:lo + len(part)] = getattr(part, f.name)
        lo += len(part)
        if progress:
            progress(len(part))
    return out if out is not None else Outcomes.concat([], model.states)


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

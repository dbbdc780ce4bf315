"""The summary of a run in flat memory: counts, histograms and whole-number sums, with Monte Carlo errors.

:class:`Accumulator` folds :class:`~csto.sim.montecarlo.Outcomes` in, chunk by chunk or worker by worker,
and merges in any order to the same bits. Every figure it reports says what it is drawn from: its count
``n`` and its Monte Carlo standard error; a quantile or conditional mean drawn from fewer than
:data:`MIN_N` replications is not reported.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .model import OUTCOMES, TROOPS

if TYPE_CHECKING:  # the engine imports this module; this one only reads the engine's records
    from .montecarlo import Outcomes

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: The finer grid of a timing's quantiles (``timing_quantiles``): enough points to draw its ECDF honestly.
QUANTILE_GRID = tuple(round(i / 100, 2) for i in range(1, 100))
HOURS = 24
MAX_DAYS = 3650  # histogram range; later values go in the last bin
SECONDS = 86_400
#: A quantile or conditional mean drawn from fewer replications than this is not reported (None, "–" in
#: tables): a median of three replications is not a finding. Its count ``n`` is reported all the same.
MIN_N = 100
#: Two shares (who blocks most often) are told apart only when their difference exceeds this many
#: standard errors of the difference.
DISTINCT_Z = 1.96


def _se(count: int, runs: int) -> float:
    """Monte Carlo standard error of a share ``count / runs`` of independent replications."""
    if runs == 0:
        return 0.0
    p = count / runs
    return round(math.sqrt(p * (1 - p) / runs), 4)


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

    def merge(self, other: _Hist) -> None:
        self.counts += other.counts
        self.seconds += other.seconds

    def result(self) -> dict:
        n = int(self.counts.sum())
        if n == 0:
            return _empty(0)
        centres = (np.arange(len(self.counts)) + 0.5) / HOURS
        mean = self.seconds / SECONDS / n
        var = float((self.counts * (centres - mean) ** 2).sum()) / max(n - 1, 1)
        if n < MIN_N:
            return {**_empty(n), "mean": None}
        cum = np.cumsum(self.counts)
        qs = {_qname(q): round(int(np.searchsorted(cum, q * n)) / HOURS, 3) for q in QUANTILES}
        return {"n": n, "mean": round(mean, 3), "mean_mcse": round(math.sqrt(var / n), 3), **qs}

    def grid(self) -> list[list[float]] | None:
        """``[p, days]`` at every p of :data:`QUANTILE_GRID` (floored to the hour, as the named quantiles are);
        None from fewer than :data:`MIN_N` replications."""
        n = int(self.counts.sum())
        if n < MIN_N:
            return None
        cum = np.cumsum(self.counts)
        return [[q, round(int(np.searchsorted(cum, q * n)) / HOURS, 3)] for q in QUANTILE_GRID]


def _empty(n: int) -> dict:
    return {"n": n, "mean": None, "mean_mcse": None, **{_qname(q): None for q in QUANTILES}}


def _qname(q: float) -> str:
    return f"p{round(q * 100):02d}"


class Accumulator:
    """Running summary of replications in whole numbers (counts, seconds, persons, dollars).

    Integer sums do not depend on the order they are taken in, so however a run is chunked or split
    across workers, and in whatever order the parts are merged, the summary is the same to the last bit.
    Replications are independent (each draws its own parameter set), so a share's Monte Carlo standard
    error is ``sqrt(p (1 - p) / n)``; a mean's is its sample standard deviation over ``sqrt(n)``.
    """

    _ARRAYS = ("counts", "contributes", "personnel", "personnel_sq", "cost", "cost_sq", "cost_deployed",
               "blocks", "outvoted")
    _SCALARS = ("runs", "requested", "undecided", "refused")

    def __init__(self, states: tuple[str, ...]):
        self.states = tuple(states)
        n = len(self.states)
        self.runs = self.requested = self.undecided = self.refused = 0
        self.counts = np.zeros(len(OUTCOMES), np.int64)
        self.decision, self.troops, self.withdrawal = _Hist(), _Hist(), _Hist()
        self.peaks: dict[int, int] = {}
        self.contributes = np.zeros(n, np.int64)
        self.personnel = np.zeros(n, np.int64)
        self.personnel_sq = np.zeros(n, np.int64)
        self.cost = np.zeros(n, np.int64)  # whole dollars
        self.cost_sq = np.zeros(n, np.int64)  # thousands of dollars, squared (for the standard error only)
        self.cost_deployed = np.zeros(n, np.int64)
        self.blocks = np.zeros(n, np.int64)
        self.outvoted = np.zeros(n, np.int64)

    def add(self, o: Outcomes) -> Accumulator:
        """Fold replications in."""
        n = len(self.states)
        self.runs += len(o)
        self.requested += int(o.requested.sum())
        self.undecided += int(o.undecided.sum())
        self.refused += int(o.refused.sum())
        self.counts += np.bincount(o.outcome, minlength=len(OUTCOMES))
        self.decision.add(o.days_to_decision)
        self.troops.add(o.days_to_troops)
        self.withdrawal.add(o.days_to_withdrawal)
        troops = o.outcome == TROOPS
        values, counts = np.unique(o.peak_personnel[troops], return_counts=True)
        for v, c in zip(values.tolist(), counts.tolist()):
            self.peaks[v] = self.peaks.get(v, 0) + c
        self.contributes += (o.personnel > 0).sum(axis=0)
        self.personnel += o.personnel.sum(axis=0, dtype=np.int64)
        self.personnel_sq += (o.personnel[troops].astype(np.int64) ** 2).sum(axis=0)
        dollars = np.rint(o.cost).astype(np.int64)
        self.cost += dollars.sum(axis=0)
        self.cost_sq += (np.rint(o.cost / 1000).astype(np.int64) ** 2).sum(axis=0)
        self.cost_deployed += dollars[troops].sum(axis=0)
        blockers = o.blocker[o.blocker >= 0]
        self.blocks += np.bincount(blockers, minlength=n)[:n]
        self.outvoted += o.outvoted.sum(axis=0)
        return self

    def merge(self, other: Accumulator) -> Accumulator:
        """Fold in another summary of the same model (from another chunk or worker), in any order."""
        if other.states != self.states:
            raise ValueError(f"cannot merge summaries of different states: {other.states} vs {self.states}")
        for name in self._SCALARS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in self._ARRAYS:
            getattr(self, name).__iadd__(getattr(other, name))
        for name in ("decision", "troops", "withdrawal"):
            getattr(self, name).merge(getattr(other, name))
        for value, count in other.peaks.items():
            self.peaks[value] = self.peaks.get(value, 0) + count
        return self

    def _peak(self) -> dict:
        n = sum(self.peaks.values())
        if n < MIN_N:
            return _empty(n)
        values = np.array(sorted(self.peaks), dtype=np.float64)
        counts = np.array([self.peaks[v] for v in sorted(self.peaks)], dtype=np.float64)
        cum = np.cumsum(counts)
        mean = float((values * counts).sum() / n)
        var = float((counts * (values - mean) ** 2).sum()) / max(n - 1, 1)
        qs = {_qname(q): int(values[np.searchsorted(cum, q * n)]) for q in QUANTILES}
        return {"n": n, "mean": round(mean, 1), "mean_mcse": round(math.sqrt(var / n), 1), **qs}

    def _blocking(self) -> tuple[str | None, str]:
        """The state that blocks most often, if it is told apart from the next beyond sampling noise."""
        runs = max(self.runs, 1)
        order = np.argsort(-self.blocks, kind="stable")
        if not self.blocks.any():
            return None, "nobody blocks"
        first = int(self.blocks[order[0]])
        second = int(self.blocks[order[1]]) if len(order) > 1 else 0
        p1, p2 = first / runs, second / runs
        se = math.sqrt(max(p1 + p2 - (p1 - p2) ** 2, 0.0) / runs)
        if p1 - p2 <= DISTINCT_Z * se:
            tied = [self.states[i] for i in order if self.blocks[i] and self.blocks[i] / runs >= p2]
            return None, (f"no single state: {', '.join(tied)} block about as often "
                          f"({p1:.4f} vs {p2:.4f}, within {DISTINCT_Z} standard errors)")
        return self.states[int(order[0])], f"{p1:.4f} vs next {p2:.4f} (difference > {DISTINCT_Z} standard errors)"

    def result(self) -> dict:
        runs = max(self.runs, 1)
        deployed = int(self.counts[TROOPS])
        blocks = {s: round(int(b) / runs, 4) for s, b in zip(self.states, self.blocks)}
        top, why = self._blocking()

        def cond_mean(total: int, squares: int, n: int, digits: int = 1) -> tuple[float | None, float | None]:
            if n < MIN_N:
                return None, None
            mean = total / n
            var = max(squares / n - mean ** 2, 0.0) * n / max(n - 1, 1)
            return round(mean, digits), round(math.sqrt(var / n), digits)

        personnel = {}
        for s, c, p, q in zip(self.states, self.contributes, self.personnel, self.personnel_sq):
            mean, se = cond_mean(int(p), int(q), deployed)
            personnel[s] = {"p_contributes": round(int(c) / runs, 4), "p_contributes_mcse": _se(int(c), self.runs),
                            "n_deployed": deployed, "mean_when_deployed": mean, "mean_when_deployed_mcse": se}
        costs = {}
        for s, c, q, dep in zip(self.states, self.cost, self.cost_sq, self.cost_deployed):
            mean = int(c) / runs
            var = max(int(q) * 1e6 / runs - mean ** 2, 0.0)
            costs[s] = {"mean": round(mean, 1), "mean_mcse": round(math.sqrt(var / runs), 1),
                        "mean_when_deployed": round(int(dep) / deployed, 1) if deployed >= MIN_N else None}
        return {
            "runs": self.runs,
            "p_request": round(self.requested / runs, 4),
            "p_request_mcse": _se(self.requested, self.runs),
            "outcomes": {name: round(int(c) / runs, 4) for name, c in zip(OUTCOMES, self.counts)},
            "outcomes_mcse": {name: _se(int(c), self.runs) for name, c in zip(OUTCOMES, self.counts)},
            "most_likely": OUTCOMES[int(self.counts.argmax())],
            "p_no_decision": round(self.undecided / runs, 4),
            "p_no_decision_mcse": _se(self.undecided, self.runs),
            "p_refused_by_target": round(self.refused / runs, 4),
            "p_refused_by_target_mcse": _se(self.refused, self.runs),
            "days_to_decision": self.decision.result(),
            "days_to_first_troops": self.troops.result(),
            "days_to_withdrawal": self.withdrawal.result(),
            "peak_personnel": self._peak(),
            # a sibling of the timings, not inside them: their fields stay scalars (sweep's flat rows read them)
            "timing_quantiles": {"days_to_decision": self.decision.grid(),
                                 "days_to_first_troops": self.troops.grid(),
                                 "days_to_withdrawal": self.withdrawal.grid()},
            "personnel_by_state": personnel,
            "cost_by_state": costs,
            "blocking": blocks,
            "blocking_mcse": {s: _se(int(b), self.runs) for s, b in zip(self.states, self.blocks)},
            "outvoted": {s: round(int(b) / runs, 4) for s, b in zip(self.states, self.outvoted)},
            "most_often_blocks": top,
            "most_often_blocks_why": why,
            "min_n": MIN_N,
        }

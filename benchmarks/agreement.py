"""Do two engines sample the same crisis model? Tests on their outcome distributions.

``compare(a, b)`` takes two :class:`csto.sim.Outcomes` of the same model and returns,
for each check, the statistic and its p-value:

- ``outcome_classes``: chi-square test of homogeneity on the counts of the six outcome
  classes (a 2 x k contingency table, classes neither engine produced left out);
- ``blocker``: the same on who blocked (none or a state index);
- ``days_to_decision``, ``days_to_first_troops``, ``days_to_withdrawal``: two-sample
  Kolmogorov-Smirnov on the replications where the time exists (a request; troops),
  skipped (p = 1) when one engine has no such replication at all;
- ``peak_personnel``: two-sample KS on peak personnel when troops were sent.

Under the null hypothesis (same model, independent seeds) each p-value is uniform on
[0, 1]; :func:`agree` says all of them are above ``alpha``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from csto.sim.model import OUTCOMES, TROOPS
from csto.sim.montecarlo import Outcomes


def _chi2(a: np.ndarray, b: np.ndarray, k: int) -> dict:
    table = np.array([np.bincount(a, minlength=k), np.bincount(b, minlength=k)])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:  # one class only in both: nothing to test, trivially the same
        return {"statistic": 0.0, "dof": 0, "p": 1.0, "counts": table.tolist()}
    res = stats.chi2_contingency(table, correction=False)
    return {"statistic": float(res.statistic), "dof": int(res.dof), "p": float(res.pvalue), "counts": table.tolist()}


def _ks(a: np.ndarray, b: np.ndarray) -> dict:
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) == 0 or len(b) == 0:  # nothing to compare; how often the time exists is the chi-square's job
        return {"statistic": None, "p": 1.0, "n": [len(a), len(b)]}
    res = stats.ks_2samp(a, b)
    return {"statistic": float(res.statistic), "p": float(res.pvalue), "n": [len(a), len(b)]}


def compare(a: Outcomes, b: Outcomes) -> dict:
    """Chi-square and KS tests between two engines' replications of the same model."""
    n = len(a.states)
    troops_a, troops_b = a.outcome == TROOPS, b.outcome == TROOPS
    return {
        "outcome_classes": _chi2(a.outcome.astype(np.int64), b.outcome.astype(np.int64), len(OUTCOMES)),
        "blocker": _chi2(a.blocker.astype(np.int64) + 1, b.blocker.astype(np.int64) + 1, n + 1),
        "days_to_decision": _ks(a.days_to_decision, b.days_to_decision),
        "days_to_first_troops": _ks(a.days_to_troops, b.days_to_troops),
        "days_to_withdrawal": _ks(a.days_to_withdrawal, b.days_to_withdrawal),
        "peak_personnel": _ks(a.peak_personnel[troops_a].astype(float), b.peak_personnel[troops_b].astype(float)),
    }


def agree(result: dict, alpha: float) -> bool:
    """True when no test in ``compare``'s result rejects at level ``alpha``."""
    return all(test["p"] > alpha for test in result.values())


def smallest_p(result: dict) -> tuple[str, float]:
    name = min(result, key=lambda k: result[k]["p"])
    return name, result[name]["p"]

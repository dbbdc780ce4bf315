"""The Beta quantile table that maps a uniform draw to the share of its contingent a state sends (step 5).

Inverse-transform sampling: a uniform draw read through the Beta quantile function, tabulated on :data:`STEPS`
equal steps and interpolated linearly (much faster than ``Generator.beta``, and one uniform per share keeps the
random streams' layout fixed; the interpolation departs from the exact law by far less than the Monte Carlo error
of any run).

The table is SciPy's ``betaincinv``. Importing ``scipy.special`` costs a command about a quarter of a second, more
than a default run of ``csto simulate`` spends simulating, so a table once computed is kept in the cache folder
(``$CSTO_CACHE/beta/``, beside the compiled records) as a plain ``.npy`` array, read without pickle and checked
(shape, finite, increasing from 0 to 1) before use; a missing or damaged file is computed again.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

#: Steps of the tabulated quantile function.
STEPS = 16_384


@functools.lru_cache(maxsize=32)
def table(a: float, b: float) -> np.ndarray:
    """The Beta(a, b) quantile function at ``0, 1/STEPS, ..., 1`` (read-only)."""
    path = _path(a, b)
    found = _read(path)
    if found is None:
        from scipy.special import betaincinv

        found = betaincinv(a, b, np.linspace(0.0, 1.0, STEPS + 1))
        _write(path, found)
    found.setflags(write=False)
    return found


def quantile(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """The Beta(a, b) quantiles of the uniform draws ``u``, read from :func:`table` by linear interpolation."""
    tab = table(a, b)
    pos = u * STEPS
    i = np.minimum(pos.astype(np.int64), STEPS - 1)
    return tab[i] + (pos - i) * (tab[i + 1] - tab[i])


def _path(a: float, b: float) -> Path:
    from ..record.store import cache_dir

    return cache_dir() / "beta" / f"{a.hex()}_{b.hex()}_{STEPS}.npy"  # exact floats, safe file names


def _read(path: Path) -> np.ndarray | None:
    try:
        found = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    ok = (found.shape == (STEPS + 1,) and found.dtype == np.float64 and bool(np.isfinite(found).all())
          and found[0] == 0.0 and found[-1] == 1.0 and bool((np.diff(found) >= 0).all()))
    return found if ok else None


def _write(path: Path, values: np.ndarray) -> None:
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(tmp, values, allow_pickle=False)
        os.replace(tmp, path)
    except OSError:  # an unwritable cache costs only time: the next run computes the table again
        tmp.unlink(missing_ok=True)

"""The Beta quantile table of the shares sent (step 5): kept in the cache folder, checked, recomputed when damaged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import betaincinv

from csto.sim import shares

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CSTO_CACHE", str(tmp_path))
    shares.table.cache_clear()
    yield tmp_path / "beta"
    shares.table.cache_clear()


def test_the_table_is_scipys_quantile_function_and_is_kept(cache):
    made = shares.table(2.5, 4.0)
    assert np.array_equal(made, betaincinv(2.5, 4.0, np.linspace(0, 1, shares.STEPS + 1)))
    (kept,) = cache.glob("*.npy")
    shares.table.cache_clear()
    assert np.array_equal(shares.table(2.5, 4.0), made)  # read back bit for bit: same seed, same numbers
    assert not list(cache.glob("*.tmp*"))


def test_the_interpolated_quantiles_follow_the_beta_law(cache):
    u = np.random.default_rng(7).random(200_000)
    q = shares.quantile(u, 2.5, 4.0)
    assert q.min() >= 0 and q.max() <= 1
    assert abs(q.mean() - 2.5 / 6.5) < 0.002  # the Beta mean a / (a + b); its standard error here is 0.0004


@pytest.mark.parametrize("damage", [b"", b"not an array", "truncate", "reorder"])
def test_a_damaged_kept_table_is_computed_again(cache, damage):
    good = shares.table(3.0, 2.0).copy()
    (kept,) = cache.glob("*.npy")
    if damage == "truncate":
        kept.write_bytes(kept.read_bytes()[:-800])
    elif damage == "reorder":
        np.save(kept, good[::-1].copy())  # finite and the right shape, but not a quantile function
    else:
        kept.write_bytes(damage)
    shares.table.cache_clear()
    assert np.array_equal(shares.table(3.0, 2.0), good)
    assert np.array_equal(np.load(kept), good)  # and written again


def test_a_run_with_the_table_kept_does_not_import_scipy(tmp_path):
    env = {"CSTO_CACHE": str(tmp_path), "PATH": "/usr/bin:/bin"}
    probe = ("import json, sys; from csto.cli import main\nsys.argv = ['csto', 'simulate', sys.argv[1], '-n', '200']\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(json.dumps('scipy.special' in sys.modules), file=sys.stderr)")
    scenario = str(ROOT / "scenarios" / "kazakhstan-2022-01.yaml")

    def scipy_imported() -> bool:
        done = subprocess.run([sys.executable, "-c", probe, scenario], capture_output=True, text=True, env=env,
                              timeout=300)
        return json.loads(done.stderr.strip().splitlines()[-1])

    assert scipy_imported()  # the first run computes the table
    assert list((tmp_path / "beta").glob("*.npy"))
    assert not scipy_imported()  # the next one reads it

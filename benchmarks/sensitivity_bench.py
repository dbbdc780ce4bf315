"""Time ``csto sensitivity`` at full size: one scenario, 20 inputs, N = 1,024 base samples (43,008 points)
x 10,000 replications per point (430 million replications), on one core.

    .venv/bin/python benchmarks/sensitivity_bench.py [SCENARIO] [--base-samples N] [--runs R] [--inputs D]

Prints the wall time, the points and replications evaluated per second, and the top inputs by total index.
The figure measured is in docs/sensitivity.md ("Speed"). Tests never assert a time.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

from csto.analysis import sensitivity as S  # noqa: E402
from csto.record import Record  # noqa: E402
from csto.sim import compile, params_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "armenia-2022-09.yaml"))
    ap.add_argument("--base-samples", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--inputs", type=int, default=20, help="the first D of the scenario's default inputs")
    a = ap.parse_args()
    record = Record.open()
    params = params_for(record)
    model = compile(a.scenario, record, params)
    names = S.default_inputs(model)[0][:a.inputs]
    start = time.perf_counter()
    out = S.sensitivity(a.scenario, record, params, base_samples=a.base_samples, runs=a.runs, inputs=names,
                        model=model)
    wall = time.perf_counter() - start
    m = out["method"]
    print(f"{out['scenario']}: {m['inputs']} inputs, N = {m['base_samples']}, {m['points']:,} points x "
          f"{m['runs_per_point']:,} runs = {m['replications']:,} replications in {wall:.1f} s "
          f"({m['replications'] / wall / 1e6:.1f} M replications/s, {m['points'] / wall:,.0f} points/s)")
    for name, o in out["outputs"].items():
        top = ", ".join(f"{r['input']} {r['ST']:.3f}" for r in o["indices"][:5])
        print(f"  {name}: top ST {top}")


if __name__ == "__main__":
    main()

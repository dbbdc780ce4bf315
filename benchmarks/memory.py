"""Peak memory of a long run, measured in a fresh process.

``python benchmarks/memory.py SCENARIO|MODEL.pickle RUNS [SEED]`` runs
``csto.sim.montecarlo.run`` (the summary in flat memory, chunk by chunk) on one core
and prints one JSON line: the peak resident set size of the process (``VmHWM``)
before the run (imports, model, a one-block warm-up) and at the end, in MB, and the
replications per second of the run. ``make bench`` passes a pickled compiled model, so
that compiling the record and the scenario (a few hundred MB of YAML parsing, once)
is not counted as the simulation's memory.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402


def peak_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Linux's ``VmHWM`` (/proc/self/status) where there is one: ``ru_maxrss`` also counts the
    parent's resident set at the moment it forked this process (it survives exec), which
    would charge the benchmark harness's memory to the simulation.
    """
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux and BSD: kilobytes


def main(argv: list[str]) -> dict:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from csto.sim import montecarlo

    scenario, runs = argv[0], int(argv[1])
    seed = int(argv[2]) if len(argv) > 2 else 1
    if scenario.endswith(".pickle"):
        import pickle

        with open(scenario, "rb") as fh:
            model = pickle.load(fh)
    else:
        from benchmarks.inputs import load_input

        model = load_input(scenario)
    montecarlo.run(model, montecarlo.BLOCK, seed)  # warm up: every import and first allocation done
    before = peak_mb()
    start = time.perf_counter()
    summary = montecarlo.run(model, runs, seed)
    seconds = time.perf_counter() - start
    return {"scenario": model.scenario, "states": model.n, "runs": runs, "seed": seed, "chunk": montecarlo.DEFAULT_CHUNK,
            "peak_rss_mb_before_run": round(before, 1), "peak_rss_mb": round(peak_mb(), 1),
            "seconds": round(seconds, 2), "reps_per_second": round(runs / seconds),
            "p_troops": summary["outcomes"]["troops"]}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))

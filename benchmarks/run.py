"""The benchmark run behind ``make bench``: agreement, speed and memory, side by side.

``python benchmarks/run.py [--quick] [--out benchmarks/results.json]``

1. **Agreement.** For every input, the numpy engine (``csto.sim.montecarlo``), the SimPy
   version and the Mesa version sample the same compiled model from different seeds;
   chi-square on outcome classes and on the blocker, two-sample KS on days to decision,
   first troops, withdrawal and peak personnel (:mod:`benchmarks.agreement`).
2. **Speed, one core.** The process pins itself to one CPU and numpy's thread pools to one
   thread. Replications per second, best of ``REPEATS`` timings, for
   ``montecarlo.simulate`` (every replication kept, as the SimPy and Mesa versions keep
   them) and ``montecarlo.run`` (summary in flat memory) at 100,000 replications; SimPy
   and Mesa are timed on fewer replications (their rate per replication is flat) and
   reported per second. Ratios are numpy's rate over theirs.
3. **Memory.** ``benchmarks/memory.py`` runs 10 million replications in a fresh process
   and reports its peak resident set size.
4. **Beyond one machine.** A sweep (every scenario x a grid) on the local backend and on a
   private Ray instance with every core: wall time, and whether the rows are identical.

Writes ``benchmarks/results.json`` (see docs/benchmarks.md for the fields); ``--quick`` writes
``benchmarks/results-quick.json`` (git-ignored) and may not overwrite the committed figures.
"""

from __future__ import annotations

import os

ALL_CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
if __name__ == "__main__":  # one core, one thread, set before numpy is imported (not when imported by tests)
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = "1"
    if ALL_CPUS:
        os.sched_setaffinity(0, {ALL_CPUS[0]})

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import mesa  # noqa: E402
import numpy as np  # noqa: E402
import simpy  # noqa: E402

from benchmarks import agreement, mesa_model, simpy_model  # noqa: E402
from benchmarks.inputs import CSTO_SIZE, LARGE, load_inputs  # noqa: E402
from csto.sim import montecarlo  # noqa: E402

FULL = {"numpy_runs": 100_000, "simpy_runs": 10_000, "mesa_runs": 5_000, "repeats": 3,
        "agree_numpy_runs": 200_000, "agree_simpy_runs": 20_000, "agree_mesa_runs": 10_000, "alpha": 0.001,
        "memory_runs": 10_000_000, "sweep_runs": 100_000, "sweep_grid": {"threshold": [0.67, 1.0],
                                                                         "horizon_days": [7.0, 30.0]}}
QUICK = {**FULL, "numpy_runs": 20_000, "simpy_runs": 1_000, "mesa_runs": 500, "repeats": 1,
         "agree_numpy_runs": 20_000, "agree_simpy_runs": 2_000, "agree_mesa_runs": 1_000,
         "memory_runs": 200_000, "sweep_runs": 5_000}
SEEDS = {"numpy": 20240101, "simpy": 20240102, "mesa": 20240103}


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def rate(func, runs: int, repeats: int) -> float:
    """Replications per second: the best of ``repeats`` timings of ``func(runs)``."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func(runs)
        best = min(best, time.perf_counter() - start)
    return runs / best


def check_agreement(models: dict, p: dict) -> dict:
    out = {}
    for name, model in models.items():
        ref = montecarlo.simulate(model, p["agree_numpy_runs"], SEEDS["numpy"])
        entry = {}
        for engine, module, runs in (("simpy", simpy_model, p["agree_simpy_runs"]),
                                     ("mesa", mesa_model, p["agree_mesa_runs"])):
            result = agreement.compare(ref, module.simulate(model, runs, SEEDS[engine]))
            worst, p_min = agreement.smallest_p(result)
            entry[engine] = {"agree": agreement.agree(result, p["alpha"]), "smallest_p": round(p_min, 4),
                             "smallest_p_test": worst,
                             "tests": {k: {kk: vv for kk, vv in v.items() if kk != "counts"} for k, v in result.items()},
                             "outcome_counts": result["outcome_classes"]["counts"]}
            log(f"  agreement {name:34s} {engine:6s} smallest p = {p_min:.4f} ({worst})")
        out[name] = entry
    return out


def time_engines(name: str, model, p: dict) -> dict:
    r = p["repeats"]
    montecarlo.simulate(model, montecarlo.BLOCK, 0)  # warm up
    row = {"states": model.n,
           "numpy_simulate": round(rate(lambda n: montecarlo.simulate(model, n, SEEDS["numpy"]), p["numpy_runs"], r)),
           "numpy_run": round(rate(lambda n: montecarlo.run(model, n, SEEDS["numpy"]), p["numpy_runs"], r))}
    row["simpy"] = round(rate(lambda n: simpy_model.simulate(model, n, SEEDS["simpy"]), p["simpy_runs"], r))
    row["mesa"] = round(rate(lambda n: mesa_model.simulate(model, n, SEEDS["mesa"]), p["mesa_runs"], r))
    row["ratio_vs_simpy"] = round(row["numpy_simulate"] / row["simpy"], 1)
    row["ratio_vs_mesa"] = round(row["numpy_simulate"] / row["mesa"], 1)
    log(f"  speed {name:38s} " + ", ".join(f"{k}={v:,}" for k, v in row.items()))
    return row


def measure_memory(model, p: dict) -> dict:
    import pickle
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pickle"
        path.write_bytes(pickle.dumps(model))
        cmd = [sys.executable, str(HERE / "memory.py"), str(path), str(p["memory_runs"]), str(SEEDS["numpy"])]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    log(f"  memory {result}")
    return result


def sweep_local_vs_ray(models: dict, p: dict) -> dict:
    from csto.sim.backends import sweep

    if ALL_CPUS:  # Ray's workers inherit the affinity of the process that starts them
        os.sched_setaffinity(0, set(ALL_CPUS))
    scenarios = [m for k, m in models.items() if k != LARGE]
    cells = len(scenarios) * int(np.prod([len(v) for v in p["sweep_grid"].values()]))
    out = {"scenarios": len(scenarios), "grid": p["sweep_grid"], "cells": cells, "runs_per_cell": p["sweep_runs"]}
    start = time.perf_counter()
    local_rows = sweep(scenarios, p["sweep_grid"], runs=p["sweep_runs"], seed=SEEDS["numpy"], backend="local")
    out["local_seconds"] = round(time.perf_counter() - start, 2)
    try:
        from csto.sim.backends import ray_backend
        import ray

        start = time.perf_counter()
        ray_backend.connect(num_cpus=len(ALL_CPUS) or None)
        out["ray_start_seconds"] = round(time.perf_counter() - start, 2)
        out["ray_cpus"] = int(ray.cluster_resources().get("CPU", 0))
        for attempt in ("ray_seconds_cold", "ray_seconds"):  # the first pays for starting the workers
            start = time.perf_counter()
            ray_rows = sweep(scenarios, p["sweep_grid"], runs=p["sweep_runs"], seed=SEEDS["numpy"], backend="ray")
            out[attempt] = round(time.perf_counter() - start, 2)
            out["identical_rows"] = ray_rows == local_rows and out.get("identical_rows", True)
        ray.shutdown()
    except Exception as exc:  # noqa: BLE001 - report, the rest of the benchmark stands
        out["ray_error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if ALL_CPUS:
            os.sched_setaffinity(0, {ALL_CPUS[0]})
    log(f"  sweep {out}")
    return out


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cpus": len(ALL_CPUS) or os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "simpy": simpy.__version__, "mesa": mesa.__version__,
            "platform": platform.platform()}


def markdown(r: dict) -> str:
    """The figures of a results.json as the Markdown tables of docs/benchmarks.md."""
    p = r["parameters"]
    lines = [f"From `benchmarks/results.json` ({r['date']}, {r['seconds']} s, command `{r['command']}`).", "",
             f"**Headline ({r['headline_scenario']}, one core):** numpy {r['reps_per_second']:,} replications/s "
             f"({r['reps_per_second_summary_only']:,} with the flat-memory summary); SimPy "
             f"{r['simpy_reps_per_second']:,}/s, Mesa {r['mesa_reps_per_second']:,}/s: **{r['ratio_vs_simpy']}x SimPy, "
             f"{r['ratio_vs_mesa']}x Mesa**. Peak memory at {r['memory']['runs']:,} replications: "
             f"**{r['peak_memory_mb']} MB** ({r['memory']['peak_rss_mb_before_run']} MB before the run; "
             f"{r['memory']['reps_per_second']:,} replications/s over the whole run).", "",
             f"Replications per second, one core (numpy at {p['numpy_runs']:,} replications; SimPy at "
             f"{p['simpy_runs']:,}, Mesa at {p['mesa_runs']:,}; best of {p['repeats']}):", "",
             "| input | states | numpy simulate | numpy run (summary) | SimPy | Mesa | x SimPy | x Mesa |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, s in r["speed"].items():
        lines.append(f"| {name} | {s['states']} | {s['numpy_simulate']:,} | {s['numpy_run']:,} | {s['simpy']:,} | "
                     f"{s['mesa']:,} | {s['ratio_vs_simpy']} | {s['ratio_vs_mesa']} |")
    lines += ["", f"Agreement (numpy {p['agree_numpy_runs']:,} vs SimPy {p['agree_simpy_runs']:,} and Mesa "
              f"{p['agree_mesa_runs']:,} replications; level {p['alpha']}): "
              f"{'all engines agree on every input' if r['all_engines_agree'] else 'DISAGREEMENT, see results.json'}.", "",
              "| input | engine | outcome classes chi2 p | blocker chi2 p | KS decision p | KS first troops p "
              "| KS withdrawal p | KS peak personnel p |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    note = ("(- : nothing to test, e.g. no replication sent troops, nobody blocked, or one value only. Inputs "
            "that share process parameters and seeds draw the same delays, hence the repeated KS p-values for "
            "days to decision.)")
    for name, entry in r["agreement"].items():
        for engine, e in entry.items():
            t = e["tests"]
            lines.append(f"| {name} | {engine} | " + " | ".join(
                "-" if t[k].get("statistic") is None or t[k].get("dof") == 0 else f"{t[k]['p']:.3f}" for k in ("outcome_classes", "blocker", "days_to_decision", "days_to_first_troops",
                                             "days_to_withdrawal", "peak_personnel")) + " |")
    lines += ["", note]
    sw = r.get("sweep")
    if sw:
        lines += ["", f"Sweep, {sw['scenarios']} scenarios x {sw['grid']} = {sw['cells']} cells x "
                  f"{sw['runs_per_cell']:,} replications: local backend {sw['local_seconds']} s; Ray on "
                  f"{sw.get('ray_cpus')} CPUs {sw.get('ray_seconds')} s warm ({sw.get('ray_seconds_cold')} s with "
                  f"worker start-up, plus {sw.get('ray_start_seconds')} s to start Ray); identical rows: "
                  f"{sw.get('identical_rows')}."]
    return "\n".join(lines)


RESULTS = HERE / "results.json"
QUICK_RESULTS = HERE / "results-quick.json"  # git-ignored: smoke-test figures never replace the committed ones


def output_path(quick: bool, out: Path | None) -> Path:
    """Where a run writes: ``--out``, else results.json (full) or results-quick.json (``--quick``).

    A quick run may not write the committed results.json: its figures are a smoke test, not figures.
    """
    path = out or (QUICK_RESULTS if quick else RESULTS)
    if quick and path.resolve() == RESULTS.resolve():
        raise ValueError(f"--quick: its smoke-test figures may not overwrite {RESULTS.name}; "
                         f"use --out elsewhere (default {QUICK_RESULTS.name})")
    return path


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help=f"small numbers: a smoke test of the harness, not figures (writes {QUICK_RESULTS.name})")
    ap.add_argument("--out", type=Path, default=None,
                    help=f"results file (default {RESULTS.name}; {QUICK_RESULTS.name} with --quick)")
    ap.add_argument("--no-ray", action="store_true", help="skip the local-versus-Ray sweep")
    ap.add_argument("--markdown", action="store_true", help="only print the figures of --out as Markdown tables")
    args = ap.parse_args(argv)
    try:
        args.out = output_path(args.quick and not args.markdown, args.out)
    except ValueError as exc:
        ap.error(str(exc))
    if args.markdown:
        print(markdown(json.loads(args.out.read_text())))
        return {}
    p = QUICK if args.quick else FULL
    models = load_inputs()
    started = time.time()
    log("agreement (numpy vs SimPy vs Mesa) ...")
    agree = check_agreement(models, p)
    log("speed, one core ...")
    speed = {name: time_engines(name, m, p) for name, m in models.items()}
    log("memory ...")
    memory = measure_memory(models[CSTO_SIZE], p)
    sweep_result = None if args.no_ray else sweep_local_vs_ray(models, p)
    head = speed[CSTO_SIZE]
    results = {
        "reps_per_second": head["numpy_simulate"],
        "reps_per_second_summary_only": head["numpy_run"],
        "simpy_reps_per_second": head["simpy"],
        "mesa_reps_per_second": head["mesa"],
        "ratio_vs_simpy": head["ratio_vs_simpy"],
        "ratio_vs_mesa": head["ratio_vs_mesa"],
        "peak_memory_mb": memory["peak_rss_mb"],
        "headline_scenario": CSTO_SIZE,
        "targets": {
            "ratio_vs_simpy_at_least_100": head["ratio_vs_simpy"] >= 100,
            "ratio_vs_mesa_at_least_100": head["ratio_vs_mesa"] >= 100,
            "ratio_at_least_100_on_every_input": all(
                s["ratio_vs_simpy"] >= 100 and s["ratio_vs_mesa"] >= 100 for s in speed.values()),
            "inputs_short_of_100x": sorted(k for k, s in speed.items()
                                           if s["ratio_vs_simpy"] < 100 or s["ratio_vs_mesa"] < 100),
            "reps_per_second_at_least_250000_one_core": head["numpy_simulate"] >= 250_000,
            "peak_memory_under_1gb_at_10m": memory["peak_rss_mb"] < 1024 and memory["runs"] >= 10_000_000,
        },
        "all_engines_agree": all(e["agree"] for entry in agree.values() for e in entry.values()),
        "parameters": {**p, "seeds": SEEDS, "one_core": bool(ALL_CPUS), "quick": args.quick,
                       "timing": "best of `repeats`; numpy timed at numpy_runs replications, "
                                 "SimPy and Mesa at simpy_runs / mesa_runs, all reported per second"},
        "speed": speed,
        "memory": memory,
        "agreement": agree,
        "sweep": sweep_result,
        "machine": machine(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.time() - started, 1),
        "command": "make bench  (= .venv/bin/python benchmarks/run.py)" + (" --quick" if args.quick else ""),
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    log(f"wrote {args.out}")
    print(json.dumps({k: results[k] for k in ("reps_per_second", "ratio_vs_simpy", "ratio_vs_mesa",
                                              "peak_memory_mb", "all_engines_agree", "targets")}, indent=2))
    return results


if __name__ == "__main__":
    main()

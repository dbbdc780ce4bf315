"""``csto backtest``: today's tree beside an older commit, side by side in one run, and how often each parses the law.

``python benchmarks/backtest_speed.py [--repeats N] [--against REF] [--candidate REF2] [--runs A,B] [--reps R]``

The code, record and scenarios of ``REF`` (default ``d1957bf``, the last commit before the work on issue 11)
are unpacked with ``git archive REF src data scenarios`` into a temporary folder; the working tree's ``src/``,
``data/`` and ``scenarios/`` are copied beside them (a snapshot: others may be editing them), or, with
``--candidate REF2``, those of the commit ``REF2`` are unpacked instead (a committed state, free of others'
uncommitted edits; the output says which, and whether the working tree had uncommitted changes). Each row
below runs ``N`` times (default 9) per tree, each time in a fresh process (``PYTHONPATH=<tree>/src``,
``--format json`` to ``/dev/null``), the two trees taking turns (which goes first alternates) so that the
load of this shared machine falls on both alike. Each tree has its own ``CSTO_CACHE`` and bytecode cache (``PYTHONPYCACHEPREFIX``),
filled before the timing (each record compiled once, then one untimed, probed run of every row).
The figures are the median and the minimum wall time of the process, and the median time spent inside the
library call (``csto.analysis.backtest.backtest``, or the compile loop of the last row), which leaves out
the interpreter's start-up and the imports that precede the call.

What "like for like" means here. The backtest was rebuilt after ``d1957bf`` (54ab739: calibration by
importance sampling, leave one case out), so the two commands do different work at their defaults:

- at ``d1957bf``, ``csto backtest --runs 2000`` simulates each crisis of its record (six) with fixed
  parameters, 2,000 replications per simulation, once, and once more for each crisis with a decision date
  (the time to decision refitted without it): nine simulations, 18,000 replications. Each simulation
  compiles the case again, and each compile reads the four treaty files twice (the scenario's check and the
  obligations), which is the "18 times each" of issue 11;
- today, ``csto backtest`` draws ``--particles 8192`` parameter sets and runs ``--reps 32`` replications of
  each on every crisis of today's record (fourteen), ``--repeats 3`` times: 11 million replications, plus
  the importance weights, scores and baselines.

So the rows are:

1. **defaults** (not like for like): each command at its own defaults, each on its own record. Reported for
   what a user waits, not as a speed-up;
2. **same cases, same replications** (like for like): today's tree on a copy of its record cut to
   the crises ``REF``'s record holds (the same six ids, the same scenario files), with ``--repeats 1
   --reps R`` (default 8) and ``--particles`` chosen so that both trees simulate the same number of
   replications in total: ``REF`` at ``--runs A`` (default 2,000 and 20,000) makes ``S`` simulations of ``A``
   replications (``S`` counted by the probe below, nine at ``d1957bf``), today's at ``K = A * S / (cases
   * R)`` parameter sets x ``R`` replications per case (375 x 8 and 3,750 x 8 for six cases). Equal are the
   crises (by id) and the total number of replications; not equal are the story of one replication (today's
   draws a parameter set per replication and tells a richer crisis), the compiles (nine at ``d1957bf``, one
   per case today), the work around the simulations (today's weights, scores, baselines) and the crises'
   entries (each tree reads its own record, revised since);
3. **compile every case once** (the part issue 11's "18 parses" is about): in one process, after the record
   is opened and the parameters read, each crisis is compiled once (its scenario file or the event built
   from the record, the treaty engine's obligations, the model) by the same code in both trees
   (``csto.analysis.backtest.scenario_files``/``event_from_crisis`` and ``csto.sim.compile``; the parameters
   without the posterior, as ``calibrate.case_models`` compiles them).

A probe (``python -c`` that wraps ``csto.record.yamlio.read`` and ``csto.sim.compile`` wherever ``csto``'s
modules hold them, then calls the entry point) counts, for one run of each row and tree, how often each YAML
file is parsed and how often a case is compiled; the timed runs carry no probe.

Prints a table and the figures as JSON; docs/benchmarks.md ("Backtest speed") holds a run's output. About 4
minutes at the defaults on a 2-core machine (today's backtest at its defaults takes 6-7 s a run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Counts every YAML parse (by file) and every compile of a case: patched where csto's modules hold them.
PROBE = r"""
import collections, sys
from pathlib import Path
import csto.record.yamlio as yamlio
import csto.sim as sim
reads, compiles = collections.Counter(), [0]
plain_read, plain_compile = yamlio.read, sim.compile
def counted_read(path, *args, **kwargs):
    reads[str(Path(getattr(path, "path", path)).resolve())] += 1
    return plain_read(path, *args, **kwargs)
def counted_compile(*args, **kwargs):
    compiles[0] += 1
    return plain_compile(*args, **kwargs)
for module in [m for name, m in list(sys.modules.items()) if name == "csto" or name.startswith("csto.")]:
    for name, value in list(vars(module).items()):
        if value is plain_read:
            setattr(module, name, counted_read)
        elif value is plain_compile:
            setattr(module, name, counted_compile)
report["reads"], report["compiles"] = reads, compiles
"""

#: ``csto ARGS`` as the ``csto`` script runs it, timing the library call inside.
COMMAND = r"""
import time
import csto.analysis.backtest as backtest_module
library_call, spent = backtest_module.backtest, []
def timed(*args, **kwargs):
    start = time.perf_counter()
    result = library_call(*args, **kwargs)
    spent.append(time.perf_counter() - start)
    report["settings"] = {"runs": result.get("runs"), **result.get("settings", {})}
    return result
backtest_module.backtest = timed
from csto.cli import main
sys.argv = ["csto", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
report["call_s"] = sum(spent)
"""

#: Every crisis of the record in ``argv[1]`` compiled once, as the backtest compiles its cases.
COMPILE = r"""
import dataclasses, time
from csto.record import Record
from csto.sim import compile as compile_case, params_for
from csto.analysis import backtest as bt
record = Record.open(sys.argv[1])
params = params_for(record)
if "posterior" in {f.name for f in dataclasses.fields(params)}:
    params = dataclasses.replace(params, posterior=None)  # as calibrate.case_models compiles the cases
start = time.perf_counter()
crises = record.crises()
files = bt.scenario_files(bt.default_scenarios_dir(record), crises)
for crisis in crises:
    compile_case(files.get(crisis.id) or bt.event_from_crisis(crisis), record, params)
report["call_s"], report["cases"] = time.perf_counter() - start, len(crises)
"""

START = "import json, sys\nreport = {}\n"
END = "\nprint(json.dumps(report), file=sys.stderr)\n"
CRISIS = re.compile(r"(?m)^  - id: ")


def unpack(ref: str, into: Path) -> Path:
    """``src``, ``data`` and ``scenarios`` as they were at ``ref``, unpacked into ``into``."""
    blob = subprocess.run(["git", "archive", ref, "src", "data", "scenarios"], cwd=ROOT, capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into


def crisis_ids(data: Path) -> list[str]:
    text = (data / "crises.yaml").read_text(encoding="utf-8")
    return [part.split("\n", 1)[0].strip() for part in CRISIS.split(text)[1:]]


def keep_crises(data: Path, keep: set[str]) -> None:
    """Cut ``data/crises.yaml`` to the crises in ``keep`` (each entry runs from its ``  - id:`` to the next)."""
    path = data / "crises.yaml"
    text = path.read_text(encoding="utf-8")
    parts = CRISIS.split(text)
    kept = [p for p in parts[1:] if p.split("\n", 1)[0].strip() in keep]
    if {p.split("\n", 1)[0].strip() for p in kept} != keep:
        raise SystemExit(f"the newer record lacks crises of the older one: {sorted(keep)}")
    path.write_text(parts[0] + "".join("  - id: " + p for p in kept), encoding="utf-8")


def is_calibrated(tree: Path) -> bool:
    """Whether the tree's backtest is the calibration (``--particles``) rather than the ``--runs`` one."""
    return "particles" in (tree / "src/csto/analysis/backtest.py").read_text(encoding="utf-8")


def environment(tree: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env.update(PYTHONPATH=str(tree / "src"), CSTO_CACHE=str(tree / "cache"), PYTHONPYCACHEPREFIX=str(tree / "pycache"),
               COLUMNS="100")
    return env


def run(tree: Path, code: str, args: list[str], probe: bool = False) -> tuple[float, dict]:
    """One fresh process; its wall time and the report it printed on the last line of stderr."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", START + (PROBE if probe else "") + code + END, *args],
                          env=environment(tree), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{tree.name}: {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, json.loads(done.stderr.strip().splitlines()[-1])


def parses(report: dict, tree: Path) -> dict[str, dict[str, int]]:
    """The probe's counts by kind of file: the four treaty files, data/sim, the scenarios."""
    out: dict[str, dict[str, int]] = {"treaty": {}, "sim": {}, "scenarios": {}, "other": {}}
    for path, n in report["reads"].items():
        p = Path(path)
        kind = {"treaty": "treaty", "sim": "sim", "scenarios": "scenarios"}.get(p.parent.name, "other")
        out[kind][p.relative_to(tree).as_posix() if p.is_relative_to(tree) else path] = n
    return out


def simulated(report: dict) -> int | None:
    """Replications one backtest simulated: per compiled case, ``--runs`` or ``--particles`` x ``--reps``."""
    settings = report.get("settings")
    if settings is None:
        return None
    per_case = settings["runs"] if settings.get("runs") else settings["particles"] * settings["reps"]
    return int(per_case * report["compiles"][0])


DEFAULTS = "csto backtest at its own defaults, own record (not like for like)"
COMPILES = "compile every case once (same cases)"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def prepare(tmp: Path, against: str, candidate: str | None) -> tuple[dict[str, Path], dict[str, Path]]:
    """The two trees (REF's, then the candidate's) and, for each, the record of the same cases.

    The candidate is a snapshot of the working tree (others may edit it during the run), or the commit
    ``candidate`` unpacked as ``REF`` is.
    """
    commit = git("rev-parse", "--short", against)
    old = unpack(against, tmp / commit)
    if candidate:
        label = git("rev-parse", "--short", candidate)
        new = unpack(candidate, tmp / f"candidate-{label}")
    else:
        label, new = "working tree", tmp / "working-tree"
        for folder in ("src", "data", "scenarios"):
            shutil.copytree(ROOT / folder, new / folder, ignore=shutil.ignore_patterns("__pycache__"))
    same = new / "same-cases"
    for folder in ("data", "scenarios"):
        shutil.copytree(new / folder, same / folder)
    keep_crises(same / "data", set(crisis_ids(old / "data")))
    return {commit: old, label: new}, {commit: old / "data", label: same / "data"}


def plan(trees: dict[str, Path], matched: dict[str, Path], sizes: list[int], reps: int) -> tuple[dict, dict]:
    """Every row's code and arguments per tree, and one probed run of each (which also fills the caches)."""
    rows: dict[str, dict[str, tuple[str, list[str]]]] = {
        DEFAULTS: {t: (COMMAND, ["backtest", "--format", "json", "--data", str(tree / "data")])
                   for t, tree in trees.items()},
        COMPILES: {t: (COMPILE, [str(matched[t])]) for t in trees},
    }
    for t, tree in trees.items():  # the record compiled into the tree's cache, so that no probe counts it
        for data in {tree / "data", matched[t]}:
            run(tree, "from csto.record import Record\nRecord.open(sys.argv[1])", [str(data)])
    probes = {row: {t: run(trees[t], code, args, probe=True)[1] for t, (code, args) in by.items()}
              for row, by in rows.items()}
    cases = {t: probes[COMPILES][t]["cases"] for t in trees}
    # a --runs backtest makes S simulations of --runs replications; the matched total is S x --runs
    sims = [probes[DEFAULTS][t]["compiles"][0] for t in trees if not is_calibrated(trees[t])]
    per_runs = sims[0] if sims else cases[list(trees)[-1]]
    for runs in sizes:
        total = runs * per_runs
        row = f"csto backtest, same cases, {total:,} replications"
        rows[row] = {}
        for t, tree in trees.items():
            base = ["backtest", "--format", "json", "--data", str(matched[t])]
            if is_calibrated(tree):
                particles = max(1, round(total / (cases[t] * reps)))
                rows[row][t] = (COMMAND, [*base, "--particles", str(particles), "--reps", str(reps), "--repeats", "1"])
            else:
                rows[row][t] = (COMMAND, [*base, "--runs", str(runs)])
        probes[row] = {t: run(trees[t], code, args, probe=True)[1] for t, (code, args) in rows[row].items()}
    order = [DEFAULTS, *[r for r in rows if r not in (DEFAULTS, COMPILES)], COMPILES]
    for row in order:
        for t in trees:
            probes[row][t]["parses"] = parses(probes[row][t], trees[t])
    return {row: rows[row] for row in order}, probes


def measure(trees: dict[str, Path], rows: dict, repeats: int) -> tuple[dict, dict]:
    """Wall time and time inside the library call, ``repeats`` fresh processes per row and tree, taking turns."""
    walls: dict[str, dict[str, list[float]]] = {row: {t: [] for t in trees} for row in rows}
    calls: dict[str, dict[str, list[float]]] = {row: {t: [] for t in trees} for row in rows}
    for n in range(repeats):
        for row, by in rows.items():
            for t in (list(trees) if n % 2 == 0 else list(trees)[::-1]):  # neither tree always runs first
                wall, report = run(trees[t], *by[t])
                walls[row][t].append(wall)
                calls[row][t].append(report["call_s"])
    return walls, calls


def main(argv: list[str]) -> int:
    if "--help" in argv or "-h" in argv:
        print(__doc__)
        return 0
    opt = {argv[i]: argv[i + 1] for i in range(1, len(argv) - 1) if argv[i].startswith("--")}
    repeats, reps = int(opt.get("--repeats", 9)), int(opt.get("--reps", 8))
    sizes = [int(x) for x in opt.get("--runs", "2000,20000").split(",")]
    candidate = opt.get("--candidate")
    dirty = not candidate and git("status", "--porcelain", "src", "data", "scenarios")
    head = git("rev-parse", "--short", candidate or "HEAD") + (" + uncommitted changes" if dirty else "")
    with tempfile.TemporaryDirectory() as name:
        trees, matched = prepare(Path(name), opt.get("--against", "d1957bf"), candidate)
        rows, probes = plan(trees, matched, sizes, reps)
        load_before = os.getloadavg()
        walls, calls = measure(trees, rows, repeats)
        load_after = os.getloadavg()
    ref, new = list(trees)
    median = {row: {t: statistics.median(v) for t, v in by.items()} for row, by in walls.items()}
    inside = {row: {t: statistics.median(v) for t, v in by.items()} for row, by in calls.items()}
    replications = {row: {t: simulated(probes[row][t]) for t in trees} for row in rows}
    treaty = {row: {t: max(probes[row][t]["parses"]["treaty"].values(), default=0) for t in trees} for row in rows}
    compiles = {row: {t: probes[row][t]["compiles"][0] for t in trees} for row in rows}
    ratio = {row: median[row][ref] / median[row][new] for row in rows}
    arguments = {row: {t: " ".join(by[t][1]).replace(name, "TMP") for t in trees} for row, by in rows.items()}

    print(f"backtest speed: {ref} beside {new} ({head}); median (min) of {repeats} fresh processes each, "
          f"seconds; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"  {'':66s}{ref:>16s}{new:>16s}{'ratio':>7s}{'in the call':>14s}{'replications':>24s}"
          f"{'treaty parses':>15s}{'compiles':>10s}")
    for row in rows:
        cells = "".join(f"{median[row][t]:8.2f} ({min(walls[row][t]):5.2f})" for t in trees)
        both = [" / ".join(cell for cell in cells_of) for cells_of in (
            [f"{inside[row][t]:.2f}" for t in trees],
            ["-" if replications[row][t] is None else f"{replications[row][t]:,}" for t in trees],
            [str(treaty[row][t]) for t in trees], [str(compiles[row][t]) for t in trees])]
        print(f"  {row:66s}{cells}{ratio[row]:6.2f}x{both[0]:>14s}{both[1]:>24s}{both[2]:>15s}{both[3]:>10s}")
    print(f"  (ratio: {ref}'s median over {new}'s; in the call: median seconds inside the library call; "
          f"treaty parses: times each of the four treaty files was read in one run; pairs are {ref} / {new})")
    for row in rows:
        for t in trees:
            print(f"  {t:>12s}: {arguments[row][t]}")
    print(json.dumps({
        "against": ref, "head": head, "repeats": repeats, "reps": reps, "loadavg": [load_before, load_after],
        "arguments": arguments, "median_s": median,
        "min_s": {row: {t: min(v) for t, v in by.items()} for row, by in walls.items()},
        "median_in_call_s": inside, "ratio_median": ratio, "replications": replications,
        "treaty_parses_each": treaty, "compiles": compiles,
        "parses": {row: {t: probes[row][t]["parses"] for t in trees} for row in rows},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

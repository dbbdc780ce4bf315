"""Start-up time of the command line, measured beside a bare ``python -c pass`` in the same run.

``python benchmarks/startup.py [--repeats N] [--against REF] [--data DIR]``

Each command runs ``N`` times (default 21) in a fresh process, the commands taking turns so that the
machine's load falls on all of them alike; the figure is the median wall time (the minimum is printed
too). The record is a copy of ``DIR`` (default: ``data/``) with a cache folder of its own, compiled once
before the timing, as after a first run. Python's bytecode for ``csto`` is cached (in a folder of this
run, ``PYTHONPYCACHEPREFIX``), as for an installed ``csto``; one row shows ``members`` without it
(``PYTHONDONTWRITEBYTECODE=1``: every module of ``csto`` compiled from source on every run). One row only
imports the libraries every command needs before it does anything (Typer, Rich, pydantic): the floor that
``csto``'s own code adds to.

Two rows time the first command after a change to the data folder: after ``touch`` (the file's time
changes, not its bytes: the cache is keyed by the bytes, so nothing is rebuilt) and after an edit (a
comment appended to one file: that file is read and validated again and the record recompiled).

Two rows time ``csto simulate`` on the Kazakhstan scenario at its defaults: with the Beta quantile table kept in
the cache folder (``csto.sim.shares``: no SciPy imported) and with it removed before each run (computed, SciPy
imported), as on a first run.

``--against REF`` times the same commands with ``src/`` as it was at the commit ``REF`` (``git archive``),
in the same run, each tree with its own bytecode and record caches. The YAML of the record is also parsed
with PyYAML's pure-Python loader and with the libyaml (C) loader that ``csto.record.yamlio`` uses.
Prints a table and the figures as JSON; docs/benchmarks.md ("Start-up") holds a run's output.
"""

from __future__ import annotations

import json
import os
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
DAY = "2022-01-10"
#: Runs ``csto ARGS`` and prints, on the last line of stderr, the heavy modules it imported.
PROBE = ("import json, sys; from csto.cli import main\nsys.argv = ['csto', *sys.argv[1:]]\ntry:\n    main()\n"
         "except SystemExit:\n    pass\nprint(json.dumps(sorted(m for m in ('numpy', 'pandas', 'pydantic', 'csto.sim', "
         "'csto.record', 'csto.treaty') if m in sys.modules)), file=sys.stderr)")
CSTO = "from csto.cli import main; main()"  # what the `csto` script runs
#: The libraries every command imports before it does anything (Typer builds a pydantic adapter per option).
LIBRARIES = "import typer, typer._adapters, rich.console, rich.table, pydantic.main"


def tree_at(ref: str, into: Path) -> Path:
    """``src/`` as it was at ``ref``, unpacked into ``into``."""
    blob = subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def environment(src: Path, tmp: Path, bytecode: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env.update(PYTHONPATH=str(src), CSTO_CACHE=str(tmp / "cache"), COLUMNS="100")
    if bytecode:
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def append_comment(data: Path, n: int) -> None:
    """Change the record's bytes (a comment at the end of one file): the next command must recompile."""
    path = data / "states.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"# edited {n}\n", encoding="utf-8")


def rows(data: Path) -> dict[str, tuple[list[str], bool, str | None]]:
    """name -> (arguments of ``python -c``, bytecode cached, what to do to the data folder before each run)."""
    members = [CSTO, "members", "--on", DAY, "--data", str(data)]
    simulate = [CSTO, "simulate", str(ROOT / "scenarios" / "kazakhstan-2022-01.yaml"), "--data", str(data)]
    return {
        "python -c pass": (["pass"], True, None),
        "the libraries alone (Typer, Rich, pydantic)": ([LIBRARIES], True, None),
        "csto --help": ([CSTO, "--help"], True, None),
        f"csto members --on {DAY}": (members, True, None),
        f"csto members --on {DAY} --format json": ([*members, "--format", "json"], True, None),
        f"csto members --on {DAY}, no bytecode cache": (members, False, None),
        f"csto members --on {DAY}, after touch of one data file": (members, True, "touch"),
        f"csto members --on {DAY}, after an edit of one data file": (members, True, "edit"),
        "csto simulate kazakhstan-2022-01 (10,000 runs), Beta table kept": (simulate, True, None),
        "csto simulate kazakhstan-2022-01 (10,000 runs), Beta table computed": (simulate, True, "no-beta"),
    }


def measure(trees: dict[str, Path], data: Path, tmp: Path, repeats: int) -> dict[str, dict[str, list[float]]]:
    times: dict[str, dict[str, list[float]]] = {tree: {name: [] for name in rows(data)} for tree in trees}
    envs = {(tree, cached): environment(src, tmp / tree.replace(" ", "-"), cached)
            for tree, src in trees.items() for cached in (True, False)}
    for env in envs.values():  # compile the record and write the bytecode once, untimed
        subprocess.run([sys.executable, "-c", CSTO, "members", "--data", str(data)], env=env, capture_output=True,
                       check=True)
    edits = 0
    for _ in range(repeats):
        for name, (args, cached, before) in rows(data).items():
            for tree in trees:
                if before == "touch":
                    (data / "states.yaml").touch()
                elif before == "edit":
                    edits += 1
                    append_comment(data, edits)
                elif before == "no-beta":  # csto.sim.shares keeps its tables here: this run computes them
                    shutil.rmtree(Path(envs[(tree, cached)]["CSTO_CACHE"]) / "beta", ignore_errors=True)
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", *args], env=envs[(tree, cached)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
                times[tree][name].append(time.perf_counter() - start)
    return times


def heavy_imports(src: Path, tmp: Path, data: Path) -> dict[str, list[str]]:
    env = environment(src, tmp, True)
    out = {}
    for name, args in (("csto --help", ["--help"]), (f"csto members --on {DAY}", ["members", "--on", DAY,
                                                                                   "--data", str(data)])):
        done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True)
        out[name] = json.loads(done.stderr.strip().splitlines()[-1])
    return out


def yaml_parse(data: Path) -> dict[str, float]:
    import yaml

    text = "".join(p.read_text(encoding="utf-8") for p in sorted(data.glob("*.yaml")))
    out = {}
    for name, loader in (("pure Python SafeLoader", yaml.SafeLoader), ("libyaml CSafeLoader", yaml.CSafeLoader)):
        start = time.perf_counter()
        for _ in range(3):
            yaml.load(text, Loader=loader)
        out[name] = (time.perf_counter() - start) / 3
    return out


def option(argv: list[str], name: str, default: str | None) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else default


def main(argv: list[str]) -> int:
    repeats = int(option(argv, "--repeats", "21") or 21)
    against = option(argv, "--against", None)
    source = Path(option(argv, "--data", str(ROOT / "data")) or ROOT / "data")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        data = tmp / "data"
        shutil.copytree(source, data)
        trees = {"working tree": ROOT / "src"}
        if against:
            commit = subprocess.run(["git", "rev-parse", "--short", against], cwd=ROOT, capture_output=True,
                                    text=True, check=True).stdout.strip()
            trees = {commit: tree_at(against, tmp / "against"), **trees}
        load_before = os.getloadavg()
        times = measure(trees, data, tmp, repeats)
        load_after = os.getloadavg()
        imports = {tree: heavy_imports(src, tmp / tree.replace(" ", "-"), data) for tree, src in trees.items()}
        parse = yaml_parse(data)
    medians = {tree: {row: statistics.median(t) for row, t in runs.items()} for tree, runs in times.items()}
    print(f"median (min) of {repeats} runs each, seconds; load average {load_before[0]:.2f} before, "
          f"{load_after[0]:.2f} after")
    print(f"  {'':62s}" + "".join(f"{tree:>20s}" for tree in trees) + ("     ratio" if against else ""))
    for row in rows(data):
        cells = "".join(f"{medians[t][row]:11.3f} ({min(times[t][row]):5.3f})" for t in trees)
        ratio = f"{medians[next(iter(trees))][row] / medians['working tree'][row]:9.1f}x" if against else ""
        print(f"  {row:62s}{cells}{ratio}")
    for name, seconds in parse.items():
        print(f"  parse data/*.yaml, {name:43s}{seconds:11.3f}")
    print(f"  heavy modules imported: {imports}")
    print(json.dumps({"repeats": repeats, "loadavg": [load_before, load_after], "median_s": medians,
                      "min_s": {t: {r: min(v) for r, v in runs.items()} for t, runs in times.items()},
                      "yaml_parse_s": parse, "heavy_imports": imports}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

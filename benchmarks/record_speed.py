"""The record library's own speed, today's tree beside an older commit, side by side in one run.

``python benchmarks/record_speed.py [--baseline REF] [--candidate SRC] [--data DIR] [--repeats N]``

Two figures, each measured for the working tree's ``src/`` (or ``SRC``) and for ``src/`` at ``REF`` (``git
archive``, default ``HEAD``), alternating between the two in one run so that both see the same load on a shared machine:

- ``Record.members()`` per call: one ``Record`` opened (record already compiled), then ``members(day)`` called
  for 200 days spread over 1992..2025, best of ``N`` passes, in microseconds per call; plus the first call on a
  freshly opened ``Record`` (which pays for reading what later calls reuse).
- the first command after a change to the data folder: ``csto members --on 2022-01-10`` in a fresh process,
  after one file of a copy of ``DIR`` was touched (one byte of a comment appended, so the record must be
  recompiled), median of ``N`` runs; and the recompile alone (``compile_record``) in-process. Each tree has a
  cache folder of its own, primed with the unchanged record before the timings, as after earlier commands.

Tests never time anything; docs/benchmarks.md ("The record's own speed") holds a run's output.
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

MEMBERS = r"""
import json, sys, time
from datetime import date, timedelta
from csto.record.query import Record
data, repeats = sys.argv[1], int(sys.argv[2])
days = [date(1992, 1, 1) + timedelta(days=i * 61) for i in range(200)]
Record.open(data)  # compiles the record if the data changed since this tree's last command
start = time.perf_counter(); record = Record.open(data); opened = time.perf_counter() - start
start = time.perf_counter(); record.members(days[0]); first = time.perf_counter() - start
best = float("inf")
for _ in range(repeats):
    start = time.perf_counter()
    for day in days:
        record.members(day)
    best = min(best, (time.perf_counter() - start) / len(days))
fresh = Record.open(data)
answers = [[r.as_dict() for r in fresh.members(d, status)] for d in days[::20] for status in ("member", "all", "former")]
print(json.dumps({"open_s": opened, "first_call_s": first, "per_call_s": best, "answers": answers}))
"""

COMPILE = r"""
import sys, time
from pathlib import Path
from csto.record.store import compile_record
start = time.perf_counter(); compile_record(Path(sys.argv[1])); print(time.perf_counter() - start)
"""


def tree_at(ref: str, into: Path) -> Path:
    """``src/`` as it was at ``ref``, unpacked into ``into``."""
    blob = subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def env_for(src: Path, cache: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(src), "CSTO_CACHE": str(cache), "OMP_NUM_THREADS": "1"}


def touch(data: Path, n: int) -> None:
    """Change the record's bytes (a comment at the end of one file), so the next command must recompile."""
    path = data / "states.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"# touched {n}\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    ref = argv[argv.index("--baseline") + 1] if "--baseline" in argv else "HEAD"
    data_src = Path(argv[argv.index("--data") + 1]) if "--data" in argv else ROOT / "data"
    repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else 7
    candidate = Path(argv[argv.index("--candidate") + 1]).resolve() if "--candidate" in argv else ROOT / "src"
    commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trees = {f"baseline {commit}": tree_at(ref, tmp / "base"), "candidate": candidate}
        data = tmp / "data"
        shutil.copytree(data_src, data)
        caches = {name: tmp / f"cache-{i}" for i, name in enumerate(trees)}
        members: dict[str, list[dict]] = {name: [] for name in trees}
        command: dict[str, list[float]] = {name: [] for name in trees}
        recompile: dict[str, list[float]] = {name: [] for name in trees}
        argv_cmd = [sys.executable, "-m", "csto", "members", "--on", "2022-01-10", "--data", str(data)]
        for name, src in trees.items():  # prime each cache with the unchanged record
            subprocess.run(argv_cmd, env=env_for(src, caches[name]), capture_output=True, check=True)
        n = 0
        for _ in range(repeats):
            for name, src in trees.items():
                env = env_for(src, caches[name])
                done = subprocess.run([sys.executable, "-c", MEMBERS, str(data), "5"], env=env, capture_output=True,
                                      text=True, check=True)
                members[name].append(json.loads(done.stdout))
                n += 1
                touch(data, n)
                start = time.perf_counter()
                subprocess.run(argv_cmd, env=env, capture_output=True, check=True)
                command[name].append(time.perf_counter() - start)
                n += 1
                touch(data, n)
                done = subprocess.run([sys.executable, "-c", COMPILE, str(data)], env=env, capture_output=True,
                                      text=True, check=True)
                recompile[name].append(float(done.stdout))
        answers = {name: runs[0]["answers"] for name, runs in members.items()}
        same = len({json.dumps(a) for a in answers.values()}) == 1
        rows = {}
        for name in trees:
            rows[name] = {
                "members_per_call_us": min(r["per_call_s"] for r in members[name]) * 1e6,
                "members_first_call_ms": statistics.median(r["first_call_s"] for r in members[name]) * 1e3,
                "record_open_ms": statistics.median(r["open_s"] for r in members[name]) * 1e3,
                "first_command_after_change_s": statistics.median(command[name]),
                "recompile_s": statistics.median(recompile[name]),
            }
    base, new = rows[f"baseline {commit}"], rows["candidate"]
    load = os.getloadavg()
    print(f"baseline {commit} vs candidate {candidate}, {repeats} rounds alternating; load average {load[0]:.2f}")
    for key in base:
        ratio = base[key] / new[key] if new[key] else float("inf")
        print(f"  {key:32s} {base[key]:10.3f} {new[key]:10.3f}   {ratio:5.1f}x")
    print(f"  same answers from members() (11 days x member/all/former): {same}")
    print(json.dumps({"baseline": commit, "repeats": repeats, "loadavg": load, "rows": rows, "same_answers": same}))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

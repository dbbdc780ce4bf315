"""Load run of the web API's as-of endpoints on loopback, and the home page's first render in Chromium.

``python benchmarks/web_load.py [--seconds 5] [--levels 1,4,16,64] [--against REF] [--client raw|httpx]
[--no-browser] [--data DIR]``

`csto serve` is started on a free loopback port (one uvicorn worker, as a user starts it) and, from a separate
process, loaded with GET requests of the record's as-of endpoints: ``/api/members?on=D``, ``/api/overlap?on=D``,
``/api/who/OFFICE?on=D`` and ``/api/history/STATE``, chosen at random (seeded) with ``D`` any day from 1992 to
today. Each concurrency level (connections kept alive, each sending its next request when the last is
answered) runs ``--seconds`` after a one-second warm-up that is not counted; the table gives requests per
second, p50 and p99 latency and the errors (any status but 200). Two mixes per level:

- ``varying``: every request draws its day, office and state afresh (about 40,000 different addresses, so a
  kept answer is rarely asked again within a run): the cost of computing answers;
- ``repeated``: 24 addresses (a class following the same handed-out links): the cost of serving kept answers.

The load generator is its own process (``--client raw``, the default: HTTP/1.1 over asyncio streams, about
30 µs of CPU a request; ``--client httpx``: httpx's AsyncClient, about ten times that, which on a 2-core machine
takes CPU from the server it measures). The home page's first render is timed in the system's Chromium
(Playwright): from navigation start to every chart drawn (an SVG or canvas in each vega-embed container), in a
fresh browser context each time (nothing cached), for today's page (built at start-up by ``csto serve``) and for
days nobody asked before (the server builds the pictures while the browser waits).

``--against REF`` runs the same with ``src/`` (and the ``data/`` and ``scenarios/`` it reads) as they were at commit
``REF`` (``git archive``), in the same run, servers one after the other. Prints a table and the figures as JSON; docs/web.md ("Benchmarks") holds a run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIRST_DAY = date(1992, 1, 1)
OFFICES = ["secretary-general", "csc-chair", "permanent-council-chair", "joint-staff-chief"]
#: Days for the home page timed cold: one per decade, none of them today's.
COLD_DAYS = ["1996-03-01", "2004-07-15", "2013-01-01", "2019-11-28"]
DRAWN = """() => {
  const boxes = [...document.querySelectorAll('div.vega[data-spec]')];
  return boxes.length > 0 && boxes.every((b) => b.querySelector('svg, canvas')) ? performance.now() : false;
}"""


# --- the load generator (its own process) ----------------------------------------------------------------------


def addresses(states: list[str], seed: int, mix: str) -> list[str]:
    """The addresses one run asks, in order: ``varying`` draws each afresh, ``repeated`` cycles 24 of them."""
    rng = random.Random(seed)
    span = (date.today() - FIRST_DAY).days

    def one() -> str:
        day = (FIRST_DAY + timedelta(days=rng.randrange(span))).isoformat()
        kind = rng.randrange(4)
        if kind == 0:
            return f"/api/members?on={day}"
        if kind == 1:
            return f"/api/overlap?on={day}"
        if kind == 2:
            return f"/api/who/{rng.choice(OFFICES)}?on={day}"
        return f"/api/history/{rng.choice(states)}"

    if mix == "repeated":
        few = [one() for _ in range(24)]
        return [few[i % len(few)] for i in range(200_000)]
    return [one() for _ in range(200_000)]


async def _raw_worker(host: str, port: int, paths: list[str], next_index: list[int], stop: float, counted: float,
                      latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop:
            path = paths[next_index[0] % len(paths)]
            next_index[0] += 1
            start = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            await reader.readexactly(int(fields.get("content-length", "0")))
            end = time.perf_counter()
            if not lines[0].startswith("HTTP/1.1 200"):
                errors.append(f"{path}: {lines[0]}")
            if start >= counted:
                latencies.append(end - start)
            if fields.get("connection", "").lower() == "close":
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def _httpx_worker(base: str, paths: list[str], next_index: list[int], stop: float, counted: float,
                        latencies: list[float], errors: list[str], client: Any) -> None:
    while time.perf_counter() < stop:
        path = paths[next_index[0] % len(paths)]
        next_index[0] += 1
        start = time.perf_counter()
        response = await client.get(base + path)
        end = time.perf_counter()
        if response.status_code != 200:
            errors.append(f"{path}: {response.status_code}")
        if start >= counted:
            latencies.append(end - start)


async def generate(base: str, concurrency: int, seconds: float, paths: list[str], client: str) -> dict[str, Any]:
    """``concurrency`` connections asking ``paths`` in turn for one warm-up second plus ``seconds``."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors: list[str] = []
    next_index = [0]
    counted = time.perf_counter() + 1.0
    stop = counted + seconds
    if client == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=60) as http:
            await asyncio.gather(*[_httpx_worker(base, paths, next_index, stop, counted, latencies, errors, http)
                                   for _ in range(concurrency)])
    else:
        await asyncio.gather(*[_raw_worker(host, int(port), paths, next_index, stop, counted, latencies, errors)
                               for _ in range(concurrency)])
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    return {"concurrency": concurrency, "requests": len(latencies), "rps": len(latencies) / seconds,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": latencies[-1] * 1000 if latencies else None,
            "errors": len(errors), "first_errors": errors[:3]}


# --- the server ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_at(ref: str, into: Path) -> Path:
    """``src/``, ``data/`` and ``scenarios/`` as they were at ``ref``, unpacked into ``into`` (the code of a commit
    reads the record of that commit: the record's schema changes with the code)."""
    blob = subprocess.run(["git", "archive", ref, "src", "data", "scenarios"], cwd=ROOT, capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into


def start(tree: Path, data: Path, tmp: Path) -> tuple[subprocess.Popen, str]:
    """`csto serve` from ``tree`` (its ``src/``) on a free loopback port, once it answers; its log goes to a file."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "CSTO_CACHE": str(tmp / "cache"),
           "CSTO_GAMES_DB": str(tmp / "games.sqlite")}
    log = (tmp / "serve.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "csto", "serve", "--port", str(port), "--data", str(data)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(base + "/api/check", timeout=5):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"csto serve did not start:\n{(tmp / 'serve.log').read_text(errors='replace')}") from None
            time.sleep(0.2)
    with urllib.request.urlopen(base + "/", timeout=120):  # today's home page: as a first visitor finds it
        pass
    return proc, base


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def load(base: str, states: list[str], levels: list[int], seconds: float, client: str) -> dict[str, list[dict]]:
    """Every mix at every level, each from a fresh generator process."""
    out: dict[str, list[dict]] = {}
    for mix in ("varying", "repeated"):
        out[mix] = []
        for n, level in enumerate(levels):
            args = json.dumps({"base": base, "concurrency": level, "seconds": seconds, "states": states,
                               "seed": 1000 * n + level, "mix": mix, "client": client})
            done = subprocess.run([sys.executable, __file__, "--generate", args], capture_output=True, text=True,
                                  check=True)
            out[mix].append(json.loads(done.stdout))
    return out


def first_render(base: str, repeats: int = 5) -> dict[str, list[float]]:
    """Milliseconds from navigation start to every chart drawn on the home page, in fresh browser contexts."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CSTO_CHROMIUM") or "/usr/bin/chromium"
    times: dict[str, list[float]] = {"today (built at start-up)": [], "a day not asked before": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-dev-shm-usage"])
        for path, row in [("/", "today (built at start-up)")] * repeats + \
                         [(f"/?on={d}", "a day not asked before") for d in COLD_DAYS]:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(base + path, wait_until="commit", timeout=120_000)
            drawn = page.wait_for_function(DRAWN, timeout=120_000)
            times[row].append(float(drawn.json_value()))
            context.close()
        browser.close()
    return times


# --- the run ---------------------------------------------------------------------------------------------------


def option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv else default


def main(argv: list[str]) -> int:
    if "-h" in argv or "--help" in argv:
        print(__doc__)
        return 0
    if "--generate" in argv:
        a = json.loads(option(argv, "--generate", "{}"))
        paths = addresses(a["states"], a["seed"], a["mix"])
        print(json.dumps(asyncio.run(generate(a["base"], a["concurrency"], a["seconds"], paths, a["client"]))))
        return 0
    seconds = float(option(argv, "--seconds", "5"))
    levels = [int(x) for x in option(argv, "--levels", "1,4,16,64").split(",")]
    client = option(argv, "--client", "raw")
    data = Path(option(argv, "--data", str(ROOT / "data"))).resolve()
    against = option(argv, "--against", "")
    results: dict[str, Any] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        trees = {"working tree": (ROOT, data)}
        if against:
            commit = subprocess.run(["git", "rev-parse", "--short", against], cwd=ROOT, capture_output=True,
                                    text=True, check=True).stdout.strip()
            old = tree_at(against, tmp / "against")
            trees = {commit: (old, old / "data"), **trees}
        for tree, (root, records) in trees.items():
            work = tmp / tree.replace(" ", "-")
            work.mkdir(parents=True, exist_ok=True)
            proc, base = start(root, records, work)
            try:
                with urllib.request.urlopen(base + "/api/members?status=all&org=UN") as r:
                    states = sorted({row["state"] for row in json.load(r)["result"]})
                results[tree] = {"load": load(base, states, levels, seconds, client)}
                if "--no-browser" not in argv:
                    results[tree]["first_render_ms"] = first_render(base)
            finally:
                stop(proc)
    load_after = os.getloadavg()
    report(results, seconds, client, (load_before, load_after))
    return 0


def report(results: dict[str, Any], seconds: float, client: str, loadavg: tuple) -> None:
    print(f"csto serve on loopback, one uvicorn worker; {seconds:g} s per level after 1 s of warm-up; client {client}; "
          f"load average {loadavg[0][0]:.2f} before, {loadavg[1][0]:.2f} after ({os.cpu_count()} CPUs)")
    for tree, result in results.items():
        print(f"\n{tree}")
        print(f"  {'mix':10s}{'conns':>6s}{'req/s':>9s}{'p50 ms':>9s}{'p99 ms':>9s}{'max ms':>9s}{'errors':>8s}")
        for mix, rows in result["load"].items():
            for r in rows:
                print(f"  {mix:10s}{r['concurrency']:6d}{r['rps']:9.0f}{r['p50_ms']:9.1f}{r['p99_ms']:9.1f}"
                      f"{r['max_ms'] or 0:9.0f}{r['errors']:8d}")
        for row, times in result.get("first_render_ms", {}).items():
            print(f"  home page, first render, {row}: median {statistics.median(times):.0f} ms "
                  f"(min {min(times):.0f}, max {max(times):.0f}, n={len(times)})")
    print(json.dumps({"seconds": seconds, "client": client, "loadavg": loadavg, "results": results}))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

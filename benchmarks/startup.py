"""Start-up time of the command line, measured beside a bare ``python -c pass`` in the same run.

``python benchmarks/startup.py [--repeats N]``

Each command runs ``N`` times in a fresh process (the compiled record already cached, as after
the first run); the figure is the median wall time. The record's YAML is also parsed with
PyYAML's pure-Python loader and with the libyaml (C) loader that ``csto.record.yamlio`` uses.
Prints a table and the figures as JSON; docs/benchmarks.md ("Start-up") holds a run's output.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "csto --help": [sys.executable, "-m", "csto", "--help"],
    "csto members --on 2022-01-10": [sys.executable, "-m", "csto", "members", "--on", "2022-01-10"],
    "csto members --on 2022-01-10 --format json": [sys.executable, "-m", "csto", "members", "--on", "2022-01-10",
                                                   "--format", "json"],
}
PROBE = ("import sys; from csto.cli import main\nsys.argv = ['csto', *sys.argv[1:]]\ntry:\n    main()\n"
         "except SystemExit:\n    pass\nprint(sorted(m for m in ('numpy', 'csto.sim') if m in sys.modules), file=sys.stderr)")


def wall(argv: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_imports(args: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True)
    return json.loads(done.stderr.strip().splitlines()[-1].replace("'", '"'))


def yaml_parse() -> dict[str, float]:
    import yaml

    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").glob("*.yaml")))
    out = {}
    for name, loader in (("pure Python SafeLoader", yaml.SafeLoader), ("libyaml CSafeLoader", yaml.CSafeLoader)):
        start = time.perf_counter()
        for _ in range(3):
            yaml.load(text, Loader=loader)
        out[name] = (time.perf_counter() - start) / 3
    return out


def main(argv: list[str]) -> int:
    repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else 15
    subprocess.run(COMMANDS["csto members --on 2022-01-10"], cwd=ROOT, capture_output=True)  # warm the cache
    figures = {name: wall(cmd, repeats) for name, cmd in COMMANDS.items()}
    imports = {"csto --help": heavy_imports(["--help"]),
               "csto members --on 2022-01-10": heavy_imports(["members", "--on", "2022-01-10"])}
    parse = yaml_parse()
    print(f"median of {repeats} runs each, seconds")
    for name, seconds in figures.items():
        print(f"  {name:45s} {seconds:6.3f}")
    for name, seconds in parse.items():
        print(f"  parse data/*.yaml, {name:25s} {seconds:6.3f}")
    print(f"  heavy modules imported: {imports}")
    print(json.dumps({"repeats": repeats, "median_s": figures, "yaml_parse_s": parse, "heavy_imports": imports}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

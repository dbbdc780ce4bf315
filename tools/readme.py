"""Keep the README's example outputs true: re-run every ``$ csto ...`` line in a ```console block.

    python tools/readme.py --write   # refresh the outputs in README.md
    python tools/readme.py --check   # exit 1 if any output is stale (the test suite does this)

Commands run as ``python -m csto`` with ``COLUMNS=100`` so tables have a fixed width.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```console\n\$ (csto [^\n]*)\n(.*?)```", re.S)


def run(command: str) -> str:
    args = shlex.split(command)[1:]
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([sys.executable, "-m", "csto", *args], capture_output=True, text=True, env=env,
                          cwd=README.parent, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"README example failed ({done.returncode}): {command}\n{done.stderr}")
    return "\n".join(line.rstrip() for line in done.stdout.splitlines()) + "\n"


def render(text: str) -> str:
    return BLOCK.sub(lambda m: f"```console\n$ {m[1]}\n{run(m[1])}```", text)


def stale(text: str) -> list[str]:
    """The commands whose shown output differs from a fresh run."""
    return [m[1] for m in BLOCK.finditer(text) if m[2] != run(m[1])]


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    if argv[1:] == ["--write"]:
        README.write_text(render(text), encoding="utf-8")
        return 0
    if argv[1:] == ["--check"]:
        found = stale(text)
        for command in found:
            print(f"stale README output: {command}", file=sys.stderr)
        return 1 if found else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

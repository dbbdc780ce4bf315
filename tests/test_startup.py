"""Start-up: the record and treaty commands and ``--help`` never import numpy or the simulation (no timing here:
the figures are in docs/benchmarks.md, measured by benchmarks/startup.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = ("import sys; from csto.cli import main\nsys.argv = ['csto', *sys.argv[1:]]\ntry:\n    main()\n"
         "except SystemExit:\n    pass\nprint(sorted(m for m in sys.modules if m == 'numpy' or m.startswith('csto.sim')),"
         " file=sys.stderr)")


@pytest.mark.parametrize("args", [["--help"], ["members", "--on", "2022-01-10"], ["articles", "--format", "json"],
                                  ["simulate", "--help"]])
def test_the_command_imports_neither_numpy_nor_the_simulation(args):
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    heavy = done.stderr.strip().splitlines()[-1]
    if args[0] == "simulate":  # the lazy command loads its module when it runs, and only then
        assert "numpy" in heavy
    else:
        assert heavy == "[]", done.stderr


def test_the_record_is_parsed_with_the_c_loader():
    from csto.record import yamlio

    assert issubclass(yamlio._CLoader, __import__("yaml").CSafeLoader)

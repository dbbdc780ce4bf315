"""The README's examples are real: every `$ csto ...` block still prints what the README shows."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_tool():
    spec = importlib.util.spec_from_file_location("readme_tool", ROOT / "tools" / "readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_examples_are_current():
    tool = load_tool()
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(tool.BLOCK.findall(text)) >= 6
    assert tool.stale(text) == [], "run: python tools/readme.py --write"


def test_readme_quick_start_is_two_make_targets_that_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in text and "make test" in text
    assert "\ndemo:" in makefile and "\ntest:" in makefile


def test_ci_calls_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_documented_in_the_readme():
    from csto.cli import LAZY

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert LAZY and all(f"csto {name}" in text for name in LAZY), [n for n in LAZY if f"csto {n}" not in text]


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "csto", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "members" in done.stdout

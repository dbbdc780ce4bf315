"""Start-up: each command imports what it needs and no more (no timing here: the figures are in
docs/benchmarks.md, measured by benchmarks/startup.py)."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from csto.cli import LAZY

ROOT = Path(__file__).resolve().parents[1]
#: Runs ``csto ARGS`` in a fresh interpreter and prints, on the last line of stderr, the modules it imported.
PROBE = ("import json, sys; from csto.cli import main\nsys.argv = ['csto', *sys.argv[1:]]\ntry:\n    main()\n"
         "except SystemExit:\n    pass\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)")
HEAVY = ("numpy", "pandas", "csto.sim", "csto.analysis", "csto.report", "csto.web", "sqlite_utils")


def imported(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_help_imports_no_command_module_no_record_and_no_pydantic():
    modules = imported("--help")
    assert not {m for m in modules if m.startswith("csto.")} - {"csto.cli", "csto.cli.common", "csto.cli.layout"}
    assert "pydantic" not in modules and "csto.errors" not in modules


@pytest.mark.parametrize("args", [["members", "--on", "2022-01-10"], ["members", "--on", "2022-01-10", "-f", "json"],
                                  ["articles", "--format", "json"], ["history", "ARM"]])
def test_a_record_or_treaty_command_imports_neither_numpy_nor_the_simulation(args):
    assert heavy(imported(*args)) == []


def test_members_imports_only_its_own_command_module():
    modules = imported("members", "--on", "2022-01-10")
    assert "csto.cli.record" in modules
    assert not {"csto.cli.alliance", "csto.cli.treaty", "csto.treaty", "csto.record.export"} & modules


def test_members_on_a_compiled_record_builds_no_model_and_parses_no_yaml():
    """The record's columns answer ``members``: once the record is compiled, the command neither imports the YAML
    parser and the build nor imports the entity models (imported on first use)."""
    imported("members", "--on", "2022-01-10")  # compiles the record if this cache has not yet
    modules = imported("members", "--on", "2022-01-10")
    assert "csto.record.query" in modules
    assert not {"yaml", "csto.record.yamlio", "csto.record.load", "csto.record.build", "csto.record.model"} & modules
    assert "csto.record.model" in imported("history", "ARM")  # a command that reads models imports them


def test_a_lazy_command_loads_its_module_when_it_runs_and_only_then():
    assert "numpy" not in imported("--help")
    assert "numpy" in imported("simulate", "--help")


@pytest.mark.parametrize("name", list(LAZY))
def test_the_listing_in_csto_help_is_the_commands_own_help(name):
    """``csto --help`` lists LAZY's one-line help without importing the command; it must say what the command's
    own help says (its ``short_help``, else the first paragraph of its help)."""
    module, short = LAZY[name]
    sub = typer.Typer()
    importlib.import_module(module).register(sub)
    command = typer.main.get_group(sub).commands[name]
    own = command.short_help or inspect.cleandoc(command.help or "").partition("\f")[0].split("\n\n")[0]
    assert short == own


def test_the_record_is_parsed_with_the_c_loader():
    from csto.record import yamlio

    assert issubclass(yamlio._CLoader, __import__("yaml").CSafeLoader)


def test_the_command_freezes_its_objects_before_the_interpreter_shuts_down():
    """``main`` ends with ``gc.freeze()`` (shutdown then skips sweeping the libraries' objects); the command's
    output and exit code are as ever."""
    probe = ("import atexit, gc, sys; atexit.register(lambda: print('frozen', gc.get_freeze_count(), file=sys.stderr))\n"
             "from csto.cli import main\nsys.argv = ['csto', *sys.argv[1:]]\nmain()")
    done = subprocess.run([sys.executable, "-c", probe, "members", "--on", "2022-01-10", "-f", "json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["ok"] is True
    assert int(done.stderr.split("frozen")[-1].split()[0]) > 10_000
    bad = subprocess.run([sys.executable, "-c", probe, "members", "--on", "2022-13-01"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "month 13" in bad.stderr


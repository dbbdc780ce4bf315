"""The README is true to the code: every `$ csto ...` block still prints what the README shows, and the command
reference and the JSON field table are what tools/readme.py generates from the code now."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_tool():
    spec = importlib.util.spec_from_file_location("readme_tool", ROOT / "tools" / "readme.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    return load_tool()


@pytest.fixture(scope="module")
def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def section(text: str, name: str) -> str:
    tool = load_tool()
    return next(m[3] for m in tool.SECTION.finditer(text) if m[2] == name)


def test_readme_examples_and_generated_sections_are_current(tool, readme):
    assert len(tool.BLOCK.findall(readme)) >= 6
    assert tool.stale(readme) == [], "run: python tools/readme.py --write"


def test_the_command_reference_lists_every_command_lazy_ones_and_groups_included(tool, readme):
    from csto.cli import LAZY

    listed = set(re.findall(r"^- \*\*`(csto(?: [a-z-]+)*)", section(readme, "commands"), re.M))
    assert {f"csto {name}" for name in LAZY} - {"csto exercise", "csto site"} <= listed
    assert {"csto exercise new", "csto site build"} <= listed  # a group's commands, each with its own line
    assert listed == {"csto", *(path for path, _, _ in tool.commands())}


def test_the_command_reference_gives_each_option_its_help(readme):
    members = section(readme, "commands").split("- **`csto members`**", 1)[1].split("\n- **")[0]
    assert "`--on <str>`: the date to ask about" in members and "`--org <str>`" in members


def test_a_stale_generated_section_is_reported(tool, readme):
    changed = readme.replace("- **`csto members`**", "- **`csto members --old`**", 1)
    assert tool.stale_sections(changed) == ["generated section 'commands'"]
    missing = tool.SECTION.sub("", readme, count=1)
    assert "generated section 'commands' (missing)" in tool.stale_sections(missing)


def test_the_field_table_has_every_json_command(tool, readme):
    table = section(readme, "json-fields")
    for path, command, _ in tool.commands():
        if any(p.name == "format" for p in command.params):
            assert f"`{path.removeprefix('csto ')}`" in table, path


def test_the_field_table_reads_enumerations_from_the_models(readme):
    from typing import get_args

    from csto.record.model import Status

    table = section(readme, "json-fields")
    assert f"`status` ({', '.join(get_args(Status))}; `former` in `members`)" in table


def test_a_json_command_neither_asked_nor_pointed_to_a_document_stops_the_tool(tool, monkeypatch):
    monkeypatch.delitem(tool.ASKED, "crises")
    with pytest.raises(SystemExit, match="crises"):
        tool.json_fields()


def test_a_note_on_a_field_no_answer_has_stops_the_tool(tool, monkeypatch):
    notes = tool.notes()
    notes["members"]["since"] = "the old name"
    monkeypatch.setattr(tool, "notes", lambda: notes)
    with pytest.raises(SystemExit, match="since"):
        tool.json_fields()


def test_a_mapping_keyed_by_data_must_say_what_its_keys_are(tool, monkeypatch):
    monkeypatch.setitem(tool.KEYED, "calibrate", {})
    with pytest.raises(SystemExit, match="parameters"):
        tool.json_fields()


def test_a_pointer_to_a_missing_heading_stops_the_tool(tool, monkeypatch):
    monkeypatch.setitem(tool.ELSEWHERE, "simulate", "docs/simulation.md#no-such-heading")
    with pytest.raises(SystemExit, match="no such heading"):
        tool.json_fields()


def test_readme_quick_start_is_two_make_targets_that_exist(readme):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "\ndemo:" in makefile and "\ntest:" in makefile


def test_ci_calls_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_python_dash_m_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "csto", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "members" in done.stdout

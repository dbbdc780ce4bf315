"""Help texts that explain what the commands print, and ``sweep`` naming the file it stops at."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csto.cli import app

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "kazakhstan-2022-01.yaml"
runner = CliRunner()


def help_text(command: str) -> str:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_simulate_help_explains_every_column_of_the_by_state_table():
    text = help_text("simulate")
    for column in ("P(sends)", "persons", "cost", "P(blocks)", "P(outvoted)", "stance"):
        assert f"{column}, " in text or f"{column}: " in text, column  # named, then explained
    assert "illustrative US dollars" in text and "standard error" in text and "docs/simulation.md" in text


def test_simulate_help_names_the_columns_the_table_prints():
    result = runner.invoke(app, ["simulate", str(SCENARIO), "--runs", "200"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "P(blocks)" in line)
    columns = [c.strip() for c in header.strip("┃ ").split("┃")]
    text = help_text("simulate")
    assert [c for c in columns if c != "state" and c not in text] == []


def test_backtest_help_explains_p_and_brier():
    text = help_text("backtest")
    assert "p, the out-of-sample probability of what happened" in text
    assert "Brier, the multiclass Brier score" in text and "0 is perfect, 2 the worst" in text
    assert "docs/simulation.md" in text


def test_sweep_help_explains_the_columns_it_prints():
    from csto.cli.sweep import SHOWN

    text = help_text("sweep")
    assert [c for c in SHOWN if c not in text] == []
    assert "docs/benchmarks.md" in text


@pytest.fixture
def folder(tmp_path):
    shutil.copy(SCENARIO, tmp_path / "a-good.yaml")
    return tmp_path


def sweep(folder: Path, fmt: str = "table"):
    return runner.invoke(app, ["sweep", str(folder), "--runs", "100", "--format", fmt])


BAD = {
    "malformed YAML": "date: [\n",
    "an unknown kind": SCENARIO.read_text().replace("kind: terrorism", "kind: nope"),
    "a bad simulation block": SCENARIO.read_text().replace("  crisis: kaz-2022-january", "  formation: nope"),
    "a file that is not a mapping": "- a\n- list\n",
}


@pytest.mark.parametrize("what", sorted(BAD))
def test_sweep_over_a_folder_names_the_bad_file_it_stops_at(what, folder):
    bad = folder / "b-bad.yaml"
    bad.write_text(BAD[what], encoding="utf-8")
    result = sweep(folder)
    assert result.exit_code == 2 and result.stdout == ""
    assert all(line.startswith(f"error: {bad}:") for line in result.stderr.splitlines()), result.stderr
    error = json.loads(sweep(folder, "json").stdout)["error"]
    assert error["file"] == str(bad) and error["line"] >= 1


def test_sweep_names_the_file_of_a_bad_simulation_overlay(folder):
    bad = folder / "b-bad.yaml"
    bad.write_text(SCENARIO.read_text().replace("  crisis: kaz-2022-january",
                                                "  overlay: {weights.treaty_basis: abc}"), encoding="utf-8")
    result = sweep(folder)
    assert result.exit_code == 2 and str(bad) in result.stderr

"""The world around the alliance: NATO's 32 members on the real record, and scenarios naming a NATO state."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from csto.cli import app

runner = CliRunner()

NATO_2024 = {  # the 32 members on 2024-06-01: twelve founders and the accessions of 1952-2024
    "BEL", "CAN", "DNK", "FRA", "ISL", "ITA", "LUX", "NLD", "NOR", "PRT", "GBR", "USA", "GRC", "TUR", "DEU", "ESP",
    "CZE", "HUN", "POL", "BGR", "EST", "LVA", "LTU", "ROU", "SVK", "SVN", "ALB", "HRV", "MNE", "MKD", "FIN", "SWE",
}

SCENARIO = """\
id: us-strike-armenia
title: A hypothetical air strike by the United States on Armenian territory
date: 2023-03-01
kind: armed-aggression
armed_attack: true
targets: [ARM]
perpetrator:
  type: state
  state: USA
location:
  place: Yerevan
  on_recognised_territory: true
request:
  by: ARM
  date: 2023-03-01
  article: cst-4
  to: csc
  description: A hypothetical request for help under Article 4.
sources: [seed-petrovic-2022]
"""


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def nato_members(on: str) -> set[str]:
    result = run("overlap", "--on", on, "--format", "json")
    assert result.exit_code == 0, result.output
    states = json.loads(result.stdout)["result"]["states"]
    return {s["state"] for s in states if s["statuses"].get("NATO") == "member"}


def test_overlap_on_2024_06_01_shows_every_nato_member():
    assert nato_members("2024-06-01") == NATO_2024


def test_overlap_table_names_each_nato_member():
    result = run("overlap", "--on", "2024-06-01")
    assert result.exit_code == 0, result.output
    assert all(code in result.stdout for code in NATO_2024)


@pytest.mark.parametrize(("on", "count"), [("1949-04-03", 0), ("1949-04-04", 12), ("1955-05-06", 15), ("1999-03-12", 19),
                                           ("2004-03-29", 26), ("2009-04-01", 28), ("2020-03-27", 30), ("2024-03-07", 32)])
def test_nato_grows_on_its_accession_dates(on, count):
    assert len(nato_members(on)) == count


@pytest.fixture
def us_scenario(tmp_path):
    path = tmp_path / "us-strike-armenia.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_obligations_run_on_a_scenario_whose_perpetrator_is_the_united_states(us_scenario):
    result = run("obligations", us_scenario, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert "USA" in json.dumps(answer)


def test_simulate_runs_on_a_scenario_whose_perpetrator_is_the_united_states(us_scenario):
    result = run("simulate", us_scenario, "--runs", "200", "--seed", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["result"]


def test_an_unknown_perpetrator_is_refused_with_the_file_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace("state: USA", "state: XYZ"), encoding="utf-8")
    result = run("obligations", path)
    assert result.exit_code == 2
    assert "XYZ" in result.output

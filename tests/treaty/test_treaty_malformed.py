"""Malformed scenarios fail with a clear error naming file, line and field; the command line exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from csto.cli import app
from csto.record import RecordError
from csto.treaty import load_overlay, load_scenario

HERE = Path(__file__).resolve().parent

EXPECTED = yaml.safe_load((HERE / "malformed" / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_scenario_names_file_line_and_field(name, fixture_record, law):
    want = EXPECTED[name]
    path = HERE / "malformed" / name
    with pytest.raises(RecordError) as info:
        load_scenario(path, fixture_record, law)
    err = info.value
    assert err.file == str(path)
    assert (err.line, err.field) == (want["line"], want["field"])
    assert want["problem"] in err.problem


@pytest.mark.parametrize("name", ["unknown-state.yaml", "bad-date.yaml", "unknown-kind.yaml", "missing-field.yaml"])
def test_malformed_scenario_exits_2_without_traceback(name):
    path = HERE / "malformed" / name
    result = CliRunner().invoke(app, ["obligations", str(path), "--data", str(HERE / "fixture_record")])
    assert result.exit_code == 2
    want = EXPECTED[name]
    assert f"{path}:{want['line']}: {want['field']}" in result.output
    assert "Traceback" not in result.output


def test_every_malformed_file_has_an_expectation():
    files = {p.name for p in (HERE / "malformed").glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED)


OVERLAYS = HERE / "malformed" / "overlays"
EXPECTED_OVERLAYS = yaml.safe_load((OVERLAYS / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED_OVERLAYS))
def test_malformed_overlay_names_file_line_field_and_value(name, fixture_record, law):
    want = EXPECTED_OVERLAYS[name]
    path = OVERLAYS / name
    with pytest.raises(RecordError) as info:
        load_overlay(path, fixture_record, law)
    err = info.value
    assert err.file == str(path)
    assert (err.line, err.field) == (want["line"], want["field"])
    assert want["problem"] in err.problem
    assert (None if err.value is None else str(err.value)) == want.get("value")


@pytest.mark.parametrize("name", ["unknown-state.yaml", "threshold-not-a-fraction.yaml", "unknown-organ.yaml",
                                  "membership-ends-before-it-starts.yaml"])
def test_malformed_overlay_exits_2_without_traceback(name):
    path = OVERLAYS / name
    scenario = HERE.parents[1] / "scenarios" / "armenia-2022-09.yaml"
    result = CliRunner().invoke(app, ["obligations", str(scenario), "--overlay", str(path)])
    want = EXPECTED_OVERLAYS[name]
    assert result.exit_code == 2, result.output
    assert f"{path}:{want['line']}: {want['field']}: " in result.output
    assert "Traceback" not in result.output


def test_every_malformed_overlay_has_an_expectation():
    assert {p.name for p in OVERLAYS.glob("*.yaml")} - {"expected.yaml"} == set(EXPECTED_OVERLAYS)

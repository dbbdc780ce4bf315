"""State codes in any case, in scenarios and overlays as on the command line (``history arm``): read upper-case."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from csto.cli import app
from csto.record import RecordErrors
from csto.record.yamlio import read
from csto.treaty import load_overlay, load_scenario

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

LOWER = """\
date: 2022-09-13
kind: armed-aggression
targets: [arm]
perpetrator: {type: state, state: aze}
location: {on_recognised_territory: false, territory_of: Aze}
request: {by: arm, date: 2022-09-13, article: cst-4, to: rus}
"""

UPPER = """\
date: 2022-09-13
kind: armed-aggression
targets: [ARM]
perpetrator: {type: state, state: AZE}
location: {on_recognised_territory: false, territory_of: AZE}
request: {by: ARM, date: 2022-09-13, article: cst-4, to: RUS}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_state_code_of_a_scenario_is_read_upper_case(tmp_path, real_record, law):
    event = load_scenario(write(tmp_path, "e.yaml", LOWER), real_record, law)
    assert event.targets == ["ARM"]
    assert (event.perpetrator.state, event.location.territory_of) == ("AZE", "AZE")
    assert (event.request.by, event.request.to) == ("ARM", "RUS")


def test_an_organ_id_in_request_to_stays_as_written(tmp_path, real_record, law):
    event = load_scenario(write(tmp_path, "e.yaml", LOWER.replace("to: rus", "to: csc")), real_record, law)
    assert event.request.to == "csc"


def test_a_lower_case_scenario_answers_as_its_upper_case_twin(tmp_path):
    answers = []
    for folder, text in (("lower", LOWER), ("upper", UPPER)):
        (tmp_path / folder).mkdir()
        result = runner.invoke(app, ["obligations", str(write(tmp_path / folder, "e.yaml", text)), "--format", "json"])
        assert result.exit_code == 0, result.output
        answers.append(json.loads(result.stdout)["result"])
    assert answers[0] == answers[1]


def test_an_unknown_lower_case_code_is_named_with_its_line(tmp_path, real_record, law):
    path = write(tmp_path, "e.yaml", LOWER.replace("targets: [arm]", "targets: [xyz]"))
    with pytest.raises(RecordErrors) as caught:
        load_scenario(path, real_record, law)
    [error] = [e for e in caught.value.errors if e.field == "targets[0]"]
    assert (error.line, error.value) == (3, "XYZ") and "unknown state" in str(error)


def test_a_code_that_is_not_three_letters_is_still_refused(tmp_path, real_record, law):
    with pytest.raises(RecordErrors, match=r"targets\[0\]"):
        load_scenario(write(tmp_path, "e.yaml", LOWER.replace("targets: [arm]", "targets: [ar]")), real_record, law)


def test_an_overlay_reads_its_state_codes_upper_case(tmp_path, real_record, law):
    text = (ROOT / "data" / "treaty" / "overlays" / "serbia-member.yaml").read_text(encoding="utf-8")
    assert "state: SRB" in text
    overlay = load_overlay(write(tmp_path, "o.yaml", text.replace("state: SRB", "state: srb")), real_record, law)
    assert [m.state for m in overlay.memberships] == ["SRB"]


def test_the_schema_accepts_either_case_and_still_three_letters(tmp_path):
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / "scenarios" / "schema.json").read_text()))
    assert not [e.message for e in validator.iter_errors(json.loads(json.dumps(read(write(tmp_path, "l.yaml", LOWER)))))]
    bad = read(write(tmp_path, "b.yaml", LOWER.replace("targets: [arm]", "targets: [arme]")))
    assert [e.message for e in validator.iter_errors(json.loads(json.dumps(bad)))]


def test_simulate_takes_a_lower_case_scenario(tmp_path):
    scenario = (ROOT / "scenarios" / "kazakhstan-2022-01.yaml").read_text(encoding="utf-8")
    path = write(tmp_path, "kaz.yaml", scenario.replace("targets: [KAZ]", "targets: [kaz]").replace("by: KAZ", "by: kaz"))
    result = runner.invoke(app, ["simulate", str(path), "--runs", "200", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["result"]["model"]["target"] == "KAZ"

"""scenarios/schema.json is generated from the Event model and every shipped scenario validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from csto.record.yamlio import read
from csto.treaty.schema import scenario_schema, scenario_schema_json

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((ROOT / "scenarios" / "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_file_is_generated_from_the_model(law):
    shipped = (ROOT / "scenarios" / "schema.json").read_text(encoding="utf-8")
    assert shipped == scenario_schema_json(list(law.kinds)), "regenerate: see docs/treaty.md, 'The JSON Schema'"


def test_schema_names_every_kind(law):
    assert scenario_schema(list(law.kinds))["properties"]["kind"]["enum"] == sorted(law.kinds)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenario_validates_against_schema(path, validator):
    doc = json.loads(json.dumps(read(path)))
    assert not [e.message for e in validator.iter_errors(doc)]


def test_schema_rejects_an_unknown_kind_and_a_missing_request(validator):
    bad = {"date": "2022-09-13", "kind": "invasion", "targets": ["ARM"], "perpetrator": {"type": "unknown"}}
    messages = " ".join(e.message for e in validator.iter_errors(bad))
    assert "'request' is a required property" in messages
    assert "'invasion' is not one of" in messages


def test_schema_accepts_the_simulation_block_and_request_none(validator):
    ok = {"date": "2022-09-13", "kind": "menace", "targets": ["ARM"], "perpetrator": {"type": "unknown"},
          "request": "none", "simulation": {"crisis": "x"}}
    assert not list(validator.iter_errors(ok))


def test_schema_dates_are_full_iso_days_as_the_loader_wants(validator):
    ok = {"date": "2022-09-13", "kind": "menace", "targets": ["ARM"], "perpetrator": {"type": "unknown"},
          "request": {"by": "ARM", "date": "2022-09-14"}}
    assert not list(validator.iter_errors(ok))
    for bad in ({**ok, "date": "2022-09"}, {**ok, "request": {"by": "ARM", "date": "14 September 2022"}}):
        messages = [m.message for e in validator.iter_errors(bad) for m in (e, *e.context)]
        assert any("does not match" in m for m in messages), messages


def test_schema_keeps_simulation_an_object_and_says_who_validates_it(validator, law):
    bad = {"date": "2022-09-13", "kind": "menace", "targets": ["ARM"], "perpetrator": {"type": "unknown"},
           "request": "none", "simulation": 3}
    assert any("is not of type 'object'" in e.message for e in validator.iter_errors(bad))
    assert "csto.sim" in scenario_schema(list(law.kinds))["properties"]["simulation"]["description"]


def test_schema_names_organs_by_their_real_ids(law):
    text = scenario_schema_json(list(law.kinds))
    assert "collective-security-council" not in text
    to = scenario_schema(list(law.kinds))["$defs"]["Request"]["properties"]["to"]["description"]
    assert "csc" in to

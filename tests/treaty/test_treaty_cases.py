"""Rules-as-code cases: each YAML file under cases/ is an event and the obligations it must give."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from csto.record.dates import parse_day
from csto.treaty import load_overlay, load_scenario, obligations

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

CASES = sorted((HERE / "cases").glob("*.yaml"))


def _event(case: dict, tmp_path: Path) -> Path:
    if "scenario" in case:
        if case.get("record") == "real":
            return ROOT / case["scenario"]
        # the fixture record does not hold the real sources a shipped scenario cites
        event = yaml.safe_load((ROOT / case["scenario"]).read_text(encoding="utf-8"))
        event.pop("sources", None)
    else:
        event = case["event"]
    path = tmp_path / "event.yaml"
    path.write_text(yaml.safe_dump(event), encoding="utf-8")
    return path


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_case(case_file, tmp_path, law, fixture_record, real_record):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    record = real_record if case.get("record") == "real" else fixture_record
    event = load_scenario(_event(case, tmp_path), record, law)
    overlay = load_overlay(ROOT / case["overlay"], record, law) if case.get("overlay") else None
    on = parse_day(str(case["as_of"])) if case.get("as_of") else None
    answer = obligations(event, record, on, overlay, law)
    expect = case["expect"]
    got = {o.id: o for o in answer.obligations}
    if "flags" in expect:
        assert set(answer.flags) == set(expect["flags"]), case["description"]
    if "members" in expect:
        assert answer.members == expect["members"]
    if "count" in expect:
        assert len(answer.obligations) == expect["count"]
    if "articles" in expect:
        assert {f"{a['id']}@{a['version']}" for a in answer.articles} == set(expect["articles"])
    for oid, want in (expect.get("obligations") or {}).items():
        assert oid in got, f"{oid} missing; got {sorted(got)}"
        o = got[oid]
        for key, value in want.items():
            if key == "organ":
                assert o.organ and o.organ["id"] == value
            elif key == "rule":
                assert o.decision_rule and o.decision_rule["id"] == value
            elif key == "unmet":
                assert [c["id"] for c in o.conditions if not c["met"]] == value
            else:
                assert getattr(o, key) == value, f"{oid}.{key}"
    for oid in expect.get("absent", []):
        assert oid not in got
    if "decision" in expect:
        want = expect["decision"]
        if want is None:
            assert answer.decision is None
        else:
            d = answer.decision
            assert (d["obligation"], d["organ"]["id"], d["rule"]["id"]) == (want["obligation"], want["organ"], want["rule"])
    for text in expect.get("trace_contains", []):
        assert any(text in line for line in answer.trace), text

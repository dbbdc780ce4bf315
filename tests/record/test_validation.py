"""Loading fails with file, line, field and the offending value: one malformed fixture per failure mode."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from csto.record import Record, RecordError
from csto.record.load import load

MALFORMED = Path(__file__).parents[1] / "fixtures" / "malformed"
CASES = sorted(MALFORMED.glob("*.yaml"))


def expectations(path: Path) -> dict[str, str]:
    found = dict(re.findall(r"^# expect-(\w+): (.*)$", path.read_text(), flags=re.M))
    assert {"line", "field", "problem"} <= found.keys(), f"{path.name} lacks expect- headers"
    return found


def test_every_failure_mode_has_a_fixture():
    names = {p.stem for p in CASES}
    assert {"unknown-source", "unknown-state", "malformed-date", "impossible-date", "overlapping-status",
            "missing-source", "duplicate-key", "duplicate-id", "unknown-asked-for"} <= names


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_malformed_fixture_is_rejected_with_file_line_and_field(case, fixture_dir):
    expected = expectations(case)
    shutil.copy(case, fixture_dir / "zz_case.yaml")
    with pytest.raises(RecordError) as info:
        load(fixture_dir)
    err = info.value
    errors = getattr(err, "errors", [err])
    assert len(errors) == 1, [str(e) for e in errors]
    assert err.file.endswith("zz_case.yaml")
    assert err.line == int(expected["line"])
    assert err.field == expected["field"]
    assert expected["problem"] in err.problem
    assert f"zz_case.yaml:{expected['line']}: {expected['field']}: " in str(err)


def test_offending_value_is_named(fixture_dir):
    shutil.copy(MALFORMED / "unknown-state.yaml", fixture_dir / "zz.yaml")
    with pytest.raises(RecordError, match=r"unknown state \(got 'XKX'\)"):
        load(fixture_dir)


def test_a_request_for_something_outside_the_list_names_the_value(fixture_dir):
    shutil.copy(MALFORMED / "unknown-asked-for.yaml", fixture_dir / "zz.yaml")
    with pytest.raises(RecordError, match=r"zz\.yaml:13: crises\[0\]\.request\.asked_for\[1\]: expected one of "
                                          r"'troops', .* or 'consultations' \(got 'money'\)"):
        load(fixture_dir)


def test_nothing_is_compiled_from_a_bad_record(fixture_dir, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CSTO_CACHE", str(cache))
    shutil.copy(MALFORMED / "impossible-date.yaml", fixture_dir / "zz.yaml")
    with pytest.raises(RecordError):
        Record.open(fixture_dir)
    assert not cache.exists() or not any(cache.iterdir())


def test_all_item_errors_are_reported_together(fixture_dir):
    shutil.copy(MALFORMED / "impossible-date.yaml", fixture_dir / "y1.yaml")
    shutil.copy(MALFORMED / "malformed-date.yaml", fixture_dir / "y2.yaml")
    with pytest.raises(RecordError) as info:
        load(fixture_dir)
    assert len(info.value.errors) == 2
    assert "y1.yaml:8" in str(info.value) and "y2.yaml:5" in str(info.value)


def test_cross_references_are_checked_only_once_items_are_valid(fixture_dir):
    # an unknown source next to a malformed item: the item error comes first, alone
    shutil.copy(MALFORMED / "unknown-source.yaml", fixture_dir / "y1.yaml")
    shutil.copy(MALFORMED / "malformed-date.yaml", fixture_dir / "y2.yaml")
    with pytest.raises(RecordError) as info:
        load(fixture_dir)
    assert [e.field for e in info.value.errors] == ["events[0].date"]


def test_missing_directory_is_a_record_error(tmp_path):
    with pytest.raises(RecordError, match="no such directory"):
        load(tmp_path / "absent")


def test_an_empty_directory_is_not_a_record(tmp_path):
    with pytest.raises(RecordError, match="no record here"):
        load(tmp_path)


def test_a_record_without_sources_gets_one_error_not_one_per_fact(fixture_dir):
    text = (fixture_dir / "base.yaml").read_text()
    (fixture_dir / "base.yaml").write_text(text[text.index("states:"):])
    with pytest.raises(RecordError) as info:
        load(fixture_dir)
    assert [e.field for e in info.value.errors] == ["sources"]
    assert "no sources" in str(info.value)


def test_a_refusal_needs_the_flag_and_the_flag_needs_the_refusal():
    from pydantic import ValidationError

    from csto.record.model import Response

    with pytest.raises(ValidationError, match="refused_by_target needs a refusal"):
        Response(outcome="mission", refused_by_target=True)
    with pytest.raises(ValidationError, match="a refusal needs refused_by_target"):
        Response(outcome="mission", refusal="did not sign")
    assert Response(outcome="mission", refused_by_target=True, refusal="did not sign").refused_by_target


def test_a_request_goes_to_the_csto_unless_it_names_a_state():
    from pydantic import ValidationError

    from csto.record.model import Request

    assert Request(by="KGZ", date="2010-06-12").to == "csto"
    assert Request(by="KGZ", to="RUS", date="2010-06-12").asked_for == []
    with pytest.raises(ValidationError, match="expected 'csto' or an ISO 3166-1"):
        Request(by="KGZ", to="nato", date="2010-06-12")


# --- every named item is unique ----------------------------------------------------------------------------

# One valid item per section whose items are named, each under a name the fixture record does not use; the key
# (id or code) is written last, so the duplicate's key line is the item's last line.
NAMED_ITEMS = {
    "sources": "title: T\n    kind: news\n    id: dup-source",
    "states": "name: Nowhere\n    sources: [src-paper]\n    code: XXA",
    "organizations": "name: O\n    kind: political\n    sources: [src-paper]\n    id: DUP",
    "organs": "name: O\n    kind: council\n    from: '2002'\n    sources: [src-paper]\n    id: dup-organ",
    "offices": "name: O\n    organ: csc\n    sources: [src-paper]\n    id: dup-office",
    "formations": "name: F\n    kind: other\n    from: '2002'\n    sources: [src-paper]\n    id: dup-formation",
    "benefits": "description: B\n    sources: [src-paper]\n    id: dup-benefit",
    "exercises": "name: E\n    from: '2002'\n    sources: [src-paper]\n    id: dup-exercise",
    "missions": "name: M\n    host: ARM\n    kind: monitoring\n    from: '2002'\n    sources: [src-paper]\n    id: dup-mission",
    "events": "date: '2002'\n    kind: summit\n    title: T\n    sources: [src-paper]\n    id: dup-event",
    "crises": ("name: C\n    date: '2002'\n    kind: unrest\n    targets: [ARM]\n    response: {outcome: nothing}\n"
               "    sources: [src-paper]\n    id: dup-crisis"),
    "conflicts": ("question: Q\n    claims: [{value: a, source: src-paper}, {value: b, source: src-blog}]\n"
                  "    preferred: a\n    why: W\n    id: dup-conflict"),
    "opinions": "source: src-blog\n    speaker: S\n    statement: X\n    id: dup-opinion",
}


def test_every_section_whose_items_are_named_is_checked_for_duplicates():
    from csto.record.load import ID_FIELDS
    from csto.record.model import SECTIONS

    assert {s for s, m in SECTIONS.items() if "id" in m.model_fields} | {"states"} == set(ID_FIELDS) == set(NAMED_ITEMS)


@pytest.mark.parametrize("section", sorted(NAMED_ITEMS))
def test_a_name_used_twice_is_refused_with_both_places(section, fixture_dir):
    from csto.record.load import ID_FIELDS

    item = NAMED_ITEMS[section]
    (fixture_dir / "y1.yaml").write_text(f"{section}:\n  - {item}\n")
    (fixture_dir / "y2.yaml").write_text(f"# the same name again, in another file\n{section}:\n  - {item}\n")
    key = ID_FIELDS[section]
    value = item.rsplit(f"{key}: ", 1)[1]
    with pytest.raises(RecordError) as info:
        load(fixture_dir)
    errors = getattr(info.value, "errors", [info.value])
    assert [(Path(e.file).name, e.line, e.field, e.value) for e in errors] == [
        ("y2.yaml", 3 + item.count("\n"), f"{section}.{key}", value)]
    assert f"first at {fixture_dir / 'y1.yaml'}:{2 + item.count(chr(10))}" in errors[0].problem


def test_negotiating_is_not_a_status_the_record_knows(fixture_record):
    from csto.record import UnknownError

    with pytest.raises(UnknownError, match="unknown status 'negotiating'"):
        fixture_record.members("2020-01-01", status="negotiating")


def test_an_exercise_status_outside_the_list_is_rejected_with_file_line_and_field(fixture_dir):
    (fixture_dir / "zz.yaml").write_text(
        "exercises:\n"
        "  - id: drill-2020\n"
        "    name: Drill 2020\n"
        "    from: \"2020\"\n"
        "    status: postponed\n"
        "    sources: [src-paper]\n", encoding="utf-8")
    with pytest.raises(RecordError) as info:
        load(fixture_dir)
    err = info.value
    assert err.file.endswith("zz.yaml") and err.line == 5 and err.field == "exercises[0].status"
    assert "'held', 'cancelled', 'moved' or 'planned'" in str(err) and "postponed" in str(err)


def test_an_exercise_without_a_status_is_held(fixture_dir):
    (fixture_dir / "zz.yaml").write_text(
        "exercises:\n  - {id: drill-2020, name: Drill 2020, from: \"2020\", sources: [src-paper]}\n", encoding="utf-8")
    [found] = load(fixture_dir).items("exercises")
    assert found.status == "held"


def test_an_unknown_source_of_a_formation_headquarters_is_named_with_its_line(fixture_dir):
    (fixture_dir / "zz.yaml").write_text(
        "formations:\n"
        "  - id: rrf\n"
        "    name: Rapid reaction force\n"
        "    kind: rapid-reaction\n"
        "    from: \"2009\"\n"
        "    headquarters: {name: Moscow, sources: [src-paper, nope]}\n"
        "    sources: [src-paper]\n", encoding="utf-8")
    with pytest.raises(RecordError) as info:
        load(fixture_dir)
    err = info.value
    assert (err.line, err.field, err.value) == (6, "formations.headquarters.sources[1]", "nope")


def test_a_place_without_sources_is_rejected(fixture_dir):
    (fixture_dir / "zz.yaml").write_text(
        "formations:\n"
        "  - {id: rrf, name: Force, kind: other, from: \"2009\", sources: [src-paper],\n"
        "     base: {name: Kant air base}}\n", encoding="utf-8")
    with pytest.raises(RecordError) as info:
        load(fixture_dir)
    assert info.value.field == "formations[0].base.sources" and "at least one source" in str(info.value)

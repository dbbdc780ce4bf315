"""csto.errors and the hardened YAML reader: one wording for every bad input, never a library's text."""

from __future__ import annotations

import os

import pytest
from pydantic import BaseModel, ConfigDict

from csto.errors import CstoError, RecordError, RecordErrors, plain_problem, validate
from csto.record.yamlio import MAX_DEPTH, read


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: int = 0


def write(tmp_path, text: str | bytes, name: str = "x.yaml"):
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


def problem(tmp_path, text, name="x.yaml") -> RecordError:
    with pytest.raises(RecordError) as info:
        read(write(tmp_path, text, name))
    return info.value


def test_an_unknown_field_is_named_in_the_projects_words(tmp_path):
    path = write(tmp_path, "name: a\ncolour: red\n")
    with pytest.raises(RecordErrors) as info:
        validate(Thing, read(path), path)
    assert (info.value.line, info.value.field, info.value.problem) == (2, "colour", "unknown field")
    assert "Extra inputs" not in str(info.value)


def test_every_validation_error_of_a_file_is_reported(tmp_path):
    path = write(tmp_path, "size: many\ncolour: red\n")
    with pytest.raises(RecordErrors) as info:
        validate(Thing, read(path), path)
    assert sorted(e.field for e in info.value.errors) == ["colour", "name", "size"]
    assert len(str(info.value).splitlines()) == 3


def test_a_pydantic_error_type_without_words_never_shows_pydantics_text():
    text = plain_problem({"type": "uuid_parsing", "loc": ("x",), "msg": "Input should be a valid UUID", "ctx": {}})
    assert "Input should" not in text and "uuid parsing" in text


def test_every_project_error_is_a_value_error_and_a_csto_error():
    err = RecordError("f.yaml", 3, "a.b", "bad", "v")
    assert isinstance(err, CstoError) and isinstance(err, ValueError)
    assert err.as_dict() == {"kind": "input", "message": "f.yaml:3: a.b: bad (got 'v')", "file": "f.yaml",
                             "line": 3, "field": "a.b", "value": "v"}


def test_a_huge_value_is_cut_short_in_the_message():
    err = RecordError("f.yaml", 1, "x", "bad", "y" * 10_000)
    assert len(str(err)) < 200 and len(err.as_dict()["value"]) <= 80


def test_bytes_that_are_not_utf8_are_named_by_offset(tmp_path):
    err = problem(tmp_path, b"a: caf\xe9\n")
    assert err.problem == "not UTF-8 text at byte 6" and "codec" not in str(err)


def test_a_directory_is_not_a_file(tmp_path):
    with pytest.raises(RecordError) as info:
        read(tmp_path)
    assert info.value.problem == "is a directory, expected a file" and "Errno" not in str(info.value)


def test_a_device_is_refused_before_it_is_read():
    with pytest.raises(RecordError, match="not a regular file"):
        read("/dev/zero")


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    with pytest.raises(RecordError, match="not a regular file"):
        read(tmp_path / "pipe.yaml")


def test_an_oversized_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("csto.record.yamlio.MAX_BYTES", 10)
    from csto.record import yamlio

    with pytest.raises(RecordError, match="too large"):
        yamlio.read_text(write(tmp_path, "a: 12345678901\n"), limit=10)


def test_a_control_character_gives_its_line(tmp_path):
    err = problem(tmp_path, "a: 1\nb: 2\nc: x\x07y\n")
    assert (err.line, err.field) == (3, "yaml") and "U+0007" in err.problem


def test_deep_flow_nesting_gives_a_located_error_not_a_crash(tmp_path):
    err = problem(tmp_path, "a: 1\nb: " + "[" * 200_000 + "]" * 200_000 + "\n")
    assert err.line == 2 and f"more than {MAX_DEPTH}" in err.problem


def test_deep_block_nesting_gives_a_located_error(tmp_path):
    text = "".join(" " * i + "k:\n" for i in range(MAX_DEPTH + 5))
    err = problem(tmp_path, text)
    assert err.line == MAX_DEPTH + 1


def test_aliases_are_refused_so_no_alias_bomb_expands(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))
    err = problem(tmp_path, bomb)
    assert "anchors and aliases" in err.problem and len(str(err)) < 300


def test_a_list_as_a_mapping_key_is_located(tmp_path):
    err = problem(tmp_path, "a: 1\n? [1, 2]\n: 3\n")
    assert err.line == 2 and "key" in err.problem


def test_a_5001_digit_integer_is_located(tmp_path):
    err = problem(tmp_path, "a: 1\nb: " + "9" * 5001 + "\n")
    assert err.line == 2 and "number too long" in err.problem and len(str(err)) < 200


def test_the_c_loader_keeps_lines_and_dates_as_text(tmp_path):
    doc = read(write(tmp_path, "# c\nitems:\n  - id: a\n    from: 2022-01-01\n  - id: b\n"))
    assert doc["items"][1].line == 5 and doc["items"][0]["from"] == "2022-01-01"
    assert doc.line_of("items") == 2

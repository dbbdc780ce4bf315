"""``csto sources --kind/--search`` and ``Record.sources(kind, search)``: the record's 442 sources, narrowed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from csto.cli import app


def test_a_kind_keeps_only_that_kind_and_loses_none_of_it(record):
    every = record.sources()
    scholarly = record.sources("scholarly")
    assert scholarly and {s.kind for s in scholarly} == {"scholarly"}
    assert [s.id for s in scholarly] == [s.id for s in every if s.kind == "scholarly"]  # the record's order


def test_search_ignores_case_and_reads_every_text_field(record):
    found = record.sources(search="SPUTNIK")
    assert found and all("sputnik" in " ".join(filter(None, (s.id, s.title, s.author, s.publisher, s.file,
                                                              s.citation, s.note))).lower() for s in found)
    assert {s.id for s in found} >= {"seed-sputnik-2017"}
    assert record.sources("treaty-text", "sputnik") == [s for s in found if s.kind == "treaty-text"]
    assert record.sources(search="no source says this 7f3a") == []


def test_an_unknown_kind_names_the_kinds():
    result = CliRunner().invoke(app, ["sources", "--kind", "blog", "--format", "json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["field"] == "kind" and error["value"] == "blog" and "opinion-blog" in error["message"]


def test_the_command_says_how_many_and_its_json_carries_the_question(record):
    result = CliRunner().invoke(app, ["sources", "--search", "sputnik", "--format", "json"])
    answer = json.loads(result.stdout)
    assert answer["question"] == {"kind": None, "search": "sputnik"}
    assert [s["id"] for s in answer["result"]] == [s.id for s in record.sources(search="sputnik")]
    table = CliRunner().invoke(app, ["sources", "--kind", "scholarly"])
    assert f"{len(record.sources('scholarly'))} source(s)" in table.output

"""csto.answers: one library call per question, the same answer on every face (README, "JSON answers")."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csto import answers
from csto.cli import app
from csto.errors import CstoError, RecordError
from csto.record.yamlio import InlineDocument

ROOT = Path(__file__).resolve().parents[2]
KAZ = ROOT / "scenarios" / "kazakhstan-2022-01.yaml"
ON = date(2022, 1, 10)

# command line arguments -> the same question asked of the library
PAIRS = [
    (["members", "--on", "2022-01-10"], "members", {"on": ON}),
    (["members", "--on", "2013-01-01", "--status", "suspended"], "members",
     {"on": date(2013, 1, 1), "status": "suspended"}),
    (["history", "UZB"], "history", {"state": "UZB"}),
    (["timeline", "--org", "SCO"], "timeline", {"org": "SCO"}),
    (["organs", "--on", "2022-01-10"], "organs", {"on": ON}),
    (["who", "secretary-general", "--on", "2022-01-10"], "who", {"office": "secretary-general", "on": ON}),
    (["events", "--from", "2022-01-01", "--to", "2022-01-31"], "events",
     {"start": date(2022, 1, 1), "end": date(2022, 1, 31)}),
    (["conflicts"], "conflicts", {}),
    (["sources"], "sources", {}),
    (["overlap", "--on", "2022-01-10"], "overlap", {"on": ON}),
    (["check"], "check", {}),
    (["forces", "--on", "2022-01-10"], "forces", {"on": ON}),
    (["budget", "--on", "2022-01-10"], "budget", {"on": ON}),
    (["crises"], "crises", {}),
    (["missions"], "missions", {}),
    (["exercises", "--from", "2021-01-01", "--to", "2021-12-31"], "exercises",
     {"start": date(2021, 1, 1), "end": date(2021, 12, 31)}),
    (["articles", "--on", "2022-01-10"], "articles", {"on": ON}),
    (["article", "cst-4"], "article", {"id": "cst-4"}),
    (["obligations", str(KAZ)], "obligations", {"scenario": KAZ}),
    (["simulate", str(KAZ), "--runs", "500", "--seed", "3"], "simulate", {"scenario": KAZ, "runs": 500, "seed": 3}),
]


def _plain(answer: dict) -> dict:
    return json.loads(json.dumps(answer, ensure_ascii=False, default=str))


@pytest.mark.parametrize(("argv", "command", "question"), PAIRS, ids=[" ".join(p[0][:2]) for p in PAIRS])
def test_the_command_line_prints_the_library_answer(record, argv, command, question):
    printed = CliRunner().invoke(app, [*argv, "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == _plain(getattr(answers, command)(record, **question))


def test_every_command_of_the_table_is_answered_by_a_function():
    for command in answers.COMMANDS:
        assert callable(getattr(answers, command)), command
    with pytest.raises(AttributeError):
        answers.no_such_command  # noqa: B018


def test_an_answer_names_its_question_and_what_it_was_computed_with(record):
    got = answers.members(record, on=ON, org="csto")
    assert got["ok"] is True and got["command"] == "members"
    assert got["question"] == {"on": "2022-01-10", "status": "member", "org": "CSTO"}
    assert len(got["record_hash"]) == 64 and got["csto_version"]
    assert "KAZ" in {row["state"] for row in got["result"]}


def test_a_period_after_its_end_is_the_users_error(record):
    with pytest.raises(CstoError, match="is after"):
        answers.events(record, start=date(2022, 2, 1), end=date(2022, 1, 1))


def test_a_scenario_given_as_text_is_read_as_its_file_is(record):
    text = KAZ.read_text(encoding="utf-8")
    from_text = answers.obligations(record, scenario=InlineDocument("posted.yaml", text))
    from_file = answers.obligations(record, scenario=KAZ)
    assert from_text["question"]["scenario"] == "posted.yaml"
    assert from_text["result"]["obligations"] == from_file["result"]["obligations"]
    sim_text = answers.simulate(record, scenario=InlineDocument("posted.yaml", text), runs=300, seed=1)
    sim_file = answers.simulate(record, scenario=KAZ, runs=300, seed=1)
    assert sim_text["result"]["outcomes"] == sim_file["result"]["outcomes"]


def test_a_bad_scenario_given_as_text_is_located_under_its_name(record):
    text = KAZ.read_text(encoding="utf-8").replace("kind: ", "kind: no-such-kind-", 1)
    with pytest.raises(RecordError) as caught:
        answers.obligations(record, scenario=InlineDocument("posted.yaml", text))
    error = caught.value.as_dict()
    assert error["file"] == "posted.yaml" and error["field"] == "kind" and error["line"]


@pytest.mark.parametrize("text", [
    "a: &x [1, 2]\nb: *x\n",  # an alias: refused, never expanded
    "date: 2022-01-05\n" + "x" * (8 * 2**20 + 1),  # over the size limit
    "date: [" * 200,  # nested too deep
], ids=["alias", "too-large", "too-deep"])
def test_text_is_read_with_the_limits_of_a_file(record, text):
    with pytest.raises(RecordError) as caught:
        answers.obligations(record, scenario=InlineDocument("posted.yaml", text))
    assert caught.value.as_dict()["file"] == "posted.yaml"


@pytest.mark.parametrize(("call", "field"), [
    (lambda r: answers.simulate(r, scenario=KAZ, runs=0), "runs"),
    (lambda r: answers.simulate(r, scenario=KAZ, seed=-1), "seed"),
    (lambda r: answers.exercises(r, start=date(2022, 2, 1), end=date(2022, 1, 1)), "from"),
    (lambda r: answers.events(r, start=date(2022, 2, 1), end=date(2022, 1, 1)), "from"),
], ids=["runs", "seed", "exercises-period", "events-period"])
def test_a_bad_argument_names_its_field_and_value(record, call, field):
    with pytest.raises(CstoError) as caught:
        call(record)
    error = caught.value.as_dict()
    assert error["field"] == field and error["value"] is not None
    assert "--" not in error["message"]  # the same words on every face: no command-line option names

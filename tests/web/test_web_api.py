"""The JSON API answers what the library answers: the same dict as ``csto.answers.<command>`` (so the same field
names as ``csto COMMAND --format json``), for the same inputs given as the command line's option names."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from csto import answers

ROOT = Path(__file__).resolve().parents[2]


def same(response, expected: dict) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == json.loads(json.dumps(expected, default=str))


@pytest.mark.parametrize(("url", "command", "inputs"), [
    ("/api/members?on=2022-01-10", "members", {"on": date(2022, 1, 10)}),
    ("/api/members?on=2005-03-01&status=former&org=csto", "members",
     {"on": date(2005, 3, 1), "status": "former", "org": "csto"}),
    ("/api/history/UZB", "history", {"state": "UZB"}),
    ("/api/history/uzb", "history", {"state": "uzb"}),
    ("/api/timeline?org=CIS", "timeline", {"org": "CIS"}),
    ("/api/organs?on=2010-01-01", "organs", {"on": date(2010, 1, 1)}),
    ("/api/organs", "organs", {}),
    ("/api/who/secretary-general?on=2020-01-01", "who", {"office": "secretary-general", "on": date(2020, 1, 1)}),
    ("/api/events?from=2022-01-01&to=2022-12-31&kind=crisis", "events",
     {"start": date(2022, 1, 1), "end": date(2022, 12, 31), "kind": "crisis"}),
    ("/api/conflicts", "conflicts", {}),
    ("/api/sources", "sources", {}),
    ("/api/overlap?on=2024-06-01", "overlap", {"on": date(2024, 6, 1)}),
    ("/api/check", "check", {}),
    ("/api/forces?on=2022-01-10", "forces", {"on": date(2022, 1, 10)}),
    ("/api/budget?on=2020-01-01", "budget", {"on": date(2020, 1, 1)}),
    ("/api/crises", "crises", {}),
    ("/api/missions", "missions", {}),
    ("/api/exercises?from=2019-01-01&to=2020-12-31", "exercises", {"start": date(2019, 1, 1), "end": date(2020, 12, 31)}),
    ("/api/articles?on=2000-01-01", "articles", {"on": date(2000, 1, 1)}),
    ("/api/article/cst-4", "article", {"id": "cst-4"}),
])
def test_record_and_treaty_answers_equal_the_library(client, record, url, command, inputs):
    same(client.get(url), getattr(answers, command)(record, **inputs))


def test_dates_default_to_today_as_on_the_command_line(client, record):
    same(client.get("/api/members"), answers.members(record, on=date.today()))


def test_compare_equals_the_command_lines_answer(client):
    same(client.get("/api/compare?on=2022-01-01"), answers.compare(None, on=date(2022, 1, 1)))


def test_a_scenario_by_name_is_answered_as_the_file_is(client, record, monkeypatch):
    monkeypatch.chdir(ROOT)  # the command line's answer names the file as typed from the repository
    scenario = Path("scenarios/kazakhstan-2022-01.yaml")
    overlay = Path("data/treaty/overlays/stand-aside.yaml")
    same(client.get("/api/obligations?scenario=kazakhstan-2022-01&overlay=stand-aside&on=2022-01-05"),
         answers.obligations(record, scenario=scenario, on=date(2022, 1, 5), overlay=overlay))
    same(client.get("/api/simulate?scenario=kazakhstan-2022-01&runs=1000&seed=7"),
         answers.simulate(record, scenario=scenario, runs=1000, seed=7))


def test_a_posted_scenario_is_answered_as_the_same_file(client, record, tmp_path):
    text = (ROOT / "scenarios" / "armenia-2022-09.yaml").read_text(encoding="utf-8")
    copy = tmp_path / "scenario.yaml"  # the posted text is called scenario.yaml in the answer
    copy.write_text(text, encoding="utf-8")
    for content_type in ("application/yaml", "application/json", "text/plain"):
        posted = client.post("/api/simulate?runs=500&seed=1", content=text.encode(),
                             headers={"Content-Type": content_type})
        expected = answers.simulate(record, scenario=copy, runs=500, seed=1)
        expected["question"]["scenario"] = "scenario.yaml"
        same(posted, expected)
    as_json = json.dumps({"date": "2022-09-13", "kind": "armed-aggression", "targets": ["ARM"],
                          "perpetrator": {"type": "state", "state": "AZE"}, "request": None})
    answered = client.post("/api/obligations", content=as_json, headers={"Content-Type": "application/json"})
    assert answered.status_code == 200, answered.text
    assert answered.json()["result"]["event"]["targets"] == ["ARM"]


def test_the_slow_answers_are_kept_for_an_identical_request(client):
    first = client.get("/api/simulate?scenario=tajikistan-2021-07&runs=700&seed=2").json()
    again = client.get("/api/simulate?scenario=tajikistan-2021-07&runs=700&seed=2").json()
    assert again == first
    other = client.get("/api/simulate?scenario=tajikistan-2021-07&runs=700&seed=3").json()
    assert other["result"]["seed"] == 3 and other["question"]["seed"] == 3


def test_backtest_answers_with_capped_settings(client, record):
    small = client.get("/api/backtest?particles=128&reps=4&repeats=1&seed=0")
    same(small, answers.backtest(record, particles=128, reps=4, seed=0, repeats=1))


def test_the_lists_a_client_needs(client):
    names = [s["name"] for s in client.get("/api/scenarios").json()["result"]]
    assert names == sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    overlays = [o["name"] for o in client.get("/api/overlays").json()["result"]]
    assert overlays == sorted(p.stem for p in (ROOT / "data" / "treaty" / "overlays").glob("*.yaml"))
    assert client.get("/api/scenario-schema").json() == json.loads((ROOT / "scenarios" / "schema.json").read_text())


def test_the_openapi_schema_documents_every_api_endpoint(client):
    schema = client.get("/openapi.json").json()
    api = {(p, m) for p, ops in schema["paths"].items() if p.startswith("/api") for m in ops}
    served = {p.split("/")[2] for p, _ in api}
    asked = {"members", "history", "timeline", "organs", "who", "events", "conflicts", "sources", "overlap", "check",
             "forces", "budget", "crises", "missions", "exercises", "articles", "article", "obligations", "simulate",
             "compare", "backtest"}
    assert asked <= served and asked <= set(answers.COMMANDS)
    for path, method in api:
        op = schema["paths"][path][method]
        assert op.get("summary") and op.get("description"), (path, method)
        if path != "/api/scenario-schema":
            ok = op["responses"]["200"]["content"]["application/json"]["schema"]
            assert ok["$ref"] == "#/components/schemas/Answer", (path, ok)
            error = op["responses"]["400"]["content"]["application/json"]["schema"]
            assert error["$ref"] == "#/components/schemas/ErrorAnswer"
    assert {"Answer", "ErrorAnswer", "ErrorDetail"} <= set(schema["components"]["schemas"])
    assert "requestBody" in schema["paths"]["/api/simulate"]["post"]
    assert "requestBody" in schema["paths"]["/api/obligations"]["post"]


def test_the_api_reference_page_lists_every_endpoint_without_a_cdn(client):
    page = client.get("/docs")
    assert page.status_code == 200
    for path in client.get("/openapi.json").json()["paths"]:
        if path.startswith("/api"):
            assert f"{path}</code>" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text

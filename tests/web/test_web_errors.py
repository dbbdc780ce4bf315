"""One error shape for every 4xx and 5xx, with file/line/field where there is one; never a traceback, and nothing
a request names is opened on the server."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

KAZ = (ROOT / "scenarios" / "kazakhstan-2022-01.yaml").read_text(encoding="utf-8")


def test_a_bad_date_names_the_parameter(client, error_of):
    r = client.get("/api/members?on=2022-02-30")
    assert r.status_code == 400
    e = error_of(r)
    assert (e["kind"], e["field"], e["value"]) == ("date", "on", "2022-02-30")
    assert "2022-02-30" in e["message"]
    assert error_of(client.get("/api/events?from=2022-01-01&to=yesterday"))["field"] == "to"


def test_an_unknown_state_or_office_or_article_is_404(client, error_of):
    for url, value in (("/api/history/XYZ", "XYZ"), ("/api/article/cst-99", "cst-99")):
        r = client.get(url)
        assert r.status_code == 404, url
        e = error_of(r)
        assert e["kind"] == "unknown" and value in e["message"]


def test_an_unknown_parameter_is_refused_naming_the_ones_taken(client, error_of):
    r = client.get("/api/members?date=2022-01-10")
    assert r.status_code == 400
    e = error_of(r)
    assert (e["kind"], e["field"], e["value"]) == ("usage", "date", "2022-01-10")
    assert "on, org, status" in e["message"]


def test_a_parameter_of_the_wrong_type_is_422_in_the_same_shape(client, error_of):
    r = client.get("/api/simulate?scenario=kazakhstan-2022-01&runs=many")
    assert r.status_code == 422
    e = error_of(r)
    assert (e["kind"], e["field"], e["value"]) == ("usage", "runs", "many")
    assert e["message"] == "runs: expected a whole number (got 'many')"
    assert error_of(client.get("/api/simulate"))["field"] == "scenario"  # missing


def test_runs_above_the_cap_are_refused_before_any_work(client, error_of):
    r = client.get("/api/simulate?scenario=kazakhstan-2022-01&runs=200001")
    assert r.status_code == 400
    e = error_of(r)
    assert (e["field"], e["value"]) == ("runs", 200001) and "200,000" in e["message"]
    posted = client.post("/api/simulate?runs=10000000", content=KAZ)
    assert posted.status_code == 400 and error_of(posted)["field"] == "runs"
    assert client.get("/api/simulate?scenario=kazakhstan-2022-01&runs=0").status_code == 400
    assert error_of(client.get("/api/backtest?particles=100000"))["field"] == "particles"


def test_a_too_large_body_is_413(client, error_of):
    r = client.post("/api/simulate", content=b"# " + b"x" * 70_000)
    assert r.status_code == 413
    e = error_of(r)
    assert (e["kind"], e["field"]) == ("input", "body") and "65,536" in e["message"]

    def chunks():  # no Content-Length: the limit counts what arrives
        for _ in range(20):
            yield b"# " + b"y" * 8_000 + b"\n"

    streamed = client.post("/api/obligations", content=chunks())
    assert streamed.status_code == 413 and error_of(streamed)["field"] == "body"


def test_a_bad_scenario_names_file_line_field_and_value(client, error_of):
    bad = KAZ.replace("targets: [KAZ]", "targets: [KAZ]\ncolour: red")
    r = client.post("/api/obligations", content=bad)
    assert r.status_code == 400
    e = error_of(r)
    line = bad.splitlines().index("colour: red") + 1
    assert (e["kind"], e["file"], e["line"], e["field"], e["value"]) == ("input", "scenario.yaml", line, "colour", "red")
    wrong_state = KAZ.replace("targets: [KAZ]", "targets: [QQQ]")
    e = error_of(client.post("/api/simulate?runs=100", content=wrong_state))
    assert (e["field"], e["value"]) == ("targets[0]", "QQQ") and e["line"] is not None


def test_several_problems_are_all_listed(client, error_of):
    e = error_of(client.post("/api/obligations", content="date: 2022-01-01\nkind: nope\n"))
    fields = {x["field"] for x in e["errors"]}
    assert {"targets", "perpetrator"} <= fields


def test_a_yaml_alias_bomb_is_refused(client, error_of):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")) + "date: *i\n"
    r = client.post("/api/obligations", content=bomb)
    assert 400 <= r.status_code < 500
    e = error_of(r)
    assert e["file"] == "scenario.yaml" and "aliases" in e["message"] and e["line"] == 1
    assert len(r.content) < 5_000  # the bomb is not expanded into the message


@pytest.mark.parametrize("body", [b"", b"   \n", b"\xff\xfe not utf-8", b"[1, 2, 3]", b"{{{", b"!!python/object:os.system x"])
def test_any_other_bad_body_is_a_4xx_with_the_shape(client, body, error_of):
    r = client.post("/api/obligations", content=body)
    assert 400 <= r.status_code < 500, r.text
    error_of(r)


def test_unknown_addresses_and_methods(client, error_of):
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and error_of(r)["kind"] == "unknown"
    r = client.delete("/api/members")
    assert r.status_code == 405 and error_of(r)["field"] == "method"
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert client.get("/nothing").status_code == 404  # one unknown segment too (not 405 from a form's route)
    assert "no page or endpoint" in page.text


def test_a_bug_is_a_500_with_the_shape_and_no_traceback(client, app, monkeypatch, error_of):
    from csto import answers

    def broken(*args, **kwargs):
        raise KeyError("deliberately broken")

    monkeypatch.setattr(answers.record, "sources", broken)
    app.state.service.kept.clear()  # an answer kept from an earlier request would be served without calling the library
    r = client.get("/api/sources")
    assert r.status_code == 500
    e = error_of(r)
    assert e["kind"] == "bug" and "KeyError" in e["message"] and "report" in e["message"]
    page = client.get("/sources")
    assert page.status_code == 500 and "bug" in page.text and "Traceback" not in page.text


class _Opened:
    """Every path opened while active (Python's 'open' audit event)."""

    def __init__(self):
        self.paths: list[str] = []
        self.active = threading.Event()
        sys.addaudithook(self._hook)

    def _hook(self, event, args):
        if event == "open" and self.active.is_set() and args and isinstance(args[0], (str, bytes)):
            self.paths.append(args[0] if isinstance(args[0], str) else args[0].decode(errors="replace"))


def test_no_route_opens_a_path_given_in_a_request(client, app, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("overlay: {id: leaked, title: leaked}\ndate: 2022-01-01\n", encoding="utf-8")
    given = [str(secret), f"../../../../../../{secret}", "/etc/passwd"]
    schema = client.get("/openapi.json").json()
    opened = _Opened()
    responses = []
    opened.active.set()
    try:
        for path, ops in schema["paths"].items():
            for method, op in ops.items():
                names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
                for value in given:
                    url = path
                    for p in op.get("parameters", []):
                        if p["in"] == "path":
                            url = url.replace("{" + p["name"] + "}", value.replace("/", "%2F"))
                    params = {n: value for n in names if n not in ("runs", "seed", "particles", "reps", "repeats")}
                    r = client.request(method.upper(), url, params=params, content=value if method == "post" else None)
                    responses.append((method, url, params, r))
    finally:
        opened.active.clear()
    assert not [p for p in opened.paths if "secret" in p or "passwd" in p], opened.paths
    for method, url, params, r in responses:
        assert r.status_code != 200 or "leaked" not in r.text, (method, url, params)
        assert r.status_code < 500, (method, url, params, r.text[:300])

"""The command line: obligations, article, articles; JSON fields; exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from csto.cli import app

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURE = str(HERE / "fixture_record")
runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [*args])


def test_obligations_json_has_the_documented_fields(tmp_path):
    result = _run("obligations", str(ROOT / "scenarios/armenia-2022-09.yaml"), "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)["result"]
    assert set(out) == {"event", "on", "overlay", "notes", "members", "flags", "decision", "obligations", "articles",
                        "trace"}
    assert out["notes"] == []
    ob = next(o for o in out["obligations"] if o["id"] == "cst-4.assist")
    assert set(ob) == {"id", "action", "description", "party", "owed_by", "owed_to", "basis", "organ", "decision_rule",
                       "timing", "conditions", "status", "contested_by", "not_participating", "refs"}
    assert ob["basis"]["version"] == "2010" and ob["basis"]["text"][0]["kind"] == "paraphrase"
    assert out["decision"]["rule"]["id"] == "consensus"


def test_obligations_table_prints_flags_obligations_and_trace():
    result = _run("obligations", str(ROOT / "scenarios/nagorno-karabakh-2020-09.yaml"))
    assert result.exit_code == 0, result.output
    assert "flag outside-recognised-territory" in result.output
    assert "[conditional] cst-4.assist" in result.output and "[contested] cst-2.assistance-measures" in result.output
    assert "trace" in result.output and "Not applied" in result.output


def test_obligations_with_an_overlay_and_another_date():
    result = _run("obligations", str(ROOT / "scenarios/serbia-observer-2022.yaml"), "--overlay",
                  str(ROOT / "data/treaty/overlays/serbia-member.yaml"), "--on", "2022-06-01", "-f", "json")
    out = json.loads(result.output)["result"]
    assert out["overlay"] == "serbia-member" and "SRB" in out["members"]
    assert any(o["id"] == "cst-4.assist" for o in out["obligations"])


def test_article_shows_the_version_in_force():
    result = _run("article", "cst-4", "--on", "2005-01-01", "-f", "json")
    out = json.loads(result.output)["result"]
    assert [v["label"] for v in out["versions"]] == ["1992"]
    assert out["versions"][0]["clauses"][0]["source"] == "seed-petrovic-2022"


def test_articles_lists_what_is_in_force():
    out = json.loads(_run("articles", "--on", "2000-01-01", "-f", "json").output)["result"]
    # the CSTO's law in force in 2000, the UN Charter, and the peers held in the same format (NATO since 1949, Russia-Armenia since 1998)
    assert {a["id"] for a in out} == {"cst-1", "cst-2", "cst-3", "cst-4", "cst-5", "cst-6", "cst-7", "cst-8", "cst-9",
                                      "cst-11", "un-51", "nato-4", "nato-5", "ru-am-1997-2", "ru-am-1997-3"}


def test_articles_json_text_is_the_clauses_text():
    out = json.loads(_run("articles", "--on", "2022-01-01", "-f", "json").output)["result"]
    cst4 = next(a for a in out if a["id"] == "cst-4")
    assert set(cst4) == {"id", "citation", "title", "version", "from", "to", "from_basis", "text", "kinds", "sources"}
    assert cst4["text"][0]["text"].startswith("[Paraphrase] If a Member State is subjected to aggression")
    assert {c["kind"] for c in cst4["text"]} == set(cst4["kinds"]) == {"paraphrase"}
    assert {c["source"] for c in cst4["text"]} == set(cst4["sources"])


def _doc_table(heading: str) -> str:
    doc = (ROOT / "docs" / "treaty.md").read_text(encoding="utf-8")
    return doc.split(heading, 1)[1].split("\n## ", 1)[0]


def test_article_and_articles_json_fields_are_documented():
    listed = json.loads(_run("articles", "-f", "json").output)["result"]
    doc = _doc_table("## `csto article ID --format json`")
    keys = set()
    for article in (json.loads(_run("article", a, "-f", "json").output)["result"] for a in {a["id"] for a in listed}):
        keys |= set(article) | {f"versions[].{k}" for v in article["versions"] for k in v}
        keys |= {f"versions[].effects[].{k}" for v in article["versions"] for e in v.get("effects", []) for k in e}
    missing = [k for k in keys if f"`{k}`" not in doc]
    assert not missing, f"document in docs/treaty.md: {missing}"
    doc = _doc_table("## `csto articles --format json`")
    missing = [k for k in {k for a in listed for k in a} if f"`{k}`" not in doc]
    assert not missing, f"document in docs/treaty.md: {missing}"


def test_a_data_dir_without_treaty_law_says_so(tmp_path):
    result = runner.invoke(app, ["articles", "--data", FIXTURE, "-f", "json"])
    assert result.exit_code == 0
    assert "has no treaty/ folder" in result.stderr and json.loads(result.stdout)


def test_bad_input_on_the_command_line_exits_2():
    assert _run("article", "cst-99").exit_code == 2
    assert _run("articles", "--on", "2022-13-01").exit_code == 2
    missing = _run("obligations", "no-such-file.yaml")
    assert missing.exit_code == 2 and "no-such-file.yaml: file: no such file" in missing.output
    bad_overlay = _run("obligations", str(ROOT / "scenarios/armenia-2022-09.yaml"), "--overlay",
                       str(ROOT / "scenarios/armenia-2022-09.yaml"))
    assert bad_overlay.exit_code == 2 and "overlay" in bad_overlay.output


def test_the_worked_example_in_the_docs_is_real_output():
    doc = (ROOT / "docs" / "treaty.md").read_text(encoding="utf-8")
    block = doc.split("csto obligations scenarios/armenia-2022-09.yaml`:\n\n```\n", 1)[1].split("\n```", 1)[0]
    result = _run("obligations", str(ROOT / "scenarios/armenia-2022-09.yaml"))
    assert " ".join(result.output.split()) == " ".join(block.split())

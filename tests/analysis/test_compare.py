"""`csto compare`: the peers read from the article data, and the CSTO's derived coding against ATOP's."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csto.analysis.compare import agreement, coding, compare, load_rules
from csto.cli import app
from csto.errors import CstoError
from csto.treaty import load_law

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def law():
    return load_law(ROOT / "data" / "treaty")


@pytest.fixture(scope="module")
def rules(law):
    return load_rules(law=law)


def test_the_cstos_derived_coding_agrees_with_atops_published_coding_in_every_phase(law, rules):
    checks = agreement(law, rules)
    assert {c["variable"] for c in checks} == {"defense", "consul", "nonagg", "no_other_alliances"}
    assert {c["phase"] for c in checks} == {"1992", "2002", "2010", "2018"}
    assert all(c["agree"] for c in checks), [c for c in checks if not c["agree"]]


def test_coding_comes_from_the_effects_so_removing_the_defence_duty_removes_the_pledge(law, rules):
    day = date(2015, 1, 1)
    assert coding(law, rules, "csto", day)["defense"]["value"] == 1
    stripped = law.articles["cst-4"].versions[1].model_copy(update={"effects": []})
    changed = law.articles["cst-4"].model_copy(update={"versions": [law.articles["cst-4"].versions[0], stripped]})
    other = type(law)(**{**law.__dict__, "articles": {**law.articles, "cst-4": changed}})
    assert coding(law, rules, "csto", date(2000, 1, 1))["defense"]["value"] == 1
    assert coding(other, rules, "csto", day)["defense"]["value"] == 0


def test_the_2010_request_condition_shows_in_the_comparison_and_nato_needs_none(law, rules):
    before = compare(date(2010, 6, 1), law, rules)
    after = compare(date(2013, 6, 1), law, rules)
    csto = lambda a: next(x for x in a["alliances"] if x["id"] == "csto")["points"]  # noqa: E731
    assert csto(before)["automatic"].startswith("automatic")
    assert csto(after)["automatic"] == "on the attacked member's request"
    nato = next(x for x in after["alliances"] if x["id"] == "nato")["points"]
    assert nato["automatic"].startswith("automatic") and "Europe or North America" in nato["where"]


def test_the_integrated_command_appears_with_the_2010_charter_text(law, rules):
    assert coding(law, rules, "csto", date(2005, 1, 1))["intcom"]["value"] == 0
    assert coding(law, rules, "csto", date(2011, 1, 1))["intcom"]["value"] == 1


def test_a_treaty_not_yet_signed_has_no_points(law, rules):
    answer = compare(date(2024, 1, 1), law, rules)
    assert next(x for x in answer["alliances"] if x["id"] == "union-state")["points"] is None


def test_an_action_without_a_level_is_rejected_naming_the_file(law, tmp_path):
    text = (ROOT / "data" / "treaty" / "atop_rules.yaml").read_text(encoding="utf-8")
    (tmp_path / "atop_rules.yaml").write_text(text.replace("  action-deemed-necessary: military", ""), encoding="utf-8")
    with pytest.raises(CstoError, match=r"atop_rules.yaml.*actions.*action-deemed-necessary"):
        load_rules(tmp_path / "atop_rules.yaml", law)


def test_a_rule_with_two_tests_is_rejected(law, tmp_path):
    text = (ROOT / "data" / "treaty" / "atop_rules.yaml").read_text(encoding="utf-8")
    bad = text.replace("    provides: [integrated-command]\n", "    provides: [integrated-command]\n    actions: [x]\n")
    (tmp_path / "atop_rules.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(CstoError, match=r"atop_rules.yaml:\d+: rules\[\d+\].*exactly one"):
        load_rules(tmp_path / "atop_rules.yaml", law)


def test_the_command_answers_in_json_and_rejects_a_bad_date():
    runner = CliRunner()
    out = runner.invoke(app, ["compare", "--on", "2025-06-01", "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["ok"] and doc["result"]["on"] == "2025-06-01" and doc["result"]["agrees_with_atop"] is True
    assert {a["id"] for a in doc["result"]["alliances"]} == {"csto", "nato", "sco", "russia-armenia", "union-state"}
    bad = runner.invoke(app, ["compare", "--on", "2025-02-30"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output

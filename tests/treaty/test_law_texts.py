"""The law added for issue 8 ("Missing law"): Treaty Articles 5, 7-9 and 11, Charter Article 19, and the texts
around them. They are text, not rules: each version is in force when it should be, each clause rests on a source
the record holds and a reader can find, and none of them changes what the engine owes for any shipped scenario."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from csto.cli import app
from csto.record import dates
from csto.treaty import engine
from csto.treaty.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SOURCES_LAW = ROOT / "data" / "sources_law.yaml"

#: The articles this issue added, and those whose text it extended.
ADDED = ("cst-5", "cst-7", "cst-8", "cst-9", "cst-11", "charter-19")
EXTENDED = ("cst-3", "charter-3", "charter-21", "csc-regulations-2004")

URL = re.compile(r"(https?://)?[\w.-]+\.[a-z]{2,}/\S+")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _sources(record) -> dict:
    return {s.id: s for s in record.sources()}


def _findable(source) -> bool:
    """A reader can find it: a public address, or a seed document held in data/seeds."""
    if source.file:
        return (ROOT / "data" / "seeds" / source.file).is_file()
    return bool(source.citation and URL.search(source.citation))


@pytest.mark.parametrize("article,day,label", [
    ("cst-5", date(1994, 4, 20), "1992"),
    ("cst-5", date(2012, 12, 18), "1992"),
    ("cst-5", date(2012, 12, 19), "2010"),
    ("cst-7", date(2000, 1, 1), "1992"),
    ("cst-7", date(2022, 1, 10), "1992"),
    ("cst-8", date(2022, 1, 10), "1992"),
    ("cst-9", date(2022, 1, 10), "1992"),
    ("cst-11", date(1999, 4, 21), "1992"),
    ("cst-11", date(2022, 1, 10), "2010"),
    ("charter-19", date(2003, 9, 18), "2002"),
    ("charter-19", date(2024, 6, 12), "2002"),
    ("csc-regulations-2004", date(2012, 12, 19), "2004"),
])
def test_each_article_has_the_version_in_force_on_a_day(law, article, day, label):
    version = law.article(article).version_on(day)
    assert version is not None and version.label == label


@pytest.mark.parametrize("article,day", [
    ("cst-7", date(1994, 4, 19)),          # before the Treaty entered into force
    ("charter-19", date(2003, 9, 17)),     # before the Charter entered into force
    ("csc-regulations-2004", date(2004, 6, 17)),
])
def test_no_version_before_its_instrument(law, article, day):
    assert law.article(article).version_on(day) is None


def test_every_article_added_is_in_force_on_2022_01_10(law):
    in_force = {x.article.id for x in law.in_force(date(2022, 1, 10))}
    assert set(ADDED) <= in_force


def test_the_2010_protocol_enters_into_force_on_the_day_its_source_gives(law, real_record):
    protocol = law.instruments["cst-protocol-2010"]
    day = dates.first_day(protocol.in_force)
    said = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    notes = [_sources(real_record)[s].note or "" for s in protocol.sources]
    assert any(re.search(rf"entry into force on {said}", n) for n in notes), said


def test_the_treaty_versions_change_on_the_2010_protocols_entry_into_force(law):
    day = dates.first_day(law.instruments["cst-protocol-2010"].in_force)
    amended = [a for a in law.articles.values() if any(v.amended_by == "cst-protocol-2010" for v in a.versions)]
    assert {"cst-5", "cst-11"} <= {a.id for a in amended}
    for article in amended:
        ordered = sorted(article.versions, key=lambda v: dates.first_day(v.start))
        for before, after in zip(ordered, ordered[1:]):
            if after.amended_by == "cst-protocol-2010":
                assert dates.first_day(after.start) == day, article.id
                assert before.end and dates.last_day(before.end) == day - timedelta(days=1), article.id


def test_every_clause_added_rests_on_a_known_source_a_reader_can_find(law, real_record):
    sources = _sources(real_record)
    for article in (law.article(a) for a in ADDED + EXTENDED):
        for version in article.versions:
            for clause in version.clauses:
                assert clause.source in sources, (article.id, version.label, clause.source)
                assert _findable(sources[clause.source]), (article.id, clause.source)
                assert clause.passage, (article.id, version.label, clause.source)


def test_every_quote_in_the_law_rests_on_a_known_source_a_reader_can_find(law, real_record):
    sources = _sources(real_record)
    quotes = [(a.id, c.source) for a in law.articles.values() for v in a.versions for c in v.clauses
              if c.kind == "quote"]
    assert quotes
    for article, source in quotes:
        assert source in sources and _findable(sources[source]), (article, source)


def test_each_new_source_says_where_it_is_its_language_and_what_kind_of_text(real_record):
    raw = yaml.safe_load(SOURCES_LAW.read_text(encoding="utf-8"))["sources"]
    held = _sources(real_record)
    assert raw
    for entry in raw:
        source = held[entry["id"]]
        assert source.citation and source.citation.startswith("http"), source.id
        assert source.publisher and source.kind, source.id
        assert source.note and source.note.startswith("Language:"), source.id
        assert re.search(r"original|translation|reproduction|own English", source.note), source.id


def test_each_new_source_is_cited_by_the_law(law):
    raw = yaml.safe_load(SOURCES_LAW.read_text(encoding="utf-8"))["sources"]
    cited = law.source_ids() | {s for a in law.articles.values() for s in re.findall(r"law-[a-z0-9-]+", a.note or "")}
    assert {e["id"] for e in raw} - cited == set()


def test_the_six_months_notice_is_held_with_its_source_and_article_11_points_to_it(law, real_record):
    charter_19 = law.article("charter-19").version_on(date(2024, 6, 12))
    clause = next(c for c in charter_19.clauses if "six months" in c.text)
    assert "six months" in (_sources(real_record)[clause.source].note or "")
    note = law.article("cst-11").note or ""
    # the Treaty's own withdrawal wording was not read: the note says so and sends the reader to the Charter
    assert "six months" in note and "charter-19" in note and "not read" in note


def test_the_new_law_sets_no_rule_the_engine_or_comparison_reads(law):
    for article in (law.article(a) for a in ADDED):
        for version in article.versions:
            assert not version.effects and version.decision_rule is None
            assert not version.explains and not version.provides


@pytest.mark.parametrize("scenario", sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml")))
def test_obligations_are_the_same_with_or_without_the_added_articles(law, real_record, scenario):
    without = replace(law, articles={k: v for k, v in law.articles.items() if k not in ADDED})
    event = load_scenario(ROOT / "scenarios" / scenario, real_record, law)
    full = engine.obligations(event, real_record, law=law).as_dict()
    bare = engine.obligations(event, real_record, law=without).as_dict()
    assert full["obligations"] == bare["obligations"] and full["decision"] == bare["decision"]


def test_csto_article_cst_11_shows_its_texts():
    result = CliRunner().invoke(app, ["article", "cst-11", "-f", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)["result"]
    assert [v["label"] for v in out["versions"]] == ["1992", "2010"]
    assert any("second part of Article 11" in c["text"] for c in out["versions"][0]["clauses"])


def test_csto_articles_on_2022_01_10_lists_the_added_articles_with_their_text():
    result = CliRunner().invoke(app, ["articles", "--on", "2022-01-10", "-f", "json"])
    assert result.exit_code == 0, result.output
    listed = {a["id"]: a for a in json.loads(result.output)["result"]}
    for article in ADDED:
        assert listed[article]["text"] and all(t["text"].startswith("[Paraphrase") for t in listed[article]["text"])

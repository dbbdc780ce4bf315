"""The articles as data: sourced, quoted verbatim where a seed quotes them, and coherent in time."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from csto.record import RecordError
from csto.treaty import engine, load_law

ROOT = Path(__file__).resolve().parents[2]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_source_the_law_cites_is_in_the_record(law, real_record):
    known = {s.id for s in real_record.sources()}
    assert law.source_ids() - known == set()


def test_legal_sources_are_prefixed(real_record):
    doc = yaml.safe_load((ROOT / "data" / "sources_legal.yaml").read_text(encoding="utf-8"))
    assert all(s["id"].startswith("legal-") for s in doc["sources"])


def test_seed_quotes_are_verbatim(law, real_record):
    seeds = {s.id: s.file for s in real_record.sources() if s.file}
    checked = 0
    for a in law.articles.values():
        for v in a.versions:
            for c in v.clauses:
                if c.kind != "quote":
                    continue
                assert c.source in seeds, f"{a.id} {v.label}: quotes must come from a seed"
                text = (ROOT / "data" / "seeds" / seeds[c.source]).read_text(encoding="utf-8")
                # the seed breaks one quoted passage across a page footnote: drop footnote lines
                body = "\n".join(line for line in text.splitlines() if not re.match(r"^[¹²³⁴⁵⁶⁷⁸⁹]", line))
                assert _flat(c.text).removeprefix("(...) ") in _flat(body), f"{a.id} {v.label} is not verbatim"
                checked += 1
    assert checked >= 4  # Articles 2 and 4 of the Treaty, Article 7 of the Charter, the alliance ban


def test_the_seeds_quoted_articles_are_held(law):
    quoted = {(a.id, v.label) for a in law.articles.values() for v in a.versions
              if any(c.kind == "quote" and c.source == "seed-petrovic-2022" for c in v.clauses)}
    assert quoted == {("cst-2", "2010"), ("cst-4", "1992"), ("charter-7", "2010"), ("charter-3", "2002")}


@pytest.mark.parametrize("day,versions", [
    (date(2000, 1, 1), {"cst-2": "1992", "cst-4": "1992"}),
    (date(2012, 12, 18), {"cst-2": "1992", "cst-4": "1992"}),
    (date(2012, 12, 19), {"cst-2": "2010", "cst-4": "2010"}),
    (date(2022, 1, 5), {"cst-2": "2010", "cst-4": "2010", "charter-21": "2018"}),
])
def test_the_version_in_force_depends_on_the_date(law, day, versions):
    got = {x.article.id: x.version.label for x in law.in_force(day)}
    assert {k: got.get(k) for k in versions} == versions


def test_no_charter_article_before_the_charter(law):
    assert not [x for x in law.in_force(date(2003, 9, 17)) if x.article.instrument == "charter"]


def test_every_flag_the_engine_raises_is_explained(law):
    raised = set(re.findall(r'out\.append\("([a-z-]+)"\)', Path(engine.__file__).read_text(encoding="utf-8")))
    assert raised and raised <= set(law.flags)


def test_docs_list_every_flag_and_kind(law):
    doc = (ROOT / "docs" / "treaty.md").read_text(encoding="utf-8")
    missing = [f for f in [*law.flags, *law.kinds] if f"`{f}`" not in doc]
    assert not missing


def test_an_unmarked_paraphrase_is_rejected(tmp_path):
    for name in ("instruments.yaml", "kinds.yaml", "flags.yaml"):
        (tmp_path / name).write_text((ROOT / "data" / "treaty" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "articles.yaml").write_text(
        "articles:\n  - id: cst-9\n    instrument: cst\n    title: t\n    versions:\n      - label: x\n"
        "        from: 1994-04-20\n        clauses:\n          - {kind: paraphrase, source: s, text: not marked}\n",
        encoding="utf-8")
    with pytest.raises(RecordError) as info:
        load_law(tmp_path)
    assert info.value.line == 9 and "must be marked" in info.value.problem


def test_overlapping_versions_are_rejected(tmp_path):
    for name in ("instruments.yaml", "kinds.yaml", "flags.yaml"):
        (tmp_path / name).write_text((ROOT / "data" / "treaty" / name).read_text(encoding="utf-8"), encoding="utf-8")
    clause = "        clauses: [{kind: paraphrase, source: s, text: '[Paraphrase] x'}]\n"
    (tmp_path / "articles.yaml").write_text(
        "articles:\n  - id: cst-9\n    instrument: cst\n    title: t\n    versions:\n"
        "      - label: a\n        from: 1994-04-20\n" + clause +
        "      - label: b\n        from: 2000-01-01\n" + clause, encoding="utf-8")
    with pytest.raises(RecordError, match="overlaps version a"):
        load_law(tmp_path)

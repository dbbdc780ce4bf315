"""The shipped record: integrity (every passage verbatim in its seed, every source cited) and the facts the seeds state."""

from __future__ import annotations

import re

import pytest

from csto.record import Record, default_data_dir

DATA = default_data_dir()
SEEDS = DATA / "seeds"


@pytest.fixture(scope="module")
def record():
    rec = Record.open(DATA)
    yield rec
    rec.close()


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def test_every_seed_document_is_a_source(record):
    files = {s.file for s in record.sources() if s.file}
    assert {p.name for p in SEEDS.glob("*.txt")} <= files


def test_every_source_file_exists(record):
    for s in record.sources():
        if s.file:
            assert (SEEDS / s.file).is_file(), s.id


def test_every_quoted_seed_passage_is_verbatim_in_its_seed(record):
    seeds = {s.id: normalise((SEEDS / s.file).read_text()) for s in record.sources() if s.file}
    checked = 0
    for row in record.db.execute("SELECT section, source, passage FROM fact_sources WHERE passage IS NOT NULL"):
        if row["source"] in seeds:
            assert normalise(row["passage"]) in seeds[row["source"]], (row["section"], row["source"], row["passage"])
            checked += 1
    for c in record.conflicts():
        for cl in c.claims:
            if cl.source in seeds and cl.passage:
                assert normalise(cl.passage) in seeds[cl.source], (c.id, cl.passage)
                checked += 1
    assert checked >= 20


def test_every_source_is_cited_by_some_fact(record):
    cited = {r[0] for r in record.db.execute("SELECT DISTINCT source FROM fact_sources")}
    cited |= {cl.source for c in record.conflicts() for cl in c.claims}
    cited |= {o.source for o in record.opinions()}
    cited |= {o.quote.source for o in record.organs() if o.quote}
    unused = {s.id for s in record.sources()} - cited
    # the treaty's articles (data/treaty/) and the simulation's parameters (data/sim/) cite sources too
    text = "\n".join(p.read_text() for sub in ("treaty", "sim") for p in (DATA / sub).rglob("*.yaml"))
    unused = {u for u in unused if not re.search(rf"\b{re.escape(u)}\b", text)}
    assert not unused


def members(record, on, status="member"):
    return sorted(r.state for r in record.members(on, status))


def test_the_six_members_at_the_2022_moscow_summit(record):
    assert members(record, "2022-05-16") == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


def test_armenia_froze_participation_without_withdrawing(record):
    rows = {r.state: r for r in record.members("2025-06-01")}
    assert rows["ARM"].status == "member" and rows["ARM"].participation == "frozen"
    assert rows["BLR"].participation == "full"


def test_uzbekistan_left_returned_and_suspended(record):
    assert "UZB" in members(record, "1995-01-01")
    assert "UZB" not in members(record, "2001-01-01")
    assert "UZB" in members(record, "2010-01-01")
    assert "UZB" not in members(record, "2015-01-01")


def test_georgia_and_azerbaijan_are_former_members_after_1999(record):
    assert {"AZE", "GEO"} <= set(members(record, "2001-01-01", "former"))
    assert {"AZE", "GEO"} <= set(members(record, "1996-01-01"))


def test_serbia_and_afghanistan_are_observers_after_2013(record):
    observers = set(members(record, "2016-01-01", "observer"))
    assert {"SRB", "AFG"} <= observers


def test_russia_pays_half_and_the_others_a_tenth(record):
    shares = {b.state: b.share for b in record.budget_shares("2021-06-01")}
    assert shares["RUS"] == 0.5
    assert {s for st, s in shares.items() if st != "RUS"} == {0.1}


def test_parliamentary_assembly_chairs(record):
    office = [o.id for o in record.offices() if "assembly" in o.id or "assembly" in o.name.lower()][0]
    assert "Gryzlov" in record.holder(office, "2010-01-01")[0].holder
    assert "Naryshkin" in record.holder(office, "2014-01-01")[0].holder
    assert "Volodin" in record.holder(office, "2020-01-01")[0].holder


def test_kazakhstan_mission_of_more_than_two_thousand(record):
    [kaz] = [m for m in record.missions() if m.host == "KAZ" and m.start.startswith("2022-01")]
    assert kaz.personnel >= 2000


def test_the_organs_the_seeds_name(record):
    names = " ".join(o.name.lower() for o in record.organs())
    for organ in ["collective security council", "foreign", "defen", "secretaries", "permanent council",
                  "secretariat", "joint staff", "parliamentary assembly"]:
        assert organ in names, organ


def test_the_contested_questions_are_kept(record):
    questions = " ".join(c.question.lower() for c in record.conflicts())
    for topic in ["found", "members", "moldova", "nato"]:
        assert topic in questions, topic


def test_opinion_sources_speak_only_through_attributed_claims(record):
    opinion_sources = {s.id for s in record.sources() if s.kind in ("opinion-blog",)}
    cited_by_facts = {r[0] for r in record.db.execute("SELECT DISTINCT source FROM fact_sources")}
    assert opinion_sources and not (opinion_sources & cited_by_facts)
    assert opinion_sources <= {o.source for o in record.opinions()}

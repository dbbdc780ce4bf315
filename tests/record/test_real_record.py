"""The shipped record: integrity (every passage verbatim in its seed, every source cited) and the facts the seeds state."""

from __future__ import annotations

import re

from csto.record import default_data_dir

DATA = default_data_dir()
SEEDS = DATA / "seeds"


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


# --- collective forces and budget shares ------------------------------------------------------------

def test_the_central_asian_deployment_force_has_only_its_four_states(record):
    for day in ("2006-01-01", "2010-06-15", "2021-06-01", "2025-01-01"):
        assert record.formation_members("crdf-central-asia", day) == ["KAZ", "KGZ", "RUS", "TJK"]


def test_belarus_joins_the_rapid_reaction_force_in_october_2009_and_uzbekistan_never(record):
    assert "BLR" not in record.formation_members("crrf", "2009-10-19")
    assert "BLR" in record.formation_members("crrf", "2009-10-20")
    assert "UZB" not in record.formation_members("crrf", "2011-01-01")


def test_armenia_stays_in_the_forces_after_its_freeze(record):
    assert "ARM" in record.formation_members("crrf", "2025-01-01")
    assert "ARM" in record.formation_members("peacekeeping-forces", "2025-01-01")


def test_every_formation_member_names_a_known_formation_and_state(record):
    formations = {f.id for f in record.all("formations")}
    for m in record.all("formation_members"):
        assert m.formation in formations and m.state in record.states, m


def test_no_state_belongs_twice_to_one_formation_at_once(record):
    from csto.record import dates

    periods = {}
    for m in record.all("formation_members", order="from_day"):
        key = (m.formation, m.state)
        if key in periods:
            assert periods[key] is not None and dates.first_day(m.start) > periods[key], m
        periods[key] = dates.last_day(m.end) if m.end else None


def test_every_strength_is_dated_as_reported(record):
    for s in record.all("strengths"):
        assert s.end == s.start or s.end is None, s


def test_peacekeepers_have_a_strength_before_the_2022_deployment(record):
    found = record.strength_on("peacekeeping-forces", "2021-06-01")
    assert found is not None and 3000 <= found.strength.personnel <= 4500


def test_the_rapid_reaction_force_reads_the_official_figure_in_2020_and_2021(record):
    for day in ("2020-06-01", "2021-06-01"):
        assert record.strength_on("crrf", day).strength.personnel == 18000


def test_armenia_is_still_assessed_its_tenth_after_2023(record):
    shares = {b.state: b.share for b in record.budget_shares("2025-01-01")}
    assert shares["ARM"] == 0.1 and shares["RUS"] == 0.5


def test_no_budget_shares_are_recorded_before_their_earliest_source(record):
    assert record.budget_shares("2020-06-01") == []

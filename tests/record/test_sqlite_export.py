"""The typed SQLite export (csto export --to sqlite): declared types, keys, foreign keys, no JSON in cells."""

from __future__ import annotations

import json
import sqlite3

import pytest

from csto.record import Record
from csto.record import export as exporter
from csto.record.load import ID_FIELDS, REFERENCES
from csto.record.model import SECTIONS

TYPEOF = {"TEXT": "text", "INTEGER": "integer", "REAL": "real"}


def exported(record: Record, out) -> sqlite3.Connection:
    exporter.export(record, "sqlite", out)
    con = sqlite3.connect(out / "csto.sqlite")
    con.row_factory = sqlite3.Row
    return con


@pytest.fixture
def small(fixture_record, tmp_path):
    con = exported(fixture_record, tmp_path / "out")
    yield con
    con.close()


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    record = Record.open()
    con = exported(record, tmp_path_factory.mktemp("real") / "out")
    yield con
    con.close()
    record.close()


def tables(con) -> list[str]:
    """Ordinary tables: the full-text index's virtual tables are SQLite's own, not the record's."""
    return [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]


def record_tables(con) -> list[str]:
    return [t for t in tables(con) if "_fts" not in t]


def columns(con, table) -> list[sqlite3.Row]:
    return con.execute(f"PRAGMA table_info([{table}])").fetchall()


def foreign_keys(con, table) -> set[tuple[str, str, str]]:
    return {(r["from"], r["table"], r["to"]) for r in con.execute(f"PRAGMA foreign_key_list([{table}])")}


@pytest.mark.parametrize("which", ["small", "real"])
def test_every_foreign_key_holds(which, request):
    con = request.getfixturevalue(which)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_every_table_has_a_primary_key(real):
    missing = [t for t in tables(real) if not any(c["pk"] for c in columns(real, t))]
    assert missing == []


def test_every_section_is_a_table_keyed_by_its_name_or_its_place(real):
    for section in SECTIONS:
        keys = [c["name"] for c in columns(real, section) if c["pk"]]
        assert keys == [ID_FIELDS.get(section, "id")], section


# where a reference of the loader lands: a nested object's field is a prefixed column, a list is a link table
LANDS = {("crises", "request.by"): ("crises", "request_by"),
         ("crises", "other_requests.by"): ("crises_other_requests", "by"),
         ("crises", "targets"): ("crises_targets", "state"),
         ("missions", "contributors.state"): ("missions_contributors", "state"),
         ("exercises", "participants"): ("exercises_participants", "state"),
         ("benefits", "states"): ("benefits_states", "state"), ("events", "states"): ("events_states", "state")}


def test_every_reference_the_loader_checks_is_a_foreign_key(real):
    for section, refs in REFERENCES.items():
        for path, target in refs:
            table, column = LANDS.get((section, path), (section, path))
            assert (column, target, ID_FIELDS[target]) in foreign_keys(real, table), (section, path)
    # and every source a fact cites, through its link table
    for section, model in SECTIONS.items():
        if "sources" in model.model_fields:
            assert ("source", "sources", "id") in foreign_keys(real, f"{section}_sources"), section
    assert ("membership", "memberships", "id") in foreign_keys(real, "memberships_sources")


@pytest.mark.parametrize("which", ["small", "real"])
def test_every_value_has_its_columns_declared_type(which, request):
    con = request.getfixturevalue(which)
    for table in record_tables(con):
        for column in columns(con, table):
            declared = TYPEOF[column["type"]]
            found = {r[0] for r in con.execute(f"SELECT DISTINCT typeof([{column['name']}]) FROM [{table}]")}
            allowed = {declared} if column["notnull"] else {declared, "null"}
            assert found <= allowed, (table, column["name"], found)


def test_no_cell_holds_json(real):
    for table in record_tables(real):
        for column in columns(real, table):
            if column["type"] != "TEXT":
                continue
            for (value,) in real.execute(f"SELECT [{column['name']}] FROM [{table}] WHERE [{column['name']}] "
                                         "LIKE '[%' OR [{0}] LIKE '{{%'".format(column["name"])):
                with pytest.raises(ValueError):
                    json.loads(value)


def test_a_required_field_is_not_null_and_an_open_end_may_be(small):
    cols = {c["name"]: c for c in columns(small, "memberships")}
    assert cols["state"]["notnull"] and cols["valid_from"]["notnull"] and cols["participation"]["notnull"]
    assert not cols["valid_to"]["notnull"] and not cols["to_day"]["notnull"]
    assert {c: cols[c]["type"] for c in ("id", "from_attested", "yaml_line")} == dict.fromkeys(
        ("id", "from_attested", "yaml_line"), "INTEGER")
    assert small.execute("SELECT count(*) FROM memberships WHERE from_attested NOT IN (0, 1)").fetchone()[0] == 0


def test_memberships_join_states_and_sources(small):
    rows = small.execute(
        "SELECT s.name, m.status, m.participation, m.from_day, m.to_day, src.title, ms.passage "
        "FROM memberships m JOIN states s ON s.code = m.state "
        "JOIN memberships_sources ms ON ms.membership = m.id JOIN sources src ON src.id = ms.source "
        "WHERE m.state = 'ARM' AND m.org = 'CSTO' ORDER BY m.from_day").fetchall()
    assert [tuple(r) for r in rows] == [
        ("Armenia", "member", "full", "1994-04-20", "2024-02-21", "A scholarly paper", None),
        ("Armenia", "member", "frozen", "2024-02-22", None, "A scholarly paper", "froze")]


def test_a_foreign_key_refuses_a_state_the_record_does_not_hold(small):
    small.execute("PRAGMA foreign_keys = ON")
    row = small.execute("SELECT * FROM memberships LIMIT 1").fetchone()
    values = dict(row) | {"id": 999, "state": "XXX"}
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        small.execute(f"INSERT INTO memberships ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                      list(values.values()))


def test_lists_are_link_tables_in_their_order(real):
    record = Record.open()
    crisis = real.execute("SELECT crisis FROM crises_request_asked_for GROUP BY crisis "
                          "HAVING count(*) > 1 LIMIT 1").fetchone()[0]
    wanted = [r[0] for r in real.execute("SELECT asked_for FROM crises_request_asked_for WHERE crisis = ? "
                                         "ORDER BY position", (crisis,))]
    [item] = [c for c in record.crises() if c.id == crisis]
    assert item.request is not None and wanted == list(item.request.asked_for)
    for exercise in record.exercises():
        held = [r[0] for r in real.execute("SELECT state FROM exercises_participants WHERE exercise = ? "
                                           "ORDER BY position", (exercise.id,))]
        assert held == exercise.participants, exercise.id
    record.close()


def test_provenance_is_relative_and_the_record_hash_is_kept(small, fixture_record):
    assert {r[0] for r in small.execute("SELECT DISTINCT yaml_file FROM memberships")} == {"base.yaml"}
    meta = dict(small.execute("SELECT key, value FROM meta").fetchall())
    cached = fixture_record.db.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()[0]
    assert meta["content_hash"] == cached and meta["layout"] == exporter.SQLITE_LAYOUT


def test_fact_sources_view_lists_every_citation(small):
    cited = sum(small.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
                for t in record_tables(small) if t.endswith("_sources"))
    assert small.execute("SELECT count(*) FROM fact_sources").fetchone()[0] == cited > 0
    cited_with_passage = small.execute("SELECT fact, source, passage FROM fact_sources WHERE section = 'memberships' "
                                       "AND passage IS NOT NULL").fetchall()
    assert [tuple(r) for r in cited_with_passage] == [("3", "src-paper", "froze")]


def test_sources_are_searchable(small):
    found = small.execute("SELECT id FROM sources WHERE rowid IN "
                          "(SELECT rowid FROM sources_fts WHERE sources_fts MATCH 'blog')").fetchall()
    assert [r[0] for r in found] == ["src-blog"]


def test_every_table_is_documented(real):
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "sqlite.md").read_text(encoding="utf-8")
    undocumented = [t for t in record_tables(real) if f"`{t}`" not in doc and not t.endswith("_sources")]
    assert undocumented == []
    assert "`<section>_sources`" in doc and "`fact_sources`" in doc and "`sources_fts`" in doc


def test_the_documented_examples_run(real):
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "sqlite.md").read_text(encoding="utf-8")
    block = doc.split("```sql\n", 1)[1].split("```", 1)[0]
    first, second, third = [q for q in block.split(";") if q.strip()]
    members = {r[0] for r in real.execute(first)}
    assert {"RUS", "ARM", "KAZ", "KGZ", "TJK", "BLR"} <= members and "UZB" in members
    assert {(r[0], r[1]) for r in real.execute(second)} >= {("member", "full"), ("member", "frozen")}
    hosted = {(r[0], r[1]): r[2] for r in real.execute(third)}
    assert hosted[("KGZ", "cancelled")] == 1 and hosted[("KGZ", "moved")] == 1 and hosted[("KGZ", "held")] > 1


def test_an_exercise_status_is_a_column_the_record_fills(real):
    from typing import get_args

    from csto.record.model import ExerciseStatus

    cols = {c["name"]: c for c in columns(real, "exercises")}
    assert cols["status"]["type"] == "TEXT" and cols["status"]["notnull"]
    found = dict(real.execute("SELECT id, status FROM exercises").fetchall())
    assert set(found.values()) == set(get_args(ExerciseStatus))
    assert found["indestructible-brotherhood-2022"] == "cancelled" and found["indestructible-brotherhood-2023"] == "moved"


def test_a_formation_headquarters_and_base_are_columns_with_their_sources_linked(real):
    row = real.execute("SELECT headquarters_name, base_name FROM formations WHERE id = 'crdf-central-asia'").fetchone()
    assert tuple(row) == ("Bishkek", "Kant air base")
    assert ("source", "sources", "id") in foreign_keys(real, "formations_headquarters_sources")
    assert ("formation", "formations", "id") in foreign_keys(real, "formations_base_sources")
    cited = real.execute("SELECT field, source FROM fact_sources WHERE section = 'formations' "
                         "AND fact = 'crdf-central-asia' AND field != 'sources' ORDER BY field, position").fetchall()
    assert [tuple(r) for r in cited] == [("base.sources", "pub-itartass-2005-08-30"),
                                         ("headquarters.sources", "pub-jamestown-2001-05"),
                                         ("headquarters.sources", "pub-itartass-2005-08-30")]

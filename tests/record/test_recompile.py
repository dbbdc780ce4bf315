"""Recompiling after an edit reads again only the edited file, and builds the same record as a full load."""

from __future__ import annotations

import sqlite3

import pytest

from csto.record import Record
from csto.record.load import load
from csto.record.store import compile_record, content_hash, write

KAZ = "states:\n  - {{code: KAZ, name: {name}, sources: [src-paper]}}\n"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CSTO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def pieces(cache):
    return set((cache / "files").glob("*.pickle"))


def tables(path):
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: con.execute(f'SELECT rowid, * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
    finally:
        con.close()


def test_an_edit_is_seen_and_only_the_edited_file_is_read_again(fixture_dir, cache):
    extra = fixture_dir / "zz.yaml"
    extra.write_text(KAZ.format(name="Kazakhstan"), encoding="utf-8")
    assert Record.open(fixture_dir).state("KAZ").name == "Kazakhstan"
    before = pieces(cache)
    assert len(before) == 2
    extra.write_text(KAZ.format(name="Qazaqstan"), encoding="utf-8")
    assert Record.open(fixture_dir).state("KAZ").name == "Qazaqstan"
    after = pieces(cache)
    assert before < after and len(after - before) == 1


def test_the_record_built_from_kept_files_equals_a_full_load(fixture_dir, cache, tmp_path):
    extra = fixture_dir / "zz.yaml"
    extra.write_text(KAZ.format(name="Kazakhstan"), encoding="utf-8")
    compile_record(fixture_dir)
    extra.write_text(KAZ.format(name="Qazaqstan"), encoding="utf-8")
    reused = compile_record(fixture_dir)  # base.yaml from the kept file, zz.yaml read again
    full = write(load(fixture_dir), tmp_path / "full.sqlite", content_hash(fixture_dir), fixture_dir)
    assert tables(reused) == tables(full)


def test_a_damaged_kept_file_is_read_again(fixture_dir, cache):
    extra = fixture_dir / "zz.yaml"
    extra.write_text(KAZ.format(name="Kazakhstan"), encoding="utf-8")
    expected = [r.as_dict() for r in Record.open(fixture_dir).members("2010-01-01", "all")]
    for piece in pieces(cache):
        blob = piece.read_bytes()
        piece.write_bytes(blob[:-8] + b"\xff" * 8)
    extra.write_text(KAZ.format(name="Qazaqstan"), encoding="utf-8")
    record = Record.open(fixture_dir)
    assert [r.as_dict() for r in record.members("2010-01-01", "all")] == expected
    assert record.state("KAZ").name == "Qazaqstan"


def test_a_file_with_errors_keeps_nothing(fixture_dir, cache):
    (fixture_dir / "zz.yaml").write_text("states:\n  - {code: KAZ, name: Kazakhstan, sources: [nowhere]}\n",
                                         encoding="utf-8")
    with pytest.raises(ValueError):
        Record.open(fixture_dir)
    assert pieces(cache) == set()

"""Recompiling after an edit reads again only the edited file, and builds the same record as a full load."""

from __future__ import annotations

import sqlite3

import pytest

from csto.record import Record
from csto.record.build import write
from csto.record.load import load
from csto.record.store import compile_record, content_hash

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


def _reads(monkeypatch):
    """Count the YAML files the loader reads again (instead of reusing what it kept)."""
    import csto.record.build as build

    read: list = []
    original = build.load_file

    def counting(path, *args, **kwargs):
        read.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(build, "load_file", counting)
    return read


def test_a_kept_file_not_sealed_with_this_users_key_is_never_unpickled(fixture_dir, cache, monkeypatch):
    import hashlib
    import pickle

    Record.open(fixture_dir)
    key = cache / "files" / ".key"
    assert key.stat().st_mode & 0o077 == 0  # readable by this user only
    planted = []
    for piece in pieces(cache):  # what an attacker without the key can write: a pickle with the old SHA-256 seal
        body = pickle.dumps({"sections": {}, "rows": {}})
        piece.write_bytes(hashlib.sha256(body).digest() + body)
        planted.append(piece)
    (fixture_dir / "zz.yaml").write_text(KAZ.format(name="Kazakhstan"), encoding="utf-8")  # force a rebuild
    read = _reads(monkeypatch)
    assert Record.open(fixture_dir).state("KAZ").name == "Kazakhstan"
    assert len(read) >= len(planted)  # every planted file was ignored and its YAML read again


def test_a_key_others_can_read_is_not_trusted(fixture_dir, cache, monkeypatch):
    Record.open(fixture_dir)
    (cache / "files" / ".key").chmod(0o644)
    (fixture_dir / "zz.yaml").write_text(KAZ.format(name="Kazakhstan"), encoding="utf-8")
    read = _reads(monkeypatch)
    Record.open(fixture_dir)
    assert len(read) == len(list(fixture_dir.glob("*.yaml")))  # nothing reused

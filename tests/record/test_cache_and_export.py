"""The compiled record's cache (keyed by YAML and folder, sealed, rebuilt when damaged) and the all-or-nothing export."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from typer.testing import CliRunner

from csto.cli import app
from csto.record import Record
from csto.record import export as exporter

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CSTO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_two_checkouts_with_the_same_yaml_do_not_share_a_cache_file(fixture_dir, tmp_path, cache):
    other = shutil.copytree(fixture_dir, tmp_path / "other")
    a, b = Record.open(fixture_dir), Record.open(other)
    assert a.path != b.path
    a.close(), b.close()


def test_provenance_paths_are_relative_to_the_data_folder(fixture_dir, cache):
    rec = Record.open(fixture_dir)
    files = {r[0] for r in rec.db.execute("SELECT DISTINCT yaml_file FROM memberships")}
    rec.close()
    assert files == {"base.yaml"}


def test_a_cache_with_damaged_pages_and_an_intact_meta_row_is_rebuilt(fixture_dir, cache):
    assert run("check", "--data", fixture_dir).exit_code == 0
    [cached] = cache.glob("record-*.sqlite")
    raw = bytearray(cached.read_bytes())
    raw[len(raw) // 2:len(raw) // 2 + 64] = b"\xff" * 64
    cached.write_bytes(bytes(raw))
    result = run("members", "--on", "2020-01-01", "--data", fixture_dir)
    assert result.exit_code == 0 and "Russia" in result.stdout
    assert cached.read_bytes() != bytes(raw)


def test_a_hand_edited_cache_is_not_served_as_the_record(fixture_dir, cache):
    assert run("check", "--data", fixture_dir).exit_code == 0
    [cached] = cache.glob("record-*.sqlite")
    with sqlite3.connect(cached) as con:
        con.execute("UPDATE states SET name = 'Tampered' WHERE code = 'RUS'")
        con.execute("UPDATE states SET json = replace(json, 'Russia', 'Tampered') WHERE code = 'RUS'")
    result = run("members", "--on", "2020-01-01", "--data", fixture_dir)
    assert "Tampered" not in result.stdout and "Russia" in result.stdout


def test_a_missing_seal_rebuilds_the_cache(fixture_dir, cache):
    assert run("check", "--data", fixture_dir).exit_code == 0
    [seal] = cache.glob("record-*.sqlite.sha256")
    seal.unlink()
    assert run("check", "--data", fixture_dir).exit_code == 0
    assert seal.exists()


def test_an_export_over_an_earlier_one_replaces_every_file(fixture_record, tmp_path):
    out = tmp_path / "out"
    exporter.export(fixture_record, "csv", out)
    (out / "states.csv").write_text("old\n")
    exporter.export(fixture_record, "csv", out)
    assert (out / "states.csv").read_text() != "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]  # nothing left beside it


def test_an_export_that_fails_half_way_leaves_the_earlier_export_whole(fixture_record, tmp_path, monkeypatch):
    out = tmp_path / "out"
    exporter.export(fixture_record, "csv", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def half(record, target):
        (target / "states.csv").write_text("new\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(exporter._WRITERS, "csv", half)
    with pytest.raises(ValueError, match="no space left"):
        exporter.export(fixture_record, "csv", out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_the_swap_without_renameat2_still_replaces_the_export(fixture_record, tmp_path, monkeypatch):
    monkeypatch.setattr(exporter, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    exporter.export(fixture_record, "json", out)
    exporter.export(fixture_record, "sqlite", out)
    assert sorted(p.name for p in out.iterdir()) == ["csto.json", "csto.sqlite"]


def test_an_export_refuses_a_directory_holding_other_files(fixture_record, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="notes.txt"):
        exporter.export(fixture_record, "csv", tmp_path / "out")
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"

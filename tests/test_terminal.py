"""The terminal (README, "The commands"): every command rendered at 80 and 120 columns reads whole.

Checked for every command: no line longer than the width; no table header or id split mid-word (every
word of every header and key, and every word of every cell but a long URL, appears whole in the
output); no column silently dropped (every column with a value shows its header); and colour is never
the only carrier of meaning (the timeline marks each status with a shape of its own).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from typer.testing import CliRunner

from csto.cli import LAZY, app, common, layout
from csto.cli.layout import WORD_MAX, Grid, pieces

ROOT = Path(__file__).resolve().parents[1]
KAZ = str(ROOT / "scenarios" / "kazakhstan-2022-01.yaml")
ARM = str(ROOT / "scenarios" / "armenia-2022-09.yaml")
WIDTHS = (80, 120)
runner = CliRunner()

# Every command, with small --runs / --particles for the simulation's ({tmp}: a fresh temporary folder).
COMMANDS = {
    "members": [["members", "--on", "2022-01-10"], ["members", "--on", "2022-01-10", "--status", "all"]],
    "history": [["history", "UZB"], ["history", "ARM"]],
    "timeline": [["timeline"]],
    "organs": [["organs"]],
    "who": [["who", "secretary-general", "--on", "2019-06-01"]],
    "events": [["events", "--from", "2022-01-01", "--to", "2022-12-31"], ["events", "--kind", "crisis"]],
    "conflicts": [["conflicts"]],
    "sources": [["sources"]],
    "overlap": [["overlap", "--on", "2022-06-01"]],
    "export": [["export", "--to", "csv", "{tmp}/out"]],
    "check": [["check"]],
    "tour": [["tour"]],
    "forces": [["forces", "--on", "2022-01-05"], ["forces", "--on", "2009-10-20"]],
    "budget": [["budget", "--on", "2024-06-01"]],
    "crises": [["crises"]],
    "missions": [["missions"]],
    "exercises": [["exercises"]],
    "obligations": [["obligations", KAZ], ["obligations", ARM, "--brief"]],
    "article": [["article", "cst-4"]],
    "articles": [["articles", "--on", "2022-01-10"], ["articles"]],
    "compare": [["compare"]],
    "simulate": [["simulate", KAZ, "--runs", "2000"]],
    "backtest": [["backtest", "--particles", "64", "--reps", "2", "--repeats", "1"]],
    "calibrate": [["calibrate", "--particles", "64", "--reps", "2", "--out", "{tmp}/posterior.json"]],
    "sweep": [["sweep", KAZ, ARM, "--runs", "500", "--grid", "threshold=0.5,1"]],
    "sensitivity": [["sensitivity", KAZ, "--runs", "100", "--base-samples", "16"]],
    "plot": [["plot", "timeline", "--on", "2022-01-10", "--to", "{tmp}/timeline.svg"]],
    "exercise": [["exercise", "new", KAZ, "--db", "{tmp}/games.sqlite"]],
    "serve": [["serve", "--help"]],  # it serves until stopped: its help is what it prints at a terminal
    "site": [["site", "build", "{tmp}/site", "--on", "2022-01-10", "--runs", "200", "--every", "10",
              "--scenario", "kazakhstan-2022-01"]],
}
CASES = [(width, args) for args in (a for runs in COMMANDS.values() for a in runs) for width in WIDTHS]


def command_names() -> set[str]:
    from typer.main import get_group

    return {*get_group(app).commands, *LAZY}


def test_every_command_is_rendered_here():
    assert command_names() <= set(COMMANDS), sorted(command_names() - set(COMMANDS))


@pytest.fixture
def render(monkeypatch, tmp_path):
    """Run a command at a width; return its output lines and the tables it printed."""
    grids: list[Grid] = []
    original = Grid.__rich_console__

    def spy(self, console, options):
        grids.append(self)
        yield from original(self, console, options)

    monkeypatch.setattr(Grid, "__rich_console__", spy)

    def run(width: int, args: list[str]) -> tuple[list[str], list[Grid]]:
        monkeypatch.setattr(common.console, "width", width)
        grids.clear()
        result = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines(), list(grids)

    return run


def unbroken(words: list[str], text: str, width: int) -> list[str]:
    """The words that should appear whole (all but long URLs and words too wide for any layout) but do not."""
    return [w for w in words if pieces(w) == [w] and cell_len(w) <= width - 4 and w not in text]


def check(lines: list[str], grids: list[Grid], width: int) -> list[str]:
    """Every way the output fails the contract, as messages (empty: it reads whole)."""
    problems = [f"{cell_len(line)} > {width}: {line!r}" for line in lines if cell_len(line) > width]
    text = "\n".join(lines)
    for grid in grids:
        for i, header in enumerate(grid.columns):
            values = [row[i] for row in grid.rows]
            if any(v.plain.strip() for v in values) or not grid.rows:  # a column with nothing shows nothing
                problems += [f"header {header.plain!r} split or dropped: {w!r}"
                             for w in unbroken(header.plain.split(), text, width)]
            problems += [f"{header.plain} cell word split: {w!r}"
                         for v in values for w in unbroken(v.plain.split(), text, width)]
    return problems


@pytest.mark.parametrize("width, args", CASES, ids=[f"{w}-{' '.join(a)[:40]}" for w, a in CASES])
def test_every_command_reads_whole_at_80_and_120_columns(width, args, render):
    lines, grids = render(width, args)
    assert lines, "no output"
    assert check(lines, grids, width) == []


def test_a_table_that_fits_keeps_its_box_and_every_column(render):
    lines, grids = render(120, ["members", "--on", "2022-01-10"])
    header = next(line for line in lines if "state" in line and "sources" in line)
    assert header.startswith("┃") and all(c in header for c in ("name", "status", "since", "until"))


def test_a_table_too_wide_for_the_terminal_becomes_one_block_per_row(render):
    lines, _ = render(80, ["crises"])
    first = next(i for i, line in enumerate(lines) if line.startswith("crisis: kgz-2010-osh"))
    assert "date: 2010-06-11" in lines[first] and lines[first + 1].startswith("  ")
    assert any("outcome: assistance?" in line for line in lines[first:first + 4])


# --- the layout itself, on generated tables ---------------------------------------------------------------

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/.:é", min_size=1, max_size=24)
cell_text = st.lists(word, max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(width=st.integers(min_value=30, max_value=140), columns=st.lists(word, min_size=1, max_size=7),
       rows=st.lists(st.lists(cell_text, min_size=7, max_size=7), max_size=6), compact=st.booleans())
def test_any_table_fits_its_width_and_keeps_its_words(width, columns, rows, compact):
    grid = Grid(Text("a title"), [Text(c) for c in columns], [[Text(v) for v in r[:len(columns)]] for r in rows],
                compact)
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(grid)
    lines = out.getvalue().splitlines()
    assert check(lines, [grid], width) == []


def test_a_long_url_breaks_after_a_slash_and_an_id_never_breaks():
    assert pieces("https://example.org/a/very/long/path") == ["https://", "example.org/", "a/", "very/", "long/",
                                                               "path"]
    assert pieces("crisis-azatutyun-bordyuzha-karabakh-truce") == ["crisis-azatutyun-bordyuzha-karabakh-truce"]
    assert pieces("x" * WORD_MAX + "/y") == ["x" * WORD_MAX + "/", "y"]


def test_wrapping_counts_the_spaces_it_keeps():
    text = Text("a  b  c  d")  # double spaces: a line is as wide as it prints
    assert [cell_len(line) for line in layout.wrap(text, 4).plain.split("\n")] == [4, 4]


# --- colour is never the only carrier of meaning ----------------------------------------------------------

def test_the_timeline_marks_each_status_with_its_own_shape(render):
    lines, _ = render(80, ["timeline"])
    legend = " ".join(lines[lines.index(next(line for line in lines if line.startswith("legend:"))):])
    from csto.cli.render import _FROZEN, _MARK

    glyphs = [glyph for glyph, _ in _MARK.values()] + [_FROZEN]
    assert len(set(glyphs)) == len(glyphs)  # one shape per status (and frozen participation)
    for status, (glyph, _) in _MARK.items():
        assert f"{glyph} {status}" in legend
    uzb = next(i for i, line in enumerate(lines) if line.startswith("UZB"))
    assert _MARK["suspended"][0] in lines[uzb] and _MARK["member"][0] in lines[uzb]  # shapes, not colours
    arm = next(line for line in lines if line.startswith("ARM"))
    assert _FROZEN in arm

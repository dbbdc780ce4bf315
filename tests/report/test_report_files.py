"""Pictures written to files: each suffix its format, a bad suffix refused, nothing half-written; and csto plot."""

from __future__ import annotations

import json

import altair as alt
import pytest
from typer.testing import CliRunner

from csto import report
from csto.cli import app
from csto.errors import UsageError

from .conftest import KAZ

runner = CliRunner()
MAGIC = {".svg": b"<svg", ".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}


@pytest.fixture(scope="module")
def chart(inputs):
    return report.PICTURES["overlap"].build(**inputs["overlap"])


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf", ".json", ".SVG"])
def test_save_writes_each_suffix_in_its_format(chart, tmp_path, suffix):
    path = report.save(chart, tmp_path / f"overlap{suffix}")
    data = path.read_bytes()
    assert path.exists() and len(data) > 1000
    if suffix.lower() == ".json":
        assert json.loads(data) == report.to_spec(chart)
    else:
        assert data.startswith(MAGIC[suffix.lower()])
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left beside it


@pytest.mark.parametrize("name", ["overlap.gif", "overlap", "overlap.svg.bak"])
def test_a_bad_suffix_is_refused_and_writes_nothing(chart, tmp_path, name):
    with pytest.raises(UsageError) as caught:
        report.save(chart, tmp_path / name)
    assert ".svg, .png, .pdf, .json" in str(caught.value) and name in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_picture_that_fails_to_render_leaves_the_earlier_file_as_it_was(chart, tmp_path):
    target = report.save(chart, tmp_path / "picture.svg")
    before = target.read_bytes()
    # a spec that is valid Vega-Lite but whose expression Vega cannot parse: it fails while rendering
    broken = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x="c:Q").transform_calculate(c="datum.a +* )")
    with pytest.raises(ValueError):
        report.save(broken, target)
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["picture.svg"]


def test_a_directory_is_not_a_file_name(chart, tmp_path):
    (tmp_path / "x.svg").mkdir()
    with pytest.raises(UsageError, match="is a directory"):
        report.save(chart, tmp_path / "x.svg")


def test_an_unknown_picture_is_a_usage_error(record):
    with pytest.raises(UsageError, match="unknown picture 'pie'"):
        report.picture("pie", record)


# -- csto plot -----------------------------------------------------------------------------------------------

def plot(*args):
    return runner.invoke(app, ["plot", *[str(a) for a in args]])


def test_plot_writes_the_timeline_and_prints_its_path(tmp_path):
    out = tmp_path / "timeline.svg"
    result = plot("timeline", "--on", "2022-01-10", "--to", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out) and out.read_bytes().startswith(b"<svg")
    assert "as of 2022-01-10" in out.read_text()


def test_plot_writes_the_map_spec_for_a_date(tmp_path):
    out = tmp_path / "map.json"
    result = plot("map", "--on", "2013-01-01", "--to", out)
    assert result.exit_code == 0, result.output
    spec = json.loads(out.read_text())
    assert "2013-01-01" in spec["title"]["text"] and '"UZB"' in out.read_text()


def test_plot_simulation_says_its_run_count_and_answers_json(tmp_path):
    out = tmp_path / "kaz.png"
    result = plot("simulation", KAZ, "--runs", "500", "--seed", "3", "--to", out, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["ok"] and answer["command"] == "plot" and answer["result"]["file"] == str(out)
    assert answer["question"]["runs"] == 500 and out.read_bytes().startswith(MAGIC[".png"])


@pytest.mark.parametrize("args, message", [
    (["pie", "--to", "{tmp}/x.svg"], "unknown picture 'pie'"),
    (["simulation", "--to", "{tmp}/x.svg"], "expected one scenario file, got 0"),
    (["simulation", "{tmp}/missing.yaml", "--to", "{tmp}/x.svg"], "missing.yaml"),
    (["timeline", "--to", "{tmp}/x.gif"], "cannot write a picture as '.gif'"),
    (["timeline", "--runs", "10", "--to", "{tmp}/x.svg"], "does not take --runs"),
    (["timeline"], "--to FILE is required"),
    (["whatif", str(KAZ), "--to", "{tmp}/x.svg"], "needs an --overlay"),
    (["map", "--on", "2022-02-30", "--to", "{tmp}/x.svg"], "--on"),
])
def test_plot_refuses_bad_input_with_exit_2_and_writes_nothing(tmp_path, args, message):
    result = plot(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_plot_errors_under_format_json_have_the_one_error_shape(tmp_path):
    result = plot("timeline", "--to", tmp_path / "x.bmp", "--format", "json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "usage" and ".bmp" in error["message"]

"""``csto site build``: the pages as a static folder that opens from file://, every link relative and to a file the
folder holds, the charts and the chart library inside it, written whole or not at all."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from csto.errors import CstoError
from csto.web.sitebuild import MARKER, build_site


class _Links(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.links += [a[k] for k in ("href", "src") if a.get(k) is not None]
        if a.get("id"):
            self.ids.add(a["id"])


SCENARIOS = ["armenia-2022-09", "kazakhstan-2022-01"]


@pytest.fixture(scope="module")
def site(app, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site") / "site"
    build_site(app.state.service, target, on=date(2022, 1, 10), runs=200, every=15,
               backtest={"particles": 64, "reps": 2, "repeats": 1}, scenarios=SCENARIOS)
    return target


def test_every_page_links_only_to_relative_files_that_exist(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 60
    parsed = {p: _Links(p.read_text(encoding="utf-8")) for p in pages}
    for page, found in parsed.items():
        for link in found.links:
            if link.startswith("data:"):
                continue
            assert not re.match(r"^[a-z]+:|^/", link), (page, link)  # relative: no scheme, no leading slash
            assert "?" not in link, (page, link)  # no query string: a file cannot answer one
            path, _, fragment = link.partition("#")
            target = (page.parent / unquote(path)).resolve() if path else page
            assert target.is_file() and site.resolve() in target.parents, (page, link)
            if fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _Links(target.read_text()).ids
                assert fragment in ids, (page, link)


def test_the_site_holds_the_pages_and_says_what_was_precomputed(site, app):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<tr data-state="([A-Z]{3})">', index) == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert "static copy" in index and "200 runs" in index
    snapshots = json.loads(re.search(r"data-snapshots='([^']+)'", index).group(1))
    assert [s["on"] for s in snapshots] == ["2007-01-10", "2022-01-10"]
    assert all((site / s["href"]).is_file() for s in snapshots)
    assert "UZB" in re.findall(r'<tr data-state="([A-Z]{3})">', (site / "home/2007-01-10.html").read_text())
    for name in SCENARIOS:
        assert (site / "obligations" / f"{name}.html").is_file()
        assert "200 runs, seed 0" in (site / "runner" / f"{name}.html").read_text(encoding="utf-8")
    assert (site / "states" / "UZB.html").is_file() and (site / "treaty.html").is_file()
    assert sorted(p.name for p in (site / "runner").glob("*.html")) == [f"{n}.html" for n in SCENARIOS]
    assert list((site / "whatif").glob("kazakhstan-2022-01--*.html"))
    assert (site / MARKER).is_file()


def test_charts_are_inlined_with_the_library_copied(site):
    from csto.web import charts

    bundle = list((site / "assets").glob("vega-*.js"))
    assert len(bundle) == 1 and b"vegaEmbed" in bundle[0].read_bytes()
    index = (site / "index.html").read_text(encoding="utf-8")
    if charts.available():
        assert '<script type="application/json" id="home-map-spec">' in index
        assert f'src="assets/{bundle[0].name}"' in index
        runner = next((site / "runner").glob("*.html")).read_text(encoding="utf-8")
        assert f'src="../assets/{bundle[0].name}"' in runner and "run-simulation-spec" in runner
    assert 'href="static/csto.css"' in index and (site / "static" / "csto.js").is_file()


def test_a_folder_that_is_not_a_site_is_never_replaced(app, tmp_path):
    keep = tmp_path / "notes"
    keep.mkdir()
    (keep / "mine.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CstoError, match="not a folder written by `csto site build`"):
        build_site(app.state.service, keep, on=date(2022, 1, 10), runs=100, every=40)
    assert [p.name for p in keep.iterdir()] == ["mine.txt"]


def test_bad_input_is_refused_before_anything_is_written(app, tmp_path):
    target = tmp_path / "out"
    for options in ({"runs": 999_999_999}, {"every": 0}, {"scenarios": ["no-such-scenario"]}):
        with pytest.raises(CstoError):
            build_site(app.state.service, target, on=date(2022, 1, 10), **options)
    done = subprocess.run([sys.executable, "-m", "csto", "site", "build", str(target), "--on", "2022-02-30"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "error:" in done.stderr and "--on" in done.stderr and "Traceback" not in done.stderr
    assert not target.exists()

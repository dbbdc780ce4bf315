"""Every page answers 200 and shows what it should, from the same answers the API returns; a bad input is shown
on the page with a 4xx, never a crash; every page's inputs are in its address."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

PAGES = ["/", "/?on=2022-01-10", "/state/UZB", "/organs", "/organs?on=2010-01-01", "/sources", "/conflicts",
         "/treaty", "/treaty?on=2000-01-01", "/obligations", "/obligations?scenario=armenia-2022-09",
         "/runner?runs=500", "/whatif?runs=500", "/backtest?particles=128&reps=4&repeats=1", "/runner/new", "/docs"]


class _Page(HTMLParser):
    """The links, scripts, forms, ids and visible text of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.forms: list[dict] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src", "action"):
            if a.get(key) is not None:
                self.links.append(a[key])
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "form":
            self.forms.append(a)

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_and_needs_nothing_from_elsewhere(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    page = _Page(r.text)
    outside = [link for link in page.links if re.match(r"^(https?:)?//", link)]
    assert outside == [], outside
    for form in page.forms:  # every page's inputs go in its address
        assert form.get("method", "get").lower() == "get", form


def test_home_on_a_date_lists_the_members_of_that_date(client, record):
    from datetime import date

    from csto import answers

    r = client.get("/?on=2022-01-10")
    members = [row["state"] for row in answers.members(record, on=date(2022, 1, 10))["result"]]
    assert "KAZ" in members
    listed = re.findall(r'<tr data-state="([A-Z]{3})">', r.text)
    assert listed == members
    assert 'value="2022-01-10"' in r.text
    earlier = re.findall(r'<tr data-state="([A-Z]{3})">', client.get("/?on=2007-01-10").text)
    assert "UZB" in earlier and "UZB" not in listed  # the slider's date changes the members


def test_a_states_page_shows_its_whole_history_with_sources(client):
    r = client.get("/state/UZB")
    text = r.text
    assert "Uzbekistan" in text
    assert "suspended" in text and "2012-12-19" in text  # the suspension, from its period and its act
    assert 'class="act-suspension"' in text
    assert "pub-tass-2012-12-19" in text and 'href="/sources#src-pub-tass-2012-12-19"' in text
    for org in ("CSTO", "CIS", "UN"):
        assert f"<td>{org}</td>" in text


def test_the_sources_page_narrows_to_a_kind_and_a_text(client, record):
    page = client.get("/sources", params={"kind": "scholarly", "search": "cst"}).text
    wanted = {s.id for s in record.sources("scholarly", "cst")}
    shown = set(re.findall(r'<tr id="src-([^"]+)"', page))
    assert wanted and shown == wanted
    assert '<option value="scholarly" selected>' in page and 'value="cst"' in page
    assert client.get("/sources", params={"kind": "blog"}).status_code == 404  # unknown kind: the error page


def test_sources_and_conflicts_link_each_claim_to_its_source(client, record):
    from csto import answers

    sources = client.get("/sources").text
    for s in answers.sources(record)["result"]:
        assert f'id="src-{s["id"]}"' in sources
    conflicts = client.get("/conflicts").text
    for c in answers.conflicts(record)["result"]["conflicts"]:
        assert f'id="conflict-{c["id"]}"' in conflicts
        for claim in c["claims"]:
            assert f'href="/sources#src-{claim["source"]}"' in conflicts
    assert "The record prefers:" in conflicts


def test_the_treaty_page_has_an_anchor_per_article_version(client, record):
    from csto import answers

    page = _Page(client.get("/treaty").text)
    for a in answers.articles(record)["result"]:
        assert f"{a['id']}-{a['version']}" in page.ids


def test_the_obligations_trace_links_each_article_to_the_treaty_page(client):
    treaty_ids = _Page(client.get("/treaty").text).ids
    for url in ("/obligations?scenario=armenia-2022-09&overlay=stand-aside",
                "/obligations?scenario=serbia-observer-2022&overlay=serbia-member"):
        anchors = re.findall(r'href="/treaty#([^"]+)"', client.get(url).text)
        assert anchors and set(anchors) <= treaty_ids, url
    r = client.get("/obligations?scenario=kazakhstan-2022-01")
    assert r.status_code == 200
    anchors = re.findall(r'href="/treaty#([^"]+)"', r.text)
    assert "cst-4-2010" in anchors
    assert set(anchors) <= treaty_ids
    trace = r.text[r.text.index("<h2>Trace</h2>"):]
    assert 'href="/treaty#cst-4-2010"' in trace
    assert "assistance-including-military" in r.text and "KAZ" in r.text


def test_edited_text_is_explained_and_a_bad_one_shows_its_error_on_the_page(client):
    text = (ROOT / "scenarios" / "kazakhstan-2022-01.yaml").read_text(encoding="utf-8")
    good = client.get("/obligations", params={"text": text.replace("targets: [KAZ]", "targets: [KGZ]")})
    assert good.status_code == 200 and "against KGZ" in good.text
    bad = client.get("/runner", params={"text": text.replace("kind: terrorism", "kind: invasion-by-aliens")})
    assert bad.status_code == 400
    assert "scenario.yaml" in bad.text and "unknown kind" in bad.text and 'role="alert"' in bad.text
    assert "invasion-by-aliens" in bad.text  # the text box keeps what was typed
    posted = client.post("/runner", data={"text": text, "runs": "300"})
    assert posted.status_code == 200 and "300 runs" in posted.text


def test_the_runner_shows_the_answer_and_caps_runs(client, record):
    r = client.get("/runner?scenario=armenia-2022-09&runs=400&seed=5")
    assert r.status_code == 200
    assert "400 runs, seed 5" in r.text and 'data-outcome="troops"' in r.text
    over = client.get("/runner?scenario=armenia-2022-09&runs=999999")
    assert over.status_code == 400 and "200,000" in over.text
    assert client.get("/runner?scenario=armenia-2022-09&runs=lots").status_code == 422


def test_whatif_runs_two_sides(client):
    r = client.get("/whatif?scenario=armenia-2022-09&runs=300&b_overlay=stand-aside")
    assert r.status_code == 200
    assert "overlay <code>stand-aside</code>" in r.text and "B minus A" in r.text
    bad = client.get("/whatif?scenario=armenia-2022-09&runs=300&b_overlay=nope")
    assert bad.status_code == 404 and "unknown overlay" in bad.text and "<h2>A: as recorded</h2>" in bad.text


def test_bad_inputs_show_on_the_page_with_a_4xx(client):
    assert client.get("/?on=2022-13-45").status_code == 400
    assert client.get("/state/XXX").status_code == 404
    assert client.get("/organs?on=nope").status_code == 400
    assert client.get("/obligations?scenario=nope").status_code == 404
    r = client.get("/backtest?particles=999999")
    assert r.status_code == 400 and "particles" in r.text


def test_the_scenario_form_follows_the_schema_and_writes_a_scenario_that_runs(client):
    import json

    schema = json.loads((ROOT / "scenarios" / "schema.json").read_text(encoding="utf-8"))
    form = _Page(client.get("/runner/new").text)
    for name in ("date", "kind", "targets", "perpetrator.type", "request.by", "location.place"):
        assert f"f-{name}" in form.ids
    for kind in schema["properties"]["kind"]["enum"]:
        assert f"<option>{kind}</option>" in client.get("/runner/new").text
    filled = client.get("/runner/new", params={"date": "2022-09-13", "kind": "armed-aggression", "targets": "ARM",
                                               "perpetrator.type": "state", "perpetrator.state": "AZE",
                                               "request.by": "ARM", "request.date": "2022-09-13"})
    assert filled.status_code == 200
    run = [link for link in _Page(filled.text).links if link.startswith("/runner?")][0]
    text = parse_qs(urlsplit(run).query)["text"][0]
    assert "targets:\n- ARM" in text or "targets: [ARM]" in text
    ran = client.get(run.replace("&amp;", "&"))
    assert ran.status_code == 200 and "runs, seed 0" in ran.text


def test_the_chart_library_is_served_here_with_a_long_cache(client):
    from csto.web.routers.assets import bundle_name

    home = client.get("/?on=2022-01-10").text
    r = client.get(f"/assets/{bundle_name()}")
    assert r.status_code == 200 and "max-age=31536000" in r.headers["cache-control"]
    assert b"vegaEmbed" in r.content
    assert client.get("/assets/other.js").status_code == 404
    if "vega-visualization" in home or 'class="vega"' in home:
        assert f"/assets/{bundle_name()}" in home
    assert client.get("/static/csto.css").status_code == 200

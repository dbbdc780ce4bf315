"""The scenario pages used as a teacher would: run a scenario and see its charts, mistype one and read the error,
compare two runs side by side, follow the obligations' trace to the treaty's text. Small run counts throughout."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

KAZAKHSTAN = "kazakhstan-2022-01"


def submit(visit, button: str, status: int = 200):
    """Click the form's button and wait for the page it opens (checking its status)."""
    page = visit.page
    with page.expect_navigation(wait_until="networkidle") as nav:
        page.get_by_role("button", name=button).click()
    visit.answered(nav.value, status)
    return page


def test_running_a_scenario_shows_its_charts_and_its_numbers(visit):
    page = visit.go("/runner?scenario=armenia-2022-09&runs=200")
    page.locator("#scenario").select_option(KAZAKHSTAN)
    page.locator("#runs").fill("400")
    page.locator("#seed").fill("7")
    submit(visit, "Run")
    query = parse_qs(urlsplit(page.url).query)
    assert query["scenario"] == [KAZAKHSTAN] and query["runs"] == ["400"] and "text" not in query  # a link to hand out
    assert visit.drawn() >= 1
    assert page.locator("div.vega svg, div.vega canvas").count() >= 1
    summary = page.locator("p.run-summary").inner_text()
    assert KAZAKHSTAN in summary and "400 runs, seed 7" in summary
    answer = page.request.get(f"{visit.base}/api/simulate?scenario={KAZAKHSTAN}&runs=400&seed=7").json()
    shown = page.locator("table.outcomes tbody tr").evaluate_all("rows => rows.map((r) => r.dataset.outcome)")
    assert shown == list(answer["result"]["outcomes"]) and shown
    visit.shot("runner-ran")
    visit.readme_shot("runner", height=1300)
    visit.clean()


def test_a_bad_scenario_shows_its_error_with_file_and_line(visit):
    page = visit.go(f"/runner?scenario={KAZAKHSTAN}&runs=200")  # the text box holds the shipped file: edit it
    page.locator("details summary", has_text="Edit the scenario").click()
    original = page.locator("#text").input_value()
    edited = original.replace("armed_attack: true", "armed_attack: perhaps")
    assert edited != original
    line = edited.splitlines().index("armed_attack: perhaps") + 1
    page.locator("#text").fill(edited)
    assert page.locator("#scenario").input_value() == ""  # editing the text unselects the shipped scenario
    submit(visit, "Run", status=400)
    error = page.locator("section.error[role=alert]")
    assert error.is_visible()
    where = dict(zip(error.locator("dl.where dt").all_inner_texts(), error.locator("dl.where dd").all_inner_texts()))
    assert where["file"] == "scenario.yaml" and where["line"] == str(line) and where["field"] == "armed_attack"
    assert "perhaps" in where["value"] and "armed_attack" in error.locator("p.message").inner_text()
    assert page.locator("#text").input_value() == edited  # what was typed is kept to correct it
    assert page.locator("div.vega").count() == 0 and "Traceback" not in page.content()
    visit.shot("runner-bad-scenario")
    visit.clean()


def test_the_whatif_page_shows_two_runs_side_by_side(visit):
    page = visit.go(f"/whatif?scenario={KAZAKHSTAN}&runs=200")
    page.locator("#runs").fill("300")
    page.locator("#a_overlay").select_option("")
    page.locator("#b_overlay").select_option("qualified-majority")
    submit(visit, "Compare")
    a, b = page.locator("section.side-A"), page.locator("section.side-B")
    assert "as recorded" in a.locator("h2").inner_text() and "qualified-majority" in b.locator("h2").inner_text()
    assert "300 runs" in a.locator("p.run-summary").inner_text() and "300 runs" in b.locator("p.run-summary").inner_text()
    assert "qualified-majority" in b.locator("p.run-summary").inner_text()
    left, right = a.bounding_box(), b.bounding_box()
    assert left["x"] + left["width"] <= right["x"] + 1 and abs(left["y"] - right["y"]) < 5  # beside, not below
    assert page.locator("table.difference tbody tr").count() >= 2
    assert visit.drawn() >= 1
    visit.shot("whatif-compared")
    visit.clean()


def test_the_trace_links_land_on_the_articles_text(visit):
    page = visit.go(f"/obligations?scenario={KAZAKHSTAN}")
    links = page.locator("ol.trace a")
    hrefs = links.evaluate_all("links => links.map((a) => a.getAttribute('href'))")
    assert hrefs and all(re.fullmatch(r"/treaty#[\w-]+", h) for h in hrefs), hrefs
    anchor = hrefs[0].split("#", 1)[1]
    with page.expect_navigation(wait_until="networkidle") as nav:
        links.first.click()
    visit.answered(nav.value)
    assert page.url.endswith(hrefs[0])
    target = page.locator(":target")
    assert target.count() == 1 and target.get_attribute("id") == anchor
    top = target.bounding_box()["y"]
    assert 0 <= top < page.viewport_size["height"] / 2  # scrolled to the article, not left at the top of the page
    assert page.evaluate("window.scrollY") > 0
    ids = set(page.locator("[id]").evaluate_all("els => els.map((e) => e.id)"))
    assert {h.split("#", 1)[1] for h in hrefs} <= ids  # every article the trace cites is on the page
    visit.shot("treaty-from-trace", full_page=False)
    visit.clean()

"""The static site of `csto site build`, opened from file:// as in a classroom without a server: every page draws
its charts and loads nothing from outside its folder; the slider opens the dates the folder holds."""

from __future__ import annotations

import pytest

#: pages of the site (paths inside its folder) -> the least number of charts each draws
PAGES = {
    "index.html": 3,
    "home/2007-01-10.html": 3,
    "organs.html": 1,
    "states/UZB.html": 0,
    "treaty.html": 0,
    "obligations/kazakhstan-2022-01.html": 0,
    "runner/kazakhstan-2022-01.html": 1,
    "backtest.html": 1,
}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_of_the_static_site_draws_from_its_own_folder(site_visit, path):
    page = site_visit.go(f"/{path}")
    assert site_visit.drawn() >= PAGES[path]
    assert "static copy" in page.locator("p.static-note").inner_text()
    site_visit.shot("site-" + path.removesuffix(".html").replace("/", "-"))
    site_visit.clean()


def test_the_static_whatif_pages_show_two_runs(site, site_visit):
    pages = sorted((site / "whatif").glob("kazakhstan-2022-01--*.html"))
    assert pages
    page = site_visit.go(f"/whatif/{pages[0].name}")
    assert page.locator("section.side-A p.run-summary").count() == 1
    assert page.locator("section.side-B p.run-summary").count() == 1
    assert site_visit.drawn() >= 1
    site_visit.clean()


def test_the_static_slider_opens_the_dates_the_folder_holds(site_visit):
    page = site_visit.go("/index.html")
    members = page.locator("table.members tbody tr").evaluate_all("rows => rows.map((r) => r.dataset.state)")
    assert "KAZ" in members and "UZB" not in members
    with page.expect_navigation(wait_until="networkidle"):
        page.locator("#on-range").fill("0")  # the first stop: 2007-01-10
    assert page.url.endswith("/home/2007-01-10.html")
    site_visit.drawn()
    assert "UZB" in page.locator("table.members tbody tr").evaluate_all("rows => rows.map((r) => r.dataset.state)")
    with page.expect_navigation(wait_until="networkidle"):
        page.locator("header.site nav a", has_text="Scenario runner").click()  # relative links from a subfolder
    assert page.url.endswith("/runner/kazakhstan-2022-01.html") and site_visit.drawn() >= 1
    site_visit.clean()

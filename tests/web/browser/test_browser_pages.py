"""Every page of the server, opened in Chromium: it renders, draws its charts, logs no error and asks nothing of
any other host; a full-page screenshot of each is saved to build/screenshots/ for review."""

from __future__ import annotations

import pytest

#: the date asked about where any day would do (the same as the harness's static site)
ON = "2022-01-10"

#: name (of the screenshot) -> address, the least number of charts it draws, the status it answers with.
PAGES = {
    "home": (f"/?on={ON}", 3, 200),
    "home-today": ("/", 3, 200),
    "state": ("/state/UZB", 0, 200),
    "organs": (f"/organs?on={ON}", 1, 200),
    "sources": ("/sources", 0, 200),
    "conflicts": ("/conflicts", 0, 200),
    "treaty": ("/treaty", 0, 200),
    "obligations": ("/obligations?scenario=kazakhstan-2022-01", 0, 200),
    "runner": ("/runner?scenario=kazakhstan-2022-01&runs=500", 1, 200),
    "runner-new": ("/runner/new", 0, 200),
    "whatif": ("/whatif?scenario=kazakhstan-2022-01&runs=500&b_overlay=stand-aside", 1, 200),
    "backtest": ("/backtest?particles=128&reps=4&repeats=1", 1, 200),
    "api-reference": ("/docs", 0, 200),
    "exercise-new": ("/exercise", 0, 200),  # the classroom exercise's pages in play: tests/web/browser/test_exercise_browser.py
    "exercise-join-form": ("/exercise/join", 0, 200),
    "unknown-state": ("/state/ZZZ", 0, 404),
    "unknown-address": ("/state/UZB/nothing", 0, 404),
}

#: The README's pictures taken here (with CSTO_WEB_DOCS=1): page -> (the element they start above, their height).
README = {"home": (None, 1000), "obligations": ("section.event", 1100)}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_in_the_browser_with_nothing_from_elsewhere(visit, name):
    path, charts, status = PAGES[name]
    page = visit.go(path, status)
    assert visit.drawn() >= charts
    assert "Traceback" not in page.content()
    if status == 200:
        assert page.locator("h1").count() == 1 and page.locator("h1").inner_text().strip()
    else:  # the error, in the page's words, with the error object the API gives
        assert page.locator("section.error[role=alert]").is_visible()
        assert page.locator("section.error dd code").first.inner_text() == "unknown"
    visit.shot(name)
    if name in README:
        visit.readme_shot(name, *README[name])
    visit.clean()


#: The navigation bar's pages that compute a simulation or a backtest at their defaults (10,000 runs; 2,048 x 16):
#: reached above with small settings, not clicked here.
HEAVY = {"Scenario runner", "What-if", "Backtest"}


def test_the_navigation_bar_reaches_every_page_without_leaving_the_server(visit):
    page = visit.go(f"/?on={ON}")
    labels = page.locator("header.site nav a").all_inner_texts()
    assert len(labels) >= 8 and HEAVY <= set(labels)
    for label in [label for label in labels if label not in HEAVY]:
        with page.expect_navigation(wait_until="networkidle") as nav:
            page.locator("header.site nav a", has_text=label).first.click()
        visit.answered(nav.value)
        assert page.locator("header.site nav a[aria-current=page]").inner_text() == label
    visit.clean()

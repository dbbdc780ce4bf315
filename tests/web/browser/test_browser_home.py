"""The home page's date slider, moved as a person moves it: the members listed and the map drawn follow the date.

The map is read as drawn: Vega writes each country's tooltip fields into its shape's ``aria-label``
(``status: member; name: Uzbekistan; state: UZB; ...``), so the test reads what a screen reader would.
"""

from __future__ import annotations

from datetime import date


def members_listed(page) -> list[str]:
    return page.locator("table.members tbody tr").evaluate_all("rows => rows.map((r) => r.dataset.state)")


def on_the_map(page, state: str) -> tuple[str | None, str | None]:
    """The status the drawn map gives ``state`` (from its shape's label) and the shape's fill; None if unshaded."""
    shape = page.locator(f'#home-map path[aria-roledescription="geoshape"][aria-label*="state: {state};"]')
    if shape.count() == 0:
        return None, None
    label = shape.first.get_attribute("aria-label") or ""
    status = dict(part.split(": ", 1) for part in label.split("; ")).get("status")
    return status, shape.first.get_attribute("fill")


def slide_to(visit, day: str) -> None:
    """Move the slider to ``day`` and let go: the form submits and the page of that day opens."""
    page = visit.page
    first = date.fromisoformat(page.locator("form.date-slider").get_attribute("data-first"))
    with page.expect_navigation(wait_until="networkidle") as nav:
        page.locator("#on-range").fill(str((date.fromisoformat(day) - first).days))  # input, then change
    visit.answered(nav.value)
    visit.drawn()


def api_members(visit, day: str) -> list[str]:
    """The members the API gives for ``day`` (asked from the same browser context, so through the guard too)."""
    answer = visit.page.request.get(f"{visit.base}/api/members?on={day}").json()
    return [r["state"] for r in answer["result"]]


def test_the_slider_changes_the_members_and_the_map(visit):
    page = visit.go("/?on=2008-01-01")
    visit.drawn()
    assert "UZB" in members_listed(page) and on_the_map(page, "UZB")[0] == "member"
    member_fill = on_the_map(page, "UZB")[1]

    slide_to(visit, "2013-01-01")
    assert page.url.endswith("/?on=2013-01-01") and page.locator("#on").input_value() == "2013-01-01"
    assert "2013-01-01" in page.locator("h1").inner_text()
    listed = members_listed(page)
    assert "UZB" not in listed and "KAZ" in listed and listed == api_members(visit, "2013-01-01")
    status, fill = on_the_map(page, "UZB")
    assert status == "suspended" and fill != member_fill  # Uzbekistan is drawn in another colour
    assert on_the_map(page, "KAZ") == ("member", member_fill)
    visit.shot("home-slid-2013-01-01")

    slide_to(visit, "2022-01-10")
    listed = members_listed(page)
    assert "KAZ" in listed and "UZB" not in listed and listed == api_members(visit, "2022-01-10")
    assert on_the_map(page, "KAZ")[0] == "member"
    visit.clean()


def test_dragging_the_slider_to_its_left_end_opens_the_first_day(visit):
    page = visit.go("/?on=2008-01-01")
    first = page.locator("form.date-slider").get_attribute("data-first")
    box = page.locator("#on-range").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    with page.expect_navigation(wait_until="networkidle") as nav:
        page.mouse.down()
        page.mouse.move(box["x"] - 20, y, steps=5)  # past the end: the thumb stops at the first day
        page.mouse.up()
    visit.answered(nav.value)
    assert page.url.endswith(f"/?on={first}") and first in page.locator("h1").inner_text()
    assert members_listed(page) == api_members(visit, first)
    visit.clean()


def test_typing_a_date_opens_that_day(visit):
    page = visit.go("/?on=2008-01-01")
    with page.expect_navigation(wait_until="networkidle") as nav:
        page.locator("#on").fill("2022-01-10")  # a date field: change submits the form
    visit.answered(nav.value)
    visit.drawn()
    assert page.url.endswith("/?on=2022-01-10") and "KAZ" in members_listed(page)
    assert page.locator("#on-range").input_value() == str((date(2022, 1, 10) - date.fromisoformat(
        page.locator("form.date-slider").get_attribute("data-first"))).days)  # the slider shows the day too
    visit.clean()

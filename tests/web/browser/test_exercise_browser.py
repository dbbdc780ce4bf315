"""The crisis exercise played in Chromium: a facilitator and three delegations (and the observers), each in its own
browser context at once, through the pages only. A statement posted in one context appears in another without a
reload (server-sent events), the reveal shows everyone's positions on every page, the debrief draws its chart, and no
context asks anything of another host. `csto serve --games FILE` runs for real on a free port.

A second class plays Armenia, September 2022: offered less than it asked for, Armenia's delegation refuses on its
page, the others see the answer live, and the debrief sets it beside the model and the real refusal.

Screenshots go to build/screenshots/exercise-*.png; with CSTO_EXERCISE_DOCS=1 also to docs/img/exercise/ (the
teacher's walkthrough in docs/exercise.md shows them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "build" / "screenshots"
DOCS = ROOT / "docs" / "img" / "exercise"
VIEWPORT = {"width": 1280, "height": 900}
TALLEST = 2400  # pixels of a full-page screenshot at most
WAIT = 15_000  # ms: how long a live update may take to show (the server polls every 0.5 s)


@pytest.fixture(scope="module")
def server(own_server) -> str:
    """`csto serve --games FILE` with a games database of this module's own (conftest.own_server)."""
    return own_server


class Seat:
    """One browser context on the server (one person at the class), with what its guard and listeners saw."""

    def __init__(self, browser: Any, base: str, name: str):
        self.base, self.name = base, name
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []

        def guard(route: Any) -> None:
            url = route.request.url
            if url == base or url.startswith((base + "/", "data:", "blob:", "about:")):
                route.continue_()
            else:
                self.outside.append(url)
                route.abort()

        self.context.route("**/*", guard)
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page: {e}"))

    def go(self, path: str, status: int = 200) -> Any:
        # not "networkidle": a game's page keeps its event stream open
        response = self.page.goto(self.base + path, wait_until="load")
        assert response.status == status, f"{response.url}: {response.status}"
        return self.page

    def submit(self, button: str, status: int = 200) -> Any:
        """Click a form's button and wait for the page it leads to (the form posts, the server redirects back)."""
        with self.page.expect_navigation(wait_until="load") as nav:
            self.page.locator(button).click()
        assert nav.value.status == status, f"{nav.value.url}: {nav.value.status}"
        self.page.wait_for_selector("#live-status", state="attached")
        return self.page

    def mark(self) -> None:
        """Mark the page loaded now: a reload would lose the mark."""
        self.page.evaluate("window.cstoKept = true")

    def kept(self) -> bool:
        return self.page.evaluate("window.cstoKept === true")

    def live(self) -> None:
        self.page.wait_for_function("document.getElementById('live-status').textContent.startsWith('Live')",
                                    timeout=WAIT)

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate("document.documentElement.scrollHeight")
        path = SHOTS / f"exercise-{name}.png"
        # caret "initial": hiding the caret styles every input, and a live page would take the styled part for a
        # changed one and swap it for the server's, emptying a form being filled in
        self.page.screenshot(path=str(path), full_page=True, caret="initial",
                             clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": min(height, TALLEST)})
        if os.environ.get("CSTO_EXERCISE_DOCS"):
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS / f"{name}.png")

    def clean(self) -> None:
        assert self.outside == [], f"{self.name}: requests outside the server: {self.outside}"
        assert self.errors == [], f"{self.name}: console or page errors: {self.errors}"


@pytest.fixture
def seats(browser, server) -> Iterator[dict[str, Seat]]:
    made = {name: Seat(browser, server, name) for name in ("facilitator", "RUS", "ARM", "KAZ", "observer")}
    yield made
    for seat in made.values():
        seat.context.close()


def test_a_class_plays_kazakhstan_2022_in_the_browser(seats):
    fac, rus, arm, kaz, obs = (seats[n] for n in ("facilitator", "RUS", "ARM", "KAZ", "observer"))

    # the teacher creates the game and reads the join codes off the console
    fac.go("/exercise")
    fac.page.select_option("#scenario", "kazakhstan-2022-01")
    fac.page.fill("#seed", "1")
    fac.shot("create")
    fac.submit("#new-game button[type=submit]")
    assert fac.page.url.endswith("/facilitator")
    codes = {row.get_attribute("data-role"): row.locator("td").nth(2).inner_text().strip()
             for row in fac.page.locator("#codes tr[data-role]").all()}
    assert set(codes) >= {"RUS", "ARM", "KAZ", "BLR", "KGZ", "TJK", "observer"}

    # each delegation joins with its code, in its own browser
    for seat, name in ((rus, "Ivan"), (arm, "Anahit"), (kaz, "Aigerim"), (obs, "the back row")):
        seat.go("/exercise/join")
        seat.page.fill("#code", codes[seat.name].lower())
        seat.page.fill("#name", name)
        if seat is rus:
            seat.shot("join")
        seat.submit("#join-form button[type=submit]")
        assert seat.page.url.endswith(f"/{seat.name}")
        seat.live()
    assert "Treaty Art. 4" in rus.page.locator("#brief").inner_text()
    assert rus.page.locator("#brief").inner_text() != arm.page.locator("#brief").inner_text()  # each its own brief
    assert kaz.page.locator("#seal-form").count() == 0  # nothing to seal before the Council meets

    # a public statement from Kazakhstan reaches Russia, Armenia and the observers without a reload; a private
    # message reaches only Russia
    for seat in (rus, arm, obs, fac):
        seat.mark()
    kaz.page.fill("#say-text", "Kazakhstan asks for help under Article 4 against terrorist groups.")
    kaz.submit("#say-form button[type=submit]")
    kaz.page.fill("#say-text", "Moscow, we need paratroopers by tomorrow.")
    kaz.page.select_option("#say-to", "RUS")
    kaz.submit("#say-form button[type=submit]")
    for seat in (rus, arm, obs):
        seat.page.locator("#messages li.public", has_text="under Article 4").wait_for(timeout=WAIT)
    rus.page.locator("#messages li.private", has_text="paratroopers").wait_for(timeout=WAIT)
    assert arm.page.locator("#messages li.private").count() == 0 and obs.page.locator("#messages .private").count() == 0
    fac.page.locator("#messages li.private", has_text="paratroopers").wait_for(timeout=WAIT)  # the umpire sees all
    assert all(seat.kept() for seat in (rus, arm, obs, fac))  # none of them reloaded

    # the facilitator opens the Council; the delegations' forms appear live
    for _ in range(3):
        fac.submit("#advance-form button")
    assert fac.page.locator("#current-phase").get_attribute("data-phase") == "council-decision"
    rus.page.locator("#seal-form").wait_for(timeout=WAIT)
    arm.page.locator("#seal-form").wait_for(timeout=WAIT)
    assert rus.kept() and arm.kept()
    fac.shot("console")

    rus.page.check("#seal-form input[name=position][value=troops]")
    rus.page.fill("#p_troops", "80")
    rus.page.fill("#p_mission", "20")
    rus.shot("delegation")
    rus.submit("#seal-form button[type=submit]")
    assert rus.page.locator("#my-position").inner_text() == "troops"
    arm.page.check("#seal-form input[name=position][value=troops]")
    arm.page.fill("#p_troops", "50")
    arm.page.fill("#p_consultations", "50")
    arm.submit("#seal-form button[type=submit]")
    kaz.page.locator("#seal-form").wait_for(timeout=WAIT)
    kaz.page.fill("#p_troops", "100")
    kaz.submit("#seal-form button[type=submit]")
    fac.page.locator("#sealed li", has_text="Armenia").locator(".yes").wait_for(timeout=WAIT)
    assert "troops" not in arm.page.locator("#decisions").inner_text()  # Russia's position is still sealed

    # the reveal shows every position on every page (Belarus, Kyrgyzstan and Tajikistan never sealed: forced)
    for seat in (rus, arm, kaz, obs):
        seat.mark()
    fac.page.check("#reveal-form input[name=force]")
    fac.submit("#reveal-form button")
    for seat in (rus, arm, kaz, obs):
        row = seat.page.locator("#decisions tr[data-role=RUS]")
        row.wait_for(timeout=WAIT)
        assert "troops" in row.inner_text() and "troops" in seat.page.locator("#decisions tr[data-role=ARM]").inner_text()
        assert seat.kept()
    assert "troops" in obs.page.locator("#decisions .big").first.inner_text()
    obs.shot("observer")

    # force generation: the pledges become the model's deployment
    fac.submit("#advance-form button")
    pledged = {}
    for seat in (rus, arm):  # half of each contingent (the form's maximum)
        seat.page.locator("#pledge-form").wait_for(timeout=WAIT)
        pledged[seat.name] = int(seat.page.locator("#personnel").get_attribute("max")) // 2
        seat.page.fill("#personnel", str(pledged[seat.name]))
        seat.submit("#pledge-form button[type=submit]")
    fac.page.locator("#sealed li", has_text="Russia").locator(".yes").wait_for(timeout=WAIT)
    while fac.page.locator("#advance-form").count():
        fac.submit("#advance-form button")
    assert fac.page.locator("#current-phase").get_attribute("data-phase") == "debrief"
    assert f"{sum(pledged.values()):,} persons" in fac.page.locator("#decisions").inner_text()

    # the debrief: the class among the model's runs, drawn, and the forecasts scored
    rus.page.locator("#debrief-link").wait_for(timeout=WAIT)
    with rus.page.expect_navigation(wait_until="load"):
        rus.page.locator("#debrief-link").click()
    rus.page.wait_for_selector("div.vega[data-spec] svg, div.vega[data-spec] canvas", timeout=30_000)
    assert rus.page.locator("div.vega", has_text="could not be drawn").count() == 0
    brier = rus.page.locator("#brier tr[data-role]")
    assert sorted(r.get_attribute("data-role") for r in brier.all()) == ["ARM", "KAZ", "RUS"]
    assert rus.page.locator("#brier tr[data-role=KAZ] td").nth(2).inner_text() == "0.000"  # it said troops, surely
    assert "troops" in rus.page.locator("#class-decision h2").inner_text()
    rus.shot("debrief")

    for seat in (fac, rus, arm, kaz, obs):
        seat.clean()


def test_armenia_refuses_an_offer_short_of_its_request_in_the_browser(seats):
    """Armenia, September 2022: two voters offer assistance, less than the troops Armenia asked for under Article 4;
    Armenia's delegation refuses on its page, everyone else sees the answer without a reload, and the debrief sets
    it beside the model's refusals and Armenia's real refusal of November 2022."""
    fac, rus, arm, kaz, obs = (seats[n] for n in ("facilitator", "RUS", "ARM", "KAZ", "observer"))
    fac.go("/exercise")
    fac.page.select_option("#scenario", "armenia-2022-09")
    fac.page.fill("#seed", "2")
    fac.submit("#new-game button[type=submit]")
    codes = {row.get_attribute("data-role"): row.locator("td").nth(2).inner_text().strip()
             for row in fac.page.locator("#codes tr[data-role]").all()}
    for seat in (rus, arm, kaz, obs):
        seat.go(f"/exercise/join?code={codes[seat.name]}")
        seat.submit("#join-form button[type=submit]")
        seat.live()
    assert "Your answer to the offer" in arm.page.locator("#target-answer").inner_text()  # what will come, told ahead
    assert rus.page.locator("#target-answer").is_hidden()

    for _ in range(3):
        fac.submit("#advance-form button")
    for seat in (rus, kaz):
        seat.page.locator("#seal-form").wait_for(timeout=WAIT)
        seat.page.check("#seal-form input[name=position][value=assistance]")
        seat.page.fill("#p_assistance", "100")
        seat.submit("#seal-form button[type=submit]")
    fac.page.locator("#sealed li", has_text="Kazakhstan").locator(".yes").wait_for(timeout=WAIT)
    fac.page.check("#reveal-form input[name=force]")
    fac.submit("#reveal-form button")
    for seat in (arm, obs):
        seat.mark()
    fac.submit("#advance-form button")  # no troops: straight to Armenia's answer
    assert fac.page.locator("#current-phase").get_attribute("data-phase") == "target-answer"
    fac.mark()

    arm.page.locator("#answer-form").wait_for(timeout=WAIT)  # the form appears live on Armenia's page only
    assert arm.kept() and arm.page.locator("#offered").inner_text() == "assistance"
    obs.page.locator("#answer-awaited").wait_for(timeout=WAIT)
    assert rus.page.locator("#answer-form").count() == 0 and obs.page.locator("#answer-form").count() == 0
    arm.page.check("#answer-form input[name=answer][value=refuse]")
    arm.page.fill("#answer-reason", "Not sufficiently finalized: no political assessment of the aggression.")
    arm.shot("answer")
    arm.submit("#answer-form button[type=submit]")
    assert arm.page.locator("#answer-given").get_attribute("data-answer") == "refuse"
    for seat in (obs, fac):
        seat.page.locator("#answer-given[data-answer=refuse]").wait_for(timeout=WAIT)
        assert "no political assessment" in seat.page.locator("#target-answer").inner_text()
        assert seat.kept()  # live, not reloaded
    assert "mission" in obs.page.locator("#phase").inner_text()  # a refusal leaves a mission

    while fac.page.locator("#advance-form").count():
        fac.submit("#advance-form button")
    arm.page.locator("#debrief-link").wait_for(timeout=WAIT)
    with arm.page.expect_navigation(wait_until="load"):
        arm.page.locator("#debrief-link").click()
    assert arm.page.locator("#class-answer").inner_text() == "refused"
    box = arm.page.locator("#target-answer").inner_text()
    assert "the target refused" in box and "23 November 2022" in box  # the record's account of the real refusal
    assert "%" in arm.page.locator("#refusals").inner_text()
    for seat in (fac, rus, arm, kaz, obs):
        seat.clean()

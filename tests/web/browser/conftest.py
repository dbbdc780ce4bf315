"""Browser tests: `csto serve` started for real, pages driven in the system's Chromium by Playwright.

Every page is loaded with a route guard that aborts (and counts) any request outside the server, and a
listener that collects console errors and uncaught page errors; a test fails on either. Screenshots go
to build/screenshots/ for review. Where Chromium is missing the tests skip, except under
``CSTO_REQUIRE_BROWSER=1`` (set by .ci/run), where they fail: CI never skips them silently.

The static site (``csto site build``) is opened the same way from ``file://``, its guard letting through
only files inside its own folder.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "build" / "screenshots"
#: The README's pictures of the pages, written by the tests when ``CSTO_WEB_DOCS=1`` (docs/web.md, "Tests").
DOCS = ROOT / "docs" / "img" / "screens"
CHROMIUM = os.environ.get("CSTO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's notes advise: no background connections, which a closed network refuses.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 900}
#: The tallest screenshot taken, in pixels (a page longer than this is shown down to here).
TALLEST = 6000
#: What a page may load besides its own site: inline data (the favicon is ``data:,``) and the chart library's blobs.
HARMLESS = ("data:", "blob:", "about:")
#: The date the tests ask about where any day would do: fixed, so the pictures are the same from day to day.
ON = "2022-01-10"
#: True in the page when every chart the page holds is drawn (an SVG or a canvas in each vega-embed container),
#: or one of them says it could not be drawn (then the test sees the message).
DRAWN = """() => {
  const boxes = [...document.querySelectorAll('div.vega[data-spec]')];
  return boxes.every((b) => b.querySelector('svg, canvas') || /could not be drawn/.test(b.textContent));
}"""


#: What Chromium's console says of a page answered with an error status (``N (Reason)`` follows).
FAILED = "Failed to load resource: the server responded with a status of"


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.nodeid.split("/"):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(log: Path, *args: str) -> tuple[subprocess.Popen, str]:
    """`csto serve` on a free loopback port, its output into ``log`` (a pipe nobody reads would fill up and stop
    the server once its access log passed 64 KB); the process and its address, once it answers."""
    port = _free_port()
    out = log.open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "csto", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
                            stdout=out, stderr=subprocess.STDOUT)
    out.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/api/check", timeout=2):
                return proc, base
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_server(proc)
                pytest.fail(f"csto serve did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serving(tmp_path_factory) -> Iterator[str]:
    """`csto serve` on a free loopback port with a games database of its own, its address; stopped after."""
    folder = tmp_path_factory.mktemp("serve")
    proc, base = start_server(folder / "serve.log", "--games", str(folder / "games.sqlite"))
    yield base
    stop_server(proc)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    """The server for the whole session (the navigation reaches the exercise's pages)."""
    yield from serving(tmp_path_factory)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory) -> Iterator[str]:
    """A server for one test module, whose games meet no other module's."""
    yield from serving(tmp_path_factory)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CSTO_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@dataclass
class Visit:
    """One browser context on a site: its page, and what the guard and the listeners saw."""

    page: Any
    base: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: pages asked for on purpose with an error status (a bad scenario: 400): Chromium's console says so, as expected
    refused: set[str] = field(default_factory=set)

    def go(self, path: str, status: int = 200):
        """Open ``path`` on the site, check the status it answered with, wait until the network is quiet."""
        response = self.page.goto(self.base + path, wait_until="networkidle")
        self.answered(response, status)
        return self.page

    def answered(self, response: Any, status: int = 200) -> None:
        """Check the status of a navigation (``go``, or a form submitted: ``page.expect_navigation``)."""
        if response is not None and status != 200:
            self.refused.add(response.url)
        if response is not None and self.base.startswith("http"):
            assert response.status == status, f"{response.url}: {response.status}"

    def drawn(self) -> int:
        """Wait until every chart on the page is drawn; the number of charts. A chart that failed fails the test."""
        self.page.wait_for_function(DRAWN, timeout=30_000)
        failed = self.page.locator("div.vega", has_text="could not be drawn")
        assert failed.count() == 0, failed.all_inner_texts()
        drawn = self.page.locator("div.vega[data-spec]")
        assert drawn.count() == self.page.locator("div.vega[data-spec]:has(svg, canvas)").count()
        return drawn.count()

    def shot(self, name: str, full_page: bool = True) -> Path:
        """A screenshot to build/screenshots/NAME.png: the whole page down to :data:`TALLEST` pixels (the sources
        page is 40,000 pixels tall; a picture of it all takes Chromium ten seconds and nobody reads it)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        height = self.page.evaluate("document.documentElement.scrollHeight") if full_page else VIEWPORT["height"]
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": min(height, TALLEST)}
        self.page.screenshot(path=str(path), full_page=full_page, clip=clip)
        assert path.stat().st_size > 0
        return path

    def readme_shot(self, name: str, below: str | None = None, height: int = 1000) -> Path | None:
        """With ``CSTO_WEB_DOCS=1``: the README's picture of this page, ``height`` pixels from the top (or from just
        above the element ``below``), 1280 wide, in 256 colours, to docs/img/screens/NAME.png. Else nothing."""
        if not os.environ.get("CSTO_WEB_DOCS"):
            return None
        top = 0.0
        if below is not None:
            top = max(0.0, self.page.evaluate(f"document.querySelector({below!r}).getBoundingClientRect().top "
                                              "+ window.scrollY") - 16)
        raw = self.page.screenshot(full_page=True, clip={"x": 0, "y": top, "width": VIEWPORT["width"],
                                                          "height": height})
        from PIL import Image

        DOCS.mkdir(parents=True, exist_ok=True)
        path = DOCS / f"{name}.png"
        with Image.open(io.BytesIO(raw)) as image:
            image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        return path

    def clean(self) -> None:
        """No request left the site, no console error, no uncaught error."""
        assert self.outside == [], f"requests outside the site: {self.outside}"
        errors = [e for e in self.errors
                  if not (e.startswith(f"console: {FAILED} ") and any(e.endswith(f" ({url})") for url in self.refused))]
        assert errors == [], f"console or page errors: {errors}"

    def console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({(message.location or {}).get('url', '')})")


def open_visit(browser: Any, base: str, allowed: Callable[[str], bool]) -> tuple[Any, Visit]:
    """A new browser context whose requests ``allowed`` does not pass are aborted and counted."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    v = Visit(page, base)

    def guard(route):
        url = route.request.url
        if url.startswith(HARMLESS) or allowed(url):
            route.continue_()
        else:
            v.outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page.on("console", v.console)
    page.on("pageerror", lambda e: v.errors.append(f"page: {e}"))
    return context, v


@pytest.fixture
def visit(browser, server) -> Iterator[Visit]:
    context, v = open_visit(browser, server, lambda url: url == server or url.startswith(server + "/"))
    yield v
    context.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The static site, written once by `csto site build` as a user would, with small settings."""
    target = tmp_path_factory.mktemp("site") / "site"
    done = subprocess.run([sys.executable, "-m", "csto", "site", "build", str(target), "--on", ON, "--runs", "200",
                           "--every", "15", "--scenario", "kazakhstan-2022-01"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (done.stdout, done.stderr)
    return target


@pytest.fixture
def site_visit(browser, site) -> Iterator[Visit]:
    """A browser context on the static site from file://: only files inside its folder may load."""
    base = site.resolve().as_uri()
    context, v = open_visit(browser, base, lambda url: url.startswith(base + "/"))
    yield v
    context.close()

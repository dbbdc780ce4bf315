"""Where a page links to: absolute addresses on the server, relative files in the static site.

Templates never write an address themselves; they ask ``links.page(NAME, **inputs)``. The server's
links carry the inputs in the query string (every page has a permanent address a teacher can hand
out); the static site's are relative paths to the files it wrote, or None where it wrote none (the
template then shows text without a link), so no page links to a file that does not exist.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import quote, urlencode

#: page name -> its address on the server ({state} is filled from the inputs).
PAGES = {
    "home": "/", "state": "/state/{state}", "organs": "/organs", "sources": "/sources", "conflicts": "/conflicts",
    "treaty": "/treaty", "obligations": "/obligations", "runner": "/runner", "new-scenario": "/runner/new",
    "whatif": "/whatif", "backtest": "/backtest", "exercise": "/exercise",
}


class Links(Protocol):
    live: bool  # True on the server: forms can be submitted
    note: str  # said at the top of every page (the static site says when and how it was written)

    def page(self, name: str, fragment: str | None = None, **inputs: Any) -> str | None: ...

    def static(self, file: str) -> str: ...

    def bundle(self) -> str: ...


class ServerLinks:
    """Links on the running server: ``/state/UZB``, ``/runner?scenario=...&runs=...``."""

    live = True
    note = ""

    def __init__(self, bundle_name: str, root: str = ""):
        self.root, self.bundle_name = root.rstrip("/"), bundle_name

    def page(self, name: str, fragment: str | None = None, **inputs: Any) -> str | None:
        path = PAGES[name]
        if "{state}" in path:
            path = path.format(state=quote(str(inputs.pop("state")), safe=""))
        query = urlencode({k: v for k, v in inputs.items() if v is not None and v != ""})
        return self.root + path + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")

    def static(self, file: str) -> str:
        return f"{self.root}/static/{file}"

    def bundle(self) -> str:
        return f"{self.root}/assets/{self.bundle_name}"


class SiteLinks:
    """Links inside the static site, relative to the page being written (``here``, e.g. ``states/UZB.html``).

    ``resolve(name, inputs)`` gives the site file of a page with those inputs, or None if the site has none.
    """

    live = False

    def __init__(self, here: str, resolve: Callable[[str, dict[str, Any]], str | None], bundle_file: str,
                 note: str = ""):
        self.here, self.resolve, self.bundle_file, self.note = here, resolve, bundle_file, note

    def relative(self, target: str) -> str:
        """``target`` (a path from the site's root) as seen from the page being written."""
        return posixpath.relpath(target, posixpath.dirname(self.here) or ".")

    def page(self, name: str, fragment: str | None = None, **inputs: Any) -> str | None:
        target = self.resolve(name, {k: v for k, v in inputs.items() if v is not None and v != ""})
        if target is None:
            return None
        return self.relative(target) + (f"#{fragment}" if fragment else "")

    def static(self, file: str) -> str:
        return self.relative(f"static/{file}")

    def bundle(self) -> str:
        return self.relative(self.bundle_file)

"""The web face: pages, a JSON API and a static site over the library (DESIGN.md: it translates, it decides nothing).

>>> from csto.web import create_app        # doctest: +SKIP
>>> app = create_app()                      # the record opened once, read-only; serve with uvicorn

``csto serve`` runs it on this machine; ``csto site build DIR`` writes its pages as a static folder.
See docs/web.md.
"""

from .app import create_app

__all__ = ["create_app"]

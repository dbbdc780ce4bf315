"""The files pages load: the stylesheet and script shipped in ``csto/web/static`` and the chart library.

The chart library (Vega, Vega-Lite and vega-embed in one script) comes from the vl-convert-python package
this project depends on (:func:`vl_convert.javascript_bundle`, as Altair's ``inline=True`` HTML export
uses it): built once per process, served with a long ``Cache-Control`` under a name that carries the
versions, never fetched from a CDN.
"""

from __future__ import annotations

import functools
from importlib import metadata
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

STATIC = Path(__file__).resolve().parents[1] / "static"

router = APIRouter(tags=["assets"], include_in_schema=False)


@functools.cache
def vega_versions() -> str:
    """The versions in the bundle's name: vl-convert's and the Vega-Lite version Altair writes specs for."""
    return f"{metadata.version('vl-convert-python')}-vl{_vegalite_version()}"


def _vegalite_version() -> str:
    from altair.utils._importers import vl_version_for_vl_convert

    return vl_version_for_vl_convert().lstrip("v")


@functools.cache
def vega_bundle() -> bytes:
    """Vega, Vega-Lite and vega-embed as one script that sets ``window.vegaEmbed`` (about 900 KB, 2 s to build)."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    # None: the default snippet, which sets window.vegaEmbed, window.vega and window.vegaLite (the stub omits the default)
    return vl_convert.javascript_bundle(None, vl_version=vl_version_for_vl_convert()).encode(  # type: ignore[arg-type]
        "utf-8")


def bundle_name() -> str:
    return f"vega-{vega_versions()}.js"


@router.get("/assets/{name}")
def asset(name: str) -> Response:
    """The chart library under its versioned name (anything else: 404 with the error shape)."""
    if name != bundle_name():
        from ..errors import RequestProblem

        raise RequestProblem("unknown", f"no asset {name!r}", "name", name, status=404)
    return Response(vega_bundle(), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})

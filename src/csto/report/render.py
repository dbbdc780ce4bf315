"""One spec, three renderings: SVG, PNG and PDF through vl-convert (no browser), and the spec itself as JSON.

A picture is rendered whole in memory first and then written to a temporary file beside its target,
which takes the target's place in one rename: a failure leaves no file half-written and an earlier
file as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UsageError

#: PNG pixels per Vega-Lite pixel: sharp on a projector and in a README.
PNG_SCALE = 2


def to_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite specification of a picture, as a JSON-ready dict (what a web page hands to vega-embed)."""
    return chart.to_dict()


def _svg(spec: dict) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec).encode("utf-8")


def _png(spec: dict) -> bytes:
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(spec, scale=PNG_SCALE))


def _pdf(spec: dict) -> bytes:
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_pdf(spec))


def _json(spec: dict) -> bytes:
    return (json.dumps(spec, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


#: What each file suffix is rendered with.
RENDERERS: dict[str, Callable[[dict], bytes]] = {".svg": _svg, ".png": _png, ".pdf": _pdf, ".json": _json}
SUFFIXES = tuple(RENDERERS)


def suffix_of(path: str | Path) -> str:
    """The rendering a path asks for; a :class:`UsageError` naming the suffix and the allowed ones otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in RENDERERS:
        shown = repr(suffix) if suffix else "no suffix"
        raise UsageError(f"{path}: cannot write a picture as {shown}: expected one of {', '.join(SUFFIXES)}")
    return suffix


def render(chart: Any, suffix: str) -> bytes:
    """The bytes of a picture in one of :data:`SUFFIXES`."""
    return RENDERERS[suffix_of(f"picture{suffix}")](to_spec(chart))


def save(chart: Any, path: str | Path) -> Path:
    """Write a picture to ``path``, rendered by its suffix (.svg, .png, .pdf, .json), atomically; returns the path."""
    target = Path(path)
    data = render(chart, suffix_of(target))
    if target.is_dir():
        raise UsageError(f"{target}: is a directory; give a file name ending in {', '.join(SUFFIXES)}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)  # a picture is for sharing (mkstemp makes it private)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UsageError(f"{target}: cannot write the picture: {(exc.strerror or type(exc).__name__).lower()}") \
            from None
    return target

"""The map: each state's status in an organization on a date (members, frozen, observers, suspended, former).

Built from a ``members`` answer asked with ``status="all"`` (``csto members --status all --on DATE --format
json``) and each state's ISO 3166-1 numeric code and capital from the record (:func:`places`). The country
shapes ship with the package (``shapes/``: Natural Earth through world-atlas, keyed by the numeric code)
and are written into the spec, so it renders offline anywhere. Each state with a status carries, at its
capital, a point whose shape tells the status and a label with its code: the map reads without colour.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources
from typing import Any

import altair as alt

from . import style

SHAPES = "countries-110m.json"
#: What the map shows: Eurasia from the Balkans to the Bering Strait (where every CSTO state, observer and former
#: member lies), as longitude/latitude points the projection is fitted to; the open Pacific is left out.
EXTENT = ([[lon, 74] for lon in range(18, 181, 18)] + [[lon, 34] for lon in range(18, 121, 17)]
          + [[140, 45], [165, 55], [180, 64]])
PROJECTION = alt.Projection(type="conicEqualArea", rotate=[-97, 0], parallels=[40, 65],
                            fit={"type": "Feature", "properties": {},
                                 "geometry": {"type": "MultiPoint", "coordinates": EXTENT}})
HEIGHT = 520
#: Rough pixels per degree of latitude at this extent and size, to keep the capitals' labels apart.
PX_PER_DEGREE = 6.5
LABEL = {"size": 13, "char": 9.0, "gap": 9}
#: Where a label may sit beside its capital's mark: mark properties (align, baseline, dx, dy), tried in order.
PLACES: dict[str, tuple[Any, Any, float, float]] = {"above": ("center", "bottom", 0, -LABEL["gap"]), "right": ("left", "middle", LABEL["gap"], 0),
          "left": ("right", "middle", -LABEL["gap"], 0), "below": ("center", "top", 0, LABEL["gap"])}


@cache
def topology() -> dict[str, Any]:
    """The shipped TopoJSON topology of the world's countries (ids: ISO 3166-1 numeric, three digits)."""
    text = resources.files("csto.report").joinpath("shapes", SHAPES).read_text(encoding="utf-8")
    return json.loads(text)


def places(record: Any) -> dict[str, dict[str, Any]]:
    """Each state's ISO 3166-1 numeric code (three digits, as the shapes key them) and capital, from the record."""
    return {code: {"iso_numeric": s.iso_numeric.zfill(3) if s.iso_numeric else None,
                   "lat": s.capital_lat, "lon": s.capital_lon}
            for code, s in record.states.items()}


def statuses(members: dict[str, Any], where: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per state in the answer: its status label, numeric code and capital (None where not recorded)."""
    rows = []
    for r in members["result"]:
        place = where.get(r["state"], {})
        key = style.status_key(r["status"], r.get("participation"), r.get("level"))
        iso = place.get("iso_numeric")
        rows.append({"state": r["state"], "name": r["name"], "status": key, "from": r["from"], "to": r["to"] or "open",
                     "iso": str(iso).zfill(3) if iso else None, "lat": place.get("lat"), "lon": place.get("lon"),
                     "ink": style.look(key).ink})
    return rows


def _box(x: float, y: float, width: float, place: str) -> tuple[float, float, float, float]:
    align, baseline, dx, dy = PLACES[place]
    left = x + dx - {"center": width / 2, "left": 0, "right": width}[align]
    top = y + dy - {"bottom": LABEL["size"], "top": 0, "middle": LABEL["size"] / 2}[baseline]
    return left, top, left + width, top + LABEL["size"]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(rows: list[dict[str, Any]]) -> None:
    """Give each located row a ``place`` for its label (above, below, right, left of its mark): the first that
    overlaps no label placed before it and no other mark, on a rough flat projection of the capitals."""
    marks = {r["state"]: (r["lon"] * PX_PER_DEGREE * math.cos(math.radians(r["lat"])), -r["lat"] * PX_PER_DEGREE)
             for r in rows}
    taken: list[tuple[float, ...]] = [(x - 7, y - 7, x + 7, y + 7) for x, y in marks.values()]
    for r in rows:
        x, y = marks[r["state"]]
        width = len(r["state"]) * LABEL["char"]
        own = (x - 7, y - 7, x + 7, y + 7)
        boxes = {p: _box(x, y, width, p) for p in PLACES}
        free = [p for p, b in boxes.items() if not any(_overlap(b, t) for t in taken if t != own)]
        r["place"] = free[0] if free else "above"
        taken.append(boxes[r["place"]])


def build(members: dict[str, Any], where: dict[str, dict[str, Any]]) -> Any:
    """The map of one ``members`` answer (status ``all``) on its date; ``where`` is :func:`places` of the record."""
    rows = statuses(members, where)
    org = members["question"].get("org") or "CSTO"
    on = members["question"].get("on") or "?"
    keys = [r["status"] for r in rows]
    scales = style.status_scales(keys)
    # One layer of shapes; a country without a status stays grey. The topology (100 KB) is the layered chart's
    # own data, given last: Altair deep-copies every layer when it layers, sets properties and configures, and
    # the shapes inside a layer made that cost seconds per map; at the top it is written once, into the spec's
    # "datasets", and this layer draws it by inheritance.
    shaded = alt.Chart().mark_geoshape(clip=True, stroke="white", strokeWidth=0.6).transform_lookup(
        lookup="id", from_=alt.LookupData(alt.Data(values=rows), key="iso",
                                          fields=["state", "name", "status", "from", "to"])
    ).encode(
        color=alt.condition("isValid(datum.status)",
                            alt.Color("status:N", scale=scales["fill"], title="status",
                                      legend=alt.Legend(orient="bottom", direction="horizontal",
                                                        symbolStrokeColor=style.EDGE)),
                            alt.value(style.NO_STATUS)),
        tooltip=[alt.Tooltip(f"{name}:N") for name in ("name", "state", "status", "from", "to")])
    located = [r for r in rows if r["lat"] is not None and r["lon"] is not None]
    place_labels(located)
    at_capitals = alt.Chart(alt.Data(values=located))
    # Channels built once as objects: Altair parses and validates a shorthand string ("lon:Q") on every encode,
    # about 13 ms each, and the labels encode eight times.
    lon, lat = alt.Longitude("lon:Q"), alt.Latitude("lat:Q")
    marks = at_capitals.mark_point(filled=True, size=120, stroke=style.EDGE, strokeWidth=1, opacity=1).encode(
        longitude=lon, latitude=lat,
        shape=alt.Shape("status:N", scale=scales["shape"], title="status"),
        color=alt.Color("status:N", scale=scales["fill"], title="status"))
    labels = []
    for place, (align, baseline, dx, dy) in PLACES.items():
        here = at_capitals.transform_filter(alt.datum.place == place)
        for halo in (True, False):  # a white halo under each code, so it reads on any fill
            mark = here.mark_text(align=align, baseline=baseline, dx=dx, dy=dy, fontSize=LABEL["size"],
                                  fontWeight="bold", color=style.EDGE, stroke="white" if halo else None,
                                  strokeWidth=4 if halo else 0, strokeJoin="round")
            labels.append(mark.encode(longitude=lon, latitude=lat, text=alt.Text("state:N")))
    chart = alt.layer(shaded, marks, *labels).properties(width=style.WIDTH, height=HEIGHT, projection=PROJECTION)
    unmapped = sorted(r["state"] for r in rows if r["iso"] is None)
    notes = [style.source_line(members, "country shapes: Natural Earth 1:110m (world-atlas 2.0.2); "
                                        "borders drawn as de facto lines, not a finding of the record"),
             "status by fill and by the shape of the mark at the capital, labelled with the state's code"
             + (f"; not on the map (no numeric code recorded): {', '.join(unmapped)}" if unmapped else "")]
    finished = style.finish(chart, f"{org} on {on}: members, observers, suspended and former members", notes)
    return finished.properties(data=countries())


def countries() -> dict[str, Any]:
    """The shipped country shapes as the layered chart's data: a plain dict, which Altair moves into the spec's
    ``datasets`` as it is, where ``alt.Data`` would be validated, copied and walked node by node (half a second)."""
    return {"values": topology(), "format": {"type": "topojson", "feature": "countries"}}

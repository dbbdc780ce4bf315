"""Every picture, built from real answers of the shipped record: what it shows, and that it reads without colour."""

from __future__ import annotations

import json
from datetime import date

import pytest
import vl_convert as vlc

from csto import answers, report
from csto.report import map as membership_map
from csto.report import timeline

from .conftest import ON, OPTIONS


def units(spec: dict, data: dict | None = None):
    """Every single-view spec (one mark) in a spec, through layers and concatenations, with the data it draws
    (its own, or the one it inherits from the layer above)."""
    data = spec.get("data", data)
    if "mark" in spec:
        yield {**spec, "data": data or {}}
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            yield from units(sub, data)


def encoded(unit: dict, channel: str) -> str | None:
    """The field a channel of a unit encodes (through a condition too), or None."""
    enc = unit.get("encoding", {}).get(channel)
    if not isinstance(enc, dict):
        return None
    return enc.get("field") or (enc.get("condition") or {}).get("field")


def rows(unit: dict) -> list[dict]:
    return unit.get("data", {}).get("values", [])


def test_every_picture_is_registered_with_what_it_reads_and_says():
    assert set(report.PICTURES) >= {"timeline", "map", "organs", "overlap", "simulation", "whatif", "backtest"}
    for name, p in report.PICTURES.items():
        assert p.name == name and callable(p.build) and callable(p.gather) and p.description.endswith(".")
        assert set(p.needs) <= {"on", "orgs", "scenarios", "overlay", "runs", "seed", "particles", "reps", "repeats"}


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_each_picture_renders_to_svg_with_its_title(name, specs):
    svg = vlc.vegalite_to_svg(specs[name])
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    title = specs[name]["title"]
    assert title["text"] and any("Source: csto record" in line for line in title["subtitle"])
    assert title["text"].split(":")[0] in svg or title["text"][:20].replace("'", "&#39;") in svg


@pytest.mark.parametrize("name", sorted(OPTIONS))
def test_each_spec_is_self_contained(name, specs):
    """No URL to fetch: data, shapes and all are in the spec, so it renders offline anywhere."""
    text = json.dumps({k: v for k, v in specs[name].items() if k != "$schema"})  # the schema is named, not fetched
    assert '"url"' not in text and "http" not in text


# What carries the status (or the figure) besides colour, picture by picture: (channel, field).
NON_COLOUR = {
    "timeline": [("strokeDash", "status"), ("text", "label")],
    "map": [("shape", "status"), ("text", "state")],
    "overlap": [("text", "status")],
    "organs": [("text", "text")],
    "simulation": [("text", "text"), ("strokeDash", "measure")],
    "whatif": [("text", "text"), ("strokeDash", "run")],
    "backtest": [("text", "text")],
}


@pytest.mark.parametrize("name", sorted(NON_COLOUR))
def test_each_picture_carries_its_status_in_a_channel_other_than_colour(name, specs):
    found = {(ch, encoded(u, ch)) for u in units(specs[name]) for ch in ("strokeDash", "shape", "text")}
    for pair in NON_COLOUR[name]:
        assert pair in found, (name, pair, found)


def test_each_status_has_its_own_pattern_and_shape():
    looks = report.style.STATUSES.values()
    assert len({lk.dash for lk in looks}) == len({lk.shape for lk in looks}) == len({lk.code for lk in looks}) \
        == len(report.style.STATUSES)


# -- timeline ------------------------------------------------------------------------------------------------

def test_the_timeline_draws_the_as_of_rule_at_the_date_given(specs):
    rules = [u for u in units(specs["timeline"]) if u["mark"]["type"] == "rule"]
    assert len(rules) == 1 and rows(rules[0])[0]["start"] == ON.isoformat()
    labels = [r["label"] for u in units(specs["timeline"]) if u["mark"]["type"] == "text" for r in rows(u)]
    assert f"as of {ON.isoformat()}" in labels


def test_the_timeline_moves_its_rule_with_the_date(inputs):
    spec = report.to_spec(timeline.build(inputs["timeline"]["timelines"], on="2012-09-01"))
    rule = next(u for u in units(spec) if u["mark"]["type"] == "rule")
    assert rows(rule)[0]["start"] == "2012-09-01" and "as of 2012-09-01" in spec["title"]["text"]


def test_the_timeline_tells_frozen_participation_apart(specs):
    bars = next(u for u in units(specs["timeline"]) if u["mark"]["type"] == "bar")
    statuses = {(r["state"], r["status"]) for r in rows(bars)}
    assert ("ARM", "member (frozen)") in statuses and ("UZB", "member (frozen)") in statuses
    assert ("UZB", "suspended") in statuses
    dash = bars["encoding"]["strokeDash"]["scale"]
    frozen, member = (dash["range"][dash["domain"].index(k)] for k in ("member (frozen)", "member"))
    assert frozen != member


def test_a_label_on_a_bar_names_its_status_or_its_code(specs):
    text = next(u for u in units(specs["timeline"]) if u["mark"]["type"] == "text" and encoded(u, "text") == "label")
    for r in rows(text):
        assert r["label"] in ("", r["status"], report.style.look(r["status"]).code)
    assert any(r["label"] == "member" for r in rows(text))


def test_several_organizations_share_one_timeline(record):
    both = [answers.timeline(record, org="CSTO"), answers.timeline(record, org="EAEU")]
    spec = report.to_spec(timeline.build(both, on=ON))
    bars = next(u for u in units(spec) if u["mark"]["type"] == "bar")
    assert {r["org"] for r in rows(bars)} == {"CSTO", "EAEU"} and "CSTO and EAEU" in spec["title"]["text"]


# -- map -----------------------------------------------------------------------------------------------------

def _map_statuses(spec: dict) -> dict[str, str]:
    shapes = next(u for u in units(spec) if u["mark"]["type"] == "geoshape")
    lookup = next(t for t in shapes["transform"] if "lookup" in t)
    return {r["state"]: r["status"] for r in lookup["from"]["data"]["values"]}


def test_the_map_on_2022_01_10_shows_kazakhstan_a_member(specs):
    statuses = _map_statuses(specs["map"])
    assert statuses["KAZ"] == "member" and statuses["UZB"] == "suspended" and statuses["GEO"] == "former"


def test_the_map_on_2013_01_01_shows_uzbekistan_suspended(record):
    spec = report.to_spec(report.picture("map", record, on=date(2013, 1, 1)))
    assert _map_statuses(spec)["UZB"] == "suspended" and "2013-01-01" in spec["title"]["text"]


def test_the_map_joins_every_state_to_a_shape_by_its_three_digit_code(specs):
    ids = {g.get("id") for g in membership_map.topology()["objects"]["countries"]["geometries"]}
    shapes = next(u for u in units(specs["map"]) if u["mark"]["type"] == "geoshape")
    joined = next(t for t in shapes["transform"] if "lookup" in t)["from"]["data"]["values"]
    assert joined and all(r["iso"] in ids for r in joined), [r for r in joined if r["iso"] not in ids]
    assert {r["state"]: r["iso"] for r in joined}["ARM"] == "051"  # the leading zero kept on both sides


def test_the_map_labels_every_state_it_shades_at_its_capital(specs):
    texts = [u for u in units(specs["map"]) if u["mark"]["type"] == "text"]
    placed = {r["state"]: r["place"] for u in texts for r in rows(u)}
    assert set(_map_statuses(specs["map"])) <= set(placed)
    filters = " ".join(str(t.get("filter")) for u in texts for t in u.get("transform", []))
    assert all(f"'{place}'" in filters for place in set(placed.values()))  # a text layer draws each place used


def test_the_map_spec_stays_small(specs):
    assert len(json.dumps(specs["map"])) < 300_000


# -- organs, overlap -----------------------------------------------------------------------------------------

def test_the_organ_chart_holds_every_organ_of_the_answer(inputs, specs):
    organs = inputs["organs"]["organs"]["result"]
    texts = [r for u in units(specs["organs"]) if u["mark"]["type"] == "text" for r in rows(u)]
    drawn = {r["id"] for r in texts if r["kind"] == "name"}
    assert drawn == {o["id"] for o in organs} and len(organs) >= 10
    for o in organs:
        if o["decision_rule"]:
            assert any(r["id"] == o["id"] and o["decision_rule"] in r["text"] for r in texts if r["kind"] == "facts")


def test_the_organ_chart_puts_each_organ_below_and_right_of_its_parent(inputs):
    from csto.report import organs

    order = organs.tree(inputs["organs"]["organs"]["result"])
    seen: dict[str, int] = {}
    for o, depth in order:
        if o["parent"] in seen:
            assert depth == seen[o["parent"]] + 1
        seen[o["id"]] = depth
    assert [o["id"] for o, _ in order][0] == "csc"


def test_the_organ_chart_names_the_office_holders_on_the_date(specs):
    texts = [r["text"] for u in units(specs["organs"]) if u["mark"]["type"] == "text" for r in rows(u)]
    assert any("Secretary General: Stanislav Zas (BLR)" in t for t in texts)


def test_the_overlap_grid_names_each_status_in_its_cell(specs, inputs):
    cells = next(u for u in units(specs["overlap"]) if u["mark"]["type"] == "text")
    drawn = {(r["state"].split("(")[-1].rstrip(")"), r["org"]): r["status"] for r in rows(cells)}
    assert drawn[("KAZ", "CSTO")] == "member" and drawn[("USA", "NATO")] == "member"
    assert ("ARM", "UN") not in drawn  # only the organizations asked for
    assert next(u for u in units(specs["overlap"]) if u["mark"]["type"] == "rect")


# -- simulation, whatif, backtest ----------------------------------------------------------------------------

def test_the_timing_quantiles_are_monotone_and_agree_with_the_named_quantiles(kaz):
    r = kaz["result"]
    for key, grid in r["timing_quantiles"].items():
        assert grid is not None and len(grid) == 99, key
        ps, days = [p for p, _ in grid], [d for _, d in grid]
        assert ps == sorted(ps) and days == sorted(days) and ps[0] == 0.01 and ps[-1] == 0.99
        named = dict(grid)
        assert (named[0.05], named[0.5], named[0.95]) == (r[key]["p05"], r[key]["p50"], r[key]["p95"])
    assert r["timing_quantiles"]["days_to_decision"][-1][1] > r["timing_quantiles"]["days_to_decision"][0][1]


def test_no_quantile_grid_is_given_from_fewer_than_min_n_runs(record):
    r = answers.simulate(record, scenario=OPTIONS["simulation"]["scenarios"][0], runs=50, seed=1)["result"]
    assert r["min_n"] > 50 and all(v is None for v in r["timing_quantiles"].values())
    spec = report.to_spec(report.PICTURES["simulation"].build(answers.simulate(
        record, scenario=OPTIONS["simulation"]["scenarios"][0], runs=50, seed=1)))
    assert any("not drawn" in line for line in spec["title"]["subtitle"])


def test_the_ecdf_drawn_is_the_answers_quantile_grid(specs, inputs):
    r = inputs["simulation"]["simulate"]["result"]
    line = next(u for u in units(specs["simulation"]) if u["mark"]["type"] == "line")
    for key in ("days_to_decision", "days_to_first_troops"):
        drawn = [[p["p"], p["days"]] for p in rows(line) if p["timing"] == key]
        assert drawn == r["timing_quantiles"][key]
        assert [d for _, d in drawn] == sorted(d for _, d in drawn)


def test_the_simulation_shows_each_outcome_with_its_error_and_the_run_count(specs, inputs):
    r = inputs["simulation"]["simulate"]["result"]
    assert f"{r['runs']:,} runs" in specs["simulation"]["title"]["text"]
    bars = [u for u in units(specs["simulation"]) if u["mark"]["type"] == "rule"
            and any("outcome" in row for row in rows(u))]
    drawn = {row["outcome"]: row for row in rows(bars[0])}
    assert set(drawn) == set(r["outcomes"])
    for name, p in r["outcomes"].items():
        assert drawn[name]["lo"] <= p <= drawn[name]["hi"]
        assert drawn[name]["text"].startswith(f"{p:.3f}")


def test_the_whatif_names_each_run_on_its_bars(specs, inputs):
    text = next(u for u in units(specs["whatif"]) if u["mark"]["type"] == "text")
    first, second = inputs["whatif"]["first"]["result"], inputs["whatif"]["second"]["result"]
    assert first["overlay"] is None and second["overlay"] == "qualified-majority"
    for row in rows(text):
        run = first if row["run"].startswith("A:") else second
        assert row["text"].startswith(row["run"][0]) and f"{run['outcomes'][row['outcome']]:.3f}" in row["text"]


def test_the_backtest_marks_what_happened_in_each_case(specs, inputs):
    cases = inputs["backtest"]["backtest"]["result"]["cases"]
    text = next(u for u in units(specs["backtest"]) if u["mark"]["type"] == "text" and any("case" in r for r in rows(u)))
    marked = {r["case"]: r["outcome"] for r in rows(text) if r["text"].startswith("◆")}
    assert marked == {f"{c['date']} {c['crisis']}": c["outcome"] for c in cases}


def test_the_reliability_diagram_has_its_diagonal_and_every_nonempty_bin(specs, inputs):
    bins = [b for b in inputs["backtest"]["backtest"]["result"]["reliability"] if b["n"]]
    us = list(units(specs["backtest"]))
    diagonal = [u for u in us if u["mark"]["type"] == "rule" and rows(u) == [{"a": 0, "b": 0, "a2": 1, "b2": 1}]]
    points = next(u for u in us if u["mark"]["type"] == "point")
    assert diagonal and [(p["mean_forecast"], p["observed"], p["n"]) for p in rows(points)] == \
        [(b["mean_forecast"], b["observed"], b["n"]) for b in bins]

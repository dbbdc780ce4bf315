"""Compiling a scenario: what the alliance may do on the date, and the forces it can draw on."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from csto.cli import app
from csto.record import default_data_dir
from csto.sim import compile, run
from csto.sim.compile import latest_strength
from csto.sim.model import OUTCOMES

DATA = default_data_dir()
SCENARIOS = DATA.parent / "scenarios"
KAZAKHSTAN = SCENARIOS / "kazakhstan-2022-01.yaml"
ARMENIA = SCENARIOS / "armenia-2022-09.yaml"


def moved(tmp_path, day: str, kind: str | None = None):
    """The Kazakhstan scenario with its event and request moved to ``day`` (and its kind changed)."""
    text = KAZAKHSTAN.read_text().replace("2022-01-05", day)
    if kind:
        text = text.replace("kind: terrorism", f"kind: {kind}")
    path = tmp_path / f"kazakhstan-{day}.yaml"
    path.write_text(text)
    return path


def test_before_the_csto_existed_the_alliance_cannot_act(tmp_path, record, params):
    model = compile(moved(tmp_path, "1990-01-05"), record, params)
    assert model.states == () and model.ceiling == model.floor == 0
    assert any("no member states on 1990-01-05" in n for n in model.notes)
    summary = run(model, 2000, 0)
    assert summary["outcomes"]["nothing"] == 1.0 and summary["days_to_decision"]["n"] == 0


def test_while_the_treaty_is_not_in_force_no_request_floor_applies(tmp_path, record, params):
    model = compile(moved(tmp_path, "1993-01-05"), record, params)
    assert "treaty-not-in-force" in model.factors["situation"]["flags"]
    assert model.states and model.ceiling == model.floor == 0
    assert model.factors["treaty_basis"]["caps"]["treaty-not-in-force"]["ceiling"] == "nothing"
    assert any(n.startswith("treaty-not-in-force:") and "cannot act" in n for n in model.notes)
    assert run(model, 2000, 0)["outcomes"]["nothing"] == 1.0


def test_a_non_member_target_gets_at_most_a_mission(record, params):
    model = compile(SCENARIOS / "serbia-observer-2022.yaml", record, params)
    assert model.target == -1 and model.ceiling <= OUTCOMES.index("mission")


def test_a_strength_is_carried_forward_from_the_latest_figure(record):
    assert latest_strength(record, "peacekeeping-forces", "2025-09-13").personnel == 4000
    assert latest_strength(record, "peacekeeping-forces", "2023-01-01").personnel == 3600
    assert latest_strength(record, "crrf", "2025-09-13").personnel == 28000
    assert latest_strength(record, "crrf", "2008-12-31") is None  # no figure yet


def test_troops_can_be_sent_after_the_last_reported_strength(tmp_path, record, params):
    model = compile(moved(tmp_path, "2025-09-13", "armed-aggression"), record, params)
    assert model.formation == "crrf" and model.ceiling == OUTCOMES.index("troops")
    assert model.contingent.sum() > 0
    assert any("strength 28,000 as reported for 2021-01-11" in n and "carried forward" in n for n in model.notes)
    assert not any("no troops can be sent" in n for n in model.notes)


def test_the_kazakhstan_strength_comes_from_the_record(record, params):
    model = compile(KAZAKHSTAN, record, params)
    assert model.formation == "peacekeeping-forces"
    assert not any("process.yaml" in n or "carried forward" in n for n in model.notes)
    assert model.contingent.sum() == pytest.approx(3600 * 0.9, abs=5)  # all but Kazakhstan's 10%
    assert model.deploy_fraction == 0.6 and model.deploy_concentration == params.process.deploy_concentration.value
    assert (model.contingent == model.contingent.round()).all()  # whole persons


def test_on_moves_the_whole_crisis_to_that_date(record, params):
    model = compile(ARMENIA, record, params, on="2025-01-01")
    assert model.date == "2025-01-01"
    assert any("ARM: participation frozen" in n for n in model.notes)


def _simulate(*args):
    result = CliRunner().invoke(app, ["simulate", *map(str, args), "--runs", "4000", "--seed", "1", "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_simulate_with_the_stand_aside_overlay_lowers_blocking():
    plain = _simulate(ARMENIA)
    aside = _simulate(ARMENIA, "--overlay", DATA / "treaty" / "overlays" / "stand-aside.yaml")
    assert aside["overlay"] == "stand-aside" and plain["overlay"] is None
    assert aside["model"]["situation"]["rule"] == "consensus-stand-aside"
    assert aside["blocking"]["RUS"] < plain["blocking"]["RUS"] - 0.2


def test_simulate_on_a_date_with_armenia_withdrawn():
    out = _simulate(ARMENIA, "--on", "2025-01-01", "--overlay", DATA / "treaty" / "overlays" / "armenia-withdrawn.yaml")
    assert out["date"] == "2025-01-01" and out["overlay"] == "armenia-withdrawn"
    assert "ARM" not in out["model"]["states"] and out["model"]["target"] is None
    assert out["outcomes"]["troops"] == 0


@pytest.mark.parametrize("args, message", [
    (["--on", "2025-13-01"], "--on"),
    (["--overlay", "no/such/overlay.yaml"], "overlay.yaml"),
])
def test_simulate_bad_on_or_overlay_exits_2(args, message):
    result = CliRunner().invoke(app, ["simulate", str(ARMENIA), *args, "--runs", "10"])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output

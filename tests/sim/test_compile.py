"""Compiling a scenario: what the alliance may do on the date, and the forces it can draw on."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from csto.cli import app
from csto.record import default_data_dir
from csto.sim import compile, run
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
    assert "treaty-not-in-force" in model.info["situation"]["flags"]
    assert model.states and model.ceiling == model.floor == 0
    assert model.info["treaty_basis"]["caps"]["treaty-not-in-force"]["ceiling"] == "nothing"
    assert any(n.startswith("treaty-not-in-force:") and "cannot act" in n for n in model.notes)
    assert run(model, 2000, 0)["outcomes"]["nothing"] == 1.0


def test_a_non_member_target_gets_at_most_a_mission(record, params):
    model = compile(SCENARIOS / "serbia-observer-2022.yaml", record, params)
    assert model.target == -1 and model.ceiling <= OUTCOMES.index("mission")


def test_a_stale_strength_is_flagged(record, params):
    model = compile(KAZAKHSTAN, record, params)
    forces = model.info["forces"]
    assert forces["carried_years"] > params.process.max_carry_years.value and forces["stale"] is True
    assert any("STALE" in n for n in model.notes)


def test_a_2021_crisis_can_send_peacekeepers(tmp_path, record, params):
    model = compile(moved(tmp_path, "2021-06-01"), record, params)
    assert model.formation == "peacekeeping-forces" and model.contingent.sum() > 0


def test_the_central_asian_force_draws_only_on_its_members(record, params):
    model = compile(SCENARIOS / "tajikistan-2021-07.yaml", record, params)
    assert model.formation == "crdf-central-asia"
    parts = dict(zip(model.states, model.contingent))
    assert parts["ARM"] == 0 and parts["BLR"] == 0 and parts["RUS"] > 0 and parts["KAZ"] > 0


def test_russia_is_not_a_small_member_before_the_recorded_budget_shares(record, params):
    model = compile(SCENARIOS / "kyrgyzstan-2010-06.yaml", record, params)
    shares = dict(zip(model.states, model.budget_share))
    assert shares["RUS"] == pytest.approx(0.5 / (1 - 1 / 6), rel=0.2) and shares["RUS"] > 3 * shares["KAZ"]
    assert shares["KGZ"] == 0  # the target never pays for help sent to itself
    assert any("assumed_budget_shares" in n for n in model.notes)


def test_the_target_pays_nothing_and_shares_sum_to_one(record, params):
    model = compile(KAZAKHSTAN, record, params)
    shares = dict(zip(model.states, model.budget_share))
    assert shares["KAZ"] == 0 and sum(shares.values()) == pytest.approx(1.0)


def test_on_moves_the_whole_crisis_to_that_date(record, params):
    model = compile(ARMENIA, record, params, on="2025-01-01")
    assert model.date == "2025-01-01"
    assert any("ARM: participation frozen" in n for n in model.notes)


def _simulate(*args):
    result = CliRunner().invoke(app, ["simulate", *map(str, args), "--runs", "4000", "--seed", "1", "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["result"]


def test_simulate_with_the_stand_aside_overlay_lowers_blocking():
    plain = _simulate(ARMENIA)
    aside = _simulate(ARMENIA, "--overlay", DATA / "treaty" / "overlays" / "stand-aside.yaml")
    assert aside["overlay"] == "stand-aside" and plain["overlay"] is None
    assert aside["model"]["rule"]["id"] == "consensus-stand-aside"
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


def test_qualified_majority_changes_the_decision_and_names_its_rule():
    plain = _simulate(ARMENIA)
    majority = _simulate(ARMENIA, "--overlay", DATA / "treaty" / "overlays" / "qualified-majority.yaml")
    assert majority["model"]["rule"]["id"] == "qualified-majority" and majority["model"]["rule"]["threshold"] == pytest.approx(2 / 3)
    assert plain["model"]["rule"]["id"] == "consensus"
    assert majority["outcomes"]["troops"] > plain["outcomes"]["troops"] + 0.05
    assert majority["most_often_blocks"] is None and sum(majority["blocking"].values()) == 0
    assert sum(majority["outvoted"].values()) > 0


def test_a_bystander_freeze_does_not_weaken_the_others():
    frozen = _simulate(KAZAKHSTAN, "--on", "2025-01-01")
    withdrawn = _simulate(KAZAKHSTAN, "--on", "2025-01-01", "--overlay",
                          DATA / "treaty" / "overlays" / "armenia-withdrawn.yaml")
    assert frozen["model"]["absent"] == {"ARM": "frozen"} and "ARM" not in frozen["model"]["states"]
    assert frozen["outcomes"] == withdrawn["outcomes"] and frozen["peak_personnel"] == withdrawn["peak_personnel"]
    assert "participation-frozen" not in frozen["model"]["treaty_basis"]["penalties"]
    assert frozen["outcomes"]["troops"] > 0.9


def test_no_phantom_troops_where_troops_are_rare():
    out = _simulate(SCENARIOS / "kyrgyzstan-tajikistan-2022-09.yaml")
    assert out["outcomes"]["troops"] < 0.01
    for key in ("days_to_first_troops", "days_to_withdrawal", "peak_personnel"):
        assert out[key]["n"] < 100 and out[key]["p50"] is None and out[key]["mean"] is None
    assert all(v["mean_when_deployed"] is None for v in out["personnel_by_state"].values())
    assert all(out["outcomes_mcse"][k] >= 0 for k in out["outcomes"])


def test_a_destination_off_the_globe_is_refused(tmp_path, record, params):
    path = tmp_path / "far.yaml"
    path.write_text(KAZAKHSTAN.read_text().replace("destination: [43.25, 76.92]", "destination: [999, 76.92]"))
    from csto.record import RecordError
    with pytest.raises(RecordError, match=r"simulation.destination.*latitude"):
        compile(path, record, params)
    result = CliRunner().invoke(app, ["simulate", str(path), "--runs", "10"])
    assert result.exit_code == 2 and "far.yaml" in result.output and "Traceback" not in result.output


def test_an_unknown_formation_names_the_file_and_line(tmp_path, record, params):
    path = tmp_path / "formation.yaml"
    path.write_text(KAZAKHSTAN.read_text().replace("  crisis: kaz-2022-january", "  crisis: kaz-2022-january\n  formation: nope"))
    from csto.record import RecordError
    with pytest.raises(RecordError) as err:
        compile(path, record, params)
    assert err.value.line is not None and "formation.yaml" in str(err.value) and "simulation.formation" in str(err.value)


def test_a_rule_the_simulation_cannot_apply_is_refused(tmp_path):
    overlay = tmp_path / "odd-rule.yaml"
    text = (DATA / "treaty" / "overlays" / "qualified-majority.yaml").read_text()
    overlay.write_text(text.replace("id: qualified-majority\n          threshold: 2/3", "id: lottery")
                       .replace("  id: qualified-majority", "  id: odd-rule"))
    result = CliRunner().invoke(app, ["simulate", str(ARMENIA), "--overlay", str(overlay), "--runs", "10"])
    assert result.exit_code == 2 and "lottery" in result.output and "Traceback" not in result.output


def test_a_bilateral_request_is_not_a_request_to_the_csto(tmp_path, record, params):
    path = tmp_path / "bilateral.yaml"
    path.write_text(ARMENIA.read_text().replace("  to: csc", "  to: RUS"))
    model = compile(path, record, params)
    assert model.requested is False and model.request_features[1] == 1.0
    asked = compile(ARMENIA, record, params)
    assert asked.requested is True


def test_old_scenario_files_load_and_mean_the_same(record, params):
    for path in sorted(SCENARIOS.glob("*.yaml")):
        model = compile(path, record, params)
        raw = path.read_text()
        assert model.requested == ("request: none" not in raw and "request:" in raw
                                   and "kind: armed-aggression\ntargets: [SRB]" not in raw) or model.ceiling == 0 \
            or model.target == -1


def test_distance_overrides_take_state_codes_in_any_case():
    from csto.sim.compile import settings_from

    assert settings_from({"distance_km": {"rus": 100.0}}).distance_km == {"RUS": 100.0}


@pytest.mark.parametrize(("scenario", "asked"), [("kazakhstan-2022-01", "troops"), ("armenia-2022-09", "troops"),
                                                 ("armenia-2021-05", "consultations")])
def test_what_was_asked_is_read_from_the_article_the_request_invokes(record, params, scenario, asked):
    # Article 2 applies to every threat: read among the articles that apply, an Article 4 request for help
    # became a request for consultations, and an offer short of troops could never be refused
    model = compile(SCENARIOS / f"{scenario}.yaml", record, params)
    assert OUTCOMES[model.asked] == asked

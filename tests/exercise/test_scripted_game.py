"""A class plays Kazakhstan, January 2022, through the service: every role joins, reads its brief, seals its
position, the facilitator reveals, the delegations pledge, and the debrief sets the class beside the model."""

from __future__ import annotations

import pytest

from csto.exercise import Forbidden
from csto.sim import OUTCOMES

from .conftest import FORECAST, OVERLAYS, VOTERS, new_table


def test_roles_follow_the_compiled_model(table):
    roles = {r["id"]: r for r in table.state()["definition"]["roles"]}
    assert [r for r in roles if roles[r]["vote"]] == VOTERS
    assert roles["KAZ"]["kind"] == "requesting-state" and not roles["KAZ"]["vote"]
    assert {"secretary-general", "joint-staff", "facilitator", "observer"} <= set(roles)
    assert set(table.codes) == set(roles) - {"facilitator"}  # the facilitator has a token, not a code


def test_every_player_is_told_its_role(table):
    view = table.service.view(table.tokens["RUS"])
    assert view["you"]["role"] == "RUS" and view["you"]["vote"] is True
    assert view["phase"]["id"] == "request" and view["in_game_date"] == "2022-01-05"


def test_briefs_differ_by_role(table):
    svc = table.service
    rus, arm = svc.brief(table.tokens["RUS"])["brief"], svc.brief(table.tokens["ARM"])["brief"]
    assert rus["state"] == "RUS" and arm["state"] == "ARM"
    assert rus["forces"]["contingent"] > arm["forces"]["contingent"] > 0
    kaz = svc.brief(table.tokens["KAZ"])["brief"]
    assert kaz["forces"]["contingent"] == 0 and kaz["request"]["by"] == "KAZ"
    assert any(o["stake"] == "owed to you" for o in kaz["obligations"])
    staff = svc.brief(table.tokens["joint-staff"])["brief"]
    assert staff["contingents"]["RUS"] == rus["forces"]["contingent"]
    assert svc.brief(table.tokens["secretary-general"])["brief"]["rule"]["id"] == "consensus"


def test_a_brief_holds_the_treaty_trace_ties_and_past_crises(table):
    brief = table.service.brief(table.tokens["ARM"])["brief"]
    assert any(o["id"].startswith("cst-4") for o in brief["obligations"])
    assert any("Art. 4" in line or "cst-4" in line for line in brief["trace"])
    assert brief["ties"]["target"]["state"] == "KAZ"
    assert all(c["date"] < "2022-01-05" for c in brief["past_crises"])  # only crises before the game's date
    assert "kaz-2022-january" not in [c["crisis"] for c in brief["past_crises"]]  # the crisis replayed is not past
    assert any(c["your_part"] == "target" for c in brief["past_crises"])  # Armenia's own requests


def test_each_role_is_refused_another_roles_brief(table):
    with pytest.raises(Forbidden):
        table.service.brief(table.tokens["ARM"], "RUS")
    with pytest.raises(Forbidden):
        table.service.brief(table.tokens["observer"], "RUS")
    assert table.service.brief(table.facilitator, "RUS")["brief"]["state"] == "RUS"


def test_sealed_positions_are_hidden_until_the_reveal(table):
    svc = table.service
    table.advance_to("council-decision")
    svc.submit(table.tokens["RUS"], FORECAST, "troops")
    with pytest.raises(Forbidden):
        svc.sealed(table.tokens["ARM"], "RUS")
    seen = svc.view(table.tokens["ARM"])
    assert seen["sealed_by"] == ["RUS"]
    last = svc.events(table.tokens["ARM"])["events"][-1]
    assert last["kind"] == "sealed" and last["role"] == "RUS" and last["sealed"] is True
    assert "position" not in last and "forecast" not in last
    assert svc.sealed(table.tokens["RUS"], "RUS")["position"] == "troops"  # its own
    assert svc.sealed(table.facilitator, "RUS")["position"] == "troops"  # the umpire
    table.seal_all({s: "troops" for s in VOTERS if s != "RUS"})
    svc.reveal(table.facilitator)
    assert svc.sealed(table.tokens["ARM"], "RUS")["position"] == "troops"
    assert svc.view(table.tokens["observer"])["decisions"][0]["positions"]["RUS"] == "troops"


def test_a_block_under_consensus_stops_the_troops(table):
    svc = table.service
    table.advance_to("council-decision")
    table.seal_all({**{s: "troops" for s in VOTERS}, "BLR": "block"})
    out = svc.reveal(table.facilitator)
    assert out["decision"]["decision"] == "consultations"  # the floor: a request puts consultations in motion
    assert out["decision"]["blockers"] == ["BLR"]
    svc.advance(table.facilitator)
    state = table.state()
    assert state["phase"] == "debrief" and state["outcome"] == "consultations"
    assert all(state["status"][p] == "skipped" for p in ("force-generation", "deployment", "withdrawal"))


def test_a_qualified_majority_outvotes_the_same_block(service):
    t = new_table(service, overlay=OVERLAYS / "qualified-majority.yaml", seed=11)
    assert t.state()["definition"]["model"]["rule"] == "qualified-majority"
    t.advance_to("council-decision")
    t.seal_all({**{s: "troops" for s in VOTERS}, "BLR": "block"})
    out = service.reveal(t.facilitator)
    assert out["decision"]["decision"] == "troops"
    assert out["decision"]["outvoted"] == ["BLR"] and out["decision"]["blockers"] == []


def test_a_block_by_two_of_five_is_not_outvoted_by_two_thirds(service):
    t = new_table(service, overlay=OVERLAYS / "qualified-majority.yaml", seed=11)
    t.advance_to("council-decision")
    t.seal_all({**{s: "troops" for s in VOTERS}, "BLR": "block", "ARM": "mission"})
    assert service.reveal(t.facilitator)["decision"]["decision"] == "mission"  # 4 of 5 needed: the 4th accepts mission


def test_standing_aside_needs_a_rule_that_allows_it(table, service):
    table.advance_to("council-decision")
    with pytest.raises(Exception, match="standing aside"):
        service.submit(table.tokens["BLR"], FORECAST, "stand_aside")
    t = new_table(service, overlay=OVERLAYS / "stand-aside.yaml", seed=11)
    t.advance_to("council-decision")
    t.seal_all({**{s: "troops" for s in VOTERS}, "BLR": "stand_aside"})
    out = service.reveal(t.facilitator)["decision"]
    assert out["decision"] == "troops" and out["stood_aside"] == ["BLR"] and "BLR" not in out["taking_part"]


def test_pledges_become_the_models_deployment(table):
    svc = table.service
    table.decide()
    svc.advance(table.facilitator)
    pledges = {"RUS": 1500, "ARM": 100, "TJK": 200}
    for role, n in pledges.items():
        svc.pledge(table.tokens[role], n)
    out = svc.advance(table.facilitator)
    dep = out["deployment"]
    assert dep["personnel"] == pledges and dep["total_personnel"] == sum(pledges.values())
    assert set(dep["flights"]) == set(pledges) and dep["cost_by_state"]["KAZ"] == 0.0  # the target never pays
    assert dep["cost_by_state"]["RUS"] > dep["cost_by_state"]["ARM"] > 0
    assert dep["days_to_first_troops"]["p50"] < dep["days_to_withdrawal"]["p50"]
    dates = {p["id"]: p["date"] for p in out["phases"]}
    assert dates["deployment"] is not None and dates["deployment"] <= dates["withdrawal"]
    assert out["phase"]["id"] == "deployment" and out["outcome"] == "troops"


def test_rolling_back_into_the_deployment_keeps_it_and_back_into_the_pledges_voids_it(table):
    """A deployment is made from the pledges when their phase closes: rolling back from the withdrawal into the
    deployment keeps it (and its dates); rolling back into the pledges' phase voids it, as it voids the pledges."""
    svc = table.service
    table.decide()
    svc.advance(table.facilitator)
    svc.pledge(table.tokens["RUS"], 1500)
    made = svc.advance(table.facilitator)
    assert made["phase"]["id"] == "deployment"
    svc.advance(table.facilitator)
    back = svc.rollback(table.facilitator)
    assert back["phase"]["id"] == "deployment" and back["outcome"] == "troops"
    assert back["deployment"] == made["deployment"]
    assert {p["id"]: p["date"] for p in back["phases"]}["withdrawal"] is not None
    again = svc.rollback(table.facilitator)
    assert again["phase"]["id"] == "force-generation" and again["deployment"] is None


def test_no_pledge_means_assistance_not_troops(table):
    svc = table.service
    table.decide()
    svc.advance(table.facilitator)
    svc.pledge(table.tokens["RUS"], 0)
    out = svc.advance(table.facilitator)
    assert out["outcome"] == "assistance" and out["deployment"] is None
    # Kazakhstan asked for troops (Article 4): assistance is short of it, so Kazakhstan answers the offer next
    assert out["phase"]["id"] == "target-answer" and out["target_answer"]["offered"] == "assistance"
    assert svc.advance(table.facilitator)["phase"]["id"] == "debrief"


def test_debrief_sets_the_class_beside_the_model_and_history_and_scores_forecasts(table):
    svc = table.service
    table.advance_to("council-decision")
    sure = {"troops": 1.0}
    table.seal_all({s: "troops" for s in VOTERS if s != "BLR"}, sure)
    svc.submit(table.tokens["BLR"], {"troops": 0.5, "mission": 0.5}, "troops")
    svc.submit(table.tokens["KAZ"], {"consultations": 1.0})  # no vote: a forecast only
    svc.reveal(table.facilitator)
    svc.advance(table.facilitator)
    svc.pledge(table.tokens["RUS"], 1000)
    while not table.state()["ended"]:
        svc.advance(table.facilitator)
    d = svc.debrief(table.tokens["observer"])
    model = d["model"]
    assert model["runs"] == 1000 and abs(sum(model["outcomes"].values()) - 1) < 1e-9
    assert model["class_outcome"]["class"] == "troops"
    assert model["class_outcome"]["p_same"] == pytest.approx(model["outcomes"]["troops"], abs=1e-4)
    assert d["history"]["crisis"] == "kaz-2022-january" and d["history"]["outcome"] == "troops"
    assert d["history"]["class_vs_history"] == "the same"
    scores = {x["role"]: x["brier"] for x in d["forecasts"]["delegations"]}
    assert scores["RUS"] == 0.0 and scores["BLR"] == pytest.approx(0.5) and scores["KAZ"] == pytest.approx(2.0)
    uniform = sum((1 / 6 - (k == "troops")) ** 2 for k in OUTCOMES)
    assert d["forecasts"]["baselines"]["uniform"]["brier"] == pytest.approx(uniform, abs=1e-4)


def test_the_debrief_waits_for_the_end_except_for_the_facilitator(table):
    svc = table.service
    table.decide()
    with pytest.raises(Forbidden):
        svc.debrief(table.tokens["RUS"])
    assert svc.debrief(table.facilitator)["decision"]["decision"] == "troops"


def test_a_frozen_member_is_present_without_a_vote(service):
    t = new_table(service, on="2025-01-01", seed=11)
    roles = {r["id"]: r for r in t.state()["definition"]["roles"]}
    assert roles["ARM"]["vote"] is False and "frozen" in roles["ARM"]["why"]
    assert "ARM" not in t.state()["definition"]["model"]["voters"]
    t.advance_to("council-decision")
    with pytest.raises(Forbidden):
        service.submit(t.tokens["ARM"], FORECAST, "block")
    assert service.submit(t.tokens["ARM"], FORECAST)["sealed"] is True  # its forecast still counts
    t.seal_all({s: "troops" for s in VOTERS if s != "ARM"})
    assert service.reveal(t.facilitator)["decision"]["decision"] == "troops"


def test_public_statements_and_private_messages_are_kept_apart(table):
    svc = table.service
    svc.say(table.tokens["KAZ"], "We ask for help under Article 4.")
    svc.say(table.tokens["RUS"], "We will send the bulk of the force.", to="KAZ")
    assert [m["text"] for m in svc.messages(table.tokens["ARM"])["messages"]] == ["We ask for help under Article 4."]
    assert len(svc.messages(table.tokens["KAZ"])["messages"]) == 2
    assert len(svc.messages(table.facilitator)["messages"]) == 2
    logged = [e for e in table.service.store.events(table.game) if e["kind"] == "message"]
    assert [m["payload"]["to"] for m in logged] == [None, "KAZ"]  # every message logged, private ones too

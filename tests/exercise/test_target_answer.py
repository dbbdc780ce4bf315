"""The requesting state's answer (step 6 of the model): offered less than it asked for, the target's delegation
accepts or refuses, with a reason; the answer is one logged event, public at once, checked like every submission,
replayed, exported, and set beside the model's share of refusals and beside history in the debrief."""

from __future__ import annotations

import csv
import json

import pytest

from csto.errors import RecordError
from csto.exercise import BadInput, Conflict, Forbidden, procedure
from csto.exercise import game as fold
from csto.sim import OUTCOMES, after_refusal, asked_class, refusable

from .conftest import SCENARIOS, VOTERS, new_table
from .test_refusals import refused

REASON = "Assistance without troops does not restore our territorial integrity."


def offered(table, position: str) -> dict:
    """Every voter seals ``position``; the facilitator reveals and closes the decision (and force generation)."""
    table.decide(dict.fromkeys(VOTERS, position))
    return table.service.advance(table.facilitator)


def test_an_offer_short_of_the_request_opens_the_requesting_states_answer(table):
    out = offered(table, "assistance")
    model = table.state()["definition"]["model"]
    assert model["asked"] == "troops"  # Kazakhstan's request invokes Article 4: the model reads it as troops
    assert out["phase"]["id"] == "target-answer" and out["phase"]["answer"] is True
    assert out["phase"]["date"] == [p["date"] for p in out["phases"] if p["id"] == "council-decision"][0]
    assert {p["id"]: p["status"] for p in out["phases"]}["force-generation"] == "skipped"
    seen = table.service.view(table.tokens["KAZ"])["target_answer"]
    assert seen | {"target": "KAZ", "asked": "troops", "offered": "assistance", "answer": None, "open": True} == seen
    assert seen["if_refused"] == "mission"


def test_the_requesting_state_refuses_and_the_outcome_falls_to_a_mission(table):
    svc = table.service
    offered(table, "assistance")
    answered = svc.answer(table.tokens["KAZ"], "refuse", f"  {REASON} ")
    assert answered["answer"] == "refuse" and answered["reason"] == REASON and answered["outcome"] == "mission"
    floor = OUTCOMES.index(table.state()["definition"]["model"]["floor"])
    assert answered["outcome"] == OUTCOMES[after_refusal(floor)]  # the model's step 6, not a copy of it
    for role in ("ARM", "observer", "facilitator"):  # public at once, to every role
        token = table.facilitator if role == "facilitator" else table.tokens[role]
        last = svc.events(token)["events"][-1]
        assert last["kind"] == "answered" and last["answer"] == "refuse" and last["reason"] == REASON
        assert svc.view(token)["target_answer"]["answer"] == "refuse"
    out = svc.advance(table.facilitator)
    assert out["phase"]["id"] == "debrief" and out["outcome"] == "mission"
    assert all(out["phases"][i]["status"] == "skipped" for i in (-3, -2))  # no troops: no deployment, no withdrawal


def test_the_debrief_sets_the_answer_beside_the_models_refusals(table):
    svc = table.service
    offered(table, "assistance")
    svc.answer(table.tokens["KAZ"], "refuse", REASON)
    svc.advance(table.facilitator)
    d = svc.debrief(table.tokens["observer"])
    runs = table.state()["definition"]["model_runs"]
    ta = d["target_answer"]
    assert ta["step"] is True and ta["refused"] is True and ta["offered"] == "assistance" and ta["asked"] == "troops"
    assert ta["model"]["p_refused_by_target"] == runs["p_refused_by_target"]
    assert ta["model"]["p_refused_by_target_mcse"] == runs["p_refused_by_target_mcse"]
    assert ta["model"]["runs"] == runs["runs"] == 1000
    # the share among the runs whose offer the target could refuse: refused ones plus those left at such an offer
    refusals = round(runs["p_refused_by_target"] * 1000)
    standing = sum(round(runs["outcomes"][c] * 1000) for c in ("assistance",))  # the only refusable class here
    assert ta["model"]["runs_with_refusable_offer"] == refusals + standing
    if refusals + standing:
        assert ta["model"]["p_refused_when_refusable"] == pytest.approx(refusals / (refusals + standing), abs=1e-4)
    assert ta["history"] == {"crisis": "kaz-2022-january", "refused_by_target": False, "refusal": None,
                             "outcome": "troops"}
    assert d["outcome"] == "mission" and d["model"]["class_outcome"]["class"] == "mission"
    assert d["decision"]["decision"] == "assistance"  # the Council's decision stays what it was


def test_armenia_2022_the_debrief_recalls_the_refusal_of_november(service, record):
    t = new_table(service, SCENARIOS / "armenia-2022-09.yaml", seed=5)
    assert t.state()["definition"]["public"]["target"] == "ARM"
    voters = t.state()["definition"]["model"]["voters"]
    t.advance_to("council-decision")
    t.seal_all(dict.fromkeys(voters, "assistance"))
    service.reveal(t.facilitator)
    assert service.advance(t.facilitator)["phase"]["id"] == "target-answer"
    service.answer(t.tokens["ARM"], "refuse", "Not sufficiently finalized: no political assessment of the attack.")
    service.advance(t.facilitator)
    hist = service.debrief(t.facilitator)["target_answer"]["history"]
    crisis = next(c for c in record.crises() if c.id == "arm-2022-september")
    assert hist["refused_by_target"] is True and hist["refusal"] == crisis.response.refusal
    assert hist["outcome"] == crisis.response.outcome


def test_an_offer_of_what_was_asked_has_no_answer_step(table):
    svc = table.service
    offered(table, "troops")
    svc.pledge(table.tokens["RUS"], 1000)
    out = svc.advance(table.facilitator)
    assert out["outcome"] == "troops" and out["phase"]["id"] == "deployment"
    assert {p["id"]: p["status"] for p in out["phases"]}["target-answer"] == "skipped"
    assert out["target_answer"] is None
    refused(table, Conflict, lambda: svc.answer(table.tokens["KAZ"], "refuse", REASON), "no offer awaits")
    while not table.state()["ended"]:
        svc.advance(table.facilitator)
    ta = svc.debrief(table.facilitator)["target_answer"]
    assert ta["step"] is False and ta["answer"] is None and ta["refused"] is False
    assert ta["model"]["p_refused_by_target"] is not None  # the model's figure is given all the same


def test_an_offer_the_model_lets_no_target_refuse_has_no_step(table):
    out = offered(table, "consultations")  # not more than a mission: refusing it would change nothing
    assert out["phase"]["id"] == "debrief" and out["target_answer"] is None


def test_troops_nobody_sends_are_an_offer_of_assistance_to_answer(table):
    svc = table.service
    offered(table, "troops")
    out = svc.advance(table.facilitator)  # force generation closes with no pledge
    assert out["outcome"] == "assistance" and out["phase"]["id"] == "target-answer"
    assert out["target_answer"]["offered"] == "assistance"


@pytest.mark.parametrize("offer", OUTCOMES[2:])
def test_the_step_opens_exactly_when_the_model_lets_the_target_refuse(table, offer):
    out = offered(table, offer)
    if offer == "troops":  # with troops pledged the offer is what was asked
        table.service.pledge(table.tokens["RUS"], 100)
        out = table.service.advance(table.facilitator)
    model = table.state()["definition"]["model"]
    asked = asked_class(OUTCOMES.index(model["asked"]), OUTCOMES.index(model["ceiling"]))
    expected = bool(refusable(OUTCOMES.index(out["outcome"]), asked, OUTCOMES.index(model["floor"])))
    assert (out["phase"]["id"] == "target-answer") is expected


def test_only_the_requesting_state_answers_and_only_in_its_step(table):
    svc = table.service
    table.advance_to("council-decision")
    refused(table, Conflict, lambda: svc.answer(table.tokens["KAZ"], "refuse", REASON), "no offer awaits")
    table.seal_all(dict.fromkeys(VOTERS, "assistance"))
    svc.reveal(table.facilitator)
    svc.advance(table.facilitator)
    for role in ("RUS", "secretary-general", "observer"):
        err = refused(table, Forbidden, lambda r=role: svc.answer(table.tokens[r], "accept", REASON),
                      "only the requesting state")
        assert err["kind"] == "forbidden" and err["field"] == "role"
    refused(table, Forbidden, lambda: svc.answer(table.facilitator, "accept", REASON), "only the requesting state")
    refused(table, Forbidden, lambda: svc.answer("forged-" + "x" * 40, "accept", REASON), "unknown token")


def test_a_bad_answer_is_refused(table):
    svc, kaz = table.service, table.tokens["KAZ"]
    offered(table, "assistance")
    err = refused(table, BadInput, lambda: svc.answer(kaz, "maybe", REASON), "answer: expected accept or refuse")
    assert err["kind"] == "input" and err["field"] == "answer" and err["value"] == "maybe"
    refused(table, BadInput, lambda: svc.answer(kaz, "refuse", "   "), "reason")
    refused(table, BadInput, lambda: svc.answer(kaz, "refuse", None), "reason")
    refused(table, BadInput, lambda: svc.answer(kaz, "refuse", "x" * (fold.MAX_REASON + 1)), "at most")


def test_a_second_different_answer_is_refused_and_the_same_one_is_idempotent(table):
    svc, kaz = table.service, table.tokens["KAZ"]
    offered(table, "assistance")
    second = svc.join(table.codes["KAZ"], name="another student of Kazakhstan")["token"]
    svc.answer(kaz, "refuse", REASON)
    refused(table, Conflict, lambda: svc.answer(second, "accept", REASON), "already answered")
    refused(table, Conflict, lambda: svc.answer(kaz, "refuse", "Another reason."), "already answered")
    before = table.snapshot()
    again = svc.answer(second, "refuse", REASON)  # a retried form: the same answer, after the refusal took effect
    assert again["duplicate"] is True and again["seq"] is None and table.snapshot() == before
    assert again["offered"] == "assistance" and table.state()["outcome"] == "mission"


def test_an_accepted_offer_stands(table):
    offered(table, "assistance")
    accepted = table.service.answer(table.tokens["KAZ"], "accept", "Assistance will do.")
    assert accepted["outcome"] == "assistance"
    assert table.service.advance(table.facilitator)["outcome"] == "assistance"
    ta = table.service.debrief(table.facilitator)["target_answer"]
    assert ta["answer"] == "accept" and ta["refused"] is False


def test_closing_the_step_without_an_answer_leaves_the_offer_standing(table):
    svc = table.service
    offered(table, "assistance")
    out = svc.advance(table.facilitator)
    assert out["phase"]["id"] == "debrief" and out["outcome"] == "assistance"
    assert out["target_answer"]["answer"] is None and out["target_answer"]["open"] is False
    refused(table, Conflict, lambda: svc.answer(table.tokens["KAZ"], "refuse", REASON), "debrief")


def test_rolling_back_into_the_step_voids_the_answer_and_restores_the_offer(table):
    svc, kaz = table.service, table.tokens["KAZ"]
    offered(table, "assistance")
    svc.answer(kaz, "refuse", REASON)
    svc.advance(table.facilitator)
    back = svc.rollback(table.facilitator)
    assert back["phase"]["id"] == "target-answer" and back["phase"]["round"] == 2 and back["outcome"] == "assistance"
    assert back["target_answer"]["answer"] is None
    assert [s["void"] for s in back["submissions"] if s["kind"] == "answer"] == [True]
    assert svc.answer(kaz, "accept", "On reflection, assistance will do.")["outcome"] == "assistance"
    assert svc.replay(table.game)["same"] is True


def test_the_answer_is_in_the_log_and_the_replay_gives_the_same_state(table):
    svc = table.service
    offered(table, "assistance")
    svc.answer(table.tokens["KAZ"], "refuse", REASON)
    svc.advance(table.facilitator)
    logged = [e for e in svc.store.events(table.game) if e["kind"] == "answered"]
    assert len(logged) == 1 and logged[0]["payload"] | {"answer": "refuse", "offered": "assistance"} == \
        logged[0]["payload"]
    checked = svc.replay(table.game)
    assert checked["same"] is True and checked["outcome"] == "mission"
    assert checked["target_answer"]["answer"] == "refuse"
    state, _ = fold.replay([(e["seq"], e["kind"], e["actor"], e["payload"]) for e in svc.store.events(table.game)])
    assert fold.state_hash(state) == fold.state_hash(table.state()) and state["outcome"] == "mission"
    assert [r[3] for r in svc.store.submissions(table.game)].count("answer") == 1
    svc.journal.forget()  # a restarted server rebuilds the game from the log
    assert svc.view(table.tokens["ARM"])["target_answer"]["answer"] == "refuse"


def test_a_fork_keeps_the_answer(table):
    svc = table.service
    offered(table, "assistance")
    svc.answer(table.tokens["KAZ"], "refuse", REASON)
    fork = svc.fork(table.facilitator)
    assert svc.state(fork["game"])["outcome"] == "mission"
    assert svc.replay(fork["game"])["same"] is True  # its submissions table holds the answer too


def test_the_export_holds_the_answer(table, tmp_path):
    svc = table.service
    offered(table, "assistance")
    svc.answer(table.tokens["KAZ"], "refuse", REASON)
    svc.advance(table.facilitator)
    files = svc.export_files(table.game, tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "game.json").read_text())
    assert doc["target_answer"]["answer"] == "refuse" and doc["outcome"] == "mission"
    assert doc["debrief"]["target_answer"]["refused"] is True
    assert [e["kind"] for e in doc["events"]].count("answered") == 1
    rows = {f.name: list(csv.DictReader(f.open(encoding="utf-8"))) for f in files if f.suffix == ".csv"}
    assert [(r["role"], r["offered"], r["asked"], r["answer"], r["reason"]) for r in rows["answers.csv"]] == \
        [("KAZ", "assistance", "troops", "refuse", REASON)]
    assert [r["kind"] for r in rows["events.csv"]].count("answered") == 1
    assert rows["positions.csv"] and all(r["position"] == "assistance" for r in rows["positions.csv"])


def test_the_shipped_step_is_sourced_and_marked_an_assumption(record):
    proc = procedure.load(record)
    step = next(p for p in proc.phases if p.answer)
    ids = [p.id for p in proc.phases]
    assert step.needs == "refusable" and step.assumption and step.rationale
    assert ids.index(step.id) > max(ids.index(p.id) for p in proc.phases if p.decision or p.pledges)
    crisis = next(c for c in record.crises() if c.id == "arm-2022-september")
    assert {s.id for s in step.sources} <= {s.id for s in crisis.sources}  # the record's own account of 2022


def test_a_procedure_with_the_answer_before_the_decision_is_refused_with_its_line(record, tmp_path):
    text = procedure.default_path().read_text()
    bad = text.replace("      pledges: true\n", "      pledges: true\n      answer: true\n", 1)
    assert bad != text
    path = tmp_path / "procedure.yaml"
    path.write_text(bad)
    with pytest.raises(RecordError) as caught:
        procedure.load(record, path)
    assert caught.value.file == str(path) and caught.value.line is not None and "answer" in caught.value.field

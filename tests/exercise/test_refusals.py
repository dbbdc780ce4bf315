"""Bad input from a player is refused with the project's error, its kind (for the web's status code) and a clear
message, and leaves the game exactly as it was: the state's hash and every table's rows."""

from __future__ import annotations

import pytest

from csto.exercise import BadInput, Conflict, ExerciseService, Forbidden, Unknown
from csto.exercise.errors import ExerciseError

from .conftest import FORECAST


def refused(table, error: type[ExerciseError], call, match: str) -> dict:
    """``call()`` raises ``error`` whose message matches ``match``, and nothing in the game changes."""
    before = table.snapshot()
    with pytest.raises(error, match=match) as caught:
        call()
    assert table.snapshot() == before
    return caught.value.as_dict()


def at_decision(table) -> None:
    table.advance_to("council-decision")


def test_a_forged_token_is_refused(table):
    err = refused(table, Forbidden, lambda: table.service.submit("forged-" + "x" * 40, FORECAST, "troops"),
                  "unknown token")
    assert err["kind"] == "forbidden"
    refused(table, Forbidden, lambda: table.service.view(""), "token is required")


def test_an_expired_token_is_refused(table, clock):
    at_decision(table)
    clock.advance(hours=12, seconds=1)  # data/exercise/procedure.yaml: token_hours 12
    refused(table, Forbidden, lambda: table.service.submit(table.tokens["RUS"], FORECAST, "troops"), "expired")
    refused(table, Forbidden, lambda: table.service.advance(table.facilitator), "expired")


def test_a_token_is_good_until_it_expires(table, clock):
    clock.advance(hours=11, minutes=59)
    assert table.service.view(table.tokens["RUS"])["you"]["role"] == "RUS"


def test_a_submission_after_the_reveal_is_refused(table):
    table.decide()
    err = refused(table, Conflict, lambda: table.service.submit(table.tokens["KAZ"], FORECAST), "already revealed")
    assert err["kind"] == "conflict"


def test_a_submission_after_the_phase_closed_is_refused(table):
    table.decide()
    table.service.advance(table.facilitator)
    refused(table, Conflict, lambda: table.service.submit(table.tokens["KAZ"], FORECAST), "no decision is open")


def test_a_submission_before_the_decision_opens_is_refused(table):
    refused(table, Conflict, lambda: table.service.submit(table.tokens["RUS"], FORECAST, "troops"),
            "no decision is open")


def test_a_second_different_position_is_refused_and_the_same_one_is_idempotent(table):
    at_decision(table)
    table.service.submit(table.tokens["RUS"], FORECAST, "troops")
    refused(table, Conflict, lambda: table.service.submit(table.tokens["RUS"], FORECAST, "mission"), "already sealed")
    before = table.snapshot()
    again = table.service.submit(table.tokens["RUS"], FORECAST, "troops")  # a retried request
    assert again["duplicate"] is True and table.snapshot() == before


def test_a_pledge_above_the_contingent_is_refused(table):
    table.decide()
    table.service.advance(table.facilitator)
    contingent = table.state()["definition"]["model"]["contingent"]["ARM"]
    err = refused(table, BadInput, lambda: table.service.pledge(table.tokens["ARM"], contingent + 1),
                  "more than ARM's contingent")
    assert err["kind"] == "input" and err["field"] == "personnel" and err["value"] == contingent + 1
    refused(table, BadInput, lambda: table.service.pledge(table.tokens["ARM"], -5), "whole number")
    refused(table, BadInput, lambda: table.service.pledge(table.tokens["ARM"], 10.5), "whole number")
    refused(table, Forbidden, lambda: table.service.pledge(table.tokens["KAZ"], 10), "no contingent")
    assert table.service.pledge(table.tokens["ARM"], contingent)["personnel"] == contingent  # the whole is fine


def test_a_pledge_outside_force_generation_is_refused(table):
    refused(table, Conflict, lambda: table.service.pledge(table.tokens["RUS"], 10), "pledges are not open")


def test_an_unknown_role_is_refused(table):
    svc = table.service
    err = refused(table, Unknown, lambda: svc.join("XYZ-ABCDEF"), "unknown join code")
    assert err["kind"] == "unknown"
    refused(table, Unknown, lambda: svc.brief(table.facilitator, "XYZ"), "no role 'XYZ'")
    refused(table, Unknown, lambda: svc.say(table.tokens["RUS"], "hello", to="XYZ"), "no role 'XYZ'")
    refused(table, Unknown, lambda: svc.sealed(table.tokens["RUS"], "XYZ"), "no role 'XYZ'")


def test_an_unknown_game_is_refused(service):
    with pytest.raises(Unknown, match="no game"):
        service.show("no-such-game")


def test_a_malformed_forecast_or_position_is_refused(table):
    at_decision(table)
    svc, rus = table.service, table.tokens["RUS"]
    refused(table, BadInput, lambda: svc.submit(rus, {"troops": 0.5}, "troops"), "sum to 1")
    refused(table, BadInput, lambda: svc.submit(rus, {"victory": 1.0}, "troops"), "unknown outcome class")
    refused(table, BadInput, lambda: svc.submit(rus, {"troops": 1.5, "mission": -0.5}, "troops"), "between 0 and 1")
    refused(table, BadInput, lambda: svc.submit(rus, None, "troops"), "forecast")
    refused(table, BadInput, lambda: svc.submit(rus, FORECAST, "invade"), "position: expected one of")
    refused(table, BadInput, lambda: svc.submit(rus, FORECAST, None), "position: expected one of")


def test_only_the_facilitator_runs_the_game(table):
    svc, rus = table.service, table.tokens["RUS"]
    for call in (svc.advance, svc.rollback, svc.reveal, svc.fork, svc.export):
        refused(table, Forbidden, lambda c=call: c(rus), "only the facilitator")
    refused(table, Forbidden, lambda: svc.inject(rus, "escalation", "Riots spread"), "only the facilitator")


def test_observers_read_but_do_not_speak_or_submit(table):
    at_decision(table)
    obs = table.tokens["observer"]
    refused(table, Forbidden, lambda: table.service.say(obs, "hello"), "observers read")
    refused(table, Forbidden, lambda: table.service.submit(obs, FORECAST), "does not take part")


def test_the_facilitator_cannot_skip_the_reveal_or_reveal_with_positions_missing(table):
    at_decision(table)
    table.service.submit(table.tokens["RUS"], FORECAST, "troops")
    refused(table, Conflict, lambda: table.service.advance(table.facilitator), "reveal the sealed positions")
    refused(table, Conflict, lambda: table.service.reveal(table.facilitator), "still to seal a position: ARM")
    out = table.service.reveal(table.facilitator, force=True)  # the missing do not take part
    assert out["decision"]["missing"] == ["ARM", "BLR", "KGZ", "TJK"] and out["decision"]["decision"] == "troops"


def test_a_bad_escalation_is_refused_whole(table):
    refused(table, ExerciseError, lambda: table.service.inject(table.facilitator, "coup"), "escalation or date")
    refused(table, BadInput, lambda: table.service.inject(table.facilitator, "date"), "needs the new date")
    with pytest.raises(Exception, match="changes.perpetrator"):
        before = table.snapshot()
        table.service.inject(table.facilitator, "escalation", "x", changes={"perpetrator": "RUS"})
    assert table.snapshot() == before


def test_a_bad_database_file_is_refused(tmp_path):
    bad = tmp_path / "not-a-db.sqlite"
    bad.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(BadInput, match="not a games database"):
        ExerciseService(bad)
    with pytest.raises(BadInput, match="is a directory"):
        ExerciseService(tmp_path)

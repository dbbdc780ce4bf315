"""data/crises.yaml, the backtest's history: charges between states are attributed, opinions are not facts."""

from __future__ import annotations

import re

from csto.record import default_data_dir


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


def test_a_crisis_charging_a_state_says_who_makes_the_charge(record):
    # "Azerbaijani troops advance into Armenia" in the record's own voice takes a side in a disputed border
    for crisis in record.crises():
        if crisis.perpetrator and re.fullmatch(r"[A-Z]{3}", crisis.perpetrator):
            accusers = [record.state(t).name for t in crisis.targets]
            assert any(f"{name} reports" in crisis.name for name in accusers), crisis.name


def test_a_passage_recorded_as_an_opinion_supports_only_an_attributed_statement(record):
    # a crisis may cite an opinion's passage only to say who said it, naming the opinion
    opinions = [(o.id, _norm(o.statement)) for o in record.all("opinions")]
    for crisis in record.crises():
        text = " ".join(filter(None, [crisis.name, crisis.response.description,
                                      crisis.request.description if crisis.request else None]))
        for ref in crisis.sources:
            if not ref.passage:
                continue
            for opinion_id, statement in opinions:
                if _norm(ref.passage) in statement:
                    assert opinion_id in text, f"{crisis.id} cites opinion {opinion_id} as fact"


def test_a_decision_names_the_organ_that_took_it(record):
    # decided and decided_by come together; decided_by is an organ or office of data/organs.yaml
    bodies = {o.id for o in record.all("organs")} | {o.id for o in record.all("offices")}
    for crisis in record.crises():
        response = crisis.response
        assert (response.decided is None) == (response.decided_by is None), crisis.id
        assert response.decided_by is None or response.decided_by in bodies, crisis.id


def test_every_request_goes_to_the_csto_or_to_a_recorded_state(record):
    states = {s.code for s in record.all("states")}
    for crisis in record.crises():
        for request in filter(None, [crisis.request, *crisis.other_requests]):
            assert request.to == "csto" or request.to in states, (crisis.id, request.to)
            assert request.by in states, (crisis.id, request.by)


def test_a_crisis_off_recognised_territory_says_whose_territory_it_is(record):
    for crisis in record.crises():
        if not crisis.on_recognised_territory:
            assert crisis.territory_of and crisis.territory_of not in crisis.targets, crisis.id


def test_armenias_refusal_of_november_2022_is_recorded(record):
    crisis = next(c for c in record.crises() if c.id == "arm-2022-september")
    assert crisis.response.refused_by_target and "23 November 2022" in crisis.response.refusal


def test_the_kinds_of_crisis_are_kinds_of_event_the_law_knows(record):
    import yaml

    kinds = {k["id"] for k in yaml.safe_load((default_data_dir() / "treaty" / "kinds.yaml").read_text())["kinds"]}
    assert {c.kind for c in record.crises()} <= kinds

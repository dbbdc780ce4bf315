"""data/crises.yaml, the backtest's history: charges between states are attributed, opinions are not facts."""

from __future__ import annotations

import re

import pytest

from csto.record import Record, default_data_dir


@pytest.fixture(scope="module")
def record():
    rec = Record.open(default_data_dir())
    yield rec
    rec.close()


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

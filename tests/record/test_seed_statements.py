"""What the five seeds state, as the shipped record holds it: quoted word for word, in the voice the seed allows."""

from __future__ import annotations

import pytest
from test_real_record import normalise  # the one reading of a quote against its seed

from csto.record import default_data_dir

DATA = default_data_dir()




@pytest.fixture(scope="module")
def seeds(record):
    return {s.id: normalise((DATA / "seeds" / s.file).read_text()) for s in record.sources() if s.file}


def opinion(record, opinion_id):
    [found] = [o for o in record.opinions() if o.id == opinion_id]
    return found


def test_every_opinion_drawn_from_a_seed_quotes_it_word_for_word(record, seeds):
    quoted = [o for o in record.opinions() if o.source in seeds]
    assert len(quoted) >= 40
    for o in quoted:
        assert normalise(o.statement) in seeds[o.source], o.id


def test_the_charter_goals_and_areas_of_action_are_the_csto_s_own_position(record):
    goals, areas = opinion(record, "csto-goals-charter"), opinion(record, "csto-areas-of-action")
    assert "priority in achieving these ends is given to political means" in normalise(goals.statement)
    assert "combating international terrorism and extremism" in normalise(areas.statement)
    assert goals.stance == areas.stance == "official-position"


def test_the_military_cooperation_principles_are_listed_in_full(record):
    military = opinion(record, "csto-military-cooperation-principles").statement
    political = opinion(record, "csto-military-political-cooperation").statement
    assert military.count("\n- ") == 9 and political.count("\n- ") == 6
    assert "equal partnership relations with NATO" in political


def test_every_speech_at_the_may_2022_session_is_attributed_to_its_speaker(record):
    about_summit = [o for o in record.opinions() if "moscow-summit-2022" in o.about]
    speakers = " ".join(o.speaker for o in about_summit)
    for leader in ("Putin", "Lukashenko", "Pashinyan", "Tokayev"):
        assert leader in speakers, leader
    assert all(o.stance in ("official-position", "opinion") for o in about_summit)


def test_member_positions_on_ukraine_in_spring_2022_are_assessments_beside_the_recorded_votes(record):
    positions = [o for o in record.opinions() if "UKR" in o.about and o.source == "seed-petrovic-2022"]
    assert {"BLR", "KAZ", "TJK", "ARM", "KGZ"} <= {s for o in positions for s in o.about}
    assert all(o.stance == "assessment" for o in positions if o.speaker == "Dragan Petrović")
    votes = {e.id: e for e in record.all("events") if e.id.startswith("un-ga-es-11-")}
    assert set(votes) == {"un-ga-es-11-1-2022", "un-ga-es-11-2-2022"}
    assert {"RUS", "BLR", "ARM", "KAZ", "KGZ", "TJK"} <= set(votes["un-ga-es-11-2-2022"].states)


def test_seed_4_s_lachin_blockade_is_an_event_with_its_disputed_authors_as_a_conflict(record):
    [event] = [e for e in record.all("events") if e.id == "lachin-blockade-2022"]
    assert event.date == "2022-12-12" and {"ARM", "AZE"} <= set(event.states)
    assert "seed-explainer-hindu" in {s.id for s in event.sources}
    assert "lachin-blockade-2022" in {c.id for c in record.conflicts()}

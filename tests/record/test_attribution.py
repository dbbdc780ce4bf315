"""A status period resting on one opinion-blog or state-media source must be attributed, not stated as fact."""

from __future__ import annotations

import pytest

from csto.record import RecordError
from csto.record.load import load

PERIOD = """\
memberships:
  - state: UZB
    org: NATO
    status: observer
    from: "2020"
{note}    sources: {sources}
"""


def write(fixture_dir, sources="[src-blog]", note="", extra=""):
    (fixture_dir / "zz.yaml").write_text(PERIOD.format(sources=sources, note=note) + extra)


def test_a_status_from_one_opinion_blog_alone_is_refused(fixture_dir):
    write(fixture_dir)
    with pytest.raises(RecordError, match=r"zz\.yaml:6: memberships\.sources: status 'observer' of UZB in NATO .*"
                                          r"single source of kind opinion-blog.*\(got 'src-blog'\)"):
        load(fixture_dir)


def test_citing_the_same_source_twice_is_still_one_source(fixture_dir):
    write(fixture_dir, sources='[{id: src-blog, passage: "a"}, {id: src-blog, passage: "b"}]')
    with pytest.raises(RecordError, match="single source"):
        load(fixture_dir)


def test_a_state_media_source_is_held_to_the_same_rule(fixture_dir):
    extra = "sources:\n  - {id: src-tv, title: State television, kind: state-media}\n"
    write(fixture_dir, sources="[src-tv]", extra=extra)
    with pytest.raises(RecordError, match="single source of kind state-media"):
        load(fixture_dir)


def test_a_second_source_of_another_kind_lifts_the_rule(fixture_dir):
    write(fixture_dir, sources="[src-blog, src-paper]")
    load(fixture_dir)


def test_a_scholarly_single_source_is_not_caught(fixture_dir):
    write(fixture_dir, sources="[src-paper]")
    load(fixture_dir)


def test_an_opinion_from_that_source_about_the_state_attributes_it(fixture_dir):
    extra = ("opinions:\n  - {id: blog-uzb, source: src-blog, speaker: A blogger, "
             "statement: \"Uzbekistan observes NATO.\", about: [UZB, NATO]}\n")
    write(fixture_dir, extra=extra)
    load(fixture_dir)


def test_an_opinion_about_another_state_does_not(fixture_dir):
    extra = ("opinions:\n  - {id: blog-rus, source: src-blog, speaker: A blogger, "
             "statement: \"Russia leads.\", about: [RUS, NATO]}\n")
    write(fixture_dir, extra=extra)
    with pytest.raises(RecordError, match="single source"):
        load(fixture_dir)


CONFLICT = """\
conflicts:
  - id: uzb-nato
    question: Does Uzbekistan observe NATO?
    claims:
      - {value: "yes", source: src-blog}
      - {value: "no", source: src-paper}
    preferred: "no"
    why: The paper is the better source.
"""


def test_a_conflict_citing_the_source_and_named_in_the_note_attributes_it(fixture_dir):
    write(fixture_dir, note="    note: See conflict uzb-nato.\n", extra=CONFLICT)
    load(fixture_dir)


def test_a_conflict_not_named_in_the_note_does_not(fixture_dir):
    write(fixture_dir, extra=CONFLICT)
    with pytest.raises(RecordError, match="single source"):
        load(fixture_dir)

"""The member decision model: stances follow the documented factors, never a case or a country pair."""

from __future__ import annotations

import re
from pathlib import Path


from csto.sim import FACTORS, OUTCOMES, Situation, compile, run
from csto.sim.decisions import factors, stance_means, treaty_basis

STATES = ("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK")


def sit(**changes) -> Situation:
    base = dict(id="t", date="2022-09-13", kind="armed-aggression", target="ARM", perpetrator="AZE",
                actions=("joint-consultations", "assistance-including-military"))
    base.update(changes)
    return Situation(**base)


def test_the_strongest_obligation_sets_the_treaty_basis(params):
    b = treaty_basis(sit(), params)
    assert b.action == "assistance-including-military" and b.strength == 1.0 and b.ceiling == 5


def test_flags_weaken_the_treaty_basis(params):
    assert treaty_basis(sit(flags=("outside-recognised-territory",)), params).strength < 1.0


def test_without_any_article_the_basis_is_the_no_article_entry(params):
    b = treaty_basis(sit(actions=()), params)
    assert b.action is None and b.strength == params.basis.no_article.strength


def test_ties_with_the_perpetrator_lower_a_members_stance(params):
    fx = factors(sit(), STATES, params)
    means = dict(zip(STATES, stance_means(fx, params)))
    assert fx["ties_perpetrator"][STATES.index("RUS")] > 0  # declaration on allied interaction, 2022
    assert means["RUS"] < means["BLR"] and means["KAZ"] < means["BLR"]


def test_relations_are_dated(params):
    before = factors(sit(date="2021-05-13"), STATES, params)["ties_perpetrator"][STATES.index("RUS")]
    after = factors(sit(date="2022-09-13"), STATES, params)["ties_perpetrator"][STATES.index("RUS")]
    assert 0 < before < after


def test_a_war_elsewhere_is_a_competing_commitment_only_from_its_date(params):
    assert factors(sit(date="2022-01-05"), STATES, params)["competing_commitment"][STATES.index("RUS")] == 0
    assert factors(sit(date="2022-09-13"), STATES, params)["competing_commitment"][STATES.index("RUS")] == 1


def test_unrest_engages_the_regime_security_interest(params):
    assert factors(sit(kind="internal-unrest"), STATES, params)["regime_security"].all()
    assert not factors(sit(), STATES, params)["regime_security"].any()


def test_a_member_perpetrator_is_marked_for_itself_and_the_others(params):
    fx = factors(sit(target="KGZ", perpetrator="TJK", kind="armed-clash-between-members"), STATES, params)
    assert fx["is_perpetrator"].tolist() == [0, 0, 0, 0, 0, 1]
    assert fx["perpetrator_member"].tolist() == [1, 1, 1, 1, 1, 0]


def test_every_factor_has_a_weight_with_a_rationale(params):
    for name in FACTORS:
        assert len(getattr(params.decision.weights, name).rationale) > 10


def test_a_frozen_member_neither_votes_nor_contributes(record, params):
    model = compile(sit(date="2025-06-01", target="KAZ", perpetrator=None, kind="internal-unrest",
                        actions=("assistance-including-military",)), record, params)
    arm = model.states.index("ARM")
    assert not model.voting[arm] and model.contingent[arm] == 0
    assert any("ARM" in n and "frozen" in n for n in model.notes)


def test_standing_aside_only_under_a_rule_that_allows_it(record, params):
    plain = compile(sit(), record, params)
    aside = compile(sit(rule="consensus-stand-aside"), record, params)
    assert (plain.p_stand_aside == 0).all() and (aside.p_stand_aside > 0).all()
    # reluctant members who may stand aside block less often
    assert run(aside, 4000, 1)["outcomes"]["troops"] > run(plain, 4000, 1)["outcomes"]["troops"]


def test_no_state_code_appears_in_the_simulation_code():
    src = Path(__file__).resolve().parents[2] / "src" / "csto" / "sim"
    codes = re.compile(r"[\"'](ARM|AZE|BLR|KAZ|KGZ|RUS|TJK|UZB)[\"']")
    for path in src.rglob("*.py"):
        assert not codes.search(path.read_text()), path


def test_a_flag_can_cap_the_ceiling_and_the_floor_never_exceeds_it(params):
    b = treaty_basis(sit(flags=("treaty-not-in-force",)), params)
    assert b.ceiling == 0 and b.floor == 0 and b.caps["treaty-not-in-force"]["ceiling"] == "nothing"


def test_a_non_member_target_caps_the_ceiling_at_a_mission(params):
    b = treaty_basis(sit(flags=("target-not-member",)), params)
    assert b.ceiling == OUTCOMES.index("mission") and b.floor <= b.ceiling


def test_flags_without_caps_leave_the_articles_ceiling_and_floor(params):
    plain, flagged = treaty_basis(sit(), params), treaty_basis(sit(flags=("perpetrator-unknown",)), params)
    assert (plain.ceiling, plain.floor) == (flagged.ceiling, flagged.floor) and not flagged.caps

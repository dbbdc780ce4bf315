"""The member decision model: stances follow the documented factors, never a case or a country pair."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

from csto.sim import FACTORS, OUTCOMES, Situation, compile, run
from csto.sim.decisions import factors, matrix, stance_means, treaty_basis

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


def test_a_frozen_member_is_left_out_of_the_model(record, params):
    model = compile(sit(date="2025-06-01", target="KAZ", perpetrator=None, kind="internal-unrest",
                        actions=("assistance-including-military",)), record, params)
    assert "ARM" not in model.states and model.info["absent"] == {"ARM": "frozen"}
    assert model.voting.all() and model.n == len(model.factors) == len(model.contingent)
    assert any(n.startswith("ARM: participation frozen") for n in model.notes)


def test_standing_aside_only_under_a_rule_that_allows_it(record, params):
    plain = compile(sit(), record, params)
    aside = compile(sit(rule="consensus-stand-aside"), record, params)
    assert not plain.stand_aside and aside.stand_aside and aside.p_stand_aside > 0
    assert plain.threshold == aside.threshold == 1
    # reluctant members who may stand aside block less often
    assert run(aside, 4000, 1)["outcomes"]["troops"] > run(plain, 4000, 1)["outcomes"]["troops"]


CODES = {"ARM", "AZE", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"}


def _code_strings(tree: ast.AST) -> list[str]:
    """String constants in code (docstrings aside) that are, or are quoted in, a state code."""
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and any(f"{q}{c}{q}" in f"'{node.value}'" for c in CODES for q in "'\"")]


def test_no_state_code_appears_in_the_simulation_code():
    # outcomes emerge from the factors: no branch on a country (a docstring may name one as an example)
    src = Path(__file__).resolve().parents[2] / "src" / "csto" / "sim"
    for path in src.rglob("*.py"):
        assert not _code_strings(ast.parse(path.read_text())), path


def test_the_state_code_check_finds_a_code_in_code_but_not_in_a_docstring():
    assert _code_strings(ast.parse('def f(s):\n    """``("RUS", "AZE")``"""\n    return s == "RUS"\n')) == ["RUS"]


def test_a_flag_can_cap_the_ceiling_and_the_floor_never_exceeds_it(params):
    b = treaty_basis(sit(flags=("treaty-not-in-force",)), params)
    assert b.ceiling == 0 and b.floor == 0 and b.caps["treaty-not-in-force"]["ceiling"] == "nothing"


def test_a_non_member_target_caps_the_ceiling_at_a_mission(params):
    b = treaty_basis(sit(flags=("target-not-member",)), params)
    assert b.ceiling == OUTCOMES.index("mission") and b.floor <= b.ceiling


def test_flags_without_caps_leave_the_articles_ceiling_and_floor(params):
    plain, flagged = treaty_basis(sit(), params), treaty_basis(sit(flags=("perpetrator-unknown",)), params)
    assert (plain.ceiling, plain.floor) == (flagged.ceiling, flagged.floor) and not flagged.caps


def test_a_target_only_flag_is_ignored_unless_the_target_carries_it(params):
    # a bystander's freeze (listed on the Assessment) does not weaken the duty owed to the target
    bystander = treaty_basis(sit(flags=("participation-frozen",)), params)
    target = treaty_basis(sit(flags=("participation-frozen",)), params, frozenset({"participation-frozen"}))
    assert bystander.strength == 1.0 and bystander.penalties == {}
    penalty = params.basis.flags["participation-frozen"].penalty
    assert target.penalties == {"participation-frozen": penalty} and target.strength == 1.0 - penalty


def test_flag_penalties_add_up_and_the_basis_never_falls_below_zero(params):
    flags = ("outside-recognised-territory", "internal-matter")
    b = treaty_basis(sit(flags=flags), params)
    assert b.strength == max(0.0, 1.0 - sum(params.basis.flags[f].penalty for f in flags))
    assert treaty_basis(sit(flags=("treaty-not-in-force", "internal-matter")), params).strength == 0.0


def test_an_unknown_flag_changes_nothing(params):
    assert treaty_basis(sit(flags=("no-such-flag",)), params) == treaty_basis(sit(), params)


def test_every_factor_has_one_value_per_state(params):
    fx = factors(sit(), STATES, params)
    assert set(fx) == set(FACTORS)
    assert all(v.shape == (len(STATES),) for v in fx.values())
    assert (fx["treaty_basis"] == treaty_basis(sit(), params).strength).all()


def test_the_factor_matrix_has_one_row_per_state_in_the_order_of_FACTORS(params):
    fx = factors(sit(kind="internal-unrest"), STATES, params)
    m = matrix(fx)
    assert m.shape == (len(STATES), len(FACTORS))
    for j, name in enumerate(FACTORS):
        assert np.array_equal(m[:, j], fx[name]), name


def test_the_factor_matrix_of_no_states_is_empty(params):
    assert matrix(factors(sit(), (), params)).shape == (0, len(FACTORS))


def test_compiled_stance_means_are_the_factors_weighted_at_the_prior_centre(record, params):
    model = compile(sit(), record, params)
    fx = factors(sit(), model.states, params, treaty_basis(sit(), params))
    w = params.decision.weights
    by_hand = w.intercept.value + matrix(fx) @ np.array([getattr(w, f).value for f in FACTORS])
    assert np.allclose(stance_means(fx, params), by_hand)
    assert np.array_equal(model.factors, matrix(fx))

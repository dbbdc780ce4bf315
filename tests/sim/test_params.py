"""data/sim/: every parameter grounded (a source or an admitted assumption), errors with file and line."""

from __future__ import annotations

import re
import shutil

import pytest

from csto.record import RecordError, default_data_dir
from csto.sim import load_params
from csto.sim.params import FILES
from csto.sim.theta import prior_key

SIM = default_data_dir() / "sim"
SEEDS = default_data_dir() / "seeds"


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def test_the_shipped_parameters_load_and_cite_only_known_sources(params):
    assert params.decision.weights.treaty_basis.value > 0
    assert set(params.basis.articles) >= {"assistance-including-military", "measures-of-assistance"}


def test_the_decision_file_has_the_request_statement_and_refusal_stages_with_prior_spreads(params):
    d = params.decision
    for number in (d.request.intercept, d.request.bilateral, d.statement.intercept, d.refusal.intercept,
                   d.refusal.gap, d.weights.treaty_basis, d.stance_sd):
        assert number.sd > 0, number.rationale
    assert d.cutpoints.sd is not None and len(d.cutpoints.sd) == 5


def test_the_process_file_has_the_decision_time_horizon_and_assumed_budget(params):
    pr = params.process
    assert pr.decision_time.log_median.sd > 0 and pr.decision_time.sigma.value > 0
    assert pr.horizon_days.value > 0 and pr.max_carry_years.value > 0
    assert 0 < sum(pr.assumed_budget_shares.value.values()) <= 1


def test_the_basis_file_describes_the_decision_rules_and_target_only_flags(params):
    rules = params.basis.decision_rules
    assert (rules["consensus"].threshold, rules["consensus"].stand_aside) == (1, False)
    assert rules["consensus-stand-aside"].stand_aside
    assert params.basis.flags["participation-frozen"].target_only
    assert not params.basis.flags["internal-matter"].target_only


def test_the_shipped_posterior_was_calibrated_from_the_shipped_priors(params):
    assert params.posterior is not None and params.posterior["prior_key"] == params.base_key == prior_key(params)


def _walk(node):
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_every_quoted_seed_passage_is_verbatim(record):
    from csto.record.yamlio import read

    seeds = {s.id: normalise((SEEDS / s.file).read_text()) for s in record.sources() if s.file}
    checked = 0
    for name in FILES:
        for node in _walk(read(SIM / f"{name}.yaml")):
            for ref in node.get("sources", []) if isinstance(node.get("sources"), list) else []:
                if isinstance(ref, dict) and ref.get("passage") and ref["id"] in seeds:
                    assert normalise(ref["passage"]) in seeds[ref["id"]], ref
                    checked += 1
    assert checked >= 5


def _copy(tmp_path):
    target = tmp_path / "sim"
    shutil.copytree(SIM, target)
    return target


def test_a_parameter_without_source_or_assumption_is_refused_with_file_and_line(tmp_path):
    sim = _copy(tmp_path)
    path = sim / "decision.yaml"
    text = path.read_text().replace(
        "    rationale: Closer relations with the state asking for help make a member readier to act for it.\n"
        "    assumption: true\n",
        "    rationale: Closer relations with the state asking for help make a member readier to act for it.\n")
    path.write_text(text)
    with pytest.raises(RecordError) as err:
        load_params(sim)
    assert "decision.yaml:" in str(err.value) and "weights.ties_target" in str(err.value)
    assert "assumption: true" in str(err.value)


def test_an_unknown_source_is_refused(tmp_path, record):
    sim = _copy(tmp_path)
    path = sim / "relations.yaml"
    path.write_text(path.read_text().replace("sources: [crisis-mfa-az-turkic-council]", "sources: [no-such-source]", 1))
    with pytest.raises(RecordError, match="unknown source.*no-such-source"):
        load_params(sim, known_sources={s.id for s in record.sources()})


def _line_of(text: str, key_line: str, after: str) -> int:
    return text[:text.index(key_line, text.index(after))].count("\n") + 1


def test_a_parameter_without_rationale_is_refused_with_file_and_line(tmp_path):
    sim = _copy(tmp_path)
    path = sim / "decision.yaml"
    text = path.read_text()
    start = text.index("statement:\n")
    rationale = text.index("    rationale:", start)
    end = text.index("    assumption:", rationale)
    path.write_text(text[:rationale] + text[end:])
    with pytest.raises(RecordError) as err:
        load_params(sim)
    line = _line_of(text, "  intercept:", "statement:\n")
    assert f"decision.yaml:{line}: statement.intercept.rationale" in str(err.value)


def test_a_decision_rule_without_source_or_assumption_is_refused_with_file_and_line(tmp_path):
    sim = _copy(tmp_path)
    path = sim / "basis.yaml"
    text = path.read_text()
    path.write_text(text.replace("    sources: [pub-csto-charter]\n", "", 1))
    with pytest.raises(RecordError) as err:
        load_params(sim)
    line = _line_of(text, "  consensus:", "decision_rules:")
    assert f"basis.yaml:{line}: decision_rules.consensus" in str(err.value) and "assumption: true" in str(err.value)


def test_a_negative_prior_spread_is_refused_with_file_and_line(tmp_path):
    sim = _copy(tmp_path)
    path = sim / "process.yaml"
    text = path.read_text()
    at = text.index("    sd:", text.index("  urgent:"))
    path.write_text(text[:at] + "    sd: -1.0\n" + text[text.index("\n", at) + 1:])
    with pytest.raises(RecordError) as err:
        load_params(sim)
    line = _line_of(text, "    sd:", "  urgent:")  # the line of the bad value itself
    assert f"process.yaml:{line}: decision_time.urgent.sd" in str(err.value)


def test_cutpoints_must_increase(tmp_path):
    sim = _copy(tmp_path)
    path = sim / "decision.yaml"
    path.write_text(path.read_text().replace("[-2.5, -1.5, -0.5, 1.0, 2.0]", "[-2.5, -1.5, -0.5, 1.0, 0.0]"))
    with pytest.raises(RecordError, match="cutpoints must increase"):
        load_params(sim)


def test_a_missing_file_is_named(tmp_path):
    sim = _copy(tmp_path)
    (sim / "basis.yaml").unlink()
    with pytest.raises(RecordError, match="basis.yaml"):
        load_params(sim)


def test_an_overlay_replaces_a_value_without_touching_the_files(params):
    changed = params.with_overlay({"weights.ties_perpetrator": -5.0, "mobilise.median": 2.0})
    assert changed.decision.weights.ties_perpetrator.value == -5.0
    assert changed.process.mobilise.value.median == 2.0
    assert params.decision.weights.ties_perpetrator.value != -5.0 and params.process.mobilise.value.median != 2.0


def test_an_overlaid_number_is_fixed_its_spread_zero(params):
    changed = params.with_overlay({"weights.ties_perpetrator": -5.0, "decision_time.log_median": 3.0})
    assert changed.decision.weights.ties_perpetrator.sd == 0 and changed.process.decision_time.log_median.sd == 0
    assert changed.decision.weights.ties_target.sd == params.decision.weights.ties_target.sd  # the rest drawn
    assert params.decision.weights.ties_perpetrator.sd > 0


def test_overlaid_cutpoints_lose_their_spreads(params):
    changed = params.with_overlay({"cutpoints": [-3.0, -2.0, -1.0, 0.0, 1.0]})
    assert changed.decision.cutpoints.value == [-3.0, -2.0, -1.0, 0.0, 1.0] and changed.decision.cutpoints.sd is None


def test_an_overlay_records_the_paths_it_fixed_and_keeps_the_files_prior_key(params):
    once = params.with_overlay({"weights.treaty_basis": 2.0, "p_stand_aside": 0.1})
    twice = once.with_overlay({"refusal.gap": 0.0, "weights.treaty_basis": 2.5})
    assert params.fixed == ()
    assert once.fixed == ("weights.treaty_basis", "p_stand_aside")
    assert twice.fixed == ("weights.treaty_basis", "p_stand_aside", "refusal.gap")
    assert twice.base_key == params.base_key and twice.posterior is params.posterior
    assert prior_key(twice) != params.base_key  # the priors in force did change


@pytest.mark.parametrize("overlay, path", [({"weights.no_such": 1.0}, "weights.no_such"), ({"nowhere": 1}, "nowhere"),
                                           ({"request.intercept.deeper": 1.0}, "request.intercept.deeper")])
def test_an_overlay_of_an_unknown_path_is_refused_naming_it(params, overlay, path):
    with pytest.raises(RecordError, match=f"{re.escape(path)}: no such parameter"):
        params.with_overlay(overlay)


@pytest.mark.parametrize("overlay", [{"cutpoints": [3, 2, 1, 0, -1]}, {"p_stand_aside": 1.5},
                                     {"decision_rules.consensus.threshold": 0}])
def test_an_overlay_of_an_impossible_value_is_refused(params, overlay):
    with pytest.raises(RecordError):
        params.with_overlay(overlay)


def test_every_relation_commitment_and_constraint_admits_its_number_is_an_assumption(params):
    # the documents and dates are sourced; the numbers put on them are judgement calls
    rel = params.relations
    for entry in [*rel.relations, *rel.commitments, *rel.domestic]:
        assert entry.assumption, entry.what


def test_a_dated_value_without_source_or_assumption_is_refused_with_file_and_line(tmp_path):
    sim = _copy(tmp_path)
    path = sim / "relations.yaml"
    text = path.read_text()
    start = text.index("commitments:")
    block = text[start:text.index("domestic:")]
    bare = block.replace("    assumption: true\n", "")
    bare = bare[:bare.index("    sources:")] + "\n"
    path.write_text(text.replace(block, bare))
    with pytest.raises(RecordError) as err:
        load_params(sim)
    assert "relations.yaml:" in str(err.value) and "commitments[0]" in str(err.value)
    assert "assumption: true" in str(err.value)


@pytest.mark.parametrize("field", ["ceiling", "floor"])
def test_a_flag_cap_must_be_an_outcome_class(tmp_path, field):
    sim = _copy(tmp_path)
    path = sim / "basis.yaml"
    text = path.read_text()
    flag = text.index("  treaty-not-in-force:")
    line = text.index(f"    {field}: nothing\n", flag)
    path.write_text(text[:line] + f"    {field}: war\n" + text[line + len(f"    {field}: nothing\n"):])
    with pytest.raises(RecordError, match=f"basis.yaml:\\d+: flags.treaty-not-in-force.{field}"):
        load_params(sim)

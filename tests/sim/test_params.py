"""data/sim/: every parameter grounded (a source or an admitted assumption), errors with file and line."""

from __future__ import annotations

import re
import shutil

import pytest

from csto.record import RecordError
from csto.sim import load_params
from csto.sim.params import FILES


from csto.record import default_data_dir

SIM = default_data_dir() / "sim"
SEEDS = default_data_dir() / "seeds"


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def test_the_shipped_parameters_load_and_cite_only_known_sources(params):
    assert params.decision.weights.treaty_basis.value > 0
    assert set(params.basis.articles) >= {"assistance-including-military", "measures-of-assistance"}


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
    changed = params.with_overlay({"weights.ties_perpetrator": -5.0, "consult.median": 2.0})
    assert changed.decision.weights.ties_perpetrator.value == -5.0
    assert changed.process.consult.value.median == 2.0
    assert params.decision.weights.ties_perpetrator.value != -5.0


@pytest.mark.parametrize("overlay", [{"weights.no_such": 1.0}, {"nowhere": 1}, {"cutpoints": [3, 2, 1, 0, -1]}])
def test_a_bad_overlay_is_refused(params, overlay):
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
    assert "relations.yaml:" in str(err.value) and "commitments.0" in str(err.value)
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

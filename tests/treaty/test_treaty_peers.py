"""The peers' articles are held in the law's format but never enter an assessment of the CSTO."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csto.errors import CstoError
from csto.treaty import load_law

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_reads_only_the_cstos_law(law):
    day = date(2025, 1, 1)
    held = {x.article.id for x in law.in_force(day)}
    assert not held & {"nato-4", "nato-5", "ru-am-1997-3", "union-state-security", "sco-2"}
    assert {"nato-4", "nato-5"} <= {x.article.id for x in law.in_force(day, ("nato",))}


def test_every_instrument_names_an_organization(law):
    assert {i.organization for i in law.instruments.values()} == {"csto", "un", "nato", "sco", "russia-armenia",
                                                                   "union-state"}


def _copy_law(tmp_path):
    for name in ("articles.yaml", "instruments.yaml", "kinds.yaml", "flags.yaml"):
        (tmp_path / name).write_text((ROOT / "data" / "treaty" / name).read_text(encoding="utf-8"), encoding="utf-8")


def test_an_unknown_organization_is_rejected_with_file_line_and_value(tmp_path):
    _copy_law(tmp_path)
    text = (tmp_path / "instruments.yaml").read_text(encoding="utf-8")
    (tmp_path / "instruments.yaml").write_text(text.replace("organization: nato\n", "organization: warsaw-pact\n", 1),
                                                encoding="utf-8")
    with pytest.raises(CstoError, match=r"instruments.yaml:\d+: .*organization.*warsaw-pact"):
        load_law(tmp_path)


def test_a_csto_duty_through_natos_council_is_rejected(tmp_path):
    _copy_law(tmp_path)
    text = (tmp_path / "articles.yaml").read_text(encoding="utf-8")
    text = text.replace("            organ: csc\n            description: Take measures to eliminate",
                        "            organ: nac\n            description: Take measures to eliminate", 1)
    (tmp_path / "articles.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CstoError, match=r"cst-2.*organ.*another organization.*nac"):
        load_law(tmp_path)


def test_an_unknown_provision_is_rejected(tmp_path):
    _copy_law(tmp_path)
    text = (tmp_path / "articles.yaml").read_text(encoding="utf-8")
    (tmp_path / "articles.yaml").write_text(text.replace("provides: [nuclear-weapons, military-cooperation]",
                                                         "provides: [space-lasers]", 1), encoding="utf-8")
    with pytest.raises(CstoError, match=r"articles.yaml:\d+: .*provides.*space-lasers"):
        load_law(tmp_path)

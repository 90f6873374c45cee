"""SME ladder checks beyond tests/test_rule_cases.py: growth caveats name the [L] default, and the
profile switches (arithmetic growth, no prerequisite) as overlays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from rules.assess import assess
from rules.catalogue import ENTERPRISE_BY_ID, MAKER_RANKS
from rules.profile import load
from rules.record import RecordError, make_record
from tests.conftest import credit_code
from tests.test_rule_cases import CASES, _profile, _record, _tree

SME_CASES = yaml.safe_load((CASES / "sme.yaml").read_text(encoding="utf-8"))


def _run(case: dict, profile=None):
    target = _record(case, case.get("record", {}), credit_code(0))
    return assess(target, profile or _profile(case.get("profile", "huangyan-2022")),
                  date.fromisoformat(str(case["as_of"])))


def test_growth_caveats_name_the_low_confidence_default() -> None:
    """Every growth caveat of the cases (checked as text by tests/test_rule_cases.py) says the
    averaging method is a low-confidence default."""
    cases = [c for c in SME_CASES if any(c.get("caveats", {}).values())]
    assert cases
    for case in cases:
        result = _run(case)
        for where, text in case["caveats"].items():
            if text is not None:
                assert "低可信度默认值" in _tree(result, where).caveat, where


def _case(prefix: str) -> dict:
    return next(c for c in SME_CASES if c["name"].startswith(prefix))


def _overlay(tmp_path: Path, params: str) -> Path:
    folder = tmp_path / "overlay"
    folder.mkdir()
    (folder / "profile.yaml").write_text(f"""profile:
  id: sme-overlay
  name: 梯度参数覆盖（测试用）
  version: "1"
  base: huangyan-2022
  effective: 2022-01-01
sources:
  test:
    title: 测试用覆盖
    ref: tests/test_sme_ladder.py
    confidence: L
parameters:
{params}""", encoding="utf-8")
    return folder


def test_arithmetic_growth_reverses_the_caveat(tmp_path: Path) -> None:
    profile = load(_overlay(tmp_path, "  sme.growth_method: {value: arithmetic, unit: 无, "
                                      "effective: 2022-01-01, source: test, clause: 算术平均}\n"))
    result = _run(_case("2022 小巨人 growth"), profile)
    node = _tree(result, "sme:little_giant.growth")
    assert node.outcome.value == "met" and node.value == 0.05
    assert "main_revenue_prev" in node.inputs
    assert "按算术平均（5.00%）满足、按几何平均（4.88%）不满足" in node.caveat
    assert result.sme["tier"] == "little_giant"
    assert "按几何平均计算时，层级为专精特新中小企业" in result.trees["sme"].caveat


def test_prerequisite_can_be_switched_off(tmp_path: Path) -> None:
    """A county that follows 63号's 认定标准 literally: no 创新型 needed for 专精特新."""
    profile = load(_overlay(tmp_path, "  sme.2022.prerequisite: {value: none, unit: 无, "
                                      "effective: 2022-01-01, source: test, clause: 不要求}\n"))
    case = _case("2022 — meets 专精特新's conditions but fails 创新型")
    assert _run(case).sme["tier"] == "none"
    result = _run(case, profile)
    assert result.sme["tier"] == "specialised"
    assert _tree(result, "sme:specialised.prerequisite").outcome.value == "not_applicable"


def test_maker_rank_field_is_a_choice_and_blank_is_unknown() -> None:
    f = ENTERPRISE_BY_ID["maker_china_rank"]
    assert f.choices == MAKER_RANKS == ("无", "500强", "50强") and "sme" in f.needed_by
    assert make_record({"maker_china_rank": "50强"}).maker_china_rank == "50强"
    assert make_record({}).maker_china_rank is None
    with pytest.raises(RecordError):
        make_record({"maker_china_rank": "100强"})

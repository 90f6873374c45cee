"""The bundled sample park: reproducible from its script, labelled 示例数据, and covering what a
newcomer should see — every cohort and class, exclusions, every SME rung, projects on both
sides of 0.52, each digital recognition, and one rejected row per kind of import error."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.resources import resource_path
from forms import pipeline
from forms.importer import dry_run
from rules.catalogue import ENTERPRISE_FIELDS, PROJECT_FIELDS
from rules.profile import load
from tests.conftest import ROOT

SAMPLE = resource_path("sample", "sample-park.xlsx")


def _generator():
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "scripts" / "make_sample.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb}


def test_script_reproduces_the_bundled_workbook(tmp_path):
    out = _generator().main(tmp_path / "again.xlsx")
    assert _values(out) == _values(SAMPLE)


@pytest.fixture(scope="module")
def checked():
    return dry_run(SAMPLE)


@pytest.fixture(scope="module")
def results(checked, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "results.json"
    pipeline.run(SAMPLE, load("huangyan-2022"), date(2026, 11, 22), store=None, json_out=out,
                 imported=checked)
    return [r for r in json.loads(out.read_text(encoding="utf-8"))["enterprises"] if "mujun" in r]


def test_labelled_sample_throughout():
    wb = load_workbook(SAMPLE, read_only=True)
    for ws in wb:
        assert "示例数据" in str(next(ws.iter_rows(max_row=1, values_only=True))[0]), ws.title
    names = [r[0] for r in load_workbook(SAMPLE)["企业数据"].iter_rows(min_row=4, values_only=True)]
    assert len(names) == 290
    assert all(n.endswith("（示例）") for n in names if n), [n for n in names if n and "示例" not in n]


def test_one_rejected_row_per_kind_of_mistake(checked):
    gen = _generator()
    headers = {f.id: f.header for f in (*ENTERPRISE_FIELDS, *PROJECT_FIELDS)}
    assert len(checked.valid) == 273
    bad = {(r.sheet, r.cells[-1]): r for r in checked.invalid}  # the 备注 column names the mistake
    assert len(bad) == len(gen.BAD_ROWS) + len(gen.BAD_PROJECTS) == 19
    for sheet, rows in (("企业数据", gen.BAD_ROWS), ("新上项目", gen.BAD_PROJECTS)):
        for note, change in rows:
            row = bad[(sheet, note)]
            field = next(iter(change))
            assert [e.column for e in row.checked.errors] == [headers[field]], note
    reasons = "\n".join(e.message for r in checked.invalid for e in r.checked.errors)
    for words in ("带有文字或单位“亩”", "错误值“#DIV/0!”", "错误值“N/A”", "公式没有计算结果", "存成了数字（显示为科学计数法", 
                  "校验位错误", "不是 是/否", "重复", "“二〇二五”不是数字", "是必填项", "开头的 0 可能已丢失",
                  "晚于数据年度", "必须大于 0", "大于允许的最大值 100", "不是可选值", "不认识的选项“隐形冠军”",
                  "应为整数", "没有这一信用代码", "带有文字或单位“万元”"):
        assert words in reasons


def test_every_cohort_class_and_exclusion(results):
    classes = Counter((r["mujun"]["cohort"], r["mujun"]["class"]) for r in results)
    for cohort in ("above_scale", "below_scale"):
        assert all(classes[(cohort, k)] >= 3 for k in "ABCD"), classes
    reasons = "；".join(r["mujun"]["reason"] for r in results)
    for why in ("企业未投产", "成立不满规定年限", "新取得土地不满规定年限", "属电力、热力、燃气及水生产和供应业",
                "不属于工业", "不足 3 亩", "无法判断是否规上"):
        assert why in reasons
    assert {r["mujun"]["status"] for r in results} >= {"scored", "not_graded", "incomplete"}
    assert len({r["sheet"] for r in results}) == 1
    firms = load_workbook(SAMPLE)["企业数据"]
    counties = {r[3] for r in firms.iter_rows(min_row=4, values_only=True) if r[3]}
    industries = {r[5] for r in firms.iter_rows(min_row=4, values_only=True) if r[5]}
    assert len(counties) >= 5 and len(industries) >= 10


def test_sme_rungs_projects_rectification_and_digital(results):
    tiers = Counter(r["sme"]["tier"] for r in results)
    assert all(tiers[t] >= 3 for t in ("none", "innovative", "specialised", "little_giant")), tiers
    projects = [g for r in results for g in r["green_channel"]]
    from rules.assessments.green_channel import basis_intensity

    intensities = [basis_intensity(g) for g in projects if basis_intensity(g) is not None]
    assert min(intensities) < 0.52 < max(intensities)
    assert {g["eligible"] for g in projects} == {True, False}
    assert 0.519 in [round(i, 3) for i in intensities] and 0.521 in [round(i, 3) for i in intensities]
    flagged = [r for r in results if r["rectification"]["flagged"]]
    assert 0.1 < len(flagged) / len(results) < 0.4
    assert {why for r in flagged for why in r["rectification"]["reasons"]} >= {
        "class_d", "low_tax_above_scale", "low_tax_below_scale", "large_land_below_scale"}
    eligible = Counter(k for r in results for k in r["digital"]["eligible"])
    assert all(eligible[k] >= 3 for k in ("digital_workshop", "smart_factory", "future_factory"))

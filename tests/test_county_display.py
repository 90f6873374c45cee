"""A county's method shown everywhere (issue 15): the result panel, the firm report, the park
summary, the results workbook and 结果一览 show the indicators actually scored (亩均营业收入 …,
none that no cohort scores), 指标合计得分 / 加减分 (each line with its basis) / 综合得分, 初评 →
调档后 with the reason and who and when, the industry group ranked in, and 缓评; the park
manager's 加减分与调档 dialog stores an entry and ranks the year again.

The sample park is assessed under a small county profile written here (base zhejiang): 规上
scores 亩均营业收入 on the population's aggregate, 规下 the 温岭-like three with population
benchmarks; per-cohort shares; two industry groups; 加减分 for tenants (count) and a manual
safety item; a 高新技术企业 regrade rule; 缓评 after two years; the two extra cohorts. A copy of
the sample workbook gets the three county fields (tenant count, own land, merger year) and a
few 高新技术 titles."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt

from desktop.context import AppContext
from desktop.mainwindow import MainWindow
from desktop.models import ResultsModel, read_extras, used_columns
from desktop.reports.firm import write_firm_report
from desktop.reports.summary import ParkSummary, write_park_summary
from desktop.settings import Settings
from desktop.widgets.manual_entry import ManualEntryDialog
from desktop.widgets.result_panel import ResultPanel
from forms import pipeline
from forms.excel.export import RESULT_HEADERS, layout_for, write_stored_results
from forms.firm import assess_firm
from forms.store import BROWSE_COLUMNS, REGRADE, Store
from rules.assessments.mujun import UNGROUPED
from rules.profile import Profile, load
from tests.conftest import ROOT

AS_OF = date(2026, 6, 30)
CODE = BROWSE_COLUMNS.index("credit_code")
SAMPLE = ROOT / "resources" / "sample" / "sample-park.xlsx"
C = "{unit: 分, effective: 2025-01-01, data_year: 2025, source: t, clause: 第五条}"
B = "effective: 2025-01-01, data_year: 2025, source: t, clause: 附件"
PROFILE = f"""\
profile:
  id: county-display
  name: 示例县亩均效益评价办法（测试）
  version: "1"
  base: zhejiang
  county: 示例县
  effective: 2025-01-01
  description: 显示测试用县级配置
sources:
  t: {{title: 示例县工业企业亩均效益综合评价办法（测试）, ref: 示县政办〔2025〕1号, confidence: M}}
parameters:
  mujun.above_scale.tax_per_mu.weight: {{value: 30, {C[1:]}
  mujun.above_scale.tax_per_mu.benchmark: {{value: 24.1, unit: 万元/亩, {B}}}
  mujun.above_scale.value_added_per_mu.weight: {{value: 20, {C[1:]}
  mujun.above_scale.value_added_per_mu.benchmark: {{value: 136.16, unit: 万元/亩, {B}}}
  mujun.above_scale.value_added_per_energy.weight: {{value: 20, {C[1:]}
  mujun.above_scale.value_added_per_energy.benchmark: {{value: 2.694, unit: 万元/吨标准煤, {B}}}
  mujun.above_scale.labour_productivity.weight: {{value: 10, {C[1:]}
  mujun.above_scale.labour_productivity.benchmark: {{value: 18.14, unit: 万元/人, {B}}}
  mujun.above_scale.rd_ratio.weight: {{value: 10, {C[1:]}
  mujun.above_scale.rd_ratio.benchmark: {{value: 0.0302, unit: 比例, {B}}}
  mujun.above_scale.revenue_per_mu.weight: {{value: 10, {C[1:]}
  mujun.above_scale.revenue_per_mu.benchmark_mode: {{value: population_aggregate, unit: 无, {B}}}
  mujun.below_scale.tax_per_mu.weight: {{value: 40, {C[1:]}
  mujun.below_scale.tax_per_mu.benchmark: {{value: 11.59, unit: 万元/亩, {B}}}
  mujun.below_scale.revenue_per_mu.weight: {{value: 30, {C[1:]}
  mujun.below_scale.revenue_per_mu.benchmark_mode: {{value: population_aggregate, unit: 无, {B}}}
  mujun.below_scale.revenue_per_electricity.weight: {{value: 30, {C[1:]}
  mujun.below_scale.revenue_per_electricity.benchmark_mode: {{value: population_mean, unit: 无, {B}}}
  mujun.below_scale_small.tax_per_mu.weight: {{value: 50, {C[1:]}
  mujun.below_scale_small.tax_per_mu.benchmark_mode: {{value: population_aggregate, unit: 无, {B}}}
  mujun.below_scale_small.tax_per_electricity.weight: {{value: 50, {C[1:]}
  mujun.below_scale_small.tax_per_electricity.benchmark_mode: {{value: population_aggregate, unit: 无, {B}}}
  mujun.tenant.tax_per_mu.weight: {{value: 50, {C[1:]}
  mujun.tenant.tax_per_mu.benchmark_mode: {{value: population_aggregate, unit: 无, {B}}}
  mujun.tenant.tax_per_electricity.weight: {{value: 50, {C[1:]}
  mujun.tenant.tax_per_electricity.benchmark_mode: {{value: population_aggregate, unit: 无, {B}}}
""" + "".join(f"""\
  mujun.{c}.cutoff_{k}: {{value: {v}, {C[1:]}
""" for c in ("below_scale", "below_scale_small", "tenant") for k, v in zip("abc", (110, 80, 50))) + """\
  mujun.below_scale.share_a: {value: 0.05, unit: 比例, effective: 2025-01-01, source: t, clause: 第十一条}
  mujun.below_scale.share_b: {value: 0.75, unit: 比例, effective: 2025-01-01, source: t, clause: 第十一条}
  mujun.below_scale.share_c: {value: 0.95, unit: 比例, effective: 2025-01-01, source: t, clause: 第十一条}
  mujun.below_scale_small: {value: graded, unit: 无, effective: 2025-01-01, source: t, clause: 第三条}
  mujun.tenants: {value: own_cohort, unit: 无, effective: 2025-01-01, source: t, clause: 第三条}
  mujun.deferred_years: {value: 2, unit: 年, effective: 2025-01-01, source: t, clause: 第四条}
  mujun.min_years_since_founded: {value: null, unit: 年, effective: 2025-01-01, source: t, clause: 以缓评代替}
  mujun.min_years_since_land: {value: null, unit: 年, effective: 2025-01-01, source: t, clause: 以缓评代替}
  mujun.industry_groups:
    value: {纺织鞋帽橡塑: [[17, 19], [29, 29]], 金属及机械装备: [[30, 40]]}
    unit: 无
    effective: 2025-01-01
    source: t
    clause: 第十二条 分行业组排名
  mujun.adjustments:
    value:
      - {id: tenants, name: 出租厂房给多家企业, cohorts: [above_scale], input: count, field: tenant_count, kind: points, per_unit: -5, free: 1, clause: 第十三条}
      - {id: safety, name: 安全生产与环保, input: manual, kind: points, min: -10, max: 5, clause: 第十四条}
    unit: 无
    effective: 2025-01-01
    source: t
    clause: 第十三条、第十四条 加减分
  mujun.regrade_rules:
    value:
      - {id: hightech, name: 高新技术企业上调至B类, from: [C, D], to: B, field: titles, op: contains, value: 高新技术, clause: 第十五条}
    unit: 无
    effective: 2025-01-01
    source: t
    clause: 第十五条 调档
"""
# Internal words a person must never read in what these outputs show.
RAW = ("above_scale", "below_scale", "tenant_count", "population_aggregate", "population_mean",
       "county-display", "hightech", "safety", "deferred")


def county_park(path: Path) -> Path:
    """The sample park with tenant counts, a few firms without own land, two mergers in 2024
    and some 高新技术 titles (the sample itself leaves those fields out)."""
    wb = load_workbook(SAMPLE)
    ws = wb["企业数据"]
    heads = [c.value for c in ws[3]]
    col = {h: i + 1 for i, h in enumerate(heads)}
    n = len(heads)
    for k, h in enumerate(("出租厂房的承租企业数（家）", "是否有自有工业用地", "兼并重组年份")):
        ws.cell(3, n + 1 + k, h)
    rnd = random.Random(15)
    above = below = 0
    for r in range(4, ws.max_row + 1):
        scale = ws.cell(r, col["是否规上工业企业"]).value
        if scale == "是":
            above += 1
            if above % 9 == 0:
                ws.cell(r, n + 1, rnd.choice([2, 3, 4]))
            elif above % 9 == 1:
                ws.cell(r, n + 1, 0)
            if above % 17 == 0:
                t = ws.cell(r, col["已获称号"]).value
                ws.cell(r, col["已获称号"], (t + "、" if t else "") + "高新技术")
            if above in (50, 120):
                ws.cell(r, n + 3, 2024)
        elif scale == "否":
            below += 1
            if below % 7 == 3:
                ws.cell(r, n + 2, "否")
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The profile, the park file, and the park assessed into a store (results JSON and
    workbook written), with a manual regrade and a manual 加减分 entered and the year ranked
    again."""
    root = tmp_path_factory.mktemp("county")
    folder = root / "county-display"
    folder.mkdir()
    (folder / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    profile = load(folder)
    park = county_park(root / "park.xlsx")
    store = Store(root / "db.sqlite3")
    out = pipeline.run(park, profile, AS_OF, store=store, json_out=root / "r.json",
                       xlsx_out=root / "r.xlsx")
    entries = {e["credit_code"]: e for e in json.loads((root / "r.json").read_text("utf-8"))[
        "enterprises"] if e.get("status") == "ok"}
    # a D-class 规上 firm regraded by hand, one with tenants given a safety entry
    d_firm = next(c for c, e in entries.items() if e["mujun"]["class"] == "D"
                  and not e["mujun"]["regrade"] and e["mujun"]["cohort"] == "above_scale")
    tenants = next(c for c, e in entries.items()
                   if any(a["id"] == "tenants" and a["points"] == -5
                          for a in e["mujun"]["adjustments"]))
    store.set_manual(profile.id, d_firm, 2025, REGRADE, "C", "经园区会议研究，企业已完成技术改造",
                     "园区管理员")
    store.set_manual(profile.id, tenants, 2025, "safety", 3, "安全生产标准化二级企业", "园区管理员")
    pipeline.reassess(store, profile, AS_OF, [2025])
    ns = SimpleNamespace(root=root, profile=profile, park=park, store=store, outcome=out,
                         entries=entries, d_firm=d_firm, tenants=tenants)
    yield ns
    store.close()


def stored(county: SimpleNamespace, code: str) -> dict[str, Any]:
    return next(iter(county.store.stored_summaries(county.profile.id, [(code, 2025)])))[0]


def result(county: SimpleNamespace, code: str):
    return assess_firm(county.store.record(code, 2025), county.profile, AS_OF, county.store)


def pdf_text(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def no_codes(text: str) -> None:
    found = [w for w in RAW if w in text]
    assert not found, found


# ---------------------------------------------------------------------------- the results


def test_the_county_results_have_what_the_displays_show(county: SimpleNamespace) -> None:
    """The displays below rest on these: regrades by rule and by hand, 加减分 lines, groups,
    缓评 and the extra cohorts, population benchmarks."""
    e = county.entries
    rule = [c for c, x in e.items() if (x["mujun"]["regrade"] or {}).get("kind") == "rule"]
    assert len(rule) == 3
    assert {x["mujun"]["cohort"] for x in e.values()} >= {"above_scale", "below_scale",
                                                          "below_scale_small", "tenant",
                                                          "deferred"}
    m = stored(county, county.d_firm)["mujun"]
    assert m["regrade"]["kind"] == "manual" and m["class"] == "C" and m["initial_class"] == "D"
    m = stored(county, county.tenants)["mujun"]
    assert [a["points"] for a in m["adjustments"]] == [-5, 3]
    assert m["score"] == pytest.approx(m["indicator_points"] - 2, abs=1e-3)


# ---------------------------------------------------------------------------- the workbook


def test_results_workbook_has_the_county_columns_and_only_scored_indicators(
        county: SimpleNamespace) -> None:
    ws = load_workbook(county.root / "r.xlsx")["评估结果"]
    head = [c.value for c in ws[1]]
    for h in ("行业组", "指标合计得分（分）", "加减分（分）", "综合得分（分）", "初评等级", "调档后等级",
              "调档理由", "加减分明细", "亩均营业收入（万元/亩）", "单位用电营业收入（万元/万千瓦时）",
              "亩均营业收入基准值（万元/亩）"):
        assert h in head, h
    # no cohort of this county scores 单位排放增加值: no column stays empty for every firm
    assert not [h for h in head if h.startswith("单位排放增加值")]
    assert "分类" not in head  # 调档后等级 is the class
    assert head.index("初评等级") < head.index("调档后等级") < head.index("同类排名") < \
        head.index("说明") < head.index("调档理由")  # the reason is on screen, not printed
    rows = [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    by_code = {r["统一社会信用代码"]: r for r in rows}
    for code, x in county.entries.items():
        m, row = x["mujun"], by_code[code]
        if m["regrade"]:  # the rule regrades (the manual one came after this workbook)
            assert row["初评等级"] == m["initial_class"] and row["调档后等级"] == m["class"]
            assert row["调档理由"].replace("\n", "").startswith(
                f"初评 {m['initial_class']} 类 → 调档后 B 类，按调档规则“高新技术企业上调至B类”")
        for col in head:  # every indicator column holds some firm's value
            if col.endswith(("（万元/亩）", "（万元/万千瓦时）")):
                assert any(r[col] is not None for r in rows), col
    code, four = next((c, x["mujun"]) for c, x in county.entries.items()
                      if any(a["points"] == -15 for a in x["mujun"]["adjustments"]))
    row = by_code[code]
    assert row["加减分（分）"] == -15
    assert row["综合得分（分）"] == pytest.approx(row["指标合计得分（分）"] - 15, abs=1e-3)
    basis = four["adjustments"][0]["basis"]
    assert "4 " in basis and "-15" in basis  # the count and the points, in the rules' words
    assert row["加减分明细"].startswith(f"出租厂房给多家企业 -15 分（{basis}）；安全生产与环保 0 分（")
    deferred = next(r for r in rows if r["分组"] == "缓评")
    assert deferred["综合得分（分）"] is None and deferred["说明"].startswith("缓评：")
    notes = "\n".join(str(c.value) for row in load_workbook(county.root / "r.xlsx")["说明"]
                      for c in row if c.value)
    assert "3 家企业的分类经过调档" in notes
    assert "亩均营业收入的基准值按本次参评的同类企业计算（合计值：Σ分子 ÷ Σ分母）" in notes
    assert "综合得分 = 指标合计得分 + 加减分" in notes
    no_codes(notes)


def test_stored_workbook_shows_a_manual_regrade_and_the_default_layout_is_unchanged(
        county: SimpleNamespace, tmp_path: Path) -> None:
    keys = [(c, 2025, None, None) for c in county.entries]
    out = write_stored_results(tmp_path / "s.xlsx", county.store, county.profile.identity(),
                               keys, loaded=county.profile)
    ws = load_workbook(out)["评估结果"]
    head = [c.value for c in ws[1]]
    row = next(dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)
               if r[head.index("统一社会信用代码")] == county.d_firm)
    assert (row["初评等级"], row["调档后等级"]) == ("D", "C")
    assert row["调档理由"].replace("\n", "").startswith(
        "初评 D 类 → 调档后 C 类，人工调档：经园区会议研究，企业已完成技术改造（园区管理员，")
    # 黄岩 (no county feature) keeps its columns; a manual regrade alone adds the three
    huangyan = layout_for(load("huangyan-2022"))
    assert huangyan.headers == RESULT_HEADERS and "亩均营业收入（万元/亩）" not in RESULT_HEADERS
    assert "初评等级" in layout_for(load("huangyan-2022"), regrades=True).headers


def test_the_workbook_renders_with_the_new_columns(county: SimpleNamespace) -> None:
    """The printed part runs from the code to the last indicator (亩均营业收入 columns)."""
    ws = load_workbook(county.root / "r.xlsx")["评估结果"]
    head = [c.value for c in ws[1]]
    last = head.index("单位用电营业收入（万元/万千瓦时）")
    letter = ws.cell(1, last + 1).column_letter
    assert ws.print_area.split(":")[1].startswith(f"${letter}$")
    # the regrade reason wraps (its rows grow), not a single endless line
    assert ws.column_dimensions[ws.cell(1, head.index("调档理由") + 1).column_letter].width <= 50


# ---------------------------------------------------------------------------- the firm report


def test_firm_report_shows_adjustments_and_the_regrade(county: SimpleNamespace,
                                                       tmp_path: Path) -> None:
    r = result(county, county.d_firm)
    pages = pdf_text(write_firm_report(r, tmp_path / "d.pdf"))
    one = pages[0].replace("\n", "")
    assert "亩均效益评价：C 类（调控帮扶类）" in one
    assert "初评 D 类 → 调档后 C 类，人工调档：经园区会议研究，企业已完成技术改造（园区管理员，" in one
    group = r.mujun["group"]
    assert (f"在同年度“{group}”行业组的 " if group != UNGROUPED else "在同年度未列入本县行业组的 ") \
        in one
    assert "初评 D 类，已调档" in one  # the assessment line
    rest = "".join(pages[1:]).replace("\n", "")
    assert "亩均营业收入" in rest and "参评企业合计值" in rest
    assert "加减分项目" in rest and "安全生产与环保" in rest and "未录入（按 0 计）" in rest
    assert "综合得分 = 指标合计得分 + 加减分" in rest
    assert "调档：D 类 → C 类（调控帮扶类），人工调档" in rest
    assert "单位排放增加值" not in rest.split("附录")[0]  # not scored by this county
    no_codes(one + rest)
    t = result(county, county.tenants)
    one = pdf_text(write_firm_report(t, tmp_path / "t.pdf"))[0].replace("\n", "")
    m = t.mujun
    assert (f"综合得分 {m['score']:.2f}".rstrip("0").rstrip(".") in one
            and f"（指标合计 {round(m['indicator_points'], 2):g} 分，加减分 -2 分）" in one)
    two = pdf_text(tmp_path / "t.pdf")[1]
    basis = m["adjustments"][0]["basis"]
    assert f"出租厂房给多家企业 -5 分 {basis} [1]" in two
    assert "安全生产与环保 +3 分 手工录入 3 分：安全生产标准化二级企业（园区管理员，" in two
    assert "合计 -2 分" in two


def test_a_deferred_firm_has_a_report_that_says_so(county: SimpleNamespace,
                                                   tmp_path: Path) -> None:
    code = next(c for c, x in county.entries.items() if x["mujun"]["cohort"] == "deferred")
    r = result(county, code)
    one = pdf_text(write_firm_report(r, tmp_path / "x.pdf"))[0]
    assert "亩均效益评价：缓评" in one and "原因：缓评：" in one
    assert "分组：缓评" not in one  # said once, not as a cohort


# ---------------------------------------------------------------------------- the summary


def test_park_summary_counts_final_classes_groups_and_scored_indicators(
        county: SimpleNamespace, tmp_path: Path) -> None:
    s = ParkSummary(county.profile, AS_OF)
    codes = [(c, 2025) for c in county.entries]
    for summary, _, identity in county.store.stored_summaries(county.profile.id, codes):
        s.add_stored(summary, identity)
    assert s.regraded_total == 4  # three by rule, one by hand
    finals = sum(v.get("C", 0) for v in s.cohorts.values())
    assert finals == sum(1 for c, _ in codes if stored(county, c)["mujun"]["class"] == "C")
    pages = pdf_text(write_park_summary(s, tmp_path / "s.pdf"))
    text = "".join(pages).replace("\n", "")
    assert "其中 4 家企业的分类经过调档，各类企业数按调档后的等级计" in text
    assert "调档的企业" in text and "人工调档：经园区会议研究" in text
    assert "按行业组" in text and "金属及机械装备行业组" in text and "纺织鞋帽橡塑行业组" in text
    means = text[text.index("（二）指标平均值"):text.index("三、")]
    assert "亩均营业收入" in means and "单位用电营业收入" in means
    assert "单位排放增加值" not in means
    assert "规下企业（用地不足3亩）" in means and "无自有工业用地的企业" in means
    annex = text[text.index("附表：各组企业排名"):]
    assert "规上企业·金属及机械装备行业组" in annex and "规上企业·未列入行业组" in annex
    assert "加减分" in annex and "（初评 D）" in annex
    assert "缓评" in text  # among the firms not graded
    no_codes(text)


# ---------------------------------------------------------------------------- the panel


def test_result_panel_card_and_breakdown(county: SimpleNamespace, qtbot) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    panel.show_result(result(county, county.d_firm))
    card = panel.cards["mujun"]
    assert card.main.text().startswith("C 类 · ")
    assert "初评 D 类 → 调档后 C 类" in card.detail.text() and "行业组：" in card.detail.text()
    lines = panel.breakdown.text().splitlines()
    assert lines[0].startswith("指标合计得分 ") and lines[1] == "加减分 0 分："
    assert any(x.startswith("初评 D 类 → 调档后 C 类，人工调档：经园区会议研究") for x in lines)
    assert lines[-1].startswith("行业组：") and "排名第" in lines[-1]
    t = result(county, county.tenants)
    panel.show_result(t)
    text = panel.breakdown.text()
    assert "加减分 -2 分：" in text
    assert f"　· 出租厂房给多家企业 -5 分（{t.mujun['adjustments'][0]['basis']}）" in text
    assert "　· 安全生产与环保 +3 分（手工录入 3 分：安全生产标准化二级企业（园区管理员，" in text
    assert "综合得分" in text and not panel.breakdown.isHidden()
    code = next(c for c, x in county.entries.items() if x["mujun"]["cohort"] == "deferred")
    panel.show_result(result(county, code))
    assert panel.cards["mujun"].main.text() == "缓评"
    assert panel.cards["mujun"].detail.text().startswith("缓评：")
    assert panel.breakdown.isHidden()
    tree = panel.trees["mujun"]
    panel.show_result(result(county, county.tenants))
    labels = []
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        it = stack.pop()
        labels.append(it.text(0))
        stack += [it.child(i) for i in range(it.childCount())]
    assert {"指标合计得分", "加减分", "出租厂房给多家企业", "安全生产与环保", "综合得分"} <= set(labels)


# ---------------------------------------------------------------------------- 结果一览


def test_results_columns_follow_the_results(county: SimpleNamespace, qtmodeltester) -> None:
    rows = county.store.browse(2025, county.profile.id)
    extended = read_extras(county.store, 2025, county.profile.id, rows)
    model = ResultsModel(rows)
    model.set_extras(extended)
    assert model.set_columns(used_columns(extended))
    qtmodeltester.check(model)
    heads = [h for _, h in model.columns]
    for h in ("行业组", "加减分（分）", "初评等级", "亩均营业收入（万元/亩）", "单位用电营业收入（万元/万千瓦时）"):
        assert h in heads, h
    assert "单位排放增加值（万元/千当量）" not in heads  # no firm of the year is scored on it
    assert heads.index("初评等级") == heads.index("分类") + 1
    r = next(i for i, x in enumerate(extended) if x[CODE] == county.d_firm)
    cell = {k: model.data(model.index(r, c)) for c, (k, _) in enumerate(model.columns)}
    assert (cell["class"], cell["initial_class"]) == ("C", "D")
    assert model.data(model.index(r, model.column("class")), 3).startswith("初评 D 类 → 调档后 C 类")
    t = next(i for i, x in enumerate(extended) if x[CODE] == county.tenants)
    assert model.data(model.index(t, model.column("adjust"))) == "-2"
    d = next(i for i, x in enumerate(extended) if x[BROWSE_COLUMNS.index("cohort")] == "deferred")
    assert model.data(model.index(d, model.column("class"))) == "缓评"
    assert model.data(model.index(d, model.column("adjust"))) == ""  # none, not unknown


# ---------------------------------------------------------------------------- 加减分与调档


@pytest.fixture
def window(county: SimpleNamespace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           qtbot) -> MainWindow:
    monkeypatch.setenv("MUJUN_DATA_DIR", str(tmp_path / "data"))
    ctx = AppContext(Settings(profile=str(county.profile.path), as_of=AS_OF.isoformat()))
    pipeline.run(county.park, ctx.profile, AS_OF, store=ctx.store)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    return win


def results_page(window: MainWindow, qtbot):
    page = window.show_page("results")
    qtbot.waitUntil(lambda: page.model.extras_read and bool(page.model.rows), timeout=20_000)
    qtbot.waitUntil(lambda: page.model.column("adjust") >= 0, timeout=20_000)
    return page


def select(page, code: str) -> tuple:
    r = next(i for i in range(page.proxy.rowCount()) if page.proxy.row(i)[CODE] == code)
    page.table.selectRow(r)
    page.table.setCurrentIndex(page.proxy.index(r, 0))
    return page.proxy.row(r)


def test_manual_entry_dialog_end_to_end(window: MainWindow, county: SimpleNamespace, qtbot,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = window.ctx
    page = results_page(window, qtbot)
    code = county.d_firm
    before = ctx.store.stored_summaries(ctx.profile.id, [(code, 2025)])
    before = next(iter(before))[0]["mujun"]
    assert before["adjustments"][-1]["basis"].startswith("未录入")
    select(page, code)
    dialog = page.manual_dialog(page.selected_firm(), 2025)
    qtbot.addWidget(dialog)
    row = dialog.rows[0]
    assert row.item["name"] == "安全生产与环保" and row.value.isEnabled()
    assert not dialog.clear_regrade.isVisibleTo(dialog)  # nothing entered yet
    # out of range, a word, no reason: each refused in Chinese
    row.value.setText("-20")
    row.reason.setText("事故")
    dialog.accept()
    assert "“安全生产与环保”的分值应在 -10 至 5 分之间（第十四条），填的是 -20" in dialog.errors.text()
    row.value.setText("五")
    dialog.accept()
    assert "“安全生产与环保”的分值“五”不是数字" in dialog.errors.text()
    row.value.setText("－5")  # a full-width minus, as typed with a Chinese input method
    row.reason.setText("")
    dialog.accept()
    assert "“安全生产与环保”请写明理由" in dialog.errors.text()
    dialog.klass.setCurrentIndex(dialog.klass.findData("B"))
    row.reason.setText("2025 年发生一般安全生产事故 1 起")
    dialog.accept()
    assert "人工调档请写明理由" in dialog.errors.text()
    dialog.klass.setCurrentIndex(0)
    dialog.accept()
    assert dialog.errors.isHidden()
    assert dialog.changes() == [("safety", -5.0, "2025 年发生一般安全生产事故 1 起")]

    # through the page's button: the dialog (filled as above) and a background re-rank
    def filled(self) -> int:
        self.rows[0].value.setText("-5")
        self.rows[0].reason.setText("2025 年发生一般安全生产事故 1 起")
        self.accept()
        return self.result()

    monkeypatch.setattr(ManualEntryDialog, "exec", filled)
    monkeypatch.setattr("desktop.widgets.manual_entry.user_name", lambda given="": "测试员")
    qtbot.mouseClick(page.manual_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=60_000)
    assert "已保存 1 项录入（加减分），并按当前配置重新评估了 2025 年度全部企业（录入人：测试员）" in \
        page.outcome.label.text()
    after = next(iter(ctx.store.stored_summaries(ctx.profile.id, [(code, 2025)])))[0]["mujun"]
    safety = next(a for a in after["adjustments"] if a["id"] == "safety")
    assert safety["points"] == -5 and safety["entered"]["by"] == "测试员"
    assert safety["entered"]["reason"] == "2025 年发生一般安全生产事故 1 起"
    assert after["score"] == pytest.approx(before["score"] - 5, abs=1e-6)
    assert after["indicator_points"] == pytest.approx(before["indicator_points"], abs=1e-6)
    # the table was read again: the firm's 加减分 column says it
    page = results_page(window, qtbot)
    qtbot.waitUntil(lambda: any(
        page.model.data(page.model.index(i, page.model.column("adjust"))) == "-5"
        for i in range(page.model.rowCount())), timeout=20_000)
    # undo: the entry cleared, the score back
    select(page, code)
    dialog = page.manual_dialog(page.selected_firm(), 2025)
    qtbot.addWidget(dialog)
    assert dialog.rows[0].clear.isVisibleTo(dialog)
    dialog.rows[0].clear.setChecked(True)
    dialog.accept()
    assert dialog.changes() == [("safety", None, "")]
    page.save_manual(code, 2025, dialog.changes(), "测试员")
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=60_000)
    back = next(iter(ctx.store.stored_summaries(ctx.profile.id, [(code, 2025)])))[0]["mujun"]
    assert back["score"] == pytest.approx(before["score"], abs=1e-6)
    assert ctx.store.manual_for(ctx.profile.id, code, 2025) is None


def test_manual_regrade_through_the_dialog(window: MainWindow, county: SimpleNamespace,
                                           qtbot) -> None:
    ctx = window.ctx
    page = results_page(window, qtbot)
    select(page, county.d_firm)
    dialog = page.manual_dialog(page.selected_firm(), 2025)
    qtbot.addWidget(dialog)
    assert "初评等级 D 类" in " ".join(w.text() for w in dialog.findChildren(type(dialog.errors)))
    dialog.klass.setCurrentIndex(dialog.klass.findData("C"))
    dialog.regrade_reason.setText("经园区会议研究")
    dialog.accept()
    assert dialog.changes() == [(REGRADE, "C", "经园区会议研究")]
    page.save_manual(county.d_firm, 2025, dialog.changes(), "测试员")
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=60_000)
    m = next(iter(ctx.store.stored_summaries(ctx.profile.id, [(county.d_firm, 2025)])))[0]["mujun"]
    assert (m["initial_class"], m["class"], m["regrade"]["by"]) == ("D", "C", "测试员")
    page = results_page(window, qtbot)
    qtbot.waitUntil(lambda: page.model.column("initial_class") >= 0, timeout=20_000)
    assert "其中 4 家经调档" in page.counts.text()
    # a deferred firm cannot be regraded: said, and the choice is off
    code = next(c for c, x in county.entries.items() if x["mujun"]["cohort"] == "deferred")
    select(page, code)
    dialog = page.manual_dialog(page.selected_firm(), 2025)
    qtbot.addWidget(dialog)
    assert not dialog.klass.isEnabled()
    words = " ".join(w.text() for w in dialog.findChildren(type(dialog.errors)))
    assert "本企业没有初评等级（缓评：" in words and "不能调档" in words


def test_a_profile_without_manual_items_says_so(county: SimpleNamespace, qtbot) -> None:
    profile: Profile = load("huangyan-2022")
    dialog = ManualEntryDialog(profile, "甲公司", "C1", 2025,
                               {"cohort": "above_scale", "score": 80.0, "class": "B",
                                "initial_class": "B", "reason": "规上企业，参加分类"}, None,
                               who="张三")
    qtbot.addWidget(dialog)
    words = " ".join(w.text() for w in dialog.findChildren(type(dialog.errors)))
    assert "本配置没有由园区录入的加减分项目" in words and "录入人：张三" in words
    dialog.accept()
    assert "没有要保存的录入" in dialog.errors.text()


def test_regrade_words_say_each_step() -> None:
    """A rule regrade then a manual one: both steps, each with its reason, from the 初评 class."""
    from rules.wording import regrade_words

    steps = [{"kind": "rule", "name": "高新技术企业上调至B类", "from": "D", "to": "B",
              "citation": "示例县办法（测试）；示县政办〔2025〕1号 第十五条 调档；第十五条"},
             {"kind": "manual", "from": "B", "to": "A", "reason": "经园区会议研究", "by": "张三",
              "at": "2026-11-30 10:00"}]
    m = {"initial_class": "D", "regrade": {**steps[-1], "from": "D", "steps": steps}}
    assert regrade_words(m) == ("初评 D 类 → 调档后 A 类：按调档规则“高新技术企业上调至B类”（第十五条），"
                                "D 类调为 B 类；人工调档：经园区会议研究（张三，2026-11-30 10:00），"
                                "B 类调为 A 类")
    one = {"initial_class": "C", "regrade": {**steps[0], "from": "C", "to": "B"}}  # no steps
    assert regrade_words(one) == "初评 C 类 → 调档后 B 类，按调档规则“高新技术企业上调至B类”（第十五条）"
    assert regrade_words({"initial_class": "B", "regrade": None}) == ""

"""The county profile editor (规则与依据 → 新建或编辑县级配置……), driven through its tables with
pytest-qt: a county method typed from scratch is saved as a profile folder that
``mujun rules --check`` accepts, is switched to and re-ranks the sample park exactly as the
bundled 黄岩 profile with the same numbers does; a copy keeps the versions it does not edit;
problems are said in Chinese and block the save; texts with ':' '#' and quotes round-trip."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.context import AppContext
from desktop.mainwindow import MainWindow
from desktop.pages.profile_editor import (
    BAD,
    GRAY,
    ParamTable,
    ProfileEditor,
    plain_words,
    saved_profiles,
)
from desktop.settings import Settings
from forms import pipeline
from forms.profile_writer import Method, WriteError, from_profile, make_id, to_yaml
from forms.store import SAMPLE
from rules.profile import available, load
from tests.conftest import ROOT

AS_OF = "2026-06-30"
SAMPLE_FILE = ROOT / "resources" / "sample" / "sample-park.xlsx"
# The provincial six for 规上 and the two for 规下, with 黄岩's 2022 weights and benchmarks
ABOVE = {"tax_per_mu": (30, "24.097"), "value_added_per_mu": (20, "136.16"),
         "value_added_per_energy": (20, "2.694"), "value_added_per_emission": (10, "4929.81"),
         "labour_productivity": (10, "18.14"), "rd_ratio": (10, "3.02")}  # R&D in %
BELOW = {"tax_per_mu": (50, "11.5932"), "tax_per_electricity": (50, "0.2352")}
WEIGHT, BENCH = "权重（分）", "基准值"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "数据 文件夹"
    monkeypatch.setenv("MUJUN_DATA_DIR", str(d))
    return d


@pytest.fixture
def window(data_dir: Path, qtbot) -> MainWindow:
    ctx = AppContext(Settings(as_of=AS_OF))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def editor(window: MainWindow, qtbot) -> ProfileEditor:
    ed = ProfileEditor(window.ctx, window)
    qtbot.addWidget(ed)
    ed._ask = lambda title, text: True
    return ed


def cite(t: ParamTable, name: str, source: str, clause: str) -> None:
    """Choose a row's document and type its clause, as a person does."""
    r = t.row[name]
    box = t.cellWidget(r, t.src_col)
    box.setCurrentIndex(box.findData(source))
    t.item(r, t.clause_col).setText(clause)


def fill(t: ParamTable, name: str, weight: float, bench: str) -> None:
    r = t.row[name]
    t.item(r, t.col[WEIGHT]).setText(str(weight))
    t.item(r, t.col[BENCH]).setText(bench)


def add_source(ed: ProfileEditor, title: str, ref: str) -> str:
    ed.sources.add()
    r = ed.sources.rowCount() - 1
    ed.sources.item(r, 0).setText(title)
    ed.sources.item(r, 1).setText(ref)
    return ed.sources.keys[r]


def county_method(ed: ProfileEditor, above: dict[str, tuple[float, str]],
                  below: dict[str, tuple[float, str]]) -> str:
    """Fill a blank editor: name, county, one document and the two cohorts' rows."""
    ed.begin_blank()
    ed.name.insert("测试县工业企业亩均效益综合评价")
    ed.county.insert("测试县")
    doc = add_source(ed, "测试县工业企业亩均效益综合评价办法", "测政发〔2025〕1号")
    for cohort, rows in (("above_scale", above), ("below_scale", below)):
        t = ed.indicators[cohort]
        for name, (w, b) in rows.items():
            cite(t, name, doc, f"附件 {name}")  # the document first: the values take it
            fill(t, name, w, b)
    return doc


def texts(ed: ProfileEditor) -> list[str]:
    return [p.text for p in ed.problems]


# ---------------------------------------------------------------------------- acceptance

def test_a_county_profile_made_from_scratch_re_ranks_the_sample_park(
        window: MainWindow, data_dir: Path, qtbot) -> None:
    """THE acceptance test of issue 15's editor: from the rules page, a county method typed
    into the tables (the provincial six for 规上, two for 规下, with 黄岩's 2022 numbers) is
    saved, passes ``mujun rules --check``, is switched to, and ranks the sample park exactly as
    the bundled 黄岩 profile does (same weights and benchmarks, same base)."""
    page = window.pages["rules"]
    window.show_page("rules")
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    ed = page.editor
    qtbot.addWidget(ed)
    ed._ask = lambda title, text: True
    assert ed.isVisible() and ed.start_blank.isChecked()
    qtbot.mouseClick(ed.go_button, Qt.MouseButton.LeftButton)
    assert ed.stack.currentIndex() == 1 and ed.year == 2025
    assert texts(ed) == ["基本信息 · 名称：未填写"]
    county_method(ed, ABOVE, BELOW)
    assert ed.sums["above_scale"].text() == "权重合计 100 分"
    qtbot.waitUntil(lambda: not ed.checking, timeout=5000)  # checked while typing
    assert texts(ed) == []
    assert "检查通过" in ed.problem_title.text()
    qtbot.mouseClick(ed.enable_button, Qt.MouseButton.LeftButton)
    profile = window.ctx.profile
    folder = data_dir / "profiles" / profile.id
    assert profile.path == folder and (folder / "profile.yaml").is_file()
    assert profile.id not in available() and re.fullmatch(r"county-\d{8}-\d{4}", profile.id)
    assert profile.name == "测试县工业企业亩均效益综合评价" and profile.county == "测试县"
    assert "已保存" in ed.status.text() and "已启用" in ed.status.text()
    assert profile.id not in ed.status.text()  # the id is never shown
    done = subprocess.run([sys.executable, "-m", "desktop.cli", "rules", "--check", str(folder)],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert "配置有效" in done.stdout
    # the rules page shows it, by name
    assert page.choice.currentText().startswith("测试县工业企业亩均效益综合评价")
    assert "测试县工业企业亩均效益综合评价" in page.about.text()
    assert page.items["mujun.above_scale.tax_per_mu.benchmark"].text(1).startswith("24.097")
    assert not page.warning.isVisible()
    # re-rank the sample park under the new profile
    store = window.ctx.store
    huangyan = load("huangyan-2022")
    pipeline.run(SAMPLE_FILE, huangyan, date.fromisoformat(AS_OF), store, kind=SAMPLE)
    counts = pipeline.reassess(store, profile, date.fromisoformat(AS_OF), [2025])
    ours = {r["credit_code"]: (r["score"], r["class"]) for r in store.results(2025, profile.id)}
    assert len(ours) == 273 and {"A", "B", "C", "D"} <= {c for _, c in ours.values()}
    assert sum(counts.values()) == sum(1 for _, c in ours.values() if c)
    theirs = {r["credit_code"]: (r["score"], r["class"])
              for r in store.results(2025, huangyan.id)}
    assert ours == theirs  # the same method, typed by hand


# ---------------------------------------------------------------------------- copying

def test_a_copy_of_huangyan_edits_one_benchmark_and_keeps_the_other_year(
        editor: ProfileEditor, data_dir: Path) -> None:
    editor.begin_copy("huangyan-2022")
    assert editor.year == 2022 and editor.name.text().endswith("（副本）")
    assert "另有 2021 年度的数值" in editor.years_note.text()
    t = editor.indicators["above_scale"]
    r = t.row["tax_per_mu"]
    cell = t.item(r, t.col[BENCH])
    assert cell.text() == "24.097" and t.item(r, t.col[WEIGHT]).text() == "30"
    assert t.cellWidget(r, t.src_col).currentText() == "黄岩区2022年度工业企业亩均效益综合评价计算说明"
    cell.setText("25.5")
    profile = editor.save()
    assert profile is not None and texts(editor) == []
    assert profile.path.parent == data_dir / "profiles" and profile.id not in available()
    again = load(profile.path)
    versions = again.param("mujun.above_scale.tax_per_mu.benchmark").versions
    assert [(v.data_year, v.value) for v in versions] == [(2021, 26.01), (2022, 25.5)]
    assert versions[1].clause == "规上企业 亩均税收 基准值"
    assert versions[1].source.title == "黄岩区2022年度工业企业亩均效益综合评价计算说明"
    hy = load("huangyan-2022")
    own = {k for k, p in hy.params.items() if p.versions[0].file.startswith("huangyan-2022")}
    for key in own - {"mujun.above_scale.tax_per_mu.benchmark"}:
        a = [(v.data_year, v.effective, v.value, v.clause, v.source.title, v.source.ref)
             for v in hy.params[key].versions]
        b = [(v.data_year, v.effective, v.value, v.clause, v.source.title, v.source.ref)
             for v in again.params[key].versions]
        assert a == b, key
    # a later data year reads 2022's values (grey, said), and typing makes that year's own
    editor.year_box.setValue(2025)
    assert cell.text() == "25.5" and "沿用 2022 年度" in cell.toolTip()
    assert cell.foreground().color() == GRAY
    assert t.cellWidget(r, t.src_col).styleSheet()  # the document shown is 2022's, in grey


def test_the_sources_hide_web_addresses_but_keep_them_in_the_file(
        editor: ProfileEditor) -> None:
    editor.begin_copy("huangyan-2022")
    shown = [editor.sources.item(r, 1).text() for r in range(editor.sources.rowCount())]
    assert shown == ["台州市黄岩区亩均办", "台州市黄岩区亩均办"]
    assert "chacewang.com news430850" in to_yaml(editor.method)  # kept, as the source says


# ---------------------------------------------------------------------------- problems

def test_a_weight_sum_of_90_is_said_in_chinese_and_the_save_is_refused(
        editor: ProfileEditor, data_dir: Path, qtbot) -> None:
    above = dict(ABOVE)
    del above["rd_ratio"]  # 30 + 20 + 20 + 10 + 10 = 90
    county_method(editor, above, BELOW)
    assert editor.sums["above_scale"].text() == "权重合计 90 分（应为 100 分）"
    qtbot.waitUntil(lambda: any("权重合计应为 100，实为 90" in t for t in texts(editor)),
                    timeout=5000)  # debounced: checked after a pause in typing
    assert texts(editor) == ["指标与权重 · 规上企业 · 权重：权重合计应为 100，实为 90（2025 年度）"]
    assert not any(re.search(r"[a-z_]{3,}", t) for t in texts(editor))  # no key, no code
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "有 1 处问题，未保存" in editor.status.text()
    assert not (data_dir / "profiles").exists()
    # the tenth point: now it saves
    t = editor.indicators["above_scale"]
    cite(t, "rd_ratio", editor.sources.keys[0], "附件")
    fill(t, "rd_ratio", 10, "3.02")
    assert editor.save() is not None and len(list((data_dir / "profiles").iterdir())) == 1


def test_a_row_without_its_source_is_marked_and_named(editor: ProfileEditor) -> None:
    editor.begin_blank()
    editor.name.insert("某县")
    add_source(editor, "某县办法", "")
    t = editor.indicators["above_scale"]
    fill(t, "tax_per_mu", 100, "20")  # no document chosen, no clause
    editor.validate_now()
    assert set(texts(editor)) == {"指标与权重 · 规上企业 · 亩均税收：未选依据文件",
                                  "指标与权重 · 规上企业 · 亩均税收：未填条款"}
    r = t.row["tax_per_mu"]
    assert t.item(r, 0).background().color() == BAD
    assert "未选依据文件" in t.item(r, 0).toolTip()
    assert t.item(t.row["rd_ratio"], 0).background().color() != BAD
    # choosing the document afterwards cites the values already typed
    cite(t, "tax_per_mu", editor.sources.keys[0], "第五条")
    editor.validate_now()
    assert texts(editor) == [] and t.item(r, 0).background().color() != BAD
    # a ticked row without a weight, and a benchmark that is no number
    rd = t.row["rd_ratio"]
    t.item(rd, t.col["计分"]).setCheckState(Qt.CheckState.Checked)
    t.item(rd, t.col[BENCH]).setText("3.0x")
    editor.validate_now()
    assert "指标与权重 · 规上企业 · R&D经费占比：已勾选计分，但未填权重" in texts(editor)
    assert "指标与权重 · 规上企业 · R&D经费占比：“3.0x”不是数字" in texts(editor)
    assert editor.save() is None


def test_loader_messages_read_without_codes() -> None:
    assert plain_words("第 2 项（tenants）：per_unit 200 不可用：应不小于 -100、不大于 100") == \
        "第 2 项：每单位 200 不可用：应不小于 -100、不大于 100"
    assert plain_words("权重大于 0 的指标须有大于 0 的基准值，或按参评企业计算基准值（benchmark_mode）") \
        .endswith("（基准值取法）")
    assert plain_words("字段 tenant_count 不是是/否字段") == "字段 出租厂房的承租企业数 不是是/否字段"


# ---------------------------------------------------------------------------- texts

def test_a_text_with_colon_hash_and_quotes_round_trips(editor: ProfileEditor) -> None:
    name = 'A县: 第1版 #2 "试行"'
    clause = "第五条: “亩均税收” # 注 'x'"
    county_method(editor, {"tax_per_mu": (100, "20")}, {})
    editor.name.setText(name)
    editor.description.setText('说明: #1 "a\\b"')
    editor.sources.item(0, 0).setText('办法 "2025": #1')
    t = editor.indicators["above_scale"]
    t.item(t.row["tax_per_mu"], t.clause_col).setText(clause)
    profile = editor.save()
    assert profile is not None, texts(editor)
    again = load(profile.path)
    assert again.name == name and again.description == '说明: #1 "a\\b"'
    v = again.param("mujun.above_scale.tax_per_mu.weight").versions[0]
    assert v.clause == clause and v.source.title == '办法 "2025": #1'
    # a line break cannot be written: it is refused in words, not written half
    with pytest.raises(WriteError, match="名称含有换行"):
        to_yaml(Method(name="一行\n两行"))


def test_ids_are_safe_and_never_bundled() -> None:
    at = datetime(2026, 11, 30, 9, 5)
    assert make_id("温岭市 2024", set(), at) == "county-20261130-0905"
    assert make_id("Wenling 2024/partial", set(), at) == "Wenling-2024-partial"
    assert make_id("huangyan-2022", set(), at) == "huangyan-2022-2"
    assert make_id("温岭", {"county-20261130-0905"}, at) == "county-20261130-0905-2"


# ---------------------------------------------------------------------------- lists, choices

def test_groups_adjustments_regrades_and_other_choices_are_written(
        editor: ProfileEditor) -> None:
    doc = county_method(editor, {"tax_per_mu": (100, "20")}, {})
    g = editor.groups
    g.source.setCurrentIndex(g.source.findData(doc))
    g.clause.setText("第六条")
    g.add_row({})
    g.table.item(0, 0).setText("纺织鞋帽橡塑")
    g.table.item(0, 1).setText("17-19，29")
    g.add_row({})
    g.table.item(1, 0).setText("金属及金属制品")
    g.table.item(1, 1).setText("31-33")
    a = editor.adjustments
    a.source.setCurrentIndex(a.source.findData(doc))
    a.clause.setText("第七条")
    a.add_row({})
    a.table.item(0, 0).setText("出租厂房给多家企业")
    a.table.cellWidget(0, 1).setCurrentIndex(1)  # 规上企业
    field = a.table.cellWidget(0, 3)
    field.setCurrentIndex(field.findData("tenant_count"))
    for c, text in ((5, "-5"), (7, "1"), (10, "第七条（一）")):
        a.table.item(0, c).setText(text)
    a.add_row({})
    a.table.item(1, 0).setText("安全生产")
    source = a.table.cellWidget(1, 2)
    source.setCurrentIndex(source.findData("manual"))
    assert a.table.cellWidget(1, 3).currentText().startswith("（园区逐家录入")
    for c, text in ((8, "-10"), (9, "5"), (10, "第七条（二）")):
        a.table.item(1, c).setText(text)
    rg = editor.regrades
    rg.source.setCurrentIndex(rg.source.findData(doc))
    rg.clause.setText("第八条")
    rg.add_row({})
    rg.table.item(0, 0).setText("高新技术企业上调一档")
    rg.table.item(0, 1).setText("C、D")
    rg.table.cellWidget(0, 3).setCurrentIndex(rg.table.cellWidget(0, 3).findData("titles"))
    rg.table.cellWidget(0, 4).setCurrentIndex(rg.table.cellWidget(0, 4).findData("contains"))
    rg.table.item(0, 5).setText("高新技术")
    rg.table.item(0, 6).setText("第八条")
    o = editor.others
    r = o.row["mujun.below_scale_small"]
    assert not editor.cohort_tabs.isTabVisible(2)
    o.cellWidget(r, 1).setCurrentIndex(o.cellWidget(r, 1).findData("graded"))
    assert editor.cohort_tabs.isTabVisible(2)  # 规下企业（用地不足3亩） now has its table
    cite(o, "mujun.below_scale_small", doc, "第三条")
    d = o.row["mujun.deferred_years"]
    o.item(d, 1).setText("3")
    cite(o, "mujun.deferred_years", doc, "第四条")
    profile = editor.save()
    assert profile is not None, texts(editor)
    p = load(profile.path)
    assert p.value("mujun.industry_groups") == {"纺织鞋帽橡塑": ((17, 19), (29, 29)),
                                                "金属及金属制品": ((31, 33),)}
    items = p.value("mujun.adjustments")
    assert items[0] == {"id": "item1", "name": "出租厂房给多家企业", "input": "count",
                        "kind": "points", "clause": "第七条（一）", "cohorts": ("above_scale",),
                        "field": "tenant_count", "per_unit": -5, "free": 1}
    assert items[1] == {"id": "item2", "name": "安全生产", "input": "manual", "kind": "points",
                        "clause": "第七条（二）", "min": -10, "max": 5}
    assert p.value("mujun.regrade_rules")[0] == {
        "id": "item1", "name": "高新技术企业上调一档", "from": ("C", "D"), "to": "B",
        "field": "titles", "op": "contains", "value": "高新技术", "clause": "第八条"}
    assert p.param("mujun.adjustments").versions[0].clause == "第七条"
    assert p.value("mujun.below_scale_small") == "graded"
    assert p.value("mujun.deferred_years") == 3
    # a copy brings them back into the tables, and a wrong division is said
    editor.begin_copy(str(profile.path))
    assert editor.groups.table.item(0, 1).text() == "17-19, 29"
    assert editor.adjustments.table.cellWidget(1, 2).currentData() == "manual"
    editor.groups.table.item(0, 1).setText("17-x")
    editor.validate_now()
    assert texts(editor) == ["行业组 · 第 1 行：行业大类“17-x”无法识别：请写成如 17-19, 29"]


def test_a_saved_profile_is_listed_and_edited_in_place(window: MainWindow,
                                                       editor: ProfileEditor) -> None:
    county_method(editor, {"tax_per_mu": (100, "20")}, {})
    first = editor.save()
    assert first is not None
    page = window.pages["rules"]
    page.show_profile()
    names = [page.choice.itemText(i) for i in range(page.choice.count())]
    assert "测试县工业企业亩均效益综合评价（本机县级配置）" in names
    again = ProfileEditor(window.ctx, window)
    assert again.edit_choice.isVisibleTo(again) and again.edit_choice.currentText() == \
        "测试县工业企业亩均效益综合评价"
    again.start_edit.setChecked(True)
    again._begin_chosen()
    t = again.indicators["above_scale"]
    t.item(t.row["tax_per_mu"], t.col[BENCH]).setText("22")
    second = again.save()
    assert second is not None and second.id == first.id and second.path == first.path
    assert load(second.path).value("mujun.above_scale.tax_per_mu.benchmark") == 22
    again._ask = lambda title, text: True
    again.close()


@pytest.mark.parametrize("pid", available())
def test_every_bundled_profile_copies_through_the_editor_unchanged(
        editor: ProfileEditor, pid: str) -> None:
    """Opening a copy in the tables and saving it untouched writes the same parameters,
    versions and citations (the tables never rewrite what they show)."""
    original = load(pid)
    editor.begin_copy(pid)
    assert texts(editor) == []
    profile = editor.save()
    assert profile is not None and profile.id != pid
    again = load(profile.path)

    def versions(p, key):
        return [(v.data_year, v.effective, v.value, v.clause, v.confidence, v.note,
                 v.source.title, v.source.ref) for v in p.params[key].versions]

    assert set(again.params) == set(original.params)
    for key in original.params:
        assert versions(again, key) == versions(original, key), key


def test_from_profile_takes_only_county_parameters() -> None:
    m = from_profile(load("huangyan-2022"))
    assert len(m.params) == 22 and m.years() == [2021, 2022]
    assert set(m.sources) == {"hy2021", "hy2022"}
    assert from_profile(load("zhejiang")).params == {}


def test_a_copy_joins_texts_written_over_several_lines(tmp_path: Path) -> None:
    """A hand-written profile may fold a clause over lines; the copy reads it as one line
    (the editor's texts are one line) and writes a file that loads with the same words."""
    folder = tmp_path / "hand"
    folder.mkdir()
    (folder / "profile.yaml").write_text(
        "profile: {id: hand-made, name: 手写配置, version: '1', base: zhejiang, "
        "effective: 2024-01-01}\n"
        "sources:\n  doc: {title: 某县办法, ref: 某政发〔2024〕1号}\n"
        "parameters:\n  mujun.above_scale.tax_per_mu.weight:\n"
        "    value: 100\n    unit: 分\n    effective: 2024-01-01\n    data_year: 2023\n"
        "    source: doc\n    clause: |\n      第五条\n      第二款\n"
        "  mujun.above_scale.tax_per_mu.benchmark: {value: 20, unit: 万元/亩, "
        "effective: 2024-01-01, data_year: 2023, source: doc, clause: 附件}\n",
        encoding="utf-8")
    m = from_profile(load(folder))
    assert m.entry("mujun.above_scale.tax_per_mu.weight", 2023).clause == "第五条 第二款"
    out = tmp_path / "copy"
    out.mkdir()
    (out / "profile.yaml").write_text(to_yaml(m), encoding="utf-8")
    assert load(out).param("mujun.above_scale.tax_per_mu.weight").versions[0].clause == \
        "第五条 第二款"


def test_a_saved_profile_whose_name_cannot_be_read_is_still_listed(data_dir: Path) -> None:
    good = data_dir / "profiles" / "good"
    good.mkdir(parents=True)
    (good / "profile.yaml").write_text('profile:\n  name: "测试县配置"\n', encoding="utf-8")
    bad = data_dir / "profiles" / "broken-one"
    bad.mkdir()
    (bad / "profile.yaml").write_bytes(b"profile:\n  name: \"\xff\xfe\"\n")
    listed = dict(saved_profiles())
    assert listed["测试县配置"] == good.resolve()
    assert listed["broken-one（名称无法读取，选用时显示原因）"] == bad.resolve()

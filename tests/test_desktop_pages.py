"""Each page's main flow, driven through its widgets with pytest-qt (offscreen).

Every test runs on a fresh data folder (``MUJUN_DATA_DIR``), so settings, drafts, window state
and the database start empty. Dialogs that need a person (file choosers, the print dialog) are
behind small methods (``export_to``, ``open_file``) that the tests call directly."""

from __future__ import annotations

import json
import os
import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox, QTextBrowser

from desktop.cli import main
from desktop.context import AppContext
from desktop.mainwindow import DB_PATH_WIDTH, PAGES, PROFILE_NAME_WIDTH, MainWindow
from desktop.models import PROJECT_COLUMNS, PlannedModel
from desktop.settings import Settings
from forms.store import SAVING
from rules.record import make_record
from rules.schema import COHORT_INDICATORS, INDICATOR_NAMES
from tests.conftest import ROOT, TESTS, credit_code
from tests.fixtures import messy_workbook, park

AS_OF = "2025-06-30"
FIRM = {"name": "星河机械有限公司", "credit_code": credit_code(42), "year": "2024", "land_mu": "30",
        "tax": "300", "value_added": "3000", "energy_equal_tce": "1200", "cod_t": "1.2",
        "employees": "120", "rd_expense": "150", "main_revenue": "9000", "industry_code": "3311"}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "数据 文件夹"  # a space and Chinese characters, as on many Windows PCs
    monkeypatch.setenv("MUJUN_DATA_DIR", str(d))
    return d


@pytest.fixture
def window(data_dir: Path, qtbot) -> MainWindow:
    ctx = AppContext(Settings(as_of=AS_OF))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    return win


def type_firm(qtbot, page, values: dict[str, str]) -> None:
    for fid, text in values.items():
        ed = page.form.editors[fid]
        if ed.edit is not None:
            ed.edit.clear()
            type_text(qtbot, ed.edit, text)
        elif ed.combo is not None:
            ed.combo.setCurrentText(text)


def type_text(qtbot, widget, text: str) -> None:
    """Key presses for ASCII; Chinese goes in as an input method would commit it (QTest cannot
    press keys for characters that have none)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insert(text)


def wait_idle(qtbot, page, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=timeout)


# ---------------------------------------------------------------------------- 企业自评

def test_fill_the_form_and_assess(window: MainWindow, qtbot) -> None:
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, {**FIRM, "above_scale": "是"})
    page.form.projects.add_row()
    cols = {f.id: i for i, f in enumerate(PROJECT_COLUMNS)}
    for fid, text in (("project_name", "新产线"), ("project_value_added", "1000"),
                      ("project_energy_equal_tce", "300"), ("project_energy_equiv_tce", "200"),
                      ("region_dual_control", "是")):
        page.form.projects.setData(page.form.projects.index(0, cols[fid]), text)
    qtbot.mouseClick(page.buttons["assess"], Qt.MouseButton.LeftButton)
    r = page.result
    assert r is not None and r.record.name == "星河机械有限公司"
    cards = page.panel.cards
    # alone, without cut-offs: no class, and the card says why and how to get one
    assert cards["mujun"].main.text() == f"{r.mujun['score']:.2f} 分 · 未分类"
    assert "单家企业自评没有可排名的同类企业" in cards["mujun"].detail.text()
    assert "载入园区发布的基准值与得分线" in cards["mujun"].link.text()
    assert cards["green"].main.text() == "1/1 项可享受"  # 300 tce / 1000 万元 = 0.30 < 0.52
    bars = page.panel.chart.bars
    assert [b.label for b in bars] == [INDICATOR_NAMES[i] for i in COHORT_INDICATORS["above_scale"]]
    tax = next(b for b in bars if b.label == "亩均税收")
    ratio = r.mujun["indicators"]["tax_per_mu"]["ratio"]
    assert tax.value == ratio and tax.text == f"{ratio * 100:.1f}%"
    assert all(b.value is not None for b in bars)
    tree = page.panel.trees["mujun"]
    assert tree.topLevelItem(0).text(0) == r.trees["mujun"].label
    green = page.panel.trees["green"].topLevelItem(0)
    assert green.text(0) == "绿色通道：新产线" and "满足" in green.text(1)
    # every node of the SME tree is shown, with its mark
    shown = []
    stack = [page.panel.trees["sme"].topLevelItem(0)]
    while stack:
        it = stack.pop()
        shown.append(it)
        stack += [it.child(i) for i in range(it.childCount())]
    assert len(shown) == sum(1 for _ in r.trees["sme"].walk())


def test_inline_validation_and_required_fields(window: MainWindow, qtbot) -> None:
    page = window.pages["selfcheck"]
    ed = page.form.editors["land_mu"]
    type_text(qtbot, ed.edit, "10亩x")
    assert ed.error.isVisibleTo(page) and "不是数字" in ed.error.text() or "亩" in ed.error.text()
    ed.edit.clear()
    qtbot.keyClicks(ed.edit, "12.5")
    assert not ed.error.isVisibleTo(page)
    qtbot.mouseClick(page.buttons["assess"], Qt.MouseButton.LeftButton)
    assert page.result is None
    text = page.panel.message.text()
    assert "“企业名称”是必填项" in text and "“统一社会信用代码”是必填项" in text
    assert page.form.editors["name"].error.text() == "“企业名称”是必填项"
    assert page.form.currentIndex() == 0  # the tab with the first error is shown
    good = credit_code(7)
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")  # the check digit off by one
    type_firm(qtbot, page, {"credit_code": wrong})
    assert "校验位" in page.form.editors["credit_code"].error.text()


def test_citation_click_shows_the_rule(window: MainWindow, qtbot) -> None:
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    page.assess()
    tree = page.panel.trees["mujun"]
    item = None
    stack = [tree.topLevelItem(0)]
    while stack and item is None:
        it = stack.pop()
        if it.data(4, Qt.ItemDataRole.UserRole):
            item = it
        stack += [it.child(i) for i in range(it.childCount())]
    assert item is not None
    key = item.data(4, Qt.ItemDataRole.UserRole)[0]
    tree._clicked(item, 4)
    rules = window.pages["rules"]
    assert window.stack.currentWidget() is rules
    assert rules.tree.currentItem().data(0, Qt.ItemDataRole.UserRole) == key


def test_save_history_and_draft_survive_a_restart(window: MainWindow, data_dir: Path,
                                                  qtbot) -> None:
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    page.save()
    store = window.ctx.store
    rec = store.record(FIRM["credit_code"], 2024)
    assert rec is not None and rec.tax == 300.0
    assert [r["year"] for r in store.firm_results(FIRM["credit_code"], "huangyan-2022")] == [2024]
    # the same firm's 2023 figures: the history shows both years
    type_firm(qtbot, page, {"year": "2023", "tax": "200"})
    page.save()
    assert page.panel.history.rowCount() == 2
    assert [p[0] for p in page.panel.trend.points] == [2023, 2024]
    # an unsaved change is in the draft a moment later, and a new window restores it
    type_firm(qtbot, page, {"tax": "999"})
    qtbot.waitUntil(lambda: (data_dir / "drafts" / "form.json").is_file()
                    and json.loads((data_dir / "drafts" / "form.json").read_text(
                        encoding="utf-8"))["values"]["tax"] == "999", timeout=5000)
    again = MainWindow(AppContext(Settings(as_of=AS_OF)))
    qtbot.addWidget(again)
    assert again.pages["selfcheck"].form.editors["tax"].edit.text() == "999"
    assert again.pages["selfcheck"].form.editors["name"].edit.text() == FIRM["name"]
    again.ctx.close()


def test_export_and_preview_the_report(window: MainWindow, tmp_path: Path, qtbot) -> None:
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    out = tmp_path / "报告 输出" / "星河.pdf"
    out.parent.mkdir()
    page.export_to(out)
    wait_idle(qtbot, page)
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "星河机械有限公司" in text and FIRM["credit_code"] in text
    page.preview()
    wait_idle(qtbot, page)
    dlg = page.preview_dialog
    assert dlg.isVisible() and dlg.document.pageCount() == len(PdfReader(dlg.path).pages) > 1
    dlg.close()


def test_a_report_that_cannot_be_written_says_why(window: MainWindow, tmp_path: Path,
                                                  qtbot) -> None:
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    blocker = tmp_path / "一个文件"
    blocker.write_text("x")
    page.export_to(blocker / "x.pdf")  # a folder that is a file
    wait_idle(qtbot, page)
    box = page.progress.op.dialog
    assert box is not None
    assert box.text() == f"文件操作失败：路径中有一个同名的文件，不能当作文件夹使用（{blocker}）"
    box.close()


# ---------------------------------------------------------------------------- 批量导入

def test_import_a_messy_sheet_commit_export_and_undo(window: MainWindow, tmp_path: Path,
                                                     qtbot) -> None:
    src = tmp_path / "messy.xlsx"
    expected = messy_workbook(src)
    page = window.pages["import"]
    ran_in: list[str] = []
    from forms import importer

    real = importer.dry_run

    def spy(*a, **k):
        ran_in.append(threading.current_thread().name)
        return real(*a, **k)

    importer.dry_run = spy
    try:
        page.open_file(src)
        wait_idle(qtbot, page)
    finally:
        importer.dry_run = real
    assert ran_in and ran_in[0] != threading.main_thread().name  # off the UI thread
    imp = page.imported
    assert imp is not None and "检查完成（尚未导入）" in page.summary.text()
    rows = {(page.errors.data(page.errors.index(r, 1)), page.errors.data(page.errors.index(r, 2)))
            for r in range(page.errors.rowCount())}
    for (r, column, _text) in expected.values():
        assert (str(r), column) in rows
    # the 原因 column is cut at its width: the chosen row's reason is shown whole below
    assert page.error_detail.isHidden()
    longest = max((r for r in range(page.errors.rowCount())
                   if not page.errors.items[r][3].startswith(page.errors.items[r][2])),
                  key=lambda r: len(page.errors.items[r][3]))
    page.table.selectRow(longest)
    sheet, row, column, reason = page.errors.items[longest][:4]
    assert not page.error_detail.isHidden()
    assert page.error_detail.text() == f"工作表“{sheet}”第 {row} 行，{column}：{reason}"
    coded = next(r for r in range(page.errors.rowCount())  # a reason that names its column
                 if page.errors.items[r][3].startswith(page.errors.items[r][2]))
    page.table.selectRow(coded)
    sheet, row, column, reason = page.errors.items[coded][:4]
    assert page.error_detail.text() == f"工作表“{sheet}”第 {row} 行：{reason}"
    assert window.ctx.store.count() == 0  # a dry run writes nothing
    assert page.buttons["commit"].isEnabled() and not page.buttons["undo"].isEnabled()
    qtbot.mouseClick(page.buttons["commit"], Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page)
    assert page.outcome is not None
    assert window.ctx.store.count() == len(imp.valid)
    assert f"新增 {len(imp.valid)} 家" in page.summary.text()
    # the results page heard of it, and reads the rows when it is shown
    results = window.pages["results"]
    assert results.stale
    window.show_page("results")
    assert results.model.rowCount() == len(imp.valid)
    window.show_page("import")
    errors_out, results_out = tmp_path / "错误.xlsx", tmp_path / "结果.xlsx"
    page.export_errors_to(errors_out)
    wait_idle(qtbot, page)
    page.export_results_to(results_out)
    wait_idle(qtbot, page)
    ws = load_workbook(errors_out).worksheets[0]
    assert [ws.cell(1, 1).value, ws.cell(1, 2).value] == ["错误说明", "原行号"]
    res = load_workbook(results_out)["评估结果"]
    assert res.max_row == len(imp.valid) + 1
    codes = [res.cell(r, 3).value for r in range(2, res.max_row + 1)]
    assert codes == [r.checked.values["credit_code"] for r in imp.valid]  # file order
    assert res.cell(2, 1).value == "企业数据" and res.cell(2, 2).value == imp.valid[0].row
    page.undo()
    wait_idle(qtbot, page)
    assert window.ctx.store.count() == 0 and "已撤销" in page.summary.text()
    window.show_page("results")
    assert results.model.rowCount() == 0


def test_double_click_a_rejected_row_to_fix_it(window: MainWindow, tmp_path: Path,
                                               qtbot) -> None:
    src = tmp_path / "messy.xlsx"
    messy_workbook(src)
    page = window.pages["import"]
    page.open_file(src)
    wait_idle(qtbot, page)
    r = next(i for i in range(page.errors.rowCount())
             if page.errors.items[i][4].kind == "enterprise")
    bad = page.errors.items[r][4]
    page.fix_row(page.errors.index(r, 0))
    form = window.pages["selfcheck"]
    assert window.stack.currentWidget() is form
    assert f"第 {bad.row} 行" in form.panel.message.text()
    wrong = bad.checked.errors[0].field
    assert form.form.editors[wrong].error.isVisibleTo(form)


def test_a_bad_file_and_cancel_are_reported(window: MainWindow, tmp_path: Path, qtbot) -> None:
    page = window.pages["import"]
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a workbook at all")
    page.open_file(bad)
    wait_idle(qtbot, page)
    assert page.summary.text().startswith("无法导入：")
    page.progress.op.dialog.close()
    assert page.open_file(tmp_path / "notes.txt") is None
    assert "不是表格文件" in page.summary.text()
    big = park(tmp_path / "big.xlsx", 3000)
    op = page.open_file(big)
    page.progress.cancel()
    wait_idle(qtbot, page)
    assert op.cancelled and page.summary.text() == "已取消。" and page.imported is None
    assert page.progress.label.text() == "已取消“检查表格”。"  # a check writes nothing


def test_a_cancelled_commit_leaves_the_store_as_it_was(window: MainWindow, tmp_path: Path,
                                                      qtbot) -> None:
    page = window.pages["import"]
    page.open_file(park(tmp_path / "park.xlsx", 1500))
    wait_idle(qtbot, page)
    assert page.imported is not None and window.ctx.store.count() == 0
    checked = page.summary.text()
    assert checked.startswith("检查完成（尚未导入）。企业 1500 行")
    qtbot.mouseClick(page.buttons["commit"], Qt.MouseButton.LeftButton)
    op = page.progress.op
    # while it runs: says so, and nothing that would start another operation is enabled
    assert page.summary.text().startswith("正在导入 1500 家企业的数据并评估；完成前数据库保持原样。\n检查结果：企业 1500 行")
    assert not any(b.isEnabled() for b in (*page.buttons.values(), page.choose_button,
                                           page.template_button, page.remap_button))
    assert page.open_file(tmp_path / "park.xlsx") is None and page.progress.op is op
    page.progress.cancel()  # the records, their history and results are one transaction
    wait_idle(qtbot, page)
    assert op.cancelled and page.outcome is None
    store = window.ctx.store
    assert store.count() == 0 and store.batches() == [] and store.results(2024, "huangyan-2022") == []
    assert not page.progress.isHidden() and "数据库保持原样" in page.progress.label.text()
    # the check still holds, and the commit can be pressed again
    assert page.summary.text() == ("已取消导入：数据库保持原样，可再次点“导入有效数据并评估”。\n检查结果："
                                   + checked.removeprefix("检查完成（尚未导入）。"))
    assert page.buttons["commit"].isEnabled() and page.choose_button.isEnabled()


def test_cancel_is_greyed_once_the_transaction_is_being_saved(window: MainWindow,
                                                              qtbot) -> None:
    """At SAVING the commit is under way: 取消 could no longer be heard, so it is greyed
    (it stayed enabled at 评估完成 100 % and a click did nothing)."""
    page = window.pages["import"]
    release = threading.Event()

    def work(progress):
        progress(5, 10, "评估")
        progress(1, 1, SAVING)
        release.wait(10)

    op = page.progress.run(work, "导入并评估")
    assert page.progress.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: page.progress.label.text() == "正在保存到数据库（不能再取消）",
                    timeout=5000)
    assert not page.progress.cancel_button.isEnabled()
    release.set()
    wait_idle(qtbot, page)
    assert not op.cancelled and op.error is None


# ---------------------------------------------------------------------------- 结果一览

def _import(window: MainWindow, qtbot, path: Path) -> None:
    page = window.pages["import"]
    page.open_file(path)
    wait_idle(qtbot, page)
    page.commit()
    wait_idle(qtbot, page)


def test_the_same_file_imported_again_is_said_to_be_unchanged(window: MainWindow,
                                                              tmp_path: Path, qtbot) -> None:
    """After fixing a file's rejected rows the clerk imports the whole file again: the firms
    it repeats exactly are 未变, not 更新 (their data was not replaced by anything new)."""
    page = window.pages["import"]
    src = park(tmp_path / "park.xlsx", 30)
    _import(window, qtbot, src)
    assert "新增 30 家，更新 0 家，项目" in page.summary.text()
    page.open_file(src)
    assert window.statusBar().currentMessage() == "正在检查“park.xlsx”"  # not the last import's
    wait_idle(qtbot, page)
    assert window.statusBar().currentMessage() == "已检查“park.xlsx”（尚未导入）"
    # the check already compares the file with the store: none of it will change
    assert "\n30 家与数据库中的数据相同（不会改变），名单见“将导入的企业”。" in page.summary.text()
    assert "更新" not in page.summary.text().split("\n")[1]
    assert page.tabs.tabText(2) == "将导入的企业（新增 0，更新 0，未变 30）"
    assert {i[0] for i in page.planned.items} == {PlannedModel.SAME}
    page.commit()
    wait_idle(qtbot, page)
    assert "新增 0 家，更新 0 家，与数据库中相同 30 家（数据未变），项目" in page.summary.text()
    assert page.tabs.tabText(2) == "本批导入的企业（新增 0，更新 0，未变 30）"
    assert window.ctx.store.count() == 30


def test_results_filter_sort_export_and_open(window: MainWindow, tmp_path: Path, qtbot) -> None:
    _import(window, qtbot, park(tmp_path / "park.xlsx", 40, names={3: "=HYPERLINK(1)"}))
    page = window.pages["results"]
    window.show_page("results")
    assert page.model.rowCount() == 40 and page.year.currentData() == 2024
    by_class = {}
    for r in page.model.rows:
        by_class[r[8]] = by_class.get(r[8], 0) + 1
    page.filters["class"].setCurrentIndex(page.filters["class"].findData("A"))
    assert page.proxy.rowCount() == by_class["A"] > 0
    assert page.counts.text() == f"显示 {by_class['A']} / 40 家"
    assert [c for c in page.chart.columns if c[1]] == [("A 类", by_class["A"],
                                                        page.chart.columns[0][2])]
    page.filters["class"].setCurrentIndex(0)
    type_text(qtbot, page.search, "企业01")
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 10, timeout=3000)  # 企业010 … 企业019
    page.search.clear()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 40, timeout=3000)
    score = [k for k, _ in page.model.columns].index("score")
    assert score == 3  # beside name, code and group: in view at 1366 pixels, by the chart
    page.table.sortByColumn(score, Qt.SortOrder.DescendingOrder)
    scores = [r[7] for r in page.proxy.visible_rows()]
    assert scores == sorted(scores, reverse=True)
    out = tmp_path / "view.xlsx"
    page.export_to(out)
    wait_idle(qtbot, page)
    ws = load_workbook(out).active
    assert ws.max_row == 41 and ws.cell(1, 4).value == "得分" and ws.cell(2, 4).value == scores[0]
    hostile = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == "=HYPERLINK(1)"]
    assert hostile and hostile[0].data_type == "s"  # written as text, not a formula
    page.open_firm(page.proxy.index(0, 1))
    form = window.pages["selfcheck"]
    assert window.stack.currentWidget() is form
    best = page.proxy.visible_rows()[0]
    assert form.result.record.credit_code == best[0]
    assert form.panel.cards["mujun"].main.text().startswith(best[8] + " 类")  # ranked in the park


# ---------------------------------------------------------------------------- 规则与依据

def test_switch_profile_and_see_a_broken_overlay(window: MainWindow, qtbot) -> None:
    page = window.pages["rules"]
    page.load_profile("huangyan-2021")
    wait_idle(qtbot, page)
    assert window.ctx.profile.id == "huangyan-2021"
    assert "台州市黄岩区 2021 年度亩均效益评价" in window.profile_label.text()
    assert "huangyan" not in window.profile_label.text()  # words, not the id
    # a long name is cut to leave the bar's messages room; the tooltip has it whole
    assert window.ctx.profile.name in window.profile_label.toolTip()
    name_shown = window.profile_label.text().split("（版本")[0].removeprefix("配置：")
    assert window.profile_label.fontMetrics().horizontalAdvance(name_shown) <= PROFILE_NAME_WIDTH
    assert json.loads((Path(os.environ["MUJUN_DATA_DIR"]) / "settings.json")
                      .read_text(encoding="utf-8"))["profile"] == "huangyan-2021"
    item = page.items["green.max_intensity"]
    assert item.text(1).startswith("0.52") and "生效" not in item.text(3)
    broken = min((TESTS / "profiles" / "broken").glob("*"))
    page.load_profile(str(broken))
    wait_idle(qtbot, page)
    assert window.ctx.profile.id == "huangyan-2021"  # still the old one
    issues = [page.issues.item(i).text() for i in range(page.issues.count())]
    assert issues and all(":" in i for i in issues)
    assert broken.name in issues[0] or broken.stem in issues[0]
    page.progress.op.dialog.close()


def test_a_hostile_profile_neither_freezes_the_window_nor_replaces_the_profile(
        window: MainWindow, qtbot) -> None:
    """The alias bomb that once grew past 5 GB: refused with its file and line while the event
    loop keeps turning (a 20 ms timer never waits long); the settings page's choice of a
    remembered file goes the same bounded way."""
    import time
    from itertools import pairwise

    from PySide6.QtCore import QTimer

    page = window.pages["rules"]
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    bomb = TESTS / "profiles" / "broken" / "alias_bomb_enum.yaml"
    page.load_profile(str(bomb))
    wait_idle(qtbot, page)
    timer.stop()
    assert len(ticks) > 3 and max(b - a for a, b in pairwise(ticks)) < 0.5
    assert window.ctx.profile.id == "huangyan-2022"
    issues = [page.issues.item(i).text() for i in range(page.issues.count())]
    assert issues == [f"{bomb}:17: 不允许使用 YAML 锚点（&a0）：配置文件中的每个值须直接写出"]
    page.progress.op.dialog.close()
    settings = window.pages["settings"]
    settings.profile.addItem(str(bomb), str(bomb))
    settings._profile_chosen(settings.profile.count() - 1)
    wait_idle(qtbot, settings)
    assert window.ctx.profile.id == "huangyan-2022"
    assert settings.profile.currentData() == "huangyan-2022"  # the choice went back
    assert "锚点" in settings.progress.op.dialog.text()
    settings.progress.op.dialog.close()


def test_publish_from_the_stored_year(window: MainWindow, tmp_path: Path, qtbot) -> None:
    _import(window, qtbot, park(tmp_path / "park.xlsx", 30))
    page = window.pages["rules"]
    out = tmp_path / "园区 基准值.yaml"
    page.publish_to(2024, out, "示范园区")
    wait_idle(qtbot, page)
    assert main(["rules", "--check", str(out)]) == 0
    page.load_profile(str(out))
    wait_idle(qtbot, page)
    assert window.ctx.profile.path is not None and "示范园区" in window.ctx.profile.name


# ---------------------------------------------------------------------------- 设置, 关于, window

def test_settings_as_of_and_data_folder(window: MainWindow, tmp_path: Path, data_dir: Path,
                                        qtbot) -> None:
    page = window.pages["settings"]
    assert "0.3" in page.electricity.text() and "等价值" in page.electricity.text()
    page.today.setChecked(True)
    assert window.ctx.as_of == date.today()
    assert json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))["as_of"] == ""
    other = tmp_path / "另一个 数据夹"
    assert page.set_folder(str(other))
    assert window.ctx.db_path == other / "mujun.sqlite3" and window.ctx.db_path.is_file()
    assert window.db_label.toolTip() == str(other / "mujun.sqlite3")
    shown = window.db_label.text()  # a long path is cut in its middle, the file name kept
    assert shown.startswith("数据库：") and shown.endswith("mujun.sqlite3")
    metrics = window.db_label.fontMetrics()
    assert metrics.horizontalAdvance(shown[4:]) <= DB_PATH_WIDTH
    assert ("…" in shown) == (metrics.horizontalAdvance(str(other / "mujun.sqlite3"))
                              > DB_PATH_WIDTH)
    about = window.pages["about"]
    assert "Apache" in about.findChild(QTextBrowser).toPlainText()


def test_window_state_is_remembered(window: MainWindow, data_dir: Path, tmp_path: Path,
                                    qtbot) -> None:
    _import(window, qtbot, park(tmp_path / "park.xlsx", 3))  # an empty database opens on 开始
    window.resize(1200, 700)
    window.show_page("rules")
    window.close()
    assert "geometry" in (data_dir / "window.ini").read_text(encoding="utf-8")
    again = MainWindow(AppContext(Settings(as_of=AS_OF)))
    qtbot.addWidget(again)
    assert again.stack.currentWidget() is again.pages["rules"]
    again.ctx.close()


# ---------------------------------------------------------------------------- 开始

def test_first_run_loads_the_sample_park_from_the_welcome_page(window: MainWindow, qtbot) -> None:
    welcome, imp, results = (window.pages[k] for k in ("welcome", "import", "results"))
    assert window.stack.currentWidget() is welcome  # an empty database opens here
    assert "还没有企业" in welcome.state.text() and not welcome.remove.isVisibleTo(welcome)
    qtbot.mouseClick(welcome.buttons["sample"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is results, timeout=60_000)
    assert window.ctx.store.count() == 273
    assert results.model.rowCount() == 273 and results.year.currentData() == 2025
    classes = {r[8] for r in results.model.rows}
    assert {"A", "B", "C", "D"} <= classes
    assert imp.errors.rowCount() == 19  # the rows wrong on purpose, each with its reason
    assert "19 行有错未导入" in window.statusBar().currentMessage()
    assert "其中 273 条是示例园区（合成数据）" in welcome.state.text()
    assert welcome.remove.isVisibleTo(welcome)
    window.show_page("welcome")
    history = window.pages["history"]
    asked = []
    history._ask = lambda title, text: asked.append(text) or True
    qtbot.mouseClick(welcome.remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.store.count() == 0 and not history.progress.busy,
                    timeout=30_000)
    assert "全部 273 条" in asked[0]
    assert "已移除示例园区的 273 条企业年度数据" in history.outcome.text()
    assert not welcome.remove.isVisibleTo(welcome)
    assert results.model.rowCount() == 0 or not results.isVisible()


def test_the_hidden_batch_list_is_read_when_shown_not_at_every_save(window: MainWindow,
                                                                     qtbot) -> None:
    """导入记录 read every batch's blocker at each data change, hidden or not: with 64 batches a
    form save froze the window 5 s (a helper's soak)."""
    history = window.pages["history"]
    window.show_page("welcome")
    reads = []
    real = window.ctx.store.batch_list
    window.ctx.store.batch_list = lambda: reads.append(1) or real()
    try:
        window.ctx.store.commit_import([make_record({"name": "甲", "credit_code": credit_code(7),
                                                     "year": 2024})], "a.xlsx", "sha-a", 0)
        window.ctx.data_changed.emit()
        assert reads == [] and history.rows == []
        window.show_page("history")
        assert reads and [r["file_name"] for r in history.rows] == ["a.xlsx"]
        shown = len(reads)
        window.ctx.data_changed.emit()  # in view: read again at once
        assert len(reads) == shown + 1
    finally:
        window.ctx.store.batch_list = real


def test_an_operation_keeps_nothing_it_computed_once_handed_over(window: MainWindow,
                                                                 qtbot) -> None:
    """Every operation stays a child of its page: a 3,000-firm import's records and results
    stayed alive for the session (20 MB an import, a helper's soak)."""
    import gc
    import weakref

    from desktop.operations import Operation

    class Big:
        pass

    got: list[weakref.ref] = []
    op = Operation(window.pages["import"], lambda progress: Big(), "测试",
                   on_success=lambda r: got.append(weakref.ref(r)))
    with qtbot.waitSignal(op.finished, timeout=5000):
        op.start()
    gc.collect()
    assert len(got) == 1 and got[0]() is None and op.result is None and op.parent() is not None


def test_welcome_page_opens_the_form_and_the_file_chooser(window: MainWindow, qtbot,
                                                          monkeypatch) -> None:
    welcome = window.pages["welcome"]
    qtbot.mouseClick(welcome.buttons["selfcheck"], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["selfcheck"]
    asked = []
    monkeypatch.setattr("desktop.dialogs.QFileDialog.getOpenFileName",
                        lambda *a: (asked.append(a[1]), ("", ""))[1])
    qtbot.mouseClick(welcome.buttons["import"], Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["import"] and asked == ["选择企业数据表格"]


@pytest.mark.parametrize("page", list(PAGES))
def test_screenshot_of_every_page(page: str, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / f"{page}.png"
    assert main(["gui", "--screenshot", str(out), "--page", page, "--size", "1366x768"]) == 0
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1366, 768)
    assert main(["gui", "--screenshot", str(out), "--page", "没有的页面"]) == 2


def test_qt_own_buttons_speak_chinese(qapp) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.app import application

    application()
    sb = QDialogButtonBox.StandardButton
    box = QDialogButtonBox(sb.Ok | sb.Cancel | sb.Yes | sb.No)
    assert [b.text() for b in box.buttons()] == ["确定", "取消", "是(&Y)", "否(&N)"]


def test_the_cli_does_not_import_qt_unless_asked() -> None:
    import subprocess
    import sys

    code = ("import sys; from desktop.cli import main; main(['rules']); "
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert out.stdout.strip().endswith("False")



def test_printing_renders_every_page(window: MainWindow, tmp_path: Path, qtbot) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from desktop.widgets.pdf_preview import render_pages

    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    report = tmp_path / "r.pdf"
    page.export_to(report)
    wait_idle(qtbot, page)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)  # fast; the app prints at high
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a file stands in for the printer
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    n = render_pages(report, printer)
    assert n == len(PdfReader(report).pages) == len(PdfReader(printed).pages)


# ---------------------------------------------------------------------------- 数据安全

@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_is_logged_and_the_draft_kept(window: MainWindow, data_dir: Path,
                                                          qtbot, monkeypatch) -> None:
    import sys

    from desktop.logs import CrashHandler, log_path, setup_logging

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    setup_logging()
    CrashHandler(window).install()
    page = window.show_page("selfcheck")
    type_firm(qtbot, page, FIRM)

    def boom(*args, **kwargs):
        raise RuntimeError("测试：评估时的意外错误")

    monkeypatch.setattr("desktop.pages.selfcheck.assess_firm", boom)
    qtbot.mouseClick(page.buttons["assess"], Qt.MouseButton.LeftButton)  # the slot raises
    qtbot.waitUntil(lambda: getattr(window, "crash_box", None) is not None, timeout=5000)
    logged = log_path().read_text(encoding="utf-8")
    assert log_path() == data_dir / "logs" / "mujun.log"
    assert "CRITICAL mujun: 未处理的错误" in logged and "Traceback" in logged
    assert "RuntimeError: 测试：评估时的意外错误" in logged and "selfcheck.py" in logged
    draft = json.loads((data_dir / "drafts" / "form.json").read_text(encoding="utf-8"))
    assert draft["values"]["name"] == FIRM["name"] and draft["values"]["tax"] == FIRM["tax"]
    shown = window.crash_box.text()
    assert str(log_path()) in shown and "已保存为草稿" in shown and "RuntimeError" in shown
    assert window.isVisible()  # the program goes on
    window.crash_box.close()
    again = MainWindow(AppContext(Settings(as_of=AS_OF)))  # and the next start gets the draft back
    qtbot.addWidget(again)
    assert again.pages["selfcheck"].form.raw()["name"] == FIRM["name"]
    again.ctx.close()


def test_a_worker_failure_names_the_log_file(window: MainWindow, data_dir: Path, qtbot,
                                             monkeypatch) -> None:
    from desktop.logs import setup_logging

    setup_logging()
    page = window.pages["import"]
    monkeypatch.setattr("forms.importer.dry_run", lambda *a: 1 / 0)
    page.open_file(data_dir / "x.xlsx")
    wait_idle(qtbot, page)
    assert page.progress.op.dialog is not None
    assert str(data_dir / "logs" / "mujun.log") in page.progress.op.dialog.text()
    assert "ZeroDivisionError" in (data_dir / "logs" / "mujun.log").read_text(encoding="utf-8")


def test_backup_and_restore_from_settings(window: MainWindow, tmp_path: Path, qtbot,
                                          monkeypatch) -> None:
    _import(window, qtbot, park(tmp_path / "park.xlsx", 5))
    page = window.show_page("settings")
    assert page.log_label.text().endswith(str(Path("logs") / "mujun.log"))
    backup = tmp_path / "备份 2026" / "亩均自评备份.sqlite3"
    page.backup_to(backup)
    wait_idle(qtbot, page)
    assert backup.exists() and str(backup) in page.backup_label.text()
    _import(window, qtbot, park(tmp_path / "more.xlsx", 12, seed=9))
    assert window.ctx.store.count() == 12
    answers = []
    monkeypatch.setattr("desktop.pages.settings.QFileDialog.getOpenFileName",
                        lambda *a, **k: (str(backup), ""))
    monkeypatch.setattr("desktop.pages.settings.QMessageBox.question",
                        lambda *a: answers.append(a[2]) or QMessageBox.StandardButton.Yes)
    page.choose_restore()
    wait_idle(qtbot, page)
    assert "替换当前数据库的全部内容" in answers[0]
    assert window.ctx.store.count() == 5  # the window's own connection sees the restored data
    kept = Path(page.backup_label.text().split("已另存为：")[1])
    assert kept.exists() and kept.parent == window.ctx.db_path.parent
    results = window.show_page("results")
    assert results.model.rowCount() == 5
    page.restore_from(tmp_path / "park.xlsx")  # not a database: a clear error, nothing changed
    wait_idle(qtbot, page)
    assert "不是数据库文件" in page.progress.op.dialog.text() and window.ctx.store.count() == 5


def test_long_paths_and_a_file_held_open_by_excel(tmp_path: Path, qtbot, monkeypatch) -> None:
    # Windows readiness, as far as Linux shows it: a data folder and an export path well over
    # the old 260-character limit, with spaces and Chinese, and a target that Excel holds open
    deep = tmp_path.joinpath(*["very long folder name 文件"] * 9)
    assert len(str(deep)) > 260
    monkeypatch.setenv("MUJUN_DATA_DIR", str(deep / "数据"))
    win = MainWindow(AppContext(Settings(as_of=AS_OF)))
    qtbot.addWidget(win)
    win.show()
    _import(win, qtbot, park(deep / "园区 表格.xlsx", 6))
    page = win.show_page("results")
    assert page.model.rowCount() == 6 and win.ctx.db_path.is_file()
    out = deep / "导出" / "结果 视图.xlsx"
    out.parent.mkdir()  # as the save dialog leaves it: an existing folder
    page.export_to(out)
    wait_idle(qtbot, page)
    assert load_workbook(out).active.max_row == 7

    def held(path, *args, **kwargs):  # what Windows raises while Excel has the file open
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("forms.excel.export.write_table", held)
    page.export_to(out)
    wait_idle(qtbot, page)
    text = page.progress.op.dialog.text()
    assert "正被 Excel、WPS 或其他程序打开" in text and str(out) in text
    # beyond SQLite's own limit on a file name: a clear message, and the old database stays
    too_deep = deep.joinpath(*["很长的 文件夹名称"] * 12)
    assert not win.pages["settings"].set_folder(str(too_deep))
    shown = win.pages["settings"].findChild(QMessageBox).text()
    assert "数据库的路径太长" in shown and "换到路径短一些的位置" in shown
    assert win.ctx.store.count() == 6
    win.ctx.close()


def test_an_unusable_data_folder_falls_back_or_says_why(data_dir: Path, tmp_path: Path, qtbot,
                                                        capsys, monkeypatch) -> None:
    data_dir.mkdir(parents=True)
    bad = tmp_path / "a file, not a folder"
    bad.write_text("x", encoding="utf-8")
    (data_dir / "settings.json").write_text(json.dumps({"data_folder": str(bad)}), encoding="utf-8")
    win = MainWindow(AppContext())  # the chosen folder is unusable: the default one is used
    qtbot.addWidget(win)
    assert win.ctx.db_path == data_dir / "mujun.sqlite3"
    assert "无法打开，已改用默认位置" in win.statusBar().currentMessage()
    win.close()
    monkeypatch.setenv("MUJUN_DATA_DIR", str(bad))  # the default itself unusable: say why
    assert not win.pages["selfcheck"].save_draft()  # and a draft that cannot be written is no crash
    assert "草稿无法保存" in win.pages["selfcheck"].draft_label.text()
    assert main(["gui", "--screenshot", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "亩均自评无法启动：无法创建数据文件夹" in err and "Traceback" not in err

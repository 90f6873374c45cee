"""批量导入 beyond the happy path (SPEC §7.1), driven through the page with pytest-qt: the full
import report, re-mapping a column the import refused and remembering that choice for the
header layout, confirming a re-import that renames a stored firm, hidden sheets, and the
suffixes the command line accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop import settings as user_settings
from desktop.context import AppContext
from desktop.mainwindow import MainWindow
from desktop.pages.batch_import import FILTER, REMEMBERED, SUFFIXES, ImportPage
from desktop.settings import Settings
from tests.conftest import credit_code

AS_OF = "2025-06-30"
SHEET = "企业数据"
HEAD = ["序号", "企业名称", "统一社会信用代码", "数据年度", "用地面积（亩）", "实缴税金（元）",
        "综合能耗（吨标准煤）", "工业增加值（万元）"]
ENERGY = 6  # column G: energy without 等价值/当量值, refused until the user says which
TAX_LINE = "F 列“实缴税金（元）” → 实缴税金，元 → 万元，÷10 000"
ENERGY_REFUSED = "G 列“综合能耗（吨标准煤）” 拒绝：表头没有写明是等价值还是当量值"
ENERGY_CHOSEN = "G 列“综合能耗（吨标准煤）” → 综合能耗（等价值）（用户指定）"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "数据 文件夹"
    monkeypatch.setenv("MUJUN_DATA_DIR", str(d))
    return d


@pytest.fixture
def window(data_dir: Path, qtbot) -> MainWindow:
    win = MainWindow(AppContext(Settings(as_of=AS_OF)))
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def page(window: MainWindow) -> ImportPage:
    return window.show_page("import")


def wait_idle(qtbot, page: ImportPage) -> None:
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=60_000)


def firm(n: int, name: str, tce: float = 1200, tax_yuan: int = 3_000_000) -> list:
    return [n, name, credit_code(n), 2024, 30, tax_yuan, tce, 3000]


def write_book(path: Path, rows: list[list], head: list[str] = HEAD,
               hidden: list[list] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(head)
    for r in rows:
        ws.append(r)
    if hidden is not None:
        old = wb.create_sheet("隐藏的企业")
        old.append(head)
        for r in hidden:
            old.append(r)
        old.sheet_state = "hidden"
    wb.save(path)
    return path


def check(qtbot, page: ImportPage, path: Path) -> None:
    assert page.open_file(path) is not None
    wait_idle(qtbot, page)
    assert page.imported is not None, page.summary.text()


def values(page: ImportPage) -> dict[str, dict]:
    assert page.imported is not None
    return {r.checked.values["name"]: r.checked.values for r in page.imported.valid}


# ---------------------------------------------------------------------------- report and re-map

def test_report_remap_and_remembered_mapping(page: ImportPage, window: MainWindow,
                                             data_dir: Path, tmp_path: Path, qtbot) -> None:
    check(qtbot, page, write_book(tmp_path / "a.xlsx", [firm(1, "星河机械有限公司")]))
    report = page.report.toPlainText()
    assert TAX_LINE in report and ENERGY_REFUSED in report
    assert "注意：1 列数据未导入" in report
    summary = page.summary.text()
    assert "没有发现错误" not in summary
    assert "没有被拒绝的行；注意：1 列未导入，1 列已按表头单位换算，见导入报告。" in summary
    assert page.tabs.tabText(0) == "导入报告（1 列未导入）" and page.tabs.currentIndex() == 0
    got = values(page)["星河机械有限公司"]
    assert got["tax"] == 300.0 and "energy_equal_tce" not in got

    dlg = page.remap()
    assert dlg is not None and dlg.isVisible()
    combo = dlg.combos[(SHEET, ENERGY)]
    assert combo.currentText() == "（不导入）"  # refused: not imported now
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels[0] == "（不导入）" and "综合能耗（等价值）" in labels and "综合能耗（当量值）" in labels
    assert dlg.combos[(SHEET, 5)].currentData() == "tax"  # the header's own mapping preselected
    table = dlg.tables[SHEET]
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == list("ABCDEFGH")
    assert table.item(ENERGY, 2).text() == "拒绝（未导入）"
    assert "等价值还是当量值" in table.item(ENERGY, 3).text()
    assert table.item(5, 3).text() == "元 → 万元，÷10 000"
    dlg.choose(SHEET, ENERGY, "energy_equal_tce")
    assert combo.currentText() == "综合能耗（等价值）"
    assert table.item(ENERGY, 2).text() == "将改为：综合能耗（等价值）"
    assert dlg.mapping() == {SHEET: {ENERGY: "energy_equal_tce"}}  # only what changed
    dlg.accept()
    wait_idle(qtbot, page)
    assert values(page)["星河机械有限公司"]["energy_equal_tce"] == 1200.0
    report = page.report.toPlainText()
    assert ENERGY_CHOSEN in report and ENERGY_REFUSED not in report and "注意：" not in report
    assert page.summary.text().endswith("没有被拒绝的行；注意：1 列已按表头单位换算，见导入报告。\n"
                                        "已按您指定的列对应读取（可在“调整列对应……”中修改或忘记）")
    # remembered for this header layout, in the settings file
    layout = page.imported.sheets[0].layout
    saved = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert saved["column_mappings"] == {layout: {str(ENERGY): "energy_equal_tce"}}
    loaded, problems = user_settings.load()
    assert loaded.column_mappings == {layout: {ENERGY: "energy_equal_tce"}} and problems == []
    # committed, the firm's stored energy is the file's figure
    page.commit()
    wait_idle(qtbot, page)
    rec = window.ctx.store.record(credit_code(1), 2024)
    assert rec is not None and rec.values["energy_equal_tce"] == 1200.0

    # (b) another file with the same header: the remembered choice is used by itself
    other = write_book(tmp_path / "b.xlsx", [firm(2, "月湖电子有限公司", tce=845.5),
                                             firm(3, "东海纺织有限公司", tce=0)])
    check(qtbot, page, other)
    assert {k: v["energy_equal_tce"] for k, v in values(page).items()} == {
        "月湖电子有限公司": 845.5, "东海纺织有限公司": 0.0}
    assert REMEMBERED in page.summary.text()
    report = page.report.toPlainText()
    assert report.startswith(REMEMBERED) and ENERGY_CHOSEN in report
    assert page.remembered == {SHEET}

    # forgetting it reads the header alone again, and removes it from the settings
    dlg = page.remap()
    assert dlg.combos[(SHEET, ENERGY)].currentData() == "energy_equal_tce"
    assert dlg.reset_button.isEnabled()
    dlg.reset_button.click()
    wait_idle(qtbot, page)
    assert ENERGY_REFUSED in page.report.toPlainText()
    assert "energy_equal_tce" not in values(page)["月湖电子有限公司"]
    assert REMEMBERED not in page.summary.text()
    assert window.ctx.settings.column_mappings == {}
    assert user_settings.load()[0].column_mappings == {}


def test_a_mapping_that_cannot_be_read_keeps_the_previous_result(page: ImportPage,
                                                                 window: MainWindow,
                                                                 tmp_path: Path, qtbot) -> None:
    check(qtbot, page, write_book(tmp_path / "a.xlsx", [firm(1, "星河机械有限公司")]))
    before = page.imported
    dlg = page.remap()
    dlg.choose(SHEET, 2, None)  # the credit code column "not imported": a required column gone
    dlg.accept()
    wait_idle(qtbot, page)
    box = page.progress.op.dialog
    assert box is not None and "缺少必填列：统一社会信用代码" in box.text()
    box.close()
    assert page.imported is before and page.mapping == {}
    assert page.summary.text().startswith("无法按新的设置读取：")
    assert "仍显示之前的检查结果" in page.summary.text()
    assert window.ctx.settings.column_mappings == {}  # nothing broken is remembered
    assert page.buttons["commit"].isEnabled()


def test_a_clean_file_says_so(page: ImportPage, tmp_path: Path, qtbot) -> None:
    head = [h if h != "综合能耗（吨标准煤）" else "综合能耗（等价值）（吨标准煤）" for h in HEAD]
    check(qtbot, page, write_book(tmp_path / "ok.xlsx", [firm(1, "星河机械有限公司")], head))
    # a unit converted is not an error, but it is said
    assert page.summary.text().endswith("没有被拒绝的行；注意：1 列已按表头单位换算，见导入报告。")
    assert page.tabs.tabText(0) == "导入报告" and page.tabs.tabText(1) == "被拒绝的单元格（0）"


def test_rejected_rows_and_skipped_rows_are_both_named(page: ImportPage, tmp_path: Path,
                                                       qtbot) -> None:
    rows = [firm(1, "星河机械有限公司"), [2, "坏数据有限公司", credit_code(2), 2024, "三十亩", 1, 1, 1],
            ["合计", None, None, None, 60, 6_000_000, 2400, 6000]]
    check(qtbot, page, write_book(tmp_path / "mixed.xlsx", rows))
    text = page.summary.text()
    assert "没有发现错误" not in text and "没有被拒绝的行" not in text
    assert "注意：1 列未导入，1 列已按表头单位换算，1 行非企业行已跳过，见导入报告。" in text
    assert page.tabs.tabText(1) == f"被拒绝的单元格（{page.errors.rowCount()}）"
    assert page.errors.rowCount() == 1
    assert "跳过 1 行非企业行（不计为错误）：\n第 4 行 合计/小计/平均行：“合计" in page.report.toPlainText()


# ---------------------------------------------------------------------------- renames

def test_a_rename_is_confirmed_before_anything_is_written(page: ImportPage, window: MainWindow,
                                                          tmp_path: Path, qtbot) -> None:
    code = credit_code(7)
    check(qtbot, page, write_book(tmp_path / "2024.xlsx", [firm(7, "台州星河机械有限公司")]))
    page.commit()
    wait_idle(qtbot, page)
    store = window.ctx.store
    assert store.record(code, 2024).name == "台州星河机械有限公司" and store.count() == 1
    renamed = write_book(tmp_path / "改名.xlsx", [firm(7, "浙江星河智能装备有限公司", tax_yuan=4_000_000),
                                                firm(8, "新来的企业有限公司")])
    check(qtbot, page, renamed)
    page.commit()
    wait_idle(qtbot, page)
    dlg = page.rename_dialog
    assert dlg is not None and dlg.isVisible() and page.outcome is None
    assert dlg.rows() == [(code, "2024", "台州星河机械有限公司", "浙江星河智能装备有限公司")]
    assert dlg.confirm_button.text() == "确认是同一企业改名，照常导入"
    assert "尚未导入" in page.summary.text()
    assert store.count() == 1  # nothing written while the question is open
    dlg.reject()
    assert "未导入，数据库没有改变" in page.summary.text()
    rec = store.record(code, 2024)
    assert rec.name == "台州星河机械有限公司" and rec.values["tax"] == 300.0 and store.count() == 1
    assert store.record(credit_code(8), 2024) is None
    assert page.progress.op.dialog is None  # a question, not an error box
    # asked again, and this time confirmed
    page.commit()
    wait_idle(qtbot, page)
    dlg = page.rename_dialog
    assert dlg.isVisible()
    dlg.accept()
    wait_idle(qtbot, page)
    assert page.outcome is not None and page.outcome.committed is not None
    rec = store.record(code, 2024)
    assert rec.name == "浙江星河智能装备有限公司" and rec.values["tax"] == 400.0
    assert store.count() == 2 and "新增 1 家，更新 1 家" in page.summary.text()


# ---------------------------------------------------------------------------- hidden sheets

def test_hidden_sheets_are_read_when_asked(page: ImportPage, tmp_path: Path, qtbot) -> None:
    path = write_book(tmp_path / "hidden.xlsx", [firm(1, "星河机械有限公司")],
                      hidden=[firm(21, "隐藏表里的企业有限公司"), firm(22, "另一家隐藏企业有限公司")])
    check(qtbot, page, path)
    assert not page.hidden_box.isChecked()
    assert set(values(page)) == {"星河机械有限公司"}
    assert "1 个隐藏的工作表未导入" in page.summary.text()
    assert "工作表“隐藏的企业”（隐藏）：未读取 —— 隐藏的工作表" in page.report.toPlainText()
    page.hidden_box.setChecked(True)
    wait_idle(qtbot, page)
    assert set(values(page)) == {"星河机械有限公司", "隐藏表里的企业有限公司", "另一家隐藏企业有限公司"}
    assert "工作表“隐藏的企业”（隐藏，按要求读取）：企业表" in page.report.toPlainText()
    assert "隐藏的工作表未导入" not in page.summary.text()
    page.hidden_box.setChecked(False)
    wait_idle(qtbot, page)
    assert set(values(page)) == {"星河机械有限公司"}


def test_a_file_whose_only_firms_are_hidden_can_be_read_by_ticking_the_box(
        page: ImportPage, tmp_path: Path, qtbot) -> None:
    wb = Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本表数据见隐藏工作表"
    ws = wb.create_sheet("企业")
    ws.append(HEAD)
    ws.append(firm(1, "星河机械有限公司"))
    ws.sheet_state = "hidden"
    path = tmp_path / "only-hidden.xlsx"
    wb.save(path)
    page.open_file(path)
    wait_idle(qtbot, page)
    assert page.imported is None and "导入隐藏的工作表" in page.summary.text()
    page.progress.op.dialog.close()
    page.hidden_box.setChecked(True)
    wait_idle(qtbot, page)
    assert set(values(page)) == {"星河机械有限公司"}


# ---------------------------------------------------------------------------- suffixes

def test_every_suffix_of_the_command_line(page: ImportPage, tmp_path: Path, qtbot) -> None:
    assert SUFFIXES == (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt")
    assert all(f"*{s}" in FILTER for s in SUFFIXES)
    text = tmp_path / "导出.txt"  # tab-separated, as county systems export
    text.write_text("\n".join("\t".join(map(str, r)) for r in [HEAD, firm(1, "星河机械有限公司")]),
                    encoding="utf-8")
    check(qtbot, page, text)
    assert values(page)["星河机械有限公司"]["tax"] == 300.0
    wps = write_book(tmp_path / "wps.et", [firm(2, "月湖电子有限公司")])  # WPS's own suffix
    check(qtbot, page, wps)
    assert set(values(page)) == {"月湖电子有限公司"}
    notes = tmp_path / "说明.txt"
    notes.write_text("请于三月底前报送。\n联系人：张三\n", encoding="utf-8")
    assert page.open_file(notes) is None
    assert "不是表格文件" in page.summary.text() and page.imported is None

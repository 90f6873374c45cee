"""The park manager's table (issue 13, point 7), driven through the pages with pytest-qt:
结果一览's indicator columns, frozen name and code, column choice, 清除筛选 and Ctrl+C as a table;
批量导入's firms about to be written (new / updated), 查看本批结果, the rejected list with name,
code and 已改正, project rows that open their firm; 生成园区汇总 and the outcome line with
打开文件 / 打开文件夹."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QToolButton

from desktop.context import AppContext
from desktop.mainwindow import MainWindow
from desktop.models import NOT_READ, RESULT_COLUMNS, TITLE, ErrorsModel, PlannedModel
from desktop.pages.results import HIDDEN_KEY, ResultsPage
from desktop.settings import Settings
from desktop.widgets import outcome
from forms.store import BROWSE_COLUMNS
from tests.conftest import credit_code
from tests.fixtures import messy_workbook, park

AS_OF = "2025-06-30"
COL = {k: i for i, (k, _) in enumerate(RESULT_COLUMNS)}
HEAD = ["企业名称", "统一社会信用代码", "数据年度", "实际用地面积（亩）", "实缴税金（万元）", "工业增加值（万元）",
        "综合能耗（等价值）（吨标准煤）", "化学需氧量（吨）", "年平均职工人数", "研发费用（万元）",
        "主营业务收入（万元）", "是否规上工业企业", "国民经济行业代码"]
# name, code number, land, tax, value added, energy, COD, employees, R&D, main revenue, 规上
STAR = ("星河机械有限公司", 1, 30, 300, 3000, 1200, 1.2, 120, 150, 9000, "是")
MOON = ("月湖电子有限公司", 2, 20, 100, None, None, None, 50, 10, 3000, "是")  # no value added
SEA = ("东海纺织有限公司", 3, 8, 40, None, None, None, 20, None, 1500, "否")  # 规下


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


def book(path: Path, firms: list[tuple], projects: list[list] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业数据"
    ws.append(HEAD)
    for name, n, *figures in firms:
        ws.append([name, credit_code(n), 2024, *figures, "3311"])
    if projects is not None:
        ps = wb.create_sheet("新上项目")
        ps.append(["统一社会信用代码", "数据年度", "项目名称", "达产年工业增加值（万元）",
                   "项目年综合能耗（等价值）（吨标准煤）", "所在地能耗双控目标完成情况"])
        for p in projects:
            ps.append(p)
    wb.save(path)
    return path


def wait_idle(qtbot, page) -> None:
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=60_000)


def check(qtbot, window: MainWindow, path: Path):
    page = window.show_page("import")
    assert page.open_file(path) is not None
    wait_idle(qtbot, page)
    assert page.imported is not None, page.summary.text()
    return page


def imported(qtbot, window: MainWindow, path: Path):
    page = check(qtbot, window, path)
    page.commit()
    wait_idle(qtbot, page)
    assert page.outcome is not None, page.summary.text()
    return page


def results(qtbot, window: MainWindow) -> ResultsPage:
    page = window.show_page("results")
    qtbot.waitUntil(lambda: page.model.extras_read, timeout=10_000)
    return page


def row_of(page: ResultsPage, name: str) -> int:
    return next(r for r in range(page.proxy.rowCount())
                if page.proxy.index(r, COL["name"]).data() == name)


def cells(page: ResultsPage, name: str) -> dict[str, str]:
    r = row_of(page, name)
    return {head: page.proxy.index(r, c).data() for c, (_, head) in enumerate(RESULT_COLUMNS)}


# ---------------------------------------------------------------------------- 结果一览

def test_indicator_columns_read_with_units_and_unknown_is_never_zero(window: MainWindow,
                                                                      tmp_path: Path,
                                                                      qtbot) -> None:
    imported(qtbot, window, book(tmp_path / "a.xlsx", [STAR, MOON, SEA]))
    page = results(qtbot, window)
    heads = [page.proxy.headerData(c, Qt.Orientation.Horizontal, TITLE) for c in range(len(COL))]
    # on screen the unit is a second header line
    assert page.proxy.headerData(COL["tax_per_mu"], Qt.Orientation.Horizontal) == \
        "亩均税收\n（万元/亩）"
    assert heads[:2] == ["企业名称", "统一社会信用代码"]
    for head in ("用地（亩）", "实缴税金（万元）", "亩均税收（万元/亩）", "亩均增加值（万元/亩）",
                 "单位能耗增加值（万元/吨标准煤）", "R&D经费占比（%）", "单位电耗税收（万元/万千瓦时）"):
        assert head in heads
    assert heads.index("得分") < heads.index("用地（亩）")  # beside score, class and rank
    star = cells(page, "星河机械有限公司")
    assert star["用地（亩）"] == "30" and star["实缴税金（万元）"] == "300"
    assert star["亩均税收（万元/亩）"] == "10.00"  # 300 万元 / 30 亩
    assert star["亩均增加值（万元/亩）"] == "100.00"  # 3000 / 30
    assert star["单位能耗增加值（万元/吨标准煤）"] == "2.50"  # 3000 / 1200
    assert star["全员劳动生产率（万元/人）"] == "25.00"  # 3000 / 120
    assert star["单位电耗税收（万元/万千瓦时）"] == "—"  # 规上 firms are not assessed on it
    moon = cells(page, "月湖电子有限公司")
    assert moon["工业增加值（万元）"] == "未知" and moon["亩均增加值（万元/亩）"] == "未知"
    assert moon["亩均税收（万元/亩）"] == "5.00"
    sea = cells(page, "东海纺织有限公司")
    assert sea["亩均增加值（万元/亩）"] == "—" and sea["单位电耗税收（万元/万千瓦时）"] == "未知"
    assert "0" not in {moon["亩均增加值（万元/亩）"], sea["单位电耗税收（万元/万千瓦时）"]}
    # the tooltip holds the benchmark and the points
    tip = page.proxy.index(row_of(page, "星河机械有限公司"), COL["tax_per_mu"]).data(
        Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("亩均税收：10 万元/亩，基准值 ") and "得分 " in tip
    why = page.proxy.index(row_of(page, "东海纺织有限公司"), COL["value_added_per_mu"]).data(
        Qt.ItemDataRole.ToolTipRole)
    assert why == "规下企业（用地3亩及以上）不计“亩均增加值”"
    # sorting an indicator: numbers as numbers, 未知 and — last
    page.table.sortByColumn(COL["tax_per_mu"], Qt.SortOrder.DescendingOrder)
    assert [page.proxy.index(r, COL["tax_per_mu"]).data() for r in range(3)] == \
        ["10.00", "5.00", "5.00"]
    page.table.sortByColumn(COL["value_added_per_mu"], Qt.SortOrder.AscendingOrder)
    assert page.proxy.index(0, COL["name"]).data() == "星河机械有限公司"


def test_frozen_name_and_code_stay_in_view_when_scrolled_right(window: MainWindow,
                                                               tmp_path: Path, qtbot) -> None:
    imported(qtbot, window, park(tmp_path / "park.xlsx", 30))
    page = results(qtbot, window)
    window.resize(1366, 768)
    table = page.table
    bar = table.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)
    bar.setValue(bar.maximum())
    qtbot.wait(20)
    assert table.columnViewportPosition(COL["name"]) < 0  # the main view scrolled past them
    frozen = table.frozen
    assert frozen.isVisible()
    assert [frozen.isColumnHidden(c) for c in range(4)] == [False, False, True, True]
    assert frozen.width() == table.columnWidth(0) + table.columnWidth(1)
    assert frozen.columnViewportPosition(0) == 0 and frozen.columnViewportPosition(1) > 0
    first = frozen.indexAt(QPoint(5, 5))
    assert first.column() == 0 and first.data() == page.proxy.index(0, 0).data()
    code = frozen.indexAt(QPoint(frozen.columnViewportPosition(1) + 5, 5))
    assert code.data() == page.proxy.index(0, COL["credit_code"]).data()
    # both views scroll down together, and select the same rows
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert frozen.verticalScrollBar().value() == table.verticalScrollBar().value() > 0
    table.selectRow(3)
    assert frozen.selectionModel() is table.selectionModel()
    # a frozen column widened from its own header widens the column underneath too
    frozen.horizontalHeader().resizeSection(0, 300)
    assert table.columnWidth(0) == 300 and frozen.width() == 300 + table.columnWidth(1)
    # clicking the frozen header sorts by name
    frozen.horizontalHeader().sectionClicked.emit(COL["name"])
    names = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
    assert names == sorted(names)


def test_ctrl_c_copies_the_selected_rows_as_a_table(window: MainWindow, tmp_path: Path,
                                                     qtbot) -> None:
    imported(qtbot, window, book(tmp_path / "a.xlsx", [STAR, MOON, SEA]))
    page = results(qtbot, window)
    table = page.table
    page.table.sortByColumn(COL["name"], Qt.SortOrder.AscendingOrder)
    table.setColumnHidden(COL["cohort"], True)  # a hidden column is not copied
    table.selectRow(row_of(page, "星河机械有限公司"))
    table.selectionModel().select(page.proxy.index(row_of(page, "东海纺织有限公司"), 0),
                                  table.selectionModel().SelectionFlag.Select
                                  | table.selectionModel().SelectionFlag.Rows)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QGuiApplication.clipboard().mimeData()
    copied, html = mime.text(), mime.html()
    lines = copied.split("\r\n")
    assert lines[-1] == "" and len(lines) == 4  # header, two rows, final line break
    head = lines[0].split("\t")
    assert head[:3] == ["企业名称", "统一社会信用代码", "得分"]  # 分组 hidden
    assert "分组" not in head and len(head) == len(RESULT_COLUMNS) - 1
    rows = {r.split("\t")[0]: dict(zip(head, r.split("\t"))) for r in lines[1:3]}
    assert set(rows) == {"星河机械有限公司", "东海纺织有限公司"}
    star = rows["星河机械有限公司"]
    assert star["统一社会信用代码"] == credit_code(1)
    assert star["亩均税收（万元/亩）"] == "10.00" and star["用地（亩）"] == "30"
    assert rows["东海纺织有限公司"]["亩均增加值（万元/亩）"] == "—"
    assert "<th>亩均税收（万元/亩）</th>" in html
    assert f"<td style=\"mso-number-format:'\\@'\">{credit_code(1)}</td>" in html  # kept as text
    # the context menu's 复制 does the same
    QGuiApplication.clipboard().clear()
    assert table.copy_rows() == 2 and QGuiApplication.clipboard().text() == copied


def test_hidden_columns_are_remembered(window: MainWindow, data_dir: Path, tmp_path: Path,
                                       qtbot) -> None:
    imported(qtbot, window, book(tmp_path / "a.xlsx", [STAR]))
    page = results(qtbot, window)
    menu = page.table.column_menu()
    acts = {a.text(): a for a in menu.actions()}
    assert "企业名称、统一社会信用代码始终显示" in acts and not acts["企业名称、统一社会信用代码始终显示"].isEnabled()
    assert "企业名称" not in acts  # frozen columns cannot be hidden
    assert "R&&D经费占比（%）" in acts  # shown as “R&D”, not as a shortcut letter
    acts["工业增加值（万元）"].setChecked(False)
    acts["高耗低效"].setChecked(False)
    assert page.table.isColumnHidden(COL["value_added"])
    ini = (data_dir / "window.ini").read_text(encoding="utf-8")
    assert "value_added" in ini and "rect_flagged" in ini and HIDDEN_KEY.split("/")[1] in ini
    again = ResultsPage(window.ctx)  # the next start
    qtbot.addWidget(again)
    hidden = {k for k, c in COL.items() if again.table.isColumnHidden(c)}
    assert hidden == {"value_added", "rect_flagged"}
    again.table.show_all_columns()
    assert not any(again.table.isColumnHidden(c) for c in COL.values())
    third = ResultsPage(window.ctx)
    qtbot.addWidget(third)
    assert not third.table.isColumnHidden(COL["value_added"])


def test_clear_filters_resets_every_filter(window: MainWindow, tmp_path: Path, qtbot) -> None:
    imported(qtbot, window, park(tmp_path / "park.xlsx", 40))
    page = results(qtbot, window)
    page.filters["class"].setCurrentIndex(page.filters["class"].findData("A"))
    page.filters["flag"].setCurrentIndex(1)
    page.search.setText("企业01")
    qtbot.waitUntil(lambda: page.proxy.rowCount() < 10, timeout=3000)
    clear_x = page.search.findChild(QToolButton)  # the box's ⊗, shown while it holds text
    assert clear_x is not None
    qtbot.waitUntil(clear_x.isVisible, timeout=2000)
    page.show_batch(1, [(credit_code(500), 2024), (credit_code(501), 2024)])
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == 40 and page.counts.text() == "显示 40 / 40 家"
    assert page.search.text() == "" and page.batch is None
    # it fades out with the text (it stayed when the box's signals were blocked while clearing)
    qtbot.waitUntil(lambda: not clear_x.isVisible(), timeout=2000)
    assert all(box.currentIndex() == 0 and box.currentText() == "全部"
               for box in page.filters.values())
    assert not page.batch_note.isVisibleTo(page)


def test_the_chosen_firm_stays_chosen_and_in_view_through_filters_and_sorts(
        window: MainWindow, tmp_path: Path, qtbot) -> None:
    imported(qtbot, window, park(tmp_path / "park.xlsx", 120))
    page = results(qtbot, window)
    page.resize(1366, 500)
    page.table.sortByColumn(COL["score"], Qt.SortOrder.DescendingOrder)
    klass = next(c for c in "ABCD" if page.filters["class"].findData(c) >= 0
                 and any(r[BROWSE_COLUMNS.index("class")] == c for r in page.model.rows))
    pos = max(r for r in range(page.proxy.rowCount())
              if page.proxy.row(r)[BROWSE_COLUMNS.index("class")] == klass)
    page.table.setCurrentIndex(page.proxy.index(pos, COL["name"]))
    firm = page.proxy.row(pos)
    page.table.scrollToTop()

    def chosen() -> tuple | None:
        index = page.table.currentIndex()
        return page.proxy.row(index.row()) if index.isValid() else None

    def in_view() -> bool:
        rect = page.table.visualRect(page.table.currentIndex())
        return rect.isValid() and page.table.viewport().rect().intersects(rect)

    page.filters["class"].setCurrentIndex(page.filters["class"].findData(klass))
    assert page.proxy.rowCount() < 120 and chosen() == firm
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.proxy.rowCount() == 120 and chosen() == firm and in_view()
    page.table.scrollToTop()
    page.table.sortByColumn(COL["score"], Qt.SortOrder.AscendingOrder)  # it moves to the top half
    qtbot.waitUntil(in_view, timeout=2000)
    assert chosen() == firm
    bar = page.table.horizontalScrollBar()  # scrolled to the right, a sort stays there
    page.table.setCurrentIndex(page.proxy.index(page.table.currentIndex().row(), COL["score"]))
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    last = page.proxy.columnCount() - 1  # the header the user scrolled to, clicked
    page.table.sortByColumn(last, Qt.SortOrder.AscendingOrder)
    qtbot.wait(50)  # the scroll to the chosen firm comes after the sort
    assert bar.value() == bar.maximum() and chosen() == firm  # … and Home goes back left
    assert 0 <= page.table.rowViewportPosition(page.table.currentIndex().row()) \
        < page.table.viewport().height()
    qtbot.keyClick(page.table, Qt.Key.Key_Home)
    assert bar.value() == 0 and page.table.currentIndex().column() == 0
    other = "D" if klass != "D" else "A"
    page.filters["class"].setCurrentIndex(page.filters["class"].findData(other))
    assert chosen() != firm  # filtered out: nothing of it is left chosen


def test_flags_and_ladder_sort_by_what_they_say() -> None:
    """高耗低效: 列入 first, the firms not listed (stored 0, shown blank) last either way; 梯度培育
    up the ladder; 分组 in the catalogue's order of cohorts."""
    from desktop.models import ResultsModel, ResultsProxy
    from rules.assessments.sme import TIERS

    base = {c: None for c in BROWSE_COLUMNS} | {"status": "scored"}
    tiers = ["specialised", "none", "little_giant", "innovative", None]
    cohorts = ["out_of_scope", "above_scale", "tenant", "below_scale", "above_scale"]
    rows = [tuple((base | {"credit_code": f"C{i}", "name": f"企业{i}", "rect_flagged": i % 2,
                           "sme_tier": t, "cohort": c})[k] for k in BROWSE_COLUMNS)
            for i, (t, c) in enumerate(zip(tiers, cohorts, strict=True))]
    model = ResultsModel(rows)
    proxy = ResultsProxy()
    proxy.setSourceModel(model)
    at = {k: BROWSE_COLUMNS.index(k) for k in ("rect_flagged", "sme_tier", "cohort")}
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        proxy.sort(COL["rect_flagged"], order)
        assert [r[at["rect_flagged"]] for r in proxy.visible_rows()] == [1, 1, 0, 0, 0]
    proxy.sort(COL["sme_tier"], Qt.SortOrder.AscendingOrder)
    assert [r[at["sme_tier"]] for r in proxy.visible_rows()] == [*TIERS, None]
    proxy.sort(COL["sme_tier"], Qt.SortOrder.DescendingOrder)
    assert [r[at["sme_tier"]] for r in proxy.visible_rows()] == [*reversed(TIERS), None]
    proxy.sort(COL["cohort"], Qt.SortOrder.AscendingOrder)
    assert [r[at["cohort"]] for r in proxy.visible_rows()] == [
        "above_scale", "above_scale", "below_scale", "tenant", "out_of_scope"]


def test_models_with_figures_pass_the_model_tester(qtmodeltester) -> None:
    from desktop.models import EXTRA_KEYS, ResultsModel, ResultsProxy

    base = {c: None for c in BROWSE_COLUMNS} | {"cohort": "above_scale", "status": "scored"}
    rows = [tuple((base | {"credit_code": f"C{i}", "name": f"企业{i}", "score": 50.0 + i})[c]
                  for c in BROWSE_COLUMNS) for i in range(3)]
    model = ResultsModel(rows)
    proxy = ResultsProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL["tax_per_mu"], Qt.SortOrder.DescendingOrder)
    assert not model.extras_read and model.data(model.index(0, COL["tax_per_mu"])) == ""
    extra = {k: None for k in EXTRA_KEYS}
    model.set_extras([r + tuple((extra | {"tax_per_mu": t, "land_mu": 10})[k] for k in EXTRA_KEYS)
                      for r, t in zip(rows, (3.0, None, 12.5))])
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    # the figures arrived sorted: 12.5, 3.0, then the unknown one last
    assert [proxy.index(r, COL["tax_per_mu"]).data() for r in range(3)] == ["12.50", "3.00", "未知"]
    assert proxy.index(0, COL["land_mu"]).data() == "10"
    planned = PlannedModel()
    planned.set_rows([(PlannedModel.UPDATE, "甲", "C1", 2024, ""), (PlannedModel.NEW, "乙", "C2",
                                                                   2024, "")])
    qtmodeltester.check(planned)
    assert planned.counts() == (1, 1, 0)


# ---------------------------------------------------------------------------- 批量导入

def test_firms_about_to_be_imported_then_this_batch_in_results(window: MainWindow,
                                                               tmp_path: Path, qtbot) -> None:
    first = [("甲机械有限公司", 11, 30, 300, 3000, 1200, 1, 100, 100, 9000, "是"),
             ("乙纺织有限公司", 12, 12, 90, 800, 900, 0.5, 80, 20, 2600, "是"),
             ("丙电子有限公司", 13, 10, 50, 400, 300, 0.2, 40, 10, 2200, "是")]
    imported(qtbot, window, book(tmp_path / "first.xlsx", first))
    second = [("甲机械有限公司", 11, 30, 330, 3100, 1200, 1, 100, 100, 9000, "是"),  # update
              ("乙纺织股份有限公司", 12, 12, 95, 820, 900, 0.5, 80, 20, 2600, "是"),  # update, renamed
              ("丁模具有限公司", 14, 9, 45, 500, 260, 0.1, 30, 5, 2100, "是"),
              ("戊五金有限公司", 15, 15, 60, 700, 500, 0.3, 50, 12, 2500, "是"),
              ("己照明有限公司", 16, 6, 20, 210, 150, 0.1, 25, 3, 2050, "是")]
    page = check(qtbot, window, book(tmp_path / "second.xlsx", second))
    planned = page.planned
    assert planned.counts() == (3, 2, 0)
    assert page.tabs.tabText(2) == "将导入的企业（新增 3，更新 2）" and page.tabs.currentIndex() == 2
    assert "导入后将新增 3 家、更新 2 家（已有数据将存入历史，可撤销）" in page.summary.text()
    items = [tuple(planned.data(planned.index(r, c)) for c in range(5))
             for r in range(planned.rowCount())]
    assert items == [
        (PlannedModel.UPDATE, "甲机械有限公司", credit_code(11), "2024", ""),
        (PlannedModel.UPDATE, "乙纺织股份有限公司", credit_code(12), "2024", "数据库中的名称：乙纺织有限公司"),
        (PlannedModel.NEW, "丁模具有限公司", credit_code(14), "2024", ""),
        (PlannedModel.NEW, "戊五金有限公司", credit_code(15), "2024", ""),
        (PlannedModel.NEW, "己照明有限公司", credit_code(16), "2024", "")]
    assert planned.headerData(0, Qt.Orientation.Horizontal) == "导入后"
    assert not page.buttons["batch_results"].isEnabled()
    page.commit(accept_renames=True)
    wait_idle(qtbot, page)
    assert "新增 3 家，更新 2 家" in page.summary.text()
    assert page.tabs.tabText(2) == "本批导入的企业（新增 3，更新 2）"
    assert page.buttons["batch_results"].isEnabled()
    qtbot.mouseClick(page.buttons["batch_results"], Qt.MouseButton.LeftButton)
    res = window.pages["results"]
    assert window.stack.currentWidget() is res
    shown = {r[1] for r in res.proxy.visible_rows()}
    assert shown == {"甲机械有限公司", "乙纺织股份有限公司", "丁模具有限公司", "戊五金有限公司", "己照明有限公司"}
    assert res.model.rowCount() == 6
    assert res.batch_note.isVisibleTo(res)
    assert res.batch_note.text().startswith("仅显示第 2 批导入的 5 家企业")
    assert res.counts.text() == "显示 5 / 6 家"
    res.clear_filters()
    assert res.proxy.rowCount() == 6 and not res.batch_note.isVisibleTo(res)


def test_rejected_rows_name_their_firm_and_are_marked_fixed(window: MainWindow, tmp_path: Path,
                                                            qtbot) -> None:
    src = tmp_path / "messy.xlsx"
    messy_workbook(src)
    page = check(qtbot, window, src)
    errors = page.errors
    h = page.table.horizontalHeader()
    shown = [errors.headerData(h.logicalIndex(v), Qt.Orientation.Horizontal)
             for v in range(h.count())]
    assert shown == ["工作表", "行", "企业名称", "统一社会信用代码", "列", "原因", "状态"]
    by_name = {errors.data(errors.index(r, 4)): r for r in range(errors.rowCount())}
    wu = by_name["戊五金"]
    assert errors.data(errors.index(wu, 5)) == credit_code(5)
    assert errors.data(errors.index(wu, 2)) == "用地面积(亩)"
    assert errors.data(errors.index(wu, 6)) == ErrorsModel.PENDING
    assert errors.data(errors.index(by_name["子模具"], 5)).startswith(credit_code(11)[:-1])
    orphan = next(r for r in range(errors.rowCount()) if errors.items[r][4].kind == "project")
    assert errors.data(errors.index(orphan, 4)) == NOT_READ  # a project sheet has no names
    assert errors.data(errors.index(orphan, 5)) == credit_code(99)
    # a project row whose firm is nowhere: said on the page
    page.fix_row(errors.index(orphan, 0))
    assert window.stack.currentWidget() is page
    assert "既不在本文件的有效企业行中，也不在数据库中" in page.fix_hint.text()
    assert credit_code(99) in page.fix_hint.text()
    page.commit()
    wait_idle(qtbot, page)
    # fix 戊五金 (用地 "10亩") in 企业自评 and save it
    page.fix_row(errors.index(wu, 0))
    form = window.pages["selfcheck"]
    assert window.stack.currentWidget() is form
    assert errors.data(errors.index(wu, 6)) == ErrorsModel.FIXING
    edit = form.form.editors["land_mu"].edit
    edit.clear()
    edit.insert("10")
    form.save()
    assert window.ctx.store.record(credit_code(5), 2024) is not None
    assert errors.data(errors.index(wu, 6)) == ErrorsModel.FIXED
    assert errors.data(errors.index(wu, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert page.tabs.tabText(1) == f"被拒绝的单元格（{errors.rowCount()}，已改正 1 行）"
    assert page.fix_hint.text().startswith("已改正：“企业数据”第 10 行（戊五金）")
    # another row sent to the form but not saved stays 正在改正
    ji = by_name["己化工"]
    page.fix_row(errors.index(ji, 0))
    window.ctx.data_changed.emit()
    assert errors.data(errors.index(ji, 6)) == ErrorsModel.FIXING


def test_a_rejected_project_row_opens_its_stored_firm(window: MainWindow, tmp_path: Path,
                                                      qtbot) -> None:
    path = book(tmp_path / "p.xlsx", [STAR], projects=[
        [credit_code(1), 2024, "智能产线", "很多", 500, "是"]])
    page = check(qtbot, window, path)
    bad = next(r for r in range(page.errors.rowCount())
               if page.errors.items[r][4].kind == "project")
    assert page.errors.data(page.errors.index(bad, 4)) == "星河机械有限公司"  # from the firm row
    page.fix_row(page.errors.index(bad, 0))
    assert window.stack.currentWidget() is page
    assert "尚未导入：先点“导入有效数据并评估”" in page.fix_hint.text()
    page.commit()
    wait_idle(qtbot, page)
    page.fix_row(page.errors.index(bad, 0))
    form = window.pages["selfcheck"]
    assert window.stack.currentWidget() is form
    assert form.form.editors["name"].edit.text() == "星河机械有限公司"
    assert "请在“新上项目”中补录或改正这个项目" in page.fix_hint.text()
    assert "智能产线" in page.fix_hint.text()


# ---------------------------------------------------------------------------- outcomes

def sections(pdf: Path) -> str:
    """A park summary's text from 一、 to 七、, without page headers and footers."""
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    body = text[text.index("一、分组与分类"):text.index("七、导入时被拒绝的行")]
    return "\n".join(line for line in body.splitlines()
                     if "亩均效益评价汇总" not in line and "自评估算汇总" not in line
                     and not (line.startswith("第 ") and "页" in line))


def test_export_view_says_where_with_open_buttons(window: MainWindow, tmp_path: Path, qtbot,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(outcome, "open_path", lambda p: opened.append(Path(p)) or True)
    imported(qtbot, window, book(tmp_path / "a.xlsx", [STAR, MOON, SEA]))
    page = results(qtbot, window)
    page.table.setColumnHidden(COL["park"], True)
    out = tmp_path / "结果.xlsx"
    page.export_to(out)
    wait_idle(qtbot, page)
    assert page.outcome.label.text() == \
        f"已导出当前视图（3 家企业，{len(RESULT_COLUMNS) - 1} 列）：{out}"
    qtbot.mouseClick(page.outcome.open_folder, Qt.MouseButton.LeftButton)
    assert opened == [tmp_path]
    ws = load_workbook(out).active
    head = [c.value for c in ws[1]]
    assert "园区/街道" not in head and head[:2] == ["企业名称", "统一社会信用代码"]
    by_name = {row[0].value: {h: c.value for h, c in zip(head, row)}
               for row in ws.iter_rows(min_row=2)}
    star = by_name["星河机械有限公司"]
    assert star["亩均税收（万元/亩）"] == pytest.approx(10.0)  # a number, for Excel to sum
    assert star["用地（亩）"] == 30
    assert by_name["月湖电子有限公司"]["亩均增加值（万元/亩）"] == "未知"
    assert by_name["东海纺织有限公司"]["亩均增加值（万元/亩）"] == "—"
    # a file that cannot be written: the line says so, without the open buttons
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    page.export_to(blocker / "x.xlsx")
    wait_idle(qtbot, page)
    page.progress.op.dialog.close()
    assert page.outcome.label.text() == "未能导出“x.xlsx”，原因见提示框。"
    assert not page.outcome.open_file.isVisibleTo(page)

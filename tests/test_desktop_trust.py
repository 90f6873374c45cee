"""The desktop a firm and a park manager can trust (issue 13): a result is always the form's;
nothing typed is dropped without asking; a firm without a class is told why on the card; the
sample park is kept apart from real firms and can go at any time; any batch can be undone,
after a restart too; the window fits a 1366×768 laptop."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QWidget,
)

from desktop.context import AppContext
from desktop.mainwindow import MainWindow
from desktop.settings import Settings
from forms import pipeline
from forms.firm import NOT_AMONG_SAMPLE
from forms.store import BROWSE_COLUMNS as BROWSE
from forms.store import SAMPLE
from tests.conftest import ROOT, credit_code
from tests.fixtures import park
from tests.test_desktop_pages import AS_OF, FIRM, type_firm, wait_idle

SAMPLE_FILE = ROOT / "resources" / "sample" / "sample-park.xlsx"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "数据"
    monkeypatch.setenv("MUJUN_DATA_DIR", str(d))
    return d


def _window(qtbot) -> MainWindow:
    win = MainWindow(AppContext(Settings(as_of=AS_OF)))
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def window(data_dir: Path, qtbot) -> MainWindow:
    return _window(qtbot)


def _pdf_text(path: Path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages)


def test_an_edit_after_assessing_greys_the_result_and_the_export_holds_the_new_figure(
        window: MainWindow, tmp_path: Path, qtbot) -> None:
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    page.assess()
    panel = page.panel
    assert not panel.stale and not panel.stale_banner.isVisibleTo(panel)
    type_firm(qtbot, page, {"land_mu": "500"})
    assert panel.stale and panel.stale_banner.isVisibleTo(panel)
    assert "已不对应表格中的数字" in panel.stale_banner.text()
    assert "#9AA5B1" in panel.cards["mujun"].main.styleSheet()  # greyed
    qtbot.wait(800)  # the draft autosave must not take the banner away
    assert panel.stale_banner.isVisibleTo(panel)
    out = tmp_path / "新.pdf"
    page.export_to(out)
    wait_idle(qtbot, page)
    text = _pdf_text(out)
    assert "500" in text and "0.6 万元/亩" in text  # 300 万元 ÷ 500 亩, not the old 30 亩
    assert "10 万元/亩" not in text
    assert page.result.record.land_mu == 500 and not panel.stale


def test_new_open_and_fix_ask_before_dropping_unsaved_edits(window: MainWindow, qtbot) -> None:
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    page.assess()
    asked: list[str] = []
    answer = [False]
    page._ask = lambda title, text: asked.append(text) or answer[0]
    assert page.new() is False  # declined: nothing lost
    assert "星河机械有限公司" in asked[0] and "尚未保存" in asked[0]
    assert page.form.raw()["name"] == FIRM["name"] and page.result is not None
    assert page.load_raw({"name": "别的企业"}) is False
    assert page.form.raw()["name"] == FIRM["name"]
    answer[0] = True
    assert page.new() is True
    assert not page.form.raw().get("name") and page.result is None
    assert page.panel.cards["mujun"].main.text() == "—" and page.panel.trees["mujun"].topLevelItemCount() == 0
    # saved figures are not "unsaved": opening another firm then does not ask
    asked.clear()
    type_firm(qtbot, page, FIRM)
    page.save()
    page.new()
    assert asked == []


def test_a_real_firm_is_told_it_is_not_ranked_among_the_sample(window: MainWindow,
                                                               qtbot) -> None:
    pipeline.run(SAMPLE_FILE, window.ctx.profile, date(2026, 6, 30), window.ctx.store,
                 kind=SAMPLE)
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, {**FIRM, "year": "2025"})
    r = page.assess()
    assert r.mujun["class"] is None and NOT_AMONG_SAMPLE in r.notes
    card = page.panel.cards["mujun"]
    assert card.main.text().endswith("· 未分类")
    assert NOT_AMONG_SAMPLE in page.panel.message.text()


def test_the_sample_goes_after_a_form_save_and_an_older_batch_is_undone_after_a_restart(
        window: MainWindow, data_dir: Path, tmp_path: Path, qtbot) -> None:
    store = window.ctx.store
    pipeline.run(SAMPLE_FILE, window.ctx.profile, date(2026, 6, 30), store, kind=SAMPLE)
    a = pipeline.run(park(tmp_path / "a.xlsx", 12, first=300), window.ctx.profile,
                     date(2026, 6, 30), store).committed
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    page.save()  # a form save after the sample and the import
    history = window.pages["history"]
    history._ask = lambda title, text: True
    window.show_page("history")
    history.refresh()
    assert history.table.rowCount() == 3
    kinds = [history.table.item(i, 1).text() for i in range(3)]
    assert kinds == ["表单保存", "导入", "示例园区"]
    assert history.sample_button.isEnabled()
    history.confirm_remove_sample()
    wait_idle(qtbot, history)
    assert store.sample_count() == 0 and store.count() == 13
    assert "已移除示例园区的 273 条" in history.outcome.text()
    window.close()
    again = _window(qtbot)  # a restart
    history = again.pages["history"]
    history._ask = lambda title, text: True
    again.show_page("history")
    row = next(i for i, r in enumerate(history.rows) if r["id"] == a.batch_id)
    history.table.selectRow(row)
    assert history.undo_button.isEnabled()  # not the latest batch, and nothing changed since
    history.confirm_undo()
    wait_idle(qtbot, history)
    assert again.ctx.store.count() == 1 and again.ctx.store.record(credit_code(300), 2024) is None
    assert f"已撤销第 {a.batch_id} 批" in history.outcome.text()
    assert history.table.item(row, 8).text().startswith("已撤销")
    again.ctx.close()


def test_at_1366_by_768_the_window_and_every_button_fit_the_screen(window: MainWindow,
                                                                   qtbot) -> None:
    area = window.screen().availableGeometry()
    assert (area.width(), area.height()) == (1366, 768)  # tests/data/screen-1366x768.json
    qtbot.waitUntil(lambda: window.isVisible())
    assert area.contains(window.frameGeometry()), window.frameGeometry()
    assert area.contains(QRect(window.statusBar().mapToGlobal(QPoint(0, 0)),
                               window.statusBar().size()))
    for name, page in window.pages.items():
        window.show_page(name)
        qtbot.wait(10)
        for b in page.findChildren(QPushButton):
            if b.isVisible():
                where = QRect(b.mapToGlobal(QPoint(0, 0)), b.size())
                assert area.contains(where), (name, b.text(), where)


# ---------------------------------------------------------------------------- words, not codes
RAW = re.compile(
    r"\b(?:huangyan-20\d\d|zhejiang|template|cohort_mean|incomplete|equivalent|tonnes|"
    r"geometric|arithmetic|holds_or_qualifies|above_scale|below_scale|high_value|"
    r"self_developed|class[12]|not_graded|no_weights|percentile|cutoffs|hntech|sha256)\b"
    r"|\b\d{3}_[0-9a-f]{8,}\b|\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\.[a-z_.]+\b")
PATHLIKE = re.compile(r"(?:/|[A-Za-z]:\\)[^\s，。；）]*")  # a file path may hold anything


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text a user can read in ``root``: labels, buttons, tabs, combo
    items, tree and table cells and headers, placeholders, tooltips."""
    out: list[tuple[str, str]] = []

    def add(where: str, text: object) -> None:
        if isinstance(text, str) and text:
            out.append((where, re.sub(r"<[^>]+>", " ", text)))

    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisibleTo(root) and w is not root:
            continue
        name = type(w).__name__
        add(f"{name}.toolTip", w.toolTip())
        if isinstance(w, (QLabel, QAbstractButton)):
            add(name, w.text())
        if isinstance(w, QLineEdit):
            add(f"{name}.placeholder", w.placeholderText())
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                add(f"{name}.item", w.itemText(i))
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                add(f"{name}.tab", w.tabText(i))
        if isinstance(w, QTreeWidget):
            stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            while stack:
                it = stack.pop()
                for c in range(w.columnCount()):
                    add(f"{name}.cell", it.text(c))
                    add(f"{name}.cellTip", it.toolTip(c))
                stack += [it.child(i) for i in range(it.childCount())]
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            try:
                cols = m.columnCount(QModelIndex())
            except TypeError:  # a list model keeps columnCount private: one column
                cols = 1
            for c in range(cols):
                add(f"{name}.header", m.headerData(c, Qt.Orientation.Horizontal))
            for r in range(min(m.rowCount(QModelIndex()), 60)):
                for c in range(cols):
                    v = m.data(m.index(r, c))
                    add(f"{name}.cell", v if isinstance(v, str) else None)
    return out


# lines that name internals on purpose, for whoever writes a county's profile (rules page
# tooltips only), and say so in words
FOR_AUTHORS = re.compile(r"^(?:写县级配置文件时的参数名|出自配置文件).*$", re.MULTILINE)


def raw_identifiers(texts: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    found = []
    for where, text in texts:
        if where.endswith(("toolTip", "cellTip")):
            text = FOR_AUTHORS.sub(" ", text)
        for m in RAW.finditer(PATHLIKE.sub(" ", text)):
            found.append((where, m.group(0), text[:120]))
    return found


def test_no_page_shows_a_raw_identifier(window: MainWindow, qtbot) -> None:
    """Every page, with the sample park loaded and a firm assessed: profile ids, codes of
    choices, group ids, hashes and seed file names never reach the screen."""
    pipeline.run(SAMPLE_FILE, window.ctx.profile, date(2026, 6, 30), window.ctx.store,
                 kind=SAMPLE)
    window.ctx.data_changed.emit()
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    page.assess()
    found = []
    for name in window.pages:
        window.show_page(name)
        qtbot.wait(20)
        found += [(name, *f) for f in raw_identifiers(visible_texts(window))]
    assert found == []


def test_qt_file_dialogs_speak_chinese(qtbot) -> None:
    from PySide6.QtWidgets import QFileDialog

    from desktop.app import application

    application()
    dlg = QFileDialog(None, "选择文件")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dlg)
    labels = {w.objectName(): w.text() for w in dlg.findChildren(QLabel)}
    assert labels["lookInLabel"] == "查找范围(&L)："
    assert labels["fileTypeLabel"] == "文件类型(&T)："


def test_file_dialogs_open_where_that_kind_of_file_was_last_used(
        window: MainWindow, tmp_path: Path, monkeypatch, qtbot) -> None:
    from PySide6.QtWidgets import QFileDialog

    from desktop import dialogs

    offered: list[str] = []
    target = tmp_path / "报告 文件夹" / "甲.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, where, filt: (offered.append(where), (str(target), ""))[1])
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    page.export_pdf()
    wait_idle(qtbot, page)
    page.export_pdf()
    wait_idle(qtbot, page)
    assert Path(offered[0]).parent == dialogs.documents()  # never the program's folder
    assert Path(offered[0]).name == "星河机械有限公司_2024_亩均自评报告.pdf"
    assert Path(offered[1]).parent == target.parent  # where the last report went
    assert dialogs.folder(dialogs.PROFILES) == dialogs.documents()  # each kind its own


def test_cancelling_the_pdf_batch_says_what_was_written(window: MainWindow, tmp_path: Path,
                                                        qtbot) -> None:
    from tests.test_desktop_pages import _import

    _import(window, qtbot, park(tmp_path / "park.xlsx", 40, first=400))
    page = window.pages["import"]
    out = tmp_path / "报告"
    op = page.export_pdfs_to(out, processes=1)
    qtbot.waitUntil(lambda: page.progress.bar.value() > 0, timeout=60_000)
    op.cancel()
    wait_idle(qtbot, page)
    written = sorted(out.glob("*.pdf"))
    assert 0 < len(written) < 40 and not list(out.glob("*.part"))
    text = page.written.label.text()
    assert f"已取消：生成了 {len(written)} 份 PDF 报告（完整的），其余 {40 - len(written)} 份未生成" in text
    assert page.written.open_folder.isVisibleTo(page)
    assert not page.written.open_file.isVisibleTo(page)  # a folder of reports


def test_sample_and_real_imports_rank_apart_on_the_results_page(window: MainWindow,
                                                                 tmp_path: Path, qtbot) -> None:
    from desktop.pages.welcome import SAMPLE as SAMPLE_PARK
    from tests.test_desktop_pages import _import

    _import(window, qtbot, SAMPLE_PARK)  # as the welcome page does: recognised by content
    store = window.ctx.store
    assert store.sample_count() == 273
    _import(window, qtbot, park(tmp_path / "real.xlsx", 15, year=2025, first=600))
    page = window.show_page("results")
    page.year.setCurrentIndex(page.year.findData(2025))
    box = page.filters["flag"]
    box.setCurrentIndex(box.findData("只看真实企业"))
    qtbot.waitUntil(lambda: len(page.proxy.visible_rows()) == 15)
    rows = page.proxy.visible_rows()
    pop = BROWSE.index("population")
    assert {r[pop] for r in rows} == {15}  # ranked among the 15 real firms only
    box.setCurrentIndex(box.findData("只看示例企业（合成数据）"))
    qtbot.waitUntil(lambda: len(page.proxy.visible_rows()) == 273)
    assert max(r[pop] or 0 for r in page.proxy.visible_rows()) <= 273


def test_the_card_links_lead_to_loading_a_park_file_and_to_importing(
        window: MainWindow, monkeypatch, qtbot) -> None:
    from desktop import dialogs

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "open_file", lambda parent, title, *a: asked.append(title))
    page = window.pages["selfcheck"]
    type_firm(qtbot, page, FIRM)
    page.assess()
    card = page.panel.cards["mujun"]
    assert card.link.isVisibleTo(card)
    card.link.linkActivated.emit("load_profile")
    assert window.stack.currentWidget() is window.pages["rules"] and asked == ["载入配置文件"]
    card.link.linkActivated.emit("import")
    assert window.stack.currentWidget() is window.pages["import"] and asked[-1] == "选择企业数据表格"


def test_notice_and_confirmation_sheets_from_the_results_page(window: MainWindow,
                                                             tmp_path: Path, qtbot) -> None:
    from openpyxl import load_workbook

    from tests.test_desktop_pages import _import

    _import(window, qtbot, park(tmp_path / "p.xlsx", 12, first=800))
    page = window.show_page("results")
    out = tmp_path / "公示"
    out.mkdir()
    page.notices_to(out)
    wait_idle(qtbot, page)
    files = sorted(p.name for p in out.iterdir())
    assert files == ["2024年度一企一单数据确认表.pdf", "2024年度一企一单数据确认表.xlsx",
                     "2024年度亩均效益评价结果公示.pdf", "2024年度亩均效益评价结果公示.xlsx"]
    notice = _pdf_text(out / files[2])
    assert "排名不分先后" in notice and "企业000" in notice
    assert len(PdfReader(out / files[0]).pages) == 12  # one page per firm
    wb = load_workbook(out / files[3], read_only=True)
    assert "说明" in wb.sheetnames
    wb.close()
    assert "已为 12 家企业生成公示名单和一企一单" in page.outcome.label.text()

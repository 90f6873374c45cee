"""What a person reads on 规则与依据, 设置 and 关于, in the result trees and the preview dialog
(issue 13, points 4–6): profiles by name, coded values and groups in words, 可信度 as 高/中/低
with a legend, no checksum in the header, citations without seed files or web addresses; the
result tree wraps instead of cutting values and gaps, shows explanations inline, and colours a
verdict by what it means for the firm; the preview dialog fits a 1366×768 screen."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import QPushButton, QTextBrowser, QTreeWidget, QTreeWidgetItemIterator

from desktop.context import AppContext
from desktop.settings import Settings
from rules.assess import assess
from rules.engine import Node, Outcome
from rules.profile import available, load
from rules.record import make_record
from rules.schema import SPECS, T
from rules.wording import (
    CONFIDENCE_WORDS,
    NO_COUNTY_WEIGHTS,
    SECTION_WORDS,
    clean_citation,
    has_internal_ref,
    profile_title,
    verdict_meaning,
    word,
)
from tests.conftest import ROOT, credit_code

AS_OF = date(2025, 6, 30)
FIRM = {"name": "星河机械有限公司", "credit_code": credit_code(42), "year": 2024, "land_mu": 30.0,
        "tax": 300.0, "value_added": 3000.0, "energy_equal_tce": 1200.0, "cod_t": 1.2,
        "employees": 120, "rd_expense": 150.0, "main_revenue": 9000.0, "industry_code": "3311",
        "above_scale": True}
SEED = re.compile(r"\d{3}_[0-9a-f]{8,}\.txt")
CODED = (T.ENUM, T.POINTS_MAP, T.STRING_MAP)


def _ascii_codes() -> set[str]:
    """Every code a profile's value or a parameter group can hold: choices in ASCII, the key
    segments that name a group, the bundled profile ids."""
    codes = {c for s in SPECS if s.type in CODED for c in s.choices if c.isascii()}
    codes |= {p for s in SPECS for p in s.key.split(".")[1:-1] if not p.isdigit()}
    return codes | set(available())


def _tree_texts(tree: QTreeWidget) -> list[str]:
    out = [tree.headerItem().text(c) for c in range(tree.columnCount())]
    it = QTreeWidgetItemIterator(tree)
    while it.value():
        out += [it.value().text(c) for c in range(tree.columnCount())]
        it += 1
    return out


def _assert_words(texts: list[str], codes: set[str]) -> None:
    text = "\n".join(texts)
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_\-]*[A-Za-z0-9]", text))
    assert not words & codes, sorted(words & codes)
    assert "sha256" not in text.lower() and ".txt" not in text and not SEED.search(text)
    assert not has_internal_ref(text), [t for t in texts if has_internal_ref(t)][:3]


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot) -> AppContext:
    monkeypatch.setenv("MUJUN_DATA_DIR", str(tmp_path / "数据"))
    c = AppContext(Settings(as_of=AS_OF.isoformat()))
    yield c
    c.close()


# ----------------------------------------------------------------------------- wording

def test_every_code_a_profile_holds_has_words() -> None:
    for s in SPECS:
        for c in (x for x in s.choices if x.isascii() and len(x) > 1) if s.type in CODED else ():
            shown = word(s.key, c)
            assert shown != c and not shown.isascii(), (s.key, c)
    # every group the rules page makes from a key's middle parts has a name
    from desktop.pages.rules import RulesPage

    for s in SPECS:
        for seg in RulesPage._path(s.key):
            assert seg in SECTION_WORDS, (s.key, seg)


def test_profiles_have_names_in_words() -> None:
    from desktop.pages.rules import lacks_weights

    for pid in available():
        title = profile_title(pid)
        profile = load(pid)
        assert pid not in title and not re.search(r"[a-z]{3,}", title)
        if pid in NO_COUNTY_WEIGHTS:  # the words say what the profile lacks
            assert lacks_weights(profile) and ("只含省级参数" in title or "权重与基准值待填" in title)
        else:  # a county's profile reads as its own name
            assert not lacks_weights(profile) and title == profile.name
    assert profile_title("huangyan-2022") == "台州市黄岩区亩均效益评价（2021、2022 年度基准值）"
    assert profile_title("template") == "空白县级配置（只含省级参数，用来复制改写）"


def test_citations_keep_title_and_clause_only_when_they_name_a_seed_or_a_site() -> None:
    assert clean_citation("《指导意见》（2022年8月30日）；002_e9ac55c77d2d7d2f.txt 十（三） 新上项目") == \
        "《指导意见》（2022年8月30日） 十（三） 新上项目"
    assert clean_citation("计算说明；台州市黄岩区亩均办，2021、2022年度（chacewang.com news169062、"
                          "news430850） 无排放数据的规上企业") == "计算说明 无排放数据的规上企业"
    assert clean_citation("说明；亩均办，https://www.example.cn/a?b=1 第3条") == "说明 第3条"
    plain = "GB/T 2589-2020《综合能耗计算通则》；附录A 各种能源折标准煤参考系数 表A.1 原煤"
    assert clean_citation(plain) == plain
    seen = 0
    for pid in available():
        for par in load(pid).params.values():
            for v in par.versions:
                shown = clean_citation(v.citation)
                assert not has_internal_ref(shown), shown
                assert shown.startswith(v.source.title) and shown.endswith(v.clause.strip())
                if has_internal_ref(v.source.ref):
                    assert shown == f"{v.source.title} {v.clause}".strip()
                    seen += 1
                else:
                    assert shown == v.citation
    assert seen > 40  # the bundled profiles do hold such references (seed002, hy2022 …)


# ----------------------------------------------------------------------------- 规则与依据

def test_rules_page_reads_in_words_for_every_profile(ctx: AppContext, qtbot) -> None:
    from desktop.pages.rules import CONFIDENCE_LEGEND, RulesPage

    page = RulesPage(ctx)
    qtbot.addWidget(page)
    codes = _ascii_codes()
    for pid in available():
        profile = load(pid)
        ctx.set_profile(profile, remember=False)
        choices = [page.choice.itemText(i) for i in range(page.choice.count())]
        assert choices == [profile_title(p) for p in available()]
        assert page.choice.currentText() == profile_title(pid)
        texts = [*choices, page.about.text(), page.legend.text(), *_tree_texts(page.tree)]
        _assert_words(texts, codes)
        assert profile.sha256 in page.about.toolTip() and "配置校验码" in page.about.toolTip()
        confidences = {page.items[s.key].text(5) for s in SPECS if profile.param(s.key)}
        assert confidences <= set(CONFIDENCE_WORDS.values()) and "低" in confidences
        # no county weights: said where the profile is chosen, in words
        assert page.warning.isVisibleTo(page) is (pid in NO_COUNTY_WEIGHTS), pid
    assert "不分类" in page.warning.text() and "权重" in page.warning.text()
    assert all(w in CONFIDENCE_LEGEND for w in ("高", "中", "低", "默认值"))
    # ENUM values and group names as words
    ctx.set_profile(load("huangyan-2022"), remember=False)
    assert page.items["mujun.missing_emission"].text(1).startswith("按同类企业有排放数据者的平均得分")
    assert page.items["sme.growth_method"].text(1).startswith("几何平均")
    assert page.items["emission.mode"].text(1) == "按污染当量折算后相加"
    assert page.items["sme.2022.prerequisite"].text(1) == "须已获得或当前符合下一层级"
    assert page.items["sme.hntech.mid_min_rd_ratio"].parent().text(0) == "高新技术企业"
    little = page.items["sme.2022.little_giant.min_growth"]
    assert (little.parent().text(0), little.parent().parent().text(0)) == (
        "专精特新“小巨人”企业", "2022 年办法（工信部企业〔2022〕63号）")
    cited = page.items["green.max_intensity"].text(4)
    assert cited.startswith("《浙江省人民政府关于高质量发展建设全球先进制造业基地的指导意见》") and "十（三）" in cited


def test_settings_and_about_read_in_words(ctx: AppContext, qtbot) -> None:
    from desktop.pages.settings import AboutPage, SettingsPage

    page, about = SettingsPage(ctx), AboutPage(ctx)
    qtbot.addWidget(page)
    qtbot.addWidget(about)
    assert [page.profile.itemText(i) for i in range(page.profile.count())] == \
        [profile_title(p) for p in available()]
    text = page.electricity.text()
    assert "可信度 低" in text and "可信度 高" in text and "可信度 L" not in text
    _assert_words([text, page.profile.currentText()], _ascii_codes())
    assert not page.profile_warning.isVisibleTo(page)
    ctx.set_profile(load("template"), remember=False)
    assert page.profile_warning.isVisibleTo(page) and "不分类" in page.profile_warning.text()
    shown = about.findChild(QTextBrowser).toPlainText()
    assert f"配置校验码（SHA-256）：{ctx.profile.sha256}" in shown
    assert profile_title("template") in shown and "Apache" in shown


# ----------------------------------------------------------------------------- result tree

def _result_tree(node: Node, width: int, qtbot):
    from desktop.widgets.result_tree import ResultTree

    tree = ResultTree()
    qtbot.addWidget(tree)
    tree.resize(width, 700)
    tree.show()
    tree.show_trees([node])
    qtbot.waitUntil(lambda: tree.viewport().width() > width - 60)
    tree.expandAll()
    return tree


def _items(tree: QTreeWidget):
    it = QTreeWidgetItemIterator(tree)
    while it.value():
        yield it.value()
        it += 1


@pytest.mark.parametrize("width", [740, 1300])  # the result panel at 1366 px and at 1920 px
def test_tree_cells_wrap_and_are_never_cut(width: int, qtbot) -> None:
    from desktop.widgets.result_tree import EXPLAIN_ROLE, PAD, wrapped

    r = assess(make_record(FIRM), load("huangyan-2022"), AS_OF)
    for key in ("mujun", "sme", "rectification", "digital"):
        tree = _result_tree(r.trees[key], width, qtbot)
        head = tree.header()
        assert sum(head.sectionSize(c) for c in range(5)) <= tree.viewport().width() + 1
        fm = QFontMetrics(tree.font())
        lines = 0
        for item in _items(tree):
            rect = tree.visualItemRect(item)
            index = tree.indexFromItem(item, 0)
            for c in range(5):
                cell = index.siblingAtColumn(c)
                room = tree.delegate.text_width(cell)
                assert room == head.sectionSize(c) - 2 * PAD - (
                    0 if c else tree.indentation() * (1 + _depth(item)))
                blocks = tree.delegate.blocks(cell, tree.font())
                assert [t for t, _, _ in blocks] == [item.text(c), *(
                    t for t, _ in (item.data(0, EXPLAIN_ROLE) or []) if c == 0)]
                need = 0.0
                for text, font, _ in blocks:
                    layout, height = wrapped(text, font, room)
                    need += height
                    for n in range(layout.lineCount()):  # no line runs past the column
                        assert layout.lineAt(n).naturalTextWidth() <= room + 0.5, text
                    assert sum(layout.lineAt(n).textLength()
                               for n in range(layout.lineCount())) == len(text)
                assert need + 6 <= rect.height() + 1, (key, item.text(0), c, item.text(c))
                if fm.horizontalAdvance(item.text(c)) > room:
                    lines += 1  # wrapped: it takes more than one line, all of them shown
            verdict = item.text(1)  # a verdict is never broken over lines
            assert fm.horizontalAdvance(verdict) <= head.sectionSize(1) - 2 * PAD, verdict
        if width == 740:
            assert lines > 0  # the narrow panel does wrap (the check above is not idle)
        tree.grab()  # paints every visible cell through the delegate


def _depth(item) -> int:
    d, p = 0, item.parent()
    while p is not None:
        d, p = d + 1, p.parent()
    return d


def test_explanations_are_on_the_page_not_only_in_tooltips(qtbot) -> None:
    from desktop.widgets.result_tree import EXPLAIN_ROLE

    r = assess(make_record(FIRM), load("huangyan-2022"), AS_OF)
    tree = _result_tree(r.trees["mujun"], 740, qtbot)
    notes = {n.label: n.note for n in r.trees["mujun"].walk() if n.note}
    assert notes
    fm = QFontMetrics(tree.font())
    for item in _items(tree):
        if item.text(0) in notes:
            shown = [t for t, _ in item.data(0, EXPLAIN_ROLE)]
            assert notes[item.text(0)] in shown
            # the row is taller than its label alone: the note has lines of its own
            assert tree.visualItemRect(item).height() > fm.height() * 2 - 2
    indicators = next(i for i in _items(tree) if i.text(0).startswith("评价指标"))
    assert indicators.isExpanded()  # the indicator values are open, not folded away


def _colour_near(image, rect: QRect, colour: str) -> bool:
    want = QColor(colour)
    for x in range(rect.left(), rect.right(), 1):
        for y in range(rect.top(), rect.bottom(), 1):
            c = image.pixelColor(x, y)
            if abs(c.red() - want.red()) + abs(c.green() - want.green()) + \
                    abs(c.blue() - want.blue()) < 60:
                return True
    return False


def test_verdict_colours_follow_meaning(qtbot) -> None:
    """高耗低效整治: a sign not triggered is good (green), triggered is bad (red), and the scope
    conditions are neither — a firm outside the review is not shown a red ✘."""
    from desktop.widgets.result_tree import MEANING_COLOURS, MEANING_ROLE

    profile = load("huangyan-2022")
    r = assess(make_record(FIRM), profile, AS_OF)
    tree = _result_tree(r.trees["rectification"], 900, qtbot)
    sign = next(i for i in _items(tree) if i.text(0) == "规上企业亩均税收低于门槛")
    assert sign.text(1) == "✔ 未触发" and sign.data(1, MEANING_ROLE) == "good"
    assert sign.foreground(1).color() == QColor(MEANING_COLOURS["good"])
    tree.scrollToItem(sign)
    image = tree.viewport().grab().toImage()
    rect = tree.visualRect(tree.indexFromItem(sign, 1))
    assert _colour_near(image, rect, MEANING_COLOURS["good"])
    assert not _colour_near(image, rect, MEANING_COLOURS["bad"])
    low = assess(make_record({**FIRM, "tax": 10.0}), profile, AS_OF)
    tree = _result_tree(low.trees["rectification"], 900, qtbot)
    sign = next(i for i in _items(tree) if i.text(0) == "规上企业亩均税收低于门槛")
    assert sign.text(1) == "▲ 已触发" and sign.data(1, MEANING_ROLE) == "bad"
    outside = assess(make_record({**FIRM, "industry_code": "5211"}), profile, AS_OF)
    assert outside.rectification["in_scope"] is False
    tree = _result_tree(outside.trees["rectification"], 900, qtbot)
    scope = next(i for i in _items(tree) if i.text(0).startswith("属于整治摸排范围"))
    assert scope.text(1) == "✘ 否" and scope.data(1, MEANING_ROLE) == "neutral"
    assert all(i.data(1, MEANING_ROLE) != "bad" for i in _items(tree))
    # elsewhere a criterion met is good and one not met is bad, as before
    sme = r.trees["sme"]
    unmet = next(n for n in sme.walk() if n.kind == "condition" and n.outcome is Outcome.UNMET)
    met = next(n for n in sme.walk() if n.kind == "condition" and n.outcome is Outcome.MET)
    assert verdict_meaning(unmet)[1] == "bad" and verdict_meaning(met)[1] == "good"


# ----------------------------------------------------------------------------- preview dialog

PREVIEW = """
import json, sys
from PySide6.QtCore import QRect
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QMainWindow, QPushButton
from desktop.app import application
from desktop.widgets.pdf_preview import PdfPreview

app = application()
pdf = sys.argv[1]
writer = QPdfWriter(pdf)
writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
painter = QPainter(writer)
painter.drawText(100, 100, "报告")
writer.newPage()
painter.end()
window = QMainWindow()
window.setGeometry(app.primaryScreen().availableGeometry())
window.show()
dialog = PdfPreview(pdf, "样例", window)
dialog.open()
for _ in range(20):
    app.processEvents()
def box(r):
    return [r.x(), r.y(), r.width(), r.height()]
out = {"screen": box(dialog.screen().availableGeometry()), "frame": box(dialog.frameGeometry()),
       "buttons": {b.text(): box(QRect(b.mapToGlobal(b.rect().topLeft()), b.size()))
                   for b in dialog.findChildren(QPushButton) if b.isVisible()},
       "resizable": dialog.maximumWidth() > dialog.width() and dialog.isSizeGripEnabled()}
print(json.dumps(out, ensure_ascii=False))
"""


def _inside(inner: list[int], outer: list[int]) -> bool:
    return QRect(*outer).contains(QRect(*inner))


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_preview_dialog_fits_the_screen(size: tuple[int, int], tmp_path: Path) -> None:
    """On a 1366×768 laptop (with window frames) the dialog and its 打印 / 另存为 / 关闭 lie
    inside the available screen; on 1920×1080 it keeps its preferred size."""
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"windowFrameMargins": True, "screens": [
        {"name": "s", "x": 0, "y": 0, "width": size[0], "height": size[1], "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "MUJUN_DATA_DIR": str(tmp_path / "数据")}
    out = subprocess.run([sys.executable, "-c", PREVIEW, str(tmp_path / "r.pdf")], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120, check=True)
    shown = json.loads(out.stdout.strip().splitlines()[-1])
    assert shown["screen"] == [0, 0, *size]
    assert _inside(shown["frame"], shown["screen"]), shown
    assert {"打印……", "另存为……", "关闭"} <= set(shown["buttons"])
    for text, rect in shown["buttons"].items():
        assert _inside(rect, shown["screen"]), (text, rect)
    assert shown["resizable"]
    if size == (1920, 1080):
        assert shown["frame"][2:] >= [860, 900]  # room enough: the preferred size


def test_preview_dialog_in_this_session(tmp_path: Path, qtbot) -> None:
    """The same in the test session's own screen (whatever size it is)."""
    from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
    from PySide6.QtWidgets import QMainWindow

    from desktop.widgets.pdf_preview import PdfPreview

    pdf = tmp_path / "r.pdf"
    writer = QPdfWriter(str(pdf))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    painter.drawText(100, 100, "报告")
    painter.end()
    window = QMainWindow()
    qtbot.addWidget(window)
    area = window.screen().availableGeometry()
    window.setGeometry(area)
    window.show()
    dialog = PdfPreview(pdf, "样例", window)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert area.contains(dialog.frameGeometry())
    for b in dialog.findChildren(QPushButton):
        rect = QRect(b.mapToGlobal(b.rect().topLeft()), b.size())
        assert area.contains(rect), b.text()
    assert dialog.document.pageCount() == 1 and dialog.view.zoomMode().name == "FitToWidth"


def test_an_empty_tree_says_why(qtbot) -> None:
    from desktop.widgets.result_tree import ResultTree

    tree = ResultTree(empty_text="没有新上项目：在“新上项目”页添加后再评估。")
    qtbot.addWidget(tree)
    tree.show_trees([])
    assert tree.topLevelItemCount() == 1
    item = tree.topLevelItem(0)
    assert item.text(0) == "没有新上项目：在“新上项目”页添加后再评估。" and item.isFirstColumnSpanned()
    head = tree.header()  # the header is sized even so: “依据（点击查看）” is not cut
    fm = QFontMetrics(tree.font())
    assert all(head.sectionSize(c) >= fm.horizontalAdvance(tree.headerItem().text(c))
               for c in range(5))

"""The form's conveniences (issue 13, point 8) and the help page, driven with pytest-qt.

What the form stores is checked with the import's own cell parser and ``check_form``; what it
says about 山区海岛县 and 计分必填 is checked against the rules themselves, so the form can
never promise what the assessment will not do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

from desktop.context import AppContext
from desktop.models import PROJECT_COLUMNS
from desktop.pages.help import FAQ, SHORTCUTS, TOPICS, HelpPage
from desktop.settings import Settings
from desktop.widgets.firm_form import SCORE_NEEDS, SCORE_TAG, FirmForm
from desktop.widgets.pickers import YesNoUnknownDelegate, industry_code_of
from forms.cells import parse_cell
from forms.firm import check_form
from rules.assess import assess
from rules.catalogue import ENTERPRISE_BY_ID, ENTERPRISE_FIELDS, PROJECT_BY_ID
from rules.profile import Profile, load
from rules.record import make_record
from tests.conftest import credit_code

AS_OF = date(2025, 6, 30)
FIRM = {"name": "星河机械有限公司", "credit_code": credit_code(42), "year": "2024"}
# written out here, not imported: the names the result panel uses for the five assessments
TAG_NAMES = {"mujun": "亩均", "green_channel": "绿色通道", "sme": "梯度", "rectification": "整治",
             "digital": "数字化", "carbon": "碳效"}


@pytest.fixture(scope="module")
def profile() -> Profile:
    return load("huangyan-2022")


@pytest.fixture
def form(qtbot, profile: Profile) -> FirmForm:
    f = FirmForm(profile=profile)
    qtbot.addWidget(f)
    f.resize(560, 700)
    f.show()
    return f


# the offscreen platform cannot raise a popup or grab the keyboard for it; the popup works
POPUP = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def choose_in_popup(qtbot, completer, text: str) -> None:
    """Pick the popup row showing ``text`` with the keyboard, as a user would. The Enter only
    picks: it is not the line edit's Enter (which the page binds to 评估)."""
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    model = popup.model()
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    row = next(i for i in rows if i.data() == text)
    popup.setCurrentIndex(row)
    with qtbot.assertNotEmitted(completer.widget().returnPressed):
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert not popup.isVisible()


def popup_texts(completer) -> list[str]:
    model = completer.popup().model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


# ---------------------------------------------------------------------------- industry

@POPUP
def test_industry_picker_by_name_stores_the_code(form: FirmForm, qtbot) -> None:
    ed = form.editors["industry_code"]
    ed.edit.setFocus()
    ed.completer.setCompletionPrefix("金属结构")  # what typing 金属结构 through an IME asks
    ed.completer.complete()
    assert "3311 金属结构制造" in popup_texts(ed.completer)
    assert "332 金属工具制造（中类）" not in popup_texts(ed.completer)  # only names that match
    choose_in_popup(qtbot, ed.completer, "3311 金属结构制造")
    qtbot.waitUntil(lambda: ed.edit.text() == "3311")
    assert form.raw()["industry_code"] == "3311"
    assert parse_cell("3311", ENTERPRISE_BY_ID["industry_code"]) == "3311"
    assert ed.note.isVisibleTo(form) and ed.note.text() == "3311 金属结构制造（制造业 › 33 金属制品业）"
    checked = check_form({**form.raw(), **FIRM}, [])
    assert checked.ok, checked.errors()
    assert checked.firm.values["industry_code"] == "3311"


@POPUP
def test_industry_picker_by_code(form: FirmForm, qtbot) -> None:
    ed = form.editors["industry_code"]
    ed.edit.setFocus()
    qtbot.keyClicks(ed.edit, "3311")
    assert popup_texts(ed.completer) == ["3311 金属结构制造"]
    assert form.raw()["industry_code"] == "3311" and not ed.error.isVisibleTo(form)
    # an entry's whole text (shown while the list is browsed, or pasted) still gives the code
    ed.edit.setText("33 金属制品业（大类）")
    assert form.raw()["industry_code"] == "33" and not ed.error.isVisibleTo(form)
    assert industry_code_of("3311 别的名字") == "3311 别的名字"  # not an entry: parser judges
    ed.edit.setText("金属结构")  # a search under way: a hint, not yet an error
    assert not ed.error.isVisibleTo(form)
    assert ed.note.text() == "有 1 个行业符合“金属结构”，请从列表中选择（框里会留下行业代码）"
    assert not check_form({**form.raw(), **FIRM}, []).ok  # but never stored as a code
    ed.edit.setText("金属结构件")  # nothing to choose: the parser's reason
    assert ed.error.isVisibleTo(form) and "2–4 位数字" in ed.error.text()
    assert not ed.note.isVisibleTo(form)


# ---------------------------------------------------------------------------- county

def rule_mountain(form: FirmForm, profile: Profile) -> bool | None:
    """What the assessment itself uses for 山区海岛县, from the form's raw values."""
    checked = check_form({**form.raw(), **FIRM}, [])
    assert checked.ok, checked.errors()
    return assess(checked.record(), profile, AS_OF).digital["mountain_island"]


@POPUP
def test_a_mountain_county_derives_yes(form: FirmForm, profile: Profile, qtbot) -> None:
    county, mountain = form.editors["county"], form.editors["mountain_island"]
    assert not mountain.note.isVisibleTo(form) and mountain.combo.itemText(0) == "（未填）"
    county.edit.setFocus()
    county.completer.setCompletionPrefix("淳安")
    county.completer.complete()
    assert popup_texts(county.completer) == ["淳安县（山区 26 县）"]
    choose_in_popup(qtbot, county.completer, "淳安县（山区 26 县）")
    assert county.edit.text() == "淳安县"  # the bare name is stored
    assert county.note.text() == "属山区 26 县"
    assert mountain.combo.currentText() == "按所在县：是"
    assert mountain.note.isVisibleTo(form)
    assert mountain.note.text().startswith("由所在县“淳安县”推出：属山区 26 县，评估按“是”")
    assert "山区26县" in mountain.note.toolTip()  # the list's citation
    assert form.raw()["mountain_island"] == ""  # left blank: the rule derives it, and says so
    assert form.mountain_verdict() is True and rule_mountain(form, profile) is True


def test_other_counties_derive_no_and_a_choice_wins(form: FirmForm, profile: Profile,
                                                    qtbot) -> None:
    county, mountain = form.editors["county"], form.editors["mountain_island"]
    county.edit.insert("黄岩区")  # not in the list: accepted as typed
    assert not county.error.isVisibleTo(form) and not county.note.isVisibleTo(form)
    assert mountain.combo.currentText() == "按所在县：否"
    assert mountain.note.isVisibleTo(form) and "不在山区 26 县名单中，评估按“否”" in mountain.note.text()
    assert "海岛县请选“是”" in mountain.note.text()
    assert form.mountain_verdict() is False and rule_mountain(form, profile) is False
    # an island county: the firm chooses 是, and the choice is what is assessed
    county.edit.setText("岱山县")
    mountain.combo.setCurrentText("是")
    assert form.raw()["mountain_island"] == "是"
    assert "已选“是”，评估以所选为准" in mountain.note.text() and "“否”" in mountain.note.text()
    assert rule_mountain(form, profile) is True
    # back to blank and no county: nothing derived, nothing said
    mountain.combo.setCurrentIndex(0)
    county.edit.clear()
    assert mountain.combo.currentText() == "（未填）" and not mountain.note.isVisibleTo(form)
    assert form.mountain_verdict() is None


def test_county_list_is_the_profiles_mountain_counties(form: FirmForm, profile: Profile) -> None:
    entries = form.editors["county"].completer.entries()
    names = profile.value("digital.mountain_counties")
    assert len(names) == 26 and entries == [f"{n}（山区 26 县）" for n in names]


def test_set_raw_derives_from_a_stored_county(form: FirmForm) -> None:
    form.set_raw({"county": "景宁畲族自治县"}, [])
    assert form.editors["mountain_island"].combo.currentText() == "按所在县：是"
    form.set_raw({}, [])
    assert form.editors["mountain_island"].combo.currentText() == "（未填）"


# ---------------------------------------------------------------------------- marks

def test_tags_follow_the_catalogue(form: FirmForm) -> None:
    for f in ENTERPRISE_FIELDS:
        shown = [t.text() for t in form.labels[f.id].tags]
        expected = [TAG_NAMES[a] for a in f.needed_by]
        assert shown[: len(expected)] == expected, f.id
        assert shown[len(expected):] == ([SCORE_TAG] if f.id in SCORE_NEEDS else []), f.id
    assert [t.text() for t in form.labels["tax"].tags] == ["亩均", "整治", "计分必填"]
    assert [t.text() for t in form.labels["mountain_island"].tags] == ["数字化"]
    assert form.labels["name"].tags == []
    # the list: tax, value added, land, energy, employees, R&D
    for fid in ("tax", "value_added", "land_mu", "energy_equal_tce", "employees", "rd_expense"):
        assert SCORE_TAG in [t.text() for t in form.labels[fid].tags], fid
    assert "亩均效益得分" in form.labels["tax"].toolTip()
    assert "用于：亩均效益分类、高耗低效整治" in form.labels["tax"].toolTip()


def test_legend_on_every_tab(form: FirmForm) -> None:
    assert len(form.legends) == form.count() - 1  # every tab but the projects table
    for i, legend in enumerate(form.legends):
        form.setCurrentIndex(i)
        assert legend.isVisibleTo(form)
        for word in (*TAG_NAMES.values(), SCORE_TAG, "必填", "留空"):
            assert word in legend.text()


COMPLETE_ABOVE = {**FIRM, "year": 2024, "above_scale": True, "industry_code": "3311",
                  "land_mu": 30.0, "tax": 300.0, "value_added": 3000.0, "main_revenue": 9000.0,
                  "employees": 120, "rd_expense": 150.0, "energy_equal_tce": 1200.0,
                  "cod_t": 1.2, "nh3n_t": 0.1, "so2_t": 0.5, "nox_t": 0.6, "founded_year": 2010,
                  "land_acquired_year": 2012, "in_production": True, "county": "黄岩区"}
COMPLETE_BELOW = {**FIRM, "year": 2024, "above_scale": False, "industry_code": "3311",
                  "land_mu": 12.0, "tax": 40.0, "electricity_10k_kwh": 150.0,
                  "main_revenue": 900.0, "founded_year": 2010, "land_acquired_year": 2012}


@pytest.mark.parametrize(("cohort", "complete"), [("above", COMPLETE_ABOVE),
                                                  ("below", COMPLETE_BELOW)])
def test_score_marks_match_the_rule(profile: Profile, cohort: str, complete: dict) -> None:
    """Blank one field of a complete firm: the 亩均 score is lost exactly for the marked ones."""
    def status(values: dict) -> str:
        return assess(make_record(values), profile, AS_OF).mujun["status"]

    assert status(complete) == "scored"
    for fid in complete:
        if fid in ("name", "credit_code", "year"):
            continue
        blank = {k: v for k, v in complete.items() if k != fid}
        needed = fid in SCORE_NEEDS and cohort in SCORE_NEEDS[fid][0]
        assert (status(blank) != "scored") == needed, fid
    marked = {f for f, (cohorts, _) in SCORE_NEEDS.items() if cohort in cohorts}
    assert marked <= set(complete)  # every mark was tried


def test_units_are_shown_once(form: FirmForm) -> None:
    for f in ENTERPRISE_FIELDS:
        title = form.labels[f.id].title.text()
        if f.is_numeric and f.unit:
            assert form.editors[f.id].unit.text() == f.unit, f.id
            assert f"（{f.unit}）" not in title, f.id
    assert form.labels["land_mu"].title.text() == "实际用地面积"
    assert form.labels["electricity_10k_kwh"].title.text() == "用电量"
    assert form.labels["energy_equal_tce"].title.text() == "综合能耗（等价值）"  # not a unit
    assert form.labels["national_share_pct"].title.text() == "国内细分市场占有率"


def test_titles_check_boxes_fit(form: FirmForm) -> None:
    boxes = form.editors["titles"].checks
    form.setCurrentIndex(next(i for i in range(form.count()) if form.tabText(i) == "梯度培育"))
    assert [b.text() for b in boxes] == ["创新型", "专精特新", "小巨人", "科技型", "高新技术"]
    for b in boxes:  # in rows of three: every box inside its field
        assert b.isVisibleTo(form)
        right = b.mapTo(form, b.rect().topRight()).x()
        assert right <= form.width(), b.text()


# ---------------------------------------------------------------------------- projects

def test_project_yes_no_unknown_cells(form: FirmForm, qtbot) -> None:
    col = next(c for c, f in enumerate(PROJECT_COLUMNS) if f.id == "region_dual_control")
    assert form.yes_no_columns == [col]  # the only 是/否/未知 column of the catalogue
    view = form.project_view
    delegate = view.itemDelegateForColumn(col)
    assert isinstance(delegate, YesNoUnknownDelegate)
    form.projects.add_row()
    cols = {f.id: c for c, f in enumerate(PROJECT_COLUMNS)}
    for fid, text in (("project_name", "新产线"), ("project_value_added", "1000"),
                      ("project_energy_equal_tce", "300")):
        form.projects.setData(form.projects.index(0, cols[fid]), text)
    idx = form.projects.index(0, col)
    form.setCurrentIndex(form.count() - 1)
    # a blank cell reads 未知 (in grey)
    opt = QStyleOptionViewItem()
    delegate.initStyleOption(opt, idx)
    assert opt.text == "未知"

    def choose(text: str) -> None:
        view.setCurrentIndex(idx)
        view.edit(idx)
        combo = view.viewport().findChild(QComboBox)
        assert [combo.itemText(i) for i in range(combo.count())] == ["是", "否", "未知"]
        combo.setCurrentText(text)
        qtbot.keyClick(combo, Qt.Key.Key_Return)  # commits and closes the editor
        qtbot.waitUntil(lambda: view.viewport().findChild(QComboBox) is None)

    choose("否")
    assert form.project_rows()[0]["region_dual_control"] == "否"
    choose("未知")
    assert form.project_rows()[0]["region_dual_control"] == ""  # blank, never 否
    checked = check_form({**FIRM}, form.project_rows())
    assert checked.ok, checked.errors()
    assert checked.projects[0].values.get("region_dual_control") is None
    choose("是")
    assert form.project_rows()[0]["region_dual_control"] == "是"
    assert parse_cell("是", PROJECT_BY_ID["region_dual_control"]) == "是"
    # a stored 未知 (the catalogue's own word) opens as 未知 too
    form.projects.setData(idx, "未知")
    view.edit(idx)
    combo = view.viewport().findChild(QComboBox)
    assert combo.currentText() == "未知"


# ---------------------------------------------------------------------------- help

@pytest.fixture
def help_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot) -> HelpPage:
    monkeypatch.setenv("MUJUN_DATA_DIR", str(tmp_path / "data"))
    ctx = AppContext(Settings(as_of=AS_OF.isoformat()))
    page = HelpPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    return page


def test_help_has_every_section(help_page: HelpPage) -> None:
    html = help_page.html()
    text = help_page.browser.toPlainText()
    for anchor, title in TOPICS.items():
        assert f"<a name='{anchor}'></a>" in html
        assert title.strip() in text
    for name in ("亩均效益分类", "节能审查绿色通道", "专精特新梯度培育", "高耗低效整治", "数字化认定",
                 "规则与依据", "未知", "单位", "标题行", "表头里的单位", "被拒绝的行", "导出错误报告",
                 "按排名", "按得分线", "示例数据不与真实企业混排"):
        assert name in text, name
    for key in ("F1", "F5", "Enter", "Ctrl+S", "Ctrl+P", "Ctrl+N", "Ctrl+O"):
        assert key in text, key
    assert 8 <= len(FAQ) <= 10 and all(q in text for q, _ in FAQ)
    assert len(SHORTCUTS) == 6
    assert "现在的配置为 10 家" in text  # read from the profile, not written in the text
    assert help_page.ctx.profile.name in text
    for raw in ("huangyan", "zhejiang", "cohort_mean", ".txt", "mujun.", "min_cohort"):
        assert raw not in text, raw


def test_show_topic_scrolls(help_page: HelpPage, qtbot) -> None:
    bar = help_page.browser.verticalScrollBar()
    assert bar.maximum() > 0
    places = []
    for anchor in ("intro", "form", "import", "faq"):
        assert help_page.show_topic(anchor)
        places.append(bar.value())
        assert help_page.topics.currentItem().text().strip() == TOPICS[anchor].strip()
    assert places[0] < 10 and places[0] < places[1] < places[2] < places[3]
    assert not help_page.show_topic("nowhere")
    assert bar.value() == places[3]
    # the list of topics beside the text scrolls it too
    help_page.topics.setCurrentRow(list(TOPICS).index("import"))
    assert bar.value() == places[2]

"""The firm's declaration form, generated from the field catalogue: one tab per group, units
beside the fields (once), help as tooltips, every field checked as it is typed (with the same
cell parser the Excel import uses), and the green-channel projects as a table.

What a firm's staff need beside the bare fields: a legend, tags naming the assessments each field
feeds (from the catalogue's ``needed_by``), a "计分必填" mark on the fields without which the 亩均
score cannot be computed, pickers for the industry and the county, the 山区海岛县 answer derived
from the county as the rule derives it, and 是/否/未知 cells in the projects table."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models import PROJECT_COLUMNS, ProjectsModel, plain_text
from desktop.widgets.pickers import (
    MOUNTAIN_MARK,
    CountyCompleter,
    IndustryCompleter,
    MountainRule,
    PickerLineEdit,
    YesNoUnknownDelegate,
    industry_code_of,
    industry_matches,
    industry_note,
    is_yes_no_column,
)
from forms.cells import CellError, parse_cell
from rules.catalogue import (
    CARBON,
    DIGITAL,
    G_PROJECT,
    GREEN,
    MUJUN,
    RECT,
    SME,
    Field,
    Kind,
    grouped,
)
from rules.profile import Profile
from rules.record import Record

ERROR_STYLE = "QLineEdit, QComboBox { border: 1px solid #B42318; background: #FFF5F4; }"
MUTED = "color: #5F6B7A;"

# The assessments as the result panel names them: a short tag and the full name.
TAGS = {MUJUN: "亩均", GREEN: "绿色通道", SME: "梯度", RECT: "整治", DIGITAL: "数字化",
        CARBON: "碳效"}
ASSESSMENT_NAMES = {MUJUN: "亩均效益分类", GREEN: "节能审查绿色通道", SME: "专精特新梯度培育",
                    RECT: "高耗低效整治", DIGITAL: "数字化认定", CARBON: "工业碳效"}
SCORE_TAG = "计分必填"
TAG_STYLE = ("color: #1F5FA8; background: #E6F0FA; border-radius: 3px; padding: 0px 4px;"
             " font-size: 11px;")
SCORE_STYLE = ("color: #B42318; background: #FDECEA; border-radius: 3px; padding: 0px 4px;"
               " font-size: 11px;")

# The fields without which the 亩均 score cannot be computed (rules/assessments/mujun.py: the
# indicators of the firm's cohort; a missing emission total is filled in, so emissions are not
# here). Cohorts: above = 规上, below = 规下. tests/test_desktop_form.py checks this against the
# rule by blanking each field of a complete firm.
SCORE_NEEDS: dict[str, tuple[frozenset[str], str]] = {
    "land_mu": (frozenset({"above", "below"}), "规上、规下企业都要用（各“亩均”指标的分母）"),
    "tax": (frozenset({"above", "below"}), "规上、规下企业都要用"),
    "value_added": (frozenset({"above"}), "规上企业"),
    "main_revenue": (frozenset({"above"}),
                     "规上企业（R&D经费占比的分母；未填“是否规上”时也用它判断规上）"),
    "employees": (frozenset({"above"}), "规上企业"),
    "rd_expense": (frozenset({"above"}), "规上企业"),
    "energy_equal_tce": (frozenset({"above"}), "规上企业；不知道时可改填各能源品种用量，由程序折算"),
    "electricity_10k_kwh": (frozenset({"below"}),
                            "规下企业（单位电耗税收）；规上企业未填综合能耗时也用它折算"),
}


def display_label(f: Field) -> str:
    """The label without a unit in brackets when the unit is shown beside the field."""
    suffix = f"（{f.unit}）"
    if f.is_numeric and f.unit and f.label.endswith(suffix):
        return f.label[: -len(suffix)]
    return f.label


def field_tags(f: Field) -> list[str]:
    """The tags shown beside a field: the assessments it feeds, then 计分必填 where it applies."""
    return [TAGS[a] for a in f.needed_by] + ([SCORE_TAG] if f.id in SCORE_NEEDS else [])


def field_tip(f: Field) -> str:
    lines = [f.help or display_label(f)]
    if f.needed_by:
        lines.append("用于：" + "、".join(ASSESSMENT_NAMES[a] for a in f.needed_by))
    if f.id in SCORE_NEEDS:
        lines.append(f"{SCORE_TAG}：缺了算不出亩均效益得分（{SCORE_NEEDS[f.id][1]}）")
    return "\n".join(lines)


def legend_html() -> str:
    def pill(text: str, style: str) -> str:
        return f"<span style='{style} white-space: nowrap;'>&nbsp;{text}&nbsp;</span>"

    tags = " ".join(pill(t, "color:#1F5FA8; background-color:#E6F0FA;") for t in TAGS.values())
    score = pill(SCORE_TAG, "color:#B42318; background-color:#FDECEA;")
    return (f"{tags} 该项用于哪项评估　{score} 缺了算不出亩均效益得分　"
            "<span style='color:#B42318'>*</span> 必填　未知的数据请留空，不要填 0")


def legend_tip() -> str:
    return "\n".join([*(f"{TAGS[a]}：{n}" for a, n in ASSESSMENT_NAMES.items()),
                      f"{SCORE_TAG}：缺了这一项，算不出亩均效益得分（鼠标停在字段上可看适用于规上还是规下企业）",
                      "* 必填：缺了不能评估", "单位写在输入框右侧，只填数字"])


class FieldLabel(QWidget):
    """A field's label with its tags beneath."""

    def __init__(self, f: Field, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(1)
        text = display_label(f)
        self.title = QLabel(f"<span style='color:#B42318'>*</span> {text}" if f.required else text)
        self.title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        lay.addWidget(self.title)
        self.tags: list[QLabel] = []
        names = field_tags(f)
        if names:
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(3)
            row.addStretch(1)
            for name in names:
                tag = QLabel(name)
                tag.setStyleSheet(SCORE_STYLE if name == SCORE_TAG else TAG_STYLE)
                self.tags.append(tag)
                row.addWidget(tag)
            lay.addLayout(row)
        self.setToolTip(field_tip(f))


class FieldEditor(QWidget):
    """One catalogue field: its input widget, unit, a note (what a code means, what was derived)
    and an inline error."""

    changed = Signal()

    def __init__(self, f: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = f
        self.checks: list[QCheckBox] = []
        self.combo: QComboBox | None = None
        self.edit: QLineEdit | None = None
        self.completer: IndustryCompleter | CountyCompleter | None = None
        self.list_button: QToolButton | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if f.kind is Kind.MULTI:
            grid = QGridLayout()  # in rows of three: five boxes do not fit a narrow form
            grid.setContentsMargins(0, 0, 0, 0)
            for i, c in enumerate(f.choices):
                box = QCheckBox(c)
                box.toggled.connect(self._changed)
                self.checks.append(box)
                grid.addWidget(box, i // 3, i % 3)
            row.addLayout(grid)
            row.addStretch(1)
        elif f.kind in (Kind.BOOL, Kind.CHOICE):
            self.combo = QComboBox()
            self.combo.addItems(["（未填）", *f.choices])
            self.combo.currentIndexChanged.connect(self._changed)
            self.combo.setMinimumWidth(120)
            row.addWidget(self.combo)
            row.addStretch(1)
        else:
            picker = f.id in ("industry_code", "county")
            self.edit = PickerLineEdit() if picker else QLineEdit()
            self.edit.textChanged.connect(self._changed)
            if f.is_numeric:
                self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
                self.edit.setMaximumWidth(200)
                self.edit.setMinimumWidth(96)  # room for 未知请留空
                if not f.required:
                    self.edit.setPlaceholderText("未知请留空")
            row.addWidget(self.edit, 1)
            if f.id == "industry_code":
                self.completer = IndustryCompleter(self.edit)
                self.edit.setPlaceholderText("代码或名称，如 3311、金属结构")
            elif f.id == "county":
                self.completer = CountyCompleter(self.edit)
                self.edit.setPlaceholderText("如 黄岩区；山区 26 县可从列表选择")
            if self.completer is not None:
                self.list_button = QToolButton()
                self.list_button.setText("▾")
                self.list_button.setToolTip("列出可选项")
                self.list_button.clicked.connect(self.show_choices)
                row.addWidget(self.list_button)
        unit_text = f.unit if f.unit and f.is_numeric else ""
        self.unit = QLabel(unit_text)
        self.unit.setStyleSheet(MUTED)
        if f.kind is not Kind.MULTI and (unit_text or f.is_numeric):
            self.unit.setMinimumWidth(64)
            row.addWidget(self.unit)
            row.addStretch(1)
        outer.addLayout(row)
        self.note = QLabel()
        self.note.setStyleSheet(MUTED)
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        outer.addWidget(self.note)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B42318;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        outer.addWidget(self.error)
        self.setToolTip(field_tip(f))

    def text(self) -> Any:
        """The value as the user gave it (text, or the choice, or the list of choices); a picked
        industry entry gives its bare code."""
        if self.checks:
            return "、".join(b.text() for b in self.checks if b.isChecked())
        if self.combo is not None:
            return "" if self.combo.currentIndex() <= 0 else self.combo.currentText()
        if self.edit is None:
            return ""
        text = self.edit.text()
        return industry_code_of(text) if self.field.id == "industry_code" else text

    def set_value(self, v: Any) -> None:
        if self.checks:
            chosen = set(v or []) if not isinstance(v, str) else {
                x for x in v.replace(",", "、").split("、") if x}
            for b in self.checks:
                b.setChecked(b.text() in chosen)
        elif self.combo is not None:
            text = "" if v is None else ({True: "是", False: "否"}.get(v, str(v))
                                         if isinstance(v, bool) else str(v))
            i = self.combo.findText(text) if text else 0
            self.combo.setCurrentIndex(max(0, i))
        elif self.edit is not None:
            self.edit.setText("" if v is None else plain_text(v))

    def show_choices(self) -> None:
        """Open the picker's list (filtered by what is typed so far)."""
        if self.completer is None or self.edit is None:
            return
        self.edit.setFocus()
        self.completer.setCompletionPrefix(self.edit.text())
        self.completer.complete()

    def check(self) -> str:
        """Check the value alone; show and return the problem ('' when fine)."""
        text = self.text()
        problem = ""
        value = None
        if text not in ("", None):  # required fields are reported at 评估, not while typing
            try:
                value = parse_cell(text, self.field)
            except CellError as e:
                problem = e.message
        if self.field.id == "industry_code":
            self.set_note(industry_note(value) if value else "")
            hits = industry_matches(text) if problem and not text.strip().isdigit() else 0
            if hits:  # a search under way: say how to finish it rather than show an error
                self.set_note(f"有 {hits} 个行业符合“{text.strip()}”，请从列表中选择（框里会留下行业代码）")
                self.show_error("")
                return problem
        self.show_error(problem)
        return problem

    def set_note(self, text: str, tip: str = "") -> None:
        self.note.setText(text)
        self.note.setToolTip(tip)
        self.note.setVisible(bool(text))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.setStyleSheet(ERROR_STYLE if message else "")

    def _changed(self) -> None:
        self.check()
        self.changed.emit()


class FirmForm(QTabWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, profile: Profile | None = None):
        super().__init__(parent)
        # every tab in sight (新上项目 was hidden behind scroll arrows at 1366×768)
        self.tabBar().setUsesScrollButtons(False)
        self.mountain = MountainRule(profile)
        self._counties_loaded = False
        self.editors: dict[str, FieldEditor] = {}
        self.labels: dict[str, FieldLabel] = {}
        self.legends: list[QLabel] = []
        for group in grouped():
            page = QWidget()
            form = QFormLayout(page)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            # a narrow form puts a field under its label rather than scroll sideways
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            legend = QLabel(legend_html())
            legend.setWordWrap(True)
            legend.setStyleSheet("color: #3E4C59; font-size: 12px;")
            legend.setToolTip(legend_tip())
            self.legends.append(legend)
            form.addRow(legend)
            for f in group.fields:
                ed = FieldEditor(f)
                ed.changed.connect(self.changed)
                self.editors[f.id] = ed
                lab = FieldLabel(f)
                lab.title.setBuddy(ed.edit or ed.combo or ed)
                self.labels[f.id] = lab
                form.addRow(lab, ed)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.addTab(scroll, group.name)
        self.projects = ProjectsModel(self)
        self.projects.dataChanged.connect(self.changed)
        self.projects.rowsInserted.connect(self.changed)
        self.projects.rowsRemoved.connect(self.changed)
        self.addTab(self._projects_tab(), G_PROJECT)
        # the county's picker and the 山区海岛县 answer follow the profile's list
        county = self.editors["county"]
        county.changed.connect(self._derive_mountain)
        self.editors["mountain_island"].changed.connect(self._derive_mountain)
        if county.edit is not None:
            county.edit.installEventFilter(self)  # the list is loaded when first needed
        if county.list_button is not None:
            county.list_button.pressed.connect(self._load_counties)
        if profile is not None:
            self._load_counties()

    def _projects_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        hint = QLabel("每行一个拟新上项目；按达产年单位工业增加值能耗判断能否走节能审查“绿色通道”"
                      "（本页各项都用于 绿色通道）。信用代码与年度取本企业的。"
                      "“所在地能耗双控目标完成情况”不清楚时选“未知”，不要选“否”。")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.project_view = QTableView()
        self.project_view.setModel(self.projects)
        self.project_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive)
        self.yes_no_delegate = YesNoUnknownDelegate(PROJECT_COLUMNS, self.project_view)
        self.yes_no_columns: list[int] = []
        for c, f in enumerate(PROJECT_COLUMNS):
            self.project_view.setColumnWidth(c, 220 if f.id == "project_name" else 170)
            if is_yes_no_column(f):
                self.project_view.setItemDelegateForColumn(c, self.yes_no_delegate)
                self.yes_no_columns.append(c)
        lay.addWidget(self.project_view, 1)
        row = QHBoxLayout()
        add = QPushButton("添加项目")
        remove = QPushButton("删除所选项目")
        add.clicked.connect(self.projects.add_row)
        remove.clicked.connect(self._remove_project)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        lay.addLayout(row)
        return w

    def _remove_project(self) -> None:
        rows = sorted({i.row() for i in self.project_view.selectionModel().selectedIndexes()},
                      reverse=True)
        for r in rows:
            self.projects.remove_row(r)

    # -- the profile: the mountain counties
    def set_profile(self, profile: Profile, as_of: date | None = None) -> None:
        """Use ``profile``'s list of mountain counties (the page calls this when the profile
        changes), and derive the 山区海岛县 answer again."""
        self.mountain = MountainRule(profile, as_of)
        self._load_counties()
        self._derive_mountain()

    def _load_counties(self) -> None:
        completer = self.editors["county"].completer
        if isinstance(completer, CountyCompleter):
            completer.set_counties(self.mountain.counties)
            self._counties_loaded = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and not self._counties_loaded:
            self._load_counties()
        return super().eventFilter(watched, event)

    def mountain_verdict(self) -> bool | None:
        """The 山区海岛县 answer the assessment will use: as chosen, else as the rule derives it
        from the county (None when neither is known)."""
        chosen = self.editors["mountain_island"].text()
        if chosen:
            return chosen == "是"
        return self.mountain.verdict(self.editors["county"].text())

    def _derive_mountain(self) -> None:
        """Show what the county implies for 山区海岛县, in words. The field stays editable (the
        catalogue reads a blank as "from the county", and island counties are not on the list),
        and a derived answer is not written into it: the stored value stays blank, so the
        assessment names the list it used."""
        ed, county_ed = self.editors["mountain_island"], self.editors["county"]
        county = str(county_ed.text() or "").strip()
        derived = self.mountain.verdict(county) if county else None
        combo = ed.combo
        assert combo is not None
        yes_no = {True: "是", False: "否"}
        combo.setItemText(0, "（未填）" if derived is None else f"按所在县：{yes_no[derived]}")
        tip = f"名单依据：{self.mountain.list_ref.citation}（见“规则与依据”）" if county else ""
        county_ed.set_note(f"属{MOUNTAIN_MARK}" if derived else "", tip)
        chosen = ed.text()
        if derived is None:
            ed.set_note("")
        elif not chosen:
            why = (f"属{MOUNTAIN_MARK}，评估按“是”。如与实际不符，可直接选择。" if derived else
                   f"不在{MOUNTAIN_MARK}名单中，评估按“否”。名单不含海岛县：海岛县请选“是”。")
            ed.set_note(f"由所在县“{county}”推出：{why}", tip)
        elif (chosen == "是") != derived:
            ed.set_note(f"已选“{chosen}”，评估以所选为准；按所在县“{county}”推出的是"
                        f"“{yes_no[derived]}”，请核对。", tip)
        else:
            ed.set_note("")

    # -- values
    def raw(self) -> dict[str, Any]:
        return {fid: ed.text() for fid, ed in self.editors.items()}

    def project_rows(self) -> list[dict[str, str]]:
        return [dict(r) for r in self.projects.rows]

    def set_raw(self, values: dict[str, Any], projects: list[dict[str, Any]]) -> None:
        for fid, ed in self.editors.items():
            ed.blockSignals(True)
            for w in (ed.edit, ed.combo, *ed.checks):
                if w is not None:
                    w.blockSignals(True)
            ed.set_value(values.get(fid))
            for w in (ed.edit, ed.combo, *ed.checks):
                if w is not None:
                    w.blockSignals(False)
            ed.blockSignals(False)
            ed.check()
        self._derive_mountain()
        self.projects.set_rows(projects)
        self.changed.emit()

    def set_record(self, rec: Record) -> None:
        self.set_raw(rec.values, [p.values for p in rec.projects])

    def show_errors(self, by_field: dict[str, str]) -> None:
        """Mark fields with errors found at 评估 (required, cross-field) and open the first tab
        that has one."""
        first = None
        for fid, ed in self.editors.items():
            if fid in by_field:
                ed.show_error(by_field[fid])
                first = first or ed
            else:
                ed.check()
        if first is not None:
            for i in range(self.count()):
                if self.widget(i).isAncestorOf(first):
                    self.setCurrentIndex(i)
                    break

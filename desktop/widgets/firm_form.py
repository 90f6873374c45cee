"""The firm's declaration form, generated from the field catalogue: one tab per group, units
beside the fields, help as tooltips, required fields marked, every field checked as it is typed
(with the same cell parser the Excel import uses), and the green-channel projects as a table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.models import PROJECT_COLUMNS, ProjectsModel, plain_text
from forms.cells import CellError, parse_cell
from rules.catalogue import G_PROJECT, Field, Kind, grouped
from rules.record import Record

ERROR_STYLE = "QLineEdit, QComboBox { border: 1px solid #B42318; background: #FFF5F4; }"


class FieldEditor(QWidget):
    """One catalogue field: its input widget, unit and inline error."""

    changed = Signal()

    def __init__(self, f: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = f
        self.checks: list[QCheckBox] = []
        self.combo: QComboBox | None = None
        self.edit: QLineEdit | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        if f.kind is Kind.MULTI:
            for c in f.choices:
                box = QCheckBox(c)
                box.toggled.connect(self._changed)
                self.checks.append(box)
                row.addWidget(box)
            row.addStretch(1)
        elif f.kind in (Kind.BOOL, Kind.CHOICE):
            self.combo = QComboBox()
            self.combo.addItems(["（未填）", *f.choices])
            self.combo.currentIndexChanged.connect(self._changed)
            self.combo.setMinimumWidth(120)
            row.addWidget(self.combo)
            row.addStretch(1)
        else:
            self.edit = QLineEdit()
            self.edit.textChanged.connect(self._changed)
            if f.is_numeric:
                self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
                self.edit.setMaximumWidth(200)
                if not f.required:
                    self.edit.setPlaceholderText("未知请留空")
            row.addWidget(self.edit, 1)
        unit_text = f.unit if f.unit and f.kind in (Kind.NUMBER, Kind.INT) else ""
        self.unit = QLabel(unit_text)
        self.unit.setMinimumWidth(64)
        self.unit.setStyleSheet("color: #5F6B7A;")
        if f.kind not in (Kind.MULTI,):
            row.addWidget(self.unit)
            if f.is_numeric:
                row.addStretch(1)
        outer.addLayout(row)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B42318;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        outer.addWidget(self.error)
        tip = f.help or f.label
        self.setToolTip(tip)

    def text(self) -> Any:
        """The value as the user gave it (text, or the choice, or the list of choices)."""
        if self.checks:
            return "、".join(b.text() for b in self.checks if b.isChecked())
        if self.combo is not None:
            return "" if self.combo.currentIndex() <= 0 else self.combo.currentText()
        return self.edit.text() if self.edit is not None else ""

    def set_value(self, v: Any) -> None:
        if self.checks:
            chosen = set(v or []) if not isinstance(v, str) else {
                x for x in v.replace(",", "、").split("、") if x}
            for b in self.checks:
                b.setChecked(b.text() in chosen)
        elif self.combo is not None:
            text = "" if v is None else ({True: "是", False: "否"}.get(v, str(v))
                                         if isinstance(v, bool) else str(v))
            i = self.combo.findText(text)
            self.combo.setCurrentIndex(max(0, i))
        elif self.edit is not None:
            self.edit.setText("" if v is None else plain_text(v))

    def check(self) -> str:
        """Check the value alone; show and return the problem ('' when fine)."""
        text = self.text()
        problem = ""
        if text in ("", None):
            problem = ""  # required fields are reported at 评估, not while typing
        else:
            try:
                parse_cell(text, self.field)
            except CellError as e:
                problem = e.message
        self.show_error(problem)
        return problem

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.setStyleSheet(ERROR_STYLE if message else "")

    def _changed(self) -> None:
        self.check()
        self.changed.emit()


class FirmForm(QTabWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.editors: dict[str, FieldEditor] = {}
        for group in grouped():
            page = QWidget()
            form = QFormLayout(page)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
            for f in group.fields:
                ed = FieldEditor(f)
                ed.changed.connect(self.changed)
                self.editors[f.id] = ed
                text = f"<span style='color:#B42318'>*</span> {f.label}" if f.required else f.label
                lab = QLabel(text)
                lab.setToolTip(f.help or f.label)
                lab.setBuddy(ed.edit or ed.combo or ed)
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

    def _projects_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        hint = QLabel("每行一个拟新上项目；按达产年单位工业增加值能耗判断能否走节能审查“绿色通道”。"
                      "信用代码与年度取本企业的。")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.project_view = QTableView()
        self.project_view.setModel(self.projects)
        self.project_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive)
        for c, f in enumerate(PROJECT_COLUMNS):
            self.project_view.setColumnWidth(c, 220 if f.id == "project_name" else 170)
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

"""调整列对应: every column of every sheet the import read, what the import made of it, and a
choice per column — "（不导入）" or any field of the sheet's kind (SPEC §7.1: the desktop lets the
user re-map columns before committing)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.headers import CONFLICT, FIELDS, IGNORED, MAPPED, REFUSED, Column
from forms.importer import SheetInfo

NOT_USED = "（不导入）"
KIND_NAMES = {"enterprise": "企业表", "project": "项目表"}
STATUS_NAMES = {MAPPED: "已对应", IGNORED: "未使用", REFUSED: "拒绝（未导入）",
                CONFLICT: "冲突（未导入）"}
PROBLEM = QColor("#FDE8E7")
CHANGED = QColor("#E8F0FE")
HEADERS = ("列", "表头", "现在", "说明", "对应为")

Mapping = dict[str, dict[int, str | None]]


def current_target(c: Column) -> str | None:
    """The field a column is used for now (``None``: not imported)."""
    return c.field if c.status == MAPPED else None


def status_text(c: Column, kind: str) -> str:
    if c.status == MAPPED and c.field is not None:
        text = f"→ {FIELDS[kind][c.field].label}"
    else:
        text = STATUS_NAMES.get(c.status, c.status)
    return text + ("（用户指定）" if c.chosen_by_user else "")


def explanation(c: Column) -> str:
    """The conversion of a used column, or why a column is not used."""
    if c.status == MAPPED:
        parts = []
        if c.year is not None:
            parts.append(f"{c.year} 年的数据")
        if c.conversion is not None and not c.conversion.identity:
            parts.append(c.conversion.describe())
        return "，".join(parts)
    text = c.reason
    if c.suggestion:
        text += f"；是否应为“{c.suggestion}”？"
    return text


def user_mapping(sheets: Sequence[SheetInfo], choices: Mapping) -> Mapping:
    """The overrides to read the file with: per sheet, every column the user chose before
    (``chosen_by_user``) or changed now, with the choice in ``choices``. Sheets without any
    are left out; the result depends only on the sheets and the choices."""
    out: Mapping = {}
    for s in sheets:
        chosen = choices.get(s.name, {})
        one = {c.index: chosen.get(c.index, current_target(c)) for c in s.columns
               if c.chosen_by_user or chosen.get(c.index, current_target(c)) != current_target(c)}
        if one:
            out[s.name] = dict(sorted(one.items()))
    return out


class ColumnMapDialog(QDialog):
    """One tab per read sheet, one row per column; ``choices()`` after OK. With
    ``reset_requested`` the user asked to forget the choices and read the headers afresh."""

    def __init__(self, sheets: Sequence[SheetInfo], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("调整列对应")
        self.sheets = [s for s in sheets if s.kind is not None]
        self.combos: dict[tuple[str, int], QComboBox] = {}
        self.tables: dict[str, QTableWidget] = {}
        self.reset_requested = False
        lay = QVBoxLayout(self)
        intro = QLabel("为每一列选择它对应的数据项；选“（不导入）”则不使用这一列。点“确定”后按新的对应重新检查"
                       "文件（仍不会写入数据库），所做的选择会记住，以后遇到相同表头的文件时自动使用。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.tabs = QTabWidget()
        for s in self.sheets:
            table = self._table(s)
            self.tables[s.name] = table
            self.tabs.addTab(table, f"“{s.name}”{KIND_NAMES[s.kind or 'enterprise']}"
                             f"（{len(s.columns)} 列）")
        self.tabs.tabBar().setVisible(len(self.sheets) > 1)
        lay.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定，重新检查")
        self.reset_button = QPushButton("忘记此对应，按表头重新识别")
        self.reset_button.setToolTip("删除为这些表头记住的列对应，按表头文字重新识别每一列")
        self.reset_button.setEnabled(any(c.chosen_by_user for s in self.sheets for c in s.columns))
        self.reset_button.clicked.connect(self._reset)
        buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(1120, 600)

    def _table(self, s: SheetInfo) -> QTableWidget:
        assert s.kind is not None
        catalogue = FIELDS[s.kind]
        table = QTableWidget(len(s.columns), len(HEADERS))
        table.setHorizontalHeaderLabels(HEADERS)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setWordWrap(True)
        for row, c in enumerate(s.columns):
            items = (c.letter + ("（隐藏）" if c.hidden else ""), c.text, status_text(c, s.kind),
                     explanation(c))
            for col, text in enumerate(items):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c.status in (REFUSED, CONFLICT):
                    item.setBackground(QBrush(PROBLEM))
                table.setItem(row, col, item)
            combo = QComboBox()
            combo.addItem(NOT_USED, None)
            for fid, f in catalogue.items():
                combo.addItem(f.label, fid)
            target = current_target(c)
            combo.setCurrentIndex(combo.findData(target) if target is not None else 0)
            combo.setMaxVisibleItems(20)
            combo.currentIndexChanged.connect(
                lambda _i, name=s.name, col=c: self._changed(name, col))
            self.combos[(s.name, c.index)] = combo
            table.setCellWidget(row, 4, combo)
        h = table.horizontalHeader()
        for col, width in ((0, 70), (1, 300), (2, 190), (4, 220)):
            table.setColumnWidth(col, width)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        h.sectionResized.connect(lambda *_: table.resizeRowsToContents())  # wrap at real widths
        return table

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        for table in self.tables.values():
            table.resizeRowsToContents()

    def _changed(self, sheet: str, c: Column) -> None:
        combo = self.combos[(sheet, c.index)]
        table = self.tables[sheet]
        row = next(i for i, s in enumerate(self._sheet(sheet).columns) if s.index == c.index)
        item = table.item(row, 2)
        kind = self._sheet(sheet).kind or "enterprise"
        if combo.currentData() == current_target(c):
            item.setText(status_text(c, kind))
            item.setBackground(QBrush(PROBLEM) if c.status in (REFUSED, CONFLICT) else QBrush())
        else:
            item.setText(f"将改为：{combo.currentText()}")
            item.setBackground(QBrush(CHANGED))

    def _sheet(self, name: str) -> SheetInfo:
        return next(s for s in self.sheets if s.name == name)

    def _reset(self) -> None:
        self.reset_requested = True
        self.accept()

    def choose(self, sheet: str, column: int, field_id: str | None) -> None:
        """Select ``field_id`` (``None``: not imported) for 0-based ``column`` of ``sheet``."""
        combo = self.combos[(sheet, column)]
        combo.setCurrentIndex(combo.findData(field_id) if field_id is not None else 0)

    def choices(self) -> Mapping:
        """What every combo box says now: sheet → column → field id (or ``None``)."""
        out: Mapping = {}
        for (sheet, col), combo in self.combos.items():
            out.setdefault(sheet, {})[col] = combo.currentData()
        return out

    def mapping(self) -> Mapping:
        """The overrides to read the file with (see ``user_mapping``)."""
        return user_mapping(self.sheets, self.choices())

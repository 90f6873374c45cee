"""Pickers for the form's coded answers, so that a firm's staff need not know the codes.

- the industry (GB/T 4754-2017): type a code or any part of a name and choose "3311 金属结构制造";
  the field keeps the bare code, which is what the cell parser checks and stores;
- the county: any name may be typed (no full list of Zhejiang's counties ships with the program),
  and the 26 mountain counties of the active profile are offered and marked;
- 是/否/未知 cells of the green-channel projects table, where 未知 is stored as a blank (the rules
  read a blank as unknown, never as 否).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from forms.cells import CellError, parse_cell
from rules import industry
from rules.assessments.digital import mountain_island
from rules.catalogue import Field, Kind
from rules.engine import Ctx, ParamRef
from rules.profile import Profile, load
from rules.record import Record

Index = QModelIndex | QPersistentModelIndex
VALUE_ROLE = Qt.ItemDataRole.UserRole  # what a chosen entry puts into the field
_LEVEL = {2: "大类", 3: "中类"}
_LABEL = re.compile(r"^\s*(\d{2,4})\s+(\S.*?)\s*$")


class PickerLineEdit(QLineEdit):
    """A line edit with a list to pick from. While the list is open, Enter picks an entry (or
    closes the list): it is not the field's own Enter, which the page binds to 评估. QCompleter
    hands the key to the line edit first; ignoring it lets the completer pick."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        completer = self.completer()
        if completer is not None and completer.popup().isVisible() \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()
            return
        super().keyPressEvent(event)


# ----------------------------------------------------------------------------- industry

@lru_cache(maxsize=1)
def industry_entries() -> tuple[str, ...]:
    """Every code of the classification as the picker lists it: '3311 金属结构制造', with the
    level named for the 大类 and 中类 (the 小类 is the usual answer)."""
    out = []
    for code in industry.codes():
        name = industry.industry_label(code)
        out.append(f"{name}（{_LEVEL[len(code)]}）" if len(code) in _LEVEL else name)
    return tuple(out)


def industry_code_of(text: str) -> str:
    """The bare code of a picker entry ('3311 金属结构制造' or '33 金属制品业（大类）' → the
    code); any other text is returned unchanged, for the cell parser to judge."""
    m = _LABEL.match(text or "")
    if m and industry.lookup(m[1]) is not None:
        name = re.sub(r"（[大中]类）$", "", m[2])
        if industry.lookup(m[1]).name == name:  # type: ignore[union-attr]
            return m[1]
    return text


def industry_matches(text: str) -> int:
    """How many picker entries a search text finds (as the list does: any part, any case)."""
    needle = (text or "").strip().lower()
    return sum(needle in e.lower() for e in industry_entries()) if needle else 0


def industry_note(code: str) -> str:
    """What a valid code means, in words ('' when it is not a code of the classification)."""
    found = industry.lookup(code) if code else None
    if found is None:
        return ""
    where = f"{found.section_name}"
    if found.division != found.code:
        where += f" › {found.division} {found.division_name}"
    return f"{found.code} {found.name}（{where}）"


class IndustryCompleter(QCompleter):
    """Searches code and name at once; choosing an entry leaves the bare code in the field."""

    def __init__(self, edit: QLineEdit):
        super().__init__(list(industry_entries()), edit)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)
        self.popup().setMinimumWidth(380)
        edit.setCompleter(self)
        # queued: the line edit puts the entry's whole text in first, then the code replaces it
        self.activated[str].connect(lambda text: edit.setText(industry_code_of(text)),
                                    Qt.ConnectionType.QueuedConnection)


# ----------------------------------------------------------------------------- county

MOUNTAIN_MARK = "山区 26 县"


class CountyCompleter(QCompleter):
    """Offers the profile's mountain counties, marked; any other county may be typed."""

    def __init__(self, edit: QLineEdit, counties: tuple[str, ...] = ()):
        super().__init__(edit)
        self.list_model = QStandardItemModel(self)
        self.setModel(self.list_model)
        self.setCompletionRole(VALUE_ROLE)  # matched and inserted: the bare name
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)
        self.popup().setMinimumWidth(240)
        self.set_counties(counties)
        edit.setCompleter(self)

    def set_counties(self, counties: tuple[str, ...]) -> None:
        self.list_model.clear()
        for name in counties:
            item = QStandardItem(f"{name}（{MOUNTAIN_MARK}）")
            item.setData(name, VALUE_ROLE)
            self.list_model.appendRow(item)

    def entries(self) -> list[str]:
        return [self.list_model.item(r).text() for r in range(self.list_model.rowCount())]


class MountainRule:
    """Whether a county counts as a mountain county, decided by the rule itself
    (``rules.assessments.digital.mountain_island`` on the profile's list), so the form can
    never say otherwise than the assessment will."""

    def __init__(self, profile: Profile | None = None, as_of: date | None = None):
        self._profile = profile
        self._as_of = as_of
        self._ctx: Ctx | None = None

    @property
    def ctx(self) -> Ctx:
        if self._ctx is None:
            self._ctx = Ctx(self._profile or default_profile(), self._as_of or date.today())
        return self._ctx

    @property
    def counties(self) -> tuple[str, ...]:
        return tuple(self.list_ref.value or ())

    @property
    def list_ref(self) -> ParamRef:
        return self.ctx.ref("digital.mountain_counties")

    def verdict(self, county: str) -> bool | None:
        """True / False as the rule derives it from ``county``; None for a blank county."""
        county = (county or "").strip()
        if not county:
            return None
        value, _ = mountain_island(self.ctx, Record(county=county))
        return value


@lru_cache(maxsize=1)
def default_profile() -> Profile:
    """The program's default profile, for a form used without one (loaded once, on demand)."""
    return load()


# ----------------------------------------------------------------------------- 是/否/未知

YES_NO_UNKNOWN = ("是", "否", "未知")


def is_yes_no_column(f: Field) -> bool:
    """A project column answered 是/否/未知: a yes/no field, or a choice of exactly those."""
    return f.kind is Kind.BOOL or set(f.choices) == set(YES_NO_UNKNOWN)


def yes_no_of(text: Any, f: Field) -> str:
    """The cell's stored text as 是, 否 or 未知 (blank, 未知, or anything not a clear yes/no)."""
    try:
        v = parse_cell(text, f)
    except CellError:
        return "未知"
    if v is True or v == "是":
        return "是"
    if v is False or v == "否":
        return "否"
    return "未知"


class YesNoUnknownDelegate(QStyledItemDelegate):
    """A 是/否/未知 combo for a table column. 未知 is written as a blank — what the rules read
    as unknown — and a blank cell is shown as 未知 in grey, so that nothing unknown becomes 否."""

    def __init__(self, fields: tuple[Field, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.fields = fields

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(list(YES_NO_UNKNOWN))
        combo.setToolTip("不清楚时选“未知”（留空），不要选“否”")
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = index.data(Qt.ItemDataRole.EditRole)
        editor.setCurrentText(yes_no_of(text, self.fields[index.column()]))  # type: ignore[attr-defined]

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        chosen = editor.currentText()  # type: ignore[attr-defined]
        model.setData(index, "" if chosen == "未知" else chosen, Qt.ItemDataRole.EditRole)

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if not str(index.data(Qt.ItemDataRole.EditRole) or "").strip():
            option.text = "未知"
            option.palette.setColor(QPalette.ColorRole.Text, QColor("#7B8794"))

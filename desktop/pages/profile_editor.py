"""新建或编辑县级配置: a county's 亩均 method edited in tables, saved as a profile folder.

A policy officer starts from the blank template or a copy of any profile, then fills tables —
indicators and weights per cohort, class shares and cut-offs, industry groups, 加减分, regrade
rules and the other choices of the method — each value with the document and clause it comes
from. What is edited is a ``forms.profile_writer.Method``; the file written is the ordinary
``profile.yaml`` (the one source of truth). While typing, the method is written to a temporary
folder and loaded by the strict loader (debounced): its problems are listed in Chinese and the
offending row is marked. Saving writes ``<data folder>/profiles/<id>/profile.yaml`` and is
refused while any problem is listed; 保存并启用 switches the application to it.

Words only on screen: cohorts, indicators, fields and choices by name; no key, id or code.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.context import AppContext
from desktop.profile_loading import load_bounded
from forms.profile_writer import (
    Method,
    SourceDoc,
    WriteError,
    builds_on_base,
    from_profile,
    to_yaml,
)
from forms.profile_writer import save as save_method
from rules import indicators, schema
from rules.catalogue import ENTERPRISE_BY_ID, ENTERPRISE_FIELDS, Kind
from rules.engine import fmt
from rules.profile import Issue, Profile, ProfileError, available, load
from rules.schema import BY_KEY, COHORTS, RATIO
from rules.wording import (
    ADJUSTMENT_WORDS,
    CODE_WORDS,
    CONFIDENCE_WORDS,
    SECTION_WORDS,
    clean_note,
    has_internal_ref,
    param_value,
    profile_title,
)

GRAY = QColor("#8A94A6")
BAD = QColor("#FDE8E8")
ERROR_STYLE = "color: #B42318;"
OK_STYLE = "color: #067647;"
CHOOSE = "（请选择）"
MODE_OPTIONS = tuple((indicators.BENCHMARK_MODE_WORDS[m].split("（")[0], m)
                     for m in indicators.BENCHMARK_MODES)
OTHER_ROWS = (  # 其他口径: the key and its words (the base's value shown beside)
    ("mujun.deferred_years", "缓评年限（年）"),
    ("mujun.below_scale_small", "用地不足3亩的规下企业"),
    ("mujun.tenants", "无自有工业用地的企业"),
    ("mujun.rd_ratio_denominator", "R&D经费占比的分母"),
    ("emission.mode", "排放总量口径"),
)
META_WORDS = {"name": "名称", "county": "适用县（市、区）", "version": "版本", "effective": "生效日期",
              "description": "说明", "id": "名称", "base": "基础配置"}
# Loader messages (rules.profile) as the editor's words: it names no key, field or code.
MESSAGE_WORDS = (
    ("缺少 出处（须有 source 与 clause）", "缺少依据文件或条款"),
    ("出处 source 为空", "未选依据文件"), ("出处条款为空", "未填条款"),
    ("（benchmark_mode）", "（基准值取法）"), ("来源缺少 title", "缺少标题"),
    ("来源的 title 为空：须写出文件名称", "标题为空：须写出文件名称"),
)
ITEM_KEY_WORDS = {"per_unit": "每单位", "free": "前几个不计", "first": "第 1 个", "min": "下限",
                  "max": "上限", "field": "字段", "input": "来源", "kind": "类型",
                  "cohorts": "适用分组", "clause": "条款", "name": "名称", "id": "编号",
                  "from": "调整哪些等级", "to": "调为", "op": "比较", "value": "值",
                  "contains": "包含"}
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ITEM = re.compile(r"第 (\d+) 项(?:（[A-Za-z0-9_]+）)?")


def _code_words() -> dict[str, str]:
    out = {f.id: f.label for f in ENTERPRISE_FIELDS}
    for words in CODE_WORDS.values():
        out.update(words)
    out.update({k: v.split("（")[0] for k, v in ADJUSTMENT_WORDS.items()})
    out.update(SECTION_WORDS)
    out.update(ITEM_KEY_WORDS)
    return out


CODE_TOKENS = _code_words()


def plain_words(message: str) -> str:
    """A loader message without keys, codes or item ids."""
    for a, b in MESSAGE_WORDS:
        message = message.replace(a, b)
    message = _ITEM.sub(lambda m: f"第 {m.group(1)} 项", message)
    if message == "缺少":
        return "未填写"
    return _TOKEN.sub(lambda m: CODE_TOKENS.get(m.group(), m.group()), message)


def saved_profiles() -> list[tuple[str, Path]]:
    """The profiles saved by this editor in the data folder: (name, folder), by name. The
    name is read from the file's ``name:`` line, loading nothing. A folder whose name cannot
    be read is still listed, by its folder name, so that choosing it shows the loader's own
    error instead of the profile vanishing from the list."""
    root = paths.profiles_dir()
    out = []
    try:
        folders = sorted(p for p in root.iterdir() if (p / "profile.yaml").is_file())
    except OSError:
        return []
    for folder in folders:
        try:
            head = (folder / "profile.yaml").read_text(encoding="utf-8")[:4096]
            m = re.search(r'^  name: (".*")$', head, re.MULTILINE)
            name = str(json.loads(m.group(1))) if m else None
        except (OSError, UnicodeDecodeError, ValueError):
            name = None  # listed by its folder, saying so; choosing it shows the loader's error
        out.append((name or f"{folder.name}（名称无法读取，选用时显示原因）", folder.resolve()))
    return sorted(out)


def number_text(v: Any, ratio: bool = False) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"{v * 100 if ratio else v:.10g}"
    return str(v)


def parse_number(text: str, integer: bool = False) -> float | int:
    """A typed number (half-width or full-width digits); raises ValueError."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
    if integer:
        if not re.fullmatch(r"-?[0-9]+", text):
            raise ValueError(text)
        return int(text)
    v = float(text)
    if not math.isfinite(v):
        raise ValueError(text)
    return v


def parse_divisions(text: str) -> list[list[int]]:
    """“17-19, 29” → [[17, 19], [29, 29]]; raises ValueError."""
    out = []
    for part in re.split(r"[,，、;；\s]+", text.strip()):
        if not part:
            continue
        m = re.fullmatch(r"(\d{1,2})(?:\s*[-–—~～至]\s*(\d{1,2}))?", part)
        if not m:
            raise ValueError(part)
        lo = int(m.group(1))
        out.append([lo, int(m.group(2) or lo)])
    if not out:
        raise ValueError(text)
    return out


def divisions_text(spans: Any) -> str:
    return ", ".join(f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in spans)


@dataclass
class Bind:
    """A cell bound to a parameter: a number, a check (a weight given or not) or a choice."""

    kind: str  # num | check | combo
    key: str
    ratio: bool = False  # shown in %, stored as a fraction
    integer: bool = False
    options: tuple[tuple[str, Any], ...] = ()  # combo: (words, code); code None = write nothing
    default: Any = None  # combo: what writing nothing gives


@dataclass
class Problem:
    text: str
    page: QWidget | None = None  # the tab to show
    table: QTableWidget | None = None
    row: int = -1


def _item(text: str = "", editable: bool = True) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    if not editable:
        it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return it


def _combo(options: tuple[tuple[str, Any], ...] | list[tuple[str, Any]]) -> QComboBox:
    box = QComboBox()
    for words, code in options:
        box.addItem(words, code)
    return box


def _combo_select(box: QComboBox, code: Any) -> None:
    box.blockSignals(True)
    for i in range(box.count()):
        if box.itemData(i) == code:
            box.setCurrentIndex(i)
            break
    else:
        box.setCurrentIndex(0)
    box.blockSignals(False)


def _table(headers: tuple[str, ...], widths: tuple[int, ...]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
    h = t.horizontalHeader()
    for c, w in enumerate(widths):
        t.setColumnWidth(c, w)
    h.setStretchLastSection(True)
    h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return t


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5F6B7A;")
    return label


class ParamTable(QTableWidget):
    """Rows of parameters for the data year being edited; the last two columns say where each
    row's values come from (依据文件, 条款). A value written for another data year that applies
    to this one (the loader falls back to it) is shown in grey, and editing makes this year's."""

    def __init__(self, editor: ProfileEditor, page: QWidget, headers: list[str],
                 widths: list[int]):
        super().__init__(0, len(headers) + 2)
        self.ed = editor
        self.page = page
        self.setHorizontalHeaderLabels([*headers, "依据文件", "条款"])
        self.col = {h: i for i, h in enumerate([*headers, "依据文件", "条款"])}
        self.src_col, self.clause_col = len(headers), len(headers) + 1
        self.verticalHeader().setVisible(False)
        h = self.horizontalHeader()
        for c, w in enumerate([*widths, 230]):
            self.setColumnWidth(c, w)
        h.setStretchLastSection(True)
        self.binds: dict[tuple[int, int], Bind] = {}
        self.keys: list[tuple[str, ...]] = []  # per row: the parameters its citation covers
        self.wheres: list[str] = []
        self.row: dict[str, int] = {}  # a name (indicator, cohort …) → its row
        self.pending: dict[int, tuple[str, str]] = {}  # a citation chosen before any value
        self.wanted: set[int] = set()  # 计分 ticked, no weight typed yet
        self.bad: dict[tuple[int, int], str] = {}
        self.tips: dict[int, str] = {}
        self.itemChanged.connect(self._item_changed)

    # -- building
    def add_row(self, name: str, where: str, keys: tuple[str, ...]) -> int:
        r = self.rowCount()
        self.insertRow(r)
        self.blockSignals(True)
        for c in range(self.columnCount()):
            self.setItem(r, c, _item(editable=False))
        self.item(r, self.clause_col).setFlags(Qt.ItemFlag.ItemIsEnabled
                                               | Qt.ItemFlag.ItemIsSelectable
                                               | Qt.ItemFlag.ItemIsEditable)
        self.blockSignals(False)
        box = self.ed.source_combo()
        box.currentIndexChanged.connect(lambda _=0, r=r: self._cite_changed(r))
        self.setCellWidget(r, self.src_col, box)
        self.keys.append(keys)
        self.wheres.append(where)
        self.row[name] = r
        for k in keys:
            self.ed.targets[k] = (where, self, r)
        return r

    def label(self, r: int, c: int, text: str, tip: str = "") -> None:
        self.blockSignals(True)
        self.item(r, c).setText(text)
        self.item(r, c).setToolTip(tip)
        if c == 0:
            self.tips[r] = tip
        self.blockSignals(False)

    def num(self, r: int, c: int, key: str, ratio: bool = False, integer: bool = False) -> None:
        self.binds[(r, c)] = Bind("num", key, ratio, integer)
        self.blockSignals(True)
        self.item(r, c).setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                 | Qt.ItemFlag.ItemIsEditable)
        self.blockSignals(False)

    def check(self, r: int, c: int, key: str) -> None:
        self.binds[(r, c)] = Bind("check", key)
        self.blockSignals(True)
        self.item(r, c).setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        self.blockSignals(False)

    def choice(self, r: int, c: int, key: str, options: tuple[tuple[str, Any], ...],
               default: Any = None) -> QComboBox:
        self.binds[(r, c)] = Bind("combo", key, options=options, default=default)
        box = _combo(options)
        box.currentIndexChanged.connect(lambda _=0, r=r, c=c: self._combo_changed(r, c))
        self.setCellWidget(r, c, box)
        return box

    # -- showing
    def refresh(self) -> None:
        m, year = self.ed.method, self.ed.year
        self.blockSignals(True)
        try:
            for (r, c), b in self.binds.items():
                e, y = m.in_force(b.key, year)
                own = e is not None and m.entry(b.key, year) is e
                tip = "" if own or e is None else self.ed.fallback_words(y)
                if b.kind == "combo":
                    box = self.cellWidget(r, c)
                    _combo_select(box, e.value if e is not None else b.default)
                    box.setToolTip(tip)
                    box.setStyleSheet("" if own or e is None else "color: #8A94A6;")
                    continue
                it = self.item(r, c)
                if b.kind == "check":
                    given = (e is not None and e.value is not None) or r in self.wanted
                    it.setCheckState(Qt.CheckState.Checked if given else Qt.CheckState.Unchecked)
                elif (r, c) not in self.bad:  # what the user typed stays until corrected
                    it.setText(number_text(e.value if e else None, b.ratio))
                    it.setForeground(QBrush(GRAY) if tip else QBrush())
                    it.setToolTip(tip)
            for r in range(self.rowCount()):
                self._show_cite(r)
        finally:
            self.blockSignals(False)

    def _show_cite(self, r: int) -> None:
        m, year = self.ed.method, self.ed.year
        own = [e for e in (m.entry(k, year) for k in self.keys[r]) if e is not None]
        grey = False
        if own:
            src, clause = own[0].source, own[0].clause
        elif r in self.pending:
            src, clause = self.pending[r]
        else:
            fb = next((m.in_force(k, year)[0] for k in self.keys[r]
                       if m.in_force(k, year)[0] is not None), None)
            src, clause, grey = (fb.source, fb.clause, True) if fb else ("", "", False)
        box = self.cellWidget(r, self.src_col)
        _combo_select(box, src)
        box.setStyleSheet("color: #8A94A6;" if grey else "")
        it = self.item(r, self.clause_col)
        it.setText(clause)
        it.setForeground(QBrush(GRAY) if grey else QBrush())
        clauses = {e.clause for e in own}
        it.setToolTip("；".join(sorted(clauses)) if len(clauses) > 1 else clause)

    def mark(self, marks: dict[int, list[str]]) -> None:
        """Colour the rows with a problem and put the problems in their tooltip."""
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.blockSignals(True)
        for r in range(self.rowCount()):
            msgs = marks.get(r, [])
            for c in range(self.columnCount()):
                self.item(r, c).setBackground(QBrush(BAD) if msgs else QBrush())
            first = self.item(r, 0)
            first.setIcon(icon if msgs else QIcon())
            first.setToolTip("\n".join([*msgs, self.tips.get(r, "")]).strip())
        self.blockSignals(False)

    def own_problems(self) -> list[Problem]:
        out = [Problem(f"{self.wheres[r]}：{msg}", self.page, self, r)
               for (r, _), msg in sorted(self.bad.items())]
        out += [Problem(f"{self.wheres[r]}：已勾选计分，但未填权重", self.page, self, r)
                for r in sorted(self.wanted)]
        return out

    def reset(self) -> None:
        self.pending.clear()
        self.wanted.clear()
        self.bad.clear()

    # -- editing
    def cite_for_new(self, r: int) -> tuple[str, str]:
        """The citation a value new in this year takes: the row's, when this year has one."""
        if r in self.pending:
            return self.pending[r]
        m, year = self.ed.method, self.ed.year
        own = [e for e in (m.entry(k, year) for k in self.keys[r]) if e is not None]
        return (own[0].source, own[0].clause) if own else ("", "")

    def _set(self, r: int, key: str, value: Any) -> None:
        m, year = self.ed.method, self.ed.year
        if m.entry(key, year) is None:
            m.set(key, value, year, *self.cite_for_new(r))
        else:
            m.set(key, value, year)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        r, c = item.row(), item.column()
        if c == self.clause_col:
            self._cite_changed(r)
            return
        b = self.binds.get((r, c))
        if b is None:
            return
        m, year = self.ed.method, self.ed.year
        if b.kind == "check":
            if item.checkState() == Qt.CheckState.Checked:
                e, _ = m.in_force(b.key, year)
                if e is None or e.value is None:
                    self.wanted.add(r)
            else:
                self.wanted.discard(r)
                m.unset(b.key, year, *self.cite_for_new(r))
                for k in self.keys[r]:
                    if k != b.key:
                        m.drop(k, year)
            self.ed.changed(self)
            return
        text = item.text().strip()
        if b.ratio:
            text = text.removesuffix("%").removesuffix("％").strip()
        self.bad.pop((r, c), None)
        if not text:
            m.unset(b.key, year, *self.cite_for_new(r))
        else:
            try:
                v = parse_number(text, b.integer)
            except ValueError:
                self.bad[(r, c)] = f"“{text}”不是{'整数' if b.integer else '数字'}"
                self.ed.changed(self)
                return
            self._set(r, b.key, v / 100 if b.ratio else v)
            if b.key.endswith(".weight"):
                self.wanted.discard(r)
        self.ed.changed(self)

    def _combo_changed(self, r: int, c: int) -> None:
        b = self.binds[(r, c)]
        code = self.cellWidget(r, c).currentData()
        m, year = self.ed.method, self.ed.year
        mine = m.entry(b.key, year)
        others = [e for e in m.params.get(b.key, []) if e is not mine]
        if code is None or (code == b.default and not others):
            m.drop(b.key, year)
        else:
            self._set(r, b.key, code)
        self.ed.changed(self)

    def _cite_changed(self, r: int) -> None:
        src = self.cellWidget(r, self.src_col).currentData() or ""
        clause = self.item(r, self.clause_col).text().strip()
        self.pending[r] = (src, clause)
        for k in self.keys[r]:
            self.ed.method.cite(k, self.ed.year, src, clause)
        self.ed.changed(self)


class ListTable(QWidget):
    """A parameter whose value is a list (industry groups, 加减分 items, regrade rules): one row
    per item, the whole list cited once above the table (依据文件, 条款)."""

    key = ""
    headers: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()
    hint = ""
    what = ""

    def __init__(self, editor: ProfileEditor):
        super().__init__()
        self.ed = editor
        lay = QVBoxLayout(self)
        lay.addWidget(_hint(self.hint))
        cite = QHBoxLayout()
        cite.addWidget(QLabel("依据文件"))
        self.source = editor.source_combo()
        self.source.setMinimumWidth(320)
        self.source.currentIndexChanged.connect(self._cite_changed)
        cite.addWidget(self.source)
        cite.addWidget(QLabel("条款"))
        self.clause = QLineEdit()
        self.clause.setPlaceholderText("如：第五条")
        self.clause.textChanged.connect(self._cite_changed)
        cite.addWidget(self.clause, 1)
        lay.addLayout(cite)
        self.table = _table(self.headers, self.widths)
        self.table.itemChanged.connect(lambda _: self.changed())
        lay.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        add = QPushButton("添加一行")
        add.clicked.connect(lambda: self.add_row({}))
        remove = QPushButton("删除所选行")
        remove.clicked.connect(self.remove_rows)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.problems: list[Problem] = []
        self.pending: tuple[str, str] | None = None
        self.ids: list[str] = []
        self.item_rows: list[int] = []  # the table row of each item written
        editor.targets[self.key] = (self.what, self.table, -1)

    def fill(self) -> None:
        e = self.ed.method.entry(self.key)
        self.pending = None
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.ids = []
        for item in self.items_of(e.value if e is not None and e.value else None):
            self.add_row(item, quiet=True)
        self.table.blockSignals(False)
        self._tips()
        _combo_select(self.source, e.source if e else "")
        self.clause.blockSignals(True)
        self.clause.setText(e.clause if e else "")
        self.clause.blockSignals(False)
        self.problems = []
        self.item_rows = list(range(self.table.rowCount()))

    def items_of(self, value: Any) -> list[dict[str, Any]]:
        return list(value or [])

    def add_row(self, item: dict[str, Any], quiet: bool = False) -> None:
        r = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(r)
        for c in range(self.table.columnCount()):
            self.table.setItem(r, c, _item())
        self.ids.append(str(item.get("id") or self._new_id()))
        self.make_row(r, item)
        self.table.blockSignals(False)
        if not quiet:
            self.changed()

    def _new_id(self) -> str:
        n = len(self.ids) + 1
        while f"item{n}" in self.ids:
            n += 1
        return f"item{n}"

    def remove_rows(self) -> None:
        for r in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)
            del self.ids[r]
        self.changed()

    def combo_at(self, r: int, c: int, options, code: Any) -> QComboBox:
        box = _combo(options)
        _combo_select(box, code)
        box.currentIndexChanged.connect(lambda _=0: self.changed())
        self.table.setCellWidget(r, c, box)
        return box

    def text(self, r: int, c: int) -> str:
        it = self.table.item(r, c)
        return it.text().strip() if it is not None else ""

    def number(self, r: int, c: int, problems: list[str], integer: bool = False) -> Any:
        text = self.text(r, c)
        if not text:
            return None
        try:
            return parse_number(text, integer)
        except ValueError:
            problems.append(f"{self.headers[c]}“{text}”不是{'整数' if integer else '数字'}")
            return None

    def changed(self) -> None:
        """Write the table's items into the method (or say what cannot be read)."""
        self._tips()
        m = self.ed.method
        items, self.problems, self.item_rows = [], [], []
        for r in range(self.table.rowCount()):
            bad: list[str] = []
            item = self.read_row(r, bad)
            for msg in bad:
                self.problems.append(Problem(f"{self.what} · 第 {r + 1} 行：{msg}", self,
                                             self.table, r))
            if item is not None:
                items.append(item)
                self.item_rows.append(r)
        value = self.value_of(items)
        if not self.problems:
            if not value:
                m.drop(self.key)
            elif m.entry(self.key) is None:
                m.set(self.key, value, None, *(self.pending or self._cite()))
            else:
                m.set(self.key, value)
        self.ed.changed()

    def value_of(self, items: list[Any]) -> Any:
        return items

    def _tips(self) -> None:
        """Each text cell's text as its tooltip (narrow columns cut long clauses)."""
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            for c in range(1, self.table.columnCount()):
                it = self.table.item(r, c)
                if it is not None:
                    it.setToolTip(it.text())
        self.table.blockSignals(False)

    def _cite(self) -> tuple[str, str]:
        return self.source.currentData() or "", self.clause.text().strip()

    def _cite_changed(self, *_: Any) -> None:
        self.pending = self._cite()
        self.ed.method.cite(self.key, None, *self.pending)
        self.ed.changed()

    # Hooks each list defines (GroupsTable, AdjustmentsTable, RegradesTable); an abc.ABC base
    # cannot be mixed with QWidget's metaclass, so the base raises instead.
    def read_row(self, r: int, problems: list[str]) -> Any:
        raise NotImplementedError("defined by each list table")

    def make_row(self, r: int, item: dict[str, Any]) -> None:
        raise NotImplementedError("defined by each list table")

    def mark(self, marks: dict[int, list[str]]) -> None:
        self.table.blockSignals(True)
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                it = self.table.item(r, c)
                it.setBackground(QBrush(BAD) if marks.get(r) else QBrush())
                if c == 0:
                    it.setToolTip("\n".join(marks.get(r, [])))
        self.table.blockSignals(False)


class GroupsTable(ListTable):
    key = "mujun.industry_groups"
    headers = ("组名", "行业大类（如 17-19, 29）")
    widths = (260, 400)
    what = "行业组"
    hint = ("分行业组排名：各组企业分别排名、分类。每行一个组，写组名和所含的国民经济行业大类（两位代码，"
            "可写区间，如 17-19, 29）；一个大类只能属于一个组；不在任何组的企业（含未填行业代码的）合为一组排名。不分组排名时留空。")

    def items_of(self, value: Any) -> list[dict[str, Any]]:
        return [{"name": k, "spans": v} for k, v in (value or {}).items()]

    def make_row(self, r: int, item: dict[str, Any]) -> None:
        self.table.item(r, 0).setText(item.get("name", ""))
        self.table.item(r, 1).setText(divisions_text(item.get("spans", [])))

    def read_row(self, r: int, problems: list[str]) -> Any:
        name, spans = self.text(r, 0), self.text(r, 1)
        if not name and not spans:
            return None
        try:
            return name, parse_divisions(spans)
        except ValueError as e:
            problems.append(f"行业大类“{e}”无法识别：请写成如 17-19, 29")
            return None

    def value_of(self, items: list[Any]) -> Any:
        out: dict[str, Any] = {}
        for name, spans in items:
            if name in out:
                self.problems.append(Problem(f"行业组：组名“{name}”出现两次", self))
            out[name] = spans
        return out


def _fields(*kinds: Kind) -> list[tuple[str, Any]]:
    return [(f.label, f.id) for f in ENTERPRISE_FIELDS if f.kind in kinds]


ADJ_INPUTS = (("按数量字段", "count"), ("按是否字段", "field"), ("园区录入", "manual"))
ADJ_KINDS = (("分", "points"), ("%（指标合计得分的百分比）", "percent"))
COHORT_CHOICES = (("全部分组", None), *((SECTION_WORDS[c], [c]) for c in COHORTS))


class AdjustmentsTable(ListTable):
    key = "mujun.adjustments"
    headers = ("名称", "适用分组", "来源", "字段", "类型", "每单位（分或%）", "第 1 个（分或%）",
               "前几个不计（个）", "下限", "上限", "条款")
    widths = (150, 170, 100, 180, 80, 115, 115, 110, 56, 56, 120)
    what = "加减分"
    hint = ("加减分项目：加在指标合计得分上。来源“按数量字段”按企业填报的数量计（超出“前几个不计”的部分，"
            "第 1 个按“第 1 个”的分值、其后每个按“每单位”）；“按是否字段”为“是”时计“每单位”；"
            "“园区录入”由园区管理人员逐家录入，须写下限和上限。")

    def make_row(self, r: int, item: dict[str, Any]) -> None:
        self.table.item(r, 0).setText(item.get("name", ""))
        options = list(COHORT_CHOICES)
        cohorts = item.get("cohorts")
        if cohorts is not None and not any(code == list(cohorts) for _, code in options):
            options.append(("、".join(SECTION_WORDS[c] for c in cohorts), list(cohorts)))
        self.combo_at(r, 1, options, list(cohorts) if cohorts is not None else None)
        source = _combo(ADJ_INPUTS)
        _combo_select(source, item.get("input", "count"))
        source.currentIndexChanged.connect(lambda _=0, box=source: self._source_changed(box))
        self.table.setCellWidget(r, 2, source)
        self.combo_at(r, 3, [], None)
        self._fields_for(r, item.get("field"))
        self.combo_at(r, 4, ADJ_KINDS, item.get("kind", "points"))
        for c, k in ((5, "per_unit"), (6, "first"), (7, "free"), (8, "min"), (9, "max")):
            self.table.item(r, c).setText(number_text(item.get(k)))
        self.table.item(r, 10).setText(item.get("clause", ""))

    def _source_changed(self, box: QComboBox) -> None:
        for r in range(self.table.rowCount()):
            if self.table.cellWidget(r, 2) is box:
                self._fields_for(r)
        self.changed()

    def _fields_for(self, r: int, chosen: Any = None) -> None:
        """The field choices of a row follow its 来源: count fields, yes/no fields or none."""
        source = self.table.cellWidget(r, 2).currentData()
        box = self.table.cellWidget(r, 3)
        keep = chosen if chosen is not None else box.currentData()
        box.blockSignals(True)
        box.clear()
        if source == "manual":
            box.addItem("（园区逐家录入，不读字段）", None)
        else:
            box.addItem(CHOOSE, None)
            for words, code in _fields(Kind.INT, Kind.NUMBER) if source == "count" \
                    else _fields(Kind.BOOL):
                box.addItem(words, code)
        box.blockSignals(False)
        _combo_select(box, keep)

    def read_row(self, r: int, problems: list[str]) -> Any:
        if r >= len(self.ids) or self.table.cellWidget(r, 2) is None:
            return None
        if not self.text(r, 0) and not self.text(r, 10):
            return None  # a row just added: nothing to say yet
        item: dict[str, Any] = {"id": self.ids[r], "name": self.text(r, 0),
                                "input": self.table.cellWidget(r, 2).currentData(),
                                "kind": self.table.cellWidget(r, 4).currentData(),
                                "clause": self.text(r, 10)}
        if not item["name"]:
            problems.append("未填名称")
        if not item["clause"]:
            problems.append("未填条款")
        cohorts = self.table.cellWidget(r, 1).currentData()
        if cohorts is not None:
            item["cohorts"] = list(cohorts)
        field = self.table.cellWidget(r, 3).currentData()
        if field is not None:
            item["field"] = field
        elif item["input"] != "manual":
            problems.append("未选字段")
        for c, k in ((5, "per_unit"), (6, "first"), (8, "min"), (9, "max")):
            v = self.number(r, c, problems)
            if v is not None:
                item[k] = v
        free = self.number(r, 7, problems, integer=True)
        if free is not None:
            item["free"] = free
        return item


REGRADE_OPS = (("不低于（≥）", ">="), ("不高于（≤）", "<="), ("等于", "=="), ("包含", "contains"))
CLASSES = tuple((c, c) for c in schema.CLASSES)


class RegradesTable(ListTable):
    key = "mujun.regrade_rules"
    headers = ("名称", "调整哪些等级（如 C、D）", "调为", "判断字段", "比较", "值", "条款")
    widths = (220, 150, 60, 220, 110, 140, 160)
    what = "调档规则"
    hint = ("调档规则：初评为所列等级、且字段满足条件的企业调为另一等级（如“高新技术企业上调一档”）。"
            "数字字段用“不低于/不高于/等于”，是否或单选字段用“等于”（值写 是、否 或选项），多选字段用“包含”。")

    def make_row(self, r: int, item: dict[str, Any]) -> None:
        self.table.item(r, 0).setText(item.get("name", ""))
        self.table.item(r, 1).setText("、".join(item.get("from", [])))
        self.combo_at(r, 2, CLASSES, item.get("to", "B"))
        fields = [(CHOOSE, None), *_fields(Kind.INT, Kind.NUMBER, Kind.BOOL, Kind.CHOICE,
                                           Kind.MULTI)]
        self.combo_at(r, 3, fields, item.get("field"))
        self.combo_at(r, 4, REGRADE_OPS, item.get("op", ">="))
        v = item.get("value")
        self.table.item(r, 5).setText(number_text(v) if v is not None else "")
        self.table.item(r, 6).setText(item.get("clause", ""))

    def read_row(self, r: int, problems: list[str]) -> Any:
        if r >= len(self.ids) or self.table.cellWidget(r, 2) is None:
            return None
        if not self.text(r, 0) and not self.text(r, 6):
            return None  # a row just added: nothing to say yet
        frm = self.text(r, 1).upper()
        classes = re.findall(r"[ABCD]", frm)
        if not classes or re.sub(r"[ABCD,，、;；\s类]", "", frm):
            problems.append(f"调整哪些等级“{self.text(r, 1)}”无法识别：请写成如 C、D")
        field = self.table.cellWidget(r, 3).currentData()
        item: dict[str, Any] = {"id": self.ids[r], "name": self.text(r, 0), "from": classes,
                                "to": self.table.cellWidget(r, 2).currentData(),
                                "field": field, "op": self.table.cellWidget(r, 4).currentData(),
                                "value": self.text(r, 5), "clause": self.text(r, 6)}
        for k, words in (("name", "名称"), ("clause", "条款"), ("value", "值")):
            if not item[k]:
                problems.append(f"未填{words}")
        if field is None:
            problems.append("未选判断字段")
        elif ENTERPRISE_BY_ID[field].kind in (Kind.INT, Kind.NUMBER) and item["value"]:
            try:
                item["value"] = parse_number(item["value"])
            except ValueError:
                problems.append(f"值“{item['value']}”不是数字")
        return item


class SourcesTable(QTableWidget):
    """The documents the method cites: 标题, 文号, 可信度. A reference that names where a text
    was found (a seed file, a web address) is shown without it and kept unless edited."""

    def __init__(self, editor: ProfileEditor):
        super().__init__(0, 3)
        self.ed = editor
        self.setHorizontalHeaderLabels(["标题（文件名称）", "文号或出处", "可信度"])
        self.verticalHeader().setVisible(False)
        for c, w in enumerate((600, 420, 110)):
            self.setColumnWidth(c, w)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.keys: list[str] = []
        self.itemChanged.connect(self._edited)

    def fill(self) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        self.keys = []
        for k, doc in self.ed.method.sources.items():
            self._row(k, doc)
        self.blockSignals(False)

    def _row(self, key: str, doc: SourceDoc) -> None:
        r = self.rowCount()
        self.insertRow(r)
        self.keys.append(key)
        self.setItem(r, 0, _item(doc.title))
        self.item(r, 0).setToolTip(doc.title)
        ref = _item(clean_note(doc.ref) if has_internal_ref(doc.ref) else doc.ref)
        ref.setToolTip(ref.text())
        ref.setData(Qt.ItemDataRole.UserRole, doc.ref)
        self.setItem(r, 1, ref)
        box = _combo([(f"{CONFIDENCE_WORDS[c]}（{c}）", c) for c in ("H", "M", "L")])
        _combo_select(box, doc.confidence)
        box.currentIndexChanged.connect(lambda _=0, key=key: self._confidence(key))
        self.setCellWidget(r, 2, box)

    def add(self) -> None:
        key = self.ed.method.add_source(SourceDoc())
        self.blockSignals(True)
        self._row(key, self.ed.method.sources[key])
        self.blockSignals(False)
        self.setCurrentCell(self.rowCount() - 1, 0)
        self.ed.sources_changed()

    def remove(self) -> int:
        """Remove the selected documents; the values citing them lose their document (and are
        then flagged). Returns how many values lost it."""
        lost = 0
        for r in sorted({i.row() for i in self.selectedIndexes()}, reverse=True):
            key = self.keys.pop(r)
            del self.ed.method.sources[key]
            for entries in self.ed.method.params.values():
                for e in entries:
                    if e.source == key:
                        e.source = ""
                        lost += 1
            self.removeRow(r)
        self.ed.sources_changed()
        return lost

    def _edited(self, item: QTableWidgetItem) -> None:
        doc = self.ed.method.sources[self.keys[item.row()]]
        text = item.text().strip()
        if item.column() == 0:
            doc.title = text
        elif item.column() == 1:
            original = item.data(Qt.ItemDataRole.UserRole) or ""
            shown = clean_note(original) if has_internal_ref(original) else original
            doc.ref = original if text == shown else text
        self.ed.sources_changed()

    def _confidence(self, key: str) -> None:
        r = self.keys.index(key)
        self.ed.method.sources[key].confidence = self.cellWidget(r, 2).currentData()
        self.ed.changed()


def _loader_issues(text: str) -> list[Issue]:
    """What the loader says of a profile's YAML (written to a folder of its own: the base is
    looked up beside it first, never found there). Runs in any thread."""
    with tempfile.TemporaryDirectory(prefix="mujun-editor-") as tmp:
        folder = Path(tmp) / "check"
        folder.mkdir()
        (folder / "profile.yaml").write_text(text, encoding="utf-8")
        try:
            load(folder)
        except ProfileError as e:
            return list(e.issues)
    return []


class ProfileEditor(QDialog):
    """The editor dialog: a start page (blank, copy, or a saved one) and the tabs."""

    saved = Signal(object)  # the Profile as loaded from its folder
    _loaded = Signal(int, object, object)  # a background check: its number, problems, issues

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("新建或编辑县级配置")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(1320, 700)
        self.method = Method()
        self.year = date.today().year - 1
        self.base = load("zhejiang")
        self.dirty = False
        self._filling = False
        self.problems: list[Problem] = []
        self.targets: dict[str, tuple[str, Any, int]] = {}
        self.source_boxes: list[QComboBox] = []
        self.tables: list[ParamTable] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(300)
        self.timer.timeout.connect(self._validate_in_background)
        # the loader's check of what was typed runs in a thread (≈ 0.1–0.25 s a check, which
        # froze typing when it ran here); only the latest check's answer is shown
        self._checks = 0
        self._shown = 0
        self._loaded.connect(self._background_checked, Qt.ConnectionType.QueuedConnection)
        self._ask: Callable[[str, str], bool] = self._question
        self.stack = QStackedWidget()
        lay = QVBoxLayout(self)
        lay.addWidget(self.stack)
        self.stack.addWidget(self._start_page())
        self.stack.addWidget(self._edit_page())
        self.finished.connect(lambda _: self.timer.stop())

    # ------------------------------------------------------------------ start
    def _start_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(QLabel("<h3>新建或编辑县级配置</h3>"))
        lay.addWidget(_hint(
            "县级配置写明本县（市、区）亩均效益评价的办法：各组企业计分的指标、权重和基准值，分类比例和"
            "得分线，行业组，加减分，调档规则等。每个数值都要注明依据文件和条款。未写的参数沿用浙江省基础"
            "配置。配置保存在本机的数据文件夹中，保存后可在“规则与依据”中选用。"))
        self.start_blank = QRadioButton("从空白模板新建（以浙江省基础配置为基础，其余按本县办法填写）")
        self.start_blank.setChecked(True)
        lay.addWidget(self.start_blank)
        row = QHBoxLayout()
        self.start_copy = QRadioButton("复制现有配置，在副本上修改：")
        self.copy_choice = QComboBox()
        for pid in available():
            self.copy_choice.addItem(profile_title(pid), pid)
        saved = saved_profiles()
        for name, folder in saved:
            self.copy_choice.addItem(f"{name}（本机保存）", str(folder))
        self.copy_choice.activated.connect(lambda _: self.start_copy.setChecked(True))
        row.addWidget(self.start_copy)
        row.addWidget(self.copy_choice, 1)
        lay.addLayout(row)
        row = QHBoxLayout()
        self.start_edit = QRadioButton("修改本机已保存的配置：")
        self.edit_choice = QComboBox()
        for name, folder in saved:
            self.edit_choice.addItem(name, str(folder))
        self.edit_choice.activated.connect(lambda _: self.start_edit.setChecked(True))
        row.addWidget(self.start_edit)
        row.addWidget(self.edit_choice, 1)
        self.start_edit.setVisible(bool(saved))
        self.edit_choice.setVisible(bool(saved))
        lay.addLayout(row)
        self.go_button = go = QPushButton("开始编辑")
        go.clicked.connect(self._begin_chosen)
        self.start_problem = QLabel()
        self.start_problem.setStyleSheet(ERROR_STYLE)
        self.start_problem.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(go)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        lay.addWidget(self.start_problem)
        lay.addStretch(1)
        return w

    def _begin_chosen(self) -> None:
        try:
            if self.start_copy.isChecked():
                self.begin_copy(self.copy_choice.currentData())
            elif self.start_edit.isChecked():
                self.begin_saved(self.edit_choice.currentData())
            else:
                self.begin_blank()
        except ProfileError as e:
            self.start_problem.setText("这份配置无法载入：" + "；".join(
                plain_words(i.message) for i in e.issues[:3]))

    def begin_blank(self) -> None:
        self.begin(Method(), "新配置以浙江省基础配置为基础。先在“依据文件”中添加本县的评价办法等文件，"
                             "各页的“依据文件”列才能选择。")

    def begin_copy(self, ref: str) -> None:
        profile = load(ref) if ref in available() else load_bounded(ref)
        m = from_profile(profile)
        m.name = f"{m.name}（副本）"
        title = profile_title(ref) if ref in available() else profile.name
        notes = [f"这是“{title}”的副本，保存为本机的一份新配置，原配置不变。"]
        if not builds_on_base(profile):
            notes.append("所复制的配置建立在另一份配置之上：两者的县级参数已全部带入副本，副本直接以浙江省"
                         "基础配置为基础。")
        self.begin(m, "".join(notes))

    def begin_saved(self, folder: str) -> None:
        profile = load_bounded(folder)
        m = from_profile(profile)
        m.id = Path(folder).name  # saved in place
        self.begin(m, "修改本机保存的这份配置：保存后替换原文件。")

    def begin(self, method: Method, note: str) -> None:
        self.method = method
        years = method.years()
        self.year = years[-1] if years else date.today().year - 1
        self.note.setText(note)
        self._fill_basic()
        self.sources.fill()
        self.sources_changed(quiet=True)
        for lst in self.lists:
            lst.fill()
        for t in self.tables:
            t.reset()
        self._refresh()
        self.stack.setCurrentIndex(1)
        self.dirty = False
        self.validate_now()

    # ------------------------------------------------------------------ pages
    def _edit_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.setContentsMargins(0, 0, 0, 0)
        self.note = _hint("")
        lay.addWidget(self.note)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._basic_tab(), "基本信息")
        self.tabs.addTab(self._indicator_tab(), "指标与权重")
        self.tabs.addTab(self._class_tab(), "分类")
        self.groups = GroupsTable(self)
        self.adjustments = AdjustmentsTable(self)
        self.regrades = RegradesTable(self)
        self.lists: list[ListTable] = [self.groups, self.adjustments, self.regrades]
        self.tabs.addTab(self.groups, "行业组")
        self.tabs.addTab(self.adjustments, "加减分")
        self.tabs.addTab(self.regrades, "调档规则")
        self.tabs.addTab(self._other_tab(), "其他口径")
        lay.addWidget(self.tabs, 1)
        self.problem_title = QLabel()
        lay.addWidget(self.problem_title)
        self.problem_list = QListWidget()
        self.problem_list.setMaximumHeight(96)
        self.problem_list.setStyleSheet(ERROR_STYLE)
        self.problem_list.itemActivated.connect(self._go_to_problem)
        self.problem_list.itemClicked.connect(self._go_to_problem)
        lay.addWidget(self.problem_list)
        bottom = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(lambda: self.save())
        self.enable_button = QPushButton("保存并启用")
        self.enable_button.clicked.connect(lambda: self.save(enable=True))
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        for b in (self.save_button, self.enable_button, close):
            bottom.addWidget(b)
        lay.addLayout(bottom)
        return w

    def _basic_tab(self) -> QWidget:
        w = QWidget()
        self.basic = w
        lay = QVBoxLayout(w)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：温岭市工业企业亩均效益综合评价（2024 年度）")
        self.county = QLineEdit()
        self.county.setPlaceholderText("如：温岭市")
        self.version = QLineEdit()
        self.effective = QDateEdit()
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")
        self.description = QLineEdit()
        self.year_box = QSpinBox()
        self.year_box.setRange(1990, 2100)
        self.year_box.setSuffix(" 年度")
        self.years_note = QLabel()
        self.years_note.setStyleSheet("color: #5F6B7A;")
        year_row = QHBoxLayout()
        year_row.addWidget(self.year_box)
        year_row.addWidget(self.years_note, 1)
        form.addRow("名称", self.name)
        form.addRow("适用县（市、区）", self.county)
        form.addRow("版本", self.version)
        form.addRow("生效日期", self.effective)
        form.addRow("说明", self.description)
        form.addRow("编辑的数据年度", year_row)
        lay.addLayout(form)
        for edit, attr in ((self.name, "name"), (self.county, "county"),
                           (self.version, "version"), (self.description, "description")):
            edit.textChanged.connect(lambda text, attr=attr: self._meta(attr, text))
        self.effective.dateChanged.connect(
            lambda d: self._meta("effective", d.toPython()))
        self.year_box.valueChanged.connect(self._year_changed)
        lay.addWidget(QLabel("<b>依据文件</b>（各页的“依据文件”列从这里选择）"))
        self.sources = SourcesTable(self)
        lay.addWidget(self.sources, 1)
        buttons = QHBoxLayout()
        add = QPushButton("添加依据文件")
        add.clicked.connect(self.sources.add)
        remove = QPushButton("删除所选文件")
        remove.clicked.connect(self._remove_sources)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.hidden_note = _hint("")
        lay.addWidget(self.hidden_note)
        for k, words in META_WORDS.items():
            self.targets[f"profile.{k}"] = (f"基本信息 · {words}", None, -1)
        return w

    def _indicator_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(_hint(
            "勾选本组计分的指标，填权重（合计 100 分）和基准值。基准值取法：县里公布的基准值，或按参评企业"
            "计算（合计值 = 各企业分子之和 ÷ 分母之和；平均数 = 各企业指标值的平均），按参评企业计算时基准值"
            "可空着。灰色的数值来自另一数据年度（本年度沿用），修改即成为本年度的数值。"))
        self.cohort_tabs = QTabWidget()
        self.indicators: dict[str, ParamTable] = {}
        self.sums: dict[str, QLabel] = {}
        headers = ["指标", "计算方法", "计分", "权重（分）", "基准值", "单位", "基准值取法"]
        widths = [130, 250, 44, 80, 90, 100, 160]
        for cohort in COHORTS:
            page = QWidget()
            pl = QVBoxLayout(page)
            t = ParamTable(self, w, headers, widths)
            for i, d in indicators.INDICATORS.items():
                keys = tuple(f"mujun.{cohort}.{i}.{x}" for x in ("weight", "benchmark",
                                                                   "benchmark_mode"))
                r = t.add_row(i, f"指标与权重 · {SECTION_WORDS[cohort]} · {d.name}", keys)
                t.label(r, 0, d.name, d.formula)
                t.label(r, 1, d.formula, d.formula)
                t.check(r, 2, keys[0])
                t.num(r, 3, keys[0])
                t.num(r, 4, keys[1], ratio=d.unit == RATIO)
                t.label(r, 5, "%" if d.unit == RATIO else d.unit)
                t.choice(r, 6, keys[2], MODE_OPTIONS, default=indicators.FIXED)
            self.targets[f"mujun.{cohort}.*.weight"] = (
                f"指标与权重 · {SECTION_WORDS[cohort]} · 权重", t, -1)
            pl.addWidget(t, 1)
            self.sums[cohort] = QLabel()
            pl.addWidget(self.sums[cohort])
            self.indicators[cohort] = t
            self.tables.append(t)
            self.cohort_tabs.addTab(page, SECTION_WORDS[cohort])
        lay.addWidget(self.cohort_tabs, 1)
        return w

    def _class_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        shares = "、".join(f"{c} 类至前 {number_text(self.base.value(f'mujun.share_{c.lower()}'), True)}%"
                          for c in "ABC")
        lay.addWidget(_hint(
            f"排名比例：空着即沿用全省比例（{shares}，其余为 D 类）；要填就 A、B、C 三项都填，如 A 5、"
            "B 75、C 95。分类最低得分（按数据年度）：县里公布了得分线时填写，A ≥ B ≥ C；空着即按排名比例"
            "分类。"))
        self.classes = ParamTable(self, w, ["分组", "项目", "A 类", "B 类", "C 类"],
                                  [200, 190, 80, 80, 80])
        for cohort in COHORTS:
            cw = SECTION_WORDS[cohort]
            keys = tuple(f"mujun.{cohort}.share_{c}" for c in "abc")
            r = self.classes.add_row(f"{cohort}.share", f"分类 · {cw} · 排名比例", keys)
            self.classes.label(r, 0, cw)
            self.classes.label(r, 1, "排名比例上限（%）")
            for c, k in enumerate(keys, 2):
                self.classes.num(r, c, k, ratio=True)
            self.targets[f"mujun.{cohort}.share_*"] = (f"分类 · {cw} · 排名比例", self.classes, r)
            keys = tuple(f"mujun.{cohort}.cutoff_{c}" for c in "abc")
            r = self.classes.add_row(f"{cohort}.cutoff", f"分类 · {cw} · 分类最低得分", keys)
            self.classes.label(r, 0, cw)
            self.classes.label(r, 1, "分类最低得分（分）")
            for c, k in enumerate(keys, 2):
                self.classes.num(r, c, k)
            self.targets[f"mujun.{cohort}.cutoff_*"] = (f"分类 · {cw} · 分类最低得分",
                                                        self.classes, r)
        self.tables.append(self.classes)
        lay.addWidget(self.classes, 1)
        return w

    def _other_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addWidget(_hint("本县与全省口径不同的做法。选“沿用全省”即不写入本配置。后两组企业单列时，"
                            "“指标与权重”和“分类”中出现它们的表格。"))
        self.others = ParamTable(self, w, ["项目", "本县取值", "全省口径"], [260, 200, 230])
        for key, words in OTHER_ROWS:
            spec = BY_KEY[key]
            r = self.others.add_row(key, f"其他口径 · {words}", (key,))
            self.others.label(r, 0, words, spec.name)
            base = self.base.value(key)
            self.others.label(r, 2, "不设缓评" if base is None and key == "mujun.deferred_years"
                              else param_value(key, base, spec.unit))
            if spec.type is schema.T.ENUM:
                options = (("沿用全省", None), *((CODE_WORDS[key][c], c) for c in spec.choices))
                self.others.choice(r, 1, key, options)
            else:
                self.others.num(r, 1, key, integer=spec.type is schema.T.INT)
        self.tables.append(self.others)
        lay.addWidget(self.others, 1)
        return w

    # ------------------------------------------------------------------ state
    def source_combo(self) -> QComboBox:
        box = QComboBox()
        box.setMinimumContentsLength(12)
        self._fill_sources(box)
        self.source_boxes.append(box)
        return box

    def _fill_sources(self, box: QComboBox) -> None:
        keep = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(CHOOSE, "")
        for k, doc in self.method.sources.items():
            box.addItem(doc.title or "（未写标题的文件）", k)
        box.blockSignals(False)
        _combo_select(box, keep or "")

    def sources_changed(self, quiet: bool = False) -> None:
        for box in self.source_boxes:
            self._fill_sources(box)
        for t in self.tables:
            t.refresh()
        for lst in self.lists:
            e = self.method.entry(lst.key)
            _combo_select(lst.source, e.source if e else (lst.pending or ("", ""))[0])
        if not quiet:
            self.changed()

    def _remove_sources(self) -> None:
        lost = self.sources.remove()
        if lost:
            self.status.setText(f"已删除依据文件；原引用它的 {lost} 个数值须重新选择依据文件（已在下面列出）。")

    def _fill_basic(self) -> None:
        m = self.method
        self._filling = True
        for edit, text in ((self.name, m.name), (self.county, m.county), (self.version, m.version),
                           (self.description, m.description)):
            edit.setText(text)
        self._filling = False
        self.effective.blockSignals(True)
        self.effective.setDate(QDate(m.effective.year, m.effective.month, m.effective.day))
        self.effective.blockSignals(False)
        self.year_box.blockSignals(True)
        self.year_box.setValue(self.year)
        self.year_box.blockSignals(False)
        shown = set(self.targets)
        hidden = [BY_KEY[k].name for k in m.params if k not in shown]
        self.hidden_note.setText(
            f"另有 {len(hidden)} 项参数本编辑器不显示，保存时原样保留：{'、'.join(hidden)}。"
            if hidden else "")
        self._years_note()

    def _years_note(self) -> None:
        others = [y for y in self.method.years() if y != self.year]
        self.years_note.setText(
            "权重、基准值和分类得分线按数据年度填写；各页编辑的是这一年度的数值"
            + (f"，本配置另有 {'、'.join(map(str, others))} 年度的数值，保存时原样保留。"
               if others else "。"))

    def _meta(self, attr: str, value: Any) -> None:
        if self._filling:
            return
        setattr(self.method, attr, value.strip() if isinstance(value, str) else value)
        self.changed()

    def _year_changed(self, year: int) -> None:
        self.year = year
        for t in self.tables:
            t.reset()
        self._refresh()
        self.timer.start()

    def fallback_words(self, year: int | None) -> str:
        return (f"沿用 {year} 年度的数值（本年度未单独填写）" if year is not None
                else "各年度通用的数值")

    def _refresh(self) -> None:
        for t in self.tables:
            t.refresh()
        self._update_sums()
        self._update_cohorts()
        self._years_note()

    def _update_sums(self) -> None:
        for cohort, label in self.sums.items():
            total = self.weight_sum(cohort)
            if total is None:
                label.setText("本组尚未给任何指标权重：本组企业只算出指标值，不计分。")
                label.setStyleSheet("color: #5F6B7A;")
            elif abs(total - 100) > 1e-9:
                label.setText(f"权重合计 {fmt(total)} 分（应为 100 分）")
                label.setStyleSheet(ERROR_STYLE)
            else:
                label.setText(f"权重合计 {fmt(total)} 分")
                label.setStyleSheet(OK_STYLE)

    def graded(self, cohort: str) -> bool:
        """Whether the method ranks ``cohort`` (the two optional cohorts are switched on)."""
        switch = {indicators.BELOW_SMALL: ("mujun.below_scale_small", "graded"),
                  indicators.TENANT: ("mujun.tenants", "own_cohort")}.get(cohort)
        if switch is None:
            return True
        e, _ = self.method.in_force(switch[0], None)
        value = e.value if e is not None else self.base.value(switch[0])
        return value == switch[1]

    def _update_cohorts(self) -> None:
        for n, cohort in enumerate(COHORTS):
            on = self.graded(cohort)
            self.cohort_tabs.setTabVisible(n, on)
            for part in ("share", "cutoff"):
                self.classes.setRowHidden(self.classes.row[f"{cohort}.{part}"], not on)

    def changed(self, table: ParamTable | None = None) -> None:
        """Something was edited: show it, and check the method after a pause in typing."""
        if self.stack.currentIndex() != 1:
            return  # still building, or on the start page
        self.dirty = True
        if table is not None:
            table.refresh()
        self._update_sums()
        self._update_cohorts()
        self.status.setText("")
        self.timer.start()

    # ------------------------------------------------------------------ checking
    @property
    def checking(self) -> bool:
        """Whether a check of what was typed is still to come (waiting or running)."""
        return self.timer.isActive() or self._shown < self._checks

    def validate_now(self) -> list[Problem]:
        """Write the method to a temporary folder and load it: every problem, in words, with
        its row marked (here and now: before saving)."""
        self.timer.stop()
        self._checks += 1
        own, text = self._own_problems()
        self._shown = self._checks
        return self._show_checked(own, _loader_issues(text) if text is not None else [])

    def _validate_in_background(self) -> None:
        own, text = self._own_problems()
        self._checks += 1
        number = self._checks
        if text is None:
            self._background_checked(number, own, [])
            return
        threading.Thread(target=self._check_in_thread, args=(number, own, text),
                         name="mujun-editor-check", daemon=True).start()

    def _check_in_thread(self, number: int, own: list[Problem], text: str) -> None:
        issues = _loader_issues(text)
        try:
            self._loaded.emit(number, own, issues)
        except RuntimeError:  # the editor was closed meanwhile: there is nothing to show it on
            return

    def _background_checked(self, number: int, own: list[Problem], issues: list[Issue]) -> None:
        if number < self._checks or self.timer.isActive():
            return  # typed again since: a newer check is coming
        self._shown = number
        self._show_checked(own, issues)

    def _own_problems(self) -> tuple[list[Problem], str | None]:
        """What the tables themselves find, and the YAML to load (None: it cannot be written)."""
        problems: list[Problem] = []
        for t in self.tables:
            problems += t.own_problems()
        for lst in self.lists:
            problems += lst.problems
        problems += self._sum_problems()
        try:
            return problems, to_yaml(self.method)
        except WriteError as e:
            return [*problems, Problem(str(e))], None

    def _show_checked(self, own: list[Problem], issues: list[Issue]) -> list[Problem]:
        problems = own + [self._problem(i) for i in issues]
        seen: set[str] = set()
        self.problems = [p for p in problems if not (p.text in seen or seen.add(p.text))]
        self._show_problems()
        return self.problems

    def _sum_problems(self) -> list[Problem]:
        """Weights not summing to 100 in the year edited, said as the loader says it (which
        does not check a cohort while one of its rows cannot be read, e.g. lacks a source)."""
        out = []
        for cohort, t in self.indicators.items():
            total = self.weight_sum(cohort)
            if total is not None and abs(total - 100) > 1e-9:
                out.append(Problem(f"指标与权重 · {SECTION_WORDS[cohort]} · 权重：权重合计应为 100，"
                                   f"实为 {total:g}（{self.year} 年度）", t.page, t))
        return out

    def weight_sum(self, cohort: str) -> float | None:
        """The weights in force for the year edited (None when none is given)."""
        given = [e.value for e in (self.method.in_force(f"mujun.{cohort}.{i}.weight", self.year)[0]
                                   for i in indicators.INDICATORS)
                 if e is not None and e.value is not None]
        return sum(given) if given else None

    def _problem(self, issue: Issue) -> Problem:
        msg = plain_words(issue.message)
        if issue.key.startswith("sources."):
            key = issue.key.split(".")[1]
            r = self.sources.keys.index(key) if key in self.sources.keys else -1
            title = self.method.sources[key].title if key in self.method.sources else ""
            where = f"“{title}”" if title else f"第 {r + 1} 行"
            return Problem(f"基本信息 · 依据文件{where}：{msg}", self.basic, self.sources, r)
        parts = issue.key.split(".")
        for n in range(len(parts), 0, -1):
            hit = self.targets.get(".".join(parts[:n]))
            if hit is None:
                continue
            where, table, row = hit
            if isinstance(table, QTableWidget) and row < 0:
                m = _ITEM.match(issue.message)
                lst = next((x for x in self.lists if x.table is table), None)
                if m and lst is not None:  # an item of a list: its own row
                    n = int(m.group(1)) - 1
                    row = lst.item_rows[n] if n < len(lst.item_rows) else -1
                    where = f"{where} · 第 {row + 1} 行"
                    msg = plain_words(issue.message[m.end():].lstrip("：:"))
            page = table.page if isinstance(table, ParamTable) else (
                next((lst for lst in self.lists if lst.table is table), None)
                if table is not None else self.basic)
            return Problem(f"{where}：{msg}", page, table, row)
        spec = BY_KEY.get(".".join(parts[:4])) or BY_KEY.get(".".join(parts[:3])) or \
            BY_KEY.get(".".join(parts[:2]))
        return Problem(f"{spec.name if spec else '配置文件'}：{msg}")

    def _show_problems(self) -> None:
        self.problem_list.clear()
        marks: dict[Any, dict[int, list[str]]] = {}
        for p in self.problems:
            item = QListWidgetItem(p.text)
            item.setData(Qt.ItemDataRole.UserRole, self.problems.index(p))
            self.problem_list.addItem(item)
            if p.table is not None and p.row >= 0:
                marks.setdefault(id(p.table), {}).setdefault(p.row, []).append(
                    p.text.split("：", 1)[-1])
        for t in self.tables:
            t.mark(marks.get(id(t), {}))
        for lst in self.lists:
            lst.mark(marks.get(id(lst.table), {}))
        n = len(self.problems)
        self.problem_title.setText(f"<b style='color:#B42318'>{n} 处问题</b>（改正后才能保存；点一条可跳到"
                                   "所在的表格行）" if n else "<span style='color:#067647'>检查通过：可以保存"
                                                          "</span>")
        self.problem_list.setVisible(bool(n))

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        p = self.problems[item.data(Qt.ItemDataRole.UserRole)]
        if p.page is not None and self.tabs.indexOf(p.page) >= 0:
            self.tabs.setCurrentIndex(self.tabs.indexOf(p.page))
        if isinstance(p.table, ParamTable):
            for cohort, t in self.indicators.items():
                if t is p.table:
                    self.cohort_tabs.setCurrentIndex(COHORTS.index(cohort))
        if p.table is not None and p.row >= 0:
            p.table.selectRow(p.row)
            p.table.scrollToItem(p.table.item(p.row, 0))

    # ------------------------------------------------------------------ saving
    def save(self, enable: bool = False) -> Profile | None:
        """Save to the data folder (refused while a problem is listed); with ``enable`` (or
        when the profile edited is the one in use) switch the application to it."""
        if self.validate_now():
            self.status.setText(f"有 {len(self.problems)} 处问题，未保存：请先改正下面列出的问题。")
            self.status.setStyleSheet(ERROR_STYLE)
            return None
        try:
            profile = save_method(self.method, paths.profiles_dir())
        except WriteError as e:
            self.status.setText(f"未保存：{e}")
            self.status.setStyleSheet(ERROR_STYLE)
            return None
        except ProfileError as e:
            self.status.setText("未保存：" + "；".join(plain_words(i.message) for i in e.issues[:3]))
            self.status.setStyleSheet(ERROR_STYLE)
            return None
        except OSError as e:
            self.status.setText(f"未保存：无法写入数据文件夹（{e.strerror or e}）")
            self.status.setStyleSheet(ERROR_STYLE)
            return None
        self.dirty = False
        in_use = self.ctx.profile.ref == profile.ref
        if enable or in_use:
            self.ctx.set_profile(profile)
        self.saved.emit(profile)
        said = f"已保存“{profile.name}”"
        if enable:
            said += "，并已启用：之后的评价按此配置（已导入的企业请在“结果一览”点“按当前配置重新评估本年度”）"
        elif in_use:
            said += "；这是正在使用的配置，已按修改后的内容重新载入"
        else:
            said += "；可在“规则与依据”的配置列表中选用"
        self.status.setText(said + "。")
        self.status.setStyleSheet(OK_STYLE)
        return profile

    def reject(self) -> None:
        if self.dirty and self.stack.currentIndex() == 1 and not self._ask(
                "放弃修改", "有尚未保存的修改，关闭后将丢失。仍要关闭吗？"):
            return
        super().reject()

    def _question(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

"""加减分与调档: what a park manager enters for one firm under the active county method — the
profile's 加减分 items that the park enters (each between its bounds, with a reason), and a
manual regrade (a class and a reason). Every entry says why, who and when; an entry can be
cleared. The dialog only collects and checks: the page stores the entries and ranks the year
again (a 加减分 moves the firm's score, and so everybody's rank)."""

from __future__ import annotations

import getpass
import math
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from forms.store import REGRADE
from rules.assessments.mujun import COHORT_LABELS, Entry, Manual
from rules.engine import fmt
from rules.profile import Profile
from rules.wording import ADJUSTMENT_WORDS, regrade_words, signed

NO_REGRADE = "不调档"
MUTED = "color: #5F6B7A;"
ERROR = "color: #B42318;"


def user_name(given: str = "") -> str:
    """Who enters: the name the settings give, else the operating system's user name."""
    if given.strip():
        return given.strip()
    try:
        return getpass.getuser() or "未署名"
    except (OSError, KeyError):  # no user name in the environment
        return "未署名"


def parse_points(text: str) -> float | None:
    """A number as a person types it (full-width digits, − or －), or None."""
    t = unicodedata.normalize("NFKC", text).strip().replace("−", "-").replace(" ", "")
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def entry_words(e: Entry, unit: str = "") -> str:
    return f"{fmt(e.value)}{unit}：{e.reason}（{e.by}，{e.at}）"


@dataclass
class ItemRow:
    """One manual 加减分 item of the profile, with its widgets."""

    item: dict[str, Any]
    value: QLineEdit
    reason: QLineEdit
    clear: QCheckBox
    applies: bool

    @property
    def unit(self) -> str:
        return "分" if self.item["kind"] == "points" else "%"

    def bounds(self) -> tuple[float, float]:
        return float(self.item["min"]), float(self.item["max"])


class ManualEntryDialog(QDialog):
    """The entries of one firm (``code``, ``year``) under ``profile``: ``mujun`` is its stored
    亩均 summary (current score and classes), ``manual`` what is entered already. ``changes``
    gives (item, value or None to clear, reason) once accepted; ``who`` is the one entering."""

    def __init__(self, profile: Profile, name: str, code: str, year: int,
                 mujun: dict[str, Any] | None, manual: Manual | None, who: str = "",
                 parent: QWidget | None = None, as_of: date | None = None):
        super().__init__(parent)
        self.setWindowTitle("加减分与调档")
        self.profile, self.code, self.year = profile, code, year
        self.mujun = mujun or {}
        self.manual = manual or Manual()
        self.who = user_name(who)
        self._changes: list[tuple[str, Any, str]] = []
        lay = QVBoxLayout(self)
        head = QLabel(f"{name}（{code}）· {year} 年度 · {profile.name}")
        head.setStyleSheet("font-weight: bold;")
        head.setWordWrap(True)
        lay.addWidget(head)
        self.current = QLabel(self._current_words())
        self.current.setWordWrap(True)
        lay.addWidget(self.current)
        items = [i for i in profile.value("mujun.adjustments", as_of) or []
                 if i.get("input") == "manual"]
        self.rows: list[ItemRow] = []
        lay.addWidget(self._items_box(items))
        lay.addWidget(self._regrade_box())
        self.errors = QLabel("")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet(ERROR)
        self.errors.setVisible(False)
        lay.addWidget(self.errors)
        who_line = QLabel(f"录入人：{self.who}；录入时间在保存时记下。每项录入都须写明理由，"
                          "保存后本年度全部企业按当前配置重新评估（加减分会改变排名）。")
        who_line.setWordWrap(True)
        who_line.setStyleSheet(MUTED)
        lay.addWidget(who_line)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("保存并重新评估")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(900, self.sizeHint().height())

    # -- the parts
    def _current_words(self) -> str:
        m = self.mujun
        if not m:
            return "本企业在当前配置下还没有评估结果。"
        if m.get("score") is None:
            return f"当前：{m.get('reason') or '未计分'}。"
        parts = [f"当前综合得分 {m['score']:.2f} 分"]
        adjust = m.get("adjustments") or []
        if adjust and m.get("indicator_points") is not None:
            total = sum(a["points"] or 0.0 for a in adjust)
            parts[0] += f"（指标合计 {m['indicator_points']:.2f} 分，加减分 {signed(total)} 分）"
        if m.get("class"):
            parts.append(f"分类 {m['class']} 类" + (f"（{regrade_words(m)}）" if m.get("regrade")
                                                  else ""))
        return "；".join(parts) + "。"

    def _items_box(self, items: list[dict[str, Any]]) -> QGroupBox:
        box = QGroupBox("园区录入的加减分")
        grid = QGridLayout(box)
        if not items:
            none = QLabel("本配置没有由园区录入的加减分项目（按数量或按是/否计的加减分由企业数据算出，"
                          "在企业数据中修改）。")
            none.setWordWrap(True)
            none.setStyleSheet(MUTED)
            grid.addWidget(none, 0, 0)
        else:
            for c, h in enumerate(("项目", "允许范围", "已录入", "分值", "理由（必填）", "")):
                label = QLabel(h)
                label.setStyleSheet("font-weight: bold;")
                grid.addWidget(label, 0, c)
        cohort = self.mujun.get("cohort")
        for r, item in enumerate(items, start=1):
            applies = not item.get("cohorts") or cohort in item["cohorts"]
            unit = ADJUSTMENT_WORDS[item["kind"]]
            name = QLabel(item["name"])
            name.setWordWrap(True)
            name.setToolTip(item.get("clause") or "")
            grid.addWidget(name, r, 0)
            grid.addWidget(QLabel(f"{fmt(item['min'])} 至 {fmt(item['max'])} {unit}"), r, 1)
            got = self.manual.adjust.get(item["id"])
            shown = entry_words(got, " " + ("分" if item["kind"] == "points" else "%")) if got \
                else "未录入（按 0 计）"
            if not applies:
                shown = (f"不适用于{COHORT_LABELS.get(cohort, '本企业所在分组')}"
                         + (f"；{shown}" if got else ""))
            done = QLabel(shown)
            done.setWordWrap(True)
            done.setStyleSheet(MUTED)
            grid.addWidget(done, r, 2)
            value = QLineEdit()
            value.setPlaceholderText("如 -5")
            value.setMaximumWidth(80)
            reason = QLineEdit()
            reason.setPlaceholderText("依据，如：2025 年发生一般安全事故 1 起")
            clear = QCheckBox("清除已录入")
            clear.setVisible(got is not None)
            for w in (value, reason):
                w.setEnabled(applies)
            grid.addWidget(value, r, 3)
            grid.addWidget(reason, r, 4)
            grid.addWidget(clear, r, 5)
            self.rows.append(ItemRow(item, value, reason, clear, applies))
        known = {i["id"] for i in items}
        orphans = [e for k, e in self.manual.adjust.items() if k not in known]
        if orphans:  # entered under an earlier version of the profile: said, never dropped
            gone = QLabel("另有 " + str(len(orphans)) + " 项录入的加减分本配置已没有，不计分："
                          + "；".join(entry_words(e) for e in orphans))
            gone.setWordWrap(True)
            gone.setStyleSheet(ERROR)
            grid.addWidget(gone, len(items) + 1, 0, 1, 6)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(2, 3)
        grid.setColumnStretch(4, 3)
        return box

    def _regrade_box(self) -> QGroupBox:
        box = QGroupBox("人工调档")
        grid = QGridLayout(box)
        names = self.profile.value("mujun.class_names") or {}
        got = self.manual.regrade
        initial = self.mujun.get("initial_class")
        done = QLabel(f"已人工调为 {entry_words(got, ' 类')}" if got else "未人工调档")
        done.setWordWrap(True)
        done.setStyleSheet(MUTED)
        grid.addWidget(done, 0, 0, 1, 3)
        self.klass = QComboBox()
        self.klass.addItem(NO_REGRADE, None)
        for c in "ABCD":
            self.klass.addItem(f"{c} 类" + (f"（{names[c]}）" if c in names else ""), c)
        self.regrade_reason = QLineEdit()
        self.regrade_reason.setPlaceholderText("调档理由（必填），如：经园区会议研究，企业已完成技术改造")
        self.clear_regrade = QCheckBox("清除人工调档")
        self.clear_regrade.setVisible(got is not None)
        grid.addWidget(QLabel("调为"), 1, 0)
        grid.addWidget(self.klass, 1, 1)
        grid.addWidget(self.regrade_reason, 1, 2)
        grid.addWidget(self.clear_regrade, 1, 3)
        grid.setColumnStretch(2, 1)
        if not initial:
            why = QLabel("本企业没有初评等级（" + (self.mujun.get("reason") or "未分类")
                         + "），不能调档。")
            why.setWordWrap(True)
            why.setStyleSheet(MUTED)
            grid.addWidget(why, 2, 0, 1, 4)
            for w in (self.klass, self.regrade_reason):
                w.setEnabled(False)
        else:
            note = QLabel(f"初评等级 {initial} 类；人工调档优先于本县调档规则。")
            note.setStyleSheet(MUTED)
            grid.addWidget(note, 2, 0, 1, 4)
        return box

    # -- checking
    def problems(self) -> list[str]:
        """What stops saving, in words; fills ``changes`` when there is nothing."""
        out: list[str] = []
        changes: list[tuple[str, Any, str]] = []
        for row in self.rows:
            name = row.item["name"]
            if row.clear.isChecked():
                changes.append((row.item["id"], None, ""))
                continue
            text = row.value.text()
            if not text.strip():
                if row.reason.text().strip():
                    out.append(f"“{name}”写了理由，但没有填分值")
                continue
            v = parse_points(text)
            low, high = row.bounds()
            if v is None:
                out.append(f"“{name}”的分值“{text.strip()}”不是数字")
                continue
            if not low <= v <= high:
                out.append(f"“{name}”的分值应在 {fmt(low)} 至 {fmt(high)} {row.unit}之间"
                           f"（{row.item.get('clause') or '本县办法'}），填的是 {fmt(v)}")
                continue
            if not row.reason.text().strip():
                out.append(f"“{name}”请写明理由")
                continue
            changes.append((row.item["id"], v, row.reason.text().strip()))
        if self.clear_regrade.isChecked():
            changes.append((REGRADE, None, ""))
        elif self.klass.currentData() is not None:
            if not self.regrade_reason.text().strip():
                out.append("人工调档请写明理由")
            else:
                changes.append((REGRADE, self.klass.currentData(),
                                self.regrade_reason.text().strip()))
        elif self.regrade_reason.text().strip():
            out.append("写了调档理由，但没有选择调为哪一类")
        if not out and not changes:
            out.append("没有要保存的录入：请填写分值和理由，或选择调档等级，或勾选清除")
        self._changes = [] if out else changes
        return out

    def changes(self) -> list[tuple[str, Any, str]]:
        """(加减分 item id or ``forms.store.REGRADE``, value or None to clear, reason)."""
        return list(self._changes)

    def accept(self) -> None:
        problems = self.problems()
        self.errors.setText("请改正：" + "；".join(problems) + "。" if problems else "")
        self.errors.setVisible(bool(problems))
        if not problems:
            super().accept()

    def keyPressEvent(self, event: Any) -> None:
        # Enter in a field must not save half an entry
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.ignore()
            return
        super().keyPressEvent(event)

"""企业自评: a firm fills in its form, assesses, saves, and prints its report.

The form's state is autosaved as a draft (``drafts/form.json``) a moment after every change,
so that a crash or a closed window loses nothing; the draft is restored when the page opens.

A result shown is always the form's: an edit greys it at once with a banner that stays until
the next 评估, and 预览 / 打印 / 导出PDF assess the form again first. 新建, 打开 and fixing a rejected
row clear the result, and ask before discarding edits that were not saved.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import dialogs, paths
from desktop.context import AppContext
from desktop.operations import ProgressPanel
from desktop.widgets.firm_form import FirmForm
from desktop.widgets.outcome import OutcomeLine
from desktop.widgets.result_panel import ResultPanel
from forms.firm import assess_firm, check_form, save_firm
from rules.assess import EnterpriseResult

log = logging.getLogger("mujun.selfcheck")


def draft_path() -> Path:
    return paths.drafts_dir() / "form.json"


class OpenFirmDialog(QDialog):
    """Pick a stored firm and year, searching by name or credit code."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("打开企业")
        self.resize(560, 480)
        lay = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入企业名称或信用代码的一部分")
        self.list = QListWidget()
        lay.addWidget(self.search)
        lay.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.search.textChanged.connect(self.refresh)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for code, name, year in self.ctx.store.firms(self.search.text().strip()):
            item = QListWidgetItem(f"{name}  {code}  {year} 年度")
            item.setData(Qt.ItemDataRole.UserRole, (code, year))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def chosen(self) -> tuple[str, int] | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)


class SelfCheckPage(QWidget):
    title = "企业自评"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result: EnterpriseResult | None = None
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot, keys in (
                ("new", "新建", self.new, ["Ctrl+N"]),
                ("open", "打开企业……", self.open_dialog, ["Ctrl+O"]),
                ("assess", "评估", self.assess, ["F5", "Ctrl+Return"]),
                ("save", "保存", self.save, ["Ctrl+S"]),
                ("preview", "预览", self.preview, []),
                ("print", "打印……", self.print, ["Ctrl+P"]),
                ("pdf", "导出PDF……", self.export_pdf, ["Ctrl+E"])):
            b = QPushButton(text)
            b.clicked.connect(slot)
            if keys:
                b.setToolTip(f"快捷键：{' 或 '.join(keys)}")
            for k in keys:  # while this page is shown, wherever the focus is on it
                sc = QShortcut(QKeySequence(k), self)
                sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                sc.activated.connect(slot)
            self.buttons[key] = b
            bar.addWidget(b)
            if key in ("open", "save"):
                bar.addSpacing(16)
        self.buttons["assess"].setDefault(True)
        self.buttons["assess"].setStyleSheet("font-weight: bold;")
        bar.addStretch(1)
        self.draft_label = QLabel()
        self.draft_label.setStyleSheet("color: #5F6B7A;")
        bar.addWidget(self.draft_label)
        lay.addLayout(bar)
        self.progress = ProgressPanel(self)
        lay.addWidget(self.progress)
        self.outcome = OutcomeLine(self)
        lay.addWidget(self.outcome)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.form = FirmForm(profile=ctx.profile)
        ctx.profile_changed.connect(lambda: self.form.set_profile(ctx.profile, ctx.as_of))
        self.panel = ResultPanel()
        self.panel.citation_clicked.connect(lambda key: ctx.navigate.emit("rules", key))
        self.panel.action_requested.connect(self._card_action)
        split.addWidget(self.form)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 7)
        split.setSizes([480, 840])
        split.setChildrenCollapsible(False)
        lay.addWidget(split, 1)
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(600)
        self.autosave.timeout.connect(self.save_draft)
        self.form.changed.connect(self._form_changed)
        for ed in self.form.editors.values():  # Enter in a field assesses, as F5 does
            if ed.edit is not None:
                ed.edit.returnPressed.connect(self.assess)
        self.clean: tuple[dict, list] = self._state()  # the form as last saved, opened or new
        self.restore_draft()

    # -- drafts
    def _state(self) -> tuple[dict, list]:
        return ({k: v for k, v in self.form.raw().items() if v not in (None, "")},
                [r for r in self.form.project_rows() if any(v not in (None, "") for v in r.values())])

    @property
    def dirty(self) -> bool:
        """The form holds edits that are not in the database (nor just opened from it)."""
        return self._state() != self.clean

    def _form_changed(self) -> None:
        self.autosave.start()
        if self.result is not None:
            self.panel.set_stale(True)

    def _ask(self, title: str, text: str) -> bool:
        """Yes/no from the user (tests replace this)."""
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def may_discard(self, what: str) -> bool:
        """True when the form's unsaved edits may go: there are none, or the user agrees."""
        if not self.dirty:
            return True
        name = self.form.raw().get("name") or "（未填企业名称）"
        return self._ask(what, f"表格里“{name}”有尚未保存到数据库的修改。{what}会放弃这些修改，"
                               "确定吗？\n\n（不想放弃：选“否”，再点“保存”。）")

    def _card_action(self, action: str) -> None:
        if action == "load_profile":
            self.ctx.navigate.emit("rules", "choose_file")
        elif action == "import":
            self.ctx.navigate.emit("import", "choose")

    def save_draft(self) -> Path | None:
        """Write the form to ``drafts/form.json``; ``None`` (and a note under the form) when the
        data folder cannot be written."""
        self.autosave.stop()
        path = draft_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"values": self.form.raw(),
                                       "projects": self.form.project_rows()},
                                      ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        except OSError as e:
            log.error("草稿无法保存到 %s：%s", path, e)
            self.draft_label.setText(f"草稿无法保存：{e.strerror or e}")
            return None
        self.draft_label.setText("草稿已自动保存")
        return path

    def restore_draft(self) -> bool:
        try:
            data = json.loads(draft_path().read_text(encoding="utf-8"))
            values, projects = dict(data["values"]), list(data.get("projects", []))
        except (OSError, ValueError, KeyError, TypeError):
            return False
        self.form.set_raw(values, projects)
        self.autosave.stop()
        self.draft_label.setText("已恢复上次未完成的填报")
        return True

    # -- actions
    def new(self) -> bool:
        if not self.may_discard("新建"):
            return False
        self.form.set_raw({}, [])
        self.result = None
        self.clean = self._state()
        self.save_draft()
        self.panel.clear("新的填报。必填项标有 *，未知的数据请留空（不要填 0）。")
        return True

    def open_dialog(self) -> None:
        if not self.may_discard("打开另一家企业"):
            return
        dlg = OpenFirmDialog(self.ctx, self)
        if dlg.exec() == QDialog.DialogCode.Accepted and dlg.chosen():
            self.open_firm(*dlg.chosen(), asked=True)  # type: ignore[misc]

    def open_firm(self, credit_code: str, year: int, asked: bool = False) -> bool:
        rec = self.ctx.store.record(credit_code, year)
        if rec is None:
            self.panel.show_message(f"数据库中没有 {credit_code} 的 {year} 年度数据", error=True)
            return False
        if not asked and not self.may_discard("打开另一家企业"):
            return False
        self.form.set_record(rec)
        self.clean = self._state()
        self.panel.clear()
        self.save_draft()
        self.assess()
        return True

    def load_raw(self, values: dict[str, Any], note: str = "") -> bool:
        """Fill the form with raw values (a rejected import row to fix) and show what to fix."""
        if not self.may_discard("改正导入被拒的行"):
            return False
        self.form.set_raw(values, [])
        self.result = None
        self.clean = ({}, [])  # not in the database: everything in it is unsaved
        self.panel.clear()
        self.save_draft()
        check = check_form(self.form.raw(), [])
        self.form.show_errors({i.field: i.message for i in check.firm.errors})
        self.panel.show_message(note or "请改正标红的字段后点“评估”“保存”。", error=True)
        return True

    def _checked(self):
        check = check_form(self.form.raw(), self.form.project_rows())
        if not check.ok:
            self.form.show_errors({i.field: i.message for i in check.firm.errors})
            errors = check.errors()
            self.panel.show_message("请先改正以下问题：\n" + "\n".join(f"· {e}" for e in errors[:12])
                                    + ("\n……" if len(errors) > 12 else ""), error=True)
            return None
        return check

    def assess(self) -> EnterpriseResult | None:
        check = self._checked()
        if check is None:
            self.result = None
            self.panel.set_stale(False)  # the cards stay grey under the list of problems
            for c in self.panel.cards.values():
                c.set_stale(True)
            return None
        rec = check.record()
        self.result = assess_firm(rec, self.ctx.profile, self.ctx.as_of, self.ctx.store)
        self.panel.show_result(self.result)
        self._show_history()
        self.draft_label.setText("")
        return self.result

    def _show_history(self) -> None:
        r = self.result
        if r is None:
            return
        rows = [x for x in self.ctx.store.firm_results(r.record.credit_code, self.ctx.profile.id)
                if x["year"] != r.record.year]
        rows.append({"year": r.record.year, "score": r.mujun["score"], "class": r.mujun["class"],
                     "status": r.mujun["status"]})
        self.panel.show_history(sorted(rows, key=lambda x: x["year"]))

    def save(self) -> None:
        check = self._checked()
        if check is None:
            return
        rec = check.record()
        committed, self.result = save_firm(self.ctx.store, rec, self.ctx.profile, self.ctx.as_of)
        self.clean = self._state()
        self.panel.show_result(self.result)
        self._show_history()
        what = ("更新（旧数据已存入历史）" if committed.replaced
                else "与数据库中的数据相同（未变）" if committed.unchanged else "新增")
        self.draft_label.setText(f"已保存到数据库：{rec.name} {rec.year} 年度，{what}")
        self.ctx.data_changed.emit()

    def _report(self, path: Path, then) -> None:
        # always the form's figures: assessed again now, whatever was shown before
        result = self.assess()
        if result is None:
            return

        def work(progress):
            from desktop.reports.firm import write_firm_report
            from desktop.reports.layout import glyph_warning

            progress(0, 1, "生成 PDF 报告")
            out = write_firm_report(result, path)
            progress(1, 1, "生成 PDF 报告")
            return out, glyph_warning()

        def done(made: tuple[Path, str]) -> None:
            out, warning = made
            if warning:  # said where the user looks, with the document
                self.panel.show_message(f"{self.panel.message.text()}\n※ PDF：{warning}")
            then(out)

        self.progress.run(work, "生成 PDF 报告", on_success=done)

    def _temp_pdf(self) -> Path:
        """A fresh file for a preview or a print, in the data folder (never beside the program)."""
        folder = paths.home() / "previews"
        folder.mkdir(parents=True, exist_ok=True)
        for old in sorted(folder.glob("report-*.pdf"))[:-20]:  # keep the folder small
            old.unlink(missing_ok=True)
        return folder / f"report-{datetime.now():%Y%m%d-%H%M%S-%f}.pdf"

    def preview(self) -> None:
        from desktop.widgets.pdf_preview import PdfPreview

        def show(path: Path) -> None:
            self.preview_dialog = PdfPreview(path, f"{self.result.record.name} 自评报告", self)  # type: ignore[union-attr]
            self.preview_dialog.open()

        self._report(self._temp_pdf(), show)

    def print(self) -> None:
        from desktop.widgets.pdf_preview import print_pdf

        self._report(self._temp_pdf(), lambda path: print_pdf(path, self))

    def export_pdf(self) -> None:
        result = self.assess()
        if result is None:
            return
        rec = result.record
        out = dialogs.save_file(self, "导出 PDF 报告", f"{rec.name}_{rec.year}_亩均自评报告.pdf",
                                "PDF 文件 (*.pdf)", dialogs.REPORTS)
        if out:
            self.export_to(out)

    def export_to(self, path: Path) -> None:
        self._report(path, lambda p: self.outcome.show_file("已导出 PDF 报告", p))

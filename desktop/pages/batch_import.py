"""批量导入: choose or drop a park's sheet, check it in the background, read the import report
(every sheet and column, SPEC §7.1) and every rejected cell, re-map columns (remembered per
header layout), commit — confirming renames of stored firms first — export the error report,
the results workbook and the PDF batch — each in the background with progress and cancel — and
undo the import if it was the wrong file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import settings as user_settings
from desktop.context import AppContext
from desktop.models import ErrorsModel
from desktop.operations import Operation, ProgressPanel, user_message
from desktop.widgets.column_map import ColumnMapDialog
from desktop.widgets.import_report import RenameDialog, ReportView
from forms.headers import FIELDS, MAPPED
from forms.importer import ImportResult, Row
from forms.pipeline import Outcome, RenameConflict

# what the command line reads too (the content decides the format, SPEC §7.1)
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt")
FILTER = ("表格文件 (" + " ".join(f"*{s}" for s in SUFFIXES) + ");;所有文件 (*)")
REMEMBERED = "已按上次为此表头保存的列对应读取（可调整）"
CHOSEN = "已按您指定的列对应读取（可在“调整列对应……”中修改或忘记）"
Mapping = dict[str, dict[int, "str | None"]]


def why_not_a_table(path: Path) -> str | None:
    """Why ``path`` is not offered to the import (``None``: it is). A ``.txt`` is as often a
    note as an exported table: it must hold tab- or comma-separated lines."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return f"“{path.name}”不是表格文件（支持 {'、'.join(SUFFIXES)}）。"
    if suffix != ".txt":
        return None
    from forms.excel.formats import sniff

    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
    except FileNotFoundError:
        return f"“{path.name}”不是表格文件：找不到这个文件。"
    except OSError as e:
        return f"“{path.name}”不是表格文件：无法读取（{e.strerror or e}）。"
    kind = sniff(head)
    delimited = sum(1 for line in head.splitlines()[:50] if b"\t" in line or b"," in line)
    if kind == "unknown" or (kind == "text" and delimited < 2):
        return f"“{path.name}”不是表格文件：没有用制表符或逗号分隔的列。"
    return None


class ImportPage(QWidget):
    title = "批量导入"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.imported: ImportResult | None = None
        self.outcome: Outcome | None = None
        self.then_show: str | None = None  # the page to show once an automatic commit is done
        # the user's column choices for this file (sheet → column → field id or None), and
        # the sheets whose choices came from the ones remembered for their header layout
        self.mapping: Mapping = {}
        self.remembered: set[str] = set()
        # what to go back to if a re-check fails or is cancelled
        self._fallback: dict[str, Any] | None = None
        self.map_dialog: ColumnMapDialog | None = None
        self.rename_dialog: RenameDialog | None = None
        self.setAcceptDrops(True)
        lay = QVBoxLayout(self)
        drop = QFrame()
        drop.setObjectName("drop")
        drop.setStyleSheet("#drop { border: 2px dashed #9AA5B1; border-radius: 8px; "
                           "background: #F7F9FC; }")
        dl = QHBoxLayout(drop)
        self.file_label = QLabel("把园区的企业数据表格（.xlsx / .xls / .et / .ods / .csv）拖到这里，"
                                 "或点“选择文件”。"
                                 "表头可在前 15 行内，列的顺序和单位写法不限。")
        self.file_label.setWordWrap(True)
        choose = QPushButton("选择文件……")
        choose.clicked.connect(self.choose)
        template = QPushButton("下载导入模板……")
        template.clicked.connect(self.save_template)
        dl.addWidget(self.file_label, 1)
        dl.addWidget(choose)
        dl.addWidget(template)
        lay.addWidget(drop)
        self.progress = ProgressPanel(self)
        lay.addWidget(self.progress)
        self.summary = QLabel("尚未选择文件。")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.summary)
        tools = QHBoxLayout()
        self.remap_button = QPushButton("调整列对应……")
        self.remap_button.setToolTip("查看并修改每一列对应的数据项，确定后重新检查（尚不导入）")
        self.remap_button.clicked.connect(lambda: self.remap())
        self.hidden_box = QCheckBox("导入隐藏的工作表")
        self.hidden_box.setToolTip("默认不读取隐藏的工作表（常是往年数据）；勾选后重新检查")
        self.hidden_box.toggled.connect(self._hidden_toggled)
        tools.addWidget(self.remap_button)
        tools.addWidget(self.hidden_box)
        tools.addStretch(1)
        lay.addLayout(tools)
        self.tabs = QTabWidget()
        self.report = ReportView()
        self.tabs.addTab(self.report, "导入报告")
        self.errors = ErrorsModel(self)
        self.table = QTableView()
        self.table.setModel(self.errors)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        h = self.table.horizontalHeader()
        for c, w in enumerate((140, 60, 220)):
            self.table.setColumnWidth(c, w)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.fix_row)
        rejected = QWidget()
        rl = QVBoxLayout(rejected)
        rl.setContentsMargins(4, 4, 4, 4)
        hint = QLabel("双击一行，在“企业自评”中改正这家企业后保存：")
        hint.setStyleSheet("color: #5F6B7A;")
        rl.addWidget(hint)
        rl.addWidget(self.table, 1)
        self.tabs.addTab(rejected, "被拒绝的单元格")
        lay.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("commit", "导入有效数据并评估", lambda: self.commit()),
                                ("errors", "导出错误报告……", self.export_errors),
                                ("results", "导出结果工作簿……", self.export_results),
                                ("pdfs", "生成 PDF 报告……", self.export_pdfs),
                                ("undo", "撤销本次导入", self.confirm_undo)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            row.addWidget(b)
        self.buttons["commit"].setStyleSheet("font-weight: bold;")
        row.addStretch(1)
        lay.addLayout(row)
        self._update_buttons()

    # -- choosing a file
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].isLocalFile():
            self.open_file(Path(urls[0].toLocalFile()))

    def choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "选择企业数据表格", str(Path.home()), FILTER)
        if name:
            self.open_file(Path(name))

    def save_template(self) -> None:
        from forms.excel.template import write_template

        name, _ = QFileDialog.getSaveFileName(self, "保存导入模板",
                                              str(Path.home() / "亩均自评导入模板.xlsx"),
                                              "Excel 工作簿 (*.xlsx)")
        if name:
            self.progress.run(lambda p: write_template(Path(name)), "生成导入模板",
                              on_success=lambda out: self.summary.setText(f"已保存模板：{out}"))

    def show_payload(self, payload: Any) -> None:
        """What another page asked for: a file to check and import in one go (the sample
        park), ``"choose"`` (the file chooser), or ``("undo", batch)``."""
        if isinstance(payload, Path):
            self.open_file(payload, then_show="results")
        elif payload == "choose":
            self.choose()
        elif isinstance(payload, tuple) and payload[0] == "undo":
            self.undo_batch(payload[1])

    def open_file(self, path: Path, then_show: str | None = None) -> Operation | None:
        """Start the dry run of ``path`` in the background; with ``then_show``, commit what is
        valid right after it and then show that page."""
        if self.progress.busy:
            return None
        self.then_show = then_show
        self.path = path
        self.imported = self.outcome = None
        self.mapping, self.remembered, self._fallback = {}, set(), None
        self.errors.set_rows([])
        self.report.clear()
        self._tab_titles(None)
        self.file_label.setText(f"文件：{path}")
        why = why_not_a_table(path)
        if why is not None:
            self.summary.setText(why)
            self._update_buttons()
            return None
        self.summary.setText("正在检查……")
        return self._check()

    def _check(self) -> Operation:
        """The dry run of ``self.path`` with the current column choices and hidden-sheet box."""
        from forms.importer import dry_run

        path, ctx = self.path, self.ctx
        assert path is not None
        kw: dict[str, Any] = {}
        if self.mapping:
            kw["mapping"] = {k: dict(v) for k, v in self.mapping.items()}
        if self.hidden_box.isChecked():
            kw["include_hidden_sheets"] = True
        stored = ctx.store.count() > 0  # project rows may belong to firms stored before

        def work(progress):
            if not stored:
                return dry_run(path, progress, **kw)
            with ctx.worker_store() as store:
                return dry_run(path, progress, stored=store.stored_keys, **kw)

        op = self.progress.run(work, "检查表格", on_success=self._checked,
                               on_finished=self._finished)
        self._update_buttons()
        return op

    def _recheck(self, message: str) -> Operation | None:
        """Check the same file again (new column choices, hidden sheets); if that fails or is
        cancelled, the previous result stays."""
        if self.path is None or self.progress.busy:
            return None
        why = why_not_a_table(self.path)
        if why is not None:
            self.summary.setText(why)
            return None
        if self.imported is not None and self._fallback is None:
            self._fallback = self._state()
        self.summary.setText(message)
        return self._check()

    def _finished(self, op: Operation) -> None:
        if op.cancelled or op.error is not None:
            self.then_show = None
        if (op.cancelled or op.error is not None) and self._fallback is not None:
            imp = self._restore(self._fallback)
            self._fallback = None
            why = "已取消" if op.cancelled else f"无法按新的设置读取：{user_message(op.error)}"
            self.summary.setText(f"{why}\n仍显示之前的检查结果。{imp.summary()}。")
        elif op.cancelled:
            self.summary.setText("已取消。")
        elif op.error is not None:
            self.summary.setText(f"无法导入：{user_message(op.error)}")
        self._update_buttons()

    def _checked(self, imp: ImportResult) -> None:
        auto = self._remembered_for(imp)
        if auto:  # read again with the choices remembered for these headers
            if self._fallback is None:
                self._fallback = {**self._state(), "imported": imp, "outcome": None}
            self.mapping.update(auto)
            self.remembered |= set(auto)
            self.summary.setText("正在按上次为此表头保存的列对应重新读取……")
            self._check()
            return
        self._fallback = None
        self.imported, self.outcome = imp, None
        self._show(imp)
        if self.then_show:
            self.commit()

    def _state(self) -> dict[str, Any]:
        """What a re-check may change, to go back to if it fails."""
        return {"imported": self.imported, "outcome": self.outcome, "mapping": dict(self.mapping),
                "remembered": set(self.remembered), "hidden": self.hidden_box.isChecked(),
                "memory": dict(self.ctx.settings.column_mappings)}

    def _restore(self, state: dict[str, Any]) -> ImportResult:
        self.imported, self.outcome = state["imported"], state["outcome"]
        self.mapping, self.remembered = state["mapping"], state["remembered"]
        self.hidden_box.blockSignals(True)
        self.hidden_box.setChecked(state["hidden"])
        self.hidden_box.blockSignals(False)
        if self.ctx.settings.column_mappings != state["memory"]:
            self.ctx.settings.column_mappings = state["memory"]
            self._save_settings()
        self._show(state["imported"])
        return state["imported"]

    def _remembered_for(self, imp: ImportResult) -> Mapping:
        """Remembered choices for the read sheets that have none yet (only columns the sheet
        has and fields its kind knows, in case the catalogue changed)."""
        memory = self.ctx.settings.column_mappings
        out: Mapping = {}
        for s in imp.sheets:
            if s.kind is None or not s.layout or s.name in self.mapping:
                continue
            catalogue = FIELDS[s.kind]
            indexes = {c.index for c in s.columns}
            kept = {c: f for c, f in memory.get(s.layout, {}).items()
                    if c in indexes and (f is None or f in catalogue)}
            if kept:
                out[s.name] = kept
        return out

    def _banner(self, imp: ImportResult) -> list[str]:
        read = {s.name for s in imp.sheets if s.kind is not None}
        out = []
        if self.remembered & read:
            out.append(REMEMBERED)
        if (set(self.mapping) - self.remembered) & read:
            out.append(CHOSEN)
        return out

    def _show(self, imp: ImportResult) -> None:
        """The report, the rejected cells and a summary that names everything not imported."""
        self.errors.set_rows(imp.invalid)
        banner = self._banner(imp)
        self.report.show_report(imp, banner)
        attention = []
        if problems := len(imp.column_problems):
            attention.append(f"{problems} 列未导入")
        if converted := sum(1 for s in imp.sheets for c in s.columns if c.status == MAPPED
                            and c.conversion is not None and not c.conversion.identity):
            attention.append(f"{converted} 列已按表头单位换算")
        if skipped := sum(len(s.non_firm) for s in imp.sheets):
            attention.append(f"{skipped} 行非企业行已跳过")
        if hidden := sum(len(s.hidden_rows) for s in imp.sheets):
            attention.append(f"{hidden} 行隐藏行已照常读入")
        if sheets := sum(1 for s in imp.sheets if s.kind is None and s.hidden and s.header_row):
            attention.append(f"{sheets} 个隐藏的工作表未导入")
        if notices := sum(len(s.notices) for s in imp.sheets):
            attention.append(f"{notices} 条读取提示")
        if imp.file_notes:
            attention.append(f"{len(imp.file_notes)} 条文件说明")
        if imp.invalid:
            verdict = ("有错的行不会导入；可先导出错误报告交企业改正，或在“被拒绝的单元格”中双击一行，"
                       "在本程序里改正。")
            if attention:
                verdict += f"注意：{'，'.join(attention)}，见导入报告。"
        elif attention:
            verdict = f"没有被拒绝的行；注意：{'，'.join(attention)}，见导入报告。"
        else:
            verdict = "没有发现错误。"
        self.summary.setText(f"检查完成（尚未导入）。{imp.summary()}。\n{verdict}"
                             + "".join(f"\n{b}" for b in banner))
        self._tab_titles(imp)
        self.tabs.setCurrentIndex(1 if imp.invalid and not imp.column_problems else 0)
        self._update_buttons()

    def _tab_titles(self, imp: ImportResult | None) -> None:
        problems = len(imp.column_problems) if imp is not None else 0
        self.tabs.setTabText(0, "导入报告" + (f"（{problems} 列未导入）" if problems else ""))
        self.tabs.setTabText(1, "被拒绝的单元格" + (f"（{self.errors.rowCount()}）"
                                                  if imp is not None else ""))

    # -- column choices and hidden sheets
    def remap(self) -> ColumnMapDialog | None:
        """Open 调整列对应 (window-modal, not blocking); OK reads the file again."""
        imp = self.imported
        if imp is None or self.progress.busy or not any(s.kind for s in imp.sheets):
            return None
        if self.map_dialog is not None:
            self.map_dialog.deleteLater()
        dlg = self.map_dialog = ColumnMapDialog(imp.sheets, self)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.accepted.connect(lambda: self._remapped(dlg))
        dlg.open()
        return dlg

    def _remapped(self, dlg: ColumnMapDialog) -> Operation | None:
        state = self._state()
        memory = self.ctx.settings.column_mappings
        if dlg.reset_requested:
            for s in dlg.sheets:
                memory.pop(s.layout, None)
            new: Mapping = {}
        else:
            new = dlg.mapping()
            if new == self.mapping:
                self.ctx.status.emit("列对应没有改变")
                return None
            for s in dlg.sheets:
                if s.name in new:
                    memory[s.layout] = {c: f for c, f in new[s.name].items()}
                else:
                    memory.pop(s.layout, None)
        self.mapping, self.remembered = new, set()
        if memory != state["memory"]:
            self._save_settings()
        self._fallback = state
        op = self._recheck("正在按表头重新识别各列……" if dlg.reset_requested
                           else "正在按指定的列对应重新检查……")
        if op is None:
            self._restore(state)
            self._fallback = None
        return op

    def _hidden_toggled(self, checked: bool) -> None:
        if self.path is not None and not self.progress.busy:
            self._recheck(f"正在重新检查（{'包括' if checked else '不包括'}隐藏的工作表）……")

    def _save_settings(self) -> None:
        try:
            user_settings.save(self.ctx.settings)
        except OSError as e:
            self.ctx.status.emit(f"列对应无法保存到设置文件：{user_message(e)}")

    # -- commit and exports
    def commit(self, accept_renames: bool = False) -> Operation | None:
        """Commit the valid rows and assess; if rows would rename stored firms, nothing is
        written and the user is asked first (``accept_renames`` after they confirmed)."""
        imp, path = self.imported, self.path
        if imp is None or path is None or self.progress.busy:
            return None
        if not imp.valid:
            self.summary.setText("没有可导入的有效企业行。")
            return None
        ctx = self.ctx
        profile, as_of = ctx.profile, ctx.as_of

        def work(progress):
            from forms import pipeline

            with ctx.worker_store() as store:
                try:
                    return pipeline.run(path, profile, as_of, store=store, progress=progress,
                                        imported=imp, accept_renames=accept_renames)
                except pipeline.RenameConflict as e:  # a question for the user, not a failure
                    return e

        op = self.progress.run(work, "导入并评估", on_success=self._committed,
                               on_finished=self._finished)
        self._update_buttons()
        return op

    def _committed(self, outcome: Outcome | RenameConflict) -> None:
        if isinstance(outcome, RenameConflict):
            self.confirm_renames(outcome)
            return
        self.outcome = outcome
        c = outcome.committed
        classes = "，".join(f"{k} 类 {v} 家" for k, v in sorted(outcome.classes.items()))
        self.summary.setText(
            f"已导入数据库（第 {c.batch_id} 批）：新增 {c.inserted} 家，更新 {c.replaced} 家（旧值已存入历史），"
            f"项目 {c.projects} 个。评估 {outcome.assessed} 家，排名范围 {outcome.population} 家"
            + (f"：{classes}" if classes else "") + "。"
            + "".join(f"\n注意：{note}（{n} 家）" for note, n in outcome.notes.items()) if c else "")
        self.ctx.data_changed.emit()
        bad = len(self.imported.invalid) if self.imported else 0
        self.ctx.status.emit(f"已导入“{self.path.name if self.path else ''}”：评估 {outcome.assessed} 家企业"
                             + (f"；{bad} 行有错未导入，见“批量导入”" if bad else ""))
        then, self.then_show = self.then_show, None
        if then:
            self.ctx.navigate.emit(then, None)

    def confirm_renames(self, conflict: RenameConflict) -> RenameDialog:
        """Ask whether the rows that rename stored firms are the same firms renamed; nothing
        was written. 确认 commits again with ``accept_renames``."""
        n = len(conflict.conflicts)
        self.summary.setText(f"尚未导入：{n} 家企业的信用代码和年度已在数据库中，但企业名称不同，请确认。")
        if self.rename_dialog is not None:
            self.rename_dialog.deleteLater()
        dlg = self.rename_dialog = RenameDialog(conflict.conflicts, self)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.accepted.connect(lambda: self.commit(accept_renames=True))
        dlg.rejected.connect(lambda: self._renames_refused(conflict))
        dlg.open()
        return dlg

    def _renames_refused(self, conflict: RenameConflict) -> None:
        self.then_show = None
        lines = conflict.lines()
        self.summary.setText(
            f"未导入，数据库没有改变：{len(lines)} 家企业的名称与数据库中不同——" + "；".join(lines[:3])
            + ("……" if len(lines) > 3 else "") + "。请核对信用代码后再导入。")
        self._update_buttons()

    def _save_name(self, title: str, suggested: str, filt: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / suggested), filt)
        return Path(name) if name else None

    def export_errors(self) -> None:
        if self.imported is None or self.path is None:
            return
        out = self._save_name("导出错误报告", f"{self.path.stem}_错误报告.xlsx", "Excel 工作簿 (*.xlsx)")
        if out:
            self.export_errors_to(out)

    def export_errors_to(self, out: Path) -> Operation | None:
        from forms.excel.export import write_error_report

        imp = self.imported
        if imp is None:
            return None
        return self.progress.run(lambda p: write_error_report(out, imp), "导出错误报告",
                                 on_success=lambda path: self.ctx.status.emit(
                                     f"已导出错误报告：{path}" if path else "没有错误行，无需错误报告"))

    def _keys(self) -> list[tuple[str, int, str | None, int | None]]:
        imp = self.imported
        assert imp is not None
        return [(r.checked.values["credit_code"], r.checked.values["year"], r.sheet, r.row)
                for r in imp.valid]

    def export_results(self) -> None:
        if self.outcome is None or self.path is None:
            return
        out = self._save_name("导出结果工作簿", f"{self.path.stem}_评估结果.xlsx", "Excel 工作簿 (*.xlsx)")
        if out:
            self.export_results_to(out)

    def export_results_to(self, out: Path) -> Operation | None:
        from forms.excel.export import write_stored_results

        if self.outcome is None:
            return None
        keys, ctx, ident = self._keys(), self.ctx, self.ctx.profile.identity()

        def work(progress):
            with ctx.worker_store() as store:
                return write_stored_results(out, store, ident, keys, progress)

        return self.progress.run(work, "导出结果工作簿", on_success=lambda path: self.ctx.status.emit(
            f"已导出结果工作簿：{path}"))

    def export_pdfs(self) -> None:
        if self.outcome is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "选择保存 PDF 报告的文件夹", str(Path.home()))
        if folder:
            self.export_pdfs_to(Path(folder))

    def export_pdfs_to(self, folder: Path, processes: int | None = None) -> Operation | None:
        from desktop.reports.batch import Job, render_batch

        outcome = self.outcome
        if outcome is None:
            return None
        jobs = [Job(r.values, tuple(p.values for p in r.projects),
                    outcome.cohorts.get(outcome.cohort_of.get((r.credit_code, r.year), ())))
                for r in outcome.batch]
        ref, as_of = self.ctx.profile.ref, self.ctx.as_of
        failed: list[str] = []
        noted: list[str] = []

        def work(progress):
            return render_batch(jobs, folder, ref, as_of, processes=processes,
                                progress=lambda d, t: progress(d, t, f"生成 PDF 报告 {d}/{t}"),
                                start_method="spawn", errors=failed, warnings=noted)

        def done(paths: list[Path]) -> None:
            self.ctx.status.emit(f"已生成 {len(paths)} 份 PDF 报告：{folder}"
                                 + (f"；{len(failed)} 份未能生成" if failed else ""))
            for title, lines in (("未能生成的报告", failed), ("字体缺字的报告", noted)):
                if lines:  # said where it can be read whole, not only in the status bar
                    self.summary.setText(self.summary.text() + f"\n{title}：\n"
                                         + "\n".join(lines[:20])
                                         + (f"\n……共 {len(lines)} 份" if len(lines) > 20 else ""))

        return self.progress.run(work, "生成 PDF 报告", on_success=done)

    def undo(self) -> Operation | None:
        outcome = self.outcome
        if outcome is None or outcome.committed is None:
            return None
        return self.undo_batch(outcome.committed.batch_id)

    def undo_batch(self, batch: int) -> Operation | None:
        """Undo import ``batch`` (the latest one) and assess the years it touched again."""
        if self.progress.busy:
            return None
        ctx = self.ctx
        profile, as_of = ctx.profile, ctx.as_of

        def work(progress):
            from forms.pipeline import reassess

            with ctx.worker_store() as store, store.atomic():  # the undo and its results, or neither
                years = store.batch_years(batch)
                restored = store.undo_batch(batch)
                reassess(store, profile, as_of, years, progress)
                return restored, years

        def undone(done: tuple[int, list[int]]) -> None:
            restored, years = done
            if self.outcome is not None and self.outcome.committed is not None \
                    and self.outcome.committed.batch_id == batch:
                self.outcome = None
            self.summary.setText(f"已撤销第 {batch} 批导入：恢复了 {restored} 家企业被替换前的数据，"
                                 f"并重新评估了 {'、'.join(map(str, years)) or '—'} 年度。")
            self.ctx.data_changed.emit()
            self._update_buttons()

        return self.progress.run(work, "撤销导入", on_success=undone)

    def confirm_undo(self) -> None:
        if QMessageBox.question(self, "撤销导入", "撤销本次导入？数据库将恢复到导入前。") == \
                QMessageBox.StandardButton.Yes:
            self.undo()

    def fix_row(self, index: Any) -> None:
        row: Row = self.errors.data(index, Qt.ItemDataRole.UserRole)
        if row is None or row.kind != "enterprise":
            return
        raw = {fid: row.cells[c] for fid, c in row.columns.items() if c < len(row.cells)
               and row.cells[c] not in (None, "")}
        problems = "；".join(f"{e.column}：{e.message}" for e in row.checked.errors)
        self.ctx.navigate.emit("selfcheck", (raw, f"来自“{row.sheet}”第 {row.row} 行：{problems}"))

    def _update_buttons(self) -> None:
        b = self.buttons
        busy = self.progress.busy
        self.remap_button.setEnabled(not busy and self.imported is not None
                                     and any(s.kind for s in self.imported.sheets))
        self.hidden_box.setEnabled(not busy)
        b["commit"].setEnabled(self.imported is not None and self.outcome is None
                               and bool(self.imported.valid))
        b["errors"].setEnabled(self.imported is not None and bool(self.imported.invalid))
        for k in ("results", "pdfs", "undo"):
            b[k].setEnabled(self.outcome is not None)

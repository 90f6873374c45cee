"""批量导入: choose or drop a park's sheet, check it in the background, look at every rejected
cell, commit, export the error report, the results workbook and the PDF batch — each in the
background with progress and cancel — and undo the import if it was the wrong file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.models import ErrorsModel
from desktop.operations import Operation, ProgressPanel
from forms.importer import ImportResult, Row
from forms.pipeline import Outcome

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv);;所有文件 (*)"


class ImportPage(QWidget):
    title = "批量导入"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.imported: ImportResult | None = None
        self.outcome: Outcome | None = None
        self.then_show: str | None = None  # the page to show once an automatic commit is done
        self.setAcceptDrops(True)
        lay = QVBoxLayout(self)
        drop = QFrame()
        drop.setObjectName("drop")
        drop.setStyleSheet("#drop { border: 2px dashed #9AA5B1; border-radius: 8px; "
                           "background: #F7F9FC; }")
        dl = QHBoxLayout(drop)
        self.file_label = QLabel("把园区的企业数据表格（.xlsx / .xls / .csv）拖到这里，或点“选择文件”。"
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
        hint = QLabel("被拒绝的单元格（双击一行，在“企业自评”中改正这家企业后保存）：")
        hint.setStyleSheet("color: #5F6B7A;")
        lay.addWidget(hint)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("commit", "导入有效数据并评估", self.commit),
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
        self.errors.set_rows([])
        self.file_label.setText(f"文件：{path}")
        if path.suffix.lower() not in SUFFIXES:
            self.summary.setText(f"“{path.name}”不是表格文件（支持 {'、'.join(SUFFIXES)}）。")
            self._update_buttons()
            return None
        self.summary.setText("正在检查……")
        self._update_buttons()
        from forms.importer import dry_run

        return self.progress.run(lambda p: dry_run(path, p), "检查表格",
                                 on_success=self._checked, on_finished=self._finished)

    def _finished(self, op: Operation) -> None:
        if op.cancelled or op.error is not None:
            self.then_show = None
        if op.cancelled:
            self.summary.setText("已取消。")
        elif op.error is not None:
            from desktop.operations import user_message

            self.summary.setText(f"无法导入：{user_message(op.error)}")
        self._update_buttons()

    def _checked(self, imp: ImportResult) -> None:
        self.imported = imp
        self.errors.set_rows(imp.invalid)
        sheets = "；".join(
            f"“{s.name}”{'企业表' if s.kind == 'enterprise' else '项目表'}（表头第 {s.header_row} 行"
            + (f"，忽略列：{'、'.join(s.ignored_columns[:5])}" if s.ignored_columns else "") + "）"
            for s in imp.sheets if s.kind)
        bad = len(imp.enterprises) - len(imp.valid)
        self.summary.setText(
            f"检查完成（尚未导入）。{imp.summary()}。\n识别的工作表：{sheets}。\n"
            + ("有错的行不会导入；可先导出错误报告交企业改正，或双击下表的行在本程序里改正。"
               if bad or imp.invalid else "没有发现错误。"))
        if self.then_show:
            self.commit()

    # -- commit and exports
    def commit(self) -> Operation | None:
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
                return pipeline.run(path, profile, as_of, store=store, progress=progress,
                                    imported=imp)

        return self.progress.run(work, "导入并评估", on_success=self._committed,
                                 on_finished=self._finished)

    def _committed(self, outcome: Outcome) -> None:
        self.outcome = outcome
        c = outcome.committed
        classes = "，".join(f"{k} 类 {v} 家" for k, v in sorted(outcome.classes.items()))
        self.summary.setText(
            f"已导入数据库（第 {c.batch_id} 批）：新增 {c.inserted} 家，更新 {c.replaced} 家（旧值已存入历史），"
            f"项目 {c.projects} 个。评估 {outcome.assessed} 家，排名范围 {outcome.population} 家"
            + (f"：{classes}" if classes else "") + "。" if c else "")
        self.ctx.data_changed.emit()
        bad = len(self.imported.invalid) if self.imported else 0
        self.ctx.status.emit(f"已导入“{self.path.name if self.path else ''}”：评估 {outcome.assessed} 家企业"
                             + (f"；{bad} 行有错未导入，见“批量导入”" if bad else ""))
        then, self.then_show = self.then_show, None
        if then:
            self.ctx.navigate.emit(then, None)

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

        def work(progress):
            return render_batch(jobs, folder, ref, as_of, processes=processes,
                                progress=lambda d, t: progress(d, t, f"生成 PDF 报告 {d}/{t}"),
                                start_method="spawn")

        return self.progress.run(work, "生成 PDF 报告", on_success=lambda paths: self.ctx.status.emit(
            f"已生成 {len(paths)} 份 PDF 报告：{folder}"))

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

            with ctx.worker_store() as store:
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
        b["commit"].setEnabled(self.imported is not None and self.outcome is None
                               and bool(self.imported.valid))
        b["errors"].setEnabled(self.imported is not None and bool(self.imported.invalid))
        for k in ("results", "pdfs", "undo"):
            b[k].setEnabled(self.outcome is not None)

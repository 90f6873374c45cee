"""批量导入: choose or drop a park's sheet, check it in the background, read the import report
(every sheet and column, SPEC §7.1), every rejected cell with the firm's name and code, and the
firms the file will add or update, re-map columns (remembered per header layout), commit —
confirming renames of stored firms first — see that batch on 结果一览, export the error report,
the results workbook and the PDF batch — each in the background with progress and cancel — and
undo the import if it was the wrong file.

A rejected firm row is fixed in 企业自评 (double-click); it is marked 已改正 once that firm has
been saved from the form (``data_changed``, then the store's batches and history say so)."""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
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

from desktop import dialogs
from desktop import settings as user_settings
from desktop.context import AppContext
from desktop.models import NOT_READ, ErrorsModel, PlannedModel, row_identity
from desktop.operations import Cancelled, Operation, ProgressPanel, user_message
from desktop.resources import is_sample
from desktop.widgets.column_map import ColumnMapDialog
from desktop.widgets.import_report import RenameDialog, ReportView
from desktop.widgets.outcome import OutcomeLine
from forms.firm import FORM_FILE
from forms.headers import FIELDS, MAPPED
from forms.importer import ImportResult, Row
from forms.pipeline import Outcome, RenameConflict
from forms.store import IMPORT, SAMPLE

# what the command line reads too (the content decides the format, SPEC §7.1)
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt")
FILTER = ("表格文件 (" + " ".join(f"*{s}" for s in SUFFIXES) + ");;所有文件 (*)")
REMEMBERED = "已按上次为此表头保存的列对应读取（可调整）"
CHOSEN = "已按您指定的列对应读取（可在“调整列对应……”中修改或忘记）"
COMMIT = "导入并评估"  # the commit's operation title
CHECK = "检查表格"  # the dry run's
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
        self.checked_text = ""  # the last check's summary, shown again under its commit
        self.then_show: str | None = None  # the page to show once an automatic commit is done
        # the user's column choices for this file (sheet → column → field id or None), and
        # the sheets whose choices came from the ones remembered for their header layout
        self.mapping: Mapping = {}
        self.remembered: set[str] = set()
        # what to go back to if a re-check fails or is cancelled
        self._fallback: dict[str, Any] | None = None
        self.map_dialog: ColumnMapDialog | None = None
        self.rename_dialog: RenameDialog | None = None
        # stored firm names of this file's keys (code, year), read with the check, and the
        # keys whose stored data and projects the file repeats exactly
        self.stored: dict[tuple[str, int], str] = {}
        self.same: set[tuple[str, int]] = set()
        # rejected rows sent to 企业自评: row → (latest batch then, the firm-years stored then)
        self.fixing: dict[int, tuple[Row, int, set[tuple[str, int]]]] = {}
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
        self.choose_button = QPushButton("选择文件……")
        self.choose_button.clicked.connect(self.choose)
        self.template_button = QPushButton("下载导入模板……")
        self.template_button.clicked.connect(self.save_template)
        dl.addWidget(self.file_label, 1)
        dl.addWidget(self.choose_button)
        dl.addWidget(self.template_button)
        lay.addWidget(drop)
        self.progress = ProgressPanel(self)
        self.progress.changed.connect(self._update_buttons)  # nothing starts while one runs
        lay.addWidget(self.progress)
        self.written = OutcomeLine(self)  # what an export or the PDF batch wrote
        lay.addWidget(self.written)
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
        for c, w in enumerate((110, 50, 180, 300, 170, 180, 80)):
            self.table.setColumnWidth(c, w)
        h.moveSection(h.visualIndex(4), 2)  # 工作表, 行, 企业名称, 信用代码, 列, 原因, 状态
        h.moveSection(h.visualIndex(5), 3)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self.fix_row)
        rejected = QWidget()
        rl = QVBoxLayout(rejected)
        rl.setContentsMargins(4, 4, 4, 4)
        self.fix_hint = QLabel(self.FIX_HINT)
        self.fix_hint.setWordWrap(True)
        self.fix_hint.setStyleSheet("color: #5F6B7A;")
        rl.addWidget(self.fix_hint)
        rl.addWidget(self.table, 1)
        # The 原因 column is cut at its width; the chosen row's reason in full, wrapped, below.
        self.error_detail = QLabel()
        self.error_detail.setWordWrap(True)
        self.error_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_detail.setVisible(False)
        rl.addWidget(self.error_detail)
        self.table.selectionModel().currentRowChanged.connect(self._show_error_detail)
        self.errors.modelReset.connect(self._show_error_detail)
        self.tabs.addTab(rejected, "被拒绝的单元格")
        self.planned = PlannedModel(self)
        self.planned_table = QTableView()
        self.planned_table.setModel(self.planned)
        self.planned_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.planned_table.setWordWrap(False)
        for c, w in enumerate((190, 240, 180, 60)):
            self.planned_table.setColumnWidth(c, w)
        self.planned_table.horizontalHeader().setStretchLastSection(True)
        self.tabs.addTab(self.planned_table, "将导入的企业")
        lay.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("commit", "导入有效数据并评估", lambda: self.commit()),
                                ("batch_results", "查看本批结果", self.show_batch_results),
                                ("errors", "导出错误报告……", self.export_errors),
                                ("results", "导出结果工作簿……", self.export_results),
                                ("pdfs", "生成 PDF 报告……", self.export_pdfs),
                                ("undo", "撤销本次导入", self.confirm_undo)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            self.buttons[key] = b
            row.addWidget(b)
        self.buttons["commit"].setStyleSheet("font-weight: bold;")
        self.buttons["batch_results"].setToolTip("在“结果一览”中只显示本批导入的企业")
        row.addStretch(1)
        lay.addLayout(row)
        ctx.data_changed.connect(self._note_fixed)
        self._update_buttons()

    def _show_error_detail(self, *_: object) -> None:
        """The current rejected cell in words: where it is and the whole reason."""
        r = self.table.currentIndex().row()
        if not 0 <= r < self.errors.rowCount():
            self.error_detail.setVisible(False)
            return
        sheet, row, column, reason = self.errors.items[r][:4]
        where = f"工作表“{sheet}”第 {row} 行"  # the column, unless the reason starts with it
        self.error_detail.setText(f"{where}：{reason}" if reason.startswith(column)
                                  else f"{where}，{column}：{reason}")
        self.error_detail.setVisible(True)

    FIX_HINT = ("双击一行，在“企业自评”中改正这家企业后保存；保存后这里标为“已改正”。"
                "新上项目行：双击打开它所属的企业。")

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
        name = dialogs.open_file(self, "选择企业数据表格", FILTER, dialogs.TABLES)
        if name:
            self.open_file(name)

    def save_template(self) -> None:
        from forms.excel.template import write_template

        name = dialogs.save_file(self, "保存导入模板", "亩均自评导入模板.xlsx",
                                 "Excel 工作簿 (*.xlsx)", dialogs.TABLES)
        if name:
            self.progress.run(lambda p: write_template(name), "生成导入模板",
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
        if self.progress.busy:  # a file dropped while one runs: said, not dropped silently
            self.ctx.status.emit(f"未打开“{path.name}”：请等“{self.progress.op.title}”完成"  # type: ignore[union-attr]
                                 "或取消后再打开")
            return None
        self.then_show = then_show
        self.path = path
        self.imported = self.outcome = None
        self.mapping, self.remembered, self._fallback = {}, set(), None
        self.stored, self.same, self.fixing = {}, set(), {}
        self.errors.set_rows([])
        self.planned.set_rows([])
        self._say(self.FIX_HINT, hint=True)
        self.report.clear()
        self._tab_titles(None)
        self.file_label.setText(f"文件：{path}")
        why = why_not_a_table(path)
        if why is not None:
            self.summary.setText(why)
            self._update_buttons()
            return None
        self.summary.setText("正在检查……")
        self.ctx.status.emit(f"正在检查“{path.name}”")  # not the last file's line meanwhile
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
            same: set[tuple[str, int]] = set()
            if not stored:
                imp, names = dry_run(path, progress, **kw), {}
            else:
                with ctx.worker_store() as store:
                    imp = dry_run(path, progress, stored=store.stored_keys, **kw)
                    keys = {r.key for r in imp.valid} | set(imp.projects_for_stored())
                    keys |= {p.key for p in imp.projects if p.key is not None}
                    names = store.stored_names(k for k in keys if k is not None)
                    if names:  # what the commit will find unchanged (it counts them again)
                        from forms.pipeline import unchanged_keys

                        same = unchanged_keys(imp, store,
                                              SAMPLE if is_sample(path) else IMPORT)
            # the lists the window shows are built here, not in the window's thread
            return imp, (names, same), _lists(imp, names, same)

        return self.progress.run(work, CHECK, on_success=self._checked,
                                 on_finished=self._finished, cancelled=f"已取消“{CHECK}”。")

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
        if op.title == CHECK and not self.progress.busy and self.path is not None:
            # the status bar's 正在检查 line replaced (unless a re-check has just started)
            how = "已取消检查" if op.cancelled else "未能读取" if op.error is not None else "已检查"
            self.ctx.status.emit(f"{how}“{self.path.name}”"
                                 + ("（尚未导入）" if how == "已检查" else ""))
        if op.cancelled or op.error is not None:
            self.then_show = None
        if (op.cancelled or op.error is not None) and self._fallback is not None:
            imp = self._restore(self._fallback)
            self._fallback = None
            why = "已取消" if op.cancelled else f"无法按新的设置读取：{user_message(op.error)}"
            self.summary.setText(f"{why}\n仍显示之前的检查结果。{imp.summary()}。")
        elif op.cancelled and op.title == COMMIT and self.imported is not None:
            self.summary.setText("已取消导入：数据库保持原样，可再次点“导入有效数据并评估”。\n"
                                 f"检查结果：{self.checked_text}")
        elif op.cancelled:
            self.summary.setText("已取消。")
        elif op.error is not None:
            self.summary.setText(f"无法导入：{user_message(op.error)}")

    def _checked(self, got: tuple[ImportResult, tuple[dict[tuple[str, int], str],
                                                      set[tuple[str, int]]], _Lists]) -> None:
        imp, (self.stored, self.same), lists = got
        auto = self._remembered_for(imp)
        if auto:  # read again with the choices remembered for these headers
            if self._fallback is None:
                self._fallback = {**self._state(), "imported": imp, "outcome": None,
                                  "stored": self.stored, "same": self.same}
            self.mapping.update(auto)
            self.remembered |= set(auto)
            self.summary.setText("正在按上次为此表头保存的列对应重新读取……")
            self._check()
            return
        self._fallback = None
        self.imported, self.outcome = imp, None
        self._show(imp, lists)
        if self.then_show:
            self.commit()

    def _state(self) -> dict[str, Any]:
        """What a re-check may change, to go back to if it fails."""
        return {"imported": self.imported, "outcome": self.outcome, "stored": self.stored,
                "same": self.same, "mapping": dict(self.mapping),
                "remembered": set(self.remembered), "hidden": self.hidden_box.isChecked(),
                "memory": dict(self.ctx.settings.column_mappings)}

    def _restore(self, state: dict[str, Any]) -> ImportResult:
        self.imported, self.outcome = state["imported"], state["outcome"]
        self.stored = state.get("stored", self.stored)
        self.same = state.get("same", self.same)
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

    def _show(self, imp: ImportResult, lists: _Lists | None = None) -> None:
        """The report, the rejected cells, the firms to be written and a summary that names
        everything not imported."""
        names, planned = lists or _lists(imp, self.stored, self.same)
        self.errors.set_rows(imp.invalid, names)
        self.planned.set_rows(planned)
        new, updated, same = self.planned.counts()
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
        plan = "、".join(([f"新增 {new} 家"] if new else [])
                        + ([f"更新 {updated} 家（已有数据将存入历史，可撤销）"] if updated else []))
        plan = f"导入后将{plan}" if plan else ""
        if same:  # written all the same (so that either batch can be undone), but not 更新
            plan += ("；" if plan else "") + f"{same} 家与数据库中的数据相同（不会改变）"
        plan = f"\n{plan}，名单见“将导入的企业”。" if plan else ""
        self.checked_text = (f"{imp.summary()}。{plan}\n{verdict}"
                             + "".join(f"\n{b}" for b in banner))
        self.summary.setText(f"检查完成（尚未导入）。{self.checked_text}")
        self._tab_titles(imp)
        self.tabs.setCurrentIndex(1 if imp.invalid and not imp.column_problems
                                  else 0 if imp.column_problems else 2)
        self._update_buttons()

    def _tab_titles(self, imp: ImportResult | None) -> None:
        problems = len(imp.column_problems) if imp is not None else 0
        self.tabs.setTabText(0, "导入报告" + (f"（{problems} 列未导入）" if problems else ""))
        fixed = sum(1 for s in self.errors.states.values() if s == ErrorsModel.FIXED)
        self.tabs.setTabText(1, "被拒绝的单元格" + (
            f"（{self.errors.rowCount()}{f'，已改正 {fixed} 行' if fixed else ''}）"
            if imp is not None else ""))
        new, updated, same = self.planned.counts()
        c = self.outcome.committed if self.outcome is not None else None
        if c is not None:  # what the commit found (the store may have changed since the check)
            new, updated, same = c.inserted, c.replaced, c.unchanged
        counts = (f"（新增 {new}，更新 {updated}" + (f"，未变 {same}" if same else "") + "）"
                  if imp is not None else "")
        self.tabs.setTabText(2, ("本批导入的企业" if self.outcome is not None else "将导入的企业")
                             + counts)

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
                                        imported=imp, accept_renames=accept_renames,
                                        kind=SAMPLE if is_sample(path) else IMPORT)
                except pipeline.RenameConflict as e:  # a question for the user, not a failure
                    return e

        self.summary.setText(f"正在导入 {len(imp.valid)} 家企业的数据并评估；完成前数据库保持原样。\n"
                             f"检查结果：{self.checked_text}")
        return self.progress.run(work, COMMIT, on_success=self._committed,
                                 on_finished=self._finished,
                                 cancelled=f"已取消“{COMMIT}”：数据库保持原样。")

    def _committed(self, outcome: Outcome | RenameConflict) -> None:
        if isinstance(outcome, RenameConflict):
            self.confirm_renames(outcome)
            return
        self.outcome = outcome
        c = outcome.committed
        self.summary.setText(
            f"已导入数据库（第 {c.batch_id} 批）：{c.counts(' 家')}，"
            f"项目 {c.projects} 个。{outcome.counts()}。"
            + "".join(f"\n注意：{note}（{n} 家）" for note, n in outcome.notes.items()) if c else "")
        self._tab_titles(self.imported)
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
        return dialogs.save_file(self, title, suggested, filt, dialogs.EXPORTS)

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
        def done(path: Path | None) -> None:
            if path:
                self.written.show_file("已导出错误报告", path)
            else:
                self.written.show_problem("没有错误行，无需错误报告")

        return self.progress.run(lambda p: write_error_report(out, imp), "导出错误报告",
                                 on_success=done)

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
                return write_stored_results(out, store, ident, keys, progress, loaded=ctx.profile)

        return self.progress.run(work, "导出结果工作簿",
                                 on_success=lambda path: self.written.show_file("已导出结果工作簿", path))

    def export_pdfs(self) -> None:
        if self.outcome is None:
            return
        folder = dialogs.choose_folder(self, "选择保存 PDF 报告的文件夹", dialogs.REPORTS)
        if folder:
            self.export_pdfs_to(folder)

    def export_pdfs_to(self, folder: Path, processes: int | None = None) -> Operation | None:
        from desktop.reports.batch import Job, render_batch

        outcome = self.outcome
        if outcome is None:
            return None
        jobs = [Job(r.values, tuple(p.values for p in r.projects),
                    outcome.cohorts.get(outcome.cohort_of.get((r.credit_code, r.year), ())),
                    outcome.manual.get((r.credit_code, r.year)), outcome.carbon)
                for r in outcome.batch]
        ref, as_of = self.ctx.profile.ref, self.ctx.as_of
        failed: list[str] = []
        noted: list[str] = []

        def work(progress):
            stop = [False]

            def step(done: int, total: int) -> None:
                try:
                    progress(done, total, f"生成 PDF 报告 {done}/{total}")
                except Cancelled:  # stop starting new reports; the written ones are said
                    stop[0] = True

            paths = render_batch(jobs, folder, ref, as_of, processes=processes, progress=step,
                                 cancelled=lambda: stop[0], start_method="spawn",
                                 errors=failed, warnings=noted)
            return paths, stop[0]

        def done(made: tuple[list[Path], bool]) -> None:
            paths, stopped = made
            what = (f"已取消：生成了 {len(paths)} 份 PDF 报告（完整的），其余 "
                    f"{len(jobs) - len(paths) - len(failed)} 份未生成" if stopped
                    else f"已生成 {len(paths)} 份 PDF 报告")
            self.written.show_file(what + (f"；{len(failed)} 份未能生成" if failed else ""), folder)
            self.ctx.status.emit(f"{what}：{folder}")
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
            from forms.pipeline import undo

            with ctx.worker_store() as store:  # the undo and its results, or neither
                return undo(store, batch, profile, as_of, progress)

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

    def show_batch_results(self) -> None:
        """结果一览 with only this batch's firms (its note says so; 清除筛选 shows all)."""
        outcome = self.outcome
        if outcome is None or outcome.committed is None:
            return
        keys = [(r.credit_code, r.year) for r in outcome.batch]
        self.ctx.navigate.emit("results", ("batch", outcome.committed.batch_id, keys))

    def fix_row(self, index: Any) -> None:
        """A rejected firm row goes to 企业自评 to be fixed and saved; a rejected project row
        opens its firm there when it is stored, else says why it cannot."""
        row: Row = self.errors.data(index, Qt.ItemDataRole.UserRole)
        if row is None:
            return
        if row.kind != "enterprise":
            self._fix_project(row)
            return
        raw = {fid: row.cells[c] for fid, c in row.columns.items() if c < len(row.cells)
               and row.cells[c] not in (None, "")}
        problems = "；".join(f"{e.column}：{e.message}" for e in row.checked.errors)
        batches = self.ctx.store.batches()
        self.fixing[id(row)] = (row, max((b["id"] for b in batches), default=0),
                                self._firm_years(row))
        self.errors.set_state(row, ErrorsModel.FIXING)
        self.ctx.navigate.emit("selfcheck", (raw, f"来自“{row.sheet}”第 {row.row} 行：{problems}"))

    def _fix_project(self, row: Row) -> None:
        code = row_identity(row)[1]
        project = row.checked.values.get("project_name") or self._raw(row, "project_name") \
            or "（未读出项目名称）"
        problems = "；".join(f"{e.column}：{e.message}" for e in row.checked.errors)
        year = row.checked.values.get("year")
        years = sorted(y for c, _n, y in self.ctx.store.firms(code)
                       if c == code and year in (None, y)) if code != NOT_READ else []
        if years:
            self._say(
                f"已在“企业自评”打开项目“{project}”所属的企业（{code}，{years[-1]} 年度）：请在"
                f"“新上项目”中补录或改正这个项目（“{row.sheet}”第 {row.row} 行：{problems}），然后保存。")
            self.ctx.status.emit(f"请在“新上项目”中补录项目“{project}”：{problems}")
            self.ctx.navigate.emit("selfcheck", (code, years[-1]))
            return
        in_file = any(r.checked.values.get("credit_code") == code for r in self.imported.valid) \
            if self.imported is not None else False
        if in_file and self.outcome is None:
            why = (f"项目“{project}”所属的企业（{code}）在本文件中，但尚未导入：先点“导入有效数据并评估”，"
                   "再双击此行，在“企业自评”中补录这个项目。")
        elif in_file:
            why = (f"项目“{project}”所属的企业（{code}）{year or ''} 年度不在数据库中（可能已撤销导入），"
                   "无法打开。")
        else:
            why = (f"项目“{project}”所属的企业（信用代码“{code}”）既不在本文件的有效企业行中，也不在数据库中："
                   "请先核对项目表中的信用代码和年度，或先导入这家企业。")
        self._say(why)

    def _say(self, text: str, hint: bool = False) -> None:
        """The line above the rejected rows: the hint, or what the last double-click did."""
        self.fix_hint.setStyleSheet("color: #5F6B7A;" if hint else "color: #1D4ED8;")
        self.fix_hint.setText(text)

    @staticmethod
    def _raw(row: Row, fid: str) -> str:
        c = row.columns.get(fid)
        v = row.cells[c] if c is not None and c < len(row.cells) else None
        return "" if v in (None, "") else str(v).strip()

    def _firm_years(self, row: Row) -> set[tuple[str, int]]:
        """The stored firm-years that a fix of ``row`` may have saved: its code as read (if it
        reads as a code) or its name, in its year (any year when the year is unreadable)."""
        from forms.cells import CellError, parse_credit_code

        name, code = row_identity(row)
        try:
            code = str(parse_credit_code(code))
        except CellError:
            code = ""
        year = row.checked.values.get("year")
        found = {(c, y) for c, _n, y in self.ctx.store.firms(code) if c == code} if code else set()
        if name != NOT_READ:
            found |= {(c, y) for c, n, y in self.ctx.store.firms(name) if n == name}
        return {(c, y) for c, y in found if year in (None, y)}

    def _note_fixed(self) -> None:
        """After a save: a row sent to 企业自评 is fixed when a form save since wrote its firm
        (a firm-year not stored before, or one whose history names that save)."""
        if not self.fixing:
            return
        batches = self.ctx.store.batches()
        for key, (row, before, then) in list(self.fixing.items()):
            saves = {b["id"] for b in batches if b["id"] > before and b["file_name"] == FORM_FILE
                     and not b.get("undone_at")}
            if not saves:
                continue
            saved = [k for k in self._firm_years(row) if k not in then or any(
                h["batch_id"] in saves for h in self.ctx.store.history(*k))]
            if saved:
                del self.fixing[key]
                self.errors.set_state(row, ErrorsModel.FIXED)
                name = row_identity(row)[0]
                self._say(f"已改正：“{row.sheet}”第 {row.row} 行（{name}）已在“企业自评”"
                          f"保存为 {saved[0][0]} {saved[0][1]} 年度。")
        self._tab_titles(self.imported)

    def _update_buttons(self) -> None:
        """While an operation runs, nothing that would start another one is enabled (its
        progress line and 取消 belong to the one running)."""
        b = self.buttons
        idle = not self.progress.busy
        self.choose_button.setEnabled(idle)
        self.template_button.setEnabled(idle)
        self.remap_button.setEnabled(idle and self.imported is not None
                                     and any(s.kind for s in self.imported.sheets))
        self.hidden_box.setEnabled(idle)
        b["commit"].setEnabled(idle and self.imported is not None and self.outcome is None
                               and bool(self.imported.valid))
        b["errors"].setEnabled(idle and self.imported is not None and bool(self.imported.invalid))
        for k in ("results", "pdfs", "undo"):
            b[k].setEnabled(idle and self.outcome is not None)
        b["batch_results"].setEnabled(idle and self.outcome is not None
                                      and self.outcome.committed is not None)


Planned = tuple[str, str, str, int, str]
_Lists = tuple[dict[str, str], list[Planned]]


def _lists(imp: ImportResult, stored: dict[tuple[str, int], str],
           same: Container[tuple[str, int]]) -> _Lists:
    """What the page lists after a check: each firm's name by credit code (for the rejected
    cells), and ``planned_rows``."""
    names = {c: n for (c, _y), n in stored.items()}
    for r in imp.enterprises:
        name, code = row_identity(r)
        names.setdefault(code, name)
    imp.invalid  # noqa: B018 — the split into valid and rejected rows is made here, once
    return names, planned_rows(imp, stored, same)


def planned_rows(imp: ImportResult, stored: dict[tuple[str, int], str],
                 same: Container[tuple[str, int]]) -> list[Planned]:
    """The firms the commit will write: stored ones first (their data goes to history),
    then those ``same`` holds (stored with this very data), then new ones, each in file order."""
    upd, unchanged, new = [], [], []
    for r in imp.valid:
        v = r.checked.values
        key = (v["credit_code"], v["year"])
        old = stored.get(key)
        if old is None:
            new.append((PlannedModel.NEW, v["name"], v["credit_code"], v["year"], ""))
        elif key in same:
            unchanged.append((PlannedModel.SAME, v["name"], v["credit_code"], v["year"], ""))
        else:
            note = f"数据库中的名称：{old}" if old != v["name"] else ""
            upd.append((PlannedModel.UPDATE, v["name"], v["credit_code"], v["year"], note))
    for (code, year), projects in imp.projects_for_stored().items():
        if (code, year) in same:
            unchanged.append((PlannedModel.SAME, stored.get((code, year), NOT_READ), code, year,
                              f"新上项目 {len(projects)} 个，与数据库中的相同"))
        else:
            upd.append((PlannedModel.UPDATE, stored.get((code, year), NOT_READ), code, year,
                        f"只补充新上项目 {len(projects)} 个"))
    return upd + unchanged + new

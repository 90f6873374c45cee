"""导入记录: every batch that wrote firms into the database — imports, the sample park, saves
from the form — with what it added and replaced, kept across restarts (it is the database's
own ``batches`` table). Any batch can be undone while no later batch has changed its firms;
the sample park can be taken out at any time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.operations import Operation, ProgressPanel
from forms.store import FORM, SAMPLE

KIND_WORDS = {"import": "导入", SAMPLE: "示例园区", FORM: "表单保存"}
COLUMNS = ("批次", "类型", "文件", "时间", "新增", "更新", "未变", "被拒行", "状态")
ID_ROLE = Qt.ItemDataRole.UserRole


def _time(text: str | None) -> str:
    return (text or "")[:16].replace("T", " ")


class HistoryPage(QWidget):
    title = "导入记录"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        intro = QLabel("每一次导入、载入示例园区和“企业自评”的保存都记为一个批次。一个批次只要之后没有别的批次"
                       "再改动过它的企业，就可以撤销：撤销会删去它新增的企业、放回它替换掉的旧数据，并重新评估相关年度。"
                       "示例园区随时可以整批移除。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        bar = QHBoxLayout()
        self.undo_button = QPushButton("撤销所选批次……")
        self.undo_button.clicked.connect(self.confirm_undo)
        self.sample_button = QPushButton("移除示例数据……")
        self.sample_button.clicked.connect(self.confirm_remove_sample)
        bar.addWidget(self.undo_button)
        bar.addWidget(self.sample_button)
        bar.addStretch(1)
        lay.addLayout(bar)
        self.progress = ProgressPanel(self)
        lay.addWidget(self.progress)
        self.outcome = QLabel("")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.outcome)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        head = self.table.horizontalHeader()
        for c in range(len(COLUMNS)):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.table, 1)
        self.rows: list[dict] = []
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)

    def _data_changed(self) -> None:
        """A save or an import elsewhere: read the list again only when it is in view (it is
        read again when shown); hidden, it held up every form save."""
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self.rows = self.ctx.store.batch_list()
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            if r["undone_at"]:
                state = f"已撤销（{_time(r['undone_at'])}）"
            elif r["why_not"]:
                state = f"不能撤销：{r['why_not']}"
            else:
                state = "有效，可撤销"
            cells = (str(r["id"]), KIND_WORDS.get(r["kind"] or "import", "导入"), r["file_name"],
                     _time(r["imported_at"]), str(r["inserted"]), str(r["replaced"]),
                     str(r["unchanged"]), str(r["rows_invalid"] or 0), state)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, r["id"])
                if r["undone_at"]:
                    item.setForeground(Qt.GlobalColor.gray)
                if c in (0, 4, 5, 6, 7):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, item)
        self.table.setColumnWidth(2, min(360, max(160, self.table.columnWidth(2))))
        self.sample_count = self.ctx.store.sample_count()
        self.sample_button.setText(f"移除示例数据（{self.sample_count} 条）……" if self.sample_count
                                   else "移除示例数据……")
        self._update_buttons()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        r = self.selected()
        busy = self.progress.busy
        self.undo_button.setEnabled(not busy and r is not None and not r["undone_at"]
                                    and not r["why_not"])
        self.undo_button.setToolTip("" if r is None else (r["why_not"] or ""))
        self.sample_button.setEnabled(not busy and self.sample_count > 0)

    # -- actions
    def _ask(self, title: str, text: str) -> bool:
        """Yes/no from the user (tests replace this)."""
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def confirm_undo(self) -> None:
        r = self.selected()
        if r is None:
            return
        what = KIND_WORDS.get(r["kind"] or "import", "导入")
        if self._ask("撤销批次", f"撤销第 {r['id']} 批（{what}：{r['file_name']}）？\n\n"
                               f"将删去它新增的 {r['inserted']} 条企业年度数据，放回它替换掉的 "
                               f"{r['kept']} 条旧数据，并重新评估相关年度。"):
            self.undo(r["id"])

    def _store_job(self, title: str, job: Callable[..., Any],
                   done: Callable[[Any], None]) -> Operation | None:
        """Run ``job(store, profile, as_of, progress)`` from ``forms.pipeline`` in the background
        on a connection of its own; ``done`` says the outcome on the page."""
        if self.progress.busy:
            return None
        ctx = self.ctx
        profile, as_of = ctx.profile, ctx.as_of

        def work(progress):
            with ctx.worker_store() as store:
                return job(store, profile, as_of, progress)

        def finished(result: Any) -> None:
            done(result)
            ctx.data_changed.emit()

        return self.progress.run(work, title, on_success=finished)

    def undo(self, batch: int) -> Operation | None:
        from forms.pipeline import undo

        def done(result: tuple[int, list[int]]) -> None:
            restored, years = result
            self.outcome.setText(f"已撤销第 {batch} 批：放回了 {restored} 条被替换的旧数据，并重新评估了 "
                                 f"{'、'.join(map(str, years)) or '—'} 年度。")

        return self._store_job("撤销批次", lambda *a: undo(a[0], batch, *a[1:]), done)

    def confirm_remove_sample(self) -> None:
        if self._ask("移除示例数据", f"移除示例园区的全部 {self.sample_count} 条企业年度数据？\n\n"
                                   "你自己导入或填报的企业不受影响。"):
            self.remove_sample()

    def remove_sample(self) -> Operation | None:
        from forms.pipeline import remove_sample

        def done(result: tuple[int, list[int]]) -> None:
            removed, years = result
            self.outcome.setText(f"已移除示例园区的 {removed} 条企业年度数据"
                                 + (f"，并重新评估了 {'、'.join(map(str, years))} 年度的真实企业。"
                                    if years else "。"))

        return self._store_job("移除示例数据", remove_sample, done)

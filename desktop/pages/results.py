"""结果一览: every assessed firm of a year, filtered and sorted, with the class distribution;
double-click opens the firm in 企业自评; the current view exports to a workbook.

Columns are sized from the header and a sample of rows, never ``resizeColumnsToContents`` over
the whole model (≈ 1.5 s at any size, DESIGN.md)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.context import AppContext
from desktop.models import RESULT_COLUMNS, ResultsModel, ResultsProxy, result_text
from desktop.operations import Operation, ProgressPanel
from desktop.widgets.charts import CLASS_COLOURS, MUTED, ColumnChart
from forms.store import BROWSE_COLUMNS
from rules.assessments.mujun import COHORT_LABELS, year_note
from rules.engine import Ctx

ALL = "全部"
_P = {c: i for i, c in enumerate(BROWSE_COLUMNS)}
FLAGS = {"列入高耗低效整治": lambda r: bool(r[_P["rect_flagged"]]),
         "有可享受绿色通道的项目": lambda r: bool(r[_P["green_eligible"]]),
         "有不可享受绿色通道的项目": lambda r: (r[_P["green_projects"]] or 0) > (r[_P["green_eligible"]] or 0),
         "已达专精特新及以上": lambda r: r[_P["sme_tier"]] in ("specialised", "little_giant"),
         "数据不全": lambda r: r[_P["status"]] == "incomplete"}


class ResultsPage(QWidget):
    title = "结果一览"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.year = QComboBox()
        self.year.currentIndexChanged.connect(self.reload)
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索企业名称或信用代码")
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.search, 2)
        self.filters: dict[str, QComboBox] = {}
        for key, title in (("cohort", "分组"), ("class", "分类"), ("flag", "标记"),
                           ("county", "县（市、区）"), ("park", "园区"), ("industry", "行业大类")):
            box = QComboBox()
            box.setMinimumContentsLength(4)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setToolTip(title)
            box.currentIndexChanged.connect(self.apply_filter)
            self.filters[key] = box
            top.addWidget(QLabel(title))
            top.addWidget(box, 1)
        lay.addLayout(top)
        self.progress = ProgressPanel(self)
        lay.addWidget(self.progress)
        self.model = ResultsModel(parent=self)
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.open_firm)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        side = QWidget()
        side.setMaximumWidth(260)
        sl = QVBoxLayout(side)
        self.chart = ColumnChart("分类分布（当前筛选）")
        sl.addWidget(self.chart)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        sl.addWidget(self.counts)
        sl.addStretch(1)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        bottom = QHBoxLayout()
        self.empty = QLabel()
        self.empty.setStyleSheet("color: #5F6B7A;")
        bottom.addWidget(self.empty, 1)
        self.reassess_button = QPushButton("按当前配置重新评估本年度")
        self.reassess_button.clicked.connect(self.reassess)
        export = QPushButton("导出当前视图……")
        export.clicked.connect(self.export_view)
        bottom.addWidget(self.reassess_button)
        bottom.addWidget(export)
        lay.addLayout(bottom)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(250)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self.search_timer.start)
        ctx.data_changed.connect(self.refresh)
        ctx.profile_changed.connect(self.refresh)
        self.stale = True

    # -- loading
    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Re-read the years (after an import or a profile switch) and reload — at once when
        the page is shown, else when it is next shown (reading 100,000 rows takes most of a
        second that an import finishing elsewhere should not freeze)."""
        if not self.isVisible():
            self.stale = True
            return
        self.stale = False
        keep = self.year.currentData()
        years = sorted(set(self.ctx.store.years()) | set(self.ctx.store.result_years(
            self.ctx.profile.id)), reverse=True)
        self.year.blockSignals(True)
        self.year.clear()
        for y in years:
            self.year.addItem(f"{y} 年度", y)
        if keep in years:
            self.year.setCurrentIndex(years.index(keep))
        self.year.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        year = self.year.currentData()
        rows = self.ctx.store.browse(year, self.ctx.profile.id) if year is not None else []
        self.model.set_rows(rows)
        self._fill_filters(rows)
        self._size_columns()
        self.apply_filter()
        stored = self.ctx.store.count(year) if year is not None else 0
        if year is None:
            self.empty.setText("数据库中还没有企业。可在“批量导入”导入园区表格，或在“企业自评”填报后保存。")
        elif stored > len(rows):
            self.empty.setText(f"{year} 年度有 {stored - len(rows):,} 家企业尚未按当前配置"
                               f"（{self.ctx.profile.name}）评估，点右侧按钮评估。")
        else:
            note = year_note(Ctx(self.ctx.profile, self.ctx.as_of), year)
            self.empty.setText(f"配置：{self.ctx.profile.name} {self.ctx.profile.version}"
                               + (f"。注意：{note}" if note else ""))
        self.reassess_button.setEnabled(year is not None)

    def _fill_filters(self, rows: list[tuple]) -> None:
        def distinct(i: int) -> list[str]:
            return sorted({str(r[i]) for r in rows if r[i] not in (None, "")})

        options = {
            "cohort": [(COHORT_LABELS.get(c, c), c) for c in distinct(_P["cohort"])],
            "class": [(f"{c} 类", c) for c in "ABCD"] + [("未分类", "")],
            "flag": [(k, k) for k in FLAGS],
            "county": [(c, c) for c in distinct(_P["county"])],
            "park": [(c, c) for c in distinct(_P["park"])],
            "industry": [(c, c) for c in sorted({str(r[_P["industry_code"]])[:2] for r in rows
                                                 if r[_P["industry_code"]]})],
        }
        for key, box in self.filters.items():
            keep = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(ALL, None)
            for text, data in options[key]:
                box.addItem(text, data)
            i = box.findData(keep) if keep is not None else 0
            box.setCurrentIndex(max(0, i))
            box.blockSignals(False)

    def _size_columns(self) -> None:
        fm = self.table.fontMetrics()
        sample = self.model.rows[:200]
        for c, (key, head) in enumerate(RESULT_COLUMNS):
            widest = max([fm.horizontalAdvance(head) + 28,
                          *(fm.horizontalAdvance(result_text(r, key)) + 16 for r in sample)])
            self.table.setColumnWidth(c, min(widest, 320))

    # -- filtering
    def apply_filter(self) -> None:
        text = self.search.text().strip().upper()
        chosen = {k: b.currentData() for k, b in self.filters.items()}
        tests = []
        if text:
            tests.append(lambda r: text in (r[_P["name"]] or "").upper()
                         or text in (r[_P["credit_code"]] or ""))
        for key, col in (("cohort", "cohort"), ("county", "county"), ("park", "park")):
            if chosen[key] is not None:
                tests.append(lambda r, v=chosen[key], i=_P[col]: r[i] == v)
        if chosen["class"] is not None:
            tests.append(lambda r, v=chosen["class"]: (r[_P["class"]] or "") == v)
        if chosen["industry"] is not None:
            tests.append(lambda r, v=chosen["industry"]: str(r[_P["industry_code"]] or "")[:2] == v)
        if chosen["flag"] is not None:
            tests.append(FLAGS[chosen["flag"]])
        self.proxy.set_filter((lambda r: all(t(r) for t in tests)) if tests else None)
        self._update_summary()

    def _update_summary(self) -> None:
        shown = self.proxy.visible_rows()
        by: dict[str, int] = {}
        for r in shown:
            k = r[_P["class"]] or "未分类"
            by[k] = by.get(k, 0) + 1
        self.chart.set_columns([(f"{c} 类", by.get(c, 0), CLASS_COLOURS[c]) for c in "ABCD"]
                               + [("未分类", by.get("未分类", 0), MUTED)])
        self.counts.setText(f"显示 {len(shown):,} / {len(self.model.rows):,} 家")

    # -- actions
    def open_firm(self, index: QModelIndex) -> None:
        row = self.proxy.data(index, Qt.ItemDataRole.UserRole)
        if row is not None:
            self.ctx.navigate.emit("selfcheck", (row[_P["credit_code"]], self.year.currentData()))

    def export_view(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        year = self.year.currentData()
        name, _ = QFileDialog.getSaveFileName(self, "导出当前视图",
                                              str(Path.home() / f"结果一览_{year}.xlsx"),
                                              "Excel 工作簿 (*.xlsx)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> Operation:
        from forms.excel.export import write_table

        rows = self.proxy.visible_rows()
        heads = [h for _, h in RESULT_COLUMNS]
        keys = [k for k, _ in RESULT_COLUMNS]

        def cells(r: tuple) -> list:
            out = []
            for k in keys:
                if k == "score":
                    out.append(r[_P["score"]])
                else:
                    out.append(result_text(r, k))
            return out

        return self.progress.run(
            lambda p: write_table(path, "结果一览", heads, (cells(r) for r in rows), p, len(rows)),
            "导出当前视图", on_success=lambda out: self.ctx.status.emit(f"已导出：{out}"))

    def reassess(self) -> Operation | None:
        year = self.year.currentData()
        if year is None or self.progress.busy:
            return None
        ctx = self.ctx
        profile, as_of = ctx.profile, ctx.as_of

        def work(progress):
            from forms.pipeline import reassess

            with ctx.worker_store() as store:
                return reassess(store, profile, as_of, [year], progress)

        return self.progress.run(work, f"评估 {year} 年度", on_success=lambda _: ctx.data_changed.emit())

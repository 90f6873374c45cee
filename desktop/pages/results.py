"""结果一览: the park manager's sheet — every assessed firm of a year with its class, rank and the
figures behind them (用地, 税金, 亩均税收, 亩均增加值, 单位能耗增加值 … with units; 未知 when the data
does not give them, never 0), filtered and sorted, with the class distribution. Name and code
stay in view when scrolling sideways; columns can be hidden (remembered in ``window.ini``);
Ctrl+C copies the selected rows as a table for Excel/WPS; 清除筛选 resets every filter, the
filter to one import batch (查看本批结果 on 批量导入) included. Double-click opens the firm in
企业自评; the current view exports to a workbook, the park summary to a PDF, each said on the
page with 打开文件 / 打开文件夹. The indicator columns are those the year's firms were scored on
(a county chooses its own), with 行业组, 加减分 and 初评等级 when a county's method gave a firm
one, and 碳效 (“中·3级”, sortable; the flag 碳效等级为“高” filters on it). 加减分与调档……
lets the park manager enter the profile's manual 加减分 and a regrade for the selected firm,
with a reason, and ranks the year again (``ManualEntryDialog``).

Columns are sized from the header and a sample of rows, never ``resizeColumnsToContents`` over
the whole model (≈ 1.5 s at any size, DESIGN.md). The figures and indicators are read after the
rows, in the background (one JSON parse per firm: ≈ 0.3 s for 20,000 firms)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop import dialogs, paths
from desktop.context import AppContext
from desktop.models import (
    COUNTY_KEYS,
    EXTRA_KEYS,
    INDICATOR_NAMES,
    ResultsModel,
    ResultsProxy,
    counted,
    extra_value,
    indicator_detail,
    read_extras,
    result_text,
    shown_columns,
    used_columns,
)
from desktop.operations import Operation, ProgressPanel
from desktop.widgets.charts import CLASS_COLOURS, MUTED, ColumnChart
from desktop.widgets.outcome import OutcomeLine
from desktop.widgets.sheet_view import SheetView
from forms.excel.export import layout_for
from forms.store import BROWSE_COLUMNS, REGRADE, SAMPLE
from rules.assessments.mujun import COHORT_LABELS, year_note
from rules.engine import Ctx

ALL = "全部"
_P = {c: i for i, c in enumerate(BROWSE_COLUMNS)}
FLAGS = {"列入高耗低效整治": lambda r: bool(r[_P["rect_flagged"]]),
         "有可享受绿色通道的项目": lambda r: bool(r[_P["green_eligible"]]),
         "有不可享受绿色通道的项目": lambda r: (r[_P["green_projects"]] or 0) > (r[_P["green_eligible"]] or 0),
         "已达专精特新及以上": lambda r: r[_P["sme_tier"]] in ("specialised", "little_giant"),
         # the two ranking pools: a sample firm's rank is among sample firms only
         "只看真实企业": lambda r: r[_P["pool"]] != SAMPLE,
         "只看示例企业（合成数据）": lambda r: r[_P["pool"]] == SAMPLE,
         "数据不全": lambda r: r[_P["status"]] == "incomplete",
         # read with the figures: no row matches until they are read
         "碳效等级为“高”": lambda r: (extra_value(r, "carbon") or (None, None))[1] == "高"}
_EXTRA = set(EXTRA_KEYS)
HIDDEN_KEY = "results/hidden_columns"  # in window.ini: the keys of the columns the user hid


class ResultsPage(QWidget):
    title = "结果一览"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        # import batch shown alone: (batch id, data year → credit codes), until 清除筛选
        self.batch: tuple[int, dict[int, set[str]]] | None = None
        self.want_year: int | None = None  # the year to show at the next reload
        self.extras_op: Operation | None = None
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
        second = QHBoxLayout()
        self.batch_note = QLabel()
        self.batch_note.setStyleSheet("color: #1D4ED8; font-weight: bold;")
        self.batch_note.setVisible(False)
        second.addWidget(self.batch_note)
        self.legend = QLabel("“未知”：企业数据中没有这项（不按 0 计）；“—”：该组企业不计此项指标。"
                             "表头右键或“列……”选择显示的列；选中行后 Ctrl+C 复制到 Excel/WPS。")
        self.legend.setStyleSheet("color: #5F6B7A;")
        self.legend.setWordWrap(True)
        second.addWidget(self.legend, 1)
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.setToolTip("搜索、各筛选项和“本批结果”全部恢复为全部企业")
        self.clear_button.clicked.connect(self.clear_filters)
        self.columns_button = QPushButton("列……")
        self.columns_button.setToolTip("选择显示哪些列（企业名称、信用代码始终显示）")
        self.columns_button.clicked.connect(
            lambda: self.table.column_menu().exec(
                self.columns_button.mapToGlobal(self.columns_button.rect().bottomLeft())))
        second.addWidget(self.clear_button)
        second.addWidget(self.columns_button)
        lay.addLayout(second)
        self.progress = ProgressPanel(self)
        lay.addWidget(self.progress)
        self.model = ResultsModel(parent=self)
        self.model.explain = self._explain
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = SheetView(frozen=2)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setModel(self.proxy)
        self.table.cell_text = lambda r, c: result_text(self.proxy.row(r),  # type: ignore[method-assign]
                                                        self.model.columns[c][0])
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        # a sort keeps the chosen firm chosen (persistent indexes); show where it went
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            lambda *_: QTimer.singleShot(0, self._scroll_to_current))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self.open_firm)
        open_action = QAction("在“企业自评”中打开", self)
        open_action.triggered.connect(lambda: self.open_firm(self.table.currentIndex()))
        manual_action = QAction("加减分与调档……", self)
        manual_action.triggered.connect(self.enter_manual)
        self.table.row_actions = [open_action, manual_action]
        self.table.copied.connect(lambda n: ctx.status.emit(
            f"已复制 {n:,} 行（含表头，只含显示的列），可粘贴到 Excel/WPS"))
        self.hidden_keys: set[str] = set()  # the columns the user hid (shown or not now)
        self._restore_columns()
        self._columns_shown()
        self.table.columns_changed.connect(self._save_columns)
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
        self.reading = QLabel("正在读取各项指标……")
        self.reading.setStyleSheet("color: #5F6B7A;")
        self.reading.setVisible(False)
        sl.addWidget(self.reading)
        sl.addStretch(1)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        self.outcome = OutcomeLine(self)
        lay.addWidget(self.outcome)
        bottom = QHBoxLayout()
        self.empty = QLabel()
        self.empty.setStyleSheet("color: #5F6B7A;")
        self.empty.setWordWrap(True)
        bottom.addWidget(self.empty, 1)
        self.reassess_button = QPushButton("按当前配置重新评估本年度")
        self.reassess_button.clicked.connect(self.reassess)
        self.manual_button = QPushButton("加减分与调档……")
        self.manual_button.setToolTip("为选中的企业录入本县办法中由园区录入的加减分，或人工调档（须写明理由），"
                                      "然后重新评估本年度")
        self.manual_button.clicked.connect(self.enter_manual)
        self.summary_button = QPushButton("生成园区汇总……")
        self.summary_button.setToolTip("把当前显示的企业汇总成一份 PDF：分组与分类、得分线、指标平均值、"
                                       "梯度培育、高耗低效和绿色通道")
        self.summary_button.clicked.connect(self.make_summary)
        export = QPushButton("导出当前视图……")
        export.clicked.connect(self.export_view)
        self.notice_button = QPushButton("公示名单与一企一单……")
        self.notice_button.setToolTip("为当前显示的企业生成公示名单（排名不分先后）和一企一单数据确认表，"
                                      "各一份 PDF 和 Excel，放在所选文件夹")
        self.notice_button.clicked.connect(self.make_notices)
        bottom.addWidget(self.reassess_button)
        bottom.addWidget(self.manual_button)
        bottom.addWidget(self.summary_button)
        bottom.addWidget(self.notice_button)
        bottom.addWidget(export)
        lay.addLayout(bottom)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(250)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self.search_timer.start)
        ctx.data_changed.connect(self.refresh)
        ctx.profile_changed.connect(self.refresh)
        ctx.navigate.connect(self._navigated)
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
        keep = self.want_year if self.want_year is not None else self.year.currentData()
        self.want_year = None
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
        # until the results are read, the indicators the profile scores
        self._set_columns(shown_columns(layout_for(self.ctx.profile).indicators))
        self.model.set_rows(rows)
        self._fill_filters(rows)
        self._size_columns()
        self.apply_filter()
        self._read_extras()
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
        self.manual_button.setEnabled(bool(rows))
        self.summary_button.setEnabled(bool(rows))

    def _read_extras(self) -> Operation | None:
        """Read the figures and indicators of the rows just shown, off the UI thread; they
        fill their columns when read (unless another year was chosen meanwhile)."""
        rows, year, ctx, pid = self.model.rows, self.year.currentData(), self.ctx, \
            self.ctx.profile.id
        if not rows:
            return None

        def work(progress):
            with ctx.worker_store() as store:
                return read_extras(store, year, pid, rows)

        def done(extended: list[tuple]) -> None:
            if self.model.rows is rows:
                self.model.set_extras(extended)
                self._set_columns(used_columns(extended))
                self._update_summary()

        self.extras_op = Operation(self, work, "读取指标", on_success=done)
        self.extras_op.start()
        return self.extras_op

    def _explain(self, row: tuple, key: str) -> str | None:
        return indicator_detail(self.ctx.store, self.year.currentData(), self.ctx.profile.id,
                                row, key)

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

    def _set_columns(self, columns: tuple[tuple[str, str], ...]) -> None:
        """Show ``columns`` (the indicators the results use, a county's columns), keeping the
        sort and the columns the user hid."""
        old = self.model.columns
        sort = self.proxy.sort_column
        key = old[sort][0] if 0 <= sort < len(old) else None
        order = self.proxy.sort_order
        if not self.model.set_columns(columns):
            return
        self._columns_shown()
        self._size_columns()
        new = self.model.column(key) if key else -1
        self.table.sortByColumn(new, order)

    def _columns_shown(self) -> None:
        """Hide the user's hidden columns among those shown now; code and rank copy as text."""
        self.table.text_columns = {self.model.column("credit_code"), self.model.column("rank")}
        for c, (key, _) in enumerate(self.model.columns):
            self.table.setColumnHidden(c, key in self.hidden_keys
                                       and c >= self.table.frozen_count)

    def _size_columns(self) -> None:
        fm = self.table.fontMetrics()
        sample = self.model.rows[:200]
        for c, (key, _) in enumerate(self.model.columns):
            texts = ["未知"] if key in _EXTRA and key not in COUNTY_KEYS else \
                [result_text(r, key) for r in sample]
            if key == "adjust":
                texts.append("-10.5")
            if key == "carbon":
                texts.append("中·未定级")
            if key in INDICATOR_NAMES:
                texts.append("00000.00")
            head = str(self.model.headerData(c, Qt.Orientation.Horizontal))
            widest = max([*(fm.horizontalAdvance(line) + 28 for line in head.split("\n")),
                          *(fm.horizontalAdvance(t) + 16 for t in texts)])
            self.table.setColumnWidth(c, min(widest, 320))

    # -- columns shown
    def _settings(self) -> QSettings:
        return QSettings(str(paths.home() / "window.ini"), QSettings.Format.IniFormat)

    def _restore_columns(self) -> None:
        self.hidden_keys = {k for k in str(self._settings().value(HIDDEN_KEY, "") or "").split(",")
                            if k}

    def _save_columns(self) -> None:
        """The columns hidden now, and those hidden before that are not shown at present (an
        indicator of another profile stays hidden when it comes back)."""
        shown = {k for k, _ in self.model.columns}
        now = {k for c, (k, _) in enumerate(self.model.columns) if self.table.isColumnHidden(c)}
        self.hidden_keys = (self.hidden_keys - shown) | now
        s = self._settings()
        s.setValue(HIDDEN_KEY, ",".join(sorted(self.hidden_keys)))
        s.sync()

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
        if self.batch is not None:
            codes = self.batch[1].get(self.year.currentData(), set())
            tests.append(lambda r: r[_P["credit_code"]] in codes)
        chosen = self.proxy.mapToSource(self.table.currentIndex())
        self.proxy.set_filter(None if not tests else tests[0] if len(tests) == 1
                              else lambda r: all(t(r) for t in tests))
        shown = self.proxy.mapFromSource(chosen)
        if shown.isValid():  # the firm chosen before stays chosen, when still shown
            self.table.setCurrentIndex(shown)
            self._scroll_to_current()
        self._show_batch_note()
        self._update_summary()

    def _scroll_to_current(self) -> None:
        """The chosen firm back in view after a sort or a filter moved it: up or down only
        (through its frozen name cell), so the columns the user scrolled to stay in view."""
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(self.proxy.index(current.row(), 0))

    def _show_batch_note(self) -> None:
        if self.batch is None:
            self.batch_note.setVisible(False)
            return
        batch, by_year = self.batch
        year = self.year.currentData()
        n = len(by_year.get(year, ()))
        others = "、".join(f"{y} 年度 {len(c)} 家" for y, c in sorted(by_year.items()) if y != year)
        self.batch_note.setText(f"仅显示第 {batch} 批导入的 {n} 家企业"
                                + (f"（本批另有 {others}，可切换年度查看）" if others else "")
                                + "。点“清除筛选”显示全部。")
        self.batch_note.setVisible(True)

    def show_batch(self, batch: int, keys: list[tuple[str, int]]) -> None:
        """Show only the firms of import ``batch`` (its (code, year) keys), in its latest
        year; 清除筛选 shows everyone again."""
        by_year: dict[int, set[str]] = {}
        for code, year in keys:
            by_year.setdefault(year, set()).add(code)
        self.batch = (batch, by_year)
        self.clear_filters(keep_batch=True)
        latest = max(by_year) if by_year else None
        if latest is not None and latest != self.year.currentData():
            i = self.year.findData(latest)
            if i >= 0 and not self.stale:
                self.year.setCurrentIndex(i)  # reloads, and filters
                return
            self.want_year = latest
        if not self.stale:
            self.apply_filter()

    def _navigated(self, name: str, payload: Any) -> None:
        """``("batch", id, keys)`` sent to this page (查看本批结果 on 批量导入)."""
        if name == "results" and isinstance(payload, tuple) and payload and payload[0] == "batch":
            self.show_batch(payload[1], list(payload[2]))

    def clear_filters(self, keep_batch: bool = False) -> None:
        """Every filter back to 全部: the search, the six choices and the batch."""
        if not keep_batch:
            self.batch = None
        self.search.clear()  # with its signals: the box's ⊗ button hides on textChanged
        self.search_timer.stop()  # … which started the search's delay: the filter runs below
        for box in self.filters.values():
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        if not keep_batch:
            self.apply_filter()

    def _update_summary(self) -> None:
        shown = self.proxy.visible_rows()
        by = Counter(map(itemgetter(_P["class"]), shown))  # C speed: 100,000 rows in ms
        by["未分类"] = by.pop(None, 0) + by.pop("", 0)
        self.chart.set_columns([(f"{c} 类", by.get(c, 0), CLASS_COLOURS[c]) for c in "ABCD"]
                               + [("未分类", by.get("未分类", 0), MUTED)])
        regraded = sum(1 for r in shown if extra_value(r, "regrade")) if self.model.extras_read \
            else 0
        self.counts.setText(f"显示 {len(shown):,} / {len(self.model.rows):,} 家"
                            + (f"；其中 {regraded:,} 家经调档，按调档后的分类计" if regraded else ""))
        self.reading.setVisible(not self.model.extras_read)

    # -- actions
    def open_firm(self, index: QModelIndex) -> None:
        row = self.proxy.data(index, Qt.ItemDataRole.UserRole) if index.isValid() else None
        if row is not None:
            self.ctx.navigate.emit("selfcheck", (row[_P["credit_code"]], self.year.currentData()))

    def export_view(self) -> None:
        year = self.year.currentData()
        name = dialogs.save_file(self, "导出当前视图", f"结果一览_{year}年度.xlsx",
                                 "Excel 工作簿 (*.xlsx)", dialogs.EXPORTS)
        if name:
            self.export_to(name)

    def export_to(self, path: Path) -> Operation:
        """The rows and columns shown, in the order shown; figures as numbers (未知 and — as
        words, never 0)."""
        from forms.excel.export import write_table

        rows = self.proxy.visible_rows()
        cols = self.table.visible_columns()
        heads = [self.model.columns[c][1] for c in cols]
        keys = [self.model.columns[c][0] for c in cols]

        def cell(r: tuple, k: str) -> Any:
            if k == "score":
                return r[_P["score"]]
            if k == "adjust":
                return extra_value(r, k)
            if k == "carbon":  # words: 中·3级
                return result_text(r, k)
            if k in _EXTRA and (k not in INDICATOR_NAMES or counted(r, k)) \
                    and extra_value(r, k) is not None:
                return extra_value(r, k)
            return result_text(r, k)

        def done(out: Path) -> None:
            self.outcome.show_file(f"已导出当前视图（{len(rows):,} 家企业，{len(cols)} 列）", out)
            self.ctx.status.emit(f"已导出：{out}")

        ctx, year, pid = self.ctx, self.year.currentData(), self.ctx.profile.id
        unread = bool(rows) and not self.model.extras_read and any(k in _EXTRA for k in keys)

        def work(progress):
            data = rows
            if unread:  # exported right after a reload: read the figures here
                with ctx.worker_store() as store:
                    data = read_extras(store, year, pid, rows)
            from forms.excel.export import Notes

            shown = f"显示 {len(rows):,} / {len(self.model.rows):,} 家" + (
                "（已筛选）" if len(rows) < len(self.model.rows) else "")
            notes = Notes(ctx.profile, [year], ctx.as_of, facts=[("范围", shown)])
            return write_table(path, "结果一览", heads, ([cell(r, k) for k in keys] for r in data),
                               progress, len(data), notes=notes)

        return self.progress.run(
            work, "导出当前视图", on_success=done,
            on_failure=lambda e: self.outcome.show_problem(f"未能导出“{path.name}”，原因见提示框。"))

    def make_notices(self) -> None:
        folder = dialogs.choose_folder(self, "选择保存公示名单和一企一单的文件夹", dialogs.REPORTS)
        if folder:
            self.notices_to(folder)

    def notices_to(self, folder: Path) -> Operation | None:
        """The 公示 list and the 一企一单 sheets of the firms shown, each as a PDF and a
        workbook, from their stored figures and results; the outcome is said on the page."""
        year = self.year.currentData()
        if year is None or self.progress.busy:
            return None
        keys = [(r[_P["credit_code"]], year) for r in self.proxy.visible_rows()]
        ctx, profile = self.ctx, self.ctx.profile
        place = self._scope() if self._scope() != "园区" else ""

        def work(progress):
            from types import SimpleNamespace

            from desktop.reports.notices import write_confirmations, write_notice
            from forms.excel.notices import write_confirmation_workbook, write_notice_workbook

            firms = []
            as_of: date | str = ctx.as_of
            with ctx.worker_store() as store:
                for i, (stored, as_of, _) in enumerate(store.stored_summaries(profile.id, keys)):
                    if i % 200 == 0:
                        progress(i, len(keys), f"读取 {i:,}/{len(keys):,} 家")
                    rec = store.record(stored["credit_code"], year)
                    if rec is not None:
                        firms.append(SimpleNamespace(record=rec, mujun=stored["mujun"]))
            names = ctx.profile.value("mujun.class_names")
            stem = f"{place}{year}年度"
            progress(0, 4, "生成公示名单与一企一单")
            out = [write_notice(firms, folder / f"{stem}亩均效益评价结果公示.pdf", year,
                                place=place, class_names=names)]
            out.append(write_notice_workbook(firms, folder / f"{stem}亩均效益评价结果公示.xlsx", year,
                                             profile=profile, as_of=as_of, scope=place))
            progress(2, 4, "生成一企一单")
            out.append(write_confirmations(firms, folder / f"{stem}一企一单数据确认表.pdf"))
            out.append(write_confirmation_workbook(firms, folder / f"{stem}一企一单数据确认表.xlsx",
                                                   profile=profile, as_of=as_of, scope=place))
            return out, len(firms)

        def done(made: tuple[list[Path], int]) -> None:
            paths, n = made
            self.outcome.show_file(f"已为 {n:,} 家企业生成公示名单和一企一单（PDF 与 Excel 各一份，共 "
                                   f"{len(paths)} 个文件）", folder)

        return self.progress.run(work, "生成公示名单与一企一单", on_success=done)

    def make_summary(self) -> None:
        year = self.year.currentData()
        if year is None:
            return
        name = dialogs.save_file(self, "生成园区汇总", f"{self._scope()}亩均效益评价汇总_{year}年度.pdf",
                                 "PDF 文件 (*.pdf)", dialogs.REPORTS)
        if name:
            self.summary_to(name)

    def _scope(self) -> str:
        """Whom the summary is about, for its title and file name."""
        for key in ("park", "county"):
            if self.filters[key].currentData() is not None:
                return str(self.filters[key].currentData())
        return "园区"

    def summary_to(self, path: Path) -> Operation | None:
        """The park summary PDF of the firms shown, from their stored results (what the table
        shows, not assessed again: ≈ 3 s for 20,000 firms), written in the background; the
        outcome is said on the page."""
        year = self.year.currentData()
        if year is None or self.progress.busy:
            return None
        shown = self.proxy.visible_rows()
        keys = [(r[_P["credit_code"]], year) for r in shown]
        filtered = len(shown) < len(self.model.rows)
        pools = {r[_P["credit_code"]]: r[_P["pool"]] for r in shown}
        place = self._scope() if self._scope() != "园区" else ""
        note = f"当前筛选 {len(shown)} 家（共 {len(self.model.rows)} 家）" if filtered else ""
        ctx, profile = self.ctx, self.ctx.profile

        def work(progress):
            from desktop.reports.layout import ReportError, glyph_warning
            from desktop.reports.summary import ParkSummary, write_park_summary

            summary: ParkSummary | None = None
            with ctx.worker_store() as store:
                for i, (stored, as_of, identity) in enumerate(
                        store.stored_summaries(profile.id, keys)):
                    if i % 200 == 0:
                        progress(i, len(keys), f"汇总 {i:,}/{len(keys):,} 家")
                    if summary is None:
                        summary = ParkSummary(profile, date.fromisoformat(as_of), place=place,
                                              note=note)
                    summary.add_stored(stored, identity, pools.get(stored["credit_code"]))
            if summary is None:
                return None, 0, "", "没有已评估的企业"
            progress(len(keys), len(keys), "排版园区汇总")
            try:
                return write_park_summary(summary, path), summary.firms, glyph_warning(), ""
            except ReportError as e:
                return None, summary.firms, "", str(e)

        def done(made: tuple[Path | None, int, str, str]) -> None:
            out, n, warning, problem = made
            if out is None:
                self.outcome.show_problem(f"未能生成园区汇总：{problem}")
                return
            self.outcome.show_file(
                f"已生成园区汇总（{n:,} 家企业{'，按当前筛选' if filtered else ''}；导入时被拒绝的行"
                "不在数据库中，汇总不列出它们" + (f"；{warning}" if warning else "") + "）", out)

        return self.progress.run(
            work, "生成园区汇总", on_success=done,
            on_failure=lambda e: self.outcome.show_problem(f"未能生成“{path.name}”，原因见提示框。"))

    def selected_firm(self) -> tuple | None:
        """The row of the firm selected (the current row), or None."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.proxy.rowCount():
            return None
        return self.proxy.row(index.row())

    def enter_manual(self) -> None:
        """加减分与调档…… for the selected firm: the dialog, then save and rank again."""
        row = self.selected_firm()
        year = self.year.currentData()
        if row is None or year is None:
            self.outcome.show_problem("请先在表中选中一家企业，再点“加减分与调档……”。")
            return
        from desktop.widgets.manual_entry import ManualEntryDialog

        dialog = self.manual_dialog(row, year)
        if dialog.exec() == ManualEntryDialog.DialogCode.Accepted:
            self.save_manual(row[_P["credit_code"]], year, dialog.changes(), dialog.who)

    def manual_dialog(self, row: tuple, year: int) -> Any:
        """The dialog for the firm of ``row`` in ``year``, with its stored result and entries."""
        from desktop.widgets.manual_entry import ManualEntryDialog

        ctx, code = self.ctx, row[_P["credit_code"]]
        stored = next(iter(ctx.store.stored_summaries(ctx.profile.id, [(code, year)])), None)
        return ManualEntryDialog(ctx.profile, row[_P["name"]] or "", code, year,
                                 stored[0]["mujun"] if stored else None,
                                 ctx.store.manual_for(ctx.profile.id, code, year),
                                 who=getattr(ctx.settings, "user_name", "") or "", parent=self,
                                 as_of=ctx.as_of)

    def save_manual(self, code: str, year: int, changes: list[tuple[str, Any, str]],
                    who: str) -> Operation | None:
        """Store the park manager's entries and rank ``year`` again, in one transaction, in the
        background: a 加减分 moves the firm's score, and with it everybody's rank."""
        if not changes or self.progress.busy:
            return None
        ctx = self.ctx
        profile, as_of = ctx.profile, ctx.as_of

        def work(progress):
            from forms.pipeline import reassess

            with ctx.worker_store() as store, store.atomic(progress):
                for item, value, reason in changes:
                    store.set_manual(profile.id, code, year, item, value, reason, who)
                return reassess(store, profile, as_of, [year], progress)

        def done(_: Any) -> None:
            words = "、".join(("调档" if item == REGRADE else "加减分")
                             + ("（清除）" if value is None else "") for item, value, _ in changes)
            # a line of the outcome, in its colour for work done (no file to open)
            self.outcome.show_problem(f"已保存 {len(changes)} 项录入（{words}），并按当前配置重新评估了 "
                                      f"{year} 年度全部企业（录入人：{who}）")
            self.outcome.label.setStyleSheet("color: #1E6B34;")
            ctx.data_changed.emit()

        return self.progress.run(work, f"保存录入并重新评估 {year} 年度", on_success=done)

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

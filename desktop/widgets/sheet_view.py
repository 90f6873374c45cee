"""A table a park manager works in like a spreadsheet, and the line that says where a file went.

``SheetView`` keeps its first columns (the firm's name and code) in place while the rest scroll
sideways — Qt's "frozen column" example: a second view over the first, sharing its model,
selection and vertical scroll — and copies the selected rows, visible columns only, as a table
(tab-separated text and an HTML table, so that Excel and WPS paste cells, keep long digit codes
as text and do not read "5/40" as a date).

``OutcomeLine`` is what an export leaves on the page: the file's path with 打开文件 and
打开文件夹 (the status bar is easily missed, and gone after a few seconds)."""

from __future__ import annotations

import atexit
from collections.abc import Iterable
from html import escape
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QTableView,
    QWidget,
)


def title(model: Any, column: int) -> str:
    """A column's header on one line (``UserRole`` when the model gives it, as the results
    model does for headers it wraps)."""
    h = Qt.Orientation.Horizontal
    return _cell(model.headerData(column, h, Qt.ItemDataRole.UserRole)
                 or model.headerData(column, h))


def _cell(text: object) -> str:
    """A cell as one line of text (a tab or line break would split the pasted table)."""
    return " ".join(str(text or "").split()) if text is not None else ""


class _StayOpen(QObject):
    """Ticking a column in the menu leaves the menu open, to tick the next one."""

    def eventFilter(self, menu: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(menu, QMenu):
            act = menu.activeAction()
            if act is not None and act.isCheckable() and act.isEnabled():
                act.trigger()
                return True
        return False


_CLEAR_REGISTERED = False


def _clear_clipboard_at_exit() -> None:
    """Hand the copied rows back to Qt before Python shuts down: a clipboard still holding
    mime data made here is otherwise torn down after its Python side (a crash at exit)."""
    global _CLEAR_REGISTERED
    if _CLEAR_REGISTERED:
        return
    _CLEAR_REGISTERED = True

    def clear() -> None:
        if QGuiApplication.instance() is not None:
            QGuiApplication.clipboard().clear()

    atexit.register(clear)  # tests and scripts: the application never quits
    app = QGuiApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(clear)  # the window closed: before the application goes


class SheetView(QTableView):
    """A row-selecting table whose first ``frozen`` logical columns stay visible."""

    columns_changed = Signal()  # a column was shown or hidden from the menu
    copied = Signal(int)  # rows put on the clipboard

    def __init__(self, frozen: int = 2, parent: QWidget | None = None):
        super().__init__(parent)
        self.frozen_count = frozen
        self.text_columns: set[int] = set()  # pasted as text, never as a number or a date
        self.row_actions: list[QAction] = []  # shown above 复制 in the context menu
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen = QTableView(self)
        self.frozen.setObjectName("frozen")
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.verticalHeader().hide()
        self.frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.frozen.setStyleSheet("QTableView#frozen { border: none; "
                                  "border-right: 1px solid #9AA5B1; }")
        for view in (self, self.frozen):  # one line per firm, as in a spreadsheet
            view.verticalHeader().setDefaultSectionSize(24)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.viewport().stackUnder(self.frozen)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.frozen.horizontalHeader().sectionResized.connect(  # widened from the frozen header
            lambda c, _old, new: c < self.frozen_count and self.setColumnWidth(c, new))
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)
        self.frozen.doubleClicked.connect(self.doubleClicked)
        self.frozen.pressed.connect(lambda _: self.setFocus())  # Ctrl+C after a click there
        fh = self.frozen.horizontalHeader()
        fh.setSectionsClickable(True)
        fh.setSortIndicatorShown(True)
        fh.sectionClicked.connect(self._frozen_header_clicked)
        self.horizontalHeader().sortIndicatorChanged.connect(
            lambda c, o: self.frozen.horizontalHeader().setSortIndicator(c, o))
        for view in (self, self.frozen):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                lambda pos, v=view: self._row_menu(v.viewport().mapToGlobal(pos)))
            header = view.horizontalHeader()
            header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            header.customContextMenuRequested.connect(
                lambda pos, h=header: self.column_menu().exec(h.mapToGlobal(pos)))
        self._stay_open = _StayOpen(self)
        self.copy_action = QAction("复制所选行（含表头，可粘贴到 Excel/WPS）", self)
        self.copy_action.setShortcut("Ctrl+C")
        self.copy_action.triggered.connect(self.copy_rows)

    # -- the frozen view follows the main one
    def setModel(self, model) -> None:  # type: ignore[override]
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        for view in (self, self.frozen):
            # a column header paints itself by asking the selection whether its neighbours'
            # every row is selected — with 20,000 rows selected, 200,000 calls into the Python
            # proxy and ~2 s per sideways scroll. Rows are selected, never columns: the
            # column headers get a selection of their own, always empty.
            view.horizontalHeader().setSelectionModel(QItemSelectionModel(model, view))
        model.modelReset.connect(self._sync_frozen)
        self._sync_frozen()

    def _sync_frozen(self) -> None:
        model = self.model()
        if model is None:
            return
        self.frozen.setAlternatingRowColors(self.alternatingRowColors())
        self.frozen.setWordWrap(self.wordWrap())
        for c in range(model.columnCount()):
            self.frozen.setColumnHidden(c, c >= self.frozen_count)
            if c < self.frozen_count:
                self.frozen.setColumnWidth(c, self.columnWidth(c))
        self._place_frozen()

    def frozen_width(self) -> int:
        return sum(self.columnWidth(c) for c in range(self.frozen_count)
                   if not self.isColumnHidden(c))

    def _place_frozen(self) -> None:
        self.frozen.horizontalHeader().setFixedHeight(self.horizontalHeader().height())
        self.frozen.setGeometry(self.verticalHeader().width() + self.frameWidth(),
                                self.frameWidth(), self.frozen_width(),
                                self.viewport().height() + self.horizontalHeader().height())

    def _section_resized(self, column: int, _old: int, new: int) -> None:
        if column < self.frozen_count:
            self.frozen.setColumnWidth(column, new)
            self._place_frozen()

    def _frozen_header_clicked(self, column: int) -> None:
        h = self.horizontalHeader()
        ascending = Qt.SortOrder.AscendingOrder
        order = (Qt.SortOrder.DescendingOrder if h.sortIndicatorSection() == column
                 and h.sortIndicatorOrder() == ascending else ascending)
        self.sortByColumn(column, order)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_frozen()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        if hasattr(self, "frozen"):
            self._place_frozen()

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Moving left never leaves the current cell hidden under the frozen columns; Home and
        Ctrl+Home (to a frozen column) scroll back to the first columns too."""
        current = super().moveCursor(action, modifiers)
        if action == QAbstractItemView.CursorAction.MoveHome:
            self.horizontalScrollBar().setValue(0)
        if action == QAbstractItemView.CursorAction.MoveLeft \
                and current.column() >= self.frozen_count:
            x = self.visualRect(current).topLeft().x()
            if x < self.frozen_width():
                bar = self.horizontalScrollBar()
                bar.setValue(bar.value() + x - self.frozen_width())
        return current

    def scrollTo(self, index: QModelIndex,
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
                 ) -> None:
        if index.column() >= self.frozen_count:
            super().scrollTo(index, hint)
        else:  # a frozen cell is always in view sideways: scroll only up or down
            super().scrollTo(self.model().index(index.row(), self.horizontalHeader()
                                                .logicalIndexAt(self.frozen_width() + 1)), hint)

    # -- columns
    def column_menu(self) -> QMenu:
        """Every column but the frozen ones, checked when shown."""
        menu = QMenu(self)
        model = self.model()
        frozen = [title(model, c) for c in range(self.frozen_count)]
        head = menu.addAction(f"{'、'.join(frozen)}始终显示")
        head.setEnabled(False)
        menu.addSeparator()
        for c in range(self.frozen_count, model.columnCount()):
            act = menu.addAction(title(model, c).replace("&", "&&"))  # & is not a shortcut
            act.setCheckable(True)
            act.setChecked(not self.isColumnHidden(c))
            act.toggled.connect(lambda on, c=c: self.show_column(c, on))
        menu.addSeparator()
        every = menu.addAction("显示全部列")
        every.triggered.connect(self.show_all_columns)
        menu.installEventFilter(self._stay_open)
        return menu

    def show_all_columns(self) -> None:
        for c in range(self.model().columnCount()):
            self.setColumnHidden(c, False)
        self.columns_changed.emit()

    def show_column(self, column: int, shown: bool) -> None:
        self.setColumnHidden(column, not shown)
        self.columns_changed.emit()

    def visible_columns(self) -> list[int]:
        """Logical columns as they stand on screen, hidden ones left out."""
        h = self.horizontalHeader()
        return [c for c in (h.logicalIndex(v) for v in range(h.count()))
                if not self.isColumnHidden(c)]

    # -- copying
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_rows()
            return
        super().keyPressEvent(event)

    def selected_rows(self) -> list[int]:
        """From the selection's ranges (``selectedRows`` asks the model about every cell)."""
        rows: set[int] = set()
        for r in self.selectionModel().selection():
            rows.update(range(r.top(), r.bottom() + 1))
        return sorted(rows)

    def cell_text(self, row: int, column: int) -> str:
        """What a copied cell holds (a page may give a faster way to the same text)."""
        return self.model().index(row, column).data()

    def table_text(self, rows: Iterable[int]) -> tuple[str, str]:
        """The rows (view order) with a header row, as tab-separated text and as HTML."""
        model, cols = self.model(), self.visible_columns()
        heads = [title(model, c) for c in cols]
        lines = ["\t".join(heads)]
        html = ["<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads) + "</tr>"]
        text_style = ' style="mso-number-format:\'\\@\'"'
        for r in rows:
            cells = [_cell(self.cell_text(r, c)) for c in cols]
            lines.append("\t".join(cells))
            html.append("<tr>" + "".join(
                f"<td{text_style if c in self.text_columns else ''}>{escape(v)}</td>"
                for c, v in zip(cols, cells)) + "</tr>")
        html.append("</table>")
        return "\r\n".join(lines) + "\r\n", "".join(html)

    def copy_rows(self) -> int:
        """Put the selected rows on the clipboard; returns how many."""
        rows = self.selected_rows()
        if not rows:
            return 0
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # ≈ 3 s for 20,000 rows
        try:
            text, html = self.table_text(rows)
            data = QMimeData()
            data.setText(text)
            data.setHtml(f'<html><head><meta charset="utf-8"></head><body>{html}</body></html>')
            QGuiApplication.clipboard().setMimeData(data)
            _clear_clipboard_at_exit()
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.copied.emit(len(rows))
        return len(rows)

    def _row_menu(self, where: QPoint) -> None:
        menu = QMenu(self)
        for act in self.row_actions:
            menu.addAction(act)
        if self.row_actions:
            menu.addSeparator()
        self.copy_action.setEnabled(bool(self.selected_rows()))
        menu.addAction(self.copy_action)
        menu.addMenu(self.column_menu()).setText("显示的列")
        menu.exec(where)

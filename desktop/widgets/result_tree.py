"""A result tree shown as it is: every criterion with its mark, values, gap and citations, and
its explanation (note, what is missing, a caveat) on lines of its own under the label — read
on the page, not only in a tooltip. Cells wrap instead of eliding, and the columns share the
width they are given, so nothing is cut at 1366 px nor at 1920 px.
Clicking a citation asks the window to show that parameter in 规则与依据."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QResizeEvent,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from rules.catalogue import label
from rules.engine import Node, Outcome
from rules.wording import (
    clean_citation,
    confidence_text,
    node_gap,
    node_values,
    param_value,
    verdict_meaning,
)

# Colours by meaning for the firm, not by outcome: a rectification sign not triggered is good.
MEANING_COLOURS = {"good": "#1B7F3B", "bad": "#B42318", "unknown": "#B54708",
                   "neutral": "#3E4C59"}
MUTED = "#5F6B7A"
CAVEAT_COLOUR = "#B54708"
LINK = "#2E6FB7"
PARAM_ROLE = Qt.ItemDataRole.UserRole
OUTCOME_ROLE = Qt.ItemDataRole.UserRole + 1  # on column 1: the node's outcome code
MEANING_ROLE = Qt.ItemDataRole.UserRole + 2  # on column 1: good | bad | unknown | neutral
EXPLAIN_ROLE = Qt.ItemDataRole.UserRole + 3  # on column 0: [(text, colour)] under the label
KIND_ROLE = Qt.ItemDataRole.UserRole + 4  # on column 0: the node's kind
COLUMNS = ("条件", "结论", "数值与要求", "差距", "依据（点击查看）")
PAD = 6  # text margin inside a cell, each side
# Share of the width left after 结论 and 差距 (sized to their content) for 条件, values, 依据.
SHARES = {0: 0.42, 2: 0.34, 4: 0.24}
MIN_WIDTH = {0: 170, 2: 120, 4: 90}
GAP_MAX = 110  # a longer gap wraps
SLACK = 4  # shaping of full-width punctuation can differ from horizontalAdvance by a pixel


def wrapped(text: str, font: QFont, width: float) -> tuple[QTextLayout, float]:
    """``text`` laid out in lines of ``width``, broken between words or characters (Chinese
    has no spaces; a long number still breaks rather than being cut); and its height."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, y))
        y += line.height()
    layout.endLayout()
    return layout, y


class WrapDelegate(QStyledItemDelegate):
    """Paints a cell's text wrapped to its column (Chinese has no spaces to break at, so any
    character may end a line), and in column 0 the explanation lines below the label; the row
    is as tall as its tallest cell. Used by any tree whose cells must not be cut (the rules
    page too): ``wrap_cells``."""

    def __init__(self, tree: QTreeView):
        super().__init__(tree)
        self.tree = tree

    def text_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        width = self.tree.header().sectionSize(index.column()) - 2 * PAD
        if index.column() == 0:  # the branch lines take the left of the first column
            depth, parent = 1, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= depth * self.tree.indentation()
        return max(width, 20)

    def blocks(self, index: QModelIndex | QPersistentModelIndex,
               font: QFont) -> list[tuple[str, QFont, str | None]]:
        """(text, font, colour or None for the cell's own) of each block of a cell."""
        blocks: list[tuple[str, QFont, str | None]] = [(index.data() or "", font, None)]
        if index.column() == 0:
            small = QFont(font)
            small.setPointSizeF(max(font.pointSizeF() - 1, 7))
            blocks += [(t, small, c) for t, c in index.data(EXPLAIN_ROLE) or []]
        return blocks

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = self.text_width(index)
        font = index.data(Qt.ItemDataRole.FontRole) or option.font
        height = sum(wrapped(text, f, width)[1] for text, f, _ in self.blocks(index, font) if text)
        return QSize(width + 2 * PAD, math.ceil(max(height, QFontMetrics(font).height())) + 2 * 3)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        texts = self.blocks(index, opt.font)
        opt.text = ""  # background, selection and focus from the style; the text is ours
        style = opt.widget.style() if opt.widget else self.tree.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        own = opt.palette.highlightedText().color() if selected else \
            (index.data(Qt.ItemDataRole.ForegroundRole) or opt.palette.text()).color()
        x, y = opt.rect.left() + PAD, opt.rect.top() + 3.0
        width = opt.rect.width() - 2 * PAD
        painter.save()
        painter.setClipRect(opt.rect)
        for text, font, colour in texts:
            if not text:
                continue
            layout, height = wrapped(text, font, width)
            painter.setPen(own if colour is None or selected else QColor(colour))
            layout.draw(painter, QPointF(x, y))
            y += height
        painter.restore()


def wrap_cells(tree: QTreeView) -> WrapDelegate:
    """Give ``tree`` wrapped cells that re-wrap when a column is resized."""
    tree.setUniformRowHeights(False)
    tree.setWordWrap(True)
    tree.setTextElideMode(Qt.TextElideMode.ElideNone)
    delegate = WrapDelegate(tree)
    tree.setItemDelegate(delegate)
    tree.header().sectionResized.connect(lambda *_: tree.doItemsLayout())
    return delegate


class ResultTree(QTreeWidget):
    citation_clicked = Signal(str)  # a parameter key

    def __init__(self, parent: QWidget | None = None,
                 empty_text: str = "这一项没有需要评估的内容，所以没有结论。"):
        super().__init__(parent)
        self.empty_text = empty_text  # said in the tree when there is nothing to show
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setAlternatingRowColors(True)
        # the scroll bar's room is kept whether or not it is needed: a bar that came and went
        # as rows wrap would change the width the columns share, and so the wrapping
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.delegate = wrap_cells(self)
        h = self.header()
        h.setMinimumSectionSize(48)
        h.setStretchLastSection(False)
        h.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        h.sectionResized.connect(self._section_resized)
        self._fitting = False
        self._user_sized = False  # a person dragged a column: keep their widths
        self.itemClicked.connect(self._clicked)

    def show_trees(self, trees: list[Node]) -> None:
        self.clear()
        if not trees:
            empty = QTreeWidgetItem([self.empty_text])
            empty.setForeground(0, QBrush(QColor(MUTED)))
            self.addTopLevelItem(empty)
            empty.setFirstColumnSpanned(True)
        for t in trees:
            item = self._item(t, t.kind == "sign")
            self.addTopLevelItem(item)
            stack = [(item, 0)]
            while stack:  # open: the top, headings (the indicators), the first level unless n.a.
                it, depth = stack.pop()
                it.setExpanded(depth == 0 or it.data(0, KIND_ROLE) == "section" or (
                    depth == 1 and it.data(1, OUTCOME_ROLE) != Outcome.NA.value))
                stack += [(it.child(i), depth + 1) for i in range(it.childCount())]
        self._user_sized = False
        self.fit_columns()

    def _item(self, n: Node, among_signs: bool) -> QTreeWidgetItem:
        outcome, meaning = verdict_meaning(n, among_signs)
        values = node_values(n)
        names = list(dict.fromkeys(p.name for p in n.params))
        cited = "、".join(names[:2]) + (f" 等 {len(names)} 项" if len(names) > 2 else "")
        item = QTreeWidgetItem([n.label, outcome, values, node_gap(n), cited])
        item.setForeground(1, QBrush(QColor(MEANING_COLOURS[meaning])))
        item.setData(1, OUTCOME_ROLE, n.outcome.value)
        item.setData(0, KIND_ROLE, n.kind)
        item.setData(1, MEANING_ROLE, meaning)
        lines = [x for x in explanation(n) if not (x[0].startswith("缺少：") and
                                                   values.startswith("缺："))]  # said once
        item.setData(0, EXPLAIN_ROLE, lines)
        item.setToolTip(0, "\n".join([n.label, *(t for t, _ in lines)]))
        item.setToolTip(2, values)
        if n.params:
            item.setData(4, PARAM_ROLE, [p.key for p in n.params])
            item.setForeground(4, QBrush(QColor(LINK)))
            item.setToolTip(4, "点击在“规则与依据”中查看\n" + "\n".join(
                f"{p.name} = {param_value(p.key, p.value, p.unit)}；{clean_citation(p.citation)}"
                f"（可信度 {confidence_text(p.confidence)}）" for p in n.params))
        for c in n.children:
            item.addChild(self._item(c, among_signs))
        return item

    # -- column widths
    def fit_columns(self) -> None:
        """结论 and 差距 as wide as their longest text; 条件, values and 依据 share the rest (none
        wider than its longest text needs), so that the tree fits the viewport and wraps."""
        fm = self.fontMetrics()
        longest = {c: 0 for c in range(len(COLUMNS))}
        stack = [(self.topLevelItem(i), 1) for i in range(self.topLevelItemCount())]
        while stack:
            it, depth = stack.pop()
            if it.isFirstColumnSpanned():
                continue
            for c in range(len(COLUMNS)):
                w = fm.horizontalAdvance(it.text(c)) + 2 * PAD + SLACK
                longest[c] = max(longest[c], w + (depth * self.indentation() if c == 0 else 0))
            stack += [(it.child(i), depth + 1) for i in range(it.childCount())]
        head = self.header()
        for c in range(len(COLUMNS)):  # a header is never cut either
            longest[c] = max(longest[c], fm.horizontalAdvance(COLUMNS[c]) + 4 * PAD)
        widths = {1: longest[1], 3: min(longest[3], GAP_MAX)}
        left = self.viewport().width() - widths[1] - widths[3] - 2
        want = {c: max(MIN_WIDTH[c], min(longest[c], int(left * s))) for c, s in SHARES.items()}
        spare = left - sum(want.values())
        for c in (0, 2, 4):  # what one column does not need goes to the others
            if spare <= 0:
                break
            more = min(spare, max(longest[c] - want[c], 0))
            want[c] += more
            spare -= more
        widths.update(want)
        if spare > 0:
            widths[4] += spare  # the last column reaches the edge
        self._fitting = True
        try:
            for c, w in widths.items():
                head.resizeSection(c, int(w))
        finally:
            self._fitting = False

    def _section_resized(self, *_: int) -> None:
        if not self._fitting:
            self._user_sized = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._user_sized:
            self.fit_columns()

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        keys = item.data(4, PARAM_ROLE)
        if column == 4 and keys:
            self.citation_clicked.emit(keys[0])


def explanation(n: Node) -> list[tuple[str, str]]:
    """The lines shown under a node's label: its note, what is missing, its caveat."""
    lines = []
    if n.note:
        lines.append((n.note, MUTED))
    if n.missing:
        lines.append(("缺少：" + "、".join(label(m) for m in n.missing), CAVEAT_COLOUR))
    if n.caveat:  # said where the verdict is read, not only in a tooltip
        lines.append(("※ 注意：" + n.caveat, CAVEAT_COLOUR))
    return lines

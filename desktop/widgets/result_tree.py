"""A result tree shown as it is: every criterion with its mark, values, gap and citations.
Clicking a citation asks the window to show that parameter in 规则与依据."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from rules.catalogue import label
from rules.engine import Node
from rules.wording import node_gap, node_values, param_value, verdict

OUTCOME_COLOURS = {"met": "#1B7F3B", "unmet": "#B42318", "unknown": "#B54708",
                   "not_applicable": "#5F6B7A", "muted": "#5F6B7A"}
CAVEAT_COLOUR = "#B54708"
PARAM_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("条件", "结论", "数值与要求", "差距", "依据（点击查看）")


class ResultTree(QTreeWidget):
    citation_clicked = Signal(str)  # a parameter key

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(list(COLUMNS))
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        h = self.header()
        h.setMinimumSectionSize(60)
        for c, w in ((0, 300), (1, 96), (2, 200), (3, 80)):
            h.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(c, w)
        h.setStretchLastSection(True)  # 依据 takes what is left; 条件 never collapses
        self.itemClicked.connect(self._clicked)

    def show_trees(self, trees: list[Node]) -> None:
        self.clear()
        for t in trees:
            item = self._item(t)
            self.addTopLevelItem(item)
            item.setExpanded(True)
            for i in range(item.childCount()):
                child = item.child(i)
                child.setExpanded(child.data(1, PARAM_ROLE + 1) != "not_applicable")

    def _item(self, n: Node) -> QTreeWidgetItem:
        outcome, tone = verdict(n)
        values = node_values(n)
        item = QTreeWidgetItem([n.label, outcome, values, node_gap(n),
                                "、".join(dict.fromkeys(p.name for p in n.params))])
        colour = QColor(OUTCOME_COLOURS[tone])
        item.setForeground(1, QBrush(colour))
        item.setData(1, PARAM_ROLE + 1, n.outcome.value)
        tips = [n.label]
        if n.note:
            tips.append(n.note)
        if n.missing:
            tips.append("缺少：" + "、".join(label(m) for m in n.missing))
        if n.caveat:
            tips.append("注意：" + n.caveat)
        item.setToolTip(0, "\n".join(tips))
        item.setToolTip(2, values)
        if n.params:
            item.setData(4, PARAM_ROLE, [p.key for p in n.params])
            item.setForeground(4, QBrush(QColor("#2E6FB7")))
            item.setToolTip(4, "\n".join(
                f"{p.name} = {param_value(p.key, p.value, p.unit)}；{p.citation} [{p.confidence}]"
                for p in n.params))
        if n.caveat:  # said where the verdict is read, not only in a tooltip
            warn = QTreeWidgetItem(["※ 注意：" + n.caveat, "", "", "", ""])
            warn.setForeground(0, QBrush(QColor(CAVEAT_COLOUR)))
            warn.setToolTip(0, n.caveat)
            item.addChild(warn)
        for c in n.children:
            item.addChild(self._item(c))
        return item

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        keys = item.data(4, PARAM_ROLE)
        if column == 4 and keys:
            self.citation_clicked.emit(keys[0])

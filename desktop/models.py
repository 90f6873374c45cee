"""Table models: the results of a year (100,000 rows), its sort/filter proxy, the import errors
and the form's projects. Tested without widgets, each under ``qtmodeltester``.

Sorting and filtering happen in Python over a row-index list: ``QSortFilterProxyModel`` would
call ``data()`` (a Python call) twice per comparison — about 3.4 million calls to sort 100,000
rows — while ``list.sort`` with a key touches each row once. Numbers compare as Python numbers
(Qt's default integer sort truncates large values), blanks sort last either way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop.widgets.charts import CLASS_COLOURS
from forms.cells import CellError, parse_cell
from forms.store import BROWSE_COLUMNS
from rules.assessments.mujun import COHORT_LABELS
from rules.assessments.sme import TIER_NAMES
from rules.catalogue import PROJECT_FIELDS, Field
from rules.industry import industry_label
from rules.wording import num

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
ALIGN_NUM = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
RED = QColor("#FDE8E7")

# Column i of the results model: (BROWSE_COLUMNS key, header)
RESULT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("credit_code", "统一社会信用代码"), ("name", "企业名称"), ("county", "县（市、区）"),
    ("park", "园区/街道"), ("industry_code", "行业代码"), ("cohort", "分组"), ("score", "得分"),
    ("class", "分类"), ("rank", "排名"), ("sme_tier", "梯度培育"), ("rect_flagged", "高耗低效"),
    ("digital_level", "数字化等级"), ("green", "绿色通道"))
_POS = {c: i for i, c in enumerate(BROWSE_COLUMNS)}
STATUS_TEXT = {"incomplete": "数据不全", "no_weights": "配置无权重", "not_graded": "不分类"}


def _green(row: tuple) -> str:
    total = row[_POS["green_projects"]] or 0
    if not total:
        return ""
    return f"{row[_POS['green_eligible']] or 0}/{total} 可享受"


def result_text(row: tuple, key: str) -> str:
    """How a cell of the results table reads."""
    if key == "green":
        return _green(row)
    v = row[_POS[key]]
    if key == "cohort":
        return COHORT_LABELS.get(v, v or "")
    if key == "score":
        return "" if v is None else f"{v:.2f}"
    if key == "class":
        return v or STATUS_TEXT.get(row[_POS["status"]], "未分类")
    if key == "rank":
        return "" if v is None else f"{v}/{row[_POS['population']]}"
    if key == "sme_tier":
        return TIER_NAMES.get(v, v or "")
    if key == "rect_flagged":
        return "列入" if v else ""
    if key == "digital_level":
        return "" if v is None else f"{v} 级"
    if key == "industry_code" and v:
        return industry_label(str(v))
    return "" if v is None else str(v)


def sort_key(row: tuple, key: str) -> tuple:
    """(blank?, value): blanks last, numbers as numbers, text as text."""
    if key == "green":
        v: Any = row[_POS["green_eligible"]] if row[_POS["green_projects"]] else None
    elif key == "class":
        v = row[_POS["class"]] or None
    else:
        v = row[_POS[key]]
    return (v is None or v == "", v if v is not None else 0)


class ResultsModel(QAbstractTableModel):
    """A year's stored results, one firm per row (tuples from ``Store.browse``)."""

    def __init__(self, rows: Sequence[tuple] = (), parent: Any = None):
        super().__init__(parent)
        self.rows: list[tuple] = list(rows)

    def set_rows(self, rows: Sequence[tuple]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RESULT_COLUMNS)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        key = RESULT_COLUMNS[index.column()][0]
        if role == DISPLAY:
            return result_text(self.rows[index.row()], key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("score", "rank", "digital_level"):
            return ALIGN_NUM
        if role == Qt.ItemDataRole.ForegroundRole and key == "class":
            colour = CLASS_COLOURS.get(self.rows[index.row()][_POS["class"]] or "")
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.UserRole:
            return self.rows[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return RESULT_COLUMNS[section][1] if 0 <= section < len(RESULT_COLUMNS) else None
        return section + 1


class ResultsProxy(QAbstractProxyModel):
    """Sorts and filters a ``ResultsModel`` through a list of source rows (see module doc)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.order: list[int] = []  # proxy row → source row
        self.inverse: dict[int, int] = {}
        self.predicate: Callable[[tuple], bool] | None = None
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder

    def setSourceModel(self, model: ResultsModel) -> None:  # type: ignore[override]
        self.beginResetModel()
        old = self.sourceModel()
        if old is not None:
            old.modelReset.disconnect(self._rebuild)
        super().setSourceModel(model)
        model.modelReset.connect(self._rebuild)
        self._compute()
        self.endResetModel()

    def _source(self) -> ResultsModel:
        return self.sourceModel()  # type: ignore[return-value]

    def _compute(self) -> None:
        src = self._source()
        rows = src.rows if src is not None else []
        keep = self.predicate
        order = [i for i, r in enumerate(rows) if keep(r)] if keep else list(range(len(rows)))
        if 0 <= self.sort_column < len(RESULT_COLUMNS):
            key = RESULT_COLUMNS[self.sort_column][0]
            keys = {i: sort_key(rows[i], key) for i in order}
            filled = [i for i in order if not keys[i][0]]
            filled.sort(key=lambda i: keys[i][1],
                        reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
            order = filled + [i for i in order if keys[i][0]]  # blanks last either way
        self.order = order
        self.inverse = {s: p for p, s in enumerate(order)}

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._compute()
        self.endResetModel()

    def set_filter(self, predicate: Callable[[tuple], bool] | None) -> None:
        self.predicate = predicate
        self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_src = [self.mapToSource(i) for i in old]
        self.sort_column, self.sort_order = column, order
        self._compute()
        self.changePersistentIndexList(old, [self.mapFromSource(i) for i in old_src])
        self.layoutChanged.emit()

    def visible_rows(self) -> list[tuple]:
        rows = self._source().rows
        return [rows[i] for i in self.order]

    # -- QAbstractProxyModel
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self.order)) \
                or not (0 <= column < len(RESULT_COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RESULT_COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self.order)

    def mapToSource(self, index: Index) -> QModelIndex:
        if not index.isValid() or index.row() >= len(self.order):
            return QModelIndex()
        return self._source().index(self.order[index.row()], index.column())

    def mapFromSource(self, index: Index) -> QModelIndex:
        if not index.isValid() or index.row() not in self.inverse:
            return QModelIndex()
        return self.createIndex(self.inverse[index.row()], index.column())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == DISPLAY else None
        return self._source().headerData(section, orientation, role)


class ErrorsModel(QAbstractTableModel):
    """Import errors, one per rejected cell: sheet, row, column, reason."""

    HEADERS = ("工作表", "行", "列", "原因")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.items: list[tuple[str, int, str, str, Any]] = []  # … and the Row

    def set_rows(self, rows: Sequence[Any]) -> None:
        """``rows``: rejected ``forms.importer.Row`` objects."""
        self.beginResetModel()
        self.items = [(r.sheet, r.row, e.column, e.message, r) for r in rows
                      for e in r.checked.errors]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return str(item[index.column()])
        if role == Qt.ItemDataRole.UserRole:
            return item[4]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return section + 1


# The form's projects table: the project fields a firm types (code and year come from the firm).
PROJECT_COLUMNS: tuple[Field, ...] = tuple(f for f in PROJECT_FIELDS
                                           if f.id not in ("credit_code", "year"))


class ProjectsModel(QAbstractTableModel):
    """The green-channel projects of the form: editable texts, each cell checked as typed."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.rows: list[dict[str, str]] = []

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = [{f.id: "" if r.get(f.id) is None else plain_text(r[f.id])
                      for f in PROJECT_COLUMNS} for r in rows]
        self.endResetModel()

    def add_row(self) -> None:
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self.rows.append({f.id: "" for f in PROJECT_COLUMNS})
        self.endInsertRows()

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def error(self, row: int, column: int) -> str:
        f = PROJECT_COLUMNS[column]
        text = self.rows[row][f.id]
        if not text.strip():
            return f"“{f.label}”是必填项" if f.required and any(self.rows[row].values()) else ""
        try:
            parse_cell(text, f)
        except CellError as e:
            return e.message
        return ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PROJECT_COLUMNS)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        f = PROJECT_COLUMNS[index.column()]
        if role in (DISPLAY, Qt.ItemDataRole.EditRole):
            return self.rows[index.row()][f.id]
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(RED) if self.error(index.row(), index.column()) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.error(index.row(), index.column()) or f.help or None
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        self.rows[index.row()][PROJECT_COLUMNS[index.column()].id] = "" if value is None \
            else str(value)
        self.dataChanged.emit(index, index, [DISPLAY, Qt.ItemDataRole.EditRole])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(PROJECT_COLUMNS):
            f = PROJECT_COLUMNS[section]
            if role == DISPLAY:
                return ("* " if f.required else "") + f.header
            if role == Qt.ItemDataRole.ToolTipRole:
                return f.help or None
            return None
        return section + 1 if role == DISPLAY else None


def plain_text(v: Any) -> str:
    if isinstance(v, float):
        return num(v)
    return str(v)

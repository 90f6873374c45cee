"""Table models: the results of a year (100,000 rows) with their figures and indicators, its
sort/filter proxy, the import errors, the firms an import will write and the form's projects. Tested without widgets, each under ``qtmodeltester``.

The results table's columns follow the results shown: the indicators the firms were scored on
(a county chooses its own from the catalogue), and 行业组, 加减分 and 初评等级 when a county's
method gave any firm one (``shown_columns``); ``RESULT_COLUMNS`` is the provincial layout. The
碳效 column reads “中·3级” (level and grade), sorts by grade then level, and says why in its
tooltip when there is no grade.

Sorting and filtering happen in Python over a row-index list: ``QSortFilterProxyModel`` would
call ``data()`` (a Python call) twice per comparison — about 3.4 million calls to sort 100,000
rows — while ``list.sort`` with a key touches each row once. Numbers compare as Python numbers
(Qt's default integer sort truncates large values), blanks sort last either way. A column's keys
are read once (``sort_keys``) and kept until the rows or their figures change, and the proxy
serves ``data`` straight from the source's rows: at 100,000 firms a sort or a filter takes
about as long as one repaint (``bench/bench_desktop.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from itertools import compress, filterfalse
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from desktop.widgets.charts import CLASS_COLOURS, MUTED
from forms.cells import CellError, parse_cell
from forms.store import BROWSE_COLUMNS
from rules.assessments.mujun import COHORT_LABELS, DEFERRED
from rules.assessments.sme import TIER_NAMES, TIERS
from rules.catalogue import PROJECT_FIELDS, Field
from rules.indicators import BENCHMARK_MODE_WORDS, DEFAULT_INDICATORS, INDICATOR_UNITS
from rules.industry import industry_label
from rules.schema import COHORT_INDICATORS, INDICATOR_NAMES, RATIO
from rules.wording import adjustment_lines, num, regrade_words, signed

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
TITLE = Qt.ItemDataRole.UserRole  # a header on one line (the display may wrap it)
ALIGN_NUM = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
RED = QColor("#FDE8E7")
FIXED_GREEN = QColor("#E3F4E8")
UPDATE_BLUE = QColor("#1D4ED8")

# What the park manager reads beside the class: figures from the stored record, and the 亩均
# indicators of the stored result (read after the rows, in the background: ``read_extras``).
FIGURES: tuple[tuple[str, str], ...] = (
    ("land_mu", "用地（亩）"), ("tax", "实缴税金（万元）"), ("value_added", "工业增加值（万元）"),
    ("energy_equal_tce", "综合能耗等价值（吨标准煤）"))
INDICATORS: tuple[str, ...] = tuple(INDICATOR_NAMES)
# A county's method (issue 15): the 加减分 total, the class before any regrade and the industry
# group ranked in — each a column when some firm has it; and the regrade in words (tooltips).
COUNTY: tuple[tuple[str, str], ...] = (("group", "行业组"), ("adjust", "加减分（分）"),
                                       ("initial_class", "初评等级"))
COUNTY_KEYS = tuple(k for k, _ in COUNTY)
# 碳效 (issue 16): (status, level, grade, intensity, k, reason) of the stored result; None when
# the result was stored before 碳效 was assessed.
EXTRA_KEYS: tuple[str, ...] = (*(k for k, _ in FIGURES), *INDICATORS, *COUNTY_KEYS, "regrade",
                               "carbon")
CARBON_LEVELS = ("低", "中", "高")
NOT_ASSESSED = "未评估"  # a result stored before 碳效 was assessed
HIGH_RED = QColor("#B42318")


def indicator_unit(key: str) -> str:
    return INDICATOR_UNITS[key]


def _indicator_head(key: str) -> str:
    unit = indicator_unit(key)
    return f"{INDICATOR_NAMES[key]}（{'%' if unit == RATIO else unit}）"


# The indicators of the provincial method (and 黄岩's), in the catalogue's order.
PROVINCIAL = tuple(i for i in INDICATORS if any(i in ids for ids in DEFAULT_INDICATORS.values()))


def shown_columns(indicators: Sequence[str] = PROVINCIAL,
                  county: Sequence[str] = ()) -> tuple[tuple[str, str], ...]:
    """Column i of the results model: (row key, header), with the catalogue ``indicators``
    given and the ``county`` columns (``COUNTY_KEYS``) given. A row is a ``Store.browse``
    tuple, followed by the ``EXTRA_KEYS`` values once they are read. Name and code come first:
    they stay in view; the verdict (group, score, class, rank) next, so that a 1366-pixel
    screen shows it beside the chart without scrolling; then where the firm is."""
    extra = dict(COUNTY)
    return (
        ("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("cohort", "分组"),
        *((k, extra[k]) for k in ("group",) if k in county), ("score", "得分"),
        *((k, extra[k]) for k in ("adjust",) if k in county), ("class", "分类"),
        *((k, extra[k]) for k in ("initial_class",) if k in county), ("rank", "排名"),
        ("county", "县（市、区）"), ("park", "园区/街道"), ("industry_code", "行业代码"), *FIGURES,
        *((k, _indicator_head(k)) for k in INDICATORS if k in indicators),
        ("sme_tier", "梯度培育"), ("rect_flagged", "高耗低效"), ("digital_level", "数字化等级"),
        ("carbon", "碳效"), ("green", "绿色通道"))


RESULT_COLUMNS = shown_columns()  # the provincial layout, before a county's results are read
ROW_KEYS = (*BROWSE_COLUMNS, *EXTRA_KEYS)
_POS = {c: i for i, c in enumerate(ROW_KEYS)}
_BASE = len(BROWSE_COLUMNS)
_EXTRA = set(EXTRA_KEYS)
STATUS_TEXT = {"incomplete": "数据不全", "no_weights": "配置无权重", "not_graded": "不分类"}
UNKNOWN = "未知"  # a figure or indicator the firm's data does not give (never shown as 0)
NOT_SCORED = object()  # read_extras: an indicator the firm's cohort does not score
NOT_COUNTED = "—"  # an indicator the firm's group is not assessed on
NUMERIC = {"score", "rank", "digital_level", "adjust", *(k for k, _ in FIGURES), *INDICATORS}


def extra_value(row: tuple, key: str) -> Any:
    """A figure or indicator of ``row``; None when unknown or not read yet."""
    i = _POS[key]
    v = row[i] if i < len(row) else None
    return None if v is NOT_SCORED else v


def counted(row: tuple, key: str) -> bool:
    """Whether the firm's group is assessed on indicator ``key`` (a county chooses its own
    indicators: the stored result says which; before they are read, the provincial set)."""
    if len(row) > _BASE:
        return row[_POS[key]] is not NOT_SCORED
    return key in COHORT_INDICATORS.get(row[_POS["cohort"]], ())


def carbon_text(c: tuple | None) -> str:
    """“中·3级”, “中·未定级”, 未知 (no intensity) or 未评估 (stored before 碳效)."""
    if c is None or c[0] is None:
        return NOT_ASSESSED
    _, level, grade = c[:3]
    if level is None:
        return UNKNOWN
    return f"{level}·{grade}级" if grade is not None else f"{level}·未定级"


def carbon_tip(c: tuple | None) -> str:
    """The 碳效 cell's tooltip: the intensity against the industry average, or why not."""
    if c is None or c[0] is None:
        return "已存结果不含碳效评估（在加入碳效之前评估的）；重新评估本年度后显示"
    _, level, grade, intensity, k, reason = c
    if intensity is None:
        return reason or "缺少数据，无法计算碳排放强度"
    said = f"碳排放强度 {num(intensity, '吨二氧化碳/万元', 4)}；碳效等级 {level}"
    if grade is None:
        return f"{said}；未定级：{reason}"
    return f"{said}；碳效级别 {grade} 级（为行业平均的 {num(k, '', 2)} 倍）"


def extra_text(row: tuple, key: str) -> str:
    if len(row) <= _BASE:
        return ""  # not read yet
    if key == "carbon":
        return carbon_text(row[_POS[key]])
    if key in INDICATOR_NAMES and not counted(row, key):
        return NOT_COUNTED
    v = extra_value(row, key)
    if key in COUNTY_KEYS or key == "regrade":  # blank: the firm has none (not unknown data)
        return "" if v is None else signed(v) if key == "adjust" else str(v)
    if v is None:
        return UNKNOWN
    if key in INDICATOR_NAMES:
        return f"{v * 100:.2f}%" if indicator_unit(key) == RATIO else f"{v:.2f}"
    return num(v)


def used_columns(rows: Sequence[tuple]) -> tuple[tuple[str, str], ...]:
    """The columns for ``rows`` once their extras are read: the indicators some firm was scored
    on, and each county column some firm has (初评等级 when some class was regraded)."""
    indicators = [k for k in INDICATORS if any(counted(r, k) for r in rows)]
    county = [k for k in ("group", "adjust") if any(extra_value(r, k) is not None for r in rows)]
    if any(extra_value(r, "regrade") for r in rows):
        county.append("initial_class")
    return shown_columns(indicators, county)


def _green(row: tuple) -> str:
    total = row[_POS["green_projects"]] or 0
    if not total:
        return ""
    return f"{row[_POS['green_eligible']] or 0}/{total} 可享受"


def result_text(row: tuple, key: str) -> str:
    """How a cell of the results table reads."""
    if key in _EXTRA:
        return extra_text(row, key)
    if key == "green":
        return _green(row)
    v = row[_POS[key]]
    if key == "cohort":
        return COHORT_LABELS.get(v, v or "")
    if key == "score":
        return "" if v is None else f"{v:.2f}"
    if key == "class":
        if not v and row[_POS["cohort"]] == DEFERRED:
            return "缓评"
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


# Columns that sort by what they mean: 分组 in the catalogue's order of cohorts, 梯度培育 up the
# ladder (未达到创新型 first); a code not listed sorts after the known ones, by its text.
WORD_ORDER: dict[str, dict[str, int]] = {
    "cohort": {c: i for i, c in enumerate(COHORT_LABELS)},
    "sme_tier": {t: i for i, t in enumerate(TIERS)}}
COMPUTED_KEYS = {"class", "green", "carbon", "rect_flagged", *WORD_ORDER}  # not one stored value


def sort_key(row: tuple, key: str) -> tuple:
    """(blank?, value): blanks last, numbers as numbers, text as text."""
    if key == "green":
        v: Any = row[_POS["green_eligible"]] if row[_POS["green_projects"]] else None
    elif key == "carbon":  # by grade (未定级 after 5), then level; 未知 and 未评估 last
        c = extra_value(row, key)
        v = None if c is None or c[1] is None else \
            (c[2] or 6) * 10 + CARBON_LEVELS.index(c[1])
    elif key in _EXTRA:
        v = extra_value(row, key) if key not in INDICATOR_NAMES or counted(row, key) else None
    elif key == "class":
        v = row[_POS["class"]] or None
    elif key == "rect_flagged":  # 列入 first; the firms not listed read blank, and sort so
        v = 1 if row[_POS[key]] else None
    elif key in WORD_ORDER:  # the order the words mean (the SME ladder), not their codes
        v = row[_POS[key]]
        v = None if v is None or v == "" else (WORD_ORDER[key].get(v, len(WORD_ORDER[key])), v)
    else:
        v = row[_POS[key]]
    return (v is None or v == "", v if v is not None else 0)


def sort_keys(rows: Sequence[tuple], key: str) -> tuple[list[Any], list[bool]]:
    """Column ``key`` of every row as ``sort_key`` orders it: the values, and whether each is
    filled (blanks sort last). A plain stored column is read with one ``itemgetter`` pass
    (100,000 rows in a few milliseconds); the computed ones row by row."""
    if key in _POS and key not in _EXTRA and key not in COMPUTED_KEYS:
        vals = list(map(itemgetter(_POS[key]), rows))
        return vals, [v is not None and v != "" for v in vals]
    keys = [sort_key(r, key) for r in rows]
    return [k[1] for k in keys], [not k[0] for k in keys]


class ResultsModel(QAbstractTableModel):
    """A year's stored results, one firm per row (tuples from ``Store.browse``, then with the
    figures and indicators of ``read_extras`` added by ``set_extras``)."""

    def __init__(self, rows: Sequence[tuple] = (), parent: Any = None):
        super().__init__(parent)
        self.rows: list[tuple] = list(rows)
        self.columns: tuple[tuple[str, str], ...] = RESULT_COLUMNS
        # (row, indicator key) → the words of its tooltip (the page reads them from the store)
        self.explain: Callable[[tuple, str], str | None] | None = None

    def set_columns(self, columns: tuple[tuple[str, str], ...]) -> bool:
        """Show ``columns`` (``shown_columns``); whether they changed."""
        if columns == self.columns:
            return False
        self.beginResetModel()
        self.columns = columns
        self.endResetModel()
        return True

    def column(self, key: str) -> int:
        """The column of ``key``, or -1 when not shown."""
        return next((c for c, (k, _) in enumerate(self.columns) if k == key), -1)

    def set_rows(self, rows: Sequence[tuple]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    @property
    def extras_read(self) -> bool:
        return not self.rows or len(self.rows[0]) > _BASE

    def set_extras(self, rows: list[tuple]) -> None:
        """The same rows, in the same order, now with their figures and indicators."""
        assert len(rows) == len(self.rows)
        self.rows = rows
        if rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(rows) - 1, len(self.columns) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        return self.cell(self.rows[index.row()], index.column(), role)

    def cell(self, row: tuple, column: int, role: int) -> Any:
        """``data`` of ``row`` (one of ``rows``) in ``column``; the proxy calls it directly."""
        key = self.columns[column][0]
        if role == DISPLAY:
            return result_text(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMERIC:
            return ALIGN_NUM
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "class":
                colour = CLASS_COLOURS.get(row[_POS["class"]] or "")
                return QBrush(colour) if colour is not None else None
            text = result_text(row, key) if key in _EXTRA else ""
            if text in (UNKNOWN, NOT_COUNTED, NOT_ASSESSED):
                return QBrush(MUTED)
            if key == "carbon" and text.startswith("高"):
                return QBrush(HIGH_RED)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and (key in _EXTRA or key == "class"):
            return self._tooltip(row, key)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def _tooltip(self, row: tuple, key: str) -> str | None:
        if key in ("class", "initial_class"):  # why a class was regraded
            return extra_value(row, "regrade") if len(row) > _BASE else None
        if key == "carbon":
            return carbon_tip(extra_value(row, key)) if len(row) > _BASE else None
        text = result_text(row, key)
        if text == NOT_COUNTED:
            cohort = row[_POS["cohort"]]
            return (f"{COHORT_LABELS.get(cohort, cohort)}不计“{INDICATOR_NAMES[key]}”"
                    if cohort in COHORT_INDICATORS
                    else f"{COHORT_LABELS.get(cohort, '不在评价范围')}：不计算亩均效益指标")
        if (key in INDICATOR_NAMES or key == "adjust") and self.explain is not None:
            return self.explain(row, key)
        return "缺少这项数据（留空，不按 0 计）" if text == UNKNOWN else None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        """A figure's unit goes on a second header line (narrower columns); ``TITLE`` is the
        header on one line, for copies and menus."""
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            key, head = self.columns[section]
            if role == DISPLAY:
                return head.replace("（", "\n（", 1) if key in _EXTRA else head
            return head if role == TITLE else None
        return section + 1 if role == DISPLAY and orientation == Qt.Orientation.Vertical \
            else None


def read_extras(store: Any, year: int, profile_id: str, rows: Sequence[tuple]) -> list[tuple]:
    """``rows`` (``Store.browse`` tuples) with their ``EXTRA_KEYS`` values added: the figures
    from ``records``, the indicator values from the stored result. One JSON parse per firm
    (≈ 0.3 s for 20,000 firms): run it off the UI thread. Reads ``store.db`` directly — a
    ``Store`` method would be its proper home."""
    paths = ", ".join(f"'$.mujun.indicators.{k}.value'" for k in INDICATORS)
    kinds = ", ".join(f"json_type(s.summary_json, '$.mujun.indicators.{k}')" for k in INDICATORS)
    figures = ", ".join(f"r.{k}" for k, _ in FIGURES)
    # a county's: the 加减分 total (when the firm has 加减分 lines), group, 初评 and the regrade
    county = ("case when json_array_length(s.summary_json, '$.mujun.adjustments') > 0 then "
              "(select total(json_extract(a.value, '$.points')) from "
              "json_each(s.summary_json, '$.mujun.adjustments') a) end, "
              "json_extract(s.summary_json, '$.mujun.group', '$.mujun.initial_class'), "
              "json_extract(s.summary_json, '$.mujun.regrade'), "
              # 碳效
              "json_extract(s.summary_json, '$.carbon.status', '$.carbon.level', "
              "'$.carbon.grade', '$.carbon.intensity', '$.carbon.k', '$.carbon.reason')")
    found: dict[str, tuple] = {}
    n = len(INDICATORS)
    nf = len(FIGURES)
    for code, *values in store.db.execute(
            f"select s.credit_code, {figures}, json_extract(s.summary_json, {paths}), {kinds}, "
            f"{county} from results s join records r on r.credit_code = s.credit_code and "
            "r.year = s.year where s.year = ? and s.profile_id = ?", (year, profile_id)):
        inds, kind = values[nf], values[nf + 1:nf + 1 + n]
        adjust, pair, regrade, carbon = values[nf + 1 + n:]
        got = json.loads(inds) if inds else [None] * n
        group, initial = json.loads(pair) if pair else (None, None)
        words = regrade_words({"initial_class": initial, "regrade": json.loads(regrade)}) \
            if regrade else None
        found[code] = (*values[:nf],
                       *(v if t is not None else NOT_SCORED for v, t in zip(got, kind)),
                       group, adjust, initial, words,
                       tuple(json.loads(carbon)) if carbon else None)
    blank = (None,) * len(EXTRA_KEYS)
    code = _POS["credit_code"]
    return [r[:_BASE] + found.get(r[code], blank) for r in rows]


def indicator_detail(store: Any, year: int, profile_id: str, row: tuple, key: str) -> str | None:
    """One indicator of one firm against its benchmark, in words (a tooltip); the 加减分
    lines with their basis for ``adjust``."""
    if key == "adjust":
        got = store.db.execute(
            "select json_extract(summary_json, '$.mujun.adjustments') from results where "
            "credit_code = ? and year = ? and profile_id = ?",
            (row[_POS["credit_code"]], year, profile_id)).fetchone()
        lines = adjustment_lines({"adjustments": json.loads(got[0])}) if got and got[0] else []
        return "\n".join(lines) or None
    got = store.db.execute(
        "select json_extract(summary_json, ?) from results where credit_code = ? and year = ? "
        "and profile_id = ?", (f"$.mujun.indicators.{key}", row[_POS["credit_code"]], year,
                               profile_id)).fetchone()
    ind = json.loads(got[0]) if got and got[0] else None
    if not ind:
        return None
    unit = indicator_unit(key)
    places = 4 if unit == RATIO else 2  # a ratio shows as a percentage with 2 decimals
    value = ind.get("value")
    parts = [f"{INDICATOR_NAMES[key]}：{UNKNOWN if value is None else num(value, unit, places)}"]
    if ind.get("benchmark") is not None:
        parts.append(f"基准值 {num(ind['benchmark'], unit, places)}"
                     + (f"（{BENCHMARK_MODE_WORDS[ind['benchmark_mode']]}）"
                        if ind.get("benchmark_mode") in BENCHMARK_MODE_WORDS else ""))
    if ind.get("ratio") is not None:
        parts.append(f"为基准值的 {ind['ratio'] * 100:.1f}%")
    if ind.get("points") is not None:
        pts = f"得分 {ind['points']:.2f}" + (f" / {num(ind['weight'])} 分" if ind.get("weight")
                                            else " 分")
        parts.append(pts + ("（缺排放数据，按同类企业平均得分计）" if ind.get("imputed") else ""))
    return "，".join(parts)


class ResultsProxy(QAbstractProxyModel):
    """Sorts and filters a ``ResultsModel`` through a list of source rows (see module doc)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.order: list[int] = []  # proxy row → source row
        self._inverse: dict[int, int] | None = None  # source row → proxy row, when first asked
        self._found: dict[int, int] = {}  # source rows looked up in ``order`` since it changed
        self.predicate: Callable[[tuple], bool] | None = None
        self.sort_column = -1
        self.sort_order = Qt.SortOrder.AscendingOrder
        # column key → ``sort_keys`` of the source rows, until the rows or their figures change
        self._keys: dict[str, tuple[list[Any], list[bool]]] = {}
        self._sorted: tuple[int, Qt.SortOrder] | None = None  # what ``order`` is sorted by

    def setSourceModel(self, model: ResultsModel) -> None:  # type: ignore[override]
        self.beginResetModel()
        old = self.sourceModel()
        if old is not None:
            old.modelReset.disconnect(self._rebuild)
            old.dataChanged.disconnect(self._resort)
        super().setSourceModel(model)
        model.modelReset.connect(self._rebuild)
        model.dataChanged.connect(self._resort)  # the figures arrived: sort again, repaint
        self._compute()
        self.endResetModel()

    def _source(self) -> ResultsModel:
        return self.sourceModel()  # type: ignore[return-value]

    @property
    def inverse(self) -> dict[int, int]:
        """Source row → proxy row (built when first needed: a sort or filter does not)."""
        if self._inverse is None:
            self._inverse = {s: p for p, s in enumerate(self.order)}
        return self._inverse

    def _compute(self, changed: bool = True) -> None:
        """``order`` from the filter and the sort; ``changed``: the source rows or their
        figures changed since the last time (the cached sort keys are dropped)."""
        if changed:
            self._keys.clear()
        src = self._source()
        rows = src.rows if src is not None else []
        keep = self.predicate
        order = list(compress(range(len(rows)), map(keep, rows))) if keep \
            else list(range(len(rows)))
        columns = src.columns if src is not None else RESULT_COLUMNS
        if 0 <= self.sort_column < len(columns):
            key = columns[self.sort_column][0]
            if key not in self._keys:
                self._keys[key] = sort_keys(rows, key)
            vals, known = self._keys[key]
            filled = list(compress(order, map(known.__getitem__, order)))
            filled.sort(key=vals.__getitem__,
                        reverse=self.sort_order == Qt.SortOrder.DescendingOrder)
            order = filled + list(filterfalse(known.__getitem__, order))  # blanks last either way
        self.order = order
        self._inverse = None
        self._found = {}
        self._sorted = (self.sort_column, self.sort_order)

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._compute()
        self.endResetModel()

    def _resort(self, *_: Any) -> None:
        self._sorted = None  # the figures changed: sort by them again
        self._keys.clear()
        self.sort(self.sort_column, self.sort_order)

    def set_filter(self, predicate: Callable[[tuple], bool] | None) -> None:
        self.predicate = predicate
        self.beginResetModel()
        self._compute(changed=False)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._sorted == (column, order):
            # ``QTableView.sortByColumn`` sorts through the header's signal and then once more
            # itself; the rows have not changed in between.
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_src = [self.mapToSource(i) for i in old]
        self.sort_column, self.sort_order = column, order
        self._compute(changed=False)
        self.changePersistentIndexList(old, [self.mapFromSource(i) for i in old_src])
        self.layoutChanged.emit()

    def row(self, r: int) -> tuple:
        """The source row shown at proxy row ``r``."""
        return self._source().rows[self.order[r]]

    def visible_rows(self) -> list[tuple]:
        rows = self._source().rows
        return [rows[i] for i in self.order]

    # -- QAbstractProxyModel
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self.order)) \
                or not (0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        src = self._source()
        return 0 if parent.isValid() else len(src.columns if src is not None else RESULT_COLUMNS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self.order)

    def mapToSource(self, index: Index) -> QModelIndex:
        if not index.isValid() or index.row() >= len(self.order):
            return QModelIndex()
        return self._source().index(self.order[index.row()], index.column())

    def mapFromSource(self, index: Index) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        p = self._proxy_row(index.row())
        return self.createIndex(p, index.column()) if p >= 0 else QModelIndex()

    def _proxy_row(self, source_row: int) -> int:
        """Where source row ``source_row`` is shown, -1 when filtered out. A sort maps only
        the selection and current cell: the first few are searched for (C speed), and the
        full ``inverse`` is built only when many are asked."""
        if self._inverse is None and len(self._found) < 32:
            if source_row not in self._found:  # a selected row: once, not once per column
                try:
                    self._found[source_row] = self.order.index(source_row)
                except ValueError:
                    self._found[source_row] = -1
            return self._found[source_row]
        return self.inverse.get(source_row, -1)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        """The source's cell without building a source index (the view asks for every
        visible cell, several roles each, at every paint)."""
        r = index.row()
        if not index.isValid() or r >= len(self.order):
            return None
        src = self._source()
        return src.cell(src.rows[self.order[r]], index.column(), role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        """What ``QAbstractTableModel`` gives every cell of the source (no mapping needed)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled \
            | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == DISPLAY else None
        return self._source().headerData(section, orientation, role)


NOT_READ = "（未读出）"


def row_identity(row: Any, names: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(firm name, credit code) of an import row as the sheet gives them — checked values, else
    the raw cells; a project row's firm name from ``names`` (code → name)."""
    def given(fid: str) -> str:
        if row.checked.values.get(fid) is not None:
            return str(row.checked.values[fid])
        c = row.columns.get(fid)
        v = row.cells[c] if c is not None and c < len(row.cells) else None
        return "" if v is None else " ".join(str(v).split())

    code = given("credit_code")
    return given("name") or (names or {}).get(code, "") or NOT_READ, code or NOT_READ


class _ItemsModel(QAbstractTableModel):
    """A flat table of ``self.items`` under fixed ``HEADERS`` (the shared Qt plumbing)."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.items: list = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return section + 1


class ErrorsModel(_ItemsModel):
    """Import errors, one per rejected cell: sheet, row, column, reason; then the firm the row
    is about (name and code as read) and whether it has been fixed in 企业自评 since. The
    page shows name and code beside the row number (``QHeaderView.moveSection``)."""

    HEADERS = ("工作表", "行", "列", "原因", "企业名称", "统一社会信用代码", "状态")
    PENDING, FIXING, FIXED = "待改正", "正在改正", "已改正"

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.items: list[tuple[str, int, str, str, Any, str, str]] = []  # … Row, name, code
        self.states: dict[tuple[str, int], str] = {}  # (sheet, row) → FIXING or FIXED

    def set_rows(self, rows: Sequence[Any], names: Mapping[str, str] | None = None) -> None:
        """``rows``: rejected ``forms.importer.Row`` objects; ``names``: code → firm name."""
        self.beginResetModel()
        self.items = [(r.sheet, r.row, e.column, e.message, r, *row_identity(r, names))
                      for r in rows for e in r.checked.errors]
        self.states = {}
        self.endResetModel()

    def state(self, row: Any) -> str:
        return self.states.get((row.sheet, row.row), self.PENDING)

    def set_state(self, row: Any, state: str) -> None:
        self.states[(row.sheet, row.row)] = state
        for i, item in enumerate(self.items):
            if item[4] is row:
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        c = index.column()
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            if c == 6:
                return self.state(item[4])
            return str(item[c if c < 4 else c + 1])
        if role == Qt.ItemDataRole.BackgroundRole and self.state(item[4]) == self.FIXED:
            return QBrush(FIXED_GREEN)
        if role == Qt.ItemDataRole.ForegroundRole and c in (4, 5) and item[c + 1] == NOT_READ:
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.UserRole:
            return item[4]
        return None


class PlannedModel(_ItemsModel):
    """The firms a checked file is about to write: new ones, stored ones it updates (their
    old data goes to history), and stored ones it repeats exactly. Rows: (what, name, code,
    year, note)."""

    HEADERS = ("导入后", "企业名称", "统一社会信用代码", "年度", "说明")
    NEW, UPDATE, SAME = "新增", "更新（原数据存入历史）", "不变（与数据库中的数据相同）"

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.items: list[tuple[str, str, str, int, str]] = []

    def set_rows(self, items: Sequence[tuple[str, str, str, int, str]]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def counts(self) -> tuple[int, int, int]:
        """(new, updated, unchanged)"""
        new = sum(1 for i in self.items if i[0] == self.NEW)
        same = sum(1 for i in self.items if i[0] == self.SAME)
        return new, len(self.items) - new - same, same

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return str(item[index.column()])
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0 \
                and item[0] == self.UPDATE:
            return QBrush(UPDATE_BLUE)
        return None



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

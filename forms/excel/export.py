"""Exported workbooks: the results table, a view's table and the error report (openpyxl,
write-only), made to be read and printed as a piece of work.

Every table sheet (``Table``) has columns as wide as their content (a CJK character counts
about two), the header row and the name columns frozen, an auto-filter over the table, units
in the headers, ratios as percentages, money with thousands separators and two decimals, the
亩均 class coloured, credit codes as text, and a print set-up (A4 landscape, fit to the page
width, the header row repeated on every page, page numbers). Every workbook ends with a 说明
sheet: the profile in words, the data year, the assessment date, the disclaimer and the
documents the rules come from (``write_notes``).

Text that a spreadsheet would run as a formula (starting with = + - @, or a tab/CR) is always
written as a text cell, never as a formula.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

import openpyxl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins

from forms.headers import OWN_COLUMNS, normalise_header
from forms.importer import ImportResult, Row
from rules.assess import DISCLAIMER
from rules.assessments import carbon as carbon_rules
from rules.assessments.digital import RECOGNITIONS
from rules.assessments.green_channel import VERDICTS, basis_intensity
from rules.assessments.mujun import COHORT_LABELS
from rules.assessments.rectification import REASON_TEXTS
from rules.assessments.sme import SIZE_NAMES, TIER_NAMES
from rules.catalogue import label as field_label
from rules.indicators import (
    ABOVE,
    BELOW,
    BELOW_SMALL,
    DEFAULT_INDICATORS,
    INDICATOR_UNITS,
    TENANT,
)
from rules.indicators import INDICATORS as CATALOGUE
from rules.industry import lookup
from rules.schema import INDICATOR_NAMES, RATIO
from rules.wording import (
    CONFIDENCE_WORDS,
    PROFILE_WORDS,
    RESULT_WORDS,
    adjustment_lines,
    clean_citation,
    profile_title,
    project_intensity,
    regrade_words,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RED = PatternFill("solid", fgColor="FFC7CE")
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E7ECF3")  # light grey-blue: the header row
THIN = Side(style="thin", color="A6A6A6")
HEAD_BORDER = Border(bottom=THIN)
# The 亩均 classes in light fills that print: A green, B blue, C amber, D red (the app's
# colours, lightened so that black text stays readable).
CLASS_FILLS = {"A": PatternFill("solid", fgColor="D5F0DC"), "B": PatternFill("solid", fgColor="DCE8F7"),
               "C": PatternFill("solid", fgColor="FCE6C9"), "D": PatternFill("solid", fgColor="F9D3D0")}
STATUS = {"scored": "已计分", "incomplete": "数据不全", "no_weights": "配置无权重", "not_graded": "不分类"}
# The indicators of the provincial method (and 黄岩's): the columns of a profile that weights
# no others, in the catalogue's order.
DEFAULT_LAYOUT_INDICATORS = tuple(i for i in CATALOGUE
                                  if any(i in ids for ids in DEFAULT_INDICATORS.values()))
INDICATORS = list(DEFAULT_LAYOUT_INDICATORS)

# Number formats, named by what they show.
MONEY = "#,##0.00"  # 1,234.57 (万元, and any figure or indicator with a unit)
EXACT = "#,##0.00##"  # a published benchmark as published (24.097), at least two decimals
PERCENT = "0.00%"  # a ratio: 0.0413 shows 4.13 %
POINTS = "0.00"  # scores and points
INTENSITY = "#,##0.0000"  # a carbon intensity (t CO₂ per 万元): 0.3772
TEXT = "@"  # credit codes: text, never a number

EXCEL_TEXT_LIMIT = 32_767  # characters a spreadsheet cell holds
SAMPLE_ROWS = 500  # rows a column's width is measured on before the sheet starts streaming
MAX_WIDTH = 48  # a column wider than this wraps (or is cut off in view) instead
HEAD_LINE = 10  # a header wider than this wraps (onto three lines at most)


def clean_text(text: str) -> str:
    """Text a workbook can hold: a control character (which openpyxl refuses and Excel cannot
    show) written as 〈U+001F〉, so the user sees what the cell held; a text longer than a cell
    shortened with its length said."""
    text = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"〈U+{ord(m.group()):04X}〉", text)
    if len(text) > EXCEL_TEXT_LIMIT:
        tail = f"…（共 {len(text):,} 个字符）"
        text = text[:EXCEL_TEXT_LIMIT - len(tail)] + tail
    return text


def cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> Any:
    """A write-only cell; text that looks like a formula stays text."""
    if isinstance(value, (list, tuple, set, frozenset)):
        value = "、".join(map(str, sorted(value) if isinstance(value, (set, frozenset)) else value))
    if isinstance(value, str):
        value = clean_text(value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        c.data_type = "s"
    for k, v in style.items():
        setattr(c, k, v)
    return c


def _values_to_row(ws: WriteOnlyWorksheet, values: Iterable[Any], row_idx: int
                   ) -> Iterator[Cell]:
    """openpyxl 3.1's ``WriteOnlyWorksheet._values_to_row`` with one change: a value that is
    already a cell is taken as it is. openpyxl finds that out by trying to bind the cell as a
    value, which raises (and formats the cell's repr) once per styled cell: 15 % of a results
    export, whose rows are two-thirds styled cells. The output is the same (tested)."""
    cell = WriteOnlyCell(ws)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            value.column, value.row = col_idx, row_idx
            if value.hyperlink is not None:
                value.hyperlink.ref = value.coordinate
            yield value
            continue
        cell.value = value
        cell.column, cell.row = col_idx, row_idx
        yield cell
        if cell.has_style or cell.hyperlink:  # a date's number format was set on it
            cell = WriteOnlyCell(ws)


def fast_rows(ws: WriteOnlyWorksheet) -> WriteOnlyWorksheet:
    """``ws`` builds its rows with ``_values_to_row``, on the openpyxl version whose builder
    that repeats (3.1); on any other, openpyxl's own builder stays (slower, the same cells)."""
    if openpyxl.__version__.startswith("3.1."):
        ws._values_to_row = partial(_values_to_row, ws)  # type: ignore[method-assign]
    return ws


def _row(ws: WriteOnlyWorksheet, values: Sequence[Any]) -> list[Any]:
    """Plain values as they are (fast); only formula-like or unwritable text is wrapped as a
    text cell."""
    return [cell(ws, v) if isinstance(v, str) and (v.startswith(FORMULA_STARTS) or len(v) >
                                                   EXCEL_TEXT_LIMIT or ILLEGAL_CHARACTERS_RE.search(v))
            else v for v in values]


# ----------------------------------------------------------------------------- widths


def text_width(text: str) -> int:
    """Character columns a text takes in a spreadsheet: a wide (CJK) character two, any other
    one; the longest line of a text on several lines."""
    if text.isascii():
        return max(map(len, text.split("\n")))
    return max(sum(2 if east_asian_width(ch) in "WF" else 1 for ch in line)
               for line in text.split("\n"))


NO_START = set("，。；：、）》」』”’！？%．,.;:)]}")  # never at a line's start
NO_END = set("（《「『“‘([{")  # never at a line's end


def _wide(ch: str) -> bool:
    return east_asian_width(ch) in "WF"


def _can_break(prev: str, nxt: str) -> bool:
    """A line may break between ``prev`` and ``nxt``: at a space or beside a CJK character,
    never before a closing mark or after an opening one (a number or word stays whole)."""
    if nxt in NO_START or prev in NO_END:
        return False
    return prev == " " or nxt == " " or _wide(prev) or _wide(nxt)


def wrap_lines(text: str, width: int) -> str:
    """``text`` broken onto lines of at most ``width`` columns (``text_width``), never with
    a closing mark at a line's start or an opening one at its end; a spreadsheet keeps these
    breaks, so the row's height is known and no line starts with “，”."""
    out: list[str] = []
    for para in text.split("\n"):
        line, w = "", 0
        for ch in para:
            cw = 2 if _wide(ch) else 1
            if w + cw > width and line.strip():
                probe = line + ch
                cut = next((i for i in range(len(line), 0, -1)
                            if _can_break(probe[i - 1], probe[i])), len(line))
                out.append(line[:cut].rstrip())
                line = line[cut:].lstrip()
                w = text_width(line) if line else 0
                if ch == " " and not line:
                    continue
            line += ch
            w += cw
        out.append(line)
    return "\n".join(out)


def shown(value: Any, number_format: str | None = None) -> str:
    """About what a spreadsheet shows for ``value`` in ``number_format`` (to measure it)."""
    if value is None:
        return ""
    if isinstance(value, Cell):
        return shown(value.value, value.number_format)
    if isinstance(value, bool):
        return "FALSE"
    if isinstance(value, (int, float)):
        fmt = number_format or ""
        if "%" in fmt:
            return f"{value * 100:,.{4 if '#' in fmt.split('%')[0] else 2}f}%"
        if fmt.startswith("#,##0.00"):
            return f"{value:,.{4 if fmt.endswith('##') else 2}f}"
        if fmt == POINTS:
            return f"{value:.2f}"
        return f"{value:.10g}"
    if isinstance(value, (date, datetime)):
        return "2026-01-01"
    return str(value)


def column_width(head: str, content: int) -> float:
    """A column's width: its widest content, and room for its header on at most three lines
    (a long header over short numbers wraps rather than widen the printed table)."""
    h = text_width(head)
    need = h if h <= HEAD_LINE else max(7, math.ceil(h / 3) + 1)
    return min(max(content, need, 4) + 2, MAX_WIDTH)


# ----------------------------------------------------------------------------- the look


def print_setup(ws: WriteOnlyWorksheet, title: str, header_row: int | None,
                landscape: bool = True) -> None:
    """A4, fit to the page width (as many pages tall as needed), the header row repeated on
    every page (and a table's grid printed), the title in the page header and 第 n 页，共 N 页
    in the footer."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.25,
                                  footer=0.25)
    ws.print_options.horizontalCentered = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.print_options.gridLines = True
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


COUNTS = ("人", "个", "家", "项", "级", "名")  # units of whole numbers: no decimals
UNIT_WORDS = re.compile(r"元|亩|吨|千瓦时|立方米|吉焦|当量|标准煤|分")


def header_format(head: str) -> str | None:
    """The number format a column's header asks for: a credit code as text, （%） a
    percentage (of a ratio), 得分 or （分） points, a count unit (人, 家 …) whole numbers, any
    other unit in brackets (万元, 亩, 吨标准煤 …) two decimals with separators."""
    if "信用代码" in head:
        return TEXT
    m = re.search(r"[（(]([^（）()]+)[）)]$", head)
    unit = m.group(1) if m else ""
    if unit in ("%", "％"):
        return PERCENT
    if unit == "分" or head.endswith("得分"):
        return POINTS
    if unit in COUNTS:
        return "#,##0"
    if unit and UNIT_WORDS.search(unit):
        return MONEY
    return None


class Table:
    """One table sheet of a write-only workbook, made to read and print.

    The first ``SAMPLE_ROWS`` rows are held back to measure the columns' widths (a write-only
    sheet must know them before its first row); the rest stream. ``formats`` gives a column's
    number format; columns in ``text`` hold text only (a number given there is written as its
    digits); ``class_col`` is coloured by the 亩均 class it holds; ``wrap`` columns wrap their
    text instead of growing wider (their rows grow taller); ``above`` lines (a title, a note)
    stand over the header row; ``freeze`` columns stay in view with the header; ``least``
    gives a column a width at least (a blank column to write in by hand), ``center`` columns
    are centred (a 序号); ``heading`` is the
    printed page's header (the title by default); only the ``printed`` columns (first, last)
    print."""

    def __init__(self, wb: Workbook, title: str, headers: Sequence[Any], *,
                 formats: Mapping[int, str] | None = None, text: Iterable[int] = (),
                 class_col: int | None = None, wrap: Iterable[int] = (), freeze: int = 0,
                 above: Sequence[str] = (), landscape: bool = True,
                 head_fills: Mapping[int, PatternFill] | None = None,
                 heading: str | None = None, printed: tuple[int, int] | None = None,
                 least: Mapping[int, float] | None = None, center: Iterable[int] = (),
                 sample: int = SAMPLE_ROWS):
        self.ws = fast_rows(wb.create_sheet(_sheet_title(wb, title)))
        self.heading, self.printed, self.least = heading or title, printed, dict(least or {})
        self.title, self.headers = title, ["" if h is None else str(h) for h in headers]
        self.above, self.freeze, self.landscape = list(above), freeze, landscape
        self.head_row = len(self.above) + 1
        self.head_fills = dict(head_fills or {})
        self.formats = {c: f for c, f in (formats or {}).items() if f}
        self.text = set(text)
        for c in self.text:
            self.formats[c] = TEXT
        self.wrap = set(wrap)
        self.class_col = class_col
        self.sample = sample
        self.widths = [0] * len(self.headers)
        self.pending: list[list[Any]] | None = []
        self.rows = 0  # rows given
        self.written = 0  # rows written (after the ones held back)
        # one styled cell per column (and per class), whose style that column's cells share
        # (a style set on every cell would cost as much again as writing the row)
        top = Alignment(vertical="top", wrap_text=True)
        self.styles = {c: cell(self.ws, None, number_format=f)._style
                       for c, f in self.formats.items()}
        for c in self.wrap:
            self.styles[c] = cell(self.ws, None, number_format=self.formats.get(c, "General"),
                                  alignment=top)._style
        for c in center:
            self.styles[c] = cell(self.ws, None, number_format=self.formats.get(c, "General"),
                                  alignment=Alignment(horizontal="center"))._style
        mid = Alignment(horizontal="center")
        self.class_styles = {k: cell(self.ws, None, fill=f, alignment=mid)._style
                             for k, f in CLASS_FILLS.items()}
        self.cells: dict[int | str, Cell] = {}  # ``_cell``

    def append(self, values: Sequence[Any]) -> None:
        """One row; a value may be a cell already styled by the caller (left as it is)."""
        row = _row(self.ws, values)
        for c in self.text:
            v = row[c] if c < len(row) else None
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                row[c] = str(int(v)) if float(v).is_integer() else str(v)
        # Once rows stream, each is written before ``append`` returns: a styled column's value
        # goes into that column's one cell, made again for each row only while rows are held.
        reuse = self.pending is None
        for c, style in self.styles.items():
            v = row[c] if c < len(row) else None
            if v is None or _styled(v):
                continue
            if isinstance(v, Cell):
                v._style = style
            elif reuse:
                row[c] = self._cell(c, v, style)
            else:
                row[c] = WriteOnlyCell(self.ws, value=v)
                row[c]._style = style
        k = self.class_col
        if k is not None and k < len(row) and isinstance(row[k], str) and row[k] in CLASS_FILLS:
            klass = row[k]
            if reuse:
                row[k] = self._cell(klass, klass, self.class_styles[klass])
            else:
                row[k] = WriteOnlyCell(self.ws, value=klass)
                row[k]._style = self.class_styles[klass]
        self.rows += 1
        if self.pending is None:
            self._write(row)
            return
        for c, v in enumerate(row[:len(self.widths)]):
            if v is not None:
                self.widths[c] = max(self.widths[c], text_width(shown(v, self.formats.get(c))))
        self.pending.append(row)
        if len(self.pending) >= self.sample:
            self._start()

    def _cell(self, key: int | str, value: Any, style: StyleArray) -> Cell:
        """The styled cell kept for ``key`` (a column, a class), holding ``value`` now."""
        c = self.cells.get(key)
        if c is None:
            c = self.cells[key] = WriteOnlyCell(self.ws)
            c._style = style
        c.value = value
        return c

    def _start(self) -> None:
        """Widths, panes and print set-up (all before the first row), then the title lines,
        the header and the rows held back."""
        ws = self.ws
        width: dict[int, float] = {}
        for c, h in enumerate(self.headers):
            width[c] = max(column_width(h, self.widths[c]), self.least.get(c, 0))
            ws.column_dimensions[get_column_letter(c + 1)].width = width[c]
        self.width = width
        ws.freeze_panes = f"{get_column_letter(self.freeze + 1)}{self.head_row + 1}"
        print_setup(ws, self.heading, self.head_row, self.landscape)
        last = get_column_letter(max(len(self.headers), 1))
        across = int(sum(width.values())) - 2
        for n, line in enumerate(self.above, 1):
            big = n == 1
            text = wrap_lines(line, across * 11 // 14 if big else across)  # 14 pt, 10 pt
            ws.row_dimensions[n].height = (24 if big else 15) * (text.count("\n") + 1) + 3
            ws.append([cell(ws, text, font=Font(bold=big, size=14 if big else 10),
                            alignment=Alignment(horizontal="center" if big else "left",
                                                vertical="center", wrap_text=True))])
            ws.merged_cells.add(f"A{n}:{last}{n}")
        lines = max((math.ceil(text_width(h) / max(width[c] - 1, 1))
                     for c, h in enumerate(self.headers)), default=1)
        ws.row_dimensions[self.head_row].height = 15 * min(max(lines, 1), 3) + 3
        head_align = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.append([cell(ws, h, font=BOLD, fill=self.head_fills.get(c, HEAD_FILL),
                        alignment=head_align, border=HEAD_BORDER)
                   for c, h in enumerate(self.headers)])
        pending, self.pending = self.pending or [], None
        for row in pending:
            self._write(row)

    def _write(self, row: list[Any]) -> None:
        """Appends a row; the text of a wrapped column is broken onto lines (``wrap_lines``)
        and the row given the height to show them (a spreadsheet does not grow a written row
        by itself)."""
        lines = 1
        for c in self.wrap:
            v = row[c] if c < len(row) else None
            if isinstance(v, Cell) and isinstance(v.value, str) and v.value:
                kind = v.data_type
                v.value = wrap_lines(v.value, max(int(self.width[c]) - 2, 4))
                v.data_type = kind  # formula-like text stays text
                lines = max(lines, v.value.count("\n") + 1)
        self.written += 1
        if lines > 1:
            self.ws.row_dimensions[self.head_row + self.written].height = min(15 * lines + 3, 409)
        self.ws.append(row)

    def close(self) -> None:
        """Writes what is held back; the auto-filter spans the header and every row."""
        if self.pending is not None:
            self._start()
        last = get_column_letter(max(len(self.headers), 1))
        end = self.head_row + max(self.rows, 1)
        self.ws.auto_filter.ref = f"A{self.head_row}:{last}{end}"
        if self.printed:
            a, b = (get_column_letter(c + 1) for c in self.printed)
            self.ws.print_area = f"{a}1:{b}{end}"


def _styled(v: Any) -> bool:
    return isinstance(v, Cell) and v.has_style


def _sheet_title(wb: Workbook, title: str) -> str:
    """A sheet name a spreadsheet accepts ([]:*?/\\ not allowed, 31 characters), unique in
    the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "表"
    name, n = base, 2
    taken = set(wb.sheetnames)
    while name in taken:
        name = f"{base[:28]}({n})"
        n += 1
    return name


# ----------------------------------------------------------------------------- 说明


@dataclass
class Notes:
    """What a workbook's 说明 sheet says besides its title and the disclaimer.

    ``profile`` is a ``rules.profile.Profile`` or its identity (id, version, sha256): the
    profile named in words, its county, version and effective date, and the documents its
    rules come from (only those of parameters starting with one of ``topics``; all when
    ``None``). ``facts`` are (item, text) lines (the benchmarks' year, the class counts …),
    ``reading`` how to read the tables (``READING`` unless said otherwise), ``details``
    (item, text) lines after them (the error report's list of problems)."""

    profile: Any = None
    years: Iterable[int] = ()
    as_of: date | str | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)
    reading: list[str] = field(default_factory=lambda: list(READING))
    topics: tuple[str, ...] | None = None
    details: list[tuple[str, str]] = field(default_factory=list)


# How to read a table of results (the error report shows the user's cells as given: only the
# last line holds there).
READING = ["空白单元格表示该项数据未填报（未知），不是 0。",
           "比例类指标以百分数显示；金额单位为万元，保留两位小数；单位见各列标题。",
           "统一社会信用代码按文本保存，复制、筛选时不会被当作数字。"]
READING_CODES = READING[-1:]


def loaded_profile(profile: Any) -> Any:
    """The ``Profile`` a workbook cites: given, or the bundled profile of an identity dict
    (only when its content hash matches); ``None`` when it cannot be read here."""
    if profile is None or hasattr(profile, "sources"):
        return profile
    from rules.profile import ProfileError, load

    try:
        p = load(profile["id"])
    except (ProfileError, OSError, KeyError):
        return None
    return p if p.sha256 == profile.get("sha256", p.sha256) else None


def profile_words(profile: Any) -> str:
    """A profile in words (never its id)."""
    if profile is None:
        return ""
    if hasattr(profile, "name"):
        return PROFILE_WORDS.get(profile.id, profile.name)
    return _words(profile["id"], profile.get("sha256", ""))


@lru_cache(maxsize=16)
def _words(pid: str, sha256: str) -> str:
    """Read once per workbook row type, not once per row."""
    if pid in PROFILE_WORDS:
        return PROFILE_WORDS[pid]
    full = loaded_profile({"id": pid, "sha256": sha256} if sha256 else {"id": pid})
    return full.name if full is not None else profile_title(pid)


def documents(profile: Any, topics: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """The documents a profile's rules come from, as a person looks them up: (title with its
    number or clause, how sure) — no seed file names or web addresses, each document once,
    in the order the profile first cites them."""
    out: dict[str, str] = {}
    for key, p in profile.params.items():
        if topics is not None and not key.startswith(topics):
            continue
        for v in p.versions:
            s = v.source
            text = clean_citation(f"{s.title}；{s.ref}" if s.ref else s.title)
            out.setdefault(text, CONFIDENCE_WORDS.get(s.confidence, s.confidence))
    return list(out.items())


def _day(d: date | str | None) -> str:
    if d is None:
        return ""
    d = date.fromisoformat(d[:10]) if isinstance(d, str) else d
    return f"{d.year} 年 {d.month} 月 {d.day} 日"


def write_notes(wb: Workbook, title: str, notes: Notes | None = None) -> WriteOnlyWorksheet:
    """The 说明 sheet: what the workbook is, which profile (in words), data year, assessment
    date, how to read it, the disclaimer and the documents cited."""
    notes = notes or Notes()
    ws = wb.create_sheet(_sheet_title(wb, "说明"))
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 86
    ws.column_dimensions["C"].width = 8
    print_setup(ws, title, None, landscape=False)
    wrap = Alignment(vertical="top", wrap_text=True)
    rows = 0

    def line(item: str, text: str, *, bold: bool = False, extra: str | None = None) -> None:
        nonlocal rows
        rows += 1
        text = wrap_lines(text, 80 if bold else 84)
        ws.row_dimensions[rows].height = 15 * (max(text.count("\n"), item.count("\n")) + 1) + 3
        ws.append([cell(ws, item, font=BOLD, alignment=wrap),
                   cell(ws, text, font=Font(bold=bold), alignment=wrap),
                   *([] if extra is None else [cell(ws, extra, alignment=wrap)])])

    rows += 1
    ws.row_dimensions[1].height = 26
    ws.append([cell(ws, title, font=Font(bold=True, size=14))])
    ws.merged_cells.add("A1:C1")
    full = loaded_profile(notes.profile)
    if notes.profile is not None:
        line("评价配置", profile_words(full or notes.profile))
        if full is not None:
            line("适用地区", full.county)
            line("配置版本", f"{full.version}（{_day(full.effective)}起施行）")
    years = sorted(set(notes.years))
    if years:
        line("数据年度", "、".join(f"{y} 年度" for y in years))
    if notes.as_of:
        line("评估日期", _day(notes.as_of))
    line("生成日期", _day(date.today()))
    for item, text in notes.facts:
        line(item, text)
    for n, text in enumerate(notes.reading):
        line("阅读说明" if n == 0 else "", text)
    for item, text in notes.details:
        line(item, text)
    line("免责声明", DISCLAIMER, bold=True)
    if full is not None:
        rows += 1
        ws.append([])
        line("依据文件", "文件名称及文号（或条款）", bold=True, extra="可信度")
        for n, (doc, sure) in enumerate(documents(full, notes.topics), 1):
            line(f"{n}", doc, extra=sure)
        line("", "可信度：高 = 官方文本，或几份独立副本一致；中 = 一份可靠的转载或二手副本，"
                 "或征求意见稿；低 = 未找到官方数值，是可修改的默认值。")
    elif notes.profile is not None:
        line("依据文件", "本机未能读取这份配置的内容，依据文件未列出；请在“规则与配置”页查看。")
    return ws


# ----------------------------------------------------------------------------- results


def _unit_head(i: str) -> str:
    unit = INDICATOR_UNITS[i]
    return "%" if unit == RATIO else unit


def _number_format(unit: str, exact: bool = False) -> str:
    """How a spreadsheet shows an indicator (its unit is in the header): a ratio as a
    percentage, any other value with thousands separators, both with two decimals (a
    benchmark to four, as published); the cell stays a number."""
    if unit == RATIO:
        return "0.00##%" if exact else PERCENT
    return EXACT if exact else MONEY


def _indicator_heads(part: str, unit: str | None = None,
                     ids: Sequence[str] = INDICATORS) -> list[str]:
    return [f"{INDICATOR_NAMES[i]}{part}（{unit or _unit_head(i)}）" for i in ids]


# The 碳效 columns: CO₂, intensity, level (低/中/高, 未知), grade (1–5 级, 未定级), the industry
# average the grade was set against.
CARBON_HEADS = ("二氧化碳排放量（吨）", "碳排放强度（吨二氧化碳/万元）", "碳效等级", "碳效级别",
                "行业平均碳排放强度（吨二氧化碳/万元）")


def carbon_values(c: dict[str, Any]) -> dict[str, Any]:
    """The 碳效 columns of one firm: figures as numbers, level and grade as words (“未知”,
    “未定级” rather than a blank that would read as data not declared); all blank for a result
    stored before 碳效 was assessed (the 说明 sheet says so)."""
    if not c:
        return dict.fromkeys(CARBON_HEADS)
    return dict(zip(CARBON_HEADS, (
        c.get("co2_t"), c.get("intensity"), c["level"] or "未知",
        f"{c['grade']} 级" if c["grade"] is not None else "未定级" if c["level"] else "未知",
        c.get("industry_average") if c["grade"] is not None else None)))


@dataclass(frozen=True)
class ResultsLayout:
    """The results sheet's columns: the indicators a profile scores (a county chooses its own
    from the catalogue), and the county columns it needs — 行业组 when it ranks inside
    industry groups, 指标合计得分 and 加减分 when it has 加减分 items, 初评等级 / 调档后等级 /
    调档理由 when classes can be regraded. A column no firm can fill is not written."""

    indicators: tuple[str, ...] = DEFAULT_LAYOUT_INDICATORS
    groups: bool = False
    adjustments: bool = False
    regrades: bool = False

    @cached_property
    def headers(self) -> list[str]:
        ids = self.indicators
        return [
            "来源工作表", "来源行", "统一社会信用代码", "企业名称", "数据年度", "分组",
            *(["行业组"] if self.groups else []),
            *(["指标合计得分（分）", "加减分（分）"] if self.adjustments else []),
            "综合得分（分）",
            *(["初评等级", "调档后等级"] if self.regrades else ["分类"]),
            "同类排名", "同类企业数（家）", *_indicator_heads("", ids=ids),
            "评价状态", "说明", *(["调档理由"] if self.regrades else []),
            *(["加减分明细"] if self.adjustments else []),
            "分类方式", "所在县（市、区）", "所在园区/街道", "国民经济行业代码", "行业名称",
            *_indicator_heads("基准值", ids=ids), *_indicator_heads("得分", "分", ids=ids),
            "绿色通道可享受项目数（个）", "新上项目数（个）", "绿色通道明细", "梯度层级", "企业规模",
            "梯度适用规则", "距下一层级", "高耗低效整治", "整治情形", "数字化等级（级）", "可申报数字化认定",
            *CARBON_HEADS, "亩均计分缺少", "其他评估缺少", "配置", "配置版本", "配置哈希", "评估日期",
        ]

    @cached_property
    def indicator_columns(self) -> list[tuple[str, str, str, str]]:
        """Each indicator with its value, benchmark and points columns' headers."""
        ids = self.indicators
        return list(zip(ids, _indicator_heads("", ids=ids), _indicator_heads("基准值", ids=ids),
                        _indicator_heads("得分", "分", ids=ids)))

    @property
    def class_col(self) -> int:
        return self.headers.index("调档后等级" if self.regrades else "分类")

    @property
    def code_col(self) -> int:
        return self.headers.index("统一社会信用代码")

    @property
    def formats(self) -> dict[int, str]:
        h, ids = self.headers, self.indicators
        out = {h.index(x): _number_format(INDICATOR_UNITS[i])
               for i, x in zip(ids, _indicator_heads("", ids=ids))}
        out |= {h.index(x): _number_format(INDICATOR_UNITS[i], exact=True)
                for i, x in zip(ids, _indicator_heads("基准值", ids=ids))}
        out |= {h.index(x): POINTS for x in (*_indicator_heads("得分", "分", ids=ids),
                                             "综合得分（分）", "指标合计得分（分）", "加减分（分）")
                if x in h}
        out |= {h.index(CARBON_HEADS[0]): MONEY, h.index(CARBON_HEADS[1]): INTENSITY,
                h.index(CARBON_HEADS[4]): INTENSITY}
        return out

    @property
    def center(self) -> list[int]:
        """碳效等级 and 碳效级别: a word beside numbers, centred to read apart from them."""
        return [self.headers.index(CARBON_HEADS[2]), self.headers.index(CARBON_HEADS[3])]

    @property
    def wrap(self) -> list[int]:
        return [self.headers.index("调档理由")] if self.regrades else []

    @property
    def printed(self) -> tuple[int, int]:
        """From the credit code to the last indicator (the rest is for the screen; the 说明
        sheet says so)."""
        return self.code_col, self.headers.index(_indicator_heads("", ids=self.indicators)[-1])

    @property
    def freeze(self) -> int:
        return self.headers.index("企业名称") + 1  # source, row, code and name stay in view


def layout_for(profile: Any, regrades: bool = False) -> ResultsLayout:
    """The results sheet's columns for ``profile`` (a ``Profile`` or its identity): the
    indicators any of its cohorts scores (those it weights in any data year; the provincial
    set of a cohort it weights none of), and its county columns. ``regrades``: a park manager
    has regraded a firm under it (the profile itself need have no regrade rule). The default
    layout when the profile cannot be read here."""
    full = loaded_profile(profile)
    if full is None:
        return ResultsLayout(regrades=regrades)

    def given(key: str) -> bool:
        p = full.params.get(key)
        return p is not None and any(v.value not in (None, [], {}) for v in p.versions)

    def has_value(key: str, value: str) -> bool:
        p = full.params.get(key)
        return p is not None and any(v.value == value for v in p.versions)

    cohorts = [ABOVE, BELOW]
    if has_value("mujun.below_scale_small", "graded"):
        cohorts.append(BELOW_SMALL)
    if has_value("mujun.tenants", "own_cohort"):
        cohorts.append(TENANT)
    scored: set[str] = set()
    for c in cohorts:
        own = {i for i in CATALOGUE if given(f"mujun.{c}.{i}.weight")}
        scored |= own or set(DEFAULT_INDICATORS[c])
    return ResultsLayout(tuple(i for i in CATALOGUE if i in scored),
                         given("mujun.industry_groups"), given("mujun.adjustments"),
                         regrades or given("mujun.regrade_rules"))


DEFAULT_LAYOUT = ResultsLayout()
# The columns of a profile without county columns (黄岩 and the provincial base).
RESULT_HEADERS = DEFAULT_LAYOUT.headers
RESULT_CODE = DEFAULT_LAYOUT.code_col
RESULT_CLASS = DEFAULT_LAYOUT.class_col
RESULT_FORMATS = DEFAULT_LAYOUT.formats
RESULTS_FREEZE = DEFAULT_LAYOUT.freeze
RESULTS_PRINTED = DEFAULT_LAYOUT.printed


class ResultsWriter:
    """Streams one row per assessed firm into a results workbook; its 说明 sheet, written on
    ``close``, names the profile (``profile`` when given — a ``Profile`` also cites its
    documents — else the identity of the rows), the data years, the assessment date, the
    benchmarks' year (and whether the firms' own population gave them), and the class counts
    (after any regrade).
    ``layout`` gives the columns (``layout_for(profile)`` when not given)."""

    def __init__(self, path: Path, *, profile: Any = None, title: str = "亩均效益评价结果",
                 layout: ResultsLayout | None = None):
        self.path = Path(path)
        self.title = title
        self.profile = profile
        self.layout = layout or layout_for(profile)
        lay = self.layout
        self.wb = Workbook(write_only=True)
        self.table = Table(self.wb, "评估结果", lay.headers, formats=lay.formats,
                           text=[lay.code_col], class_col=lay.class_col, freeze=lay.freeze,
                           heading=title, printed=lay.printed, wrap=lay.wrap,
                           center=lay.center)
        self.ws = self.table.ws
        self.years: set[int] = set()
        self.as_of: str | None = None
        self.ident: dict[str, str] | None = None
        self.classes: dict[str, int] = {}
        self.regraded = 0
        self.benchmark_notes: dict[str, int] = {}
        self.carbon = CarbonCounts()

    @property
    def rows(self) -> int:
        return self.table.rows

    def add(self, entry: dict[str, Any], rec: Any, profile: dict[str, str], as_of: str) -> None:
        self.table.append(result_values(entry, rec, profile, as_of, self.layout))
        self.ident = self.ident or profile
        self.as_of = self.as_of or as_of
        if isinstance(entry.get("year"), int):
            self.years.add(entry["year"])
        m = entry["mujun"]
        key = m["class"] or "未分类"
        self.classes[key] = self.classes.get(key, 0) + 1
        self.regraded += bool(m.get("regrade"))
        if m.get("benchmark_note"):
            self.benchmark_notes[m["benchmark_note"]] = \
                self.benchmark_notes.get(m["benchmark_note"], 0) + 1
        self.carbon.add(entry.get("carbon"))

    def close(self) -> Path:
        self.table.close()
        lay = self.layout
        counts = "，".join(f"{k} 类 {self.classes[k]:,} 家" for k in "ABCD" if k in self.classes)
        if self.classes.get("未分类"):
            counts += f"{'，' if counts else ''}未分类 {self.classes['未分类']:,} 家（见“评价状态”“说明”列）"
        facts = [("企业数", f"{self.rows:,} 家" + (f"：{counts}" if counts else ""))]
        if self.regraded:
            where = "“初评等级”“调档理由”列" if lay.regrades else "“说明”列"
            facts.append(("调档", (f"{self.regraded:,} 家企业的分类经过调档，上面按调档后的分类计数；"
                                 f"初评等级和调档理由见{where}")))
        facts += [("基准值", f"{text}（{n:,} 家）") for text, n in self.benchmark_notes.items()]
        facts += self.carbon.facts()
        first, last = (lay.headers[c] for c in lay.printed)
        printed = (f"打印时只印“{first}”到“{last}”各列（企业、分组、得分、分类、排名和亩均指标），"
                   "其余各列供屏幕查看；如需全部打印，请在页面设置中取消打印区域。")
        reading = [printed, "“配置哈希”列是所用配置内容的校验码，用于核对结果出自哪一份配置。"]
        if lay.adjustments:
            reading.append("综合得分 = 指标合计得分 + 加减分；每项加减分的分值和依据见“加减分明细”列。")
        if lay.groups:
            reading.append("“行业组”：本县按行业组分别排名，“同类排名”是企业在本组同类企业中的名次。")
        write_notes(self.wb, self.title, Notes(
            self.profile or self.ident, self.years, self.as_of, facts, [*reading, *READING]))
        self.wb.save(self.path)
        return self.path


NAME_HEADS = ("企业名称", "统一社会信用代码", "名称", "企业")


@dataclass
class CarbonCounts:
    """What the 说明 sheet says of 碳效: the electricity factor's data years, how the industry
    averages were obtained, and the firms without a grade or a level."""

    factor_years: dict[int, int] = field(default_factory=dict)
    basis: dict[str, int] = field(default_factory=dict)  # graded firms by basis
    level_only: int = 0
    unknown: int = 0
    missing: int = 0  # results stored before 碳效 was assessed
    notes: dict[str, int] = field(default_factory=dict)  # a factor of another data year …

    def add(self, c: dict[str, Any] | None) -> None:
        if not c:
            self.missing += 1
            return
        year = c.get("electricity_factor_year")
        if year is not None:
            self.factor_years[year] = self.factor_years.get(year, 0) + 1
        if c.get("factor_note"):
            self.notes[c["factor_note"]] = self.notes.get(c["factor_note"], 0) + 1
        if c["grade"] is not None:
            self.basis[c["basis"]] = self.basis.get(c["basis"], 0) + 1
        elif c["level"]:
            self.level_only += 1
        else:
            self.unknown += 1

    def facts(self) -> list[tuple[str, str]]:
        out = []
        if self.factor_years:
            out.append(("碳效排放因子", "外购电力按" + "；".join(
                f"浙江省 {y} 年度电力平均二氧化碳排放因子（{n:,} 家）"
                for y, n in sorted(self.factor_years.items()))
                + "计算；燃料按《工业其他行业企业温室气体排放核算方法与报告指南（试行）》的缺省值计算。"))
        out += [("", f"{note.removeprefix('碳效：')}（{n:,} 家）") for note, n in self.notes.items()]
        parts = [f"{self.basis[b]:,} 家按{carbon_rules.BASIS_WORDS[b]}的行业平均定级"
                 for b in (carbon_rules.POPULATION, carbon_rules.PROFILE) if self.basis.get(b)]
        if self.level_only:
            parts.append(f"{self.level_only:,} 家所在行业没有可用的行业平均，只给出碳效等级（碳效级别为“未定级”）")
        if self.unknown:
            parts.append(f"{self.unknown:,} 家无法计算碳排放强度（碳效等级为“未知”）")
        if self.missing:
            parts.append(f"{self.missing:,} 家的已存结果不含碳效（在加入碳效评估之前评估的），碳效各列空白")
        if parts:
            out.append(("碳效行业平均", "；".join(parts) + "。按本批同行业企业计算的行业平均，为同一数据年度、"
                        "同一行业大类参评企业的二氧化碳排放合计 ÷ 工业增加值合计。碳效分级数值取自标准出台前的"
                        "湖州办法，DB33/T 1347—2023 原表本软件未见。"))
        return out  # leading columns that stay in view


def write_table(path: Path, title: str, headers: Sequence[str], rows: Any,
                progress: Any = None, total: int = 0, *, notes: Notes | None = None,
                formats: Mapping[str, str] | None = None, freeze: int | None = None) -> Path:
    """A plain table (what a view shows) as a workbook; text that looks like a formula stays
    text. Each column's number format comes from ``formats`` (by header) or from its header
    (``header_format``: 信用代码 text, （%） a percentage of a ratio, a unit two decimals with
    separators, 得分 points); a 分类 column is coloured; the leading name and code columns
    stay in view (``freeze`` says how many columns otherwise). ``notes`` feed the 说明
    sheet."""
    heads = list(headers)
    fmts = {c: (formats or {}).get(h) or header_format(h) for c, h in enumerate(heads)}
    if freeze is None:
        freeze = 0
        while freeze < len(heads) and freeze < 3 and heads[freeze] in NAME_HEADS:
            freeze += 1
    wb = Workbook(write_only=True)
    table = Table(wb, title, heads, formats={c: f for c, f in fmts.items() if f != TEXT},
                  text=[c for c, f in fmts.items() if f == TEXT],
                  class_col=heads.index("分类") if "分类" in heads else None, freeze=freeze)
    for n, r in enumerate(rows):
        table.append(list(r))
        if progress and n % 2000 == 0:
            progress(n, total, "写出表格")
    table.close()
    write_notes(wb, title, notes)
    path = Path(path)
    wb.save(path)
    return path


def write_stored_results(path: Path, store: Any, profile: dict[str, str],
                         keys: Sequence[tuple[str, int, str | None, int | None]],
                         progress: Any = None, *, loaded: Any = None) -> Path:
    """The results workbook of firms already assessed and stored: ``keys`` are (credit code,
    year, sheet, row) in the order wanted; sheet and row may be ``None``. ``loaded`` (the
    ``Profile`` itself) lets the 说明 sheet cite a profile that is not bundled. A regrade the
    park manager entered under the profile adds the regrade columns."""
    from types import SimpleNamespace

    manual = store.manual_entries(profile["id"]) if hasattr(store, "manual_entries") else {}
    writer = ResultsWriter(path, profile=loaded, layout=layout_for(
        loaded or profile, regrades=any(m.regrade is not None for m in manual.values())))
    where = {(c, y): (sh, r) for c, y, sh, r in keys}
    for n, (summary, as_of, ident) in enumerate(
            store.stored_summaries(profile["id"], [(c, y) for c, y, _, _ in keys])):
        sheet, row = where[(summary["credit_code"], summary["year"])]
        writer.add({**summary, "sheet": sheet, "row": row}, SimpleNamespace(**ident), profile,
                   as_of)
        if progress and n % 500 == 0:
            progress(n, len(keys), "写出结果工作簿")
    if writer.ident is None:
        writer.ident = profile
    return writer.close()


def _green(g: dict[str, Any]) -> str:
    """“项目：可享受，0.41 吨标准煤/万元（等价值）” — the verdict and the intensity on the basis
    used."""
    return f"{g['project']}：{VERDICTS[g['eligible']]}" + (
        f"，{project_intensity(g)}" if basis_intensity(g) is not None else "")


def result_values(entry: dict[str, Any], rec: Any, profile: dict[str, str], as_of: str,
                  layout: ResultsLayout = DEFAULT_LAYOUT) -> list[Any]:
    """One row of the results workbook, in the order of ``layout.headers``."""
    m, s, r, d = entry["mujun"], entry["sme"], entry["rectification"], entry["digital"]
    inds = m.get("indicators", {})
    greens = entry["green_channel"]
    regrade = regrade_words(m)
    adjust = m.get("adjustments") or []
    c = entry.get("carbon") or {}
    notes = [m.get("reason"), *entry.get("notes", [])]
    if c and c["grade"] is None and c.get("reason"):  # why no grade (or no level), in words
        notes.append(f"碳效：{c['reason']}")
    if regrade and not layout.regrades:  # no column for it: said here, never dropped
        notes.append(regrade)
    values: dict[str, Any] = {
        "来源工作表": entry.get("sheet"), "来源行": entry.get("row"),
        "统一社会信用代码": entry["credit_code"], "企业名称": entry["name"], "数据年度": entry["year"],
        "分组": COHORT_LABELS.get(m["cohort"], m["cohort"]),
        "行业组": m.get("group"),
        "指标合计得分（分）": _points(m.get("indicator_points")),
        "加减分（分）": round(sum(a["points"] or 0.0 for a in adjust), 4) if adjust else None,
        "综合得分（分）": _points(m["score"]),
        "初评等级": m.get("initial_class"), "调档后等级": m["class"], "分类": m["class"],
        "调档理由": regrade or None,
        "同类排名": m.get("rank"), "同类企业数（家）": m.get("population"),
        "评价状态": STATUS.get(m.get("status"), m.get("status")),
        "说明": "；".join(x for x in notes if x),
        "加减分明细": "；".join(adjustment_lines(m)) or None,
        "分类方式": {"percentile": "同类排名", "cutoffs": "分类得分线"}.get(m["class_basis"] or "", ""),
        "所在县（市、区）": rec.county, "所在园区/街道": rec.park,
        "国民经济行业代码": rec.industry_code,
        "行业名称": industry.name if (industry := rec.industry_code and lookup(rec.industry_code))
        else None,
        "绿色通道可享受项目数（个）": sum(1 for g in greens if g["eligible"]),
        "新上项目数（个）": len(greens), "绿色通道明细": "；".join(_green(g) for g in greens),
        "梯度层级": TIER_NAMES[s["tier"]], "企业规模": SIZE_NAMES.get(s["size"] or "", "未知"),
        "梯度适用规则": RESULT_WORDS.get(s["rules"], s["rules"]),
        "距下一层级": "；".join(s["criteria"][:6]),
        "高耗低效整治": ("列入" if r["flagged"] else "未列入") if r["in_scope"] else
        ("不在范围" if r["in_scope"] is False else "无法判断"),
        "整治情形": "、".join(REASON_TEXTS[x] for x in r["reasons"]),
        "数字化等级（级）": d["level"],
        "可申报数字化认定": "、".join(RECOGNITIONS[x] for x in d["eligible"]),
        **carbon_values(c),
        "亩均计分缺少": "、".join(field_label(x) for x in m.get("missing", [])),
        "其他评估缺少": "、".join(field_label(x) for x in entry.get("missing_inputs", [])
                            if x not in m.get("missing", [])),
        "配置": profile_words(profile), "配置版本": profile["version"],
        "配置哈希": profile["sha256"], "评估日期": as_of,
    }
    for i, head, bench, pts in layout.indicator_columns:
        x = inds.get(i) or {}
        values[head], values[bench], values[pts] = \
            x.get("value"), x.get("benchmark"), _points(x.get("points"))
    return [values[h] for h in layout.headers]


def _points(v: float | None) -> float | None:
    return None if v is None else round(v, 4)


# ----------------------------------------------------------------------------- error report


def write_error_report(path: Path, result: ImportResult, *, notes: Notes | None = None
                       ) -> Path | None:
    """The rejected rows as the user gave them, under one header row that carries every unit
    the import read them in: the reasons first (where a user looks), then 原行号, then the
    row's cells — bad cells red with the reason as a comment, the credit-code column as
    text, a formula shown by its text. The 错误说明 / 原行号 columns of a report that is
    itself re-exported are not repeated. The sheets keep their names so that the corrected
    report imports again; a 说明 sheet (no table header in it) says how. ``None`` when
    nothing was rejected."""
    bad = result.invalid
    if not bad:
        return None
    wb = Workbook(write_only=True)
    by_sheet: dict[str, list[Row]] = {}
    for row in bad:
        by_sheet.setdefault(row.sheet, []).append(row)
    for sheet_name, rows in by_sheet.items():
        header = list(rows[0].header_cells)
        width = max(len(header), *(len(r.cells) for r in rows))
        header += [None] * (width - len(header))
        keep = [c for c, h in enumerate(header) if normalise_header(h) not in OWN_COLUMNS]
        code_col = rows[0].columns.get("credit_code")
        name_col = rows[0].columns.get("name")
        # the reasons and 原行号 stay in view, and the firm's name when it comes early
        freeze = 2 + (keep.index(name_col) + 1 if name_col in keep[:4] else 0)
        heads = ["错误说明", "原行号", *(header[c] for c in keep)]
        # the code column formatted as text, so that a code typed in to correct it stays
        # text; a code the file held as a number stays that number (it is the mistake shown)
        table = Table(wb, sheet_name, heads, wrap=[0], freeze=freeze,
                      formats={2 + keep.index(code_col): TEXT} if code_col in keep else None,
                      head_fills={0: RED}, sample=len(rows))
        for row in rows:
            by_col: dict[int, list[str]] = {}
            for issue in row.checked.errors:
                c = row.columns.get(issue.field)
                if c is not None:
                    by_col.setdefault(c, []).append(issue.message)
            cells = list(row.cells) + [None] * (width - len(row.cells))
            reasons = "；".join(f"{i.column}：{i.message}" for i in row.checked.errors)
            out = [reasons, row.row]
            for c in keep:
                v = cells[c]
                style: dict[str, Any] = {}
                if c == code_col:
                    style["number_format"] = TEXT
                if c in by_col:
                    x = cell(table.ws, v, fill=RED, **style)
                    x.comment = Comment("\n".join(by_col[c]), "亩均自评")
                    out.append(x)
                else:
                    out.append(v)
            table.append(out)
        table.close()
    notes = notes or Notes(reading=READING_CODES)
    how = [(f"来源文件：{result.path.name}；共 {len(bad):,} 行未能导入，按原工作表分列，"
            "“原行号”为原文件中的行号；下面的问题清单逐行列出（打印时看这一页）。"),
           "“错误说明”列写明每行的问题；出错的单元格标红，鼠标停在上面可看到原因。",
           ("在本文件中直接改正标红的单元格并保存，即可再次导入：“错误说明”和“原行号”两列"
            "不会被读入，本说明页也不会被读入。")]
    listed = [(f"{row.sheet}\n第 {row.row} 行",
               f"{_firm(row)}：" + "；".join(f"{i.column}：{i.message}" for i in row.checked.errors))
              for row in bad]
    listed[0] = ("问题清单\n" + listed[0][0], listed[0][1])
    notes = replace(notes, reading=[*how, *notes.reading], details=[*listed, *notes.details])
    write_notes(wb, "导入错误报告", notes)
    path = Path(path)
    wb.save(path)
    return path


def _firm(row: Row) -> str:
    """The firm a rejected row is about, in words: its name (and code) as the row gives them."""
    cells = row.cells
    name, code = (cells[c] if c is not None and c < len(cells) else None
                  for c in (row.columns.get("name"), row.columns.get("credit_code")))
    name = str(name).strip() if name not in (None, "") else "（未填企业名称）"
    return f"{name}（{code}）" if isinstance(code, str) and code.strip() else name

"""Read a park's file into rows of raw cell values, as Excel/WPS shows them, plus what the
values alone do not show (merged ranges, hidden rows, columns and sheets, percentage formats,
formulas). The format is decided by the content (``forms.excel.formats.sniff``).

python-calamine is the reader (bench/RESULTS.md: ~7× faster than openpyxl read-only on a
100k-row sheet). It reports a formula without a cached value and a cached error value both as
'' — the same as a blank — so for .xlsx the sheet XML is scanned once, streamed, for exactly
those cells, which become cell errors instead of silent blanks.

Reading is bounded (issue 20): calamine holds a sheet whole, as a dense grid from its first to
its last cell with a value, so one value at XFD1048576 asks it for 512 GiB. Before calamine
reads a workbook every part it will read is checked — its uncompressed size, and for a sheet
the grid it would build, found by streaming the sheet XML (the <dimension> the file claims is
not used: it is only a claim). A sheet beyond the limits below is refused in one line naming
the limit; a few stray values far outside the data (a cell typed at XFD1048576) are dropped
from a copy calamine reads instead, with a note.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

import python_calamine as calamine

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
NEEDS_RESAVE = "公式没有计算结果：请在 Excel/WPS 中打开该文件、保存后再导入"


class FileError(Exception):
    """The file cannot be used at all: one line in Chinese and English."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh, en)  # both in args, so it survives pickling
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


# Limits of reading. A park's sheet has a few thousand rows and about a hundred columns; each
# limit is far above that, and each refusal is one line naming its limit.
LIMIT_ROWS = 500_000
LIMIT_COLS = 1_000
LIMIT_CELLS = 10_000_000  # rows × columns of the grid calamine builds (≈ 0.7 GB at the limit)
LIMIT_FILE = 256 << 20  # a workbook (read whole by calamine)
LIMIT_MARKUP = 128 << 20  # an HTML or XML Spreadsheet 2003 file (parsed whole)
LIMIT_TEXT = 1 << 30  # a CSV or text file (streamed)
LIMIT_PART = 512 << 20  # one part of an .xlsx/.ods, uncompressed
LIMIT_UNZIPPED = 1 << 30  # all its parts together, uncompressed
LIMIT_SMALL_PART = 32 << 20  # workbook.xml, styles.xml, relationships: parsed whole
LIMIT_PARTS = 10_000  # parts in one .xlsx/.ods
LIMIT_STRINGS = 10_000_000  # shared strings (calamine holds them all)
LIMIT_MERGES = 100_000  # merged ranges of one sheet
LIMIT_MARKED = 2_000_000  # cells of one sheet with an error value, no value or a % format
LIMIT_CELL_CHARS = 1_000_000  # one cell (a CSV field; an xlsx cell's XML is capped at 16 MiB)
LIMIT_XML_ELEMENTS = 12_000_000  # XML elements of a sheet replayed element by element
STRAY_CELLS = 100  # values beyond the row/column limits dropped with a note; more: refused
EXCEL_ROWS = 1 << 20
EXCEL_COLS = 1 << 14


def size_text(n: int) -> str:
    """A byte count as the user reads it: 2.5 KB, 300 MB, 1 GB."""
    for unit, shift in (("GB", 30), ("MB", 20), ("KB", 10)):
        if n >= 1 << shift:
            value = n / (1 << shift)
            return f"{value:,.1f} {unit}".replace(".0 ", " ")
    return f"{n} 字节"


def too_large_file(path: Path, limit: int) -> FileError | None:
    """A file over ``limit`` bytes: the refusal, said before anything is read."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return None  # the reader says what is wrong with the file
    if size <= limit:
        return None
    return FileError(f"文件有 {size_text(size)}，超过读取上限 {size_text(limit)}：请只保留企业数据后再导入",
                     f"the file is {size:,} bytes, over the {limit:,}-byte limit")


@dataclass
class Sheet:
    """One sheet's rows, each given once (streamed: a park sheet is never held whole).

    Every coordinate is 0-based in the coordinates of ``rows`` (row 0 is the first row
    yielded, which is the sheet's row 1 as Excel shows it; column 0 is the first yielded
    column)."""

    name: str
    rows: Iterator[list[Any]]
    height: int
    problems: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → reason
    # merged ranges (first_row, first_col, last_row, last_col), inclusive; the value stands
    # in the top-left cell only, as every reader gives it
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # shown as 12.0 %
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "=SUM(…)"
    hidden: bool = False  # the sheet itself is hidden (or very hidden)
    filtered: bool = False  # an auto-filter is on: its hidden rows are filtered-out rows


@dataclass
class Book:
    """What a file holds: its sheets, the format its content really has, and notices about
    the file itself (an .xls that is really an HTML table …) for the import report."""

    sheets: list[Sheet]
    format: str  # xlsx | xls | ods | csv | text | html | xml2003
    notes: list[str] = field(default_factory=list)


def read_file(path: Path) -> Book:
    """The sheets of ``path``, read by what the file holds, not by its suffix: government
    systems export HTML tables and XML Spreadsheet 2003 named .xls, Java exports write .xlsx
    content named .xls, and a renamed real .xls is still a workbook. Raises ``FileError``."""
    from forms.excel import formats

    path = Path(path)
    if not path.exists():
        raise FileError(f"找不到文件：{path}", f"file not found: {path}")
    if path.is_dir():
        raise FileError(f"这是一个文件夹，不是表格文件：{path}", f"is a folder: {path}")
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
    except PermissionError as e:
        raise FileError("文件被其他程序占用或没有读取权限（如在 Excel 中打开，请先关闭）",
                        f"file is locked or not readable: {e}") from e
    if not head:
        raise FileError("文件是空的（0 字节）", "the file is empty")
    suffix = path.suffix.lower()
    kind = formats.sniff(head)
    limit = {"text": LIMIT_TEXT, "html": LIMIT_MARKUP, "xml2003": LIMIT_MARKUP}.get(kind, LIMIT_FILE)
    if kind != "unknown" and (refusal := too_large_file(path, limit)) is not None:
        raise refusal
    if kind == "xlsx":
        ods = _is_ods(path)
        book = _read_workbook(path, "ods" if ods else "xlsx")
    elif kind == "ole":
        if _is_encrypted_ole(path):
            raise FileError("文件已加密（设有打开密码），请在 Excel/WPS 中取消密码后另存再导入",
                            "the workbook is encrypted (password protected)")
        book = _read_workbook(path, "xls")
    elif kind == "html":
        book = formats.read_html(path)
    elif kind == "xml2003":
        book = formats.read_xml2003(path)
    elif kind == "text":
        book = formats.read_text(path)
    elif suffix in WORKBOOK_SUFFIXES:
        raise FileError("不是有效的 Excel 工作簿（文件已损坏或不是表格文件）",
                        "not a valid Excel workbook (corrupt or not a spreadsheet)")
    else:
        raise FileError(f"不支持的文件类型“{suffix or '无扩展名'}”：请使用 .xlsx、.xls 或 .csv",
                        f"unsupported file type {suffix!r}: use .xlsx, .xls or .csv")
    expected = _SUFFIX_FORMATS.get(suffix)
    if expected is not None and book.format not in expected:
        book.notes.insert(0, f"文件扩展名是 {suffix}，内容实际是{FORMAT_NAMES[book.format]}，已按内容读取")
    return book


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods")
FORMAT_NAMES = {"xlsx": " Excel 工作簿（.xlsx）", "xls": "旧版 Excel 工作簿（.xls）",
                "ods": " OpenDocument 表格（.ods）", "csv": "逗号分隔的文本（CSV）",
                "text": "制表符分隔的文本", "html": "网页表格（HTML，常见于系统导出）",
                "xml2003": " XML 表格（Excel 2003 XML）"}
_SUFFIX_FORMATS = {".xlsx": {"xlsx"}, ".xlsm": {"xlsx"}, ".xls": {"xls"}, ".et": {"xls"},
                   ".ods": {"ods"}, ".csv": {"csv", "text"}, ".txt": {"csv", "text"}}


def _is_ods(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z, z.open("mimetype") as fh:
            return fh.read(64).startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    except (KeyError, zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
        return False  # not an OpenDocument file: read as .xlsx (the check refuses a bad zip)


def _is_encrypted_ole(path: Path) -> bool:
    """An OLE file holding an encrypted .xlsx (its directory names the EncryptedPackage)."""
    marker = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            if marker in chunk:
                return True
            if len(chunk) < 1 << 20:
                break
            fh.seek(-len(marker), 1)
    return False


def _read_workbook(path: Path, fmt: str) -> Book:
    notes: list[str] = []
    looks: dict[str, _Look] = {}
    source, copy = path, None
    if fmt in ("xlsx", "ods"):  # both: calamine reads a zip as .xlsx whatever its mimetype says
        looks, copy, notes = _check_xlsx(path, quiet=fmt == "ods")
        source = copy or path
        _check_ods(path)
    xlrd_ok = fmt != "xls" or _check_xls(path)
    try:
        try:
            with source.open("rb") as fh:
                book = calamine.CalamineWorkbook.from_filelike(fh)
        finally:
            if copy is not None:
                copy.unlink(missing_ok=True)
        meta = {m.name: m for m in book.sheets_metadata}
        raw = [book.get_sheet_by_name(n) for n in book.sheet_names]
    except calamine.PasswordError as e:
        raise FileError("文件已加密（设有打开密码），请取消密码后另存再导入",
                        "the workbook is encrypted") from e
    except (calamine.CalamineError, OSError, ValueError) as e:
        raise FileError("不是有效的 Excel 工作簿（文件已损坏或不是表格文件）",
                        f"not a valid Excel workbook: {e}") from e
    try:
        if fmt == "xls" and xlrd_ok:
            looks = _xls_looks(path)
        elif fmt == "xls":
            notes.append(f"工作表的格式范围超过 {_XLRD_CELLS:,} 个单元格：无法判断隐藏行列和百分比格式，"
                         "这些情况本次无法提示")
    except (ValueError, OSError, AssertionError, IndexError, struct.error) as e:
        notes.append("无法读取工作表的格式信息（隐藏行列、百分比格式），"
                     f"这些情况本次无法提示：{type(e).__name__}")
    if fmt == "ods":
        notes.append("OpenDocument 表格：无法判断隐藏行列和百分比格式，这些情况本次无法提示")
    sheets = []
    for sh in raw:
        # iter_rows keeps leading empty rows but starts at the first used column
        offset = sh.start[1] if sh.start else 0
        look = looks.get(sh.name, _Look())
        if look.formulas_capped:
            notes.append(f"工作表“{sh.name}”的公式超过 {LIMIT_MARKED:,} 个：错误报告中只列出前 "
                         f"{LIMIT_MARKED:,} 个公式的原文")

        found = {(r, c - offset): what for (r, c), what in look.problems.items()}
        values = {k: v for k, v in found.items() if v != NEEDS_RESAVE}
        sheet = Sheet(sh.name, _rows(sh, values), (sh.end[0] + 1) if sh.end else 0)
        for key, what in found.items():
            sheet.problems[key] = what if what == NEEDS_RESAVE else \
                f"单元格是错误值“{what}”（公式出错），请修正后再导入"
        sheet.formulas = {(r, c - offset): f for (r, c), f in look.formulas.items()}
        sheet.merged = _merged(sh.merged_cell_ranges or [], offset)
        sheet.hidden_rows = {r for r in look.hidden_rows if r < LIMIT_ROWS}
        sheet.hidden_cols = {c - offset for c in look.hidden_cols if c >= offset}
        sheet.percent_cells = {(r, c - offset) for r, c in look.percent_cells}
        sheet.filtered = look.filtered
        m = meta.get(sh.name)
        sheet.hidden = m is not None and m.visible != calamine.SheetVisibleEnum.Visible
        sheets.append(sheet)
    return Book(sheets, fmt, notes)


def _merged(ranges: list[tuple[tuple[int, int], tuple[int, int]]],
            offset: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges in the sheet's coordinates, within the limits of reading (a file can
    claim A1:XFD1048576, or a range that ends before it starts)."""
    out = []
    for (r0, c0), (r1, c1) in ranges[:LIMIT_MERGES]:
        if r0 <= r1 < EXCEL_ROWS and c0 <= c1 < EXCEL_COLS and r0 < LIMIT_ROWS and c0 < LIMIT_COLS:
            out.append((r0, c0 - offset, min(r1, LIMIT_ROWS - 1), min(c1, LIMIT_COLS - 1) - offset))
    return out


def _rows(sh: Any, error_values: dict[tuple[int, int], str]) -> Iterator[list[Any]]:
    """The sheet's rows; a cached error value is put back where calamine gave '' (as the user
    sees it in Excel), the cell itself being rejected through ``Sheet.problems``."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for (er, ec), what in error_values.items():
        by_row.setdefault(er, []).append((ec, what))
    try:
        for r, row in enumerate(sh.iter_rows()):
            for ec, what in by_row.get(r, ()):
                if ec < len(row):
                    row[ec] = what
            yield row
    except calamine.CalamineError as e:
        raise FileError("读取工作表时出错（文件可能已损坏）", f"cannot read the sheet: {e}") from e


# ----------------------------------------------------------------------------- xlsx XML scan

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>')
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
_CHUNK = 4 << 20
_LONGEST_RUN = 16 << 20  # bytes of sheet XML with no cell or row ending in them: one cell's XML
_TAG_REACH = 4096  # a cell's start tag: how far back from its t="e" or <f its start is looked for


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _col_number(letters: str) -> int:
    """1-based column of letters in either case, as calamine reads them (AA = 27)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _letters(col: int) -> str:
    """0-based column → its letters (0 → A)."""
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell_name(row: int, col: int) -> str:
    """0-based (row, column) → A1 (huge numbers shortened: a hostile file has them)."""
    name = (_letters(col) if col < 1 << 40 else "?") + (str(row + 1) if row < 1 << 60 else "…")
    return name if len(name) <= 24 else name[:23] + "…"


def _member(z: zipfile.ZipFile, path: str) -> str:
    """The part calamine opens for ``path``: its name compared without regard to case."""
    low = path.lower()
    for name in z.namelist():
        if name.lower() == low:
            return name
    raise KeyError(path)


def _sheet_paths(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part, resolved as calamine resolves it."""
    wb = ElementTree.fromstring(z.read(_member(z, "xl/workbook.xml")))
    rels = ElementTree.fromstring(z.read(_member(z, "xl/_rels/workbook.xml.rels")))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_REL)}
    out = {}
    for s in wb.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
        if target.startswith("/xl/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        out[s.get("name", "")] = _member(z, target)
    return out


@dataclass
class _Look:
    """What the values alone do not show: cells with no usable value, their formulas, hidden
    rows and columns, an auto-filter, and percentage-formatted cells (0-based, absolute)."""

    problems: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    filtered: bool = False
    formulas_capped: bool = False  # more formulas than LIMIT_MARKED: the rest not kept
    col_ranges: set[tuple[int, int]] = field(default_factory=set)  # hidden <col> ranges seen


_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"')
_HIDDEN_ROW2 = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"')
_COL = re.compile(rb'<col\b([^>]*)/?>')
_ATTR = re.compile(rb'\b(min|max|hidden)="([^"]*)"')
_FORMULA_TEXT = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?:<f[^>]*>([^<]*)</f>)')
_BUILTIN_PERCENT = {9, 10}


def _percent_styles(z: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles (cellXfs) whose number format shows a percentage."""
    try:
        root = ElementTree.fromstring(z.read(_member(z, "xl/styles.xml")))
    except KeyError:
        return set()
    custom = {int(f.get("numFmtId", "-1")) for f in root.iterfind("m:numFmts/m:numFmt", _NS)
              if "%" in re.sub(r'"[^"]*"|\\.', "", f.get("formatCode", ""))}
    xfs = root.find("m:cellXfs", _NS)
    if xfs is None:
        return set()
    return {i for i, xf in enumerate(xfs.iterfind("m:xf", _NS))
            if int(xf.get("numFmtId", "0")) in _BUILTIN_PERCENT | custom}


def _parts(z: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """A part's bytes, streamed, in pieces that end after a cell or a row, so that no cell is
    split between two pieces (a piece with neither is cut after a tag; 16 MiB with no tag at
    all is one cell's text, over any cell's length)."""
    with z.open(member) as fh:
        tail = b""
        while True:
            chunk = fh.read(_CHUNK)
            buf = tail + chunk if tail else chunk
            if not chunk:
                if buf:
                    yield buf
                return
            cell, row = buf.rfind(b"</c>"), buf.rfind(b"</row>")
            cut = max(cell + 4 if cell >= 0 else 0, row + 6 if row >= 0 else 0)
            if not cut and len(buf) > _LONGEST_RUN:
                cut = buf.rfind(b">") + 1
                if not cut:
                    raise FileError(f"工作簿的“{member}”中有一个单元格超过 {size_text(_LONGEST_RUN)}"
                                    "（读取上限），文件已损坏或是恶意构造的",
                                    f"{member}: one cell over {_LONGEST_RUN:,} bytes")
            yield buf[:cut]
            tail = buf[cut:]


def _xlsx_looks(path: Path) -> dict[str, _Look]:
    """Per sheet, streamed over the sheet XML once: cells whose formula has no cached value,
    cells holding an error value (calamine gives both as ''), formulas, hidden rows and
    columns, an auto-filter, and cells formatted as a percentage."""
    out: dict[str, _Look] = {}
    with zipfile.ZipFile(path) as z:
        styled = _styled(_percent_styles(z))
        for name, member in _sheet_paths(z).items():
            look = out[name] = _Look()
            for part in _parts(z, member):
                _scan_part(part, look, styled, name)
    return out


def _styled(percent: set[int]) -> tuple[re.Pattern[bytes], list[bytes]] | None:
    """The cells of the percentage styles: a pattern, and the attributes that must be there."""
    if not percent:
        return None
    ids = [str(i).encode() for i in sorted(percent)]
    return (re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bs="(' + b"|".join(ids) + rb')"'),
            [b's="' + i + b'"' for i in ids])


def _scan_part(part: bytes, look: _Look, styled: tuple[re.Pattern[bytes], list[bytes]] | None,
               sheet: str) -> None:
    if b't="e"' in part:  # found from the rare attribute: a pattern tried at every cell is slow
        pos = 0
        while (i := part.find(b't="e"', pos)) >= 0:
            pos = i + 5
            start = part.rfind(b'<c r="', max(i - _TAG_REACH, 0), i)
            if start >= 0 and (m := _ERROR_CELL.match(part, start)):
                look.problems[(int(m[2]) - 1, _col_index(m[1]))] = m[3].decode(errors="replace")
    if b"<f" in part:
        pos = 0
        while (i := part.find(b"<f", pos)) >= 0:
            pos = i + 2
            start = part.rfind(b'<c r="', max(i - _TAG_REACH, 0), i)
            if start < 0:
                continue
            if m := _FORMULA_NO_VALUE.match(part, start):
                look.problems.setdefault((int(m[2]) - 1, _col_index(m[1])), NEEDS_RESAVE)
            if m := _FORMULA_TEXT.match(part, start):
                if len(look.formulas) < LIMIT_MARKED:
                    look.formulas[(int(m[2]) - 1, _col_index(m[1]))] = "=" + _unescape(m[3])
                else:
                    look.formulas_capped = True
    if b"hidden=" in part:
        for rx in (_HIDDEN_ROW, _HIDDEN_ROW2):
            look.hidden_rows.update(int(m[1]) - 1 for m in rx.finditer(part))
        for m in _COL.finditer(part):
            attrs = dict(_ATTR.findall(m[1]))
            if attrs.get(b"hidden") in (b"1", b"true"):
                lo, hi = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
                span = (max(lo - 1, 0), min(hi, LIMIT_COLS))  # no column beyond it is read
                if span not in look.col_ranges:
                    look.col_ranges.add(span)
                    look.hidden_cols.update(range(*span))
    if b"<autoFilter" in part:
        look.filtered = True
    if styled is not None and any(attr in part for attr in styled[1]):
        look.percent_cells.update((int(m[2]) - 1, _col_index(m[1]))
                                  for m in styled[0].finditer(part))
    if len(look.problems) > LIMIT_MARKED or len(look.percent_cells) > LIMIT_MARKED:
        what = "错误值或没有计算结果的公式" if len(look.problems) > LIMIT_MARKED else "百分比格式"
        raise FileError(f"工作表“{sheet}”中{what}的单元格超过 {LIMIT_MARKED:,} 个（读取上限）",
                        f"sheet {sheet!r}: over {LIMIT_MARKED:,} cells marked")


# ------------------------------------------------------------- xlsx: the grid calamine will build

_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/")  # calamine's only
_SMALL_PARTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                "[content_types].xml", "_rels/.rels"}
_REF = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"[^>]*?(/?)>')
_ODD_CELL = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="))')  # a cell not opening with its reference
_PREFIXED = re.compile(rb":(?:c|row|sheetData)[\s/>]")
_BAD_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError,
            EOFError, ValueError)


def _not_a_workbook(e: BaseException) -> FileError:
    return FileError("不是有效的 Excel 工作簿（文件已损坏或不是表格文件）",
                     f"not a valid Excel workbook: {e}")


def _check_xlsx(path: Path, quiet: bool = False) -> tuple[dict[str, _Look], Path | None,
                                                         list[str]]:
    """Before calamine reads an .xlsx: every part within its size limit, the shared strings
    within theirs, and every part calamine could read as a sheet (all under xl/worksheets/,
    xl/chartsheets/, xl/dialogsheets/, not only those the workbook names) streamed to find the
    grid calamine would build. Gives the sheets' looks (found in the same pass), a trimmed copy
    for calamine to read instead when stray values were dropped (the caller deletes it), and
    notes (``quiet``: none about the looks, for an .ods). Raises ``FileError``."""
    notes: list[str] = []
    try:
        with zipfile.ZipFile(path) as z:
            _check_sizes(z)
            if any(n.lower() == "xl/workbook.bin" for n in z.namelist()):
                raise FileError("暂不支持 Excel 二进制工作簿（.xlsb）：请在 Excel/WPS 中另存为 .xlsx 后再导入",
                                "binary workbooks (.xlsb) are not read: save as .xlsx")
            try:
                names = {member: name for name, member in _sheet_paths(z).items()}
                styled = _styled(_percent_styles(z))
            except (KeyError, ElementTree.ParseError, ValueError) as e:
                names, styled = {}, None
                if not quiet:
                    notes.append(_looks_note(e))
            looks: dict[str, _Look] = {}
            trims: dict[str, list[tuple[int, int]]] = {}
            for info in z.infolist():
                if info.is_dir() or not info.filename.lower().startswith(_SHEET_FOLDERS):
                    continue
                member = info.filename
                label = names.get(member, member)
                look = _Look() if member in names else None
                if not _first_pass(z, member, label, look, styled, notes):
                    spans, example = _replay(z, member, label)
                    if spans:
                        trims[member] = spans
                        notes.append(f"工作表“{label}”有 {len(spans)} 个单元格（如 {example}）在读取范围"
                                     f"（{LIMIT_ROWS:,} 行 × {LIMIT_COLS:,} 列）以外，已忽略未读")
                    elif look is not None:  # the first pass stopped early: its looks again
                        look = _Look()
                        if not _looks_of(z, member, label, look, styled, notes):
                            look = None
                if look is not None:
                    looks[label] = look
            _check_strings(z)
            copy = _trimmed_copy(z, trims) if trims else None
    except _BAD_ZIP as e:
        raise _not_a_workbook(e) from e
    if copy is not None:
        done = False
        try:
            looks = _xlsx_looks(copy)
            done = True
        except (KeyError, ElementTree.ParseError, ValueError, zipfile.BadZipFile, OSError) as e:
            looks, done = {}, True
            notes.append(_looks_note(e))
        finally:
            if not done:  # refused: the copy is not given to anyone
                copy.unlink(missing_ok=True)
    return looks, copy, notes


def _looks_note(e: BaseException) -> str:
    return ("无法读取工作表的格式信息（隐藏行列、百分比格式、公式），"
            f"这些情况本次无法提示：{type(e).__name__}")


def _check_sizes(z: zipfile.ZipFile) -> None:
    """Every part within its limit, as its size is declared: both zip readers stop a part
    that inflates beyond its declared size, so the declaration bounds what is read."""
    infos = z.infolist()
    if len(infos) > LIMIT_PARTS:
        raise FileError(f"工作簿中的部件超过 {LIMIT_PARTS:,} 个（读取上限），文件可能是恶意构造的压缩包",
                        f"over {LIMIT_PARTS:,} parts in the zip")
    total = 0
    for info in infos:
        limit = LIMIT_SMALL_PART if info.filename.lower() in _SMALL_PARTS else LIMIT_PART
        if info.file_size > limit:
            raise FileError(f"工作簿中的“{info.filename}”解压后有 {size_text(info.file_size)}，"
                            f"超过读取上限 {size_text(limit)}（文件可能是恶意构造的压缩包）",
                            f"{info.filename}: {info.file_size:,} bytes uncompressed, "
                            f"over the {limit:,}-byte limit")
        total += info.file_size
    if total > LIMIT_UNZIPPED:
        raise FileError(f"工作簿解压后共有 {size_text(total)}，超过读取上限 {size_text(LIMIT_UNZIPPED)}"
                        "（文件可能是恶意构造的压缩包）",
                        f"{total:,} bytes uncompressed, over the {LIMIT_UNZIPPED:,}-byte limit")


def _check_strings(z: zipfile.ZipFile) -> None:
    """calamine holds every shared string: their count within its limit."""
    try:
        member = _member(z, "xl/sharedStrings.xml")
    except KeyError:
        return
    count = 0
    with z.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            count += chunk.count(b"<si") + chunk.count(b":si")
            if count > LIMIT_STRINGS:
                raise FileError(f"工作簿的共享文字超过 {LIMIT_STRINGS:,} 条（读取上限），文件可能是恶意构造的",
                                f"over {LIMIT_STRINGS:,} shared strings")


def _looks_of(z: zipfile.ZipFile, member: str, label: str, look: _Look,
              styled: tuple[re.Pattern[bytes], list[bytes]] | None, notes: list[str]) -> bool:
    """A sheet's looks in a pass of their own; False (and a note) when they cannot be read."""
    try:
        for part in _parts(z, member):
            _scan_part(part, look, styled, label)
    except (ValueError, IndexError) as e:
        notes.append(_looks_note(e))
        return False
    return True


def _first_pass(z: zipfile.ZipFile, member: str, label: str, look: _Look | None,
                styled: tuple[re.Pattern[bytes], list[bytes]] | None, notes: list[str]) -> bool:
    """One streamed pass: the looks (when ``look`` is given) and whether calamine's grid is
    certainly within the limits (True). False as soon as it is not certain: ``_replay``
    decides then, and the looks are incomplete."""
    grid = _Grid(label)
    for part in _parts(z, member):
        if not grid.feed(part):
            return False
        if look is not None:
            try:
                _scan_part(part, look, styled, label)
            except (ValueError, IndexError) as e:
                notes.append(_looks_note(e))
                look = None
    return True


def _beyond(rows: int, cols: int) -> re.Pattern[bytes]:
    """Cell references past row ``rows`` or column ``cols`` (both 1-based), in either case
    and with leading zeros, as calamine reads them."""
    letters = _letters(cols - 1)
    k = len(letters)
    col_alts = [f"[A-Za-z]{{{k + 1},}}"]
    for i, ch in enumerate(letters):
        if ch < "Z":
            up = chr(ord(ch) + 1)
            same = "".join(f"[{c}{c.lower()}]" for c in letters[:i])
            col_alts.append(f"{same}[{up}-Z{up.lower()}-z][A-Za-z]{{{k - i - 1}}}")
    digits = str(rows)
    n = len(digits)
    row_alts = [f"[1-9][0-9]{{{n},}}"]
    for i, ch in enumerate(digits):
        if ch < "9":
            row_alts.append(f"{digits[:i]}[{int(ch) + 1}-9][0-9]{{{n - i - 1}}}")
    cols_past, rows_past = "|".join(col_alts), "|".join(row_alts)
    return re.compile(f'<c r="(?:(?:{cols_past})[0-9]|[A-Za-z]++0*+(?:{rows_past})")'.encode())


def _too_many(label: str, cells: int, rows: int, merges: int) -> None:
    if cells > LIMIT_CELLS:
        raise FileError(f"工作表“{label}”的单元格超过 {LIMIT_CELLS:,} 个（读取上限）",
                        f"sheet {label!r}: over {LIMIT_CELLS:,} cells")
    if rows > EXCEL_ROWS + 1:
        raise FileError(f"工作表“{label}”的行超过 Excel 的上限 {EXCEL_ROWS:,} 行（文件已损坏或是恶意构造的）",
                        f"sheet {label!r}: over {EXCEL_ROWS:,} rows")
    if merges > LIMIT_MERGES:
        raise FileError(f"工作表“{label}”的合并单元格超过 {LIMIT_MERGES:,} 处（读取上限）",
                        f"sheet {label!r}: over {LIMIT_MERGES:,} merged ranges")


class _Grid:
    """The grid calamine will build for one part, bounded with plain searches while the part
    streams by (no work per cell in Python). Every reference is read in the first piece and
    wherever one lies past the bound found so far (the <dimension> a file claims is not
    used: it is only a claim); anything unusual (a cell without its reference first, a
    namespace prefix, a reference past the limits) is left to ``_replay``."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.past: re.Pattern[bytes] | None = None  # references past the bound
        self.rows = self.cols = 0  # 1-based: the last row and column seen with a value
        self.cells = self.row_tags = self.merges = 0

    def feed(self, part: bytes) -> bool:
        """False when the grid is not certainly within the limits."""
        if _ODD_CELL.search(part) or _PREFIXED.search(part):
            return False
        self.cells += part.count(b"<c ")
        self.row_tags += part.count(b"<row")
        self.merges += part.count(b"<mergeCell ")
        _too_many(self.label, self.cells, self.row_tags, self.merges)
        if self.past is not None and not self.past.search(part):
            return True
        live = [(letters, digits) for letters, digits, closed in _REF.findall(part) if not closed]
        if live:  # a self-closing cell has no value: calamine does not place it
            self.rows = max(self.rows, max(int(d) for _, d in live))
            self.cols = max(self.cols, max(_col_number(x.decode()) for x in {x for x, _ in live}))
        if self.rows > LIMIT_ROWS or self.cols > LIMIT_COLS or \
                self.rows * self.cols > LIMIT_CELLS:
            return False
        self.past = _beyond(*self._bound())
        return True

    def _bound(self) -> tuple[int, int]:
        """Rows and columns the rest may reach within the limits, rounded so that the search
        for references past them is short: columns up to the end of the first letter (BN →
        BZ), rows as many as the area allows, rounded down to two digits (128,205 → 119,999)."""
        cols = max(self.cols, 1)
        letters = _letters(cols - 1)
        wide = min(_col_number(letters[0] + "Z" * (len(letters) - 1)), LIMIT_COLS)
        for c in (wide, cols):
            most = min(LIMIT_ROWS, LIMIT_CELLS // c)
            digits = str(most)
            rows = int(digits[:2]) * 10 ** (len(digits) - 2) - 1 if len(digits) > 2 else most
            if rows >= self.rows:
                return rows, c
        return min(LIMIT_ROWS, LIMIT_CELLS // cols), cols


_REF_TEXT = re.compile(r"([A-Za-z]*)([0-9]+)")


def _ref(text: str) -> tuple[int, int | None] | None:
    """A cell or row reference as calamine reads it: 0-based (row, column or None), or None
    where calamine refuses it (no row, a row 0, other characters)."""
    m = _REF_TEXT.fullmatch(text)
    if not m or int(m[2]) == 0:
        return None
    return int(m[2]) - 1, (_col_number(m[1]) - 1 if m[1] else None)


class _Replay:
    """calamine reading one sheet, replayed on the XML's elements (expat): where each cell
    with a value lands — a cell's r, else its row's r and the cells before it in the row; a
    self-closing element opens and closes (calamine expands them). A value: an <is>, a <v>
    with text, or any <v> of a type whose empty text is a value. Values beyond the limits of
    rows or columns are strays, dropped when few, refused when many."""

    def __init__(self, label: str, parser: Any) -> None:
        self.label, self.parser = label, parser
        self.in_data = self.done = False
        self.row = self.col = 0
        self.cell: tuple[int, int, str | None, int] | None = None  # row, col, t, first byte
        self.value = self.in_v = False
        self.top = self.left = 1 << 62
        self.bottom = self.right = -1
        self.values = self.row_tags = self.merges = self.elements = 0
        self.strays: list[tuple[int, int]] = []  # byte spans of the stray cells
        self.first_stray: dict[str, tuple[int, int]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > LIMIT_XML_ELEMENTS:
            raise FileError(f"工作表“{self.label}”的内容过于庞大（XML 元素超过 {LIMIT_XML_ELEMENTS:,} 个，"
                            "读取上限），无法确认数据范围",
                            f"sheet {self.label!r}: over {LIMIT_XML_ELEMENTS:,} XML elements")
        local = name.rpartition(":")[2]
        if local == "mergeCell":
            self.merges += 1
            _too_many(self.label, 0, 0, self.merges)
        if not self.in_data:
            self.in_data = local == "sheetData" and not self.done
        elif self.cell is not None:  # a cell's content: what calamine reads as its value
            if local == "is":
                self.value = True
            elif local == "v" and self.cell[2] not in ("inlineStr", "is"):
                if self.cell[2] in (None, "n", "s", "b", "e"):
                    self.in_v = True  # a value when it has text
                else:
                    self.value = True
        elif local == "row":
            self.row_tags += 1
            _too_many(self.label, 0, self.row_tags, 0)
            if "r" in attrs:
                self.row = self._ref(attrs["r"])[0]
        elif local == "c":
            row, col = self.row, self.col
            if "r" in attrs:
                row, at = self._ref(attrs["r"])
                if at is None:
                    self._bad(attrs["r"])
                col = self.col = at
            self.cell = (row, col, attrs.get("t"), self.parser.CurrentByteIndex)
            self.value = False

    def end(self, name: str) -> None:
        if not self.in_data:
            return
        local = name.rpartition(":")[2]
        if self.cell is not None:
            if local == "v":
                self.in_v = False
            elif local == "c":
                row, col, _, first = self.cell
                self.cell, self.in_v = None, False
                self.col += 1
                if self.value:
                    self._place(row, col, first)
        elif local == "row":
            self.row += 1
            self.col = 0
        elif local == "sheetData":  # calamine reads no cell after it (its merged ranges, yes)
            self.in_data, self.done = False, True

    def text(self, data: str) -> None:
        if self.in_v and data:
            self.value = True

    def _ref(self, text: str) -> tuple[int, int | None]:
        ref = _ref(text)
        if ref is None:
            self._bad(text)
        return ref  # type: ignore[return-value]

    def _bad(self, text: str) -> None:
        raise FileError(f"工作表“{self.label}”中有无效的单元格地址“{text[:20]}”（文件已损坏）",
                        f"sheet {self.label!r}: invalid cell reference {text[:20]!r}")

    def _place(self, row: int, col: int, first: int) -> None:
        if row >= LIMIT_ROWS or col >= LIMIT_COLS:
            kind = "rows" if row >= LIMIT_ROWS else "cols"
            self.first_stray.setdefault(kind, (row, col))
            if len(self.strays) >= STRAY_CELLS:
                at = _cell_name(*self.first_stray[kind])
                if kind == "rows":
                    raise FileError(f"工作表“{self.label}”超过 {LIMIT_ROWS:,} 行（读取上限）：{at} 等单元格"
                                    "仍有数据；请拆分成几个文件后再导入",
                                    f"sheet {self.label!r}: values beyond row {LIMIT_ROWS:,}")
                raise FileError(f"工作表“{self.label}”超过 {LIMIT_COLS:,} 列（读取上限）：{at} 等单元格"
                                "仍有数据；请删除多余的列后再导入",
                                f"sheet {self.label!r}: values beyond column {LIMIT_COLS:,}")
            self.strays.append((first, self.parser.CurrentByteIndex))
            return
        self.values += 1
        if self.values > LIMIT_CELLS:
            _too_many(self.label, self.values, 0, 0)
        self.top, self.bottom = min(self.top, row), max(self.bottom, row)
        self.left, self.right = min(self.left, col), max(self.right, col)

    def finish(self) -> None:
        if self.bottom < 0:
            return
        area = (self.bottom - self.top + 1) * (self.right - self.left + 1)
        if area > LIMIT_CELLS:
            span = f"{_cell_name(self.top, self.left)}:{_cell_name(self.bottom, self.right)}"
            raise FileError(f"工作表“{self.label}”的数据区域 {span} 超过 {LIMIT_CELLS:,} 个单元格"
                            "（读取上限）；请删除区域外多余的内容后再导入",
                            f"sheet {self.label!r}: the range {span} is over {LIMIT_CELLS:,} cells")


def _safe_parser(where: str) -> Any:
    """An expat parser that refuses entity declarations (an entity bomb inside a zip part);
    ``where`` names the part in the refusal."""
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def refuse(*_: Any) -> None:
        raise FileError(f"{where}的 XML 中定义了实体（<!ENTITY>），出于安全原因拒绝读取",
                        "XML entity declarations are refused")

    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


def _feed(parser: Any, fh: Any) -> None:
    """Parse a part chunk by chunk: memory follows the handlers, not the part's size."""
    while chunk := fh.read(_CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _replay(z: zipfile.ZipFile, member: str, label: str) -> tuple[list[tuple[int, int]], str]:
    """Where calamine would place each value of a part (``_Replay``): the byte spans of the
    few stray values to drop, and the name of one of them. Raises ``FileError`` beyond the
    limits."""
    parser = _safe_parser(f"工作表“{label}”")
    replay = _Replay(label, parser)
    parser.StartElementHandler = replay.start
    parser.EndElementHandler = replay.end
    parser.CharacterDataHandler = replay.text
    try:
        with z.open(member) as fh:
            _feed(parser, fh)
    except expat.ExpatError as e:
        raise FileError(f"工作表“{label}”的 XML 格式有误（文件已损坏）",
                        f"sheet {label!r}: malformed XML: {e}") from e
    replay.finish()
    first = min(replay.first_stray.values(), default=(0, 0))
    return replay.strays, _cell_name(*first)


def _trimmed_copy(z: zipfile.ZipFile, trims: dict[str, list[tuple[int, int]]]) -> Path:
    """A copy of the workbook without the stray cells, for calamine (a temporary file)."""
    fd, name = tempfile.mkstemp(prefix="mujun-", suffix=".xlsx")
    os.close(fd)
    copy = Path(name)
    done = False
    try:
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in z.infolist():
                if info.is_dir():
                    continue
                with z.open(info) as src, out.open(info.filename, "w", force_zip64=True) as dst:
                    spans = trims.get(info.filename)
                    if spans:
                        _copy_without(src, dst, spans)
                    else:
                        shutil.copyfileobj(src, dst, _CHUNK)
        done = True
    finally:
        if not done:
            copy.unlink(missing_ok=True)
    return copy


def _copy_without(src: Any, dst: Any, spans: list[tuple[int, int]]) -> None:
    """Copy a stream without the cells at ``spans``: (first byte of <c, first byte of its
    end tag), each dropped through the '>' that ends its end tag."""
    todo = sorted(spans)
    k = 0
    mode = "copy"
    base = 0
    while chunk := src.read(_CHUNK):
        i, n = 0, len(chunk)
        while i < n:
            if mode == "copy":
                if k < len(todo) and todo[k][0] < base + n:
                    at = max(todo[k][0] - base, i)
                    dst.write(chunk[i:at])
                    i, mode = at, "skip"
                else:
                    dst.write(chunk[i:])
                    break
            elif mode == "skip":
                if todo[k][1] < base + n:
                    i, mode = max(todo[k][1] - base, i), "close"
                else:
                    break
            else:
                gt = chunk.find(b">", i)
                if gt < 0:
                    break
                i, mode, k = gt + 1, "copy", k + 1
        base += n


# ------------------------------------------------------------------ .xls and .ods: their grids

_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_XLS_VALUES = {0x0203, 0x027E, 0x00FD, 0x0204, 0x00D6, 0x0205, 0x0006, 0x0406, 0x0206,
               0x0002, 0x0003, 0x0004, 0x0005}  # BIFF8 … BIFF2 cell records with a value
_XLS_BLANKS = {0x0201, 0x0001}
_MULRK, _MULBLANK, _FILEPASS, _BOUNDSHEET = 0x00BD, 0x00BE, 0x002F, 0x0085
_XLRD_CELLS = 4_000_000  # xlrd pads every row to the widest: its formats are not read beyond


class _Extent:
    """The smallest range holding some cells (0-based, inclusive)."""

    def __init__(self) -> None:
        self.top = self.left = 1 << 62
        self.bottom = self.right = -1

    def add(self, row: int, first: int, last: int) -> None:
        self.top, self.bottom = min(self.top, row), max(self.bottom, row)
        self.left, self.right = min(self.left, first), max(self.right, last)

    @property
    def area(self) -> int:
        return 0 if self.bottom < 0 else \
            (self.bottom - self.top + 1) * (self.right - self.left + 1)

    def check(self, label: str) -> None:
        """Refuse a range calamine cannot hold within the limits."""
        if self.bottom < 0:
            return
        at = _cell_name(self.bottom, self.right)
        if self.right >= LIMIT_COLS:
            raise FileError(f"工作表“{label}”超过 {LIMIT_COLS:,} 列（读取上限）：第 {self.right + 1:,} 列"
                            "仍有数据；请删除多余的列后再导入",
                            f"sheet {label!r}: values beyond column {LIMIT_COLS:,}")
        if self.bottom >= LIMIT_ROWS:
            raise FileError(f"工作表“{label}”超过 {LIMIT_ROWS:,} 行（读取上限）：第 {self.bottom + 1:,} 行"
                            "仍有数据；请拆分成几个文件后再导入",
                            f"sheet {label!r}: values beyond row {LIMIT_ROWS:,}")
        if self.area > LIMIT_CELLS:
            span = f"{_cell_name(self.top, self.left)}:{at}"
            raise FileError(f"工作表“{label}”的数据区域 {span} 超过 {LIMIT_CELLS:,} 个单元格"
                            "（读取上限）；请删除区域外多余的内容后再导入",
                            f"sheet {label!r}: the range {span} is over {LIMIT_CELLS:,} cells")


def _check_xls(path: Path) -> bool:
    """Before calamine reads an .xls: the cell records of each sheet (BIFF, walked record by
    record) within the limits — a record may name any column up to 65,535, and calamine
    holds the grid whole. True when xlrd, which also keeps blank formatted cells and pads
    every row, can read the formats within its own bound."""
    from xlrd import compdoc

    try:
        data = path.read_bytes()
        doc = compdoc.CompDoc(data, logfile=io.StringIO())
        mem, base, size = doc.locate_named_stream("Workbook")
        if mem is None:
            mem, base, size = doc.locate_named_stream("Book")
    except (compdoc.CompDocError, struct.error, IndexError, ValueError) as e:
        raise _not_a_workbook(e) from e
    if mem is None:
        return True  # no workbook stream: calamine refuses the file
    names: dict[int, str] = {}  # stream position of a sheet's BOF → its name
    values, blanks = _Extent(), _Extent()
    label = ""
    depth, index, pos, end, xlrd_ok = 0, 0, base, base + size, True
    while pos + 4 <= end:
        rtype, n = struct.unpack_from("<HH", mem, pos)
        body, at = pos + 4, pos - base
        pos = body + n
        if pos > end:
            break  # a record cut short: calamine refuses it
        if rtype in _BOF:
            depth += 1
            if depth == 1:
                values, blanks = _Extent(), _Extent()
                label = names.get(at) or f"第 {index} 个工作表"
                index += 1
            continue
        if rtype == 0x000A:
            depth -= 1
            if depth == 0:
                values.check(label)
                xlrd_ok = xlrd_ok and blanks.area <= _XLRD_CELLS
            continue
        if rtype == _BOUNDSHEET and n >= 8:
            names[struct.unpack_from("<I", mem, body)[0]] = _biff_name(mem, body + 6, n - 6)
            continue
        if rtype == _FILEPASS:
            return False  # encrypted: calamine refuses it
        if depth != 1 or n < 4:
            continue
        if rtype in _XLS_VALUES:
            row, col = struct.unpack_from("<HH", mem, body)
            values.add(row, col, col)
            blanks.add(row, col, col)
        elif rtype in (_MULRK, _MULBLANK) and n >= 6:
            row, first = struct.unpack_from("<HH", mem, body)
            last = struct.unpack_from("<H", mem, body + n - 2)[0]
            (values if rtype == _MULRK else blanks).add(row, first, max(first, last))
            blanks.add(row, first, max(first, last))
        elif rtype in _XLS_BLANKS:
            row, col = struct.unpack_from("<HH", mem, body)
            blanks.add(row, col, col)
    return xlrd_ok


def _biff_name(mem: bytes, at: int, n: int) -> str:
    """A sheet's name in a BOUNDSHEET record (BIFF8: flags say 8-bit or UTF-16)."""
    count = mem[at]
    if n >= 2 and mem[at + 1] in (0, 1):
        raw = mem[at + 2:at + 2 + count * (2 if mem[at + 1] else 1)]
        return raw.decode("utf-16-le" if mem[at + 1] else "latin-1", errors="replace")
    return mem[at + 1:at + 1 + count].decode("latin-1", errors="replace")


class _OdsGrid:
    """calamine reading an OpenDocument spreadsheet, replayed on content.xml's elements: the
    range of each table's cells with a value, counting repeated rows and columns (a value
    repeated over 16,384 columns is 16,384 values)."""

    def __init__(self) -> None:
        self.label = ""
        self.extent = _Extent()
        self.row = self.col = 0
        self.rows_repeat = 1
        self.cell: tuple[int, bool] | None = None  # (columns repeated, has a value)
        self.row_has = False
        self.elements = 0

    @staticmethod
    def _attr(attrs: dict[str, str], local: str) -> str | None:
        for key, value in attrs.items():
            if key.rpartition(":")[2] == local:
                return value
        return None

    def _count(self, attrs: dict[str, str], local: str) -> int:
        text = self._attr(attrs, local)
        try:
            n = int(text) if text is not None else 1
        except ValueError as e:
            raise FileError(f"工作表“{self.label}”中的重复次数“{text[:20]}”无效（文件已损坏）",
                            f"sheet {self.label!r}: bad {local} {text[:20]!r}") from e
        return max(n, 1)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > LIMIT_XML_ELEMENTS:
            raise FileError(f"表格内容过于庞大（XML 元素超过 {LIMIT_XML_ELEMENTS:,} 个，读取上限）",
                            f"over {LIMIT_XML_ELEMENTS:,} XML elements")
        local = name.rpartition(":")[2]
        if local == "table":
            self.label = self._attr(attrs, "name") or ""
            self.extent, self.row = _Extent(), 0
        elif local == "table-row":
            self.rows_repeat = self._count(attrs, "number-rows-repeated")
            self.col, self.row_has = 0, False
        elif local in ("table-cell", "covered-table-cell"):
            self.cell = (self._count(attrs, "number-columns-repeated"),
                         self._attr(attrs, "value-type") is not None)

    def text(self, data: str) -> None:
        if self.cell is not None and not self.cell[1] and data.strip():
            self.cell = (self.cell[0], True)

    def end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local in ("table-cell", "covered-table-cell") and self.cell is not None:
            repeat, has = self.cell
            self.cell = None
            if has:
                self.extent.add(self.row, self.col, self.col + repeat - 1)
                self.extent.add(self.row + self.rows_repeat - 1, self.col, self.col + repeat - 1)
                self.extent.check(self.label)  # at once: a bomb is refused as it is met
            self.col += repeat
        elif local == "table-row":
            self.row += self.rows_repeat
        elif local == "table":
            self.extent.check(self.label)


def _check_ods(path: Path) -> None:
    """Before calamine reads an .ods (any zip with a content.xml): each table's grid within
    the limits (calamine's own limit is 100 million cells, 3 GB)."""
    parser = _safe_parser("表格")
    grid = _OdsGrid()
    parser.StartElementHandler = grid.start
    parser.EndElementHandler = grid.end
    parser.CharacterDataHandler = grid.text
    try:
        with zipfile.ZipFile(path) as z, z.open(_member(z, "content.xml")) as fh:
            _feed(parser, fh)
    except KeyError:
        return  # no content.xml: not read as OpenDocument
    except expat.ExpatError as e:
        raise FileError("OpenDocument 表格的 XML 格式有误（文件已损坏）",
                        f"malformed content.xml: {e}") from e
    except _BAD_ZIP as e:
        raise _not_a_workbook(e) from e


def _unescape(raw: bytes) -> str:
    from xml.sax.saxutils import unescape

    return unescape(raw.decode("utf-8", errors="replace"), {"&quot;": '"', "&apos;": "'"})


def _xls_looks(path: Path) -> dict[str, _Look]:
    """Hidden rows and columns, error values and percentage-formatted cells of a legacy .xls
    (xlrd reads the BIFF records calamine does not expose)."""
    import xlrd

    out: dict[str, _Look] = {}
    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True,
                              logfile=io.StringIO())
    try:
        percent_xf = {i for i, xf in enumerate(book.xf_list)
                      if "%" in re.sub(r'"[^"]*"|\\.', "",
                                       getattr(book.format_map.get(xf.format_key), "format_str", ""))}
        for i, name in enumerate(book.sheet_names()):
            sh = book.sheet_by_index(i)
            look = out[name] = _Look()
            look.hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
            look.hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
            for r in range(sh.nrows):  # error values (#DIV/0! …): calamine reads them as ''
                types = sh.row_types(r)
                if xlrd.XL_CELL_ERROR in types:
                    for c, t in enumerate(types):
                        if t == xlrd.XL_CELL_ERROR:
                            look.problems[(r, c)] = xlrd.error_text_from_code.get(
                                sh.cell_value(r, c), "#错误")
            if percent_xf:
                for r in range(sh.nrows):
                    for c in range(sh.row_len(r)):
                        if sh.cell_xf_index(r, c) in percent_xf and \
                                sh.cell_type(r, c) == xlrd.XL_CELL_NUMBER:
                            look.percent_cells.add((r, c))
            book.unload_sheet(i)
    finally:
        book.release_resources()
    return out

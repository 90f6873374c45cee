"""Read a park's file into rows of raw cell values, as Excel/WPS shows them, plus what the
values alone do not show (merged ranges, hidden rows, columns and sheets, percentage formats,
formulas). The format is decided by the content (``forms.excel.formats.sniff``).

python-calamine is the reader (bench/RESULTS.md: ~7× faster than openpyxl read-only on a
100k-row sheet). It reports a formula without a cached value and a cached error value both as
'' — the same as a blank — so for .xlsx the sheet XML is scanned once, streamed, for exactly
those cells, which become cell errors instead of silent blanks.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

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
        with zipfile.ZipFile(path) as z:
            return z.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False


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
    try:
        with path.open("rb") as fh:
            book = calamine.CalamineWorkbook.from_filelike(fh)
        meta = {m.name: m for m in book.sheets_metadata}
        raw = [book.get_sheet_by_name(n) for n in book.sheet_names]
    except calamine.PasswordError as e:
        raise FileError("文件已加密（设有打开密码），请取消密码后另存再导入",
                        "the workbook is encrypted") from e
    except (calamine.CalamineError, OSError, ValueError) as e:
        raise FileError("不是有效的 Excel 工作簿（文件已损坏或不是表格文件）",
                        f"not a valid Excel workbook: {e}") from e
    notes: list[str] = []
    looks: dict[str, _Look] = {}
    try:
        if fmt == "xlsx":
            looks = _xlsx_looks(path)
        elif fmt == "xls":
            looks = _xls_looks(path)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError,
            AssertionError, IndexError, struct.error) as e:
        notes.append("无法读取工作表的格式信息（隐藏行列、百分比格式、公式），"
                     f"这些情况本次无法提示：{type(e).__name__}")
    if fmt == "ods":
        notes.append("OpenDocument 表格：无法判断隐藏行列和百分比格式，这些情况本次无法提示")
    sheets = []
    for sh in raw:
        # iter_rows keeps leading empty rows but starts at the first used column
        offset = sh.start[1] if sh.start else 0
        look = looks.get(sh.name, _Look())

        found = {(r, c - offset): what for (r, c), what in look.problems.items()}
        values = {k: v for k, v in found.items() if v != NEEDS_RESAVE}
        sheet = Sheet(sh.name, _rows(sh, values), (sh.end[0] + 1) if sh.end else 0)
        for key, what in found.items():
            sheet.problems[key] = what if what == NEEDS_RESAVE else \
                f"单元格是错误值“{what}”（公式出错），请修正后再导入"
        sheet.formulas = {(r, c - offset): f for (r, c), f in look.formulas.items()}
        sheet.merged = [(r0, c0 - offset, r1, c1 - offset)
                        for (r0, c0), (r1, c1) in (sh.merged_cell_ranges or [])]
        sheet.hidden_rows = set(look.hidden_rows)
        sheet.hidden_cols = {c - offset for c in look.hidden_cols if c >= offset}
        sheet.percent_cells = {(r, c - offset) for r, c in look.percent_cells}
        sheet.filtered = look.filtered
        m = meta.get(sh.name)
        sheet.hidden = m is not None and m.visible != calamine.SheetVisibleEnum.Visible
        sheets.append(sheet)
    return Book(sheets, fmt, notes)


def _rows(sh: Any, error_values: dict[tuple[int, int], str]) -> Iterator[list[Any]]:
    """The sheet's rows; a cached error value is put back where calamine gave '' (as the user
    sees it in Excel), the cell itself being rejected through ``Sheet.problems``."""
    try:
        for r, row in enumerate(sh.iter_rows()):
            for (er, ec), what in error_values.items() if error_values else ():
                if er == r and ec < len(row):
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


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _sheet_paths(z: zipfile.ZipFile) -> dict[str, str]:
    wb = ElementTree.fromstring(z.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_REL)}
    out = {}
    for s in wb.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
        target = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out[s.get("name", "")] = target
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


_HIDDEN_ROW = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"')
_HIDDEN_ROW2 = re.compile(rb'<row\b[^>]*?\bhidden="(?:1|true)"[^>]*?\br="(\d+)"')
_COL = re.compile(rb'<col\b([^>]*)/?>')
_ATTR = re.compile(rb'\b(min|max|hidden)="([^"]*)"')
_FORMULA_TEXT = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>(?:<f[^>]*>([^<]*)</f>)')
_BUILTIN_PERCENT = {9, 10}


def _percent_styles(z: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles (cellXfs) whose number format shows a percentage."""
    try:
        root = ElementTree.fromstring(z.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom = {int(f.get("numFmtId", "-1")) for f in root.iterfind("m:numFmts/m:numFmt", _NS)
              if "%" in re.sub(r'"[^"]*"|\\.', "", f.get("formatCode", ""))}
    xfs = root.find("m:cellXfs", _NS)
    if xfs is None:
        return set()
    return {i for i, xf in enumerate(xfs.iterfind("m:xf", _NS))
            if int(xf.get("numFmtId", "0")) in _BUILTIN_PERCENT | custom}


def _xlsx_looks(path: Path) -> dict[str, _Look]:
    """Per sheet, streamed over the sheet XML once: cells whose formula has no cached value,
    cells holding an error value (calamine gives both as ''), formulas, hidden rows and
    columns, an auto-filter, and cells formatted as a percentage."""
    out: dict[str, _Look] = {}
    with zipfile.ZipFile(path) as z:
        percent = _percent_styles(z)
        styled = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bs="(' + b"|".join(
            str(i).encode() for i in sorted(percent)) + rb')"') if percent else None
        for name, member in _sheet_paths(z).items():
            look = out[name] = _Look()
            with z.open(member) as fh:
                tail = b""
                while True:
                    chunk = fh.read(_CHUNK)
                    buf = tail + chunk
                    if not chunk:
                        cut = len(buf)
                    else:
                        cut = max(buf.rfind(b"</c>") + 4 if b"</c>" in buf else 0,
                                  buf.rfind(b"</row>") + 6 if b"</row>" in buf else 0)
                    part, tail = buf[:cut], buf[cut:]
                    _scan_part(part, look, styled)
                    if not chunk:
                        break
    return out


def _scan_part(part: bytes, look: _Look, styled: re.Pattern[bytes] | None) -> None:
    if b"<f" in part or b't="e"' in part:
        for m in _ERROR_CELL.finditer(part):
            look.problems[(int(m[2]) - 1, _col_index(m[1]))] = m[3].decode(errors="replace")
        for m in _FORMULA_NO_VALUE.finditer(part):
            look.problems.setdefault((int(m[2]) - 1, _col_index(m[1])), NEEDS_RESAVE)
        for m in _FORMULA_TEXT.finditer(part):
            look.formulas[(int(m[2]) - 1, _col_index(m[1]))] = "=" + _unescape(m[3])
    if b"hidden=" in part:
        for rx in (_HIDDEN_ROW, _HIDDEN_ROW2):
            look.hidden_rows.update(int(m[1]) - 1 for m in rx.finditer(part))
        for m in _COL.finditer(part):
            attrs = dict(_ATTR.findall(m[1]))
            if attrs.get(b"hidden") in (b"1", b"true"):
                lo, hi = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
                look.hidden_cols.update(range(lo - 1, min(hi, 16384)))
    if b"<autoFilter" in part:
        look.filtered = True
    if styled is not None:
        look.percent_cells.update((int(m[2]) - 1, _col_index(m[1])) for m in styled.finditer(part))


def _unescape(raw: bytes) -> str:
    from xml.sax.saxutils import unescape

    return unescape(raw.decode("utf-8", errors="replace"), {"&quot;": '"', "&apos;": "'"})


def _xls_looks(path: Path) -> dict[str, _Look]:
    """Hidden rows and columns and percentage-formatted cells of a legacy .xls (xlrd reads the
    BIFF records calamine does not expose)."""
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

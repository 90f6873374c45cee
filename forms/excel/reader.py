"""Read .xlsx, .xls and .csv into rows of raw cell values, as Excel/WPS shows them.

python-calamine is the reader (bench/RESULTS.md: ~7× faster than openpyxl read-only on a
100k-row sheet). It reports a formula without a cached value and a cached error value both as
'' — the same as a blank — so for .xlsx the sheet XML is scanned once, streamed, for exactly
those cells, which become cell errors instead of silent blanks.
"""

from __future__ import annotations

import csv
import io
import re
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
    """One sheet's rows, each given once (streamed: a park sheet is never held whole)."""

    name: str
    rows: Iterator[list[Any]]
    height: int
    problems: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) 0-based


def read_file(path: Path) -> list[Sheet]:
    path = Path(path)
    if not path.exists():
        raise FileError(f"找不到文件：{path}", f"file not found: {path}")
    if path.is_dir():
        raise FileError(f"这是一个文件夹，不是表格文件：{path}", f"is a folder: {path}")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except PermissionError as e:
        raise FileError("文件被其他程序占用或没有读取权限（如在 Excel 中打开，请先关闭）",
                        f"file is locked or not readable: {e}") from e
    if not head:
        raise FileError("文件是空的（0 字节）", "the file is empty")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return [_read_csv(path)]
    if head.startswith(ZIP_MAGIC):
        return _read_workbook(path, xml_scan=True)
    if head.startswith(OLE_MAGIC):
        if suffix in (".xlsx", ".xlsm"):
            raise FileError("文件已加密（设有打开密码），请在 Excel/WPS 中取消密码后另存再导入",
                            "the workbook is encrypted (password protected)")
        return _read_workbook(path, xml_scan=False)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise FileError("不是有效的 Excel 工作簿（文件已损坏或不是表格文件）",
                        "not a valid Excel workbook (corrupt or not a spreadsheet)")
    raise FileError(f"不支持的文件类型“{suffix or '无扩展名'}”：请使用 .xlsx、.xls 或 .csv",
                    f"unsupported file type {suffix!r}: use .xlsx, .xls or .csv")


def _read_workbook(path: Path, xml_scan: bool) -> list[Sheet]:
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        raw = [book.get_sheet_by_name(n) for n in book.sheet_names]
    except calamine.PasswordError as e:
        raise FileError("文件已加密（设有打开密码），请取消密码后另存再导入",
                        "the workbook is encrypted") from e
    except (calamine.CalamineError, OSError, ValueError) as e:
        raise FileError("不是有效的 Excel 工作簿（文件已损坏或不是表格文件）",
                        f"not a valid Excel workbook: {e}") from e
    problems: dict[str, dict[tuple[int, int], str]] = {}
    if xml_scan:
        try:
            problems = _xlsx_problem_cells(path)
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
            problems = {}
    sheets = []
    for sh in raw:
        # iter_rows keeps leading empty rows but starts at the first used column
        offset = sh.start[1] if sh.start else 0
        found = {(r, c - offset): what for (r, c), what in problems.get(sh.name, {}).items()}
        values = {k: v for k, v in found.items() if v != NEEDS_RESAVE}
        sheet = Sheet(sh.name, _rows(sh, values), (sh.end[0] + 1) if sh.end else 0)
        for key, what in found.items():
            sheet.problems[key] = what if what == NEEDS_RESAVE else \
                f"单元格是错误值“{what}”（公式出错），请修正后再导入"
        sheets.append(sheet)
    return sheets


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


def _read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise FileError("无法识别 CSV 的编码（应为 UTF-8 或 GBK）", "unknown CSV encoding")
    if "\x00" in text:
        raise FileError("不是文本格式的 CSV 文件", "not a text CSV file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), dialect)]
    return Sheet(path.stem, iter(rows), len(rows))


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


def _xlsx_problem_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Per sheet: cells whose formula has no cached value, and cells holding an error value."""
    out: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as z:
        for name, member in _sheet_paths(z).items():
            found: dict[tuple[int, int], str] = {}
            with z.open(member) as fh:
                tail = b""
                while True:
                    chunk = fh.read(_CHUNK)
                    buf = tail + chunk
                    if not chunk:
                        cut = len(buf)
                    else:
                        cut = buf.rfind(b"</c>") + 4 if b"</c>" in buf else 0
                    part, tail = buf[:cut], buf[cut:]
                    if b"<f" in part or b't="e"' in part:
                        for m in _ERROR_CELL.finditer(part):
                            found[(int(m[2]) - 1, _col_index(m[1]))] = m[3].decode(errors="replace")
                        for m in _FORMULA_NO_VALUE.finditer(part):
                            found.setdefault((int(m[2]) - 1, _col_index(m[1])), NEEDS_RESAVE)
                    if not chunk:
                        break
            if found:
                out[name] = found
    return out

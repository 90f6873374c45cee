"""The spreadsheet files government systems export under a misleading suffix, and sniffing a
file's real format from its content.

An "Excel export" from a county or provincial system is often not a workbook at all: an HTML
table named .xls (GBK more often than not), Excel's own XML Spreadsheet 2003 named .xls, or a
tab-separated "Unicode 文本" (UTF-16) file. These readers give the same ``Book``/``Sheet`` as
``forms.excel.reader`` does for real workbooks. Standard library only.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.parsers import expat

from forms.excel.reader import (
    LIMIT_CELL_CHARS,
    LIMIT_CELLS,
    LIMIT_COLS,
    LIMIT_MARKUP,
    LIMIT_MERGES,
    LIMIT_ROWS,
    LIMIT_TEXT,
    NEEDS_RESAVE,
    OLE_MAGIC,
    ZIP_MAGIC,
    Book,
    FileError,
    Sheet,
    too_large_file,
)
from forms.headers import HEADER_SEARCH_ROWS  # where a table's label row is looked for

__all__ = ["read_html", "read_text", "read_xml2003", "sniff"]

SS_NS = "urn:schemas-microsoft-com:office:spreadsheet"
MAX_ROWS = 1 << 20  # Excel's limits: spans and indexes beyond them are file errors
MAX_COLS = 1 << 14
NOTE_UTF16 = "按 UTF-16 编码读取（Excel“Unicode 文本”格式）"
NOTE_GBK = "按 GBK（GB18030）编码读取"
NOTE_REPLACED = "文件中有无法识别的字符（编码有误），已显示为“�”，请核对"


def _error_reason(text: str) -> str:
    return f"单元格是错误值“{text}”（公式出错），请修正后再导入"


# ----------------------------------------------------------------------------------- sniffing

_HTML_TAGS = {"html", "head", "body", "table", "meta", "title", "style", "link", "tr", "thead",
              "tbody", "caption", "colgroup", "div", "font", "p", "center", "br", "form", "base"}
_TAG = re.compile(r"<([A-Za-z][\w:.-]*)")
_OK_CONTROLS = set("\t\n\r\f\v\x1a\x1b")


def sniff(head: bytes) -> str:
    """The format of a file from its first 64 KiB (not its suffix): 'xlsx' (a zip; the caller
    tells .ods apart), 'ole' (OLE2: a real .xls or an encrypted .xlsx), 'html', 'xml2003'
    (XML Spreadsheet 2003), 'text' (decodable text) or 'unknown' (binary, or empty)."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if not head:
        return "unknown"
    encoding, bom = _bom(head)
    if encoding is None:
        encoding = _utf16_without_bom(head)
    if encoding is not None:  # UTF-16/32: markup or text only when it decodes cleanly
        text = _decode_head(head[bom:], encoding)
        if text is None or "\x00" in text:
            return "unknown"
        markup = _markup_kind(text)
        if markup:
            return markup
        return "text" if bom and _looks_textual(text) else "unknown"
    body = head[bom:]
    markup = _markup_kind(body.decode("latin-1"))  # the markup that matters is ASCII
    if markup:
        return markup
    for enc in ("utf-8", "gb18030"):
        text = _decode_head(body, enc)
        if text is not None:
            return "text" if _looks_textual(text) else "unknown"
    return "unknown"


def _bom(data: bytes) -> tuple[str | None, int]:
    """The encoding a byte-order mark names, and the mark's length."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if data.startswith(codecs.BOM_UTF32_LE):
        return "utf-32-le", 4
    if data.startswith(codecs.BOM_UTF32_BE):
        return "utf-32-be", 4
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    return None, 0


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 with no BOM, seen by its ASCII opening ('<' then NUL, or NUL then '<')."""
    if len(data) < 4:
        return None
    if data[0] and not data[1] and data[2] and not data[3] and data[0] < 0x80:
        return "utf-16-le"
    if not data[0] and data[1] and not data[2] and data[3] and data[1] < 0x80:
        return "utf-16-be"
    return None


def _decode_head(data: bytes, encoding: str) -> str | None:
    """``data`` decoded, tolerating a character cut at the end of the 64 KiB head."""
    try:
        return codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except UnicodeDecodeError:
        return None  # not this encoding: the caller tries the next one (sniffing only)


def _looks_textual(text: str) -> bool:
    if "\x00" in text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _OK_CONTROLS)
    return controls <= len(text) // 100


def _markup_kind(text: str) -> str:
    """'html' or 'xml2003' when ``text`` opens (after whitespace, comments, processing
    instructions and a doctype) like one; '' otherwise."""
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n\f\ufeff":
            i += 1
        if text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return ""
            i = end + 3
        elif text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return ""
            pi = text[i:end].lower()
            if "mso-application" in pi and "excel.sheet" in pi:
                return "xml2003"
            i = end + 2
        elif text[i:i + 9].lower() == "<!doctype":
            word = text[i + 9:i + 40].lower().split(None, 1)
            if word and word[0].rstrip(">") == "html":
                return "html"
            close = text.find(">", i)
            bracket = text.find("[", i)
            if 0 <= bracket < close:  # an internal subset: skip to "]>"
                close = text.find("]", bracket)
                close = text.find(">", close) if close >= 0 else -1
            if close < 0:
                return ""
            i = close + 1
        else:
            m = _TAG.match(text, i)
            if not m:
                return ""
            local = m[1].rsplit(":", 1)[-1].lower()
            if local in _HTML_TAGS:
                return "html"
            if local == "workbook":
                end = text.find(">", i)
                if SS_NS in (text[i:end] if end >= 0 else text[i:]):
                    return "xml2003"
            return ""
    return ""


# ----------------------------------------------------------------------------------- decoding

_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""")


def _read_bytes(path: Path) -> bytes:
    if (refusal := too_large_file(path, LIMIT_MARKUP)) is not None:
        raise refusal
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise _unreadable(path, e) from e


def _unreadable(path: Path, e: OSError) -> FileError:
    if isinstance(e, FileNotFoundError):
        return FileError(f"找不到文件：{path}", f"file not found: {path}")
    if isinstance(e, IsADirectoryError):
        return FileError(f"这是一个文件夹，不是表格文件：{path}", f"is a folder: {path}")
    return FileError("文件被其他程序占用或没有读取权限（如在 Excel 中打开，请先关闭）",
                     f"file is locked or not readable: {e}")


def _codec(name: str) -> str | None:
    """The Python codec for a declared charset; GB2312/GBK are read as their superset."""
    low = name.lower().replace("_", "-")
    if low in ("gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "csgb2312", "936"):
        return "gb18030"
    try:
        return codecs.lookup(low).name
    except LookupError:
        return None


def _note(encoding: str) -> list[str]:
    if encoding.startswith(("utf-16", "utf-32")):
        return [NOTE_UTF16] if encoding.startswith("utf-16") else ["按 UTF-32 编码读取"]
    if encoding == "gb18030":
        return [NOTE_GBK]
    if encoding in ("utf-8", "ascii"):
        return []
    return [f"按 {encoding} 编码读取"]


def _decode_markup(data: bytes, declared: re.Pattern[bytes]) -> tuple[str, list[str]]:
    """HTML or XML text: by a BOM, else UTF-16 seen by its NULs, else UTF-8 when it decodes
    (a declared GBK is often wrong), else the declared charset, else GB18030."""
    encoding, bom = _bom(data)
    if encoding is None:
        encoding = _utf16_without_bom(data)
    if encoding is not None:
        try:
            return data[bom:].decode(encoding), _note(encoding)
        except UnicodeDecodeError:
            return data[bom:].decode(encoding, errors="replace"), \
                _note(encoding) + [NOTE_REPLACED]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass  # not UTF-8: the declared and the Chinese encodings follow, each said in a note
    m = declared.search(data[:4096])
    tried = ["gb18030"]
    codec = _codec(m[1].decode("ascii")) if m else None
    if codec and codec not in ("utf-8", "gb18030") and not codec.startswith(("utf-16", "utf-32")):
        tried.insert(0, codec)
    for enc in tried:
        try:
            return data.decode(enc), _note(enc)
        except UnicodeDecodeError:
            continue  # the next encoding; the one that decodes is named in the note
    return data.decode("gb18030", errors="replace"), [NOTE_GBK, NOTE_REPLACED]


# --------------------------------------------------------------------------------------- HTML

_WS = re.compile(r"[ \t\n\r\f]+")
_PERCENT_TEXT = re.compile(r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?)\s*[%％]")
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CSS_CLASS = re.compile(r"(?:^|[\s>+~])(?:[a-z][\w-]*)?\.([\w-]+)$", re.IGNORECASE)
_PLAIN = re.compile(r"[^\s\x00\xa0](?:[^\t\n\r\f\x00\xa0 ]| (?! ))*(?<! )")
_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6"}
_GROUP_TAGS = {"thead", "tbody", "tfoot"}


def _css_declarations(text: str) -> dict[str, str]:
    """``a:b; c:"d;e"`` → {'a': 'b', 'c': 'd;e'} (names lower-case, CSS escapes and quotes
    removed, so an Excel format like ``"0\\.0%"`` reads ``0.0%``)."""
    out: dict[str, str] = {}
    parts: list[str] = []
    buf: list[str] = []
    quote = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            buf.append(text[i + 1])
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == ";":
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    for part in parts:
        name, sep, value = part.partition(":")
        if sep and name.strip():
            out[name.strip().lower()] = value.strip()
    return out


def _css_classes(css: str) -> dict[str, dict[str, str]]:
    """Class selectors of a style sheet (Excel's HTML keeps number formats in ``.xl65``)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL).replace("<!--", "").replace("-->", "")
    out: dict[str, dict[str, str]] = {}
    for m in _CSS_RULE.finditer(css):
        decls = _css_declarations(m[2])
        for selector in m[1].split(","):
            found = _CSS_CLASS.search(selector.strip())
            if found:
                out.setdefault(found[1].lower(), {}).update(decls)
    return out


@dataclass
class _Cell:
    row: int
    col: int
    style: dict[str, str]
    attrs: dict[str, str | None]
    parts: list[str] = field(default_factory=list)


@dataclass
class _Table:
    order: int
    caption: list[str] = field(default_factory=list)
    cells: dict[int, dict[int, tuple[str, dict[str, str], dict[str, str | None]]]] = \
        field(default_factory=dict)
    merged: list[list[int]] = field(default_factory=list)
    active: list[list[int]] = field(default_factory=list)  # merges reaching below this row
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    next_col_def: int = 0  # <col> elements seen, in columns
    rows: int = 0  # <tr> started
    in_row: bool = False
    covered: set[int] = field(default_factory=set)  # columns of this row under a rowspan
    covered_for: int = -1  # the row ``covered`` was worked out for (-1: to be worked out)
    next_col: int = 0
    cell: _Cell | None = None


def _int_attr(value: str | None, default: int, low: int, high: int) -> int:
    try:
        n = int(str(value).strip().rstrip(";")) if value is not None else default
    except ValueError:
        return default
    return min(max(n, low), high)


class _HtmlTables(HTMLParser):
    """The HTML table model (the part of it that spreadsheet exports use)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []  # open tables, innermost last
        self.done: list[_Table] = []
        self.nested = 0  # depth of tables inside a cell: their text belongs to the cell
        self.skipping = ""  # inside <script> or <style>
        self.css: list[str] = []
        self.classes: dict[str, dict[str, str]] = {}
        self.style_cache: dict[tuple[str | None, str | None], dict[str, str]] = {}
        self.in_title = False
        self.title: list[str] = []
        self.title_done = False
        self.in_caption = False
        self.count = 0
        self.cells = 0  # cells of every table, within LIMIT_CELLS

    def _style(self, attrs: dict[str, str | None]) -> dict[str, str]:
        """The declarations of a tag's classes and style attribute (shared: not to be
        changed; an export repeats the same few styles on every cell)."""
        key = (attrs.get("class"), attrs.get("style"))
        if key == (None, None):
            return {}
        found = self.style_cache.get(key)
        if found is None:
            found = {}
            for cls in (key[0] or "").split():
                found.update(self.classes.get(cls.lower(), {}))
            found.update(_css_declarations(key[1] or ""))
            if len(self.style_cache) < 10_000:
                self.style_cache[key] = found
        return found

    def _new_table(self) -> _Table:
        self.count += 1
        table = _Table(self.count)
        self.tables.append(table)
        return table

    # -- parser callbacks

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        if tag in ("script", "style"):
            self.skipping = tag
            return
        if tag == "title" and not self.title_done:
            self.in_title = True
            return
        table = self.tables[-1] if self.tables else None
        if table is not None and table.cell is not None:
            if self.nested or tag not in ("td", "th", "tr", *_GROUP_TAGS):
                self._inside_cell(table.cell, tag)
                return
            self._end_cell(table)  # an unclosed cell: the new tag closes it, as in a browser
        if tag == "table":
            self._new_table()
            return
        if table is None:
            if tag not in ("tr", "td", "th"):
                return
            table = self._new_table()  # a fragment with no <table>
        if tag == "caption":
            self.in_caption = True
        elif tag in _GROUP_TAGS:
            table.in_row = False
            self._end_group(table)
        elif tag == "col":
            span = _int_attr(attrs.get("span"), 1, 1, 1000)
            if self._style(attrs).get("display", "").lower() == "none" or "hidden" in attrs:
                table.hidden_cols.update(range(table.next_col_def,
                                               min(table.next_col_def + span, LIMIT_COLS)))
            table.next_col_def += span
        elif tag == "tr":
            self._start_row(table, attrs)
        elif tag in ("td", "th"):
            if not table.in_row:
                self._start_row(table, {})
            self._start_cell(table, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("table", "tr", "td", "th", "caption", "title", *_GROUP_TAGS):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            if tag == self.skipping:
                self.skipping = ""
                if tag == "style":
                    self.classes = _css_classes("\n".join(self.css))
                    self.style_cache.clear()
            return
        if tag == "title":
            if self.in_title:
                self.in_title, self.title_done = False, True
            return
        if not self.tables:
            return
        table = self.tables[-1]
        if table.cell is not None:
            if tag == "br":  # </br> is read as <br> by browsers
                table.cell.parts.append("\n")
            elif self.nested:
                if tag == "table":
                    self.nested -= 1
            elif tag in ("td", "th"):
                self._end_cell(table)
            elif tag in ("tr", "table", *_GROUP_TAGS):
                self._end_cell(table)
                self.handle_endtag(tag)
            return
        if tag == "caption":
            self.in_caption = False
        elif tag == "tr":
            table.in_row = False
        elif tag in _GROUP_TAGS:
            table.in_row = False
            self._end_group(table)
        elif tag == "table":
            self._end_table()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            if self.skipping == "style":
                self.css.append(data)
            return
        if self.in_title:
            self.title.append(data)
            return
        if not self.tables:
            return
        table = self.tables[-1]
        if table.cell is not None:
            table.cell.parts.append(data)
        elif self.in_caption:
            table.caption.append(data)

    def close(self) -> None:
        super().close()
        while self.tables:
            table = self.tables[-1]
            if table.cell is not None:
                self._end_cell(table)
            self._end_table()

    # -- the table model

    def _inside_cell(self, cell: _Cell, tag: str) -> None:
        if tag == "br":
            cell.parts.append("\n")
        elif tag == "table":
            self.nested += 1
            cell.parts.append("\n")
        elif tag == "tr" or tag in _BLOCK_TAGS:
            cell.parts.append("\n")
        elif tag in ("td", "th"):
            cell.parts.append(" ")

    def _start_row(self, table: _Table, attrs: dict[str, str | None]) -> None:
        r = table.rows
        if r >= LIMIT_ROWS:
            raise FileError(f"网页表格超过 {LIMIT_ROWS:,} 行（读取上限）：请拆分成几个文件后再导入",
                            f"an HTML table over {LIMIT_ROWS:,} rows")
        table.rows += 1
        table.in_row = True
        table.next_col = 0
        active = [m for m in table.active if m[2] >= r]
        if len(active) != len(table.active) or table.covered_for != r - 1:
            table.covered = {c for m in active if m[0] < r for c in range(m[1], m[3] + 1)}
        table.active = active
        table.covered_for = r  # the same rowspans over the next row: the same columns
        style = self._style(attrs)
        if style.get("display", "").lower() == "none" or "hidden" in attrs:
            table.hidden_rows.add(r)

    def _start_cell(self, table: _Table, attrs: dict[str, str | None]) -> None:
        r = table.rows - 1
        c = table.next_col
        while c in table.covered:
            c += 1
        cs = _int_attr(attrs.get("colspan"), 1, 1, 1000)
        rs = _int_attr(attrs.get("rowspan"), 1, -1, 65534)
        if rs == 0:  # to the end of the row group
            rs = 65534
        rs = max(rs, 1)
        for k in range(1, cs):  # never over a cell spanning down from above
            if c + k in table.covered:
                cs = k
                break
        table.next_col = c + cs
        self.cells += 1
        if c + cs > LIMIT_COLS:
            raise FileError(f"网页表格超过 {LIMIT_COLS:,} 列（读取上限）",
                            f"an HTML table over {LIMIT_COLS:,} columns")
        if self.cells > LIMIT_CELLS:
            raise FileError(f"网页表格超过 {LIMIT_CELLS:,} 个单元格（读取上限）",
                            f"HTML tables over {LIMIT_CELLS:,} cells")
        if cs > 1 or rs > 1:
            merge = [r, c, r + rs - 1, c + cs - 1]
            table.merged.append(merge)
            if rs > 1:
                table.active.append(merge)
                table.covered_for = -1  # covers columns from the next row on
        table.cell = _Cell(r, c, self._style(attrs), attrs)

    def _end_cell(self, table: _Table) -> None:
        cell = table.cell
        table.cell = None
        self.nested = 0
        if cell is None:
            return
        table.cells.setdefault(cell.row, {})[cell.col] = (_cell_text(cell.parts), cell.style,
                                                          cell.attrs)

    def _end_group(self, table: _Table) -> None:
        """A rowspan does not reach past its row group."""
        last = table.rows - 1
        for m in table.active:
            if m[2] > last >= m[0]:
                m[2] = last
        table.active = []
        table.covered_for = -1

    def _end_table(self) -> None:
        table = self.tables.pop()
        self._end_group(table)
        self.done.append(table)
        self.in_caption = False


def _cell_text(parts: list[str]) -> str:
    """The text a cell shows: HTML white space collapsed, <br> a line break, &nbsp; a space."""
    if len(parts) == 1 and _PLAIN.fullmatch(parts[0]):
        return parts[0]
    # a line break is marked with NUL while HTML white space (\n too) is collapsed
    raw = _WS.sub(" ", "".join("\x00" if p == "\n" else p.replace("\x00", "") for p in parts))
    lines = [line.strip(" \xa0").replace("\xa0", " ") for line in raw.split("\x00")]
    return "\n".join(lines).strip("\n")


def _number_format(style: dict[str, str], attrs: dict[str, str | None]) -> str:
    fmt = style.get("mso-number-format") or style.get("vnd.ms-excel.numberformat") or ""
    sdnum = attrs.get("sdnum")  # LibreOffice: sdnum="2052;0;0.00%"
    if not fmt and sdnum:
        fmt = sdnum.split(";", 2)[-1]
    return fmt


def _html_value(text: str, style: dict[str, str],
                attrs: dict[str, str | None]) -> tuple[Any, bool]:
    """A cell's value, and whether it is a percentage-formatted number."""
    fmt = _number_format(style, attrs)
    if "x:str" in attrs or fmt.strip() == "@" or fmt.lower() == "text":
        return text, False
    numeric = "x:num" in attrs or "sdval" in attrs
    if not ("%" in fmt or fmt.lower() == "percent" or numeric):
        return text, False
    m = _PERCENT_TEXT.fullmatch(text.strip())
    if not m or not any(ch.isdigit() for ch in m[1]):
        return text, False
    try:
        shown = Decimal(m[1].replace(",", "")).scaleb(-2)
    except InvalidOperation:
        return text, False
    value = float(shown)
    stored = attrs.get("x:num") or attrs.get("sdval")
    if stored:  # Excel keeps the exact value there; use it when the text shows it rounded
        try:
            exact = float(stored)
        except ValueError:
            exact = None
        decimals = len(m[2] or "") + 2
        if exact is not None and abs(exact - value) <= 0.5 * 10 ** -decimals + 1e-12:
            value = exact
    return value, True


def read_html(path: Path) -> Book:
    """An HTML file of tables (what many systems export as .xls): one sheet per <table>."""
    text, notes = _decode_markup(_read_bytes(path), _CHARSET)
    parser = _HtmlTables()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError, IndexError) as e:
        raise FileError("网页格式的表格文件无法读取（文件已损坏）",
                        f"cannot parse the HTML file: {e}") from e
    tables = sorted((t for t in parser.done if t.rows), key=lambda t: t.order)
    if not tables:
        raise FileError("文件是网页，但其中没有表格数据（可能是导出时登录已过期或出错），请重新导出",
                        "an HTML file with no table in it")
    title = " ".join("".join(parser.title).split())
    sheets: list[Sheet] = []
    used: set[str] = set()
    for n, table in enumerate(tables, 1):
        caption = " ".join("".join(table.caption).split())
        name = caption or (title if len(tables) == 1 else "") or f"表{n}"
        base, k = name, 2
        while name in used:
            name, k = f"{base}({k})", k + 1
        used.add(name)
        sheets.append(_html_sheet(name, table))
    return Book(sheets, "html", notes)


def _html_sheet(name: str, table: _Table) -> Sheet:
    height = table.rows
    sheet = Sheet(name, iter(()), height)
    values: dict[int, dict[int, Any]] = {}
    for r, found in table.cells.items():
        for c, (text, style, attrs) in found.items():
            value, percent = _html_value(text, style, attrs)
            values.setdefault(r, {})[c] = value
            if percent:
                sheet.percent_cells.add((r, c))
            formula = attrs.get("x:fmla")
            if formula:
                sheet.formulas[(r, c)] = formula
    width = max((max(found) for found in table.cells.values() if found), default=-1) + 1
    for m in table.merged:  # within the table's rows and cells
        m[2], m[3] = min(m[2], height - 1), min(m[3], width - 1)
        if (m[2], m[3]) != (m[0], m[1]) and m[2] >= m[0] and m[3] >= m[1]:
            sheet.merged.append((m[0], m[1], m[2], m[3]))
    sheet.rows = _grid(values, height, sheet.merged, name)
    sheet.hidden_rows = {r for r in table.hidden_rows if r < height}
    sheet.hidden_cols = set(table.hidden_cols)
    return sheet


def _grid(cells: dict[int, dict[int, Any]], height: int,
          merged: list[tuple[int, int, int, int]], name: str) -> Iterator[list[Any]]:
    """Rows of values, '' where there is none; a row reaches at least to the end of the
    merged ranges crossing it, so a covered cell is there, as ''. The rows are made as they
    are asked for, and refused at once (not lazily) beyond the limits of reading."""
    if height > LIMIT_ROWS:
        raise FileError(f"表格“{name}”超过 {LIMIT_ROWS:,} 行（读取上限）：请拆分成几个文件后再导入",
                        f"table {name!r}: over {LIMIT_ROWS:,} rows")
    widths = {r: max(found) + 1 for r, found in cells.items() if found}
    spread = 0
    for r0, _, r1, c1 in merged:
        spread += max(min(r1, height - 1) - r0 + 1, 0)
        if spread > LIMIT_CELLS:
            break
        for r in range(r0, min(r1, height - 1) + 1):
            widths[r] = max(widths.get(r, 0), c1 + 1)
    if max(widths.values(), default=0) > LIMIT_COLS:
        raise FileError(f"表格“{name}”超过 {LIMIT_COLS:,} 列（读取上限）",
                        f"table {name!r}: over {LIMIT_COLS:,} columns")
    if spread > LIMIT_CELLS or sum(widths.values()) > LIMIT_CELLS:
        raise FileError(f"表格“{name}”超过 {LIMIT_CELLS:,} 个单元格（读取上限）",
                        f"table {name!r}: over {LIMIT_CELLS:,} cells")
    return _grid_rows(cells, height, widths)


def _grid_rows(cells: dict[int, dict[int, Any]], height: int,
               widths: dict[int, int]) -> Iterator[list[Any]]:
    for r in range(height):
        row: list[Any] = [""] * widths.get(r, 0)
        for c, value in cells.get(r, {}).items():
            row[c] = value
        yield row


# ----------------------------------------------------------------------- XML Spreadsheet 2003


class _EntityRefused(Exception):
    pass


@dataclass
class _XmlSheet:
    name: str
    cells: dict[int, dict[int, Any]] = field(default_factory=dict)
    problems: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: list[tuple[int, int]] = field(default_factory=list)  # [start, stop)
    hidden_cols: set[int] = field(default_factory=set)
    col_styles: dict[int, str] = field(default_factory=dict)
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    hidden: bool = False
    filtered: bool = False


class _Xml2003:
    """Streams the expat events of a SpreadsheetML 2003 document into sheets."""

    def __init__(self) -> None:
        self.sheets: list[_XmlSheet] = []
        self.stack: list[str] = []  # local names
        self.styles: dict[str, tuple[str | None, str | None]] = {}  # id → (parent, format)
        self.style_id: str | None = None
        self.sheet: _XmlSheet | None = None
        self.row = -1
        self.row_style: str | None = None
        self.next_row = 0
        self.col = -1
        self.next_col = 0
        self.next_column_def = 0
        self.cell: dict[str, str] | None = None
        self.data: list[str] | None = None
        self.data_type = "String"
        self.data_depth = 0
        self.text: list[str] | None = None  # <Visible> text
        self.root_checked = False

    @staticmethod
    def _split(name: str) -> tuple[str, str]:
        ns, _, local = name.rpartition(" ")
        return ns, local

    def _attrs(self, attrs: dict[str, str]) -> dict[str, str]:
        """Attributes by local name; ss: ones win over unqualified ones."""
        out: dict[str, str] = {}
        for key, value in attrs.items():
            ns, local = self._split(key)
            if ns == SS_NS or (not ns and local not in out):
                out[local] = value
        return out

    def start(self, name: str, raw: dict[str, str]) -> None:
        local = self._split(name)[1]
        if not self.root_checked:
            self.root_checked = True
            if local != "Workbook":
                raise ValueError(f"the root element is <{local}>, not <Workbook>")
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(local)
        if self.data is not None:  # rich text inside <Data>: only its text counts
            self.data_depth += 1
            return
        a = self._attrs(raw)
        if local == "Style" and parent == "Styles":
            self.style_id = a.get("ID")
            if self.style_id is not None:
                self.styles[self.style_id] = (a.get("Parent"), None)
        elif local == "NumberFormat" and parent == "Style" and self.style_id is not None:
            self.styles[self.style_id] = (self.styles[self.style_id][0], a.get("Format", ""))
        elif local == "Worksheet":
            self.sheet = _XmlSheet(a.get("Name") or f"Sheet{len(self.sheets) + 1}")
            self.sheets.append(self.sheet)
            self.next_row = 0
            self.next_column_def = 0
        elif self.sheet is None:
            return
        elif local == "Column" and parent == "Table":
            first = _index(a.get("Index"), self.next_column_def, MAX_COLS)
            span = _count(a.get("Span"), MAX_COLS - first)
            cols = range(first, min(first + span + 1, LIMIT_COLS))  # none beyond it is read
            if _true(a.get("Hidden")):
                self.sheet.hidden_cols.update(cols)
            if a.get("StyleID"):
                self.sheet.col_styles.update(dict.fromkeys(cols, a["StyleID"]))
            self.next_column_def = first + span + 1
        elif local == "Row" and parent == "Table":
            self.row = _index(a.get("Index"), self.next_row, MAX_ROWS)
            span = _count(a.get("Span"), MAX_ROWS - self.row)
            if _true(a.get("Hidden")):  # kept as a range: a span may reach row 1048576
                self.sheet.hidden_rows.append((self.row, self.row + span + 1))
            self.row_style = a.get("StyleID")
            self.next_row = self.row + span + 1
            self.next_col = 0
        elif local == "Cell" and parent == "Row":
            self.col = _index(a.get("Index"), self.next_col, MAX_COLS)
            across = _count(a.get("MergeAcross"), MAX_COLS - 1 - self.col)
            down = _count(a.get("MergeDown"), MAX_ROWS - 1 - self.row)
            if across or down:
                self.sheet.merged.append((self.row, self.col, self.row + down, self.col + across))
            self.next_col = self.col + across + 1
            self.cell = a
        elif local == "Data" and parent == "Cell" and self.cell is not None:
            self.data = []
            self.data_type = a.get("Type", "String")
            self.data_depth = 0
        elif local == "Visible" and parent == "WorksheetOptions":
            self.text = []
        elif local == "AutoFilter" and parent == "Worksheet":
            self.sheet.filtered = True

    def end(self, name: str) -> None:
        local = self.stack.pop() if self.stack else ""
        if self.data is not None:
            if self.data_depth:
                self.data_depth -= 1
                return
            if local == "Data":
                self._data_done("".join(self.data))
                self.data = None
            return
        if local == "Cell" and self.cell is not None and self.sheet is not None:
            key = (self.row, self.col)
            row = self.sheet.cells.setdefault(self.row, {})
            formula = self.cell.get("Formula")
            if formula:
                self.sheet.formulas[key] = formula
                if self.col not in row:  # a formula Excel never computed
                    self.sheet.problems[key] = NEEDS_RESAVE
            value = row.setdefault(self.col, "")
            if isinstance(value, float) and self._percent(self._cell_style()):
                self.sheet.percent_cells.add(key)
            self.cell = None
        elif local == "Style":
            self.style_id = None
        elif local == "Visible" and self.text is not None and self.sheet is not None:
            if "".join(self.text).strip().lower() in ("sheethidden", "sheetveryhidden"):
                self.sheet.hidden = True
            self.text = None
        elif local == "Worksheet":
            self.sheet = None

    def chars(self, data: str) -> None:
        if self.data is not None:
            self.data.append(data)
        elif self.text is not None:
            self.text.append(data)

    def _cell_style(self) -> str | None:
        assert self.cell is not None and self.sheet is not None
        return self.cell.get("StyleID") or self.row_style or \
            self.sheet.col_styles.get(self.col) or "Default"

    def _percent(self, style: str | None) -> bool:
        seen: set[str] = set()
        while style is not None and style not in seen:
            seen.add(style)
            parent, fmt = self.styles.get(style, (None, None))
            if fmt is not None:
                return _scales_percent(fmt)
            style = parent
        return False

    def _data_done(self, text: str) -> None:
        assert self.sheet is not None
        key = (self.row, self.col)
        kind = self.data_type.strip().lower()
        value: Any = text
        if kind == "number":
            try:
                value = float(text.strip()) if text.strip() else ""
            except ValueError:
                value = text
        elif kind == "datetime":
            try:
                value = datetime.fromisoformat(text.strip()) if text.strip() else ""
            except ValueError:
                value = text
        elif kind == "boolean":
            low = text.strip().lower()
            value = low in ("1", "true") if low in ("1", "0", "true", "false") else text
        elif kind == "error":
            self.sheet.problems[key] = _error_reason(text)
        self.sheet.cells.setdefault(self.row, {})[self.col] = value


def _scales_percent(fmt: str) -> bool:
    """Whether an Excel number format shows the value × 100 with a % sign (a quoted "%" or
    an escaped \\% is a literal sign that does not scale)."""
    if fmt.strip().lower() == "percent":
        return True
    return "%" in re.sub(r'"[^"]*"|\\.', "", fmt)


def _true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true")


def _index(value: str | None, default: int, limit: int) -> int:
    """A 1-based ss:Index as a 0-based index."""
    if value is None:
        return default
    try:
        n = int(value.strip()) - 1
    except ValueError as e:
        raise ValueError(f"bad ss:Index {value!r}") from e
    if not 0 <= n < limit:
        raise ValueError(f"ss:Index {value!r} out of range")
    return n


def _count(value: str | None, limit: int) -> int:
    if value is None:
        return 0
    try:
        n = int(value.strip())
    except ValueError as e:
        raise ValueError(f"bad span {value!r}") from e
    return min(max(n, 0), max(limit, 0))


def read_xml2003(path: Path) -> Book:
    """An XML Spreadsheet 2003 file (Excel's "XML 表格", often named .xls): one sheet per
    <Worksheet>. A document declaring entities is refused (entity expansion attacks)."""
    text, notes = _decode_markup(_read_bytes(path), _XML_ENCODING)
    # the text is given to expat as UTF-8 whatever its declaration says
    data = text.encode("utf-8", errors="surrogatepass")
    handler = _Xml2003()
    parser = expat.ParserCreate("utf-8", namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_: Any) -> None:
        raise _EntityRefused()

    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.chars
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    bad = "不是有效的 XML 表格文件（文件已损坏）"
    try:
        parser.Parse(data, True)
    except _EntityRefused as e:
        raise FileError("XML 文件中定义了实体（<!ENTITY>），出于安全原因拒绝读取",
                        "XML entity declarations are refused (entity expansion attack)") from e
    except (expat.ExpatError, ValueError, UnicodeError, RecursionError) as e:
        raise FileError(bad, f"not a valid XML Spreadsheet 2003 file: {e}") from e
    if not handler.root_checked:
        raise FileError(bad, "not a valid XML Spreadsheet 2003 file: no root element")
    return Book([_xml_sheet(s) for s in handler.sheets], "xml2003", notes)


def _xml_sheet(x: _XmlSheet) -> Sheet:
    """The sheet of its cells; merged ranges within them (a range may claim A1:XFD1048576)."""
    height = max((r for r, cells in x.cells.items() if cells), default=-1) + 1
    width = max((max(cells) for cells in x.cells.values() if cells), default=-1) + 1
    merged = [(r0, c0, min(r1, height - 1), min(c1, width - 1)) for r0, c0, r1, c1 in x.merged
              if r0 < height and c0 < width]
    x.merged = [m for m in merged if (m[2], m[3]) != (m[0], m[1])][:LIMIT_MERGES]
    rows = _grid(x.cells, height, x.merged, x.name)
    return Sheet(x.name, rows, height, problems=x.problems, merged=x.merged,
                 hidden_rows={r for a, b in x.hidden_rows for r in range(a, min(b, height))},
                 hidden_cols={c for c in x.hidden_cols if c < width},
                 percent_cells=x.percent_cells, formulas=x.formulas, hidden=x.hidden,
                 filtered=x.filtered)


# --------------------------------------------------------------------------------------- text
#
# A text file is streamed: a first pass decides the encoding, counts the rows (refusing a file
# over LIMIT_ROWS before anything is checked) and the fields of each row; the rows are then
# parsed again as the import asks for them, so that memory stays that of one row. The
# delimiter is decided by parsing (quotes respected) the first MiB with each candidate: the
# one under which the most rows agree on their number of fields wins. A row whose number of
# fields differs from the table's (the count most rows have) is an error on that row — a name
# with an unquoted comma shifts every later cell of its row, and a shifted row is never read.

_DELIMITERS = (",", "\t", ";")
_SAMPLE_CHARS = 1 << 20
LIMIT_LINE_CHARS = 4 * LIMIT_CELL_CHARS  # one physical line of a text file


@dataclass(frozen=True)
class _Dialect:
    delimiter: str
    skip_space: bool  # fields are separated by ", " and quotes follow the space

    def reader(self, lines: Iterator[str]) -> Any:
        return csv.reader(lines, delimiter=self.delimiter, quotechar='"', doublequote=True,
                          skipinitialspace=self.skip_space, strict=False)


def _text_encodings(path: Path) -> tuple[list[str], int]:
    """The encodings to try, in order, and the length of the byte-order mark."""
    with path.open("rb") as fh:
        head = fh.read(4)
    encoding, bom = _bom(head)
    return ([encoding] if encoding is not None else ["utf-8", "gb18030"]), bom


def _lines(path: Path, encoding: str, bom: int) -> Iterator[str]:
    """The file's lines, decoded as they are read (a line's end kept, as csv needs)."""
    with path.open("rb") as raw:
        raw.seek(bom)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        number = 0
        while line := text.readline(LIMIT_LINE_CHARS):
            number += 1
            if len(line) >= LIMIT_LINE_CHARS and not line.endswith(("\n", "\r")):
                raise FileError(f"文本文件第 {number:,} 行超过 {LIMIT_LINE_CHARS:,} 个字符（读取上限），"
                                "不是表格数据或缺少换行",
                                f"line {number:,} is over {LIMIT_LINE_CHARS:,} characters")
            if "\x00" in line:
                raise FileError("不是文本格式的文件", "not a text file")
            yield line


def _csv_failed(e: csv.Error, line: int) -> FileError:
    """``line``: where the row being read began (1-based)."""
    if "field larger than field limit" in str(e):
        return FileError(f"文本文件第 {line:,} 行起有一个单元格超过 {LIMIT_CELL_CHARS:,} 个字符"
                         "（读取上限）：可能是引号不配对",
                         f"from line {line:,}: a field over {LIMIT_CELL_CHARS:,} characters")
    return FileError("文本文件无法按表格读取（某个单元格过长或引号不配对）",
                     f"cannot read the text as delimited rows: {e}")


def _dialect(path: Path, encoding: str, bom: int) -> _Dialect:
    """The delimiter (and whether quotes follow a space after it) under which most rows of
    the first MiB agree on their number of fields, parsed with quotes respected. A file of
    one column: a tab when its first line has one, else a comma."""
    parts: list[str] = []
    size = 0
    cut = False
    for line in _lines(path, encoding, bom):
        parts.append(line)
        size += len(line)
        if size >= _SAMPLE_CHARS:
            cut = True
            break
    sample = "".join(parts)
    first = sample.split("\n", 1)[0]
    best: tuple[tuple[int, int, int], _Dialect] | None = None
    for rank, delimiter in enumerate(_DELIMITERS):
        for skip in (False, True):
            dialect = _Dialect(delimiter, skip)
            counts: dict[int, int] = {}
            last = 0
            try:
                for r in dialect.reader(io.StringIO(sample, newline="")):
                    if any(r):
                        last = len(r)
                        counts[last] = counts.get(last, 0) + 1
            except csv.Error:
                continue  # a field over the limit: this candidate cannot be right
            if cut and last:
                counts[last] -= 1  # the sample may end inside its last row
            width, agree = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=(0, 0))
            if width < 2:
                continue
            score = (agree, -int(skip), -rank)
            if best is None or score > best[0]:
                best = (score, dialect)
    if best is not None:
        return best[1]
    return _Dialect("\t" if "\t" in first else ",", False)


@dataclass
class _Survey:
    """The first pass over a text file: its rows and how many fields they have."""

    rows: int = 0
    counts: dict[int, int] = field(default_factory=dict)  # fields → rows with that many
    first_at: dict[int, int] = field(default_factory=dict)  # fields → first row with that many
    labels_at: int | None = None  # the row of column labels: the most labels near the top
    labels_width: int = 0  # … its number of fields
    labels_filled: int = 0  # … and of labels in it
    ends_filled: dict[int, int] = field(default_factory=dict)  # fields → rows whose last is filled

    @property
    def width(self) -> int:
        """The table's number of fields: its label row's, when one is found — data rows are
        measured against the header, never the header against them (one unquoted "1,234.5"
        in a one-firm file made the shifted row the majority) — or one more when every data
        row ends with an empty field; else the count most non-blank rows have."""
        if self.labels_at is not None:
            w = self.labels_width
            if self.counts.get(w) == 1 and self.counts.get(w + 1) and not self.ends_filled.get(w + 1):
                return w + 1  # every data row ends with one separator more than the header
            return w
        return max(self.counts.items(), key=lambda kv: (kv[1], kv[0]), default=(0, 0))[0]

    @property
    def start(self) -> int:
        """The first row of the table: lines above it (titles) are not measured."""
        return self.labels_at if self.labels_at is not None else self.first_at.get(self.width, 0)


_NUMBER_TEXT = re.compile(r"^[\s+\-−.,%0-9０-９]*$")


def _labels(row: list[str]) -> int:
    """How many labels a text row has, when it reads as a row of column labels (three or more
    filled fields, none of them a number: a data row has its year and figures); else 0. A
    title line such as 填报单位：…,填报人：… has fewer than the header below it."""
    filled = [f for f in row if f.strip()]
    if len(filled) < 3 or any(_NUMBER_TEXT.match(f) for f in filled):
        return 0
    return len(filled)


def _too_many_rows(path: Path) -> FileError:
    return FileError(f"文件超过 {LIMIT_ROWS:,} 行（读取上限）：请拆分成几个文件后再导入",
                     f"{path.name}: over {LIMIT_ROWS:,} rows")


def _survey(path: Path, encoding: str, bom: int, dialect: _Dialect) -> _Survey:
    out = _Survey()
    reader = dialect.reader(_lines(path, encoding, bom))
    line = 0  # lines before the row being read
    try:
        for i, row in enumerate(reader):
            if i >= LIMIT_ROWS:
                raise _too_many_rows(path)
            out.rows, line = i + 1, reader.line_num
            if any(row):
                k = len(row)
                out.counts[k] = out.counts.get(k, 0) + 1
                out.first_at.setdefault(k, i)
                if row[-1].strip():
                    out.ends_filled[k] = out.ends_filled.get(k, 0) + 1
                if i < HEADER_SEARCH_ROWS and (n := _labels(row)) > out.labels_filled:
                    out.labels_at, out.labels_width, out.labels_filled = i, len(row), n
    except csv.Error as e:
        raise _csv_failed(e, line + 1) from e
    return out


def _text_rows(path: Path, encoding: str, bom: int, dialect: _Dialect, survey: _Survey,
               problems: dict[tuple[int, int], str]) -> Iterator[list[str]]:
    """The rows, parsed again as they are asked for; a row whose number of fields differs
    from the table's is marked in ``problems`` (every one of its cells) as it is given."""
    width, start = survey.width, survey.start  # title lines above the table are not rows of it
    reader = dialect.reader(_lines(path, encoding, bom))
    line = 0
    try:
        for i, row in enumerate(reader):
            line = reader.line_num
            if i >= LIMIT_ROWS:
                raise _too_many_rows(path)
            if i > start and len(row) != width and any(row):
                what = "多" if len(row) > width else "少"
                reason = (f"这一行有 {len(row)} 个字段，比表头（{width} 个）{what}：数据可能错位"
                          "（如名称中含分隔符却没有加引号），本行不读取，请修正后再导入")
                for c in range(max(width, len(row))):
                    problems[(i, c)] = reason
            yield row
    except csv.Error as e:
        raise _csv_failed(e, line + 1) from e
    except UnicodeDecodeError as e:  # the file changed since it was surveyed
        raise FileError("文本文件的编码有误，文件可能不完整", f"the text does not decode: {e}") from e
    except OSError as e:
        raise FileError("读取文本文件时出错", f"cannot read the file: {e}") from e


def read_text(path: Path) -> Book:
    """A delimited text file: CSV (comma or semicolon), or Excel's tab-separated "Unicode 文本"
    (UTF-16) and "文本文件(制表符分隔)". One sheet named after the file; values stay text.
    Streamed (see above): a row is held, not the file."""
    path = Path(path)
    if (refusal := too_large_file(path, LIMIT_TEXT)) is not None:
        raise refusal
    try:
        encodings, bom = _text_encodings(path)
    except OSError as e:
        raise _unreadable(path, e) from e
    csv.field_size_limit(LIMIT_CELL_CHARS)  # a longer field is refused, naming the limit
    for n, encoding in enumerate(encodings):
        try:
            dialect = _dialect(path, encoding, bom)
            survey = _survey(path, encoding, bom, dialect)
            break
        except UnicodeDecodeError as e:
            if bom:
                raise FileError("文本文件的编码有误（按文件开头标记的 UTF-16/UTF-8 无法读取），文件可能不完整",
                                f"the text does not decode as its BOM says ({encoding}): {e}") from e
            if n == len(encodings) - 1:
                raise FileError("无法识别文本文件的编码（应为 UTF-8、GBK 或 UTF-16）",
                                "unknown text encoding (expected UTF-8, GBK or UTF-16)") from e
        except OSError as e:
            raise _unreadable(path, e) from e
    sheet = Sheet(path.stem, iter(()), survey.rows)
    sheet.rows = _text_rows(path, encoding, bom, dialect, survey, sheet.problems)
    fmt = "csv" if dialect.delimiter == "," else "text"
    return Book([sheet], fmt, _note(encoding))

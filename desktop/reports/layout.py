"""Page layout shared by every report: the embedded CJK font, styles, A4 with margins after
GB/T 9704, a "第 X 页 共 Y 页" footer, escaping of every text put into a Paragraph, Chinese
line-breaking rules (no punctuation at a line start) and headings kept with the first rows of
the table after them (``headed``) rather than with the whole table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import shapes
from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.doctemplate import LayoutError

from desktop.resources import resource_path

FONT = "MujunSans"
# GB/T 9704: top 37 mm, binding side 28 mm, text block 156 × 225 mm.
MARGINS = {"topMargin": 37 * mm, "bottomMargin": 35 * mm, "leftMargin": 28 * mm,
           "rightMargin": 26 * mm}
TEXT_WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B7A")
LINE = colors.HexColor("#C8D0DA")
HEAD_BG = colors.HexColor("#E8EEF5")
OUTCOME_COLOURS = {"met": colors.HexColor("#1B7F3B"), "unmet": colors.HexColor("#B42318"),
                   "unknown": colors.HexColor("#B54708"), "not_applicable": MUTED}
CLASS_COLOURS = {"A": "#1B7F3B", "B": "#2E6FB7", "C": "#B54708", "D": "#B42318"}


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the bundled CJK font, and make it the starting font of charts too (reportlab's
    graphics start every drawing in Helvetica, which would then sit unembedded in the PDF)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "wqy-microhei.ttc")),
                                       subfontIndex=0))
    shapes.STATE_DEFAULTS["fontName"] = FONT
    return FONT


# Characters that may not begin a line (GB/T 15834 标点符号用法, 禁则). reportlab's CJK wrapping
# knows 、。）」 but not ，；：？！》” ％ …: without these a line can open with a comma.
CANNOT_START = "，。、；：？！）》」』】〕］｝〉”’…％·:;,.!?)]}%"


@lru_cache(maxsize=1)
def line_rules() -> str:
    """Teach reportlab's CJK line breakers (``wordWrap="CJK"``: one for plain text, one for
    text with markup, each reading its own copy of the list) the full list; they hang such a
    character in the margin instead of starting the next line with it. Returns the list."""
    for module in (textsplit, rl_paragraph):
        module.ALL_CANNOT_START += "".join(c for c in CANNOT_START
                                           if c not in module.ALL_CANNOT_START)
    return rl_paragraph.ALL_CANNOT_START


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_font()
    line_rules()
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=14, textColor=INK,
                          wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER,
                                spaceAfter=4 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, textColor=MUTED,
                                   alignment=TA_CENTER, spaceAfter=5 * mm),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13, leading=19, spaceBefore=5 * mm,
                             spaceAfter=2.5 * mm, textColor=colors.HexColor("#12355B"),
                             keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=16, spaceBefore=3 * mm,
                             spaceAfter=1.5 * mm, keepWithNext=1),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontSize=8.5, leading=11.5,
                                   textColor=colors.HexColor("#12355B")),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=12.5, textColor=MUTED,
                               borderColor=LINE, borderWidth=0.6, borderPadding=6,
                               spaceBefore=3 * mm, spaceAfter=3 * mm),
        # headings that ``headed`` keeps with what follows (no keepWithNext: that would move a
        # whole table to the next page and leave the page before it blank)
        "sec": ParagraphStyle("sec", parent=base, fontSize=13, leading=19, spaceBefore=5 * mm,
                              spaceAfter=2.5 * mm, textColor=colors.HexColor("#12355B")),
        "sub": ParagraphStyle("sub", parent=base, fontSize=10.5, leading=15, spaceBefore=3 * mm,
                              spaceAfter=1.5 * mm, textColor=colors.HexColor("#12355B")),
        "tiny": ParagraphStyle("tiny", parent=base, fontSize=7.5, leading=10, textColor=MUTED),
        # denser table text, for documents that must stay within a page budget
        "cell8": ParagraphStyle("cell8", parent=base, fontSize=8, leading=10.5),
        "head8": ParagraphStyle("head8", parent=base, fontSize=8, leading=10.5,
                                textColor=colors.HexColor("#12355B")),
        "small8": ParagraphStyle("small8", parent=base, fontSize=7.5, leading=9.5,
                                 textColor=MUTED),
    }


class NeedRoom(CondPageBreak):
    """A page break when less room is left than ``flowables`` and the header and first
    ``rows`` rows of ``table`` need together: a heading never ends a page, and the table still
    splits across pages (its header repeated) instead of moving whole. Measured when laid out,
    at the width it is laid out in."""

    def __init__(self, flowables: Sequence[Flowable], table: Flowable | None = None,
                 rows: int = 1):
        super().__init__(0)
        self.flowables, self.table, self.rows = list(flowables), table, rows

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        need = 0.0
        for f in self.flowables:
            need += f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() + f.getSpaceAfter()
        if self.table is not None:
            self.table.wrap(availWidth, availHeight)
            need += sum(self.table._rowHeights[:self.table.repeatRows + self.rows])
        frame = self._doctemplateAttr("frame")
        # at the top of a page nothing is gained by breaking (and it would never end)
        self.height = 0 if frame is not None and getattr(frame, "_atTop", 0) else need
        return super().wrap(availWidth, availHeight)


def headed(heading: Sequence[Flowable], table: Flowable | None = None, rows: int = 1) -> list:
    """``heading`` (paragraphs) followed by ``table``, kept together with its first ``rows``
    rows only."""
    return [NeedRoom(heading, table, rows), *heading, *([table] if table is not None else [])]


# Characters the bundled font cannot draw, met while building the current document: printed as
# 〔U+20000〕 rather than vanishing, and said once per document (``glyph_warning``). No fallback
# font ships with the program (the bundled one covers the GB 18030 basic plane; emoji and CJK
# Extension B are outside it).
MISSING: set[str] = set()


@lru_cache(maxsize=4096)
def _drawable(ch: str) -> bool:
    register_font()
    return ch in "\n\t" or ord(ch) in pdfmetrics.getFont(FONT).face.charToGlyph


@lru_cache(maxsize=8192)
def _all_drawable(text: str) -> bool:
    return all(_drawable(c) for c in set(text))


def visible(text: str) -> str:
    if _all_drawable(text):  # a text with a missing glyph goes the long way every time
        return text
    out = []
    for c in text:
        if _drawable(c):
            out.append(c)
        else:
            MISSING.add(c)
            out.append(f"〔U+{ord(c):04X}〕")
    return "".join(out)


def glyph_warning() -> str:
    """What the last document could not draw, in one sentence ('' when everything printed)."""
    if not MISSING:
        return ""
    shown = "、".join(f"U+{ord(c):04X}" for c in sorted(MISSING)[:8])
    more = f"等 {len(MISSING)} 个" if len(MISSING) > 8 else ""
    return f"内置字体缺少字符 {shown}{more}（如表情符号、生僻字），报告中以〔U+编码〕代替"


def esc(value: Any) -> str:
    """Text made safe for a reportlab Paragraph: ``A&B <Co>`` and ``<b>x</b>`` print literally,
    and a character the font lacks reads 〔U+XXXX〕 instead of vanishing."""
    return escape(visible("" if value is None else str(value))).replace("\n", "<br/>")


@lru_cache(maxsize=64)
def indented(depth: int, strong: bool = False, dense: bool = False) -> ParagraphStyle:
    """The cell style indented for a tree node at ``depth`` (``dense``: the 8 pt styles)."""
    base = styles()[("head8" if dense else "cellhead") if strong else
                    ("cell8" if dense else "cell")]
    return ParagraphStyle(f"{base.name}-{depth}", parent=base, leftIndent=depth * 3.2 * mm)


# A table cell holds at most this many characters (then "…"): a cell taller than a page cannot
# be laid out at all. 300 characters fill about 450 pt of the narrowest column; a firm's full
# name (up to 500 characters, forms/cells.MAX_TEXT) is printed whole on page 1.
CELL_LIMIT = 300


# Characters that hold together at a line break (numbers, codes, units in Latin letters), and
# characters that may not end a line (opening brackets and quotes).
WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%-/+&#@")
CANNOT_END = frozenset("（《“‘【〔［｛〈([{")


@lru_cache(maxsize=8)
def _char_widths(font: str) -> tuple[dict[int, int], float]:
    register_font()
    face = pdfmetrics.getFont(font).face
    return face.charWidths, face.defaultWidth


@lru_cache(maxsize=8192)
def break_lines(text: str, width: float, size: float, font: str = FONT) -> tuple[str, ...]:
    """``text`` broken into lines no wider than ``width`` at ``size`` pt, by the Chinese rules:
    a closing mark never starts a line (the character before it goes down with it), an
    opening bracket never ends one, and a number or Latin word is not cut unless it is longer
    than a line. ``\n`` breaks a line."""
    widths, default = _char_widths(font)
    cannot_start = line_rules()
    scale = size / 1000
    out: list[str] = []
    for part in text.split("\n"):
        start, used, i, n = 0, 0.0, 0, len(part)
        while i < n:
            w = widths.get(ord(part[i]), default) * scale
            if used + w <= width + 0.01 or i == start:
                used += w
                i += 1
                continue
            b = i  # the next line would start at part[b]
            for _ in range(3):  # push the character before a closing mark down with it
                if b - 1 > start and part[b] in cannot_start:
                    b -= 1
            if part[b] in WORD_CHARS:
                k = b
                while k > start and part[k - 1] in WORD_CHARS:
                    k -= 1
                if k > start:
                    b = k
            while b - 1 > start and part[b - 1] in CANNOT_END:
                b -= 1
            out.append(part[start:b].rstrip(" "))
            while b < n and part[b] == " ":
                b += 1
            start, used, i = b, 0.0, b
        out.append(part[start:].rstrip(" "))
    return tuple(out)


class Text(Flowable):
    """Plain text in one style and colour, wrapped by ``break_lines``: what a table cell or a
    short paragraph mostly holds, at a fraction of a Paragraph's cost (no markup to parse:
    every character prints as it is), with the Chinese line-breaking rules. Honours the
    style's size, leading, colour, indent, alignment and space before and after."""

    def __init__(self, value: str, style: ParagraphStyle, colour: Any = None,
                 lines: tuple[str, ...] | None = None):
        super().__init__()
        self.text = visible(value)
        self.style = style
        self.colour = style.textColor if colour is None else colour
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter
        self._at: float | None = None
        self._fixed = lines is not None  # a part of a split text keeps its lines
        self.lines: tuple[str, ...] = lines or ()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        inner = availWidth - self.style.leftIndent
        if not self._fixed and self._at != inner:
            self.lines = break_lines(self.text, max(inner, 1.0), self.style.fontSize,
                                     self.style.fontName)
            self._at = inner
        self.width, self.height = availWidth, len(self.lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        fit = int(availHeight // self.style.leading)
        if fit < 1 or fit >= len(self.lines):
            return []
        first = Text(self.text, self.style, self.colour, self.lines[:fit])
        rest = Text(self.text, self.style, self.colour, self.lines[fit:])
        first.spaceAfter, rest.spaceBefore = 0, 0
        return [first, rest]

    def draw(self) -> None:
        c, st = self.canv, self.style
        colour = colors.HexColor(self.colour) if isinstance(self.colour, str) else self.colour
        if st.alignment not in (TA_CENTER, TA_RIGHT):  # one text object for all lines: cheap
            t = c.beginText(st.leftIndent, self.height - st.fontSize)
            t.setFont(st.fontName, st.fontSize, st.leading)
            t.setFillColor(colour)
            for line in self.lines:
                t.textLine(line)
            c.drawText(t)
            return
        c.setFont(st.fontName, st.fontSize)
        c.setFillColor(colour)
        y = self.height - st.fontSize
        for line in self.lines:
            if st.alignment == TA_CENTER:
                c.drawCentredString((self.width + st.leftIndent) / 2, y, line)
            else:
                c.drawRightString(self.width, y, line)
            y -= st.leading


def text(value: Any, style: str | ParagraphStyle = "cell", colour: Any = None) -> Text:
    """A table cell's text (see ``Text``), cut at ``CELL_LIMIT`` characters like ``para``."""
    raw = "" if value is None else str(value)
    return Text(raw if len(raw) <= CELL_LIMIT else raw[:CELL_LIMIT] + "…",
                style if isinstance(style, ParagraphStyle) else styles()[style], colour)


def para(value: Any, style: str | ParagraphStyle = "cell", colour: Any = None) -> Paragraph:
    raw = "" if value is None else str(value)
    text = esc(raw if len(raw) <= CELL_LIMIT else raw[:CELL_LIMIT] + "…")
    if colour is not None:
        text = f'<font color="{colour.hexval() if hasattr(colour, "hexval") else colour}">{text}</font>'
    return Paragraph(text, style if isinstance(style, ParagraphStyle) else styles()[style])


class _Table(Table):
    """A Table that lays itself out once per width: a table is measured by ``NeedRoom``, by
    the frame and by its split, each time at the same width, and its row heights do not
    depend on the height offered (no spanned cells: those are measured every time)."""

    _measured: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._measured == availWidth and not self._spanCmds:
            return self._width, self._height
        size = super().wrap(availWidth, availHeight)
        self._measured = availWidth
        return size


def table(rows: Sequence[Sequence[Any]], widths: Sequence[float], head: bool = True,
          zebra: bool = False, extra: Sequence[tuple] = (), dense: bool = False) -> Table:
    """A table whose string cells are wrapped text (``text``: printed literally), header row
    repeated; ``dense``: 8 pt text and less padding."""
    body, top = ("cell8", "head8") if dense else ("cell", "cellhead")
    data = [[c if not isinstance(c, (str, int, float)) or c == "" else
             text(c, top if head and r == 0 else body) for c in row]
            for r, row in enumerate(rows)]
    t = _Table(data, colWidths=widths, repeatRows=1 if head else 0)
    style = [("FONT", (0, 0), (-1, -1), FONT, 8.5),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
             ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if head:
        style += [("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("LINEBELOW", (0, 0), (-1, 0), 0.8, LINE)]
    if zebra:
        style += [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F9FB")])]
    if dense:
        style += [("TOPPADDING", (0, 0), (-1, -1), 1.8), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8)]
    t.setStyle(TableStyle([*style, *extra]))
    return t


class Grid(Flowable):
    """A table of plain text drawn directly: row backgrounds, a rule under each row and all of
    its text in one PDF text object — several times cheaper than a reportlab Table of
    flowables, which saves, moves and restores the canvas for every cell. A cell is a string
    or ``Text`` pieces (a label above its note …); no spans. Splits between rows, repeating
    the header rows; a row never splits (``CELL_LIMIT`` keeps every row shorter than a page).
    ``_rowHeights`` and ``repeatRows`` as on a Table, for ``NeedRoom``."""

    ZEBRA = colors.HexColor("#F7F9FB")

    def __init__(self, rows: Sequence[Sequence[Any]], widths: Sequence[float], head: int = 1,
                 zebra: bool = False, dense: bool = False, _first: int = 0):
        super().__init__()
        self.hAlign = "CENTER"  # as a Table: a table as wide as the text block sits centred
        body, top = ("cell8", "head8") if dense else ("cell", "cellhead")
        self.rows = [[self._pieces(c, top if r < head else body) for c in row]
                     for r, row in enumerate(rows)]
        self.widths, self.repeatRows, self.zebra, self.dense = list(widths), head, zebra, dense
        self.pad_y, self.pad_x = (1.8 if dense else 2.5), 3.0
        self._first = _first  # the index of the first body row in the whole table (zebra)
        self._at: float | None = None
        self._rowHeights: list[float] = []

    @staticmethod
    def _pieces(cell: Any, style: str) -> list[Text]:
        if isinstance(cell, Text):
            return [cell]
        if isinstance(cell, (list, tuple)):
            return list(cell)
        return [] if cell in (None, "") else [text(cell, style)]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._at != availWidth:
            self._rowHeights = [
                max([sum(p.wrap(w - 2 * self.pad_x, availHeight)[1] for p in cell)
                     for cell, w in zip(row, self.widths)] + [0]) + 2 * self.pad_y
                for row in self.rows]
            self._at = availWidth
        self.width, self.height = sum(self.widths), sum(self._rowHeights)
        return self.width, self.height

    def _part(self, rows: list[list[list[Text]]], first: int) -> Grid:
        g = Grid([], self.widths, self.repeatRows, self.zebra, self.dense, first)
        g.rows = rows
        return g

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        head = self.repeatRows
        used, k = sum(self._rowHeights[:head]), head
        while k < len(self.rows) and used + self._rowHeights[k] <= availHeight:
            used += self._rowHeights[k]
            k += 1
        if k == head or k == len(self.rows):
            return []
        return [self._part(self.rows[:k], self._first),
                self._part(self.rows[:head] + self.rows[k:], self._first + k - head)]

    def draw(self) -> None:
        c = self.canv
        y = self.height
        tops = []
        for r, h in enumerate(self._rowHeights):
            y -= h
            tops.append(y + h)
            fill = HEAD_BG if r < self.repeatRows else \
                self.ZEBRA if self.zebra and (r - self.repeatRows + self._first) % 2 else None
            if fill is not None:
                c.setFillColor(fill)
                c.rect(0, y, self.width, h, stroke=0, fill=1)
            c.setStrokeColor(LINE)
            c.setLineWidth(0.8 if r == self.repeatRows - 1 else 0.3)
            c.line(0, y, self.width, y)
        t = c.beginText()
        font = colour = None
        at = (0.0, 0.0)  # the text cursor: moves are relative (Td), cheaper than Tm
        for row, top in zip(self.rows, tops):
            x = 0.0
            for cell, w in zip(row, self.widths):
                y = top - self.pad_y
                for p in cell:
                    st = p.style
                    if font != (st.fontName, st.fontSize):
                        font = (st.fontName, st.fontSize)
                        t.setFont(st.fontName, st.fontSize)
                    if colour is not p.colour:
                        colour = p.colour
                        t.setFillColor(colors.HexColor(colour) if isinstance(colour, str)
                                       else colour)
                    for n, line in enumerate(p.lines):
                        to = (x + self.pad_x + st.leftIndent, y - st.fontSize - n * st.leading)
                        t.moveCursor(to[0] - at[0], at[1] - to[1])
                        at = to
                        t.textOut(line)
                    y -= len(p.lines) * st.leading
                x += w
        c.drawText(t)


def grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], head: bool = True,
         zebra: bool = False, dense: bool = False) -> Grid:
    """A ``Grid`` with one header row (``head``) or none."""
    return Grid(rows, widths, 1 if head else 0, zebra, dense)


def numbered_canvas(header: str, footer_note: str, last_footer: Sequence[str] = (),
                    first_header: bool = True) -> type[canvas.Canvas]:
    """A canvas class that writes "第 X 页 共 Y 页" once the page count is known; the lines of
    ``last_footer`` (an audit trail: profile version and checksum) go on the last page only,
    and ``first_header`` False leaves the running header off page 1 (a title page)."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            kwargs["initialFontName"] = register_font()  # the doc passes None: no Helvetica
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = A4
            left, right = MARGINS["leftMargin"], w - MARGINS["rightMargin"]
            self.setFont(FONT, 8)
            self.setFillColor(MUTED)
            self.setStrokeColor(LINE)
            if first_header or self._pageNumber > 1:
                self.line(left, h - 27 * mm, right, h - 27 * mm)
                self.drawString(left, h - 25 * mm, header)
            self.line(left, 24 * mm, right, 24 * mm)
            self.drawString(left, 19 * mm, footer_note)
            self.drawRightString(right, 19 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            if self._pageNumber == total:
                self.setFont(FONT, 7)
                for n, text in enumerate(last_footer):
                    self.drawString(left, (15 - 3.5 * n) * mm, text)

    return NumberedCanvas


class ReportError(Exception):
    """A report that cannot be laid out or written; the message is for the user."""


def build(doc_path: Path, make: Callable[[Path], None], what: str) -> Path:
    """Build a PDF through ``make(part)`` into ``NAME.part`` and rename it to ``NAME``: a
    document that cannot be laid out is a ``ReportError`` naming ``what``, and an interrupted
    build never leaves a truncated file under the final name."""
    doc_path = Path(doc_path)
    doc_path.parent.mkdir(parents=True, exist_ok=True)
    part = doc_path.with_name(doc_path.name + ".part")
    MISSING.clear()
    try:
        make(part)
        part.replace(doc_path)
    except LayoutError as e:
        raise ReportError(f"{what}无法排版：某个内容超过一页（{str(e)[:120]}）") from e
    finally:
        part.unlink(missing_ok=True)
    return doc_path


"""Page layout shared by every report: the embedded CJK font, styles, A4 with margins after
GB/T 9704, a "第 X 页 共 Y 页" footer, and escaping of every text put into a Paragraph."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import shapes
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Table, TableStyle
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


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    register_font()
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
    }


# Characters the bundled font cannot draw, met while building the current document: printed as
# 〔U+20000〕 rather than vanishing, and said once per document (``glyph_warning``). No fallback
# font ships with the program (the bundled one covers the GB 18030 basic plane; emoji and CJK
# Extension B are outside it).
MISSING: set[str] = set()


@lru_cache(maxsize=4096)
def _drawable(ch: str) -> bool:
    register_font()
    return ch in "\n\t" or ord(ch) in pdfmetrics.getFont(FONT).face.charToGlyph


def visible(text: str) -> str:
    if all(_drawable(c) for c in text):
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


@lru_cache(maxsize=32)
def indented(depth: int, strong: bool = False) -> ParagraphStyle:
    """The cell style indented for a tree node at ``depth``."""
    base = styles()["cellhead" if strong else "cell"]
    return ParagraphStyle(f"{base.name}-{depth}", parent=base, leftIndent=depth * 3.2 * mm)


# A table cell holds at most this many characters (then "…"): a cell taller than a page cannot
# be laid out at all. 300 characters fill about 450 pt of the narrowest column; a firm's full
# name (up to 500 characters, forms/cells.MAX_TEXT) is printed whole on page 1.
CELL_LIMIT = 300


def para(value: Any, style: str | ParagraphStyle = "cell", colour: Any = None) -> Paragraph:
    raw = "" if value is None else str(value)
    text = esc(raw if len(raw) <= CELL_LIMIT else raw[:CELL_LIMIT] + "…")
    if colour is not None:
        text = f'<font color="{colour.hexval() if hasattr(colour, "hexval") else colour}">{text}</font>'
    return Paragraph(text, style if isinstance(style, ParagraphStyle) else styles()[style])


def table(rows: Sequence[Sequence[Any]], widths: Sequence[float], head: bool = True,
          zebra: bool = False, extra: Sequence[tuple] = ()) -> Table:
    """A table of Paragraph cells (strings are wrapped and escaped), header row repeated."""
    data = [[c if not isinstance(c, (str, int, float)) or c == "" else
             para(c, "cellhead" if head and r == 0 else "cell") for c in row]
            for r, row in enumerate(rows)]
    t = Table(data, colWidths=widths, repeatRows=1 if head else 0)
    style = [("FONT", (0, 0), (-1, -1), FONT, 8.5),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
             ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if head:
        style += [("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("LINEBELOW", (0, 0), (-1, 0), 0.8, LINE)]
    if zebra:
        style += [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F9FB")])]
    t.setStyle(TableStyle([*style, *extra]))
    return t


def numbered_canvas(header: str, footer_note: str) -> type[canvas.Canvas]:
    """A canvas class that writes "第 X 页 共 Y 页" once the page count is known."""

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
            self.line(left, h - 27 * mm, right, h - 27 * mm)
            self.drawString(left, h - 25 * mm, header)
            self.line(left, 24 * mm, right, 24 * mm)
            self.drawString(left, 19 * mm, footer_note)
            self.drawRightString(right, 19 * mm, f"第 {self._pageNumber} 页 共 {total} 页")

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


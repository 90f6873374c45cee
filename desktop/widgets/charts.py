"""Small charts painted with QPainter (QtCharts would add a 60 MB wheel for three bar charts):
indicator ratios against their benchmark, the class distribution, a year-over-year trend."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

INK = QColor("#1F2933")
MUTED = QColor("#5F6B7A")
GRID = QColor("#D5DCE4")
BAR = QColor("#2E6FB7")
LOW = QColor("#B54708")
CLASS_COLOURS = {"A": QColor("#1B7F3B"), "B": QColor("#2E6FB7"), "C": QColor("#B54708"),
                 "D": QColor("#B42318")}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: unknown, drawn as a note instead of a bar
    text: str  # the value as shown beside the bar
    colour: str = "#2E6FB7"


class _Chart(QWidget):
    empty_text = "暂无数据"

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def _begin(self) -> tuple[QPainter, QRectF]:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(8, 6, -8, -6)
        if self.title:
            p.setPen(INK)
            f = p.font()
            f.setBold(True)
            p.setFont(f)
            h = QFontMetrics(f).height()
            p.drawText(QRectF(r.left(), r.top(), r.width(), h), Qt.AlignmentFlag.AlignLeft,
                       self.title)
            f.setBold(False)
            p.setFont(f)
            r.setTop(r.top() + h + 6)
        return p, r

    def _empty(self, p: QPainter, r: QRectF) -> None:
        p.setPen(MUTED)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, self.empty_text)


class RatioChart(_Chart):
    """Horizontal bars: each indicator's value as a share of its benchmark, with the 100 % line."""

    CAP = 2.0  # bars stop at 200 %; the text says the real figure

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(title, parent)
        self.bars: list[Bar] = []

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = bars
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(420, 40 + max(1, len(self.bars)) * (fm.height() + 8))

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        p, r = self._begin()
        if not self.bars:
            self._empty(p, r)
            return
        fm = p.fontMetrics()
        label_w = max(fm.horizontalAdvance(b.label) for b in self.bars) + 10
        text_w = max(fm.horizontalAdvance(b.text) for b in self.bars) + 10
        plot = QRectF(r.left() + label_w, r.top(), max(40.0, r.width() - label_w - text_w),
                      r.height())
        row_h = min(float(fm.height() + 8), plot.height() / len(self.bars))
        x100 = plot.left() + plot.width() / self.CAP
        for i, b in enumerate(self.bars):
            y = plot.top() + i * row_h
            p.setPen(INK)
            p.drawText(QRectF(r.left(), y, label_w - 6, row_h),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, b.label)
            if b.value is not None:
                w = plot.width() * min(max(b.value, 0.0), self.CAP) / self.CAP
                p.fillRect(QRectF(plot.left(), y + 3, w, row_h - 6),
                           QColor(b.colour) if b.value >= 1 else LOW)
                tx = plot.left() + w + 4
            else:
                tx = plot.left() + 4
            p.setPen(MUTED if b.value is None else INK)
            p.drawText(QRectF(tx, y, text_w + 40, row_h), Qt.AlignmentFlag.AlignVCenter, b.text)
        p.setPen(QPen(INK, 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(x100, plot.top()), QPointF(x100, plot.top() + row_h * len(self.bars)))
        p.setPen(MUTED)
        p.drawText(QRectF(x100 - 30, plot.top() + row_h * len(self.bars), 60, fm.height()),
                   Qt.AlignmentFlag.AlignHCenter, "基准 100%")


class ColumnChart(_Chart):
    """Vertical bars with counts: the class distribution of the firms shown."""

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(title, parent)
        self.columns: list[tuple[str, int, QColor]] = []

    def set_columns(self, columns: list[tuple[str, int, QColor]]) -> None:
        self.columns = columns
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(260, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(180, 150)

    def paintEvent(self, event: QPaintEvent) -> None:
        p, r = self._begin()
        total = sum(n for _, n, _ in self.columns)
        if not total:
            self._empty(p, r)
            return
        fm = p.fontMetrics()
        top = max(n for _, n, _ in self.columns)
        plot = QRectF(r.left(), r.top() + fm.height(), r.width(), r.height() - 2 * fm.height() - 4)
        slot = plot.width() / len(self.columns)
        for i, (name, n, colour) in enumerate(self.columns):
            h = plot.height() * n / top if top else 0
            x = plot.left() + i * slot
            p.fillRect(QRectF(x + slot * 0.2, plot.bottom() - h, slot * 0.6, h), colour)
            p.setPen(INK)
            p.drawText(QRectF(x, plot.bottom() - h - fm.height(), slot, fm.height()),
                       Qt.AlignmentFlag.AlignHCenter, f"{n:,}")
            p.drawText(QRectF(x, plot.bottom() + 4, slot, fm.height()),
                       Qt.AlignmentFlag.AlignHCenter, name)
        p.setPen(GRID)
        p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))


class TrendChart(_Chart):
    """A firm's score over the years, each point labelled with its class."""

    empty_text = "数据库中尚无本企业往年的评估结果"

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(title, parent)
        self.points: list[tuple[int, float | None, str]] = []  # year, score, class

    def set_points(self, points: list[tuple[int, float | None, str]]) -> None:
        self.points = points
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 170)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, 140)

    def paintEvent(self, event: QPaintEvent) -> None:
        p, r = self._begin()
        known = [(y, s, c) for y, s, c in self.points if s is not None]
        if not known:
            self._empty(p, r)
            return
        fm = p.fontMetrics()
        lo = min(s for _, s, _ in known)
        hi = max(s for _, s, _ in known)
        pad = max(5.0, (hi - lo) * 0.2)
        lo, hi = max(0.0, lo - pad), hi + pad
        plot = QRectF(r.left() + 36, r.top() + fm.height(), r.width() - 50,
                      r.height() - 2 * fm.height() - 6)
        years = [y for y, _, _ in self.points]
        step = plot.width() / max(1, len(years) - 1)

        def at(i: int, s: float) -> QPointF:
            x = plot.left() + (i * step if len(years) > 1 else plot.width() / 2)
            return QPointF(x, plot.bottom() - plot.height() * (s - lo) / (hi - lo))

        p.setPen(GRID)
        for s in (lo, (lo + hi) / 2, hi):
            y = at(0, s).y()
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(MUTED)
            p.drawText(QRectF(r.left(), y - fm.height() / 2, 32, fm.height()),
                       Qt.AlignmentFlag.AlignRight, f"{s:.0f}")
            p.setPen(GRID)
        path = QPainterPath()
        first = True
        for i, (year, s, c) in enumerate(self.points):
            p.setPen(MUTED)
            x = at(i, lo).x()
            p.drawText(QRectF(x - 30, plot.bottom() + 4, 60, fm.height()),
                       Qt.AlignmentFlag.AlignHCenter, str(year))
            if s is None:
                continue
            pt = at(i, s)
            if first:
                path.moveTo(pt)
                first = False
            else:
                path.lineTo(pt)
        p.setPen(QPen(BAR, 2))
        p.drawPath(path)
        for i, (year, s, c) in enumerate(self.points):
            if s is None:
                continue
            pt = at(i, s)
            colour = CLASS_COLOURS.get(c, MUTED)
            p.setBrush(colour)
            p.setPen(Qt.PenStyle.NoPen)
            p.drawEllipse(pt, 4, 4)
            p.setPen(INK)
            p.drawText(QRectF(pt.x() - 40, pt.y() - fm.height() - 4, 80, fm.height()),
                       Qt.AlignmentFlag.AlignHCenter, f"{s:.1f} {c or ''}".strip())

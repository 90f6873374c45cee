"""Preview a generated PDF inside the app (QtPdf) and print it through the system dialog.

The dialog is sized to the screen it opens on (on a 1366×768 laptop an A4 page at a fixed
860×900 pushed 打印 / 另存为 / 关闭 below the screen): at most the available area less room for
the window frame, resizable, and the buttons sit under the scrolling page view, always shown."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication, QPainter, QScreen
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

PREFERRED = QSize(860, 900)  # an A4 page across at a readable size, where the screen has room
FRAME = QSize(16, 48)  # what a window manager's frame and title bar usually add


def fit_to_screen(dialog: QWidget, parent: QWidget | None, preferred: QSize = PREFERRED) -> None:
    """Size ``dialog`` to at most ``preferred`` and at most the available geometry of the
    screen its parent is on (frame included), and centre it there."""
    screen: QScreen | None = (parent.screen() if parent is not None else None) or \
        QGuiApplication.primaryScreen()
    if screen is None:
        dialog.resize(preferred)
        return
    area = screen.availableGeometry()
    size = preferred.boundedTo(area.size() - FRAME)
    dialog.resize(size)
    frame = QRect(0, 0, size.width() + FRAME.width(), size.height() + FRAME.height())
    frame.moveCenter(area.center())
    dialog.move(max(frame.left(), area.left()), max(frame.top(), area.top()))


class PdfPreview(QDialog):
    def __init__(self, path: Path, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"预览：{title}")
        self.setSizeGripEnabled(True)
        self.setMinimumSize(420, 320)
        fit_to_screen(self, parent)
        self.document = QPdfDocument(self)
        self.document.load(str(self.path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        lay = QVBoxLayout(self)
        self.info = QLabel(f"{self.document.pageCount()} 页 · {self.path.name}")
        lay.addWidget(self.info)
        lay.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        print_button = QPushButton("打印……")
        save_button = QPushButton("另存为……")
        self.buttons = buttons
        buttons.addButton(print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(save_button, QDialogButtonBox.ButtonRole.ActionRole)
        print_button.clicked.connect(lambda: print_pdf(self.path, self))
        save_button.clicked.connect(self._save_as)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _save_as(self) -> None:
        out, _ = QFileDialog.getSaveFileName(self, "另存 PDF", self.path.name, "PDF 文件 (*.pdf)")
        if out:
            shutil.copyfile(self.path, out)


def render_pages(path: Path, printer: QPrinter) -> int:
    """Paint every page of the PDF onto ``printer`` at its resolution; returns pages printed."""
    doc = QPdfDocument()
    doc.load(str(path))
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for i in range(doc.pageCount()):
            if i:
                printer.newPage()
            size = doc.pagePointSize(i)
            scale = min(area.width() / size.width(), area.height() / size.height())
            image = doc.render(i, QSize(int(size.width() * scale), int(size.height() * scale)))
            painter.drawImage(0, 0, image)
        return doc.pageCount()
    finally:
        painter.end()
        doc.close()


def print_pdf(path: Path, parent: QWidget | None = None) -> int:
    """Ask for a printer with the system dialog, then print; returns pages printed (0: none)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(Path(path).stem)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return 0
    return render_pages(Path(path), printer)


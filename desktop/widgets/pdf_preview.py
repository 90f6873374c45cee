"""Preview a generated PDF inside the app (QtPdf) and print it through the system dialog."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter
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


class PdfPreview(QDialog):
    def __init__(self, path: Path, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"预览：{title}")
        self.resize(860, 900)
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
        print_button = QPushButton("打印……")
        save_button = QPushButton("另存为……")
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


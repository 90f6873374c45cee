"""The line that says what a long job wrote — “已生成……：路径” — with 打开文件 and 打开文件夹
(or 打开文件夹 alone for a folder of reports), or what went wrong, on the page where the user
started the job (the status bar alone is missed, and hidden on a small screen)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


def open_path(path: Path) -> bool:
    """Open a file or folder with the system's program (a test replaces this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class OutcomeLine(QWidget):
    """“已生成……：路径” with 打开文件 and 打开文件夹; hidden until something was written."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_file = QPushButton("打开文件")
        self.open_folder = QPushButton("打开文件夹")
        self.open_file.clicked.connect(lambda: self.path and open_path(self.path))
        self.open_folder.clicked.connect(
            lambda: self.path and open_path(self.path if self.path.is_dir() else self.path.parent))
        lay.addWidget(self.label, 1)
        lay.addWidget(self.open_file)
        lay.addWidget(self.open_folder)
        self.path: Path | None = None
        self.setVisible(False)

    def show_file(self, text: str, path: Path) -> None:
        """A file written (both buttons), or a folder of files (打开文件夹 only)."""
        self.path = Path(path)
        self.label.setStyleSheet("color: #1E6B34;")
        self.label.setText(f"{text}：{path}")
        self.open_file.setVisible(not self.path.is_dir())
        self.open_folder.setVisible(True)
        self.setVisible(True)

    def show_problem(self, text: str) -> None:
        self.path = None
        self.label.setStyleSheet("color: #B42318;")
        self.label.setText(text)
        self.open_file.setVisible(False)
        self.open_folder.setVisible(False)
        self.setVisible(True)

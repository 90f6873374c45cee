"""The file choosers every page uses: Qt's dialogs that open where the user last worked with
that kind of file (remembered in ``window.ini``), or in their documents folder the first time,
never in the program's or the data folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop import paths

# kinds of files, each with its own remembered folder
TABLES, REPORTS, PROFILES, BACKUPS, EXPORTS = "tables", "reports", "profiles", "backups", "exports"


def documents() -> Path:
    """The user's documents folder, else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def _settings() -> QSettings:
    return QSettings(str(paths.home() / "window.ini"), QSettings.Format.IniFormat)


def folder(kind: str) -> Path:
    """Where to offer a file of ``kind``: the folder last used for it, if it still exists."""
    last = _settings().value(f"folders/{kind}")
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    return documents()


def remember(kind: str, path: Path | str) -> None:
    p = Path(path)
    _settings().setValue(f"folders/{kind}", str(p if p.is_dir() else p.parent))


def open_file(parent: QWidget, title: str, filters: str, kind: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(folder(kind)), filters)
    if not name:
        return None
    remember(kind, name)
    return Path(name)


def save_file(parent: QWidget, title: str, suggested: str, filters: str, kind: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, str(folder(kind) / suggested), filters)
    if not name:
        return None
    remember(kind, name)
    return Path(name)


def choose_folder(parent: QWidget, title: str, kind: str) -> Path | None:
    name = QFileDialog.getExistingDirectory(parent, title, str(folder(kind)))
    if not name:
        return None
    remember(kind, name)
    return Path(name)

"""Start the desktop application, or render one page to a PNG and exit (``--screenshot``)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.resources import resource_path


def application() -> QApplication:
    """The QApplication, with the bundled CJK font behind the system's own Chinese UI fonts, so
    that Chinese renders on a machine that has none (and screenshots are stable)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("亩均自评")
    app.setOrganizationName("mujun")
    fid = QFontDatabase.addApplicationFont(str(resource_path("fonts", "wqy-microhei.ttc")))
    bundled = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
    font = QFont()
    font.setFamilies(["Microsoft YaHei UI", "PingFang SC", *bundled])
    font.setPointSize(10)
    app.setFont(font)
    return app  # type: ignore[return-value]


def run(screenshot: Path | None = None, page: str | None = None,
        size: tuple[int, int] = (1366, 768)) -> int:
    from desktop.context import AppContext
    from desktop.logs import CrashHandler, setup_logging
    from desktop.mainwindow import MainWindow, page_name

    setup_logging()
    app = application()
    window = MainWindow(AppContext())
    CrashHandler(window).install()
    if page is not None:
        name = page_name(page)
        if name is None:
            print(f"没有这个页面：{page}", file=sys.stderr)
            return 2
        window.show_page(name)
    if screenshot is not None:
        window.resize(QSize(*size))
        window.show()
        for _ in range(5):
            app.processEvents()
        ok = window.grab().save(str(screenshot))
        window.close()
        return 0 if ok else 1
    window.show()
    return app.exec()

"""Start the desktop application, or render one page to a PNG and exit (``--screenshot``)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSize, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.qtguard import keep_singletons_alive
from desktop.resources import resource_path
from forms.store import StoreError


class _FileDialogWords(QTranslator):
    """Qt 6.12's own file dialog asks for “&Look in:” and “Files of &type:”, but the
    qtbase_zh_CN.qm shipped with PySide6 has only “Look in:” and “Files of type:” (looked up by
    exact text, so those labels stayed English): such a string is looked up again without its
    “&”, and the mnemonic put back the Chinese way (查找范围(&L)：)."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        if context != "QFileDialog" or "&" not in source:
            return None  # None, not "": an empty string would blank the label
        plain = source.replace("&", "")
        text = QCoreApplication.translate(context, plain, disambiguation, n)
        if text == plain:
            return None
        key = source[source.index("&") + 1].upper()
        return f"{text.rstrip('：:')}(&{key})：" if text.endswith(("：", ":")) else text


SWITCH_INTERVAL = 0.0005  # seconds


def application() -> QApplication:
    """The QApplication, with the bundled CJK font behind the system's own Chinese UI fonts, so
    that Chinese renders on a machine that has none (and screenshots are stable)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    keep_singletons_alive()  # PySide6 6.12 on Python 3.11 (desktop/qtguard.py)
    # While a background thread computes, every Python call the window makes (a model's
    # data() for each painted cell) waits for the interpreter lock up to the switch interval:
    # 5 ms by default, so a repaint of a few hundred cells froze the window for 250–350 ms
    # when an import's commit started (bench/bench_desktop.py); at 0.5 ms, about 50 ms.
    sys.setswitchinterval(SWITCH_INTERVAL)
    app.setApplicationName("亩均自评")
    app.setOrganizationName("mujun")
    app.setWindowIcon(QIcon(str(resource_path("icons", "mujun.png"))))
    if not getattr(app, "_mujun_translator", None):  # Qt's own words (确定, 取消, 是, 否) in Chinese
        translator = QTranslator(app)
        if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                           QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(translator)
            app._mujun_translator = translator  # type: ignore[attr-defined]
            words = _FileDialogWords(app)
            app.installTranslator(words)  # installed last, asked first
            app._mujun_file_dialog_words = words  # type: ignore[attr-defined]
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
    from desktop.logs import CrashHandler, log_path, setup_logging
    from desktop.mainwindow import MainWindow, page_name

    setup_logging()
    app = application()
    try:
        window = MainWindow(AppContext())
    except StoreError as e:  # no usable database at all: say why instead of a traceback
        logging.getLogger("mujun").error("无法打开数据库：%s", e)
        print(f"亩均自评无法启动：{e}", file=sys.stderr)
        if screenshot is None:
            QMessageBox.critical(None, "亩均自评无法启动", f"{e}\n\n可以用环境变量 MUJUN_DATA_DIR "
                                 f"指定另一个数据文件夹。日志：{log_path()}")
        return 1
    CrashHandler(window).install()
    if page is not None:
        name = page_name(page)
        if name is None:
            print(f"没有这个页面：{page}", file=sys.stderr)
            return 2
        window.show_page(name)
    if screenshot is not None:
        window.setWindowState(Qt.WindowState.WindowNoState)  # the size asked, not maximized
        window.resize(QSize(*size))
        window.show()
        for _ in range(5):
            app.processEvents()
        ok = window.grab().save(str(screenshot))
        window.close()
        return 0 if ok else 1
    window.show()
    return app.exec()

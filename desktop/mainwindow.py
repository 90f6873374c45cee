"""The main window: a navigation list, one page per entry, and a status bar naming the active
profile, the as-of date and the database. Window geometry and the last page are remembered in
``window.ini`` (apart from the user's settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from desktop import paths
from desktop.context import AppContext
from desktop.pages.batch_import import ImportPage
from desktop.pages.help import HelpPage
from desktop.pages.history import HistoryPage
from desktop.pages.results import ResultsPage
from desktop.pages.rules import RulesPage
from desktop.pages.selfcheck import SelfCheckPage
from desktop.pages.settings import AboutPage, SettingsPage
from desktop.pages.welcome import WelcomePage

DB_PATH_WIDTH = 220  # pixels of the status bar's database path, at most
PROFILE_NAME_WIDTH = 300  # … and of the profile's name

# name (for --page and navigation) → page class; the order of the navigation list
PAGES: dict[str, type[QWidget]] = {"welcome": WelcomePage, "selfcheck": SelfCheckPage,
                                   "import": ImportPage, "history": HistoryPage,
                                   "results": ResultsPage, "rules": RulesPage,
                                   "settings": SettingsPage, "help": HelpPage,
                                   "about": AboutPage}


def page_name(text: str) -> str | None:
    """A page by its name or its Chinese title."""
    if text in PAGES:
        return text
    return next((k for k, cls in PAGES.items() if cls.title == text), None)  # type: ignore[attr-defined]


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle("亩均自评")
        self.setMinimumSize(QSize(1100, 640))
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(132)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.nav.setStyleSheet(
            "#nav { background: #1F2933; color: #E4E7EB; border: none; font-size: 15px; "
            "padding-top: 12px; } #nav::item { padding: 12px 14px; } "
            "#nav::item:selected { background: #2E6FB7; color: white; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for name, cls in PAGES.items():
            page = cls(ctx)  # type: ignore[call-arg]
            page.setContentsMargins(8, 8, 8, 4)
            self.pages[name] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(cls.title)  # type: ignore[attr-defined]
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        lay.addWidget(self.nav)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        bar = self.statusBar()
        self.profile_label = QLabel()
        self.db_label = QLabel()
        self.db_label.setContentsMargins(0, 0, 8, 0)  # clear of the window's edge and grip
        bar.addPermanentWidget(self.profile_label)
        bar.addPermanentWidget(self.db_label)
        ctx.profile_changed.connect(self.update_status)
        ctx.data_changed.connect(self.update_status)
        ctx.status.connect(lambda text: bar.showMessage(text, 15000))
        ctx.navigate.connect(self.show_page)
        self.update_status()
        help_key = QShortcut(QKeySequence("F1"), self)  # from any page
        help_key.activated.connect(lambda: self.show_page("help"))
        self.nav.setCurrentRow(list(self.pages).index("selfcheck"))
        self.restore_state()
        if self.ctx.store.count() == 0:  # a first run (or an emptied database): the three ways in
            self.nav.setCurrentRow(0)
        for problem in ctx.problems:
            bar.showMessage(problem, 30000)

    def update_status(self) -> None:
        p = self.ctx.profile
        # Both labels are cut to a width, so that a message at the bar's left keeps room; the
        # tooltips hold them whole.
        name = self.profile_label.fontMetrics().elidedText(p.name, Qt.TextElideMode.ElideRight,
                                                           PROFILE_NAME_WIDTH)
        self.profile_label.setText(f"配置：{name}（版本 {p.version}）· 评估日期 {self.ctx.as_of}")
        self.profile_label.setToolTip(f"{p.name}（版本 {p.version}）\n评估日期 {self.ctx.as_of}")
        # A long path (a Windows profile folder) is cut in its middle, never at the window's
        # edge; 设置 gives it whole too.
        self.db_label.setText("数据库：" + self.db_label.fontMetrics().elidedText(
            str(self.ctx.db_path), Qt.TextElideMode.ElideMiddle, DB_PATH_WIDTH))
        self.db_label.setToolTip(str(self.ctx.db_path))

    def show_page(self, name: str, payload: Any = None) -> QWidget:
        page = self.pages[name]
        self.nav.setCurrentRow(list(self.pages).index(name))
        if name == "selfcheck" and payload is not None:
            first, second = payload
            if isinstance(first, dict):
                page.load_raw(first, second)  # type: ignore[attr-defined]
            else:
                page.open_firm(first, second)  # type: ignore[attr-defined]
        elif name == "rules" and payload == "choose_file":
            page.choose_file()  # type: ignore[attr-defined]
        elif name == "rules" and payload:
            page.show_param(payload)  # type: ignore[attr-defined]
        elif name == "help" and payload:
            page.show_topic(payload)  # type: ignore[attr-defined]
        elif name == "history" and payload == "remove_sample":
            page.confirm_remove_sample()  # type: ignore[attr-defined]
        elif name == "import" and payload is not None:
            page.show_payload(payload)  # type: ignore[attr-defined]
        return page

    # -- remembered window state
    def _state(self) -> QSettings:
        return QSettings(str(paths.home() / "window.ini"), QSettings.Format.IniFormat)

    def restore_state(self) -> None:
        s = self._state()
        geometry = s.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.fit_screen(restored=isinstance(geometry, QByteArray))
        page = s.value("page")
        if isinstance(page, str) and page in self.pages:
            self.nav.setCurrentRow(list(self.pages).index(page))

    # title bar and borders a window manager adds, before the window is shown and they are
    # known (openbox ≈ 22 px, Windows ≈ 31 px)
    FRAME = QSize(16, 40)

    def fit_screen(self, restored: bool = False) -> None:
        """Open inside the screen's available area (without the task bar), status bar
        included. A screen that cannot hold 1366×768 with its title bar (a 1366×768 laptop)
        gets the window maximized, as the window manager fits it to the work area; a larger
        one gets 1366×768, or the remembered size where it fits."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        most = QSize(area.width() - self.FRAME.width(), area.height() - self.FRAME.height())
        self.setMinimumSize(QSize(min(1100, most.width()), min(600, most.height())))
        want = self.size() if restored else QSize(1366, 768)
        if want.width() > most.width() or want.height() > most.height():
            if not restored:
                self.resize(want.boundedTo(most))
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
                return
            want = want.boundedTo(most)
        self.resize(want)
        pos = self.pos()
        x = min(max(pos.x(), area.left()), area.right() + 1 - want.width() - self.FRAME.width())
        y = min(max(pos.y(), area.top()), area.bottom() + 1 - want.height() - self.FRAME.height())
        self.move(max(x, area.left()), max(y, area.top()))

    def save_state(self) -> None:
        s = self._state()
        s.setValue("geometry", self.saveGeometry())
        s.setValue("page", list(self.pages)[self.nav.currentRow()])
        s.sync()

    # -- unexpected errors (desktop.logs.CrashHandler)
    def save_drafts(self) -> list[Path]:
        """Save what is being filled in; the paths written."""
        saved = self.pages["selfcheck"].save_draft()  # type: ignore[attr-defined]
        return [saved] if saved else []

    def show_crash(self, text: str, log_file: Path) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, "亩均自评出错了", text,
                          QMessageBox.StandardButton.Ok, self)
        folder = box.addButton("打开日志文件夹", QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file.parent))))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()  # does not block the event loop that reported the error
        self.crash_box = box

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.save_drafts()
        self.ctx.close()
        super().closeEvent(event)

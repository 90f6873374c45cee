"""Background work, after Anki's Qt layer: run a function off the UI thread, show its progress,
let the user cancel, report failure in a dialog, call back on success.

The function runs in a worker thread and receives a ``progress(done, total, stage)`` callable;
it must not touch widgets. Everything it reports reaches the UI thread through queued signals.
Cancel sets a flag that the next ``progress`` call turns into ``Cancelled`` inside the worker,
so work stops at a point the function chose (a database transaction rolls back).
"""

from __future__ import annotations

import errno
import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QWidget

from forms import collector
from forms.store import SAVING

log = logging.getLogger("mujun.operations")

Progress = Callable[[int, int, str], None]


OS_ERRORS = {errno.EEXIST: "路径中有一个同名的文件，不能当作文件夹使用",
             errno.ENOTDIR: "路径中有一个同名的文件，不能当作文件夹使用",
             errno.ENOSPC: "磁盘空间不足", errno.ENAMETOOLONG: "文件路径太长，请换一个短一些的位置",
             errno.EROFS: "这个位置是只读的", errno.EISDIR: "这是一个文件夹，请指定文件名"}


SHOWN_ISSUES = 10  # problems of a profile listed in an error box (all of them in its details)


class Cancelled(Exception):
    """The user pressed 取消."""


def user_message(exc: BaseException) -> str:
    """What to tell the user about a failure, in Chinese, without a traceback."""
    from forms.excel.reader import FileError
    from forms.publish import PublishError
    from forms.store import StoreError
    from forms.workers import WorkerDied
    from rules.profile import ProfileError

    if isinstance(exc, (FileError, WorkerDied)):
        return exc.zh
    if isinstance(exc, ProfileError):
        more = len(exc.issues) - SHOWN_ISSUES
        tail = f"\n……另有 {more} 处问题（全部列在详细信息中）" if more > 0 else ""
        return "配置文件有错误：\n" + "\n".join(str(i) for i in exc.issues[:SHOWN_ISSUES]) + tail
    if isinstance(exc, (StoreError, PublishError)):
        return str(exc)
    if isinstance(exc, PermissionError):
        return (f"无法写入或打开文件：{exc.filename or exc}。文件可能正被 Excel、WPS 或其他程序打开，"
                "请关闭后重试，或换一个文件名。")
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件或文件夹：{exc.filename or exc}"
    if isinstance(exc, OSError):
        why = OS_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
        return f"文件操作失败：{why}（{exc.filename or ''}）"
    from desktop.logs import log_path

    return f"出现意外错误（{type(exc).__name__}）：{exc}\n详细信息已写入日志：{log_path()}"


class _Bridge(QObject):
    progressed = Signal(int, int, str)
    done = Signal(object, object)  # result, exception


class Operation(QObject):
    """One background job. Keep a reference while it runs (``ProgressPanel`` does)."""

    finished = Signal()

    def __init__(self, parent: QWidget, fn: Callable[[Progress], Any], title: str,
                 on_success: Callable[[Any], None] | None = None,
                 on_failure: Callable[[BaseException], None] | None = None,
                 on_progress: Callable[[int, int, str], None] | None = None):
        super().__init__(parent)
        self.widget = parent
        self.fn = fn
        self.title = title
        self.on_success = on_success
        self.on_failure = on_failure
        self.on_progress = on_progress
        self.cancel_flag = threading.Event()
        self.running = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.cancelled = False
        self.dialog: QMessageBox | None = None
        self._bridge = _Bridge()
        self._bridge.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._bridge.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        self._last_emit = 0.0

    def start(self) -> None:
        self.running = True
        threading.Thread(target=self._work, name=f"mujun-{self.title}", daemon=True).start()

    def cancel(self) -> None:
        self.cancel_flag.set()

    # -- worker thread
    def _report(self, done: int, total: int, stage: str) -> None:
        if self.cancel_flag.is_set():
            raise Cancelled
        now = time.monotonic()
        if now - self._last_emit >= 0.05 or (total and done >= total):
            self._last_emit = now
            self._bridge.progressed.emit(done, total, stage)

    def _work(self) -> None:
        try:
            with collector.paused():  # no freeze of the window by a full collection
                result = self.fn(self._report)
        except BaseException as e:  # noqa: BLE001 — reported in the UI thread, never swallowed
            if not isinstance(e, Cancelled):
                log.error("%s failed:\n%s", self.title, traceback.format_exc())
            self._bridge.done.emit(None, e)
        else:
            self._bridge.done.emit(result, None)

    # -- UI thread
    def _progressed(self, done: int, total: int, stage: str) -> None:
        if self.on_progress:
            self.on_progress(done, total, stage)

    def _done(self, result: Any, error: BaseException | None) -> None:
        self.running = False
        self.result, self.error = result, error
        if isinstance(error, Cancelled):
            self.cancelled = True
        elif error is not None:
            if self.on_failure:
                self.on_failure(error)
            self.dialog = show_error(self.widget, self.title, user_message(error),
                                     details=error_details(error))
        elif self.on_success:
            self.on_success(result)
        self.finished.emit()
        # An operation stays a child of its page: what it computed is handed over above and
        # not kept (a 3,000-firm import's records and results held 20 MB for the session).
        self.result = self.fn = self.on_success = self.on_failure = self.on_progress = None


def error_details(exc: BaseException) -> str:
    """Every line of a failure that ``user_message`` shortens (all problems of a profile)."""
    from rules.profile import ProfileError

    if isinstance(exc, ProfileError) and len(exc.issues) > SHOWN_ISSUES:
        return "\n".join(str(i) for i in exc.issues)
    return ""


def show_error(parent: QWidget, title: str, text: str, details: str = "") -> QMessageBox:
    """A window-modal error box that does not block the event loop (``open``, not ``exec``)."""
    box = QMessageBox(QMessageBox.Icon.Warning, f"{title}失败", text, QMessageBox.StandardButton.Ok,
                      parent)
    if details:
        box.setDetailedText(details)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class ProgressPanel(QWidget):
    """A page's progress line: stage text, bar and 取消; runs one operation at a time.
    ``changed`` is emitted when an operation starts and when it ends (a page disables what
    would start another one)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMinimumWidth(240)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.bar, 2)
        lay.addWidget(self.cancel_button)
        self.op: Operation | None = None
        self.setVisible(False)

    @property
    def busy(self) -> bool:
        return self.op is not None and self.op.running

    def run(self, fn: Callable[[Progress], Any], title: str,
            on_success: Callable[[Any], None] | None = None,
            on_failure: Callable[[BaseException], None] | None = None,
            on_finished: Callable[[Operation], None] | None = None,
            cancelled: str | None = None) -> Operation:
        """``cancelled`` is what the line says after a cancel (by default: nothing kept)."""
        op = Operation(self.parent() or self, fn, title, on_success, on_failure, self._progress)
        self.op = op
        self.label.setText(f"{title}……")
        self.bar.setRange(0, 0)  # busy until the first report
        self.cancel_button.setEnabled(True)
        self.setVisible(True)

        def finished() -> None:
            if self.op is op and op.cancelled:  # said, not just gone: nothing was kept
                self.label.setText(cancelled or f"已取消“{title}”：数据库保持原样，未写出不完整的文件。")
                self.bar.setRange(0, 1)
                self.bar.setValue(0)
                self.cancel_button.setEnabled(False)
            elif self.op is op:  # not when its callback has already started the next operation
                self.setVisible(False)
            if on_finished:
                on_finished(op)
            self.changed.emit()

        op.finished.connect(finished)
        op.start()
        self.changed.emit()
        return op

    def cancel(self) -> None:
        if self.op is not None:
            self.op.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("正在取消……")

    def _progress(self, done: int, total: int, stage: str) -> None:
        if self.op is not None and self.op.cancel_flag.is_set():
            return
        saving = stage == SAVING  # the transaction is being committed: a cancel is not heard
        self.label.setText(f"{stage}（不能再取消）" if saving else stage)
        if saving:
            self.cancel_button.setEnabled(False)
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)

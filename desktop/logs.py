"""The log file and what happens on an unexpected error.

The log is ``logs/mujun.log`` in the data folder, rotated at 1 MB with three old files kept.
An exception nobody caught — in a slot, an event handler or a thread — is written to the log
with its traceback; the window then saves the form being filled in as a draft and shows a
dialog naming the log file. The program keeps running: the user decides whether to go on.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Protocol

from desktop import __version__, paths

log = logging.getLogger("mujun")
LOG_NAME = "mujun.log"


def log_path() -> Path:
    return paths.home() / "logs" / LOG_NAME


def setup_logging() -> Path:
    """Send the ``mujun`` loggers to the rotating file in the data folder (once per folder;
    to stderr when the folder cannot be written)."""
    path = log_path()
    for h in list(log.handlers):
        if isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path:
            return path
        log.removeHandler(h)  # the data folder changed (tests, or MUJUN_DATA_DIR)
        h.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError as e:  # an unusable data folder is reported by the store, not here
        handler = logging.StreamHandler()
        print(f"无法写日志文件 {path}：{e}", file=sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.info("亩均自评 %s 启动：Python %s，%s，数据文件夹 %s", __version__, platform.python_version(),
             platform.platform(), paths.home())
    return path


class Window(Protocol):
    def save_drafts(self) -> list[Path]: ...

    def show_crash(self, text: str, log_file: Path) -> None: ...


class CrashHandler:
    """``sys.excepthook`` and ``threading.excepthook`` for the running window."""

    def __init__(self, window: Window):
        self.window = window
        self.handling = False

    def install(self) -> CrashHandler:
        sys.excepthook = self.handle
        threading.excepthook = self._thread
        return self

    def _thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log.critical("线程 %s 中未处理的错误", args.thread.name if args.thread else "?",
                         exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    def handle(self, kind: type[BaseException], value: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt) or self.handling:
            sys.__excepthook__(kind, value, tb)
            return
        self.handling = True
        try:
            log.critical("未处理的错误", exc_info=(kind, value, tb))
            try:
                saved = self.window.save_drafts()
            except Exception:
                log.exception("保存草稿失败")
                saved = []
            for h in log.handlers:
                h.flush()
            kept = "正在填写的企业数据已保存为草稿，下次打开时会自动恢复。" if saved else \
                "正在填写的数据未能保存为草稿。"
            self.window.show_crash(
                f"程序出现了意外错误（{kind.__name__}：{value}）。\n\n{kept}\n\n"
                f"详细信息已写入日志文件：\n{log_path()}\n\n可以继续使用；如果再次出现，"
                "请把这个日志文件发给技术支持。", log_path())
        except Exception:  # noqa: BLE001 — never let the handler itself take the program down
            sys.__excepthook__(kind, value, tb)
        finally:
            self.handling = False

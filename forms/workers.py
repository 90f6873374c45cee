"""Worker processes for the batch: the start method, the pool, and work sent in ordered chunks.

The import's row checks (``forms.importer``) and the population's assessment
(``forms.assess_pool``) are pure functions of plain values, so they run across processes and
come back in input order. Workers are spawned on every system (``START_METHOD``) and sent their
inputs chunk by chunk.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# spawn, on every system: each worker starts afresh and imports the rules (≈ 0.2 s), as
# Windows must. Forked from a parent that holds a park's rows, two workers and the parent
# copied the pages each touched (1.4 GB at 100,000 firms); forked from a fork server, they
# outlived a killed parent. A spawned worker is this process's child, so it dies with it.
START_METHOD = "spawn"


class WorkerDied(RuntimeError):
    """A worker process ended in the middle of its work (killed, out of memory)."""

    zh = ("后台计算进程意外退出（可能是内存不足或被系统结束）：本次没有写入任何结果。"
          "请关闭其他程序后重试")
    en = "a worker process ended abruptly; nothing was written"

    def __init__(self, zh: str | None = None, en: str | None = None):
        """``zh`` / ``en`` say what was written anyway, where that is not nothing."""
        super().__init__()
        if zh is not None:
            self.zh = zh
        if en is not None:
            self.en = en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def cores() -> int:
    return os.cpu_count() or 1


# Held back in the parent while it starts a worker (``held_signals``): a parent interrupted
# while it hands a spawning worker its start-up data leaves that worker printing a traceback.
_HELD = {signal.SIGINT, signal.SIGTERM}


def worker_signals(parent: int | None = None) -> None:
    """A worker leaves Ctrl-C to its parent (which stops the pool) and dies with it: on Linux
    the kernel sends it SIGTERM when the parent is gone, even after a SIGKILL. ``parent`` is
    the parent's process id: a parent gone before this ran (the signal would never come) ends
    the worker here, so that no worker outlives it holding the parent's output open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # inherited from a parent that held them back
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:  # a libc by another name: the pool's own shutdown still applies
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(0)


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    worker_signals(parent)
    if initializer is not None:
        initializer(*initargs)


def pool(workers: int, initializer: Callable[..., None] | None = None, *initargs: Any,
         method: str | None = None) -> ProcessPoolExecutor:
    """``workers`` processes, each set up by ``worker_signals`` and then ``initializer``."""
    return ProcessPoolExecutor(workers,
                               mp_context=multiprocessing.get_context(method or START_METHOD),
                               initializer=_start, initargs=(os.getpid(), initializer, initargs))


@contextmanager
def held_signals() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while the block runs, and are heard right after: while a task
    is submitted (which may start a worker, and the worker must get all it needs to start),
    and while the store commits (so that what is said afterwards about the database is what
    it holds). Only the calling thread's mask changes."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def in_order(ex: ProcessPoolExecutor, fn: Callable[[list[Any]], list[R]], items: Iterable[T],
             chunk: int, window: int, send: Callable[[list[T]], list[Any]] | None = None
             ) -> Iterator[tuple[list[T], list[R]]]:
    """``fn`` over ``items`` in chunks, each chunk with its results, in input order (``send``
    picks what of a chunk crosses to the worker; all of it by default). At most ``window``
    chunks are out at a time: memory stays flat however slowly the results are read, and
    ``items`` is drawn only as far as that (it may be a generator doing work)."""
    it = iter(items)
    pending: deque[tuple[list[T], Future]] = deque()

    def submit() -> bool:
        part = list(islice(it, chunk))
        if part:
            payload = send(part) if send else part
            with held_signals():
                pending.append((part, ex.submit(fn, payload)))
        return bool(part)

    while len(pending) < window and submit():
        pass
    while pending:
        part, fut = pending.popleft()
        try:
            result = fut.result()
        except BrokenProcessPool as err:
            raise WorkerDied from err
        submit()
        yield part, result

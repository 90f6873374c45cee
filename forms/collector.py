"""Python's cyclic garbage collector, paused while a batch builds a park's rows.

A full collection walks every live object. During an import of 100,000 firms the rows, records
and results already built are scanned again and again: 6.0 s of a 105.8 s `mujun assess` in
the parent process (4.8 s of it full collections; measured 2026-12-01), and on the desktop a
≈ 150 ms freeze of the window every few thousand firms. The data built here is acyclic, so
reference counting frees it all the same; what is still alive when the work ends is frozen out
of later collections (``gc.freeze``), so they do not walk it either.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_paused = 0
_lock = threading.Lock()


@contextmanager
def paused() -> Iterator[None]:
    """The collector off until the last of the (possibly concurrent, one per thread) callers
    is done."""
    global _paused
    with _lock:
        _paused += 1
        if _paused == 1:
            gc.disable()
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0:
                gc.freeze()
                gc.enable()

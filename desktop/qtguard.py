"""A guard against a reference-count bug in PySide6 6.12 on Python 3.11.

Measured here (PySide6-Essentials 6.12.0, CPython 3.11.7): every call of a Qt method that returns
nothing (``setText``, ``setToolTip``, ``setExpanded`` …) takes one reference from ``None`` and
never gives it back — 1,000 calls, −1,000. ``None`` is immortal from Python 3.12 on, so only 3.11
suffers: after some 150,000 such calls (≈ 175 firms shown one after another in the result panel,
or a long session of painting) the process aborts with ``Fatal Python error: none_dealloc``.
6.11.3 is clean, but its QtPdf is not available as the small PySide6-Pdf wheel.

``keep_none_alive`` probes for the leak and, only when it is there, adds 2⁴⁰ references to
``None`` (its reference count is the object's first field on CPython), which no session can
use up. It is logged, so the log file says the guard is active.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger("mujun.qtguard")
_DONE: list[bool] = []


def leaks_none() -> bool:
    """True when a void Qt call leaves ``None`` with fewer references than before."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 32


def keep_none_alive() -> bool:
    """Apply the guard once if the leak is present on this Python; True when applied."""
    if _DONE or sys.version_info >= (3, 12) or not leaks_none():
        return bool(_DONE)
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
    _DONE.append(True)
    import PySide6

    log.warning("PySide6 %s on Python %s loses a reference to None on every void call; "
                "None's reference count raised by 2^40 so that a long session cannot abort",
                PySide6.__version__, sys.version.split()[0])
    return True

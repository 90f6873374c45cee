"""A guard against reference-count bugs in PySide6 6.12 on Python 3.11.

Measured here (PySide6-Essentials 6.12.0, CPython 3.11.7):

- every call of a Qt method that returns nothing, or ``None`` (``setText``, ``setExpanded``,
  ``QComboBox.currentData()`` with no data …) takes one reference from ``None`` and never
  gives it back — 1,000 calls, −1,000;
- every ``emit()`` of a signal from Python (a model's ``layoutChanged`` at each sort, an
  operation's progress, ``data_changed``) does the same to ``True``, the value it returns.

``None``, ``True`` and ``False`` are immortal from Python 3.12 on, so only 3.11 suffers: when
such an object's count reaches zero the process aborts (``Fatal Python error: none_dealloc`` after
some 150,000 void calls; ``bool_dealloc`` after some 6,000 emits — a few imports and sorts).
6.11.3 is clean, but its QtPdf is not available as the small PySide6-Pdf wheel.

``keep_singletons_alive`` probes for each leak and, only where one is there, adds 2⁴⁰ references
to the object it drains (its reference count is the object's first field on CPython), which no
session can use up. It is logged, so the log file says the guard is active.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable

log = logging.getLogger("mujun.qtguard")
_GUARDED: list[list[str]] = []  # once applied: the objects guarded (maybe none)
_OBJECTS = {"None": None, "True": True, "False": False}


def _drains(obj: object, call: Callable[[], object]) -> bool:
    """True when 64 calls leave ``obj`` with fewer references than before."""
    before = sys.getrefcount(obj)
    for _ in range(64):
        call()
    return sys.getrefcount(obj) < before - 32


def leaks_none() -> bool:
    """True when a void Qt call leaves ``None`` with fewer references than before."""
    from PySide6.QtCore import QObject

    probe = QObject()
    return _drains(None, lambda: probe.setObjectName("probe"))


def leaked_bools() -> list[bool]:
    """``True`` and/or ``False``, each when a signal's ``emit()`` leaves it with fewer
    references than before."""
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        fired = Signal()

    probe = Probe()
    return [b for b in (True, False) if _drains(b, probe.fired.emit)]


def keep_singletons_alive() -> list[str]:
    """Apply the guard once for each leak present on this Python; the objects guarded."""
    if not _GUARDED:
        _GUARDED.append([] if sys.version_info >= (3, 12) else _guard())
    return list(_GUARDED[0])


def _guard() -> list[str]:
    leaking = (["None"] if leaks_none() else []) + [repr(b) for b in leaked_bools()]
    for name in leaking:
        ctypes.c_ssize_t.from_address(id(_OBJECTS[name])).value += 1 << 40
    if leaking:
        import PySide6

        log.warning("PySide6 %s on Python %s loses references to %s (void calls, signal "
                    "emits); their reference counts raised by 2^40 so that a long session "
                    "cannot abort", PySide6.__version__, sys.version.split()[0],
                    ", ".join(leaking))
    return leaking

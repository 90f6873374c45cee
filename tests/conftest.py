"""Shared test helpers: repository paths and valid credit codes for generated firms."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.identifiers import synthetic_code

TESTS = Path(__file__).parent
ROOT = TESTS.parent


def pytest_configure(config: pytest.Config) -> None:
    """The PySide6 6.12 / Python 3.11 guard (desktop/qtguard.py), as the application applies
    it: without it a long desktop test run aborts with ``none_dealloc`` or ``bool_dealloc``.
    Headless runs get the most common office laptop's screen, 1366×768 with window frames
    (Qt's offscreen platform would give 800×800 without), so that geometry tests see what a
    clerk sees."""
    import os

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={TESTS / 'data' / 'screen-1366x768.json'}"
    from desktop.qtguard import keep_singletons_alive

    keep_singletons_alive()


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 numbered ``n`` (both check digits right), for generated firms."""
    return synthetic_code(n)


@pytest.fixture
def tests_dir() -> Path:
    return TESTS

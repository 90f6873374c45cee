"""Shared test helpers: repository paths and valid credit codes for generated firms."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.identifiers import synthetic_code

TESTS = Path(__file__).parent
ROOT = TESTS.parent


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 numbered ``n`` (both check digits right), for generated firms."""
    return synthetic_code(n)


@pytest.fixture
def tests_dir() -> Path:
    return TESTS

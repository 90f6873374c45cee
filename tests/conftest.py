"""Shared test helpers: repository paths and valid credit codes for generated firms."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.identifiers import check_digit

TESTS = Path(__file__).parent
ROOT = TESTS.parent


def credit_code(n: int) -> str:
    """A syntactically valid 统一社会信用代码 numbered ``n`` (for generated populations)."""
    first17 = f"91331003MA{n:07d}"
    return first17 + check_digit(first17)


@pytest.fixture
def tests_dir() -> Path:
    return TESTS

"""Shared test helpers: repository paths and valid credit codes for generated firms."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.identifiers import _org_check_digit, check_digit

TESTS = Path(__file__).parent
ROOT = TESTS.parent


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 numbered ``n`` (both check digits right), for generated firms."""
    org8 = f"MA{n:06d}"
    first17 = f"91331003{org8}{_org_check_digit(org8)}"
    return first17 + check_digit(first17)


@pytest.fixture
def tests_dir() -> Path:
    return TESTS

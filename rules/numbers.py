"""Exact numbers at thresholds (RULES §0): one comparison helper and exact decimal arithmetic.

Declared figures are decimals as the firm typed them (``repr`` of a float is the shortest decimal
that reads back to it, so 128.64 is 128.64, not 128.6399999999999863…). Quotients, growth
rates and sums of such figures are computed here in decimal arithmetic and only then rounded to
the nearest float, so 128.64 ÷ 4288 is exactly the float 0.03 that a profile's "3 %" is.

What is left of float noise (a score summed from six weighted ratios, an amount worked back
from a score) is absorbed by ``meets``: two numbers closer than ``REL`` of their size are the
same number. ``REL`` = 10⁻¹² is a million times finer than the finest published threshold
(0.0001) and ten thousand times coarser than a float's rounding (2 × 10⁻¹⁶).

Amounts a user is told to change are rounded so that, applied exactly, they achieve what they
say: ``round_up`` for amounts to add (and ceilings to stay under are ``round_down``), with the
same tolerance, so that an amount that is exactly 100.00 up to float noise is shown as 100.00.
"""

from __future__ import annotations

import math
from decimal import Context, Decimal, InvalidOperation

REL = 1e-12
_C = Context(prec=40)

Num = int | float | Decimal


_TYPED: dict[float, Decimal] = {}  # float → its decimal (the same figures recur across firms)


def dec(x: Num) -> Decimal:
    """The decimal a number was typed as (floats through their shortest ``repr``)."""
    if type(x) is float and x:  # not 0.0, which would stand for -0.0 too (they are ==)
        d = _TYPED.get(x)
        if d is None:
            if len(_TYPED) >= 200_000:  # a bound on memory; refilled from what recurs
                _TYPED.clear()
            d = _TYPED[x] = Decimal(repr(x))
        return d
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(x, int):
        return Decimal(x)
    return Decimal(repr(float(x)))


def _f(d: Decimal) -> float:
    return float(d)


def quotient(num: Num | None, den: Num | None) -> float | None:
    """num ÷ den in decimal arithmetic, rounded once to the nearest float; ``None`` when either
    is missing or the denominator is zero."""
    if num is None or den is None or den == 0:
        return None
    q = _f(_C.divide(dec(num), dec(den)))
    return q if math.isfinite(q) else None  # beyond a float (a denominator of 1e-300): no value


def product(*xs: Num) -> float:
    """x₁ × x₂ × … in decimal arithmetic (unit conversions: 万kWh × 10⁴ × kgce/kWh ÷ 1000)."""
    out = Decimal(1)
    for x in xs:
        out = _C.multiply(out, dec(x))
    return _f(out)


def total(xs: list[Num]) -> float:
    """Σ xs in decimal arithmetic."""
    out = Decimal(0)
    for x in xs:
        out = _C.add(out, dec(x))
    return _f(out)


def growth(now: Num | None, before: Num | None) -> float | None:
    """now ÷ before − 1 exactly (1150 after 1000 is 15 %); ``None`` without a positive base."""
    if now is None or before is None or before <= 0:
        return None
    return _f(_C.subtract(_C.divide(dec(now), dec(before)), Decimal(1)))


def compound_growth(now: Num | None, before: Num | None, years: int = 2) -> float | None:
    """(now ÷ before)^(1/years) − 1; exact whenever the root is a decimal (1.3225 → 15 %)."""
    if now is None or before is None or before <= 0 or now < 0:
        return None
    q = _C.divide(dec(now), dec(before))
    try:
        root = _C.sqrt(q) if years == 2 else _C.power(q, _C.divide(Decimal(1), Decimal(years)))
    except InvalidOperation:
        return None
    return _f(_C.subtract(root, Decimal(1)))


def same(a: float, b: float) -> bool:
    """Equal up to float noise: |a − b| ≤ REL × max(1, |a|, |b|)."""
    return abs(a - b) <= REL * max(1.0, abs(a), abs(b))


def meets(value: float, op: str, threshold: float) -> bool:
    """``value op threshold`` where numbers closer than float noise are equal: 0.52 is not
    below 0.52, 3 % is at least 3 %. ``op`` is one of >= > <= < (or ≥ ≤)."""
    eq = same(value, threshold)
    if op in (">=", "≥"):
        return eq or value > threshold
    if op == ">":
        return not eq and value > threshold
    if op in ("<=", "≤"):
        return eq or value < threshold
    if op == "<":
        return not eq and value < threshold
    raise ValueError(op)


def round_up(x: float, places: int = 2) -> float:
    """``x`` rounded up at ``places`` decimals — unless it already is such a number up to float
    noise (an amount to add, or a floor to reach: applied exactly it is enough)."""
    if not math.isfinite(x * 10 ** places):
        return x
    q = x * 10 ** places
    r = round(q)
    return (r if same(q, r) else math.ceil(q)) / 10 ** places


def round_down(x: float, places: int = 2) -> float:
    """``x`` rounded down at ``places`` decimals, the same way (a ceiling to stay under)."""
    if not math.isfinite(x * 10 ** places):
        return x
    q = x * 10 ** places
    r = round(q)
    return (r if same(q, r) else math.floor(q)) / 10 ** places

"""Bounds on what one manufacturing firm's yearly figures can plausibly be (SPEC §7.1).

These are no policy thresholds: nothing is graded on them. They catch what a unit converter
cannot see (a tax column in 元 headed as 万元, land in 平方米 without a unit), so that a wrong
scale is a warning naming the cell instead of a confident verdict. Each bound is set at about
ten times beyond what Zhejiang's largest or smallest firms report, so an ordinary firm never
trips one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bound:
    field: str  # the field the warning is put on (its column is named)
    over: str | None  # divisor field for a ratio, ``None`` for the value itself
    low: float | None
    high: float | None
    unit: str  # of the value or ratio, as the message shows it
    what: str


BOUNDS: tuple[Bound, ...] = (
    Bound("land_mu", None, 0.05, 10000, "亩", "实际用地面积"),
    Bound("tax", None, None, 2_000_000, "万元", "实缴税金"),
    Bound("tax", "land_mu", None, 1000, "万元/亩", "每亩税收"),
    Bound("value_added", "land_mu", None, 5000, "万元/亩", "每亩工业增加值"),
    Bound("value_added", "employees", None, 2000, "万元/人", "人均工业增加值"),
    Bound("revenue", "employees", None, 20000, "万元/人", "人均营业收入"),
    Bound("electricity_10k_kwh", "land_mu", None, 5000, "万千瓦时/亩", "每亩用电量"),
    Bound("energy_equal_tce", "value_added", None, 50, "吨标准煤/万元", "单位增加值能耗（等价值）"),
    Bound("energy_equiv_tce", "value_added", None, 50, "吨标准煤/万元", "单位增加值能耗（当量值）"),
    Bound("employees", None, None, 200_000, "人", "职工人数"),
)


def implausible(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for every figure beyond what a firm can have."""
    out: list[tuple[str, str]] = []
    for b in BOUNDS:
        v = values.get(b.field)
        if v is None:
            continue
        if b.over is not None:
            d = values.get(b.over)
            if not d or d <= 0 or v < 0:
                continue
            v = v / d
        if b.high is not None and v > b.high:
            message = (f"{b.what} {_num(v)} {b.unit}，远超企业可能的范围（> {_num(b.high)}）："
                       "请核对这一列的单位（如把元当成了万元、平方米当成了亩）")
            out.append((b.field, message))
        elif b.low is not None and 0 < v < b.low:
            message = (f"{b.what} {_num(v)} {b.unit}，远小于企业可能的范围（< {_num(b.low)}）："
                       "请核对这一列的单位")
            out.append((b.field, message))
    return out


def _num(v: float) -> str:
    """56 333.3 — grouped, at most two decimals, no exponent."""
    text = f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v) < 1e15 else f"{v:.3e}"
    return text.replace(",", " ")

"""How values look to a person: numbers with units, ratios as percentages, yes/no in Chinese.

Shared by the command line, the PDF reports and the Qt views, so that a value reads the same
everywhere.
"""

from __future__ import annotations

from typing import Any

from rules.engine import OUTCOME_LABELS, Outcome, fmt
from rules.schema import NONE, RATIO

MARKS = {Outcome.MET: "✔", Outcome.UNMET: "✘", Outcome.UNKNOWN: "？", Outcome.NA: "·"}


def show_value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dict):
        return "，".join(f"{k}: {fmt(x)}" for k, x in v.items())
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(show_value(x) for x in v) + "]"
    if isinstance(v, (set, frozenset)):
        return "、".join(sorted(map(str, v)))
    return fmt(v)


def unit_suffix(u: str) -> str:
    return "" if u in ("", NONE) else " " + u


def num(v: Any, unit: str = "") -> str:
    """A value with its unit; ratios as percentages; floats without noise."""
    if unit == RATIO and isinstance(v, (int, float)) and not isinstance(v, bool):
        return f"{v * 100:.2f}%"
    text = fmt(round(v, 4)) if isinstance(v, float) else show_value(v)
    return text + ("" if v is None else unit_suffix(unit))


def outcome_text(o: Outcome) -> str:
    return f"{MARKS[o]} {OUTCOME_LABELS[o]}"

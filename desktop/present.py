"""How values look to a person: numbers with units, ratios as percentages, yes/no in Chinese.

Shared by the command line, the PDF reports and the Qt views, so that a value reads the same
everywhere.
"""

from __future__ import annotations

from typing import Any

from rules.catalogue import label
from rules.engine import OUTCOME_LABELS, Node, Outcome, fmt
from rules.schema import BY_KEY, NONE, RATIO, T

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


def param_value(key: str, value: Any, unit: str) -> str:
    """A profile parameter as a person reads it: bands as “≥ 5.00% 得 20 分”, ranges as “06–43”."""
    if value is None:
        return "未设定"
    t = BY_KEY[key].type
    if t in (T.BANDS_GE, T.BANDS_LE):
        sign = "≥" if t is T.BANDS_GE else "≤"
        return "；".join(f"{sign} {num(th, unit)} 得 {fmt(pts)}" for th, pts in value) + "；其余 0"
    if t is T.INT_RANGES:
        return "、".join(f"{lo:02d}–{hi:02d}" for lo, hi in value)
    if t is T.INT_LIST:
        return "、".join(f"{v:02d}" for v in value)
    if t is T.STRING_LIST:
        return "、".join(value)
    if t in (T.POINTS_MAP, T.STRING_MAP):
        return "；".join(f"{k} {fmt(v) if isinstance(v, float) else v}" for k, v in value.items())
    return num(value, unit)


def node_values(n: Node) -> str:
    """A criterion's value, requirement or points as one line (tree views and reports)."""
    if n.kind == "info" and isinstance(n.value, str) and n.note:
        return ""  # a code (e.g. a review tier) that the note already says in words
    if n.kind == "score" and n.points is not None:
        pts = fmt(round(n.points, 2))
        if n.points_max is not None and n.points_max != n.points:
            pts += f"～{fmt(round(n.points_max, 2))}"
        base = f"{pts} 分"
        if n.value is not None and n.unit != "分" and n.op and n.threshold is not None:
            base += f"；{num(n.value, n.unit)}（{n.op} {num(n.threshold, n.unit)}）"
        return base
    if n.value is not None and n.op and n.threshold is not None:
        return f"{num(n.value, n.unit)}（要求 {n.op} {num(n.threshold, n.unit)}）"
    if n.value is not None:
        return num(n.value, n.unit)
    if n.missing:
        return "缺：" + "、".join(label(m) for m in n.missing)
    return ""


def node_gap(n: Node) -> str:
    """How far an unmet criterion is from its threshold, with the unit."""
    if n.gap is None or n.outcome is not Outcome.UNMET or n.kind == "info":
        return ""
    return num(n.gap, n.unit)

"""Validate and normalise one row (or one form) into catalogue values, with Chinese messages.

Every problem names the field and the column as the user wrote it. Errors reject the row;
warnings keep it. What a cohort needs for scoring is not checked here: the assessment says
which inputs it missed ("unknown", never 0), and the pipeline reports those as warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from forms.cells import CellError, is_blank, parse_cell
from rules.catalogue import ENTERPRISE_BY_ID, Field
from rules.measures import Conversion, as_typed
from rules.plausibility import implausible


@dataclass(frozen=True)
class Issue:
    field: str
    column: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "column": self.column, "message": self.message}


@dataclass
class Checked:
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_values(raw: Mapping[str, Any], catalogue: Mapping[str, Field],
                 titles: Mapping[str, str] | None = None,
                 problems: Mapping[str, str] | None = None,
                 today: date | None = None,
                 conversions: Mapping[str, Conversion] | None = None,
                 percent: frozenset[str] | set[str] = frozenset(),
                 notes: list[tuple[str, str]] | None = None) -> Checked:
    """Parse every known field of ``raw`` (field id → cell value as given).

    ``titles`` maps field ids to the column headers the user wrote (default: the labels);
    ``problems`` maps field ids to reader-level cell problems (formula without value…);
    ``conversions`` the unit conversion of a field's column (元 → 万元 …); ``percent`` the
    fields whose cell is formatted as a percentage (0.12 shown as 12 %). What reading changed
    is appended to ``notes`` as (field id, message)."""
    titles = titles or {}
    problems = problems or {}
    conversions = conversions or {}
    out = Checked()

    def col(fid: str) -> str:
        return titles.get(fid) or catalogue[fid].label

    said: list[str] = []
    for fid, value in raw.items():
        f = catalogue[fid]
        if fid in problems:
            out.errors.append(Issue(fid, col(fid), problems[fid]))
            continue
        if value is None or value == "":  # an empty cell: blank, nothing to read or say
            continue
        conv = conversions.get(fid)
        try:
            v = parse_cell(value, f, said, conv.source.name if conv is not None else None)
            if v is not None and fid in percent and f.unit == "%":
                shown = _percent(v)
                said.append("单元格是百分比格式（如显示 12.0%），按百分数读取（×100）")
                v = shown
            if conv is not None and conv.identity:
                conv = None  # the value as read, already within the field's range
            if v is not None and conv is not None:
                v = conv.apply(v)
            if v is not None and (conv is not None or fid in percent) and f.is_numeric:
                _in_range(v, f)  # the range again, on the value converted
        except CellError as e:
            out.errors.append(Issue(fid, col(fid), e.message))
            said.clear()
            continue
        if notes is not None and said:
            notes.extend((fid, m) for m in said)
        said.clear()
        if v is not None:
            out.values[fid] = v
    for f in catalogue.values():
        if f.required and f.id not in out.values and f.id not in {i.field for i in out.errors}:
            out.errors.append(Issue(f.id, col(f.id), f"“{f.label}”是必填项"))
    v = out.values
    if "credit_code" in v:
        for w in v["credit_code"].warnings:
            out.warnings.append(Issue("credit_code", col("credit_code"), w))
        v["credit_code"] = str(v["credit_code"])
    this_year = (today or date.today()).year
    if v.get("year") is not None and v["year"] > this_year:
        out.errors.append(Issue("year", col("year"), f"数据年度 {v['year']} 晚于今年（{this_year}）"))
    for fid, what in (("founded_year", "成立年份"), ("land_acquired_year", "取得土地年份")):
        if fid in v and "year" in v and v[fid] > v["year"]:
            out.errors.append(Issue(fid, col(fid), f"{what} {v[fid]} 晚于数据年度 {v['year']}"))
    if catalogue is ENTERPRISE_BY_ID:
        _warnings(v, out, col)
    return out


def _percent(v: float) -> float:
    """0.12 → 12.0, rounded once (0.12 × 100 in floats is 12.000000000000002)."""
    return float(as_typed(v) * 100)


def _in_range(v: float, f: Field) -> None:
    """The catalogue's range, checked again on the converted value."""
    if f.minimum is not None and v < f.minimum and not f.allow_negative_warning:
        raise CellError(f"换算后 {v:g}{f.unit} 小于允许的最小值 {f.minimum:g}")
    if f.maximum is not None and v > f.maximum:
        raise CellError(f"换算后 {v:g}{f.unit} 大于允许的最大值 {f.maximum:g}")


def _warnings(v: dict[str, Any], out: Checked, col) -> None:
    def warn(fid: str, message: str) -> None:
        out.warnings.append(Issue(fid, col(fid), message))

    if v.get("value_added") is not None and v["value_added"] < 0:
        warn("value_added", "工业增加值为负数，请确认")
    share = v.get("national_share_pct")
    if share is not None and 0 < share <= 1:
        warn("national_share_pct", f"市场占有率 {share:g}% 很低：是否把百分比填成了小数（如 0.12 应填 12）？")
    if v.get("main_revenue") is not None and v.get("revenue") is not None \
            and v["main_revenue"] > v["revenue"] * 1.000001:
        warn("main_revenue", "主营业务收入大于营业收入，请确认")
    if v.get("rd_staff") is not None and v.get("employees") is not None \
            and v["rd_staff"] > v["employees"]:
        warn("rd_staff", "研发人员数多于年平均职工人数，请确认")
    for fid, message in implausible(v):
        warn(fid, message)
    if v.get("land_mu") == 0:
        out.errors.append(Issue("land_mu", col("land_mu"), "实际用地面积必须大于 0"))


def row_is_blank(cells: Any) -> bool:
    return all(is_blank(c) for c in cells)

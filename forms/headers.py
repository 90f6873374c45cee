"""Find a messy sheet's header block and say what every column is (SPEC §7, §7.1).

A header block is a label row, optionally with a group row above it (``经营情况`` merged over
the figure labels), labels merged down over both rows, a unit row under it, and a
``单位：元、平方米`` line above the table. Every non-empty column ends up in ``Header.report``:
mapped to a field (with the unit conversion, the year it holds, whether it is hidden) or not
used, with the reason and, for a near miss, a suggestion. Nothing is dropped or guessed
without a line there.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rules.catalogue import ENTERPRISE_FIELDS, PROJECT_FIELDS, Field
from rules.measures import (
    Conversion,
    Unit,
    conversion,
    mentions_unit,
    parse_unit,
    trailing_unit,
)

HEADER_SEARCH_ROWS = 15
ENTERPRISE, PROJECT = "enterprise", "project"
KIND_NAMES = {ENTERPRISE: "企业表", PROJECT: "项目表"}
_SUFFIX = re.compile(r"[(\[【]([^()\[\]【】]*)[)\]】]$")
_REQUIRED_MARK = re.compile(r"^[*＊※]+|[*＊※]+$")
# the columns this program adds to its own error report; read back, they are not data
OWN_COLUMNS = ("原行号", "错误说明")

# units nobody writes another way (a count of people is never in 万人 in these sheets)
_PLAIN_UNITS = ("分", "级", "人", "项", "年")
# status of a column in the report
MAPPED, IGNORED, REFUSED, CONFLICT = "mapped", "ignored", "refused", "conflict"


def normalise_header(text: Any) -> str:
    """Trim, full-width → half-width, ignore case and inner spaces, drop required marks (*)."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s).lower()
    return _REQUIRED_MARK.sub("", s)


def _names(fields: Sequence[Field]) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields:
        for name in (f.label, f.header, *f.aliases):
            key = normalise_header(name)
            if out.get(key, f.id) != f.id:
                raise AssertionError(f"header {name!r} would match {out[key]} and {f.id}")
            out[key] = f.id
    return out


FIELDS = {ENTERPRISE: {f.id: f for f in ENTERPRISE_FIELDS},
          PROJECT: {f.id: f for f in PROJECT_FIELDS}}
NAMES = {ENTERPRISE: _names(ENTERPRISE_FIELDS), PROJECT: _names(PROJECT_FIELDS)}

# year tags: an absolute year, or words relative to the row's 数据年度
_YEAR_TAG = re.compile(r"^(?:(\d{4})年?度?(?:数据|实绩|数)?|(\d{4})-\d{1,2}(?:月)?)$")
_CURRENT = ("本年", "本年度", "本期", "当年", "今年", "本年实际", "本年累计", "当期")
_PREVIOUS = ("上年", "上年度", "上期", "去年", "上年同期", "同期", "上年实际")
_PREVIOUS2 = ("前年", "前年度")
# qualifiers that say more about the figure but do not change which field it is
_QUALIFIERS = ("含附加", "含地方附加", "含教育费附加", "全口径", "合计", "总计", "实际", "必填",
               "选填", "自有", "自有加租入", "含租用", "实际使用")
# a header naming energy without its basis: the user is asked, never guessed for
ENERGY_WITHOUT_BASIS = {"综合能耗", "综合能源消费量", "能源消费总量", "能耗总量", "综合能源消费",
                        "总能耗", "能耗", "年综合能耗", "项目年综合能耗", "项目综合能耗"}


def _year_tag(text: str) -> tuple[int | None, str | None]:
    """(year, None) for ``2024年``, (None, 'current'/'prev'/'prev2') for 本年 / 上年 / 前年."""
    s = normalise_header(text)
    m = _YEAR_TAG.match(s)
    if m:
        return int(m[1] or m[2]), None
    if s in _CURRENT:
        return None, "current"
    if s in _PREVIOUS:
        return None, "prev"
    if s in _PREVIOUS2:
        return None, "prev2"
    return None, None


@dataclass
class Reading:
    """What one header text says: the field it names, and the unit and year written in it."""

    field: str | None = None
    unit: Unit | None = None
    unit_text: str = ""  # a bracketed unit-like text that is not a unit we know
    year: int | None = None
    relative: str | None = None  # current | prev | prev2
    energy_basis_missing: bool = False
    base: str = ""  # the header without units, tags and qualifiers


def _bracket_parts(inner: str) -> tuple[Unit | None, int | None, str | None, bool]:
    """A bracket holding more than one thing (``元，2024年``, ``现价，元``): its unit, its year
    tag, and whether it writes a unit that cannot be read — a part naming a unit that is not
    one we know (``元/年``, ``万元/亩``), two different units, or ``单位：`` with no unit."""
    units: set[Unit] = set()
    year = rel = None
    unread = False
    for part in re.split(r"[，,、；;]", inner):
        if not part.strip():
            continue
        u = parse_unit(part)
        y, r = _year_tag(part)
        if u is not None:
            units.add(u)
        elif y is not None or r is not None:
            year, rel = year or y, rel or r
        elif mentions_unit(part) or re.search(r"单位[:：]", part):
            unread = True
    if len(units) > 1:
        return None, year, rel, True
    return next(iter(units), None), year, rel, unread


def read_header(text: Any, kind: str) -> Reading:
    """The field a header names: the whole text first, then with trailing bracketed suffixes
    (units, year tags, qualifiers) removed one at a time (``实缴税金（元）`` → tax in 元,
    ``实缴税金（2023年）`` → tax of 2023), then a unit written without brackets
    (``用电量kWh``) and a year in front (``2024年实缴税金``)."""
    names = NAMES[kind]
    out = Reading()
    s = normalise_header(text)
    while s:
        if s in names:
            out.field, out.base = names[s], s
            return out
        m = _SUFFIX.search(s)
        if m is None:
            break
        inner = m[1]
        unit = parse_unit(inner)
        year, rel = _year_tag(inner)
        if unit is None and year is None and rel is None:
            unit, year, rel, unread = _bracket_parts(inner)
            if unread and not out.unit_text:  # a unit we cannot read is never passed over
                out.unit_text = inner
        if unit is not None and out.unit is None:
            out.unit = unit
        if year is not None or rel is not None:
            out.year, out.relative = out.year or year, out.relative or rel
        s = s[: m.start()]
    out.base = s
    if not s:
        return out
    tail = trailing_unit(s)
    if tail is not None and tail[0] in names:
        out.field, out.base = names[tail[0]], tail[0]
        out.unit = out.unit or tail[1]
        return out
    m = re.match(r"^(\d{4})年度?(.+)$", s)
    if m and m[2] in names:
        out.field, out.base, out.year = names[m[2]], m[2], int(m[1])
        return out
    for words, rel in ((_CURRENT, "current"), (_PREVIOUS, "prev"), (_PREVIOUS2, "prev2")):
        for w in words:
            if s.startswith(w) and s[len(w):] in names:
                out.field, out.base, out.relative = names[s[len(w):]], s[len(w):], rel
                return out
    if s in ENERGY_WITHOUT_BASIS or (tail is not None and tail[0] in ENERGY_WITHOUT_BASIS):
        out.energy_basis_missing = kind == ENTERPRISE or s.startswith("项目")
    return out


def match_header(text: Any, kind: str) -> str | None:
    """The field id a header names (see ``read_header``), or ``None``."""
    return read_header(text, kind).field


@dataclass
class Column:
    """One column of the header block, and what the import does with it."""

    index: int  # 0-based
    text: str  # as the user wrote it (a group title joined in front: “经营情况 / 实缴税金”)
    status: str  # mapped | ignored | refused | conflict
    field: str | None = None
    conversion: Conversion | None = None
    unit_from: str = ""  # 表头 | 单位行 | 分组标题 | 单位说明行 | "" (none written)
    year: int | None = None
    hidden: bool = False
    reason: str = ""
    suggestion: str = ""
    chosen_by_user: bool = False

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    def describe(self, catalogue: Mapping[str, Field]) -> str:
        """One line of the import report: ``F 列“实缴税金（元）”→ 实缴税金，元 → 万元，÷10 000``."""
        head = f"{self.letter} 列“{self.text}”" + ("（隐藏列）" if self.hidden else "")
        if self.status == MAPPED and self.field is not None:
            f = catalogue[self.field]
            line = f"{head} → {f.label}"
            if self.year is not None:
                line += f"（{self.year} 年的数据，用于数据年度为 {self.year} 的行）"
            if self.conversion is not None and not self.conversion.identity:
                line += f"，{self.conversion.describe()}"
                if self.unit_from and self.unit_from != "表头":
                    line += f"（单位见{self.unit_from}）"
            elif f.is_numeric and f.unit and not self.unit_from and f.unit not in _PLAIN_UNITS:
                line += f"，表头未注明单位，按“{f.unit}”读取"
            elif self.conversion is not None and self.unit_from and self.unit_from != "表头":
                line += f"，单位“{self.conversion.source.name}”（见{self.unit_from}）"
            if self.chosen_by_user:
                line += "（用户指定）"
            return line
        why = {IGNORED: "未使用", REFUSED: "拒绝", CONFLICT: "冲突"}[self.status]
        line = f"{head} {why}：{self.reason}"
        if self.suggestion:
            line += f"；是否应为“{self.suggestion}”？（可在导入页重新指定）"
        return line


def column_letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Header:
    kind: str
    row: int  # 0-based index of the label row
    first_data_row: int  # 0-based: after the label row and any unit row
    columns: dict[str, int]  # field id → 0-based column (the one column used for every row)
    titles: dict[str, str]  # field id → header text as the user wrote it
    report: list[Column] = field(default_factory=list)  # every non-empty column, in order
    year_columns: dict[str, dict[int, int]] = field(default_factory=dict)  # field → year → col
    conversions: dict[int, Conversion] = field(default_factory=dict)  # column → conversion
    unit_row: int | None = None  # 0-based
    notes: list[str] = field(default_factory=list)  # 单位说明行 …
    layout: str = ""  # a fingerprint of the header texts (for remembered mappings)

    def title_of(self, column: int) -> str:
        for c in self.report:
            if c.index == column:
                return c.text
        return column_letter(column)


# ----------------------------------------------------------------------------- the block

def _merge_map(merged: Sequence[tuple[int, int, int, int]], limit: int
               ) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Covered cell → its merged range, for the rows of the header search."""
    out: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for rng in merged:
        r0, c0, r1, c1 = rng
        if r0 >= limit:
            continue
        for r in range(r0, min(r1, limit - 1) + 1):
            for c in range(c0, min(c1, c0 + 200) + 1):
                out[(r, c)] = rng
    return out


def _text(rows: Sequence[Sequence[Any]], r: int, c: int) -> str:
    if r < 0 or r >= len(rows) or c >= len(rows[r]):
        return ""
    v = rows[r][c]
    return "" if v is None else str(v).strip()


def _label(rows: Sequence[Sequence[Any]], merges: Mapping, r: int, c: int) -> str:
    """The label of column ``c`` in row ``r``: the cell, or the label merged down into it."""
    text = _text(rows, r, c)
    if text:
        return text
    rng = merges.get((r, c))
    if rng is not None and rng[1] == c and rng[0] < r:
        return _text(rows, rng[0], c)
    return ""


def _is_group_row(rows: Sequence[Sequence[Any]], merges: Mapping, r: int) -> bool:
    """Whether row ``r - 1`` is the upper half of a two-row header: some label is merged
    down from it into row ``r``, or it holds two or more titles merged across columns. A
    title or 填报单位 line over the whole table is neither."""
    if r <= 0:
        return False
    across = set()
    for (rr, _), rng in merges.items():
        if rr != r - 1:
            continue
        if rng[0] <= r - 1 and rng[2] >= r:
            return True
        if rng[3] > rng[1] and rng[0] == rng[2] == r - 1:
            across.add(rng)
    return len(across) >= 2


def _group(rows: Sequence[Sequence[Any]], merges: Mapping, r: int, c: int) -> str:
    """The group title above column ``c`` of label row ``r`` (``经营情况`` merged over the
    figures, or a plain cell over one column), not a label merged down into row ``r``."""
    rng = merges.get((r - 1, c))
    if rng is not None:
        if rng[2] >= r:
            return ""  # the label itself, merged down
        return _text(rows, rng[0], rng[1])
    return _text(rows, r - 1, c) if _text(rows, r, c) else ""


_UNIT_LINE = re.compile(r"(金额|面积|用地|能耗|电量|用电|排放|计量)?单位\s*[:：]\s*([^\s:：]+)")
_DIMENSION_WORDS = {"金额": "金额", "面积": "面积", "用地": "面积", "能耗": "能耗", "电量": "电量",
                    "用电": "电量", "排放": "质量"}


def _unit_line(text: str) -> dict[str, Unit] | None:
    """``单位：元、平方米`` → {金额: 元, 面积: 平方米}; ``None`` unless every item is a unit."""
    found: dict[str, Unit] = {}
    for m in _UNIT_LINE.finditer(unicodedata.normalize("NFKC", text)):
        items = [t for t in re.split(r"[、,，;；/]+", m[2].strip()) if t]
        units = [parse_unit(t) for t in items]
        if not items or any(u is None for u in units):
            continue
        for u in units:
            assert u is not None
            dim = _DIMENSION_WORDS.get(m[1] or "", u.dimension)
            if dim == u.dimension:
                found.setdefault(dim, u)
    return found or None


# What a unit row writes under a column that has no unit (名称, 代码, 年度): not a unit, not data
_NO_UNIT_MARKS = frozenset({"-", "—", "——", "–", "－", "/", "／", "\\", "无", "…", "...", "×"})


def is_unit_row(cells: Sequence[Any]) -> bool:
    """A row of units under the labels (``计量单位 | — | — | 平方米 | 元``): every cell a unit,
    its title (单位, 计量单位) or a mark for "no unit", and at least one unit."""
    texts = [str(v).strip() for v in cells if v is not None and str(v).strip()]
    texts = [t for t in texts if normalise_header(t) not in ("单位", "计量单位")
             and t not in _NO_UNIT_MARKS]
    return bool(texts) and all(parse_unit(t) is not None for t in texts)


def find_header(rows: Sequence[Sequence[Any]], merged: Sequence[tuple[int, int, int, int]] = (),
                hidden_cols: set[int] | frozenset[int] = frozenset(),
                overrides: Mapping[int, str | None] | None = None,
                kind: str | None = None) -> Header | None:
    """The header block among the first 15 rows: the label row that names the most catalogue
    fields (labels merged down from a group row count). A sheet is a project sheet when it
    names 新上项目名称, an enterprise sheet when it names 企业名称 or 统一社会信用代码 and at
    least two other fields. ``overrides`` (column → field id, or ``None`` for "do not use")
    are the user's own choices and win over what the header says."""
    limit = min(len(rows), HEADER_SEARCH_ROWS)
    merges = _merge_map(merged, limit + 2)
    best: tuple[int, str, int] | None = None  # (score, kind, row)
    for r in range(limit):
        width = max((len(rows[r]) for r in range(max(0, r - 1), min(len(rows), r + 1))),
                    default=0)
        for k in ((kind,) if kind else (PROJECT, ENTERPRISE)):
            fids = {f for c in range(width)
                    if (f := read_header(_label(rows, merges, r, c), k).field)}
            if overrides:
                fids |= {f for f in overrides.values() if f}
            if k == PROJECT and "project_name" not in fids:
                continue
            if k == ENTERPRISE and not ({"name", "credit_code"} & fids and len(fids) >= 3):
                continue
            if best is None or len(fids) > best[0]:
                best = (len(fids), k, r)
    if best is None:
        return None
    _, k, r = best
    return _build(rows, merges, r, k, hidden_cols, overrides or {})


def _build(rows: Sequence[Sequence[Any]], merges: Mapping, r: int, kind: str,
           hidden_cols: set[int] | frozenset[int], overrides: Mapping[int, str | None]) -> Header:
    catalogue = FIELDS[kind]
    width = max(len(rows[r]), len(rows[r - 1]) if r > 0 else 0)
    unit_row = r + 1 if r + 1 < len(rows) and is_unit_row(rows[r + 1]) else None
    header = Header(kind, r, (unit_row if unit_row is not None else r) + 1, {}, {},
                    unit_row=unit_row)
    if unit_row is not None:
        header.notes.append(f"第 {unit_row + 1} 行是单位行，表头未写单位的列按它读取")
    line_units: dict[str, Unit] = {}
    for above in range(r):
        for v in rows[above]:
            if isinstance(v, str) and "单位" in v and (found := _unit_line(v)):
                line_units.update(found)
                header.notes.append(f"第 {above + 1} 行的单位说明“{v.strip()}”用于未注明单位的列")
    candidates: list[Column] = []
    grouped = _is_group_row(rows, merges, r)
    for c in range(width):
        label = _label(rows, merges, r, c)
        group = _group(rows, merges, r, c) if grouped else ""
        unit_cell = _text(rows, unit_row, c) if unit_row is not None else ""
        if not label:
            if not overrides.get(c):
                continue  # an empty header (a group title over it alone maps nothing)
            label = group or column_letter(c)
        text = f"{group} / {label}" if group and group != label else label
        col = Column(c, text.replace("\n", ""), IGNORED, hidden=c in hidden_cols)
        candidates.append(col)
        _read_column(col, label, group, unit_cell, line_units, kind, catalogue, overrides)
    header.layout = hashlib.sha1("\x1f".join(
        f"{c.index}:{normalise_header(c.text)}" for c in candidates).encode()).hexdigest()[:16]
    _resolve(header, candidates, catalogue)
    header.report = candidates
    return header


def _read_column(col: Column, label: str, group: str, unit_cell: str,
                 line_units: Mapping[str, Unit], kind: str, catalogue: Mapping[str, Field],
                 overrides: Mapping[int, str | None]) -> None:
    base = normalise_header(label)
    if base in OWN_COLUMNS:
        col.reason = "本程序错误报告添加的说明列，不是数据"
        return
    rd = read_header(label, kind)
    if rd.field is None and group:
        combined = read_header(f"{group}{label}", kind)  # 用电量 under 项目 …
        if combined.field is not None:
            rd = combined
    user = col.index in overrides
    if user:
        col.chosen_by_user = True
        if overrides[col.index] is None:
            col.reason = "用户指定不导入此列"
            return
        rd.field = overrides[col.index]
        rd.energy_basis_missing = False
    if rd.field is None:
        if rd.energy_basis_missing:
            col.reason = ("表头没有写明是等价值还是当量值，本程序不猜测；请在导入页指定"
                          "“综合能耗（等价值）”或“综合能耗（当量值）”")
            col.status = REFUSED
            return
        col.reason = "不是本程序使用的数据项"
        col.suggestion = _suggest(rd.base or base, kind)
        return
    if rd.unit is None and (m := _SUFFIX.search(normalise_header(label))):
        rd.unit = parse_unit(m[1])  # 实缴税金（万元） names its field whole, unit and all
    fid = rd.field
    year, rel = rd.year, rd.relative
    gy, grel = _year_tag(group) if group else (None, None)
    year, rel = year or gy, rel or grel
    if rel in ("prev", "prev2"):
        sibling = f"{fid}_{rel}"
        if sibling in catalogue:
            fid = sibling
        else:
            col.reason = (f"“{catalogue[fid].label}”的{'上年' if rel == 'prev' else '前年'}数据；"
                          "本程序只使用数据年度当年的数字")
            return
    f = catalogue[fid]
    col.field, col.year = fid, year
    if not f.is_numeric or not f.unit:
        col.status = MAPPED
        return
    unit, where = rd.unit, "表头"
    below = parse_unit(unit_cell) if unit_cell else None
    if unit is not None and below is not None and below != unit:
        col.status, col.field = REFUSED, None
        col.reason = (f"表头写单位“{unit.name}”，单位行写“{below.name}”，两者不一致："
                      "请核对这一列的单位，改正其中一处后再导入")
        return
    if unit is None and unit_cell:
        unit, where = below, "单位行"
    if unit is None and group:
        unit, where = _group_unit(group), "分组标题"
    target = parse_unit(f.unit)
    if unit is None and target is not None and target.dimension in line_units:
        unit, where = line_units[target.dimension], "单位说明行"
    if unit is None:
        if rd.unit_text:
            col.status, col.reason = REFUSED, f"不认识表头中的单位“{rd.unit_text}”"
            col.field = None
            return
        col.status = MAPPED
        if target is not None:
            col.conversion = conversion(target, f.unit)
        return
    conv = conversion(unit, f.unit)
    if conv is None:
        col.status = REFUSED
        col.reason = (f"{where}的单位“{unit.name}”不能换算为“{f.label}”的单位“{f.unit}”"
                      "（请核对这一列是什么数据）")
        col.field = None
        return
    col.status, col.conversion, col.unit_from = MAPPED, conv, where


def _group_unit(group: str) -> Unit | None:
    m = _SUFFIX.search(normalise_header(group))
    return parse_unit(m[1]) if m else None


def _suggest(base: str, kind: str) -> str:
    if len(base) < 2:
        return ""
    names = NAMES[kind]
    close = difflib.get_close_matches(base, list(names), n=1, cutoff=0.6)
    if not close:
        return ""
    return FIELDS[kind][names[close[0]]].label


def _resolve(header: Header, cols: list[Column], catalogue: Mapping[str, Field]) -> None:
    """One column per field, or per field and year: a year tag picks the row's 数据年度, a
    visible column beats a hidden one, and any other pair is a conflict naming both."""
    by_field: dict[str, list[Column]] = {}
    for c in cols:
        if c.status == MAPPED and c.field:
            by_field.setdefault(c.field, []).append(c)
    for fid, group in by_field.items():
        plain = [c for c in group if c.year is None]
        tagged = [c for c in group if c.year is not None]
        years: dict[int, Column] = {}
        for c in tagged:
            if c.year in years:
                _conflict(years[c.year], c, catalogue[fid])
            else:
                years[c.year] = c  # type: ignore[index]
        if years:
            header.year_columns[fid] = {y: c.index for y, c in years.items() if c.status == MAPPED}
        user = [c for c in plain if c.chosen_by_user]
        if len(plain) > 1 and len(user) == 1:
            for c in plain:
                if c is not user[0]:
                    c.status, c.reason = IGNORED, f"用户已指定 {user[0].letter} 列作为“{catalogue[fid].label}”"
            plain = user
        if len(plain) > 1:
            visible = [c for c in plain if not c.hidden]
            if len(visible) == 1:
                for c in plain:
                    if c.hidden:
                        c.status = IGNORED
                        c.reason = (f"隐藏列，与可见的 {visible[0].letter} 列“{visible[0].text}”"
                                    "重复，使用可见的列")
                plain = visible
            else:
                for c in plain[1:]:
                    _conflict(plain[0], c, catalogue[fid])
                plain = []
        if plain:
            header.columns[fid] = plain[0].index
            header.titles[fid] = plain[0].text
        elif header.year_columns.get(fid):
            first = min(header.year_columns[fid].items())[1]
            header.titles[fid] = next(c.text for c in cols if c.index == first)
    header.conversions = {c.index: c.conversion for c in cols
                          if c.status == MAPPED and c.conversion is not None}


def _conflict(a: Column, b: Column, f: Field) -> None:
    for one, other in ((a, b), (b, a)):
        one.status = CONFLICT
        one.reason = (f"与 {other.letter} 列“{other.text}”都对应“{f.label}”，无法确定使用哪一列，"
                      "两列都未导入；请删除其中一列，或在导入页指定")

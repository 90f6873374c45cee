"""The park summary a county official tables at a meeting: who was assessed (place, data year,
profile in words), the class distribution per cohort, and the lists someone acts on — D-class
firms with their reasons and what lifts them, firms with rectification signs, green-channel
projects, SME candidates and those one criterion short, digital-factory candidates, the
工业碳效 (firms by grade and level, how the industry averages were obtained, the firms of the
highest carbon intensity), firms not graded and why, rejected import rows by firm — then
breakdowns by place and industry, a sign-off block, the ranked list per cohort as an annex, and
the profile's check code last.

A summary is gathered one result at a time (no trees kept), from a fresh import
(``ParkSummary.add`` with each ``EnterpriseResult``, ``reject_rows`` with the rows the import
refused) or from stored results (``add_stored``: the desktop's 结果一览). Stored results do not
hold the rows an import refused; the summary says so instead of printing 0."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from desktop.reports.layout import (
    CLASS_COLOURS,
    FONT,
    MARGINS,
    TEXT_WIDTH,
    build,
    esc,
    numbered_canvas,
    para,
    styles,
    table,
)
from forms.firm import SAMPLE_NOTE
from forms.headers import PROJECT
from forms.store import SAMPLE
from rules.assess import DISCLAIMER, EnterpriseResult
from rules.assessments import carbon as carbon_rules
from rules.assessments.digital import RECOGNITIONS
from rules.assessments.green_channel import VERDICTS
from rules.assessments.mujun import (
    ABOVE,
    BELOW,
    BELOW_SMALL,
    COHORT_LABELS,
    DEFERRED,
    EXCLUDED,
    GRADED,
    OUT,
    TENANT,
    UNGROUPED,
)
from rules.assessments.rectification import REASON_TEXTS
from rules.assessments.sme import TIER_NAMES, TIERS
from rules.catalogue import label
from rules.indicators import INDICATOR_UNITS, INDICATORS
from rules.industry import lookup
from rules.schema import INDICATOR_NAMES, RATIO
from rules.wording import num, profile_title, project_intensity, regrade_words, signed

LIST_LIMIT = 200  # rows listed per section; the results workbook has them all
RANK_LIMIT = 1000  # rows of one cohort's ranked list (a county of 20,000 firms: ≈ 30 pages)
CLASSES = ("A", "B", "C", "D")
UNCLASSED, UNGRADED = "未分类", "不计分"  # scored without a class; not scored at all
FROM_STORE = "导入被拒的行未记录（汇总由已存结果生成）"
NO_PLACE = "（未填）"
LEVELS = carbon_rules.LEVELS  # 低 中 高
NO_GRADE, NO_LEVEL = "未定级", "无法计算"  # a level without a grade; no intensity at all
CARBON_ROWS = (*(f"{g} 级" for g in range(1, 6)), NO_GRADE, NO_LEVEL)
LEVEL_COLOURS = {"低": "#1B7F3B", "中": "#4C7DB8", "高": "#B42318"}
CARBON_TOP = 10  # the firms of the highest carbon intensity listed
CARBON_NOTE = "碳效："  # how the rules start a note about carbon (said in its own part)


class Stored:
    """A stored result summary (``EnterpriseResult.to_json(trees=False)``, the ``results``
    table) read as the summary reads an ``EnterpriseResult``, with the firm's place and
    industry from its record (``Store.stored_summaries``' identity) and its ranking pool."""

    def __init__(self, stored: dict[str, Any], identity: dict[str, Any] | None = None,
                 pool: str | None = None):
        ident = identity or {}
        self.mujun, self.sme = stored["mujun"], stored["sme"]
        self.rectification, self.green_channel = stored["rectification"], stored["green_channel"]
        self.digital = stored.get("digital")  # None: not stored, said as such
        self.carbon = stored.get("carbon")  # None: stored before 碳效 was assessed
        self.notes = stored.get("notes", [])
        self.sample = pool == SAMPLE
        self.record = SimpleNamespace(
            name=stored["name"], credit_code=stored["credit_code"], year=stored.get("year"),
            county=ident.get("county"), park=ident.get("park"),
            industry_code=ident.get("industry_code"))


# A ranking pool: (cohort, sample firm, industry group or None). Sample firms rank only among
# themselves; a county that ranks inside industry groups ranks each group on its own.
Pool = tuple[str, bool, str | None]


@dataclass
class Firm:
    """What the lists need of one firm (a few values, not its result)."""

    name: str
    code: str
    group: Pool
    klass: str | None
    score: float | None
    rank: int | None
    population: int | None
    values: dict[str, float | None]
    initial: str | None = None  # 初评等级, when a regrade changed it
    adjust: float | None = None  # the 加减分 total, when the county has 加减分 items


def _industry_group(name: str | None) -> str:
    if not name:
        return ""
    return "未列入行业组" if name == UNGROUPED else f"{name}行业组"


def _group_label(group: Pool, mixed: bool) -> str:
    """A cohort by its name (and industry group); sample firms marked when real ones are in the
    summary too."""
    cohort, sample, industry = group
    return (COHORT_LABELS.get(cohort, cohort)
            + (f"·{_industry_group(industry)}" if industry else "")
            + ("（示例企业，单独排名）" if sample and mixed else ""))


COHORT_ORDER = (ABOVE, BELOW, BELOW_SMALL, TENANT, DEFERRED, EXCLUDED, OUT)


def _group_order(group: Pool) -> tuple[bool, int, bool, str]:
    cohort, sample, industry = group
    return (sample, COHORT_ORDER.index(cohort) if cohort in COHORT_ORDER else len(COHORT_ORDER),
            industry == UNGROUPED, industry or "")


def _unit_words(unit: str) -> str:
    return "%" if unit == RATIO else unit


def _indicator_unit(i: str) -> str:
    return INDICATOR_UNITS[i]


def _weakest(cohort: str, indicators: dict[str, dict[str, Any]], n: int = 2) -> str:
    """The indicators furthest below their benchmark, as “亩均税收 1.94 万元/亩（基准值的 8.0%）”."""
    scored = [(x["ratio"], i, x) for i, x in indicators.items()
              if x.get("ratio") is not None and x.get("weight") and not x.get("imputed")]
    parts = []
    for ratio, i, x in sorted(scored, key=lambda t: t[0])[:n]:
        unit = _indicator_unit(i)
        parts.append(f"{INDICATOR_NAMES[i]} {num(x['value'], unit, 2 if unit != RATIO else 4)}"
                     f"（基准值的 {ratio * 100:.1f}%）")
    return "；".join(parts) or "—"


def _lift(m: dict[str, Any]) -> str:
    """The smallest single changes that lift a firm one class, from its stored lift."""
    lift = m.get("lift") or {}
    moves = [f"{label(f['field'])}增加 {f['delta']:,.2f} 万元"
             for f in (lift.get("fields") or {}).values()]
    if not moves:
        return "—"
    return f"升至 {lift['target_class']} 类：" + "，或".join(moves)


@dataclass
class Counts:
    """Firms of one place or industry by class, and how many show rectification signs."""

    by: dict[str, int] = field(default_factory=dict)
    flagged: int = 0

    def add(self, key: str, flagged: bool) -> None:
        self.by[key] = self.by.get(key, 0) + 1
        self.flagged += flagged

    @property
    def total(self) -> int:
        return sum(self.by.values())


@dataclass
class ParkSummary:
    """What the summary shows, gathered one result at a time.

    ``profile`` is the ``Profile`` (its words and class names print) or its ``identity()``
    dict. ``title`` replaces the title made from the firms' place and data year (it gets the
    data year added when it does not name it); ``place`` names the park or county when the
    caller knows it better than the firms' own county and park (a filter on 结果一览);
    ``note`` says under the title which firms are included (“按当前筛选：120 / 273 家”);
    ``issuer`` fills 编制单位 in the sign-off block."""

    profile: Any
    as_of: date
    title: str | None = None
    place: str = ""
    issuer: str = ""
    note: str = ""
    firms: int = 0
    years: set[int] = field(default_factory=set)
    cohorts: dict[str, dict[str, int]] = field(default_factory=dict)  # every firm, by cohort
    lowest: dict[Pool, dict[str, float]] = field(default_factory=dict)
    sums: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    ranked: dict[Pool, list[Firm]] = field(default_factory=dict)
    # (cohort, industry group) → firms by class, when the county ranks inside industry groups
    industry_groups: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    regraded: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    regraded_total: int = 0
    d_class: list[tuple] = field(default_factory=list)
    flagged: list[tuple[str, str, str, str]] = field(default_factory=list)
    flagged_total: int = 0
    projects: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    project_total: int = 0
    project_eligible: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    tier_firms: dict[str, list[str]] = field(default_factory=dict)
    one_short: list[tuple[str, str, str, str]] = field(default_factory=list)
    one_short_total: int = 0
    digital: dict[str, int] = field(default_factory=dict)
    digital_firms: list[tuple[str, str]] = field(default_factory=list)  # name, top recognition
    digital_top: dict[str, int] = field(default_factory=dict)
    digital_known: int = 0  # results that carry the digital assessment
    not_graded: list[tuple[str, str, str, str]] = field(default_factory=list)
    rejected: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    rejected_total: int = 0
    from_store: bool = False  # the rows an import refused are not known
    samples: int = 0
    counties: dict[str, Counts] = field(default_factory=dict)
    parks: dict[str, Counts] = field(default_factory=dict)
    industries: dict[str, Counts] = field(default_factory=dict)
    located: int = 0  # firms whose county, park or industry is known
    notes: dict[str, int] = field(default_factory=dict)  # benchmarks of another year … → firms
    # 工业碳效: grade row (CARBON_ROWS) → level (or NO_LEVEL) → firms; results carrying it
    carbon_grid: dict[str, dict[str, int]] = field(default_factory=dict)
    carbon_known: int = 0
    carbon_basis: dict[str, int] = field(default_factory=dict)  # graded firms by basis
    # (data year, division) → [industry average, basis, firms it was computed from, firms here]
    carbon_averages: dict[tuple[Any, int], list[Any]] = field(default_factory=dict)
    carbon_no_average: dict[str, int] = field(default_factory=dict)  # division words → firms
    carbon_unknown: dict[str, int] = field(default_factory=dict)  # why no intensity → firms
    carbon_factor_years: dict[int, int] = field(default_factory=dict)  # electricity factor
    carbon_notes: dict[str, int] = field(default_factory=dict)
    carbon_top: list[tuple] = field(default_factory=list)  # a heap of the highest intensities
    _class_names: dict[str, str] | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ gathering

    def add(self, r: EnterpriseResult | Stored, sample: bool | None = None) -> None:
        """One firm's result: an ``EnterpriseResult`` of an import, or a stored one
        (``Stored``; any other stand-in without a record marks the summary as made from
        stored results too). ``sample`` marks a firm of the sample park (also read from
        ``Stored`` and from the result's notes)."""
        m, rec = r.mujun, r.record
        if not isinstance(r, EnterpriseResult):
            self.from_store = True
        if sample is None:
            sample = bool(getattr(r, "sample", False)) or SAMPLE_NOTE in r.notes
        self.firms += 1
        self.samples += sample
        year = getattr(rec, "year", None)
        if year is not None:
            self.years.add(year)
        for note in r.notes:
            if note.startswith(CARBON_NOTE):  # said in the part on 碳效
                self.carbon_notes[note] = self.carbon_notes.get(note, 0) + 1
            elif note != SAMPLE_NOTE:  # said once in the title area
                self.notes[note] = self.notes.get(note, 0) + 1
        name, code = rec.name or "（未填企业名称）", rec.credit_code or ""
        cohort, klass, score = m["cohort"], m["class"], m["score"]
        group = (cohort, sample, m.get("group"))
        key = klass or (UNCLASSED if m["status"] == "scored" else UNGRADED)
        counts = self.cohorts.setdefault(cohort, {})
        counts[key] = counts.get(key, 0) + 1
        if m.get("group"):
            by = self.industry_groups.setdefault((cohort, m["group"]), {})
            by[key] = by.get(key, 0) + 1
        if m.get("regrade"):
            self.regraded_total += 1
            self._keep(self.regraded, (name, COHORT_LABELS.get(cohort, cohort),
                                       m.get("initial_class") or "", klass or "",
                                       regrade_words(m).split("，", 1)[-1]))
        if klass in CLASSES and score is not None:
            low = self.lowest.setdefault(group, {})
            low[klass] = min(low.get(klass, score), score)
        if m["status"] == "scored":
            for i, x in m["indicators"].items():
                if x["value"] is not None and not x.get("imputed"):
                    s = self.sums.setdefault(cohort, {}).setdefault(i, [0.0, 0])
                    s[0] += x["value"]
                    s[1] += 1
            adjust = m.get("adjustments") or []
            self.ranked.setdefault(group, []).append(Firm(
                name, code, group, klass, score, m.get("rank"), m.get("population"),
                {i: x["value"] for i, x in m["indicators"].items()},
                m.get("initial_class") if m.get("regrade") else None,
                sum(a["points"] or 0.0 for a in adjust) if adjust else None))
        else:
            missing = "、".join(label(f) for f in m.get("missing") or [])
            self._keep(self.not_graded, (name, COHORT_LABELS.get(cohort, cohort), m["reason"],
                                         missing or "—"))
        if klass == "D":
            self.d_class.append((group, score or 0.0, name, code, _weakest(cohort, m["indicators"]),
                                 _lift(m)))
        rect = r.rectification
        if rect["flagged"]:
            self.flagged_total += 1
            self._keep(self.flagged, (name, code, f"{klass} 类" if klass else "未分类",
                                      "、".join(REASON_TEXTS[x] for x in rect["reasons"])))
        for g in r.green_channel:
            self.project_total += 1
            self.project_eligible += g["eligible"] is True
            self._keep(self.projects, (name, g["project"] or "（未命名项目）", project_intensity(g),
                                       VERDICTS[g["eligible"]],
                                       "；".join(g.get("reason_texts") or []) or "—"))
        self._sme(r.sme, name)
        digital = getattr(r, "digital", None)
        if digital is not None:
            self.digital_known += 1
            self._digital(digital, name)
        c = getattr(r, "carbon", None)
        if c:  # a result stored before 碳效 was assessed has none
            self._carbon(c, name, rec)
        self._place(rec, key, bool(rect["flagged"]))

    def _keep(self, rows: list, row: tuple) -> None:
        if len(rows) < LIST_LIMIT:
            rows.append(row)

    def _sme(self, s: dict[str, Any], name: str) -> None:
        tier = s["tier"]
        self.tiers[tier] = self.tiers.get(tier, 0) + 1
        if tier != "none":
            self._keep(self.tier_firms.setdefault(tier, []), name)
        nxt, criteria = s.get("next_tier"), s.get("criteria") or []
        if nxt and len(criteria) == 1:
            self.one_short_total += 1
            self._keep(self.one_short, (name, TIER_NAMES[tier], TIER_NAMES[nxt], criteria[0]))

    def _digital(self, d: dict[str, Any], name: str) -> None:
        eligible = d.get("eligible") or []
        for k in eligible:
            self.digital[k] = self.digital.get(k, 0) + 1
        if eligible:
            top = max(eligible, key=list(RECOGNITIONS).index)
            self.digital_top[top] = self.digital_top.get(top, 0) + 1
            self._keep(self.digital_firms, (name, top))

    def _carbon(self, c: dict[str, Any], name: str, rec: Any) -> None:
        self.carbon_known += 1
        level, grade = c["level"], c["grade"]
        row = f"{grade} 级" if grade is not None else NO_GRADE if level else NO_LEVEL
        cells = self.carbon_grid.setdefault(row, {})
        cells[level or NO_LEVEL] = cells.get(level or NO_LEVEL, 0) + 1
        year = c.get("electricity_factor_year")
        if year is not None:
            self.carbon_factor_years[year] = self.carbon_factor_years.get(year, 0) + 1
        division = c.get("division")
        if grade is not None:
            basis = c["basis"]
            self.carbon_basis[basis] = self.carbon_basis.get(basis, 0) + 1
            avg = self.carbon_averages.setdefault(
                (getattr(rec, "year", None), division),
                [c["industry_average"], basis, c.get("industry_firms"), 0])
            avg[3] += 1
        elif level:
            words = _division_words(division)
            self.carbon_no_average[words] = self.carbon_no_average.get(words, 0) + 1
        else:
            why = c.get("reason") or "数据不全"
            self.carbon_unknown[why] = self.carbon_unknown.get(why, 0) + 1
        if c.get("intensity") is not None:
            item = (c["intensity"], self.carbon_known, name, _division_words(division), level,
                    grade, c.get("k"))
            if len(self.carbon_top) < CARBON_TOP:
                heapq.heappush(self.carbon_top, item)
            else:
                heapq.heappushpop(self.carbon_top, item)

    def _place(self, rec: Any, key: str, flagged: bool) -> None:
        county, park = getattr(rec, "county", None), getattr(rec, "park", None)
        code = getattr(rec, "industry_code", None)
        if county is None and park is None and code is None:
            return
        self.located += 1
        self.counties.setdefault(county or NO_PLACE, Counts()).add(key, flagged)
        self.parks.setdefault(park or NO_PLACE, Counts()).add(key, flagged)
        found = lookup(code[:2]) if code else None
        division = f"{found.division} {found.division_name}" if found else \
            (f"{code}（代码无法识别）" if code else NO_PLACE)
        self.industries.setdefault(division, Counts()).add(key, flagged)

    def add_stored(self, stored: dict[str, Any], identity: dict[str, Any] | None = None,
                   pool: str | None = None) -> None:
        """A stored result (``Store.stored_summaries`` gives the summary and the identity;
        the pool is the last column of ``Store.browse``)."""
        self.add(Stored(stored, identity, pool))

    def reject(self, sheet: str, row: int, reason: str, name: str | None = None,
               code: str | None = None) -> None:
        """A row the import refused, with the firm's name and code as far as they were read."""
        self.rejected_total += 1
        self._keep(self.rejected, (sheet, row, name or "（未能读出）", code or "", reason))

    def reject_rows(self, rows: Iterable[Any], names: dict[str, str] | None = None) -> None:
        """The refused rows of an import (``ImportResult.invalid``), each with the firm's name
        and code: the checked value, else the cell as written. A refused project row names its
        project and, through ``names`` (credit code → firm name, say ``firm_names(imp)``),
        its firm."""
        for row in rows:
            code = _given(row, "credit_code")
            name = _given(row, "name")
            if row.kind == PROJECT:
                firm = (names or {}).get(code or "") or "企业"
                name = f"{firm}的新上项目“{_given(row, 'project_name') or '未命名'}”"
            self.reject(row.sheet, row.row, "；".join(
                f"{e.column}：{e.message}" for e in row.checked.errors), name, code)

    def reject_import(self, imported: Any) -> None:
        """Every row an import refused (``ImportResult``), named by firm."""
        self.reject_rows(imported.invalid, firm_names(imported))

    # ------------------------------------------------------------------ words

    @property
    def profile_words(self) -> str:
        p = self.profile
        if isinstance(p, dict):
            return p.get("name") or profile_title(p["id"])
        return p.name or profile_title(p.id)

    @property
    def mixed(self) -> bool:
        """Sample firms and real ones together (each ranked among its own kind)."""
        return 0 < self.samples < self.firms

    @property
    def identity(self) -> dict[str, str]:
        return self.profile if isinstance(self.profile, dict) else self.profile.identity()

    def class_names(self) -> dict[str, str]:
        """The profile's words for the classes (优先发展类 …): from the ``Profile``, or, given
        its identity only, from the profile of that id when its content hash matches."""
        if self._class_names is None:
            p = self.profile
            if isinstance(p, dict):
                p = p.get("class_names") or _profile_of(p["id"], p["sha256"])
            if isinstance(p, dict) or p is None:
                self._class_names = dict(p or {})
            else:
                from rules.engine import Ctx

                try:
                    self._class_names = dict(Ctx(p, self.as_of).v("mujun.class_names") or {})
                except (KeyError, LookupError):
                    self._class_names = {}
        return self._class_names

    def year_words(self) -> str:
        return "、".join(str(y) for y in sorted(self.years)) + " 年度" if self.years else ""

    def where(self) -> str:
        """The place the firms share: the caller's, else one county (and park), else none."""
        if self.place:
            return self.place
        counties = [c for c in self.counties if c != NO_PLACE]
        parks = [p for p in self.parks if p != NO_PLACE]
        if len(counties) == 1 and NO_PLACE not in self.counties:
            return counties[0] + (parks[0] if len(parks) == 1 and NO_PLACE not in self.parks
                                  else "")
        return ""

    def heading(self) -> str:
        if self.title:
            years = [str(y) for y in self.years]
            return self.title if all(y in self.title for y in years) or not years else \
                f"{self.title}（{self.year_words()}）"
        return f"{self.where()}{self.year_words()}工业企业亩均效益评价汇总"


def _profile_of(profile_id: str, sha256: str) -> Any:
    """The profile ``profile_id`` when it is the one hashed ``sha256`` (else None)."""
    from rules.profile import ProfileError, load

    try:
        profile = load(profile_id)
    except (ProfileError, OSError):
        return None
    return profile if profile.sha256 == sha256 else None


def _division_words(division: int | None) -> str:
    """An industry division as “17 纺织业” (its number alone when not in the classification)."""
    if division is None:
        return "行业代码未填或无法识别"
    found = lookup(f"{division:02d}")
    return f"{division:02d} {found.division_name}" if found else f"{division:02d}"


def firm_names(imported: Any) -> dict[str, str]:
    """Credit code → firm name of every enterprise row an import read (``ImportResult``)."""
    return {c: n for r in imported.enterprises
            if (c := _given(r, "credit_code")) and (n := _given(r, "name"))}


def _given(row: Any, fid: str) -> str | None:
    """A refused row's value of ``fid``: checked, else the raw cell (what the person wrote)."""
    if fid in row.checked.values:
        v = row.checked.values[fid]
        return None if v is None else str(v)
    c = row.columns.get(fid)
    if c is None or c >= len(row.cells) or row.cells[c] in (None, ""):
        return None
    return str(row.cells[c])


# ---------------------------------------------------------------------- the document

SHORT_COHORT = {ABOVE: "规上", BELOW: "规下", BELOW_SMALL: "规下不足3亩", TENANT: "无自有用地"}


def _h(text: str, level: str = "h1") -> list[Any]:
    """A heading that starts a new page only when too little room is left under it (a
    heading kept with a whole table would push the table to the next page, leaving a gap)."""
    base = styles()[level]
    style = ParagraphStyle(f"{base.name}-free", parent=base, keepWithNext=0)
    return [CondPageBreak(45 * mm if level == "h1" else 30 * mm), Paragraph(esc(text), style)]


def _small_styles() -> dict[str, ParagraphStyle]:
    cell = styles()["cell"]
    small = ParagraphStyle("rank", parent=cell, fontSize=7.5, leading=9.5)
    return {"cell": small, "num": ParagraphStyle("rank-num", parent=small, alignment=TA_RIGHT),
            "head": ParagraphStyle("rank-head", parent=styles()["cellhead"], fontSize=7.5,
                                   leading=9.5)}


def _figure(v: float | None, unit: str) -> str:
    """An indicator value for a column whose header carries the unit (a ratio as %), with
    fewer decimals as it grows, so that a narrow column holds it on one line."""
    if v is None:
        return "未知"
    x = v * 100 if unit == RATIO else v
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.1f}" if abs(x) >= 100 else f"{x:,.2f}"


def _chart_name(cohort: str) -> str:
    """A cohort under its bars: 规上企业, 规下企业; a longer short name alone (they would touch)."""
    short = SHORT_COHORT.get(cohort, COHORT_LABELS.get(cohort, cohort))
    return short + "企业" if len(short) <= 2 else short


def _bars(height: float, data: list[list[int]], names: list[str], fills: list[str],
          legend: list[str], label_format: Any, columns: int | None = None) -> Drawing:
    """The summary's grouped bar chart: one series per colour (``fills``, named in the legend
    at the right), one group per name, each bar labelled with its count."""
    d = Drawing(TEXT_WIDTH, height + 16 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, TEXT_WIDTH - 60 * mm, height
    chart.data = data
    chart.categoryAxis.categoryNames = names
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    for n, fill in enumerate(fills):
        chart.bars[n].fillColor = colors.HexColor(fill)
        chart.bars[n].strokeColor = None
    chart.barLabelFormat = label_format
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    d.add(chart)
    key = Legend()
    key.x, key.y = TEXT_WIDTH - 40 * mm, height + 6 * mm
    key.fontName, key.fontSize = FONT, 8
    if columns is not None:
        key.columnMaximum = columns
    key.colorNamePairs = [(colors.HexColor(f), t) for f, t in zip(fills, legend, strict=True)]
    d.add(key)
    return d


def _class_chart(s: ParkSummary, cohorts: list[str]) -> Drawing:
    names = s.class_names()
    return _bars(42 * mm, [[s.cohorts[c].get(k, 0) for c in cohorts] for k in CLASSES],
                 [_chart_name(c) for c in cohorts], [CLASS_COLOURS[k] for k in CLASSES],
                 [f"{k} 类" + (f"（{names[k]}）" if k in names else "") for k in CLASSES], "%d",
                 columns=4)


def _title_area(s: ParkSummary) -> list[Any]:
    st = styles()
    p = s.identity
    out: list[Any] = [
        Paragraph(esc(s.heading()), st["title"]),
        Paragraph(esc(f"评价办法：{s.profile_words}（版本 {p['version']}）") + "<br/>"
                  + esc(f"评估日期 {s.as_of.isoformat()} · 企业自评估算汇总"), st["subtitle"]),
    ]
    if s.note:
        out.append(Paragraph(esc(f"范围说明：{s.note}"), st["base"]))
    if s.located:
        counties = [c for c in s.counties if c != NO_PLACE]
        parks = [x for x in s.parks if x != NO_PLACE]
        out.append(Paragraph(esc(f"范围：{s.firms:,} 家企业，分布在 {len(counties)} 个县（市、区）、"
                                 f"{len(parks)} 个园区/街道。"), st["base"]))
    if s.samples:
        what = ("本汇总的企业全部是示例园区的企业（合成数据），仅供演示，不是真实企业的评价结果。"
                if s.samples == s.firms else
                f"本汇总含 {s.samples:,} 家示例园区的企业（合成数据）：它们只在示例企业之间排名，"
                "不是真实企业的评价结果。")
        out.append(Paragraph(f'<font color="#B42318">※ {esc(what)}</font>', st["base"]))
    graded = sum(v for c in s.cohorts.values() for k, v in c.items() if k in CLASSES)
    d = sum(c.get("D", 0) for c in s.cohorts.values())
    rejected = "未记录（汇总由已存结果生成）" if s.from_store else f"{s.rejected_total:,} 行"
    high = sum(c.get("高", 0) for c in s.carbon_grid.values())
    fifth = sum(s.carbon_grid.get("5 级", {}).values())
    out += [
        Spacer(1, 2 * mm),
        table([["评价企业", f"{s.firms:,} 家", "参加分类", f"{graded:,} 家"],
               ["D 类企业", f"{d:,} 家", "存在高耗低效整治情形", f"{s.flagged_total:,} 家"],
               ["新上项目", f"{s.project_total:,} 个（可享受绿色通道 {s.project_eligible:,} 个）",
                "导入时被拒绝的行", rejected],
               *([["碳效“高”", f"{high:,} 家（碳效等级为“高”）", "碳效级别 5 级", f"{fifth:,} 家"]]
                 if s.carbon_known else [])],
              [22 * mm, 52 * mm, 34 * mm, 48 * mm], head=False),
        *([Paragraph(esc(f"其中 {s.regraded_total:,} 家企业的分类经过调档，各类企业数按调档后的等级计"
                          "（名单见第一部分）。"), st["base"])] if s.regraded_total else []),
        *[Paragraph(esc(f"※ 注意：{note}（{n:,} 家）"), st["base"]) for note, n in s.notes.items()],
        Paragraph(esc(DISCLAIMER), st["note"]),
    ]
    return out


def _distribution(s: ParkSummary) -> list[Any]:
    st = styles()
    out: list[Any] = _h("一、分组与分类")
    keys = [*CLASSES, UNCLASSED, UNGRADED]
    names = s.class_names()
    rows = [["分组", *[f"{k} 类" + (f"\n{names[k]}" if k in names else "") for k in CLASSES],
             UNCLASSED, UNGRADED, "合计"]]
    cohorts = sorted(s.cohorts, key=lambda c: _group_order((c, False, None)))
    for c in cohorts:
        counts = s.cohorts[c]
        total = sum(counts.values())
        rows.append([COHORT_LABELS.get(c, c), *[_share(counts.get(k, 0), total) for k in keys],
                     str(total)])
    out.append(table(rows, [34 * mm] + [18 * mm] * 6 + [14 * mm], zebra=True))
    out.append(Paragraph("每格为企业数及其占本组企业的比例。“未分类”：已计分但没有可用的排名或得分线；"
                         "“不计分”：不在评价范围、参评但不分类" + ("、缓评" if DEFERRED in s.cohorts else "")
                         + "或数据不全（见第九部分）。"
                         + ("各类按调档后的等级计数。" if s.regraded_total else ""), st["small"]))
    charted = [c for c in cohorts if any(s.cohorts[c].get(k) for k in CLASSES)]
    if charted:
        out += [Spacer(1, 2 * mm), _class_chart(s, charted)]
    if s.industry_groups:
        out += _by_industry_group(s, keys)
    if s.regraded_total:
        out += _listing("调档的企业", ["企业名称", "分组", "初评", "调档后", "调档理由"],
                        [(n, c, f"{a} 类", f"{b} 类", why) for n, c, a, b, why in s.regraded],
                        s.regraded_total, [40 * mm, 30 * mm, 12 * mm, 14 * mm, 60 * mm],
                        note=f"{s.regraded_total:,} 家企业的分类经过调档（按本县调档规则或园区人工调档），"
                             "上表各类按调档后的等级计数。", level="h2")
    return out


def _by_industry_group(s: ParkSummary, keys: list[str]) -> list[Any]:
    """Firms by class in each industry group a county ranks inside."""
    st = styles()
    rows = [["分组", "行业组", *[f"{k} 类" for k in CLASSES], UNCLASSED, UNGRADED, "合计"]]
    for cohort, name in sorted(s.industry_groups, key=lambda g: _group_order((g[0], False, g[1]))):
        counts = s.industry_groups[(cohort, name)]
        rows.append([COHORT_LABELS.get(cohort, cohort), _industry_group(name) or name,
                     *[str(counts.get(k, 0)) for k in keys], str(sum(counts.values()))])
    return [*_h("按行业组", "h2"),
            Paragraph("本县在同一分组内按行业组分别排名分类：", st["small"]),
            table(rows, [34 * mm, 40 * mm] + [12 * mm] * 6 + [10 * mm], zebra=True)]


def _share(n: int, total: int) -> str:
    return f"{n}\n{n / total * 100:.1f}%" if total else str(n)


def _lines_and_means(s: ParkSummary) -> list[Any]:
    st = styles()
    out: list[Any] = [*_h("二、分类得分线与指标平均值"), *_h("（一）各类最低得分", "h2")]
    rows = [["分组", "A 类最低", "B 类最低", "C 类最低", "D 类最低"]]
    for g in sorted(s.lowest, key=_group_order):
        rows.append([_group_label(g, s.mixed), *[num(s.lowest[g].get(k), "分", 2) for k in CLASSES]])
    out.append(table(rows, [56 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm], zebra=True)
               if len(rows) > 1 else Paragraph("没有按排名或得分线分类的企业。", st["base"]))
    out += _h("（二）指标平均值（可作下一年度基准值参考）", "h2")
    rows = [["分组", "指标", "平均值", "企业数"]]
    for cohort in sorted(s.sums, key=lambda c: _group_order((c, False, None))):
        for i in INDICATORS:  # the indicators the cohort was scored on, in the catalogue's order
            total, n = s.sums[cohort].get(i, (0.0, 0))
            if n:
                unit = _indicator_unit(i)
                rows.append([COHORT_LABELS.get(cohort, cohort), INDICATOR_NAMES[i],
                             num(total / n, unit, 4 if unit == RATIO else 2), str(n)])
    out.append(table(rows, [50 * mm, 46 * mm, 36 * mm, 24 * mm], zebra=True) if len(rows) > 1
               else Paragraph("没有计分的企业。", st["base"]))
    return out


def _listing(title: str, head: list[str], rows: list, total: int, widths: list,
             empty: str = "无。", note: str = "", level: str = "h1") -> list[Any]:
    st = styles()
    out: list[Any] = _h(title, level)
    if note:
        out.append(Paragraph(esc(note), st["small"]))
    if not rows:
        return out + [Paragraph(esc(empty), st["base"])]
    out.append(table([head, *[list(r) for r in rows]], widths, zebra=True))
    if total > len(rows):
        out.append(Paragraph(esc(f"共 {total:,} 条，此处列出前 {len(rows):,} 条，全部见结果工作簿。"),
                             st["small"]))
    return out


def _names(title: str, names: list[str], total: int) -> Paragraph:
    """A run of firm names under a bold lead (“专精特新中小企业（24 家）：甲、乙……”)."""
    more = f"等 {total:,} 家（此处列出 {len(names):,} 家，全部见结果工作簿）" if total > len(names) else ""
    return Paragraph(f"<b>{esc(title)}（{total:,} 家）</b>：{esc('、'.join(sorted(names)))}{esc(more)}",
                     styles()["base"])


def _act_on(s: ParkSummary) -> list[Any]:
    st = styles()
    names = s.class_names()
    d_rows = sorted(s.d_class, key=lambda t: (_group_order(t[0]), t[1]))
    out = _listing(f"三、D 类企业{'（' + names['D'] + '）' if 'D' in names else ''}",
                   ["企业名称", "分组", "得分", "主要原因：离基准值最远的指标", "升一类最少需要（任一项）"],
                   [(n, SHORT_COHORT.get(g[0], "") + ("\n示例" if g[1] and s.mixed else ""),
                     num(sc, "分", 2),
                     why, lift) for g, sc, n, _, why, lift in d_rows[:LIST_LIMIT]], len(d_rows),
                   [36 * mm, 12 * mm, 15 * mm, 47 * mm, 46 * mm], "没有 D 类企业。",
                   note="“升一类最少需要”：其他数据不变时，单独做到其中任一项即可升一类（金额向上取整到 0.01 万元）。")
    order = ("D 类", "C 类", "B 类", "A 类")
    flagged = sorted(s.flagged, key=lambda t: (order.index(t[2]) if t[2] in order else 4, t[0]))
    out += _listing("四、存在高耗低效整治情形的企业", ["企业名称", "统一社会信用代码", "亩均分类", "情形"],
                    flagged, s.flagged_total, [46 * mm, 38 * mm, 16 * mm, 56 * mm],
                    "没有企业存在整治情形。")
    projects = sorted(s.projects, key=lambda t: ("可享受", "无法判断", "不可享受").index(t[3]))
    out += _listing("五、新上项目节能审查绿色通道", ["企业名称", "项目", "单位增加值能耗", "结论", "原因"],
                    projects, s.project_total, [32 * mm, 30 * mm, 32 * mm, 16 * mm, 46 * mm],
                    "没有填报新上项目。")
    out += [*_h("六、优质中小企业梯度培育"),
            *_h("（一）符合各层级条件的企业（候选名单）", "h2"),
            Paragraph("按企业填报数据自评符合各层级条件的企业，可作为申报、培育的候选名单：", st["base"])]
    for tier in reversed(TIERS[1:]):
        out.append(_names(TIER_NAMES[tier], s.tier_firms.get(tier, []),
                          s.tiers.get(tier, 0)))
    out.append(Paragraph(esc(f"未达到创新型中小企业条件（或属大型企业）：{s.tiers.get('none', 0):,} 家。"),
                         st["base"]))
    out += _listing("（二）距下一层级只差一项条件的企业", ["企业名称", "当前层级", "下一层级", "所差条件"],
                    s.one_short, s.one_short_total, [36 * mm, 26 * mm, 30 * mm, 64 * mm],
                    "没有只差一项条件的企业。", level="h2")
    out += _h("七、数字化认定候选企业")
    if not s.digital_known:
        out.append(Paragraph("汇总所用的结果不含数字化认定的结论，无法列出候选企业。", st["base"]))
    else:
        out.append(Paragraph(esc("按企业填报数据自评符合申报条件的企业：" + "、".join(
            f"{RECOGNITIONS[k]} {s.digital.get(k, 0):,} 家" for k in RECOGNITIONS)
            + "。下面每家企业按可申报的最高一级列出一次；未来工厂的其余条件须对照"
            "《“未来工厂”建设导则》自查。"), st["base"]))
        for k in reversed(list(RECOGNITIONS)):
            firms = [n for n, top in s.digital_firms if top == k]
            out.append(_names(f"最高可申报{RECOGNITIONS[k]}", firms, s.digital_top.get(k, 0)))
    out += _carbon_part(s)
    out += _listing("九、未参加分类的企业及原因", ["企业名称", "分组", "原因", "缺少的数据"],
                    s.not_graded, sum(c.get(UNGRADED, 0) for c in s.cohorts.values()),
                    [40 * mm, 26 * mm, 54 * mm, 36 * mm], "所有企业都参加了分类。")
    if s.from_store:
        out += [*_h("十、导入时被拒绝的行"),
                Paragraph(esc(FROM_STORE + "；被拒的行见当次导入的导入报告或错误报告。"), st["base"])]
    else:
        out += _listing("十、导入时被拒绝的行", ["工作表", "行", "企业名称", "统一社会信用代码", "原因"],
                        [(a, str(b), c, d, e) for a, b, c, d, e in s.rejected], s.rejected_total,
                        [18 * mm, 10 * mm, 38 * mm, 34 * mm, 56 * mm], "没有被拒绝的行。")
    return out


def _carbon_part(s: ParkSummary) -> list[Any]:
    """八、工业碳效: firms by grade and level (table and chart), which electricity factor was
    used, how the industry averages were obtained (and where there was none), and the firms
    of the highest carbon intensity."""
    st = styles()
    out: list[Any] = _h("八、工业碳效")
    if not s.carbon_known:
        return out + [Paragraph("汇总所用的结果不含工业碳效的结论（在加入碳效评估之前评估的）；"
                                "按当前配置重新评估本年度后即可列出。", st["base"])]
    lead = ("按企业填报的用电量和各种燃料计算二氧化碳排放量，碳排放强度 = 二氧化碳排放量 ÷ 工业增加值；"
            "碳效等级（低、中、高）按碳排放强度划分，碳效级别（1–5 级）按与行业平均碳排放强度之比划分。"
            "方法按 DB33/T 1347—2023；分级数值取自标准出台前的湖州办法，标准原表本软件未见。")
    if s.carbon_known < s.firms:
        lead += (f"另有 {s.firms - s.carbon_known:,} 家企业的已存结果不含碳效结论（在加入碳效评估之前"
                 "评估的），不在下表中；重新评估后即可计入。")
    out.append(Paragraph(esc(lead), st["base"]))
    rows = [["碳效级别", *[f"等级“{x}”" for x in LEVELS], "合计"]]
    for key in CARBON_ROWS:
        cells = s.carbon_grid.get(key, {})
        if key == NO_LEVEL:
            rows.append([f"{NO_LEVEL}（无等级）", "—", "—", "—", str(cells.get(NO_LEVEL, 0))])
        else:
            rows.append([key, *[str(cells.get(x, 0)) for x in LEVELS], str(sum(cells.values()))])
    total = [sum(s.carbon_grid.get(k, {}).get(x, 0) for k in CARBON_ROWS) for x in LEVELS]
    rows.append(["合计", *map(str, total), str(s.carbon_known)])
    out += [*_h("（一）碳效级别与等级分布", "h2"),
            table(rows, [40 * mm, 28 * mm, 28 * mm, 28 * mm, 32 * mm], zebra=True),
            Paragraph(esc("每格为企业数。“未定级”：有碳效等级，但所在行业没有可用的行业平均碳排放强度（原因见下）；"
                          f"“{NO_LEVEL}”：缺少计算碳排放强度所需的数据。"), st["small"])]
    if any(total):
        out += [Spacer(1, 2 * mm), _carbon_chart(s)]
    out += [*_h("（二）排放因子与行业平均碳排放强度", "h2")]
    factor = "；".join(f"浙江省 {y} 年度电力平均二氧化碳排放因子 {n:,} 家"
                      for y, n in sorted(s.carbon_factor_years.items()))
    if factor:
        out.append(Paragraph(esc(f"外购电力按{factor}计算；燃料按《工业其他行业企业温室气体排放核算方法"
                                 "与报告指南（试行）》的缺省值计算。"), st["base"]))
    out += [Paragraph(esc(f"※ 注意：{note.removeprefix(CARBON_NOTE)}（{n:,} 家）"), st["base"])
            for note, n in s.carbon_notes.items()]
    basis = s.carbon_basis
    parts = [f"{basis[b]:,} 家按{carbon_rules.BASIS_WORDS[b]}的行业平均定级"
             for b in (carbon_rules.POPULATION, carbon_rules.PROFILE) if basis.get(b)]
    if s.carbon_no_average:
        n = sum(s.carbon_no_average.values())
        parts.append(f"{n:,} 家所在行业在本批参评企业中家数不足、配置也没有该行业的平均值，只给出等级、不定级（"
                     + "、".join(f"{d} {k:,} 家" for d, k in sorted(s.carbon_no_average.items()))
                     + "）")
    if s.carbon_unknown:
        parts.append(f"{sum(s.carbon_unknown.values()):,} 家无法计算碳排放强度（"
                     + "；".join(f"{why} {k:,} 家" for why, k in s.carbon_unknown.items()) + "）")
    out.append(Paragraph(esc("行业平均碳排放强度：" + "；".join(parts) + "。按本批同行业企业计算的，"
                             "为同一数据年度、同一行业大类参评企业的二氧化碳排放合计 ÷ 工业增加值合计。"),
                         st["base"]))
    if s.carbon_averages:
        rows = [["行业大类", "行业平均碳排放强度\n（吨二氧化碳/万元）", "来源", "本汇总中的企业"]]
        for (year, division), (value, b, firms, here) in sorted(
                s.carbon_averages.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1] or 0)):
            source = (f"本批同行业 {firms:,} 家企业计算" if b == carbon_rules.POPULATION and firms
                      else carbon_rules.BASIS_WORDS.get(b, ""))
            name = _division_words(division) + (f"（{year} 年度）" if len(s.years) > 1 and year
                                                else "")
            rows.append([name, f"{value:.4f}", source, f"{here:,} 家"])
        out.append(table(rows, [54 * mm, 34 * mm, 44 * mm, 24 * mm], zebra=True))
    top = sorted(s.carbon_top, reverse=True)
    out += _listing(f"（三）碳排放强度最高的 {len(top)} 家企业" if top else "（三）碳排放强度最高的企业",
                    ["企业名称", "行业大类", "碳排放强度\n（吨二氧化碳/万元）", "等级", "级别",
                     "为行业平均的倍数"],
                    [(name, div, f"{x:.4f}", level, f"{grade} 级" if grade else NO_GRADE,
                      f"{k:.2f}" if k is not None else "—")
                     for x, _, name, div, level, grade, k in top], len(top),
                    [44 * mm, 40 * mm, 26 * mm, 12 * mm, 14 * mm, 20 * mm],
                    "没有能计算碳排放强度的企业。", level="h2")
    return out


def _carbon_chart(s: ParkSummary) -> Drawing:
    """Firms by grade (1–5 级, 未定级), one bar per level."""
    keys = CARBON_ROWS[:-1]
    return _bars(36 * mm, [[s.carbon_grid.get(k, {}).get(x, 0) for k in keys] for x in LEVELS],
                 list(keys), [LEVEL_COLOURS[x] for x in LEVELS],
                 [f"碳效等级“{x}”" for x in LEVELS], lambda v: f"{v:.0f}" if v else "")


def _breakdowns(s: ParkSummary) -> list[Any]:
    st = styles()
    out: list[Any] = _h("十一、按地区和行业")
    if not s.located:
        return out + [Paragraph("本次汇总没有企业的所在地和行业，无法分地区、分行业统计。", st["base"])]
    if s.located < s.firms:
        out.append(Paragraph(esc(f"{s.firms - s.located:,} 家企业没有所在地和行业信息，不在下表中。"),
                             st["small"]))
    head = ["企业数", *[f"{k} 类" for k in CLASSES], UNCLASSED, UNGRADED, "整治情形"]
    for sub, what, data in (("（一）按县（市、区）", "县（市、区）", s.counties),
                            ("（二）按园区/街道", "园区/街道", s.parks),
                            ("（三）按行业大类（GB/T 4754-2017）", "行业大类", s.industries)):
        rows = [[what, *head]]
        for key, c in sorted(data.items(), key=lambda kv: (kv[0] == NO_PLACE, kv[0])):
            rows.append([key, str(c.total), *[str(c.by.get(k, 0)) for k in
                                              (*CLASSES, UNCLASSED, UNGRADED)], str(c.flagged)])
        out += [*_h(sub, "h2"),
                table(rows, [50 * mm, 14 * mm] + [12 * mm] * 6 + [20 * mm], zebra=True)]
    return out


def _sign_off(s: ParkSummary) -> list[Any]:
    st = styles()
    blank = "＿＿＿＿＿＿＿＿＿＿＿＿"
    return [CondPageBreak(40 * mm), Spacer(1, 8 * mm),
            table([["编制单位：", s.issuer or blank, "审核：", blank],
                   ["编制人：", blank, "日期：", "＿＿＿＿ 年 ＿＿ 月 ＿＿ 日"]],
                  [22 * mm, 56 * mm, 18 * mm, 60 * mm], head=False,
                  extra=[("LINEBELOW", (0, 0), (-1, -1), 0, colors.white),
                         ("TOPPADDING", (0, 0), (-1, -1), 6)]),
            Paragraph(esc("本汇总为自评估算，供会议研究和核对数据使用；正式评价结果以县（市、区）"
                          "主管部门公布的为准。"), st["small"])]


def _ranking(s: ParkSummary) -> list[Any]:
    st, sm = styles(), _small_styles()
    out: list[Any] = [PageBreak(), *_h("附表：各组企业排名")]
    groups = [g for g in sorted(s.ranked, key=_group_order) if g[0] in GRADED]
    if not groups:
        return out + [Paragraph("没有计分的企业。", st["base"])]
    for g in groups:
        firms = sorted(s.ranked[g], key=lambda f: (f.rank is None, f.rank or 0,
                                                   -(f.score or 0.0), f.name))
        # the indicators these firms were scored on (a county chooses its own)
        ids = [i for i in INDICATORS if any(i in f.values for f in firms)]
        adjusted = any(f.adjust is not None for f in firms)
        head = ["排名", "企业名称", "得分", *(["加减分"] if adjusted else []), "分类",
                *[f"{INDICATOR_NAMES[i]}（{_unit_words(_indicator_unit(i))}）" for i in ids]]
        rows = [[para(h, sm["head"]) for h in head]]
        for f in firms[:RANK_LIMIT]:
            klass = (f"{f.klass} 类" if f.klass else "未分类") + \
                (f"（初评 {f.initial}）" if f.initial else "")
            rows.append([para(f"{f.rank}/{f.population}" if f.rank else "—", sm["cell"]),
                         para(f.name, sm["cell"]), para(_figure(f.score, ""), sm["num"]),
                         *([para(signed(f.adjust) if f.adjust is not None else "—", sm["num"])]
                           if adjusted else []),
                         para(klass, sm["cell"]),
                         *[para(_figure(f.values.get(i), _indicator_unit(i)), sm["num"])
                           for i in ids]])
        regraded = any(f.initial for f in firms)
        fixed = [15 * mm, 46 * mm, 13 * mm, *([11 * mm] if adjusted else []),
                 (20 if regraded else 10) * mm + (2 * mm if adjusted else 0)]
        rest = (TEXT_WIDTH - sum(fixed)) / len(ids)
        out += [*_h(f"{_group_label(g, s.mixed)}（{len(firms):,} 家）", "h2"),
                table(rows, fixed + [rest] * len(ids), zebra=True,
                      extra=[("TOPPADDING", (0, 0), (-1, -1), 1.5),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                             ("LEFTPADDING", (0, 0), (-1, -1), 2),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 2)])]
        notes = []
        if any(f.rank is None for f in firms):
            notes.append("“—”：按得分线分类或没有可排名的同类企业，按得分从高到低排列。")
        if len(firms) > RANK_LIMIT:
            notes.append(f"共 {len(firms):,} 家，此处列出前 {RANK_LIMIT:,} 家，全部见结果工作簿。")
        notes.append("排名为在同组全部参评企业中的名次（名次/组内企业数）；“未知”：企业数据中没有计算该指标"
                     "所需的数据。")
        out.append(Paragraph(esc("".join(notes)), st["small"]))
    return out


def story(s: ParkSummary) -> list[Any]:
    st = styles()
    p = s.identity
    return [*_title_area(s), *_distribution(s), *_lines_and_means(s), *_act_on(s),
            *_breakdowns(s), *_sign_off(s), *_ranking(s),
            Spacer(1, 6 * mm),
            Paragraph(esc(f"配置校验码：{p['sha256']}（{s.profile_words}，版本 {p['version']}；"
                          "用于核对汇总所用的评价参数）"), st["small"])]


def write_park_summary(summary: ParkSummary, path: Path) -> Path:
    """The park summary PDF at ``path``; raises ``ReportError`` when it cannot be laid out."""
    title = summary.heading()
    header = title if len(title) <= 60 else title[:60] + "…"

    def make(part: Path) -> None:
        doc = SimpleDocTemplate(str(part), pagesize=(210 * mm, 297 * mm), **MARGINS,
                                title=title, author="亩均自评 mujun")
        doc.build(story(summary), canvasmaker=numbered_canvas(
            header, f"{summary.profile_words} · 自评估算汇总"))

    return build(path, make, "园区汇总")

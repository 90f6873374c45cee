"""亩均效益 class (RULES §1): cohort, indicators, score, class, and what would lift the firm.

Two phases, because a class is a rank inside a population:
``evaluate`` works on one record (cohort, indicators, score up to the missing-emission rule);
``classify`` takes every evaluation of a population and fills in emission points, classes and
the lift to the next class, then builds each firm's result tree.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from rules.catalogue import ENTERPRISE_BY_ID
from rules.engine import Ctx, Node, Outcome, ParamRef, all_of, compare, flag, fmt, info, ratio
from rules.indicators import (
    AGGREGATE,
    BELOW_SMALL,
    FIXED,
    INDICATORS,
    MEAN,
    TENANT,
)
from rules.numbers import REL, meets, product, quotient, round_down, round_up, total
from rules.record import Record
from rules.schema import COHORT_INDICATORS, COHORT_NAMES, COHORTS, INDICATOR_NAMES
from rules.units import EQUAL, Quantity, emission_total, energy_tce
from rules.wording import num_pair

ABOVE, BELOW, EXCLUDED, OUT = "above_scale", "below_scale", "excluded", "out_of_scope"
DEFERRED = "deferred"  # 缓评: registered, given land or merged too recently (RULES §1.6)
COHORT_LABELS = {ABOVE: "规上企业", BELOW: "规下企业（用地3亩及以上）",
                 BELOW_SMALL: "规下企业（用地不足3亩）", TENANT: "无自有工业用地的企业",
                 EXCLUDED: "参评但不分类", DEFERRED: "缓评", OUT: "不在评价范围"}
GRADED = COHORTS  # the cohorts that are ranked
SCORED, INCOMPLETE, NO_WEIGHTS, NOT_GRADED = "scored", "incomplete", "no_weights", "not_graded"


@dataclass
class Indicator:
    id: str
    value: float | None
    unit: str
    inputs: dict[str, Any]
    how: str = ""
    weight: float | None = None
    benchmark: float | None = None
    ratio: float | None = None
    points: float | None = None
    imputed: bool = False  # emission points taken from the cohort mean (or full weight)
    params: list[ParamRef] = field(default_factory=list)
    denominator: float | None = None  # land, energy, emission, employees … (for the lift)
    numerator: float | None = None  # tax, value added, revenue … (population benchmarks)
    benchmark_mode: str = FIXED  # or the population's aggregate or mean (RULES §1.6)

    def to_json(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 6)
        return {"value": r(self.value), "benchmark": self.benchmark, "ratio": r(self.ratio),
                "weight": self.weight, "points": r(self.points),
                **({"imputed": True} if self.imputed else {}),
                **({"benchmark_mode": self.benchmark_mode}
                   if self.benchmark_mode != FIXED else {})}


@dataclass(frozen=True)
class PopBenchmark:
    """A benchmark computed from the ranked population of a cohort and year."""

    value: float | None
    mode: str
    count: int  # the firms it was computed from

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "mode": self.mode, "count": self.count}


@dataclass(frozen=True)
class Entry:
    """What a park manager entered for one firm: a 加减分 value or a regrade, with why, who
    and when (kept by the store; the rules only read it)."""

    value: Any  # points (or percent) for an adjustment; the class for a regrade
    reason: str
    by: str
    at: str

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "reason": self.reason, "by": self.by, "at": self.at}


@dataclass(frozen=True)
class Manual:
    adjust: dict[str, Entry] = field(default_factory=dict)  # item id → entry
    regrade: Entry | None = None


@dataclass
class Adjustment:
    """One 加减分 line (RULES §1.6): points added to the indicator sum, or a percent of it."""

    id: str
    name: str
    kind: str  # points | percent
    value: float | None  # points, or percent of the indicator sum; None when unknown
    low: float | None
    high: float | None
    how: str
    params: list[ParamRef]
    inputs: dict[str, Any]
    unknown: bool = False
    entry: Entry | None = None
    points: float | None = None  # filled when the score is known

    def apply(self, indicator_sum: float) -> float:
        """The points at ``indicator_sum``; a value cut to a bound says so in ``how``."""
        raw = (self.value or 0.0) if self.kind == "points" else \
            product(indicator_sum, (self.value or 0.0) / 100)
        got = raw if self.low is None else max(raw, self.low)
        got = got if self.high is None else min(got, self.high)
        if got != raw and "按本项" not in self.how:
            bound = "上限" if got < raw else "下限"
            self.how += f"；按本项{bound} {fmt(got)} 分计（不计{bound}时为 {fmt(round(raw, 4))} 分）"
        return got

    def spec(self) -> tuple[str, float, float | None, float | None]:
        return (self.kind, self.value or 0.0, self.low, self.high)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "value": self.value,
                "points": None if self.points is None else round(self.points, 6),
                "basis": self.how, **({"unknown": True} if self.unknown else {}),
                **({"entered": self.entry.to_json()} if self.entry else {})}


def adjusted(indicator_sum: float, specs: tuple[tuple[str, float, float | None, float | None],
                                                ...]) -> float:
    """The score: the indicator sum plus every 加减分 item (``Adjustment.spec``)."""
    total = indicator_sum
    for kind, value, low, high in specs:
        raw = value if kind == "points" else product(indicator_sum, value / 100)
        if low is not None:
            raw = max(raw, low)
        if high is not None:
            raw = min(raw, high)
        total += raw
    return total


@dataclass
class MujunEval:
    record: Record
    cohort: str
    reason: str
    status: str
    scope: list[Node]
    indicators: dict[str, Indicator] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    energy: Quantity | None = None
    score: float | None = None
    klass: str | None = None
    class_basis: str | None = None
    class_node: Node | None = None
    lift: list[Node] = field(default_factory=list)
    rank: int | None = None
    population: int | None = None
    lift_summary: dict[str, Any] | None = None
    benchmark_year: int | None = None  # the data year of the benchmark set used
    benchmark_note: str = ""  # said in every output when that is not the record's year
    group: str | None = None  # the industry group ranked in, when the profile has groups
    adjustments: list[Adjustment] = field(default_factory=list)
    indicator_sum: float | None = None  # 指标合计得分; ``score`` adds the 加减分
    complete: bool = True  # has every input its weighted indicators need
    initial_class: str | None = None  # 初评等级; ``klass`` is the class after any regrade
    regrade: dict[str, Any] | None = None

    @property
    def year(self) -> int | None:
        return self.record.year


def division(code: str | None) -> int | None:
    """The GB/T 4754 division (first two digits) of an industry code, or ``None``."""
    if not code or len(code) < 2 or not code[:2].isdigit():
        return None
    return int(code[:2])


def in_ranges(n: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(lo <= n <= hi for lo, hi in ranges)


def above_scale(ctx: Ctx, rec: Record) -> tuple[bool | None, Node]:
    """规上 from the field, else main revenue ≥ 2000 万元."""
    ref = ctx.ref("mujun.above_scale_min_main_revenue")
    if rec.above_scale is not None:
        n = flag("scope.above_scale", "规上工业企业（填报）", rec.above_scale,
                 {"above_scale": rec.above_scale})
        n.outcome, n.kind = Outcome.MET, "fact"  # a fact, not a test
        return rec.above_scale, n
    n = compare(ctx, "scope.above_scale", "规上工业企业（按主营业务收入判断）", rec.main_revenue, ">=",
                "mujun.above_scale_min_main_revenue", {"main_revenue": rec.main_revenue})
    n.params = [ref]
    if n.outcome is Outcome.UNKNOWN:
        n.missing = ["above_scale", "main_revenue"]
        return None, n
    return n.outcome is Outcome.MET, n


def _scope(ctx: Ctx, rec: Record) -> tuple[str | None, str, list[Node], list[str]]:
    """(cohort or None if undecidable, reason, nodes, missing fields)."""
    nodes: list[Node] = []
    div = division(rec.industry_code)
    in_scope = ctx.ref("mujun.industry_in_scope")
    utilities = ctx.ref("mujun.industry_excluded")
    ind = flag("scope.industry", "行业属于工业（采矿业、制造业、公用事业）",
               None if div is None else (in_ranges(div, in_scope.value)
                                         or in_ranges(div, utilities.value)),
               {"industry_code": rec.industry_code}, [in_scope, utilities])
    if div is None:
        ind.note = "行业代码未填或无法识别，暂按工业企业处理"
    nodes.append(ind)
    if ind.outcome is Outcome.UNMET:
        return OUT, f"行业大类 {div:02d} 不属于工业，不在亩均效益评价范围", nodes, []
    scale, scale_node = above_scale(ctx, rec)
    nodes.append(scale_node)
    if scale is None:
        return None, "无法判断是否规上（缺少“是否规上工业企业”和主营业务收入）", nodes, \
            ["above_scale", "main_revenue"]
    cohort = ABOVE if scale else BELOW
    if not scale and ctx.v("mujun.tenants") == "own_cohort":
        own = flag("scope.own_land", "有自有工业用地", rec.own_land, {"own_land": rec.own_land},
                   [ctx.ref("mujun.tenants")],
                   note="未填，按有自有工业用地计" if rec.own_land is None else "")
        own.missing = []
        if rec.own_land is None:
            own.outcome = Outcome.MET
        nodes.append(own)
        if rec.own_land is False:  # a fact that places the firm, not a failed condition
            cohort = TENANT
            own.outcome, own.kind = Outcome.MET, "fact"
            own.label = "无自有工业用地（本县单列一组评价）"
    if cohort == BELOW:
        land = compare(ctx, "scope.land", "规下企业实际用地不少于门槛", rec.land_mu, ">=",
                       "mujun.below_scale_min_land", {"land_mu": rec.land_mu})
        nodes.append(land)
        if land.outcome is Outcome.UNKNOWN:
            return None, "缺少实际用地面积，无法判断规下企业是否参评", nodes, ["land_mu"]
        if land.outcome is Outcome.UNMET:
            small = ctx.ref("mujun.below_scale_small")
            land.params.append(small)
            if small.value != "graded":
                why = (f"规下企业实际用地 {fmt(rec.land_mu)} 亩，不足 {fmt(land.threshold)} 亩，"
                       "不在评价范围（部分县单列）")
                return OUT, why, nodes, []
            land.outcome, land.kind, land.gap = Outcome.MET, "fact", None
            land.label = f"规下企业实际用地不足 {fmt(land.threshold)} 亩（本县单列一组评价）"
            cohort = BELOW_SMALL
    # Exclusions: evaluated but not graded.
    ex: list[Node] = []
    in_prod = True if rec.in_production is None else rec.in_production
    ex.append(flag("exclude.in_production", "已投产", in_prod, {"in_production": rec.in_production},
                   note="未填视为已投产" if rec.in_production is None else ""))
    ex[-1].missing = []
    year = rec.year
    founded = (year - rec.founded_year) if year and rec.founded_year else None
    land_years = (year - rec.land_acquired_year) if year and rec.land_acquired_year else None
    for nid, label, years, key, field_id, blank in (
            ("exclude.founded", "成立年限", founded, "mujun.min_years_since_founded",
             "founded_year", "未填成立年份，按不排除处理"),
            ("exclude.land_acquired", "取得土地年限", land_years, "mujun.min_years_since_land",
             "land_acquired_year", "未填取得土地年份，按不排除处理")):
        n = compare(ctx, nid, label, years, ">=", key,
                    {"year": year, field_id: rec.get(field_id)}, unit="年")
        if ctx.v(key) is None:
            n.outcome, n.note = Outcome.NA, "本配置不按此项排除"
        elif years is None:
            n.outcome, n.note = Outcome.NA, blank
        ex.append(n)
    util = flag("exclude.utilities", "不属于电力、热力、燃气及水生产和供应业",
                None if div is None else not in_ranges(div, utilities.value),
                {"industry_code": rec.industry_code}, [utilities])
    if div is None:
        util.outcome = Outcome.NA
    ex.append(util)
    nodes.append(all_of("exclude", "不属于不分类的情形", ex))
    reasons = {"exclude.in_production": "企业未投产", "exclude.founded": "成立不满规定年限",
               "exclude.land_acquired": "新取得土地不满规定年限",
               "exclude.utilities": "属电力、热力、燃气及水生产和供应业"}
    hit = [reasons[x.id] for x in ex if x.outcome is Outcome.UNMET]
    if hit:
        return EXCLUDED, "参评但不分类：" + "；".join(hit), nodes, []
    deferred = _deferred(ctx, rec)
    if deferred is not None:
        nodes.append(deferred)
        hit = [c.label for c in deferred.children if c.outcome is Outcome.UNMET]
        if hit:
            return DEFERRED, "缓评：" + "；".join(f"{h}不满 {fmt(ctx.v('mujun.deferred_years'))} 年"
                                              for h in hit), nodes, []
    return cohort, f"{COHORT_NAMES[cohort]}，参加分类", nodes, []


def _deferred(ctx: Ctx, rec: Record) -> Node | None:
    """缓评 (temporarily not graded) when the profile sets a number of years and the firm was
    registered, given its land or merged fewer years before the data year (RULES §1.6)."""
    ref = ctx.ref("mujun.deferred_years")
    if ref.value is None:
        return None
    kids = []
    for field_id, label in (("founded_year", "成立"), ("land_acquired_year", "取得土地"),
                            ("merger_year", "兼并重组")):
        since = rec.get(field_id)
        years = rec.year - since if rec.year and since else None
        n = compare(ctx, f"defer.{field_id}", label, years, ">=", "mujun.deferred_years",
                    {"year": rec.year, field_id: since}, unit="年")
        if years is None:
            n.outcome, n.missing = Outcome.NA, []
            n.note = f"未填{label}年份，按不缓评处理"
        kids.append(n)
    return all_of("defer", "不属于缓评的情形", kids)


def scored_indicators(ctx: Ctx, cohort: str, year: int | None) -> tuple[str, ...]:
    """The indicators the profile scores for ``cohort`` in data ``year``: those it weights (a
    county's own set, RULES §1.6); the provincial set when it weights none."""
    weighted = tuple(i for i in INDICATORS
                     if ctx.v(f"mujun.{cohort}.{i}.weight", year) is not None)
    return weighted or COHORT_INDICATORS[cohort]


def _indicator_values(ctx: Ctx, rec: Record, cohort: str) -> tuple[dict[str, Indicator],
                                                                       Quantity | None]:
    out: dict[str, Indicator] = {}
    energy: Quantity | None = None
    for i in scored_indicators(ctx, cohort, rec.year):
        d = INDICATORS[i]
        num = rec.get(d.numerator)
        inputs: dict[str, Any] = {d.numerator: num}
        how, params = "", []
        if d.denominator == "energy":
            energy = energy or energy_tce(ctx, rec, EQUAL)
            den = energy.value
            how = energy.how + ("；用到电力等价值折标系数的默认值（低可信度），结论请核对"
                                if energy.depends_on_default else "")
            inputs.update(energy.inputs)
            params = list(energy.params)
        elif d.denominator == "emission":
            em = emission_total(ctx, rec)
            den, how = em.value, em.how
            inputs.update(em.inputs)
            params = list(em.params)
        elif d.denominator == "rd_base":
            base = ctx.ref("mujun.rd_ratio_denominator")
            field_id = base.value
            den = rec.get(field_id)
            inputs[field_id] = den
            if field_id != "main_revenue":
                how, params = "分母为营业收入（本县口径）", [base]
        else:
            den = rec.get(d.denominator)
            inputs[d.denominator] = den
        out[i] = Indicator(i, ratio(num, den), d.unit, inputs, how, params=params,
                           denominator=den, numerator=num)
    return out, energy


def evaluate(ctx: Ctx, rec: Record) -> MujunEval:
    cohort, reason, scope, missing = _scope(ctx, rec)
    if cohort is None:
        return MujunEval(rec, OUT, reason, INCOMPLETE, scope, missing=missing)
    if cohort in (EXCLUDED, OUT, DEFERRED):
        return MujunEval(rec, cohort, reason, NOT_GRADED, scope)
    inds, energy = _indicator_values(ctx, rec, cohort)
    ev = MujunEval(rec, cohort, reason, SCORED, scope, inds, energy=energy,
                   group=industry_group(ctx, rec))
    cap = ctx.v("mujun.cap")
    weights_set = True
    no_population: list[str] = []
    years: set[int | None] = set()
    population = ctx.population.get((cohort, rec.year))
    for i, ind in inds.items():
        wref = ctx.ref(f"mujun.{cohort}.{i}.weight", rec.year)
        bref = ctx.ref(f"mujun.{cohort}.{i}.benchmark", rec.year)
        mref = ctx.ref(f"mujun.{cohort}.{i}.benchmark_mode", rec.year)
        ind.weight = wref.value
        ind.benchmark_mode = mref.value or FIXED
        if ind.benchmark_mode == FIXED:
            ind.params = [wref, bref, *ind.params]
            ind.benchmark = bref.value
            if bref.value is not None:  # an unset benchmark has no year to speak of
                years.add(bref.data_year)
        else:
            ind.params = [wref, mref, *ind.params]
            pb = (population or {}).get(i)
            ind.benchmark = None if pb is None else pb.value
            years.add(rec.year)
            if ind.weight is not None and ind.benchmark is None:
                no_population.append(i)
            elif pb is not None:
                ind.how = "；".join(x for x in (ind.how, (
                    f"基准值为同年度同类 {pb.count} 家参评企业的"
                    f"{'合计值（Σ分子 ÷ Σ分母）' if pb.mode == AGGREGATE else '指标值平均数'}"))
                    if x)
        if cap:
            ind.params.append(ctx.ref("mujun.cap"))
        if ind.weight == 0:  # listed with no points: needs no benchmark (the loader allows it)
            ind.points = 0.0 if ind.value is not None else None
            if i in no_population:
                no_population.remove(i)
            continue
        if ind.weight is None or ind.benchmark is None:
            weights_set = False
            continue
        if ind.value is not None:
            ind.ratio = quotient(ind.value, ind.benchmark)
            assert ind.ratio is not None
            capped = min(ind.ratio, cap) if cap else ind.ratio
            ind.points = product(ind.weight, capped)
    ev.benchmark_year, ev.benchmark_note = benchmark_year(rec.year, years)
    from_population = [i for i, ind in inds.items()
                       if ind.benchmark_mode != FIXED and ind.benchmark is not None]
    if from_population:
        modes = {inds[i].benchmark_mode for i in from_population}
        ev.benchmark_note = "；".join(x for x in (ev.benchmark_note, (
            f"{'、'.join(INDICATOR_NAMES[i] for i in from_population)}的基准值按本次参评的同类企业计算"
            f"（{'；'.join(_MODE_NOTE[m] for m in sorted(modes))}），"
            "不是县里公布的基准值")) if x)
    if no_population and not [i for i in inds if i not in no_population
                              and inds[i].benchmark is None]:
        # whether the firm could be scored once the population's benchmarks are known: only
        # such firms enter them (the benchmark is the ranked firms', RULES §1.6)
        ev.complete = not _missing_inputs(ctx, inds)
        ev.status = NO_WEIGHTS
        ev.reason += ("；本配置按参评企业计算基准值（" + "、".join(INDICATOR_NAMES[i]
                                                         for i in no_population)
                      + "），单家企业自评时没有参评企业，只能给出指标值，不能计分。"
                        "可载入园区按本办法发布的基准值后再自评")
        return ev
    if not weights_set:
        ev.status = NO_WEIGHTS
        ev.reason += "；本配置没有该类企业的权重和基准值，只能给出指标值，不能计分"
        return ev
    ev.missing = _missing_inputs(ctx, inds)
    if ev.missing:
        ev.status = INCOMPLETE
        ev.missing = list(dict.fromkeys(ev.missing))
        ev.reason += "；缺少计分所需数据，无法得出得分"
        return ev
    ev.adjustments = _adjustments(ctx, rec, cohort)
    manual = ctx.manual.get((rec.credit_code, rec.year))
    stray = sorted(set(manual.adjust) - {a.id for a in ev.adjustments}) if manual else []
    if stray:  # entered under an item this method (or this cohort) does not have
        ev.reason += f"；园区录入的 {len(stray)} 项加减分不属于本配置对本组企业的加减分项目，未计入"
    return ev


def _missing_inputs(ctx: Ctx, inds: dict[str, Indicator]) -> list[str]:
    """The inputs a weighted indicator lacks (a missing emission of a 规上 firm is imputed by
    the cohort's mean instead, 黄岩 rule: marked on the indicator)."""
    missing: list[str] = []
    for i, ind in inds.items():
        if ind.value is None and ind.weight:
            if i == "value_added_per_emission" and ind.inputs.get("value_added") is not None \
                    and ctx.v("mujun.missing_emission") == "cohort_mean":
                ind.imputed = True  # points filled in by classify()
                continue
            missing += [k for k, v in ind.inputs.items() if v is None] or [i]
    return missing


def industry_group(ctx: Ctx, rec: Record) -> str | None:
    """The industry group a firm is ranked in (温岭: five groups, RULES §1.5), or None when the
    profile ranks the whole cohort together. A division in no group, or a firm without an
    industry code, is ranked in ``UNGROUPED`` (said in its class note)."""
    groups = ctx.v("mujun.industry_groups")
    if not groups:
        return None
    div = division(rec.industry_code)
    if div is not None:
        for name, spans in groups.items():
            if in_ranges(div, spans):
                return name
    return UNGROUPED


UNGROUPED = "未列入行业组"
_MODE_NOTE = {AGGREGATE: "合计值：Σ分子 ÷ Σ分母", MEAN: "各企业指标值的平均数"}


def _adjustments(ctx: Ctx, rec: Record, cohort: str) -> list[Adjustment]:
    """The profile's 加减分 items that apply to ``cohort``, valued for this firm (RULES §1.6).
    A count or yes/no field left blank gives no points and says so (the line is unknown)."""
    ref = ctx.ref("mujun.adjustments")
    if not ref.value:
        return []
    manual = ctx.manual.get((rec.credit_code, rec.year))
    out = []
    for item in ref.value:
        if item.get("cohorts") and cohort not in item["cohorts"]:
            continue
        cite = replace(ref, name=item["name"], citation=f"{ref.citation}；{item['clause']}")
        unit = "分" if item["kind"] == "points" else "%（指标合计得分的百分比）"
        per = item.get("per_unit")
        value: float | None = None
        inputs: dict[str, Any] = {}
        entry = None
        unknown = False
        if item["input"] == "manual":
            entry = manual.adjust.get(item["id"]) if manual else None
            if entry is None:
                value, how = 0.0, "未录入（按 0 计）；由园区管理人员按本县办法录入"
            else:
                value = float(entry.value)
                how = f"手工录入 {fmt(value)} {unit}：{entry.reason}（{entry.by}，{entry.at}）"
        else:
            f = item["field"]
            x = rec.get(f)
            inputs = {f: x}
            if x is None:
                value, unknown = 0.0, True
                how = "未填写，暂按 0 计（如有请填写后重新评价）"
            elif item["input"] == "field":
                value = per if x is True else 0.0
                how = f"{'是' if x else '否'} → {fmt(value)} {unit}"
            else:
                free = item.get("free") or 0
                first = item.get("first")
                n = max(0, int(x) - free)
                value = 0.0 if n == 0 else (per if first is None else first) + per * (n - 1)
                each = ENTERPRISE_BY_ID[f].unit or "个"  # 家 for tenants
                rule = (f"第 1 {each} {fmt(first)}，其后每{each} {fmt(per)}" if first is not None
                        else f"每{each} {fmt(per)}")
                how = (f"{int(x)} {each}" + (f"（前 {free} {each}不计）" if free else "")
                       + f"；{rule} → {fmt(value)} {unit}")
        out.append(Adjustment(item["id"], item["name"], item["kind"], value, item.get("min"),
                              item.get("max"), how, [cite], inputs, unknown, entry))
    return out


def benchmark_year(year: int | None, used: set[int | None]) -> tuple[int | None, str]:
    """The data year of the benchmarks used, and the sentence every output carries when it is
    not the record's own (RULES §1.2)."""
    known = sorted(y for y in used if y is not None)
    if not known:
        return None, ("" if year is None or not used else
                      "本配置的基准值未注明适用的数据年度，请确认其适用于 "
                      f"{year} 年度数据")
    if len(known) > 1:
        return known[-1], ("本配置各指标的基准值来自不同数据年度（" +
                           "、".join(map(str, known)) + "），请核对")
    dy = known[0]
    if year is None or dy == year:
        return dy, ""
    if dy < year:
        return dy, f"本县尚未公布 {year} 年度基准值，暂按 {dy} 年度基准值估算"
    return dy, f"本配置没有 {year} 年度及以前的基准值，暂按 {dy} 年度基准值估算"


def year_note(ctx: Ctx, year: int) -> str:
    """What every result of data ``year`` says about its benchmarks under this profile (the
    same sentence as ``MujunEval.benchmark_note``; '' when the year's own set exists)."""
    refs = [ctx.ref(f"mujun.{c}.{i}.benchmark", year)
            for c, ids in COHORT_INDICATORS.items() for i in ids]
    used = {r.data_year for r in refs if r.value is not None}
    return benchmark_year(year, used)[1] if used else ""


def _score(ev: MujunEval) -> float:
    """The 综合得分: the indicator sum (指标合计得分) plus the 加减分 lines, which it fills in."""
    ev.indicator_sum = sum(i.points or 0.0 for i in ev.indicators.values())
    for a in ev.adjustments:
        a.points = a.apply(ev.indicator_sum)
    return ev.indicator_sum + sum(a.points or 0.0 for a in ev.adjustments)


def _gain_factor(ev: MujunEval, gap: float) -> float:
    """Points of score gained per point of indicator sum over the next ``gap`` points of
    score: 1 without percent 加减分; with them, the average slope up to the point where the
    score has risen by ``gap`` (a percent item may reach its bound on the way), so that an
    amount computed with it reaches the goal."""
    specs = tuple(a.spec() for a in ev.adjustments)
    if gap <= 0 or not any(kind == "percent" and value for kind, value, *_ in specs):
        return 1.0
    s = ev.indicator_sum or 0.0
    goal = adjusted(s, specs) + gap
    lo, hi = 0.0, gap
    while adjusted(s + hi, specs) < goal:
        hi *= 2
        if hi > 1e12:  # the score cannot rise by the indicators alone
            return 0.0
    for _ in range(200):  # the smallest rise of the indicator sum that gets there
        mid = (lo + hi) / 2
        if adjusted(s + mid, specs) >= goal:
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-12 * max(1.0, hi):
            break
    return gap / hi


@dataclass
class CohortStats:
    """What a firm's class depends on besides its own figures: the scores of its cohort
    (same cohort, year, industry group and profile, the firm included), the mean emission
    points used for firms without emission data and the benchmarks computed from the
    population. Kept so that one firm's tree can be rebuilt later."""

    cohort: str
    year: int | None
    ascending: list[float]
    emission_mean: float | None
    emission_count: int
    # For each score of ``ascending``: whether it holds the mean emission points (then it rises
    # when a firm with emission data raises the mean). Empty when not known (older stores).
    imputed: list[bool] = field(default_factory=list)
    group: str | None = None  # the industry group, when the profile ranks inside groups
    # indicator → benchmark computed from the cohort's population (benchmark modes)
    benchmarks: dict[str, PopBenchmark] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int | None, str | None]:
        return (self.cohort, self.year, self.group)

    @property
    def n(self) -> int:
        return len(self.ascending)

    @cached_property
    def split(self) -> tuple[list[float], list[float]]:
        """The ascending scores of firms scored on their own emission data (or with no
        emission indicator), and of firms given the mean emission points."""
        flags = self.imputed or [False] * self.n
        return ([s for s, i in zip(self.ascending, flags) if not i],
                [s for s, i in zip(self.ascending, flags) if i])


def _impute_emission(ctx: Ctx, e: MujunEval, mean: float | None, count: int,
                     single: bool) -> None:
    ind = e.indicators.get("value_added_per_emission")
    if ind is None or not ind.imputed:
        return
    published = ctx.ref(f"mujun.{e.cohort}.missing_emission_points", e.year)
    if mean is not None:
        ind.points = mean
        ind.how = f"缺排放数据，按同类 {count} 家有排放数据企业的平均得分计"
        ind.params.append(ctx.ref("mujun.missing_emission"))
    elif single and published.value is not None:
        ind.points = published.value
        ind.how = (f"缺排放数据，按园区发布的同类企业平均得分 {fmt(round(published.value, 4))} 分计"
                   "（与园区排名时的计分相同）")
        ind.params += [ctx.ref("mujun.missing_emission"), published]
    else:
        ind.points, ind.ratio = ind.weight, 1.0
        ind.how = ("缺排放数据，没有可比企业，按满分（指标值按基准值的 100% 计）暂计" if single else
                   "缺排放数据，同类企业均无排放数据，按满分（指标值按基准值的 100% 计）暂计")
        ind.params.append(ctx.ref("mujun.missing_emission"))


@dataclass(slots=True)
class ScoreInput:
    """The few numbers a firm contributes to its cohort's ranking (kept for a whole park,
    instead of every firm's full evaluation)."""

    cohort: str
    year: int | None
    points: float  # every indicator's points but an imputed emission's
    emission: float | None  # the emission points when computed from the firm's own data
    imputed: bool
    emission_weight: float
    group: str | None = None
    adjust: tuple[tuple[str, float, float | None, float | None], ...] = ()

    def score(self, emission_points: float) -> float:
        return adjusted(self.points + emission_points, self.adjust)


def score_input(e: MujunEval) -> ScoreInput | None:
    if e.status != SCORED:
        return None
    em = e.indicators.get("value_added_per_emission")
    imputed = em is not None and em.imputed
    return ScoreInput(e.cohort, e.year,
                      sum(i.points or 0.0 for i in e.indicators.values() if not i.imputed),
                      None if em is None or imputed else em.points, imputed,
                      (em.weight or 0.0) if em is not None else 0.0, e.group,
                      tuple(a.spec() for a in e.adjustments))


StatsKey = tuple[str, int | None, str | None]  # cohort, data year, industry group


def cohort_stats(inputs: list[ScoreInput | None],
                 benchmarks: dict[tuple[str, int | None], dict[str, PopBenchmark]] | None = None
                 ) -> dict[StatsKey, CohortStats]:
    """Each cohort's (and industry group's) scores, after filling in missing emission points
    with the mean among its firms that have emission data (黄岩 rule; full weight when none
    has). ``benchmarks`` are the population benchmarks the scores were computed with."""
    groups: dict[StatsKey, list[ScoreInput]] = {}
    for s in inputs:
        if s is not None:
            groups.setdefault((s.cohort, s.year, s.group), []).append(s)
    stats = {}
    for (cohort, year, group), members in groups.items():
        with_em = [s.emission for s in members if s.emission is not None]
        mean = sum(with_em) / len(with_em) if with_em else None
        pairs = sorted((s.score(((mean if mean is not None else s.emission_weight)
                                 if s.imputed else 0.0)), s.imputed and mean is not None)
                       for s in members)
        stats[(cohort, year, group)] = CohortStats(
            cohort, year, [p for p, _ in pairs], mean, len(with_em), [i for _, i in pairs],
            group, dict((benchmarks or {}).get((cohort, year), {})))
    return stats


def population_benchmarks(ctx: Ctx, evals: Iterable[MujunEval]
                          ) -> dict[tuple[str, int | None], dict[str, PopBenchmark]]:
    """The benchmarks a profile computes from the ranked population (RULES §1.6): per cohort
    and year, for each indicator whose benchmark mode asks for it, Σ numerator ÷ Σ
    denominator, or the mean of the firms' values, over the graded firms that have both."""
    parts: dict[tuple[str, int | None, str], tuple[list[float], list[float], list[float]]] = {}
    for e in evals:
        if e.cohort not in GRADED or not e.complete:
            continue
        for i, ind in e.indicators.items():
            if ind.benchmark_mode == FIXED or ind.value is None or ind.numerator is None \
                    or not ind.denominator:
                continue
            nums, dens, values = parts.setdefault((e.cohort, e.year, i), ([], [], []))
            nums.append(ind.numerator)
            dens.append(ind.denominator)
            values.append(ind.value)
    out: dict[tuple[str, int | None], dict[str, PopBenchmark]] = {}
    for (cohort, year, i), (nums, dens, values) in parts.items():
        mode = ctx.v(f"mujun.{cohort}.{i}.benchmark_mode", year)
        n = len(values)
        # exact decimal sums (rules.numbers), so the benchmark does not depend on firm order
        value = quotient(total(nums), total(dens)) if mode == AGGREGATE else \
            quotient(total(values), n)
        out.setdefault((cohort, year), {})[i] = PopBenchmark(
            value if value is not None and value > 0 else None, mode, n)
    return out


def classify(ctx: Ctx, evals: list[MujunEval], single: bool) -> dict[tuple, CohortStats]:
    """Scores, classes and lifts for a whole population; returns the cohort statistics."""
    stats = cohort_stats([score_input(e) for e in evals])
    for e in evals:
        if e.status == SCORED:
            classify_one(ctx, e, stats[(e.cohort, e.year, e.group)], single)
    return stats


def classify_one(ctx: Ctx, e: MujunEval, st: CohortStats, single: bool) -> None:
    """Class and lift of one scored firm inside its cohort (``st`` includes the firm), then
    any regrade."""
    lift = _classify(ctx, e, st, single)
    regrade(ctx, e)
    if lift is not None and e.klass is not None and e.initial_class is not None:
        # toward the class above the better of the 初评 and final classes: a firm raised to B
        # by a rule is told what reaches A (its score then ranks as A, no rule needed)
        basis = min(e.klass, e.initial_class)
        if basis != "A":
            shown = e.klass
            e.klass = basis  # the lift reads the class it starts from
            e.lift = lift(basis)
            e.klass = shown
            if e.regrade is not None:
                for n in e.lift:
                    n.note = (f"按本次得分计算，从{'初评' if basis == e.initial_class else '调档后'}"
                              f" {basis} 类起算；{n.note}")


def _classify(ctx: Ctx, e: MujunEval, st: CohortStats, single: bool
              ) -> Callable[[str], list[Node]] | None:
    """The class by rank or cut-offs (its node), and how to compute the lift from a class."""
    _impute_emission(ctx, e, st.emission_mean, st.emission_count, single)
    e.score = _score(e)
    min_cohort = ctx.ref("mujun.min_cohort")
    own = [ctx.ref(f"mujun.{e.cohort}.share_{c}") for c in "abc"]
    shares = own if all(r.value is not None for r in own) else \
        [ctx.ref(f"mujun.share_{c}") for c in "abc"]
    names = ctx.v("mujun.class_names")
    n = st.n
    cut_refs = [ctx.ref(f"mujun.{e.cohort}.cutoff_{c}", e.year) for c in "abc"]
    cuts = [r.value for r in cut_refs]
    if not single and n >= min_cohort.value:
        # rank = 1 + the number of strictly higher scores (higher beyond float noise, as
        # ``rules.numbers.meets`` counts): ties share the better rank
        rank = 1 + n - bisect_right(st.ascending, e.score + REL * max(1.0, abs(e.score)))
        share = rank / n
        cls = next((c for c, s in zip("ABC", shares) if meets(share, "<=", s.value)), "D")
        e.klass, e.class_basis, e.rank, e.population = cls, "percentile", rank, n
        e.class_node = Node(
            "class", f"分类：{cls} 类（{names[cls]}）", Outcome.MET, kind="fact",
            value=round(share, 4), unit="比例", params=[min_cohort, *shares],
            note=f"同年度同类企业{_in_group(e)} {n} 家中排名第 {rank}（并列取较好名次），位次比例 "
                 f"{rank}/{n} = {share:.2%}" + _shares_words(shares))
        return lambda _: _lift_percentile(ctx, e, st, shares, names)
    elif all(c is not None for c in cuts):
        cls = next((c for c, t in zip("ABC", cuts) if meets(e.score, ">=", t)), "D")
        e.klass, e.class_basis = cls, "cutoffs"
        why = "" if single else f"同类企业仅 {n} 家，少于 {min_cohort.value} 家，"
        # a score a hair off a line is printed with the digits that tell them apart
        shown = [num_pair(e.score, t, "分") for t in cuts]
        near = max((s for s, _ in shown), key=len)
        e.class_node = Node(
            "class", f"分类：{cls} 类（{names[cls]}）", Outcome.MET, kind="fact",
            value=e.score, unit="分", params=[*cut_refs, min_cohort],
            note=f"{why}得分 {near}，按分类得分线：A ≥ {shown[0][1]}，B ≥ {shown[1][1]}，"
                 f"C ≥ {shown[2][1]}（{cut_refs[0].citation}）")
        return lambda basis: _lift_nodes(ctx, e, cuts["ABCD".index(basis) - 1], _prev(basis),
                                         names)
    else:
        why = ("单家企业自评没有可排名的同类企业，" if single else
               f"同类企业仅 {n} 家，少于按排名分类所需的 {min_cohort.value} 家，")
        e.class_node = Node("class", "分类：无法确定", Outcome.UNKNOWN, params=[
            min_cohort, *cut_refs], note=why + "且本配置没有分类得分线。"
            "可载入园区发布的基准值与得分线后再自评。")
    return None


def _in_group(e: MujunEval) -> str:
    if e.group is None:
        return ""
    if e.group == UNGROUPED:
        return "（行业不在本县所列行业组内，与其他未列入的企业一同排名）"
    return f"（“{e.group}”行业组）"


def _shares_words(shares: list[ParamRef]) -> str:
    """The shares, said when they are not the usual 20 / 80 / 95 % (a county's own)."""
    values = [r.value for r in shares]
    if shares[0].key == "mujun.share_a":  # the provincial shares, cited on the node
        return ""
    return (f"；本组分类比例：A 前 {values[0]:.0%}，B 至 {values[1]:.0%}，C 至 {values[2]:.0%}，"
            "其余为 D")


def regrade(ctx: Ctx, e: MujunEval) -> None:
    """初评等级 → 调档后等级 (RULES §1.6): the profile's first regrade rule that applies, then
    a manual regrade entered by the park manager, which decides. Each step is a line of the
    tree; ``e.regrade`` is the last step, with every step in ``steps``."""
    entry = (ctx.manual.get((e.record.credit_code, e.record.year)) or Manual()).regrade
    names = ctx.v("mujun.class_names")
    if e.klass is None:
        if entry is not None and e.class_node is not None:
            e.class_node.children.append(info(
                "class.regrade", "人工调档未生效",
                f"园区录入的调档（{entry.value} 类：{entry.reason}）需先有初评等级，本次无法分类，未生效"))
        return
    e.initial_class = e.klass
    steps: list[dict[str, Any]] = []
    ref = ctx.ref("mujun.regrade_rules")
    for rule in ref.value or ():
        if e.klass not in rule["from"]:
            continue
        x = e.record.get(rule["field"])
        op, want = rule["op"], rule["value"]
        if isinstance(x, bool):  # a yes/no field holds True/False; the profile writes 是/否
            want = want == "是"
        cite = replace(ref, name=rule["name"], citation=f"{ref.citation}；{rule['clause']}")
        if x is None:
            e.class_node.children.append(Node(
                f"regrade.{rule['id']}", f"调档规则：{rule['name']}", Outcome.UNKNOWN, kind="fact",
                params=[cite], missing=[rule["field"]],
                note=f"缺少判断所需数据，未按此规则调档（初评 {e.klass} 类）"))
            continue
        hit = (want in x if op == "contains" else x == want if op == "==" else
               meets(x, op, want))
        if hit:
            steps.append({"kind": "rule", "rule": rule["id"], "name": rule["name"],
                          "from": e.klass, "to": rule["to"], "reason": rule["name"],
                          "citation": cite.citation})
            e.klass = rule["to"]
            break
    if entry is not None and entry.value not in names:
        e.class_node.children.append(info(
            "class.regrade.refused", "人工调档未生效",
            f"园区录入的调档类别“{entry.value}”不是 A、B、C、D 之一，未生效"))
    elif entry is not None and entry.value != e.klass:
        steps.append({"kind": "manual", "from": e.klass, "to": entry.value,
                      "reason": entry.reason, "by": entry.by, "at": entry.at})
        e.klass = entry.value
    if not steps:
        return
    # the last step decides; ``from`` is the 初评 class, each step keeps its own
    e.regrade = {**steps[-1], "from": e.initial_class, "steps": steps}
    for n, r in enumerate(steps):
        how = (f"按调档规则“{r['name']}”（{r['citation']}）" if r["kind"] == "rule" else
               f"人工调档：{r['reason']}（{r['by']}，{r['at']}）")
        e.class_node.children.append(Node(
            "class.regrade" if n == len(steps) - 1 else f"class.regrade.{n + 1}",
            f"调档：{r['from']} 类 → {r['to']} 类（{names[r['to']]}）", Outcome.MET,
            kind="fact", value=r["to"], note=how))
    e.class_node.label = f"分类：{e.klass} 类（{names[e.klass]}），初评 {e.initial_class} 类"


def _prev(cls: str) -> str:
    return "ABCD"["ABCD".index(cls) - 1]


# How many units of a lever the firm needs, given the points the firm gains per unit (a) and
# the points every firm holding the mean emission points gains per unit (b, when the lever
# raises this firm's own emission points and so the cohort's mean).
Needed = Callable[[float, float], float]


def _lift_percentile(ctx: Ctx, e: MujunEval, st: CohortStats, shares: list[ParamRef],
                     names: dict[str, str]) -> list[Node]:
    """The lift to the next class by rank: the firm must tie the ``max_rank``-th best of the
    *other* firms (the firm itself ranks below ``max_rank``). A lever that raises the firm's
    own emission points also raises the cohort's mean emission points, and with it every firm
    that was given the mean: ``needed`` counts that in, so that the amount shown is enough."""
    if e.klass == "A" or e.score is None:
        return []
    better = _prev(e.klass or "D")
    n = st.n
    max_rank = math.floor(round_down(product(shares["ABC".index(better)].value, n), 6))
    if max_rank < 1 or max_rank > n - 1:
        return []
    score = e.score
    fixed, moving = st.split
    tol = REL * max(1.0, abs(score))
    i0, i1 = bisect_right(fixed, score + tol), bisect_right(moving, score + tol)
    # The firm's own score is not above itself, so "the others above it" are these two tails.
    above = len(fixed) - i0 + len(moving) - i1
    k = above - (max_rank - 1)  # how many of them it must catch up with

    def needed(a: float, b: float) -> float:
        """The smallest x with at most ``max_rank`` − 1 others still above the firm, when the
        firm gains a·x points and the firms holding the mean gain b·x: the k-th smallest
        catch-up point of the two sorted tails (O(log n), no list built)."""
        if k <= 0:
            return 0.0
        if a <= 0:
            return math.inf
        slower = a - b
        na, nb = len(fixed) - i0, len(moving) - i1

        def at_a(j: int) -> float:
            return (fixed[i0 + j] - score) / a

        def at_b(j: int) -> float:
            return (moving[i1 + j] - score) / slower if slower > 0 else math.inf

        ia = ib = 0
        want = k
        while True:
            if ia == na:
                return at_b(ib + want - 1)
            if ib == nb:
                return at_a(ia + want - 1)
            if want == 1:
                return min(at_a(ia), at_b(ib))
            half = want // 2
            ja, jb = min(ia + half, na) - 1, min(ib + half, nb) - 1
            if at_a(ja) <= at_b(jb):
                want -= ja - ia + 1
                ia = ja + 1
            else:
                want -= jb - ib + 1
                ib = jb + 1

    target = st.ascending[n - max_rank]  # the max_rank-th best: the firm is not among them
    return _lift_nodes(ctx, e, target, better, names, st,
                       note=f"进入 {better} 类需排名不晚于第 {max_rank} 名（{n} 家 × "
                            f"{shares['ABC'.index(better)].value:.0%}）", needed=needed)


# indicator → the field in its numerator, and the denominator it can cut alone (rules.indicators)
_NUMERATOR = {i: d.numerator for i, d in INDICATORS.items()}
_CUT = {i: d.cut for i, d in INDICATORS.items() if d.cut}
_FIELD_NAMES = {"tax": "实缴税金", "value_added": "工业增加值", "rd_expense": "研发费用",
                "revenue": "营业收入"}
# Amounts are shown to the cent of 万元 and to 0.01 of a physical unit; indicator values to 4
# decimals (a ratio to 0.01 %). Each is rounded away from the firm's current figure, so that the
# change shown, applied exactly, reaches the goal (RULES §0).
_PLACES = 2
_IND_PLACES = 4


def _lift_nodes(ctx: Ctx, e: MujunEval, target: float, better: str, names: dict[str, str],
                st: CohortStats | None = None, note: str = "",
                needed: Needed | None = None) -> list[Node]:
    """What would lift the score to ``target``: for each field the firm can raise, the amount
    that does it with every indicator that field moves (tax moves both 规下 indicators, value
    added four 规上 ones); for each indicator alone, the value it must reach and the cut in its
    own denominator that would get it there.

    Fills ``e.lift_summary`` (the JSON) and returns the tree nodes that say the same."""
    assert e.score is not None
    gap = max(target - e.score, 0.0)
    if needed is None:
        def needed(a: float, b: float) -> float:
            return gap / a if a > 0 else math.inf
    # Points per unit of emission points that firms given the cohort's mean gain, when this
    # firm's own emission points enter that mean.
    em = e.indicators.get("value_added_per_emission")
    in_mean = (st is not None and st.emission_mean is not None and st.emission_count > 0
               and em is not None and not em.imputed and em.points is not None)
    spill = 1.0 / st.emission_count if in_mean and st is not None else 0.0
    shown_target = round_up(target, _PLACES)
    head = Node("lift", f"升至 {better} 类（{names[better]}）需要", Outcome.UNMET, kind="info",
                value=round(target, 4), unit="分", gap=gap,
                note=(note + "；" if note else "") + f"得分需达到 {fmt(shown_target)} 分，"
                     f"还差 {fmt(round_up(gap, _PLACES))} 分。每项为其他数据不变时单独做到即可"
                     "的变化（金额已向上取整到 0.01 万元）。")
    cap = ctx.v("mujun.cap")
    rec = e.record
    usable = {i: ind for i, ind in e.indicators.items()
              if ind.weight and ind.value is not None and ind.benchmark and not ind.imputed
              and ind.denominator}
    factor = _gain_factor(e, gap)  # a percent 加减分 moves with the indicator sum
    if factor != 1.0:
        head.note += "（已计入按指标合计得分比例计的加减分）"
    if any(ind.benchmark_mode != FIXED for ind in usable.values()):
        head.note += ("基准值按参评企业计算，本企业数据变化时基准值也会略有变化；"
                      "所列数额按基准值不变估算。")
    fields: dict[str, dict[str, Any]] = {}
    for f, field_name in _FIELD_NAMES.items():
        moved = [i for i, ind in usable.items() if _NUMERATOR[i] == f]
        if not moved or gap <= 0:
            continue
        gains = {i: product(quotient(usable[i].weight, product(usable[i].benchmark,
                                                               usable[i].denominator)) or 0.0,
                            factor) for i in moved}
        per_unit = sum(gains.values())
        if per_unit <= 0:
            continue
        delta = round_up(needed(per_unit, spill * gains.get("value_added_per_emission", 0.0)),
                         _PLACES)
        if not math.isfinite(delta):
            continue
        if cap and any(quotient(usable[i].value + delta / usable[i].denominator,
                                usable[i].benchmark) > cap for i in moved):
            head.children.append(info(f"lift.field.{f}", f"提高{field_name}",
                                      "相关指标将超过封顶比值，单独提高此项无法弥补差距"))
            continue
        names_moved = "、".join(INDICATOR_NAMES[i] for i in moved)
        base = rec.get(f)
        share = (f"（现有的 {fmt(round_up(delta / base * 100, 1))}%）"
                 if base is not None and base > 0 else "")
        fields[f] = {"field": f, "delta": delta, "indicators": moved}
        head.children.append(info(
            f"lift.field.{f}", f"提高{field_name}",
            f"{field_name}增加 {fmt(delta)} 万元{share}"
            + (f"，同时提高{names_moved}" if len(moved) > 1 else f"，提高{names_moved}"),
            value=delta, unit="万元"))
    indicators: dict[str, dict[str, Any]] = {}
    for i, ind in usable.items():
        assert ind.weight is not None and ind.value is not None and ind.benchmark is not None
        per_value = ind.weight / ind.benchmark * factor
        need = ind.value + needed(per_value,
                                  spill * per_value if i == "value_added_per_emission" else 0.0)
        if not math.isfinite(need):
            continue
        label = INDICATOR_NAMES[i]
        if cap and quotient(need, ind.benchmark) > cap:
            head.children.append(info(f"lift.{i}", label, "该指标已达封顶比值，单独提高无法弥补差距"))
            continue
        shown = round_up(need, _IND_PLACES)
        if not math.isfinite(shown):
            continue
        change: dict[str, Any] = {"indicator_value": shown}
        parts = []
        num_value = rec.get(_NUMERATOR[i])  # tax or value added
        if i in _CUT and need > 0 and num_value is not None and num_value > 0:
            what, cut_name, cut_unit = _CUT[i]
            allowed = round_down(num_value / need, _PLACES)  # the denominator must not exceed
            cut = round_up(ind.denominator - allowed, _PLACES)
            if 0 < cut < ind.denominator:
                change.update(reduce=what, reduce_by=cut)
                parts.append(f"{cut_name}减少 {fmt(cut)} {cut_unit}"
                             f"（{fmt(round_up(cut / ind.denominator * 100, 1))}%），"
                             f"即不超过 {fmt(round_down(ind.denominator - cut, _PLACES))} {cut_unit}")
        indicators[i] = change
        head.children.append(Node(
            f"lift.{i}", f"单独提高{label}", Outcome.UNMET, kind="info",
            value=round(ind.value, 6), threshold=shown, op="≥", unit=ind.unit,
            gap=round_up(shown - ind.value, _IND_PLACES),
            note="；".join(parts)))
    e.lift_summary = {"target_class": better, "target_score": round(target, 6),
                      "gap_points": round(gap, 6), "fields": fields, "changes": indicators}
    return [head]


def tree(ctx: Ctx, e: MujunEval) -> Node:
    """The firm's 亩均 result tree."""
    children: list[Node] = [all_of("scope", "评价范围与分组", e.scope)]
    if e.indicators:
        ind_nodes = []
        for i, ind in e.indicators.items():
            n = Node(f"indicator.{i}", INDICATOR_NAMES[i], Outcome.UNKNOWN, kind="score",
                     value=ind.value, unit=ind.unit, op="≥", threshold=ind.benchmark,
                     points=ind.points, inputs=ind.inputs, params=ind.params,
                     missing=[k for k, v in ind.inputs.items() if v is None], note=ind.how)
            if ind.imputed:
                n.outcome, n.missing = Outcome.UNKNOWN, ["cod_t", "nh3n_t", "so2_t", "nox_t"]
            elif ind.value is not None and ind.benchmark:
                n.outcome = Outcome.MET if meets(ind.value, ">=", ind.benchmark) \
                    else Outcome.UNMET
                if n.outcome is Outcome.UNMET:
                    n.gap = ind.benchmark - ind.value
            elif ind.value is None and not n.missing:
                n.note = "无法计算（分母为 0）"
            if ind.weight is not None:
                n.points_max = None
            ind_nodes.append(n)
        group = Node("indicators", "评价指标（与基准值比较）", Outcome.NA, kind="section",
                     children=ind_nodes)
        if e.benchmark_year is not None:
            group.label = f"评价指标（与 {e.benchmark_year} 年度基准值比较）"
        group.caveat = e.benchmark_note
        children.append(group)
    if e.score is not None and e.adjustments:
        children.append(Node("indicator_sum", "指标合计得分", Outcome.MET, kind="score",
                             value=e.indicator_sum, points=e.indicator_sum, unit="分",
                             note="Σ 权重 × 指标值 ÷ 基准值"))
        lines = []
        for a in e.adjustments:
            n = Node(f"adjust.{a.id}", a.name, Outcome.UNKNOWN if a.unknown else Outcome.MET,
                     kind="score", value=a.points, points=a.points, unit="分",
                     inputs=a.inputs, params=a.params, note=a.how,
                     missing=[k for k, v in a.inputs.items() if v is None])
            lines.append(n)
        children.append(Node("adjustments", "加减分", Outcome.NA, kind="section",
                             value=sum(a.points or 0.0 for a in e.adjustments), unit="分",
                             children=lines))
        children.append(Node("score", "综合得分", Outcome.MET, kind="score", value=e.score,
                             points=e.score, unit="分", note="综合得分 = 指标合计得分 + 加减分"))
    elif e.score is not None:
        children.append(Node("score", "综合得分", Outcome.MET, kind="score", value=e.score,
                             points=e.score, unit="分",
                             note="得分 = Σ 权重 × 指标值 ÷ 基准值"))
    elif e.status == INCOMPLETE:
        children.append(Node("score", "综合得分", Outcome.UNKNOWN, kind="score", missing=e.missing,
                             note="缺少数据，无法计分"))
    if e.class_node is not None:
        children.append(e.class_node)
    children.extend(e.lift)
    if e.cohort == ABOVE:
        rec = e.record
        ctx_nodes = [
            compare(ctx, "context.rd_ratio", "研发经费占营业收入比重（全省2025年目标，仅作参照）",
                    ratio(rec.rd_expense, rec.revenue), ">=", "mujun.target_rd_ratio",
                    {"rd_expense": rec.rd_expense, "revenue": rec.revenue}),
            compare(ctx, "context.labour_productivity", "全员劳动生产率（全省2025年目标，仅作参照）",
                    ratio(rec.value_added, rec.employees), ">=", "mujun.target_labour_productivity",
                    {"value_added": rec.value_added, "employees": rec.employees}),
        ]
        for c in ctx_nodes:
            c.kind = "info"
        children.append(Node("context", "参照：全省制造业目标", Outcome.NA, kind="section",
                             children=ctx_nodes))
    head = {SCORED: Outcome.MET, INCOMPLETE: Outcome.UNKNOWN, NO_WEIGHTS: Outcome.UNKNOWN,
            NOT_GRADED: Outcome.NA}[e.status]
    # a heading: the class below is the result, not a "met" (a D class is no ✔)
    return Node("mujun", "亩均效益评价", head, kind="section", children=children, note=e.reason,
                missing=e.missing)


def summary(e: MujunEval) -> dict[str, Any]:
    return {"cohort": e.cohort, "reason": e.reason, "status": e.status,
            "benchmark_year": e.benchmark_year,
            **({"benchmark_note": e.benchmark_note} if e.benchmark_note else {}),
            "score": None if e.score is None else round(e.score, 4),
            "class": e.klass, "class_basis": e.class_basis,
            "initial_class": e.initial_class, "regrade": e.regrade, "group": e.group,
            "indicator_points": None if e.indicator_sum is None else round(e.indicator_sum, 4),
            "adjustments": [a.to_json() for a in e.adjustments],
            **({"rank": e.rank, "population": e.population} if e.rank else {}),
            "lift": e.lift_summary,
            "indicators": {i: ind.to_json() for i, ind in e.indicators.items()},
            "missing": e.missing}

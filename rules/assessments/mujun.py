"""亩均效益 class (RULES §1): cohort, indicators, score, class, and what would lift the firm.

Two phases, because a class is a rank inside a population:
``evaluate`` works on one record (cohort, indicators, score up to the missing-emission rule);
``classify`` takes every evaluation of a population and fills in emission points, classes and
the lift to the next class, then builds each firm's result tree.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rules.engine import Ctx, Node, Outcome, ParamRef, all_of, compare, flag, fmt, info, ratio
from rules.numbers import REL, meets, product, quotient, round_down, round_up
from rules.record import Record
from rules.schema import COHORT_INDICATORS, COHORT_NAMES, INDICATOR_NAMES
from rules.units import EQUAL, Quantity, emission_total, energy_tce
from rules.wording import num_pair

ABOVE, BELOW, EXCLUDED, OUT = "above_scale", "below_scale", "excluded", "out_of_scope"
COHORT_LABELS = {ABOVE: "规上企业", BELOW: "规下企业（用地3亩及以上）", EXCLUDED: "参评但不分类",
                 OUT: "不在评价范围"}
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

    def to_json(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 6)
        return {"value": r(self.value), "benchmark": self.benchmark, "ratio": r(self.ratio),
                "weight": self.weight, "points": r(self.points),
                **({"imputed": True} if self.imputed else {})}


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
    if not scale:
        land = compare(ctx, "scope.land", "规下企业实际用地不少于门槛", rec.land_mu, ">=",
                       "mujun.below_scale_min_land", {"land_mu": rec.land_mu})
        nodes.append(land)
        if land.outcome is Outcome.UNKNOWN:
            return None, "缺少实际用地面积，无法判断规下企业是否参评", nodes, ["land_mu"]
        if land.outcome is Outcome.UNMET:
            why = (f"规下企业实际用地 {fmt(rec.land_mu)} 亩，不足 {fmt(land.threshold)} 亩，"
                   "不在评价范围（部分县单列）")
            return OUT, why, nodes, []
    cohort = ABOVE if scale else BELOW
    # Exclusions: evaluated but not graded.
    ex: list[Node] = []
    in_prod = True if rec.in_production is None else rec.in_production
    ex.append(flag("exclude.in_production", "已投产", in_prod, {"in_production": rec.in_production},
                   note="未填视为已投产" if rec.in_production is None else ""))
    ex[-1].missing = []
    year = rec.year
    founded = (year - rec.founded_year) if year and rec.founded_year else None
    n = compare(ctx, "exclude.founded", "成立年限", founded, ">=", "mujun.min_years_since_founded",
                {"year": year, "founded_year": rec.founded_year}, unit="年")
    if founded is None:
        n.outcome, n.note = Outcome.NA, "未填成立年份，按不排除处理"
    ex.append(n)
    land_years = (year - rec.land_acquired_year) if year and rec.land_acquired_year else None
    n = compare(ctx, "exclude.land_acquired", "取得土地年限", land_years, ">=",
                "mujun.min_years_since_land",
                {"year": year, "land_acquired_year": rec.land_acquired_year}, unit="年")
    if land_years is None:
        n.outcome, n.note = Outcome.NA, "未填取得土地年份，按不排除处理"
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
    return cohort, f"{COHORT_NAMES[cohort]}，参加分类", nodes, []


def _indicator_values(ctx: Ctx, rec: Record, cohort: str) -> tuple[dict[str, Indicator],
                                                                       Quantity | None]:
    va, tax, land = rec.value_added, rec.tax, rec.land_mu
    out: dict[str, Indicator] = {}

    def add(i: str, num: float | None, den: float | None, unit: str, inputs: dict[str, Any],
            how: str = "") -> None:
        out[i] = Indicator(i, ratio(num, den), unit, inputs, how, denominator=den)

    add("tax_per_mu", tax, land, "万元/亩", {"tax": tax, "land_mu": land})
    energy = None
    if cohort == ABOVE:
        add("value_added_per_mu", va, land, "万元/亩", {"value_added": va, "land_mu": land})
        energy = energy_tce(ctx, rec, EQUAL)
        how = energy.how + ("；用到电力等价值折标系数的默认值（低可信度），结论请核对"
                            if energy.depends_on_default else "")
        add("value_added_per_energy", va, energy.value, "万元/吨标准煤",
            {"value_added": va, **energy.inputs}, how)
        out["value_added_per_energy"].params = list(energy.params)
        em = emission_total(ctx, rec)
        add("value_added_per_emission", va, em.value, "万元/千当量",
            {"value_added": va, **em.inputs}, em.how)
        out["value_added_per_emission"].params = list(em.params)
        add("labour_productivity", va, rec.employees, "万元/人",
            {"value_added": va, "employees": rec.employees})
        add("rd_ratio", rec.rd_expense, rec.main_revenue, "比例",
            {"rd_expense": rec.rd_expense, "main_revenue": rec.main_revenue})
    else:
        add("tax_per_electricity", tax, rec.electricity_10k_kwh, "万元/万千瓦时",
            {"tax": tax, "electricity_10k_kwh": rec.electricity_10k_kwh})
    return out, energy


def evaluate(ctx: Ctx, rec: Record) -> MujunEval:
    cohort, reason, scope, missing = _scope(ctx, rec)
    if cohort is None:
        return MujunEval(rec, OUT, reason, INCOMPLETE, scope, missing=missing)
    if cohort in (EXCLUDED, OUT):
        return MujunEval(rec, cohort, reason, NOT_GRADED, scope)
    inds, energy = _indicator_values(ctx, rec, cohort)
    ev = MujunEval(rec, cohort, reason, SCORED, scope, inds, energy=energy)
    cap = ctx.v("mujun.cap")
    weights_set = True
    years: set[int | None] = set()
    for i, ind in inds.items():
        wref = ctx.ref(f"mujun.{cohort}.{i}.weight", rec.year)
        bref = ctx.ref(f"mujun.{cohort}.{i}.benchmark", rec.year)
        ind.params = [wref, bref, *ind.params] + ([ctx.ref("mujun.cap")] if cap else [])
        ind.weight, ind.benchmark = wref.value, bref.value
        years.add(bref.data_year)
        if ind.weight is None or ind.benchmark is None:
            weights_set = False
            continue
        if ind.value is not None:
            ind.ratio = quotient(ind.value, ind.benchmark)
            assert ind.ratio is not None
            capped = min(ind.ratio, cap) if cap else ind.ratio
            ind.points = product(ind.weight, capped)
    ev.benchmark_year, ev.benchmark_note = benchmark_year(rec.year, years)
    if not weights_set:
        ev.status = NO_WEIGHTS
        ev.reason += "；本配置没有该类企业的权重和基准值，只能给出指标值，不能计分"
        return ev
    for i, ind in inds.items():
        if ind.value is None and ind.weight:
            if i == "value_added_per_emission" and ind.inputs.get("value_added") is not None \
                    and ctx.v("mujun.missing_emission") == "cohort_mean":
                ind.imputed = True  # points filled in by classify()
                continue
            ev.missing += [k for k, v in ind.inputs.items() if v is None] or [i]
    if ev.missing:
        ev.status = INCOMPLETE
        ev.missing = list(dict.fromkeys(ev.missing))
        ev.reason += "；缺少计分所需数据，无法得出得分"
        return ev
    return ev


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
    return sum(i.points or 0.0 for i in ev.indicators.values())


@dataclass
class CohortStats:
    """What a firm's class depends on besides its own figures: the scores of its cohort
    (same cohort, year and profile, the firm included) and the mean emission points used for
    firms without emission data. Kept so that one firm's tree can be rebuilt later."""

    cohort: str
    year: int | None
    ascending: list[float]
    emission_mean: float | None
    emission_count: int
    # For each score of ``ascending``: whether it holds the mean emission points (then it rises
    # when a firm with emission data raises the mean). Empty when not known (older stores).
    imputed: list[bool] = field(default_factory=list)

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


def score_input(e: MujunEval) -> ScoreInput | None:
    if e.status != SCORED:
        return None
    em = e.indicators.get("value_added_per_emission")
    imputed = em is not None and em.imputed
    return ScoreInput(e.cohort, e.year,
                      sum(i.points or 0.0 for i in e.indicators.values() if not i.imputed),
                      None if em is None or imputed else em.points, imputed,
                      (em.weight or 0.0) if em is not None else 0.0)


def cohort_stats(inputs: list[ScoreInput | None]) -> dict[tuple[str, int | None], CohortStats]:
    """Each cohort's scores, after filling in missing emission points with the cohort's mean
    among firms that have emission data (黄岩 rule; full weight when none has)."""
    groups: dict[tuple[str, int | None], list[ScoreInput]] = {}
    for s in inputs:
        if s is not None:
            groups.setdefault((s.cohort, s.year), []).append(s)
    stats = {}
    for (cohort, year), members in groups.items():
        with_em = [s.emission for s in members if s.emission is not None]
        mean = sum(with_em) / len(with_em) if with_em else None
        pairs = sorted((s.points + ((mean if mean is not None else s.emission_weight)
                                    if s.imputed else 0.0), s.imputed and mean is not None)
                       for s in members)
        stats[(cohort, year)] = CohortStats(cohort, year, [p for p, _ in pairs], mean,
                                            len(with_em), [i for _, i in pairs])
    return stats


def classify(ctx: Ctx, evals: list[MujunEval], single: bool) -> dict[tuple, CohortStats]:
    """Scores, classes and lifts for a whole population; returns the cohort statistics."""
    stats = cohort_stats([score_input(e) for e in evals])
    for e in evals:
        if e.status == SCORED:
            classify_one(ctx, e, stats[(e.cohort, e.year)], single)
    return stats


def classify_one(ctx: Ctx, e: MujunEval, st: CohortStats, single: bool) -> None:
    """Class and lift of one scored firm inside its cohort (``st`` includes the firm)."""
    _impute_emission(ctx, e, st.emission_mean, st.emission_count, single)
    e.score = _score(e)
    min_cohort = ctx.ref("mujun.min_cohort")
    shares = [ctx.ref(f"mujun.share_{c}") for c in "abc"]
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
            note=f"同年度同类企业 {n} 家中排名第 {rank}（并列取较好名次），位次比例 "
                 f"{rank}/{n} = {share:.2%}")
        e.lift = _lift_percentile(ctx, e, st, shares, names)
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
        if cls != "A":
            e.lift = _lift_nodes(ctx, e, cuts["ABCD".index(cls) - 1], _prev(cls), names)
    else:
        why = ("单家企业自评没有可排名的同类企业，" if single else
               f"同类企业仅 {n} 家，少于按排名分类所需的 {min_cohort.value} 家，")
        e.class_node = Node("class", "分类：无法确定", Outcome.UNKNOWN, params=[
            min_cohort, *cut_refs], note=why + "且本配置没有分类得分线。"
            "可载入园区发布的基准值与得分线后再自评。")


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


# indicator → (the field in its numerator, the denominator's name when it can be cut alone)
_NUMERATOR = {"tax_per_mu": "tax", "value_added_per_mu": "value_added",
              "value_added_per_energy": "value_added", "value_added_per_emission": "value_added",
              "labour_productivity": "value_added", "rd_ratio": "rd_expense",
              "tax_per_electricity": "tax"}
_CUT = {"value_added_per_energy": ("energy", "综合能耗（等价值）", "吨标准煤"),
        "value_added_per_emission": ("emission", "排放当量", "千当量"),
        "tax_per_electricity": ("electricity_10k_kwh", "用电量", "万千瓦时")}
_FIELD_NAMES = {"tax": "实缴税金", "value_added": "工业增加值", "rd_expense": "研发费用"}
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
    fields: dict[str, dict[str, Any]] = {}
    for f in ("tax", "value_added", "rd_expense"):
        moved = [i for i, ind in usable.items() if _NUMERATOR[i] == f]
        if not moved or gap <= 0:
            continue
        gains = {i: quotient(usable[i].weight, product(usable[i].benchmark,
                                                       usable[i].denominator)) or 0.0
                 for i in moved}
        per_unit = sum(gains.values())
        if per_unit <= 0:
            continue
        delta = round_up(needed(per_unit, spill * gains.get("value_added_per_emission", 0.0)),
                         _PLACES)
        if not math.isfinite(delta):
            continue
        if cap and any(quotient(usable[i].value + delta / usable[i].denominator,
                                usable[i].benchmark) > cap for i in moved):
            head.children.append(info(f"lift.field.{f}", f"提高{_FIELD_NAMES[f]}",
                                      "相关指标将超过封顶比值，单独提高此项无法弥补差距"))
            continue
        names_moved = "、".join(INDICATOR_NAMES[i] for i in moved)
        base = rec.get(f)
        share = (f"（现有的 {fmt(round_up(delta / base * 100, 1))}%）"
                 if base is not None and base > 0 else "")
        fields[f] = {"field": f, "delta": delta, "indicators": moved}
        head.children.append(info(
            f"lift.field.{f}", f"提高{_FIELD_NAMES[f]}",
            f"{_FIELD_NAMES[f]}增加 {fmt(delta)} 万元{share}"
            + (f"，同时提高{names_moved}" if len(moved) > 1 else f"，提高{names_moved}"),
            value=delta, unit="万元"))
    indicators: dict[str, dict[str, Any]] = {}
    for i, ind in usable.items():
        assert ind.weight is not None and ind.value is not None and ind.benchmark is not None
        per_value = ind.weight / ind.benchmark
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
    if e.score is not None:
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
            **({"rank": e.rank, "population": e.population} if e.rank else {}),
            "lift": e.lift_summary,
            "indicators": {i: ind.to_json() for i, ind in e.indicators.items()},
            "missing": e.missing}

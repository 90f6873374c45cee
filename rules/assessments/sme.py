"""优质中小企业梯度 (RULES §4): size class, the tier under the rules in force on ``as_of``
(2022 MIIT rules before the switch date, 2026 rules from it), and side checks."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from rules.assessments.digital import level_of
from rules.catalogue import MAKER_RANKS
from rules.engine import (
    OUTCOME_LABELS,
    Ctx,
    Node,
    Outcome,
    all_of,
    any_of,
    band_item,
    band_points,
    blockers,
    bool_bounds,
    compare,
    flag,
    fmt,
    info,
    points_item,
    ratio,
    score_at_least,
    score_total,
)
from rules.numbers import compound_growth, growth, meets, quotient, total
from rules.record import Record

TIERS = ("none", "innovative", "specialised", "little_giant")
TIER_NAMES = {"none": "未达到创新型", "innovative": "创新型中小企业",
              "specialised": "专精特新中小企业", "little_giant": "专精特新“小巨人”企业"}
TIER_TITLES = {"innovative": "创新型", "specialised": "专精特新", "little_giant": "小巨人"}
SIZE_NAMES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
GROWTH_METHODS = {"geometric": "几何平均", "arithmetic": "算术平均"}
GROWTH_CAVEAT = "两年平均增长率的算法为低可信度默认值，请核对"
# A title at or above a tier shows the tier was held (小巨人 are 专精特新 first).
TITLES_AT_OR_ABOVE = {"innovative": ("创新型", "专精特新", "小巨人"),
                      "specialised": ("专精特新", "小巨人")}


@dataclass
class Derived:
    """Ratios the ladder reads, ``None`` where an input is missing or a denominator is 0."""

    rd_ratio: float | None
    rd_ratio_prev: float | None
    main_share: float | None
    debt: float | None
    growth1: float | None
    growth2: float | None  # two-year average main-revenue growth, by ``growth_method``
    rev_growth2: float | None  # two-year compound operating-revenue growth (2026 小巨人)
    margin: float | None
    rd_staff_share: float | None
    digital_level: int | None
    growth_method: str = "geometric"
    growth2_alt: float | None = None  # the same average by the other method (for caveats)

    @property
    def alt_method(self) -> str:
        return "arithmetic" if self.growth_method == "geometric" else "geometric"

    def alternative(self) -> Derived:
        """The same figures with the two-year average computed by the other method."""
        return replace(self, growth_method=self.alt_method, growth2=self.growth2_alt,
                       growth2_alt=self.growth2)


def two_year_growth(now: float | None, prev: float | None, prev2: float | None,
                    method: str) -> float | None:
    """Average yearly growth over two years, exactly: geometric √(now ÷ prev2) − 1, or the
    arithmetic mean of the two yearly rates (RULES §4.2, [L] default: geometric)."""
    if method == "arithmetic":
        g1, g0 = growth(now, prev), growth(prev, prev2)
        return None if g1 is None or g0 is None else quotient(total([g1, g0]), 2)
    return compound_growth(now, prev2)


def derive(ctx: Ctx, rec: Record) -> Derived:
    mr, mr1, mr2 = rec.main_revenue, rec.main_revenue_prev, rec.main_revenue_prev2
    method = ctx.v("sme.growth_method")
    alt = "arithmetic" if method == "geometric" else "geometric"
    level = level_of(ctx, rec)
    return Derived(
        rd_ratio=ratio(rec.rd_expense, rec.revenue),
        rd_ratio_prev=ratio(rec.rd_expense_prev, rec.revenue_prev),
        main_share=ratio(mr, rec.revenue), debt=ratio(rec.total_liabilities, rec.total_assets),
        growth1=growth(mr, mr1), growth2=two_year_growth(mr, mr1, mr2, method),
        rev_growth2=compound_growth(rec.revenue, rec.revenue_prev2),
        margin=ratio(rec.net_profit, rec.revenue), rd_staff_share=ratio(rec.rd_staff, rec.employees),
        digital_level=level, growth_method=method,
        growth2_alt=two_year_growth(mr, mr1, mr2, alt))


def _pct(x: float) -> str:
    return f"{x:.2%}"


def _growth_caveat_met(node: Node, d: Derived) -> None:
    """Say so on a "growth ≥ threshold" condition that the other averaging method decides the
    other way."""
    if node.outcome not in (Outcome.MET, Outcome.UNMET) or d.growth2_alt is None:
        return
    met = node.outcome is Outcome.MET
    if meets(d.growth2_alt, node.op, node.threshold) == met:
        return
    word = {True: "满足", False: "不满足"}
    node.caveat = (f"按{GROWTH_METHODS[d.growth_method]}（{_pct(d.growth2)}）{word[met]}、"
                   f"按{GROWTH_METHODS[d.alt_method]}（{_pct(d.growth2_alt)}）{word[not met]}；"
                   + GROWTH_CAVEAT)


def _growth_caveat_points(node: Node, bands: Any, d: Derived) -> None:
    """The same for a banded score item: the points the other method would give."""
    if node.points != node.points_max or d.growth2_alt is None or d.growth2 is None:
        return
    alt = float(band_points(d.growth2_alt, bands))
    if alt == node.points:
        return
    node.caveat = (f"按{GROWTH_METHODS[d.growth_method]}（{_pct(d.growth2)}）得 {fmt(node.points)} 分、"
                   f"按{GROWTH_METHODS[d.alt_method]}（{_pct(d.growth2_alt)}）得 {fmt(alt)} 分；"
                   + GROWTH_CAVEAT)


def size_class(ctx: Ctx, rec: Record) -> tuple[str | None, Node]:
    emp, rev = rec.employees, rec.revenue
    keys = [f"sme.size.{s}_{k}" for s in ("large", "medium", "small") for k in ("employees", "revenue")]
    refs = [ctx.ref(k) for k in keys]
    v = {k.split("size.")[1]: r.value for k, r in zip(keys, refs)}
    size: str | None = None
    if emp is not None and rev is not None:
        if emp >= v["large_employees"] and rev >= v["large_revenue"]:
            size = "large"
        elif emp >= v["medium_employees"] and rev >= v["medium_revenue"]:
            size = "medium"
        elif emp >= v["small_employees"] and rev >= v["small_revenue"]:
            size = "small"
        else:
            size = "micro"
    elif (emp is not None and emp < v["small_employees"]) or (
            rev is not None and rev < v["small_revenue"]):
        size = "micro"
    node = Node("sme.size", "企业规模（工业）", Outcome.UNKNOWN if size is None else
                Outcome.UNMET if size == "large" else Outcome.MET, value=SIZE_NAMES.get(size or ""),
                inputs={"employees": emp, "revenue": rev}, params=refs,
                note="中小企业梯度培育只适用于中小微企业" if size == "large" else "")
    node.missing = [k for k, x in node.inputs.items() if x is None] if size is None else []
    return size, node


def _titles(rec: Record) -> frozenset[str]:
    return rec.titles or frozenset()


_NO_TITLES_NOTE = "“已获称号”未填视为未获任何称号"


def _maker(ctx: Ctx, id: str, rec: Record, key: str) -> Node:
    """The "创客中国" direct route: a national rank at least the parameter's (50强 is within
    500强). Blank is unknown, never 无."""
    ref = ctx.ref(key)
    rank = rec.maker_china_rank
    ok = None if rank is None else MAKER_RANKS.index(rank) >= MAKER_RANKS.index(ref.value)
    node = flag(id, f"近三年进入“创客中国”大赛全国{ref.value}", ok, {"maker_china_rank": rank},
                params=[ref])
    node.value = rank
    return node


def _ip_level(hv: bool, sd: bool, c1: bool, c2: bool) -> str:
    return ("high_value" if hv else "self_developed" if sd else "class1" if c1 else
            "class2" if c2 else "none")


def _ge1(n: int | None) -> bool | None:
    return None if n is None else n >= 1


def _ip_item(ctx: Ctx, id: str, rec: Record, key: str) -> Node:
    ref = ctx.ref(key)
    pts = ref.value
    possible = bool_bounds(lambda hv, sd, c1, c2: pts[_ip_level(hv, sd, c1, c2)],
                           hv=rec.ip_class1_high_value, sd=rec.ip_class1_self_developed,
                           c1=_ge1(rec.ip_class1), c2=_ge1(rec.ip_class2))
    return points_item(id, "与主导产品相关的有效知识产权", possible,
                       {"ip_class1_high_value": rec.ip_class1_high_value,
                        "ip_class1_self_developed": rec.ip_class1_self_developed,
                        "ip_class1": rec.ip_class1, "ip_class2": rec.ip_class2},
                       [ref], top=max(pts.values()))


def _map_item(ctx: Ctx, id: str, label: str, key: str, value: Any, field_id: str) -> Node:
    ref = ctx.ref(key)
    pts = ref.value
    possible = list(pts.values()) if value is None else [pts[value]]
    return points_item(id, label, possible, {field_id: value}, [ref], top=max(pts.values()),
                       value=value)


# ----------------------------------------------------------------------------- 创新型 (2022)


def _held(ctx: Ctx, rec: Record, key: str) -> Node:
    """2026: a valid title named by the parameter (科技型、创新型) holds the first tier."""
    ref = ctx.ref(key)
    titles = _titles(rec)
    have = [t for t in ref.value if t in titles]
    node = flag("innovative.held", "已获" + "或".join(f"“{t}”" for t in ref.value) + "称号（有效期内）",
                bool(have), {"titles": sorted(titles)}, params=[ref],
                note=_NO_TITLES_NOTE if rec.titles is None else "")
    node.value = "、".join(have) or None
    return node


def innovative(ctx: Ctx, rec: Record, d: Derived, rules_note: str = "",
               held_key: str = "") -> Node:
    """创新型 (2022 scoring); from 2026 科技和创新型, which a ``held_key`` title also holds."""
    k = "sme.2022.innovative."
    titles = _titles(rec)
    direct = any_of("innovative.direct", "直通条件", [
        flag("innovative.direct.award", "近三年获省部级以上科技奖励", rec.sci_award,
             {"sci_award": rec.sci_award}),
        flag("innovative.direct.hntech", "已获高新技术企业认定", "高新技术" in titles,
             {"titles": sorted(titles)}, note=_NO_TITLES_NOTE if rec.titles is None else ""),
        flag("innovative.direct.institution", "拥有省级以上研发机构",
             None if rec.rd_institution is None else rec.rd_institution in ("省级", "国家级"),
             {"rd_institution": rec.rd_institution}),
        compare(ctx, "innovative.direct.equity", "新增股权融资", rec.equity_financing_2y, ">=",
                k + "direct_equity", {"equity_financing_2y": rec.equity_financing_2y},
                note="办法为近三年，本软件字段为近两年：近三年合计可能更高"),
    ])
    ip = _ip_item(ctx, "innovative.score.ip", rec, k + "ip_points")
    rd = band_item(ctx, "innovative.score.rd", "研发费用占营业收入比重", d.rd_ratio, k + "rd_ratio_points",
                   {"rd_expense": rec.rd_expense, "revenue": rec.revenue})
    growth = band_item(ctx, "innovative.score.growth", "上年主营业务收入增长率", d.growth1,
                       k + "growth_points",
                       {"main_revenue": rec.main_revenue, "main_revenue_prev": rec.main_revenue_prev})
    debt = band_item(ctx, "innovative.score.debt", "资产负债率", d.debt, k + "debt_points",
                     {"total_liabilities": rec.total_liabilities, "total_assets": rec.total_assets},
                     ge=False)
    strat = _map_item(ctx, "innovative.score.strategic", "主导产品属战略性新兴产业",
                      k + "strategic_points",
                      None if rec.strategic_emerging is None else
                      ("是" if rec.strategic_emerging else "否"), "strategic_emerging")
    share = band_item(ctx, "innovative.score.main_share", "主营业务收入占营业收入比重", d.main_share,
                      k + "main_share_points", {"main_revenue": rec.main_revenue,
                                                "revenue": rec.revenue})
    g_inn = score_total("innovative.score.innovation", "创新能力", [ip, rd])
    g_gro = score_total("innovative.score.growth_total", "成长性", [growth, debt])
    g_spe = score_total("innovative.score.specialisation", "专业化", [strat, share])
    total = score_total("innovative.score", "评价得分", [g_inn, g_gro, g_spe])
    route = all_of("innovative.scored", "评价得分路径", [
        score_at_least(ctx, "innovative.min_score", "总分", total, k + "min_score"),
        score_at_least(ctx, "innovative.min_innovation", "创新能力得分", g_inn, k + "min_innovation",
                       attach=False),
        score_at_least(ctx, "innovative.min_growth", "成长性得分", g_gro, k + "min_growth",
                       attach=False),
        score_at_least(ctx, "innovative.min_specialisation", "专业化得分", g_spe,
                       k + "min_specialisation", attach=False),
    ])
    routes = [_held(ctx, rec, held_key), direct, route] if held_key else [direct, route]
    return any_of("innovative", TIER_NAMES["innovative"], routes, note=rules_note or
                  "满足直通条件之一，或评价得分达标")


# ----------------------------------------------------------------------------- 2022 rules


def specialised_2022(ctx: Ctx, rec: Record, d: Derived, inn: Node) -> Node:
    k = "sme.2022.specialised."
    niche = compare(ctx, "specialised.niche_years", "从事特定细分市场年限", rec.niche_years, ">=",
                    k + "min_niche_years", {"niche_years": rec.niche_years})
    rd = all_of("specialised.rd", "研发投入", [
        compare(ctx, "specialised.rd_expense", "上年研发费用", rec.rd_expense, ">=", k + "min_rd_expense",
                {"rd_expense": rec.rd_expense}),
        compare(ctx, "specialised.rd_ratio", "研发费用占营业收入比重", d.rd_ratio, ">=", k + "min_rd_ratio",
                {"rd_expense": rec.rd_expense, "revenue": rec.revenue}),
    ])
    scale = any_of("specialised.scale", "营业收入或股权融资", [
        compare(ctx, "specialised.revenue", "上年营业收入", rec.revenue, ">=", k + "min_revenue",
                {"revenue": rec.revenue}),
        compare(ctx, "specialised.alt_equity", "近两年新增股权融资", rec.equity_financing_2y, ">=",
                k + "alt_equity", {"equity_financing_2y": rec.equity_financing_2y}),
    ])
    total = _specialised_score(ctx, rec, d)
    avg_rd = None if rec.rd_expense is None or rec.rd_expense_prev is None else \
        (rec.rd_expense + rec.rd_expense_prev) / 2
    route = any_of("specialised.route", "评价得分或直通条件", [
        score_at_least(ctx, "specialised.min_score", "评价得分", total, k + "min_score"),
        flag("specialised.direct.award", "近三年获省部级以上科技奖励", rec.sci_award,
             {"sci_award": rec.sci_award}),
        compare(ctx, "specialised.direct.avg_rd", "近两年研发费用平均", avg_rd, ">=", k + "direct_avg_rd",
                {"rd_expense": rec.rd_expense, "rd_expense_prev": rec.rd_expense_prev}),
        compare(ctx, "specialised.direct.equity", "近两年新增股权融资", rec.equity_financing_2y, ">=",
                k + "direct_equity", {"equity_financing_2y": rec.equity_financing_2y}),
        _maker(ctx, "specialised.direct.maker", rec, k + "direct_maker_rank"),
    ])
    prereq = _prereq(ctx, "specialised.prerequisite", rec, "sme.2022.prerequisite", "innovative",
                     inn, TITLES_AT_OR_ABOVE["innovative"])
    return all_of("specialised", TIER_NAMES["specialised"], [prereq, niche, rd, scale, route],
                  note="工信部企业〔2022〕63号 附件2：同时满足四项条件；前置条件的出处见该项")


def _specialised_score(ctx: Ctx, rec: Record, d: Derived) -> Node:
    k = "sme.2022.specialised."
    share = band_item(ctx, "specialised.score.main_share", "主营业务收入占比", d.main_share,
                      k + "main_share_points", {"main_revenue": rec.main_revenue, "revenue": rec.revenue})
    growth = band_item(ctx, "specialised.score.growth", "近两年主营业务收入平均增长率", d.growth2,
                       k + "growth_points", _growth_inputs(rec, d),
                       note=f"按{GROWTH_METHODS[d.growth_method]}计算")
    growth.params.append(ctx.ref("sme.growth_method"))
    _growth_caveat_points(growth, growth.params[0].value, d)
    per = ctx.ref(k + "niche_years_per_point")
    nmax = ctx.ref(k + "niche_points_max")
    niche_pts = ([min(math.floor(rec.niche_years / per.value), nmax.value)]
                 if rec.niche_years is not None else [0, nmax.value])
    niche = points_item("specialised.score.niche", "从事特定细分市场年限", niche_pts,
                        {"niche_years": rec.niche_years}, [per, nmax], top=nmax.value,
                        value=rec.niche_years)
    field = _map_item(ctx, "specialised.score.product_field", "主导产品所属领域", k + "product_field_points",
                      rec.product_field, "product_field")
    digital = band_item(ctx, "specialised.score.digital", "数字化水平等级",
                        None if d.digital_level is None else float(d.digital_level),
                        k + "digital_points", {"digital_level": d.digital_level})
    qper, qmax = ctx.ref(k + "quality_points_per_item"), ctx.ref(k + "quality_points_max")
    qpts = ([min(rec.quality_items * qper.value, qmax.value)] if rec.quality_items is not None
            else [0, qmax.value])
    quality = points_item("specialised.score.quality", "质量管理水平", qpts,
                          {"quality_items": rec.quality_items}, [qper, qmax], top=qmax.value,
                          value=rec.quality_items)
    margin = band_item(ctx, "specialised.score.margin", "净利润率", d.margin, k + "margin_points",
                       {"net_profit": rec.net_profit, "revenue": rec.revenue})
    debt = band_item(ctx, "specialised.score.debt", "资产负债率", d.debt, k + "debt_points",
                     {"total_liabilities": rec.total_liabilities, "total_assets": rec.total_assets},
                     ge=False)
    lmax = ctx.ref(k + "local_points_max")
    lpts = ([min(rec.local_points, lmax.value)] if rec.local_points is not None
            else [0, lmax.value])
    local = points_item("specialised.score.local", "地方特色指标（企业自填）", lpts,
                        {"local_points": rec.local_points}, [lmax], top=lmax.value,
                        value=rec.local_points)
    ip = _ip_item(ctx, "specialised.score.ip", rec, k + "ip_points")
    amount = band_item(ctx, "specialised.score.rd_amount", "研发费用总额", rec.rd_expense,
                       k + "rd_amount_points", {"rd_expense": rec.rd_expense})
    rdr = band_item(ctx, "specialised.score.rd_ratio", "研发费用占比", d.rd_ratio, k + "rd_ratio_points",
                    {"rd_expense": rec.rd_expense, "revenue": rec.revenue})
    best_lo = max(amount.points or 0, rdr.points or 0)
    best_hi = max(amount.points_max or 0, rdr.points_max or 0)
    rd = points_item("specialised.score.rd", "研发费用投入（总额与占比取高者）",
                     [best_lo, best_hi], {"rd_expense": rec.rd_expense, "revenue": rec.revenue},
                     [], top=max(amount.points_max or 0, rdr.points_max or 0))
    rd.children = [amount, rdr]
    if best_lo == best_hi:
        rd.outcome = Outcome.MET if best_lo >= 10 else Outcome.UNMET
    staff = band_item(ctx, "specialised.score.rd_staff", "研发人员占比", d.rd_staff_share,
                      k + "rd_staff_points", {"rd_staff": rec.rd_staff, "employees": rec.employees})
    inst = _map_item(ctx, "specialised.score.institution", "研发机构级别", k + "institution_points",
                     rec.rd_institution, "rd_institution")
    return score_total("specialised.score", "专精特新评价得分", [
        score_total("specialised.score.specialisation", "专业化", [share, growth, niche, field]),
        score_total("specialised.score.refinement", "精细化", [digital, quality, margin, debt]),
        score_total("specialised.score.features", "特色化", [local]),
        score_total("specialised.score.innovation", "创新能力", [ip, rd, staff, inst]),
    ])


def _growth_inputs(rec: Record, d: Derived) -> dict[str, Any]:
    mid = {"main_revenue_prev": rec.main_revenue_prev} if d.growth_method == "arithmetic" else {}
    return {"main_revenue": rec.main_revenue, **mid, "main_revenue_prev2": rec.main_revenue_prev2}


def little_giant_2022(ctx: Ctx, rec: Record, d: Derived, spec: Node) -> Node:
    k = "sme.2022.little_giant."
    rev = rec.revenue
    large, mid = ctx.ref(k + "large_revenue"), ctx.ref(k + "mid_revenue")
    def both(id: str, label: str, key: str) -> Node:
        return all_of(id, label, [
            compare(ctx, id + ".last", "上年研发费用占营业收入比重", d.rd_ratio, ">=", key,
                    {"rd_expense": rec.rd_expense, "revenue": rec.revenue}),
            compare(ctx, id + ".prev", "前一年研发费用占营业收入比重", d.rd_ratio_prev, ">=", key,
                    {"rd_expense_prev": rec.rd_expense_prev, "revenue_prev": rec.revenue_prev}),
        ])
    if rev is None:
        band = Node("little_giant.rd_band", "研发投入（按营业收入分档）", Outcome.UNKNOWN,
                    inputs={"revenue": None}, missing=["revenue"], params=[large, mid])
    elif rev >= large.value:
        band = both("little_giant.rd_band", f"营业收入 ≥ {fmt(large.value)} 万元：近两年研发占比均达标",
                    k + "large_min_rd_ratio")
    elif rev >= mid.value:
        band = both("little_giant.rd_band", f"营业收入 {fmt(mid.value)}–{fmt(large.value)} 万元："
                    "近两年研发占比均达标", k + "mid_min_rd_ratio")
    else:
        rd2 = None if rec.rd_expense is None or rec.rd_expense_prev is None else \
            rec.rd_expense + rec.rd_expense_prev
        band = all_of("little_giant.rd_band", f"营业收入 < {fmt(mid.value)} 万元：融资与研发投入", [
            compare(ctx, "little_giant.small.equity", "近两年新增股权融资", rec.equity_financing_2y, ">=",
                    k + "small_min_equity", {"equity_financing_2y": rec.equity_financing_2y}),
            compare(ctx, "little_giant.small.rd_2y", "近两年研发费用总额", rd2, ">=", k + "small_min_rd_2y",
                    {"rd_expense": rec.rd_expense, "rd_expense_prev": rec.rd_expense_prev}),
            compare(ctx, "little_giant.small.rd_staff", "研发人员占职工总数比重", d.rd_staff_share, ">=",
                    k + "small_min_rd_staff", {"rd_staff": rec.rd_staff, "employees": rec.employees}),
        ])
    if band.kind == "group":
        band.params = [large, mid]
    innovation = any_of("little_giant.innovation", "创新能力", [
        flag("little_giant.innovation.award", "近三年获省部级以上科技奖励（直通）", rec.sci_award,
             {"sci_award": rec.sci_award}),
        _maker(ctx, "little_giant.innovation.maker", rec, k + "direct_maker_rank"),
        all_of("little_giant.innovation.all", "研发投入、研发机构与知识产权", [
            band,
            flag("little_giant.institution", "自建或共建研发机构", None if rec.rd_institution is None
                 else rec.rd_institution != "无", {"rd_institution": rec.rd_institution}),
            compare(ctx, "little_giant.ip_class1", "Ⅰ类知识产权数", rec.ip_class1, ">=",
                    k + "min_ip_class1", {"ip_class1": rec.ip_class1}),
        ]),
    ])
    growth = compare(ctx, "little_giant.growth", "近两年主营业务收入平均增长率", d.growth2, ">=",
                     k + "min_growth", _growth_inputs(rec, d), extra=["sme.growth_method"],
                     note=f"按{GROWTH_METHODS[d.growth_method]}计算")
    _growth_caveat_met(growth, d)
    return all_of("little_giant", TIER_NAMES["little_giant"], [
        _prereq(ctx, "little_giant.prerequisite", rec, "sme.2022.prerequisite", "specialised", spec,
                TITLES_AT_OR_ABOVE["specialised"]),
        compare(ctx, "little_giant.niche_years", "从事特定细分市场年限", rec.niche_years, ">=",
                k + "min_niche_years", {"niche_years": rec.niche_years}),
        compare(ctx, "little_giant.main_share", "主营业务收入占比", d.main_share, ">=", k + "min_main_share",
                {"main_revenue": rec.main_revenue, "revenue": rec.revenue}),
        growth,
        flag("little_giant.core_it", "核心业务采用信息系统", rec.core_business_it,
             {"core_business_it": rec.core_business_it}),
        flag("little_giant.certified", "通过管理体系或产品认证", rec.mgmt_certified,
             {"mgmt_certified": rec.mgmt_certified}),
        compare(ctx, "little_giant.debt", "资产负债率", d.debt, "<=", k + "max_debt",
                {"total_liabilities": rec.total_liabilities, "total_assets": rec.total_assets}),
        compare(ctx, "little_giant.national_share", "国内细分市场占有率", rec.national_share_pct, ">=",
                k + "min_national_share", {"national_share_pct": rec.national_share_pct}),
        flag("little_giant.own_brand", "拥有自主品牌", rec.own_brand, {"own_brand": rec.own_brand}),
        innovation,
        flag("little_giant.key_field", "主导产品属重点领域", rec.key_field_product,
             {"key_field_product": rec.key_field_product}),
    ], note="工信部企业〔2022〕63号 附件3；前置条件的出处见该项")


# ----------------------------------------------------------------------------- ladder


def _prereq(ctx: Ctx, id: str, rec: Record, key: str, tier: str, lower: Node,
            titles: tuple[str, ...], extra: tuple[str, ...] = ()) -> Node:
    """A tier's prerequisite (RULES §4.2, §4.3): the firm holds a title at or above ``tier``
    (``titles``), or qualifies for ``tier`` now and must obtain the title first. The parameter
    ``key`` cites the rule and may switch it off."""
    ref = ctx.ref(key)
    refs = [ref, *(ctx.ref(k) for k in extra)]
    label = f"前置：已获或符合“{TIER_NAMES[tier]}”"
    held = _titles(rec)
    if ref.value == "none":
        return Node(id, label, Outcome.NA, kind="info", params=refs,
                    note="本配置不要求先取得下一层级称号")
    have = [t for t in titles if t in held]
    out = Outcome.MET if have else lower.outcome
    higher = TITLES_AT_OR_ABOVE[tier][1:]
    name = "或".join(f"“{t}”" for t in titles if t not in higher)
    note = (f"已获“{have[0]}”称号" if have else
            f"目前符合“{TIER_NAMES[tier]}”条件，但须先取得该称号" if lower.outcome is Outcome.MET
            else f"未获{name}称号，且尚不确定是否符合其条件（见上）" if lower.outcome is Outcome.UNKNOWN
            else f"未获{name}称号，且尚不符合其条件（见上）")
    if not have and rec.titles is None:
        note += "；" + _NO_TITLES_NOTE
    return Node(id, label, out, value="、".join(have) or None, inputs={"titles": sorted(held)},
                params=refs, note=note)


# ----------------------------------------------------------------------------- 2026 rules


def specialised_2026(ctx: Ctx, rec: Record, d: Derived, inn: Node) -> Node:
    k = "sme.2026.specialised."
    rd_each = [
        compare(ctx, "specialised.rd_expense", "上年研发费用", rec.rd_expense, ">=", k + "min_rd_expense",
                {"rd_expense": rec.rd_expense}),
        compare(ctx, "specialised.rd_expense_prev", "前一年研发费用", rec.rd_expense_prev, ">=",
                k + "min_rd_expense", {"rd_expense_prev": rec.rd_expense_prev}),
        compare(ctx, "specialised.rd_ratio", "上年研发费用占营业收入比重", d.rd_ratio, ">=",
                k + "min_rd_ratio", {"rd_expense": rec.rd_expense, "revenue": rec.revenue}),
        compare(ctx, "specialised.rd_ratio_prev", "前一年研发费用占营业收入比重", d.rd_ratio_prev, ">=",
                k + "min_rd_ratio", {"rd_expense_prev": rec.rd_expense_prev,
                                     "revenue_prev": rec.revenue_prev}),
    ]
    ip = any_of("specialised.ip", "Ⅰ类知识产权（或豁免）", [
        compare(ctx, "specialised.ip_class1", "Ⅰ类知识产权数", rec.ip_class1, ">=", k + "min_ip_class1",
                {"ip_class1": rec.ip_class1}),
        flag("specialised.ip_waiver.award", "获省部级以上科技奖励（豁免）", rec.sci_award,
             {"sci_award": rec.sci_award}),
        flag("specialised.ip_waiver.institution", "拥有省级以上研发机构（豁免）",
             None if rec.rd_institution is None else rec.rd_institution in ("省级", "国家级"),
             {"rd_institution": rec.rd_institution}),
    ])
    zjtx = compare(ctx, "specialised.zjtx_score", "专精特新发展评价得分（国家平台）", rec.zjtx_score, ">=",
                   k + "min_zjtx_score", {"zjtx_score": rec.zjtx_score})
    held = tuple(dict.fromkeys((*ctx.v("sme.2026.innovative.held_titles"),
                                *TITLES_AT_OR_ABOVE["innovative"])))
    return all_of("specialised", TIER_NAMES["specialised"], [
        _prereq(ctx, "specialised.prerequisite", rec, "sme.2026.prerequisite", "innovative", inn,
                held, extra=("sme.2026.innovative.held_titles",)),
        compare(ctx, "specialised.niche_years", "从事特定细分市场年限", rec.niche_years, ">=",
                k + "min_niche_years", {"niche_years": rec.niche_years}),
        any_of("specialised.scale", "营业收入或股权融资", [
            compare(ctx, "specialised.revenue", "上年营业收入", rec.revenue, ">=", k + "min_revenue",
                    {"revenue": rec.revenue}),
            compare(ctx, "specialised.alt_equity", "近两年新增股权融资（合格机构投资者实缴，需人工核实）",
                    rec.equity_financing_2y, ">=", k + "alt_equity",
                    {"equity_financing_2y": rec.equity_financing_2y}),
        ]),
        compare(ctx, "specialised.main_share", "主营业务收入占比", d.main_share, ">=", k + "min_main_share",
                {"main_revenue": rec.main_revenue, "revenue": rec.revenue}),
        compare(ctx, "specialised.debt", "资产负债率", d.debt, "<=", k + "max_debt",
                {"total_liabilities": rec.total_liabilities, "total_assets": rec.total_assets}),
        all_of("specialised.rd", "近两年每年研发投入", rd_each),
        ip, zjtx,
        info("specialised.market_position", "主导产品市场地位较高",
             "办法未给出量化标准，需人工核实"),
    ], note="工信部企业〔2026〕2号：同时满足各项条件；原 15 分地方特色指标与直通条件已取消")


def little_giant_2026(ctx: Ctx, rec: Record, d: Derived, spec: Node) -> Node:
    k = "sme.2026.little_giant."
    rd2 = None if rec.rd_expense is None or rec.rd_expense_prev is None else \
        rec.rd_expense + rec.rd_expense_prev
    return all_of("little_giant", TIER_NAMES["little_giant"], [
        _prereq(ctx, "little_giant.prerequisite", rec, "sme.2026.prerequisite", "specialised", spec,
                TITLES_AT_OR_ABOVE["specialised"]),
        compare(ctx, "little_giant.niche_years", "从事特定细分市场年限", rec.niche_years, ">=",
                k + "min_niche_years", {"niche_years": rec.niche_years}),
        compare(ctx, "little_giant.revenue", "上年营业收入", rec.revenue, ">=", k + "min_revenue",
                {"revenue": rec.revenue}),
        compare(ctx, "little_giant.main_share", "主营业务收入占比", d.main_share, ">=", k + "min_main_share",
                {"main_revenue": rec.main_revenue, "revenue": rec.revenue}),
        compare(ctx, "little_giant.growth", "近两年营业收入复合增长率", d.rev_growth2, ">=", k + "min_growth",
                {"revenue": rec.revenue, "revenue_prev2": rec.revenue_prev2}),
        compare(ctx, "little_giant.debt", "资产负债率", d.debt, "<=", k + "max_debt",
                {"total_liabilities": rec.total_liabilities, "total_assets": rec.total_assets}),
        compare(ctx, "little_giant.rd_2y", "近两年研发费用总额", rd2, ">=", k + "min_rd_2y",
                {"rd_expense": rec.rd_expense, "rd_expense_prev": rec.rd_expense_prev}),
        compare(ctx, "little_giant.rd_ratio", "上年研发费用占营业收入比重", d.rd_ratio, ">=", k + "min_rd_ratio",
                {"rd_expense": rec.rd_expense, "revenue": rec.revenue}),
        compare(ctx, "little_giant.rd_ratio_prev", "前一年研发费用占营业收入比重", d.rd_ratio_prev, ">=",
                k + "min_rd_ratio", {"rd_expense_prev": rec.rd_expense_prev,
                                     "revenue_prev": rec.revenue_prev}),
        compare(ctx, "little_giant.ip_class1", "Ⅰ类知识产权数", rec.ip_class1, ">=", k + "min_ip_class1",
                {"ip_class1": rec.ip_class1},
                note="获国家级科技奖励的可豁免，需人工核实（“科技奖励”字段为省部级以上）"),
        compare(ctx, "little_giant.national_share", "国内细分市场占有率", rec.national_share_pct, ">=",
                k + "min_national_share", {"national_share_pct": rec.national_share_pct}),
        flag("little_giant.key_field", "主导产品属重点领域", rec.key_field_product,
             {"key_field_product": rec.key_field_product}),
        compare(ctx, "little_giant.zjtx_score", "专精特新发展评价得分（国家平台）", rec.zjtx_score, ">=",
                k + "min_zjtx_score", {"zjtx_score": rec.zjtx_score}),
    ], note="工信部企业〔2026〕2号；质量认证、自主品牌、自建研发机构不再作为条件。"
            "2023 年认定企业复核仍用 2022 年标准，本软件未建模")


# ----------------------------------------------------------------------------- side checks


def tech_sme(ctx: Ctx, rec: Record, d: Derived) -> Node:
    k = "sme.tech."
    staff = band_item(ctx, "tech.score.staff", "科技人员占比（以研发人员计）", d.rd_staff_share,
                      k + "staff_points", {"rd_staff": rec.rd_staff, "employees": rec.employees})
    rd = band_item(ctx, "tech.score.rd", "研发费用占销售收入比重", d.rd_ratio, k + "rd_points",
                   {"rd_expense": rec.rd_expense, "revenue": rec.revenue})
    c1, c2 = ctx.ref(k + "ip_class1_points"), ctx.ref(k + "ip_class2_points")

    def ip_pts(has1: bool, n2: float) -> float:
        return c1.value if has1 else band_points(n2, c2.value)
    has1 = _ge1(rec.ip_class1)
    n2 = rec.ip_class2
    options = [ip_pts(h, n) for h in ([True, False] if has1 is None else [has1])
               for n in ([0, 4] if n2 is None else [n2])]
    ip = points_item("tech.score.ip", "知识产权", options,
                     {"ip_class1": rec.ip_class1, "ip_class2": rec.ip_class2}, [c1, c2], top=c1.value)
    total = score_total("tech.score", "科技型中小企业评价得分", [staff, rd, ip])
    staff_pos = Node("tech.staff_nonzero", "科技人员指标得分不为 0", Outcome.UNKNOWN,
                     value=staff.points, unit="分", inputs=staff.inputs, missing=staff.missing)
    if staff.points_max == 0 or (staff.points or 0) > 0:
        staff_pos.outcome = Outcome.MET if (staff.points or 0) > 0 else Outcome.UNMET
    return all_of("tech_sme", "科技型中小企业（旁证）", [
        compare(ctx, "tech.employees", "职工总数", rec.employees, "<=", k + "max_employees",
                {"employees": rec.employees}),
        compare(ctx, "tech.revenue", "年销售收入", rec.revenue, "<=", k + "max_revenue",
                {"revenue": rec.revenue}),
        compare(ctx, "tech.assets", "资产总额", rec.total_assets, "<=", k + "max_assets",
                {"total_assets": rec.total_assets}),
        score_at_least(ctx, "tech.min_score", "评价得分", total, k + "min_score"), staff_pos,
    ], note="国科发政〔2017〕115号；科技人员以研发人员数近似，其余条件需评价系统核实")


def hntech_band(ctx: Ctx, rec: Record, d: Derived) -> Node:
    k = "sme.hntech."
    rev = rec.revenue
    small, mid = ctx.ref(k + "small_max_revenue"), ctx.ref(k + "mid_max_revenue")
    key = None if rev is None else (k + "small_min_rd_ratio" if rev <= small.value else
                                    k + "mid_min_rd_ratio" if rev <= mid.value else
                                    k + "large_min_rd_ratio")
    if key is None:
        rd = Node("hntech.rd_ratio", "研发费用占销售收入比重（按收入分档）", Outcome.UNKNOWN,
                  inputs={"revenue": None}, missing=["revenue"], params=[small, mid])
    else:
        rd = compare(ctx, "hntech.rd_ratio", "研发费用占销售收入比重（按收入分档）", d.rd_ratio, ">=", key,
                     {"rd_expense": rec.rd_expense, "revenue": rev}, extra=[k + "small_max_revenue",
                                                                          k + "mid_max_revenue"])
    return all_of("hntech", "高新技术企业研发比例（旁证）", [
        rd,
        compare(ctx, "hntech.tech_staff", "科技人员占职工总数比例（以研发人员计）", d.rd_staff_share, ">=",
                k + "min_tech_staff", {"rd_staff": rec.rd_staff, "employees": rec.employees}),
    ], note="国科发火〔2016〕32号第十一条：只检查可计算的两项，其余条件需正式认定")


def champion(ctx: Ctx, rec: Record, d: Derived) -> Node:
    k = "sme.champion."
    return all_of("champion", "浙江省隐形冠军（可考虑申报）", [
        compare(ctx, "champion.revenue_min", "营业收入下限", rec.revenue, ">=", k + "min_revenue",
                {"revenue": rec.revenue}),
        compare(ctx, "champion.revenue_max", "营业收入上限", rec.revenue, "<=", k + "max_revenue",
                {"revenue": rec.revenue}),
        compare(ctx, "champion.niche_years", "从事细分市场年限", rec.niche_years, ">=", k + "min_niche_years",
                {"niche_years": rec.niche_years}),
        compare(ctx, "champion.rd_ratio", "上年研发费用占比", d.rd_ratio, ">=", k + "min_rd_ratio",
                {"rd_expense": rec.rd_expense, "revenue": rec.revenue}),
        compare(ctx, "champion.rd_ratio_prev", "前一年研发费用占比", d.rd_ratio_prev, ">=", k + "min_rd_ratio",
                {"rd_expense_prev": rec.rd_expense_prev, "revenue_prev": rec.revenue_prev}),
        compare(ctx, "champion.debt", "资产负债率", d.debt, "<=", k + "max_debt",
                {"total_liabilities": rec.total_liabilities, "total_assets": rec.total_assets}),
    ], note="仅为提示，不是梯度层级")


# ----------------------------------------------------------------------------- the assessment


def ladder(ctx: Ctx, rec: Record, d: Derived, rules: str) -> dict[str, Node]:
    """The three tier trees under ``rules``; each tier's prerequisite reads the one below."""
    if rules == "miit-2022":
        inn = innovative(ctx, rec, d)
        spec = specialised_2022(ctx, rec, d, inn)
        lg = little_giant_2022(ctx, rec, d, spec)
    else:
        inn = innovative(ctx, rec, d, rules_note="2026 年办法：已获所列称号即属本层级；科技和创新型"
                         "中小企业标准出台前，沿用 2022 年创新型中小企业评价",
                         held_key="sme.2026.innovative.held_titles")
        spec = specialised_2026(ctx, rec, d, inn)
        lg = little_giant_2026(ctx, rec, d, spec)
    return {"innovative": inn, "specialised": spec, "little_giant": lg}


def _top_tier(tiers: dict[str, Node]) -> str:
    tier = "none"
    for t in ("innovative", "specialised", "little_giant"):
        if tiers[t].outcome is Outcome.MET:
            tier = t
    return tier


def _method_caveats(ctx: Ctx, rec: Record, d: Derived, rules: str,
                    tiers: dict[str, Node]) -> str:
    """Where a growth node carries a caveat, the tiers recomputed with the other averaging
    method: a tier whose verdict changes says so; returns the tier the other method gives
    when it differs ("" otherwise)."""
    if not any(n.caveat for t in tiers.values() for n in t.walk()):
        return ""
    other = ladder(ctx, rec, d.alternative(), rules)
    method = GROWTH_METHODS[d.alt_method]
    for t, node in tiers.items():
        alt = other[t].outcome
        if alt is not node.outcome:
            node.caveat = (f"两年平均增长率按{method}计算时，本层级结论为“{OUTCOME_LABELS[alt]}”；"
                           + GROWTH_CAVEAT)
    alt_tier = _top_tier(other)
    return alt_tier if alt_tier != _top_tier(tiers) else ""


def assess(ctx: Ctx, rec: Record) -> tuple[dict[str, Any], Node]:
    d = derive(ctx, rec)
    switch = ctx.ref("sme.switch_date")
    rules = "miit-2026" if ctx.as_of >= switch.value else "miit-2022"
    size, size_node = size_class(ctx, rec)
    tiers = ladder(ctx, rec, d, rules)
    inn, spec, lg = tiers["innovative"], tiers["specialised"], tiers["little_giant"]
    alt_tier = _method_caveats(ctx, rec, d, rules, tiers)
    tier = _top_tier(tiers)
    if size == "large":
        tier, alt_tier = "none", ""
    nxt = None if tier == "little_giant" or size == "large" else TIERS[TIERS.index(tier) + 1]
    criteria = [b.brief() for b in blockers(tiers[nxt])] if nxt else []
    rules_node = info("sme.rules", "适用规则", "评估日期在 " + switch.value.isoformat() +
                      (" 之后，适用工信部企业〔2026〕2号" if rules == "miit-2026" else
                       " 之前，适用工信部企业〔2022〕63号"), value=rules, params=[switch])
    side = [tech_sme(ctx, rec, d), hntech_band(ctx, rec, d), champion(ctx, rec, d)]
    root = Node("sme", "优质中小企业梯度培育", Outcome.MET if tier != "none" else Outcome.UNMET,
                kind="group", value=TIER_NAMES[tier],
                children=[rules_node, size_node, inn, spec, lg,
                          Node("sme.side", "旁证检查", Outcome.NA, kind="group", children=side)],
                note=f"当前层级：{TIER_NAMES[tier]}" + (f"；下一层级：{TIER_NAMES[nxt]}" if nxt else ""))
    if alt_tier:
        root.caveat = (f"两年平均增长率按{GROWTH_METHODS[d.alt_method]}计算时，层级为"
                       f"{TIER_NAMES[alt_tier]}；" + GROWTH_CAVEAT)
    if size == "large":
        root.outcome = Outcome.NA
        root.note = "大型企业不属于中小企业梯度培育范围"
    summary = {"rules": rules, "tier": tier, "size": size, "next_tier": nxt,
               "tiers": {t: n.outcome.value for t, n in tiers.items()},
               "criteria": criteria,
               "side_checks": {n.id: n.outcome.value for n in side}}
    return summary, root

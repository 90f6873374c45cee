"""高耗低效 rectification flag (RULES §5; seed 003 二.14)."""

from __future__ import annotations

from typing import Any

from rules.assessments.mujun import ABOVE, MujunEval, above_scale, division, in_ranges
from rules.engine import Ctx, Node, Outcome, combine_all, compare, flag, info, ratio
from rules.record import Record
from rules.units import EQUAL, energy_tce

REASON_TEXTS = {
    "class_d": "亩均效益评价为 D 类",
    "low_tax_above_scale": "规上企业亩均税收低于门槛",
    "low_tax_below_scale": "规下企业亩均税收低于门槛",
    "large_land_below_scale": "规下企业用地面积较大",
    "energy_intensity": "单位增加值能耗高于门槛",
    "high_carbon": "碳效等级为“高”",
}
ROUTES = "提升改造、兼并重组、收回土地、入园集聚、关停淘汰"


def assess(ctx: Ctx, rec: Record, mj: MujunEval,
           carbon: dict[str, Any] | None = None) -> tuple[dict[str, Any], Node]:
    """The signs of RULES §5; a 碳效 level of 高 is one only where the profile says so
    (``carbon.high_is_sign``), else it is context in the carbon result."""
    div = division(rec.industry_code)
    ranges = ctx.ref("rect.industry_in_scope")
    manuf = flag("rect.manufacturing", "属于制造业", None if div is None else
                 in_ranges(div, ranges.value),
                 {"industry_code": rec.industry_code}, [ranges])
    scale, scale_node = above_scale(ctx, rec)
    land_node = compare(ctx, "rect.land", "规下企业实际用地达到门槛", rec.land_mu, ">=",
                        "rect.min_land_below_scale", {"land_mu": rec.land_mu})
    if scale:
        land_node.outcome, land_node.note = Outcome.NA, "规上企业不看用地面积"
    size_ok = Outcome.MET if scale else land_node.outcome if scale is False else Outcome.UNKNOWN
    in_scope_out = combine_all([manuf.outcome, size_ok])
    scope = Node("rect.scope", "属于整治摸排范围（规上制造业，或用地3亩以上的规下制造业）", in_scope_out,
                 kind="group", children=[manuf, scale_node, land_node])
    children = [scope]
    reasons: list[str] = []
    unknown: list[str] = []
    if in_scope_out is not Outcome.UNMET:
        tax_mu = ratio(rec.tax, rec.land_mu)
        tests: list[tuple[str, Node]] = []
        cls = flag("rect.class_d", "亩均效益评价为 D 类", None if mj.klass is None else mj.klass == "D",
                   {"mujun_class": mj.klass})
        if mj.klass is None:
            cls.note = "没有亩均分类结果，无法判断"
            cls.missing = []
        tests.append(("class_d", cls))
        if scale is not False:
            tests.append(("low_tax_above_scale", compare(
                ctx, "rect.low_tax_above_scale", "规上企业亩均税收低于门槛", tax_mu, "<",
                "rect.low_tax_above_scale", {"tax": rec.tax, "land_mu": rec.land_mu})))
        if scale is not True:
            tests.append(("low_tax_below_scale", compare(
                ctx, "rect.low_tax_below_scale", "规下企业亩均税收低于门槛", tax_mu, "<",
                "rect.low_tax_below_scale", {"tax": rec.tax, "land_mu": rec.land_mu})))
            tests.append(("large_land_below_scale", compare(
                ctx, "rect.large_land_below_scale", "规下企业用地不少于门槛", rec.land_mu, ">=",
                "rect.large_land_below_scale", {"land_mu": rec.land_mu})))
        energy = mj.energy or energy_tce(ctx, rec, EQUAL)  # 规上 firms have it already
        va = rec.value_added if rec.value_added is not None and rec.value_added > 0 else None
        intensity = ratio(energy.value, va)
        en = compare(ctx, "rect.energy_intensity", "单位增加值能耗（等价值）高于门槛", intensity, ">",
                     "rect.max_energy_intensity", {"value_added": rec.value_added, **energy.inputs})
        en.params += energy.params
        tests.append(("energy_intensity", en))
        sign = ctx.ref("carbon.high_is_sign")
        if sign.value == "sign" and carbon is not None:
            level = carbon.get("level")
            figures = {"electricity_10k_kwh": rec.electricity_10k_kwh,
                       "value_added": rec.value_added}
            node = flag("rect.high_carbon", "碳效等级为“高”", None if level is None else level == "高",
                        figures, [sign], note=f"碳效等级：{level}" if level else carbon.get("reason", ""))
            node.missing = [] if level is not None else [k for k, v in figures.items() if v is None]
            tests.append(("high_carbon", node))
        for code, node in tests:
            # A warning sign: its condition holding means the sign is triggered (UNMET), not
            # "met"; a sign has no gap to close (RULES §5, issue 19).
            node.kind, node.gap = "sign", None
            if node.outcome is Outcome.MET:
                node.outcome = Outcome.UNMET
                reasons.append(code)
            elif node.outcome is Outcome.UNMET:
                node.outcome = Outcome.MET
            elif node.outcome is Outcome.UNKNOWN:
                unknown.append(code)
        group = Node("rect.signs", "整治情形（触发任一即列入整治清单候选）", Outcome.UNKNOWN,
                     kind="sign", children=[n for _, n in tests])
        group.outcome = (Outcome.UNMET if reasons else Outcome.UNKNOWN if unknown else
                         Outcome.MET)
        children.append(group)
    div_ref = ctx.ref("rect.energy_intensive_divisions")
    if div is not None and div in div_ref.value:
        children.append(info("rect.energy_intensive", "属于高耗能行业（仅作背景，不据此列入）",
                             f"行业大类 {div:02d} 属钢铁、建材、石化、化工、造纸、化纤、纺织等高耗能行业",
                             params=[div_ref]))
    flagged = bool(reasons)
    children.append(info("rect.routes", "可能的处置方式", ROUTES))
    root = Node("rectification", "高耗低效企业整治", Outcome.NA, kind="sign", children=children)
    if in_scope_out is Outcome.UNMET:
        root.note = "不在整治摸排范围"
    else:
        root.outcome = Outcome.UNMET if flagged else Outcome.UNKNOWN if unknown else Outcome.MET
        root.note = ("存在整治情形：" + "；".join(REASON_TEXTS[r] for r in reasons) if flagged else
                     "未发现整治情形" + (f"（{len(unknown)} 项因缺数据无法判断）" if unknown else ""))
    summary = {"in_scope": None if in_scope_out is Outcome.UNKNOWN else in_scope_out is Outcome.MET,
               "flagged": flagged, "reasons": reasons, "unknown": unknown,
               "cohort_used": ABOVE if scale else "below_scale" if scale is False else None}
    return summary, root

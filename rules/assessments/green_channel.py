"""节能审查绿色通道 per new project (RULES §2; seed 002 十（三）)."""

from __future__ import annotations

from typing import Any

from rules.engine import Ctx, Node, Outcome, all_of, compare, flag, fmt, info, ratio
from rules.numbers import meets, product, quotient
from rules.record import Project
from rules.units import EQUAL, EQUIV, Quantity, electricity_tce

VERDICTS = {True: "可享受", False: "不可享受", None: "无法判断"}


def basis_intensity(summary: dict[str, Any]) -> float | None:
    """A project's intensity on the basis its verdict used (from its JSON summary)."""
    return summary["intensity_equal" if summary["basis"] == EQUAL else "intensity_equiv"]


REASONS = {
    "intensity_not_below_limit": "单位工业增加值能耗不低于 {limit} 吨标准煤/万元",
    "value_added_not_positive": "达产年工业增加值不大于 0",
    "region_dual_control": "所在地不能确保完成能耗“双控”目标",
    "region_unknown": "所在地能耗“双控”完成情况未知，企业无法自行核实",
    "bases_disagree": "等价值与当量值口径结论不同",
    "default_coefficient": "结论依赖电力等价值折标系数的默认值（低可信度），请核对",
    "missing_energy": "缺少项目能耗数据",
    "missing_value_added": "缺少达产年工业增加值",
    "equivalent_only": "只有当量值，按当量值判断（较宽松）",
}


def _energy(ctx: Ctx, p: Project, basis: str) -> Quantity:
    """The project's annual energy on ``basis``: as declared, else from its electricity."""
    field = "project_energy_equal_tce" if basis == EQUAL else "project_energy_equiv_tce"
    declared = p.get(field)
    if declared is not None:
        return Quantity(declared, "项目填报", {field: declared})
    el = p.project_electricity_10k_kwh
    if el is not None:
        tce, ref = electricity_tce(ctx, el, basis)
        return Quantity(tce, "按项目年用电量折算", {"project_electricity_10k_kwh": el}, [ref])
    return Quantity(None, "缺少能耗数据", {field: None, "project_electricity_10k_kwh": None})


def assess_project(ctx: Ctx, p: Project) -> tuple[dict[str, Any], Node]:
    va = p.project_value_added
    energy = {EQUAL: _energy(ctx, p, EQUAL), EQUIV: _energy(ctx, p, EQUIV)}
    va_pos = va if va is not None and va > 0 else None
    intensity = {b: ratio(q.value, va_pos) for b, q in energy.items()}
    i_equal, i_equiv = intensity[EQUAL], intensity[EQUIV]
    # 等价值 is the default (stricter); 当量值 only when the project gives nothing else
    basis = EQUAL if (energy[EQUAL].value is not None or energy[EQUIV].value is None) else EQUIV
    other_basis = EQUIV if basis == EQUAL else EQUAL
    names = {EQUAL: "等价值", EQUIV: "当量值"}
    reasons: list[str] = []

    name = p.project_name or "（未命名项目）"
    va_node = flag("green.value_added", "达产年工业增加值大于 0", None if va is None else va > 0,
                   {"project_value_added": va})
    main = compare(ctx, "green.intensity", f"单位工业增加值能耗低于上限（{names[basis]}）",
                   intensity[basis], "<", "green.max_intensity",
                   {"project_value_added": va, **energy[basis].inputs}, note=energy[basis].how)
    main.params += energy[basis].params
    main.caveat = _coefficient_caveat(ctx, p, energy[basis], va_pos, main)
    if va is not None and va <= 0:
        main.outcome, main.missing = Outcome.UNMET, []
        main.note = "增加值不大于 0，无法计算强度"
    other = compare(ctx, "green.intensity_other", f"对照口径（{names[other_basis]}）",
                    intensity[other_basis], "<", "green.max_intensity",
                    {"project_value_added": va, **energy[other_basis].inputs},
                    note=energy[other_basis].how)
    other.params += energy[other_basis].params
    other.kind = "info"
    dc = p.region_dual_control
    region = flag("green.region", "所在地确保完成能耗“双控”目标", None if dc in (None, "未知")
                  else dc == "是", {"region_dual_control": dc})
    if dc in (None, "未知"):
        region.outcome = Outcome.MET  # eligible with a caveat (RULES §2)
        region.note = "情况未知：按可享受处理，但企业无法自行核实所在地完成情况"
        region.missing = []
        reasons.append("region_unknown")
    root = all_of("green_channel", f"绿色通道：{name}", [va_node, main, region])
    root.children.append(other)

    if va is None:
        reasons.append("missing_value_added")
    elif va <= 0:
        reasons.append("value_added_not_positive")
    if main.outcome is Outcome.UNMET and va is not None and va > 0:
        reasons.append("intensity_not_below_limit")
    if main.value is None and va is not None and va > 0:
        reasons.append("missing_energy")
    if dc == "否":
        reasons.append("region_dual_control")
    if basis == EQUIV:
        reasons.append("equivalent_only")
    if main.outcome in (Outcome.MET, Outcome.UNMET) and other.outcome in (Outcome.MET, Outcome.UNMET) \
            and main.outcome is not other.outcome:
        reasons.append("bases_disagree")
        root.note = "两种口径结论不同：默认按等价值（较严格）判断"
    if energy[basis].depends_on_default:
        reasons.append("default_coefficient")
    root.children.append(_review_tier(ctx, p, energy[EQUIV].value))
    eligible = {Outcome.MET: True, Outcome.UNMET: False}.get(root.outcome)
    summary = {
        "project": name,
        "intensity_equal": None if i_equal is None else round(i_equal, 6),
        "intensity_equiv": None if i_equiv is None else round(i_equiv, 6),
        "basis": basis, "eligible": eligible,
        "reasons": reasons, "reason_texts": [REASONS[r].format(limit=fmt(main.threshold)) for r in reasons],
        "review_tier": root.children[-1].value,
    }
    return summary, root


# How far (relative) the true 等价值 coefficient may plausibly lie from the [L] default: Shanghai's
# 2024 figure 0.28078 is 6 % below 0.30; a verdict that a coefficient within 20 % would flip is
# said to depend on the default.
_PLAUSIBLE = 0.2


def _coefficient_caveat(ctx: Ctx, p: Project, q: Quantity, va: float | None, main: Node) -> str:
    """When the verdict rests on the low-confidence electricity coefficient and a coefficient
    not far from it would flip it, say at which coefficient (RULES §2, §3)."""
    el = p.project_electricity_10k_kwh
    if not q.depends_on_default or va is None or not el or main.outcome not in (
            Outcome.MET, Outcome.UNMET):
        return ""
    ref = next(r for r in q.params if r.confidence == "L")
    limit = ctx.v("green.max_intensity")
    flip = quotient(product(limit, va), product(el, 10))  # kgce/kWh where intensity = limit
    if flip is None or not ref.value or abs(flip - ref.value) > _PLAUSIBLE * ref.value:
        return ""
    side = "不低于" if main.outcome is Outcome.MET else "低于"
    other = "不可享受" if main.outcome is Outcome.MET else "可享受"
    return (f"结论依赖电力等价值折标系数的默认值 {fmt(ref.value)} 千克标准煤/千瓦时（低可信度）："
            f"若实际系数{side} {fmt(round(flip, 4))} 千克标准煤/千瓦时，结论为“{other}”，"
            "请以节能审查采用的系数核对")


TIERS = {"none": "不单独进行节能审查", "local": "由市、县节能审查机关审查", "provincial": "由省级节能审查机关审查"}


def _review_tier(ctx: Ctx, p: Project, e_equiv: float | None) -> Node:
    t_none = ctx.ref("green.no_review_max_tce")
    t_el = ctx.ref("green.no_review_max_electricity")
    t_prov = ctx.ref("green.provincial_min_tce")
    el = p.project_electricity_10k_kwh
    tier: str | None
    if e_equiv is None:
        tier = None
    elif meets(e_equiv, ">=", t_prov.value):
        tier = "provincial"
    elif meets(e_equiv, ">=", t_none.value) or (el is not None and meets(el, ">=", t_el.value)):
        tier = "local"
    elif el is None:
        tier = None
    else:
        tier = "none"
    text = TIERS[tier] if tier else "缺少当量值能耗或用电量，无法判断"
    node = info("green.review_tier", "节能审查层级（按当量值）", text, value=tier,
                params=[t_none, t_el, t_prov])
    node.inputs = {"project_energy_equiv_tce": e_equiv, "project_electricity_10k_kwh": el}
    if e_equiv is not None:
        node.note += f"（年综合能耗当量值 {fmt(round(e_equiv, 2))} 吨标准煤）"
    return node

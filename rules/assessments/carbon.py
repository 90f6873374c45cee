"""工业碳效 (RULES §7; DB33/T 1347—2023, seed 003 二（三）): the firm's CO₂ from purchased
electricity and fuels, its carbon intensity L = CO₂ ÷ value added, the level 低 / 中 / 高 by L,
and the grade 1–5 by K = L ÷ the industry's average L.

The industry average is, in order: the population's own (Σ CO₂ ÷ Σ value added of the firms of
the same division and data year, when there are at least ``carbon.min_industry_firms``), a
profile value (a park's published file), or none — then only the level is given, and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rules.assessments.mujun import division
from rules.engine import Ctx, Node, Outcome, ParamRef, fmt, info
from rules.numbers import meets, product, quotient, total
from rules.record import Record

# field → (profile key, name, unit of the field)
FUELS = {"coal_t": ("coal", "原煤", "吨"), "natural_gas_10k_m3": ("natural_gas", "天然气", "万立方米"),
         "diesel_t": ("diesel", "柴油", "吨"), "gasoline_t": ("gasoline", "汽油", "吨"),
         "fuel_oil_t": ("fuel_oil", "燃料油", "吨"), "lpg_t": ("lpg", "液化石油气", "吨")}
CARRIERS = ("electricity_10k_kwh", *FUELS, "heat_gj")
LEVELS = ("低", "中", "高")
POPULATION, PROFILE, NONE = "population", "profile", "none"
BASIS_WORDS = {POPULATION: "本批同行业企业", PROFILE: "配置（园区或当地发布）", NONE: "无"}


@dataclass(frozen=True)
class IndustryAverage:
    """An industry's average carbon intensity in a data year, computed from a population."""

    value: float
    count: int  # the firms it was computed from

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "count": self.count}


@dataclass
class CarbonEval:
    co2: float | None
    parts: dict[str, float]  # carrier → t CO₂
    inputs: dict[str, Any]
    params: list[ParamRef] = field(default_factory=list)
    how: str = ""
    intensity: float | None = None
    division: int | None = None
    unknown: str = ""  # why CO₂ or the intensity is not known


def _fuel_co2(ctx: Ctx, key: str, amount: float) -> tuple[float, list[ParamRef]]:
    """amount × low calorific value × carbon per heat × oxidation × 44/12 (t CO₂): tonnes (or
    万 m³) × GJ/t × t C/TJ = t C × 10⁻³."""
    refs = [ctx.ref(f"carbon.{key}.{p}") for p in ("ncv", "carbon_content", "oxidation")]
    c = product(amount, *(r.value for r in refs), 44)
    return quotient(c, 12000) or 0.0, refs


def evaluate(ctx: Ctx, rec: Record) -> CarbonEval:
    given = {c: rec.get(c) for c in CARRIERS if rec.get(c) is not None}
    inputs: dict[str, Any] = dict(given)
    if not given:
        why = ("只填了综合能耗总量，没有分品种的用电和燃料数据，无法计算二氧化碳排放"
               if rec.energy_equal_tce is not None or rec.energy_equiv_tce is not None
               else "未填报用电量或任何燃料，无法计算二氧化碳排放")
        return CarbonEval(None, {}, {"electricity_10k_kwh": None}, unknown=why)
    parts: dict[str, float] = {}
    params: list[ParamRef] = []
    for carrier, amount in given.items():
        if carrier == "electricity_10k_kwh":
            ref = ctx.ref("carbon.electricity_factor", rec.year)
            parts[carrier] = product(amount, 10, ref.value)  # 万kWh × 10⁴ × kg/kWh ÷ 10³
            params.append(ref)
        elif carrier == "heat_gj":
            ref = ctx.ref("carbon.heat")
            parts[carrier] = product(amount, ref.value)
            params.append(ref)
        else:
            parts[carrier], refs = _fuel_co2(ctx, FUELS[carrier][0], amount)
            params += refs
    blank = [c for c in CARRIERS if c not in given]
    how = "外购电力按数据年度选用的浙江电力平均排放因子、燃料按指南缺省值计算，相加"
    if blank:
        how += "；未填写的能源品种按未使用计"
    co2 = total(list(parts.values()))
    ev = CarbonEval(co2, parts, inputs, params, how, division=division(rec.industry_code))
    va = rec.value_added
    ev.inputs["value_added"] = va
    if va is None:
        ev.unknown = "缺少工业增加值，无法计算碳排放强度"
    elif va <= 0:
        ev.unknown = "工业增加值不大于 0，碳排放强度无意义"
    else:
        ev.intensity = quotient(co2, va)
    return ev


def industry_averages(ctx: Ctx, evals: Iterable[tuple[int | None, CarbonEval]]
                      ) -> dict[tuple[int | None, int], IndustryAverage]:
    """(data year, division) → Σ CO₂ ÷ Σ value added of the firms with a known intensity,
    where there are at least ``carbon.min_industry_firms`` of them."""
    least = ctx.v("carbon.min_industry_firms")
    groups: dict[tuple[int | None, int], tuple[list[float], list[float]]] = {}
    for year, ev in evals:
        if ev.intensity is None or ev.division is None or ev.co2 is None:
            continue
        co2s, vas = groups.setdefault((year, ev.division), ([], []))
        co2s.append(ev.co2)
        vas.append(ev.inputs["value_added"])
    out = {}
    for key, (co2s, vas) in groups.items():
        if len(co2s) >= least:
            value = quotient(total(co2s), total(vas))
            if value is not None:  # 0 when none of them emits: kept, so the reason says so
                out[key] = IndustryAverage(value, len(co2s))
    return out


def _level(ctx: Ctx, ev: CarbonEval) -> tuple[str | None, Node]:
    low, mid = ctx.ref("carbon.level_low_max"), ctx.ref("carbon.level_medium_max")
    node = Node("carbon.level", "碳效等级（按碳排放强度）", Outcome.UNKNOWN, kind="fact",
                value=None, unit="", params=[low, mid])
    if ev.intensity is None:
        node.note = ev.unknown
        node.missing = [k for k, v in ev.inputs.items() if v is None]
        return None, node
    level = ("低" if meets(ev.intensity, "<=", low.value) else
             "中" if meets(ev.intensity, "<=", mid.value) else "高")
    node.outcome, node.value = Outcome.MET, level
    node.label = f"碳效等级：{level}"
    node.note = (f"碳排放强度 {fmt(round(ev.intensity, 4))} 吨二氧化碳/万元；低 ≤ {fmt(low.value)} < 中 ≤ "
                 f"{fmt(mid.value)} < 高")
    return level, node


def _average(ctx: Ctx, rec: Record, ev: CarbonEval) -> tuple[float | None, str, int | None,
                                                             list[ParamRef], str]:
    """(industry average, basis, firms, params, words) for the firm's division and year."""
    if ev.division is None:
        return None, NONE, None, [], "行业代码未填或无法识别，没有行业平均，只给出碳效等级"
    pop = ctx.carbon.get((rec.year, ev.division))
    least = ctx.ref("carbon.min_industry_firms")
    if pop is not None:
        return pop.value, POPULATION, pop.count, [least], (
            f"行业平均为本批同行业（大类 {ev.division:02d}）{pop.count} 家企业的二氧化碳排放合计 ÷ "
            "工业增加值合计")
    ref = ctx.ref("carbon.industry_average", rec.year)
    value = (ref.value or {}).get(ev.division)
    if value is not None:
        other = (f"；配置没有 {rec.year} 年度的行业平均，暂按 {ref.data_year} 年度的"
                 if ref.data_year is not None and rec.year is not None
                 and ref.data_year != rec.year else "")
        return value, PROFILE, None, [ref], f"行业平均取自配置（{ref.citation}）{other}"
    return None, NONE, None, [least, ref], (
        f"同行业（大类 {ev.division:02d}）参评企业不足 {least.value} 家，配置也没有该行业的平均值，"
        "只给出碳效等级，不定级")


def _grade(ctx: Ctx, ev: CarbonEval, avg: float | None) -> tuple[int | None, float | None,
                                                                  list[ParamRef]]:
    refs = [ctx.ref(f"carbon.grade_{g}_max") for g in (1, 2, 3, 4)]
    if ev.intensity is None or avg is None or avg <= 0:
        return None, None, refs
    k = quotient(ev.intensity, avg)
    assert k is not None
    grade = next((g for g, r in zip((1, 2, 3, 4), refs) if meets(k, "<=", r.value)), 5)
    return grade, k, refs


def assess(ctx: Ctx, rec: Record) -> tuple[dict[str, Any], Node]:
    ev = evaluate(ctx, rec)
    children: list[Node] = []
    if ev.co2 is None:
        co2_node = Node("carbon.co2", "二氧化碳排放量", Outcome.UNKNOWN, kind="fact", unit="吨",
                        missing=["electricity_10k_kwh"], note=ev.unknown)
    else:
        co2_node = Node("carbon.co2", "二氧化碳排放量", Outcome.MET, kind="fact",
                        value=round(ev.co2, 4), unit="吨", inputs=ev.inputs, params=ev.params,
                        note=ev.how + "：" + "；".join(
                            f"{_carrier_name(c)} {fmt(round(t, 2))} 吨" for c, t in ev.parts.items()))
    children.append(co2_node)
    children.append(Node("carbon.intensity", "碳排放强度（二氧化碳 ÷ 工业增加值）",
                         Outcome.MET if ev.intensity is not None else Outcome.UNKNOWN,
                         kind="fact", value=None if ev.intensity is None else round(ev.intensity, 6),
                         unit="吨二氧化碳/万元", note=ev.unknown,
                         missing=[k for k, v in ev.inputs.items() if v is None]))
    level, level_node = _level(ctx, ev)
    children.append(level_node)
    avg, basis, count, avg_refs, avg_words = _average(ctx, rec, ev)
    if avg is not None and avg <= 0:
        avg_words += "；行业平均碳排放强度为 0（同行业企业均无排放），无法按比值定级"
    grade, k, grade_refs = _grade(ctx, ev, avg)
    grade_node = Node("carbon.grade", "碳效级别（与行业平均之比）", Outcome.UNKNOWN, kind="fact",
                      params=[*avg_refs, *grade_refs], note=avg_words)
    if grade is not None and k is not None and avg is not None:
        bounds = "、".join(f"{g} 级 ≤ {fmt(r.value)}" for g, r in zip((1, 2, 3, 4), grade_refs))
        grade_node.outcome, grade_node.value, grade_node.unit = Outcome.MET, grade, "级"
        grade_node.label = f"碳效级别：{grade} 级"
        grade_node.note = (f"{avg_words}：{fmt(round(avg, 4))} 吨二氧化碳/万元；本企业为其 "
                           f"{fmt(round(k, 4))} 倍（{bounds}，其余 5 级）")
    elif ev.intensity is None:
        grade_node.note = ev.unknown
    children.append(grade_node)
    sign = ctx.ref("carbon.high_is_sign")
    children.append(info("carbon.use", "结果应用",
                         "碳效等级为“高”时列为高耗低效整治信号（本配置规定）" if sign.value == "sign"
                         else "碳效等级与级别作为参照，不单独作为高耗低效整治标记", params=[sign]))
    for n in children:  # a verdict resting on a low-confidence default says so on its node
        weak = [p.name for p in n.params if p.confidence == "L" and p.value is not None]
        if weak and n.outcome is not Outcome.NA:
            n.caveat = "；".join(x for x in (n.caveat, "用到低可信度的默认参数：" + "、".join(
                dict.fromkeys(weak))) if x)
    head = Node("carbon", "工业碳效", Outcome.NA, kind="section", children=children,
                note="按 DB33/T 1347—2023 的方法估算；分级数值取自标准出台前的湖州办法，标准原表本软件未见")
    factor = next((p for p in ev.params if p.key == "carbon.electricity_factor"), None)
    factor_note = ""
    if factor is not None and factor.data_year is not None and rec.year is not None \
            and factor.data_year != rec.year:
        factor_note = (f"碳效：浙江省 {rec.year} 年度电力平均二氧化碳排放因子尚未公布，暂按 "
                       f"{factor.data_year} 年度的 {fmt(factor.value)} 千克二氧化碳/千瓦时计算"
                       if factor.data_year < rec.year else
                       f"碳效：本配置没有 {rec.year} 年度的电力排放因子，暂按 {factor.data_year} 年度的计算")
        co2_node.caveat = factor_note
    notes = "；".join(x for x in (factor_note, _year_note(rec, avg_refs, basis)) if x)
    summary = {
        "status": "graded" if grade is not None else "level_only" if level else "unknown",
        "co2_t": None if ev.co2 is None else round(ev.co2, 4),
        "intensity": None if ev.intensity is None else round(ev.intensity, 6),
        "level": level, "grade": grade, "k": None if k is None else round(k, 6),
        "industry_average": None if avg is None else round(avg, 6),
        "basis": basis if avg is not None else NONE, "industry_firms": count,
        "division": ev.division,
        "electricity_factor_year": None if factor is None else factor.data_year,
        "reason": ev.unknown or ("" if grade is not None else avg_words),
        "rectification_sign": sign.value == "sign" and level == "高",
        **({"factor_note": notes} if notes else {}),
    }
    return summary, head


def _year_note(rec: Record, refs: list[ParamRef], basis: str) -> str:
    """Said in every output when the profile's industry average is another data year's."""
    ref = next((r for r in refs if r.key == "carbon.industry_average"), None)
    if basis != PROFILE or ref is None or ref.data_year in (None, rec.year) or rec.year is None:
        return ""
    return f"碳效：配置没有 {rec.year} 年度的行业平均碳排放强度，暂按 {ref.data_year} 年度的定级"


def _carrier_name(c: str) -> str:
    if c == "electricity_10k_kwh":
        return "外购电力"
    if c == "heat_gj":
        return "外购热力"
    return FUELS[c][1]

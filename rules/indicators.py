"""The 亩均 indicator catalogue: every indicator a county method may score, defined once.

A county profile chooses, per cohort, which of these it scores (by giving a weight) and how its
benchmark is set (RULES §1.1, §1.6). The formula, unit and the lever a firm can pull live here;
the profile holds only numbers with their citations. Adding an indicator is one entry here (its
denominator, when new, one line in ``rules.assessments.mujun``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    name: str
    unit: str
    numerator: str  # a catalogue field: what a firm raises to raise the indicator
    denominator: str  # a catalogue field, or "energy" / "emission" (computed, rules.units)
    formula: str  # in words, for the result tree and the editor
    # (what, name, unit) of a denominator the firm can cut alone, or None
    cut: tuple[str, str, str] | None = None


def _i(*args, **kw) -> IndicatorDef:
    return IndicatorDef(*args, **kw)


INDICATORS: dict[str, IndicatorDef] = {d.id: d for d in (
    _i("tax_per_mu", "亩均税收", "万元/亩", "tax", "land_mu", "实缴税金 ÷ 实际用地面积"),
    _i("value_added_per_mu", "亩均增加值", "万元/亩", "value_added", "land_mu",
       "工业增加值 ÷ 实际用地面积"),
    _i("value_added_per_energy", "单位能耗增加值", "万元/吨标准煤", "value_added", "energy",
       "工业增加值 ÷ 综合能耗（等价值）", cut=("energy", "综合能耗（等价值）", "吨标准煤")),
    _i("value_added_per_emission", "单位排放增加值", "万元/千当量", "value_added", "emission",
       "工业增加值 ÷ 主要污染物排放总量", cut=("emission", "排放当量", "千当量")),
    _i("labour_productivity", "全员劳动生产率", "万元/人", "value_added", "employees",
       "工业增加值 ÷ 年平均职工人数"),
    _i("rd_ratio", "R&D经费占比", "比例", "rd_expense", "rd_base",
       "研发费用 ÷ 主营业务收入（或营业收入，按配置）"),
    _i("tax_per_electricity", "单位电耗税收", "万元/万千瓦时", "tax", "electricity_10k_kwh",
       "实缴税金 ÷ 用电量", cut=("electricity_10k_kwh", "用电量", "万千瓦时")),
    _i("revenue_per_mu", "亩均营业收入", "万元/亩", "revenue", "land_mu", "营业收入 ÷ 实际用地面积"),
    _i("revenue_per_electricity", "单位用电营业收入", "万元/万千瓦时", "revenue",
       "electricity_10k_kwh", "营业收入 ÷ 用电量",
       cut=("electricity_10k_kwh", "用电量", "万千瓦时")),
)}
INDICATOR_NAMES: dict[str, str] = {i: d.name for i, d in INDICATORS.items()}
INDICATOR_UNITS: dict[str, str] = {i: d.unit for i, d in INDICATORS.items()}

# Cohorts a method may grade (RULES §1.4, §1.6: 慈溪 4.0 has four).
ABOVE, BELOW, BELOW_SMALL, TENANT = "above_scale", "below_scale", "below_scale_small", "tenant"
COHORT_NAMES: dict[str, str] = {
    ABOVE: "规上企业", BELOW: "规下企业", BELOW_SMALL: "规下企业（用地不足门槛）",
    TENANT: "无自有工业用地的企业",
}
# The indicators each cohort scores in the provincial method (浙政发〔2018〕5号, 黄岩 notes);
# a county gives weights to any of the catalogue instead.
DEFAULT_INDICATORS: dict[str, tuple[str, ...]] = {
    ABOVE: ("tax_per_mu", "value_added_per_mu", "value_added_per_energy",
            "value_added_per_emission", "labour_productivity", "rd_ratio"),
    BELOW: ("tax_per_mu", "tax_per_electricity"),
    BELOW_SMALL: ("tax_per_mu", "tax_per_electricity"),
    TENANT: ("tax_per_mu", "tax_per_electricity"),
}
# Benchmarks: a fixed value from the county, or the ranked population's own (RULES §1.6).
FIXED, AGGREGATE, MEAN = "fixed", "population_aggregate", "population_mean"
BENCHMARK_MODES = (FIXED, AGGREGATE, MEAN)
BENCHMARK_MODE_WORDS = {FIXED: "县里公布的基准值", AGGREGATE: "参评企业合计值（Σ分子 ÷ Σ分母）",
                        MEAN: "参评企业指标值的平均数"}

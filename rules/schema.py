"""Every profile parameter the rules read: key, type, unit and a Chinese name.

Profiles (``rules/profiles/*``) hold the values with their citations; this table says what a
profile may contain. The loader rejects a key that is not here, a value of the wrong type and a
unit that differs from the one declared, so that a number can never silently change meaning.
Every number must also lie in its declared ``Range`` (by unit, or the parameter's own): a
profile from anywhere cannot set a NaN, a negative weight or a threshold no method could mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rules import indicators


class T(str, Enum):
    NUMBER = "number"
    INT = "int"
    STRING = "string"
    ENUM = "enum"  # a string among ``choices``
    DATE = "date"
    INT_LIST = "int_list"
    INT_RANGES = "int_ranges"  # [[lo, hi], …], both ends included
    STRING_LIST = "string_list"
    BANDS_GE = "bands_ge"  # [[threshold, points], …], thresholds falling; value ≥ threshold scores
    BANDS_LE = "bands_le"  # [[threshold, points], …], thresholds rising; value ≤ threshold scores
    POINTS_MAP = "points_map"  # {choice: points} with exactly ``choices`` as keys
    STRING_MAP = "string_map"  # {choice: text} with exactly ``choices`` as keys
    GROUPS = "groups"  # {group name: [[lo, hi], …]}: industry groups ranked apart
    ADJUSTMENTS = "adjustments"  # [{id, name, input, …}, …]: 加减分 items (ADJUSTMENT_KEYS)
    REGRADES = "regrades"  # [{id, name, from, to, field, op, value, clause}, …]
    DIVISION_VALUES = "division_values"  # {GB/T 4754 division: number}, e.g. industry averages


@dataclass(frozen=True)
class Range:
    """The values a number may take: ``lo`` … ``hi``, each end included unless open."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def holds(self, x: float) -> bool:
        """True only for a finite number inside the range (NaN compares false throughout)."""
        above = x > self.lo if self.lo_open else x >= self.lo
        below = x < self.hi if self.hi_open else x <= self.hi
        return above and below

    def describe(self) -> str:
        lo = f"大于 {self.lo:g}" if self.lo_open else f"不小于 {self.lo:g}"
        hi = f"小于 {self.hi:g}" if self.hi_open else f"不大于 {self.hi:g}"
        return f"应{lo}、{hi}"


def positive(hi: float) -> Range:
    """More than 0 (a divisor, a factor, a benchmark), up to ``hi``."""
    return Range(0, hi, lo_open=True)


@dataclass(frozen=True)
class ParamSpec:
    key: str
    type: T
    unit: str
    name: str
    optional: bool = False  # may be absent or null (then the rule that reads it is not applied)
    choices: tuple[str, ...] = ()
    # Chosen by the record's data year, not the assessment date: each version names the
    # ``data_year`` it belongs to (benchmarks, weights and cut-offs: a class is a rank inside a
    # county, a cohort and a year, RULES §1.2).
    by_data_year: bool = False
    range: Range | None = None  # of the number, or of a band's threshold; else by unit
    points: Range | None = None  # of a band's points, when not POINTS_RANGE

    @property
    def assessment(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def bounds(self) -> Range | None:
        """The range of the number (a band's threshold, a list's integers), or None for text."""
        if self.type in (T.INT_LIST, T.INT_RANGES):
            return DIVISIONS
        if self.type in (T.POINTS_MAP,):
            return POINTS_RANGE
        return self.range or UNIT_RANGES.get(self.unit)


# Units, spelled once. A profile must write exactly these strings.
WAN = "万元"
MU = "亩"
YEARS = "年"
PEOPLE = "人"
RATIO = "比例"  # a fraction: 0.03 is 3 %
PCT = "%"
POINTS = "分"
TCE = "吨标准煤"
KWH10K = "万千瓦时"
COUNT = "项"
NONE = "无"
DATE = "日期"

# What a number in each unit may be. Limits are far beyond any real method (a county's
# benchmarks, thresholds and factors) and exclude what none can mean: NaN, ∞, negative amounts,
# zero or negative divisors (factors, benchmarks), fractions outside 0–1.
UNIT_RANGES: dict[str, Range] = {
    "千克标准煤/千瓦时": positive(1), "千克标准煤/千克": positive(5),
    "千克标准煤/立方米": positive(5), "千克标准煤/兆焦": positive(1),
    "千克/当量": Range(1e-4, 1000),
    WAN: Range(0, 1e8), MU: Range(0, 1e5), YEARS: Range(0, 100), PEOPLE: Range(0, 1e6),
    RATIO: Range(0, 1), PCT: Range(0, 100), POINTS: Range(0, 100), TCE: positive(1e8),
    KWH10K: positive(1e8), COUNT: Range(0, 1e4), "家": Range(1, 1e6), "级": Range(0, 5),
    "吨标准煤/万元": positive(100), "万元/亩": positive(1e5),
    "万元/吨标准煤": positive(1e5), "万元/千当量": positive(1e7),
    "万元/人": positive(1e4), "万元/万千瓦时": positive(1e4),
    # 碳效 (issue 16)
    "千克二氧化碳/千瓦时": positive(5), "吉焦/吨": positive(1000), "吉焦/万立方米": positive(1e4),
    "吨碳/太焦": positive(100), "吨二氧化碳/吉焦": positive(10), "吨二氧化碳/万元": positive(1e4),
    "倍": positive(100),
}
SHARE = Range(0, 1, lo_open=True, hi_open=True)
POINTS_RANGE = Range(0, 100)  # a band's or a choice's points
DIVISIONS = Range(1, 99)  # GB/T 4754 industry divisions (大类 01–97)
GROWTH = Range(-1, 10)  # a growth rate: −100 % … +1000 %
# A class's lowest score: points are not capped everywhere, and a negative value added scores
# below zero.
SCORE = Range(-1e9, 1e9)
# A divisor's floor: a benchmark of 1e-300 would turn any indicator into an infinite score.
BENCHMARK_MIN = 1e-6

# The indicator catalogue and the cohorts live in rules.indicators (formulas defined once).
INDICATOR_NAMES = indicators.INDICATOR_NAMES
_INDICATOR_UNITS = indicators.INDICATOR_UNITS
COHORT_NAMES = indicators.COHORT_NAMES
# The indicators of the provincial method per cohort: what the shipped tables and the bundled
# profiles show; a county's own set is whichever indicators its profile weights.
COHORT_INDICATORS = indicators.DEFAULT_INDICATORS
COHORTS = tuple(COHORT_NAMES)
CLASSES = ("A", "B", "C", "D")
IP_LEVELS = ("high_value", "self_developed", "class1", "class2", "none")
YES_NO = ("是", "否")
# SME ladder: whether a tier needs the tier below (held, or qualified for now); "创客中国" ranks
PREREQUISITE = ("holds_or_qualifies", "none")
MAKER_MIN_RANKS = ("500强", "50强")


def _p(key: str, type_: T, unit: str, name: str, **kw) -> ParamSpec:
    return ParamSpec(key, type_, unit, name, **kw)


def _indicator_specs() -> list[ParamSpec]:
    """Per cohort: every catalogue indicator's weight, benchmark and benchmark mode (a county
    scores the indicators it weights), the cut-offs, the ranking shares and the published
    mean emission points."""
    out: list[ParamSpec] = []
    for cohort in COHORTS:
        c = COHORT_NAMES[cohort]
        for i in indicators.INDICATORS:
            n = INDICATOR_NAMES[i]
            out.append(_p(f"mujun.{cohort}.{i}.weight", T.NUMBER, POINTS, f"{c}{n}权重",
                          optional=True, by_data_year=True))
            unit = _INDICATOR_UNITS[i]
            out.append(_p(f"mujun.{cohort}.{i}.benchmark", T.NUMBER, unit,
                          f"{c}{n}基准值", optional=True, by_data_year=True,
                          range=Range(BENCHMARK_MIN, UNIT_RANGES[unit].hi)))
            out.append(_p(f"mujun.{cohort}.{i}.benchmark_mode", T.ENUM, NONE,
                          f"{c}{n}基准值的取法", optional=True, by_data_year=True,
                          choices=indicators.BENCHMARK_MODES))
        for cls in CLASSES[:3]:
            out.append(_p(f"mujun.{cohort}.cutoff_{cls.lower()}", T.NUMBER, POINTS,
                          f"{c}{cls}类最低得分", optional=True, by_data_year=True, range=SCORE))
        for cls in CLASSES[:3]:
            out.append(_p(f"mujun.{cohort}.share_{cls.lower()}", T.NUMBER, RATIO,
                          f"{c}{cls}类排名比例上限", optional=True, range=SHARE))
        out.append(_p(f"mujun.{cohort}.missing_emission_points", T.NUMBER, POINTS,
                      f"{c}缺排放数据时单位排放增加值的得分（园区发布的同类企业平均得分）",
                      optional=True, by_data_year=True, range=SCORE))
    return out


# The keys of one 加减分 item (``mujun.adjustments``) and of one regrade rule.
ADJUSTMENT_INPUTS = ("count", "field", "manual")
ADJUSTMENT_KINDS = ("points", "percent")
ADJUSTMENT_KEYS = {"id": True, "name": True, "input": True, "kind": True, "clause": True,
                   "cohorts": False, "field": False, "per_unit": False, "first": False,
                   "free": False, "min": False, "max": False}
REGRADE_OPS = (">=", "<=", "==", "contains")
REGRADE_KEYS = {"id": True, "name": True, "from": True, "to": True, "field": True, "op": True,
                "value": True, "clause": True}
ADJUSTMENT_POINTS = Range(-100, 100)  # one unit's points, or its percent of the indicator sum


SPECS: tuple[ParamSpec, ...] = (
    # Energy conversion, GB/T 2589
    _p("energy.electricity_equiv", T.NUMBER, "千克标准煤/千瓦时", "电力折标系数（当量值）"),
    _p("energy.electricity_equal", T.NUMBER, "千克标准煤/千瓦时", "电力折标系数（等价值）"),
    _p("energy.coal", T.NUMBER, "千克标准煤/千克", "原煤折标系数"),
    _p("energy.natural_gas", T.NUMBER, "千克标准煤/立方米", "天然气折标系数"),
    _p("energy.heat", T.NUMBER, "千克标准煤/兆焦", "热力折标系数"),
    _p("energy.diesel", T.NUMBER, "千克标准煤/千克", "柴油折标系数"),
    _p("energy.gasoline", T.NUMBER, "千克标准煤/千克", "汽油折标系数"),
    _p("energy.fuel_oil", T.NUMBER, "千克标准煤/千克", "燃料油折标系数"),
    _p("energy.lpg", T.NUMBER, "千克标准煤/千克", "液化石油气折标系数"),
    # Emission total
    _p("emission.mode", T.ENUM, NONE, "排放总量口径", choices=("equivalent", "tonnes")),
    _p("emission.cod", T.NUMBER, "千克/当量", "化学需氧量污染当量值"),
    _p("emission.nh3n", T.NUMBER, "千克/当量", "氨氮污染当量值"),
    _p("emission.so2", T.NUMBER, "千克/当量", "二氧化硫污染当量值"),
    _p("emission.nox", T.NUMBER, "千克/当量", "氮氧化物污染当量值"),
    # 亩均效益
    _p("mujun.above_scale_min_main_revenue", T.NUMBER, WAN, "规上工业企业主营业务收入标准"),
    _p("mujun.below_scale_min_land", T.NUMBER, MU, "规下企业参评最小用地面积"),
    _p("mujun.industry_in_scope", T.INT_RANGES, NONE, "参评行业大类"),
    _p("mujun.industry_excluded", T.INT_RANGES, NONE, "不分类的行业大类（公用事业）"),
    _p("mujun.min_years_since_founded", T.INT, YEARS, "成立不满此年限不分类", optional=True),
    _p("mujun.min_years_since_land", T.INT, YEARS, "取得土地不满此年限不分类", optional=True),
    _p("mujun.deferred_years", T.INT, YEARS, "成立、取得土地或兼并重组不满此年限的企业缓评",
       optional=True),
    _p("mujun.below_scale_small", T.ENUM, NONE, "用地不足门槛的规下企业",
       choices=("out_of_scope", "graded")),
    _p("mujun.tenants", T.ENUM, NONE, "无自有工业用地的企业", choices=("with_owners", "own_cohort")),
    _p("mujun.rd_ratio_denominator", T.ENUM, NONE, "R&D经费占比的分母",
       choices=("main_revenue", "revenue")),
    _p("mujun.industry_groups", T.GROUPS, NONE, "分行业组排名", optional=True),
    _p("mujun.adjustments", T.ADJUSTMENTS, NONE, "加减分项目", optional=True),
    _p("mujun.regrade_rules", T.REGRADES, NONE, "调档规则", optional=True),
    _p("mujun.missing_emission", T.ENUM, NONE, "规上企业缺排放数据的计分办法",
       choices=("cohort_mean", "incomplete")),
    _p("mujun.cap", T.NUMBER, RATIO, "单项指标与基准值之比的上限", optional=True,
       range=Range(1, 100)),
    _p("mujun.min_cohort", T.INT, "家", "按排名分类所需最少企业数"),
    _p("mujun.share_a", T.NUMBER, RATIO, "A类排名比例上限", range=SHARE),
    _p("mujun.share_b", T.NUMBER, RATIO, "B类排名比例上限", range=SHARE),
    _p("mujun.share_c", T.NUMBER, RATIO, "C类排名比例上限", range=SHARE),
    _p("mujun.class_names", T.STRING_MAP, NONE, "分类名称", choices=CLASSES),
    *_indicator_specs(),
    _p("mujun.target_rd_ratio", T.NUMBER, RATIO, "规上工业企业研发经费占营业收入比重目标（2025）"),
    _p("mujun.target_labour_productivity", T.NUMBER, "万元/人", "规上制造业全员劳动生产率目标（2025）"),
    # 节能审查绿色通道
    _p("green.max_intensity", T.NUMBER, "吨标准煤/万元", "绿色通道单位工业增加值能耗上限（不含）"),
    _p("green.no_review_max_tce", T.NUMBER, TCE, "不单独节能审查的年综合能耗上限（当量值，不含）"),
    _p("green.no_review_max_electricity", T.NUMBER, KWH10K, "不单独节能审查的年用电量上限（不含）"),
    _p("green.provincial_min_tce", T.NUMBER, TCE, "省级节能审查的年综合能耗下限（当量值）"),
    # 优质中小企业梯度
    _p("sme.switch_date", T.DATE, DATE, "2026 年认定办法施行日期"),
    _p("sme.growth_method", T.ENUM, NONE, "两年平均增长率算法", choices=("geometric", "arithmetic")),
    _p("sme.2022.prerequisite", T.ENUM, NONE, "2022 年办法：申报须已获或符合下一层级",
       choices=PREREQUISITE),
    _p("sme.2026.prerequisite", T.ENUM, NONE, "2026 年办法：申报须已获或符合下一层级",
       choices=PREREQUISITE),
    _p("sme.size.large_employees", T.INT, PEOPLE, "大型企业从业人员下限"),
    _p("sme.size.large_revenue", T.NUMBER, WAN, "大型企业营业收入下限"),
    _p("sme.size.medium_employees", T.INT, PEOPLE, "中型企业从业人员下限"),
    _p("sme.size.medium_revenue", T.NUMBER, WAN, "中型企业营业收入下限"),
    _p("sme.size.small_employees", T.INT, PEOPLE, "小型企业从业人员下限"),
    _p("sme.size.small_revenue", T.NUMBER, WAN, "小型企业营业收入下限"),
    # 2022 创新型
    _p("sme.2022.innovative.direct_equity", T.NUMBER, WAN, "创新型直通：股权融资"),
    _p("sme.2022.innovative.min_score", T.NUMBER, POINTS, "创新型评价总分下限"),
    _p("sme.2022.innovative.min_innovation", T.NUMBER, POINTS, "创新能力得分下限"),
    _p("sme.2022.innovative.min_growth", T.NUMBER, POINTS, "成长性得分下限"),
    _p("sme.2022.innovative.min_specialisation", T.NUMBER, POINTS, "专业化程度得分下限"),
    _p("sme.2022.innovative.ip_points", T.POINTS_MAP, POINTS, "知识产权得分", choices=IP_LEVELS),
    _p("sme.2022.innovative.rd_ratio_points", T.BANDS_GE, RATIO, "研发费用占营业收入比重得分"),
    _p("sme.2022.innovative.growth_points", T.BANDS_GE, RATIO, "主营业务收入增长率得分",
       range=GROWTH),
    _p("sme.2022.innovative.debt_points", T.BANDS_LE, RATIO, "资产负债率得分"),
    _p("sme.2022.innovative.strategic_points", T.POINTS_MAP, POINTS, "主导产品属战略性新兴产业得分",
       choices=YES_NO),
    _p("sme.2022.innovative.main_share_points", T.BANDS_GE, RATIO, "主营业务收入占营业收入比重得分"),
    # 2022 专精特新
    _p("sme.2022.specialised.min_niche_years", T.NUMBER, YEARS, "从事细分市场年限下限"),
    _p("sme.2022.specialised.min_rd_expense", T.NUMBER, WAN, "研发费用下限"),
    _p("sme.2022.specialised.min_rd_ratio", T.NUMBER, RATIO, "研发费用占营业收入比重下限"),
    _p("sme.2022.specialised.min_revenue", T.NUMBER, WAN, "营业收入下限"),
    _p("sme.2022.specialised.alt_equity", T.NUMBER, WAN, "营业收入不足时的股权融资下限"),
    _p("sme.2022.specialised.min_score", T.NUMBER, POINTS, "专精特新评价总分下限"),
    _p("sme.2022.specialised.direct_avg_rd", T.NUMBER, WAN, "直通：近两年研发费用平均"),
    _p("sme.2022.specialised.direct_equity", T.NUMBER, WAN, "直通：股权融资"),
    _p("sme.2022.specialised.direct_maker_rank", T.ENUM, NONE, "直通：“创客中国”大赛全国名次（及以上）",
       choices=MAKER_MIN_RANKS),
    _p("sme.2022.specialised.main_share_points", T.BANDS_GE, RATIO, "主营业务收入占比得分"),
    _p("sme.2022.specialised.growth_points", T.BANDS_GE, RATIO, "近两年主营业务收入平均增长率得分",
       range=GROWTH),
    _p("sme.2022.specialised.niche_years_per_point", T.NUMBER, YEARS, "细分市场年限每得 1 分所需年数",
       range=Range(0.01, 100)),
    _p("sme.2022.specialised.niche_points_max", T.NUMBER, POINTS, "细分市场年限得分上限"),
    _p("sme.2022.specialised.product_field_points", T.POINTS_MAP, POINTS, "主导产品领域得分",
       choices=("补短板", "六基或配套", "其他")),
    _p("sme.2022.specialised.digital_points", T.BANDS_GE, "级", "数字化水平得分"),
    _p("sme.2022.specialised.quality_points_per_item", T.NUMBER, POINTS, "质量管理每项得分"),
    _p("sme.2022.specialised.quality_points_max", T.NUMBER, POINTS, "质量管理得分上限"),
    _p("sme.2022.specialised.margin_points", T.BANDS_GE, RATIO, "净利润率得分"),
    _p("sme.2022.specialised.debt_points", T.BANDS_LE, RATIO, "资产负债率得分"),
    _p("sme.2022.specialised.local_points_max", T.NUMBER, POINTS, "地方特色指标得分上限"),
    _p("sme.2022.specialised.ip_points", T.POINTS_MAP, POINTS, "知识产权得分", choices=IP_LEVELS),
    _p("sme.2022.specialised.rd_amount_points", T.BANDS_GE, WAN, "研发费用总额得分"),
    _p("sme.2022.specialised.rd_ratio_points", T.BANDS_GE, RATIO, "研发费用占营业收入比重得分"),
    _p("sme.2022.specialised.rd_staff_points", T.BANDS_GE, RATIO, "研发人员占比得分"),
    _p("sme.2022.specialised.institution_points", T.POINTS_MAP, POINTS, "研发机构得分",
       choices=("国家级", "省级", "市级", "市级以下", "无")),
    # 2022 小巨人
    _p("sme.2022.little_giant.min_niche_years", T.NUMBER, YEARS, "从事细分市场年限下限"),
    _p("sme.2022.little_giant.min_main_share", T.NUMBER, RATIO, "主营业务收入占比下限"),
    _p("sme.2022.little_giant.min_growth", T.NUMBER, RATIO, "近两年主营业务收入平均增长率下限",
       range=GROWTH),
    _p("sme.2022.little_giant.max_debt", T.NUMBER, RATIO, "资产负债率上限"),
    _p("sme.2022.little_giant.min_national_share", T.NUMBER, PCT, "国内细分市场占有率下限"),
    _p("sme.2022.little_giant.large_revenue", T.NUMBER, WAN, "营业收入较高档下限"),
    _p("sme.2022.little_giant.mid_revenue", T.NUMBER, WAN, "营业收入中间档下限"),
    _p("sme.2022.little_giant.large_min_rd_ratio", T.NUMBER, RATIO, "较高档研发费用占比下限（两年）"),
    _p("sme.2022.little_giant.mid_min_rd_ratio", T.NUMBER, RATIO, "中间档研发费用占比下限（两年）"),
    _p("sme.2022.little_giant.small_min_equity", T.NUMBER, WAN, "较低档股权融资下限"),
    _p("sme.2022.little_giant.small_min_rd_2y", T.NUMBER, WAN, "较低档近两年研发费用总额下限"),
    _p("sme.2022.little_giant.small_min_rd_staff", T.NUMBER, RATIO, "较低档研发人员占比下限"),
    _p("sme.2022.little_giant.min_ip_class1", T.INT, COUNT, "Ⅰ类知识产权数下限"),
    _p("sme.2022.little_giant.direct_maker_rank", T.ENUM, NONE,
       "创新能力直通：“创客中国”大赛全国名次（及以上）", choices=MAKER_MIN_RANKS),
    # 2026 科技和创新型
    _p("sme.2026.innovative.held_titles", T.STRING_LIST, NONE, "视为已属科技和创新型中小企业的已获称号"),
    # 2026 专精特新
    _p("sme.2026.specialised.min_niche_years", T.NUMBER, YEARS, "从事细分市场年限下限"),
    _p("sme.2026.specialised.min_revenue", T.NUMBER, WAN, "营业收入下限"),
    _p("sme.2026.specialised.alt_equity", T.NUMBER, WAN, "营业收入不足时的股权融资下限"),
    _p("sme.2026.specialised.min_main_share", T.NUMBER, RATIO, "主营业务收入占比下限"),
    _p("sme.2026.specialised.max_debt", T.NUMBER, RATIO, "资产负债率上限"),
    _p("sme.2026.specialised.min_rd_expense", T.NUMBER, WAN, "每年研发费用下限"),
    _p("sme.2026.specialised.min_rd_ratio", T.NUMBER, RATIO, "每年研发费用占营业收入比重下限"),
    _p("sme.2026.specialised.min_ip_class1", T.INT, COUNT, "Ⅰ类知识产权数下限"),
    _p("sme.2026.specialised.min_zjtx_score", T.NUMBER, POINTS, "专精特新发展评价得分下限"),
    # 2026 小巨人
    _p("sme.2026.little_giant.min_niche_years", T.NUMBER, YEARS, "从事细分市场年限下限"),
    _p("sme.2026.little_giant.min_revenue", T.NUMBER, WAN, "营业收入下限"),
    _p("sme.2026.little_giant.min_main_share", T.NUMBER, RATIO, "主营业务收入占比下限"),
    _p("sme.2026.little_giant.min_growth", T.NUMBER, RATIO, "近两年营业收入复合增长率下限",
       range=GROWTH),
    _p("sme.2026.little_giant.max_debt", T.NUMBER, RATIO, "资产负债率上限"),
    _p("sme.2026.little_giant.min_rd_2y", T.NUMBER, WAN, "近两年研发费用总额下限"),
    _p("sme.2026.little_giant.min_rd_ratio", T.NUMBER, RATIO, "每年研发费用占营业收入比重下限"),
    _p("sme.2026.little_giant.min_ip_class1", T.INT, COUNT, "Ⅰ类知识产权数下限"),
    _p("sme.2026.little_giant.min_national_share", T.NUMBER, PCT, "国内细分市场占有率下限"),
    _p("sme.2026.little_giant.min_zjtx_score", T.NUMBER, POINTS, "专精特新发展评价得分下限"),
    # 科技型中小企业
    _p("sme.tech.max_employees", T.INT, PEOPLE, "科技型中小企业职工总数上限"),
    _p("sme.tech.max_revenue", T.NUMBER, WAN, "科技型中小企业年销售收入上限"),
    _p("sme.tech.max_assets", T.NUMBER, WAN, "科技型中小企业资产总额上限"),
    _p("sme.tech.min_score", T.NUMBER, POINTS, "科技型中小企业评价得分下限"),
    _p("sme.tech.staff_points", T.BANDS_GE, RATIO, "科技人员占比得分"),
    _p("sme.tech.rd_points", T.BANDS_GE, RATIO, "研发费用占销售收入比重得分"),
    _p("sme.tech.ip_class1_points", T.NUMBER, POINTS, "拥有Ⅰ类知识产权得分"),
    _p("sme.tech.ip_class2_points", T.BANDS_GE, COUNT, "Ⅱ类知识产权数得分"),
    # 高新技术企业
    _p("sme.hntech.small_max_revenue", T.NUMBER, WAN, "高企研发比例第一档营业收入上限"),
    _p("sme.hntech.mid_max_revenue", T.NUMBER, WAN, "高企研发比例第二档营业收入上限"),
    _p("sme.hntech.small_min_rd_ratio", T.NUMBER, RATIO, "第一档研发费用占比下限"),
    _p("sme.hntech.mid_min_rd_ratio", T.NUMBER, RATIO, "第二档研发费用占比下限"),
    _p("sme.hntech.large_min_rd_ratio", T.NUMBER, RATIO, "第三档研发费用占比下限"),
    _p("sme.hntech.min_tech_staff", T.NUMBER, RATIO, "科技人员占职工总数比例下限"),
    # 浙江隐形冠军
    _p("sme.champion.min_revenue", T.NUMBER, WAN, "隐形冠军营业收入下限"),
    _p("sme.champion.max_revenue", T.NUMBER, WAN, "隐形冠军营业收入上限"),
    _p("sme.champion.min_niche_years", T.NUMBER, YEARS, "隐形冠军从事细分市场年限下限"),
    _p("sme.champion.min_rd_ratio", T.NUMBER, RATIO, "隐形冠军研发费用占比下限（两年）"),
    _p("sme.champion.max_debt", T.NUMBER, RATIO, "隐形冠军资产负债率上限"),
    # 高耗低效整治
    _p("rect.industry_in_scope", T.INT_RANGES, NONE, "整治范围行业大类（制造业）"),
    _p("rect.min_land_below_scale", T.NUMBER, MU, "规下企业纳入整治范围的用地下限"),
    _p("rect.low_tax_above_scale", T.NUMBER, "万元/亩", "规上企业亩均税收低于此值"),
    _p("rect.low_tax_below_scale", T.NUMBER, "万元/亩", "规下企业亩均税收低于此值"),
    _p("rect.large_land_below_scale", T.NUMBER, MU, "规下企业用地不低于此值"),
    _p("rect.max_energy_intensity", T.NUMBER, "吨标准煤/万元", "单位增加值能耗（等价值）上限",
       optional=True),
    _p("rect.energy_intensive_divisions", T.INT_LIST, NONE, "高耗能行业大类"),
    # 数字化
    _p("digital.level_bands", T.BANDS_GE, POINTS, "数字化水平评测得分与等级",
       points=Range(1, 5)),
    _p("digital.workshop_min_level", T.INT, "级", "数字化车间数字化等级下限"),
    _p("digital.workshop_min_investment", T.NUMBER, WAN, "数字化车间近五年数字化投入下限"),
    _p("digital.workshop_min_investment_mountain", T.NUMBER, WAN, "数字化车间投入下限（山区海岛县）"),
    _p("digital.factory_min_level", T.INT, "级", "智能工厂数字化等级下限"),
    _p("digital.factory_min_investment", T.NUMBER, WAN, "智能工厂近五年数字化投入下限"),
    _p("digital.factory_min_investment_mountain", T.NUMBER, WAN, "智能工厂投入下限（山区海岛县）"),
    _p("digital.future_min_level", T.INT, "级", "未来工厂数字化等级下限"),
    _p("digital.mountain_counties", T.STRING_LIST, NONE, "山区 26 县"),
    # 工业碳效 (DB33/T 1347—2023; RULES §7)
    _p("carbon.electricity_factor", T.NUMBER, "千克二氧化碳/千瓦时", "电力平均二氧化碳排放因子（浙江）",
       by_data_year=True),
    *(_p(f"carbon.{fuel}.{part}", T.NUMBER, unit, f"{name}{what}")
      for fuel, name, ncv_unit in (("coal", "原煤", "吉焦/吨"), ("natural_gas", "天然气", "吉焦/万立方米"),
                                   ("diesel", "柴油", "吉焦/吨"), ("gasoline", "汽油", "吉焦/吨"),
                                   ("fuel_oil", "燃料油", "吉焦/吨"), ("lpg", "液化石油气", "吉焦/吨"))
      for part, unit, what in (("ncv", ncv_unit, "低位发热量"), ("carbon_content", "吨碳/太焦", "单位热值含碳量"),
                               ("oxidation", RATIO, "碳氧化率"))),
    _p("carbon.heat", T.NUMBER, "吨二氧化碳/吉焦", "外购热力二氧化碳排放因子"),
    _p("carbon.level_low_max", T.NUMBER, "吨二氧化碳/万元", "碳效低等级的碳排放强度上限（含）"),
    _p("carbon.level_medium_max", T.NUMBER, "吨二氧化碳/万元", "碳效中等级的碳排放强度上限（含）"),
    *(_p(f"carbon.grade_{g}_max", T.NUMBER, "倍", f"碳效 {g} 级：碳排放强度不高于行业平均的倍数（含）")
      for g in (1, 2, 3, 4)),
    _p("carbon.min_industry_firms", T.INT, "家", "按参评企业计算行业平均所需的同行业最少企业数"),
    _p("carbon.industry_average", T.DIVISION_VALUES, "吨二氧化碳/万元", "行业平均碳排放强度（按行业大类）",
       optional=True, by_data_year=True),
    _p("carbon.high_is_sign", T.ENUM, NONE, "碳效等级为“高”时是否列为高耗低效整治信号",
       choices=("context", "sign")),
)

BY_KEY: dict[str, ParamSpec] = {s.key: s for s in SPECS}
assert len(BY_KEY) == len(SPECS), "duplicate parameter key in SPECS"

# Pairs that a method cannot reverse: (lower key, higher key, strictly lower).
ORDERED: tuple[tuple[str, str, bool], ...] = (
    ("sme.size.small_employees", "sme.size.medium_employees", True),
    ("sme.size.medium_employees", "sme.size.large_employees", True),
    ("sme.size.small_revenue", "sme.size.medium_revenue", True),
    ("sme.size.medium_revenue", "sme.size.large_revenue", True),
    ("sme.2022.little_giant.mid_revenue", "sme.2022.little_giant.large_revenue", True),
    ("sme.hntech.small_max_revenue", "sme.hntech.mid_max_revenue", True),
    ("sme.hntech.large_min_rd_ratio", "sme.hntech.mid_min_rd_ratio", False),
    ("sme.hntech.mid_min_rd_ratio", "sme.hntech.small_min_rd_ratio", False),
    ("sme.champion.min_revenue", "sme.champion.max_revenue", True),
    ("green.no_review_max_tce", "green.provincial_min_tce", False),
    ("rect.min_land_below_scale", "rect.large_land_below_scale", False),
    ("digital.workshop_min_level", "digital.factory_min_level", False),
    ("digital.factory_min_level", "digital.future_min_level", False),
    ("digital.workshop_min_investment", "digital.factory_min_investment", False),
    ("digital.workshop_min_investment_mountain", "digital.workshop_min_investment", False),
    ("digital.factory_min_investment_mountain", "digital.factory_min_investment", False),
    ("carbon.level_low_max", "carbon.level_medium_max", True),
    ("carbon.grade_1_max", "carbon.grade_2_max", True),
    ("carbon.grade_2_max", "carbon.grade_3_max", True),
    ("carbon.grade_3_max", "carbon.grade_4_max", True),
)
assert all(a in BY_KEY and b in BY_KEY for a, b, _ in ORDERED)

# Parameter groups by key prefix, in the order `mujun rules` prints them.
GROUP_NAMES = {"mujun": "亩均效益评价", "energy": "能源折标系数", "emission": "排放当量",
               "green": "节能审查绿色通道", "sme": "优质中小企业梯度培育", "rect": "高耗低效企业整治",
               "digital": "数字化水平与认定", "carbon": "工业碳效"}
assert {s.assessment for s in SPECS} <= set(GROUP_NAMES)

"""The field catalogue: every input field of a declaration, declared once.

The Qt form, the Excel template, the import validator, the SQLite columns and the PDF input
table are all generated from ``ENTERPRISE_FIELDS`` and ``PROJECT_FIELDS``. Adding a field is one
edit here. Field ids are the contract (SPEC §3); labels are the Excel headers and stay accepted
as import aliases if they are ever polished.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    """How a field's value is typed."""

    TEXT = "text"
    CODE = "code"  # 统一社会信用代码: 18 characters, checked by rules.identifiers
    INT = "int"
    NUMBER = "number"
    BOOL = "bool"  # 是/否
    CHOICE = "choice"  # one of ``choices``
    MULTI = "multi"  # any of ``choices``


# Assessment ids (SPEC §4); a field's ``needed_by`` names the ones that read it.
MUJUN = "mujun"
GREEN = "green_channel"
SME = "sme"
RECT = "rectification"
DIGITAL = "digital"
CARBON = "carbon"
ASSESSMENTS = (MUJUN, GREEN, SME, RECT, DIGITAL, CARBON)


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: Kind
    group: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    aliases: tuple[str, ...] = ()
    needed_by: tuple[str, ...] = ()
    allow_negative_warning: bool = False  # value_added: negative accepted with a warning

    @property
    def header(self) -> str:
        """The Excel header: label plus unit where the label does not already carry it."""
        # "（亩）" in 实际用地面积（亩） is the unit; the 人 of 年平均职工人数 is not
        if self.unit and f"（{self.unit}）" not in self.label and \
                self.kind in (Kind.NUMBER, Kind.INT):
            return f"{self.label}（{self.unit}）"
        return self.label

    @property
    def is_numeric(self) -> bool:
        return self.kind in (Kind.NUMBER, Kind.INT)


_M = "万元"
_YN = ("是", "否")


def _f(id: str, label: str, kind: Kind, group: str, **kw) -> Field:
    return Field(id=id, label=label, kind=kind, group=group, **kw)


G_BASIC, G_LAND, G_BIZ, G_ENERGY, G_EMIS, G_DIGI, G_SME = (
    "基本信息", "用地", "经营", "能源", "排放", "数字化", "梯度培育")

TITLES = ("创新型", "专精特新", "小巨人", "科技型", "高新技术")
RD_INSTITUTIONS = ("无", "市级以下", "市级", "省级", "国家级")
PRODUCT_FIELDS = ("补短板", "六基或配套", "其他")
RECOGNITIONS = ("无", "数字化车间", "智能工厂", "未来工厂")
# from lowest to highest: the national top 50 is also within the top 500
MAKER_RANKS = ("无", "500强", "50强")

ENTERPRISE_FIELDS: tuple[Field, ...] = (
    # 基本信息
    _f("name", "企业名称", Kind.TEXT, G_BASIC, required=True, aliases=("单位名称", "企业全称", "纳税人名称", "企业（单位）名称", "单位详细名称",
                "法人单位名称", "企业名", "公司名称", "用电户名", "户名"),
       help="营业执照上的企业全称。"),
    _f("credit_code", "统一社会信用代码", Kind.CODE, G_BASIC, required=True,
       aliases=("信用代码", "社会信用代码", "USCC", "纳税人识别号", "统一信用代码",
                "统一社会信用代码（纳税人识别号）", "社会统一信用代码", "组织机构代码/统一社会信用代码"),
       help="18位，按 GB 32100-2015 校验；Excel 中请设为文本格式，勿存为数字。"),
    _f("year", "数据年度", Kind.INT, G_BASIC, required=True, minimum=2000, maximum=2100,
       aliases=("年度", "评价年度", "年份", "统计年度", "所属年度", "报告期", "数据年份"), help="本表数据所属的年度，如 2024。",
       needed_by=(MUJUN, SME)),
    _f("county", "所在县（市、区）", Kind.TEXT, G_BASIC, aliases=("县市区", "所在县市区", "所属县区", "县（市、区）", "县(市、区)", "县市区名称",
                "所属县（市、区）", "所属区县", "区县", "县区", "行政区划"),
       help="用于判断是否山区海岛县，以及选择县级评价办法。"),
    _f("park", "所在园区/街道", Kind.TEXT, G_BASIC, aliases=("所在园区", "园区", "乡镇街道", "乡镇（街道）", "所在乡镇（街道）", "所属乡镇（街道）",
                "乡镇（街道、园区）", "所在乡镇", "镇街", "街道", "乡镇", "所属园区", "所属乡镇")),
    _f("industry_code", "国民经济行业代码", Kind.TEXT, G_BASIC, aliases=("行业代码", "国民经济行业分类代码", "行业分类代码", "国标行业代码", "行业小类代码",
                "所属行业代码", "行业类别代码"),
       help="GB/T 4754-2017 行业代码，2–4 位数字；前两位为行业大类。",
       needed_by=(MUJUN, RECT, CARBON)),
    _f("above_scale", "是否规上工业企业", Kind.BOOL, G_BASIC, choices=_YN, aliases=("是否规上", "是否规模以上", "是否规模以上工业企业", "规上/规下", "企业规模（规上/规下）",
                "是否规上企业"),
       help="留空时按主营业务收入 ≥ 2000 万元判断。", needed_by=(MUJUN, RECT)),
    _f("in_production", "是否已投产", Kind.BOOL, G_BASIC, choices=_YN,
       help="留空视为已投产；未投产企业不参与分类。", needed_by=(MUJUN,)),
    _f("founded_year", "成立年份", Kind.INT, G_BASIC, minimum=1900, maximum=2100,
       help="成立不满 2 年的企业不参与分类（默认规则）。", needed_by=(MUJUN,)),
    _f("land_acquired_year", "取得土地年份", Kind.INT, G_BASIC, minimum=1900, maximum=2100,
       help="新取得土地不满 3 年的企业不参与分类（默认规则）。", needed_by=(MUJUN,)),
    _f("merger_year", "兼并重组年份", Kind.INT, G_BASIC, minimum=1900, maximum=2100,
       aliases=("兼并重组时间", "重组年份"),
       help="近年有兼并重组的填写；县级办法设有缓评年限时，重组不满年限的企业缓评。",
       needed_by=(MUJUN,)),
    _f("mountain_island", "是否山区海岛县", Kind.BOOL, G_BASIC, choices=_YN,
       help="留空时按所在县（市、区）判断是否属山区 26 县。", needed_by=(DIGITAL,)),
    # 用地
    _f("land_mu", "实际用地面积（亩）", Kind.NUMBER, G_LAND, unit="亩", minimum=0,
       aliases=("用地面积", "实际用地面积", "用地面积（亩）", "土地面积", "占地面积", "实际占地面积",
                "用地总面积", "实际使用土地面积", "土地使用面积", "企业用地面积", "总用地面积", "计税土地面积",
                "应税土地面积", "城镇土地使用税计税面积"),
       help="自有加租入、实际使用的土地面积，必须大于 0。", needed_by=(MUJUN, RECT)),
    _f("own_land", "是否有自有工业用地", Kind.BOOL, G_LAND, choices=_YN,
       aliases=("有无自有工业用地", "是否自有土地", "是否有自有土地"),
       help="全部厂房为租赁的填“否”。县级办法把无自有工业用地的企业单列一组时用到；留空视为有。",
       needed_by=(MUJUN,)),
    _f("tenant_count", "出租厂房的承租企业数", Kind.INT, G_LAND, unit="家", minimum=0,
       aliases=("承租企业数", "出租户数", "厂房出租户数", "承租企业家数"),
       help="把厂房出租给其他企业的，填承租企业家数；没有出租填 0。县级办法按出租户数扣分时用到。",
       needed_by=(MUJUN,)),
    # 经营
    _f("revenue", "营业收入", Kind.NUMBER, G_BIZ, unit=_M, minimum=0, aliases=("营收", "营业收入合计", "营业总收入"),
       needed_by=(SME,)),
    _f("revenue_prev", "上年营业收入", Kind.NUMBER, G_BIZ, unit=_M, minimum=0, needed_by=(SME,)),
    _f("revenue_prev2", "前年营业收入", Kind.NUMBER, G_BIZ, unit=_M, minimum=0, needed_by=(SME,)),
    _f("main_revenue", "主营业务收入", Kind.NUMBER, G_BIZ, unit=_M, minimum=0,
       aliases=("主营收入", "主营业务收入合计"), needed_by=(MUJUN, SME)),
    _f("main_revenue_prev", "上年主营业务收入", Kind.NUMBER, G_BIZ, unit=_M, minimum=0,
       needed_by=(SME,)),
    _f("main_revenue_prev2", "前年主营业务收入", Kind.NUMBER, G_BIZ, unit=_M, minimum=0,
       needed_by=(SME,)),
    _f("tax", "实缴税金", Kind.NUMBER, G_BIZ, unit=_M, minimum=0,
       aliases=("税收实际贡献", "实缴税收", "税收", "纳税总额", "税收总额", "入库税金", "实缴税金总额",
                "实缴税费", "税收收入", "入库税收", "实际入库税金", "实缴税额", "纳税额", "税收贡献", "实际纳税额",
                "税费合计", "实缴税金合计"),
       help="县里评价用的税收实际贡献（实缴税金）。", needed_by=(MUJUN, RECT)),
    _f("value_added", "工业增加值", Kind.NUMBER, G_BIZ, unit=_M, aliases=("增加值", "工业增加值（现价）", "现价工业增加值"),
       allow_negative_warning=True, help="可为负数（将给出提示）。",
       needed_by=(MUJUN, RECT, CARBON)),
    _f("net_profit", "净利润", Kind.NUMBER, G_BIZ, unit=_M, aliases=("利润", "净利润额"), needed_by=(SME,)),
    _f("total_assets", "资产总额", Kind.NUMBER, G_BIZ, unit=_M, minimum=0, needed_by=(SME,)),
    _f("total_liabilities", "负债总额", Kind.NUMBER, G_BIZ, unit=_M, minimum=0, needed_by=(SME,)),
    _f("employees", "年平均职工人数", Kind.INT, G_BIZ, unit="人", minimum=0,
       aliases=("职工人数", "从业人员", "年平均从业人员", "从业人员平均人数", "从业人员期末人数",
                "年末从业人员", "从业人数", "职工总数", "员工人数", "在岗职工人数", "年平均从业人员数",
                "平均从业人员", "期末从业人员", "参保人数"), needed_by=(MUJUN, SME)),
    _f("rd_expense", "研发费用", Kind.NUMBER, G_BIZ, unit=_M, minimum=0,
       aliases=("研发经费", "R&D经费支出", "研发经费支出", "研究开发费用", "研发投入", "R&D经费",
                "研发费用支出", "科技活动经费支出", "研究与试验发展经费支出"), help="上一完整年度的研发费用。", needed_by=(MUJUN, SME)),
    _f("rd_expense_prev", "上年研发费用", Kind.NUMBER, G_BIZ, unit=_M, minimum=0, needed_by=(SME,)),
    _f("rd_staff", "研发人员数", Kind.INT, G_BIZ, unit="人", minimum=0,
       aliases=("研发人员", "研发人员数量", "R&D人员", "研究开发人员数"), needed_by=(SME,)),
    _f("equity_financing_2y", "近两年新增股权融资", Kind.NUMBER, G_BIZ, unit=_M, minimum=0,
       help="合格机构投资者实缴的股权融资额。", needed_by=(SME,)),
    # 能源
    _f("energy_equal_tce", "综合能耗（等价值）", Kind.NUMBER, G_ENERGY, unit="吨标准煤", minimum=0,
       aliases=("综合能源消费量（等价值）", "能源消费总量（等价值）", "综合能耗等价值", "等价值综合能耗"),
       help="填写后直接使用；否则按各能源品种折算。", needed_by=(MUJUN, RECT)),
    _f("energy_equiv_tce", "综合能耗（当量值）", Kind.NUMBER, G_ENERGY, unit="吨标准煤", minimum=0,
       aliases=("综合能源消费量（当量值）", "能源消费总量（当量值）", "综合能耗当量值", "当量值综合能耗"),
       help="填写后直接使用；否则按各能源品种折算。"),
    _f("electricity_10k_kwh", "用电量（万千瓦时）", Kind.NUMBER, G_ENERGY, unit="万千瓦时",
       minimum=0, aliases=("用电量", "用电量（万kWh）", "年用电量", "总用电量", "全年用电量", "用电总量",
                "实际用电量", "工业用电量", "售电量", "电力消费量"), needed_by=(MUJUN, RECT, CARBON)),
    _f("coal_t", "原煤（吨）", Kind.NUMBER, G_ENERGY, unit="吨", minimum=0, aliases=("原煤",)),
    _f("natural_gas_10k_m3", "天然气（万立方米）", Kind.NUMBER, G_ENERGY, unit="万立方米",
       minimum=0, aliases=("天然气",)),
    _f("heat_gj", "外购热力（吉焦）", Kind.NUMBER, G_ENERGY, unit="吉焦", minimum=0,
       aliases=("外购热力", "热力")),
    _f("diesel_t", "柴油（吨）", Kind.NUMBER, G_ENERGY, unit="吨", minimum=0, aliases=("柴油",)),
    _f("gasoline_t", "汽油（吨）", Kind.NUMBER, G_ENERGY, unit="吨", minimum=0, aliases=("汽油",)),
    _f("fuel_oil_t", "燃料油（吨）", Kind.NUMBER, G_ENERGY, unit="吨", minimum=0, aliases=("燃料油",)),
    _f("lpg_t", "液化石油气（吨）", Kind.NUMBER, G_ENERGY, unit="吨", minimum=0,
       aliases=("液化石油气",)),
    _f("feedstock_tce", "原料用能（吨标准煤）", Kind.NUMBER, G_ENERGY, unit="吨标准煤", minimum=0,
       aliases=("原料用能",), help="作为原料使用的能源，从综合能耗中扣除（《关于高质量发展建设全球先进制造业基地的指导意见》十（三））。"),
    # 排放
    _f("cod_t", "化学需氧量（吨）", Kind.NUMBER, G_EMIS, unit="吨", minimum=0,
       aliases=("化学需氧量", "COD", "化学需氧量排放量", "COD排放量", "化学需氧量（COD）排放量"), needed_by=(MUJUN,)),
    _f("nh3n_t", "氨氮（吨）", Kind.NUMBER, G_EMIS, unit="吨", minimum=0, aliases=("氨氮", "氨氮排放量", "NH3-N排放量", "NH3-N"),
       needed_by=(MUJUN,)),
    _f("so2_t", "二氧化硫（吨）", Kind.NUMBER, G_EMIS, unit="吨", minimum=0, aliases=("二氧化硫", "二氧化硫排放量", "SO2排放量", "SO2"),
       needed_by=(MUJUN,)),
    _f("nox_t", "氮氧化物（吨）", Kind.NUMBER, G_EMIS, unit="吨", minimum=0, aliases=("氮氧化物", "氮氧化物排放量", "NOx排放量", "NOX", "NOx"),
       needed_by=(MUJUN,)),
    # 数字化
    _f("digital_score", "数字化水平评测得分", Kind.NUMBER, G_DIGI, unit="分", minimum=0, maximum=100,
       help="中小企业数字化水平评测得分；等级留空时据此判定。", needed_by=(DIGITAL, SME)),
    _f("digital_level", "数字化水平等级", Kind.INT, G_DIGI, unit="级", minimum=1, maximum=4,
       needed_by=(DIGITAL, SME)),
    _f("digital_investment_5y", "近五年数字化软硬件投入", Kind.NUMBER, G_DIGI, unit=_M, minimum=0,
       help="不含土建投入。", needed_by=(DIGITAL,)),
    _f("digital_recognition", "已获数字化认定", Kind.CHOICE, G_DIGI, choices=RECOGNITIONS,
       needed_by=(DIGITAL,)),
    _f("credit_good", "信用等级良好及以上", Kind.BOOL, G_DIGI, choices=_YN, needed_by=(DIGITAL,)),
    # 梯度培育
    _f("niche_years", "从事细分市场年限", Kind.NUMBER, G_SME, unit="年", minimum=0, needed_by=(SME,)),
    _f("ip_class1", "Ⅰ类知识产权数", Kind.INT, G_SME, unit="项", minimum=0,
       aliases=("I类知识产权数", "一类知识产权数"), needed_by=(SME,)),
    _f("ip_class1_high_value", "拥有高价值Ⅰ类知识产权", Kind.BOOL, G_SME, choices=_YN,
       aliases=("拥有高价值I类知识产权",), needed_by=(SME,)),
    _f("ip_class1_self_developed", "拥有自主研发Ⅰ类知识产权", Kind.BOOL, G_SME, choices=_YN,
       aliases=("拥有自主研发I类知识产权",), needed_by=(SME,)),
    _f("ip_class2", "Ⅱ类知识产权数", Kind.INT, G_SME, unit="项", minimum=0,
       aliases=("II类知识产权数", "二类知识产权数"), needed_by=(SME,)),
    _f("rd_institution", "研发机构级别", Kind.CHOICE, G_SME, choices=RD_INSTITUTIONS, needed_by=(SME,)),
    _f("strategic_emerging", "主导产品属战略性新兴产业", Kind.BOOL, G_SME, choices=_YN,
       needed_by=(SME,)),
    _f("product_field", "主导产品领域", Kind.CHOICE, G_SME, choices=PRODUCT_FIELDS, needed_by=(SME,)),
    _f("key_field_product", "主导产品属重点领域", Kind.BOOL, G_SME, choices=_YN, needed_by=(SME,)),
    _f("quality_items", "质量管理项数", Kind.INT, G_SME, unit="项", minimum=0, maximum=4,
       help="获奖、通过 ISO 9001 等体系认证、拥有自主品牌、参与标准制定，每项计 1。",
       needed_by=(SME,)),
    _f("own_brand", "拥有自主品牌", Kind.BOOL, G_SME, choices=_YN, needed_by=(SME,)),
    _f("core_business_it", "核心业务采用信息系统", Kind.BOOL, G_SME, choices=_YN, needed_by=(SME,)),
    _f("mgmt_certified", "通过管理体系或产品认证", Kind.BOOL, G_SME, choices=_YN, needed_by=(SME,)),
    _f("national_share_pct", "国内细分市场占有率（%）", Kind.NUMBER, G_SME, unit="%", minimum=0,
       maximum=100, aliases=("国内细分市场占有率", "市场占有率"), needed_by=(SME,)),
    _f("local_points", "地方特色指标得分", Kind.NUMBER, G_SME, unit="分", minimum=0, maximum=15,
       help="省级主管部门设定的特色指标得分（2022 规则），由企业自填。", needed_by=(SME,)),
    _f("zjtx_score", "专精特新发展评价得分", Kind.NUMBER, G_SME, unit="分", minimum=0, maximum=100,
       help="国家平台按 2026 年规则算出的得分，由企业自填。", needed_by=(SME,)),
    _f("sci_award", "近三年获省部级以上科技奖励（前三）", Kind.BOOL, G_SME, choices=_YN,
       aliases=("近三年获省部级以上科技奖励",), needed_by=(SME,)),
    _f("maker_china_rank", "近三年“创客中国”大赛全国名次", Kind.CHOICE, G_SME, choices=MAKER_RANKS,
       aliases=('近三年"创客中国"大赛全国名次', "近三年创客中国大赛全国名次", "“创客中国”大赛全国名次",
                "创客中国大赛全国名次", "创客中国大赛名次", "创客中国全国名次"),
       help="近三年进入“创客中国”中小企业创新创业大赛全国 500 强或 50 强企业组名单的，选最好的名次；"
            "未进入选“无”。留空视为未知。", needed_by=(SME,)),
    _f("titles", "已获称号", Kind.MULTI, G_SME, choices=TITLES,
       help="可多选，用顿号、逗号或空格分隔：创新型、专精特新、小巨人、科技型、高新技术。",
       needed_by=(SME,)),
)

G_PROJECT = "新上项目"
DUAL_CONTROL = ("是", "否", "未知")

PROJECT_FIELDS: tuple[Field, ...] = (
    _f("credit_code", "统一社会信用代码", Kind.CODE, G_PROJECT, required=True,
       aliases=("信用代码", "社会信用代码")),
    _f("year", "数据年度", Kind.INT, G_PROJECT, required=True, minimum=2000, maximum=2100,
       aliases=("年度",)),
    _f("project_name", "新上项目名称", Kind.TEXT, G_PROJECT, required=True, aliases=("项目名称",)),
    _f("project_value_added", "达产年工业增加值", Kind.NUMBER, G_PROJECT, unit=_M,
       aliases=("项目工业增加值",), needed_by=(GREEN,)),
    _f("project_energy_equal_tce", "项目年综合能耗（等价值）", Kind.NUMBER, G_PROJECT,
       unit="吨标准煤", minimum=0, needed_by=(GREEN,)),
    _f("project_energy_equiv_tce", "项目年综合能耗（当量值）", Kind.NUMBER, G_PROJECT,
       unit="吨标准煤", minimum=0, needed_by=(GREEN,)),
    _f("project_electricity_10k_kwh", "项目年用电量（万千瓦时）", Kind.NUMBER, G_PROJECT,
       unit="万千瓦时", minimum=0, aliases=("项目年用电量",), needed_by=(GREEN,)),
    _f("region_dual_control", "所在地能耗双控目标完成情况", Kind.CHOICE, G_PROJECT,
       choices=DUAL_CONTROL, help="所在地能否确保完成能耗“双控”目标：是/否/未知。", needed_by=(GREEN,)),
)

ENTERPRISE_BY_ID: dict[str, Field] = {f.id: f for f in ENTERPRISE_FIELDS}
PROJECT_BY_ID: dict[str, Field] = {f.id: f for f in PROJECT_FIELDS}

# Energy carriers in their field units, converted by rules.units.
ENERGY_CARRIERS: tuple[str, ...] = (
    "electricity_10k_kwh", "coal_t", "natural_gas_10k_m3", "heat_gj",
    "diesel_t", "gasoline_t", "fuel_oil_t", "lpg_t")
POLLUTANTS: tuple[str, ...] = ("cod_t", "nh3n_t", "so2_t", "nox_t")


def label(field_id: str) -> str:
    """The Chinese label of an enterprise or project field id (other ids pass through)."""
    f = ENTERPRISE_BY_ID.get(field_id) or PROJECT_BY_ID.get(field_id)
    return f.label if f else field_id


@dataclass(frozen=True)
class FieldGroup:
    name: str
    fields: tuple[Field, ...] = field(default_factory=tuple)


def grouped(fields: tuple[Field, ...] = ENTERPRISE_FIELDS) -> tuple[FieldGroup, ...]:
    """Fields by group, in catalogue order (the form's tabs, the template's column blocks)."""
    return tuple(FieldGroup(g, tuple(f for f in fields if f.group == g))
                 for g in dict.fromkeys(f.group for f in fields))

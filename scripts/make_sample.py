"""Write the bundled sample park, ``resources/sample/sample-park.xlsx`` (示例数据), from a seed.

    .venv/bin/python scripts/make_sample.py            # rewrites the bundled workbook
    .venv/bin/python scripts/make_sample.py OUT.xlsx   # writes elsewhere

About 300 synthetic firms in seven Zhejiang counties and fifteen industries: 规上 and 规下 firms
in every class, firms out of scope (non-industrial, 规下 under 3 亩) and excluded from grading
(not producing, founded or given land too recently, utilities), firms on every rung of the SME
ladder, digital-factory candidates, new projects on both sides of 0.52 tce/万元, and rows that
are wrong on purpose — one for each kind of import error, with the mistake named in the 备注
column. Every firm's name ends in “（示例）”; every sheet says 示例数据 in its title row.
tests/test_sample.py checks that this script reproduces the bundled workbook and that the
workbook covers all of the above.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from rules.catalogue import ENTERPRISE_FIELDS, PROJECT_FIELDS
from rules.identifiers import synthetic_code

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "sample" / "sample-park.xlsx"
SEED = 20261123
YEAR = 2025
TITLE = f"示例数据（合成，非真实企业）：示例园区 {YEAR} 年度亩均效益评价企业数据"
NOTE = "备注（示例说明）"

# county → administrative division code (for the credit codes); 天台、遂昌 are 山区海岛县
COUNTIES = {"黄岩区": "331003", "路桥区": "331004", "椒江区": "331002", "温岭市": "331081",
            "玉环市": "331083", "天台县": "331023", "遂昌县": "331123"}
MOUNTAIN = {"天台县", "遂昌县"}
# GB/T 4754-2017 class → the word in a firm's name
INDUSTRIES = {"1713": "纺织", "1811": "服饰", "2110": "家具", "2231": "纸业", "2614": "化工",
              "2710": "药业", "2927": "塑业", "3021": "建材", "3311": "钢构", "3484": "机械",
              "3525": "模具", "3670": "汽配", "3871": "照明", "3971": "电子", "4090": "仪器"}
OUT_OF_SCOPE = {"5179": "贸易", "6513": "软件"}  # wholesale, software: not industry
UTILITIES = {"4411": "热电", "4430": "供热", "4610": "水务"}
WORDS = ["恒达", "华兴", "永信", "东海", "博远", "宏盛", "天成", "鑫源", "凯瑞", "中科", "新宇", "金凤", "佳利", "正泰", "科锐", "同创", "瑞丰", "明辉", "精工", "联合", "远航", "启明", "德力", "盈通", "华瑞", "荣昌", "海锋", "汇丰", "伟业", "长城", "九州", "东方", "大洋", "普惠", "安信", "立达", "宝丰", "华夏", "聚能", "卓越"]


class Names:
    """Unique firm names like “黄岩恒达机械有限公司（示例）”."""

    def __init__(self, rnd: random.Random):
        self.rnd = rnd
        self.used: set[str] = set()

    def __call__(self, county: str, trade: str) -> str:
        for _ in range(200):
            name = f"{county[:2]}{self.rnd.choice(WORDS)}{trade}有限公司（示例）"
            if name not in self.used:
                break
        else:
            name = f"{county[:2]}{trade}{len(self.used)}号有限公司（示例）"
        self.used.add(name)
        return name


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


class Park:
    """The firms and projects of the sample, drawn from one seeded generator."""

    def __init__(self, seed: int = SEED):
        self.rnd = random.Random(seed)
        self.names = Names(self.rnd)
        self.firms: list[dict[str, Any]] = []
        self.projects: list[list[Any]] = []
        self.serial = 0

    def base(self, industry: str, trade: str, **values: Any) -> dict[str, Any]:
        rnd = self.rnd
        county = rnd.choice(list(COUNTIES))
        self.serial += 1
        v: dict[str, Any] = {
            "name": self.names(county, trade), "credit_code": synthetic_code(self.serial, COUNTIES[county]),
            "year": YEAR, "county": county, "park": f"示例园区{rnd.choice('一二三')}区",
            "industry_code": industry, "in_production": "是", "founded_year": rnd.randint(1993, 2019),
            "mountain_island": _yes(county in MOUNTAIN), "credit_good": "是",
        }
        v["land_acquired_year"] = rnd.randint(v["founded_year"], 2021)
        v.update(values)
        self.firms.append(v)
        return v

    def above_scale(self, industry: str, trade: str) -> dict[str, Any]:
        """A 规上 manufacturer with varied efficiency (so that the ranking spreads it A to D)."""
        rnd = self.rnd
        land = round(rnd.lognormvariate(3.0, 0.6), 2)
        rev = max(2200.0, rnd.lognormvariate(9.0, 0.9))
        va = rev * rnd.uniform(0.14, 0.32)
        energy = va * rnd.lognormvariate(-1.3, 0.7)  # tce per 万元 VA spread around 0.27
        rd = rev * rnd.uniform(0.0, 0.06)
        v = self.base(
            industry, trade, above_scale="是", land_mu=land, revenue=round(rev, 1),
            revenue_prev=round(rev / rnd.uniform(0.9, 1.25), 1),
            revenue_prev2=round(rev / rnd.uniform(0.95, 1.5), 1), main_revenue=round(rev * 0.95, 1),
            main_revenue_prev=round(rev * 0.86, 1), main_revenue_prev2=round(rev * 0.8, 1),
            tax=round(va * rnd.uniform(0.07, 0.3), 1), value_added=round(va, 1),
            net_profit=round(rev * rnd.uniform(-0.04, 0.14), 1), total_assets=round(rev * 1.2, 1),
            total_liabilities=round(rev * rnd.uniform(0.3, 0.8), 1),
            employees=max(20, int(rev / rnd.uniform(40, 120))), rd_expense=round(rd, 1),
            rd_expense_prev=round(rd * 0.9, 1), rd_staff=rnd.randint(2, 60),
            energy_equal_tce=round(energy, 1), electricity_10k_kwh=round(energy / rnd.uniform(2.6, 3.4), 1),
            natural_gas_10k_m3=round(rnd.uniform(0, 40), 1), digital_score=round(rnd.uniform(30, 95), 1),
            digital_investment_5y=round(rnd.uniform(100, 6000), 0), niche_years=rnd.randint(2, 25),
            ip_class1=rnd.randint(0, 6), ip_class2=rnd.randint(0, 12),
            rd_institution=rnd.choice(["无", "市级", "省级"]), titles=rnd.choice(["", "", "科技型", "创新型"]),
        )
        if rnd.random() < 0.9:  # about one firm in ten reports no emissions (cohort mean used)
            v.update(cod_t=round(rnd.uniform(0.02, 0.8), 3), nh3n_t=round(rnd.uniform(0.002, 0.08), 4),
                     so2_t=round(rnd.uniform(0, 0.4), 3), nox_t=round(rnd.uniform(0, 0.5), 3))
        return v

    def below_scale(self, industry: str, trade: str, land: float) -> dict[str, Any]:
        rnd = self.rnd
        rev = rnd.uniform(250, 1900)
        return self.base(industry, trade, above_scale="否", land_mu=round(land, 2), revenue=round(rev, 1),
                         main_revenue=round(rev * 0.97, 1), tax=round(rev * rnd.uniform(0.01, 0.07), 1),
                         electricity_10k_kwh=round(rev * rnd.uniform(0.02, 0.2), 1),
                         employees=rnd.randint(5, 60))

    def ladder(self, tier: str) -> dict[str, Any]:
        """A small manufacturer with the full SME-ladder data, built to sit on ``tier``
        (checked by tests/test_sample.py under the 2026 rules)."""
        rnd = self.rnd
        k = rnd.uniform(0.85, 1.2)  # size; every ratio the ladder reads stays the same
        v = self.above_scale(rnd.choice(["3484", "3525", "3670", "3971", "4090"]), "科技")
        v.update(
            employees=rnd.randint(120, 260), revenue=round(8400 * k, 1), revenue_prev=round(7600 * k, 1),
            revenue_prev2=round(6900 * k, 1), main_revenue=round(8000 * k, 1),
            main_revenue_prev=round(7200 * k, 1), main_revenue_prev2=round(6500 * k, 1),
            net_profit=round(700 * k, 1), total_assets=round(9000 * k, 1),
            total_liabilities=round(4000 * k, 1), rd_expense=round(420 * k, 1),
            rd_expense_prev=round(380 * k, 1), rd_staff=35, equity_financing_2y=0,
            niche_years=rnd.randint(8, 20), ip_class1=5, ip_class1_high_value="否",
            ip_class1_self_developed="是", ip_class2=6, rd_institution="市级", strategic_emerging="是",
            product_field="六基或配套", key_field_product="是", quality_items=3, own_brand="是",
            core_business_it="是", mgmt_certified="是", national_share_pct=12, local_points=8,
            zjtx_score=66, sci_award="否", titles="创新型、专精特新", digital_level=3,
        )
        if tier == "little_giant":
            v.update(rd_expense=round(max(700, 700 * k), 1), rd_expense_prev=round(max(600, 600 * k), 1))
        elif tier == "innovative":
            v.update(zjtx_score=rnd.randint(40, 55), titles="创新型")
        elif tier == "none":
            v.update(rd_expense=round(20 * k, 1), rd_expense_prev=round(18 * k, 1), ip_class1=0,
                     ip_class2=0, rd_institution="无", strategic_emerging="否", titles="",
                     ip_class1_self_developed="否", zjtx_score=30)
        return v

    def digital(self, level: int, investment: float) -> dict[str, Any]:
        v = self.above_scale(self.rnd.choice(list(INDUSTRIES)), "智造")
        v.update(digital_level=level, digital_score=None, digital_investment_5y=investment,
                 digital_recognition="数字化车间" if level >= 3 else "无")
        return v

    def project(self, firm: dict[str, Any], intensity: float, basis: str = "equal",
                dual_control: str = "是") -> None:
        """A new project of ``firm`` whose energy per 万元 of value added is ``intensity``."""
        va = round(self.rnd.uniform(300, 6000), 1)
        energy = round(va * intensity, 1)
        equal = energy if basis == "equal" else None
        equiv = energy if basis == "equiv" else None
        elec = round(va * intensity / 3.0, 1) if basis == "electricity" else None
        n = sum(1 for p in self.projects if p[0] == firm["credit_code"]) + 1
        self.projects.append([firm["credit_code"], YEAR, f"{firm['name'][2:6]}新建项目{n}", va, equal,
                              equiv, elec, dual_control, ""])


def build(seed: int = SEED) -> Park:
    park = Park(seed)
    rnd = park.rnd
    trades = list(INDUSTRIES.items())
    for i in range(182):
        park.above_scale(*trades[i % len(trades)])
    for _ in range(40):
        park.below_scale(*rnd.choice(trades), land=max(3.1, rnd.lognormvariate(1.7, 0.5)))
    park.below_scale("3311", "钢构", land=3.0)  # exactly the 3 亩 threshold: in scope
    for land in (0.8, 1.5, 2.2, 2.9):  # 规下 under 3 亩: outside the evaluation
        park.below_scale(*rnd.choice(trades), land=land)
    for code, trade in OUT_OF_SCOPE.items():
        park.above_scale(code, trade)
    for code, trade in UTILITIES.items():  # evaluated, not graded
        park.above_scale(code, trade)
    for _ in range(3):
        park.above_scale(*rnd.choice(trades))["in_production"] = "否"
        park.above_scale(*rnd.choice(trades))["founded_year"] = YEAR - 1
        f = park.above_scale(*rnd.choice(trades))
        f["land_acquired_year"] = YEAR - 1
        f["founded_year"] = min(f["founded_year"], YEAR - 10)
    for tier, n in (("little_giant", 4), ("specialised", 8), ("innovative", 8), ("none", 4)):
        for _ in range(n):
            park.ladder(tier)
    for level, investment in ((2, 500), (3, 900), (3, 1600), (4, 2400), (4, 5200), (4, 12000)):
        park.digital(level, investment)
    incomplete = park.above_scale(*rnd.choice(trades))  # no value added: the class is unknown
    incomplete["value_added"] = None
    undecided = park.above_scale(*rnd.choice(trades))  # scale unknown: not assessable
    undecided.update(above_scale=None, main_revenue=None)
    # projects: spread across the 0.52 tce/万元 line, a few right at it, on each energy basis
    graded = [f for f in park.firms if f.get("above_scale") == "是" and f["industry_code"] in INDUSTRIES]
    owners = rnd.sample(graded, 48)
    for i, firm in enumerate(owners):
        intensity = (0.519, 0.52, 0.521)[i] if i < 3 else rnd.uniform(0.12, 1.1)
        basis = "electricity" if i % 9 == 4 else "equiv" if i % 9 == 7 else "equal"
        dual = "否" if i % 13 == 5 else "未知" if i % 13 == 9 else "是"
        park.project(firm, intensity, basis, dual)
    for firm in owners[:10]:  # some firms have two
        park.project(firm, rnd.uniform(0.2, 0.9))
    return park


# Rows wrong on purpose: (what the 备注 column says, the fields to change). The checks in
# tests/test_sample.py expect each one's column and reason in the dry run.
BAD_ROWS: list[tuple[str, dict[str, Any]]] = [
    ("故意填错：用地面积带单位“亩”", {"land_mu": "12亩"}),
    ("故意填错：税金是错误值", {"tax": "#DIV/0!"}),
    ("故意填错：增加值填了 N/A", {"value_added": "N/A"}),
    ("故意填错：增加值是没有计算结果的公式", {"value_added": "formula"}),
    ("故意填错：信用代码被存成了数字", {"credit_code": 9.13310036e17}),
    ("故意填错：信用代码校验位错误", {"credit_code": "bad-check-digit"}),
    ("故意填错：是否规上填了“也许”", {"above_scale": "也许"}),
    ("故意填错：与前面一家企业的信用代码和年度重复", {"credit_code": "duplicate"}),
    ("故意填错：年度写成汉字", {"year": "二〇二五"}),
    ("故意填错：缺少企业名称", {"name": None}),
    ("故意填错：行业代码被存成数字，开头的 0 丢了", {"industry_code": 610}),
    ("故意填错：成立年份晚于数据年度", {"founded_year": YEAR + 2}),
    ("故意填错：用地面积为 0", {"land_mu": 0}),
    ("故意填错：数字化评测得分超过 100", {"digital_score": 120}),
    ("故意填错：研发机构级别不是可选值", {"rd_institution": "区级"}),
    ("故意填错：已获称号中有不认识的称号", {"titles": "专精特新、隐形冠军"}),
    ("故意填错：职工人数不是整数", {"employees": 12.5}),
]
BAD_PROJECTS: list[tuple[str, dict[str, Any]]] = [
    ("故意填错：企业数据表中没有这家企业", {"credit_code": synthetic_code(999_999)}),
    ("故意填错：增加值带单位“万元”", {"project_value_added": "800万元"}),
]


def write(park: Park, out: Path) -> Path:
    rnd = random.Random(SEED + 1)
    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    for line in (TITLE, "", "本工作簿是亩均自评自带的示例园区，全部企业和数字均为程序随机生成，与任何真实企业无关。",
                 "用途：第一次使用时体验批量导入、排名分类、导出和 PDF 报告；也可以照着它整理自己的表格。",
                 "“企业数据”表最后几行是故意填错的示例，备注列说明了错在哪里，导入时会被逐格拒绝。",
                 f"由 scripts/make_sample.py 以随机种子 {SEED} 生成。"):
        notes.append([line])
    notes["A1"].font = Font(bold=True, size=13)
    notes.column_dimensions["A"].width = 100

    ws = wb.create_sheet("企业数据")
    fields = [f for f in ENTERPRISE_FIELDS if f.id not in COUNTY_ONLY]
    ids = [f.id for f in fields]
    ws.append([TITLE])
    ws.append(["单位：金额 万元，面积 亩，能耗 吨标准煤，排放 吨"])
    ws.append([f.header for f in fields] + [NOTE])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for f in park.firms:
        ws.append([f.get(k) for k in ids] + [""])
    good = [f for f in park.firms if f.get("above_scale") == "是" and f["industry_code"] in INDUSTRIES]
    for note, change in BAD_ROWS:
        firm = park.above_scale(*rnd.choice(list(INDUSTRIES.items())))
        park.firms.pop()  # not one of the sample's valid firms
        if change.get("credit_code") == "duplicate":
            change = {"credit_code": good[0]["credit_code"]}
        elif change.get("credit_code") == "bad-check-digit":
            code = firm["credit_code"]
            change = {"credit_code": code[:-1] + ("0" if code[-1] != "0" else "1")}
        r = ws.max_row + 1
        if change.get("value_added") == "formula":  # saved by openpyxl: no cached value
            change = {"value_added": f"={get_column_letter(ids.index('revenue') + 1)}{r}*0.2"}
        ws.append([({**firm, **change}).get(k) for k in ids] + [note])
        if change.get("credit_code") == 9.13310036e17:
            ws.cell(r, ids.index("credit_code") + 1).number_format = "0"
    ws.freeze_panes = ws.cell(header_row + 1, 3)
    for col, f in enumerate(fields, 1):
        ws.column_dimensions[get_column_letter(col)].width = 30 if f.id == "name" else 14

    ps = wb.create_sheet("新上项目")
    ps.append([f"示例数据（合成）：示例园区 {YEAR} 年度新上项目"])
    ps.append([f.header for f in PROJECT_FIELDS] + [NOTE])
    for p in park.projects:
        ps.append(p)
    pids = [f.id for f in PROJECT_FIELDS]
    for note, change in BAD_PROJECTS:
        base = dict(zip(pids, park.projects[0]))
        ps.append([{**base, **change, "project_name": "有错的项目（示例）"}.get(k) for k in pids] + [note])
    ps.column_dimensions["A"].width = 22
    ps.column_dimensions["C"].width = 28
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# Fields only some county methods read (issue 15: 缓评 after a merger, a cohort of firms
# without own land, deductions per tenant). The sample park's method (黄岩) reads none of them,
# so its workbook leaves them out and its results stay comparable from one version to the next.
COUNTY_ONLY = {"merger_year", "own_land", "tenant_count"}


def main(out: Path = OUT, seed: int = SEED) -> Path:
    return write(build(seed), out)


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))

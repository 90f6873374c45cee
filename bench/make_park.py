"""A seeded synthetic park workbook: N firms × the full catalogue, plus a project sheet.

    python bench/make_park.py 100000 bench/data/park-100k.xlsx

About 0.5 % of the rows carry a typical mistake (unit words, error values) so that the
import's error path is exercised at scale too.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from openpyxl import Workbook

from rules.catalogue import ENTERPRISE_FIELDS, PROJECT_FIELDS, Kind
from rules.identifiers import synthetic_code as code

COUNTIES = ["黄岩区", "路桥区", "椒江区", "温岭市", "玉环市", "遂昌县", "江山市", "天台县"]
INDUSTRIES = ["1311", "1713", "2211", "2614", "2927", "3021", "3311", "3484", "3871", "3971", "4411"]


def firm(rnd: random.Random, i: int) -> dict:
    land = rnd.lognormvariate(3, 0.8)
    rev = rnd.lognormvariate(8, 1.2)
    va = rev * rnd.uniform(0.12, 0.35)
    rd = rev * rnd.uniform(0, 0.08)
    v = {
        "name": f"示例企业{i:06d}有限公司", "credit_code": code(i), "year": 2024,
        "county": rnd.choice(COUNTIES), "park": f"园区{rnd.randint(1, 12)}",
        "industry_code": rnd.choice(INDUSTRIES), "above_scale": "是" if rev >= 2000 else "否",
        "in_production": "是", "founded_year": rnd.randint(1990, 2022),
        "land_acquired_year": rnd.randint(1990, 2021), "land_mu": round(land, 2),
        "revenue": round(rev, 1), "revenue_prev": round(rev / rnd.uniform(0.9, 1.25), 1),
        "revenue_prev2": round(rev / rnd.uniform(0.9, 1.5), 1), "main_revenue": round(rev * 0.93, 1),
        "main_revenue_prev": round(rev * 0.85, 1), "main_revenue_prev2": round(rev * 0.8, 1),
        "tax": round(va * rnd.uniform(0.05, 0.3), 2), "value_added": round(va, 1),
        "net_profit": round(rev * rnd.uniform(-0.05, 0.15), 1), "total_assets": round(rev * 1.1, 1),
        "total_liabilities": round(rev * rnd.uniform(0.2, 0.9), 1),
        "employees": max(1, int(rev / rnd.uniform(30, 120))), "rd_expense": round(rd, 1),
        "rd_expense_prev": round(rd * 0.9, 1), "rd_staff": rnd.randint(0, 60),
        "equity_financing_2y": 0, "electricity_10k_kwh": round(va * rnd.uniform(0.05, 0.6), 1),
        "natural_gas_10k_m3": round(rnd.uniform(0, 50), 2), "cod_t": round(rnd.uniform(0, 5), 3),
        "nh3n_t": round(rnd.uniform(0, 0.5), 3), "so2_t": round(rnd.uniform(0, 2), 3),
        "nox_t": round(rnd.uniform(0, 3), 3), "digital_score": round(rnd.uniform(10, 95), 1),
        "digital_investment_5y": round(rnd.uniform(0, 6000), 0), "credit_good": "是",
        "niche_years": rnd.randint(0, 25), "ip_class1": rnd.randint(0, 8),
        "ip_class1_high_value": rnd.choice(["是", "否"]), "ip_class1_self_developed": "是",
        "ip_class2": rnd.randint(0, 10), "rd_institution": rnd.choice(["无", "市级", "省级"]),
        "strategic_emerging": rnd.choice(["是", "否"]), "product_field": "其他",
        "key_field_product": "否", "quality_items": rnd.randint(0, 4), "own_brand": "是",
        "core_business_it": "是", "mgmt_certified": "是", "national_share_pct": rnd.uniform(0, 20),
        "local_points": rnd.randint(0, 15), "zjtx_score": rnd.randint(30, 80), "sci_award": "否",
        "titles": rnd.choice(["", "创新型", "创新型、专精特新"]),
    }
    roll = rnd.random()
    if roll < 0.002:
        v["land_mu"] = f"{v['land_mu']}亩"
    elif roll < 0.004:
        v["tax"] = "#DIV/0!"
    elif roll < 0.005:
        v["year"] = "二〇二四"
    return v


def main(n: int, out: Path) -> Path:
    rnd = random.Random(20261122)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业数据")
    ws.append([f"示例园区 {n} 家企业（示例数据，合成）"])
    ws.append([f.header for f in ENTERPRISE_FIELDS])
    ids = [f.id for f in ENTERPRISE_FIELDS]
    firms = []
    for i in range(n):
        f = firm(rnd, i)
        firms.append(f)
        ws.append([f.get(k) for k in ids])
    ps = wb.create_sheet("新上项目")
    ps.append([f.header for f in PROJECT_FIELDS])
    for i in range(0, n, 20):
        va = rnd.uniform(200, 5000)
        ps.append([firms[i]["credit_code"], 2024, f"项目{i}", round(va, 1),
                   round(va * rnd.uniform(0.2, 0.9), 1), None, round(va * 0.3, 1), "是"])
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    assert all(f.kind is not Kind.CODE or f.id == "credit_code" for f in ENTERPRISE_FIELDS)
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))

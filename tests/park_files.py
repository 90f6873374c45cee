"""Real-shaped park files, the way county bureaus, tax, statistics and park offices send them.

Each ``build_xxx(folder)`` writes one file (``build_formats`` writes five) into ``folder`` and
returns a :class:`ParkFile` saying what a correct import must produce: the firms and their
values in the catalogue's units (万元, 亩, 万千瓦时, 吨, 吨标准煤, %), the rows that are not
firms, the hidden rows, and what the import report must say. Raw figures are chosen so that
every unit conversion lands on a clean value (compare with a relative tolerance of 1e-9):
1 亩 = 10000/15 m², 1 万元 = 10000 元 = 10 千元, 1 万千瓦时 = 10000 kWh, 1 吨 = 1000 kg.

Nothing here asserts anything; the import tests compare these expectations with the importer.
Run ``python -m tests.park_files`` to build every file into a temporary folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from html import escape as html_escape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import xlwt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tests.conftest import credit_code

M2_PER_MU = Fraction(10000, 15)  # 1 亩 = 666.666… 平方米
YEAR = 2024


@dataclass
class ParkFile:
    path: Path
    # what a correct import must produce, in the catalogue's units
    # (万元, 亩, 万千瓦时, 吨, 吨标准煤, %): firm name → {field id: expected value};
    # only the fields the file states (a blank spelled "——", "无", "-" states nothing)
    values: dict[str, dict[str, Any]]
    # 1-based Excel row → why it is not a firm (合计, 小计, 单位行, 填表说明 …)
    skipped: dict[int, str] = field(default_factory=dict)
    hidden_rows: list[int] = field(default_factory=list)  # 1-based rows hidden or filtered out
    notes: list[str] = field(default_factory=list)  # what the import report must say, in words
    # firm name → its 1-based row (line, for text formats), to tie hidden rows and messages
    # to firms
    rows: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# helpers

_TITLE_FONT = Font(name="宋体", size=16, bold=True)
_BOLD = Font(name="宋体", bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _raw(clean: float, factor: Fraction | int) -> int | float:
    """``clean`` (catalogue units) × ``factor``, exact: the figure a park file would hold."""
    x = Fraction(str(clean)) * Fraction(factor)
    if x.denominator == 1:
        return int(x)
    assert 10**6 % x.denominator == 0, (clean, factor)  # a finite decimal of ≤ 6 places
    return float(x)


def _new_sheet(name: str = "Sheet1") -> tuple[Workbook, Worksheet]:
    wb = Workbook()
    ws = wb.active
    ws.title = name
    return wb, ws


def _title(ws: Worksheet, text: str, ncols: int, row: int = 1) -> None:
    cell = ws.cell(row, 1, text)
    cell.font, cell.alignment = _TITLE_FONT, _CENTER
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = 30


def _header(ws: Worksheet, row: int, labels: list[str | None], first_col: int = 1) -> None:
    for c, text in enumerate(labels, first_col):
        if text is not None:
            cell = ws.cell(row, c, text)
            cell.font, cell.alignment = _BOLD, _CENTER
    for c in range(first_col, first_col + len(labels)):
        ws.column_dimensions[get_column_letter(c)].width = 16


def _row(ws: Worksheet, row: int, values: list[Any], text_cols: tuple[int, ...] = (3,)) -> None:
    """Write one row from column A; ``None`` and "" leave the cell empty; strings in
    ``text_cols`` (1-based) get the text format, as a careful clerk sets the code column."""
    for c, v in enumerate(values, 1):
        if v is None or v == "":
            continue
        cell = ws.cell(row, c, v)
        if c in text_cols and isinstance(v, str):
            cell.number_format = "@"


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _code(n: int) -> str:
    return credit_code(n)


# ---------------------------------------------------------------------------------------------
# 1. units in the headers: 元, 平方米, 千瓦时, 千元, 千克


def build_units_yuan_sqm(folder: Path) -> ParkFile:
    path = Path(folder) / "路桥区2024年度亩均效益评价数据（元、平方米）.xlsx"
    headers = ["序号", "企业名称", "统一社会信用代码", "数据年度", "所在县（市、区）",
               "用地面积（平方米）", "实缴税金（元）", "工业增加值（千元）", "用电量（千瓦时）",
               "综合能耗（等价值）（吨标准煤）", "化学需氧量（千克）", "年平均职工人数"]
    # name, 亩, 实缴税金 万元, 增加值 万元, 用电 万千瓦时, 综合能耗 tce, COD 吨, 职工
    firms = [
        ("台州市路桥宏达机械有限公司", 36, 420.351836, 5200, 3800, 4650.2, 0.85, 186),
        ("台州市鑫源塑业有限公司", 18.6, 136.5, 1890.4, 1260, 1530.8, 0.32, 74),
        ("浙江金桥汽摩配件有限公司", 52.5, 988.2, 12650, 6420.5, 8120, 1.46, 412),
        ("台州市恒泰电器有限公司", 9.9, 58.3, 720, 245.8, 301.6, 0.06, 38),
        ("台州永利鞋业有限公司", 24.3, 212, 2960, 1788.4, 2198.3, 0.54, 153),
        ("台州市路桥精工模具有限公司", 15, 97.64, 1310, 880, 1080.5, 0.18, 66),
    ]
    wb, ws = _new_sheet("汇总表")
    _title(ws, "2024年度规上工业企业亩均效益评价数据汇总表", len(headers))
    # "填报单位：" holds "单位：" but states no unit: the units are in the headers
    ws["A2"] = "填报单位：路桥区经济和信息化局（盖章）"
    ws["I2"] = "填报日期：2025年3月10日"
    _header(ws, 3, headers)
    values, rows = {}, {}
    for i, (name, mu, tax, va, elec, tce, cod, emp) in enumerate(firms):
        r = 4 + i
        code = _code(101 + i)
        tax_raw: Any = _raw(tax, 10000)
        if i == 2:  # a tax export pasted as text with thousands separators
            tax_raw = f"{tax_raw:,.2f}"
        _row(ws, r, [i + 1, name, code, YEAR, "路桥区", _raw(mu, M2_PER_MU), tax_raw,
                     _raw(va, 10), _raw(elec, 10000), tce, _raw(cod, 1000), emp])
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "county": "路桥区",
                        "land_mu": mu, "tax": tax, "value_added": va,
                        "electricity_10k_kwh": elec, "energy_equal_tce": tce, "cod_t": cod,
                        "employees": emp}
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=[
        ("表头单位换算：实缴税金（元）÷10000→万元；用地面积（平方米）÷(10000/15)→亩；"
        "工业增加值（千元）÷10→万元；用电量（千瓦时）÷10000→万千瓦时；化学需氧量（千克）÷1000→吨"),
        "导入报告须逐列说明所做的单位换算（原单位 → 目录单位）",
        "第 2 行“填报单位：……”不是单位说明，不得当作“单位：”行",
        "第 6 行实缴税金是带千分位的文本“9,882,000.00”（元），应读作 988.2 万元",
    ])


# ---------------------------------------------------------------------------------------------
# 2. units stated once, on a line above the table or in a unit row under the header


def _units_line_above(path: Path, unit_line: list[tuple[str, str]], county: str,
                      firms: list[tuple], first_code: int, note: str) -> ParkFile:
    headers = ["序号", "企业名称", "统一社会信用代码", "年度", "用地面积", "实缴税金", "工业增加值",
               "研发费用", "年平均职工人数", "用电量（万千瓦时）"]
    wb, ws = _new_sheet("Sheet1")
    _title(ws, f"{county}2024年度工业企业亩均效益综合评价基础数据表", len(headers))
    for ref, text in unit_line:
        ws[ref] = text
    _header(ws, 3, headers)
    values, rows = {}, {}
    for i, (name, mu, tax, va, rd, emp, elec) in enumerate(firms):
        r = 4 + i
        code = _code(first_code + i)
        _row(ws, r, [i + 1, name, code, YEAR, _raw(mu, M2_PER_MU), _raw(tax, 10000),
                     _raw(va, 10000), _raw(rd, 10000), emp, elec])
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "land_mu": mu,
                        "tax": tax, "value_added": va, "rd_expense": rd, "employees": emp,
                        "electricity_10k_kwh": elec}
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=[
        note,
        ("金额列（实缴税金、工业增加值、研发费用）按元 ÷10000 → 万元；"
         "用地面积按平方米 ÷(10000/15) → 亩"),
        "用电量表头自带单位（万千瓦时），以表头为准，不受第 2 行单位影响",
        "导入报告须说明单位取自第 2 行的说明",
    ])


def build_units_line_above(folder: Path) -> ParkFile:
    firms = [  # name, 亩, 税 万元, 增加值 万元, 研发 万元, 职工, 用电 万千瓦时
        ("台州市黄岩华宇模塑有限公司", 27.3, 318.45, 3920, 168.2, 142, 2150.6),
        ("浙江江口化工有限公司", 61.5, 1206.8, 15380, 712.5, 365, 9870),
        ("台州市黄岩永兴工艺品有限公司", 8.4, 41.27, 560, 12.3, 45, 198.4),
        ("台州市黄岩正达阀门有限公司", 19.2, 176.9, 2240, 96.75, 98, 1320.2),
        ("台州市黄岩新前塑料制品厂", 6.3, 22.15, 315, 4.8, 27, 156.9),
    ]
    line = [("A2", "填报单位：黄岩区江口街道办事处        金额单位：元        面积单位：平方米")]
    return _units_line_above(Path(folder) / "江口街道亩均数据（元、平方米）.xlsx", line, "黄岩区",
                             firms, 201,
                             "单位在表格上方第 2 行：“金额单位：元  面积单位：平方米”，"
                             "表头不带单位")


def build_units_line_above_short(folder: Path) -> ParkFile:
    firms = [
        ("台州市椒江海丰缝纫机有限公司", 45, 602.4, 7350, 388.6, 276, 3012.5),
        ("台州市椒江新安医药化工有限公司", 33.6, 845.12, 9120, 540.2, 198, 5230),
        ("台州市椒江东山泵业有限公司", 12.9, 88.6, 1046, 52.4, 71, 612.3),
        ("台州市椒江三甲电子有限公司", 7.5, 35.05, 468, 21.9, 52, 289.7),
    ]
    # the unit note stands at the right end of row 2, as most county templates put it
    line = [("A2", "填报单位：椒江区经济和信息化局"), ("J2", "单位：元、平方米")]
    return _units_line_above(Path(folder) / "椒江区亩均数据.xlsx", line, "椒江区", firms, 251,
                             "单位在第 2 行最右一格：“单位：元、平方米”"
                             "（同行左侧是“填报单位：……”），"
                             "表头不带单位")


def build_unit_row_below(folder: Path) -> ParkFile:
    path = Path(folder) / "临海市2024年亩均效益评价企业数据.xlsx"
    headers = ["序号", "企业名称", "统一社会信用代码", "数据年度", "实缴税金", "工业增加值",
               "用地面积", "综合能耗（等价值）", "研发费用", "年平均职工人数"]
    units = [None, None, None, None, "万元", "万元", "亩", "吨标准煤", "元", "人"]
    firms = [  # name, 税 万元, 增加值 万元, 亩, tce, 研发 万元, 职工
        ("临海市华南机械有限公司", 365.2, 4480, 31.8, 2860.4, 205.36, 168),
        ("浙江临海杜桥眼镜有限公司", 127.9, 1690, 14.2, 820.6, 66.8, 231),
        ("临海市永丰工艺品有限公司", 43.6, 610, 10.5, 215.3, 8.25, 59),
        ("临海市东方汽车部件有限公司", 690.4, 8730, 48.6, 5120.8, 412.09, 356),
        ("临海市大洋化工有限公司", 540.75, 6240, 39.9, 11260.5, 318.4, 187),
    ]
    wb, ws = _new_sheet("企业数据")
    _title(ws, "临海市2024年度工业企业亩均效益评价数据", len(headers))
    ws["A2"] = "填报单位：临海经济开发区管委会"
    _header(ws, 3, headers)
    _header(ws, 4, units)
    values, rows = {}, {}
    for i, (name, tax, va, mu, tce, rd, emp) in enumerate(firms):
        r = 5 + i
        code = _code(301 + i)
        _row(ws, r, [i + 1, name, code, YEAR, tax, va, mu, tce, _raw(rd, 10000), emp])
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "tax": tax,
                        "value_added": va, "land_mu": mu, "energy_equal_tce": tce,
                        "rd_expense": rd, "employees": emp}
    wb.save(path)
    unit_row = "单位行（表头下一行，各列单位：万元、亩、吨标准煤、元、人）"
    return ParkFile(path, values, skipped={4: unit_row},
                    rows=rows, notes=[
                        "单位在表头下一行（第 4 行）逐列给出；该行不是企业",
                        "研发费用单位行写“元”，须 ÷10000 → 万元；其余列已是目录单位",
                    ])


# ---------------------------------------------------------------------------------------------
# 3. the usual two-row header with group titles


_TWO_ROW_FIRMS = [  # name, 乡镇, 行业代码, 税, 增加值, 职工, 亩, 用电, tce, COD, 氨氮, SO2, NOx
    ("温岭市泽国精密铸造有限公司", "泽国镇", "3391", 286.4, 3510, 132, 28.5, 2430.6, 3120.4,
     1.12, 0.11, 2.35, 3.86),
    ("浙江温岭东海泵业有限公司", "城东街道", "3441", 812.3, 9860, 387, 46.2, 4380.2, 5210.7,
     0.96, 0.09, 0.42, 1.18),
    ("温岭市大溪鞋业有限公司", "大溪镇", "1952", 94.7, 1320, 216, 12.6, 520.8, 640.3,
     0.41, 0.04, 0.06, 0.21),
    ("温岭市箬横电机有限公司", "箬横镇", "3813", 151.2, 2045, 118, 17.4, 1360.5, 1702.9,
     0.28, 0.03, 0.08, 0.33),
    ("温岭市松门船舶配件有限公司", "松门镇", "3737", 63.8, 870, 64, 21.3, 690.2, 912.6,
     0.22, 0.02, 0.15, 0.47),
    ("温岭市城东齿轮有限公司", "城东街道", "3453", 208.9, 2760, 145, 16.8, 1980.4, 2436.1,
     0.37, 0.04, 0.12, 0.58),
]


def build_two_row_header(folder: Path) -> ParkFile:
    path = Path(folder) / "温岭市东部新区2024年度亩均效益评价数据.xlsx"
    wb, ws = _new_sheet("数据表")
    ncols = 16
    _title(ws, "2024年度规上工业企业亩均效益评价数据汇总表", ncols)
    ws["A2"] = "填报单位：温岭市东部新区管委会"
    ws["L2"] = "填报日期：2025年2月28日"
    # row 3: vertical merges and group titles; row 4: the labels under the groups
    for c, text in enumerate(["序号", "*企业名称", "统一社会信用代码", "年度", "所在乡镇（街道）",
                              "行业代码"], 1):
        _header(ws, 3, [text], c)
        _merge(ws, 3, c, 4, c)
    groups = [("经营情况", 7, ["实缴税金\n（万元）", "工业增加值（万元）", "年平均职工人数"]),
              ("用地情况", 10, ["用地面积（亩）"]),
              ("能耗情况", 11, ["用电量（万千瓦时）", "综合能耗（等价值）（吨标准煤）"]),
              ("排放情况", 13,
               ["化学需氧量（吨）", "氨氮（吨）", "二氧化硫（吨）", "氮氧化物（吨）"])]
    for group, c, labels in groups:
        _header(ws, 3, [group], c)
        if len(labels) > 1:
            _merge(ws, 3, c, 3, c + len(labels) - 1)
        _header(ws, 4, labels, c)
    ws.row_dimensions[4].height = 36
    values, rows = {}, {}
    for i, f in enumerate(_TWO_ROW_FIRMS):
        name, town, ind, tax, va, emp, mu, elec, tce, cod, nh3, so2, nox = f
        r = 5 + i
        code = _code(401 + i)
        _row(ws, r, [i + 1, name, code, YEAR, town, ind, tax, va, emp, mu, elec, tce,
                     cod, nh3, so2, nox], text_cols=(3, 6))
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "park": town,
                        "industry_code": ind, "tax": tax, "value_added": va, "employees": emp,
                        "land_mu": mu, "electricity_10k_kwh": elec, "energy_equal_tce": tce,
                        "cod_t": cod, "nh3n_t": nh3, "so2_t": so2, "nox_t": nox}
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=[
        ("两行表头：第 3 行为分组（经营情况、用地情况、能耗情况、排放情况，横向合并），"
        "第 4 行为列名；序号、企业名称、统一社会信用代码、年度、所在乡镇（街道）、行业代码"
         "纵向合并第 3–4 行"),
        "“实缴税金\\n（万元）”含换行，“*企业名称”带必填星号，均应识别",
        "“所在乡镇（街道）”对应 park（所在园区/街道）",
        "数据从第 5 行开始；第 4 行不是企业",
    ])


def build_two_row_header_units_group(folder: Path) -> ParkFile:
    path = Path(folder) / "玉环市2024年度亩均评价数据（两行表头）.xlsx"
    firms = [  # name, 乡镇, 税, 增加值, 研发, 亩, 用电, tce, 职工
        ("玉环市楚门阀门有限公司", "楚门镇", 246.8, 3180, 142.6, 22.5, 1560.3, 1893.2, 126),
        ("浙江玉环沙门五金有限公司", "沙门镇", 118.35, 1475, 61.2, 13.8, 890.4, 1062.7, 84),
        ("玉环市清港汽车配件有限公司", "清港镇", 531.6, 6720, 318.9, 40.2, 3890.6, 4512.8, 263),
        ("玉环市干江水暖器材有限公司", "干江镇", 72.9, 964, 30.5, 9.6, 540.8, 655.1, 57),
        ("玉环市珠港机械有限公司", "珠港镇", 189.4, 2350, 104.75, 18.3, 1245.9, 1490.6, 102),
    ]
    wb, ws = _new_sheet("Sheet1")
    ncols = 12
    _title(ws, "玉环市2024年度工业企业亩均效益评价数据表", ncols)
    ws["A2"] = "填报单位：玉环经济开发区管委会"
    for c, text in enumerate(["序号", "企业名称", "统一社会信用代码", "年度", "乡镇（街道）"], 1):
        _header(ws, 3, [text], c)
        _merge(ws, 3, c, 4, c)
    groups = [("经营情况（万元）", 6, ["实缴税金", "工业增加值", "研发费用"]),
              ("用地情况（平方米）", 9, ["用地面积"]),
              ("能耗情况", 10, ["用电量（万千瓦时）", "综合能耗（等价值）（吨标准煤）"])]
    for group, c, labels in groups:
        _header(ws, 3, [group], c)
        if len(labels) > 1:
            _merge(ws, 3, c, 3, c + len(labels) - 1)
        _header(ws, 4, labels, c)
    _header(ws, 3, ["年平均职工人数（人）"], 12)
    _merge(ws, 3, 12, 4, 12)
    values, rows = {}, {}
    for i, (name, town, tax, va, rd, mu, elec, tce, emp) in enumerate(firms):
        r = 5 + i
        code = _code(451 + i)
        _row(ws, r, [i + 1, name, code, YEAR, town, tax, va, rd, _raw(mu, M2_PER_MU), elec,
                     tce, emp])
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "park": town,
                        "tax": tax, "value_added": va, "rd_expense": rd, "land_mu": mu,
                        "electricity_10k_kwh": elec, "energy_equal_tce": tce, "employees": emp}
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=[
        "单位写在分组行：“经营情况（万元）”下的实缴税金、工业增加值、研发费用不带单位，单位为万元",
        ("“用地情况（平方米）”下的“用地面积”是平方米，须 ÷(10000/15) → 亩"
        "（若忽略分组行的单位，会把 15000 平方米误读为 15000 亩）"),
        "年平均职工人数纵向合并第 3–4 行，带单位“（人）”",
    ])


# ---------------------------------------------------------------------------------------------
# 4. the column names tax and statistics systems really use


def _real_names(path: Path, tax_header: str, county: str, firms: list[tuple],
                first_code: int, extra_note: str) -> ParkFile:
    headers = ["序号", "纳税人名称", "纳税人识别号", "年份", "县（市、区）", "乡镇（街道）",
               "行业代码", "是否规模以上", "占地面积（亩）", tax_header, "从业人员期末人数",
               "研发经费支出（万元）", "总用电量（万千瓦时）", "化学需氧量排放量（吨）",
               "氨氮排放量（吨）", "SO2排放量（吨）",
               "NOx排放量（吨）", "联系人", "联系电话", "备注"]
    wb, ws = _new_sheet("Sheet1")
    _title(ws, f"{county}2024年度工业企业亩均效益评价基础数据", len(headers))
    _header(ws, 2, headers)
    values, rows = {}, {}
    for i, f in enumerate(firms):
        (name, town, ind, above, mu, tax, emp, rd, elec, cod, nh3, so2, nox,
         person, phone, remark) = f
        r = 3 + i
        code = _code(first_code + i)
        # the tax system exports 行业代码 as a number: 3670, not "3670"
        _row(ws, r, [i + 1, name, code, YEAR, county, town, int(ind), "是" if above else "否",
                     mu, tax, emp, rd, elec, cod, nh3, so2, nox, person, phone, remark],
             text_cols=(3, 19))
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "county": county,
                        "park": town, "industry_code": ind, "above_scale": above,
                        "land_mu": mu, "tax": tax, "employees": emp, "rd_expense": rd,
                        "electricity_10k_kwh": elec, "cod_t": cod, "nh3n_t": nh3,
                        "so2_t": so2, "nox_t": nox}
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=[
        (f"列名映射：纳税人名称→name，纳税人识别号→credit_code，年份→year，县（市、区）→county，"
        f"乡镇（街道）→park，是否规模以上→above_scale，占地面积（亩）→land_mu，{tax_header}→tax，"
        "从业人员期末人数→employees，研发经费支出→rd_expense，总用电量→electricity_10k_kwh，"
        "化学需氧量排放量→cod_t，氨氮排放量→nh3n_t，SO2排放量→so2_t，NOx排放量→nox_t"),
        "联系人、联系电话、备注三列须在报告中列为“已忽略的列”",
        "行业代码存为数字（如 3670），应读作文本“3670”",
        extra_note,
    ])


def build_real_names(folder: Path) -> ParkFile:
    # name, 乡镇, 行业, 规上, 亩, 税, 期末人数, 研发, 用电, COD, 氨氮, SO2, NOx, 联系人, 电话, 备注
    firms = [
        ("天台县宏远橡塑有限公司", "始丰街道", "2913", True, 26.4, 233.6, 118, 96.3, 1680.2,
         0.46, 0.05, 0.31, 0.87, "王建国", "0576-83881234", ""),
        ("浙江天台始丰汽车用品有限公司", "始丰街道", "3670", True, 41.7, 486.25, 302, 251.8,
         2870.6, 0.62, 0.06, 0.18, 0.64, "陈丽", "13857612345", "新增技改项目"),
        ("天台县平桥滤布有限公司", "平桥镇", "1781", True, 15.3, 88.4, 96, 35.6, 960.8,
         1.34, 0.13, 0.09, 0.27, "张伟", "0576-83912345", ""),
        ("天台县白鹤工具有限公司", "白鹤镇", "3321", False, 7.2, 18.6, 33, 4.2, 142.5,
         0.05, 0.01, 0.02, 0.06, "李强", "13967654321", "规下"),
        ("天台县三合轴承有限公司", "三合镇", "3451", True, 19.8, 156.9, 121, 78.4, 1210.3,
         0.21, 0.02, 0.05, 0.19, "徐海燕", "0576-83056789", ""),
        ("天台县福溪车业有限公司", "福溪街道", "3761", True, 23.1, 192.75, 147, 88.9, 1406.7,
         0.27, 0.03, 0.07, 0.24, "周斌", "15158612345", "2023年迁入"),
    ]
    return _real_names(Path(folder) / "天台县税务局导出_亩均数据.xlsx", "税收总额（万元）",
                       "天台县",
                       firms, 501, "“税收总额（万元）”对应 tax（实缴税金）")


def build_real_names_nashui(folder: Path) -> ParkFile:
    firms = [
        ("仙居县白塔工艺品有限公司", "白塔镇", "2439", True, 11.4, 64.3, 88, 12.6, 380.4,
         0.12, 0.01, 0.02, 0.09, "吴芳", "0576-87761234", ""),
        ("浙江仙居永安药业有限公司", "福应街道", "2720", True, 58.2, 1320.5, 426, 862.4, 7690.3,
         3.86, 0.32, 1.04, 2.45, "郑涛", "13705861234", "重点用能企业"),
        ("仙居县横溪机械有限公司", "横溪镇", "3484", True, 14.7, 97.2, 72, 38.9, 702.6,
         0.16, 0.02, 0.03, 0.12, "朱明", "0576-87345678", ""),
        ("仙居县安洲竹木制品有限公司", "安洲街道", "2041", False, 8.1, 21.45, 41, 3.6, 165.2,
         0.08, 0.01, 0.04, 0.11, "林小红", "13616761234", ""),
    ]
    return _real_names(Path(folder) / "仙居县亩均数据_纳税总额.xlsx", "纳税总额（万元）", "仙居县",
                       firms, 531, "“纳税总额（万元）”对应 tax（实缴税金）")


def build_real_names_ruku(folder: Path) -> ParkFile:
    firms = [
        ("三门县海游橡胶有限公司", "海游街道", "2912", True, 20.6, 142.8, 104, 51.3, 1120.4,
         0.39, 0.04, 0.22, 0.58, "叶斌", "0576-83361234", ""),
        ("浙江三门健跳船舶修造有限公司", "健跳镇", "3731", True, 76.5, 398.6, 289, 132.7,
         3250.8, 0.88, 0.08, 0.46, 1.32, "金鹏", "13906761234", "岸线用地另计"),
        ("三门县珠岙电器有限公司", "珠岙镇", "3851", True, 12.3, 79.15, 93, 31.2, 586.3,
         0.11, 0.01, 0.02, 0.07, "潘静", "0576-83456789", ""),
        ("三门县沙柳模具有限公司", "沙柳街道", "3525", False, 6.6, 15.8, 28, 5.5, 98.7,
         0.03, 0.01, 0.01, 0.04, "杨帆", "15057612345", ""),
    ]
    return _real_names(Path(folder) / "三门县亩均数据_入库税金.xlsx", "入库税金（万元）", "三门县",
                       firms, 561, "“入库税金（万元）”对应 tax（实缴税金）")


# ---------------------------------------------------------------------------------------------
# 5. this year's column beside last year's


def build_year_tagged(folder: Path) -> ParkFile:
    path = Path(folder) / "海宁市2024年度亩均数据（两年对比）.xlsx"
    headers = ["序号", "企业名称", "统一社会信用代码", "数据年度", "用地面积（亩）",
               "实缴税金（2023年）", "实缴税金（2024年）", "工业增加值（上年）",
               "工业增加值（本年）", "用电量（万千瓦时）"]
    firms = [  # name, 亩, 税 2023, 税 2024, 增加值 上年, 增加值 本年, 用电
        ("海宁市许村经编有限公司", 33.3, 268.4, 291.7, 3420, 3765, 2890.4),
        ("浙江海宁盐官皮革有限公司", 27.6, 355.1, 318.9, 4120, 3980.5, 2140.7),
        ("海宁市长安机械有限公司", 18.9, 142.6, 163.2, 1880, 2036, 1106.3),
        ("海宁市袁花五金有限公司", 10.2, 51.8, 57.45, 690, 742, 402.8),
        ("海宁市周王庙纺织有限公司", 22.8, 175.3, 188.6, 2210, 2395, 1760.9),
    ]
    wb, ws = _new_sheet("2024年")
    _title(ws, "海宁市2024年度规上工业企业亩均效益评价数据表", len(headers))
    ws["A2"] = "填报单位：海宁经济开发区管委会"
    ws["H2"] = "单位：万元"
    _header(ws, 3, headers)
    values, rows = {}, {}
    for i, (name, mu, tax_prev, tax, va_prev, va, elec) in enumerate(firms):
        r = 4 + i
        code = _code(601 + i)
        _row(ws, r, [i + 1, name, code, YEAR, mu, tax_prev, tax, va_prev, va, elec])
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "land_mu": mu,
                        "tax": tax, "value_added": va, "electricity_10k_kwh": elec}
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=[
        ("数据年度为 2024：实缴税金取“实缴税金（2024年）”（G 列），"
         "工业增加值取“工业增加值（本年）”（I 列）"),
        ("“实缴税金（2023年）”（F 列）和“工业增加值（上年）”（H 列）是上年数，"
         "须在报告中列为已忽略的列，"
        "并说明原因（年份与数据年度不符 / 上年）"),
        "第 2 行“单位：万元”；用地面积、用电量表头自带单位",
    ])


def build_hidden_prev_column(folder: Path) -> ParkFile:
    path = Path(folder) / "桐乡市2024年度亩均数据.xlsx"
    headers = ["序号", "企业名称", "统一社会信用代码", "数据年度", "用地面积（亩）",
               "实缴税金（万元）", "实缴税金（万元）", "工业增加值（万元）", "用电量（万千瓦时）"]
    firms = [  # name, 亩, 去年税（隐藏列）, 今年税, 增加值, 用电
        ("桐乡市濮院毛衫有限公司", 16.5, 98.6, 112.4, 1460, 720.3),
        ("浙江桐乡崇福皮草有限公司", 29.4, 310.2, 287.9, 3650, 1980.6),
        ("桐乡市洲泉化纤有限公司", 68.7, 1180.4, 1265.3, 16240, 12380.5),
        ("桐乡市乌镇机电有限公司", 14.1, 76.3, 84.85, 1090, 655.2),
    ]
    wb, ws = _new_sheet("Sheet1")
    _title(ws, "桐乡市2024年度工业企业亩均效益评价数据", len(headers))
    ws["A2"] = "填报单位：桐乡经济开发区管委会"
    _header(ws, 3, headers)
    ws.column_dimensions["F"].hidden = True  # last year's tax, kept by copying the old sheet
    values, rows = {}, {}
    for i, (name, mu, tax_prev, tax, va, elec) in enumerate(firms):
        r = 4 + i
        code = _code(651 + i)
        _row(ws, r, [i + 1, name, code, YEAR, mu, tax_prev, tax, va, elec])
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "land_mu": mu,
                        "tax": tax, "value_added": va, "electricity_10k_kwh": elec}
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=[
        "F 列“实缴税金（万元）”是隐藏列（上年数），G 列同名可见：tax 取可见的 G 列",
        "报告须说明 F 列隐藏、与 G 列同名、未导入",
    ])


# ---------------------------------------------------------------------------------------------
# 6. merged cells in the data


def build_merged_data_cells(folder: Path) -> ParkFile:
    path = Path(folder) / "2024年度亩均数据（玉环、温岭）.xlsx"
    headers = ["序号", "县（市、区）", "乡镇（街道）", "企业名称", "统一社会信用代码", "数据年度",
               "是否规上", "用地面积（亩）", "实缴税金（万元）", "工业增加值（万元）"]
    firms = [  # name, 县, 乡镇, 规上, 亩, 税, 增加值
        ("玉环市玉城金属制品有限公司", "玉环市", "玉城街道", True, 14.4, 96.3, 1205),
        ("玉环市玉城汽配有限公司", "玉环市", "玉城街道", True, 21.9, 184.7, 2380),
        ("玉环市清港阀门厂", "玉环市", "清港镇", True, 9.3, 47.6, 615),
        ("玉环市清港精密铸件有限公司", "玉环市", "清港镇", True, 17.7, 128.5, 1640),
        ("玉环市清港塑料制品有限公司", "玉环市", "清港镇", True, 11.1, 63.9, 820),
        ("温岭市泽国电机有限公司", "温岭市", "泽国镇", True, 25.2, 210.4, 2715),
        ("温岭市泽国工具有限公司", "温岭市", "泽国镇", False, 6.9, 16.2, 268),
        ("温岭市大溪水泵厂", "温岭市", "大溪镇", False, 5.4, 12.85, 196),
    ]
    wb, ws = _new_sheet("Sheet1")
    _title(ws, "2024年度工业企业亩均效益评价数据（分县汇总）", len(headers))
    ws["A2"] = "填报单位：台州市经济和信息化局"
    _header(ws, 3, headers)
    values, rows = {}, {}
    for i, (name, county, town, above, mu, tax, va) in enumerate(firms):
        r = 4 + i
        code = _code(701 + i)
        _row(ws, r, [i + 1, None, None, name, code, YEAR, None, mu, tax, va], text_cols=(5,))
        rows[name] = r
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "county": county,
                        "park": town, "above_scale": above, "land_mu": mu, "tax": tax,
                        "value_added": va}
    # value in the top cell only, as Excel keeps merged cells
    for col, r1, r2, text in [(2, 4, 8, "玉环市"), (2, 9, 11, "温岭市"),
                              (3, 4, 5, "玉城街道"), (3, 6, 8, "清港镇"), (3, 9, 10, "泽国镇"),
                              (3, 11, 11, "大溪镇"),
                              (7, 4, 9, "是"), (7, 10, 11, "否")]:
        ws.cell(r1, col, text).alignment = _CENTER
        if r2 > r1:
            _merge(ws, r1, col, r2, col)
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=[
        "县（市、区）B4:B8“玉环市”、B9:B11“温岭市”纵向合并，值只在首格；被覆盖的每家企业都取该值",
        ("乡镇（街道）C4:C5、C6:C8、C9:C10 纵向合并（C11 未合并）；"
         "是否规上 G4:G9“是”、G10:G11“否”，"
        "合并区域与县的分组交错"),
    ])


# ---------------------------------------------------------------------------------------------
# 7. rows that are not firms


def build_non_firm_rows(folder: Path) -> ParkFile:
    path = Path(folder) / "金清镇2024年度亩均效益评价汇总表.xlsx"
    headers = ["序号", "企业名称", "统一社会信用代码", "数据年度", "是否规上工业企业", "用地面积",
               "实缴税金", "工业增加值", "用电量（万千瓦时）"]
    big = [  # name, 亩, 税, 增加值, 用电
        ("台州市金清五金塑料有限公司", 20.4, 168.2, 2140, 1320.5),
        ("台州市路桥金清机械有限公司", 32.1, 301.6, 3870, 2460.8),
        ("浙江金清电子有限公司", 17.4, 205.3, 2615, 980.2),
        ("台州市金清海鲜食品有限公司", 12.6, 74.9, 905, 640.4),
    ]
    small = [
        ("台州市金清包装有限公司", 5.7, 14.6, 182, 96.3),
        ("台州市金清眼镜配件厂", 4.2, 9.8, 126, 58.7),
    ]
    wb, ws = _new_sheet("汇总表")
    ncols = len(headers)
    _title(ws, "路桥区金清镇2024年度工业企业亩均效益评价数据汇总表", ncols)
    ws["A2"] = "填报单位：金清镇人民政府"
    ws["H2"] = "单位：万元、亩"
    _header(ws, 3, headers)
    skipped: dict[int, str] = {}
    _header(ws, 4, [None, None, None, None, None, "亩", "万元", "万元", "万千瓦时"])
    skipped[4] = "单位行"
    values, rows = {}, {}

    def firms(rows_from: int, group: list[tuple], above: bool, first_code: int) -> int:
        r = rows_from
        for i, (name, mu, tax, va, elec) in enumerate(group):
            code = _code(first_code + i)
            _row(ws, r, [i + 1, name, code, YEAR, "是" if above else "否", mu, tax, va, elec])
            rows[name] = r
            values[name] = {"name": name, "credit_code": code, "year": YEAR,
                            "above_scale": above, "land_mu": mu, "tax": tax, "value_added": va,
                            "electricity_10k_kwh": elec}
            r += 1
        return r

    def sums(group: list[tuple]) -> list[float]:
        return [round(sum(f[k] for f in group), 4) for k in (1, 2, 3, 4)]

    ws["A5"] = "一、规上工业企业"  # section heading in the first column
    _merge(ws, 5, 1, 5, 3)
    skipped[5] = "分组标题“一、规上工业企业”"
    r = firms(6, big, True, 801)  # rows 6–9
    _row(ws, r, [None, "小计", None, None, None, *sums(big)])
    skipped[r] = "小计"
    r += 1
    ws.cell(r, 2, "二、规下工业企业")  # section heading in the second column
    skipped[r] = "分组标题“二、规下工业企业”"
    r = firms(r + 1, small, False, 851)
    _row(ws, r, [None, "小计", None, None, None, *sums(small)])
    skipped[r] = "小计"
    r += 1
    everyone = big + small
    ws.cell(r, 1, "合计")
    _merge(ws, r, 1, r, 2)
    _row(ws, r, [None, None, f"共{len(everyone)}家", None, None, *sums(everyone)])
    skipped[r] = "合计（统一社会信用代码列写“共6家”）"
    r += 1
    _row(ws, r, [None, "其中：规上企业", f"{len(big)}家", None, None, *sums(big)])
    skipped[r] = "“其中：规上企业”"
    r += 1
    avg = [round(s / len(everyone), 4) for s in sums(everyone)]
    _row(ws, r, [None, "平均", None, None, None, *avg])
    skipped[r] = "平均"
    r += 1
    ws.cell(r, 1, "填表说明：1.用地面积指企业实际使用的土地面积（含租用）；"
                  "2.实缴税金指企业当年实际缴纳的"
                  "各项税收（不含个人所得税）；3.规下企业只填报用地、税收。")
    _merge(ws, r, 1, r, ncols)
    ws.row_dimensions[r].height = 45
    ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
    skipped[r] = "填表说明"
    r += 1
    ws.cell(r, 1, "填报人：张三　　　审核人：李四　　　填报日期：2025年3月")
    skipped[r] = "签字行（填报人、审核人、填报日期）"
    wb.save(path)
    return ParkFile(path, values, skipped=skipped, rows=rows, notes=[
        "第 2 行“单位：万元、亩”；第 4 行另有单位行",
        "小计、合计、其中、平均行带有数字，不得当作企业，也不得计入任何统计",
        "分组标题分别写在第一列（A5，合并 A5:C5）和第二列（B11）；序号在两组中各自从 1 开始",
        "表格下方的填表说明与签字行不是企业，不得报为“缺少统一社会信用代码”的错误行",
    ])


# ---------------------------------------------------------------------------------------------
# 8. the same table in the formats county systems export


_FORMAT_HEADERS = ["序号", "企业名称", "统一社会信用代码", "数据年度", "用地面积（亩）",
                   "实缴税金（万元）", "工业增加值（万元）", "用电量（万千瓦时）",
                   "是否规上工业企业", "行业代码"]
_FORMAT_FIRMS = [  # name, 亩, 税, 增加值, 用电, 规上, 行业
    ("慈溪市周巷电器有限公司", 21.6, 186.4, 2390, 1420.6, True, "3854"),
    ("宁波慈溪观海卫轴承有限公司", 34.5, 402.8, 5160, 3380.2, True, "3451"),
    ("慈溪市坎墩五金有限公司", 8.7, 32.15, 415, 260.9, False, "3351"),
    ("慈溪市长河小家电有限公司", 16.2, 121.9, 1585, 910.4, True, "3856"),
]
_FORMAT_TITLE = "慈溪市2024年度工业企业亩均效益评价数据"
_FORMAT_UNIT = "填报单位：慈溪滨海经济开发区管委会"


def _format_table() -> tuple[list[list[Any]], dict[str, dict[str, Any]], dict[str, int]]:
    """The rows of the small table (title, 填报单位 line, header, firms) and the expectations;
    rows are 1-based as Excel shows them (row 1 the title, row 3 the header)."""
    table: list[list[Any]] = [[_FORMAT_TITLE], [_FORMAT_UNIT], list(_FORMAT_HEADERS)]
    values, rows = {}, {}
    for i, (name, mu, tax, va, elec, above, ind) in enumerate(_FORMAT_FIRMS):
        code = _code(901 + i)
        table.append([i + 1, name, code, YEAR, mu, tax, va, elec, "是" if above else "否", ind])
        rows[name] = len(table)
        values[name] = {"name": name, "credit_code": code, "year": YEAR, "land_mu": mu,
                        "tax": tax, "value_added": va, "electricity_10k_kwh": elec,
                        "above_scale": above, "industry_code": ind}
    return table, values, rows


def _html_xls(path: Path, table: list[list[Any]]) -> None:
    n = len(_FORMAT_HEADERS)
    out = [('<html xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel" '
           'xmlns="http://www.w3.org/TR/REC-html40">'),
           "<head>",
           '<meta http-equiv="Content-Type" content="text/html; charset=GBK">',
           '<meta name="ProgId" content="Excel.Sheet">',
           "<style>td{font-family:宋体;font-size:11pt} .txt{mso-number-format:\"\\@\"}</style>",
           "</head>", "<body>", '<table border="1" cellspacing="0" cellpadding="2">',
           f'<tr><td colspan="{n}" align="center"><b>{html_escape(_FORMAT_TITLE)}</b></td></tr>',
           f'<tr><td colspan="{n}">{html_escape(_FORMAT_UNIT)}</td></tr>',
           "<tr>" + "".join(f"<th>{html_escape(h)}</th>" for h in _FORMAT_HEADERS) + "</tr>"]
    for row in table[3:]:
        cells = []
        for c, v in enumerate(row):
            if c in (2, 9):  # the credit code and the industry code, kept as text
                cells.append(f'<td class="txt">{html_escape(str(v))}</td>')
            elif c == 6:  # the web system prints amounts with thousands separators
                cells.append(f'<td align="right">{v:,.2f}</td>')
            else:
                cells.append(f"<td>{html_escape(str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</table>", "</body>", "</html>", ""]
    path.write_bytes("\r\n".join(out).encode("gb18030"))


def _xml2003_xls(path: Path, table: list[list[Any]]) -> None:
    n = len(_FORMAT_HEADERS)

    def cell(v: Any, text: bool = False, extra: str = "") -> str:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and not text:
            return f'<Cell{extra}><Data ss:Type="Number">{v}</Data></Cell>'
        if text:
            extra += ' ss:StyleID="txt"'
        return f'<Cell{extra}><Data ss:Type="String">{xml_escape(str(v))}</Data></Cell>'

    merged_title = cell(_FORMAT_TITLE, extra=f' ss:StyleID="title" ss:MergeAcross="{n - 1}"')

    out = ['<?xml version="1.0"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"',
           ' xmlns:o="urn:schemas-microsoft-com:office:office"',
           ' xmlns:x="urn:schemas-microsoft-com:office:excel"',
           ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"',
           ' xmlns:html="http://www.w3.org/TR/REC-html40">',
           ' <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office">',
           "  <Author>经信局</Author><Created>2025-03-05T09:12:00Z</Created>",
           " </DocumentProperties>",
           " <Styles>",
           ('  <Style ss:ID="Default" ss:Name="Normal"><Font ss:FontName="宋体" x:CharSet="134"'
           ' ss:Size="11"/></Style>'),
           ('  <Style ss:ID="title"><Alignment ss:Horizontal="Center"/>'
           '<Font ss:FontName="宋体" x:CharSet="134" ss:Size="16" ss:Bold="1"/></Style>'),
           '  <Style ss:ID="txt"><NumberFormat ss:Format="@"/></Style>',
           " </Styles>",
           ' <Worksheet ss:Name="Sheet1">',
           (f'  <Table ss:ExpandedColumnCount="{n}" ss:ExpandedRowCount="{len(table)}"'
           ' x:FullColumns="1" x:FullRows="1" ss:DefaultRowHeight="14.25">'),
           f'   <Row ss:Height="27">{merged_title}</Row>',
           f"   <Row>{cell(_FORMAT_UNIT)}</Row>",
           "   <Row>" + "".join(cell(h) for h in _FORMAT_HEADERS) + "</Row>"]
    for row in table[3:]:
        out.append("   <Row>" + "".join(cell(v, text=c in (2, 9)) for c, v in enumerate(row))
                   + "</Row>")
    out += ["  </Table>", " </Worksheet>", "</Workbook>", ""]
    path.write_text("\r\n".join(out), encoding="utf-8")


def _xlsx_content(path: Path, table: list[list[Any]]) -> None:
    wb, ws = _new_sheet("Sheet1")
    _title(ws, _FORMAT_TITLE, len(_FORMAT_HEADERS))
    ws["A2"] = _FORMAT_UNIT
    _header(ws, 3, _FORMAT_HEADERS)
    for r, row in enumerate(table[3:], 4):
        _row(ws, r, row, text_cols=(3, 10))
    wb.save(path)  # openpyxl writes .xlsx content whatever the name says


def _xls_content(path: Path, table: list[list[Any]]) -> None:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    title = xlwt.easyxf("font: bold on, height 320; align: horiz center")
    bold = xlwt.easyxf("font: bold on; align: horiz center, wrap on")
    text = xlwt.easyxf(num_format_str="@")
    ws.write_merge(0, 0, 0, len(_FORMAT_HEADERS) - 1, _FORMAT_TITLE, title)
    ws.write(1, 0, _FORMAT_UNIT)
    for c, h in enumerate(_FORMAT_HEADERS):
        ws.write(2, c, h, bold)
        ws.col(c).width = 16 * 256
    for r, row in enumerate(table[3:], 3):
        for c, v in enumerate(row):
            if c in (2, 9):
                ws.write(r, c, v, text)
            else:
                ws.write(r, c, v)
    book.save(str(path))  # xlwt writes BIFF8 whatever the name says


def _unicode_txt(path: Path, table: list[list[Any]]) -> None:
    """Excel's 另存为“Unicode 文本”: UTF-16 LE with a BOM, tabs, CRLF, every row as wide as the
    used range (the merged title keeps its trailing tabs)."""
    n = len(_FORMAT_HEADERS)
    lines = []
    for row in table:
        cells = ["" if v is None else str(v) for v in row]
        lines.append("\t".join(cells + [""] * (n - len(cells))))
    path.write_bytes(b"\xff\xfe" + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))


def build_formats(folder: Path) -> list[ParkFile]:
    folder = Path(folder)
    table, values, rows = _format_table()
    common = ["标题在第 1 行，“填报单位：……”在第 2 行，表头在第 3 行，企业从第 4 行起",
              "统一社会信用代码与行业代码为文本"]
    made = []
    for name, write, notes in [
        ("慈溪市亩均数据_网页导出.xls", _html_xls,
         [("扩展名 .xls，内容实为 HTML 表格（meta 声明 GBK，实际按 GB18030 编码）："
          "报告须说明文件真实格式"),
          "工业增加值列带千分位（如“2,390.00”），应读作数字"]),
        ("慈溪市亩均数据_XML表格.xls", _xml2003_xls,
         ["扩展名 .xls，内容实为 XML 电子表格 2003（SpreadsheetML）：报告须说明文件真实格式",
          "标题行用 ss:MergeAcross 合并"]),
        ("慈溪市亩均数据_实为xlsx.xls", _xlsx_content,
         ["扩展名 .xls，内容实为 .xlsx（ZIP）：应照常导入，报告可说明扩展名与内容不符"]),
        ("慈溪市亩均数据_实为xls.xlsx", _xls_content,
         ["扩展名 .xlsx，内容实为旧版 .xls（BIFF8/OLE）：应照常导入，不得误报为“文件已加密”",
          "报告可说明扩展名与内容不符"]),
        ("慈溪市亩均数据_Unicode文本.txt", _unicode_txt,
         ["Excel“Unicode 文本”：UTF-16 LE 带 BOM，制表符分隔，CRLF 换行；行号即文本行号",
          "标题行带 9 个结尾制表符"]),
    ]:
        path = folder / name
        write(path, table)
        made.append(ParkFile(path, {k: dict(v) for k, v in values.items()}, rows=dict(rows),
                             notes=notes + common))
    return made


# ---------------------------------------------------------------------------------------------
# 9. the ways people spell years, yes/no, blanks, percentages and codes


def build_spellings(folder: Path) -> ParkFile:
    path = Path(folder) / "诸暨市2024年度亩均数据（各种写法）.xlsx"
    headers = ["序号", "企业名称", "统一社会信用代码", "数据年度", "是否规上工业企业",
               "用地面积（亩）", "实缴税金（万元）", "工业增加值（万元）", "研发费用（万元）",
               "国内细分市场占有率（%）"]
    wb, ws = _new_sheet("Sheet1")
    _title(ws, "诸暨市2024年度工业企业亩均效益评价数据", len(headers))
    ws["A2"] = "填报单位：诸暨经济开发区管委会"
    _header(ws, 3, headers)
    values: dict[str, dict[str, Any]] = {}
    rows: dict[str, int] = {}
    notes = []
    # (name, code#, code as written, year as written, 规上 as written, expected 规上,
    #  亩, 税, 增加值, 研发 as written, expected 研发, 占有率 as written, expected 占有率)
    code = {n: _code(n) for n in range(951, 959)}
    lines: list[tuple] = [
        ("诸暨市大唐袜业有限公司", 951, code[951][:8] + "\t" + code[951][8:], "2024年",
         "规上", True, 23.4, 186.2, 2310, 96.5, 96.5, 0.12, 12.0),
        ("诸暨市店口铜材有限公司", 952, code[952] + "\n", "2024年度",
         "是（规上）", True, 48.9, 725.6, 8960, 402.3, 402.3, 8.5, 8.5),
        ("浙江诸暨山下湖珍珠有限公司", 953, "\u200b" + code[953], datetime(2024, 12, 31),
         "规下", False, 7.8, 24.3, 318, "——", None, "-", None),
        ("诸暨市枫桥电机有限公司", 954, "'" + code[954], YEAR,
         "是", True, 16.5, 118.7, 1475, "无", None, "3.2%", 3.2),
        ("诸暨市次坞管业有限公司", 955, code[955], "2024",
         "否", False, 9.6, 38.9, 502, "-", None, None, None),
        ("诸暨市牌头弹簧有限公司", 956, code[956], "2024年",
         "规上", True, 13.2, 92.4, 1160, 44.8, 44.8, 0.055, 5.5),
        ("诸暨市陶朱纺织有限公司", 957, code[957], "2024年度",
         "规下", False, 6.3, 17.65, 236, "无", None, "——", None),
    ]
    r = 3
    for (name, n, written, year, above_w, above, mu, tax, va, rd_w, rd, share_w,
         share) in lines:
        r += 1
        _row(ws, r, [r - 3, name, written, year, above_w, mu, tax, va, rd_w, share_w])
        if isinstance(year, datetime):
            ws.cell(r, 4).number_format = "yyyy"
        if isinstance(share_w, float) and share_w < 1:
            ws.cell(r, 10).number_format = "0.0%"
        rows[name] = r
        exp: dict[str, Any] = {"name": name, "credit_code": code[n], "year": YEAR,
                               "above_scale": above, "land_mu": mu, "tax": tax,
                               "value_added": va}
        if rd is not None:
            exp["rd_expense"] = rd
        if share is not None:
            exp["national_share_pct"] = share
        values[name] = exp
    # a code Excel has turned into a number: the last digits are gone for good
    r += 1
    bad = "诸暨市草塔五金有限公司"
    _row(ws, r, [r - 3, bad, 9.1331e17, YEAR, "规上", 11.7, 71.3, 905, 30.2, None])
    rows[bad] = r
    notes += [
        (f"第 {r} 行“{bad}”的统一社会信用代码是数字 9.1331E+17："
         "Excel 已把代码转成数字、丢失后几位，"
        "无法恢复；该行须拒绝，提示在 Excel 中把该列设为文本后重新录入代码（不在 values 中）"),
        ("数据年度写法：2024、“2024”、“2024年”、“2024年度”、"
         "日期 2024-12-31（格式 yyyy，旧系统把年份存成日期）"
        "——都读作 2024"),
        "是否规上写法：“规上”“是（规上）”“是”→ 是；“规下”“否”→ 否",
        "空值写法“——”“无”“-”表示未填（不是错误，也不是 0）；这些字段不出现在 values 中",
        ("国内细分市场占有率：百分比格式单元格 0.12（显示 12.0%）→ 12.0，0.055 → 5.5；"
        "数字 8.5 → 8.5；文本“3.2%”→ 3.2"),
        ("统一社会信用代码含制表符（第 4 行，在中间）、换行（第 5 行，在末尾）、"
         "零宽空格 U+200B（第 6 行，在开头）、"
        "前导单引号（第 7 行）：均清洗为正确代码"),
    ]
    wb.save(path)
    return ParkFile(path, values, rows=rows, notes=notes)


# ---------------------------------------------------------------------------------------------
# 10. hidden rows, a filter, and last year's data on a hidden sheet


def build_hidden_rows_and_sheets(folder: Path) -> ParkFile:
    path = Path(folder) / "路桥区2024年度亩均数据（筛选）.xlsx"
    headers = ["序号", "企业名称", "统一社会信用代码", "数据年度", "所在乡镇（街道）",
               "用地面积（亩）", "实缴税金（万元）", "工业增加值（万元）", "用电量（万千瓦时）"]
    firms = [  # name, 乡镇, 亩, 税, 增加值, 用电
        ("台州市新桥塑胶有限公司", "新桥镇", 18.0, 142.6, 1780, 1205.4),
        ("台州市新桥机电有限公司", "新桥镇", 25.5, 231.8, 2945, 1688.2),
        ("台州市横街鞋材有限公司", "横街镇", 12.0, 68.4, 890, 512.6),
        ("台州市横街电动车配件有限公司", "横街镇", 20.7, 176.3, 2210, 1340.9),
        ("台州市新桥金属制品有限公司", "新桥镇", 9.3, 45.2, 610, 398.7),
        ("台州市金清灯具有限公司", "金清镇", 14.1, 97.5, 1260, 760.3),
        ("台州市横街五金工具有限公司", "横街镇", 7.5, 28.9, 395, 241.6),
        ("台州市金清水产加工有限公司", "金清镇", 10.8, 52.7, 680, 925.4),
    ]
    wb = Workbook()
    old = wb.active
    old.title = "2023年数据"  # last year's sheet, first in the book and hidden
    new = wb.create_sheet("2024年数据")
    sheets = [(old, 2023, 0.9), (new, YEAR, 1.0)]
    values, rows = {}, {}
    last = 3 + len(firms)
    for ws, year, k in sheets:
        _title(ws, f"路桥区{year}年度工业企业亩均效益评价数据", len(headers))
        ws["A2"] = "填报单位：路桥区经济和信息化局"
        ws["H2"] = "单位：万元、亩"
        _header(ws, 3, headers)
        for i, (name, town, mu, tax, va, elec) in enumerate(firms):
            r = 4 + i
            code = _code(1001 + i)
            if year == YEAR:
                _row(ws, r, [i + 1, name, code, year, town, mu, tax, va, elec])
                rows[name] = r
                values[name] = {"name": name, "credit_code": code, "year": YEAR, "park": town,
                                "land_mu": mu, "tax": tax, "value_added": va,
                                "electricity_10k_kwh": elec}
            else:  # different figures, so a wrongly imported old sheet shows
                _row(ws, r, [i + 1, name, code, year, town, mu, round(tax * k, 2),
                             round(va * k, 1), round(elec * k, 1)])
    old.sheet_state = "hidden"
    wb.active = 1
    # a filter on 乡镇: 新桥镇 and 横街镇 shown, the two 金清镇 rows filtered out
    new.auto_filter.ref = f"A3:I{last}"
    new.auto_filter.add_filter_column(4, ["新桥镇", "横街镇"])
    filtered = [rows[n] for n, t, *_ in firms if t == "金清镇"]
    hand = rows["台州市新桥金属制品有限公司"]  # hidden by hand
    for r in filtered + [hand]:
        new.row_dimensions[r].hidden = True
    wb.save(path)
    hidden = sorted(filtered + [hand])
    return ParkFile(path, values, hidden_rows=hidden, rows=rows, notes=[
        ("工作表“2023年数据”是隐藏工作表（且排在第一个）：默认不导入，报告须说明存在隐藏工作表且未导入；"
        "导入的是可见的“2024年数据”"),
        (f"第 {hand} 行为手工隐藏的企业行；第 {filtered[0]}、{filtered[1]} 行被自动筛选"
        "（所在乡镇（街道）= 新桥镇、横街镇）隐藏：报告须列出这些隐藏行"),
        ("隐藏行与筛选掉的行照常读入（报告注明“已读入”），所以 values 包含这些行上的企业；"
        "rows 把企业对应到行号，可与 hidden_rows 对照"),
    ])


# ---------------------------------------------------------------------------------------------


def build_all(folder: Path) -> dict[str, ParkFile | list[ParkFile]]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    builders = {
        "units_yuan_sqm": build_units_yuan_sqm,
        "units_line_above": build_units_line_above,
        "units_line_above_short": build_units_line_above_short,
        "unit_row_below": build_unit_row_below,
        "two_row_header": build_two_row_header,
        "two_row_header_units_group": build_two_row_header_units_group,
        "real_names": build_real_names,
        "real_names_nashui": build_real_names_nashui,
        "real_names_ruku": build_real_names_ruku,
        "year_tagged": build_year_tagged,
        "hidden_prev_column": build_hidden_prev_column,
        "merged_data_cells": build_merged_data_cells,
        "non_firm_rows": build_non_firm_rows,
        "formats": build_formats,
        "spellings": build_spellings,
        "hidden_rows_and_sheets": build_hidden_rows_and_sheets,
    }
    return {key: build(folder) for key, build in builders.items()}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for key, built in build_all(Path(tmp)).items():
            for pf in built if isinstance(built, list) else [built]:
                print(f"{key:28} {pf.path.name}  firms={len(pf.values)} "
                      f"skipped={len(pf.skipped)} hidden={pf.hidden_rows}")

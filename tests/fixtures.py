"""Real-looking park workbooks, built by code so that every bad cell's place is known."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from openpyxl import Workbook

from tests.conftest import credit_code

# A messy enterprise sheet: title rows, units in headers, columns reordered, extras, full-width.
HEADERS = ["序号", "　企业名称　", "统一社会信用代码", "数据年度", "用地面积(亩)", "实缴税金（万元）",
           "工业增加值（万元）", "综合能耗(等价值)（吨标准煤）", "化学需氧量（吨）", "年平均职工人数", "研发费用",
           "主营业务收入（万元）", "是否规上工业企业", "国民经济行业代码", "已获称号", "备注", "计算列"]
HEADER_ROW = 4  # as Excel shows it

GOOD = [  # name, code#, year, land, tax, va, energy, cod, emp, rd, main, above, industry, titles
    ("甲机械有限公司", 1, 2024, 30, 420, 3600, 1500, 0.8, 160, 260, 8000, "是", "3311", "创新型，专精特新"),
    ("乙纺织", 2, 2024, 12.5, 90, 800, 900, 0.5, 80, 20, 2600, "Y", "1713", ""),
    ("丙塑料制品厂", 3, 2024, 5, 20, None, None, None, 12, None, 900, "否", "2927", None),
]


def messy_workbook(path: Path) -> dict[str, tuple[int, str, str]]:
    """Write the messy workbook; return the expected cell errors: name → (row, column, text)."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "企业数据"
    ws["A1"] = "××工业园区 2024 年度亩均效益评价数据"
    ws.merge_cells("A1:Q1")
    ws["A2"] = "填报单位：园区经发局    单位：万元、亩、吨标准煤"
    ws.append([])  # row 3 blank
    ws.append(HEADERS)  # row 4
    r = HEADER_ROW

    def add(name, code, year, land, tax, va, energy, cod, emp, rd, main, above, ind, titles,
            extra="", formula=None):
        nonlocal r
        r += 1
        ws.append([r - HEADER_ROW, name, code, year, land, tax, va, energy, cod, emp, rd, main, above,
                   ind, titles, extra, formula])
        return r

    for g in GOOD:
        add(g[0], credit_code(g[1]), *g[2:], extra="正常", formula=f"=F{r + 1}*2")
    # full-width code and digits with thousands separators in text
    add("丁电子", "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in credit_code(4)),
        "２０２４", "８", " 1,234.5 ", "5000", "", "", "40", "", "3000", "√", "3971", "小巨人 科技型")
    r += 1
    ws.append([])  # a blank row is skipped
    expected: dict[str, tuple[int, str, str]] = {}
    expected["unit_word"] = (add("戊五金", credit_code(5), 2024, "10亩", 50, 300, 200, 0.1, 20, 5, 2100,
                                 "是", "3311", ""), "用地面积(亩)", "带有文字或单位“亩”")
    expected["error_value"] = (add("己化工", credit_code(6), 2024, 20, "#DIV/0!", 900, 800, 1, 50, 10,
                                   4000, "是", "2614", ""), "实缴税金（万元）", "错误值“#DIV/0!”")
    expected["na"] = (add("庚印染", credit_code(7), 2024, 15, 60, "N/A", 500, 1, 60, 10, 3000, "是",
                          "1713", ""), "工业增加值（万元）", "错误值“N/A”")
    row_formula = add("辛铸造", credit_code(8), 2024, 25, 100, None, 700, 1, 70, 10, 5000, "是", "3391", "")
    ws.cell(row_formula, 7, f"=F{row_formula}*8")  # 工业增加值 as a formula with no cached value
    expected["formula"] = (row_formula, "工业增加值（万元）", "在 Excel/WPS 中打开该文件、保存后再导入")
    expected["code_number"] = (add("壬五金", 9.13310035e17, 2024, 9, 30, 200, 100, 0.1, 25, 5, 2200,
                                   "是", "3311", ""), "统一社会信用代码", "存成了数字")
    expected["bad_yes_no"] = (add("癸照明", credit_code(10), 2024, 9, 30, 200, 100, 0.1, 25, 5, 2200,
                                  "也许", "3872", ""), "是否规上工业企业", "不是 是/否")
    expected["duplicate"] = (add("甲机械有限公司（重复）", credit_code(1), 2024, 30, 420, 3600, 1500, 0.8, 160,
                                 260, 8000, "是", "3311", ""), "统一社会信用代码", "与工作表“企业数据”第 5 行重复")
    expected["bad_check_digit"] = (add("子模具", credit_code(11)[:-1] + ("0" if credit_code(11)[-1] != "0"
                                                                        else "1"),
                                       2024, 9, 30, 200, 100, 0.1, 25, 5, 2200, "是", "3311", ""),
                                   "统一社会信用代码", "校验位错误")
    error_cell = add("丑建材", credit_code(12), 2024, 40, 200, 1000, 2000, 2, 90, 20, 6000, "是", "3021", "")
    expected["cached_error"] = (error_cell, "实缴税金（万元）", "错误值“#VALUE!”")

    ps = wb.create_sheet("新上项目")
    ps["A1"] = "新上项目清单"
    ps.append(["统一社会信用代码", "数据年度", "项目名称", "达产年工业增加值（万元）",
               "项目年综合能耗（等价值）（吨标准煤）", "项目年用电量（万千瓦时）", "所在地能耗双控目标完成情况"])
    ps.append([credit_code(1), 2024, "智能产线", 1800, 500, 900, "是"])
    ps.append([credit_code(1), 2024, "扩建车间", 1000, 520, None, "未知"])
    ps.append([credit_code(99), 2024, "无主项目", 100, 10, None, "是"])
    notes = wb.create_sheet("填写说明")
    notes.append(["说明", "本表仅供演示"])
    wb.save(path)
    _set_cached_error(path, f"F{error_cell}", "#VALUE!")
    return expected


def _set_cached_error(path: Path, ref: str, error: str) -> None:
    """Give one cell a formula whose cached value is an error, as Excel saves it."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = data.index(f'<c r="{ref}"'.encode())
                end = data.index(b"</c>", start) + 4
                data = (data[:start] + f'<c r="{ref}" t="e"><f>1/0+"x"</f><v>{error}</v></c>'.encode()
                        + data[end:])
            dst.writestr(item, data)
    tmp.replace(path)


def good_rows_csv(path: Path, encoding: str = "gb18030", n: int = 3) -> None:
    """A plain CSV as Chinese Excel saves it (GBK by default)."""
    head = "企业名称,统一社会信用代码,数据年度,实际用地面积（亩）,实缴税金（万元）,工业增加值,是否规上工业企业,国民经济行业代码\n"
    rows = [f"企业{i}号,{credit_code(100 + i)},2024,{10 + i},{50 + i},{300 + i},是,3311\n" for i in range(n)]
    path.write_bytes((head + "".join(rows)).encode(encoding))


def park(path: Path, n: int, year: int = 2024, seed: int = 7, names: dict | None = None,
         first: int = 500) -> Path:
    """A tidy park sheet of ``n`` 规上 firms with varied figures (all valid)."""
    rnd = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "企业数据"
    ws.append(["企业名称", "统一社会信用代码", "数据年度", "实际用地面积（亩）", "实缴税金", "工业增加值",
               "综合能耗（等价值）", "化学需氧量（吨）", "年平均职工人数", "研发费用", "主营业务收入",
               "是否规上工业企业", "国民经济行业代码"])
    for i in range(n):
        land = rnd.uniform(10, 80)
        ws.append([(names or {}).get(i, f"企业{i:03d}"), credit_code(first + i), year, land,
                   land * rnd.uniform(3, 40), land * rnd.uniform(50, 200), rnd.uniform(500, 4000),
                   rnd.uniform(0.2, 3), rnd.randint(30, 400), rnd.uniform(10, 300),
                   rnd.uniform(2500, 20000), "是", "3311"])
        ws.cell(ws.max_row, 1).data_type = "s"  # a name like "=1+1" is text in the user's file
    wb.save(path)
    return path

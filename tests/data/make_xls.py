"""Writes park.xls, the legacy-format fixture (run by hand: xlwt is not a project dependency).

    python -m venv /tmp/xlv && /tmp/xlv/bin/pip install xlwt && /tmp/xlv/bin/python make_xls.py
"""

import xlwt

CODES = ["91331003MA0000015F", "91331003MA0000023A", "91331003MA00000315"]  # credit_code(1..3)

book = xlwt.Workbook(encoding="utf-8")
ws = book.add_sheet("企业数据")
ws.write_merge(0, 0, 0, 6, "2023年度企业数据（旧版 Excel 97-2003 格式）")
head = ["企业名称", "统一社会信用代码", "数据年度", "实际用地面积（亩）", "实缴税金（万元）", "工业增加值", "是否规上工业企业"]
for c, h in enumerate(head):
    ws.write(2, c, h)
rows = [("老厂一号", CODES[0], 2023, 20, 300, 2500, "是"),
        ("老厂二号", CODES[1], 2023, 6.5, 35, 200, "否"),
        ("老厂三号", CODES[2], 2023, "12亩", 80, 600, "是")]
for r, row in enumerate(rows, start=3):
    for c, v in enumerate(row):
        ws.write(r, c, v)
book.save("park.xls")

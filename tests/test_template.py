"""The import template: generated from the catalogue, and read back by the importer."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from desktop.cli import main
from forms.excel.template import HEADER_ROW, TEMPLATE_VERSION, header_text
from forms.importer import dry_run
from rules.catalogue import ENTERPRISE_FIELDS, PROJECT_FIELDS
from tests.conftest import credit_code


def test_template_sheets_headers_dropdowns_and_text_format(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    assert main(["template", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["企业数据", "新上项目", "填写说明"]
    ws = wb["企业数据"]
    headers = [c.value for c in ws[HEADER_ROW]]
    assert headers == [header_text(f) for f in ENTERPRISE_FIELDS]
    assert headers[:3] == ["*企业名称", "*统一社会信用代码", "*数据年度"]
    assert "实缴税金（万元）" in headers and "实际用地面积（亩）" in headers
    code_col = headers.index("*统一社会信用代码") + 1
    assert ws.cell(HEADER_ROW + 1, code_col).number_format == "@"
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    scale = get_column_letter(headers.index("是否规上工业企业") + 1)
    inst = get_column_letter(headers.index("研发机构级别") + 1)
    assert lists[f"{scale}{HEADER_ROW + 1}:{scale}{HEADER_ROW + 2000}"] == '"是,否"'
    assert lists[f"{inst}{HEADER_ROW + 1}:{inst}{HEADER_ROW + 2000}"] == '"无,市级以下,市级,省级,国家级"'
    assert [c.value for c in wb["新上项目"][HEADER_ROW]] == [header_text(f) for f in PROJECT_FIELDS]
    help_ws = wb["填写说明"]
    assert help_ws["A1"].value == "模板版本" and help_ws["B1"].value == TEMPLATE_VERSION
    assert help_ws.max_row == 4 + len(ENTERPRISE_FIELDS) + len(PROJECT_FIELDS)


def test_a_filled_template_imports(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    main(["template", str(out)])
    wb = load_workbook(out)
    ws = wb["企业数据"]
    ids = [f.id for f in ENTERPRISE_FIELDS]
    row = {"name": "模板企业", "credit_code": credit_code(7), "year": 2024, "land_mu": 12,
           "tax": 80, "above_scale": "否", "rd_institution": "省级"}
    for c, fid in enumerate(ids, start=1):
        ws.cell(HEADER_ROW + 1, c, row.get(fid))
    wb.save(out)
    result = dry_run(out)
    assert len(result.valid) == 1 and not result.invalid
    v = result.valid[0].checked.values
    assert v["rd_institution"] == "省级" and v["above_scale"] is False and v["land_mu"] == 12

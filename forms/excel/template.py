"""The import template (`mujun template OUT.xlsx`), generated from the field catalogue."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from rules.catalogue import ASSESSMENTS, ENTERPRISE_FIELDS, PROJECT_FIELDS, Field, Kind

TEMPLATE_VERSION = 1
ENTERPRISE_SHEET = "企业数据"
PROJECT_SHEET = "新上项目"
HELP_SHEET = "填写说明"
HEADER_ROW = 3  # title, note, header: the importer finds it among the first 15 rows
PREPARED_ROWS = 2000  # rows given text format and drop-downs

_TITLE = Font(bold=True, size=14)
_HEAD = Font(bold=True)
_REQUIRED = PatternFill("solid", fgColor="FDE9D9")
_OPTIONAL = PatternFill("solid", fgColor="EAF1FB")


def header_text(f: Field) -> str:
    """The column header: required fields carry a leading *, numbers their unit."""
    return ("*" if f.required else "") + f.header


def _kind_text(f: Field) -> str:
    if f.kind is Kind.BOOL:
        return "是/否"
    if f.kind is Kind.CHOICE:
        return "单选：" + "/".join(f.choices)
    if f.kind is Kind.MULTI:
        return "多选：" + "、".join(f.choices)
    if f.kind is Kind.CODE:
        return "18 位代码（文本）"
    if f.kind is Kind.INT:
        return "整数"
    if f.kind is Kind.NUMBER:
        return "数字"
    return "文本"


def _range_text(f: Field) -> str:
    lo = "" if f.minimum is None else f"≥ {f.minimum:g}"
    hi = "" if f.maximum is None else f"≤ {f.maximum:g}"
    return "，".join(x for x in (lo, hi) if x)


def _data_sheet(wb: Workbook, title: str, fields: tuple[Field, ...], note: str) -> None:
    ws = wb.create_sheet(title)
    last = get_column_letter(len(fields))
    ws["A1"] = f"亩均自评 · {title}（模板版本 {TEMPLATE_VERSION}）"
    ws["A1"].font = _TITLE
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = note
    ws.merge_cells(f"A2:{last}2")
    first, end = HEADER_ROW + 1, HEADER_ROW + PREPARED_ROWS
    for c, f in enumerate(fields, start=1):
        cell = ws.cell(HEADER_ROW, c, header_text(f))
        cell.font = _HEAD
        cell.fill = _REQUIRED if f.required else _OPTIONAL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if f.help:
            cell.comment = Comment(f.help, "亩均自评")
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(10, min(28, len(cell.value) * 2 + 2))
        if f.kind in (Kind.CODE, Kind.TEXT):
            for r in range(first, end + 1):
                ws.cell(r, c).number_format = "@"  # keeps credit codes and leading zeros
        if f.kind in (Kind.BOOL, Kind.CHOICE):
            dv = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"',
                                allow_blank=True, showErrorMessage=True,
                                errorTitle="请从下拉列表中选择", error="可选：" + "/".join(f.choices))
            dv.add(f"{letter}{first}:{letter}{end}")
            ws.add_data_validation(dv)
        elif f.is_numeric and (f.minimum is not None or f.maximum is not None):
            dv = DataValidation(
                type="whole" if f.kind is Kind.INT else "decimal",
                operator="between", formula1=str(f.minimum if f.minimum is not None else -1e15),
                formula2=str(f.maximum if f.maximum is not None else 1e15), allow_blank=True,
                showErrorMessage=True, errorTitle="数值超出范围", error=_range_text(f) or "请填数字")
            dv.add(f"{letter}{first}:{letter}{end}")
            ws.add_data_validation(dv)
    ws.row_dimensions[HEADER_ROW].height = 36
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3)


def write_template(path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    _data_sheet(wb, ENTERPRISE_SHEET, ENTERPRISE_FIELDS,
                "带 * 的列必填；数字只填数值，单位见表头；不知道的留空（不要填 0）；一行一家企业一个年度。")
    _data_sheet(wb, PROJECT_SHEET, PROJECT_FIELDS,
                "每个新上项目一行，用统一社会信用代码和数据年度对应企业数据表中的企业。")
    ws = wb.create_sheet(HELP_SHEET)
    ws.append(["模板版本", TEMPLATE_VERSION])
    ws.append(["说明", "表头行可以在前 15 行内任意一行；列的顺序可以调整；多出来的列会被忽略。"])
    ws.append([])
    ws.append(["工作表", "列名（表头）", "单位", "类型", "取值范围", "必填", "说明", "用于"])
    for c in range(1, 9):
        ws.cell(4, c).font = _HEAD
    names = dict(zip(ASSESSMENTS, ("亩均效益", "绿色通道", "梯度培育", "高耗低效整治", "数字化", "碳效")))
    for sheet, fields in ((ENTERPRISE_SHEET, ENTERPRISE_FIELDS), (PROJECT_SHEET, PROJECT_FIELDS)):
        for f in fields:
            ws.append([sheet, header_text(f), f.unit, _kind_text(f), _range_text(f),
                       "是" if f.required else "", f.help, "、".join(names[a] for a in f.needed_by)])
    for letter, width in zip("ABCDEFGH", (10, 34, 10, 26, 14, 6, 60, 24)):
        ws.column_dimensions[letter].width = width
    path = Path(path)
    wb.save(path)
    return path

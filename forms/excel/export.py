"""Exported workbooks: the results table and the error report (openpyxl, write-only).

Text that a spreadsheet would run as a formula (starting with = + - @, or a tab/CR) is always
written as a text cell, never as a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from forms.headers import OWN_COLUMNS, normalise_header
from forms.importer import ImportResult, Row
from rules.assessments.digital import RECOGNITIONS
from rules.assessments.green_channel import VERDICTS, basis_intensity
from rules.assessments.mujun import COHORT_LABELS
from rules.assessments.rectification import REASON_TEXTS
from rules.assessments.sme import SIZE_NAMES, TIER_NAMES
from rules.catalogue import label as field_label
from rules.industry import lookup
from rules.schema import BY_KEY, COHORT_INDICATORS, INDICATOR_NAMES, RATIO
from rules.wording import RESULT_WORDS, project_intensity

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RED = PatternFill("solid", fgColor="FFC7CE")
BOLD = Font(bold=True)
STATUS = {"scored": "已计分", "incomplete": "数据不全", "no_weights": "配置无权重", "not_graded": "不分类"}
INDICATORS = list(dict.fromkeys(i for ids in COHORT_INDICATORS.values() for i in ids))


EXCEL_TEXT_LIMIT = 32_767  # characters a spreadsheet cell holds


def clean_text(text: str) -> str:
    """Text a workbook can hold: a control character (which openpyxl refuses and Excel cannot
    show) written as 〈U+001F〉, so the user sees what the cell held; a text longer than a cell
    shortened with its length said."""
    text = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"〈U+{ord(m.group()):04X}〉", text)
    if len(text) > EXCEL_TEXT_LIMIT:
        tail = f"…（共 {len(text):,} 个字符）"
        text = text[:EXCEL_TEXT_LIMIT - len(tail)] + tail
    return text


def cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> Any:
    """A write-only cell; text that looks like a formula stays text."""
    if isinstance(value, (list, tuple, set, frozenset)):
        value = "、".join(map(str, sorted(value) if isinstance(value, (set, frozenset)) else value))
    if isinstance(value, str):
        value = clean_text(value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        c.data_type = "s"
    for k, v in style.items():
        setattr(c, k, v)
    return c


def _row(ws: WriteOnlyWorksheet, values: Sequence[Any]) -> list[Any]:
    """Plain values as they are (fast); only formula-like or unwritable text is wrapped as a
    text cell."""
    return [cell(ws, v) if isinstance(v, str) and (v.startswith(FORMULA_STARTS) or len(v) >
                                                   EXCEL_TEXT_LIMIT or ILLEGAL_CHARACTERS_RE.search(v))
            else v for v in values]


def _indicator_unit(i: str) -> str:
    return next(BY_KEY[f"mujun.{c}.{i}.benchmark"].unit for c, ids in COHORT_INDICATORS.items()
                if i in ids)


def _number_format(unit: str) -> str:
    """How a spreadsheet shows an indicator: a ratio as a percentage (to 0.0001 %, as stored),
    any other value with its unit after it; the cell stays a number."""
    if unit == RATIO:
        return "0.00##%"
    return f'General" {unit}"'


RESULT_HEADERS = [
    "来源工作表", "来源行", "统一社会信用代码", "企业名称", "数据年度", "所在县（市、区）", "所在园区/街道",
    "国民经济行业代码", "行业名称", "分组", "评价状态", "说明", "综合得分", "分类", "分类方式", "同类排名", "同类企业数",
    *[f"{INDICATOR_NAMES[i]}{part}" for i in INDICATORS for part in ("", "基准值", "得分")],
    "绿色通道可享受项目数", "新上项目数", "绿色通道明细", "梯度层级", "企业规模", "梯度适用规则", "距下一层级",
    "高耗低效整治", "整治情形", "数字化等级", "可申报数字化认定", "亩均计分缺少", "其他评估缺少", "配置", "配置版本",
    "配置哈希",
    "评估日期",
]


# Column → number format of the indicator values and benchmarks (RESULT_HEADERS order).
RESULT_FORMATS = {RESULT_HEADERS.index(f"{INDICATOR_NAMES[i]}{part}"): _number_format(
    _indicator_unit(i)) for i in INDICATORS for part in ("", "基准值")}


class ResultsWriter:
    """Streams one row per assessed firm into a results workbook."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet("评估结果")
        self.ws.freeze_panes = "E2"
        self.ws.append([cell(self.ws, h, font=BOLD) for h in RESULT_HEADERS])
        self.rows = 0
        # one styled cell per column, whose style the numbers of that column share (setting a
        # number format on every cell would cost as much again as writing the row)
        self.styles = {c: cell(self.ws, None, number_format=f)._style
                       for c, f in RESULT_FORMATS.items()}

    def add(self, entry: dict[str, Any], rec: Any, profile: dict[str, str], as_of: str) -> None:
        row = _row(self.ws, result_values(entry, rec, profile, as_of))
        for c, style in self.styles.items():
            if row[c] is not None:
                row[c] = WriteOnlyCell(self.ws, value=row[c])
                row[c]._style = style
        self.ws.append(row)
        self.rows += 1

    def close(self) -> Path:
        self.wb.save(self.path)
        return self.path


def write_table(path: Path, title: str, headers: Sequence[str], rows: Any,
                progress: Any = None, total: int = 0) -> Path:
    """A plain table (what a view shows) as a workbook; text that looks like a formula stays
    text."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.freeze_panes = "A2"
    ws.append([cell(ws, h, font=BOLD) for h in headers])
    for n, r in enumerate(rows):
        ws.append(_row(ws, r))
        if progress and n % 2000 == 0:
            progress(n, total, "写出表格")
    path = Path(path)
    wb.save(path)
    return path


def write_stored_results(path: Path, store: Any, profile: dict[str, str],
                         keys: Sequence[tuple[str, int, str | None, int | None]],
                         progress: Any = None) -> Path:
    """The results workbook of firms already assessed and stored: ``keys`` are (credit code,
    year, sheet, row) in the order wanted; sheet and row may be ``None``."""
    from types import SimpleNamespace

    writer = ResultsWriter(path)
    where = {(c, y): (sh, r) for c, y, sh, r in keys}
    for n, (summary, as_of, ident) in enumerate(
            store.stored_summaries(profile["id"], [(c, y) for c, y, _, _ in keys])):
        sheet, row = where[(summary["credit_code"], summary["year"])]
        writer.add({**summary, "sheet": sheet, "row": row}, SimpleNamespace(**ident), profile,
                   as_of)
        if progress and n % 500 == 0:
            progress(n, len(keys), "写出结果工作簿")
    return writer.close()


def _green(g: dict[str, Any]) -> str:
    """“项目：可享受，0.41 吨标准煤/万元（等价值）” — the verdict and the intensity on the basis
    used."""
    return f"{g['project']}：{VERDICTS[g['eligible']]}" + (
        f"，{project_intensity(g)}" if basis_intensity(g) is not None else "")


def result_values(entry: dict[str, Any], rec: Any, profile: dict[str, str],
                  as_of: str) -> list[Any]:
    """One row of the results workbook, in the order of ``RESULT_HEADERS``."""
    m, s, r, d = entry["mujun"], entry["sme"], entry["rectification"], entry["digital"]
    inds = m.get("indicators", {})
    ind_cells: list[Any] = []
    for i in INDICATORS:
        x = inds.get(i) or {}
        ind_cells += [x.get("value"), x.get("benchmark"),
                      None if x.get("points") is None else round(x["points"], 4)]
    greens = entry["green_channel"]
    green_text = "；".join(_green(g) for g in greens)
    return [
        entry.get("sheet"), entry.get("row"), entry["credit_code"], entry["name"], entry["year"],
        rec.county, rec.park, rec.industry_code,
        (lookup(rec.industry_code).name if rec.industry_code and lookup(rec.industry_code) else None),
        COHORT_LABELS.get(m["cohort"], m["cohort"]),
        STATUS.get(m.get("status"), m.get("status")),
        "；".join(x for x in (m.get("reason"), *entry.get("notes", [])) if x),
        None if m["score"] is None else round(m["score"], 4), m["class"],
        {"percentile": "同类排名", "cutoffs": "分类得分线"}.get(m["class_basis"] or "", ""),
        m.get("rank"), m.get("population"), *ind_cells,
        sum(1 for g in greens if g["eligible"]), len(greens), green_text,
        TIER_NAMES[s["tier"]], SIZE_NAMES.get(s["size"] or "", "未知"),
        RESULT_WORDS.get(s["rules"], s["rules"]),
        "；".join(s["criteria"][:6]), ("列入" if r["flagged"] else "未列入") if r["in_scope"] else
        ("不在范围" if r["in_scope"] is False else "无法判断"),
        "、".join(REASON_TEXTS[x] for x in r["reasons"]), d["level"],
        "、".join(RECOGNITIONS[x] for x in d["eligible"]),
        "、".join(field_label(x) for x in m.get("missing", [])),
        "、".join(field_label(x) for x in entry.get("missing_inputs", [])
                 if x not in m.get("missing", [])),
        profile["id"], profile["version"], profile["sha256"], as_of,
    ]


def write_error_report(path: Path, result: ImportResult) -> Path | None:
    """The rejected rows as the user gave them, under one header row that carries every unit
    the import read them in: the reasons first (where a user looks), then 原行号, then the
    row's cells — bad cells red with the reason as a comment, the credit-code column as
    text, a formula shown by its text. The 错误说明 / 原行号 columns of a report that is
    itself re-exported are not repeated. ``None`` when nothing was rejected."""
    bad = result.invalid
    if not bad:
        return None
    wb = Workbook(write_only=True)
    by_sheet: dict[str, list[Row]] = {}
    for row in bad:
        by_sheet.setdefault(row.sheet, []).append(row)
    for sheet_name, rows in by_sheet.items():
        ws = wb.create_sheet(sheet_name[:31])
        ws.freeze_panes = "C2"
        header = list(rows[0].header_cells)
        width = max(len(header), *(len(r.cells) for r in rows))
        header += [None] * (width - len(header))
        keep = [c for c, h in enumerate(header) if normalise_header(h) not in OWN_COLUMNS]
        code_col = rows[0].columns.get("credit_code")
        ws.append([cell(ws, "错误说明", font=BOLD, fill=RED), cell(ws, "原行号", font=BOLD),
                   *(cell(ws, header[c], font=BOLD) for c in keep)])
        for row in rows:
            by_col: dict[int, list[str]] = {}
            for issue in row.checked.errors:
                c = row.columns.get(issue.field)
                if c is not None:
                    by_col.setdefault(c, []).append(issue.message)
            cells = list(row.cells) + [None] * (width - len(row.cells))
            reasons = "；".join(f"{i.column}：{i.message}" for i in row.checked.errors)
            out = [cell(ws, reasons), cell(ws, row.row)]
            for c in keep:
                v = cells[c]
                style: dict[str, Any] = {}
                if c == code_col:
                    style["number_format"] = "@"
                if c in by_col:
                    x = cell(ws, v, fill=RED, **style)
                    x.comment = Comment("\n".join(by_col[c]), "亩均自评")
                    out.append(x)
                else:
                    out.append(cell(ws, v, **style) if style else cell(ws, v))
            ws.append(out)
    path = Path(path)
    wb.save(path)
    return path

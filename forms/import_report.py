"""The import report (SPEC §7.1): every sheet read or skipped, every column → field with its
conversion or "not used, because …", rows valid / rejected / skipped as non-firm / hidden, and
what reading changed. One source for the CLI's stderr, ``--json``'s ``import`` key and the
批量导入 page."""

from __future__ import annotations

from typing import Any

from forms.excel.reader import FORMAT_NAMES
from forms.headers import FIELDS, KIND_NAMES, MAPPED, column_letter
from forms.importer import ImportResult, SheetInfo

_MOST_LISTED = 30  # non-firm rows listed one per line (the JSON key lists them all)


def _rows(rows: list[int], most: int = 8) -> str:
    """“第 5、6、9 行” (at most ``most`` numbers, then “等 N 行”)."""
    shown = "、".join(map(str, rows[:most]))
    return f"第 {shown} 行" + (f"等 {len(rows)} 行" if len(rows) > most else "")


def sheet_lines(s: SheetInfo) -> list[str]:
    """What the import did with one sheet, line by line."""
    if s.kind is None:
        return [f"工作表“{s.name}”{'（隐藏）' if s.hidden else ''}：未读取 —— {s.why_not}"]
    hidden = "（隐藏，按要求读取）" if s.hidden else ""
    out = [f"工作表“{s.name}”{hidden}：{KIND_NAMES[s.kind]}，表头第 {s.header_row} 行，读取 {s.rows_read} 行"]
    catalogue = FIELDS[s.kind]
    out += [f"  {n}" for n in s.notes]
    out += [f"  {c.describe(catalogue)}" for c in s.columns]
    if s.non_firm:
        out.append(f"  跳过 {len(s.non_firm)} 行非企业行（不计为错误）：")
        out += [f"    第 {r} 行 {what}：“{text}”" for r, what, text in s.non_firm[:_MOST_LISTED]]
        if len(s.non_firm) > _MOST_LISTED:
            out.append(f"    ……另有 {len(s.non_firm) - _MOST_LISTED} 行")
    if s.hidden_rows:
        what = "隐藏或被筛选掉的行" if s.filtered else "隐藏行"
        out.append(f"  {what}已照常读取：{_rows(s.hidden_rows, 12)}（如这些行不应导入，请在表格中删除）")
    for (column, message), rows in s.notices.items():
        out.append(f"  “{column}”：{message}（{_rows(rows)}）")
    return out


def report_lines(imp: ImportResult) -> list[str]:
    """The whole report as lines of Chinese text."""
    out = [f"文件格式：{FORMAT_NAMES.get(imp.format, imp.format).strip()}"]
    out += imp.file_notes
    for s in imp.sheets:
        out += sheet_lines(s)
    problems = imp.column_problems
    if problems:
        out.append(f"注意：{len(problems)} 列数据未导入（单位无法换算、两列冲突或未注明能耗口径），"
                   "相关指标将按“缺数据”处理，见上方各列说明")
    out.append(imp.summary())
    return out


def report_json(imp: ImportResult) -> dict[str, Any]:
    """The report under ``--json``'s ``import`` key (stable keys; more may be added)."""
    sheets = []
    for s in imp.sheets:
        entry: dict[str, Any] = {"name": s.name, "kind": s.kind, "hidden": s.hidden,
                                 "header_row": s.header_row}
        if s.kind is None:
            entry["skipped"] = s.why_not
        catalogue = FIELDS.get(s.kind or "enterprise", FIELDS["enterprise"])
        entry["columns"] = [{
            "column": column_letter(c.index), "header": c.text, "status": c.status,
            "field": c.field if c.status == MAPPED else None,
            "conversion": (c.conversion.describe() if c.conversion is not None
                           and not c.conversion.identity else None),
            "factor": (str(c.conversion.factor) if c.conversion is not None
                       and not c.conversion.identity else None),
            "unit_from": c.unit_from or None, "year": c.year, "hidden_column": c.hidden,
            "reason": c.reason or None, "suggestion": c.suggestion or None,
            "text": c.describe(catalogue)} for c in s.columns]
        entry["rows_read"] = s.rows_read
        entry["non_firm_rows"] = [{"row": r, "what": what, "text": text}
                                  for r, what, text in s.non_firm]
        entry["hidden_rows"] = s.hidden_rows
        entry["filtered"] = s.filtered
        entry["notes"] = s.notes
        entry["notices"] = [{"column": col, "message": m, "rows": rows}
                            for (col, m), rows in s.notices.items()]
        sheets.append(entry)
    rejected = len(imp.enterprises) - len(imp.valid)
    return {"format": imp.format, "notes": imp.file_notes, "sheets": sheets,
            "rows": {"valid": len(imp.valid), "rejected": rejected,
                     "non_firm": sum(len(s.non_firm) for s in imp.sheets),
                     "hidden": sum(len(s.hidden_rows) for s in imp.sheets),
                     "projects_valid": sum(p.ok for p in imp.projects),
                     "projects_rejected": sum(not p.ok for p in imp.projects)},
            "lines": report_lines(imp)}

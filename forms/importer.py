"""Import, phase one: read a park's file and report every valid and rejected row (dry run).

Nothing is written anywhere; ``forms.store`` commits the valid rows in phase two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Any

from forms.excel.reader import FileError, Sheet, read_file
from forms.headers import ENTERPRISE, HEADER_SEARCH_ROWS, Header, find_header
from forms.record import Checked, Issue, check_values, row_is_blank
from rules.catalogue import ENTERPRISE_BY_ID, PROJECT_BY_ID
from rules.record import Record, record_of_checked

Progress = Callable[[int, int, str], None]


@dataclass
class Row:
    kind: str
    sheet: str
    row: int  # 1-based, as Excel/WPS shows it (title rows counted)
    cells: list[Any]  # the whole row as the user gave it
    checked: Checked
    titles: dict[str, str]
    header_cells: list[Any] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # field id → 0-based column

    @property
    def ok(self) -> bool:
        return self.checked.ok

    @property
    def key(self) -> tuple[str, int] | None:
        v = self.checked.values
        return (v["credit_code"], v["year"]) if "credit_code" in v and "year" in v else None


@dataclass
class SheetInfo:
    name: str
    kind: str | None  # enterprise | project | None (ignored)
    header_row: int | None = None  # 1-based
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    path: Path
    sheets: list[SheetInfo]
    enterprises: list[Row]
    projects: list[Row]

    @property
    def valid(self) -> list[Row]:
        return [r for r in self.enterprises if r.ok]

    @property
    def invalid(self) -> list[Row]:
        return [r for r in (*self.enterprises, *self.projects) if not r.ok]

    def records(self) -> list[Record]:
        """The valid enterprise rows as records, each with its valid projects."""
        by_key: dict[tuple, list[dict]] = {}
        for p in self.projects:
            if p.ok and p.key is not None:
                by_key.setdefault(p.key, []).append(p.checked.values)
        return [record_of_checked(r.checked.values, by_key.get(r.key, [])) for r in self.valid]

    def summary(self) -> str:
        ok_p = sum(p.ok for p in self.projects)
        return (f"企业 {len(self.enterprises)} 行：有效 {len(self.valid)}，有错 "
                f"{len(self.enterprises) - len(self.valid)}；项目 {len(self.projects)} 行：有效 {ok_p}，"
                f"有错 {len(self.projects) - ok_p}")


def dry_run(path: Path, progress: Progress | None = None, today: date | None = None) -> ImportResult:
    """Read ``path`` and validate every row; raises ``FileError`` when the file is unusable."""
    path = Path(path)
    if progress:
        progress(0, 0, "读取文件")
    sheets = read_file(path)
    infos: list[SheetInfo] = []
    enterprises: list[Row] = []
    projects: list[Row] = []
    found: list[tuple[Sheet, Header]] = []
    seen_firms: dict[tuple, Row] = {}
    seen_projects: dict[tuple, Row] = {}
    heads: dict[str, list[list[Any]]] = {}
    for sheet in sheets:
        head = heads[sheet.name] = list(islice(sheet.rows, HEADER_SEARCH_ROWS))
        header = find_header(head)
        if header is None:
            infos.append(SheetInfo(sheet.name, None))
            continue
        infos.append(SheetInfo(sheet.name, header.kind, header.row + 1, header.unknown))
        found.append((sheet, header))
    if not any(h.kind == ENTERPRISE for _, h in found):
        if not any(any(not row_is_blank(r) for r in h) for h in heads.values()):
            raise FileError("工作簿是空的，没有任何数据", "the workbook is empty")
        raise FileError("在前 15 行中找不到企业数据表头（需含“企业名称”或“统一社会信用代码”等列）",
                        "no header row found in the first 15 rows")
    total = sum(s.height - h.row - 1 for s, h in found)
    done = 0
    for sheet, header in found:
        catalogue = ENTERPRISE_BY_ID if header.kind == ENTERPRISE else PROJECT_BY_ID
        missing = [catalogue[f].label for f in catalogue if catalogue[f].required
                   and f not in header.columns]
        if missing:
            raise FileError(f"工作表“{sheet.name}”缺少必填列：{'、'.join(missing)}",
                            f"sheet {sheet.name!r} lacks required columns: {', '.join(missing)}")
        target = enterprises if header.kind == ENTERPRISE else projects
        seen = seen_firms if header.kind == ENTERPRISE else seen_projects
        columns = header.columns
        head = heads[sheet.name]
        header_cells = head[header.row]
        rows = chain(head[header.row + 1:], sheet.rows)
        for r, cells in enumerate(rows, start=header.row + 1):
            done += 1
            if progress and done % 2000 == 0:
                progress(done, total, "校验数据")
            if row_is_blank(cells):
                continue
            raw = {fid: (cells[c] if c < len(cells) else None) for fid, c in columns.items()}
            problems = {fid: sheet.problems[(r, c)] for fid, c in columns.items()
                        if (r, c) in sheet.problems}
            checked = check_values(raw, catalogue, header.titles, problems, today)
            row = Row(header.kind, sheet.name, r + 1, cells, checked, header.titles, header_cells,
                      columns)
            _reject_duplicate(row, seen)
            if row.ok and header.kind == ENTERPRISE:
                row.cells = []  # only rejected rows are shown again as the user gave them
            target.append(row)
    _attach_projects(enterprises, projects)
    if progress:
        progress(total, total, "校验完成")
    return ImportResult(path, infos, enterprises, projects)


def _reject_duplicate(row: Row, seen: dict[tuple, Row]) -> None:
    """A later row with the same credit code and year (and project name) is an error."""
    key = row.key
    if key is None:
        return
    by_name = row.kind != ENTERPRISE
    if by_name:
        key = (*key, row.checked.values.get("project_name"))
    first = seen.setdefault(key, row)
    if first is not row:
        what = "同一信用代码、年度和项目名称" if by_name else "同一信用代码和年度"
        row.checked.errors.append(Issue(
            "credit_code", row.titles.get("credit_code", "统一社会信用代码"),
            f"与工作表“{first.sheet}”第 {first.row} 行重复（{what}）"))


def _attach_projects(enterprises: list[Row], projects: list[Row]) -> None:
    firms: dict[tuple, Row] = {}
    for r in enterprises:  # the first row of a key wins: later duplicates are the rejected ones
        if r.key is not None:
            firms.setdefault(r.key, r)
    for p in projects:
        if not p.ok or p.key is None:
            continue
        firm = firms.get(p.key)
        col = p.titles.get("credit_code", "统一社会信用代码")
        if firm is None:
            p.checked.errors.append(Issue("credit_code", col, "企业数据表中没有这一信用代码和年度的企业"))
        elif not firm.ok:
            p.checked.errors.append(Issue(
                "credit_code", col, f"对应企业（工作表“{firm.sheet}”第 {firm.row} 行）有错误，项目一并未导入"))

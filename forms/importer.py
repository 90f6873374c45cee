"""Import, phase one: read a park's file and report every valid and rejected row (dry run).

Nothing is written anywhere; ``forms.store`` commits the valid rows in phase two.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any, Self

from forms import workers
from forms.cells import CellError, is_blank, normalise_text, parse_cell
from forms.excel.reader import FileError, Sheet, read_file
from forms.headers import (
    CONFLICT,
    ENTERPRISE,
    HEADER_SEARCH_ROWS,
    KIND_NAMES,
    MAPPED,
    REFUSED,
    Column,
    Header,
    column_letter,
    find_header,
    is_unit_row,
)
from forms.record import Checked, Issue, check_values, row_is_blank
from rules.catalogue import ENTERPRISE_BY_ID, PROJECT_BY_ID, Field
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
    stored_firm: bool = False  # a project row whose firm is stored, not in this file

    @property
    def ok(self) -> bool:
        return self.checked.ok

    @property
    def key(self) -> tuple[str, int] | None:
        v = self.checked.values
        return (v["credit_code"], v["year"]) if "credit_code" in v and "year" in v else None


@dataclass
class SheetInfo:
    """What the import did with one sheet: the report's unit (SPEC §7.1)."""

    name: str
    kind: str | None  # enterprise | project | None (not read)
    header_row: int | None = None  # 1-based (the label row)
    columns: list[Column] = field(default_factory=list)
    why_not: str = ""  # why a sheet is not read
    hidden: bool = False
    notes: list[str] = field(default_factory=list)  # unit lines, merged fills …
    non_firm: list[tuple[int, str, str]] = field(default_factory=list)  # (row, what, text)
    hidden_rows: list[int] = field(default_factory=list)  # 1-based rows read although hidden
    filtered: bool = False
    # (column title, message) → rows where reading a cell changed it (blank marks, years …)
    notices: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    layout: str = ""  # header fingerprint: a remembered column mapping is found by it
    rows_read: int = 0

    @property
    def ignored_columns(self) -> list[str]:
        return [c.text for c in self.columns if c.status != MAPPED]


@dataclass
class ImportResult:
    path: Path
    sheets: list[SheetInfo]
    enterprises: list[Row]
    projects: list[Row]
    format: str = ""
    file_notes: list[str] = field(default_factory=list)

    # The rows are final once the dry run returns, so the split is made once (the window
    # reads it for every count it shows; 20,000 rows took ≈ 20 ms a time).
    @cached_property
    def _split(self) -> tuple[tuple[Row, ...], tuple[Row, ...]]:
        return (tuple(r for r in self.enterprises if r.ok),
                tuple(r for r in (*self.enterprises, *self.projects) if not r.ok))

    @property
    def valid(self) -> list[Row]:
        return list(self._split[0])

    @property
    def invalid(self) -> list[Row]:
        return list(self._split[1])

    def records(self) -> list[Record]:
        """The valid enterprise rows as records, each with its valid projects."""
        by_key: dict[tuple, list[dict]] = {}
        for p in self.projects:
            if p.ok and p.key is not None:
                by_key.setdefault(p.key, []).append(p.checked.values)
        return [record_of_checked(r.checked.values, by_key.get(r.key, [])) for r in self.valid]

    def projects_for_stored(self) -> dict[tuple[str, int], list[dict]]:
        """Valid project rows whose firm is not in this file but already stored."""
        out: dict[tuple[str, int], list[dict]] = {}
        for p in self.projects:
            if p.ok and p.stored_firm and p.key is not None:
                out.setdefault(p.key, []).append(p.checked.values)
        return out

    def summary(self) -> str:
        ok_p = sum(p.ok for p in self.projects)
        skipped = sum(len(s.non_firm) for s in self.sheets)
        hidden = sum(len(s.hidden_rows) for s in self.sheets)
        return (f"企业 {len(self.enterprises)} 行：有效 {len(self.valid)}，有错 "
                f"{len(self.enterprises) - len(self.valid)}；项目 {len(self.projects)} 行：有效 {ok_p}，"
                f"有错 {len(self.projects) - ok_p}"
                + (f"；跳过非企业行 {skipped} 行" if skipped else "")
                + (f"；隐藏行 {hidden} 行（已读入）" if hidden else ""))

    @property
    def column_problems(self) -> list[tuple[str, Column]]:
        """Columns refused or in conflict: data the file has and the import does not use."""
        return [(s.name, c) for s in self.sheets for c in s.columns
                if c.status in (REFUSED, CONFLICT)]


ColumnChoices = Mapping[str, Mapping[int, "str | None"]]


def dry_run(path: Path, progress: Progress | None = None, today: date | None = None, *,
            mapping: ColumnChoices | None = None, include_hidden_sheets: bool = False,
            stored: Callable[[set[tuple[str, int]]], set[tuple[str, int]]] | None = None
            ) -> ImportResult:
    """Read ``path`` and validate every row; raises ``FileError`` when the file is unusable.

    ``mapping`` holds the user's column choices per sheet (column → field id, ``None`` = do
    not use); hidden sheets are read only with ``include_hidden_sheets``; ``stored(keys)``
    says which (credit code, year) keys the store already holds, so that a project row can
    attach to a stored firm."""
    path = Path(path)
    if progress:
        progress(0, 0, "读取文件")
    book = read_file(path)
    infos: list[SheetInfo] = []
    enterprises: list[Row] = []
    projects: list[Row] = []
    found: list[tuple[Sheet, Header, SheetInfo]] = []
    heads: dict[str, list[list[Any]]] = {}
    for sheet in book.sheets:
        head = heads[sheet.name] = list(islice(sheet.rows, HEADER_SEARCH_ROWS + 2))
        info = SheetInfo(sheet.name, None, hidden=sheet.hidden, filtered=sheet.filtered)
        infos.append(info)
        overrides = (mapping or {}).get(sheet.name)
        header = find_header(head, sheet.merged, sheet.hidden_cols, overrides)
        if header is None:
            info.why_not = ("没有找到企业或项目数据的表头（前 15 行）" if any(
                not row_is_blank(r) for r in head) else "空工作表")
            continue
        info.header_row, info.columns, info.layout = header.row + 1, header.report, header.layout
        info.notes.extend(header.notes)
        if sheet.hidden and not include_hidden_sheets:
            info.why_not = (f"隐藏的工作表（像是{KIND_NAMES[header.kind]}），默认不导入；"
                            "如需导入，请勾选“导入隐藏的工作表”（命令行：--include-hidden-sheets）")
            continue
        info.kind = header.kind
        found.append((sheet, header, info))
    if not any(h.kind == ENTERPRISE for _, h, _ in found):
        if not any(any(not row_is_blank(r) for r in h) for h in heads.values()):
            raise FileError("工作簿是空的，没有任何数据", "the workbook is empty")
        hidden = [i.name for i in infos if i.hidden and i.header_row and i.why_not]
        if hidden:
            raise FileError(f"企业数据只在隐藏的工作表“{'、'.join(hidden)}”中：请取消隐藏，或勾选"
                            "“导入隐藏的工作表”（命令行：--include-hidden-sheets）",
                            "the only enterprise sheet is hidden: use --include-hidden-sheets")
        what = f"（{book.notes[0]}）" if book.notes and "扩展名" in book.notes[0] else ""
        raise FileError("在前 15 行中找不到企业数据表头（需含“企业名称”或“统一社会信用代码”等列）" + what,
                        "no header row found in the first 15 rows")
    total = sum(s.height - h.first_data_row for s, h, _ in found)
    done = [0]
    with Checks(total) as checks:
        _read_sheets(found, heads, enterprises, projects, today, progress, done, total, checks)
    _attach_projects(enterprises, projects, stored)
    if progress:
        progress(total, total, "校验完成")
    return ImportResult(path, infos, enterprises, projects, book.format, book.notes)


def _read_sheets(found: list[tuple[Sheet, Header, SheetInfo]], heads: dict[str, list[list[Any]]],
                 enterprises: list[Row], projects: list[Row], today: date | None,
                 progress: Progress | None, done: list[int], total: int,
                 checks: Checks) -> None:
    seen_firms: dict[tuple, Row] = {}
    seen_projects: dict[tuple, Row] = {}
    for sheet, header, info in found:
        catalogue = ENTERPRISE_BY_ID if header.kind == ENTERPRISE else PROJECT_BY_ID
        missing = [catalogue[f].label for f in catalogue if catalogue[f].required
                   and f not in header.columns and f not in header.year_columns]
        if missing:
            raise FileError(f"工作表“{sheet.name}”缺少必填列：{'、'.join(missing)}",
                            f"sheet {sheet.name!r} lacks required columns: {', '.join(missing)}")
        target = enterprises if header.kind == ENTERPRISE else projects
        seen = seen_firms if header.kind == ENTERPRISE else seen_projects
        for row in _read_rows(sheet, header, info, heads[sheet.name], catalogue, today, progress,
                              done, total, checks):
            _reject_duplicate(row, seen)
            if row.ok and header.kind == ENTERPRISE:
                row.cells = []  # only rejected rows are shown again as the user gave them
            target.append(row)


# A file of this many rows or more has its cells checked across worker processes: below it
# the workers' start (≈ 0.2 s) and sending them the rows cost more than they save (measured
# on 2 cores: 3,200 rows 0.44 s pooled against 0.37 s here; 6,000 rows 0.66 against 0.67).
MIN_POOL_ROWS = 5000
CHECK_CHUNK = 500  # rows a task


def _check(kind: str, today: date | None, jobs: list[tuple]) -> list[tuple[Checked, list]]:
    """``check_values`` over rows' arguments (in a worker, or here): each row's result and
    what reading its cells changed."""
    catalogue = ENTERPRISE_BY_ID if kind == ENTERPRISE else PROJECT_BY_ID
    out = []
    for raw, titles, problems, conversions, percent in jobs:
        notes: list[tuple[str, str]] = []
        out.append((check_values(raw, catalogue, titles, problems, today, conversions, percent,
                                 notes), notes))
    return out


class Checks:
    """Checks rows' cells in file order: here, or across worker processes for a file of
    ``MIN_POOL_ROWS`` rows or more (the same ``check_values``, so the same results)."""

    def __init__(self, rows: int):
        self.n = workers.cores()
        self.ex = workers.pool(self.n) \
            if rows >= max(MIN_POOL_ROWS, 1) and self.n >= 2 else None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        if self.ex is not None:
            self.ex.shutdown(wait=True, cancel_futures=True)

    def __call__(self, jobs: Iterator[tuple[tuple, tuple]], kind: str, today: date | None
                 ) -> Iterator[tuple[tuple, tuple[Checked, list]]]:
        if self.ex is None:
            for meta, args in jobs:
                yield meta, _check(kind, today, [args])[0]
            return
        for part, results in workers.in_order(self.ex, partial(_check, kind, today), jobs,
                                              CHECK_CHUNK, 4 * self.n,
                                              send=lambda p: [args for _, args in p]):
            for (meta, _), result in zip(part, results, strict=True):
                yield meta, result


def _read_rows(sheet: Sheet, header: Header, info: SheetInfo, head: list[list[Any]],
               catalogue: Mapping[str, Field], today: date | None, progress: Progress | None,
               done: list[int], total: int, checks: Checks) -> Iterator[Row]:
    """The sheet's data rows as checked rows; non-firm rows are listed in ``info``, merged
    cells filled down, hidden rows noted, each column's unit converted. ``checks`` checks
    the rows' cells (in worker processes for a large file)."""
    header_cells = export_headers(head[header.row], header, catalogue)
    jobs = _row_jobs(sheet, header, info, head, catalogue, progress, done, total)
    for (r, cells, cols, titles, year_note), (checked, notes) in checks(jobs, header.kind,
                                                                         today):
        if year_note is not None:
            checked.warnings.append(year_note)
        for fid, message in notes:
            info.notices.setdefault((titles.get(fid, catalogue[fid].label), message),
                                    []).append(r + 1)
        row = Row(header.kind, sheet.name, r + 1, cells, checked, titles, header_cells, cols)
        if not checked.ok and sheet.formulas:
            row.cells = _with_formulas(cells, r, sheet.formulas)
        yield row


def _row_jobs(sheet: Sheet, header: Header, info: SheetInfo, head: list[list[Any]],
              catalogue: Mapping[str, Field], progress: Progress | None, done: list[int],
              total: int) -> Iterator[tuple[tuple, tuple]]:
    """Each data row read, filled down and sorted out, in order: (row index, cells, columns,
    titles, a note on a missing year column) and the arguments ``check_values`` takes."""
    columns = header.columns
    year_col = columns.get("year")
    year_field = catalogue["year"]
    titles_base = dict(header.titles)
    percent_fields = {f.id for f in catalogue.values() if f.unit == "%"}
    fills = _data_merges(sheet, header)
    active: dict[int, tuple[Any, int, int]] = {}  # column → (value, first row, last row)
    mapped_cols = set(columns.values()) | {c for ys in header.year_columns.values()
                                           for c in ys.values()}
    base_conversions = {fid: header.conversions[c] for fid, c in columns.items()
                        if c in header.conversions}
    fids, gather = tuple(columns), _gatherer(tuple(columns.values()))
    last_col = max(columns.values(), default=0)
    # the rows with a cell the reader marked: most rows have none, and are not searched. A
    # text file's reader marks a row's cells as it reads that row (before it is yielded), only
    # ever adding to ``sheet.problems``: the keys added since the last row are its last ones.
    problem_rows: set[int] = set()
    marked = 0
    rows = chain(head[header.first_data_row:], sheet.rows)
    for r, cells in enumerate(rows, start=header.first_data_row):
        done[0] += 1
        if progress and done[0] % 2000 == 0:
            progress(done[0], total, "校验数据")
        if row_is_blank(cells):
            continue
        info.rows_read += 1
        if fills or active:
            cells = _fill_merged(cells, r, fills, active, info, header)
        why = non_firm(cells, header, mapped_cols)
        if why is not None:
            info.non_firm.append((r + 1, why, _row_text(cells)))
            continue
        if r in sheet.hidden_rows:
            info.hidden_rows.append(r + 1)
        cols = columns
        titles = titles_base
        year_note = None
        if header.year_columns:
            year = _row_year(cells, year_col, year_field)
            cols, titles = dict(columns), dict(titles_base)
            for fid, by_year in header.year_columns.items():
                if year in by_year:
                    cols[fid] = by_year[year]
                    titles[fid] = header.title_of(by_year[year])
                elif fid not in columns and year is not None:
                    year_note = Issue(fid, titles_base.get(fid, catalogue[fid].label),
                                      f"表中“{catalogue[fid].label}”只有 "
                                      f"{'、'.join(map(str, sorted(by_year)))} 年的列，没有数据年度 "
                                      f"{year} 的列：本行不读取这一项")
        if cols is columns and len(cells) > last_col:  # the common row: one C-level gather
            raw = dict(zip(fids, gather(cells)))
        else:
            raw = {fid: (cells[c] if c < len(cells) else None) for fid, c in cols.items()}
        if len(sheet.problems) != marked:
            problem_rows.update(k[0] for k in islice(reversed(sheet.problems),
                                                     len(sheet.problems) - marked))
            marked = len(sheet.problems)
        problems = {fid: sheet.problems[(r, c)] for fid, c in cols.items()
                    if (r, c) in sheet.problems} if r in problem_rows else {}
        conversions = base_conversions if cols is columns else {
            fid: header.conversions[c] for fid, c in cols.items() if c in header.conversions}
        percent = {fid for fid in percent_fields if fid in cols
                   and (r, cols[fid]) in sheet.percent_cells} if sheet.percent_cells else set()
        yield (r, cells, cols, titles, year_note), (raw, titles, problems, conversions, percent)


def _gatherer(idx: tuple[int, ...]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """The cells at ``idx`` of a row, as a tuple (``itemgetter`` gives a bare value for one)."""
    if len(idx) >= 2:
        return itemgetter(*idx)
    return lambda cells: tuple(cells[i] for i in idx)


def export_headers(label_row: Sequence[Any], header: Header,
                   catalogue: Mapping[str, Field]) -> list[Any]:
    """The header a rejected row is shown under again (the error report): one row that says
    everything the header block said — a label merged down from the group row, and the unit
    a column was read in when it came from a unit row, a group title or a 单位 line — so
    that the corrected report re-imports with the same meaning."""
    out = list(label_row)
    for c in header.report:
        if c.index >= len(out):
            out += [None] * (c.index + 1 - len(out))
        label = out[c.index] if out[c.index] not in (None, "") else c.text.split(" / ")[-1]
        if c.status == MAPPED and c.field and c.conversion is not None \
                and c.unit_from not in ("表头", ""):
            label = f"{catalogue[c.field].label}（{c.conversion.source.name}）" + (
                f"（{c.year}年）" if c.year is not None else "")
        out[c.index] = label
    return out


def _row_year(cells: list[Any], col: int | None, f: Field) -> int | None:
    if col is None or col >= len(cells):
        return None
    try:
        return parse_cell(cells[col], f)
    except CellError:
        return None


def _with_formulas(cells: list[Any], r: int, formulas: Mapping[tuple[int, int], str]) -> list[Any]:
    """The row as the user gave it: a formula with no usable value shows its formula text."""
    out = list(cells)
    for c, v in enumerate(out):
        if v in (None, "") and (r, c) in formulas:
            out[c] = formulas[(r, c)]
    return out


def _row_text(cells: list[Any]) -> str:
    text = " ".join(str(v).strip() for v in cells if not is_blank(v))
    return text if len(text) <= 40 else text[:39] + "…"


# ----------------------------------------------------------------------------- non-firm rows

_TOTAL = re.compile(r"^(总计|合计|小计|共计|汇总|平均|平均值|均值|累计)|(合计|小计|总计|平均|汇总)$")
_AMONG = re.compile(r"^其中[:：]?")
_SECTION = re.compile(r"^([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]"
                      r"|第[一二三四五六七八九十\d]+(部分|类|批))")
_NOTE = re.compile(r"^(填表说明|填报说明|说明|注|备注|注释|数据来源|资料来源|附注|※|\*注)"
                   r"\s*(\d+|[:：.、])")
_SIGNATURE = re.compile(r"(填报人|审核人|负责人|制表人|填报日期|联系电话|制表日期|审核日期|填表人|"
                        r"统计员|填报单位|报送日期|单位负责人|经办人)\s*[:：]")
_CODE_LIKE = re.compile(r"^[0-9A-Z]{15,20}$")


def non_firm(cells: Sequence[Any], header: Header, mapped: set[int]) -> str | None:
    """Why a row is not a firm (a total, a section heading, a unit row, a note, a signature
    line, a row with nothing in any mapped column), or ``None`` for a firm's row. A row
    with a credit code in the code column is always a firm's row."""
    code_col = header.columns.get("credit_code")
    if code_col is not None and code_col < len(cells):
        code = normalise_text(str(cells[code_col] or "")).upper().replace(" ", "")
        if _CODE_LIKE.match(code):
            return None
    texts = [normalise_text(str(v)) for v in cells if isinstance(v, str) and v.strip()]
    first = texts[0].replace(" ", "") if texts else ""
    name_col = header.columns.get("name")
    name = normalise_text(str(cells[name_col])).replace(" ", "") \
        if name_col is not None and name_col < len(cells) and isinstance(cells[name_col], str) \
        else ""
    for t in (first, name):
        if t and len(t) <= 16 and _TOTAL.search(t):
            return "合计/小计/平均行"
        if t and _AMONG.match(t):
            return "“其中”分项行"
    if first and _SECTION.match(first) and len(texts) <= 2:
        return "分组标题行"
    if is_unit_row(cells):
        return "单位行"
    if first and _NOTE.match(first):
        return "说明/备注行"
    if any(_SIGNATURE.search(t) for t in texts):
        return "填报人/审核人等签字行"
    if not any(c < len(cells) and not is_blank(cells[c]) for c in mapped):
        return "没有任何数据项的行（只有序号或备注）"
    return None


# ----------------------------------------------------------------------------- merged cells

def _data_merges(sheet: Sheet, header: Header) -> dict[int, list[tuple[int, int, int, int]]]:
    """Merged ranges in the data area that cover more than one row, by their first row."""
    out: dict[int, list[tuple[int, int, int, int]]] = {}
    for rng in sheet.merged:
        if rng[0] >= header.first_data_row and rng[2] > rng[0]:
            out.setdefault(rng[0], []).append(rng)
    return out


def _fill_merged(cells: list[Any], r: int, fills: Mapping[int, list[tuple[int, int, int, int]]],
                 active: dict[int, tuple[Any, int, int]], info: SheetInfo,
                 header: Header) -> list[Any]:
    """A merged data cell (county, 街道, 是否规上 over several firms) is given to every row it
    covers; the report says so once per merged range."""
    for r0, c0, r1, _ in fills.get(r, ()):
        if c0 < len(cells) and not is_blank(cells[c0]):
            active[c0] = (cells[c0], r0, r1)
            info.notes.append(f"{column_letter(c0)} 列“{header.title_of(c0)}”第 {r0 + 1}–{r1 + 1} 行"
                              f"是合并单元格，值“{cells[c0]}”已填入其覆盖的每一行")
    out = cells
    for c, (value, r0, r1) in list(active.items()):
        if r > r1:
            del active[c]
        elif r > r0:
            if out is cells:
                out = list(cells)
            if c >= len(out):
                out += [None] * (c + 1 - len(out))
            if is_blank(out[c]):
                out[c] = value
    return out


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


def _attach_projects(enterprises: list[Row], projects: list[Row],
                     stored: Callable[[set[tuple[str, int]]], set[tuple[str, int]]] | None) -> None:
    firms: dict[tuple, Row] = {}
    for r in enterprises:  # the first row of a key wins: later duplicates are the rejected ones
        if r.key is not None:
            firms.setdefault(r.key, r)
    orphans = {p.key for p in projects if p.ok and p.key is not None and p.key not in firms}
    in_store = stored(orphans) if stored and orphans else set()
    for p in projects:
        if not p.ok or p.key is None:
            continue
        firm = firms.get(p.key)
        col = p.titles.get("credit_code", "统一社会信用代码")
        if firm is None and p.key in in_store:
            p.stored_firm = True
        elif firm is None:
            p.checked.errors.append(Issue(
                "credit_code", col, "企业数据表和数据库中都没有这一信用代码和年度的企业"))
        elif not firm.ok:
            p.checked.errors.append(Issue(
                "credit_code", col, f"对应企业（工作表“{firm.sheet}”第 {firm.row} 行）有错误，项目一并未导入"))

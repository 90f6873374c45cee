"""Workbooks that look like work (issue 14): the results workbook, the view export, the error
report, the 公示 list and the 一企一单 confirmation forms — widths from content, frozen header
and name columns, auto-filter, units in headers, ratios as %, money with separators, classes
coloured, credit codes as text, print set-up, and a 说明 sheet that names the profile in words
and cites documents (no seed file, web address or code). The error report of the sample park
is read back by the importer and finds the same rows with the same problems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from desktop.cli import main
from forms import pipeline
from forms.excel.export import (
    CLASS_FILLS,
    MAX_WIDTH,
    MONEY,
    PERCENT,
    POINTS,
    RESULT_HEADERS,
    RESULTS_PRINTED,
    TEXT,
    Notes,
    Table,
    header_format,
    text_width,
    wrap_lines,
    write_table,
)
from forms.excel.notices import (
    CONFIRM_HEADS,
    class_names,
    confirmation_rows,
    write_confirmation_workbook,
    write_notice_workbook,
)
from forms.importer import dry_run
from rules.assess import DISCLAIMER, EnterpriseResult
from rules.assessments.mujun import ABOVE, BELOW
from rules.profile import load
from rules.schema import BY_KEY, COHORT_INDICATORS, INDICATOR_NAMES, RATIO
from tests.conftest import ROOT
from tests.fixtures import park
from tests.test_wording import DATES, Report, code_catalogue, trees

SAMPLE = ROOT / "resources" / "sample" / "sample-park.xlsx"
PROFILE = load("huangyan-2022")
AS_OF = date(2026, 3, 1)
SEED = re.compile(r"\d{3}_[0-9a-f]{8,}\.txt")
# What a 说明 sheet (or any cell a person reads) may never hold.
RAW = ("http", "www.", "chacewang", ".com", "huangyan", "zhejiang", "above_scale", "below_scale",
       "cohort_mean", "high_value", "geometric", "percentile", "cutoffs", "sha256")


@dataclass
class Sample:
    results: list[EnterpriseResult]
    xlsx: Path
    errors: Path
    imported: Any


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    tmp = tmp_path_factory.mktemp("workbooks")
    results: list[EnterpriseResult] = []
    outcome = pipeline.run(SAMPLE, PROFILE, AS_OF, store=None, xlsx_out=tmp / "r.xlsx",
                           errors_out=tmp / "e.xlsx", on_result=results.append)
    assert len(results) == 273 and len(outcome.imported.invalid) == 19
    return Sample(results, tmp / "r.xlsx", tmp / "e.xlsx", outcome.imported)


def head(ws: Worksheet, row: int = 1) -> list[Any]:
    return [c.value for c in ws[row]]


def notes_text(ws: Worksheet) -> str:
    return "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)


def check_notes(ws: Worksheet, *, profile: bool = True, year: int = 2025) -> str:
    """A 说明 sheet: the disclaimer always; with a profile its words, county, data year,
    assessment date and numbered documents; never a seed file, address or code."""
    text = notes_text(ws)
    flat = text.replace("\n", "")
    assert DISCLAIMER in flat
    if profile:
        assert "台州市黄岩区亩均效益评价（2021、2022 年度基准值）" in flat and "黄岩区" in flat
        assert f"{year} 年度" in flat and "2026 年 3 月 1 日" in flat
        assert "依据文件" in flat and "《浙江省人民政府关于深化“亩均论英雄”改革的指导意见》；浙政发〔2018〕5号" \
            in flat
    assert not SEED.search(text), SEED.search(text)
    low = text.lower()
    assert not [w for w in RAW if w in low], [w for w in RAW if w in low]
    assert PROFILE.sha256 not in text
    assert ws.page_setup.paperSize in ("9", 9) and ws.page_setup.fitToWidth == 1
    return flat


def check_print(ws: Worksheet, head_row: int = 1, landscape: bool = True) -> None:
    assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
    assert ws.page_setup.paperSize in ("9", 9)  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == f"${head_row}:${head_row}"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def letter_of(ws: Worksheet, col: int) -> str:
    return ws.cell(1, col + 1).column_letter


# ----------------------------------------------------------------------------- the pieces


def test_widths_count_cjk_double_and_lines_never_start_with_a_closing_mark() -> None:
    assert text_width("abc") == 3 and text_width("企业名称") == 8 and text_width("A 类") == 4
    assert text_width("第一行\n第二行较长") == 10
    text = ("打印时只印“统一社会信用代码”到“单位电耗税收（万元/万千瓦时）”各列（企业、分组、得分、"
            "分类、排名和亩均指标），其余各列供屏幕查看；如需全部打印，请在页面设置中取消打印区域。"
            "GB/T 2589-2020 附录A 2,337.60 万元")
    for width in range(8, 90):
        lines = wrap_lines(text, width).split("\n")
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(text_width(x) <= width for x in lines), width
        assert not [x for x in lines if x[:1] in "，。；：、）》”%"], (width, lines)
        assert not [x for x in lines if x[-1:] in "（《“"], (width, lines)
        assert "2,337.60" in "\n".join(lines)  # a number is never cut
    assert wrap_lines("abc def ghi", 7) == "abc def\nghi"


def test_number_formats_come_from_the_headers() -> None:
    assert header_format("统一社会信用代码") == TEXT
    assert header_format("R&D经费占比（%）") == PERCENT
    assert header_format("实缴税金（万元）") == MONEY and header_format("用地（亩）") == MONEY
    assert header_format("综合能耗等价值（吨标准煤）") == MONEY
    assert header_format("得分") == POINTS and header_format("综合得分（分）") == POINTS
    assert header_format("年平均职工人数（人）") == "#,##0"
    assert header_format("县（市、区）") is None and header_format("企业名称") is None


# ----------------------------------------------------------------------------- results


def test_results_workbook_reads_and_prints(sample: Sample) -> None:
    wb = load_workbook(sample.xlsx)
    assert wb.sheetnames == ["评估结果", "说明"]
    ws = wb["评估结果"]
    heads = head(ws)
    assert heads == RESULT_HEADERS
    col = {h: i for i, h in enumerate(heads)}
    n = ws.max_row - 1
    assert n == 273
    # units in the headers, numbers in the cells
    for h in ("亩均税收（万元/亩）", "R&D经费占比（%）", "亩均税收基准值（万元/亩）", "综合得分（分）",
              "单位能耗增加值（万元/吨标准煤）", "单位电耗税收（万元/万千瓦时）"):
        assert h in col, h
    rows = list(ws.iter_rows(min_row=2))
    firm = next(r for r in rows if r[col["R&D经费占比（%）"]].value is not None
                and r[col["分类"]].value == "A")
    assert isinstance(firm[col["R&D经费占比（%）"]].value, float)
    assert firm[col["R&D经费占比（%）"]].number_format == PERCENT
    assert firm[col["R&D经费占比基准值（%）"]].number_format == "0.00##%"
    assert firm[col["亩均税收（万元/亩）"]].number_format == MONEY == "#,##0.00"
    assert firm[col["亩均税收基准值（万元/亩）"]].number_format == "#,##0.00##"
    assert firm[col["亩均税收基准值（万元/亩）"]].value == 24.097
    assert firm[col["综合得分（分）"]].number_format == POINTS
    # credit codes are text, every one
    codes = [r[col["统一社会信用代码"]] for r in rows]
    assert all(c.data_type == "s" and c.number_format == TEXT for c in codes)
    assert {c.value for c in codes} == {r.record.credit_code for r in sample.results}
    # classes coloured, light fills, A green … D red; no fill on a firm not graded
    seen = set()
    for r in rows:
        c = r[col["分类"]]
        if c.value in CLASS_FILLS:
            assert c.fill.fgColor.rgb[-6:] == CLASS_FILLS[c.value].fgColor.rgb[-6:]
            seen.add(c.value)
        else:
            assert c.value is None and c.fill.fill_type is None
    assert seen == set("ABCD")
    assert CLASS_FILLS["A"].fgColor.rgb[-6:] == "D5F0DC" and CLASS_FILLS["D"].fgColor.rgb[-6:] \
        == "F9D3D0"
    # widths from content: the name column holds the longest name, a class letter is narrow
    longest = max(text_width(r.record.name) for r in sample.results)
    width = {h: ws.column_dimensions[letter_of(ws, i)].width for h, i in col.items()}
    assert longest <= width["企业名称"] <= longest + 4
    assert 18 <= width["统一社会信用代码"] <= 22
    assert width["分类"] < 8 and width["同类排名"] < 12
    assert max(width.values()) <= MAX_WIDTH
    # frozen: header row and source / code / name; filter over the whole table
    assert ws.freeze_panes == "E2"
    assert ws.auto_filter.ref == f"A1:{letter_of(ws, len(heads) - 1)}{n + 1}"
    check_print(ws)
    first, last = (letter_of(ws, c) for c in RESULTS_PRINTED)
    assert ws.print_area == f"'评估结果'!${first}$1:${last}${n + 1}"
    assert ws.print_options.gridLines is True
    # the profile in words, not its id
    assert {r[col["配置"]].value for r in rows} == {"台州市黄岩区亩均效益评价（2021、2022 年度基准值）"}
    flat = check_notes(wb["说明"])
    assert "273 家：A 类 50 家，B 类 151 家，C 类 38 家，D 类 14 家，未分类 20 家" in flat
    assert "本县尚未公布 2025 年度基准值，暂按 2022 年度基准值估算（254 家）" in flat
    assert f"打印时只印“统一社会信用代码”到“{RESULT_HEADERS[RESULTS_PRINTED[1]]}”各列" in flat


def indicator_units() -> dict[str, str]:
    """Results-workbook columns that hold an indicator's value or benchmark → its unit, with
    the unit in the header (replaces ``tests/test_wording.py::indicator_units``)."""
    out = {}
    for cohort, ids in COHORT_INDICATORS.items():
        for i in ids:
            unit = BY_KEY[f"mujun.{cohort}.{i}.benchmark"].unit
            shown = "%" if unit == RATIO else unit
            out |= {f"{INDICATOR_NAMES[i]}（{shown}）": unit,
                    f"{INDICATOR_NAMES[i]}基准值（{shown}）": unit}
    assert set(out) <= set(RESULT_HEADERS) and RATIO in out.values()
    return out


@pytest.fixture(scope="module", params=DATES, ids=lambda d: d.isoformat())
def dated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[list[EnterpriseResult], Path]:
    tmp = tmp_path_factory.mktemp(f"words-{request.param.isoformat()}")
    results: list[EnterpriseResult] = []
    pipeline.run(SAMPLE, PROFILE, request.param, store=None, xlsx_out=tmp / "r.xlsx",
                 on_result=results.append)
    return results, tmp / "r.xlsx"


def test_results_workbook_words(dated: tuple[list[EnterpriseResult], Path]) -> None:
    """Every text cell of the results workbook reads in words (the checker of
    tests/test_wording.py); an indicator's number stays a number, its unit in the header and
    a ratio shown as a percentage (replaces ``tests/test_wording.py::test_results_workbook``,
    whose headers carried no unit)."""
    results, path = dated
    report = Report(code_catalogue({n.id for r in results for t in trees(r) for n in t.walk()}))
    units = indicator_units()
    wb = load_workbook(path, read_only=True)
    rows = wb.worksheets[0].iter_rows()
    heads = [c.value for c in next(rows)]
    bare, numbers = [], 0
    for row in rows:
        report.check("workbook", (c.value for c in row if isinstance(c.value, str)))
        for h, c in zip(heads, row):
            if h in units and isinstance(c.value, (int, float)):
                numbers += 1
                if ("%" in c.number_format) != (units[h] == RATIO):
                    bare.append(f"{h} = {c.value} ({c.number_format})")
    wb.close()
    report.assert_clean()
    assert numbers > 2000 and not bare, bare[:5]


def test_exports_keep_formula_like_text_as_text(tmp_path: Path) -> None:
    """(replaces ``tests/test_pipeline.py::test_exports_keep_formula_like_text_as_text``, which
    looked the benchmark column up by its header without the unit)."""
    src = park(tmp_path / "p.xlsx", 3, names={0: "=1+1", 1: "@SUM(A1)", 2: "-甲<公司>&乙"})
    xlsx = tmp_path / "r.xlsx"
    assert main(["assess", str(src), "--no-store", "--as-of", "2026-11-22", "--xlsx",
                 str(xlsx)]) == 0
    ws = load_workbook(xlsx).active
    heads = head(ws)
    col = heads.index("企业名称")
    cells = [row[col] for row in ws.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["=1+1", "@SUM(A1)", "-甲<公司>&乙"]
    assert {c.data_type for c in cells} == {"s"}
    assert ws.cell(2, heads.index("配置哈希") + 1).value == PROFILE.sha256
    assert ws.cell(2, heads.index("亩均税收基准值（万元/亩）") + 1).value == 24.097


def test_streamed_rows_keep_their_own_values_and_styles(tmp_path: Path) -> None:
    """Rows past the held-back sample stream through one styled cell per column (and per
    class): each row must still get its own value, format, fill and text-ness, however its
    neighbours differ (a blank, a formula-like text, another class)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    t = Table(wb, "t", ["code", "n", "pct", "class", "说明（每行一句，列宽够放下）"], formats={1: MONEY, 2: PERCENT},
              text=[0], class_col=3, wrap=[4], sample=2)
    rows = [[91330000 + i, None if i % 3 == 0 else i * 1.5, i / 100, "ABCD"[i % 4] if i % 5 else
             "未分类", "=SUM(A1)" if i == 7 else f"第 {i} 行"] for i in range(12)]
    for r in rows:
        t.append(list(r))
    t.close()
    wb.save(tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").worksheets[0]
    got = list(ws.iter_rows(min_row=2))
    assert len(got) == 12
    for r, cells in zip(rows, got):
        code, n, pct, klass, note = cells
        assert (code.value, code.number_format) == (str(r[0]), TEXT)
        assert n.value == r[1] and (n.number_format == MONEY or r[1] is None)
        assert (pct.value, pct.number_format) == (r[2], PERCENT)
        assert klass.value == r[3]
        want = CLASS_FILLS.get(r[3])
        assert klass.fill.fgColor.rgb == (want.fgColor.rgb if want else "00000000"), r
        assert (note.value, note.data_type) == (r[4], "s")
        assert note.alignment.wrap_text


def test_the_fast_row_builder_writes_what_openpyxl_writes(tmp_path: Path, monkeypatch) -> None:
    """``export.fast_rows`` replaces openpyxl's row builder for speed: the sheet written is
    byte for byte the one openpyxl's own builder writes (dates, booleans, formula-like text,
    blanks, styled and class cells, rows held back and streamed)."""
    import zipfile
    from datetime import datetime

    from openpyxl import Workbook

    from forms.excel import export

    rows = [[f"9133{i:014d}", i * 1.25 if i % 4 else None, i % 2 == 0, "ABCD"[i % 4],
             date(2024, 1, 1 + i % 28), datetime(2024, 5, 1, 8, i % 60),
             "=1+1" if i == 9 else f"说明 {i}", i] for i in range(40)]

    def write(path: Path) -> bytes:
        wb = Workbook(write_only=True)
        t = Table(wb, "t", ["代码", "金额（万元）", "是否", "分类", "日期", "时间", "说明", "序号"],
                  formats={1: MONEY}, text=[0], class_col=3, wrap=[6], center=[7], sample=5)
        for r in rows:
            t.append(list(r))
        t.close()
        wb.save(path)
        with zipfile.ZipFile(path) as z:
            return z.read("xl/worksheets/sheet1.xml")

    fast = write(tmp_path / "fast.xlsx")
    monkeypatch.setattr(export, "fast_rows", lambda ws: ws)
    assert fast == write(tmp_path / "openpyxl.xlsx")
    assert b"=1+1" in fast and b'<f>' not in fast


def test_stored_results_workbook_cites_the_profile_it_is_given(tmp_path: Path) -> None:
    """The desktop's path (results read back from the store): same sheet, same 说明."""
    from forms.excel.export import write_stored_results
    from forms.store import Store

    store = Store(tmp_path / "m.db")
    try:
        outcome = pipeline.run(park(tmp_path / "p.xlsx", 12), PROFILE, AS_OF, store=store)
        keys = [(r.checked.values["credit_code"], r.checked.values["year"], r.sheet, r.row)
                for r in outcome.imported.valid]
        out = write_stored_results(tmp_path / "s.xlsx", store, PROFILE.identity(), keys,
                                   loaded=PROFILE)
    finally:
        store.close()
    wb = load_workbook(out)
    ws = wb["评估结果"]
    assert ws.max_row == 13 and ws.freeze_panes == "E2" and ws.auto_filter.ref.endswith("13")
    assert [ws.cell(r, 3).value for r in range(2, 14)] == [k[0] for k in keys]
    check_notes(wb["说明"], year=2024)


# ----------------------------------------------------------------------------- view export


def test_view_export_formats_by_header(tmp_path: Path) -> None:
    heads = ["企业名称", "统一社会信用代码", "县（市、区）", "分组", "得分", "分类", "排名", "用地（亩）",
             "实缴税金（万元）", "亩均税收（万元/亩）", "R&D经费占比（%）", "梯度培育"]
    rows = [["甲有限公司", "91331004MA0000015X", "黄岩区", "规上企业", 114.0743, "A", 1, 30.5,
             12345.678, 404.76, 0.041332, "创新型中小企业"],
            ["=HYPERLINK(1)", "91331004MA00000239", "路桥区", "规上企业", 52.1, "D", 2, 8.0,
             "未知", "未知", "—", ""]]
    out = write_table(tmp_path / "v.xlsx", "结果一览", heads, iter(rows),
                      notes=Notes(PROFILE, [2025], AS_OF))
    wb = load_workbook(out)
    assert wb.sheetnames == ["结果一览", "说明"]
    ws = wb["结果一览"]
    assert head(ws) == heads and ws.max_row == 3
    fmt = {h: ws.cell(2, i + 1).number_format for i, h in enumerate(heads)}
    assert fmt["统一社会信用代码"] == TEXT and fmt["得分"] == POINTS
    assert fmt["用地（亩）"] == fmt["实缴税金（万元）"] == fmt["亩均税收（万元/亩）"] == MONEY
    assert fmt["R&D经费占比（%）"] == PERCENT and fmt["排名"] == "General"
    assert ws.cell(2, 6).fill.fgColor.rgb[-6:] == "D5F0DC" and ws.cell(3, 6).fill.fgColor.rgb[-6:] \
        == "F9D3D0"
    assert ws.cell(3, 1).value == "=HYPERLINK(1)" and ws.cell(3, 1).data_type == "s"
    assert ws.cell(3, 9).value == "未知"  # unknown stays words, never 0
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:L3"
    check_print(ws)
    assert ws.column_dimensions["A"].width == text_width("=HYPERLINK(1)") + 2
    check_notes(wb["说明"])
    # without notes (an older caller): still a 说明 with the disclaimer, no profile named
    plain = write_table(tmp_path / "p.xlsx", "结果一览", heads, rows)
    assert "评价配置" not in check_notes(load_workbook(plain)["说明"], profile=False)


def test_results_page_export_keeps_working(tmp_path: Path, qtbot, monkeypatch) -> None:
    """The results page's 导出当前视图 (unchanged caller) gets the formats and the 说明 sheet."""
    from desktop.context import AppContext
    from desktop.mainwindow import MainWindow
    from desktop.settings import Settings

    monkeypatch.setenv("MUJUN_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow(AppContext(Settings(as_of="2025-06-30")))
    qtbot.addWidget(win)
    win.show()
    imp = win.pages["import"]
    imp.open_file(park(tmp_path / "park.xlsx", 30))
    qtbot.waitUntil(lambda: not imp.progress.busy, timeout=60_000)
    imp.commit()
    qtbot.waitUntil(lambda: not imp.progress.busy, timeout=60_000)
    page = win.pages["results"]
    win.show_page("results")
    out = tmp_path / "view.xlsx"
    page.export_to(out)
    qtbot.waitUntil(lambda: not page.progress.busy, timeout=60_000)
    wb = load_workbook(out)
    ws = wb.active
    heads = head(ws)
    assert ws.max_row == 31 and heads[:2] == ["企业名称", "统一社会信用代码"]
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref.endswith("31")
    assert {ws.cell(r, 2).number_format for r in range(2, 32)} == {TEXT}
    score = heads.index("得分") + 1
    assert ws.cell(2, score).number_format == POINTS
    klass = heads.index("分类") + 1
    assert any(ws.cell(r, klass).fill.fill_type == "solid" for r in range(2, 32))
    check_print(ws)
    assert "说明" in wb.sheetnames and DISCLAIMER in notes_text(wb["说明"]).replace("\n", "")
    win.ctx.close()


# ----------------------------------------------------------------------------- error report


def test_error_report_reads_prints_and_lists_the_problems(sample: Sample) -> None:
    wb = load_workbook(sample.errors)
    assert wb.sheetnames == ["企业数据", "新上项目", "说明"]
    ws = wb["企业数据"]
    heads = head(ws)
    assert heads[:4] == ["错误说明", "原行号", "企业名称", "统一社会信用代码"]
    assert ws.max_row == 18 and ws.freeze_panes == "D2"  # reasons, row and name stay in view
    assert ws.auto_filter.ref == f"A1:{letter_of(ws, len(heads) - 1)}18"
    check_print(ws)
    assert ws.cell(1, 1).fill.fgColor.rgb[-6:] == "FFC7CE"
    assert all(ws.cell(r, 4).number_format == TEXT for r in range(2, 19))
    assert ws.column_dimensions["A"].width == MAX_WIDTH  # the reasons wrap …
    long_reason = next(r for r in range(2, 19) if "\n" in ws.cell(r, 1).value)
    assert ws.row_dimensions[long_reason].height >= 30  # … in a row tall enough to show them
    flat = check_notes(wb["说明"], profile=False)
    for row in sample.imported.invalid:
        assert f"第 {row.row} 行" in flat
    assert "问题清单" in flat and "sample-park.xlsx" in flat


def test_error_report_round_trips_through_the_importer(sample: Sample) -> None:
    """The error report read back (dry run) holds the same rows with the same problems, but
    for two, by design: a duplicate of a valid row is no longer a duplicate (the valid row is
    not in the report), and a formula without a computed value is shown as its text (so it is
    now text that is not a number). The 说明 sheet is not read as data."""
    def problems(r: Any) -> list[tuple[str, str]]:
        return sorted((e.column, e.message) for e in r.checked.errors)

    original = {(r.sheet, r.row): problems(r) for r in sample.imported.invalid}
    back = dry_run(sample.errors)
    info = {s.name: s for s in back.sheets}
    assert info["说明"].kind is None and "没有找到" in info["说明"].why_not
    assert info["企业数据"].kind == "enterprise" and info["新上项目"].kind == "project"
    rows = [*back.enterprises, *back.projects]
    assert len(rows) == len(original) == 19
    order: dict[str, list[tuple[str, int]]] = {}
    for k in sorted(original):
        order.setdefault(k[0], []).append(k)
    same, differ = 0, {}
    for r in rows:
        key = order[r.sheet][r.row - 2]  # the report keeps the rows in order under one header
        assert r.ok or r.cells[1] == key[1]  # 原行号
        if r.ok or problems(r) != original[key]:
            differ[key] = (original[key], problems(r))
        else:
            same += 1
    assert same == 17 and len(differ) == 2, differ
    dup = next(k for k, (was, _) in differ.items() if "重复" in was[0][1])
    assert differ[dup][1] == []  # valid alone
    formula = next(k for k, (was, _) in differ.items() if "公式没有计算结果" in was[0][1])
    (column, message), = differ[formula][1]
    assert column == original[formula][0][0] and message.startswith("“=") and "不是数字" in message


# ----------------------------------------------------------------------------- 公示


def test_notice_workbook_lists_names_and_classes_only(sample: Sample, tmp_path: Path) -> None:
    out = write_notice_workbook(sample.results, tmp_path / "gs.xlsx", 2025, profile=PROFILE,
                                as_of=AS_OF, scope="示例园区", issuer="示例园区管委会")
    wb = load_workbook(out)
    assert wb.sheetnames == ["规上企业", "规下企业", "说明"]
    names = class_names(PROFILE)
    assert names["A"] == "优先发展类" and names["D"] == "倒逼整治类"
    listed = 0
    for sheet, cohort in (("规上企业", ABOVE), ("规下企业", BELOW)):
        ws = wb[sheet]
        assert "示例园区2025 年度" in ws["A1"].value.replace("\n", "")
        assert ws["A2"].value.startswith("排名不分先后")
        assert head(ws, 3) == ["序号", "企业名称", "评价类别", "类别名称"]
        want = sorted(((r.mujun["class"], r.record.name) for r in sample.results
                       if r.mujun["cohort"] == cohort and r.mujun["class"]),
                      key=lambda x: ("ABCD".index(x[0]), x[1]))
        rows = list(ws.iter_rows(min_row=4, max_row=3 + len(want), values_only=True))
        assert [(k, n) for _, n, k, _ in rows] == [(k, n) for k, n in want]
        assert [i for i, *_ in rows] == list(range(1, len(want) + 1))
        assert all(v == names[k] for *_, k, v in rows)
        counts = "，".join(f"{c} 类 {sum(1 for k, _ in want if k == c)} 家" for c in "ABCD")
        assert counts.replace(" ", "") in re.sub(r"\s", "", ws["A2"].value)
        # never a score or a rank: the only numbers are the 序号
        numbers = [v for row in ws.iter_rows(min_row=4, values_only=True) for v in row[1:]
                   if isinstance(v, (int, float))]
        assert numbers == []
        assert ws.cell(4, 3).fill.fgColor.rgb[-6:] == "D5F0DC"
        assert ws.freeze_panes == "C4" and ws.auto_filter.ref == f"A3:D{3 + len(want)}"
        check_print(ws, head_row=3, landscape=False)
        assert "示例园区管委会" in ws.cell(4 + len(want), 1).value.replace("\n", "")
        listed += len(want)
    flat = check_notes(wb["说明"])
    assert f"未列入{273 - listed} 家" in flat.replace("\n", "") and listed == 253
    # another data year's firms are left out
    empty = write_notice_workbook(sample.results, tmp_path / "g2.xlsx", 2024, profile=PROFILE)
    assert load_workbook(empty)["规上企业"].max_row <= 4


# ----------------------------------------------------------------------------- 一企一单


def test_confirmation_workbook_one_page_per_firm(sample: Sample, tmp_path: Path) -> None:
    above = next(r for r in sample.results if r.mujun["cohort"] == ABOVE and r.record.projects)
    below = next(r for r in sample.results if r.mujun["cohort"] == BELOW)
    # no R&D, no digital score (未填报, or named as blank), an unnamed firm
    gaps = SimpleNamespace(record=above.record.replace(rd_expense=None, digital_score=None,
                                                       name=None), mujun=above.mujun)
    firms = [above, below, gaps]
    out = write_confirmation_workbook(firms, tmp_path / "qr.xlsx", profile=PROFILE, as_of=AS_OF,
                                      scope="示例园区", issuer="示例园区管委会",
                                      deadline="2026 年 4 月 15 日")
    wb = load_workbook(out)
    assert wb.sheetnames == ["回收登记", "确认单", "说明"]
    log = wb["回收登记"]
    assert [log.cell(r, 2).value for r in range(2, 5)] == [above.record.name, below.record.name,
                                                           None]
    assert all(log.cell(r, 3).number_format == TEXT for r in range(2, 5))
    assert log.freeze_panes == "C2" and log.auto_filter.ref == "A1:H4"
    assert log.column_dimensions["H"].width >= 24  # room to write by hand
    check_print(log)
    ws = wb["确认单"]
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.fitToWidth == 1
    assert len(ws.row_breaks.brk) == 2  # a page each
    cells = list(ws.iter_rows())
    starts = [i for i, row in enumerate(cells) if isinstance(row[0].value, str)
              and row[0].value.startswith("示例园区亩均效益评价数据确认单（2025 年度）")]
    assert len(starts) == 3 and [b.id for b in ws.row_breaks.brk] == [s for s in starts[1:]]
    for n, (firm, at) in enumerate(zip(firms, starts)):
        block = cells[at:starts[n + 1] if n + 1 < len(starts) else len(cells)]
        text = "\n".join(str(c.value) for row in block for c in row if c.value is not None)
        flat = text.replace("\n", "")
        assert f"企业名称：{firm.record.name or '（未填企业名称）'}" in flat
        assert f"统一社会信用代码：{firm.record.credit_code}" in flat
        hrow = next(i for i, row in enumerate(block) if row[0].value == "数据项")
        assert tuple(c.value for c in block[hrow][:10]) == CONFIRM_HEADS
        groups, blank = confirmation_rows(firm.record)
        got: list[tuple[str, Any, Any, Any]] = []  # (item, unit, value, 确认) in order
        for row in block[hrow + 1:]:
            for k in (0, 5):
                if row[k].value and row[k + 1].value and row[k].fill.fill_type != "solid":
                    got.append((row[k].value.replace("\n", ""), row[k + 1], row[k + 2],
                                row[k + 3]))
        expected = [(f, value) for _, items in groups for f, value in items]
        assert len(got) == len(expected)
        for (item, unit, shown, tick), (f, value) in zip(got, expected):
            assert item == (f.label.replace(f"（{f.unit}）", "") if f.unit else f.label)
            assert unit.value == (f.unit or "—") and tick.value is None
            if value is None:
                assert shown.value == "未填报"
            elif f.unit == "万元":
                assert shown.value == pytest.approx(value) and shown.number_format == MONEY
        assert all(name in text for name, _ in groups)
        labels = {f.id for _, items in groups for f, _ in items}
        assert {"name", "credit_code", "land_mu", "tax", "value_added", "energy_equal_tce",
                "industry_code"} <= labels  # 亩均 and rectification figures, always
        if firm is gaps:
            assert "数字化水平评测得分" in flat  # now blank: named under the table
        if firm is above:
            assert "新上项目 1" in text
        assert not [b for b in blank if b not in flat]
        assert "企业负责人（签字）" in flat and "企业（盖章）" in flat and "示例园区管委会经办人（签字）" in flat
        assert "2026 年 4 月 15 日" in flat and "更正为" in flat
    rd = next(row for row in cells[starts[2]:] for k in (0, 5) if row[k].value == "研发费用")
    k = 0 if rd[0].value == "研发费用" else 5
    assert rd[k + 2].value == "未填报"
    check_notes(wb["说明"])


def test_confirmation_needs_the_figures() -> None:
    stored_like = SimpleNamespace(record=SimpleNamespace(name="甲", credit_code="x"),
                                  mujun={"cohort": ABOVE, "class": "A"})
    with pytest.raises(TypeError, match="Store.record"):
        write_confirmation_workbook([stored_like], Path("/nonexistent/x.xlsx"))

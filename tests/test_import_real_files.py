"""Real-shaped park files (tests/park_files.py): every value read right, or the user told what
was not used and why (issue 11, SPEC §7.1). Values are asserted, not only counts."""

from __future__ import annotations

import math
import zipfile
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from desktop.cli import main
from forms import pipeline
from forms.excel.export import write_error_report
from forms.headers import CONFLICT, MAPPED, REFUSED, normalise_header
from forms.import_report import report_json, report_lines
from forms.importer import ImportResult, dry_run
from forms.store import Store
from rules.measures import _LOOKUP, conversion, parse_unit
from rules.profile import load
from tests import park_files as pf
from tests.conftest import credit_code


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[pf.ParkFile]]:
    folder = tmp_path_factory.mktemp("parks")
    return {k: (v if isinstance(v, list) else [v]) for k, v in pf.build_all(folder).items()}


def _all(files) -> list[pf.ParkFile]:
    return [f for fs in files.values() for f in fs]


def _by_name(imp: ImportResult) -> dict[str, dict]:
    return {r.checked.values.get("name"): r.checked.values for r in imp.enterprises}


def _same(got, want) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        return got is not None and math.isclose(got, want, rel_tol=1e-9)
    return got == want


CASES = ["units_yuan_sqm", "units_line_above", "units_line_above_short", "unit_row_below",
         "two_row_header", "two_row_header_units_group", "real_names", "real_names_nashui",
         "real_names_ruku", "year_tagged", "hidden_prev_column", "merged_data_cells",
         "non_firm_rows", "formats", "spellings", "hidden_rows_and_sheets"]


@pytest.mark.parametrize("case", CASES)
def test_every_stated_value_is_read_in_catalogue_units(files, case: str) -> None:
    for f in files[case]:
        got = _by_name(dry_run(f.path))
        for firm, values in f.values.items():
            assert firm in got, (f.path.name, firm)
            for fid, want in values.items():
                assert _same(got[firm].get(fid), want), (f.path.name, firm, fid, got[firm].get(fid))


def test_units_are_converted_and_said(files) -> None:
    f = files["units_yuan_sqm"][0]
    imp = dry_run(f.path)
    text = "\n".join(report_lines(imp))
    assert "元 → 万元，÷10 000" in text and "平方米 → 亩" in text and "千瓦时 → 万千瓦时，÷10 000" in text
    assert "千元 → 万元，÷10" in text and "千克 → 吨，÷1 000" in text
    firm = next(iter(f.values))
    tax_col = next(c for s in imp.sheets for c in s.columns if c.field == "tax")
    assert tax_col.conversion is not None and tax_col.conversion.factor == Fraction(1, 10000)
    assert _by_name(imp)[firm]["tax"] == f.values[firm]["tax"]
    line = dry_run(files["units_line_above"][0].path)
    assert any("单位说明" in n for s in line.sheets for n in s.notes)
    assert "（单位见单位说明行）" in "\n".join(report_lines(line))


def _one_firm(path: Path, figures: dict[str, object]) -> Path:
    """A sheet of one firm: name, code and year, then ``figures`` under their headers."""
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "数据年度", *figures])
    wb.active.append(["甲", credit_code(1), 2024, *figures.values()])
    wb.save(path)
    return path


def test_a_unit_of_the_wrong_kind_refuses_the_column(tmp_path: Path) -> None:
    imp = dry_run(_one_firm(tmp_path / "bad-unit.xlsx", {"实缴税金（平方米）": 12,
                                                          "综合能耗（吨标准煤）": 800}))
    cols = {c.text: c for c in imp.sheets[0].columns}
    assert cols["实缴税金（平方米）"].status == REFUSED
    assert "不能换算" in cols["实缴税金（平方米）"].reason
    assert cols["综合能耗（吨标准煤）"].status == REFUSED  # the basis is never guessed
    assert "等价值还是当量值" in cols["综合能耗（吨标准煤）"].reason
    values = imp.valid[0].checked.values
    assert "tax" not in values and "energy_equal_tce" not in values
    assert "2 列数据未导入" in "\n".join(report_lines(imp))


def test_a_header_without_its_unit_says_which_unit_was_assumed(tmp_path: Path) -> None:
    path = _one_firm(tmp_path / "no-unit.xlsx", {"实缴税金": 12, "营业收入（元）": 4_203_518.36})
    text = "\n".join(report_lines(dry_run(path)))
    assert "D 列“实缴税金” → 实缴税金，表头未注明单位，按“万元”读取" in text
    assert "E 列“营业收入（元）” → 营业收入，元 → 万元，÷10 000" in text


def test_a_unit_sharing_its_bracket_is_read_and_one_that_cannot_be_read_refuses(
        tmp_path: Path) -> None:
    """“（元，2024年）” was read as 万元 with 表头未注明单位 — 10,000 times the figure."""
    path = _one_firm(tmp_path / "brackets.xlsx", {
        "实缴税金（元，2024年）": 800_000, "工业增加值（现价，元）": 9_000_000,
        "营业收入（元/年）": 30_000_000, "研发费用（万元，含委托研发）": 50})
    imp = dry_run(path)
    values = imp.valid[0].checked.values
    assert (values["tax"], values["value_added"], values["rd_expense"]) == (80.0, 900.0, 50.0)
    assert "revenue" not in values
    cols = {c.text: c for c in imp.sheets[0].columns}
    assert cols["实缴税金（元，2024年）"].year == 2024
    assert cols["营业收入（元/年）"].status == REFUSED
    assert cols["营业收入（元/年）"].reason == "不认识表头中的单位“元/年”"


def test_a_unit_row_with_marks_for_no_unit_is_read(tmp_path: Path) -> None:
    """``计量单位 | — | — | — | 平方米 | 元`` was not taken for a unit row: 8,000 平方米 were
    read as 8,000 亩 and 800,000 元 as 800,000 万元, and the unit row was a rejected firm."""
    path = tmp_path / "unit-row.xlsx"
    wb = Workbook()
    for row in (["序号", "企业名称", "统一社会信用代码", "数据年度", "用地面积", "实缴税金"],
                ["计量单位", "—", "—", "/", "平方米", "元"],
                [1, "甲", credit_code(1), 2024, 8000, 800_000]):
        wb.active.append(row)
    wb.save(path)
    imp = dry_run(path)
    assert not imp.invalid
    assert imp.valid[0].checked.values["land_mu"] == 12.0
    assert imp.valid[0].checked.values["tax"] == 80.0


def test_a_unit_row_that_contradicts_the_header_refuses_the_column(tmp_path: Path) -> None:
    path = tmp_path / "contradiction.xlsx"
    wb = Workbook()
    for row in (["企业名称", "统一社会信用代码", "数据年度", "用地面积（亩）", "实缴税金（万元）"],
                [None, None, None, "平方米", "万元"], ["甲", credit_code(1), 2024, 8000, 80]):
        wb.active.append(row)
    wb.save(path)
    imp = dry_run(path)
    cols = {c.text: c for c in imp.sheets[0].columns}
    assert cols["用地面积（亩）"].status == REFUSED
    assert cols["用地面积（亩）"].reason == ("表头写单位“亩”，单位行写“平方米”，两者不一致：请核对这一列的"
                                       "单位，改正其中一处后再导入")
    assert "land_mu" not in imp.valid[0].checked.values
    assert imp.valid[0].checked.values["tax"] == 80.0  # the same unit twice is no conflict


def test_a_number_with_a_unit_word_names_the_unit_its_column_is_read_in(tmp_path: Path) -> None:
    """Not the catalogue's unit: a column headed in 元 is read in 元; one without a unit in the
    unit the report says it assumed."""
    path = _one_firm(tmp_path / "unit-words.xlsx", {"实缴税金": "12万元", "营业收入（元）": "5000元"})
    reasons = {e.column: e.message for e in dry_run(path).invalid[0].checked.errors}
    assert reasons == {"实缴税金": "“12万元”带有文字或单位“万元”：请只填数字，按“万元”计",
                       "营业收入（元）": "“5000元”带有文字或单位“元”：请只填数字，按“元”计"}


def test_no_column_of_any_test_file_passes_without_a_word(files) -> None:
    """Every non-empty header cell of every sheet read is in the report: mapped to a field,
    or not used with a reason."""
    for f in _all(files):
        imp = dry_run(f.path)
        for s in imp.sheets:
            if s.kind is None:
                assert s.why_not, (f.path.name, s.name)
                continue
            assert s.columns, (f.path.name, s.name)
            for c in s.columns:
                assert (c.status == MAPPED and c.field) or c.reason, (f.path.name, c.text)
            described = {c.index for c in s.columns}
            wb_cols = _label_columns(f.path, s)
            assert wb_cols <= described, (f.path.name, s.name, wb_cols - described)
        assert report_json(imp)["lines"]


def _label_columns(path: Path, s) -> set[int]:
    """The columns whose label row has text, read independently (openpyxl) for .xlsx."""
    if path.suffix != ".xlsx" or s.header_row is None:
        return set()
    try:
        ws = load_workbook(path)[s.name]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):  # a real .xls named .xlsx
        return set()
    first = ws.min_column - 1
    return {c.column - 1 - first for c in ws[s.header_row] if c.value not in (None, "")}


def test_year_tag_picks_the_rows_year_and_last_year_is_not_used(files) -> None:
    f = files["year_tagged"][0]
    imp = dry_run(f.path)
    cols = {c.text: c for c in imp.sheets[0].columns}
    assert cols["实缴税金（2024年）"].year == 2024 and cols["实缴税金（2023年）"].year == 2023
    assert "上年" in cols["工业增加值（上年）"].reason
    for firm, values in f.values.items():
        assert _by_name(imp)[firm]["tax"] == values["tax"]


def test_hidden_duplicate_loses_to_the_visible_column(files) -> None:
    imp = dry_run(files["hidden_prev_column"][0].path)
    hidden = [c for c in imp.sheets[0].columns if c.hidden and c.field is not None]
    assert hidden and all("使用可见的列" in c.reason for c in hidden)


def test_two_plain_columns_for_one_field_are_a_conflict_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "数据年度", "实缴税金", "税收总额"])
    wb.active.append(["甲", credit_code(1), 2024, 12, 13])
    wb.save(path)
    imp = dry_run(path)
    cols = {c.letter: c for c in imp.sheets[0].columns}
    assert cols["D"].status == cols["E"].status == CONFLICT
    assert "E 列“税收总额”" in cols["D"].reason and "D 列“实缴税金”" in cols["E"].reason
    assert "tax" not in imp.valid[0].checked.values


def test_merged_data_cells_fill_every_row_with_a_notice(files) -> None:
    f = files["merged_data_cells"][0]
    imp = dry_run(f.path)
    got = _by_name(imp)
    for firm, values in f.values.items():
        assert got[firm].get("county") == values.get("county")
    assert any("合并单元格" in n for n in imp.sheets[0].notes)


def test_non_firm_rows_are_skipped_and_listed_not_errors(files) -> None:
    f = files["non_firm_rows"][0]
    imp = dry_run(f.path)
    listed = {r for s in imp.sheets for r, _, _ in s.non_firm}
    header_rows = {s.header_row for s in imp.sheets} | {
        n for s in imp.sheets for n in range(1, 30) if f"第 {n} 行是单位行" in " ".join(s.notes)}
    assert set(f.skipped) <= listed | header_rows
    assert not imp.invalid
    assert "跳过 9 行非企业行" in "\n".join(report_lines(imp))


def test_hidden_rows_reported_and_hidden_sheet_not_imported_unless_asked(files) -> None:
    f = files["hidden_rows_and_sheets"][0]
    imp = dry_run(f.path)
    assert sorted(r for s in imp.sheets for r in s.hidden_rows) == sorted(f.hidden_rows)
    hidden = next(s for s in imp.sheets if s.hidden)
    assert hidden.kind is None and "默认不导入" in hidden.why_not
    assert {r.sheet for r in imp.enterprises} == {"2024年数据"}
    both = dry_run(f.path, include_hidden_sheets=True)
    assert {r.sheet for r in both.enterprises} == {"2023年数据", "2024年数据"}


def test_spellings_and_their_notices(files) -> None:
    f = files["spellings"][0]
    imp = dry_run(f.path)
    notices = " ".join(m for s in imp.sheets for (_, m) in s.notices)
    for words in ("年份写作“2024年”", "百分比格式", "零宽空格", "单引号", "按空白（未填报）读取"):
        assert words in notices, words
    bad = [e.message for r in imp.invalid for e in r.checked.errors]
    assert any("科学计数法" in m for m in bad)


def test_formats_by_content_say_so(files) -> None:
    notes = {f.path.name: dry_run(f.path).file_notes for f in files["formats"]}
    said = " ".join(n for ns in notes.values() for n in ns)
    assert "网页表格" in said and "XML 表格" in said and "内容实际是" in said


def test_industry_code_checked_against_the_classification(tmp_path: Path) -> None:
    path = tmp_path / "ind.xlsx"
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "数据年度", "行业代码"])
    wb.active.append(["甲", credit_code(1), 2024, "6100"])
    wb.active.append(["乙", credit_code(2), 2024, "3311"])
    wb.save(path)
    rows = dry_run(path).enterprises
    assert not rows[0].ok and "GB/T 4754-2017" in rows[0].checked.errors[0].message
    assert rows[1].ok and rows[1].checked.values["industry_code"] == "3311"


def test_a_units_mistake_no_header_shows_is_a_warning_naming_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "scale.xlsx"
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "数据年度", "实际用地面积（亩）", "实缴税金（万元）"])
    wb.active.append(["甲", credit_code(1), 2024, 37555, 4200000])  # m² and 元 under 亩/万元
    wb.save(path)
    row = dry_run(path).valid[0]
    warned = {(w.column, "请核对这一列的单位" in w.message) for w in row.checked.warnings}
    assert ("实际用地面积（亩）", True) in warned and ("实缴税金（万元）", True) in warned


# ----------------------------------------------------------------------------- re-import

def _park(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "数据年度", "实际用地面积（亩）", "实缴税金（万元）",
                      "是否规上工业企业", "国民经济行业代码"])
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_reimport_under_another_name_is_a_conflict_not_an_overwrite(tmp_path: Path) -> None:
    profile, today = load("huangyan-2022"), date(2025, 6, 30)
    db = tmp_path / "m.sqlite3"
    first = _park(tmp_path / "a.xlsx", [["甲厂", credit_code(1), 2024, 10, 50, "否", "3311"],
                                        ["乙厂", credit_code(2), 2024, 12, 40, "否", "3311"]])
    store = Store(db)
    try:
        pipeline.run(first, profile, today, store=store)
        fixed = _park(tmp_path / "b.xlsx", [["丙厂", credit_code(2), 2024, 12, 45, "否", "3311"]])
        with pytest.raises(pipeline.RenameConflict) as e:
            pipeline.run(fixed, profile, today, store=store)
        assert e.value.conflicts == [(credit_code(2), 2024, "乙厂", "丙厂")]
        assert store.record(credit_code(2), 2024).name == "乙厂"
        assert store.record(credit_code(2), 2024).tax == 40
    finally:
        store.close()
    assert main(["assess", str(fixed), "--db", str(db)]) == 2
    assert main(["assess", str(fixed), "--db", str(db), "--accept-renames"]) == 0
    store = Store(db)
    try:
        assert store.record(credit_code(2), 2024).name == "丙厂"
    finally:
        store.close()


def test_project_rows_attach_to_a_stored_firm(tmp_path: Path) -> None:
    profile, today = load("huangyan-2022"), date(2025, 6, 30)
    db = tmp_path / "m.sqlite3"
    store = Store(db)
    pipeline.run(_park(tmp_path / "a.xlsx", [["甲厂", credit_code(1), 2024, 10, 50, "否", "3311"]]),
                 profile, today, store=store)
    path = tmp_path / "p.xlsx"
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "数据年度", "实际用地面积（亩）"])
    wb.active.append(["丁厂", credit_code(3), 2024, 8])
    ws = wb.create_sheet("新上项目")
    ws.append(["统一社会信用代码", "数据年度", "新上项目名称", "达产年工业增加值", "项目年综合能耗（等价值）"])
    ws.append([credit_code(1), 2024, "新产线", 1000, 400])
    wb.save(path)
    try:
        imp = dry_run(path, stored=store.stored_keys)
        assert [p.ok for p in imp.projects] == [True] and imp.projects[0].stored_firm
        pipeline.run(path, profile, today, store=store, imported=imp)
        rec = store.record(credit_code(1), 2024)
        assert [p.project_name for p in rec.projects] == ["新产线"] and rec.tax == 50
    finally:
        store.close()


def test_error_report_keeps_units_and_reimports_without_repeating_columns(files, tmp_path) -> None:
    f = files["units_line_above"][0]
    wb = load_workbook(f.path)
    ws = wb.active
    first_data = next(r for r in range(1, 20) if ws.cell(r, 2).value in f.values)
    ws.cell(first_data, 3).value = "913310039"  # 9 characters, not 18: this firm is rejected
    src = tmp_path / "broken.xlsx"
    wb.save(src)
    imp = dry_run(src)
    assert len(imp.invalid) == 1
    report = write_error_report(tmp_path / "err.xlsx", imp)
    head = [c.value for c in load_workbook(report).active[1]]
    assert head[:2] == ["错误说明", "原行号"]
    assert "实缴税金（元）" in head  # the unit came from the 单位 line above the table
    fixed = load_workbook(report)
    ws2 = fixed.active
    firm = ws2.cell(2, head.index("企业名称") + 1).value
    ws2.cell(2, head.index("统一社会信用代码") + 1).value = f.values[firm]["credit_code"]
    again = tmp_path / "err-fixed.xlsx"
    fixed.save(again)
    back = dry_run(again)
    assert back.valid and not back.invalid
    got = back.valid[0].checked.values
    assert math.isclose(got["tax"], f.values[firm]["tax"], rel_tol=1e-9)
    own = [c for c in back.sheets[0].columns if normalise_header(c.text) in ("错误说明", "原行号")]
    assert len(own) == 2 and all(c.status != MAPPED for c in own)
    ws2.cell(2, head.index("统一社会信用代码") + 1).value = "BAD"
    fixed.save(again)
    again_report = write_error_report(tmp_path / "err2.xlsx", dry_run(again))
    head2 = [c.value for c in load_workbook(again_report).active[1]]
    assert head2.count("错误说明") == 1 and head2.count("原行号") == 1


def test_formula_without_value_keeps_its_text_in_the_error_report(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    wb = Workbook()
    wb.active.append(["企业名称", "统一社会信用代码", "数据年度", "实缴税金（万元）"])
    wb.active.append(["甲", credit_code(1), 2024, "=SUM(1,2)"])  # openpyxl writes no cached value
    wb.save(path)
    imp = dry_run(path)
    report = write_error_report(tmp_path / "e.xlsx", imp)
    row = [c.value for c in load_workbook(report).active[2]]
    assert "=SUM(1,2)" in row


# ----------------------------------------------------------------------------- units

UNIT_NAMES = sorted({u.name for u in _LOOKUP.values()})


@given(st.sampled_from(UNIT_NAMES), st.sampled_from(UNIT_NAMES),
       st.floats(min_value=1e-6, max_value=1e12, allow_nan=False))
def test_every_unit_pair_round_trips(a: str, b: str, x: float) -> None:
    ua, ub = parse_unit(a), parse_unit(b)
    there = conversion(ua, b)
    if ua.dimension != ub.dimension:
        assert there is None
        return
    back = conversion(ub, a)
    assert there.factor * back.factor == 1
    assert math.isclose(back.apply(there.apply(x)), x, rel_tol=1e-15)
    # one rounding of the number as typed, no chain of float steps
    assert there.apply(x) == float(Fraction(repr(x)) * there.factor)


def test_conversions_are_exact_where_decimal_arithmetic_is() -> None:
    assert conversion(parse_unit("元"), "万元").apply(4_200_000) == 420.0
    assert conversion(parse_unit("平方米"), "亩").apply(23_333.333333333332) == 35.0
    assert conversion(parse_unit("千元"), "万元").apply(52_000) == 5200.0
    assert conversion(parse_unit("kWh"), "万千瓦时").apply(38_000_000) == 3800.0

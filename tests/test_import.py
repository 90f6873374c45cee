"""Import of real-looking park files (SPEC §7): every bad cell named by sheet, row, column."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from forms.excel.reader import FileError
from forms.headers import match_header, normalise_header
from forms.importer import dry_run
from tests.conftest import ROOT, TESTS, credit_code
from tests.fixtures import HEADER_ROW, good_rows_csv, messy_workbook


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("messy") / "园区 2024 数据.xlsx"
    return path, messy_workbook(path)


def test_header_found_under_title_rows_with_extra_columns_ignored(messy) -> None:
    result = dry_run(messy[0])
    info = {s.name: s for s in result.sheets}
    assert info["企业数据"].kind == "enterprise" and info["企业数据"].header_row == HEADER_ROW
    assert info["新上项目"].kind == "project" and info["新上项目"].header_row == 2
    assert info["填写说明"].kind is None
    assert info["企业数据"].ignored_columns == ["序号", "备注", "计算列"]


def test_good_rows_parse_with_units_full_width_and_spellings(messy) -> None:
    rows = {r.row: r for r in dry_run(messy[0]).enterprises}
    first = rows[5].checked.values
    assert first["land_mu"] == 30.0 and first["tax"] == 420.0 and first["energy_equal_tce"] == 1500.0
    assert first["titles"] == frozenset({"创新型", "专精特新"}) and first["above_scale"] is True
    assert rows[6].checked.values["above_scale"] is True  # "Y"
    assert rows[7].checked.values["above_scale"] is False and "value_added" not in rows[7].checked.values
    wide = rows[8].checked.values  # full-width code and digits, " 1,234.5 ", "√", space-separated titles
    assert wide["credit_code"] == credit_code(4) and wide["year"] == 2024 and wide["land_mu"] == 8.0
    assert wide["tax"] == 1234.5 and wide["above_scale"] is True
    assert wide["titles"] == frozenset({"小巨人", "科技型"})
    assert 9 not in rows  # the blank row is skipped
    assert all(rows[r].ok for r in (5, 6, 7, 8))


@pytest.mark.parametrize("case", ["unit_word", "error_value", "na", "formula", "code_number",
                                  "bad_yes_no", "duplicate", "bad_check_digit", "cached_error"])
def test_each_bad_cell_names_sheet_row_column_and_reason(messy, case: str) -> None:
    path, expected = messy
    row_no, column, text = expected[case]
    rows = {r.row: r for r in dry_run(path).enterprises}
    row = rows[row_no]
    assert row.sheet == "企业数据" and not row.ok
    assert [(e.column, text in e.message) for e in row.checked.errors] == [(column, True)], \
        row.checked.errors


def test_projects_attach_to_their_firm_and_orphans_are_rejected(messy) -> None:
    result = dry_run(messy[0])
    ok = [p for p in result.projects if p.ok]
    assert [p.checked.values["project_name"] for p in ok] == ["智能产线", "扩建车间"]
    orphan = [p for p in result.projects if not p.ok]
    assert orphan[0].row == 5 and "没有这一信用代码" in orphan[0].checked.errors[0].message
    firm = next(r for r in result.records() if r.credit_code == credit_code(1))
    assert [p.project_name for p in firm.projects] == ["智能产线", "扩建车间"]


def test_gbk_csv_and_utf8_bom_csv(tmp_path: Path) -> None:
    for enc in ("gb18030", "utf-8-sig", "utf-8"):
        path = tmp_path / f"park-{enc}.csv"
        good_rows_csv(path, enc)
        result = dry_run(path)
        assert len(result.valid) == 3, enc
        assert result.valid[0].checked.values["name"] == "企业0号"
        assert result.valid[0].row == 2


def test_legacy_xls() -> None:
    result = dry_run(TESTS / "data" / "park.xls")
    assert [r.checked.values.get("name") for r in result.valid] == ["老厂一号", "老厂二号"]
    bad = result.invalid[0]
    assert (bad.sheet, bad.row, bad.checked.errors[0].column) == ("企业数据", 6, "实际用地面积（亩）")


def test_header_normalisation_and_unit_suffixes() -> None:
    assert normalise_header(" ＊实缴税金（万元） ") == "实缴税金(万元)"
    assert match_header("实缴税金（万元）", "enterprise") == "tax"
    assert match_header("实缴 税金 (万元)(含附加)", "enterprise") == "tax"
    assert match_header("综合能耗（等价值）", "enterprise") == "energy_equal_tce"
    assert match_header("综合能耗（当量值）（吨标准煤）", "enterprise") == "energy_equiv_tce"
    assert match_header("综合能耗（吨标准煤）", "enterprise") is None  # never guesses a basis
    assert match_header("ＵＳＣＣ", "enterprise") == "credit_code"


def _xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


@pytest.mark.parametrize("make, zh", [
    (lambda p: p.write_bytes(b"this is not a workbook at all"), "内容实际是逗号分隔的文本"),
    (lambda p: p.write_bytes(b""), "文件是空的"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("hello.txt", "x"), "不是有效的 Excel 工作簿"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "不是有效的 Excel"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
                             + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100), "已加密"),
    (lambda p: _xlsx(p, []), "工作簿是空的"),
    (lambda p: _xlsx(p, [["随便", "什么"], [1, 2]]), "找不到企业数据表头"),
    (lambda p: _xlsx(p, [["企业名称", "统一社会信用代码", "实缴税金"]]), "缺少必填列：数据年度"),
])
def test_unusable_files_are_one_clear_error(tmp_path: Path, make, zh: str) -> None:
    path = tmp_path / "bad.xlsx"
    make(path)
    with pytest.raises(FileError) as e:
        dry_run(path)
    assert zh in e.value.zh


def test_cli_exit_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "坏 文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken zip")
    r = subprocess.run([sys.executable, "-m", "desktop.cli", "assess", str(bad), "--no-store"],
                       cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("错误")]
    assert len(lines) == 1 and " / error: " in lines[0]
    assert "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "desktop.cli", "assess", str(tmp_path / "无.xlsx"),
                        "--no-store"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 2 and "找不到文件" in r.stderr and "Traceback" not in r.stderr


def test_the_input_file_is_never_modified(messy) -> None:
    path = messy[0]
    before = path.read_bytes()
    dry_run(path)
    assert path.read_bytes() == before


def test_a_table_that_starts_in_column_c(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["C2"] = "企业名称"
    ws["D2"] = "统一社会信用代码"
    ws["E2"] = "数据年度"
    ws["F2"] = "实缴税金"
    ws.append([None, None, "甲", credit_code(1), 2024, 12.5])
    ws.append([None, None, "乙", credit_code(2), 2024, "=F3*2"])  # no cached value
    path = tmp_path / "offset.xlsx"
    wb.save(path)
    rows = {r.row: r for r in dry_run(path).enterprises}
    assert rows[3].ok and rows[3].checked.values["tax"] == 12.5
    assert not rows[4].ok and rows[4].checked.errors[0].column == "实缴税金"
    assert "保存后再导入" in rows[4].checked.errors[0].message

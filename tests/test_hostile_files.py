"""Hostile files (issue 20): a tiny file never asks a reader for gigabytes. Each one is read
in a child process with its address space limited (RLIMIT_AS), so that an allocation that
would take the desktop window down fails the test instead; the child says how long the
reading took and its peak memory. CSV: the delimiter comes from a real parse (quotes
respected), and a row with a field too many or too few is an error on that row, not a shift.
"""

from __future__ import annotations

import csv
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from forms.excel import formats, reader
from forms.excel.reader import LIMIT_CELLS, LIMIT_COLS, LIMIT_ROWS, FileError, read_file
from forms.importer import dry_run
from rules.catalogue import ENTERPRISE_FIELDS
from tests.conftest import ROOT, credit_code

ADDRESS_SPACE = 1536 << 20  # the child's whole address space: 1.5 GB
SECONDS = 10.0  # what reading a hostile file may take (measured: well under 5 s)
IDS = [f.id for f in ENTERPRISE_FIELDS]
HEADERS = [f.header for f in ENTERPRISE_FIELDS]
BASE = {"year": "2024", "industry_code": "3311", "above_scale": "是", "land_mu": "20",
        "tax": "300", "value_added": "4000", "energy_equal_tce": "900", "employees": "120",
        "main_revenue": "5000", "county": "黄岩区"}

_CHILD = """
import json, resource, sys, time
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from forms.excel.reader import FileError, read_file
from forms.importer import dry_run
out = {}
start = time.perf_counter()
try:
    if sys.argv[2] == "import":
        imp = dry_run(sys.argv[1])
        out["names"] = [r.checked.values.get("name") for r in imp.valid]
        out["notes"] = imp.file_notes
    else:
        book = read_file(sys.argv[1])
        out["rows"] = [sum(1 for _ in sheet.rows) for sheet in book.sheets]
        out["notes"] = book.notes
except FileError as e:
    out["refused"] = e.zh
out["seconds"] = time.perf_counter() - start
try:  # this process's own peak (ru_maxrss would start from the parent's at the fork)
    with open("/proc/self/status") as fh:
        hwm = next(line for line in fh if line.startswith("VmHWM:"))
    out["peak_mb"] = int(hwm.split()[1]) / 1024
except OSError:
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out, ensure_ascii=False))
"""


def _dropped(sheet: str, n: int, example: str) -> str:
    return (f"工作表“{sheet}”有 {n} 个单元格（如 {example}）在读取范围"
            f"（{LIMIT_ROWS:,} 行 × {LIMIT_COLS:,} 列）以外，已忽略未读")


def _in_child(path: Path, what: str = "read") -> dict:
    """Read ``path`` in a child process limited to ADDRESS_SPACE; it must end normally."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), what, str(ADDRESS_SPACE)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, env=env,
                          check=False)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(path.name, what, json.dumps(out, ensure_ascii=False))  # the measurements, with -s
    assert out["seconds"] < SECONDS, out
    return out


# ------------------------------------------------------------------------------ xlsx builders

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="企业" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_OPEN = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
               b'openxmlformats.org/spreadsheetml/2006/main">')


def _xlsx(path: Path, pieces, head: bytes = b"", tail: bytes = b"") -> Path:
    """A minimal .xlsx whose one sheet's XML is written piece by piece (a generator), so
    that a sheet of millions of rows is never held whole, here either; ``head`` goes before
    the sheetData, ``tail`` after it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(_SHEET_OPEN + head + b"<sheetData>")
            for piece in pieces:
                fh.write(piece)
            fh.write(b"</sheetData>" + tail + b"</worksheet>")
    return path


def _firm_table(ws, n: int = 3) -> list[str]:
    ws.append(HEADERS)
    names = [f"示例企业{i}有限公司" for i in range(n)]
    for i, name in enumerate(names):
        row = dict(BASE, name=name, credit_code=credit_code(i))
        ws.append([row.get(k) for k in IDS])
    return names


def _corner_xlsx(path: Path) -> list[str]:
    """The 2.5 KB file of the issue: a valid firm table and one value at XFD1048576."""
    wb = Workbook()
    names = _firm_table(wb.active)
    wb.active["XFD1048576"] = 1
    wb.save(path)
    return names


def _bomb_rows(rows: int, refs: bool):
    """Rows of one value each, in blocks: with references (r="…") or implied (no r)."""
    if not refs:
        block = b"<row><c><v>1</v></c></row>" * 10_000
        for _ in range(rows // 10_000):
            yield block
        return
    for first in range(1, rows + 1, 10_000):
        yield b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r)
                       for r in range(first, min(first + 10_000, rows + 1)))


# ------------------------------------------------------------------------------------- xlsx


def test_a_value_at_xfd1048576_is_dropped_and_the_firms_read(tmp_path: Path) -> None:
    path = tmp_path / "corner.xlsx"
    names = _corner_xlsx(path)
    assert path.stat().st_size < 10_000
    out = _in_child(path, "import")
    assert out["names"] == names
    assert out["notes"] == [_dropped("Sheet", 1, "XFD1048576")]


def test_a_zip_bomb_of_five_million_rows_is_refused_in_seconds(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "bomb.xlsx", _bomb_rows(5_000_000, refs=False))
    assert path.stat().st_size < 1 << 20  # 0.3 MB: 130 MB of sheet XML
    out = _in_child(path)
    assert out["refused"] == (f"工作表“企业”超过 {LIMIT_ROWS:,} 行（读取上限）：A{LIMIT_ROWS + 1} 等单元格"
                              "仍有数据；请拆分成几个文件后再导入")
    assert out["peak_mb"] < 500


def test_rows_with_references_beyond_the_row_limit_are_refused(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "bomb.xlsx", _bomb_rows(LIMIT_ROWS + 20_000, refs=True))
    out = _in_child(path)
    assert out["refused"].startswith(f"工作表“企业”超过 {LIMIT_ROWS:,} 行（读取上限）")
    assert out["peak_mb"] < 500


def test_a_part_declared_over_its_limit_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "big.xlsx", [b'<row r="1"><c r="A1"><v>1</v></c></row>'])
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02" + bytes(0))
    while data[at + 46:at + 46 + len(name)] != name:  # its central directory entry
        at = data.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, 600 << 20)  # declared: 600 MB uncompressed
    path.write_bytes(bytes(data))
    out = _in_child(path)
    assert out["refused"] == ("工作簿中的“xl/worksheets/sheet1.xml”解压后有 600 MB，超过读取上限 512 MB"
                              "（文件可能是恶意构造的压缩包）")
    assert out["seconds"] < 1


def test_a_grid_over_the_cell_limit_is_refused_naming_it(tmp_path: Path) -> None:
    far = _letters(LIMIT_COLS - 1)  # within the column and row limits, but the area is not
    cells = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{LIMIT_ROWS}">' \
            f'<c r="{far}{LIMIT_ROWS}"><v>1</v></c></row>'
    path = _xlsx(tmp_path / "area.xlsx", [cells.encode()])
    out = _in_child(path)
    assert out["refused"] == (f"工作表“企业”的数据区域 A1:{far}{LIMIT_ROWS} 超过 {LIMIT_CELLS:,} 个单元格"
                              "（读取上限）；请删除区域外多余的内容后再导入")


@pytest.mark.parametrize("cell", [
    '<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>',  # an empty string is a value
    '<c r="xfd5"><v>1</v></c>',  # references in lower case
    '<c r="A99999999999"><v>1</v></c>',  # a row calamine reads as a wrapped 32-bit number
    '<c r="ZZZZZZZ1"><v>1</v></c>',
    "<c r='XFD7'><v>1</v></c>",  # single quotes
    '<c s="0" r="XFD8"><v>1</v></c>',  # the reference not first
])
def test_far_values_in_any_spelling_are_dropped(tmp_path: Path, cell: str) -> None:
    table = '<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c></row>'
    path = _xlsx(tmp_path / "far.xlsx", [table.encode(), f'<row r="2">{cell}</row>'.encode()])
    out = _in_child(path)
    assert out["rows"] == [1], out
    assert "以外，已忽略未读" in out["notes"][0]


def test_implied_positions_are_followed_as_calamine_follows_them(tmp_path: Path) -> None:
    row = '<row r="3"><c r="ALK3"><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>'  # ALL3, ALM3
    path = _xlsx(tmp_path / "implied.xlsx", [b'<row><c><v>0</v></c></row>', row.encode()])
    book = read_file(path)
    rows = [list(r) for r in book.sheets[0].rows]
    assert len(rows) == 3 and rows[0][0] == 0.0 and rows[2][-2:] == [1.0, 2.0]
    assert len(rows[2]) == LIMIT_COLS
    assert book.notes == [_dropped("企业", 1, "ALM3")]


def test_a_used_range_to_the_corner_by_formatting_alone_reads_as_it_is(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    names = _firm_table(ws)
    yellow = PatternFill("solid", fgColor="FFFF00")
    ws.cell(1_048_576, 16_384).fill = yellow  # a formatted empty cell: used range A1:XFD1048576
    ws.cell(2, 200).fill = yellow
    ws.column_dimensions["C"].hidden = True
    path = tmp_path / "formatted.xlsx"
    wb.save(path)
    assert b'<dimension ref="A1:XFD1048576"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    book = read_file(path)
    assert book.notes == []
    assert book.sheets[0].hidden_cols == {2}
    assert [r.checked.values["name"] for r in dry_run(path).valid] == names


def test_a_merged_range_over_the_whole_sheet_is_cut_to_the_limits(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "merged.xlsx", [b'<row r="1"><c r="A1"><v>1</v></c></row>'],
                 tail=b'<mergeCells count="2"><mergeCell ref="A1:XFD1048576"/>'
                      b'<mergeCell ref="B2:A1"/></mergeCells>')
    book = read_file(path)
    assert book.sheets[0].merged == [(0, 0, LIMIT_ROWS - 1, LIMIT_COLS - 1)]


def test_a_lying_dimension_is_not_trusted(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "lie.xlsx", [b'<row r="1"><c r="A1"><v>1</v></c></row>',
                                         b'<row r="9"><c r="XFD9"><v>2</v></c></row>'],
                 head=b'<dimension ref="A1:B2"/>')
    book = read_file(path)
    assert [list(r) for r in book.sheets[0].rows] == [[1.0]]
    assert "XFD9" in book.notes[0]


def test_shared_strings_and_merged_ranges_over_their_limits_are_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    merges = "".join(f'<mergeCell ref="T{r}:U{r}"/>' for r in range(2, 6))
    path = _xlsx(tmp_path / "park.xlsx", [b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'],
                 tail=f"<mergeCells>{merges}</mergeCells>".encode())
    strings = "".join(f"<si><t>示例企业{i}</t></si>" for i in range(12))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/'
                   f'spreadsheetml/2006/main">{strings}</sst>')
    assert [list(r) for r in read_file(path).sheets[0].rows] == [["示例企业0"]]
    monkeypatch.setattr(reader, "LIMIT_STRINGS", 10)
    with pytest.raises(FileError) as e:
        read_file(path)
    assert e.value.zh == "工作簿的共享文字超过 10 条（读取上限），文件可能是恶意构造的"
    monkeypatch.setattr(reader, "LIMIT_STRINGS", 10_000)
    monkeypatch.setattr(reader, "LIMIT_MERGES", 3)
    with pytest.raises(FileError) as e:
        read_file(path)
    assert e.value.zh == "工作表“企业”的合并单元格超过 3 处（读取上限）"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "park.xlsx"
    _corner_xlsx(path)
    monkeypatch.setattr(reader, "LIMIT_FILE", 1024)
    with pytest.raises(FileError) as e:
        read_file(path)
    assert e.value.zh == f"文件有 {reader.size_text(path.stat().st_size)}，超过读取上限 1 KB：请只保留企业数据后再导入"


def test_a_binary_workbook_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "park.xlsb"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(FileError) as e:
        read_file(path)
    assert e.value.zh == "暂不支持 Excel 二进制工作簿（.xlsb）：请在 Excel/WPS 中另存为 .xlsx 后再导入"


def _letters(col: int) -> str:
    return reader._letters(col)


@given(rows=st.integers(1, LIMIT_ROWS), cols=st.integers(1, LIMIT_COLS),
       row=st.integers(1, 10 ** 12), col=st.integers(1, 20_000), zeros=st.integers(0, 3),
       lower=st.booleans())
def test_the_search_past_a_bound_agrees_with_comparing(rows: int, cols: int, row: int, col: int,
                                                        zeros: int, lower: bool) -> None:
    letters = _letters(col - 1)
    ref = f'<c r="{letters.lower() if lower else letters}{"0" * zeros}{row}" s="1">'.encode()
    assert bool(reader._beyond(rows, cols).search(ref)) == (row > rows or col > cols)


# -------------------------------------------------------------------------------- .xls, .ods


def test_an_xls_cell_record_at_a_far_column_is_refused(tmp_path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("企业")
    ws.write(0, 0, "企业名称")
    ws.write(9, 200, 1.5)
    path = tmp_path / "far.xls"
    wb.save(str(path))
    data = bytearray(path.read_bytes())
    at = data.find(struct.pack("<HHHH", 0x027E, 10, 9, 200))  # the RK record of (9, 200)
    assert at > 0
    struct.pack_into("<H", data, at + 6, 16_000)  # a column BIFF8 cannot have; calamine took it
    path.write_bytes(bytes(data))
    out = _in_child(path)
    assert out["refused"] == (f"工作表“企业”超过 {LIMIT_COLS:,} 列（读取上限）：第 16,001 列仍有数据；"
                              "请删除多余的列后再导入")


def test_an_xls_error_value_is_rejected_not_read_as_blank(tmp_path: Path) -> None:
    """calamine reads a legacy .xls error cell (#DIV/0!) as an empty string: the figure was
    missing with no word, where an .xlsx's is a rejected cell."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("企业")
    for c, text in enumerate(["企业名称", "统一社会信用代码", "数据年度", "实缴税金（万元）",
                              "工业增加值（万元）"]):
        ws.write(0, c, text)
    for c, v in enumerate(["甲公司", credit_code(40), 2024]):
        ws.write(1, c, v)
    ws.row(1).set_cell_error(3, "#DIV/0!")
    ws.write(1, 4, 900)
    path = tmp_path / "errors.xls"
    wb.save(str(path))
    imp = dry_run(path)
    assert not imp.valid
    assert [(e.column, e.message) for e in imp.invalid[0].checked.errors] == [
        ("实缴税金（万元）", "单元格是错误值“#DIV/0!”（公式出错），请修正后再导入")]


_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
             'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
             'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             '</manifest:manifest>')


def _ods(path: Path, rows: str) -> Path:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
               '<office:spreadsheet><table:table table:name="企业">' + rows +
               '</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", _MANIFEST)
    return path


def test_an_ods_value_repeated_over_every_column_is_refused(tmp_path: Path) -> None:
    path = _ods(tmp_path / "bomb.ods", '<table:table-row table:number-rows-repeated="100000">'
                '<table:table-cell office:value-type="float" office:value="1" '
                'table:number-columns-repeated="16384"/></table:table-row>')
    out = _in_child(path)
    assert out["refused"].startswith(f"工作表“企业”超过 {LIMIT_COLS:,} 列（读取上限）")


def test_an_ods_with_libreoffice_s_empty_tail_reads(tmp_path: Path) -> None:
    path = _ods(tmp_path / "tail.ods", '<table:table-row><table:table-cell office:value-type='
                '"string"><text:p>企业名称</text:p></table:table-cell>'
                '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
                '<table:table-row table:number-rows-repeated="1048575">'
                '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    out = _in_child(path)
    assert out["rows"] == [1] and "refused" not in out


# -------------------------------------------------------------------------- HTML, XML 2003


def test_an_xml2003_merge_over_the_whole_sheet_reads_its_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "merge.xls"
    path.write_text('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
                    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S">'
                    '<Table><Row><Cell ss:MergeAcross="16383" ss:MergeDown="1048575">'
                    '<Data ss:Type="String">企业名称</Data></Cell></Row></Table></Worksheet>'
                    '</Workbook>', encoding="utf-8")
    assert path.stat().st_size < 400  # it asked for 128 GB
    out = _in_child(path)
    assert out["rows"] == [1]


def test_an_html_rowspan_over_the_table_reads_without_a_grid(tmp_path: Path) -> None:
    path = tmp_path / "span.xls"
    path.write_text("<table><tr><td colspan=1000 rowspan=65534>企业名称</td></tr>"
                    + "<tr>" * 65_533 + "</table>", encoding="utf-8")
    out = _in_child(path)
    assert out["rows"] == [65_534] and out["peak_mb"] < 300


def test_an_html_row_past_the_column_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.xls"
    path.write_text("<table><tr>" + "<td colspan=1000>x</td>" * 2 + "</tr></table>",
                    encoding="utf-8")
    with pytest.raises(FileError) as e:
        read_file(path)
    assert e.value.zh == f"网页表格超过 {LIMIT_COLS:,} 列（读取上限）"


# -------------------------------------------------------------------------------------- CSV


def _csv_line(name: str, i: int) -> list[str]:
    row = dict(BASE, name=name, credit_code=credit_code(i))
    return [row.get(k, "") for k in IDS]


def _plain(fields: list[str]) -> str:
    return ",".join(fields) + "\n"


def _park_csv(path: Path, tail: list[str]) -> int:
    """A header and plain rows (no quote) past 5,000 characters, then ``tail``: the number
    of plain rows."""
    text = io.StringIO()
    text.write(_plain(HEADERS))
    n = 0
    while text.tell() < 5_000:
        text.write(_plain(_csv_line(f"示例企业{n}", n)))
        n += 1
    assert '"' not in text.getvalue()
    text.writelines(tail)
    path.write_text(text.getvalue(), encoding="utf-8")
    return n


def _quoted(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue()


def test_a_quoted_name_with_commas_after_5000_characters_imports_exactly(tmp_path: Path) -> None:
    path = tmp_path / "park.csv"
    name = "杭州某某, 有限公司"
    n = _park_csv(path, [_quoted(_csv_line(name, 900)), _plain(_csv_line("末尾企业", 901))])
    assert path.read_text(encoding="utf-8").index('"') > 5_000
    imp = dry_run(path)
    assert imp.format == "csv" and not imp.invalid
    rows = {r.checked.values["name"]: r.checked.values for r in imp.valid}
    assert len(rows) == n + 2
    quoted = rows[name]
    assert quoted["credit_code"] == credit_code(900) and quoted["county"] == "黄岩区"
    assert quoted["land_mu"] == 20.0 and quoted["tax"] == 300.0 and quoted["year"] == 2024
    assert rows["末尾企业"]["credit_code"] == credit_code(901)


def test_a_row_with_a_field_too_many_or_too_few_is_an_error_on_that_row(tmp_path: Path) -> None:
    path = tmp_path / "park.csv"
    many = _plain(_csv_line("宁波某某, 有限公司", 900))  # the comma unquoted: one field more
    few = _plain(_csv_line("温州某某有限公司", 901)[:-1])
    n = _park_csv(path, [many, few, _plain(_csv_line("末尾企业", 902))])
    imp = dry_run(path)
    assert [r.row for r in imp.invalid] == [n + 2, n + 3]  # 1-based, under the header
    width = len(HEADERS)
    for row, count, what in zip(imp.invalid, (width + 1, width - 1), "多少", strict=True):
        assert "name" not in row.checked.values and "credit_code" not in row.checked.values
        reason = (f"这一行有 {count} 个字段，比表头（{width} 个）{what}：数据可能错位"
                  "（如名称中含分隔符却没有加引号），本行不读取，请修正后再导入")
        assert {e.message for e in row.checked.errors} == {reason}
    assert "末尾企业" in {r.checked.values["name"] for r in imp.valid}
    assert len(imp.valid) == n + 1


@pytest.mark.parametrize("correct", [0, 1, 2])
def test_the_header_not_the_majority_says_how_many_fields_a_row_has(tmp_path: Path,
                                                                    correct: int) -> None:
    """One firm with an unquoted “1,234.5”: its row has a field more than the header. It was
    the majority (one row against one header line), so the header was taken for a title and
    the values were read one column off: 实缴税金 1, 工业增加值 234.5, the 900 dropped."""
    path = tmp_path / "shifted.csv"
    head = "企业名称,统一社会信用代码,数据年度,用地面积（亩）,实缴税金（万元）,工业增加值（万元）\n"
    shifted = [f"甲{i}公司,{credit_code(10 + i)},2024,10,1,234.5,900\n" for i in range(2)]
    right = [f"乙{i}公司,{credit_code(20 + i)},2024,12,345.6,800\n" for i in range(correct)]
    path.write_text(head + "".join(shifted + right), encoding="gbk")
    imp = dry_run(path)
    assert [r.checked.values["tax"] for r in imp.valid] == [345.6] * correct
    reason = ("这一行有 7 个字段，比表头（6 个）多：数据可能错位（如名称中含分隔符却没有加引号），"
              "本行不读取，请修正后再导入")
    assert [(r.row, {e.message for e in r.checked.errors}) for r in imp.invalid] == \
        [(2, {reason}), (3, {reason})]


def test_a_title_line_of_words_above_the_header_is_not_taken_for_it(tmp_path: Path) -> None:
    path = tmp_path / "signed.csv"
    path.write_text("填报单位：某某开发区,填报人：王五,联系电话：0576-1234567\n"
                    "企业名称,统一社会信用代码,数据年度,用地面积（亩）,实缴税金（万元）\n"
                    f"甲公司,{credit_code(50)},2024,10,12.5\n", encoding="utf-8")
    imp = dry_run(path)
    assert not imp.invalid and imp.valid[0].checked.values["tax"] == 12.5


def test_data_rows_that_all_end_with_a_separator_are_read(tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_text("企业名称,统一社会信用代码,数据年度,实缴税金（万元）\n"
                    + "".join(f"甲{i}公司,{credit_code(30 + i)},2024,{i + 1},\n" for i in range(3)),
                    encoding="utf-8")
    imp = dry_run(path)
    assert not imp.invalid and [r.checked.values["tax"] for r in imp.valid] == [1.0, 2.0, 3.0]


def test_title_lines_above_the_table_are_not_rows_of_a_wrong_width(tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text("慈溪市2024年度工业企业亩均效益评价数据\n填报单位：某某开发区\n"
                    + _plain(HEADERS) + _plain(_csv_line("甲公司", 1)), encoding="utf-8")
    imp = dry_run(path)
    assert not imp.invalid and [r.checked.values["name"] for r in imp.valid] == ["甲公司"]


@pytest.mark.parametrize(("text", "delimiter"), [
    ("企业名称\t用地面积\t备注\n甲公司\t1,234.5\t含,逗号\n乙公司\t2\t\n", "\t"),
    ("企业名称;用地面积\n甲公司;1,5\n乙公司;2,5\n", ";"),
    ('企业名称, 用地面积, 备注\n甲公司, 12, "含, 逗号"\n乙公司, 2, 无\n', ","),
])
def test_the_delimiter_is_the_one_most_rows_agree_on(tmp_path: Path, text: str,
                                                     delimiter: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    book = formats.read_text(path)
    [sheet] = book.sheets
    rows = list(sheet.rows)
    assert {len(r) for r in rows} == {len(rows[0])} and not sheet.problems
    assert book.format == ("csv" if delimiter == "," else "text")
    assert rows[1][0].strip() == "甲公司"


def test_a_csv_over_the_row_limit_is_refused_before_any_row_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("企业名称,统一社会信用代码\n")
        fh.write("甲,1\n" * LIMIT_ROWS)
    out = _in_child(path)
    assert out["refused"] == f"文件超过 {LIMIT_ROWS:,} 行（读取上限）：请拆分成几个文件后再导入"


def test_an_unclosed_quote_is_refused_naming_the_cell_limit(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('企业名称,备注\n甲,"未闭合\n' + "乙,很长的备注\n" * 200_000, encoding="utf-8")
    with pytest.raises(FileError) as e:
        formats.read_text(path)
    assert e.value.zh == (f"文本文件第 2 行起有一个单元格超过 {reader.LIMIT_CELL_CHARS:,} 个字符"
                          "（读取上限）：可能是引号不配对")


def test_a_csv_is_streamed_not_held(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(_plain(HEADERS))
        for i in range(60_000):
            fh.write(_plain(_csv_line(f"示例企业{i}有限公司", i)))
    assert path.stat().st_size > 8 << 20  # held whole, as text and rows: ≈ 300 MB
    out = _in_child(path)
    assert out["rows"] == [60_001] and out["peak_mb"] < 150

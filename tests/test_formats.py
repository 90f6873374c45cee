"""The files government systems export under a misleading suffix (forms/excel/formats.py): HTML
tables, XML Spreadsheet 2003 and "Unicode 文本", each written as a real file, plus sniffing."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.excel.formats import read_html, read_text, read_xml2003, sniff
from forms.excel.reader import NEEDS_RESAVE, FileError, Sheet

# ------------------------------------------------------------------------------------ fixtures

HTML_GBK = """\r
<html xmlns:o="urn:schemas-microsoft-com:office:office"
      xmlns:x="urn:schemas-microsoft-com:office:excel">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=GBK">
<title>亩均效益评价</title>
<style>
<!--
td { font-size: 12px }
.pct { mso-number-format:"0\\.0%"; }
.txt { mso-number-format:"\\@"; }
-->
</style>
</head>
<body>
<table border="1">
<thead>
<tr><th colspan="4">2023年度企业亩均效益评价表</th></tr>
<tr><th>县（市、区）</th><th>企业名称</th><th>用地面积<br/>（亩）</th><th>研发投入占比</th></tr>
</thead>
<tbody>
<tr>
  <td rowspan="2">柯桥区</td>
  <td><span>浙江<b>甲</b>纺织</span><font color="red">有限公司</font></td>
  <td>1,234.50</td>
  <td style="mso-number-format:'0\\.0%'">12.5%</td>
</tr>
<tr>
  <td>乙&amp;丙&nbsp;科技</td>
  <td class="txt">0012</td>
  <td class="pct" x:num="0.0833333">8.3%</td>
</tr>
<tr style="display: none">
  <td>越城区</td><td>测试企业</td><td>1</td><td>1%</td>
</tr>
<tr>
  <td>诸暨市</td><td style="vnd.ms-excel.numberformat:@">5%</td><td></td><td>&nbsp;</td>
</tr>
</tbody>
</table>
</body>
</html>
"""

XML_2003 = """<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:html="http://www.w3.org/TR/REC-html40">
 <DocumentProperties xmlns="urn:schemas-microsoft-com:office:office">
  <Author>县经信局</Author>
 </DocumentProperties>
 <Styles>
  <Style ss:ID="Default" ss:Name="Normal"><Alignment ss:Vertical="Bottom"/></Style>
  <Style ss:ID="s21"><NumberFormat ss:Format="Percent"/></Style>
  <Style ss:ID="s22"><NumberFormat ss:Format="0.0%"/></Style>
  <Style ss:ID="s23"><NumberFormat ss:Format="0.00&quot;%&quot;"/></Style>
  <Style ss:ID="s24" ss:Parent="s21"><Font ss:Bold="1"/></Style>
 </Styles>
 <Worksheet ss:Name="评价结果">
  <Table ss:ExpandedColumnCount="5" ss:ExpandedRowCount="7">
   <Column ss:Index="3" ss:Hidden="1" ss:AutoFitWidth="0" ss:Width="0"/>
   <Column ss:StyleID="s22" ss:Width="60"/>
   <Row>
    <Cell ss:MergeAcross="3"><Data ss:Type="String">2023年度评价</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="String">县</Data></Cell>
    <Cell><Data ss:Type="String">企业</Data></Cell>
    <Cell><Data ss:Type="String">隐藏列</Data></Cell>
    <Cell><Data ss:Type="String">占比</Data></Cell>
    <Cell ss:StyleID="s21"><Data ss:Type="String">备注</Data></Cell>
   </Row>
   <Row>
    <Cell ss:MergeDown="1"><Data ss:Type="String">柯桥区</Data></Cell>
    <Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>甲</B><Font
      html:Color="#FF0000">纺织公司</Font></ss:Data><Comment ss:Author="x"><ss:Data
      xmlns="http://www.w3.org/TR/REC-html40"><B>批注</B></ss:Data></Comment></Cell>
    <Cell><Data ss:Type="Number">3</Data></Cell>
    <Cell><Data ss:Type="Number">0.125</Data></Cell>
    <Cell ss:StyleID="s24" ss:Formula="=RC[-1]*4"><Data ss:Type="Number">0.5</Data></Cell>
   </Row>
   <Row ss:Hidden="1">
    <Cell ss:Index="2"><Data ss:Type="String">乙&#10;分厂</Data></Cell>
    <Cell ss:Index="4" ss:Formula="=1/0"><Data ss:Type="Error">#DIV/0!</Data></Cell>
    <Cell ss:StyleID="s23"><Data ss:Type="Number">12.5</Data></Cell>
   </Row>
   <Row ss:Index="7">
    <Cell><Data ss:Type="DateTime">2023-12-31T08:30:00.000</Data></Cell>
    <Cell><Data ss:Type="Boolean">1</Data></Cell>
    <Cell ss:Formula="=SUM(R1C1:R2C1)"/>
   </Row>
  </Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel">
   <Selected/>
  </WorksheetOptions>
 </Worksheet>
 <Worksheet ss:Name="说明">
  <Table>
   <Row><Cell><Data ss:Type="String">隐藏的说明</Data></Cell></Row>
  </Table>
  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel">
   <Visible>SheetHidden</Visible>
  </WorksheetOptions>
 </Worksheet>
</Workbook>
"""

UNICODE_TEXT = ("企业名称\t用地面积\t备注\r\n"
                "浙江甲公司\t12.5\t\"含\t制表符\"\r\n"
                "乙公司\t\t\r\n")

GBK_CSV = ("县,企业,金额\r\n"
           "柯桥区,\"甲,乙公司\",\"1,234.5\"\r\n"
           "越城区,丙公司,\r\n")

ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE Workbook [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="S"><Table><Row><Cell><Data ss:Type="String">&c;</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>
"""


def write(tmp_path: Path, name: str, text: str, encoding: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(sheet: Sheet) -> list[list[object]]:
    out = list(sheet.rows)
    assert len(out) == sheet.height
    return out


# ---------------------------------------------------------------------------------------- HTML


def test_html_gbk_export(tmp_path: Path) -> None:
    path = write(tmp_path, "评价结果.xls", HTML_GBK, "gb18030")
    book = read_html(path)
    assert book.format == "html"
    assert book.notes == ["按 GBK（GB18030）编码读取"]
    [sheet] = book.sheets
    assert sheet.name == "亩均效益评价"
    assert rows(sheet) == [
        ["2023年度企业亩均效益评价表", "", "", ""],
        ["县（市、区）", "企业名称", "用地面积\n（亩）", "研发投入占比"],
        ["柯桥区", "浙江甲纺织有限公司", "1,234.50", 0.125],
        ["", "乙&丙 科技", "0012", 0.0833333],
        ["越城区", "测试企业", "1", "1%"],
        ["诸暨市", "5%", "", ""],
    ]
    assert sheet.height == 6
    assert sheet.merged == [(0, 0, 0, 3), (2, 0, 3, 0)]
    assert sheet.hidden_rows == {4}
    assert sheet.hidden_cols == set()
    assert sheet.percent_cells == {(2, 3), (3, 3)}
    assert sheet.problems == {}
    assert not sheet.hidden


def test_html_utf8_several_tables_captions_and_nesting(tmp_path: Path) -> None:
    html = """\ufeff<!DOCTYPE html><html><head><meta charset="utf-8"><title>总表</title></head>
<body>
<table><caption>企业名单</caption>
<tr><td>甲</td><td><table><tr><td>内1</td><td>内2</td></tr><tr><td>内3</td></tr></table></td>
<tr><td>乙<td>二
</table>
<table><colgroup><col><col span="2" style="display:none"></colgroup>
<tr><td rowspan="5">跨到表尾</td><td>x</td><td>y</td></tr>
<tr><td>z</td></tr>
</table>
<table></table>
</body></html>"""
    book = read_html(write(tmp_path, "a.xls", html, "utf-8"))
    assert book.notes == []
    assert [s.name for s in book.sheets] == ["企业名单", "表2"]
    first, second = book.sheets
    assert rows(first) == [["甲", "内1 内2\n内3"], ["乙", "二"]]
    assert rows(second) == [["跨到表尾", "x", "y"], ["", "z"]]
    assert second.merged == [(0, 0, 1, 0)]  # the rowspan stops at the end of the table
    assert second.hidden_cols == {1, 2}


def test_html_excel_x_num_keeps_stored_value(tmp_path: Path) -> None:
    html = """<html><body><table>
<tr><td x:num="0.123456">12.3%</td><td x:num="0.5">12.3%</td><td x:num>1,234</td>
<td x:num="2" x:fmla="=1+1">2</td></tr></table></body></html>"""
    [sheet] = read_html(write(tmp_path, "x.xls", html, "utf-8")).sheets
    # the stored value when the text shows it rounded; the text when they disagree
    assert rows(sheet) == [[0.123456, 0.123, "1,234", "2"]]
    assert sheet.percent_cells == {(0, 0), (0, 1)}
    assert sheet.formulas == {(0, 3): "=1+1"}


def test_html_without_a_table_is_a_file_error(tmp_path: Path) -> None:
    html = "<html><head><title>登录</title></head><body>会话已过期，请重新登录</body></html>"
    with pytest.raises(FileError, match="没有表格"):
        read_html(write(tmp_path, "login.xls", html, "utf-8"))


def test_html_utf16_with_bom(tmp_path: Path) -> None:
    html = "<html><body><table><tr><td>宁波</td><td>7</td></tr></table></body></html>"
    book = read_html(write(tmp_path, "u.xls", html, "utf-16"))
    assert book.notes == ["按 UTF-16 编码读取（Excel“Unicode 文本”格式）"]
    assert rows(book.sheets[0]) == [["宁波", "7"]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>",
                                 "<th colspan=3>", "<td rowspan=0>", "<td rowspan='x'>",
                                 "<br>", "</br>", "<tbody>", "</tbody>", "<![if x]>",
                                 "<![bogus", "<td colspan=-2>", "&nbsp;", "文字", " ",
                                 "<style>.a{mso-number-format:\"0%\"}</style>",
                                 "<td class=a x:num>5%</td>", "<caption>", "</caption>",
                                 "<title>", "</title>", "<!--", "-->", "<script>"]),
                max_size=40))
def test_html_never_crashes(tmp_path: Path, parts: list[str]) -> None:
    path = write(tmp_path, "fuzz.xls", "".join(parts), "utf-8")
    try:
        book = read_html(path)
    except FileError:
        return  # a clear refusal is an allowed outcome; any other exception fails the test
    for sheet in book.sheets:
        data = rows(sheet)
        for r0, c0, r1, c1 in sheet.merged:
            assert 0 <= r0 <= r1 < sheet.height and 0 <= c0 <= c1
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        assert data[r][c] == ""


# --------------------------------------------------------------------------- XML Spreadsheet


def test_xml2003_workbook(tmp_path: Path) -> None:
    book = read_xml2003(write(tmp_path, "导出.xls", XML_2003, "utf-8"))
    assert book.format == "xml2003"
    assert book.notes == []
    first, second = book.sheets
    assert first.name == "评价结果" and not first.hidden
    assert second.name == "说明" and second.hidden
    assert rows(first) == [
        ["2023年度评价", "", "", ""],
        ["县", "企业", "隐藏列", "占比", "备注"],
        ["柯桥区", "甲纺织公司", 3.0, 0.125, 0.5],
        ["", "乙\n分厂", "", "#DIV/0!", 12.5],
        [],
        [],
        [datetime(2023, 12, 31, 8, 30), True, ""],
    ]
    assert first.merged == [(0, 0, 0, 3), (2, 0, 3, 0)]
    assert first.hidden_rows == {3}
    assert first.hidden_cols == {2}
    # column D is "0.0%", E2 has the Percent style through its parent; "备注" is text and
    # 0.00"%" shows a literal % sign, so neither is a percentage
    assert first.percent_cells == {(2, 3), (2, 4)}
    assert first.problems == {
        (3, 3): "单元格是错误值“#DIV/0!”（公式出错），请修正后再导入",
        (6, 2): NEEDS_RESAVE,
    }
    assert first.formulas == {(2, 4): "=RC[-1]*4", (3, 3): "=1/0", (6, 2): "=SUM(R1C1:R2C1)"}
    assert rows(second) == [["隐藏的说明"]]


def test_xml2003_gbk_declared(tmp_path: Path) -> None:
    xml = ('<?xml version="1.0" encoding="gb2312"?>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
           '<Worksheet Name="表"><Table><Row><Cell><Data Type="String">绍兴</Data></Cell>'
           '<Cell Index="3"><Data Type="Number">1.5</Data></Cell></Row></Table></Worksheet>'
           '</Workbook>')
    book = read_xml2003(write(tmp_path, "g.xls", xml, "gb18030"))
    assert book.notes == ["按 GBK（GB18030）编码读取"]
    [sheet] = book.sheets
    assert sheet.name == "表"
    assert rows(sheet) == [["绍兴", "", 1.5]]


def test_xml2003_entity_bomb_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="实体"):
        read_xml2003(write(tmp_path, "bomb.xls", ENTITY_BOMB, "utf-8"))


@pytest.mark.parametrize("text", [
    XML_2003[:len(XML_2003) // 2],
    "<Workbook xmlns='urn:schemas-microsoft-com:office:spreadsheet'><Row></Workbook>",
    "<html><body></body></html>",
    "",
    ("<Workbook xmlns='urn:schemas-microsoft-com:office:spreadsheet'><Worksheet><Table>"
    "<Row ss:Index='x' xmlns:ss='urn:schemas-microsoft-com:office:spreadsheet'/>"
    "</Table></Worksheet></Workbook>"),
])
def test_xml2003_malformed_is_a_file_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(FileError) as e:
        read_xml2003(write(tmp_path, "bad.xls", text, "utf-8"))
    assert e.value.zh == "不是有效的 XML 表格文件（文件已损坏）"
    assert e.value.en.startswith("not a valid XML Spreadsheet 2003 file")


# ---------------------------------------------------------------------------------------- text


def test_unicode_text_utf16_tabs(tmp_path: Path) -> None:
    path = tmp_path / "企业.txt"
    path.write_bytes(b"\xff\xfe" + UNICODE_TEXT.encode("utf-16-le"))
    book = read_text(path)
    assert book.format == "text"
    assert book.notes == ["按 UTF-16 编码读取（Excel“Unicode 文本”格式）"]
    [sheet] = book.sheets
    assert sheet.name == "企业"
    assert rows(sheet) == [["企业名称", "用地面积", "备注"],
                           ["浙江甲公司", "12.5", "含\t制表符"],
                           ["乙公司", "", ""]]


def test_gbk_csv(tmp_path: Path) -> None:
    book = read_text(write(tmp_path, "名单.csv", GBK_CSV, "gbk"))
    assert book.format == "csv"
    assert book.notes == ["按 GBK（GB18030）编码读取"]
    [sheet] = book.sheets
    assert sheet.name == "名单"
    assert rows(sheet) == [["县", "企业", "金额"],
                           ["柯桥区", "甲,乙公司", "1,234.5"],
                           ["越城区", "丙公司", ""]]


def test_utf8_semicolon_and_single_column(tmp_path: Path) -> None:
    book = read_text(write(tmp_path, "s.csv", "a;b;c\n1;2;3\n", "utf-8-sig"))
    assert (book.format, book.notes) == ("text", [])
    assert rows(book.sheets[0]) == [["a", "b", "c"], ["1", "2", "3"]]
    book = read_text(write(tmp_path, "one.csv", "企业\n甲\n乙\n", "utf-8"))
    assert book.format == "csv"
    assert rows(book.sheets[0]) == [["企业"], ["甲"], ["乙"]]


def test_text_with_nul_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_bytes("a,b\n1,2\n".encode("utf-16-le"))  # UTF-16 without its BOM
    with pytest.raises(FileError) as e:
        read_text(path)
    assert e.value.zh == "不是文本格式的文件"


def test_xml2003_hidden_row_span_to_the_sheet_end(tmp_path: Path) -> None:
    xml = ('<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel"><Worksheet Name="S"><Table>'
           '<Row><Cell><Data Type="String">a</Data></Cell></Row>'
           '<Row><Cell><Data Type="String">b</Data></Cell></Row>'
           '<Row Index="2" Hidden="1" Span="1048574"/>'
           '</Table><x:AutoFilter x:Range="R1C1:R2C1"/></Worksheet></Workbook>')
    [sheet] = read_xml2003(write(tmp_path, "s.xml", xml, "utf-8")).sheets
    assert rows(sheet) == [["a"], ["b"]]
    assert sheet.hidden_rows == {1}
    assert sheet.filtered


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_readers_raise_only_file_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.dat"
    path.write_bytes(data)
    for reader in (read_html, read_xml2003, read_text):
        try:
            book = reader(path)
        except FileError:
            continue  # a clear refusal is allowed; any other exception fails the test
        for sheet in book.sheets:
            rows(sheet)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="找不到文件"):
        read_text(tmp_path / "none.csv")


# ------------------------------------------------------------------------------------- sniffing


def test_sniff_the_fixtures(tmp_path: Path) -> None:
    assert sniff(HTML_GBK.encode("gb18030")) == "html"
    assert sniff(XML_2003.encode("utf-8")) == "xml2003"
    assert sniff(b"\xff\xfe" + UNICODE_TEXT.encode("utf-16-le")) == "text"
    assert sniff(GBK_CSV.encode("gbk")) == "text"
    assert sniff(b"PK\x03\x04\x14\x00\x06\x00" + bytes(100)) == "xlsx"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)) == "ole"
    assert sniff(random.Random(0).randbytes(4096)) == "unknown"


@pytest.mark.parametrize(("head", "kind"), [
    (b"\xef\xbb\xbf\r\n  <!-- export -->\n<TABLE border=1><tr><td>1</td></tr></TABLE>", "html"),
    ((b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'
     b' Strict//EN" "x.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'), "html"),
    (b"<!doctype HTML>", "html"),
    (b'<META http-equiv="Content-Type" content="text/html; charset=gb2312"><table>', "html"),
    ("<html><body><table>".encode("utf-16"), "html"),
    ("<html><body><table>".encode("utf-16-le"), "html"),  # no BOM
    ("<html><body><table>".encode("utf-16-be"), "html"),
    ((b'<?xml version="1.0"?>\r\n<ss:Workbook xmlns:ss="urn:schemas-microsoft-com:office:'
     b'spreadsheet">'), "xml2003"),
    ('<?xml version="1.0" encoding="UTF-16"?><?mso-application progid="Excel.Sheet"?>'
     .encode("utf-16"), "xml2003"),
    (b'<?xml version="1.0"?><Workbook xmlns="urn:other">', "text"),
    (b"\xef\xbb\xbfa,b\r\n1,2\r\n", "text"),
    ("企业\t面积\n".encode()[:-2] + "积".encode()[:2], "text"),  # a character cut at 64 KiB
    ("县,企业\n".encode("utf-16-be"), "unknown"),  # UTF-16 text needs its BOM
    (b"", "unknown"),
    (b"\x00\x01\x02\x03binary\x00", "unknown"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00", "unknown"),
])
def test_sniff(head: bytes, kind: str) -> None:
    assert sniff(head) == kind


@given(st.binary(max_size=512))
def test_sniff_any_bytes(head: bytes) -> None:
    assert sniff(head) in {"xlsx", "ole", "html", "xml2003", "text", "unknown"}

"""The two documents of a park's confirmation round, as PDF (their workbooks are made by
``forms.excel.notices``):

* ``write_notice`` — the 公示 list as counties publish it: per cohort, each graded firm's name
  and class, 排名不分先后 (by class, then name; never by score), under
  the title “<data year> 年度工业企业亩均效益综合评价结果公示”, with a 公示期 and contact text
  left blank for the park to fill in;
* ``write_confirmations`` — the 一企一单 data-confirmation sheet: one page per firm with every
  figure the assessments used (label, value and unit from the field catalogue), a 确认 and an
  更正为 column, and a line for the firm's seal, the person in charge and the date.

Both take results of an import (``EnterpriseResult``) or stored ones
(``desktop.reports.summary.Stored``); the sheets also take bare ``Record``s."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepInFrame,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from desktop.reports.layout import (
    FONT,
    HEAD_BG,
    INK,
    LINE,
    MARGINS,
    TEXT_WIDTH,
    build,
    esc,
    numbered_canvas,
    para,
    styles,
    table,
    visible,
)
from forms.excel.notices import confirmation_rows
from forms.firm import SAMPLE_NOTE
from rules.assessments.mujun import ABOVE, BELOW, COHORT_LABELS
from rules.catalogue import (
    Field,
    Kind,
)
from rules.industry import industry_label

CLASSES = ("A", "B", "C", "D")
BLANK = "＿＿＿＿＿＿＿＿"
DATE_BLANK = "＿＿＿＿ 年 ＿＿ 月 ＿＿ 日"
NOT_GIVEN = "未填报"
HEAD_INK = colors.HexColor("#12355B")
GROUP_BG = colors.HexColor("#EEF2F7")


def _is_sample(r: Any) -> bool:
    return bool(getattr(r, "sample", False)) or SAMPLE_NOTE in (getattr(r, "notes", None) or [])


def _right() -> ParagraphStyle:
    return ParagraphStyle("right", parent=styles()["base"], alignment=TA_RIGHT)


# ---------------------------------------------------------------------- 公示 list


def notice_groups(results: Iterable[Any]) -> tuple[dict[str, list[tuple[str, str]]], int, int,
                                                     set[int]]:
    """The 公示 entries: cohort → [(firm name, class)] sorted by class then name; the firms
    left out for want of a class; the sample firms among them; the data years seen."""
    groups: dict[str, list[tuple[str, str]]] = {}
    left_out = samples = 0
    years: set[int] = set()
    for r in results:
        klass = r.mujun["class"]
        year = getattr(r.record, "year", None)
        if year is not None:
            years.add(year)
        if klass not in CLASSES:
            left_out += 1
            continue
        samples += _is_sample(r)
        groups.setdefault(r.mujun["cohort"], []).append((r.record.name or "（未填企业名称）", klass))
    for rows in groups.values():
        rows.sort(key=lambda t: (t[1], t[0]))
    return groups, left_out, samples, years


def write_notice(results: Iterable[Any], path: Path, year: int | None = None, *,
                 place: str = "", issuer: str = "", period: str = "", contact: str = "",
                 class_names: dict[str, str] | None = None) -> Path:
    """The 公示 list PDF at ``path``.

    ``results``: every firm's result (``EnterpriseResult`` or ``Stored``); firms without an
    A–D class are not listed, and the document says how many were left out. ``year`` is the
    data year (default: the results' own); ``place`` goes before it in the title (“黄岩区”);
    ``period`` (“2026 年 4 月 1 日至 4 月 7 日”), ``contact`` (where objections go) and
    ``issuer`` (the signing office) print where given, else as blanks to fill in by hand;
    ``class_names`` (the profile's ``mujun.class_names``) explain the classes. Sample-park
    firms are said to be synthetic at the top. Raises ``ReportError`` when it cannot be laid
    out."""
    groups, left_out, samples, years = notice_groups(results)
    year_text = str(year) if year is not None else "、".join(str(y) for y in sorted(years)) or "＿＿＿＿"
    title = f"{place}{year_text} 年度工业企业亩均效益综合评价结果公示"
    listed = sum(len(v) for v in groups.values())

    def make(part: Path) -> None:
        doc = SimpleDocTemplate(str(part), pagesize=(210 * mm, 297 * mm), **MARGINS,
                                title=title, author="亩均自评 mujun")
        doc.build(_notice_story(title, year_text, groups, left_out, samples, listed, issuer,
                                period, contact, class_names or {}),
                  canvasmaker=numbered_canvas(title, "公示稿 · 发布前请核对"))

    return build(path, make, "公示名单")


def _notice_story(title: str, year: str, groups: dict[str, list[tuple[str, str]]],
                  left_out: int, samples: int, listed: int, issuer: str, period: str,
                  contact: str, names: dict[str, str]) -> list[Any]:
    st = styles()
    out: list[Any] = [Paragraph(esc(title), st["title"])]
    if samples:
        warning = f"※ 本名单含 {samples:,} 家示例园区的企业（合成数据），仅供演示，不得作为正式公示。"
        out.append(Paragraph(f'<font color="#B42318">{esc(warning)}</font>', st["base"]))
    meaning = "、".join(f"{k} 类为{names[k]}" for k in CLASSES if k in names)
    out += [
        Paragraph(esc(f"根据工业企业亩均效益综合评价办法，经数据采集、核对和综合评价，现将 {year} 年度"
                      f"工业企业亩均效益综合评价结果予以公示（共 {listed:,} 家，排名不分先后）"
                      + (f"；{meaning}" if meaning else "") + "。"), st["base"]),
        Paragraph(esc(f"公示期：{period or DATE_BLANK + ' 至 ' + DATE_BLANK}。公示期间，如对评价结果有异议，"
                      f"请以书面形式向{contact or BLANK + '（联系电话：' + BLANK + '）'}反映，"
                      "并提供相关证明材料。"), st["base"]),
        Spacer(1, 3 * mm),
    ]
    order = [c for c in (ABOVE, BELOW) if c in groups] + [c for c in groups if c not in (ABOVE, BELOW)]
    numerals = "一二三四五六七八九十"
    for n, cohort in enumerate(order):
        rows = groups[cohort]
        counts = "，".join(f"{k} 类 {sum(1 for _, c in rows if c == k)} 家" for k in CLASSES
                          if any(c == k for _, c in rows))
        out += [CondPageBreak(40 * mm),
                Paragraph(esc(f"{numerals[n % 10]}、{COHORT_LABELS.get(cohort, cohort)}（{len(rows):,} 家："
                              f"{counts}；排名不分先后）"), _plain("h1")),
                table([["序号", "企业名称", "评价类别"],
                       *[[str(i), name, f"{k} 类"] for i, (name, k) in enumerate(rows, 1)]],
                      [16 * mm, 110 * mm, 30 * mm], zebra=True)]
    if not order:
        out.append(Paragraph("没有参加分类的企业。", st["base"]))
    if left_out:
        out.append(Paragraph(esc(f"另有 {left_out:,} 家企业未参加分类（不在评价范围、参评但不分类或数据不全），"
                                 "不列入本公示。"), st["small"]))
    out += [CondPageBreak(30 * mm), Spacer(1, 10 * mm),
            Paragraph(esc(issuer or f"（发布单位）{BLANK}"), _right()),
            Paragraph(esc(DATE_BLANK), _right())]
    return out


def _plain(level: str) -> ParagraphStyle:
    """A heading style that does not keep with the table under it (which would push the whole
    table to the next page); ``CondPageBreak`` keeps it from being orphaned instead."""
    base = styles()[level]
    return ParagraphStyle(f"{base.name}-free", parent=base, keepWithNext=0)


# ---------------------------------------------------------------------- 一企一单


# Always listed, blank or not: what the 亩均 class and the rectification signs are made from
# (and who the firm is). Any other field is listed when the firm gave it; the blank ones are
# named in one line under the table.
def _value(f: Field, v: Any) -> str:
    """A figure as the firm wrote it, without the unit (the label carries it): amounts with
    thousands separators, years and codes as they are."""
    if v is None or v == "":
        return NOT_GIVEN
    if f.id == "industry_code":
        return industry_label(str(v))
    if f.kind is Kind.BOOL:
        return "是" if v else "否"
    if isinstance(v, (set, frozenset, tuple, list)):
        return "、".join(sorted(map(str, v))) or NOT_GIVEN
    if f.is_numeric and isinstance(v, (int, float)):
        if not f.unit:  # a year
            return str(v)
        return f"{v:,}" if isinstance(v, int) else f"{v:,.6f}".rstrip("0").rstrip(".")
    return str(v)


def sheet_rows(record: Any) -> tuple[list[tuple[str, list[tuple[str, str]]]], list[str]]:
    """One firm's confirmation rows by group: [(group, [(label, value)])], and the labels of
    the optional fields it left blank; the same figures as the workbook
    (``forms.excel.notices.confirmation_rows``), written out as text."""
    groups, blank = confirmation_rows(record)
    return [(name, [(f.header, _value(f, v)) for f, v in rows]) for name, rows in groups], blank


def write_confirmations(items: Iterable[Any], path: Path, *, issuer: str = "",
                        deadline: str = "") -> Path:
    """The 一企一单 PDF at ``path``: one page per firm of ``items`` (``EnterpriseResult``s,
    ``Record``s, or anything with a ``record``), in the order given. ``issuer`` names who
    collects the sheets and ``deadline`` by when (blanks to fill in by hand otherwise). A firm
    with many figures is set smaller so that it still fits its one page. Raises
    ``ReportError`` when it cannot be laid out."""
    records = [getattr(x, "record", x) for x in items]
    title = "亩均效益评价数据确认单（一企一单）"

    def make(part: Path) -> None:
        margins = {**MARGINS, "topMargin": 31 * mm, "bottomMargin": 28 * mm}
        doc = SimpleDocTemplate(str(part), pagesize=(210 * mm, 297 * mm), **margins,
                                title=title, author="亩均自评 mujun")
        height = 297 * mm - margins["topMargin"] - margins["bottomMargin"] - 4 * mm
        story: list[Any] = []
        for n, rec in enumerate(records):
            if n:
                story.append(PageBreak())
            story.append(KeepInFrame(TEXT_WIDTH, height, _sheet(rec, issuer, deadline),
                                     mode="shrink"))
        if not story:
            story.append(Paragraph("没有企业。", styles()["base"]))
        doc.build(story, canvasmaker=numbered_canvas(title, "请核对后盖章交回 · 每页一家企业"))

    return build(path, make, "数据确认单")


# Two figures a row (项目 | 填报数值 | 确认或更正为, twice), as paper confirmation forms are laid
# out: a typical firm's 40–60 figures then fit one page at full size. A cell longer than this
# (in characters) is wrapped as a paragraph; shorter ones are drawn as plain strings, which
# lays a sheet out about four times faster (a paragraph per cell was ≈ 60 ms a firm).
WRAP_AT = (12, 7)
PAIR_WIDTHS = (36 * mm, 22 * mm, 20 * mm)


def _sheet_table(groups: list[tuple[str, list[tuple[str, str]]]]) -> Table:
    st = styles()
    cell = ParagraphStyle("sheet", parent=st["cell"], fontSize=8, leading=9.5)
    head = ParagraphStyle("sheet-head", parent=st["cellhead"], fontSize=7.5, leading=9)
    rows: list[list[Any]] = [[para(h, head) for h in ("项目", "填报数值", "确认（✔）或更正为")] * 2]
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, 8), ("FONT", (2, 1), (2, -1), FONT, 11),
        ("FONT", (5, 1), (5, -1), FONT, 11),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK), ("TEXTCOLOR", (0, 0), (-1, 0), HEAD_INK),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("GRID", (0, 0), (-1, -1), 0.3, LINE), ("LINEAFTER", (2, 0), (2, -1), 1, LINE)]
    for name, items in groups:
        n = len(rows)
        style += [("SPAN", (0, n), (-1, n)), ("BACKGROUND", (0, n), (-1, n), GROUP_BG),
                  ("TEXTCOLOR", (0, n), (-1, n), HEAD_INK)]
        rows.append([visible(name), "", "", "", "", ""])
        for k in range(0, len(items), 2):
            row: list[Any] = []
            for label, value in items[k:k + 2]:
                row += [visible(t) if len(t) <= WRAP_AT[i] else para(t, cell)
                        for i, t in enumerate((label, value))] + ["□"]
            rows.append(row + [""] * (6 - len(row)))
    return Table(rows, colWidths=PAIR_WIDTHS * 2, repeatRows=1, style=TableStyle(style))


def _sheet(rec: Any, issuer: str, deadline: str) -> list[Any]:
    st = styles()
    year = rec.values.get("year")
    groups, blank = sheet_rows(rec)
    out: list[Any] = [
        Paragraph(esc(f"{year or ''} 年度亩均效益评价数据确认单"), st["title"]),
        Paragraph(esc(f"{rec.name or '（未填企业名称）'}（{rec.credit_code or '未填信用代码'}）"),
                  st["subtitle"]),
        Paragraph(esc("请核对下表中评价所用的数据：无误的在“确认”栏打“✔”；有误的在“更正为”栏填写正确"
                      "数值，并附证明材料（如完税证明、能源统计报表）。"
                      f"请于{deadline or DATE_BLANK}前盖章交回{issuer or '园区管理机构'}。"), st["base"]),
        Spacer(1, 2 * mm),
        _sheet_table(groups),
    ]
    if blank:
        out.append(Paragraph(esc("以下数据未填报（用于梯度培育、数字化认定等自评；如有请在空白处补充）："
                                 + "、".join(blank) + "。"), st["small"]))
    out += [Spacer(1, 6 * mm),
            table([["企业（盖章）：", "", "经办人（签字）：", ""],
                   ["联系电话：", "", "日期：", DATE_BLANK]],
                  [26 * mm, 52 * mm, 28 * mm, 50 * mm], head=False,
                  extra=[("LINEBELOW", (1, 0), (1, -1), 0.6, colors.HexColor("#5F6B7A")),
                         ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.HexColor("#5F6B7A")),
                         ("LINEBELOW", (0, 0), (0, -1), 0, colors.white),
                         ("LINEBELOW", (2, 0), (2, -1), 0, colors.white),
                         ("LINEBELOW", (3, 1), (3, 1), 0, colors.white),
                         ("TOPPADDING", (0, 0), (-1, -1), 9)])]
    return out

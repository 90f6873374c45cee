"""The workbooks of a park's confirmation round and of its publication.

``write_confirmation_workbook`` — 一企一单: for each firm, on its own printed page, the figures
its assessments used (each with its unit; the same figures as the PDF sheet), a 确认 and a
更正为 column, and signature lines; a 回收登记 sheet to track the forms that come back. A park sends these out before it
publishes, so that every firm confirms or corrects its data.

``write_notice_workbook`` — the 公示 list: per cohort (规上 / 规下), each graded firm's name
and class, 排名不分先后 (sorted by class, then by name), never a score or a rank, as counties
publish it; the firms not graded are counted, not listed.

Both take results as the park summary does: ``rules.assess.EnterpriseResult`` or an object
with the same ``record`` (name, credit_code …) and ``mujun`` summary (the results page's
``StoredResult``); the confirmation form also needs the record's figures (a
``rules.record.Record``: ``Store.record(code, year)`` gives it for a stored firm). Both end
with the 说明 sheet of every exported workbook (``forms.excel.export.write_notes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from forms.excel.export import (
    BOLD,
    HEAD_FILL,
    MONEY,
    TEXT,
    Notes,
    Table,
    cell,
    loaded_profile,
    print_setup,
    wrap_lines,
    write_notes,
)
from rules.assessments.mujun import ABOVE, BELOW, COHORT_LABELS, GRADED
from rules.catalogue import (
    DIGITAL,
    ENTERPRISE_FIELDS,
    MUJUN,
    PROJECT_FIELDS,
    RECT,
    SME,
    Field,
    Kind,
    grouped,
)
from rules.industry import industry_label

CLASSES = "ABCD"
# the cohorts a county publishes a list of: every graded one (a county method may have four);
# 规上 and 规下 always get their sheet, the others when they have firms
PUBLISHED = GRADED
SHEET_NAMES = {ABOVE: "规上企业", BELOW: "规下企业", "below_scale_small": "规下不足3亩",
               "tenant": "无自有用地"}


def class_names(profile: Any = None) -> dict[str, str]:
    """The classes' names (优先发展类 …) of the profile, else the province's."""
    from rules.profile import load

    full = loaded_profile(profile) or load("zhejiang")
    return dict(full.value("mujun.class_names"))


def _year(r: Any) -> int | None:
    return getattr(r.record, "year", None)


# ----------------------------------------------------------------------------- 公示


def write_notice_workbook(results: Iterable[Any], path: Path, year: int, *,
                          profile: Any = None, as_of: date | str | None = None,
                          scope: str = "", issuer: str = "") -> Path:
    """The 公示 list of data year ``year``: a sheet per cohort (规上企业, 规下企业) listing each
    graded firm's name and class, sorted by class then name (the order says nothing), with
    no score or rank; the firms not graded (参评但不分类, 数据不全 …) are counted under the
    title. ``scope`` names the park or county in the title (“黄岩经济开发区”); ``issuer``
    stands where objections go. ``profile`` (a Profile or its identity) gives the classes'
    names and the 说明 sheet's sources. A result of another data year is left out."""
    names = class_names(profile)
    graded: dict[str, list[tuple[str, str]]] = {c: [] for c in PUBLISHED}
    others = 0
    for r in results:
        if _year(r) not in (None, year):
            continue
        m = r.mujun
        if m.get("class") in names and m.get("cohort") in graded:
            graded[m["cohort"]].append((m["class"], r.record.name))
        else:
            others += 1
    wb = Workbook(write_only=True)
    graded = {c: f for c, f in graded.items() if f or c in (ABOVE, BELOW)}
    for cohort, firms in graded.items():
        firms.sort(key=lambda f: (CLASSES.index(f[0]), f[1]))
        counts = "，".join(f"{c} 类 {n} 家" for c in CLASSES
                          if (n := sum(1 for k, _ in firms if k == c)))
        title = f"{scope}{year} 年度工业企业亩均效益综合评价\n分类结果（{COHORT_LABELS[cohort]}）"
        note = (f"排名不分先后（同一类别内按企业名称排列）。共 {len(firms)} 家"
                + (f"：{counts}" if counts else "") + "。")
        table = Table(wb, SHEET_NAMES[cohort], ["序号", "企业名称", "评价类别", "类别名称"],
                      class_col=2, freeze=2, above=[title, note], center=[0],
                      heading=title.replace("\n", ""),
                      landscape=False)  # a list of four columns: an A4 page upright
        for n, (k, name) in enumerate(firms, 1):
            table.append([n, name, k, names[k]])
        table.close()
        ws = table.ws
        objection = (f"公示期：＿＿年＿＿月＿＿日至＿＿年＿＿月＿＿日。对分类结果有异议的，请在公示期内"
                     f"向{issuer or '＿＿＿＿＿＿＿＿'}书面反映（联系电话：＿＿＿＿＿＿＿＿）。")
        objection = wrap_lines(objection, int(sum(table.width.values())) - 6)
        at = table.head_row + table.rows + 1
        ws.row_dimensions[at].height = 15 * (objection.count("\n") + 1) + 8
        ws.append([cell(ws, objection, alignment=Alignment(wrap_text=True, vertical="center"))])
        ws.merged_cells.add(f"A{at}:D{at}")
    facts = [("列入名单", "、".join(f"{COHORT_LABELS[c]} {len(f)} 家" for c, f in graded.items()))]
    if others:
        facts.append(("未列入", (f"{others} 家：参评但不分类、数据不全或不在评价范围的企业不列入"
                               "分类名单（见结果工作簿的“评价状态”“说明”列）。")))
    write_notes(wb, f"{scope}{year} 年度亩均效益综合评价分类结果（公示名单）", Notes(
        profile, [year], as_of, facts,
        ["本名单只列企业名称和评价类别，不列得分和排名；同一类别内按企业名称排列，排名不分先后。",
         "类别名称按所用评价配置；各县（市、区）的叫法可能不同，以当地公布为准。"],
        topics=("mujun.",)))
    path = Path(path)
    wb.save(path)
    return path


# ----------------------------------------------------------------------------- 一企一单

# Always listed, blank or not: who the firm is and what the 亩均 class and the rectification
# signs are made from. Any other field is listed when the firm gave it; the blank ones that
# only the SME ladder or the digital recognitions use are named in one line under the table
# (the rule of the PDF sheet, desktop/reports/notices.py, so both list the same figures).
ALWAYS = frozenset(f.id for f in ENTERPRISE_FIELDS
                   if f.group == "基本信息" and f.id != "mountain_island"
                   or MUJUN in f.needed_by or RECT in f.needed_by)
Rows = list[tuple[str, list[tuple[Field, Any]]]]


def confirmation_rows(record: Any) -> tuple[Rows, list[str]]:
    """A firm's figures to confirm, by catalogue group: [(group, [(field, value)])] with each
    project as a group of its own (新上项目 1 …), and the labels of the optional fields it
    left blank."""
    values = record.values
    groups: Rows = []
    blank: list[str] = []
    for g in grouped(ENTERPRISE_FIELDS):
        rows = []
        for f in g.fields:
            v = values.get(f.id)
            if f.id in ALWAYS or v not in (None, ""):
                rows.append((f, v))
            elif SME in f.needed_by or DIGITAL in f.needed_by:
                blank.append(f.label)
        if rows:
            groups.append((g.name, rows))
    for n, p in enumerate(getattr(record, "projects", ()) or (), 1):
        groups.append((f"新上项目 {n}", [(f, p.values.get(f.id)) for f in PROJECT_FIELDS
                                        if f.id not in ("credit_code", "year")]))
    return groups, blank


NOT_GIVEN = "未填报"


def figure(f: Field, value: Any) -> tuple[Any, str | None]:
    """(cell value, number format) of a figure on the form: amounts stay numbers (two
    decimals with separators, whole numbers for counts, a year as it is), a yes/no in words,
    an industry code with its name, several choices joined; 未填报 when blank."""
    if value is None or value == "":
        return NOT_GIVEN, None
    if f.id == "industry_code":
        return industry_label(str(value)), TEXT
    if isinstance(value, bool):
        return ("是" if value else "否"), None
    if isinstance(value, (set, frozenset, tuple, list)):
        return "、".join(sorted(map(str, value))) or NOT_GIVEN, None
    if isinstance(value, (int, float)) and f.is_numeric:
        if not f.unit:  # a year
            return value, "0"
        return value, ("#,##0" if f.kind is Kind.INT else MONEY)
    return str(value), TEXT if f.id == "credit_code" else None


def _label(f: Field) -> tuple[str, str]:
    """(item, unit): the label without the unit it may carry, and the unit (— for none)."""
    unit = f.unit
    return (f.label.replace(f"（{unit}）", "") if unit else f.label), (unit or "—")


# Two figures a row, as paper confirmation forms are laid out (and the PDF sheet): a firm's
# 25–60 figures then fit one A4 page upright.
PAIR_HEADS = ("数据项", "单位", "评价采用数值", "确认（√）", "更正为")
PAIR_WIDTHS = (16, 7, 16, 8, 11)
CONFIRM_HEADS = PAIR_HEADS * 2
CONFIRM_WIDTHS = PAIR_WIDTHS * 2
GROUP_FILL = PatternFill("solid", fgColor="F2F4F7")


def write_confirmation_workbook(results: Iterable[Any], path: Path, *, profile: Any = None,
                                as_of: date | str | None = None, scope: str = "",
                                issuer: str = "", deadline: str = "") -> Path:
    """一企一单: a 回收登记 sheet (one row per firm, to note when its form came back and
    whether it corrected anything) and a 确认单 sheet with one block per firm, each printed
    on its own A4 page: the firm, then its figures by group (``confirmation_rows``), two a
    row, each with its unit, the value used (未填报 when blank), a 确认（√） and a 更正为
    column; the blank optional fields named; what to do; lines for the firm's signature and
    seal and the park's 经办人. ``results`` are ``EnterpriseResult``s or anything with a
    ``record`` holding the figures (``Store.record(code, year)`` for a stored firm) — a
    ``StoredResult`` alone is refused (``TypeError``). ``issuer`` is who sends the forms out
    (and takes them back, by ``deadline``)."""
    firms = list(results)
    for r in firms:
        if not hasattr(r.record, "values"):
            raise TypeError("一企一单需要企业的填报数据（rules.record.Record），"
                            "已存的企业请用 Store.record(信用代码, 年度) 读取")
    wb = Workbook(write_only=True)
    years = sorted({y for r in firms if (y := _year(r)) is not None})
    title = f"{scope}亩均效益评价数据确认单" + (f"（{'、'.join(map(str, years))} 年度）" if years else "")
    log = Table(wb, "回收登记", ["序号", "企业名称", "统一社会信用代码", "数据年度", "交回日期",
                                 "确认结果（无误 / 有更正）", "经办人", "备注"],
                text=[2], freeze=2, heading=f"{title}回收登记", center=[0, 3],
                least={4: 14, 5: 16, 6: 12, 7: 24})  # room to write by hand
    for n, r in enumerate(firms, 1):
        log.append([n, r.record.name, r.record.credit_code, _year(r), None, None, None, None])
    log.close()
    _forms(wb, firms, title, issuer, deadline)
    write_notes(wb, title, Notes(
        profile, years, as_of,
        [("企业数", f"{len(firms)} 家，每家一页（“确认单”工作表，按页打印）")],
        [("“评价采用数值”是本次评价所用的数据：金额单位为万元，保留两位小数；“未填报”表示评价时没有"
          "这项数据。"),
         ("请企业逐项核对，无误的打“√”，有误的填写“更正为”并附证明材料；园区收回后在“回收登记”"
          "中登记，按更正后的数据重新导入并评价。")],
        topics=("mujun.", "energy.", "emission.", "rect.")))
    path = Path(path)
    wb.save(path)
    return path


def _forms(wb: Workbook, firms: list[Any], title: str, issuer: str, deadline: str) -> None:
    """The 确认单 sheet: a block per firm, a page break after each."""
    ws = wb.create_sheet("确认单")
    for c, w in enumerate(CONFIRM_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    print_setup(ws, title, None, landscape=False)
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.oddHeader.center.text = ""
    ncols, half = len(CONFIRM_WIDTHS), len(PAIR_WIDTHS)
    full = sum(CONFIRM_WIDTHS) - 2
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    mid = Alignment(horizontal="center", vertical="center", wrap_text=True)
    right = Alignment(horizontal="right", vertical="center", wrap_text=True)
    small = Font(size=10)
    row = 0

    def put(values: list[Any], lines: int = 1, merge: Iterable[tuple[int, int]] = (),
            line: float = 13) -> None:
        nonlocal row
        row += 1
        ws.row_dimensions[row].height = line * lines + 4
        ws.append(values)
        for a, b in merge:
            ws.merged_cells.add(f"{get_column_letter(a)}{row}:{get_column_letter(b)}{row}")

    def text(t: str, width: int = full, **style: Any) -> tuple[Any, int]:
        t = wrap_lines(t, width)
        style.setdefault("alignment", wrap)
        return cell(ws, t, **style), t.count("\n") + 1

    def pair(f: Field, value: Any) -> tuple[list[Any], int]:
        item, unit = _label(f)
        item = wrap_lines(item, PAIR_WIDTHS[0] - 1)
        shown, fmt = figure(f, value)
        if isinstance(shown, str):
            shown = wrap_lines(shown, PAIR_WIDTHS[2] - 1)
        v = cell(ws, shown, border=box, alignment=right,
                 font=Font(size=10, color="9C0006" if shown == NOT_GIVEN else None))
        if fmt:
            v.number_format = fmt
        lines = max(item.count("\n"), str(shown).count("\n")) + 1
        return [cell(ws, item, border=box, alignment=wrap, font=small),
                cell(ws, unit, border=box, alignment=mid, font=small),
                v, cell(ws, None, border=box), cell(ws, None, border=box)], lines

    for n, r in enumerate(firms, 1):
        rec = r.record
        put([cell(ws, title, font=Font(bold=True, size=15), alignment=mid)], 1, [(1, ncols)], 24)
        put([cell(ws, f"编号：{n:04d}", alignment=Alignment(horizontal="right"))], 1,
            [(1, ncols)])
        firm, a = text(f"企业名称：{rec.name or '（未填企业名称）'}", sum(CONFIRM_WIDTHS[:6]) - 2,
                       font=BOLD)
        code, b = text(f"统一社会信用代码：{rec.credit_code or '未填报'}",
                       sum(CONFIRM_WIDTHS[6:]) - 2)
        put([firm, *[None] * 5, code], max(a, b), [(1, 6), (7, ncols)])
        where = "、".join(x for x in (getattr(rec, "county", None), getattr(rec, "park", None)) if x)
        put([cell(ws, f"所在地：{where or NOT_GIVEN}", alignment=wrap), *[None] * 5,
             cell(ws, f"数据年度：{_year(r) or NOT_GIVEN}", alignment=wrap)], 1,
            [(1, 6), (7, ncols)])
        put([cell(ws, h, font=BOLD, fill=HEAD_FILL, alignment=mid, border=box)
             for h in CONFIRM_HEADS], 2)
        groups, blank = confirmation_rows(rec)
        for name, items in groups:
            put([cell(ws, name, font=BOLD, fill=GROUP_FILL, border=box),
                 *(cell(ws, None, border=box, fill=GROUP_FILL) for _ in range(ncols - 1))], 1,
                [(1, ncols)])
            for k in range(0, len(items), 2):
                left, a = pair(*items[k])
                if k + 1 < len(items):
                    right_half, b = pair(*items[k + 1])
                else:
                    right_half, b = [cell(ws, None, border=box) for _ in range(half)], 1
                put([*left, *right_half], max(a, b))
        if blank:
            c, lines = text("以下数据未填报（用于梯度培育、数字化认定等自评；如有请补充）："
                            + "、".join(blank) + "。", font=Font(size=9))
            put([c], lines, [(1, ncols)])
        how = ("请逐项核对：数值无误的在“确认（√）”栏打“√”；有误的在“更正为”栏填写正确数值（单位同左），"
               "并附证明材料（如完税证明、统计报表、不动产权证）。")
        if deadline or issuer:
            how += f"请于{deadline or '规定时间'}前签字盖章后交回{issuer or '园区'}。"
        c, lines = text(how)
        put([c], lines, [(1, ncols)])
        put([cell(ws, "企业负责人（签字）：＿＿＿＿＿＿＿＿＿＿", alignment=wrap), *[None] * 5,
             cell(ws, "企业（盖章）", alignment=wrap)], 2, [(1, 6), (7, ncols)])
        put([cell(ws, "联系人：＿＿＿＿＿＿  联系电话：＿＿＿＿＿＿＿＿", alignment=wrap), *[None] * 5,
             cell(ws, "日期：＿＿＿＿年＿＿月＿＿日", alignment=wrap)], 2, [(1, 6), (7, ncols)])
        put([cell(ws, f"{issuer or '园区'}经办人（签字）：＿＿＿＿＿＿＿＿＿＿", alignment=wrap),
             *[None] * 5, cell(ws, "日期：＿＿＿＿年＿＿月＿＿日", alignment=wrap)], 2,
            [(1, 6), (7, ncols)])
        if n < len(firms):
            ws.row_breaks.append(Break(id=row))

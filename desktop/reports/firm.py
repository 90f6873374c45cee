"""The firm report: one PDF that renders a firm's result tree, with every citation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from desktop.reports.layout import (
    CLASS_COLOURS,
    FONT,
    LINE,
    MARGINS,
    MUTED,
    OUTCOME_COLOURS,
    TEXT_WIDTH,
    build,
    esc,
    indented,
    numbered_canvas,
    para,
    styles,
    table,
    visible,
)
from rules.assess import DISCLAIMER, EnterpriseResult
from rules.assessments.digital import RECOGNITIONS
from rules.assessments.mujun import COHORT_LABELS
from rules.assessments.rectification import REASON_TEXTS
from rules.assessments.sme import SIZE_NAMES, TIER_NAMES
from rules.catalogue import ENTERPRISE_FIELDS, label
from rules.engine import Node, ParamRef, fmt
from rules.industry import industry_label
from rules.schema import INDICATOR_NAMES
from rules.wording import (
    RESULT_WORDS,
    field_unit,
    input_text,
    node_gap,
    node_values,
    num,
    param_value,
    verdict,
)


class Refs:
    """Numbered citations: each distinct parameter once, listed at the end of the report."""

    def __init__(self) -> None:
        self.items: dict[tuple, int] = {}
        self.refs: list[ParamRef] = []

    def cite(self, refs: list[ParamRef]) -> str:
        out = []
        for r in refs:
            key = (r.key, repr(r.value), r.citation)
            if key not in self.items:
                self.refs.append(r)
                self.items[key] = len(self.refs)
            out.append(self.items[key])
        return " ".join(f"[{n}]" for n in sorted(set(out)))


def tree_rows(node: Node, refs: Refs, depth: int = 0, skip: tuple[str, ...] = ()) -> list[list[Any]]:
    """One row per node: label (indented), outcome, values, gap, citations; notes below."""
    if node.id in skip:
        return []
    outcome, tone = verdict(node)
    colour = MUTED if tone == "muted" else OUTCOME_COLOURS[tone]
    text = node.label + (f"\n{node.note}" if node.note else "") + \
        (f"\n※ 注意：{node.caveat}" if node.caveat else "")
    style = indented(depth, strong=node.kind in ("group", "any", "section") and bool(node.children))
    values, gap, cites = node_values(node), node_gap(node), refs.cite(node.params)
    rows = [[para(text, style), para(outcome, "cell", colour), para(values) if values else "",
             para(gap) if gap else "", para(cites, "small") if cites else ""]]
    for c in node.children:
        rows += tree_rows(c, refs, depth + 1, skip)
    return rows


TREE_WIDTHS = [62 * mm, 20 * mm, 40 * mm, 18 * mm, 16 * mm]
TREE_HEAD = ["条件", "结论", "数值与要求", "差距", "依据"]


def _tree_table(node: Node, refs: Refs, skip: tuple[str, ...] = ()) -> Any:
    return table([TREE_HEAD, *tree_rows(node, refs, skip=skip)], TREE_WIDTHS, zebra=True)


def _chart(inds: dict[str, dict[str, Any]]) -> Drawing | None:
    rows = [(INDICATOR_NAMES[i], x["ratio"]) for i, x in inds.items() if x.get("ratio") is not None]
    if not rows:
        return None
    height = 14 * mm + 8 * mm * len(rows)
    d = Drawing(TEXT_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 34 * mm, 8 * mm
    chart.width, chart.height = TEXT_WIDTH - 44 * mm, height - 14 * mm
    shown = [min(r, 3.0) for _, r in rows][::-1]
    chart.data = [shown]
    chart.categoryAxis.categoryNames = [n for n, _ in rows][::-1]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(1.5, max(shown) * 1.1)
    chart.valueAxis.labelTextFormat = lambda v: f"{v * 100:.0f}%"
    chart.bars[0].fillColor = colors.HexColor("#4C7DB8")
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: f"{v * 100:.0f}%"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    d.add(chart)
    scale = chart.width / chart.valueAxis.valueMax
    x = chart.x + scale * 1.0
    d.add(Line(x, chart.y - 2, x, chart.y + chart.height + 2, strokeColor=colors.HexColor("#B42318"),
               strokeDashArray=[3, 2], strokeWidth=0.8))
    d.add(String(x + 2, chart.y + chart.height + 3, "基准值 = 100%", fontName=FONT, fontSize=7,
                 fillColor=colors.HexColor("#B42318")))
    d.add(String(0, 0, "指标值 ÷ 基准值，以百分比表示（超过 300% 的按 300% 画出）", fontName=FONT, fontSize=7,
                 fillColor=MUTED))
    return d


def _summary_strip(r: EnterpriseResult) -> Any:
    m, s, rect, d = r.mujun, r.sme, r.rectification, r.digital
    if m["class"]:
        mujun = f"{m['class']} 类\n得分 {fmt(round(m['score'], 2))}"
        colour = CLASS_COLOURS[m["class"]]
    elif m["score"] is not None:
        mujun, colour = f"得分 {fmt(round(m['score'], 2))}\n暂无法分类", "#5F6B7A"
    elif m["status"] == "no_weights":
        mujun, colour = "本配置无权重\n不能计分", "#5F6B7A"
    elif m["status"] == "not_graded":
        mujun, colour = COHORT_LABELS.get(m["cohort"], "—"), "#5F6B7A"
    else:
        mujun, colour = "数据不全", "#5F6B7A"
    greens = r.green_channel
    green = "无新上项目" if not greens else \
        f"{sum(1 for g in greens if g['eligible'])}/{len(greens)} 个项目可享受"
    rect_text = ("不在整治范围" if rect["in_scope"] is False else
                 "存在整治情形" if rect["flagged"] else "未发现整治情形")
    digital = "、".join(RECOGNITIONS[x] for x in d["eligible"]) or "暂无可申报认定"
    cells = [("亩均效益", mujun, colour), ("节能审查绿色通道", green, None),
             ("梯度培育", TIER_NAMES[s["tier"]], None), ("高耗低效整治", rect_text,
                                                        "#B42318" if rect["flagged"] else None),
             ("数字化认定", digital, None)]
    head = [para(c[0], "cellhead") for c in cells]
    body = [para(c[1], "cell", c[2]) for c in cells]
    w = TEXT_WIDTH / 5
    return table([head, body], [w] * 5, extra=[("BOX", (0, 0), (-1, -1), 0.6, LINE)])


def _indicator_table(r: EnterpriseResult, refs: Refs) -> Any:
    tree = r.trees["mujun"]
    rows = [["指标", "填报值", "计算值", "基准值", "权重", "得分", "依据"]]
    for i, x in r.mujun["indicators"].items():
        node = tree.find(f"indicator.{i}")
        given = "；".join(input_text(k, v) for k, v in node.inputs.items() if v is not None)
        if node.missing:
            given += ("；" if given else "") + "缺 " + "、".join(label(k) for k in node.missing)
        rows.append([INDICATOR_NAMES[i], given, num(x["value"], node.unit),
                     num(x["benchmark"], node.unit), fmt(x["weight"]) if x["weight"] else "—",
                     "—" if x["points"] is None else fmt(round(x["points"], 2)) +
                     ("（均值）" if x.get("imputed") else ""), refs.cite(node.params)])
    return table(rows, [24 * mm, 46 * mm, 20 * mm, 20 * mm, 12 * mm, 18 * mm, 16 * mm], zebra=True)


def _inputs_table(r: EnterpriseResult) -> Any:
    cells = []
    for f in ENTERPRISE_FIELDS:
        v = getattr(r.record, f.id)
        if v is not None:
            cells.append((f.label, num(v, field_unit(f.id))))
    rows = [["项目", "填报值", "项目", "填报值"]]
    half = (len(cells) + 1) // 2
    for a, b in zip(cells[:half], [*cells[half:], ("", "")]):
        rows.append([a[0], a[1], b[0], b[1]])
    return table(rows, [46 * mm, 32 * mm, 46 * mm, 32 * mm], zebra=True)


def story(r: EnterpriseResult) -> list[Any]:
    st = styles()
    refs = Refs()
    rec, p = r.record, r.profile
    out: list[Any] = [
        Paragraph("亩均自评报告", st["title"]),
        Paragraph(esc(f"{rec.name or '（未填企业名称）'} · {rec.year} 年度数据 · 企业自评估算，非官方评价结果"),
                  st["subtitle"]),
        table([["企业名称", rec.name, "统一社会信用代码", rec.credit_code],
               ["国民经济行业代码", industry_label(rec.industry_code) if rec.industry_code else "—", "数据年度", str(rec.year)],
               ["所在县（市、区）", rec.county or "—", "所在园区/街道", rec.park or "—"]],
              [30 * mm, 48 * mm, 30 * mm, 48 * mm], head=False,
              extra=[("BOX", (0, 0), (-1, -1), 0.6, LINE)]),
        Spacer(1, 3 * mm),
        table([["评价配置", f"{p.name}（{p.id}）", "配置版本", p.version],
               ["配置生效日期", p.effective.isoformat(), "评估日期", r.as_of.isoformat()],
               ["配置哈希 sha256", p.sha256, "梯度规则", RESULT_WORDS.get(r.sme["rules"], r.sme["rules"])]],
              [30 * mm, 60 * mm, 22 * mm, 44 * mm], head=False,
              extra=[("BOX", (0, 0), (-1, -1), 0.6, LINE)]),
        Paragraph(esc(DISCLAIMER), st["note"]),
        *[Paragraph(esc(f"※ 注意：{n}"), st["base"]) for n in r.notes],
        _summary_strip(r),
        Paragraph("一、亩均效益评价", st["h1"]),
        Paragraph(esc(f"分组：{COHORT_LABELS.get(r.mujun['cohort'], r.mujun['cohort'])}。{r.mujun['reason']}"),
                  st["base"]),
    ]
    if r.mujun["indicators"]:
        out += [Paragraph(esc(r.trees["mujun"].find("indicators").label), st["h2"]),
                _indicator_table(r, refs)]
        chart = _chart(r.mujun["indicators"])
        if chart is not None:
            out += [Spacer(1, 2 * mm), chart]
    out += [Paragraph("评价过程", st["h2"]), _tree_table(r.trees["mujun"], refs, skip=("indicators",))]
    out += [Paragraph("二、节能审查绿色通道", st["h1"])]
    if r.project_trees:
        for t in r.project_trees:
            out += [_tree_table(t, refs), Spacer(1, 2 * mm)]
    else:
        out.append(Paragraph("未填报新上项目。", st["base"]))
    sme = r.sme
    out += [Paragraph("三、优质中小企业梯度培育", st["h1"]),
            Paragraph(esc(f"企业规模：{SIZE_NAMES.get(sme['size'] or '', '未知')}；当前层级："
                          f"{TIER_NAMES[sme['tier']]}；适用规则："
                          f"{RESULT_WORDS.get(sme['rules'], sme['rules'])}"), st["base"]),
            _tree_table(r.trees["sme"], refs),
            Paragraph("四、高耗低效企业整治", st["h1"]),
            _tree_table(r.trees["rectification"], refs),
            Paragraph("五、数字化水平与认定", st["h1"]),
            _tree_table(r.trees["digital"], refs)]
    out += [Paragraph("六、怎样才能更进一步", st["h1"]), *_moving_up(r)]
    out += [Paragraph("七、填报数据", st["h1"]), _inputs_table(r)]
    if r.missing_inputs:
        out.append(Paragraph(esc("缺少的数据（相关条件为“未知”，不按 0 计）：" +
                                 "、".join(label(m) for m in r.missing_inputs)), st["note"]))
    out += [Paragraph("八、依据", st["h1"])]
    for n, ref in enumerate(refs.refs, start=1):
        value = param_value(ref.key, ref.value, ref.unit)
        out.append(Paragraph(esc(f"[{n}] {ref.name} = {value}；{ref.citation}；生效 {ref.effective}"
                                 f"；可信度 {ref.confidence}"), st["small"]))
    out.append(Paragraph(esc(DISCLAIMER + " 可信度：H 为官方文本，M 为可靠的二手来源，L 为可编辑的默认值。"),
                         st["note"]))
    return out


def _moving_up(r: EnterpriseResult) -> list[Any]:
    st = styles()
    out: list[Any] = []
    lift = r.mujun.get("lift")
    mj = r.trees["mujun"]
    if lift:
        head = mj.find("lift")
        out.append(Paragraph(esc(f"亩均效益：{head.label}。{head.note}"), st["base"]))
        rows = [["单独改善的指标", "需达到", "相应变化"]]
        for c in head.children:
            need = num(c.threshold, c.unit) if c.threshold is not None else ""
            rows.append([c.label, need, c.note])
        out.append(table(rows, [40 * mm, 36 * mm, 80 * mm], zebra=True))
    elif r.mujun["class"] == "A":
        out.append(Paragraph("亩均效益已为 A 类。", st["base"]))
    else:
        out.append(Paragraph("亩均效益：没有分类得分线或可排名的同类企业，无法估算升类所需变化；"
                             "可载入园区发布的基准值与得分线后再自评。", st["base"]))
    nxt = r.sme.get("next_tier")
    if nxt:
        out.append(Paragraph(esc(f"梯度培育：距“{TIER_NAMES[nxt]}”尚需满足或补充以下条件："), st["base"]))
        for line in r.sme["criteria"][:20]:
            out.append(Paragraph(esc("· " + line), st["cell"]))
    if r.rectification["flagged"]:
        out.append(Paragraph(esc("高耗低效整治：存在情形 " + "、".join(
            REASON_TEXTS[x] for x in r.rectification["reasons"]) + "；提高亩均税收和增加值是退出整治清单的主要途径。"),
            st["base"]))
    return out


def write_firm_report(result: EnterpriseResult, path: Path) -> Path:
    """The firm's PDF at ``path``; raises ``ReportError`` when it cannot be laid out."""
    rec = result.record
    name = rec.name or ""
    name = visible(name if len(name) <= 40 else name[:40] + "…")  # one header line; whole on p. 1
    canvas_cls = numbered_canvas(f"亩均自评报告 · {name} · {rec.credit_code or ''}",
                                 f"配置 {result.profile.id} {result.profile.version} · 自评估算，以主管部门公布结果为准")

    def make(part: Path) -> None:
        doc = SimpleDocTemplate(str(part), pagesize=(210 * mm, 297 * mm), **MARGINS,
                                title=f"亩均自评报告 {rec.name} {rec.year}", author="亩均自评 mujun",
                                subject="企业自评估算，非官方评价结果")
        doc.build(story(result), canvasmaker=canvas_cls)

    return build(path, make, f"{name or '（未填企业名称）'}（{rec.credit_code}）的报告")

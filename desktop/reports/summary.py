"""The park summary: classes by cohort, cut-off scores, indicator means, flagged firms, green
channel projects, SME tiers and the rows rejected at import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from desktop.reports.layout import (
    CLASS_COLOURS,
    FONT,
    MARGINS,
    TEXT_WIDTH,
    build,
    esc,
    numbered_canvas,
    styles,
    table,
)
from rules.assess import DISCLAIMER, EnterpriseResult
from rules.assessments.green_channel import VERDICTS
from rules.assessments.mujun import ABOVE, BELOW, COHORT_LABELS
from rules.assessments.rectification import REASON_TEXTS
from rules.assessments.sme import TIER_NAMES, TIERS
from rules.schema import BY_KEY, COHORT_INDICATORS, INDICATOR_NAMES
from rules.wording import num, project_intensity

LIST_LIMIT = 200  # rows listed per section; the results workbook has them all


@dataclass
class ParkSummary:
    """What the summary shows, gathered one result at a time (no trees kept)."""

    profile: dict[str, str]
    as_of: date
    title: str = "园区亩均效益评价汇总"
    firms: int = 0
    cohorts: dict[str, dict[str, int]] = field(default_factory=dict)
    lowest: dict[str, dict[str, float]] = field(default_factory=dict)
    sums: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    flagged: list[tuple[str, str, str]] = field(default_factory=list)
    flagged_total: int = 0
    projects: list[tuple[str, str, str, str]] = field(default_factory=list)
    project_total: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    rejected_total: int = 0
    notes: dict[str, int] = field(default_factory=dict)  # benchmarks of another year … → firms

    def add(self, r: EnterpriseResult) -> None:
        m = r.mujun
        self.firms += 1
        for note in r.notes:
            self.notes[note] = self.notes.get(note, 0) + 1
        counts = self.cohorts.setdefault(m["cohort"], {})
        key = m["class"] or ("未分类" if m["status"] == "scored" else "未计分")
        counts[key] = counts.get(key, 0) + 1
        if m["class"] in ("A", "B", "C", "D") and m["score"] is not None:
            low = self.lowest.setdefault(m["cohort"], {})
            low[m["class"]] = min(low.get(m["class"], m["score"]), m["score"])
        if m["status"] == "scored":
            for i, x in m["indicators"].items():
                if x["value"] is not None and not x.get("imputed"):
                    self.sums.setdefault(m["cohort"], {}).setdefault(i, [0.0, 0])
                    s = self.sums[m["cohort"]][i]
                    s[0] += x["value"]
                    s[1] += 1
        rec = r.record
        if r.rectification["flagged"]:
            self.flagged_total += 1
            if len(self.flagged) < LIST_LIMIT:
                self.flagged.append((rec.name, rec.credit_code, "、".join(
                    REASON_TEXTS[x] for x in r.rectification["reasons"])))
        for g in r.green_channel:
            self.project_total += 1
            if len(self.projects) < LIST_LIMIT:
                self.projects.append((rec.name, g["project"], project_intensity(g),
                                      VERDICTS[g["eligible"]]))
        self.tiers[r.sme["tier"]] = self.tiers.get(r.sme["tier"], 0) + 1

    def reject(self, sheet: str, row: int, reason: str) -> None:
        self.rejected_total += 1
        if len(self.rejected) < LIST_LIMIT:
            self.rejected.append((sheet, row, reason))


def _class_chart(s: ParkSummary) -> Drawing:
    d = Drawing(TEXT_WIDTH, 58 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, TEXT_WIDTH - 60 * mm, 42 * mm
    cohorts = [c for c in (ABOVE, BELOW) if c in s.cohorts]
    chart.data = [[s.cohorts[c].get(k, 0) for c in cohorts] for k in "ABCD"]
    chart.categoryAxis.categoryNames = [COHORT_LABELS[c] for c in cohorts]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    for n, k in enumerate("ABCD"):
        chart.bars[n].fillColor = colors.HexColor(CLASS_COLOURS[k])
        chart.bars[n].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = TEXT_WIDTH - 40 * mm, 48 * mm
    legend.fontName, legend.fontSize = FONT, 8
    legend.columnMaximum = 4
    legend.colorNamePairs = [(colors.HexColor(CLASS_COLOURS[k]), f"{k} 类") for k in "ABCD"]
    d.add(legend)
    return d


def story(s: ParkSummary) -> list[Any]:
    st = styles()
    p = s.profile
    out: list[Any] = [
        Paragraph(esc(s.title), st["title"]),
        Paragraph(esc(f"配置 {p['id']} {p['version']} · 评估日期 {s.as_of.isoformat()} · 企业自评估算汇总"),
                  st["subtitle"]),
        table([["评估企业", str(s.firms), "导入时被拒绝的行", str(s.rejected_total)],
               ["高耗低效整治情形", str(s.flagged_total), "新上项目", str(s.project_total)],
               ["配置哈希 sha256", p["sha256"], "", ""]],
              [34 * mm, 52 * mm, 34 * mm, 36 * mm], head=False,
              extra=[("SPAN", (1, 2), (3, 2))]),
        Paragraph(esc(DISCLAIMER), st["note"]),
        *[Paragraph(esc(f"※ 注意：{note}（{n} 家）"), st["base"]) for note, n in s.notes.items()],
        Paragraph("一、分组与分类", st["h1"]),
    ]
    keys = ["A", "B", "C", "D", "未分类", "未计分"]
    rows = [["分组", *[f"{k} 类" if len(k) == 1 else k for k in keys], "合计"]]
    for cohort, counts in s.cohorts.items():
        rows.append([COHORT_LABELS.get(cohort, cohort), *[str(counts.get(k, 0)) for k in keys],
                     str(sum(counts.values()))])
    out += [table(rows, [44 * mm] + [14 * mm] * 7, zebra=True)]
    if any(s.cohorts.get(c, {}).get(k) for c in (ABOVE, BELOW) for k in "ABCD"):
        out += [Spacer(1, 2 * mm), _class_chart(s)]
    out += [Paragraph("二、分类得分线（各类最低得分）", st["h1"])]
    rows = [["分组", "A 类最低", "B 类最低", "C 类最低", "D 类最低"]]
    for cohort, low in s.lowest.items():
        rows.append([COHORT_LABELS[cohort], *[num(low.get(k), "分") for k in "ABCD"]])
    out.append(table(rows, [44 * mm, 28 * mm, 28 * mm, 28 * mm, 28 * mm], zebra=True) if len(rows) > 1
               else Paragraph("没有按排名或得分线分类的企业。", st["base"]))
    out += [Paragraph("三、指标平均值（可作下一年度基准值参考）", st["h1"])]
    rows = [["分组", "指标", "平均值", "企业数"]]
    for cohort, ids in COHORT_INDICATORS.items():
        for i in ids:
            total, n = s.sums.get(cohort, {}).get(i, (0.0, 0))
            if n:
                unit = BY_KEY[f"mujun.{cohort}.{i}.benchmark"].unit
                rows.append([COHORT_LABELS[cohort], INDICATOR_NAMES[i], num(total / n, unit), str(n)])
    out.append(table(rows, [44 * mm, 50 * mm, 36 * mm, 26 * mm], zebra=True))
    out += [Paragraph("四、优质中小企业梯度", st["h1"]),
            table([["层级", "企业数"], *[[TIER_NAMES[t], str(s.tiers.get(t, 0))] for t in TIERS]],
                  [80 * mm, 30 * mm], zebra=True)]
    out += _listing("五、存在高耗低效整治情形的企业", ["企业名称", "统一社会信用代码", "情形"],
                    s.flagged, s.flagged_total, [52 * mm, 46 * mm, 58 * mm])
    out += _listing("六、新上项目节能审查绿色通道", ["企业名称", "项目", "单位增加值能耗", "结论"],
                    s.projects, s.project_total, [46 * mm, 40 * mm, 46 * mm, 24 * mm])
    out += _listing("七、导入时被拒绝的行", ["工作表", "行", "原因"],
                    [(a, str(b), c) for a, b, c in s.rejected], s.rejected_total,
                    [30 * mm, 14 * mm, 112 * mm])
    return out


def _listing(title: str, head: list[str], rows: list, total: int, widths: list) -> list[Any]:
    st = styles()
    out: list[Any] = [Paragraph(esc(title), st["h1"])]
    if not rows:
        return out + [Paragraph("无。", st["base"])]
    out.append(table([head, *[list(r) for r in rows]], widths, zebra=True))
    if total > len(rows):
        out.append(Paragraph(esc(f"共 {total} 条，此处列出前 {len(rows)} 条，全部见结果工作簿。"), st["small"]))
    return out


def write_park_summary(summary: ParkSummary, path: Path) -> Path:
    """The park summary PDF at ``path``; raises ``ReportError`` when it cannot be laid out."""
    def make(part: Path) -> None:
        doc = SimpleDocTemplate(str(part), pagesize=(210 * mm, 297 * mm), **MARGINS,
                                title=summary.title, author="亩均自评 mujun")
        doc.build(story(summary), canvasmaker=numbered_canvas(
            summary.title, f"配置 {summary.profile['id']} {summary.profile['version']} · 自评估算汇总"))

    return build(path, make, "园区汇总")

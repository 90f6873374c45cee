"""The firm report (评价结果告知书): page 1 is the verdict a firm's boss reads in half a minute —
the 亩均 class, large, with its meaning, score, rank and what it implies; one line per
assessment with its verdict and main reason; the three most effective actions with amounts;
the data that was missing and what that changed; the disclaimer and, when a park issues it,
a sign-off. The pages after it hold what an official checks — the indicator table and chart,
the SME ladder's current and next tier, the green channel per project, the rectification
triggers, the digital recognitions, the 工业碳效 (CO₂ by energy carrier with its factors,
intensity, level and grade) — and the policy documents the tables cite by number.
Every criterion of every tier is an appendix on request. The profile's version and checksum
are in the footer of the last page, for audit.
"""

from __future__ import annotations

import math
from datetime import date as Date
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from desktop.reports import sources
from desktop.reports.layout import (
    CLASS_COLOURS,
    FONT,
    LINE,
    MARGINS,
    MUTED,
    TEXT_WIDTH,
    NeedRoom,
    Text,
    build,
    esc,
    grid,
    headed,
    indented,
    numbered_canvas,
    styles,
    table,
    text,
    visible,
)
from desktop.reports.sources import Documents
from forms.firm import SAMPLE_NOTE
from rules.assess import DISCLAIMER, EnterpriseResult
from rules.assessments import carbon
from rules.assessments.digital import RECOGNITIONS
from rules.assessments.mujun import (
    COHORT_LABELS,
    DEFERRED,
    EXCLUDED,
    INCOMPLETE,
    NO_WEIGHTS,
    OUT,
    UNGROUPED,
)
from rules.assessments.rectification import REASON_TEXTS
from rules.assessments.sme import SIZE_NAMES, TIER_NAMES
from rules.catalogue import ENTERPRISE_FIELDS, label
from rules.engine import Ctx, Node, Outcome, ParamRef, blockers, fmt
from rules.indicators import BENCHMARK_MODE_WORDS, FIXED, INDICATORS
from rules.industry import industry_label
from rules.numbers import product, quotient
from rules.schema import COHORT_NAMES, INDICATOR_NAMES, PCT, RATIO
from rules.wording import (
    PROFILE_WORDS,
    RESULT_WORDS,
    brief,
    class_implication,
    field_unit,
    gap_text,
    input_text,
    node_gap,
    node_values,
    num,
    project_intensity,
    regrade_words,
    signed,
    verdict_meaning,
)

GOOD, BAD, UNKNOWN = "#1B7F3B", "#B42318", "#B54708"
TONES = {"good": GOOD, "bad": BAD, "unknown": UNKNOWN, "neutral": MUTED}
GREY = "#5F6B7A"
# unmet and unknown criteria first (what the firm has to work on), then met, then the rest
ORDER = {Outcome.UNMET: 0, Outcome.UNKNOWN: 1, Outcome.MET: 2, Outcome.NA: 3}
# Bars longer than this (indicator ÷ benchmark) are drawn to the chart's edge, broken, and
# labelled with their real value: one firm at 1,100 % would otherwise flatten every other bar.
CHART_LIMIT = 3.0
PAGE_HEIGHT = 297 * mm - MARGINS["topMargin"] - MARGINS["bottomMargin"] - 12  # frame padding


# ----------------------------------------------------------------------------- words


def profile_words(r: EnterpriseResult) -> str:
    """The profile by its words, with its county when the words do not name it."""
    p = r.profile
    words = PROFILE_WORDS.get(p.id) or visible(p.name)
    county = visible(p.county or "")
    return words if not county or county in words else f"{county}：{words}"


def class_names(r: EnterpriseResult) -> dict[str, str]:
    return r.profile.value("mujun.class_names", r.as_of) or {}


def class_text(r: EnterpriseResult) -> str:
    cls = r.mujun["class"]
    name = class_names(r).get(cls, "")
    return f"{cls} 类" + (f"（{name}）" if name else "")


def is_sample(r: EnterpriseResult) -> bool:
    return SAMPLE_NOTE in r.notes


def group_words(m: dict[str, Any]) -> str:
    """The industry group a firm was ranked in, as a phrase (“金属及机械装备”行业组), or ""."""
    g = m.get("group")
    if not g:
        return ""
    return "未列入本县行业组" if g == UNGROUPED else f"“{g}”行业组"


def rank_text(r: EnterpriseResult) -> str:
    """Where the firm ranks, and among whom (its industry group when the county ranks inside
    groups; the sample park's firms only among themselves)."""
    m = r.mujun
    cohort = COHORT_NAMES.get(m["cohort"], "同类企业")
    if m.get("rank"):
        among = "，只在示例企业之间排名" if is_sample(r) else ""
        group = group_words(m)
        return (f"在同年度{group + '的 ' if group else ' '}{m['population']} 家{cohort}中"
                f"排名第 {m['rank']} 名{among}")
    if m["class_basis"] == "cutoffs":
        return "按分类得分线分类（同类企业不足按排名分类所需的家数，未排名）"
    return ""


def no_class(r: EnterpriseResult) -> tuple[str, str]:
    """(what stands in the class box, why) for a firm without a class."""
    m = r.mujun
    if m["status"] == INCOMPLETE:
        missing = "、".join(label(x) for x in m.get("missing", []))
        return "数据不全", m["reason"] + (f"（缺少：{missing}）" if missing else "")
    if m["status"] == NO_WEIGHTS:
        return "不能计分", m["reason"]
    if m["cohort"] == EXCLUDED:
        return "不分类", m["reason"]
    if m["cohort"] == OUT:
        return "不参评", m["reason"]
    if m["cohort"] == DEFERRED:
        return "缓评", m["reason"]
    if m["score"] is None:
        return "不分类", m["reason"]
    try:  # scored, but no ranking and no cut-off scores
        why = r.trees["mujun"].find("class").note
    except KeyError:
        why = m["reason"]
    return "暂未分类", f"得分 {fmt(round(m['score'], 2))} 分；{why}"


def score_words(m: dict[str, Any]) -> str:
    """综合得分, and its parts when the county adds 加减分 to the indicator sum."""
    score = f"综合得分 {fmt(round(m['score'], 2))} 分"
    adjust = m.get("adjustments") or []
    if not adjust or m.get("indicator_points") is None:
        return score
    total = sum(a["points"] or 0.0 for a in adjust)
    return (score + f"（指标合计 {fmt(round(m['indicator_points'], 2))} 分，"
            f"加减分 {signed(total)} 分）")


def ratio_pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def key_indicator(r: EnterpriseResult) -> str:
    """The indicator that decides most: the weakest against its benchmark (the strongest for
    an A-class firm)."""
    inds = [(i, x) for i, x in r.mujun["indicators"].items()
            if x.get("ratio") is not None and x.get("weight") and not x.get("imputed")]
    if not inds:
        return ""
    best = r.mujun["class"] == "A"
    i, x = (max if best else min)(inds, key=lambda p: p[1]["ratio"])
    unit = r.trees["mujun"].find(f"indicator.{i}").unit
    return (f"{'最强' if best else '最弱'}的一项：{INDICATOR_NAMES[i]} {num(x['value'], unit)}，"
            f"为基准值 {num(x['benchmark'], unit)} 的 {ratio_pct(x['ratio'])}")


# ----------------------------------------------------------------------------- the six lines


CARBON_TONES = {"低": "good", "中": "neutral", "高": "bad"}
INTENSITY = "吨二氧化碳/万元"


def carbon_average(c: dict[str, Any]) -> str:
    """The industry average a grade was set against, with where it came from."""
    where = (f"本批同行业 {c['industry_firms']} 家企业" if c["basis"] == carbon.POPULATION and
             c.get("industry_firms") else carbon.BASIS_WORDS.get(c["basis"], ""))
    return f"行业平均 {num(c['industry_average'], INTENSITY, 4)}（{where}）"


def carbon_line(r: EnterpriseResult) -> tuple[str, str, str]:
    """(verdict, tone, reason) of the 工业碳效 line on page 1: level and grade, the intensity
    with its unit and the industry average with its basis; or why there is no grade or no
    level."""
    c = r.carbon
    if not c:
        return "未评估", "neutral", "本结果不含碳效评估"
    sign = "；碳效等级为“高”，列为高耗低效整治信号" if c.get("rectification_sign") else ""
    if c["level"] is None:
        return "未知", "unknown", c.get("reason") or "数据不全"
    intensity = f"碳排放强度 {num(c['intensity'], INTENSITY, 4)}"
    if c["grade"] is None:
        return f"{c['level']}（未定级）", CARBON_TONES[c["level"]], \
            f"{intensity}；{c['reason']}{sign}"
    return (f"碳效等级 {c['level']} · {c['grade']} 级", CARBON_TONES[c["level"]],
            f"{intensity}，{carbon_average(c)}，为其 {num(c['k'], '', 2)} 倍{sign}")


def assessment_lines(r: EnterpriseResult) -> list[tuple[str, str, str, str]]:
    """(assessment, verdict, tone, the single most important reason) for each assessment."""
    m, s, rect, d = r.mujun, r.sme, r.rectification, r.digital
    out = []
    if m["class"]:
        score = f"得分 {fmt(round(m['score'], 2))} 分"
        first = f"初评 {m['initial_class']} 类，已调档" if m.get("regrade") else ""
        out.append(("亩均效益评价", class_text(r), "bad" if m["class"] == "D" else "good"
                    if m["class"] == "A" else "neutral",
                    "；".join(x for x in (score, first, key_indicator(r)) if x)))
    else:
        box, why = no_class(r)
        out.append(("亩均效益评价", box, "unknown" if m["status"] == INCOMPLETE else "neutral", why))
    greens = r.green_channel
    if not greens:
        out.append(("节能审查绿色通道", "无新上项目", "neutral", "未填报新上项目"))
    else:
        ok = sum(1 for g in greens if g["eligible"])
        unsure = sum(1 for g in greens if g["eligible"] is None)
        tone = "unknown" if unsure else "good" if ok == len(greens) else "bad" if not ok else "neutral"
        first = next((g for g in greens if not g["eligible"]), greens[0])
        if first["eligible"]:
            limit = r.project_trees[0].find("green.intensity")
            why = (f"{first['project']}：单位工业增加值能耗 {project_intensity(first)}，"
                   f"低于 {num(limit.threshold, limit.unit)}")
        else:
            why = f"{first['project']}：" + (first["reason_texts"][0] if first["reason_texts"]
                                            else "不符合条件")
        out.append(("节能审查绿色通道", f"{ok}/{len(greens)} 个项目可享受", tone, why))
    if s["size"] == "large":
        out.append(("优质中小企业梯度培育", "不适用", "neutral", "大型企业不属于中小企业梯度培育范围"))
    else:
        tier = TIER_NAMES[s["tier"]]
        crit = s["criteria"]
        # a criterion missed by a stated amount says most, then any missed one
        first = next((c for c in crit if "，差 " in c), None) or \
            next((c for c in crit if "不满足" in c), crit[0] if crit else "")
        why = (f"距“{TIER_NAMES[s['next_tier']]}”：{first}" if s["next_tier"] and first else
               "已达最高层级" if not s["next_tier"] else "")
        out.append(("优质中小企业梯度培育", tier, "good" if s["tier"] != "none" else "neutral", why))
    tree = r.trees["rectification"]
    if rect["flagged"]:
        sign = tree.find(f"rect.{rect['reasons'][0]}")
        values = node_values(sign)
        why = "；".join(REASON_TEXTS[x] for x in rect["reasons"]) + \
            (f"（{sign.label} {values}）" if values and len(rect["reasons"]) == 1 else "")
        out.append(("高耗低效企业整治", "可能列入整治清单", "bad", why))
    elif rect["in_scope"] is False:
        scope = tree.find("rect.scope")
        off = next((c for c in scope.children if c.outcome is Outcome.UNMET), None)
        out.append(("高耗低效企业整治", "不在整治摸排范围", "neutral",
                    f"{off.label}：否" if off else scope.label))
    elif rect["unknown"] or rect["in_scope"] is None:
        n = len(rect["unknown"])
        out.append(("高耗低效企业整治", "无法完全判断", "unknown",
                    f"{n} 项整治情形因缺数据无法判断" if n else "缺数据，无法判断是否属于摸排范围"))
    else:
        out.append(("高耗低效企业整治", "未发现整治情形", "good", "各项整治情形均未触发"))
    level = f"数字化水平 {d['level']} 级" if d["level"] is not None else "数字化水平等级未知（缺评测得分）"
    if d["eligible"]:
        out.append(("数字化水平与认定", "可申报：" + "、".join(RECOGNITIONS[x] for x in d["eligible"]),
                    "good", level))
    else:
        block = blockers(r.trees["digital"].find("digital_workshop"))
        why = level + (f"；{brief(block[0])}" if block else "")
        out.append(("数字化水平与认定", "暂无可申报的认定", "neutral", why))
    out.append(("工业碳效", *carbon_line(r)))
    return out


# ----------------------------------------------------------------------------- actions


def mujun_actions(r: EnterpriseResult) -> list[tuple[float, str, str]]:
    """(relative size of the change, what to do, what it brings) for each way up one class,
    from the lift the rules computed: raising tax, value added or R&D, cutting energy,
    emissions or electricity — each alone enough, other figures unchanged."""
    lift = r.mujun.get("lift")
    if not lift:
        return []
    head = r.trees["mujun"].find("lift")
    target = lift["target_class"]
    name = class_names(r).get(target, "")
    effect = f"升至 {target} 类" + (f"（{name}）" if name else "")
    rec = r.record
    out = []
    for c in head.children:
        key = c.id.rsplit(".", 1)[-1]
        if c.id.startswith("lift.field.") and key in lift["fields"]:
            base = rec.get(key)
            share = lift["fields"][key]["delta"] / base if base else math.inf
            what = c.note.split("，同时提高")[0].split("，提高")[0]
            out.append((share, what, effect))
        elif key in lift["changes"] and "reduce_by" in lift["changes"][key]:
            x = r.mujun["indicators"][key]
            numerator = rec.get(INDICATORS[key].numerator)
            whole = numerator / x["value"] if numerator and x.get("value") else None
            share = lift["changes"][key]["reduce_by"] / whole if whole else math.inf
            out.append((share, c.note.split("，即")[0], effect))
    return sorted(out, key=lambda a: a[0])


def gap_actions(node: Node, goal: str) -> list[tuple[float, str, str]]:
    """Criteria of ``node`` (an SME tier, a digital recognition) the firm misses by a
    measurable amount, the smallest relative change first."""
    missed = blockers(node)
    out = []
    for n in missed:
        if n.outcome is not Outcome.UNMET or n.kind != "condition" or n.gap is None or \
                n.threshold is None or not n.op:
            continue
        if not isinstance(n.value, (int, float)) or isinstance(n.value, bool):
            continue
        up = n.op in ("≥", ">")
        verb = ("提高" if up else "降低") if n.unit in (RATIO, PCT) else ("增加" if up else "减少")
        what = f"{n.label}{verb} {gap_text(n.gap, n.unit)}（达到 {num(n.threshold, n.unit)}）"
        rest = len(missed) - 1
        effect = (f"满足“{goal}”的一项条件" +
                  (f"（另有 {rest} 项未满足或未知）" if rest else "，即可达到"))
        out.append((n.gap / (abs(n.threshold) or 1.0), what, effect))
    return sorted(out, key=lambda a: a[0])


def sme_actions(r: EnterpriseResult) -> list[tuple[float, str, str]]:
    nxt = r.sme.get("next_tier")
    return gap_actions(r.trees["sme"].find(nxt), TIER_NAMES[nxt]) if nxt else []


def digital_actions(r: EnterpriseResult) -> list[tuple[float, str, str]]:
    """The gaps to the first recognition the firm cannot yet apply for."""
    for key, name in RECOGNITIONS.items():
        node = r.trees["digital"].find(key)
        if node.outcome is not Outcome.MET:
            return gap_actions(node, f"{name}认定")
    return []


def actions(r: EnterpriseResult, n: int = 3) -> list[tuple[str, str]]:
    """The ``n`` most effective steps: moving up a 亩均 class first, then the SME ladder, then
    a digital recognition; a firm that cannot be scored is first told what to fill in, and
    one whose next tier is unknown for want of data, what data would tell."""
    out: list[tuple[str, str]] = []
    m = r.mujun
    if m["status"] == INCOMPLETE and m.get("missing"):
        out.append(("补充填报：" + "、".join(label(x) for x in m["missing"][:6]),
                    "之后才能计算亩均效益得分和分类"))
    out += [(what, effect) for _, what, effect in mujun_actions(r)]
    out += [(what, effect) for _, what, effect in sme_actions(r)]
    out += [(what, effect) for _, what, effect in digital_actions(r)]
    nxt = r.sme.get("next_tier")
    if nxt and len(out) < n:  # criteria of the next tier unknown for want of data
        unknown = [b for b in blockers(r.trees["sme"].find(nxt)) if b.outcome is Outcome.UNKNOWN]
        fields = list(dict.fromkeys(m for b in unknown for m in b.missing))
        if fields:
            out.append(("补充填报：" + "、".join(label(x) for x in fields[:4]) +
                        ("等" if len(fields) > 4 else ""),
                        f"才能判断能否达到“{TIER_NAMES[nxt]}”"))
    return out[:n]


# ----------------------------------------------------------------------------- missing data


def missing_effects(r: EnterpriseResult) -> list[str]:
    """What the missing data changed, one phrase per assessment it touched."""
    m, s, rect, d = r.mujun, r.sme, r.rectification, r.digital
    out = []
    if m["status"] == INCOMPLETE:
        out.append("亩均效益无法计分，没有分类")
    if any(x.get("imputed") for x in m["indicators"].values()):
        ind = r.trees["mujun"].find("indicator.value_added_per_emission")
        out.append(f"单位排放增加值：{ind.note or '缺排放数据，按同类企业平均得分计'}")
    unsure = [g for g in r.green_channel if g["eligible"] is None]
    if unsure:
        out.append(f"{len(unsure)} 个新上项目能否享受绿色通道无法判断")
    other = [t for t in r.project_trees if t.find("green.intensity_other").missing]
    if other:
        out.append(f"{len(other)} 个新上项目只能按一种能耗口径计算")
    unknown_tiers = [t for t, o in s["tiers"].items() if o == "unknown"]
    if unknown_tiers and s["size"] != "large":
        out.append("能否达到" + "、".join(f"“{TIER_NAMES[t]}”" for t in unknown_tiers) + "尚不能确定")
    if rect["unknown"]:
        out.append(f"{len(rect['unknown'])} 项高耗低效整治情形无法判断")
    if d["level"] is None:
        out.append("数字化水平等级未知，相关认定无法判断")
    if r.carbon and r.carbon["level"] is None:
        out.append("碳排放强度无法计算，没有碳效等级和级别")
    return out


# ----------------------------------------------------------------------------- page 1


def _style(name: str, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, parent=styles()["base"], **kw)


def verdict_box(r: EnterpriseResult) -> Any:
    """The class, large, on its colour, beside score, rank, meaning and implication."""
    m = r.mujun
    big = _style("big", fontSize=30, leading=36, alignment=TA_CENTER, textColor=colors.white)
    under = _style("under", fontSize=11, leading=15, alignment=TA_CENTER, textColor=colors.white)
    line = _style("line", fontSize=10, leading=15)
    if m["class"]:
        cls = m["class"]
        colour = CLASS_COLOURS[cls]
        left = [Text(f"{cls} 类", big),
                Text(class_names(r).get(cls, ""), under)]
        right = [Text(f"亩均效益评价：{class_text(r)}", _style("h", fontSize=12.5,
                                                                         leading=18)),
                 Text(f"{score_words(m)}；{rank_text(r)}", line)]
        if m.get("regrade"):
            right.append(Text(regrade_words(m), line, UNKNOWN))
        right.append(Text(f"这意味着：{class_implication(cls)}", line))
    else:
        box, why = no_class(r)
        colour = GREY
        left = [Text(box, _style("big2", fontSize=20, leading=26, alignment=TA_CENTER,
                                           textColor=colors.white)),
                Text("无亩均分类", under)]
        cohort = COHORT_LABELS.get(m["cohort"], "")
        right = [Text(f"亩均效益评价：{box}", _style("h", fontSize=12.5, leading=18)),
                 Text(f"原因：{why}", line)]
        if cohort and m["cohort"] not in (OUT, EXCLUDED, DEFERRED):
            right.append(Text(f"分组：{cohort}", line))
    t = table([[left, right]], [38 * mm, TEXT_WIDTH - 38 * mm], head=False,
              extra=[("BACKGROUND", (0, 0), (0, 0), colors.HexColor(colour)),
                     ("VALIGN", (0, 0), (0, 0), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.8, LINE),
                     ("LEFTPADDING", (1, 0), (1, 0), 8), ("TOPPADDING", (0, 0), (-1, -1), 6),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), 6)])
    return t


def identity_table(r: EnterpriseResult) -> Any:
    rec = r.record
    st = styles()
    m = r.mujun
    bench = f"基准值：{m['benchmark_year']} 年度" if m.get("benchmark_year") else ""
    method = {"percentile": "按同类企业得分排名分类", "cutoffs": "按分类得分线分类"}.get(
        m["class_basis"] or "", "")
    if method and m.get("group"):
        method = method.replace("同类企业", "同一行业组的同类企业")
    profile = "；".join(x for x in (profile_words(r), bench, method) if x)
    name = Text(rec.name or "（未填企业名称）", st["cell"])
    rows = [["企业名称", name, "", ""],
            ["统一社会信用代码", rec.credit_code or "—", "数据年度", f"{rec.year} 年度"],
            ["所在县（市、区）", rec.county or "—", "所在园区/街道", rec.park or "—"],
            ["行业", industry_label(rec.industry_code) if rec.industry_code else "—",
             "评估日期", r.as_of.isoformat()],
            ["评价口径", Text(profile, st["cell"]), "", ""]]
    return table(rows, [27 * mm, 55 * mm, 22 * mm, 52 * mm], head=False,
                 extra=[("SPAN", (1, 0), (3, 0)), ("SPAN", (1, 4), (3, 4)),
                        ("BOX", (0, 0), (-1, -1), 0.6, LINE),
                        ("TEXTCOLOR", (0, 0), (0, -1), MUTED), ("TEXTCOLOR", (2, 1), (2, 3), MUTED)])


def page_one(r: EnterpriseResult, issuer: str, report_no: str, issued: Date | None) -> list[Any]:
    st = styles()
    out: list[Any] = [Text("亩均效益评价结果告知书", st["title"]),
                      Text(f"企业自评估算 · 非官方评价结果 · {r.record.year} 年度数据",
                                st["subtitle"])]
    if report_no or issued:
        out.append(Text("　　".join(x for x in (
            f"编号：{report_no}" if report_no else "",
            f"日期：{issued.isoformat()}" if issued else "") if x),
            _style("no", fontSize=9, alignment=TA_RIGHT, textColor=MUTED, spaceAfter=2 * mm)))
    out += [identity_table(r), Spacer(1, 3 * mm), verdict_box(r), Spacer(1, 3 * mm)]
    rows: list[list[Any]] = [["评价项目", "结论", "主要原因"]]
    for name, said, tone, why in assessment_lines(r):
        rows.append([name, text(said, "cellhead", TONES[tone]), why or "—"])
    out.append(grid(rows, [30 * mm, 40 * mm, TEXT_WIDTH - 70 * mm], zebra=True))
    steps = actions(r)
    out.append(Text("最有效的措施" if len(steps) > 1 else "措施", st["sub"]))
    if steps:
        rows = [["", "需要做到（其他数据不变）", "效果"]]
        rows += [[f"{n}", what, effect] for n, (what, effect) in enumerate(steps, start=1)]
        out.append(grid(rows, [7 * mm, 95 * mm, TEXT_WIDTH - 102 * mm]))
    else:
        out.append(Text("亩均效益已为最高类别，梯度培育也没有可量化的差距；保持现有水平即可。"
                        if r.mujun["class"] == "A" else
                        "没有可以量化的升级措施（见第 2 页起的说明）。", st["base"]))
    missing = r.missing_inputs
    out.append(Text("缺少的数据", st["sub"]))
    if missing:
        names = "、".join(label(x) for x in missing[:6]) + ("等" if len(missing) > 6 else "")
        effects = missing_effects(r)
        words = f"缺少 {len(missing)} 项：{names}。" + \
            (f"影响：{'；'.join(effects)}。" if effects else "") + \
            "缺少的数据按“未知”处理，不按 0 计；补齐后结论可能变化。"
    else:
        words = "填报数据齐全，所有条件都按填报值判断。"
    out.append(Text(words, st["cell"]))
    for n in r.notes:
        out.append(Text(f"※ 注意：{n}", st["cell"]))
    out.append(Paragraph(esc(DISCLAIMER), st["note"]))
    if issuer or report_no or issued:
        day = issued.isoformat() if issued else "　　　　年　　月　　日"
        out.append(table([[f"出具单位：{issuer or '　' * 8}（盖章）", "经办人：" + "＿" * 6,
                           f"日期：{day}"]],
                         [70 * mm, 40 * mm, TEXT_WIDTH - 110 * mm], head=False,
                         extra=[("LINEBELOW", (0, 0), (-1, -1), 0, colors.white),
                                ("TOPPADDING", (0, 0), (-1, -1), 6)]))
    return out


# ----------------------------------------------------------------------------- detail pages


TREE_WIDTHS = [55 * mm, 26 * mm, 41 * mm, 20 * mm, 14 * mm]
TREE_HEAD = ["条件", "结论", "数值与要求", "差距", "依据"]


def tree_rows(node: Node, docs: Documents, depth: int = 0, skip: tuple[str, ...] = (),
              signs: bool = False, ordered: bool = False, max_depth: int | None = None
              ) -> list[list[Any]]:
    """One row per node: label (indented, with its note and caveat below it), verdict, values,
    gap, documents; ``ordered`` puts unmet and unknown children first and opens neither a part
    already met nor a sum of points (the appendix does), ``max_depth`` stops there."""
    if node.id in skip:
        return []
    outcome, tone = verdict_meaning(node, among_signs=signs)
    strong = node.kind in ("group", "any", "section") and bool(node.children)
    cell: list[Any] = [text(node.label, indented(depth, strong, dense=True))]
    extra = "\n".join(x for x in (node.note, f"※ 注意：{node.caveat}" if node.caveat else "") if x)
    if extra:
        cell.append(text(extra, small_indented(depth)))
    values, gap, cites = node_values(node), node_gap(node), docs.cite(node.params)
    rows = [[cell, text(outcome, "cell8", TONES[tone]), text(values, "cell8") if values else "",
             text(gap, "cell8") if gap else "", text(cites, "small8") if cites else ""]]
    if max_depth is not None and depth >= max_depth:
        return rows
    children = node.children
    if ordered and depth > 0 and (node.outcome in (Outcome.MET, Outcome.NA) or
                                  node.kind == "score"):
        return rows  # a part already met, or a sum of points: the details are in the appendix
    if ordered:
        children = sorted(children, key=lambda c: (c.kind == "info", ORDER[c.outcome]))
    for c in children:
        rows += tree_rows(c, docs, depth + 1, skip, signs, ordered, max_depth)
    return rows


@lru_cache(maxsize=16)
def small_indented(depth: int) -> ParagraphStyle:
    base = styles()["small8"]
    return ParagraphStyle(f"small8-{depth}", parent=base, leftIndent=depth * 3.2 * mm)


def tree_table(rows: list[list[Any]]) -> Any:
    return grid([TREE_HEAD, *rows], TREE_WIDTHS, zebra=True, dense=True)


class RatioChart(Flowable):
    """Each indicator ÷ its benchmark as a bar of its real length, labelled with the real
    percentage; a bar beyond the chart's edge is broken and says so, a ratio above the
    profile's scoring cap says the cap. Drawn straight on the canvas (a reportlab Drawing
    costs several times as much for the same few shapes)."""

    BAR, GAP, LABEL_W, RIGHT_W, TOP, BOTTOM = 4.2 * mm, 2 * mm, 30 * mm, 36 * mm, 7 * mm, 14 * mm

    def __init__(self, rows: list[tuple[str, float, bool]], cap: float | None):
        super().__init__()
        self.rows, self.cap = rows, cap
        self.width = TEXT_WIDTH
        self.height = self.BOTTOM + len(rows) * (self.BAR + self.GAP) + self.TOP
        axis = max(1.25, min(max(x for _, x, _ in rows), CHART_LIMIT))
        self.step = 0.25 if axis <= 1.5 else 0.5
        self.axis = math.ceil(axis / self.step) * self.step
        self.labels = [self._tag(x, imputed) for _, x, imputed in rows]
        self.note = "条形 = 指标值 ÷ 基准值，按实际比值画出；蓝色达到基准值，橙色未达到"
        if any(x > self.axis for _, x, _ in rows):
            self.note += f"；超过 {ratio_pct(self.axis)} 的条形在图边截断，标注的是实际比值"
        if cap:
            self.note += f"；计分时比值封顶 {ratio_pct(cap)}"

    def _tag(self, x: float, imputed: bool) -> str:
        tag = ratio_pct(x)
        if x > self.axis:
            tag += "（超出图幅）"
        if imputed:
            tag += "（缺数据，暂按基准值计）"
        if self.cap and x > self.cap:
            tag += f"（计分封顶 {ratio_pct(self.cap)}）"
        return tag

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        lw, top, base_y = self.LABEL_W, self.height - self.TOP, self.BOTTOM
        scale = (self.width - lw - self.RIGHT_W) / self.axis
        c.setLineWidth(0.4)
        c.setStrokeColor(colors.HexColor("#E4E8EE"))
        c.setFont(FONT, 7)
        c.setFillColor(MUTED)
        for k in range(round(self.axis / self.step) + 1):
            x = lw + k * self.step * scale
            c.line(x, base_y, x, top + 2)
            c.drawCentredString(x, base_y - 9, ratio_pct(k * self.step))
        for n, ((name, x, _), tag) in enumerate(zip(self.rows, self.labels)):
            y = top - (n + 1) * (self.BAR + self.GAP) + self.GAP / 2
            w = min(x, self.axis) * scale
            c.setFillColor(colors.HexColor("#4C7DB8" if x >= 1 else "#D98E32"))
            c.rect(lw, y, w, self.BAR, stroke=0, fill=1)
            if x > self.axis:  # a break in the bar: it goes on beyond the edge
                c.setStrokeColor(colors.white)
                c.setLineWidth(1.6)
                for dx in (6, 3.5):
                    c.line(lw + w - dx - 2, y - 1, lw + w - dx + 2, y + self.BAR + 1)
            c.setFillColor(colors.HexColor("#1F2933"))
            c.setFont(FONT, 8)
            c.drawRightString(lw - 3, y + self.BAR / 2 - 2.5, name)
            c.setFont(FONT, 7.5)
            c.drawString(lw + w + 2, y + self.BAR / 2 - 2.5, tag)
        x1 = lw + scale
        c.setStrokeColor(colors.HexColor("#B42318"))
        c.setLineWidth(0.9)
        c.setDash(3, 2)
        c.line(x1, base_y, x1, top + 3)
        c.setDash()
        c.setFillColor(colors.HexColor("#B42318"))
        c.setFont(FONT, 7)
        c.drawString(x1 + 2, top + 1, "基准值 = 100%")
        c.setFillColor(MUTED)
        c.drawString(0, 0, self.note)


def ratio_chart(r: EnterpriseResult) -> RatioChart | None:
    rows = [(INDICATOR_NAMES[i], x["ratio"], bool(x.get("imputed")))
            for i, x in r.mujun["indicators"].items() if x.get("ratio") is not None]
    return RatioChart(rows, r.profile.value("mujun.cap", r.as_of)) if rows else None


def indicator_table(r: EnterpriseResult, docs: Documents) -> Any:
    tree = r.trees["mujun"]
    rows: list[list[Any]] = [["指标", "填报数据", "指标值", "基准值", "达到基准", "权重", "得分",
                              "依据"]]
    for i, x in r.mujun["indicators"].items():
        node = tree.find(f"indicator.{i}")
        given = "；".join(input_text(k, v) for k, v in node.inputs.items() if v is not None)
        if node.missing:
            given += ("；" if given else "") + "缺：" + "、".join(label(k) for k in node.missing)
        if node.note:
            given += f"\n{node.note}"
        points = "—" if x["points"] is None else fmt(round(x["points"], 2)) + " 分"
        bench = num(x["benchmark"], node.unit)
        if x.get("benchmark_mode", FIXED) != FIXED:  # computed from the ranked firms
            bench = text(f"{bench}\n{BENCHMARK_MODE_WORDS[x['benchmark_mode']].split('（')[0]}",
                         "cell8")
        rows.append([INDICATOR_NAMES[i], text(given, "small8"), num(x["value"], node.unit),
                     bench,
                     "—" if x.get("ratio") is None or x.get("imputed") else ratio_pct(x["ratio"]),
                     fmt(x["weight"]) if x["weight"] else "—",
                     points + ("（均值）" if x.get("imputed") else ""),
                     text(docs.cite(node.params), "small8")])
    widths = [20 * mm, 40 * mm, 21 * mm, 21 * mm, 13 * mm, 10 * mm, 17 * mm, 14 * mm]
    return grid(rows, widths, zebra=True, dense=True)


def adjustment_table(r: EnterpriseResult, docs: Documents) -> Any:
    """One row per 加减分 item: its points, how they were reached (the count, the answer, or
    what the park manager entered with reason, who and when) and its documents."""
    tree = r.trees["mujun"]
    rows: list[list[Any]] = [["加减分项目", "分值", "计算依据", "依据"]]
    for a in r.mujun["adjustments"]:
        node = next((n for n in tree.walk() if n.id == f"adjust.{a['id']}"), None)
        tone = UNKNOWN if a.get("unknown") else BAD if (a["points"] or 0) < 0 else \
            GOOD if (a["points"] or 0) > 0 else None
        rows.append([text(a["name"], "cell8"), text(f"{signed(a['points'] or 0.0)} 分", "cell8", tone),
                     text(a["basis"], "small8"),
                     text(docs.cite(node.params) if node is not None else "", "small8")])
    total = sum(a["points"] or 0.0 for a in r.mujun["adjustments"])
    rows.append([text("合计", "head8"), text(f"{signed(total)} 分", "head8"), "", ""])
    return grid(rows, [40 * mm, 18 * mm, TEXT_WIDTH - 72 * mm, 14 * mm], zebra=True, dense=True)


def mujun_section(r: EnterpriseResult, docs: Documents) -> list[Any]:
    st = styles()
    m = r.mujun
    tree = r.trees["mujun"]
    cohort = COHORT_LABELS.get(m["cohort"], "—")
    said = m["reason"] if m["reason"].startswith(cohort) else f"分组：{cohort}。{m['reason']}"
    heads: list[Any] = [Text("一、亩均效益评价", st["sec"]), Text(f"{said}。", st["base"])]
    out: list[Any] = []
    if m["indicators"]:
        group = tree.find("indicators")
        out += headed([*heads, Text(group.label, st["sub"])], indicator_table(r, docs))
        heads = []
        if group.caveat:
            out.append(Text(f"※ 注意：{group.caveat}", st["small"]))
        chart = ratio_chart(r)
        if chart is not None:
            out += [Spacer(1, 2 * mm), chart, Spacer(1, 3 * mm)]
    lines = []
    adjust = m.get("adjustments") or []
    if adjust and m["score"] is not None:
        out += headed([*heads, Text("加减分", st["sub"])], adjustment_table(r, docs))
        heads = []
        out.append(Spacer(1, 2 * mm))
        total = sum(a["points"] or 0.0 for a in adjust)
        lines.append(f"指标合计得分 {fmt(round(m['indicator_points'], 2))} 分，加减分 {signed(total)} 分，"
                     f"综合得分 {fmt(round(m['score'], 2))} 分（综合得分 = 指标合计得分 + 加减分）。")
    elif m["score"] is not None:
        lines.append(f"综合得分 {fmt(round(m['score'], 2))} 分（得分 = Σ 权重 × 指标值 ÷ 基准值）。")
    try:
        cls = tree.find("class")
        lines.append(f"{cls.label}：{cls.note}")
        cites = docs.cite(cls.params)
        for moved in (c for c in cls.children if c.id.startswith("class.regrade")):
            lines.append(f"。{moved.label}，{moved.note}")  # each step, or why it did not apply
            cites += docs.cite(moved.params)
    except KeyError:
        cites = ""
    if lines:
        out.append(Text("".join(lines) + cites, st["base"]))

    if m["status"] != "scored":
        out += headed([*heads, Text("评价范围与分组", st["sub"])],
                      tree_table(tree_rows(tree.find("scope"), docs)))
        heads = []
    if m.get("lift"):
        head = tree.find("lift")
        rows = [["措施（其他数据不变时单独做到即可）", "需要做到"]]
        for c in head.children:
            if c.id.startswith("lift.field."):
                rows.append([c.label, c.note or "—"])
            elif c.note:  # a cut in the indicator's own denominator (energy, emission …)
                want = (f"{INDICATOR_NAMES.get(c.id.rsplit('.', 1)[-1], '')}达到 "
                        f"{num(c.threshold, c.unit)}（现为 {num(c.value, c.unit)}）："
                        if c.threshold is not None else "")
                rows.append([c.label, want + c.note])
        t = grid(rows, [44 * mm, TEXT_WIDTH - 44 * mm], zebra=True, dense=True)
        out += headed([*heads, Text(head.label, st["sub"]),
                       Text(head.note, st["small"])], t)
        heads = []
    out = heads + out
    # the province's 2025 targets are given to 规上 firms only: no such node, no line
    ctx = next((n for n in tree.walk() if n.id == "context"), None)
    if ctx is not None:
        parts = [f"{c.label.split('（')[0]} {node_values(c)}" for c in ctx.children]
        cites = docs.cite([p for c in ctx.children for p in c.params])
        out.append(Text("参照（全省 2025 年目标，不计分）：" + "；".join(parts) + "。"
                        + cites, st["small"]))
    return out


def green_section(r: EnterpriseResult, docs: Documents) -> list[Any]:
    st = styles()
    heads: list[Any] = [Text("二、节能审查绿色通道（新上项目）", st["sec"])]
    if not r.project_trees:
        return headed([*heads, Text("未填报新上项目。", st["base"])])
    limit = r.project_trees[0].find("green.intensity")
    heads.append(Text(f"条件：达产年工业增加值大于 0，单位工业增加值能耗低于 "
                               f"{num(limit.threshold, limit.unit)}，且所在地确保完成能耗“双控”"
                               "目标；按等价值（较严格）判断，当量值作对照。"
                           + docs.cite(limit.params), st["base"]))
    rows: list[list[Any]] = [["项目", "结论", "能耗强度（等价值）", "能耗强度（当量值）", "节能审查层级",
                              "说明", "依据"]]
    caveats: list[str] = []
    for g, t in zip(r.green_channel, r.project_trees):
        main, other = t.find("green.intensity"), t.find("green.intensity_other")
        by = {n.label.rsplit("（", 1)[-1].rstrip("）"): n for n in (main, other)}
        cells = []
        for basis in ("等价值", "当量值"):
            n = by.get(basis)
            shown = num(n.value, n.unit) if n is not None and n.value is not None else "—（缺数据）"
            if n is main and n.value is not None:
                shown += "（据此判断）"
            cells.append(shown)
        verdict = {True: "可享受", False: "不可享受", None: "无法判断"}[g["eligible"]]
        tone = {True: GOOD, False: BAD, None: UNKNOWN}[g["eligible"]]
        if main.caveat:  # long: said in full below the table
            caveats.append(f"※ {g['project']}：{main.caveat}")
        tier = t.find("green.review_tier")
        rows.append([g["project"], text(verdict, "head8", tone), cells[0], cells[1],
                     tier.note or "—", text("；".join(g["reason_texts"]) or "—", "small8"),
                     text(docs.cite([p for n in t.walk() for p in n.params]), "small8")])
    t = grid(rows, [22 * mm, 14 * mm, 22 * mm, 22 * mm, 24 * mm, 40 * mm, 12 * mm], zebra=True,
             dense=True)
    return headed(heads, t) + [Text(c, st["small"]) for c in caveats]


def sme_section(r: EnterpriseResult, docs: Documents) -> list[Any]:
    st = styles()
    s = r.sme
    root = r.trees["sme"]
    rules = root.find("sme.rules")
    head = (f"企业规模：{SIZE_NAMES.get(s['size'] or '', '未知')}；当前层级：{TIER_NAMES[s['tier']]}"
            + (f"；下一层级：{TIER_NAMES[s['next_tier']]}" if s["next_tier"] else "") +
            f"；适用规则：{RESULT_WORDS.get(s['rules'], s['rules'])}（{rules.note}）")
    heads: list[Any] = [Text("三、优质中小企业梯度培育", st["sec"]),
                        Text(head + docs.cite(rules.params), st["base"])]
    if root.caveat:
        heads.append(Text(f"※ 注意：{root.caveat}", st["small"]))
    if s["size"] == "large":
        return headed([*heads, Text("大型企业不属于中小企业梯度培育范围。", st["base"])])
    out: list[Any] = []
    if s["tier"] != "none":
        t = criteria_grid(root.find(s["tier"]), docs)
        how = "满足其一即可" if root.find(s["tier"]).kind == "any" else "各项条件"
        out += headed([*heads, Text(f"当前层级：{TIER_NAMES[s['tier']]}（已满足；{how}）",
                                    st["sub"])], t)
        heads = []
    if s["next_tier"]:
        t = tree_table(tree_rows(root.find(s["next_tier"]), docs, ordered=True))
        out += headed([*heads, Text(f"下一层级：{TIER_NAMES[s['next_tier']]}"
                                             "（未满足和未知的条件在前）", st["sub"])], t)
        heads = []
    side = root.find("sme.side")
    parts = [f"{c.label}：{verdict_meaning(c)[0]}" for c in side.children]
    return heads + out + [Text("旁证检查（不是梯度层级，仅供参考）：" + "；".join(parts) + "。",
                                    st["small"])]


def criteria_grid(node: Node, docs: Documents) -> Any:
    """The criteria directly under ``node``, two to a row: verdict mark, label, value and
    documents — a tier already met, where every row would say ✔."""
    cells = []
    for c in node.children:
        said, tone = verdict_meaning(c)
        if node.kind == "any" and tone != "good":
            tone = "neutral"  # one way of several: the tier is met by another
        values = node_values(c)
        cells.append(text(f"{said.split(' ')[0]} {c.label}" + (f"：{values}" if values else "") +
                          docs.cite(c.params), "cell8", TONES[tone] if tone != "good" else None))
    half = TEXT_WIDTH / 2
    rows = [cells[i:i + 2] for i in range(0, len(cells), 2)]
    return grid(rows, [half, half], head=False, dense=True)


def rect_section(r: EnterpriseResult, docs: Documents) -> list[Any]:
    st = styles()
    root = r.trees["rectification"]
    scope = root.find("rect.scope")
    inside = {Outcome.MET: "属于", Outcome.UNMET: "不属于", Outcome.UNKNOWN: "无法判断是否属于"}
    parts = [f"{c.label}：{node_values(c) if c.kind == 'fact' else verdict_meaning(c, True)[0]}"
             for c in scope.children if c.outcome is not Outcome.NA]
    heads: list[Any] = [Text("四、高耗低效企业整治", st["sec"]), Text(
        (f"{inside.get(scope.outcome, '')}整治摸排范围（规上制造业，或用地 3 亩以上的规下制造业）："
            + "；".join(parts) + "。") + docs.cite([p for c in scope.walk() for p in c.params]),
        st["base"])]
    rows = []
    for c in root.children:
        if c.id == "rect.scope" or (c.id == "rect.routes" and not r.rectification["flagged"]):
            continue
        rows += tree_rows(c, docs, signs=True)
    if not rows:
        return headed(heads)
    return headed(heads, tree_table(rows))


def digital_section(r: EnterpriseResult, docs: Documents) -> list[Any]:
    st = styles()
    root = r.trees["digital"]
    facts = [c for c in root.children if c.id not in RECOGNITIONS]
    parts = [f"{c.label}：{node_values(c) or c.note or verdict_meaning(c)[0]}" for c in facts]
    heads: list[Any] = [Text("五、数字化水平与认定", st["sec"]), Text(
        "；".join(parts) + "。" + docs.cite([p for c in facts for p in c.params]), st["base"])]
    rows: list[list[Any]] = [["认定", "结论", "各项条件", "依据"]]
    for key in RECOGNITIONS:
        node = root.find(key)
        said, tone = verdict_meaning(node)
        rows.append([node.label, text(said, "head8", TONES[tone]),
                     text("\n".join(brief(c) for c in node.children), "cell8"),
                     text(docs.cite([p for c in node.walk() for p in c.params]), "small8")])
    t = grid(rows, [24 * mm, 26 * mm, TEXT_WIDTH - 64 * mm, 14 * mm], zebra=True, dense=True)
    return headed(heads, t)


def carrier_parts(r: EnterpriseResult, docs: Documents) -> list[str]:
    """Each energy carrier declared as “amount × factor = tonnes of CO₂ [document]”: the
    electricity factor of its data year, a fuel's factor from the guideline's three defaults
    × 44/12, purchased heat by its default."""
    ev = carbon.evaluate(Ctx(r.profile, r.as_of), r.record)
    refs = {p.key: p for p in ev.params}
    out = []
    for key, tonnes in ev.parts.items():
        amount = ev.inputs[key]
        used: list[ParamRef]
        if key == "electricity_10k_kwh":
            used = [refs["carbon.electricity_factor"]]
            name, unit = "外购电力", "万千瓦时"
            year = f"浙江省 {used[0].data_year} 年度" if used[0].data_year else "浙江省"
            factor = f"{fmt(used[0].value)} 千克二氧化碳/千瓦时（{year}电力平均排放因子）"
        elif key == "heat_gj":
            used = [refs["carbon.heat"]]
            name, unit = "外购热力", "吉焦"
            factor = f"{fmt(used[0].value)} 吨二氧化碳/吉焦（缺省值）"
        else:
            fuel, name, unit = carbon.FUELS[key]
            used = [refs[f"carbon.{fuel}.{p}"] for p in ("ncv", "carbon_content", "oxidation")]
            ncv, content, ox = used
            per = quotient(product(ncv.value, content.value, ox.value, 44), 12000)
            factor = (f"{num(per, '', 4)} 吨二氧化碳/{unit}（低位发热量 {num(ncv.value, ncv.unit)} × "
                      f"含碳量 {num(content.value, content.unit)} × 氧化率 {fmt(ox.value)} × 44/12）")
        out.append(f"{name} {num(amount, unit)} × {factor} = {num(round(tonnes, 2), '吨')}"
                   + docs.cite(used))
    return out


def carbon_section(r: EnterpriseResult, docs: Documents) -> list[Any]:
    """Part six: the CO₂ by carrier with the factors used, the intensity, the level by its
    bounds, the grade by K and its bounds against the industry average (and its basis), how a
    high level is used — every node of the tree under its own label, as three lines of text
    (the detail pages are full: a table would push many reports past five pages); the
    pre-standard cut-offs, a factor of another data year and a low-confidence default are
    said below them."""
    st = styles()
    c = r.carbon
    root = r.trees["carbon"]
    co2 = root.find("carbon.co2")
    if co2.value is not None:
        # the factors are shown; what is left of how: the carriers not declared
        blank = [x for x in co2.note.split("：", 1)[0].split("；")[1:] if x]
        said = [f"{co2.label} {num(round(co2.value, 2), '吨')}：" + "；".join(carrier_parts(r, docs))
                + "".join(f"（{x}）" for x in blank)]
    else:
        said = [f"{co2.label}：{co2.note}"]
    notes = [x for x in (root.note, c.get("factor_note"), root.caveat) if x]
    shown = False  # the intensity said: the level's note need not repeat it
    seen = {co2.note}
    for n in root.children[1:]:
        why = n.note
        if n.id == "carbon.intensity" and n.value is not None and co2.value is not None:
            why = (f"{num(round(co2.value, 2), '吨')} ÷ 工业增加值 {num(r.record.value_added, '万元')}"
                   f" = {num(c['intensity'], INTENSITY, 4)}")
            shown = True
        elif n.id == "carbon.level" and shown and "；" in why:
            why = why.split("；", 1)[1]
        elif why in seen and c.get("intensity") is None:  # why not: said once
            why = "无法确定"
        elif not why:
            why = node_values(n) or verdict_meaning(n)[0]
        seen.add(why)
        said.append(f"{n.label}（{why}）{docs.cite(n.params)}" if n.id == "carbon.level" and shown
                    else f"{n.label}：{why}{docs.cite(n.params)}")
        if n.caveat and n.caveat not in notes:
            notes.append(n.caveat)
    verdict, _, _ = carbon_line(r)
    head = Text(f"六、工业碳效：{verdict}", st["sec"])
    # CO₂ by carrier; intensity and level; grade and use — in the size of the parts' tables
    body = Text("。\n".join(["。".join(said[i:j]) for i, j in ((0, 1), (1, 3), (3, None))
                             if said[i:j]]) + "。", st["cell"])
    # the heading with room for two lines under it (the paragraph splits across pages)
    return [NeedRoom([head, Spacer(1, 2 * body.style.leading)]), head, body,
            Text("※ " + "；".join(x.rstrip("。") for x in notes) + "。", st["small"])]


def inputs_table(r: EnterpriseResult) -> Any:
    cells = []
    for f in ENTERPRISE_FIELDS:
        v = getattr(r.record, f.id)
        if v is not None:
            cells.append((f.label, num(v, field_unit(f.id))))
    rows = [["项目", "填报值", "项目", "填报值"]]
    half = (len(cells) + 1) // 2
    for a, b in zip(cells[:half], [*cells[half:], ("", "")]):
        rows.append([a[0], a[1], b[0], b[1]])
    return grid(rows, [46 * mm, 32 * mm, 46 * mm, 32 * mm], zebra=True)


def appendix(r: EnterpriseResult, docs: Documents) -> list[Any]:
    """Every node of every tree, as the result holds it: the whole SME ladder, the 亩均
    evaluation (its indicators are the table of part one), each project, the rectification
    review; then every figure declared. The 碳效 tree is printed whole in its own part."""
    st = styles()
    out: list[Any] = [PageBreak(), Text("附录一 梯度培育全部条件", st["sec"]),
                      tree_table(tree_rows(r.trees["sme"], docs))]
    mj = tree_rows(r.trees["mujun"], docs, skip=("indicators",))
    out += headed([Text("附录二 亩均效益评价过程", st["sec"])], tree_table(mj))
    rows = [row for t in r.project_trees for row in tree_rows(t, docs)]
    rows += tree_rows(r.trees["rectification"], docs, signs=True)
    out += headed([Text("附录三 绿色通道与高耗低效整治的全部条件", st["sec"])], tree_table(rows))
    out += headed([Text("附录四 填报数据", st["sec"])], inputs_table(r))
    return out


def source_rows(docs: Documents) -> list[list[Any]]:
    """The documents as rows (number, document, the first clause cited and how many in all,
    confidence): the clause identifies the passages, the document holds them — and the six
    assessments' documents fit the report's last page."""
    return [[f"[{d.number}]", d.heading(), d.clause_text(most=1, chars=20), d.confidence]
            for d in docs.listed()]


def sources_section(docs: Documents) -> list[Any]:
    st = styles()
    head = [Text("依据的政策文件", st["sec"]),
            Text("上文各表“依据”栏中的 [1]、[2] … 即下列文件的编号。各参数的具体取值见程序的“规则”页。"
                 + sources.CONFIDENCE_LEGEND, st["small"])]
    if not len(docs):
        return head + [Text("本报告未引用政策文件。", st["base"])]
    title = _style("doc8", fontSize=7.5, leading=9.5)
    rows = [["编号", "文件", "引用的条款", "可信度"]]
    rows += [[n, text(name, title), text(clauses, "small8"), conf]
             for n, name, clauses, conf in source_rows(docs)]
    t = grid(rows, [9 * mm, 95 * mm, 41 * mm, 11 * mm], zebra=True, dense=True)
    return headed(head, t)


def story(r: EnterpriseResult, issuer: str = "", report_no: str = "",
          issued: Date | None = None, with_appendix: bool = False) -> list[Any]:
    docs = Documents(r.profile)
    # page 1 stays one page: an extreme case (a 500-character name, many notes) is set smaller
    out: list[Any] = [KeepInFrame(TEXT_WIDTH, PAGE_HEIGHT, page_one(r, issuer, report_no, issued),
                                  mode="shrink"), PageBreak()]
    out += mujun_section(r, docs)
    out += green_section(r, docs)
    out += sme_section(r, docs)
    out += rect_section(r, docs)
    out += digital_section(r, docs)
    if "carbon" in r.trees:
        out += carbon_section(r, docs)
    if with_appendix:
        out += appendix(r, docs)
    out += sources_section(docs)
    return out


def write_firm_report(result: EnterpriseResult, path: Path, *, issuer: str = "",
                      report_no: str = "", date: Date | None = None,
                      appendix: bool = False) -> Path:
    """The firm's PDF at ``path``; raises ``ReportError`` when it cannot be laid out.
    ``issuer``, ``report_no`` and ``date`` print the issuing park, a report number and the
    date with a blank for stamp and signature on page 1; ``appendix`` adds every criterion
    of every SME tier, the whole 亩均 evaluation and every figure declared."""
    rec = result.record
    name = rec.name or ""
    name = visible(name if len(name) <= 40 else name[:40] + "…")  # one header line; whole on p. 1
    p = result.profile
    canvas_cls = numbered_canvas(
        f"亩均效益评价结果告知书 · {name} · {rec.credit_code or ''}",
        "企业自评估算，非官方评价结果；以主管部门公布的为准",
        last_footer=[(f"评价配置：{visible(profile_words(result))} · 版本 {visible(p.version)}"
                      f" · 评估日期 {result.as_of.isoformat()}"), f"配置校验码 {p.sha256}"],
        first_header=False)

    def make(part: Path) -> None:
        doc = SimpleDocTemplate(str(part), pagesize=(210 * mm, 297 * mm), **MARGINS,
                                title=f"亩均效益评价结果告知书 {rec.name} {rec.year}",
                                author="亩均自评", subject="企业自评估算，非官方评价结果")
        doc.build(story(result, issuer, report_no, date, appendix), canvasmaker=canvas_cls)

    return build(path, make, f"{name or '（未填企业名称）'}（{rec.credit_code}）的报告")

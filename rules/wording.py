"""How results read to a person, the same in every output: the command line, the JSON
``criteria`` strings, the PDF reports, the workbooks and the Qt views.

Every number carries its unit; a ratio reads as a percentage and a ratio gap in percentage
points; a code (``geometric``, ``high_value``) reads as the words it stands for; a verdict
reads by the node's kind — a criterion is 满足 / 不满足, a fact is 情况, a warning sign is
未触发 / 已触发, context is 参照 (RULES §0, issue 19).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from rules.assessments.green_channel import basis_intensity
from rules.catalogue import ENTERPRISE_BY_ID, PROJECT_BY_ID, label
from rules.engine import OUTCOME_LABELS, Node, Outcome, fmt
from rules.numbers import round_down, round_up, same
from rules.schema import BY_KEY, DATE, NONE, PCT, RATIO, SPECS, T

MARKS = {Outcome.MET: "✔", Outcome.UNMET: "✘", Outcome.UNKNOWN: "？", Outcome.NA: "·"}

# The words for the codes a profile or a result holds, per parameter (one code can mean two
# things: "equivalent" is 污染当量 for emissions).
CODE_WORDS: dict[str, dict[str, str]] = {
    "emission.mode": {"equivalent": "按污染当量折算后相加", "tonnes": "按吨数直接相加",
                      "permit_tonnes": "按许可排放量（吨）"},
    "mujun.missing_emission": {"cohort_mean": "按同类企业有排放数据者的平均得分计",
                               "incomplete": "视为数据不全，不计分"},
    "sme.growth_method": {"geometric": "几何平均（复合增长率）", "arithmetic": "两年增长率的算术平均"},
    "sme.2022.prerequisite": {"holds_or_qualifies": "须已获得或当前符合下一层级",
                              "none": "不要求下一层级"},
    "sme.2026.prerequisite": {"holds_or_qualifies": "须已获得或当前符合下一层级",
                              "none": "不要求下一层级"},
    "sme.2022.innovative.ip_points": {"high_value": "高价值发明专利", "self_developed": "自主研发Ⅰ类知识产权",
                                      "class1": "Ⅰ类知识产权", "class2": "Ⅱ类知识产权", "none": "无"},
    "sme.2022.specialised.ip_points": {"high_value": "高价值发明专利",
                                       "self_developed": "自主研发Ⅰ类知识产权",
                                       "class1": "Ⅰ类知识产权", "class2": "Ⅱ类知识产权", "none": "无"},
    "mujun.below_scale_small": {"out_of_scope": "不在评价范围", "graded": "单列一组评价"},
    "mujun.tenants": {"with_owners": "与其他企业一同评价", "own_cohort": "单列一组评价"},
    "mujun.rd_ratio_denominator": {"main_revenue": "主营业务收入", "revenue": "营业收入"},
    "carbon.high_is_sign": {"context": "否：只作参照", "sign": "是：列为整治信号"},
}
# Every cohort's benchmark mode reads the same (rules.indicators).
_MODE_WORDS = {"fixed": "县里公布的基准值", "population_aggregate": "参评企业合计值（Σ分子 ÷ Σ分母）",
               "population_mean": "参评企业指标值的平均数"}
CODE_WORDS.update({s.key: _MODE_WORDS for s in SPECS if s.key.endswith(".benchmark_mode")})
ADJUSTMENT_WORDS = {"count": "按数量", "field": "按是/否", "manual": "园区录入",
                    "points": "分", "percent": "%（指标合计得分的百分比）"}
# Codes that can reach a result's text outside a parameter (rule sets, review tiers, bases).
RESULT_WORDS = {"miit-2022": "工信部企业〔2022〕63号", "miit-2026": "工信部企业〔2026〕2号",
                "equal_value": "等价值", "equivalent": "当量值",
                "none": "不单独进行节能审查", "local": "市、县节能审查",
                "provincial": "省级节能审查"}


# Bundled profiles by the words a person chooses them by, written here so that listing them
# loads none (a county profile's words are its own ``name``; tests keep the two alike; a
# bundled profile not listed reads its name from the file). The provincial base and the blank
# template hold no county weights or benchmarks: alone they give indicator values, no score and
# no class — said in their title, where they are chosen.
PROFILE_WORDS = {"huangyan-2021": "台州市黄岩区 2021 年度亩均效益评价",
                 "huangyan-2022": "台州市黄岩区亩均效益评价（2021、2022 年度基准值）",
                 "generic-county": "通用县级起步配置（全省六项指标、示例权重、按参评企业计算基准值）",
                 "wenling-zones": "温岭市两个园区区块（部分：分类比例、行业组、出租扣分；权重与基准值待填）",
                 "template": "空白县级配置（只含省级参数，用来复制改写）",
                 "zhejiang": "浙江省基础配置（只含省级参数，不含县级权重与基准值）"}
# their words say so; tests check the profiles
NO_COUNTY_WEIGHTS = ("template", "zhejiang", "wenling-zones")

# How sure a parameter's source is (the ``confidence`` of a source: H, M, L).
CONFIDENCE_WORDS = {"H": "高", "M": "中", "L": "低"}
CONFIDENCE_MEANINGS = {"H": "官方文本，或几份独立副本一致",
                       "M": "一份可靠的转载或二手副本，或征求意见稿",
                       "L": "未找到官方数值，是可修改的默认值；依赖它的结论会特别提示"}

# The groups a parameter key's middle parts stand for (``sme.2022.innovative.min_score`` sits
# under 2022 年办法 → 创新型中小企业), for the rules page's tree.
SECTION_WORDS = {"above_scale": "规上企业", "below_scale": "规下企业（用地3亩及以上）",
                 "below_scale_small": "规下企业（用地不足3亩）", "tenant": "无自有工业用地的企业",
                 "2022": "2022 年办法（工信部企业〔2022〕63号）",
                 "2026": "2026 年办法（工信部企业〔2026〕2号）",
                 "innovative": "创新型中小企业", "specialised": "专精特新中小企业",
                 "little_giant": "专精特新“小巨人”企业", "size": "企业规模划型（大、中、小、微型）",
                 "tech": "科技型中小企业", "hntech": "高新技术企业", "champion": "浙江省隐形冠军企业",
                 # 碳效: the fuels whose three default parameters sit together
                 "coal": "原煤", "natural_gas": "天然气", "diesel": "柴油", "gasoline": "汽油",
                 "fuel_oil": "燃料油", "lpg": "液化石油气"}

# A citation may carry where its text was found rather than what it is: a collected seed file
# (002_e9ac55c77d2d7d2f.txt) or a web address of an aggregator or news site (chacewang.com
# news169062). Neither is a document a person can look up; the title and clause are.
_INTERNAL = (r"(?:\d{3}_[0-9a-f]{8,}\.txt"
             r"|https?://[^\s，；、）)]+"
             r"|(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|gov|edu|info)\b"
             r"(?:/[^\s，；、）)]*)?(?:\s*[a-z]+\d+(?:[、,，]\s*[a-z]+\d+)*)?)")
_INTERNAL_RE = re.compile(_INTERNAL, re.IGNORECASE)
# from the "；" that opens the reference through the internal part (and its closing bracket)
_REF_RE = re.compile(r"；[^；]*?" + _INTERNAL + r"[）)]?", re.IGNORECASE)


def has_internal_ref(text: str) -> bool:
    """Whether ``text`` names a seed file or a web address."""
    return bool(_INTERNAL_RE.search(text or ""))


def clean_citation(text: str) -> str:
    """A citation (“title；reference clause”) as a person can use it: when the reference is a
    seed file or a web address, the title and clause only."""
    if not has_internal_ref(text):
        return text
    out = _REF_RE.sub("", text)
    out = _INTERNAL_RE.sub("", out)  # one outside a reference: the token alone
    out = re.sub(r"[（(]\s*[）)]", "", out)
    return re.sub(r"\s{2,}", " ", out).strip(" ，、；")


def clean_note(text: str) -> str:
    """A note with any seed file name or web address left out."""
    if not has_internal_ref(text):
        return text
    out = re.sub(r"[（(]\s*[）)]", "", _INTERNAL_RE.sub("", text))
    return re.sub(r"\s{2,}", " ", out).strip(" ，、；")


def confidence_text(code: str) -> str:
    """A source's confidence as 高 / 中 / 低."""
    return CONFIDENCE_WORDS.get(code, code)


@lru_cache(maxsize=32)
def profile_title(profile_id: str) -> str:
    """A bundled profile by its words (PROFILE_WORDS, else its own name, read once)."""
    if profile_id in PROFILE_WORDS:
        return PROFILE_WORDS[profile_id]
    from rules.profile import ProfileError, load  # only for a bundled profile added later

    try:
        return load(profile_id).name
    except ProfileError:
        return "无法读取的配置"


def word(key: str, code: Any) -> str:
    """A parameter's code as words (the code itself when it already is a word)."""
    return CODE_WORDS.get(key, {}).get(str(code), str(code))


def show_value(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dict):
        return "，".join(f"{k}: {fmt(x)}" for k, x in v.items())
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(show_value(x) for x in v) + "]"
    if isinstance(v, (set, frozenset)):
        return "、".join(sorted(map(str, v)))
    if isinstance(v, str):
        return RESULT_WORDS.get(v, v)
    return fmt(v)


def unit_suffix(u: str) -> str:
    if u == PCT:
        return PCT  # 10%, as a ratio reads
    return "" if u in ("", NONE, DATE) else " " + u


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _decimals(v: float, places: int) -> str:
    text = f"{v:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def num(v: Any, unit: str = "", places: int | None = None) -> str:
    """A value with its unit; a ratio as a percentage (0.0302 → 3.02%); floats without noise
    (4 decimals, or ``places``)."""
    if v is None:
        return "—"
    if unit == RATIO and _is_num(v):
        if not math.isfinite(v):
            return "—"
        return _decimals(v * 100, 2 if places is None else max(places - 2, 0)) + "%"
    if isinstance(v, float):
        if not math.isfinite(v):
            return "—"
        return _decimals(v, 4 if places is None else places) + unit_suffix(unit)
    return show_value(v) + unit_suffix(unit)


def num_pair(v: Any, t: Any, unit: str) -> tuple[str, str]:
    """A value and the threshold it is held against, with enough decimals that two different
    numbers never print alike (0.5199999 is not shown as the 0.52 it failed to reach)."""
    a, b = num(v, unit), num(t, unit)
    if _is_num(v) and _is_num(t) and a == b and not same(float(v), float(t)):
        for places in range(5, 13):
            a, b = num(v, unit, places), num(t, unit, places)
            if a != b:
                break
    return a, b


def gap_text(gap: float, unit: str) -> str:
    """How far a value is from its threshold: a ratio or a percentage in percentage points,
    anything else in its unit — rounded up at the shown precision, so that closing the gap
    shown is enough."""
    if unit == RATIO:
        return f"{fmt(round_up(gap * 100, 2))} 个百分点"
    if unit == PCT:
        return f"{fmt(round_up(gap, 2))} 个百分点"
    return num(round_up(gap, 4), unit)


def outcome_text(o: Outcome) -> str:
    return f"{MARKS[o]} {OUTCOME_LABELS[o]}"


SIGN_LABELS = {Outcome.MET: "✔ 未触发", Outcome.UNMET: "▲ 已触发",
               Outcome.UNKNOWN: "？ 未知（缺数据）", Outcome.NA: "· 不适用"}


def verdict(n: Node) -> tuple[str, str]:
    """The verdict column of a node and its tone (met | unmet | unknown | not_applicable |
    muted): context, facts, headings and points carry no verdict; a warning sign reads
    未触发 / 已触发."""
    if n.kind == "info":
        return "参照", "muted"
    if n.kind == "fact":
        return "情况", "muted"
    if n.kind == "section":  # a heading: only "data missing" is worth saying on it
        return (outcome_text(n.outcome), "unknown") if n.outcome is Outcome.UNKNOWN else \
            ("", "muted")
    if n.kind == "score":  # points, not a pass or a fail: the values column says how many
        return (outcome_text(n.outcome), "unknown") if n.outcome is Outcome.UNKNOWN else \
            ("得分", "muted")
    if n.kind == "sign":
        return SIGN_LABELS[n.outcome], n.outcome.value
    return outcome_text(n.outcome), n.outcome.value


# A verdict's meaning for the person reading it, whatever the outcome is called: the tones a
# view colours by (good | bad | unknown | neutral).
MEANING = {"met": "good", "unmet": "bad", "unknown": "unknown", "not_applicable": "neutral",
           "muted": "neutral"}
FACT_LABELS = {Outcome.MET: "✔ 是", Outcome.UNMET: "✘ 否", Outcome.UNKNOWN: "？ 未知（缺数据）",
               Outcome.NA: "· 不适用"}


def verdict_meaning(n: Node, among_signs: bool = False) -> tuple[str, str]:
    """The verdict of a node and what it means for the firm (good | bad | unknown | neutral).

    A criterion met is good and a warning sign triggered is bad (``verdict`` says which is
    which). In a tree of warning signs (高耗低效整治, ``among_signs``) the conditions that only
    place the firm in or out of the review's scope are neither: being outside it is no failure,
    so they read 是 / 否 in a neutral tone instead of a red ✘."""
    text, tone = verdict(n)
    if among_signs and n.kind in ("condition", "group", "any") and tone in ("met", "unmet"):
        return FACT_LABELS[n.outcome], "neutral"
    return text, MEANING[tone]


# Bands whose "points" are not points: what reaching a band gives, and below the last band.
BAND_RESULTS = {"digital.level_bands": ("为 {} 级", "其余未达一级")}


def param_value(key: str, value: Any, unit: str) -> str:
    """A profile parameter as a person reads it: bands as “≥ 5% 得 20 分”, ranges as “06–43”,
    codes as words."""
    if value is None:
        return "未设定"
    t = BY_KEY[key].type
    if t in (T.BANDS_GE, T.BANDS_LE):
        sign = "≥" if t is T.BANDS_GE else "≤"
        gives, rest = BAND_RESULTS.get(key, ("得 {} 分", "其余 0 分"))
        return "；".join(f"{sign} {num(th, unit)} {gives.format(fmt(pts))}"
                        for th, pts in value) + f"；{rest}"
    if t is T.INT_RANGES:
        return "、".join(f"{lo:02d}–{hi:02d}" for lo, hi in value)
    if t is T.INT_LIST:
        return "、".join(f"{v:02d}" for v in value)
    if t is T.STRING_LIST:
        return "、".join(value)
    if t is T.POINTS_MAP:
        return "；".join(f"{word(key, k)} {fmt(v)} 分" for k, v in value.items())
    if t is T.STRING_MAP:
        return "；".join(f"{word(key, k)} {v}" for k, v in value.items())
    if t is T.ENUM:
        return word(key, value)
    if t is T.GROUPS:
        return "；".join(f"{name}：" + "、".join(f"{lo:02d}" if lo == hi else f"{lo:02d}–{hi:02d}"
                                               for lo, hi in spans)
                        for name, spans in value.items())
    if t is T.ADJUSTMENTS:
        return "；".join(adjustment_words(item) for item in value)
    if t is T.REGRADES:
        return "；".join(f"{item['name']}：{'、'.join(item['from'])} 类 → {item['to']} 类"
                        for item in value)
    return num(value, unit)


def adjustment_words(item: dict[str, Any]) -> str:
    """One 加减分 item in words: 出租厂房给多家企业（按数量：前 1 家不计，每家 -5 分）."""
    unit = ADJUSTMENT_WORDS[item["kind"]]
    if item["input"] == "manual":
        rule = f"园区录入 {fmt(item['min'])} 至 {fmt(item['max'])} {unit}"
    elif item["input"] == "field":
        rule = f"{label(item['field'])}为“是”时 {fmt(item['per_unit'])} {unit}"
    else:
        each = ENTERPRISE_BY_ID[item["field"]].unit or "个"  # 家 for tenants
        parts = [f"按{label(item['field'])}"]
        if item.get("free"):
            parts.append(f"前 {item['free']} {each}不计")
        if item.get("first") is not None:
            parts.append(f"第 1 {each} {fmt(item['first'])} {unit}，"
                         f"其后每{each} {fmt(item['per_unit'])} {unit}")
        else:
            parts.append(f"每{each} {fmt(item['per_unit'])} {unit}")
        rule = "，".join(parts)
    bounds = [f"不低于 {fmt(item['min'])}" if item.get("min") is not None and
              item["input"] != "manual" else "",
              f"不高于 {fmt(item['max'])}" if item.get("max") is not None and
              item["input"] != "manual" else ""]
    extra = "，".join(b for b in bounds if b)
    return f"{item['name']}（{rule}{'，' + extra if extra else ''}）"


def field_unit(field_id: str) -> str:
    """The unit to print after an input's value: none where its label ends in it already
    (实际用地面积（亩）), but 年平均职工人数 is 44 人 — the 人 in its name is no unit."""
    f = ENTERPRISE_BY_ID.get(field_id) or PROJECT_BY_ID.get(field_id)
    if f is None or not f.unit or f"（{f.unit}）" in f.label:
        return ""
    return f.unit


def input_text(field_id: str, v: Any) -> str:
    """An input as “label value unit” (实缴税金 300.8 万元；实际用地面积（亩） 28.57)."""
    return f"{label(field_id)} {num(v, field_unit(field_id))}"


def project_intensity(summary: dict[str, Any]) -> str:
    """A project's energy intensity on the basis its verdict used, from its JSON summary, with
    unit and basis (0.5199 吨标准煤/万元（等价值）): to 4 decimals rounded away from the limit it
    was held against — up when it is not below the limit, else down — so that 0.519995, which
    passes, never reads as the 0.52 it is under."""
    x = basis_intensity(summary)
    if x is None:
        return "—"
    shown = round_up(x, 4) if "intensity_not_below_limit" in summary["reasons"] else \
        round_down(x, 4)
    basis = summary["basis"]
    return f"{num(shown, BY_KEY['green.max_intensity'].unit)}（{RESULT_WORDS.get(basis, basis)}）"


def node_values(n: Node) -> str:
    """A criterion's value, requirement or points as one line (tree views and reports)."""
    if n.kind == "info" and isinstance(n.value, str) and n.note:
        return ""  # a code (e.g. a review tier) that the note already says in words
    if n.kind == "score" and n.points is not None:
        pts = fmt(round(n.points, 2))
        if n.points_max is not None and n.points_max != n.points:
            pts += f"～{fmt(round(n.points_max, 2))}"
        base = f"{pts} 分"
        if n.value is not None and n.unit != "分" and n.op and n.threshold is not None:
            v, t = num_pair(n.value, n.threshold, n.unit)
            base += f"；{v}（{n.op} {t}）"
        return base
    if n.value is not None and n.op and n.threshold is not None:
        v, t = num_pair(n.value, n.threshold, n.unit)
        # a warning sign's threshold is where it triggers, not a requirement
        return f"{v}（{'触发条件' if n.kind == 'sign' else '要求'} {n.op} {t}）"
    if n.value is not None:
        return num(n.value, n.unit)
    if n.missing:
        return "缺：" + "、".join(label(m) for m in n.missing)
    return ""


def node_gap(n: Node) -> str:
    """How far an unmet criterion is from its threshold, with the unit (nothing for context,
    facts and warning signs: a sign has no target to reach)."""
    if n.gap is None or n.outcome is not Outcome.UNMET or n.kind in ("info", "fact", "sign"):
        return ""
    if n.gap == 0 and n.op in ("<", ">") and n.threshold is not None:
        return f"须{'低于' if n.op == '<' else '高于'} {num(n.threshold, n.unit)}"
    return gap_text(n.gap, n.unit)


def brief(n: Node) -> str:
    """One line: label, verdict, the comparison, the gap, what is missing, the caveat
    (the JSON ``criteria`` strings)."""
    text, _ = verdict(n)
    s = f"{n.label}：{text.split(' ', 1)[-1]}"
    if n.op and n.value is not None and n.threshold is not None:
        v, t = num_pair(n.value, n.threshold, n.unit)
        s += f"（当前 {v}，要求 {n.op} {t}）"
    gap = node_gap(n)
    if gap:
        s += f"，差 {gap}" if not gap.startswith("须") else f"，{gap}"
    if n.missing:
        s += f"，缺：{'、'.join(label(m) for m in n.missing)}"
    if n.caveat:
        s += f"。注意：{n.caveat}"
    return s


# What a 亩均 class usually brings the firm, after the provincial guidance (浙政发〔2018〕5号:
# resources allotted by class); each county's own measures decide the details, which the
# sentence says (``class_implication``).
CLASS_IMPLICATIONS = {
    "A": "通常在用地、用能、排污权、信贷等资源要素配置上优先保障，评先评优和政策扶持上予以倾斜",
    "B": "通常给予适度支持，鼓励通过技术改造、提质增效进一步提高亩均效益",
    "C": "通常在新增用地、用能等要素上从严控制，以帮扶提升为主，可能适用差别化的要素价格",
    "D": "通常实行差别化电价、水价等要素价格，限制新增用地、用能，列为整治提升对象"
         "（提升改造、兼并重组、关停淘汰等）",
}


def class_implication(cls: str | None) -> str:
    """What class ``cls`` implies, in one sentence ('' for no class)."""
    if cls not in CLASS_IMPLICATIONS:
        return ""
    return f"{CLASS_IMPLICATIONS[cls]}；具体措施以本县（市、区）的评价办法为准。"


# ----------------------------------------------------------------------------- county methods


def signed(points: float) -> str:
    """Points of a 加减分 line with their sign (+3、-5、0)."""
    text = fmt(round(points, 2))
    return f"+{text}" if points > 0 else text


def adjustment_lines(m: dict[str, Any]) -> list[str]:
    """The 加减分 lines of a 亩均 summary, each with its points and basis:
    “出租厂房给多家企业 -5 分（2 个（前 1 个不计）；每个 -5 → -5 分）”."""
    return [f"{a['name']} {signed(a['points'] or 0.0)} 分（{a['basis']}）"
            for a in m.get("adjustments") or []]


def regrade_words(m: dict[str, Any]) -> str:
    """初评 → 调档后 in words, with each step's reason (a rule's clause; who and when for a
    manual regrade); "" when the class was not regraded."""
    r = m.get("regrade")
    if not r:
        return ""
    first = m.get("initial_class") or r["from"]
    steps = r.get("steps") or [r]

    def why(step: dict[str, Any]) -> str:
        if step["kind"] == "rule":  # its own clause (the document is cited where it is set)
            clause = clean_citation(step.get("citation") or "").rsplit("；", 1)[-1]
            return f"按调档规则“{step['name']}”" + (f"（{clause}）" if clause else "")
        return f"人工调档：{step['reason']}（{step.get('by') or '未署名'}，{step.get('at') or ''}）"

    head = f"初评 {first} 类 → 调档后 {r['to']} 类"
    if len(steps) == 1:
        return f"{head}，{why(steps[0])}"
    return head + "：" + "；".join(f"{why(x)}，{x['from']} 类调为 {x['to']} 类" for x in steps)

"""Publish a park's class cut-off scores, with the benchmarks it ranked by, as an overlay a firm
can load.

A firm told "A" by its park must get "A" when it self-checks with the park's file (RULES §1.2,
issue 19). So the file carries exactly what the park's own ranking used: the benchmarks (and
weights) of the data year, the lowest score of classes A, B and C in each cohort (to the full
float, not rounded), and the mean emission points given to firms without emission data. The
park's own indicator averages are written as comments, for reference only.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from forms.pipeline import PartFiles
from forms.store import REAL, SAMPLE, Store
from rules.assess import iter_population
from rules.assessments.carbon import IndustryAverage
from rules.assessments.mujun import CohortStats, scored_indicators
from rules.engine import Ctx
from rules.indicators import BENCHMARK_MODE_WORDS, FIXED, INDICATORS
from rules.profile import Profile, ProfileError, load
from rules.schema import BY_KEY, COHORT_NAMES, COHORTS, INDICATOR_NAMES


class PublishError(Exception):
    """Nothing to publish; the message is for the user."""


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _line(key: str, value: float, year: int, eff: str, clause: str) -> str:
    return (f"  {key}: {{value: {value!r}, unit: {_q(BY_KEY[key].unit)}, effective: {eff}, "
            f"data_year: {year}, source: published, clause: {_q(clause)}}}")


def _overlay(base: Profile, year: int, today: date, n: int,
             used: dict[str, tuple[float, int, str]], cuts: dict[str, list[float]],
             emission: dict[str, float], means: dict[str, dict[str, float]],
             counts: dict[str, int], park: str, grouped: bool) -> str:
    # an id from the park's name: letters, digits, _ . - only (spaces, slashes become -)
    pid = re.sub(r"[^\w.-]+", "-", f"{base.id}-{park or 'park'}-{year}").strip("-.")[:64]
    title = f"{park or '本园区'} {year} 年度排名结果（{n} 家企业，{today.isoformat()}）"
    lines = [
        f"# 由亩均自评根据 {year} 年度 {n} 家企业的数据计算，{today.isoformat()} 发布。",
        "# 企业可在“规则与依据”中载入本文件，或在命令行用 --profile 本文件路径 自评。",
        f"# 基准值与权重为园区排名时所用（配置 {base.id} {base.version}），得分线为按排名分类后",
        "# A、B、C 类企业的最低得分：按本文件自评的企业得到与园区排名相同的分类。",
        "profile:",
        f"  id: {_q(pid)}",
        f"  name: {_q(f'{park or base.name} {year} 年度基准值与分类得分线')}",
        f"  version: {_q(today.isoformat())}",
        f"  base: {_q(base.ref)}",
        f"  county: {_q(base.county)}",
        f"  effective: {today.isoformat()}",
        "  description: " + _q(f"{year} 年度：基准值与园区排名时所用相同（{base.name}）；分类得分线为"
                               "园区按排名分类后 A、B、C 类企业的最低得分"),
        "sources:",
        "  published:",
        f"    title: {_q(title)}",
        f"    ref: {_q(f'亩均自评 mujun publish，配置 {base.id} {base.version}（{base.sha256[:12]}）')}",
        "    confidence: M",
        "parameters:",
    ]
    eff = today.isoformat()
    if grouped:
        lines.append("  # 本办法分行业组排名，各组的分类得分线不同，一组得分线无法重现，故未发布得分线；"
                     "企业按本文件自评只得到得分")
    for cohort in COHORTS:
        cname = COHORT_NAMES[cohort]
        for i in INDICATORS:
            key = f"mujun.{cohort}.{i}.benchmark"
            if key in used:
                value, data_year, mode = used[key]
                how = (f"沿用 {base.id} 的 {data_year} 年度基准值" if mode == FIXED else
                       f"园区 {counts[cohort]} 家企业按“{BENCHMARK_MODE_WORDS[mode]}”算出")
                lines.append(_line(key, value, data_year, eff,
                                   f"{cname}{INDICATOR_NAMES[i]}基准值（园区排名所用，{how}）"))
                if mode != FIXED:  # the firm self-checking uses the park's number as is
                    lines.append(
                        f"  mujun.{cohort}.{i}.benchmark_mode: {{value: {FIXED}, unit: 无, "
                        f"effective: {eff}, data_year: {data_year}, source: published, "
                        f"clause: {_q('按园区排名时算出的基准值自评')}}}")
            if i in means.get(cohort, {}):
                lines.append(f"  # 园区{cname}{INDICATOR_NAMES[i]}平均值 {means[cohort][i]:.6g}"
                             f"（{counts[cohort]} 家，仅供参照，未用于计分）")
        for c, v in zip("abc", cuts.get(cohort, [])):
            lines.append(_line(f"mujun.{cohort}.cutoff_{c}", v, year, eff,
                               f"{cname}{c.upper()}类企业最低得分（按排名分类，{counts[cohort]} 家）"))
        if cohort in emission:
            lines.append(_line(f"mujun.{cohort}.missing_emission_points", emission[cohort], year,
                               eff, f"{cname}有排放数据企业的单位排放增加值平均得分"
                                    "（缺排放数据的企业按此计分，与园区排名相同）"))
    return "\n".join(lines) + "\n"


def _carbon_lines(year: int, today: date, averages: dict[int, IndustryAverage]) -> str:
    """The park's industry carbon averages (Σ CO₂ ÷ Σ value added per division), so that a
    firm self-checking gets the grade the park gave it (issue 16)."""
    if not averages:
        return ("  # 没有同行业企业足够多的行业，未发布行业平均碳排放强度"
                "（企业自评只得到碳效等级，不定级）\n")
    value = ", ".join(f"{d:02d}: {a.value!r}" for d, a in sorted(averages.items()))
    firms = "、".join(f"{d:02d} 大类 {a.count} 家" for d, a in sorted(averages.items()))
    clause = f"园区 {year} 年度各行业二氧化碳排放合计 ÷ 工业增加值合计（{firms}）"
    return (f"  carbon.industry_average: {{value: {{{value}}}, unit: 吨二氧化碳/万元, "
            f"effective: {today.isoformat()}, data_year: {year}, source: published, "
            f"clause: {_q(clause)}}}\n")


def publish(store: Store, base: Profile, year: int, out: Path, today: date | None = None,
            park: str = "") -> Path:
    today = today or date.today()
    records = list(store.iter_records([year], pool=REAL))  # never the sample park's firms
    if not records:
        if next(store.iter_records([year], pool=SAMPLE), None) is not None:
            raise PublishError(f"数据库中 {year} 年度只有示例园区的企业（合成数据），不能据此发布基准值；"
                               "请先导入本园区的真实数据")
        raise PublishError(f"数据库中没有 {year} 年度的企业数据，无法发布")
    sums: dict[str, dict[str, list[float]]] = {}
    counts: dict[str, int] = {}
    lowest: dict[str, dict[str, float]] = {}
    stats: dict[tuple, CohortStats] = {}
    manual = store.manual_entries(base.id)  # the park ranked with its manager's entries
    carbon: dict[tuple, IndustryAverage] = {}
    for r in iter_population(records, base, today, stats_out=stats, manual=manual,
                             carbon_out=carbon):
        m = r.mujun
        if m["status"] != "scored":
            continue
        counts[m["cohort"]] = counts.get(m["cohort"], 0) + 1
        for i, ind in m["indicators"].items():
            if ind["value"] is not None and not ind.get("imputed"):
                sums.setdefault(m["cohort"], {}).setdefault(i, []).append(ind["value"])
        cls = m.get("initial_class") or m["class"]  # the rank's class, before any regrade
        if cls in ("A", "B", "C") and m["class_basis"] == "percentile":
            score = r.trees["mujun"].find("score").points
            cur = lowest.setdefault(m["cohort"], {})
            cur[cls] = min(cur.get(cls, score), score)
    if not counts:
        raise PublishError(f"{year} 年度没有可计分的企业（检查数据是否完整、配置是否有权重）")
    means = {c: {i: sum(v) / len(v) for i, v in d.items() if v} for c, d in sums.items()}
    ctx = Ctx(base, today)
    used: dict[str, tuple[float, int, str]] = {}
    for cohort in counts:
        population = {i: b for (c, y, _), st in stats.items() if c == cohort and y == year
                      for i, b in st.benchmarks.items()}
        for i in scored_indicators(ctx, cohort, year):
            ref = ctx.ref(f"mujun.{cohort}.{i}.benchmark", year)
            mode = ctx.v(f"mujun.{cohort}.{i}.benchmark_mode", year) or FIXED
            if mode == FIXED and ref.value is not None:
                used[ref.key] = (ref.value, year if ref.data_year is None else ref.data_year,
                                 mode)
            elif mode != FIXED and population.get(i) is not None \
                    and population[i].value is not None:
                used[ref.key] = (population[i].value, year, mode)
    grouped = bool(ctx.v("mujun.industry_groups"))
    cuts = {} if grouped else {c: [lo[k] for k in "ABC"] for c, lo in lowest.items()
                               if all(k in lo for k in "ABC")}
    emission = {c: st.emission_mean for (c, y, _), st in stats.items()
                if y == year and st.emission_mean is not None and c in cuts}
    text = _overlay(base, year, today, len(records), used, cuts, emission, means, counts, park,
                    grouped)
    text += _carbon_lines(year, today, {d: a for (y, d), a in carbon.items()
                                        if y == year and a.value > 0})  # 0 cannot grade
    out = Path(out)
    with PartFiles() as files:  # what we publish must load, or nothing is left under ``out``
        part = files.part(out)
        part.write_text(text, encoding="utf-8")
        try:
            load(part)
        except ProfileError as e:
            raise PublishError("发布的配置未通过检查，未写入：\n" + "\n".join(
                f"{i.line} 行 {i.key}：{i.message}" for i in e.issues[:20])) from e
    return out

"""Publish a park's benchmarks and class cut-off scores as a county overlay a firm can load.

Benchmarks are the cohort means of the stored firms' indicator values for one year. The cut-off
scores are the lowest scores of classes A, B and C — computed after re-scoring the same firms
against those new benchmarks, so that a firm loading the overlay gets the class it would have
in the park's own ranking.
"""

from __future__ import annotations

import json
import math
import tempfile
from datetime import date
from pathlib import Path

from forms.store import Store
from rules.assess import iter_population
from rules.profile import Profile, load
from rules.schema import BY_KEY, COHORT_INDICATORS, COHORT_NAMES, INDICATOR_NAMES


class PublishError(Exception):
    """Nothing to publish; the message is for the user."""


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _overlay(base: Profile, year: int, today: date, n: int, means: dict[str, dict[str, float]],
             cuts: dict[str, list[float]], counts: dict[str, int], park: str) -> str:
    pid = f"{base.id}-{park or 'park'}-{year}"
    lines = [
        f"# 由亩均自评根据 {year} 年度 {n} 家企业的数据计算，{today.isoformat()} 发布。",
        "# 企业可在“规则与依据”中载入本文件，或在命令行用 --profile 本文件路径 自评。",
        "profile:",
        f"  id: {_q(pid)}",
        f"  name: {_q(f'{park or base.name} {year} 年度基准值与分类得分线')}",
        f"  version: {_q(today.isoformat())}",
        f"  base: {_q(base.ref)}",
        f"  county: {_q(base.county)}",
        f"  effective: {today.isoformat()}",
        f"  description: {_q(f'基准值为 {year} 年度同类企业指标平均值；分类得分线为按排名分类后 A、B、C 类的最低得分')}",
        "sources:",
        "  published:",
        f"    title: {_q(f'由 {n} 家企业数据计算（{year} 年度，{today.isoformat()}）')}",
        f"    ref: {_q(f'亩均自评 mujun publish，配置 {base.id} {base.version}（{base.sha256[:12]}）')}",
        "    confidence: M",
        "parameters:",
    ]
    eff = today.isoformat()
    # Cut-offs round down (scores are given to 4 decimals, hence the half-unit margin), so that
    # the lowest firm of each class stays on its side of the line.
    for cohort, ids in COHORT_INDICATORS.items():
        cname = COHORT_NAMES[cohort]
        for i in ids:
            if i not in means.get(cohort, {}):
                continue
            key = f"mujun.{cohort}.{i}.benchmark"
            clause = f"{cname}{INDICATOR_NAMES[i]}平均值（{counts[cohort]} 家）"
            lines.append(f"  {key}: {{value: {means[cohort][i]!r}, unit: {_q(BY_KEY[key].unit)}, "
                         f"effective: {eff}, source: published, clause: {_q(clause)}}}")
        for c, v in zip("abc", cuts.get(cohort, [])):
            clause = f"{cname}{c.upper()}类企业最低得分（按排名分类，{counts[cohort]} 家）"
            lines.append(f"  mujun.{cohort}.cutoff_{c}: {{value: {math.floor((v - 5e-5) * 1e4) / 1e4!r}, unit: \"分\", "
                         f"effective: {eff}, source: published, clause: {_q(clause)}}}")
    return "\n".join(lines) + "\n"


def publish(store: Store, base: Profile, year: int, out: Path, today: date | None = None,
            park: str = "") -> Path:
    today = today or date.today()
    records = list(store.iter_records([year]))
    if not records:
        raise PublishError(f"数据库中没有 {year} 年度的企业数据，无法发布")
    sums: dict[str, dict[str, list[float]]] = {}
    counts: dict[str, int] = {}
    for r in iter_population(records, base, today):
        m = r.mujun
        if m["status"] != "scored":
            continue
        counts[m["cohort"]] = counts.get(m["cohort"], 0) + 1
        for i, ind in m["indicators"].items():
            if ind["value"] is not None and not ind.get("imputed"):
                sums.setdefault(m["cohort"], {}).setdefault(i, []).append(ind["value"])
    if not counts:
        raise PublishError(f"{year} 年度没有可计分的企业（检查数据是否完整、配置是否有权重）")
    means = {c: {i: sum(v) / len(v) for i, v in d.items() if v and sum(v) > 0}
             for c, d in sums.items()}
    # Re-score against the new benchmarks, then read the class cut-offs off the ranking.
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "draft.yaml"
        draft.write_text(_overlay(base, year, today, len(records), means, {}, counts, ""),
                         encoding="utf-8")
        rescored = load(draft)
        lowest: dict[str, dict[str, float]] = {}
        for r in iter_population(records, rescored, today):
            m = r.mujun
            if m["class"] in ("A", "B", "C") and m["class_basis"] == "percentile":
                cur = lowest.setdefault(m["cohort"], {})
                cur[m["class"]] = min(cur.get(m["class"], m["score"]), m["score"])
    cuts = {c: [lo[k] for k in "ABC"] for c, lo in lowest.items() if all(k in lo for k in "ABC")}
    text = _overlay(base, year, today, len(records), means, cuts, counts, park)
    out = Path(out)
    out.write_text(text, encoding="utf-8")
    load(out)  # what we publish must load
    return out

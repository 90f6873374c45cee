"""Run every assessment for one record, or for a population (classes need the whole cohort)."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules.assessments import carbon, digital, green_channel, mujun, rectification, sme
from rules.engine import Ctx, Node, Outcome
from rules.indicators import FIXED, INDICATORS
from rules.profile import Profile
from rules.record import Record
from rules.schema import COHORTS

DISCLAIMER = ("本结果为根据企业填报数据和公开政策口径作出的自评估算，仅供参考；"
              "实际评价结果以县（市、区）主管部门公布的为准。")


@dataclass
class EnterpriseResult:
    record: Record
    profile: Profile
    as_of: date
    mujun: dict[str, Any]
    green_channel: list[dict[str, Any]]
    sme: dict[str, Any]
    rectification: dict[str, Any]
    digital: dict[str, Any]
    carbon: dict[str, Any] = field(default_factory=dict)
    trees: dict[str, Node] = field(default_factory=dict)
    project_trees: list[Node] = field(default_factory=list)
    # Said at the top of every output: benchmarks of another data year, rules applied before
    # their effective date.
    notes: list[str] = field(default_factory=list)

    @property
    def missing_inputs(self) -> list[str]:
        """Every input field some criterion needed but did not have, in first-seen order."""
        seen: dict[str, None] = {}
        na = Outcome.NA
        for t in [*self.trees.values(), *self.project_trees]:
            stack = [t]  # ``Node.walk``'s order, without a generator (every firm, every node)
            while stack:
                n = stack.pop()
                if n.missing and (n.outcome is not na or n.kind == "info"):
                    for m in n.missing:
                        seen.setdefault(m, None)
                if n.children:
                    stack.extend(reversed(n.children))
        return list(seen)

    def to_json(self, trees: bool = True) -> dict[str, Any]:
        """The assessment keys of SPEC §6 (the caller adds sheet, row, status, errors);
        with ``trees`` every assessment also carries its full result tree."""
        rec = self.record

        def part(summary: dict[str, Any], tree: Node) -> dict[str, Any]:
            return {**summary, "tree": tree.to_json()} if trees else dict(summary)

        return {
            "credit_code": rec.credit_code, "name": rec.name, "year": rec.year,
            "mujun": part(self.mujun, self.trees["mujun"]),
            "green_channel": [part(g, t) for g, t in zip(self.green_channel, self.project_trees)],
            "sme": part(self.sme, self.trees["sme"]),
            "rectification": part(self.rectification, self.trees["rectification"]),
            "digital": part(self.digital, self.trees["digital"]),
            "carbon": part(self.carbon, self.trees["carbon"]),
            "missing_inputs": self.missing_inputs,
            "notes": list(self.notes),
            "disclaimer": DISCLAIMER,
        }


def assess(record: Record, profile: Profile, as_of: date,
           cohort: mujun.CohortStats | None = None,
           manual: mujun.Manual | None = None,
           carbon_averages: Mapping[tuple[int | None, int], carbon.IndustryAverage] | None = None
           ) -> EnterpriseResult:
    """One firm. Alone (``cohort`` None) its class comes only from the profile's cut-off
    scores; with the statistics of the cohort it was ranked in (kept by the store), it gets
    the same class, benchmarks and tree as in that population. ``manual`` holds what the park
    manager entered for it (加减分, regrade)."""
    ctx = Ctx(profile, as_of)
    if cohort is not None and cohort.benchmarks:
        ctx.population[(cohort.cohort, cohort.year)] = dict(cohort.benchmarks)
    if manual is not None:
        ctx.manual[(record.credit_code, record.year)] = manual
    ctx.carbon.update(carbon_averages or {})  # the industry averages of its population
    with _no_cyclic_gc():
        ev = mujun.evaluate(ctx, record)
        if ev.status == mujun.SCORED:
            if cohort is None:
                mujun.classify(ctx, [ev], single=True)
            else:
                mujun.classify_one(ctx, ev, cohort, single=False)
        return _finish(ctx, record, ev)


def assess_population(records: Sequence[Record], profile: Profile, as_of: date,
                      manual: Mapping[tuple[str, int | None], mujun.Manual] | None = None
                      ) -> list[EnterpriseResult]:
    """A batch: classes by percentile rank inside each cohort and year when it is large
    enough, else by cut-off scores. Results come back in the order of ``records``."""
    return list(iter_population(records, profile, as_of, manual=manual))


def iter_population(records: Sequence[Record], profile: Profile, as_of: date,
                    stats_out: dict | None = None,
                    manual: Mapping[tuple[str, int | None], mujun.Manual] | None = None,
                    carbon_out: dict | None = None) -> Iterator[EnterpriseResult]:
    """Like ``assess_population`` but yields one result at a time, so that a park of 100,000
    firms never holds 100,000 trees. ``stats_out`` receives each cohort's statistics;
    ``manual`` the park manager's entries by (credit code, year)."""
    ctx = Ctx(profile, as_of)
    ctx.manual.update(manual or {})
    # Pass 1 keeps only what ranking needs; pass 2 evaluates each firm again as it goes out,
    # so memory holds a few numbers per firm instead of every firm's evaluation. A profile
    # that takes benchmarks from the population first computes them (pass 0).
    with _no_cyclic_gc():
        population_benchmarks(ctx, records)
        stats = ranking(ctx, [ranking_input(ctx, r) for r in records])
    if carbon_out is not None:
        carbon_out.update(ctx.carbon)
    if stats_out is not None:
        stats_out.update(stats)
    for rec in records:
        with _no_cyclic_gc():
            result = assess_ranked(ctx, stats, rec)
        yield result


# The three steps of a population's assessment, each a function of plain values, so that
# ``forms.assess_pool`` runs passes 1 and 2 across processes through this same code.

RankingInput = tuple[mujun.ScoreInput | None, tuple[int | None, carbon.CarbonEval]]


def population_benchmarks(ctx: Ctx, records: Sequence[Record]) -> None:
    """Pass 0: the benchmarks a profile takes from the population (into ``ctx.population``);
    nothing when every benchmark is fixed."""
    if _population_modes(ctx, {r.year for r in records}):
        ctx.population.update(mujun.population_benchmarks(
            ctx, (mujun.evaluate(ctx, r) for r in records)))


def ranking_input(ctx: Ctx, rec: Record) -> RankingInput:
    """Pass 1, one firm: the few numbers it adds to its cohort's ranking and its industry's
    carbon average (the carbon evaluation cut to what the average reads)."""
    ev = carbon.evaluate(ctx, rec)
    lite = carbon.CarbonEval(ev.co2, {}, {"value_added": ev.inputs.get("value_added")},
                             intensity=ev.intensity, division=ev.division)
    return mujun.score_input(mujun.evaluate(ctx, rec)), (rec.year, lite)


def ranking(ctx: Ctx, inputs: Sequence[RankingInput]) -> dict[mujun.StatsKey, mujun.CohortStats]:
    """Pass 1, the population: each cohort's statistics, and each industry's average carbon
    intensity (碳效, into ``ctx.carbon``), from the firms' inputs in population order."""
    stats = mujun.cohort_stats([s for s, _ in inputs], ctx.population)
    ctx.carbon.update(carbon.industry_averages(ctx, (c for _, c in inputs)))
    return stats


def assess_ranked(ctx: Ctx, stats: Mapping[mujun.StatsKey, mujun.CohortStats],
                  rec: Record) -> EnterpriseResult:
    """Pass 2, one firm: its whole assessment against its population's statistics."""
    ctx.begin_firm()
    ev = mujun.evaluate(ctx, rec)
    if ev.status == mujun.SCORED:
        mujun.classify_one(ctx, ev, stats[(ev.cohort, ev.year, ev.group)], single=False)
    return _finish(ctx, rec, ev)


def _population_modes(ctx: Ctx, years: set[int | None]) -> bool:
    """Whether the profile takes any benchmark from the population in one of ``years``."""
    return any(ctx.v(f"mujun.{c}.{i}.benchmark_mode", y) not in (None, FIXED)
               for c in COHORTS for i in INDICATORS for y in years)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Result trees are acyclic; pausing the cyclic collector while building them cut the time
    per firm by more than half on a 3,000-firm batch when measured during development (the
    collector kept re-scanning every live tree)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _finish(ctx: Ctx, rec: Record, ev: mujun.MujunEval) -> EnterpriseResult:
    projects = [green_channel.assess_project(ctx, p) for p in rec.projects]
    sme_sum, sme_tree = sme.assess(ctx, rec)
    carbon_sum, carbon_tree = carbon.assess(ctx, rec)
    rect_sum, rect_tree = rectification.assess(ctx, rec, ev, carbon_sum)
    dig_sum, dig_tree = digital.assess(ctx, rec)
    return EnterpriseResult(
        record=rec, profile=ctx.profile, as_of=ctx.as_of, mujun=mujun.summary(ev),
        green_channel=[s for s, _ in projects], sme=sme_sum, rectification=rect_sum,
        digital=dig_sum, carbon=carbon_sum,
        trees={"mujun": mujun.tree(ctx, ev), "sme": sme_tree, "rectification": rect_tree,
               "digital": dig_tree, "carbon": carbon_tree},
        project_trees=[t for _, t in projects],
        notes=[n for n in (ev.benchmark_note, carbon_sum.get("factor_note", ""),
                           *ctx.early_notes()) if n])

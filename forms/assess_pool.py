"""A population's assessment, across processes when it is large enough to gain from them.

Cohort statistics make firms independent once the population's plain values are known, so
passes 1 and 2 of ``rules.assess`` run in worker processes through the very same functions
(``ranking_input``, ``assess_ranked``): only records, a few numbers per firm and each firm's
stored summary cross process boundaries, never result trees. Pass 0 (population benchmarks,
for the profiles that have them) and the population's statistics stay in this process. The
results come back in population order and are the ones a single process gives, byte for byte
(``tests/test_assess_pool.py``).

The workers (``forms.workers``) are sent their records, chunk by chunk.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from forms import workers
from rules.assess import (
    EnterpriseResult,
    RankingInput,
    assess_ranked,
    iter_population,
    population_benchmarks,
    ranking,
    ranking_input,
)
from rules.assessments.mujun import CohortStats, Manual, StatsKey
from rules.engine import Ctx
from rules.profile import Profile
from rules.record import Record

# Below this many firms the workers' start (≈ 0.2 s) costs more than they save. Measured on
# 2 cores, whole `mujun assess --json` runs: 600 firms 0.99 s pooled against 0.89 s in one
# process, 1,000 firms 1.33 against 1.53, 3,200 firms 3.24 against 4.78. Tests set it to 0
# to run the pool on the sample park.
MIN_FIRMS = 1000
CHUNK = 200  # firms per task: large enough to cost little to send, small enough to balance
RANKING = "计算同类企业排名"  # the progress stage of the first pass


def result_row(record: Record, summary: dict[str, Any], profile: Profile,
               as_of: date) -> dict[str, Any]:
    """The stored summary of one firm's assessment (``results`` table) from
    ``EnterpriseResult.to_json(trees=False)``, without ``assessed_at`` (``stamped`` adds it
    as the row is stored)."""
    m, s, rect, d = summary["mujun"], summary["sme"], summary["rectification"], summary["digital"]
    return {
        "credit_code": record.credit_code, "year": record.year, "profile_id": profile.id,
        "profile_version": profile.version, "profile_sha256": profile.sha256,
        "as_of": as_of.isoformat(),
        "status": m["status"], "cohort": m["cohort"], "score": m["score"], "class": m["class"],
        "class_basis": m["class_basis"], "rank": m.get("rank"), "population": m.get("population"),
        "sme_tier": s["tier"], "sme_size": s["size"], "rect_flagged": int(rect["flagged"]),
        "rect_reasons": "、".join(rect["reasons"]), "digital_level": d["level"],
        "digital_eligible": "、".join(d["eligible"]),
        "green_eligible": sum(1 for g in summary["green_channel"] if g["eligible"]),
        "green_projects": len(summary["green_channel"]),
        "summary_json": json.dumps(summary, ensure_ascii=False),
    }


def stamped(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with the time it is stored."""
    return {**row, "assessed_at": datetime.now().isoformat(timespec="seconds")}


@dataclass
class Assessed:
    """One firm's assessment as the batch keeps it: its stored row and the few values the
    outputs read; ``result`` holds the full result (trees too) when the caller asked for it."""

    record: Record
    row: dict[str, Any]  # ``result_row``: the verdicts, and the summary as JSON
    notes: list[str]
    group: str | None
    result: EnterpriseResult | None = None
    _summary: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def summary(self) -> dict[str, Any]:
        """``EnterpriseResult.to_json(trees=False)``."""
        if self._summary is None:
            self._summary = json.loads(self.row["summary_json"])
        return self._summary


def _assessed(res: EnterpriseResult, profile: Profile, as_of: date,
              keep: bool) -> Assessed:
    summary = res.to_json(trees=False)
    return Assessed(res.record, result_row(res.record, summary, profile, as_of), list(res.notes),
                    res.mujun.get("group"), res if keep else None, summary)


def assess(population: Sequence[Record], profile: Profile, as_of: date,
           stats_out: dict[StatsKey, CohortStats] | None = None,
           manual: Mapping[tuple[str, int | None], Manual] | None = None,
           carbon_out: dict | None = None, keep_results: bool = False,
           processes: int | None = None,
           progress: Callable[[int, int, str], None] | None = None) -> Iterator[Assessed]:
    """Every firm of ``population`` assessed against the others, in population order (see
    ``rules.assess.iter_population``). ``keep_results`` keeps each full result (one process
    then; the trees do not cross processes); ``processes`` defaults to the machine's cores.
    ``progress`` hears how far the first pass (the cohorts' statistics) has come."""
    n = processes or workers.cores()
    if progress:
        progress(0, len(population), RANKING)
    if keep_results or n < 2 or len(population) < max(MIN_FIRMS, 1):
        for res in iter_population(population, profile, as_of, stats_out=stats_out,
                                   manual=manual, carbon_out=carbon_out):
            yield _assessed(res, profile, as_of, keep_results)
        return
    yield from _across(population, profile, as_of, stats_out, manual or {}, carbon_out, n,
                       progress)


# ----------------------------------------------------------------------------- workers

_STATE: dict[str, Any] = {}  # in a worker: its context, and the statistics of pass 2


def _init(profile: Profile, as_of: date, manual: Mapping, population: Mapping,
          carbon: Mapping | None, stats: Mapping | None) -> None:
    import gc

    gc.disable()  # result trees are acyclic (``rules.assess._no_cyclic_gc``)
    ctx = Ctx(profile, as_of)
    ctx.manual.update(manual)
    ctx.population.update(population)
    ctx.carbon.update(carbon or {})
    _STATE.update(ctx=ctx, stats=stats)


def _pass1(records: list[Record]) -> list[RankingInput]:
    ctx = _STATE["ctx"]
    return [ranking_input(ctx, r) for r in records]


def _pass2(records: list[Record]) -> list[tuple[dict[str, Any], list[str], str | None]]:
    ctx, stats = _STATE["ctx"], _STATE["stats"]
    out = []
    for rec in records:
        res = assess_ranked(ctx, stats, rec)
        summary = res.to_json(trees=False)
        out.append((result_row(rec, summary, ctx.profile, ctx.as_of), list(res.notes),
                    res.mujun.get("group")))
    return out


def _across(population: Sequence[Record], profile: Profile, as_of: date,
            stats_out: dict | None, manual: Mapping, carbon_out: dict | None,
            n: int, progress: Callable[[int, int, str], None] | None) -> Iterator[Assessed]:
    ctx = Ctx(profile, as_of)
    ctx.manual.update(manual)
    population_benchmarks(ctx, population)  # pass 0, here: it needs every firm at once
    ex = workers.pool(n, _init, profile, as_of, manual, ctx.population, None, None)
    try:
        inputs: list[RankingInput] = []
        for _, part in workers.in_order(ex, _pass1, population, CHUNK, 4 * n):
            inputs += part
            if progress:
                progress(len(inputs), len(population), RANKING)
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    stats = ranking(ctx, inputs)
    del inputs
    if carbon_out is not None:
        carbon_out.update(ctx.carbon)
    if stats_out is not None:
        stats_out.update(stats)
    ex = workers.pool(n, _init, profile, as_of, manual, ctx.population, ctx.carbon, stats)
    try:
        for records, part in workers.in_order(ex, _pass2, population, CHUNK, 4 * n):
            for rec, (row, notes, group) in zip(records, part, strict=True):
                yield Assessed(rec, row, notes, group)
    finally:
        ex.shutdown(wait=True, cancel_futures=True)

"""Run every assessment for one record, or for a population (classes need the whole cohort)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rules.assessments import digital, green_channel, mujun, rectification, sme
from rules.engine import Ctx, Node, Outcome
from rules.profile import Profile
from rules.record import Record

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
    trees: dict[str, Node] = field(default_factory=dict)
    project_trees: list[Node] = field(default_factory=list)

    @property
    def missing_inputs(self) -> list[str]:
        """Every input field some criterion needed but did not have, in first-seen order."""
        seen: dict[str, None] = {}
        for t in [*self.trees.values(), *self.project_trees]:
            for n in t.walk():
                if n.outcome is not Outcome.NA or n.kind == "info":
                    for m in n.missing:
                        seen.setdefault(m, None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        """The assessment keys of SPEC §6 (the caller adds sheet, row, status, errors)."""
        rec = self.record
        return {
            "credit_code": rec.credit_code, "name": rec.name, "year": rec.year,
            "mujun": {**self.mujun, "tree": self.trees["mujun"].to_json()},
            "green_channel": [{**g, "tree": t.to_json()}
                              for g, t in zip(self.green_channel, self.project_trees)],
            "sme": {**self.sme, "tree": self.trees["sme"].to_json()},
            "rectification": {**self.rectification,
                              "tree": self.trees["rectification"].to_json()},
            "digital": {**self.digital, "tree": self.trees["digital"].to_json()},
            "missing_inputs": self.missing_inputs,
            "disclaimer": DISCLAIMER,
        }


def assess(record: Record, profile: Profile, as_of: date) -> EnterpriseResult:
    """One firm alone: classes only by the profile's cut-off scores (no population to rank)."""
    return _run([record], profile, as_of, single=True)[0]


def assess_population(records: Sequence[Record], profile: Profile,
                      as_of: date) -> list[EnterpriseResult]:
    """A batch: classes by percentile rank inside each cohort and year when it is large
    enough, else by cut-off scores. Results come back in the order of ``records``."""
    return _run(records, profile, as_of, single=False)


def _run(records: Sequence[Record], profile: Profile, as_of: date,
         single: bool) -> list[EnterpriseResult]:
    ctx = Ctx(profile, as_of)
    evals = [mujun.evaluate(ctx, r) for r in records]
    mujun.classify(ctx, evals, single=single)
    out = []
    for rec, ev in zip(records, evals):
        projects = [green_channel.assess_project(ctx, p) for p in rec.projects]
        sme_sum, sme_tree = sme.assess(ctx, rec)
        rect_sum, rect_tree = rectification.assess(ctx, rec, ev)
        dig_sum, dig_tree = digital.assess(ctx, rec)
        out.append(EnterpriseResult(
            record=rec, profile=profile, as_of=as_of, mujun=mujun.summary(ev),
            green_channel=[s for s, _ in projects], sme=sme_sum, rectification=rect_sum,
            digital=dig_sum,
            trees={"mujun": mujun.tree(ctx, ev), "sme": sme_tree, "rectification": rect_tree,
                   "digital": dig_tree},
            project_trees=[t for _, t in projects]))
    return out


def batch_json(results: Sequence[EnterpriseResult], profile: Profile, as_of: date) -> dict:
    return {"profile": {"id": profile.id, "version": profile.version, "sha256": profile.sha256},
            "as_of": as_of.isoformat(),
            "enterprises": [{"status": "ok", "errors": [], "warnings": [], **r.to_json()}
                            for r in results]}

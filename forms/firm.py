"""One firm's declaration from the form: validate, assess, save — the single-firm counterpart
of the batch pipeline, with the same catalogue checks and the same stored result rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from forms.assess_pool import result_row, stamped
from forms.record import Checked, Issue, check_values
from forms.store import FORM, FORM_FILE, REAL, SAMPLE, CommitSummary, Store
from rules.assess import EnterpriseResult, assess
from rules.catalogue import ENTERPRISE_BY_ID, PROJECT_BY_ID
from rules.profile import Profile
from rules.record import Record, record_of_checked

SAMPLE_NOTE = "这是示例园区的企业（合成数据），只在示例企业之间排名"
NOT_AMONG_SAMPLE = ("数据库中这一年度只有示例园区（合成数据）的排名；真实企业不与示例企业一起排名，"
                    "所以本企业暂无按排名得出的分类")


@dataclass
class FormCheck:
    firm: Checked
    projects: list[Checked] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.firm.ok and all(p.ok for p in self.projects)

    def errors(self) -> list[str]:
        out = [f"{i.column}：{i.message}" for i in self.firm.errors]
        for n, p in enumerate(self.projects, start=1):
            out += [f"新上项目第 {n} 行 {i.column}：{i.message}" for i in p.errors]
        return out

    def record(self) -> Record:
        v = self.firm.values
        projects = [{**p.values, "credit_code": v.get("credit_code"), "year": v.get("year")}
                    for p in self.projects]
        return record_of_checked(v, projects)


def check_form(raw: Mapping[str, Any], project_rows: Sequence[Mapping[str, Any]],
               today: date | None = None) -> FormCheck:
    """Check the form's raw texts (field id → text) and its project rows; blank project rows
    are dropped. A project inherits the firm's credit code and year."""
    firm = check_values({k: v for k, v in raw.items() if k in ENTERPRISE_BY_ID},
                        ENTERPRISE_BY_ID, today=today)
    projects = []
    for row in project_rows:
        if all(v in (None, "") for v in row.values()):
            continue
        given = {k: v for k, v in row.items() if k in PROJECT_BY_ID}
        given["credit_code"] = firm.values.get("credit_code") or raw.get("credit_code")
        given["year"] = firm.values.get("year") or raw.get("year")
        checked = check_values(given, PROJECT_BY_ID, today=today)
        # the firm's own code/year errors are reported once, on the firm
        checked.errors = [i for i in checked.errors if i.field not in ("credit_code", "year")]
        projects.append(checked)
    names = [p.values.get("project_name") for p in projects]
    for n, p in enumerate(projects):
        if names[n] is not None and names.index(names[n]) < n:
            p.errors.append(Issue("project_name", "新上项目名称", f"项目名称“{names[n]}”重复"))
    return FormCheck(firm, projects)


def assess_firm(record: Record, profile: Profile, as_of: date,
                store: Store | None = None) -> EnterpriseResult:
    """Assess one firm; when the store holds its cohort's ranking for this profile and year,
    the class comes from that ranking (as in the park's batch), else from the cut-off scores.
    A stored sample firm is ranked among the sample; any other firm among real firms only."""
    manual = None if store is None else store.manual_for(profile.id, record.credit_code,
                                                          record.year)
    pool = REAL if store is None or store.pool_of(record.credit_code, record.year) != SAMPLE \
        else SAMPLE
    # the industry carbon averages of the population the firm was ranked in
    carbon = {} if store is None or record.year is None else \
        store.carbon_averages(profile.id, record.year, pool)
    result = assess(record, profile, as_of, manual=manual, carbon_averages=carbon)
    # a profile taking benchmarks from the population cannot score a firm alone (no_weights):
    # the stored ranking carries the benchmarks it used
    if store is not None and result.mujun["status"] in ("scored", "no_weights"):
        cohort, group = result.mujun["cohort"], result.mujun.get("group")
        stats = store.cohort_stats(profile.id, record.year, cohort, pool, group)
        if stats is not None:
            result = assess(record, profile, as_of, cohort=stats, manual=manual,
                            carbon_averages=carbon)
            if pool == SAMPLE:
                result.notes.append(SAMPLE_NOTE)
        elif pool == REAL and store.cohort_stats(profile.id, record.year, cohort, SAMPLE, group):
            result.notes.append(NOT_AMONG_SAMPLE)
    return result


def save_firm(store: Store, record: Record, profile: Profile,
              as_of: date) -> tuple[CommitSummary, EnterpriseResult]:
    """Store the firm's declaration (the old one goes to history, as with an import) and its
    result; returns the commit and the result."""
    with store.atomic():  # the declaration and its result, or neither
        committed = store.commit_import([record], FORM_FILE, "", 0, kind=FORM)
        result = assess_firm(record, profile, as_of, store)
        store.save_results([stamped(result_row(record, result.to_json(trees=False), profile,
                                               as_of))], list)
    return committed, result


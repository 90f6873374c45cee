"""A park's file through the whole pipeline: dry run → commit → assess → store → outputs.

Percentile classes are ranked inside the population: with a store, every stored record of the
batch's years after the commit; without one, the batch itself. Results stream one firm at a
time into the JSON and the results workbook, so memory does not grow with full result trees.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any, Self

from forms import assess_pool
from forms.assess_pool import Assessed, stamped
from forms.excel.export import ResultsWriter, layout_for, write_error_report
from forms.import_report import report_json
from forms.importer import ImportResult, Row, dry_run
from forms.store import IMPORT, POOLS, REAL, SAMPLE, CommitSummary, Store, cohort_row
from rules.assess import EnterpriseResult
from rules.catalogue import label
from rules.profile import Profile
from rules.record import Record, make_record

Progress = Callable[[int, int, str], None]


@dataclass
class Outcome:
    imported: ImportResult
    committed: CommitSummary | None
    assessed: int = 0
    population: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    batch: list[Record] = field(default_factory=list)  # the valid rows, in file order
    cohorts: dict[tuple, Any] = field(default_factory=dict)  # (cohort, year) → CohortStats
    # (code, year) → the key of its ``cohorts`` entry: (cohort, year, industry group)
    cohort_of: dict[tuple, tuple] = field(default_factory=dict)
    # (code, year) → the park manager's entries the results used (rules.assessments.mujun.Manual)
    manual: dict[tuple, Any] = field(default_factory=dict)
    # (year, industry division) → the population's average carbon intensity (碳效)
    carbon: dict[tuple, Any] = field(default_factory=dict)
    # what the results say about themselves (benchmarks of another year …) → how many firms
    notes: dict[str, int] = field(default_factory=dict)

    def counts(self) -> str:
        """How many firms were assessed and how the ranked population came out, in words.
        The classes are the whole ranking's (stored firms of the same years included), so
        when that is more than the file's firms the sentence says so; firms without a class
        (not scored: 不分类, 缓评, data missing) are counted too, never left out of the sum."""
        classes = [f"{k} 类 {v} 家" for k, v in sorted(self.classes.items())]
        unclassified = self.population - sum(self.classes.values())
        if unclassified:
            classes.append(f"未分类 {unclassified} 家")
        if self.population == self.assessed:
            head = f"评估 {self.assessed} 家"
        else:
            head = (f"评估本文件 {self.assessed} 家；与数据库中同年度的企业一起排名，"
                    f"共 {self.population} 家")
        return head + (f"：{'，'.join(classes)}" if classes else "")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _where(row: Row) -> dict[str, Any]:
    """Where a row stands, and who it is: checked values, or the raw cells of a rejected row."""
    def given(fid: str) -> Any:
        if fid in row.checked.values:
            return row.checked.values[fid]
        c = row.columns.get(fid)
        return None if c is None or c >= len(row.cells) or row.cells[c] in (None, "") \
            else str(row.cells[c])

    return {"sheet": row.sheet, "row": row.row, "credit_code": given("credit_code"),
            "name": given("name"), "year": row.checked.values.get("year")}


def _warnings(row: Row, result: Assessed | None,
              project_notes: dict[tuple, list[dict]]) -> list[dict[str, str]]:
    out = [w.to_json() for w in row.checked.warnings]
    if result is not None and result.row["status"] == "incomplete":
        out += [{"field": f, "message": f"亩均效益计分缺少“{label(f)}”"}
                for f in result.summary["mujun"]["missing"]]
    out += project_notes.get(row.key, [])
    return out


class JsonStream:
    """Writes the SPEC §6 JSON one enterprise at a time."""

    def __init__(self, fh: IO[str], profile: Profile, as_of: date):
        self.fh = fh
        self.first = True
        head = {"profile": profile.identity(), "as_of": as_of.isoformat()}
        fh.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "enterprises": [\n')

    def add(self, entry: dict[str, Any]) -> None:
        self.fh.write(("" if self.first else ",\n") + json.dumps(entry, ensure_ascii=False))
        self.first = False

    def close(self, tail: dict[str, Any]) -> None:
        self.fh.write("\n]" + (", " + json.dumps(tail, ensure_ascii=False)[1:] if tail else "}"))
        self.fh.write("\n")


class RenameConflict(Exception):
    """Rows whose credit code and year are stored under another firm's name: importing them
    would overwrite that firm. The user confirms (desktop) or passes ``--accept-renames``."""

    def __init__(self, conflicts: list[tuple[str, int, str, str]]):
        super().__init__(conflicts)
        self.conflicts = conflicts

    def lines(self) -> list[str]:
        return [f"{code}（{year} 年）：数据库中是“{old}”，本文件是“{new}”"
                for code, year, old, new in self.conflicts]

    @property
    def zh(self) -> str:
        return (f"{len(self.conflicts)} 家企业的信用代码和年度已存在于数据库中，但企业名称不同，"
                "导入会覆盖原有企业：" + "；".join(self.lines()[:5])
                + ("……" if len(self.conflicts) > 5 else "")
                + "。请核对信用代码；确认是同一企业改名后，再确认导入（命令行：--accept-renames）")

    @property
    def en(self) -> str:
        return (f"{len(self.conflicts)} rows would rename firms already stored under the same "
                "credit code and year; check the codes or pass --accept-renames")

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def with_stored_firms(imp: ImportResult, batch: list[Record], store: Store) -> list[Record]:
    """The batch plus every stored firm that a project row of this file attaches to, with
    the new projects added to its stored ones (so the firm is assessed again)."""
    extra = imp.projects_for_stored()
    if not extra:
        return batch
    out = list(batch)
    for (code, year), projects in extra.items():
        rec = store.record(code, year)
        if rec is None:  # pragma: no cover - the dry run just saw it
            continue
        names = {p["project_name"] for p in projects}
        kept = [p.values for p in rec.projects if p.project_name not in names]
        out.append(make_record(rec.values, [*kept, *projects]))
    return out


def unchanged_keys(imp: ImportResult, store: Store, kind: str = IMPORT) -> set[tuple[str, int]]:
    """The firm-years that committing ``imp`` as a batch of ``kind`` would find unchanged:
    ``Store.unchanged`` of the very records ``run`` writes (stored firms given projects
    included), for the check's preview."""
    return store.unchanged(with_stored_firms(imp, imp.records(), store), kind)


def run(input_path: Path, profile: Profile, as_of: date, store: Store | None = None,
        json_out: Path | None = None, xlsx_out: Path | None = None,
        errors_out: Path | None = None, progress: Progress | None = None,
        on_result: Callable[[EnterpriseResult], None] | None = None,
        imported: ImportResult | None = None, accept_renames: bool = False,
        include_hidden_sheets: bool = False, kind: str = IMPORT) -> Outcome:
    """Process one park file; raises ``forms.excel.reader.FileError`` when it is unusable
    and ``RenameConflict`` when a row would rename a stored firm (unless ``accept_renames``).
    ``imported`` is a dry run of the same file done before (the desktop previews it first).
    The records, their history and projects, and the results of every firm of the years they
    touch are written in one transaction: a failure, a cancel or a killed process leaves the
    store as it was, never records without their results (``Store.atomic``).
    ``kind`` SAMPLE marks the bundled sample park: its firms are ranked only among themselves,
    and real firms never among them."""
    pool = SAMPLE if kind == SAMPLE else REAL
    imp = imported if imported is not None else dry_run(
        input_path, progress, include_hidden_sheets=include_hidden_sheets,
        stored=store.stored_keys if store is not None else None)
    batch = imp.records()
    if store is not None:
        if not accept_renames:
            conflicts = store.rename_conflicts(batch)
            if conflicts:
                raise RenameConflict(conflicts)
        batch = with_stored_firms(imp, batch, store)
    population: list[Record] = list(batch)
    files = PartFiles()
    with files:  # output files reach their names only when everything, the store too, is done
        if store is None:
            outcome = _outputs(imp, batch, population, None, profile, as_of, None, json_out,
                               xlsx_out, errors_out, progress, on_result, files, pool)
        else:
            with store.atomic(progress):
                committed = store.commit_import(batch, Path(input_path).name,
                                                file_sha256(input_path), len(imp.invalid),
                                                progress, kind=kind)
                years = sorted({r.year for r in batch})
                population += store.iter_records(years, except_batch=committed.batch_id,
                                                 pool=pool)
                outcome = _outputs(imp, batch, population, committed, profile, as_of, store,
                                   json_out, xlsx_out, errors_out, progress, on_result, files,
                                   pool)
                moved = store.sample_years_replaced(committed.batch_id) if pool == REAL else []
                if moved:  # sample firms became real: the sample's own ranking is made again
                    reassess(store, profile, as_of, moved, pools=(SAMPLE,))
    return outcome


class PartFiles:
    """Output files written under ``NAME.part`` and renamed to ``NAME`` when the work has
    succeeded (and removed when it has not): an interrupted run never leaves a truncated file
    under the name the user asked for."""

    def __init__(self) -> None:
        self.parts: list[tuple[Path, Path]] = []

    def part(self, path: Path | str) -> Path:
        final = Path(path)
        tmp = final.with_name(final.name + ".part")
        self.parts.append((tmp, final))
        return tmp

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        for tmp, final in self.parts:
            if kind is None and tmp.exists():
                tmp.replace(final)
            else:
                tmp.unlink(missing_ok=True)


def _outputs(imp: ImportResult, batch: list[Record], population: list[Record],
             committed: CommitSummary | None, profile: Profile, as_of: date, store: Store | None,
             json_out: Path | None, xlsx_out: Path | None, errors_out: Path | None,
             progress: Progress | None,
             on_result: Callable[[EnterpriseResult], None] | None,
             files: PartFiles, pool: str = REAL) -> Outcome:
    outcome = Outcome(imp, committed, population=len(population), batch=batch)
    project_notes, orphan_projects = _project_notes(imp)
    # a manager's regrade needs the regrade columns even when the method has no regrade rule
    regraded = store is not None and any(
        m.regrade for m in store.manual_entries(profile.id).values())
    writer = ResultsWriter(files.part(xlsx_out), profile=profile,
                           layout=layout_for(profile, regrades=regraded)) if xlsx_out else None
    with ExitStack() as stack:
        fh = stack.enter_context(files.part(json_out).open("w", encoding="utf-8")) \
            if json_out else None
        stream = JsonStream(fh, profile, as_of) if fh else None
        _assess_into(outcome, imp, batch, population, profile, as_of, store, stream, writer,
                     project_notes, progress, on_result, pool)
        if stream:
            stream.close({"import": report_json(imp), "rejected_projects": orphan_projects,
                          "summary": {"valid": len(imp.valid),
                                      "invalid": len(imp.enterprises) - len(imp.valid),
                                      "projects_invalid": sum(not p.ok for p in imp.projects),
                                      "population": len(population),
                                      "classes": outcome.classes}})
            outcome.written.append(Path(json_out))  # type: ignore[arg-type]
    if writer:
        writer.close()
        outcome.written.append(Path(xlsx_out))  # type: ignore[arg-type]
    if errors_out and write_error_report(files.part(errors_out), imp):
        outcome.written.append(Path(errors_out))
    return outcome


def _assess_into(outcome: Outcome, imp: ImportResult, batch: list[Record],
                 population: list[Record], profile: Profile, as_of: date, store: Store | None,
                 stream: JsonStream | None, writer: ResultsWriter | None,
                 project_notes: dict[tuple, list[dict]], progress: Progress | None,
                 on_result: Callable[[EnterpriseResult], None] | None, pool: str = REAL) -> None:
    """Assess the population; the batch's firms (first in ``population``) go to the outputs,
    interleaved with the rejected rows in file order; every result goes to the store, streamed
    inside one transaction so that memory does not grow with the park."""
    stats: dict[tuple, Any] = outcome.cohorts
    pending, pos = _in_input_order(imp)
    valid_rows = iter(imp.valid)
    n_rows = len(imp.valid)

    def rejected(bad: Row) -> None:
        if stream:
            stream.add({**_where(bad), "status": "invalid",
                        "errors": [e.to_json() for e in bad.checked.errors],
                        "warnings": [w.to_json() for w in bad.checked.warnings]})

    def results() -> Iterator[dict[str, Any]]:
        manual = store.manual_entries(profile.id) if store is not None else {}
        outcome.manual = manual
        for i, res in enumerate(assess_pool.assess(population, profile, as_of, stats_out=stats,
                                                   manual=manual, carbon_out=outcome.carbon,
                                                   keep_results=on_result is not None,
                                                   progress=progress)):
            if progress and i % 200 == 0:
                progress(i, len(population), "评估")
            if on_result is not None:
                on_result(res.result)
            row = res.row
            if row["class"]:
                outcome.classes[row["class"]] = outcome.classes.get(row["class"], 0) + 1
            if i < len(batch) and row["status"] == "scored":
                outcome.cohort_of[(res.record.credit_code, res.record.year)] = (
                    row["cohort"], res.record.year, res.group)
            if i < n_rows:  # a row of the file (stored firms given projects come after)
                for note in res.notes:
                    outcome.notes[note] = outcome.notes.get(note, 0) + 1
                valid = next(valid_rows)
                for bad in _until(pending, pos, valid):
                    rejected(bad)
                if stream or writer:
                    entry = {**_where(valid), "status": "ok", "errors": [],
                             "warnings": _warnings(valid, res, project_notes), **res.summary}
                    if stream:
                        stream.add(entry)
                    if writer:
                        writer.add(entry, res.record, profile.identity(), as_of.isoformat())
                outcome.assessed += 1
            if store is not None:
                yield stamped(row)
        for bad in reversed(pending):
            rejected(bad)
        if progress:
            progress(len(population), len(population), "评估完成")

    if store is not None:
        store.clear_cohorts(profile.id, {r.year for r in population}, pool)
        store.save_results(results(), lambda: _rankings(store, profile, as_of, pool, stats,
                                                        outcome.carbon))
    else:
        for _ in results():
            pass


def _in_input_order(imp: ImportResult) -> tuple[list[Row], Callable[[Row], tuple[int, int]]]:
    """The rejected enterprise rows, last first (so that ``pop`` gives the next in the file),
    and the position function that orders rows as they stand in the file."""
    order = {s.name: i for i, s in enumerate(imp.sheets)}

    def pos(r: Row) -> tuple[int, int]:
        return order[r.sheet], r.row

    return sorted((r for r in imp.enterprises if not r.ok), key=pos, reverse=True), pos


def _until(pending: list[Row], pos: Callable[[Row], tuple[int, int]], row: Row) -> Iterator[Row]:
    """Pop the rejected rows that stand before ``row`` in the file."""
    while pending and pos(pending[-1]) < pos(row):
        yield pending.pop()


def _project_notes(imp: ImportResult) -> tuple[dict[tuple, list[dict]], list[dict]]:
    """Rejected project rows: a warning on their firm, or a list when no firm matches."""
    notes: dict[tuple, list[dict]] = {}
    orphans: list[dict] = []
    firms = {r.key for r in imp.valid}
    for p in imp.projects:
        if p.ok:
            continue
        text = "；".join(f"{e.column}：{e.message}" for e in p.checked.errors)
        if p.key in firms:
            notes.setdefault(p.key, []).append(
                {"field": "project_name", "message": f"新上项目（工作表“{p.sheet}”第 {p.row} 行）未导入：{text}"})
        else:
            orphans.append({"sheet": p.sheet, "row": p.row, "errors": [e.to_json() for e in p.checked.errors]})
    return notes, orphans


def reassess(store: Store, profile: Profile, as_of: date, years: list[int],
             progress: Progress | None = None,
             pools: tuple[str, ...] = POOLS) -> dict[str, int]:
    """Assess every stored firm of ``years`` again and store the results (after an undo, or
    under another profile), each pool ranked on its own (real firms never among sample ones);
    returns the class counts."""
    classes: dict[str, int] = {}
    with store.atomic(progress):
        for pool in pools:
            store.clear_cohorts(profile.id, years, pool)  # an emptied pool ranks nobody
            population = list(store.iter_records(years, pool=pool))
            if population:
                for k, n in _reassess_pool(store, profile, as_of, population, pool,
                                           progress).items():
                    classes[k] = classes.get(k, 0) + n
    return classes


def _reassess_pool(store: Store, profile: Profile, as_of: date, population: list[Record],
                   pool: str, progress: Progress | None) -> dict[str, int]:
    stats: dict[tuple, Any] = {}
    classes: dict[str, int] = {}
    carbon: dict[tuple, Any] = {}
    manual = store.manual_entries(profile.id)  # the manager's 加减分 and regrades

    def rows() -> Iterator[dict[str, Any]]:
        for i, res in enumerate(assess_pool.assess(population, profile, as_of, stats_out=stats,
                                                   manual=manual, carbon_out=carbon,
                                                   progress=progress)):
            if progress and i % 200 == 0:
                progress(i, len(population), "评估" + ("示例企业" if pool == SAMPLE else ""))
            if res.row["class"]:
                classes[res.row["class"]] = classes.get(res.row["class"], 0) + 1
            yield stamped(res.row)

    store.save_results(rows(), lambda: _rankings(store, profile, as_of, pool, stats, carbon))
    if progress:
        progress(len(population), len(population), "评估完成")
    return classes


def _rankings(store: Store, profile: Profile, as_of: date, pool: str, stats: dict[tuple, Any],
              carbon: dict[tuple, Any]) -> list[dict[str, Any]]:
    """What a population's results were computed against, kept beside them in the same
    transaction: the industries' carbon averages, and the cohort rows returned to store."""
    store.save_carbon_averages(profile.id, pool, carbon)
    return [cohort_row(profile.id, profile.sha256, as_of, st, pool) for st in stats.values()]


def undo(store: Store, batch: int, profile: Profile, as_of: date,
         progress: Progress | None = None) -> tuple[int, list[int]]:
    """Undo ``batch`` (refused with the reason when a later batch changed its firms) and
    assess the years it touched again, in one transaction; returns (firm-years restored,
    years)."""
    with store.atomic(progress):
        years = store.batch_years(batch)
        restored = store.undo_batch(batch)
        reassess(store, profile, as_of, years, progress)
    return restored, years


def remove_sample(store: Store, profile: Profile, as_of: date,
                  progress: Progress | None = None) -> tuple[int, list[int]]:
    """Take the sample park out and assess the real firms of the years it touched again (a
    firm-year the sample had replaced comes back), in one transaction; returns (firm-years
    removed, years)."""
    with store.atomic(progress):
        removed, years = store.remove_sample()
        if years:
            reassess(store, profile, as_of, years, progress, pools=(REAL,))
    return removed, years

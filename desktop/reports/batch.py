"""Firm reports in batches across processes, with a progress callback and cancel.

Each worker loads the profile once and re-assesses its firms against the cohort statistics they
were ranked in, so only plain values cross process boundaries, never result trees.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from forms.workers import WorkerDied, held_signals, pool
from rules.assessments.mujun import CohortStats, Manual


@dataclass(frozen=True)
class Job:
    values: dict[str, Any]
    projects: tuple[dict[str, Any], ...]
    cohort: CohortStats | None
    manual: Manual | None = None  # the park manager's 加减分 and regrade for this firm
    carbon: dict | None = None  # (year, division) → the population's industry carbon average


def file_name(credit_code: str, year: int) -> str:
    return f"{credit_code}_{year}.pdf"


_STATE: dict[str, Any] = {}


def _init(profile_ref: str, as_of: date, out_dir: str) -> None:
    from rules.profile import load

    _STATE.update(profile=load(profile_ref), as_of=as_of, out=Path(out_dir))


def _render(jobs: list[Job]) -> list[tuple[str, str]]:
    """(path written, warning or "") or ("", why not) per job: a firm whose report cannot be
    laid out is an error for that firm, and the batch goes on."""
    from desktop.reports.firm import write_firm_report
    from desktop.reports.layout import ReportError, glyph_warning
    from rules.assess import assess
    from rules.record import make_record

    out = []
    for job in jobs:
        rec = make_record(job.values, job.projects)
        result = assess(rec, _STATE["profile"], _STATE["as_of"], cohort=job.cohort,
                        manual=job.manual, carbon_averages=job.carbon)
        path = _STATE["out"] / file_name(rec.credit_code, rec.year)
        try:
            written = write_firm_report(result, path)
            warning = glyph_warning()
            out.append((str(written), f"{path.name}：{warning}" if warning else ""))
        except ReportError as e:
            out.append(("", str(e)))
    return out


def render_batch(jobs: Iterable[Job], out_dir: Path, profile_ref: str, as_of: date,
                 processes: int | None = None, chunk: int = 8,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 start_method: str | None = None,
                 errors: list[str] | None = None,
                 warnings: list[str] | None = None) -> list[Path]:
    """Write ``<credit_code>_<year>.pdf`` for every job into ``out_dir``; returns the paths
    written (fewer when cancelled; a report that cannot be laid out adds its reason to
    ``errors``, one with characters the font lacks a line to ``warnings``). ``processes`` defaults to the machine's cores. The desktop passes
    ``start_method="spawn"``: forking a process that runs Qt threads is unsafe."""
    jobs = list(jobs)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chunks = [jobs[i:i + chunk] for i in range(0, len(jobs), chunk)]
    done: list[Path] = []
    handled = 0
    workers = max(1, min(processes or os.cpu_count() or 1, len(chunks) or 1))
    # set up as every pool is (forms.workers.pool): dies with this process, none outlives it
    with pool(workers, _init, profile_ref, as_of, str(out_dir),
              method=start_method or multiprocessing.get_start_method()) as ex:
        queue = iter(chunks)
        running: set[Future] = set()

        def top_up() -> None:  # a bounded number in flight, so that cancel is quick
            while len(running) < workers * 2 and (c := next(queue, None)) is not None:
                with held_signals():  # a worker may start: Ctrl-C waits until it has its data
                    running.add(ex.submit(_render, c))

        def take(f: Future) -> None:
            nonlocal handled
            for path, why in f.result():
                if path:
                    done.append(Path(path))
                    if why and warnings is not None:
                        warnings.append(why)
                elif errors is not None:
                    errors.append(why)
                handled += 1

        def died() -> WorkerDied:
            """What a worker's death leaves: the reports taken so far, each whole."""
            rest = len(jobs) - len(done)
            return WorkerDied(
                f"后台生成 PDF 的进程意外退出（可能是内存不足或被系统结束）：已生成 {len(done)} 份报告"
                f"（完整的），其余 {rest} 份未生成。请关闭其他程序后重试",
                f"a PDF worker ended abruptly; {len(done)} whole reports were written, "
                f"{rest} were not")

        top_up()
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            broken = [f for f in finished if isinstance(f.exception(), BrokenProcessPool)]
            for f in finished:
                if f not in broken:  # chunks done before a worker died are counted first
                    take(f)
            if broken:
                raise died() from broken[0].exception()
            if progress:
                progress(handled, len(jobs))
            if cancelled and cancelled():
                # nothing new starts; a chunk already started finishes, and its reports are
                # counted with the rest (never files on disk that the caller does not know of)
                for f in [f for f in running if not f.cancel()]:
                    take(f)
                break
            top_up()
    return done

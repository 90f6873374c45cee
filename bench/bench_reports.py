"""Firm-report throughput against a bare reportlab baseline measured in the same run.

    .venv/bin/python bench/bench_reports.py [N]     (default 1000; writes bench/RESULTS.md)

Ours: N synthetic firms (bench/make_park.py), ranked in their cohorts as a park's batch ranks
them, rendered by ``desktop.reports.batch.render_batch`` on two processes — the whole batch as
the desktop and ``mujun assess --pdf-dir`` run it (each worker re-assesses its firms).
Baseline: N bare reportlab documents of the same page count (the mean of ours, rounded), each
page a heading and a 40-row table in the same embedded CJK font, on the same two processes.
Targets (issue 14): per page ≥ 0.7 × the baseline's throughput; 1,000 firms in under 60 s.
"""

from __future__ import annotations

import os
import platform
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_park import firm
from bench.results import write_section
from desktop.reports.batch import Job, render_batch
from rules.assess import iter_population
from rules.profile import load
from rules.record import RecordError, make_record

AS_OF = date(2026, 11, 22)
PROFILE = "huangyan-2022"
PROCESSES = 2


def jobs(n: int) -> list[Job]:
    """N valid synthetic firms with the statistics of the cohort each is ranked in."""
    rnd = random.Random(7)
    values, records = [], []
    i = 0
    while len(records) < n:
        v = {k: x for k, x in firm(rnd, i).items() if x not in ("", None)}
        i += 1
        v.update(above_scale=v["above_scale"] == "是", in_production=True, credit_good=True,
                 ip_class1_high_value=v["ip_class1_high_value"] == "是",
                 ip_class1_self_developed=True, strategic_emerging=v["strategic_emerging"] == "是",
                 key_field_product=False, own_brand=True, core_business_it=True,
                 mgmt_certified=True, sci_award=False,
                 titles=[t for t in str(v.get("titles", "")).split("、") if t])
        try:
            records.append(make_record(v))
        except RecordError:
            continue  # make_park plants a few bad rows on purpose; reports need valid ones
        values.append(v)
    stats: dict = {}
    results = list(iter_population(records, load(PROFILE), AS_OF, stats_out=stats))
    return [Job(v, (), stats.get((r.mujun["cohort"], r.record.year)))
            for v, r in zip(values, results)]


def _baseline_docs(args: tuple[str, int, int, int]) -> int:
    """``count`` bare documents of ``pages`` pages each: a heading and a 40-row table of plain
    strings per page, in the embedded CJK font."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    from desktop.reports.layout import FONT, register_font, styles

    out_dir, start, count, pages = args
    register_font()
    st = styles()
    rnd = random.Random(start)
    for i in range(start, start + count):
        story = []
        for p in range(pages):
            rows = [[f"条件{j}", "满足" if rnd.random() < 0.5 else "不满足",
                     f"{rnd.random() * 100:.2f} 万元/亩", f"差 {rnd.random():.2f}", f"[{j % 9}]"]
                    for j in range(40)]
            story += [Paragraph(f"第 {p + 1} 部分 亩均效益评价", st["h1"]),
                      Table(rows, style=[("FONT", (0, 0), (-1, -1), FONT, 8.5)])]
            if p < pages - 1:
                story.append(PageBreak())
        SimpleDocTemplate(f"{out_dir}/base-{i}.pdf", pagesize=A4).build(story)
    return count


def baseline(n: int, pages: int, out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    per = [n // PROCESSES + (1 if i < n % PROCESSES else 0) for i in range(PROCESSES)]
    starts = [sum(per[:i]) for i in range(PROCESSES)]
    t = time.perf_counter()
    with ProcessPoolExecutor(PROCESSES) as pool:
        done = sum(pool.map(_baseline_docs, [(str(out), s, k, pages)
                                             for s, k in zip(starts, per)]))
    assert done == n
    return time.perf_counter() - t


def ours(work: list[Job], out: Path) -> tuple[float, int, list[Path]]:
    """(seconds, documents, the files) of one batch."""
    t = time.perf_counter()
    errors: list[str] = []
    paths = render_batch(work, out, PROFILE, AS_OF, processes=PROCESSES, errors=errors)
    elapsed = time.perf_counter() - t
    assert not errors, errors[:3]
    return elapsed, len(paths), paths


def main(n: int, rounds: int = 4) -> None:
    """Ours and the baseline alternate in ``rounds`` slices of N, so that a change in the
    machine's load during the run (other processes) weighs on both alike."""
    from pypdf import PdfReader

    work = jobs(n)
    ours_s = base_s = 0.0
    docs, pages = 0, 0
    slices = [work[k * n // rounds:(k + 1) * n // rounds] for k in range(rounds)]
    with tempfile.TemporaryDirectory() as tmp:
        for k, part in enumerate(slices):
            seconds, done, paths = ours(part, Path(tmp) / f"ours{k}")
            ours_s, docs = ours_s + seconds, docs + done
            pages += sum(len(PdfReader(p).pages) for p in paths)
            mean_pages = pages / docs
            base_s += baseline(len(part), max(1, round(mean_pages)), Path(tmp) / f"base{k}")
    per_doc = max(1, round(mean_pages))
    base_docs, our_docs = n / base_s, docs / ours_s
    base_pages, our_pages = base_docs * per_doc, our_docs * mean_pages
    ratio = our_pages / base_pages
    per_1000 = ours_s / docs * 1000
    lines = [
        (f"Run {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
         f"Python {platform.python_version()}; {PROCESSES} processes; N = {n} firms "
         f"(bench/make_park.py, ranked in their cohorts), profile {PROFILE}; ours and the "
         f"baseline alternate in {rounds} slices of N/{rounds}."),
        "",
        "| measure | seconds | documents/s | pages/s | ratio (pages/s) | target | met |",
        "|---|---|---|---|---|---|---|",
        (f"| bare reportlab, {per_doc}-page documents (heading + 40-row table per page) × {n} "
         f"| {base_s:.1f} | {base_docs:.1f} | {base_pages:.1f} | 1.00 | | |"),
        (f"| our firm reports × {docs} ({mean_pages:.2f} pages each; assess + render) | "
         f"{ours_s:.1f} | {our_docs:.1f} | {our_pages:.1f} | {ratio:.2f} | ≥ 0.70 | "
         f"{'yes' if ratio >= 0.7 else 'no'} |"),
        (f"| 1,000-firm batch on {PROCESSES} processes | {per_1000:.1f} | | | | < 60 s | "
         f"{'yes' if per_1000 < 60 else 'no'} |"),
        "",
        ("The report was 10–14 pages (11.4 pages on the issue 4 run of this benchmark) before "
         "issue 14; page 1 is now the verdict and the rest at most four pages."),
    ]
    write_section("PDF reports (issue 14)", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)

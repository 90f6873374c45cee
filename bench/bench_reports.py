"""PDF throughput against a bare reportlab baseline measured in the same run.

    .venv/bin/python bench/bench_reports.py [N]     (default 1000; writes bench/RESULTS.md)

Baseline: one A4 page with the same embedded CJK font, a 20-row table and a small chart, N
times. Ours: N firm reports (render_batch). Both on the same number of processes (the cores).
Memory: the peak RSS of the worker processes for N/5 and for N reports (steady = no growth).
Target (issue 4): our throughput ≥ 0.7 × the baseline's.
"""

from __future__ import annotations

import os
import platform
import random
import resource
import subprocess
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
from rules.record import RecordError, make_record

AS_OF = date(2026, 11, 22)


def _baseline_page(args: tuple[str, int]) -> int:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from desktop.reports.layout import FONT, register_font, styles

    out_dir, n = args
    register_font()
    st = styles()
    for i in range(n):
        d = Drawing(400, 120)
        chart = VerticalBarChart()
        chart.data = [[random.random() for _ in range(6)]]
        d.add(chart)
        rows = [[f"指标{j}", f"{random.random():.3f}", "万元/亩"] for j in range(20)]
        doc = SimpleDocTemplate(f"{out_dir}/base-{os.getpid()}-{i}.pdf", pagesize=A4)
        doc.build([Paragraph("亩均效益评价 基准页", st["title"]),
                   Table(rows, style=[("FONT", (0, 0), (-1, -1), FONT, 9)]), d])
    return n


def baseline(n: int, workers: int, out: Path) -> float:
    per = [n // workers + (1 if i < n % workers else 0) for i in range(workers)]
    t = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        assert sum(pool.map(_baseline_page, [(str(out), k) for k in per])) == n
    return time.perf_counter() - t


def ours(n: int, out: Path) -> tuple[float, int]:
    rnd = random.Random(7)
    jobs = []
    for i in range(n):
        values = {k: v for k, v in firm(rnd, i).items() if v not in ("", None)}
        values.update(above_scale=values["above_scale"] == "是", in_production=True,
                      credit_good=True, ip_class1_high_value=values["ip_class1_high_value"] == "是",
                      ip_class1_self_developed=True, strategic_emerging=False,
                      key_field_product=False, own_brand=True, core_business_it=True,
                      mgmt_certified=True, sci_award=False,
                      titles=[t for t in str(values.get("titles", "")).split("、") if t])
        try:
            make_record(values)
        except RecordError:
            continue  # make_park plants a few bad rows on purpose; reports need valid ones
        jobs.append(Job(values, (), None))
    t = time.perf_counter()
    paths = render_batch(jobs, out, "huangyan-2022", AS_OF)
    elapsed = time.perf_counter() - t
    from pypdf import PdfReader

    sample = paths[:20]
    return elapsed, sum(len(PdfReader(p).pages) for p in sample) / len(sample)


def peak_of_run(n: int, out: Path) -> float:
    """Peak RSS (MB) of the largest process of a fresh run of ``n`` reports (workers included):
    RUSAGE_CHILDREN keeps the maximum over all waited-for descendants."""
    subprocess.run([sys.executable, __file__, "--only-ours", str(n), str(out)], check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(n: int) -> None:
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        base_s = baseline(n, workers, Path(tmp))
        ours_s, pages = ours(n, Path(tmp) / "ours")
        small_mb = peak_of_run(max(20, n // 5), Path(tmp) / "small")
        large_mb = peak_of_run(n, Path(tmp) / "large")  # the maximum so far, larger run included
    base_rate, ours_rate = n / base_s, n / ours_s
    ratio = ours_rate / base_rate
    page_ratio = ours_rate * pages / base_rate
    lines = [
        f"Run {date.today().isoformat()} on {platform.machine()}, {workers} processes; N = {n}.",
        "",
        "| measure | seconds | documents/s | pages/s | ratio (documents) | target | met |",
        "|---|---|---|---|---|---|---|",
        (f"| bare reportlab one-page baseline × {n} | {base_s:.1f} | {base_rate:.1f} | {base_rate:.1f} "
        "| 1.00 | | |"),
        (f"| our firm reports × {n} ({pages:.1f} pages each) | {ours_s:.1f} | {ours_rate:.2f} | "
        f"{ours_rate * pages:.1f} | {ratio:.2f} | ≥ 0.70 | {'yes' if ratio >= 0.7 else 'no'} |"),
        "",
        (f"Per page our throughput is {page_ratio:.2f} × the baseline's. Peak memory of a worker "
        f"process: {small_mb:.0f} MB for {max(20, n // 5)} reports, {large_mb:.0f} MB for {n} "
        f"({'steady' if large_mb <= small_mb * 1.1 else 'grows'} with the batch size)."),
    ]
    write_section("PDF reports (issue 4)", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--only-ours"]:
        ours(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)

"""Batch pipeline speed, as ratios against the raw libraries measured in the same run.

    .venv/bin/python bench/bench_pipeline.py [N]        (default 100000; writes bench/RESULTS.md)

1. raw read of the park workbook with python-calamine (the reader we use), every sheet;
2. the full `mujun assess INPUT --db …` (read, validate, assess, store), in a child process,
   with the peak memory of its process tree (its assessment workers included; shared pages
   counted once);
3. the results export (our ResultsWriter) against a bare openpyxl write-only dump of the same
   table. Targets (issue 3): 2 ≤ 4 × 1; peak memory ≤ 1 GB; 3 ≤ 1.5 × bare dump.
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import python_calamine as calamine
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_park import main as make_park
from bench.results import write_section
from forms.assess_pool import assess
from forms.excel.export import RESULT_HEADERS, ResultsWriter, result_values
from forms.store import Store
from rules.profile import load


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:  # it ended since it was listed: it has no children left to count
            continue
        todo += [int(k) for k in kids]
    return out


def _pss_mb(pid: int) -> float:
    """The proportional memory of ``pid``'s process tree: pages a forked worker shares with
    its parent are counted once, not once per process."""
    total = 0
    for p in _tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:  # it ended since it was listed: it holds no memory any more
            continue
    return total / 1024


def run_measured(cmd: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``cmd``; its wall time and the peak memory of its whole process tree (the
    assessment's worker processes included), sampled every 0.1 s."""
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, _pss_mb(proc.pid))
            time.sleep(0.1)
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(cmd, proc.returncode, out.read(), err.read())
    return done, wall, max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def raw_read(path: Path) -> tuple[float, int]:
    t = time.perf_counter()
    book = calamine.CalamineWorkbook.from_path(str(path))
    rows = sum(len(book.get_sheet_by_name(n).to_python(skip_empty_area=False))
               for n in book.sheet_names)
    return time.perf_counter() - t, rows


def main(n: int) -> None:
    data = ROOT / "bench" / "data" / f"park-{n}.xlsx"
    if not data.exists():
        print(f"generating {data} …", file=sys.stderr)
        make_park(n, data)
    read_s, rows = raw_read(data)
    print(f"raw calamine read: {read_s:.2f} s ({rows} rows)", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        proc, assess_s, peak_mb = run_measured(
            [str(Path(sys.executable).parent / "mujun"), "assess", str(data), "--db", str(db),
             "--as-of", "2026-11-22"])
        if proc.returncode != 0:
            raise SystemExit(proc.stderr)
        summary = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip().startswith("企业")
                   or (ln.startswith("评估") and "家" in ln)]
        print(f"full assess: {assess_s:.1f} s, peak {peak_mb:.0f} MB", file=sys.stderr)

        profile = load("huangyan-2022")
        store = Store(db)
        records = list(store.iter_records([2024]))
        store.close()
        prof = profile.identity()
        entries = [(a.summary, a.record) for a in assess(records, profile, date(2026, 11, 22))]
        # The pipeline streams its results into the writer; held here all at once, they would
        # make every cyclic collection during the export scan them (the collector is what grew
        # with N, not the writer). Both writers run with them frozen out of collections.
        gc.collect()
        gc.freeze()
        t = time.perf_counter()
        writer = ResultsWriter(Path(tmp) / "ours.xlsx")
        for entry, rec in entries:
            writer.add(entry, rec, prof, "2026-11-22")
        writer.close()
        ours_s = time.perf_counter() - t
        table = [result_values(e, r, prof, "2026-11-22") for e, r in entries]
        t = time.perf_counter()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("x")
        ws.append(RESULT_HEADERS)
        for row in table:
            ws.append(row)
        wb.save(Path(tmp) / "bare.xlsx")
        bare_s = time.perf_counter() - t
        print(f"export: ours {ours_s:.1f} s, bare openpyxl {bare_s:.1f} s", file=sys.stderr)

    ratio_assess = assess_s / read_s
    ratio_export = ours_s / bare_s
    lines = [
        (f"Run {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {n} firms × {len(RESULT_HEADERS)} result columns; "
        f"input {data.stat().st_size / 1e6:.1f} MB ({rows} rows over all sheets)."),
        "",
        "| measure | seconds | ratio | target | met |",
        "|---|---|---|---|---|",
        f"| raw read, python-calamine (baseline) | {read_s:.2f} | 1.00 | | |",
        (f"| full `mujun assess` (read, validate, assess, store) | {assess_s:.1f} | "
        f"{ratio_assess:.1f} × read | ≤ 4 × read | {'yes' if ratio_assess <= 4 else 'no'} |"),
        (f"| peak memory of `mujun assess` and its workers | {peak_mb:.0f} MB | | ≤ 1024 MB | "
        f"{'yes' if peak_mb <= 1024 else 'no'} |"),
        f"| bare openpyxl write-only dump of the results table (baseline) | {bare_s:.1f} | 1.00 | | |",
        (f"| results export (ResultsWriter) | {ours_s:.1f} | {ratio_export:.2f} × dump | ≤ 1.5 × dump | "
        f"{'yes' if ratio_export <= 1.5 else 'no'} |"),
        "",
        "`mujun assess` said: " + " / ".join(summary),
    ]
    write_section("Batch pipeline (issue 3)", lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

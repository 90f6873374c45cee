"""A park checked and assessed across processes gives the results one process gives, byte for
byte.

The import checks a large file's cells in worker processes (``forms.importer.Checks``), and the
batch (``forms.assess_pool``) runs passes 1 and 2 of ``rules.assess`` in them, through the same
functions; these tests run the same park both ways — the sample park
under two methods (fixed and population benchmarks, with a manager's entries), with spawned
workers (as the program starts them) and forked ones, and a 20,000-firm park — and compare the
JSON, the stored rows and the results workbook.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bench.make_park import main as make_park
from forms import assess_pool, importer, pipeline, workers
from forms.importer import dry_run
from forms.store import REGRADE, Store
from rules.profile import load

SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "sample" / "sample-park.xlsx"
AS_OF = date(2026, 6, 30)


def _with_entries(tmp: Path, profile_id: str) -> Path:
    """A store holding the sample park and a manager's 加减分 and regrade on two of its firms
    (made once, copied for each run, so that the entries' times are the same in both)."""
    profile = load(profile_id)
    db = tmp / "base.sqlite3"
    st = Store(db)
    first = dry_run(SAMPLE).records()[:2]
    pipeline.run(SAMPLE, profile, AS_OF, store=st)
    st.set_manual(profile.id, first[0].credit_code, first[0].year, "manual.extra", -5.0,
                  "超标排放被处罚", "核查员")
    st.set_manual(profile.id, first[1].credit_code, first[1].year, REGRADE, "D",
                  "安全生产事故", "核查员")
    st.close()
    return db


def _run(tmp: Path, name: str, src: Path, profile_id: str, mode: str,
         monkeypatch: pytest.MonkeyPatch, store: bool = True,
         base: Path | None = None) -> dict[str, object]:
    """One run of the pipeline; ``mode`` serial, fork or spawn. Returns what it wrote."""
    monkeypatch.setattr(assess_pool, "MIN_FIRMS", 10**9 if mode == "serial" else 0)
    monkeypatch.setattr(importer, "MIN_POOL_ROWS", 10**9 if mode == "serial" else 0)
    if mode != "serial":
        monkeypatch.setattr(workers, "START_METHOD", mode)
    profile = load(profile_id)
    out = tmp / name
    out.mkdir()
    if base is not None:
        with sqlite3.connect(base) as src_db, sqlite3.connect(out / "db.sqlite3") as copy:
            src_db.backup(copy)  # with what the write-ahead log holds
    st = Store(out / "db.sqlite3") if store else None
    outcome = pipeline.run(src, profile, AS_OF, store=st, json_out=out / "out.json",
                           xlsx_out=out / "out.xlsx" if store else None)
    rows: list[tuple] = []
    if st is not None:
        st.close()
        conn = sqlite3.connect(out / "db.sqlite3")
        cols = [r[1] for r in conn.execute("pragma table_info(results)")]
        keep = [c for c in cols if c != "assessed_at"]  # the time each row was stored
        rows = conn.execute(f"select {', '.join(keep)} from results "
                            "order by credit_code, year").fetchall()
        rows.append(tuple(conn.execute("select * from cohorts order by 1, 2, 3, 4, 5")))
        rows.append(tuple(conn.execute("select * from carbon_averages order by 1, 2, 3, 4")))
        conn.close()
    cells = []
    if store:
        wb = load_workbook(out / "out.xlsx", read_only=True)
        cells = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]
        wb.close()
    return {"json": (out / "out.json").read_bytes(), "rows": rows, "cells": cells,
            "classes": outcome.classes, "notes": outcome.notes,
            "cohort_of": outcome.cohort_of, "carbon": outcome.carbon}


@pytest.mark.parametrize("profile_id", ["huangyan-2022", "generic-county"])
def test_sample_park_is_the_same_across_processes(tmp_path: Path, profile_id: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    base = _with_entries(tmp_path, profile_id)
    serial = _run(tmp_path, "serial", SAMPLE, profile_id, "serial", monkeypatch, base=base)
    pooled = _run(tmp_path, "pool", SAMPLE, profile_id, "spawn", monkeypatch, base=base)
    assert serial["classes"]["A"] > 10 and len(serial["rows"]) == 273 + 2  # a real ranking
    assert "安全生产事故" in serial["json"].decode()  # the regrade entered reaches the results
    for key in serial:
        assert pooled[key] == serial[key], key
    assert multiprocessing.active_children() == []  # the workers are gone


def test_forked_workers_give_the_same_results(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers that start as copies of the parent (not how the program starts them: see
    ``forms.workers.START_METHOD``) give the same results too."""
    serial = _run(tmp_path, "serial", SAMPLE, "huangyan-2022", "serial", monkeypatch)
    forked = _run(tmp_path, "fork", SAMPLE, "huangyan-2022", "fork", monkeypatch)
    for key in serial:
        assert forked[key] == serial[key], key


def test_a_20000_firm_park_is_the_same_across_processes(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    src = make_park(20_000, tmp_path / "park.xlsx")
    serial = _run(tmp_path, "serial", src, "huangyan-2022", "serial", monkeypatch, store=False)
    pooled = _run(tmp_path, "pool", src, "huangyan-2022", "spawn", monkeypatch, store=False)
    assert sum(serial["classes"].values()) == 18_023  # the park ranked (the rest 未分类)
    assert pooled["json"] == serial["json"]
    for key in ("classes", "notes", "cohort_of", "carbon"):
        assert pooled[key] == serial[key], key


def test_a_cancel_during_the_pool_stops_its_workers_and_stores_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assess_pool, "MIN_FIRMS", 0)
    monkeypatch.setattr(assess_pool, "CHUNK", 20)

    class Stop(Exception):
        pass

    def progress(done: int, total: int, stage: str) -> None:
        if stage == "评估":  # the first result is in: the pool of pass 2 is at work
            raise Stop

    store = Store(tmp_path / "db.sqlite3")
    with pytest.raises(Stop):
        pipeline.run(SAMPLE, load("huangyan-2022"), AS_OF, store=store, progress=progress)
    assert store.db.conn.execute("select count(*) from results").fetchone()[0] == 0
    assert store.db.conn.execute("select count(*) from records").fetchone()[0] == 0
    store.close()
    assert multiprocessing.active_children() == []


def test_a_worker_that_dies_is_said_and_nothing_is_stored(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed in the middle (out of memory, ended by the system): the run stops with
    a Chinese message, and the store is as it was."""
    monkeypatch.setattr(assess_pool, "MIN_FIRMS", 0)
    monkeypatch.setattr(workers, "START_METHOD", "fork")  # the forked worker has the patch
    monkeypatch.setattr(assess_pool, "_pass2", _die)
    store = Store(tmp_path / "db.sqlite3")
    with pytest.raises(workers.WorkerDied) as err:
        pipeline.run(SAMPLE, load("huangyan-2022"), AS_OF, store=store)
    assert "后台计算进程意外退出" in err.value.zh
    assert store.db.conn.execute("select count(*) from records").fetchone()[0] == 0
    store.close()
    assert multiprocessing.active_children() == []


def _die(records: list) -> list:
    os._exit(9)

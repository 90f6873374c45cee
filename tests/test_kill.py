"""All or nothing for real (issue 12): a real ``mujun assess`` subprocess that updates a stored
park of several thousand firms is killed at ten spread instants, by SIGKILL, SIGTERM and SIGINT.
After each kill: the database is intact, every stored record of the year has the result the
rules give for exactly its stored figures in exactly the stored population, and the batch is
wholly there or wholly absent. SIGTERM and SIGINT also end with one line and no traceback."""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from bench.make_park import firm
from forms.store import Store
from rules.assess import iter_population
from rules.catalogue import ENTERPRISE_FIELDS
from rules.profile import load
from tests.conftest import ROOT

N = 3000  # firms stored first; the update replaces 1,500 of them and adds 1,500
AS_OF = "2026-11-22"
SPREAD = 10


def _write(path: Path, firms: list[dict]) -> Path:
    ids = [f.id for f in ENTERPRISE_FIELDS]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f.header for f in ENTERPRISE_FIELDS])
        for f in firms:
            w.writerow(["" if f.get(k) is None else f.get(k) for k in ids])
    return path


def _parks(tmp: Path) -> tuple[Path, Path]:
    rnd = random.Random(12)
    first = [firm(rnd, i) for i in range(N)]
    for f in first:  # only valid rows: the point is the store, not the error path
        f.update(tax=round(abs(rnd.gauss(100, 30)), 2), year=2024)
    update = [dict(f, tax=round(f["tax"] * 1.5 + 1, 2)) for f in first[: N // 2]]
    update += [dict(firm(rnd, N + i), year=2024) for i in range(N // 2)]
    for f in update:
        if not isinstance(f["tax"], float):
            f["tax"] = 50.0
    return _write(tmp / "first.csv", first), _write(tmp / "update.csv", update)


def _assess(db: Path, src: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "assess", str(src), "--db", str(db), "--as-of",
         AS_OF], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, **kw)


def _check(db: Path, baseline: dict[str, tuple], updated: dict[str, tuple]) -> str:
    """'before' or 'after' when the store is consistent; fails otherwise."""
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()
    store = Store(db)
    try:
        profile = load("huangyan-2022")
        records = list(store.iter_records([2024]))
        stored = {r["credit_code"]: (r["score"], r["class"])
                  for r in store.results(2024, profile.id)}
        figures = {r.credit_code: r.tax for r in records}
        state = ("before" if figures == baseline else "after" if figures == updated else
                 "mixed")
        assert state != "mixed", "the batch is partly stored"
        assert set(stored) == set(figures), "records without results, or results without records"
        for res in iter_population(records, profile, date.fromisoformat(AS_OF)):
            want = (res.mujun["score"], res.mujun["class"])
            assert stored[res.record.credit_code] == want, res.record.credit_code
        return state
    finally:
        store.close()


@pytest.fixture(scope="module")
def park(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kill")
    first, update = _parks(tmp)
    db = tmp / "base.sqlite3"
    p = _assess(db, first)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 0, err[-2000:]
    store = Store(db)
    baseline = {r.credit_code: r.tax for r in store.iter_records([2024])}
    store.close()
    # the update run whole, once: how long it takes, and the figures it leaves
    probe = tmp / "probe.sqlite3"
    probe.write_bytes(db.read_bytes())
    t0 = time.monotonic()
    p = _assess(probe, update)
    _, err = p.communicate(timeout=600)
    took = time.monotonic() - t0
    assert p.returncode == 0, err[-2000:]
    store = Store(probe)
    updated = {r.credit_code: r.tax for r in store.iter_records([2024])}
    store.close()
    return tmp, db, update, baseline, updated, took


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_a_killed_update_leaves_the_store_whole(park, sig) -> None:
    tmp, db, update, baseline, updated, took = park
    states = []
    for i in range(SPREAD):
        run = tmp / f"{sig.name}-{i}.sqlite3"
        run.write_bytes(db.read_bytes())
        p = _assess(run, update)
        time.sleep(took * (i + 0.5) / SPREAD)
        p.send_signal(sig)
        _, err = p.communicate(timeout=120)
        if p.returncode != 0 and sig is not signal.SIGKILL:
            assert p.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[sig], err[-2000:]
            assert "Traceback" not in err, err[-2000:]
            assert err.strip().splitlines()[-1].startswith("已中断"), err[-500:]
        states.append(_check(run, baseline, updated))
    # the instants spread over the run: some kills came before the commit
    assert "before" in states, states


def test_a_killed_run_leaves_no_output_file_under_its_name(park) -> None:
    tmp, db, update, _, _, took = park
    run = tmp / "outputs.sqlite3"
    run.write_bytes(db.read_bytes())
    out = {k: tmp / f"killed.{k}" for k in ("json", "xlsx")}
    p = subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "assess", str(update), "--db", str(run), "--as-of",
         AS_OF, "--json", str(out["json"]), "--xlsx", str(out["xlsx"])], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(took * 0.8)
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=60)
    assert not out["json"].exists() and not out["xlsx"].exists()


def test_two_writers_at_once_keep_both_batches_or_refuse_one_clearly(park) -> None:
    """A second import waits for the first (busy timeout), then writes; never a traceback, never
    one batch's undo touching the other's rows (there is no undo: each is one transaction)."""
    tmp, db, update, _, _, _ = park
    rnd = random.Random(99)
    other = _write(tmp / "other.csv", [dict(firm(rnd, 10 * N + i), year=2024, tax=80.0)
                                      for i in range(N // 2)])
    run = tmp / "two.sqlite3"
    run.write_bytes(db.read_bytes())
    first, second = _assess(run, update), _assess(run, other)
    outs = [p.communicate(timeout=600) for p in (first, second)]
    codes = [first.returncode, second.returncode]
    for code, (_, err) in zip(codes, outs):
        assert "Traceback" not in err, err[-2000:]
        if code != 0:
            assert code == 2 and "数据库正被另一个程序写入" in err.strip().splitlines()[-1], err
    store = Store(run)
    try:
        batches = [b for b in store.batches() if b["undone_at"] is None]
        assert len(batches) == 1 + codes.count(0)
        profile = load("huangyan-2022")
        records = list(store.iter_records([2024]))
        stored = {r["credit_code"]: (r["score"], r["class"])
                  for r in store.results(2024, profile.id)}
        assert set(stored) == {r.credit_code for r in records}
        for res in iter_population(records, profile, date.fromisoformat(AS_OF)):
            assert stored[res.record.credit_code] == (res.mujun["score"], res.mujun["class"])
    finally:
        store.close()

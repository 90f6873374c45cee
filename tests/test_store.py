"""The store: upsert with history, undo, migrations with a backup, and a crash mid-commit."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from forms import store as store_mod
from forms.store import SCHEMA_VERSION, Store, StoreError
from rules.record import make_record
from tests.conftest import ROOT, credit_code


def rec(n: int, year: int = 2024, **kw):
    values = {"name": f"企业{n}", "credit_code": credit_code(n), "year": year, "land_mu": 10.0,
              "tax": 100.0 + n, "titles": ["创新型"], "above_scale": True, **kw}
    return make_record(values, [{"credit_code": credit_code(n), "year": year,
                                 "project_name": f"项目{n}", "project_value_added": 10.0}])


def test_upsert_keeps_history_and_undo_restores(tmp_path: Path) -> None:
    s = Store(tmp_path / "db.sqlite3")
    first = s.commit_import([rec(1), rec(2)], "a.xlsx", "sha-a", 0)
    assert (first.inserted, first.replaced, first.projects) == (2, 0, 2)
    second = s.commit_import([rec(2, tax=999.0), rec(3)], "b.xlsx", "sha-b", 1)
    assert (second.inserted, second.replaced) == (1, 1)
    assert s.record(credit_code(2), 2024).tax == 999.0
    hist = s.history(credit_code(2), 2024)
    assert len(hist) == 1 and json.loads(hist[0]["record_json"])["tax"] == 102.0
    got = s.record(credit_code(1), 2024)
    assert got.titles == frozenset({"创新型"}) and got.above_scale is True
    assert [p.project_name for p in got.projects] == ["项目1"]
    with pytest.raises(StoreError):
        s.undo_batch(first.batch_id)  # only the latest import
    assert s.undo_batch(second.batch_id) == 1
    assert s.record(credit_code(2), 2024).tax == 102.0
    assert s.record(credit_code(3), 2024) is None
    assert [p.project_name for p in s.record(credit_code(2), 2024).projects] == ["项目2"]
    assert s.count() == 2 and s.db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_the_batch_list_says_why_each_batch_cannot_be_undone_as_undo_blocker_does(
        tmp_path: Path) -> None:
    """``batch_list`` reads every batch's blocker in one pass over the history (a query a batch
    took 5 s for 64 batches); the words are ``undo_blocker``'s, batch by batch."""
    s = Store(tmp_path / "db.sqlite3")
    a = s.commit_import([rec(1), rec(2), rec(3)], "a.xlsx", "sha-a", 0).batch_id
    b = s.commit_import([rec(2, tax=5.0)], "b.xlsx", "sha-b", 0).batch_id
    c = s.commit_import([rec(3, tax=6.0), rec(4)], "c.xlsx", "sha-c", 0).batch_id
    d = s.commit_import([rec(4, tax=7.0), rec(5)], "d.xlsx", "sha-d", 0).batch_id
    s.undo_batch(d)  # undone: it no longer blocks c, and says when it was undone
    e = s.commit_import([rec(1, tax=8.0)], "e.xlsx", "sha-e", 0).batch_id
    listed = {r["id"]: r["why_not"] for r in s.batch_list()}
    assert listed == {i: s.undo_blocker(i) for i in (a, b, c, d, e)}
    assert listed[a] == ("本批有 3 家企业年度数据之后又被第 2 批（b.xlsx）、第 3 批（c.xlsx）、第 5 批（e.xlsx）"
                         "再次导入（更新或原样写入）；要撤销本批，须先撤销那些更晚的批次")
    assert listed[c] is None and listed[e] is None and listed[d].startswith("第 4 批已于")


def test_a_firm_year_given_again_unchanged_is_not_counted_as_updated(tmp_path: Path) -> None:
    """A file imported again (the usual way after fixing its rejected rows) repeats most
    firms exactly: they are counted as unchanged, not 更新 (which said every firm's data had
    been replaced). They are written all the same, so that each batch can still be undone."""
    s = Store(tmp_path / "db.sqlite3")
    first = s.commit_import([rec(1), rec(2), rec(3)], "a.xlsx", "sha-a", 0)
    assert first.counts() == "新增 3，更新 0"
    incoming = [rec(1), rec(2, tax=999.0), rec(3, titles=["专精特新"]), rec(4)]
    assert s.unchanged(incoming) == {(credit_code(1), 2024)}  # what the check says beforehand
    again = s.commit_import(incoming, "a.xlsx", "sha-b", 0)
    assert (again.inserted, again.replaced, again.unchanged) == (1, 2, 1)
    assert again.counts(" 家") == ("新增 1 家，更新 2 家（旧值已存入历史），"
                                  "与数据库中相同 1 家（数据未变）")
    changed_project = make_record(rec(1).values, [{"credit_code": credit_code(1), "year": 2024,
                                                   "project_name": "项目1",
                                                   "project_value_added": 11.0}])
    assert s.unchanged([changed_project, rec(4)]) == {(credit_code(4), 2024)}
    third = s.commit_import([changed_project, rec(4)], "c.xlsx", "sha-c", 0)
    assert (third.inserted, third.replaced, third.unchanged) == (0, 1, 1)  # a project is data
    # written all the same: undoing the first import is refused (later batches hold its
    # firms), undoing the last puts firm 1's project back as it was
    with pytest.raises(StoreError):
        s.undo_batch(first.batch_id)
    s.undo_batch(third.batch_id)
    assert s.record(credit_code(1), 2024).projects[0].project_value_added == 10.0
    assert s.record(credit_code(4), 2024) is not None
    listed = {r["id"]: r for r in s.batch_list()}  # 导入记录 counts as the import did
    assert [(listed[b]["inserted"], listed[b]["replaced"], listed[b]["unchanged"],
             listed[b]["kept"]) for b in (first.batch_id, again.batch_id)] == [
        (3, 0, 0, 0), (1, 2, 1, 3)]


def test_a_sample_firm_given_again_by_a_real_import_is_not_unchanged(tmp_path: Path) -> None:
    """The same data moving from the sample park's ranking to the real firms' is a change (it
    is ranked elsewhere, and 移除示例数据 no longer removes it): 更新, never 不变."""
    s = Store(tmp_path / "db.sqlite3")
    s.commit_import([rec(1), rec(2)], "sample-park.xlsx", "sha-s", 0, kind=store_mod.SAMPLE)
    assert s.unchanged([rec(1)], store_mod.SAMPLE) == {(credit_code(1), 2024)}
    assert s.unchanged([rec(1)]) == set()  # an import writes real firms
    real = s.commit_import([rec(1)], "park.xlsx", "sha-p", 0)
    assert (real.inserted, real.replaced, real.unchanged) == (0, 1, 0)
    assert s.pool_of(credit_code(1), 2024) == store_mod.REAL


def test_new_catalogue_field_becomes_a_column_after_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    s = Store(path)
    s.commit_import([rec(1)], "a.xlsx", "x", 0)
    s.db.execute("alter table records drop column zjtx_score")  # as made by an older catalogue
    s.close()
    s = Store(path)
    assert "zjtx_score" in s.db["records"].columns_dict
    assert len(s.backups) == 1 and s.backups[0].exists()
    old = sqlite3.connect(s.backups[0])
    cols = [r[1] for r in old.execute("pragma table_info(records)")]
    assert "zjtx_score" not in cols and old.execute("select count(*) from records").fetchone()[0] == 1
    assert s.record(credit_code(1), 2024).name == "企业1"


def test_schema_migration_copies_the_database_first(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "db.sqlite3"
    s = Store(path)
    s.commit_import([rec(1)], "a.xlsx", "x", 0)
    s.close()
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_mod.MIGRATIONS, SCHEMA_VERSION + 1,
                        lambda db: db["records"].create_index(["name"]))
    s = Store(path)
    assert s.version == SCHEMA_VERSION + 1
    assert [b.name.split("-")[1] for b in s.backups] == [f"v{SCHEMA_VERSION}"]
    assert sqlite3.connect(s.backups[0]).execute(
        "select value from meta where key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    s = Store(tmp_path / "db.sqlite3")
    s.db["meta"].upsert({"key": "schema_version", "value": "99"}, pk="key")
    s.close()
    with pytest.raises(StoreError, match="比本软件"):
        Store(tmp_path / "db.sqlite3")


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.sqlite3"
    bad.write_bytes(b"this is no database" * 100)
    with pytest.raises(StoreError, match="无法打开数据库"):
        Store(bad)


def test_sigkill_during_commit_leaves_the_database_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "park.sqlite3"
    s = Store(db)
    s.commit_import([rec(i) for i in range(1, 4)], "old.xlsx", "x", 0)
    s.close()
    big = tmp_path / "big.csv"
    lines = ["企业名称,统一社会信用代码,数据年度,实际用地面积（亩）,实缴税金（万元）"]
    lines += [f"企业{i},{credit_code(i)},2024,{5 + i % 50},{i % 300}" for i in range(1, 30001)]
    big.write_text("\n".join(lines), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "desktop.cli", "assess", str(big), "--db", str(db)],
                            cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    seen = b""
    deadline = time.time() + 120
    while b"\xe5\x86\x99\xe5\x85\xa5\xe6\x95\xb0\xe6\x8d\xae\xe5\xba\x93" not in seen:  # "写入数据库"
        chunk = os.read(proc.stderr.fileno(), 256)
        assert chunk and time.time() < deadline, seen.decode(errors="replace")
        seen += chunk
    os.kill(proc.pid, signal.SIGKILL)  # inside the commit's transaction
    proc.wait()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    s = Store(db)
    assert s.db.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert s.count() == 3
    assert [b["file_name"] for b in s.batches()] == ["old.xlsx"]
    assert s.record(credit_code(2), 2024).tax == 102.0
    assert s.db.execute("select count(*) from history").fetchone()[0] == 0


def test_backup_and_restore_with_the_replaced_database_kept(tmp_path: Path) -> None:
    s = Store(tmp_path / "数据 库" / "db.sqlite3")
    s.commit_import([rec(1), rec(2)], "a.xlsx", "sha-a", 0)
    backup = s.backup_to(tmp_path / "备份 文件夹" / "mujun-backup.sqlite3")
    copy = sqlite3.connect(backup)
    assert copy.execute("select count(*) from records").fetchone()[0] == 2
    assert copy.execute("pragma journal_mode").fetchone()[0] == "delete"  # one self-contained file
    copy.close()
    s.commit_import([rec(2, tax=999.0), rec(3)], "b.xlsx", "sha-b", 1)
    kept = s.restore_from(backup)
    assert s.count() == 2 and s.record(credit_code(2), 2024).tax == 102.0
    assert [b["file_name"] for b in s.batches()] == ["a.xlsx"]
    assert kept.exists() and kept.parent == s.path.parent and "before-restore" in kept.name
    s.restore_from(kept)  # restoring the kept copy undoes the restore
    assert s.count() == 3 and s.record(credit_code(2), 2024).tax == 999.0
    s.close()
    assert Store(s.path).count() == 3  # what a restore wrote is on disk, not only in the WAL


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    s = Store(tmp_path / "db.sqlite3")
    s.commit_import([rec(1)], "a.xlsx", "sha-a", 0)
    text = tmp_path / "notes.sqlite3"
    text.write_text("这不是数据库", encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    newer = s.backup_to(tmp_path / "newer.sqlite3")
    conn = sqlite3.connect(newer)
    with conn:
        conn.execute("update meta set value=? where key='schema_version'", (str(SCHEMA_VERSION + 1),))
    conn.close()
    for path, words in ((tmp_path / "missing.sqlite3", "找不到备份文件"), (text, "不是数据库文件"),
                        (other, "不是亩均自评的数据库备份"), (newer, "比本软件")):
        with pytest.raises(StoreError, match=words):
            s.restore_from(path)
    assert s.count() == 1 and not s.backups  # nothing replaced, nothing copied

"""Restore accepts only a database this program wrote (issue 20).

Every hostile backup here starts as a real one (``Store.backup_to``) and is then changed with
sqlite3 the way a careless or malicious hand could: a trigger, a view, an unknown table or
index, a table re-created without its columns or with a constraint of its own, a schema
version the program never writes, damaged pages. Each is refused with a StoreError naming
what is wrong, and the current database stays byte for byte as it was (no copy made beside
it either) and still opens.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from forms.store import SCHEMA_VERSION, Store, StoreError
from rules.record import make_record
from tests.conftest import credit_code


def rec(n: int, year: int = 2024, **kw):
    values = {"name": f"企业{n}", "credit_code": credit_code(n), "year": year, "land_mu": 10.0,
              "tax": 100.0 + n, "titles": ["创新型"], "above_scale": True,
              "maker_china_rank": "无", **kw}
    return make_record(values, [{"credit_code": credit_code(n), "year": year,
                                 "project_name": f"项目{n}", "project_value_added": 10.0}])


def add_result(s: Store, n: int, klass: str) -> None:
    with s.atomic():
        s.db.conn.execute("insert or replace into results (credit_code, year, profile_id, score, "
                          "class, status) values (?, 2024, 'p', ?, ?, 'ok')",
                          (credit_code(n), 50.0 + n, klass))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "数据" / "db.sqlite3")
    s.commit_import([rec(n) for n in range(1, 40)], "a.xlsx", "sha-a", 0)
    s.commit_import([rec(2, tax=5.0)], "b.xlsx", "sha-b", 0)  # one row in history
    for n in range(1, 40):
        add_result(s, n, "BCD"[n % 3])
    return s


def snapshot(s: Store) -> tuple[dict[str, bytes], list[str]]:
    """The data folder's files (the shared-memory index aside: a mere read updates it) and a
    dump of the database."""
    files = {p.name: p.read_bytes() for p in sorted(s.path.parent.iterdir())
             if not p.name.endswith("-shm")}
    return files, list(s.db.conn.iterdump())


def backup(s: Store, tmp_path: Path, name: str) -> Path:
    return s.backup_to(tmp_path / "备份" / f"{name}.sqlite3")


def edit(path: Path, *statements: str) -> Path:
    conn = sqlite3.connect(path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return path


def rebuild(path: Path, table: str, change: Callable[[str], str]) -> Path:
    """Re-create ``table`` from its own CREATE statement as changed by ``change``, with its
    rows and its indexes, as a hand with a database tool would."""
    conn = sqlite3.connect(path)
    try:
        sql = conn.execute("select sql from sqlite_master where name=?", (table,)).fetchone()[0]
        indexes = [r[0] for r in conn.execute(
            "select sql from sqlite_master where type='index' and tbl_name=? and sql is not null",
            (table,))]
        conn.execute(f'alter table "{table}" rename to "old_{table}"')
        conn.execute(change(sql))
        conn.execute(f'insert into "{table}" select * from "old_{table}"')
        conn.execute(f'drop table "old_{table}"')
        for sql in indexes:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()
    return path


def set_version(value: object) -> Callable[[Path], Path]:
    return lambda p: edit(p, f"update meta set value={value} where key='schema_version'")


def overwrite(page: Callable[[sqlite3.Connection], int], size: int) -> Callable[[Path], Path]:
    """Bytes overwritten from the start of a page chosen by ``page`` (a page in use: the test
    files have no free pages, whose content SQLite does not check)."""
    def damage(path: Path) -> Path:
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("pragma freelist_count").fetchone()[0] == 0
            page_size = conn.execute("pragma page_size").fetchone()[0]
            number = page(conn)
        finally:
            conn.close()
        with path.open("r+b") as f:
            f.seek((number - 1) * page_size)
            f.write(bytes([0x55]) * size)
        return path
    return damage


def middle_page(conn: sqlite3.Connection) -> int:
    return conn.execute("pragma page_count").fetchone()[0] // 2 + 1


def root_of(table: str) -> Callable[[sqlite3.Connection], int]:
    return lambda conn: conn.execute("select rootpage from sqlite_master where name=?",
                                     (table,)).fetchone()[0]


def index_entry_changed(path: Path) -> Path:
    """One year in the records' year index changed from 2024 to 2023: every page still reads,
    only the integrity check sees the index disagree with its table."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("pragma page_size").fetchone()[0]
        number = root_of("idx_records_year")(conn)
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    start = (number - 1) * page_size
    at = start + data[start:start + page_size].rfind((2024).to_bytes(2, "big"))
    data[at:at + 2] = (2023).to_bytes(2, "big")
    path.write_bytes(bytes(data))
    return path


def truncate(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return path


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "trigger forcing class A": (
        lambda p: edit(p, "create trigger force_a after insert on results begin "
                          "update results set class='A'; end"),
        "触发器：force_a（表 results）"),
    "trigger wiping history": (
        lambda p: edit(p, "create trigger wipe after insert on batches begin "
                          "delete from history; end"),
        "触发器：wipe（表 batches）"),
    "view": (lambda p: edit(p, "create view firms as select credit_code, name from records"),
             "视图：firms"),
    "unknown table": (lambda p: edit(p, "create table notes (x text)"), "不认识的表：notes"),
    "sqlite-utils counts table": (
        lambda p: edit(p, 'create table "_counts" ("table" TEXT PRIMARY KEY, count INTEGER)'),
        "不认识的表：_counts"),
    "results table missing": (lambda p: edit(p, "drop table results"), "缺少本软件的数据表：results"),
    "records without columns": (
        lambda p: edit(p, "drop table records", "create table records (x)"),
        "表 records 缺少列：credit_code、year、name"),
    "records with only its keys": (
        lambda p: edit(p, "drop table records",
                       'create table records ("credit_code" TEXT, "year" INTEGER, '
                       '"batch_id" INTEGER, "updated_at" TEXT, '
                       'PRIMARY KEY ("credit_code", "year"))'),
        "表 records 缺少列：name、county、park、industry_code"),
    "records with an unknown column": (
        lambda p: edit(p, 'alter table records add column "owner" TEXT'),
        "表 records 多了本软件不认识的列：owner"),
    "score as text": (
        lambda p: rebuild(p, "results", lambda sql: sql.replace('"score" REAL', '"score" TEXT')),
        "score（TEXT，应为 REAL）"),
    "results keyed on class": (
        lambda p: rebuild(p, "results", lambda sql: sql.replace(
            'PRIMARY KEY ("credit_code", "year", "profile_id")',
            'PRIMARY KEY ("credit_code", "year")')),
        "表 results 有列的定义与本软件不同：profile_id（TEXT，应为 TEXT，主键第 3 列）"),
    "credit code without case": (
        lambda p: rebuild(p, "records", lambda sql: sql.replace(
            '"credit_code" TEXT', '"credit_code" TEXT COLLATE NOCASE')),
        "表 records 的定义不是本软件写的（有本软件不会写的“\"credit_code\" TEXT COLLATE NOCASE”）"),
    "a check on the class": (
        lambda p: rebuild(p, "results", lambda sql: sql.replace(
            '"class" TEXT', '"class" TEXT CHECK (length(class) = 1)')),
        "表 results 的定义不是本软件写的"),
    "results without rowid": (
        lambda p: rebuild(p, "results", lambda sql: sql + " WITHOUT ROWID"),
        "列定义之后还有“WITHOUT ROWID”"),
    "a unique index": (lambda p: edit(p, "create unique index one_a on results (class, score)"),
                       "不建的索引：one_a（表 results）"),
    "an index missing": (lambda p: edit(p, "drop index idx_history_batch_id"),
                         "缺少本软件的索引：idx_history_batch_id"),
    "schema version -5": (set_version("'-5'"), "数据库版本号“-5”无效"),
    "schema version 0": (set_version("'0'"), "数据库版本号“0”无效"),
    "schema version 999": (set_version("'999'"), f"版本 999 比本软件（{SCHEMA_VERSION}）新"),
    "schema version abc": (set_version("'abc'"), "数据库版本号“abc”无效"),
    "schema version 1.0": (set_version("'1.0'"), "数据库版本号“1.0”无效"),
    "schema version missing": (lambda p: edit(p, "delete from meta"), "没有数据库版本号"),
    "meta missing": (lambda p: edit(p, "drop table meta"), "不是亩均自评的数据库备份"),
    "middle page overwritten": (overwrite(middle_page, 64), "已损坏"),
    "records root page overwritten": (overwrite(root_of("records"), 16), "已损坏"),
    "an index entry changed": (index_entry_changed,
                               "已损坏（SQLite 完整性检查：row 1 missing from index idx_records_year"),
    "file cut in half": (truncate, "已损坏"),
    "another page size": (lambda p: edit(p, "pragma page_size=8192", "vacuum"), "页大小是 8192 字节"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_backup_is_refused_and_the_database_untouched(store: Store, tmp_path: Path,
                                                                 case: str) -> None:
    make, words = HOSTILE[case]
    hostile = make(backup(store, tmp_path, "hostile"))
    before = snapshot(store)
    with pytest.raises(StoreError) as e:
        store.restore_from(hostile)
    assert words in str(e.value)
    assert snapshot(store) == before and not store.backups
    store.close()
    again = Store(store.path)
    assert list(again.db.conn.iterdump()) == before[1]
    assert again.count() == 39 and len(again.results(2024, "p")) == 39


def test_a_hostile_trigger_never_fires(store: Store, tmp_path: Path) -> None:
    # the case: had the restore gone through, the next import would have made every
    # result class A
    hostile = HOSTILE["trigger forcing class A"][0](backup(store, tmp_path, "hostile"))
    with pytest.raises(StoreError):
        store.restore_from(hostile)
    assert not store.db.execute("select name from sqlite_master where type='trigger'").fetchall()
    add_result(store, 1, "C")
    assert {r["class"] for r in store.results(2024, "p")} == {"B", "C", "D"}


@pytest.mark.parametrize(("content", "words"), [
    (b"", "是空文件，不是数据库备份"),
    ("这不是数据库".encode(), "不是数据库文件"),
    (bytes(range(256)) * 64, "不是数据库文件"),
    (b"PK\x03\x04" + b"\x00" * 4000, "不是数据库文件"),  # an Excel workbook's beginning
])
def test_what_is_no_database_is_refused(store: Store, tmp_path: Path, content: bytes,
                                        words: str) -> None:
    path = tmp_path / "x.sqlite3"
    path.write_bytes(content)
    before = snapshot(store)
    with pytest.raises(StoreError, match=words):
        store.restore_from(path)
    assert snapshot(store) == before and not store.backups


def test_the_current_database_is_no_backup_of_itself(store: Store) -> None:
    before = snapshot(store)
    with pytest.raises(StoreError, match="正在使用的数据库本身"):
        store.restore_from(store.path)
    assert snapshot(store) == before


def test_a_genuine_backup_restores(store: Store, tmp_path: Path) -> None:
    saved = backup(store, tmp_path, "genuine")
    want = list(store.db.conn.iterdump())
    store.commit_import([rec(n, tax=1.0) for n in range(30, 60)], "c.xlsx", "sha-c", 0)
    add_result(store, 1, "A")
    kept = store.restore_from(saved)
    assert list(store.db.conn.iterdump()) == want
    assert store.count() == 39 and store.record(credit_code(2), 2024).tax == 5.0
    assert store.history(credit_code(2), 2024) and len(store.batches()) == 2
    assert {r["class"] for r in store.results(2024, "p")} == {"B", "C", "D"}
    assert kept.exists() and "before-restore" in kept.name
    store.close()
    assert Store(store.path).count() == 39


def test_an_older_backup_still_restores(store: Store, tmp_path: Path) -> None:
    # a backup from before the catalogue had maker_china_rank, written by sqlite-utils 3
    # (FLOAT columns, [bracketed] names), and analysed once: nothing in it is foreign
    old = backup(store, tmp_path, "older")
    edit(old, "alter table records drop column maker_china_rank")
    rebuild(old, "projects", lambda sql: sql.replace(" REAL", " FLOAT").replace('"', "")
            .replace("(\n   id INTEGER", "([id] INTEGER"))
    edit(old, "analyze")
    conn = sqlite3.connect(old)
    schema = dict(conn.execute("select name, sql from sqlite_master"))
    conn.close()
    assert "[id] INTEGER" in schema["projects"] and "FLOAT" in schema["projects"]
    assert "sqlite_stat1" in schema
    store.restore_from(old)
    assert store.count() == 39 and store.record(credit_code(1), 2024).maker_china_rank is None
    assert "maker_china_rank" in store.db["records"].columns_dict  # added back on opening
    assert any("columns" in p.name for p in store.backups)  # after a copy, as on any opening
    assert store.record(credit_code(1), 2024).projects[0].project_value_added == 10.0

"""The SQLite store (sqlite-utils): records, projects, results, import batches and history.

- One row per firm and year in ``records``; its columns are generated from the catalogue, and a
  field added to the catalogue becomes a column the next time the database is opened.
- An import commits in one transaction (all or nothing); every replaced record and its projects
  are kept in ``history`` with the batch that replaced them, so an import can be undone.
- ``results`` keeps each firm's assessment summary per profile, and ``cohorts`` the statistics
  its class was ranked against, so that one firm's full result tree can be rebuilt later.
- The database carries a schema version; before any migration the file is copied beside itself.
- Each batch has a kind: an import, the bundled sample park, or a save from the form. A record
  belongs to the *sample* pool when the batch that wrote it is the sample, else to the *real*
  pool; firms are ranked only among firms of their own pool, so synthetic firms never set a
  real firm's class, and the sample can be removed at any time.
- ``manual`` keeps what a park manager entered per profile, firm and year: 加减分 values and a
  regrade, each with its reason, who and when (county methods, issue 15). Cohort statistics are
  per industry group (``grp``) when a method ranks inside groups.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sqlite3
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import sqlite_utils

from forms.workers import held_signals
from rules.assessments.carbon import IndustryAverage
from rules.assessments.mujun import CohortStats, Entry, Manual, PopBenchmark
from rules.catalogue import ENTERPRISE_FIELDS, PROJECT_FIELDS, Field, Kind
from rules.record import Record, make_record

SCHEMA_VERSION = 5
# commit_import's progress stages: the records are written inside the caller's transaction,
# which is saved only when the assessment after it is done (never "saved" before that)
WRITING = "写入数据库（评估完成后才保存）"
WRITTEN = "记录已写入（评估完成后才保存）"
# the last stage of a transaction given a progress: past it, a cancel is no longer heard
SAVING = "正在保存到数据库"
# batch kinds, and the two ranking pools
IMPORT, SAMPLE, FORM = "import", "sample", "form"
REAL = "real"
POOLS = (REAL, SAMPLE)
SAMPLE_FILE = "sample-park.xlsx"  # the bundled sample's name (batches of version 1 have no kind)
FORM_FILE = "企业自评表单"  # the batch name of a save from the form
REGRADE = "__class__"  # the ``manual`` item of a regrade (加减分 items have their profile's ids)
SQLITE_MAX_PATHNAME = 512  # bytes, SQLite's unix VFS
_SQL_TYPE = {Kind.NUMBER: float, Kind.INT: int, Kind.BOOL: int, Kind.TEXT: str, Kind.CODE: str,
             Kind.CHOICE: str, Kind.MULTI: str}
RECORD_FIELDS = [f for f in ENTERPRISE_FIELDS if f.id not in ("credit_code", "year")]
PROJECT_VALUE_FIELDS = [f for f in PROJECT_FIELDS if f.id not in ("credit_code", "year")]
MULTI_SEP = "、"


# The results page's columns: identity from ``records``, the rest from ``results``.
_RECORD_SIDE = ("credit_code", "name", "county", "park", "industry_code")
BROWSE_COLUMNS = ("credit_code", "name", "county", "park", "industry_code", "cohort", "status",
                  "score", "class", "rank", "population", "sme_tier", "rect_flagged",
                  "digital_level", "green_eligible", "green_projects", "pool")


def _same_name(a: str | None, b: str | None) -> bool:
    """Names equal once full-width → half-width (NFKC) and spaces are ignored."""
    def norm(x: str | None) -> str:
        return "".join(unicodedata.normalize("NFKC", x or "").split())
    return norm(a) == norm(b)


def _blocker(batch_id: int, undone_at: str | None,
             later: list[tuple[int, str, int]]) -> str | None:
    """``Store.undo_blocker``'s words: the batch was undone already, or ``later`` batches
    (id, file name, firm-years), still in force, wrote its firms again."""
    if undone_at:
        return f"第 {batch_id} 批已于 {undone_at[:16].replace('T', ' ')} 撤销"
    if later:
        n = sum(c for _, _, c in later)
        which = "、".join(f"第 {b} 批（{name}）" for b, name, _ in later[:3])
        return (f"本批有 {n} 家企业年度数据之后又被{which}再次导入（更新或原样写入）；"
                "要撤销本批，须先撤销那些更晚的批次")
    return None


class StoreError(Exception):
    """The database cannot be opened or used; the message is for the user, in Chinese."""


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def to_column(f: Field, v: Any) -> Any:
    if v is None:
        return None
    if f.kind is Kind.BOOL:
        return int(v)
    if f.kind is Kind.MULTI:
        return MULTI_SEP.join(sorted(v))
    return v


_RECORD_VALUES = attrgetter(*(f.id for f in RECORD_FIELDS))
_CONVERTED = [(i, f) for i, f in enumerate(RECORD_FIELDS) if f.kind in (Kind.BOOL, Kind.MULTI)]


def _columns(r: Record) -> list[Any]:
    """A record's ``RECORD_FIELDS`` as stored (``to_column``; only yes/no and multiple-choice
    values change, so only they are converted: a park's records are written at 100,000 a time)."""
    values = list(_RECORD_VALUES(r))
    for i, f in _CONVERTED:
        values[i] = to_column(f, values[i])
    return values


def _same(stored: Sequence[Any], stored_projects: list[tuple], r: Record) -> bool:
    """Whether a stored record's ``RECORD_FIELDS`` values and its projects' (in the order
    stored) are exactly ``r``'s, as ``r`` would be stored."""
    return tuple(stored) == tuple(_columns(r)) and stored_projects == [
        tuple(to_column(f, getattr(p, f.id)) for f in PROJECT_VALUE_FIELDS) for p in r.projects]


def _pool(kind: str | None) -> str:
    """The ranking pool of the firm-years a batch of ``kind`` wrote."""
    return SAMPLE if kind == SAMPLE else REAL


def from_column(f: Field, v: Any) -> Any:
    if v is None:
        return None
    if f.kind is Kind.BOOL:
        return bool(v)
    if f.kind is Kind.MULTI:
        return [x for x in str(v).split(MULTI_SEP) if x]
    return v


Migration = Callable[[sqlite_utils.Database], None]


def _create_v1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["batches"].create({"id": int, "file_name": str, "file_sha256": str, "imported_at": str,
                          "rows_valid": int, "rows_invalid": int, "undone_at": str}, pk="id")
    db["enterprises"].create({"credit_code": str, "name": str, "county": str, "park": str,
                              "industry_code": str, "updated_at": str}, pk="credit_code")
    cols: dict[str, Any] = {"credit_code": str, "year": int}
    cols.update({f.id: _SQL_TYPE[f.kind] for f in RECORD_FIELDS})
    cols.update({"batch_id": int, "updated_at": str})
    db["records"].create(cols, pk=("credit_code", "year"))
    db["records"].create_index(["year"])
    pcols: dict[str, Any] = {"id": int, "credit_code": str, "year": int}
    pcols.update({f.id: _SQL_TYPE[f.kind] for f in PROJECT_VALUE_FIELDS})
    pcols["batch_id"] = int
    db["projects"].create(pcols, pk="id")
    db["projects"].create_index(["credit_code", "year"])
    db["history"].create({"id": int, "batch_id": int, "credit_code": str, "year": int,
                          "replaced_at": str, "record_json": str, "projects_json": str}, pk="id")
    db["history"].create_index(["batch_id"])
    db["results"].create({
        "credit_code": str, "year": int, "profile_id": str, "profile_version": str,
        "profile_sha256": str, "as_of": str, "status": str, "cohort": str, "score": float,
        "class": str, "class_basis": str, "rank": int, "population": int, "sme_tier": str,
        "sme_size": str, "rect_flagged": int, "rect_reasons": str, "digital_level": int,
        "digital_eligible": str, "green_eligible": int, "green_projects": int,
        "summary_json": str, "assessed_at": str}, pk=("credit_code", "year", "profile_id"))
    db["results"].create_index(["profile_id", "year"])
    db["cohorts"].create({"profile_id": str, "profile_sha256": str, "year": int, "cohort": str,
                          "as_of": str, "scores_json": str, "emission_mean": float,
                          "emission_count": int}, pk=("profile_id", "year", "cohort"))


def _pools_v2(db: sqlite_utils.Database) -> None:
    """Batches get a kind (import, sample, form: a version-1 database names the sample and the
    form only by file name), and cohort statistics a pool, so that sample and real firms are
    ranked apart. The cohorts table is rebuilt with the pool in its key, its rows kept."""
    db["batches"].add_column("kind", str)
    db.execute("update batches set kind = case file_name when ? then ? when ? then ? else ? end",
               (SAMPLE_FILE, SAMPLE, FORM_FILE, FORM, IMPORT))
    db.execute("alter table cohorts rename to cohorts_v1")
    db["cohorts"].create({"profile_id": str, "profile_sha256": str, "year": int, "cohort": str,
                          "pool": str, "as_of": str, "scores_json": str, "emission_mean": float,
                          "emission_count": int}, pk=("profile_id", "year", "cohort", "pool"))
    # the version-1 rankings mixed both pools: kept as the real pool's until the next assessment
    db.execute("insert into cohorts (profile_id, profile_sha256, year, cohort, pool, as_of, "
               "scores_json, emission_mean, emission_count) select profile_id, profile_sha256, "
               "year, cohort, ?, as_of, scores_json, emission_mean, emission_count from cohorts_v1",
               (REAL,))
    db.execute("drop table cohorts_v1")


def _groups_v3(db: sqlite_utils.Database) -> None:
    """County methods (issue 15): cohort statistics get an industry group in their key (''
    when a method ranks the whole cohort), and the park manager's entries a table."""
    db.execute("alter table cohorts rename to cohorts_v2")
    db["cohorts"].create({"profile_id": str, "profile_sha256": str, "year": int, "cohort": str,
                          "grp": str, "pool": str, "as_of": str, "scores_json": str,
                          "emission_mean": float, "emission_count": int},
                         pk=("profile_id", "year", "cohort", "grp", "pool"))
    db.execute("insert into cohorts (profile_id, profile_sha256, year, cohort, grp, pool, as_of, "
               "scores_json, emission_mean, emission_count) select profile_id, profile_sha256, "
               "year, cohort, '', pool, as_of, scores_json, emission_mean, emission_count "
               "from cohorts_v2")
    db.execute("drop table cohorts_v2")
    db["manual"].create({"profile_id": str, "credit_code": str, "year": int, "item": str,
                         "value_json": str, "reason": str, "entered_by": str, "entered_at": str},
                        pk=("profile_id", "credit_code", "year", "item"))


def _carbon_v4(db: sqlite_utils.Database) -> None:
    """工业碳效 (issue 16): each industry's average carbon intensity in a pool's population, so
    that one firm's grade is rebuilt as it was ranked."""
    db["carbon_averages"].create({"profile_id": str, "year": int, "pool": str, "division": int,
                                  "value": float, "firms": int},
                                 pk=("profile_id", "year", "pool", "division"))


def _unchanged_v5(db: sqlite_utils.Database) -> None:
    """Batches count the firm-years they repeated exactly (``CommitSummary.unchanged``), so
    that 导入记录 does not call them 更新; older batches did not count them (NULL, shown as
    updates, as they were then)."""
    db["batches"].add_column("rows_unchanged", int)


# version N → the function that brings a version N-1 database to N
MIGRATIONS: dict[int, Migration] = {1: _create_v1, 2: _pools_v2, 3: _groups_v3, 4: _carbon_v4,
                                    5: _unchanged_v5}


@dataclass
class CommitSummary:
    batch_id: int
    inserted: int
    replaced: int  # firm-years stored before, whose data (or projects) the file changed
    projects: int
    # firm-years stored before with the very same data and projects (a file imported again):
    # written all the same, their earlier version kept in history, so that undoing either
    # batch leaves what the other one holds
    unchanged: int = 0

    def counts(self, unit: str = "") -> str:
        """新增 …，更新 …（旧值已存入历史）[，与数据库中相同 …（数据未变）], counted in ``unit``."""
        return "，".join(
            [f"新增 {self.inserted}{unit}",
             f"更新 {self.replaced}{unit}" + ("（旧值已存入历史）" if self.replaced else "")]
            + ([f"与数据库中相同 {self.unchanged}{unit}（数据未变）"] if self.unchanged else []))


# How long a writer waits for another one (an import running in the desktop while the command
# line imports too) before giving up with one clear line.
BUSY_MS = 30_000


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.backups: list[Path] = []
        self._depth = 0  # nesting of ``atomic``
        self.commits = 0  # transactions ``atomic`` committed: an interrupted command says so
        # SQLite's own limit on a file name (512 bytes on Linux and macOS, whatever Windows
        # allows): beyond it the file cannot be opened even where the system could
        size = len(os.fsencode(self.path.absolute())) + len("-wal")
        if size >= SQLITE_MAX_PATHNAME and os.name != "nt":
            raise StoreError(f"数据库的路径太长（{size} 字节，SQLite 最多 {SQLITE_MAX_PATHNAME - 1} 字节）："
                             f"{self.path}。请把数据文件夹换到路径短一些的位置")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"无法打开数据库 {self.path}：{e}（文件可能已损坏或不是数据库）") from e
        except OSError as e:
            raise StoreError(f"无法创建数据文件夹 {self.path.parent}：{e.strerror or e}") from e

    # ------------------------------------------------------------------ schema

    @property
    def version(self) -> int:
        if "meta" not in self.db.table_names():
            return 0
        row = self.db.execute("select value from meta where key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _backup(self, why: str) -> Path:
        target = self.path.with_name(
            f"{self.path.stem}.backup-{why}-{datetime.now():%Y%m%d-%H%M%S}{self.path.suffix}")
        n = 1
        while target.exists():
            target = target.with_name(f"{target.stem}-{n}{target.suffix}")
            n += 1
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(self.path, target)
        self.backups.append(target)
        return target

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(f"数据库版本 {current} 比本软件（{SCHEMA_VERSION}）新，请升级软件")
        fresh = not self.db.table_names()
        if current < SCHEMA_VERSION and not fresh:
            self._backup(f"v{current}")
        for v in range(current + 1, max(MIGRATIONS) + 1):
            with self.db.conn:
                MIGRATIONS[v](self.db)
                self.db["meta"].upsert({"key": "schema_version", "value": str(v)}, pk="key")
        self._add_catalogue_columns(fresh)

    def _add_catalogue_columns(self, fresh: bool) -> None:
        """Fields added to the catalogue since the database was made become columns."""
        for table, fields in (("records", RECORD_FIELDS), ("projects", PROJECT_VALUE_FIELDS)):
            have = set(self.db[table].columns_dict)
            new = [f for f in fields if f.id not in have]
            if new and not fresh and not self.backups:
                self._backup("columns")
            with self.db.conn:
                for f in new:
                    self.db[table].add_column(f.id, _SQL_TYPE[f.kind])

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def atomic(self, progress: Callable[[int, int, str], None] | None = None) -> Iterator[None]:
        """One write transaction around everything inside (an import and its results, an undo
        and the assessment after it); a nested ``atomic`` joins the outer one. An exception
        rolls it all back, and a process killed inside it leaves the database as it was:
        SQLite discards an uncommitted transaction when the file is next opened.
        ``progress`` hears ``SAVING`` just before the commit: the last moment a cancel (an
        exception raised by it) still rolls everything back."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        conn = self.db.conn
        try:  # waits busy_timeout for another writer (an import in the desktop or a second mujun)
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise StoreError(f"数据库正被另一个程序写入（另一次导入或评估），等待 {BUSY_MS // 1000} 秒后"
                                 f"仍未释放；请等它完成后再试：{self.path}") from e
            raise
        self._depth = 1
        try:
            yield
            if progress is not None:
                progress(1, 1, SAVING)
            with held_signals():  # committed and counted, or neither: an interrupt waits
                conn.commit()
                self.commits += 1
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        finally:
            self._depth = 0

    # ------------------------------------------------------------------ backup and restore

    def backup_to(self, target: Path) -> Path:
        """A consistent copy of the whole database at ``target`` (SQLite's online backup, so a
        running import elsewhere is either in it completely or not at all)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        dst = sqlite3.connect(part)
        try:
            self.db.conn.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
        part.replace(target)
        return target

    def restore_from(self, source: Path) -> Path:
        """Replace everything with the backup ``source``; the database as it was is first copied
        beside it, and that copy's path is returned (restoring it undoes the restore).

        Only a database this program could have written is accepted (``_check_backup``): one
        that passes SQLite's integrity check and holds exactly the program's tables, columns
        and indexes, no trigger and no view, and a known schema version. Anything else is
        refused with a StoreError naming what is wrong, before the current database is
        touched or copied."""
        source = Path(source)
        if not source.is_file():
            raise StoreError(f"找不到备份文件：{source}")
        if source.stat().st_size == 0:
            raise StoreError(f"“{source.name}”是空文件，不是数据库备份")
        if source.resolve() == self.path.resolve():
            raise StoreError(f"“{source.name}”就是正在使用的数据库本身，不能用它恢复")
        try:
            src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        except sqlite3.Error as e:
            raise StoreError(f"无法打开备份文件 {source}：{e}") from e
        try:
            try:  # one read transaction: what is checked is exactly what is copied
                src.execute("PRAGMA trusted_schema=OFF")
                src.execute("BEGIN")
            except sqlite3.Error as e:
                raise StoreError(f"无法读取备份文件 {source}：{e}") from e
            try:
                self._check_backup(src, source.name)
                theirs = src.execute("PRAGMA page_size").fetchone()[0]
            except sqlite3.DatabaseError as e:  # what the checks did not foresee
                raise StoreError(f"无法检查备份文件“{source.name}”（{e}），不能用来恢复") from e
            ours = self.db.execute("PRAGMA page_size").fetchone()[0]
            if theirs != ours:  # SQLite cannot copy it into a database in WAL mode
                raise StoreError(f"“{source.name}”的页大小是 {theirs} 字节，当前数据库是 {ours} 字节，"
                                 "SQLite 无法把它恢复进正在使用的数据库；当前数据库没有改动")
            kept = self._backup("before-restore")
            try:
                src.backup(self.db.conn)
            except sqlite3.Error as e:
                raise StoreError(f"从“{source.name}”恢复失败：{e}；当前数据库没有改动，"
                                 f"恢复前的副本在 {kept}") from e
            self.db.execute("PRAGMA journal_mode=WAL")
        finally:
            src.close()
        self.backups.clear()
        self._migrate()  # a backup from an older version is brought up to date (after a copy)
        return kept

    # tables SQLite makes itself (AUTOINCREMENT, ANALYZE): they hold no data of ours
    _SQLITE_OWN_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"})
    _SQL_TOKEN = re.compile(r'\s*(?:("(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`)'
                            r"|([A-Za-z_][A-Za-z0-9_]*)|([(),]))")

    def _check_backup(self, src: sqlite3.Connection, name: str) -> None:
        """Raise a StoreError naming what is wrong unless ``src`` is a database this program
        wrote: intact, with exactly its tables, columns and indexes at a known schema version,
        and no trigger or view (one fired on the next import could rewrite every result)."""
        def unreadable(e: sqlite3.DatabaseError) -> StoreError:
            code = getattr(e, "sqlite_errorcode", 0) & 0xFF  # the primary result code
            if code == sqlite3.SQLITE_NOTADB:
                return StoreError(f"“{name}”不是数据库文件（{e}）")
            if code == sqlite3.SQLITE_CORRUPT:
                return StoreError(f"“{name}”已损坏（{e}），不能用来恢复")
            return StoreError(f"无法读取备份文件“{name}”（{e}），不能用来恢复")

        try:
            objects = src.execute("select type, name, tbl_name, sql from sqlite_master").fetchall()
            problems = [str(r[0]) for r in src.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as e:
            raise unreadable(e) from e
        if problems != ["ok"]:
            more = "……" if len(problems) > 3 else ""
            raise StoreError(f"“{name}”已损坏（SQLite 完整性检查：{'；'.join(problems[:3])}{more}），"
                             "不能用来恢复")
        for kind, word, why in (("trigger", "触发器", "触发器会在导入和评估时暗中改写数据"),
                                ("view", "视图", "本软件的数据库里只有数据表和索引")):
            found = sorted(o[1] + (f"（表 {o[2]}）" if o[2] != o[1] else "")
                           for o in objects if o[0] == kind)
            if found:
                raise StoreError(f"“{name}”里有本软件从不创建的{word}：{'、'.join(found)}；"
                                 f"{why}，不能用它恢复")
        tables = {o[1]: o[3] for o in objects if o[0] == "table"}
        if "meta" not in tables:
            raise StoreError(f"“{name}”不是亩均自评的数据库备份（没有记录数据库版本的 meta 表）")
        try:
            row = src.execute("select value from meta where key='schema_version'").fetchone()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"“{name}”不是亩均自评的数据库备份（读不出数据库版本号：{e}）") from e
        if row is None:
            raise StoreError(f"“{name}”不是亩均自评的数据库备份（没有数据库版本号）")
        if not (isinstance(row[0], str) and re.fullmatch(r"[1-9][0-9]*", row[0])):
            known = "1" if SCHEMA_VERSION == 1 else f"1 到 {SCHEMA_VERSION} 的整数"
            raise StoreError(f"“{name}”的数据库版本号“{row[0]}”无效（本软件写的版本号是 {known}），"
                             "不能用它恢复")
        version = int(row[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"备份的数据库版本 {version} 比本软件（{SCHEMA_VERSION}）新，请升级软件")
        want_tables, want_indexes = self._program_schema(version)
        unknown = sorted(t for t in tables
                         if t not in want_tables and t not in self._SQLITE_OWN_TABLES)
        if unknown:
            raise StoreError(f"“{name}”里有本软件不认识的表：{'、'.join(unknown)}，不能用它恢复")
        missing = [t for t in want_tables if t not in tables]
        if missing:
            raise StoreError(f"“{name}”缺少本软件的数据表：{'、'.join(missing)}，不能用它恢复")
        have_tables, have_indexes = self._schema_of(src)
        for table, want in want_tables.items():
            have = have_tables[table]
            lacking = [c for c in want if c not in have and c not in self._added_later(table)]
            if lacking:
                raise StoreError(f"“{name}”里的表 {table} 缺少列：{'、'.join(lacking)}，不能用它恢复")
            extra = [c for c in have if c not in want]
            if extra:
                raise StoreError(f"“{name}”里的表 {table} 多了本软件不认识的列：{'、'.join(extra)}，"
                                 "不能用它恢复")
            shape = self._table_shape_problem(tables[table])
            if shape:
                raise StoreError(f"“{name}”里表 {table} 的定义不是本软件写的（{shape}），不能用它恢复")
            wrong = [f"{c}（{self._describe_column(have[c])}，应为 {self._describe_column(want[c])}）"
                     for c in have if have[c] != want[c]]
            if wrong:
                raise StoreError(f"“{name}”里的表 {table} 有列的定义与本软件不同：{'、'.join(wrong)}，"
                                 "不能用它恢复")
        unknown = sorted(i for i in have_indexes if i not in want_indexes)
        if unknown:  # even a plain one: a unique index makes "insert or replace" delete rows
            found = "、".join(f"{i}（表 {have_indexes[i][0]}）" for i in unknown)
            raise StoreError(f"“{name}”里有本软件不建的索引：{found}，不能用它恢复")
        missing = [i for i in want_indexes if i not in have_indexes]
        if missing:
            raise StoreError(f"“{name}”缺少本软件的索引：{'、'.join(missing)}，不能用它恢复")
        wrong = [i for i in want_indexes if have_indexes[i] != want_indexes[i]]
        if wrong:
            raise StoreError(f"“{name}”里索引 {'、'.join(wrong)} 的定义与本软件不同，不能用它恢复")

    @staticmethod
    def _added_later(table: str) -> set[str]:
        """The catalogue columns of ``table`` a database made before their field existed may
        lack: the store adds them on opening (``_add_catalogue_columns``). Required fields and
        the firm's identity (read by name in ``browse``) were always there."""
        if table == "records":
            return {f.id for f in RECORD_FIELDS if not f.required and f.id not in _RECORD_SIDE}
        if table == "projects":
            return {f.id for f in PROJECT_VALUE_FIELDS if not f.required}
        return set()

    @staticmethod
    def _schema_of(conn: sqlite3.Connection
                   ) -> tuple[dict[str, dict[str, tuple]], dict[str, tuple]]:
        """The tables (name → column → type, not null, default, primary-key position, hidden)
        and indexes (name → table, unique, origin, partial, key columns) of ``conn``."""
        tables: dict[str, dict[str, tuple]] = {}
        for (table,) in conn.execute("select name from sqlite_master where type='table'"):
            if table in Store._SQLITE_OWN_TABLES:
                continue
            tables[table] = {
                c: ({"FLOAT": "REAL"}.get(t.upper(), t.upper()), notnull, default, pk, hidden)
                for c, t, notnull, default, pk, hidden in conn.execute(
                    'select name, type, "notnull", dflt_value, pk, hidden '
                    "from pragma_table_xinfo(?) order by cid", (table,))}
        indexes: dict[str, tuple] = {}
        for index, table in conn.execute(
                "select name, tbl_name from sqlite_master where type='index'"):
            listed = conn.execute('select "unique", origin, partial from pragma_index_list(?) '
                                  "where name=?", (table, index)).fetchone()
            keys = tuple(conn.execute('select name, "desc", coll from pragma_index_xinfo(?) '
                                      "where key order by seqno", (index,)))
            indexes[index] = (table, listed, keys)
        return tables, indexes

    @staticmethod
    def _program_schema(version: int
                        ) -> tuple[dict[str, dict[str, tuple]], dict[str, tuple]]:
        """The tables, columns and indexes this program writes at schema ``version``, read from
        a database it has just made, so that the expectation cannot drift from the code: a
        fresh Store for the current version, the migrations up to ``version`` for an older.
        (Some 20 ms, once a restore: not cached, so it follows whatever MIGRATIONS hold.)"""
        with tempfile.TemporaryDirectory(prefix="mujun-schema-") as tmp:
            if version == SCHEMA_VERSION:
                fresh = Store(Path(tmp) / "fresh.sqlite3")
                try:
                    return Store._schema_of(fresh.db.conn)
                finally:
                    fresh.close()
            db = sqlite_utils.Database(Path(tmp) / f"v{version}.sqlite3")
            try:
                for v in range(1, version + 1):
                    MIGRATIONS[v](db)
                return Store._schema_of(db.conn)
            finally:
                db.close()

    @staticmethod
    def _table_shape_problem(sql: str | None) -> str | None:
        """What in a CREATE TABLE statement this program would not have written, or None.
        sqlite-utils writes only ``CREATE TABLE name (column TYPE [PRIMARY KEY], …[, PRIMARY
        KEY (columns)])`` (columns it adds later are appended the same way); anything else,
        a CHECK, a COLLATE, a DEFAULT, NOT NULL, REFERENCES, an ON CONFLICT clause, WITHOUT
        ROWID or STRICT, changes what the program's own statements do."""
        if not sql:
            return "没有定义语句"
        sql = sql.strip()
        tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(sql):
            m = Store._SQL_TOKEN.match(sql, pos)
            if m is None:  # quote the column definition it is in
                start = max(sql.rfind(",", 0, pos), sql.find("(")) + 1
                end = sql.find(",", pos)  # or the table's closing parenthesis
                text = " ".join(sql[start:end if end > 0 else len(sql) - 1].split())
                return f"有本软件不会写的“{text[:80]}”"
            quoted, word, mark = m.groups()
            tokens.append(("name", quoted) if quoted else ("word", word) if word
                          else ("mark", mark))
            pos = m.end()
        if [(k, w.upper()) for k, w in tokens[:2]] != [("word", "CREATE"), ("word", "TABLE")] \
                or len(tokens) < 6 \
                or tokens[3] != ("mark", "("):
            return "不是一条普通的 CREATE TABLE 语句"
        items: list[list[tuple[str, str]]] = [[]]
        depth = 1
        for n, (kind, text) in enumerate(tokens[4:], start=4):
            depth += (text == "(") - (text == ")") if kind == "mark" else 0
            if depth == 0:  # the column list ends here: nothing may follow it
                if n + 1 < len(tokens):
                    return f"列定义之后还有“{' '.join(w for _, w in tokens[n + 1:])}”"
                break
            if (kind, text, depth) == ("mark", ",", 1):
                items.append([])
            else:
                items[-1].append((kind, text))
        else:
            return "括号不配对"

        def named(t: tuple[str, str]) -> bool:
            return t[0] == "name" or (t[0] == "word" and t[1].upper() not in ("PRIMARY", "KEY"))

        for item in items:
            if not item:
                return "有空的列定义"
            kinds = [k for k, _ in item]
            words = [w.upper() for _, w in item]
            if len(item) == 2 and named(item[0]) and kinds[1] == "word":
                continue  # column TYPE
            if len(item) == 4 and named(item[0]) and kinds[1] == "word" \
                    and words[2:] == ["PRIMARY", "KEY"]:
                continue  # column TYPE PRIMARY KEY
            inner = item[3:-1]
            if words[:3] == ["PRIMARY", "KEY", "("] and words[-1] == ")" and inner \
                    and all(named(t) if i % 2 == 0 else t == ("mark", ",")
                            for i, t in enumerate(inner)) and len(inner) % 2 == 1:
                continue  # PRIMARY KEY (columns)
            return f"有本软件不会写的“{' '.join(w for _, w in item)}”"
        return None

    @staticmethod
    def _describe_column(c: tuple) -> str:
        kind, notnull, default, pk, hidden = c
        return "".join([kind or "无类型", f"，主键第 {pk} 列" if pk else "", "，不可为空" if notnull else "",
                        f"，默认值 {default}" if default is not None else "",
                        "，生成列" if hidden else ""])

    # ------------------------------------------------------------------ import

    def commit_import(self, records: Sequence[Record], file_name: str, file_sha256: str,
                      rows_invalid: int, progress: Callable[[int, int, str], None] | None = None,
                      kind: str = IMPORT) -> CommitSummary:
        """Upsert ``records`` (and replace their projects) in one transaction, keeping every
        replaced record in ``history``. All or nothing: a crash leaves the database as it was.
        ``kind``: IMPORT, SAMPLE (the bundled sample park) or FORM (a save from the form)."""
        if kind not in (IMPORT, SAMPLE, FORM):
            raise ValueError(kind)
        conn = self.db.conn
        rec_cols = ["credit_code", "year", *(f.id for f in RECORD_FIELDS), "batch_id", "updated_at"]
        proj_cols = ["credit_code", "year", *(f.id for f in PROJECT_VALUE_FIELDS), "batch_id"]
        now = _now()
        with self.atomic():
            cur = conn.execute(
                "insert into batches (file_name, file_sha256, imported_at, rows_valid, rows_invalid,"
                " kind) values (?, ?, ?, ?, ?, ?)",
                (file_name, file_sha256, now, len(records), rows_invalid, kind))
            batch = int(cur.lastrowid)
            conn.execute("create temp table if not exists incoming (credit_code text, year int)")
            conn.execute("delete from incoming")
            conn.executemany("insert into incoming values (?, ?)",
                             ((r.credit_code, r.year) for r in records))
            replaced, unchanged = self._keep_history(batch, now, records, kind)
            conn.execute("update batches set rows_unchanged=? where id=?", (unchanged, batch))
            if progress:
                progress(0, len(records), WRITING)
            conn.execute("delete from projects where (credit_code, year) in "
                         "(select credit_code, year from incoming)")
            conn.executemany(
                f"insert or replace into records ({', '.join(rec_cols)}) "
                f"values ({', '.join('?' * len(rec_cols))})",
                ((r.credit_code, r.year, *_columns(r), batch, now) for r in records))
            if progress:
                progress(len(records) // 2, len(records), WRITING)
            rows = []
            for r in records:
                for p in r.projects:
                    rows.append((r.credit_code, r.year,
                                 *(to_column(f, getattr(p, f.id)) for f in PROJECT_VALUE_FIELDS),
                                 batch))
            n_proj = len(rows)
            conn.executemany(f"insert into projects ({', '.join(proj_cols)}) "
                             f"values ({', '.join('?' * len(proj_cols))})", rows)
            latest: dict[str, Record] = {}
            for r in records:
                if r.credit_code not in latest or r.year >= latest[r.credit_code].year:
                    latest[r.credit_code] = r
            conn.executemany(
                "insert or replace into enterprises (credit_code, name, county, park, "
                "industry_code, updated_at) values (?, ?, ?, ?, ?, ?)",
                ((r.credit_code, r.name, r.county, r.park, r.industry_code, now)
                 for r in latest.values()))
            conn.execute("drop table incoming")
        if progress:
            progress(len(records), len(records), WRITTEN)
        return CommitSummary(batch, len(records) - replaced - unchanged, replaced, n_proj,
                             unchanged)

    def _keep_history(self, batch: int, now: str, records: Sequence[Record],
                      kind: str) -> tuple[int, int]:
        """The stored versions of ``records`` (the ``incoming`` keys) into history; returns how
        many of them the records change, and how many they repeat exactly (the same data and
        projects, in the same ranking pool as a batch of ``kind`` puts them)."""
        conn = self.db.conn
        cols = ["credit_code", "year", *(f.id for f in RECORD_FIELDS), "batch_id", "updated_at"]
        old, pools = [], {}
        for *row, old_kind in conn.execute(
                f"select {', '.join('r.' + c for c in cols)}, b.kind from records r join incoming"
                " i on r.credit_code = i.credit_code and r.year = i.year left join batches b "
                "on b.id = r.batch_id"):
            old.append(row)
            pools[(row[0], row[1])] = _pool(old_kind)
        if not old:
            return 0, 0
        projects: dict[tuple, list[dict]] = {}
        pcols = ["credit_code", "year", *(f.id for f in PROJECT_VALUE_FIELDS)]
        for row in conn.execute(
                f"select {', '.join('p.' + c for c in pcols)} from projects p join incoming i "
                "on p.credit_code = i.credit_code and p.year = i.year order by p.id"):
            projects.setdefault((row[0], row[1]), []).append(dict(zip(pcols, row)))
        conn.executemany(
            "insert into history (batch_id, credit_code, year, replaced_at, record_json, "
            "projects_json) values (?, ?, ?, ?, ?, ?)",
            ((batch, row[0], row[1], now, json.dumps(dict(zip(cols, row)), ensure_ascii=False),
              json.dumps(projects.get((row[0], row[1]), []), ensure_ascii=False)) for row in old))
        by_key = {(r.credit_code, r.year): r for r in records}
        unchanged = sum(1 for row in old if pools[tuple(row[:2])] == _pool(kind) and _same(
            row[2:-2], [tuple(p[c] for c in pcols[2:]) for p in projects.get(tuple(row[:2]), [])],
            by_key[tuple(row[:2])]))
        return len(old) - unchanged, unchanged

    def unchanged(self, records: Iterable[Record], kind: str = IMPORT) -> set[tuple[str, int]]:
        """The (credit code, year) of those ``records`` that the store holds with the very
        same data and projects, in the ranking pool a batch of ``kind`` would put them in
        (what an import of them would count as unchanged: a sample firm given again by a real
        import moves to the real firms' ranking, so it is not unchanged)."""
        by_year: dict[int, dict[str, Record]] = {}
        for r in records:
            by_year.setdefault(r.year, {})[r.credit_code] = r
        cols = [f.id for f in RECORD_FIELDS]
        pcols = ", ".join(f.id for f in PROJECT_VALUE_FIELDS)
        out: set[tuple[str, int]] = set()
        for year, firms in sorted(by_year.items()):
            codes = list(firms)
            for i in range(0, len(codes), 500):  # SQLite's bound-parameter limit
                part = codes[i:i + 500]
                marks = ", ".join("?" * len(part))
                projects: dict[str, list[tuple]] = {}
                for row in self.db.execute(
                        f"select credit_code, {pcols} from projects where year = ? and "
                        f"credit_code in ({marks}) order by id", [year, *part]):
                    projects.setdefault(row[0], []).append(tuple(row[1:]))
                out.update((row[0], year) for row in self.db.execute(
                    f"select r.credit_code, b.kind, {', '.join('r.' + c for c in cols)} from "
                    f"records r left join batches b on b.id = r.batch_id where r.year = ? and "
                    f"r.credit_code in ({marks})", [year, *part])
                    if _pool(row[1]) == _pool(kind)
                    and _same(row[2:], projects.get(row[0], []), firms[row[0]]))
        return out

    def undo_blocker(self, batch_id: int) -> str | None:
        """Why ``batch_id`` cannot be undone now, in words, or None. Any batch can be undone
        while none of the firms it wrote has been changed since by a batch still in force (an
        import, or a save from the form, of one of those same firms); other batches, form
        saves of other firms included, do not stand in the way."""
        row = self.db.execute("select undone_at from batches where id=?", (batch_id,)).fetchone()
        if row is None:
            return f"没有第 {batch_id} 批"
        later = [] if row[0] else self.db.execute(
            "select h.batch_id, b.file_name, count(*) from history h join batches b "
            "on b.id = h.batch_id where b.undone_at is null and h.batch_id > ? "
            "and json_extract(h.record_json, '$.batch_id') = ? group by h.batch_id "
            "order by h.batch_id", (batch_id, batch_id)).fetchall()
        return _blocker(batch_id, row[0], later)

    def undo_batch(self, batch_id: int) -> int:
        """Put back what an import replaced and remove what it added (and the results of its
        firms: assess the years again afterwards); returns rows restored. Refused with the
        reason (``undo_blocker``) when a later batch changed one of its firms."""
        conn = self.db.conn
        with self.atomic():  # the check and the undo see the same database
            why = self.undo_blocker(batch_id)
            if why:
                raise StoreError(why)
            olds = conn.execute("select record_json, projects_json from history where batch_id=?",
                                (batch_id,)).fetchall()
            self._drop_batch_rows(batch_id)
            restored = self._restore(olds)
            conn.execute("update batches set undone_at=? where id=?", (_now(), batch_id))
        return restored

    def remove_sample(self) -> tuple[int, list[int]]:
        """Take every sample firm out (at any time, whatever came after): the records written by
        a sample batch, their projects and results, and the sample pool's rankings; what a
        sample batch had replaced comes back unless a later batch has written that firm-year
        since. Returns (records removed, data years touched: assess the real pool again)."""
        conn = self.db.conn
        with self.atomic():
            live = [b for (b,) in conn.execute(
                "select id from batches where kind=? and undone_at is null order by id desc",
                (SAMPLE,))]
            years = sorted({y for (y,) in conn.execute(
                "select distinct year from records where batch_id in "
                "(select id from batches where kind=?)", (SAMPLE,))})
            removed = conn.execute("select count(*) from records where batch_id in "
                                   "(select id from batches where kind=?)", (SAMPLE,)).fetchone()[0]
            # what a manager entered for a sample firm goes with it (never onto a real firm)
            conn.execute("delete from manual where exists (select 1 from records r where "
                         "r.credit_code = manual.credit_code and r.year = manual.year and "
                         "r.batch_id in (select id from batches where kind=?))", (SAMPLE,))
            for (b,) in conn.execute("select id from batches where kind=?", (SAMPLE,)).fetchall():
                self._drop_batch_rows(b)
            for b in live:
                olds = conn.execute(
                    "select record_json, projects_json from history where batch_id=?",
                    (b,)).fetchall()
                self._restore(olds, only_missing=True)
                years = sorted({*years, *(json.loads(r)["year"] for r, _ in olds)})
                conn.execute("update batches set undone_at=? where id=?", (_now(), b))
            conn.execute("delete from cohorts where pool=?", (SAMPLE,))
            conn.execute("delete from carbon_averages where pool=?", (SAMPLE,))
        return removed, years

    def _drop_batch_rows(self, batch_id: int) -> None:
        """Delete the records a batch wrote (still in force), their projects and results."""
        conn = self.db.conn
        conn.execute("delete from projects where batch_id=?", (batch_id,))
        # the results of this batch's firms described the removed values
        conn.execute("delete from results where (credit_code, year) in "
                     "(select credit_code, year from records where batch_id=?)", (batch_id,))
        conn.execute("delete from records where batch_id=?", (batch_id,))

    def _restore(self, olds: list[tuple[str, str]], only_missing: bool = False) -> int:
        """Write history rows (record JSON, projects JSON) back as records and projects;
        ``only_missing`` skips a firm-year that a later batch has written since. Returns how
        many came back."""
        restored = 0
        conn = self.db.conn
        cols = ["credit_code", "year", *(f.id for f in RECORD_FIELDS), "batch_id", "updated_at"]
        known = {"credit_code", "year", *(f.id for f in PROJECT_VALUE_FIELDS)}
        for rec_json, proj_json in olds:
            rec = json.loads(rec_json)
            if only_missing and conn.execute(
                    "select 1 from records where credit_code=? and year=?",
                    (rec.get("credit_code"), rec.get("year"))).fetchone():
                continue
            if conn.execute("select undone_at from batches where id=?",
                            (rec.get("batch_id"),)).fetchone() not in (None, (None,)):
                continue  # written by a batch taken out since (the sample): it stays out
            conn.execute(f"insert into records ({', '.join(cols)}) values "
                         f"({', '.join('?' * len(cols))})", [rec.get(c) for c in cols])
            restored += 1
            for p in json.loads(proj_json):
                keys = [k for k in p if k in known]  # never a column name from the data
                conn.execute(f"insert into projects ({', '.join(keys)}, batch_id) values "
                             f"({', '.join('?' * len(keys))}, ?)",
                             [*(p[k] for k in keys), rec.get("batch_id")])
        return restored

    def batch_list(self) -> list[dict[str, Any]]:
        """Every batch, newest first, with its kind, how many firm-years it added, replaced
        with other data and repeated unchanged (``kept``: the two together, their earlier
        versions kept in history, put back by an undo), and why it cannot be undone now
        (None: it can)."""
        rows = [dict(r) for r in self.db.query(
            "select b.*, (select count(*) from history h where h.batch_id = b.id) as kept "
            "from batches b order by b.id desc")]
        # ``undo_blocker`` of every batch from one pass over the history (one query a batch
        # read the whole history each time: 5.8 s for 64 batches and 42,570 history rows)
        later: dict[int, list[tuple[int, str, int]]] = {}
        for old, b, name, n in self.db.execute(
                "select json_extract(h.record_json, '$.batch_id'), h.batch_id, b.file_name, "
                "count(*) from history h join batches b on b.id = h.batch_id "
                "where b.undone_at is null group by 1, 2 order by 1, 2"):
            if old is not None and b > old:
                later.setdefault(old, []).append((b, name, n))
        for r in rows:
            r["inserted"] = (r["rows_valid"] or 0) - r["kept"]
            r["unchanged"] = r["rows_unchanged"] or 0
            r["replaced"] = r["kept"] - r["unchanged"]
            r["why_not"] = _blocker(r["id"], r["undone_at"], later.get(r["id"], []))
        return rows

    def pool_of(self, credit_code: str, year: int) -> str | None:
        """The ranking pool of a stored firm-year (REAL or SAMPLE), None when not stored."""
        row = self.db.execute(
            "select b.kind from records r left join batches b on b.id = r.batch_id "
            "where r.credit_code=? and r.year=?", (credit_code, year)).fetchone()
        if row is None:
            return None
        return _pool(row[0])

    def sample_years_replaced(self, batch_id: int) -> list[int]:
        """The data years in which ``batch_id`` replaced sample firms (they leave the sample
        pool, whose ranking must then be made again)."""
        return [y for (y,) in self.db.execute(
            "select distinct h.year from history h where h.batch_id = ? and "
            "json_extract(h.record_json, '$.batch_id') in (select id from batches where kind=?) "
            "order by 1", (batch_id, SAMPLE))]

    def sample_count(self) -> int:
        """Stored firm-years of the sample park."""
        return self.db.execute("select count(*) from records where batch_id in "
                               "(select id from batches where kind=?)", (SAMPLE,)).fetchone()[0]

    # ------------------------------------------------------------------ reading

    def count(self, year: int | None = None) -> int:
        if year is None:
            return self.db["records"].count
        return self.db.execute("select count(*) from records where year=?", (year,)).fetchone()[0]

    def years(self) -> list[int]:
        return [r[0] for r in self.db.execute("select distinct year from records order by year")]

    def iter_records(self, years: Iterable[int] | None = None,
                     keys: Iterable[tuple[str, int]] | None = None,
                     except_batch: int | None = None, pool: str | None = None
                     ) -> Iterator[Record]:
        """Stored records (with projects) of the given years, or of the given (code, year);
        ``except_batch`` leaves out the records an import batch has just written; ``pool``
        (REAL or SAMPLE) keeps only the records of that ranking pool."""
        cols = ["credit_code", "year", *(f.id for f in RECORD_FIELDS)]
        conds: list[str] = []
        params: list[Any] = []
        if years is not None:
            ys = list(years)
            conds.append(f"year in ({', '.join('?' * len(ys))})")
            params += ys
        if except_batch is not None:
            conds.append("(credit_code, year) not in (select credit_code, year from records "
                         "where batch_id = ?)")
            params.append(except_batch)
        if pool is not None:
            conds.append("(credit_code, year) " + ("" if pool == SAMPLE else "not ")
                         + "in (select credit_code, year from records where batch_id in "
                         "(select id from batches where kind = ?))")
            params.append(SAMPLE)
        where = ("where " + " and ".join(conds)) if conds else ""
        projects: dict[tuple, list[dict]] = {}
        pcols = ["credit_code", "year", *(f.id for f in PROJECT_VALUE_FIELDS)]
        for row in self.db.execute(f"select {', '.join(pcols)} from projects {where} order by id",
                                   params):
            p = {"credit_code": row[0], "year": row[1]}
            for f, v in zip(PROJECT_VALUE_FIELDS, row[2:]):
                if v is not None:
                    p[f.id] = from_column(f, v)
            projects.setdefault((row[0], row[1]), []).append(p)
        wanted = set(keys) if keys is not None else None
        for row in self.db.execute(f"select {', '.join(cols)} from records {where} "
                                   "order by year, credit_code", params):
            if wanted is not None and (row[0], row[1]) not in wanted:
                continue
            values = {"credit_code": row[0], "year": row[1]}
            for f, v in zip(RECORD_FIELDS, row[2:]):
                if v is not None:
                    values[f.id] = from_column(f, v)
            yield make_record(values, projects.get((row[0], row[1]), []))

    def stored_names(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The stored firm name of each of ``keys`` (credit code, year) the store holds."""
        by_year: dict[int, list[str]] = {}
        for code, year in set(keys):
            by_year.setdefault(year, []).append(code)
        out: dict[tuple[str, int], str] = {}
        for year, codes in sorted(by_year.items()):
            for i in range(0, len(codes), 500):  # SQLite's bound-parameter limit
                part = codes[i:i + 500]
                out.update(((code, year), name) for code, name in self.db.execute(
                    f"select credit_code, name from records where year = ? and credit_code in "
                    f"({', '.join('?' * len(part))})", [year, *part]))
        return out

    def stored_keys(self, keys: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
        """Which of ``keys`` (credit code, year) the store holds."""
        return set(self.stored_names(keys))

    def rename_conflicts(self, records: Iterable[Record]) -> list[tuple[str, int, str, str]]:
        """(credit code, year, stored name, incoming name) for every incoming record whose
        credit code and year are stored under another firm name: re-importing a corrected
        row must not silently rename (overwrite) another stored firm."""
        incoming = {(r.credit_code, r.year): r.name for r in records}
        return [(code, year, old, incoming[(code, year)])
                for (code, year), old in sorted(self.stored_names(incoming).items(),
                                                key=lambda kv: (kv[0][1], kv[0][0]))
                if not _same_name(old, incoming[(code, year)])]

    def record(self, credit_code: str, year: int) -> Record | None:
        return next(self.iter_records(keys=[(credit_code, year)], years=[year]), None)

    def history(self, credit_code: str, year: int) -> list[dict]:
        return [dict(r) for r in self.db.query(
            "select batch_id, replaced_at, record_json from history where credit_code=? and year=? "
            "order by id", [credit_code, year])]

    def batches(self) -> list[dict]:
        return list(self.db.query("select * from batches order by id"))

    def batch_years(self, batch_id: int) -> list[int]:
        """The data years an import batch wrote or replaced."""
        return [r[0] for r in self.db.execute(
            "select year from records where batch_id=? union select year from history "
            "where batch_id=? order by 1", (batch_id, batch_id))]

    # ------------------------------------------------------------------ results

    def save_results(self, rows: Iterable[dict[str, Any]],
                     cohorts: Callable[[], Iterable[dict[str, Any]]]) -> int:
        """Upsert result summaries (consumed as they come, 5,000 at a time) and then the
        cohort statistics, in one transaction."""
        n = 0
        conn = self.db.conn
        cols: list[str] = []
        with self.atomic():
            chunk: list[dict] = []

            def flush() -> None:
                nonlocal cols
                cols = cols or list(chunk[0])
                conn.executemany(f"insert or replace into results ({', '.join(cols)}) values "
                                 f"({', '.join('?' * len(cols))})",
                                 ([r[c] for c in cols] for r in chunk))
                chunk.clear()

            for row in rows:
                chunk.append(row)
                n += 1
                if len(chunk) >= 5000:
                    flush()
            if chunk:
                flush()
            for c in cohorts():  # plain SQL: sqlite-utils' upsert would commit the transaction
                keys = list(c)
                conn.execute(f"insert or replace into cohorts ({', '.join(keys)}) values "
                             f"({', '.join('?' * len(keys))})", [c[k] for k in keys])
        return n

    def clear_cohorts(self, profile_id: str, years: Iterable[int], pool: str) -> None:
        """Forget a pool's rankings (and industry carbon averages) of ``years`` before they are
        made again: a cohort left without firms (all undone, or moved to another cohort) must
        not keep ranking anyone."""
        ys = list(years)
        marks = ", ".join("?" * len(ys))
        for table in ("cohorts", "carbon_averages"):
            self.db.conn.execute(
                f"delete from {table} where profile_id=? and pool=? and year in ({marks})",
                [profile_id, pool, *ys])

    def save_carbon_averages(self, profile_id: str, pool: str,
                             averages: dict[tuple[int | None, int], IndustryAverage]) -> None:
        """Each industry's average carbon intensity of a pool (inside the caller's transaction)."""
        with self.atomic():
            self.db.conn.executemany(
                "insert or replace into carbon_averages (profile_id, year, pool, division, value, "
                "firms) values (?, ?, ?, ?, ?, ?)",
                [(profile_id, y, pool, d, a.value, a.count) for (y, d), a in averages.items()
                 if y is not None])

    def carbon_averages(self, profile_id: str, year: int,
                        pool: str = REAL) -> dict[tuple[int | None, int], IndustryAverage]:
        return {(year, d): IndustryAverage(v, n) for d, v, n in self.db.execute(
            "select division, value, firms from carbon_averages where profile_id=? and year=? "
            "and pool=?", (profile_id, year, pool))}

    def results(self, year: int, profile_id: str) -> list[dict]:
        return list(self.db.query("select * from results where year=? and profile_id=? "
                                  "order by credit_code", [year, profile_id]))

    def browse(self, year: int, profile_id: str) -> list[tuple]:
        """Every stored result of a year with the firm's identity, one tuple per firm in the
        order of ``BROWSE_COLUMNS`` (the results page reads 100,000 of these at once); the
        last item is the firm's pool (REAL or SAMPLE)."""
        cols = ", ".join(f"{'r' if c in _RECORD_SIDE else 's'}.{c}" for c in BROWSE_COLUMNS[:-1])
        return self.db.execute(
            f"select {cols}, case when b.kind = ? then ? else ? end from results s "
            "join records r on r.credit_code = s.credit_code and r.year = s.year "
            "left join batches b on b.id = r.batch_id "
            "where s.year = ? and s.profile_id = ? order by s.credit_code",
            (SAMPLE, SAMPLE, REAL, year, profile_id)).fetchall()

    def result_years(self, profile_id: str) -> list[int]:
        return [r[0] for r in self.db.execute(
            "select distinct year from results where profile_id=? order by year", (profile_id,))]

    def firm_results(self, credit_code: str, profile_id: str) -> list[dict]:
        """A firm's stored results over the years (its year-over-year history)."""
        return [dict(r) for r in self.db.query(
            "select year, score, class, status, cohort, summary_json from results "
            "where credit_code=? and profile_id=? order by year", [credit_code, profile_id])]

    def firms(self, search: str = "", limit: int = 200) -> list[tuple[str, str, int]]:
        """(code, name, year) of stored records whose name or code contains ``search``."""
        like = f"%{search}%"
        return self.db.execute(
            "select credit_code, name, year from records where name like ? or credit_code like ? "
            "order by name, year desc limit ?", (like, like, limit)).fetchall()

    def stored_summaries(self, profile_id: str, keys: Iterable[tuple[str, int]]
                         ) -> Iterator[tuple[dict[str, Any], str, dict[str, Any]]]:
        """(summary, as_of, identity) of stored results for the given (code, year), in order."""
        for code, year in keys:
            row = self.db.execute(
                "select s.summary_json, s.as_of, r.county, r.park, r.industry_code from results s "
                "join records r on r.credit_code = s.credit_code and r.year = s.year "
                "where s.credit_code=? and s.year=? and s.profile_id=?",
                (code, year, profile_id)).fetchone()
            if row is not None:
                yield (json.loads(row[0]), row[1],
                       {"county": row[2], "park": row[3], "industry_code": row[4]})

    def cohort_stats(self, profile_id: str, year: int, cohort: str, pool: str = REAL,
                     group: str | None = None) -> CohortStats | None:
        row = self.db.execute(
            "select scores_json, emission_mean, emission_count from cohorts where profile_id=? "
            "and year=? and cohort=? and grp=? and pool=?",
            (profile_id, year, cohort, group or "", pool)).fetchone()
        if row is None:
            return None
        scores = json.loads(row[0])
        if isinstance(scores, dict):  # since issue 19: which scores carry imputed emission points
            benchmarks = {i: PopBenchmark(b["value"], b["mode"], b["count"])
                          for i, b in scores.get("benchmarks", {}).items()}
            return CohortStats(cohort, year, scores["scores"], row[1], row[2],
                               [bool(x) for x in scores["imputed"]], group, benchmarks)
        return CohortStats(cohort, year, scores, row[1], row[2])  # older rows: no flags

    # -- what the park manager entered (加减分, regrade)
    def manual_entries(self, profile_id: str) -> dict[tuple[str, int], Manual]:
        """Every entry under ``profile_id``, by (credit code, year)."""
        adjust: dict[tuple[str, int], dict[str, Entry]] = {}
        regrade: dict[tuple[str, int], Entry] = {}
        for code, year, item, value, reason, by, at in self.db.execute(
                "select credit_code, year, item, value_json, reason, entered_by, entered_at "
                "from manual where profile_id=?", (profile_id,)):
            entry = Entry(json.loads(value), reason, by, at)
            if item == REGRADE:
                regrade[(code, year)] = entry
            else:
                adjust.setdefault((code, year), {})[item] = entry
        return {k: Manual(adjust.get(k, {}), regrade.get(k)) for k in {*adjust, *regrade}}

    def manual_for(self, profile_id: str, credit_code: str, year: int) -> Manual | None:
        """One firm's entries (a handful of rows, found by the primary key), or None."""
        rows = self.db.execute(
            "select item, value_json, reason, entered_by, entered_at from manual where "
            "profile_id=? and credit_code=? and year=?", (profile_id, credit_code, year)).fetchall()
        if not rows:
            return None
        adjust = {item: Entry(json.loads(v), r, b, a) for item, v, r, b, a in rows
                  if item != REGRADE}
        regrade = next((Entry(json.loads(v), r, b, a) for item, v, r, b, a in rows
                        if item == REGRADE), None)
        return Manual(adjust, regrade)

    def set_manual(self, profile_id: str, credit_code: str, year: int, item: str, value: Any,
                   reason: str, by: str) -> None:
        """Enter (or, with ``value`` None, clear) a 加减分 value or, with ``item`` REGRADE, a
        class. A reason is required: every entry says why, who and when."""
        with self.atomic():
            if value is None:
                self.db.conn.execute(
                    "delete from manual where profile_id=? and credit_code=? and year=? and item=?",
                    (profile_id, credit_code, year, item))
                return
            if not reason or not reason.strip():
                raise StoreError("请写明理由：每项加减分和调档都要说明依据")
            if item == REGRADE and value not in ("A", "B", "C", "D"):
                raise StoreError(f"调档类别应为 A、B、C、D 之一，得到“{value}”")
            if item != REGRADE and not (isinstance(value, (int, float))
                                        and not isinstance(value, bool)
                                        and math.isfinite(value)):
                raise StoreError(f"加减分应为有限的数，得到“{value}”")
            at = datetime.now().isoformat(sep=" ", timespec="minutes")
            self.db.conn.execute(
                "insert or replace into manual (profile_id, credit_code, year, item, value_json, "
                "reason, entered_by, entered_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                (profile_id, credit_code, year, item, json.dumps(value, ensure_ascii=False),
                 reason.strip(), by or "未署名", at))


def cohort_row(profile_id: str, profile_sha: str, as_of: date, st: CohortStats,
               pool: str = REAL) -> dict[str, Any]:
    scores: dict[str, Any] = {"scores": st.ascending, "imputed": st.imputed}
    if st.benchmarks:
        scores["benchmarks"] = {i: b.to_json() for i, b in st.benchmarks.items()}
    return {"profile_id": profile_id, "profile_sha256": profile_sha, "year": st.year,
            "cohort": st.cohort, "grp": st.group or "", "pool": pool,
            "as_of": as_of.isoformat(), "scores_json": json.dumps(scores),
            "emission_mean": st.emission_mean, "emission_count": st.emission_count}

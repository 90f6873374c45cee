"""Sample firms apart from real ones, and undo of any batch: the bundled sample park is ranked
only among itself, real firms only among real firms; the sample can be removed at any time;
any import can be undone while none of its firms has been changed since (form saves of other
firms do not stand in the way), after a restart too."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from forms import pipeline
from forms.firm import NOT_AMONG_SAMPLE, SAMPLE_NOTE, assess_firm, save_firm
from forms.store import MIGRATIONS, REAL, SAMPLE, Store, StoreError
from rules.profile import load
from rules.record import make_record
from tests.conftest import ROOT, credit_code
from tests.fixtures import park

AS_OF = date(2026, 6, 30)
SAMPLE_FILE = ROOT / "resources" / "sample" / "sample-park.xlsx"
PROFILE = load("huangyan-2022")


def _firm(n: int, year: int = 2025, land: float = 30, tax: float = 300) -> object:
    return make_record({"name": f"真实企业{n}", "credit_code": credit_code(900 + n), "year": year,
                        "land_mu": land, "tax": tax, "value_added": 3000,
                        "energy_equal_tce": 1200, "cod_t": 1.2, "employees": 120,
                        "rd_expense": 150, "main_revenue": 9000, "industry_code": "3311",
                        "above_scale": True}, [])


def _populations(store: Store, codes: set[str], year: int) -> set[int]:
    return {r["population"] for r in store.results(year, PROFILE.id)
            if r["credit_code"] in codes and r["population"] is not None}


@pytest.fixture
def with_sample(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db.sqlite3")
    pipeline.run(SAMPLE_FILE, PROFILE, AS_OF, store, kind=SAMPLE)
    return store


def test_real_firms_are_never_ranked_among_sample_firms(with_sample: Store,
                                                        tmp_path: Path) -> None:
    store = with_sample
    n_sample = store.sample_count()
    assert n_sample > 250
    sample_pop = _populations(store, {r["credit_code"] for r in store.results(2025, PROFILE.id)},
                              2025)
    assert sample_pop and max(sample_pop) <= n_sample
    # a firm typed into the form, not saved: no ranking to join (only sample firms stored)
    lone = assess_firm(_firm(1), PROFILE, AS_OF, store)
    assert lone.mujun["class"] is None and lone.mujun.get("rank") is None
    assert NOT_AMONG_SAMPLE in lone.notes
    # a real park of 12 firms: ranked among those 12 only
    out = pipeline.run(park(tmp_path / "real.xlsx", 12, year=2025, first=700), PROFILE, AS_OF,
                       store)
    real = {credit_code(700 + i) for i in range(12)}
    assert _populations(store, real, 2025) == {12}
    assert out.population == 12
    # the sample's own ranking is untouched by the real import
    assert {r["population"] for r in store.results(2025, PROFILE.id)
            if r["credit_code"] not in real and r["population"]} == sample_pop
    # a real firm assessed in the form now joins the 12, never the sample
    ranked = assess_firm(_firm(2), PROFILE, AS_OF, store)
    assert ranked.mujun["class"] is not None and ranked.mujun["population"] == 12
    # a stored sample firm opened in the form keeps its sample ranking, and says so
    code = next(r["credit_code"] for r in store.results(2025, PROFILE.id)
                if r["credit_code"] not in real and r["class"])
    again = assess_firm(store.record(code, 2025), PROFILE, AS_OF, store)
    stored = next(r for r in store.results(2025, PROFILE.id) if r["credit_code"] == code)
    assert (again.mujun["class"], again.mujun["rank"]) == (stored["class"], stored["rank"])
    assert SAMPLE_NOTE in again.notes
    assert store.pool_of(code, 2025) == SAMPLE and store.pool_of(credit_code(700), 2025) == REAL


def test_the_sample_can_be_removed_after_a_form_save_and_an_import(with_sample: Store,
                                                                   tmp_path: Path) -> None:
    store = with_sample
    save_firm(store, _firm(3), PROFILE, AS_OF)
    pipeline.run(park(tmp_path / "real.xlsx", 5, year=2025, first=700), PROFILE, AS_OF, store)
    before = {r["credit_code"]: (r["score"], r["rank"]) for r in store.results(2025, PROFILE.id)
              if store.pool_of(r["credit_code"], 2025) == REAL}
    assert len(before) == 6
    removed, years = store.remove_sample()
    assert removed > 250 and years == [2025]
    assert store.sample_count() == 0 and store.count() == 6
    assert {r["credit_code"] for r in store.results(2025, PROFILE.id)} == set(before)
    assert store.db.execute("select count(*) from cohorts where pool=?", (SAMPLE,)).fetchone() \
        == (0,)
    assert all(b["undone_at"] for b in store.batches() if b["kind"] == SAMPLE)


def test_an_import_replacing_a_sample_firm_takes_it_out_of_the_sample_ranking(
        with_sample: Store, tmp_path: Path) -> None:
    store = with_sample
    rows = store.results(2025, PROFILE.id)
    code = next(r["credit_code"] for r in rows if r["cohort"] == "above_scale" and r["class"])
    pop = next(r["population"] for r in rows if r["credit_code"] == code)
    path = park(tmp_path / "one.xlsx", 1, year=2025, first=0)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active.cell(2, 2).value = code  # the sample firm's code, now a real declaration
    wb.active.cell(2, 1).value = store.record(code, 2025).name
    wb.save(path)
    pipeline.run(path, PROFILE, AS_OF, store)
    assert store.pool_of(code, 2025) == REAL
    after = {r["credit_code"]: r for r in store.results(2025, PROFILE.id)}
    assert after[code]["population"] is None  # alone among real firms: too few to rank
    others = {r["population"] for c, r in after.items()
              if c != code and r["cohort"] == "above_scale" and r["population"]}
    assert others == {pop - 1}  # the sample ranked again without it


def test_an_older_batch_can_be_undone_after_a_restart_unless_changed_since(tmp_path: Path
                                                                          ) -> None:
    db = tmp_path / "db.sqlite3"
    store = Store(db)
    a = pipeline.run(park(tmp_path / "a.xlsx", 5, first=100), PROFILE, AS_OF, store).committed
    b = pipeline.run(park(tmp_path / "b.xlsx", 5, first=200), PROFILE, AS_OF, store).committed
    save_firm(store, _firm(4, year=2024), PROFILE, AS_OF)  # a form save of another firm
    store.close()
    store = Store(db)  # a restart
    assert store.undo_blocker(a.batch_id) is None
    assert store.undo_batch(a.batch_id) == 0
    pipeline.reassess(store, PROFILE, AS_OF, [2024])
    assert store.count() == 6 and store.record(credit_code(100), 2024) is None
    assert "已于" in store.undo_blocker(a.batch_id)
    # C updates one firm of B: B cannot be undone until C is
    c = pipeline.run(park(tmp_path / "c.xlsx", 1, first=200, seed=9), PROFILE, AS_OF,
                     store).committed
    why = store.undo_blocker(b.batch_id)
    assert why and f"第 {c.batch_id} 批（c.xlsx）" in why and "1 家" in why
    with pytest.raises(StoreError, match="须先撤销那些更晚的批次"):
        store.undo_batch(b.batch_id)
    listed = {r["id"]: r for r in store.batch_list()}
    assert listed[c.batch_id]["replaced"] == 1 and listed[c.batch_id]["inserted"] == 0
    assert listed[b.batch_id]["why_not"] == why and listed[a.batch_id]["kind"] == "import"
    assert store.undo_batch(c.batch_id) == 1
    assert store.undo_batch(b.batch_id) == 0
    assert store.count() == 1  # the form's firm


def test_a_version_1_database_gets_batch_kinds_and_pooled_rankings(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    db = sqlite_utils.Database(path)
    MIGRATIONS[1](db)
    db["meta"].insert({"key": "schema_version", "value": "1"})
    for i, name in enumerate(["sample-park.xlsx", "企业自评表单", "园区2024.xlsx"], 1):
        db.execute("insert into batches (id, file_name, file_sha256, imported_at, rows_valid, "
                   "rows_invalid) values (?, ?, '', '2025-01-01', 1, 0)", (i, name))
    db.execute("insert into cohorts values ('huangyan-2022', 'x', 2024, 'above_scale', "
               "'2025-01-01', ?, 1.0, 3)", (json.dumps([1.0, 2.0]),))
    db.conn.commit()
    db.close()
    store = Store(path)
    assert store.version == 5 and store.backups
    assert [b["kind"] for b in store.batches()] == ["sample", "form", "import"]
    assert [b["rows_unchanged"] for b in store.batches()] == [None] * 3  # not counted then
    assert [(r["inserted"], r["replaced"], r["unchanged"]) for r in store.batch_list()] == [
        (1, 0, 0)] * 3
    assert store.cohort_stats("huangyan-2022", 2024, "above_scale").ascending == [1.0, 2.0]
    assert store.cohort_stats("huangyan-2022", 2024, "above_scale", SAMPLE) is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)


def test_the_sample_is_never_published(with_sample: Store, tmp_path: Path) -> None:
    from forms.publish import PublishError, publish

    with pytest.raises(PublishError, match="只有示例园区的企业"):
        publish(store := with_sample, PROFILE, 2025, tmp_path / "p.yaml")
    assert not (tmp_path / "p.yaml").exists()
    pipeline.run(park(tmp_path / "real.xlsx", 12, year=2025, first=700), PROFILE, AS_OF, store)
    text = publish(store, PROFILE, 2025, tmp_path / "p.yaml").read_text(encoding="utf-8")
    assert "12 家企业" in text


def test_a_park_name_with_spaces_and_slashes_still_publishes_a_loadable_file(
        tmp_path: Path) -> None:
    from forms.publish import publish
    from rules.profile import load as load_profile

    store = Store(tmp_path / "db.sqlite3")
    pipeline.run(park(tmp_path / "real.xlsx", 12, year=2025, first=700), PROFILE, AS_OF, store)
    out = publish(store, PROFILE, 2025, tmp_path / "p.yaml", park="示范 园区/二期")
    p = load_profile(out)
    assert p.id == "huangyan-2022-示范-园区-二期-2025" and "示范 园区/二期" in p.name


def test_an_emptied_pool_ranks_nobody(tmp_path: Path) -> None:
    """Undo every real import: the real rankings go with them, so a firm typed into the form
    is not placed among firms that no longer exist."""
    store = Store(tmp_path / "db.sqlite3")
    a = pipeline.run(park(tmp_path / "a.xlsx", 12, year=2025, first=700), PROFILE, AS_OF,
                     store).committed
    assert assess_firm(_firm(5), PROFILE, AS_OF, store).mujun["class"] is not None
    pipeline.undo(store, a.batch_id, PROFILE, AS_OF)
    assert store.count() == 0
    assert store.db.execute("select count(*) from cohorts").fetchone() == (0,)
    lone = assess_firm(_firm(5), PROFILE, AS_OF, store)
    assert lone.mujun["class"] is None and NOT_AMONG_SAMPLE not in lone.notes


def test_undoing_an_import_after_the_sample_was_removed_does_not_bring_sample_firms_back(
        with_sample: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    store = with_sample
    code = next(r["credit_code"] for r in store.results(2025, PROFILE.id) if r["class"])
    path = park(tmp_path / "one.xlsx", 1, year=2025, first=0)
    wb = load_workbook(path)
    wb.active.cell(2, 2).value = code
    wb.active.cell(2, 1).value = store.record(code, 2025).name
    wb.save(path)
    c = pipeline.run(path, PROFILE, AS_OF, store).committed  # replaces one sample firm
    pipeline.remove_sample(store, PROFILE, AS_OF)
    assert store.count() == 1
    pipeline.undo(store, c.batch_id, PROFILE, AS_OF)
    assert store.count() == 0 and store.sample_count() == 0

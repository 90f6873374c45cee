"""County methods in the store and pipeline (issue 15): rankings inside industry groups kept per
group, population benchmarks kept with the ranking (so one firm's result is rebuilt exactly),
the park manager's 加减分 and regrades stored with reason, who and when, and publishing such a
method into fixed benchmarks a firm can self-check with."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
import sqlite_utils

from forms import pipeline
from forms.firm import assess_firm
from forms.publish import publish
from forms.store import MIGRATIONS, REGRADE, SCHEMA_VERSION, Store, StoreError
from rules.assess import assess
from rules.profile import load
from rules.record import make_record
from tests.conftest import TESTS, credit_code

AS_OF = date(2026, 11, 30)
PROFILE = load(TESTS / "profiles" / "store-county")
# (tax, land, value added, industry): six metal firms (division 33), six others (division 18)
FIRMS = [(120 + 15 * i, 20 + i, 1500 + 90 * i, "3311" if i < 6 else "1811") for i in range(12)]


def _records() -> list:
    return [make_record({"name": f"测试企业{i}", "credit_code": credit_code(700 + i), "year": 2024,
                         "land_mu": land, "tax": tax, "value_added": va, "industry_code": ind,
                         "above_scale": True}, [])
            for i, (tax, land, va, ind) in enumerate(FIRMS)]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "db.sqlite3")
    s.commit_import(_records(), "测试园区.xlsx", "", 0)
    pipeline.reassess(s, PROFILE, AS_OF, [2024])
    return s


def _stored(store: Store) -> dict[str, dict]:
    return {r["credit_code"]: json.loads(r["summary_json"])["mujun"]
            for r in store.results(2024, PROFILE.id)}


def test_population_benchmarks_are_computed_once_for_the_cohort_and_kept(store: Store) -> None:
    # Σ tax ÷ Σ land over all twelve firms, and the mean of the twelve 亩均增加值
    agg = Fraction(sum(t for t, *_ in FIRMS)) / sum(land for _, land, *_ in FIRMS)
    mean = sum(Fraction(va) / land for _, land, va, _ in FIRMS) / len(FIRMS)
    got = _stored(store)
    assert len(got) == 12
    for m in got.values():
        assert m["indicators"]["tax_per_mu"]["benchmark"] == pytest.approx(float(agg), abs=1e-12)
        assert m["indicators"]["tax_per_mu"]["benchmark_mode"] == "population_aggregate"
        assert m["indicators"]["value_added_per_mu"]["benchmark"] == pytest.approx(float(mean),
                                                                                abs=1e-12)
    st = store.cohort_stats(PROFILE.id, 2024, "above_scale", group="金属制品")
    assert st is not None and st.n == 6 and st.group == "金属制品"
    assert st.benchmarks["tax_per_mu"].count == 12
    assert st.benchmarks["tax_per_mu"].value == pytest.approx(float(agg), abs=1e-12)
    # the group that ranks nobody is not stored as the whole cohort
    assert store.cohort_stats(PROFILE.id, 2024, "above_scale") is None


def test_firms_are_ranked_inside_their_industry_group(store: Store) -> None:
    got = _stored(store)
    metal = [m for code, m in got.items() if m["group"] == "金属制品"]
    other = [m for code, m in got.items() if m["group"] == "其他行业"]
    assert len(metal) == len(other) == 6
    # the best of each group ranks first of six, although the best "other" firm outscores
    # every metal firm
    assert {m["rank"] for m in metal} == {m["rank"] for m in other} == set(range(1, 7))
    assert all(m["population"] == 6 for m in got.values())
    assert max(m["score"] for m in other) > max(m["score"] for m in metal)


def test_one_firm_rebuilt_from_the_store_gets_its_stored_result(store: Store) -> None:
    got = _stored(store)
    for rec in _records()[:: 3]:
        alone = assess_firm(rec, PROFILE, AS_OF, store).mujun
        kept = got[rec.credit_code]
        assert (alone["score"], alone["class"], alone["rank"], alone["group"]) == \
            (kept["score"], kept["class"], kept["rank"], kept["group"])
    # without the store, a firm alone has no population to take benchmarks from: no score,
    # and it says why
    lone = assess(_records()[0], PROFILE, AS_OF).mujun
    assert lone["status"] == "no_weights" and lone["score"] is None
    assert "单家企业自评时没有参评企业" in lone["reason"]


def test_a_managers_adjustment_and_regrade_are_stored_and_ranked(store: Store) -> None:
    code = credit_code(703)
    before = _stored(store)[code]
    with pytest.raises(StoreError, match="请写明理由"):
        store.set_manual(PROFILE.id, code, 2024, "safety", -10, "  ", "张三")
    store.set_manual(PROFILE.id, code, 2024, "safety", -10, "发生一般安全生产事故", "张三")
    pipeline.reassess(store, PROFILE, AS_OF, [2024])
    after = _stored(store)[code]
    assert after["score"] == pytest.approx(before["score"] - 10, abs=1e-9)
    assert after["indicator_points"] == pytest.approx(before["indicator_points"], abs=1e-9)
    line = after["adjustments"][0]
    assert (line["id"], line["points"]) == ("safety", -10.0)
    assert line["entered"]["by"] == "张三" and line["entered"]["reason"] == "发生一般安全生产事故"
    assert after["rank"] == 6  # now the lowest of its group
    # a manual regrade decides the final class; the rank's class stays as 初评
    store.set_manual(PROFILE.id, code, 2024, REGRADE, "B", "事故已整改，经评审上调", "李四")
    pipeline.reassess(store, PROFILE, AS_OF, [2024])
    regraded = _stored(store)[code]
    assert regraded["initial_class"] == "D" and regraded["class"] == "B"
    assert regraded["regrade"]["kind"] == "manual" and regraded["regrade"]["by"] == "李四"
    # the firm's report is built from the same entries
    again = assess_firm(_records()[3], PROFILE, AS_OF, store)
    assert again.mujun["class"] == "B" and again.mujun["score"] == regraded["score"]
    node = again.trees["mujun"].find("class.regrade")
    assert "事故已整改" in node.note and "李四" in node.note
    # clearing both gives back the first result
    store.set_manual(PROFILE.id, code, 2024, "safety", None, "", "张三")
    store.set_manual(PROFILE.id, code, 2024, REGRADE, None, "", "张三")
    pipeline.reassess(store, PROFILE, AS_OF, [2024])
    assert _stored(store)[code]["score"] == before["score"]
    assert store.manual_entries(PROFILE.id) == {}


def test_publishing_fixes_the_population_benchmarks_into_a_file(store: Store,
                                                                tmp_path: Path) -> None:
    out = publish(store, PROFILE, 2024, tmp_path / "pub.yaml", today=AS_OF, park="测试园区")
    text = out.read_text(encoding="utf-8")
    assert "各组的分类得分线不同" in text and "cutoff_a" not in text
    pub = load(out)
    got = _stored(store)
    for rec in _records()[:4]:
        alone = assess(rec, pub, AS_OF).mujun
        # the park's benchmarks, now fixed: the same points as in the park's ranking
        assert alone["status"] == "scored"
        assert alone["score"] == pytest.approx(got[rec.credit_code]["score"], abs=1e-9)
        assert "benchmark_mode" not in alone["indicators"]["tax_per_mu"]


def test_a_version_2_database_keeps_its_rankings_as_ungrouped(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    db = sqlite_utils.Database(path)
    MIGRATIONS[1](db)
    MIGRATIONS[2](db)
    db["meta"].insert({"key": "schema_version", "value": "2"})
    db.execute("insert into cohorts (profile_id, profile_sha256, year, cohort, pool, as_of, "
               "scores_json, emission_mean, emission_count) values ('huangyan-2022', 'x', 2024, "
               "'above_scale', 'real', '2025-01-01', ?, 1.0, 3)",
               (json.dumps({"scores": [1.0, 2.0], "imputed": [False, True]}),))
    db.conn.commit()
    db.close()
    s = Store(path)
    assert s.version == SCHEMA_VERSION == 5 and s.backups
    st = s.cohort_stats("huangyan-2022", 2024, "above_scale")
    assert st is not None and st.ascending == [1.0, 2.0] and st.imputed == [False, True]
    assert st.group is None and st.benchmarks == {}
    assert s.manual_entries("huangyan-2022") == {}


def test_an_entry_that_cannot_mean_anything_is_refused(store: Store) -> None:
    code = credit_code(701)
    with pytest.raises(StoreError, match="调档类别应为"):
        store.set_manual(PROFILE.id, code, 2024, REGRADE, "E", "理由", "张三")
    with pytest.raises(StoreError, match="加减分应为有限的数"):
        store.set_manual(PROFILE.id, code, 2024, "safety", float("nan"), "理由", "张三")
    with pytest.raises(StoreError, match="加减分应为有限的数"):
        store.set_manual(PROFILE.id, code, 2024, "safety", "5", "理由", "张三")
    assert store.manual_entries(PROFILE.id) == {}
    # an item the method does not have is kept but said, never silently dropped
    store.set_manual(PROFILE.id, code, 2024, "no_such_item", 3, "旧办法的项目", "张三")
    pipeline.reassess(store, PROFILE, AS_OF, [2024])
    m = _stored(store)[code]
    assert m["adjustments"][0]["id"] == "safety" and m["adjustments"][0]["points"] == 0.0
    assert "1 项加减分不属于本配置" in m["reason"]

"""工业碳效 through the store and pipeline (issue 16): each pool's industry carbon averages kept
with its results, one firm's grade rebuilt as ranked, and a park's averages published into a
file a firm self-checks with."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from forms import pipeline
from forms.firm import assess_firm
from forms.publish import publish
from forms.store import SAMPLE, Store
from rules.assess import assess
from rules.profile import load
from rules.record import make_record
from tests.conftest import ROOT, credit_code

AS_OF = date(2026, 11, 30)
PROFILE = load("huangyan-2022")
# ten firms of division 33, data year 2023 (factor 0.4974 kg/kWh): electricity 万kWh, value added.
# L = 40(i+1) × 4.974 ÷ 500 = 0.39792(i+1); the average is their mean 2.18856, so K = (i+1) ÷ 5.5
FIRMS = [(40 * (i + 1), 500) for i in range(10)]


def _records() -> list:
    return [make_record({"name": f"碳效企业{i}", "credit_code": credit_code(800 + i), "year": 2023,
                         "land_mu": 20, "tax": 100 + 10 * i, "value_added": va,
                         "industry_code": "3311", "electricity_10k_kwh": kwh, "above_scale": True,
                         "energy_equal_tce": 300, "cod_t": 1.0, "employees": 50,
                         "rd_expense": 30, "main_revenue": 3000}, [])
            for i, (kwh, va) in enumerate(FIRMS)]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "db.sqlite3")
    s.commit_import(_records(), "碳效园区.xlsx", "", 0)
    pipeline.reassess(s, PROFILE, AS_OF, [2023])
    return s


def _stored(store: Store) -> dict[str, dict]:
    return {r["credit_code"]: json.loads(r["summary_json"])["carbon"]
            for r in store.results(2023, PROFILE.id)}


def test_the_industry_average_is_the_populations_and_is_kept(store: Store) -> None:
    # Σ (万kWh × 10⁴ × 0.4974 kg ÷ 10³) ÷ Σ value added, exactly
    co2 = sum(Fraction(kwh) * Fraction("4.974") for kwh, _ in FIRMS)
    avg = co2 / sum(va for _, va in FIRMS)
    kept = store.carbon_averages(PROFILE.id, 2023)
    assert set(kept) == {(2023, 33)} and kept[(2023, 33)].count == 10
    assert kept[(2023, 33)].value == pytest.approx(float(avg), rel=1e-15)
    got = _stored(store)
    first = got[credit_code(800)]
    assert first["basis"] == "population" and first["industry_firms"] == 10
    # firm 0: 40 × 4.974 ÷ 500 = 0.39792 → 低; K = 1 ÷ 5.5
    assert first["intensity"] == pytest.approx(0.39792, abs=1e-9) and first["level"] == "低"
    assert first["k"] == pytest.approx(1 / 5.5, abs=1e-6)
    # K = 1/5.5 … 10/5.5: grades 1 (≤ 0.6), 2 (≤ 0.8), 3 (≤ 1.2), 4 (≤ 2.0)
    grades = [got[credit_code(800 + i)]["grade"] for i in range(10)]
    assert grades == [1, 1, 1, 2, 3, 3, 4, 4, 4, 4]
    levels = [got[credit_code(800 + i)]["level"] for i in range(10)]
    assert levels == ["低", "中", "中", "中", "中", "高", "高", "高", "高", "高"]


def test_one_firm_rebuilt_from_the_store_gets_its_grade(store: Store) -> None:
    got = _stored(store)
    for rec in _records()[::3]:
        alone = assess_firm(rec, PROFILE, AS_OF, store).carbon
        assert (alone["grade"], alone["k"], alone["basis"]) == \
            (got[rec.credit_code]["grade"], got[rec.credit_code]["k"], "population")
    # alone, without the store: no population, no profile value → level only, and why
    lone = assess(_records()[0], PROFILE, AS_OF).carbon
    assert lone["level"] == "低" and lone["grade"] is None and lone["status"] == "level_only"
    assert "参评企业不足 5 家" in lone["reason"]


def test_the_published_file_gives_a_self_checking_firm_its_park_grade(store: Store,
                                                                     tmp_path: Path) -> None:
    out = publish(store, PROFILE, 2023, tmp_path / "pub.yaml", today=AS_OF, park="碳效园区")
    pub = load(out)
    got = _stored(store)
    for rec in _records():
        alone = assess(rec, pub, AS_OF).carbon
        assert alone["basis"] == "profile"
        assert alone["grade"] == got[rec.credit_code]["grade"]
        assert alone["industry_average"] == pytest.approx(got[rec.credit_code]["industry_average"],
                                                          abs=1e-6)


def test_the_sample_park_shows_every_level_and_grade(tmp_path: Path) -> None:
    s = Store(tmp_path / "db.sqlite3")
    pipeline.run(ROOT / "resources" / "sample" / "sample-park.xlsx", PROFILE, AS_OF, s,
                 kind=SAMPLE)
    carbon = [json.loads(r["summary_json"])["carbon"] for r in s.results(2025, PROFILE.id)]
    assert {c["level"] for c in carbon} >= {"低", "中", "高"}
    assert {c["grade"] for c in carbon} >= {1, 2, 3, 4, 5}
    assert s.carbon_averages(PROFILE.id, 2025, SAMPLE)
    # 2025 data: the 2023 factor, said in the result
    assert all(c["electricity_factor_year"] == 2023 for c in carbon if c["co2_t"] is not None)
    assert any("暂按 2023 年度" in c.get("factor_note", "") for c in carbon)
    # removing the sample removes its averages
    s.remove_sample()
    assert s.carbon_averages(PROFILE.id, 2025, SAMPLE) == {}

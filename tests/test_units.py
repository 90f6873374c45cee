"""Energy conversion (GB/T 2589), the emission total, and the credit-code check."""

from __future__ import annotations

from datetime import date

import pytest

from rules.engine import Ctx
from rules.identifiers import check_credit_code, check_digit, normalise
from rules.profile import load
from rules.record import make_record
from rules.units import EQUAL, EQUIV, emission_total, energy_tce

CTX = Ctx(load("zhejiang"), date(2025, 1, 1))


def rec(**kw):
    return make_record({"name": "x", "year": 2024, **kw})


def test_each_carrier_in_its_field_unit() -> None:
    # 1 万kWh = 10 000 kWh; 1 t = 1000 kg; 1 万m³ = 10 000 m³; 1 GJ = 1000 MJ
    cases = {
        "coal_t": 0.7143, "diesel_t": 1.4571, "gasoline_t": 1.4714, "fuel_oil_t": 1.4286,
        "lpg_t": 1.7143, "natural_gas_10k_m3": 12.143, "heat_gj": 0.03412,
    }
    for field, tce_per_unit in cases.items():
        q = energy_tce(CTX, rec(**{field: 1.0}), EQUIV)
        assert q.value == pytest.approx(tce_per_unit), field
    assert energy_tce(CTX, rec(electricity_10k_kwh=1.0), EQUIV).value == pytest.approx(1.229)
    assert energy_tce(CTX, rec(electricity_10k_kwh=1.0), EQUAL).value == pytest.approx(3.0)


def test_feedstock_is_deducted_and_declared_totals_win() -> None:
    q = energy_tce(CTX, rec(electricity_10k_kwh=100.0, coal_t=1000.0, feedstock_tce=200.0), EQUAL)
    assert q.value == pytest.approx(300 + 714.3 - 200)
    assert q.depends_on_default  # the 等价值 electricity coefficient is an [L] default
    q = energy_tce(CTX, rec(energy_equal_tce=42.0, electricity_10k_kwh=100.0), EQUAL)
    assert q.value == 42.0 and not q.params
    assert energy_tce(CTX, rec(energy_equal_tce=42.0), EQUIV).value is None


def test_no_energy_data_is_unknown_not_zero() -> None:
    assert energy_tce(CTX, rec(), EQUAL).value is None


def test_emission_total_in_pollution_equivalents() -> None:
    q = emission_total(CTX, rec(cod_t=1.0, nh3n_t=0.8, so2_t=0.95, nox_t=1.9))
    assert q.value == pytest.approx(1 + 1 + 1 + 2)
    assert emission_total(CTX, rec()).value is None
    assert emission_total(CTX, rec(cod_t=0.0)).value is None  # zero total: not computable


def test_credit_code_check_digit_from_the_standard_example() -> None:
    assert check_credit_code("91350100M000100Y43").ok
    assert check_digit("91350100M000100Y4") == "3"
    bad = check_credit_code("91350100M000100Y4Z")
    assert not bad.ok
    wrong = check_credit_code("91350100M000100Y42")
    assert "校验位错误" in wrong.errors[0] and "应为 3" in wrong.errors[0]


def test_credit_code_normalisation_and_shape_errors() -> None:
    assert normalise(" ９１３５０１００ｍ０００１００ｙ４３ ") == "91350100M000100Y43"
    assert check_credit_code("９１３５０１００Ｍ０００１００Ｙ４３").ok
    assert "18 位" in check_credit_code("9135").errors[0]
    assert "不允许的字符" in check_credit_code("91350100M000100I43").errors[0]


def test_organisation_code_failure_is_a_warning_only() -> None:
    first17 = "91350100M000100Z4".replace("Z", "X")  # 17th char off from GB 11714
    code = first17 + check_digit(first17)
    result = check_credit_code(code)
    assert result.ok and result.warnings and "GB 11714" in result.warnings[0]

"""The field catalogue is the one source of truth; the record refuses what it does not know."""

from __future__ import annotations

import pytest

from rules.catalogue import (
    ASSESSMENTS,
    ENTERPRISE_BY_ID,
    ENTERPRISE_FIELDS,
    PROJECT_FIELDS,
    Kind,
    grouped,
)
from rules.record import RecordError, make_record

SPEC_IDS = ["name", "credit_code", "year", "county", "park", "industry_code", "above_scale", "in_production", "founded_year", "land_acquired_year", "merger_year", "mountain_island", "land_mu", "own_land", "tenant_count", "revenue", "revenue_prev", "revenue_prev2", "main_revenue", "main_revenue_prev", "main_revenue_prev2", "tax", "value_added", "net_profit", "total_assets", "total_liabilities", "employees", "rd_expense", "rd_expense_prev", "rd_staff", "equity_financing_2y", "energy_equal_tce", "energy_equiv_tce", "electricity_10k_kwh", "coal_t", "natural_gas_10k_m3", "heat_gj", "diesel_t", "gasoline_t", "fuel_oil_t", "lpg_t", "feedstock_tce", "cod_t", "nh3n_t", "so2_t", "nox_t", "digital_score", "digital_level", "digital_investment_5y", "digital_recognition", "credit_good", "niche_years", "ip_class1", "ip_class1_high_value", "ip_class1_self_developed", "ip_class2", "rd_institution", "strategic_emerging", "product_field", "key_field_product", "quality_items", "own_brand", "core_business_it", "mgmt_certified", "national_share_pct", "local_points", "zjtx_score", "sci_award", "maker_china_rank", "titles"]
PROJECT_IDS = ["credit_code", "year", "project_name", "project_value_added", "project_energy_equal_tce", "project_energy_equiv_tce", "project_electricity_10k_kwh", "region_dual_control"]


def test_catalogue_holds_exactly_the_spec_fields_in_order() -> None:
    assert [f.id for f in ENTERPRISE_FIELDS] == SPEC_IDS
    assert [f.id for f in PROJECT_FIELDS] == PROJECT_IDS


def test_labels_and_aliases_are_unambiguous() -> None:
    for fields in (ENTERPRISE_FIELDS, PROJECT_FIELDS):
        names = [n for f in fields for n in (f.label, *f.aliases)]
        assert len(names) == len(set(names)), [n for n in names if names.count(n) > 1]


def test_every_field_is_fully_declared() -> None:
    for f in (*ENTERPRISE_FIELDS, *PROJECT_FIELDS):
        assert f.label and f.group
        assert set(f.needed_by) <= set(ASSESSMENTS)
        if f.kind in (Kind.CHOICE, Kind.MULTI, Kind.BOOL):
            assert f.choices, f.id
        if f.is_numeric and f.unit:
            assert f.unit in f.header


def test_groups_follow_the_spec() -> None:
    assert [g.name for g in grouped()] == ["基本信息", "用地", "经营", "能源", "排放", "数字化", "梯度培育"]


def test_record_types_values_and_reads_blank_as_unknown() -> None:
    r = make_record({"name": " 甲 ", "year": 2024.0, "above_scale": "是", "land_mu": 3,
                     "titles": ["创新型"], "tax": "", "rd_institution": "省级"})
    assert (r.name, r.year, r.above_scale, r.land_mu) == ("甲", 2024, True, 3.0)
    assert r.titles == frozenset({"创新型"}) and r.rd_institution == "省级"
    assert r.tax is None and r.missing("tax", "land_mu") == ["tax"]
    assert isinstance(r.year, int) and isinstance(r.land_mu, float)


@pytest.mark.parametrize("values, field", [
    ({"typo_field": 1}, "typo_field"), ({"year": 2024.5}, "year"), ({"land_mu": "10亩"}, "land_mu"),
    ({"above_scale": "也许"}, "above_scale"), ({"rd_institution": "县级"}, "rd_institution"),
    ({"titles": ["院士"]}, "titles"), ({"tax": float("nan")}, "tax"), ({"tax": True}, "tax"),
])
def test_record_refuses_what_does_not_fit(values: dict, field: str) -> None:
    with pytest.raises(RecordError) as e:
        make_record(values)
    assert e.value.field_id == field


def test_attribute_typos_fail_loudly() -> None:
    r = make_record({})
    with pytest.raises(AttributeError):
        r.land  # noqa: B018 - the point is that a typo raises
    assert ENTERPRISE_BY_ID["land_mu"].header == "实际用地面积（亩）"
    assert ENTERPRISE_BY_ID["tax"].header == "实缴税金（万元）"


def test_project_errors_survive_a_process_boundary() -> None:
    import pickle

    from forms.excel.reader import FileError
    from rules.profile import Issue, ProfileError

    for err in (RecordError("tax", "应为数字"), FileError("找不到文件", "file not found"),
                ProfileError([Issue("a.yaml", 3, "k", "坏")])):
        back = pickle.loads(pickle.dumps(err))
        assert str(back) == str(err) and type(back) is type(err)

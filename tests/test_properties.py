"""Properties that must hold for any declaration (hypothesis)."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.assess import assess, assess_population
from rules.catalogue import ENTERPRISE_FIELDS
from rules.engine import Outcome
from rules.profile import load
from rules.record import make_record
from tests.conftest import credit_code
from tests.test_rule_cases import BASES

PROFILE = load("huangyan-2022")
AS_OF = date(2026, 11, 22)
FULL = {**BASES["sme"], **BASES["digital"], **BASES["bench22"], "credit_good": True,
        "digital_investment_5y": 2500.0, "mountain_island": False, "in_production": True}
OPTIONAL = [f.id for f in ENTERPRISE_FIELDS if f.id in FULL and not f.required]

money = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def firms(draw):
    above = draw(st.booleans())
    values = {
        "name": "性质测试", "credit_code": credit_code(draw(st.integers(0, 10**6))), "year": 2024,
        "industry_code": draw(st.sampled_from(["1311", "2614", "3311", "3484", "0610"])),
        "above_scale": above, "land_mu": draw(st.floats(3, 2000)), "tax": draw(money),
        "value_added": draw(st.floats(-1e3, 1e6)), "energy_equal_tce": draw(positive),
        "employees": draw(st.integers(1, 20000)), "rd_expense": draw(money),
        "main_revenue": draw(positive), "electricity_10k_kwh": draw(positive),
    }
    if draw(st.booleans()):
        values["cod_t"] = draw(st.floats(0.01, 100))
    return values


@settings(max_examples=150, deadline=None)
@given(firm=firms(), more=st.floats(min_value=0, max_value=1e5))
def test_raising_tax_never_lowers_the_score(firm: dict, more: float) -> None:
    before = assess(make_record(firm), PROFILE, AS_OF).mujun["score"]
    after = assess(make_record({**firm, "tax": firm["tax"] + more}), PROFILE, AS_OF).mujun["score"]
    if before is not None:
        assert after is not None and after >= before - 1e-9


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(firms=st.lists(firms(), min_size=10, max_size=14), more=st.floats(1, 1e5))
def test_raising_tax_never_worsens_the_rank_in_a_population(firms: list, more: float) -> None:
    for i, f in enumerate(firms):
        f["credit_code"] = credit_code(i)
    recs = [make_record(f) for f in firms]
    before = assess_population(recs, PROFILE, AS_OF)[0].mujun
    recs[0] = make_record({**firms[0], "tax": firms[0]["tax"] + more})
    after = assess_population(recs, PROFILE, AS_OF)[0].mujun
    if before.get("rank") and after.get("rank"):
        assert after["rank"] <= before["rank"]
        assert "ABCD".index(after["class"]) <= "ABCD".index(before["class"])


@settings(max_examples=200, deadline=None)
@given(va=st.floats(0.01, 1e6), energy=st.floats(0, 1e6), factor=st.floats(0, 1),
       given_as=st.sampled_from(["equal", "equiv", "electricity"]))
def test_lowering_energy_never_raises_green_channel_intensity(va: float, energy: float,
                                                              factor: float, given_as: str) -> None:
    field = {"equal": "project_energy_equal_tce", "equiv": "project_energy_equiv_tce",
             "electricity": "project_electricity_10k_kwh"}[given_as]

    def intensity(e: float) -> float:
        rec = make_record({"name": "x", "year": 2024}, [{
            "credit_code": "91350100M000100Y43", "year": 2024, "project_name": "p",
            "project_value_added": va, field: e}])
        g = assess(rec, PROFILE, AS_OF).green_channel[0]
        return g["intensity_equal"] if g["intensity_equal"] is not None else g["intensity_equiv"]

    assert intensity(energy * factor) <= intensity(energy) + 1e-9


@settings(max_examples=200, deadline=None)
@given(drop=st.sets(st.sampled_from(OPTIONAL)),
       as_of=st.sampled_from([date(2025, 6, 30), date(2026, 3, 31), date(2026, 4, 1)]))
def test_a_criterion_with_a_missing_input_is_never_met(drop: set, as_of: date) -> None:
    values = {k: v for k, v in FULL.items() if k not in drop}
    result = assess(make_record(values, [{
        "credit_code": FULL["credit_code"], "year": 2024, "project_name": "p",
        "project_value_added": 100.0 if "tax" not in drop else None,
        "project_energy_equal_tce": 30.0 if "coal_t" not in drop else None}]), PROFILE, as_of)
    for tree in [*result.trees.values(), *result.project_trees]:
        for node in tree.walk():
            if node.kind in ("condition", "score") and node.missing:
                assert node.outcome is not Outcome.MET, (node.id, node.missing)

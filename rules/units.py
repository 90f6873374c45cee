"""Energy to tonnes of standard coal (GB/T 2589) and the emission total (RULES §1.3, §3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rules.catalogue import ENERGY_CARRIERS, POLLUTANTS
from rules.engine import Ctx, ParamRef
from rules.numbers import product, quotient, total
from rules.record import Record

EQUAL = "equal_value"  # 等价值
EQUIV = "equivalent"  # 当量值
BASIS_NAMES = {EQUAL: "等价值", EQUIV: "当量值"}

# carrier field → (parameter key, field unit → the parameter's per-unit (kWh, m³, kg, MJ), then
# kgce → tce: 10³ ÷ 10³ = 1 for t, GJ; 10⁴ ÷ 10³ = 10 for 万m³, 万kWh)
_CARRIER_PARAM = {
    "coal_t": ("energy.coal", 1), "natural_gas_10k_m3": ("energy.natural_gas", 10),
    "heat_gj": ("energy.heat", 1), "diesel_t": ("energy.diesel", 1),
    "gasoline_t": ("energy.gasoline", 1), "fuel_oil_t": ("energy.fuel_oil", 1),
    "lpg_t": ("energy.lpg", 1),
}
_ELECTRICITY_KEY = {EQUAL: "energy.electricity_equal", EQUIV: "energy.electricity_equiv"}


@dataclass
class Quantity:
    """A computed amount with how it was obtained."""

    value: float | None
    how: str
    inputs: dict[str, float | None] = field(default_factory=dict)
    params: list[ParamRef] = field(default_factory=list)

    @property
    def depends_on_default(self) -> bool:
        """True when a low-confidence [L] parameter entered the figure."""
        return any(p.confidence == "L" for p in self.params)


def electricity_tce(ctx: Ctx, kwh_10k: float, basis: str) -> tuple[float, ParamRef]:
    ref = ctx.ref(_ELECTRICITY_KEY[basis])
    return product(kwh_10k, 10, ref.value), ref  # 万kWh × 10⁴ × kgce/kWh ÷ 10³ (exact decimals)


def energy_tce(ctx: Ctx, rec: Record, basis: str) -> Quantity:
    """综合能耗 of a firm on ``basis``: the declared total if given, else Σ carriers − feedstock.

    A carrier left blank is taken as not used when at least one carrier is given; with no
    carrier and no declared total the energy is unknown (``None``), never 0.
    """
    declared = rec.energy_equal_tce if basis == EQUAL else rec.energy_equiv_tce
    field_id = "energy_equal_tce" if basis == EQUAL else "energy_equiv_tce"
    if declared is not None:
        return Quantity(declared, f"填报的综合能耗（{BASIS_NAMES[basis]}）", {field_id: declared})
    given = {c: rec.get(c) for c in ENERGY_CARRIERS if rec.get(c) is not None}
    if not given:
        return Quantity(None, "未填报综合能耗或任何能源品种", {field_id: None,
                                                    "electricity_10k_kwh": None})
    parts: list[float] = []
    refs: list[ParamRef] = []
    for carrier, amount in given.items():
        if carrier == "electricity_10k_kwh":
            tce, ref = electricity_tce(ctx, amount, basis)
        else:
            key, scale = _CARRIER_PARAM[carrier]
            ref = ctx.ref(key)
            tce = product(amount, scale, ref.value)
        parts.append(tce)
        refs.append(ref)
    inputs: dict[str, float | None] = dict(given)
    how = f"按各能源品种折标煤（{BASIS_NAMES[basis]}）相加"
    if rec.feedstock_tce is not None:
        parts.append(-rec.feedstock_tce)
        inputs["feedstock_tce"] = rec.feedstock_tce
        how += "，扣除原料用能"
    return Quantity(max(total(parts), 0.0), how, inputs, refs)


def emission_total(ctx: Ctx, rec: Record) -> Quantity:
    """Pollutants summed in thousands of pollution equivalents (or tonnes, by profile).

    ``None`` when no pollutant is given, or when the total is zero (not computable: RULES §1.3).
    """
    given = {p: rec.get(p) for p in POLLUTANTS if rec.get(p) is not None}
    mode_ref = ctx.ref("emission.mode")
    if not given:
        return Quantity(None, "未填报排放数据", {p: None for p in POLLUTANTS}, [mode_ref])
    refs = [mode_ref]
    if mode_ref.value == "tonnes":
        amount = total(list(given.values()))
        how = "四项污染物吨数直接相加"
    else:
        parts = []
        for p, t in given.items():
            ref = ctx.ref("emission." + p.removesuffix("_t"))
            refs.append(ref)
            # tonnes ÷ (kg per equivalent) = thousands of equivalents
            parts.append(quotient(t, ref.value) or 0.0)
        amount = total(parts)
        how = "按污染当量折算后相加（千当量）"
    if amount == 0:
        return Quantity(None, "排放合计为 0，无法计算单位排放增加值", dict(given), refs)
    return Quantity(amount, how, dict(given), refs)

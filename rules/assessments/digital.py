"""数字化 (RULES §6): MIIT level from the self-test score; Zhejiang recognitions."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from rules.engine import Ctx, Node, Outcome, all_of, band_points, compare, flag, info
from rules.record import Record

RECOGNITIONS = {"digital_workshop": "数字化车间", "smart_factory": "智能工厂",
                "future_factory": "未来工厂（试点）"}


def _core(name: str) -> str:
    for suffix in ("畲族自治县", "自治县", "县", "市", "区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=8)
def _mountain_names(counties: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    return counties, frozenset(_core(n) for n in counties)


def mountain_island(ctx: Ctx, rec: Record) -> tuple[bool | None, Node]:
    ref = ctx.ref("digital.mountain_counties")
    if rec.mountain_island is not None:
        node = flag("digital.mountain", "山区海岛县（填报）", rec.mountain_island,
                    {"mountain_island": rec.mountain_island})
        node.kind = "fact"  # decides which investment threshold applies; not a test
        return rec.mountain_island, node
    county = (rec.county or "").strip()
    names, cores = _mountain_names(ref.value)
    value = None if not county else (county.endswith(names) or _core(county) in cores)
    node = flag("digital.mountain", "山区 26 县（按所在县判断）", value, {"county": rec.county}, [ref],
                note="海岛县不在名单中，请在“是否山区海岛县”中填报")
    if value is not None:
        node.kind = "fact"
    return value, node


def level_of(ctx: Ctx, rec: Record) -> int | None:
    """The MIIT level: as declared, else from the self-test score (below 20 → not rated)."""
    if rec.digital_level is not None:
        return rec.digital_level
    if rec.digital_score is None:
        return None
    return int(band_points(rec.digital_score, ctx.v("digital.level_bands"))) or None


def level(ctx: Ctx, rec: Record) -> tuple[int | None, Node]:
    bands = ctx.ref("digital.level_bands")
    if rec.digital_level is not None:
        node = info("digital.level", "数字化水平等级（填报）", f"{rec.digital_level} 级", unit="级",
                    value=rec.digital_level)
        node.inputs = {"digital_level": rec.digital_level}
        if rec.digital_score is not None:
            derived = int(band_points(rec.digital_score, bands.value))
            if derived != rec.digital_level:
                node.note += f"；注意：评测得分 {rec.digital_score:g} 对应 {derived} 级，与填报等级不一致"
        return rec.digital_level, node
    if rec.digital_score is None:
        node = Node("digital.level", "数字化水平等级", Outcome.UNKNOWN, kind="info", params=[bands],
                    inputs={"digital_score": None, "digital_level": None},
                    missing=["digital_score", "digital_level"])
        return None, node
    lv = level_of(ctx, rec)
    node = info("digital.level", "数字化水平等级（按评测得分）",
                f"{lv} 级" if lv else "评测得分不足 20 分，未达一级", value=lv, unit="级",
                params=[bands])
    node.inputs = {"digital_score": rec.digital_score}
    return lv, node


def assess(ctx: Ctx, rec: Record) -> tuple[dict[str, Any], Node]:
    lv, lv_node = level(ctx, rec)
    mountain, m_node = mountain_island(ctx, rec)
    credit = flag("digital.credit", "信用等级良好及以上", rec.credit_good, {"credit_good": rec.credit_good})
    lvl = None if lv is None else float(lv)
    inv = rec.digital_investment_5y

    def investment(kind: str, label: str) -> Node:
        key = f"digital.{kind}_min_investment" + ("_mountain" if mountain else "")
        node = compare(ctx, f"digital.{kind}.investment", label, inv, ">=", key,
                       {"digital_investment_5y": inv})
        if mountain is None:
            node.params.append(ctx.ref(f"digital.{kind}_min_investment_mountain"))
            node.note = "未能判断是否山区海岛县，按一般地区门槛"
        return node

    lv_inputs = {"digital_level": lv}
    workshop = all_of("digital_workshop", RECOGNITIONS["digital_workshop"], [
        credit,
        compare(ctx, "digital.workshop.level", "数字化水平等级", lvl, ">=", "digital.workshop_min_level",
                lv_inputs),
        investment("workshop", "近五年数字化软硬件投入（不含土建）"),
    ])
    factory = all_of("smart_factory", RECOGNITIONS["smart_factory"], [
        credit,
        compare(ctx, "digital.factory.level", "数字化水平等级", lvl, ">=", "digital.factory_min_level",
                lv_inputs),
        investment("factory", "近五年数字化软硬件投入（不含土建）"),
    ])
    future = all_of("future_factory", RECOGNITIONS["future_factory"], [
        credit,
        compare(ctx, "digital.future.level", "数字化水平等级", lvl, ">=", "digital.future_min_level",
                lv_inputs),
        info("digital.future.guideline", "《“未来工厂”建设导则》其余条件", "未编码，需对照导则自查"),
    ])
    recs = {"digital_workshop": workshop, "smart_factory": factory, "future_factory": future}
    eligible = [k for k, n in recs.items() if n.outcome is Outcome.MET]
    held = rec.digital_recognition
    children = [lv_node, m_node, *recs.values()]
    if held and held != "无":
        children.append(info("digital.held", "已获认定", held))
    root = Node("digital", "数字化水平与认定", Outcome.MET if eligible else Outcome.UNMET if all(
        n.outcome is Outcome.UNMET for n in recs.values()) else Outcome.UNKNOWN, kind="group",
        children=children,
        note=("可申报：" + "、".join(RECOGNITIONS[k] for k in eligible)) if eligible else "暂无可申报的认定")
    summary = {"level": lv, "eligible": eligible, "mountain_island": mountain,
               "recognitions": {k: n.outcome.value for k, n in recs.items()}}
    return summary, root

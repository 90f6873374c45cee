"""Plain-text rendering of profiles and result trees, for the command line."""

from __future__ import annotations

from collections.abc import Iterator

from desktop.present import MARKS, num, param_value
from rules.assess import DISCLAIMER, EnterpriseResult
from rules.catalogue import label
from rules.engine import OUTCOME_LABELS, Node, Outcome, fmt
from rules.profile import Profile
from rules.schema import GROUP_NAMES, SPECS


def profile_lines(profile: Profile) -> Iterator[str]:
    yield f"配置 {profile.id}（{profile.name}） 版本 {profile.version}  生效 {profile.effective}"
    yield f"继承链 {' → '.join(profile.chain)}  sha256 {profile.sha256}"
    for group, gname in GROUP_NAMES.items():
        yield ""
        yield f"【{gname}】"
        for spec in SPECS:
            if spec.assessment != group:
                continue
            p = profile.param(spec.key)
            if p is None:
                yield f"  {spec.key} {spec.name}：未设定"
                continue
            for ver in p.versions:
                shown = param_value(spec.key, ver.value, spec.unit)
                yield (f"  {spec.key} {spec.name}：{shown}  生效 {ver.effective}"
                       f"  依据：{ver.citation} [{ver.confidence}]")


def tree_lines(node: Node, depth: int = 0) -> Iterator[str]:
    pad = "  " * depth
    line = f"{pad}{MARKS[node.outcome]} {node.label}"
    if node.kind == "score" and node.points is not None:
        pts = fmt(round(node.points, 2))
        if node.points_max is not None and node.points_max != node.points:
            pts += f"～{fmt(round(node.points_max, 2))}"
        line += f"  [{pts} 分]"
    u = node.unit
    if node.value is not None and node.op and node.threshold is not None:
        line += f"  {num(node.value, u)}（要求 {node.op} {num(node.threshold, u)}）"
    elif node.value is not None and node.kind != "score":
        line += f"  {num(node.value, u)}"
    if node.gap is not None and node.outcome is Outcome.UNMET and node.kind != "info":
        line += f"  差 {num(node.gap, u)}"
    if node.outcome is Outcome.UNKNOWN:
        line += f"  （{OUTCOME_LABELS[node.outcome]}）"
    yield line
    if node.missing:
        yield f"{pad}    缺少：{'、'.join(label(m) for m in node.missing)}"
    if node.note:
        yield f"{pad}    说明：{node.note}"
    for p in node.params:
        if p.value is not None:
            yield (f"{pad}    依据：{p.name} = {param_value(p.key, p.value, p.unit)}，{p.citation}"
                   f" [{p.confidence}]")
    for c in node.children:
        yield from tree_lines(c, depth + 1)


def result_lines(r: EnterpriseResult) -> Iterator[str]:
    rec = r.record
    p = r.profile
    yield f"{rec.name or '（未填企业名称）'}  {rec.credit_code or ''}  数据年度 {rec.year}"
    yield f"配置 {p.id} 版本 {p.version} sha256 {p.sha256[:16]}…  评估日期 {r.as_of}"
    for t in [r.trees["mujun"], *r.project_trees, r.trees["sme"], r.trees["rectification"],
              r.trees["digital"]]:
        yield ""
        yield from tree_lines(t)
    if r.missing_inputs:
        yield ""
        yield "缺少的数据：" + "、".join(label(m) for m in r.missing_inputs)
    yield ""
    yield DISCLAIMER

"""Plain-text rendering of profiles and result trees, for the command line."""

from __future__ import annotations

from collections.abc import Iterator

from rules.assess import DISCLAIMER, EnterpriseResult
from rules.catalogue import label
from rules.engine import Node
from rules.profile import Profile
from rules.schema import GROUP_NAMES, SPECS
from rules.wording import node_gap, node_values, param_value, verdict


def profile_lines(profile: Profile) -> Iterator[str]:
    yield f"配置 {profile.id}（{profile.name}） 版本 {profile.version}  生效 {profile.effective}"
    yield f"继承链 {' → '.join(profile.chain)}  sha256 {profile.sha256}"
    for group, gname in GROUP_NAMES.items():
        yield ""
        yield f"【{gname}】"
        unused = 0
        for spec in SPECS:
            if spec.assessment != group:
                continue
            p = profile.param(spec.key)
            if p is None:  # an optional parameter this method does not use
                unused += 1
                continue
            for ver in p.versions:
                shown = param_value(spec.key, ver.value, spec.unit)
                year = f"  数据年度 {ver.data_year}" if ver.data_year is not None else ""
                yield (f"  {spec.key} {spec.name}：{shown}{year}  生效 {ver.effective}"
                       f"  依据：{ver.citation} [{ver.confidence}]")
        if unused:
            yield f"（另有 {unused} 项可选参数本配置未写，相应规则不适用）"


def tree_lines(node: Node, depth: int = 0) -> Iterator[str]:
    pad = "  " * depth
    text, _ = verdict(node)
    line = f"{pad}{node.label}" + (f"  【{text}】" if text else "")
    values = node_values(node)
    if values and not values.startswith("缺："):
        line += f"  {values}"
    gap = node_gap(node)
    if gap:
        line += f"  {'差 ' if not gap.startswith('须') else ''}{gap}"
    yield line
    if node.missing:
        yield f"{pad}    缺少：{'、'.join(label(m) for m in node.missing)}"
    if node.note:
        yield f"{pad}    说明：{node.note}"
    if node.caveat:
        yield f"{pad}    ※ 注意：{node.caveat}"
    for p in node.params:
        if p.value is not None:
            year = f"（{p.data_year} 年度）" if p.data_year is not None else ""
            yield (f"{pad}    依据：{p.name}{year} = {param_value(p.key, p.value, p.unit)}，"
                   f"{p.citation} [{p.confidence}]")
    for c in node.children:
        yield from tree_lines(c, depth + 1)


def result_lines(r: EnterpriseResult) -> Iterator[str]:
    rec = r.record
    p = r.profile
    yield f"{rec.name or '（未填企业名称）'}  {rec.credit_code or ''}  数据年度 {rec.year}"
    yield f"配置 {p.id} 版本 {p.version} sha256 {p.sha256[:16]}…  评估日期 {r.as_of}"
    for note in r.notes:
        yield f"※ 注意：{note}"
    for t in [r.trees["mujun"], *r.project_trees, r.trees["sme"], r.trees["rectification"],
              r.trees["digital"], r.trees["carbon"]]:
        yield ""
        yield from tree_lines(t)
    if r.missing_inputs:
        yield ""
        yield "缺少的数据：" + "、".join(label(m) for m in r.missing_inputs)
    yield ""
    yield DISCLAIMER

"""Rule cases as data (tests/cases/*.yaml): inputs → expected outcome, with the citation.

Each case names a base record (tests/cases/bases.yaml) and overrides fields; ``population``
adds other firms (the same base plus their overrides) so that classes are ranked. Checks:
``expect`` (paths into the JSON result), ``population_expect`` (the same for other firms),
``outcomes`` ("tree:node-id" → met/unmet/unknown/not_applicable), ``points`` (a score item's
points), ``values`` (the node's value, compared exactly: 128.64 ÷ 4288 is 0.03), ``notes`` (text
the node's note contains), ``caveats`` (text its caveat contains; null: no caveat) and ``cites``
("tree:node-id" → text that one of the node's parameters cites). ``manual`` is what the park
manager entered for the case's own firm: ``{adjust: {ITEM_ID: [value, reason]}, regrade: [CLASS,
reason]}`` (by 测试 at 2026-11-30 10:00), passed to the assessment as a ``Manual``.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import pytest
import yaml

from rules.assess import EnterpriseResult, assess, assess_population
from rules.assessments.mujun import Entry, Manual
from rules.engine import Node
from rules.profile import load
from rules.record import make_record
from tests.conftest import TESTS, credit_code

CASES = TESTS / "cases"
BASES = yaml.safe_load((CASES / "bases.yaml").read_text(encoding="utf-8"))
DEFAULT_AS_OF = date(2026, 11, 22)
MANUAL_BY, MANUAL_AT = "测试", "2026-11-30 10:00"


def _cases() -> list[Any]:
    out = []
    for f in sorted(CASES.glob("*.yaml")):
        if f.name == "bases.yaml":
            continue
        for i, case in enumerate(yaml.safe_load(f.read_text(encoding="utf-8"))):
            out.append(pytest.param(case, id=f"{f.stem}-{i:02d}-{case['name']}"))
    return out


@cache
def _profile(ref: str):
    local = TESTS / "profiles" / ref
    return load(local if local.exists() else ref)


def _record(case: dict, overrides: dict, code: str):
    values = dict(BASES[case["base"]]) if case.get("base") else {}
    values.update(overrides)
    values["credit_code"] = code
    projects = [{"credit_code": code, "year": values.get("year"), **p}
                for p in case.get("projects", [])]
    return make_record(values, projects)


def _manual(case: dict) -> Manual | None:
    """The park manager's entries for the case's own firm, or None."""
    given = case.get("manual")
    if not given:
        return None
    adjust = {item: Entry(value, reason, MANUAL_BY, MANUAL_AT)
              for item, (value, reason) in (given.get("adjust") or {}).items()}
    regrade = Entry(*given["regrade"], MANUAL_BY, MANUAL_AT) if given.get("regrade") else None
    return Manual(adjust, regrade)


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list):
            data = data[int(part)]
        else:
            assert part in data, f"no key {part!r} in {sorted(data)} (path {path})"
            data = data[part]
    return data


def _tree(result: EnterpriseResult, where: str) -> Node:
    name, node_id = where.split(":")
    if name.startswith("green_channel."):
        root = result.project_trees[int(name.split(".")[1])]
    else:
        root = result.trees[name]
    return root.find(node_id)


def _check_values(result: EnterpriseResult, expect: dict, label: str) -> None:
    data = result.to_json()
    for path, want in expect.items():
        got = _get(data, path)
        if isinstance(want, float) and got is not None:
            assert got == pytest.approx(want, rel=1e-6, abs=1e-6), f"{label} {path}"
        else:
            assert got == want, f"{label} {path}: got {got!r}, want {want!r}"


@pytest.mark.parametrize("case", _cases())
def test_rule_case(case: dict) -> None:
    assert any(case.get(k) for k in ("expect", "outcomes", "points", "values", "caveats",
                                     "notes_contain")), \
        "a case must check a result"
    profile = _profile(case.get("profile", "huangyan-2022"))
    as_of = date.fromisoformat(str(case.get("as_of", DEFAULT_AS_OF)))
    target = _record(case, case.get("record", {}), credit_code(0))
    manual = _manual(case)
    if "population" in case:
        others = [_record(case, o or {}, credit_code(i + 1))
                  for i, o in enumerate(case["population"])]
        entered = {(target.credit_code, target.year): manual} if manual else None
        results = assess_population([target, *others], profile, as_of, manual=entered)
        result = results[0]
        for idx, exp in case.get("population_expect", {}).items():
            _check_values(results[int(idx)], exp, f"population[{idx}]")
    else:
        result = assess(target, profile, as_of, manual=manual)
    _check_values(result, case.get("expect", {}), "target")
    for where, outcome in case.get("outcomes", {}).items():
        assert _tree(result, where).outcome.value == outcome, where
    for where, pts in case.get("points", {}).items():
        node = _tree(result, where)
        assert (node.points, node.points_max) == (pts, pts), f"{where}: {node.points}–{node.points_max}"
    for text in case.get("notes_contain", []):  # the result's notes (said in every output)
        assert any(text in n for n in result.notes), f"{text!r} not in {result.notes}"
    for where, want in case.get("values", {}).items():
        got = _tree(result, where).value
        assert got == want, f"{where}: {got!r} != {want!r}"  # exact, not approximately
    for where, text in case.get("notes", {}).items():
        assert text in _tree(result, where).note, where
    for where, text in case.get("caveats", {}).items():
        caveat = _tree(result, where).caveat
        if text is None:
            assert caveat == "", f"{where}: unexpected caveat {caveat!r}"
        else:
            assert text in caveat, f"{where}: {caveat!r} lacks {text!r}"
    for where, text in case.get("cites", {}).items():
        node = _tree(result, where)
        cited = " ".join(p.citation for p in node.params)
        assert text in cited, f"{where} cites {cited!r}, expected to mention {text!r}"


def test_every_assessment_has_at_least_eight_cases() -> None:
    counts = {}
    for f in CASES.glob("*.yaml"):
        if f.name != "bases.yaml":
            counts[f.stem] = len(yaml.safe_load(f.read_text(encoding="utf-8")))
    assert set(counts) >= {"mujun", "green_channel", "sme", "rectification", "digital"}
    assert min(counts.values()) >= 8, counts

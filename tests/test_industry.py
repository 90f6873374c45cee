"""GB/T 4754-2017 industry codes: the shipped data and rules/industry.py."""

from __future__ import annotations

import ast
import itertools
from collections import Counter
from pathlib import Path

import pytest

from rules import industry
from rules.industry import Industry, check_industry_code, industry_label, lookup

DATA = Path(industry.__file__).parent / "data"

# What is shipped (see rules/data/README.md): the 2017 edition has 97 大类 and 473 中类; it gave
# 1380 小类, the list as revised by amendment No.1 (2019) has 1381.
DIVISIONS, GROUPS, CLASSES = 97, 473, 1381


def _rows(name: str) -> list[list[str]]:
    return [line.split("\t") for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


def test_files_are_utf8_tsv_without_bom_with_header():
    for name, header in [
        ("gbt4754-2017.tsv", ["code", "name", "level"]),
        ("gbt4754-2017-sections.tsv", ["letter", "name", "first_division", "last_division"]),
    ]:
        raw = (DATA / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in raw and raw.endswith(b"\n")
        rows = _rows(name)
        assert rows[0] == header
        assert all(len(r) == len(header) for r in rows[1:])
        assert all(cell == cell.strip() and cell for r in rows for cell in r)


def test_codes_sorted_unique_and_levels_match_length():
    rows = _rows("gbt4754-2017.tsv")[1:]
    codes = [r[0] for r in rows]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    level = {2: "division", 3: "group", 4: "class"}
    assert all(c.isdigit() and r[2] == level[len(c)] for r, c in zip(rows, codes))


def test_counts_per_level():
    counts = Counter(r[2] for r in _rows("gbt4754-2017.tsv")[1:])
    assert counts == {"division": DIVISIONS, "group": GROUPS, "class": CLASSES}
    assert len(industry.codes("division")) == DIVISIONS
    assert len(industry.codes("group")) == GROUPS
    assert len(industry.codes("class")) == CLASSES
    assert len(industry.codes()) == DIVISIONS + GROUPS + CLASSES
    assert industry.codes("division") == tuple(f"{i:02d}" for i in range(1, 98))


def test_hierarchy_is_complete():
    codes = set(industry.codes())
    for c in industry.codes("class"):
        assert c[:3] in codes and c[:2] in codes, c
    for g in industry.codes("group"):
        assert g[:2] in codes, g
        assert any(c.startswith(g) for c in industry.codes("class")), f"group {g} has no class"
    for d in industry.codes("division"):
        assert any(g.startswith(d) for g in industry.codes("group")), f"division {d} has no group"


def test_undivided_groups_share_the_name_of_their_single_class():
    for g in industry.codes("group"):
        classes = [c for c in industry.codes("class") if c.startswith(g)]
        if classes == [g + "0"]:
            assert lookup(g).name == lookup(g + "0").name


def test_sections_partition_the_divisions():
    sections = industry.sections()
    assert [s.letter for s in sections] == list("ABCDEFGHIJKLMNOPQRST")
    assert sections[0].first_division == "01" and sections[-1].last_division == "97"
    for prev, nxt in itertools.pairwise(sections):
        assert int(nxt.first_division) == int(prev.last_division) + 1
    for d in industry.codes("division"):
        assert sum(s.covers(d) for s in sections) == 1, d
    rows = {r[0]: r[1:] for r in _rows("gbt4754-2017-sections.tsv")[1:]}
    assert rows["C"] == ["制造业", "13", "43"]
    assert rows["A"] == ["农、林、牧、渔业", "01", "05"]
    assert rows["T"] == ["国际组织", "97", "97"]


# Entries checked against both source copies (rules/data/README.md).
@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("06", "煤炭开采和洗选业"),
        ("0610", "烟煤和无烟煤开采洗选"),
        ("13", "农副食品加工业"),
        ("131", "谷物磨制"),
        ("1311", "稻谷加工"),
        ("1312", "小麦加工"),
        ("1313", "玉米加工"),
        ("1340", "制糖业"),
        ("15", "酒、饮料和精制茶制造业"),
        ("2929", "塑料零件及其他塑料制品制造"),
        ("3311", "金属结构制造"),
        ("339", "铸造及其他金属制品制造"),
        ("3612", "新能源车整车制造"),
        ("3741", "飞机制造"),
        ("3874", "智能照明器具制造"),
        ("6572", "动漫、游戏数字内容服务"),
        ("7215", "农村集体经济组织管理"),
        ("9700", "国际组织"),
    ],
)
def test_known_entries(code, name):
    assert lookup(code).name == name


def test_lookup():
    found = lookup("3311")
    assert found == Industry("3311", "金属结构制造", "33", "金属制品业", "C", "制造业")
    assert found.level == "class"
    assert lookup("06") == Industry(
        "06", "煤炭开采和洗选业", "06", "煤炭开采和洗选业", "B", "采矿业"
    )
    assert lookup("0610").division_name == "煤炭开采和洗选业"
    assert lookup("131").level == "group"
    assert lookup(" ３３１１ ").code == "3311"  # trimmed, full-width digits
    for missing in ["610", "98", "00", "3x11", "", "12345", "C3311", "0611"]:
        assert lookup(missing) is None, missing


def test_check_accepts_codes_of_every_level():
    for code in ["06", "0610", "131", "1311", "97", "9700"]:
        assert check_industry_code(code) == (code, None)
    assert check_industry_code(" ０６１０") == ("0610", None)


def test_check_610_names_the_division_and_the_lost_leading_zero():
    code, error = check_industry_code("610")
    assert code == "610"
    assert error.startswith("行业代码“610”不在 GB/T 4754-2017 中")
    # 610's division is 61; it has no group 610 …
    assert "61 大类“住宿业”下没有中类 610" in error
    assert "611、612、613、614、619" in error
    # … and 0610 is what a spreadsheet makes of 0610
    assert "0610“烟煤和无烟煤开采洗选”" in error


def test_check_names_the_nearest_existing_level():
    _, error = check_industry_code("0611")
    assert "061 中类“烟煤和无烟煤开采洗选”下没有小类 0611" in error
    _, error = check_industry_code("0650")
    assert "06 大类“煤炭开采和洗选业”下没有中类 065" in error and "0650" in error
    _, error = check_industry_code("98")
    assert "没有 98 大类" in error and "01–97" in error


@pytest.mark.parametrize("text", ["3x11", "", "12345", "1", "C3311", "33.1", "３３１１１"])
def test_check_rejects_wrong_shape(text):
    _, error = check_industry_code(text)
    assert error is not None
    assert "2–4 位数字" in error


def test_check_shape_errors():
    assert check_industry_code("") == ("", check_industry_code("   ")[1])
    assert "为空" in check_industry_code("")[1]
    assert check_industry_code("12345")[0] == "12345"
    assert "“3x11”" in check_industry_code("3x11")[1]
    assert "门类字母 C" in check_industry_code("C3311")[1]
    assert "06“煤炭开采和洗选业”" in check_industry_code("6")[1]


def test_industry_label():
    assert industry_label("3311") == "3311 金属结构制造"
    assert industry_label("13") == "13 农副食品加工业"
    assert industry_label("610") == "610"
    assert industry_label("") == ""


def test_module_is_pure_python():
    tree = ast.parse(Path(industry.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "dataclasses", "functools", "pathlib"}

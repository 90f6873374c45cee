"""The desktop's table models, without widgets, each under qtmodeltester."""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt

from desktop.models import (
    PROJECT_COLUMNS,
    RESULT_COLUMNS,
    ErrorsModel,
    ProjectsModel,
    ResultsModel,
    ResultsProxy,
    result_text,
    sort_key,
)
from forms.importer import dry_run
from forms.store import BROWSE_COLUMNS
from tests.fixtures import messy_workbook

COL = {k: i for i, (k, _) in enumerate(RESULT_COLUMNS)}


def row(code: str, name: str, score: float | None, klass: str | None, *, county: str = "黄岩区",
        cohort: str = "above_scale", status: str = "scored", rect: int = 0,
        green: tuple[int, int] = (0, 0), tier: str = "none", industry: str = "3311") -> tuple:
    values = {"credit_code": code, "name": name, "county": county, "park": "园区1",
              "industry_code": industry, "cohort": cohort, "status": status, "score": score,
              "class": klass, "rank": None, "population": None, "sme_tier": tier,
              "rect_flagged": rect, "digital_level": None, "green_eligible": green[0],
              "green_projects": green[1], "pool": "real"}
    return tuple(values[c] for c in BROWSE_COLUMNS)


ROWS = [row("C1", "甲公司", 85.5, "B"), row("C2", "乙公司", 3_000_000_000.5, "A"),
        row("C3", "丙公司", None, None, status="incomplete"),
        row("C4", "丁公司", 12.0, "D", rect=1, county="路桥区", green=(1, 2)),
        row("C5", "戊公司", 140.0, "A", tier="specialised")]


def test_results_model_passes_modeltester(qtmodeltester) -> None:
    model = ResultsModel(ROWS)
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    assert model.columnCount() == len(RESULT_COLUMNS)
    assert model.headerData(COL["class"], Qt.Orientation.Horizontal) == "分类"
    assert model.data(model.index(2, COL["class"])) == "数据不全"
    assert model.data(model.index(3, COL["rect_flagged"])) == "列入"
    assert model.data(model.index(3, COL["green"])) == "1/2 可享受"
    assert model.data(model.index(0, COL["score"])) == "85.50"
    assert model.data(model.index(4, COL["sme_tier"])) == "专精特新中小企业"


def test_proxy_sorts_numbers_as_numbers_blanks_last_and_filters(qtmodeltester) -> None:
    model = ResultsModel(ROWS)
    proxy = ResultsProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.sort(COL["score"], Qt.SortOrder.DescendingOrder)
    names = [proxy.data(proxy.index(r, COL["name"])) for r in range(proxy.rowCount())]
    # 3,000,000,000.5 is the largest (Qt's int sort would truncate it); the blank score is last
    assert names == ["乙公司", "戊公司", "甲公司", "丁公司", "丙公司"]
    proxy.sort(COL["score"], Qt.SortOrder.AscendingOrder)
    names = [proxy.data(proxy.index(r, COL["name"])) for r in range(proxy.rowCount())]
    assert names == ["丁公司", "甲公司", "戊公司", "乙公司", "丙公司"]
    proxy.set_filter(lambda r: r[BROWSE_COLUMNS.index("class")] == "A")
    assert [r[1] for r in proxy.visible_rows()] == ["戊公司", "乙公司"]  # still sorted
    src = proxy.mapToSource(proxy.index(0, COL["name"]))
    assert src.row() == 4
    assert proxy.mapFromSource(model.index(1, 0)).row() == 1
    assert not proxy.mapFromSource(model.index(0, 0)).isValid()  # filtered out
    qtmodeltester.check(proxy)
    model.set_rows(ROWS[:2])  # a reload keeps the filter
    assert proxy.rowCount() == 1
    proxy.set_filter(None)
    assert proxy.rowCount() == 2


def _by_sort_key(rows: list[tuple], key: str, descending: bool) -> list[tuple]:
    """The order ``sort_key`` defines, row by row: filled values sorted stably, blanks last in
    their source order."""
    filled = sorted((r for r in rows if not sort_key(r, key)[0]),
                    key=lambda r: sort_key(r, key)[1], reverse=descending)
    return filled + [r for r in rows if sort_key(r, key)[0]]


def test_every_column_sorts_as_its_sort_key_says_through_reloads_and_figures() -> None:
    """The proxy reads a column's keys once and keeps them (a sort of 100,000 rows in tens of
    milliseconds); a reload or the figures' arrival must drop them, and a repeated sort of
    the same column must still show the rows as they are now."""
    from desktop.models import EXTRA_KEYS

    rnd = random.Random(17)

    def firm(i: int) -> tuple:
        return row(f"C{i:03d}", rnd.choice(["甲", "乙", "丙", ""]) + f"公司{rnd.randint(0, 9)}",
                   rnd.choice([None, 12.0, 85.5, 3e9 + 0.5, float(rnd.randint(0, 120))]),
                   rnd.choice(["A", "B", "C", "D", None, ""]),
                   county=rnd.choice(["黄岩区", "路桥区"]), rect=rnd.randint(0, 1),
                   green=rnd.choice([(0, 0), (1, 2), (0, 1)]),
                   tier=rnd.choice(["none", "innovative", "specialised"]),
                   industry=rnd.choice(["3311", "1711", "", "2611"]))

    def figures(r: tuple) -> tuple:
        extra = {k: None for k in EXTRA_KEYS} | {
            "tax_per_mu": rnd.choice([None, 3.0, 12.5, 0.0]), "land_mu": rnd.choice([None, 10]),
            "carbon": rnd.choice([None, ("graded", "中", 3, 0.5, 1.0, ""),
                                  ("graded", "高", 5, 0.9, 1.2, ""),
                                  ("unknown", None, None, None, None, "缺数据")])}
        return r + tuple(extra[k] for k in EXTRA_KEYS)

    model = ResultsModel([firm(i) for i in range(120)])
    proxy = ResultsProxy()
    proxy.setSourceModel(model)

    def check_all() -> None:
        for c, (key, _) in enumerate(model.columns):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                proxy.sort(c, order)
                want = _by_sort_key(model.rows, key, order == Qt.SortOrder.DescendingOrder)
                assert proxy.visible_rows() == want, (key, order)
                proxy.sort(c, order)  # again, as QTableView.sortByColumn does: same rows
                assert proxy.visible_rows() == want, (key, order)

    check_all()
    score = COL["score"]
    proxy.sort(score, Qt.SortOrder.DescendingOrder)
    model.set_rows([firm(i) for i in range(90)])  # a reload: new scores, same column sorted
    assert proxy.visible_rows() == _by_sort_key(model.rows, "score", True)
    proxy.sort(score, Qt.SortOrder.DescendingOrder)
    assert proxy.visible_rows() == _by_sort_key(model.rows, "score", True)
    tax = COL["tax_per_mu"]
    proxy.sort(tax, Qt.SortOrder.AscendingOrder)  # before the figures: every row blank
    assert proxy.visible_rows() == model.rows
    model.set_extras([figures(r) for r in model.rows])  # they arrive: sorted by them now
    assert proxy.visible_rows() == _by_sort_key(model.rows, "tax_per_mu", False)
    assert [r[:2] for r in proxy.visible_rows()] != [r[:2] for r in model.rows]
    check_all()
    keep = BROWSE_COLUMNS.index("class")
    proxy.set_filter(lambda r: r[keep] == "A")
    proxy.sort(score, Qt.SortOrder.AscendingOrder)
    assert proxy.visible_rows() == _by_sort_key([r for r in model.rows if r[keep] == "A"],
                                                "score", False)
    for p, r in enumerate(proxy.visible_rows()):  # every shown row maps back, both ways
        s = model.rows.index(r)
        assert proxy.mapFromSource(model.index(s, 0)).row() == p
        assert proxy.mapToSource(proxy.index(p, 0)).row() == s


def test_result_text_reads_as_people_read_it() -> None:
    r = row("C9", "某公司", 70.0, "C", cohort="below_scale")
    assert result_text(r, "cohort") == "规下企业（用地3亩及以上）"
    assert result_text(r, "rank") == ""
    assert result_text(row("C9", "x", None, None, status="not_graded"), "class") == "不分类"


def test_errors_model_lists_every_rejected_cell(tmp_path: Path, qtmodeltester) -> None:
    src = tmp_path / "messy.xlsx"
    expected = messy_workbook(src)
    imp = dry_run(src)
    model = ErrorsModel()
    model.set_rows(imp.invalid)
    qtmodeltester.check(model)
    shown = {tuple(model.data(model.index(r, c)) for c in range(4)) for r in range(model.rowCount())}
    for (r, column, text) in expected.values():
        assert any(s[1] == str(r) and s[2] == column and text in s[3] for s in shown), (r, column)
    assert all(s[0] in ("企业数据", "新上项目") for s in shown)


def test_projects_model_edits_and_checks_cells(qtmodeltester) -> None:
    model = ProjectsModel()
    qtmodeltester.check(model)
    model.add_row()
    model.add_row()
    qtmodeltester.check(model)
    va = next(i for i, f in enumerate(PROJECT_COLUMNS) if f.id == "project_value_added")
    name = next(i for i, f in enumerate(PROJECT_COLUMNS) if f.id == "project_name")
    assert model.setData(model.index(0, va), "1,250.5")
    assert model.data(model.index(0, va)) == "1,250.5"
    assert model.error(0, va) == ""
    assert model.data(model.index(0, va), Qt.ItemDataRole.BackgroundRole) is None
    assert model.setData(model.index(0, va), "12万元")  # the same message as the Excel import
    assert model.error(0, va) == "“12万元”带有文字或单位“万元”：请只填数字，按“万元”计"
    assert model.data(model.index(0, va), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.error(0, name) == "“新上项目名称”是必填项"  # the row has data, the name is blank
    assert model.error(1, name) == ""  # a blank row is not an error
    model.remove_row(1)
    assert model.rowCount() == 1
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.rowCount(model.index(0, 0)) == 0
    assert not model.index(0, 0).parent().isValid()
    assert model.rowCount(QModelIndex()) == 1

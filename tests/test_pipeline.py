"""`mujun assess` end to end: JSON contract, results and error workbooks, store, publish."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import main
from forms import pipeline
from forms.publish import PublishError, publish
from forms.store import SAVING, Store
from rules.assess import assess
from rules.profile import load
from rules.record import make_record
from tests.conftest import credit_code
from tests.fixtures import messy_workbook, park

AS_OF = "2026-11-22"
PROFILE = load("huangyan-2022")


def test_json_follows_the_contract(tmp_path: Path) -> None:
    src = tmp_path / "messy.xlsx"
    messy_workbook(src)
    out = tmp_path / "out.json"
    assert main(["assess", str(src), "--no-store", "--as-of", AS_OF, "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["profile"] == {"id": "huangyan-2022", "version": "2022.1",
                               "sha256": PROFILE.sha256}
    assert data["as_of"] == AS_OF
    rows = data["enterprises"]
    assert [r["row"] for r in rows] == [5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18]  # file order
    ok = rows[0]
    assert ok["sheet"] == "企业数据" and ok["status"] == "ok" and ok["errors"] == []
    for key in ("credit_code", "name", "year", "mujun", "green_channel", "sme", "rectification",
                "digital"):
        assert key in ok
    assert set(ok["mujun"]) >= {"cohort", "reason", "score", "class", "class_basis", "indicators"}
    assert set(ok["mujun"]["indicators"]) == {"tax_per_mu", "value_added_per_mu",
                                              "value_added_per_energy", "value_added_per_emission",
                                              "labour_productivity", "rd_ratio"}
    assert set(ok["mujun"]["indicators"]["tax_per_mu"]) >= {"value", "benchmark", "ratio", "weight",
                                                            "points"}
    assert ok["mujun"]["indicators"]["tax_per_mu"]["value"] == pytest.approx(14.0)
    assert [g["project"] for g in ok["green_channel"]] == ["智能产线", "扩建车间"]
    assert set(ok["green_channel"][0]) >= {"intensity_equal", "intensity_equiv", "basis", "eligible",
                                           "reasons"}
    assert ok["green_channel"][1]["eligible"] is False  # exactly 0.52
    assert set(ok["sme"]) >= {"rules", "tier", "size", "criteria"} and ok["sme"]["rules"] == "miit-2026"
    assert set(ok["rectification"]) >= {"in_scope", "flagged", "reasons"}
    assert set(ok["digital"]) >= {"level", "eligible"}
    bad = rows[4]
    assert bad["status"] == "invalid" and "mujun" not in bad
    assert bad["errors"] == [{"field": "land_mu", "column": "用地面积(亩)",
                              "message": "“10亩”带有文字或单位“亩”：请只填数字，按“亩”计"}]
    incomplete = next(r for r in rows if r["row"] == 8)
    assert {"field": "energy_equal_tce", "message": "亩均效益计分缺少“综合能耗（等价值）”"} \
        in incomplete["warnings"]
    assert data["rejected_projects"][0]["row"] == 5


def test_percentile_classes_from_the_batch_and_the_store(tmp_path: Path) -> None:
    src = park(tmp_path / "p.xlsx", 12)
    res: list = []
    out = pipeline.run(src, PROFILE, date(2026, 11, 22), on_result=res.append)
    assert out.assessed == 12 and sum(out.classes.values()) == 12
    assert {r.mujun["class_basis"] for r in res} == {"percentile"}
    assert [r.mujun["population"] for r in res] == [12] * 12
    # with a store: the population is every stored firm of the year, after the commit
    s = Store(tmp_path / "db.sqlite3")
    pipeline.run(park(tmp_path / "a.xlsx", 6, seed=1), PROFILE, date(2026, 11, 22), store=s)
    first = {r["credit_code"]: r for r in s.results(2024, PROFILE.id)}
    assert {r["class"] for r in first.values()} == {None}  # 6 < 10 firms, no cut-offs
    other = tmp_path / "b.xlsx"
    wb = load_workbook(park(tmp_path / "tmp.xlsx", 12, seed=2))
    ws = wb.active
    for row in ws.iter_rows(min_row=2):  # different firms
        row[1].value = credit_code(900 + row[0].row)
    wb.save(other)
    pipeline.run(other, PROFILE, date(2026, 11, 22), store=s)
    stored = s.results(2024, PROFILE.id)
    assert len(stored) == 18 and {r["population"] for r in stored} == {18}
    assert all(r["class"] in "ABCD" for r in stored)


def test_a_stored_firm_tree_can_be_rebuilt_with_its_cohort(tmp_path: Path) -> None:
    s = Store(tmp_path / "db.sqlite3")
    src = park(tmp_path / "p.xlsx", 15)
    pipeline.run(src, PROFILE, date(2026, 11, 22), store=s)
    row = s.results(2024, PROFILE.id)[3]
    rec = s.record(row["credit_code"], 2024)
    stats = s.cohort_stats(PROFILE.id, 2024, row["cohort"])
    again = assess(rec, PROFILE, date(2026, 11, 22), cohort=stats)
    assert again.mujun["class"] == row["class"] and again.mujun["rank"] == row["rank"]
    assert again.mujun["score"] == pytest.approx(row["score"])
    assert again.trees["mujun"].find("class").outcome.value == "met"


def test_error_report_marks_bad_cells(tmp_path: Path) -> None:
    src = tmp_path / "messy.xlsx"
    messy_workbook(src)
    rep = tmp_path / "err.xlsx"
    assert main(["assess", str(src), "--no-store", "--errors-xlsx", str(rep)]) == 0
    wb = load_workbook(rep)
    ws = wb["企业数据"]
    head = [c.value for c in ws[1]]
    assert head[:2] == ["错误说明", "原行号"] and "错误说明" not in head[2:]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=2)}
    assert set(rows) == {10, 11, 12, 13, 14, 15, 16, 17, 18}
    land = rows[10][head.index("用地面积(亩)")]
    assert land.value == "10亩" and land.fill.fgColor.rgb.endswith("FFC7CE")
    assert "单位“亩”" in land.comment.text
    assert rows[18][head.index("实缴税金（万元）")].value == "#VALUE!"
    assert "用地面积(亩)：" in rows[10][0].value
    assert "新上项目" in wb.sheetnames


def test_publish_overlay_reproduces_the_park_ranking(tmp_path: Path) -> None:
    s = Store(tmp_path / "db.sqlite3")
    pipeline.run(park(tmp_path / "p.xlsx", 40), PROFILE, date(2026, 11, 22), store=s)
    with pytest.raises(PublishError, match="2023"):
        publish(s, PROFILE, 2023, tmp_path / "x.yaml")
    out = publish(s, PROFILE, 2024, tmp_path / "园区2024.yaml", today=date(2025, 3, 1), park="示例园区")
    overlay = load(out)
    assert overlay.chain == ("zhejiang", "huangyan-2022", overlay.id)
    records = list(s.iter_records([2024]))
    # the benchmarks are the ones the park ranked by (huangyan-2022's, of data year 2022) …
    used = overlay.param("mujun.above_scale.tax_per_mu.benchmark").for_year(2024, None)
    assert used.value == 24.097 and used.data_year == 2022
    a, b, c = (overlay.value(f"mujun.above_scale.cutoff_{x}") for x in "abc")
    assert a >= b >= c
    ref = overlay.param("mujun.above_scale.cutoff_a").for_year(2024, None)
    assert ref.data_year == 2024
    assert ref.source.title == "示例园区 2024 年度排名结果（40 家企业，2025-03-01）"
    text = out.read_text(encoding="utf-8")
    assert "园区规上企业亩均税收平均值" in text and "仅供参照" in text
    from rules.assess import assess_population
    # … so a firm self-checking with the park's file gets the class the park gave it
    park_classes = {r.record.credit_code: r.mujun["class"]
                    for r in assess_population(records, PROFILE, date(2026, 11, 22))}
    alone = {r.credit_code: assess(r, overlay, date(2026, 11, 22)).mujun["class"] for r in records}
    assert alone == park_classes
    assert sum(1 for v in park_classes.values() if v) >= 30
    assert main(["rules", "--check", str(out)]) == 0


def test_records_from_json_round_trip_through_the_store(tmp_path: Path) -> None:
    s = Store(tmp_path / "db.sqlite3")
    r = make_record({"name": "甲", "credit_code": credit_code(1), "year": 2024, "titles": ["创新型", "小巨人"],
                     "sci_award": False, "rd_institution": "省级", "employees": 12, "land_mu": 3.5})
    s.commit_import([r], "x", "x", 0)
    back = s.record(credit_code(1), 2024)
    assert back.values == r.values


def test_the_counts_say_whose_classes_they_are(tmp_path: Path) -> None:
    """A file ranked alone: 评估 N 家 and its classes; a second file of the same year is ranked
    with the stored firms, so its sentence says the classes are the whole ranking's. Either
    way the classes and 未分类 add up to the firms ranked (none left out of the sum)."""
    store = Store(tmp_path / "m.sqlite3")
    try:
        first = pipeline.run(park(tmp_path / "a.xlsx", 40), PROFILE, date(2026, 11, 22),
                             store=store)
        sentence = first.counts()
        assert sentence.startswith("评估 40 家：") and "本文件" not in sentence
        second = pipeline.run(park(tmp_path / "b.xlsx", 12, first=900, seed=3), PROFILE,
                              date(2026, 11, 22), store=store)
    finally:
        store.close()
    sentence = second.counts()
    assert sentence.startswith("评估本文件 12 家；与数据库中同年度的企业一起排名，共 52 家：")
    counted = [int(n) for n in re.findall(r"(\d+) 家", sentence.split("：", 1)[1])]
    assert sum(counted) == 52 == second.population
    # a firm without a class is counted in words, not dropped from the sum
    second.classes = {"A": 10, "B": 30}
    assert second.counts().endswith("：A 类 10 家，B 类 30 家，未分类 12 家")


class _Stop(Exception):
    pass


def test_a_cancel_pressed_at_the_end_is_heard(tmp_path: Path) -> None:
    """A cancel turns into an exception at the next progress report (``Operation``). A
    cancel pressed once 评估完成 100 % shows, while the rankings are stored, is heard at the
    import's last report, SAVING, inside its transaction: the store stays as it was. (Before,
    no report came after 评估完成: the import completed although 取消 was pressed.)"""
    src = park(tmp_path / "p.xlsx", 12)
    pressed = []

    def progress(done: int, total: int, stage: str) -> None:
        if pressed:
            raise _Stop(stage)
        if stage == "评估完成":
            pressed.append(stage)  # the user presses 取消 now

    store = Store(tmp_path / "m.sqlite3")
    try:
        with pytest.raises(_Stop, match=SAVING):
            pipeline.run(src, PROFILE, date(2026, 11, 22), store=store, progress=progress)
        assert store.count() == 0 and store.batches() == [] and store.commits == 0
        assert store.results(2024, PROFILE.id) == []
        heard: list[str] = []
        pipeline.run(src, PROFILE, date(2026, 11, 22), store=store,
                     progress=lambda d, t, s: heard.append(s))
        assert heard[-2:] == ["评估完成", SAVING] and store.commits == 1  # SAVING is the last
        assert store.count() == 12
    finally:
        store.close()


def test_the_check_foresees_what_the_commit_counts_as_unchanged(tmp_path: Path) -> None:
    """The check's preview (``unchanged_keys``) and the commit count the same firm-years as
    unchanged, stored firms given projects by a project sheet included (they were previewed
    as 更新 while the commit found them unchanged)."""
    from openpyxl import load_workbook

    from forms.importer import dry_run

    store = Store(tmp_path / "m.sqlite3")
    try:
        pipeline.run(park(tmp_path / "p.xlsx", 3), PROFILE, date(2026, 11, 22), store=store)
        stored_firm = credit_code(500)

        def with_projects(path: Path) -> Path:
            park(path, 1, first=900)  # a new firm, and two projects of a stored one
            wb = load_workbook(path)
            ws = wb.create_sheet("新上项目")
            ws.append(["统一社会信用代码", "数据年度", "项目名称", "达产年工业增加值（万元）"])
            for name in ("甲", "乙"):
                ws.append([stored_firm, 2024, name, 100])
            wb.save(path)
            return path

        counts = []
        for name in ("a.xlsx", "b.xlsx"):
            imp = dry_run(with_projects(tmp_path / name), stored=store.stored_keys)
            foreseen = pipeline.unchanged_keys(imp, store)
            out = pipeline.run(tmp_path / name, PROFILE, date(2026, 11, 22), store=store,
                               imported=imp)
            c = out.committed
            assert c is not None and c.unchanged == len(foreseen)
            counts.append((sorted(foreseen), c.inserted, c.replaced, c.unchanged))
    finally:
        store.close()
    assert counts == [([], 1, 1, 0),  # the firm is new; the stored one gets its projects
                      (sorted([(credit_code(900), 2024), (stored_firm, 2024)]), 0, 0, 2)]

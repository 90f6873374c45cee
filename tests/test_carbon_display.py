"""工业碳效 shown everywhere the other five assessments are (issue 16): the desktop's card and
tab, the firm report (a line on page 1 and part six), the park summary (grades and levels,
how the industry averages were obtained, the highest intensities), the results workbook's
columns and 说明 sheet, and 结果一览's 碳效 column — all from the sample park, whose firms show
every level and grade 1–5, a level without a grade and no level at all.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt

from desktop.cli import main
from desktop.models import (
    CARBON_LEVELS,
    NOT_ASSESSED,
    ResultsModel,
    ResultsProxy,
    carbon_text,
    read_extras,
    result_text,
    used_columns,
)
from desktop.pages.results import FLAGS
from desktop.reports.batch import Job, file_name, render_batch
from desktop.reports.firm import write_firm_report
from desktop.reports.summary import ParkSummary, write_park_summary
from desktop.widgets.result_panel import ResultPanel
from forms import pipeline
from forms.excel.export import CARBON_HEADS
from forms.store import Store
from rules.assess import EnterpriseResult
from rules.profile import load
from tests.conftest import ROOT

SAMPLE = ROOT / "resources" / "sample" / "sample-park.xlsx"
PROFILE = load("huangyan-2022")
AS_OF = date(2026, 11, 22)
YEAR = 2025
INTENSITY = "吨二氧化碳/万元"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages(pdf: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(pdf).pages]


def two(x: float) -> str:
    """A figure as the reports print it: rounded, trailing zeros dropped (0.50 → 0.5)."""
    return f"{x:.2f}".rstrip("0").rstrip(".")


def four(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


class Park:
    def __init__(self, results: list[EnterpriseResult], outcome: pipeline.Outcome):
        self.results, self.outcome = results, outcome

    def first(self, status: str, fuel: bool = False) -> EnterpriseResult:
        return next(r for r in self.results if r.carbon["status"] == status and
                    (not fuel or r.record.natural_gas_10k_m3))


@pytest.fixture(scope="module")
def park() -> Park:
    results: list[EnterpriseResult] = []
    outcome = pipeline.run(SAMPLE, PROFILE, AS_OF, on_result=results.append)
    return Park(results, outcome)


def test_the_sample_park_shows_every_level_and_grade(park: Park) -> None:
    """What the views below rely on: all three levels, grades 1–5, a level without a grade
    and firms without a level."""
    carbon = [r.carbon for r in park.results]
    assert {c["level"] for c in carbon} == {*CARBON_LEVELS, None}
    assert {c["grade"] for c in carbon} == {1, 2, 3, 4, 5, None}
    assert {c["status"] for c in carbon} == {"graded", "level_only", "unknown"}


# ----------------------------------------------------------------------------- desktop


def tree_labels(panel: ResultPanel) -> list[str]:
    tree = panel.trees["carbon"]
    top = tree.topLevelItem(0)
    return [top.text(0).split("\n")[0],
            *(top.child(i).text(0).split("\n")[0] for i in range(top.childCount()))]


def test_card_and_tab_say_level_grade_and_why(qtbot, park: Park) -> None:
    panel = ResultPanel()
    qtbot.addWidget(panel)
    tabs = [panel.tabs.tabText(i) for i in range(panel.tabs.count())]
    assert "碳效" in tabs and tabs.index("碳效") == tabs.index("数字化认定") + 1
    card = panel.cards["carbon"]

    graded = park.first("graded")
    c = graded.carbon
    panel.show_result(graded)
    assert card.main.text() == f"{c['level']} · {c['grade']} 级"
    assert card.detail.text() == (f"碳排放强度 {two(c['intensity'])} 吨二氧化碳/万元，为行业平均的 "
                                  f"{two(c['k'])} 倍")
    labels = tree_labels(panel)
    assert labels[0] == "工业碳效"
    assert {"二氧化碳排放量", f"碳效等级：{c['level']}", f"碳效级别：{c['grade']} 级",
            "结果应用"} <= set(labels)

    only = park.first("level_only")
    panel.show_result(only)
    assert card.main.text() == f"{only.carbon['level']}（未定级）"
    assert only.carbon["reason"] in card.detail.text()
    assert "不足 5 家" in card.detail.text()  # why there is no grade, in words

    unknown = park.first("unknown")
    panel.show_result(unknown)
    assert card.main.text() == "未知"
    assert card.detail.text() == "缺少工业增加值，无法计算碳排放强度"
    assert "碳效等级（按碳排放强度）" in tree_labels(panel)

    panel.clear()
    assert card.main.text() == "—" and panel.trees["carbon"].topLevelItemCount() == 0


def test_six_cards_fit_the_panel_at_1366_and_1920(qtbot, park: Park) -> None:
    """Beside the form at 1366 px the panel is about 700 px wide: two rows of three; at
    1920 px one row of six. No card is squeezed below a readable width."""
    panel = ResultPanel()
    qtbot.addWidget(panel)
    r = park.first("level_only")  # the longest reason on the card, and a long name
    panel.show_result(replace(r, record=r.record.replace(name="超长名称的企业" * 20)))
    panel.resize(700, 700)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(50)
    grid = panel.card_grid
    where = {k: grid.getItemPosition(grid.indexOf(c))[:2] for k, c in panel.cards.items()}
    assert panel.card_columns == 3 and where["carbon"] == (1, 2) and where["mujun"] == (0, 0)
    widths = [c.width() for c in panel.cards.values()]
    assert min(widths) >= 180 and sum(widths[:3]) <= panel.width()
    assert all(c.geometry().right() <= panel.width() for c in panel.cards.values())
    panel.resize(1300, 700)
    qtbot.wait(50)
    where = {k: grid.getItemPosition(grid.indexOf(c))[:2] for k, c in panel.cards.items()}
    assert panel.card_columns == 6 and where["carbon"] == (0, 5)
    assert all(c.geometry().right() <= panel.width() for c in panel.cards.values())


# ----------------------------------------------------------------------------- firm report


def test_firm_report_line_on_page_one_and_part_six(tmp_path: Path, park: Park) -> None:
    r = park.first("graded", fuel=True)
    c = r.carbon
    text = [squeeze(p) for p in pages(write_firm_report(r, tmp_path / "g.pdf"))]
    one, rest = text[0], "".join(text[1:])
    # page 1: level, grade, intensity with unit, the industry average and where it came from
    assert (f"工业碳效碳效等级{c['level']}·{c['grade']}级碳排放强度{four(c['intensity'])}吨二氧化碳/万元，"
            f"行业平均{four(c['industry_average'])}吨二氧化碳/万元（本批同行业{c['industry_firms']}家企业）"
            f"，为其{two(c['k'])}倍") in one
    # part six: CO₂ per carrier with its factor and document, the intensity, level, grade
    body = rest[rest.index("六、工业碳效"):rest.index("依据的政策文件")]
    electricity = r.record.electricity_10k_kwh * 10 * 0.4974
    gas_factor = 389.31 * 15.3 * 0.99 * 44 / 12 / 1000  # the guideline's natural-gas defaults
    gas = r.record.natural_gas_10k_m3 * gas_factor
    assert f"二氧化碳排放量{two(c['co2_t'])}吨" in body
    assert re.search(rf"外购电力[\d.]+万千瓦时×0\.4974千克二氧化碳/千瓦时（浙江省2023年度电力平均排放因子）"
                     rf"={two(electricity)}吨\[\d+\]", body)
    assert re.search(rf"天然气[\d.]+万立方米×{four(gas_factor)}吨二氧化碳/万立方米（低位发热量389\.31"
                     rf"吉焦/万立方米×含碳量15\.3吨碳/太焦×氧化率0\.99×44/12）={two(gas)}吨\[\d+\]", body)
    assert (f"{two(c['co2_t'])}吨÷工业增加值{four(r.record.value_added)}万元="
            f"{four(c['intensity'])}吨二氧化碳/万元") in body
    assert f"碳效等级：{c['level']}（低≤0.6<中≤2<高）" in body
    assert f"本企业为其{four(c['k'])}倍（1级≤0.6、2级≤0.8、3级≤1.2、4级≤2，其余5级）" in body
    assert "分级数值取自标准出台前的湖州办法，标准原表本软件未见" in body
    assert "浙江省2025年度电力平均二氧化碳排放因子尚未公布，暂按2023年度的0.4974" in body
    listing = rest[rest.index("编号文件引用的条款可信度"):]
    for title in ("关于发布2023年电力二氧化碳排放因子的公告", "工业其他行业企业温室气体排放核算方法与报告指南",
                  "湖州市工业碳效码评价办法"):
        assert title in listing, title


def test_firm_report_says_why_there_is_no_grade_or_no_level(tmp_path: Path, park: Park) -> None:
    only = park.first("level_only")
    one = squeeze(pages(write_firm_report(only, tmp_path / "l.pdf"))[0])
    assert f"工业碳效{only.carbon['level']}（未定级）碳排放强度{four(only.carbon['intensity'])}" in one
    assert squeeze(only.carbon["reason"]) in one
    unknown = park.first("unknown")
    text = [squeeze(p) for p in pages(write_firm_report(unknown, tmp_path / "u.pdf"))]
    assert "工业碳效未知缺少工业增加值，无法计算碳排放强度" in text[0]
    assert "碳排放强度无法计算，没有碳效等级和级别" in text[0]  # what the missing data changed
    rest = "".join(text[1:])
    body = rest[rest.index("六、工业碳效：未知"):rest.index("依据的政策文件")]
    # the reason said once, then the level and grade cannot be set
    assert body.count("缺少工业增加值，无法计算碳排放强度") == 1
    assert re.search(r"碳效等级（按碳排放强度）：无法确定\[\d+\]", body)
    assert re.search(r"碳效级别（与行业平均之比）：无法确定(\[\d+\])+", body)


def read_all(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), squeeze("".join(p.extract_text() for p in reader.pages[1:]))


def test_every_report_stays_within_five_pages_and_cites_numbered_documents(
        tmp_path: Path, park: Park) -> None:
    """Replaces tests/test_report_firm.py::test_sources_are_numbered_documents_the_tables_cite
    (at most 16 documents): 碳效 cites up to four more (the electricity factor's notice, the
    national guideline, the 湖州 method, DB33/T 1347), so a report cites up to 20. Every report
    of the park, with the population's industry averages as ``mujun assess --pdf-dir`` renders
    them, still has page 1 and at most four pages after it."""
    out = park.outcome
    jobs = [Job(r.values, tuple(p.values for p in r.projects),
                out.cohorts.get(out.cohort_of.get((r.credit_code, r.year), ())),
                carbon=out.carbon) for r in out.batch]
    errors: list[str] = []
    paths = render_batch(jobs, tmp_path, PROFILE.ref, AS_OF, processes=2, chunk=8, errors=errors)
    assert not errors and len(paths) == 273
    with ProcessPoolExecutor(2) as pool:
        read = dict(zip(map(Path, paths), pool.map(read_all, paths, chunksize=8)))
    assert max(n for n, _ in read.values()) <= 5
    titles = {s.title for s in PROFILE.sources.values()}
    counts = []
    for r in park.results[::3]:
        _, text = read[tmp_path / file_name(r.record.credit_code, r.record.year)]
        head, _, listing = text.partition("编号文件引用的条款可信度")
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", head)}
        listed = [int(n) for n in re.findall(r"\[(\d+)\]", listing)]
        assert cited and listed[:len(cited)] == list(range(1, len(cited) + 1)), r.record.name
        assert cited == set(range(1, max(listed) + 1)), r.record.name  # none listed uncited
        assert 5 <= len(cited) <= 20
        assert any(squeeze(t) in listing for t in titles)
        counts.append(len(cited))
    assert max(counts) > 14  # 碳效's documents are among them


# ----------------------------------------------------------------------------- park summary


def test_summary_part_on_carbon(tmp_path: Path, park: Park) -> None:
    s = ParkSummary(PROFILE, AS_OF)
    for r in park.results:
        s.add(r)
    carbon = [r.carbon for r in park.results]
    grid = Counter((f"{c['grade']} 级" if c["grade"] else "未定级" if c["level"] else "无法计算",
                    c["level"] or "无法计算") for c in carbon)
    assert {(k, x): n for k, row in s.carbon_grid.items() for x, n in row.items()} == dict(grid)
    pdf = write_park_summary(s, tmp_path / "s.pdf")
    text = pages(pdf)
    body = squeeze("".join(text))
    first = squeeze(text[0])
    high = sum(1 for c in carbon if c["level"] == "高")
    fifth = sum(1 for c in carbon if c["grade"] == 5)
    assert f"碳效“高”{high}家（碳效等级为“高”）碳效级别5级{fifth}家" in first
    assert "碳效：" not in first  # the factor note is said in the part on 碳效
    part = body[body.index("八、工业碳效"):body.index("九、未参加分类的企业及原因")]
    assert "（一）碳效级别与等级分布" in part and "碳效等级“低”" in part  # table and chart
    for grade in range(1, 6):
        row = [grid.get((f"{grade} 级", x), 0) for x in CARBON_LEVELS]
        assert f"{grade}级{''.join(map(str, row))}{sum(row)}" in part
    graded = sum(1 for c in carbon if c["grade"] is not None)
    only = sum(1 for c in carbon if c["grade"] is None and c["level"])
    unknown = sum(1 for c in carbon if c["level"] is None)
    assert f"行业平均碳排放强度：{graded}家按本批同行业企业的行业平均定级；{only}家所在行业" in part
    assert f"{unknown}家无法计算碳排放强度（缺少工业增加值，无法计算碳排放强度{unknown}家）" in part
    assert f"外购电力按浙江省2023年度电力平均二氧化碳排放因子{len(carbon)}家计算" in part
    assert f"※注意：浙江省2025年度电力平均二氧化碳排放因子尚未公布，暂按2023年度的0.4974千克二氧化碳/千瓦时计算（{len(carbon)}家）" in part
    averages = {(c["division"], c["industry_average"], c["industry_firms"]) for c in carbon
                if c["basis"] == "population"}
    for division, value, firms in averages:
        assert f"{division:02d}" in part and f"{value:.4f}本批同行业{firms}家企业计算" in part
    top = sorted((c for c in carbon if c["intensity"] is not None),
                 key=lambda c: -c["intensity"])[:10]
    assert "（三）碳排放强度最高的10家企业" in part
    shown = re.findall(r"(\d+\.\d{4})高5级", part)
    assert [float(x) for x in shown] == [round(c["intensity"], 4) for c in top]


def test_summary_of_stored_results_without_carbon_says_so(tmp_path: Path, park: Park) -> None:
    """Results stored before 碳效 was assessed carry none: said, not counted as unknown."""
    stored = [r.to_json(trees=False) for r in park.results[:20]]
    old = ParkSummary(PROFILE, AS_OF)
    for x in stored:
        old.add_stored({k: v for k, v in x.items() if k != "carbon"})
    body = squeeze("".join(pages(write_park_summary(old, tmp_path / "old.pdf"))))
    assert "八、工业碳效汇总所用的结果不含工业碳效的结论" in body
    mixed = ParkSummary(PROFILE, AS_OF)
    for n, x in enumerate(stored):
        mixed.add_stored(x if n % 2 else {k: v for k, v in x.items() if k != "carbon"})
    body = squeeze("".join(pages(write_park_summary(mixed, tmp_path / "mixed.pdf"))))
    assert "另有10家企业的已存结果不含碳效结论" in body
    assert mixed.carbon_known == 10


# ----------------------------------------------------------------------------- workbook


def test_results_workbook_columns_and_notes(tmp_path: Path) -> None:
    out, js = tmp_path / "r.xlsx", tmp_path / "r.json"
    assert main(["assess", str(SAMPLE), "--no-store", "--as-of", AS_OF.isoformat(),
                 "--xlsx", str(out), "--json", str(js)]) == 0
    entries = [e for e in json.loads(js.read_text(encoding="utf-8"))["enterprises"] if "carbon" in e]
    wb = load_workbook(out)
    ws = wb["评估结果"]
    head = [c.value for c in ws[1]]
    at = head.index("可申报数字化认定") + 1
    assert tuple(head[at:at + 5]) == CARBON_HEADS  # after the digital columns
    last_printed = ws.print_area.split(":")[-1].rstrip("0123456789").lstrip("$")
    assert head.index(CARBON_HEADS[0]) > ws[last_printed + "1"].column - 1  # the screen part
    rows = {r[head.index("统一社会信用代码")].value: r for r in ws.iter_rows(min_row=2)}
    seen = Counter()
    for e in entries:
        c, row = e["carbon"], rows[e["credit_code"]]
        cells = [row[head.index(h)] for h in CARBON_HEADS]
        grade = f"{c['grade']} 级" if c["grade"] else "未定级" if c["level"] else "未知"
        assert [x.value for x in cells] == [
            c["co2_t"], c["intensity"], c["level"] or "未知", grade,
            c["industry_average"] if c["grade"] else None], e["name"]
        assert cells[0].number_format == "#,##0.00"
        if c["intensity"] is not None:
            assert cells[1].number_format == "#,##0.0000"
        if c["grade"] is not None:
            assert cells[4].number_format == "#,##0.0000"
        said = row[head.index("说明")].value or ""
        if c["grade"] is None:
            assert f"碳效：{c['reason']}" in said  # why no grade, in words
        seen[grade] += 1
    assert set(seen) == {"1 级", "2 级", "3 级", "4 级", "5 级", "未定级", "未知"}
    notes = {r[0].value: r[1].value for r in wb["说明"].iter_rows() if r[0].value}
    factor = squeeze(notes["碳效排放因子"])
    assert f"外购电力按浙江省2023年度电力平均二氧化碳排放因子（{len(entries)}家）计算" in factor
    averages = squeeze(notes["碳效行业平均"])
    graded = sum(1 for e in entries if e["carbon"]["grade"] is not None)
    assert averages.startswith(f"{graded}家按本批同行业企业的行业平均定级；{seen['未定级']}家所在行业")
    assert f"{seen['未知']}家无法计算碳排放强度" in averages and "DB33/T1347—2023原表本软件未见" in averages


# ----------------------------------------------------------------------------- 结果一览


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> list[tuple]:
    db = tmp_path_factory.mktemp("store") / "db.sqlite3"
    assert main(["assess", str(SAMPLE), "--db", str(db), "--as-of", AS_OF.isoformat()]) == 0
    store = Store(db)
    try:
        return read_extras(store, YEAR, PROFILE.id, store.browse(YEAR, PROFILE.id))
    finally:
        store.close()


def test_results_table_shows_sorts_and_filters_carbon(qtmodeltester, stored: list[tuple]) -> None:
    model = ResultsModel(stored)
    model.set_columns(used_columns(stored))
    qtmodeltester.check(model)
    col = model.column("carbon")
    assert col > model.column("digital_level") and \
        model.headerData(col, Qt.Orientation.Horizontal) == "碳效"
    texts = Counter(model.data(model.index(i, col)) for i in range(model.rowCount()))
    assert {"低·1级", "中·3级", "高·5级", "未知"} <= set(texts)
    assert any(t.endswith("·未定级") for t in texts)
    i = next(i for i in range(model.rowCount()) if model.data(model.index(i, col)) == "未知")
    assert model.data(model.index(i, col), Qt.ItemDataRole.ToolTipRole) == \
        "缺少工业增加值，无法计算碳排放强度"
    i = next(i for i in range(model.rowCount()) if model.data(model.index(i, col)) == "高·5级")
    tip = model.data(model.index(i, col), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("碳排放强度 ") and "碳效级别 5 级（为行业平均的 " in tip
    proxy = ResultsProxy()
    proxy.setSourceModel(model)
    proxy.sort(col, Qt.SortOrder.AscendingOrder)
    order = [result_text(proxy.row(r), "carbon") for r in range(proxy.rowCount())]
    assert order[0] == "低·1级" and order[-1] == "未知"
    grades = [int(m.group(1)) for t in order if (m := re.search(r"(\d)级", t))]
    assert grades == sorted(grades)
    proxy.set_filter(FLAGS["碳效等级为“高”"])
    assert proxy.rowCount() == sum(n for t, n in texts.items() if t.startswith("高")) > 0


def test_results_stored_before_carbon_read_as_not_assessed(stored: list[tuple]) -> None:
    row = stored[0][:-1] + ((None,) * 6,)  # what read_extras gives for a result without carbon
    assert carbon_text(row[-1]) == NOT_ASSESSED == result_text(row, "carbon")
    model = ResultsModel([row])
    model.set_columns(used_columns([row]))
    tip = model.data(model.index(0, model.column("carbon")), Qt.ItemDataRole.ToolTipRole)
    assert "重新评估" in tip

"""The documents an official and a park act on (issue 14): the park summary, the 公示 list and
the 一企一单 data-confirmation sheets, made from the sample park run through the pipeline — from
the import (with its rejected rows) and from the stored results (as 结果一览 makes it).

Table cells wrap, and pypdf reads a wrapped row line by line across the columns; the text of
each column is therefore read on its own (``columns``) where a whole name must be found."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from desktop.cli import main
from desktop.context import AppContext
from desktop.mainwindow import MainWindow
from desktop.reports.notices import write_confirmations, write_notice
from desktop.reports.summary import FROM_STORE, ParkSummary, write_park_summary
from desktop.settings import Settings
from desktop.widgets import outcome
from forms import pipeline
from forms.store import SAMPLE, Store
from rules.assess import EnterpriseResult
from rules.engine import Ctx
from rules.profile import load
from tests import fixtures
from tests.conftest import ROOT
from tests.test_desktop_results import AS_OF as RESULTS_AS_OF
from tests.test_desktop_results import imported, results, wait_idle
from tests.test_wording import SEED_FILE, code_catalogue, findings

SAMPLE_PARK = ROOT / "resources" / "sample" / "sample-park.xlsx"
PROFILE = load("huangyan-2022")
AS_OF = date(2026, 3, 1)
YEAR = 2025  # the sample park's data year


@dataclass
class Park:
    results: list[EnterpriseResult]
    rejected: list  # the rows the import refused
    from_import: Path
    from_store: Path
    store_summary: ParkSummary
    pools: dict[str, str]  # credit code → ranking pool
    tmp: Path


@pytest.fixture(scope="module")
def park(tmp_path_factory: pytest.TempPathFactory) -> Park:
    """The sample park imported as the sample (its own ranking pool), summarised twice: from
    the import as it runs, and from the store afterwards."""
    tmp = tmp_path_factory.mktemp("summary")
    results: list[EnterpriseResult] = []
    summary = ParkSummary(PROFILE, AS_OF)

    def keep(r: EnterpriseResult) -> None:
        results.append(r)
        summary.add(r, sample=True)  # as the sample park is loaded: its own ranking pool

    store = Store(tmp / "mujun.db")
    try:
        outcome = pipeline.run(SAMPLE_PARK, PROFILE, AS_OF, store=store, on_result=keep,
                               kind=SAMPLE)
        summary.reject_import(outcome.imported)
        rows = store.browse(YEAR, PROFILE.id)
        pools = {r[0]: r[-1] for r in rows}
        stored = ParkSummary(PROFILE.identity(), AS_OF, note="全部示例企业")
        for s, _, identity in store.stored_summaries(PROFILE.id, [(r[0], YEAR) for r in rows]):
            stored.add_stored(s, identity, pools[s["credit_code"]])
    finally:
        store.close()
    return Park(results, outcome.imported.invalid,
                write_park_summary(summary, tmp / "import.pdf"),
                write_park_summary(stored, tmp / "store.pdf"), stored, pools, tmp)


@lru_cache(maxsize=32)
def text(pdf: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(pdf).pages)


def chunks(page) -> list[tuple[int, int, int, str]]:
    """(x, -y, order, text) of every piece of text drawn on ``page``."""
    out: list[tuple[int, int, int, str]] = []

    def seen(t: str, cm: list, tm: list, *_: object) -> None:
        if t.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((round(x), -round(y), len(out), t.replace("\n", "")))

    page.extract_text(visitor_text=seen)
    return out


@lru_cache(maxsize=64)
def columns(pdf: Path, pages: range | None = None) -> str:
    """Every page's text column by column (top to bottom within a column), without line breaks:
    a name wrapped inside a table cell reads whole."""
    reader = PdfReader(pdf)
    return "\n".join("".join(t for *_, t in sorted(chunks(reader.pages[n])))
                     for n in (pages if pages is not None else range(len(reader.pages))))


def rejected_name(row) -> str:
    """The name a refused row gives its firm (project rows: the project's name)."""
    fid = "project_name" if row.kind == "project" else "name"
    col = row.columns.get(fid)
    value = row.checked.values.get(fid) or (row.cells[col] if col is not None else None)
    return str(value) if value not in (None, "") else "（未能读出）"


# ----------------------------------------------------------------------------- the summary


def test_summary_of_the_import_names_the_year_and_every_firm_to_act_on(park: Park) -> None:
    pages = PdfReader(park.from_import).pages
    first = pages[0].extract_text()
    assert f"{YEAR} 年度工业企业亩均效益评价汇总" in first
    assert "sample" not in first and ".xlsx" not in first
    assert "台州市黄岩区亩均效益评价（2021、2022 年度基准值）（版本 2022.1）" in first
    cols = columns(park.from_import)
    d_class = [r.record.name for r in park.results if r.mujun["class"] == "D"]
    assert len(d_class) == 14
    assert all(name in cols for name in d_class), [n for n in d_class if n not in cols]
    # every refused row by its firm's name, and how many there were
    assert len(park.rejected) == 19
    names = [rejected_name(row) for row in park.rejected]
    assert all(name in cols for name in names), [n for n in names if n not in cols]
    assert "导入时被拒绝的行" in first and "19 行" in first
    assert FROM_STORE not in text(park.from_import)
    # the lists an official acts on
    flagged = [r.record.name for r in park.results if r.rectification["flagged"]]
    assert flagged and all(n in cols for n in flagged)
    short = [r.record.name for r in park.results
             if r.sme["next_tier"] and len(r.sme["criteria"]) == 1]
    assert short and all(n in cols for n in short)
    ungraded = [r for r in park.results if r.mujun["status"] != "scored"]
    assert len(ungraded) == 20 and all(r.record.name in cols for r in ungraded)
    assert all(r.mujun["reason"].replace(" ", "") in re.sub(r"\s+", "", cols) for r in ungraded)
    projects = [g["project"] for r in park.results for g in r.green_channel]
    assert len(projects) == 58 and all(p in cols for p in projects)


def test_summary_shows_the_distribution_with_shares(park: Park) -> None:
    first = PdfReader(park.from_import).pages[0].extract_text()
    above = Counter(r.mujun["class"] for r in park.results if r.mujun["cohort"] == "above_scale")
    total = sum(above.values())
    assert total == 213
    for k in "ABCD":
        assert f"{above[k]}\n{above[k] / total * 100:.1f}%" in first, k
    assert "A 类（优先发展类）" in first  # the chart's legend, in the profile's words


def test_summary_ranks_each_cohort_with_units(park: Park) -> None:
    body = text(park.from_import)
    annex = body[body.index("附表：各组企业排名"):]
    heads = columns(park.from_import)
    assert "亩均税收（万元/亩）" in heads and "R&D经费占比（%）" in heads
    assert "单位电耗税收（万元/万千瓦时）" in heads  # the 规下 cohort's own indicators
    # every scored firm once, in rank order (rank/cohort size)
    assert [int(n) for n in re.findall(r"(?m)^(\d+)/212\b", annex)] == list(range(1, 213))
    assert [int(n) for n in re.findall(r"(?m)^(\d+)/41\b", annex)] == list(range(1, 42))
    first = min((r for r in park.results if r.mujun.get("rank") == 1
                 and r.mujun["cohort"] == "above_scale"), key=lambda r: r.mujun["score"])
    cols = columns(park.from_import)
    assert first.record.name in cols
    tax = first.mujun["indicators"]["tax_per_mu"]["value"]
    assert f"{tax:,.1f}" in annex or f"{tax:,.2f}" in annex


def test_summary_prints_no_internal_text(park: Park) -> None:
    codes = code_catalogue()
    for pdf in (park.from_import, park.from_store):
        reader = PdfReader(pdf)
        body = text(pdf)
        assert not findings(body, codes)
        assert "http" not in body and not SEED_FILE.search(body)
        assert "sha256" not in body and PROFILE.id not in body
        # the profile's check code: once, at the very end, for audit
        assert body.count(PROFILE.sha256) == 1
        last = reader.pages[-1].extract_text()
        assert PROFILE.sha256 in last
        assert last.rfind(PROFILE.sha256) > last.rfind("/41")  # after the last ranked firm
        assert all(PROFILE.sha256 not in p.extract_text() for p in reader.pages[:-1])
        assert "编制单位" in body and "审核" in body and "日期" in body


def test_summary_from_the_store_says_rejected_rows_are_not_stored(park: Park) -> None:
    body = text(park.from_store)
    assert FROM_STORE in body
    first = PdfReader(park.from_store).pages[0].extract_text()
    key_figures = columns(park.from_store, range(1))
    assert "未记录（汇总由已存结果生成）" in key_figures
    assert "0 行" not in first
    # the sample park is said to be synthetic in the title area
    assert "本汇总的企业全部是示例园区的企业（合成数据）" in re.sub(r"\n", "", first)
    assert f"{YEAR} 年度工业企业亩均效益评价汇总" in first and "范围说明：全部示例企业" in first
    assert "A 类（优先发展类）" in first  # class words from the profile the identity names
    # the same firms and lists as from the import: D class with reasons, breakdowns with names
    cols = columns(park.from_store)
    assert all(r.record.name in cols for r in park.results if r.mujun["class"] == "D")

    def section(body: str, start: str, end: str) -> str:
        part = body[body.index(start):body.index(end)]
        return "\n".join(line for line in part.splitlines() if "评价汇总" not in line
                         and "自评估算汇总" not in line and not re.match(r"第 \d+ 页", line))

    from_import = text(park.from_import)
    assert section(body, "三、D 类企业", "四、") == section(from_import, "三、D 类企业", "四、")
    assert "27 医药制造业" in body and "33 金属制品业" in body
    assert "遂昌县" in body and "示例园区一区" in body
    assert park.store_summary.samples == park.store_summary.firms == 273


def test_summary_from_the_command_line_and_from_stored_results(tmp_path: Path) -> None:
    """The command line (titled by data year, not by the file's name) and stored results as
    结果一览 reads them (``add_stored``: places and industries known)."""
    out = tmp_path / "cli.pdf"
    assert main(["assess", str(SAMPLE_PARK), "--no-store", "--as-of", AS_OF.isoformat(),
                 "--summary-pdf", str(out)]) == 0
    first = PdfReader(out).pages[0].extract_text()
    assert str(YEAR) in first and "亩均效益评价汇总" in first and "sample-park" not in first
    assert "#DIV/0!" in text(out)  # the refused rows, as the command line passes them
    db = tmp_path / "db.sqlite3"
    assert main(["assess", str(SAMPLE_PARK), "--db", str(db), "--as-of", AS_OF.isoformat()]) == 0
    store = Store(db)
    try:
        summary = ParkSummary(PROFILE, AS_OF)
        for stored, _, identity in store.stored_summaries(
                PROFILE.id, [(r[0], YEAR) for r in store.browse(YEAR, PROFILE.id)]):
            summary.add_stored(stored, identity)
    finally:
        store.close()
    body = text(write_park_summary(summary, tmp_path / "page.pdf"))
    assert f"{YEAR} 年度" in body and FROM_STORE in body
    assert "示例园区一区" in body  # the breakdown by park, from the stored identities


# ----------------------------------------------------------------------------- 公示 list


def rows_of(pdf: Path) -> list[tuple[int, str, str]]:
    """(page, name, class) of every table row of the 公示 list, in order."""
    reader = PdfReader(pdf)
    out = []
    for n, page in enumerate(reader.pages):
        lines: dict[int, dict[int, str]] = {}
        for x, y, _, t in chunks(page):
            line = lines.setdefault(-y, {})
            line[x] = line.get(x, "") + t
        for y in sorted(lines, reverse=True):
            cells = [lines[y][x] for x in sorted(lines[y])]
            if len(cells) == 3 and cells[0].isdigit() and re.fullmatch(r"[ABCD] 类", cells[2]):
                out.append((n, cells[1], cells[2][0]))
    return out


def test_notice_lists_every_graded_firm_once_by_class_without_scores(park: Park,
                                                                     tmp_path: Path) -> None:
    names = Ctx(PROFILE, AS_OF).v("mujun.class_names")
    out = write_notice(park.results, tmp_path / "公示.pdf", place="", class_names=names)
    body = text(out)
    assert f"{YEAR} 年度工业企业亩均效益综合评价结果公示" in body
    assert "排名不分先后" in body and "公示期" in body
    graded = {(r.record.name, r.mujun["class"]) for r in park.results if r.mujun["class"]}
    rows = rows_of(out)
    assert len(rows) == len(graded) == 253
    assert {(name, k) for _, name, k in rows} == graded
    assert len({name for _, name, _ in rows}) == len(rows)  # each firm once
    # by class then name within each cohort, never by score
    above = [(k, name) for _, name, k in rows[:212]]
    assert above == sorted(above)
    assert not re.search(r"\d+\.\d+", body)  # no score, no figure
    assert all(f"{r.mujun['score']:.2f}" not in body for r in park.results if r.mujun["score"])
    assert "另有 20 家企业未参加分类" in body
    assert not findings(body, code_catalogue()) and "http" not in body


def test_notice_says_when_its_firms_are_synthetic(park: Park, tmp_path: Path) -> None:
    from desktop.reports.summary import Stored

    sample = [Stored(r.to_json(trees=False), pool=SAMPLE) for r in park.results[:30]]
    body = text(write_notice(sample, tmp_path / "n.pdf", YEAR, place="黄岩区",
                             period="2026 年 4 月 1 日至 4 月 7 日", issuer="黄岩区经信局"))
    assert "黄岩区2025 年度工业企业亩均效益综合评价结果公示" in body
    assert "仅供演示，不得作为正式公示" in body
    assert "2026 年 4 月 1 日至 4 月 7 日" in body and "黄岩区经信局" in body


# ----------------------------------------------------------------------------- 一企一单


def test_confirmation_sheets_one_page_per_firm_with_its_figures(park: Park,
                                                                tmp_path: Path) -> None:
    out = write_confirmations(park.results, tmp_path / "一企一单.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) == len(park.results) == 273
    with_project = next(i for i, r in enumerate(park.results) if r.record.projects)
    for i in (0, 1, with_project, len(park.results) - 1):
        rec = park.results[i].record
        page = columns(out, range(i, i + 1))
        assert rec.name in page and rec.credit_code in page
        assert f"{rec.tax:,}".rstrip("0").rstrip(".") in page if rec.tax else "未填报" in page
        assert f"{rec.land_mu:,}".rstrip("0").rstrip(".") in page
        assert "实缴税金（万元）" in page and "实际用地面积（亩）" in page
        assert "企业（盖章）" in page and "经办人（签字）" in page and "日期" in page
        assert "确认（✔）或更正为" in page
        for p in rec.projects:
            assert p.project_name in page
    sampled = "\n".join(reader.pages[i].extract_text() for i in range(0, len(reader.pages), 9))
    assert not findings(sampled, code_catalogue())


def test_confirmation_sheet_names_what_was_left_blank(tmp_path: Path) -> None:
    from rules.record import make_record

    rec = make_record({"name": "星河机械有限公司", "credit_code": "91331003MA0000162W", "year": 2024,
                       "land_mu": 30.0, "tax": 300.5})
    body = columns(write_confirmations([rec], tmp_path / "one.pdf"))
    assert "星河机械有限公司" in body and "300.5" in body
    assert body.count("未填报") >= 10  # every 亩均 figure it lacks, listed to be filled in
    assert "以下数据未填报" in body and "研发人员数" in body


# ----------------------------------------------------------------------------- from the window


def sections(pdf: Path) -> str:
    """A park summary's text from 一、 up to 七、 (the parts a stored summary and the command
    line's agree on until 结果一览 passes place, pool and the digital result), without page
    headers and footers."""
    body = text(pdf)
    part = body[body.index("一、分组与分类"):body.index("七、数字化认定候选企业")]
    return "\n".join(line for line in part.splitlines() if line.strip()
                     and "亩均效益评价汇总" not in line and "自评估算汇总" not in line
                     and not (line.startswith("第 ") and "页" in line))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "数据 文件夹"
    monkeypatch.setenv("MUJUN_DATA_DIR", str(d))
    return d


@pytest.fixture
def window(data_dir: Path, qtbot) -> MainWindow:
    win = MainWindow(AppContext(Settings(as_of=RESULTS_AS_OF)))
    qtbot.addWidget(win)
    win.show()
    return win


def test_park_summary_from_the_window(window: MainWindow, tmp_path: Path, qtbot,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """tests/test_desktop_results.py's test of the same name, with the summary's new sections
    (it cut the text at 七、导入时被拒绝的行, now 九、)."""
    opened: list[Path] = []
    monkeypatch.setattr(outcome, "open_path", lambda p: opened.append(Path(p)) or True)
    imported(qtbot, window, fixtures.park(tmp_path / "park.xlsx", 40))
    page = results(qtbot, window)
    assert page.summary_button.isEnabled() and not page.outcome.isVisibleTo(page)
    out = tmp_path / "汇总" / "园区亩均效益评价汇总_2024年度.pdf"
    page.summary_to(out)
    wait_idle(qtbot, page)
    assert out.exists() and not out.with_name(out.name + ".part").exists()
    pdf = PdfReader(out)
    assert len(pdf.pages) >= 2
    body = text(out)
    first = pdf.pages[0].extract_text()
    assert "2024 年度" in first and "亩均效益评价汇总" in first and "40 家" in first
    assert FROM_STORE in body  # made from stored results: the refused rows are not known
    cli = tmp_path / "cli.pdf"
    assert main(["assess", str(tmp_path / "park.xlsx"), "--db", str(tmp_path / "cli.sqlite3"),
                 "--as-of", RESULTS_AS_OF, "--summary-pdf", str(cli)]) == 0
    assert sections(out) == sections(cli) and "三、D 类企业" in sections(out)
    assert page.outcome.isVisibleTo(page)
    assert page.outcome.label.text().startswith("已生成园区汇总（40 家企业；")
    qtbot.mouseClick(page.outcome.open_file, Qt.MouseButton.LeftButton)
    assert opened == [out]
    page.filters["class"].setCurrentIndex(page.filters["class"].findData("A"))
    n = page.proxy.rowCount()
    part = tmp_path / "A类.pdf"
    page.summary_to(part)
    wait_idle(qtbot, page)
    assert f"当前筛选 {n} 家" in text(part)


def test_summary_of_real_and_sample_firms_ranks_them_apart(park: Park, tmp_path: Path) -> None:
    summary = ParkSummary(PROFILE, AS_OF)
    scored = [r for r in park.results if r.mujun["cohort"] == "above_scale"][:20]
    for n, r in enumerate(scored):
        summary.add(r, sample=n % 2 == 0)
    body = text(write_park_summary(summary, tmp_path / "mixed.pdf"))
    assert "本汇总含 10 家示例园区的企业（合成数据）：它们只在示例企业之间排名" in body.replace("\n", "")
    assert "规上企业（10 家）" in body and "规上企业（示例企业，单独排名）（10 家）" in body

"""PDF reports: the text a reader sees, embedded fonts, hostile names, overflow, batches."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.cli import main
from desktop.reports import batch as batch_module
from desktop.reports.batch import Job, file_name, render_batch
from desktop.reports.firm import write_firm_report
from desktop.reports.summary import ParkSummary, write_park_summary
from forms.store import Store
from forms.workers import WorkerDied
from rules.assess import assess, assess_population
from rules.profile import load
from rules.record import make_record
from tests.conftest import credit_code
from tests.test_pipeline import park
from tests.test_rule_cases import BASES

AS_OF = date(2026, 11, 22)
PROFILE = load("huangyan-2022")
CUTOFFS = load(Path(__file__).parent / "profiles" / "park-cutoffs")


def text_of(path: Path) -> str:
    """All text of the PDF with white space removed (CJK wraps anywhere)."""
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))


def firm(**kw):
    values = {**BASES["sme"], **BASES["digital"], **BASES["bench22"], **kw}
    return make_record(values, [{"credit_code": values["credit_code"], "year": 2024,
                                 "project_name": "智能产线", "project_value_added": 1800,
                                 "project_electricity_10k_kwh": 900, "region_dual_control": "是"}])


def test_every_font_in_the_file_is_embedded(tmp_path: Path) -> None:
    out = write_firm_report(assess(firm(), PROFILE, AS_OF), tmp_path / "r.pdf")
    fonts = {}
    for page in PdfReader(out).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            f = ref.get_object()
            fonts[str(f["/BaseFont"])] = f
    assert fonts
    for name, f in fonts.items():
        desc = f["/FontDescriptor"].get_object()
        assert "/FontFile2" in desc, name  # an embedded TrueType stream
        assert "WenQuanYi" in name


def test_hostile_names_print_literally(tmp_path: Path) -> None:
    name = "A&B <Co> <b>x</b> 有限公司"
    out = write_firm_report(assess(firm(name=name, park="<font>园区</font>"), PROFILE, AS_OF),
                            tmp_path / "r.pdf")
    text = text_of(out)
    assert re.sub(r"\s+", "", name) in text and "<font>园区</font>" in text


def test_a_long_firm_overflows_cleanly(tmp_path: Path) -> None:
    rec = firm()
    many = [{"credit_code": rec.credit_code, "year": 2024, "project_name": f"项目{i:02d}",
             "project_value_added": 100 + i, "project_energy_equal_tce": 40 + i} for i in range(40)]
    long = make_record(rec.values, many)
    short_pages = len(PdfReader(write_firm_report(assess(rec, PROFILE, AS_OF), tmp_path / "a.pdf")).pages)
    out = write_firm_report(assess(long, PROFILE, AS_OF), tmp_path / "b.pdf")
    reader = PdfReader(out)
    assert len(reader.pages) > short_pages
    text = text_of(out)
    assert all(f"项目{i:02d}" in text for i in range(40))
    last = re.sub(r"\s+", "", reader.pages[-1].extract_text())
    assert f"第{len(reader.pages)}页共{len(reader.pages)}页" in last


def test_park_summary(tmp_path: Path) -> None:
    recs = [firm(credit_code=credit_code(i), name=f"企业{i}", tax=100.0 + 300 * i) for i in range(12)]
    summary = ParkSummary(PROFILE.identity(), AS_OF, title="示例园区汇总")
    for r in assess_population(recs, PROFILE, AS_OF):
        summary.add(r)
    summary.reject("企业数据", 9, "实缴税金：单元格是错误值“#DIV/0!”")
    out = write_park_summary(summary, tmp_path / "s.pdf")
    text = text_of(out)
    assert "示例园区汇总" in text and "A类最低" in text and "亩均税收" in text
    assert "#DIV/0!" in text and PROFILE.sha256 in text
    assert sum(summary.cohorts["above_scale"].values()) == 12


def test_batch_across_processes_with_progress_and_cancel(tmp_path: Path) -> None:
    recs = [firm(credit_code=credit_code(i), name=f"企业{i}") for i in range(6)]
    jobs = [Job(r.values, tuple(p.values for p in r.projects), None) for r in recs]
    seen: list[tuple[int, int]] = []
    paths = render_batch(jobs, tmp_path / "pdf", PROFILE.ref, AS_OF, processes=2, chunk=1,
                         progress=lambda d, t: seen.append((d, t)))
    assert sorted(p.name for p in paths) == sorted(file_name(r.credit_code, 2024) for r in recs)
    assert seen[-1] == (6, 6)
    assert "企业3" in text_of(tmp_path / "pdf" / file_name(credit_code(3), 2024))
    stop = render_batch(jobs * 4, tmp_path / "cancel", PROFILE.ref, AS_OF, processes=2, chunk=1,
                        cancelled=lambda: True)
    assert 1 <= len(stop) < 24


def test_cli_assess_writes_pdfs_and_report_rebuilds_one(tmp_path: Path) -> None:
    src = park(tmp_path / "p.xlsx", 12)
    db = tmp_path / "db.sqlite3"
    assert main(["assess", str(src), "--db", str(db), "--as-of", "2026-11-22", "--pdf-dir",
                 str(tmp_path / "pdf"), "--summary-pdf", str(tmp_path / "sum.pdf")]) == 0
    files = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert len(files) == 12 and (tmp_path / "sum.pdf").exists()
    store = Store(db)
    row = store.results(2024, PROFILE.id)[0]
    store.close()
    one = tmp_path / "one.pdf"
    assert main(["report", row["credit_code"], "--year", "2024", "--pdf", str(one), "--db", str(db),
                 "--as-of", "2026-11-22"]) == 0
    text = text_of(one)
    assert f"{row['class']}类" in text and "同年度同类企业12家中排名第" in text
    assert main(["report", credit_code(4242), "--year", "2024", "--pdf", str(one), "--db", str(db)]) == 2


def test_characters_the_font_lacks_are_shown_by_code_and_said(tmp_path: Path) -> None:
    """𠀀 𪚥 (CJK Extension B) and emoji are not in the bundled font: printed as 〔U+…〕 and said
    once per document, never vanishing (issue 20)."""
    from pypdf import PdfReader

    from desktop.reports.layout import glyph_warning
    from rules.assess import assess
    from tests.test_rule_cases import _record

    rec = _record({"base": "bench22"}, {"name": "𠀀𪚥科技😀有限公司"}, "91350100M000100Y43")
    pdf = write_firm_report(assess(rec, PROFILE, AS_OF), tmp_path / "glyphs.pdf")
    text = PdfReader(pdf).pages[0].extract_text()
    assert "〔U+20000〕〔U+2A6A5〕科技〔U+1F600〕有限公司" in text
    assert glyph_warning().startswith("内置字体缺少字符 U+1F600、U+20000、U+2A6A5")
    write_firm_report(assess(_record({"base": "bench22"}, {}, "91350100M000100Y43"), PROFILE,
                             AS_OF), tmp_path / "plain.pdf")
    assert glyph_warning() == ""  # per document


def _dying_render(jobs: list[Job]) -> list[tuple[str, str]]:
    """A PDF worker killed (out of memory) when it reaches 企业4."""
    import os

    if any(j.values["name"] == "企业4" for j in jobs):
        os._exit(9)
    return _RENDER(jobs)


_RENDER = batch_module._render


def test_a_pdf_worker_that_dies_is_said_with_what_was_written(tmp_path: Path,
                                                              monkeypatch) -> None:
    """Not a BrokenProcessPool traceback: the reports written before are counted (each is
    whole, on disk) and the rest said not written."""
    monkeypatch.setattr(batch_module, "_render", _dying_render)  # forked workers inherit it
    recs = [firm(credit_code=credit_code(i), name=f"企业{i}") for i in range(6)]
    jobs = [Job(r.values, tuple(p.values for p in r.projects), None) for r in recs]
    with pytest.raises(WorkerDied) as err:
        render_batch(jobs, tmp_path / "pdf", PROFILE.ref, AS_OF, processes=1, chunk=1,
                     start_method="fork")
    assert err.value.zh == ("后台生成 PDF 的进程意外退出（可能是内存不足或被系统结束）：已生成 4 份报告（完整的），"
                            "其余 2 份未生成。请关闭其他程序后重试")
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == \
        sorted(file_name(credit_code(i), 2024) for i in range(4))

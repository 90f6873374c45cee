"""The firm report as a boss and an official read it (issue 14), for every firm of the sample
park: page 1 is the verdict — class or the reason for none, its meaning, the rank, each
assessment's verdict, the actions with amounts and units; at most four pages follow; the
sources are numbered documents; nothing internal prints (seed file names, web addresses,
codes, the profile hash before the last page); no line starts with a closing mark; no heading
ends a page and no middle page is left mostly blank.
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Table

from desktop.reports import firm
from desktop.reports.batch import Job, file_name, render_batch
from desktop.reports.firm import write_firm_report
from desktop.reports.layout import MARGINS, Grid, Text, break_lines, line_rules
from forms import pipeline
from forms.firm import SAMPLE_NOTE
from rules.assess import DISCLAIMER, EnterpriseResult, assess
from rules.assessments.digital import RECOGNITIONS
from rules.assessments.sme import TIER_NAMES
from rules.profile import load
from rules.wording import CLASS_IMPLICATIONS
from tests.conftest import ROOT

SAMPLE = ROOT / "resources" / "sample" / "sample-park.xlsx"
PROFILE = load("huangyan-2022")
AS_OF = date(2026, 11, 22)
NAMES = PROFILE.value("mujun.class_names", AS_OF)
PROFILE_IDS = [p.name for p in (ROOT / "rules" / "profiles").iterdir() if p.is_dir()]
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{8,}")
SNAKE = re.compile(r"[A-Za-z]+_[A-Za-z_]+")
# an amount with its unit after what to change (实缴税金增加 60.32 万元, 提高 1.26 个百分点)
ACTION = re.compile(r"(增加|减少|提高|降低)[\d.]+(万元|吨标准煤|千当量|万千瓦时|个百分点|人|项|年|分)")
CLOSING = "，。、；：？！）》」』】〕］｝〉”’…％"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def read_back(job: tuple[Path, bool]) -> tuple[int, list[str]]:
    """(pages, the text of page 1 — or of every page when asked): pypdf reads about five
    pages a second, so every page of every report would take minutes."""
    path, every = job
    pages = PdfReader(path).pages
    return len(pages), [p.extract_text() for p in (pages if every else pages[:1])]


@dataclass
class Park:
    results: list[EnterpriseResult]
    count: dict[str, int]  # credit code → pages
    pages: dict[str, list[str]]  # credit code → the text of page 1, or of every page (``full``)
    full: set[str]  # the firms read back whole: one of every kind of result, every 7th firm


def kind(r: EnterpriseResult) -> tuple:
    m = r.mujun
    return m["cohort"], m["status"], m["class"], bool(r.green_channel), r.sme["tier"]


@pytest.fixture(scope="module")
def park(tmp_path_factory: pytest.TempPathFactory) -> Park:
    """The sample park through the pipeline (no store), every report rendered by the batch on
    two processes as ``mujun assess --pdf-dir`` does, and read back with pypdf: page 1 and the
    page count of every report, every page of at least 60 covering every kind of result."""
    results: list[EnterpriseResult] = []
    outcome = pipeline.run(SAMPLE, PROFILE, AS_OF, on_result=results.append)
    jobs = [Job(r.values, tuple(p.values for p in r.projects),
                outcome.cohorts.get(outcome.cohort_of.get((r.credit_code, r.year), ())),
                outcome.manual.get((r.credit_code, r.year)), outcome.carbon)
            for r in outcome.batch]
    out = tmp_path_factory.mktemp("reports")
    errors: list[str] = []
    paths = render_batch(jobs, out, PROFILE.ref, AS_OF, processes=2, chunk=8, errors=errors)
    assert not errors and len(paths) == len(results) == 273
    seen: dict[tuple, int] = {}
    full = set()
    for n, r in enumerate(results):
        seen[kind(r)] = seen.get(kind(r), 0) + 1
        if seen[kind(r)] == 1 or n % 7 == 0:
            full.add(r.record.credit_code)
    assert len(full) >= 60
    todo = [(out / file_name(r.record.credit_code, r.record.year), r.record.credit_code in full)
            for r in results]
    with ProcessPoolExecutor(2) as pool:
        read = list(pool.map(read_back, todo, chunksize=4))
    codes = [r.record.credit_code for r in results]
    return Park(results, {c: n for c, (n, _) in zip(codes, read)},
                {c: t for c, (_, t) in zip(codes, read)}, full)


def expected_verdicts(r: EnterpriseResult) -> list[str]:
    """Each assessment's verdict as page 1 must say it, from the result's own figures."""
    m, s, rect, d = r.mujun, r.sme, r.rectification, r.digital
    out = [f"{m['class']}类（{NAMES[m['class']]}）" if m["class"] else
           {"incomplete": "数据不全", "no_weights": "不能计分"}.get(m["status"]) or
           {"excluded": "不分类", "out_of_scope": "不参评"}.get(m["cohort"], "暂未分类")]
    greens = r.green_channel
    out.append(f"{sum(1 for g in greens if g['eligible'])}/{len(greens)}个项目可享受" if greens
               else "无新上项目")
    out.append("不适用" if s["size"] == "large" else TIER_NAMES[s["tier"]])
    out.append("可能列入整治清单" if rect["flagged"] else "不在整治摸排范围"
               if rect["in_scope"] is False else "无法完全判断" if rect["unknown"] or
               rect["in_scope"] is None else "未发现整治情形")
    out += [RECOGNITIONS[x] for x in d["eligible"]] or ["暂无可申报的认定"]
    return [squeeze(x) for x in out]


def test_the_park_covers_every_kind_of_result(park: Park) -> None:
    kinds = {(r.mujun["cohort"], r.mujun["status"], r.mujun["class"]) for r in park.results}
    for want in [("above_scale", "scored", c) for c in "ABCD"] + \
            [("below_scale", "scored", "B"), ("excluded", "not_graded", None),
             ("above_scale", "incomplete", None), ("out_of_scope", "not_graded", None)]:
        assert want in kinds, want


def test_page_one_is_the_verdict_for_every_firm(park: Park) -> None:
    problems = []
    for r in park.results:
        one = squeeze(park.pages[r.record.credit_code][0])
        m = r.mujun
        want = [squeeze(r.record.name), r.record.credit_code, f"{r.record.year}年度数据",
                squeeze(DISCLAIMER), *expected_verdicts(r)]
        if m["class"]:
            want += [f"{m['class']}类", NAMES[m["class"]],
                     squeeze(CLASS_IMPLICATIONS[m["class"]])[:20]]
            if m.get("rank"):
                want.append(f"{m['population']}家规{'上' if m['cohort'] == 'above_scale' else '下'}"
                            f"企业中排名第{m['rank']}名")
            if m["class"] != "A" and not ACTION.search(one):
                problems.append(f"{r.record.name}: no action with an amount and unit")
            if m.get("lift") and f"升至{m['lift']['target_class']}类" not in one:
                problems.append(f"{r.record.name}: the action does not say what it brings")
        else:
            want.append(squeeze(m["reason"]))  # the reason for no class
            if "措施" not in one:
                problems.append(f"{r.record.name}: no actions section")
        if r.missing_inputs:
            want.append(f"缺少{len(r.missing_inputs)}项")
        problems += [f"{r.record.name}: page 1 lacks {w!r}" for w in want if w not in one]
        if park.count[r.record.credit_code] > 5:
            problems.append(f"{r.record.name}: {park.count[r.record.credit_code]} pages")
    assert not problems, problems[:10]


def internal(text: str) -> list[str]:
    """Seed file names, web addresses, snake_case codes and profile ids in ``text``."""
    found = [m.group() for pattern in (SEED_FILE, SNAKE) for m in pattern.finditer(text)]
    flat = squeeze(text).lower()
    return found + [w for w in ("http", "chacewang", "sha256", ".txt", *PROFILE_IDS) if w in flat]


def test_nothing_internal_prints(park: Park) -> None:
    """Every page of the reports read back whole; the hash on the last page only, with the
    profile's version."""
    problems = []
    for r in park.results:
        if r.record.credit_code not in park.full:
            continue
        pages = park.pages[r.record.credit_code]
        assert len(pages) == park.count[r.record.credit_code]
        for n, page in enumerate(pages, start=1):
            problems += [f"{r.record.name} p{n}: {x}" for x in internal(page)]
            if n < len(pages) and PROFILE.sha256[:16] in squeeze(page):
                problems.append(f"{r.record.name} p{n}: the hash before the last page")
        last = squeeze(pages[-1])
        if f"配置校验码{PROFILE.sha256}" not in last or "版本2022.1" not in last:
            problems.append(f"{r.record.name}: no version and checksum on the last page")
    assert not problems, problems[:10]


def story_text(f: object) -> list[str]:
    """Every text a story's flowable prints (cells, paragraphs, chart labels)."""
    if isinstance(f, Text):
        return [f.text]
    if isinstance(f, Paragraph):
        return [f.getPlainText()]
    if isinstance(f, Grid):
        return [p.text for row in f.rows for cell in row for p in cell]
    if isinstance(f, Table):
        return [x for row in f._cellvalues for c in row
                for p in (c if isinstance(c, (list, tuple)) else [c])
                for x in ([p] if isinstance(p, str) else story_text(p))]
    if isinstance(f, KeepInFrame):
        return [x for p in f._content for x in story_text(p)]
    if isinstance(f, firm.RatioChart):
        return [name for name, _, _ in f.rows] + f.labels + [f.note]
    return []


def test_nothing_internal_in_any_report_of_the_park(park: Park) -> None:
    """Every firm's whole story (what the pages print, but the running header and footer),
    in memory: pypdf reads back only part of the park."""
    problems = []
    for r in park.results:
        for f in firm.story(r, "园区", "1", AS_OF, with_appendix=True):
            problems += [f"{r.record.name}: {x}" for t in story_text(f) for x in internal(t)]
    assert not problems, problems[:10]


def test_sample_firms_are_ranked_among_the_sample(tmp_path: Path, park: Park) -> None:
    r = next(x for x in park.results if x.mujun.get("rank"))
    r = replace(r, notes=[*r.notes, SAMPLE_NOTE])
    one = squeeze(page_texts(write_firm_report(r, tmp_path / "s.pdf"))[0])
    assert f"排名第{r.mujun['rank']}名，只在示例企业之间排名" in one


def test_issuer_number_date_and_sign_off(tmp_path: Path, park: Park) -> None:
    r = park.results[0]
    pdf = write_firm_report(r, tmp_path / "i.pdf", issuer="黄岩经济开发区管委会",
                            report_no="HY-2026-0007", date=date(2026, 12, 1))
    one = squeeze(page_texts(pdf)[0])
    for want in ("编号：HY-2026-0007", "日期：2026-12-01", "出具单位：黄岩经济开发区管委会（盖章）",
                 "经办人："):
        assert want in one, want
    plain = squeeze(page_texts(write_firm_report(r, tmp_path / "p.pdf"))[0])
    assert "盖章" not in plain and "编号：" not in plain


def test_the_appendix_prints_every_criterion(tmp_path: Path) -> None:
    """Replaces tests/test_reports.py::test_firm_report_shows_identity_class_every_criterion_
    and_the_hash: every criterion of every tier is now the appendix's, on request."""
    from tests.test_reports import CUTOFFS
    from tests.test_reports import firm as firm_record

    result = assess(firm_record(tax=2000.0), CUTOFFS, AS_OF)
    short = write_firm_report(result, tmp_path / "short.pdf")
    full = write_firm_report(result, tmp_path / "full.pdf", appendix=True)
    pages = page_texts(full)
    text = squeeze("".join(pages))
    assert result.record.name in text and result.record.credit_code in text
    assert f"{result.mujun['class']}类" in text
    assert CUTOFFS.sha256 in squeeze(pages[-1]) and CUTOFFS.sha256 not in squeeze(
        "".join(pages[:-1]))
    nodes = [n for t in [*result.trees.values(), *result.project_trees] for n in t.walk()]
    missing = {squeeze(n.label) for n in nodes} - {x for x in (squeeze(n.label) for n in nodes)
                                                    if x in text}
    assert not missing, sorted(missing)[:5]
    assert all(p.project_name in text for p in result.record.projects)
    assert len(pages) > len(PdfReader(short).pages)
    assert "附录一梯度培育全部条件" in text and "附录一" not in squeeze("".join(page_texts(short)))


def test_the_chart_shows_the_real_ratio_and_says_when_a_bar_is_cut(tmp_path: Path,
                                                                    park: Park) -> None:
    r = next(x for x in park.results
             if any((i.get("ratio") or 0) > 3 for i in x.mujun["indicators"].values()))
    big = max(i["ratio"] for i in r.mujun["indicators"].values() if i.get("ratio"))
    pages = page_texts(write_firm_report(r, tmp_path / "c.pdf"))
    detail = squeeze("".join(pages[1:3]))
    assert f"{big * 100:.0f}%（超出图幅）" in detail
    assert "标注的是实际比值" in detail
    overlay = tmp_path / "cap"
    overlay.mkdir()
    (overlay / "profile.yaml").write_text(
        "profile:\n  id: cap-test\n  name: 封顶测试\n  version: '1'\n  base: huangyan-2022\n"
        "  county: 黄岩区\n  effective: 2022-01-01\nsources:\n  t:\n    title: 测试办法\n"
        "parameters:\n  mujun.cap: {value: 2, unit: 比例, effective: 2021-01-01, source: t, "
        "clause: 单项比值封顶 200%}\n", encoding="utf-8")
    capped = assess(r.record, load(overlay), AS_OF)
    detail = squeeze("".join(page_texts(write_firm_report(capped, tmp_path / "d.pdf"))[1:3]))
    assert "（计分封顶200%）" in detail and "计分时比值封顶200%" in detail


def _lines(f: object) -> list[str]:
    """The wrapped continuation lines of every text in ``f`` (a first line may start with a
    mark such as ？ 未知)."""
    if isinstance(f, Text):
        return [x for part in f.text.split("\n")
                for x in break_lines(part, max(f._at or 1.0, 1.0), f.style.fontSize,
                                     f.style.fontName)[1:]]
    if isinstance(f, Paragraph) and hasattr(f, "blPara"):
        out = []
        for ln in f.blPara.lines[1:]:
            out.append("".join(getattr(w, "text", "") for w in ln.words) if hasattr(ln, "words")
                       else "".join(ln[1]))
        return out
    if isinstance(f, Grid):
        return [x for row in f.rows for cell in row for p in cell for x in _lines(p)]
    if isinstance(f, Table):
        return [x for row in f._cellvalues for c in row
                for p in (c if isinstance(c, (list, tuple)) else [c]) for x in _lines(p)]
    if isinstance(f, KeepInFrame):
        return [x for p in f._content for x in _lines(p)]
    return []


class _Recorder(SimpleDocTemplate):
    """Where each flowable landed: page and the height still free below it."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), pagesize=(210 * mm, 297 * mm), **MARGINS)
        self.placed: list[tuple[int, object, float]] = []

    def afterFlowable(self, flowable: object) -> None:
        if self.frame is not None:
            self.placed.append((self.page, flowable, self.frame._y - self.frame._y1p))


def test_layout_no_closing_mark_starts_a_line_no_heading_ends_a_page(park: Park) -> None:
    problems = []
    for r in park.results[::4]:
        story = firm.story(r)
        doc = _Recorder()
        doc.build(list(story))
        for f in story:
            problems += [f"{r.record.name}: line starts {x[:12]!r}" for x in _lines(f)
                         if x and x[0] in CLOSING]
        placed = [(p, f, free) for p, f, free in doc.placed if f.__class__.__name__ != "NeedRoom"]
        for (page, f, _), (nxt, _, _) in pairwise(placed):
            if isinstance(f, Text) and f.style.name in ("sec", "sub") and nxt != page:
                problems.append(f"{r.record.name}: heading {f.text!r} ends page {page}")
        free = {}
        for page, _, left in placed:
            free[page] = left
        height = 297 * mm - MARGINS["topMargin"] - MARGINS["bottomMargin"]
        problems += [f"{r.record.name}: page {p} is {left / height:.0%} empty"
                     for p, left in free.items() if 1 < p < doc.page and left > 0.3 * height]
    assert not problems, problems[:10]


def test_break_lines_keeps_marks_numbers_and_brackets_in_place() -> None:
    assert "，" in line_rules() and "；" in line_rules()  # reportlab's lists were taught too
    text = "实缴税金增加 160.98 万元（现有的 187.9%），提高亩均税收；单位排放增加值 4929.81 万元/千当量。"
    for width in range(45, 400, 3):
        lines = break_lines(text, float(width), 8)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), width
        for a, b in pairwise(lines):
            assert b[0] not in CLOSING, (width, lines)
            assert a[-1] not in "（《“", (width, lines)
            # a number is cut only when it is longer than a line
            assert not (re.search(r"[\d.]$", a) and re.match(r"[\d.%]", b)), (width, lines)

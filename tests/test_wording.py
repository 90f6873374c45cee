"""What users read is in their language (issue 19 point 7): every result of the sample park goes
through every text path a person reads — the CLI explanation, the JSON's human strings, the PDF
firm reports and park summary, the results workbook, the desktop's result trees, cards and
results table — and no raw code of the code catalogue, no other lower-case English word, and
no ratio printed as a bare decimal may show.

The catalogue of codes is built from the code (schema choices and keys, field ids, node ids,
status and cohort codes …), so a code added later is checked without editing this file. Both
rule sets of the SME ladder are covered: the sample park is assessed on a date under the 2026
rules and on the day before they apply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.reports.firm import write_firm_report
from desktop.reports.summary import ParkSummary, write_park_summary
from desktop.textview import result_lines
from forms import pipeline
from forms.excel.export import RESULT_HEADERS
from forms.store import Store
from rules.assess import EnterpriseResult, assess
from rules.assessments import digital, green_channel, mujun, rectification, sme
from rules.catalogue import ENTERPRISE_FIELDS, PROJECT_FIELDS
from rules.engine import Outcome
from rules.profile import load
from rules.schema import BY_KEY, COHORT_INDICATORS, INDICATOR_NAMES, RATIO, SPECS
from rules.units import EQUAL, EQUIV
from tests.conftest import ROOT

SAMPLE = ROOT / "resources" / "sample" / "sample-park.xlsx"
PROFILE = load("huangyan-2022")
# The 2026 SME rules, and the day before they apply (the 2022 rules: there only the SME ladder
# differs, so fewer firm reports are rendered).
DATES = (date(2026, 11, 22), date(2026, 3, 31))
PDF_FIRMS = 15  # firm reports at most per date, chosen to cover every kind of result (``spread``)

# ----------------------------------------------------------------------------- the catalogue

# Codes that live in the assessments as string literals rather than constants.
CLASS_BASES = ("percentile", "cutoffs")
RULE_SETS = ("miit-2022", "miit-2026")
NODE_KINDS = ("condition", "group", "any", "score", "info", "fact", "sign", "section")


def _parts(code: str) -> set[str]:
    """The pieces of a dotted key worth catching alone (``above_scale`` of
    ``mujun.above_scale.tax_per_mu.weight``), not years or one- and two-letter bits."""
    return {p for p in re.split(r"[.\-]", code) if len(p) > 2 and not p.isdigit()}


def code_catalogue(node_ids: Iterable[str] = ()) -> frozenset[str]:
    """Every code a result may hold, from the code: schema choices, parameter keys and their
    parts, field ids, cohorts, statuses, bases, tiers, rule sets, review tiers, reasons,
    outcomes, node kinds and the ids of the result nodes given."""
    codes: set[str] = set()
    for spec in SPECS:
        codes |= {c for c in spec.choices if c.isascii()}
        codes |= {spec.key, *_parts(spec.key)}
    codes |= {f.id for f in (*ENTERPRISE_FIELDS, *PROJECT_FIELDS)}
    codes |= {mujun.ABOVE, mujun.BELOW, mujun.EXCLUDED, mujun.OUT, mujun.SCORED,
              mujun.INCOMPLETE, mujun.NO_WEIGHTS, mujun.NOT_GRADED, *CLASS_BASES}
    codes |= {*sme.TIERS, *sme.SIZE_NAMES, *sme.GROWTH_METHODS, *RULE_SETS}
    codes |= {EQUAL, EQUIV, *green_channel.TIERS, *green_channel.REASONS}
    codes |= {*rectification.REASON_TEXTS, *digital.RECOGNITIONS}
    codes |= {o.value for o in Outcome} | set(NODE_KINDS)
    for node_id in node_ids:
        codes |= {node_id, *_parts(node_id)}
    return frozenset(codes)


# ASCII that is meant to be read, kept short. Only lower-case words and catalogue codes are
# flagged, so most of these would pass anyway; they are listed to say what was looked at.
ALLOWED = frozenset({
    "A", "B", "C", "D",  # the 亩均 classes (also the keys of mujun.class_names)
    "R&D", "GB/T", "DB33/T", "kWh", "tce", "COD", "NOx", "SO2",  # terms, standards, units
    "H", "M", "L",  # citation confidence, explained in every report
    "sha256",  # the profile hash is shown as a hash
    "chacewang.com", "com",  # a source named by its web address in citations
    # Seed file names cited in citations (002_e9ac55c77d2d7d2f.txt): issue 14 wants them out
    # of printed citations; allowed until then.
    "txt",
})
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
PROFILE_IDS = frozenset(p.name for p in (ROOT / "rules" / "profiles").iterdir() if p.is_dir())

# Text in the results that comes from files this test's renderers cannot change (profiles,
# rules/assessments): excused here, exactly as written, until the lead fixes them there —
# ``test_known_from_rules_still_occur`` fails once one is gone, so the list gets emptied.
KNOWN_FROM_RULES: tuple[str, ...] = ()  # none left

TOKEN = re.compile(r"[A-Za-z0-9_]+(?:[.\-/&][A-Za-z0-9_]+)*")
WORD = re.compile(r"[a-z][a-z_]{2,}")  # a lower-case English word or identifier
# A ratio printed as a bare decimal: the ratio unit glued to a number ("0.7比例"); a decimal
# right before “（” ("0.0413（要求 ≥ 0.03）"); a bare decimal as the current value or the
# requirement of a comparison ("要求 ≥ 0.03）", "当前 0.0413，", "（≥ 0.03）") or as a cited
# parameter ("资产负债率上限 = 0.75，"); a bare decimal alone in brackets ("可享受（0.4100）",
# an amount without its unit). A decimal followed by its unit (0.52 吨标准煤/万元, 13.11 分) or
# a percentage passes.
BARE_RATIO = {
    "ratio unit after a number": re.compile(r"\d *比例"),
    "bare decimal before （": re.compile(r"(?<![\d.])-?0\.\d{2,}(?=（)"),
    "bare decimal compared": re.compile(r"(?:要求|当前) *[≥≤<>]? *-?\d+\.\d+(?= *(?:[）)，,；;\n]|$))"),
    "bare decimal as a requirement": re.compile(r"[（(][≥≤<>] *-?\d+\.\d+[）)]"),
    "bare decimal as a parameter": re.compile(r"= *-?\d+\.\d+(?= *(?:[，,；;）)\n]|$))"),
    "bare decimal in brackets": re.compile(r"[（(]-?\d+\.\d+[）)]"),
}


def findings(text: str, codes: frozenset[str]) -> list[str]:
    """What in ``text`` is not in the reader's language, each with a little context."""
    for known in KNOWN_FROM_RULES:
        text = text.replace(known, "〔已知〕")
    out = []

    def hit(kind: str, m: re.Match) -> None:
        around = text[max(m.start() - 24, 0):m.end() + 16].replace("\n", " / ")
        out.append(f"{kind} {m.group()!r} in …{around}…")

    for m in TOKEN.finditer(text):
        tok = m.group()
        if tok in ALLOWED or tok in PROFILE_IDS or SEED_FILE.fullmatch(tok):
            continue
        parts = [p for p in re.split(r"[.\-/&]", tok) if p not in ALLOWED]
        if tok in codes or any(p in codes for p in parts):
            hit("code", m)
        elif any(WORD.fullmatch(p) for p in parts):
            hit("English", m)
    for kind, pattern in BARE_RATIO.items():
        for m in pattern.finditer(text):
            hit(kind, m)
    return out


@dataclass
class Report:
    """Findings by text path, each finding once with how often it was seen."""

    codes: frozenset[str]
    seen: dict[str, int] = field(default_factory=dict)

    def check(self, path: str, texts: Iterable[str | None]) -> None:
        """Checks ``texts`` (one firm's, say) as one text, a line each."""
        for f in findings("\n".join(t for t in texts if t), self.codes):
            key = f"{path}: {f}"
            self.seen[key] = self.seen.get(key, 0) + 1

    def assert_clean(self) -> None:
        lines = [f"{k}  (×{n})" for k, n in sorted(self.seen.items())]
        assert not lines, f"{len(lines)} findings:\n" + "\n".join(lines[:60])


# ----------------------------------------------------------------------------- the sample park


@dataclass
class Park:
    as_of: date
    results: list[EnterpriseResult]
    json_path: Path
    xlsx_path: Path
    store_path: Path
    summary: ParkSummary

    @property
    def sme_only(self) -> bool:
        """At the second date only the SME ladder differs: the slow paths (PDF, Qt) show only
        what differs there."""
        return self.as_of != DATES[0]

    def node_ids(self) -> set[str]:
        return {n.id for r in self.results for t in trees(r) for n in t.walk()}

    def report(self) -> Report:
        return Report(code_catalogue(self.node_ids()))


def trees(r: EnterpriseResult) -> list:
    return [r.trees["mujun"], *r.project_trees, r.trees["sme"], r.trees["rectification"],
            r.trees["digital"]]


@pytest.fixture(scope="module", params=DATES, ids=lambda d: d.isoformat())
def park(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Park:
    """The sample park through the pipeline as the CLI runs it: stored, with the JSON, the
    results workbook and the park summary."""
    as_of: date = request.param
    tmp = tmp_path_factory.mktemp(f"park-{as_of.isoformat()}")
    results: list[EnterpriseResult] = []
    summary = ParkSummary(PROFILE.identity(), as_of, title="示例园区 亩均效益评价汇总")

    def keep(r: EnterpriseResult) -> None:
        results.append(r)
        summary.add(r)

    store = Store(tmp / "mujun.db")
    try:
        outcome = pipeline.run(SAMPLE, PROFILE, as_of, store=store, json_out=tmp / "r.json",
                               xlsx_out=tmp / "r.xlsx", on_result=keep)
    finally:
        store.close()
    for row in outcome.imported.invalid:
        summary.reject(row.sheet, row.row, "；".join(
            f"{e.column}：{e.message}" for e in row.checked.errors))
    assert len(results) > 200 and outcome.assessed == len(results)
    return Park(as_of, results, tmp / "r.json", tmp / "r.xlsx", tmp / "mujun.db", summary)


# ----------------------------------------------------------------------------- the checker itself


def test_the_catalogue_comes_from_the_code_and_the_checker_is_precise() -> None:
    codes = code_catalogue(["sme.innovative.route.score"])
    for code in ("geometric", "high_value", "cohort_mean", "miit-2022", "none", "local",
                 "provincial", "equal_value", "equivalent", "tonnes", "holds_or_qualifies",
                 "above_scale", "below_scale", "percentile", "cutoffs", "not_applicable",
                 "tax_per_mu", "rd_expense", "mujun.cap", "little_giant", "route"):
        assert code in codes, code
    bad = ["要求 ≥ 0.7比例", "算法：geometric", "层级 none", "sme.growth_method = 几何",
           "按 equal_value 计", "口径 tonnes", "结论 not_applicable", "得分方式 percentile",
           "0.0413（要求 ≥ 0.03）", "当前 0.0413，要求 ≥ 3%", "可享受（0.4100）",
           "满足（≥ 0.03）", "依据：资产负债率上限 = 0.75，《办法》", "分组：above_scale",
           "mode equivalent", "some English words"]
    for text in bad:
        assert findings(text, codes), text
    good = ["R&D经费占比 4.13%（要求 ≥ 3.02%）", "GB/T 4754 采矿业 06–12",
            "单位工业增加值能耗 0.52 吨标准煤/万元（要求 < 0.52 吨标准煤/万元）",
            "配置 huangyan-2022 sha256 72de3ad1562fb1b5…", "电力 0.3 千克标准煤/千瓦时（kWh）",
            "002_e9ac55c77d2d7d2f.txt 十（三）", "A 类 · 84.61 分", "差 0.42 个百分点",
            "0.8215 万元/亩（≥ 11.5932 万元/亩）", "COD、NOx、SO2", "综合得分 13.11 分",
            "chacewang.com news430850 [H]", "DB33/T 1234", "年度（2025）"]
    for text in good:
        assert not findings(text, codes), (text, findings(text, codes))


def test_known_from_rules_still_occur(park: Park) -> None:
    """Each excused text is still produced; once fixed at its source, drop it from the list."""
    gone = set(KNOWN_FROM_RULES)
    for r in park.results:
        text = "\n".join([*result_lines(r), *human_strings(r.to_json())])
        gone = {k for k in gone if k not in text}
        if not gone:
            break
    assert not gone, f"fixed at the source, remove from KNOWN_FROM_RULES: {sorted(gone)}"


# ----------------------------------------------------------------------------- the text paths


def test_cli_explanation(park: Park) -> None:
    report = park.report()
    for r in park.results:
        report.check("CLI", result_lines(r))
    report.assert_clean()


HUMAN_KEYS = frozenset({"criteria", "reason", "reason_texts", "notes", "note", "label",
                        "caveat", "benchmark_note", "disclaimer", "message", "name",
                        "citation", "project"})


def human_strings(obj: object) -> Iterator[str]:
    """The strings of a JSON document meant for a person; codes stay codes by contract."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in HUMAN_KEYS and isinstance(v, str):
                yield v
            elif k in HUMAN_KEYS and isinstance(v, list) and all(isinstance(x, str) for x in v):
                yield from v
            else:
                yield from human_strings(v)
    elif isinstance(obj, list):
        for x in obj:
            yield from human_strings(x)


def test_json_human_strings(park: Park) -> None:
    report = park.report()
    for r in park.results:
        data = r.to_json()
        assert data["sme"]["criteria"] is not None
        report.check("JSON", human_strings(data))
    written = json.loads(park.json_path.read_text(encoding="utf-8"))
    report.check("JSON file", human_strings(written["enterprises"]))
    report.assert_clean()


def features(r: EnterpriseResult, sme_only: bool = False) -> set[str]:
    """What kind of result this is, for choosing a spread of firm reports."""
    m, s, rect = r.mujun, r.sme, r.rectification
    if sme_only:
        return {f"tier {s['tier']}", f"next {s['next_tier']}", f"size {s['size']}"}
    out = {f"cohort {m['cohort']}", f"status {m['status']}", f"class {m['class']}",
           f"basis {m['class_basis']}", f"tier {s['tier']}", f"next {s['next_tier']}",
           f"size {s['size']}", f"in scope {rect['in_scope']}", f"flagged {rect['flagged']}",
           f"lift {bool(m['lift'])}", f"notes {bool(r.notes)}", f"projects {bool(r.green_channel)}"}
    out |= {f"reason {x}" for x in rect["reasons"]}
    out |= {f"eligible {g['eligible']}" for g in r.green_channel}
    out |= {f"review {g['review_tier']}" for g in r.green_channel}
    out |= {f"project {x}" for g in r.green_channel for x in g["reasons"]}
    out |= {f"digital {x}" for x in r.digital["eligible"]}
    out |= {f"imputed {i}" for i, x in m["indicators"].items() if x.get("imputed")}
    out |= {"caveat" for t in trees(r) for n in t.walk() if n.caveat}
    return out


def spread(results: list[EnterpriseResult], n: int, sme_only: bool = False
           ) -> list[EnterpriseResult]:
    """At most ``n`` firms that between them show every kind of result (greedy cover)."""
    left = [(r, features(r, sme_only)) for r in results]
    want = set().union(*(f for _, f in left))
    chosen: list[EnterpriseResult] = []
    while want and len(chosen) < n:
        r, f = max(left, key=lambda x: len(x[1] & want))
        chosen.append(r)
        want -= f
    return chosen


def pdf_lines(path: Path) -> list[str]:
    return "".join(p.extract_text() for p in PdfReader(path).pages).splitlines()


def pdf_text(lines: list[str], hashes: Iterable[str] = ()) -> str:
    """The PDF's text with its line breaks taken out (a table cell wraps anywhere, even inside
    a code), and the hashes it prints removed (a wrapped hash could read as a word)."""
    text = "".join(lines)
    for h in hashes:
        text = re.sub(r"\s*".join(h), "〔哈希〕", text)
    return text


def test_pdf_reports(park: Park, tmp_path: Path) -> None:
    report = park.report()
    chosen = spread(park.results, PDF_FIRMS, sme_only=park.sme_only)
    # one firm assessed alone, as 企业自评 does: classes by cut-off scores or none
    alone = assess(chosen[0].record, PROFILE, park.as_of)
    bare = []
    for n, r in enumerate([*chosen, alone]):
        lines = pdf_lines(write_firm_report(r, tmp_path / f"firm{n}.pdf"))
        report.check(f"PDF {r.record.name}", [pdf_text(lines, [PROFILE.sha256])])
        # the chart: indicator ÷ benchmark reads as a percentage, not as 1.97 (a chart label
        # is a line of its own)
        shown = {line.strip() for line in lines}
        bare += [f"{r.record.name} {i} {x['ratio']}" for i, x in r.mujun["indicators"].items()
                 if x.get("ratio") is not None and f"{min(x['ratio'], 3.0):.2f}" in shown]
    if not park.sme_only:
        summary = pdf_lines(write_park_summary(park.summary, tmp_path / "summary.pdf"))
        report.check("PDF summary", [pdf_text(summary, [PROFILE.sha256])])
    report.assert_clean()
    assert not bare, f"indicator ratios charted as bare decimals: {bare[:5]}"


def indicator_units() -> dict[str, str]:
    """Results-workbook columns that hold an indicator's value or benchmark → its unit."""
    out = {}
    for cohort, ids in COHORT_INDICATORS.items():
        for i in ids:
            unit = BY_KEY[f"mujun.{cohort}.{i}.benchmark"].unit
            out |= {INDICATOR_NAMES[i]: unit, f"{INDICATOR_NAMES[i]}基准值": unit}
    assert set(out) <= set(RESULT_HEADERS) and RATIO in out.values()
    return out


def test_desktop_result_views(park: Park, qtbot) -> None:
    from PySide6.QtWidgets import QTreeWidgetItemIterator

    from desktop.models import RESULT_COLUMNS, ResultsModel
    from desktop.widgets.result_panel import ResultPanel

    report = park.report()
    panel = ResultPanel()
    qtbot.addWidget(panel)
    for r in park.results:
        if park.sme_only:
            panel.trees["sme"].show_trees([r.trees["sme"]])
            texts, shown = [], [panel.trees["sme"]]
        else:
            panel.show_result(r)
            texts = [panel.message.text()]
            texts += [t for c in panel.cards.values() for t in (c.main.text(), c.detail.text())]
            texts += [b.text for b in panel.chart.bars]
            shown = list(panel.trees.values())
        for tree in shown:
            it = QTreeWidgetItemIterator(tree)
            while it.value():
                item = it.value()
                for col in range(tree.columnCount()):
                    texts += [item.text(col), item.toolTip(col)]
                it += 1
        report.check("desktop", texts)
    store = Store(park.store_path)
    try:
        year = park.results[0].record.year
        model = ResultsModel(store.browse(year, PROFILE.id))
    finally:
        store.close()
    report.check("results table", (model.data(model.index(row, col))
                                   for row in range(model.rowCount())
                                   for col in range(len(RESULT_COLUMNS))))
    report.assert_clean()

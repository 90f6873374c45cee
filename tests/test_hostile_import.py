"""The whole import with hostile cells (issue 12): ∞, NaN, 1e309, 2⁶³, control characters,
other scripts' digits and 200,000-character strings, anywhere in a park file, never raise
anything but the project's own errors; the results JSON (strict, no Infinity), the results
workbook, the error report and a firm's PDF are all produced and read back."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from desktop.reports.firm import write_firm_report
from forms import pipeline
from forms.excel.reader import FileError
from forms.store import Store
from rules.assess import assess
from rules.catalogue import ENTERPRISE_FIELDS
from rules.profile import load
from tests.conftest import credit_code
from tests.test_cells import hostile

PROFILE = load("huangyan-2022")
AS_OF = date(2026, 11, 22)
IDS = [f.id for f in ENTERPRISE_FIELDS]
BASE = {"year": 2024, "industry_code": "3311", "above_scale": "是", "land_mu": "20",
        "tax": "300", "value_added": "4000", "energy_equal_tce": "900", "cod_t": "1.2",
        "employees": "120", "rd_expense": "150", "main_revenue": "5000", "county": "黄岩区"}


def _rows(n: int) -> list[dict[str, str]]:
    return [dict(BASE, name=f"示例企业{i}", credit_code=credit_code(i)) for i in range(n)]


def _no_constants(name: str) -> None:
    raise AssertionError(f"JSON holds {name}")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cells=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(IDS), hostile),
                      min_size=1, max_size=10))
def test_hostile_cells_anywhere_in_a_park_file(tmp_path_factory, cells) -> None:
    tmp = tmp_path_factory.mktemp("hostile")
    rows = _rows(6)
    for i, field, value in cells:
        rows[i][field] = str(value)
    src = tmp / "park.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f.header for f in ENTERPRISE_FIELDS])
        for r in rows:
            w.writerow([r.get(k, "") for k in IDS])
    out = {k: tmp / f"out.{k}" for k in ("json", "xlsx")}
    errors = tmp / "errors.xlsx"
    store = Store(tmp / "db.sqlite3")
    try:
        outcome = pipeline.run(src, PROFILE, AS_OF, store=store, json_out=out["json"],
                               xlsx_out=out["xlsx"], errors_out=errors)
    except FileError as e:  # a file that cannot be used is said in one line, not a traceback
        assert e.zh
        return
    finally:
        store.close()
    data = json.loads(out["json"].read_text(encoding="utf-8"), parse_constant=_no_constants)
    assert len(data["enterprises"]) + len(outcome.imported.invalid) >= 1
    load_workbook(out["xlsx"], read_only=True).close()
    if outcome.imported.invalid:
        load_workbook(errors, read_only=True).close()
    for rec in outcome.batch[:1]:
        pdf = write_firm_report(assess(rec, PROFILE, AS_OF), tmp / "firm.pdf")
        assert pdf.stat().st_size > 1000
    assert not list(tmp.glob("*.part"))


def test_a_firm_with_a_500_character_name_gets_every_document(tmp_path: Path) -> None:
    rows = _rows(3)
    rows[0]["name"] = "长" * 499 + "厂"
    rows[0]["park"] = "园" * 500
    src = tmp_path / "park.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f.header for f in ENTERPRISE_FIELDS])
        for r in rows:
            w.writerow([r.get(k, "") for k in IDS])
    store = Store(tmp_path / "db.sqlite3")
    outcome = pipeline.run(src, PROFILE, AS_OF, store=store, json_out=tmp_path / "r.json",
                           xlsx_out=tmp_path / "r.xlsx")
    store.close()
    rec = next(r for r in outcome.batch if r.name.endswith("厂"))
    assert len(rec.name) == 500
    pdf = write_firm_report(assess(rec, PROFILE, AS_OF), tmp_path / "long.pdf")
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(pdf).pages[:1])
    assert text.replace("\n", "").count("长") >= 499  # the name in full on page 1
    wb = load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert any(rec.name in c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row
               if isinstance(c, str))
    wb.close()
    rows[1]["name"] = "长" * 501
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f.header for f in ENTERPRISE_FIELDS])
        for r in rows:
            w.writerow([r.get(k, "") for k in IDS])
    again = pipeline.run(src, PROFILE, AS_OF)
    bad = [e for r in again.imported.invalid for e in r.checked.errors]
    assert any("文字过长：501 个字符" in e.message for e in bad)

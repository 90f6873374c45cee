"""The `mujun` command line: rules listing with citations, profile checks, explain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main
from rules.profile import load
from tests.conftest import ROOT, TESTS
from tests.test_rule_cases import BASES


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], cwd=ROOT, check=False,
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_rules_prints_every_parameter_with_a_citation(capsys: pytest.CaptureFixture) -> None:
    assert main(["rules", "--profile", "huangyan-2022"]) == 0
    out = capsys.readouterr().out
    lines = [ln for ln in out.splitlines() if ln.startswith("  ")]
    # one line per parameter version, each dated and cited; by-year ones name their data year
    # every parameter the profile gives; the optional ones it does not give are counted
    assert len({ln.split()[0] for ln in lines}) == len(load("huangyan-2022").params)
    assert "项可选参数本配置未写" in out
    # 22 黄岩 weights, benchmarks and cut-offs for each year; 2022 adds the electricity CO₂ factor
    assert sum("数据年度 2021" in ln for ln in lines) == 22
    assert sum("数据年度 2022" in ln for ln in lines) == 23
    for ln in lines:
        assert "依据：" in ln and "生效 " in ln, ln
    # cut-offs (6 for each of 2021 and 2022), cap, energy-intensity line, published
    # missing-emission points, the industry carbon averages (a park publishes them)
    assert sum("未设定" in ln for ln in lines) == 16
    cited = lines
    assert any("mujun.above_scale.tax_per_mu.benchmark" in ln and "24.097" in ln and "news430850" in ln
               for ln in cited)
    assert any("green.max_intensity" in ln and "002_e9ac55c77d2d7d2f.txt 十（三）" in ln for ln in cited)
    assert "【亩均效益评价】" in out and "【优质中小企业梯度培育】" in out


def test_rules_check_accepts_a_good_profile(capsys: pytest.CaptureFixture) -> None:
    assert main(["rules", "--check", str(TESTS / "profiles" / "park-cutoffs")]) == 0
    assert "park-cutoffs" in capsys.readouterr().out


def test_rules_check_reports_file_line_key_and_exits_non_zero() -> None:
    broken = TESTS / "profiles" / "broken" / "wrong_unit.yaml"
    r = run("rules", "--check", str(broken))
    assert r.returncode == 1
    assert "wrong_unit.yaml:11: green.max_intensity.unit: 单位应为" in r.stderr
    assert "Traceback" not in r.stderr


def test_command_line_does_not_import_qt() -> None:
    code = ("import sys; from desktop.cli import main; main(['rules']); "
            "assert 'PySide6' not in sys.modules, 'PySide6 imported'")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       check=False)
    assert r.returncode == 0, r.stderr


def test_explain_prints_the_tree_and_writes_json(tmp_path: Path) -> None:
    src = tmp_path / "firm.json"
    src.write_text(json.dumps({"record": BASES["bench22"]}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.json"
    r = run("explain", str(src), "--as-of", "2026-11-22", "--json", str(out))
    assert r.returncode == 0, r.stderr
    assert "综合得分  【得分】  100 分" in r.stdout
    assert "自评估算" in r.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["mujun"]["score"] == pytest.approx(100.0)
    assert data["mujun"]["tree"]["children"][0]["id"] == "scope"
    assert "警告" not in r.stderr
    bad = dict(BASES["bench22"], credit_code="91350100M000100Y4Z")
    src.write_text(json.dumps({"record": bad}, ensure_ascii=False), encoding="utf-8")
    r = run("explain", str(src), "--as-of", "2026-11-22")
    assert r.returncode == 0 and "综合得分" in r.stdout
    assert "警告：统一社会信用代码含不允许的字符：Z" in r.stderr and "导入时此代码会被拒绝" in r.stderr


def test_explain_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.json"
    src.write_text('{"record": {"land_mu": "十亩"}}', encoding="utf-8")
    r = run("explain", str(src))
    assert r.returncode == 2
    assert "land_mu" in r.stderr and "Traceback" not in r.stderr
    r = run("explain", str(tmp_path / "missing.json"))
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_assess_says_which_year_of_benchmarks_it_used(tmp_path: Path) -> None:
    """The sample park is data year 2025; 黄岩 has published 2021 and 2022 only (RULES §1.2)."""
    from openpyxl import load_workbook

    from desktop.resources import resource_path

    out = tmp_path / "results.xlsx"
    r = run("assess", str(resource_path("sample", "sample-park.xlsx")), "--no-store",
            "--as-of", "2026-11-22", "--xlsx", str(out))
    assert r.returncode == 0, r.stderr
    note = "本县尚未公布 2025 年度基准值，暂按 2022 年度基准值估算"
    # every firm whose indicators were held against benchmarks (not the out-of-scope ones)
    assert f"注意：{note}（254 家）" in r.stderr
    wb = load_workbook(out, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()  # read-only keeps the file open until closed
    col, status = rows[0].index("说明"), rows[0].index("评价状态")
    noted = [row for row in rows[1:] if row[col] and note in row[col]]
    assert len(noted) == 254 and {row[status] for row in noted} >= {"已计分"}


def _interrupted(db: Path, where: str, argv: str) -> subprocess.CompletedProcess:
    """``mujun assess`` of the sample park, with Ctrl-C raised at ``where`` (module:function)."""
    module, name = where.split(":")
    code = (f"import sys, {module} as m\n"
            f"def stop(*a, **k): raise KeyboardInterrupt\n"
            f"m.{name} = stop\n"
            f"from desktop.cli import main\n"
            f"sys.exit(main({argv}))\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", check=False, timeout=300)


def _stored_batches(db: Path) -> int:
    from forms.store import Store

    store = Store(db)
    try:
        return store.db["batches"].count
    finally:
        store.close()


@pytest.mark.parametrize(("where", "stored"), [
    ("forms.pipeline:stamped", False),  # while storing the results: rolled back
    ("forms.import_report:report_lines", True),  # after the commit, while printing the report
])
def test_an_interrupt_says_whether_the_store_was_changed(tmp_path: Path, where: str,
                                                         stored: bool) -> None:
    """Never "the database is unchanged" when the import was stored (a Ctrl-C after the
    commit, during the report, the PDFs or the files' renaming)."""
    from desktop.resources import resource_path

    db = tmp_path / "m.sqlite3"
    argv = repr(["assess", str(resource_path("sample", "sample-park.xlsx")), "--db", str(db),
                 "--as-of", "2026-11-22"])
    r = _interrupted(db, where, argv)
    assert r.returncode == 130, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("已中断（Ctrl-C）：")
    assert _stored_batches(db) == (1 if stored else 0)
    if stored:
        assert "导入和评估结果已完整存入数据库，之后的步骤（写出文件、报告）未完成" in last
        assert "保持原样" not in last
    else:
        assert "数据库保持原样" in last


def test_a_signal_after_the_command_has_finished_does_not_kill_it() -> None:
    """The run is done: a Ctrl-C or SIGTERM that comes while the interpreter shuts down is
    ignored (Python restores the default handlers on the way out, and the process would die
    of the signal, exit status −2, instead of exiting 0)."""
    code = ("import os, signal, sys\n"
            "sys.argv = ['mujun', 'rules']\n"
            "from desktop.cli import main\n"
            "status = main()\n"
            "os.kill(os.getpid(), signal.SIGINT)\n"
            "os.kill(os.getpid(), signal.SIGTERM)\n"
            "sys.exit(status)\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       encoding="utf-8", check=False, timeout=60)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr

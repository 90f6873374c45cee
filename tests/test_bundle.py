"""The PyInstaller one-folder build (build.spec) builds and runs frozen: the command line, an
assessment of the bundled sample park, PDF workers started by spawn (as on Windows), and the
window drawn offscreen on an empty data folder. Marked slow (≈ 30 s to build); deselect with
``-m "not slow"``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QImage

from desktop import __version__
from tests.conftest import ROOT
from tests.fixtures import park

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    pyinstaller = shutil.which("pyinstaller", path=str(Path(os.sys.executable).parent))
    if pyinstaller is None:
        pytest.fail("PyInstaller is not installed; the test command installs it with the test extra")
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    r = subprocess.run([pyinstaller, "--noconfirm", "--log-level", "WARN", "--distpath",
                        str(work / "dist"), "--workpath", str(work / "build"), "build.spec"],
                       cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr[-4000:]
    folder = work / "dist" / "mujun"
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbundle built in {time.monotonic() - started:.0f} s, {size / 2**20:.0f} MB: {folder}")
    return folder


def run(bundle: Path, program: str, *args: str, data: Path, **env: str) -> subprocess.CompletedProcess:
    exe = bundle / (program + (".exe" if os.name == "nt" else ""))
    environ = {**os.environ, "MUJUN_DATA_DIR": str(data), **env}
    environ.pop("PYTHONPATH", None)
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=environ,
                          check=False, timeout=300, cwd=data.parent)


def test_the_bundle_holds_its_resources(bundle: Path) -> None:
    inside = bundle / "_internal"
    for part in ("resources/fonts/wqy-microhei.ttc", "resources/fonts/LICENSE-Apache-2.0.txt",
                 "resources/icons/mujun.png", "resources/icons/mujun.ico",
                 "resources/sample/sample-park.xlsx", "rules/profiles/huangyan-2022/profile.yaml",
                 "rules/profiles/zhejiang/mujun.yaml", "PySide6/Qt/translations/qtbase_zh_CN.qm"):
        assert (inside / part).is_file(), part
    assert list(inside.glob("reportlab-*.dist-info"))  # 关于 lists the libraries' versions
    assert not list(inside.glob("PySide6/Qt/translations/qtbase_de.qm"))  # only Chinese kept


def test_frozen_version_and_sample_assessment(bundle: Path, tmp_path: Path) -> None:
    data = tmp_path / "数据 文件夹"
    for program in ("mujun", "mujun-cli"):
        r = run(bundle, program, "--version", data=data)
        assert r.returncode == 0 and r.stdout.strip() == f"mujun {__version__}", r.stderr
    out = tmp_path / "结果 sample.json"
    sample = bundle / "_internal" / "resources" / "sample" / "sample-park.xlsx"
    r = run(bundle, "mujun-cli", "assess", str(sample), "--json", str(out), "--as-of", "2026-11-22",
            data=data)
    assert r.returncode == 0, r.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    rows = result["enterprises"]
    assert len(rows) == 290 and sum(1 for x in rows if x["status"] == "invalid") == 17
    assert {x["mujun"]["class"] for x in rows if "mujun" in x} >= {"A", "B", "C", "D"}
    assert result["profile"]["id"] == "huangyan-2022"
    assert (data / "mujun.sqlite3").is_file()  # the per-user data folder, not the bundle


def test_frozen_pdf_workers_start_by_spawn(bundle: Path, tmp_path: Path) -> None:
    sheet = park(tmp_path / "park.xlsx", 3)
    out = tmp_path / "报告"
    r = run(bundle, "mujun-cli", "assess", str(sheet), "--no-store", "--pdf-dir", str(out),
            "--as-of", "2026-11-22", data=tmp_path / "data")
    assert r.returncode == 0, r.stderr
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 3
    assert "亩均效益" in PdfReader(pdfs[0]).pages[0].extract_text()


def test_frozen_assessment_across_workers_gives_the_same_results(bundle: Path,
                                                                  tmp_path: Path) -> None:
    """A park big enough to be assessed across worker processes (forms.assess_pool, from
    MIN_FIRMS firms; workers spawned by re-running the frozen program) gives the results the
    unfrozen program gives, and leaves no worker behind."""
    from forms.assess_pool import MIN_FIRMS

    sheet = park(tmp_path / "park.xlsx", MIN_FIRMS + 200)
    frozen, plain = tmp_path / "frozen.json", tmp_path / "plain.json"
    r = run(bundle, "mujun-cli", "assess", str(sheet), "--no-store", "--json", str(frozen),
            "--as-of", "2026-11-22", data=tmp_path / "data")
    assert r.returncode == 0, r.stderr[-2000:]
    r = subprocess.run([os.sys.executable, "-m", "desktop.cli", "assess", str(sheet), "--no-store",
                        "--json", str(plain), "--as-of", "2026-11-22"], cwd=ROOT,
                       capture_output=True, text=True, check=False, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert frozen.read_bytes() == plain.read_bytes()
    assert len(json.loads(frozen.read_text(encoding="utf-8"))["enterprises"]) == MIN_FIRMS + 200
    if Path("/proc").is_dir():  # Linux: no process of the bundle's is still running
        left = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and str(bundle).encode() in (proc / "cmdline").read_bytes():
                    left.append(proc.name)
            except OSError:  # ended since it was listed: not left behind
                continue
        assert left == [], left


def test_frozen_window_opens_on_the_welcome_page(bundle: Path, tmp_path: Path) -> None:
    shot = tmp_path / "welcome.png"
    r = run(bundle, "mujun", "gui", "--screenshot", str(shot), data=tmp_path / "空的 数据",
            QT_QPA_PLATFORM="offscreen")
    assert r.returncode == 0, r.stderr
    img = QImage(str(shot))
    assert (img.width(), img.height()) == (1366, 768)
    # the navigation's selected row (开始, the first) is drawn in the highlight blue
    assert img.pixelColor(4, 16).name() == img.pixelColor(120, 50).name() == "#2e6fb7"
    assert (tmp_path / "空的 数据" / "logs" / "mujun.log").is_file()

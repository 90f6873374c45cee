"""Profiles: the bundled ones load with a citation on every parameter; broken ones fail with
file, line and key (one failure mode per file in tests/profiles/broken, its first line saying
``# expect: LINE KEY MESSAGE``)."""

from __future__ import annotations

import math
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import schema
from rules.profile import (
    MAX_CHAIN,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    PROFILES_DIR,
    ProfileError,
    available,
    load,
)
from tests.conftest import TESTS

BROKEN = sorted((TESTS / "profiles" / "broken").glob("*.yaml"))


def test_bundled_profiles_are_the_four_of_the_spec_and_the_two_county_starters() -> None:
    assert available() == ["generic-county", "huangyan-2021", "huangyan-2022", "template",
                           "wenling-zones", "zhejiang"]


@pytest.mark.parametrize("pid", available())
def test_every_parameter_carries_value_unit_date_and_citation(pid: str) -> None:
    p = load(pid)
    assert p.id == pid and p.version and len(p.sha256) == 64
    for key, param in p.params.items():
        spec = schema.BY_KEY[key]
        for v in param.versions:
            assert v.source.title and v.clause, key
            assert v.confidence in ("H", "M", "L"), key
            assert isinstance(v.effective, date), key
        assert spec.key == key


def test_base_holds_every_required_parameter_and_overlay_only_county_ones() -> None:
    base = load("zhejiang")
    required = {s.key for s in schema.SPECS if not s.optional}
    assert required <= set(base.params)
    hy = load("huangyan-2022")
    own = {k for k, p in hy.params.items() if p.versions[0].file.startswith("huangyan-2022")}
    county = {f"mujun.{c}.{i}.{what}" for c in ("above_scale", "below_scale")
              for i in schema.COHORT_INDICATORS[c] for what in ("weight", "benchmark")}
    cutoffs = {f"mujun.{c}.cutoff_{x}" for c in ("above_scale", "below_scale") for x in "abc"}
    assert own == county | cutoffs
    assert all(hy.value(k) is None for k in own if ".cutoff_" in k)  # unset, with a citation
    # the base mentions every key of the provincial method, cited (a county's own choices,
    # such as other indicators, cohorts, groups and 加减分, are optional and absent)
    assert county | cutoffs <= set(base.params)
    assert hy.value("mujun.above_scale.tax_per_mu.benchmark") == 24.097
    assert load("huangyan-2021").value("mujun.above_scale.tax_per_mu.benchmark") == 26.01
    assert hy.value("green.max_intensity") == 0.52  # inherited from the base


def test_weights_sum_to_100_in_the_shipped_overlays() -> None:
    for pid in ("huangyan-2021", "huangyan-2022"):
        p = load(pid)
        for cohort in ("above_scale", "below_scale"):
            ids = schema.COHORT_INDICATORS[cohort]
            assert sum(p.value(f"mujun.{cohort}.{i}.weight") for i in ids) == 100


def test_template_is_an_empty_county_equal_to_the_base() -> None:
    t, z = load("template"), load("zhejiang")
    assert t.chain == ("zhejiang", "template")
    assert {k: p.versions for k, p in t.params.items()} == {k: p.versions for k, p in z.params.items()}


def test_hash_names_the_content(tmp_path: Path) -> None:
    park = TESTS / "profiles" / "park-cutoffs"
    a = load(park).sha256
    assert load(park).sha256 == a
    copy = tmp_path / "park"
    shutil.copytree(park, copy)
    assert load(copy).sha256 == a  # same files, same hash, wherever they lie
    f = copy / "profile.yaml"
    text = f.read_text(encoding="utf-8")
    assert "value: 110," in text
    f.write_text(text.replace("value: 110,", "value: 111,"), encoding="utf-8")
    changed = load(copy)
    assert changed.sha256 != a
    assert changed.value("mujun.above_scale.cutoff_a") == 111


def test_another_file_cannot_pass_for_a_bundled_profile(tmp_path: Path) -> None:
    """Results are stored under the profile's id: a copy of 黄岩 2022 elsewhere, perhaps edited,
    must take its own id."""
    copy = tmp_path / "hy"
    shutil.copytree(PROFILES_DIR / "huangyan-2022", copy)
    with pytest.raises(ProfileError, match="是软件自带配置的 id，请另起一个"):
        load(copy)
    assert load("huangyan-2022").ref == "huangyan-2022"
    assert load(TESTS / "profiles" / "park-cutoffs").ref.endswith("park-cutoffs")


def test_dated_versions_are_chosen_by_date(tmp_path: Path) -> None:
    f = tmp_path / "dated.yaml"
    f.write_text("""profile: {id: dated, name: 分年度, version: "1", base: zhejiang, effective: 2020-01-01}
sources:
  s: {title: 测试, confidence: L}
parameters:
  energy.electricity_equal:
    - {value: 0.30, unit: 千克标准煤/千瓦时, effective: 2021-01-01, source: s, clause: 2021}
    - {value: 0.28, unit: 千克标准煤/千瓦时, effective: 2024-01-01, source: s, clause: 2024}
""", encoding="utf-8")
    p = load(f)
    assert p.value("energy.electricity_equal", date(2023, 12, 31)) == 0.30
    assert p.value("energy.electricity_equal", date(2024, 1, 1)) == 0.28
    assert p.value("energy.electricity_equal", date(2019, 1, 1)) == 0.30  # earliest known


def test_unknown_profile_names_the_available_ones() -> None:
    with pytest.raises(ProfileError, match="huangyan-2022"):
        load("wenling-2099")


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_profile_error_names_file_line_and_key(path: Path) -> None:
    head = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")  # the rest may be any bytes
    assert head.startswith("# expect: ")
    line, key, message = head.removeprefix("# expect: ").split(" ", 2)
    with pytest.raises(ProfileError) as caught:
        load(path)
    found = [i for i in caught.value.issues if i.key == key]
    assert found, f"no issue for key {key}: {caught.value}"
    issue = found[0]
    assert issue.file.endswith(path.name)
    assert issue.line == int(line)
    assert message in issue.message
    shown = "" if key == "-" else f" {key}:"  # a problem of the whole file names no key
    assert f"{path.name}:{line}:{shown} " in str(caught.value)


def test_there_is_one_broken_profile_per_failure_mode() -> None:
    assert len(BROKEN) >= 15


# ----------------------------------------------------------------------------- hostile files
HEAD = """profile: {id: hostile, name: 测试, version: "0", base: zhejiang, effective: 2024-01-01}
sources:
  src: {title: 测试来源, confidence: M}
parameters:
"""


def _param(key: str, value: str) -> str:
    unit = schema.BY_KEY[key].unit
    return (f"  {key}: {{value: {value}, unit: {unit}, effective: 2024-01-01, source: src, "
            "clause: 第一条}\n")


@pytest.mark.parametrize("name", ["alias_bomb_number", "alias_bomb_enum"])
def test_alias_bomb_is_refused_at_once_in_little_memory(name: str) -> None:
    """Nine levels of nine aliases expand to 9⁹ strings (gigabytes); the reader refuses the
    first anchor before composing anything (it took 120 s and 5 GB before)."""
    import time
    import tracemalloc

    path = TESTS / "profiles" / "broken" / f"{name}.yaml"
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(ProfileError, match="锚点"):
        load(path)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0, elapsed  # the base profile is read too
    assert peak < 20 * 2**20, peak


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    f = tmp_path / "big.yaml"
    f.write_text(HEAD + "#" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load(f)
    assert "文件过大" in str(caught.value) and f"{MAX_FILE_BYTES:,}" in str(caught.value)


def test_files_of_a_profile_share_one_size_budget(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "profile.yaml").write_text(HEAD, encoding="utf-8")
    pad = "# " + "注" * 80 + "\n"
    for i in range(5):  # five files just under the per-file limit: over the total
        (folder / f"part{i}.yaml").write_text(pad * (MAX_FILE_BYTES // len(pad.encode()) - 1),
                                             encoding="utf-8")
    with pytest.raises(ProfileError, match=f"合计超过 {MAX_TOTAL_BYTES:,} 字节"):
        load(folder)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    caught: list[BaseException] = []
    t = threading.Thread(target=lambda: caught.append(pytest.raises(ProfileError, load, fifo)
                                                      .value), daemon=True)
    t.start()
    t.join(5)
    assert not t.is_alive(), "reading a FIFO blocked"
    assert "不是普通文件" in str(caught[0])


def test_too_many_files_and_too_long_a_base_chain_are_refused(tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for i in range(MAX_FILES + 1):
        (many / f"f{i:02}.yaml").write_text("", encoding="utf-8")
    with pytest.raises(ProfileError, match=f"最多 {MAX_FILES} 个"):
        load(many)
    base = "zhejiang"
    for i in range(MAX_CHAIN + 1):
        (tmp_path / f"c{i}.yaml").write_text(
            f'profile: {{id: c{i}, name: 链{i}, version: "0", base: {base}, '
            "effective: 2024-01-01}\n", encoding="utf-8")
        base = f"c{i}.yaml"
    load(tmp_path / f"c{MAX_CHAIN - 2}.yaml")  # zhejiang + MAX_CHAIN − 1 overlays: fine
    with pytest.raises(ProfileError, match=f"超过 {MAX_CHAIN} 层"):
        load(tmp_path / f"c{MAX_CHAIN}.yaml")


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    """A syntax error in one file does not hide the problems of the others, and a file's
    problems are all said: values out of range, an unknown key, a bad date."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "profile.yaml").write_text(
        HEAD + _param("green.max_intensity", ".nan") + _param("mujun.share_a", "-0.2")
        + "  green.no_such_thing: {value: 1}\n"
        + "  sme.tech.min_score: {value: 60, unit: 分, effective: 2024-13-01, source: src, "
          "clause: 一}\n", encoding="utf-8")
    (folder / "broken.yaml").write_text("parameters: [unclosed\n", encoding="utf-8")
    (folder / "weights.yaml").write_text(
        "parameters:\n" + _param("mujun.below_scale.tax_per_mu.weight", "150")
        + _param("mujun.below_scale.tax_per_electricity.weight", "-50"), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load(folder)
    found = {(Path(i.file).name, i.key) for i in caught.value.issues}
    assert found >= {
        ("profile.yaml", "green.max_intensity.value"), ("profile.yaml", "mujun.share_a.value"),
        ("profile.yaml", "green.no_such_thing"), ("profile.yaml", "sme.tech.min_score.effective"),
        ("broken.yaml", "-"), ("weights.yaml", "mujun.below_scale.tax_per_mu.weight.value"),
        ("weights.yaml", "mujun.below_scale.tax_per_electricity.weight.value")}, found


def test_shares_are_checked_at_every_date_they_change(tmp_path: Path) -> None:
    f = tmp_path / "shares.yaml"
    f.write_text(HEAD + """  mujun.share_b:
    - {value: 0.1, unit: 比例, effective: 2020-01-01, source: src, clause: 旧}
    - {value: 0.8, unit: 比例, effective: 2024-01-01, source: src, clause: 新}
""", encoding="utf-8")
    with pytest.raises(ProfileError, match="0 < A < B < C < 1"):
        load(f)  # in 2020–2023 B (10 %) was below the base's A (20 %)


NUMERIC = [s.key for s in schema.SPECS if s.type in (schema.T.NUMBER, schema.T.INT)]


@given(key=st.sampled_from(NUMERIC),
       value=st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                       st.integers(min_value=-10**30, max_value=10**30),
                       st.sampled_from([".nan", ".inf", "-.inf", "1e400", "-0.0", "1e-400"])))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_number_either_loads_inside_its_range_or_is_refused(
        tmp_path: Path, key: str, value: float | str) -> None:
    """Whatever number a file gives a parameter, the loaded profile holds it only when it is
    finite and inside the range the schema declares; otherwise ProfileError, never another
    exception."""
    f = tmp_path / "n.yaml"
    text = value if isinstance(value, str) else repr(value)
    text = {"nan": ".nan", "inf": ".inf", "-inf": "-.inf"}.get(text, text)
    f.write_text(HEAD + _param(key, text), encoding="utf-8")
    try:
        p = load(f)
    except ProfileError as e:
        assert all(i.file.endswith("n.yaml") for i in e.issues), e
        return
    got = p.value(key)
    spec = schema.BY_KEY[key]
    assert got is not None and math.isfinite(got) and spec.bounds.holds(got), (key, got)

"""Profiles: the bundled ones load with a citation on every parameter; broken ones fail with
file, line and key (one failure mode per file in tests/profiles/broken, its first line saying
``# expect: LINE KEY MESSAGE``)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from rules import schema
from rules.profile import PROFILES_DIR, ProfileError, available, load
from tests.conftest import TESTS

BROKEN = sorted((TESTS / "profiles" / "broken").glob("*.yaml"))


def test_bundled_profiles_are_the_four_of_the_spec() -> None:
    assert available() == ["huangyan-2021", "huangyan-2022", "template", "zhejiang"]


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
    assert own == {k for k in schema.BY_KEY if k.endswith((".weight", ".benchmark"))
                   or ".cutoff_" in k}
    assert all(hy.value(k) is None for k in own if ".cutoff_" in k)  # unset, with a citation
    assert set(base.params) == set(schema.BY_KEY)  # the base mentions every key, cited
    assert hy.value("mujun.above_scale.tax_per_mu.benchmark") == 24.097
    assert load("huangyan-2021").value("mujun.above_scale.tax_per_mu.benchmark") == 26.01
    assert hy.value("green.max_intensity") == 0.52  # inherited from the base


def test_weights_sum_to_100_in_the_shipped_overlays() -> None:
    for pid in ("huangyan-2021", "huangyan-2022"):
        p = load(pid)
        for cohort, ids in schema.COHORT_INDICATORS.items():
            assert sum(p.value(f"mujun.{cohort}.{i}.weight") for i in ids) == 100


def test_template_is_an_empty_county_equal_to_the_base() -> None:
    t, z = load("template"), load("zhejiang")
    assert t.chain == ("zhejiang", "template")
    assert {k: p.versions for k, p in t.params.items()} == {k: p.versions for k, p in z.params.items()}


def test_hash_names_the_content(tmp_path: Path) -> None:
    a = load("huangyan-2022").sha256
    assert load("huangyan-2022").sha256 == a
    copy = tmp_path / "hy"
    shutil.copytree(PROFILES_DIR / "huangyan-2022", copy)
    assert load(copy).sha256 == a  # same files, same hash, wherever they lie
    f = copy / "profile.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("value: 24.097", "value: 24.1"),
                 encoding="utf-8")
    changed = load(copy)
    assert changed.sha256 != a
    assert changed.value("mujun.above_scale.tax_per_mu.benchmark") == 24.1


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
    head = path.read_text(encoding="utf-8").splitlines()[0]
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
    assert f"{path.name}:{line}: {key}:" in str(caught.value)


def test_there_is_one_broken_profile_per_failure_mode() -> None:
    assert len(BROKEN) >= 15

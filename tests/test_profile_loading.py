"""A profile file from anywhere loads in a child process with a time and a memory limit; the
window that loads it stays responsive and shows every problem."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from desktop.operations import Cancelled
from desktop.profile_loading import load_bounded
from rules.profile import ProfileError
from tests.conftest import TESTS

BROKEN = TESTS / "profiles" / "broken"
PARK = TESTS / "profiles" / "park-cutoffs" / "profile.yaml"


def test_a_file_loads_in_a_child_and_comes_back_whole() -> None:
    p = load_bounded(str(PARK))
    assert p.id == "park-cutoffs" and p.chain[0] == "zhejiang"
    assert p.value("mujun.share_a") == 0.2 and p.path == PARK


def test_every_problem_comes_back_from_the_child() -> None:
    with pytest.raises(ProfileError) as caught:
        load_bounded(str(BROKEN / "weight_negative.yaml"))
    assert [(i.line, i.key, i.message) for i in caught.value.issues] == [
        (11, "mujun.below_scale.tax_per_mu.weight.value", "150 不可用：应不小于 0、不大于 100"),
        (12, "mujun.below_scale.tax_per_electricity.weight.value",
         "-50 不可用：应不小于 0、不大于 100")]


def test_the_time_limit_stops_and_kills_the_child() -> None:
    t0 = time.monotonic()
    with pytest.raises(ProfileError, match="载入超过 0.01 秒仍未完成"):
        load_bounded(str(PARK), time_limit=0.01)
    assert time.monotonic() - t0 < 5
    assert not [c for c in multiprocessing.active_children() if c.name == "mujun-profile"]


def test_cancel_kills_the_child() -> None:
    calls = []

    def progress(done: int, total: int, stage: str) -> None:
        calls.append(stage)
        if len(calls) > 1:
            raise Cancelled

    with pytest.raises(Cancelled):
        load_bounded(str(PARK), progress, time_limit=30)
    assert not [c for c in multiprocessing.active_children() if c.name == "mujun-profile"]


def test_bundled_profiles_load_in_the_caller() -> None:
    assert load_bounded("huangyan-2022", time_limit=0.0).id == "huangyan-2022"


def test_a_long_list_of_problems_is_shortened_in_words_and_kept_whole_in_the_details() -> None:
    from desktop.operations import error_details, user_message
    from rules.profile import Issue

    e = ProfileError([Issue("p.yaml", n, f"k{n}", "错") for n in range(1, 26)])
    text = user_message(e)
    assert "p.yaml:10: k10: 错" in text and "p.yaml:11:" not in text
    assert text.endswith("……另有 15 处问题（全部列在详细信息中）")
    assert error_details(e).splitlines()[-1] == "p.yaml:25: k25: 错"
    assert error_details(ProfileError(e.issues[:3])) == ""

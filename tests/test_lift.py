"""Every "what it would take" amount, applied exactly, achieves what it says; one displayed unit
less does not (RULES §0, issue 19). Checked on every firm of the bundled sample park that has a
next class: by rank inside its cohort (percentile mode, 规上 and 规下) and alone against the
park's published cut-offs (cut-off mode), for each field to raise and each denominator to cut."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.resources import resource_path
from forms import pipeline
from forms.importer import dry_run
from forms.publish import publish
from forms.store import Store
from rules.assess import assess, assess_population
from rules.assessments import mujun
from rules.engine import Ctx
from rules.numbers import dec
from rules.profile import load
from rules.record import Record

AS_OF = date(2026, 11, 22)
PROFILE = load("huangyan-2022")
STEP = 0.01  # the displayed unit of every amount (万元, 吨标准煤, 万千瓦时)


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return dry_run(resource_path("sample", "sample-park.xlsx")).records()


def _minus(x: float, step: float = STEP) -> float:
    return float(dec(x) - dec(step))


def _plus(base: float | None, delta: float) -> float:
    return float(dec(base or 0.0) + dec(delta))


def _changed(rec: Record, lever: str, amount: float, ev: mujun.MujunEval) -> Record:
    """The record with ``amount`` applied: a field raised, or a denominator cut."""
    if lever in ("tax", "value_added", "rd_expense"):
        return rec.replace(**{lever: _plus(rec.get(lever), amount)})
    if lever == "energy":
        assert ev.energy is not None and ev.energy.value is not None
        return rec.replace(energy_equal_tce=float(dec(ev.energy.value) - dec(amount)))
    assert lever == "electricity_10k_kwh"
    return rec.replace(electricity_10k_kwh=float(dec(rec.electricity_10k_kwh) - dec(amount)))


def _levers(summary: dict) -> list[tuple[str, float]]:
    out = [(f, c["delta"]) for f, c in summary["fields"].items()]
    out += [(c["reduce"], c["reduce_by"]) for c in summary["changes"].values()
            if c.get("reduce") in ("energy", "electricity_10k_kwh")]
    return out


class Park:
    """The park's firms evaluated once; one firm changed and re-ranked by the rule code."""

    def __init__(self, records: list[Record]):
        self.ctx = Ctx(PROFILE, AS_OF)
        self.records = records
        self.evals = [mujun.evaluate(self.ctx, r) for r in records]
        self.inputs = [mujun.score_input(e) for e in self.evals]

    def klass(self, i: int, rec: Record) -> str | None:
        ev = mujun.evaluate(self.ctx, rec)
        inputs = list(self.inputs)
        inputs[i] = mujun.score_input(ev)
        stats = mujun.cohort_stats(inputs)
        mujun.classify_one(self.ctx, ev, stats[(ev.cohort, ev.year, ev.group)], single=False)
        return ev.klass


def test_rank_lifts_reach_the_next_class_and_one_unit_less_does_not(records):
    park = Park(records)
    stats = mujun.cohort_stats(park.inputs)
    checked = {"above_scale": 0, "below_scale": 0}
    for i, (rec, ev) in enumerate(zip(records, park.evals)):
        if ev.status != mujun.SCORED:
            continue
        mujun.classify_one(park.ctx, ev, stats[(ev.cohort, ev.year, ev.group)], single=False)
        if ev.class_basis != "percentile" or not ev.lift_summary:
            continue
        target = ev.lift_summary["target_class"]
        for lever, amount in _levers(ev.lift_summary):
            got = park.klass(i, _changed(rec, lever, amount, ev))
            assert got is not None and got <= target, (rec.name, lever, amount, got)
            if amount > STEP:
                short = park.klass(i, _changed(rec, lever, _minus(amount), ev))
                assert short is not None and short > target, (rec.name, lever, amount, short)
            checked[ev.cohort] += 1
    assert checked["above_scale"] >= 100 and checked["below_scale"] >= 20, checked


@pytest.fixture(scope="module")
def overlay(records, tmp_path_factory):
    """The sample park stored, then its benchmarks and cut-offs published as a file."""
    tmp = tmp_path_factory.mktemp("publish")
    store = Store(tmp / "db.sqlite3")
    pipeline.run(resource_path("sample", "sample-park.xlsx"), PROFILE, AS_OF, store=store)
    assert {r.year for r in records} == {records[0].year}
    return load(publish(store, PROFILE, records[0].year, tmp / "park.yaml", today=AS_OF))


def test_the_published_file_gives_every_sample_firm_its_park_class(records, overlay):
    park = {r.record.credit_code: r.mujun["class"]
            for r in assess_population(records, PROFILE, AS_OF)}
    alone = {r.credit_code: assess(r, overlay, AS_OF).mujun["class"] for r in records}
    assert alone == park
    assert sum(1 for c in park.values() if c) >= 200  # every ranked firm, 规上 and 规下


def test_cutoff_lifts_reach_the_next_class_and_one_unit_less_does_not(records, overlay):
    checked = {"above_scale": 0, "below_scale": 0}
    for rec in records:
        r = assess(rec, overlay, AS_OF)
        lift = r.mujun["lift"]
        if r.mujun["class_basis"] != "cutoffs" or not lift:
            continue
        ev = mujun.evaluate(Ctx(overlay, AS_OF), rec)
        for lever, amount in _levers(lift):
            got = assess(_changed(rec, lever, amount, ev), overlay, AS_OF).mujun["class"]
            assert got <= lift["target_class"], (rec.name, lever, amount, got)
            if amount > STEP:
                short = assess(_changed(rec, lever, _minus(amount), ev), overlay, AS_OF)
                assert short.mujun["class"] > lift["target_class"], (rec.name, lever, amount)
            checked[r.mujun["cohort"]] += 1
    assert checked["above_scale"] >= 100 and checked["below_scale"] >= 20, checked

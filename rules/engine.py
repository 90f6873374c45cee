"""The result tree: every criterion with its inputs, threshold, outcome, gap and citations.

The Qt view, the PDF report and the JSON output all render ``Node`` trees; nothing downstream
re-derives an explanation. Builders here turn values and profile parameters into nodes:

- ``Ctx.ref`` reads a parameter and returns its citation record (the tracer: a node lists every
  parameter it read);
- ``compare`` / ``flag`` make leaf criteria (a missing input is "unknown", never "met");
- ``all_of`` / ``any_of`` combine them;
- ``band_item`` / ``points_item`` / ``score_total`` handle points with bounds, so that a total
  built from partly unknown inputs still says "met" when even its worst case passes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from rules.numbers import meets, quotient
from rules.profile import Profile
from rules.schema import BY_KEY, T


class Outcome(str, Enum):
    MET = "met"
    UNMET = "unmet"
    UNKNOWN = "unknown"
    NA = "not_applicable"


OUTCOME_LABELS = {Outcome.MET: "满足", Outcome.UNMET: "不满足", Outcome.UNKNOWN: "未知（缺数据）",
                  Outcome.NA: "不适用"}


@dataclass(frozen=True)
class ParamRef:
    key: str
    name: str
    value: Any
    unit: str
    effective: str
    citation: str
    confidence: str
    note: str = ""
    data_year: int | None = None  # by-data-year parameters: the year of the version used

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "value": _jsonable(self.value),
                "unit": self.unit, "effective": self.effective, "citation": self.citation,
                "confidence": self.confidence, **({"note": self.note} if self.note else {}),
                **({"data_year": self.data_year} if self.data_year is not None else {})}


@dataclass(slots=True)
class Node:
    id: str
    label: str
    outcome: Outcome
    # condition | group (all of) | any (one of) | score | info (context, no verdict) |
    # fact (a yes/no or a value about the firm, no verdict) | sign (a warning sign: MET = not
    # triggered, UNMET = triggered) | section (a heading over other nodes, no verdict)
    kind: str = "condition"
    value: Any = None
    unit: str = ""
    op: str = ""
    threshold: Any = None
    gap: float | None = None  # how far the value must move to meet the threshold
    points: float | None = None  # score items: points certainly earned
    points_max: float | None = None  # … and at most, if the unknown inputs turn out best
    inputs: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    params: list[ParamRef] = field(default_factory=list)
    note: str = ""
    children: list[Node] = field(default_factory=list)
    # A warning on this node's own verdict: it rests on a low-confidence [L] default and would
    # change under the alternative (shown beside the verdict in every output).
    caveat: str = ""

    def walk(self) -> Iterator[Node]:
        """This node and all below it, depth first, in order (iterative: trees are wide)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def find(self, node_id: str) -> Node:
        for n in self.walk():
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "outcome": self.outcome.value,
                               "kind": self.kind}
        for k in ("value", "unit", "op", "threshold", "gap", "points", "points_max", "note",
                  "caveat"):
            v = getattr(self, k)
            if v not in (None, ""):
                out[k] = _jsonable(v)
        if self.inputs:
            out["inputs"] = {k: _jsonable(v) for k, v in self.inputs.items()}
        if self.missing:
            out["missing"] = list(self.missing)
        if self.params:
            out["params"] = [p.to_json() for p in self.params]
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        return out

    def brief(self) -> str:
        """One line for the JSON ``criteria``: see ``rules.wording.brief``."""
        from rules.wording import brief  # the wording module renders nodes and imports this one

        return brief(self)


def _jsonable(v: Any) -> Any:
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else round(v, 6)
    if isinstance(v, (frozenset, set)):
        return sorted(v)
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, date):
        return v.isoformat()
    return v


def fmt(v: Any) -> str:
    """A number for people: no float noise, ratios left as given."""
    if isinstance(v, float):
        if not math.isfinite(v):
            return "—"
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def ratio(num: float | None, den: float | None) -> float | None:
    """num ÷ den in exact decimal arithmetic (``rules.numbers.quotient``), or ``None`` when
    either is missing or the denominator is zero."""
    return quotient(num, den)


class Ctx:
    """A profile at a date: reads parameters and produces their citations."""

    def __init__(self, profile: Profile, as_of: date):
        self.profile = profile
        self.as_of = as_of
        self._refs: dict[tuple[str, int | None], ParamRef] = {}
        # Parameters read whose first version starts after ``as_of`` (then the earliest applies):
        # key → its first effective date; and those the current firm's assessment read (since
        # ``begin_firm``). Every output says so (``early_notes``).
        self.early: dict[str, date] = {}
        self.read_early: set[str] = set()
        # What a population adds to a firm's 亩均 evaluation (rules.assessments.mujun): the
        # benchmarks computed from the ranked firms, (cohort, year) → {indicator: benchmark},
        # and the park manager's entries, (credit code, year) → ``mujun.Manual``.
        self.population: dict[tuple[str, int | None], dict[str, Any]] = {}
        self.manual: dict[tuple[str, int | None], Any] = {}
        # 碳效: (data year, industry division) → the population's average carbon intensity
        self.carbon: dict[tuple[int | None, int], Any] = {}

    def v(self, key: str, year: int | None = None) -> Any:
        return self.ref(key, year).value

    def begin_firm(self) -> None:
        """A new firm's assessment starts: its notes name only the parameters it reads."""
        self.read_early = set()

    def ref(self, key: str, year: int | None = None) -> ParamRef:
        """The parameter's value and citation on ``as_of`` — for a by-data-year parameter, the
        version of data ``year`` (computed once per context, key and year as asked)."""
        ref = self._refs.get((key, year))
        if ref is None:
            ref = self._refs[(key, year)] = self._make_ref(
                key, year if BY_KEY[key].by_data_year else None)
        if key in self.early:
            self.read_early.add(key)
        return ref

    def _make_ref(self, key: str, year: int | None) -> ParamRef:
        spec = BY_KEY[key]
        p = self.profile.param(key)
        if p is None:
            return ParamRef(key, spec.name, None, spec.unit, "", "本配置未给出此参数", "L")
        ver = p.for_year(year, self.as_of)
        if ver.effective > self.as_of and spec.type is not T.DATE:  # a date says when, itself
            self.early.setdefault(key, ver.effective)
        return ParamRef(key, spec.name, ver.value, spec.unit, ver.effective.isoformat(),
                        ver.citation, ver.confidence, ver.note, ver.data_year)

    def early_notes(self) -> list[str]:
        """One sentence naming the parameters applied before their own effective date."""
        if not self.read_early:
            return []
        keys = sorted(self.read_early, key=lambda k: (self.early[k], k))
        names = "、".join(f"“{BY_KEY[k].name}”（{self.early[k].isoformat()} 起）" for k in keys[:4])
        more = f"等 {len(keys)} 项规则参数" if len(keys) > 4 else ""
        return [(f"评估日期 {self.as_of.isoformat()} 早于{names}{more}的生效日期，"
                 "暂按其最早版本计算")]


# ----------------------------------------------------------------------------- leaf criteria

OP_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _missing(inputs: Mapping[str, Any]) -> list[str]:
    return [k for k, v in inputs.items() if v is None]


def compare(ctx: Ctx, id: str, label: str, value: float | None, op: str, key: str,
            inputs: Mapping[str, Any], unit: str | None = None, note: str = "",
            threshold: float | None = None, extra: Iterable[str] = ()) -> Node:
    """``value op parameter[key]``; unknown when ``value`` is missing, n.a. when the
    (optional) parameter is unset. ``threshold`` overrides the parameter's value (derived
    thresholds) while still citing it."""
    ref = ctx.ref(key)
    refs = [ref, *map(ctx.ref, extra)] if extra else [ref]
    t = ref.value if threshold is None else threshold
    node = Node(id, label, Outcome.UNKNOWN, value=value, op=OP_SIGNS[op], threshold=t,
                unit=ref.unit if unit is None else unit, inputs=dict(inputs), params=refs,
                note=note)
    if t is None:
        node.outcome = Outcome.NA
        node.note = note or "本配置未设定此门槛"
        return node
    if None in node.inputs.values():
        node.missing = _missing(inputs)
    if value is None:
        if not node.missing:
            node.note = note or "无法计算（分母为 0 或数据不完整）"
        return node
    if meets(value, op, t):
        node.outcome = Outcome.MET
    else:
        node.outcome = Outcome.UNMET
        node.gap = abs(t - value)  # for a strict bound, 0 means "any amount beyond it"
    return node


def flag(id: str, label: str, value: bool | None, inputs: Mapping[str, Any],
         params: Iterable[ParamRef] = (), note: str = "", want: bool = True) -> Node:
    """A yes/no condition: met when ``value`` is ``want``."""
    node = Node(id, label, Outcome.UNKNOWN, value=value, inputs=dict(inputs),
                params=list(params), note=note)
    if None in node.inputs.values():
        node.missing = _missing(inputs)
    if value is not None:
        node.outcome = Outcome.MET if value is want else Outcome.UNMET
    return node


def info(id: str, label: str, note: str, value: Any = None, unit: str = "",
         params: Iterable[ParamRef] = ()) -> Node:
    return Node(id, label, Outcome.NA, kind="info", value=value, unit=unit, note=note,
                params=list(params))


# ----------------------------------------------------------------------------- combinators


def combine_all(outcomes: list[Outcome]) -> Outcome:
    live = [o for o in outcomes if o is not Outcome.NA]
    if not live:
        return Outcome.NA
    if Outcome.UNMET in live:
        return Outcome.UNMET
    if Outcome.UNKNOWN in live:
        return Outcome.UNKNOWN
    return Outcome.MET


def combine_any(outcomes: list[Outcome]) -> Outcome:
    live = [o for o in outcomes if o is not Outcome.NA]
    if not live:
        return Outcome.NA
    if Outcome.MET in live:
        return Outcome.MET
    if Outcome.UNKNOWN in live:
        return Outcome.UNKNOWN
    return Outcome.UNMET


def all_of(id: str, label: str, children: list[Node], note: str = "") -> Node:
    return Node(id, label, combine_all([c.outcome for c in children]), kind="group",
                children=children, note=note)


def any_of(id: str, label: str, children: list[Node], note: str = "") -> Node:
    return Node(id, label, combine_any([c.outcome for c in children]), kind="any",
                children=children, note=note or "满足其一即可")


def blockers(node: Node) -> list[Node]:
    """The leaves that keep ``node`` from being met (every alternative of an unmet "any")."""
    if node.outcome in (Outcome.MET, Outcome.NA) or node.kind == "info":
        return []
    if node.kind not in ("group", "any"):
        return [node]
    return [b for c in node.children for b in blockers(c)]


# ----------------------------------------------------------------------------- points


def band_points(value: float, bands: tuple[tuple[float, float], ...], ge: bool = True) -> float:
    """Points of the first band reached (bands are ordered best first); 0 when none."""
    for threshold, pts in bands:
        if meets(value, ">=" if ge else "<=", threshold):
            return pts
    return 0.0


def band_item(ctx: Ctx, id: str, label: str, value: float | None, key: str,
              inputs: Mapping[str, Any], ge: bool = True, unit: str = "", note: str = "") -> Node:
    """A banded score item. Unknown input → 0 certain points, the top band at most. The gap
    is the distance to the next better band."""
    ref = ctx.ref(key)
    bands = ref.value
    top = max(p for _, p in bands)
    node = Node(id, label, Outcome.UNKNOWN, kind="score", value=value, unit=unit or ref.unit,
                inputs=dict(inputs), params=[ref], note=note, points_max=top)
    node.missing = _missing(inputs)
    if value is None:
        node.points = 0.0
        return node
    pts = band_points(value, bands, ge)
    node.points = node.points_max = float(pts)
    better = [t for t, p in bands if p > pts]
    if pts >= top:
        node.outcome = Outcome.MET
    else:
        node.outcome = Outcome.UNMET
        nxt = min(better) if ge else max(better)
        node.threshold, node.op = nxt, "≥" if ge else "≤"
        node.gap = abs(nxt - value)
    return node


def points_item(id: str, label: str, possible: list[float], inputs: Mapping[str, Any],
                params: Iterable[ParamRef], top: float, value: Any = None, note: str = "",
                unit: str = "分") -> Node:
    """A score item whose points are known to lie among ``possible`` (one value when every
    input is known; several when some yes/no inputs are blank)."""
    lo, hi = min(possible), max(possible)
    node = Node(id, label, Outcome.UNKNOWN, kind="score", value=value, unit=unit,
                inputs=dict(inputs), params=list(params), points=float(lo), points_max=float(hi),
                note=note)
    node.missing = _missing(inputs)
    if lo == hi:
        node.outcome = Outcome.MET if lo >= top else Outcome.UNMET
        node.missing = []
    return node


def score_total(id: str, label: str, items: list[Node]) -> Node:
    lo = sum(i.points or 0.0 for i in items)
    hi = sum(i.points_max if i.points_max is not None else (i.points or 0.0) for i in items)
    node = Node(id, label, Outcome.MET if lo == hi else Outcome.UNKNOWN, kind="score",
                points=lo, points_max=hi, value=lo, unit="分", children=items)
    node.missing = sorted({m for i in items for m in i.missing})
    return node


def score_at_least(ctx: Ctx, id: str, label: str, total: Node, key: str,
                   attach: bool = True) -> Node:
    """Met when even the worst case reaches the threshold; unmet when even the best does not.
    With ``attach`` the total (and its items) hang below this condition in the tree."""
    ref = ctx.ref(key)
    t = ref.value
    lo, hi = total.points or 0.0, total.points_max or 0.0
    out = Outcome.MET if meets(lo, ">=", t) else Outcome.UNMET if not meets(hi, ">=", t) \
        else Outcome.UNKNOWN
    # Missing inputs matter here only while they leave the outcome open.
    node = Node(id, label, out, value=lo, op="≥", threshold=t, unit="分", params=[ref],
                missing=list(total.missing) if out is Outcome.UNKNOWN else [])
    if out is not Outcome.MET:
        node.gap = max(t - lo, 0.0)
    if lo != hi:
        node.note = f"已确定 {fmt(lo)} 分，缺数据的项目最多还可得 {fmt(hi - lo)} 分"
    if attach:
        node.children = [total]
    return node


def bool_bounds(fn: Callable[..., float], **inputs: bool | None) -> list[float]:
    """``fn`` evaluated for every way the blank (``None``) yes/no inputs could be filled in."""
    names = list(inputs)
    combos: list[dict[str, bool | None]] = [{}]
    for n in names:
        vals = [True, False] if inputs[n] is None else [inputs[n]]
        combos = [{**c, n: v} for c in combos for v in vals]
    return [fn(**c) for c in combos]

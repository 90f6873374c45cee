"""Units as park files write them, and exact conversion to the catalogue's units (SPEC §7.1).

A header says ``实缴税金（元）`` or ``用地面积（平方米）``; the catalogue keeps 万元 and 亩. Every
spelling below names a unit of one dimension with its size in that dimension's base unit, as
an exact fraction, so that a conversion is one correctly rounded multiplication of the user's
number (``Fraction(value) * factor``), never a chain of float steps. A unit of the wrong
dimension for a field (``元`` on a land column) converts to nothing: the caller refuses the
column and says why.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property


@dataclass(frozen=True)
class Unit:
    name: str  # the canonical spelling, as reports show it
    dimension: str
    size: Fraction  # in the dimension's base unit

    def __str__(self) -> str:
        return self.name


MONEY, AREA, ELECTRICITY, MASS, TCE, VOLUME, HEAT, COUNT, PERCENT, SCORE, LEVEL, YEARS = (
    "金额", "面积", "电量", "质量", "能耗", "体积", "热量", "数量", "百分比", "分值", "等级", "年数")

_MU = Fraction(10000, 15)  # 1 亩 = 10000/15 平方米 (exactly 666.67 m²)

# canonical name → (dimension, size in the base unit); base units: 元, 平方米, 千瓦时, 千克,
# 千克标准煤, 立方米, 兆焦, 1, 1 %, 1 分, 1 级, 1 年
_UNITS: dict[str, tuple[str, Fraction]] = {
    "元": (MONEY, Fraction(1)), "千元": (MONEY, Fraction(1000)), "万元": (MONEY, Fraction(10**4)),
    "百万元": (MONEY, Fraction(10**6)), "千万元": (MONEY, Fraction(10**7)),
    "亿元": (MONEY, Fraction(10**8)),
    "平方米": (AREA, Fraction(1)), "万平方米": (AREA, Fraction(10**4)), "公顷": (AREA, Fraction(10**4)),
    "亩": (AREA, _MU), "平方公里": (AREA, Fraction(10**6)),
    "千瓦时": (ELECTRICITY, Fraction(1)), "兆瓦时": (ELECTRICITY, Fraction(1000)),
    "万千瓦时": (ELECTRICITY, Fraction(10**4)), "亿千瓦时": (ELECTRICITY, Fraction(10**8)),
    "千克": (MASS, Fraction(1)), "吨": (MASS, Fraction(1000)), "万吨": (MASS, Fraction(10**7)),
    "千克标准煤": (TCE, Fraction(1)), "吨标准煤": (TCE, Fraction(1000)),
    "万吨标准煤": (TCE, Fraction(10**7)),
    "立方米": (VOLUME, Fraction(1)), "万立方米": (VOLUME, Fraction(10**4)),
    "亿立方米": (VOLUME, Fraction(10**8)),
    "千焦": (HEAT, Fraction(1, 1000)), "兆焦": (HEAT, Fraction(1)), "吉焦": (HEAT, Fraction(1000)),
    "百万千焦": (HEAT, Fraction(1000)),
    "人": (COUNT, Fraction(1)), "项": (COUNT, Fraction(1)), "%": (PERCENT, Fraction(1)),
    "分": (SCORE, Fraction(1)), "级": (LEVEL, Fraction(1)), "年": (YEARS, Fraction(1)),
}

# other spellings (after NFKC and lower-casing) → canonical name
_SPELLINGS: dict[str, str] = {
    "人民币元": "元", "万": "万元", "人民币万元": "万元", "亿": "亿元",
    "平米": "平方米", "m2": "平方米", "m^2": "平方米", "㎡": "平方米", "平方": "平方米",
    "hm2": "公顷", "ha": "公顷", "万m2": "万平方米", "km2": "平方公里",
    "kwh": "千瓦时", "kw·h": "千瓦时", "kw.h": "千瓦时", "度": "千瓦时", "mwh": "兆瓦时",
    "万kwh": "万千瓦时", "万度": "万千瓦时", "万kw·h": "万千瓦时", "亿kwh": "亿千瓦时",
    "kg": "千克", "公斤": "千克", "t": "吨", "万t": "万吨",
    "kgce": "千克标准煤", "千克标煤": "千克标准煤", "吨标煤": "吨标准煤", "tce": "吨标准煤",
    "t标准煤": "吨标准煤", "吨ce": "吨标准煤", "万吨标煤": "万吨标准煤", "万tce": "万吨标准煤",
    "m3": "立方米", "m^3": "立方米", "方": "立方米", "万m3": "万立方米", "万方": "万立方米",
    "亿m3": "亿立方米", "亿方": "亿立方米",
    "kj": "千焦", "mj": "兆焦", "gj": "吉焦", "10^6kj": "百万千焦",
    "个": "人", "名": "人", "人数": "人", "件": "项", "个数": "项", "百分比": "%", "百分数": "%",
}


def _key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower()
    s = s.replace("³", "3").replace("²", "2")
    return re.sub(r"[\s()（）\[\]【】]", "", s)


_LOOKUP: dict[str, Unit] = {}
for _name, (_dim, _size) in _UNITS.items():
    _LOOKUP[_key(_name)] = Unit(_name, _dim, _size)
for _spelling, _name in _SPELLINGS.items():
    _LOOKUP[_key(_spelling)] = _LOOKUP[_key(_name)]
# longest first, so that 万千瓦时 wins over 千瓦时 at the end of a header
SPELLINGS_LONGEST_FIRST: tuple[str, ...] = tuple(sorted(_LOOKUP, key=len, reverse=True))


def parse_unit(text: object) -> Unit | None:
    """The unit a text names (``"（万元）"``, ``"单位：元"``, ``"kWh"``), or ``None``."""
    if text is None:
        return None
    s = _key(str(text))
    s = re.sub(r"^(计量)?单位[:：]?", "", s)
    return _LOOKUP.get(s)


def unit_of(name: str) -> Unit:
    """The catalogue unit ``name`` (raises ``KeyError`` for a name that is not a unit)."""
    return _LOOKUP[_key(name)]


def as_typed(value: float) -> Fraction:
    """The exact decimal a user typed for ``value`` (``repr`` is the shortest round trip)."""
    return Fraction(repr(float(value)))


@dataclass(frozen=True)
class Conversion:
    """From the unit a file uses to the catalogue's; ``factor`` multiplies the user's number."""

    source: Unit
    target: Unit

    @cached_property  # read for every cell of a column: computed once
    def factor(self) -> Fraction:
        return self.source.size / self.target.size

    @cached_property
    def identity(self) -> bool:
        return self.factor == 1

    def apply(self, value: float) -> float:
        """The value in the target unit, rounded once: the number as the user typed it (the
        shortest decimal that reads back as ``value``, as Excel shows it) times the exact
        factor, so 4 203 518.36 元 is 420.351836 万元, not 420.35183600000005."""
        if self.identity:
            return value
        return float(as_typed(value) * self.factor)

    def describe(self) -> str:
        """How the report says it: ``元 → 万元，÷10 000``."""
        f = self.factor
        if f == 1:
            return f"{self.source.name}（与目录单位相同）" if self.source.name != self.target.name \
                else self.target.name
        if f.numerator == 1:
            how = f"÷{_group(f.denominator)}"
        elif f.denominator == 1:
            how = f"×{_group(f.numerator)}"
        else:
            how = f"×{float(f):g}"
        if AREA == self.target.dimension and "亩" in (self.source.name, self.target.name):
            how += "（1 亩 = 666.67 平方米）"
        return f"{self.source.name} → {self.target.name}，{how}"


def _group(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def conversion(source: Unit, target_name: str) -> Conversion | None:
    """The conversion from ``source`` to the catalogue unit ``target_name``; ``None`` when the
    dimensions differ (元 on a land column) or the target is not a known unit."""
    try:
        target = unit_of(target_name)
    except KeyError:
        return None
    if source.dimension != target.dimension:
        return None
    return Conversion(source, target)


def trailing_unit(text: str) -> tuple[str, Unit] | None:
    """``("用电量", 千瓦时)`` for ``"用电量千瓦时"`` or ``"用电量/kWh"``: a unit written without
    brackets at the end of a header. The head must keep at least two characters."""
    s = _key(text)
    for spelling in SPELLINGS_LONGEST_FIRST:
        if not s.endswith(spelling):
            continue
        raw = s[: -len(spelling)]
        head = raw.rstrip("/:：-_,，")
        if len(head) >= 2 and (head != raw or spelling not in _AMBIGUOUS):
            return head, _LOOKUP[spelling]
    return None


# Dimensions whose units change a figure's size (a count, a score or a year does not); a text
# naming one of them that is not a unit we read (元/年, 万元/亩) is never passed over.
_SCALED = {MONEY, AREA, ELECTRICITY, MASS, TCE, VOLUME, HEAT}
_MENTIONS = tuple(sorted({s for s, u in _LOOKUP.items() if u.dimension in _SCALED
                          and (len(s) > 1 or s in ("元", "亩", "吨", "㎡")) and s != "ha"},
                         key=len, reverse=True))


def mentions_unit(text: str) -> bool:
    """Whether ``text`` contains the spelling of a unit of money, area, energy, mass, volume
    or heat (``元/年``, ``现价万元``); ``万`` or ``度`` alone are not taken as one."""
    s = _key(text)
    return any(m in s for m in _MENTIONS)


# Spellings that end ordinary labels too (…人数 is a count, …得分 a score, …年 a year, …t a
# letter): taken as a trailing unit only behind a separator (``用地/方``).
_AMBIGUOUS = frozenset(_key(s) for s in (
    "t", "万", "亿", "方", "度", "个", "名", "人", "项", "件", "分", "级", "年", "ha", "人数", "个数",
    "平方", "元", "亩"))

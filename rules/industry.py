"""GB/T 4754-2017《国民经济行业分类》: look up and check industry codes.

The classification ships as data in ``rules/data/`` (see the README there for the source copy and
the counts): every 大类 (2 digits), 中类 (3 digits) and 小类 (4 digits) with its official name, and
the 20 门类 letters with the range of 大类 each covers. The tables load lazily, once.

Pure Python: no third-party imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STANDARD = "GB/T 4754-2017"
DATA_DIR = Path(__file__).parent / "data"
CODES_FILE = DATA_DIR / "gbt4754-2017.tsv"
SECTIONS_FILE = DATA_DIR / "gbt4754-2017-sections.tsv"

LEVELS = {2: "division", 3: "group", 4: "class"}
_LEVEL_ZH = {2: "大类", 3: "中类", 4: "小类"}
_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {"\u3000": " "}


@dataclass(frozen=True)
class Industry:
    code: str  # as given (normalised), 2–4 digits
    name: str  # the name of that exact code
    division: str  # 2-digit code
    division_name: str
    section: str  # 门类 letter, e.g. "C"
    section_name: str  # e.g. "制造业"

    @property
    def level(self) -> str:
        """``division``, ``group`` or ``class``."""
        return LEVELS[len(self.code)]


@dataclass(frozen=True)
class Section:
    letter: str
    name: str
    first_division: str
    last_division: str

    def covers(self, division: str) -> bool:
        return self.first_division <= division <= self.last_division


@dataclass(frozen=True)
class _Tables:
    names: dict[str, str]  # code → name, every level
    sections: tuple[Section, ...]


def _read_tsv(path: Path, header: list[str]) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != header:
        raise ValueError(f"{path.name}: expected the header {header!r}")
    rows = [line.split("\t") for line in lines[1:] if line.strip()]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"{path.name}: malformed row {row!r}")
    return rows


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    names = {}
    for code, name, level in _read_tsv(CODES_FILE, ["code", "name", "level"]):
        if LEVELS.get(len(code)) != level or not code.isdigit():
            raise ValueError(f"{CODES_FILE.name}: code {code!r} does not match level {level!r}")
        names[code] = name
    sections = tuple(
        Section(*row)
        for row in _read_tsv(SECTIONS_FILE, ["letter", "name", "first_division", "last_division"])
    )
    return _Tables(names, sections)


def sections() -> tuple[Section, ...]:
    """The 20 门类, A–T."""
    return _tables().sections


def codes(level: str | None = None) -> tuple[str, ...]:
    """Every code of the classification (or of one level: division, group, class), sorted."""
    names = _tables().names
    return tuple(sorted(c for c in names if level is None or LEVELS[len(c)] == level))


def section_of(division: str) -> Section | None:
    return next((s for s in _tables().sections if s.covers(division)), None)


def _normalise(text: str) -> str:
    """Trim; full-width digits and spaces → ASCII; drop inner spaces."""
    return "".join(_FULLWIDTH.get(c, c) for c in text).replace(" ", "").strip()


def lookup(code: str) -> Industry | None:
    """The industry of a 2–4 digit code; None when the code is not in the classification."""
    if not isinstance(code, str):
        return None
    code = _normalise(code)
    names = _tables().names
    if code not in names:
        return None
    division = code[:2]
    section = section_of(division)
    if section is None:  # every shipped division lies in a section; guard against bad data
        return None
    return Industry(
        code=code,
        name=names[code],
        division=division,
        division_name=names[division],
        section=section.letter,
        section_name=section.name,
    )


def _children(parent: str) -> list[str]:
    return sorted(c for c in _tables().names if len(c) == len(parent) + 1 and c.startswith(parent))


def check_industry_code(text: str) -> tuple[str, str | None]:
    """(normalised code, error) — error is a Chinese sentence or None.

    Accepts 2, 3 or 4 digits that exist in GB/T 4754-2017 (大类, 中类 or 小类). A wrong code names
    the nearest level that does exist, e.g. '610' → "… 06 大类“煤炭开采和洗选业”下没有中类 610 …".
    """
    code = _normalise(text) if isinstance(text, str) else ""
    shape = "应为 2–4 位数字（大类 2 位、中类 3 位、小类 4 位，如 33、331 或 3311）"
    if not code:
        return code, f"行业代码为空，{shape}。"
    if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 4):
        hint = ""
        if code[:1].isalpha() and code[1:].isascii() and code[1:].isdigit():
            hint = f"门类字母 {code[0].upper()} 不属于行业代码，请只填数字部分 {code[1:]}；"
        return code, f"行业代码“{code}”{hint}{shape}。{_leading_zero_hint(code)}"
    names = _tables().names
    if code in names:
        return code, None

    lead = f"行业代码“{code}”不在 {STANDARD} 中："
    division = code[:2]
    if division not in names:
        divisions = codes("division")
        return code, f"{lead}没有 {division} 大类（大类代码为 {divisions[0]}–{divisions[-1]}）。"
    # the longest prefix that exists: the division, or (for a 4-digit code) its group
    parent = code[:3] if len(code) == 4 and code[:3] in names else division
    level = _LEVEL_ZH[len(parent) + 1]
    missing = code[: len(parent) + 1]
    what = f"{level} {missing}"
    if missing != code:
        what += f"，因此也没有小类 {code}"
    children = "、".join(_children(parent))
    return code, (
        f"{lead}{parent} {_LEVEL_ZH[len(parent)]}“{names[parent]}”下没有{what}"
        f"（该{_LEVEL_ZH[len(parent)]}的{level}有：{children}）。{_leading_zero_hint(code)}"
    )


def _leading_zero_hint(code: str) -> str:
    """Spreadsheets drop the leading 0 of codes like 0610 (→ 610) or 06 (→ 6): say so."""
    if not (code.isascii() and code.isdigit() and len(code) in (1, 3)):
        return ""
    padded = "0" + code
    name = _tables().names.get(padded)
    if name is None:
        return ""
    return (
        f"如果指的是{_LEVEL_ZH[len(padded)]} {padded}“{name}”，请写成 {len(padded)} 位 {padded}"
        f"（表格软件常把开头的 0 去掉，可把该列设为文本格式）。"
    )


def industry_label(code: str) -> str:
    """'3311 金属结构制造' for a known code, the code itself otherwise."""
    found = lookup(code)
    return f"{found.code} {found.name}" if found else code

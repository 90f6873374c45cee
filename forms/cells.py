"""One spreadsheet cell → one typed value for its catalogue field, or a ``CellError`` in Chinese.

Cells arrive as the readers give them: str, int, float, bool, date, or None/'' for blank. A cell
is never silently turned into 0: unit words, error values and stray text are errors.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from typing import Any

from rules.catalogue import Field, Kind
from rules.identifiers import check_credit_code
from rules.industry import check_industry_code

BLANK_MARKS = {"-", "—", "－", "--", "/", "／", "—/—", "——", "---", "无", "空", "暂无", "\\"}
ERROR_VALUES = {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                "N/A", "NA", "#N/A!", "NAN", "INF", "-INF"}
_TRUE = {"是", "y", "yes", "1", "√", "true", "t", "✓", "✔", "对", "有"}
_FALSE = {"否", "n", "no", "0", "×", "false", "f", "✗", "✘", "错", "没有"}
# words that answer one yes/no field in particular (是否规上 written 规上 / 规模以下 …)
_FIELD_WORDS = {"above_scale": ({"规上", "规模以上", "规上企业", "规模以上企业", "规上工业"},
                                {"规下", "规模以下", "规下企业", "规模以下企业", "规下工业"}),
                "in_production": ({"已投产", "投产", "正常生产"}, {"未投产", "在建", "停产"})}
_PAREN = re.compile(r"[(（][^()（）]*[)）]$")
# characters that sneak into codes pasted from web pages, PDFs and other systems
_INVISIBLE = {"\t": "制表符", "\n": "换行符", "\r": "回车符", "\u200b": "零宽空格",
              "\u200c": "零宽字符", "\u200d": "零宽字符", "\ufeff": "零宽不换行空格（BOM）",
              "\u00a0": "不换行空格", "\u2060": "零宽字符", "\u3000": "全角空格"}
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_YEAR_TEXT = re.compile(r"^(\d{4})\s*(年|年度)?$")
_MULTI_SPLIT = re.compile(r"[、,，;；\s]+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
# Beyond these no declared figure is real, and beyond 2⁵³ a float no longer holds every integer:
# a value past them is refused with the cell's place, never stored (an integer field's own
# maximum, where the catalogue gives one, is stricter).
MAX_NUMBER = 1e15
MAX_INT = 10 ** 12
MAX_TEXT = 500  # characters in a text cell (a firm's name, a park, a project): reports print it
# Control characters (C0, DEL, C1) other than the tab and line breaks _INVISIBLE names.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class CellError(ValueError):
    """A cell that cannot be used; ``message`` is the reason shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalise_text(value: str) -> str:
    """Full-width → half-width (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def drop_controls(text: str, notes: Notes | None) -> str:
    """``text`` without control characters, saying which were removed (they never reach a
    workbook or a PDF, and are not dropped silently)."""
    if _CONTROL.search(text) is None:  # nearly every cell
        return text
    found = sorted(set(_CONTROL.findall(text)))
    if notes is not None:
        notes.append("删除了控制字符 " + "、".join(f"U+{ord(c):04X}" for c in found))
    return _CONTROL.sub("", text)


def _foreign_digits(text: str) -> str:
    """The digits in ``text`` other than 0–9 and full-width ０–９ (١٢٣, ๑๒๓, 𝟏𝟐𝟑, ①): NFKC or
    Python's float() would read them silently as numbers."""
    return "".join(dict.fromkeys(c for c in text if c.isdigit()
                                 and not c.isascii() and not "０" <= c <= "９"))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


Notes = list[str]  # what a cell's reading did besides typing it (said in the import report)


def parse_number(value: Any, field: Field, notes: Notes | None = None,
                 unit: str | None = None) -> float | None:
    """A finite number, or ``None`` for a blank (or a dash meaning "none given"). ``unit``:
    the unit the cell's column is read in, when not the field's (a column headed in 元)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"应为数字，单元格是逻辑值 {'TRUE' if value else 'FALSE'}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise CellError("不是有限数字")
        return _in_range(float(value))
    if isinstance(value, (date, datetime)):
        raise CellError(f"应为数字，单元格是日期 {value:%Y-%m-%d}（请检查单元格格式）")
    raw = drop_controls(str(value), notes)
    text = normalise_text(raw)
    if text in BLANK_MARKS:
        if notes is not None:
            notes.append(f"写作“{text}”的单元格按空白（未填报）读取，不是 0")
        return None
    foreign = _foreign_digits(raw)
    if foreign:
        raise CellError(f"“{_short(raw.strip())}”含其他文字的数字“{foreign}”：请改用 0–9 填写")
    if text.upper() in ERROR_VALUES or text.startswith("#"):
        raise CellError(f"单元格是错误值“{_short(text)}”，不是数字（请先修正公式或留空）")
    compact = text.replace(",", "").replace(" ", "")
    if field.unit == "%" and compact.endswith("%"):
        compact = compact[:-1]
    if _NUMBER.match(compact):
        return _in_range(float(compact))
    written = re.sub(r"^[+-]?[\d.,]+", "", compact)
    if written and compact[:1].isdigit():
        read_in = unit or field.unit  # the column's unit: its header's, else assumed
        raise CellError(f"“{_short(text)}”带有文字或单位“{_short(written, 20)}”：请只填数字"
                        + (f"，按“{read_in}”计" if read_in else ""))
    raise CellError(f"“{_short(text)}”不是数字")


def _in_range(v: float) -> float:
    if not math.isfinite(v) or abs(v) > MAX_NUMBER:
        shown = f"{v:g}" if math.isfinite(v) else "过大"
        raise CellError(f"数值{shown}，超出可用范围（绝对值不超过 {MAX_NUMBER:g}）")
    return v


def _short(text: str, n: int = 40) -> str:
    """A cell's text as quoted in a message: at most ``n`` characters."""
    return text if len(text) <= n else text[:n] + f"…（共 {len(text)} 个字符）"


def parse_cell(value: Any, field: Field, notes: Notes | None = None,
               unit: str | None = None) -> Any:
    """The typed value of ``value`` for ``field`` (``None`` when blank); raises ``CellError``.
    What the reading changed (a year written ``2024年度``, a code cleaned of a tab …) is
    appended to ``notes``; ``unit`` is the unit of the cell's column when its header gives
    another one than the field's (元 for a field in 万元), for the error's words."""
    k = field.kind
    if k is Kind.NUMBER and type(value) is float:  # a plain number cell, the common case
        if not -MAX_NUMBER <= value <= MAX_NUMBER:  # also NaN and ±inf
            if not math.isfinite(value):
                raise CellError("不是有限数字")
            _in_range(value)
        lo, hi = field.minimum, field.maximum
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            return _bounds(value, field)  # raises, unless a negative the field allows
        return value
    if isinstance(value, str):  # before any trimming: str.strip() drops U+001C–U+001F silently
        value = drop_controls(value, notes)
    if k is Kind.INT and field.id.endswith("year") and not is_blank(value):
        value = _year(value, notes)
    if k in (Kind.NUMBER, Kind.INT):
        v = parse_number(value, field, notes, unit)
        if v is None:
            return None
        if k is Kind.INT:
            if v != int(v):
                raise CellError(f"应为整数，得到 {v:g}")
            if abs(v) > MAX_INT:
                raise CellError(f"{v:g} 超出整数字段的可用范围（绝对值不超过 {MAX_INT:g}）")
            v = int(v)
        return _bounds(v, field)
    if is_blank(value):
        return None
    if k is Kind.CODE:
        return parse_credit_code(value, notes)
    if k is Kind.BOOL:
        return _yes_no(value, field, notes)
    text = _text(value)
    if len(text) > MAX_TEXT:
        raise CellError(f"文字过长：{len(text)} 个字符，最多 {MAX_TEXT} 个（“{_short(text, 20)}”）")
    if k is Kind.TEXT:
        return _industry_code(value, normalise_text(text)) if field.id == "industry_code" else text
    text = normalise_text(text)  # choices compare in half-width
    if k is Kind.CHOICE:
        if text not in field.choices:
            raise CellError(f"“{_short(text)}”不是可选值（{'/'.join(field.choices)}）")
        return text
    if k is Kind.MULTI:
        items = [t for t in _MULTI_SPLIT.split(text) if t]
        bad = [t for t in items if t not in field.choices]
        if bad:
            raise CellError(f"不认识的选项“{_short('、'.join(bad))}”（可选：{'、'.join(field.choices)}）")
        return frozenset(items)
    raise AssertionError(k)  # pragma: no cover


def _bounds(v: float, field: Field) -> float:
    """``v`` within the field's range (a negative value of a field that allows it with a
    warning passes; the warning is the record check's)."""
    if field.minimum is not None and v < field.minimum and not field.allow_negative_warning:
        raise CellError(f"{v:g} 小于允许的最小值 {field.minimum:g}")
    if field.maximum is not None and v > field.maximum:
        raise CellError(f"{v:g} 大于允许的最大值 {field.maximum:g}")
    return v


def _yes_no(value: Any, field: Field, notes: Notes | None) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = normalise_text(str(value)).lower()
    yes, no = _FIELD_WORDS.get(field.id, (set(), set()))
    for candidate in (text, _PAREN.sub("", text)):
        if candidate in _TRUE or candidate in yes:
            return True
        if candidate in _FALSE or candidate in no:
            return False
    if text in BLANK_MARKS:
        if notes is not None:
            notes.append(f"写作“{text}”的单元格按空白（未填报）读取")
        return None
    words = "、".join(sorted(yes | no)[:4])
    raise CellError(f"“{_short(str(value))}”不是 是/否（也接受 Y/N、1/0、√/×{'、' + words if words else ''}）")


def _year(value: Any, notes: Notes | None) -> Any:
    """A year as people write it: 2024, ``2024年``, ``2024年度``, a date (old systems keep the
    year as a date), or 2024 typed into a date-formatted cell (which reads as 1905-07-16)."""
    if isinstance(value, (date, datetime)):
        d = value.date() if isinstance(value, datetime) else value
        serial = (d - date(1899, 12, 30)).days
        if d.year <= 1905 and 1900 <= serial <= 2100:
            if notes is not None:
                notes.append("年份单元格设成了日期格式（显示为 1905 年前后的日期），按其数值读作年份")
            return serial
        if notes is not None:
            notes.append("年份写成了日期，取其年份")
        return d.year
    if isinstance(value, str):
        m = _YEAR_TEXT.match(normalise_text(value))
        if m and m[2]:
            if notes is not None:
                notes.append(f"年份写作“{normalise_text(value)}”，按 {m[1]} 读取")
            return int(m[1])
    return value


def _text(value: Any) -> str:
    """Text as written (trimmed); a whole number typed into a text column loses its '.0'."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


def _industry_code(raw: Any, text: str) -> str:
    if len(text) > 12:
        raise CellError(f"行业代码“{_short(text, 20)}”过长：应为 GB/T 4754 的 2–4 位数字")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and len(text) in (1, 3):
        raise CellError(f"行业代码被存成了数字 {text}，开头的 0 可能已丢失：请把该列设为文本后重新填写")
    code, error = check_industry_code(text)
    if error:
        raise CellError(error)
    return code


class CreditCode(str):
    """A checked credit code; ``warnings`` holds what the organisation-code check found."""

    warnings: tuple[str, ...] = ()


def parse_credit_code(value: Any, notes: Notes | None = None) -> CreditCode:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError("统一社会信用代码被 Excel 存成了数字（显示为科学计数法如 9.13310E+17），"
                        "后几位已丢失：请把该列设为文本格式后重新粘贴代码（或在代码前加英文单引号 '）")
    text = str(value)
    found = sorted({name for ch, name in _INVISIBLE.items() if ch in text})
    for ch in _INVISIBLE:
        text = text.replace(ch, "")
    stripped = text.strip()
    if stripped[:1] in ("'", "’", "‘", "`"):
        found.append("开头的单引号")
        text = stripped[1:]
    if _SCIENTIFIC.match(normalise_text(text)):
        raise CellError(f"“{_short(normalise_text(text))}”是被 Excel 转成科学计数法的代码，后几位已丢失：请把该列"
                        "设为文本格式后重新粘贴代码（或在代码前加英文单引号 '）")
    if found and notes is not None:
        notes.append(f"信用代码中的{'、'.join(found)}已去除")
    check = check_credit_code(text)
    if not check.ok:
        raise CellError(check.errors[0])
    code = CreditCode(check.code)
    code.warnings = check.warnings
    return code

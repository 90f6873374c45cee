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

BLANK_MARKS = {"-", "—", "－", "--", "/", "／", "—/—"}
ERROR_VALUES = {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                "N/A", "NA", "#N/A!", "NAN", "INF", "-INF"}
_TRUE = {"是", "y", "yes", "1", "√", "true", "t", "✓", "✔", "对"}
_FALSE = {"否", "n", "no", "0", "×", "false", "f", "✗", "✘", "错"}
_MULTI_SPLIT = re.compile(r"[、,，;；\s]+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class CellError(ValueError):
    """A cell that cannot be used; ``message`` is the reason shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalise_text(value: str) -> str:
    """Full-width → half-width (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number(value: Any, field: Field) -> float | None:
    """A finite number, or ``None`` for a blank (or a dash meaning "none given")."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"应为数字，单元格是逻辑值 {'TRUE' if value else 'FALSE'}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise CellError("不是有限数字")
        return float(value)
    if isinstance(value, (date, datetime)):
        raise CellError(f"应为数字，单元格是日期 {value:%Y-%m-%d}（请检查单元格格式）")
    text = normalise_text(str(value))
    if text in BLANK_MARKS:
        return None
    if text.upper() in ERROR_VALUES or text.startswith("#"):
        raise CellError(f"单元格是错误值“{text}”，不是数字（请先修正公式或留空）")
    compact = text.replace(",", "").replace(" ", "")
    if field.unit == "%" and compact.endswith("%"):
        compact = compact[:-1]
    if _NUMBER.match(compact):
        return float(compact)
    unit = re.sub(r"^[+-]?[\d.,]+", "", compact)
    if unit and compact[:1].isdigit():
        raise CellError(f"“{text}”带有文字或单位“{unit}”：请只填数字，单位见表头（{field.unit or '无'}）")
    raise CellError(f"“{text}”不是数字")


def parse_cell(value: Any, field: Field) -> Any:
    """The typed value of ``value`` for ``field`` (``None`` when blank); raises ``CellError``."""
    k = field.kind
    if k in (Kind.NUMBER, Kind.INT):
        v = parse_number(value, field)
        if v is None:
            return None
        if k is Kind.INT:
            if v != int(v):
                raise CellError(f"应为整数，得到 {v:g}")
            v = int(v)
        if field.minimum is not None and v < field.minimum and not field.allow_negative_warning:
            raise CellError(f"{v:g} 小于允许的最小值 {field.minimum:g}")
        if field.maximum is not None and v > field.maximum:
            raise CellError(f"{v:g} 大于允许的最大值 {field.maximum:g}")
        return v
    if is_blank(value):
        return None
    if k is Kind.CODE:
        return parse_credit_code(value)
    if k is Kind.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = normalise_text(str(value)).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(f"“{value}”不是 是/否（也接受 Y/N、1/0、√/×）")
    text = _text(value)
    if k is Kind.TEXT:
        return _industry_code(value, normalise_text(text)) if field.id == "industry_code" else text
    text = normalise_text(text)  # choices compare in half-width
    if k is Kind.CHOICE:
        if text not in field.choices:
            raise CellError(f"“{text}”不是可选值（{'/'.join(field.choices)}）")
        return text
    if k is Kind.MULTI:
        items = [t for t in _MULTI_SPLIT.split(text) if t]
        bad = [t for t in items if t not in field.choices]
        if bad:
            raise CellError(f"不认识的选项“{'、'.join(bad)}”（可选：{'、'.join(field.choices)}）")
        return frozenset(items)
    raise AssertionError(k)  # pragma: no cover


def _text(value: Any) -> str:
    """Text as written (trimmed); a whole number typed into a text column loses its '.0'."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, (date, datetime)):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


def _industry_code(raw: Any, text: str) -> str:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and len(text) in (1, 3):
        raise CellError(f"行业代码被存成了数字 {text}，开头的 0 可能已丢失：请把该列设为文本后重新填写")
    if not (text.isdigit() and 2 <= len(text) <= 4):
        raise CellError(f"“{text}”不是 2–4 位数字的国民经济行业代码（GB/T 4754-2017）")
    return text


class CreditCode(str):
    """A checked credit code; ``warnings`` holds what the organisation-code check found."""

    warnings: tuple[str, ...] = ()


def parse_credit_code(value: Any) -> CreditCode:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError("统一社会信用代码被存成了数字，后几位已丢失：请把该列设为文本格式后重新粘贴代码")
    check = check_credit_code(str(value))
    if not check.ok:
        raise CellError(check.errors[0])
    code = CreditCode(check.code)
    code.warnings = check.warnings
    return code

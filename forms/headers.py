"""Find the header row of a messy sheet and map its columns to catalogue fields (SPEC §7)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rules.catalogue import ENTERPRISE_FIELDS, PROJECT_FIELDS, Field

HEADER_SEARCH_ROWS = 15
ENTERPRISE, PROJECT = "enterprise", "project"
_SUFFIX = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")
_REQUIRED_MARK = re.compile(r"^[*＊※]+|[*＊※]+$")


def normalise_header(text: Any) -> str:
    """Trim, full-width → half-width, ignore case and inner spaces, drop required marks (*)."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s).lower()
    return _REQUIRED_MARK.sub("", s)


def _names(fields: Sequence[Field]) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields:
        for name in (f.label, f.header, *f.aliases):
            key = normalise_header(name)
            if out.get(key, f.id) != f.id:
                raise AssertionError(f"header {name!r} would match {out[key]} and {f.id}")
            out[key] = f.id
    return out


NAMES = {ENTERPRISE: _names(ENTERPRISE_FIELDS), PROJECT: _names(PROJECT_FIELDS)}


def match_header(text: Any, kind: str) -> str | None:
    """The field id a header names: the whole text first, then with trailing parenthesised unit
    suffixes removed one at a time (``实缴税金（万元）`` → ``实缴税金``)."""
    names = NAMES[kind]
    s = normalise_header(text)
    while s:
        if s in names:
            return names[s]
        stripped = _SUFFIX.sub("", s)
        if stripped == s:
            return None
        s = stripped
    return None


@dataclass
class Header:
    kind: str
    row: int  # 0-based index into the sheet's rows
    columns: dict[str, int]  # field id → 0-based column
    titles: dict[str, str]  # field id → header text as the user wrote it
    unknown: list[str] = field(default_factory=list)  # header texts kept but ignored
    duplicates: list[str] = field(default_factory=list)


def find_header(rows: Sequence[Sequence[Any]]) -> Header | None:
    """The best header row among the first 15: the one matching the most catalogue fields.
    A sheet is a project sheet when it names 新上项目名称, an enterprise sheet when it names
    企业名称 or 统一社会信用代码 and at least two other fields."""
    best: Header | None = None
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for kind in (PROJECT, ENTERPRISE):
            cols: dict[str, int] = {}
            titles: dict[str, str] = {}
            unknown: list[str] = []
            dups: list[str] = []
            for c, cell in enumerate(row):
                if cell is None or not str(cell).strip():
                    continue
                fid = match_header(cell, kind)
                if fid is None:
                    unknown.append(str(cell))
                elif fid in cols:
                    dups.append(str(cell))
                else:
                    cols[fid], titles[fid] = c, str(cell).strip()
            if kind == PROJECT and "project_name" not in cols:
                continue
            if kind == ENTERPRISE and not ({"name", "credit_code"} & cols.keys() and len(cols) >= 3):
                continue
            if best is None or len(cols) > len(best.columns):
                best = Header(kind, r, cols, titles, unknown, dups)
    return best

"""A typed declaration built from the field catalogue.

``Record`` holds already-clean Python values keyed by catalogue id; a blank is simply absent and
reads as ``None`` (unknown, never 0). Parsing messy cells into such values is ``forms``' job;
this module only coerces values that are already of the right kind (JSON, the Qt form) and
refuses ids the catalogue does not know.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import field, make_dataclass
from typing import Any

from rules.catalogue import ENTERPRISE_BY_ID, PROJECT_BY_ID, Field, Kind

_TRUE = {"是", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "n", "no", "false", "0", "×"}


class RecordError(ValueError):
    """A value that does not fit its catalogue field."""

    def __init__(self, field_id: str, message: str):
        super().__init__(field_id, message)  # both in args, so it survives pickling
        self.field_id = field_id
        self.message = message

    def __str__(self) -> str:
        return f"{self.field_id}: {self.message}"


def coerce(f: Field, value: Any) -> Any:
    """The typed value of ``value`` for field ``f``; ``None`` for a blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    k = f.kind
    if k in (Kind.TEXT, Kind.CODE):
        if not isinstance(value, str):
            raise RecordError(f.id, f"应为文本，得到 {type(value).__name__}")
        return value.strip()
    if k in (Kind.NUMBER, Kind.INT):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RecordError(f.id, f"应为数字，得到 {value!r}")
        if not math.isfinite(value):
            raise RecordError(f.id, "不是有限数字")
        if k is Kind.INT:
            if float(value) != int(value):
                raise RecordError(f.id, f"应为整数，得到 {value!r}")
            return int(value)
        return float(value)
    if k is Kind.BOOL:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise RecordError(f.id, f"应为 是/否，得到 {value!r}")
    if k is Kind.CHOICE:
        if value not in f.choices:
            raise RecordError(f.id, f"应为 {'/'.join(f.choices)} 之一，得到 {value!r}")
        return value
    if k is Kind.MULTI:
        items = [value] if isinstance(value, str) else list(value)
        bad = [v for v in items if v not in f.choices]
        if bad:
            raise RecordError(f.id, f"不认识的选项 {bad!r}（可选：{'、'.join(f.choices)}）")
        return frozenset(items)
    raise AssertionError(k)  # pragma: no cover - every Kind is handled above


def _typed(values: Mapping[str, Any], catalogue: Mapping[str, Field]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in values.items():
        f = catalogue.get(key)
        if f is None:
            raise RecordError(key, "目录中没有这个字段")
        v = coerce(f, raw)
        if v is not None:
            out[key] = v
    return out


class _Values:
    """Shared behaviour of the generated record classes (one slot per catalogue field)."""

    __slots__ = ()
    _catalogue: Mapping[str, Field] = {}

    @property
    def values(self) -> dict[str, Any]:
        """The fields that have a value."""
        return {k: v for k in self._catalogue if (v := getattr(self, k)) is not None}

    def get(self, name: str) -> Any:
        if name not in self._catalogue:
            raise KeyError(name)
        return getattr(self, name)

    def missing(self, *names: str) -> list[str]:
        """The ids among ``names`` that have no value."""
        return [n for n in names if self.get(n) is None]


def _generated(name: str, catalogue: Mapping[str, Field], extra: list) -> type:
    cls = make_dataclass(name, [(k, Any, None) for k in catalogue] + extra, bases=(_Values,),
                         frozen=True, slots=True, namespace={"_catalogue": catalogue})
    cls.__doc__ = f"A typed {name.lower()}: one attribute per catalogue field, ``None`` when blank."
    cls.__module__ = __name__  # found again by name (pickled to worker processes)
    return cls


Project = _generated("Project", PROJECT_BY_ID, [])
_RecordBase = _generated("Record", ENTERPRISE_BY_ID, [("projects", tuple, field(default=()))])


class Record(_RecordBase):  # type: ignore[misc, valid-type]
    __slots__ = ()

    def replace(self, **changes: Any) -> Record:
        """A copy with some values changed (``None`` clears one)."""
        merged = dict(self.values)
        merged.update(changes)
        return make_record(merged, [p.values for p in self.projects])


def make_project(values: Mapping[str, Any]) -> Project:
    return Project(**_typed(values, PROJECT_BY_ID))


def record_of_checked(values: Mapping[str, Any],
                      projects: Iterable[Mapping[str, Any]] = ()) -> Record:
    """A record from values a validator has already typed exactly as ``coerce`` would (the
    import path: no second coercion of 70 fields a row)."""
    return Record(**values, projects=tuple(Project(**p) for p in projects))


def make_record(values: Mapping[str, Any],
                projects: Iterable[Mapping[str, Any]] = ()) -> Record:
    """A record from field-id → value; raises ``RecordError`` for unknown ids or wrong types."""
    return Record(**_typed(values, ENTERPRISE_BY_ID),
                  projects=tuple(make_project(p) for p in projects))

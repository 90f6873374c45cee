"""A county method being edited, and the ``profile.yaml`` it is written as.

The profile editor (desktop) edits a ``Method``: the profile block, the documents cited and,
per parameter, its dated versions, each with its source and clause. ``to_yaml`` writes exactly
the format ``rules.profile.load`` reads — the YAML file stays the one source of truth, the
editor stores nothing else. ``from_profile`` reads a loaded profile's county parameters (all
that do not come from the provincial base) so that a copy can be edited; versions of other data
years are carried as they are and written back unchanged.

Every text a person typed is written as a JSON string (as ``forms.publish`` does): a name or a
clause may hold ':' '#' or quotes; a line break is refused (a profile's texts are one line).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from forms.pipeline import PartFiles
from rules.profile import ID_PATTERN, Profile, available, load
from rules.schema import BY_KEY, SPECS, T

BASE = "zhejiang"  # a county method builds on the provincial profile
BREAKS = re.compile("[\r\n\x85\u2028\u2029]")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]+")
_ORDER = {s.key: n for n, s in enumerate(SPECS)}


class WriteError(ValueError):
    """A method that cannot be written; the message is for the user."""


@dataclass
class SourceDoc:
    """A document the method cites (``sources:``): title, number (文号), confidence H/M/L."""

    title: str = ""
    ref: str = ""
    confidence: str = "H"
    note: str = ""
    url: str = ""


@dataclass
class Entry:
    """One version of a parameter: its value and where it comes from."""

    value: Any
    source: str = ""  # a key of ``Method.sources``; "" until the user chooses one
    clause: str = ""
    data_year: int | None = None
    effective: date | None = None  # None: the method's own effective date
    confidence: str = ""  # "" → the source's
    note: str = ""


@dataclass
class Method:
    """What the editor edits: a county profile on the provincial base."""

    name: str = ""
    county: str = ""
    version: str = "1"
    effective: date = field(default_factory=date.today)
    description: str = ""
    id: str = ""  # "" until first saved (made from the name, never shown)
    sources: dict[str, SourceDoc] = field(default_factory=dict)
    params: dict[str, list[Entry]] = field(default_factory=dict)

    # -- versions
    def entry(self, key: str, year: int | None = None) -> Entry | None:
        """The version the editor edits: for a by-year parameter that of data ``year``,
        else the latest (by effective date) of those without a data year."""
        by_year = BY_KEY[key].by_data_year
        mine = [e for e in self.params.get(key, [])
                if (e.data_year == year if by_year else e.data_year is None)]
        return max(mine, key=self._eff) if mine else None

    def in_force(self, key: str, year: int | None) -> tuple[Entry | None, int | None]:
        """The version that applies to data ``year`` as the loader picks it
        (``rules.profile.Param.for_year``), and the data year it was written for."""
        entries = self.params.get(key, [])
        if not entries:
            return None, None
        if not BY_KEY[key].by_data_year or year is None:
            return max(entries, key=self._eff), None
        years = sorted({e.data_year for e in entries if e.data_year is not None})
        if not years:
            return max(entries, key=self._eff), None
        earlier = [y for y in years if y <= year]
        pick = earlier[-1] if earlier else years[0]
        same = [e for e in entries if e.data_year in (pick, None)]
        chosen = max(same, key=self._eff)
        return chosen, chosen.data_year

    def set(self, key: str, value: Any, year: int | None = None, source: str | None = None,
            clause: str | None = None) -> Entry:
        """Give ``key`` a value for ``year`` (its own version, made when missing); the
        citation changes only when given."""
        if key not in BY_KEY:
            raise KeyError(key)
        e = self.entry(key, year)
        if e is None:
            e = Entry(None, data_year=year if BY_KEY[key].by_data_year else None)
            self.params.setdefault(key, []).append(e)
        e.value = value
        if source is not None:
            e.source = source
        if clause is not None:
            e.clause = clause
        return e

    def cite(self, key: str, year: int | None, source: str | None, clause: str | None) -> None:
        """Change the citation of the version of ``year`` (if there is one)."""
        e = self.entry(key, year)
        if e is not None:
            if source is not None:
                e.source = source
            if clause is not None:
                e.clause = clause

    def drop(self, key: str, year: int | None = None) -> None:
        """Remove the version of ``year``: the parameter then reads what applies without it
        (an earlier year's value, or the provincial base's)."""
        e = self.entry(key, year)
        if e is not None:
            self.params[key].remove(e)
            if not self.params[key]:
                del self.params[key]

    def unset(self, key: str, year: int | None = None, source: str = "",
              clause: str = "") -> None:
        """Make ``key`` not apply in ``year``: when another data year gives it a value (which
        ``year`` would otherwise fall back to) an explicit null, with its own citation (the
        one given, for a version made here); else no version at all."""
        others = [e for e in self.params.get(key, [])
                  if BY_KEY[key].by_data_year and e.data_year != year and e.value is not None]
        if not others:
            self.drop(key, year)
        elif self.entry(key, year) is None:
            self.set(key, None, year, source, clause)
        else:
            self.set(key, None, year)

    def years(self) -> list[int]:
        """The data years the method gives values for."""
        return sorted({e.data_year for es in self.params.values() for e in es
                       if e.data_year is not None})

    def add_source(self, doc: SourceDoc) -> str:
        """Add a document; returns its key (never shown)."""
        n = len(self.sources) + 1
        while f"doc{n}" in self.sources:
            n += 1
        self.sources[f"doc{n}"] = doc
        return f"doc{n}"

    def _eff(self, e: Entry) -> date:
        return e.effective or self.effective


# ----------------------------------------------------------------------------- writing


def _q(text: str, where: str) -> str:
    """A text as a YAML scalar (a JSON string); a line break is refused."""
    if BREAKS.search(text):
        raise WriteError(f"{where}含有换行：请写成一行")
    return json.dumps(text, ensure_ascii=False)


def _number(v: Any, where: str) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise WriteError(f"{where}应为数字")
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def _plain(v: Any) -> Any:
    """A loaded value (tuples, frozen maps) as JSON data."""
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return v


def _texts(v: Any, where: str) -> None:
    """Refuse a line break anywhere inside a list or map value."""
    if isinstance(v, str):
        _q(v, where)
    elif isinstance(v, (list, tuple)):
        for x in v:
            _texts(x, where)
    elif isinstance(v, dict):
        for k, x in v.items():
            _texts(str(k), where)
            _texts(x, where)


def _value(key: str, v: Any, where: str) -> str:
    if v is None:
        return "null"
    t = BY_KEY[key].type
    if t is T.INT:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int):
            raise WriteError(f"{where}应为整数")
        return str(v)
    if t is T.NUMBER:
        return _number(v, where)
    if t is T.DATE and isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return _q(v, where)
    _texts(v, where)
    return json.dumps(_plain(v), ensure_ascii=False)  # JSON flow: valid YAML


def _key(k: str, where: str) -> str:
    return k if _PLAIN_KEY.fullmatch(k) else _q(k, where)


def to_yaml(method: Method) -> str:
    """The method as ``profile.yaml`` (raises ``WriteError`` for a text with a line break)."""
    m = method
    lines = [
        "# 县级亩均效益评价配置：由亩均自评的配置编辑器写出，可用文本编辑器查看；",
        "# 检查：mujun rules --check 本文件夹。未写的参数沿用浙江省基础配置。",
        "profile:",
        f"  id: {_q(m.id or 'county', '配置编号')}",
        f"  name: {_q(m.name, '名称')}",
        f"  version: {_q(m.version, '版本')}",
        f"  base: {BASE}",
        f"  county: {_q(m.county, '适用县（市、区）')}",
        f"  effective: {m.effective.isoformat()}",
        f"  description: {_q(m.description, '说明')}",
    ]
    if m.sources:
        lines.append("sources:")
        for k, s in m.sources.items():
            doc = f"依据文件“{s.title}”"
            lines += [f"  {_key(k, doc)}:", f"    title: {_q(s.title, doc + '的标题')}",
                      f"    ref: {_q(s.ref, doc + '的文号')}", f"    confidence: {s.confidence}"]
            if s.url:
                lines.append(f"    url: {_q(s.url, doc + '的网址')}")
            if s.note:
                lines.append(f"    note: {_q(s.note, doc + '的备注')}")
    else:
        lines.append("sources: {}")
    keys = sorted((k for k, es in m.params.items() if es), key=lambda k: _ORDER[k])
    lines.append("parameters:" if keys else "parameters: {}")
    for key in keys:
        spec = BY_KEY[key]
        where = f"“{spec.name}”"
        lines.append(f"  {key}:")
        for e in sorted(m.params[key], key=lambda e: (e.data_year or 0, m._eff(e))):
            parts = [f"value: {_value(key, e.value, where)}", f"unit: {_q(spec.unit, where)}",
                     f"effective: {m._eff(e).isoformat()}"]
            if e.data_year is not None:
                parts.append(f"data_year: {e.data_year}")
            parts += [f"source: {_q(e.source, where + '的依据文件')}",
                      f"clause: {_q(e.clause, where + '的条款')}"]
            if e.confidence:
                parts.append(f"confidence: {e.confidence}")
            if e.note:
                parts.append(f"note: {_q(e.note, where + '的备注')}")
            lines.append("    - {" + ", ".join(parts) + "}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- reading


def _from_base(file: str) -> bool:
    """Whether a version was read from the bundled provincial profile (``Version.file`` is
    ``zhejiang/<name>.yaml`` for it, a path for a file elsewhere)."""
    p = Path(file)
    return not p.is_absolute() and p.parts[:1] == (BASE,)


def _one_line(text: str) -> str:
    """A text read from a file written by hand may span lines (a YAML block scalar); the
    editor's texts are one line, so a copy joins them with a space."""
    return re.sub(r"\s*[\r\n\x85\u2028\u2029]+\s*", " ", text)


def from_profile(profile: Profile) -> Method:
    """A copy of ``profile`` to edit: its meta data, the county parameters (every parameter
    not read from the provincial base, over the whole base chain) with all their versions,
    and the documents they cite. The copy has no id yet: saving makes a new one. Texts that
    span lines are joined into one (``_one_line``)."""
    one = _one_line
    m = Method(name=one(profile.name), county=one(profile.county), version=one(profile.version),
               effective=profile.effective, description=one(profile.description))
    used: dict[str, str] = {}  # the profile's source key → the copy's
    for key, param in profile.params.items():
        if _from_base(param.versions[0].file):
            continue
        for v in param.versions:
            src = v.source
            if src.key not in used:
                k = src.key if _PLAIN_KEY.fullmatch(src.key) and src.key not in m.sources \
                    else f"doc{len(m.sources) + 1}"
                m.sources[k] = SourceDoc(one(src.title), one(src.ref), src.confidence,
                                         one(src.note), one(src.url))
                used[src.key] = k
            m.params.setdefault(key, []).append(Entry(
                _plain(v.value) if not isinstance(v.value, date) else v.value,
                used[src.key], one(v.clause), v.data_year, v.effective,
                "" if v.confidence == src.confidence else v.confidence, one(v.note)))
    return m


def builds_on_base(profile: Profile) -> bool:
    """Whether ``profile`` builds directly on the provincial base (else a copy flattens the
    profiles between them into one, and the editor says so)."""
    return len(profile.chain) <= 2 and profile.chain[:1] == (BASE,)


# ----------------------------------------------------------------------------- saving


def make_id(name: str, taken: set[str], now: datetime | None = None) -> str:
    """A folder-safe id for a new profile: the name when it is plain ASCII, else
    ``county-YYYYMMDD-HHMM``; never a bundled id nor one in ``taken``."""
    now = now or datetime.now()
    ascii_ = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-._")[:48] if name.isascii() else ""
    base = ascii_ if ascii_ and re.match(r"[A-Za-z]", ascii_) else f"county-{now:%Y%m%d-%H%M}"
    bundled = set(available())
    pid, n = base, 1
    while pid in bundled or pid in taken:
        n += 1
        pid = f"{base}-{n}"
    assert ID_PATTERN.fullmatch(pid), pid
    return pid


def save(method: Method, root: Path, now: datetime | None = None) -> Profile:
    """Write ``method`` to ``root/<id>/profile.yaml`` (its own folder; an id is made on the
    first save) through a ``.part`` file that must load before it replaces the file; returns
    the profile as loaded from its folder. Raises ``WriteError`` or ``ProfileError``."""
    root = Path(root)
    if not method.id:
        taken = {p.name for p in root.iterdir()} if root.is_dir() else set()
        method.id = make_id(method.name, taken, now)
    folder = root / method.id
    folder.mkdir(parents=True, exist_ok=True)
    text = to_yaml(method)
    with PartFiles() as files:
        part = files.part(folder / "profile.yaml")
        part.write_text(text, encoding="utf-8")
        load(part)  # a file that would not load never replaces the one there
    return load(folder)

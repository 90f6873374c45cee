"""Policy profiles: cited parameters as YAML data, loaded strictly.

A profile is a folder of YAML files (or one YAML file) under ``rules/profiles/`` or anywhere on
disk. One file holds a ``profile:`` block (id, name, version, base, county, effective); every
file may hold ``sources:`` (the documents cited) and ``parameters:`` (flat dotted keys from
``rules.schema``). An overlay names its ``base`` and replaces the base's parameters key by key.

Every parameter carries ``value``, ``unit``, ``effective`` (a date), ``source`` (a key of
``sources``) and ``clause``; it may instead be a list of such entries, one per effective date.
Loading is strict: every problem is collected as ``file:line: key: message`` and raised together
in one ``ProfileError``.

A profile file is untrusted input (parks publish them, firms load them): the YAML reader refuses
anchors, aliases and explicit tags (profiles never need them; an alias bomb expands a few lines
into gigabytes), and limits file size, nesting depth, text length and the base chain, so that a
hostile file is refused in a fraction of a second. Every number must be finite and inside the
range that ``rules.schema`` declares for its parameter.
"""

from __future__ import annotations

import hashlib
import math
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from rules import indicators, schema
from rules.catalogue import ENTERPRISE_BY_ID, Kind
from rules.schema import T

PROFILES_DIR = Path(__file__).parent / "profiles"
DEFAULT_PROFILE = "huangyan-2022"
CONFIDENCE = ("H", "M", "L")

_TOP_KEYS = {"profile", "sources", "parameters"}
_META_KEYS = {"id", "name", "version", "base", "county", "effective", "description"}
_SOURCE_KEYS = {"title", "ref", "url", "confidence", "note"}
_PARAM_KEYS = {"value", "unit", "effective", "source", "clause", "confidence", "note",
               "data_year"}

# Limits for a profile from anywhere (the bundled files are at most 21 KB, 6 levels deep, with
# texts of at most 80 characters). The YAML reader is pure Python (≈ 3 s per MiB).
# A pathological file (a list of 100,000 "?") costs about 40 µs per byte; these limits keep
# any profile under a few seconds while leaving room for a county method 3–7 times the size
# of the largest bundled file.
MAX_FILE_BYTES = 64 * 1024
MAX_TOTAL_BYTES = 256 * 1024  # all files of a profile and its bases (bundled ones not counted)
MAX_NODES = 10_000  # values, lists and mappings in one file (the largest bundled file: 1,414)
MAX_FILES = 32  # YAML files in one profile folder
MAX_CHAIN = 8  # profiles in a base chain
MAX_DEPTH = 12  # nesting of mappings and lists
MAX_TEXT = 1000  # characters of one scalar (a clause, a title, a note …)
MAX_VERSIONS = 50  # dated versions of one parameter
ID_PATTERN = re.compile(r"\w[\w.-]{0,63}")  # letters (汉字 too), digits, _ . - ; no path
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
BLANK = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]*")  # what reads as nothing
ODD_BREAKS = re.compile("[\x85\u2028\u2029]")  # line breaks to YAML, not to an editor
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Issue:
    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        key = "" if self.key == "-" else f"{self.key}: "  # "-": the file as a whole
        return f"{self.file}:{self.line}: {key}{self.message}"


class ProfileError(Exception):
    """A profile that cannot be used; ``issues`` name file, line and key of each problem."""

    def __init__(self, issues: list[Issue]):
        super().__init__(issues)  # in args, so it survives pickling
        self.issues = issues

    def __str__(self) -> str:
        return "\n".join(str(i) for i in self.issues)


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    ref: str = ""
    url: str = ""
    confidence: str = "H"
    note: str = ""


@dataclass(frozen=True)
class Version:
    """One dated value of a parameter."""

    value: Any
    effective: date
    source: Source
    clause: str
    confidence: str
    note: str
    file: str
    line: int
    data_year: int | None = None  # the data year a by-year parameter (benchmark …) belongs to

    @property
    def citation(self) -> str:
        ref = f"；{self.source.ref}" if self.source.ref else ""
        return f"{self.source.title}{ref} {self.clause}".strip()


@dataclass(frozen=True)
class Param:
    spec: schema.ParamSpec
    versions: tuple[Version, ...]  # sorted by effective date

    def at(self, on: date | None) -> Version:
        """The version in force on ``on`` (the earliest one if none had started yet)."""
        chosen = self.versions[0]
        for v in self.versions:
            if on is None or v.effective <= on:
                chosen = v
        return chosen

    def for_year(self, year: int | None, on: date | None) -> Version:
        """A by-data-year parameter's version for data ``year``: that year's, else the latest
        earlier year's, else the earliest year's (the caller says which it got, see
        ``year_note``); among versions of the same data year, the one in force on ``on``.
        Versions without a data year apply to every year."""
        if not self.spec.by_data_year or year is None:
            return self.at(on)
        years = sorted({v.data_year for v in self.versions if v.data_year is not None})
        if not years:
            return self.at(on)
        earlier = [y for y in years if y <= year]
        pick = earlier[-1] if earlier else years[0]
        same_year = [v for v in self.versions if v.data_year in (pick, None)]
        chosen = same_year[0]
        for v in same_year:
            if on is None or v.effective <= on:
                chosen = v
        return chosen


@dataclass
class Profile:
    id: str
    name: str
    version: str
    county: str
    effective: date
    description: str
    sha256: str
    chain: tuple[str, ...]  # base first
    files: tuple[Path, ...]
    params: dict[str, Param]
    sources: dict[str, Source]
    path: Path | None = None  # the folder or file it was loaded from

    @property
    def ref(self) -> str:
        """How another profile names this one as its base: the id when it is the bundled
        profile of that id, else the path it was loaded from."""
        if self.path is None or _is_bundled_path(self.path):
            return self.id
        return str(self.path.resolve())

    def param(self, key: str) -> Param | None:
        """The parameter, or ``None`` when the profile does not mention it at all."""
        if key not in schema.BY_KEY:
            raise KeyError(f"unknown parameter {key!r}")
        return self.params.get(key)

    def value(self, key: str, on: date | None = None) -> Any:
        """The value of ``key`` on date ``on``; ``None`` when an optional parameter is unset."""
        p = self.param(key)
        return None if p is None else p.at(on).value

    def identity(self) -> dict[str, str]:
        """What every result and report names: id, version and content hash (SPEC §6)."""
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


def os_reason(e: OSError) -> str:
    """A file-system failure in words."""
    import errno

    words = {errno.ENOENT: "找不到文件", errno.EACCES: "没有读取权限", errno.EPERM: "没有读取权限",
             errno.ELOOP: "符号链接形成循环", errno.ENAMETOOLONG: "文件名太长",
             errno.EISDIR: "这是一个文件夹", errno.ENOTDIR: "路径中有一段不是文件夹"}
    return words.get(e.errno or 0, e.strerror or str(e))


# PyYAML's problems, in words (a clause of each, then ours); the rest keep their own text
_YAML_WORDS = (
    ("cannot start any token", "这个字符不能作为值的开头（如 % @ ` 等）：请给这个值加上引号"),
    ("could not find expected ':'", "缺少“:”，或上一行的引号没有闭合"),
    ("mapping values are not allowed", "此处不能出现“键: 值”：可能是缩进不对，或值里的冒号需要加引号"),
    ("expected <block end>", "缩进不一致：同一层的键须对齐"),
    ("found a tab character", "不能用 Tab 缩进，请改用空格"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    ("expected a single document", "文件里只能有一个 YAML 文档（不要用 --- 分隔多个）"),
    ("unacceptable character", "含有不允许的控制字符"),
    ("found undefined alias", "不允许使用 YAML 别名"),
    ("did not find expected key", "缺少键，或缩进不对"),
    ("did not find expected node content", "这里缺少值"),
    ("found unhashable key", "键只能是文本"),
    ("found unknown escape character", "双引号里有无法识别的转义（\\ 后的字符）"),
    ("expected ',' or ']'", "方括号 [ ] 没有闭合，或元素之间缺少逗号"),
    ("expected ',' or '}'", "花括号 { } 没有闭合，或元素之间缺少逗号"),
)


def _yaml_problem(e: yaml.YAMLError, text: str) -> tuple[str, int]:
    """(the problem in one line of Chinese, its line) of a PyYAML error."""
    problem = str(getattr(e, "problem", "") or e)
    mark = getattr(e, "problem_mark", None)
    if mark is not None:
        line = mark.line + 1
    elif isinstance(getattr(e, "position", None), int):  # the reader: a character position
        line = text.count("\n", 0, e.position) + 1  # type: ignore[attr-defined]
    else:
        line = 1
    words = next((w for clause, w in _YAML_WORDS if clause in problem), None)
    plain = " ".join(problem.split())
    return (f"YAML 格式错误：{words}" if words else f"YAML 格式错误（{plain[:80]}）"), line


def _is_bundled_path(path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(PROFILES_DIR.resolve())
    except OSError:
        return False


def _blank(text: str | None) -> bool:
    """Nothing a reader would see: empty, spaces, zero-width characters."""
    return text is None or BLANK.fullmatch(text) is not None


# ----------------------------------------------------------------------------- parsing


class _Refused(yaml.YAMLError):
    """Something a profile never needs and a hostile file uses: said in Chinese, with a line."""

    def __init__(self, problem: str, mark: yaml.Mark | None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors, aliases or tags, and with bounded depth and text.

    Refused while composing, before anything is expanded or constructed: an alias bomb costs
    no more than reading its few lines."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(f"文件中的值太多（超过 {MAX_NODES:,} 个）", event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"不允许使用 YAML 别名（*{event.anchor}）：配置文件中的每个值须直接写出",
                           event.start_mark)
        if event.anchor is not None:
            raise _Refused(f"不允许使用 YAML 锚点（&{event.anchor}）：配置文件中的每个值须直接写出",
                           event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _Refused(f"不允许使用 YAML 标签（{tag}）", event.start_mark)
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_TEXT:
            raise _Refused(f"文本过长（{len(event.value):,} 个字符，上限 {MAX_TEXT:,}）",
                           event.start_mark)
        if isinstance(event, yaml.ScalarEvent) and SURROGATE.search(event.value):
            raise _Refused("含有无效的字符（孤立的 UTF-16 代理码 \\ud800–\\udfff）", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"嵌套层数超过 {MAX_DEPTH} 层", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# Numbers as a person writes them, in decimal: YAML 1.1 reads 010 as 8 (octal), 1:00 as 60
# (base 60) and 1e5 as text. Here an integer is decimal digits (leading zeros allowed), a
# number may have an exponent without a dot, and .nan / .inf stay numbers for the range check
# to refuse by name. Anything else that looks like a number is text, refused as "应为数字".
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z")
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
# integers first: "10" is an int, "10.0" and "1e5" are floats
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    return int(node.value)  # decimal, whatever zeros lead


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = node.value.lower()
    if text.endswith("inf"):
        return -math.inf if text.startswith("-") else math.inf
    if text.endswith("nan"):
        return math.nan
    return float(text)  # an overflow is ∞, refused by the range check


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


@dataclass
class _File:
    path: Path
    meta: dict[str, tuple[Any, int]] = field(default_factory=dict)
    meta_line: int = 0
    sources: dict[str, tuple[Source, int]] = field(default_factory=dict)
    params: dict[str, tuple[yaml.Node, int]] = field(default_factory=dict)
    data: bytes = b""  # as read and parsed (the hash names exactly this)


class _Reader:
    """Walks PyYAML nodes so that every problem can name its line."""

    def __init__(self, path: Path, issues: list[Issue]):
        self.path = path
        self.name = path.name if path.parent == PROFILES_DIR else _short(path)
        self.issues = issues
        self.loader: yaml.SafeLoader | None = None

    def err(self, node: yaml.Node | None, key: str, message: str, line: int | None = None) -> None:
        ln = line if line is not None else (node.start_mark.line + 1 if node is not None else 1)
        self.issues.append(Issue(self.name, ln, key, message))

    def mapping(self, node: yaml.Node, key: str) -> list[tuple[str, yaml.Node, int]]:
        """The (key, value node, line) pairs of a mapping node; duplicates are errors."""
        if not isinstance(node, yaml.MappingNode):
            self.err(node, key, "应为键值映射（mapping）")
            return []
        seen: dict[str, int] = {}
        out = []
        for k, v in node.value:
            line = k.start_mark.line + 1
            name = str(k.value) if isinstance(k, yaml.ScalarNode) else "?"
            full = f"{key}.{name}" if key else name
            if name in seen:
                self.err(k, full, f"重复的键（第一次出现在第 {seen[name]} 行）")
                continue
            seen[name] = line
            out.append((name, v, line))
        return out

    def construct(self, node: yaml.Node) -> Any:
        assert self.loader is not None
        return self.loader.construct_object(node, deep=True)

    def scalar_str(self, node: yaml.Node, key: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.err(node, key, "应为文本")
            return None
        return str(node.value).strip()

    def read(self, budget: list[int]) -> _File | None:
        """Parse the file; ``budget`` holds the bytes still allowed for the whole profile."""
        f = _File(self.path)
        data = self._bytes(budget)
        if data is None:
            return None
        f.data = data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            self.err(None, "-", "不是 UTF-8 编码的文本；请用文本编辑器另存为 UTF-8",
                     line=data.count(b"\n", 0, e.start) + 1)
            return None
        if odd := ODD_BREAKS.search(text):  # YAML counts them as line breaks, editors do not
            self.err(None, "-", f"含有特殊的换行字符 U+{ord(odd.group()):04X}，请删去",
                     line=text.count("\n", 0, odd.start()) + 1)
            return None
        try:
            self.loader = _StrictLoader(text)
            root = self.loader.get_single_node()
        except _Refused as e:
            self.err(None, "-", e.problem, line=e.problem_mark.line + 1 if e.problem_mark else 1)
            return None
        except yaml.YAMLError as e:
            problem, line = _yaml_problem(e, text)
            self.err(None, "-", problem, line=line)
            return None
        except RecursionError:  # pragma: no cover — MAX_DEPTH stops nesting long before this
            self.err(None, "-", f"嵌套层数超过 {MAX_DEPTH} 层")
            return None
        if root is None:
            return f  # an empty file (the template) is an empty overlay
        if not isinstance(root, yaml.MappingNode):
            self.err(root, "-", "文件应由 profile:、sources:、parameters: 等“键: 值”组成")
            return None
        for top, node, line in self.mapping(root, ""):
            if top not in _TOP_KEYS:
                self.err(None, top, f"未知的顶层键（可用：{'、'.join(sorted(_TOP_KEYS))}）", line)
            elif top == "profile":
                f.meta_line = line
                for k, v, ln in self.mapping(node, "profile"):
                    if k not in _META_KEYS:
                        self.err(None, f"profile.{k}", "未知的键", ln)
                    else:
                        f.meta[k] = (v, ln)
            elif top == "sources":
                for k, v, ln in self.mapping(node, "sources"):
                    src = self._source(k, v)
                    if src is not None:
                        f.sources[k] = (src, ln)
            elif top == "parameters" and not (isinstance(node, yaml.ScalarNode)
                                              and node.tag == "tag:yaml.org,2002:null"):
                for k, v, ln in self.mapping(node, ""):
                    if k not in schema.BY_KEY:
                        self.err(None, k, "未知参数（不在 rules/schema.py 中）", ln)
                    else:
                        f.params[k] = (v, ln)
        return f

    def _bytes(self, budget: list[int]) -> bytes | None:
        """The file's bytes, if it is a regular file within the size limits (a FIFO or a
        device would block or never end)."""
        bundled = _is_bundled_path(self.path)  # shipped with the program: not counted
        try:
            st = self.path.stat()
            if not stat.S_ISREG(st.st_mode):
                self.err(None, "-", "不是普通文件，无法作为配置读取")
                return None
            if st.st_size > MAX_FILE_BYTES:
                self.err(None, "-", f"文件过大（{st.st_size:,} 字节，单个配置文件上限 "
                                    f"{MAX_FILE_BYTES:,} 字节）")
                return None
            if not bundled and st.st_size > budget[0]:
                self.err(None, "-", f"配置及其基础配置的文件合计超过 {MAX_TOTAL_BYTES:,} 字节")
                return None
            if st.st_size == 0:  # empty, or a system file that streams (/proc): never read
                return b""
            with self.path.open("rb") as fh:
                data = fh.read(st.st_size + 1)
        except OSError as e:
            self.err(None, "-", f"无法读取文件：{os_reason(e)}")
            return None
        if len(data) > st.st_size:  # grew while being read
            self.err(None, "-", "文件在读取时仍在变化，请稍后再试")
            return None
        if not bundled:
            budget[0] -= len(data)
        return data

    def _source(self, key: str, node: yaml.Node) -> Source | None:
        full = f"sources.{key}"
        items = {k: (v, ln) for k, v, ln in self.mapping(node, full)}
        for k, (_, ln) in items.items():
            if k not in _SOURCE_KEYS:
                self.err(None, f"{full}.{k}", "未知的键", ln)
        if "title" not in items:
            self.err(node, full, "来源缺少 title")
            return None
        vals = {k: self.scalar_str(v, f"{full}.{k}") or "" for k, (v, _) in items.items()
                if k in _SOURCE_KEYS}
        if _blank(vals["title"]):
            self.err(items["title"][0], f"{full}.title", "来源的 title 为空：须写出文件名称")
            return None
        conf = vals.get("confidence", "H")
        if conf not in CONFIDENCE:
            self.err(items["confidence"][0], f"{full}.confidence", "可信度应为 H、M 或 L")
            conf = "L"
        return Source(key, vals["title"], vals.get("ref", ""), vals.get("url", ""), conf,
                      vals.get("note", ""))

    def param(self, key: str, node: yaml.Node, sources: dict[str, Source]) -> Param | None:
        spec = schema.BY_KEY[key]
        entries = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not entries:
            self.err(node, key, "版本列表为空：至少写一个 {value, unit, effective, source, clause}")
            return None
        if len(entries) > MAX_VERSIONS:
            self.err(node, key, f"版本太多（{len(entries)} 个，一个参数最多 {MAX_VERSIONS} 个）")
            return None
        versions = []
        for entry in entries:
            v = self._version(spec, entry, sources)
            if v is not None:
                versions.append(v)
        if len(versions) != len(entries):
            return None
        dates = [(v.data_year, v.effective) for v in versions]
        if len(set(dates)) != len(dates):
            self.err(node, key, "同一数据年度的同一生效日期出现两次" if spec.by_data_year
                     else "同一生效日期出现两次")
            return None
        if any(v.value is None for v in versions) and not spec.optional:
            self.err(node, key, "不能为空（null）")
            return None
        # An optional parameter may be explicitly unset (value: null) — still with its citation.
        return Param(spec, tuple(sorted(versions, key=lambda v: (v.data_year or 0, v.effective))))

    def _version(self, spec: schema.ParamSpec, node: yaml.Node,
                 sources: dict[str, Source]) -> Version | None:
        key = spec.key
        if not isinstance(node, yaml.MappingNode):
            self.err(node, key, "应写成 {value: …, unit: …, effective: …, source: …, clause: …}"
                                "（每个参数都要带单位、生效日期和出处）")
            return None
        items = {k: (v, ln) for k, v, ln in self.mapping(node, key)}
        ok = True
        for k, (_, ln) in items.items():
            if k not in _PARAM_KEYS:
                self.err(None, f"{key}.{k}", "未知的键", ln)
                ok = False
        for k in ("value", "unit", "effective"):
            if k not in items:
                self.err(node, key, f"缺少 {k}")
                ok = False
        if "source" not in items or "clause" not in items:
            self.err(node, key, "缺少 出处（须有 source 与 clause）")
            ok = False
        if not ok:
            return None
        vnode, _ = items["value"]
        value = self._value(spec, vnode)
        unit = self.scalar_str(items["unit"][0], f"{key}.unit")
        if unit is not None and unit != spec.unit:
            self.err(items["unit"][0], f"{key}.unit", f"单位应为“{spec.unit}”，得到“{unit}”")
            ok = False
        eff = self._date(items["effective"][0], f"{key}.effective")
        src_key = self.scalar_str(items["source"][0], f"{key}.source")
        src = sources.get(src_key or "")
        if src_key is not None and _blank(src_key):
            self.err(items["source"][0], f"{key}.source", "出处 source 为空")
        elif src_key and src is None:
            self.err(items["source"][0], f"{key}.source", f"未定义的来源“{src_key}”（缺少出处）")
        clause = self.scalar_str(items["clause"][0], f"{key}.clause")
        if clause is not None and _blank(clause):
            self.err(items["clause"][0], f"{key}.clause", "出处条款为空")
            clause = ""
        conf = src.confidence if src else "L"
        if "confidence" in items:
            c = self.scalar_str(items["confidence"][0], f"{key}.confidence")
            if c is None:
                ok = False  # said by scalar_str
            elif c not in CONFIDENCE:
                self.err(items["confidence"][0], f"{key}.confidence", "可信度应为 H、M 或 L")
                ok = False
            conf = c or conf
        note = self.scalar_str(items["note"][0], f"{key}.note") if "note" in items else ""
        data_year = None
        if "data_year" in items:
            ynode = items["data_year"][0]
            if not spec.by_data_year:
                self.err(ynode, f"{key}.data_year", "此参数不按数据年度区分，不能写 data_year")
                ok = False
            else:
                text = self.scalar_str(ynode, f"{key}.data_year")
                if text is None:
                    ok = False  # said by scalar_str
                elif not re.fullmatch(r"[0-9]{4}", text) or not 1990 <= int(text) <= 2100:
                    self.err(ynode, f"{key}.data_year", f"数据年度应为 1990–2100 的年份，得到“{text}”")
                    ok = False
                else:
                    data_year = int(text)
        if value is _BAD or eff is None or src is None or not clause or unit is None or not ok:
            return None
        return Version(value, eff, src, clause, conf, note or "", self.name,
                       node.start_mark.line + 1, data_year)

    def _date(self, node: yaml.Node, key: str) -> date | None:
        text = self.scalar_str(node, key)
        if text is None:
            return None
        try:
            if not DATE_PATTERN.fullmatch(text) or not 1990 <= int(text[:4]) <= 2100:
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.err(node, key, f"日期无效：“{text[:40]}”（应为 1990–2100 年间的 YYYY-MM-DD）")
            return None

    def _value(self, spec: schema.ParamSpec, node: yaml.Node) -> Any:
        key = f"{spec.key}.value"
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return None
        if spec.type is T.DATE:
            d = self._date(node, key)
            return _BAD if d is None else d
        if isinstance(node, yaml.MappingNode):
            before = len(self.issues)
            self.mapping(node, key)  # a key written twice would silently keep the last
            if len(self.issues) > before:
                return _BAD
        try:
            v = self.construct(node)
        except (yaml.YAMLError, ValueError, ArithmeticError, TypeError) as e:
            self.err(node, key, f"无法解析：{' '.join(str(getattr(e, 'problem', '') or e).split())[:80]}")
            return _BAD
        problem = _check_value(spec, v)
        if problem:
            at = node
            if spec.type in (T.ADJUSTMENTS, T.REGRADES) and isinstance(node, yaml.SequenceNode):
                index = _item_problem(spec, v)[0]  # the item's own line
                at = node.value[index] if index is not None and index < len(node.value) else node
            elif spec.type is T.GROUPS and isinstance(node, yaml.MappingNode):
                name = _groups_problem(v)[0]  # the group's own line
                at = next((k for k, _ in node.value if k.value == name), node)
            self.err(at, key, problem)
            return _BAD
        return _freeze(spec, v)


_BAD = object()


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _out_of(r: schema.Range | None, x: Any) -> bool:
    """True when ``x`` is NaN, infinite or outside ``r`` (ints of any size compare exactly)."""
    if isinstance(x, float) and not math.isfinite(x):
        return True
    return r is not None and not r.holds(x)


def _check_value(spec: schema.ParamSpec, v: Any) -> str:
    """A Chinese description of what is wrong with ``v`` for ``spec``, or ''."""
    t = spec.type
    r = spec.bounds
    if t in (T.NUMBER, T.INT):
        if t is T.INT and not (isinstance(v, int) and not isinstance(v, bool)):
            return f"应为整数，得到 {_brief(v)}"
        if not _is_num(v):
            return f"应为数字，得到 {_brief(v)}"
        if _out_of(r, v):
            return f"{_brief(v)} 不可用：{r.describe() if r else '应为有限的数'}"
        return ""
    if t is T.STRING:
        if not isinstance(v, str):
            return f"应为文本，得到 {_brief(v)}"
        return "文本为空" if _blank(v) else ""
    if t is T.ENUM:
        return "" if v in spec.choices else f"应为 {'/'.join(spec.choices)} 之一，得到 {_brief(v)}"
    if t is T.STRING_LIST:
        ok = isinstance(v, list) and v and all(isinstance(x, str) for x in v)
        if not ok:
            return "应为非空的文本列表"
        if any(_blank(x) for x in v):  # "" would match every name it is compared with
            return "列表中有空文本"
        return f"列表中“{_dupe(v)}”出现两次" if _dupe(v) is not None else ""
    if t is T.INT_LIST:
        ok = isinstance(v, list) and v and all(isinstance(x, int) and not isinstance(x, bool)
                                               for x in v)
        if not ok:
            return "应为非空的整数列表"
        bad = [x for x in v if _out_of(r, x)]
        return f"行业大类代码应在 01–99 之间，得到 {bad[0]}" if bad else ""
    if t is T.INT_RANGES:
        ok = isinstance(v, list) and v and all(
            isinstance(x, list) and len(x) == 2 and all(
                isinstance(y, int) and not isinstance(y, bool) for y in x) and x[0] <= x[1]
            for x in v)
        if not ok:
            return "应为 [[起, 止], …] 的整数区间列表（起 ≤ 止）"
        bad = [y for x in v for y in x if _out_of(r, y)]
        if bad:
            return f"行业大类代码应在 01–99 之间，得到 {bad[0]}"
        spans = sorted(v)
        over = [(a, b) for a, b in pairwise(spans) if b[0] <= a[1]]
        return (f"区间 {over[0][0][0]}–{over[0][0][1]} 与 {over[0][1][0]}–{over[0][1][1]} 重叠"
                if over else "")
    if t in (T.BANDS_GE, T.BANDS_LE):
        if not (isinstance(v, list) and v and all(
                isinstance(b, list) and len(b) == 2 and all(_is_num(x) for x in b) for b in v)):
            return "应为 [[门槛, 分值], …] 的列表"
        points = spec.points or schema.POINTS_RANGE
        for th, pts in v:
            if _out_of(r, th):
                return f"门槛 {_brief(th)} 不可用：{r.describe() if r else '应为有限的数'}"
            if _out_of(points, pts):
                return f"分值 {_brief(pts)} 不可用：{points.describe()}"
        th = [b[0] for b in v]
        rising = all(a < b for a, b in pairwise(th))
        falling = all(a > b for a, b in pairwise(th))
        if t is T.BANDS_GE and not falling:
            return "“不低于”分档的门槛应从高到低排列"
        if t is T.BANDS_LE and not rising:
            return "“不高于”分档的门槛应从低到高排列"
        if not all(a >= b for a, b in pairwise(b[1] for b in v)):
            return "分值应逐档不增（越难达到的门槛得分越高）"
        return ""
    if t in (T.POINTS_MAP, T.STRING_MAP):
        if not isinstance(v, dict):
            return "应为映射"
        keys = set(map(str, v))
        if keys != set(spec.choices):
            return f"键应恰为 {'、'.join(spec.choices)}"
        want = _is_num if t is T.POINTS_MAP else (lambda x: isinstance(x, str) and not _blank(x))
        if not all(want(x) for x in v.values()):
            return "值的类型不对" if t is T.POINTS_MAP else "每个值都应为非空的文本"
        bad = [x for x in v.values() if t is T.POINTS_MAP and _out_of(r, x)]
        return f"分值 {_brief(bad[0])} 不可用：{r.describe()}" if bad and r else ""
    if t is T.GROUPS:
        return _check_groups(v)
    if t is T.DIVISION_VALUES:
        if not isinstance(v, dict) or not v:
            return "应为“行业大类: 数值”的映射，如 {33: 0.85}"
        for k, x in v.items():
            code = _division_key(k)
            if code is None:
                return f"行业大类应为 01–99 的两位代码，得到 {_brief(k)}"
            if not _is_num(x) or _out_of(r, x):
                return f"行业大类 {code:02d} 的值 {_brief(x)} 不可用：{r.describe() if r else ''}"
        codes = [_division_key(k) for k in v]
        return "" if len(set(codes)) == len(codes) else "同一行业大类写了两次"
    if t in (T.ADJUSTMENTS, T.REGRADES):
        return _item_problem(spec, v)[1]
    raise AssertionError(t)  # pragma: no cover


def _division_key(k: Any) -> int | None:
    """A GB/T 4754 division written as a map key: 33 or "33" (two digits), else None."""
    if isinstance(k, bool):
        return None
    if isinstance(k, int):
        n = k
    elif isinstance(k, str) and re.fullmatch(r"\d{1,2}", k.strip()):
        n = int(k)
    else:
        return None
    return n if 1 <= n <= 99 else None


def _check_groups(v: Any) -> str:
    return _groups_problem(v)[1]


def _groups_problem(v: Any) -> tuple[Any, str]:
    """Industry groups: a map of non-empty names to division ranges, no division in two.
    (the group at fault or None, a Chinese description) — (None, '') when right."""
    if not isinstance(v, dict) or not v:
        return None, "应为“组名: [[起, 止], …]”的映射"
    ranges = schema.BY_KEY["mujun.industry_in_scope"]
    seen: list[tuple[int, int, str]] = []
    for name, spans in v.items():
        if not isinstance(name, str) or _blank(name):
            return name, "组名不能为空"
        problem = _check_value(ranges, spans)
        if problem:
            return name, f"“{name}”：{problem}"
        seen += [(a, b, name) for a, b in spans]
    seen.sort()
    for (a1, b1, n1), (a2, b2, n2) in pairwise(seen):
        if a2 <= b1:
            return n2, (f"行业大类 {a2:02d} 同时属于“{n1}”和“{n2}”：每个大类只能属于一个组"
                        "（“其他”组请列出其余的大类）")
    return None, ""


_ITEM_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")


def _item_problem(spec: schema.ParamSpec, v: Any) -> tuple[int | None, str]:
    """(index of the item at fault or None, a Chinese description) for a list of 加减分 items
    or regrade rules; (None, '') when every item is right."""
    adjust = spec.type is T.ADJUSTMENTS
    keys = schema.ADJUSTMENT_KEYS if adjust else schema.REGRADE_KEYS
    what = "加减分项目" if adjust else "调档规则"
    if not isinstance(v, list) or not v:
        return None, f"应为{what}的列表（每项一个映射）"
    ids: set[str] = set()
    for n, item in enumerate(v):
        problem = _one_item(adjust, keys, item, ids)
        if problem:
            label = item.get("id") if isinstance(item, dict) else None
            return n, f"第 {n + 1} 项{f'（{label}）' if isinstance(label, str) else ''}：{problem}"
    return None, ""


def _one_item(adjust: bool, keys: dict[str, bool], item: Any, ids: set[str]) -> str:
    """What is wrong with one 加减分 item or regrade rule, or ''."""
    if not isinstance(item, dict):
        return "应为映射"
    unknown = [k for k in item if k not in keys]
    if unknown:
        return f"未知的键 {unknown[0]}（可用：{'、'.join(keys)}）"
    lacking = [k for k, need in keys.items() if need and item.get(k) is None]
    if lacking:
        return f"缺少 {lacking[0]}"
    for k in ("id", "name", "clause"):
        x = item.get(k)
        if x is not None and (not isinstance(x, str) or _blank(x) or len(x) > 200):
            return f"{k} 应为非空的文本"
    if not _ITEM_ID.fullmatch(item["id"]):
        return "id 只能用英文字母、数字和下划线（不超过 32 个）"
    if item["id"] in ids:
        return f"id {item['id']} 出现两次"
    ids.add(item["id"])
    field = item.get("field")
    f = ENTERPRISE_BY_ID.get(field) if isinstance(field, str) else None
    if field is not None and f is None:
        return f"没有名为 {field!r} 的字段"
    if adjust:
        if item["input"] not in schema.ADJUSTMENT_INPUTS:
            return f"input 应为 {'/'.join(schema.ADJUSTMENT_INPUTS)} 之一"
        if item["kind"] not in schema.ADJUSTMENT_KINDS:
            return f"kind 应为 {'/'.join(schema.ADJUSTMENT_KINDS)} 之一"
        cohorts = item.get("cohorts")
        if cohorts is not None and not (
                isinstance(cohorts, list) and cohorts
                and all(c in schema.COHORTS for c in cohorts) and _dupe(cohorts) is None):
            return f"cohorts 应为 {'/'.join(schema.COHORTS)} 中不重复的若干项"
        for k in ("per_unit", "first", "min", "max"):
            x = item.get(k)
            if x is not None and (not _is_num(x) or _out_of(schema.ADJUSTMENT_POINTS, x)):
                return f"{k} {_brief(x)} 不可用：{schema.ADJUSTMENT_POINTS.describe()}"
        free = item.get("free")
        if free is not None and not (isinstance(free, int) and not isinstance(free, bool)
                                     and 0 <= free <= 1000):
            return "free 应为 0–1000 的整数"
        lo, hi = item.get("min"), item.get("max")
        if lo is not None and hi is not None and lo > hi:
            return "min 应不大于 max"
        if item["input"] == "manual":
            if field is not None or item.get("per_unit") is not None:
                return "手工录入的项目不读字段，也没有 per_unit"
            if lo is None or hi is None:
                return "手工录入的项目须写 min 和 max（可录入的分值范围）"
        else:
            if f is None:
                return "须写 field（读取的字段）"
            if item.get("per_unit") is None:
                return "须写 per_unit（每单位的分值）"
            kinds = (Kind.INT,) if item["input"] == "count" else (Kind.BOOL,)
            if f.kind not in kinds:
                return f"字段 {field} 不是{'整数（数量）' if item['input'] == 'count' else '是/否'}字段"
        if item["input"] != "count" and (item.get("first") is not None
                                         or item.get("free") is not None):
            return "first 和 free 只用于按数量（count）的项目"
    else:
        classes = schema.CLASSES
        frm, to = item["from"], item["to"]
        if not (isinstance(frm, list) and frm and all(c in classes for c in frm)
                and _dupe(frm) is None):
            return "from 应为 A/B/C/D 中不重复的若干类"
        if to not in classes:
            return "to 应为 A/B/C/D 之一"
        if to in frm:
            return "to 不能是 from 中的一类"
        if item["op"] not in schema.REGRADE_OPS:
            return f"op 应为 {'/'.join(schema.REGRADE_OPS)} 之一"
        value, op = item["value"], item["op"]
        if f is None:
            return "须写 field（判断的字段）"
        if op == "contains":
            if f.kind is not Kind.MULTI:
                return f"contains 只用于多选字段（如 titles 已获称号），{field} 不是多选字段"
            if value not in f.choices:
                return f"值须为 {'、'.join(f.choices)} 之一"
        elif f.kind in (Kind.INT, Kind.NUMBER):
            if not _is_num(value) or _out_of(schema.SCORE, value):
                return f"value 应为数字，得到 {_brief(value)}"
        elif f.kind in (Kind.BOOL, Kind.CHOICE):
            if op != "==" or value not in f.choices:
                return f"字段 {field} 只能用 ==，值为 {'、'.join(f.choices)} 之一"
        else:
            return (f"字段 {field} 不能用于调档规则")
    return ""


def _dupe(items: list[str]) -> str | None:
    seen: set[str] = set()
    for x in items:
        if x.strip() in seen:
            return x.strip()
        seen.add(x.strip())
    return None


def _brief(v: Any) -> str:
    """A value for a message: never more than 40 characters, whatever was written."""
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN（非数）" if math.isnan(v) else ("∞" if v > 0 else "−∞")
    if isinstance(v, int) and abs(v) >= 10**15:
        return f"{len(str(abs(v)))} 位的整数"
    text = repr(v)
    return text if len(text) <= 40 else text[:40] + "…"


def _freeze(spec: schema.ParamSpec, v: Any) -> Any:
    if spec.type in (T.BANDS_GE, T.BANDS_LE, T.INT_RANGES):
        return tuple(tuple(b) for b in v)
    if spec.type in (T.INT_LIST, T.STRING_LIST):
        return tuple(v)
    if spec.type in (T.POINTS_MAP, T.STRING_MAP):
        return {str(k): x for k, x in v.items()}
    if spec.type is T.GROUPS:
        return {str(k): tuple(tuple(b) for b in x) for k, x in v.items()}
    if spec.type is T.DIVISION_VALUES:
        return {_division_key(k): float(x) for k, x in v.items()}
    if spec.type in (T.ADJUSTMENTS, T.REGRADES):
        return tuple({k: (tuple(x) if isinstance(x, list) else x) for k, x in item.items()}
                     for item in v)
    if spec.type is T.NUMBER:
        return float(v)
    return v


def _short(path: Path) -> str:
    try:
        return str(path.relative_to(PROFILES_DIR))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------- loading


def _files_of(path: Path, issues: list[Issue]) -> list[Path]:
    if not path.is_dir():
        return [path]
    try:
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError as e:
        issues.append(Issue(_short(path), 1, "-", f"无法读取文件夹：{e.strerror or e}"))
        return []
    if len(files) > MAX_FILES:
        issues.append(Issue(_short(path), 1, "-",
                            f"文件夹中有 {len(files)} 个 YAML 文件，一个配置最多 {MAX_FILES} 个"))
        return []
    return files


def resolve(ref: str | Path) -> Path:
    """A bundled profile id or a path to a profile folder or file."""
    p = Path(ref)
    try:
        if p.exists():
            return p
        bundled = PROFILES_DIR / str(ref)
        if bundled.is_dir():
            return bundled
    except OSError as e:  # a name too long for the system, a folder not readable
        raise ProfileError([Issue(str(ref)[:80], 1, "-", f"无法读取：{os_reason(e)}")]) from e
    raise ProfileError([Issue(str(ref), 1, "-", f"找不到配置“{ref}”（可用：{'、'.join(available())}）")])


def available() -> list[str]:
    return sorted(p.name for p in PROFILES_DIR.iterdir() if (p / "profile.yaml").is_file())


def load(ref: str | Path = DEFAULT_PROFILE) -> Profile:
    """Load a profile (with its base chain), validating everything; raises ``ProfileError``
    listing every problem found (a file that cannot be parsed hides only its own)."""
    return _load(resolve(ref), [], [MAX_TOTAL_BYTES])


def _load(path: Path, seen: list[Path], budget: list[int]) -> Profile:
    real = path.resolve()
    if real in seen:
        raise ProfileError([Issue(_short(path), 1, "profile.base", "配置的 base 形成循环")])
    if len(seen) >= MAX_CHAIN:
        raise ProfileError([Issue(_short(path), 1, "profile.base",
                                  f"基础配置的层级超过 {MAX_CHAIN} 层")])
    issues: list[Issue] = []
    files: list[_File] = []
    paths = _files_of(path, issues)
    for fp in paths:
        f = _Reader(fp, issues).read(budget)
        if f is not None:
            files.append(f)
    complete = len(files) == len(paths) and paths  # else some parameters may not have been seen
    metas = [f for f in files if f.meta_line]
    if len(metas) != 1:
        if len(metas) > 1 or not issues:  # else the file that holds it could not be read
            issues.append(Issue(_short(path), 1, "profile",
                                "应恰有一个文件含 profile: 块" if metas else "缺少 profile: 块"))
        raise ProfileError(issues)
    mf = metas[0]
    r = _Reader(mf.path, issues)
    meta: dict[str, Any] = {}
    for k, (node, ln) in mf.meta.items():
        meta[k] = r._date(node, f"profile.{k}") if k == "effective" else r.scalar_str(
            node, f"profile.{k}")
    for k in ("id", "name", "version", "effective"):
        if not meta.get(k) and f"profile.{k}" not in {i.key for i in issues}:
            r.err(None, f"profile.{k}", "缺少", mf.meta_line)
    pid = meta.get("id")
    if pid and not ID_PATTERN.fullmatch(pid):
        r.err(None, "profile.id", "id 只能由文字、数字、点、横线和下划线组成，不含空格和斜杠（64 个字符"
                                  "以内，如 wenling-2024）", mf.meta["id"][1])
    elif pid and pid in available() and not _is_bundled_path(path):
        # results are stored under the id: another file must not pass for a bundled profile
        r.err(None, "profile.id", f"“{pid}”是软件自带配置的 id，请另起一个（如 {pid}-园区名）",
              mf.meta["id"][1])

    base: Profile | None = None
    base_failed = False
    if meta.get("base"):
        bref = meta["base"]
        # Beside the profile (a folder's sibling; for a file, a file in its folder or a sibling
        # of its folder), else bundled.
        near = [path.parent / bref] if path.is_dir() else [path.parent / bref,
                                                            path.parent.parent / bref]
        base_line = mf.meta["base"][1]
        try:
            found = [p for p in near if p.exists()]
            bpath = found[0] if found else PROFILES_DIR / bref
            there = bpath.exists()
            twice = len(found) > 1 and found[0].resolve() != found[1].resolve()
        except OSError as e:  # a name too long for the system, a folder not readable
            issues.append(Issue(r.name, base_line, "profile.base",
                                f"基础配置“{bref[:60]}”无法读取：{os_reason(e)}"))
            base_failed, there, twice = True, True, False
        if base_failed:
            pass
        elif twice:
            issues.append(Issue(r.name, base_line, "profile.base",
                                f"基础配置“{bref}”有两处：{found[0]} 与 {found[1]}；请写明路径"))
            base_failed = True
        elif not there:
            issues.append(Issue(r.name, base_line, "profile.base",
                                f"找不到基础配置“{bref[:60]}”"))
            base_failed = True
        else:
            try:
                base = _load(bpath, [*seen, real], budget)
            except ProfileError as e:
                issues.append(Issue(r.name, base_line, "profile.base",
                                    f"基础配置“{bref[:60]}”无法载入（{len(e.issues)} 处问题，见下）"))
                issues.extend(e.issues)
                base_failed = True

    sources: dict[str, Source] = dict(base.sources) if base else {}
    for f in files:
        for k, (src, ln) in f.sources.items():
            sources[k] = src
    params: dict[str, Param] = dict(base.params) if base else {}
    where: dict[str, tuple[str, int]] = {}
    failed: set[str] = set()
    for f in files:
        reader = _Reader(f.path, issues)
        reader.loader = _StrictLoader("")
        for key, (node, ln) in f.params.items():
            if key in where:
                reader.err(None, key, f"参数在 {where[key][0]}:{where[key][1]} 已定义", ln)
                continue
            where[key] = (reader.name, ln)
            p = reader.param(key, node, sources)
            if p is None:
                failed.add(key)
            else:
                params[key] = p
    if base is None and not base_failed and complete:
        missing = [spec.key for spec in schema.SPECS
                   if not spec.optional and spec.key not in where]
        if len(missing) > 10:  # not a base at all: most likely an overlay without its base
            issues.append(Issue(r.name, mf.meta_line, "profile.base", f"缺少 {len(missing)} 个必需参数："
                                "这不是完整的基础配置。县级或园区配置须写 base（如 base: zhejiang）"))
        else:
            issues += [Issue(r.name, mf.meta_line, k, "基础配置缺少此参数") for k in missing]
    if not base_failed and complete:
        _check_consistency(params, where, issues, r.name, failed)
    if issues:
        raise ProfileError(issues)

    all_files = (*(base.files if base else ()), *(f.path for f in files))
    # The hash names the content, wherever the folder lies: the base's hash, then own files.
    digest = hashlib.sha256((base.sha256 if base else "").encode())
    for f in files:
        digest.update(f.path.name.encode() + b"\0" + f.data + b"\0")
    return Profile(
        id=meta["id"], name=meta["name"], version=meta["version"],
        county=meta.get("county") or (base.county if base else ""),
        effective=meta["effective"], description=meta.get("description") or "",
        sha256=digest.hexdigest(), chain=(*(base.chain if base else ()), meta["id"]),
        files=tuple(all_files), params=params, sources=sources, path=path)


def _check_consistency(params: dict[str, Param], where: dict[str, tuple[str, int]],
                       issues: list[Issue], meta_file: str, failed: set[str]) -> None:
    """Rules that span several parameters: weights sum to 100, cut-offs fall, shares rise,
    and the pairs of ``schema.ORDERED`` keep their order. A group with a parameter that could
    not be read is not checked (its own error is said already)."""

    def loc(keys: list[str]) -> tuple[str, int]:
        here = [where[k] for k in keys if k in where]
        return here[-1] if here else (meta_file, 1)

    def in_force(keys: list[str], year: int | None) -> list[tuple[date | None, list[Any]]]:
        """(date, values) of ``keys`` as the assessment picks them for data ``year``
        (``Param.for_year``), at every date where one of them changes: a check of the last
        version alone would pass an earlier one that is wrong."""
        ps = [params.get(k) for k in keys]
        dates = sorted({v.effective for p in ps if p for v in p.versions}) or [None]
        out: list[tuple[date | None, list[Any]]] = []
        for d in dates:
            vals = [p.for_year(year, d).value if p else None for p in ps]
            if not out or out[-1][1] != vals:
                out.append((d, vals))
        return out

    def tag(year: int | None, d: date | None, many: bool) -> str:
        parts = ([f"{year} 年度"] if year is not None else []) + ([f"{d} 起"] if many and d else [])
        return f"（{'，'.join(parts)}）" if parts else ""

    fixed = (None, indicators.FIXED)
    for cohort in schema.COHORTS:
        ids = list(indicators.INDICATORS)
        ckeys = [f"mujun.{cohort}.cutoff_{c}" for c in "abc"]
        wkeys = [f"mujun.{cohort}.{i}.weight" for i in ids]
        bkeys = [f"mujun.{cohort}.{i}.benchmark" for i in ids]
        mkeys = [f"mujun.{cohort}.{i}.benchmark_mode" for i in ids]
        if failed & {*ckeys, *wkeys, *bkeys, *mkeys}:
            continue
        tagged = sorted({v.data_year for k in (*ckeys, *wkeys, *bkeys, *mkeys) if k in params
                         for v in params[k].versions if v.data_year is not None})
        for year in tagged or [None]:
            states = in_force(ckeys, year)
            for d, cut in states:
                if all(c is not None for c in cut) and not (cut[0] >= cut[1] >= cut[2]):
                    f, ln = loc(ckeys)
                    issues.append(Issue(f, ln, f"mujun.{cohort}.cutoff_*", "分类最低得分应满足 "
                                        f"A ≥ B ≥ C{tag(year, d, len(states) > 1)}"))
                    break
            states = in_force([*wkeys, *bkeys, *mkeys], year)
            n = len(ids)
            for d, vals in states:
                weights, benches, modes = vals[:n], vals[n:2 * n], vals[2 * n:]
                if all(w is None for w in weights):
                    continue
                when = tag(year, d, len(states) > 1)
                given = [k for k, w in zip(wkeys, weights) if w is not None]
                f, ln = loc(given)
                # a county scores the indicators it weights: those given sum to 100
                sum_w = sum(w for w in weights if w is not None)
                if abs(sum_w - 100) > 1e-9:
                    issues.append(Issue(f, ln, f"mujun.{cohort}.*.weight",
                                        f"权重合计应为 100，实为 {sum_w:g}{when}"))
                    break
                bad = [(bk, wk) for w, b, m, bk, wk in zip(weights, benches, modes, bkeys, wkeys)
                       if w is not None and w > 0 and m in fixed and not (b is not None and b > 0)]
                if bad:
                    # the benchmark's own line when it is written (as null), else the weight's
                    bf, bl = where.get(bad[0][0]) or loc([bad[0][1]])
                    issues.append(Issue(bf, bl, bad[0][0],
                                        "权重大于 0 的指标须有大于 0 的基准值，或按参评企业计算基准值"
                                        f"（benchmark_mode）{when}"))
                    break

    def dated(keys: list[str]) -> list[list[Any]]:
        """The values of ``keys`` in force at each date where one of them changes."""
        ps = [params.get(k) for k in keys]
        if any(p is None for p in ps) or failed & set(keys):
            return []
        dates = sorted({v.effective for p in ps for v in p.versions})
        return [[p.at(d).value for p in ps] for d in dates]

    for prefix in ("mujun", *(f"mujun.{c}" for c in schema.COHORTS)):
        share_keys = [f"{prefix}.share_{c}" for c in "abc"]
        if prefix != "mujun" and not any(k in params for k in share_keys):
            continue
        if prefix != "mujun" and not failed & set(share_keys) and \
                not all(k in params for k in share_keys):
            f, ln = loc(share_keys)  # one or two written: the provincial ones would fill in
            issues.append(Issue(f, ln, f"{prefix}.share_*", "本组的排名比例须 A、B、C 三项都给出"))
            continue
        for shares in dated(share_keys):
            if shares.count(None) in (1, 2) and prefix != "mujun":
                f, ln = loc(share_keys)
                issues.append(Issue(f, ln, f"{prefix}.share_*", "本组的排名比例须 A、B、C 三项都给出"))
                break
            if None not in shares and not (0 < shares[0] < shares[1] < shares[2] < 1):
                f, ln = loc(share_keys)
                issues.append(Issue(f, ln, f"{prefix}.share_*", "排名比例应满足 0 < A < B < C < 1"))
                break
    for low, high, strict in schema.ORDERED:
        for lo_v, hi_v in dated([low, high]):
            if lo_v is None or hi_v is None or lo_v < hi_v or (lo_v == hi_v and not strict):
                continue
            f, ln = loc([low, high])
            written = [k for k in (low, high) if k in where] or [high]
            rel = "小于" if strict else "不大于"
            issues.append(Issue(f, ln, written[-1], f"{schema.BY_KEY[low].name}（{lo_v:g}）应{rel}"
                                                    f"{schema.BY_KEY[high].name}（{hi_v:g}）"))
            break

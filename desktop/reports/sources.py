"""A report's sources as the documents a person can look up: every parameter a table cites is
traced back to the profile's source (title, number) and the clause it quotes, and each
document gets one number, [1], [2] …, in the order the report first cites it.

What a source records about where its text was found (a seed file name, an aggregator's web
address), a reviewer's note and the parameter codes never print: they stay in the profile and
on the rules page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rules.engine import ParamRef
from rules.profile import Profile, Source, Version
from rules.wording import CONFIDENCE_MEANINGS, clean_note, confidence_text


@dataclass
class Document:
    number: int
    source: Source
    clauses: list[str] = field(default_factory=list)
    effective: set[str] = field(default_factory=set)

    @property
    def title(self) -> str:
        return clean_note(self.source.title) or "（未注明标题的来源）"

    @property
    def reference(self) -> str:
        """Number, issuer or section as the source gives them, without internal locators
        (a reference that is only a seed file or a web address reads as nothing)."""
        ref = clean_note(self.source.ref)
        return "" if not ref or ref in self.title else ref

    def heading(self) -> str:
        """Title and reference (number, issuer …)."""
        return self.title + (f"（{self.reference}）" if self.reference else "")

    def clause_text(self, most: int = 4, chars: int = 36) -> str:
        """The clauses cited, each cut to ``chars`` characters and at most ``most`` of them
        (then how many in all): the list identifies the clauses, the document holds them."""
        shown = [c if len(c) <= chars else c[:chars - 1] + "…" for c in self.clauses[:most]]
        more = f"（共引用 {len(self.clauses)} 处）" if len(self.clauses) > most else ""
        return ("；".join(shown) + more) or "—"

    @property
    def confidence(self) -> str:
        return confidence_text(self.source.confidence)


class Documents:
    """The documents cited by one report, numbered in order of first citation."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.by_key: dict[str, Document] = {}
        self._seen: dict[tuple, Document | None] = {}

    def _version(self, ref: ParamRef) -> Version | None:
        p = self.profile.params.get(ref.key)
        if p is None:
            return None  # "本配置未给出此参数": nothing to look up
        for v in p.versions:
            if v.effective.isoformat() == ref.effective and v.data_year == ref.data_year:
                return v
        return p.versions[-1] if p.versions else None

    def document(self, ref: ParamRef) -> Document | None:
        key = (ref.key, ref.effective, ref.data_year)
        if key in self._seen:
            return self._seen[key]
        v = self._version(ref)
        doc = None
        if v is not None:
            doc = self.by_key.get(v.source.key)
            if doc is None:
                doc = self.by_key[v.source.key] = Document(len(self.by_key) + 1, v.source)
            clause = clean_note(v.clause)
            if clause and clause not in doc.clauses:
                doc.clauses.append(clause)
            doc.effective.add(v.effective.isoformat())
        self._seen[key] = doc
        return doc

    def cite(self, refs: Iterable[ParamRef]) -> str:
        """“[1][3]” for the documents behind ``refs`` ('' when none)."""
        numbers = {d.number for d in map(self.document, refs) if d is not None}
        return "".join(f"[{n}]" for n in sorted(numbers))

    def listed(self) -> list[Document]:
        return sorted(self.by_key.values(), key=lambda d: d.number)

    def __len__(self) -> int:
        return len(self.by_key)


CONFIDENCE_LEGEND = "可信度：" + "；".join(
    f"{confidence_text(k)}——{v}" for k, v in CONFIDENCE_MEANINGS.items()) + "。"


def rows(docs: Documents) -> list[list[Any]]:
    """The documents as table rows: number, document, clauses cited, confidence."""
    return [[f"[{d.number}]", d.heading(), d.clause_text(), d.confidence] for d in docs.listed()]

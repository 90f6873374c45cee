"""统一社会信用代码 (GB 32100-2015) check, with the embedded organisation code (GB 11714)."""

from __future__ import annotations

from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_FULLWIDTH = {chr(0xFF01 + i): chr(0x21 + i) for i in range(94)} | {"\u3000": " "}


@dataclass(frozen=True)
class CodeCheck:
    code: str  # normalised
    errors: tuple[str, ...]  # the code is not usable
    warnings: tuple[str, ...]  # the code is usable but something looks wrong

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise(raw: str) -> str:
    """Trim, full-width → half-width, upper-case, drop inner spaces."""
    return "".join(_FULLWIDTH.get(c, c) for c in raw).replace(" ", "").strip().upper()


def check_digit(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def _org_check_digit(first8: str) -> str | None:
    if not all(c in _VALUE for c in first8):
        return None
    # GB 11714 values: digits as is, letters A=10 … Z=35 (the USCC alphabet omits I O S V Z).
    vals = [int(c) if c.isdigit() else ord(c) - 55 for c in first8]
    r = 11 - sum(v * w for v, w in zip(vals, _ORG_WEIGHTS)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def synthetic_code(n: int, region: str = "331003") -> str:
    """A valid code (both check digits right) for synthetic firm ``n`` registered in the
    administrative division ``region`` (6 digits): sample data, benchmarks and tests."""
    org8 = f"MA{n:06d}"[-8:]
    first17 = f"91{region}{org8}{_org_check_digit(org8)}"
    return first17 + check_digit(first17)


def check_credit_code(raw: str) -> CodeCheck:
    code = normalise(raw)
    if len(code) != 18:
        return CodeCheck(code, (f"统一社会信用代码应为 18 位，实为 {len(code)} 位",), ())
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        why = f"统一社会信用代码含不允许的字符：{''.join(bad)}（不使用 I、O、S、V、Z）"
        return CodeCheck(code, (why,), ())
    want = check_digit(code[:17])
    if code[17] != want:
        return CodeCheck(code, (f"统一社会信用代码校验位错误：第 18 位应为 {want}，实为 {code[17]}",), ())
    warnings: list[str] = []
    org = _org_check_digit(code[8:16])
    if org is not None and code[16] != org:
        warnings.append(f"组织机构代码（第 9–17 位）校验位不符：第 17 位按 GB 11714 应为 {org}")
    return CodeCheck(code, (), tuple(warnings))

"""bench/RESULTS.md: one section per benchmark, replaced in place by its latest run."""

from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEAD = ("# Benchmark results\n\nWritten by the scripts in `bench/` (see the README); each section "
        "is replaced by the latest run of its script. Ratios compare our code with the raw "
        "library measured in the same run on the same machine.\n")


def write_section(title: str, lines: list[str]) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEAD
    block = f"## {title}\n\n" + "\n".join(lines) + "\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    text = pattern.sub(block + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    RESULTS.write_text(text, encoding="utf-8")

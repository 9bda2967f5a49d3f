"""What a phase hands to RESULTS.md: summary lines (row, measured, target, result) and
Markdown sections with the detail."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_PIPE = re.compile(r"(?<!\\)\|")  # a "|" in a cell, not already escaped

PASS, MISS, INFO = "PASS", "MISS", "info"


@dataclass(frozen=True, slots=True)
class Line:
    row: str
    measured: str
    target: str = "—"
    result: str = INFO  # PASS, MISS, ERR (…), info, or "not run: why"


@dataclass
class Outcome:
    phase: str
    title: str
    lines: list[Line] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def not_run(self, why: str, rows: Iterable[tuple[str, str]]) -> Outcome:
        """Every row (name, target) reported as not run, with the reason."""
        self.lines += [Line(name, "—", target, f"not run: {why}") for name, target in rows]
        self.sections.append(f"Not run: {why}.")
        return self


def verdict(ok: bool, *, errors: int = 0, unsure: bool = False) -> str:
    if errors:
        return f"ERR ({errors} errors)"
    word = PASS if ok else MISS
    return f"{word} (unsure: no valid run)" if unsure else word


def table(head: list[str], rows: Iterable[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(_PIPE.sub(r"\\|", cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)

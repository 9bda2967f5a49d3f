"""bench/RESULTS.md: the machine, the command, a summary of every row with its target,
why missed targets are missed, and one section per phase.

A run of some phases only (`--only`) rewrites those phases and keeps the others, with
their own date and command, from the previous RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench import machine
from bench.notes import note
from bench.outcome import MISS, Outcome, table
from bench.plan import PHASES

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
_BEGIN, _END = "<!-- phase:{} -->", "<!-- /phase:{} -->"
_SPLIT = re.compile(r"(?<!\\) \| ")
SUMMARY_HEAD = ["phase", "row", "measured", "target", "result"]


@dataclass(frozen=True, slots=True)
class Stamp:
    when: dt.datetime
    command: str


@dataclass(frozen=True, slots=True)
class Kept:
    """A phase carried over from the previous file: its summary rows and its section."""

    rows: list[list[str]]
    section: str


def _cells(line: str) -> list[str]:
    return _SPLIT.split(line.strip()[2:-2])


def previous(path: Path) -> dict[str, Kept]:
    """The phases of an earlier RESULTS.md, as written."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    summary = text.split("## Summary", 1)[-1].split("\n## ", 1)[0]
    rows = [_cells(line) for line in summary.splitlines() if line.startswith("| ")]
    kept = {}
    for phase in PHASES:
        begin, end = _BEGIN.format(phase), _END.format(phase)
        if begin in text and end in text:
            section = text.split(begin, 1)[1].split(end, 1)[0].strip("\n")
            kept[phase] = Kept([r for r in rows if r and r[0] == phase], section)
    return kept


def _section(number: int, outcome: Outcome, stamp: Stamp) -> str:
    return "\n\n".join([
        f"## {number}. {outcome.title}",
        f"_Measured {stamp.when:%Y-%m-%d %H:%M} UTC with `{stamp.command}` "
        f"(this phase: {outcome.seconds:.0f} s)._",
        *outcome.sections,
    ])


def _misses(rows: Iterable[list[str]]) -> str:
    out = []
    for row in rows:
        if len(row) >= 5 and row[4].startswith(MISS):
            text = note(f"{row[0]}/{row[1]}") or ("No analysis recorded for this row yet "
                                                 "(bench/notes.py).")
            out.append(f"- **{row[0]} / {row[1]}** ({row[2]}; target {row[3]}): {text}")
    return "\n".join(out) or "None: every row with a target met it."


def _last_run(path: Path) -> str | None:
    """The "Last run: …" line of an earlier RESULTS.md."""
    if not path.is_file():
        return None
    found = re.search(r"^Last run: .*$", path.read_text(encoding="utf-8"), re.M)
    return found.group(0) if found else None


def document(outcomes: list[Outcome], stamp: Stamp, elapsed: float, path: Path) -> str:
    """RESULTS.md with `outcomes`, and the other phases kept from the file at `path`.
    With no outcomes (--render-only), only the explanations are written again."""
    ran = {o.phase: o for o in outcomes}
    kept = {k: v for k, v in previous(path).items() if k not in ran}
    summary: list[list[str]] = []
    sections: list[str] = []
    for number, phase in enumerate(PHASES, start=1):
        if phase in ran:
            outcome = ran[phase]
            summary += [[phase, ln.row, ln.measured, ln.target, ln.result]
                        for ln in outcome.lines]
            body = _section(number, outcome, stamp)
        elif phase in kept:
            summary += kept[phase].rows
            body = kept[phase].section
        else:
            summary.append([phase, "(all rows)", "—", "—", "not run yet"])
            body = f"## {number}. {phase}\n\nNot run yet: `python -m bench --only {phase}`."
        sections.append(f"{_BEGIN.format(phase)}\n{body}\n{_END.format(phase)}")
    only = sorted(ran, key=PHASES.index)
    carried = (f" Phases {', '.join(sorted(kept, key=PHASES.index))} are kept from an earlier "
               "run; each phase's section says when and how it was measured."
               if kept else "")
    last = (f"Last run: {stamp.when:%Y-%m-%d %H:%M} UTC, `{stamp.command}`, phases "
            f"{', '.join(only)}, {elapsed:.0f} s.{carried}")
    machine_table = table(["", ""], machine.rows())
    if not ran:  # the measurements are the earlier run's: so are its machine and date
        last = _last_run(path) or last
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        if "## Machine" in old and "## Summary" in old:
            machine_table = old.split("## Machine", 1)[1].split("## Summary", 1)[0].strip()
    return "\n\n".join([
        "# Benchmark results",
        "Written by the bench itself (`make bench`, i.e. `.venv/bin/python -m bench`); "
        "do not edit by hand. What each phase does and how to read it: "
        "[README.md](README.md).",
        last,
        "## Machine",
        machine_table,
        "## Summary",
        table(SUMMARY_HEAD, summary),
        "## Targets missed: why, and what would close them",
        _misses(summary),
        *sections,
    ]) + "\n"


def write(text: str, path: Path, out: Path) -> None:
    path.write_text(text, encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.md").write_text(text, encoding="utf-8")
    (out / "latest.md").write_text(text, encoding="utf-8")

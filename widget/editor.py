"""Edits of the strikes file for `solidarity-widget strike …`.

The file is the editor's: comments, order and layout are kept (tomlkit for
values inside a table; whole tables are added or removed as text, so comments
stay with the table they describe). Every edit is validated as a whole file
before it is written, and written atomically: a mistake never reaches the
service, and an interrupted write never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from widget.strikes import FIELDS, parse_file

_HEADER = re.compile(r"^\s*\[")
_STRIKE_HEADER = re.compile(r"""^\s*\[\s*strike\s*\.\s*"?([A-Za-z0-9_-]+)"?\s*\]""")


class EditError(Exception):
    """The edit cannot be made (unknown slug, slug taken, …); nothing was written."""


@dataclass(frozen=True, slots=True)
class Change:
    path: Path
    before: str
    after: str

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"{self.path} (before)", tofile=f"{self.path} (after)"))


def _tables(lines: list[str]) -> list[tuple[int, int, int]]:
    """(start, end, header line) of each table; start includes the comment block right
    above the header, end excludes the comment block that belongs to the next header."""
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    spans = []
    for n, header in enumerate(headers):
        start = header
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        if n and start <= headers[n - 1]:
            start = header
        end = headers[n + 1] if n + 1 < len(headers) else len(lines)
        while end > header + 1 and (not lines[end - 1].strip()
                                    or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        spans.append((start, end, header))
    return spans


def _strike_spans(text: str) -> dict[str, tuple[int, int, int]]:
    lines = text.splitlines(keepends=True)
    return {m.group(1): span for span in _tables(lines)
            if (m := _STRIKE_HEADER.match(lines[span[2]]))}


def _table_text(kind: str, slug: str, fields: Mapping[str, Any]) -> str:
    table = tomlkit.table()
    for key, value in fields.items():
        table.add(key, value)
    doc = tomlkit.document()
    outer = tomlkit.table(is_super_table=True)
    outer.add(slug, table)
    doc.add(kind, outer)
    return tomlkit.dumps(doc).strip() + "\n"


def _ordered(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise EditError(f"unknown fields: {', '.join(sorted(unknown))}")
    return {key: fields[key] for key in FIELDS if fields.get(key) not in (None, (), [])}


def add_strike(text: str, slug: str, fields: Mapping[str, Any]) -> str:
    spans = _strike_spans(text)
    if slug in spans:
        raise EditError(f'strike "{slug}" is already in the file')
    lines = text.splitlines(keepends=True)
    new = _table_text("strike", slug, _ordered(fields))
    # After the last strike table, before whatever comes next (removed strikes).
    at = max((end for _, end, _ in spans.values()), default=len(lines))
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    block = ["\n", *new.splitlines(keepends=True)]
    if at < len(lines):
        block.append("\n")
    return "".join(lines[:at] + block + lines[at:]).replace("\n\n\n", "\n\n")


def update_strike(text: str, slug: str, fields: Mapping[str, Any],
                  unset: tuple[str, ...] = ()) -> str:
    doc = tomlkit.parse(text)
    try:
        table = doc["strike"][slug]  # type: ignore[index]
    except KeyError:
        raise EditError(f'no strike "{slug}" in the file') from None
    for key, value in fields.items():
        if key not in FIELDS:
            raise EditError(f"unknown field: {key}")
        table[key] = list(value) if isinstance(value, tuple) else value
    for key in unset:
        if key in table:
            del table[key]
    return tomlkit.dumps(doc)


def remove_strike(text: str, slug: str, removed_on: dt.date) -> str:
    """Take the strike off the list and leave a tombstone: nothing about the person stays."""
    spans = _strike_spans(text)
    if slug not in spans:
        raise EditError(f'no strike "{slug}" in the file')
    start, end, _ = spans[slug]
    lines = text.splitlines(keepends=True)
    rest = lines[:start] + lines[end:]
    while rest and not rest[-1].strip():
        rest.pop()
    tombstone = _table_text("removed", slug, {"removed_on": removed_on})
    out = "".join(rest).rstrip("\n") + "\n\n" + tombstone
    return re.sub(r"\n{3,}", "\n\n", out)


def apply(path: Path, change: Callable[[str], str], *, write: bool = True) -> Change:
    """Run `change` on the file's text, validate the result as a whole, write atomically."""
    before = path.read_text(encoding="utf-8")
    after = change(before)
    parse_file(after, file=str(path))  # raises StrikesFileError naming file, line, field
    if write and after != before:
        _atomic_write(path, after)
    return Change(path, before, after)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""Edits of the strikes file for `solidarity-widget strike …`.

The file is the editor's: comments, order, layout and line endings are kept.
Tables are found through the same reading that validates the file
(`widget.strikes.Reading`, tomlkit's parser): values inside a table are changed
with tomlkit; whole tables are added or removed as text at the offsets the
parser gives, so comments stay with the table they describe and text inside a
multi-line string is never taken for a table. Every edit is validated as a
whole file before it is written, and written atomically: a mistake never
reaches the service, and an interrupted write never leaves half a file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tempfile
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from widget.strikes import (
    FIELDS,
    TEXT_FIELDS,
    Reading,
    TableSpan,
    parse_file,
    quoted,
    read,
    read_text,
    slug_problem,
)


class EditError(Exception):
    """The edit cannot be made (unknown slug, slug taken, …); nothing was written."""


class MissingFile(EditError):
    """There is no strikes file where the config says."""


@dataclass(frozen=True, slots=True)
class Change:
    path: Path
    before: str
    after: str

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"{self.path} (before)", tofile=f"{self.path} (after)"))


def _newline(text: str) -> str:
    """The file's line ending: CRLF when its first line ends so, else LF."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _keep_endings(before: str, after: str) -> str:
    r"""A CRLF file stays CRLF: tomlkit writes "\n" for the lines it adds.

    Only when `before` had no lone "\n": then every lone one is the edit's own.
    """
    if _newline(before) == "\r\n" and not re.search(r"(?<!\r)\n", before):
        return re.sub(r"(?<!\r)\n", "\r\n", after)
    return after


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\r\n")  # TOML's whitespace; U+2029 is not


def _span(reading: Reading, kind: str, slug: str) -> tuple[int, int]:
    """Offsets [start, end) of the table `[KIND.SLUG]`, with its sub-tables and the
    comment block right above its header (not a comment block after it, which
    belongs to whatever follows)."""
    tables = reading.tables
    at = next((n for n, t in enumerate(tables) if t.path == (kind, slug)), None)
    if at is None:
        if _lookup(reading, kind, slug) is not None:
            raise EditError(f"{kind} {quoted(slug)} is not written as its own "
                            f"[{kind}.{slug}] table; edit that part of the file by hand")
        raise EditError(f"no {kind} {quoted(slug)} in the file")
    last = at
    while last + 1 < len(tables) and tables[last + 1].path[:2] == (kind, slug):
        last += 1
    return _comment_start(reading.text, tables[at]), tables[last].end


def _comment_start(text: str, table: TableSpan) -> int:
    # Between gap_start and the header there are only blank lines and comments
    # (the parser says so), so these lines can be looked at one by one.
    start = text.rfind("\n", 0, table.start) + 1  # the header's line
    while start > table.gap_start:
        above = text.rfind("\n", 0, start - 1) + 1
        if above < table.gap_start or not text[above:start].lstrip(" \t").startswith("#"):
            break
        start = above
    return start


def _lookup(reading: Reading, kind: str, slug: str) -> Any:
    section = reading.document.get(kind)
    return section.get(slug) if isinstance(section, MutableMapping) else None


def _trim_end(text: str) -> str:
    """Drop whole blank lines at the end. Called where the parser says a value or a
    header ended, or at the end of the file, so never inside a multi-line string;
    lines are split at "\n" only (str.splitlines would split at U+2029 too)."""
    while text:
        last = text.rfind("\n", 0, len(text) - 1) + 1
        if not _is_blank(text[last:]):
            break
        text = text[:last]
    return text


def _trim_start(text: str) -> str:
    """Drop whole blank lines at the start (called where a value or header ended)."""
    while text:
        end = text.find("\n") + 1 or len(text)
        if not _is_blank(text[:end]):
            break
        text = text[end:]
    return text


def _join(left: str, block: str, right: str, nl: str) -> str:
    """LEFT, one blank line, BLOCK, one blank line, RIGHT (blank lines at the seams only)."""
    left, right = _trim_end(left), _trim_start(right)
    if left and not left.endswith("\n"):
        left += nl
    parts = [p for p in (left, block, right) if p]
    return nl.join(parts)


def _table_text(kind: str, slug: str, fields: Mapping[str, Any], nl: str) -> str:
    table = tomlkit.table()
    for key, value in fields.items():
        table.add(key, value)
    doc = tomlkit.document()
    outer = tomlkit.table(is_super_table=True)
    outer.add(slug, table)
    doc.add(kind, outer)
    return (tomlkit.dumps(doc).strip() + "\n").replace("\n", nl)


def _ordered(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise EditError(f"unknown fields: {', '.join(quoted(k) for k in sorted(unknown))}")
    return {key: fields[key] for key in FIELDS if fields.get(key) not in (None, (), [])}


def add_strike(text: str, slug: str, fields: Mapping[str, Any]) -> str:
    if (problem := slug_problem(slug)) is not None:
        raise EditError(f"{quoted(slug)}: {problem}")
    _, reading = read(text)
    if _lookup(reading, "strike", slug) is not None:
        raise EditError(f'strike "{slug}" is already in the file')
    nl = _newline(text)
    new = _table_text("strike", slug, _ordered(fields), nl)
    # After the last strike table, before whatever comes next (removed strikes);
    # the first strike goes before the first table and the comments above it.
    ends = [t.end for t in reading.tables if t.path[:1] == ("strike",)]
    if ends:
        at = max(ends)
    else:
        at = _comment_start(text, reading.tables[0]) if reading.tables else len(text)
    return _join(text[:at], new, text[at:], nl)


def update_strike(text: str, slug: str, fields: Mapping[str, Any],
                  unset: tuple[str, ...] = ()) -> str:
    unknown = sorted(set(fields) - set(FIELDS)) + sorted(set(unset) - set(FIELDS))
    if unknown:
        raise EditError(f"unknown field: {', '.join(quoted(k) for k in unknown)} "
                        f"(known: {', '.join(FIELDS)})")
    _, reading = read(text)
    table = _lookup(reading, "strike", slug)
    if not isinstance(table, MutableMapping):
        raise EditError(f"no strike {quoted(slug)} in the file")
    try:
        for key, value in fields.items():
            table[key] = list(value) if isinstance(value, tuple) else value
        for key in unset:
            if key in table:
                del table[key]
        after = tomlkit.dumps(reading.document)
    except (TOMLKitError, ValueError, TypeError) as exc:
        raise EditError(f"strike {quoted(slug)} cannot be edited here ({exc}); "
                        f"edit it by hand") from exc
    return _keep_endings(text, after)


def remove_strike(text: str, slug: str, removed_on: dt.date) -> str:
    """Take the strike off the list and leave a tombstone: nothing about the person stays."""
    _, reading = read(text)
    start, end = _span(reading, "strike", slug)
    nl = _newline(text)
    rest = _join(text[:start], "", text[end:], nl)
    tombstone = _table_text("removed", slug, {"removed_on": removed_on}, nl)
    return _join(rest, tombstone, "", nl)


def apply(path: Path, change: Callable[[str], str], *, write: bool = True,
          create: bool = False, confirm_every_days: int | None = None) -> Change:
    """Run `change` on the file's text, validate the result as a whole, write atomically.

    A missing file raises MissingFile, or with `create` is edited as an empty one.
    `confirm_every_days` (the config's) is what a strike's own unverified_after_days
    must exceed.
    """
    try:
        before = read_text(path)
    except FileNotFoundError:
        if not create:
            raise MissingFile(f"no strikes file at {path}") from None
        before = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise EditError(f"{path}: cannot be read: {exc}") from exc
    read(before, file=str(path))  # a file that is not TOML cannot be edited: say where
    after = change(before)
    try:
        after.encode("utf-8")
    except UnicodeEncodeError as exc:  # a shell passes bytes that are not UTF-8 like this
        raise EditError(f"{quoted(after[exc.start:exc.end])} is not UTF-8 text "
                        f"(check the encoding of the arguments)") from None
    # Raises StrikesFileError naming file, line, field.
    parse_file(after, file=str(path), confirm_every_days=confirm_every_days)
    if write and (after != before or not path.exists()):
        _atomic_write(path, after)
    return Change(path, before, after)


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # newline="" writes the text as it is: CRLF stays CRLF, LF stays LF.
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else _new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _strike_table(reading: Reading, slug: str) -> MutableMapping[str, Any]:
    table = _lookup(reading, "strike", slug)
    if not isinstance(table, MutableMapping):
        raise EditError(f"no strike {quoted(slug)} in the file")
    return table


def _dumped(text: str, reading: Reading, slug: str, change: Callable[[], None]) -> str:
    try:
        change()
        after = tomlkit.dumps(reading.document)
    except (TOMLKitError, ValueError, TypeError) as exc:
        raise EditError(f"strike {quoted(slug)} cannot be edited here ({exc}); "
                        f"edit it by hand") from exc
    return _keep_endings(text, after)


def add_action(text: str, slug: str, kind: str, label: str, url: str) -> str:
    """A call to action after the strike's others ([[strike.SLUG.actions]])."""
    _, reading = read(text)
    table = _strike_table(reading, slug)

    def change() -> None:
        action = tomlkit.table()
        for key, value in (("kind", kind), ("label", label), ("url", url)):
            action.add(key, value)
        if "actions" in table:
            table["actions"].append(action)
        else:
            actions = tomlkit.aot()
            actions.append(action)
            table["actions"] = actions

    return _dumped(text, reading, slug, change)


def remove_action(text: str, slug: str, number: int) -> str:
    """Take off the strike's action `number` (1: the first) and its label in every
    language, so the labels stay in step."""
    _, reading = read(text)
    table = _strike_table(reading, slug)
    actions = table.get("actions")
    count = len(actions) if isinstance(actions, list) else 0
    if not 1 <= number <= count:
        raise EditError(f"strike {quoted(slug)} has {count} action"
                        f"{'' if count == 1 else 's'}; there is no action {number}")

    def change() -> None:
        del table["actions"][number - 1]
        if not table["actions"]:
            del table["actions"]
        for value in table.values():
            labels = value.get("actions") if isinstance(value, MutableMapping) else None
            if isinstance(labels, list) and len(labels) >= number:
                del labels[number - 1]
                if not labels:
                    del value["actions"]

    return _dumped(text, reading, slug, change)


def set_words(text: str, slug: str, lang: str, fields: Mapping[str, Any],
              unset: tuple[str, ...] = ()) -> str:
    """The strike's words in `lang` ([strike.SLUG.LANG]): set `fields`, drop `unset`."""
    unknown = sorted((set(fields) | set(unset)) - set(TEXT_FIELDS))
    if unknown:
        raise EditError(f"unknown field: {', '.join(quoted(k) for k in unknown)} "
                        f"(known: {', '.join(TEXT_FIELDS)})")
    _, reading = read(text)
    table = _strike_table(reading, slug)

    def change() -> None:
        if lang not in table:
            table[lang] = tomlkit.table()
        words = table[lang]
        for key in TEXT_FIELDS:
            if key in fields:
                value = fields[key]
                words[key] = list(value) if isinstance(value, tuple) else value
        for key in unset:
            if key in words:
                del words[key]
        if not words:
            del table[lang]

    return _dumped(text, reading, slug, change)

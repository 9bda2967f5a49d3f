"""The strikes file: one TOML table per hunger strike, edited by hand or with the CLI.

A file with any mistake is rejected as a whole; every problem is reported as
``FILE:LINE: strike "SLUG": FIELD: message`` so an editor can go straight to it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from babel import Locale

from widget.model import Kind, Outcome, Status, Strike

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TABLE_RE = re.compile(
    r"""^\s*\[\s*(strike|removed)\s*\.\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*\]""")
_KEY_RE = re.compile(r"""^\s*(?:"([^"]+)"|([A-Za-z0-9_-]+))\s*=""")
_ANY_TABLE_RE = re.compile(r"^\s*\[")
_E = TypeVar("_E", Kind, Status, Outcome)


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    slug: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:"
        if self.slug is not None:
            where += f' strike "{self.slug}":'
        if self.field is not None:
            where += f" {self.field}:"
        return f"{where} {self.message}"


class StrikesFileError(Exception):
    """The strikes file cannot be used; nothing from it is applied."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@cache
def _countries() -> frozenset[str]:
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(code for code in codes if re.fullmatch(r"[A-Z]{2}", code))


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


class _Lines:
    """Finds the line of each strike table and of each key inside it."""

    def __init__(self, text: str):
        self.tables: dict[str, int] = {}
        self.keys: dict[tuple[str, str], int] = {}
        current: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if m := _TABLE_RE.match(line):
                name = next(g for g in m.groups()[1:] if g is not None)
                current = name if m.group(1) == "strike" else f"removed.{name}"
                self.tables.setdefault(current, number)
            elif _ANY_TABLE_RE.match(line):
                current = None
            elif current is not None and (m := _KEY_RE.match(line)):
                key = m.group(1) or m.group(2)
                self.keys.setdefault((current, key), number)

    def of(self, slug: str, key: str | None = None) -> int:
        if key is not None and (slug, key) in self.keys:
            return self.keys[(slug, key)]
        return self.tables.get(slug, 1)


FIELDS: dict[str, str] = {
    "name": "person's or group's name, as the organisation writes it",
    "country": "ISO 3166-1 alpha-2 code of the country where the strike takes place (FR, TR, …)",
    "place": "prison or location",
    "timezone": "IANA timezone of the place (Europe/Paris); day numbers change at its midnight",
    "start_date": "first day of the strike (day 1), as a TOML date: 2025-03-03",
    "kind": "one of: " + ", ".join(k.value for k in Kind),
    "status": "one of: " + ", ".join(s.value for s in Status),
    "outcome": "for an ended strike, one of: " + ", ".join(o.value for o in Outcome),
    "end_date": "last day of an ended or suspended strike; the day count freezes there",
    "demands": "list of demands, each one short line",
    "summary": "a short summary (at most 500 characters)",
    "sources": "list of links (http or https) that document the strike",
    "related_posts": "list of links to the organisation's posts about the strike",
    "day_offset": "whole number added to the day count, to match the organisation's own count",
    "last_confirmed": "date the strike was last confirmed as ongoing",
    "participants": "number of people on strike, for a collective strike",
}
REQUIRED = ("name", "country", "place", "timezone", "start_date", "kind", "status")


class _Checker:
    def __init__(self, file: str, lines: _Lines, slug: str, table: dict[str, Any]):
        self.file, self.lines, self.slug, self.table = file, lines, slug, table
        self.problems: list[Problem] = []

    def fail(self, key: str | None, message: str) -> None:
        self.problems.append(
            Problem(self.file, self.lines.of(self.slug, key), self.slug, key, message)
        )

    def text(self, key: str, *, limit: int, required: bool = False) -> str:
        value = self.table.get(key)
        if value is None:
            if required:
                self.fail(key, "is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty string")
            return ""
        if len(value) > limit:
            self.fail(key, f"is {len(value)} characters long; at most {limit} are allowed")
        return value.strip()

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self.table.get(key)
        if value is None:
            if required:
                self.fail(key, "is required")
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            hint = f" (write {value} without quotes)" if isinstance(value, str) else ""
            self.fail(key, f"must be a TOML date like 2025-03-03, not {value!r}{hint}")
            return None
        return value

    def choice(self, key: str, enum: type[_E]) -> _E | None:
        value = self.table.get(key)
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self.fail(key, f"{value!r} is not one of: {allowed}")
            return None

    def strings(self, key: str, *,
                check: Callable[[str], str | None] | None = None) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(key, "must be a list of non-empty strings")
            return ()
        for item in value:
            if check is not None and (message := check(item)) is not None:
                self.fail(key, message)
        return tuple(v.strip() for v in value)

    def integer(self, key: str, *, low: int, high: int) -> int | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"must be a whole number from {low} to {high}, not {value!r}")
            return None
        return value


def _link(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{value!r} is not an http or https link"
    return None


def _check_ending(c: _Checker, status: Status | None, end: dt.date | None) -> None:
    """Outcome and end date must agree with the status."""
    if status is Status.ENDED and "outcome" not in c.table:
        c.fail("outcome", 'is required when status is "ended"')
    if status is not None and status is not Status.ENDED and "outcome" in c.table:
        c.fail("outcome", f'only an ended strike has an outcome; status is "{status}"')
    if status in (Status.ENDED, Status.SUSPENDED) and "end_date" not in c.table:
        c.fail("end_date", f'is required when status is "{status}"')
    if status in (Status.ANNOUNCED, Status.ACTIVE) and end is not None:
        c.fail("end_date", f'a strike that is "{status}" has no end date yet')


def _strike(c: _Checker) -> Strike | None:
    for key in c.table:
        if key not in FIELDS:
            c.fail(key, "is not a known field (known: " + ", ".join(FIELDS) + ")")
    name = c.text("name", limit=120, required=True)
    place = c.text("place", limit=200, required=True)
    country = c.text("country", limit=2, required=True)
    if country and country not in _countries():
        c.fail("country", f"{country!r} is not an ISO 3166-1 alpha-2 country code (FR, TR, DE, …)")
    timezone = c.text("timezone", limit=64, required=True)
    if timezone and timezone not in _timezones():
        c.fail("timezone", f"{timezone!r} is not an IANA timezone (Europe/Paris, Asia/Kolkata, …)")
    start = c.date("start_date", required=True)
    kind = c.choice("kind", Kind)
    status = c.choice("status", Status)
    for key in ("kind", "status"):
        if key not in c.table:
            c.fail(key, "is required")
    outcome = c.choice("outcome", Outcome)
    end = c.date("end_date")
    _check_ending(c, status, end)
    if start and end and end < start:
        c.fail("end_date", f"{end} is before start_date {start}")
    confirmed = c.date("last_confirmed")
    if start and confirmed and confirmed < start:
        c.fail("last_confirmed", f"{confirmed} is before start_date {start}")
    demands = c.strings("demands", check=lambda d: "each demand must be at most 200 characters"
                        if len(d) > 200 else None)
    summary = c.text("summary", limit=500) if "summary" in c.table else ""
    sources = c.strings("sources", check=_link)
    related = c.strings("related_posts", check=_link)
    offset = c.integer("day_offset", low=-10_000, high=10_000)
    participants = c.integer("participants", low=1, high=1_000_000)
    if c.problems or start is None or kind is None or status is None:
        return None
    return Strike(
        slug=c.slug, name=name, country=country, place=place, timezone=timezone,
        start_date=start, kind=kind, status=status, outcome=outcome, end_date=end,
        demands=demands, summary=summary, sources=sources, related_posts=related,
        day_offset=offset or 0, last_confirmed=confirmed, participants=participants,
    )


@dataclass(frozen=True, slots=True)
class StrikesFile:
    strikes: list[Strike]
    # Tombstones: slugs no longer listed, with the date they were removed. Every form
    # then says so (API 410, a neutral notice, a badge) instead of a broken widget.
    removed: dict[str, dt.date]


REMOVED_FIELDS = ("removed_on", "note")


def _removed(file: str, lines: _Lines, tables: Any, strikes: list[Strike],
             problems: list[Problem]) -> dict[str, dt.date]:
    if not isinstance(tables, dict):
        problems.append(Problem(file, 1, None, "removed",
                                'must be tables like "[removed.old-slug]"'))
        return {}
    listed = {s.slug for s in strikes}
    removed: dict[str, dt.date] = {}
    for slug, table in tables.items():
        line = lines.of(f"removed.{slug}")
        if not isinstance(table, dict):
            problems.append(Problem(file, line, slug, None, "must be a table"))
            continue
        for key in table:
            if key not in REMOVED_FIELDS:
                problems.append(Problem(file, lines.of(f"removed.{slug}", key), slug, key,
                                        "a removed strike has only removed_on and note"))
        when = table.get("removed_on")
        if isinstance(when, dt.datetime) or not isinstance(when, dt.date):
            problems.append(Problem(file, lines.of(f"removed.{slug}", "removed_on"), slug,
                                    "removed_on", "must be a TOML date like 2025-08-01"))
            continue
        if slug in listed:
            problems.append(Problem(file, line, slug, None,
                                    "is listed as a strike and as removed; keep one"))
        removed[slug] = when
    return removed


def parse_strikes(text: str, file: str = "strikes.toml") -> list[Strike]:
    """Parse and validate a whole strikes file; raise StrikesFileError listing every problem."""
    return parse_file(text, file).strikes


def parse_file(text: str, file: str = "strikes.toml") -> StrikesFile:
    """Parse and validate a whole strikes file; raise StrikesFileError listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise StrikesFileError([Problem(file, line, None, None, f"not valid TOML: {exc}")]) from exc
    lines = _Lines(text)
    problems: list[Problem] = []
    for key in data:
        if key not in ("strike", "removed"):
            problems.append(Problem(file, 1, None, key,
                                    'unknown top-level entry; strikes are "[strike.SLUG]" tables'))
    tables = data.get("strike", {})
    if not isinstance(tables, dict):
        problems.append(Problem(file, 1, None, "strike",
                                'must be tables like "[strike.zehra-kurtay]"'))
        tables = {}
    strikes: list[Strike] = []
    for slug, table in tables.items():
        if not SLUG_RE.match(slug) or len(slug) > 64:
            problems.append(Problem(
                file, lines.of(slug), slug, None,
                "slug must be lowercase letters, digits and single hyphens (zehra-kurtay)"))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(file, lines.of(slug), slug, None, "must be a table"))
            continue
        checker = _Checker(file, lines, slug, table)
        strike = _strike(checker)
        problems.extend(checker.problems)
        if strike is not None:
            strikes.append(strike)
    removed = _removed(file, lines, data.get("removed", {}), strikes, problems)
    if problems:
        raise StrikesFileError(sorted(problems, key=lambda p: p.line))
    return StrikesFile(strikes, removed)


def _line_from_message(message: str) -> int:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else 1


def load_file(path: Path) -> StrikesFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(str(path), 1, None, None, f"cannot be read: {exc}")
        raise StrikesFileError([problem]) from exc
    return parse_file(text, file=str(path))


def load_strikes(path: Path) -> list[Strike]:
    return load_file(path).strikes


def field_docs() -> Iterable[tuple[str, bool, str]]:
    for key, help_text in FIELDS.items():
        yield key, key in REQUIRED, help_text

"""The strikes file: one TOML table per hunger strike, edited by hand or with the CLI.

Long on purpose: reading the file (with TOML's own positions) and checking each field
share one table of fields and one error shape; apart, each half would need the other's
internals.

A file with any mistake is rejected as a whole; every problem is reported as
``FILE:LINE: strike "SLUG": FIELD: message`` so an editor can go straight to it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from babel import Locale
from tomlkit.exceptions import ParseError, TOMLKitError
from tomlkit.parser import Parser

from widget.days import local_today, timezone_problem
from widget.i18n import LANGUAGES
from widget.model import (
    STOPPED,
    Action,
    ActionKind,
    Kind,
    Outcome,
    Status,
    Strike,
    StrikeText,
)
from widget.values import SLUG_MAX, is_slug

_E = TypeVar("_E", Kind, Status, Outcome)


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    slug: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{printable(self.file)}:{self.line}:"
        if self.slug is not None:
            where += f" strike {quoted(self.slug)}:"
        if self.field is not None:
            where += f" {printable(self.field)}:"
        return f"{where} {printable(self.message)}"


def printable(text: str) -> str:
    """One line, whatever the file holds: line breaks and control characters escaped."""
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def quoted(text: str) -> str:
    return '"' + printable(text).replace('"', '\\"') + '"'


def slug_problem(slug: str) -> str | None:
    if is_slug(slug):
        return None
    return (f"slug must be lowercase letters, digits and single hyphens (zehra-kurtay), "
            f"at most {SLUG_MAX} characters")


class StrikesFileError(Exception):
    """The strikes file cannot be used; nothing from it is applied."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# NOTE: this memo, widget.days's zone tables and i18n.translations are the process-wide
# ones: read-only data from installed packages (CLDR, tzdata), the same for every app.
@cache
def _countries() -> frozenset[str]:
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(code for code in codes if re.fullmatch(r"[A-Z]{2}", code))


class _Parser(Parser):
    """tomlkit's own parser, noting where it starts each table header and each key.

    NOTE: these are tomlkit's internal methods (`_parse_table`, `_parse_key_value`,
    `_parse_inline_table`, `_peek_table`, `_idx`); tomlkit has no public API for
    positions. test_the_reading_finds_every_header_and_key fails if an upgrade
    changes them.
    """

    def __init__(self, text: str):
        super().__init__(text)
        self.headers: list[tuple[tuple[str, ...], int]] = []
        self.keys: list[tuple[tuple[str, ...], int, int]] = []
        self._inline = 0

    def _parse_table(self, parent_name: Any = None, parent: Any = None) -> Any:
        start = self._idx  # at the "[" of the header
        _, key = self._peek_table()
        self.headers.append((tuple(part.key for part in key), start))
        return super()._parse_table(parent_name, parent)

    def _parse_key_value(self, parse_comment: bool = False) -> Any:
        start, inline = self._idx, self._inline
        key, value = super()._parse_key_value(parse_comment)
        if not inline:  # keys inside an inline table are on their key's line
            self.keys.append((tuple(part.key for part in key), start, self._idx))
        return key, value

    def _parse_inline_table(self) -> Any:
        self._inline += 1
        try:
            return super()._parse_inline_table()
        finally:
            self._inline -= 1


@dataclass(frozen=True, slots=True)
class TableSpan:
    """One `[header]` as written: offsets into the text, end excluded."""

    path: tuple[str, ...]  # the header's key, decoded: [strike."a\u002db"] is ("strike", "a-b")
    start: int  # the "[" of the header
    gap_start: int  # end of whatever comes before: only blank lines and comments in between
    end: int  # end of the table's last key/value line (of its header line if it has none)


class Reading:
    """The strikes file as tomlkit's parser reads it, with where each table and key is.

    Why the parser and not patterns on lines: only the parser knows that a
    `[strike.x]` line inside a multi-line string is text, that
    `[strike."a\\u002db"]` and `[strike.'a-b']` both name "a-b", and where a value
    ends. So `_Parser` (tomlkit's parser) notes the offset where it starts each
    header and each key (and where each key/value ends); the document it builds
    is the one the editor changes, and the offsets are where the editor cuts and
    inserts whole tables. A key belongs to the header before it in the text;
    its path is that header's path plus its own (dotted) parts, so
    `[strike.a.extra]` is found at its own line and a value's key at its line.

    Lines are counted as TOML counts them: a newline is LF or CRLF, so counting
    "\\n" is exact (a lone CR is not allowed). `str.splitlines()` would also
    split at U+2028, U+2029, U+0085, … which TOML allows inside strings.
    """

    def __init__(self, text: str, file: str = "strikes.toml"):
        parser = _Parser(text)
        try:
            self.document = parser.parse()
        except (TOMLKitError, ValueError, RecursionError) as exc:
            raise StrikesFileError([Problem(file, _tomlkit_line(text, exc), None, None,
                                            f"not valid TOML: {_without_position(exc)}")]) from exc
        self.text = text
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self._explicit: dict[tuple[str, ...], int] = {}
        self._implicit: dict[tuple[str, ...], int] = {}
        self.tables: list[TableSpan] = []
        self.root_end = 0  # end of the keys above the first header
        header: tuple[str, ...] = ()
        ends: dict[int, int] = {}
        events = sorted([(start, False, path, 0) for path, start in parser.headers]
                        + [(start, True, path, end) for path, start, end in parser.keys],
                        key=lambda event: event[0])  # in the order of the text
        for start, is_key, path, end in events:
            if not is_key:
                header = path
                self._note(path, start)
                ends[len(self.tables)] = self._line_end(start)
                self.tables.append(TableSpan(path, start, 0, 0))
            else:
                self._note(header + path, start)
                if self.tables:
                    ends[len(self.tables) - 1] = end
                else:
                    self.root_end = end
        previous = self.root_end
        for n, table in enumerate(self.tables):
            self.tables[n] = TableSpan(table.path, table.start, previous, ends[n])
            previous = ends[n]

    def _note(self, path: tuple[str, ...], start: int) -> None:
        line = self.line_at(start)
        self._explicit.setdefault(path, line)
        for n in range(1, len(path)):
            self._implicit.setdefault(path[:n], line)

    def _line_end(self, offset: int) -> int:
        # A header is one line: its keys cannot hold a newline.
        end = self.text.find("\n", offset)
        return len(self.text) if end < 0 else end + 1

    def line_at(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    def line(self, *path: str) -> int:
        """Line of a table or key; for one the file does not write, its nearest parent's."""
        while path:
            if path in self._explicit:
                return self._explicit[path]
            if path in self._implicit:
                return self._implicit[path]
            path = path[:-1]
        return 1


def _tomlkit_line(text: str, exc: Exception) -> int:
    """The line of a tomlkit error, recounted: tomlkit counts with str.splitlines()."""
    if not isinstance(exc, ParseError):
        return 1
    lines = text.splitlines(keepends=True)
    offset = sum(len(line) for line in lines[:exc.line - 1]) + exc.col
    return text.count("\n", 0, offset) + 1


def _without_position(exc: Exception) -> str:
    return str(exc).rsplit(" at line ", 1)[0] if isinstance(exc, ParseError) else str(exc)


FIELDS: dict[str, str] = {
    "name": "person's or group's name, as the organisation writes it",
    "country": "ISO 3166-1 alpha-2 code of the country where the strike takes place (FR, TR, …)",
    "place": "prison or location",
    "timezone": "IANA timezone of the place (Europe/Paris); day numbers change at its midnight",
    "start_date": "first day of the strike (day 1), as a TOML date: 2025-03-03; with "
                  "start_known = false, the first day a source reports it going on",
    "kind": "one of: " + ", ".join(k.value for k in Kind),
    "status": "one of: " + ", ".join(s.value for s in Status),
    "outcome": "for an ended strike, one of: " + ", ".join(o.value for o in Outcome),
    "end_date": "last day of an ended or suspended strike; the day count freezes there",
    "demands": "list of demands, each one short line",
    "summary": "a short summary (at most 500 characters)",
    "sources": "list of links (http or https) that document the strike",
    "related_posts": "list of links to the organisation's posts about the strike",
    "day_offset": "whole number, 0 or more, added to the day count, to match the "
                  "organisation's own count (their day 1 is never after start_date)",
    "last_confirmed": "date the strike was last confirmed as ongoing (none: its start date)",
    "participants": "number of people on strike, for a collective strike",
    "unverified_after_days": "this strike's own unverified_after_days setting: days without "
                             "confirmation after which its counter shows the last confirmed "
                             "day instead of today's (more than confirm_every_days)",
    "start_known": "false when no source gives the first day: start_date is then the first "
                   "day a source reports the strike going on, and no day number is shown",
    "actions": "what readers can do, each a [[strike.SLUG.actions]] table with kind (one of: "
               + ", ".join(k.value for k in ActionKind) + "), label and an https url",
}
# A [strike.SLUG.LANG] table gives the strike's words in one more interface language.
TEXT_FIELDS: dict[str, str] = {
    "name": "the name, when it is written differently in this language",
    "place": "the place in this language",
    "demands": "the demands in this language, as many as the strike's",
    "summary": "the summary in this language",
    "actions": "the actions' labels in this language, one per action, in their order",
}
ACTION_FIELDS = ("kind", "label", "url")
MAX_ACTIONS = 10
REQUIRED = ("name", "country", "place", "timezone", "start_date", "kind", "status")


class _Checker:
    def __init__(self, file: str, reading: Reading, slug: str, table: dict[str, Any],
                 today: dt.datetime | None = None, confirm_every_days: int | None = None,
                 within: str = ""):
        self.file, self.reading, self.slug, self.table = file, reading, slug, table
        self.within = within  # a sub-table of the strike's ([strike.SLUG.tr]): "tr"
        # Now, for the dates that cannot be in the future; None: not checked.
        self.today = today
        self.confirm_every_days = confirm_every_days  # the config's; None: not known here
        self.problems: list[Problem] = []

    def fail(self, key: str | None, message: str) -> None:
        keys = tuple(k for k in (self.within, key) if k)
        self.problems.append(Problem(self.file, self.reading.line("strike", self.slug, *keys),
                                     self.slug, ".".join(keys) or None, message))

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

    def boolean(self, key: str) -> bool | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false (without quotes), not {value!r}")
            return None
        return value

    def integer(self, key: str, *, low: int, high: int) -> int | None:
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"must be a whole number from {low} to {high}, not {value!r}")
            return None
        return value


def _link(value: str) -> str | None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:  # "http://[::1": urlsplit refuses an unclosed bracket
        return f"{value!r} is not a valid link: {exc}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{value!r} is not an http or https link"
    return None


def _check_ending(c: _Checker, status: Status | None, end: dt.date | None) -> None:
    """Outcome and end date must agree with the status."""
    if status is Status.ENDED and "outcome" not in c.table:
        c.fail("outcome", 'is required when status is "ended"')
    if status is not None and status is not Status.ENDED and "outcome" in c.table:
        c.fail("outcome", f'only an ended strike has an outcome; status is "{status}"')
    if status in STOPPED and "end_date" not in c.table:
        c.fail("end_date", f'is required when status is "{status}"')
    if status in (Status.ANNOUNCED, Status.ACTIVE) and end is not None:
        c.fail("end_date", f'a strike that is "{status}" has no end date yet')


def _check_dates(c: _Checker, status: Status | None, timezone: str, start: dt.date | None,
                 end: dt.date | None, confirmed: dt.date | None) -> None:
    """Dates that cannot have happened yet: a strike is recorded as stopped, or confirmed,
    once that happened. "Today" is the strike's own, where its counter counts."""
    if c.today is None or not timezone or timezone_problem(timezone) is not None:
        return
    today = local_today(timezone, c.today)
    later = f"is after today ({today} in {timezone})"
    if status in STOPPED and start is not None and start > today:
        c.fail("start_date", f'{start} {later}: a strike that is "{status}" has started; '
                             "record its end once it has happened")
    elif status in STOPPED and end is not None and end > today:
        c.fail("end_date", f'{end} {later}: set status "{status}" once it has happened')
    if confirmed is not None and confirmed > today:
        c.fail("last_confirmed", f"{confirmed} {later}: a confirmation is of a day that came")


def _check_counting(c: _Checker, status: Status | None, start_known: bool | None,
                    offset: int | None, unverified: int | None) -> None:
    if start_known is False and status is Status.ANNOUNCED:
        c.fail("start_known", 'an announced strike has its start date; start_known = false is '
                              "for a strike first reported while it was going on")
    if start_known is False and offset:
        c.fail("day_offset", "no day number is shown when start_known = false; remove "
                             "day_offset (or give the real start_date)")
    every = c.confirm_every_days
    if unverified is not None and every is not None and unverified <= every:
        c.fail("unverified_after_days", f"{unverified} must be more than confirm_every_days "
                                        f"({every}, the config's)")


def _https(value: str) -> str | None:
    if (message := _link(value)) is not None:
        return message
    return None if urlsplit(value).scheme == "https" else f"{value!r} is not an https link"


def _actions(c: _Checker) -> tuple[Action, ...]:
    value = c.table.get("actions", [])
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        c.fail("actions", "must be [[strike.SLUG.actions]] tables")
        return ()
    if len(value) > MAX_ACTIONS:
        c.fail("actions", f"has {len(value)} actions; at most {MAX_ACTIONS} are allowed")
    actions = []
    for n, table in enumerate(value, 1):
        where = f"action {n}: "
        for key in table:
            if key not in ACTION_FIELDS:
                c.fail("actions", f"{where}{key!r} is not a known field (known: "
                                  + ", ".join(ACTION_FIELDS) + ")")
        kind, label, url = (table.get(k) for k in ACTION_FIELDS)
        try:
            kind = ActionKind(kind)
        except ValueError:
            c.fail("actions", f"{where}kind {kind!r} is not one of: "
                              + ", ".join(k.value for k in ActionKind))
            kind = None
        if not isinstance(label, str) or not label.strip() or len(label) > 80:
            c.fail("actions", f"{where}label must be a text of 1 to 80 characters")
            label = None
        problem = ("url is required" if url is None else "url must be a text"
                   if not isinstance(url, str) else _https(url))
        if problem is not None:
            c.fail("actions", where + problem)
            url = None
        if kind is not None and label is not None and url is not None:
            actions.append(Action(kind, label.strip(), url))
    return tuple(actions)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _texts(c: _Checker, demands: int, actions: int) -> tuple[tuple[str, StrikeText], ...]:
    texts = []
    for lang, table in c.table.items():
        if lang not in LANGUAGES or not isinstance(table, dict):
            continue
        sub = _Checker(c.file, c.reading, c.slug, table, within=lang)
        sub.problems = c.problems  # one list: the file's problems in the order found
        for key in table:
            if key not in TEXT_FIELDS:
                sub.fail(key, "is not a field of a language's words (known: "
                              + ", ".join(TEXT_FIELDS) + ")")
        text = StrikeText(
            name=sub.text("name", limit=120), place=sub.text("place", limit=200),
            demands=sub.strings("demands"), summary=sub.text("summary", limit=500),
            actions=sub.strings("actions"))
        if text.demands and len(text.demands) != demands:
            sub.fail("demands", f"has {_count(len(text.demands), 'demand')}; the strike has "
                                f"{_count(demands, 'demand')}")
        if text.actions and len(text.actions) != actions:
            sub.fail("actions", f"has {_count(len(text.actions), 'label')}; the strike has "
                                f"{_count(actions, 'action')}")
        texts.append((lang, text))
    return tuple(texts)


def _check_keys(c: _Checker) -> None:
    for key, value in c.table.items():
        if key in FIELDS:
            continue
        if isinstance(value, dict) and key in LANGUAGES:
            continue  # the strike's words in that language (_texts)
        if isinstance(value, dict):
            c.fail(key, "is a sub-table, and not a language of the interface (" +
                   ", ".join(LANGUAGES) + "); a strike has known fields (known: "
                   + ", ".join(FIELDS) + ")")
        else:
            c.fail(key, "is not a known field (known: " + ", ".join(FIELDS) + ")")


def _strike(c: _Checker) -> Strike | None:
    _check_keys(c)
    name = c.text("name", limit=120, required=True)
    place = c.text("place", limit=200, required=True)
    country = c.text("country", limit=2, required=True)
    if country and country not in _countries():
        c.fail("country", f"{country!r} is not an ISO 3166-1 alpha-2 country code (FR, TR, DE, …)")
    timezone = c.text("timezone", limit=64, required=True)
    if timezone and (reason := timezone_problem(timezone)) is not None:
        c.fail("timezone", reason)
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
    # Day 1 + day_offset is the first day shown: below 0, days below 1 would be.
    if isinstance(c.table.get("day_offset"), int) and c.table["day_offset"] < 0:
        c.fail("day_offset", f"{c.table['day_offset']} would make the first days of the "
                             "strike day 0 or less; move start_date to the organisation's "
                             "day 1 instead")
        offset = None
    else:
        offset = c.integer("day_offset", low=0, high=10_000)
    participants = c.integer("participants", low=1, high=1_000_000)
    unverified = c.integer("unverified_after_days", low=2, high=3650)
    start_known = c.boolean("start_known")
    _check_counting(c, status, start_known, offset, unverified)
    _check_dates(c, status, timezone, start, end, confirmed)
    actions = _actions(c)
    given = c.table.get("actions", [])
    texts = _texts(c, len(demands), len(given) if isinstance(given, list) else 0)
    if c.problems or start is None or kind is None or status is None:
        return None
    return Strike(
        slug=c.slug, name=name, country=country, place=place, timezone=timezone,
        start_date=start, kind=kind, status=status, outcome=outcome, end_date=end,
        demands=demands, summary=summary, sources=sources, related_posts=related,
        day_offset=offset or 0, last_confirmed=confirmed, participants=participants,
        unverified_after_days=unverified, start_known=start_known is not False,
        actions=actions, texts=texts,
    )


@dataclass(frozen=True, slots=True)
class StrikesFile:
    strikes: list[Strike]
    # Tombstones: slugs no longer listed, with the date they were removed. Every form
    # then says so (API 410, a neutral notice, a badge) instead of a broken widget.
    removed: dict[str, dt.date]

    @property
    def is_empty(self) -> bool:
        """No strike and no tombstone: what a 0-byte or truncated save looks like."""
        return not self.strikes and not self.removed


REMOVED_FIELDS = ("removed_on", "note")


def _tables(file: str, reading: Reading, kind: str, tables: Any, example: str,
            problems: list[Problem]) -> Iterator[tuple[str, dict[str, Any], int]]:
    """(slug, table, line) of each `[KIND.SLUG]` table whose slug and shape are right;
    what is wrong goes to `problems`."""
    if not isinstance(tables, dict):
        problems.append(Problem(file, reading.line(kind), None, kind,
                                f'must be tables like "[{kind}.{example}]"'))
        return
    for slug, table in tables.items():
        line = reading.line(kind, slug)
        if (message := slug_problem(slug)) is not None:
            problems.append(Problem(file, line, slug, None, message))
        elif not isinstance(table, dict):
            problems.append(Problem(file, line, slug, None, "must be a table"))
        else:
            yield slug, table, line


def _removed(file: str, reading: Reading, tables: Any, strikes: list[Strike],
             problems: list[Problem]) -> dict[str, dt.date]:
    listed = {s.slug for s in strikes}
    removed: dict[str, dt.date] = {}
    for slug, table, line in _tables(file, reading, "removed", tables, "old-slug", problems):
        for key in table:
            if key not in REMOVED_FIELDS:
                problems.append(Problem(file, reading.line("removed", slug, key), slug, key,
                                        "a removed strike has only removed_on and note"))
        when = table.get("removed_on")
        if isinstance(when, dt.datetime) or not isinstance(when, dt.date):
            problems.append(Problem(file, reading.line("removed", slug, "removed_on"), slug,
                                    "removed_on", "must be a TOML date like 2025-08-01"))
            continue
        if slug in listed:
            problems.append(Problem(file, line, slug, None,
                                    "is listed as a strike and as removed; keep one"))
        removed[slug] = when
    return removed


def read(text: str, file: str = "strikes.toml") -> tuple[dict[str, Any], Reading]:
    """The values (tomllib, the reference reader) and where they are (tomlkit's reading).

    Both must accept the text: tomllib for its strictness and its messages,
    tomlkit because the editor edits what tomlkit reads.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib counts lines as TOML does: "\n" only.
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc), text)
        raise StrikesFileError([Problem(file, line, None, None, f"not valid TOML: {exc}")]) from exc
    except RecursionError as exc:  # tomllib recurses once per "[" or "{"
        raise StrikesFileError([Problem(file, 1, None, None,
                                        "not valid TOML: arrays or tables nested too deeply")]
                               ) from exc
    return data, Reading(text, file)


def parse_strikes(text: str, file: str = "strikes.toml", *, now: dt.datetime | None = None,
                  confirm_every_days: int | None = None) -> list[Strike]:
    """Parse and validate a whole strikes file; raise StrikesFileError listing every problem."""
    return parse_file(text, file, now=now, confirm_every_days=confirm_every_days).strikes


def parse_file(text: str, file: str = "strikes.toml", *, now: dt.datetime | None = None,
               confirm_every_days: int | None = None) -> StrikesFile:
    """Parse and validate a whole strikes file; raise StrikesFileError listing every problem.

    A file without any table (0 bytes, only comments) parses: see `StrikesFile.is_empty`.
    Dates that cannot have come yet (an ended strike's start or end, a confirmation) are
    checked against `now` (default: the wall clock, as the editor lives it; a test's
    clock is its own), and a strike's own unverified_after_days against the config's
    `confirm_every_days` when it is given.
    """
    today = now if now is not None else dt.datetime.now(dt.UTC)
    data, reading = read(text, file)
    problems: list[Problem] = []
    for key in data:
        if key not in ("strike", "removed"):
            problems.append(Problem(file, reading.line(key), None, key,
                                    'unknown top-level entry; strikes are "[strike.SLUG]" tables'))
    strikes: list[Strike] = []
    tables = data.get("strike", {})
    for slug, table, _ in _tables(file, reading, "strike", tables, "zehra-kurtay", problems):
        checker = _Checker(file, reading, slug, table, today, confirm_every_days)
        strike = _strike(checker)
        problems.extend(checker.problems)
        if strike is not None:
            strikes.append(strike)
    removed = _removed(file, reading, data.get("removed", {}), strikes, problems)
    if problems:
        raise StrikesFileError(sorted(problems, key=lambda p: p.line))
    return StrikesFile(strikes, removed)


def _line_from_message(message: str, text: str) -> int:
    if m := re.search(r"line (\d+)", message):
        return int(m.group(1))
    # "(at end of document)": a string or table left open, as in a truncated save.
    return text.rstrip("\r\n").count("\n") + 1 if "end of document" in message else 1


def read_text(path: Path) -> str:
    """The file's text as it is: no newline translation, so CRLF stays CRLF and a lone
    CR (not a TOML newline) is refused, not taken for a line break."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def load_file(path: Path, *, now: dt.datetime | None = None,
              confirm_every_days: int | None = None) -> StrikesFile:
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(str(path), 1, None, None, f"cannot be read: {exc}")
        raise StrikesFileError([problem]) from exc
    return parse_file(text, file=str(path), now=now, confirm_every_days=confirm_every_days)


"""The nginx snippet (OUTDIR/nginx-site.conf): a `location` per family of exported URLs
that maps each request back to its file (`try_files $uri/$args`, see
widget.export.tree) and sets the headers the service sets, copied from its own answers
at build time rather than retyped.

Answers with a day number are the same bytes until the next build, but their day ends
at a local midnight. The snippet knows the first one after the build (`changes_at`) and
nginx its own clock: such an answer is fresh for `--day-max-age` seconds while that
lasts, and stale at once (revalidated by every cache) from `--day-max-age` seconds
before it until the next build, so that no copy outlives the midnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

from widget.export.errors import ExportError
from widget.export.exporter import ROLE_GONE, ROLE_REMOVED, ROLE_UNKNOWN, Written
from widget.export.families import FAMILIES, Family
from widget.export.tree import GONE, INDEX, NGINX_SNIPPET, NOT_FOUND, REMOVED, UNKNOWN
from widget.values import SLUG_RE

# Headers copied from the service's own responses, per location.
COPIED = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
          "X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy")
# ... and for CORS preflight requests (OPTIONS), answered by nginx itself.
PREFLIGHT = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
             "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
             "Access-Control-Max-Age", "X-Content-Type-Options", "Referrer-Policy")
# An Expires that has passed: a copy is stale at once.
_PAST = "Thu, 01 Jan 1970 00:00:00 GMT"


@dataclass
class Location:
    match: str  # nginx location arguments
    content_type: str
    headers: dict[str, str]
    try_files: str
    extra: tuple[str, ...] = ()
    gzip: bool = False
    day: bool = False  # its answers show a day number: Cache-Control and Expires of DayLifetime


@dataclass(frozen=True)
class DayLifetime:
    """How long a copy of an answer with a day number stays fresh: `max_age` seconds, but
    never past `changes_at` (None: no strike still counts, nothing changes at midnight)."""

    max_age: int
    stale_if_error: int
    changes_at: dt.datetime | None

    def cache_control(self, max_age: int) -> str:
        return (f"public, max-age={max_age}, s-maxage={max_age}, "
                f"stale-if-error={self.stale_if_error}")

    def lines(self) -> list[str]:
        """The server-level lines that set $sw_day_cc (and $sw_day_expires) by the clock."""
        if self.changes_at is None:
            return ["# No strike still counts: nothing exported changes at a midnight.",
                    f"set $sw_day_cc {_quote(self.cache_control(self.max_age))};"]
        at = self.changes_at.astimezone(dt.UTC)
        # NOTE: counted in whole seconds, the window starts early rather than late, so
        # that a copy fresh for max_age seconds before it ends by `changes_at`.
        stale_from = int(at.timestamp()) - self.max_age
        return [
            f"# Day numbers change next at {at:%Y-%m-%d %H:%M:%S} UTC (the first local "
            "midnight of a strike still",
            f"# counting after the build). From {self.max_age} s before it, and until the "
            "next build, answers that",
            "# show one are stale at once. Rebuild just after it (docs/deploy.md).",
            f"set $sw_day_cc {_quote(self.cache_control(self.max_age))};",
            f"set $sw_day_expires {_quote(format_datetime(at, usegmt=True))};",
            f'if ($msec ~ "{at_or_after(stale_from)}") {{',
            f"    set $sw_day_cc {_quote(self.cache_control(0))};",
            f'    set $sw_day_expires "{_PAST}";',
            "}",
        ]


def at_or_after(seconds: int) -> str:
    """A regular expression (PCRE and Python's alike) for nginx's `$msec` (whole seconds
    since the epoch, ".", milliseconds) at or after the instant `seconds`: nginx has no
    arithmetic, but a number in decimals is at least N when, at the first digit where
    they differ, its digit is greater, or when it has more digits."""
    if seconds < 0:
        raise ExportError(f"{seconds}: not an instant nginx can compare with")
    digits = str(seconds)
    alternatives = [f"[1-9][0-9]{{{len(digits)},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            rest = len(digits) - i - 1
            alternatives.append(digits[:i] + f"[{int(digit) + 1}-9]"
                                + (f"[0-9]{{{rest}}}" if rest else ""))
    alternatives.append(digits)
    return "^(?:" + "|".join(alternatives) + ")\\."


def plan_locations(written: list[Written], not_found: Mapping[str, str],
                   removed: list[str]) -> list[Location]:
    """The locations that serve the written files, in the snippet's order."""
    by_family: dict[Family | None, list[Written]] = {}
    by_role: dict[str, list[Written]] = {}
    for item in written:
        by_family.setdefault(item.family, []).append(item)
        by_role.setdefault(item.role, []).append(item)
    locations = []
    for family in FAMILIES:
        items = by_family.get(family, [])
        if not items:
            continue
        if family.location is None:  # one exact location per URL
            locations += [_location(family.name, f"= {item.url}", [item], f"/{item.file} =404",
                                    day=family.day, gzip=family.gzip) for item in items]
            continue
        extra: tuple[str, ...] = ()
        if family.tombstones:
            tombstones = _tombstones(family, by_role, removed)
            locations += tombstones
            if any(loc.match == family.unknown_location for loc in tombstones):
                extra = (f"error_page 404 {family.unknown_page};",)
        locations.append(_location(family.name, family.location, items, family.try_files,
                                   day=family.day, gzip=family.gzip, extra=extra))
    locations.append(Location(f"= {NOT_FOUND}", not_found.get("content-type", ""),
                              _headers(not_found, day=False), "", ("internal;",)))
    gone = by_role.get(ROLE_GONE, [])
    if gone:
        locations.append(_location("gone", f"^~ /{GONE}/", gone, "$uri =404",
                                   extra=("internal;",)))
        locations += [Location(f"= {item.url}", "", {}, "",
                               (f"error_page 410 /{item.file};", "return 410;"))
                      for item in gone]
    return locations


def _tombstones(family: Family, by_role: Mapping[str, list[Written]], removed: list[str]
                ) -> list[Location]:
    """For a family of one route with a slug: a location for the removed slugs (their
    notice, 200) and the internal one of the 404 page of any other slug."""
    found = []
    notices, unknown = ([w for w in by_role.get(role, []) if family.holds(w.file, folder)]
                        for role, folder in ((ROLE_REMOVED, REMOVED), (ROLE_UNKNOWN, UNKNOWN)))
    if notices and removed:
        if not all(SLUG_RE.fullmatch(slug) for slug in removed):
            raise ExportError(f"{removed}: a removed strike's slug nginx cannot match")
        prefix = family.routes[0].path(slug="")
        match = f'~ "^{prefix}(?:{"|".join(removed)})/?$"'
        found.append(_location(f"{family.name} (removed)", match, notices,
                               family.removed_files))
    if unknown:
        found.append(_location(f"{family.name} (never listed)", family.unknown_location,
                               unknown, family.unknown_files, extra=("internal;",)))
    return found


def _location(name: str, match: str, items: list[Written], try_files: str, *,
              day: bool = False, extra: tuple[str, ...] = (), gzip: bool = False) -> Location:
    types = {i.content_type for i in items}
    if len(types) != 1:
        raise ExportError(f"{name}: the service answers with several content types "
                          f"({', '.join(sorted(types))}); one location cannot serve them")
    # The family's headers are those of its first answer.
    return Location(match, types.pop(), _headers(items[0].headers, day=day), try_files, extra,
                    gzip, day)


def _headers(sample: Mapping[str, str], *, day: bool) -> dict[str, str]:
    """The service's own headers for a location, from one of its answers; for answers
    with a day number, no Cache-Control (the snippet's own, by its clock)."""
    headers = {name: sample[name] for name in COPIED if name in sample}
    if not day:
        headers["Cache-Control"] = str(sample.get("cache-control", "no-cache"))
    return headers


def _quote(value: str) -> str:
    if "$" in value or "\\" in value or "\n" in value:
        raise ExportError(f"cannot put {value!r} into the nginx snippet")
    return '"' + value.replace('"', '\\"') + '"'


def nginx_snippet(root: Path, locations: list[Location], preflight: Mapping[str, str],
                  summary: str, day: DayLifetime) -> str:
    """The snippet; `preflight` is the service's answer to a CORS preflight request."""
    out = [
        f"# Generated by `solidarity-widget build` ({summary}).",
        "# Serves the static export in this directory. Include it inside a server block:",
        "#   server { listen 443 ssl; server_name widgets.example.org; ...",
        f"#            include {root / NGINX_SNIPPET}; }}",
        "# Mapping: PATH?QUERY -> PATH/QUERY, PATH -> PATH/_index (see docs/deploy.md).",
        f"root {root};",
        "# The query string names the file; a query that is no file name finds nothing.",
        "set $sw_q $args;",
        f'if ($args = "") {{ set $sw_q {INDEX}; }}',
        'if ($args ~ "/|^[._]") { set $sw_q _none; }',
        "set $sw_url $arg_url;",
        'if ($arg_url ~ "^$|/|^[._]") { set $sw_url _none; }',
        f"error_page 404 {NOT_FOUND};",
        *day.lines(),
        "# CORS preflight: answered here, with the service's headers. (Every location below",
        "# sets its own headers, so these apply to this answer only.)",
        *(f"add_header {name} {_quote(preflight[name])} always;"
          for name in PREFLIGHT if name in preflight),
        'if ($request_method = OPTIONS) { return 200 ""; }',
        "",
    ]
    for loc in locations:
        out.append(f"location {loc.match} {{")
        out.extend(f"    {line}" for line in loc.extra)
        if loc.content_type:
            out.append("    types { }")
            out.append(f"    default_type {_quote(loc.content_type)};")
        if loc.gzip:
            out.append("    gzip_static on;")
            out.append("    gzip_vary on;")
        for name, value in loc.headers.items():
            out.append(f"    add_header {name} {_quote(value)} always;")
        if loc.day:
            out.append("    add_header Cache-Control $sw_day_cc always;")
            if day.changes_at is not None:
                out.append("    add_header Expires $sw_day_expires always;")
        if loc.try_files:
            out.append(f"    try_files {loc.try_files};")
        out.append("}")
    out.append("# Everything else is not part of the export.")
    out.append("location / {")
    out.append("    return 404;")
    out.append("}")
    return "\n".join(out) + "\n"

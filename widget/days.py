"""The one rule for a strike's day number, used by every form (JSON, HTML, SVG, JS).

Day 1 is the start date, counted in the strike's own IANA timezone; the count
freezes at the end date (of an ended or suspended strike):

    day_n = (min(today_in_tz, end_date) - start_date).days + 1 + day_offset
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from widget.model import Strike

UNCONFIRMED_AFTER_DAYS = 14


_ZONEINFO = Path("/usr/share/zoneinfo")


# NOTE: a process-wide memo of read-only system data (tzdata), like i18n's catalogues.
@cache
def _zone_tables(folder: Path = _ZONEINFO) -> tuple[frozenset[str], dict[str, str]]:
    """The canonical zone names (zone.tab, zone1970.tab, and UTC) and links -> targets
    (tzdata.zi), from the system's tzdata; empty when it has no such files."""
    canonical = {"UTC", "Etc/UTC"}
    for table in ("zone.tab", "zone1970.tab"):
        try:
            lines = (folder / table).read_text().splitlines()
        except OSError:
            continue
        canonical |= {line.split("\t")[2] for line in lines
                      if line and not line.startswith("#") and line.count("\t") >= 2}
    links: dict[str, str] = {}
    try:
        for line in (folder / "tzdata.zi").read_text().splitlines():
            if line.startswith("L "):
                _, target, name = line.split()
                links[name] = target
    except (OSError, ValueError):
        pass
    return frozenset(canonical), links


def timezone_problem(name: str, tables: tuple[frozenset[str], dict[str, str]] | None = None
                     ) -> str | None:
    """Why `name` cannot be a strike's or the organisation's timezone, in words; None if
    it can. Only canonical IANA names: browsers refuse `localtime`, `Factory` and POSIX
    rules like `EST5EDT` ("Invalid time zone specified"), and spell links their own way.
    """
    canonical, links = tables if tables is not None else _zone_tables()
    if not canonical - {"UTC", "Etc/UTC"}:  # no zone tables on this system: what zoneinfo knows
        try:
            ZoneInfo(name)
        except (ValueError, KeyError, OSError):
            return f"{name!r} is not an IANA timezone (Europe/Paris, Asia/Kolkata, …)"
        return None
    if name in canonical:
        return None
    target = links.get(name)
    while target is not None and target not in canonical and target in links:
        target = links[target]
    if target in canonical:
        return f"{name!r} is an old name of the IANA timezone {target!r}: write {target!r}"
    return (f"{name!r} is not a canonical IANA timezone that browsers know "
            "(Europe/Paris, Asia/Kolkata, …)")


def zone(name: str) -> ZoneInfo:
    # ZoneInfo keeps each zone it has read (its own documented cache): no memo here.
    return ZoneInfo(name)


def local_today(timezone: str, now: dt.datetime) -> dt.date:
    """The calendar date in `timezone` at the aware instant `now`."""
    return now.astimezone(zone(timezone)).date()


def next_local_midnight(timezone: str, now: dt.datetime) -> dt.datetime:
    """The first instant after `now` at which the date in `timezone` changes (UTC).

    NOTE: a few zones have skipped midnight itself in a DST change (the day then
    starts at 01:00); normalising through UTC gives the real first instant.
    """
    tz = zone(timezone)
    tomorrow = now.astimezone(tz).date() + dt.timedelta(days=1)
    naive = dt.datetime.combine(tomorrow, dt.time())
    candidate = naive.replace(tzinfo=tz).astimezone(dt.UTC)
    # A wall-clock midnight that does not exist maps to an instant whose local
    # date may still be "today"; step forward by the hour until it is tomorrow.
    while candidate.astimezone(tz).date() < tomorrow:
        candidate += dt.timedelta(hours=1)
    return candidate


@dataclass(frozen=True, slots=True)
class DayCount:
    """Where a strike stands on a given day."""

    day: int | None  # None before the start date
    as_of: dt.date  # the local date the number refers to
    frozen: bool  # True once the end date has passed: the number no longer changes
    starts_in: int | None  # days until an announced strike starts
    unconfirmed_since: dt.date | None  # set when last_confirmed is too old


def day_count(strike: Strike, now: dt.datetime) -> DayCount:
    today = local_today(strike.timezone, now)
    end = strike.stopped_on
    ref = min(today, end) if end is not None else today
    frozen = end is not None and today >= end
    if ref < strike.start_date:
        return DayCount(None, today, False, (strike.start_date - today).days, None)
    day = (ref - strike.start_date).days + 1 + strike.day_offset
    unconfirmed = None
    if (
        not frozen
        and strike.last_confirmed is not None
        and (today - strike.last_confirmed).days >= UNCONFIRMED_AFTER_DAYS
    ):
        unconfirmed = strike.last_confirmed
    return DayCount(day, ref, frozen, None, unconfirmed)


def depends_on_today(strike: Strike, now: dt.datetime) -> bool:
    """Whether anything shown for this strike can change at the next local midnight."""
    return not day_count(strike, now).frozen

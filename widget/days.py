"""The one rule for a strike's day number, used by every form (JSON, HTML, SVG, JS).

Day 1 is the start date, counted in the strike's own IANA timezone; the count
freezes at the end date (of an ended or suspended strike):

    day_n = (min(today_in_tz, end_date) - start_date).days + 1 + day_offset

and is only told as today's while someone vouches for it (`day_count`, `DayState`):
"last confirmed on DATE" from confirm_every_days after the last confirmation, and
from unverified_after_days on no current count at all, only the last confirmed day
and its date. A strike whose start no source gives (`start_known = false`) and a
count that would be below 1 have no number anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from widget.model import Strike

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


def start_of_day(timezone: str, date: dt.date) -> dt.datetime:
    """The first instant of `date` in `timezone` (aware, with that zone's offset).

    NOTE: usually 00:00; where a DST change skips midnight, the first instant that exists.
    """
    tz = zone(timezone)
    day_before = dt.datetime.combine(date - dt.timedelta(days=1), dt.time(12), tzinfo=tz)
    return next_local_midnight(timezone, day_before).astimezone(tz)


# --- where a strike stands ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfirmationRule:
    """How long a count is told as today's without anyone confirming it: the settings
    confirm_every_days and unverified_after_days (widget.config; a strike may set its own
    unverified_after_days). The settings' defaults are these (widget.config)."""

    confirm_every_days: int = 14
    unverified_after_days: int = 45

    def unverified_after(self, strike: Strike) -> int:
        return strike.unverified_after_days or self.unverified_after_days


DEFAULT_RULE = ConfirmationRule()


class DayState(StrEnum):
    """What a strike's counter says, in the API's `day.state` and every widget."""

    ANNOUNCED = "announced"  # not started yet: the start date, no number
    CONFIRMED = "confirmed"  # "Day N", today's count
    UNCONFIRMED = "unconfirmed"  # today's count, "last confirmed on DATE"
    UNVERIFIED = "unverified"  # no current count: the last confirmed day and its date
    START_UNKNOWN = "start-unknown"  # going on, no day number: "reported since DATE"
    FINAL = "final"  # ended or suspended: the final count, which no longer changes


# The states in which a number is told as today's: it grows at each local midnight.
COUNTING = frozenset({DayState.CONFIRMED, DayState.UNCONFIRMED})


@dataclass(frozen=True, slots=True)
class DayCount:
    """Where a strike stands on a given day (the same words until `state_until`)."""

    state: DayState
    day: int | None  # the number told: today's count, or the final one; else None
    as_of: dt.date  # the local date `day` refers to (the end date once final; the last
    # confirmation's when no count is told as today's; else today)
    frozen: bool  # ended or suspended, the end date reached: nothing changes any more
    starts_in: int | None  # days until an announced strike starts
    confirmed_on: dt.date | None  # while it runs: last_confirmed, or the start date
    confirmed_day: int | None  # the day number on confirmed_on (None: start unknown)
    unconfirmed_since: dt.date | None  # confirmed_on, once confirm_every_days have passed
    state_until: dt.date | None  # the local date on which the state changes by itself


def _number(strike: Strike, on: dt.date) -> int | None:
    """Day N on the local date `on`; None when the start is unknown or it would not be a
    day 1 or later (the strikes file refuses such a day_offset; never show one)."""
    day = (on - strike.start_date).days + 1 + strike.day_offset
    return day if strike.start_known and day >= 1 else None


def day_count(strike: Strike, now: dt.datetime,
              rule: ConfirmationRule = DEFAULT_RULE) -> DayCount:
    """The one rule for what a strike's counter says at `now`.

    A count is told as today's while someone vouches for it: a strike with no
    last_confirmed counts as confirmed on its start date; from confirm_every_days after
    that the count adds "last confirmed on DATE"; from unverified_after_days on it stops
    being told as today's, and the last confirmed day and date are told instead.
    """
    today = local_today(strike.timezone, now)
    end = strike.stopped_on
    if end is not None and (today >= end or strike.start_date > end
                            or today < strike.start_date):
        # Ended or suspended. A start after the end, or a stopped strike that has not
        # started (both refused by the strikes file), is told without a count.
        day = _number(strike, end) if strike.start_date <= end <= today else None
        return DayCount(DayState.FINAL, day, end, True, None, None, None, None, None)
    if today < strike.start_date:
        return DayCount(DayState.ANNOUNCED, None, today, False,
                        (strike.start_date - today).days, None, None, None, strike.start_date)
    confirmed_on = strike.last_confirmed or strike.start_date
    confirmed_day = _number(strike, confirmed_on)
    unconfirmed_from = confirmed_on + dt.timedelta(days=rule.confirm_every_days)
    unverified_from = confirmed_on + dt.timedelta(days=rule.unverified_after(strike))
    # With a negative day_offset (stored before the file refused it), day 1 comes later.
    first = (strike.start_date - dt.timedelta(days=min(strike.day_offset, 0))
             if strike.start_known else None)
    later = [d for d in (unconfirmed_from, unverified_from, end, first)
             if d is not None and d > today]
    until = min(later, default=None)
    if today >= unverified_from:
        return DayCount(DayState.UNVERIFIED, None, confirmed_on, False, None, confirmed_on,
                        confirmed_day, confirmed_on, end)
    unconfirmed = confirmed_on if today >= unconfirmed_from else None
    day = _number(strike, today)
    if day is None:
        return DayCount(DayState.START_UNKNOWN, None, confirmed_on, False, None, confirmed_on,
                        confirmed_day, unconfirmed, until)
    state = DayState.UNCONFIRMED if unconfirmed else DayState.CONFIRMED
    return DayCount(state, day, today, False, None, confirmed_on, confirmed_day, unconfirmed,
                    until)


def changes_at(strike: Strike, now: dt.datetime,
               rule: ConfirmationRule = DEFAULT_RULE) -> dt.datetime | None:
    """The first instant after `now` at which what is told of the strike changes: the
    next local midnight while a count grows (or an announced strike counts down), the
    start of the day the state changes on otherwise; None when it no longer changes."""
    count = day_count(strike, now, rule)
    if count.state in COUNTING or count.state is DayState.ANNOUNCED:
        return next_local_midnight(strike.timezone, now)
    if count.state_until is not None:
        return start_of_day(strike.timezone, count.state_until).astimezone(dt.UTC)
    return None


def depends_on_today(strike: Strike, now: dt.datetime,
                     rule: ConfirmationRule = DEFAULT_RULE) -> bool:
    """Whether anything shown for this strike can change at the next local midnight."""
    at = changes_at(strike, now, rule)
    return at is not None and at == next_local_midnight(strike.timezone, now)


def needs_confirming(strike: Strike, now: dt.datetime,
                     rule: ConfirmationRule = DEFAULT_RULE) -> bool:
    """Whether an editor should confirm the strike: it runs, and no one has confirmed it
    for confirm_every_days (its counter says "last confirmed on …", or no longer counts).
    For `solidarity-widget status` and /healthz."""
    return day_count(strike, now, rule).unconfirmed_since is not None

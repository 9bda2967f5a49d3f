"""The one rule for a strike's day number, used by every form (JSON, HTML, SVG, JS).

Day 1 is the start date, counted in the strike's own IANA timezone; the count
freezes at the end date (of an ended or suspended strike):

    day_n = (min(today_in_tz, end_date) - start_date).days + 1 + day_offset
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from widget.model import Strike

UNCONFIRMED_AFTER_DAYS = 14


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

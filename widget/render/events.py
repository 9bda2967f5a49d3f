"""What happened in a strike, as dated events: for the strikes feed and the strike's page.

Pure: the stored dates, and the one the confirmation rule derives (the day a count stops
being told as current).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from widget.days import DEFAULT_RULE, ConfirmationRule, day_count, start_of_day
from widget.model import Status, Strike

STARTED, REPORTED, CONFIRMED = "started", "reported", "confirmed"
UNVERIFIED, ENDED, SUSPENDED = "unverified", "ended", "suspended"
# Same instant: the later step of a strike's story sorts first (newest first).
RANK = {STARTED: 0, REPORTED: 0, CONFIRMED: 1, UNVERIFIED: 2, SUSPENDED: 3, ENDED: 3}



@dataclass(frozen=True, slots=True)
class StrikeEvent:
    strike: Strike
    kind: str  # STARTED (REPORTED: start unknown), CONFIRMED, UNVERIFIED, ENDED or SUSPENDED
    date: dt.date  # the local date, in the strike's timezone
    at: dt.datetime  # the first instant of that date in the strike's timezone (aware, local)
    # The day number on that date (final count for ended / suspended; for UNVERIFIED the
    # day of the last confirmation); None when the start is unknown.
    day: int | None


def _event(strike: Strike, kind: str, date: dt.date, rule: ConfirmationRule) -> StrikeEvent:
    at = start_of_day(strike.timezone, date)
    # The day rule itself (widget.days), evaluated on that local date.
    count = day_count(strike, at, rule)
    return StrikeEvent(strike, kind, date, at,
                       count.confirmed_day if kind == UNVERIFIED else count.day)


def events_of(strike: Strike, rule: ConfirmationRule = DEFAULT_RULE) -> list[StrikeEvent]:
    """Started (or first reported), confirmed, no longer confirmed (the day the counter
    stops telling a current count, unverified_after_days after the last confirmation)
    and ended or suspended: the dates stored, and the one derived by the rule."""
    events = [_event(strike, STARTED if strike.start_known else REPORTED, strike.start_date,
                     rule)]
    end = strike.stopped_on
    confirmed = strike.last_confirmed
    if confirmed is not None and confirmed > strike.start_date and (end is None or confirmed < end):
        events.append(_event(strike, CONFIRMED, confirmed, rule))
    lapsed = (confirmed or strike.start_date) + dt.timedelta(days=rule.unverified_after(strike))
    if end is None or lapsed < end:
        events.append(_event(strike, UNVERIFIED, lapsed, rule))
    if end is not None:
        events.append(_event(strike, ENDED if strike.status is Status.ENDED else SUSPENDED, end,
                             rule))
    return events

"""Day N: start date is day 1 in the strike's own timezone, plus day_offset; frozen at the end."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widget.days import day_count, depends_on_today, next_local_midnight
from widget.model import Kind, Outcome, Status, Strike

UTC = dt.UTC


def strike(**overrides: object) -> Strike:
    # The arithmetic of day N is tested here with a count that never lapses (a strike
    # with no confirmation is unverified after 45 days): see the rule's tests below.
    fields: dict[str, object] = dict(
        slug="s", name="N", country="FR", place="P", timezone="Europe/Paris",
        start_date=dt.date(2025, 3, 3), kind=Kind.INDEFINITE, status=Status.ACTIVE,
        unverified_after_days=100_000)
    fields.update(overrides)
    return Strike(**fields)  # type: ignore[arg-type]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize("now, expected", [
    ("2025-03-03T00:00:00+01:00", 1),  # the first minute of the start date is day 1
    ("2025-03-03T23:59:59+01:00", 1),
    ("2025-03-04T00:00:00+01:00", 2),
    ("2025-03-02T23:59:59+01:00", None),  # not started yet
    ("2025-07-23T23:00:00+02:00", 143),
])
def test_day_counts_the_start_date_as_day_one(now: str, expected: int | None) -> None:
    assert day_count(strike(), at(now)).day == expected


def test_the_strikes_own_timezone_decides_not_utc() -> None:
    # 22:30 UTC on 3 March is already 4 March in Istanbul (UTC+3), still 3 March in Santiago.
    now = at("2025-03-03T22:30:00+00:00")
    assert day_count(strike(timezone="Europe/Istanbul"), now).day == 2
    assert day_count(strike(timezone="America/Santiago"), now).day == 1
    assert day_count(strike(timezone="Pacific/Kiritimati"), now).day == 2


def test_day_offset_shifts_the_count() -> None:
    now = at("2025-03-10T12:00:00+01:00")
    assert day_count(strike(day_offset=5), now).day == 8 + 5
    assert day_count(strike(day_offset=-1), now).day == 8 - 1


def test_the_count_freezes_at_the_end_date() -> None:
    ended = strike(status=Status.ENDED, outcome=Outcome.RELEASED,
                   start_date=dt.date(2025, 2, 18), end_date=dt.date(2025, 7, 11),
                   timezone="Europe/Istanbul")
    for now in ("2025-07-11T00:00:00+03:00", "2025-07-12T08:00:00+03:00", "2026-11-25T12:00:00Z"):
        count = day_count(ended, at(now))
        assert count.day == 144
        assert count.frozen
        assert count.as_of == dt.date(2025, 7, 11)
    before = day_count(ended, at("2025-07-10T23:59:00+03:00"))
    assert before.day == 143
    assert not before.frozen


def test_suspended_strikes_freeze_too() -> None:
    paused = strike(status=Status.SUSPENDED, end_date=dt.date(2025, 3, 12))
    assert day_count(paused, at("2025-05-01T12:00:00Z")).day == 10
    assert not depends_on_today(paused, at("2025-05-01T12:00:00Z"))


def test_an_announced_strike_counts_down_to_its_start() -> None:
    count = day_count(strike(status=Status.ANNOUNCED), at("2025-03-01T12:00:00+01:00"))
    assert count.day is None
    assert count.starts_in == 2


def test_unconfirmed_after_fourteen_days() -> None:
    s = strike(last_confirmed=dt.date(2025, 3, 10))
    assert day_count(s, at("2025-03-23T12:00:00+01:00")).unconfirmed_since is None
    assert day_count(s, at("2025-03-24T12:00:00+01:00")).unconfirmed_since == dt.date(2025, 3, 10)


@pytest.mark.parametrize("timezone, now, midnight", [
    # Paris moves to summer time on 30 March 2025: that day has 23 hours.
    ("Europe/Paris", "2025-03-29T12:00:00+01:00", "2025-03-29T23:00:00+00:00"),
    ("Europe/Paris", "2025-03-30T12:00:00+02:00", "2025-03-30T22:00:00+00:00"),
    # ... and back on 26 October 2025: 25 hours.
    ("Europe/Paris", "2025-10-26T12:00:00+01:00", "2025-10-26T23:00:00+00:00"),
    # Santiago skips midnight itself when summer time starts (7 September 2025): the day
    # begins at 01:00 local time, which is 04:00 UTC.
    ("America/Santiago", "2025-09-06T12:00:00-04:00", "2025-09-07T04:00:00+00:00"),
    ("Asia/Kolkata", "2025-03-03T12:00:00+05:30", "2025-03-03T18:30:00+00:00"),
])
def test_next_local_midnight_across_dst(timezone: str, now: str, midnight: str) -> None:
    assert next_local_midnight(timezone, at(now)) == at(midnight)


def test_day_number_changes_exactly_at_local_midnight_across_dst() -> None:
    s = strike(start_date=dt.date(2025, 3, 29))
    boundary = next_local_midnight("Europe/Paris", at("2025-03-30T12:00:00+02:00"))
    before = day_count(s, boundary - dt.timedelta(seconds=1)).day
    assert before == 2
    assert day_count(s, boundary).day == 3


ZONES = ["Europe/Paris", "Europe/Istanbul", "America/Santiago", "Asia/Kolkata",
         "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "UTC"]


@given(
    zone=st.sampled_from(ZONES),
    start=st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
    elapsed=st.timedeltas(dt.timedelta(0), dt.timedelta(days=3000)),
)
def test_property_day_grows_by_one_per_local_midnight(zone: str, start: dt.date,
                                                      elapsed: dt.timedelta) -> None:
    s = strike(timezone=zone, start_date=start)
    first = dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC)
    now = first + elapsed
    count = day_count(s, now)
    local = now.astimezone(ZoneInfo(zone)).date()
    assert count.day is None if local < start else count.day == (local - start).days + 1
    # The next local midnight is in the future, within 25 hours, and moves the count by one.
    midnight = next_local_midnight(zone, now)
    assert dt.timedelta(0) < midnight - now <= dt.timedelta(hours=25)
    after = day_count(s, midnight)
    if count.day is not None:
        assert after.day == count.day + 1


@given(
    start=st.dates(dt.date(2020, 1, 1), dt.date(2026, 1, 1)),
    length=st.integers(0, 400),
    later=st.integers(0, 1000),
)
def test_property_ended_strikes_never_change(start: dt.date, length: int, later: int) -> None:
    end = start + dt.timedelta(days=length)
    s = strike(status=Status.ENDED, outcome=Outcome.VICTORY, start_date=start, end_date=end,
               timezone="Asia/Kolkata")
    now = dt.datetime.combine(end + dt.timedelta(days=later), dt.time(12), tzinfo=dt.UTC)
    assert day_count(s, now).day == length + 1
    assert day_count(s, now).frozen


def test_snapshot_local_dates_change_at_each_zones_midnight() -> None:
    from types import MappingProxyType

    from widget.snapshot import Snapshot

    snap = Snapshot("v", at("2025-07-24T12:00:00Z"), 1, (), MappingProxyType({}), (),
                    timezones=("Europe/Istanbul", "Europe/Paris"))
    d = dt.date
    for when, expected in [
        ("2025-07-24T12:00:00Z", (d(2025, 7, 24), d(2025, 7, 24))),
        ("2025-07-24T20:59:59Z", (d(2025, 7, 24), d(2025, 7, 24))),
        ("2025-07-24T21:00:00Z", (d(2025, 7, 25), d(2025, 7, 24))),  # Istanbul's midnight
        ("2025-07-24T21:59:59Z", (d(2025, 7, 25), d(2025, 7, 24))),
        ("2025-07-24T22:00:00Z", (d(2025, 7, 25), d(2025, 7, 25))),  # Paris's midnight
        ("2025-07-24T21:30:00Z", (d(2025, 7, 25), d(2025, 7, 24))),  # a clock set back
        ("2025-07-23T23:30:00Z", (d(2025, 7, 24), d(2025, 7, 24))),
    ]:
        assert snap.local_dates(at(when)) == expected, when


# --- the confirmation rule: what a count says, and until when ----------------------------

from widget.days import (  # noqa: E402 - the additions for the rule, kept together
    COUNTING,
    ConfirmationRule,
    DayState,
    changes_at,
    start_of_day,
)


def confirmed(**overrides: object) -> Strike:
    """A strike last confirmed on 13 July 2025 (day 133), under the default rule."""
    return strike(**{"last_confirmed": dt.date(2025, 7, 13), "unverified_after_days": None,
                     **overrides})


@pytest.mark.parametrize("days, state, number, before", [
    (0, DayState.CONFIRMED, 133, DayState.CONFIRMED),
    (13, DayState.CONFIRMED, 146, DayState.CONFIRMED),
    (14, DayState.UNCONFIRMED, 147, DayState.CONFIRMED),
    (44, DayState.UNCONFIRMED, 177, DayState.UNCONFIRMED),
    (45, DayState.UNVERIFIED, None, DayState.UNCONFIRMED),
    (500, DayState.UNVERIFIED, None, DayState.UNVERIFIED),
])
def test_the_state_at_each_threshold(days: int, state: DayState, number: int | None,
                                     before: DayState) -> None:
    # 00:00:00 local time of that day: the state changes exactly at the local midnight.
    now = start_of_day("Europe/Paris", dt.date(2025, 7, 13) + dt.timedelta(days=days))
    count = day_count(confirmed(), now)
    assert (count.state, count.day) == (state, number)
    assert (count.confirmed_on, count.confirmed_day) == (dt.date(2025, 7, 13), 133)
    assert (count.unconfirmed_since is not None) is (days >= 14)
    assert day_count(confirmed(), now - dt.timedelta(seconds=1)).state is before


def test_a_strike_sets_its_own_lapse_and_the_config_its_stages() -> None:
    now = start_of_day("Europe/Paris", dt.date(2025, 7, 13) + dt.timedelta(days=50))
    assert day_count(confirmed(), now).state is DayState.UNVERIFIED
    assert day_count(confirmed(unverified_after_days=60), now).state is DayState.UNCONFIRMED
    rule = ConfirmationRule(confirm_every_days=7, unverified_after_days=60)
    week = start_of_day("Europe/Paris", dt.date(2025, 7, 20))
    assert day_count(confirmed(), week, rule).state is DayState.UNCONFIRMED
    assert day_count(confirmed(), week).state is DayState.CONFIRMED
    assert day_count(confirmed(), now, rule).state is DayState.UNCONFIRMED


def test_an_unknown_start_never_has_a_number() -> None:
    s = confirmed(start_known=False, start_date=dt.date(2025, 7, 9))
    for days in (0, 14, 45, 400):
        count = day_count(s, start_of_day("Europe/Paris", dt.date(2025, 7, 13)
                                          + dt.timedelta(days=days)))
        assert count.day is None and count.confirmed_day is None
        assert count.state is (DayState.UNVERIFIED if days >= 45 else DayState.START_UNKNOWN)
    ended = replace_strike(s, status=Status.ENDED, outcome=Outcome.VICTORY,
                           end_date=dt.date(2025, 8, 1))
    final = day_count(ended, at("2026-01-01T12:00:00Z"))
    assert (final.state, final.day, final.frozen) == (DayState.FINAL, None, True)


def replace_strike(s: Strike, **changes: object) -> Strike:
    from dataclasses import replace
    return replace(s, **changes)  # type: ignore[arg-type]


@given(
    zone=st.sampled_from(ZONES),
    start=st.dates(dt.date(2020, 1, 1), dt.date(2026, 1, 1)),
    confirmed_after=st.integers(0, 200),
    elapsed=st.timedeltas(dt.timedelta(0), dt.timedelta(days=400)),
    offset=st.integers(-50, 50),
    known=st.booleans(),
    own=st.one_of(st.none(), st.integers(15, 100)),
)
def test_property_changes_at_is_the_next_change(zone: str, start: dt.date, confirmed_after: int,
                                                elapsed: dt.timedelta, offset: int,
                                                known: bool, own: int | None) -> None:
    s = strike(timezone=zone, start_date=start, day_offset=offset, start_known=known,
               last_confirmed=start + dt.timedelta(days=confirmed_after),
               unverified_after_days=own)
    now = dt.datetime.combine(start, dt.time(12), tzinfo=dt.UTC) + elapsed
    count = day_count(s, now)
    # Never a day below 1, and a number only where a count is told.
    assert count.day is None or count.day >= 1
    assert count.confirmed_day is None or count.confirmed_day >= 1
    assert (count.day is not None) <= (count.state in COUNTING or count.state is DayState.FINAL)
    if not known:
        assert count.day is None and count.confirmed_day is None
    # Nothing changes before changes_at; something does at it.
    at_ = changes_at(s, now)
    if at_ is None:
        assert count.state in (DayState.UNVERIFIED, DayState.FINAL)
        assert day_count(s, now + dt.timedelta(days=3000)) == count
        return
    assert now < at_ <= now + dt.timedelta(days=400)
    assert day_count(s, at_ - dt.timedelta(seconds=1)) == count
    assert day_count(s, at_) != count


def test_start_of_day_where_midnight_is_skipped() -> None:
    # Santiago moved from 00:00 to 01:00 on 7 September 2025: the day began at 01:00.
    assert start_of_day("America/Santiago", dt.date(2025, 9, 7)).isoformat() == (
        "2025-09-07T01:00:00-03:00")
    assert start_of_day("Europe/Paris", dt.date(2025, 7, 13)).isoformat() == (
        "2025-07-13T00:00:00+02:00")


def test_which_strikes_need_confirming() -> None:
    from widget.days import needs_confirming

    when = start_of_day("Europe/Paris", dt.date(2025, 7, 27))  # 14 days after 13 July
    assert needs_confirming(confirmed(), when)
    assert not needs_confirming(confirmed(), when - dt.timedelta(seconds=1))
    assert not needs_confirming(confirmed(status=Status.ENDED, outcome=Outcome.VICTORY,
                                          end_date=dt.date(2025, 7, 20)), when)
    assert not needs_confirming(confirmed(), when, ConfirmationRule(confirm_every_days=20))

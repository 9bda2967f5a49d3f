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
    fields: dict[str, object] = dict(
        slug="s", name="N", country="FR", place="P", timezone="Europe/Paris",
        start_date=dt.date(2025, 3, 3), kind=Kind.INDEFINITE, status=Status.ACTIVE)
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

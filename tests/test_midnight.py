"""Lifetimes never cross midnight (issue 10, part 6): no Cache-Control or Expires written
in one second lets a copy outlive a local midnight that comes before that second ends.

HTTPCaching formats its headers once a second. A lifetime taken once for the whole
second is right at the start of it and up to a second too long at its end: at 1.001 s
before midnight it said max-age=2, fresh 0.999 s past midnight. Each case below asks
first at the very start of the second (which fills that memo), then at 1.001 s, 0.5 s
and 0.001 s before midnight, in zones with offsets of every kind and across DST changes
at midnight, with an injected clock.
"""

from __future__ import annotations

import datetime as dt
import math
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import falcon
import falcon.testing
import pytest

from tests.conftest import Clock, MakeConfig
from widget.config import Config
from widget.days import next_local_midnight
from widget.http.app import create_app
from widget.http.caching import HTTPCaching
from widget.store import Store
from widget.sync import sync_strikes

# (zone, an instant on the day before the midnight tested): the midnight is the next one.
MIDNIGHTS = [
    ("Europe/Paris", "2026-03-07T12:00:00+00:00"),
    ("Asia/Kolkata", "2026-03-07T12:00:00+00:00"),  # +05:30
    ("Pacific/Chatham", "2026-03-07T00:00:00+00:00"),  # +13:45
    ("Pacific/Kiritimati", "2026-03-07T00:00:00+00:00"),  # +14
    # DST starts at midnight: 00:00 does not exist, the 8th begins at 01:00 (05:00 UTC).
    ("America/Havana", "2026-03-07T12:00:00+00:00"),
    # DST starts at 24:00: Saturday 23:59:59 -04 is followed by Sunday 01:00 -03.
    ("America/Santiago", "2025-09-06T12:00:00+00:00"),
    # DST ends at 24:00: the clock goes back to 23:00 and midnight comes an hour later.
    ("America/Santiago", "2026-04-04T12:00:00+00:00"),
]
BEFORE = [1.001, 0.5, 0.001]  # seconds before the midnight
RULE = ("max-age", "s-maxage", "stale-while-revalidate")


def directives(result: falcon.testing.Result) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in result.headers["cache-control"].split(","):
        name, _, value = part.strip().partition("=")
        if value:
            found[name] = int(value)
    return found


def the_midnight(zone: str, day_before: str) -> dt.datetime:
    midnight = next_local_midnight(zone, dt.datetime.fromisoformat(day_before))
    tz = ZoneInfo(zone)
    # It is the instant the local date changes, whatever the clock on the wall says then.
    assert (midnight - dt.timedelta(microseconds=1)).astimezone(tz).date() \
        < midnight.astimezone(tz).date()
    return midnight


def assert_ends_by(result: falcon.testing.Result, now: dt.datetime,
                   midnight: dt.datetime) -> dict[str, int]:
    """Counted from `now` or from the Date a server writes for it (the start of its
    second), no lifetime passes `midnight`."""
    assert result.status_code == 200, result.text
    cc = directives(result)
    date = dt.datetime.fromtimestamp(math.floor(now.timestamp()), dt.UTC)
    for start in (now, date):
        assert start + dt.timedelta(seconds=cc["max-age"]) <= midnight, (start, cc)
        assert start + dt.timedelta(seconds=cc["s-maxage"]) <= midnight, (start, cc)
        longest = max(cc["max-age"], cc["s-maxage"]) + cc["stale-while-revalidate"]
        assert start + dt.timedelta(seconds=longest) <= midnight, (start, cc)
    expires = parsedate_to_datetime(result.headers["expires"])
    assert expires <= midnight
    assert expires - date == dt.timedelta(seconds=cc["max-age"])  # Expires and max-age agree
    return cc


# --- the middleware alone ----------------------------------------------------------------


class DayAnswer:
    """Any answer with a day number: fresh until `until`."""

    def __init__(self) -> None:
        self.until: dt.datetime | None = None

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.data = b"day n"
        resp.context.fresh_until = self.until


def middleware_client(clock: Clock) -> tuple[falcon.testing.TestClient, DayAnswer]:
    answer = DayAnswer()
    app = falcon.App(middleware=[HTTPCaching(Config(), clock)])
    app.add_route("/day", answer)
    return falcon.testing.TestClient(app), answer


@pytest.mark.parametrize("zone, day_before", MIDNIGHTS)
@pytest.mark.parametrize("before", BEFORE)
def test_no_lifetime_passes_the_midnight(zone: str, day_before: str, before: float) -> None:
    midnight = the_midnight(zone, day_before)
    now = midnight - dt.timedelta(seconds=before)
    start = dt.datetime.fromtimestamp(math.floor(now.timestamp()), dt.UTC)
    clock = Clock(start)
    client, answer = middleware_client(clock)
    answer.until = midnight
    # The first answer of the second, at its very start: its lifetime may be one more.
    first = client.simulate_get("/day")
    assert directives(first)["max-age"] == (midnight - start).total_seconds()
    assert_ends_by(first, start, midnight)
    # Later in the same second: the memo of that second must not be reused as it is.
    clock.now = now
    cc = assert_ends_by(client.simulate_get("/day"), now, midnight)
    # Exact, not merely safe: the whole seconds left, no fewer.
    left = math.floor(before)
    assert (cc["max-age"], cc["s-maxage"], cc["stale-while-revalidate"]) == (left, left, 0)


@pytest.mark.parametrize("zone, day_before", MIDNIGHTS[:1] + MIDNIGHTS[4:6])
def test_after_midnight_the_default_lifetimes_come_back(zone: str, day_before: str) -> None:
    midnight = the_midnight(zone, day_before)
    clock = Clock(midnight - dt.timedelta(seconds=0.001))
    client, answer = middleware_client(clock)
    answer.until = midnight
    assert directives(client.simulate_get("/day"))["max-age"] == 0
    # The next day's answer, fresh until the next midnight, in the same wall-clock second.
    clock.now = midnight
    answer.until = next_local_midnight(zone, midnight)
    cc = directives(client.simulate_get("/day"))
    assert cc == {"max-age": 300, "s-maxage": 600, "stale-while-revalidate": 60,
                  "stale-if-error": 86400}
    # An answer without a day number keeps the configured lifetimes at any instant.
    answer.until = None
    clock.now = midnight - dt.timedelta(seconds=0.5)
    assert directives(client.simulate_get("/day"))["max-age"] == 300


def test_stale_while_revalidate_shrinks_first(clock: Clock) -> None:
    """Ten minutes before midnight max-age (300) and s-maxage (600) still fit; the time a
    cache may go on serving while it revalidates is what is left after the longer one."""
    midnight = the_midnight("Europe/Paris", "2026-03-07T12:00:00+00:00")
    client, answer = middleware_client(clock)
    answer.until = midnight
    for before, want in [(660.5, (300, 600, 60)), (630.5, (300, 600, 30)),
                         (599.999, (300, 599, 0)), (61.25, (61, 61, 0))]:
        clock.now = midnight - dt.timedelta(seconds=before)
        cc = assert_ends_by(client.simulate_get("/day"), clock.now, midnight)
        assert (cc["max-age"], cc["s-maxage"], cc["stale-while-revalidate"]) == want, before


# --- the service, every answer with a day number -------------------------------------------


def strikes_file(midnight: dt.datetime, zones: list[str]) -> str:
    """A strike per zone, confirmed the day before the midnight tested: counting."""
    text = ""
    for n, zone in enumerate(zones):
        local = (midnight - dt.timedelta(hours=12)).astimezone(ZoneInfo(zone)).date()
        text += f"""
[strike.s{n}]
name = "Striker {n}"
country = "FR"
place = "Somewhere"
timezone = "{zone}"
start_date = {local - dt.timedelta(days=20)}
kind = "indefinite"
status = "active"
last_confirmed = {local - dt.timedelta(days=1)}
"""
    return text


@pytest.mark.parametrize("zone, day_before", MIDNIGHTS)
def test_every_answer_with_a_day_number_ends_by_its_midnight(
        make_config: MakeConfig, zone: str, day_before: str) -> None:
    midnight = the_midnight(zone, day_before)
    # The strike tested and one whose midnight is later, so that the list's is this one.
    later = "Pacific/Pago_Pago" if zone != "Pacific/Pago_Pago" else "Etc/UTC"
    config = make_config(strikes=strikes_file(midnight, [zone, later]))
    clock = Clock(midnight)
    with Store(config.database) as store:
        assert sync_strikes(config, store).ok
        client = falcon.testing.TestClient(create_app(config, store=store, clock=clock))
        paths = ["/api/v1/strikes/s0", "/embed/strike/s0", "/badge/strike/s0.svg",
                 "/badge/strike/s0.png", "/api/v1/strikes", "/embed/strikes"]
        for before in BEFORE:
            now = midnight - dt.timedelta(seconds=before)
            for path in paths:
                clock.now = dt.datetime.fromtimestamp(math.floor(now.timestamp()), dt.UTC)
                assert_ends_by(client.simulate_get(path), clock.now, midnight)
                clock.now = now
                cc = assert_ends_by(client.simulate_get(path), now, midnight)
                assert cc["max-age"] == math.floor(before), (path, before)

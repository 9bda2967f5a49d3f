"""The counter moves on at the instant the server gave, in Chromium with Playwright's clock:
zones whose day starts at 01:00 (a DST change at midnight), a 45-minute zone, +14, a
zone whose rules Chromium's own data disagrees with, an announced strike's day 1, and
one counter the browser cannot follow beside others that it can.

Each page is rendered by the service in-process at the chosen instant (an injected
clock), then served from the host origin and opened at that same instant.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from tests.browser.conftest import HostServer
from tests.conftest import copy_demo
from widget.assets import default_assets
from widget.config import load_config
from widget.days import next_local_midnight
from widget.http.app import create_app
from widget.store import Store
from widget.sync import sync_strikes

pytestmark = pytest.mark.browser


def strike(slug: str, tz: str, start: str, status: str = "active") -> str:
    return (f'[strike.{slug}]\nname = "{slug}"\ncountry = "FR"\nplace = "P"\n'
            f'timezone = "{tz}"\nstart_date = {start}\nkind = "indefinite"\n'
            f'status = "{status}"\n')


def render(tmp_path: Path, strikes: str, now: dt.datetime, path: str) -> str:
    folder = tmp_path / "demo"
    copy_demo(folder)
    (folder / "strikes.toml").write_text(strikes)
    config = load_config(folder / "widget.toml")
    with Store(config.database) as store:
        assert sync_strikes(config, store, lambda: now).ok
        app = create_app(config, store=store, clock=lambda: now)
        result = falcon.testing.TestClient(app).simulate_get(path.partition("?")[0],
                                                             query_string=path.partition("?")[2])
    assert result.status_code == 200
    return result.text


def serve(hosts: HostServer, name: str, html: str) -> str:
    script = default_assets()["embed.js"]
    hosts.extra[script.url] = ("text/javascript", script.body)
    return hosts.add(f"/rollover/{name}.html", html)


def run(page: Any, ms: int, loads: list[int] | None = None, step: int = 5_000) -> list[int]:
    """Run the page's clock in steps (a reload starts a new document, whose timers a
    single long run would not reach); the seconds into the run at which a load was seen."""
    seen, times, done = len(loads or ()), [], 0
    while done < ms:
        page.clock.run_for(min(step, ms - done))
        done += step
        page.wait_for_load_state("load")
        if loads is not None and len(loads) > seen:
            times += [done // 1000] * (len(loads) - seen)
            seen = len(loads)
    return [0, *times] if loads is not None else []


def numbers(page: Any) -> list[str]:
    return page.eval_on_selector_all("time.sw-n", "els => els.map(e => e.textContent)")


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# (zone, a day whose next midnight is worth watching): Havana's day starts at 01:00 when
# DST begins (8 March 2026), Kathmandu is UTC+5:45, Kiritimati UTC+14, and Vancouver's
# rules from 2 November 2026 are ones Chromium's own zone data may not have.
ZONES = [("Europe/Paris", dt.date(2026, 3, 28)), ("America/Havana", dt.date(2026, 3, 7)),
         ("Asia/Kathmandu", dt.date(2026, 6, 1)), ("Pacific/Kiritimati", dt.date(2026, 6, 1)),
         ("America/Vancouver", dt.date(2026, 11, 5))]


@pytest.mark.parametrize(("zone", "day"), ZONES, ids=[z for z, _ in ZONES])
def test_the_number_moves_on_at_the_midnight_the_server_gave(
        page: Any, hosts: HostServer, tmp_path: Path, zone: str, day: dt.date) -> None:
    from zoneinfo import ZoneInfo

    noon = dt.datetime.combine(day, dt.time(12), tzinfo=ZoneInfo(zone))
    midnight = next_local_midnight(zone, noon)
    now = midnight - dt.timedelta(seconds=90)
    start = (day - dt.timedelta(days=9)).isoformat()
    html = render(tmp_path, strike("s", zone, start), now, "/embed/strike/s")
    written = re.search(r'data-next="([^"]*)"', html)
    assert written and instant(written.group(1).split()[0]) == midnight
    page.clock.install(time=now)
    page.goto(serve(hosts, zone.replace("/", "-"), html))
    assert numbers(page) == ["10"]
    page.clock.run_for(88_000)  # one second before the midnight
    assert numbers(page) == ["10"]
    page.clock.run_for(2_000)  # one second after it
    page.wait_for_function("document.querySelector('time.sw-n').textContent === '11'",
                           timeout=5000)
    assert page.eval_on_selector("time.sw-n", "e => e.dateTime") == (
        day + dt.timedelta(days=1)).isoformat()
    # And the next day too, without a reload, at the next midnight the server gave.
    second = instant(written.group(1).split()[1])
    page.clock.run_for(int((second - midnight).total_seconds() * 1000))
    page.wait_for_function("document.querySelector('time.sw-n').textContent === '12'",
                           timeout=5000)


def test_an_announced_strike_asks_for_its_day_one_and_shows_it(
        page: Any, hosts: HostServer, tmp_path: Path) -> None:
    zone = "Europe/Paris"
    now = dt.datetime(2026, 6, 1, 21, 58, 30, tzinfo=dt.UTC)  # 23:58:30 in Paris
    strikes = strike("soon", zone, "2026-06-02", "announced")
    html = render(tmp_path / "before", strikes, now, "/embed/strike/soon")
    assert "announced to start" in html
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    page.clock.install(time=now)
    url = serve(hosts, "announced", html)
    page.goto(url)
    page.clock.run_for(1000)
    assert len(loads) == 1
    # What the service says once day 1 has come, as a reload will find it.
    after = render(tmp_path / "after", strikes, now + dt.timedelta(minutes=2), "/embed/strike/soon")
    hosts.extra[url.removeprefix(hosts.url)] = ("text/html; charset=utf-8", after.encode())
    run(page, 92_000)  # past midnight: the page asks the server again, once
    page.wait_for_function("document.body.innerText.includes('Day 1 of')", timeout=5000)
    run(page, 20 * 60_000)
    assert len(loads) == 2


def test_a_copy_still_saying_what_came_before_is_asked_again_a_few_times(
        page: Any, hosts: HostServer, tmp_path: Path) -> None:
    # The page that comes back still says "announced" (a clock ahead of the server's, a
    # cache's last second): asked again later each time, and not for ever.
    now = dt.datetime(2026, 6, 1, 21, 58, 30, tzinfo=dt.UTC)
    html = render(tmp_path, strike("soon", "Europe/Paris", "2026-06-02", "announced"), now,
                  "/embed/strike/soon")
    loads: list[int] = []
    page.on("load", lambda p: loads.append(0))
    page.clock.install(time=now)
    page.goto(serve(hosts, "stale", html))
    times = run(page, 30 * 60_000, loads)
    assert 3 <= len(times) <= 12, times
    gaps = [b - a for a, b in zip(times[1:], times[2:], strict=False)]  # from the instant
    assert gaps == sorted(gaps)  # each ask later than the one before
    assert times[-1] - times[1] < 11 * 60  # and none ten minutes after the instant


def test_one_counter_the_browser_cannot_follow_never_stops_the_others(
        page: Any, hosts: HostServer, tmp_path: Path) -> None:
    now = dt.datetime(2026, 6, 1, 21, 58, 30, tzinfo=dt.UTC)
    strikes = strike("a", "Europe/Paris", "2026-05-20") + strike("b", "Europe/Paris",
                                                                  "2026-05-25")
    html = render(tmp_path, strikes, now, "/embed/strikes?limit=10")
    # The first counter asks for digits no browser knows (Intl throws a RangeError).
    html = re.sub(r'data-numbering="latn"', 'data-numbering="no such digits"', html, count=1)
    page.clock.install(time=now)
    page.goto(serve(hosts, "broken", html))
    before = numbers(page)
    page.clock.run_for(100_000)
    page.wait_for_function(
        f"document.querySelectorAll('time.sw-n')[1].textContent !== {before[1]!r}",
        timeout=5000)
    after = numbers(page)
    assert after[0] == before[0] and int(after[1]) == int(before[1]) + 1

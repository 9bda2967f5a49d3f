"""A real gunicorn serving the demo, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
import pytest

from tests.servers import Gunicorn, cli, eventually

pytestmark = pytest.mark.server


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


RELOAD = 1  # WIDGET_RELOAD_INTERVAL of the demo server, seconds (the smallest allowed)
WORKERS = 2  # so that a reload has to reach more than one process
ZEHRA_START = dt.date(2025, 3, 3)
PARIS = ZoneInfo("Europe/Paris")


def paris_today() -> dt.date:
    return dt.datetime.now(PARIS).date()


def past_the_reload_interval(synced: float) -> None:
    """Wait until every worker's next request must look at the store again.

    The one wait on the clock here, because the server's own timing is what is under
    test: a worker checks the store at most every RELOAD seconds, and the kernel hands
    connections to whichever worker it likes, so no number of requests is sure to have
    reached each one. After this, any request to any worker reloads first."""
    time.sleep(max(0.0, synced + RELOAD + 0.25 - time.monotonic()))


def every_worker(url: str, answer: Callable[[bytes], object]) -> set[object]:
    """What several requests to `url` answer: enough of them to reach each worker."""
    return {answer(get(url)[2]) for _ in range(3 * WORKERS)}


@pytest.fixture
def demo_server(demo_dir: Path) -> Iterator[Gunicorn]:
    config = demo_dir / "widget.toml"
    synced = cli(config, "sync")
    assert synced.returncode == 0, synced.stderr
    server = Gunicorn(config, workers=WORKERS, env={"WIDGET_RELOAD_INTERVAL": str(RELOAD)})
    yield server
    server.stop()


def test_the_demo_served_by_gunicorn(demo_server: Gunicorn) -> None:
    # The date in Paris before and after the request: near midnight the answer may be
    # either day, never another one.
    before = paris_today()
    status, headers, body = get(demo_server.url + "/api/v1/strikes?status=all")
    after = paris_today()
    assert status == 200
    strikes = {s["slug"]: s for s in orjson.loads(body)["strikes"]}
    day = strikes["zehra-kurtay"]["day"]
    if day["state"] in ("confirmed", "unconfirmed"):  # a count told as today's
        today_paris = dt.date.fromisoformat(day["as_of"])
        assert today_paris in {before, after}
        assert day["number"] == (today_paris - ZEHRA_START).days + 1
    else:  # not confirmed for unverified_after_days: the last confirmed day, not today's
        assert day["state"] == "unverified" and day["number"] is None
        confirmed = dt.date.fromisoformat(day["confirmed"]["date"])
        assert day["confirmed"]["number"] == (confirmed - ZEHRA_START).days + 1
        assert (before - confirmed).days >= 45
    assert strikes["ali-hasan-akgul"]["day"]["number"] == 144
    assert strikes["zehra-kurtay"]["links"]["self"] == (
        demo_server.url + "/api/v1/strikes/zehra-kurtay")
    assert headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in headers
    status, again, _ = get(demo_server.url + "/api/v1/strikes?status=all",
                           **{"If-None-Match": headers["etag"]})
    assert status == 304 and again["etag"] == headers["etag"]
    status, headers, body = get(demo_server.url + "/api/v1/posts?limit=51")
    assert status == 400 and headers["content-type"] == "application/problem+json"
    assert orjson.loads(body)["invalid-params"][0]["name"] == "limit"


def test_a_sync_reaches_running_workers(demo_server: Gunicorn, demo_dir: Path) -> None:
    strikes = demo_dir / "strikes.toml"
    strikes.write_text(strikes.read_text().replace('name = "Zehra Kurtay"',
                                                   'name = "Zehra Kurtay (Paris)"'))
    assert cli(demo_dir / "widget.toml", "sync").returncode == 0
    synced = time.monotonic()

    def names() -> set[object]:
        # Two workers: ask several times so both are seen to reload.
        return every_worker(demo_server.url + "/api/v1/strikes/zehra-kurtay",
                            lambda body: orjson.loads(body)["name"])

    eventually(lambda: names() == {"Zehra Kurtay (Paris)"})
    past_the_reload_interval(synced)
    assert names() == {"Zehra Kurtay (Paris)"}  # every worker, and none goes back


def test_a_broken_strikes_file_never_takes_the_service_down(demo_server: Gunicorn,
                                                            demo_dir: Path) -> None:
    strikes = demo_dir / "strikes.toml"
    text = strikes.read_text().replace('kind = "indefinite"', 'kind = "forever"', 1)
    strikes.write_text(text)
    result = cli(demo_dir / "widget.toml", "sync")
    synced = time.monotonic()
    assert result.returncode == 1
    line = line_of(text, 'kind = "forever"')
    assert f'strikes.toml:{line}: strike "zehra-kurtay": kind: \'forever\' is not one of' \
        in result.stderr
    # The failure is recorded in the store: once every worker has reloaded, /healthz
    # reports it, while the strikes of the last good file are still served.
    health_url = demo_server.url + "/healthz"

    def strikes_file_states() -> set[object]:
        return every_worker(health_url, lambda body: {
            s["name"]: s["state"] for s in orjson.loads(body)["sources"]}["strikes-file"])

    eventually(lambda: strikes_file_states() == {"failing"})
    past_the_reload_interval(synced)
    assert strikes_file_states() == {"failing"}
    status, _, body = get(demo_server.url + "/api/v1/strikes?status=all")
    assert status == 200 and len(orjson.loads(body)["strikes"]) == 3
    assert every_worker(demo_server.url + "/api/v1/strikes?status=all",
                        lambda body: len(orjson.loads(body)["strikes"])) == {3}
    health = orjson.loads(get(demo_server.url + "/healthz")[2])
    states = {s["name"]: s["state"] for s in health["sources"]}
    assert states["strikes-file"] == "failing" and "forever" not in str(health)
    status = cli(demo_dir / "widget.toml", "status")  # the operator's detail
    assert status.returncode == 1 and f"strikes.toml:{line}:" in status.stdout


def test_check_reports_every_problem(demo_dir: Path) -> None:
    strikes = demo_dir / "strikes.toml"
    text = strikes.read_text().replace('country = "FR"', 'country = "XX"')
    text = text.replace('outcome = "released"', 'outcome = "freed"')
    strikes.write_text(text)
    result = cli(demo_dir / "widget.toml", "check")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    country, outcome = line_of(text, 'country = "XX"'), line_of(text, 'outcome = "freed"')
    assert lines[0].startswith(f'error: {strikes}:{country}: strike "zehra-kurtay": country:')
    assert lines[1].startswith(f'error: {strikes}:{outcome}: strike "ali-hasan-akgul": outcome:')


def test_check_passes_on_the_demo(demo_dir: Path) -> None:
    result = cli(demo_dir / "widget.toml", "check")
    assert result.returncode == 0, result.stderr
    assert "3 strikes" in result.stdout


def test_a_bad_config_is_named(tmp_path: Path) -> None:
    config = tmp_path / "widget.toml"
    config.write_text("max_age = -5\n")
    result = cli(config, "check")
    assert result.returncode == 2
    assert f"error: {config}: max_age: -5 is outside" in result.stderr


@pytest.mark.parametrize("command", ["serve", "sync", "check"])
def test_commands_have_help(command: str, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "widget", command, "--help"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def test_overlapping_syncs_are_refused_clearly(demo_dir: Path) -> None:
    from widget.config import load_config
    from widget.sync import sync_lock

    config = load_config(demo_dir / "widget.toml", environ={})
    with sync_lock(config.database):
        result = cli(demo_dir / "widget.toml", "sync")
    assert result.returncode == 75
    assert "another sync is running (pid " in result.stderr
    assert "nothing was done" in result.stderr
    assert cli(demo_dir / "widget.toml", "sync").returncode == 0  # free again

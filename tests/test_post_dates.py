"""Post dates a reader sees are in the organisation's timezone; the JSON keeps UTC.

The date trap is real: the demo's "14 July 2025: Solidarity Day…" post is published at
00:30 Berlin time (22:30 UTC the day before) on the real WordPress, whose site timezone
is Europe/Berlin; its permalink says /2025/07/14/, and so must every widget.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import falcon.testing
import feedparser
import pytest

from tests.conftest import Clock, MakeConfig
from tests.peers import WordPress, wordpress  # noqa: F401 - the session fixture
from widget.config import Config, SourceConfig
from widget.http.app import create_app
from widget.model import Post
from widget.snapshot import build_snapshot
from widget.store import Store
from widget.sync import sync_all

TRAP = "14 July 2025: Solidarity Day"


def client_for(config: Config, clock: Clock) -> falcon.testing.TestClient:
    with Store(config.database) as store:
        results = {r.name: r for r in sync_all(config, store)}
    assert results["wp"].ok, results["wp"].detail
    return falcon.testing.TestClient(create_app(config, clock=clock))


def trap_date(client: falcon.testing.TestClient, lang: str = "en") -> tuple[str, str]:
    """(the <time datetime>, the date shown) of the date-trap post in the news widget."""
    html = client.simulate_get(f"/embed/news?limit=20&lang={lang}").text
    item = next(li for li in html.split("<li")[1:] if TRAP in li)
    found = re.search(r'<time datetime="([^"]+)">([^<]+)</time>', item)
    assert found, item
    return found[1], found[2]


def trap_entry(client: falcon.testing.TestClient) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(client.simulate_get("/feeds/posts.atom").content)
    return next(e for e in parsed.entries if e.title.startswith(TRAP))


def trap_json(client: falcon.testing.TestClient) -> dict:
    posts = client.simulate_get("/api/v1/posts?limit=50").json["posts"]
    return next(p for p in posts if p["title"].startswith(TRAP))


@pytest.mark.server
def test_the_wordpress_sites_timezone_gives_the_date_trap_its_day(
        wordpress: WordPress, make_config: MakeConfig, clock: Clock) -> None:  # noqa: F811
    config = make_config([SourceConfig("wp", "wordpress", wordpress.url, "en")])
    client = client_for(config, clock)
    assert trap_date(client) == ("2025-07-14T00:30:00+02:00", "14 July 2025")
    assert trap_date(client, "de")[1] == "14. Juli 2025"
    entry = trap_entry(client)
    assert entry.published == entry.updated == "2025-07-14T00:30:00+02:00"
    post = trap_json(client)
    assert post["published"] == "2025-07-13T22:30:00Z"  # the JSON keeps the UTC instant
    assert "/2025/07/14/" in post["url"]
    with Store(config.database, readonly=True) as store:
        wp = next(s for s in store.read_since(None).sources if s.name == "wp")
        assert wp.extra == {"timezone": "Europe/Berlin"}
        assert build_snapshot(store, clock()).source_timezone == "Europe/Berlin"


@pytest.mark.server
@pytest.mark.parametrize("kind, path, setting, shown", [
    # A feed does not say the site's timezone: UTC, unless the setting names one.
    ("feed", "/feed/", "", ("2025-07-13T22:30:00Z", "13 July 2025")),
    ("feed", "/feed/", "Europe/Berlin", ("2025-07-14T00:30:00+02:00", "14 July 2025")),
    # The setting goes before what the site says.
    ("wordpress", "", "America/New_York", ("2025-07-13T18:30:00-04:00", "13 July 2025")),
    ("wordpress", "", "Europe/Berlin", ("2025-07-14T00:30:00+02:00", "14 July 2025")),
])
def test_the_timezone_setting(wordpress: WordPress, make_config: MakeConfig,  # noqa: F811
                              clock: Clock, kind: str, path: str, setting: str,
                              shown: tuple[str, str]) -> None:
    config = make_config([SourceConfig("wp", kind, wordpress.url + path, "en")],
                         timezone=setting)
    client = client_for(config, clock)
    assert trap_date(client) == shown
    assert trap_entry(client).published == shown[0]
    assert trap_json(client)["published"] == "2025-07-13T22:30:00Z"


def post(when: dt.datetime) -> Post:
    return Post(id="s-1", source="s", url="https://org.example/1/", title="Night post",
                excerpt="", content_html="", published=when, modified=when)


def test_a_new_site_timezone_is_a_new_version(tmp_path: Path, clock: Clock) -> None:
    """Rendered pages are cached by the snapshot's version: a zone that moves the dates
    shown must move it too, also in an incremental reload."""
    night = dt.datetime(2025, 7, 13, 22, 30, tzinfo=dt.UTC)
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "wordpress", [post(night)], clock(), extra={"timezone": ""})
        utc = build_snapshot(store, clock())
        store.save_posts("s", "wordpress", [post(night)], clock(),
                         extra={"timezone": "Europe/Berlin"})
        berlin = build_snapshot(store, clock(), utc)
        assert berlin.version != utc.version and berlin.source_timezone == "Europe/Berlin"
        assert build_snapshot(store, clock()) == berlin
        # A read that could not ask the site keeps what it said before.
        store.save_posts("s", "wordpress", [post(night)], clock(), extra=None)
        assert build_snapshot(store, clock()).source_timezone == "Europe/Berlin"
        # A zone a browser would refuse is never used.
        store.save_posts("s", "wordpress", [post(night)], clock(),
                         extra={"timezone": "localtime"})
        assert build_snapshot(store, clock()).source_timezone == ""

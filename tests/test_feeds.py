"""Feeds out: Atom and JSON Feed of the posts, Atom of hunger-strike events.

Every feed is parsed back (feedparser for Atom, orjson plus a JSON Feed 1.1 schema for
JSON Feed), through falcon's test client over the demo data or custom upstream data.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path

import falcon.testing
import feedparser
import jsonschema
import orjson
import pytest

from tests.conftest import Clock, MakeConfig, Upstream, assert_problem
from widget.config import Config, SourceConfig
from widget.days import start_of_day
from widget.http.app import create_app
from widget.model import Kind, Outcome, Status, Strike
from widget.render import feeds
from widget.store import Store
from widget.sync import sync_all

FEEDS = {
    "/feeds/posts.atom": "application/atom+xml; charset=utf-8",
    "/feeds/posts.json": "application/feed+json; charset=utf-8",
    "/feeds/strikes.atom": "application/atom+xml; charset=utf-8",
}
BASE = "http://127.0.0.1:8000"
NEWEST_POST = ("14 July 2025: Solidarity Day for hungerstriking prisoners",
               "https://is4pp.example/2025/07/15/14-july-2025-solidarity-day-for-"
               "hungerstriking-prisoners/")

# The required members of JSON Feed 1.1 (https://jsonfeed.org/version/1.1), and the
# types of every optional one this service writes.
_URL = {"type": "string", "pattern": "^https?://"}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$"}
JSON_FEED_SCHEMA = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": _URL,
        "feed_url": _URL,
        "authors": {"type": "array", "items": {
            "type": "object", "properties": {"name": {"type": "string"}, "url": _URL}}},
        "items": {"type": "array", "items": {
            "type": "object",
            "required": ["id"],
            "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "url": _URL,
                "title": {"type": "string"},
                "content_html": {"type": "string"},
                "content_text": {"type": "string"},
                "summary": {"type": "string"},
                "image": _URL,
                "date_published": _DATE,
                "date_modified": _DATE,
                "tags": {"type": "array", "items": {"type": "string"}},
                "language": {"type": "string"},
            },
        }},
    },
}


def atom(client: falcon.testing.TestClient, path: str) -> feedparser.FeedParserDict:
    result = client.simulate_get(path)
    assert result.status_code == 200, result.text
    assert result.headers["content-type"] == "application/atom+xml; charset=utf-8"
    # sanitize_html=False: what is checked is what this service sends, not feedparser's cleanup.
    parsed = feedparser.parse(result.content, sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def json_feed(client: falcon.testing.TestClient) -> dict:
    result = client.simulate_get("/feeds/posts.json")
    assert result.status_code == 200, result.text
    assert result.headers["content-type"] == "application/feed+json; charset=utf-8"
    document = orjson.loads(result.content)
    jsonschema.validate(document, JSON_FEED_SCHEMA)
    return document


def utc(parsed: time.struct_time) -> dt.datetime:
    return dt.datetime(*parsed[:6], tzinfo=dt.UTC)


def links(entry: feedparser.FeedParserDict, rel: str) -> list[str]:
    return [link["href"] for link in entry.links if link.get("rel") == rel]


# --- posts ----------------------------------------------------------------------------


def test_posts_atom(client: falcon.testing.TestClient) -> None:
    parsed = atom(client, "/feeds/posts.atom")
    feed = parsed.feed
    assert feed.title == "International Solidarity for Political Prisoners"
    assert feed.id.startswith("tag:127.0.0.1,2025:")
    assert links(feed, "self") == [f"{BASE}/feeds/posts.atom"]
    assert links(feed, "alternate") == ["https://is4pp.example/", f"{BASE}/feeds/posts.json"]
    assert utc(feed.updated_parsed) == dt.datetime(2025, 7, 15, 10, 0, tzinfo=dt.UTC)
    assert feed.author == "International Solidarity for Political Prisoners"
    assert len(parsed.entries) == 10
    first = parsed.entries[0]
    assert (first.title, first.link) == NEWEST_POST
    assert first.title_detail.type == "text/plain"
    assert utc(first.published_parsed) == dt.datetime(2025, 7, 15, 10, 0, tzinfo=dt.UTC)
    assert utc(first.updated_parsed) == dt.datetime(2025, 7, 15, 10, 0, tzinfo=dt.UTC)
    assert first.summary.startswith("A strong sign of international solidarity")
    assert first.summary_detail.type == "text/plain"
    assert first.content[0].type == "text/html"
    assert first.content[0].value.startswith("<p>A strong sign")
    assert [t.term for t in first.tags] == ["Hunger strike", "Turkey"]
    assert first.content[0].language == "en"
    published = [utc(e.published_parsed) for e in parsed.entries]
    assert published == sorted(published, reverse=True)


def test_posts_json_feed(client: falcon.testing.TestClient) -> None:
    document = json_feed(client)
    assert document["title"] == "International Solidarity for Political Prisoners"
    assert document["home_page_url"] == "https://is4pp.example/"
    assert document["feed_url"] == f"{BASE}/feeds/posts.json"
    items = document["items"]
    assert len(items) == 10
    first = items[0]
    assert (first["title"], first["url"]) == NEWEST_POST
    assert first["date_published"] == first["date_modified"] == "2025-07-15T10:00:00Z"
    assert first["content_html"].startswith("<p>A strong sign")
    assert first["summary"].startswith("A strong sign of international solidarity")
    assert first["tags"] == ["Hunger strike", "Turkey"]
    assert first["language"] == "en"
    assert "image" not in first  # the demo's posts have no thumbnails


def test_post_ids_are_stable_unique_and_shared_by_both_formats(
        client: falcon.testing.TestClient, demo_config: Config, demo_store: Store,
        clock: Clock) -> None:
    ids = [e.id for e in atom(client, "/feeds/posts.atom").entries]
    assert len(set(ids)) == len(ids) == 10
    assert all(i.startswith("tag:127.0.0.1,2025:post/") for i in ids)
    assert [i["id"] for i in json_feed(client)["items"]] == ids
    # Another app (another worker: its own render cache), and a sync that changed nothing.
    sync_all(demo_config, demo_store)
    other = falcon.testing.TestClient(create_app(demo_config, store=demo_store, clock=clock))
    assert [e.id for e in atom(other, "/feeds/posts.atom").entries] == ids
    for path in FEEDS:
        assert other.simulate_get(path).content == client.simulate_get(path).content


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Org</title><link>https://org.example/</link><description>d</description>
{items}
</channel></rss>"""
RSS_ITEM = """<item><title>Tom &amp;amp; Jerry &amp;lt;3 — {n}</title>
<link>https://org.example/{n}/?a=1&amp;b=2</link><guid isPermaLink="false">org-{n}</guid>
<pubDate>{date}</pubDate><category>Grève &amp; faim</category>
<description><![CDATA[<p>Résumé {n}</p>]]></description>
<content:encoded><![CDATA[<p>Texte {n}</p><script>alert(1)</script>
<img src="https://org.example/x.png" onerror="alert(2)"><a href="javascript:alert(3)">x</a>]]>
</content:encoded>{media}
</item>"""


def rss(upstream: Upstream, count: int, images: bool = False) -> str:
    start = dt.datetime(2025, 5, 1, 8, 0, tzinfo=dt.UTC)
    items = []
    for n in range(count):
        date = (start + dt.timedelta(hours=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        media = (f'<media:content url="{upstream.url}/img/{n}.jpg" medium="image"/>'
                 if images else "")
        items.append(RSS_ITEM.format(n=n, date=date, media=media))
    return RSS.format(items="\n".join(items))


@pytest.fixture
def upstream_client(upstream: Upstream, make_config: MakeConfig,
                    clock: Clock) -> Iterator[tuple[falcon.testing.TestClient, Store]]:
    for n in range(3):
        upstream.set(f"/img/{n}.jpg", JPEG + bytes([n]), Content_Type="image/jpeg")
    upstream.set("/feed/", rss(upstream, 3, images=True), Content_Type="application/rss+xml")
    config = make_config([SourceConfig("org", "feed", upstream.url + "/feed/", "fr")],
                         site_name="Org <&> \"Solidarity\"", site_url="")
    with Store(config.database) as store:
        assert all(r.ok for r in sync_all(config, store))
        yield falcon.testing.TestClient(create_app(config, store=store, clock=clock)), store


def test_feeds_carry_sanitised_content_and_escape_text(
        upstream_client: tuple[falcon.testing.TestClient, Store], upstream: Upstream) -> None:
    client, store = upstream_client
    stored = store.read_all()[1]
    parsed = atom(client, "/feeds/posts.atom")
    assert parsed.feed.title == "Org <&> \"Solidarity\""
    # No site_url: the alternate page is this service's news widget.
    assert links(parsed.feed, "alternate")[0] == f"{BASE}/embed/news"
    document = json_feed(client)
    assert document["home_page_url"] == f"{BASE}/embed/news"
    assert "url" not in document["authors"][0]
    for entry, item, post in zip(parsed.entries, document["items"], stored, strict=True):
        assert entry.title == item["title"] == post.title
        assert "&" in post.title and "<3" in post.title
        assert entry.link == item["url"] == post.url
        assert entry.tags[0].term == item["tags"][0] == "Grève & faim"
        assert item["content_html"] == post.content_html
        for html in (entry.content[0].value, item["content_html"]):
            assert "<p>Texte" in html
            assert not re.search(r"<script|onerror|javascript:", html, re.I)
        assert entry.content[0].language == item["language"] == "fr"
        # The thumbnail is this service's copy, never the upstream address.
        assert post.image is not None and post.image.local
        assert item["image"] == BASE + post.image.local
    assert upstream.url.encode() not in client.simulate_get("/feeds/posts.json").content
    assert upstream.url.encode() not in client.simulate_get("/feeds/posts.atom").content


def test_posts_feeds_hold_the_newest_fifty(upstream: Upstream, make_config: MakeConfig,
                                          clock: Clock) -> None:
    upstream.set("/feed/", rss(upstream, 60), Content_Type="application/rss+xml")
    config = make_config([SourceConfig("org", "feed", upstream.url + "/feed/")])
    with Store(config.database) as store:
        assert all(r.ok for r in sync_all(config, store))
        client = falcon.testing.TestClient(create_app(config, store=store, clock=clock))
        parsed = atom(client, "/feeds/posts.atom")
        items = json_feed(client)["items"]
    assert len(parsed.entries) == len(items) == 50
    assert parsed.entries[0].link == items[0]["url"] == "https://org.example/59/?a=1&b=2"
    assert parsed.entries[-1].link == "https://org.example/10/?a=1&b=2"
    assert len({e.id for e in parsed.entries}) == 50


def test_empty_feeds_are_valid(make_config: MakeConfig, clock: Clock) -> None:
    config = make_config()
    with Store(config.database) as store:
        assert all(r.ok for r in sync_all(config, store))
        client = falcon.testing.TestClient(create_app(config, store=store, clock=clock))
        for path in ("/feeds/posts.atom", "/feeds/strikes.atom"):
            parsed = atom(client, path)
            assert parsed.entries == []
            assert utc(parsed.feed.updated_parsed) == feeds.EPOCH
        assert json_feed(client)["items"] == []


# --- strike events --------------------------------------------------------------------

DEMO_EVENTS = [
    # (title, updated with the strike's own offset, id suffix)
    ("Eight political prisoners, among them Fikret Akar: hunger strike confirmed ongoing, "
     "day 148", "2025-07-15T00:00:00+03:00", "s-r-y-type-prisons/confirmed/2025-07-15"),
    ("Zehra Kurtay: hunger strike confirmed ongoing, day 133", "2025-07-13T00:00:00+02:00",
     "zehra-kurtay/confirmed/2025-07-13"),
    # Confirmed on its end date too: that adds nothing to the ending, so no event of its own.
    ("Ali Hasan Akgül: released after 144 days of hunger strike", "2025-07-11T00:00:00+03:00",
     "ali-hasan-akgul/ended"),
    ("Zehra Kurtay: hunger strike started", "2025-03-03T00:00:00+01:00",  # winter time
     "zehra-kurtay/started"),
    # Same instant: the slug order decides.
    ("Ali Hasan Akgül: hunger strike started", "2025-02-18T00:00:00+03:00",
     "ali-hasan-akgul/started"),
    ("Eight political prisoners, among them Fikret Akar: hunger strike started",
     "2025-02-18T00:00:00+03:00", "s-r-y-type-prisons/started"),
]


def test_strike_events_of_the_demo(client: falcon.testing.TestClient) -> None:
    parsed = atom(client, "/feeds/strikes.atom")
    assert parsed.feed.title == "International Solidarity for Political Prisoners: hunger strikes"
    assert links(parsed.feed, "self") == [f"{BASE}/feeds/strikes.atom"]
    assert parsed.feed.updated == "2025-07-15T00:00:00+03:00"
    got = [(e.title, e.updated, e.id.removeprefix("tag:127.0.0.1,2025:strike/"))
           for e in parsed.entries]
    assert got == DEMO_EVENTS
    assert all(e.published == e.updated for e in parsed.entries)
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)

    zehra = parsed.entries[1]
    assert zehra.link == f"{BASE}/strike/zehra-kurtay"
    assert links(zehra, "related") == [
        "https://is4pp.example/2025/07/13/struggle-against-expulsion-for-right-to-residence/",
        "https://is4pp.example/2025/07/10/international-solidarity-for-zehra/",
        "https://is4pp.example/2025/07/05/solidarity-for-zehra-in-toulouse/",
    ]
    assert zehra.summary_detail.type == "text/plain"
    assert "Place: Resistance tent at Porte de Strasbourg, Saint-Denis (Paris), France." \
        in zehra.summary
    assert "Demands: Her right to residence in France as a political refugee." in zehra.summary
    assert [t.term for t in zehra.tags] == ["confirmed"]
    ended = parsed.entries[2]
    assert "18 February\u2009–\u200911 July 2025 (144 days)" in ended.summary
    assert "8 people on hunger strike." in parsed.entries[0].summary


def test_the_tombstone_produces_nothing(client: falcon.testing.TestClient) -> None:
    body = client.simulate_get("/feeds/strikes.atom").content
    assert b"example-removed-strike" not in body and b"2025-07-01" not in body


def test_removing_a_strike_removes_its_events(make_config: MakeConfig, clock: Clock) -> None:
    config = make_config(strikes=STRIKE.format(slug="first") + STRIKE.format(slug="second"))
    with Store(config.database) as store:
        assert all(r.ok for r in sync_all(config, store))
        client = falcon.testing.TestClient(create_app(config, store=store, clock=clock))
        before = atom(client, "/feeds/strikes.atom")
        assert {e.id.split("/")[1] for e in before.entries} == {"first", "second"}
        config.strikes_file.write_text(
            STRIKE.format(slug="second") + "[removed.first]\nremoved_on = 2025-07-20\n",
            encoding="utf-8")
        assert all(r.ok for r in sync_all(config, store))
        client = falcon.testing.TestClient(create_app(config, store=store, clock=clock))
        after = atom(client, "/feeds/strikes.atom")
    assert [e.id for e in after.entries] == [
        e.id for e in before.entries if e.id.split("/")[1] == "second"]
    assert b"first" not in client.simulate_get("/feeds/strikes.atom").content


STRIKE = """
[strike.{slug}]
name = "Name of {slug}"
country = "DE"
place = "Berlin"
timezone = "Europe/Berlin"
start_date = 2025-06-01
kind = "indefinite"
status = "active"
last_confirmed = 2025-06-10
"""


def test_strike_events_do_not_depend_on_today(client: falcon.testing.TestClient,
                                              clock: Clock) -> None:
    first = client.simulate_get("/feeds/strikes.atom")
    assert "max-age=300" in first.headers["cache-control"]  # no midnight expiry
    for days in (1, 30):
        clock.now = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC) + dt.timedelta(days=days)
        later = client.simulate_get("/feeds/strikes.atom")
        assert later.content == first.content
        assert later.headers["etag"] == first.headers["etag"]
    # Only a dated event that comes adds to it: here, 45 days after each confirmation, the
    # day the widgets stop telling a current count.
    clock.now = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC) + dt.timedelta(days=400)
    titles = [e.title for e in atom(client, "/feeds/strikes.atom").entries]
    assert titles[:2] == [
        "Eight political prisoners, among them Fikret Akar: hunger strike not confirmed since "
        "15 July 2025 (day 148)",
        "Zehra Kurtay: hunger strike not confirmed since 13 July 2025 (day 133)"]
    assert titles[2:] == [title for title, _, _ in DEMO_EVENTS]


def test_an_announced_start_appears_when_it_happens(make_config: MakeConfig,
                                                    clock: Clock) -> None:
    strikes = """
[strike.soon]
name = "Soon"
country = "IN"
place = "Delhi"
timezone = "Asia/Kolkata"
start_date = 2025-07-26
kind = "time-limited"
status = "announced"
"""
    config = make_config(strikes=strikes)
    with Store(config.database) as store:
        assert all(r.ok for r in sync_all(config, store))
        client = falcon.testing.TestClient(create_app(config, store=store, clock=clock))
        # Midnight in Kolkata (+05:30) on the 26th is 18:30 UTC on the 25th.
        starts = dt.datetime(2025, 7, 25, 18, 30, tzinfo=dt.UTC)
        clock.now = starts - dt.timedelta(seconds=100)
        result = client.simulate_get("/feeds/strikes.atom")
        assert feedparser.parse(result.content).entries == []
        assert "max-age=100," in result.headers["cache-control"]
        assert parsedate_to_datetime(result.headers["expires"]) == starts
        clock.now = starts
        (event,) = atom(client, "/feeds/strikes.atom").entries
        assert event.title == "Soon: hunger strike started"
        assert event.updated == "2025-07-26T00:00:00+05:30"
        assert event.summary.startswith("Time-limited hunger strike, since 26 July 2025.")
        result = client.simulate_get("/feeds/strikes.atom")
        assert "max-age=300," in result.headers["cache-control"]


def test_strike_texts_are_escaped(make_config: MakeConfig, clock: Clock) -> None:
    strikes = STRIKE.format(slug="odd").replace(
        'name = "Name of odd"', 'name = "A <b>&amp; \\"B\\"</b>"').replace(
        'place = "Berlin"', 'place = "Berlin ]]> <script>"')
    config = make_config(strikes=strikes)
    with Store(config.database) as store:
        assert all(r.ok for r in sync_all(config, store))
        client = falcon.testing.TestClient(create_app(config, store=store, clock=clock))
        entry = atom(client, "/feeds/strikes.atom").entries[0]
        body = client.simulate_get("/feeds/strikes.atom").content
    assert entry.title == 'A <b>&amp; "B"</b>: hunger strike confirmed ongoing, day 10'
    assert "Place: Berlin ]]> <script>, Germany." in entry.summary
    assert b"<script" not in body and b"<b>" not in body


def strike(**changes: object) -> Strike:
    fields: dict = dict(slug="s", name="N", country="FR", place="P", timezone="Europe/Paris",
                        start_date=dt.date(2025, 3, 1), kind=Kind.INDEFINITE,
                        status=Status.ENDED, outcome=Outcome.VICTORY,
                        end_date=dt.date(2025, 3, 10))
    fields.update(changes)
    return Strike(**fields)


@pytest.mark.parametrize("changes, title", [
    ({}, "N: hunger strike won after 10 days"),
    ({"outcome": Outcome.PARTIAL}, "N: hunger strike ended with partial gains after 10 days"),
    ({"outcome": Outcome.AGREEMENT}, "N: hunger strike ended with an agreement after 10 days"),
    ({"outcome": Outcome.RELEASED}, "N: released after 10 days of hunger strike"),
    ({"outcome": Outcome.DIED}, "N: died on day 10 of the hunger strike"),
    ({"outcome": Outcome.NO_RESULT}, "N: hunger strike ended without result after 10 days"),
    ({"status": Status.SUSPENDED, "outcome": None}, "N: hunger strike suspended after 10 days"),
    ({"kind": Kind.DEATH_FAST}, "N: death fast won after 10 days"),
    ({"end_date": dt.date(2025, 3, 1)}, "N: hunger strike won after 1 day"),
    ({"day_offset": 30}, "N: hunger strike won after 40 days"),
])
def test_how_a_strike_ended(changes: dict, title: str) -> None:
    *_, last = feeds.events_of(strike(**changes))
    assert feeds.event_title(last) == title
    assert last.kind == ("suspended" if "status" in changes else "ended")


def test_confirmations_and_day_numbers() -> None:
    ongoing = strike(status=Status.ACTIVE, outcome=None, end_date=None,
                     last_confirmed=dt.date(2025, 3, 31), day_offset=2)
    started, confirmed, lapsed = feeds.events_of(ongoing)
    assert (lapsed.kind, lapsed.date, lapsed.day) == ("unverified", dt.date(2025, 5, 15), 33)
    # March 30 is the change to summer time in Paris: the offset moves from +01:00 to +02:00.
    assert confirmed.at.isoformat() == "2025-03-31T00:00:00+02:00"
    assert feeds.event_title(confirmed) == "N: hunger strike confirmed ongoing, day 33"
    assert started.day == 3  # day_offset is part of the rule
    # A confirmation on the start date, or on or after the end date, is no event.
    assert [e.kind for e in feeds.events_of(strike(last_confirmed=dt.date(2025, 3, 1)))] == [
        "started", "ended"]
    assert [e.kind for e in feeds.events_of(strike(last_confirmed=dt.date(2025, 3, 10)))] == [
        "started", "ended"]
    assert [e.kind for e in feeds.events_of(strike(last_confirmed=dt.date(2025, 3, 9)))] == [
        "started", "confirmed", "ended"]


def test_a_day_that_starts_after_a_skipped_midnight() -> None:
    # Santiago de Chile moved its clocks from 00:00 to 01:00 on 2024-09-08.
    assert start_of_day("America/Santiago", dt.date(2024, 9, 8)).isoformat() == (
        "2024-09-08T01:00:00-03:00")


# --- HTTP -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_have_strong_etags_and_answer_304(client: falcon.testing.TestClient,
                                                path: str) -> None:
    result = client.simulate_get(path)
    assert result.headers["content-type"] == FEEDS[path]
    etag = result.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', etag)
    assert result.headers["access-control-allow-origin"] == "*"
    assert result.headers["cache-control"].startswith("public, max-age=300,")
    again = client.simulate_get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    head = client.simulate_head(path)
    assert head.status_code == 200 and head.headers["etag"] == etag


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_take_no_parameters(client: falcon.testing.TestClient, path: str) -> None:
    assert_problem(client.simulate_get(path, query_string="limit=5"), 400, "limit")


def test_docs_name_every_feed() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "feeds.md").read_text()
    for path in FEEDS:
        assert f"`{path}`" in text

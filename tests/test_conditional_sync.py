"""Syncs fetch only what changed: conditional GET for feeds, gzip bodies, bounded both ways.

Everything runs on 127.0.0.1 against tests/faults.py. A feed's ETag and Last-Modified
go back to it; its 304 keeps every stored post (no takedowns inferred from it). Bodies
are asked for gzipped and decompressed with the same size limit as plain ones.
"""

from __future__ import annotations

import datetime as dt
import gzip
import tracemalloc
from collections.abc import Iterator

import orjson
import pytest

from tests.conftest import MakeConfig
from tests.faults import Fault, FaultServer, body, gzip_bomb, gzipped
from tests.test_hostile_upstream import item, rss
from tests.wordpress import wp_post
from widget.config import Config, SourceConfig
from widget.model import Post
from widget.sources import SourceError, Validators, fetcher_for, read_source
from widget.sources.fetch import MAX_VALIDATOR, clean_validator
from widget.store import Store
from widget.sync import SourceResult, sync_all

ETAG = '"v1-abc"'
MODIFIED = "Tue, 22 Jul 2025 10:00:00 GMT"
T0 = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    server = FaultServer()
    yield server
    server.close()


class Feed:
    """A feed that answers If-None-Match / If-Modified-Since as a careful server does."""

    def __init__(self, data: bytes, etag: str | None = ETAG,
                 modified: str | None = MODIFIED) -> None:
        self.data, self.etag, self.modified = data, etag, modified

    def __call__(self, headers: dict[str, str]) -> Fault:
        validators = {k: v for k, v in (("ETag", self.etag), ("Last_Modified", self.modified))
                      if v is not None}
        if self.etag is not None and headers.get("if-none-match") == self.etag:
            return body(b"", 304, **validators)
        if (self.etag is None and self.modified is not None
                and headers.get("if-modified-since") == self.modified):
            return body(b"", 304, **validators)
        return body(self.data, Content_Type="application/rss+xml", **validators)


def sync(config: Config, when: dt.datetime = T0) -> SourceResult:
    with Store(config.database) as store:
        return {r.name: r for r in sync_all(config, store, lambda: when)}["org"]


def stored(config: Config) -> list[Post]:
    with Store(config.database, readonly=True) as store:
        return sorted(store.read_all()[1], key=lambda p: p.id)


def status(config: Config) -> tuple[dt.datetime | None, str | None]:
    with Store(config.database, readonly=True) as store:
        source = next(s for s in store.read_all()[3] if s.name == "org")
    return source.last_success, source.last_error


def feed_config(make_config: MakeConfig, url: str, **settings: object) -> Config:
    return make_config([SourceConfig("org", "feed", url)], **settings)


def test_an_unchanged_feed_is_asked_once_with_its_validators_and_keeps_its_posts(
        faults: FaultServer, make_config: MakeConfig) -> None:
    config = feed_config(make_config, faults.answer("/feed", Feed(rss(item(1), item(2)))))
    first = sync(config)
    assert first.ok, first.detail
    before = stored(config)
    assert len(before) == 2
    assert "if-none-match" not in faults.requests[0][1]
    faults.requests.clear()

    second = sync(config, T0 + dt.timedelta(hours=1))
    assert second.ok, second.detail
    assert "not modified" in second.detail
    assert len(faults.requests) == 1
    path, headers = faults.requests[0]
    assert path == "/feed"
    assert headers["if-none-match"] == ETAG
    assert headers["if-modified-since"] == MODIFIED
    # Nothing is taken down on a 304, and the source counts as checked OK just now.
    assert stored(config) == before
    assert status(config) == (T0 + dt.timedelta(hours=1), None)


def test_last_modified_alone_is_sent_back_too(faults: FaultServer,
                                              make_config: MakeConfig) -> None:
    feed = Feed(rss(item(1), item(2)), etag=None)
    config = feed_config(make_config, faults.answer("/feed", feed))
    assert sync(config).ok
    faults.requests.clear()
    second = sync(config)
    assert second.ok and "not modified" in second.detail, second.detail
    assert faults.requests[0][1]["if-modified-since"] == MODIFIED
    assert "if-none-match" not in faults.requests[0][1]
    assert len(stored(config)) == 2


def test_a_changed_feed_is_read_again(faults: FaultServer, make_config: MakeConfig) -> None:
    feed = Feed(rss(item(1), item(2)))
    config = feed_config(make_config, faults.answer("/feed", feed))
    assert sync(config).ok
    feed.data, feed.etag = rss(item(1, title="Corrected"), item(3)), '"v2-def"'
    faults.requests.clear()

    result = sync(config)
    assert result.ok, result.detail
    assert "not modified" not in result.detail
    assert faults.requests[0][1]["if-none-match"] == ETAG  # asked, and the answer was 200
    titles = {p.title for p in stored(config)}
    assert titles == {"Corrected", "Post 3"}  # post 2 is gone upstream: taken down

    faults.requests.clear()
    assert "not modified" in sync(config).detail
    assert faults.requests[0][1]["if-none-match"] == '"v2-def"'


def test_a_304_to_a_request_without_validators_is_an_error(
        faults: FaultServer, make_config: MakeConfig) -> None:
    config = feed_config(make_config, faults.route("/feed", body(b"", 304)))
    result = sync(config)
    assert not result.ok and "HTTP 304" in result.detail, result.detail


def test_another_source_config_reads_the_feed_whole(faults: FaultServer,
                                                    make_config: MakeConfig) -> None:
    url = faults.answer("/feed", Feed(rss(item(1), item(2))))
    assert sync(feed_config(make_config, url)).ok
    faults.requests.clear()
    config = make_config([SourceConfig("org", "feed", url, lang="fr")])
    result = sync(config)
    assert result.ok and "not modified" not in result.detail, result.detail
    assert "if-none-match" not in faults.requests[0][1]
    assert {p.lang for p in stored(config)} == {"fr"}


@pytest.mark.parametrize("etag, modified", [
    ('"' + "x" * (MAX_VALIDATOR + 1) + '"', "x" * 500),
    ('"caf\u00e9"', "Tue, 22 Jul 2025 10:00:00 GMT\x01"),
    ("\x7f", "\u00ff" * 3),
])
def test_overlong_or_garbage_validators_are_ignored(
        faults: FaultServer, make_config: MakeConfig, etag: str, modified: str) -> None:
    feed = Feed(rss(item(1), item(2)), etag=etag, modified=modified)
    config = feed_config(make_config, faults.answer("/feed", feed))
    assert sync(config).ok
    faults.requests.clear()
    result = sync(config)
    assert result.ok and "not modified" not in result.detail, result.detail
    headers = faults.requests[0][1]
    assert "if-none-match" not in headers and "if-modified-since" not in headers
    assert len(stored(config)) == 2


def test_validators_are_cleaned() -> None:
    assert clean_validator(' W/"abc" ') == 'W/"abc"'
    assert clean_validator("x" * MAX_VALIDATOR) == "x" * MAX_VALIDATOR
    for bad in (None, "", "  ", "x" * (MAX_VALIDATOR + 1), "a\r\nSet-Cookie: x", "\u00e9",
                "a\x00b", 12):
        assert clean_validator(bad) is None, bad
    assert not Validators(None, None) and Validators("x").request_headers() == {
        "If-None-Match": "x"}


# --- gzip ---------------------------------------------------------------------------


def test_a_gzipped_feed_is_read(faults: FaultServer, make_config: MakeConfig) -> None:
    def answer(headers: dict[str, str]) -> Fault:
        if "gzip" not in headers.get("accept-encoding", ""):
            return body(b"gzip only", 406)
        return gzipped(rss(item(1), item(2)), Content_Type="application/rss+xml")

    config = feed_config(make_config, faults.answer("/feed", answer))
    result = sync(config)
    assert result.ok, result.detail
    assert [p.title for p in stored(config)] == ["Post 1", "Post 2"]


def test_several_gzip_members_are_one_body(faults: FaultServer,
                                           make_config: MakeConfig) -> None:
    data = rss(item(1), item(2))
    twice = gzip.compress(data[:100]) + gzip.compress(data[100:])
    config = feed_config(make_config, faults.route("/feed", body(twice,
                                                                 Content_Encoding="gzip")))
    assert read_source(config.sources[0], config).posts[0].title == "Post 1"


def test_a_gzip_bomb_is_cut_off_at_the_limit_and_nothing_stored_is_lost(
        faults: FaultServer, make_config: MakeConfig) -> None:
    config = feed_config(make_config, faults.route("/feed", body(rss(item(1), item(2)))))
    assert sync(config).ok
    bomb = gzip_bomb()
    assert len(bomb) < config.fetch_max_bytes  # it passes the Content-Length check
    faults.routes["/feed"] = body(bomb, Content_Encoding="gzip",
                                  Content_Type="application/rss+xml")
    result = sync(config)
    assert not result.ok
    assert f"larger than {config.fetch_max_bytes} bytes once decompressed" in result.detail
    assert len(stored(config)) == 2
    assert status(config)[1] == result.detail


def test_a_gzip_bomb_never_takes_more_memory_than_the_limit(
        faults: FaultServer, make_config: MakeConfig) -> None:
    limit = 1_000_000
    config = feed_config(make_config, faults.route("/feed", body(
        gzip_bomb(), Content_Encoding="gzip")), fetch_max_bytes=limit)
    fetcher = fetcher_for(config).for_source(config.sources[0])
    tracemalloc.start()
    try:
        with pytest.raises(SourceError, match=f"larger than {limit} bytes once decompressed"):
            fetcher.get(config.sources[0].url)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * limit, peak  # the whole bomb would be 100 MB


@pytest.mark.parametrize("data, reason", [
    (b"this is not gzip at all", "not valid gzip"),
    (gzip.compress(rss(item(1)))[:-200], "incomplete"),
    (gzip.compress(rss(item(1))) + b"trailing garbage", "not valid gzip"),
])
def test_bad_gzip_is_a_clear_error_and_keeps_the_posts(
        faults: FaultServer, make_config: MakeConfig, data: bytes, reason: str) -> None:
    config = feed_config(make_config, faults.route("/feed", body(rss(item(1), item(2)))))
    assert sync(config).ok
    faults.routes["/feed"] = body(data, Content_Encoding="gzip")
    result = sync(config)
    assert not result.ok and reason in result.detail and "gzip" in result.detail, result.detail
    assert len(stored(config)) == 2


@pytest.mark.parametrize("encoding", ["br", "deflate", "gzip, gzip", "compress"])
def test_other_content_encodings_are_refused(faults: FaultServer, make_config: MakeConfig,
                                             encoding: str) -> None:
    config = feed_config(make_config, faults.route("/feed", body(
        rss(item(1)), Content_Encoding=encoding)))
    with pytest.raises(SourceError, match="only gzip is accepted"):
        read_source(config.sources[0], config)


def test_identity_is_read_as_it_is(faults: FaultServer, make_config: MakeConfig) -> None:
    config = feed_config(make_config, faults.route("/feed", body(
        rss(item(1)), Content_Encoding="identity")))
    assert len(read_source(config.sources[0], config).posts) == 1


def test_a_wordpress_site_is_asked_for_gzip_and_read(faults: FaultServer,
                                                     make_config: MakeConfig) -> None:
    posts = [wp_post(n, title=f"P{n}", when=dt.datetime(2025, 7, n), site=faults.url)
             for n in (1, 2)]

    def answer(headers: dict[str, str]) -> Fault:
        if "gzip" not in headers.get("accept-encoding", ""):
            return body(b"gzip only", 406)
        return gzipped(orjson.dumps(posts), Content_Type="application/json")

    faults.answer("/wp-json/wp/v2/posts", answer)
    config = make_config([SourceConfig("org", "wordpress", faults.url)])
    with Store(config.database) as store:
        result = {r.name: r for r in sync_all(config, store)}["org"]
    assert result.ok, result.detail
    assert {p.title for p in stored(config)} == {"P1", "P2"}


@pytest.mark.parametrize("generator", [
    "<generator>https://wordpress.org/?v=6.6.2</generator>",
    '<atom:generator xmlns:atom="http://www.w3.org/2005/Atom" uri="https://wordpress.org/"'
    ">WordPress</atom:generator>",
])
def test_wordpress_feeds_are_always_read_whole(faults: FaultServer, make_config: MakeConfig,
                                               generator: str) -> None:
    # WordPress's validators ignore posts unpublished since: a 304 would hide takedowns.
    data = rss(item(1), item(2)).replace(b"<channel>", b"<channel>" + generator.encode())
    config = feed_config(make_config, faults.answer("/feed", Feed(data)))
    assert sync(config).ok
    faults.requests.clear()
    result = sync(config)
    assert result.ok and "not modified" not in result.detail, result.detail
    assert "if-none-match" not in faults.requests[0][1]

"""A WordPress sync reads only what changed between whole reads, and takedowns stay prompt.

The site is a real HTTP server on 127.0.0.1 answering as WordPress does (tests/wordpress.py
`rest_posts`); the sync's clock is injected. Between whole reads (`wordpress_full_every`) a
sync asks for the newest 100 posts' ids and dates, reads the new and changed ones, and
reads the site whole at once when the listing shows something taken down or makes no sense.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson
import pytest

from tests.conftest import MakeConfig, Reply, Upstream
from tests.wordpress import LISTING, rest_posts, wp_post
from widget.config import Config, SourceConfig
from widget.snapshot import build_snapshot
from widget.store import Store
from widget.sync import SourceResult, sync_all

T0 = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC)
START = dt.datetime(2025, 7, 15, 10, 0)
WHOLE = ["page", "page", "timezone"]  # 150 posts: two pages of 100, then the site's zone


class Blog:
    """A WordPress site of `count` posts, one an hour back from START (ids 1000, 999, …)."""

    def __init__(self, upstream: Upstream, count: int = 150) -> None:
        self.upstream = upstream
        self.posts = [self.post(1000 - i, f"News {i}", START - dt.timedelta(hours=i))
                      for i in range(count)]
        # Replaces the listing of the newest posts (hostile sites): (posts, query) -> reply.
        self.listing: Callable[[list[dict[str, Any]], dict[str, str]], Reply] | None = None
        # Taken down just after a listing was served (before the posts are read).
        self.gone_after_listing: set[int] = set()
        upstream.handle("/wp-json/wp/v2/posts", self.answer)
        upstream.handle("/", self.root)

    def post(self, post_id: int, title: str, when: dt.datetime) -> dict[str, Any]:
        return wp_post(post_id, title=title, when=when, site=self.upstream.url, image=False)

    def answer(self, query: dict[str, str]) -> Reply:
        if query.get("_fields") == LISTING:
            reply = (self.listing or rest_posts)(self.posts, query)
            self.posts = [p for p in self.posts if p["id"] not in self.gone_after_listing]
            return reply
        return rest_posts(self.posts, query)

    def root(self, query: dict[str, str]) -> Reply:
        assert query == {"rest_route": "/", "_fields": "timezone_string"}, query
        return Reply(b'{"timezone_string":"Europe/Berlin"}', 200,
                     {"Content-Type": "application/json"})

    def edit(self, post_id: int, title: str, modified: dt.datetime) -> None:
        post = next(p for p in self.posts if p["id"] == post_id)
        post["title"] = {"rendered": title}
        post["content"] = {"rendered": f"<p>{title}</p>", "protected": False}
        post["modified_gmt"] = modified.strftime("%Y-%m-%dT%H:%M:%S")

    def requests(self) -> list[str]:
        """What each request since the last call asked for, in order."""
        kinds = []
        for hit in self.upstream.hits:
            query = dict(parse_qsl(urlsplit(hit).query))
            fields = query.get("_fields")
            kinds.append("listing" if fields == LISTING else "include" if "include" in query
                         else "ids" if fields == "id" else "timezone" if query.get(
                             "rest_route") == "/" else "page")
        self.upstream.hits.clear()
        return kinds


@pytest.fixture
def blog(upstream: Upstream) -> Blog:
    return Blog(upstream)


@pytest.fixture
def config(blog: Blog, make_config: MakeConfig) -> Config:
    return make_config([SourceConfig("org", "wordpress", blog.upstream.url, "en")])


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    with Store(config.database) as opened:
        yield opened


def sync(config: Config, store: Store, when: dt.datetime) -> SourceResult:
    result = {r.name: r for r in sync_all(config, store, lambda: when)}["org"]
    assert result.ok, result.detail
    return result


def ids(store: Store) -> set[int]:
    return {int(p.id.removeprefix("org-")) for p in store.read_all()[1]}


def titles(store: Store) -> dict[int, str]:
    return {int(p.id.removeprefix("org-")): p.title for p in store.read_all()[1]}


def test_a_sync_with_nothing_changed_is_one_request_and_changes_no_post(
        blog: Blog, config: Config, store: Store) -> None:
    sync(config, store, T0)
    assert blog.requests() == WHOLE
    generation = store.generation()
    version = build_snapshot(store, T0).version
    cpu = time.process_time()
    result = sync(config, store, T0 + dt.timedelta(minutes=1))
    cpu = time.process_time() - cpu
    assert blog.requests() == ["listing"]
    assert result.detail == "150 posts, 0 new thumbnails"
    changed = store.read_since(generation)
    assert changed.posts == [] and changed.gone == []  # no post row was written
    assert build_snapshot(store, T0).version == version
    status = next(s for s in store.read_all()[3] if s.name == "org")
    assert status.last_success == T0 + dt.timedelta(minutes=1)
    assert status.extra == {"timezone": "Europe/Berlin"}  # asked only when read whole
    # The whole sync (the site's thread answering included): well under 100 ms.
    assert cpu < 0.1, cpu


def test_an_edited_post_among_the_newest_is_read_again(blog: Blog, config: Config,
                                                        store: Store) -> None:
    sync(config, store, T0)
    blog.requests()
    generation = store.generation()
    blog.edit(995, "Corrected title", dt.datetime(2025, 7, 20, 8, 0))
    sync(config, store, T0 + dt.timedelta(minutes=1))
    hits = list(blog.upstream.hits)
    assert blog.requests() == ["listing", "include"]
    assert "include=995&" in hits[1]
    changed = store.read_since(generation)
    assert [p.id for p, _ in changed.posts] == ["org-995"]  # the others are left as they are
    assert changed.posts[0][0].title == "Corrected title"
    assert "Corrected title" in changed.posts[0][0].content_html
    sync(config, store, T0 + dt.timedelta(minutes=2))
    assert blog.requests() == ["listing"]


def test_new_and_scheduled_posts_are_picked_up(blog: Blog, config: Config,
                                               store: Store) -> None:
    sync(config, store, T0)
    blog.requests()
    blog.posts.append(blog.post(2000, "Brand new", START + dt.timedelta(hours=3)))
    # Scheduled: written on 1 July, published at its date; WordPress leaves its modified date.
    scheduled = blog.post(2001, "Scheduled", START + dt.timedelta(hours=2))
    scheduled["modified_gmt"] = "2025-07-01T09:00:00"
    blog.posts.append(scheduled)
    result = sync(config, store, T0 + dt.timedelta(minutes=1))
    assert result.detail.startswith("152 posts,"), result.detail
    hits = list(blog.upstream.hits)
    assert blog.requests() == ["listing", "include"]
    assert "include=2000%2C2001&" in hits[1]
    assert {2000, 2001} <= ids(store) and titles(store)[2001] == "Scheduled"
    sync(config, store, T0 + dt.timedelta(minutes=2))
    assert blog.requests() == ["listing"]  # and read once, not at every sync


@pytest.mark.parametrize("index", [3, 140], ids=["among-the-newest", "older"])
def test_a_post_taken_down_goes_in_that_same_sync(blog: Blog, config: Config, store: Store,
                                                  index: int) -> None:
    sync(config, store, T0)
    blog.requests()
    gone = blog.posts.pop(index)["id"]  # trashed, private, draft or deleted: not listed
    result = sync(config, store, T0 + dt.timedelta(minutes=1))
    assert result.detail.startswith("149 posts (1 taken down upstream)"), result.detail
    assert "could not be used" not in result.detail
    assert blog.requests() == ["listing", *WHOLE]
    assert gone not in ids(store) and len(ids(store)) == 149


def test_a_takedown_the_count_does_not_show_is_seen_in_the_listing(
        blog: Blog, config: Config, store: Store) -> None:
    sync(config, store, T0)
    blog.requests()
    gone = blog.posts.pop(10)["id"]
    # The 101st post comes into the newest 100 (one more than before, as for a new post),
    # while two old drafts are published again far below them: 151 public, as if nothing
    # had been taken down.
    blog.posts += [blog.post(n, "Old draft", START - dt.timedelta(days=30)) for n in (1, 2)]
    result = sync(config, store, T0 + dt.timedelta(minutes=1))
    assert blog.requests() == ["listing", *WHOLE]
    assert result.detail.startswith("151 posts (1 taken down upstream)"), result.detail
    assert gone not in ids(store) and {1, 2} <= ids(store)


def test_a_post_taken_down_while_the_changes_are_read_goes_too(
        blog: Blog, config: Config, store: Store) -> None:
    sync(config, store, T0)
    blog.requests()
    blog.edit(990, "Edited, then trashed", dt.datetime(2025, 7, 20, 8, 0))
    blog.gone_after_listing = {990}
    result = sync(config, store, T0 + dt.timedelta(minutes=1))
    assert blog.requests() == ["listing", "include", *WHOLE]
    assert "(1 taken down upstream)" in result.detail and 990 not in ids(store)


def test_the_site_is_read_whole_every_wordpress_full_every_seconds(
        blog: Blog, make_config: MakeConfig) -> None:
    config = make_config([SourceConfig("org", "wordpress", blog.upstream.url, "en")],
                         wordpress_full_every=3600)
    with Store(config.database) as store:
        sync(config, store, T0)
        blog.requests()
        # An edit of a post older than the newest 100 waits for the next whole read.
        blog.edit(880, "Old post, corrected", dt.datetime(2025, 7, 20, 8, 0))
        sync(config, store, T0 + dt.timedelta(seconds=3599))
        assert blog.requests() == ["listing"]
        assert titles(store)[880] == "News 120"
        sync(config, store, T0 + dt.timedelta(seconds=3600))
        assert blog.requests() == WHOLE
        assert titles(store)[880] == "Old post, corrected"
        sync(config, store, T0 + dt.timedelta(seconds=3660))
        assert blog.requests() == ["listing"]
        # A clock set back is no reason to trust the record: read it whole.
        sync(config, store, T0)
        assert blog.requests() == WHOLE


def test_another_source_config_or_a_broken_record_reads_the_site_whole(
        blog: Blog, config: Config, store: Store) -> None:
    sync(config, store, T0)
    blog.requests()
    french = config.with_(sources=(SourceConfig("org", "wordpress", blog.upstream.url,
                                                "fr"),))
    sync(french, store, T0 + dt.timedelta(minutes=1))
    assert blog.requests() == WHOLE
    assert {p.lang for p in store.read_all()[1]} == {"fr"}
    for broken in ({"full_read": "yesterday"}, {**store.sync_record("org"), "newest": "1:x"}):
        store.save_sync_record("org", broken)
        sync(french, store, T0 + dt.timedelta(minutes=2))
        assert blog.requests() == WHOLE


def test_every_sync_reads_whole_with_wordpress_full_every_0(
        blog: Blog, make_config: MakeConfig) -> None:
    config = make_config([SourceConfig("org", "wordpress", blog.upstream.url)],
                         wordpress_full_every=0)
    with Store(config.database) as store:
        for minute in range(2):
            sync(config, store, T0 + dt.timedelta(minutes=minute))
            assert blog.requests() == WHOLE


def test_a_post_modified_in_the_second_it_was_listed_is_read_again(
        blog: Blog, config: Config, store: Store) -> None:
    # WordPress dates to the second: a second edit in that second keeps the same date.
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    blog.posts[0]["modified_gmt"] = now.strftime("%Y-%m-%dT%H:%M:%S")
    sync(config, store, T0)
    blog.requests()
    sync(config, store, T0 + dt.timedelta(minutes=1))
    assert blog.requests() == ["listing", "include"]


def test_a_site_without_pretty_permalinks_is_asked_in_its_own_form(
        upstream: Upstream, make_config: MakeConfig) -> None:
    blog = Blog(upstream)
    del upstream.routes["/wp-json/wp/v2/posts"]

    def root(query: dict[str, str]) -> Reply:
        if query.get("rest_route") == "/wp/v2/posts":
            rest = {k: v for k, v in query.items() if k != "rest_route"}
            return blog.answer(rest)
        return blog.root(query)

    upstream.handle("/", root)
    config = make_config([SourceConfig("org", "wordpress", upstream.url)])
    with Store(config.database) as store:
        sync(config, store, T0)
        upstream.hits.clear()
        sync(config, store, T0 + dt.timedelta(minutes=1))
    assert len(upstream.hits) == 1
    assert upstream.hits[0].startswith("/?rest_route=%2Fwp%2Fv2%2Fposts&")


def listed(posts: list[dict[str, Any]], query: dict[str, str]
           ) -> tuple[list[dict[str, Any]], dict[str, str]]:
    reply = rest_posts(posts, query)
    return orjson.loads(reply.body), reply.headers


def body_of(change: Callable[[list[dict[str, Any]]], Any]
            ) -> Callable[[list[dict[str, Any]], dict[str, str]], Reply]:
    """A listing whose items `change` rewrites (in place, or by returning new ones)."""
    def answer(posts: list[dict[str, Any]], query: dict[str, str]) -> Reply:
        items, headers = listed(posts, query)
        changed = change(items)
        return Reply(orjson.dumps(items if changed is None else changed), 200, headers)
    return answer


def total_of(value: str | None) -> Callable[[list[dict[str, Any]], dict[str, str]], Reply]:
    def answer(posts: list[dict[str, Any]], query: dict[str, str]) -> Reply:
        items, headers = listed(posts, query)
        headers.pop("X-WP-Total")
        if value is not None:
            headers["X-WP-Total"] = value
        return Reply(orjson.dumps(items), 200, headers)
    return answer


def fixed(reply: Reply) -> Callable[[list[dict[str, Any]], dict[str, str]], Reply]:
    return lambda posts, query: reply


HOSTILE: dict[str, Callable[[list[dict[str, Any]], dict[str, str]], Reply]] = {
    "html": fixed(Reply(b"<html>Maintenance</html>", 200, {"Content-Type": "text/html"})),
    "an error": fixed(Reply(b"<b>Fatal error</b>", 500)),
    "an object": fixed(Reply(b'{"code":"rest_no_route"}', 200)),
    "no list items": body_of(lambda items: [1, "two", None]),
    "empty": body_of(lambda items: []),
    "ids as words": body_of(lambda items: items[3].update(id="nine hundred")),
    "ids as floats": body_of(lambda items: items[3].update(id=997.5)),
    "negative ids": body_of(lambda items: items[3].update(id=-997)),
    "garbage modified dates": body_of(lambda items: items[3].update(modified_gmt="yesterday")),
    "dates of another type": body_of(lambda items: items[3].update(date_gmt=[2025, 7, 1])),
    "a post twice": body_of(lambda items: items.__setitem__(4, items[3])),
    "too many posts": body_of(lambda items: items * 3),
    "no total": total_of(None),
    "a total in words": total_of("lots"),
    "a negative total": total_of("-1"),
    "a huge total": total_of("99999999999999999999"),
    "a total of fewer posts": total_of("149"),  # a takedown it does not show
    "a total of more posts": total_of("151"),
}


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_a_hostile_listing_takes_nothing_down(blog: Blog, config: Config, store: Store,
                                              hostile: str) -> None:
    sync(config, store, T0)
    before = store.read_all()[1]
    blog.requests()
    blog.listing = HOSTILE[hostile]
    result = sync(config, store, T0 + dt.timedelta(minutes=1))
    # The site is read whole at once, and that read, not the listing, says what is public.
    assert blog.requests() == ["listing", *WHOLE]
    assert result.detail.startswith("150 posts, 0 new thumbnails"), result.detail
    assert store.read_all()[1] == before
    if not hostile.startswith("a total of"):  # those read as a takedown would
        assert "the list of the newest posts could not be used" in result.detail

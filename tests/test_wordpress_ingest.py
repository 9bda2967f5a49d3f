"""Ingest from a real WordPress (Debian's 6.1 package on loopback): what it really sends.

Hostile content goes in through WordPress itself (an administrator keeps unfiltered
HTML); an "internal" server on another loopback port must receive nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.conftest import MakeConfig, Upstream
from tests.peers import WordPress, wordpress  # noqa: F401 - the session fixture
from widget.config import SourceConfig
from widget.model import Post
from widget.sources import read_source
from widget.store import Store
from widget.sync import sync_all

pytestmark = pytest.mark.server

HOSTILE_TITLE = "Hostile content test post"


@pytest.fixture
def hostile_post(wordpress: WordPress, upstream: Upstream) -> Iterator[int]:  # noqa: F811
    internal = upstream.url  # another port of 127.0.0.1: not the source's own origin
    content = (
        f'<p>Pixel <img src="{internal}/pixel.gif?who=reader" width="1" height="1"></p>'
        '<p><img src="file:///etc/passwd"> and <img src="/wp-content/uploads/x.png"></p>'
        '<p><a href="/2025/07/14/solidarity/">relative</a> '
        '<a href="javascript:alert(1)">script</a> '
        f'<a href="{internal}/admin?secret=1">internal link</a></p>')
    post = wordpress.rest("POST", "posts", {"title": HOSTILE_TITLE, "content": content,
                                            "status": "publish"})
    yield int(post["id"])
    wordpress.rest("DELETE", f"posts/{post['id']}?force=true")


def synced_posts(config_sources: list[SourceConfig], make_config: MakeConfig) -> list[Post]:
    config = make_config(config_sources)
    with Store(config.database) as store:
        results = {r.name: r for r in sync_all(config, store)}
        for source in config_sources:
            assert results[source.name].ok, results[source.name].detail
        _, posts, _, _ = store.read_all()
    return posts


@pytest.mark.parametrize("kind, path", [("wordpress", ""), ("feed", "/feed/")])
def test_real_wordpress_content_is_safe_to_pass_on(
        wordpress: WordPress, hostile_post: int, upstream: Upstream,  # noqa: F811
        make_config: MakeConfig, kind: str, path: str) -> None:
    posts = synced_posts([SourceConfig("wp", kind, wordpress.url + path, "en")], make_config)
    titles = {p.title for p in posts}
    assert HOSTILE_TITLE in titles
    assert not any("draft" in t.lower() or "private" in t.lower() for t in titles), titles
    assert len(posts) == 13  # the 12 published demo posts and the hostile one
    for post in posts:
        assert re.match(r"https?://127\.0\.0\.1:\d+/", post.url), post.url
        assert "<img" not in post.content_html  # no remote images, emoji included
        for href in re.findall(r'href="([^"]*)"', post.content_html):
            assert href.startswith(("http://", "https://", "mailto:")), (post.title, href)
    assert upstream.hits == []  # the internal server was never called


def test_the_featured_image_is_copied_from_the_site_itself(
        wordpress: WordPress, make_config: MakeConfig) -> None:  # noqa: F811
    posts = synced_posts([SourceConfig("wp", "wordpress", wordpress.url, "en")], make_config)
    day = next(p for p in posts if p.title.startswith("14 July 2025"))
    assert day.image is not None and day.image.local is not None
    assert day.image.local.startswith("/media/")


# --- one post, one row; titles; terms --------------------------------------------------


@pytest.mark.parametrize("feed_first", [False, True])
def test_a_wordpress_and_a_feed_source_of_one_site_store_each_post_once(
        wordpress: WordPress, make_config: MakeConfig, feed_first: bool) -> None:  # noqa: F811
    rest = SourceConfig("wp", "wordpress", wordpress.url, "en")
    feed = SourceConfig("wpfeed", "feed", wordpress.url + "/feed/", "en")
    config = make_config([feed, rest] if feed_first else [rest, feed])
    with Store(config.database) as store:
        for _ in range(2):  # and a second sync changes nothing of that
            results = {r.name: r for r in sync_all(config, store)}
            _, posts, _, sources = store.read_all()
        # What the next sync compares with: the newest posts, as the site listed them.
        assert len(store.sync_record("wp")["newest"].split()) == len(posts)
    urls = [p.url for p in posts]
    assert len(urls) == len(set(urls)) >= 12
    assert "could not be" not in results["wp"].detail  # the second sync's listing is used
    # The richer REST record keeps every post, whichever source came first.
    assert {p.source for p in posts} == {"wp"}
    assert {f"wp-{n}" for n in range(4, 16)} <= {p.id for p in posts}  # the demo's 12
    assert results["wpfeed"].detail.startswith(
        f"0 posts ({len(posts)} shown from another source with the same URL)")
    assert results["wp"].detail.startswith(f"{len(posts)} posts, ")
    assert {s.name: s.posts for s in sources if s.name != "strikes-file"} == {
        "wp": len(posts), "wpfeed": 0}


DEMO_TITLES = {
    "14 July 2025: Solidarity Day for hungerstriking\u00a0prisoners",
    "Struggle against expulsion for right to\u00a0residence",
}


@pytest.mark.parametrize("kind, path", [("wordpress", ""), ("feed", "/feed/")])
def test_titles_keep_their_no_break_spaces(wordpress: WordPress, make_config: MakeConfig,  # noqa: F811
                                           kind: str, path: str) -> None:
    posts = synced_posts([SourceConfig("wp", kind, wordpress.url + path, "en")], make_config)
    assert DEMO_TITLES <= {p.title for p in posts}


def test_wordpress_tags_stay_tags_and_its_feed_cannot_tell(
        wordpress: WordPress, make_config: MakeConfig) -> None:  # noqa: F811
    config = make_config()
    rest = {p.url: p for p in read_source(
        SourceConfig("wp", "wordpress", wordpress.url, "en"), config).posts}
    feed = {p.url: p for p in read_source(
        SourceConfig("wp", "feed", wordpress.url + "/feed/", "en"), config).posts}
    day = next(url for url in rest if "/2025/07/14/" in url)
    assert rest[day].categories == ("Hunger strike", "News")
    assert set(rest[day].tags) == {"high security prisons", "solidarity", "Turkey"}
    # WordPress's RSS gives every term as a <category> without a domain: all categories.
    assert set(feed[day].categories) == set(rest[day].categories) | set(rest[day].tags)
    assert feed[day].tags == ()

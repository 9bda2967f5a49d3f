"""Takedowns: what the organisation takes down upstream, or an editor hides, is gone from
every output at the next sync, in a running app too, without a restart.

The upstream cases run against the real WordPress (../shared/wordpress): each test
makes its own post through the REST API and deletes it for good afterwards, so the
shared site is left as it was. The running app reads the store's published copy
and reloads on the injected clock, as a gunicorn worker does.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import sqlite3
import urllib.error
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import falcon.testing
import pytest
from click.testing import CliRunner

from tests.conftest import Clock, MakeConfig, Upstream
from tests.peers import WordPress, wordpress  # noqa: F401 - the session fixture
from widget.cli import main
from widget.config import Config, SourceConfig
from widget.http.app import create_app
from widget.model import Post
from widget.snapshot import build_snapshot
from widget.store import _MIGRATIONS, Store, url_key
from widget.sync import SourceResult, sync_all

NOW = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC)


def outputs(client: falcon.testing.TestClient) -> dict[str, str]:
    """What a visitor gets from the API, the news widget and the Atom feed."""
    pages = {"api": "/api/v1/posts?limit=50", "news": "/embed/news?limit=20",
             "atom": "/feeds/posts.atom"}
    got = {}
    for name, path in pages.items():
        result = client.simulate_get(path)
        assert result.status_code == 200, (path, result.text)
        got[name] = result.text
    return got


def synced(config: Config) -> dict[str, SourceResult]:
    with Store(config.database) as store:
        return {r.name: r for r in sync_all(config, store)}


def shown_count(config: Config) -> int:
    with Store(config.database, readonly=True) as store:
        return len(store.read_since(None).posts)


# --- the real WordPress ---------------------------------------------------------------


@dataclass
class WordPressPost:
    id: int
    title: str
    words: str  # a phrase only in its content


@pytest.fixture
def wp_post(wordpress: WordPress) -> Iterator[WordPressPost]:  # noqa: F811
    token = secrets.token_hex(4)
    words = f"Secret words {token}"
    made = wordpress.rest("POST", "posts", {"title": f"Takedown check {token}",
                                            "content": f"<p>{words}</p>", "status": "publish"})
    yield WordPressPost(int(made["id"]), f"Takedown check {token}", words)
    try:
        wordpress.rest("DELETE", f"posts/{made['id']}?force=true")
    except urllib.error.HTTPError as exc:  # the "deleted" case did it already
        assert exc.code in (404, 410), exc


EDITED = "Takedown check edited"

CHANGES: dict[str, Callable[[WordPress, WordPressPost], Any]] = {
    "trash": lambda wp, p: wp.rest("DELETE", f"posts/{p.id}"),
    "private": lambda wp, p: wp.rest("POST", f"posts/{p.id}", {"status": "private"}),
    "draft": lambda wp, p: wp.rest("POST", f"posts/{p.id}", {"status": "draft"}),
    "deleted": lambda wp, p: wp.rest("DELETE", f"posts/{p.id}?force=true"),
    "password": lambda wp, p: wp.rest("POST", f"posts/{p.id}", {"password": "s3cret"}),
    "edited": lambda wp, p: wp.rest("POST", f"posts/{p.id}", {
        "title": f"{EDITED} {p.title[-8:]}", "content": "<p>Corrected text</p>"}),
}


@pytest.mark.server
@pytest.mark.parametrize("kind, path", [("wordpress", ""), ("feed", "/feed/")])
@pytest.mark.parametrize("change", list(CHANGES))
def test_what_is_no_longer_public_upstream_is_gone_at_the_next_sync(
        wordpress: WordPress, wp_post: WordPressPost, make_config: MakeConfig,  # noqa: F811
        clock: Clock, kind: str, path: str, change: str) -> None:
    config = make_config([SourceConfig("wp", kind, wordpress.url + path, "en")])
    assert synced(config)["wp"].ok
    running = falcon.testing.TestClient(create_app(config, clock=clock))  # the copy, as served
    for name, text in outputs(running).items():
        assert wp_post.title in text, name
    assert wp_post.words in outputs(running)["api"]

    CHANGES[change](wordpress, wp_post)
    result = synced(config)["wp"]
    assert result.ok, result.detail
    # WordPress's listing of its newest posts is understood: no doubt, no fallback.
    assert "could not be used" not in result.detail, result.detail
    # The count is what is served now, and says why one went.
    assert re.match(rf"{shown_count(config)} posts\b", result.detail), result.detail
    assert ("(1 taken down upstream)" in result.detail) == (
        change not in ("password", "edited")), result.detail

    clock.now += dt.timedelta(seconds=config.reload_interval)  # the workers' next check
    fresh = falcon.testing.TestClient(create_app(config, clock=clock))
    for app, client in (("running", running), ("restarted", fresh)):
        for name, text in outputs(client).items():
            where = f"{app} {name}"
            assert wp_post.words not in text, where
            if change == "password":
                # Still public, its content replaced: the title stays, the text never shows.
                assert wp_post.title in text, where
            elif change == "edited":
                assert wp_post.title not in text and EDITED in text, where
            else:
                assert wp_post.title not in text, where
    if change == "edited":
        assert "Corrected text" in outputs(running)["api"]


@pytest.mark.server
def test_healthz_counts_what_is_served_after_a_takedown(
        wordpress: WordPress, wp_post: WordPressPost, make_config: MakeConfig,  # noqa: F811
        clock: Clock) -> None:
    config = make_config([SourceConfig("wp", "wordpress", wordpress.url, "en")])
    synced(config)
    running = falcon.testing.TestClient(create_app(config, clock=clock))
    before = running.simulate_get("/healthz").json
    CHANGES["trash"](wordpress, wp_post)
    synced(config)
    clock.now += dt.timedelta(seconds=config.reload_interval)
    after = running.simulate_get("/healthz").json
    assert after["posts"] == before["posts"] - 1 == shown_count(config)


# --- what removes nothing -------------------------------------------------------------


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Org</title><link>https://org.example/</link>
<description>d</description>{items}</channel></rss>"""


def rss(*days: int) -> str:
    return RSS.format(items="".join(
        f"<item><title>Post {d}</title><link>https://org.example/{d}/</link>"
        f"<guid>org-{d}</guid><pubDate>{d:02d} Jul 2025 10:00:00 +0000</pubDate></item>"
        for d in days))


def urls(config: Config) -> list[str]:
    with Store(config.database) as store:
        return sorted(p.url.removeprefix("https://org.example/").strip("/")
                      for p in store.read_all()[1])


def test_a_feed_takes_down_only_what_it_still_covers(upstream: Upstream,
                                                     make_config: MakeConfig) -> None:
    upstream.set("/feed", rss(9, 8, 7, 6, 5))
    config = make_config([SourceConfig("org", "feed", upstream.url + "/feed")])
    synced(config)
    # 8 was taken down; 5 fell out of the latest items (the feed now starts at 6).
    upstream.set("/feed", rss(10, 9, 7, 6))
    assert "(1 taken down upstream)" in synced(config)["org"].detail
    assert urls(config) == ["10", "5", "6", "7", "9"]


@pytest.mark.parametrize("broken", [
    b"<html>maintenance</html>", b"", RSS.format(items="").encode()])
def test_a_feed_that_fails_or_is_empty_takes_nothing_down(
        upstream: Upstream, make_config: MakeConfig, broken: bytes) -> None:
    upstream.set("/feed", rss(3, 2, 1))
    config = make_config([SourceConfig("org", "feed", upstream.url + "/feed")])
    synced(config)
    upstream.set("/feed", broken)
    synced(config)
    assert urls(config) == ["1", "2", "3"]


# --- post hide / unhide / list-hidden -------------------------------------------------


@pytest.fixture
def feed_site(upstream: Upstream, tmp_path: Path) -> Path:
    upstream.set("/feed", rss(3, 2, 1))
    (tmp_path / "strikes.toml").write_text("")
    path = tmp_path / "widget.toml"
    path.write_text(f'database = "var/w.sqlite3"\nstrikes_file = "strikes.toml"\n'
                    f'[[sources]]\nname = "org"\ntype = "feed"\nurl = "{upstream.url}/feed"\n')
    return path


def cli(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_hide_takes_a_post_down_until_unhidden(feed_site: Path, clock: Clock) -> None:
    assert cli(feed_site, "sync")[0] == 0
    from widget.config import load_config

    config = load_config(feed_site, environ={})
    running = falcon.testing.TestClient(create_app(config, clock=clock))
    etag = running.simulate_get("/embed/news").headers["etag"]
    assert "Post 2" in outputs(running)["news"]

    code, out = cli(feed_site, "post", "hide", "https://ORG.example/2", "--reason", "asked to")
    assert code == 0, out
    assert out.splitlines()[0].startswith('hidden: https://org.example/2/ "Post 2" (org-')
    clock.now += dt.timedelta(seconds=config.reload_interval)
    for name, text in outputs(running).items():
        assert "Post 2" not in text and "Post 3" in text, name
    assert running.simulate_get("/embed/news").headers["etag"] != etag

    # A sync never brings it back, and says so.
    code, out = cli(feed_site, "sync")
    assert code == 0 and "ok   org: 2 posts (1 hidden by an editor)" in out, out
    clock.now += dt.timedelta(seconds=config.reload_interval)
    assert "Post 2" not in outputs(running)["api"]
    code, out = cli(feed_site, "post", "list-hidden")
    assert code == 0 and "https://org.example/2/" in out and "reason: asked to" in out, out
    assert cli(feed_site, "post", "hide", "https://org.example/2/") == (
        0, "already hidden: https://org.example/2/\n")

    # By id as the API gives it, and the export shows it again at the next build.
    post_id = next(p["id"] for p in running.simulate_get("/api/v1/posts").json["posts"]
                   if p["title"] == "Post 3")
    assert cli(feed_site, "post", "hide", post_id)[0] == 0
    code, out = cli(feed_site, "post", "unhide", "https://org.example/2/")
    assert code == 0 and out.startswith("shown again: https://org.example/2/"), out
    clock.now += dt.timedelta(seconds=config.reload_interval)
    titles = [p["title"] for p in running.simulate_get("/api/v1/posts").json["posts"]]
    assert titles == ["Post 2", "Post 1"]
    out_dir = feed_site.parent / "out"
    assert cli(feed_site, "build", str(out_dir))[0] == 0
    exported = (out_dir / "feeds" / "posts.atom" / "_index").read_text()
    assert "Post 2" in exported and "Post 3" not in exported


@pytest.mark.parametrize("args, message", [
    (("hide", "org-0000"), "error: no post has the id 'org-0000'"),
    (("unhide", "https://org.example/1/"), "error: https://org.example/1/ is not hidden"),
    (("unhide", "nothing"), "error: no post has the id 'nothing'"),
])
def test_post_errors_are_one_line(feed_site: Path, args: tuple[str, ...],
                                  message: str) -> None:
    cli(feed_site, "sync")
    code, out = cli(feed_site, "post", *args)
    assert code == 1 and out.startswith(message) and out.count("\n") == 1, out


def test_a_post_can_be_hidden_before_it_is_synced(feed_site: Path) -> None:
    code, out = cli(feed_site, "post", "hide", "https://org.example/1/")
    assert code == 0 and "(not in the store now" in out, out
    assert cli(feed_site, "sync")[0] == 0
    config_db = feed_site.parent / "var" / "w.sqlite3"
    with Store(config_db, readonly=True) as store:
        assert sorted(p.title for p, _ in store.read_since(None).posts) == ["Post 2", "Post 3"]
        assert [h.title for h in store.hidden_posts()] == ["Post 1"]


# --- the store and the snapshot -------------------------------------------------------


def post(n: int, source: str = "s", url: str | None = None) -> Post:
    when = NOW - dt.timedelta(hours=n)
    return Post(id=f"{source}-{n}", source=source, url=url or f"https://org.example/{n}/",
                title=f"Post {n}", excerpt="e", content_html="<p>c</p>", published=when,
                modified=when)


def same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert a.version == b.version and a.posts == b.posts and a == b


def test_incremental_reloads_drop_deleted_and_hidden_posts(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "feed", [post(n) for n in range(6)], NOW,
                         listed={f"s-{n}" for n in range(6)})
        base = build_snapshot(store, NOW)
        kept = (base.posts, dict(base._index.by_id), list(base._index.oldest_first),
                base._index.post_sum)
        saved = store.save_posts("s", "feed", [post(n) for n in (0, 1, 3, 4)], NOW,
                                 listed={f"s-{n}" for n in (0, 1, 3, 4)})
        assert (saved.shown, saved.taken_down) == (4, 2)
        store.hide_post("https://org.example/4", "", NOW)
        after = build_snapshot(store, NOW, base)
        assert [p.id for p in after.posts] == ["s-0", "s-1", "s-3"]
        same(after, build_snapshot(store, NOW))
        # The snapshot it started from is as it was, for whoever still reads it.
        assert (base.posts, dict(base._index.by_id), list(base._index.oldest_first),
                base._index.post_sum) == kept
        # Published again and unhidden: back, the same way a full read has it.
        store.save_posts("s", "feed", [post(n) for n in range(6)], NOW)
        store.unhide_post("s-4")
        again = build_snapshot(store, NOW, after)
        same(again, build_snapshot(store, NOW))
        assert again.version == base.version and again.posts == base.posts


def test_a_source_without_a_complete_listing_deletes_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        store.save_posts("s", "wordpress", [post(n) for n in range(4)], NOW)
        store.save_posts("s", "wordpress", [post(0)], NOW, listed=None)
        assert len(store.read_all()[1]) == 4
        # Another source's posts are never its own to take down.
        store.save_posts("t", "feed", [post(9, "t")], NOW, listed={"t-9"})
        store.save_posts("s", "wordpress", [post(0)], NOW, listed={"s-0"})
        assert sorted(p.id for p in store.read_all()[1]) == ["s-0", "t-9"]


def test_one_url_is_one_row_and_the_wordpress_record_keeps_it(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        # The feed first (a config that lists it first): the WordPress record still wins.
        store.save_posts("f", "feed", [post(n, "f") for n in range(3)], NOW)
        saved = store.save_posts("wp", "wordpress", [
            post(n, "wp", f"http://org.example/{n}") for n in range(2)], NOW)
        assert (saved.shown, saved.elsewhere) == (2, 0)
        again = store.save_posts("f", "feed", [post(n, "f") for n in range(3)], NOW)
        assert (again.shown, again.elsewhere) == (1, 2)
        ids = sorted(p.id for p in store.read_all()[1])
    assert ids == ["f-2", "wp-0", "wp-1"]


@pytest.mark.parametrize("a, b", [
    ("https://org.example/2025/07/14/day/", "http://ORG.example:80/2025/07/14/day#top"),
    ("https://org.example/gr%c3%a8ve/", "https://org.example/gr\u00e8ve"),
    ("https://org.example/?p=12", "https://org.example/?p=12"),
])
def test_canonical_urls(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)
    assert url_key("https://org.example/?p=12") != url_key("https://org.example/?p=13")
    assert url_key("https://org.example:8443/a") != url_key("https://org.example/a")


def test_a_store_of_the_previous_schema_is_upgraded_to_one_row_per_url(
        tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for version in range(1, 5):
        db.executescript(_MIGRATIONS[version])
    db.execute("PRAGMA user_version = 4")
    for source, kind, prefix in (("wp", "wordpress", "wp-"), ("feed", "feed", "wp-9283")):
        db.execute("INSERT INTO sources (name, kind) VALUES (?, ?)", (source, kind))
        for n in range(15):
            db.execute("INSERT INTO posts (id, source, url, title, excerpt, content_html, "
                       "published, modified, categories, tags) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (f"{prefix}{n}", source, f"https://org.example/{n}/", f"P{n}", "",
                        "", NOW.isoformat(), NOW.isoformat(), "[]", "[]"))
    db.close()
    # A reader of the old copy (before the next sync rewrites it) still reads it.
    with Store(path, readonly=True) as old:
        assert len(old.read_since(None).posts) == 30 and old.hidden_posts() == []
    with Store(path) as store:
        reading = store.read_since(None)
    assert sorted(p.id for p, _ in reading.posts) == sorted(f"wp-{n}" for n in range(15))

"""Ingestion from a real HTTP server on 127.0.0.1: WordPress REST, RSS 2.0 and Atom."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from tests.conftest import MakeConfig, Reply, Upstream
from tests.wordpress import pages, rest_posts
from widget.config import SourceConfig
from widget.store import Store
from widget.sync import sync_all


def wordpress_site(upstream: Upstream, count: int = 7, per_page: int = 3,
                   prefix: str = "/wp-json/wp/v2/posts") -> None:
    posts = [post for page in pages(upstream.url, count, per_page) for post in orjson.loads(page)]
    upstream.handle(prefix if prefix != "/" else "/",
                    lambda query: rest_posts(posts, query, per_page))


def sync(config, store):  # type: ignore[no-untyped-def]
    return {r.name: r for r in sync_all(config, store)}


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4


def serve_thumbnails(upstream: Upstream, count: int) -> None:
    for n in range(count):
        path = f"/wp-content/uploads/2025/07/image-{500 - n}-150x150.jpg"
        # One upstream "image" is an HTML error page: it must not be stored as an image.
        upstream.set(path, b"<html>nope</html>" if n == 3 else JPEG + bytes([n]))


def api_hits(upstream: Upstream) -> list[str]:
    """The requests for pages of posts (not for thumbnails, ids or the site's timezone)."""
    return [h for h in upstream.hits if "_embed=1" in h]


def test_wordpress_rest_with_paging_and_featured_media(upstream: Upstream,
                                                       make_config: MakeConfig) -> None:
    wordpress_site(upstream, count=7, per_page=3)
    serve_thumbnails(upstream, 7)
    config = make_config([SourceConfig("org", "wordpress", upstream.url, "en")])
    with Store(config.database) as store:
        result = sync(config, store)["org"]
        assert result.ok
        _, posts, _, sources = store.read_all()
        local = posts[0].image.local if posts[0].image else None
        assert local is not None and local.startswith("/media/") and local.endswith(".jpg")
        assert store.media(local.removeprefix("/media/")) == ("image/jpeg", JPEG + bytes([0]))
    assert "4 new thumbnails (1 could not be copied" in result.detail
    assert posts[3].image is not None and posts[3].image.local is None
    assert len(posts) == 7  # three pages: 3 + 3 + 1
    pages = [parse_qs(urlsplit(h).query)["page"] for h in api_hits(upstream)]
    assert pages == [["1"], ["2"], ["3"]]
    newest = posts[0]
    assert newest.id == "org-500"
    assert newest.title == "Solidarity news \u201c0\u201d"  # entities decoded, plain text
    assert newest.excerpt == "Solidarity news \u201c0\u201d \u2013 the beginning of the text…"
    assert "<script" not in newest.content_html
    assert "onclick" not in newest.content_html
    assert 'rel="noopener noreferrer nofollow"' in newest.content_html
    assert newest.published == dt.datetime(2025, 7, 15, 10, 0, tzinfo=dt.UTC)
    assert newest.modified == dt.datetime(2025, 7, 15, 11, 0, tzinfo=dt.UTC)
    assert newest.categories == ("Hunger strike", "Turkey")
    assert newest.tags == ("S, R & Y type prisons",)
    assert newest.image is not None
    assert newest.image.url.endswith("/wp-content/uploads/2025/07/image-500.jpg")
    assert (newest.image.width, newest.image.height) == (1200, 675)
    assert newest.image.alt == "Banner: \u201cJustice for Zehra\u201d"
    assert newest.lang == "en"
    assert posts[2].image is None  # every third post has no featured image
    assert sources[0].last_success is not None and sources[0].last_error is None


def test_wordpress_without_pretty_permalinks_uses_rest_route(upstream: Upstream,
                                                            make_config: MakeConfig) -> None:
    bodies = pages(upstream.url, 2, 10)

    def answer(query: dict[str, str]) -> Reply:
        if query.get("rest_route") != "/wp/v2/posts":
            return Reply(b"<html>home</html>", 200, {"Content-Type": "text/html"})
        return Reply(bodies[0], 200, {"X-WP-TotalPages": "1"})

    upstream.handle("/", answer)
    config = make_config([SourceConfig("org", "wordpress", upstream.url + "/")])
    with Store(config.database) as store:
        assert sync(config, store)["org"].ok
        assert len(store.read_all()[1]) == 2
    hits = api_hits(upstream)
    assert hits[0].startswith("/wp-json/wp/v2/posts?")  # tried first, 404
    assert hits[1].startswith("/?rest_route=%2Fwp%2Fv2%2Fposts")


def test_wordpress_page_limit(upstream: Upstream, make_config: MakeConfig) -> None:
    wordpress_site(upstream, count=10, per_page=2)
    config = make_config([SourceConfig("org", "wordpress", upstream.url)], wordpress_max_pages=2)
    with Store(config.database) as store:
        sync(config, store)
        assert len(store.read_all()[1]) == 4
    assert len(api_hits(upstream)) == 2


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Org</title><link>https://org.example/</link><description>d</description>
<language>fr-FR</language>
{items}
</channel></rss>"""
RSS_ITEM = """<item><title>{title}</title><link>https://org.example/{n}/</link>
<guid isPermaLink="false">org-{n}</guid><pubDate>{date}</pubDate>
<category>Grève de la faim</category><category>France</category>
<description><![CDATA[<p>Résumé {n} &amp; plus [&#8230;]</p>]]></description>
<content:encoded><![CDATA[<p>Texte {n}</p><iframe src="https://evil.example/"></iframe>]]></content:encoded>
<media:content url="https://org.example/img/{n}.jpg" medium="image" width="800" height="450"/>
</item>"""


def rss(*numbers: int) -> str:
    items = "\n".join(RSS_ITEM.format(n=n, title=f"Solidarité &amp; lutte {n}",
                                      date=f"Mon, {n:02d} Jul 2025 10:00:00 +0200")
                      for n in numbers)
    return RSS.format(items=items)


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
<title>Org</title><id>urn:org</id><updated>2025-07-15T10:00:00Z</updated>
<entry><title type="html">Hungerstreik &lt;b&gt;Tag 10&lt;/b&gt;</title>
<id>urn:org:1</id><link rel="alternate" href="https://org.example/de/1"/>
<published>2025-07-14T08:00:00+02:00</published><updated>2025-07-15T09:00:00Z</updated>
<category term="Solidarität"/>
<summary type="html">&lt;p&gt;Kurz&lt;/p&gt;</summary>
<content type="html">&lt;p&gt;Lang&lt;/p&gt;&lt;img src="x" onerror="alert(1)"&gt;</content>
</entry></feed>"""


def test_rss_feed(upstream: Upstream, make_config: MakeConfig) -> None:
    upstream.set("/feed/", rss(1, 2, 3), Content_Type="application/rss+xml; charset=UTF-8")
    config = make_config([SourceConfig("fr", "feed", upstream.url + "/feed/")])
    with Store(config.database) as store:
        assert sync(config, store)["fr"].ok
        posts = store.read_all()[1]
    assert [p.url for p in posts] == [f"https://org.example/{n}/" for n in (3, 2, 1)]
    post = posts[0]
    assert post.title == "Solidarité & lutte 3"
    assert post.excerpt == "Résumé 3 & plus…"
    assert post.published == dt.datetime(2025, 7, 3, 8, 0, tzinfo=dt.UTC)
    assert post.categories == ("Grève de la faim", "France")
    assert "<iframe" not in post.content_html and "Texte 3" in post.content_html
    assert post.image is not None and post.image.url == "https://org.example/img/3.jpg"
    assert post.image.width == 800
    assert post.lang == "fr"


def test_atom_feed(upstream: Upstream, make_config: MakeConfig) -> None:
    upstream.set("/atom.xml", ATOM, Content_Type="application/atom+xml")
    config = make_config([SourceConfig("de", "feed", upstream.url + "/atom.xml")])
    with Store(config.database) as store:
        assert sync(config, store)["de"].ok
        (post,) = store.read_all()[1]
    assert post.title == "Hungerstreik Tag 10"
    assert post.excerpt == "Kurz"
    assert "onerror" not in post.content_html
    assert post.published == dt.datetime(2025, 7, 14, 6, 0, tzinfo=dt.UTC)
    assert post.modified == dt.datetime(2025, 7, 15, 9, 0, tzinfo=dt.UTC)
    assert post.lang == "de"


def test_post_ids_are_stable_and_posts_that_drop_out_stay(upstream: Upstream,
                                                         make_config: MakeConfig) -> None:
    upstream.set("/feed/", rss(1, 2, 3))
    config = make_config([SourceConfig("fr", "feed", upstream.url + "/feed/")])
    with Store(config.database) as store:
        sync(config, store)
        first = {p.url: p.id for p in store.read_all()[1]}
        upstream.set("/feed/", rss(2, 3, 4))  # post 1 dropped out of the latest items
        sync(config, store)
        second = {p.url: p.id for p in store.read_all()[1]}
    assert len(second) == 4
    assert all(second[url] == post_id for url, post_id in first.items())


@pytest.mark.parametrize("reply, reason", [
    (Reply(b"oops", 500), "HTTP 500"),
    (Reply(b"<html><body>Maintenance</body></html>", 200,
           {"Content-Type": "text/html"}), "not an RSS or Atom feed"),
    (Reply(rss(9).encode()[:-40], 200, {"Content-Type": "application/rss+xml"}),
     "malformed feed"),
    (Reply(b"x" * 5000, 200), "larger than"),
])
def test_a_failing_source_keeps_its_posts_and_others_still_sync(
        upstream: Upstream, make_config: MakeConfig, reply: Reply, reason: str) -> None:
    upstream.set("/a", rss(1, 2))
    upstream.set("/b", rss(5))
    config = make_config([SourceConfig("a", "feed", upstream.url + "/a"),
                          SourceConfig("b", "feed", upstream.url + "/b")],
                         fetch_max_bytes=4000)
    with Store(config.database) as store:
        assert all(r.ok for r in sync_all(config, store))
        before = [p for p in store.read_all()[1] if p.source == "a"]
        upstream.routes["/a"] = reply
        upstream.set("/b", rss(5, 6))
        results = sync(config, store)
        _, posts, _, sources = store.read_all()
    assert not results["a"].ok and reason in results["a"].detail
    assert results["b"].ok
    assert [p for p in posts if p.source == "a"] == before
    assert len([p for p in posts if p.source == "b"]) == 2
    status = {s.name: s for s in sources}
    assert reason in (status["a"].last_error or "")
    assert status["a"].last_success is not None  # the earlier success is remembered


def test_unreachable_source_is_reported(make_config: MakeConfig, upstream: Upstream) -> None:
    dead = upstream.url  # a port nobody listens on once the server is closed
    upstream.close()
    config = make_config([SourceConfig("gone", "wordpress", dead)], fetch_timeout=2)
    with Store(config.database) as store:
        result = sync(config, store)["gone"]
    assert not result.ok
    assert "cannot connect" in result.detail


def test_a_broken_wordpress_page_keeps_the_whole_source(upstream: Upstream,
                                                       make_config: MakeConfig) -> None:
    wordpress_site(upstream, count=6, per_page=3)
    config = make_config([SourceConfig("org", "wordpress", upstream.url)],
                         wordpress_full_every=0)  # every sync reads it whole
    with Store(config.database) as store:
        sync(config, store)
        before = store.read_all()[1]
        good = upstream.routes["/wp-json/wp/v2/posts"]

        def second_page_fails(query: dict[str, str]) -> Reply:
            if query["page"] == "2":
                return Reply(b"<b>Fatal error</b>", 500)
            return good(query)  # type: ignore[operator]

        upstream.handle("/wp-json/wp/v2/posts", second_page_fails)
        assert not sync(config, store)["org"].ok
        assert store.read_all()[1] == before


def test_a_bad_strikes_file_keeps_the_stored_strikes(demo_config, demo_store) -> None:  # type: ignore[no-untyped-def]
    before = demo_store.read_all()[2]
    text = demo_config.strikes_file.read_text()
    demo_config.strikes_file.write_text(text.replace('timezone = "Europe/Paris"',
                                                     'timezone = "Paris"'))
    results = sync(demo_config, demo_store)
    assert not results["strikes-file"].ok
    assert 'strike "zehra-kurtay": timezone:' in results["strikes-file"].detail
    assert demo_store.read_all()[2] == before


def test_thumbnails_are_served_from_this_service(upstream: Upstream,
                                                 make_config: MakeConfig) -> None:
    import falcon.testing

    from widget.http.app import create_app

    wordpress_site(upstream, count=2, per_page=2)
    serve_thumbnails(upstream, 2)
    config = make_config([SourceConfig("org", "wordpress", upstream.url, "en")])
    with Store(config.database) as store:
        sync(config, store)
        client = falcon.testing.TestClient(create_app(config, store=store))
        html = client.simulate_get("/embed/news").text
        srcs = re.findall(r'<img class="sw-thumb" src="([^"]+)"', html)
        assert len(srcs) == 2
        src = srcs[0]
        assert src.startswith("/media/")
        image = client.simulate_get(src)
        assert image.status_code == 200 and image.content.startswith(b"\xff\xd8\xff")
        assert image.headers["content-type"] == "image/jpeg"
        assert image.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert client.simulate_get("/media/0000.jpg").status_code == 404
        assert 'class="sw-thumb"' not in client.simulate_get("/embed/news?images=off").text
        assert 'class="sw-thumb"' not in client.simulate_get("/embed/news?layout=compact").text
        post = client.simulate_get("/api/v1/posts").json["posts"][0]
        assert post["image"]["local_thumbnail"] == config.base_url + src
        assert post["image"]["thumbnail"].endswith("-150x150.jpg")


def test_every_source_type_the_config_accepts_has_a_reader() -> None:
    from widget.config import SOURCE_TYPES
    from widget.sources import READERS

    assert set(READERS) == set(SOURCE_TYPES)


# --- takedowns, one row per URL, terms and titles --------------------------------------


class Site:
    """A WordPress REST API whose posts a test can take down, paged like the real one."""

    def __init__(self, upstream: Upstream, count: int, per_page: int) -> None:
        from tests.wordpress import wp_post

        start = dt.datetime(2025, 7, 15, 10, 0)
        self.posts = [wp_post(500 - i, title=f"News {i}", when=start - dt.timedelta(hours=i),
                              site=upstream.url, image=False) for i in range(count)]
        self.per_page = per_page
        self.list_status = 200
        self.drift = 0  # added to X-WP-Total from the second page on (posts moving)
        upstream.handle("/wp-json/wp/v2/posts", self.answer)

    def answer(self, query: dict[str, str]) -> Reply:
        reply = rest_posts(self.posts, query, self.per_page)
        if query.get("_fields") == "id":
            if self.list_status != 200:
                return Reply(b"<b>Fatal error</b>", self.list_status)
            if int(query.get("page", "1")) > 1:
                reply.headers["X-WP-Total"] = str(len(self.posts) + self.drift)
        return reply


def stored_ids(config) -> list[str]:  # type: ignore[no-untyped-def]
    with Store(config.database) as store:
        return sorted(p.id for p in store.read_all()[1])


def test_wordpress_takedowns_reach_posts_older_than_the_pages_read(
        upstream: Upstream, make_config: MakeConfig) -> None:
    site = Site(upstream, count=6, per_page=2)
    config = make_config([SourceConfig("org", "wordpress", upstream.url)],
                         wordpress_max_pages=1)
    with Store(config.database) as store:
        for n in range(3):  # three syncs that see pages 1 only: store all six first
            site.per_page = 2 * (n + 1)
            sync(config, store)
    assert len(stored_ids(config)) == 6
    site.per_page = 2
    del site.posts[4]  # "News 4": far older than the page a sync reads
    with Store(config.database) as store:
        result = sync(config, store)["org"]
    assert result.ok and result.detail.startswith("5 posts (1 taken down upstream)"), result
    assert "org-496" not in stored_ids(config) and len(stored_ids(config)) == 5
    lists = [h for h in upstream.hits if "_fields=id&" in h]
    assert lists and all("per_page=100" in h and "orderby=id" in h for h in lists)


@pytest.mark.parametrize("trouble", ["list fails", "list moves", None])
def test_a_list_of_ids_that_is_not_whole_takes_nothing_down(
        upstream: Upstream, make_config: MakeConfig, trouble: str | None) -> None:
    site = Site(upstream, count=250, per_page=100)
    config = make_config([SourceConfig("org", "wordpress", upstream.url)],
                         wordpress_max_pages=1, fetch_max_bytes=50_000_000)
    with Store(config.database) as store:
        sync(config, store)
        del site.posts[:100]  # the 100 posts stored are gone upstream, but the list…
        if trouble == "list fails":
            site.list_status = 500
        elif trouble == "list moves":
            site.drift = 1
        result = sync(config, store)["org"]
        _, posts, _, _ = store.read_all()
    assert result.ok, result.detail
    if trouble is None:  # a whole list: they go
        assert len(posts) == 100 and "(100 taken down upstream)" in result.detail
    else:
        assert len(posts) == 200 and "no post was taken down" in result.detail


def test_feed_tags_and_categories_stay_apart_where_the_feed_tells(
        upstream: Upstream, make_config: MakeConfig) -> None:
    import falcon.testing

    from widget.http.app import create_app

    item = ("<item><title>{title}</title><link>https://org.example/{n}/</link>"
            "<pubDate>0{n} Jul 2025 10:00:00 +0000</pubDate>{terms}</item>")
    told = ('<category domain="category">Turkey</category>'
            '<category domain="post_tag">Hunger strike</category>'
            '<category domain="https://org.example/tag/">Zehra Kurtay</category>'
            '<category domain="https://org.example/category/news/">News</category>')
    untold = "<category>Turkey</category><category>Zehra Kurtay</category>"
    feed = RSS.format(items=item.format(n=1, title="Told&#160;apart", terms=told)
                      + item.format(n=2, title="Not\u00a0told", terms=untold))
    upstream.set("/feed/", feed)
    upstream.set("/atom", ATOM.replace(
        '<category term="Solidarität"/>',
        '<category term="Solidarität" scheme="https://org.example/de/tag/"/>'
        '<category term="Frankreich" scheme="https://org.example/de/category/"/>'))
    config = make_config([SourceConfig("rss", "feed", upstream.url + "/feed/"),
                          SourceConfig("atom", "feed", upstream.url + "/atom")])
    with Store(config.database) as store:
        sync(config, store)
        posts = {p.title: p for p in store.read_all()[1]}
        client = falcon.testing.TestClient(create_app(config, store=store))
        by_category = client.simulate_get("/api/v1/posts?category=turkey").json["posts"]
        by_tag = client.simulate_get("/api/v1/posts?tag=zehra-kurtay").json["posts"]
    told_post, untold_post = posts["Told\u00a0apart"], posts["Not\u00a0told"]
    atom_post = posts["Hungerstreik Tag 10"]
    assert told_post.categories == ("Turkey", "News")
    assert told_post.tags == ("Hunger strike", "Zehra Kurtay")
    assert (untold_post.categories, untold_post.tags) == (("Turkey", "Zehra Kurtay"), ())
    assert (atom_post.categories, atom_post.tags) == (("Frankreich",), ("Solidarität",))
    assert [p["url"] for p in by_category] == ["https://org.example/2/",
                                               "https://org.example/1/"]
    assert [p["url"] for p in by_tag] == ["https://org.example/1/"]
    # Titles keep their no-break spaces, as a character or an entity (the keys above).


def test_check_warns_when_two_sources_are_the_same_site(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from widget.cli import main

    (tmp_path / "strikes.toml").write_text("")
    config = tmp_path / "widget.toml"
    config.write_text("""strikes_file = "strikes.toml"
[[sources]]
name = "news"
type = "feed"
url = "https://www.org.example/feed/"
[[sources]]
name = "site"
type = "wordpress"
url = "https://org.example"
[[sources]]
name = "ally"
type = "feed"
url = "https://ally.example/feed/"
""")
    result = CliRunner().invoke(main, ["--config", str(config), "check"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: sources 'news' (feed), 'site' (wordpress) are the same site "
                        "(org.example): a post both offer is stored and shown once, from "
                        "'site'"]

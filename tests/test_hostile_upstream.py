"""Hostile upstreams: local files, internal addresses, bad links, broken bytes, slow drips.

Everything runs on 127.0.0.1. The "internal" server is 127.0.0.1 on another
port than the source: the source's own origin (host *and* port) may be
private, nothing else may, so every test asserts the internal server got no
request at all.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import falcon.testing
import orjson
import pytest

from tests.conftest import MakeConfig
from tests.faults import (
    PNG,
    FaultServer,
    body,
    cut_chunked,
    drip,
    garbage,
    internal,
    redirect,
    reset,
    short_body,
)
from tests.wordpress import wp_post
from widget.config import Config, SourceConfig
from widget.http.app import create_app
from widget.sources import SourceError, SourceRead, fetcher_for, read_source
from widget.sources.media import copy_thumbnails
from widget.store import Store
from widget.sync import SourceResult, sync_all


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    server = FaultServer()
    yield server
    server.close()


@pytest.fixture
def secret() -> Iterator[FaultServer]:
    server = internal()
    yield server
    server.close()
    assert server.hits == [], f"the internal server was reached: {server.hits}"


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Org</title><link>https://org.example/</link><description>d</description>
{items}
</channel></rss>"""


def item(n: int, *, link: str | None = None, title: str | None = None, extra: str = "",
         content: str = "<p>Text</p>") -> str:
    link = f"https://org.example/{n}/" if link is None else link
    return (f"<item><title>{title or f'Post {n}'}</title><link>{link}</link>"
            f"<guid isPermaLink=\"false\">org-{n}</guid>"
            f"<pubDate>Mon, {n + 1:02d} Jul 2025 10:00:00 +0000</pubDate>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded>{extra}</item>")


def rss(*items: str) -> bytes:
    return RSS.format(items="\n".join(items)).encode()


def run(config: Config) -> tuple[dict[str, SourceResult], Any]:
    with Store(config.database) as store:
        results = {r.name: r for r in sync_all(config, store)}
        return results, (store.read_all(), store.media_urls())


def feed_config(make_config: MakeConfig, url: str, **settings: object) -> Config:
    return make_config([SourceConfig("org", "feed", url)], **settings)


# 1. Local files and internal addresses -------------------------------------------


def private_png(tmp_path: Path) -> Path:
    path = tmp_path / "private" / "secret.png"
    path.parent.mkdir()
    path.write_bytes(PNG + b"LOCAL-SECRET")
    return path


IMAGE_FORMS = [
    '<enclosure url="{url}" type="image/png" length="1"/>',
    '<media:thumbnail url="{url}"/>',
    '<media:content url="{url}" medium="image" width="10" height="10"/>',
]


@pytest.mark.parametrize("form", IMAGE_FORMS)
@pytest.mark.parametrize("target", [
    "{internal}/internal/admin?secret=1", "http://localhost:{port}/admin",
    "http://[::1]:{port}/admin", "http://10.0.0.1/x.png", "http://169.254.169.254/latest/",
    "http://0.0.0.0:{port}/", "http://[::ffff:127.0.0.1]:{port}/",
    "file://{png}", "file:{png}", "file:../private/secret.png", "file:///dev/zero",
])
def test_content_images_never_reach_local_files_or_internal_addresses(
        faults: FaultServer, secret: FaultServer, make_config: MakeConfig, tmp_path: Path,
        form: str, target: str) -> None:
    url = target.format(internal=secret.url, port=secret.port, png=private_png(tmp_path))
    feed = faults.route("/feed", body(rss(item(1, extra=form.format(url=url)), item(2))))
    config = feed_config(make_config, feed)
    results, ((_, posts, _, _), media) = run(config)
    assert results["org"].ok, results["org"].detail
    assert len(posts) == 2 and media == {}
    if url.startswith("http"):  # kept as the post's (remote) image, never copied
        assert "refused" in results["org"].detail
    else:  # not even kept: a post's image URL is http(s) or nothing
        assert all(p.image is None for p in posts)
    with Store(config.database) as store:
        api = falcon.testing.TestClient(create_app(config, store=store))
        text = api.simulate_get("/api/v1/posts").text
    assert "file:" not in text and "SECRET" not in text


def test_wordpress_featured_media_to_internal_addresses_is_refused(
        faults: FaultServer, secret: FaultServer, make_config: MakeConfig) -> None:
    post = wp_post(7, title="t", when=dt.datetime(2025, 7, 1), site=faults.url)
    media = post["_embedded"]["wp:featuredmedia"][0]
    media["source_url"] = secret.url + "/full.png"
    media["media_details"]["sizes"]["thumbnail"]["source_url"] = secret.url + "/thumb.png"
    other = wp_post(8, title="u", when=dt.datetime(2025, 7, 2), site=faults.url)
    other["_embedded"]["wp:featuredmedia"][0]["source_url"] = "file:///etc/passwd"
    other["_embedded"]["wp:featuredmedia"][0]["media_details"]["sizes"] = {}
    faults.route("/wp-json/wp/v2/posts", body(orjson.dumps([post, other])))
    results, ((_, posts, _, _), stored) = run(
        make_config([SourceConfig("org", "wordpress", faults.url)]))
    assert results["org"].ok and stored == {}
    assert "refused" in results["org"].detail and len(posts) == 2
    assert {p.id: p.image is None for p in posts} == {"org-7": False, "org-8": True}


def test_thumbnail_redirected_to_an_internal_address_is_refused(
        faults: FaultServer, secret: FaultServer, make_config: MakeConfig) -> None:
    image = faults.route("/img.png", redirect(secret.url + "/admin.png"))
    feed = faults.route("/feed", body(rss(item(1, extra=f'<media:thumbnail url="{image}"/>'))))
    results, (_, stored) = run(feed_config(make_config, feed))
    assert results["org"].ok and stored == {}
    assert "refused: 127.0.0.1 is not a public address" in results["org"].detail
    assert faults.hits == ["/feed", "/img.png"]


def test_thumbnails_on_the_sources_own_origin_are_copied_through_redirects(
        faults: FaultServer, make_config: MakeConfig) -> None:
    faults.route("/real.png", body(PNG, Content_Type="image/png"))
    image = faults.route("/img.png", redirect("/real.png", 301))
    feed = faults.route("/feed", body(rss(item(1, extra=f'<media:thumbnail url="{image}"/>'))))
    results, (_, stored) = run(feed_config(make_config, feed))
    assert results["org"].ok and list(stored) == [image]


@pytest.mark.parametrize("location", ["{internal}/feed", "file:///etc/passwd",
                                      "http://localhost:{port}/feed", "gopher://x/"])
def test_a_source_redirecting_away_from_its_origin_to_a_private_place_fails(
        faults: FaultServer, secret: FaultServer, make_config: MakeConfig,
        location: str) -> None:
    secret.default = body(rss(item(1)), Content_Type="application/rss+xml")
    feed = faults.route("/feed", redirect(location.format(internal=secret.url,
                                                         port=secret.port)))
    results, ((_, posts, _, _), _) = run(feed_config(make_config, feed))
    assert not results["org"].ok and posts == []
    assert "refused" in results["org"].detail and feed in results["org"].detail


def test_redirects_are_limited(faults: FaultServer, make_config: MakeConfig) -> None:
    feed = faults.route("/feed", redirect("/feed"))
    results, _ = run(feed_config(make_config, feed))
    assert "more than 5 redirects" in results["org"].detail
    assert len(faults.hits) == 6


def test_file_urls_are_read_only_for_the_configured_source(make_config: MakeConfig,
                                                           tmp_path: Path) -> None:
    (tmp_path / "posts.xml").write_bytes(rss(item(1)))
    config = feed_config(make_config, "file:posts.xml")
    assert len(read_source(config.sources[0], config).posts) == 1
    fetcher = fetcher_for(config)
    with pytest.raises(SourceError, match="file: URLs are read only when"):
        fetcher.get("file:posts.xml")  # not reading for that source
    with pytest.raises(SourceError, match="file: URLs are read only when"):
        fetcher.for_source(config.sources[0]).get("file:../posts.xml")


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_a_configured_file_source_is_refused_without_reading_it(
        make_config: MakeConfig, path: str) -> None:
    config = feed_config(make_config, f"file://{path}")
    with pytest.raises(SourceError, match="not a regular file"):
        read_source(config.sources[0], config)


def test_a_big_configured_file_is_read_only_up_to_the_limit(make_config: MakeConfig,
                                                           tmp_path: Path) -> None:
    (tmp_path / "big.xml").write_bytes(b" " * 5000)
    config = feed_config(make_config, "file:big.xml", fetch_max_bytes=4000)
    with pytest.raises(SourceError, match="larger than 4000 bytes"):
        read_source(config.sources[0], config)


# 2. feedparser never gets something it could open ------------------------------


@pytest.mark.parametrize("form", ["{path}", "file://{path}", "{internal}/feed.xml"])
def test_a_feed_body_that_names_a_file_or_url_is_not_opened(
        faults: FaultServer, secret: FaultServer, make_config: MakeConfig, tmp_path: Path,
        form: str) -> None:
    private = tmp_path / "private-feed.xml"
    private.write_bytes(rss(item(1, title="PRIVATE-CONTENT")))
    faults.route("/feed", body(form.format(path=private, internal=secret.url),
                               Content_Type="application/rss+xml"))
    results, ((_, posts, _, _), _) = run(feed_config(make_config, faults.url + "/feed"))
    assert not results["org"].ok and posts == []
    assert "not an RSS or Atom feed" in results["org"].detail
    assert "PRIVATE" not in results["org"].detail


# 3. Links and content --------------------------------------------------------------


@pytest.mark.parametrize("link", [
    "javascript:alert(1)", "JavaScript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;", "java&#9;script:alert(1)",
    " javascript:alert(1)", "/2025/relative/", "//org.example/x", "", "mailto:a@b.example",
    "http://[::1", "file:///etc/passwd",
])
def test_posts_without_an_absolute_http_link_are_dropped_and_reported(
        faults: FaultServer, make_config: MakeConfig, link: str) -> None:
    feed = faults.route("/feed", body(rss(item(1), item(2, link=link, title="Bad one"),
                                          item(3))))
    config = feed_config(make_config, feed)
    results, ((_, posts, _, _), _) = run(config)
    assert results["org"].ok
    assert sorted(p.url for p in posts) == ["https://org.example/1/", "https://org.example/3/"]
    assert "entry 2 'Bad one': link: " in results["org"].detail
    read = read_source(config.sources[0], config)
    assert len(read.posts) == 2 and len(read.problems) == 1
    assert read.problems[0].startswith("entry 2 'Bad one': link:")
    assert read.problems[0].endswith("; dropped")


@pytest.mark.parametrize("link", ["javascript:alert(1)", "java\tscript:alert(1)", "", 5,
                                  None, "/relative"])
def test_wordpress_posts_without_an_http_link_are_dropped(
        faults: FaultServer, make_config: MakeConfig, link: object) -> None:
    good = wp_post(1, title="Good", when=dt.datetime(2025, 7, 1), site=faults.url)
    bad = wp_post(2, title="Bad", when=dt.datetime(2025, 7, 2), site=faults.url)
    bad["link"] = link
    faults.route("/wp-json/wp/v2/posts", body(orjson.dumps([bad, good])))
    config = make_config([SourceConfig("org", "wordpress", faults.url)])
    read = read_source(config.sources[0], config)
    assert [p.id for p in read.posts] == ["org-1"]
    assert read.problems == [read.problems[0]] and "entry 1 'Bad': link:" in read.problems[0]


def test_content_keeps_no_remote_images_and_no_relative_urls(
        faults: FaultServer, make_config: MakeConfig) -> None:
    content = ('<p>Hi <img src="https://tracker.example/p.gif" width="1" height="1">'
               '<img draggable="false" class="emoji" alt="✊" '
               'src="https://s.w.org/images/core/emoji/15.0.3/svg/270a.svg">'
               '<img src="/wp-content/x.jpg"><a href="/about/">about</a> '
               '<a href="#part">part</a> <a href="javascript:alert(1)">js</a> '
               '<a href="https://ally.example/">ally</a></p>')
    feed = faults.route("/feed", body(rss(item(1, link="https://org.example/2025/p/",
                                               content=content))))
    results, ((_, (post,), _, _), _) = run(feed_config(make_config, feed))
    html = post.content_html
    assert "<img" not in html and "tracker" not in html and "s.w.org" not in html
    assert 'href="https://org.example/about/"' in html
    assert 'href="https://org.example/2025/p/#part"' in html
    assert 'href="https://ally.example/"' in html
    assert "javascript" not in html
    hrefs = [part.split('"')[1] for part in html.split("href=")[1:]]
    assert all(h.startswith("https://") for h in hrefs)


def test_relative_links_follow_the_contents_xml_base(faults: FaultServer,
                                                     make_config: MakeConfig) -> None:
    entry = ('<entry><id>urn:1</id><title>t</title><updated>2025-07-14T10:00:00Z</updated>'
             '<link href="https://org.example/2025/p/"/>'
             '<content type="html" xml:base="https://media.org.example/lib/">'
             '&lt;a href="doc.pdf"&gt;doc&lt;/a&gt;</content></entry>'
             '<entry><id>urn:2</id><title>u</title><updated>2025-07-14T09:00:00Z</updated>'
             '<link href="https://org.example/2025/q/"/>'
             '<content type="html" xml:base="not a url">&lt;a href="doc.pdf"&gt;doc&lt;/a&gt;'
             '</content></entry>')
    feed = faults.route("/atom", body(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<title>f</title><id>urn:f</id><updated>2025-07-14T10:00:00Z</updated>'
        + entry + "</feed>", Content_Type="application/atom+xml"))
    config = make_config([SourceConfig("org", "feed", feed)])
    posts = {p.url: p.content_html for p in read_source(config.sources[0], config).posts}
    assert 'href="https://media.org.example/lib/doc.pdf"' in posts["https://org.example/2025/p/"]
    # A base that is no absolute URL is no base: the entry's link is.
    assert 'href="https://org.example/2025/q/doc.pdf"' in posts["https://org.example/2025/q/"]


# 4. Per-entry robustness, broken transfers, misleading errors ----------------------


def test_bad_entries_are_tolerated_or_dropped_alone(faults: FaultServer,
                                                    make_config: MakeConfig) -> None:
    feed = faults.route("/feed", body(rss(
        item(1, extra='<media:content url="https://org.example/a.jpg" medium="image" '
                      'width="abc" height="-3"/>'),
        item(2, title="Control\x01 \x1bcharacters\x7f"),
        item(3, link=""),
        "<item><title>No date</title><link>https://org.example/4/</link></item>",
        item(5),
    )))
    config = feed_config(make_config, feed)
    read = read_source(config.sources[0], config)
    by_url = {p.url: p for p in read.posts}
    assert sorted(by_url) == [f"https://org.example/{n}/" for n in (1, 2, 5)]
    image = by_url["https://org.example/1/"].image
    assert image is not None and (image.width, image.height) == (None, None)
    assert by_url["https://org.example/2/"].title == "Control characters"
    assert [p.split(":")[0] for p in read.problems] == ["entry 3 'Post 3'", "entry 4 'No date'"]
    results, _ = run(config)
    assert results["org"].ok and "2 entries skipped" in results["org"].detail


def _mutate(post: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        post = post[key][0] if isinstance(post[key], list) else post[key]
    post[last] = value


@pytest.mark.parametrize("path, value, dropped", [
    ("id", "abc", True), ("id", None, True), ("id", 1.5, True), ("id", True, True),
    ("id", "12", False), ("title", ["x"], False), ("title", "plain", False),
    ("title.rendered", 5, False), ("content", "x", False), ("content.rendered", {}, False),
    ("excerpt", 3, False), ("_embedded", [], False), ("_embedded", "x", False),
    ("_embedded.wp:featuredmedia", {"a": 1}, False),
    ("_embedded.wp:featuredmedia.media_details", "x", False),
    ("_embedded.wp:featuredmedia.media_details.sizes", [1], False),
    ("_embedded.wp:featuredmedia.media_details.width", "wide", False),
    ("_embedded.wp:featuredmedia.source_url", 7, False),
    ("_embedded.wp:featuredmedia.alt_text", ["a"], False),
    ("_embedded.wp:term", "x", False), ("_embedded.wp:term", [[{"taxonomy": "category",
                                                                 "name": 5}], 3], False),
    ("date_gmt", "0000-00-00T00:00:00", True), ("date_gmt", 17, True),
    ("modified_gmt", "soon", True), ("lang", {"x": 1}, False),
])
def test_a_wordpress_post_of_the_wrong_shape_does_not_fail_the_others(
        faults: FaultServer, make_config: MakeConfig, path: str, value: Any,
        dropped: bool) -> None:
    posts = [wp_post(n, title=f"P{n}", when=dt.datetime(2025, 7, n), site=faults.url)
             for n in (1, 2, 3)]
    _mutate(posts[1], path, value)
    faults.route("/wp-json/wp/v2/posts", body(orjson.dumps(posts),
                                              X_WP_TotalPages="1"))
    config = make_config([SourceConfig("org", "wordpress", faults.url)])
    read = read_source(config.sources[0], config)
    assert len(read.posts) == (2 if dropped else 3)
    assert len(read.problems) == (1 if dropped else 0), read.problems
    if dropped:
        assert read.problems[0].startswith("entry 2 ")


@pytest.mark.parametrize("total", ["lots", "", "-1", "1e3"])
def test_a_nonsense_page_count_reads_the_first_page(faults: FaultServer,
                                                    make_config: MakeConfig,
                                                    total: str) -> None:
    posts = [wp_post(1, title="P", when=dt.datetime(2025, 7, 1), site=faults.url)]
    faults.route("/wp-json/wp/v2/posts", body(orjson.dumps(posts), X_WP_TotalPages=total))
    results, ((_, stored, _, _), _) = run(make_config([SourceConfig("org", "wordpress",
                                                                    faults.url)]))
    assert results["org"].ok and len(stored) == 1
    assert len([h for h in faults.hits if "/wp-json/" in h]) == 1


@pytest.mark.parametrize("fault", [cut_chunked, reset, short_body])
def test_a_connection_cut_mid_body_says_so(faults: FaultServer, make_config: MakeConfig,
                                           fault: Any) -> None:
    feed = faults.route("/feed", fault(rss(*(item(n) for n in range(20)))))
    results, _ = run(feed_config(make_config, feed))
    detail = results["org"].detail
    assert not results["org"].ok
    assert f"{feed}: the connection was cut while reading the response" in detail
    assert "cannot connect" not in detail


@pytest.mark.parametrize("reply, reason", [
    (garbage(b"SSH-2.0-OpenSSH_9.2\r\n"), "did not answer with HTTP"),
    (garbage(b""), "did not answer with HTTP"),
    # http.client reads a nonsense Content-Length as "until the connection closes".
    (garbage(b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\nxx"), "not an RSS or Atom"),
    (garbage(b"HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\nx"),
     "larger than 4000 bytes"),
    (body(b"x" * 5000), "larger than 4000 bytes"),
    (body(b"\xff\xfe<\x00r\x00", Content_Type="application/rss+xml"), "not an RSS or Atom"),
    (body(b"\xef\xbb\xbf<rss version='2.0'><channel><item><title>x</title>"
          b"<link>https://a.example/</link><pubDate>Mon, 01 Jan 99999 00:00:00 +0000"
          b"</pubDate></item></channel></rss>"), None),
])
def test_upstream_bytes_give_a_source_error_or_a_read_never_a_crash(
        faults: FaultServer, make_config: MakeConfig, reply: Any, reason: str | None) -> None:
    feed = faults.route("/feed", reply)
    config = feed_config(make_config, feed, fetch_max_bytes=4000)
    if reason is None:
        assert isinstance(read_source(config.sources[0], config), SourceRead)
    else:
        with pytest.raises(SourceError, match=reason):
            read_source(config.sources[0], config)


@pytest.mark.parametrize("payload", [
    b"null", b"{}", b'"x"', b"[1, null, []]", b"[" * 5000, b'[{"id": 1e999}]',
    b'[{"id": 1, "link": "https://a.example/", "date_gmt": "2025-07-01T00:00:00"}]',
    json.dumps([{"id": 2**80, "link": "https://a.example/",
                 "date_gmt": "9999-12-31T23:59:59"}]).encode(),
    b"\xff\xfe\x00", b"",
])
def test_wordpress_bytes_give_a_source_error_or_a_read(
        faults: FaultServer, make_config: MakeConfig, payload: bytes) -> None:
    faults.route("/wp-json/wp/v2/posts", body(payload, Content_Type="application/json"))
    config = make_config([SourceConfig("org", "wordpress", faults.url)])
    try:
        read = read_source(config.sources[0], config)
    except SourceError as exc:
        assert "/wp-json/wp/v2/posts" in str(exc)
    else:
        assert len(read.posts) + len(read.problems) >= 1


def test_wordpress_answering_html_says_not_json_for_that_url(
        faults: FaultServer, make_config: MakeConfig) -> None:
    faults.route("/wp-json/wp/v2/posts", body("<html>A cache plugin's page</html>",
                                              Content_Type="text/html"))
    results, _ = run(make_config([SourceConfig("org", "wordpress", faults.url)]))
    detail = results["org"].detail
    assert not results["org"].ok
    assert "/wp-json/wp/v2/posts?" in detail and "response is not JSON" in detail
    assert "text/html" in detail and "404" not in detail
    assert len(faults.hits) == 2  # the ?rest_route= form was tried too


# 5. One deadline for the whole fetch ---------------------------------------------


@pytest.mark.parametrize("headers_too", [False, True])
def test_a_dripping_upstream_is_abandoned_at_the_deadline(
        faults: FaultServer, make_config: MakeConfig, headers_too: bool) -> None:
    feed = faults.route("/feed", drip(rss(item(1)), 0.1, headers_too=headers_too))
    config = feed_config(make_config, feed, fetch_timeout=1)
    start = time.monotonic()
    results, _ = run(config)
    elapsed = time.monotonic() - start
    assert not results["org"].ok and "within 1 seconds" in results["org"].detail
    assert elapsed < config.fetch_timeout + 2


def test_thumbnails_share_a_bounded_time_budget(faults: FaultServer,
                                                make_config: MakeConfig) -> None:
    config = feed_config(make_config, faults.url + "/feed", fetch_timeout=1)
    faults.routes["/slow.png"] = drip(PNG * 10, 0.1)
    from widget.model import Image, Post
    when = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
    posts = [Post(f"org-{n}", "org", f"https://org.example/{n}", "t", "", "", when, when,
                  image=Image(f"{faults.url}/slow.png?{n}")) for n in range(10)]
    start = time.monotonic()
    copies, failed = copy_thumbnails(posts, fetcher_for(config), set())
    assert copies == [] and time.monotonic() - start < 3 * config.fetch_timeout + 2
    assert "thumbnails left for the next sync" in failed[-1]


@pytest.mark.parametrize("address, public", [
    ("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("fe80::1%eth0", False),
    ("fc00::1", False), ("224.0.0.1", False), ("ff02::1", False),
    # IPv6 spellings that carry a loopback or private IPv4 address, and special blocks.
    ("::7f00:1", False), ("::ffff:0:7f00:1", False), ("64:ff9b::7f00:1", False),
    ("64:ff9b::a00:1", False), ("64:ff9b:1::1", False), ("2002:7f00:1::", False),
    ("2002:a00:1::", False), ("fec0::1", False), ("192.0.0.8", False),
    ("64:ff9b::5db8:d70e", True), ("2002:5db8:d70e::1", True),
])
def test_which_addresses_are_public(address: str, public: bool) -> None:
    from widget.sources.fetch import _public
    assert _public(address) is public


def test_a_non_ascii_image_path_is_fetched_percent_encoded(faults: FaultServer,
                                                           make_config: MakeConfig) -> None:
    faults.route("/uploads/gr%C3%A8ve.png", body(PNG, Content_Type="image/png"))
    image = faults.url + "/uploads/grève.png"
    feed = faults.route("/feed", body(rss(item(1, extra=f'<media:thumbnail url="{image}"/>'))))
    results, (_, stored) = run(feed_config(make_config, feed))
    assert results["org"].ok and list(stored) == [image]


@pytest.mark.parametrize("href", ["http:evil", "https:/evil", "HTTP:evil",
                                  "https://evil.example\\@org.example/", "http://[::1]x/"])
def test_links_browsers_read_otherwise_are_dropped_from_content(href: str) -> None:
    from widget.sanitize import clean_html

    cleaned = clean_html(f'<a href="{href}">x</a> <a href="/kept">y</a>',
                         base="https://org.example/post/")
    assert "href" not in cleaned.split("</a>")[0]
    assert 'href="https://org.example/kept"' in cleaned

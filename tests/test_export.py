"""The static export: every public URL as a file, the same bytes as the service, swapped
in whole, and served by a real nginx with the service's headers."""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote_plus, urlsplit
from zoneinfo import ZoneInfo

import falcon.testing
import orjson
import pytest
from click.testing import CliRunner

from tests.conftest import Upstream, copy_demo
from tests.nginx import Nginx, check_conf, fetch, need_nginx, static_server
from widget.assets import default_assets
from widget.cli import main
from widget.config import Config, load_config
from widget.days import next_local_midnight
from widget.export import (
    INDEX,
    MANIFEST,
    MARKER,
    NGINX_SNIPPET,
    UNLISTED,
    ExportError,
    Report,
    embed_option_sets,
    export,
)
from widget.http.app import create_app
from widget.i18n import LANGUAGES
from widget.render.options import EmbedOptions
from widget.store import Store
from widget.sync import sync_all, sync_strikes

NOW = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC)
BASE = "https://widgets.example.org"
SLUGS = ["zehra-kurtay", "ali-hasan-akgul", "s-r-y-type-prisons"]
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))
THUMBS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Thumbs</title><link>https://is4pp.example/</link><description>d</description>
<item><title>Solidarity rally in Lyon</title><link>https://is4pp.example/2025/07/20/lyon/</link>
<guid>lyon</guid><pubDate>Sun, 20 Jul 2025 10:00:00 +0200</pubDate>
<description>A rally.</description><media:content url="{origin}/thumb.jpg" medium="image"/></item>
<item><title>Letters to the prisoners</title><link>https://is4pp.example/2025/07/21/letters/</link>
<guid>letters</guid><pubDate>Mon, 21 Jul 2025 10:00:00 +0200</pubDate>
<description>Write.</description></item>
</channel></rss>"""


@dataclass
class Built:
    config: Config
    out: Path
    manifest: dict  # type: ignore[type-arg]

    def urls(self) -> dict[str, dict]:  # type: ignore[type-arg]
        return {f["url"]: f for f in self.manifest["files"]}


def demo_with_thumbnails(folder: Path) -> Config:
    """The demo plus a feed whose post has a thumbnail on the feed's own host: twelve posts.

    (A file: feed cannot name file: images: content never makes the service read files.)
    """
    demo = folder / "demo"
    copy_demo(demo)
    upstream = Upstream()
    try:
        upstream.set("/thumb.jpg", JPEG, Content_Type="image/jpeg")
        upstream.set("/thumbs.xml", THUMBS.replace("{origin}", upstream.url))
        with (demo / "widget.toml").open("a") as toml:
            toml.write(f'\n[[sources]]\nname = "thumbs"\ntype = "feed"\n'
                       f'url = "{upstream.url}/thumbs.xml"\n')
        config = load_config(demo / "widget.toml", environ={}).with_(base_url=BASE)
        with Store(config.database) as store:
            results = sync_all(config, store)
    finally:
        upstream.close()
    assert all(r.ok for r in results), results
    return config


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("export")
    config = demo_with_thumbnails(folder)
    out = folder / "site"
    report = export(config, out, now=NOW)
    manifest = orjson.loads((out / MANIFEST).read_bytes())
    assert report.files == len(list(p for p in out.rglob("*") if p.is_file()))
    return Built(config, out, manifest)


@pytest.fixture(scope="module")
def live(built: Built) -> falcon.testing.TestClient:
    """The service itself, at the export's instant."""
    return falcon.testing.TestClient(create_app(built.config, clock=lambda: NOW))


def test_each_nginx_location_takes_the_paths_of_its_routes() -> None:
    # The regex locations are nginx's own text: if a route's template changes, this fails
    # before nginx serves the old path.
    import re

    from widget.export.families import FAMILIES

    for family in FAMILIES:
        if not family.location or not family.location.startswith("~"):
            continue
        pattern = re.compile(family.location.split(" ", 1)[1].strip('"'))
        for route in family.routes:
            path = route.path(slug="zehra-kurtay", name="x")
            assert pattern.search(path), (family.location, path)
            assert pattern.search(path + "/") or path.endswith((".svg", ".png")), path


def test_every_route_is_exported_or_said_not_to_be() -> None:
    from widget.export.families import FAMILIES, NOT_EXPORTED
    from widget.routes import ROUTES

    in_families = [route for family in FAMILIES for route in family.routes]
    assert len(in_families) == len(set(in_families)), "a route in two families"
    assert set(in_families).isdisjoint(NOT_EXPORTED)
    assert set(in_families) | set(NOT_EXPORTED) == set(ROUTES)


def test_every_url_is_a_file_named_by_its_canonical_query(built: Built,
                                                         live: falcon.testing.TestClient
                                                         ) -> None:
    urls = built.urls()
    for item in built.manifest["files"]:
        assert (built.out / item["file"]).stat().st_size == item["bytes"], item
    # Embed pages: every theme x lang x layout, other options at their defaults.
    sets = embed_option_sets()
    assert len(sets) == 3 * len(LANGUAGES) * 2 == len({s.query() for s in sets})
    embeds = [u for u in urls if u.startswith("/embed/")]
    # news, strikes, each strike, a removed strike's notice, the page of a slug never listed
    assert len(embeds) == len(sets) * (2 + len(SLUGS) + 2)
    for options in sets:
        assert options == EmbedOptions(theme=options.theme, lang=options.lang,
                                       layout=options.layout)
        assert f"/embed/strike/zehra-kurtay{options.query()}" in urls
    assert not any("accent=" in u for u in urls)  # free-form: not exported
    mapping = {
        "/embed/news": "embed/news/" + INDEX,
        "/embed/strike/zehra-kurtay?theme=dark&lang=tr&layout=compact":
            "embed/strike/zehra-kurtay/theme=dark&lang=tr&layout=compact",
        f"/embed/strike/{UNLISTED}?lang=ar": "_status/unknown/embed/strike/lang=ar",
        "/embed/strike/example-removed-strike?lang=ar": "_status/removed/embed/strike/lang=ar",
        "/embed/strike/example-removed-strike": f"_status/removed/embed/strike/{INDEX}",
        "/api/v1/strikes": "api/v1/strikes/" + INDEX,
        "/api/v1/strikes?status=all": "api/v1/strikes/status=all",
        "/api/v1/strikes/zehra-kurtay": "api/v1/strikes/zehra-kurtay/" + INDEX,
        "/api/v1/openapi.json": "api/v1/openapi.json/" + INDEX,
        "/api/v1/strikes/example-removed-strike":
            "_status/410/api/v1/strikes/example-removed-strike",
        "/feeds/strikes.atom": "feeds/strikes.atom/" + INDEX,
        "/widget.js": "widget.js/" + INDEX,
        f"/oembed?url={quote_plus(BASE + '/embed/news?lang=de')}&format=json":
            "oembed/" + quote_plus(BASE + "/embed/news?lang=de", safe=""),
    }
    for url, file in mapping.items():
        assert urls[url]["file"] == file, url
    for asset in default_assets():
        assert urls[asset.url]["file"] == f"static/{asset.hashed_name}/{INDEX}"
        assert (built.out / f"static/{asset.hashed_name}/{INDEX}.gz").is_file()
    # The posts and their cursor pages, and the thumbnail they show.
    pages = [u for u in urls if u.startswith("/api/v1/posts")]
    assert len(pages) == 2 and pages[1].startswith("/api/v1/posts?cursor=")
    media = [u for u in urls if u.startswith("/media/")]
    assert len(media) == 1 and (built.out / urls[media[0]]["file"]).read_bytes() == JPEG
    # An oEmbed answer for every embed page of a listed strike or list.
    oembeds = [u for u in urls if u.startswith("/oembed?")]
    assert len(oembeds) == len(sets) * (2 + len(SLUGS))
    badges = [u for u in urls if u.startswith("/badge/")]
    # SVG, and PNG at 2x and (for BBCode) 1x: styles x languages x themes, per slug.
    assert len(badges) == 3 * 3 * len(LANGUAGES) * 2 * (len(SLUGS) + 1)
    assert urls["/badge/strike/zehra-kurtay.png?style=for-the-badge&lang=ar&theme=dark"]
    assert urls["/badge/strike/zehra-kurtay.png?lang=fa&scale=1"]
    # Each strike's page and share card, in every language.
    assert urls["/strike/zehra-kurtay?lang=ckb"]["file"] == "strike/zehra-kurtay/lang=ckb"
    cards = [u for u in urls if u.startswith("/card/")]
    assert len(cards) == len(LANGUAGES) * len(SLUGS)
    for page in ("/", "/api"):  # the builder and the API's page, where the service has them
        assert (page in urls) == (live.simulate_get(page).status_code == 200), page
    assert (built.out / NGINX_SNIPPET).is_file() and (built.out / MARKER).is_file()


def test_the_builders_snippets_name_exported_files(built: Built) -> None:
    """What the builder page hands out (canonical queries) is what the export holds."""
    snippets = pytest.importorskip("widget.render.snippets")
    urls = built.urls()
    for options in embed_option_sets():
        assert f"/embed/news{options.query()}" in urls
    if any(u.startswith("/badge/") for u in urls):
        for style in ("flat", "for-the-badge"):
            for lang in ("en", "ar"):
                badge = snippets.Badge(BASE, "zehra-kurtay", style=style, lang=lang,
                                       theme="dark")
                assert badge.path("svg") in urls and badge.path("png") in urls


def test_the_files_hold_exactly_what_the_service_serves(built: Built,
                                                        live: falcon.testing.TestClient) -> None:
    items = built.manifest["files"]
    by_kind: dict[str, dict] = {}  # type: ignore[type-arg]
    for item in items:  # one of each kind of URL, and a random sample besides
        by_kind.setdefault(item["url"].split("?")[0].rsplit("/", 1)[0], item)
    sample = list(by_kind.values()) + random.Random(7).sample(items, 60)
    for item in sample:
        path, _, query = item["url"].partition("?")
        result = live.simulate_get(path, query_string=query or None)
        assert result.status_code == item["status"], item
        assert (built.out / item["file"]).read_bytes() == result.content, item
        assert item["content_type"] == result.headers["content-type"]


def test_a_new_build_replaces_the_old_one_whole(tmp_path: Path) -> None:
    config = demo_with_thumbnails(tmp_path)
    out = tmp_path / "site"
    export(config, out, now=NOW)
    (out / "left-over.txt").write_text("from an older export")
    strike = out / "api/v1/strikes/zehra-kurtay" / INDEX
    asset = out / f"static/{default_assets()['embed.css'].hashed_name}" / INDEX
    os.utime(asset, (1_000_000_000, 1_000_000_000))
    strikes = config.strikes_file
    strikes.write_text(strikes.read_text().replace('name = "Zehra Kurtay"',
                                                   'name = "Zehra Kurtay (Paris)"'))
    with Store(config.database) as store:
        assert sync_strikes(config, store).ok
    # Someone reads the site while it is rebuilt: never a missing file.
    stop, missing = threading.Event(), []

    def read() -> None:
        while not stop.is_set():
            try:
                strike.read_bytes()
            except FileNotFoundError as exc:
                missing.append(exc)
            time.sleep(0.0005)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        export(config, out, now=NOW)
    finally:
        stop.set()
        reader.join(timeout=10)
    assert missing == []
    assert not (out / "left-over.txt").exists()
    assert orjson.loads(strike.read_bytes())["name"] == "Zehra Kurtay (Paris)"
    # Unchanged bytes keep their time: nginx's ETag (size and mtime) stays the same.
    assert asset.stat().st_mtime == 1_000_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "site"]
    # A folder that is not an export is never replaced.
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(ExportError, match="refusing"):
        export(config, precious, now=NOW)
    assert [p.name for p in precious.iterdir()] == ["thesis.tex"]


def test_the_build_command(built: Built, tmp_path: Path) -> None:
    config = built.config.root / "widget.toml"
    out = tmp_path / "site"
    result = CliRunner().invoke(main, [
        "--config", str(config), "build", str(out), "--base-url", "http://127.0.0.1:9999/",
        "--also", "/embed/news?layout=compact&limit=3",
        "--also", "http://127.0.0.1:9999/embed/strikes?status=all&theme=light"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("exported ")
    assert " files, " in result.output and " bytes in " in result.output
    assert (out / "embed/news/layout=compact&limit=3").is_file()
    assert (out / "embed/strikes/status=all&theme=light").is_file()
    assert "http://127.0.0.1:9999/oembed?" in (out / "embed/news" / INDEX).read_text()
    wrong = CliRunner().invoke(main, ["--config", str(config), "build", str(out),
                                      "--also", "/healthz"])
    assert wrong.exit_code == 1 and "/healthz: not a URL the static export can serve" \
        in wrong.output


def test_nginx_accepts_the_snippet(built: Built, tmp_path: Path) -> None:
    need_nginx()
    checked = check_conf(tmp_path, static_server(built.out, "8080"))
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@pytest.fixture(scope="module")
def served(built: Built, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    need_nginx()
    server = Nginx(tmp_path_factory.mktemp("nginx"), static_server(built.out))
    yield server
    server.stop()


SAME_HEADERS = ("content-type", "access-control-allow-origin", "access-control-expose-headers",
                "x-content-type-options", "referrer-policy", "content-security-policy")


@pytest.mark.server  # the `served` nginx
def test_nginx_serves_the_files_with_the_services_headers(
        built: Built, live: falcon.testing.TestClient, served: Nginx) -> None:
    urls = ["/api/v1/posts", "/api/v1/strikes?status=all", "/api/v1/strikes/zehra-kurtay",
            "/api/v1/openapi.json", "/embed/news?theme=dark&layout=compact",
            "/embed/strike/s-r-y-type-prisons?lang=ar", "/feeds/posts.atom", "/feeds/posts.json",
            "/feeds/strikes.atom", "/widget.js", default_assets()["embed.js"].url,
            f"/oembed?url={quote_plus(BASE + '/embed/strikes')}&format=json",
            next(u for u in built.urls() if u.startswith("/media/"))]
    urls += ["/badge/strike/zehra-kurtay.svg?lang=de",
             "/badge/strike/ali-hasan-akgul.png?style=flat-square&theme=dark"]
    for url in urls:
        path, _, query = url.partition("?")
        want = live.simulate_get(path, query_string=query or None)
        status, headers, body = fetch(served.url + url)
        assert (status, body) == (200, want.content), url
        for name in SAME_HEADERS:
            assert headers.get(name) == want.headers.get(name), (url, name)
        if "/static/" in url or "/media/" in url:
            assert headers["cache-control"] == want.headers["cache-control"] == (
                "public, max-age=31536000, immutable")
        elif any(k in url for k in ("/strike", "/badge/")):
            # Built for a day that is over: the day number has changed since, so every
            # copy is stale at once until the next build.
            assert headers["cache-control"] == day_lifetime(built, time.time())[0], url
        else:
            assert headers["cache-control"] == want.headers["cache-control"], url
        # nginx's own ETags and conditional GET.
        status, again, rest = fetch(served.url + url, **{"If-None-Match": headers["etag"]})
        assert (status, rest) == (304, b""), url


@pytest.mark.server  # the `served` nginx
def test_nginx_answers_what_is_not_a_file_like_the_service(built: Built, served: Nginx,
                                                           live: falcon.testing.TestClient
                                                           ) -> None:
    # Removed strike: 410 with the service's problem document.
    status, headers, body = fetch(served.url + "/api/v1/strikes/example-removed-strike")
    want = live.simulate_get("/api/v1/strikes/example-removed-strike")
    assert (status, body) == (410, want.content)
    assert headers["content-type"] == "application/problem+json"
    assert headers["access-control-allow-origin"] == "*"
    # Unknown: 404, a problem document, CORS.
    for url in ("/api/v1/strikes/nobody", "/healthz", "/api/v1/posts?cursor=forged",
                "/embed/accent.css?accent=c0392b", "/_status/404", "/export.json",
                "/nginx-site.conf", f"/{MARKER}", f"/_status/unknown/embed/strike/{INDEX}",
                f"/_status/removed/embed/strike/{INDEX}"):
        status, headers, body = fetch(served.url + url)
        assert status == 404, url
        assert headers["content-type"] == "application/problem+json", url
        assert headers["access-control-allow-origin"] == "*"
    # A removed strike: the calm notice in the options' language; a slug never listed
    # (a typo) is not a removal: the page that says so, with 404 (test_a_typo_is_not_a_
    # removal_for_nginx_either, below).
    notice = (built.out / "_status/removed/embed/strike/lang=de").read_bytes()
    assert fetch(served.url + "/embed/strike/example-removed-strike?lang=de")[::2] == (
        200, notice)
    unknown = (built.out / "_status/unknown/embed/strike/lang=de").read_bytes()
    assert fetch(served.url + "/embed/strike/never-listed?lang=de")[::2] == (404, unknown)
    # Options not exported: the widget with its default options rather than a broken box.
    default = (built.out / "embed/news" / INDEX).read_bytes()
    assert fetch(served.url + "/embed/news?limit=3&images=off")[2] == default
    # A query is only ever a file name inside its path's folder.
    for query in ("../../../nginx-site.conf", "..", "_index/../../export.json", "%2e%2e"):
        status, _, body = fetch(served.url + "/api/v1/strikes?" + query)
        assert status == 404 and b"server" not in body, query
    # oEmbed answers are found by their url, whatever else a consumer adds.
    page = BASE + "/embed/strike/zehra-kurtay?layout=compact"
    status, _, body = fetch(f"{served.url}/oembed?maxwidth=300&url={quote_plus(page)}")
    assert status == 200 and orjson.loads(body)["html"].count(page.replace("&", "&amp;")) == 1
    # CORS preflight, answered as the service answers it.
    asking = {"Origin": "https://ally.example", "Access-Control-Request-Method": "GET",
              "Access-Control-Request-Headers": "if-none-match"}
    status, headers, _ = fetch(served.url + "/api/v1/strikes/zehra-kurtay", method="OPTIONS",
                               **asking)
    want = live.simulate_options("/api/v1/strikes/zehra-kurtay", headers=asking)
    assert status == want.status_code == 200
    for name in ("access-control-allow-origin", "access-control-allow-methods",
                 "access-control-allow-headers", "access-control-max-age"):
        assert headers[name] == want.headers[name], name
    # HEAD, and the precompressed loader.
    status, headers, body = fetch(served.url + "/widget.js", method="HEAD")
    assert status == 200 and body == b""
    status, headers, body = fetch(served.url + "/widget.js", **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
    assert urlsplit(served.url).hostname == "127.0.0.1"


def test_the_swap_without_renameat2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the atomic exchange is missing, two renames replace the export all the same."""
    from widget.export import tree as module

    old, new = tmp_path / "site", tmp_path / "site.tmp-x"
    for folder, text in ((old, "old"), (new, "new")):
        folder.mkdir()
        (folder / MARKER).write_text(text)
    assert module._exchange(tmp_path / "a-missing", tmp_path / "b-missing") is False
    monkeypatch.setattr(module, "_exchange", lambda a, b: False)
    module.swap_in(new, old)
    assert (old / MARKER).read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# --- lifetimes that end at the next local midnight (issue 10, part 6) ------------------------

ZONES = ["Europe/Paris", "Asia/Kolkata", "Pacific/Kiritimati", "America/Havana"]
STALE_AT_ONCE = "Thu, 01 Jan 1970 00:00:00 GMT"
DAY_URLS = ["/api/v1/strikes", "/api/v1/strikes?status=all", "/api/v1/strikes/s0",
            "/embed/strikes", "/embed/strike/s1?lang=de", "/badge/strike/s2.svg",
            "/badge/strike/s3.png?style=flat-square", "/feeds/strikes.atom"]


def day_lifetime(built: Built, at: float, max_age: int = 60) -> tuple[str, str | None]:
    """(Cache-Control, Expires) of an answer with a day number served at `at`: fresh for
    `max_age` seconds until that many seconds before the build's next local midnight,
    stale at once from then until the next build."""
    sie = built.config.stale_if_error
    fresh = f"public, max-age={max_age}, s-maxage={max_age}, stale-if-error={sie}"
    if built.manifest["changes_at"] is None:
        return fresh, None
    midnight = dt.datetime.fromisoformat(built.manifest["changes_at"])
    if at >= midnight.timestamp() - max_age:
        return f"public, max-age=0, s-maxage=0, stale-if-error={sie}", STALE_AT_ONCE
    return fresh, format_datetime(midnight, usegmt=True)


def counting_strikes(now: dt.datetime) -> str:
    """A strike per zone, confirmed yesterday there (so counting), and one that ended."""
    text = ""
    for n, zone in enumerate(ZONES):
        today = now.astimezone(ZoneInfo(zone)).date()
        text += (f'[strike.s{n}]\nname = "Striker {n}"\ncountry = "FR"\nplace = "P"\n'
                 f'timezone = "{zone}"\nstart_date = {today - dt.timedelta(days=20)}\n'
                 f'kind = "indefinite"\nstatus = "active"\n'
                 f"last_confirmed = {today - dt.timedelta(days=1)}\n\n")
    return text + ('[strike.done]\nname = "Done"\ncountry = "TR"\nplace = "P"\n'
                   'timezone = "Pacific/Pago_Pago"\nstart_date = 2025-01-01\n'
                   'end_date = 2025-02-01\nkind = "indefinite"\nstatus = "ended"\n'
                   'outcome = "released"\n\n[removed.gone]\nremoved_on = 2025-03-01\n')


def quiet_now(margin: float = 240) -> dt.datetime:
    """The real time, unless a midnight of ZONES is due within `margin` seconds: then
    just after it (nginx goes by the real clock, so the test must not straddle one)."""
    while True:
        now = dt.datetime.now(dt.UTC)
        left = min(next_local_midnight(z, now) for z in ZONES) - now
        if left.total_seconds() > margin:
            return now
        time.sleep(left.total_seconds() + 1)


@dataclass
class Counting:
    built: Built
    report: Report
    nginx: Nginx
    now: dt.datetime
    midnight: dt.datetime  # the first local midnight of ZONES after `now`


@pytest.fixture(scope="module")
def counting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Counting]:
    """Strikes that count today, exported now and served by a real nginx."""
    need_nginx()
    folder = tmp_path_factory.mktemp("counting")
    now = quiet_now()
    strikes = folder / "strikes.toml"
    strikes.write_text(counting_strikes(now))
    config = Config(database=folder / "store.sqlite3", strikes_file=strikes,
                    root=folder).with_(base_url=BASE)
    with Store(config.database) as store:
        assert sync_strikes(config, store).ok
    out = folder / "site"
    report = export(config, out, now=now)
    built = Built(config, out, orjson.loads((out / MANIFEST).read_bytes()))
    server = Nginx(folder / "nginx", static_server(out))
    try:
        yield Counting(built, report, server, now,
                       min(next_local_midnight(z, now) for z in ZONES))
    finally:
        server.stop()


def test_the_export_knows_its_next_local_midnight(counting: Counting) -> None:
    assert counting.report.changes_at == counting.midnight
    assert counting.built.manifest["changes_at"] == counting.midnight.isoformat()
    assert f"day numbers change at {counting.midnight:%Y-%m-%d %H:%M:%S} UTC" \
        in counting.report.summary()
    snippet = (counting.built.out / NGINX_SNIPPET).read_text()
    assert f"# Day numbers change next at {counting.midnight:%Y-%m-%d %H:%M:%S} UTC" in snippet


@pytest.mark.server  # the `counting` nginx
def test_day_numbers_are_fresh_briefly_and_never_past_the_midnight(counting: Counting) -> None:
    for url in DAY_URLS:
        status, headers, body = fetch(counting.nginx.url + url)
        assert status == 200, url
        cache, expires = day_lifetime(counting.built, time.time())
        assert (headers["cache-control"], headers["expires"]) == (cache, expires), url
        assert cache.startswith("public, max-age=60, s-maxage=60,")
        assert parsedate_to_datetime(expires) == counting.midnight
        date = parsedate_to_datetime(headers["date"])
        assert date + dt.timedelta(seconds=60) <= counting.midnight
        again = fetch(counting.nginx.url + url, **{"If-None-Match": headers["etag"]})
        assert (again[0], again[1]["cache-control"], again[1]["expires"]) == (
            304, cache, expires), url
    # Answers without a day number keep the service's lifetimes, and no Expires.
    status, headers, _ = fetch(counting.nginx.url + "/embed/news")
    assert status == 200 and "expires" not in headers
    assert headers["cache-control"].startswith("public, max-age=300, s-maxage=600")


@pytest.mark.server  # an nginx of its own
def test_from_max_age_before_the_midnight_copies_are_stale_at_once(
        counting: Counting, tmp_path: Path) -> None:
    """A lifetime of the usual length would now pass the midnight: revalidate instead.
    (With the real clock, the window is made to have begun by a --day-max-age longer
    than what is left of the day.)"""
    left = (counting.midnight - counting.now).total_seconds()
    max_age = int(left) + 60
    out = tmp_path / "site"
    report = export(counting.built.config, out, now=counting.now, day_max_age=max_age)
    assert report.changes_at == counting.midnight
    built = Built(counting.built.config, out, orjson.loads((out / MANIFEST).read_bytes()))
    server = Nginx(tmp_path / "nginx", static_server(out))
    try:
        for url in DAY_URLS:
            status, headers, _ = fetch(server.url + url)
            assert status == 200, url
            assert (headers["cache-control"], headers["expires"]) == (
                "public, max-age=0, s-maxage=0, stale-if-error=86400", STALE_AT_ONCE), url
            assert day_lifetime(built, time.time(), max_age)[1] == STALE_AT_ONCE
    finally:
        server.stop()


@pytest.mark.server  # the `served` nginx
def test_after_the_midnight_and_until_the_next_build_copies_are_stale_at_once(
        built: Built, served: Nginx) -> None:
    """The fixture's export was built for 24 July 2025: its day numbers are long over."""
    assert built.manifest["changes_at"] is not None
    assert dt.datetime.fromisoformat(built.manifest["changes_at"]) < dt.datetime.now(dt.UTC)
    for url in ("/api/v1/strikes/zehra-kurtay", "/embed/strike/zehra-kurtay?lang=de",
                "/badge/strike/zehra-kurtay.svg", "/embed/strikes?theme=dark"):
        status, headers, _ = fetch(served.url + url)
        assert status == 200, url
        assert headers["cache-control"] == "public, max-age=0, s-maxage=0, stale-if-error=86400"
        assert headers["expires"] == STALE_AT_ONCE


def test_the_clock_test_nginx_runs_is_at_or_after_exactly() -> None:
    """nginx has no arithmetic: the snippet compares $msec (seconds.milliseconds) with
    the start of the window by a regular expression. It matches exactly the instants at
    or after it, whatever the digits."""
    import re

    from widget.export.nginx import at_or_after

    rng = random.Random(10)
    bounds = [0, 1, 9, 10, 99, 100, 1_000_000_000, 1_767_225_600, 1_799_999_999,
              9_999_999_999, *(rng.randrange(10**11) for _ in range(200))]
    for bound in bounds:
        pattern = re.compile(at_or_after(bound))
        near = [bound - 1, bound, bound + 1, bound * 10, bound // 10, 10 ** len(str(bound))]
        near += [rng.randrange(2 * bound + 2) for _ in range(30)]
        for value in (v for v in near if v >= 0):
            msec = f"{value}.{rng.randrange(1000):03d}"
            assert bool(pattern.search(msec)) == (value >= bound), (bound, msec)


# --- a typo is not a removal, for nginx either (issue 10, part 7) ----------------------------


@pytest.mark.server  # the `served` nginx
@pytest.mark.parametrize("url, file", [
    ("/embed/strike/Zehra-Kurtay", INDEX),
    ("/embed/strike/zehra-kurtai?lang=ar&layout=compact", "lang=ar&layout=compact"),
    ("/embed/strike/nobody/", INDEX),
    ("/embed/strike/nobody?limit=3", INDEX),  # options not exported: the default ones
    ("/embed/strike/nobody?../../../nginx-site.conf", INDEX),
])
def test_a_typo_is_not_a_removal_for_nginx_either(
        built: Built, served: Nginx, live: falcon.testing.TestClient, url: str,
        file: str) -> None:
    status, headers, body = fetch(served.url + url)
    assert status == 404, url
    assert body == (built.out / "_status/unknown/embed/strike" / file).read_bytes()
    assert b"There is no hunger strike at this address" in body or b'lang="ar"' in body
    # The same page as the service's, with the service's headers: a page the frame shows.
    path, _, query = url.partition("?")
    if "limit" not in query and ".." not in query and not path.endswith("/"):
        want = live.simulate_get(path, query_string=query or None)
        assert (want.status_code, want.content) == (404, body)
        for name in SAME_HEADERS + ("cache-control",):
            assert headers.get(name) == want.headers.get(name), name
    assert headers["content-security-policy"].startswith("default-src 'none'")
    assert fetch(served.url + url, method="HEAD")[0] == 404


@pytest.mark.server  # the `served` nginx
def test_removed_strikes_keep_their_notice_and_badges_stay_neutral(
        built: Built, served: Nginx, live: falcon.testing.TestClient) -> None:
    for query in ("", "?lang=de", "?theme=dark&lang=tr&layout=compact", "?limit=3"):
        url = "/embed/strike/example-removed-strike" + query
        status, headers, body = fetch(served.url + url)
        # Options not exported (here one the page does not even take): the default ones.
        exported = "limit" not in query
        want = live.simulate_get("/embed/strike/example-removed-strike",
                                 query_string=query.lstrip("?") if exported else None)
        assert (status, body) == (200, want.content), url
        assert body == (built.out / "_status/removed/embed/strike"
                        / (query.lstrip("?") if exported and query else INDEX)).read_bytes()
        assert headers["cache-control"] == want.headers["cache-control"]  # no day number
        assert "expires" not in headers
    # A badge cannot show a page: removed or never listed, the same neutral image (200).
    neutral = fetch(served.url + "/badge/strike/example-removed-strike.svg?lang=de")
    typo = fetch(served.url + "/badge/strike/Zehra-Kurtay.svg?lang=de")
    assert neutral[0] == typo[0] == 200 and neutral[2] == typo[2]
    assert typo[2] == live.simulate_get("/badge/strike/zehra-kurtai.svg",
                                        query_string="lang=de").content

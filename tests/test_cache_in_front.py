"""nginx with proxy_cache in front of a real gunicorn, configured by examples/deploy/nginx.conf.

The service runs with lifetimes of 2 seconds, so what a cache does over several
lifetimes happens within a test: the origin is reached once per lifetime, a change
shows after at most that, revalidation uses the ETags, and a stopped origin does not
take cached pages down.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from tests.conftest import ROOT, copy_demo
from tests.nginx import Nginx, check_conf, fetch, need_nginx
from tests.servers import Gunicorn, cli, eventually

pytestmark = pytest.mark.server

EXAMPLE = ROOT / "examples" / "deploy" / "nginx.conf"
LIFETIME = 2  # WIDGET_MAX_AGE and WIDGET_S_MAXAGE of the origin, seconds
RELOAD = 1  # WIDGET_RELOAD_INTERVAL
# nginx keeps time in whole seconds: a copy is fresh for LIFETIME to LIFETIME + 1 seconds.
EXPIRED = LIFETIME + 1.2


def part(text: str, name: str) -> str:
    """The lines between `# BEGIN name` and `# END name` of the example."""
    start = text.index(f"# BEGIN {name}")
    return text[text.index("\n", start) + 1:text.index(f"# END {name}")]


def proxy_config(origin: str, cache_dir: Path) -> str:
    """The example's cache and proxy parts, as written there, behind a plain HTTP server."""
    text = EXAMPLE.read_text()
    cache, proxy = part(text, "cache"), part(text, "proxy")
    filled = [p.replace("__ORIGIN__", origin).replace("__CACHE_DIR__", str(cache_dir))
              for p in (cache, proxy)]
    assert all("__" not in p for p in filled), "a placeholder the test does not fill"
    return (filled[0] + "server {\n    listen 127.0.0.1:__PORT__;\n    server_name localhost;\n"
            + filled[1] + "}\n")



@dataclass
class Stack:
    folder: Path
    origin: Gunicorn
    proxy: Nginx
    access_log: Path

    @property
    def config(self) -> Path:
        return self.folder / "demo" / "widget.toml"

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return fetch(self.proxy.url + path, **headers)

    def origin_hits(self, path: str, settle: float = 0.15) -> list[str]:
        """The statuses the origin answered for `path`, from its access log (which has no
        addresses), once the log has stopped growing: a line is written after the answer."""
        needle = f'"GET {path} HTTP/1.1" '
        seen: list[str] | None = None
        while True:
            text = self.access_log.read_text() if self.access_log.exists() else ""
            hits = [line.split(needle, 1)[1].split()[0]
                    for line in text.splitlines() if needle in line]
            if hits == seen:
                return hits
            seen = hits
            time.sleep(settle)

    def stop(self) -> None:
        try:
            self.proxy.stop()
        finally:
            self.origin.stop()


def start_stack(folder: Path) -> Stack:
    need_nginx()
    demo = folder / "demo"
    copy_demo(demo)
    synced = cli(demo / "widget.toml", "sync")
    assert synced.returncode == 0, synced.stderr
    access_log = folder / "access.log"
    origin = Gunicorn(demo / "widget.toml", workers=1, env={
        "WIDGET_MAX_AGE": str(LIFETIME), "WIDGET_S_MAXAGE": str(LIFETIME),
        # 0: an expired copy is revalidated before it is served, which makes the
        # sequence below exact; the example honours a longer one just as well.
        "WIDGET_STALE_WHILE_REVALIDATE": "0",
        "WIDGET_RELOAD_INTERVAL": str(RELOAD), "WIDGET_ACCESS_LOG": str(access_log)})
    try:
        proxy = Nginx(folder / "nginx", proxy_config(origin.url.removeprefix("http://"),
                                                      folder / "cache"))
    except BaseException:
        origin.stop()
        raise
    return Stack(folder, origin, proxy, access_log)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("cache-in-front"))
    yield running
    running.stop()


def test_one_url_reaches_the_origin_at_most_once_per_lifetime(stack: Stack) -> None:
    path = "/api/v1/posts?limit=3"
    # Twelve visitors at once on a cold URL: the cache lock lets one through.
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda _: stack.get(path), range(12)))
    assert {status for status, _, _ in answers} == {200}
    assert len({body for _, _, body in answers}) == 1
    assert stack.origin_hits(path) == ["200"]
    # Within the lifetime: all from the cache.
    for _ in range(20):
        status, headers, _ = stack.get(path)
        assert (status, headers["x-cache-status"]) == (200, "HIT")
    assert stack.origin_hits(path) == ["200"]
    # Over several lifetimes of steady traffic: at most one origin request per lifetime,
    # each a revalidation the origin answers with 304.
    started = time.monotonic()
    states = set()
    while time.monotonic() - started < 2 * LIFETIME:
        status, headers, _ = stack.get(path)
        assert status == 200
        states.add(headers["x-cache-status"])
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    hits = stack.origin_hits(path)
    assert 2 <= len(hits) <= 2 + elapsed / LIFETIME, hits
    assert set(hits[1:]) == {"304"}
    assert states == {"HIT", "REVALIDATED"}


def test_gzip_and_plain_answers_are_kept_apart(stack: Stack) -> None:
    # Vary is not processed by the cache (examples/deploy/nginx.conf): Accept-Encoding is
    # part of its key instead.
    path = "/api/v1/posts?limit=4"
    status, zipped, body = stack.get(path, **{"Accept-Encoding": "gzip"})
    assert (status, zipped.get("content-encoding"), zipped["x-cache-status"]) == (
        200, "gzip", "MISS")
    status, plain, text = stack.get(path)
    assert (status, plain.get("content-encoding"), plain["x-cache-status"]) == (
        200, None, "MISS")
    assert gzip.decompress(body) == text
    for headers, want in (({"Accept-Encoding": "gzip"}, body), ({}, text)):
        status, again, got = stack.get(path, **headers)
        assert (status, again["x-cache-status"], got) == (200, "HIT", want)
        assert again["vary"] == "Accept-Encoding"  # for caches after this one
    assert stack.origin_hits(path) == ["200", "200"]


# Asked of the origin directly: paths the other tests here do not count hits of.
@pytest.mark.parametrize("path", [
    "/api/v1/posts", "/api/v1/strikes", "/api/v1/strikes/ali-hasan-akgul", "/api/v1/nothing",
    "/api/v1/posts?limit=abc", "/embed/news", "/embed/strike/nobody", "/embed/news?limit=x",
    "/badge/strike/ali-hasan-akgul.svg", "/widget.js", "/oembed?url=x", "/healthz", "/",
    "/api"])
@pytest.mark.parametrize("accept", ["application/json", "text/html", "*/*", "image/png"])
def test_the_service_varies_only_on_what_the_cache_keys_on(stack: Stack, path: str,
                                                           accept: str) -> None:
    status, headers, _ = fetch(stack.origin.url + path, Accept=accept,
                               **{"Accept-Encoding": "gzip"})
    assert status < 500
    said = {v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()}
    assert said <= {"accept-encoding"}, (path, headers.get("vary"))


def test_revalidation_through_the_proxy(stack: Stack) -> None:
    path = "/api/v1/strikes?status=ended"
    status, headers, body = stack.get(path)
    assert status == 200 and headers["x-cache-status"] == "MISS"
    etag = headers["etag"]
    # The client's copy is current: nginx answers 304 itself.
    status, again, rest = stack.get(path, **{"If-None-Match": etag})
    assert (status, again["x-cache-status"], rest) == (304, "HIT", b"")
    assert again["etag"] == etag
    assert stack.origin_hits(path) == ["200"]
    # Expired: nginx asks the origin with the ETag it holds, the origin says 304, and
    # the client gets its own 304 on top.
    time.sleep(EXPIRED)
    status, again, _ = stack.get(path, **{"If-None-Match": etag})
    assert (status, again["x-cache-status"]) == (304, "REVALIDATED")
    assert stack.origin_hits(path) == ["200", "304"]
    status, again, same = stack.get(path)
    assert (status, again["x-cache-status"], same) == (200, "HIT", body)
    # The origin's headers reach the client unchanged.
    assert again["access-control-allow-origin"] == "*"
    assert f"s-maxage={LIFETIME}" in again["cache-control"]


def test_a_changed_strike_is_visible_within_its_lifetime(stack: Stack) -> None:
    path = "/api/v1/strikes/zehra-kurtay"

    def name() -> str:
        status, _, body = stack.get(path)
        assert status == 200
        return str(orjson.loads(body)["name"])

    assert name() == "Zehra Kurtay"
    old_etag = stack.get(path)[1]["etag"]
    strikes = stack.config.parent / "strikes.toml"
    strikes.write_text(strikes.read_text().replace('name = "Zehra Kurtay"',
                                                   'name = "Zehra Kurtay (Paris)"'))
    synced = cli(stack.config, "sync")
    assert synced.returncode == 0, synced.stderr
    # The worker reloads within RELOAD; a copy revalidated just before that lives LIFETIME
    # (+1, nginx's whole seconds) more: the change shows within EXPIRED + RELOAD (and a
    # second for the requests themselves), or eventually() fails the test.
    eventually(lambda: name() == "Zehra Kurtay (Paris)", EXPIRED + RELOAD + 1)
    status, headers, _ = stack.get(path)
    assert headers["x-cache-status"] == "HIT"
    # The new content came with a new ETag, so a revalidation could not keep the old copy:
    # the origin sent the body twice (first visit, the change), in between at most 304s.
    assert headers["etag"] != old_etag
    hits = stack.origin_hits(path)
    assert hits[0] == hits[-1] == "200" and len(hits) >= 2, hits
    assert set(hits[1:-1]) <= {"304"}, hits


def test_with_the_origin_stopped_cached_pages_are_still_served(tmp_path: Path) -> None:
    running = start_stack(tmp_path)
    try:
        paths = ["/api/v1/strikes?status=all", "/embed/strike/zehra-kurtay?layout=compact",
                 "/widget.js"]
        cached = {p: running.get(p) for p in paths}
        stored = time.monotonic()
        assert all(status == 200 for status, _, _ in cached.values())
        running.origin.stop()
        time.sleep(max(0.0, stored + EXPIRED - time.monotonic()))  # every copy is stale now
        for path, (_, headers, body) in cached.items():
            status, now, same = running.get(path)
            assert (status, now["x-cache-status"], same) == (200, "STALE", body), path
            assert now["etag"] == headers["etag"]
        # What the cache never held cannot be served.
        status, _, _ = running.get("/api/v1/strikes?status=active")
        assert status == 502
    finally:
        running.stop()


def test_the_example_as_a_whole_is_valid_nginx(tmp_path: Path) -> None:
    """With TLS: the full example, placeholders filled, passes `nginx -t`."""
    need_nginx()
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: no certificate to test the TLS server with")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=widgets.example.org", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=30)
    text = (EXAMPLE.read_text().replace("__ORIGIN__", "127.0.0.1:8000")
            .replace("__CACHE_DIR__", str(tmp_path / "cache"))
            .replace("__SERVER_NAME__", "widgets.example.org")
            .replace("__TLS_CERT__", str(cert)).replace("__TLS_KEY__", str(key)))
    assert "__" not in text
    checked = check_conf(tmp_path / "nginx", text)
    assert checked.returncode == 0, checked.stderr


def test_a_typo_stays_a_404_page_and_a_removal_a_notice_through_the_cache(
        stack: Stack) -> None:
    """Issue 10, part 7: the cache keeps an unknown slug's 404 page as the service sent it
    (a page the frame shows, with its CSP), for the 60 s of every 4xx, and never mixes
    it up with a removed strike's notice."""
    typo, removed = "/embed/strike/Zehra-Kurtay?lang=de", "/embed/strike/example-removed-strike"
    answers = [stack.get(typo) for _ in range(3)]
    for status, headers, body in answers:
        assert status == 404
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["content-security-policy"].startswith("default-src 'none'")
        assert headers["cache-control"] == "public, max-age=60"
        assert b"Unter dieser Adresse gibt es keinen Hungerstreik" in body
        assert b'<html lang="de"' in body
    assert [h["x-cache-status"] for _, h, _ in answers] == ["MISS", "HIT", "HIT"]
    assert stack.origin_hits(typo) == ["404"]
    status, headers, body = stack.get(removed)
    assert status == 200 and b"This hunger strike is no longer listed" in body
    assert b"There is no hunger strike at this address" not in body
    # The badge of a typo is the neutral one, as for a removal: an image shows no page.
    assert stack.get("/badge/strike/Zehra-Kurtay.svg")[::2] == \
        stack.get("/badge/strike/example-removed-strike.svg")[::2]

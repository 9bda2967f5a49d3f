"""Responses over 1 KB go gzipped to a client that asks, compressed once per rendering;
every encoding has its own ETag and caches in front are told the answer varies; and
the strikes list comes in pages like the posts."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

import falcon.testing
import pytest

from tests.conftest import assert_problem
from widget.http.caching import accepts_gzip
from widget.http.responses import GZIP_OVER, Rendered, entry

LARGE = ["/api/v1/strikes?status=all", "/embed/news", "/embed/strike/zehra-kurtay",
         "/strike/zehra-kurtay", "/feeds/posts.atom", "/badge/strike/zehra-kurtay.svg"]


@pytest.mark.parametrize("path", LARGE)
def test_a_large_answer_is_gzipped_when_asked(client: falcon.testing.TestClient,
                                              path: str) -> None:
    plain = client.simulate_get(path)
    zipped = client.simulate_get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == zipped.status_code == 200
    assert len(plain.content) > GZIP_OVER
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    # Both say the answer depends on Accept-Encoding, and name different representations.
    for result in (plain, zipped):
        assert "Accept-Encoding" in result.headers["vary"]
    assert plain.headers["etag"] != zipped.headers["etag"]
    assert plain.headers["content-type"] == zipped.headers["content-type"]


@pytest.mark.parametrize("header", ["gzip;q=0", "identity", "br", "", "gzip;q=nope"])
def test_no_gzip_unless_it_is_accepted(client: falcon.testing.TestClient, header: str) -> None:
    result = client.simulate_get("/embed/news", headers={"Accept-Encoding": header})
    assert "content-encoding" not in result.headers
    assert result.text.startswith("<!doctype html>")


def test_each_encoding_revalidates_its_own_copy(client: falcon.testing.TestClient) -> None:
    gz = {"Accept-Encoding": "gzip"}
    zipped = client.simulate_get("/embed/news", headers=gz)
    again = client.simulate_get("/embed/news", headers={**gz, "If-None-Match":
                                                        zipped.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert "Accept-Encoding" in again.headers["vary"]
    # The gzipped copy's tag does not validate the plain one, nor the reverse.
    plain = client.simulate_get("/embed/news", headers={"If-None-Match": zipped.headers["etag"]})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers


def test_small_and_compressed_answers_go_as_they_are(client: falcon.testing.TestClient) -> None:
    gz = {"Accept-Encoding": "gzip"}
    small = client.simulate_get("/api/v1/strikes/ali-hasan-akgul", headers=gz)
    assert len(small.content) <= GZIP_OVER and "content-encoding" not in small.headers
    assert "vary" not in small.headers or "Accept-Encoding" not in small.headers["vary"]
    png = client.simulate_get("/badge/strike/zehra-kurtay.png", headers=gz)
    assert png.status_code == 200 and "content-encoding" not in png.headers
    assert png.content.startswith(b"\x89PNG")


def test_the_gzip_is_made_once_per_rendering() -> None:
    rendered = Rendered()
    made: list[bytes] = []

    def render() -> object:
        body = b'{"strikes": [' + b'"x", ' * 500 + b'"y"]}'
        made.append(body)
        return entry(body)

    first = rendered.get("k", render)  # type: ignore[arg-type]
    second = rendered.get("k", render)  # type: ignore[arg-type]
    assert len(made) == 1 and first is second
    assert first.gzipped is not None and gzip.decompress(first.gzipped) == made[0]
    assert entry(b"x" * 2000, compress=False).gzipped is None


@pytest.mark.parametrize("header, ok", [
    ("gzip", True), ("GZIP", True), ("deflate, gzip;q=0.5", True), ("*", True),
    ("x-gzip", True), ("gzip;q=0", False), ("gzip;q=0.0", False), ("br", False),
    (None, False), ("gzip;q=%ff", False), ("gzip, " * 400, False),
])
def test_reading_accept_encoding(header: str | None, ok: bool) -> None:
    assert accepts_gzip(header) is ok


def test_the_strikes_list_comes_in_pages(client: falcon.testing.TestClient) -> None:
    everything = client.simulate_get("/api/v1/strikes", query_string="status=all").json
    assert everything["next"] is None
    slugs = [s["slug"] for s in everything["strikes"]]
    assert len(slugs) == 3
    seen: list[str] = []
    result = client.simulate_get("/api/v1/strikes", query_string="status=all&limit=1")
    pages = 0
    while True:
        assert result.status_code == 200
        page = result.json
        assert len(page["strikes"]) == 1
        seen += [s["slug"] for s in page["strikes"]]
        pages += 1
        if page["next"] is None:
            break
        assert result.headers["link"].startswith(f'<{page["next"]}>; rel=')
        assert "status=all" in page["next"] and "limit=1" in page["next"]
        after = urlsplit(page["next"])
        result = client.simulate_get(after.path, query_string=after.query)
    assert seen == slugs and pages == 3


@pytest.mark.parametrize("query, param", [
    ("limit=0", "limit"), ("limit=201", "limit"), ("cursor=%%%", "cursor"),
    ("cursor=bm8tc3VjaC1zdHJpa2U", "cursor"),  # "no-such-strike"
])
def test_bad_strike_pages_are_refused(client: falcon.testing.TestClient, query: str,
                                      param: str) -> None:
    assert_problem(client.simulate_get("/api/v1/strikes", query_string=query), 400, param)


def test_the_render_cache_counts_the_gzipped_form_in_its_bound() -> None:
    def body(salt: int) -> bytes:
        return " ".join(str(n * 7919 % 10007 + salt) for n in range(3000)).encode()

    first, second = entry(body(0)), entry(body(1))
    assert first.gzipped is not None and second.gzipped is not None
    # Room for both bodies, not for both bodies and their gzipped forms.
    rendered = Rendered(max_bytes=len(first.body) + len(second.body) + 400
                        + len(first.gzipped))
    rendered.get("a", lambda: first)
    rendered.get("b", lambda: second)
    made: list[int] = []
    rendered.get("a", lambda: (made.append(1), first)[1])
    assert made == [1], "the first entry should have been pushed out"

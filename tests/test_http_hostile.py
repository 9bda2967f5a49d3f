"""Hostile requests to every route: never a 5xx, and every error in the right kind of body.

API-like routes (JSON, feeds, images, assets, oEmbed) answer problem JSON; pages for
people (the builder, the API page, the embed pages) answer a readable HTML page naming
what was wrong. The routes come from the app itself, so a new one must be classified here.
"""

from __future__ import annotations

import html
from urllib.parse import quote, unquote

import falcon.inspect
import falcon.testing
import pytest

from tests.conftest import Clock
from widget.config import Config
from widget.http.app import create_app
from widget.http.errors import PROBLEM_TYPE
from widget.store import Store

BASE = "http://127.0.0.1:8000"
HTML = "text/html; charset=utf-8"
PAGE, PROBLEM = "page", "problem"

# Every route of the app, the kind of error body it owes, and what a request needs to get
# past its first check (so that a hostile parameter is the one that is judged).
ROUTES: dict[str, tuple[str, str]] = {
    "/": (PAGE, ""),
    "/api": (PAGE, ""),
    "/embed/news": (PAGE, ""),
    "/embed/strikes": (PAGE, ""),
    "/embed/strike/{slug}": (PAGE, ""),
    "/embed/accent.css": (PROBLEM, "accent=c0392b"),
    "/static/{name}": (PROBLEM, ""),
    "/widget.js": (PROBLEM, ""),
    "/badge/strike/{slug}.svg": (PROBLEM, ""),
    "/badge/strike/{slug}.png": (PROBLEM, ""),
    "/feeds/posts.atom": (PROBLEM, ""),
    "/feeds/posts.json": (PROBLEM, ""),
    "/feeds/strikes.atom": (PROBLEM, ""),
    "/oembed": (PROBLEM, "url=" + quote(BASE + "/embed/news", safe="")),
    "/strike/{slug}": (PAGE, ""),
    "/card/strike/{slug}.png": (PROBLEM, ""),
    "/go": (PROBLEM, "to=" + quote("https://is4pp.example/", safe="")),
    "/api/v1/posts": (PROBLEM, ""),
    "/api/v1/strikes": (PROBLEM, ""),
    "/api/v1/strikes/{slug}": (PROBLEM, ""),
    "/api/v1/openapi.json": (PROBLEM, ""),
    "/healthz": (PROBLEM, ""),
    "/media/{name}": (PROBLEM, ""),
}
FIELDS = {"slug": "zehra-kurtay", "name": "x"}

# Every parameter any route knows, and a few no route knows.
NAMES = ("ui", "widget", "strike", "style", "width", "height", "theme", "accent", "lang",
         "layout", "background", "header", "limit", "images", "category", "status",
         "country", "cursor", "tag", "url", "maxwidth", "maxheight", "format", "to", "fit",
         "x[", "%5B", "%ff", "%00", "a%00b")
# Already percent-encoded, as they would arrive.
VALUES = (
    "%5B", "http%3A%2F%2F%5B%3A%3A1", "http%3A%2F%2F%5Bexample%5D%2Fembed%2Fnews",
    quote(BASE.replace("8000", "99999") + "/embed/news", safe=""),
    quote(BASE + "/embed/strike/zehra-kurtay\n", safe=""),
    quote(BASE + "/embed/news?lang=%ff&limit=99999999999999999999", safe=""),
    quote(BASE + "/embed/news?lang=fr&lang=de", safe=""),
    "%00", "a%00b", "%0d%0aX-Injected:%201", "%ff", "%c3%28", "%ed%a0%80", "%fe%ff",
    "99999999999999999999999999", "-1", "1e999", "0x10", "%C2%B2", "%D9%A3", "1" + "0" * 5000,
    "a" * 10_000, "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%20", "",
    "..%2F..%2F..%2Fetc%2Fpasswd", "file%3A%2F%2F%2Fetc%2Fpasswd",
)
# NOTE: no "%2f": falcon decodes it before routing, so it leads to another path (below).
SEGMENTS = ("%ff", "%00", "%5B", "%c3%28", "a" * 5000, "..", "..%5C..%5Cetc%5Cpasswd",
            "zehra-kurtay%0a", "zehra-kurtay%00", "ZEHRA-KURTAY", "%20", "x%5B%3A%3A1")


def routes(app: falcon.App) -> set[str]:
    return {route.path for route in falcon.inspect.inspect_routes(app)}


def fill(template: str, **fields: str) -> str:
    return template.format(**{**FIELDS, **fields})


def wrong(result: falcon.testing.Result, kind: str, named: str | None = None) -> str | None:
    """What is wrong with this answer to a hostile request, or None."""
    status = result.status_code
    if status >= 500:
        return f"{status}: {result.text[:200]}"
    if status < 400:
        return None
    ctype = result.headers.get("content-type")
    if kind == PROBLEM:
        if ctype != PROBLEM_TYPE:
            return f"{status} as {ctype}, not problem JSON"
        if not result.content:  # HEAD
            return None
        body = result.json
        if body.get("status") != status or body.get("type") != "about:blank" \
                or not body.get("title"):
            return f"not the problem shape: {body}"
        if status == 400 and named is not None and \
                body.get("invalid-params", [{}])[0].get("name") != named:
            return f"400 naming {body.get('invalid-params')}, not {named!r}"
        return None
    if ctype != HTML:
        return f"{status} as {ctype}, not an HTML page"
    if not result.content:  # HEAD
        return None
    # An address of no strike is a calm page of its own (404), not an error page.
    if 'role="alert"' not in result.text and not (status == 404 and "sw-unknown" in result.text):
        return f"{status}: the page says nothing of the error"
    if status == 400 and named is not None and f"“{html.escape(named)}”" not in result.text:
        return f"400 page does not name {named!r}"
    return None


def test_every_route_is_classified(client: falcon.testing.TestClient) -> None:
    assert routes(client.app) == set(ROUTES)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_query_strings(client: falcon.testing.TestClient, route: str) -> None:
    kind, needed = ROUTES[route]
    path = fill(route)
    failures = []
    for name in NAMES:
        queries = [f"{name}={value}" for value in VALUES]
        queries += [f"{name}=en&{name}=en", f"{name}={'%5B' * 3000}", name]
        for query in queries:
            if needed and not query.startswith(needed.split("=")[0] + "="):
                query = f"{needed}&{query}"
            result = client.simulate_get(path, query_string=query)
            named = unquote(name, errors="replace") if result.status_code == 400 else None
            if problem := wrong(result, kind, named):
                failures.append(f"GET {path}?{query[:120]}: {problem}")
    assert not failures, "\n".join(failures[:30]) + f"\n({len(failures)} in all)"


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if "{" in r))
def test_hostile_path_segments(client: falcon.testing.TestClient, route: str) -> None:
    kind = ROUTES[route][0]
    field = route[route.index("{") + 1:route.index("}")]
    failures = []
    for segment in SEGMENTS:
        path = fill(route, **{field: segment})
        for method in ("GET", "HEAD"):
            result = client.simulate_request(method, path)
            if problem := wrong(result, kind):
                failures.append(f"{method} {path[:120]}: {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", [
    "/%ff", "/%00", "/%5B", "/embed/%5B", "/embed/strike/", "/api/v1/strikes/a/b",
    "/badge/strike/zehra-kurtay.gif", "/badge/strike/%ff.svg%00", "/" + "a" * 5000,
    "/static/..%2f..%2fwidget%2fconfig.py", "/media/..%2f..%2fetc%2fpasswd",
    "/embed/strike/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
])
def test_paths_that_are_no_route_are_a_problem_404(client: falcon.testing.TestClient,
                                                   path: str) -> None:
    result = client.simulate_get(path)
    assert wrong(result, PROBLEM) is None, result.text
    assert result.status_code == 404


HEADERS = (
    {"If-None-Match": '"' * 5000},
    {"If-None-Match": "*, W/, \"\", ,,,"},
    {"If-None-Match": "W/\"x\"\x7f"},
    {"If-Modified-Since": "yesterday"},
    {"Accept-Encoding": "gzip;q=%ff, " * 500},
    {"Accept": "*/*;q=nan"},
    {"Range": "bytes=99999999999999999999-"},
    {"Origin": "http://[::1"},
    {"Cookie": "a=" + "\x01" * 100},
    {"Content-Type": "application/json; charset=%ff"},
    {"X-Forwarded-For": "[::1"},
)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_hostile_headers_and_methods(client: falcon.testing.TestClient, route: str) -> None:
    kind, needed = ROUTES[route]
    path = fill(route)
    failures = []
    for headers in HEADERS:
        result = client.simulate_get(path, query_string=needed, headers=headers)
        if problem := wrong(result, kind):
            failures.append(f"GET {path} {headers!r:.80}: {problem}")
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        result = client.simulate_request(method, path, query_string=needed, body=b"\xff" * 100)
        if result.status_code >= 500:
            failures.append(f"{method} {path}: {result.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("query", [
    "url=http%3A%2F%2F%5B%3A%3A1",
    "url=http%3A%2F%2F%5B%3A%3A1%2Fembed%2Fnews",
    "url=http%3A%2F%2F%5Bexample%5D%2Fembed%2Fnews",
    "url=" + quote(BASE.replace("8000", "99999") + "/embed/news", safe=""),
    "url=" + quote(BASE.replace("8000", "http") + "/embed/news", safe=""),
])
def test_oembed_url_that_is_no_url_is_a_400_naming_it(client: falcon.testing.TestClient,
                                                       query: str) -> None:
    result = client.simulate_get("/oembed", query_string=query)
    assert result.status_code == 400, result.text
    assert wrong(result, PROBLEM, "url") is None, result.text


@pytest.mark.parametrize("url, status", [
    # urlsplit() drops "\n"; the path is what the page is, never what was typed.
    (BASE + "/embed/strike/zehra-kurtay\n", 200),
    (BASE + "/embed/strike/zehra-kurtay%0A", 404),
    (BASE + "/embed/news?lang=fr&lang=de", 400),  # as the page itself answers
    ("HTTP://127.0.0.1:8000/embed/news", 200),
    ("http://user@127.0.0.1:8000/embed/news", 404),
])
def test_oembed_reads_the_url_as_the_page_would(client: falcon.testing.TestClient, url: str,
                                                status: int) -> None:
    result = client.simulate_get("/oembed", params={"url": url})
    assert result.status_code == status, result.text
    if status == 200:
        assert "\n" not in result.json["html"]
        assert client.simulate_get(url.split("?")[0].replace("HTTP://", "http://")
                                   .removeprefix(BASE).strip()).status_code == 200
    assert client.simulate_get(
        "/embed/news", query_string="lang=fr&lang=de").status_code == 400


@pytest.mark.parametrize("path, query, name", [
    ("/api", "ui=%ff", "ui"),
    ("/api", "ui=http%3A%2F%2F%5B%3A%3A1", "ui"),
    ("/api", "%00=1", "\x00"),
    ("/api", "ui=en&ui=en", "ui"),
    ("/", "ui=%ff", "ui"),
    ("/", "width=99999999999999999999", "width"),
    ("/", "strike=%5B", "strike"),
    ("/", "widget=news&limit=%00", "limit"),
    ("/", "accent=" + "a" * 10_000, "accent"),
    ("/embed/news", "lang=%ff", "lang"),
    ("/embed/strike/zehra-kurtay", "theme=dark&theme=dark", "theme"),
])
def test_pages_for_people_answer_bad_input_with_a_readable_page(
        client: falcon.testing.TestClient, path: str, query: str, name: str) -> None:
    result = client.simulate_get(path, query_string=query)
    assert result.status_code == 400
    assert result.headers["content-type"] == HTML
    assert wrong(result, PAGE, name) is None, result.text[:500]
    assert "<html" in result.text


def test_oembed_under_a_base_path_names_each_page_once(demo_config: Config, demo_store: Store,
                                                        clock: Clock) -> None:
    base = "https://widgets.ally.example/solidarity"
    app = create_app(demo_config.with_(base_url=base), store=demo_store, clock=clock)
    client = falcon.testing.TestClient(app)
    found = client.simulate_get("/oembed", params={"url": base + "/embed/news?limit=3"})
    assert found.status_code == 200, found.text
    assert f'src="{base}/embed/news?limit=3"' in found.json["html"]
    for elsewhere in ("https://widgets.ally.example/embed/news",
                      "https://widgets.ally.example/solidarityx/embed/news"):
        assert wrong(result := client.simulate_get("/oembed", params={"url": elsewhere}),
                     PROBLEM) is None and result.status_code == 404

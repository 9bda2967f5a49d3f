"""oEmbed 1.0: required fields, limits, discovery, and nothing but this service's URLs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import falcon.testing
import pytest

from tests.conftest import assert_problem

BASE = "http://127.0.0.1:8000"


def oembed(client: falcon.testing.TestClient, url: str, **params: str) -> falcon.testing.Result:
    return client.simulate_get("/oembed", params={"url": url, **params})


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("path, title", [
    ("/embed/strike/zehra-kurtay", "Zehra Kurtay: hunger strike"),
    ("/embed/strike/zehra-kurtay?lang=fr&theme=dark", "Zehra Kurtay: hunger strike"),
    ("/embed/news?limit=3", "Latest news"),
    ("/embed/strikes?status=all", "Hunger strikes"),
])
def test_rich_response_with_required_fields(client: falcon.testing.TestClient, path: str,
                                            title: str) -> None:
    result = oembed(client, BASE + path, format="json")
    assert result.status_code == 200
    body = result.json
    # oEmbed 1.0 §2.3.4: version and type always; rich: html, width, height.
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert isinstance(body["width"], int) and isinstance(body["height"], int)
    assert body["title"].startswith(title)
    assert body["provider_name"] == "International Solidarity for Political Prisoners"
    assert body["provider_url"] == BASE
    assert body["cache_age"] > 0
    parser = Tags()
    parser.feed(body["html"])
    # WordPress keeps one blockquote (its fallback, and what makes it load its resizing
    # script) and one iframe.
    (quote, _), (anchor, link), (iframe, attrs) = parser.tags
    assert (quote, anchor, iframe) == ("blockquote", "a", "iframe")
    src = attrs["src"] or ""
    assert src.startswith(BASE + path.split("?")[0])
    assert parse_qs(urlsplit(src).query) == parse_qs(urlsplit(path).query)
    # The fallback link leads to the strike's own page, or the organisation's site.
    assert (link["href"] or "").startswith((BASE + "/strike/", "https://"))
    assert attrs["referrerpolicy"] == "no-referrer" and attrs["loading"] == "lazy"
    assert "allow-scripts" in (attrs["sandbox"] or "")
    assert "allow-top-navigation" not in (attrs["sandbox"] or "")
    assert attrs["width"] == str(body["width"]) and attrs["height"] == str(body["height"])


def test_parameters_consumers_add_are_ignored(client: falcon.testing.TestClient) -> None:
    # WordPress adds dnt=1 to every provider URL (since 4.9), other consumers their own.
    url = BASE + "/embed/strike/zehra-kurtay"
    plain = oembed(client, url, maxwidth="500", maxheight="750")
    asked = oembed(client, url, maxwidth="500", maxheight="750", dnt="1", lang="de",
                   theme="dark", discover="1")
    assert plain.status_code == asked.status_code == 200
    assert asked.json == plain.json
    # What it knows it still checks, and the JSON API still refuses what it does not know.
    assert_problem(oembed(client, url, maxwidth="wide", dnt="1"), 400)
    assert_problem(client.simulate_get("/api/v1/strikes", params={"dnt": "1"}), 400)


@pytest.mark.parametrize("maxwidth, maxheight", [("300", "100"), ("1000", "1000"), ("1", "1")])
def test_size_stays_within_the_limits_asked(client: falcon.testing.TestClient, maxwidth: str,
                                            maxheight: str) -> None:
    body = oembed(client, BASE + "/embed/strike/zehra-kurtay", maxwidth=maxwidth,
                  maxheight=maxheight).json
    assert 0 < body["width"] <= int(maxwidth)
    assert 0 < body["height"] <= int(maxheight)


def test_xml_is_not_implemented(client: falcon.testing.TestClient) -> None:
    assert_problem(oembed(client, BASE + "/embed/news", format="xml"), 501)


@pytest.mark.parametrize("url, status", [
    ("https://elsewhere.example/embed/news", 404),
    ("http://127.0.0.1:9999/embed/news", 404),
    ("http://169.254.169.254/latest/meta-data", 404),
    ("file:///etc/passwd", 404),
    (BASE + "/api/v1/posts", 404),
    (BASE + "/embed/strike/nobody", 404),
    (BASE + "/embed/news?theme=purple", 400),
])
def test_only_embed_pages_of_this_service(client: falcon.testing.TestClient, url: str,
                                          status: int) -> None:
    assert_problem(oembed(client, url), status)


@pytest.mark.parametrize("query, param", [
    ("", "url"), ("url=x&maxwidth=0", "maxwidth"), ("url=x&maxwidth=wide", "maxwidth"),
    ("url=x&format=yaml", "format"), ("url=x&callback=f", "callback"),
])
def test_bad_parameters(client: falcon.testing.TestClient, query: str, param: str) -> None:
    assert_problem(client.simulate_get("/oembed", query_string=query), 400, param)


@pytest.mark.parametrize("path", ["/embed/strike/zehra-kurtay?theme=dark&lang=tr",
                                  "/embed/news", "/embed/strikes?status=ended"])
def test_discovery_link_and_header(client: falcon.testing.TestClient, path: str) -> None:
    page, _, query = path.partition("?")
    result = client.simulate_get(page, query_string=query)
    match = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"',
                      result.text)
    assert match
    href = match.group(1).replace("&amp;", "&")
    assert result.headers["link"] == f'<{href}>; rel="alternate"; type="application/json+oembed"'
    discovered = client.simulate_get(urlsplit(href).path, query_string=urlsplit(href).query)
    assert discovered.status_code == 200
    src = Tags()
    src.feed(discovered.json["html"])
    assert parse_qs(urlsplit(src.tags[-1][1]["src"] or "").query) == parse_qs(query)


def test_a_removed_strike_is_gone_and_a_typo_unknown(client: falcon.testing.TestClient) -> None:
    removed = oembed(client, f"{BASE}/embed/strike/example-removed-strike")
    assert removed.status_code == 410 and "2025-07-01" in removed.json["detail"]
    for typo in ("Zehra-Kurtay", "no-such-strike"):
        answer = oembed(client, f"{BASE}/embed/strike/{typo}")
        assert answer.status_code == 404 and answer.json["title"] == "Unknown strike", typo

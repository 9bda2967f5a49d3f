"""Embed pages, options, assets and the loader, through falcon's test client."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import re
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import falcon.testing
import pytest
from babel.messages.pofile import read_po

from tests.conftest import DEMO, ROOT, Clock, assert_problem
from widget.assets import default_assets
from widget.render.colour import DARK_BG, LIGHT_BG

CSP = re.compile(r"default-src 'none'; script-src 'self'((?: 'sha256-[A-Za-z0-9+/]+=*')+); "
                 r"style-src 'self'((?: 'sha256-[A-Za-z0-9+/]+=*')+); img-src 'self' "
                 r"data:; connect-src 'self'; frame-src 'self'; base-uri 'none'; ")


def _inline(html: str) -> tuple[list[str], list[str]]:
    """The page's inline scripts and stylesheets, as the browser hashes them."""
    return (re.findall(r"<script>(.*?)</script>", html, re.S),
            re.findall(r"<style>(.*?)</style>", html, re.S))


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/embed/news", "/embed/strikes", "/embed/strike/zehra-kurtay",
                                  "/embed/strike/nobody", "/embed/news?accent=nope"])
def test_embed_pages_are_locked_down(client: falcon.testing.TestClient, path: str) -> None:
    result = client.simulate_get(path)
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    csp = result.headers["content-security-policy"]
    allowed = CSP.match(csp)
    assert allowed and csp.endswith("frame-ancestors *")
    assert "unsafe" not in csp
    assert "set-cookie" not in result.headers
    assert "x-frame-options" not in result.headers
    html = result.text
    # One script and one stylesheet inline, each allowed by its hash (the policy lists
    # the few the embed pages use, nothing else); no style attributes, no other script.
    scripts, styles = _inline(html)
    assert len(scripts) == len(styles) == 1
    assert _hash(scripts[0]) in allowed.group(1).split()
    assert _hash(styles[0]) in allowed.group(2).split()
    assert "style=" not in html and html.count("<script") == 1 and html.count("<style") == 1
    # Nothing is loaded from another host: every src and stylesheet is a path of ours.
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        if 'rel="stylesheet"' in html and url.startswith("/"):
            continue
        # Paths of this service, its own address (oEmbed discovery), the organisation's links.
        assert url.startswith(("/", "http://127.0.0.1:8000/", "https://is4pp.example/")), url
    for link in re.findall(r"<a [^>]*>", html):
        assert 'target="_blank"' in link and 'rel="noopener"' in link


def test_frame_ancestors_allow_list(demo_config, demo_store, clock) -> None:  # type: ignore[no-untyped-def]
    from widget.http.app import create_app

    config = demo_config.with_(frame_ancestors="https://ally.example https://b.example")
    app = falcon.testing.TestClient(create_app(config, store=demo_store, clock=clock))
    csp = app.simulate_get("/embed/news").headers["content-security-policy"]
    assert csp.endswith("frame-ancestors 'self' https://ally.example https://b.example")
    assert "form-action 'self'" in csp


def test_strike_counter_page(client: falcon.testing.TestClient, clock: Clock) -> None:
    html = client.simulate_get("/embed/strike/zehra-kurtay").text
    day = (clock.now.date() - dt.date(2025, 3, 3)).days + 1
    # The next local midnights in Paris, from the server's tzdata: the browser moves the
    # number on at exactly these instants (static/embed.js). On the third, 14 days after
    # the last confirmation (13 July), the words change: the page asks the server again.
    midnights = " ".join(f"2025-07-{d:02d}T22:00:00Z" for d in range(24, 27))
    assert re.search(rf'Day <time class="sw-n" datetime="2025-07-24" data-n="{day}" '
                     rf'data-as-of="2025-07-24" data-next="{midnights}" data-then="reload" '
                     rf'data-tz="Europe/Paris" data-end="" '
                     rf'data-numbering="latn">{day}</time> of the indefinite hunger strike', html)
    assert 'Demand:</span> <span dir="auto">Her right to residence' in html
    assert 'Since <time datetime="2025-03-03">3 March 2025</time>' in html
    assert "Last confirmed" not in html  # confirmed 11 days before the clock


def test_unconfirmed_strike_says_when_it_was_last_confirmed(client: falcon.testing.TestClient,
                                                            clock: Clock) -> None:
    clock.now += dt.timedelta(days=30)
    html = client.simulate_get("/embed/strike/zehra-kurtay").text
    assert 'Last confirmed on <time datetime="2025-07-13">13 July 2025</time>' in html


def test_ended_strike_says_how_it_ended(client: falcon.testing.TestClient) -> None:
    html = client.simulate_get("/embed/strike/ali-hasan-akgul").text
    assert re.search(r'Released after <time class="sw-n"[^>]*data-end="2025-07-11"[^>]*>144'
                     r"</time> days of hunger strike", html)
    # A range as the language writes it (CLDR's interval formats, months in full).
    assert '<span class="sw-range">18 February\u2009–\u200911 July 2025</span>' in html


def test_removed_strike_is_a_calm_notice(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/embed/strike/example-removed-strike",
                                 query_string="lang=fr")
    # 200: the frame shows a page, and the host page logs no failed resource. (A slug
    # never listed is another matter: test_unknown_slug_is_not_a_removal, below.)
    assert result.status_code == 200
    assert '<html lang="fr"' in result.text
    assert "This hunger strike is no longer listed" not in result.text  # it is in French
    assert 'class="sw-notice"' in result.text
    assert "max-age=300" in result.headers["cache-control"]


@pytest.mark.parametrize("path, query, name", [
    ("/embed/news", "theme=blue", "theme"),
    ("/embed/news", "accent=red", "accent"),
    ("/embed/news", "limit=0", "limit"),
    ("/embed/news", "limit=21", "limit"),
    ("/embed/news", "lang=xx", "lang"),
    ("/embed/news", "status=all", "status"),
    ("/embed/news", "colour=red", "colour"),
    ("/embed/strikes", "country=France", "country"),
    ("/embed/strike/zehra-kurtay", "limit=3", "limit"),
    ("/embed/strike/zehra-kurtay", "layout=wide", "layout"),
    ("/embed/strike/zehra-kurtay", "theme=dark&theme=light", "theme"),
])
def test_invalid_options_give_a_readable_400_page(client: falcon.testing.TestClient, path: str,
                                                  query: str, name: str) -> None:
    result = client.simulate_get(path, query_string=query)
    assert result.status_code == 400
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert "This widget could not be shown" in result.text
    assert f"The option “{name}” in its address is not valid:" in result.text


class NewsPage(HTMLParser):
    """What a reader gets of the news widget's options: language and direction, theme and
    layout, the heading, how many posts and excerpts, the accent stylesheet."""

    def __init__(self, html: str):
        super().__init__()
        self.seen: dict[str, Any] = {"items": 0, "excerpts": 0, "color_scheme": None,
                                     "accent": None}
        self._in_heading = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "html":
            self.seen.update(lang=a["lang"], dir=a["dir"], transparent="sw-transparent" in classes,
                             theme=[c.removeprefix("sw-theme-") for c in classes
                                    if c.startswith("sw-theme-")],
                             layout=[c.removeprefix("sw-layout-") for c in classes
                                     if c.startswith("sw-layout-")])
        elif tag == "meta" and a.get("name") == "color-scheme":
            self.seen["color_scheme"] = a["content"]
        elif tag == "link" and a.get("rel") == "stylesheet" and a["href"].startswith(
                "/embed/accent.css?"):
            self.seen["accent"] = parse_qs(urlsplit(a["href"]).query)["accent"]
        elif tag == "h1":
            self._in_heading = True
            self.seen["heading"] = ""
            self.seen["heading_hidden"] = "sw-visually-hidden" in classes
        elif tag == "li" and "sw-post" in classes:
            self.seen["items"] += 1
        elif tag == "p" and "sw-excerpt" in classes:
            self.seen["excerpts"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self.seen["heading"] += data


@cache
def translated(lang: str, text: str) -> str:
    """`text` as the translators wrote it in the catalogue (not through widget.i18n)."""
    path = ROOT / "widget" / "locales" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        message = read_po(po)[text]
    assert message is not None and message.string, (lang, text)
    return str(message.string)


DEMO_POSTS = len(ET.parse(DEMO / "posts.xml").getroot().findall("./channel/item"))
# The page without options: English, automatic theme, full layout (an excerpt per post),
# the heading shown, 5 posts (the documented default limit).
NEWS_DEFAULTS = {"lang": "en", "dir": "ltr", "theme": ["auto"], "layout": ["full"],
                 "transparent": False, "color_scheme": "light dark", "accent": None,
                 "heading": "Latest news", "heading_hidden": False, "items": 5, "excerpts": 5}


@pytest.mark.parametrize("query, shows", [
    ("", {}),
    ("theme=dark", {"theme": ["dark"], "color_scheme": "dark"}),
    ("theme=light&accent=1d4ed8", {"theme": ["light"], "color_scheme": "light",
                                   "accent": ["1d4ed8"]}),
    ("accent=%23c0392b", {"accent": ["c0392b"]}),
    ("lang=tr", {"lang": "tr", "heading": ("tr", "Latest news")}),
    ("lang=ar", {"lang": "ar", "dir": "rtl", "heading": ("ar", "Latest news")}),
    ("layout=compact", {"layout": ["compact"], "excerpts": 0}),
    # A transparent frame keeps the host page's colour scheme: no color-scheme of its own.
    ("background=transparent", {"transparent": True, "color_scheme": None}),
    # Hidden from sight, still there for screen readers.
    ("header=off", {"heading_hidden": True}),
    ("limit=20", {"items": min(20, DEMO_POSTS), "excerpts": min(20, DEMO_POSTS)}),
])
def test_valid_options(client: falcon.testing.TestClient, query: str,
                       shows: dict[str, Any]) -> None:
    result = client.simulate_get("/embed/news", query_string=query)
    assert result.status_code == 200, result.text
    if "accent" in query:
        assert "/embed/accent.css?accent=" in result.text
    if "lang=ar" in query:
        assert '<html lang="ar" dir="rtl"' in result.text
    expected = {**NEWS_DEFAULTS, **shows}
    if isinstance(expected["heading"], tuple):
        expected["heading"] = translated(*expected["heading"])
    # Each option changes what it should, and nothing else of what the reader sees.
    assert NewsPage(result.text).seen == expected


def test_day_pages_expire_at_local_midnight(client: falcon.testing.TestClient,
                                            clock: Clock) -> None:
    clock.now = dt.datetime(2025, 7, 24, 21, 50, tzinfo=dt.UTC)  # 23:50 in Paris
    result = client.simulate_get("/embed/strike/zehra-kurtay")
    assert "max-age=600" not in result.headers["cache-control"]
    assert "max-age=300" in result.headers["cache-control"]
    clock.now = dt.datetime(2025, 7, 24, 21, 58, tzinfo=dt.UTC)
    result = client.simulate_get("/embed/strike/zehra-kurtay")
    assert result.headers["cache-control"].startswith("public, max-age=120, s-maxage=120")
    again = client.simulate_get("/embed/strike/zehra-kurtay",
                                headers={"If-None-Match": result.headers["etag"]})
    assert again.status_code == 304


def wcag_contrast(a: str, b: str) -> float:
    """Contrast ratio of two `rrggbb` colours, written from WCAG 2.x's definitions of
    relative luminance and contrast ratio, independently of widget.render.colour."""
    def luminance(hex6: str) -> float:
        def linear(byte: str) -> float:
            c = int(byte, 16) / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (linear(hex6[i:i + 2]) for i in (0, 2, 4))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("fore, back, ratio", [
    ("000000", "ffffff", 21.0),  # the largest ratio there is
    ("ffffff", "ffffff", 1.0),  # the smallest
    ("777777", "ffffff", 4.48),  # just fails AA for text
    ("767676", "ffffff", 4.54),  # the lightest grey that passes it
    ("595959", "ffffff", 7.0),  # AAA
    ("ff0000", "ffffff", 4.0),
    ("0000ff", "ffffff", 8.59),
])
def test_the_contrast_oracle_gives_the_published_ratios(fore: str, back: str,
                                                        ratio: float) -> None:
    assert wcag_contrast(fore, back) == pytest.approx(ratio, abs=0.005)
    assert wcag_contrast(back, fore) == wcag_contrast(fore, back)  # the order does not matter


@pytest.mark.parametrize("accent", ["ffff00", "000080", "b3261e", "777777", "ffffff", "000000"])
def test_accent_stylesheet_meets_wcag_aa(client: falcon.testing.TestClient, accent: str) -> None:
    result = client.simulate_get("/embed/accent.css", query_string=f"accent={accent}")
    assert result.status_code == 200
    assert result.headers["content-type"] == "text/css; charset=utf-8"
    light = re.search(r"--sw-accent-light:#([0-9a-f]{6})", result.text).group(1)  # type: ignore[union-attr]
    dark = re.search(r"--sw-accent-dark:#([0-9a-f]{6})", result.text).group(1)  # type: ignore[union-attr]
    assert wcag_contrast(light, LIGHT_BG) >= 4.5
    assert wcag_contrast(dark, DARK_BG) >= 4.5


def test_accent_stylesheet_rejects_bad_colours(client: falcon.testing.TestClient) -> None:
    assert_problem(client.simulate_get("/embed/accent.css", query_string="accent=red"), 400,
                   "accent")


def test_hashed_assets_are_immutable_and_wrong_hashes_are_404(
        client: falcon.testing.TestClient) -> None:
    asset = default_assets()["embed.css"]
    result = client.simulate_get(asset.url)
    assert result.status_code == 200
    assert result.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert result.content == asset.body
    wrong = asset.url.replace(asset.digest, "0" * 12)
    assert_problem(client.simulate_get(wrong), 404)
    assert_problem(client.simulate_get("/static/embed.css"), 404)


def test_loader_is_short_lived_small_and_has_sri(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert result.headers["content-encoding"] == "gzip"
    assert result.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "immutable" not in result.headers["cache-control"]
    assert "max-age=300" in result.headers["cache-control"]
    assert "Accept-Encoding" in result.headers["vary"]
    assert len(result.content) <= 2048  # the budget: 2 KB gzipped, as served
    body = gzip.decompress(result.content)
    asset = default_assets()["widget.js"]
    assert body == asset.body
    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert asset.sri == f"sha384-{digest}"
    plain = client.simulate_get("/widget.js")
    assert "content-encoding" not in plain.headers and plain.content == body
    assert plain.headers["etag"] != result.headers["etag"]
    revalidated = client.simulate_get("/widget.js", headers={
        "Accept-Encoding": "gzip", "If-None-Match": result.headers["etag"]})
    assert revalidated.status_code == 304


def test_loader_never_uses_inner_html() -> None:
    source = default_assets()["widget.js"].body.decode()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert not re.search(r"\.write\(|\.cookie\b|localStorage|sessionStorage", source)


def test_a_bad_query_is_refused_every_time_not_cached(client: falcon.testing.TestClient) -> None:
    for _ in range(2):
        assert client.simulate_get("/embed/news", query_string="theme=blue").status_code == 400
        assert client.simulate_get("/badge/strike/zehra-kurtay.svg",
                                   query_string="style=round").status_code == 400
    # The same query string on another widget is parsed for that widget.
    assert client.simulate_get("/embed/news", query_string="limit=3").status_code == 200
    assert client.simulate_get("/embed/strike/zehra-kurtay",
                               query_string="limit=3").status_code == 400


def test_embed_options_hold_one_field_per_option_with_its_default() -> None:
    import dataclasses

    from widget.render.options import OPTIONS, EmbedOptions

    fields = {f.name: f.default for f in dataclasses.fields(EmbedOptions)}
    assert set(fields) == {o.name for o in OPTIONS} and len(fields) == len(OPTIONS)
    for option in OPTIONS:
        assert str(fields[option.name]) == option.default, option.name
    # The defaults are what a page without a query shows, so they give the empty query.
    assert EmbedOptions().query() == ""
    assert hash(EmbedOptions()) == hash(EmbedOptions())  # its own cache key


def test_numbers_with_more_digits_than_their_range_needs_are_refused(
        client: falcon.testing.TestClient) -> None:
    assert client.simulate_get("/embed/news", query_string="limit=0005").status_code == 400
    assert client.simulate_get("/embed/news", query_string="limit=5").status_code == 200
    assert client.simulate_get("/", query_string="widget=news&height=000100").status_code == 400
    assert client.simulate_get("/", query_string="widget=news&height=100").status_code == 200


# --- a typo is not a removal (issue 10, part 7) --------------------------------------------

UNKNOWN_HEADING = "There is no hunger strike at this address"
REMOVED_HEADING = "This hunger strike is no longer listed"


def _assets_of(html: str) -> list[str]:
    scripts, styles = _inline(html)
    return [*re.findall(r'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html),
            *map(_hash, scripts + styles)]


@pytest.mark.parametrize("slug", ["Zehra-Kurtay", "zehra-kurtai", "zehra_kurtay", "nobody"])
def test_unknown_slug_is_not_a_removal(client: falcon.testing.TestClient, slug: str) -> None:
    """A slug never listed (a typo) is a 404, as in the API, and still a calm page the
    frame shows and fits: the embed page's stylesheet and script (which sends the height
    message), its CSP, the frame's language."""
    result = client.simulate_get(f"/embed/strike/{slug}")
    assert result.status_code == 404
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<h1 class="sw-heading">{UNKNOWN_HEADING}</h1>' in result.text
    assert REMOVED_HEADING not in result.text
    assert 'class="sw-notice sw-unknown" role="note"' in result.text
    page = client.simulate_get("/embed/strike/zehra-kurtay")
    assert _assets_of(result.text) == _assets_of(page.text) != []
    assert _hash(default_assets()["embed.js"].body.decode()) in _assets_of(result.text)
    assert result.headers["content-security-policy"] == page.headers["content-security-policy"]
    assert result.headers["access-control-allow-origin"] == "*"
    # Kept briefly, like every 4xx: the editor may yet add a strike under this slug.
    assert result.headers["cache-control"] == "public, max-age=60"
    assert "expires" not in result.headers
    assert client.simulate_head(f"/embed/strike/{slug}").status_code == 404
    api = client.simulate_get(f"/api/v1/strikes/{slug}")
    assert_problem(api, 404)


def test_unknown_slug_page_follows_the_options(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/embed/strike/nobody", query_string="lang=ar&theme=dark")
    assert result.status_code == 404
    assert '<html lang="ar" dir="rtl" class="sw-theme-dark' in result.text
    # A wrong option is still named, as on any embed page.
    assert client.simulate_get("/embed/strike/nobody",
                               query_string="theme=blue").status_code == 400


def test_removed_and_unknown_slugs_stay_apart(client: falcon.testing.TestClient) -> None:
    removed = client.simulate_get("/embed/strike/example-removed-strike")
    assert removed.status_code == 200
    assert REMOVED_HEADING in removed.text and UNKNOWN_HEADING not in removed.text
    assert "max-age=300" in removed.headers["cache-control"]
    assert client.simulate_get("/api/v1/strikes/example-removed-strike").status_code == 410
    # Every unknown slug shares one rendering (made-up slugs push nothing out of the
    # render cache), and it is not the removed strikes' one.
    first = client.simulate_get("/embed/strike/made-up-1")
    second = client.simulate_get("/embed/strike/made-up-2")
    assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
    assert first.content != removed.content
    # The page itself never names the slug: nothing typed in an address is shown back.
    assert "made-up-1" not in first.text


@pytest.mark.parametrize("slug, api_status, reason", [
    ("example-removed-strike", 410,
     "the hunger strike 'example-removed-strike' was removed from the list on 2025-07-01"),
    ("zehra-kurtai", 404, "no hunger strike is listed as 'zehra-kurtai'"),
])
def test_the_builder_and_the_api_tell_a_typo_from_a_removal(
        client: falcon.testing.TestClient, slug: str, api_status: int, reason: str) -> None:
    import html

    api = assert_problem(client.simulate_get(f"/api/v1/strikes/{slug}"), api_status)
    builder = client.simulate_get("/", query_string=f"strike={slug}")
    assert builder.status_code == 400  # a choice the builder cannot make a snippet of
    assert f'<span lang="en" dir="ltr">{reason}</span>' in html.unescape(builder.text)
    assert ("removed from the list" in api["detail"]) == (api_status == 410)
    embed = client.simulate_get(f"/embed/strike/{slug}")
    assert embed.status_code == (200 if api_status == 410 else 404)

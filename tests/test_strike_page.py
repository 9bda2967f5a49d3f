"""A strike's own page, /strike/SLUG: public, indexable, its share card, its words in the
reader's language, and what links there."""

from __future__ import annotations

import struct
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import falcon.testing
import pytest

from tests.conftest import assert_problem, copy_demo_with_words
from widget.i18n import LANGUAGES

BASE = "http://127.0.0.1:8000"
@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """The demo, with Turkish words and an action for Zehra Kurtay's strike."""
    return copy_demo_with_words(tmp_path / "demo")


class Crawler(HTMLParser):
    """What a link-preview crawler reads: <meta property|name content>, <link>, <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.sources: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and "content" in a:
            self.meta.setdefault(a.get("property") or a.get("name") or "", a["content"])
        if tag == "link":
            self.links.append(a)
        if tag in ("script", "img", "iframe") and a.get("src"):
            self.sources.append(a["src"])
        if tag == "link" and a.get("rel") == "stylesheet":
            self.sources.append(a["href"])
        if tag == "a":
            self.anchors.append(a.get("href", ""))


def crawl(html: str) -> Crawler:
    crawler = Crawler()
    crawler.feed(html)
    return crawler


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_page_is_public_indexable_and_shareable(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/strike/zehra-kurtay")
    assert result.status_code == 200
    assert "set-cookie" not in result.headers
    assert "script-src 'self'" in result.headers["content-security-policy"]
    page = crawl(result.text)
    assert "robots" not in page.meta  # indexable, unlike the bare embed pages
    # Nothing from other hosts: every script, style and image is this service's.
    assert all(not urlsplit(src).netloc or src.startswith(BASE) for src in page.sources)
    canonical = next(link["href"] for link in page.links if link.get("rel") == "canonical")
    assert canonical == BASE + "/strike/zehra-kurtay"
    assert page.meta["og:url"] == canonical
    assert page.meta["og:title"].startswith("Zehra Kurtay: hunger strike")
    assert "Demand: Her right to residence" in page.meta["og:description"]
    assert page.meta["og:locale"] == "en_GB"
    assert page.meta["twitter:card"] == "summary_large_image"
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "630")
    hreflangs = {link["hreflang"] for link in page.links if link.get("hreflang")}
    assert hreflangs == set(LANGUAGES)
    # The card the crawler fetches next.
    image = urlsplit(page.meta["og:image"])
    card = client.simulate_get(image.path, query_string=image.query)
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    assert png_size(card.content) == (1200, 630)
    # The page holds what it is for: the counter, the timeline, the posts, the ways to act.
    text = result.text
    assert 'class="sw-n"' in text and "The hunger strike began" in text
    assert "Sign the petition" in text and 'href="https://petition.example/zehra"' in text
    assert 'class="sw-share"' in text
    assert 'href="http://127.0.0.1:8000/feeds/strikes.atom?strike=zehra-kurtay"' in text
    assert "is4pp.example/2025/07/13/struggle-against-expulsion" in text  # a related post
    assert "/?strike=zehra-kurtay" in text  # how to embed it: the builder, and the snippet
    assert ('&lt;a class=&#34;solidarity-widget&#34; href=&#34;'
            'http://127.0.0.1:8000/embed/strike/zehra-kurtay&#34;') in text
    assert "&lt;script async src=&#34;http://127.0.0.1:8000/widget.js&#34;&gt;" in text


def test_the_page_speaks_the_readers_language(client: falcon.testing.TestClient) -> None:
    tr = client.simulate_get("/strike/zehra-kurtay", params={"lang": "tr"})
    page = crawl(tr.text)
    assert page.meta["og:locale"] == "tr_TR"
    assert page.meta["og:url"] == BASE + "/strike/zehra-kurtay?lang=tr"
    assert "Dilekçeyi imzalayın" in tr.text and "Porte de Strasbourg&#39;daki" in tr.text
    ar = client.simulate_get("/strike/zehra-kurtay", params={"lang": "ar"}).text
    assert '<html lang="ar" dir="rtl"' in ar
    en, rtl = (client.simulate_get("/card/strike/zehra-kurtay.png", params=q).content
               for q in ({}, {"lang": "ar"}))
    assert png_size(rtl) == (1200, 630) and rtl != en
    wrong = client.simulate_get("/strike/zehra-kurtay", params={"lang": "xx"})
    assert wrong.status_code == 400 and "lang" in wrong.text  # a page naming the option
    assert wrong.headers["content-type"].startswith("text/html")


def test_removed_and_unknown_strikes_as_in_the_widgets(
        client: falcon.testing.TestClient) -> None:
    removed = client.simulate_get("/strike/example-removed-strike")
    assert removed.status_code == 200 and "no longer listed" in removed.text
    typo = client.simulate_get("/strike/zehra-kurtey")
    assert typo.status_code == 404 and "There is no hunger strike at this address" in typo.text
    assert_problem(client.simulate_get("/card/strike/example-removed-strike.png"), 410)
    assert_problem(client.simulate_get("/card/strike/zehra-kurtey.png"), 404)


def test_widgets_feeds_and_oembed_lead_there(client: falcon.testing.TestClient) -> None:
    page = BASE + "/strike/zehra-kurtay"
    assert f'href="{page}?lang=fr"' in client.simulate_get(
        "/embed/strike/zehra-kurtay", params={"lang": "fr"}).text
    assert f'href="{page}"' in client.simulate_get("/embed/strikes").text
    assert f'href="{page}"' in client.simulate_get("/feeds/strikes.atom").text
    html = client.simulate_get("/oembed", params={
        "url": BASE + "/embed/strike/zehra-kurtay"}).json["html"]
    assert f'<a href="{page}">' in html


def test_the_card_says_what_the_page_says() -> None:

    from tests.test_strikes_file import GOOD
    from widget.render.card import card_text
    from widget.strikes import parse_strikes
    zehra = parse_strikes(GOOD)[0]
    text = card_text(zehra, "Day 134 of the indefinite hunger strike", "en", "IS4PP",
                     "#b3261e")
    assert (text.name, text.demand, text.site) == ("Zehra Kurtay",
                                                  "Demand: Right to residence", "IS4PP")


def test_the_organisation_names_countries_its_own_way(demo_dir: Path) -> None:
    """Kurmanji readers of this organisation write "Tirkiye", CLDR "Türkiye"."""
    from widget.config import ConfigError, load_config
    from widget.http.app import create_app
    from widget.store import Store
    from widget.sync import sync_all

    config_file = demo_dir / "widget.toml"
    original = config_file.read_text()
    config_file.write_text(original + '\n[country_names.ku]\nTR = "Tirkiye"\n'
                           '[country_names.en]\nPS = "Palestine"\n')
    config = load_config(config_file, environ={})
    assert dict(dict(config.country_names)["ku"]) == {"TR": "Tirkiye"}
    # Kept with the last good config a worker falls back on.
    from widget.fallback import dump_config, undump_config
    assert undump_config(dump_config(config)) == config
    with Store(config.database) as store:
        sync_all(config, store)
        client = falcon.testing.TestClient(create_app(config, store=store))
        ku = client.simulate_get("/embed/strike/ali-hasan-akgul", params={"lang": "ku"}).text
        assert "Tirkiye" in ku and "Türkiye" not in ku
        tr = client.simulate_get("/embed/strike/ali-hasan-akgul", params={"lang": "tr"}).text
        assert "Türkiye" in tr  # other languages keep CLDR's
    for wrong, message in (('[country_names.xx]\nTR = "T"\n', "country_names.xx: not an "
                                                              "interface language"),
                           ('[country_names.ku]\nTurkey = "T"\n', "country_names.ku.Turkey: "
                                                                  "not an ISO 3166-1"),
                           ('[country_names.ku]\nTR = ""\n', "country_names.ku.TR: must be")):
        config_file.write_text(original + "\n" + wrong)
        with pytest.raises(ConfigError) as info:
            load_config(config_file, environ={})
        assert any(message in p for p in info.value.problems), info.value.problems


def test_the_strikes_own_feed(client: falcon.testing.TestClient) -> None:
    import feedparser

    one = feedparser.parse(client.simulate_get("/feeds/strikes.atom",
                                               params={"strike": "ali-hasan-akgul"}).content)
    assert one.entries and all(e.link == BASE + "/strike/ali-hasan-akgul" for e in one.entries)
    every = feedparser.parse(client.simulate_get("/feeds/strikes.atom").content)
    assert len(every.entries) > len(one.entries)
    assert_problem(client.simulate_get("/feeds/strikes.atom", params={"strike": "nobody"}), 404)
    assert_problem(client.simulate_get("/feeds/strikes.atom",
                                       params={"strike": "example-removed-strike"}), 410)

"""The widget builder at / and the API page at /api: snippet functions, server-side
rendering of every choice, escaping, and readable 400s."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import falcon.testing
import pytest

from tests.conftest import Clock
from widget import i18n
from widget.config import Config, load_config
from widget.http.app import create_app
from widget.http.builder import Choices, build
from widget.http.openapi import openapi_document
from widget.i18n import translations
from widget.model import Kind, Status, Strike
from widget.render.options import EmbedOptions, parse_options
from widget.render.snippets import (
    BADGE_HEIGHT,
    BADGE_STYLES,
    Badge,
    Embed,
    Size,
    badge_bbcode,
    badge_html,
    badge_markdown,
    badge_snippets,
    iframe,
    oembed_link,
    script_tag,
    widget_snippets,
)
from widget.store import Store
from widget.sync import sync_all

BASE = "http://127.0.0.1:8000"
EVIL = 'Zehra <script>alert("x")</script> & [Kurtay] *_`'


class Page(HTMLParser):
    """The parts of a builder page a test looks at, as the browser would see them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.textareas: dict[str, str] = {}
        self._area: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {k: v or "" for k, v in attrs}
        self.tags.append((tag, named))
        if tag == "textarea":
            self._area = named["id"].removeprefix("b-snippet-")
            self.textareas[self._area] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._area = None

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            self.textareas[self._area] += data

    def first(self, tag: str, **attrs: str) -> dict[str, str] | None:
        for name, found in self.tags:
            if name == tag and all(found.get(k) == v for k, v in attrs.items()):
                return found
        return None


def get(client: falcon.testing.TestClient, query: str = "", path: str = "/"
        ) -> falcon.testing.Result:
    return client.simulate_get(path, query_string=query)


# --- the snippet functions ----------------------------------------------------------------


def test_script_tag_is_the_readme_snippet() -> None:
    embed = Embed("https://widgets.example.org", "strike", EmbedOptions(), "zehra-kurtay")
    assert script_tag(embed, "Zehra Kurtay: hunger strike") == (
        '<a class="solidarity-widget" href="https://widgets.example.org/embed/strike/'
        'zehra-kurtay">Zehra Kurtay: hunger strike</a>\n'
        '<script async src="https://widgets.example.org/widget.js"></script>')
    news = Embed("https://widgets.example.org", "news", EmbedOptions(limit=5, lang="fr"))
    assert script_tag(news, "Latest news", Size(320, 180)) == (
        '<a class="solidarity-widget" href="https://widgets.example.org/embed/news?lang=fr" '
        'data-width="320" data-height="180">Latest news</a>\n'
        '<script async src="https://widgets.example.org/widget.js"></script>')


@pytest.mark.parametrize("widget, slug, size, width, height", [
    ("strike", "zehra-kurtay", Size(), "100%", "200"),
    ("news", "", Size(), "100%", "440"),
    ("strikes", "", Size(), "100%", "520"),
    ("news", "", Size(300, 600), "300", "600"),
    ("strike", "zehra-kurtay", Size(None, 90), "100%", "90"),
])
def test_iframe_takes_the_size_or_the_widgets_default(widget: str, slug: str, size: Size,
                                                      width: str, height: str) -> None:
    embed = Embed(BASE, widget, EmbedOptions(theme="dark"), slug)
    (tag,) = Page(iframe(embed, "T", size)).tags
    assert tag == ("iframe", {
        "src": embed.url, "title": "T", "width": width, "height": height,
        "style": "border:0" if size.width is None else "border:0;max-width:100%",
        "loading": "lazy", "referrerpolicy": "no-referrer",
        "sandbox": "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox",
        "allow": "web-share; clipboard-write"})


@pytest.mark.parametrize("widget, options, query", [
    ("strike", EmbedOptions(limit=3, images="off", status="all", lang="de"), "?lang=de"),
    ("strikes", EmbedOptions(limit=3, images="off", category="x"), "?limit=3"),
    ("news", EmbedOptions(limit=3, images="off", status="ended"), "?limit=3&images=off"),
    ("news", EmbedOptions(accent="c0392b", theme="dark", layout="compact",
                          background="transparent"),
     "?theme=dark&accent=c0392b&layout=compact&background=transparent"),
])
def test_embed_urls_carry_only_what_the_widget_takes(widget: str, options: EmbedOptions,
                                                     query: str) -> None:
    embed = Embed(BASE, widget, options, "zehra-kurtay" if widget == "strike" else "")
    assert embed.url.endswith(query) and "?" + embed.url.partition("?")[2] == query
    # The embed page accepts every parameter the snippet gives it, and reads back the same.
    parsed = parse_options(widget, dict(parse_qsl(urlsplit(embed.url).query)))
    assert parsed == embed.options
    assert oembed_link(embed) == embed.url


def test_embed_refuses_what_cannot_be_embedded() -> None:
    with pytest.raises(ValueError):
        Embed(BASE, "badge", EmbedOptions())
    with pytest.raises(ValueError):
        Embed(BASE, "strike", EmbedOptions())
    with pytest.raises(ValueError):
        Embed(BASE, "news", EmbedOptions(), "zehra-kurtay")


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
    return int.from_bytes(body[16:20], "big"), int.from_bytes(body[20:24], "big")


@pytest.mark.parametrize("badge, svg", [
    (Badge(BASE, "zehra-kurtay"), "/badge/strike/zehra-kurtay.svg"),
    (Badge(BASE, "zehra-kurtay", theme="auto"), "/badge/strike/zehra-kurtay.svg"),
    (Badge(BASE, "zehra-kurtay", "for-the-badge", "ar", "dark"),
     "/badge/strike/zehra-kurtay.svg?style=for-the-badge&lang=ar&theme=dark"),
    (Badge(BASE, "a-b", "flat-square", "en", "light"), "/badge/strike/a-b.svg?style=flat-square"),
])
def test_badge_urls(badge: Badge, svg: str) -> None:
    assert badge.url() == BASE + svg
    assert badge.url("png") == BASE + svg.replace(".svg", ".png")
    # The 1x PNG: the scale comes last, after the options the badge is drawn with.
    png1 = badge.url("png", scale=1)
    assert png1 == BASE + svg.replace(".svg", ".png") + ("&" if "?" in svg else "?") + "scale=1"
    assert badge.url("png", scale=2) == badge.url("png")
    assert badge.height == BADGE_HEIGHT[badge.style]


def test_badge_refuses_unknown_styles_themes_and_formats() -> None:
    with pytest.raises(ValueError):
        Badge(BASE, "x", style="plastic")
    with pytest.raises(ValueError):
        Badge(BASE, "x", theme="sepia")
    with pytest.raises(ValueError):
        Badge(BASE, "x").url("gif")
    with pytest.raises(ValueError):
        Badge(BASE, "x").url("svg", scale=1)  # an SVG has no pixels to count
    with pytest.raises(ValueError):
        Badge(BASE, "x").url("png", scale=3)


def test_badge_heights_are_the_heights_served(client: falcon.testing.TestClient) -> None:
    """A snippet pins the badge's height: the one the served image has."""
    for style in BADGE_STYLES:
        badge = Badge(BASE, "zehra-kurtay", style)
        path, _, query = badge.path().partition("?")
        svg = client.simulate_get(path, query_string=query).text
        found = re.search(r'<svg [^>]*height="(\d+)"', svg)
        assert found and int(found[1]) == badge.height == BADGE_HEIGHT[style], style


def test_every_badge_form() -> None:
    counter = Embed(BASE, "strike", EmbedOptions(lang="fr"), "zehra-kurtay")
    badge = Badge(BASE, "zehra-kurtay", "for-the-badge", "fr", width=321)
    post = "https://is4pp.example/2025/07/13/zehra"
    forms = {s.form: s.text for s in badge_snippets(badge, counter, "Zehra Kurtay", post)}
    link = f"{BASE}/embed/strike/zehra-kurtay?lang=fr"
    svg = f"{BASE}/badge/strike/zehra-kurtay.svg?style=for-the-badge&lang=fr"
    png = svg.replace(".svg", ".png")
    esc = "&amp;"
    assert forms == {
        # On web pages the width follows the text (the day count grows): the height only.
        "badge-html": f'<a href="{post}"><img src="{svg.replace("&", esc)}" '
                      f'alt="Zehra Kurtay" height="28"></a>',
        "badge-markdown": f"[![Zehra Kurtay]({svg})]({post})",
        # A forum shows an image at its pixel size: the 1x PNG.
        "badge-bbcode": f"[url={post}][img]{png}&scale=1[/img][/url]",
        # E-mail: the 2x PNG at its size in px, both given.
        "badge-email": f'<a href="{post}"><img src="{png.replace("&", esc)}" '
                       f'alt="Zehra Kurtay" width="321" height="28" '
                       f'style="height:auto;max-width:100%;border:0"></a>',
        "link": link,  # oEmbed: the counter page itself
    }
    # Without a post to link to, the images link to the counter page; without a width,
    # the e-mail form gives the height only.
    unsized = Badge(BASE, "zehra-kurtay", "for-the-badge", "fr")
    forms = {s.form: s.text for s in badge_snippets(unsized, counter, "Zehra Kurtay")}
    assert forms["badge-html"].startswith(f'<a href="{link}">')
    assert forms["badge-bbcode"].startswith(f"[url={link}]")
    assert forms["badge-email"] == (f'<a href="{link}"><img src="{png.replace("&", esc)}" '
                                    f'alt="Zehra Kurtay" height="28"></a>')


def test_badges_link_to_the_strikes_own_page() -> None:
    """As the widget's "Read more" does: the strike's page, in the badge's language."""
    base = Strike(slug="a-b", name="A B", country="FR", place="Paris", timezone="Europe/Paris",
                  start_date=dt.date(2025, 3, 3), kind=Kind.INDEFINITE, status=Status.ACTIVE,
                  related_posts=("https://org.example/post",))
    for choices, link in ((Choices(kind="badge", strike="a-b"), f"{BASE}/strike/a-b"),
                          (Choices(kind="badge", strike="a-b",
                                   options=EmbedOptions(lang="fr")), f"{BASE}/strike/a-b?lang=fr")):
        result = build(choices, {"a-b": base}, BASE)
        forms = {s.form: s.text for s in result.snippets}
        assert forms["badge-html"].startswith(f'<a href="{link}">')
        assert forms["badge-markdown"].endswith(f"]({link})")
        assert forms["badge-bbcode"].startswith(f"[url={link}]")
        assert forms["badge-email"].startswith(f'<a href="{link}">')
        assert forms["link"].startswith(f"{BASE}/embed/strike/a-b")


def test_the_builder_gives_the_badges_real_size(client: falcon.testing.TestClient) -> None:
    """The e-mail form's width and height are the badge's as served, in px; the BBCode
    form's PNG has exactly that many pixels, the e-mail form's twice as many."""
    for query in ("widget=badge", "widget=badge&style=for-the-badge&lang=ar&theme=dark",
                  "widget=badge&strike=ali-hasan-akgul&style=flat-square&lang=de"):
        page = Page(get(client, query).text)
        forms = page.textareas
        email = Page(forms["badge-email"]).first("img")
        assert email is not None
        width, height = int(email["width"]), int(email["height"])
        svg_path = page.first("img", id="b-preview-badge")["src"]  # type: ignore[index]
        path, _, q = svg_path.partition("?")
        svg = client.simulate_get(path, query_string=q).text
        found = re.search(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg)
        assert found and (int(found[1]), int(found[2])) == (width, height), query
        # The preview gives the image its size too: nothing moves when it comes in.
        preview = page.first("img", id="b-preview-badge")
        assert preview and (preview["width"], preview["height"]) == (str(width), str(height))
        bbcode = re.fullmatch(r"\[url=[^\]]+\]\[img\](.+)\[/img\]\[/url\]", forms["badge-bbcode"])
        assert bbcode, forms["badge-bbcode"]
        for url, scale in ((bbcode[1], 1), (email["src"], 2)):
            path, _, q = url.removeprefix(BASE).partition("?")
            png = client.simulate_get(path, query_string=q)
            assert png.status_code == 200 and png.headers["content-type"] == "image/png"
            assert png_size(png.content) == (scale * width, scale * height), (query, url)


def test_names_are_escaped_in_every_form() -> None:
    embed = Embed(BASE, "strike", EmbedOptions(lang="fr"), "zehra-kurtay")
    badge = Badge(BASE, "zehra-kurtay")
    for snippet in (script_tag(embed, EVIL), iframe(embed, EVIL), badge_html(badge, BASE, EVIL)):
        assert "<script>alert" not in snippet and '"x"' not in snippet
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; [Kurtay]" in snippet
    # The parsed HTML gives back exactly the name.
    (a, script) = Page(script_tag(embed, EVIL)).tags
    assert a[1]["href"] == embed.url and script[1]["src"] == BASE + "/widget.js"
    assert Page(iframe(embed, EVIL)).tags[0][1]["title"] == EVIL
    assert Page(badge_html(badge, BASE, EVIL)).tags[1][1]["alt"] == EVIL
    markdown = badge_markdown(badge, embed.url, EVIL + "\n  ~~x~~")
    assert markdown.startswith(
        r'[![Zehra \<script\>alert("x")\</script\> \& \[Kurtay\] \*\_\` \~\~x\~\~]('
        + badge.url() + ")](")


def test_urls_cannot_break_out_of_markdown_or_bbcode() -> None:
    badge = Badge("https://w.example/a b(c)[d]", "zehra-kurtay")
    link = "https://w.example/x?y=[1](2) 3"
    markdown = badge_markdown(badge, link, "Z")
    bbcode = badge_bbcode(badge, link)
    destinations = re.findall(r"\]\(([^)]*)\)", markdown)
    assert destinations == ["https://w.example/a%20b%28c%29%5Bd%5D/badge/strike/zehra-kurtay.svg",
                            "https://w.example/x?y=%5B1%5D%282%29%203"]
    assert bbcode == ("[url=https://w.example/x?y=%5B1%5D%282%29%203][img]https://w.example/"
                      "a%20b%28c%29%5Bd%5D/badge/strike/zehra-kurtay.png?scale=1[/img][/url]")


def test_widget_snippets_are_the_three_forms_most_capable_first() -> None:
    embed = Embed(BASE, "news", EmbedOptions())
    assert [s.form for s in widget_snippets(embed, "Latest news")] == ["script", "iframe", "link"]


# --- the builder page ---------------------------------------------------------------------


def test_builder_defaults_to_the_first_ongoing_strikes_counter(
        client: falcon.testing.TestClient) -> None:
    result = get(client)
    assert result.status_code == 200
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert re.match(r"default-src 'none'; script-src 'self'( 'sha256-[^']+')*; "
                    r"style-src 'self'( 'sha256-[^']+')*; img-src 'self' data:; ",
                    result.headers["content-security-policy"])
    assert "set-cookie" not in result.headers
    assert result.headers["cache-control"].startswith("public, max-age=300")
    assert result.headers["etag"]
    html = result.text
    assert "<script>" not in html and "style=\"" not in html.split("<textarea")[0]
    assert "<style" not in html and not re.search(r"\son\w+=", html)
    page = Page(html)
    embed = Embed(BASE, "strike", EmbedOptions(), "zehra-kurtay")
    title = "Zehra Kurtay: hunger strike"
    # Without JavaScript the link tells what stays true: the start and the demand.
    fallback = (f"Zehra Kurtay began a hunger strike on "
                f"{i18n.long_date(dt.date(2025, 3, 3), 'en')}. Demand: "
                "Her right to residence in France as a political refugee")
    assert page.textareas == {s.form: s.text for s in widget_snippets(embed, title, Size(),
                                                                      fallback)}
    assert f">{fallback}</a>" in page.textareas["script"]
    assert page.first("iframe", id="b-preview-frame")["src"] == embed.path  # type: ignore[index]
    assert page.first("input", name="widget", value="strike", checked="") is not None
    assert page.first("option", value="zehra-kurtay", selected="") is not None
    assert page.first("form", id="b-form")["method"] == "get"  # type: ignore[index]
    # Every option of the JSON API's OpenAPI document and its page are linked.
    assert page.first("a", href="/api/v1/openapi.json") and page.first("a", href="/api")


def test_every_control_has_a_label(client: falcon.testing.TestClient) -> None:
    page = Page(get(client).text)
    labelled = {attrs["for"] for tag, attrs in page.tags if tag == "label"}
    for tag, attrs in page.tags:
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            assert attrs["id"] in labelled, attrs


CASES = [
    # (query, kind of preview, its src, forms of snippets, a piece of the first snippet)
    ("widget=news&limit=3&images=off&lang=de", "iframe", "/embed/news?lang=de&limit=3&images=off",
     ["script", "iframe", "link"], 'href="http://127.0.0.1:8000/embed/news?lang=de&amp;limit=3'
                                   '&amp;images=off" data-title="{0}">{0} · International '
                                   'Solidarity for Political Prisoners</a>'.format(
                                       translations("de").gettext("Latest news"))),
    ("widget=strikes&theme=dark&layout=compact&limit=2", "iframe",
     "/embed/strikes?theme=dark&layout=compact&limit=2", ["script", "iframe", "link"],
     ' data-title="Hunger strikes">Hunger strikes · '),
    ("widget=strike&strike=ali-hasan-akgul&accent=%23C0392B&background=transparent&width=320"
     "&height=180", "iframe",
     "/embed/strike/ali-hasan-akgul?accent=c0392b&background=transparent",
     ["script", "iframe", "link"], 'data-width="320" data-height="180" data-title="Ali Hasan '
                                   'Akgül: hunger strike">Ali Hasan Akgül began a hunger strike'),
    ("widget=badge&strike=s-r-y-type-prisons&style=for-the-badge&theme=dark&lang=ar", "img",
     "/badge/strike/s-r-y-type-prisons.svg?style=for-the-badge&lang=ar&theme=dark",
     ["badge-html", "badge-markdown", "badge-bbcode", "badge-email", "link"],
     # The strike's own page ("Read more"), in the badge's language.
     '<a href="http://127.0.0.1:8000/strike/s-r-y-type-prisons?lang=ar">'
     '<img src="http://127.0.0.1:8000/badge/strike/s-r-y-type-prisons.svg?style=for-the-badge'
     '&amp;lang=ar&amp;theme=dark"'),
    # Blank fields are "the default", as a form sends them; choices that do not apply to
    # the widget are left out of its snippets.
    ("widget=strike&strike=zehra-kurtay&theme=auto&accent=&lang=en&layout=full&limit=7"
     "&images=off&width=&height=&style=flat", "iframe", "/embed/strike/zehra-kurtay",
     ["script", "iframe", "link"], '<a class="solidarity-widget" href="http://127.0.0.1:8000/'
                                   'embed/strike/zehra-kurtay" data-title='),
]


@pytest.mark.parametrize("query, tag, src, forms, piece", CASES)
def test_each_choice_is_rendered_by_the_server(client: falcon.testing.TestClient, query: str,
                                               tag: str, src: str, forms: list[str],
                                               piece: str) -> None:
    result = get(client, query)
    assert result.status_code == 200, result.text
    page = Page(result.text)
    preview = page.first(tag, id="b-preview-frame" if tag == "iframe" else "b-preview-badge")
    assert preview is not None and preview["src"] == src
    assert list(page.textareas) == forms
    first = page.textareas[forms[0]]
    assert piece in first, first
    assert page.textareas["link"].startswith(BASE + "/embed/")
    # The state is a URL: asking for it gives the same page.
    state = page.first("form", id="b-form")["data-state"]  # type: ignore[index]
    again = Page(get(client, state.removeprefix("?")).text)
    assert again.textareas == page.textareas


def test_the_preview_frame_reserves_the_chosen_size(client: falcon.testing.TestClient) -> None:
    page = Page(get(client, "widget=news&width=300&height=500").text)
    frame = page.first("iframe", id="b-preview-frame")
    assert frame is not None and (frame["width"], frame["height"]) == ("300", "500")
    frame = Page(get(client, "widget=news").text).first("iframe", id="b-preview-frame")
    assert frame is not None and "width" not in frame and frame["height"] == "440"


def test_measured_heights_reach_the_snippets_but_not_the_address(
        client: falcon.testing.TestClient) -> None:
    """`fit` is what builder.js measured of the preview: the script snippet reserves it,
    the plain iframe takes the height at its width, and the shared state leaves it out."""
    fit = "200:300 400:250"
    page = Page(get(client, "widget=news&fit=" + fit.replace(" ", "+")).text)
    assert page.first("input", type="hidden", name="fit", id="b-fit", value=fit) is not None
    assert f'data-fit="{fit}"' in page.textareas["script"]
    assert 'container-type:inline-size' in page.textareas["script"]
    assert 'height="300"' in page.textareas["iframe"]  # at a 280 px column, the narrowest
    state = page.first("form", id="b-form")["data-state"]  # type: ignore[index]
    assert state == "?widget=news"
    links = [a["href"] for tag, a in page.tags if tag == "a" and "hreflang" in a]
    assert links and not any("fit" in href for href in links)
    wide = Page(get(client, "widget=news&width=500&fit=" + fit.replace(" ", "+")).text)
    assert 'width="500" height="250"' in wide.textareas["iframe"]
    # A chosen height wins over the measured ones.
    chosen = Page(get(client, "widget=news&height=600&fit=" + fit.replace(" ", "+")).text)
    assert "data-fit" not in chosen.textareas["script"]
    assert 'height="600"' in chosen.textareas["iframe"]
    # Without measurements the form carries an empty field, which the script fills in.
    assert Page(get(client).text).first("input", id="b-fit", value="") is not None
    bad = get(client, "fit=200:300+100:250")
    assert bad.status_code == 400 and "The choice “fit” is not valid:" in bad.text


def test_the_first_tab_stop_skips_to_the_choices(client: falcon.testing.TestClient) -> None:
    page = Page(get(client).text)
    body = next(i for i, (tag, _) in enumerate(page.tags) if tag == "body")
    tag, attrs = page.tags[body + 1]
    assert (tag, attrs.get("class"), attrs.get("href")) == ("a", "b-skip", "#b-form")
    assert page.first("form", id="b-form") is not None
    # The API's page skips to its content.
    page = Page(get(client, path="/api").text)
    body = next(i for i, (tag, _) in enumerate(page.tags) if tag == "body")
    assert page.tags[body + 1][1].get("href") == "#main" and page.first("main", id="main")


def test_the_height_is_asked_for_in_plain_words(client: falcon.testing.TestClient) -> None:
    html = get(client).text
    assert '<label for="b-height">Height in pixels</label>' in html
    assert "Best left empty: the widget is then as tall as its content." in html
    assert "keep free" not in html
    # Neither size changes the widget measured: builder.js keeps its heights for them.
    page = Page(html)
    for name in ("width", "height"):
        assert "data-keeps-fit" in page.first("input", id=f"b-{name}")  # type: ignore[operator]
    assert "data-keeps-fit" not in page.first("input", id="b-accent")  # type: ignore[operator]


def test_choices_that_do_not_apply_are_hidden(client: falcon.testing.TestClient) -> None:
    page = Page(get(client, "widget=badge").text)
    hiding = [attrs for _tag, attrs in page.tags if "data-for" in attrs]
    assert len(hiding) >= 5
    for attrs in hiding:
        assert ("hidden" in attrs) == ("badge" not in attrs["data-for"].split()), attrs


def test_the_strike_list_shows_every_strike_grouped(client: falcon.testing.TestClient) -> None:
    html = get(client).text
    ongoing, ended = html.split('<optgroup label="Ended">')
    assert 'value="zehra-kurtay"' in ongoing and 'value="s-r-y-type-prisons"' in ongoing
    assert 'value="ali-hasan-akgul"' in ended


@pytest.mark.parametrize("query, name", [
    ("widget=clock", "widget"),
    ("strike=nobody", "strike"),
    ("accent=zz", "accent"),
    ("widget=news&limit=50", "limit"),
    ("width=5", "width"),
    ("height=abc", "height"),
    ("width=%C2%B2", "width"),  # "²" is a digit to str.isdigit(), not to int()
    ("width=%D9%A3%D9%A2%D9%A0", "width"),  # Arabic-Indic 320: ASCII digits only
    ("style=plastic", "style"),
    ("theme=sepia", "theme"),
    ("lang=xx", "lang"),
    ("ui=xx", "ui"),
    ("colour=red", "colour"),
    ("theme=dark&theme=light", "theme"),
])
def test_a_wrong_choice_is_a_readable_400_naming_it(client: falcon.testing.TestClient,
                                                    query: str, name: str) -> None:
    result = get(client, query)
    assert result.status_code == 400
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    assert result.headers["cache-control"] == "public, max-age=60"
    html = result.text
    assert 'role="alert"' in html
    assert f"The choice “{name}” is not valid:" in html
    page = Page(html)
    assert page.textareas == {}  # no snippet for choices that do not work
    assert page.first("form", id="b-form") is not None  # but the form, to correct them


def test_a_wrong_choice_keeps_the_interface_language(client: falcon.testing.TestClient) -> None:
    html = get(client, "ui=ar&accent=zz").text
    assert '<html lang="ar" dir="rtl">' in html
    # What was typed stays in the field, to be corrected.
    accent = Page(html).first("input", id="b-accent")
    assert accent is not None and accent["value"] == "zz" and accent["aria-invalid"] == "true"
    # The form shows the choices of the widget asked for, not of the defaults.
    page = Page(get(client, "widget=news&accent=zz").text)
    limit = page.first("fieldset", **{"data-for": "news strikes"})
    assert limit is not None and "hidden" not in limit
    assert page.first("input", id="b-widget-news", checked="") is not None


@pytest.mark.parametrize("code, direction", [("fr", "ltr"), ("ar", "rtl"), ("ku", "ltr")])
def test_the_builder_speaks_each_interface_language(client: falcon.testing.TestClient,
                                                    code: str, direction: str) -> None:
    html = get(client, f"ui={code}").text
    assert f'<html lang="{code}" dir="{direction}">' in html
    page = Page(html)
    # The widget speaks the builder's language unless told otherwise…
    assert page.first("option", value=code, selected="") is not None
    assert f"?lang={code}" in page.textareas["link"]
    # …and the form keeps the interface language when it is sent.
    assert page.first("input", type="hidden", name="ui", value=code) is not None
    # Each language is offered in its own name, with its own lang.
    assert page.first("a", hreflang="ar", lang="ar") is not None
    # The snippet's title is in the widget's language.
    news = Page(get(client, f"ui={code}&widget=news").text).textareas["script"]
    assert f'data-title="{translations(code).gettext("Latest news")}"' in news
    assert "Latest news" not in news


def test_switching_the_interface_language_keeps_the_choices(
        client: falcon.testing.TestClient) -> None:
    page = Page(get(client, "widget=news&limit=3").text)
    links = {a["hreflang"]: a["href"] for tag, a in page.tags if tag == "a" and "hreflang" in a}
    assert links["en"] == "/?widget=news&limit=3"
    assert links["fr"] == "/?ui=fr&widget=news&limit=3"  # the widget follows into French
    page = Page(get(client, "widget=news&lang=de").text)
    links = {a["hreflang"]: a["href"] for tag, a in page.tags if tag == "a" and "hreflang" in a}
    assert links["fr"] == "/?ui=fr&widget=news&lang=de"  # a language chosen on purpose stays


def test_builder_answers_head_and_304(client: falcon.testing.TestClient) -> None:
    first = get(client, "widget=news")
    assert client.simulate_head("/", query_string="widget=news").status_code == 200
    again = client.simulate_get("/", query_string="widget=news",
                                headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_the_link_snippet_is_understood_by_the_oembed_provider(
        client: falcon.testing.TestClient) -> None:
    for query in ("", "widget=news&lang=fr&limit=3", "widget=badge&theme=dark"):
        link = Page(get(client, query).text).textareas["link"]
        result = client.simulate_get("/oembed", params={"url": link})
        assert result.status_code == 200, (query, result.text)
        assert f'src="{link.replace("&", "&amp;")}"' in result.json["html"]


@pytest.fixture
def evil_client(demo_dir: Path, clock: Clock) -> falcon.testing.TestClient:
    """The demo, with a strike whose name holds markup and quotes."""
    strikes = demo_dir / "strikes.toml"
    text = strikes.read_text(encoding="utf-8")
    strikes.write_text(text.replace('name = "Zehra Kurtay"', "name = " + json.dumps(EVIL)),
                       encoding="utf-8")
    config: Config = load_config(demo_dir / "widget.toml", environ={})
    store = Store(config.database)
    assert all(r.ok for r in sync_all(config, store))
    return falcon.testing.TestClient(create_app(config, store=store, clock=clock))


def test_names_from_the_strikes_file_are_escaped_on_the_page(
        evil_client: falcon.testing.TestClient) -> None:
    for query in ("", "widget=badge"):
        html = get(evil_client, query).text
        assert "<script>alert" not in html
        page = Page(html)
        assert page.first("option", value="zehra-kurtay")  # listed
        first = next(iter(page.textareas.values()))
        # In the snippet, as a host page will receive it: escaped once, not twice.
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; [Kurtay]" in first
        assert "<script>alert" not in first and EVIL in html_unescape(first)


# --- /api -----------------------------------------------------------------------------------


def test_api_page_lists_every_endpoint_of_the_openapi_document(
        client: falcon.testing.TestClient) -> None:
    result = get(client, path="/api")
    assert result.status_code == 200
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    html = result.text
    for path in openapi_document(BASE)["paths"]:
        assert f"<code dir=\"ltr\">GET {path}</code>" in html, path
    page = Page(html)
    assert page.first("a", href="/api/v1/openapi.json") is not None
    assert page.first("a", href="/api", **{"aria-current": "page"}) is not None
    assert page.first("a", href="/api/v1/strikes/zehra-kurtay") is not None
    assert "<script" not in html  # nothing to run on this page


@pytest.mark.parametrize("query, name, lang", [
    ("ui=xx", "ui", "en"), ("page=2", "page", "en"), ("ui=ar&page=2", "page", "ar"),
    ("ui=fr&ui=de", "ui", "en"),
])
def test_api_page_errors_are_a_readable_400(client: falcon.testing.TestClient, query: str,
                                            name: str, lang: str) -> None:
    # A page for people: its errors are explained on the page, not in problem JSON.
    result = get(client, query, "/api")
    assert result.status_code == 400
    assert result.headers["content-type"] == "text/html; charset=utf-8"
    html = result.text
    assert f'<html lang="{lang}"' in html
    assert 'role="alert"' in html
    said = translations(lang).gettext("The choice “%(name)s” is not valid:") % {"name": name}
    assert said in html
    home = "/api" if lang == "en" else f"/api?ui={lang}"
    assert Page(html).first("a", href=home) is not None  # a way back


def test_api_page_in_arabic(client: falcon.testing.TestClient) -> None:
    assert '<html lang="ar" dir="rtl">' in get(client, "ui=ar", "/api").text

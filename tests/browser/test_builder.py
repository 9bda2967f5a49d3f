"""The widget builder in headless Chromium against a real gunicorn: live preview, the
snippets it gives pasted on another site, copying, the form without JavaScript, and
axe-core on / and /api."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HostServer, Watch, open_context
from tests.browser.helpers import frame_text, wait_fitted, wait_frames
from tests.browser.test_accessibility import run_axe
from tests.servers import Gunicorn

pytestmark = pytest.mark.browser

DARK = "rgb(21, 23, 28)"
BG = "getComputedStyle(document.documentElement).backgroundColor"


def open_builder(page: Any, service: Gunicorn, query: str = "") -> None:
    page.goto(f"{service.url}/{query}")
    # builder.js has run: it hides the submit button, the form now updates by itself.
    expect(page.locator("#b-submit")).to_be_hidden()


def snippet(page: Any, form: str) -> str:
    return str(page.input_value(f"#b-snippet-{form}"))


def preview_text(page: Any) -> str:
    return str(page.frame_locator("#b-preview-frame").locator("body").inner_text())


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def host_page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><h1>{title}</h1>{body}</body></html>")


def test_the_snippets_pasted_on_another_site_show_the_previewed_widget(
        page: Any, hosts: HostServer, service: Gunicorn, watch: Watch) -> None:
    open_builder(page, service)
    page.select_option("#b-strike", "s-r-y-type-prisons")
    page.check("#b-theme-dark")
    page.check("#b-layout-compact")
    path = "/embed/strike/s-r-y-type-prisons?theme=dark&layout=compact"
    expect(page.locator("#b-preview-frame")).to_have_attribute("src", path)
    frame = page.frame_locator("#b-preview-frame")
    expect(frame.locator(".sw-name")).to_have_text(
        "Eight political prisoners, among them Fikret Akar")
    shown = preview_text(page)
    script, plain = snippet(page, "script"), snippet(page, "iframe")
    assert 'href="' + service.url + path.replace("&", "&amp;") + '"' in script

    # A blank page on another origin, with both snippets pasted as they are.
    url = hosts.add("/pasted.html", host_page("My blog", script + "<h2>Frame</h2>" + plain))
    blog = page.context.new_page()
    blog.goto(url)
    (loaded,) = wait_frames(blog, 1)
    assert loaded.get_attribute("src") == service.url + path
    assert frame_text(loaded) == shown  # the very widget of the preview
    assert "Fikret Akar" in shown and "Day" in shown
    assert loaded.content_frame().evaluate(BG) == DARK
    framed = blog.query_selector("iframe:not(.solidarity-widget-frame)")
    framed.scroll_into_view_if_needed()
    expect(blog.frame_locator("iframe:not(.solidarity-widget-frame)").locator(".sw-name")
           ).to_have_text("Eight political prisoners, among them Fikret Akar")
    assert framed.get_attribute("src") == service.url + path
    assert watch.foreign(service.url, hosts.url) == []
    assert watch.errors == []
    assert page.context.cookies() == []


def test_news_in_french_pasted_elsewhere(page: Any, hosts: HostServer, service: Gunicorn,
                                         watch: Watch) -> None:
    open_builder(page, service, "?ui=fr")
    page.check("#b-widget-news")
    page.fill("#b-limit", "2")
    expect(page.locator("#b-preview-frame")).to_have_attribute(
        "src", "/embed/news?lang=fr&limit=2")
    frame = page.frame_locator("#b-preview-frame")
    expect(frame.locator("h1")).to_have_text("Dernières actualités")
    expect(frame.locator(".sw-post")).to_have_count(2)
    url = hosts.add("/news-fr.html", host_page("Blog", snippet(page, "script")))
    other = page.context.new_page()
    other.goto(url)
    (loaded,) = wait_frames(other, 1)
    assert frame_text(loaded) == preview_text(page)
    assert loaded.get_attribute("title") == "Dernières actualités"
    assert watch.foreign(service.url, hosts.url) == []
    assert watch.errors == []


def test_choices_change_the_preview_the_snippets_and_the_address(
        page: Any, service: Gunicorn, watch: Watch) -> None:
    open_builder(page, service)
    frame = page.locator("#b-preview-frame")
    expect(frame).to_have_attribute("src", "/embed/strike/zehra-kurtay")
    assert "Zehra Kurtay" in preview_text(page)
    before = snippet(page, "script")

    page.check("#b-widget-strikes")
    expect(frame).to_have_attribute("src", "/embed/strikes")
    expect(page.frame_locator("#b-preview-frame").locator("h1")).to_have_text("Hunger strikes")
    assert snippet(page, "script") != before
    assert snippet(page, "link") == service.url + "/embed/strikes"
    # Choices for other widgets are out of the way, and come back with their widget.
    expect(page.locator("#b-strike")).to_be_hidden()
    expect(page.locator("#b-limit")).to_be_visible()
    expect(page.locator("#b-images-on")).to_be_hidden()

    page.fill("#b-accent", "#00f")
    page.fill("#b-width", "360")
    page.fill("#b-height", "300")
    page.select_option("#b-lang", "de")
    expect(frame).to_have_attribute("src", "/embed/strikes?accent=0000ff&lang=de")
    expect(frame).to_have_attribute("width", "360")
    expect(page.frame_locator("#b-preview-frame").locator("h1")).to_have_text("Hungerstreiks")
    assert page.input_value("#b-accent-picker") == "#0000ff"
    script = snippet(page, "script")
    assert 'data-width="360" data-height="300">Hungerstreiks</a>' in script
    assert 'width="360" height="300"' in snippet(page, "iframe")
    # The colour picker writes the hex field, which the form sends.
    page.locator("#b-accent-picker").fill("#00aa55")
    expect(frame).to_have_attribute("src", "/embed/strikes?accent=00aa55&lang=de")
    assert page.input_value("#b-accent") == "00aa55"
    page.fill("#b-accent", "0000FF")
    expect(frame).to_have_attribute("src", "/embed/strikes?accent=0000ff&lang=de")
    # The address holds the state: it can be shared, and reloads to the same snippets.
    expect(page).to_have_url(re.compile(r"/\?widget=strikes&width=360&height=300"
                                        r"&accent=0000ff&lang=de$"))
    page.reload()
    expect(page.locator("#b-widget-strikes")).to_be_checked()
    assert snippet(page, "script") == script
    assert watch.foreign(service.url) == []
    assert watch.errors == []


def test_the_preview_fits_its_content(page: Any, service: Gunicorn) -> None:
    open_builder(page, service, "?widget=news&height=100")
    element = page.query_selector("#b-preview-frame")
    element.content_frame().wait_for_load_state("load")
    outer, inner = wait_fitted(element)  # from the widget's height messages, as the loader
    assert outer > 100


def test_badge_preview_and_snippets(page: Any, hosts: HostServer, service: Gunicorn,
                                    watch: Watch) -> None:
    open_builder(page, service)
    page.check("#b-widget-badge")
    page.select_option("#b-strike", "ali-hasan-akgul")
    page.check("#b-style-for-the-badge")
    page.check("#b-theme-dark")
    src = "/badge/strike/ali-hasan-akgul.svg?style=for-the-badge&theme=dark"
    badge = page.locator("#b-preview-badge")
    expect(badge).to_have_attribute("src", src)
    expect(page.locator("#b-preview-frame")).to_have_count(0)
    expect(page.locator("#b-accent")).to_be_hidden()
    link = service.url + "/embed/strike/ali-hasan-akgul?theme=dark"
    svg, png = service.url + src, service.url + src.replace(".svg", ".png")
    alt = "Ali Hasan Akgül: hunger strike"
    amp = "&amp;"
    assert snippet(page, "badge-html") == (
        f'<a href="{link}"><img src="{svg.replace("&", amp)}" alt="{alt}" height="28"></a>')
    assert snippet(page, "badge-markdown") == f"[![{alt}]({svg})]({link})"
    assert snippet(page, "badge-bbcode") == f"[url={link}][img]{png}[/img][/url]"
    assert snippet(page, "badge-email") == (
        f'<a href="{link}"><img src="{png.replace("&", amp)}" alt="{alt}" height="28"></a>')
    assert snippet(page, "link") == link
    expect(page).to_have_url(re.compile(r"/\?widget=badge&strike=ali-hasan-akgul"
                                        r"&style=for-the-badge&theme=dark$"))
    if status_of(svg) == 200:  # the badge endpoints may still be on their way
        page.wait_for_function(
            "() => document.querySelector('#b-preview-badge').naturalWidth > 0")
        url = hosts.add("/badge.html", host_page("Forum", snippet(page, "badge-html")))
        forum = page.context.new_page()
        forum.goto(url)
        forum.wait_for_function("() => document.querySelector('img').naturalWidth > 0")
        assert forum.get_attribute("a", "href") == link
        assert watch.foreign(service.url, hosts.url) == []
        assert watch.errors == []


def test_copy_puts_exactly_the_snippet_on_the_clipboard(context: Any, page: Any,
                                                        service: Gunicorn, watch: Watch) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service.url)
    for query in ("", "?widget=badge&style=flat-square"):
        open_builder(page, service, query)
        buttons = page.locator(".b-copy")
        assert buttons.count() >= 3
        for i in range(buttons.count()):
            button = buttons.nth(i)
            target = button.get_attribute("data-copy")
            button.click()
            expect(page.locator("#b-status")).to_have_text("Copied")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == page.input_value(f"#{target}")
            page.evaluate("navigator.clipboard.writeText('')")
    assert watch.errors == []


def test_without_the_clipboard_api_copy_selects_the_snippet(browser: Any, service: Gunicorn,
                                                            watch: Watch) -> None:
    context = open_context(browser, watch)
    page = context.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    open_builder(page, service)
    page.click('[data-copy="b-snippet-iframe"]')
    expect(page.locator("#b-status")).to_have_text(
        re.compile(r"^(Copied|Selected: press Ctrl\+C to copy)$"))
    assert page.evaluate("document.activeElement.id") == "b-snippet-iframe"
    selected = page.evaluate(
        "(() => { const a = document.activeElement; "
        "return a.value.substring(a.selectionStart, a.selectionEnd); })()")
    assert selected == page.input_value("#b-snippet-iframe")
    assert watch.errors == []
    context.close()


def test_a_wrong_value_is_explained_and_its_snippets_withdrawn(page: Any,
                                                               service: Gunicorn) -> None:
    open_builder(page, service)
    page.fill("#b-width", "12")
    page.locator("#b-width").press("Tab")
    alert = page.locator("#b-problem [role=alert]")
    expect(alert).to_contain_text("Width in pixels")
    expect(page.locator("#b-results")).to_be_hidden()
    assert page.get_attribute("#b-width", "aria-invalid") == "true"
    page.fill("#b-width", "320")
    expect(page.locator("#b-results")).to_be_visible()
    expect(alert).to_have_count(0)
    assert 'data-width="320"' in snippet(page, "script")


def test_keyboard_only(page: Any, service: Gunicorn) -> None:
    open_builder(page, service)
    page.focus("#b-widget-strike")
    page.keyboard.press("ArrowDown")  # radios: the arrow keys choose
    expect(page.locator("#b-preview-frame")).to_have_attribute("src", "/embed/strikes")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.focus("#b-snippet-script")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.copy") == "b-snippet-script"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_arabic_interface_is_right_to_left(page: Any, service: Gunicorn) -> None:
    open_builder(page, service, "?ui=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    expect(page.locator("#b-preview-frame")).to_have_attribute(
        "src", "/embed/strike/zehra-kurtay?lang=ar")
    inner = page.frame_locator("#b-preview-frame").locator("html")
    expect(inner).to_have_attribute("dir", "rtl")
    # Code stays left to right.
    assert page.get_attribute("#b-snippet-script", "dir") == "ltr"
    page.click('a[hreflang="en"]')
    expect(page).to_have_url(re.compile(r"/\?strike=zehra-kurtay$"))
    assert page.evaluate("document.documentElement.dir") == "ltr"


def test_without_javascript_the_server_renders_the_choices(browser: Any, service: Gunicorn,
                                                           watch: Watch) -> None:
    context = open_context(browser, watch, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{service.url}/?widget=news&lang=fr&limit=3&layout=compact")
    expect(page.locator("#b-submit")).to_be_visible()
    expect(page.locator(".b-copy").first).to_be_hidden()  # copying needs JavaScript
    assert page.get_attribute("#b-preview-frame", "src") == (
        "/embed/news?lang=fr&layout=compact&limit=3")
    expect(page.frame_locator("#b-preview-frame").locator("h1")).to_have_text(
        "Dernières actualités")
    assert (f'href="{service.url}/embed/news?lang=fr&amp;layout=compact&amp;limit=3">'
            "Dernières actualités</a>") in snippet(page, "script")
    assert watch.errors == []
    context.close()


def test_without_javascript_the_form_submits(browser: Any, service: Gunicorn,
                                             watch: Watch) -> None:
    context = open_context(browser, watch, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{service.url}/")
    before = snippet(page, "script")
    page.check("#b-widget-news")
    page.select_option("#b-lang", "de")
    page.click("#b-submit", no_wait_after=True)
    expect(page).to_have_url(re.compile(r"/\?.*widget=news.*lang=de"), timeout=5000)
    after = snippet(page, "script")
    assert after != before and "/embed/news?lang=de" in after and "Aktuelle Nachrichten" in after
    assert page.get_attribute("#b-preview-frame", "src") == "/embed/news?lang=de"
    context.close()


PAGES = ["/", "/?widget=news&ui=fr&layout=compact", "/?widget=badge&ui=ar",
         "/?widget=strikes&accent=ffff00&theme=dark", "/?accent=zz", "/api", "/api?ui=ar"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(browser: Any, service: Gunicorn, watch: Watch, axe_source: str,
                           scheme: str, path: str) -> None:
    # bypass_csp lets the test inject axe; the page's own CSP is checked above.
    context = open_context(browser, watch, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(service.url + path)
    if not path.startswith("/api"):
        expect(page.locator("#b-submit")).to_be_hidden()
    assert run_axe(page, axe_source) == []
    context.close()

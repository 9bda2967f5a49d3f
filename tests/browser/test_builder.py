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
from widget.i18n import translations

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
    """The preview's text once the frame shows the document its src names (just after
    a change, the previous one may still be there, with the same strike's name)."""
    page.wait_for_function("""() => {
        const f = document.querySelector('#b-preview-frame');
        const d = f && f.contentDocument;
        return !!d && d.readyState === 'complete' && f.contentWindow.location.href === f.src;
    }""")
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
    assert 'data-width="360" data-height="300" data-title="Hungerstreiks">' in script
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
    counter = service.url + "/embed/strike/ali-hasan-akgul?theme=dark"
    # The images link to the strike's own page (as its "Read more" does).
    link = service.url + "/strike/ali-hasan-akgul"
    svg, png = service.url + src, service.url + src.replace(".svg", ".png")
    alt = "Ali Hasan Akgül: hunger strike"
    amp = "&amp;"
    width = badge.get_attribute("width")
    assert width and int(width) > 100
    assert snippet(page, "badge-html") == (
        f'<a href="{link}"><img src="{svg.replace("&", amp)}" alt="{alt}" height="28"></a>')
    assert snippet(page, "badge-markdown") == f"[![{alt}]({svg})]({link})"
    assert snippet(page, "badge-bbcode") == f"[url={link}][img]{png}&scale=1[/img][/url]"
    assert snippet(page, "badge-email") == (
        f'<a href="{link}"><img src="{png.replace("&", amp)}" alt="{alt}" width="{width}" '
        f'height="28" style="height:auto;max-width:100%;border:0"></a>')
    assert snippet(page, "link") == counter
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
        assert forum.evaluate("document.querySelector('img').naturalWidth") == int(width)
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
    page.click(".b-langs summary")  # the list of languages opens from the one shown
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
    assert (f'href="{service.url}/embed/news?lang=fr&amp;layout=compact&amp;limit=3" '
            'data-title="Dernières actualités">') in snippet(page, "script")
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
    news = translations("de").gettext("Latest news")
    assert after != before and "/embed/news?lang=de" in after and news in after
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


# --- copying what the preview shows, keeping the preview in view ---------------------


def clipboard_context(browser: Any, service: Gunicorn, watch: Watch, **options: Any) -> Any:
    context = open_context(browser, watch, **options)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service.url)
    return context


def active(page: Any, what: str = "el => el.outerHTML") -> Any:
    return page.evaluate(f"({what})(document.activeElement)")


@pytest.mark.parametrize("field, value, piece", [
    ("#b-width", "345", 'data-width="345"'),
    ("#b-height", "333", 'data-height="333"'),
    ("#b-accent", "00aa55", "accent=00aa55"),
])
def test_copy_right_after_typing_copies_what_was_typed(browser: Any, service: Gunicorn,
                                                       watch: Watch, field: str, value: str,
                                                       piece: str) -> None:
    """Typed, then Copy at once (the change not yet sent, the field not yet left): the
    new snippet is copied, the button says so and keeps the focus."""
    context = clipboard_context(browser, service, watch, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    open_builder(page, service)
    before = snippet(page, "script")
    assert piece not in before
    page.click(field)
    page.keyboard.type(value)
    button = page.locator('[data-copy="b-snippet-script"]')
    button.click()
    expect(button).to_contain_text("Copied")
    expect(page.locator("#b-status")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert piece in copied, copied
    assert copied == snippet(page, "script")  # exactly what the page now shows
    assert active(page, "el => el.dataset.copy") == "b-snippet-script"
    assert watch.errors == []
    context.close()


def test_copy_while_the_page_is_asked_waits_for_its_answer(browser: Any, service: Gunicorn,
                                                           watch: Watch) -> None:
    """A Copy pressed while the new snippets are on their way (here held back 600 ms)
    copies those, and the focus stays on the button of the snippets swapped in."""
    context = clipboard_context(browser, service, watch, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    open_builder(page, service)
    page.wait_for_function("() => document.querySelector('#b-fit').value !== ''")
    page.evaluate("""() => {
        const real = window.fetch;
        window.fetch = (...args) => new Promise(r => setTimeout(r, 600)).then(() => real(...args));
    }""")
    page.check("#b-widget-news")  # a change: asked for at once, answered 600 ms later
    iframe_button = page.locator('[data-copy="b-snippet-iframe"]')
    iframe_button.click()
    expect(iframe_button).to_contain_text("Copied", timeout=5000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "/embed/news" in copied and copied == snippet(page, "iframe")
    assert active(page, "el => el.dataset.copy") == "b-snippet-iframe"
    assert active(page, "el => el.isConnected") is True
    assert watch.errors == []
    context.close()


def test_swapping_the_snippets_keeps_the_focus(page: Any, service: Gunicorn) -> None:
    open_builder(page, service)
    page.focus('[data-copy="b-snippet-iframe"]')
    page.evaluate("document.querySelector('#b-width').value = '280'; "
                  "document.querySelector('#b-width').dispatchEvent(new Event('change', "
                  "{bubbles: true}))")
    expect(page.locator("#b-snippet-iframe")).to_have_value(re.compile('width="280"'))
    assert active(page, "el => el.dataset.copy") == "b-snippet-iframe"


def test_the_preview_stays_in_view_while_editing(browser: Any, service: Gunicorn,
                                                 watch: Watch) -> None:
    context = open_context(browser, watch, viewport={"width": 1200, "height": 800})
    page = context.new_page()
    for query in ("", "?widget=news&limit=10"):
        open_builder(page, service, query)
        page.click("#b-width")  # at the bottom of the form: the page scrolls to it
        page.keyboard.type("360")
        expect(page.locator("#b-preview-frame")).to_have_attribute("width", "360")
        assert page.evaluate("scrollY") > 300
        frame = page.locator("#b-preview-frame").bounding_box()
        assert 0 <= frame["y"] < 800 - 100, (query, frame)  # its top, and some of it, shows
        preview = page.locator("#b-preview").bounding_box()
        assert preview["y"] >= 0 and preview["y"] + preview["height"] <= 800, (query, preview)
        # A tall widget scrolls within the stage, which keeps the snippets readable below.
        assert preview["height"] <= 0.7 * 800
        # A snippet given the focus is not hidden under the preview.
        page.focus("#b-snippet-link")
        area = page.locator("#b-snippet-link").bounding_box()
        stuck = page.locator("#b-preview").bounding_box()
        assert area["y"] >= stuck["y"] + stuck["height"] - 1 and area["y"] < 800, (area, stuck)
    context.close()


def test_phone_width_toggle(page: Any, service: Gunicorn) -> None:
    open_builder(page, service)
    frame = page.locator("#b-preview-frame")
    assert frame.bounding_box()["width"] > 600  # the whole column
    page.check("#b-phone")
    expect(frame).to_have_js_property("offsetWidth", 320)
    page.select_option("#b-lang", "de")  # the toggle outlives the preview's updates
    expect(frame).to_have_attribute("src", "/embed/strike/zehra-kurtay?lang=de")
    assert frame.bounding_box()["width"] == 320
    page.uncheck("#b-phone")
    expect(frame).not_to_have_js_property("offsetWidth", 320)
    # A badge has no width to choose: no toggle.
    page.check("#b-widget-badge")
    expect(page.locator("#b-view")).to_be_hidden()


def test_on_a_phone_a_bar_leads_to_the_preview(browser: Any, service: Gunicorn,
                                               watch: Watch) -> None:
    context = open_context(browser, watch, viewport={"width": 390, "height": 844},
                           is_mobile=True, has_touch=True)
    page = context.new_page()
    open_builder(page, service)
    bar = page.locator("#b-jump")
    page.focus("#b-accent")  # halfway down the form: the preview is far below
    assert page.locator("#b-preview").bounding_box()["y"] > 844
    box = bar.bounding_box()
    assert abs(box["y"] + box["height"] - 844) <= 1  # at the bottom of the screen
    field = page.locator("#b-accent").bounding_box()
    assert field["y"] + field["height"] <= box["y"]  # and the focused field clear of it
    page.click('#b-jump a[href="#b-preview"]')
    page.wait_for_function(
        "() => document.querySelector('#b-preview').getBoundingClientRect().top < 50")
    expect(page.locator("#b-view")).to_be_hidden()  # a phone's column is a phone's width
    context.close()


def test_the_first_tab_stop_skips_to_the_choices(page: Any, service: Gunicorn) -> None:
    open_builder(page, service)
    stops = []
    for _ in range(20):
        page.keyboard.press("Tab")
        if active(page, "el => Boolean(el.closest('#b-form'))"):
            break
        stops.append(active(page, "el => el.textContent.trim()"))
    # Were 11: the site's name, the two sections and each of the eight languages.
    assert stops == ["Skip to the choices", "Widget builder", "JSON API", "English"]
    assert active(page, "el => el.id") == "b-widget-strike"

    page.reload()
    expect(page.locator("#b-submit")).to_be_hidden()
    page.keyboard.press("Tab")
    skip = page.locator(".b-skip")
    assert active(page, "el => el.className") == "b-skip"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 10  # seen when it has the focus
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert active(page, "el => el.id") == "b-widget-strike"
    page.locator("h1").click()
    assert skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0  # and only then


def test_the_language_list_opens_and_closes(page: Any, service: Gunicorn) -> None:
    open_builder(page, service, "?widget=news")
    french = page.locator('a[hreflang="fr"]')
    expect(french).to_be_hidden()
    page.focus(".b-langs summary")
    page.keyboard.press("Enter")
    expect(french).to_be_visible()
    page.keyboard.press("Escape")
    expect(french).to_be_hidden()
    assert active(page, "el => el.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    french.click()
    expect(page).to_have_url(re.compile(r"/\?ui=fr&widget=news$"))
    assert page.evaluate("document.documentElement.lang") == "fr"


# --- measured heights -------------------------------------------------------------------


def preview_frame(page: Any) -> Any:
    return page.query_selector("#b-preview-frame").content_frame()


def test_the_preview_measures_itself_for_the_snippets(browser: Any, service: Gunicorn,
                                                      watch: Watch) -> None:
    """builder.js asks the preview for its heights; the script snippet reserves them, the
    plain iframe takes its height from them, and the address never holds them."""
    context = clipboard_context(browser, service, watch, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    open_builder(page, service, "?widget=strikes")
    page.wait_for_function("() => document.querySelector('#b-fit').value !== ''")
    measured = page.input_value("#b-fit")
    assert re.fullmatch(r"200:\d+( \d+(\.\d+)?:\d+)*", measured), measured
    expect(page.locator("#b-snippet-script")).to_have_value(
        re.compile(re.escape(f'data-fit="{measured}"')))
    assert "fit" not in page.url

    # What the preview says is what the snippets get (as the embed page would say it).
    preview_frame(page).evaluate("parent.postMessage({type: 'solidarity-widget:heights', "
                                 "heights: '200:300 400:250'}, '*')")
    expect(page.locator("#b-snippet-script")).to_have_value(
        re.compile(re.escape('data-fit="200:300 400:250"')))
    assert 'height="300"' in snippet(page, "iframe")  # a 280 px column, the narrowest
    page.fill("#b-width", "500")  # the width does not change the widget: heights kept
    expect(page.locator("#b-snippet-iframe")).to_have_value(
        re.compile('width="500" height="250"'))
    assert "fit" not in page.url and page.url.endswith("/?widget=strikes&width=500")

    # A Copy pressed while new heights come in copies the snippet that has them.
    preview_frame(page).evaluate("parent.postMessage({type: 'solidarity-widget:heights', "
                                 "heights: '200:310 400:260'}, '*')")
    page.click('[data-copy="b-snippet-script"]')
    expect(page.locator("#b-status")).to_have_text("Copied")
    assert 'data-fit="200:310 400:260"' in page.evaluate("navigator.clipboard.readText()")

    # Heights from anyone but the preview's page, or not heights, are not taken.
    page.evaluate("postMessage({type: 'solidarity-widget:heights', heights: '200:999'}, '*')")
    preview_frame(page).evaluate("parent.postMessage({type: 'solidarity-widget:heights', "
                                 "heights: '200:300 100:250'}, '*')")
    page.wait_for_timeout(400)
    assert page.input_value("#b-fit") == "200:310 400:260"

    # Another choice changes the widget: its heights are measured again.
    page.check("#b-layout-compact")
    expect(page.locator("#b-preview-frame")).to_have_attribute(
        "src", "/embed/strikes?layout=compact")
    page.wait_for_function(
        "() => !['', '200:310 400:260'].includes(document.querySelector('#b-fit').value)")
    compact = page.input_value("#b-fit")
    assert compact != measured
    expect(page.locator("#b-snippet-script")).to_have_value(
        re.compile(re.escape(f'data-fit="{compact}"')))
    assert "fit" not in page.url
    assert watch.errors == []
    context.close()

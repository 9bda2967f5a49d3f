"""The widgets on other people's pages, in headless Chromium against a real gunicorn."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.browser.conftest import HostServer, Watch, open_context
from tests.browser.helpers import (
    FRAMES,
    frame_text,
    no_inner_scrollbar,
    wait_fitted,
    wait_frames,
)
from tests.servers import Gunicorn

pytestmark = pytest.mark.browser

ARABIC = re.compile(r"[\u0600-\u06ff]")

HOST_PAGES = {
    "blog.html": [["Zehra Kurtay", "Day"], ["Latest news", "Solidarity Day"]],
    "news.html": [["Latest news", "Hunger striker Ali Hasan Akgul released"],
                  ["Hunger strikes", "Ali Hasan Akgül", "Released after 144 days"]],
    "strict-csp.html": [["Zehra Kurtay"], ["Latest news"]],
    "arabic.html": [["Ali Hasan Akgül"], ["Zehra Kurtay"], ["Solidarity Day"]],
    "all.html": [["Zehra Kurtay"], ["Ali Hasan Akgül", "144"], ["Fikret Akar"],
                 ["Zehra Kurtay", "Ali Hasan Akgül"], ["Solidarity"],
                 ["no longer listed"]],
}


@pytest.mark.parametrize("name", list(HOST_PAGES))
def test_each_widget_renders_in_each_host_page(page: Any, hosts: HostServer, service: Gunicorn,
                                               watch: Watch, name: str) -> None:
    page.goto(f"{hosts.url}/{name}")
    expected = HOST_PAGES[name]
    frames = wait_frames(page, len(expected))
    for element, texts in zip(frames, expected, strict=False):
        text = frame_text(element)
        for piece in texts:
            assert piece in text, (element.get_attribute("src"), piece, text)
        wait_fitted(element)
        assert no_inner_scrollbar(element)
        assert element.get_attribute("referrerpolicy") == "no-referrer"
        assert element.get_attribute("loading") == "lazy"
        assert "allow-top-navigation" not in (element.get_attribute("sandbox") or "")
        assert element.get_attribute("title")
    assert watch.foreign(hosts.url, service.url) == []
    assert watch.errors == []
    cookies = page.context.cookies()
    assert cookies == []


def test_all_widgets_page_handles_twice_included_loader_and_late_widgets(
        page: Any, hosts: HostServer, service: Gunicorn, watch: Watch) -> None:
    page.goto(f"{hosts.url}/all.html")
    frames = wait_frames(page, 7)  # six links of this service, plus one added after load
    assert len(page.query_selector_all(FRAMES)) == 7
    late = frame_text(frames[-1])
    assert "Zehra Kurtay" in late and "grève de la faim" in late
    # The link to another site is left alone.
    assert page.query_selector('a.solidarity-widget[href^="https://elsewhere.example"]')
    loaders = [r for r in watch.requests if r.endswith("/widget.js")]
    assert len(loaders) >= 1
    assert watch.errors == []


def test_arabic_is_right_to_left(page: Any, hosts: HostServer) -> None:
    page.goto(f"{hosts.url}/arabic.html")
    for element in wait_frames(page, 3):
        frame = element.content_frame()
        assert frame.evaluate("document.documentElement.dir") == "rtl"
        assert frame.evaluate("document.documentElement.lang") == "ar"
        assert ARABIC.search(frame_text(element))
    strike = wait_frames(page, 3)[1].content_frame()
    # The accent bar is on the inline start: the right, in Arabic.
    assert strike.evaluate(
        "getComputedStyle(document.querySelector('.sw-strike')).borderRightWidth") == "4px"
    assert strike.evaluate(
        "getComputedStyle(document.querySelector('.sw-strike')).borderLeftWidth") == "0px"


@pytest.mark.parametrize("width", [320, 1200])
def test_height_follows_content_at_each_width_and_after_resize(
        browser: Any, hosts: HostServer, watch: Watch, width: int) -> None:
    context = open_context(browser, watch, viewport={"width": width, "height": 2400})
    page = context.new_page()
    page.goto(f"{hosts.url}/news.html")
    frames = wait_frames(page, 2)
    before = [wait_fitted(f)[0] for f in frames]
    for element in frames:
        assert no_inner_scrollbar(element)
    other = 1200 if width == 320 else 320
    page.set_viewport_size({"width": other, "height": 2400})
    after = [wait_fitted(f)[0] for f in frames]
    for element in frames:
        assert no_inner_scrollbar(element)
    # Narrower pages wrap more lines: the news widget grows, and never clips.
    assert (after[0] > before[0]) == (other < width)
    context.close()


BG = "getComputedStyle(document.documentElement).backgroundColor"
LIGHT, DARK = "rgb(255, 255, 255)", "rgb(21, 23, 28)"


@pytest.mark.parametrize("scheme, theme, expected", [
    ("light", "auto", LIGHT), ("dark", "auto", DARK),
    ("light", "dark", DARK), ("dark", "light", LIGHT),
])
def test_themes(browser: Any, hosts: HostServer, service: Gunicorn, watch: Watch,
                scheme: str, theme: str, expected: str) -> None:
    context = open_context(browser, watch, color_scheme=scheme)
    page = context.new_page()
    url = hosts.add(f"/theme-{scheme}-{theme}.html", (
        f'<!doctype html><html lang="en"><title>t</title><body>'
        f'<a class="solidarity-widget" href="{service.url}/embed/strike/zehra-kurtay'
        f'?theme={theme}">Zehra Kurtay</a>'
        f'<script async src="{service.url}/widget.js"></script></body></html>'))
    page.goto(url)
    (element,) = wait_frames(page, 1)
    assert element.content_frame().evaluate(BG) == expected
    context.close()


def test_transparent_background_lets_the_host_show_through(page: Any, hosts: HostServer,
                                                          service: Gunicorn) -> None:
    url = hosts.add("/transparent.html", (
        '<!doctype html><html lang="en"><title>t</title><body style="background:#fde">'
        f'<a class="solidarity-widget" href="{service.url}/embed/news?background=transparent">'
        'News</a><script async src="' + service.url + '/widget.js"></script></body></html>'))
    page.goto(url)
    (element,) = wait_frames(page, 1)
    assert element.content_frame().evaluate(BG) == "rgba(0, 0, 0, 0)"


def test_without_javascript_the_link_is_there(browser: Any, hosts: HostServer,
                                              service: Gunicorn, watch: Watch) -> None:
    context = open_context(browser, watch, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{hosts.url}/blog.html")
    links = page.query_selector_all("a.solidarity-widget")
    assert len(links) == 2
    assert links[0].inner_text() == "Zehra Kurtay: hunger strike"
    assert links[0].get_attribute("href") == (
        f"{service.url}/embed/strike/zehra-kurtay?layout=compact")
    assert page.query_selector_all("iframe") == []
    context.close()


def test_the_counter_in_a_host_page_moves_on_at_the_midnight_the_service_gave(
        page: Any, hosts: HostServer) -> None:
    # The real service renders at the real time: the browser's clock starts there and
    # runs to just past the next midnight the counter was given (tests/browser/
    # test_rollover.py checks the instants to the second in several zones).
    now = dt.datetime.now(dt.UTC)
    page.clock.install(time=now)
    page.goto(f"{hosts.url}/blog.html")
    element = wait_frames(page, 2)[0]
    frame = element.content_frame()
    counter = frame.locator("time.sw-n")
    shown = int(counter.inner_text())
    instants = (counter.get_attribute("data-next") or "").split()
    if not instants:  # an ended or unverified count: it stays as it is, a day later too
        page.clock.run_for(86_400_000)
        assert int(counter.inner_text()) == shown
        return
    midnight = dt.datetime.fromisoformat(instants[0].replace("Z", "+00:00"))
    page.clock.run_for(int((midnight - now).total_seconds() * 1000) + 1000)
    frame.wait_for_function(f"document.querySelector('time.sw-n').textContent === "
                            f"'{shown + 1}'")
    # No live region: screen readers are not told about every tick.
    assert frame.evaluate("document.querySelectorAll('[aria-live]').length") == 0


def test_ended_counters_stay_frozen_whatever_the_clock(page: Any, hosts: HostServer,
                                                       service: Gunicorn) -> None:
    page.clock.install(time=dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC))
    url = hosts.add("/ended.html", (
        f'<!doctype html><html lang="en"><title>t</title><body>'
        f'<a class="solidarity-widget" href="{service.url}/embed/strike/ali-hasan-akgul">A</a>'
        f'<script async src="{service.url}/widget.js"></script></body></html>'))
    page.goto(url)
    (element,) = wait_frames(page, 1)
    assert element.content_frame().locator("time.sw-n").inner_text() == "144"


def test_forged_height_messages_are_ignored(page: Any, hosts: HostServer,
                                            service: Gunicorn) -> None:
    # A frame from another origin (the host's) and the host page itself both claim a height.
    hosts.add("/forger.html", "<!doctype html><title>f</title><script src='/forge.js'></script>")
    hosts.extra["/forge.js"] = ("text/javascript", (
        b"parent.postMessage({type: 'solidarity-widget:height', height: 3333}, '*');"
        b"setTimeout(function () { parent.postMessage({type: 'solidarity-widget:height',"
        b" height: 3333}, '*'); }, 500);"))
    url = hosts.add("/forged.html", (
        f'<!doctype html><html lang="en"><title>t</title><body>'
        f'<a class="solidarity-widget" href="{service.url}/embed/strike/zehra-kurtay">Z</a>'
        f'<iframe src="/forger.html" title="other"></iframe>'
        f'<script async src="{service.url}/widget.js"></script></body></html>'))
    page.goto(url)
    (element,) = wait_frames(page, 1)
    fitted, _ = wait_fitted(element)
    page.evaluate("window.postMessage({type: 'solidarity-widget:height', height: 3333}, '*')")
    page.wait_for_timeout(800)
    assert element.evaluate("f => f.getBoundingClientRect().height") == fitted < 3333

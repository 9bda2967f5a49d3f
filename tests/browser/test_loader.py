"""The loader (static/widget.js) on host pages: one per service, clamps what a snippet
asks for, and watches only what is added to the page."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import HostServer, confirmed_today
from tests.browser.helpers import FRAMES, wait_fitted, wait_frames
from tests.conftest import copy_demo
from tests.servers import Gunicorn
from widget.render.frames import MAX_HEIGHT


@pytest.fixture(scope="module")
def other_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """A second organisation's service, on its own origin."""
    folder = tmp_path_factory.mktemp("other") / "demo"
    copy_demo(folder)
    confirmed_today(folder)
    config = folder / "widget.toml"
    config.write_text(config.read_text().replace(
        'site_name = "International Solidarity for Political Prisoners"',
        'site_name = "Second Organisation"', 1))
    subprocess.run([sys.executable, "-m", "widget", "--config", str(config), "sync"],
                   check=True, capture_output=True)
    server = Gunicorn(config, workers=1)
    yield server
    server.stop()


def two_services_page(hosts: HostServer, one: str, two: str) -> str:
    return hosts.add("/two-services.html", (
        '<!doctype html><html lang="en"><title>Two organisations</title><body>'
        f'<a class="solidarity-widget" href="{one}/embed/strike/zehra-kurtay">One</a>'
        f'<script async src="{one}/widget.js"></script>'
        f'<a class="solidarity-widget" href="{two}/embed/news?limit=2">Two</a>'
        f'<script async src="{two}/widget.js"></script>'
        f'<a class="solidarity-widget" href="{one}/embed/news?limit=1">One again</a>'
        '</body></html>'))


def test_widgets_of_two_services_on_one_page_are_each_swapped_and_sized(
        page: Any, hosts: HostServer, service: Gunicorn, other_service: Gunicorn) -> None:
    page.goto(two_services_page(hosts, service.url, other_service.url))
    frames = wait_frames(page, 3)
    sources = sorted(f.get_attribute("src").split("/embed/")[0] for f in frames)
    assert sources == sorted([service.url, service.url, other_service.url])
    for element in frames:
        wait_fitted(element)  # each sized by its own service's loader
    texts = {f.get_attribute("src"): f.content_frame().inner_text("footer") for f in frames}
    assert texts[f"{other_service.url}/embed/news?limit=2"].strip() == "Second Organisation"
    # A link added later, of either service, is still swapped.
    page.evaluate(f"""() => {{
        const a = document.createElement('a'); a.className = 'solidarity-widget';
        a.href = '{other_service.url}/embed/strikes'; a.textContent = 'Late';
        document.body.append(a); }}""")
    wait_frames(page, 4)


def test_a_height_asked_for_is_kept_in_range(page: Any, hosts: HostServer,
                                             service: Gunicorn) -> None:
    page.goto(hosts.add("/huge.html", (
        '<!doctype html><html lang="en"><title>t</title><body>'
        f'<a class="solidarity-widget" data-height="99999" href="{service.url}/embed/news">N</a>'
        '<p id="after">after</p>'
        # What the frame is given when it comes in, before its content says anything.
        '<script>new MutationObserver(rs => rs.forEach(r => r.addedNodes.forEach(n => {'
        ' if (n.tagName === "IFRAME" && !window.given) window.given = n.style.height; })))'
        '.observe(document.body, {childList: true});</script>'
        f'<script async src="{service.url}/widget.js"></script></body></html>')))
    page.wait_for_function("window.given")
    assert page.evaluate("window.given") == f"{MAX_HEIGHT}px"
    (element,) = wait_frames(page, 1)
    wait_fitted(element)  # and then the content's own height


def test_only_what_is_added_is_looked_at(page: Any, hosts: HostServer,
                                         service: Gunicorn) -> None:
    page.goto(hosts.add("/busy.html", (
        '<!doctype html><html lang="en"><title>t</title><body><div id="feed"></div>'
        f'<a class="solidarity-widget" href="{service.url}/embed/strike/zehra-kurtay">Z</a>'
        f'<script async src="{service.url}/widget.js"></script></body></html>')))
    wait_frames(page, 1)
    # A busy host page (a live feed, comments): many small changes, none a widget.
    scans = page.evaluate("""async () => {
        let whole = 0;
        const qsa = Document.prototype.querySelectorAll;
        Document.prototype.querySelectorAll = function (s) {
            if (this === document) whole++;
            return qsa.call(this, s);
        };
        const feed = document.getElementById('feed');
        for (let i = 0; i < 200; i++) {
            const p = document.createElement('p'); p.textContent = 'item ' + i;
            feed.append(p);
            await new Promise(r => setTimeout(r, 0));
        }
        Document.prototype.querySelectorAll = qsa;
        return whole;
    }""")
    assert scans == 0


def test_frames_taken_off_the_page_are_let_go(page: Any, hosts: HostServer,
                                              service: Gunicorn) -> None:
    page.goto(hosts.add("/removed.html", (
        '<!doctype html><html lang="en"><title>t</title><body>'
        f'<a class="solidarity-widget" href="{service.url}/embed/strike/zehra-kurtay">Z</a>'
        f'<a class="solidarity-widget" href="{service.url}/embed/news?limit=1">N</a>'
        f'<script async src="{service.url}/widget.js"></script></body></html>')))
    first, second = wait_frames(page, 2)
    wait_fitted(second)
    # The first is removed (a single-page app moves on); the other still resizes.
    first.evaluate("f => f.remove()")
    page.set_viewport_size({"width": 320, "height": 800})
    wait_fitted(second)
    assert page.evaluate(f"document.querySelectorAll({FRAMES!r}).length") == 1


def test_an_iframe_the_host_sized_itself_is_left_alone(page: Any, hosts: HostServer,
                                                       service: Gunicorn) -> None:
    # The iframe snippet beside a loader's link: its widget tells its height too, but only
    # the loader's own frames follow it. Its messages are counted by a listener the page
    # adds before the loader's, so the loader has seen each one counted.
    page.goto(hosts.add("/beside.html", (
        '<!doctype html><html lang="en"><title>t</title><body>'
        '<script>window.told = 0; addEventListener("message", e => {'
        ' if (e.source === document.getElementById("own").contentWindow) window.told++; });'
        '</script>'
        f'<iframe id="own" src="{service.url}/embed/news?limit=1" title="News" '
        'style="width:300px;height:123px"></iframe>'
        f'<a class="solidarity-widget" href="{service.url}/embed/news?limit=1">N</a>'
        f'<script async src="{service.url}/widget.js"></script></body></html>')))
    (element,) = wait_frames(page, 1)
    wait_fitted(element)  # the loader is listening
    told = page.evaluate("window.told")
    # Narrower, its content is taller: the widget tells its new height.
    page.evaluate("document.getElementById('own').style.width = '200px'")
    page.wait_for_function(f"window.told > {told}")
    assert page.evaluate("document.getElementById('own').style.height") == "123px"

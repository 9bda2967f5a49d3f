"""WordPress's side of the embed protocol where timing goes against the widget: its
script comes in late, after the frame has sent its height, and no `ready` follows (a
busy host page); or the frame is hidden so that nothing in it is laid out when its
script runs (WordPress clips it to nothing until it speaks, and Chromium does not
render a hidden frame from another origin). The widget must not stay hidden."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import HostServer
from tests.servers import Gunicorn

SECRET = "Ab3dE6gH9k"


def test_a_listener_that_comes_late_still_hears_the_height(page: Any, hosts: HostServer,
                                                           service: Gunicorn) -> None:
    src = f"{service.url}/embed/strike/zehra-kurtay#?secret={SECRET}"
    page.goto(hosts.add("/late-listener.html", (
        '<!doctype html><html lang="en"><title>t</title><body>'
        f'<iframe sandbox="allow-scripts" security="restricted" src="{src}" width="500" '
        f'height="200" data-secret="{SECRET}"></iframe>'
        '<script>window.heard = []; window.listen = () => addEventListener("message", '
        'e => { if (e.data && e.data.secret) window.heard.push(e.data); });</script>'
        '</body></html>')))
    frame = page.query_selector("iframe").content_frame()
    frame.wait_for_load_state("load")
    # The frame has said its height by now, to no one; WordPress's script starts
    # listening only now and sends no `ready`.
    page.evaluate("window.listen()")
    page.wait_for_function("window.heard.some(m => m.message === 'height')", timeout=10_000)
    said = page.evaluate("window.heard.filter(m => m.message === 'height')")
    tall = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    assert said[0] == {"message": "height", "value": tall, "secret": SECRET}


# WordPress's receiver (wp-includes/js/wp-embed.js), reduced to what shows and sizes a
# frame: any message with the frame's secret, from that frame, shows it.
RECEIVER = """<script>addEventListener("message", e => {
  const d = e.data, f = document.querySelector("iframe");
  if (!d || d.secret !== f.dataset.secret || e.source !== f.contentWindow) return;
  f.removeAttribute("style");
  if (d.message === "height") f.height = Math.min(Math.max(parseInt(d.value, 10) || 0, 200), 1000);
});</script>"""


def test_a_frame_laid_out_at_nothing_when_its_script_runs_still_gets_shown(
        page: Any, hosts: HostServer, service: Gunicorn) -> None:
    src = f"{service.url}/embed/strikes#?secret={SECRET}"
    page.goto(hosts.add("/hidden-frame.html", (
        '<!doctype html><html lang="en"><title>t</title><body>' + RECEIVER +
        f'<iframe style="display: none" sandbox="allow-scripts" src="{src}" width="500" '
        f'height="200" data-secret="{SECRET}"></iframe></body></html>')))
    element = page.query_selector("iframe")
    frame = element.content_frame()
    frame.wait_for_load_state("load")
    # Shown, then sized to what it shows once it is laid out.
    page.wait_for_function("!document.querySelector('iframe').hasAttribute('style')",
                           timeout=10_000)
    tall = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    assert tall > 200
    page.wait_for_function("h => document.querySelector('iframe').height == h", arg=tall,
                           timeout=10_000)

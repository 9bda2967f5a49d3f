"""WordPress's side of the embed protocol when its script comes in late: the frame has
sent its height already and no `ready` follows (a busy host page). The widget must not
stay hidden: it says its height again until someone listens."""

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

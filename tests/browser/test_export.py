"""The embeds served from the static export by a real nginx, in headless Chromium: the
same host pages as against gunicorn, with no Python behind the widgets."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import HOSTS, PLACEHOLDER, HostServer, Watch, confirmed_today
from tests.browser.helpers import frame_text, no_inner_scrollbar, wait_fitted, wait_frames
from tests.conftest import copy_demo
from tests.nginx import Nginx, need_nginx, static_server
from tests.servers import free_port
from widget.config import load_config
from widget.export import export

pytestmark = pytest.mark.browser

PAGES = {
    "blog.html": [["Zehra Kurtay", "Day"], ["Latest news", "Solidarity Day"]],
    "all.html": [["Zehra Kurtay"], ["Ali Hasan Akgül", "144"], ["Fikret Akar"],
                 ["Zehra Kurtay", "Ali Hasan Akgül"], ["Solidarity"], ["no longer listed"],
                 ["Zehra Kurtay", "grève de la faim"]],  # the last one added after load
}


@dataclass
class Site:
    nginx: Nginx
    hosts: HostServer
    out: Path


def embeds_of(*pages: str) -> list[str]:
    """The embed URLs the example host pages name, with options beyond the exported sets."""
    found: list[str] = []
    for name in pages:
        text = (HOSTS / name).read_text()
        found += [html.unescape(m) for m in re.findall(
            re.escape(PLACEHOLDER) + r'(/embed/[^"]+)"', text)]
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    need_nginx()
    folder = tmp_path_factory.mktemp("static-site")
    demo = folder / "demo"
    copy_demo(demo)
    confirmed_today(demo)
    subprocess.run([sys.executable, "-m", "widget", "--config", str(demo / "widget.toml"),
                    "sync"], check=True, capture_output=True, timeout=60)
    port = free_port()  # the export's base_url must be where nginx will serve it
    config = load_config(demo / "widget.toml", environ={}).with_(
        base_url=f"http://127.0.0.1:{port}")
    out = folder / "site"
    export(config, out, extra_urls=embeds_of(*PAGES))
    server = Nginx(folder / "nginx", static_server(out), port=port)
    try:
        hosts = HostServer(server.url)
        try:
            yield Site(server, hosts, out)
        finally:
            hosts.close()
    finally:
        server.stop()


@pytest.mark.parametrize("name", list(PAGES))
def test_each_widget_renders_from_the_export(page: Any, site: Site, watch: Watch,
                                             name: str) -> None:
    page.goto(f"{site.hosts.url}/{name}")
    expected = PAGES[name]
    frames = wait_frames(page, len(expected))
    assert len(frames) == len(expected)
    for element, texts in zip(frames, expected, strict=True):
        assert element.get_attribute("src").startswith(site.nginx.url + "/embed/")
        text = frame_text(element)
        for piece in texts:
            assert piece in text, (element.get_attribute("src"), piece, text)
        # Styled and fitted: the export's inline stylesheet and script ran under the
        # CSP nginx sends (the export's own headers, with their hashes).
        assert element.content_frame().evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--sw-bg')")
        wait_fitted(element)
        assert no_inner_scrollbar(element)
    # Everything came from the host page and nginx: nothing from anywhere else.
    assert watch.foreign(site.hosts.url, site.nginx.url) == []
    assert [r for r in watch.requests if r.startswith(site.nginx.url + "/widget")]
    assert watch.errors == []
    assert page.context.cookies() == []


def test_the_counter_rolls_over_at_local_midnight(page: Any, site: Site, watch: Watch) -> None:
    # The export was rendered now: the counter moves on at the next midnight it was given.
    now = dt.datetime.now(dt.UTC)
    page.clock.install(time=now)
    page.goto(f"{site.hosts.url}/blog.html")
    element = wait_frames(page, 2)[0]
    frame = element.content_frame()
    counter = frame.locator("time.sw-n")
    shown = int(counter.inner_text())
    midnight = dt.datetime.fromisoformat(
        (counter.get_attribute("data-next") or "").split()[0].replace("Z", "+00:00"))
    page.clock.run_for(int((midnight - now).total_seconds() * 1000) + 1000)
    frame.wait_for_function(
        f"document.querySelector('time.sw-n').textContent === '{shown + 1}'")
    assert watch.errors == []


"""What a reader sees while a widget comes in: the builder's default script snippet moves
nothing on the host page (CLS 0), and the plain iframe snippet is tall enough for its
content, for every widget and language, at a phone's width and a desktop's.

The heights come the way a blogger gets them: the builder's preview measures itself (the
embed page answers "measure") and the builder writes them into the snippets (`fit`)."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.browser.conftest import HostServer
from tests.browser.helpers import loaded, wait_fitted, wait_frames
from tests.servers import Gunicorn
from widget import i18n
from widget.render.frames import MEASURE_MESSAGE, MEASURED_MESSAGE

WIDGETS = ("strike", "strikes", "news")
WIDTHS = {320: 640, 1200: 800}
TEXT = "<p>" + "A paragraph of the host page, around the widget. " * 6 + "</p>"
# Sums the layout shifts the page reports, as Chromium's CLS does (no input here).
CLS = ("<script>window.cls = 0; new PerformanceObserver(l => l.getEntries().forEach(e => {"
       " if (!e.hadRecentInput) window.cls += e.value; }))"
       ".observe({type: 'layout-shift', buffered: true});</script>")


def embed_path(widget: str) -> str:
    return "/embed/strike/zehra-kurtay" if widget == "strike" else f"/embed/{widget}"


@pytest.fixture(scope="module")
def fits(browser: Any, hosts: HostServer, service: Gunicorn) -> dict[tuple[str, str], str]:
    """The heights each widget's embed page measures of itself, per language, asked the
    way the builder's preview asks."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    found: dict[tuple[str, str], str] = {}
    for widget in WIDGETS:
        for lang in i18n.LANGUAGES:
            src = f"{service.url}{embed_path(widget)}?lang={lang}"
            page.goto(hosts.add("/measure.html", (
                f'<!doctype html><title>m</title><iframe src="{html.escape(src)}" '
                'title="preview" style="width:600px;height:600px"></iframe>')))
            loaded(page.query_selector("iframe"))
            found[widget, lang] = page.evaluate(f"""() => new Promise(done => {{
                addEventListener('message', e => {{
                    if (e.data && e.data.type === {MEASURED_MESSAGE!r}) done(e.data.heights); }});
                frames[0].postMessage({{type: {MEASURE_MESSAGE!r}}}, '*');
            }})""")
    context.close()
    return found


def snippets(service: Gunicorn, page: Any, widget: str, lang: str, fit: str) -> dict[str, str]:
    """The builder's snippets for these choices and heights (the server renders them)."""
    query = urlencode({"widget": widget, "lang": lang, "ui": lang, "fit": fit})
    page.goto(f"{service.url}/?{query}")
    return {form: page.input_value(f"#b-snippet-{form}") for form in ("script", "iframe")}


def settle(page: Any) -> None:
    """Two frames later: layout shifts are reported once painted."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("widget", WIDGETS)
def test_no_layout_shift_and_no_cut_off_content(browser: Any, hosts: HostServer,
                                                service: Gunicorn, fits: dict, widget: str,
                                                lang: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]})
    page = context.new_page()
    try:
        fit = fits[widget, lang]
        assert re.fullmatch(r"200:\d+( [\d.]+:\d+)*", fit), fit
        got = snippets(service, page, widget, lang, fit)
        assert 'data-fit="' in got["script"] and "container-type:inline-size" in got["script"]
        # The script snippet, between the host's own paragraphs.
        page.goto(hosts.add(f"/cls-{widget}-{lang}.html", (
            f'<!doctype html><html lang="en"><title>host</title>{CLS}<body>'
            f'{TEXT}{got["script"]}{TEXT}</body></html>')))
        (element,) = wait_frames(page, 1)
        outer, inner = wait_fitted(element)
        settle(page)
        assert page.evaluate("window.cls") == 0, (widget, lang, width)
        # The plain iframe snippet: its height holds the content at this width.
        page.goto(hosts.add(f"/iframe-{widget}-{lang}.html", (
            f'<!doctype html><html lang="en"><title>host</title><body>'
            f'{TEXT}{got["iframe"]}{TEXT}</body></html>')))
        element = page.query_selector("iframe")
        frame = loaded(element)
        shown = element.evaluate("f => f.getBoundingClientRect().height")
        needed = frame.evaluate("document.documentElement.scrollHeight")
        assert needed <= shown, (widget, lang, width, needed, shown)
    finally:
        context.close()

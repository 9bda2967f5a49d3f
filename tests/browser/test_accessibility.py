"""axe-core on every embed page, in light and dark, with the default and a custom accent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Watch, open_context
from tests.servers import Gunicorn

pytestmark = pytest.mark.browser

PAGES = [
    "/embed/news",
    "/embed/news?layout=compact&lang=de",
    "/embed/news?header=off",
    "/embed/strikes?status=all",
    "/embed/strikes?status=all&lang=ar",
    "/embed/strike/zehra-kurtay",
    "/embed/strike/ali-hasan-akgul?lang=tr",
    "/embed/strike/s-r-y-type-prisons?lang=ku&layout=compact",
    "/embed/strike/no-such-strike",
    "/embed/news?accent=zz",  # the error page
]
# Accents that fail WCAG AA on white or on the dark background as given: the service must
# adjust them.
ACCENTS = ["", "ffff00", "000080", "ff69b4"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def run_axe(page: Any, axe_source: str) -> list[dict[str, Any]]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [{"id": v["id"], "help": v["help"],
             "nodes": [n["html"][:120] for n in v["nodes"]][:3]} for v in result["violations"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_axe_violations(browser: Any, service: Gunicorn, watch: Watch, axe_source: str,
                           scheme: str, path: str) -> None:
    # bypass_csp lets the test inject axe; the page's own CSP is checked elsewhere.
    context = open_context(browser, watch, color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(service.url + path)
    assert run_axe(page, axe_source) == []
    context.close()


@pytest.mark.parametrize("accent", ACCENTS)
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_custom_accents_keep_contrast(browser: Any, service: Gunicorn, watch: Watch,
                                      axe_source: str, accent: str, theme: str) -> None:
    context = open_context(browser, watch, bypass_csp=True)
    page = context.new_page()
    query = f"theme={theme}" + (f"&accent={accent}" if accent else "")
    page.goto(f"{service.url}/embed/strikes?status=all&{query}")
    violations = run_axe(page, axe_source)
    assert violations == []
    # Keyboard focus is visible: a focused link gets an outline.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert page.evaluate("document.activeElement.tagName") == "A"
    assert outline == "solid"
    context.close()


def test_axe_can_fail(browser: Any, watch: Watch, axe_source: str) -> None:
    """The check above is only worth something if axe really reports problems."""
    context = open_context(browser, watch)
    page = context.new_page()
    page.set_content('<html><body><main><p style="color:#bbb;background:#fff">faint</p>'
                     '<a href="/x"></a></main></body></html>')
    ids = {v["id"] for v in run_axe(page, axe_source)}
    assert {"color-contrast", "link-name", "html-has-lang"} <= ids
    context.close()

"""A strike's own page in Chromium, as its readers get it: accessible (axe) in every
interface language, right to left where the language is, light and dark, at a phone's
and a desktop's width; its counter moves on as the widgets' do; nothing from other hosts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Watch, open_context
from tests.browser.test_accessibility import run_axe
from tests.servers import Gunicorn
from widget import i18n

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_the_page_reads_well_in_every_language(browser: Any, service: Gunicorn,
                                               watch: Watch, axe_source: str,
                                               lang: str) -> None:
    context = open_context(browser, watch, bypass_csp=True,
                           viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{service.url}/strike/zehra-kurtay?lang={lang}")
    direction = i18n.LANGUAGES[lang].direction
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == direction
    # Nothing sticks out of a phone's width, in either direction.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    name = page.locator("h1.sw-name")
    box = name.bounding_box()
    assert box is not None and (box["x"] + box["width"] > 200 if direction == "rtl"
                                else box["x"] < 100)
    assert run_axe(page, axe_source) == []
    # The share button shows where the browser can share or copy; nothing leaves.
    assert page.locator("button.sw-share").is_visible()
    assert watch.foreign(service.url) == []
    assert not watch.errors
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_at_a_desktops_width(browser: Any, service: Gunicorn, watch: Watch,
                                      axe_source: str, scheme: str) -> None:
    context = open_context(browser, watch, bypass_csp=True, color_scheme=scheme,
                           viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(f"{service.url}/strike/ali-hasan-akgul")
    assert run_axe(page, axe_source) == []
    assert "Released after" in page.locator(".sw-day").inner_text()
    assert page.locator(".sw-timeline li").count() >= 2
    context.close()


def test_share_copies_the_link_where_there_is_no_share_sheet(
        browser: Any, service: Gunicorn, watch: Watch) -> None:
    context = open_context(browser, watch)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service.url)
    page = context.new_page()
    page.add_init_script("delete Navigator.prototype.share")  # a desktop without one
    page.goto(f"{service.url}/strike/zehra-kurtay?lang=fr")
    button = page.locator("button.sw-share")
    button.click()
    page.wait_for_function(
        "document.querySelector('button.sw-share').textContent === 'Lien copié'")
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"{service.url}/strike/zehra-kurtay?lang=fr")
    context.close()

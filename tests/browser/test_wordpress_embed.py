"""A real WordPress (../shared/wordpress) embeds this service's widgets by oEmbed, the
way an allied site's editor does it: an embed URL pasted on a line of its own in the
block editor. Read by Chromium as that site's readers would, at a phone's width and a
desktop's, light and dark: WordPress's own script sizes the frame to its content, and a
link inside leads on, through what WordPress's sandbox allows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import open_context
from tests.peers import WordPress, wordpress  # noqa: F401 -- the session's WordPress
from tests.servers import Gunicorn

EMBEDS = {"strike": "/embed/strike/zehra-kurtay", "strikes": "/embed/strikes",
          "news": "/embed/news"}
ORGANISATION = "https://is4pp.example/"  # where the fixture's posts and strikes link
WP_MIN, WP_MAX = 200, 1000  # wp-embed.js keeps a frame's height in this range


def block(url: str) -> str:
    """What the block editor saves when a URL is pasted on a line of its own."""
    return (f'<!-- wp:paragraph --><p>Solidarity with the prisoners.</p><!-- /wp:paragraph -->\n'
            f'<!-- wp:embed {{"url":"{url}","type":"rich"}} -->\n'
            f'<figure class="wp-block-embed is-type-rich"><div class="wp-block-embed__wrapper">\n'
            f'{url}\n</div></figure>\n<!-- /wp:embed -->\n'
            f'<!-- wp:paragraph --><p>Read and share.</p><!-- /wp:paragraph -->')


@pytest.fixture(scope="module")
def posts(wordpress: WordPress, service: Gunicorn) -> Iterator[dict[str, str]]:  # noqa: F811
    made: dict[str, int] = {}
    links: dict[str, str] = {}
    try:
        for widget, path in EMBEDS.items():
            post = wordpress.rest("POST", "posts", {
                "title": f"Embedded: {widget}", "status": "publish",
                "content": block(service.url + path)})
            made[widget], links[widget] = post["id"], post["link"]
        yield links
    finally:
        for post_id in made.values():
            wordpress.rest("DELETE", f"posts/{post_id}?force=true")


def open_post(browser: Any, watch: Any, link: str, width: int, scheme: str) -> tuple[Any, Any]:
    context = open_context(browser, watch, viewport={"width": width, "height": 800},
                           color_scheme=scheme)
    page = context.new_page()
    page.goto(link)
    return context, page


SHOWN = """() => {
    const f = document.querySelector('iframe.wp-embedded-content');
    if (!f || f.hasAttribute('style') || !f.contentWindow) return false;
    return f.getBoundingClientRect().height > 0;
}"""


def settled(page: Any) -> tuple[Any, Any]:
    """The embedded frame once WordPress has shown it (it hides it until the frame
    speaks its protocol) and its height matches the content's."""
    page.wait_for_selector("iframe.wp-embedded-content", state="attached")
    # WordPress lazy-loads frames below the fold: the reader scrolls to it.
    page.eval_on_selector("iframe.wp-embedded-content", "f => f.scrollIntoView()")
    page.wait_for_function(SHOWN)
    element = page.query_selector("iframe.wp-embedded-content")
    frame = element.content_frame()
    frame.wait_for_load_state("load")
    return element, frame


def content_height(frame: Any) -> int:
    return frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1200])
@pytest.mark.parametrize("widget", list(EMBEDS))
def test_wordpress_embeds_the_widget_sized_to_its_content(
        browser: Any, watch: Any, posts: dict[str, str], service: Gunicorn,
        widget: str, width: int, scheme: str) -> None:
    context, page = open_post(browser, watch, posts[widget], width, scheme)
    try:
        element, frame = settled(page)
        assert frame.url.startswith(service.url + EMBEDS[widget])
        # WordPress's own markup and script: the quote hidden, its sandbox, its secret.
        assert page.eval_on_selector("blockquote.wp-embedded-content",
                                     "q => getComputedStyle(q).display") == "none"
        assert element.get_attribute("sandbox") == "allow-scripts"
        assert "#?secret=" in (element.get_attribute("src") or "")
        # Sized exactly to what the widget shows at this width, within WordPress's range.
        want = min(max(content_height(frame), WP_MIN), WP_MAX)
        page.wait_for_function("([f, h]) => f.getBoundingClientRect().height === h",
                               arg=[element, want])
        box = element.bounding_box()
        assert box["height"] == want
        assert content_height(frame) <= WP_MAX, "the widget is taller than WordPress allows"
        # Inside the page's column: nothing sticks out at a phone's width.
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The reader sees the widget's own words, in the scheme asked for.
        assert frame.locator("main.sw").inner_text().strip()
        assert not watch.errors
    finally:
        context.close()


@pytest.mark.parametrize("widget, link", [("strike", ".sw-footer a"), ("news", ".sw-post a")])
def test_a_link_in_the_embedded_widget_leads_to_the_organisations_post(
        browser: Any, watch: Any, posts: dict[str, str], service: Gunicorn,
        widget: str, link: str) -> None:
    context, page = open_post(browser, watch, posts[widget], 1200, "light")
    try:
        _, frame = settled(page)
        target = frame.locator(link).first
        href = target.get_attribute("href")
        assert href and href.startswith(ORGANISATION)
        # WordPress follows the frame's link message to this service (the top page goes
        # there), which sends the reader on to the post. (The organisation's site itself
        # is not on this machine.)
        with page.expect_response(lambda r: r.url.startswith(service.url + "/go?")) as went:
            target.click()
        response = went.value
        assert response.request.is_navigation_request()
        assert response.request.frame == page.main_frame
        assert response.status == 302 and response.headers["location"] == href
    finally:
        context.close()


def test_read_more_leads_to_the_strikes_own_page(browser: Any, watch: Any,
                                                 posts: dict[str, str],
                                                 service: Gunicorn) -> None:
    context, page = open_post(browser, watch, posts["strike"], 320, "light")
    try:
        _, frame = settled(page)
        more = frame.locator(".sw-more a")
        href = more.get_attribute("href")
        assert href == service.url + "/strike/zehra-kurtay"
        # This service's own page: WordPress follows the link message there directly.
        with page.expect_navigation(url=href):
            more.click()
        assert page.locator("h1.sw-name").inner_text() == "Zehra Kurtay"
    finally:
        context.close()

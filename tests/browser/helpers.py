"""Small helpers for driving widgets in a host page."""

from __future__ import annotations

import time
from typing import Any

FRAMES = "iframe.solidarity-widget-frame"


def wait_frames(page: Any, count: int, timeout: float = 15.0) -> list[Any]:
    page.wait_for_function(f"document.querySelectorAll({FRAMES!r}).length >= {count}",
                           timeout=timeout * 1000)
    frames = page.query_selector_all(FRAMES)
    for element in frames:
        element.scroll_into_view_if_needed()
        loaded(element, timeout)
    return frames


def loaded(element: Any, timeout: float = 15.0) -> Any:
    """The frame of an iframe element once its page (not about:blank) has loaded."""
    frame = None
    deadline = time.monotonic() + timeout
    while frame is None or frame.url == "about:blank":
        frame = element.content_frame()
        if time.monotonic() > deadline:
            raise AssertionError(f"frame {element.get_attribute('src')} never loaded")
        time.sleep(0.05)
    frame.wait_for_load_state("load")
    return frame


def heights(element: Any) -> tuple[float, float]:
    """(height of the iframe on the host page, height of the page inside it)."""
    outer = element.evaluate("f => f.getBoundingClientRect().height")
    inner = element.content_frame().evaluate(
        "Math.ceil(document.documentElement.getBoundingClientRect().height)")
    return outer, inner


def wait_fitted(element: Any, timeout: float = 10.0) -> tuple[float, float]:
    deadline = time.monotonic() + timeout
    while True:
        outer, inner = heights(element)
        if abs(outer - inner) < 1:
            return outer, inner
        if time.monotonic() > deadline:
            raise AssertionError(f"iframe is {outer}px tall, its content {inner}px: "
                                 f"{element.get_attribute('src')}")
        time.sleep(0.05)


def frame_text(element: Any) -> str:
    return str(element.content_frame().inner_text("body"))


def no_inner_scrollbar(element: Any) -> bool:
    frame = element.content_frame()
    return bool(frame.evaluate(
        "document.documentElement.scrollHeight <= window.innerHeight + 1 && "
        "document.documentElement.scrollWidth <= window.innerWidth + 1"))

"""Every embed readable in every language and option (issue 11), in headless Chromium at
a phone's width and a desktop's: demands in full (a long one clamped, its start kept, in
either direction), no text under 12 px, links that are targets of 24 × 24 px, the
language's own list comma, supplied texts aligned with the widget, and transparent
widgets with automatic colours readable over light and dark host pages, whatever the
reader's colour scheme."""

from __future__ import annotations

import datetime as dt
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel import Locale

from tests.browser.conftest import HostServer, Watch, confirmed_today, open_context
from tests.browser.helpers import wait_frames
from tests.conftest import copy_demo
from tests.servers import Gunicorn
from tests.test_embed import wcag_contrast

pytestmark = pytest.mark.browser

VIEWPORTS = [{"width": 320, "height": 640}, {"width": 1200, "height": 800}]
VIEWPORT_IDS = ["320x640", "1200x800"]

# Invented for these tests: long demands (the strikes file allows 200 characters).
LONG_EN = ("An end to solitary confinement and to transfers to distant prisons, medical care "
           "for every hunger striker, and the right of each prisoner to see a lawyer and the "
           "family every week")
LONG_AR = ("إنهاء العزل الانفرادي ووقف نقل المعتقلين إلى سجون بعيدة عن عائلاتهم، وتوفير العلاج "
           "الطبي لكل مضرب عن الطعام، وضمان حق كل معتقل في لقاء محاميه وعائلته كل أسبوع من دون "
           "حاجز زجاجي")
SHORT_AR = "الإفراج عن جميع المعتقلين السياسيين"


def _strike(slug: str, name: str, place: str, country: str, zone: str, demand: str) -> str:
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    return (f'\n[strike.{slug}]\nname = "{name}"\ncountry = "{country}"\nplace = "{place}"\n'
            f'timezone = "{zone}"\nstart_date = 2025-03-03\nkind = "indefinite"\n'
            f'status = "active"\ndemands = ["{demand}"]\n'
            f'last_confirmed = {yesterday.isoformat()}\n')


def _service(folder: Path, *, content_lang: str, strikes: str, keep_fixture: bool) -> Gunicorn:
    copy_demo(folder)
    confirmed_today(folder)
    file = folder / "strikes.toml"
    file.write_text((file.read_text(encoding="utf-8") if keep_fixture else "") + strikes,
                    encoding="utf-8")
    config = folder / "widget.toml"
    config.write_text(f'content_lang = "{content_lang}"\n' + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    subprocess.run([sys.executable, "-m", "widget", "--config", str(config), "sync"],
                   check=True, capture_output=True)
    return Gunicorn(config, workers=1)


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """The tests' strikes, written in English, and one more with a very long demand."""
    server = _service(tmp_path_factory.mktemp("readability") / "en", content_lang="en",
                      keep_fixture=True, strikes=_strike(
                          "long-demand", "Deniz Yıldırım", "Women's prison of Bakırköy",
                          "TR", "Europe/Istanbul", LONG_EN))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """An organisation that writes its strikes file in Arabic."""
    server = _service(
        tmp_path_factory.mktemp("readability") / "ar", content_lang="ar", keep_fixture=False,
        strikes=_strike("long-demand", "سلمى حداد", "سجن النساء المركزي", "LB", "Asia/Beirut",
                        LONG_AR)
        + _strike("short-demand", "كريم منصور", "سجن رومية المركزي", "LB", "Asia/Beirut",
                  SHORT_AR))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def host(english: Gunicorn) -> Iterator[HostServer]:
    server = HostServer(english.url)
    yield server
    server.close()


def host_page(hosts: HostServer, path: str, *widgets: str, lang: str = "en",
              body: str = "") -> str:
    """A page of another origin with one loader and these widgets' links."""
    services = {w.split("/embed/")[0] for w in widgets}
    links = "".join(f'<div class="slot"><a class="solidarity-widget" href="{w}">widget</a></div>'
                    for w in widgets)
    loaders = "".join(f'<script async src="{s}/widget.js"></script>' for s in services)
    return hosts.add(path, f'<!doctype html><html lang="{lang}"><title>t</title>'
                           f'<body style="margin:0">{body}{links}{loaders}</body></html>')


def frames_of(page: Any, count: int) -> list[Any]:
    return [element.content_frame() for element in wait_frames(page, count)]


# --- demands ---------------------------------------------------------------------------

DEMAND = """p => {
  const span = p.querySelector('span[dir="auto"]');
  const text = span.firstChild;
  const words = text.textContent.split(' ');
  const box = p.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(p).lineHeight);
  function rect(start, end) {
    const range = document.createRange();
    range.setStart(text, start);
    range.setEnd(text, end);
    return range.getClientRects()[0];
  }
  const first = rect(0, words[0].length);
  const length = text.textContent.length;
  const last = rect(length - words[words.length - 1].length, length);
  return {
    text: span.textContent, dir: span.getAttribute('dir'), lang: span.getAttribute('lang'),
    left: box.left, right: box.right, top: box.top, bottom: box.top + p.clientHeight,
    line: line, shown: Math.round(p.clientHeight / line), full: Math.round(p.scrollHeight / line),
    overflowX: p.scrollWidth - p.clientWidth,
    first: {left: first.left, right: first.right, top: first.top, bottom: first.bottom},
    last: {top: last.top},
  };
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
@pytest.mark.parametrize("case", ["en-demand-in-ar", "ar-demand-in-en"])
def test_demands_wrap_keep_their_start_and_a_long_one_is_clamped_to_four_lines(
        browser: Any, host: HostServer, english: Gunicorn, arabic: Gunicorn, watch: Watch,
        case: str, viewport: dict[str, int]) -> None:
    if case == "en-demand-in-ar":
        service, lang, long_text, short_text = english, "ar", LONG_EN, None
    else:
        service, lang, long_text, short_text = arabic, "en", LONG_AR, SHORT_AR
    context = open_context(browser, watch, viewport=viewport)
    page = context.new_page()
    widgets = [f"{service.url}/embed/strike/long-demand?lang={lang}"]
    if short_text:
        widgets.append(f"{service.url}/embed/strike/short-demand?lang={lang}")
    else:  # the fixture's own, a short one
        widgets.append(f"{service.url}/embed/strike/zehra-kurtay?lang={lang}")
    page.goto(host_page(host, f"/demands-{case}-{viewport['width']}.html", *widgets))
    long_frame, short_frame = frames_of(page, 2)
    assert long_frame.evaluate("document.documentElement.dir") == (
        "rtl" if lang == "ar" else "ltr")

    long = long_frame.locator(".sw-demand").evaluate(DEMAND)
    # The strike's own words, whole in the page (for screen readers), isolated, in their
    # language when it is not the widget's.
    assert long["text"] == long_text
    assert long["dir"] == "auto"
    assert long["lang"] == ("en" if lang == "ar" else "ar")
    assert long["overflowX"] <= 0
    assert 1 <= long["shown"] <= 4
    assert long["shown"] == min(long["full"], 4)
    if viewport["width"] == 320:
        assert long["full"] > 4, long  # so the clamp is tried
        # The clamp cuts at the end: the last word is out of sight.
        assert long["last"]["top"] >= long["bottom"] - 1, long
    # Its start is in sight, on the first line, inside the box in either direction.
    first = long["first"]
    assert long["left"] - 1 <= first["left"] < first["right"] <= long["right"] + 1, long
    assert first["top"] < long["top"] + long["line"], long
    assert first["bottom"] <= long["bottom"] + 1, long

    short = short_frame.locator(".sw-demand").evaluate(DEMAND)
    assert short["shown"] == short["full"] <= 4, short  # nothing hidden
    assert short["overflowX"] <= 0
    first = short["first"]
    assert short["left"] - 1 <= first["left"] < first["right"] <= short["right"] + 1, short
    if viewport["width"] == 320 and short_text is None:
        assert short["full"] > 1, short  # it wraps instead of being cut at one line
    assert watch.errors == []
    context.close()


# --- sizes of text and of targets ------------------------------------------------------

TEXTS = """() => [...document.querySelectorAll('body *')].filter(e =>
  [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
  && e.getClientRects().length && !e.closest('.sw-visually-hidden, [hidden]')
).map(e => ({what: e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 30),
             size: parseFloat(getComputedStyle(e).fontSize)}))"""

TARGETS = """() => [...document.querySelectorAll('a[href]')].filter(a => a.getClientRects().length)
  .map(a => { const r = a.getBoundingClientRect();
              return {what: a.textContent.trim().slice(0, 30), width: r.width, height: r.height,
                      rects: a.getClientRects().length}; })"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_no_text_under_12px_and_every_link_a_24px_target(
        browser: Any, host: HostServer, english: Gunicorn, watch: Watch,
        viewport: dict[str, int]) -> None:
    context = open_context(browser, watch, viewport=viewport)
    page = context.new_page()
    widgets = [f"{english.url}/embed/{path}{sep}layout={layout}&lang={lang}"
               for layout in ("compact", "full") for lang in ("en", "ar")
               for path, sep in (("strike/zehra-kurtay", "?"), ("strikes?status=all", "&"),
                                 ("news", "?"))]
    page.goto(host_page(host, f"/sizes-{viewport['width']}.html", *widgets))
    frames = frames_of(page, len(widgets))
    for url, frame in zip(widgets, frames, strict=True):
        texts = frame.evaluate(TEXTS)
        assert texts
        small = [t for t in texts if t["size"] < 12]
        targets = frame.evaluate(TARGETS)
        assert targets, url  # every widget has links: titles, "Read more", the footer
        tiny = [t for t in targets if t["width"] < 24 or t["height"] < 24 or t["rects"] != 1]
        assert (small, tiny) == ([], []), url
    assert watch.errors == []
    context.close()


# --- the language's comma, and the direction of supplied texts -------------------------

def test_place_and_country_are_joined_with_the_languages_comma(
        browser: Any, host: HostServer, english: Gunicorn, watch: Watch) -> None:
    context = open_context(browser, watch, viewport=VIEWPORTS[0])
    page = context.new_page()
    page.goto(host_page(host, "/comma.html", *(
        f"{english.url}/embed/strike/zehra-kurtay?lang={lang}" for lang in ("ar", "en"))))
    ar, en = frames_of(page, 2)
    place = "Resistance tent at Porte de Strasbourg, Saint-Denis (Paris)"
    assert ar.locator(".sw-place").text_content() == (
        place + "\u060c " + Locale.parse("ar").territories["FR"])
    assert en.locator(".sw-place").text_content() == place + ", France"
    context.close()


# How far each line of a block's text is from the start of the block's lines (its side).
ALIGNED = """(el, side) => {
  const box = el.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(el);
  const rects = [...range.getClientRects()].filter(r => r.width > 0)
    .sort((a, b) => a.top - b.top);
  const lines = [];
  for (const r of rects) {
    const middle = (r.top + r.bottom) / 2;
    const line = lines.find(l => l.top <= middle && middle <= l.bottom);
    if (line) {
      line.left = Math.min(line.left, r.left);
      line.right = Math.max(line.right, r.right);
    } else {
      lines.push({top: r.top, bottom: r.bottom, left: r.left, right: r.right});
    }
  }
  return lines.map(l => Math.abs(side === 'right' ? box.right - l.right : l.left - box.left));
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_latin_texts_align_with_the_widgets_direction(
        browser: Any, host: HostServer, english: Gunicorn, watch: Watch,
        viewport: dict[str, int]) -> None:
    context = open_context(browser, watch, viewport=viewport)
    page = context.new_page()
    widgets = [f"{english.url}/embed/{path}lang={lang}" for lang in ("ar", "en")
               for path in ("news?", "strikes?status=all&")]
    page.goto(host_page(host, f"/align-{viewport['width']}.html", *widgets))
    frames = frames_of(page, len(widgets))
    for url, frame in zip(widgets, frames, strict=True):
        side = "right" if "lang=ar" in url else "left"
        heading = frame.locator(".sw-heading").evaluate(ALIGNED, side)
        assert max(heading) < 1, (url, heading)
        # Post titles and excerpts, names, places and demands: upstream or editor's texts
        # in a Latin language, each line at the start of the widget's lines, as the heading.
        supplied = frame.locator(".sw-title, .sw-excerpt, .sw-name, .sw-place")
        assert supplied.count() >= 4, url
        for i in range(supplied.count()):
            offsets = supplied.nth(i).evaluate(ALIGNED, side)
            assert offsets and max(offsets) < 1.5, (url, supplied.nth(i).text_content(), offsets)
    assert watch.errors == []
    context.close()


# --- transparent widgets with automatic colours -----------------------------------------

LIGHT_HOST, DARK_HOST = "fdf6e3", "1e2127"
PALETTE_BG = {"light": "ffffff", "dark": "15171c"}


def _pixel(png: bytes, x: int, y: int) -> str:
    """The colour `rrggbb` of one pixel of a screenshot (8-bit RGB or RGBA, as Chromium
    writes them), decoding only the rows down to it."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, data, width, channels = 8, b"", 0, 0
    while at < len(png):
        (length,), kind = struct.unpack(">I", png[at:at + 4]), png[at + 4:at + 8]
        chunk = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, _, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += chunk
        at += 12 + length
    stride = width * channels
    raw = zlib.decompressobj().decompress(data, (stride + 1) * (y + 1))
    previous = bytearray(stride)
    for row in range(y + 1):
        method = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if method == 1:
                line[i] = (line[i] + a) & 255
            elif method == 2:
                line[i] = (line[i] + b) & 255
            elif method == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif method == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        previous = line
    return previous[x * channels:x * channels + 3].hex()


def _close(a: str, b: str, tolerance: int = 2) -> bool:
    return all(abs(int(a[i:i + 2], 16) - int(b[i:i + 2], 16)) <= tolerance for i in (0, 2, 4))


# Each text's colour and the backgrounds between it and the page's root, innermost first.
COLOURS = """() => {
  function rgba(value) {
    const srgb = value.match(/color\\(srgb ([\\d.]+) ([\\d.]+) ([\\d.]+)(?: \\/ ([\\d.]+))?\\)/);
    if (srgb) return [+srgb[1] * 255, +srgb[2] * 255, +srgb[3] * 255, srgb[4] ? +srgb[4] : 1];
    const c = (value.match(/[\\d.]+/g) || []).map(Number);
    return c.length === 3 ? [...c, 1] : c;
  }
  return [...document.querySelectorAll('body *')].filter(e =>
    [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
    && e.getClientRects().length && !e.closest('.sw-visually-hidden, [hidden]')
  ).map(e => {
    const layers = [];
    for (let el = e; el && el !== document.documentElement; el = el.parentElement) {
      layers.push(rgba(getComputedStyle(el).backgroundColor));
    }
    return {what: e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 30),
            color: rgba(getComputedStyle(e).color), layers: layers};
  });
}"""


def _over(back: str, layers: list[list[float]]) -> str:
    """The colour seen through `layers` (innermost first) over `back`."""
    r, g, b = (float(int(back[i:i + 2], 16)) for i in (0, 2, 4))
    for lr, lg, lb, alpha in reversed(layers):
        r, g, b = (lr * alpha + r * (1 - alpha), lg * alpha + g * (1 - alpha),
                   lb * alpha + b * (1 - alpha))
    return "".join(f"{round(v):02x}" for v in (r, g, b))


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
@pytest.mark.parametrize("reader", ["light", "dark"])
def test_transparent_automatic_widgets_are_readable_on_any_host_for_any_reader(
        browser: Any, host: HostServer, english: Gunicorn, watch: Watch, reader: str,
        viewport: dict[str, int]) -> None:
    context = open_context(browser, watch, viewport=viewport, color_scheme=reader)
    page = context.new_page()
    base = english.url
    cases: list[tuple[str, str, str]] = []  # (host colour, how, url)
    body = ""
    for tone, colour in (("light", LIGHT_HOST), ("dark", DARK_HOST)):
        # A dark site says so (color-scheme: dark): a plain iframe in it inherits that.
        scheme = "color-scheme: dark; color: #eee;" if tone == "dark" else "color: #222;"
        slots = []
        for path in ("strike/zehra-kurtay?", "news?limit=2&"):
            for theme in ("auto", tone):  # automatic, and the explicit theme (kept as it was)
                url = f"{base}/embed/{path}background=transparent&theme={theme}"
                cases.append((tone, "loader" if theme == "auto" else tone, url))
                slots.append(f'<a class="solidarity-widget" href="{url}">widget</a>')
            # Framed by hand (no loader, nothing tells the widget what is behind it).
            url = f"{base}/embed/{path}background=transparent"
            cases.append((tone, "plain", url))
            slots.append(f'<iframe class="plain" src="{url}" title="widget" '
                         f'style="border:0;width:100%;height:420px;display:block"></iframe>')
        body += (f'<section class="{tone}" style="background:#{colour};{scheme}padding:12px">'
                 + "".join(slots) + "</section>")
    address = host.add(f"/transparent-{reader}-{viewport['width']}.html", (
        f'<!doctype html><html lang="en"><title>t</title><body style="margin:0">{body}'
        f'<script async src="{base}/widget.js"></script></body></html>'))
    page.goto(address)
    loaded = iter(wait_frames(page, sum(1 for c in cases if c[1] != "plain")))
    plain = iter(page.query_selector_all("iframe.plain"))
    seen = 0
    for tone, how, url in cases:
        element = next(plain) if how == "plain" else next(loaded)
        element.scroll_into_view_if_needed()
        frame = element.content_frame()
        frame.wait_for_load_state("load")
        classes = frame.evaluate("document.documentElement.className")
        host_bg = LIGHT_HOST if tone == "light" else DARK_HOST
        if how == "loader":
            # The loader told the widget what is behind it. (Were it not, e.g. an older
            # loader, frame.evaluate("document.documentElement.classList.add(…)") stands in.)
            frame.wait_for_function(
                "/sw-host-(light|dark)/.test(document.documentElement.className)")
            classes = frame.evaluate("document.documentElement.className")
            assert f"sw-host-{tone}" in classes, (url, classes)
        # What the reader sees behind the text: a pixel of the frame's margin, as painted.
        behind = _pixel(element.screenshot(), 4, 4)
        if how == "plain":
            # Nothing says what is behind: the widget's own background, of the reader's scheme.
            assert "sw-host-" not in classes
            assert _close(behind, PALETTE_BG[reader]), (url, behind)
        else:
            # The host page shows through, as Chromium composites it (an opaque frame, were
            # the colour schemes of frame and embedder to differ, would fail here).
            assert _close(behind, host_bg), (url, how, reader, behind)
        for text in frame.evaluate(COLOURS):
            fore = "".join(f"{round(v):02x}" for v in text["color"][:3])
            assert text["color"][3] == 1, text
            ratio = wcag_contrast(fore, _over(behind, text["layers"]))
            assert ratio >= 4.5, (url, how, reader, text["what"], fore, behind, ratio)
            seen += 1
    assert seen > 20
    assert watch.errors == []
    context.close()

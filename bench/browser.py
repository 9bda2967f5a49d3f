"""Phase 4, browser: headless Chromium (Playwright) on a host page served from another
origin on 127.0.0.1, embedding the counter through the loader (bench/hostpage.py).

- time to a painted widget: from widget.js's request (the host's resource timing) to
  the later of the embed page's first contentful paint (inside the frame) and the
  frame after its first height message reached the host: median of `loads` cold loads;
- bytes per widget view: every request to the service for one view (CDP network
  events), with an empty and with a warm HTTP cache;
- layout shift (CLS) of the host page, for several ways of reserving the widget's room.
"""

from __future__ import annotations

import contextlib
import html
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench import nginx, static
from bench.data import Sites
from bench.hostpage import HostServer, page
from bench.meter import Others
from bench.outcome import Line, Outcome, table, verdict
from bench.plan import (
    DEMO,
    LOADER_GZIP_TARGET,
    PAINT_TARGET_MS,
    VIEW_BYTES_TARGET,
    VIEW_REQUESTS_TARGET,
    BrowserPlan,
    Plan,
    Reserve,
)
from bench.server import SERVICE_APP, free_port, gunicorn
from widget.render.frames import MEASURE_MESSAGE, MEASURED_MESSAGE

TITLE = "Browser: the counter on a host page, through the loader"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]
WARMUP_LOADS = 3  # not counted: each gunicorn worker renders the page once first
NOISE_LIMIT = 0.25  # a load during which other processes kept more CPUs busy is run again

# In the embed frame, in the host's clock (epoch ms): its navigation start, the HTML and
# its subresources received, its first contentful paint.
_FRAME_TIMES = """() => new Promise(function (done) {
  var tries = 0;
  (function look() {
    var e = performance.getEntriesByName('first-contentful-paint')[0];
    if (!e && ++tries <= 150) return setTimeout(look, 20);
    var t0 = performance.timeOrigin, nav = performance.getEntriesByType('navigation')[0];
    var subs = performance.getEntriesByType('resource').filter(function (r) {
      return r.initiatorType === 'link' || r.initiatorType === 'script'; });
    done({start: t0, html: nav ? t0 + nav.responseEnd : null,
          subresources: subs.length ? t0 + Math.max.apply(null, subs.map(function (r) {
            return r.responseEnd; })) : null,
          paint: e ? t0 + e.startTime : null});
  })();
})"""
_HOST_STATE = """() => {
  var js = performance.getEntriesByType('resource').filter(function (e) {
    return /\\/widget\\.js$/.test(e.name); })[0];
  var f = document.querySelector('iframe.solidarity-widget-frame');
  return {origin: performance.timeOrigin, js: js ? js.toJSON() : null,
          heights: __bench.heights, resized: __bench.resized, shifts: __bench.shifts,
          frame: f ? f.getBoundingClientRect().height : null};
}"""


@dataclass
class Load:
    """One host page load, times in ms from widget.js's request."""

    loader_fetched: float  # widget.js responseEnd: the loader can start
    frame_start: float | None  # the embed frame's navigation starts (loader ran, lazy check)
    frame_html: float | None  # its HTML received
    frame_subresources: float | None  # its CSS and JS received
    frame_paint: float | None  # first contentful paint inside the embed frame
    height_message: float | None  # first height message at the host
    resized: float | None  # the host frame after it (the frame shows the new height)
    cls: float
    shifts: int
    final_height: float | None
    others: float = 0.0  # CPUs other processes kept busy meanwhile

    @property
    def painted(self) -> float | None:
        if self.frame_paint is None or self.resized is None:
            return None
        return max(self.frame_paint, self.resized)


@dataclass
class Transfer:
    url: str
    status: int | None = None
    bytes: int = 0  # over the wire, headers included (CDP loadingFinished)
    header_bytes: int = 0
    cached: bool = False

    @property
    def body(self) -> int:
        return max(0, self.bytes - self.header_bytes) if self.bytes else 0


@dataclass
class Results:
    chromium: str = ""
    loads: list[Load] = field(default_factory=list)
    views: dict[str, list[Transfer]] = field(default_factory=dict)  # "cold", "warm"
    reserves: dict[str, list[Load]] = field(default_factory=dict)
    floor: list[Load] = field(default_factory=list)  # the static export under nginx
    floor_note: str = ""  # why there is no floor
    height: str = ""
    attempts: int = 0  # cold loads run for the timing, the busy ones included


def _load(context: Any, url: str, b: BrowserPlan, service: str) -> Load:
    tab = context.new_page()
    tab.goto(url, wait_until="load", timeout=b.timeout_ms)
    tab.wait_for_function("window.__bench.heights.length > 0", timeout=b.timeout_ms)
    frame = next((f for f in tab.frames if f.url.startswith(service + "/embed/")), None)
    times = frame.evaluate(_FRAME_TIMES) if frame is not None else {}
    tab.wait_for_timeout(b.settle_ms)
    state = tab.evaluate(_HOST_STATE)
    js = state["js"] or {}
    start = js.get("startTime", 0.0)
    heights, resized = state["heights"], state["resized"]

    def host_ms(key: str) -> float | None:
        value = times.get(key)
        return None if value is None else float(value) - state["origin"] - start

    return Load(
        loader_fetched=js.get("responseEnd", 0.0) - start,
        frame_start=host_ms("start"),
        frame_html=host_ms("html"),
        frame_subresources=host_ms("subresources"),
        frame_paint=host_ms("paint"),
        height_message=heights[0]["at"] - start if heights else None,
        resized=resized[0] - start if resized else None,
        cls=sum(s["value"] for s in state["shifts"]),
        shifts=len(state["shifts"]),
        final_height=state["frame"],
    )


def _cold_load(browser: Any, url: str, b: BrowserPlan, service: str) -> Load:
    others = Others()
    context = browser.new_context(viewport={"width": b.viewport[0], "height": b.viewport[1]})
    try:
        load = _load(context, url, b, service)
    finally:
        context.close()
    load.others = others.read()
    return load


def _quiet_loads(browser: Any, url: str, b: BrowserPlan, service: str, count: int,
                 limit: float) -> tuple[list[Load], int]:
    """`count` cold loads during which other processes kept at most `limit` CPUs busy,
    trying at most twice as often; else the quietest `count`. Also: how many loads ran."""
    loads: list[Load] = []
    for _ in range(2 * count):
        loads.append(_cold_load(browser, url, b, service))
        if sum(ld.others <= limit for ld in loads) >= count:
            break
    return sorted(loads, key=lambda ld: ld.others)[:count], len(loads)


def _views(browser: Any, first: str, second: str, b: BrowserPlan,
           service: str) -> dict[str, list[Transfer]]:
    """Requests to the service for one view with an empty cache, then for a view of the
    same widget on another page of the host, with the cache the first one left."""
    context = browser.new_context(viewport={"width": b.viewport[0], "height": b.viewport[1]})
    try:
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        seen: dict[str, Transfer] = {}

        def sent(e: dict[str, Any]) -> None:
            seen.setdefault(e["requestId"], Transfer(e["request"]["url"]))

        def received(e: dict[str, Any]) -> None:
            t = seen.get(e["requestId"])
            if t is not None:
                t.status = e["response"]["status"]
                t.header_bytes = int(e["response"].get("encodedDataLength") or 0)
                t.cached = t.cached or bool(e["response"].get("fromDiskCache"))

        def finished(e: dict[str, Any]) -> None:
            if (t := seen.get(e["requestId"])) is not None:
                t.bytes = int(e["encodedDataLength"])

        def from_cache(e: dict[str, Any]) -> None:
            if (t := seen.get(e["requestId"])) is not None:
                t.cached = True

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.requestServedFromCache", from_cache)
        cdp.send("Network.enable")
        views = {}
        for name, url in (("empty cache", first), ("warm cache", second)):
            seen.clear()
            tab.goto(url, wait_until="load", timeout=b.timeout_ms)
            tab.wait_for_function("window.__bench.heights.length > 0", timeout=b.timeout_ms)
            tab.wait_for_timeout(b.settle_ms)
            views[name] = [t for t in seen.values() if t.url.startswith(service + "/")]
        cdp.detach()
        return views
    finally:
        context.close()


def _builder_snippet(browser: Any, host: HostServer, service: str, b: BrowserPlan) -> str:
    """The builder's script snippet for the widget, with the heights its preview measures
    (the embed page answers MEASURE_MESSAGE with them), as a blogger copies it."""
    context = browser.new_context(viewport={"width": b.viewport[0], "height": b.viewport[1]})
    try:
        tab = context.new_page()
        src = html.escape(service + b.widget)
        tab.goto(host.add("/blog/measure.html", (
            f'<!doctype html><title>measure</title><iframe src="{src}" title="preview" '
            'style="width:600px;height:600px"></iframe>')), wait_until="load",
            timeout=b.timeout_ms)
        fit = tab.evaluate(f"""() => new Promise(done => {{
            addEventListener('message', e => {{
                if (e.data && e.data.type === {MEASURED_MESSAGE!r}) done(e.data.heights); }});
            frames[0].postMessage({{type: {MEASURE_MESSAGE!r}}}, '*');
        }})""")
        slug = b.widget.rsplit("/", 1)[-1]
        tab.goto(f"{service}/?{urlencode({'widget': 'strike', 'strike': slug, 'fit': fit})}",
                 timeout=b.timeout_ms)
        return str(tab.input_value("#b-snippet-script"))
    finally:
        context.close()


def _measure(browser: Any, host: HostServer, service: str, b: BrowserPlan,
             floor: str | None = None) -> Results:
    out = Results(chromium=str(browser.version))

    def url(path: str, reserve: Reserve, height: str) -> str:
        data_height = height if reserve.data_height == "measured" else reserve.data_height
        style = reserve.link_style.format(h=height) if reserve.link_style else None
        snippet = _builder_snippet(browser, host, service, b) if reserve.snippet else ""
        return host.add(path, page(service, b.widget, column_px=b.column_px,
                                   data_height=data_height, link_style=style,
                                   snippet=snippet))

    documented = b.reserves[0]
    first = url("/blog/post-1.html", documented, b.documented_height)
    for _ in range(WARMUP_LOADS):
        _cold_load(browser, first, b, service)
    print(f"browser: {b.loads} cold loads …", file=sys.stderr, flush=True)
    out.loads, out.attempts = _quiet_loads(browser, first, b, service, b.loads, NOISE_LIMIT)
    out.reserves[documented.name] = out.loads
    heights = [ld.final_height for ld in out.loads if ld.final_height]
    out.height = str(round(statistics.median(heights))) if heights else b.documented_height
    second = url("/blog/post-2.html", documented, b.documented_height)
    out.views = _views(browser, first, second, b, service)
    for i, reserve in enumerate(b.reserves[1:], start=1):
        page_url = url(f"/blog/reserve-{i}.html", reserve, out.height)
        out.reserves[reserve.name] = _quiet_loads(browser, page_url, b, service, b.cls_loads,
                                                  NOISE_LIMIT)[0]
    if floor is not None:
        # The same host page and widget, from the export as files: what this machine
        # and Chromium take when the server does nothing at all.
        floor_url = host.add("/blog/floor.html", page(
            floor, b.widget, column_px=b.column_px, data_height=b.documented_height,
            link_style=None))
        for _ in range(WARMUP_LOADS):
            _cold_load(browser, floor_url, b, floor)
        print(f"browser: {b.loads} cold loads from the static export …", file=sys.stderr,
              flush=True)
        out.floor = _quiet_loads(browser, floor_url, b, floor, b.loads, NOISE_LIMIT)[0]
    return out


def run(plan: Plan, sites: Sites, tmp: Path) -> Outcome:
    b = plan.browser
    outcome = Outcome("browser", TITLE)
    rows = [("time to a painted widget (median)", f"≤ {PAINT_TARGET_MS:.0f} ms"),
            ("a cold view after the loader",
             f"≤ {VIEW_REQUESTS_TARGET} requests, ≤ {VIEW_BYTES_TARGET:,} B"),
            *[(f"CLS, {r.name}", "—" if r.target is None else f"= {r.target:g}")
              for r in b.reserves]]
    if not CHROMIUM.exists():
        return outcome.not_run(f"missing {CHROMIUM} (apt-get install chromium)", rows)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return outcome.not_run("playwright is not installed (pip install -e '.[test]')", rows)
    site = sites(DEMO)
    port = free_port()
    service = f"http://127.0.0.1:{port}"
    env = {**site.env(), "WIDGET_BASE_URL": service}
    print("browser: starting the service and Chromium …", file=sys.stderr, flush=True)
    floor_port = free_port()
    floor = f"http://127.0.0.1:{floor_port}"
    outdir, prefix = tmp / "browser-export", tmp / "browser-nginx"
    floor_note = ""
    try:
        if (why := nginx.missing()) is not None:
            raise static.ExportUnavailable(why)
        static.build(site, outdir, base_url=floor)
        nginx.readable(outdir, tmp)
    except (static.ExportUnavailable, RuntimeError, OSError) as exc:
        floor_note = f"no floor: {exc}"
    with contextlib.ExitStack() as stack:
        stack.enter_context(gunicorn(
            f"service ({site.name})", SERVICE_APP, env, tmp / "browser-service.log",
            workers=plan.workers, probe="/healthz", extra=plan.gunicorn_args(), port=port))
        if not floor_note:
            stack.enter_context(nginx.nginx(
                "nginx static", prefix,
                nginx.main_conf(prefix, nginx.static_server(floor_port, outdir), 1),
                floor_port, "/widget.js"))
        host = stack.enter_context(HostServer())
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_FLAGS)
        try:
            results = _measure(browser, host, service, b, None if floor_note else floor)
        finally:
            browser.close()
    results.floor_note = floor_note
    _summarise(outcome, b, results, plan.workers)
    return outcome


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _summarise(outcome: Outcome, b: BrowserPlan, r: Results, workers: int) -> None:
    painted = _median([ld.painted for ld in r.loads])
    missing = sum(ld.painted is None for ld in r.loads)
    floor = _median([ld.painted for ld in r.floor])
    outcome.lines.append(Line(
        "time to a painted widget (median)",
        f"{_ms(painted)} ms (median of {len(r.loads) - missing} cold loads; "
        + (f"the static export under nginx: {_ms(floor)} ms)" if r.floor
           else f"{r.floor_note})"),
        f"≤ {PAINT_TARGET_MS:.0f} ms",
        verdict(painted is not None and painted <= PAINT_TARGET_MS, errors=missing)))
    for name, view in r.views.items():
        outcome.lines.append(Line(
            f"bytes per widget view, {name}",
            f"{sum(t.bytes for t in view):,} B over the wire ({sum(t.body for t in view):,} B "
            f"of bodies) in {sum(not t.cached for t in view)} of {len(view)} requests"))
    cold = [t for t in r.views.get("empty cache", [])
            if not t.cached and not urlsplit(t.url).path.endswith("/widget.js")]
    if cold:
        sent = sum(t.bytes for t in cold)
        ok = len(cold) <= VIEW_REQUESTS_TARGET and sent <= VIEW_BYTES_TARGET
        outcome.lines.append(Line(
            "a cold view after the loader",
            f"{len(cold)} request{'' if len(cold) == 1 else 's'}, {sent:,} B over the wire "
            f"({', '.join(urlsplit(t.url).path for t in cold)})",
            f"≤ {VIEW_REQUESTS_TARGET} requests, ≤ {VIEW_BYTES_TARGET:,} B",
            verdict(ok)))
    loader = [t for t in r.views.get("empty cache", [])
              if not t.cached and urlsplit(t.url).path.endswith("/widget.js")]
    if loader:
        body = loader[0].body
        outcome.lines.append(Line(
            "widget.js gzipped",
            f"{body:,} B of body ({loader[0].bytes:,} B with headers) in the cold view",
            f"≤ {LOADER_GZIP_TARGET:,} B", verdict(body <= LOADER_GZIP_TARGET)))
    for reserve in b.reserves:
        loads = r.reserves.get(reserve.name, [])
        if not loads:
            continue
        worst = max(ld.cls for ld in loads)
        ok = reserve.target is None or worst <= reserve.target
        outcome.lines.append(Line(
            f"CLS, {reserve.name}",
            f"{statistics.median(ld.cls for ld in loads):.4f} median, {worst:.4f} worst "
            f"of {len(loads)}",
            "—" if reserve.target is None else f"= {reserve.target:g}",
            "info" if reserve.target is None else verdict(ok)))
    outcome.sections += [
        f"Chromium {r.chromium} (headless, {' '.join(CHROMIUM_FLAGS[1:])}), viewport "
        f"{b.viewport[0]}×{b.viewport[1]}; the service (demo, {workers} gunicorn workers) and the "
        f"host page on two ports of 127.0.0.1. The host page ([hostpage.py](hostpage.py)) "
        f"is a blog post with a {b.column_px} px column: a paragraph, the link to "
        f"`{b.widget}`, six paragraphs, then `<script async src=…/widget.js>`. Each load "
        f"is a new browser context (empty cache); {WARMUP_LOADS} loads first are not "
        "counted, so each worker has rendered the page once.",
        _timing_table(r.loads, r.attempts),
        *([f"The floor: the same host page and widget from the demo's static export "
           f"(`solidarity-widget build`) served as files by nginx, {len(r.floor)} cold "
           "loads after the ones above:\n\n" + _timing_table(r.floor, len(r.floor))]
          if r.floor else [r.floor_note]),
        _views_table(r.views),
        _cls_table(b, r),
    ]


def _timing_table(loads: list[Load], attempts: int) -> str:
    def cells(name: str, values: list[float | None]) -> list[str]:
        present = sorted(v for v in values if v is not None)
        if not present:
            return [name, "—", "—", "—"]
        return [name, _ms(statistics.median(present)), _ms(present[0]), _ms(present[-1])]

    rows = [
        cells("widget.js fetched (responseEnd)", [ld.loader_fetched for ld in loads]),
        cells("embed frame starts loading (navigation start)", [ld.frame_start for ld in loads]),
        cells("embed HTML received", [ld.frame_html for ld in loads]),
        cells("its CSS and JS received", [ld.frame_subresources for ld in loads]),
        cells("first paint inside the embed frame", [ld.frame_paint for ld in loads]),
        cells("first height message at the host", [ld.height_message for ld in loads]),
        cells("host frame after it (resized)", [ld.resized for ld in loads]),
        cells("**painted**: the later of frame paint and resize",
              [ld.painted for ld in loads]),
    ]
    busy = max((ld.others for ld in loads), default=0.0)
    return (f"Milliseconds from the request of widget.js (the loader starting), "
            f"{len(loads)} cold loads (of {attempts} run: a load during which other processes "
            f"kept more than {NOISE_LIMIT} CPUs busy was run again; among the counted loads "
            f"at most {busy:.2f}):\n\n" + table(["step", "median", "min", "max"], rows))


def _views_table(views: dict[str, list[Transfer]]) -> str:
    rows = []
    for name, view in views.items():
        for t in view:
            parts = urlsplit(t.url)
            rows.append([name, parts.path + (f"?{parts.query}" if parts.query else ""),
                         str(t.status or "—"), "cache" if t.cached else "network",
                         f"{t.bytes:,}", f"{t.body:,}"])
        rows.append([f"**{name}, total**", "", "", "", f"**{sum(t.bytes for t in view):,}**",
                     f"**{sum(t.body for t in view):,}**"])
    return ("Requests to the service for one view of the widget (the host page itself "
            "left out), from Chromium's network events: with an empty cache, then the same "
            "widget on another page of the host:\n\n"
            + table(["view", "request", "status", "from", "bytes over the wire",
                     "body bytes (encoded)"], rows))


def _cls_table(b: BrowserPlan, r: Results) -> str:
    rows = []
    for reserve in b.reserves:
        loads = r.reserves.get(reserve.name, [])
        if not loads:
            continue
        height = r.height if reserve.data_height == "measured" else reserve.data_height
        how = (f'data-height="{height}"' if height else "nothing") + (
            f', style="{reserve.link_style.format(h=r.height)}"' if reserve.link_style else "")
        if reserve.snippet:
            how = "data-fit (heights per width), in a size container (the builder's default)"
        values = sorted(ld.cls for ld in loads)
        rows.append([reserve.name, how, str(len(loads)), f"{statistics.median(values):.4f}",
                     f"{values[-1]:.4f}", f"{statistics.mean(ld.shifts for ld in loads):.1f}",
                     "—" if reserve.target is None else f"= {reserve.target:g}",
                     "info" if reserve.target is None
                     else verdict(values[-1] <= reserve.target)])
    return (f"Cumulative layout shift of the host page (PerformanceObserver 'layout-shift', "
            f"until {b.settle_ms} ms after the widget painted). The widget's own height in "
            f"this column is {r.height} px; the README documents data-height=\"180\":\n\n"
            + table(["host page reserves", "on the link", "loads", "CLS median", "CLS worst",
                     "shifts per load", "target", "result"], rows))

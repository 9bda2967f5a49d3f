"""What the benchmark measures, as data: add a row or a data set here, not in the code.

Four phases (`python -m bench --only origin,nginx,growth,browser`):

- ORIGIN: each endpoint family on the service next to the bare Falcon app replaying
  the same bytes (wrk, alternating rounds). Target: service/bare ≥ 0.95 by requests/s
  and by CPU time per request.
- NGINX: the same URLs through nginx with proxy_cache in front of the service, next
  to nginx serving the static export (`solidarity-widget build`) as files. Target ≥ 0.8.
- GROWTH: p50 latency and memory per worker (PSS, RSS beside it) as the data grows:
  ≤ 60 MiB at 10,000 posts, ≤ 120 MiB at 100,000; the strike list at 1,000 strikes
  within 1.5 × of 10; snapshot reload time at the largest size (target ≤ 200 ms);
  static export time for the demo.
- BROWSER: headless Chromium on a host page of another origin embedding the counter
  through the loader: time to a painted widget (≤ 150 ms), bytes per view, layout shift.

A data set used by several phases is built once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PHASES = ("origin", "nginx", "growth", "browser", "syncs")

TARGET_RATIO = 0.95  # origin: service/bare by req/s and by CPU per request, each at least this
NGINX_TARGET_RATIO = 0.8  # nginx proxy_cache req/s vs nginx serving the same bytes as files
RELOAD_TARGET_MS = 200.0  # build_snapshot(store, now) at the largest data set
# growth: PSS per worker (MiB) at most, for the sets with this many posts and 10 strikes
MEMORY_TARGETS_MIB = {10_000: 60.0, 100_000: 120.0}
STRIKES_P50_RATIO = 1.5  # growth: p50 of the strike list at 1,000 strikes vs at 10
STRIKES_PATH = "/api/v1/strikes?status=all"
PAINT_TARGET_MS = 100.0  # loader start -> widget painted, median of BROWSER.loads
VIEW_REQUESTS_TARGET = 2  # a cold view's requests to the service after the loader
VIEW_BYTES_TARGET = 5 * 1024  # and their bytes over the wire, headers included
LOADER_GZIP_TARGET = 1024  # widget.js's gzipped body, as the cold view receives it
CLS_TARGET = 0.0  # layout shift with the documented reserved height
SYNC_POSTS = 10_000  # syncs: posts in the generated feed
SYNC_FIRST_TARGET_S = 3.0  # the first sync of that feed, wall clock
SYNC_UNCHANGED_CPU_MS = 100.0  # a sync with nothing changed upstream, CPU


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a throughput table: a URL, loaded with wrk.

    `conditional` sends `If-None-Match` with the ETag each server gave for the same
    URL (and headers), so the row measures a revalidation (304) instead of a full response.
    """

    name: str
    path: str
    conditional: bool = False
    expect: int = 200
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DataSet:
    """Content to serve. `demo` syncs examples/demo; otherwise posts/strikes are generated."""

    name: str
    demo: bool = False
    posts: int = 0
    strikes: int = 0
    content_chars: int = 1_500  # length of each generated post's HTML body
    seed: int = 20250714


@dataclass(frozen=True, slots=True)
class Load:
    """wrk settings for one measured run; warm-up runs use the same connections."""

    threads: int = 1
    connections: int = 16
    seconds: int = 5
    warmup_seconds: int = 1
    # Each round runs service then bare (or bare then service), alternating. Three, so
    # the median is a run, not the mean of two: with two, each full bench of 2026-12-03
    # had one origin row (a different one each time) at 0.92 to 0.94 on these cores.
    rounds: int = 3
    # wrk opens its connections in one burst and one gunicorn worker often accepts them
    # all: the run then measures one process, not two. After check_after_s the workers'
    # CPU time is compared; a run where one worker did more than balance_limit of the
    # work, or where other processes kept more than noise_limit CPUs busy, is cut short
    # and started again, at most `attempts` times. The last attempt is kept, marked
    # invalid if it still looks skewed; medians use valid runs when there are any.
    check_after_s: float = 1.0
    balance_limit: float = 0.8
    noise_limit: float = 0.25
    attempts: int = 5


@dataclass(frozen=True, slots=True)
class Scenario:
    data: DataSet
    rows: tuple[Row, ...]


DEMO = DataSet("demo", demo=True)
GZIP = (("Accept-Encoding", "gzip"),)

# --- 1. origin ------------------------------------------------------------------------

ORIGIN = Scenario(DEMO, (
    Row("posts JSON", "/api/v1/posts"),
    Row("strikes JSON", "/api/v1/strikes"),
    Row("embed strike HTML", "/embed/strike/zehra-kurtay"),
    Row("embed news HTML", "/embed/news"),
    Row("badge SVG", "/badge/strike/zehra-kurtay.svg"),
    Row("widget.js gzip", "/widget.js", headers=GZIP),
    # A revalidation sends no body, so what the service does per request shows plainly.
    Row("strikes 304", "/api/v1/strikes", conditional=True, expect=304),
))

# --- 2. behind nginx -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NginxPlan:
    scenario: Scenario
    load: Load
    worker_processes: int = 1  # both nginx servers alike; wrk takes the other core


NGINX = NginxPlan(
    Scenario(DEMO, (
        Row("posts JSON", "/api/v1/posts"),
        Row("strikes JSON", "/api/v1/strikes"),
        Row("embed strike HTML", "/embed/strike/zehra-kurtay"),
        Row("badge SVG", "/badge/strike/zehra-kurtay.svg"),
        Row("widget.js gzip", "/widget.js", headers=GZIP),
        Row("strikes 304", "/api/v1/strikes", conditional=True, expect=304),
    )),
    Load(seconds=3, warmup_seconds=1),
)

# --- 3. growth --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrowthPlan:
    sets: tuple[DataSet, ...]  # the first is the baseline; the last the largest
    paths: tuple[str, ...]  # loaded with wrk on each set, for p50 and RSS
    load: Load
    full_runs: int = 1  # in-process build_snapshot(store, now) at the largest set
    reload_runs: int = 3  # in-process reloads after a one-post sync at the largest set
    reload_interval: int = 1  # WIDGET_RELOAD_INTERVAL for the end-to-end reload
    reload_timeout_s: float = 30.0  # bound on waiting for the new version to show
    export_timeout_s: float = 300.0


GROWTH = GrowthPlan(
    sets=(
        DataSet("100 posts, 10 strikes", posts=100, strikes=10),
        DataSet("10k posts, 10 strikes", posts=10_000, strikes=10),
        DataSet("100k posts, 10 strikes", posts=100_000, strikes=10),
        DataSet("100 posts, 1k strikes", posts=100, strikes=1_000),
        DataSet("100k posts, 1k strikes", posts=100_000, strikes=1_000),
    ),
    # strike-0 exists in every generated set
    paths=("/api/v1/posts", STRIKES_PATH, "/embed/news",
           "/embed/strike/strike-0"),
    load=Load(seconds=2, warmup_seconds=1, rounds=1),
)

# --- 4. browser ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reserve:
    """How the host page reserves room for the widget, for the layout-shift rows."""

    name: str
    data_height: str | None  # data-height on the link; "measured" = the widget's own height
    link_style: str | None = None  # inline style on the link (a host-side reservation)
    target: float | None = None  # CLS target, None: shown for comparison only
    # The builder's script snippet instead of a bare link: its heights measured the way
    # the builder's preview measures them (data-fit, reserved in a size container).
    snippet: bool = False


@dataclass(frozen=True, slots=True)
class BrowserPlan:
    widget: str = "/embed/strike/zehra-kurtay"
    documented_height: str = "180"  # README, "Script tag": data-height="180"
    column_px: int = 320  # the host's column (a sidebar)
    viewport: tuple[int, int] = (1200, 900)
    loads: int = 20  # cold loads for the time to paint (median)
    cls_loads: int = 5  # loads per reservation for layout shift
    settle_ms: int = 600  # after the widget is painted, time for late shifts to show
    timeout_ms: int = 15_000  # bound on any one page load
    reserves: tuple[Reserve, ...] = field(default_factory=lambda: (
        Reserve("documented data-height", "180"),
        Reserve("the builder's snippet (measured heights)", None, target=CLS_TARGET,
                snippet=True),
        Reserve("data-height = widget's own height", "measured"),
        Reserve("data-height + link styled display:block;height", "measured",
                link_style="display:block;height:{h}px"),
        Reserve("no reserved height", None),
    ))


BROWSER = BrowserPlan()


@dataclass(frozen=True, slots=True)
class Plan:
    origin: Scenario = ORIGIN
    nginx: NginxPlan = NGINX
    growth: GrowthPlan = GROWTH
    browser: BrowserPlan = BROWSER
    load: Load = field(default_factory=Load)
    phases: tuple[str, ...] = PHASES
    # gunicorn workers of every service and bare app: widget.gunicorn_conf's own number
    # (cores + 1) unless --workers says otherwise; set by __main__.
    workers: int = 3
    # widget.gunicorn_conf recycles a worker after ~1,000,000 requests; 0 turns recycling
    # off for every server alike; None keeps the conf's value (--recycle).
    max_requests: int | None = 0

    def gunicorn_args(self) -> tuple[str, ...]:
        return () if self.max_requests is None else ("--max-requests", str(self.max_requests))

"""What the benchmark measures, as data: add a row or a data set here, not in the code.

- THROUGHPUT: scenarios, each a data set and the rows (URLs) loaded with wrk on the
  service and on the bare app, side by side.
- MEMORY: the data sets whose resident memory per worker is reported, and the URLs
  requested before reading it, so every worker has loaded and rendered them.

A data set used by several scenarios is built once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TARGET_RATIO = 0.9  # service req/s must reach this share of the bare app's req/s


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the throughput table: a URL, loaded with wrk.

    `conditional` sends `If-None-Match` with the ETag the real service gave for the
    same URL, so the row measures a revalidation (304) instead of a full response.
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
    warmup_seconds: int = 2
    rounds: int = 2  # each round runs service then bare (or bare then service), alternating
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
class MemoryProbe:
    data: DataSet
    paths: tuple[str, ...]
    passes: int = 3  # short wrk runs per path before RSS is read
    seconds: int = 1


@dataclass(frozen=True, slots=True)
class Scenario:
    data: DataSet
    rows: tuple[Row, ...]


DEMO = DataSet("demo", demo=True)
LARGE = DataSet("10k posts, 1k strikes", posts=10_000, strikes=1_000)

THROUGHPUT: tuple[Scenario, ...] = (
    Scenario(DEMO, (
        Row("posts", "/api/v1/posts"),
        Row("strikes", "/api/v1/strikes"),
        Row("strikes 304", "/api/v1/strikes", conditional=True, expect=304),
    )),
    # A revalidation sends no body, so what the service does per request shows plainly.
    Scenario(LARGE, (
        Row("all strikes 304", "/api/v1/strikes?status=all", conditional=True, expect=304),
    )),
)

MEMORY: tuple[MemoryProbe, ...] = (
    MemoryProbe(LARGE, paths=("/api/v1/posts", "/api/v1/strikes?status=all")),
)


@dataclass(frozen=True, slots=True)
class Plan:
    throughput: tuple[Scenario, ...] = THROUGHPUT
    memory: tuple[MemoryProbe, ...] = MEMORY
    load: Load = field(default_factory=Load)
    workers: int = 2
    # widget.gunicorn_conf recycles a worker after ~50,000 requests; under wrk that is
    # every few seconds, and each restart shows up as noise in a run. 0 turns recycling
    # off for both servers alike; None keeps the conf's value (--recycle).
    max_requests: int | None = 0

    def gunicorn_args(self) -> tuple[str, ...]:
        return () if self.max_requests is None else ("--max-requests", str(self.max_requests))

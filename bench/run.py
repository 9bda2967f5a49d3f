"""Side-by-side wrk runs of several servers on the same rows, and RSS of their workers.

Used by the origin phase (service vs bare) and the nginx phase (proxy_cache vs static
files). Servers live only inside `with` blocks, so they are stopped whatever happens.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bench import wrk
from bench.bare import ENV as BARE_ENV
from bench.bare import Stored, dump
from bench.capture import capture, request_headers
from bench.data import Site
from bench.meter import Meter
from bench.plan import Load, Plan, Row
from bench.server import BARE_APP, SERVICE_APP, Server, gunicorn

SERVICE, BARE = "service", "bare"
_started = itertools.count(1)  # numbers each server pair's logs and capture file


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured wrk run, with how the work spread over the workers."""

    wrk: wrk.Result
    busiest_share: float  # the busiest worker's share of the workers' CPU time
    cpu_us_per_request: float  # workers' CPU time (user + system) per request
    attempts: int
    others: float  # CPUs kept busy meanwhile by anything but these workers and wrk
    valid: bool  # both workers busy and a quiet machine; otherwise only the last attempt


@dataclass
class RowResult:
    data: str
    row: Row
    runs: dict[str, list[Sample]] = field(default_factory=dict)

    def counted(self, target: str) -> list[Sample]:
        """The valid runs, or every run when none was valid."""
        return [s for s in self.runs[target] if s.valid] or self.runs[target]

    def median(self, target: str, value: Callable[[Sample], float]) -> float:
        return statistics.median(value(s) for s in self.counted(target))

    def ratio(self, target: str, baseline: str) -> float:
        base = self.median(baseline, rate)
        return self.median(target, rate) / base if base else 0.0

    def cpu_ratio(self, target: str, baseline: str) -> float:
        """baseline CPU time per request / target's: the throughput ratio the two would
        have if both were CPU-bound; unlike requests/s, it does not depend on how the
        connections spread over the workers or on what else ran."""
        mine = self.median(target, cpu_per_request)
        return self.median(baseline, cpu_per_request) / mine if mine else 0.0

    def judged(self, target: str, baseline: str) -> tuple[float, str]:
        """The ratio a verdict rests on: the lower of requests/s and CPU time per request
        when both sides had a valid run, else CPU time per request alone."""
        by_cpu = self.cpu_ratio(target, baseline)
        if self.unsure():
            return by_cpu, "CPU time per request"
        by_rate = self.ratio(target, baseline)
        if not by_cpu:  # no CPU time measured on a side: requests/s alone
            return by_rate, "requests/s (no CPU time measured)"
        if by_cpu < by_rate:
            return by_cpu, "CPU time per request, the lower"
        return by_rate, "requests/s, the lower"

    def unsure(self) -> bool:
        return any(not s.valid for target in self.runs for s in self.counted(target))

    def errors(self) -> int:
        return sum(s.wrk.errors for runs in self.runs.values() for s in runs)


def rate(s: Sample) -> float:
    return s.wrk.requests_per_s


def cpu_per_request(s: Sample) -> float:
    return s.cpu_us_per_request


@dataclass
class MemoryResult:
    data: str
    after: str  # what the workers had served when RSS was read
    rss_kib: dict[str, list[int]]  # per target, one figure per worker
    started_in: dict[str, float]
    restarts: dict[str, int] = field(default_factory=dict)  # workers replaced meanwhile


@contextmanager
def service_and_bare(site: Site, rows: tuple[Row, ...], tmp: Path, plan: Plan,
                     env: Mapping[str, str] | None = None
                     ) -> Iterator[tuple[Server, Server, dict[str, Stored]]]:
    """The service on `site`, then the bare app replaying its answers for `rows`."""
    tag = f"{site.tag}-{next(_started)}"
    extra = plan.gunicorn_args()
    with gunicorn(f"{SERVICE} ({site.name})", SERVICE_APP, {**site.env(), **(env or {})},
                  tmp / f"service-{tag}.log", workers=plan.workers, probe="/healthz",
                  extra=extra) as service:
        stored = capture(service, rows)
        dump(stored, tmp / f"bare-{tag}.json")
        with gunicorn(f"{BARE} ({site.name})", BARE_APP,
                      {BARE_ENV: str(tmp / f"bare-{tag}.json")}, tmp / f"bare-{tag}.log",
                      workers=plan.workers, probe=rows[0].path, extra=extra) as bare:
            yield service, bare, stored


def _steady(meter: Meter, load: Load, spread: bool, wrk_pid: int | None = None) -> bool:
    """Whether a run is worth keeping: both workers busy, a quiet machine."""
    reading = meter.read(wrk_pid)
    return (reading.others <= load.noise_limit
            and (not spread or reading.busiest_share <= load.balance_limit))


def sample(server: Server, path: str, headers: Mapping[str, str], load: Load) -> Sample:
    """A measured run of `path`, started again (up to load.attempts) when it looks skewed."""
    url = server.url + path
    spread = len(server.workers()) > 1
    for attempt in range(1, load.attempts + 1):
        meter = Meter(server)
        check = partial(_steady, meter, load, spread) if attempt < load.attempts else None
        result = wrk.run(url, load, load.seconds, headers, keep_going=check)
        if result is None:
            continue
        reading = meter.read()
        return Sample(result, reading.busiest_share,
                      reading.workers_s * 1e6 / max(result.requests, 1), attempt, reading.others,
                      _steady(meter, load, spread))
    raise AssertionError("the last attempt always completes")


def compare(rows: tuple[Row, ...], data: str, servers: Mapping[str, Server],
            etag_by_server: Mapping[str, Mapping[str, str]], load: Load) -> list[RowResult]:
    """Every row on every server: a warm-up each, then `load.rounds` rounds that
    alternate the order of the servers, so drift on the machine affects all alike."""
    def headers(row: Row, name: str) -> dict[str, str]:
        return request_headers(row, etag_by_server[name])

    results = [RowResult(data, row, {name: [] for name in servers}) for row in rows]
    for row in rows:  # warm-up: imports, caches, connection set-up; not recorded
        for name, server in servers.items():
            wrk.run(server.url + row.path, load, load.warmup_seconds, headers(row, name))
    names = list(servers)
    for round_no in range(load.rounds):
        order = names if round_no % 2 == 0 else names[::-1]
        for result in results:
            for name in order:
                result.runs[name].append(
                    sample(servers[name], result.row.path, headers(result.row, name), load))
    return results


def memory_of(data: str, after: str, servers: Mapping[str, Server],
              before: Mapping[str, set[int]]) -> MemoryResult:
    return MemoryResult(
        data, after,
        {name: sorted(s.rss_kib().values()) for name, s in servers.items()},
        {name: s.started_in for name, s in servers.items()},
        {name: len(before[name] - set(s.workers())) for name, s in servers.items()},
    )

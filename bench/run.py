"""The two phases: throughput (service vs bare, row by row) and memory (RSS per worker).

Servers live only inside `with` blocks, so they are stopped whatever happens.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bench import wrk
from bench.bare import ENV as BARE_ENV
from bench.bare import Stored, dump
from bench.capture import capture, check_same, request_headers
from bench.data import Site
from bench.meter import Meter
from bench.plan import Load, MemoryProbe, Plan, Row, Scenario
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

    def unsure(self) -> bool:
        return any(not s.valid for target in self.runs for s in self.counted(target))

    def errors(self) -> int:
        return sum(s.wrk.errors for runs in self.runs.values() for s in runs)


@dataclass
class MemoryResult:
    data: str
    after: str  # what the workers had served when RSS was read
    rss_kib: dict[str, list[int]]  # per target, one figure per worker
    started_in: dict[str, float]
    restarts: dict[str, int] = field(default_factory=dict)  # workers replaced meanwhile


@contextmanager
def service_and_bare(site: Site, paths: list[str], tmp: Path,
                     plan: Plan) -> Iterator[tuple[Server, Server, dict[str, Stored]]]:
    """The service on `site`, then the bare app replaying its answers for `paths`."""
    tag = f"{site.tag}-{next(_started)}"
    env = site.env()
    extra = plan.gunicorn_args()
    with gunicorn(f"{SERVICE} ({site.name})", SERVICE_APP, env, tmp / f"service-{tag}.log",
                  workers=plan.workers, probe="/healthz", extra=extra) as service:
        stored = capture(service, paths)
        dump(stored, tmp / f"bare-{tag}.json")
        with gunicorn(f"{BARE} ({site.name})", BARE_APP,
                      {BARE_ENV: str(tmp / f"bare-{tag}.json")}, tmp / f"bare-{tag}.log",
                      workers=plan.workers, probe=paths[0], extra=extra) as bare:
            yield service, bare, stored


def _steady(meter: Meter, load: Load, spread: bool, wrk_pid: int | None = None) -> bool:
    """Whether a run is worth keeping: both workers busy, a quiet machine."""
    reading = meter.read(wrk_pid)
    return (reading.others <= load.noise_limit
            and (not spread or reading.busiest_share <= load.balance_limit))


def sample(server: Server, row: Row, stored: dict[str, Stored], load: Load) -> Sample:
    """A measured run of `row`, started again (up to load.attempts) when it looks skewed."""
    url, headers = server.url + row.path, request_headers(row, stored)
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


def _measure(rows: tuple[Row, ...], data: str, servers: dict[str, Server],
             stored: dict[str, Stored], load: Load) -> list[RowResult]:
    results = [RowResult(data, row, {name: [] for name in servers}) for row in rows]
    for row in rows:  # warm-up: imports, caches, connection set-up; not recorded
        for server in servers.values():
            wrk.run(server.url + row.path, load, load.warmup_seconds,
                    request_headers(row, stored))
    names = list(servers)
    for round_no in range(load.rounds):
        order = names if round_no % 2 == 0 else names[::-1]
        for result in results:
            for name in order:
                result.runs[name].append(sample(servers[name], result.row, stored, load))
    return results


def _memory_of(data: str, after: str, servers: dict[str, Server],
               before: dict[str, set[int]]) -> MemoryResult:
    return MemoryResult(
        data, after,
        {name: sorted(s.rss_kib().values()) for name, s in servers.items()},
        {name: s.started_in for name, s in servers.items()},
        {name: len(before[name] - set(s.workers())) for name, s in servers.items()},
    )


def throughput(scenario: Scenario, site: Site, plan: Plan,
               tmp: Path) -> tuple[list[RowResult], MemoryResult]:
    rows = scenario.rows
    with service_and_bare(site, [row.path for row in rows], tmp, plan) as (service, bare, stored):
        check_same(rows, stored, service, bare)
        servers = {SERVICE: service, BARE: bare}
        before = {name: set(s.workers()) for name, s in servers.items()}
        results = _measure(rows, site.name, servers, stored, plan.load)
        memory = _memory_of(site.name, "the rows above: " + ", ".join(r.name for r in rows),
                            servers, before)
    return results, memory


def _warm(server: Server, probe: MemoryProbe, load: Load) -> None:
    """Load each path until every worker has served it (or 3 × passes runs)."""
    for path in probe.paths:
        start = server.cpu_ticks()
        for done in range(1, 3 * probe.passes + 1):
            before = server.cpu_ticks()
            wrk.run(server.url + path, load, probe.seconds)
            after = server.cpu_ticks()
            start = {pid: start.get(pid, before.get(pid, 0)) for pid in after}
            if done >= probe.passes and all(after[p] - start[p] >= 10 for p in after):
                break


def memory(probe: MemoryProbe, site: Site, plan: Plan, tmp: Path) -> MemoryResult:
    with service_and_bare(site, list(probe.paths), tmp, plan) as (service, bare, _):
        servers = {SERVICE: service, BARE: bare}
        before = {name: set(s.workers()) for name, s in servers.items()}
        for server in servers.values():
            _warm(server, probe, plan.load)
        return _memory_of(site.name, " and ".join(probe.paths), servers, before)

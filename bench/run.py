"""The two phases: throughput (service vs bare, row by row) and memory (RSS per worker).

Servers live only inside `with` blocks, so they are stopped whatever happens.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import wrk
from bench.bare import ENV as BARE_ENV
from bench.bare import Stored, dump
from bench.capture import capture, check_same, request_headers
from bench.data import Site, build
from bench.plan import DataSet, Load, MemoryProbe, Plan, Row
from bench.server import BARE_APP, SERVICE_APP, Server, gunicorn

SERVICE, BARE = "service", "bare"


@dataclass
class RowResult:
    data: str
    row: Row
    runs: dict[str, list[wrk.Result]] = field(default_factory=dict)

    def median(self, target: str, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs[target])

    def errors(self) -> int:
        return sum(r.errors for runs in self.runs.values() for r in runs)


@dataclass
class MemoryResult:
    data: str
    rss_kib: dict[str, list[int]]  # per target, one figure per worker
    started_in: dict[str, float]
    restarts: dict[str, int] = field(default_factory=dict)  # workers replaced meanwhile


@contextmanager
def service_and_bare(site: Site, paths: list[str], tmp: Path,
                     plan: Plan) -> Iterator[tuple[Server, Server, dict[str, Stored]]]:
    """The service on `site`, then the bare app replaying its answers for `paths`."""
    tag = "".join(c if c.isalnum() else "-" for c in site.name)
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
                result.runs[name].append(wrk.run(
                    servers[name].url + result.row.path, load, load.seconds,
                    request_headers(result.row, stored)))
    return results


def throughput(data: DataSet, plan: Plan, tmp: Path) -> tuple[list[RowResult], MemoryResult]:
    site = build(data, tmp)
    paths = [row.path for row in plan.rows]
    with service_and_bare(site, paths, tmp, plan) as (service, bare, stored):
        check_same(plan.rows, stored, service, bare)
        servers = {SERVICE: service, BARE: bare}
        before = {name: set(s.workers()) for name, s in servers.items()}
        results = _measure(plan.rows, data.name, servers, stored, plan.load)
        memory = _memory_of(data.name, servers, before)
    return results, memory


def _memory_of(data: str, servers: dict[str, Server],
               before: dict[str, set[int]]) -> MemoryResult:
    return MemoryResult(
        data,
        {name: sorted(s.rss_kib().values()) for name, s in servers.items()},
        {name: s.started_in for name, s in servers.items()},
        {name: len(before[name] - set(s.workers())) for name, s in servers.items()},
    )


def _warm(server: Server, probe: MemoryProbe, load: Load) -> None:
    for _ in range(probe.passes):
        for path in probe.paths:
            wrk.run(server.url + path, load, probe.seconds)


def memory(probe: MemoryProbe, plan: Plan, tmp: Path) -> MemoryResult:
    site = build(probe.data, tmp)
    with service_and_bare(site, list(probe.paths), tmp, plan) as (service, bare, _):
        servers = {SERVICE: service, BARE: bare}
        before = {name: set(s.workers()) for name, s in servers.items()}
        for server in servers.values():
            _warm(server, probe, plan.load)
        return _memory_of(probe.data.name, servers, before)

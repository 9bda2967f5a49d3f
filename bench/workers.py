"""`python -m bench.workers`: gunicorn worker models side by side, for the choice in
widget.gunicorn_conf (docs/deploy.md, "Serving with gunicorn").

For each model (worker class, threads; `WIDGET_WORKER_CLASS` / `WIDGET_THREADS`, which
widget.gunicorn_conf reads), on the demo:

1. **slow clients**: the service with 256 connections that each send one byte of a
   request head every second; meanwhile a new connection asks for /healthz once a
   second (3 s timeout). Counts the probes answered and the slowest answer.
2. **cached path**: wrk (`-t1 -c16`, as the origin phase) on `/api/v1/strikes`, a render
   cache hit, against the service and against the bare Falcon app (bench/bare.py)
   run under the *same* model: a warm-up, then rounds that alternate the two, with the
   origin phase's checks (a run where one worker did > 80 % of the work, or the machine
   was busy, is started again). Requests/s, p50, p99, CPU µs per request.

Everything runs on 127.0.0.1, every loop is bounded, every server is stopped at the end
of its block. About 35 s per model with the defaults.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from bench.capture import check_same, etags
from bench.data import Sites
from bench.plan import DEMO, Load, Plan, Row
from bench.run import BARE, SERVICE, RowResult, compare, service_and_bare
from bench.server import Server, conf_settings

ROW = Row("strikes JSON", "/api/v1/strikes")
SLOW_CLIENTS = 256
SLOW_SECONDS = 6
# (worker class, threads): the choice, what it replaced, and the threaded alternative
# with as many threads as it takes to survive (64 did not).
MODELS = (("sync", 1), ("gevent", 1), ("gthread", 64), ("gthread", 256))


@dataclass(frozen=True, slots=True)
class SlowResult:
    answered: int
    probes: int
    slowest_s: float


@dataclass(frozen=True, slots=True)
class ModelResult:
    worker_class: str
    threads: int
    workers: int
    slow: SlowResult
    row: RowResult

    @property
    def name(self) -> str:
        threads = f", {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"{self.worker_class} ×{self.workers}{threads}"


def _probe(port: int) -> float | None:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
    try:
        conn.request("GET", "/healthz")
        reply = conn.getresponse()
        reply.read()
        return time.monotonic() - started if reply.status < 500 else None
    except OSError:
        return None
    finally:
        conn.close()


def slow_clients(server: Server, count: int = SLOW_CLIENTS,
                 seconds: int = SLOW_SECONDS) -> SlowResult:
    """`count` connections trickling a request head, one byte a second each; a probe a
    second meanwhile. The connections are opened 5 ms apart, so they reach every worker."""
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 100
    socks: list[socket.socket] = []
    times: list[float | None] = []
    try:
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=3)
            s.sendall(head[:1])
            s.setblocking(False)
            socks.append(s)
            time.sleep(0.005)
        for sent in range(1, seconds + 1):
            tick = time.monotonic()
            for s in socks:
                try:
                    s.send(head[sent:sent + 1])
                except OSError:
                    pass  # closed by the server: that is allowed
            times.append(_probe(server.port))
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    finally:
        for s in socks:
            s.close()
    answered = [t for t in times if t is not None]
    slowest = max(answered) if len(answered) == len(times) else float("inf")
    return SlowResult(len(answered), len(times), slowest)


@contextmanager
def _model_env(worker_class: str, threads: int) -> Iterator[None]:
    """Both servers inherit the model: gunicorn_conf reads these variables."""
    saved = {k: os.environ.get(k) for k in ("WIDGET_WORKER_CLASS", "WIDGET_THREADS")}
    os.environ.update(WIDGET_WORKER_CLASS=worker_class, WIDGET_THREADS=str(threads))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def measure(worker_class: str, threads: int, plan: Plan, sites: Sites,
            tmp: Path) -> ModelResult:
    site = sites(DEMO)
    rows = (ROW,)
    print(f"workers: {worker_class} (threads {threads}) …", file=sys.stderr, flush=True)
    with _model_env(worker_class, threads), \
            service_and_bare(site, rows, tmp, plan) as (service, bare, _):
        slow = slow_clients(service)
        time.sleep(1)  # let the server drop what the slow clients left
        servers = {SERVICE: service, BARE: bare}
        tags = {name: etags(server, rows) for name, server in servers.items()}
        check_same(rows, tags, servers)
        [row] = compare(rows, site.name, servers, tags, plan.load)
    return ModelResult(worker_class, threads, plan.workers, slow, row)


def _fmt(result: ModelResult, baseline: ModelResult | None) -> str:
    row, slow = result.row, result.slow
    rps = row.median(SERVICE, lambda s: s.wrk.requests_per_s)
    bare = row.median(BARE, lambda s: s.wrk.requests_per_s)
    p50 = row.median(SERVICE, lambda s: s.wrk.p50_ms)
    p99 = row.median(SERVICE, lambda s: s.wrk.p99_ms)
    cpu = row.median(SERVICE, lambda s: s.cpu_us_per_request)
    runs = " / ".join(f"{s.wrk.requests_per_s:,.0f}" for s in row.runs[SERVICE])
    vs = ""
    if baseline is not None:
        base = baseline.row.median(SERVICE, lambda s: s.wrk.requests_per_s)
        vs = f"{rps / base:.2f}"
    slowest = "—" if slow.slowest_s == float("inf") else f"{slow.slowest_s * 1000:.0f} ms"
    unsure = " (unsure)" if row.unsure() else ""
    return (f"| {result.name} | {slow.answered}/{slow.probes} | {slowest} | {rps:,.0f} "
            f"({runs}){unsure} | {vs} | {p50:.2f} | {p99:.1f} | {cpu:.0f} | {bare:,.0f} | "
            f"{row.ratio(SERVICE, BARE):.2f} |")


def table(results: list[ModelResult]) -> str:
    baseline = next((r for r in results if r.worker_class == "sync"), None)
    lines = [
        f"| model | /healthz answered with {SLOW_CLIENTS} slow clients | slowest answer "
        "| service req/s, median (runs) | × sync | p50 ms | p99 ms | CPU µs/req "
        "| bare req/s (same model) | service/bare |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    return "\n".join([*lines, *(_fmt(r, baseline) for r in results)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=",".join(f"{c}:{t}" for c, t in MODELS),
                        help="comma-separated CLASS:THREADS (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=Load().seconds)
    parser.add_argument("--rounds", type=int, default=Load().rounds)
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default: widget.gunicorn_conf's)")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 30 or not 1 <= args.rounds <= 5:
        parser.error("--seconds 1…30 and --rounds 1…5 (runs stay bounded)")
    models = [(c, int(t or 1)) for c, _, t in (m.partition(":") for m in args.models.split(","))]
    workers = args.workers or conf_settings()[0]
    plan = Plan(phases=("origin",), workers=workers, max_requests=0)
    plan = replace(plan, load=replace(plan.load, seconds=args.seconds, rounds=args.rounds))
    with tempfile.TemporaryDirectory(prefix="widget-bench-workers-") as tmp:
        sites = Sites(Path(tmp))
        results = [measure(c, t, plan, sites, Path(tmp)) for c, t in models]
    print(f"{os.cpu_count()} CPUs; wrk -t{plan.load.threads} -c{plan.load.connections}, "
          f"{plan.load.rounds} rounds of {plan.load.seconds} s on {ROW.path}; load average "
          f"{os.getloadavg()[0]:.2f}")
    print(table(results))
    median_others = statistics.median(
        s.others for r in results for runs in r.row.runs.values() for s in runs)
    print(f"\nother CPUs busy during the runs (median): {median_others:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

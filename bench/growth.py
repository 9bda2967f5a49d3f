"""Phase 3, growth: latency and memory as the content grows, snapshot reloads at the
largest size, and the static export's time for the demo."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench import static, wrk
from bench.data import Site, Sites, make_posts
from bench.outcome import Line, Outcome, table, verdict
from bench.plan import (
    DEMO,
    MEMORY_TARGETS_MIB,
    RELOAD_TARGET_MS,
    STRIKES_P50_RATIO,
    STRIKES_PATH,
    DataSet,
    GrowthPlan,
    Plan,
)
from bench.report import method, mib
from bench.run import Sample, sample
from bench.server import SERVICE_APP, Server, fetch, gunicorn
from widget.snapshot import SnapshotSource, build_snapshot
from widget.store import Store

TITLE = "Growth: latency, memory and reloads as the content grows"


@dataclass
class SetResult:
    data: DataSet
    build_s: float
    started_in: float
    samples: dict[str, Sample]
    rss_kib: list[int]
    pss_kib: list[int]


@dataclass
class Reload:
    """One sync while the service runs, seen from outside."""

    write_s: float  # the store transaction of the "sync"
    first_s: float | None  # until one response showed the new version
    all_s: float | None  # until `streak` responses in a row showed it
    streak: int
    during: wrk.Result | None  # wrk on a cheap URL while the workers reloaded
    notes: list[str] = field(default_factory=list)


@dataclass
class Build:
    """Snapshot builds in the bench's own process, in ms."""

    full_ms: list[float]  # build_snapshot(store, now): a worker's first snapshot
    reload_ms: list[float]  # SnapshotSource.current() after a sync of one new post


def _version(server: Server) -> str:
    return str(json.loads(fetch(server.port, "/healthz").body)["version"])


def _sync_one_post(store: Store, seed: int) -> float:
    """What a sync that finds one new post does to the store; seconds the write took."""
    now = dt.datetime.now(dt.UTC)
    post = make_posts(DataSet("reload", posts=1, seed=seed), now.replace(microsecond=0))[0]
    post = replace(post, id=f"{post.id}?sync={seed}", url=f"{post.url}?sync={seed}")
    started = time.monotonic()
    store.save_posts("bench-reload", "feed", [post], now)
    return time.monotonic() - started


def _reload(service: Server, site: Site, data: DataSet, plan: GrowthPlan,
            quiet_path: str) -> Reload:
    """Sync one post while wrk loads `quiet_path`; time until the new version shows."""
    old = _version(service)
    during: list[wrk.Result | None] = [None]
    seconds = 2 + int(plan.reload_timeout_s // 4)

    def load() -> None:
        during[0] = wrk.run(service.url + quiet_path, plan.load, seconds)

    runner = threading.Thread(target=load, daemon=True)
    runner.start()
    time.sleep(1.0)
    with Store(site.database) as store:
        write_s = _sync_one_post(store, data.seed + 1000)
    written = time.monotonic()
    first = every = None
    streak, needed = 0, 4 * 2 * 5  # consecutive new answers: every worker, every thread
    while time.monotonic() - written < plan.reload_timeout_s:
        try:
            new = _version(service) != old
        except OSError:
            new = False
        now = time.monotonic() - written
        if new and first is None:
            first = now
        streak = streak + 1 if new else 0
        if streak >= needed:
            every = now
            break
        time.sleep(0.01)
    runner.join(seconds + 40)
    return Reload(write_s, first, every, needed, during[0])


def _build_times(site: Site, full_runs: int, runs: int, seed: int) -> Build:
    """A worker's first snapshot, then its reload after a sync, as the service does it:
    SnapshotSource.current() once the store's generation moved and the check is due."""
    out = Build([], [])
    interval = 1
    with Store(site.database) as store:
        for _ in range(full_runs):
            started = time.perf_counter()
            build_snapshot(store, dt.datetime.now(dt.UTC))
            out.full_ms.append((time.perf_counter() - started) * 1000)
        source = SnapshotSource(store, interval)
        for run in range(runs):
            before = source.current().version
            _sync_one_post(store, seed + run)
            time.sleep(interval + 0.1)  # the generation check is due again
            started = time.perf_counter()
            after = source.current()
            out.reload_ms.append((time.perf_counter() - started) * 1000)
            if after.version == before:
                raise RuntimeError("SnapshotSource did not reload after a sync")
    return out


def _measure_set(data: DataSet, sites: Sites, plan: Plan, tmp: Path,
                 largest: bool) -> tuple[SetResult, Reload | None]:
    g = plan.growth
    started = time.monotonic()
    site = sites(data)
    build_s = time.monotonic() - started
    print(f"growth: {data.name} …", file=sys.stderr, flush=True)
    env = {**site.env(), "WIDGET_RELOAD_INTERVAL": str(g.reload_interval)}
    reload = None
    with gunicorn(f"service ({data.name})", SERVICE_APP, env,
                  tmp / f"growth-{site.tag}.log", workers=plan.workers, probe="/healthz",
                  extra=plan.gunicorn_args(), timeout=180) as service:
        samples = {}
        for path in g.paths:
            wrk.run(service.url + path, g.load, g.load.warmup_seconds)
            samples[path] = sample(service, path, {}, g.load)
        rss = sorted(service.rss_kib().values())
        pss = sorted(service.pss_kib().values())
        if largest:
            reload = _reload(service, site, data, g, g.paths[-1])
        result = SetResult(data, build_s, service.started_in, samples, rss, pss)
    return result, reload


def run(plan: Plan, sites: Sites, tmp: Path) -> Outcome:
    g = plan.growth
    outcome = Outcome("growth", TITLE)
    results: list[SetResult] = []
    reload: Reload | None = None
    for data in g.sets:
        result, seen = _measure_set(data, sites, plan, tmp, data is g.sets[-1])
        results.append(result)
        reload = seen or reload
    largest = g.sets[-1]
    print(f"growth: build_snapshot at {largest.name} …", file=sys.stderr, flush=True)
    build = _build_times(sites(largest), g.full_runs, g.reload_runs,
                         largest.seed + 2000)
    print("growth: static export of the demo …", file=sys.stderr, flush=True)
    try:
        export: float | str = static.build(sites(DEMO), tmp / "growth-export",
                                           timeout=g.export_timeout_s)
    except static.ExportUnavailable as exc:
        export = str(exc)
    _summarise(outcome, g, results, reload, build, export, plan.workers)
    return outcome


def _summarise(outcome: Outcome, g: GrowthPlan, results: list[SetResult],
               reload: Reload | None, build: Build, export: float | str, workers: int) -> None:
    base = results[0]
    paths = " / ".join(g.paths)
    for r in results:
        p50 = " / ".join(f"{s.wrk.p50_ms:.2f}" for s in r.samples.values())
        worst = max(s.wrk.p50_ms / base.samples[path].wrk.p50_ms
                    for path, s in r.samples.items())
        pss = statistics.mean(r.pss_kib) / statistics.mean(base.pss_kib)
        outcome.lines.append(Line(
            f"at {r.data.name}: p50 of {paths}; PSS (RSS) per worker",
            f"{p50} ms (up to {worst:.2f} × smallest); {mib(r.pss_kib)} MiB "
            f"({pss:.2f} × smallest; RSS {mib(r.rss_kib)} MiB)"))
    for r in results:
        target = MEMORY_TARGETS_MIB.get(r.data.posts) if r.data.strikes == 10 else None
        if target is not None:
            worst_mib = max(r.pss_kib) / 1024
            outcome.lines.append(Line(
                f"memory per worker at {r.data.name} (PSS, the largest of the workers)",
                f"{worst_mib:.1f} MiB (RSS {max(r.rss_kib) / 1024:.1f} MiB)",
                f"≤ {target:.0f} MiB", verdict(worst_mib <= target)))
    few = next((r for r in results if r.data.strikes == 10 and r.data.posts == 100), None)
    many = next((r for r in results if r.data.strikes == 1_000 and r.data.posts == 100), None)
    if few is not None and many is not None and STRIKES_PATH in few.samples:
        a, b = few.samples[STRIKES_PATH].wrk.p50_ms, many.samples[STRIKES_PATH].wrk.p50_ms
        outcome.lines.append(Line(
            f"p50 of {STRIKES_PATH} at 1,000 strikes vs 10 (100 posts)",
            f"{b / a:.2f} × ({b:.2f} / {a:.2f} ms)", f"≤ {STRIKES_P50_RATIO} ×",
            verdict(b / a <= STRIKES_P50_RATIO)))
    reload_ms = statistics.median(build.reload_ms)
    outcome.lines.append(Line(f"snapshot reload after a sync at {g.sets[-1].name}",
                              f"{reload_ms:,.0f} ms (median of {len(build.reload_ms)})",
                              f"≤ {RELOAD_TARGET_MS:.0f} ms",
                              verdict(reload_ms <= RELOAD_TARGET_MS)))
    outcome.lines.append(Line(f"first snapshot, build_snapshot(store, now), at "
                              f"{g.sets[-1].name}",
                              f"{statistics.median(build.full_ms):,.0f} ms "
                              f"(median of {len(build.full_ms)})"))
    if reload is not None:
        outcome.lines.append(Line(
            f"sync → new version served at {g.sets[-1].name}",
            _seconds(reload.first_s) + f" first, {_seconds(reload.all_s)} every worker "
            f"(reload_interval {g.reload_interval} s)"))
        if reload.during is not None:
            outcome.lines.append(Line(
                f"latency during that reload ({g.paths[-1]})",
                f"p99 {reload.during.p99_ms:,.0f} ms, max {reload.during.max_ms:,.0f} ms"))
    outcome.lines.append(Line(
        "static export of the demo (`solidarity-widget build`)",
        f"{export:.1f} s" if isinstance(export, float) else "—",
        result=_export_result(export)))
    outcome.sections += [
        "Each data set is generated like [data.py](data.py) does (posts with ~300-character "
        "excerpts and 1,500-character HTML bodies; strikes with varied timezones and "
        f"statuses) and served by the service alone ({workers} gunicorn workers). Per URL: "
        f"{method(g.load)} "
        "p50 and p99 are wrk's, with "
        f"{g.load.connections} connections; × smallest compares with the first data set.",
        _latency_table(results),
        _memory_table(results),
        _reload_text(g, build, reload),
    ]


def _export_result(export: float | str) -> str:
    return "info" if isinstance(export, float) else f"not run: {export}"


def _seconds(value: float | None) -> str:
    return "never (timed out)" if value is None else f"{value:.2f} s"


def _latency_table(results: list[SetResult]) -> str:
    paths = list(results[0].samples)
    head = ["data", *[f"{p} p50 / p99 ms (req/s)" for p in paths]]
    rows = []
    for r in results:
        cells = [r.data.name]
        for p in paths:
            s = r.samples[p]
            mark = "" if s.valid else " (unsure)"
            cells.append(f"{s.wrk.p50_ms:.2f} / {s.wrk.p99_ms:.2f} "
                         f"({s.wrk.requests_per_s:,.0f}){mark}")
        rows.append(cells)
    return "p50 / p99 latency (ms) and requests/s:\n\n" + table(head, rows)


def _memory_table(results: list[SetResult]) -> str:
    base = statistics.mean(results[0].pss_kib)
    rows = [[r.data.name, mib(r.pss_kib), f"{statistics.mean(r.pss_kib) / base:.2f}",
             mib(r.rss_kib), f"{r.started_in:.1f}", f"{r.build_s:.1f}"] for r in results]
    return ("Memory of each worker after loading the URLs above: PSS (Pss in "
            "/proc/PID/smaps_rollup: pages shared with the master, the other workers and "
            "libraries counted as a share of each) and RSS (VmRSS, every page the worker "
            "touches):\n\n" + table(
                ["data", "PSS per worker (MiB)", "× smallest", "RSS per worker (MiB)",
                 "service ready after s", "data set built in s"], rows))


def _reload_text(g: GrowthPlan, build: Build, reload: Reload | None) -> str:
    med = statistics.median
    def spread(values: list[float]) -> str:
        return (f"median {med(values):,.0f} ms (min {min(values):,.0f}, max "
                f"{max(values):,.0f}, {len(values)} run(s))")

    lines = [
        f"Snapshots at {g.sets[-1].name}, in the bench's own process (widget/snapshot.py). "
        f"A worker's first snapshot, `build_snapshot(store, now)`: {spread(build.full_ms)}. "
        "The reload after a sync that adds one post, as a worker does it "
        "(`SnapshotSource.current()` once the store's generation moved and the check is "
        f"due): {spread(build.reload_ms)}. Target for the reload ≤ {RELOAD_TARGET_MS:.0f} ms."
    ]
    if reload is not None:
        during = reload.during
        lines.append(
            f"\n\nEnd to end, with the service running (WIDGET_RELOAD_INTERVAL="
            f"{g.reload_interval}): one new post written to the store in one transaction "
            f"({reload.write_s * 1000:,.0f} ms), then /healthz polled every 10 ms: the new "
            f"version was served {_seconds(reload.first_s)} after the commit, and by "
            f"{reload.streak} answers in a row {_seconds(reload.all_s)} after it. Meanwhile "
            f"wrk loaded {g.paths[-1]}: "
            + (f"p50 {during.p50_ms:.2f} ms, p99 {during.p99_ms:,.0f} ms, max "
               f"{during.max_ms:,.0f} ms, {during.requests_per_s:,.0f} req/s"
               if during else "no result") + ".")
    return "".join(lines)

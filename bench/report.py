"""Markdown tables of the results: printed, and written to bench/out/."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

from bench.plan import TARGET_RATIO, Plan
from bench.run import BARE, SERVICE, MemoryResult, RowResult, Sample

OUT = Path(__file__).resolve().parent / "out"


def _table(head: list[str], rows: Iterable[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _verdict(ratio: float, errors: int, unsure: bool) -> str:
    if errors:
        return f"ERR ({errors} errors)"
    verdict = "PASS" if ratio >= TARGET_RATIO else "MISS"
    return f"{verdict} (unsure: no valid run)" if unsure else verdict


def _rate(s: Sample) -> float:
    return s.wrk.requests_per_s


def _p50(s: Sample) -> float:
    return s.wrk.p50_ms


def _p99(s: Sample) -> float:
    return s.wrk.p99_ms


def _cpu(s: Sample) -> float:
    return s.cpu_us_per_request


def throughput_table(results: list[RowResult]) -> str:
    rows = []
    for r in results:
        service, bare = r.median(SERVICE, _rate), r.median(BARE, _rate)
        ratio = service / bare if bare else 0.0
        rows.append([
            r.row.name, r.data, r.row.path + (" (If-None-Match)" if r.row.conditional else ""),
            f"{service:,.0f}", f"{bare:,.0f}", f"{ratio:.2f}",
            f"{r.median(SERVICE, _p50):.2f} / {r.median(SERVICE, _p99):.2f}",
            f"{r.median(BARE, _p50):.2f} / {r.median(BARE, _p99):.2f}",
            f"{r.median(SERVICE, _cpu):.0f} / {r.median(BARE, _cpu):.0f}",
            f"≥ {TARGET_RATIO}", _verdict(ratio, r.errors(), r.unsure()),
        ])
    return _table(["row", "data", "URL", "service req/s", "bare req/s", "service/bare",
                   "service p50 / p99 ms", "bare p50 / p99 ms", "CPU µs/req service / bare",
                   "target", "result"], rows)


def runs_table(results: list[RowResult]) -> str:
    rows = []
    for r in results:
        for target, runs in r.runs.items():
            for i, s in enumerate(runs, start=1):
                rows.append([r.row.name, r.data, target, str(i), f"{s.wrk.requests_per_s:,.0f}",
                             f"{s.wrk.p50_ms:.2f}", f"{s.wrk.p99_ms:.2f}",
                             f"{s.cpu_us_per_request:.0f}", f"{s.busiest_share:.2f}",
                             str(s.attempts), f"{s.others:.2f}", "yes" if s.valid else "no",
                             str(s.wrk.errors)])
    return _table(["row", "data", "server", "round", "req/s", "p50 ms", "p99 ms", "CPU µs/req",
                   "busiest worker", "attempts", "other CPUs busy", "valid", "errors"], rows)


def _noise(results: list[RowResult], limit: float) -> str:
    """A line on the load other processes put on the machine during the counted runs."""
    worst = max((s.others for r in results for t in r.runs for s in r.counted(t)), default=0.0)
    if worst <= limit:
        return f"Other processes kept at most {worst:.2f} CPUs busy during the counted runs."
    return (f"**Warning: other processes kept up to {worst:.2f} of the "
            f"{os.cpu_count()} CPUs busy during some counted runs** (see \"other CPUs busy\" "
            "below): req/s and ratios of those rows are unreliable; run again on a quiet "
            "machine. CPU µs/req is less affected.")


def _mib(kib: Iterable[int]) -> str:
    return " + ".join(f"{k / 1024:.1f}" for k in kib) or "?"


def memory_table(results: list[MemoryResult]) -> str:
    rows = []
    for m in results:
        service, bare = m.rss_kib.get(SERVICE, []), m.rss_kib.get(BARE, [])
        ratio = (statistics.mean(service) / statistics.mean(bare)) if service and bare else 0.0
        restarts = ", ".join(f"{k} {v}" for k, v in m.restarts.items() if v) or "none"
        rows.append([
            m.data, m.after, _mib(service), _mib(bare), f"{ratio:.2f}",
            f"{m.started_in.get(SERVICE, 0):.1f} / {m.started_in.get(BARE, 0):.1f}", restarts,
        ])
    return _table(["data", "after loading", "service RSS per worker (MiB)",
                   "bare RSS per worker (MiB)", "service/bare",
                   "ready after s (service / bare)", "workers recycled"], rows)


def document(plan: Plan, results: list[RowResult], memory: list[MemoryResult],
             elapsed: float) -> str:
    load = plan.load
    recycling = ("as in widget.gunicorn_conf" if plan.max_requests is None
                 else f"--max-requests {plan.max_requests}")
    versions = ", ".join(f"{p} {version(p)}" for p in ("falcon", "gunicorn", "orjson"))
    return "\n\n".join([
        f"# Benchmark {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {versions}; "
        f"{plan.workers} gunicorn workers each (widget.gunicorn_conf); "
        f"wrk -t{load.threads} -c{load.connections} -d{load.seconds}s, "
        f"{load.rounds} alternating rounds (medians), {load.warmup_seconds}s warm-up; "
        f"worker recycling {recycling}; run took {elapsed:.0f}s.",
        "service/bare is the share of the bare app's throughput the service reaches on the "
        "same bytes; CPU µs/req is the workers' CPU time per request. Runs where one "
        f"worker did more than {load.balance_limit:.0%} of the work, or other processes kept "
        f"more than {load.noise_limit} CPUs busy, were started again; medians leave out "
        "runs that still looked skewed "
        "(see bench/README.md). " + _noise(results, load.noise_limit),
        "## Throughput: service vs bare Falcon serving the same bytes",
        throughput_table(results),
        "## Memory: VmRSS of each gunicorn worker after loading",
        memory_table(memory),
        "## Every run",
        runs_table(results),
    ]) + "\n"


def write(text: str, out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.md"
    path.write_text(text, encoding="utf-8")
    (out / "latest.md").write_text(text, encoding="utf-8")
    return path

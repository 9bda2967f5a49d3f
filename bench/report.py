"""Markdown tables of side-by-side wrk runs (origin and nginx phases) and of worker memory."""

from __future__ import annotations

import os
import statistics
from collections.abc import Iterable

from bench.outcome import Line, table, verdict
from bench.plan import Load
from bench.run import MemoryResult, RowResult, Sample, rate


def _p50(s: Sample) -> float:
    return s.wrk.p50_ms


def _p99(s: Sample) -> float:
    return s.wrk.p99_ms


def _cpu(s: Sample) -> float:
    return s.cpu_us_per_request


def lines(results: list[RowResult], target: str, baseline: str, ratio: float) -> list[Line]:
    """One summary line per row: the lower of target/baseline by requests/s and by CPU
    time per request against `ratio` (or, when a side had no valid run, by CPU time)."""
    out = []
    for r in results:
        got, basis = r.judged(target, baseline)
        rates = f"{r.median(target, rate):,.0f} / {r.median(baseline, rate):,.0f} req/s"
        cpu = f"CPU µs/req {r.median(target, _cpu):.0f} / {r.median(baseline, _cpu):.0f}"
        detail = (f"by {basis}: {rates}, {cpu}, by CPU {r.cpu_ratio(target, baseline):.2f}"
                  if not r.unsure() else
                  f"from {cpu}; req/s ratio {r.ratio(target, baseline):.2f} had no valid run")
        out.append(Line(r.row.name, f"{got:.2f} ({detail})", f"≥ {ratio}",
                        verdict(got >= ratio, errors=r.errors())))
    return out


def throughput_table(results: list[RowResult], target: str, baseline: str,
                     ratio: float) -> str:
    rows = []
    for r in results:
        got, basis = r.judged(target, baseline)
        mark = " (unsure: no valid run)" if r.unsure() else ""
        rows.append([
            r.row.name, r.row.path + (" (If-None-Match)" if r.row.conditional else "")
            + "".join(f" ({k}: {v})" for k, v in r.row.headers),
            f"{r.median(target, rate):,.0f}", f"{r.median(baseline, rate):,.0f}",
            f"{r.ratio(target, baseline):.2f}{mark}",
            f"{r.median(target, _p50):.2f} / {r.median(target, _p99):.2f}",
            f"{r.median(baseline, _p50):.2f} / {r.median(baseline, _p99):.2f}",
            f"{r.median(target, _cpu):.0f} / {r.median(baseline, _cpu):.0f}",
            f"{r.cpu_ratio(target, baseline):.2f}", f"≥ {ratio} ({basis})",
            verdict(got >= ratio, errors=r.errors()),
        ])
    return table(["row", "URL", f"{target} req/s", f"{baseline} req/s",
                  f"{target}/{baseline} req/s", f"{target} p50 / p99 ms",
                  f"{baseline} p50 / p99 ms", f"CPU µs/req {target} / {baseline}",
                  f"{target}/{baseline} by CPU", "target", "result"], rows)


def runs_table(results: list[RowResult]) -> str:
    rows = []
    for r in results:
        for target, runs in r.runs.items():
            for i, s in enumerate(runs, start=1):
                rows.append([r.row.name, target, str(i), f"{s.wrk.requests_per_s:,.0f}",
                             f"{s.wrk.p50_ms:.2f}", f"{s.wrk.p99_ms:.2f}",
                             f"{s.cpu_us_per_request:.0f}", f"{s.busiest_share:.2f}",
                             str(s.attempts), f"{s.others:.2f}", "yes" if s.valid else "no",
                             str(s.wrk.errors)])
    return table(["row", "server", "round", "req/s", "p50 ms", "p99 ms", "CPU µs/req",
                  "busiest worker", "attempts", "other CPUs busy", "valid", "errors"], rows)


def noise(results: list[RowResult], limit: float) -> str:
    """A line on the load other processes put on the machine during the counted runs."""
    worst = max((s.others for r in results for t in r.runs for s in r.counted(t)), default=0.0)
    if worst <= limit:
        return f"Other processes kept at most {worst:.2f} CPUs busy during the counted runs."
    return (f"**Warning: other processes kept up to {worst:.2f} of the "
            f"{os.cpu_count()} CPUs busy during some counted runs** (see \"other CPUs busy\" "
            "below): req/s and ratios of those rows are unreliable; run again on a quiet "
            "machine. CPU µs/req is less affected.")


def method(load: Load) -> str:
    return (f"wrk -t{load.threads} -c{load.connections} -d{load.seconds}s per run, "
            f"{load.rounds} alternating round(s) (medians), {load.warmup_seconds}s warm-up per "
            f"row and server. Runs where one worker did more than "
            f"{load.balance_limit:.0%} of the work, or other processes kept more than "
            f"{load.noise_limit} CPUs busy, were started again (at most {load.attempts} "
            "attempts); medians leave out runs that still looked skewed.")


def mib(kib: Iterable[int]) -> str:
    return " + ".join(f"{k / 1024:.1f}" for k in kib) or "?"


def memory_table(results: list[MemoryResult], target: str, baseline: str) -> str:
    rows = []
    for m in results:
        mine, base = m.rss_kib.get(target, []), m.rss_kib.get(baseline, [])
        ratio = (statistics.mean(mine) / statistics.mean(base)) if mine and base else 0.0
        restarts = ", ".join(f"{k} {v}" for k, v in m.restarts.items() if v) or "none"
        rows.append([
            m.data, m.after, mib(mine), mib(base), f"{ratio:.2f}",
            f"{m.started_in.get(target, 0):.1f} / {m.started_in.get(baseline, 0):.1f}", restarts,
        ])
    return table(["data", "after loading", f"{target} RSS per worker (MiB)",
                  f"{baseline} RSS per worker (MiB)", f"{target}/{baseline}",
                  f"ready after s ({target} / {baseline})", "workers recycled"], rows)

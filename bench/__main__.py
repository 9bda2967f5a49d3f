"""`python -m bench`: throughput and memory of the service next to a bare Falcon app."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench import report, run
from bench.data import Sites
from bench.plan import Load, Plan


def _plan(argv: list[str] | None) -> tuple[Plan, Path]:
    default = Load()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--seconds", type=int, default=default.seconds,
                        help="length of each measured wrk run")
    parser.add_argument("--rounds", type=int, default=default.rounds,
                        help="alternating service/bare rounds per row")
    parser.add_argument("--connections", type=int, default=default.connections)
    parser.add_argument("--no-memory", action="store_true", help="skip the memory phase")
    parser.add_argument("--recycle", action="store_true",
                        help="keep the conf's max_requests worker recycling (off by default)")
    parser.add_argument("--out", type=Path, default=report.OUT, help="where tables are written")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 60 or not 1 <= args.rounds <= 10:
        parser.error("--seconds must be 1…60 and --rounds 1…10 (runs stay bounded)")
    load = replace(default, seconds=args.seconds, rounds=args.rounds,
                   connections=args.connections)
    plan = Plan(load=load, max_requests=None if args.recycle else 0)
    if args.no_memory:
        plan = replace(plan, memory=())
    return plan, args.out


def _stop_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds the `with` blocks, which stop the servers


def main(argv: list[str] | None = None) -> int:
    plan, out = _plan(argv)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    started = time.monotonic()
    rows: list[run.RowResult] = []
    memory: list[run.MemoryResult] = []
    with tempfile.TemporaryDirectory(prefix="widget-bench-") as tmp:
        sites = Sites(Path(tmp))
        for scenario in plan.throughput:
            print(f"throughput: {scenario.data.name} …", file=sys.stderr, flush=True)
            results, rss = run.throughput(scenario, sites(scenario.data), plan, Path(tmp))
            rows += results
            memory.append(rss)
        for probe in plan.memory:
            print(f"memory: {probe.data.name} …", file=sys.stderr, flush=True)
            memory.append(run.memory(probe, sites(probe.data), plan, Path(tmp)))
    text = report.document(plan, rows, memory, time.monotonic() - started)
    path = report.write(text, out)
    print(text)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

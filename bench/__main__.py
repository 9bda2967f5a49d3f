"""`python -m bench`: throughput and memory of the service next to a bare Falcon app."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench import report, run
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
    parser.add_argument("--out", type=Path, default=report.OUT, help="where tables are written")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 60 or not 1 <= args.rounds <= 10:
        parser.error("--seconds must be 1…60 and --rounds 1…10 (runs stay bounded)")
    load = replace(default, seconds=args.seconds, rounds=args.rounds,
                   connections=args.connections)
    plan = Plan(load=load)
    if args.no_memory:
        plan = replace(plan, memory_sets=())
    return plan, args.out


def main(argv: list[str] | None = None) -> int:
    plan, out = _plan(argv)
    started = time.monotonic()
    rows: list[run.RowResult] = []
    memory: list[run.MemoryResult] = []
    with tempfile.TemporaryDirectory(prefix="widget-bench-") as tmp:
        for data in plan.throughput_sets:
            print(f"throughput: {data.name} …", file=sys.stderr, flush=True)
            results, rss = run.throughput(data, plan, Path(tmp))
            rows += results
            memory.append(rss)
        for probe in plan.memory_sets:
            print(f"memory: {probe.data.name} …", file=sys.stderr, flush=True)
            memory.append(run.memory(probe, plan, Path(tmp)))
    text = report.document(plan, rows, memory, time.monotonic() - started)
    path = report.write(text, out)
    print(text)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

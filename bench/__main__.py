"""`python -m bench`: the service against its baselines, written to bench/RESULTS.md.

Phases: origin (service vs bare Falcon), nginx (proxy_cache vs static files), growth
(latency, memory and reloads as the content grows), browser (headless Chromium on a
host page), syncs (a 10,000-post feed: the first sync and one with nothing changed).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bench import browser, cached, growth, origin, results, syncs
from bench.data import REPO, Sites
from bench.outcome import Line, Outcome
from bench.plan import LOADER_GZIP_TARGET, PHASES, Load, Plan
from bench.server import conf_settings

OUT = Path(__file__).resolve().parent / "out"


def _phases(value: str) -> tuple[str, ...]:
    chosen = tuple(p.strip() for p in value.split(",") if p.strip())
    unknown = [p for p in chosen if p not in PHASES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"phases are {', '.join(PHASES)}; not {unknown}")
    return tuple(p for p in PHASES if p in chosen)


def _parser() -> argparse.ArgumentParser:
    default = Load()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", type=_phases, default=PHASES, metavar="PHASES",
                        help=f"comma-separated phases to run ({','.join(PHASES)}); the others "
                             "are kept from the previous RESULTS.md")
    parser.add_argument("--seconds", type=int, default=None,
                        help=f"length of each measured wrk run (origin: {default.seconds})")
    parser.add_argument("--rounds", type=int, default=None,
                        help=f"alternating rounds per row (origin: {default.rounds})")
    parser.add_argument("--connections", type=int, default=default.connections)
    parser.add_argument("--loads", type=int, default=None,
                        help="browser: cold loads for the time to paint (default 20)")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers per server (default: widget.gunicorn_conf's)")
    parser.add_argument("--recycle", action="store_true",
                        help="keep the conf's max_requests worker recycling (off by default)")
    parser.add_argument("--nginx-conf", type=Path, default=None,
                        help="a proxy_cache config to use instead of examples/deploy/nginx.conf")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: write RESULTS.md again from its own tables, "
                             "with the explanations of missed targets from bench/notes.py")
    parser.add_argument("--results", type=Path, default=results.RESULTS,
                        help="the Markdown file to write (default bench/RESULTS.md)")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="where a dated copy of each run is kept (gitignored)")
    return parser


def _load(load: Load, args: argparse.Namespace) -> Load:
    changes: dict[str, int] = {"connections": args.connections}
    if args.seconds is not None:
        changes["seconds"] = args.seconds
    if args.rounds is not None:
        changes["rounds"] = args.rounds
    return replace(load, **changes)


def _plan(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Plan:
    if args.seconds is not None and not 1 <= args.seconds <= 60:
        parser.error("--seconds must be 1…60 (runs stay bounded)")
    if args.rounds is not None and not 1 <= args.rounds <= 10:
        parser.error("--rounds must be 1…10 (runs stay bounded)")
    if args.loads is not None and not 1 <= args.loads <= 200:
        parser.error("--loads must be 1…200")
    if not 1 <= args.connections <= 256:
        parser.error("--connections must be 1…256")
    if args.workers is not None and not 1 <= args.workers <= 16:
        parser.error("--workers must be 1…16")
    workers = args.workers or conf_settings()[0]
    plan = Plan(phases=args.only, workers=workers, max_requests=None if args.recycle else 0)
    plan = replace(
        plan, load=_load(plan.load, args),
        nginx=replace(plan.nginx, load=_load(plan.nginx.load, args)),
        growth=replace(plan.growth, load=_load(plan.growth.load, args)))
    if args.loads is not None:
        plan = replace(plan, browser=replace(plan.browser, loads=args.loads))
    return plan


def _command(argv: list[str]) -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(REPO))
    except ValueError:
        shown = str(python)
    return shlex.join([shown, "-m", "bench", *argv])


def _stop_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds the `with` blocks, which stop the servers


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser()
    args = parser.parse_args(argv)
    plan = _plan(args, parser)
    if args.render_only:
        plan = replace(plan, phases=())
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    from widget.assets import default_assets

    loader = default_assets()["widget.js"]
    print(f"widget.js as served: {len(loader.body):,} bytes, {len(loader.gzipped):,} gzipped "
          f"(target {LOADER_GZIP_TARGET:,} gzipped: "
          f"{'PASS' if len(loader.gzipped) <= LOADER_GZIP_TARGET else 'MISS'})")
    stamp = results.Stamp(dt.datetime.now(dt.UTC), _command(argv))
    started = time.monotonic()
    runners: dict[str, Callable[[Plan, Sites, Path], Outcome]] = {
        "origin": origin.run,
        "nginx": lambda p, s, t: cached.run(p, s, t, args.nginx_conf),
        "growth": growth.run,
        "browser": browser.run,
        "syncs": syncs.run,
    }
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="widget-bench-") as tmp:
        os.chmod(tmp, 0o755)  # nginx workers (nobody) read the export inside it
        sites = Sites(Path(tmp))
        for phase in plan.phases:
            phase_started = time.monotonic()
            try:
                outcome = runners[phase](plan, sites, Path(tmp))
            except Exception as exc:  # noqa: BLE001 - any failure is reported, not fatal
                # One phase failing (a server that did not start, a browser that crashed)
                # still leaves the others' results, and says what went wrong.
                traceback.print_exc()
                outcome = Outcome(phase, phase, [Line("(phase failed)", "—", "—",
                                                      f"ERR ({type(exc).__name__})")],
                                  [f"The phase failed: `{type(exc).__name__}: "
                                   f"{str(exc).splitlines()[0] if str(exc) else ''}`."])
            outcome.seconds = time.monotonic() - phase_started
            outcomes.append(outcome)
            print(f"{phase}: done in {outcome.seconds:.0f}s", file=sys.stderr, flush=True)
    text = results.document(outcomes, stamp, time.monotonic() - started, args.results)
    results.write(text, args.results, args.out)
    print(text)
    print(f"written to {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

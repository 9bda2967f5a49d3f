"""Phase 1, origin: every endpoint family on the service vs the bare Falcon app sending
the same bytes (bench/bare.py), both under gunicorn with widget.gunicorn_conf."""

from __future__ import annotations

import sys
from pathlib import Path

from bench import report
from bench.capture import check_same, etags
from bench.data import Sites
from bench.outcome import Outcome
from bench.plan import TARGET_RATIO, Plan
from bench.run import BARE, SERVICE, compare, memory_of, service_and_bare
from bench.server import conf_settings

TITLE = "Origin: the service vs a bare Falcon app serving the same bytes"


def run(plan: Plan, sites: Sites, tmp: Path) -> Outcome:
    scenario = plan.origin
    site = sites(scenario.data)
    rows = scenario.rows
    print(f"origin: {len(rows)} rows on {site.name} …", file=sys.stderr, flush=True)
    with service_and_bare(site, rows, tmp, plan) as (service, bare, _):
        servers = {SERVICE: service, BARE: bare}
        tags = {name: etags(server, rows) for name, server in servers.items()}
        check_same(rows, tags, servers)
        before = {name: set(s.workers()) for name, s in servers.items()}
        results = compare(rows, site.name, servers, tags, plan.load)
        memory = memory_of(site.name, "the rows above", servers, before)
    recycling = ("as in widget.gunicorn_conf" if plan.max_requests is None
                 else f"--max-requests {plan.max_requests}")
    return Outcome("origin", TITLE, report.lines(results, SERVICE, BARE, TARGET_RATIO), [
        f"Data: {site.name}. {plan.workers} gunicorn {conf_settings()[1]} workers each "
        "(widget.gunicorn_conf), "
        f"worker recycling {recycling}. The bare app ([bare.py](bare.py)) replays the "
        "service's captured status, headers and body for each URL, and answers 304 when "
        "If-None-Match equals the captured ETag; both were checked to send the same body, "
        "Content-Type and Content-Encoding before loading. service/bare is the ratio of "
        "requests/s; CPU µs/req is the workers' CPU time per request, and service/bare by "
        "CPU the bare app's CPU time per request divided by the service's. The verdict rests "
        "on requests/s, or on CPU time when a side had no valid run (see below). "
        + report.method(plan.load) + " " + report.noise(results, plan.load.noise_limit),
        report.throughput_table(results, SERVICE, BARE, TARGET_RATIO),
        "Memory of the workers after these rows:\n\n"
        + report.memory_table([memory], SERVICE, BARE),
        "<details><summary>Every run</summary>\n\n" + report.runs_table(results)
        + "\n\n</details>",
    ])

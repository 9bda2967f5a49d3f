"""Phase 2, behind the nginx cache: nginx with proxy_cache in front of the service
(examples/deploy/nginx.conf) vs nginx serving the static export's files
(`solidarity-widget build`, OUTDIR/nginx-site.conf), on the same URLs and bytes."""

from __future__ import annotations

import sys
from pathlib import Path

from bench import nginx, report, static
from bench.capture import check_same, etags
from bench.data import Sites
from bench.outcome import Outcome
from bench.plan import NGINX_TARGET_RATIO, Plan
from bench.run import SERVICE, compare
from bench.server import CLOCK_TICK_S, SERVICE_APP, conf_settings, free_port, gunicorn

TITLE = "Behind the nginx cache: proxy_cache in front of the service vs static files"
PROXY, FILES = "proxy_cache", "static"


def run(plan: Plan, sites: Sites, tmp: Path, deploy_conf: Path | None = None) -> Outcome:
    settings = plan.nginx
    rows = settings.scenario.rows
    outcome = Outcome("nginx", TITLE)
    deploy_conf = deploy_conf or nginx.DEPLOY_CONF
    why = nginx.missing(deploy_conf) or static.missing()
    if why is not None:
        print(f"nginx: not run: {why}", file=sys.stderr, flush=True)
        return outcome.not_run(why, [(r.name, f"≥ {NGINX_TARGET_RATIO}") for r in rows])
    site = sites(settings.scenario.data)
    print(f"nginx: {len(rows)} rows on {site.name} …", file=sys.stderr, flush=True)
    proxy_port, files_port = free_port(), free_port()
    # Both answer with the same links inside their bodies.
    base_url = f"http://127.0.0.1:{proxy_port}"
    outdir = tmp / "nginx-export"
    targets = [(r.name, f"≥ {NGINX_TARGET_RATIO}") for r in rows]
    try:
        export_s = static.build(site, outdir, base_url=base_url)
    except static.ExportUnavailable as exc:
        return outcome.not_run(str(exc), targets)
    nginx.readable(outdir, tmp)
    env = {**site.env(), "WIDGET_BASE_URL": base_url}
    with gunicorn(f"{SERVICE} ({site.name})", SERVICE_APP, env, tmp / "nginx-service.log",
                  workers=plan.workers, probe="/healthz", extra=plan.gunicorn_args()) as service:
        proxy_prefix, files_prefix = tmp / "nginx-proxy", tmp / "nginx-static"
        try:
            proxy_body = nginx.adapt_deploy_conf(deploy_conf.read_text(), port=proxy_port,
                                                 upstream_port=service.port, prefix=proxy_prefix)
        except nginx.ConfError as exc:
            return outcome.not_run(str(exc), targets)
        proxy_conf = nginx.main_conf(proxy_prefix, proxy_body, settings.worker_processes)
        files_conf = nginx.main_conf(files_prefix, nginx.static_server(files_port, outdir),
                                     settings.worker_processes)
        with nginx.nginx("nginx proxy_cache", proxy_prefix, proxy_conf, proxy_port,
                         rows[0].path) as proxy, \
                nginx.nginx("nginx static", files_prefix, files_conf, files_port,
                            rows[0].path) as files:
            servers = {PROXY: proxy, FILES: files}
            tags = {name: etags(server, rows) for name, server in servers.items()}
            tags[SERVICE] = etags(service, rows)
            check_same(rows, tags, {SERVICE: service, **servers})
            origin_before = sum(service.cpu_ticks().values())
            results = compare(rows, site.name, servers, tags, settings.load)
            origin_cpu = (sum(service.cpu_ticks().values()) - origin_before) * CLOCK_TICK_S
    outcome.lines += report.lines(results, PROXY, FILES, NGINX_TARGET_RATIO)
    outcome.sections += [
        f"Data: {site.name}. Both nginx servers run {settings.worker_processes} worker "
        "process(es) with the same main and http settings (no access log, sendfile, "
        f"keepalive_timeout 5); {PROXY} is `{_shown(deploy_conf)}` pointed at 127.0.0.1 and "
        f"the bench's temporary paths ([nginx.py](nginx.py)), in front of the service "
        f"({plan.workers} gunicorn {conf_settings()[1]} workers); {FILES} includes the "
        "export's own "
        f"`nginx-site.conf` (written by `solidarity-widget build` in {export_s:.1f} s). "
        "Bodies, Content-Type and Content-Encoding were checked to be the same from the "
        "service and both nginx servers. The verdict rests on requests/s, or on CPU time "
        "per request (static/proxy_cache) when a side had no valid run. "
        + report.method(settings.load)
        + " " + report.noise(results, settings.load.noise_limit)
        + f" The service's workers used {origin_cpu:.2f} CPU seconds during the measured "
        "runs (requests that got past the cache).",
        report.throughput_table(results, PROXY, FILES, NGINX_TARGET_RATIO),
        "<details><summary>Every run</summary>\n\n" + report.runs_table(results)
        + "\n\n</details>",
    ]
    return outcome


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(nginx.REPO))
    except ValueError:
        return str(path)

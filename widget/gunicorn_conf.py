"""gunicorn settings for `solidarity-widget serve` (gunicorn -c python:widget.gunicorn_conf).

Every value can be overridden from the environment (GUNICORN_CMD_ARGS, or the
WIDGET_* variables below). No access log by default: the service keeps no
per-visitor records. Set WIDGET_ACCESS_LOG=- for a log without client addresses.
"""

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from typing import Any

bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
# gevent, not sync: `serve` binds directly (the README's first command), so it must
# survive slow clients without a proxy in front. A sync worker is held by one client
# that sends its headers a byte at a time: three such connections stopped every worker
# until the 30 s timeout. gthread reads each request in a pool thread, so N slow clients
# hold N threads; each worker still accepts and queues new connections behind them
# (64 threads x 3 workers did not survive 256 slow clients). A gevent worker gives each
# connection a greenlet, and the head of each request must arrive within `keepalive`
# seconds or the connection is closed. Measured on 2 cores (docs/deploy.md, "Serving
# with gunicorn"; `python -m bench.workers`): with 256 slow clients connected every
# probe was answered in milliseconds; on the cached path gevent served more requests/s
# than sync, at a higher p99 (kept-alive connections stay on one worker).
worker_class = os.environ.get("WIDGET_WORKER_CLASS", "gevent")
# Every request is a short, CPU-bound look-up: one process per core, plus one to cover a
# worker that is reloading its snapshot (a greenlet does not yield while it computes).
workers = int(os.environ.get("WIDGET_WORKERS", str((os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("WIDGET_THREADS", "1"))  # gthread only
# Open connections per gevent worker (idle keep-alive and slow ones included), kept
# below the open-files limit the master inherits, so accept() never fails for lack of
# descriptors (systemd's default soft limit is 1024: raise LimitNOFILE for more).
_files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
worker_connections = int(os.environ.get("WIDGET_WORKER_CONNECTIONS", str(
    1000 if _files == resource.RLIM_INFINITY else max(64, min(1000, _files - 100)))))
# Seconds a kept-alive connection may stay idle; with gevent also the deadline for the
# head (request line and headers) of every request: a slower client is disconnected.
keepalive = 5
timeout = 30
graceful_timeout = 20
# Recycle workers now and then so slow leaks never build up; jitter avoids all at once.
# High enough that a busy worker (thousands of requests a second) lives for minutes:
# each restart rebuilds the snapshot and starts with an empty render cache.
max_requests = 1_000_000
max_requests_jitter = 100_000
accesslog = os.environ.get("WIDGET_ACCESS_LOG") or None
# Method, path, status, size, duration: never the client's address or user agent.
access_log_format = '"%(r)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
# The error log without client addresses (gunicorn's own "Invalid request from ip=…"
# included); see widget/gunicorn_log.py.
logger_class = "widget.gunicorn_log.Logger"
loglevel = os.environ.get("WIDGET_LOG_LEVEL", "info")
# Several services on one machine (tests, benchmarks) must not share a control socket.
control_socket_disable = True
proc_name = "solidarity-widget"

# gevent.sleep in a gevent worker, once it has started (post_worker_init).
_pass_turn: Callable[[float], Any] | None = None


def post_worker_init(worker: Any) -> None:
    """In a gevent worker: connections take turns, and what gevent itself prints
    (a greenlet's failure names its socket's peer) goes through the address scrubber."""
    global _pass_turn
    if type(worker).__module__ != "gunicorn.workers.ggevent":
        return
    import gevent

    from widget.gunicorn_log import ScrubbingStream, own_addresses

    _pass_turn = gevent.sleep
    gevent.get_hub().exception_stream = ScrubbingStream(
        sys.stderr, own_addresses(worker.cfg.bind or ()))


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """After each answer, let the worker's other connections go first. A greenlet does
    not yield while the next request is already in its socket, so without this one
    kept-alive client could be served again and again while others wait: measured with
    wrk -c16 on one worker, p99 62 ms without and 3.3 ms with, for 5 % fewer requests/s."""
    if _pass_turn is not None:
        _pass_turn(0)


def on_starting(server: Any) -> None:
    """Keep the configuration that loads cleanly now: workers that start later (a HUP,
    a timeout, a recycle) while the file has a mistake serve with it (widget/fallback.py).

    NOTE: checked in a child process. Importing the service's modules here, in the
    master, would hand every later worker those modules as they were at start: after
    an upgrade and a HUP, old and new code mixed, and workers that fail to boot.
    """
    try:
        done = subprocess.run([sys.executable, "-m", "widget", "last-good-config"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        server.log.warning("config could not be checked (%s); workers keep the last good one",
                           exc)
        return
    if done.returncode == 0 and done.stdout.strip():
        os.environ["WIDGET_LAST_GOOD_CONFIG"] = done.stdout.strip()
    else:
        first = (done.stderr.strip().splitlines() or ["unknown problem"])[0]
        server.log.warning("%s (workers keep the last good configuration)", first)


on_reload = on_starting

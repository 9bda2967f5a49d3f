"""gunicorn settings for `solidarity-widget serve` (gunicorn -c python:widget.gunicorn_conf).

Every value can be overridden from the environment (GUNICORN_CMD_ARGS, or the
WIDGET_* variables below). No access log by default: the service keeps no
per-visitor records. Set WIDGET_ACCESS_LOG=- for a log without client addresses.
"""

import os

bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
# Measured on 2 cores (docs/deploy.md, "Serving with gunicorn"): every request is a
# short, CPU-bound dictionary look-up, so plain sync workers, one more than the cores,
# beat threads (gthread put most keep-alive connections on one worker and tripled
# p50). Sync workers expect a buffering proxy in front for slow clients: nginx.
workers = int(os.environ.get("WIDGET_WORKERS", str((os.cpu_count() or 1) + 1)))
worker_class = os.environ.get("WIDGET_WORKER_CLASS", "sync")
threads = int(os.environ.get("WIDGET_THREADS", "1"))
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
loglevel = os.environ.get("WIDGET_LOG_LEVEL", "info")
# Several services on one machine (tests, benchmarks) must not share a control socket.
control_socket_disable = True
proc_name = "solidarity-widget"

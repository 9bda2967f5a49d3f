"""Start gunicorn (or nginx, see nginx.py) on 127.0.0.1, wait until it answers, find its
workers, stop it.

Both the service and the bare app run with `-c python:widget.gunicorn_conf`, so they
share worker class, threads, workers, keep-alive and recycling settings.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.data import REPO

SERVICE_APP = "widget.http.app:get_app()"
BARE_APP = "bench.bare:get_app()"


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def fetch(port: int, path: str, headers: Mapping[str, str] | None = None,
          timeout: float = 10) -> Reply:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=dict(headers or {}))
        resp = conn.getresponse()
        return Reply(resp.status, tuple(resp.getheaders()), resp.read())
    finally:
        conn.close()


def conf_settings() -> tuple[int, str, int]:
    """widget.gunicorn_conf's workers, worker class and threads, as the servers will read
    them (the environment's WIDGET_WORKERS etc. included)."""
    from widget import gunicorn_conf

    return int(gunicorn_conf.workers), str(gunicorn_conf.worker_class), int(gunicorn_conf.threads)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path
    started_in: float = 0.0  # seconds from spawn until it answered
    # Children that serve requests: all of gunicorn's; for nginx only "worker process"
    # (not its cache manager and loader).
    only: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """PIDs of the workers: the master's children (matching `only`)."""
        return sorted(pid for pid in _pids() if _ppid(pid) == self.proc.pid
                      and (self.only is None or self.only in _cmdline(pid)))

    def rss_kib(self) -> dict[int, int]:
        return {pid: rss for pid in self.workers() if (rss := vm_rss_kib(pid)) is not None}

    def pss_kib(self) -> dict[int, int]:
        """Proportional set size of each worker: pages shared with other processes
        (the master, the other workers, libraries) counted as a share of each."""
        return {pid: pss for pid in self.workers() if (pss := pss_kib(pid)) is not None}

    def cpu_ticks(self) -> dict[int, int]:
        """utime + stime of each worker, in clock ticks (see CLOCK_TICK_S)."""
        return {pid: ticks for pid in self.workers() if (ticks := cpu_ticks(pid)) is not None}

    def log_tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _pids() -> Iterator[int]:
    return (int(p) for p in os.listdir("/proc") if p.isdigit())


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace")
    except OSError:
        return ""


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces


CLOCK_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def tree_ticks(root: int) -> int:
    """CPU ticks of `root` and every live descendant, each with its reaped children
    (cutime, cstime): what a process tree has used, whatever came and went."""
    children: dict[int | None, list[int]] = {}
    for pid in _pids():
        children.setdefault(_ppid(pid), []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        stack += children.get(pid, [])
    return total


def system_busy_ticks() -> int:
    """CPU ticks spent on every CPU outside idle and I/O wait, since boot."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq + steal


def _kib(path: str, key: str) -> int | None:
    """The kB figure of the line starting with `key` in a /proc file; None when gone."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def vm_rss_kib(pid: int) -> int | None:
    return _kib(f"/proc/{pid}/status", "VmRSS:")


def pss_kib(pid: int) -> int | None:
    return _kib(f"/proc/{pid}/smaps_rollup", "Pss:")


def wait_ready(server: Server, probe: str, workers: int, timeout: float) -> None:
    start = time.monotonic()
    deadline = start + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited ({server.proc.returncode}):\n"
                               + server.log_tail())
        try:
            if fetch(server.port, probe, timeout=2).status < 500 \
                    and len(server.workers()) >= workers:
                server.started_in = time.monotonic() - start
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready after {timeout}s:\n" + server.log_tail())


@contextmanager
def gunicorn(name: str, app: str, env: Mapping[str, str], log: Path, *, workers: int,
             probe: str, extra: Sequence[str] = (), timeout: float = 60,
             port: int | None = None) -> Iterator[Server]:
    """Run `gunicorn -c python:widget.gunicorn_conf APP` until the block ends."""
    port = port or free_port()
    full_env = {**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port),
                "WIDGET_WORKERS": str(workers)}
    full_env.pop("WIDGET_ACCESS_LOG", None)  # the conf's default: no access log
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO),
                                                            full_env.get("PYTHONPATH")]))
    args = [sys.executable, "-m", "gunicorn", "-c", "python:widget.gunicorn_conf",
            "--no-control-socket", *extra, app]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=REPO, env=full_env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name, port, proc, log)
    try:
        wait_ready(server, probe, workers, timeout)
        yield server
    finally:
        stop(server)


def stop(server: Server, grace: float = 10) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)  # its own session: master + workers
            server.proc.wait(5)

"""A real nginx for tests: its own prefix, config, temp paths and logs under one folder,
running in the foreground on 127.0.0.1 and stopped by the test that started it."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.servers import free_port, need

NGINX = Path(shutil.which("nginx", path="/usr/sbin:/usr/local/sbin:/usr/bin") or "/usr/sbin/nginx")


def need_nginx() -> None:
    need(NGINX.exists(), f"{NGINX} is not installed (apt-get install nginx)")


def main_conf(folder: Path, http: str) -> str:
    """A whole nginx.conf: everything nginx writes stays in `folder`; `http` is the body of
    the http block (servers, caches, upstreams)."""
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    temp = folder / "temp"
    # Run as root (CI containers), nginx would hand its workers to "nobody", who cannot
    # read pytest's private tmp folders; as anyone else the line is ignored with a notice.
    user_line = f"user {user} {group};" if os.getuid() == 0 else ""
    return f"""{user_line}
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{http}
}}
"""


def _args(folder: Path) -> list[str]:
    return [str(NGINX), "-p", str(folder), "-c", "nginx.conf", "-g",
            f"daemon off; pid {folder}/nginx.pid; error_log {folder}/error.log;"]


def write_conf(folder: Path, http: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "temp").mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(main_conf(folder, http))


def check_conf(folder: Path, http: str) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on the config: (returncode, its messages)."""
    write_conf(folder, http)
    return subprocess.run([*_args(folder), "-t"], capture_output=True, text=True, timeout=30)


class Nginx:
    """nginx in the foreground, as a child of the test: `stop()` ends it and its workers."""

    def __init__(self, folder: Path, http: str, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        write_conf(folder, http.replace("__PORT__", str(self.port)))
        self.log = folder / "nginx.out"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(_args(folder), stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"nginx did not start:\n{self.messages()}") from None
                time.sleep(0.05)

    def messages(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        error_log = self.folder / "error.log"
        return text + (error_log.read_text(errors="replace") if error_log.exists() else "")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def static_server(export: Path, port: str = "__PORT__") -> str:
    """The http block body serving a static export: a server that includes its snippet."""
    return f"""    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        include {export}/nginx-site.conf;
    }}
"""


def fetch(url: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    """One request on a new connection: (status, lower-cased headers, body)."""
    request = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()

"""nginx on 127.0.0.1 from a config generated in a temporary prefix.

Two servers, both with the same main and http settings (worker_processes,
keep-alive, sendfile, no access log), only their `server` differs:

- static: the export's own snippet (`OUTDIR/nginx-site.conf`) inside a server block;
- proxy: examples/deploy/nginx.conf, the deployment's proxy_cache config, with its
  listen address, upstream, cache and log paths pointed into the temporary prefix
  (see `adapt_deploy_conf`).

    nginx -p PREFIX -c PREFIX/nginx.conf -g 'daemon off; pid …; error_log …;'
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.data import REPO
from bench.server import Server, stop, wait_ready

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY_CONF = REPO / "examples" / "deploy" / "nginx.conf"
WORKER = "worker process"  # in the workers' command line, not the cache manager's


def missing(conf: Path = DEPLOY_CONF) -> str | None:
    if not Path(NGINX).is_file():
        return f"missing {NGINX} (apt-get install nginx)"
    if not conf.is_file():
        return f"missing {conf.relative_to(REPO) if conf.is_relative_to(REPO) else conf}"
    return None


def main_conf(prefix: Path, http_body: str, workers: int) -> str:
    """A whole nginx.conf around `http_body`; every path inside `prefix`."""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes {workers};
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
{temp}
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 5;
{http_body}
}}
"""


def static_server(port: int, outdir: Path) -> str:
    return f"""    server {{
        listen 127.0.0.1:{port};
        include {outdir / "nginx-site.conf"};
    }}"""


def readable(path: Path, up_to: Path) -> None:
    """Workers run as nobody when the bench runs as root: let them reach `path`."""
    if os.geteuid() != 0:
        return
    for part in [path, *path.parents]:
        part.chmod(part.stat().st_mode | 0o755)
        if part == up_to:
            break


@contextmanager
def nginx(name: str, prefix: Path, conf: str, port: int, probe: str,
          timeout: float = 20) -> Iterator[Server]:
    """Run nginx with `conf` until the block ends; checked with `nginx -t` first."""
    prefix.mkdir(parents=True, exist_ok=True)
    conf_file = prefix / "nginx.conf"
    conf_file.write_text(conf)
    settings = (f"daemon off; master_process on; pid {prefix / 'nginx.pid'}; "
                f"error_log {prefix / 'error.log'} warn;")
    args = [NGINX, "-p", f"{prefix}/", "-c", str(conf_file), "-g", settings]
    test = subprocess.run([*args, "-t", "-q"], capture_output=True, text=True, timeout=30)
    if test.returncode != 0:
        raise RuntimeError(f"{name}: nginx -t failed:\n{test.stderr.strip()}\n--- {conf_file}")
    log = prefix / "error.log"
    with (prefix / "stdout.log").open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(name, port, proc, log, only=WORKER)
    try:
        wait_ready(server, probe, 1, timeout)
        yield server
    finally:
        stop(server)


# --- the deployment's proxy_cache config ---------------------------------------------------


class ConfError(Exception):
    """examples/deploy/nginx.conf is not in a shape the bench can point at 127.0.0.1."""


def part(text: str, name: str) -> str:
    """The lines between `# BEGIN name` and `# END name` of the deployment config."""
    begin, end = f"# BEGIN {name}", f"# END {name}"
    if begin not in text or end not in text:
        raise ConfError(f"examples/deploy/nginx.conf has no '{begin}' … '{end}' part")
    start = text.index(begin)
    return text[text.index("\n", start) + 1:text.index(end)]


def adapt_deploy_conf(text: str, *, port: int, upstream_port: int, prefix: Path) -> str:
    """The deployment config's cache (http level) and proxy (server level) parts, as
    written there with only the placeholders filled in, behind a plain-HTTP listener on
    127.0.0.1 (as tests/test_cache_in_front.py runs them). TLS and the redirect server
    are left out: loopback traffic is plain HTTP."""
    filled = [part(text, name).replace("__ORIGIN__", f"127.0.0.1:{upstream_port}")
              .replace("__CACHE_DIR__", str(prefix / "cache"))
              .replace("__SERVER_NAME__", "127.0.0.1")
              for name in ("cache", "proxy")]
    left = sorted(set(_PLACEHOLDER.findall("".join(_COMMENT.sub("", p) for p in filled))))
    if left:
        raise ConfError(f"examples/deploy/nginx.conf: placeholders the bench does not fill: "
                        f"{', '.join(left)}")
    return (filled[0] + f"    server {{\n        listen 127.0.0.1:{port};\n"
            "        server_name 127.0.0.1;\n        server_tokens off;\n"
            + filled[1] + "    }")


_COMMENT = re.compile(r"#[^\n]*")
_PLACEHOLDER = re.compile(r"__[A-Z_]+__")

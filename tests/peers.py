"""A real WordPress on loopback (../shared/wordpress), started once per test session.

`.ci/run` starts it and exports WP_TEST_URL; on a developer's machine (as root) the
fixture starts it itself. The session stops it at the end (its state is kept for
the next run), so no test leaves servers behind.
"""

from __future__ import annotations

import base64
import os
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.servers import IN_CI, need

SCRIPTS = Path(__file__).resolve().parents[2] / "shared" / "wordpress"
STATE = Path(os.environ.get("WP_TEST_STATE", "/var/lib/wp-test"))


@dataclass(frozen=True)
class WordPress:
    url: str
    password: str  # an application password of the administrator, for REST writes

    def rest(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        token = base64.b64encode(f"admin:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}/wp-json/wp/v2/{path}", method=method,
            data=orjson.dumps(body) if body is not None else None,
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return orjson.loads(reply.read())


def _alive(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/wp-json/", timeout=5) as reply:
            return reply.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPress]:
    url = os.environ.get("WP_TEST_URL", "")
    started = False
    if not url or not _alive(url):
        need(os.geteuid() == 0 and (SCRIPTS / "up.sh").exists(),
             "a real WordPress needs ../shared/wordpress and root (or WP_TEST_URL)")
        done = subprocess.run(["bash", str(SCRIPTS / "up.sh")], capture_output=True,
                              text=True, timeout=600)
        need(done.returncode == 0, f"../shared/wordpress/up.sh failed: {done.stderr[-500:]}")
        url = (STATE / "url").read_text().strip()
        started = True
    need(_alive(url), f"WordPress at {url} does not answer")
    try:
        yield WordPress(url.rstrip("/"), (STATE / "app-password").read_text().strip())
    finally:
        if started or IN_CI:
            subprocess.run(["bash", str(SCRIPTS / "down.sh")], capture_output=True, timeout=120)

"""Real processes for tests: gunicorn serving a config, on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI") == "true"


def need(condition: bool, why: str) -> None:
    """Skip a test whose tool is missing on a developer's machine; in CI, fail instead."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI=true and {why}", pytrace=False)
        pytest.skip(why)


def cli(config: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`solidarity-widget --config CONFIG ARGS…` as an operator runs it."""
    return subprocess.run([sys.executable, "-m", "widget", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def eventually(condition: Callable[[], object], seconds: float = 20.0,
               step: float = 0.1) -> float:
    """Poll `condition` (an observable result of a real server: workers boot, reload and
    expire on their own time) until it holds; the seconds it took. Fails after `seconds`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(step)
    return time.monotonic() - started


def wait_for(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class Gunicorn:
    """`solidarity-widget serve` for real: gunicorn with the package's own config."""

    def __init__(self, config: Path, *, workers: int = 2, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = config.parent / f"gunicorn-{self.port}.log"
        environ = {**os.environ, "WIDGET_BASE_URL": self.url, **(env or {})}
        command = [sys.executable, "-m", "widget", "--config", str(config), "serve",
                   "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=environ, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(self.url + "/healthz")
        except Exception:
            self.stop()
            raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()}") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

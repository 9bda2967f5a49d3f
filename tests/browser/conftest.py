"""Browser tests: real gunicorn serving the demo, host pages from another origin, and
headless Chromium driven by Playwright."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, copy_demo
from tests.servers import Gunicorn, need

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"]
HOSTS = ROOT / "examples" / "hosts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PLACEHOLDER = "http://127.0.0.1:8000"


def confirmed_today(folder: Path) -> None:
    """Zehra Kurtay's fixture strike confirmed today, so that the real service, at the
    real time, shows a count that moves on (a strike no one has confirmed for weeks
    shows only its last confirmed day)."""
    import datetime as dt

    strikes = folder / "strikes.toml"
    today = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)  # yesterday anywhere
    strikes.write_text(strikes.read_text().replace(
        "last_confirmed = 2025-07-13", f"last_confirmed = {today.isoformat()}", 1))


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    folder = tmp_path_factory.mktemp("service") / "demo"
    copy_demo(folder)
    confirmed_today(folder)
    config = folder / "widget.toml"
    subprocess.run([sys.executable, "-m", "widget", "--config", str(config), "sync"],
                   check=True, capture_output=True)
    server = Gunicorn(config)
    yield server
    server.stop()


class HostServer:
    """Serves examples/hosts (and pages a test adds) from its own origin, with the
    service's real address in place of the one the files name."""

    def __init__(self, service_url: str):
        self.extra: dict[str, tuple[str, bytes]] = {}
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                path = urlsplit(self.path).path
                if path == "/favicon.ico":
                    self.send_response(204)
                    self.end_headers()
                    return
                if path in host.extra:
                    content_type, body = host.extra[path]
                else:
                    file = HOSTS / path.lstrip("/")
                    if not file.is_file() or HOSTS not in file.resolve().parents:
                        self.send_error(404)
                        return
                    body = file.read_bytes().replace(PLACEHOLDER.encode(), service_url.encode())
                    content_type = {".html": "text/html; charset=utf-8",
                                    ".css": "text/css", ".js": "text/javascript"}[file.suffix]
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, html: str) -> str:
        self.extra[path] = ("text/html; charset=utf-8", html.encode())
        return self.url + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def hosts(service: Gunicorn) -> Iterator[HostServer]:
    server = HostServer(service.url)
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    need(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        need(False, "playwright is not installed")
        raise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """Everything a page did that a test may want to hold against it."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign(self, *allowed: str) -> list[str]:
        origins = {urlsplit(a).netloc for a in allowed}
        return [r for r in self.requests
                if urlsplit(r).scheme in ("http", "https") and urlsplit(r).netloc not in origins]


@pytest.fixture
def watch() -> Watch:
    return Watch()


def open_context(browser, watch: Watch, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(**options)
    context.on("request", lambda request: watch.requests.append(request.url))

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error":
            watch.errors.append(f"console: {message.text}")

    def on_page(page) -> None:  # type: ignore[no-untyped-def]
        page.on("console", on_console)
        page.on("pageerror", lambda exc: watch.errors.append(f"pageerror: {exc}"))

    context.on("page", on_page)
    return context


@pytest.fixture
def context(browser, watch: Watch) -> Iterator[object]:  # type: ignore[no-untyped-def]
    ctx = open_context(browser, watch, viewport={"width": 1200, "height": 2400})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):  # type: ignore[no-untyped-def]
    return context.new_page()


def need_axe() -> Path:
    need(AXE.exists(), f"{AXE} is missing (npm ci)")
    return AXE


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, injected by the accessibility checks."""
    return need_axe().read_text(encoding="utf-8")

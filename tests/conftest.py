"""Shared fixtures: a config in tmp_path, a fixed clock, an upstream HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

import falcon.testing
import pytest

from widget.config import Config, SourceConfig, load_config
from widget.http.app import create_app
from widget.store import Store
from widget.sync import sync_all

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"


class Clock:
    """A settable clock, handed to the app instead of patching datetime."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC))


@dataclass
class Reply:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class Upstream:
    """A real HTTP server on 127.0.0.1 serving canned WordPress/RSS/Atom bodies."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Callable[[dict[str, str]], Reply]] = {}
        self.hits: list[str] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                upstream.hits.append(self.path)
                path, _, query = self.path.partition("?")
                reply = upstream.routes.get(self.path) or upstream.routes.get(path)
                if callable(reply):
                    reply = reply(dict(parse_qsl(query)))
                if reply is None:
                    reply = Reply(b"not found", 404)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def set(self, path: str, body: bytes | str, status: int = 200, **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        named = {k.replace("_", "-"): v for k, v in headers.items()}
        self.routes[path] = Reply(data, status, named)

    def handle(self, path: str, handler: Callable[[dict[str, str]], Reply]) -> None:
        """Answer `path` from a function of its query parameters."""
        self.routes[path] = handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.close()


FIXTURE_STRIKES = ROOT / "tests" / "fixtures" / "strikes.toml"


def copy_demo(target: Path) -> Path:
    """The demo's config and posts, with the tests' own strikes file (fixed dates the
    assertions name; the demo's truthful one is checked by tests/test_demo.py)."""
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("var"))
    shutil.copyfile(FIXTURE_STRIKES, target / "strikes.toml")
    return target


# Zehra Kurtay's strike with a way to act and Turkish words: for the tests of the strike's
# words, its page and its widgets' actions (tests/test_strike_words.py, test_strike_page.py).
ZEHRA_WORDS = """
[[strike.zehra-kurtay.actions]]
kind = "petition"
label = "Sign the petition"
url = "https://petition.example/zehra"

[strike.zehra-kurtay.tr]
place = "Porte de Strasbourg'daki direniş çadırı"
demands = ["Siyasi mülteci olarak oturma hakkı"]
actions = ["Dilekçeyi imzalayın"]
"""


def copy_demo_with_words(target: Path) -> Path:
    """copy_demo, with ZEHRA_WORDS in the strikes file."""
    folder = copy_demo(target)
    strikes = folder / "strikes.toml"
    text = strikes.read_text()
    at = text.index("[strike.ali-hasan-akgul]")
    strikes.write_text(text[:at] + ZEHRA_WORDS.lstrip() + "\n" + text[at:])
    return folder


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """A copy of the demo content, so tests can edit it freely."""
    return copy_demo(tmp_path / "demo")


@pytest.fixture
def demo_config(demo_dir: Path) -> Config:
    return load_config(demo_dir / "widget.toml", environ={})


MakeConfig = Callable[..., Config]


@pytest.fixture
def make_config(tmp_path: Path) -> MakeConfig:
    def make(sources: list[SourceConfig] | None = None, strikes: str = "", **settings: object
             ) -> Config:
        strikes_file = tmp_path / "strikes.toml"
        strikes_file.write_text(strikes, encoding="utf-8")
        return Config(database=tmp_path / "store.sqlite3", strikes_file=strikes_file,
                      sources=tuple(sources or ()), root=tmp_path).with_(**settings)
    return make


@pytest.fixture
def demo_store(demo_config: Config) -> Iterator[Store]:
    with Store(demo_config.database) as store:
        results = sync_all(demo_config, store)
        assert all(r.ok for r in results), results
        yield store


@pytest.fixture
def client(demo_config: Config, demo_store: Store, clock: Clock) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(demo_config, store=demo_store, clock=clock))


def assert_problem(result: falcon.testing.Result, status: int, param: str | None = None) -> dict:
    """The one error shape: RFC 9457 problem details, naming the bad parameter."""
    assert result.status_code == status, result.text
    assert result.headers["content-type"] == "application/problem+json"
    body = result.json
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    if param is not None:
        assert body["invalid-params"][0]["name"] == param
        assert param in body["detail"]
    return body

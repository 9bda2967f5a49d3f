"""Slow clients cannot take the default `serve` down (real gunicorn on 127.0.0.1).

256 connections send the head of a request one byte a second (slowloris) and reconnect
whenever the server drops them; meanwhile a normal GET /healthz on a new connection
must be answered within a couple of seconds, every second. With the sync workers of
before, three such connections stopped every worker until the 30 s worker timeout.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Gunicorn

pytestmark = pytest.mark.server

SLOW_CLIENTS = 256
SECONDS = 8  # of trickling, with one probe a second; the head deadline (keepalive) is 5 s
ANSWER_WITHIN = 2.0
HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"x" * 200


@pytest.fixture
def served(demo_dir: Path) -> Iterator[Gunicorn]:
    config = demo_dir / "widget.toml"
    synced = subprocess.run([sys.executable, "-m", "widget", "--config", str(config), "sync"],
                            capture_output=True, text=True, timeout=60)
    assert "Traceback" not in synced.stderr, synced.stderr
    # The default worker class and settings: only the number of workers is the helper's.
    server = Gunicorn(config)
    yield server
    server.stop()


class Slowloris:
    """SLOW_CLIENTS connections, each sending one more byte of HEAD per tick()."""

    def __init__(self, port: int):
        self.port = port
        self.socks: dict[socket.socket, int] = {}  # socket -> bytes of HEAD sent
        self.dropped = 0  # connections the server closed

    def _open(self) -> None:
        s = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        s.sendall(HEAD[:1])
        s.setblocking(False)
        self.socks[s] = 1

    def open(self) -> None:
        for _ in range(SLOW_CLIENTS):
            self._open()
            time.sleep(0.004)  # spread over the workers, as connections over time are

    @staticmethod
    def _closed(s: socket.socket) -> bool:
        try:
            s.recv(1024)  # b"" when closed; an answer to a head never finished: an error
        except BlockingIOError:
            return False  # nothing from the server: still waiting for the rest of the head
        except OSError:
            pass
        return True

    def tick(self) -> None:
        for s, sent in list(self.socks.items()):
            if not self._closed(s):
                try:
                    s.send(HEAD[sent:sent + 1])
                    self.socks[s] = sent + 1
                    continue
                except BlockingIOError:
                    continue
                except OSError:
                    pass
            self.dropped += 1  # the server closed it: reconnect, as an attacker would
            s.close()
            del self.socks[s]
            self._open()

    def close(self) -> None:
        for s in self.socks:
            s.close()
        self.socks.clear()


def probe(port: int) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=ANSWER_WITHIN)
    try:
        conn.request("GET", "/healthz")
        reply = conn.getresponse()
        reply.read()
        return reply.status, time.monotonic() - started
    finally:
        conn.close()


def test_256_slow_clients_leave_others_answered(served: Gunicorn) -> None:
    slow = Slowloris(served.port)
    answers: list[tuple[int, float]] = []
    try:
        slow.open()
        assert len(slow.socks) == SLOW_CLIENTS
        for _ in range(SECONDS):
            tick = time.monotonic()
            slow.tick()
            try:
                answers.append(probe(served.port))
            except OSError as exc:  # a timeout included
                pytest.fail(f"/healthz not answered within {ANSWER_WITHIN} s while "
                            f"{len(slow.socks)} slow clients were connected "
                            f"(answered before: {len(answers)}): {exc!r}")
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        connected = len(slow.socks)
    finally:
        slow.close()
    assert connected == SLOW_CLIENTS
    assert all(status in (200, 503) for status, _ in answers), answers
    assert max(seconds for _, seconds in answers) < ANSWER_WITHIN
    # A head that has not arrived after `keepalive` seconds (5) is dropped: the slow
    # connections do not pile up for ever.
    assert slow.dropped >= SLOW_CLIENTS // 2, slow.dropped
    assert probe(served.port)[0] in (200, 503)

"""No client address in gunicorn's logs (README: the service keeps no per-visitor records).

gunicorn writes "Invalid request from ip=127.0.0.1: …" into its error log for every
malformed request; widget.gunicorn_log.Logger (widget.gunicorn_conf's logger_class)
scrubs every line. The server's own listening address ("Listening at:
http://127.0.0.1:PORT") is not a client's and stays.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import Gunicorn
from widget.gunicorn_log import HIDDEN, ScrubbingFormatter, own_addresses, scrub

KEEP = own_addresses(["127.0.0.1:8000", "[::1]:8001"])


@pytest.mark.parametrize(("line", "expected"), [
    ("Invalid request from ip=127.0.0.1: Invalid HTTP request line: 'x'",
     f"Invalid request from ip={HIDDEN}: Invalid HTTP request line: 'x'"),
    ("Invalid request from ip=::1: Invalid header name", f"Invalid request from ip={HIDDEN}: "
     "Invalid header name"),
    ("Invalid request from ip=2001:db8::5: x", f"Invalid request from ip={HIDDEN}: x"),
    ("Invalid request from ip=::ffff:203.0.113.9: x", f"Invalid request from ip={HIDDEN}: x"),
    ("Error from ('203.0.113.9', 51234): reset", f"Error from {HIDDEN}: reset"),
    ("Error from ('2001:db8::1', 51234, 0, 0)", f"Error from {HIDDEN}"),
    ("peer 198.51.100.7:40000 then [2001:db8::2]:443 then fe80::1%eth0 then 10.0.0.1",
     f"peer {HIDDEN} then {HIDDEN} then {HIDDEN} then {HIDDEN}"),
    # The server's own listening addresses, exactly as bound, stay.
    ("Listening at: http://127.0.0.1:8000 (4242)", "Listening at: http://127.0.0.1:8000 (4242)"),
    ("Listening at: http://[::1]:8001 (4242)", "Listening at: http://[::1]:8001 (4242)"),
    # ... but the same host with a client's port does not.
    ("from 127.0.0.1:51234", f"from {HIDDEN}"),
    # Times, versions, pids and plain numbers are not addresses.
    ("[2026-12-01 20:57:45 +0000] [8797] [INFO] Starting gunicorn 27.0.1",
     "[2026-12-01 20:57:45 +0000] [8797] [INFO] Starting gunicorn 27.0.1"),
    ("took 12:34:56, ratio 1.2.3, 999.1.1.1", "took 12:34:56, ratio 1.2.3, 999.1.1.1"),
])
def test_scrub(line: str, expected: str) -> None:
    assert scrub(line, KEEP) == expected


def test_tracebacks_are_scrubbed_too() -> None:
    try:
        raise ConnectionError("reset by ('192.0.2.44', 61000)")
    except ConnectionError:
        record = logging.LogRecord("gunicorn.error", logging.ERROR, __file__, 1,
                                   "Error handling request from ip=%s", ("192.0.2.44",),
                                   sys.exc_info())
    text = ScrubbingFormatter(logging.Formatter(), KEEP).format(record)
    assert "192.0.2.44" not in text and "61000" not in text
    assert "Traceback" in text and text.endswith(f"ConnectionError: reset by {HIDDEN}")


# Raw requests gunicorn refuses before the app sees them, each logged as invalid.
MALFORMED = {
    "garbage request line": b"\x16\x03\x01garbage\r\n\r\n",
    "bad method": b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad version": b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    "header without colon": b"GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
    "bad header name": b"GET / HTTP/1.1\r\nHost: x\r\nBad\x01Name: v\r\n\r\n",
    "too-long request line": b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "too-long header": b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n",
}


def send_raw(port: int, data: bytes) -> tuple[int, bytes]:
    """Send `data`, read the answer; return the client's own port and the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        client_port = s.getsockname()[1]
        s.sendall(data)
        # gunicorn may answer and close before we are done (a too-long line): then the
        # socket is no longer connected, and its answer is still there to read.
        with contextlib.suppress(OSError):
            s.shutdown(socket.SHUT_WR)
        answer = b""
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # closed with part of a too-long request unread: the answer may be lost
    return client_port, answer


@pytest.mark.server
def test_no_client_address_in_gunicorns_logs(demo_dir: Path) -> None:
    config = demo_dir / "widget.toml"
    subprocess.run([sys.executable, "-m", "widget", "--config", str(config), "sync"],
                   capture_output=True, timeout=60)
    # The access log on too, with a format that asks for the client's address.
    server = Gunicorn(config, env={
        "WIDGET_ACCESS_LOG": "-", "WIDGET_LOG_LEVEL": "debug",
        "GUNICORN_CMD_ARGS": "--access-logformat '%(h)s %({remote_addr}e)s "
                             "%({x-forwarded-for}i)s \"%(r)s\" %(s)s'"})
    client_ports = []
    try:
        for name, data in MALFORMED.items():
            client_port, answer = send_raw(server.port, data)
            assert answer.startswith(b"HTTP/1.1 4") or not answer, (name, answer[:80])
            client_ports.append(client_port)
        client_port, answer = send_raw(
            server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 192.0.2.9\r\n"
                         b"Connection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200") or answer.startswith(b"HTTP/1.1 503")
        client_ports.append(client_port)
    finally:
        server.stop()  # the workers flush their logs as they exit
    log = server.log.read_text(errors="replace")

    # The requests were logged (else this test would prove nothing) ...
    assert log.count("Invalid request from") >= len(MALFORMED), log
    assert '"GET /healthz HTTP/1.1" ' in log, log
    # ... without the client's address in any form.
    assert not re.search(r"ip=(?!\[address\])", log), log
    assert "('127.0.0.1'" not in log and "192.0.2.9" not in log, log
    # 127.0.0.1 appears only as the server's own listening address, with its port.
    assert re.findall(r"127\.0\.0\.1(?::\d+)?", log) == [f"127.0.0.1:{server.port}"] * len(
        re.findall(r"127\.0\.0\.1", log)), log
    assert "Listening at: http://127.0.0.1:" in log
    for port in client_ports:
        assert not re.search(rf"[:,] ?{port}\b", log), (port, log)


def test_what_gevent_prints_is_scrubbed() -> None:
    """gevent's hub prints a failed greenlet with its arguments: the peer's address."""
    import io

    from widget.gunicorn_log import ScrubbingStream

    out = io.StringIO()
    stream = ScrubbingStream(out, KEEP)
    stream.write("<Greenlet: handle(<socket raddr=('198.51.100.3', 40001)>, "
                 "('198.51.100.3', 40001))> failed with OSError\n")
    stream.flush()
    assert "198.51.100.3" not in out.getvalue() and "40001" not in out.getvalue()

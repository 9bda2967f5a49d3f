"""Upstreams that misbehave on purpose: a real threaded TCP server on 127.0.0.1.

Each route is a Fault: a function that gets the connected socket after the
request head has been read, and writes whatever it likes (or nothing, slowly,
or half a chunk). `internal()` is the server that must never be reached: every
request it gets is recorded, and tests assert there were none.

`FaultServer.answer` routes a path to a function of the request's headers instead
(conditional GET, Accept-Encoding); `requests` keeps every request's headers.
"""

from __future__ import annotations

import functools
import gzip
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

Fault = Callable[[socket.socket], None]
# Chooses the answer from the request's headers (names in lower case).
Responder = Callable[[dict[str, str]], Fault]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # enough for the sniffer to call it an image


def head(status: int = 200, headers: dict[str, str] | None = None, *,
         length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines + ["Connection: close", "", ""])).encode()


def body(data: bytes | str, status: int = 200, **headers: str) -> Fault:
    """An ordinary answer; header names with "_" for "-"."""
    raw = data.encode() if isinstance(data, str) else data
    named = {k.replace("_", "-"): v for k, v in headers.items()}
    return lambda sock: sock.sendall(head(status, named, length=len(raw)) + raw)


def redirect(location: str, status: int = 302) -> Fault:
    return lambda sock: sock.sendall(head(status, {"Location": location}, length=0))


def drip(data: bytes, interval: float = 0.2, *, headers_too: bool = False) -> Fault:
    """One byte every `interval` seconds: each read is quick, the whole answer is not."""
    def fault(sock: socket.socket) -> None:
        start = head(200, {"Content-Type": "application/rss+xml"}, length=len(data))
        if not headers_too:
            sock.sendall(start)
        for byte in (start + data if headers_too else data):
            sock.sendall(bytes([byte]))
            time.sleep(interval)
    return fault


def cut_chunked(data: bytes) -> Fault:
    """A chunked body that announces more than it sends, then closes (IncompleteRead)."""
    def fault(sock: socket.socket) -> None:
        half = data[: len(data) // 2]
        sock.sendall(head(200, {"Transfer-Encoding": "chunked",
                                "Content-Type": "application/rss+xml"})
                     + f"{len(data):x}\r\n".encode() + half)
    return fault


def short_body(data: bytes) -> Fault:
    """Content-Length says more than is sent; then the connection closes normally."""
    return lambda sock: sock.sendall(head(200, length=len(data) * 2) + data)


def reset(data: bytes) -> Fault:
    """Half the body, then a TCP reset (SO_LINGER 0), the way a crashed proxy ends."""
    def fault(sock: socket.socket) -> None:
        sock.sendall(head(200, {"Content-Type": "application/rss+xml"}, length=len(data))
                     + data[: len(data) // 2])
        time.sleep(0.1)  # let the client read the first half before the reset
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    return fault


def gzipped(data: bytes, status: int = 200, **headers: str) -> Fault:
    """`data` gzipped, said so in Content-Encoding; header names with "_" for "-"."""
    return body(gzip.compress(data), status, Content_Encoding="gzip", **headers)


@functools.cache
def gzip_bomb(size: int = 100_000_000) -> bytes:
    """`size` zero bytes gzipped (100 MB make about 100 KB), compressed a piece at a time."""
    pack = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    piece = bytes(1_000_000)
    parts = [pack.compress(piece) for _ in range(size // len(piece))]
    return b"".join([*parts, pack.compress(bytes(size % len(piece))), pack.flush()])


def garbage(data: bytes) -> Fault:
    """Not HTTP at all."""
    return lambda sock: sock.sendall(data)


class FaultServer:
    def __init__(self, default: Fault | None = None) -> None:
        self.routes: dict[str, Fault] = {}
        self.responders: dict[str, Responder] = {}
        self.hits: list[str] = []
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, headers)
        self.default = default or body(b"not found", 404)
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(10)
                request = b""
                with suppress(OSError):
                    while b"\r\n\r\n" not in request and len(request) < 65_536:
                        chunk = sock.recv(4096)
                        if not chunk:
                            return
                        request += chunk
                parts = request.split(b"\r\n", 1)[0].split(b" ")
                path = parts[1].decode("latin-1") if len(parts) > 1 else ""
                server.hits.append(path)
                headers = {}
                for line in request.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                server.requests.append((path, headers))
                fault = server.routes.get(path) or server.routes.get(path.split("?")[0])
                responder = (server.responders.get(path)
                             or server.responders.get(path.split("?")[0]))
                if responder is not None:
                    fault = responder(headers)
                with suppress(OSError):  # the client may give up first: that is the point
                    (fault or server.default)(sock)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            block_on_close = False
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # A short poll interval: shutdown() waits for it, once per test.
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()

    def route(self, path: str, fault: Fault) -> str:
        """Serve `fault` at `path`; returns the full URL."""
        self.routes[path] = fault
        return self.url + path

    def answer(self, path: str, responder: Responder) -> str:
        """Serve at `path` what `responder` picks from the request's headers; the URL."""
        self.responders[path] = responder
        return self.url + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def fault_server(default: Fault | None = None) -> Iterator[FaultServer]:
    server = FaultServer(default)
    try:
        yield server
    finally:
        server.close()


def internal() -> FaultServer:
    """An "internal admin service": answers everything with an image and a secret."""
    return FaultServer(body(PNG + b"INTERNAL-SECRET", Content_Type="image/png"))

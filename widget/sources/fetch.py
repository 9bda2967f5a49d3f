"""Guarded fetching: public addresses only, every redirect re-checked, one deadline, a size limit.

Upstream content names URLs (images, redirects) and this module is the only
place they turn into connections. The rules:

- Only http(s) is fetched. ``file:`` is read only when it is the URL of the
  configured source itself, never because content or a redirect says so.
- Each host name is resolved once, the addresses are checked, and the
  connection goes to a checked address (so a name cannot resolve to a public
  address for the check and to 127.0.0.1 for the connection).
- Non-public addresses (loopback, private, link-local, ...) are refused,
  except on the configured source's own origin: its host and port as the
  config writes them (or either default port when the config gives none).
  Host *and* port, because an operator who configures http://10.0.0.5:8080
  trusts that one service, not every port of that machine; in the tests the
  "internal" server is 127.0.0.1 on another port and must stay unreachable.
- Redirects are followed here (at most five), each hop checked like the first.
- ``timeout`` is the deadline of the whole fetch, connect, redirects and every
  read included: an upstream that drips one byte a second is cut off at it.
- Bodies may come gzipped (we ask for it); they are decompressed as they arrive and
  ``max_bytes`` bounds the decompressed size, so a gzip bomb is cut off at the limit.
  Any other Content-Encoding is refused.
- Conditional GET: the ETag and Last-Modified a source's own URL answered with
  (`Validators`, checked: upstream's bytes) go back as If-None-Match and
  If-Modified-Since; a 304 then comes back as a Response of status 304, no body.

Long on purpose: the whole upstream trust boundary (addresses, redirects, deadline,
sizes, content encodings) stays in one file, to be read and reviewed as one.
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import ipaddress
import os
import socket
import ssl
import stat
import time
import zlib
from dataclasses import dataclass, field, replace
from email.message import Message
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from widget import __version__
from widget.config import SourceConfig
from widget.model import Post
from widget.values import whole_number

USER_AGENT = f"SolidarityWidget/{__version__} (+sync)"
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 65_536
_DEFAULT_PORTS = {"http": 80, "https": 443}


class SourceError(Exception):
    """A source could not be read; the message says why, in words an editor understands."""


# Validators are echoed back to upstream: short, printable ASCII, or ignored.
MAX_VALIDATOR = 200
_NOT_MODIFIED = 304


def clean_validator(value: object) -> str | None:
    """An ETag or Last-Modified value fit to send back, or None (missing, long, odd bytes)."""
    if not isinstance(value, str):
        return None
    value = value.strip(" \t")
    if not value or len(value) > MAX_VALIDATOR or not all(" " <= c <= "~" for c in value):
        return None
    return value


@dataclass(frozen=True, slots=True)
class Validators:
    """What upstream said identifies the version it sent (ETag, Last-Modified)."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def of(cls, headers: Message) -> Validators:
        return cls(clean_validator(headers.get("ETag")),
                   clean_validator(headers.get("Last-Modified")))

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class HTTPStatusError(SourceError):
    """The upstream answered, with an error status (kept so a reader can weigh a 404)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class SourceRead:
    """What one read of a source gave: the posts, and the entries refused on the way.

    Each problem names the entry and why it was dropped (or what was ignored);
    the source itself is fine. A source that cannot be read at all raises
    SourceError instead.
    """

    posts: list[Post]
    problems: list[str] = field(default_factory=list)
    # The ids of every post still public upstream among those published after
    # `covers_after` (all of them when it is None): the stored posts of the source
    # in that range that are not listed were taken down. None when the read cannot
    # tell (a listing that failed or stopped short): then nothing is taken down.
    listed: frozenset[str] | None = None
    covers_after: dt.datetime | None = None
    # What the source says of itself (WordPress: "timezone"); None: it could not be
    # read this time, and what was stored stays.
    extra: dict[str, str] | None = None
    # Upstream answered 304 to a conditional GET: nothing changed since the read that
    # gave `Fetcher.validators`; the stored posts stay exactly as they are.
    unchanged: bool = False
    # What to send next time for the source's URL (empty: read it whole next time).
    validators: Validators = Validators()


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int
    headers: Message
    body: bytes

    @property
    def not_modified(self) -> bool:
        """Upstream's 304 to a conditional request: what was stored is still current."""
        return self.status == _NOT_MODIFIED

    @property
    def validators(self) -> Validators:
        return Validators.of(self.headers) if self.status == 200 else Validators()


def _origins(url: str) -> frozenset[tuple[str, int]]:
    """The (host, port) pairs that count as a configured URL's own origin."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return frozenset()
    if not host or parts.scheme not in _DEFAULT_PORTS:
        return frozenset()
    if port is not None:
        return frozenset({(host, port)})
    # NOTE: http://intranet/ redirecting to https://intranet/ is the same site.
    return frozenset({(host, 80), (host, 443)})


# IPv6 prefixes that carry an IPv4 address in their last 32 bits (IPv4-compatible,
# SIIT, NAT64): 64:ff9b::7f00:1 reaches 127.0.0.1 through a NAT64 gateway.
_EMBEDDING = tuple(ipaddress.ip_network(n) for n in ("::/96", "::ffff:0:0:0/96",
                                                     "64:ff9b::/96"))
# Not global, though some Python versions' is_global says so.
_NOT_PUBLIC = tuple(ipaddress.ip_network(n) for n in (
    "64:ff9b:1::/48", "fec0::/10", "192.0.0.0/24", "100.64.0.0/10"))


def _public(address: str) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
        address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback, whatever its spelling
        elif ip.sixtofour is not None:
            ip = ip.sixtofour  # 2002:7f00:1:: is 6to4 for 127.0.0.1
        elif any(ip in net for net in _EMBEDDING):
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in net for net in _NOT_PUBLIC if net.version == ip.version):
        return False
    return ip.is_global and not ip.is_multicast


class _DeadlineReader(io.RawIOBase):
    """Socket reads that each get only the time left before the deadline.

    A socket timeout bounds one read; setting it to the time left before every
    read makes it bound the whole response, however slowly the bytes come.
    """

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock, self._deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class _DeadlineSocket:
    """What http.client needs of a socket, already connected to a checked address."""

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock, self._deadline = sock, deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(max(self._deadline - time.monotonic(), 0.001))
        self._sock.sendall(data)

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        # NOTE: http.client closes its connection as soon as it has the headers of a
        # "Connection: close" response, before the body is read (a real socket waits
        # for its makefile() readers); the socket is closed by Fetcher._http instead.
        pass


class _Cut(Exception):
    """The connection broke after the response began."""


@dataclass(frozen=True, slots=True)
class Fetcher:
    root: Path
    timeout: float
    max_bytes: int
    max_pages: int
    # Every configured source, so that copy_thumbnails can find a post's own origin.
    sources: tuple[SourceConfig, ...] = ()
    # The configured source this fetcher reads for: its origin may be non-public.
    source: SourceConfig | None = None
    # Sent with a request for the source's own URL (conditional GET), and only then.
    validators: Validators = Validators()

    def for_source(self, source: SourceConfig, validators: Validators | None = None
                   ) -> Fetcher:
        return replace(self, source=source, validators=validators or Validators())

    def for_post_source(self, name: str) -> Fetcher:
        """A fetcher for content of the configured source called `name` (public only if none)."""
        if self.source is not None and self.source.name == name:
            return self
        return replace(self, source=next((s for s in self.sources if s.name == name), None))

    def get(self, url: str, *, accept: str = "*/*") -> Response:
        if urlsplit(url).scheme.lower() == "file":
            if self.source is None or url != self.source.url:
                raise SourceError(f"{url}: refused: file: URLs are read only when the "
                                  "configuration names them as a source")
            return self._file(url)
        deadline = time.monotonic() + self.timeout
        own = _origins(self.source.url) if self.source is not None else frozenset()
        conditional = (self.validators.request_headers()
                       if self.source is not None and url == self.source.url else {})
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                reply = self._http(current, accept, deadline, own, conditional)
            except SourceError as exc:
                if current == url:
                    raise
                reason = str(exc).removeprefix(f"{current}: ")
                raise SourceError(f"{url} (redirected to {current}): {reason}") from None
            location = reply.headers.get("Location") if reply.status in _REDIRECTS else None
            if location is None:
                break
            current = urljoin(current, location.strip())
        else:
            raise SourceError(f"{url}: more than {MAX_REDIRECTS} redirects")
        if reply.not_modified and conditional:
            return reply
        if not 200 <= reply.status < 300:
            reason = http.client.responses.get(reply.status, "")
            where = url if current == url else f"{url} (redirected to {current})"
            raise HTTPStatusError(f"{where}: HTTP {reply.status} {reason}".rstrip(), reply.status)
        return reply

    def _target(self, url: str, own: frozenset[tuple[str, int]]
                ) -> tuple[http.client.HTTPConnection, str, list[str]]:
        """A connection (not yet open) for `url`, its request target, the addresses allowed."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise SourceError(f"{url}: refused: not a valid URL") from None
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        if scheme not in _DEFAULT_PORTS:
            raise SourceError(f"{url}: refused: only http(s) URLs are fetched, "
                              f"not {scheme + ':' if scheme else 'a relative URL'}")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = ""
        if not host:
            raise SourceError(f"{url}: refused: the URL has no valid host")
        port = port or _DEFAULT_PORTS[scheme]
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise SourceError(f"{url}: cannot connect: host {host!r} not found ({exc})") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        if (host, port) not in own:
            public = [a for a in addresses if _public(a)]
            if not public:
                shown = "" if addresses == [host] else f" ({', '.join(addresses)})"
                raise SourceError(f"{url}: refused: {host} is not a public address{shown} "
                                  "and not the source's own host")
            addresses = public
        conn = http.client.HTTPConnection(host, port)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        # Non-ASCII paths (an image named "grève.jpg") go out percent-encoded;
        # existing escapes and reserved characters stay as they are.
        target = quote(target, safe="/?:@!$&'()*+,;=%~-._[]")
        return conn, target, addresses

    def _connect(self, url: str, addresses: list[str], port: int, tls_host: str | None,
                 deadline: float) -> socket.socket:
        error: Exception | None = None
        for address in addresses:
            try:
                sock = socket.create_connection((address, port),
                                                timeout=max(deadline - time.monotonic(), 0.001))
            except OSError as exc:
                error = exc
                continue
            if tls_host is None:
                return sock
            try:
                # NOTE: CPython bounds the whole handshake by the socket timeout.
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                return ssl.create_default_context().wrap_socket(sock, server_hostname=tls_host)
            except (OSError, ssl.SSLError) as exc:
                sock.close()
                error = exc
        if isinstance(error, TimeoutError) or time.monotonic() >= deadline:
            raise SourceError(f"{url}: cannot connect within {self.timeout:g} seconds")
        raise SourceError(f"{url}: cannot connect: {error}")

    def _http(self, url: str, accept: str, deadline: float,
              own: frozenset[tuple[str, int]], conditional: dict[str, str]) -> Response:
        conn, target, addresses = self._target(url, own)
        parts = urlsplit(url)
        tls = parts.scheme.lower() == "https"
        sock = self._connect(url, addresses, conn.port, conn.host if tls else None, deadline)
        conn.sock = _DeadlineSocket(sock, deadline)  # type: ignore[assignment]
        default = _DEFAULT_PORTS["https" if tls else "http"]
        host = f"[{conn.host}]" if ":" in conn.host else conn.host
        headers = {"Host": host if conn.port == default else f"{host}:{conn.port}",
                   "User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip",
                   "Connection": "close", **conditional}
        try:
            try:
                conn.request("GET", target, headers=headers)
                reply = conn.getresponse()
            except (OSError, http.client.HTTPException, ValueError) as exc:
                if isinstance(exc, TimeoutError) or time.monotonic() >= deadline:
                    raise SourceError(f"{url}: no answer within {self.timeout:g} seconds") from None
                raise SourceError(f"{url}: the server did not answer with HTTP "
                                  f"({type(exc).__name__}: {exc})") from None
            if reply.status in _REDIRECTS or not 200 <= reply.status < 300:
                return Response(url, reply.status, reply.headers, b"")
            try:
                body = self._body(url, reply)
            except _Cut as exc:
                if time.monotonic() >= deadline:
                    raise SourceError(f"{url}: the whole answer did not arrive within "
                                      f"{self.timeout:g} seconds") from None
                raise SourceError(f"{url}: the connection was cut while reading the "
                                  f"response ({exc})") from None
            return Response(url, reply.status, reply.headers, body)
        finally:
            conn.close()
            sock.close()

    def _body(self, url: str, reply: http.client.HTTPResponse) -> bytes:
        declared = whole_number(reply.getheader("Content-Length", "").strip(), 0, 2**63,
                                digits=19)
        if declared is not None and declared > self.max_bytes:
            raise SourceError(f"{url}: response is larger than {self.max_bytes} bytes")
        encoding = (reply.getheader("Content-Encoding") or "").strip().lower()
        if encoding not in ("", "identity", "gzip", "x-gzip"):
            raise SourceError(f"{url}: refused: the response is encoded as "
                              f"{encoding[:40]!r}; only gzip is accepted")
        gunzip = _Gunzip(url, self.max_bytes) if encoding in ("gzip", "x-gzip") else None
        body = bytearray()
        received = 0
        try:
            while chunk := reply.read(min(_CHUNK, self.max_bytes + 1 - received)):
                received += len(chunk)
                body += gunzip.feed(chunk) if gunzip else chunk
                if len(body) > self.max_bytes or received > self.max_bytes:
                    raise SourceError(f"{url}: response is larger than {self.max_bytes} bytes")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise _Cut(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from exc
        if not reply.chunked and reply.length:  # fewer bytes than Content-Length said
            raise _Cut(f"{received} of {declared} bytes")
        if gunzip:
            gunzip.finish()
        return bytes(body)

    def _file(self, url: str) -> Response:
        parts = urlsplit(url)
        # "file:posts.xml" is relative to the config file; "file:///srv/x.xml" is absolute.
        raw = unquote(parts.path if parts.netloc == "" else "/" + parts.netloc + parts.path)
        path = Path(raw) if raw.startswith("/") else self.root / raw
        try:
            # NOTE: O_NONBLOCK so that a FIFO cannot hang the open; regular files ignore it.
            with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    raise SourceError(f"{path}: cannot be read: not a regular file")
                # Read with the limit, not after a size check: files change, devices lie.
                body = handle.read(self.max_bytes + 1)
        except OSError as exc:
            raise SourceError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
        if len(body) > self.max_bytes:
            raise SourceError(f"{path}: file is larger than {self.max_bytes} bytes")
        return Response(url, 200, Message(), body)


class _Gunzip:
    """Streaming gzip decompression that never holds more than `limit` decompressed bytes.

    Each compressed chunk is inflated at most up to what the limit still allows
    (`max_length`), so 64 KiB of a bomb costs no more memory than the limit."""

    def __init__(self, url: str, limit: int):
        self._url, self._limit, self._out = url, limit, 0
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        parts = []
        try:
            while data:
                if self._inflate.eof:
                    # Another gzip member may follow (RFC 1952); zeros after one are padding.
                    data = data.lstrip(b"\x00")
                    if not data:
                        break
                    self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                out = self._inflate.decompress(data, self._limit + 1 - self._out)
                self._out += len(out)
                parts.append(out)
                if self._out > self._limit:
                    raise SourceError(f"{self._url}: response is larger than {self._limit} "
                                      "bytes once decompressed (fetch_max_bytes)")
                data = (self._inflate.unused_data if self._inflate.eof
                        else self._inflate.unconsumed_tail)
        except zlib.error as exc:
            raise SourceError(f"{self._url}: the response says it is gzip but is not "
                              f"valid gzip ({exc})") from None
        return b"".join(parts)

    def finish(self) -> None:
        if not self._inflate.eof:
            raise SourceError(f"{self._url}: the response says it is gzip but the gzip "
                              "stream is incomplete")

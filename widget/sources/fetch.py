"""HTTP and file fetching with a timeout and a size limit."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import unquote, urlsplit

from widget import __version__

USER_AGENT = f"SolidarityWidget/{__version__} (+sync)"


class SourceError(Exception):
    """A source could not be read; the message says why, in words an editor understands."""


@dataclass(frozen=True, slots=True)
class Response:
    url: str
    status: int
    headers: Message
    body: bytes


@dataclass(frozen=True, slots=True)
class Fetcher:
    root: Path
    timeout: float
    max_bytes: int
    max_pages: int

    def get(self, url: str, *, accept: str = "*/*") -> Response:
        if urlsplit(url).scheme == "file":
            return self._file(url)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310
                body = reply.read(self.max_bytes + 1)
                status, headers, final = reply.status, reply.headers, reply.url
        except urllib.error.HTTPError as exc:
            raise SourceError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SourceError(f"{url}: cannot connect: {reason}") from exc
        if len(body) > self.max_bytes:
            raise SourceError(f"{url}: response is larger than {self.max_bytes} bytes")
        return Response(final, status, headers, body)

    def _file(self, url: str) -> Response:
        parts = urlsplit(url)
        # "file:posts.xml" is relative to the config file; "file:///srv/x.xml" is absolute.
        raw = unquote(parts.path if parts.netloc == "" else "/" + parts.netloc + parts.path)
        path = Path(raw) if raw.startswith("/") else self.root / raw
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise SourceError(f"{path}: file is larger than {self.max_bytes} bytes")
            body = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"{path}: cannot be read: {exc.strerror}") from exc
        return Response(url, 200, Message(), body)

"""Repeat requests answered in one look-up: the finished status, headers and body.

PERF: a busy widget's readers ask for the same few URLs over and over. Behind falcon a
cache hit still builds a Request and a Response, routes, parses parameters, looks the
rendering up and sets every caching header one by one. This WSGI layer in front keeps
what falcon sent for a GET whose answer the service marked reusable (HTTPCaching sets
REUSABLE_UNTIL: a rendering from the render cache or an asset, with a 200) and gives it
again for the same method, path, query string and choice of gzip while it is exactly
right: the same snapshot, the same state of the service's own files, and before the
instant its Cache-Control and Expires would change (the end of that second, or the
whole seconds left before a local midnight dropping). Anything else goes to falcon.

A conditional request that matches the kept ETag gets the 304 falcon would send: the
same headers without the body's own. One that finds nothing kept, and that falcon
answers with a 304 of a reusable answer, has the whole answer made once more and kept,
so revalidations alone (a cache in front) are answered here too.
The kept answers are bounded by count and bytes; past either bound all are dropped
(made-up query strings cannot grow memory).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from widget.fallback import Health
from widget.http.caching import REUSABLE_UNTIL, accepts_gzip, none_match
from widget.snapshot import SnapshotSource

StartResponse = Callable[..., Any]
_BODY_HEADERS = frozenset({"content-length", "content-type"})
MAX_KEPT = 4096
MAX_BYTES = 32 * 1024 * 1024


class _Kept:
    __slots__ = ("until", "headers", "not_modified", "body", "etag")

    def __init__(self, until: float, headers: list[tuple[str, str]], body: bytes):
        self.until = until
        self.headers = headers
        self.body = body
        self.etag = next((v for k, v in headers if k.lower() == "etag"), None)
        self.not_modified = [(k, v) for k, v in headers if k.lower() not in _BODY_HEADERS]


def _drained(chunks: Iterable[bytes]) -> list[bytes]:
    """Every chunk of a WSGI answer, the iterable closed as WSGI asks."""
    try:
        return list(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()


class Hits:
    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
                 snapshots: SnapshotSource, health: Health,
                 clock: Callable[[], dt.datetime]):
        self._app = app
        self._snapshots = snapshots
        self._health = health
        self._clock = clock
        self._kept: dict[tuple[str, str, bool], _Kept] = {}
        self._bytes = 0
        # What every kept answer was made from; when either moves, all are dropped
        # (and with them the bodies of the data served before).
        self._made_from: tuple[str, int] = ("", -1)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET":
            return self._app(environ, start_response)
        key = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
               accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")))
        made_from = (self._snapshots.current().version, self._health.changes)
        if made_from != self._made_from:
            self._kept, self._bytes, self._made_from = {}, 0, made_from
        kept = self._kept.get(key)
        if kept is not None and self._clock().timestamp() <= kept.until:
            return self._answer(kept, environ, start_response)
        if environ.get("HTTP_IF_NONE_MATCH"):
            return self._revalidated(environ, start_response, key, made_from)
        return self._through(environ, start_response, key, made_from)

    def _revalidated(self, environ: dict[str, Any], start_response: StartResponse,
                     key: tuple[str, str, bool], made_from: tuple[str, int]
                     ) -> Iterable[bytes]:
        """A revalidation that finds nothing kept (each worker keeps its own answers, and
        a cache in front revalidates more than it fetches). falcon answers it; when that
        is a 304 of a reusable answer, the whole answer is made once more, without the
        conditions (If-None-Match overrides If-Modified-Since, RFC 9110 13.1.3), kept,
        and the 304 comes from it: the next revalidation is a hit."""
        status, headers, body = self._call(environ)
        until = environ.get(REUSABLE_UNTIL)
        if until is not None and status.startswith("304 "):
            plain = {k: v for k, v in environ.items()
                     if k not in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")}
            kept = self._render(plain, key, made_from)
            if kept is not None:
                return self._answer(kept, environ, start_response)
        elif (until is not None and status.startswith("200 ") and len(body) == 1
              and isinstance(body[0], bytes) and self._current(made_from)):
            self._keep(key, _Kept(until, list(headers), body[0]))
        start_response(status, headers)
        return body

    def _call(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], list[bytes]]:
        """falcon's whole answer to `environ` (status, headers, chunks), not sent yet."""
        seen: list[Any] = ["500 Internal Server Error", []]

        def capture(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen[:] = [status, headers]
            return lambda data: None

        body = _drained(self._app(environ, capture))
        return seen[0], seen[1], body

    def _answer(self, kept: _Kept, environ: dict[str, Any], start_response: StartResponse
                ) -> Iterable[bytes]:
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match and kept.etag and none_match(match, kept.etag.strip('"')):
            start_response("304 Not Modified", list(kept.not_modified))
            return []
        start_response("200 OK", list(kept.headers))
        return [kept.body]

    def _render(self, environ: dict[str, Any], key: tuple[str, str, bool],
                made_from: tuple[str, int]) -> _Kept | None:
        """falcon's answer to `environ`, kept when it can be; None when it cannot."""
        status, headers, body = self._call(environ)
        until = environ.get(REUSABLE_UNTIL)
        if (until is None or not status.startswith("200 ")
                or not all(isinstance(chunk, bytes) for chunk in body)):
            return None
        kept = _Kept(until, list(headers), b"".join(body))
        if len(body) == 1 and self._current(made_from):
            self._keep(key, kept)
        return kept

    def _current(self, made_from: tuple[str, int]) -> bool:
        # Made from what is still current (a reload may have come meanwhile: then the
        # answer is not kept, since it may show either).
        return (made_from == self._made_from
                and made_from[0] == self._snapshots.current().version)

    def _through(self, environ: dict[str, Any], start_response: StartResponse,
                 key: tuple[str, str, bool], made_from: tuple[str, int]
                 ) -> Iterable[bytes]:
        seen: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen[:] = [status, headers]
            return start_response(status, headers, *exc)

        chunks = self._app(environ, capture)
        until = environ.get(REUSABLE_UNTIL)
        if until is None or not seen or not seen[0].startswith("200 "):
            return chunks
        # falcon sends resp.data as one chunk; anything else is not kept.
        body = list(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        if len(body) == 1 and isinstance(body[0], bytes) and self._current(made_from):
            self._keep(key, _Kept(until, list(seen[1]), body[0]))
        return body

    def _keep(self, key: tuple[str, str, bool], kept: _Kept) -> None:
        old = self._kept.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        if len(self._kept) >= MAX_KEPT or self._bytes + len(kept.body) > MAX_BYTES:
            self._kept, self._bytes = {}, 0
        self._kept[key] = kept
        self._bytes += len(kept.body)

"""What every resource family shares to answer: rendered bytes kept once, and sending them.

A resource renders an `Entry` (body, ETag, the headers that belong to that body) at
most once per cache key, through `Rendered`, and hands it to `send`. The caching
middleware (widget.http.caching) derives every other header.
"""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import falcon
from cachetools import LRUCache

from widget.http.caching import etag_of

JSON = "application/json"
HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Entry:
    body: bytes
    etag: str  # quoted, ready for the header
    next_url: str | None = None
    # When the rendering shows a day number that can still change: the next local
    # midnight. Constant for a cache key, since keys hold each timezone's local date.
    fresh_until: dt.datetime | None = None
    links: tuple[str, ...] = ()  # finished Link header values that go with this body
    # The body gzipped, made once with the rendering (None: sent as it is). Its ETag is
    # `etag` with "-gz" inside the quotes: each encoding is a representation of its own.
    gzipped: bytes | None = None


# PERF: below this a gzip header and the round trip's packets cost more than they
# save; above it text shrinks to a fifth or less (JSON lists, embed pages).
GZIP_OVER = 1024


def entry(body: bytes, *, next_url: str | None = None,
          fresh_until: dt.datetime | None = None, links: tuple[str, ...] = (),
          compress: bool = True) -> Entry:
    """What a rendering is sent as. `compress=False` for bodies that are compressed
    already (PNG)."""
    zipped = (gzip.compress(body, 6, mtime=0)
              if compress and len(body) > GZIP_OVER else None)
    if zipped is not None and len(zipped) >= len(body):
        zipped = None
    return Entry(body, f'"{etag_of(body)}"', next_url, fresh_until, links, zipped)


class Rendered:
    """Rendered bytes and their ETag, kept per (route, query, snapshot, local dates).

    PERF: a busy widget asks for the same few URLs over and over; rendering and
    hashing happen once per key, then every request is a dictionary look-up.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        # Bounded by bytes, not entries: a list of 1,000 strikes is a megabyte, and
        # each local midnight brings new keys while the old entries age out.
        self._cache: LRUCache[Hashable, Entry] = LRUCache(
            maxsize=max_bytes,
            getsizeof=lambda e: len(e.body) + len(e.gzipped or b"") + 200)
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], Entry]) -> Entry:
        with self._lock:
            hit = self._cache.get(key)
        if hit is None:
            hit = render()
            with self._lock:
                self._cache[key] = hit
        return hit


def send(resp: falcon.Response, found: Entry, content_type: str = JSON) -> None:
    """The entry's body as it is; the caching middleware sends its gzipped form instead
    when the request asks for it (widget.http.caching)."""
    resp.data = found.body
    resp.set_header("ETag", found.etag)
    resp.context.entry = found
    resp.context.reusable = True  # the same bytes for every such request (widget.http.hits)
    resp.content_type = content_type
    resp.context.fresh_until = found.fresh_until
    if found.next_url:
        resp.append_link(found.next_url, "next")
    for link in found.links:
        resp.append_header("Link", link)

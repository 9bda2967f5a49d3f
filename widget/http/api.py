"""JSON API v1 resources. Thin: parse parameters, pick from the snapshot, render, cache bytes."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from urllib.parse import urlencode

import falcon
import orjson
from cachetools import LRUCache

from widget.config import Config
from widget.fallback import Health
from widget.http.caching import etag_of
from widget.http.errors import InvalidParameter
from widget.http.params import Params
from widget.render import api as render
from widget.snapshot import SnapshotSource

JSON = "application/json"
_MISSING = object()
STRIKE_STATUS = ("active", "ended", "all")
# "active" lists strikes that are ongoing or announced; "ended" those that stopped
# (ended or suspended), whose day count is frozen.
_ENDED = frozenset({"ended", "suspended"})


@dataclass(frozen=True, slots=True)
class Entry:
    body: bytes
    etag: str  # quoted, ready for the header
    next_url: str | None = None
    # When the rendering shows a day number that can still change: the next local
    # midnight. Constant for a cache key, since keys hold each timezone's local date.
    fresh_until: dt.datetime | None = None


def entry(body: bytes, *, next_url: str | None = None,
          fresh_until: dt.datetime | None = None) -> Entry:
    return Entry(body, f'"{etag_of(body)}"', next_url, fresh_until)


class Rendered:
    """Rendered bytes and their ETag, kept per (route, query, snapshot, local dates).

    PERF: a busy widget asks for the same few URLs over and over; rendering and
    hashing happen once per key, then every request is a dictionary look-up.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        # Bounded by bytes, not entries: a list of 1,000 strikes is a megabyte, and
        # each local midnight brings new keys while the old entries age out.
        self._cache: LRUCache[Hashable, Entry] = LRUCache(
            maxsize=max_bytes, getsizeof=lambda e: len(e.body) + 200)
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
    resp.data = found.body
    resp.set_header("ETag", found.etag)
    resp.content_type = content_type
    resp.context.fresh_until = found.fresh_until
    if found.next_url:
        resp.append_link(found.next_url, "next")


class PostsResource:
    def __init__(self, config: Config, snapshots: SnapshotSource, rendered: Rendered):
        self._base = config.base_url
        self._snapshots = snapshots
        self._rendered = rendered

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = Params(req, ("limit", "category", "tag", "lang", "cursor"))
        query = render.PostQuery(
            limit=params.integer("limit", default=10, low=1, high=50),
            category=params.text("category"),
            tag=params.text("tag"),
            lang=params.text("lang", max_length=12),
            cursor=params.text("cursor", max_length=200),
        )
        snapshot = self._snapshots.current()

        def body() -> Entry:
            try:
                posts, last = render.select_posts(snapshot, query)
            except render.BadCursor:
                raise InvalidParameter("cursor", "is not a cursor this API gave out") from None
            next_url = None
            if last is not None:
                args = {k: v for k, v in params.key() if k != "cursor"}
                args["cursor"] = render.encode_cursor(last)
                next_url = f"{self._base}/api/v1/posts?{urlencode(sorted(args.items()))}"
            return entry(orjson.dumps({
                "posts": [render.post_dict(p, self._base) for p in posts],
                "next": next_url,
                "version": snapshot.version,
            }), next_url=next_url)

        send(resp, self._rendered.get(("posts", params.key(), snapshot.version), body))

    on_head = on_get


class _DayResource:
    """A resource whose answers show day numbers: it needs the clock as well."""

    def __init__(self, config: Config, snapshots: SnapshotSource, rendered: Rendered,
                 clock: Callable[[], dt.datetime]):
        self._base = config.base_url
        self._snapshots = snapshots
        self._rendered = rendered
        self._clock = clock


class StrikesResource(_DayResource):

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = Params(req, ("status", "country"))
        status = params.choice("status", STRIKE_STATUS, default="active")
        country = params.text("country", max_length=2)
        if country is not None:
            country = country.upper()
        snapshot = self._snapshots.current()
        now = self._clock()

        def body() -> Entry:
            strikes = [
                s for s in snapshot.strikes.values()
                if (status == "all" or (s.status.value in _ENDED) == (status == "ended"))
                and (country is None or s.country == country)
            ]
            return entry(orjson.dumps({
                "strikes": [render.strike_dict(s, now, self._base) for s in strikes],
                "version": snapshot.version,
            }), fresh_until=render.fresh_until(strikes, now))

        key = ("strikes", params.key(), snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, body))

    on_head = on_get


class StrikeResource(_DayResource):

    def on_get(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        Params(req, ())
        snapshot = self._snapshots.current()
        strike = snapshot.strikes.get(slug)
        if strike is None and slug in snapshot.removed:
            raise falcon.HTTPGone(
                title="Strike no longer listed",
                description=f"the hunger strike {slug!r} was removed from the list on "
                            f"{snapshot.removed[slug].isoformat()}")
        if strike is None:
            raise falcon.HTTPNotFound(title="Unknown strike",
                                      description=f"no hunger strike is listed as {slug!r}")
        now = self._clock()
        key = ("strike", slug, snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, lambda: entry(
            orjson.dumps(render.strike_dict(strike, now, self._base)),
            fresh_until=render.fresh_until([strike], now))))

    on_head = on_get


class HealthResource:
    """Public: states and ages only. Upstream error texts and file names may name
    internal hosts and paths; they stay with the operator (`solidarity-widget status`,
    the error log)."""

    def __init__(self, config: Config, snapshots: SnapshotSource, health: Health,
                 clock: Callable[[], dt.datetime]):
        self._config = config
        self._snapshots = snapshots
        self._health = health
        self._clock = clock

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        Params(req, ())
        snapshot = self._snapshots.current()
        now = self._clock()
        sources = []
        stale = False
        for s in snapshot.sources:
            age = int((now - s.last_success).total_seconds()) if s.last_success else None
            source_stale = age is None or age > self._config.stale_after
            stale = stale or source_stale
            sources.append({
                "name": s.name, "kind": s.kind,
                "state": "failing" if s.last_error else "stale" if source_stale else "ok",
                "last_attempt": render.iso(s.last_attempt) if s.last_attempt else None,
                "last_success": render.iso(s.last_success) if s.last_success else None,
                "age_seconds": age, "stale": source_stale, "posts": s.posts,
            })
        troubles = self._health.troubles()
        status = "degraded" if troubles else "stale" if stale or not sources else "ok"
        resp.data = orjson.dumps({
            "status": status,
            "problems": [{"part": part, "problem": t.public} for part, t in troubles.items()],
            "version": snapshot.version,
            "as_of": render.iso(snapshot.as_of),
            "posts": len(snapshot.posts),
            "strikes": len(snapshot.strikes),
            "sources": sources,
        })
        resp.content_type = JSON
        resp.context.cache = "no-store"
        if troubles:
            resp.status = falcon.HTTP_503

    on_head = on_get


class MediaResource:
    """Thumbnails copied at sync time: named by content hash, so immutable."""

    def __init__(self, snapshots: SnapshotSource):
        self._snapshots = snapshots
        self._cache: LRUCache[str, tuple[str, bytes] | None] = LRUCache(maxsize=256)
        self._lock = threading.Lock()

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        Params(req, ())
        with self._lock:
            found = self._cache.get(name, _MISSING)
        if found is _MISSING:
            # A page another worker rendered may link a thumbnail of a newer copy.
            self._snapshots.current()
            found = self._snapshots.store.media(name)
            if found is not None:  # a miss may be filled by the next sync: never cache it
                with self._lock:
                    self._cache[name] = found
        if found is None or not isinstance(found, tuple):
            raise falcon.HTTPNotFound(title="Unknown image",
                                      description=f"no image is stored as {name!r}")
        resp.content_type, resp.data = found
        resp.context.cache = "immutable"

    on_head = on_get


class OpenAPIResource:
    def __init__(self, document: bytes):
        self._document = document

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        Params(req, ())
        resp.data = self._document
        resp.content_type = JSON

    on_head = on_get

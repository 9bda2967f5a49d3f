"""An immutable view of everything a visitor can see, versioned by a hash of its content.

Serving workers hold one Snapshot and ask the SnapshotSource for the current
one on each request; the source looks at the store's generation at most every
`reload_interval` seconds (a cachetools TTL cache), and rebuilds only when it moved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import orjson
from cachetools import TTLCache, cached

from widget.days import local_today, next_local_midnight
from widget.model import Post, SourceStatus, Strike
from widget.store import Store


@dataclass(frozen=True)
class Snapshot:
    version: str
    as_of: dt.datetime
    generation: int
    posts: tuple[Post, ...]
    strikes: Mapping[str, Strike]
    sources: tuple[SourceStatus, ...]
    timezones: tuple[str, ...] = field(default=())
    # Slugs the editor removed, with the date: shown as "no longer listed", never an error.
    removed: Mapping[str, dt.date] = field(default_factory=lambda: MappingProxyType({}))

    # PERF: (computed at, valid until, dates): the dates hold until the next local midnight.
    _dates: list[tuple[dt.datetime, dt.datetime, tuple[dt.date, ...]]] = field(
        default_factory=list, compare=False, repr=False)

    def local_dates(self, now: dt.datetime) -> tuple[dt.date, ...]:
        """Today's date in each strike timezone: a cache key for anything with day numbers."""
        memo = self._dates[-1] if self._dates else None
        if memo is not None and memo[0] <= now < memo[1]:
            return memo[2]
        dates = tuple(local_today(tz, now) for tz in self.timezones)
        until = min((next_local_midnight(tz, now) for tz in self.timezones),
                    default=now + dt.timedelta(minutes=1))
        self._dates[:] = [(now, until, dates)]  # one atomic swap; a race only recomputes
        return dates


def _content_hash(posts: list[Post], strikes: list[Strike],
                  removed: Mapping[str, dt.date]) -> str:
    digest = hashlib.blake2b(digest_size=10)
    digest.update(orjson.dumps({k: v.isoformat() for k, v in removed.items()}))
    # PERF: orjson serialises dataclasses itself, ten times faster than asdict().
    for post in posts:
        digest.update(orjson.dumps(post))
    for strike in strikes:
        digest.update(orjson.dumps(strike))
    return digest.hexdigest()


def build_snapshot(store: Store, now: dt.datetime) -> Snapshot:
    generation, posts, strikes, sources = store.read_all()
    removed = store.removed()
    successes = [s.last_success for s in sources if s.last_success]
    return Snapshot(
        version=_content_hash(posts, strikes, removed),
        as_of=max(successes) if successes else now,
        generation=generation,
        posts=tuple(posts),
        strikes=MappingProxyType({s.slug: s for s in strikes}),
        sources=tuple(sources),
        timezones=tuple(sorted({s.timezone for s in strikes})),
        removed=MappingProxyType(removed),
    )


class SnapshotSource:
    def __init__(self, store: Store, interval: float,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)):
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshot = build_snapshot(store, clock())
        # PERF: one SELECT every `interval` seconds at most, whatever the traffic.
        self._generation = cached(TTLCache(maxsize=1, ttl=interval), lock=threading.Lock())(
            store.generation)

    def current(self) -> Snapshot:
        generation = self._generation()
        # One thread rebuilds; the others keep serving the snapshot they have meanwhile
        # instead of all waiting for it (a rebuild of 10,000 posts takes a while).
        if generation != self._snapshot.generation and self._lock.acquire(blocking=False):
            try:
                if generation != self._snapshot.generation:
                    self._snapshot = build_snapshot(self._store, self._clock())
            finally:
                self._lock.release()
        return self._snapshot

"""An immutable view of everything a visitor can see, versioned by a hash of its content.

Serving workers hold one Snapshot and ask the SnapshotSource for the current
one on each request; the source looks at the store's generation at most every
`reload_interval` seconds (timed by the injected clock), and rebuilds only when it
moved. Snapshots are values: a reload builds a new one from the previous one's
indexes without changing them, so a reader of the old one sees it whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import orjson

from widget.days import local_today, next_local_midnight, timezone_problem
from widget.fallback import StoreFiles
from widget.model import Post, SourceStatus, Strike
from widget.store import Store, StoreError


@dataclass(frozen=True, slots=True)
class _PostIndex:
    """Posts by id, their hashes, the sum of those, and the posts oldest first."""

    by_id: dict[str, Post]
    hashes: dict[str, int]
    post_sum: int
    oldest_first: list[Post]


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
    # Which file history `generation` counts in (store.Store._mark_history).
    history: str = ""
    # The organisation's timezone as its WordPress site gives it ("" when none does);
    # the `timezone` setting, when set, goes before it (query.post_timezone).
    source_timezone: str = ""

    # For the next incremental reload; never changed once the snapshot is built.
    _index: _PostIndex = field(default_factory=lambda: _PostIndex({}, {}, 0, []),
                               compare=False, repr=False)
    # Where the posts are read whole when rendered (`whole`): PERF, a worker holds each
    # post's id, URL, dates, terms and language, for ordering and filtering, but not its
    # title, texts or image. Workers read an immutable copy of the store
    # (fallback.StoreFiles), so what is read later is what this snapshot was built from.
    _whole: Callable[[Sequence[str]], Mapping[str, Post]] | None = field(
        default=None, compare=False, repr=False)
    # PERF: (computed at, valid until, dates): the dates hold until the next local midnight.
    _dates: list[tuple[dt.datetime, dt.datetime, tuple[dt.date, ...]]] = field(
        default_factory=list, compare=False, repr=False)

    def whole(self, posts: Iterable[Post]) -> list[Post]:
        """`posts` as a rendering shows them (title, texts, image), read in one query.

        A post no longer in the store (a copy that is not immutable, changed since
        the snapshot was built: taken down meanwhile) is left out, never shown empty."""
        posts = list(posts)
        if self._whole is None or not posts:
            return posts
        found = self._whole([post.id for post in posts])
        return [found[post.id] for post in posts if post.id in found]

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


_MOD = 1 << 128


def _post_hash(seen: str) -> int:
    # `seen` (store._seen) counts the thumbnail's local copy too: part of what visitors see.
    raw = hashlib.blake2b(seen.encode(), digest_size=16).digest()
    return int.from_bytes(raw, "big")


def _version(post_sum: int, strikes: list[Strike], removed: Mapping[str, dt.date],
             source_timezone: str = "") -> str:
    """A content hash that does not depend on how a worker got here.

    Posts count through the sum of their hashes (order-free, so it can be updated
    for just the posts that changed); strikes and tombstones are hashed whole, and
    the site's timezone, which moves the dates shown. Every worker thus computes the
    same version, hence the same ETags.
    """
    digest = hashlib.blake2b(post_sum.to_bytes(16, "big"), digest_size=10)
    digest.update(orjson.dumps({k: v.isoformat() for k, v in removed.items()}))
    if source_timezone:
        digest.update(b"timezone:" + source_timezone.encode())
    for strike in strikes:
        digest.update(orjson.dumps(strike))  # PERF: orjson serialises dataclasses itself
    return digest.hexdigest()


def build_snapshot(store: Store, now: dt.datetime, previous: Snapshot | None = None
                   ) -> Snapshot:
    """Read the store into a snapshot; with `previous`, read only the posts changed since.

    An incremental build copies `previous`'s indexes before changing them (PERF: a few
    milliseconds at 100,000 posts, and only when posts changed): `previous` stays as it
    was for whoever still reads it. Posts gone since (taken down upstream, hidden by
    an editor) leave first, then the changed ones come in.
    """
    reading = store.read_since(previous.generation if previous is not None else None,
                               whole=False)
    if previous is None:
        hashes = {post.id: _post_hash(seen) for post, seen in reading.posts}
        by_id = {post.id: post for post, _ in reading.posts}
        oldest_first = list(reversed(by_id.values()))  # the store gives newest first
        post_sum = sum(hashes.values()) % _MOD
        posts = tuple(by_id.values())
    else:
        index = previous._index
        hashes, by_id, oldest_first = index.hashes, index.by_id, index.oldest_first
        post_sum = index.post_sum
        gone = [post_id for post_id in reading.gone if post_id in by_id]
        changed = bool(reading.posts or gone)
        if changed:
            hashes, by_id, oldest_first = dict(hashes), dict(by_id), list(oldest_first)
        for post_id in gone:
            leaving = by_id.pop(post_id)
            del oldest_first[bisect_left(oldest_first, _order(leaving), key=_order)]
            post_sum -= hashes.pop(post_id)
        for post, seen in reading.posts:
            old = by_id.get(post.id)
            if old is not None:
                # PERF: a bisection and a memmove per changed post, not a sort of them all.
                del oldest_first[bisect_left(oldest_first, _order(old), key=_order)]
            insort(oldest_first, post, key=_order)
            post_sum -= hashes.get(post.id, 0)
            hashes[post.id] = _post_hash(seen)
            post_sum += hashes[post.id]
            by_id[post.id] = post
        post_sum %= _MOD
        posts = tuple(reversed(oldest_first)) if changed else previous.posts
        if len(posts) != sum(s.posts for s in reading.sources):
            # The store holds another number of posts than the changes add up to: rows
            # deleted by hand (no tombstone) or anything else unforeseen. Read it whole.
            return build_snapshot(store, now)
    successes = [s.last_success for s in reading.sources if s.last_success]
    zone = source_timezone(reading.sources)
    return Snapshot(
        version=_version(post_sum, reading.strikes, reading.removed, zone),
        as_of=max(successes) if successes else now,
        generation=reading.generation,
        history=store.history(),
        posts=posts,
        strikes=MappingProxyType({s.slug: s for s in reading.strikes}),
        sources=tuple(reading.sources),
        timezones=tuple(sorted({s.timezone for s in reading.strikes})),
        removed=MappingProxyType(reading.removed),
        source_timezone=zone,
        _index=_PostIndex(by_id, hashes, post_sum, oldest_first),
        _whole=store.whole_posts,
    )


def source_timezone(sources: Iterable[SourceStatus]) -> str:
    """The timezone the first WordPress source (by name) gives for its site, or ""."""
    for status in sources:
        zone = status.extra.get("timezone", "")
        if status.kind == "wordpress" and zone and timezone_problem(zone) is None:
            return zone
    return ""


def _order(post: Post) -> tuple[dt.datetime, str]:
    return post.published, post.id


class SnapshotSource:
    """The current snapshot, reloaded when the store moves.

    With `files`, the store is the copy each sync publishes (fallback.StoreFiles):
    every `interval` at most the source looks for a newer copy and switches to it;
    whatever is wrong with the files meanwhile goes to `health`, and the snapshot
    it has is served until a good one comes.
    """

    def __init__(self, store: Store, interval: float,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
                 files: StoreFiles | None = None):
        self._files = files
        self._clock = clock
        self._lock = threading.Lock()
        self._interval = dt.timedelta(seconds=interval)
        self._checked: tuple[dt.datetime, Store, int | None] | None = None
        self._check_lock = threading.Lock()
        self._retired: Store | None = None
        try:
            self._snapshot = build_snapshot(store, clock())
        except StoreError:
            if files is None:
                raise
            # A copy that opens but cannot be read whole: never a worker that won't boot.
            store = files.empty(f"{store.path}: cannot be read")
            self._snapshot = build_snapshot(store, clock())
        self._store = self._built_from = store

    @property
    def store(self) -> Store:
        return self._store

    def _switch(self, newer: Store) -> None:
        # Requests are short: the store retired one switch ago is no longer read by
        # anyone. Close it, or every replaced copy would stay open (and on disk).
        if self._retired is not None:
            self._retired.close()
        self._retired, self._store = self._store, newer

    def _poll(self) -> tuple[Store, int | None]:
        """PERF: one stat and one SELECT every `interval` at most, whatever the traffic.

        Timed by the injected clock (tests move it instead of sleeping); a clock that
        jumps back checks at once rather than waiting for the old time to come round.
        Returns the store and its generation together, so a rebuild reads the store
        whose generation chose it."""
        now = self._clock()
        with self._check_lock:
            if self._checked is not None and (
                    self._checked[0] <= now < self._checked[0] + self._interval):
                return self._checked[1], self._checked[2]
            newer = self._files.newer(self._store) if self._files is not None else None
            if newer is not None:
                self._switch(newer)
            try:
                generation: int | None = self._store.generation()
            except StoreError:
                generation = None
            self._checked = (now, self._store, generation)
            return self._store, generation

    def current(self) -> Snapshot:
        store, generation = self._poll()
        snapshot = self._snapshot
        if generation is None or (store is self._built_from and
                                  generation == snapshot.generation):
            return snapshot
        # One thread rebuilds; the others keep serving the snapshot they have meanwhile
        # instead of all waiting for it (a rebuild of 10,000 posts takes a while).
        if self._lock.acquire(blocking=False):
            try:
                history = store.history()
                # A copy of the same history continues it; another history (a backup
                # moved over the database), or one that went back, is read whole.
                continues = history == snapshot.history and generation >= snapshot.generation
                if not continues or generation != snapshot.generation:
                    self._snapshot = build_snapshot(store, self._clock(),
                                                    snapshot if continues else None)
                elif store is not self._built_from:
                    # The same data in a newer copy: posts are read whole from that copy
                    # (the one before is closed at the next switch).
                    self._snapshot = replace(snapshot, _whole=store.whole_posts)
                self._built_from = store
            except StoreError:
                pass  # keep serving what we have; the next check tries again
            finally:
                self._lock.release()
        return self._snapshot

"""Sync: read every source and the strikes file into the store, one transaction each."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from widget.config import Config
from widget.sources import SourceError, fetcher_for, read_source
from widget.sources.media import copy_thumbnails
from widget.store import Store
from widget.strikes import StrikesFileError, load_file


class SyncBusy(Exception):
    """Another sync holds the lock; this one did nothing."""


@contextmanager
def sync_lock(database: Path, wait: float = 0.0) -> Iterator[None]:
    """One sync at a time per store (cron, a timer and an editor may overlap).

    SQLite transactions already keep the store consistent; the lock keeps two
    syncs from fetching the same sources twice and from interleaving their
    per-source commits, and tells the second one plainly why it stopped.
    """
    path = database.with_name(database.name + ".sync-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise SyncBusy(f"another sync is running ({holder}); nothing was done, "
                                   f"try again when it has finished (lock: {path})") from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True, slots=True)
class SourceResult:
    name: str
    ok: bool
    detail: str


def sync_all(config: Config, store: Store,
             clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
             ) -> list[SourceResult]:
    """Sync each source independently: one failing source never stops the others."""
    results: list[SourceResult] = []
    known = set(store.media_urls())
    for source in config.sources:
        try:
            posts = read_source(source, config)
        except SourceError as exc:
            store.record_failure(source.name, source.type, str(exc), clock())
            results.append(SourceResult(source.name, False, str(exc)))
            continue
        media, failed = copy_thumbnails(posts, fetcher_for(config), known)
        count = store.save_posts(source.name, source.type, posts, clock(), media)
        detail = f"{count} posts, {len(media)} new thumbnails"
        if failed:
            detail += f" ({len(failed)} could not be copied, first: {failed[0]})"
        results.append(SourceResult(source.name, True, detail))
    results.append(sync_strikes(config, store, clock))
    return results


def sync_strikes(config: Config, store: Store,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
                 ) -> SourceResult:
    try:
        parsed = load_file(config.strikes_file)
    except StrikesFileError as exc:
        store.record_failure("strikes-file", "strikes", str(exc), clock())
        return SourceResult("strikes-file", False, str(exc))
    store.replace_strikes(parsed.strikes, clock(), parsed.removed)
    detail = f"{len(parsed.strikes)} strikes"
    if parsed.removed:
        detail += f", {len(parsed.removed)} removed"
    return SourceResult("strikes-file", True, detail)

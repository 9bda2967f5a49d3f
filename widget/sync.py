"""Sync: read every source and the strikes file into the store, one transaction each.

A sync never crashes: whatever goes wrong with a source (its network, its bytes, a
bug of ours that they trigger) or with the store (disk full, a broken file) is
reported once, as one line with the source's name, stored for /healthz when the
store can still be written, and the other sources and the strikes file still sync.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from widget import __version__
from widget.config import Config, SourceConfig
from widget.sources import SourceError, Validators, fetcher_for, read_source
from widget.sources.fetch import SourceRead
from widget.sources.media import copy_thumbnails
from widget.sources.wordpress import read_wordpress_changes
from widget.store import (
    KIND_RANK,
    Saved,
    Store,
    StoreError,
    describe,
    last_good_path,
    url_key,
)
from widget.strikes import StrikesFileError, load_file

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
T = TypeVar("T")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SyncBusy(Exception):
    """Another sync holds the lock; this one did nothing."""


class SyncError(Exception):
    """The sync could not start (its lock or its store); one line naming the file."""


@contextmanager
def sync_lock(database: Path, wait: float = 0.0) -> Iterator[None]:
    """One sync at a time per store (cron, a timer and an editor may overlap).

    SQLite transactions already keep the store consistent; the lock keeps two
    syncs from fetching the same sources twice and from interleaving their
    per-source commits, and tells the second one plainly why it stopped.
    """
    path = database.with_name(database.name + ".sync-lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Unbuffered: a write that fails on a full disk leaves nothing to fail again at close.
        handle = path.open("a+b", buffering=0)
    except OSError as exc:
        raise SyncError(f"cannot create the sync lock: {describe(path, exc)}") from exc
    with handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().decode(errors="replace").strip() or "another process"
                    raise SyncBusy(f"another sync is running ({holder}); nothing was done, "
                                   f"try again when it has finished (lock: {path})") from None
                time.sleep(0.1)
        # Who holds the lock is a courtesy for the next sync's message: a full disk
        # must not stop the sync here (the store reports it, with its own path).
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, since {utc_now():%Y-%m-%d %H:%M:%S} UTC".encode())
        except OSError:
            pass
        try:
            yield
        finally:
            try:
                handle.seek(0)
                handle.truncate()
            except OSError:
                pass
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_for_sync(database: Path) -> Store:
    """The store for writing (under the sync lock); a deleted one starts again from the
    last good copy, not from nothing (thumbnails and what the editor hid live there)."""
    copy = last_good_path(database)
    if not database.exists() and copy.exists():
        partial = database.with_name(database.name + ".restoring")
        try:
            # A -wal or -shm left beside the deleted file belongs to it: SQLite would
            # replay its pages onto the copy.
            for leftover in ("-wal", "-shm"):
                database.with_name(database.name + leftover).unlink(missing_ok=True)
            shutil.copyfile(copy, partial)
            os.replace(partial, database)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(f"{database} is missing and could not be restored from "
                             f"{copy}: {describe(database, exc)}") from exc
        log.warning("%s was missing; restored from %s", database, copy)
        print(f"note: {database} was missing; restored from {copy}", file=sys.stderr)
    return Store(database)


def publish_strikes(config: Config, *, wait: float = 0.0) -> SourceResult:
    """The editor's `strike` commands: import the strikes file and publish the copy."""
    with sync_lock(config.database, wait=wait), open_for_sync(config.database) as store:
        result = sync_strikes(config, store)
        copied = _save_copy(store)
    if result.ok and not copied.ok:
        return SourceResult(result.name, False, f"{result.detail}, but {copied.detail}")
    return result


@dataclass(frozen=True, slots=True)
class SourceResult:
    name: str
    ok: bool
    detail: str


def sync_all(config: Config, store: Store, clock: Clock = utc_now, *,
             allow_empty_strikes: bool = False) -> list[SourceResult]:
    """Sync each source independently: one failing source never stops the others."""
    results: list[SourceResult] = []
    known = set(store.media_urls())
    for source in config.sources:
        results.append(_sync_source(source, config, store, clock, known))
    results.append(sync_strikes(config, store, clock, allow_empty=allow_empty_strikes))
    results.append(_save_copy(store))
    return results


def _unexpected(exc: Exception) -> str:
    # A bug of ours that a source's bytes triggered: name it, and keep the traceback
    # for --debug (the log), never for the editor's terminal.
    log.debug("unexpected error", exc_info=exc)
    return f"unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)"


def _fail(store: Store, name: str, kind: str, reason: str, clock: Clock) -> SourceResult:
    try:
        store.record_failure(name, kind, reason, clock())
    except StoreError as exc:
        reason += f"; the failure could not be recorded either: {exc}"
    return SourceResult(name, False, reason)


def _config_digest(source: SourceConfig) -> str:
    """What the posts stored from a source depend on besides its bytes: its config and
    this program (a new version may read the same feed differently)."""
    text = f"{__version__}\n{source.name}\n{source.type}\n{source.url}\n{source.lang}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _sync_source(source: SourceConfig, config: Config, store: Store, clock: Clock,
                 known: set[str]) -> SourceResult:
    digest = _config_digest(source)
    try:
        etag, last_modified = store.validators(source.url, digest)
    except StoreError:
        etag = last_modified = None  # read it whole; saving will say what is wrong
    record: dict[str, str] | None = None
    try:
        read, record = _read(source, config, store, clock, digest,
                             Validators(etag, last_modified))
        media, failed = copy_thumbnails(read.posts, fetcher_for(config).for_source(source),
                                        known) if not read.unchanged else ([], [])
    except SourceError as exc:
        return _fail(store, source.name, source.type, str(exc), clock)
    except Exception as exc:  # noqa: BLE001 - see _unexpected
        return _fail(store, source.name, source.type, _unexpected(exc), clock)
    if read.unchanged:
        # A 304 says nothing about takedowns: every stored post stays as it is.
        try:
            store.record_unchanged(source.name, source.type, clock())
        except StoreError as exc:
            return SourceResult(source.name, False, f"nothing was saved: {exc}")
        return SourceResult(source.name, True,
                            "not modified upstream; the stored posts are kept as they are")
    try:
        saved = store.save_posts(source.name, source.type, read.posts, clock(), media,
                                 listed=read.listed, covers_after=read.covers_after,
                                 extra=read.extra)
    except StoreError as exc:
        return SourceResult(source.name, False, f"nothing was saved: {exc}")
    try:
        store.save_validators(source.url, digest, read.validators.etag,
                              read.validators.last_modified)
    except StoreError as exc:  # the posts are saved; the next sync just reads it whole
        log.warning("%s: validators not kept: %s", source.name, exc)
    if source.type == "wordpress":
        try:
            store.save_sync_record(source.name, record)
        except StoreError as exc:  # likewise: the next sync compares with an older read
            log.warning("%s: what was read is not recorded: %s", source.name, exc)
    detail = f"{_counts(saved)}, {len(media)} new thumbnails"
    if failed:
        detail += f" ({len(failed)} could not be copied, first: {failed[0]})"
    if read.problems:
        detail += (f"; {len(read.problems)} entries skipped or partly ignored:\n"
                   + "\n".join(read.problems))
    return SourceResult(source.name, True, detail)


def _read(source: SourceConfig, config: Config, store: Store, clock: Clock, digest: str,
          validators: Validators) -> tuple[SourceRead, dict[str, str] | None]:
    """The source's read, and (WordPress) the record to keep for the next one.

    A WordPress site is asked only what changed since the last read, against the
    record that read left (widget/sources/wordpress.py), and read whole when due."""
    if source.type != "wordpress":
        return read_source(source, config, validators), None
    try:
        before = store.sync_record(source.name)
    except StoreError:
        before = {}  # read it whole; saving will say what is wrong
    return read_wordpress_changes(source, fetcher_for(config).for_source(source), before,
                                  now=clock(), config=digest,
                                  full_every=config.wordpress_full_every)


def _counts(saved: Saved) -> str:
    """The posts a visitor sees from the source now, and why others are not shown."""
    notes = [f"{n} {what}" for n, what in (
        (saved.taken_down, "taken down upstream"), (saved.hidden, "hidden by an editor"),
        (saved.elsewhere, "shown from another source with the same URL")) if n]
    return f"{saved.shown} posts" + (f" ({', '.join(notes)})" if notes else "")


def edit_store(config: Config, edit: Callable[[Store], T], *, wait: float = 0.0
               ) -> tuple[T, SourceResult]:
    """An editor's change to the store (`post hide`), published to the workers as a sync
    publishes: under the sync lock, then the copy they read. Returns what `edit`
    returned and how the copy went."""
    with sync_lock(config.database, wait=wait), open_for_sync(config.database) as store:
        value = edit(store)
        copied = _save_copy(store)
    return value, copied


def same_sites(sources: Iterable[SourceConfig]) -> list[str]:
    """A warning for each pair of sources on one site: their posts are stored once."""
    by_host: dict[str, list[SourceConfig]] = {}
    for source in sources:
        if urlsplit(source.url).scheme.lower() in ("http", "https"):
            host = url_key(source.url).split("/", 1)[0]  # with a port that is not the default
            by_host.setdefault(host.removeprefix("www."), []).append(source)
    warnings = []
    for host, group in by_host.items():
        if len(group) < 2:
            continue
        # The store's rule (widget/store.py:KIND_RANK): first by kind, then config order.
        keeper = min(group, key=lambda s: KIND_RANK.get(s.type, len(KIND_RANK)))
        names = ", ".join(f"{s.name!r} ({s.type})" for s in group)
        warnings.append(f"sources {names} are the same site ({host}): a post both offer is "
                        f"stored and shown once, from {keeper.name!r}")
    return warnings


def sync_strikes(config: Config, store: Store, clock: Clock = utc_now, *,
                 allow_empty: bool = False) -> SourceResult:
    name = "strikes-file"
    try:
        parsed = load_file(config.strikes_file, confirm_every_days=config.confirm_every_days)
        published = store.strike_count() if parsed.is_empty else 0
        if published and not allow_empty:
            # The most likely accident: a save that truncated the file. Refuse it while
            # strikes are published; removing them all is said explicitly.
            return _fail(store, name, "strikes", (
                f"{config.strikes_file}: the file has no strikes, but {published} are "
                f"published; nothing was changed (a truncated save?). To remove them all, "
                f"run `sync --allow-empty-strikes`"), clock)
        store.replace_strikes(parsed.strikes, clock(), parsed.removed)
    except StrikesFileError as exc:
        return _fail(store, name, "strikes", str(exc), clock)
    except StoreError as exc:
        return SourceResult(name, False, f"nothing was saved: {exc}")
    except Exception as exc:  # noqa: BLE001 - see _unexpected
        return _fail(store, name, "strikes", _unexpected(exc), clock)
    detail = f"{len(parsed.strikes)} strikes"
    if parsed.removed:
        detail += f", {len(parsed.removed)} removed"
    return SourceResult(name, True, detail)


def _save_copy(store: Store) -> SourceResult:
    try:
        path = store.save_copy()
    except StoreError as exc:
        return SourceResult("last-good-copy", False, f"the previous copy is kept: {exc}")
    return SourceResult("last-good-copy", True, f"written to {path}")

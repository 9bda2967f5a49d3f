"""Sync: read every source and the strikes file into the store, one transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from widget.config import Config
from widget.sources import SourceError, fetcher_for, read_source
from widget.sources.media import copy_thumbnails
from widget.store import Store
from widget.strikes import StrikesFileError, load_file


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

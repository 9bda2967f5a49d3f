"""Sources read the outside world and yield plain Post records; nothing else touches the network."""

from __future__ import annotations

from collections.abc import Callable

from widget.config import Config, SourceConfig
from widget.sources.feed import read_feed
from widget.sources.fetch import Fetcher, SourceError, SourceRead, Validators
from widget.sources.wordpress import read_wordpress

Reader = Callable[[SourceConfig, Fetcher], SourceRead]
READERS: dict[str, Reader] = {"wordpress": read_wordpress, "feed": read_feed}


def fetcher_for(config: Config) -> Fetcher:
    """A fetcher with the config's limits; it knows every source, for their own origins."""
    return Fetcher(root=config.root, timeout=config.fetch_timeout,
                   max_bytes=config.fetch_max_bytes, max_pages=config.wordpress_max_pages,
                   sources=config.sources)


def read_source(source: SourceConfig, config: Config,
                validators: Validators | None = None) -> SourceRead:
    """Every post a source offers now, and the entries it refused.

    `validators`: what the source's URL answered last time, for a conditional GET
    (a source that did not change then reads as `SourceRead.unchanged`).

    Raises SourceError, and only SourceError, naming what went wrong: whatever
    bytes upstream sends, nothing else escapes (a reader's own bug included,
    so that one source can never stop a sync).
    """
    try:
        return READERS[source.type](source, fetcher_for(config).for_source(source, validators))
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of the trust boundary
        raise SourceError(f"{source.url}: could not be read "
                          f"({type(exc).__name__}: {exc})") from exc


__all__ = ["READERS", "Fetcher", "SourceError", "SourceRead", "Validators", "fetcher_for",
           "read_source"]

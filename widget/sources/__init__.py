"""Sources read the outside world and yield plain Post records; nothing else touches the network."""

from __future__ import annotations

from collections.abc import Callable

from widget.config import Config, SourceConfig
from widget.model import Post
from widget.sources.feed import read_feed
from widget.sources.fetch import Fetcher, SourceError
from widget.sources.wordpress import read_wordpress

Reader = Callable[[SourceConfig, Fetcher], list[Post]]
READERS: dict[str, Reader] = {"wordpress": read_wordpress, "feed": read_feed}


def fetcher_for(config: Config) -> Fetcher:
    return Fetcher(root=config.root, timeout=config.fetch_timeout,
                   max_bytes=config.fetch_max_bytes, max_pages=config.wordpress_max_pages)


def read_source(source: SourceConfig, config: Config) -> list[Post]:
    """Every post a source offers now; raises SourceError naming what went wrong."""
    return READERS[source.type](source, fetcher_for(config))


__all__ = ["READERS", "Fetcher", "SourceError", "fetcher_for", "read_source"]

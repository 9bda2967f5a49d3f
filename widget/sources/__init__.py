"""Sources read the outside world and yield plain Post records; nothing else touches the network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from widget.config import Config, SourceConfig
from widget.model import Post
from widget.sources.feed import read_feed
from widget.sources.fetch import Fetcher, SourceError
from widget.sources.wordpress import read_wordpress


@dataclass(frozen=True, slots=True)
class SourceRead:
    """What one read of a source gave: the posts, and the entries refused on the way.

    Each problem names the entry and why it was dropped; the source itself is
    still fine. A source that cannot be read at all raises SourceError instead.
    """

    posts: list[Post]
    problems: list[str] = field(default_factory=list)


Reader = Callable[[SourceConfig, Fetcher], list[Post]]
READERS: dict[str, Reader] = {"wordpress": read_wordpress, "feed": read_feed}


def fetcher_for(config: Config) -> Fetcher:
    return Fetcher(root=config.root, timeout=config.fetch_timeout,
                   max_bytes=config.fetch_max_bytes, max_pages=config.wordpress_max_pages)


def read_source(source: SourceConfig, config: Config) -> SourceRead:
    """Every post a source offers now; raises SourceError naming what went wrong."""
    return SourceRead(READERS[source.type](source, fetcher_for(config)), [])


__all__ = ["READERS", "Fetcher", "SourceError", "SourceRead", "fetcher_for", "read_source"]

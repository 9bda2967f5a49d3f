"""Thumbnails copied at sync time, so that widgets load images from this service only."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import replace

from widget.model import Media, Post
from widget.sources.fetch import Fetcher, SourceError

MAX_IMAGE_BYTES = 1_000_000
# All thumbnails of one sync get this many fetch timeouts, so slow image hosts cannot
# hold a sync for (posts x timeout) seconds.
BUDGET_TIMEOUTS = 3
# Recognised by their first bytes, whatever the upstream server claims.
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in _MAGIC:
        if data.startswith(magic):
            return content_type, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def copy_thumbnails(posts: Iterable[Post], fetcher: Fetcher,
                    known: set[str]) -> tuple[list[Media], list[str]]:
    """Fetch each post's thumbnail not yet stored; return the copies and what failed.

    A thumbnail that cannot be fetched is not an error of the source: the post
    is simply shown without one. Each is fetched for its post's own source, so
    only that source's own host may be a non-public address (see fetch.py).
    The copying as a whole stops after a few fetch timeouts; what is left is
    tried again by the next sync (it is not in `known` then).
    """
    small = replace(fetcher, max_bytes=min(fetcher.max_bytes, MAX_IMAGE_BYTES))
    stop = time.monotonic() + BUDGET_TIMEOUTS * fetcher.timeout
    copies: list[Media] = []
    failed: list[str] = []
    left = 0
    for post in posts:
        if post.image is None:
            continue
        url = post.image.thumbnail or post.image.url
        if url in known:
            continue
        if time.monotonic() >= stop:
            left += 1
            continue
        known.add(url)
        try:
            data = small.for_post_source(post.source).get(
                url, accept="image/webp,image/png,image/jpeg,image/gif").body
        except SourceError as exc:
            failed.append(str(exc))
            continue
        kind = sniff(data)
        if kind is None:
            failed.append(f"{url}: not a JPEG, PNG, GIF or WebP image")
            continue
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.{kind[1]}"
        copies.append(Media(url, name, kind[0], data))
    if left:
        failed.append(f"{left} thumbnails left for the next sync: copying took longer "
                      f"than {BUDGET_TIMEOUTS * fetcher.timeout:g} seconds")
    return copies, failed

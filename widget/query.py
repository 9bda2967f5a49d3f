"""Queries over a snapshot's posts: filters and stable cursor pages.

The JSON API (widget.http.api) and the news widget (widget.render.html) ask the same
questions of the same snapshot, so both use `select_posts`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from widget.model import Post
from widget.snapshot import Snapshot
from widget.values import iso


def post_timezone(snapshot: Snapshot, configured: str) -> str:
    """The organisation's timezone, in which readers see the dates of posts: the
    `timezone` setting when set, else the one its WordPress site gives, else UTC."""
    return configured or snapshot.source_timezone or "UTC"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# How many posts one page of the API holds: the range a client may ask for, and the default.
PAGE_SIZES = (1, 50)
PAGE_SIZE = 10

# A page of strikes: enough for every organisation's whole list at once today (the
# demo has 3, a large one a few dozen); a list of 1,000 comes in pages, like posts.
STRIKE_PAGE_SIZES = (1, 200)
STRIKE_PAGE_SIZE = 100


class BadCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class PostQuery:
    limit: int = PAGE_SIZE
    category: str | None = None
    tag: str | None = None
    lang: str | None = None
    cursor: str | None = None

    def matches(self, post: Post) -> bool:
        if self.lang is not None and post.lang != self.lang:
            return False
        if self.category is not None and self.category not in {slugify(c) for c in post.categories}:
            return False
        return self.tag is None or self.tag in {slugify(t) for t in post.tags}


def encode_cursor(post: Post) -> str:
    raw = f"{iso(post.published)}|{post.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        published, post_id = raw.split("|", 1)
        dt.datetime.fromisoformat(published)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor(cursor) from exc
    return published, post_id


def select_posts(snapshot: Snapshot, query: PostQuery) -> tuple[list[Post], Post | None]:
    """The page of posts, whole (their texts read from the store), and, when more
    follow, the last one (the next cursor's anchor)."""
    after = decode_cursor(query.cursor) if query.cursor else None
    page: list[Post] = []
    for post in snapshot.posts:  # newest first, ties broken by id descending
        if after is not None and (iso(post.published), post.id) >= after:
            continue
        if not query.matches(post):
            continue
        if len(page) == query.limit:
            return snapshot.whole(page), page[-1]
        page.append(post)
    return snapshot.whole(page), None

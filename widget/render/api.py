"""JSON documents of the public API (v1). Pure functions; the http layer adds headers."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from widget.days import day_count, depends_on_today, next_local_midnight
from widget.model import Post, Strike
from widget.snapshot import Snapshot


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def post_dict(post: Post, base_url: str) -> dict[str, Any]:
    return {
        "id": post.id,
        "source": post.source,
        "url": post.url,
        "title": post.title,
        "excerpt": post.excerpt,
        "content_html": post.content_html,
        "published": iso(post.published),
        "modified": iso(post.modified),
        "categories": list(post.categories),
        "tags": list(post.tags),
        "image": None if post.image is None else {
            "url": post.image.url, "width": post.image.width,
            "height": post.image.height, "alt": post.image.alt,
            "thumbnail": post.image.thumbnail,
            "local_thumbnail": base_url + post.image.local if post.image.local else None},
        "lang": post.lang,
    }


def strike_dict(strike: Strike, now: dt.datetime, base_url: str) -> dict[str, Any]:
    count = day_count(strike, now)
    changes_at = None if count.frozen else next_local_midnight(strike.timezone, now)
    return {
        "slug": strike.slug,
        "name": strike.name,
        "country": strike.country,
        "place": strike.place,
        "timezone": strike.timezone,
        "kind": strike.kind.value,
        "status": strike.status.value,
        "outcome": strike.outcome.value if strike.outcome else None,
        "start_date": strike.start_date.isoformat(),
        "end_date": strike.end_date.isoformat() if strike.end_date else None,
        "day": {
            "number": count.day,
            "as_of": count.as_of.isoformat(),
            "final": count.frozen,
            "starts_in": count.starts_in,
            "changes_at": iso(changes_at) if changes_at else None,
        },
        "day_offset": strike.day_offset,
        "last_confirmed": strike.last_confirmed.isoformat() if strike.last_confirmed else None,
        "unconfirmed": count.unconfirmed_since is not None,
        "participants": strike.participants,
        "demands": list(strike.demands),
        "summary": strike.summary,
        "sources": list(strike.sources),
        "related_posts": list(strike.related_posts),
        "links": {
            "self": f"{base_url}/api/v1/strikes/{strike.slug}",
            "embed": f"{base_url}/embed/strike/{strike.slug}",
        },
    }


def fresh_until(strikes: Iterable[Strike], now: dt.datetime) -> dt.datetime | None:
    """The first local midnight at which any of these strikes' rendering changes."""
    times = [next_local_midnight(s.timezone, now) for s in strikes if depends_on_today(s, now)]
    return min(times) if times else None


# --- posts ---------------------------------------------------------------------------


class BadCursor(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class PostQuery:
    limit: int = 10
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
    """The page of posts and, when more follow, the last one (the next cursor's anchor)."""
    after = decode_cursor(query.cursor) if query.cursor else None
    page: list[Post] = []
    for post in snapshot.posts:  # newest first, ties broken by id descending
        if after is not None and (iso(post.published), post.id) >= after:
            continue
        if not query.matches(post):
            continue
        if len(page) == query.limit:
            return page, page[-1]
        page.append(post)
    return page, None

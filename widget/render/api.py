"""JSON documents of the public API (v1). Pure functions; the http layer adds headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from widget import routes
from widget.days import day_count, depends_on_today, next_local_midnight
from widget.model import Post, Strike
from widget.values import iso

__all__ = ["fresh_until", "iso", "post_dict", "strike_dict"]


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
            "self": base_url + routes.STRIKE.path(slug=strike.slug),
            "embed": base_url + routes.EMBED_STRIKE.path(slug=strike.slug),
        },
    }


def fresh_until(strikes: Iterable[Strike], now: dt.datetime) -> dt.datetime | None:
    """The first local midnight at which any of these strikes' rendering changes."""
    times = [next_local_midnight(s.timezone, now) for s in strikes if depends_on_today(s, now)]
    return min(times) if times else None

"""JSON documents of the public API (v1). Pure functions; the http layer adds headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from widget import routes
from widget.days import DEFAULT_RULE, ConfirmationRule, changes_at, day_count
from widget.model import Post, Strike, StrikeText
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


def _text_dict(text: StrikeText) -> dict[str, Any]:
    given = {"name": text.name, "place": text.place, "demands": list(text.demands),
             "summary": text.summary, "actions": list(text.actions)}
    return {key: value for key, value in given.items() if value}


def strike_dict(strike: Strike, now: dt.datetime, base_url: str,
                rule: ConfirmationRule = DEFAULT_RULE, lang: str | None = None
                ) -> dict[str, Any]:
    """The strike in the API's words; with `lang`, its words in that language where the
    strikes file gives them."""
    words = strike.words(lang) if lang else None
    count = day_count(strike, now, rule)
    changes = changes_at(strike, now, rule)
    confirmed = None
    if count.confirmed_on is not None:
        confirmed = {"date": count.confirmed_on.isoformat(), "number": count.confirmed_day}
    return {
        "slug": strike.slug,
        "name": words.name if words else strike.name,
        "country": strike.country,
        "place": words.place if words else strike.place,
        "timezone": strike.timezone,
        "kind": strike.kind.value,
        "status": strike.status.value,
        "outcome": strike.outcome.value if strike.outcome else None,
        "start_date": strike.start_date.isoformat(),
        # False: no source gives the first day; start_date is the first report of the
        # strike going on, and no day number is told.
        "start_known": strike.start_known,
        "end_date": strike.end_date.isoformat() if strike.end_date else None,
        "day": {
            "state": count.state.value,
            "number": count.day,
            "as_of": count.as_of.isoformat(),
            "final": count.frozen,
            "starts_in": count.starts_in,
            "changes_at": iso(changes) if changes else None,
            "confirmed": confirmed,
        },
        "day_offset": strike.day_offset,
        "last_confirmed": strike.last_confirmed.isoformat() if strike.last_confirmed else None,
        "unconfirmed": count.unconfirmed_since is not None,
        "participants": strike.participants,
        "demands": list(words.demands if words else strike.demands),
        "summary": words.summary if words else strike.summary,
        "sources": list(strike.sources),
        "related_posts": list(strike.related_posts),
        "actions": [{"kind": a.kind.value, "label": a.label, "url": a.url}
                    for a in (words.actions if words else strike.actions)],
        "lang": lang,
        "texts": {code: _text_dict(text) for code, text in strike.texts},
        "links": {
            "self": base_url + routes.STRIKE.path(slug=strike.slug),
            "embed": base_url + routes.EMBED_STRIKE.path(slug=strike.slug),
        },
    }


def fresh_until(strikes: Iterable[Strike], now: dt.datetime,
                rule: ConfirmationRule = DEFAULT_RULE) -> dt.datetime | None:
    """The first instant at which any of these strikes' rendering changes: the next local
    midnight of a count that grows, the day a state changes on (widget.days.changes_at)."""
    times = [at for s in strikes if (at := changes_at(s, now, rule)) is not None]
    return min(times) if times else None

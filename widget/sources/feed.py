"""RSS 2.0 and Atom feeds, parsed by feedparser."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
import time
from typing import Any

import feedparser

from widget.config import SourceConfig
from widget.model import Image, Post
from widget.sanitize import clean_html, excerpt_text, to_text
from widget.sources.fetch import Fetcher, SourceError

# These bozo reasons mean "the declared encoding was wrong", not "the feed is broken".
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
_IMG_SRC = re.compile(r"""<img[^>]+src=["']([^"']+)["']""", re.I)


def _time(entry: Any, *keys: str) -> dt.datetime | None:
    for key in keys:
        # NOTE: dict.get skips feedparser's deprecated updated->published fallback mapping.
        parsed: time.struct_time | None = dict.get(entry, key)
        if parsed:
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
    return None


def _image(entry: Any) -> Image | None:
    thumbs = [t["url"] for t in entry.get("media_thumbnail", []) if t.get("url")]
    for media in entry.get("media_content", []):
        if media.get("url") and media.get("medium", "image") == "image":
            width, height = media.get("width"), media.get("height")
            return Image(media["url"], int(width) if width else None,
                         int(height) if height else None, "", thumbs[0] if thumbs else None)
    if thumbs:
        return Image(thumbs[0], thumbnail=thumbs[0])
    for link in entry.get("links", []):
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            return Image(link["href"])
    return None


def _entry(source: SourceConfig, entry: Any, feed_lang: str | None) -> Post:
    link = entry.get("link") or ""
    uid = entry.get("id") or link or entry.get("title", "")
    if not uid or not link:
        raise SourceError(f"entry {entry.get('title', '')!r} has no link")
    published = _time(entry, "published_parsed", "updated_parsed", "created_parsed")
    if published is None:
        raise SourceError(f"entry {link} has no publication date")
    modified = _time(entry, "updated_parsed") or published
    content = entry.get("content", [{}])[0].get("value") or entry.get("summary", "")
    summary = entry.get("summary") or content
    terms = [to_text(t.get("term", "")) for t in entry.get("tags", []) if t.get("term")]
    lang = source.lang or entry.get("content", [{}])[0].get("language") or feed_lang
    return Post(
        id=f"{source.name}-{hashlib.sha256(uid.encode()).hexdigest()[:16]}",
        source=source.name,
        url=link,
        title=to_text(entry.get("title", "")) or link,
        excerpt=excerpt_text(summary),
        content_html=clean_html(content),
        published=published,
        modified=max(modified, published),
        categories=tuple(dict.fromkeys(terms)),
        tags=(),
        image=_image(entry),
        lang=(lang or None) and str(lang).split("-")[0].lower(),
    )


def read_feed(source: SourceConfig, fetcher: Fetcher) -> list[Post]:
    reply = fetcher.get(source.url, accept="application/atom+xml, application/rss+xml, */*;q=0.5")
    parsed = feedparser.parse(reply.body, response_headers={
        k.lower(): v for k, v in reply.headers.items()})
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), _HARMLESS):
        raise SourceError(f"{source.url}: malformed feed: {parsed.get('bozo_exception')}")
    if not parsed.get("version"):
        raise SourceError(f"{source.url}: not an RSS or Atom feed")
    feed_lang = parsed.feed.get("language")
    posts = [_entry(source, entry, feed_lang) for entry in parsed.entries]
    return posts

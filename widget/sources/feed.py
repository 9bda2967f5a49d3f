"""RSS 2.0 and Atom feeds, parsed by feedparser; a bad entry is dropped and reported, alone.

Takedowns: a feed holds only its latest entries, so it vouches only for the time it
covers. Its entries are listed (`SourceRead.listed`) with the date of the oldest
(`covers_after`): a stored post of the source dated after it that the feed no longer
has was taken down upstream; older ones simply dropped out of the feed and stay.

Terms: feedparser gives each <category> (RSS) or category (Atom) with its domain or
scheme. Where those say "tag" or "category" (WordPress exports, /tag/ and /category/
URLs), tags and categories stay apart; where the feed cannot tell (WordPress's own
feeds give every term the site's URL), every term is a category.

Conditional GET: the feed's ETag and Last-Modified go back to it (`Fetcher.validators`);
its 304 is `SourceRead.unchanged`, which keeps every stored post and lists none.
Not for WordPress's own feeds, whose validators do not change when a post is unpublished.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import re
import time
from typing import Any

import feedparser

from widget.config import SourceConfig
from widget.model import Image, Post
from widget.sanitize import absolute_http_url, clean_html, excerpt_text, short, title_text, to_text
from widget.sources import fastfeed
from widget.sources.fetch import Fetcher, SourceError, SourceRead, Validators

# These bozo reasons mean "the declared encoding was wrong", not "the feed is broken".
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
# XML 1.0 forbids these bytes; one of them in a title would make the whole feed
# "malformed". In UTF-8 and the 8-bit encodings they are never part of another
# character, so they can go before parsing (not in UTF-16/32, hence the check;
# and ESC only where ISO-2022, which shifts with it, is not declared).
_XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_FORBIDDEN_BUT_ESC = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
_WIDE = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_LANG = re.compile(r"[a-z]{2,3}")
# A term whose domain (RSS) or scheme (Atom) ends in one of these words is a tag: the
# last word of a URL's path or fragment, or the whole value (WordPress exports write
# domain="post_tag"); any other term is a category.
_TAG_WORDS = frozenset({"tag", "tags", "post_tag", "post-tag", "keyword", "keywords"})
_SCHEME_WORD = re.compile(r"[\w-]+(?=[/#]*$)")


class EntryError(ValueError):
    """One entry cannot be imported; the others still can."""


def _time(entry: Any, *keys: str) -> dt.datetime | None:
    for key in keys:
        # NOTE: dict.get skips feedparser's deprecated updated->published fallback mapping.
        parsed: time.struct_time | None = dict.get(entry, key)
        if parsed:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
            except (OverflowError, OSError, ValueError, TypeError):
                continue  # year 99999 and friends: try the next date
    return None


def _int(value: Any) -> int | None:
    """A width or height; upstream "abc" or "-5" just means unknown."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 0 < number < 100_000 else None


def _url(value: Any) -> str | None:
    try:
        return absolute_http_url(value)
    except ValueError:
        return None


def _image(entry: Any) -> Image | None:
    """The entry's image, if it names one by an absolute http(s) URL (never file: or relative)."""
    thumbs = [u for t in entry.get("media_thumbnail", []) if (u := _url(t.get("url")))]
    for media in entry.get("media_content", []):
        url = _url(media.get("url"))
        if url and media.get("medium", "image") == "image":
            return Image(url, _int(media.get("width")), _int(media.get("height")), "",
                         thumbs[0] if thumbs else None)
    if thumbs:
        return Image(thumbs[0], thumbnail=thumbs[0])
    for link in entry.get("links", []):
        url = _url(link.get("href"))
        if url and link.get("rel") == "enclosure" and str(link.get("type", "")).startswith(
                "image/"):
            return Image(url)
    return None


def _lang(value: Any) -> str | None:
    code = str(value).split("-")[0].split("_")[0].strip().lower() if value else ""
    return code if _LANG.fullmatch(code) else None


def _is_tag(scheme: Any) -> bool:
    """Whether a term's domain or scheme marks it as a tag (else it is a category)."""
    match = _SCHEME_WORD.search(str(scheme or "").strip().lower())
    return match is not None and match.group() in _TAG_WORDS


def _terms(entry: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(categories, tags) of an entry; without a scheme that tells, all are categories."""
    categories: list[str] = []
    tags: list[str] = []
    for term in entry.get("tags", []):
        text = to_text(str(term.get("term"))) if term.get("term") else ""
        if text:
            (tags if _is_tag(term.get("scheme")) else categories).append(text)
    return tuple(dict.fromkeys(categories)), tuple(dict.fromkeys(tags))


def _entry_id(source: SourceConfig, entry: Any) -> str | None:
    """The post id an entry has (its id, else its link), dropped or not; None if neither."""
    link = entry.get("link")
    uid = entry.get("id") or (link.strip(" \t\r\n") if isinstance(link, str) else link)
    if not uid:
        return None
    return f"{source.name}-{hashlib.sha256(str(uid).encode(errors='replace')).hexdigest()[:16]}"


def _entry(source: SourceConfig, entry: Any, feed_lang: str | None) -> Post:
    try:
        link = absolute_http_url(entry.get("link"))
    except ValueError as exc:
        raise EntryError(f"link: {exc}") from None
    published = _time(entry, "published_parsed", "updated_parsed", "created_parsed")
    if published is None:
        raise EntryError("no publication date")
    modified = _time(entry, "updated_parsed") or published
    first = (entry.get("content") or [{}])[0]
    content = str(first.get("value") or entry.get("summary") or "")
    # Relative links in the content resolve against its xml:base when it declares an
    # absolute one (feedparser keeps it; its own resolving is off, see _parse), else
    # against the entry's link.
    detail = first if first.get("value") else (entry.get("summary_detail") or {})
    base = _url(detail.get("base")) or link
    summary = str(entry.get("summary") or content)
    categories, tags = _terms(entry)
    return Post(
        id=_entry_id(source, entry) or "",
        source=source.name,
        url=link,
        title=title_text(str(entry.get("title") or "")) or link,
        excerpt=excerpt_text(summary),
        content_html=clean_html(content, base=base),
        published=published,
        modified=max(modified, published),
        categories=categories,
        tags=tags,
        image=_image(entry),
        lang=_lang(source.lang) or _lang(first.get("language")) or _lang(feed_lang),
    )


def _parse(url: str, body: bytes, content_type: str) -> Any:
    if not body.startswith(_WIDE) and b"\x00" not in body[:4]:
        shifts = b"iso-2022" in body[:200].lower()
        body = (_XML_FORBIDDEN_BUT_ESC if shifts else _XML_FORBIDDEN).sub(b"", body)
    # PERF: a plain RSS 2.0 or Atom 1.0 feed is read by xml.etree's C parser with
    # feedparser's rules (widget/sources/fastfeed.py, tests/test_fastfeed.py); for
    # anything else it answers None and feedparser reads the feed.
    if (fast := fastfeed.parse(body, content_type)) is not None:
        return fast
    try:
        # NOTE: a file object, never bytes or str: feedparser opens a str or bytes that
        # looks like a path or URL (api._open_resource); of a file object it only
        # calls .read(). Only the Content-Type goes along, for the encoding; upstream
        # Content-Location would become the base of relative links.
        # PERF: feedparser's own sanitising and link resolving are off: both run its
        # pure-Python HTML parser over every entry's every field (half the time of a
        # large feed's sync), and clean_html does both again anyway (nh3, links
        # resolved against the content's xml:base or the entry's link, see _entry).
        return feedparser.parse(io.BytesIO(body), response_headers=(
            {"content-type": content_type} if content_type else {}),
            sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # feedparser is a large parser of hostile input
        raise SourceError(f"{url}: malformed feed: {type(exc).__name__}: {exc}") from None


def _wordpress(parsed: Any) -> bool:
    """Whether WordPress wrote the feed: its ETag and Last-Modified follow the newest
    modification of a *published* post only, so a post trashed, made private or sent
    back to draft leaves them as they were, and a 304 would hide the takedown."""
    feed = parsed.get("feed", {})
    detail = feed.get("generator_detail") or {}
    said = f"{feed.get('generator', '')} {detail.get('href', '')}".lower()
    return "wordpress.org" in said or said.strip().startswith("wordpress")


def read_feed(source: SourceConfig, fetcher: Fetcher) -> SourceRead:
    reply = fetcher.get(source.url, accept="application/atom+xml, application/rss+xml, */*;q=0.5")
    if reply.not_modified:  # nothing changed since the last read: no listing, no takedowns
        return SourceRead([], unchanged=True, validators=fetcher.validators)
    parsed = _parse(source.url, reply.body, reply.headers.get("Content-Type", ""))
    if not parsed.get("version"):
        raise SourceError(f"{source.url}: not an RSS or Atom feed")
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), _HARMLESS):
        raise SourceError(f"{source.url}: malformed feed: {parsed.get('bozo_exception')}")
    feed_lang = parsed.feed.get("language")
    posts: list[Post] = []
    problems: list[str] = []
    listed: set[str] = set()  # dropped entries too: still published upstream
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            if (post_id := _entry_id(source, entry)) is not None:
                listed.add(post_id)
            posts.append(_entry(source, entry, feed_lang))
        except Exception as exc:  # noqa: BLE001 - one entry never fails the feed
            reason = str(exc) if isinstance(exc, EntryError) else f"{type(exc).__name__}: {exc}"
            title = short(to_text(str(entry.get("title") or "")), 60)
            problems.append(f"entry {number} {title}: {reason}; dropped")
    # An empty feed covers no time at all (a broken export looks just like one).
    oldest = min((p.published for p in posts), default=None)
    return SourceRead(posts, problems, listed=frozenset(listed) if oldest else None,
                      covers_after=oldest,
                      validators=Validators() if _wordpress(parsed) else reply.validators)

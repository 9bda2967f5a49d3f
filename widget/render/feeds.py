"""Feeds out: Atom 1.0 and JSON Feed 1.1 of the posts, Atom of hunger-strike events.

Pure functions of the snapshot (and, for the events, the current instant: only to
leave out events dated in the future, such as an announced strike's first day or the
day a confirmation runs out).
Nothing here depends on today's date otherwise, so the bytes change with the
snapshot's version and with the arrival of a stored future date, never at midnight.

- Atom is built with xml.etree.ElementTree, which escapes text and attributes;
  characters XML 1.0 cannot carry are dropped first.
- Post entries are the snapshot's posts, newest first, at most MAX_POSTS.
- Strike events are derived from the stored dates and the confirmation rule
  (widget.days) only: started (start_date; "first reported" when the start is
  unknown), confirmed ongoing (last_confirmed, with that day's number), not
  confirmed (unverified_after_days after the last confirmation, the day the widgets
  stop telling a current count), ended or suspended (end_date, with the final day
  count). A confirmation on the start date or on or after the end date adds nothing
  to those events and is not an event of its own. Removed strikes (tombstones)
  produce no events at all.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import orjson

from widget import i18n, routes
from widget.days import DEFAULT_RULE, ConfirmationRule
from widget.model import Post
from widget.query import post_timezone
from widget.render import phrases
from widget.render.events import (
    CONFIRMED,
    ENDED,
    RANK,
    REPORTED,
    STARTED,
    SUSPENDED,
    UNVERIFIED,
    StrikeEvent,
    events_of,
)
from widget.render.html import Site
from widget.snapshot import Snapshot
from widget.values import iso

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
MAX_POSTS = 50
# The date in every tag: URI this service mints (RFC 4151). It names when the
# naming scheme was set up, not when anything happened: never change it.
TAG_DATE = "2025"
# An empty feed still needs an <updated>; a constant keeps its bytes (and ETag) stable.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

POSTS_ATOM = routes.POSTS_ATOM.template
POSTS_JSON = routes.POSTS_JSON.template
STRIKES_ATOM = routes.STRIKES_ATOM.template

# XML 1.0 allows tab, newline, carriage return and these ranges; anything else is dropped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def tag_uri(base_url: str, specific: str) -> str:
    """A stable tag: URI (RFC 4151) in this service's name: tag:HOST,2025:SPECIFIC."""
    host = (urlsplit(base_url).hostname or "localhost").lower()
    return f"tag:{host},{TAG_DATE}:{specific}"


def _path_part(value: str) -> str:
    return quote(value, safe="-._~")


# --- Atom helpers ---------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _link(parent: ET.Element, rel: str, href: str, type_: str | None = None) -> None:
    attrs = {"rel": rel, "href": href}
    if type_:
        attrs["type"] = type_
    _sub(parent, "link", **attrs)


def _feed(site: Site, feed_id: str, title: str, updated: str, self_url: str,
          alternates: Iterable[tuple[str, str]], lang: str | None = None) -> ET.Element:
    # The default namespace as a plain attribute: no process-wide register_namespace().
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    if lang:
        feed.set(XML_LANG, lang)
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title, type="text")
    _sub(feed, "updated", updated)
    _link(feed, "self", self_url, "application/atom+xml")
    for href, type_ in alternates:
        _link(feed, "alternate", href, type_)
    author = _sub(feed, "author")
    _sub(author, "name", site.name)
    if site.url:
        _sub(author, "uri", site.url)
    return feed


def _xml_bytes(feed: ET.Element) -> bytes:
    ET.indent(feed)  # only white space between elements; no text node changes
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _home(site: Site, fallback_path: str) -> str:
    return site.url or site.base_url + fallback_path


# --- posts ----------------------------------------------------------------------------


def feed_posts(snapshot: Snapshot) -> tuple[Post, ...]:
    """The posts a feed carries: newest first (the snapshot's order), at most MAX_POSTS."""
    return tuple(snapshot.whole(snapshot.posts[:MAX_POSTS]))


def post_id(post: Post, base_url: str) -> str:
    return tag_uri(base_url, f"post/{_path_part(post.id)}")


def _terms(post: Post) -> list[str]:
    return list(dict.fromkeys(t for t in (*post.categories, *post.tags) if t))


def _posts_updated(posts: Iterable[Post]) -> dt.datetime:
    return max((p.modified for p in posts), default=EPOCH)


def _local(value: dt.datetime, timezone: str) -> str:
    """An instant with the organisation's offset, so that the date its readers see is
    the organisation's (2025-07-14T00:30:00+02:00, not 2025-07-13T22:30:00Z); in UTC
    as the API writes it."""
    if timezone == "UTC":
        return iso(value)
    return value.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")


def posts_atom(snapshot: Snapshot, site: Site) -> bytes:
    posts = feed_posts(snapshot)
    base = site.base_url
    zone = post_timezone(snapshot, site.timezone)
    updated = iso(EPOCH) if not posts else _local(_posts_updated(posts), zone)
    feed = _feed(site, tag_uri(base, "feed/posts"), site.name, updated,
                 base + POSTS_ATOM,
                 [(_home(site, routes.EMBED_NEWS.template), "text/html"),
                  (base + POSTS_JSON, "application/feed+json")])
    for post in posts:
        item = _sub(feed, "entry")
        if post.lang:
            item.set(XML_LANG, post.lang)
        # Relative links in the content resolve against the post, as on its own page.
        item.set(XML_BASE, xml_text(post.url))
        _sub(item, "id", post_id(post, base))
        _sub(item, "title", post.title, type="text")
        _link(item, "alternate", post.url, "text/html")
        _sub(item, "published", _local(post.published, zone))
        _sub(item, "updated", _local(post.modified, zone))
        for term in _terms(post):
            _sub(item, "category", term=term)
        if post.excerpt:
            _sub(item, "summary", post.excerpt, type="text")
        if post.content_html:
            _sub(item, "content", post.content_html, type="html")
    return _xml_bytes(feed)


def _json_item(post: Post, base: str, zone: str = "UTC") -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": post_id(post, base),
        "url": post.url,
        "title": post.title,
    }
    # JSON Feed: an item has content_html or content_text (or both).
    if post.content_html:
        item["content_html"] = post.content_html
    else:
        item["content_text"] = post.excerpt or post.title
    if post.excerpt:
        item["summary"] = post.excerpt
    item["date_published"] = _local(post.published, zone)
    item["date_modified"] = _local(post.modified, zone)
    item["tags"] = _terms(post)
    # Only this service's copy: a reader showing the image sends nothing to upstream.
    if post.image is not None and post.image.local:
        item["image"] = base + post.image.local
    if post.lang:
        item["language"] = post.lang
    return item


def posts_json(snapshot: Snapshot, site: Site) -> bytes:
    base = site.base_url
    author: dict[str, str] = {"name": site.name}
    if site.url:
        author["url"] = site.url
    document = {
        "version": JSON_FEED_VERSION,
        "title": site.name,
        "home_page_url": _home(site, routes.EMBED_NEWS.template),
        "feed_url": base + POSTS_JSON,
        "authors": [author],
        "items": [_json_item(p, base, post_timezone(snapshot, site.timezone))
                  for p in feed_posts(snapshot)],
    }
    return orjson.dumps(document) + b"\n"


# --- strike events --------------------------------------------------------------------

_LABELS = {STARTED: "Started", REPORTED: "First reported", CONFIRMED: "Confirmed ongoing",
           UNVERIFIED: "Not confirmed", ENDED: "Ended", SUSPENDED: "Suspended"}


def strike_events(snapshot: Snapshot, rule: ConfirmationRule = DEFAULT_RULE
                  ) -> tuple[StrikeEvent, ...]:
    """Every event of every listed strike, newest first; ties in a fixed order.

    Removed strikes are not in `snapshot.strikes`: their events are gone with them.
    """
    events = [e for slug in sorted(snapshot.strikes)
              for e in events_of(snapshot.strikes[slug], rule)]
    # A stable sort, reversed: equal keys keep the slug order.
    events.sort(key=lambda e: (e.at.astimezone(dt.UTC), RANK[e.kind]), reverse=True)
    return tuple(events)


def due_events(events: Iterable[StrikeEvent], now: dt.datetime) -> tuple[StrikeEvent, ...]:
    """The events that have happened by `now`: an announced start is not news yet."""
    return tuple(e for e in events if e.at <= now)


def _days(n: int | None) -> str:
    return "1 day" if n == 1 else f"{n} days"


def event_title(event: StrikeEvent) -> str:
    strike, noun = event.strike, phrases.KINDS[event.strike.kind].noun
    end = phrases.ending(strike)
    if event.kind == STARTED:
        what = f"{noun} started"
    elif event.kind == REPORTED:
        what = f"{noun} reported ongoing"
    elif event.kind == CONFIRMED:
        what = f"{noun} confirmed ongoing" + (f", day {event.day}" if event.day else "")
    elif event.kind == UNVERIFIED:
        last = strike.last_confirmed or strike.start_date
        what = f"{noun} not confirmed since {i18n.long_date(last, 'en')}"
        if event.day is not None:
            what += f" (day {event.day})"
    elif end is not None:
        what = (end.feed.format(noun=noun, days=_days(event.day), n=event.day)
                if event.day is not None else end.feed_uncounted.format(noun=noun))
    else:  # not reached: only a stopped strike has an end event
        what = f"{noun} {event.kind}"
    return f"{strike.name}: {what}"


def event_summary(event: StrikeEvent, site: Site) -> str:
    strike = event.strike
    start = strike.start_date
    if event.kind in (ENDED, SUSPENDED):
        dates = phrases.date_range(start, event.date, "en")
        if not strike.start_known:
            span = f"reported {'on ' if start == event.date else ''}{dates}"
        elif event.day is None:
            span = dates
        else:
            on = "on " if start == event.date else ""
            span = f"{on}{dates} ({_days(event.day)})"
    else:
        since = "since" if strike.start_known else "reported since"
        span = f"{since} {i18n.long_date(start, 'en')}"
    parts = [f"{phrases.KINDS[strike.kind].summary}, {span}.",
             f"Place: {strike.place}, {site.country(strike.country, 'en')}."]
    if event.kind == UNVERIFIED:
        parts.append("No one has confirmed it since: the widgets no longer show a current "
                     "day count, only the last confirmed one.")
    if strike.participants and strike.participants > 1:
        parts.append(f"{strike.participants} people on hunger strike.")
    if strike.demands:
        parts.append("Demands: " + "; ".join(strike.demands) + ".")
    return " ".join(parts)


def event_id(event: StrikeEvent, base_url: str) -> str:
    specific = f"strike/{_path_part(event.strike.slug)}/{event.kind}"
    if event.kind in (CONFIRMED, UNVERIFIED):
        # Each new confirmation (and its lapse) is news of its own, not an edit of the
        # previous one.
        specific += f"/{event.date.isoformat()}"
    return tag_uri(base_url, specific)


def _rfc3339(value: dt.datetime) -> str:
    """With the strike's own offset, so the local date stays visible: 2025-07-13T00:00:00+02:00."""
    return value.isoformat(timespec="seconds")


def strikes_atom(snapshot: Snapshot, site: Site, now: dt.datetime, slug: str = "") -> bytes:
    """The events of every listed strike, or with `slug` of that strike alone (the feed
    its page offers to follow)."""
    base = site.base_url
    events = due_events(strike_events(snapshot, site.rule), now)
    if slug:
        strike = snapshot.strikes[slug]
        events = tuple(e for e in events if e.strike.slug == slug)
        updated = _rfc3339(events[0].at) if events else iso(EPOCH)
        page = base + routes.STRIKE_PAGE.path(slug=_path_part(slug))
        feed = _feed(site, tag_uri(base, f"feed/strikes/{_path_part(slug)}"),
                     f"{site.name}: {strike.name}: hunger strike", updated,
                     f"{base}{STRIKES_ATOM}?strike={slug}", [(page, "text/html")], lang="en")
    else:
        updated = _rfc3339(events[0].at) if events else iso(EPOCH)
        feed = _feed(site, tag_uri(base, "feed/strikes"), f"{site.name}: hunger strikes",
                     updated, base + STRIKES_ATOM,
                     [(_home(site, f"{routes.EMBED_STRIKES.template}?status=all"), "text/html")],
                     lang="en")
    for event in events:
        strike = event.strike
        item = _sub(feed, "entry")
        _sub(item, "id", event_id(event, base))
        _sub(item, "title", event_title(event), type="text")
        # The strike's own page: what a feed reader opens and shares.
        page = routes.STRIKE_PAGE.path(slug=_path_part(strike.slug))
        _link(item, "alternate", base + page, "text/html")
        for url in dict.fromkeys((*strike.related_posts, *strike.sources)):
            _link(item, "related", url)
        when = _rfc3339(event.at)
        _sub(item, "published", when)
        _sub(item, "updated", when)
        _sub(item, "category", term=event.kind, label=_LABELS[event.kind])
        _sub(item, "summary", event_summary(event, site), type="text")
    return _xml_bytes(feed)

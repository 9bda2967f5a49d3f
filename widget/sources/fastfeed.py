"""A fast path for plain RSS 2.0 and Atom 1.0 feeds: xml.etree's C parser, then the
few of feedparser's rules that shape what widget/sources/feed.py reads.

`parse` gives what `feedparser.parse(..., sanitize_html=False,
resolve_relative_uris=False)` gives, as far as feed.py reads it (entry link, id,
title, summary, summary_detail, content, *_parsed dates, tags, links, media_content,
media_thumbnail; feed language, generator, generator_detail; version, bozo), or None.
PERF: entries and what they hold are plain dicts, not FeedParserDicts, whose .get is
the same for every key feed.py reads (none is one of its aliases) and three times
slower; and the "type" of a detail is the declared one (feedparser makes text/plain
that looks like HTML text/html: feed.py never reads it). On None,
feedparser parses the feed, as before. None is the answer to anything this
module does not model exactly: another dialect (RSS 0.9x/1.0, Atom 0.3, CDF), a
DOCTYPE or any other declaration (so no entities beyond the XML five and character
references, no DTD, nothing external), a parse error, a namespace or element it does
not know, an attribute in a foreign namespace, markup inside a text element (xhtml
content, say), base64 or other content types, and dates in any but the common RFC 822
and W3C-DTF forms. The equivalence with feedparser is tests/test_fastfeed.py's.

The rules are feedparser 6's own (mixin.py, namespaces/_base.py), kept in its order,
quirks included: xml:base that outlives its element when the parent had none, a
<description> after a summary that becomes content, a guid that is a permalink giving
the link, titles that count only once per depth, &amp; undone in links, the latin-1
read as UTF-8 and cp1252 fixes of every text value.

Long on purpose: one emulation of one parser's rules; split, its state would have to
travel between modules.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import pyexpat
import re
import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from feedparser import FeedParserDict
from feedparser.encodings import convert_to_utf8
from feedparser.urls import make_safe_absolute_uri

# Entity expansion limits (billion laughs) since expat 2.4.0; no DTD gets here anyway.
SAFE_EXPAT = pyexpat.version_info >= (2, 4, 0)

_XML_URI = "http://www.w3.org/XML/1998/namespace"
_ATOM = "http://www.w3.org/2005/Atom"
# The namespaces modelled, with feedparser's prefix for each. A document must use
# that prefix (for Atom: none, or "atom"), as feedparser maps prefixes, not URIs.
_NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://wellformedweb.org/commentAPI/": "wfw",
    "http://purl.org/syndication/thread/1.0": "thr",
    _ATOM: "",
}
# ... of which feedparser's own table lacks these: it names their elements by the
# document's prefix, their attributes by the bare name.
_FOREIGN = frozenset({"http://purl.org/syndication/thread/1.0"})
_DECLARATION = re.compile(rb"<!(?!--)")
_FIRST_ELEMENT = re.compile(rb"<\w")
_URIFIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_ENTITY_IN_LINK = re.compile("&([A-Za-z0-9_]+);")
_CP1252 = {c: bytes([c]).decode("cp1252") for c in range(128, 160)
           if c not in (129, 141, 143, 144, 157)}
_C1 = re.compile("[\x80-\x9f]")
_RELATIVE = frozenset({"comments", "docs", "href", "icon", "id", "link", "logo", "url",
                       "wfw_comment", "wfw_commentrss"})
_HTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_TEXT_TYPES = frozenset({"text/plain", "text/html"})
# Elements whose handlers touch nothing feed.py reads (feedparser keeps them under
# other keys), leaves all; author-like ones may hold the leaves after them.
_INERT = frozenset({
    "comments", "docs", "ttl", "wfw_commentrss", "wfw_comment", "slash_comments",
    "sy_updateperiod", "sy_updatefrequency", "sy_updatebase", "icon", "logo", "cloud",
    "thr_total", "thr_in-reply-to", "expirationdate", "rights", "copyright", "dc_rights",
    "subtitle", "tagline", "webmaster", "dc_publisher", "width", "height", "url", "name",
    "email", "uri", "homepage",
})
_AUTHORS = frozenset({"author", "managingeditor", "dc_creator", "dc_author", "contributor"})
_AUTHOR_PARTS = frozenset({"name", "email", "uri", "url", "homepage"})
_DATES = {"pubdate": "published", "published": "published", "issued": "published",
          "dcterms_issued": "published", "updated": "updated", "modified": "updated",
          "lastbuilddate": "updated", "dc_date": "updated", "dcterms_modified": "updated",
          "created": "created", "dcterms_created": "created"}
_CATEGORIES = frozenset({"category", "dc_subject", "keywords", "media_category"})
_KEEP_IMAGE = frozenset({"title", "link", "description", "url", "href", "width", "height"})

_MONTHS = {m: n for n, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    start=1)}
_ZONES = {"ut": 0, "gmt": 0, "z": 0, "utc": 0, "edt": -4, "est": -5, "cdt": -5, "cst": -6,
          "mdt": -6, "mst": -7, "pdt": -7, "pst": -8}
_RFC822 = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(\d{1,2})\s+"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(?:([a-z]+)|([+-])(\d\d):?(\d\d))")
_W3DTF = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)t(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:(z)|([+-])(\d\d):(\d\d))")


class Unsupported(Exception):
    """Something this fast path does not model: feedparser reads the feed instead."""


def parse(body: bytes, content_type: str) -> Any:
    """feedparser's result for `body`, as far as feed.py reads it; None to ask feedparser."""
    if not SAFE_EXPAT or not body:
        return None
    result = FeedParserDict(bozo=False, entries=[], feed=FeedParserDict(), headers={})
    result["headers"].update({"content-type": content_type} if content_type else {})
    data = convert_to_utf8(result["headers"], body, result)
    if not result["encoding"]:
        return None  # feedparser's loose parser, then
    first = _FIRST_ELEMENT.search(data)
    if first is None or _DECLARATION.search(data, 0, first.start()):
        return None  # a DOCTYPE or an entity declaration: feedparser decides
    # PERF: the tree and the entries are some 10 objects per element and no cycles;
    # the collector's passes over them were a quarter of the time of a large feed.
    collecting = gc.isenabled()
    gc.disable()
    try:
        events = ET.iterparse(io.BytesIO(data), events=("start-ns",))
        declared = [ns for _, ns in events]
        root = events.root  # type: ignore[attr-defined]
        walker = _Walker(_prefixes(declared), {uri: prefix for prefix, uri in declared})
        walker.run(root)
    except Exception:  # noqa: BLE001 - Unsupported, ParseError, or anything unforeseen:
        return None  # feedparser reads it, as it did before this module
    finally:
        if collecting:
            gc.enable()
    result["feed"] = walker.feed
    result["entries"] = walker.entries
    result["version"] = walker.version
    result["namespaces"] = walker.namespaces
    return result


def _prefixes(declared: list[tuple[str, str]]) -> dict[str, str]:
    """URI -> feedparser's prefix, for the namespaces declared (Unsupported if foreign)."""
    seen: dict[str, str] = {}
    named: dict[str, str] = {}
    for prefix, uri in declared:
        known = _NAMESPACES.get(uri)
        if (known is None or seen.setdefault(prefix, uri) != uri
                or named.setdefault(uri, prefix) != prefix):
            raise Unsupported(f"namespace {uri!r}")
        if prefix != known and not (known == "" and prefix == "atom"):
            raise Unsupported(f"prefix {prefix!r} for {uri!r}")
    return {uri: _NAMESPACES[uri] for _, uri in declared}


def _urljoin(base: str, uri: str) -> str:
    """feedparser.urls' join (private there)."""
    fixed = _URIFIXER.match(uri)  # PERF: its sub(r"\1\3", uri), without re's template
    if fixed and fixed.group(2):
        uri = fixed.group(1) + uri[fixed.end(2):]
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def _content_type(value: str | None) -> str:
    value = (value or "").lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html",
            "xhtml": "application/xhtml+xml"}.get(value, value)


def _utc(year: int, month: int, day: int, hour: int, minute: int, second: int,
         zone_hours: int, zone_minutes: int) -> time.struct_time:
    try:
        stamp = dt.datetime(year, month, day, hour, minute, second)
        return (stamp - dt.timedelta(hours=zone_hours, minutes=zone_minutes)).utctimetuple()
    except (ValueError, OverflowError):
        raise Unsupported("date out of range") from None


def parse_date(value: str) -> time.struct_time | None:
    """feedparser's date for the common forms (RFC 822, W3C-DTF); Unsupported otherwise."""
    if not value:
        return None
    text = value.lower().strip()
    if m := _W3DTF.fullmatch(text):
        sign = -1 if m[8] == "-" else 1
        hours, minutes = (0, 0) if m[7] else (sign * int(m[9]), sign * int(m[10]))
        return _utc(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0),
                    hours, minutes)
    if m := _RFC822.fullmatch(text):
        if m[7] is not None:
            if m[7] not in _ZONES:
                raise Unsupported(f"time zone {m[7]!r}")
            hours, minutes = _ZONES[m[7]], 0
        else:
            sign = -1 if m[8] == "-" else 1
            hours, minutes = sign * int(m[9]), sign * int(m[10])
        return _utc(int(m[3]), _MONTHS[m[2]], int(m[1]), int(m[4]), int(m[5]),
                    int(m[6] or 0), hours, minutes)
    raise Unsupported(f"date {value!r}")


class _Walker:
    """feedparser's _FeedParserMixin, for the elements above, over an ElementTree."""

    def __init__(self, prefixes: dict[str, str], given: dict[str, str]) -> None:
        self.prefixes = prefixes
        self.given = given  # URI -> the document's prefix for it
        self.namespaces = {prefix: uri for uri, prefix in prefixes.items()}
        self.feed = FeedParserDict()
        self.entries: list[dict[str, Any]] = []
        self.depths: list[dict[str, int]] = []  # feedparser's property_depth_map
        self.version = ""
        self.infeed = self.inentry = self.inimage = self.incontent = 0
        self.has_content = 0
        self.summary_key: str | None = None
        self.guidislink = False
        self.title_depth = -1
        self.depth = 0
        self.baseuri = ""
        self.lang: str | None = None
        self.basestack: list[str] = []
        self.langstack: list[str | None] = []
        self.params: dict[str, Any] = {}
        self.handlers: dict[str, Callable[[str, dict[str, str], ET.Element], None]] = {
            "title": self._title, "dc_title": self._title, "media_title": self._title,
            "link": self._link, "guid": self._guid, "id": self._guid,
            "description": self._description, "dc_description": self._description,
            "media_description": self._description, "summary": self._summary,
            "content": self._content, "content_encoded": self._content,
            "enclosure": self._enclosure, "media_content": self._media_content,
            "media_thumbnail": self._media_thumbnail, "generator": self._generator,
            "language": self._language, "dc_language": self._language,
            "item": self._item, "entry": self._item, "image": self._image,
        }

    # --- the walk: feedparser's unknown_starttag and unknown_endtag ------------------

    def run(self, root: ET.Element) -> None:
        name = self._name(root)
        if root.tag == "rss" and root.get("version") == "2.0":
            self.version = "rss20"
        elif name == "feed" and root.tag == f"{{{_ATOM}}}feed":
            self.version = "atom10"
        else:
            raise Unsupported(f"root {root.tag!r}")
        self._element(root, name, top=True)

    def _name(self, element: ET.Element) -> str:
        tag = element.tag
        if not isinstance(tag, str):
            raise Unsupported("not an element")
        uri, _, local = tag[1:].rpartition("}") if tag[0] == "{" else ("", "", tag)
        prefix = self.prefixes.get(uri) if uri else ""
        if prefix is None or (not uri and self.version == "atom10"):
            raise Unsupported(f"element {tag!r}")
        if "_" in local:  # feedparser would take "a_b" for a prefixed name
            raise Unsupported(f"element {tag!r}")
        name = f"{prefix}_{local.lower()}" if prefix else local.lower()
        return name

    def _attributes(self, element: ET.Element) -> dict[str, str]:
        """feedparser's attributes (parsers/strict.py, then _normalize_attributes): a
        namespaced one under prefix:name and, again, its bare name."""
        attrs: dict[str, str] = {}
        qnames: list[tuple[str, str]] = []
        for key, value in element.attrib.items():
            if key[0] == "{":
                uri, _, local = key[1:].partition("}")
                if uri == _XML_URI:
                    prefix = given = "xml"
                elif (given := self.given.get(uri, "")) == "":
                    raise Unsupported(f"attribute {key!r}")
                else:
                    prefix = "" if uri in _FOREIGN else self.prefixes[uri]
                attrs[f"{prefix}:{local}".lower() if prefix else local.lower()] = value
                qnames.append((f"{given}:{local}".lower(), value))
            else:
                attrs[key.lower()] = value
                qnames.append((key.lower(), value))
        attrs.update(qnames)
        for name in ("rel", "type"):
            if name in attrs:
                attrs[name] = attrs[name].lower()
        return attrs

    def _element(self, element: ET.Element, name: str, top: bool = False) -> None:
        attrs = self._attributes(element)
        self._enter(name, attrs, top)
        handler = self.handlers.get(name)
        if top:
            self._root(element)
        elif name == "channel" and self.depth == 2 and self.version == "rss20":
            self._channel(attrs, element)
        elif handler is not None:
            handler(name, attrs, element)
        elif name in _DATES:
            self._date(name, attrs, element)
        elif name in _CATEGORIES:
            self._category(name, attrs, element)
        elif name in _AUTHORS:
            self._children(element, _AUTHOR_PARTS)
        elif name in _INERT:
            self._leaf(element)
        else:
            raise Unsupported(f"element {name!r}")
        self._leave()

    def _enter(self, name: str, attrs: dict[str, str], top: bool) -> None:
        """unknown_starttag before the element's handler: depth, xml:base, xml:lang."""
        self.depth += 1
        base = attrs.get("xml:base", attrs.get("base")) or self.baseuri
        if self.baseuri:
            self.baseuri = make_safe_absolute_uri(self.baseuri, base) or self.baseuri
        elif base:  # PERF: joining "" and "" gives ""
            self.baseuri = _urljoin(self.baseuri, base)
        lang = attrs.get("xml:lang", attrs.get("lang"))
        if lang == "":
            lang = None
        elif lang is None:
            lang = self.lang
        if lang and top:
            self.feed["language"] = lang.replace("_", "-")
        self.lang = lang
        self.basestack.append(self.baseuri)
        self.langstack.append(lang)
        if "_" not in name and name not in _KEEP_IMAGE:
            self.inimage = 0

    def _leave(self) -> None:
        """unknown_endtag after the element's handler (a parent without a base keeps
        the child's: feedparser's way)."""
        self.basestack.pop()
        if self.basestack and self.basestack[-1]:
            self.baseuri = self.basestack[-1]
        self.langstack.pop()
        if self.langstack:
            self.lang = self.langstack[-1]
        self.depth -= 1

    def _children(self, element: ET.Element, allowed: frozenset[str] | None = None) -> None:
        for child in element:
            name = self._name(child)
            if allowed is not None and name not in allowed:
                raise Unsupported(f"element {name!r} in {element.tag!r}")
            self._element(child, name)

    @staticmethod
    def _leaf(element: ET.Element) -> str:
        if len(element):
            raise Unsupported(f"markup in {element.tag!r}")
        return element.text or ""

    # --- feedparser's push/pop ----------------------------------------------------

    def _context(self) -> Any:
        if self.inimage and "image" in self.feed:
            return self.feed["image"]
        if self.inentry:
            return self.entries[-1]
        return self.feed

    def _detail(self, value: str) -> Any:
        return {**self.params, "value": value}

    def _pop(self, element: str, text: str, expecting: Any = 1) -> str:
        output = text.strip()
        if not expecting:
            return output
        if element in _RELATIVE and output and (element != "id" or self.guidislink):
            output = _urljoin(self.baseuri or "", output)
        if not output.isascii():  # PERF: both are no-ops on ASCII
            try:
                output = output.encode("iso-8859-1").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
            if _C1.search(output):
                output = output.translate(_CP1252)
        if element == "category" or element == "title" and -1 < self.title_depth <= self.depth:
            return output
        if self.inentry:
            return self._store_entry(element, output)
        if self.infeed:
            return self._store_feed(element, output)
        return output

    def _store_entry(self, element: str, output: str) -> str:
        entry = self.entries[-1]
        if element == "content":
            entry.setdefault("content", []).append(self._detail(output))
        elif element == "link":
            if not self.inimage:
                if "&" in output:
                    output = _ENTITY_IN_LINK.sub(r"&\g<1>", output.replace("&amp;", "&"))
                entry["link"] = output
                if output:
                    entry["links"][-1]["href"] = output
        else:
            if element == "description":
                element = "summary"
            depths = self.depths[-1]
            old = depths.get(element)
            if old is None or self.depth <= old:
                depths[element] = self.depth
                # FeedParserDict would store "url" as "href" (its keymap)
                entry["href" if element == "url" else element] = output
            if self.incontent:
                entry[element + "_detail"] = self._detail(output)
        return output

    def _store_feed(self, element: str, output: str) -> str:
        context = self._context()
        if element == "description":
            element = "subtitle"
        context[element] = output
        if element == "link":
            output = _ENTITY_IN_LINK.sub(r"&\g<1>", output)
            context[element] = output
            context["links"][-1]["href"] = output
        elif self.incontent:
            context[element + "_detail"] = self._detail(output)
        return output

    def _push_content(self, attrs: dict[str, str], default_type: str) -> None:
        if "mode" in attrs:
            raise Unsupported("content mode")
        kind = _content_type(attrs.get("type", default_type))
        if kind not in _TEXT_TYPES:
            raise Unsupported(f"content type {kind!r}")
        self.incontent += 1
        if self.lang:
            self.lang = self.lang.replace("_", "-")
        self.params = {"type": kind, "language": self.lang, "base": self.baseuri}

    def _pop_content(self, element: str, text: str, expecting: Any = 1) -> str:
        value = self._pop(element, text, expecting)
        self.incontent -= 1
        self.params = {}
        return value

    # --- the handlers ---------------------------------------------------------------

    def _root(self, element: ET.Element) -> None:
        self.infeed = int(self.version == "atom10")  # _start_feed; _start_rss does not
        self._children(element)
        self.infeed = 0

    def _channel(self, attrs: dict[str, str], element: ET.Element) -> None:
        if "lastmod" in attrs or "href" in attrs:
            raise Unsupported("CDF")
        self.infeed = 1
        self._children(element)
        self.infeed = 0

    def _item(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        if "lastmod" in attrs or "href" in attrs or self.inentry:
            raise Unsupported("CDF or nested item")
        self.entries.append({})
        self.depths.append({})
        self.inentry = 1
        self.guidislink = False
        self.title_depth = -1
        self._children(element)
        self.inentry = 0
        self.has_content = 0

    def _image(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        if self.inentry:
            raise Unsupported("an image in an item")
        self._context().setdefault("image", FeedParserDict())
        self.inimage = 1
        self.title_depth = -1
        self._children(element)
        self.inimage = 0

    def _title(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        text = self._leaf(element)
        self._push_content(attrs, "text/plain")
        value = self._pop_content("title", text, self.infeed or self.inentry)
        if value and name != "media_title":
            self.title_depth = self.depth

    def _link(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        text = self._leaf(element)
        attrs = dict(attrs)
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self"
                         else "text/html")
        context = self._context()
        attrs = _enforce_href(attrs)
        if "href" in attrs:
            attrs["href"] = _urljoin(self.baseuri or "", attrs["href"])
        context.setdefault("links", [])
        context["links"].append(attrs)
        if "href" in attrs:
            if attrs.get("rel") == "alternate" and _content_type(attrs.get("type")) in _HTML_TYPES:
                context["link"] = attrs["href"]
        else:
            self._pop("link", text, self.infeed or self.inentry)

    def _guid(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        text = self._leaf(element)
        self.guidislink = attrs.get("ispermalink", "true") == "true"
        value = self._pop("id", text)
        context = self._context()
        context.setdefault("guidislink", self.guidislink and "link" not in context)
        if self.guidislink:
            context.setdefault("link", value)

    def _description(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        if "summary" in self._context() and not self.has_content:
            self.summary_key = "content"
            self._content("content", attrs, element)
        else:
            text = self._leaf(element)
            self._push_content(attrs, "text/html")
            self._pop_content("description", text, self.infeed or self.inentry)
        self.summary_key = None

    def _summary(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        if "summary" in self._context() and not self.has_content:
            self.summary_key = "content"
            self._content("content", attrs, element)
        else:
            text = self._leaf(element)
            self.summary_key = "summary"
            self._push_content(attrs, "text/plain")
            self._pop_content("summary", text)
        self.summary_key = None

    def _content(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        text = self._leaf(element)
        self.has_content = 1
        self._push_content(attrs, "text/html" if name == "content_encoded" else "text/plain")
        if name == "content" and attrs.get("src"):
            self.params["src"] = attrs["src"]
        # _end_content: every type let through is one it copies to the summary.
        value = self._pop_content("content", text)
        self._context().setdefault("summary", value)

    def _date(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        key = _DATES[name]
        value = self._pop(key, self._leaf(element))
        context = self._context()
        try:
            parsed = parse_date(value)
        except Unsupported:
            if context is not self.feed:
                raise
            parsed = None  # the feed's own dates: never read
        context[f"{key}_parsed"] = parsed

    def _category(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        text = self._leaf(element)
        if name == "media_category":
            attrs = dict(attrs)
            attrs.setdefault("scheme", "http://search.yahoo.com/mrss/category_schema")
        self._add_tag(attrs.get("term"), attrs.get("scheme", attrs.get("domain")),
                      attrs.get("label"))
        value = self._pop("category", text)
        if not value:
            return
        tags = self._context()["tags"]
        if tags and not tags[-1]["term"]:
            tags[-1]["term"] = value
        else:
            self._add_tag(value, None, None)

    def _add_tag(self, term: str | None, scheme: str | None, label: str | None) -> None:
        tags = self._context().setdefault("tags", [])
        if not term and not scheme and not label:
            return
        value = {"term": term, "scheme": scheme, "label": label}
        if value not in tags:
            tags.append(value)

    def _enclosure(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        self._leaf(element)
        attrs = _enforce_href(dict(attrs))
        attrs["rel"] = "enclosure"
        self._context().setdefault("links", []).append(attrs)

    def _media_content(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        self._leaf(element)
        self._context().setdefault("media_content", []).append(attrs)

    def _media_thumbnail(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        text = self._leaf(element)
        context = self._context()
        context.setdefault("media_thumbnail", []).append(attrs)
        url = self._pop("url", text)
        context = self._context()
        if url.strip() and "url" not in context["media_thumbnail"][-1]:
            context["media_thumbnail"][-1]["url"] = url

    def _generator(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        text = self._leaf(element)
        if attrs:
            attrs = _enforce_href(dict(attrs))
            if "href" in attrs:
                attrs["href"] = _urljoin(self.baseuri or "", attrs["href"])
        self._context()["generator_detail"] = FeedParserDict(attrs)
        value = self._pop("generator", text)
        context = self._context()
        if "generator_detail" in context:
            context["generator_detail"]["name"] = value

    def _language(self, name: str, attrs: dict[str, str], element: ET.Element) -> None:
        self.lang = self._pop("language", self._leaf(element))


def _enforce_href(attrs: dict[str, str]) -> dict[str, str]:
    href = attrs.get("url", attrs.get("uri", attrs.get("href", None)))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href
    return attrs

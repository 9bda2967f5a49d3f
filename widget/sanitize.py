"""Upstream HTML is untrusted: content is sanitised with nh3, titles and excerpts become text."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

# NOTE: no <img>: content images are remote (tracking pixels, WordPress's emoji images)
# and widgets load images from this service only; the post's thumbnail is copied instead.
_CONTENT_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s",
    "small", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
})
_CONTENT_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
_SPACE_BUT_NBSP = re.compile(r"[^\S\u00a0]+")
# What only an HTML parser reads right: a tag, an entity, a byte-order mark (dropped at
# the start), a lone surrogate (no UTF-8 for it: refused as the parser refuses it).
_NEEDS_PARSER = re.compile(r"[<&\ufeff\ud800-\udfff]")
# C0 controls but tab, newline and carriage return; DEL and C1: never text, often tricks.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Inside a URL, any white space or control character: "java\tscript:" is javascript:
# to a browser, and urlsplit itself quietly deletes tabs and newlines.
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f]")
# WordPress ends automatic excerpts with " [&hellip;]" or a "Continue reading" link.
_MORE = re.compile(r"\s*(\[(?:…|\.\.\.)\]|…|\.\.\.)\s*$")


def strip_controls(text: str) -> str:
    return _CONTROLS.sub("", text)


def short(value: object, limit: int = 80) -> str:
    """repr() of an upstream value, cut so that one message stays one readable line."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def absolute_http_url(value: object) -> str:
    """`value` if it is an absolute http(s) URL with a host; ValueError saying why not."""
    if not isinstance(value, str):
        raise ValueError(f"{short(value)} is not a URL")
    url = value.strip(" \t\r\n")
    if not url:
        raise ValueError("empty")
    if _URL_FORBIDDEN.search(url):
        raise ValueError(f"{short(url)} contains white space or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError(f"{short(url)} is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{short(url)} is not an absolute http(s) URL")
    # Where Python and browsers read a URL differently, the stored host would mislead:
    # browsers take "\\" for "/", and nothing may follow "]" but a port.
    authority = url.split("//", 1)[1].split("/", 1)[0]
    if "\\" in url or ("]" in authority and not re.fullmatch(r".*\](:\d*)?", authority)):
        raise ValueError(f"{short(url)} is not a valid URL")
    return url


def _keep_link(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        if value.lower().startswith("mailto:"):
            return value
        try:
            return absolute_http_url(value)
        except ValueError:
            return None  # "http:evil" is relative to a browser
    return value


def clean_html(fragment: str, base: str | None = None) -> str:
    """Safe HTML: known tags only, no images, links absolute (resolved against `base`)."""
    cleaned = nh3.clean(
        strip_controls(fragment),
        tags=set(_CONTENT_TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in _CONTENT_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        # A relative href means nothing away from the upstream page: resolve it or drop it.
        url_relative=("rewrite_with_base", base) if base else "deny",
        link_rel="noopener noreferrer nofollow",
    )
    # A second pass, once links are resolved: what is still not absolute goes.
    return nh3.clean(cleaned, tags=set(_CONTENT_TAGS),
                     attributes={k: set(v) for k, v in _CONTENT_ATTRIBUTES.items()},
                     url_schemes={"http", "https", "mailto"}, attribute_filter=_keep_link,
                     link_rel="noopener noreferrer nofollow")


def to_text(fragment: str, *, keep_nbsp: bool = False) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, white space folded.

    With `keep_nbsp`, no-break spaces (U+00A0, or &nbsp; and its kin) are the editor's
    and stay, as in titles: WordPress puts one before a title's last word so that it
    never stands alone on a line. They are still trimmed at either end."""
    fragment = strip_controls(fragment)
    if _NEEDS_PARSER.search(fragment):
        fragment = strip_controls(html.unescape(
            nh3.clean(fragment, tags=set(), attributes={})))
    # Else it is text already (most titles, terms and feed excerpts): the parser would
    # give it back the same once white space is folded (tests/test_sanitize_text.py),
    # at a tenth of a first sync's time.
    if keep_nbsp:
        return _SPACE_BUT_NBSP.sub(" ", fragment).strip()
    return " ".join(fragment.split())  # str.split's white space is the regex's \s


def title_text(fragment: str) -> str:
    """Plain text of a title's HTML, its no-break spaces kept."""
    return to_text(fragment, keep_nbsp=True)


def excerpt_text(fragment: str, limit: int = 600) -> str:
    """A plain-text excerpt ending on a word, with one ellipsis where text was cut."""
    text = to_text(fragment)
    # (to_text leaves no white space at the end: only these endings can match.)
    cut = text.endswith(("]", "…", "...")) and bool(_MORE.search(text))
    if cut:
        text = _MORE.sub("", text)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–—")
        cut = True
    return text + "…" if cut else text

"""Upstream HTML is untrusted: content is sanitised with nh3, titles and excerpts become text."""

from __future__ import annotations

import html
import re

import nh3

_CONTENT_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s",
    "small", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
})
_CONTENT_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
_SPACE = re.compile(r"\s+")
# WordPress ends automatic excerpts with " [&hellip;]" or a "Continue reading" link.
_MORE = re.compile(r"\s*(\[(?:…|\.\.\.)\]|…|\.\.\.)\s*$")


def clean_html(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(_CONTENT_TAGS),
        attributes={k: set(v) for k, v in _CONTENT_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, white space folded."""
    without_tags = nh3.clean(fragment, tags=set(), attributes={})
    return _SPACE.sub(" ", html.unescape(without_tags)).strip()


def excerpt_text(fragment: str, limit: int = 600) -> str:
    """A plain-text excerpt ending on a word, with one ellipsis where text was cut."""
    text = to_text(fragment)
    cut = bool(_MORE.search(text))
    text = _MORE.sub("", text)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–—")
        cut = True
    return text + "…" if cut else text

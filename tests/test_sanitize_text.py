"""Plain text from upstream HTML (widget.sanitize.to_text): text that holds no markup
skips the HTML parser, and must come out exactly as the parser would give it."""

from __future__ import annotations

import html
import random
import re

import nh3
import pytest

from widget.sanitize import excerpt_text, strip_controls, to_text

# Characters the parser treats specially, or that white space folding and control
# stripping touch, beside plain letters.
ALPHABET = list("ab Zé\u00a0\t\n\r\x0c\x0b\x00\x85\x7f>\"'=/;#\ufeff\u2028\u200b😀"
                "\u3000\u2009\u202f\x1c\x1f\u1680.…[]") + [
    "&", "<", "&amp;", "&nbsp;", "<b>", "</p>", "<!--", "-->", "&#x41;", "&bogus", "\ufeff"]


def through_the_parser(fragment: str, *, keep_nbsp: bool = False) -> str:
    """What to_text gave before text skipped the parser: every fragment parsed."""
    without_tags = nh3.clean(strip_controls(fragment), tags=set(), attributes={})
    space = r"[^\S\u00a0]+" if keep_nbsp else r"\s+"
    return re.sub(space, " ", strip_controls(html.unescape(without_tags))).strip()


def fragments(count: int) -> list[str]:
    rng = random.Random(13)
    found = ["", " ", "\ufeff", "\ufeffTitle", "Title\ufeff", "a\r\nb", " a\u00a0b ",
             "Kemal\u00a0Mezzasalma", "x > y", "3 < 4", "Tom & Jerry", "\r", "\u00a0"]
    found += ["".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 24)))
              for _ in range(count)]
    return found


@pytest.mark.parametrize("keep_nbsp", [False, True])
def test_text_comes_out_as_the_parser_gives_it(keep_nbsp: bool) -> None:
    for fragment in fragments(3000):
        assert to_text(fragment, keep_nbsp=keep_nbsp) == through_the_parser(
            fragment, keep_nbsp=keep_nbsp), repr(fragment)


def test_a_lone_surrogate_is_refused_as_the_parser_refuses_it() -> None:
    # JSON can carry one ("\ud800"); it has no UTF-8 and could not be stored.
    with pytest.raises(UnicodeEncodeError):
        through_the_parser("a\ud800b")
    with pytest.raises(UnicodeEncodeError):
        to_text("a\ud800b")


def excerpt_before(fragment: str, limit: int) -> str:
    """What excerpt_text gave before its ending was checked first."""
    more = re.compile(r"\s*(\[(?:…|\.\.\.)\]|…|\.\.\.)\s*$")
    text = through_the_parser(fragment)
    cut = bool(more.search(text))
    text = more.sub("", text)
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–—")
        cut = True
    return text + "…" if cut else text


def test_excerpts_come_out_as_before() -> None:
    endings = ["", " [&hellip;]", " […]", "...", " … ", "[...]", " <a href='/x'>Continue</a>",
               "]", " ] ", "…]"]
    for i, fragment in enumerate(fragments(2000)):
        for ending in endings:
            text = fragment + ending
            assert excerpt_text(text, 12 + i % 9) == excerpt_before(text, 12 + i % 9), repr(text)

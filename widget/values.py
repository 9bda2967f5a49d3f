"""Value rules shared across the house: a strike's slug, a whole number in ASCII digits,
and the one way instants are written out (ISO 8601 in UTC, to the second).

Query parameters, builder choices, embed options, oEmbed URLs, routes and the strikes
file all check these the same way, so each rule is written here once.
"""

from __future__ import annotations

import datetime as dt
import re

# Matched with fullmatch: "$" would also accept a trailing newline.
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_RE = re.compile(SLUG)
SLUG_MAX = 64
# NOTE: ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() refuses.
_DIGITS = re.compile(r"[0-9]+")


def is_slug(text: str) -> bool:
    return SLUG_RE.fullmatch(text) is not None and len(text) <= SLUG_MAX


def whole_number(text: str, low: int, high: int, *, digits: int = 9) -> int | None:
    """`text` as an int when it is 1 to `digits` ASCII digits from `low` to `high`, else
    None (`limit=0005` is refused where at most 3 digits are expected)."""
    if len(text) > digits or not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def iso(value: dt.datetime) -> str:
    """An aware instant as the API writes it: 2025-07-13T22:30:00Z."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""Where a strike stands, in words: one table per kind and one per ending, its dates,
and the separator of a list ("place, country") in each language.

The embed pages' headline (widget.render.html, shown by templates/_strike.html), the
badge's message (widget.render.badge.text) and the strike events feed
(widget.render.feeds) all read their phrases from these tables. A new kind or outcome
is one entry here, its translations in the catalogues, and its name in widget.model.

Interface phrases are written as gettext calls on a catalogue `t` with literal
messages, so that Babel's extractor finds them; the feed's phrases are English, as
the feed is (its `xml:lang` is "en").
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date, match_skeleton

from widget import i18n
from widget.model import Kind, Outcome, Status, Strike

Catalogue = gettext.NullTranslations

# --- colours of the badge's message: every one reaches WCAG AA with white text ----------

ONGOING = "b3261e"  # strong red
ANNOUNCED = "9a4600"  # deep amber: not started yet
WON = "116329"  # green: victory, partial gains, agreement
RELEASED = "0b5cad"  # blue
DIED = "24292f"  # near black
STOPPED = "59636e"  # grey: suspended, ended without result
NEUTRAL = "636c76"  # grey: no longer listed
UNVERIFIED = "6e5494"  # muted violet: no current count, only the last confirmed one


@dataclass(frozen=True, slots=True)
class KindPhrases:
    """The headlines of a running strike of this kind, one per state of its counter
    (widget.days.DayState), the badge's word for it and the feed's."""

    headline: Callable[[Catalogue], str]  # "Day %(n)s of the …", n: today's day number
    # Not confirmed for unverified_after_days: n, the day number on the last confirmation.
    unverified: Callable[[Catalogue], str]  # "Day %(n)s of the … when last confirmed on %(date)s"
    # The start is unknown (no number); date: the first day a source reports it.
    reported: Callable[[Catalogue], str]  # "… hunger strike, reported since %(date)s"
    # The start is unknown and no one confirmed it for unverified_after_days.
    reported_unverified: Callable[[Catalogue], str]  # "…, last confirmed on %(date)s"
    badge: Callable[[Catalogue], str]  # the badge's word for it
    noun: str  # the feed's: "hunger strike"
    summary: str  # the feed's: "Indefinite hunger strike"


KINDS: dict[Kind, KindPhrases] = {
    Kind.INDEFINITE: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the indefinite hunger strike"),
        lambda t: t.gettext("Day %(n)s of the indefinite hunger strike when last confirmed "
                            "on %(date)s"),
        lambda t: t.gettext("Indefinite hunger strike, reported since %(date)s"),
        lambda t: t.gettext("Indefinite hunger strike, last confirmed on %(date)s"),
        lambda t: t.pgettext("badge", "hunger strike"),
        "hunger strike", "Indefinite hunger strike"),
    Kind.TIME_LIMITED: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the time-limited hunger strike"),
        lambda t: t.gettext("Day %(n)s of the time-limited hunger strike when last confirmed "
                            "on %(date)s"),
        lambda t: t.gettext("Time-limited hunger strike, reported since %(date)s"),
        lambda t: t.gettext("Time-limited hunger strike, last confirmed on %(date)s"),
        lambda t: t.pgettext("badge", "hunger strike"),
        "hunger strike", "Time-limited hunger strike"),
    Kind.ROTATING: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the rotating hunger strike"),
        lambda t: t.gettext("Day %(n)s of the rotating hunger strike when last confirmed "
                            "on %(date)s"),
        lambda t: t.gettext("Rotating hunger strike, reported since %(date)s"),
        lambda t: t.gettext("Rotating hunger strike, last confirmed on %(date)s"),
        lambda t: t.pgettext("badge", "hunger strike"),
        "hunger strike", "Rotating hunger strike"),
    Kind.SOLIDARITY: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the solidarity hunger strike"),
        lambda t: t.gettext("Day %(n)s of the solidarity hunger strike when last confirmed "
                            "on %(date)s"),
        lambda t: t.gettext("Solidarity hunger strike, reported since %(date)s"),
        lambda t: t.gettext("Solidarity hunger strike, last confirmed on %(date)s"),
        lambda t: t.pgettext("badge", "hunger strike"),
        "hunger strike", "Solidarity hunger strike"),
    Kind.DEATH_FAST: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the death fast"),
        lambda t: t.gettext("Day %(n)s of the death fast when last confirmed on %(date)s"),
        lambda t: t.gettext("Death fast, reported since %(date)s"),
        lambda t: t.gettext("Death fast, last confirmed on %(date)s"),
        lambda t: t.pgettext("badge", "death fast"),
        "death fast", "Death fast"),
}


@dataclass(frozen=True, slots=True)
class Ending:
    """How a stopped strike is told: suspended, or ended with an outcome."""

    headline: Callable[[Catalogue, int], str]  # n: the final day count
    # Without a count (the start is unknown): "Hunger strike won".
    uncounted: Callable[[Catalogue], str]
    badge: Callable[[Catalogue], str]  # the badge's first word(s); then "N days" or "day N"
    on_day: bool  # the count is told as "day N" (the day it happened), not "N days"
    colour: str  # the badge's message fill
    feed: str  # the feed's, with {noun}, {days} ("3 days") and {n}
    feed_uncounted: str  # the feed's without a count, with {noun}


SUSPENDED = Ending(
    lambda t, n: t.ngettext("Suspended after %(n)s day of hunger strike",
                            "Suspended after %(n)s days of hunger strike", n),
    lambda t: t.gettext("Hunger strike suspended"),
    lambda t: t.pgettext("badge", "suspended"), False, STOPPED,
    "{noun} suspended after {days}", "{noun} suspended")

OUTCOMES: dict[Outcome, Ending] = {
    Outcome.VICTORY: Ending(
        lambda t, n: t.ngettext("Won after %(n)s day of hunger strike",
                                "Won after %(n)s days of hunger strike", n),
        lambda t: t.gettext("Hunger strike won"),
        lambda t: t.pgettext("badge", "won"), False, WON,
        "{noun} won after {days}", "{noun} won"),
    Outcome.PARTIAL: Ending(
        lambda t, n: t.ngettext("Ended with partial gains after %(n)s day of hunger strike",
                                "Ended with partial gains after %(n)s days of hunger strike", n),
        lambda t: t.gettext("Hunger strike ended with partial gains"),
        lambda t: t.pgettext("badge", "partial gains"), False, WON,
        "{noun} ended with partial gains after {days}", "{noun} ended with partial gains"),
    Outcome.AGREEMENT: Ending(
        lambda t, n: t.ngettext("Ended with an agreement after %(n)s day of hunger strike",
                                "Ended with an agreement after %(n)s days of hunger strike", n),
        lambda t: t.gettext("Hunger strike ended with an agreement"),
        lambda t: t.pgettext("badge", "agreement"), False, WON,
        "{noun} ended with an agreement after {days}",
        "{noun} ended with an agreement"),
    Outcome.RELEASED: Ending(
        lambda t, n: t.ngettext("Released after %(n)s day of hunger strike",
                                "Released after %(n)s days of hunger strike", n),
        lambda t: t.gettext("Released; the hunger strike ended"),
        lambda t: t.pgettext("badge", "released"), False, RELEASED,
        "released after {days} of {noun}", "released; the {noun} ended"),
    Outcome.DIED: Ending(
        lambda t, n: t.gettext("Died on day %(n)s of the hunger strike"),
        lambda t: t.gettext("Died during the hunger strike"),
        lambda t: t.pgettext("badge", "died"), True, DIED,
        "died on day {n} of the {noun}", "died during the {noun}"),
    Outcome.NO_RESULT: Ending(
        lambda t, n: t.ngettext("Ended without result after %(n)s day of hunger strike",
                                "Ended without result after %(n)s days of hunger strike", n),
        lambda t: t.gettext("Hunger strike ended without result"),
        lambda t: t.pgettext("badge", "ended without result"), False, STOPPED,
        "{noun} ended without result after {days}", "{noun} ended without result"),
}


def ending(strike: Strike) -> Ending | None:
    """The ending of a stopped strike (an ended one without an outcome is told as ended
    without result); None while it has not stopped."""
    if strike.status is Status.SUSPENDED:
        return SUSPENDED
    if strike.status is Status.ENDED:
        return OUTCOMES[strike.outcome or Outcome.NO_RESULT]
    return None


def announced(t: Catalogue) -> str:
    """The headline of a strike whose start date has not come: date = that date."""
    return t.gettext("Hunger strike announced to start on %(date)s")


# --- lists -----------------------------------------------------------------------------

# The separator between the items of a short list ("Saint-Denis, France"), where the
# language's is not the Latin comma. CLDR (babel.lists) has no such separator to give:
# its Arabic lists join with "و" ("and"), its Sorani ones with a Latin comma; so it is
# written here, once per language. The Arabic comma (U+060C) is also Persian's, Sorani's
# and Urdu's.
LIST_SEPARATORS: dict[str, str] = {"ar": "\u060c ", "fa": "\u060c ", "ckb": "\u060c ",
                                   "ur": "\u060c "}


def list_separator(lang: str) -> str:
    """What separates two items of a list in `lang` (a language code, "ar", "pt_BR")."""
    return LIST_SEPARATORS.get(lang.replace("-", "_").split("_")[0], ", ")


# --- what a number or a date changes in the words around it ----------------------------

# French writes day 1 as "1er jour", every other day as "2e jour": the catalogue has the
# others' form ("%(n)se "), and day 1 gets the first's. The page asks the server again
# when a count moves between the two (widget.render.html._next_instants).
FIRST_ORDINAL = {"fr": ("%(n)se ", "%(n)ser ")}


def for_day(text: str, lang: str, n: int | None) -> str:
    """A catalogue text with a day number in it, for day `n`."""
    pair = FIRST_ORDINAL.get(lang)
    return text.replace(*pair) if pair is not None and n == 1 else text


def day_words_differ(lang: str, a: int | None, b: int | None) -> bool:
    return lang in FIRST_ORDINAL and (a == 1) != (b == 1)


# Italian elides the article before a date that starts with a vowel sound: "dall'8 marzo",
# "l'11 luglio" (but "dal 1º marzo", "il 3 marzo").
# Dates only (<time datetime=…>, as html._date writes them), never a counter (class sw-n),
# whose number the page moves on.
_ELIDED = re.compile(r'\b([Dd]al|[Aa]l|[Nn]el|[Ii]l) ((?:<time datetime="[^"]*">)?)(8|11)(?!\d)')


def elide(text: str, lang: str) -> str:
    if lang != "it":
        return text
    return _ELIDED.sub(lambda m: {"il": "l", "Il": "L"}.get(m.group(1), m.group(1) + "l")
                       + "'" + m.group(2) + m.group(3), text)


# --- dates -----------------------------------------------------------------------------


def _widen_months(pattern: str) -> str:
    """MMM -> MMMM and LLL -> LLLL outside the pattern's quoted literals."""
    parts = pattern.split("'")
    parts[::2] = [re.sub(r"(?<![ML])([ML])\1\1(?![ML])", r"\1\1\1\1", p) for p in parts[::2]]
    return "'".join(parts)


def date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """From `start` to `end` as the language writes such a range (CLDR's interval formats,
    through Babel), with months in full as in a long date: "February 18 – July 11, 2025",
    "18–28 février 2025"; one day is that day's long date.

    NOTE: Babel's format_interval takes the nearest skeleton a locale has (most have
    yMMMd, abbreviated months, and not yMMMMd) and, unlike ICU, does not widen its
    fields to the skeleton asked for, as TR35 allows; so the pieces are widened here and
    formatted with Babel's own pattern formatting.
    """
    if start == end:
        return i18n.long_date(start, lang)
    locale = Locale.parse(i18n.formatting(lang))
    formats = locale.interval_formats
    skeleton = "yMMMMd" if "yMMMMd" in formats else match_skeleton("yMMMMd", formats)
    # The greatest calendar field that differs picks the pattern (TR35's rule).
    field = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    pieces = formats[skeleton].get(field) if skeleton else None
    if not pieces:
        fallback = str(formats.get(None) or "{0} – {1}")
        return fallback.format(i18n.long_date(start, lang), i18n.long_date(end, lang))
    first, second = (_widen_months(p) for p in pieces)
    return i18n.digits(i18n.first_of_month(format_date(start, first, locale=locale), start, lang)
                       + format_date(end, second, locale=locale), lang)

"""Where a strike stands, in words: one table per kind and one per ending.

The embed pages' headline (widget.render.html, shown by templates/_strike.html), the
badge's message (widget.render.badge.text) and the strike events feed
(widget.render.feeds) all read their phrases from these tables. A new kind or outcome
is one entry here, its translations in the catalogues, and its name in widget.model.

Interface phrases are written as gettext calls on a catalogue `t` with literal
messages, so that Babel's extractor finds them; the feed's phrases are English, as
the feed is (its `xml:lang` is "en").
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class KindPhrases:
    headline: Callable[[Catalogue], str]  # "Day %(n)s of the …", n: the day number
    badge: Callable[[Catalogue], str]  # the badge's word for it
    noun: str  # the feed's: "hunger strike"
    summary: str  # the feed's: "Indefinite hunger strike"


KINDS: dict[Kind, KindPhrases] = {
    Kind.INDEFINITE: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the indefinite hunger strike"),
        lambda t: t.pgettext("badge", "hunger strike"),
        "hunger strike", "Indefinite hunger strike"),
    Kind.TIME_LIMITED: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the time-limited hunger strike"),
        lambda t: t.pgettext("badge", "hunger strike"),
        "hunger strike", "Time-limited hunger strike"),
    Kind.ROTATING: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the rotating hunger strike"),
        lambda t: t.pgettext("badge", "hunger strike"),
        "hunger strike", "Rotating hunger strike"),
    Kind.SOLIDARITY: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the solidarity hunger strike"),
        lambda t: t.pgettext("badge", "hunger strike"),
        "hunger strike", "Solidarity hunger strike"),
    Kind.DEATH_FAST: KindPhrases(
        lambda t: t.gettext("Day %(n)s of the death fast"),
        lambda t: t.pgettext("badge", "death fast"),
        "death fast", "Death fast"),
}


@dataclass(frozen=True, slots=True)
class Ending:
    """How a stopped strike is told: suspended, or ended with an outcome."""

    headline: Callable[[Catalogue, int], str]  # n: the final day count
    badge: Callable[[Catalogue], str]  # the badge's first word(s); then "N days" or "day N"
    on_day: bool  # the count is told as "day N" (the day it happened), not "N days"
    colour: str  # the badge's message fill
    feed: str  # the feed's, with {noun}, {days} ("3 days") and {n}


SUSPENDED = Ending(
    lambda t, n: t.ngettext("Suspended after %(n)s day of hunger strike",
                            "Suspended after %(n)s days of hunger strike", n),
    lambda t: t.pgettext("badge", "suspended"), False, STOPPED,
    "{noun} suspended after {days}")

OUTCOMES: dict[Outcome, Ending] = {
    Outcome.VICTORY: Ending(
        lambda t, n: t.ngettext("Won after %(n)s day of hunger strike",
                                "Won after %(n)s days of hunger strike", n),
        lambda t: t.pgettext("badge", "won"), False, WON,
        "{noun} won after {days}"),
    Outcome.PARTIAL: Ending(
        lambda t, n: t.ngettext("Ended with partial gains after %(n)s day of hunger strike",
                                "Ended with partial gains after %(n)s days of hunger strike", n),
        lambda t: t.pgettext("badge", "partial gains"), False, WON,
        "{noun} ended with partial gains after {days}"),
    Outcome.AGREEMENT: Ending(
        lambda t, n: t.ngettext("Ended with an agreement after %(n)s day of hunger strike",
                                "Ended with an agreement after %(n)s days of hunger strike", n),
        lambda t: t.pgettext("badge", "agreement"), False, WON,
        "{noun} ended with an agreement after {days}"),
    Outcome.RELEASED: Ending(
        lambda t, n: t.ngettext("Released after %(n)s day of hunger strike",
                                "Released after %(n)s days of hunger strike", n),
        lambda t: t.pgettext("badge", "released"), False, RELEASED,
        "released after {days} of {noun}"),
    Outcome.DIED: Ending(
        lambda t, n: t.gettext("Died on day %(n)s of the hunger strike"),
        lambda t: t.pgettext("badge", "died"), True, DIED,
        "died on day {n} of the {noun}"),
    Outcome.NO_RESULT: Ending(
        lambda t, n: t.ngettext("Ended without result after %(n)s day of hunger strike",
                                "Ended without result after %(n)s days of hunger strike", n),
        lambda t: t.pgettext("badge", "ended without result"), False, STOPPED,
        "{noun} ended without result after {days}"),
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

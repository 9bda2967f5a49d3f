"""What a badge says: its two texts, the message's colour and their languages.

No layout and no drawing here: (strike, now, language) in, a BadgeText out. The words
for each kind and ending, and their colours, come from widget.render.phrases; every
text goes through the gettext catalogue with the literal context "badge"
(t.pgettext("badge", ...)), so Babel's extractor finds it and translators see that
these are short texts on a small image.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Callable
from dataclasses import dataclass

from widget import i18n
from widget.days import DEFAULT_RULE, ConfirmationRule, DayState, day_count
from widget.model import Strike
from widget.render import phrases
from widget.render.phrases import ANNOUNCED, NEUTRAL, ONGOING, UNVERIFIED

# The message's text, on every accent of widget.render.phrases (each pair reaches WCAG AA,
# 4.5:1, checked by the tests).
WHITE = "ffffff"


@dataclass(frozen=True, slots=True)
class BadgeOptions:
    """What a badge request may choose (the names are checked against svg.STYLES and
    svg.THEMES where the request is parsed)."""

    style: str = "flat"
    lang: str = i18n.DEFAULT_LANGUAGE
    theme: str = "light"


@dataclass(frozen=True, slots=True)
class BadgeText:
    """A badge before layout: two texts, the message's colour, and their languages."""

    label: str  # left part: the person's or group's name
    message: tuple[str, ...]  # right part, in pieces: shown joined by " · "
    accent: str  # fill of the right part (hex, white text on it)
    lang: str  # the language the interface texts are really in (English until translated)
    label_lang: str = i18n.DEFAULT_LANGUAGE  # the name's language (the strikes file's)

    @property
    def shown(self) -> str:
        return " · ".join(self.message)

    @property
    def spoken(self) -> str:
        """For aria-label and <title>: "Zehra Kurtay: hunger strike, day 144"."""
        comma = "، " if self.lang == "ar" else ", "
        return f"{self.label}: {comma.join(self.message)}"


def speaks(lang: str) -> bool:
    """Whether `lang`'s catalogue has the badge texts; if not, badges stay in English
    (numbers and dates too), so one badge never mixes two languages of interface.

    Not memoised here: a BadgeRenderer keeps the answers it has looked up."""
    if lang == i18n.DEFAULT_LANGUAGE:
        return True
    t = i18n.translations(lang)
    return t.pgettext("badge", "no longer listed") != "no longer listed"


# --- the phrases ---------------------------------------------------------------------


def _days(t: gettext.NullTranslations, n: int, lang: str) -> str:
    # TRANSLATORS: how long an ended hunger strike lasted, after its outcome.
    return t.npgettext("badge", "%(n)s day", "%(n)s days", n) % {"n": i18n.number(n, lang)}


def _day(t: gettext.NullTranslations, n: int, lang: str) -> str:
    # TRANSLATORS: the current day of a hunger strike (day 1 is its first day).
    return t.pgettext("badge", "day %(n)s") % {"n": i18n.number(n, lang)}


def strike_text(strike: Strike | None, now: dt.datetime, lang: str, *,
                name_lang: str = i18n.DEFAULT_LANGUAGE,
                speaks: Callable[[str], bool] = speaks,
                rule: ConfirmationRule = DEFAULT_RULE) -> BadgeText:
    """What the badge of `strike` says at `now`; None: a strike no longer listed.

    `speaks` tells whether a language's catalogue has the badge texts (see speaks()
    above); a renderer passes its memo of it. What the count says is widget.days's
    day_count under `rule` (the config's confirm_every_days and unverified_after_days)."""
    lang = lang if speaks(lang) else i18n.DEFAULT_LANGUAGE
    t = i18n.translations(lang)
    if strike is None:
        return BadgeText(t.pgettext("badge", "hunger strike"),
                         (t.pgettext("badge", "no longer listed"),), NEUTRAL, lang, lang)
    count = day_count(strike, now, rule)
    kind = phrases.KINDS[strike.kind].badge(t)
    end = phrases.ending(strike)
    message: tuple[str, ...]
    if end is not None and count.state is DayState.FINAL:
        if count.day is None:  # no count to tell: the day it ended instead
            told = i18n.medium_date(strike.end_date or strike.start_date, lang)
        else:
            told = _day(t, count.day, lang) if end.on_day else _days(t, count.day, lang)
        message, accent = (end.badge(t), told), end.colour
    elif count.state is DayState.ANNOUNCED:
        date = i18n.medium_date(strike.start_date, lang)
        # TRANSLATORS: a hunger strike announced to start on a date, e.g. "3 Mar 2025".
        message = (t.pgettext("badge", "hunger strike from %(date)s") % {"date": date},)
        accent = ANNOUNCED
    elif count.state is DayState.UNVERIFIED:
        date = i18n.medium_date(count.confirmed_on or strike.start_date, lang)
        if count.confirmed_day is None:
            message = (kind, _last_confirmed(t, date))
        else:
            # TRANSLATORS: no news of the strike for weeks: the day number it had on the
            # date it was last confirmed, e.g. "day 133 when last confirmed 13 Jul 2025".
            message = (kind, t.pgettext("badge", "day %(n)s when last confirmed %(date)s")
                       % {"n": i18n.number(count.confirmed_day, lang), "date": date})
        accent = UNVERIFIED
    else:
        if count.day is None:  # the start is unknown: no number
            date = i18n.medium_date(strike.start_date, lang)
            # TRANSLATORS: an ongoing hunger strike whose first day is unknown; the date is
            # the first day a source reported it, e.g. "reported since 9 Jul 2025".
            message = (kind, t.pgettext("badge", "reported since %(date)s") % {"date": date})
        else:
            message = (kind, _day(t, count.day, lang))
        if count.unconfirmed_since is not None:
            message += (_last_confirmed(t, i18n.medium_date(count.unconfirmed_since, lang)),)
        accent = ONGOING
    # The name as the strikes file writes it in the badge's language, where it does.
    words = strike.words(lang)
    return BadgeText(words.name, message, accent, lang,
                     lang if words.name_translated else name_lang)


def _last_confirmed(t: gettext.NullTranslations, date: str) -> str:
    # TRANSLATORS: no news of the strike since this date; the day count may be stale.
    return t.pgettext("badge", "last confirmed %(date)s") % {"date": date}

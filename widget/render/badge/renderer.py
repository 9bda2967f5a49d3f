"""BadgeRenderer: the one object that draws badges, and owns what drawing them keeps.

A strike in, bytes out: text.strike_text says what the badge says, svg.layout and
svg.to_svg draw it, png.to_png rasterises it. What is worth keeping between badges
(the fonts, the glyph paths made so far, which catalogues have the badge texts) is
held here, by an object its owner creates (one per app), never at module level.
"""

from __future__ import annotations

import datetime as dt

from widget import i18n, routes
from widget.days import DEFAULT_RULE, ConfirmationRule
from widget.model import Strike
from widget.render.badge import text
from widget.render.badge.png import PNG_SCALE, to_png
from widget.render.badge.shaping import Fonts
from widget.render.badge.svg import Badge, GlyphPaths, layout, to_svg
from widget.render.badge.text import BadgeOptions

FORMATS = tuple(routes.BADGES)  # what BadgeRenderer draws, one method each: svg, png


class BadgeRenderer:
    """Draws badges; one per app. Safe to share between threads: what it keeps only
    grows, and an entry is the same whoever computes it, so a race costs at worst the
    same work done twice."""

    def __init__(self) -> None:
        self._fonts = Fonts.bundled()
        self._paths = GlyphPaths()
        self._speaks: dict[str, bool] = {}

    def speaks(self, lang: str) -> bool:
        """text.speaks, looked up once per language."""
        found = self._speaks.get(lang)
        if found is None:
            found = self._speaks.setdefault(lang, text.speaks(lang))
        return found

    def _layout(self, strike: Strike | None, now: dt.datetime, options: BadgeOptions,
                name_lang: str, rule: ConfirmationRule) -> Badge:
        said = text.strike_text(strike, now, options.lang, name_lang=name_lang,
                                speaks=self.speaks, rule=rule)
        return layout(said, self._fonts, options.style, options.theme)

    def size(self, strike: Strike | None, now: dt.datetime, options: BadgeOptions, *,
             name_lang: str = i18n.DEFAULT_LANGUAGE,
             rule: ConfirmationRule = DEFAULT_RULE) -> tuple[int, int]:
        """The badge's width and height in px, as the SVG says and `svg` draws it now (a
        PNG has `scale` times as many pixels). The width follows the text, so it changes
        with the day number and the strike's state; the height only with the style."""
        drawn = self._layout(strike, now, options, name_lang, rule)
        return drawn.width, drawn.height

    def svg(self, strike: Strike | None, now: dt.datetime, options: BadgeOptions, *,
            name_lang: str = i18n.DEFAULT_LANGUAGE,
            rule: ConfirmationRule = DEFAULT_RULE) -> bytes:
        return to_svg(self._layout(strike, now, options, name_lang, rule), self._paths)

    def png(self, strike: Strike | None, now: dt.datetime, options: BadgeOptions, *,
            name_lang: str = i18n.DEFAULT_LANGUAGE,
            rule: ConfirmationRule = DEFAULT_RULE, scale: int = PNG_SCALE) -> bytes:
        return to_png(self.svg(strike, now, options, name_lang=name_lang, rule=rule), scale)

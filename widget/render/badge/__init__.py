"""Image badges: a strike's state as a shields.io-style SVG, and the same badge as PNG.

One module per concern; callers import from the one they need:

- text: what a badge says (BadgeText, BadgeOptions, strike_text, the colours);
- shaping: the fonts, HarfBuzz shaping and the bidirectional algorithm;
- svg: the style and theme tables, layout and the SVG itself;
- png: the PNG, rasterised from the SVG;
- renderer: BadgeRenderer, which ties them together and owns what is kept between badges.

The names below are the package's public surface, for a caller that wants only that.
"""

from widget.render.badge.renderer import FORMATS, BadgeRenderer
from widget.render.badge.svg import STYLES, THEMES
from widget.render.badge.text import BadgeOptions

__all__ = ["FORMATS", "STYLES", "THEMES", "BadgeOptions", "BadgeRenderer"]

"""Drawing a badge as SVG: the style and theme tables, layout into boxes, glyph outlines.

shields.io's look: a label box (the name) and a message box (the state), each as wide
as its shaped text plus padding. Text is drawn as <path> outlines, not <text>, so the
badge looks the same in a browser, GitHub's image proxy, an e-mail client or a forum.

STYLES and THEMES are the one place a badge's styles, heights and themes are written;
the builder's snippets read them from here.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from widget import i18n
from widget.render.badge.shaping import Font, Fonts, Line, base_rtl, clean, shape, upper
from widget.render.badge.text import WHITE, BadgeText

# --- styles and themes ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Theme:
    label_fill: str
    label_text: str


THEMES = {
    "light": Theme(label_fill="e4e6ea", label_text="1f2328"),
    "dark": Theme(label_fill="2d333b", label_text="f0f3f6"),
}


@dataclass(frozen=True, slots=True)
class Style:
    """A badge's look. Its height depends on its style only; its width on its text, which
    holds the day number and so grows over time: a snippet pins the height and lets the
    width follow."""

    height: int  # px
    size: float  # font size, px
    baseline: float  # y of the baseline, px from the top
    pad: float  # horizontal space on each side of a text run, px
    bold: bool
    upper: bool
    radius: float
    gradient: bool


STYLES = {
    "flat": Style(height=20, size=11, baseline=14, pad=6, bold=False, upper=False,
                  radius=3, gradient=True),
    "flat-square": Style(height=20, size=11, baseline=14, pad=6, bold=False, upper=False,
                         radius=0, gradient=False),
    "for-the-badge": Style(height=28, size=10, baseline=18, pad=12, bold=True, upper=True,
                           radius=0, gradient=False),
}
# The flat style's sheen: light at the top, dark at the bottom, 10 % each.
GRADIENT_TOP, GRADIENT_BOTTOM, GRADIENT_OPACITY = "bbbbbb", "000000", 0.1


# --- layout --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """One coloured box of the badge and the line of text centred in it."""

    line: Line
    x: int
    width: int  # the line's width plus the padding, rounded up to whole px
    fill: str
    text: str  # colour of the text
    lang: str

    @property
    def text_x(self) -> float:
        return self.x + (self.width - self.line.width) / 2


@dataclass(frozen=True, slots=True)
class Badge:
    parts: tuple[Part, ...]  # left to right as shown
    width: int
    height: int
    style: Style
    spoken: str
    lang: str
    rtl: bool  # laid out right to left: the label is the right-hand part


def box_width(text_width: float, style: Style) -> int:
    return math.ceil(text_width + 2 * style.pad - 1e-9)


def layout(text: BadgeText, fonts: Fonts, style_name: str = "flat",
           theme_name: str = "light") -> Badge:
    style, theme = STYLES[style_name], THEMES[theme_name]
    face = fonts.weight(style.bold)
    label, shown = clean(text.label), clean(text.shown)
    if style.upper:
        label, shown = upper(label, text.label_lang), upper(shown, text.lang)
    ui_rtl = i18n.LANGUAGES[text.lang].direction == "rtl"
    lines = (
        (shape(label, face, style.size), theme.label_fill, theme.label_text, text.label_lang),
        (shape(shown, face, style.size, rtl=base_rtl(shown, ui_rtl)), text.accent, WHITE,
         text.lang),
    )
    if ui_rtl:
        lines = lines[::-1]
    parts = []
    x = 0
    for line, fill, colour, lang in lines:
        width = box_width(line.width, style)
        parts.append(Part(line, x, width, fill, colour, lang))
        x += width
    return Badge(tuple(parts), x, style.height, style, clean(text.spoken), text.lang, ui_rtl)


# --- SVG -----------------------------------------------------------------------------


def escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def _hundredths(value: int) -> str:
    """A length in hundredths of a px, as short as SVG allows: 150 -> "1.5", -37 -> "-.37"."""
    whole, frac = divmod(abs(value), 100)
    text = str(whole) if not frac else (
        f"{whole}.{frac:02d}".rstrip("0") if whole else f".{frac:02d}".rstrip("0"))
    return "-" + text if value < 0 else text


@dataclass(frozen=True, slots=True)
class _GlyphPath:
    """A glyph's outline at one size, in 1/100 px relative to its origin (y down):
    where it starts, its path data after that first move, and where it ends."""

    start: tuple[int, int]
    body: str
    end: tuple[int, int]


class GlyphPaths:
    """PERF: each glyph's path data, made once per font and size.

    Owned by whoever renders (a BadgeRenderer), so the few hundred glyphs badges use
    are written once per renderer, not once per badge."""

    def __init__(self) -> None:
        self._found: dict[tuple[Font, int, float], _GlyphPath | None] = {}

    def get(self, face: Font, gid: int, size: float) -> _GlyphPath | None:
        key = (face, gid, size)
        if key in self._found:
            return self._found[key]
        return self._found.setdefault(key, _glyph_path(face, gid, size))


def _glyph_path(face: Font, gid: int, size: float) -> _GlyphPath | None:
    scale = size / face.upem * 100
    out: list[str] = []
    start: tuple[int, int] | None = None
    cx = cy = sx = sy = 0
    for op, pts in face.outline(gid):
        if op == "Z":
            out.append("z")
            cx, cy = sx, sy
            continue
        nums: list[str] = []
        px = py = 0
        for k in range(0, len(pts), 2):
            px, py = round(pts[k] * scale), -round(pts[k + 1] * scale)
            nums += (_hundredths(px - cx), _hundredths(py - cy))
        if op == "M":
            sx, sy = px, py
            if start is None:  # the first move is written by the caller
                start = (px, py)
                cx, cy = px, py
                continue
        cx, cy = px, py
        out.append(op.lower() + " ".join(nums).replace(" -", "-"))
    return None if start is None else _GlyphPath(start, "".join(out), (cx, cy))


def _outline(part: Part, baseline: float, paths: GlyphPaths) -> str:
    """The path data of a part's text, in badge pixels.

    Written relative to the previous point (lower-case commands), in 1/100 px: each
    glyph's outline is made once per size, and only the move to each glyph's origin,
    rounded to 1/100 px, depends on where it stands.
    """
    line = part.line
    scale = line.size / line.font.upem * 100
    x0, y0 = part.text_x * 100, baseline * 100
    out: list[str] = []
    cx = cy = 0
    for glyph in line.glyphs:
        path = paths.get(line.font, glyph.gid, line.size)
        if path is None:
            continue
        ox, oy = round(x0 + glyph.x * scale), round(y0 - glyph.y * scale)
        mx, my = ox + path.start[0], oy + path.start[1]
        out.append(f"m{_hundredths(mx - cx)} {_hundredths(my - cy)}".replace(" -", "-"))
        out.append(path.body)
        cx, cy = ox + path.end[0], oy + path.end[1]
    return "".join(out)


def to_svg(badge: Badge, paths: GlyphPaths) -> bytes:
    """The badge as a standalone SVG document; `paths`: the glyph paths made so far."""
    style, w, h = badge.style, badge.width, badge.height
    spoken = escape(badge.spoken)
    texts = [(part.text, _outline(part, style.baseline, paths)) for part in badge.parts]
    # ids unique to the rendering, so badges inlined in one page never mix up theirs.
    ident = "sw" + hashlib.blake2b(
        repr((badge.spoken, w, h, style, [(p.x, p.width, p.fill) for p in badge.parts],
              texts)).encode(), digest_size=5).hexdigest()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="{spoken}" xml:lang="{badge.lang}">',
        f"<title>{spoken}</title>",
    ]
    if style.gradient:
        out.append(
            f'<linearGradient id="{ident}g" x2="0" y2="100%">'
            f'<stop offset="0" stop-color="#{GRADIENT_TOP}" stop-opacity="{GRADIENT_OPACITY}"/>'
            f'<stop offset="1" stop-color="#{GRADIENT_BOTTOM}" '
            f'stop-opacity="{GRADIENT_OPACITY}"/></linearGradient>')
    if style.radius:
        out.append(f'<clipPath id="{ident}r"><rect width="{w}" height="{h}" '
                   f'rx="{style.radius}"/></clipPath><g clip-path="url(#{ident}r)">')
    for part in badge.parts:
        out.append(f'<rect x="{part.x}" width="{part.width}" height="{h}" fill="#{part.fill}"/>')
    if style.gradient:
        out.append(f'<rect width="{w}" height="{h}" fill="url(#{ident}g)"/>')
    if style.radius:
        out.append("</g>")
    # The text is drawn on top, outside the clip: nothing of it is ever cut off.
    out.extend(f'<path fill="#{colour}" d="{d}"/>' for colour, d in texts if d)
    out.append("</svg>")
    return "\n".join(out).encode()

"""A strike's share card: the PNG link previews show (Open Graph, 1200 x 630).

Drawn like the badges (widget.render.badge.shaping: HarfBuzz over the bundled DejaVu
subset, outlines only, then resvg), so it reads the same whatever fonts the crawler or
the reader has, in every interface language and direction: the name, where the strike
stands (the day or its outcome), the demand, and the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from widget import i18n
from widget.model import Strike
from widget.render.badge.png import to_png
from widget.render.badge.shaping import Font, Fonts, Line, base_rtl, clean, shape

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
_INK, _MUTED, _BACK = "#1b1c1f", "#53565e", "#ffffff"


@dataclass(frozen=True, slots=True)
class CardText:
    name: str
    standing: str  # the headline, without markup: "Day 640 of the indefinite hunger strike"
    demand: str  # "Demand: …", or ""
    site: str
    lang: str
    accent: str  # the standing's colour, as the badge colours the state


def _wrap(text: str, face: Font, size: float, width: float, lines: int,
          rtl: bool) -> list[Line]:
    """Greedy word wrap to `width` px, at most `lines` lines; the last one ends with "…"
    when the text goes on (its start is kept)."""
    words = clean(text).split()
    out: list[Line] = []
    current = ""
    while words and len(out) < lines:
        candidate = f"{current} {words[0]}".strip()
        if not current or shape(candidate, face, size, rtl=rtl).width <= width:
            current = candidate
            words.pop(0)
            if words:
                continue
        out.append(shape(current, face, size, rtl=rtl))
        current = ""
    if words and out:  # cut: the last line says so
        last = out[-1].text
        while last and shape(last + "…", face, size, rtl=rtl).width > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        out[-1] = shape(last + "…", face, size, rtl=rtl)
    return out


def _path(line: Line, x: float, baseline: float) -> str:
    """One line's glyph outlines as SVG path data, in card pixels."""
    scale = line.size / line.font.upem
    out: list[str] = []
    for glyph in line.glyphs:
        gx, gy = x + glyph.x * scale, baseline - glyph.y * scale
        for op, pts in line.font.outline(glyph.gid):
            if op == "Z":
                out.append("Z")
                continue
            coords = " ".join(f"{gx + pts[k] * scale:.1f} {gy - pts[k + 1] * scale:.1f}"
                              for k in range(0, len(pts), 2))
            out.append(op + coords)
    return "".join(out)


def svg(text: CardText, fonts: Fonts) -> bytes:
    rtl = i18n.LANGUAGES[text.lang].direction == "rtl"
    usable = WIDTH - 2 * MARGIN
    blocks: list[tuple[list[Line], str, float]] = []  # lines, fill, line height
    blocks.append((_wrap(text.site, fonts.regular, 28, usable, 1, rtl), _MUTED, 44))
    name_rtl = base_rtl(text.name, rtl)
    blocks.append((_wrap(text.name, fonts.bold, 68, usable, 2, name_rtl), _INK, 84))
    blocks.append((_wrap(text.standing, fonts.bold, 44, usable, 2, rtl), text.accent, 58))
    if text.demand:
        blocks.append((_wrap(text.demand, fonts.regular, 34, usable, 3, rtl), _INK, 46))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{_BACK}"/>',
             f'<rect x="{WIDTH - 24 if rtl else 0}" width="24" height="{HEIGHT}" '
             f'fill="{text.accent}"/>']
    y: float = MARGIN
    for n, (lines, fill, height) in enumerate(blocks):
        if n:
            y += 18  # between blocks
        for line in lines:
            y += height
            x = WIDTH - MARGIN - line.width if rtl else MARGIN
            parts.append(f'<path fill="{fill}" d="{_path(line, x, y - height * 0.22)}"/>')
    parts.append("</svg>")
    return "".join(parts).encode()


def png(text: CardText, fonts: Fonts) -> bytes:
    return to_png(svg(text, fonts), 1)


def card_text(strike: Strike, standing: str, lang: str, site: str, accent: str) -> CardText:
    t = i18n.translations(lang)
    words = strike.words(lang)
    demand = (t.gettext("Demand:") + " " + words.demands[0]) if words.demands else ""
    return CardText(words.name, standing, demand, site, lang, accent)

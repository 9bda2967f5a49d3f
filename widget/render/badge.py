"""Image badges: a strike's state as a shields.io-style SVG, and the same badge as PNG.

Pure functions: (strike, options, now) in, bytes out. Text is never left to the
viewer's fonts: every run is shaped with HarfBuzz from the bundled font
(static/fonts/DejaVuSans*.ttf), so widths come from the font itself, and drawn as
<path> outlines, so the badge looks the same in a browser, GitHub's image proxy,
an e-mail client or a forum. Runs are split and ordered by the Unicode
bidirectional algorithm (the implicit part, enough for a line of plain text), so
Arabic reads right to left with joined letter forms.

Every text goes through the gettext catalogue with the literal context "badge"
(t.pgettext("badge", ...)), so Babel's extractor finds it and translators see
that these are short texts on a small image.
"""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
import math
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache

import uharfbuzz as hb

from widget import i18n
from widget.assets import package_dir
from widget.days import day_count
from widget.model import Kind, Outcome, Status, Strike

FORMATS = ("svg", "png")
THEMES = ("light", "dark")

# --- colours: every text/fill pair reaches WCAG AA (4.5:1), checked by the tests ----------

WHITE = "ffffff"
ONGOING = "b3261e"  # strong red
ANNOUNCED = "9a4600"  # deep amber: not started yet
WON = "116329"  # green: victory, partial gains, agreement
RELEASED = "0b5cad"  # blue
DIED = "24292f"  # near black
STOPPED = "59636e"  # grey: suspended, ended without result
NEUTRAL = "636c76"  # grey: no longer listed


@dataclass(frozen=True, slots=True)
class Theme:
    label_fill: str
    label_text: str


THEME = {
    "light": Theme(label_fill="e4e6ea", label_text="1f2328"),
    "dark": Theme(label_fill="2d333b", label_text="f0f3f6"),
}


@dataclass(frozen=True, slots=True)
class Style:
    height: int
    size: float  # font size, px
    baseline: float  # y of the baseline, px from the top
    pad: float  # horizontal space on each side of a text run, px
    bold: bool
    upper: bool
    radius: float
    gradient: bool


STYLE = {
    "flat": Style(height=20, size=11, baseline=14, pad=6, bold=False, upper=False,
                  radius=3, gradient=True),
    "flat-square": Style(height=20, size=11, baseline=14, pad=6, bold=False, upper=False,
                         radius=0, gradient=False),
    "for-the-badge": Style(height=28, size=10, baseline=18, pad=12, bold=True, upper=True,
                           radius=0, gradient=False),
}
STYLES = tuple(STYLE)
# The flat style's sheen: light at the top, dark at the bottom, 10 % each.
GRADIENT_TOP, GRADIENT_BOTTOM, GRADIENT_OPACITY = "bbbbbb", "000000", 0.1


@dataclass(frozen=True, slots=True)
class BadgeOptions:
    style: str = "flat"
    lang: str = i18n.DEFAULT_LANGUAGE
    theme: str = "light"


# --- what the badge says ---------------------------------------------------------------


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


@cache
def speaks(lang: str) -> bool:
    """Whether `lang`'s catalogue has the badge texts; if not, badges stay in English
    (numbers and dates too), so one badge never mixes two languages of interface."""
    if lang == i18n.DEFAULT_LANGUAGE:
        return True
    t = i18n.translations(lang)
    return t.pgettext("badge", "no longer listed") != "no longer listed"


def _days(t: gettext.NullTranslations, n: int, lang: str) -> str:
    # TRANSLATORS: how long an ended hunger strike lasted, after its outcome.
    return t.npgettext("badge", "%(n)s day", "%(n)s days", n) % {"n": i18n.number(n, lang)}


def _day(t: gettext.NullTranslations, n: int, lang: str) -> str:
    # TRANSLATORS: the current day of a hunger strike (day 1 is its first day).
    return t.pgettext("badge", "day %(n)s") % {"n": i18n.number(n, lang)}


_ENDED_AS = {
    Outcome.VICTORY: WON, Outcome.PARTIAL: WON, Outcome.AGREEMENT: WON,
    Outcome.RELEASED: RELEASED, Outcome.DIED: DIED, Outcome.NO_RESULT: STOPPED,
}


def _ended(t: gettext.NullTranslations, outcome: Outcome | None) -> str:
    if outcome is Outcome.VICTORY:
        return t.pgettext("badge", "won")
    if outcome is Outcome.PARTIAL:
        return t.pgettext("badge", "partial gains")
    if outcome is Outcome.AGREEMENT:
        return t.pgettext("badge", "agreement")
    if outcome is Outcome.RELEASED:
        return t.pgettext("badge", "released")
    if outcome is Outcome.NO_RESULT:
        return t.pgettext("badge", "ended without result")
    if outcome is Outcome.DIED:
        return t.pgettext("badge", "died")
    return t.pgettext("badge", "ended")


def strike_text(strike: Strike | None, now: dt.datetime, lang: str, *,
                name_lang: str = i18n.DEFAULT_LANGUAGE) -> BadgeText:
    """What the badge of `strike` says at `now`; None: a strike no longer listed."""
    lang = lang if speaks(lang) else i18n.DEFAULT_LANGUAGE
    t = i18n.translations(lang)
    if strike is None:
        return BadgeText(t.pgettext("badge", "hunger strike"),
                         (t.pgettext("badge", "no longer listed"),), NEUTRAL, lang, lang)
    count = day_count(strike, now)
    n = count.day or 0
    if strike.status is Status.SUSPENDED:
        message: tuple[str, ...] = (t.pgettext("badge", "suspended"), _days(t, n, lang))
        accent = STOPPED
    elif strike.status is Status.ENDED:
        if strike.outcome is Outcome.DIED:
            message = (_ended(t, strike.outcome), _day(t, n, lang))
        else:
            message = (_ended(t, strike.outcome), _days(t, n, lang))
        accent = _ENDED_AS.get(strike.outcome, STOPPED) if strike.outcome else STOPPED
    elif count.day is None:
        date = i18n.medium_date(strike.start_date, lang)
        # TRANSLATORS: a hunger strike announced to start on a date, e.g. "3 Mar 2025".
        message = (t.pgettext("badge", "hunger strike from %(date)s") % {"date": date},)
        accent = ANNOUNCED
    else:
        kind = (t.pgettext("badge", "death fast") if strike.kind is Kind.DEATH_FAST
                else t.pgettext("badge", "hunger strike"))
        message = (kind, _day(t, n, lang))
        if count.unconfirmed_since is not None:
            date = i18n.medium_date(count.unconfirmed_since, lang)
            # TRANSLATORS: no news of the strike since this date; the day count may be stale.
            message += (t.pgettext("badge", "last confirmed %(date)s") % {"date": date},)
        accent = ONGOING
    return BadgeText(strike.name, message, accent, lang, name_lang)


# --- the font ------------------------------------------------------------------------

FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
# Optional typography is off: with no kerning and no optional ligatures a Latin run is
# exactly the sum of the font's advance widths, as shields.io measures Verdana. What a
# script needs to be readable (Arabic joining forms, required ligatures such as lam-alef,
# mark positioning, composition) stays on.
FEATURES = {"kern": False, "liga": False}


class _Recorder:
    """A fontTools-style pen that keeps the outline, in font units."""

    def __init__(self) -> None:
        self.ops: list[tuple[str, tuple[float, ...]]] = []

    def moveTo(self, p: tuple[float, float]) -> None:  # noqa: N802 - the pen protocol
        self.ops.append(("M", p))

    def lineTo(self, p: tuple[float, float]) -> None:  # noqa: N802
        self.ops.append(("L", p))

    def qCurveTo(self, *points: tuple[float, float]) -> None:  # noqa: N802
        # TrueType: off-curve controls, then the end point; between two controls lies an
        # implied on-curve point. (HarfBuzz hands one control per call.)
        *controls, end = points
        if not controls:
            self.ops.append(("L", end))
            return
        for a, b in zip(controls, controls[1:], strict=False):
            self.ops.append(("Q", (*a, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2)))
        self.ops.append(("Q", (*controls[-1], *end)))

    def curveTo(self, *points: tuple[float, float]) -> None:  # noqa: N802
        (c1, c2, end) = points[-3:]
        self.ops.append(("C", (*c1, *c2, *end)))

    def closePath(self) -> None:  # noqa: N802
        self.ops.append(("Z", ()))

    def endPath(self) -> None:  # noqa: N802
        pass


class Font:
    """One bundled font: HarfBuzz for shaping and outlines, outlines kept once per glyph."""

    def __init__(self, path: str):
        with open(path, "rb") as handle:
            self.data = handle.read()
        self.face = hb.Face(self.data)
        self.font = hb.Font(self.face)
        self.upem = self.face.upem
        self._outlines: dict[int, tuple[tuple[str, tuple[float, ...]], ...]] = {}
        self._lock = threading.Lock()

    def outline(self, gid: int) -> tuple[tuple[str, tuple[float, ...]], ...]:
        found = self._outlines.get(gid)
        if found is None:
            pen = _Recorder()
            with self._lock:
                self.font.draw_glyph_with_pen(gid, pen)
            found = self._outlines.setdefault(gid, tuple(pen.ops))
        return found


@cache
def font(bold: bool = False) -> Font:
    return Font(str(package_dir("static") / "fonts" / FONT_FILES[bold]))


# --- bidirectional text (UAX #9, implicit levels: one paragraph, no embeddings) ---------

_STRONG = {"L": "L", "R": "R", "AL": "R", "EN": "R", "AN": "R"}  # for neutrals (N1)
_NEUTRAL = frozenset({"B", "S", "WS", "ON"})
# Explicit embeddings, overrides and isolates are not honoured: like boundary neutrals
# they take no part in resolution (rule X9) and stay in the text, where HarfBuzz hides them.
_IGNORED = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "BN"})


def base_rtl(text: str, default: bool = False) -> bool:
    """Rules P2-P3: the direction of the first strong character."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return default


def _after_last_strong(types: list[str], sos: str, strong: str, number: str,
                        becomes: str) -> None:
    """EN whose last preceding strong type (back to sos) is `strong` becomes `becomes`."""
    last = sos
    for i, kind in enumerate(types):
        if kind in ("L", "R", "AL"):
            last = kind
        elif kind == number and last == strong:
            types[i] = becomes


def _resolve_weak(types: list[str], sos: str) -> None:
    """Rules W1-W7, in place."""
    n = len(types)
    for i in range(n):  # W1
        if types[i] == "NSM":
            types[i] = types[i - 1] if i else sos
    _after_last_strong(types, sos, "AL", "EN", "AN")  # W2
    types[:] = ["R" if x == "AL" else x for x in types]  # W3
    for i in range(1, n - 1):  # W4
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    i = 0
    while i < n:  # W5
        j = i
        while j < n and types[j] == "ET":
            j += 1
        if j > i and ((i and types[i - 1] == "EN") or (j < n and types[j] == "EN")):
            types[i:j] = ["EN"] * (j - i)
        i = max(j, i + 1)
    types[:] = ["ON" if x in ("ES", "ET", "CS") else x for x in types]  # W6
    _after_last_strong(types, sos, "L", "EN", "L")  # W7


def _resolve_neutral(types: list[str], sos: str, embedding: str) -> None:
    """Rules N1-N2, in place."""
    n = len(types)
    i = 0
    while i < n:
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        j = i
        while j < n and types[j] in _NEUTRAL:
            j += 1
        before = _STRONG[types[i - 1]] if i else sos
        after = _STRONG[types[j]] if j < n else sos
        types[i:j] = [before if before == after else embedding] * (j - i)
        i = j


def bidi_levels(text: str, rtl: bool) -> list[int]:
    """The embedding level of each character of a one-line paragraph (rules W, N, I, L1)."""
    base = 1 if rtl else 0
    sos = "R" if rtl else "L"
    kinds = [unicodedata.bidirectional(ch) or "L" for ch in text]
    kept = [i for i, k in enumerate(kinds) if k not in _IGNORED]
    types = [kinds[i] for i in kept]
    _resolve_weak(types, sos)
    _resolve_neutral(types, sos, sos)
    levels = [base] * len(text)
    for i, kind in zip(kept, types, strict=True):  # I1, I2
        if base == 0:
            levels[i] = 1 if kind == "R" else 2 if kind in ("AN", "EN") else 0
        else:
            levels[i] = 2 if kind in ("L", "EN", "AN") else 1
    for i in range(1, len(text)):  # X9: ignored characters go with what precedes them
        if kinds[i] in _IGNORED:
            levels[i] = levels[i - 1]
    for i in range(len(text) - 1, -1, -1):  # L1: trailing white space at the base level
        if kinds[i] not in ("WS", "S", "B") and kinds[i] not in _IGNORED:
            break
        levels[i] = base
    return levels


def visual_runs(text: str, rtl: bool) -> list[tuple[int, int, bool]]:
    """The text cut into directional runs, in visual order (rule L2): (start, end, rtl)."""
    if not text:
        return []
    levels = bidi_levels(text, rtl)
    runs: list[tuple[int, int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or levels[i] != levels[start]:
            runs.append((start, i, levels[start]))
            start = i
    top = max(level for _, _, level in runs)
    lowest_odd = min((level for _, _, level in runs if level % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(runs):
            if runs[i][2] < level:
                i += 1
                continue
            j = i
            while j < len(runs) and runs[j][2] >= level:
                j += 1
            runs[i:j] = runs[i:j][::-1]
            i = j
    return [(a, b, level % 2 == 1) for a, b, level in runs]


# --- shaping and layout --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Glyph:
    gid: int
    x: float  # pen position of the glyph's origin, font units from the line's start
    y: float
    cluster: int  # index in the line's text of the (first) character it shows


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text, shaped and in visual order."""

    text: str
    rtl: bool  # the paragraph direction (first strong character)
    glyphs: tuple[Glyph, ...]
    advance: int  # font units
    font: Font
    size: float

    @property
    def width(self) -> float:
        """Width in px: the sum of the shaped advances at this size."""
        return self.advance * self.size / self.font.upem


def clean(text: str) -> str:
    """NFC, and no control characters (invalid in XML, and nothing to draw)."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc"
                   and ch not in "\ufffe\uffff" and not 0xD800 <= ord(ch) <= 0xDFFF)


# Letters only Turkish and Azerbaijani write: a name spelt with them has a dotted capital İ.
_TURKIC = frozenset("ıİğĞ")


def upper(text: str, lang: str) -> str:
    """Upper case, with the dotted capital İ where the language has one."""
    if lang in ("tr", "az") or not _TURKIC.isdisjoint(text):
        text = text.replace("i", "İ")
    return text.upper()


def shape(text: str, size: float, *, bold: bool = False, rtl: bool | None = None) -> Line:
    """Shape one line with HarfBuzz, run by directional run; `rtl` None: from the text."""
    face = font(bold)
    paragraph_rtl = base_rtl(text) if rtl is None else rtl
    glyphs: list[Glyph] = []
    pen = 0
    for start, end, run_rtl in visual_runs(text, paragraph_rtl):
        buf = hb.Buffer()
        buf.add_str(text[start:end])
        buf.direction = "rtl" if run_rtl else "ltr"
        buf.guess_segment_properties()
        hb.shape(face.font, buf, FEATURES)
        for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True):
            glyphs.append(Glyph(info.codepoint, pen + pos.x_offset, pos.y_offset,
                                start + info.cluster))
            pen += pos.x_advance
    return Line(text, paragraph_rtl, tuple(glyphs), pen, face, size)


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


def layout(text: BadgeText, style_name: str = "flat", theme_name: str = "light") -> Badge:
    style, theme = STYLE[style_name], THEME[theme_name]
    label, shown = clean(text.label), clean(text.shown)
    if style.upper:
        label, shown = upper(label, text.label_lang), upper(shown, text.lang)
    ui_rtl = i18n.LANGUAGES[text.lang].direction == "rtl"
    lines = (
        (shape(label, style.size, bold=style.bold), theme.label_fill, theme.label_text,
         text.label_lang),
        (shape(shown, style.size, bold=style.bold, rtl=base_rtl(shown, ui_rtl)), text.accent,
         WHITE, text.lang),
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


_glyph_paths: dict[tuple[int, int, float], _GlyphPath | None] = {}


def _glyph_path(face: Font, gid: int, size: float) -> _GlyphPath | None:
    key = (id(face), gid, size)
    if key in _glyph_paths:
        return _glyph_paths[key]
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
    found = None if start is None else _GlyphPath(start, "".join(out), (cx, cy))
    return _glyph_paths.setdefault(key, found)


def _outline(part: Part, baseline: float) -> str:
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
        path = _glyph_path(line.font, glyph.gid, line.size)
        if path is None:
            continue
        ox, oy = round(x0 + glyph.x * scale), round(y0 - glyph.y * scale)
        mx, my = ox + path.start[0], oy + path.start[1]
        out.append(f"m{_hundredths(mx - cx)} {_hundredths(my - cy)}".replace(" -", "-"))
        out.append(path.body)
        cx, cy = ox + path.end[0], oy + path.end[1]
    return "".join(out)


def to_svg(badge: Badge) -> bytes:
    style, w, h = badge.style, badge.width, badge.height
    spoken = escape(badge.spoken)
    texts = [(part.text, _outline(part, style.baseline)) for part in badge.parts]
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


def render_svg(strike: Strike | None, now: dt.datetime, options: BadgeOptions, *,
               name_lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    text = strike_text(strike, now, options.lang, name_lang=name_lang)
    return to_svg(layout(text, options.style, options.theme))


# --- PNG -----------------------------------------------------------------------------

PNG_SCALE = 2


def to_png(svg: bytes, scale: int = PNG_SCALE) -> bytes:
    """Rasterise a badge with resvg at `scale` times its size (crisp on high-DPI screens).

    The SVG holds only paths and fills, so no font is looked up: the PNG is the SVG.
    """
    import resvg_py  # imported here: only PNG requests pay for loading it

    return bytes(resvg_py.svg_to_bytes(svg_string=svg.decode(), zoom=scale,
                                       skip_system_fonts=True))

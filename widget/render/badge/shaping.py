"""Text shaping: the bundled fonts, HarfBuzz, and the order runs of text are drawn in.

Text is never left to the viewer's fonts: every run is shaped with HarfBuzz from the
bundled font (static/fonts/DejaVuSans*.ttf), so widths come from the font itself.
Runs are split and ordered by the Unicode bidirectional algorithm (the implicit
part, enough for a line of plain text), so Arabic reads right to left with joined
letter forms. Also here: what a text may hold before it is shaped (clean) and its
upper case for the styles that want one (upper).

The fonts are objects, loaded by whoever renders (a BadgeRenderer) and kept there.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass

import uharfbuzz as hb

from widget.assets import package_dir

# --- the fonts -----------------------------------------------------------------------

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


@dataclass(frozen=True, slots=True)
class Fonts:
    """The two weights a badge is drawn in."""

    regular: Font
    bold: Font

    @classmethod
    def bundled(cls) -> Fonts:
        """Read both font files; once per renderer, not per badge."""
        folder = package_dir("static") / "fonts"
        return cls(Font(str(folder / FONT_FILES[False])), Font(str(folder / FONT_FILES[True])))

    def weight(self, bold: bool) -> Font:
        return self.bold if bold else self.regular


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


# --- shaping -------------------------------------------------------------------------


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


def shape(text: str, face: Font, size: float, *, rtl: bool | None = None) -> Line:
    """Shape one line with HarfBuzz, run by directional run; `rtl` None: from the text."""
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

"""Image badges: what they say, how they are measured and drawn, and how they are served."""

from __future__ import annotations

import datetime as dt
import gettext
import math
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import falcon.testing
import pytest
import uharfbuzz as hb
from babel.messages.extract import extract_from_file
from fontTools.ttLib import TTFont

from tests.conftest import ROOT, Clock, assert_problem
from tests.test_embed import wcag_contrast
from widget import i18n
from widget.days import day_count
from widget.model import Kind, Outcome, Status, Strike
from widget.render.badge.renderer import BadgeRenderer
from widget.render.badge.shaping import Fonts, shape, upper, visual_runs
from widget.render.badge.svg import (
    GRADIENT_BOTTOM,
    GRADIENT_OPACITY,
    GRADIENT_TOP,
    STYLES,
    THEMES,
    GlyphPaths,
    layout,
    to_svg,
)
from widget.render.badge.text import (
    WHITE,
    BadgeOptions,
    BadgeText,
    speaks,
    strike_text,
)
from widget.render.phrases import ANNOUNCED, DIED, NEUTRAL, ONGOING, RELEASED, STOPPED, WON

SVG_NS = "{http://www.w3.org/2000/svg}"
FONTS = ROOT / "static" / "fonts"
ZEHRA = "/badge/strike/zehra-kurtay"
NOW = dt.datetime(2025, 7, 24, 12, 0, tzinfo=dt.UTC)
ARABIC_NAME = "زهرة كورتاي"


def strike(**changes: object) -> Strike:
    base = Strike(slug="zehra-kurtay", name="Zehra Kurtay", country="FR", place="Paris",
                  timezone="Europe/Paris", start_date=dt.date(2025, 3, 3),
                  kind=Kind.INDEFINITE, status=Status.ACTIVE,
                  last_confirmed=dt.date(2025, 7, 20))  # 4 days before NOW: confirmed
    return replace(base, **changes)  # type: ignore[arg-type]


def parse(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == f"{SVG_NS}svg"
    return root


def label(body: bytes) -> str:
    root = parse(body)
    aria = root.get("aria-label")
    title = root.find(f"{SVG_NS}title")
    assert aria and title is not None and title.text == aria
    return aria


def boxes(root: ET.Element) -> list[tuple[int, int, str]]:
    """The coloured parts: (x, width, fill), left to right."""
    return [(int(r.get("x", "0")), int(r.get("width", "0")), r.get("fill", ""))
            for r in root.iter(f"{SVG_NS}rect")
            if r.get("fill", "").startswith("#") and r.get("x") is not None]


def text_paths(root: ET.Element) -> list[str]:
    return [p.get("d", "") for p in root.findall(f"{SVG_NS}path")]


_TOKEN = re.compile(r"[mlqcz]|-?(?:\d+\.?\d*|\.\d+)")
_ARGS = {"m": 2, "l": 2, "q": 4, "c": 6, "z": 0}


def points(d: str) -> Iterator[tuple[float, float]]:
    """Every point of a path written as the badge writes it (relative commands): the
    outline's end and control points, whose hull holds all the ink."""
    tokens = _TOKEN.findall(d)
    x = y = sx = sy = 0.0
    i = 0
    while i < len(tokens):
        op = tokens[i]
        assert op in _ARGS, f"unexpected path token {op!r}"
        args = [float(v) for v in tokens[i + 1:i + 1 + _ARGS[op]]]
        i += 1 + _ARGS[op]
        if op == "z":
            x, y = sx, sy
            continue
        pts = [(x + args[k], y + args[k + 1]) for k in range(0, len(args), 2)]
        yield from pts
        x, y = pts[-1]
        if op == "m":
            sx, sy = x, y


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert body[12:16] == b"IHDR"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


# --- independent measurements, straight from the font file ----------------------------


class FontMetrics:
    def __init__(self, path: Path):
        font = TTFont(path)
        self.cmap = font.getBestCmap()
        self.hmtx = font["hmtx"]
        self.upem = font["head"].unitsPerEm
        self.data = path.read_bytes()

    def naive(self, text: str, size: float) -> float:
        """The sum of each character's advance width (hmtx via cmap), at `size` px."""
        return sum(self.hmtx[self.cmap[ord(ch)]][0] for ch in text) * size / self.upem

    def harfbuzz(self, text: str, size: float) -> tuple[float, list[int]]:
        face = hb.Font(hb.Face(self.data))
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(face, buf, {"kern": False, "liga": False})
        width = sum(p.x_advance for p in buf.glyph_positions) * size / self.upem
        return width, [g.codepoint for g in buf.glyph_infos]


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts.bundled()


@pytest.fixture(scope="module")
def renderer() -> BadgeRenderer:
    return BadgeRenderer()


@pytest.fixture(scope="module")
def regular() -> FontMetrics:
    return FontMetrics(FONTS / "DejaVuSans.ttf")


@pytest.fixture(scope="module")
def bold() -> FontMetrics:
    return FontMetrics(FONTS / "DejaVuSans-Bold.ttf")


# --- over HTTP -----------------------------------------------------------------------


def test_svg_badge_of_an_ongoing_strike(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get(f"{ZEHRA}.svg")
    assert result.status_code == 200
    assert result.headers["content-type"] == "image/svg+xml"
    root = parse(result.content)
    assert root.get("role") == "img"
    # Zehra Kurtay started on 2025-03-03 (day 1): 2025-07-24 in Paris is day 144.
    assert label(result.content) == "Zehra Kurtay: hunger strike, day 144"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    parts = boxes(root)
    assert [fill for _, _, fill in parts] == ["#e4e6ea", f"#{ONGOING}"]


def test_day_number_is_the_one_rule(client: falcon.testing.TestClient, clock: Clock) -> None:
    api = client.simulate_get("/api/v1/strikes", params={"status": "all"}).json["strikes"]
    assert api
    for item in api:
        spoken = label(client.simulate_get(f"/badge/strike/{item['slug']}.svg").content)
        assert f"{item['day']['number']}" in spoken, (item["slug"], spoken)
    # Midnight in Paris is 22:00 UTC in summer: the number turns over then, not before.
    clock.now = dt.datetime(2025, 7, 24, 21, 59, tzinfo=dt.UTC)
    assert label(client.simulate_get(f"{ZEHRA}.svg").content).endswith("day 144")
    clock.now = dt.datetime(2025, 7, 24, 22, 0, tzinfo=dt.UTC)
    assert label(client.simulate_get(f"{ZEHRA}.svg").content).endswith("day 145")


def test_ended_strike_shows_outcome_and_final_count(
        client: falcon.testing.TestClient, clock: Clock) -> None:
    body = client.simulate_get("/badge/strike/ali-hasan-akgul.svg").content
    assert label(body) == "Ali Hasan Akgül: released, 144 days"
    assert f'fill="#{RELEASED}"' in body.decode()
    clock.now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # frozen at the end date
    assert client.simulate_get("/badge/strike/ali-hasan-akgul.svg").content == body


@pytest.mark.parametrize("slug", ["example-removed-strike", "never-listed"])
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_removed_or_unknown_slug_is_a_neutral_badge(
        client: falcon.testing.TestClient, slug: str, fmt: str) -> None:
    result = client.simulate_get(f"/badge/strike/{slug}.{fmt}")
    assert result.status_code == 200
    assert result.headers["content-type"] == f"image/{'svg+xml' if fmt == 'svg' else 'png'}"
    if fmt == "svg":
        assert label(result.content) == "hunger strike: no longer listed"
        assert f'fill="#{NEUTRAL}"' in result.text
    else:
        png_size(result.content)


def test_unknown_slugs_share_one_cache_entry(client: falcon.testing.TestClient) -> None:
    first = client.simulate_get("/badge/strike/made-up-1.svg")
    second = client.simulate_get("/badge/strike/made-up-2.svg")
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]


def test_cache_lifetime_ends_at_the_next_local_midnight(
        client: falcon.testing.TestClient, clock: Clock) -> None:
    clock.now = dt.datetime(2025, 7, 24, 21, 58, tzinfo=dt.UTC)  # Paris midnight: 22:00 UTC
    for fmt in ("svg", "png"):
        result = client.simulate_get(f"{ZEHRA}.{fmt}")
        assert "max-age=120," in result.headers["cache-control"]
        assert "s-maxage=120," in result.headers["cache-control"]
        assert result.headers["expires"] == "Thu, 24 Jul 2025 22:00:00 GMT"


def test_etag_and_if_none_match(client: falcon.testing.TestClient) -> None:
    for fmt in ("svg", "png"):
        first = client.simulate_get(f"{ZEHRA}.{fmt}", params={"style": "flat-square"})
        etag = first.headers["etag"]
        assert etag.startswith('"') and etag.endswith('"')
        again = client.simulate_get(f"{ZEHRA}.{fmt}", params={"style": "flat-square"},
                                    headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        other = client.simulate_get(f"{ZEHRA}.{fmt}", headers={"If-None-Match": etag})
        assert other.status_code == 200  # another style is another rendering


def test_png_is_the_svg_at_twice_the_size(client: falcon.testing.TestClient) -> None:
    for style, height in (("flat", 20), ("flat-square", 20), ("for-the-badge", 28)):
        svg = parse(client.simulate_get(f"{ZEHRA}.svg", params={"style": style}).content)
        png = client.simulate_get(f"{ZEHRA}.png", params={"style": style})
        assert png.status_code == 200
        assert png.headers["content-type"] == "image/png"
        assert svg.get("height") == str(height)
        assert png_size(png.content) == (2 * int(svg.get("width", "")), 2 * height)


def test_png_at_scale_1_has_the_badges_size(client: falcon.testing.TestClient) -> None:
    """For BBCode forums, which show an image at its pixel size: `scale=1`."""
    for style in STYLES:
        svg = parse(client.simulate_get(f"{ZEHRA}.svg", params={"style": style}).content)
        size = (int(svg.get("width", "")), int(svg.get("height", "")))
        one = client.simulate_get(f"{ZEHRA}.png", params={"style": style, "scale": "1"})
        two = client.simulate_get(f"{ZEHRA}.png", params={"style": style, "scale": "2"})
        assert one.status_code == two.status_code == 200
        assert png_size(one.content) == size
        assert two.content == client.simulate_get(f"{ZEHRA}.png",
                                                  params={"style": style}).content
        assert one.headers["etag"] != two.headers["etag"]  # two renderings, two entries
    for query in ("scale=3", "scale=", "scale=1&scale=1"):
        assert_problem(client.simulate_get(f"{ZEHRA}.png", query_string=query), 400, "scale")
    assert_problem(client.simulate_get(f"{ZEHRA}.svg", query_string="scale=1"), 400, "scale")


def test_the_renderer_tells_a_badges_size(renderer: BadgeRenderer) -> None:
    for style in STYLES:
        for lang in ("en", "ar"):
            options = BadgeOptions(style=style, lang=lang)
            svg = parse(renderer.svg(strike(), NOW, options))
            assert renderer.size(strike(), NOW, options) == (
                int(svg.get("width", "")), int(svg.get("height", "")))
    # The width follows the text: a longer name, a wider badge; the height, the style.
    short = renderer.size(strike(name="Zehra"), NOW, BadgeOptions())
    long = renderer.size(strike(name="Zehra Kurtay and her friends"), NOW, BadgeOptions())
    assert long[0] > short[0] and long[1] == short[1] == STYLES["flat"].height


def test_head_is_answered_like_get(client: falcon.testing.TestClient) -> None:
    head = client.simulate_head(f"{ZEHRA}.svg")
    assert head.status_code == 200
    assert head.headers["etag"] == client.simulate_get(f"{ZEHRA}.svg").headers["etag"]


@pytest.mark.parametrize(("query", "name"), [
    ("style=round", "style"),
    ("style=", "style"),
    ("lang=xx", "lang"),
    ("theme=auto", "theme"),
    ("colour=red", "colour"),
    ("style=flat&style=flat-square", "style"),
])
def test_bad_options_are_400_naming_the_option(
        client: falcon.testing.TestClient, query: str, name: str) -> None:
    for fmt in ("svg", "png"):
        assert_problem(client.simulate_get(f"{ZEHRA}.{fmt}", query_string=query), 400, name)
    assert_problem(client.simulate_get("/badge/strike/never-listed.svg", query_string=query),
                   400, name)


def test_every_option_value_renders(client: falcon.testing.TestClient) -> None:
    for style in STYLES:
        for theme in THEMES:
            for lang in i18n.LANGUAGES:
                result = client.simulate_get(f"{ZEHRA}.svg", params={
                    "style": style, "theme": theme, "lang": lang})
                assert result.status_code == 200, result.text
                spoken = label(result.content)
                assert spoken.startswith("Zehra Kurtay: ")
                shown = lang if speaks(lang) else i18n.DEFAULT_LANGUAGE
                assert parse(result.content).get(
                    "{http://www.w3.org/XML/1998/namespace}lang") == shown


def test_other_extensions_are_not_badges(client: falcon.testing.TestClient) -> None:
    assert client.simulate_get(f"{ZEHRA}.gif").status_code == 404


def test_svg_is_safe(client: falcon.testing.TestClient) -> None:
    body = client.simulate_get(f"{ZEHRA}.svg").content
    root = parse(body)
    tags = {el.tag.removeprefix(SVG_NS) for el in root.iter()}
    assert tags <= {"svg", "title", "rect", "path", "g", "clipPath", "linearGradient", "stop"}
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.startswith("on"), name
            assert "href" not in name, name
            assert "javascript:" not in value and "//" not in value.replace(
                "http://www.w3.org/2000/svg", "")
            if "url(" in value:
                assert re.fullmatch(r"url\(#sw[0-9a-f]{10}[gr]\)", value), value
    assert b"<text" not in body  # text is drawn as outlines: no font needed by the viewer


def test_names_are_escaped_and_cleaned(renderer: BadgeRenderer) -> None:
    name = 'Ayşe <script>alert("x")</script> & \'Co\'\x01\x7f'
    body = renderer.svg(strike(name=name), NOW, BadgeOptions())
    root = parse(body)  # still well-formed XML, control characters dropped
    assert root.find(f".//{SVG_NS}script") is None
    assert b"<script" not in body
    assert label(body) == (
        'Ayşe <script>alert("x")</script> & \'Co\': hunger strike, day 144')


# --- what the badge says -------------------------------------------------------------


@pytest.mark.parametrize(("changes", "spoken", "accent"), [
    ({}, "Zehra Kurtay: hunger strike, day 144", ONGOING),
    ({"kind": Kind.DEATH_FAST}, "Zehra Kurtay: death fast, day 144", ONGOING),
    ({"status": Status.ENDED, "outcome": Outcome.VICTORY, "end_date": dt.date(2025, 4, 1)},
     "Zehra Kurtay: won, 30 days", WON),
    ({"status": Status.ENDED, "outcome": Outcome.PARTIAL, "end_date": dt.date(2025, 3, 3)},
     "Zehra Kurtay: partial gains, 1 day", WON),
    ({"status": Status.ENDED, "outcome": Outcome.AGREEMENT, "end_date": dt.date(2025, 4, 1)},
     "Zehra Kurtay: agreement, 30 days", WON),
    ({"status": Status.ENDED, "outcome": Outcome.RELEASED, "end_date": dt.date(2025, 7, 24)},
     "Zehra Kurtay: released, 144 days", RELEASED),
    ({"status": Status.ENDED, "outcome": Outcome.DIED, "end_date": dt.date(2025, 5, 1)},
     "Zehra Kurtay: died, day 60", DIED),
    ({"status": Status.ENDED, "outcome": Outcome.NO_RESULT, "end_date": dt.date(2025, 3, 22)},
     "Zehra Kurtay: ended without result, 20 days", STOPPED),
    ({"status": Status.SUSPENDED, "end_date": dt.date(2025, 3, 22)},
     "Zehra Kurtay: suspended, 20 days", STOPPED),
    ({"status": Status.ANNOUNCED, "start_date": dt.date(2025, 8, 3)},
     "Zehra Kurtay: hunger strike from 3 Aug 2025", ANNOUNCED),
    ({"last_confirmed": dt.date(2025, 7, 1)},
     "Zehra Kurtay: hunger strike, day 144, last confirmed 1 Jul 2025", ONGOING),
    ({"day_offset": 10}, "Zehra Kurtay: hunger strike, day 154", ONGOING),
])
def test_what_each_state_says(changes: dict[str, object], spoken: str, accent: str,
                              renderer: BadgeRenderer) -> None:
    s = strike(**changes)
    text = strike_text(s, NOW, "en")
    assert text.spoken == spoken
    assert text.accent == accent
    if day_count(s, NOW).day is not None:
        assert str(day_count(s, NOW).day) in spoken
    assert label(renderer.svg(s, NOW, BadgeOptions())) == spoken


def test_unconfirmed_rule_is_the_days_rule() -> None:
    s = strike(last_confirmed=dt.date(2025, 7, 11))  # 13 days before: still confirmed
    assert "last confirmed" not in strike_text(s, NOW, "en").spoken
    s = strike(last_confirmed=dt.date(2025, 7, 10))  # 14 days: not any more
    assert "last confirmed 10 Jul 2025" in strike_text(s, NOW, "en").spoken


class Marked(gettext.NullTranslations):
    """A catalogue that marks everything it translates."""

    def pgettext(self, context: str, message: str) -> str:
        assert context == "badge"
        return f"«{message}»"

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        assert context == "badge"
        return f"«{msgid1 if n == 1 else msgid2}»"


def test_every_text_goes_through_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "translations", lambda code: Marked())
    for s in (strike(), strike(kind=Kind.DEATH_FAST, last_confirmed=dt.date(2025, 7, 1)),
              strike(status=Status.ANNOUNCED, start_date=dt.date(2025, 9, 1)),
              strike(status=Status.SUSPENDED, end_date=dt.date(2025, 4, 1)),
              *(strike(status=Status.ENDED, outcome=o, end_date=dt.date(2025, 4, 1))
                for o in Outcome), None):
        text = strike_text(s, NOW, "de")
        assert text.lang == "de"
        for piece in text.message:
            assert piece.startswith("«") and piece.endswith("»"), piece
        if s is None:
            assert text.label.startswith("«")
    # A renderer asks the catalogue itself: nothing it was told before is process-wide.
    assert label(BadgeRenderer().svg(strike(), NOW, BadgeOptions(lang="de"))) == (
        "Zehra Kurtay: «hunger strike», «day 144»")


def test_untranslated_badges_stay_in_english_until_the_catalogue_has_them() -> None:
    for code in i18n.LANGUAGES:
        text = strike_text(strike(), NOW, code)
        if speaks(code):
            assert text.lang == code
        else:
            assert text.lang == "en"
            assert text.message == ("hunger strike", "day 144")


def test_babel_extracts_the_badge_messages() -> None:
    def extract(*parts: str) -> set[tuple[str | None, object]]:
        return {(context, message) for _, message, _, context in
                extract_from_file("python", str(ROOT.joinpath("widget", "render", *parts)))}

    said = extract("badge", "text.py")
    # The words for each kind and ending live in the phrase table, with the page's.
    found = said | extract("phrases.py")
    wanted = {"hunger strike", "death fast", "day %(n)s", ("%(n)s day", "%(n)s days"),
              "won", "partial gains", "agreement", "released", "ended without result", "died",
              "suspended", "hunger strike from %(date)s", "last confirmed %(date)s",
              "no longer listed"}
    assert {("badge", m) for m in wanted} <= found
    assert all(context == "badge" for context, _ in said)


# --- widths from the font ------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Zehra Kurtay", "Ağrı Şişli Çiğdem İnce ğüşıöç", "Rêber Dîlan Şêxmûs Çiya êîûçş",
    "hunger strike · day 144", "Ali Hasan Akgül",
])
@pytest.mark.parametrize("style_name", STYLES)
def test_latin_widths_are_the_fonts_advance_widths(
        text: str, style_name: str, fonts: Fonts, regular: FontMetrics,
        bold: FontMetrics) -> None:
    style = STYLES[style_name]
    metrics = bold if style.bold else regular
    badge = layout(BadgeText(text, (text,), ONGOING, "en", "ku"), fonts, style_name)
    shown = upper(text, "ku") if style.upper else text
    expected = metrics.naive(shown, style.size)
    for part in badge.parts:
        assert part.line.width == pytest.approx(expected, abs=1e-9)
        assert part.width == math.ceil(expected + 2 * style.pad - 1e-9)
        assert part.line.width <= part.width - 2 * style.pad
    assert badge.width == sum(p.width for p in badge.parts)


def test_arabic_is_shaped_not_summed(fonts: Fonts, regular: FontMetrics) -> None:
    line = shape(ARABIC_NAME, fonts.regular, 11)
    shaped, glyphs = regular.harfbuzz(ARABIC_NAME, 11)
    assert line.rtl
    assert line.width == pytest.approx(shaped, abs=1e-9)
    assert line.width != pytest.approx(regular.naive(ARABIC_NAME, 11), abs=0.01)
    # Joined letter forms, not the isolated ones the cmap names.
    isolated = {regular.cmap[ord(ch)] for ch in ARABIC_NAME}
    assert set(glyphs) - isolated
    assert [g.gid for g in line.glyphs] == glyphs
    # Right to left: the first letter is drawn rightmost.
    assert line.glyphs[-1].cluster == 0
    assert [g.cluster for g in line.glyphs] == sorted((g.cluster for g in line.glyphs),
                                                       reverse=True)


def test_numbers_in_arabic_text_read_left_to_right(fonts: Fonts) -> None:
    text = "اليوم 144"
    line = shape(text, fonts.regular, 11)
    assert line.rtl
    digits = [g.cluster for g in line.glyphs if text[g.cluster].isdigit()]
    assert digits == sorted(digits)  # 1, 4, 4 from left to right
    # ...and the digits stand left of the word, which starts at the right edge.
    assert line.glyphs[-1].cluster == 0
    assert line.glyphs[0].cluster == text.index("1")


@pytest.mark.parametrize(("text", "rtl", "runs"), [
    ("abc אבג 123 def", False, ["abc ", "123", "אבג ", " def"]),
    ("اليوم ١٤٤ · Zehra", True, ["Zehra", " · ", "١٤٤", "اليوم "]),
    ("Zehra Kurtay", False, ["Zehra Kurtay"]),
    ("Zehra Kurtay", True, ["Zehra Kurtay"]),
    ("زهرة\u200f كورتاي", True, ["زهرة\u200f كورتاي"]),
])
def test_bidi_runs(text: str, rtl: bool, runs: list[str]) -> None:
    assert [text[a:b] for a, b, _ in visual_runs(text, rtl)] == runs


def test_arabic_name_badge(fonts: Fonts, regular: FontMetrics) -> None:
    badge = layout(strike_text(strike(name=ARABIC_NAME), NOW, "en"), fonts)
    name = badge.parts[0]
    assert name.line.text == ARABIC_NAME and name.line.rtl
    shaped, _ = regular.harfbuzz(ARABIC_NAME, 11)
    assert name.width == math.ceil(shaped + 2 * STYLES["flat"].pad)
    root = parse(to_svg(badge, GlyphPaths()))
    assert root.get("width") == str(badge.width)


def test_arabic_interface_is_laid_out_right_to_left(fonts: Fonts) -> None:
    text = BadgeText(ARABIC_NAME, ("إضراب عن الطعام", "اليوم ١٤٤"), ONGOING,
                            "ar", "ar")
    badge = layout(text, fonts)
    assert badge.rtl
    assert [p.line.text for p in badge.parts] == ["إضراب عن الطعام · اليوم ١٤٤", ARABIC_NAME]
    assert all(p.line.rtl for p in badge.parts)
    assert badge.spoken == f"{ARABIC_NAME}: إضراب عن الطعام، اليوم ١٤٤"
    root = parse(to_svg(badge, GlyphPaths()))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    assert [fill for _, _, fill in boxes(root)] == [f"#{ONGOING}", "#e4e6ea"]


@pytest.mark.parametrize("style_name", STYLES)
@pytest.mark.parametrize("name", ["Zehra Kurtay", "Ağrı Şişli", ARABIC_NAME,
                                  "ئازادی بۆ زیندانیانی سیاسی", "Jüri Ĵ ƒ Ŧ"])
def test_nothing_is_clipped(style_name: str, name: str, fonts: Fonts) -> None:
    """The drawn outlines stay inside their own box, and the boxes make up the badge."""
    badge = layout(strike_text(strike(name=name), NOW, "en"), fonts, style_name)
    root = parse(to_svg(badge, GlyphPaths()))
    parts = boxes(root)
    assert int(root.get("width", "")) == sum(w for _, w, _ in parts) == badge.width
    assert [x for x, _, _ in parts] == [sum(w for _, w, _ in parts[:i]) for i in range(2)]
    paths = [d for d in text_paths(root)]
    assert len(paths) == len(parts)
    height = int(root.get("height", ""))
    for (x, width, _), d in zip(parts, paths, strict=True):
        xs, ys = zip(*points(d), strict=True)
        assert x <= min(xs) and max(xs) <= x + width, (name, min(xs), max(xs), x, width)
        assert 0 <= min(ys) and max(ys) <= height
    for part in badge.parts:
        assert part.line.width <= part.width - 2 * badge.style.pad


def test_what_a_renderer_keeps_never_changes_a_badge(renderer: BadgeRenderer) -> None:
    """Glyph paths are kept per font and size, catalogue answers per language: drawn
    after every other style and language, a badge is the bytes a new renderer draws."""
    options = [BadgeOptions(style, lang, theme)
               for style in STYLES for theme in THEMES for lang in ("en", "ar", "tr")]
    for o in options:
        renderer.svg(strike(name=ARABIC_NAME), NOW, o)
    for o in options:
        assert renderer.svg(strike(), NOW, o) == BadgeRenderer().svg(strike(), NOW, o), o


def test_casing_for_the_badge() -> None:
    assert upper("Zehra Kurtay", "en") == "ZEHRA KURTAY"
    assert upper("Ali Hasan", "tr") == "ALİ HASAN"
    assert upper("Ağrı Şişli", "en") == "AĞRI ŞİŞLİ"  # Turkish letters, Turkish İ
    assert upper("Rêber Dîlan", "ku") == "RÊBER DÎLAN"
    assert upper(ARABIC_NAME, "en") == ARABIC_NAME


# --- colours -------------------------------------------------------------------------


def _mix(colour: str, other: str, amount: float) -> str:
    a = [int(colour[i:i + 2], 16) for i in (0, 2, 4)]
    b = [int(other[i:i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("fill", [ONGOING, ANNOUNCED, WON,
                                  RELEASED, DIED, STOPPED, NEUTRAL])
def test_status_colours_meet_wcag_aa(fill: str) -> None:
    assert wcag_contrast(fill, WHITE) >= 4.5
    # Under the flat style's sheen too, at its lightest and darkest.
    for over in (GRADIENT_TOP, GRADIENT_BOTTOM):
        assert wcag_contrast(_mix(fill, over, GRADIENT_OPACITY), WHITE) >= 4.5


@pytest.mark.parametrize("theme", THEMES)
def test_label_colours_meet_wcag_aa(theme: str) -> None:
    colours = THEMES[theme]
    for over in (None, GRADIENT_TOP, GRADIENT_BOTTOM):
        fill = colours.label_fill if over is None else _mix(
            colours.label_fill, over, GRADIENT_OPACITY)
        assert wcag_contrast(fill, colours.label_text) >= 4.5


def test_dark_theme_colours_the_label(client: falcon.testing.TestClient) -> None:
    root = parse(client.simulate_get(f"{ZEHRA}.svg", params={"theme": "dark"}).content)
    assert boxes(root)[0][2] == f"#{THEMES['dark'].label_fill}"
    assert f'fill="#{THEMES["dark"].label_text}"' in ET.tostring(root).decode()

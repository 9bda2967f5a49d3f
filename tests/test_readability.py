"""Readable in every language (issue 11), in the pages' markup: the language's own list
separator, the strikes' and posts' own texts isolated inside elements that keep the
widget's direction, and a day number that stays with its word. How it looks in a browser
is tests/browser/test_readability.py."""

from __future__ import annotations

import re

import falcon.testing
import pytest
from babel import Locale

from widget import i18n
from widget.render.phrases import list_separator

# Written here, not read from the code: the separator a reader of each language expects.
ARABIC_COMMA = "\u060c "
EXPECTED = {"ar": ARABIC_COMMA, "fa": ARABIC_COMMA, "ckb": ARABIC_COMMA}
PLACE = "Resistance tent at Porte de Strasbourg, Saint-Denis (Paris)"  # the fixture's


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_place_and_country_are_joined_as_the_language_joins_them(
        client: falcon.testing.TestClient, lang: str) -> None:
    html = client.simulate_get("/embed/strike/zehra-kurtay", query_string=f"lang={lang}").text
    place = re.search(r'<p class="sw-place">(.*?)</p>', html)
    assert place is not None
    country = Locale.parse(lang).territories["FR"]
    attributes = ' dir="auto"' + ("" if lang == "en" else ' lang="en"')
    assert place.group(1) == (f"<span{attributes}>{PLACE}</span>"
                              f"{EXPECTED.get(lang, ', ')}{country}")


@pytest.mark.parametrize("lang, separator", [
    ("ar", ARABIC_COMMA), ("fa", ARABIC_COMMA), ("ckb", ARABIC_COMMA), ("ur", ARABIC_COMMA),
    ("fa_IR", ARABIC_COMMA), ("he", ", "), ("en", ", "), ("tr", ", "), ("ku", ", "),
])
def test_right_to_left_languages_of_arabic_script_have_the_arabic_comma(
        lang: str, separator: str) -> None:
    assert list_separator(lang) == separator


@pytest.mark.parametrize("lang, attributes", [("en", ' dir="auto"'),
                                              ("ar", ' dir="auto" lang="en"')])
def test_the_strikes_own_words_are_isolated_in_an_element_of_the_widgets_direction(
        client: falcon.testing.TestClient, lang: str, attributes: str) -> None:
    html = client.simulate_get("/embed/strike/zehra-kurtay", query_string=f"lang={lang}").text
    assert (f'<h1 class="sw-name" id="sw-name-zehra-kurtay"><span{attributes}>Zehra Kurtay'
            f"</span></h1>") in html
    assert (f"<span{attributes}>Her right to residence in France as a political refugee"
            "</span></p>") in html
    # The blocks themselves keep the page's direction: no dir of their own.
    for block in re.findall(r'<(?:h1|p) class="sw-[^"]*"[^>]*>', html):
        assert "dir=" not in block, block


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_post_titles_and_excerpts_are_isolated_and_keep_the_widgets_direction(
        client: falcon.testing.TestClient, lang: str) -> None:
    html = client.simulate_get("/embed/news", query_string=f"lang={lang}").text
    titles = re.findall(r'<h2 class="sw-title"><a [^>]*><span dir="auto"([^>]*)>', html)
    excerpts = re.findall(r'<p class="sw-excerpt"><span dir="auto"([^>]*)>', html)
    assert len(titles) == 5 and len(excerpts) == 5
    # The demo's posts are in English: said so where the widget is not.
    assert set(titles) == set(excerpts) == {"" if lang == "en" else ' lang="en"'}
    assert re.search(r'<(h2|p) class="sw-(title|excerpt)"[^>]* dir=', html) is None


def test_in_turkish_the_day_number_stays_with_its_word(
        client: falcon.testing.TestClient) -> None:
    html = client.simulate_get("/embed/strike/zehra-kurtay", query_string="lang=tr").text
    assert re.search(r"grevinin <time class=\"sw-n\"[^>]*>\d+</time>\.\u00a0günü", html)

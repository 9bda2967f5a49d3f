"""A strike's calls to action and its words in other languages: read from the strikes
file, checked like every field, kept by the store, and given by the API."""

from __future__ import annotations

import textwrap
from pathlib import Path

import falcon.testing
import pytest

from tests.conftest import assert_problem, copy_demo_with_words
from tests.test_strikes_file import GOOD, errors
from widget.model import ActionKind
from widget.store import Store
from widget.strikes import parse_strikes

ACTIONS = GOOD + textwrap.dedent("""\

    [[strike.zehra-kurtay.actions]]
    kind = "petition"
    label = "Sign the petition"
    url = "https://petition.example/zehra"

    [[strike.zehra-kurtay.actions]]
    kind = "letter"
    label = "Write to the prefect"
    url = "https://letters.example/prefect"

    [strike.zehra-kurtay.tr]
    place = "Paris'te"
    demands = ["Oturma hakkı"]
    actions = ["Dilekçeyi imzalayın", "Valiye yazın"]

    [strike.zehra-kurtay.fr]
    summary = "Elle fait la grève de la faim."
    """)


def test_actions_and_words_in_other_languages_are_read() -> None:
    zehra = parse_strikes(ACTIONS)[0]
    assert [(a.kind, a.label, a.url) for a in zehra.actions] == [
        (ActionKind.PETITION, "Sign the petition", "https://petition.example/zehra"),
        (ActionKind.LETTER, "Write to the prefect", "https://letters.example/prefect")]
    tr = zehra.words("tr")
    assert (tr.place, tr.place_translated) == ("Paris'te", True)
    assert (tr.name, tr.name_translated) == ("Zehra Kurtay", False)
    assert [a.label for a in tr.actions] == ["Dilekçeyi imzalayın", "Valiye yazın"]
    assert [a.url for a in tr.actions] == [a.url for a in zehra.actions]
    fr = zehra.words("fr")
    assert fr.summary_translated and not fr.demands_translated and not fr.actions_translated
    assert fr.demands == ("Right to residence",) and fr.actions == zehra.actions
    de = zehra.words("de")  # nothing given: the original, everywhere
    assert (de.place, de.place_translated, de.summary_translated) == ("Paris", False, False)


@pytest.mark.parametrize("old, new, expected", [
    ('url = "https://petition.example/zehra"', 'url = "http://petition.example/zehra"',
     "actions: action 1: 'http://petition.example/zehra' is not an https link"),
    ('url = "https://petition.example/zehra"', 'url = "javascript:alert(1)"',
     "actions: action 1: 'javascript:alert(1)' is not an http or https link"),
    ('kind = "petition"', 'kind = "vote"', "actions: action 1: kind 'vote' is not one of: "
                                           "petition, letter, contact, donate, event"),
    ('label = "Sign the petition"', 'label = ""',
     "actions: action 1: label must be a text of 1 to 80 characters"),
    ('label = "Sign the petition"', 'label = "Sign"\ncolour = "red"',
     "actions: action 1: 'colour' is not a known field (known: kind, label, url)"),
    ('demands = ["Oturma hakkı"]', 'demands = ["Oturma hakkı", "İkinci"]',
     "tr.demands: has 2 demands; the strike has 1 demand"),
    ('actions = ["Dilekçeyi imzalayın", "Valiye yazın"]', 'actions = ["Dilekçeyi imzalayın"]',
     "tr.actions: has 1 label; the strike has 2 actions"),
    ('place = "Paris\'te"', 'place = "Paris\'te"\ncolor = 3',
     "tr.color: is not a field of a language's words (known: name, place, demands, "
     "summary, actions)"),
    ('[strike.zehra-kurtay.fr]', '[strike.zehra-kurtay.xx]',
     "xx: is a sub-table, and not a language of the interface"),
])
def test_every_mistake_is_named_at_its_line(old: str, new: str, expected: str) -> None:
    assert old in ACTIONS
    text = ACTIONS.replace(old, new, 1)
    found = errors(text)
    assert len(found) == 1, found
    location, message = found[0].split(': strike "zehra-kurtay": ')
    assert message.startswith(expected), message
    # At the line of the key concerned, or of the table an action's mistake is in.
    line = text.splitlines()[int(location.rsplit(":", 1)[1]) - 1]
    key = expected.split(":")[0].split(".")[-1]
    if expected.startswith("actions: action"):
        assert line == "[[strike.zehra-kurtay.actions]]"
    elif expected.startswith("xx:"):
        assert line == "[strike.zehra-kurtay.xx]"
    else:
        assert line.startswith(key + " = "), (line, key)


def test_the_store_keeps_them(tmp_path: Path) -> None:
    import datetime as dt
    strikes = parse_strikes(ACTIONS)
    store = Store(tmp_path / "s.db")
    store.replace_strikes(strikes, dt.datetime(2025, 7, 15, tzinfo=dt.UTC))
    assert store.read_all()[2] == strikes


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    """The demo, with Turkish words and an action for Zehra Kurtay's strike."""
    return copy_demo_with_words(tmp_path / "demo")


def test_the_api_gives_every_language_and_honours_lang(
        client: falcon.testing.TestClient) -> None:
    url = "/api/v1/strikes/zehra-kurtay"
    plain = client.simulate_get(url).json
    assert plain["lang"] is None and plain["place"].startswith("Resistance tent")
    assert plain["actions"] == [{"kind": "petition", "label": "Sign the petition",
                                 "url": "https://petition.example/zehra"}]
    assert plain["texts"] == {"tr": {"place": "Porte de Strasbourg'daki direniş çadırı",
                                     "demands": ["Siyasi mülteci olarak oturma hakkı"],
                                     "actions": ["Dilekçeyi imzalayın"]}}
    tr = client.simulate_get(url, params={"lang": "tr"}).json
    assert tr["lang"] == "tr" and tr["place"] == "Porte de Strasbourg'daki direniş çadırı"
    assert tr["name"] == "Zehra Kurtay" and tr["actions"][0]["label"] == "Dilekçeyi imzalayın"
    assert tr["texts"] == plain["texts"]
    de = client.simulate_get(url, params={"lang": "de"}).json  # none given: the original
    assert de["place"] == plain["place"] and de["demands"] == plain["demands"]
    listed = client.simulate_get("/api/v1/strikes", params={"lang": "tr"}).json["strikes"]
    assert listed[0]["place"] == tr["place"]
    assert_problem(client.simulate_get(url, params={"lang": "xx"}), 400, "lang")


def test_the_widget_shows_the_readers_words_and_marks_the_original(
        client: falcon.testing.TestClient) -> None:
    tr = client.simulate_get("/embed/strike/zehra-kurtay", params={"lang": "tr"}).text
    assert '<span dir="auto">Porte de Strasbourg&#39;daki direniş çadırı</span>' in tr
    assert '<span dir="auto">Siyasi mülteci olarak oturma hakkı</span>' in tr
    # The name is not given in Turkish: the original, in its own language.
    assert '<span dir="auto" lang="en">Zehra Kurtay</span>' in tr
    de = client.simulate_get("/embed/strike/zehra-kurtay", params={"lang": "de"}).text
    assert '<span dir="auto" lang="en">Resistance tent' in de


def test_the_widgets_show_the_ways_to_act_when_asked(
        client: falcon.testing.TestClient) -> None:
    plain = client.simulate_get("/embed/strike/zehra-kurtay").text
    assert "petition.example" not in plain and 'class="sw-share"' not in plain
    asked = client.simulate_get("/embed/strike/zehra-kurtay",
                                params={"actions": "on", "lang": "tr"}).text
    assert 'href="https://petition.example/zehra"' in asked
    assert '<span dir="auto">Dilekçeyi imzalayın</span>' in asked
    assert 'class="sw-share" data-url="http://127.0.0.1:8000/strike/zehra-kurtay?lang=tr"' in asked
    listed = client.simulate_get("/embed/strikes", params={"actions": "on"}).text
    assert "Sign the petition" in listed

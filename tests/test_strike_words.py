"""A strike's calls to action and its words in other languages: read from the strikes
file, checked like every field, kept by the store, and given by the API."""

from __future__ import annotations

import textwrap
from pathlib import Path

import falcon.testing
import pytest

from tests.conftest import assert_problem
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


def test_the_api_gives_every_language_and_honours_lang(
        client: falcon.testing.TestClient, demo_dir: Path) -> None:
    one = client.simulate_get("/api/v1/strikes/zehra-kurtay").json
    assert one["lang"] is None and one["actions"] == [] and one["texts"] == {}
    assert_problem(client.simulate_get("/api/v1/strikes/zehra-kurtay",
                                       params={"lang": "xx"}), 400, "lang")
    assert client.simulate_get("/api/v1/strikes", params={"lang": "tr"}).json["strikes"][0][
        "lang"] == "tr"

"""Honest counters: a count is told as today's only while someone vouches for it.

The same strike, read with an injected clock 13, 14, 44, 45 and 500 days after its last
confirmation, in every form: the JSON API, the embed page, the badge (its text, SVG and
PNG) and the strike events feed. The rule is widget.days.day_count's; the settings are
the config's confirm_every_days (14) and unverified_after_days (45, or the strike's own).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import falcon.testing
import feedparser
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.conftest import Clock, MakeConfig
from tests.test_badge import label
from tests.test_embed import wcag_contrast
from widget.config import Config
from widget.days import ConfirmationRule, DayState, changes_at, day_count
from widget.http.app import create_app
from widget.model import Kind, Outcome, Status, Strike
from widget.render import phrases
from widget.render.badge.text import strike_text
from widget.render.colour import DARK_BG, LIGHT_BG
from widget.render.phrases import ONGOING, UNVERIFIED, date_range
from widget.store import Store
from widget.sync import sync_all

ROOT = Path(__file__).resolve().parents[1]

STRIKES = """\
[strike.zehra-kurtay]
name = "Zehra Kurtay"
country = "FR"
place = "Saint-Denis"
timezone = "Europe/Paris"
start_date = 2025-03-03
kind = "indefinite"
status = "active"
last_confirmed = 2025-07-13

[strike.collective]
name = "Eight prisoners"
country = "TR"
place = "Prisons of type S, R and Y"
timezone = "Europe/Istanbul"
start_date = 2025-07-15
start_known = false
kind = "indefinite"
status = "active"
participants = 8
"""
CONFIRMED = dt.date(2025, 7, 13)  # Zehra Kurtay's last confirmation: day 133


def noon(days_after: int, since: dt.date = CONFIRMED) -> dt.datetime:
    """12:00 UTC: the same local date in Paris and Istanbul."""
    return dt.datetime.combine(since + dt.timedelta(days=days_after), dt.time(12),
                               tzinfo=dt.UTC)


@dataclass
class App:
    client: falcon.testing.TestClient
    clock: Clock


@pytest.fixture
def make_app(make_config: MakeConfig, clock: Clock) -> Iterator[Callable[..., App]]:
    stores: list[Store] = []

    def make(strikes: str = STRIKES, **settings: object) -> App:
        config: Config = make_config(strikes=strikes, **settings)
        store = Store(config.database)
        stores.append(store)
        assert all(r.ok for r in sync_all(config, store))
        return App(falcon.testing.TestClient(create_app(config, store=store, clock=clock)),
                   clock)

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def app(make_app: Callable[..., App]) -> App:
    return make_app()


def page(app: App, slug: str = "zehra-kurtay", lang: str = "en") -> str:
    result = app.client.simulate_get(f"/embed/strike/{slug}", params={"lang": lang})
    assert result.status_code == 200
    html = result.text
    return html[html.index("<article"):html.index("</article>")]


def headline(card: str) -> str:
    return re.sub(r"\s+", " ", card.split('<p class="sw-day">')[1].split("</p>")[0]).strip()


def max_age(result: falcon.testing.Result) -> int:
    found = re.search(r"(?:^|, )max-age=(\d+)", result.headers["cache-control"])
    assert found, result.headers["cache-control"]
    return int(found.group(1))


def feed_titles(app: App) -> list[str]:
    body = app.client.simulate_get("/feeds/strikes.atom").content
    return [entry.title for entry in feedparser.parse(body).entries]


# --- 13, 14, 44, 45 and 500 days after the last confirmation ---------------------------

EXPECTED = {
    # days after: (state, JSON number, what the headline says, the badge's words, its colour)
    13: ("confirmed", 146, "Day <time {}>146</time> of the indefinite hunger strike",
         "Zehra Kurtay: hunger strike, day 146", ONGOING),
    14: ("unconfirmed", 147, "Day <time {}>147</time> of the indefinite hunger strike",
         "Zehra Kurtay: hunger strike, day 147, last confirmed 13 Jul 2025", ONGOING),
    44: ("unconfirmed", 177, "Day <time {}>177</time> of the indefinite hunger strike",
         "Zehra Kurtay: hunger strike, day 177, last confirmed 13 Jul 2025", ONGOING),
    45: ("unverified", None, 'Day <span class="sw-n">133</span> of the indefinite hunger strike '
         'when last confirmed on <time datetime="2025-07-13">13 July 2025</time>',
         "Zehra Kurtay: hunger strike, day 133 when last confirmed 13 Jul 2025", UNVERIFIED),
    500: ("unverified", None, 'Day <span class="sw-n">133</span> of the indefinite hunger '
          'strike when last confirmed on <time datetime="2025-07-13">13 July 2025</time>',
          "Zehra Kurtay: hunger strike, day 133 when last confirmed 13 Jul 2025", UNVERIFIED),
}


@pytest.mark.parametrize("days", sorted(EXPECTED))
def test_the_json_says_which_state(app: App, days: int) -> None:
    state, number, *_ = EXPECTED[days]
    app.clock.now = noon(days)
    body = app.client.simulate_get("/api/v1/strikes/zehra-kurtay").json
    day = body["day"]
    assert day["state"] == state
    assert day["number"] == number
    assert day["confirmed"] == {"date": "2025-07-13", "number": 133}
    assert body["unconfirmed"] is (days >= 14)
    if number is None:  # no current count: no date of today in it either
        assert day["as_of"] == "2025-07-13"
        assert day["changes_at"] is None
    else:
        assert day["as_of"] == (CONFIRMED + dt.timedelta(days=days)).isoformat()
        assert day["changes_at"] == f"{CONFIRMED + dt.timedelta(days=days)}T22:00:00Z"
    document = app.client.simulate_get("/api/v1/openapi.json").json
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "components": document["components"], "$ref": "#/components/schemas/Strike"}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(body)


@pytest.mark.parametrize("days", sorted(EXPECTED))
def test_the_embed_page_says_it(app: App, days: int) -> None:
    state, _, told, *_ = EXPECTED[days]
    app.clock.now = noon(days)
    card = page(app)
    said = headline(card)
    if "<time {}>" in told:
        pattern = re.escape(told).replace(re.escape("<time {}>"), r'<time class="sw-n"[^>]*>')
        assert re.fullmatch(pattern, said), said
        assert 'Since <time datetime="2025-03-03">3 March 2025</time>' in card
    else:
        assert said == told
        # A number of the past: nothing the page would move on at midnight.
        assert 'class="sw-n"' not in card.replace('<span class="sw-n">133</span>', "")
        assert 'Began on <time datetime="2025-03-03">3 March 2025</time>' in card
        assert "Since" not in card
    card_class = re.search(r'<article class="([^"]+)"', card).group(1)  # type: ignore[union-attr]
    assert card_class == ("sw-strike sw-unverified" if state == "unverified"
                          else "sw-strike sw-ongoing")
    assert f'data-day-state="{state}"' in card
    note = 'Last confirmed on <time datetime="2025-07-13">13 July 2025</time>'
    assert (note in card) is (state == "unconfirmed")


@pytest.mark.parametrize("days", sorted(EXPECTED))
def test_the_badge_says_it(app: App, days: int) -> None:
    *_, spoken, colour = EXPECTED[days]
    app.clock.now = noon(days)
    svg = app.client.simulate_get("/badge/strike/zehra-kurtay.svg")
    assert label(svg.content) == spoken
    assert f'fill="#{colour}"' in svg.text
    png = app.client.simulate_get("/badge/strike/zehra-kurtay.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    if days >= 45:  # the same image from then on
        app.clock.now = noon(days + 1)
        assert app.client.simulate_get("/badge/strike/zehra-kurtay.png").content == png.content


@pytest.mark.parametrize("days", sorted(EXPECTED))
def test_the_feed_says_when_the_count_stopped(app: App, days: int) -> None:
    app.clock.now = noon(days)
    lapsed = "Zehra Kurtay: hunger strike not confirmed since 13 July 2025 (day 133)"
    titles = [t for t in feed_titles(app) if t.startswith("Zehra Kurtay")]
    assert titles == ([lapsed] if days >= 45 else []) + [
        "Zehra Kurtay: hunger strike confirmed ongoing, day 133",
        "Zehra Kurtay: hunger strike started"]


@pytest.mark.parametrize("path", ["/api/v1/strikes/zehra-kurtay", "/embed/strike/zehra-kurtay",
                                  "/badge/strike/zehra-kurtay.svg",
                                  "/badge/strike/zehra-kurtay.png"])
@pytest.mark.parametrize("days, seconds, shared", [
    (13, 60, 60),  # the count grows at midnight, and its words change: the note comes
    (44, 60, 60),  # the last midnight of a current count
    (45, 300, 600),  # unverified: nothing changes at midnight, the default lifetimes
    (500, 300, 600),
])
def test_caches_follow_the_state(app: App, path: str, days: int, seconds: int,
                                 shared: int) -> None:
    # One minute before midnight in Paris (summer time: 22:00 UTC).
    app.clock.now = noon(days).replace(hour=21, minute=59)
    result = app.client.simulate_get(path)
    assert max_age(result) == seconds
    assert re.search(rf"s-maxage={shared}(,|$)", result.headers["cache-control"])


def test_the_feed_expires_when_the_count_stops(app: App) -> None:
    app.clock.now = noon(45).replace(hour=21, minute=59) - dt.timedelta(days=1)
    assert max_age(app.client.simulate_get("/feeds/strikes.atom")) == 60
    app.clock.now += dt.timedelta(minutes=1)
    assert feed_titles(app)[0] == (
        "Zehra Kurtay: hunger strike not confirmed since 13 July 2025 (day 133)")


# --- a strike whose start no source gives ------------------------------------------------


@pytest.mark.parametrize("days, state, told, badge", [
    (0, "start-unknown", "Indefinite hunger strike, reported since "
     '<time datetime="2025-07-15">15 July 2025</time>',
     "Eight prisoners: hunger strike, reported since 15 Jul 2025"),
    (14, "start-unknown", "Indefinite hunger strike, reported since "
     '<time datetime="2025-07-15">15 July 2025</time>',
     "Eight prisoners: hunger strike, reported since 15 Jul 2025, last confirmed 15 Jul 2025"),
    (45, "unverified", "Indefinite hunger strike, last confirmed on "
     '<time datetime="2025-07-15">15 July 2025</time>',
     "Eight prisoners: hunger strike, last confirmed 15 Jul 2025"),
])
def test_an_unknown_start_has_no_number_anywhere(app: App, days: int, state: str, told: str,
                                                 badge: str) -> None:
    app.clock.now = noon(days, dt.date(2025, 7, 15))
    body = app.client.simulate_get("/api/v1/strikes/collective").json
    assert body["day"]["state"] == state
    assert body["day"]["number"] is None
    assert body["day"]["confirmed"] == {"date": "2025-07-15", "number": None}
    card = page(app, "collective")
    assert headline(card) == told
    # No number shown: at most the hidden counter that says when the words change.
    assert all("hidden" in t for t in re.findall(r'<time class="sw-n"[^>]*>', card))
    assert "sw-start-unknown" in card
    assert label(app.client.simulate_get("/badge/strike/collective.svg").content) == badge
    titles = [t for t in feed_titles(app) if t.startswith("Eight prisoners")]
    assert titles[-1] == "Eight prisoners: hunger strike reported ongoing"
    assert not any(re.search(r"\bday \d", t) for t in titles)


def test_an_unknown_start_expires_when_its_words_change(app: App) -> None:
    # Istanbul (UTC+3): one minute before the midnight 14 days after the first report.
    app.clock.now = dt.datetime(2025, 7, 28, 20, 59, tzinfo=dt.UTC)
    assert max_age(app.client.simulate_get("/embed/strike/collective")) == 60
    body = app.client.simulate_get("/api/v1/strikes/collective").json
    assert body["day"]["changes_at"] == "2025-07-28T21:00:00Z"
    app.clock.now -= dt.timedelta(days=1)  # no change at that midnight
    assert max_age(app.client.simulate_get("/embed/strike/collective")) == 300


def test_an_ended_strike_with_an_unknown_start() -> None:
    s = strike(start_known=False, status=Status.ENDED, outcome=Outcome.VICTORY,
               end_date=dt.date(2025, 7, 20))
    now = noon(30)
    count = day_count(s, now)
    assert (count.state, count.day, count.frozen) == (DayState.FINAL, None, True)
    assert strike_text(s, now, "en").spoken == "N: won, 20 Jul 2025"
    from widget.render import feeds
    assert [feeds.event_title(e) for e in feeds.events_of(s)] == [
        "N: hunger strike reported ongoing", "N: hunger strike confirmed ongoing",
        "N: hunger strike won"]


# --- the settings, and a strike's own ----------------------------------------------------


def test_the_configs_settings_reach_every_form(make_app: Callable[..., App]) -> None:
    app = make_app(confirm_every_days=7, unverified_after_days=20)
    for days, state in ((6, "confirmed"), (7, "unconfirmed"), (19, "unconfirmed"),
                        (20, "unverified")):
        app.clock.now = noon(days)
        assert app.client.simulate_get(
            "/api/v1/strikes/zehra-kurtay").json["day"]["state"] == state, days
        assert (f'data-day-state="{state}"') in page(app), days
        spoken = label(app.client.simulate_get("/badge/strike/zehra-kurtay.svg").content)
        assert ("last confirmed" in spoken) is (days >= 7), spoken
        assert ("when last confirmed" in spoken) is (days >= 20), spoken
        lapsed = any("not confirmed since 13 July" in t for t in feed_titles(app))
        assert lapsed is (days >= 20), days


def test_a_strikes_own_unverified_after_days(make_app: Callable[..., App]) -> None:
    app = make_app(STRIKES.replace("last_confirmed = 2025-07-13",
                                   "last_confirmed = 2025-07-13\nunverified_after_days = 60"))
    for days, state in ((45, "unconfirmed"), (59, "unconfirmed"), (60, "unverified")):
        app.clock.now = noon(days)
        assert app.client.simulate_get(
            "/api/v1/strikes/zehra-kurtay").json["day"]["state"] == state, days


def strike(**changes: object) -> Strike:
    base = Strike(slug="s", name="N", country="FR", place="P", timezone="Europe/Paris",
                  start_date=dt.date(2025, 3, 3), kind=Kind.INDEFINITE, status=Status.ACTIVE,
                  last_confirmed=CONFIRMED)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_strike_without_confirmation_counts_as_confirmed_on_its_start() -> None:
    s = strike(last_confirmed=None, start_date=dt.date(2025, 7, 1))
    assert day_count(s, noon(0, dt.date(2025, 7, 15))).state is DayState.UNCONFIRMED
    assert day_count(s, noon(0, dt.date(2025, 7, 14))).state is DayState.CONFIRMED
    lapsed = day_count(s, noon(0, dt.date(2025, 8, 15)))
    assert (lapsed.state, lapsed.confirmed_on, lapsed.confirmed_day) == (
        DayState.UNVERIFIED, dt.date(2025, 7, 1), 1)


def test_a_rule_whose_stages_overlap_goes_straight_to_unverified() -> None:
    # A strike's own unverified_after_days below the config's confirm_every_days (the
    # strikes file refuses it when it knows the config; the count never gets it wrong).
    rule = ConfirmationRule(confirm_every_days=30, unverified_after_days=45)
    s = strike(unverified_after_days=20)
    assert day_count(s, noon(19), rule).state is DayState.CONFIRMED
    assert day_count(s, noon(20), rule).state is DayState.UNVERIFIED
    assert changes_at(s, noon(19), rule) == dt.datetime(2025, 8, 1, 22, 0, tzinfo=dt.UTC)


def test_no_form_shows_a_day_below_one() -> None:
    # A stored strike from before the file refused these (a negative day_offset, an
    # ended strike that starts after "now"): no number, never "day 0" or "day -2".
    for s, now in ((strike(day_offset=-10_000), noon(0)),
                   (strike(status=Status.ENDED, outcome=Outcome.RELEASED, last_confirmed=None,
                           start_date=dt.date(2025, 9, 1), end_date=dt.date(2025, 9, 2)),
                    noon(0))):
        count = day_count(s, now)
        assert count.day is None and count.confirmed_day is None
        spoken = strike_text(s, now, "en").spoken
        assert not re.search(r"\b(day|days) -?\d|\b0 days|-\d", spoken), spoken


# --- dates read naturally ----------------------------------------------------------------


@pytest.mark.parametrize("lang, feb_jul, same_month, years", [
    ("en", "18 February – 11 July 2025", "18 – 28 February 2025",
     "18 February 2025 – 3 January 2026"),
    ("fr", "18 février – 11 juillet 2025", "18–28 février 2025",
     "18 février 2025 – 3 janvier 2026"),
    ("de", "18. Februar – 11. Juli 2025", "18.–28. Februar 2025",
     "18. Februar 2025 – 3. Januar 2026"),
    ("tr", "18 Şubat – 11 Temmuz 2025", "18–28 Şubat 2025", "18 Şubat 2025 – 3 Ocak 2026"),
    ("es", "18 de febrero – 11 de julio de 2025", "18–28 de febrero de 2025",
     "18 de febrero de 2025 – 3 de enero de 2026"),
    ("ar", "18 فبراير – 11 يوليو 2025", "18–28 فبراير 2025", "18 فبراير 2025 – 3 يناير 2026"),
])
def test_ranges_in_each_language(lang: str, feb_jul: str, same_month: str, years: str) -> None:
    def plain(text: str) -> str:
        return text.replace("\u2009", " ").replace("\u202f", " ")

    start = dt.date(2025, 2, 18)
    assert plain(date_range(start, dt.date(2025, 7, 11), lang)) == feb_jul
    assert plain(date_range(start, dt.date(2025, 2, 28), lang)) == same_month
    assert plain(date_range(start, dt.date(2026, 1, 3), lang)) == years


def test_every_language_has_a_range_with_months_in_full() -> None:
    from babel.dates import format_date

    from widget.i18n import LANGUAGES
    for lang in LANGUAGES:
        told = date_range(dt.date(2025, 2, 18), dt.date(2025, 7, 11), lang)
        for month in (dt.date(2025, 2, 1), dt.date(2025, 7, 1)):
            assert format_date(month, "MMMM", locale=lang) in told, (lang, told)


def test_a_one_day_strike_reads_on_that_day(make_app: Callable[..., App]) -> None:
    app = make_app(STRIKES + """
[strike.one-day]
name = "One day"
country = "DE"
place = "Berlin"
timezone = "Europe/Berlin"
start_date = 2025-09-01
end_date = 2025-09-01
kind = "solidarity"
status = "ended"
outcome = "ended-without-result"
""")
    app.clock.now = noon(100)
    card = page(app, "one-day")
    assert '<p class="sw-dates">On <time datetime="2025-09-01">1 September 2025</time></p>' \
        in card
    assert "From" not in card and "–" not in card
    summary = feedparser.parse(app.client.simulate_get("/feeds/strikes.atom").content).entries
    ended = next(e for e in summary if e.id.endswith("one-day/ended"))
    assert "Solidarity hunger strike, on 1 September 2025 (1 day)." in ended.summary


def test_an_ended_strikes_range_in_french(make_app: Callable[..., App]) -> None:
    app = make_app(STRIKES.replace('status = "active"\nlast_confirmed = 2025-07-13',
                                   'status = "ended"\noutcome = "released"\n'
                                   "end_date = 2025-07-11"))
    card = page(app, lang="fr")
    assert '<span class="sw-range">3 mars\u2009–\u200911 juillet 2025</span>' in card


# --- colours -----------------------------------------------------------------------------


def test_the_unverified_colours_meet_wcag_aa() -> None:
    assert wcag_contrast(UNVERIFIED, "ffffff") >= 4.5  # the badge's white text on it
    css = (ROOT / "static" / "embed.css").read_text()
    light, *darks = re.findall(r"--sw-unverified: #([0-9a-f]{6});", css)
    assert darks and len(set(darks)) == 1
    assert wcag_contrast(light, LIGHT_BG) >= 4.5
    assert wcag_contrast(darks[0], DARK_BG) >= 4.5
    # Its own colour: not one of the live, ended or announced ones.
    others = {phrases.ONGOING, phrases.ANNOUNCED, phrases.WON, phrases.RELEASED, phrases.DIED,
              phrases.STOPPED, phrases.NEUTRAL}
    assert UNVERIFIED not in others


def test_the_rules_defaults_are_the_settings_defaults() -> None:
    defaults = Config()
    assert ConfirmationRule() == ConfirmationRule(defaults.confirm_every_days,
                                                  defaults.unverified_after_days)

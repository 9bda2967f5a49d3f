"""Embed pages: Jinja2 (autoescape on) over view models built from the snapshot.

Long on purpose: every page of a strike (the widgets, the strike's own page, its share
text) is told from one view model here, so a state or a word cannot differ between them.

One Environment per interface language, built once per `Pages`: gettext callables
are installed per environment, so rendering is thread-safe and needs no globals.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from widget import i18n, routes
from widget.assets import Assets, package_dir
from widget.days import (
    COUNTING,
    DEFAULT_RULE,
    ConfirmationRule,
    DayCount,
    DayState,
    day_count,
    next_local_midnight,
    start_of_day,
)
from widget.model import Post, Status, Strike
from widget.query import PostQuery, post_timezone, select_posts
from widget.render import fallback_text, phrases, snippets
from widget.render.events import (
    CONFIRMED,
    ENDED,
    REPORTED,
    STARTED,
    SUSPENDED,
    UNVERIFIED,
    events_of,
)
from widget.render.options import EmbedOptions
from widget.snapshot import Snapshot
from widget.values import iso


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    url: str  # the organisation's website, or ""
    base_url: str  # this service
    content_lang: str = "en"  # language of the strikes file's texts
    # The `timezone` setting ("" when not set): the dates of posts are shown there,
    # else in the one the WordPress site gives (widget/query.py:post_timezone).
    timezone: str = ""
    # When a count stops being told as today's: the config's confirm_every_days and
    # unverified_after_days (widget/http/app.py), for every page and feed of this site.
    rule: ConfirmationRule = DEFAULT_RULE
    # The organisation's own names of countries per language (config [country_names.LANG]).
    country_names: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def country(self, code: str, lang: str) -> str:
        """A country's name as this organisation writes it in `lang`, else CLDR's."""
        for language, names in self.country_names:
            if language == lang and (name := dict(names).get(code)):
                return name
        return i18n.country_name(code, lang)


class Pages:
    """Renders every embed page. Pure: (snapshot, options, now) in, HTML bytes out."""

    def __init__(self, site: Site, assets: Assets):
        self.site = site
        self.assets = assets
        self._loader = jinja2.FileSystemLoader(str(package_dir("templates")))
        self._envs: dict[str, jinja2.Environment] = {}

    def _env(self, lang: str) -> jinja2.Environment:
        # Built on first use; two threads building the same one keep either: both equal.
        env = self._envs.get(lang)
        if env is None:
            env = self._envs.setdefault(lang, self._new_env(lang))
        return env

    def _new_env(self, lang: str) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=self._loader,
            autoescape=True,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
        env.globals.update(static=self.assets.url, inline=self.assets.inline, site=self.site)
        return env

    def _render(self, template: str, options: EmbedOptions, path: str | None,
                **context: Any) -> bytes:
        lang = i18n.LANGUAGES[options.lang]
        env = self._env(lang.code)
        accent_url = (f"{routes.ACCENT.template}?accent={options.accent}"
                      if options.accent else "")
        oembed = oembed_url(self.site, path, options) if path else ""
        html = env.get_template(template).render(
            o=options, lang=lang, accent_url=accent_url, oembed_url=oembed, **context)
        return html.encode()

    def page(self, template: str, lang: str, **context: Any) -> bytes:
        """Any template of the service (the builder, the API page) in `lang`."""
        return self._env(lang).get_template(template).render(**context).encode()

    # --- pages ------------------------------------------------------------------------

    def news(self, snapshot: Snapshot, options: EmbedOptions) -> bytes:
        query = PostQuery(limit=options.limit, category=options.category or None)
        posts, _ = select_posts(snapshot, query)
        zone = post_timezone(snapshot, self.site.timezone)
        return self._render("news.html", options, routes.EMBED_NEWS.template,
                            posts=[post_view(p, options.lang, zone) for p in posts])

    def strikes(self, snapshot: Snapshot, options: EmbedOptions, now: dt.datetime) -> bytes:
        chosen = chosen_strikes(snapshot, options)
        return self._render("strikes.html", options, routes.EMBED_STRIKES.template,
                            strikes=[strike_view(s, now, options.lang, self.site) for s in chosen])

    def strike(self, strike: Strike, options: EmbedOptions, now: dt.datetime) -> bytes:
        return self._render("strike.html", options, routes.EMBED_STRIKE.path(slug=strike.slug),
                            s=strike_view(strike, now, options.lang, self.site))

    def strike_page(self, strike: Strike, snapshot: Snapshot, lang: str,
                    now: dt.datetime) -> bytes:
        """The strike's own page (/strike/SLUG): the counter, its words in full, the ways
        to act, its timeline, the organisation's posts about it, and how to embed it."""
        options = EmbedOptions(lang=lang)
        # "Read more" would lead to this very page; the share button shares it.
        view = {**strike_view(strike, now, lang, self.site), "more": ""}
        zone = post_timezone(snapshot, self.site.timezone)
        wanted = set(strike.related_posts)
        posts = [post_view(p, lang, zone)
                 for p in snapshot.whole(p for p in snapshot.posts if p.url in wanted)]
        path = routes.STRIKE_PAGE.path(slug=strike.slug)
        canonical = self.site.base_url + path + ("" if lang == i18n.DEFAULT_LANGUAGE
                                                 else f"?lang={lang}")
        embed = routes.EMBED_STRIKE.path(slug=strike.slug)
        return self._render(
            "page.html", options, embed, s=view, words=strike.words(lang),
            timeline=timeline(strike, now, lang, self.site.rule), posts=posts,
            canonical=canonical, embed_url=page_url(self.site, embed, options),
            card_url=self.site.base_url + routes.CARD.path(slug=strike.slug)
            + ("" if lang == i18n.DEFAULT_LANGUAGE else f"?lang={lang}"),
            locale=i18n.territorial(lang),
            alternates=[(code, self.site.base_url + path
                         + ("" if code == i18n.DEFAULT_LANGUAGE else f"?lang={code}"))
                        for code in i18n.LANGUAGES],
            description=share_text(view, lang),
            builder=f"{routes.BUILDER.template}?strike={strike.slug}&ui={lang}",
            snippet=self._snippet(strike, lang),
            feed=f"{self.site.base_url}{routes.STRIKES_ATOM.template}?strike={strike.slug}")

    def _snippet(self, strike: Strike, lang: str) -> str:
        """The script snippet of this strike's counter, as the builder gives it (without
        the heights its preview measures: the loader reserves the default)."""
        t = i18n.translations(lang)
        title = t.gettext("%(name)s: hunger strike") % {"name": strike.words(lang).name}
        embed = snippets.Embed(self.site.base_url, "strike", EmbedOptions(lang=lang),
                               strike.slug)
        return snippets.script_tag(embed, title, fallback=fallback_text.strike_text(strike,
                                                                                    lang))

    def notice(self, options: EmbedOptions) -> bytes:
        """The page of a removed strike (its tombstone): "no longer listed"."""
        return self._render("notice.html", options, None)

    def unknown(self, options: EmbedOptions) -> bytes:
        """The page of a slug that was never listed (a typo): no strike at this address."""
        return self._render("unknown.html", options, None)

    def error(self, options: EmbedOptions, name: str, reason: str) -> bytes:
        return self._render("error.html", options, None, name=name, reason=reason)


def timeline(strike: Strike, now: dt.datetime, lang: str,
             rule: ConfirmationRule) -> list[dict[str, Any]]:
    """What happened, in order, up to now: began (or first reported), last confirmed,
    no longer confirmed, ended with its outcome or suspended."""
    t = i18n.translations(lang)
    said = {
        STARTED: t.gettext("The hunger strike began"),
        REPORTED: t.gettext("First reported"),
        CONFIRMED: t.gettext("Last confirmed as ongoing"),
        UNVERIFIED: t.gettext("No longer confirmed as ongoing"),
    }
    entries = []
    for event in events_of(strike, rule):
        if event.at > now:
            continue
        end = phrases.ending(strike) if event.kind in (ENDED, SUSPENDED) else None
        text = end.uncounted(t) if end is not None else said[event.kind]
        entries.append({"date": _date(event.date, lang), "text": text, "kind": event.kind})
    return entries


def standing(view: dict[str, Any]) -> str:
    """Where the strike stands, as its card's headline (strike_view) says it, in plain text."""
    return html_unescape(" ".join(re.sub(r"<[^>]+>", "", str(view["headline"])).split()))


def share_text(view: dict[str, Any], lang: str) -> str:
    """One line for link previews: where the strike stands, and the demand."""
    text = standing(view)
    if view["demand"]:
        t = i18n.translations(lang)
        if text and text[-1] not in ".!?։。؟":
            text += "."
        text += " " + t.gettext("Demand:") + " " + view["demand"]
    return text


def page_url(site: Site, path: str, options: EmbedOptions) -> str:
    return site.base_url + path + options.query()


def oembed_url(site: Site, path: str, options: EmbedOptions) -> str:
    """The oEmbed endpoint for an embed page, for discovery (<link> and Link:)."""
    return f"{site.base_url}{routes.OEMBED.template}?" + urlencode(
        {"url": page_url(site, path, options), "format": "json"})


def chosen_strikes(snapshot: Snapshot, options: EmbedOptions) -> list[Strike]:
    """The strikes a list widget shows, in the editor's order."""
    return [s for s in snapshot.strikes.values() if _listed(s, options)][:options.limit]


def _listed(strike: Strike, options: EmbedOptions) -> bool:
    if not strike.listed_under(options.status):
        return False
    return not options.country or strike.country == options.country


# --- view models ----------------------------------------------------------------------


def post_view(post: Post, lang: str, timezone: str = "UTC") -> dict[str, Any]:
    """A post as the news widget shows it: its date is the date in `timezone`, the
    organisation's (the <time> keeps the instant, with that zone's offset)."""
    local = post.published.astimezone(ZoneInfo(timezone))
    instant = iso(post.published) if timezone == "UTC" else local.isoformat(timespec="seconds")
    return {
        "title": post.title,
        "url": post.url,
        "excerpt": post.excerpt,
        "published": instant,
        "date": i18n.long_date(local.date(), lang),  # as the counter writes dates
        # Post texts stay in their own language: mark it when it is not the interface's.
        "lang": post.lang if post.lang and post.lang != lang else None,
        "thumb": post.image.local if post.image and post.image.local else None,
    }


_AHEAD = 8  # local midnights written into a counter; past them the page asks again


def _same_words(a: DayCount, b: DayCount) -> bool:
    """Whether two counts are told with the same words, the number aside."""
    skip = ("day", "as_of", "starts_in")
    return ({k: v for k, v in asdict(a).items() if k not in skip}
            == {k: v for k, v in asdict(b).items() if k not in skip})


def _next_instants(strike: Strike, count: DayCount, now: dt.datetime,
                   rule: ConfirmationRule, lang: str) -> tuple[list[dt.datetime], str]:
    """The coming instants at which the shown number grows by one (the strike's local
    midnights, from the server's tzdata), the last of which is "reload": the words
    change then, or the list ends; the page asks the server again. "count" only with no
    instants: nothing changes any more."""
    if count.frozen:
        return [], "count"
    if count.state not in COUNTING or count.day is None:
        # Announced, unverified, start unknown: nothing grows; the words change once.
        if count.state_until is None:
            return [], "count"
        return [start_of_day(strike.timezone, count.state_until).astimezone(dt.UTC)], "reload"
    instants: list[dt.datetime] = []
    at = now
    for k in range(1, _AHEAD + 2):
        at = next_local_midnight(strike.timezone, at)
        later = day_count(strike, at, rule)
        if k > _AHEAD or later.day != count.day + k or not _same_words(later, count) \
                or phrases.day_words_differ(lang, count.day, later.day):
            # The words change, or the list ends (a page open for over a week): the page
            # asks the server again then, rather than trusting the browser's zone data.
            return [*instants, at], "reload"
        instants.append(at)
    return instants, "reload"  # not reached


def _counter(strike: Strike, count: DayCount, lang: str, now: dt.datetime,
             rule: ConfirmationRule) -> Markup:
    """The day number, with the instants the browser moves it on at (embed.js)."""
    number = count.day if count.day is not None else 0
    end = strike.stopped_on.isoformat() if strike.stopped_on else ""
    numbering = i18n.LANGUAGES[lang].numbering
    instants, then = _next_instants(strike, count, now, rule, lang)
    return Markup(
        '<time class="sw-n" datetime="{as_of}" data-n="{n}" data-as-of="{as_of}" '
        'data-next="{next}" data-then="{then}" data-tz="{tz}" data-end="{end}" '
        'data-numbering="{numbering}"{hidden}>{shown}</time>'
    ).format(hidden=Markup(" hidden") if count.day is None else "",
             as_of=count.as_of.isoformat(), n=number, next=" ".join(iso(t) for t in instants),
             then=then, tz=strike.timezone, end=end, numbering=numbering,
             shown=i18n.digits(str(number), lang))


def _date(value: dt.date, lang: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(),
                                                          i18n.long_date(value, lang))


def strike_page_url(strike: Strike, site: Site, lang: str) -> str:
    """The strike's own page on this service, in `lang`: where "Read more", badges, feed
    entries and the oEmbed fallback lead (the organisation's posts are listed there)."""
    query = "" if lang == i18n.DEFAULT_LANGUAGE else f"?lang={lang}"
    return site.base_url + routes.STRIKE_PAGE.path(slug=strike.slug) + query


def _headline(strike: Strike, count: DayCount, counter: Markup, since: Markup,
              lang: str) -> Markup:
    """Where the strike stands, in the phrases of widget.render.phrases, for the state
    widget.days gives. The catalogue's text is trusted (as Jinja's trans blocks trust
    it); the values are escaped."""
    t = i18n.translations(lang)
    kind = phrases.KINDS[strike.kind]
    end = phrases.ending(strike)
    if count.state is DayState.FINAL and end is not None:
        if count.day is None:  # no count to tell (the start is unknown)
            return Markup(end.uncounted(t))
        return Markup(phrases.for_day(end.headline(t, count.day), lang, count.day)) % {
            "n": counter}
    if count.state is DayState.ANNOUNCED:
        return Markup(phrases.announced(t)) % {"date": since}
    if count.state is DayState.UNVERIFIED:
        confirmed = _date(count.confirmed_on or strike.start_date, lang)
        if count.confirmed_day is None:
            return Markup(kind.reported_unverified(t)) % {"date": confirmed}
        # A number of the past: not a counter the page moves on.
        then = Markup('<span class="sw-n">{}</span>').format(count.confirmed_day)
        text = phrases.for_day(kind.unverified(t), lang, count.confirmed_day)
        return Markup(text) % {"n": then, "date": confirmed}
    if count.state is DayState.START_UNKNOWN:
        return Markup(kind.reported(t)) % {"date": since}
    return Markup(phrases.for_day(kind.headline(t), lang, count.day)) % {"n": counter}


def _dates(strike: Strike, count: DayCount, since: Markup, lang: str) -> Markup:
    """The line under the headline: the strike's dates, as the language writes them."""
    t = i18n.translations(lang)
    start, end = strike.start_date, strike.end_date
    if count.state is DayState.FINAL and end is not None and start <= end:
        if not strike.start_known:
            return Markup(t.gettext("Reported: %(dates)s")) % {
                "dates": phrases.date_range(start, end, lang)}
        if start == end:
            return Markup(t.gettext("On %(date)s")) % {"date": since}
        return Markup('<span class="sw-range">{}</span>').format(
            phrases.date_range(start, end, lang))
    if count.state in COUNTING:
        return Markup(t.gettext("Since %(date)s")) % {"date": since}
    if count.state is DayState.UNVERIFIED and strike.start_known:
        return Markup(t.gettext("Began on %(date)s")) % {"date": since}
    return Markup("")


def _card_state(strike: Strike, count: DayCount) -> str:
    """The card's class (sw-STATE): ongoing, unverified, announced, ended or suspended."""
    if count.state is DayState.FINAL:
        return "suspended" if strike.status is Status.SUSPENDED else "ended"
    if count.state in (DayState.ANNOUNCED, DayState.UNVERIFIED):
        return count.state.value
    return "ongoing"


def strike_view(strike: Strike, now: dt.datetime, lang: str, site: Site) -> dict[str, Any]:
    count = day_count(strike, now, site.rule)
    number = count.day if count.day is not None else 0
    # Every card has its counter: a number told, or (hidden, with no number) the instant
    # its words change, for the page to ask the server again then.
    counter = _counter(strike, count, lang, now, site.rule)
    since = _date(strike.start_date, lang)
    # The headline of an unverified strike already says when it was last confirmed.
    unconfirmed = (count.unconfirmed_since
                   if count.state in (DayState.UNCONFIRMED, DayState.START_UNKNOWN) else None)
    words = strike.words(lang)

    # The attributes of the strike's words (name, place, demand): isolated, in whatever
    # script they are written (dir="auto"), and in their language when it is not the
    # interface's (the original where the strikes file has none in it), for screen readers.
    def attrs(translated: bool) -> Markup:
        if translated or site.content_lang == lang:
            return Markup(' dir="auto"')
        return Markup(' dir="auto" lang="{}"').format(site.content_lang)

    return {
        "slug": strike.slug,
        "name": words.name,
        "name_attrs": attrs(words.name_translated),
        "state": _card_state(strike, count),
        "day_state": count.state.value,
        "start_known": strike.start_known,
        "stopped": strike.stopped,
        "day": number,
        # The headline shows the counter; when it does not, the card carries it hidden
        # while the words will change by themselves (its instant is then written in).
        "counted": count.day is not None,
        "words_change": not count.frozen and count.state_until is not None,
        "counter": counter,
        "headline": Markup(phrases.elide(_headline(strike, count, counter, since, lang), lang)),
        "dates": Markup(phrases.elide(_dates(strike, count, since, lang), lang)),
        "place": words.place,
        "place_attrs": attrs(words.place_translated),
        "country": site.country(strike.country, lang),
        "separator": phrases.list_separator(lang),  # between the place and the country
        "since": since,
        "ended": _date(strike.end_date, lang) if strike.end_date else "",
        "demand": words.demands[0] if words.demands else "",
        "demand_attrs": attrs(words.demands_translated),
        "summary": words.summary,
        "summary_attrs": attrs(words.summary_translated),
        "actions": words.actions,
        "actions_attrs": attrs(words.actions_translated),
        "participants": strike.participants or 0,
        "unconfirmed": _date(unconfirmed, lang) if unconfirmed else "",
        "more": strike_page_url(strike, site, lang),
        "changes_at": "" if count.frozen else iso(now),
    }

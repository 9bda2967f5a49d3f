"""Embed pages: Jinja2 (autoescape on) over view models built from the snapshot.

One Environment per interface language, built once per `Pages`: gettext callables
are installed per environment, so rendering is thread-safe and needs no globals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup

from widget import i18n, routes
from widget.assets import Assets, package_dir
from widget.days import DayCount, day_count, next_local_midnight
from widget.model import Post, Status, Strike
from widget.query import PostQuery, select_posts
from widget.render import phrases
from widget.render.options import EmbedOptions
from widget.snapshot import Snapshot
from widget.values import iso


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    url: str  # the organisation's website, or ""
    base_url: str  # this service
    content_lang: str = "en"  # language of the strikes file's texts


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
        env.globals.update(static=self.assets.url, site=self.site)
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
        return self._render("news.html", options, routes.EMBED_NEWS.template,
                            posts=[post_view(p, options.lang) for p in posts])

    def strikes(self, snapshot: Snapshot, options: EmbedOptions, now: dt.datetime) -> bytes:
        chosen = chosen_strikes(snapshot, options)
        return self._render("strikes.html", options, routes.EMBED_STRIKES.template,
                            strikes=[strike_view(s, now, options.lang, self.site) for s in chosen])

    def strike(self, strike: Strike, options: EmbedOptions, now: dt.datetime) -> bytes:
        return self._render("strike.html", options, routes.EMBED_STRIKE.path(slug=strike.slug),
                            s=strike_view(strike, now, options.lang, self.site))

    def notice(self, options: EmbedOptions) -> bytes:
        return self._render("notice.html", options, None)

    def error(self, options: EmbedOptions, name: str, reason: str) -> bytes:
        return self._render("error.html", options, None, name=name, reason=reason)


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


def post_view(post: Post, lang: str) -> dict[str, Any]:
    return {
        "title": post.title,
        "url": post.url,
        "excerpt": post.excerpt,
        "published": iso(post.published),
        "date": i18n.medium_date(post.published.date(), lang),
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


def _next_instants(strike: Strike, count: DayCount, now: dt.datetime
                   ) -> tuple[list[dt.datetime], str]:
    """The coming instants at which the shown number grows by one (the strike's local
    midnights, from the server's tzdata), and what follows the last: "count" (more
    midnights, one more day each) or "reload" (the wording changes then: the page asks
    the server again)."""
    if count.frozen:
        return [], "count"
    instants: list[dt.datetime] = []
    at = now
    if count.day is None:  # announced: day 1 comes at the first midnight it is counted
        for _ in range(400):
            at = next_local_midnight(strike.timezone, at)
            if day_count(strike, at).day is not None:
                return [at], "reload"
        return [], "count"
    for k in range(1, _AHEAD + 1):
        at = next_local_midnight(strike.timezone, at)
        later = day_count(strike, at)
        if later.day != count.day + k or not _same_words(later, count):
            return [*instants, at], "reload"
        instants.append(at)
    return instants, "count"


def _counter(strike: Strike, count: DayCount, lang: str, now: dt.datetime) -> Markup:
    """The day number, with the instants the browser moves it on at (embed.js)."""
    number = count.day if count.day is not None else 0
    end = strike.stopped_on.isoformat() if strike.stopped_on else ""
    numbering = i18n.LANGUAGES[lang].numbering
    instants, then = _next_instants(strike, count, now)
    return Markup(
        '<time class="sw-n" datetime="{as_of}" data-n="{n}" data-as-of="{as_of}" '
        'data-next="{next}" data-then="{then}" data-tz="{tz}" data-end="{end}" '
        'data-numbering="{numbering}"{hidden}>{shown}</time>'
    ).format(hidden=Markup(" hidden") if count.day is None else "",
             as_of=count.as_of.isoformat(), n=number, next=" ".join(iso(t) for t in instants),
             then=then, tz=strike.timezone, end=end, numbering=numbering, shown=number)


def _date(value: dt.date, lang: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(),
                                                          i18n.long_date(value, lang))


def _more_link(strike: Strike, site: Site) -> str:
    for url in (*strike.related_posts, *strike.sources):
        return url
    return site.url


def _headline(strike: Strike, count: DayCount, counter: Markup, since: Markup,
              lang: str) -> Markup:
    """Where the strike stands, in the phrases of widget.render.phrases. The catalogue's
    text is trusted (as Jinja's trans blocks trust it); the values are escaped."""
    t = i18n.translations(lang)
    end = phrases.ending(strike)
    if end is not None:
        return Markup(end.headline(t, count.day or 0)) % {"n": counter}
    if count.day is None:
        return Markup(phrases.announced(t)) % {"date": since}
    return Markup(phrases.KINDS[strike.kind].headline(t)) % {"n": counter}


def strike_view(strike: Strike, now: dt.datetime, lang: str, site: Site) -> dict[str, Any]:
    count = day_count(strike, now)
    state = "ongoing"
    if strike.status is Status.ENDED:
        state = "ended"
    elif strike.status is Status.SUSPENDED:
        state = "suspended"
    elif count.day is None:
        state = "announced"
    number = count.day if count.day is not None else 0
    counter = _counter(strike, count, lang, now)
    since = _date(strike.start_date, lang)
    return {
        "slug": strike.slug,
        "name": strike.name,
        "state": state,
        "stopped": strike.stopped,
        "day": number,
        "counter": counter,
        "headline": _headline(strike, count, counter, since, lang),
        "place": strike.place,
        "country": i18n.country_name(strike.country, lang),
        "since": since,
        "ended": _date(strike.end_date, lang) if strike.end_date else "",
        "demand": strike.demands[0] if strike.demands else "",
        "participants": strike.participants or 0,
        "unconfirmed": _date(count.unconfirmed_since, lang) if count.unconfirmed_since else "",
        "more": _more_link(strike, site),
        # The editor's texts keep their language; screen readers need to know it.
        "text_lang": Markup(' lang="{}" dir="auto"').format(site.content_lang)
        if site.content_lang != lang else "",
        "changes_at": "" if count.frozen else iso(now),
    }

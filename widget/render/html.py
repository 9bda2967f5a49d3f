"""Embed pages: Jinja2 (autoescape on) over view models built from the snapshot.

One Environment per interface language, built once: gettext callables are
installed per environment, so rendering is thread-safe and needs no globals.
An operator may override any template by putting a file of the same name in
the folder named by `templates_dir`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup

from widget import i18n
from widget.assets import Assets, package_dir
from widget.days import day_count
from widget.model import Post, Status, Strike
from widget.render.api import PostQuery, iso, select_posts
from widget.render.options import EmbedOptions
from widget.snapshot import Snapshot


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    url: str  # the organisation's website, or ""
    base_url: str  # this service
    content_lang: str = "en"  # language of the strikes file's texts


class Pages:
    """Renders every embed page. Pure: (snapshot, options, now) in, HTML bytes out."""

    def __init__(self, site: Site, assets: Assets, override: Path | None = None):
        self.site = site
        self.assets = assets
        self._override = override

    @cache  # noqa: B019 - one environment per language for the life of the process
    def _env(self, lang: str) -> jinja2.Environment:
        folders = [str(package_dir("templates"))]
        if self._override is not None:
            folders.insert(0, str(self._override))
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(folders),
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
        accent_url = f"/embed/accent.css?accent={options.accent}" if options.accent else ""
        oembed = oembed_url(self.site, path, options) if path else ""
        html = env.get_template(template).render(
            o=options, lang=lang, accent_url=accent_url, oembed_url=oembed, **context)
        return html.encode()

    # --- pages ------------------------------------------------------------------------

    def news(self, snapshot: Snapshot, options: EmbedOptions) -> bytes:
        query = PostQuery(limit=options.limit, category=options.category or None)
        posts, _ = select_posts(snapshot, query)
        return self._render("news.html", options, "/embed/news",
                            posts=[post_view(p, options.lang) for p in posts])

    def strikes(self, snapshot: Snapshot, options: EmbedOptions, now: dt.datetime) -> bytes:
        chosen = chosen_strikes(snapshot, options)
        return self._render("strikes.html", options, "/embed/strikes",
                            strikes=[strike_view(s, now, options.lang, self.site) for s in chosen])

    def strike(self, strike: Strike, options: EmbedOptions, now: dt.datetime) -> bytes:
        return self._render("strike.html", options, f"/embed/strike/{strike.slug}",
                            s=strike_view(strike, now, options.lang, self.site))

    def notice(self, options: EmbedOptions) -> bytes:
        return self._render("notice.html", options, None)

    def error(self, options: EmbedOptions, name: str, reason: str) -> bytes:
        return self._render("error.html", options, None, name=name, reason=reason)


def page_url(site: Site, path: str, options: EmbedOptions) -> str:
    return site.base_url + path + options.query()


def oembed_url(site: Site, path: str, options: EmbedOptions) -> str:
    """The oEmbed endpoint for an embed page, for discovery (<link> and Link:)."""
    return f"{site.base_url}/oembed?" + urlencode(
        {"url": page_url(site, path, options), "format": "json"})


def chosen_strikes(snapshot: Snapshot, options: EmbedOptions) -> list[Strike]:
    """The strikes a list widget shows, in the editor's order."""
    return [s for s in snapshot.strikes.values() if _listed(s, options)][:options.limit]


def _listed(strike: Strike, options: EmbedOptions) -> bool:
    stopped = strike.status in (Status.ENDED, Status.SUSPENDED)
    if options.status != "all" and stopped != (options.status == "ended"):
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


def _counter(strike: Strike, number: int, as_of: dt.date, lang: str) -> Markup:
    """The day number, with what the browser needs to roll it over at local midnight."""
    end = strike.end_date.isoformat() if strike.end_date and strike.status in (
        Status.ENDED, Status.SUSPENDED) else ""
    numbering = i18n.LANGUAGES[lang].numbering
    return Markup(
        '<time class="sw-n" datetime="{as_of}" data-start="{start}" data-tz="{tz}" '
        'data-offset="{offset}" data-end="{end}" data-numbering="{numbering}">{n}</time>'
    ).format(as_of=as_of.isoformat(), start=strike.start_date.isoformat(), tz=strike.timezone,
             offset=strike.day_offset, end=end, numbering=numbering, n=number)


def _date(value: dt.date, lang: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(),
                                                          i18n.long_date(value, lang))


def _more_link(strike: Strike, site: Site) -> str:
    for url in (*strike.related_posts, *strike.sources):
        return url
    return site.url


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
    return {
        "slug": strike.slug,
        "name": strike.name,
        "state": state,
        "kind": strike.kind.value,
        "outcome": strike.outcome.value if strike.outcome else "",
        "day": number,
        "counter": _counter(strike, number, count.as_of, lang),
        "place": strike.place,
        "country": i18n.country_name(strike.country, lang),
        "since": _date(strike.start_date, lang),
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


def all_templates() -> Iterable[str]:
    return sorted(p.name for p in package_dir("templates").glob("*.html"))


Renderer = Callable[..., bytes]

"""A strike's own public page, /strike/SLUG, and its share card /card/strike/SLUG.png.

Removed and unknown slugs are answered as the widgets answer them: a removed strike's
calm notice (200), a typo's page (404).
"""

from __future__ import annotations

import falcon

from widget import routes
from widget.http.params import Params
from widget.http.responses import HTML, Entry, entry, send
from widget.http.services import Services
from widget.i18n import DEFAULT_LANGUAGE, LANGUAGES
from widget.render import card
from widget.render.api import fresh_until
from widget.render.badge import text as badge_text
from widget.render.badge.shaping import Fonts
from widget.render.html import standing, strike_view
from widget.render.options import EmbedOptions, OptionError


def _lang(req: falcon.Request) -> str:
    """The card's language; a bad query is a problem (JSON), as for any image."""
    return Params(req, ("lang",)).choice("lang", tuple(LANGUAGES), default=DEFAULT_LANGUAGE)


def _page_lang(req: falcon.Request) -> str:
    """The page's language; a bad query is a readable page naming it (OptionError)."""
    for name, value in req.params.items():
        if name != "lang":
            raise OptionError(name, "is not an option of this page (options: lang)")
        if isinstance(value, list):
            raise OptionError(name, "is given more than once")
    lang = req.params.get("lang", DEFAULT_LANGUAGE)
    if lang not in LANGUAGES:
        raise OptionError("lang", "must be one of: " + ", ".join(LANGUAGES))
    return str(lang)


class StrikePage:
    def __init__(self, services: Services):
        self._pages = services.pages
        self._snapshots = services.snapshots
        self._rendered = services.rendered
        self._clock = services.clock
        self._health = services.health

    def on_get(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        lang = _page_lang(req)
        snapshot = self._snapshots.current()
        strike = snapshot.strikes.get(slug)
        if strike is None:
            options = EmbedOptions(lang=lang)
            if slug in snapshot.removed or self._health.troubles():
                send(resp, self._rendered.get(("page-notice", lang), lambda: entry(
                    self._pages.notice(options))), HTML)
            else:
                send(resp, self._rendered.get(("page-unknown", lang), lambda: entry(
                    self._pages.unknown(options))), HTML)
                resp.status = falcon.HTTP_404
            return
        now = self._clock()
        key = ("strike-page", slug, lang, snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, lambda: entry(
            self._pages.strike_page(strike, snapshot, lang, now),
            fresh_until=fresh_until([strike], now, self._pages.site.rule))), HTML)

    on_head = on_get


class ShareCard:
    """The page's Open Graph image, in the page's language; it says a day number, so it
    is kept until the strike's next local midnight, like the badge."""

    def __init__(self, services: Services):
        self._services = services
        self._fonts = Fonts.bundled()  # once per app: read, never changed

    def on_get(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        lang = _lang(req)
        services = self._services
        snapshot = services.snapshots.current()
        strike = snapshot.strikes.get(slug)
        if strike is None and slug in snapshot.removed:
            raise falcon.HTTPGone(title="Strike no longer listed",
                                  description=f"the hunger strike {slug!r} was removed")
        if strike is None:
            raise falcon.HTTPNotFound(title="Unknown strike",
                                      description=f"no hunger strike is listed as {slug!r}")
        now = services.clock()
        site = services.pages.site

        def draw() -> Entry:
            said = badge_text.strike_text(strike, now, lang, name_lang=site.content_lang,
                                          speaks=lambda _: True, rule=site.rule)
            text = card.card_text(strike, standing(strike_view(strike, now, lang, site)), lang,
                                  site.name, "#" + said.accent)
            return entry(card.png(text, self._fonts), compress=False,
                         fresh_until=fresh_until([strike], now, site.rule))

        key = ("card", slug, lang, snapshot.version, snapshot.local_dates(now))
        send(resp, services.rendered.get(key, draw), "image/png")

    on_head = on_get


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`."""
    app.add_route(routes.STRIKE_PAGE.template, StrikePage(services))
    app.add_route(routes.CARD.template, ShareCard(services))

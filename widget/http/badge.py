"""Image badges: /badge/strike/{slug}.svg and .png (the PNG also takes `scale`: 2, the
default, has twice the pixels of the badge's size, for high-DPI screens; 1 has exactly
its size, for BBCode forums, which show an image at its pixel size)."""

from __future__ import annotations

import falcon

from widget import routes
from widget.http.params import Params, ParsedQueries
from widget.http.responses import Entry, entry, send
from widget.http.services import Services
from widget.i18n import LANGUAGES
from widget.render.api import fresh_until
from widget.render.badge.png import PNG_SCALE, PNG_SCALES
from widget.render.badge.renderer import FORMATS, BadgeRenderer
from widget.render.badge.svg import STYLES, THEMES
from widget.render.badge.text import BadgeOptions

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# Opened on its own, an SVG is a document: let it run nothing and load nothing.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


_LANGS = tuple(LANGUAGES)
_DEFAULT = BadgeOptions()
_SCALES = tuple(str(s) for s in PNG_SCALES)


def _badge_options(req: falcon.Request, fmt: str) -> tuple[BadgeOptions, int]:
    """The badge's options, and the PNG's scale (1 for an SVG, which takes none)."""
    params = Params(req, ("style", "lang", "theme", *(("scale",) if fmt == "png" else ())))
    options = BadgeOptions(
        style=params.choice("style", STYLES, default=_DEFAULT.style),
        lang=params.choice("lang", _LANGS, default=_DEFAULT.lang),
        theme=params.choice("theme", THEMES, default=_DEFAULT.theme),
    )
    scale = int(params.choice("scale", _SCALES, default=str(PNG_SCALE))) if fmt == "png" else 1
    return options, scale


class StrikeBadge:
    """A strike's badge. Never a broken image: a removed or unknown slug gets a neutral
    "no longer listed" badge (200), and only a wrong option is an error (400).

    NOTE: unlike the embed page, a badge does not tell a typo (404 there) from a removal:
    an image cannot show a page, and image proxies (GitHub's camo, for one) may show a
    broken image for any answer but a 2xx, on a page whose author did nothing wrong when
    the strike was removed. The embed page, the API and the builder tell the two apart
    (docs/deploy.md, "What is exported")."""

    def __init__(self, services: Services, renderer: BadgeRenderer, fmt: str):
        self._renderer = renderer
        self._snapshots = services.snapshots
        self._rendered = services.rendered
        self._clock = services.clock
        self._rule = services.pages.site.rule  # when a count stops being told as today's
        self._name_lang = services.config.content_lang
        self._format = fmt
        self._parsed = ParsedQueries(lambda req: _badge_options(req, fmt))

    def on_get(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        options, scale = self._parsed.get(req)
        snapshot = self._snapshots.current()
        now = self._clock()
        strike = snapshot.strikes.get(slug)

        def body() -> Entry:
            if self._format == "svg":
                data = self._renderer.svg(strike, now, options, name_lang=self._name_lang,
                                          rule=self._rule)
            else:
                data = self._renderer.png(strike, now, options, name_lang=self._name_lang,
                                          rule=self._rule, scale=scale)
            return entry(data, fresh_until=fresh_until([strike], now, self._rule)
                         if strike else None, compress=self._format == "svg")

        if strike is None:
            # Every slug not listed looks the same: one cache entry for all of them, so
            # made-up slugs cannot push real renderings out of the shared cache.
            key: tuple[object, ...] = ("badge", self._format, None, options, scale,
                                       snapshot.version)
        else:
            key = ("badge", self._format, slug, options, scale, snapshot.version,
                   snapshot.local_dates(now))
        send(resp, self._rendered.get(key, body), CONTENT_TYPES[self._format])
        resp.set_header("Content-Security-Policy", _CSP)

    on_head = on_get


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`, sharing one renderer."""
    renderer = BadgeRenderer()
    for fmt in FORMATS:
        app.add_route(routes.BADGES[fmt].template, StrikeBadge(services, renderer, fmt))

"""Embed pages, their stylesheet for custom accents, static assets and the loader."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import falcon

from widget import routes
from widget.assets import Asset, Assets
from widget.http.caching import accepts_gzip
from widget.http.errors import InvalidParameter
from widget.http.params import Params, ParsedQueries
from widget.http.responses import CSS, HTML, entry, send
from widget.http.services import Services
from widget.i18n import DEFAULT_LANGUAGE, LANGUAGES
from widget.render.api import fresh_until
from widget.render.colour import accent_css
from widget.render.html import Pages, chosen_strikes, oembed_url
from widget.render.options import EmbedOptions, OptionError, normalise_accent, parse_options


class _EmbedPage:
    """An embed page of one widget: options parsed once per query string, and the
    rendered page kept with its oEmbed discovery header (for consumers that only read
    headers) in the shared render cache."""

    def __init__(self, services: Services, route: routes.Route):
        widget = route.widget
        assert widget is not None
        self._route = route
        self._pages = services.pages
        self._snapshots = services.snapshots
        self._rendered = services.rendered
        self._clock = services.clock
        self._parsed = ParsedQueries(lambda req: parse_options(widget, req.params))
        self._health = services.health

    def _discovery(self, options: EmbedOptions, **fields: str) -> tuple[str, ...]:
        href = oembed_url(self._pages.site, self._route.path(**fields), options)
        return (f'<{href}>; rel="alternate"; type="application/json+oembed"',)


class EmbedNews(_EmbedPage):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        options = self._parsed.get(req)
        snapshot = self._snapshots.current()
        key = (self._route.name, options, snapshot.version)
        send(resp, self._rendered.get(key, lambda: entry(
            self._pages.news(snapshot, options), links=self._discovery(options))), HTML)

    on_head = on_get


class EmbedStrikes(_EmbedPage):
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        options = self._parsed.get(req)
        snapshot = self._snapshots.current()
        now = self._clock()
        key = (self._route.name, options, snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, lambda: entry(
            self._pages.strikes(snapshot, options, now),
            fresh_until=fresh_until(chosen_strikes(snapshot, options), now,
                                    self._pages.site.rule),
            links=self._discovery(options))), HTML)

    on_head = on_get


class EmbedStrike(_EmbedPage):
    def on_get(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        options = self._parsed.get(req)
        snapshot = self._snapshots.current()
        strike = snapshot.strikes.get(slug)
        if strike is None:
            # A calm page either way, never a broken box: the frame shows it and fits it
            # (embed.js sends its height), with the same styles and CSP as any other.
            # While the service serves no good data (a broken database and copy: the
            # store is empty), it cannot tell a typo from anything: the calm notice.
            if slug in snapshot.removed or self._health.troubles():
                # A removed strike's tombstone: a page like any other (200; the webmaster
                # did nothing wrong, so no console error on every host page).
                key: tuple[Any, ...] = ("embed-notice", options)
                send(resp, self._rendered.get(key, lambda: entry(self._pages.notice(options))),
                     HTML)
            else:
                # Never listed: a typo in the address. 404, as the API says, so that the
                # webmaster can tell it from a removal (the browser's console names it).
                # One cache entry for every such slug: made-up slugs push nothing out.
                key = ("embed-unknown", options)
                send(resp, self._rendered.get(key, lambda: entry(self._pages.unknown(options))),
                     HTML)
                resp.status = falcon.HTTP_404
            return
        now = self._clock()
        key = (self._route.name, slug, options, snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, lambda: entry(
            self._pages.strike(strike, options, now),
            fresh_until=fresh_until([strike], now, self._pages.site.rule),
            links=self._discovery(options, slug=slug))), HTML)

    on_head = on_get


class AccentStylesheet:
    """Custom accents as a stylesheet, since embed pages allow no inline style (CSP)."""

    def __init__(self, services: Services):
        self._rendered = services.rendered

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        Params(req, ("accent",))
        try:
            accent = normalise_accent(req.get_param("accent", required=True))
        except OptionError as exc:
            raise InvalidParameter("accent", exc.reason) from None
        send(resp, self._rendered.get(("accent", accent),
                                      lambda: entry(accent_css(accent).encode())), CSS)

    on_head = on_get


def _send_asset(req: falcon.Request, resp: falcon.Response, asset: Asset) -> None:
    gzip_ok = accepts_gzip(req.get_header("Accept-Encoding"))
    resp.data = asset.gzipped if gzip_ok else asset.body
    if gzip_ok:
        resp.set_header("Content-Encoding", "gzip")
    resp.append_header("Vary", "Accept-Encoding")
    resp.content_type = asset.content_type
    # One tag for both encodings would be wrong for a byte-range cache; keep them apart.
    resp.etag = asset.digest + ("-gz" if gzip_ok else "")
    resp.context.reusable = True  # the same bytes for every such request (widget.http.hits)


class StaticAssets:
    """Only content-hashed names are served, and they never change: immutable."""

    def __init__(self, assets: Assets):
        self._assets = assets

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        Params(req, ())
        asset = self._assets.by_hashed_name(name)
        if asset is None:
            raise falcon.HTTPNotFound(title="Unknown asset",
                                      description=f"{name!r} is not an asset of this version")
        _send_asset(req, resp, asset)
        resp.context.cache = "immutable"

    on_head = on_get


class Loader:
    """/widget.js: the stable URL for snippets; short-lived, so fixes reach every host."""

    def __init__(self, asset: Asset):
        self._asset = asset

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        Params(req, ())
        _send_asset(req, resp, self._asset)

    on_head = on_get


def option_error_handler(pages: Pages) -> Callable[..., None]:
    def handle(req: falcon.Request, resp: falcon.Response, exc: OptionError,
               params: dict[str, Any]) -> None:
        lang = req.params.get("lang")
        options = EmbedOptions(lang=lang if isinstance(lang, str) and lang in LANGUAGES
                               else DEFAULT_LANGUAGE)
        resp.data = pages.error(options, exc.name, exc.reason)
        resp.content_type = HTML
        resp.status = falcon.HTTP_400
    return handle


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`: embed pages, their stylesheet, assets, loader."""
    app.add_error_handler(OptionError, option_error_handler(services.pages))
    app.add_route(routes.EMBED_NEWS.template, EmbedNews(services, routes.EMBED_NEWS))
    app.add_route(routes.EMBED_STRIKES.template, EmbedStrikes(services, routes.EMBED_STRIKES))
    app.add_route(routes.EMBED_STRIKE.template, EmbedStrike(services, routes.EMBED_STRIKE))
    app.add_route(routes.ACCENT.template, AccentStylesheet(services))
    app.add_route(routes.STATIC.template, StaticAssets(services.assets))
    app.add_route(routes.LOADER.template, Loader(services.assets["widget.js"]))

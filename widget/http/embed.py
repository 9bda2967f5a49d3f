"""Embed pages, their stylesheet for custom accents, static assets and the loader."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import falcon

from widget.assets import Asset, Assets
from widget.http.api import Entry, Rendered, entry, send
from widget.http.errors import InvalidParameter
from widget.http.params import Params, ParsedQueries
from widget.i18n import DEFAULT_LANGUAGE, LANGUAGES
from widget.render.api import fresh_until
from widget.render.colour import accent_css
from widget.render.html import Pages, chosen_strikes, oembed_url
from widget.render.options import EmbedOptions, OptionError, normalise_accent, parse_options
from widget.snapshot import SnapshotSource

HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"


def _parser(widget: str) -> ParsedQueries[EmbedOptions]:
    def parse(req: falcon.Request) -> EmbedOptions:
        return parse_options(widget, req.params)
    return ParsedQueries(parse)


_PARSED = {widget: _parser(widget) for widget in ("news", "strikes", "strike")}


def _options(req: falcon.Request, widget: str) -> EmbedOptions:
    return _PARSED[widget].get(req)


@functools.lru_cache(maxsize=4096)
def _discovery_header(pages: Pages, path: str, options: EmbedOptions) -> str:
    href = oembed_url(pages.site, path, options)
    return f'<{href}>; rel="alternate"; type="application/json+oembed"'


class EmbedNews:
    def __init__(self, pages: Pages, snapshots: SnapshotSource, rendered: Rendered):
        self._pages, self._snapshots, self._rendered = pages, snapshots, rendered

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        options = _options(req, "news")
        snapshot = self._snapshots.current()
        key = ("embed-news", options.key(), snapshot.version)
        send(resp, self._rendered.get(key, lambda: entry(self._pages.news(snapshot, options))),
             HTML)
        _discovery(resp, self._pages, "/embed/news", options)

    on_head = on_get


class EmbedStrikes:
    def __init__(self, pages: Pages, snapshots: SnapshotSource, rendered: Rendered,
                 clock: Callable[[], dt.datetime]):
        self._pages, self._snapshots, self._rendered = pages, snapshots, rendered
        self._clock = clock

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        options = _options(req, "strikes")
        snapshot = self._snapshots.current()
        now = self._clock()
        key = ("embed-strikes", options.key(), snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, lambda: entry(
            self._pages.strikes(snapshot, options, now),
            fresh_until=fresh_until(chosen_strikes(snapshot, options), now))), HTML)
        _discovery(resp, self._pages, "/embed/strikes", options)

    on_head = on_get


class EmbedStrike:
    def __init__(self, pages: Pages, snapshots: SnapshotSource, rendered: Rendered,
                 clock: Callable[[], dt.datetime]):
        self._pages, self._snapshots, self._rendered = pages, snapshots, rendered
        self._clock = clock

    def on_get(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        options = _options(req, "strike")
        snapshot = self._snapshots.current()
        strike = snapshot.strikes.get(slug)
        if strike is None:
            # A calm notice, never a broken box. It is a page like any other for the frame
            # (200, not 404, which would be a console error on every host page).
            key: tuple[Any, ...] = ("embed-notice", options.key())
            send(resp, self._rendered.get(key, lambda: entry(self._pages.notice(options))), HTML)
            return
        now = self._clock()
        key = ("embed-strike", slug, options.key(), snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, lambda: entry(
            self._pages.strike(strike, options, now), fresh_until=fresh_until([strike], now))),
            HTML)
        _discovery(resp, self._pages, f"/embed/strike/{slug}", options)

    on_head = on_get


def _discovery(resp: falcon.Response, pages: Pages, path: str, options: EmbedOptions) -> None:
    """oEmbed discovery by header too, for consumers that only read headers."""
    resp.append_header("Link", _discovery_header(pages, path, options))


class AccentStylesheet:
    """Custom accents as a stylesheet, since embed pages allow no inline style (CSP)."""

    def __init__(self, rendered: Rendered):
        self._rendered = rendered

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
    gzip_ok = "gzip" in (req.get_header("Accept-Encoding") or "")
    resp.data = asset.gzipped if gzip_ok else asset.body
    if gzip_ok:
        resp.set_header("Content-Encoding", "gzip")
    resp.append_header("Vary", "Accept-Encoding")
    resp.content_type = asset.content_type
    # One tag for both encodings would be wrong for a byte-range cache; keep them apart.
    resp.etag = asset.digest + ("-gz" if gzip_ok else "")


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


__all__ = ["AccentStylesheet", "EmbedNews", "EmbedStrike", "EmbedStrikes", "Entry", "Loader",
           "StaticAssets", "option_error_handler"]

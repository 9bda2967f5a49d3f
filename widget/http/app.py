"""create_app(config) wires the service; get_app() reads the environment for gunicorn."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from dataclasses import dataclass

import falcon
import orjson

from widget.assets import Assets, default_assets
from widget.config import Config
from widget.fallback import Health, StoreFiles, load_or_last_good
from widget.http import api, badge, builder, embed, feeds, oembed
from widget.http.caching import HTTPCaching
from widget.http.errors import serialize_error
from widget.http.openapi import openapi_document
from widget.render.html import Pages, Site
from widget.render.options import OptionError
from widget.snapshot import SnapshotSource
from widget.store import Store


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Services:
    """What resource families need, built once per app; each family's module has a
    `register(app, services)` that adds its routes."""

    config: Config
    snapshots: SnapshotSource  # its `store` is the one to read: it changes with each sync
    rendered: api.Rendered
    pages: Pages
    assets: Assets
    clock: Callable[[], dt.datetime]


def create_app(config: Config, *, store: Store | None = None,
               clock: Callable[[], dt.datetime] = utc_now,
               health: Health | None = None) -> falcon.App:
    health = health if health is not None else Health()
    # Given a store (tests, the export), serve it; else the copy each sync publishes.
    files = None
    if store is None:
        files = StoreFiles(config.database, health)
        store = files.open()
    snapshots = SnapshotSource(store, config.reload_interval, clock, files)
    rendered = api.Rendered()

    # CORS: any origin may read, never with credentials; see HTTPCaching for why the
    # headers are set unconditionally rather than by falcon's CORSMiddleware.
    app = falcon.App(middleware=[HTTPCaching(config, clock)])
    json_handler = falcon.media.JSONHandler(dumps=orjson.dumps, loads=orjson.loads)
    app.req_options.media_handlers[falcon.MEDIA_JSON] = json_handler
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = json_handler
    app.set_error_serializer(serialize_error)
    app.req_options.strip_url_path_trailing_slash = True

    app.add_route("/api/v1/posts", api.PostsResource(config, snapshots, rendered))
    app.add_route("/api/v1/strikes", api.StrikesResource(config, snapshots, rendered, clock))
    app.add_route("/api/v1/strikes/{slug}",
                  api.StrikeResource(config, snapshots, rendered, clock))
    app.add_route("/api/v1/openapi.json",
                  api.OpenAPIResource(orjson.dumps(openapi_document(config.base_url))))
    app.add_route("/healthz", api.HealthResource(config, snapshots, health, clock))
    app.add_route("/media/{name}", api.MediaResource(snapshots))

    assets = default_assets()
    site = Site(config.site_name, config.site_url, config.base_url, config.content_lang)
    pages = Pages(site, assets)
    app.add_error_handler(OptionError, embed.option_error_handler(pages))
    app.add_route("/embed/news", embed.EmbedNews(pages, snapshots, rendered))
    app.add_route("/embed/strikes", embed.EmbedStrikes(pages, snapshots, rendered, clock))
    app.add_route("/embed/strike/{slug}", embed.EmbedStrike(pages, snapshots, rendered, clock))
    app.add_route("/embed/accent.css", embed.AccentStylesheet(rendered))
    app.add_route("/static/{name}", embed.StaticAssets(assets))
    app.add_route("/widget.js", embed.Loader(assets["widget.js"]))

    services = Services(config, snapshots, rendered, pages, assets, clock)
    for family in (badge, feeds, oembed, builder):
        family.register(app, services)
    return app


def get_app() -> falcon.App:
    """For gunicorn: `gunicorn 'widget.http.app:get_app()'`; config from WIDGET_CONFIG."""
    # A worker that boots while the config file has a mistake serves with the last good
    # one (widget/fallback.py): a restart must never take every widget offline.
    health = Health()
    app = create_app(load_or_last_good(health), health=health)
    # PERF: everything loaded so far (modules, templates, the first snapshot) lives as
    # long as the worker; keep the garbage collector from scanning it over and over.
    gc.collect()
    gc.freeze()
    return app

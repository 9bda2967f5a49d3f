"""create_app(config) wires the service; get_app() reads the environment for gunicorn.

One wiring style: the app builds `Services` once and every resource family adds its
routes from them (`register(app, services)`)."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable

import falcon
import orjson

from widget.assets import default_assets
from widget.config import Config
from widget.fallback import Health, StoreFiles, load_or_last_good
from widget.http import api, badge, builder, embed, feeds, oembed, outbound, page
from widget.http.caching import HTTPCaching
from widget.http.errors import serialize_error
from widget.http.hits import Hits
from widget.http.responses import Rendered
from widget.http.services import Services
from widget.render.html import Pages, Site
from widget.snapshot import SnapshotSource
from widget.store import Store


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Each family adds its own routes (widget.routes) from the same services.
FAMILIES = (api, embed, page, badge, feeds, oembed, outbound, builder)


def create_app(config: Config, *, store: Store | None = None,
               clock: Callable[[], dt.datetime] = utc_now,
               health: Health | None = None) -> falcon.App:
    return _build(config, store=store, clock=clock, health=health)[0]


def create_served(config: Config, *, store: Store | None = None,
                  clock: Callable[[], dt.datetime] = utc_now,
                  health: Health | None = None) -> Hits:
    """The app as gunicorn serves it: repeat requests answered in front of falcon."""
    app, services = _build(config, store=store, clock=clock, health=health)
    return Hits(app, services.snapshots, services.health, clock)


def _build(config: Config, *, store: Store | None, clock: Callable[[], dt.datetime],
           health: Health | None) -> tuple[falcon.App, Services]:
    health = health if health is not None else Health()
    # Given a store (tests, the export), serve it; else the copy each sync publishes.
    files = None
    if store is None:
        files = StoreFiles(config.database, health)
        store = files.open()
    assets = default_assets()
    site = Site(config.site_name, config.site_url, config.base_url, config.content_lang,
                timezone=config.timezone,
                rule=config.confirmation, country_names=config.country_names)
    services = Services(
        config=config,
        snapshots=SnapshotSource(store, config.reload_interval, clock, files),
        rendered=Rendered(),
        pages=Pages(site, assets),
        assets=assets,
        health=health,
        clock=clock,
    )

    # CORS: any origin may read, never with credentials; see HTTPCaching for why the
    # headers are set unconditionally rather than by falcon's CORSMiddleware.
    app = falcon.App(middleware=[HTTPCaching(config, clock, assets.csp_sources())])
    json_handler = falcon.media.JSONHandler(dumps=orjson.dumps, loads=orjson.loads)
    app.req_options.media_handlers[falcon.MEDIA_JSON] = json_handler
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = json_handler
    app.set_error_serializer(serialize_error)
    app.req_options.strip_url_path_trailing_slash = True
    for family in FAMILIES:
        family.register(app, services)
    return app, services


def get_app() -> Hits:
    """For gunicorn: `gunicorn 'widget.http.app:get_app()'`; config from WIDGET_CONFIG."""
    # A worker that boots while the config file has a mistake serves with the last good
    # one (widget/fallback.py): a restart must never take every widget offline.
    health = Health()
    app = create_served(load_or_last_good(health), health=health)
    # PERF: everything loaded so far (modules, templates, the first snapshot) lives as
    # long as the worker; keep the garbage collector from scanning it over and over.
    gc.collect()
    gc.freeze()
    return app

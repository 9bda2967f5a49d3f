"""JSON API v1 resources. Thin: parse parameters, pick from the snapshot, render, cache bytes."""

from __future__ import annotations

import base64
import binascii
import threading
from urllib.parse import urlencode

import falcon
import orjson
from cachetools import LRUCache

from widget import routes
from widget.days import needs_confirming
from widget.http.errors import InvalidParameter
from widget.http.openapi import openapi_document
from widget.http.params import Params
from widget.http.responses import JSON, Entry, entry, send
from widget.http.services import Services
from widget.i18n import DEFAULT_LANGUAGE, LANGUAGES
from widget.model import STATUS_FILTERS
from widget.query import (
    PAGE_SIZE,
    PAGE_SIZES,
    STRIKE_PAGE_SIZE,
    STRIKE_PAGE_SIZES,
    BadCursor,
    PostQuery,
    encode_cursor,
    select_posts,
)
from widget.render import api as render

_MISSING = object()


class _Resource:
    def __init__(self, services: Services):
        self._base = services.config.base_url
        self._snapshots = services.snapshots
        self._rendered = services.rendered
        self._clock = services.clock
        self._rule = services.pages.site.rule  # when a count stops being told as today's


class PostsResource(_Resource):

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = Params(req, ("limit", "category", "tag", "lang", "cursor"))
        query = PostQuery(
            limit=params.integer("limit", default=PAGE_SIZE, low=PAGE_SIZES[0],
                                 high=PAGE_SIZES[1]),
            category=params.text("category"),
            tag=params.text("tag"),
            lang=params.text("lang", max_length=12),
            cursor=params.text("cursor", max_length=200),
        )
        snapshot = self._snapshots.current()

        def body() -> Entry:
            try:
                posts, last = select_posts(snapshot, query)
            except BadCursor:
                raise InvalidParameter("cursor", "is not a cursor this API gave out") from None
            next_url = None
            if last is not None:
                args = {k: v for k, v in params.key() if k != "cursor"}
                args["cursor"] = encode_cursor(last)
                next_url = f"{self._base}{routes.POSTS.template}?{urlencode(sorted(args.items()))}"
            return entry(orjson.dumps({
                "posts": [render.post_dict(p, self._base) for p in posts],
                "next": next_url,
                "version": snapshot.version,
            }), next_url=next_url)

        send(resp, self._rendered.get(("posts", params.key(), snapshot.version), body))

    on_head = on_get


def _lang(params: Params) -> str | None:
    """The language a strike's words are asked in; None: the strikes file's own."""
    if params.text("lang", max_length=12) is None:
        return None
    return params.choice("lang", tuple(LANGUAGES), default=DEFAULT_LANGUAGE)


def _strike_cursor(slug: str) -> str:
    return base64.urlsafe_b64encode(slug.encode()).decode().rstrip("=")


def _after(cursor: str, slugs: list[str]) -> int:
    """Where the page after `cursor` (the last slug of the page before) starts."""
    try:
        slug = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameter("cursor", "is not a cursor this API gave out") from None
    try:
        return slugs.index(slug) + 1
    except ValueError:
        raise InvalidParameter("cursor", "names a strike no longer in this list: start "
                               "again from the first page") from None


class StrikesResource(_Resource):

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        params = Params(req, ("status", "country", "lang", "limit", "cursor"))
        status = params.choice("status", STATUS_FILTERS, default="active")
        limit = params.integer("limit", default=STRIKE_PAGE_SIZE, low=STRIKE_PAGE_SIZES[0],
                               high=STRIKE_PAGE_SIZES[1])
        cursor = params.text("cursor", max_length=200)
        lang = _lang(params)
        country = params.text("country", max_length=2)
        if country is not None:
            country = country.upper()
        snapshot = self._snapshots.current()
        now = self._clock()

        def body() -> Entry:
            listed = [
                s for s in snapshot.strikes.values()
                if s.listed_under(status) and (country is None or s.country == country)
            ]
            start = 0 if cursor is None else _after(cursor, [s.slug for s in listed])
            strikes = listed[start:start + limit]
            next_url = None
            if start + limit < len(listed):
                args = {k: v for k, v in params.key() if k != "cursor"}
                args["cursor"] = _strike_cursor(strikes[-1].slug)
                next_url = (f"{self._base}{routes.STRIKES.template}?"
                            f"{urlencode(sorted(args.items()))}")
            return entry(orjson.dumps({
                "strikes": [render.strike_dict(s, now, self._base, self._rule, lang)
                            for s in strikes],
                "next": next_url,
                "version": snapshot.version,
            }), next_url=next_url, fresh_until=render.fresh_until(strikes, now, self._rule))

        key = ("strikes", params.key(), snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, body))

    on_head = on_get


class StrikeResource(_Resource):

    def on_get(self, req: falcon.Request, resp: falcon.Response, slug: str) -> None:
        lang = _lang(Params(req, ("lang",)))
        snapshot = self._snapshots.current()
        strike = snapshot.strikes.get(slug)
        if strike is None and slug in snapshot.removed:
            raise falcon.HTTPGone(
                title="Strike no longer listed",
                description=f"the hunger strike {slug!r} was removed from the list on "
                            f"{snapshot.removed[slug].isoformat()}")
        if strike is None:
            raise falcon.HTTPNotFound(title="Unknown strike",
                                      description=f"no hunger strike is listed as {slug!r}")
        now = self._clock()
        key = ("strike", slug, lang, snapshot.version, snapshot.local_dates(now))
        send(resp, self._rendered.get(key, lambda: entry(
            orjson.dumps(render.strike_dict(strike, now, self._base, self._rule, lang)),
            fresh_until=render.fresh_until([strike], now, self._rule))))

    on_head = on_get


class HealthResource:
    """Public: states and ages only. Upstream error texts and file names may name
    internal hosts and paths; they stay with the operator (`solidarity-widget status`,
    the error log)."""

    def __init__(self, services: Services):
        self._stale_after = services.config.stale_after
        self._rule = services.config.confirmation
        self._snapshots = services.snapshots
        self._health = services.health
        self._clock = services.clock

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        Params(req, ())
        snapshot = self._snapshots.current()
        now = self._clock()
        sources = []
        stale = False
        for s in snapshot.sources:
            age = int((now - s.last_success).total_seconds()) if s.last_success else None
            source_stale = age is None or age > self._stale_after
            stale = stale or source_stale
            sources.append({
                "name": s.name, "kind": s.kind,
                "state": "failing" if s.last_error else "stale" if source_stale else "ok",
                "last_attempt": render.iso(s.last_attempt) if s.last_attempt else None,
                "last_success": render.iso(s.last_success) if s.last_success else None,
                "age_seconds": age, "stale": source_stale, "posts": s.posts,
            })
        troubles = self._health.troubles()
        status = "degraded" if troubles else "stale" if stale or not sources else "ok"
        resp.data = orjson.dumps({
            "status": status,
            "problems": [{"part": part, "problem": t.public} for part, t in troubles.items()],
            "version": snapshot.version,
            "as_of": render.iso(snapshot.as_of),
            "posts": len(snapshot.posts),
            "strikes": len(snapshot.strikes),
            # Strikes no one has confirmed for confirm_every_days: an editor should.
            "strikes_to_confirm": sum(needs_confirming(s, now, self._rule)
                                      for s in snapshot.strikes.values()),
            "sources": sources,
        })
        resp.content_type = JSON
        resp.context.cache = "no-store"
        if troubles:
            resp.status = falcon.HTTP_503

    on_head = on_get


class MediaResource:
    """Thumbnails copied at sync time: named by content hash, so immutable."""

    def __init__(self, services: Services):
        self._snapshots = services.snapshots
        self._cache: LRUCache[str, tuple[str, bytes] | None] = LRUCache(maxsize=256)
        self._lock = threading.Lock()

    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        Params(req, ())
        with self._lock:
            found = self._cache.get(name, _MISSING)
        if found is _MISSING:
            # A page another worker rendered may link a thumbnail of a newer copy.
            self._snapshots.current()
            found = self._snapshots.store.media(name)
            if found is not None:  # a miss may be filled by the next sync: never cache it
                with self._lock:
                    self._cache[name] = found
        if found is None or not isinstance(found, tuple):
            raise falcon.HTTPNotFound(title="Unknown image",
                                      description=f"no image is stored as {name!r}")
        resp.content_type, resp.data = found
        resp.context.cache = "immutable"

    on_head = on_get


class OpenAPIResource:
    def __init__(self, document: bytes):
        self._document = document

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        Params(req, ())
        resp.data = self._document
        resp.content_type = JSON

    on_head = on_get


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`."""
    app.add_route(routes.POSTS.template, PostsResource(services))
    app.add_route(routes.STRIKES.template, StrikesResource(services))
    app.add_route(routes.STRIKE.template, StrikeResource(services))
    app.add_route(routes.OPENAPI.template,
                  OpenAPIResource(orjson.dumps(openapi_document(services.config.base_url))))
    app.add_route(routes.HEALTH.template, HealthResource(services))
    app.add_route(routes.MEDIA.template, MediaResource(services))

"""Feeds out: Atom and JSON Feed of the posts, Atom of hunger-strike events.

Thin, like the API resources: no parameters, bytes from widget.render.feeds kept in
the shared render cache, headers (strong ETag, 304, Cache-Control, CORS) from the
caching middleware.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable

import falcon

from widget import routes
from widget.http.params import Params
from widget.http.responses import Entry, entry, send
from widget.http.services import Services
from widget.render import feeds as render
from widget.render.html import Site
from widget.snapshot import Snapshot

ATOM = "application/atom+xml; charset=utf-8"
JSON_FEED = "application/feed+json; charset=utf-8"


class PostsFeed:
    """The latest posts; the bytes depend on the snapshot only."""

    def __init__(self, services: Services, route: str,
                 render_feed: Callable[[Snapshot, Site], bytes], content_type: str):
        self._snapshots = services.snapshots
        self._rendered = services.rendered
        self._site = services.pages.site
        self._route = route
        self._render = render_feed
        self._content_type = content_type

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        Params(req, ())
        snapshot = self._snapshots.current()
        found = self._rendered.get((self._route, snapshot.version),
                                   lambda: entry(self._render(snapshot, self._site)))
        send(resp, found, self._content_type)

    on_head = on_get


class StrikeEventsFeed:
    """Events of the listed strikes. No day number of today is shown, so no midnight
    expiry: the bytes change with the snapshot, and when a stored date that lay in the
    future (an announced start) arrives. The key holds how many events are due, and the
    response stays fresh no longer than the next one's instant."""

    def __init__(self, services: Services):
        self._snapshots = services.snapshots
        self._rendered = services.rendered
        self._site = services.pages.site
        self._clock = services.clock
        # (version, instants of every event in ascending order), recomputed per version.
        self._instants: tuple[str, tuple[dt.datetime, ...]] = ("", ())

    def _event_instants(self, snapshot: Snapshot) -> tuple[dt.datetime, ...]:
        version, instants = self._instants
        if version != snapshot.version:
            instants = tuple(sorted(e.at.astimezone(dt.UTC)
                                    for e in render.strike_events(snapshot, self._site.rule)))
            self._instants = (snapshot.version, instants)  # one assignment: thread-safe
        return instants

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        # `strike`: one strike's events, the feed its page offers to follow.
        slug = Params(req, ("strike",)).text("strike", max_length=120) or ""
        snapshot = self._snapshots.current()
        if slug and slug not in snapshot.strikes:
            if slug in snapshot.removed:
                raise falcon.HTTPGone(title="Strike no longer listed",
                                      description=f"the hunger strike {slug!r} was removed")
            raise falcon.HTTPNotFound(title="Unknown strike",
                                      description=f"no hunger strike is listed as {slug!r}")
        now = self._clock()
        instants = self._event_instants(snapshot)
        due = bisect.bisect_right(instants, now)
        pending = instants[due] if due < len(instants) else None

        def body() -> Entry:
            return entry(render.strikes_atom(snapshot, self._site, now, slug),
                         fresh_until=pending)

        key = (routes.STRIKES_ATOM.name, slug, snapshot.version, due)
        send(resp, self._rendered.get(key, body), ATOM)

    on_head = on_get


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`."""
    app.add_route(routes.POSTS_ATOM.template,
                  PostsFeed(services, routes.POSTS_ATOM.name, render.posts_atom, ATOM))
    app.add_route(routes.POSTS_JSON.template,
                  PostsFeed(services, routes.POSTS_JSON.name, render.posts_json, JSON_FEED))
    app.add_route(routes.STRIKES_ATOM.template, StrikeEventsFeed(services))

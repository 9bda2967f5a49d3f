"""/go?to=URL: a link out, for widgets framed where they cannot open links themselves.

WordPress frames an embedded widget with `sandbox="allow-scripts"` (no popups, no top
navigation) and follows a `link` message from it only to the frame's own host. So in
that frame embed.js asks WordPress to open /go?to=… on this service, and this answers
with a redirect to the post or the organisation's page.

Not an open redirect: only a URL the current snapshot itself links to (a post, a strike's
related posts and sources, the organisation's site) is followed; any other is a 404.
"""

from __future__ import annotations

import threading

import falcon

from widget import routes
from widget.http.errors import InvalidParameter
from widget.http.params import Params
from widget.http.services import Services
from widget.snapshot import Snapshot


def _links(snapshot: Snapshot, site_url: str) -> frozenset[str]:
    links = {post.url for post in snapshot.posts}
    for strike in snapshot.strikes.values():
        links.update(strike.related_posts)
        links.update(strike.sources)
    if site_url:
        links.add(site_url)
    return frozenset(links)


class Go:
    def __init__(self, services: Services):
        self._services = services
        self._lock = threading.Lock()
        self._known: tuple[Snapshot | None, frozenset[str]] = (None, frozenset())

    def _links(self) -> frozenset[str]:
        snapshot = self._services.snapshots.current()
        seen, links = self._known
        if seen is not snapshot:
            links = _links(snapshot, self._services.config.site_url)
            with self._lock:
                self._known = (snapshot, links)
        return links

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        to = Params(req, ("to",)).text("to", max_length=2000)
        if to is None:
            raise InvalidParameter("to", "is required")
        if to not in self._links():
            raise falcon.HTTPNotFound(title="Not a link of this service",
                                      description="only links the widgets show are followed")
        resp.status = falcon.HTTP_302
        resp.location = to
        resp.cache_control = ["public", "max-age=300"]
        resp.set_header("Referrer-Policy", "no-referrer")

    on_head = on_get


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`."""
    app.add_route(routes.GO.template, Go(services))

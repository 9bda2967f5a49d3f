"""Which routes the static export writes, and how nginx serves each family of them.

The routes themselves (paths, what their paths look like, whether their answers show a
day number) are widget.routes'. What is added here is nginx's part, per family of
routes: the `location` that serves them, the files `try_files` falls back to, and
whether a precompressed copy sits beside each file. Every route is in a family or in
NOT_EXPORTED, with the reason (a test checks it).

A slug that was not exported is answered as the service answers it: a removed strike's
embed page is its "no longer listed" notice (200), any other slug's the page saying
there is no hunger strike at that address (404: a typo is not a removal); a badge is
the same neutral image for both (200: an image cannot show a page, and image proxies
turn any error into a broken image). The API's removed strikes are 410s of their own
(widget.export.nginx).
"""

from __future__ import annotations

from dataclasses import dataclass

from widget import routes
from widget.export.tree import INDEX, REMOVED, UNKNOWN, UNLISTED
from widget.routes import Route

QUERY_FILE = "$uri/$sw_q"  # PATH?QUERY -> PATH/QUERY (widget.export.tree.file_for)


@dataclass(frozen=True)
class Family:
    """Routes that nginx serves from one `location`, with one set of headers."""

    routes: tuple[Route, ...]
    location: str | None = None  # nginx location arguments; None: one exact location per URL
    first: str = QUERY_FILE  # the file try_files looks for first
    defaults: bool = False  # a query not exported: the answer without one (default options)
    unlisted: bool = False  # any slug not exported: the answer for a slug not listed (badges)
    # A slug not exported: a removed strike's page (200, from REMOVED) or, for a slug
    # never listed, the page that says so (404, from UNKNOWN). One route of a slug.
    tombstones: bool = False
    gzip: bool = False  # precompressed copies beside the files (gzip_static)

    @property
    def name(self) -> str:
        return "+".join(route.name for route in self.routes)

    @property
    def day(self) -> bool:
        """Its answers show a day number (or depend on the date): short Cache-Control."""
        return any(route.shows_day for route in self.routes)

    @property
    def try_files(self) -> str:
        candidates = [self.first]
        if self.defaults:
            candidates.append(f"$uri/{INDEX}")
        if self.unlisted:
            for route in self.routes:
                path = route.path(slug=UNLISTED)
                candidates += [f"{path}/$sw_q", f"{path}/{INDEX}"]
        return " ".join([*candidates, "=404"])

    # --- tombstones: what nginx answers for a slug with no files of its own ---

    def _status_base(self, folder: str) -> str:
        """/FOLDER/PATH, PATH being the route's path with the slug left out."""
        return f"/{folder}{self.routes[0].path(slug='').rstrip('/')}"

    def holds(self, file: str, folder: str) -> bool:
        """Whether `file` (relative to OUTDIR) is one of this family's under `folder`."""
        return f"/{file}".startswith(self._status_base(folder) + "/")

    @property
    def removed_files(self) -> str:
        """try_files for a removed slug: its notice under the options asked for, else
        under the default ones."""
        base = self._status_base(REMOVED)
        return f"{base}/$sw_q {base}/{INDEX} =404"

    @property
    def unknown_page(self) -> str:
        """error_page for a slug never listed: the URI of its 404 page, by the options."""
        return f"{self._status_base(UNKNOWN)}/$sw_q"

    @property
    def unknown_location(self) -> str:
        """The location (internal) that serves those 404 pages."""
        return f"^~ {self._status_base(UNKNOWN)}/"

    @property
    def unknown_files(self) -> str:
        return f"$uri {self._status_base(UNKNOWN)}/{INDEX} =404"

    def route_of(self, path: str) -> Route | None:
        """The route of this family that `path` is one of."""
        for route in self.routes:
            if route.pattern.fullmatch(path) or (
                    self.unlisted and path == route.path(slug=UNLISTED)):
                return route
        return None


def _exact(route: Route) -> str:
    return f"= {route.template}"


# In the order of the snippet's locations. NOTE: the regex locations are nginx's own
# (PCRE, a trailing "/" allowed) and take any one path segment where a route takes a
# slug: a strike that was never exported gets the fallback its family says (above).
# tests/test_export.py runs a real nginx over them.
FAMILIES: tuple[Family, ...] = (
    Family((routes.BUILDER,), _exact(routes.BUILDER), defaults=True),
    Family((routes.API_PAGE,), _exact(routes.API_PAGE), defaults=True),
    Family((routes.STRIKES, routes.STRIKE), '~ "^/api/v1/strikes(/[^/]+)?/?$"'),
    Family((routes.POSTS, routes.OPENAPI), '~ "^/api/v1/(posts|openapi\\.json)/?$"'),
    Family((routes.EMBED_NEWS,), '~ "^/embed/news/?$"', defaults=True),
    Family((routes.EMBED_STRIKES,), '~ "^/embed/strikes/?$"', defaults=True),
    Family((routes.EMBED_STRIKE,), '~ "^/embed/strike/[^/]+/?$"', defaults=True,
           tombstones=True),
    Family((routes.STRIKE_PAGE,), '~ "^/strike/[^/]+/?$"', defaults=True, tombstones=True),
    Family((routes.CARD,), '~ "^/card/strike/[^/]+\\.png$"', defaults=True),
    Family((routes.BADGE_SVG,), '~ "^/badge/strike/[^/]+\\.svg$"', defaults=True,
           unlisted=True),
    Family((routes.BADGE_PNG,), '~ "^/badge/strike/[^/]+\\.png$"', defaults=True,
           unlisted=True),
    # Named by the `url` parameter alone (widget.export.tree.oembed_file).
    Family((routes.OEMBED,), _exact(routes.OEMBED), first=f"{routes.OEMBED.template}/$sw_url"),
    Family((routes.POSTS_ATOM, routes.POSTS_JSON)),
    Family((routes.STRIKES_ATOM,)),
    Family((routes.LOADER,), gzip=True),
    Family((routes.STATIC,), gzip=True),
    Family((routes.MEDIA,)),
)

# A health check answers for a running service, not for files; custom accents are
# not among the option sets exported (widget.export.exporter.EMBED_AXES); files cannot
# redirect by a query, so an exported widget's links in a WordPress frame stay inert.
NOT_EXPORTED: tuple[Route, ...] = (routes.HEALTH, routes.ACCENT, routes.GO)


def family_of(route: Route) -> Family | None:
    return next((f for f in FAMILIES if route in f.routes), None)


def exported_route(path: str) -> Route | None:
    """The exported route that `path` is one of; None for any other."""
    return next((r for f in FAMILIES if (r := f.route_of(path)) is not None), None)

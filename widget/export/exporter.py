"""The exporter: walks the service's public URLs and writes each answer into the tree.

It calls the real app in-process (falcon's TestClient over `create_app`), so each file
holds exactly the bytes the service would send: there is no second renderer. Embed
pages and badges are asked for under the canonical query of their options
(`EmbedOptions.query()`, the order the builder's snippets use); each embed page's
oEmbed answer is found by the page's own discovery link.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import falcon.testing

from widget import i18n, routes
from widget.assets import default_assets
from widget.config import Config
from widget.export.errors import ExportError
from widget.export.families import Family, exported_route, family_of
from widget.export.tree import (
    NAME_MAX,
    NOT_FOUND,
    REMOVED,
    UNKNOWN,
    UNLISTED,
    Tree,
    file_for,
    gone_file,
    oembed_file,
    status_file,
    too_long,
)
from widget.http.app import create_app
from widget.render.badge.svg import STYLES, THEMES
from widget.render.badge.text import BadgeOptions
from widget.render.options import OPTIONS, EmbedOptions
from widget.routes import Route
from widget.store import Store

EMBED_AXES = ("theme", "lang", "layout")  # option sets exported: every combination of these
_MEDIA = re.compile(re.escape(routes.MEDIA.path(name="").encode())
                    + rb"([A-Za-z0-9][A-Za-z0-9._-]{0,100})")
_DISCOVERY = re.compile(r'<([^>]+)>;\s*rel="alternate";\s*type="application/json\+oembed"')


# What a file is, besides the answer of its own URL (Written.role): nginx serves it for
# other URLs than the one it was asked for by (widget.export.nginx).
ROLE_GONE = "gone"  # a removed strike's 410 (the API)
ROLE_REMOVED = "removed"  # a removed strike's embed page: served for every removed slug
ROLE_UNKNOWN = "unknown"  # the 404 page of a slug never listed: served for any such slug


@dataclass
class Written:
    url: str  # path and query, as requested
    file: str  # relative to OUTDIR
    family: Family | None  # None: an answer with a role (below)
    content_type: str
    size: int
    headers: Mapping[str, str]  # the service's, for the nginx location
    status: int = 200
    role: str = ""  # "": the answer of `url` alone; else one of the ROLE_* above


def badge_query(defaults: Any, **options: str) -> str:
    """A badge's query: its options that differ from the defaults, in the order given
    (style, lang, theme: the order the service reads them in)."""
    return "&".join(f"{k}={v}" for k, v in options.items() if v != getattr(defaults, k))


def embed_option_sets() -> list[EmbedOptions]:
    """Every combination of the EMBED_AXES options' choices; the others at their defaults."""
    sets = [EmbedOptions()]
    for name in EMBED_AXES:
        option = next(o for o in OPTIONS if o.name == name)
        assert option.choices is not None, name
        sets = [EmbedOptions(**{**_fields(s), name: choice})
                for s in sets for choice in option.choices]
    return sets


def _fields(options: EmbedOptions) -> dict[str, Any]:
    return {o.name: getattr(options, o.name) for o in OPTIONS}


def extra_url(url: str, base_url: str) -> tuple[Route, str, str]:
    """(route, path, query) of an extra URL: absolute under base_url, or a path."""
    parts, base = urlsplit(url), urlsplit(base_url)
    if parts.scheme and (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise ExportError(f"{url}: not a URL of {base_url}")
    path = parts.path
    if parts.scheme:
        path = path.removeprefix(base.path.rstrip("/")) or "/"
    route = exported_route(path)
    if route is None:
        raise ExportError(f"{url}: not a URL the static export can serve")
    if parts.query:
        file_for(path, parts.query)  # raises for a query that cannot be a file name
    return route, path, parts.query


class Exporter:
    def __init__(self, config: Config, store: Store, now: dt.datetime, tree: Tree):
        self.base = config.base_url
        self.store = store
        self.tree = tree
        # One snapshot for the whole export: the clock stands still and no reload is due.
        self.client = falcon.testing.TestClient(create_app(
            config.with_(reload_interval=300), store=store, clock=lambda: now))
        self.written: list[Written] = []
        self.seen: set[str] = set()
        self.media: set[str] = set()  # /media/ names the exported answers refer to
        self.notes: list[str] = []
        self.version = ""
        self.not_found: Mapping[str, str] = {}  # the headers of the service's 404
        self.preflight: Mapping[str, str] = {}  # ... and of its answer to a CORS preflight
        self.removed: list[str] = []  # removed strikes' slugs (nginx's tombstones)
        # The first instant after `now` at which an answer may change its day number or
        # state: the earliest next local midnight of a strike still counting.
        self.changes_at: dt.datetime | None = None

    # --- requests -----------------------------------------------------------------------

    def get(self, path: str, query: str = "", **headers: str) -> falcon.testing.Result:
        return self.client.simulate_get(path, query_string=query or None,
                                        headers=headers or None)

    def export(self, route: Route, query: str = "", *, required: bool = True,
               **fields: str) -> falcon.testing.Result | None:
        """Request the route's path (with `fields`) and QUERY from the app and write its
        bytes; None if it is not a 200."""
        return self.export_path(route, route.path(**fields), query, required=required)

    def export_path(self, route: Route, path: str, query: str = "", *, required: bool = True
                    ) -> falcon.testing.Result | None:
        url = path + (f"?{query}" if query else "")
        if url in self.seen:
            return None
        self.seen.add(url)
        family = family_of(route)
        if family is None:
            raise ExportError(f"{url}: not a URL the static export can serve")
        result = self.get(path, query)
        if result.status_code != 200:
            if required:
                raise ExportError(f"{url}: the service answered {result.status}")
            self.notes.append(f"{url} not exported: the service answers {result.status}")
            return None
        name = oembed_file(query) if route is routes.OEMBED else file_for(path, query)
        if too_long(name):
            self.notes.append(f"{url} not exported: its file name would be longer than "
                              f"{NAME_MAX} bytes")
            return None
        self._keep(url, name, family, result)
        if family.gzip:
            zipped = self.get(path, query, **{"Accept-Encoding": "gzip"})
            if zipped.headers.get("content-encoding") == "gzip":
                self.tree.write(name + ".gz", zipped.content)
        if route.widget is not None and f"/{UNLISTED}" not in path:
            # Its oEmbed answer, found by the page's own discovery link.
            match = _DISCOVERY.search(result.headers.get("link", ""))
            if match is not None:
                self.export(routes.OEMBED, urlsplit(match.group(1)).query)
        return result

    def _keep(self, url: str, name: str, family: Family | None,
              result: falcon.testing.Result, role: str = "") -> None:
        content_type = result.headers.get("content-type", "application/octet-stream")
        self.tree.write(name, result.content)
        self.written.append(Written(url, name, family, content_type, len(result.content),
                                    result.headers, result.status_code, role))
        if content_type.startswith(("text/", "application/")):
            self.media.update(m.decode() for m in _MEDIA.findall(result.content))

    # --- what is exported ---------------------------------------------------------------

    def run(self, extra_urls: Iterable[str]) -> None:
        extras = [extra_url(url, self.base) for url in extra_urls]  # wrong ones: fail first
        self.export(routes.OPENAPI)
        self._posts()
        strikes = self._strikes()
        self._embeds(strikes)
        self._pages(strikes)
        self._badges(strikes)
        for feed in (routes.POSTS_ATOM, routes.POSTS_JSON, routes.STRIKES_ATOM):
            self.export(feed)
        for slug in strikes:  # the feed each strike's page offers
            self.export(routes.STRIKES_ATOM, f"strike={slug}")
        for route, path, query in extras:
            self.export_path(route, path, query)
        self.export(routes.LOADER)
        for asset in default_assets():
            self.export(routes.STATIC, required=False, name=asset.hashed_name)
        for name in sorted(self.media):
            self.export(routes.MEDIA, required=False, name=name)
        for page in (routes.BUILDER, routes.API_PAGE):  # where the service has them
            self.export(page, required=False)
        # What the service answers for a URL it does not know: nginx's 404s say the same.
        not_found = self.get(NOT_FOUND)
        self.tree.write(NOT_FOUND.strip("/"), not_found.content)
        self.not_found = not_found.headers
        self.preflight = self.client.simulate_options(
            routes.STRIKES.path(), headers={"Origin": "https://ally.example",
                                            "Access-Control-Request-Method": "GET"}).headers

    def _posts(self) -> None:
        query = ""
        for _ in range(10_000):  # a cursor chain always ends; this bounds a broken one
            result = self.export(routes.POSTS, query)
            if result is None:  # the same page twice: a cursor loop
                break
            self.version = self.version or str(result.json["version"])
            following = result.json.get("next")
            if not following:
                return
            query = urlsplit(following).query
        raise ExportError(f"{routes.POSTS.path()}: the cursor pages never end")

    def _strikes(self) -> list[str]:
        for query in ("", "status=active", "status=ended"):
            self.export(routes.STRIKES, query)
        every = self.export(routes.STRIKES, "status=all")
        assert every is not None
        slugs = [str(s["slug"]) for s in every.json["strikes"]]
        changes = [dt.datetime.fromisoformat(s["day"]["changes_at"])
                   for s in every.json["strikes"] if s["day"]["changes_at"]]
        self.changes_at = min(changes, default=None)
        for slug in slugs:
            self.export(routes.STRIKE, slug=slug)
        # Removed strikes answer 410: kept as files that nginx serves with that status.
        for slug in sorted(set(self.store.removed()) - set(slugs)):
            path = routes.STRIKE.path(slug=slug)
            result = self.get(path)
            if result.status_code == 410:
                self._keep(path, gone_file(path), None, result, ROLE_GONE)
                self.removed.append(slug)
        return slugs

    def _embeds(self, slugs: list[str]) -> None:
        for options in embed_option_sets():
            query = options.query().removeprefix("?")
            self.export(routes.EMBED_NEWS, query)
            self.export(routes.EMBED_STRIKES, query)
            for slug in slugs:
                self.export(routes.EMBED_STRIKE, query, slug=slug)
            self._not_listed(routes.EMBED_STRIKE, query)

    def _pages(self, slugs: list[str]) -> None:
        """Each strike's page and share card, in every language."""
        for code in i18n.LANGUAGES:
            query = "" if code == i18n.DEFAULT_LANGUAGE else f"lang={code}"
            for slug in slugs:
                self.export(routes.STRIKE_PAGE, query, slug=slug)
                self.export(routes.CARD, query, slug=slug)
            self._not_listed(routes.STRIKE_PAGE, query)

    def _not_listed(self, route: Route, query: str) -> None:
        """The pages nginx answers with for a slug of `route` that has no files of its
        own, as the service answers them: a removed strike's notice (the same for every
        removed slug) and the 404 page of a slug never listed (the same for all)."""
        kind = route.path(slug="").rstrip("/")
        asked = [(ROLE_UNKNOWN, UNKNOWN, route.path(slug=UNLISTED), 404)]
        if self.removed:
            asked.append((ROLE_REMOVED, REMOVED, route.path(slug=self.removed[0]), 200))
        for role, folder, path, status in asked:
            url = path + (f"?{query}" if query else "")
            result = self.get(path, query)
            if result.status_code != status:
                raise ExportError(f"{url}: the service answered {result.status}, "
                                  f"not {status}")
            self._keep(url, status_file(folder, kind, query), None, result, role)

    def _badges(self, slugs: list[str]) -> None:
        langs = next(o.choices for o in OPTIONS if o.name == "lang") or ("en",)
        defaults = BadgeOptions()
        for slug in [*slugs, UNLISTED]:
            for route in routes.BADGES.values():
                for style in STYLES:
                    for lang in langs:
                        for theme in THEMES:
                            query = badge_query(defaults, style=style, lang=lang, theme=theme)
                            self.export(route, query, slug=slug)
                            if route is routes.BADGE_PNG:  # BBCode's 1x image
                                self.export(route, "&".join(filter(None, (query, "scale=1"))),
                                            slug=slug)

"""Every public URL of the service, declared once.

The app adds each route to falcon (widget.http), the static export walks them and
writes nginx locations for them (widget.export), and the oEmbed provider resolves the
embed URLs it is asked about against them. A new route also needs the resource that
answers it (a family's `register`, widget.http) and a family of the export, or a place
in its NOT_EXPORTED (widget/export/families.py); tests fail until it has both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from widget.values import SLUG


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    template: str  # falcon's URI template: "/embed/strike/{slug}"
    shows_day: bool = False  # its answers show a day number: they expire at local midnight
    widget: str | None = None  # embed pages: the widget they show (news | strikes | strike)

    @property
    def pattern(self) -> re.Pattern[str]:
        """Matches the paths of this route (fullmatch); {slug} takes only slugs, any
        other field one path segment."""
        parts = re.split(r"\{(\w+)\}", self.template)
        regex = "".join(re.escape(part) if n % 2 == 0
                        else f"(?P<{part}>{SLUG if part == 'slug' else '[^/]+'})"
                        for n, part in enumerate(parts))
        return re.compile(regex)

    def path(self, **fields: str) -> str:
        return self.template.format(**fields)


BUILDER = Route("builder", "/")
# A strike's own public page: what readers share, where widgets and badges lead.
STRIKE_PAGE = Route("strike-page", "/strike/{slug}", shows_day=True)
API_PAGE = Route("api-page", "/api")
POSTS = Route("posts", "/api/v1/posts")
STRIKES = Route("strikes", "/api/v1/strikes", shows_day=True)
STRIKE = Route("strike", "/api/v1/strikes/{slug}", shows_day=True)
OPENAPI = Route("openapi", "/api/v1/openapi.json")
HEALTH = Route("health", "/healthz")
MEDIA = Route("media", "/media/{name}")
EMBED_NEWS = Route("embed-news", "/embed/news", widget="news")
EMBED_STRIKES = Route("embed-strikes", "/embed/strikes", shows_day=True, widget="strikes")
EMBED_STRIKE = Route("embed-strike", "/embed/strike/{slug}", shows_day=True, widget="strike")
ACCENT = Route("accent", "/embed/accent.css")
STATIC = Route("static", "/static/{name}")
LOADER = Route("loader", "/widget.js")
BADGE_SVG = Route("badge-svg", "/badge/strike/{slug}.svg", shows_day=True)
BADGE_PNG = Route("badge-png", "/badge/strike/{slug}.png", shows_day=True)
# The strike page's share card (Open Graph image, 1200 x 630).
CARD = Route("card", "/card/strike/{slug}.png", shows_day=True)
OEMBED = Route("oembed", "/oembed")
# A link out of a widget that cannot open it itself (WordPress's sandbox): widget.http.outbound.
GO = Route("go", "/go")
POSTS_ATOM = Route("feeds-posts-atom", "/feeds/posts.atom")
POSTS_JSON = Route("feeds-posts-json", "/feeds/posts.json")
# Events, not day numbers: it changes when an event's date arrives (widget.http.feeds).
STRIKES_ATOM = Route("feeds-strikes", "/feeds/strikes.atom", shows_day=True)

ROUTES: tuple[Route, ...] = (
    BUILDER, API_PAGE, STRIKE_PAGE, POSTS, STRIKES, STRIKE, OPENAPI, HEALTH, MEDIA,
    EMBED_NEWS, EMBED_STRIKES, EMBED_STRIKE, ACCENT, STATIC, LOADER,
    BADGE_SVG, BADGE_PNG, CARD, OEMBED, GO, POSTS_ATOM, POSTS_JSON, STRIKES_ATOM,
)
EMBEDS: tuple[Route, ...] = tuple(r for r in ROUTES if r.widget is not None)
BADGES = {"svg": BADGE_SVG, "png": BADGE_PNG}


def embed_route(widget: str) -> Route:
    return next(r for r in EMBEDS if r.widget == widget)

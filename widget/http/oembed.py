"""oEmbed 1.0 provider (https://oembed.com/) for the embed pages of this service.

Only URLs of this service are answered: the URL is parsed, never fetched, so
the endpoint cannot be used to make this service request anything.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import SplitResult, parse_qs, urlsplit

import falcon
import orjson
from markupsafe import Markup

from widget import routes
from widget.http.errors import InvalidParameter
from widget.http.params import Params
from widget.http.responses import JSON
from widget.http.services import Services
from widget.render import fallback_text
from widget.render.frames import DEFAULT_HEIGHT, OEMBED_WIDTH, SANDBOX
from widget.render.html import strike_page_url
from widget.render.options import EmbedOptions, OptionError, parse_options

# NOTE: matched with fullmatch(): "$" would also match before a final "\n".
_EMBEDS = tuple((route.pattern, route.widget) for route in routes.EMBEDS if route.widget)
CACHE_AGE = 86_400  # the iframe is live; the oEmbed answer itself changes rarely


def _title(services: Services, widget: str, slug: str | None, options: EmbedOptions) -> str:
    site = services.config.site_name
    if widget == "strike" and slug is not None:
        strike = services.snapshots.current().strikes[slug]
        return f"{strike.name}: hunger strike · {site}"
    return f"{'Latest news' if widget == 'news' else 'Hunger strikes'} · {site}"


def _split(url: str) -> SplitResult:
    """The parts of the URL asked about; 400 naming `url` when it cannot be one.

    NOTE: urlsplit() raises ValueError on an unclosed "[" (http://[::1) or a bracketed
    host that is no IP address, and .port on a port outside 0-65535: hostile input that
    must be a 400, never a 500.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- only for the ValueError
    except ValueError:
        raise InvalidParameter("url", "is not a valid URL") from None
    return parts


def _fallback(services: Services, target: _Target, title: str) -> tuple[str, str]:
    """The quote WordPress shows until the frame is up: what stays true, and a link."""
    config = services.config
    site = config.site_url or config.base_url
    if target.slug is None:
        return fallback_text.list_text(title, config.site_name), site
    strike = services.snapshots.current().strikes[target.slug]
    return (fallback_text.strike_text(strike, target.options.lang),
            strike_page_url(strike, services.pages.site, target.options.lang))


class _Target(NamedTuple):
    widget: str
    path: str  # below base_url
    slug: str | None
    options: EmbedOptions
    width: int
    height: int


def _query(query: str) -> dict[str, str | list[str]]:
    """The embed page's query as the page itself reads it: a repeated option is a list."""
    found: dict[str, str | list[str]] = {}
    for name, values in parse_qs(query, keep_blank_values=True).items():
        found[name] = values[0] if len(values) == 1 else values
    return found


class OEmbed:
    def __init__(self, services: Services):
        self._services = services
        origin = urlsplit(services.config.base_url)
        self._origin = (origin.scheme, origin.netloc.lower())
        self._prefix = origin.path.rstrip("/")

    def _resolve(self, parts: SplitResult) -> _Target:
        if (parts.scheme, parts.netloc.lower()) != self._origin \
                or not parts.path.startswith(self._prefix + "/"):
            raise falcon.HTTPNotFound(title="Not a URL of this service",
                                      description=f"only {self._services.config.base_url}/embed/"
                                                  "… URLs can be embedded")
        path = parts.path.removeprefix(self._prefix)
        for pattern, widget in _EMBEDS:
            if m := pattern.fullmatch(path):
                try:
                    options = parse_options(widget, _query(parts.query))
                except OptionError as exc:
                    raise InvalidParameter("url", f"option {exc.name}: {exc.reason}") from None
                slug = m.groupdict().get("slug")
                snapshot = self._services.snapshots.current()
                if slug is not None and slug in snapshot.removed:
                    raise falcon.HTTPGone(  # as the API says of it
                        title="Strike no longer listed",
                        description=f"the hunger strike {slug!r} was removed from the list "
                                    f"on {snapshot.removed[slug].isoformat()}")
                if slug is not None and slug not in snapshot.strikes:
                    raise falcon.HTTPNotFound(title="Unknown strike",
                                              description=f"no hunger strike is listed as "
                                                          f"{slug!r}")
                return _Target(widget, path, slug, options, OEMBED_WIDTH[widget],
                               DEFAULT_HEIGHT[widget])
        if path.startswith(routes.EMBED_STRIKE.template.partition("{")[0]):
            raise falcon.HTTPNotFound(title="Unknown strike",
                                      description="no hunger strike is listed at this address")
        raise falcon.HTTPNotFound(title="Nothing to embed",
                                  description="the URL is not an embed page of this service")

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        # Consumers add parameters of their own (WordPress: dnt=1; others: lang, theme…):
        # the ones this provider does not know are ignored, as oEmbed 1.0 expects.
        params = Params(req, ("url", "maxwidth", "maxheight", "format"), ignore_unknown=True)
        if "callback" in req.params:  # JSONP: a script of this service run by anyone
            raise InvalidParameter("callback", "JSONP is not offered; ask for JSON with CORS")
        url = params.text("url", max_length=2000)
        if url is None:
            raise InvalidParameter("url", "is required")
        if params.choice("format", ("json", "xml"), default="json") == "xml":
            raise falcon.HTTPNotImplemented(title="Format not implemented",
                                            description="this provider answers format=json")
        max_width = params.integer("maxwidth", default=0, low=1, high=10_000)
        max_height = params.integer("maxheight", default=0, low=1, high=10_000)
        target = self._resolve(_split(url))
        width = min(target.width, max_width) if max_width else target.width
        height = min(target.height, max_height) if max_height else target.height
        base = self._services.config.base_url
        src = base + target.path + target.options.query()
        title = _title(self._services, target.widget, target.slug, target.options)
        text, link = _fallback(self._services, target, title)
        # WordPress keeps one <blockquote> and one <iframe> of a provider's HTML (no
        # classes, no styles) and loads its resizing script only when there is a
        # blockquote: it shows the quote until the frame speaks its height protocol
        # (embed.js does), then the frame. Elsewhere the quote stays hidden and the frame
        # shows at once.
        html = Markup(
            '<blockquote class="solidarity-widget-fallback" style="display:none">'
            '<a href="{link}">{text}</a></blockquote>'
            '<iframe class="solidarity-widget-frame" src="{src}" '
            'width="{w}" height="{h}" title="{title}" loading="lazy" '
            'referrerpolicy="no-referrer" sandbox="{sandbox}" frameborder="0"></iframe>'
        ).format(src=src, w=width, h=height, title=title, sandbox=SANDBOX, link=link,
                 text=text)
        resp.data = orjson.dumps({
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": self._services.config.site_name,
            "provider_url": base,
            "cache_age": CACHE_AGE,
            "html": str(html),
            "width": width,
            "height": height,
        })
        resp.content_type = JSON

    on_head = on_get


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`."""
    app.add_route(routes.OEMBED.template, OEmbed(services))

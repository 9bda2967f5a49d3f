"""Headers written once: strong ETags, conditional GET, Cache-Control, Expires, CORS.

Resources set the body and, when it shows a day number, `resp.context.fresh_until`
(the next local midnight). This middleware derives everything else.

NOTE: no lifetime it writes outlives its `fresh_until`, counted from the instant of the
request (`now`) or from its Date (the start of that second): max-age, s-maxage and
max(max-age, s-maxage) + stale-while-revalidate are whole seconds, rounded down from
the time left at `now`. `stale-if-error` is not cut (docs/configuration.md: a cache may
show the last number it had while the service is down).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any

import falcon

from widget.config import Config


def etag_of(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def none_match(header: str, etag: str) -> bool:
    # NOTE: RFC 9110 §13.1.2: If-None-Match holds "*" or a list of entity tags, compared
    # weakly (W/"x" matches "x"). A match means the client's copy is current: 304.
    if header.strip() == "*":
        return True
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == f'"{etag}"':
            return True
    return False


# Set in the WSGI environ of a GET whose answer any same request may be given again,
# byte for byte, until this instant (a POSIX timestamp): widget.http.hits keeps it.
REUSABLE_UNTIL = "widget.reusable_until"

_ALWAYS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, Accept",
    "Access-Control-Max-Age": "86400",
}


@dataclass(frozen=True, slots=True)
class Lifetime:
    max_age: int
    s_maxage: int
    swr: int

    def header(self, stale_if_error: int) -> str:
        return (f"public, max-age={self.max_age}, s-maxage={self.s_maxage}, "
                f"stale-while-revalidate={self.swr}, stale-if-error={stale_if_error}")


def seconds_left(now: dt.datetime, until: dt.datetime) -> int:
    """Whole seconds from `now` to `until`, rounded down (0 once it has passed): the
    longest lifetime that, counted from `now` or from any earlier instant, ends by then."""
    return max(0, math.floor((until - now).total_seconds()))


def _ancestors(setting: str) -> str:
    # The builder previews the widgets in a frame of its own: 'self' is always allowed.
    return setting if setting.strip() == "*" else f"'self' {setting}"


def _encode(req: falcon.Request, resp: falcon.Response, found: Any) -> None:
    """The rendering's gzipped form (made once with it: responses.entry) when asked for;
    each encoding its own ETag, and caches in front told the answer depends on asking."""
    resp.append_header("Vary", "Accept-Encoding")
    if accepts_gzip(req.get_header("Accept-Encoding")):
        resp.data = found.gzipped
        resp.set_header("Content-Encoding", "gzip")
        resp.set_header("ETag", found.etag[:-1] + '-gz"')


def accepts_gzip(header: str | None) -> bool:
    """Accept-Encoding names gzip (or *) without q=0 (RFC 9110 §12.5.3). Anything it
    cannot read counts as no."""
    if not header or len(header) > 1000:
        return False
    for item in header.split(","):
        coding, _, params = item.partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = params.strip().lower()
        if not q:
            return True
        if q.startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
    return False


class HTTPCaching:
    def __init__(self, config: Config, clock: Callable[[], dt.datetime],
                 inline: Mapping[str, str] | None = None):
        self._config = config
        # Embed pages: no inline script or style but the embed page's own, allowed by
        # their hashes (`inline`: Assets.csp_sources), nothing from any other host.
        hashes = inline or {}
        script = " ".join(filter(None, ["'self'", hashes.get("script-src")]))
        style = " ".join(filter(None, ["'self'", hashes.get("style-src")]))
        self._csp = (f"default-src 'none'; script-src {script}; style-src {style}; "
                     "img-src 'self' data:; connect-src 'self'; frame-src 'self'; "
                     "base-uri 'none'; "
                     f"form-action 'self'; frame-ancestors {_ancestors(config.frame_ancestors)}")
        self._clock = clock
        self._default = Lifetime(config.max_age, config.s_maxage, config.stale_while_revalidate)
        # PERF: (Cache-Control, Expires) per (second, freshness limit, seconds left):
        # formatting dates and directives once a second instead of on every request.
        self._second = -1
        self._headers: dict[tuple[dt.datetime | None, int], tuple[str, str]] = {}

    def _freshness(self, fresh_until: dt.datetime | None) -> tuple[str, str, float]:
        """Cache-Control and Expires for a response now, and the instant (a POSIX
        timestamp) up to which those two stay exactly right: the end of this second,
        or sooner when the whole seconds left before `fresh_until` drop first."""
        now = self._clock()
        stamp = now.timestamp()
        second = math.floor(stamp)
        if second != self._second:
            self._second, self._headers = second, {}
        # NOTE: the seconds left are taken at `now`, not once for the whole second: a
        # lifetime computed at the start of a second would outlive a midnight that comes
        # before the end of it (issue 10: at 1.001 s before midnight, max-age=2).
        left = -1 if fresh_until is None else seconds_left(now, fresh_until)
        until = second + 1 - 1e-6  # the last instant of this second
        if fresh_until is not None and left > 0:
            until = min(until, fresh_until.timestamp() - left)
        found = self._headers.get((fresh_until, left))
        if found is None:
            life = self._default if fresh_until is None else self._capped(left)
            start = dt.datetime.fromtimestamp(second, dt.UTC)  # what the Date header says
            expires = start + dt.timedelta(seconds=life.max_age)
            found = (life.header(self._config.stale_if_error), format_datetime(expires, True))
            self._headers[(fresh_until, left)] = found
        return found[0], found[1], until

    def _capped(self, left: int) -> Lifetime:
        """The configured lifetimes, none of them longer than `left` whole seconds."""
        max_age = min(self._config.max_age, left)
        s_maxage = min(self._config.s_maxage, left)
        # A cache must not keep serving yesterday's day number while it revalidates.
        swr = min(self._config.stale_while_revalidate, left - max(max_age, s_maxage))
        return Lifetime(max_age, s_maxage, swr)

    def process_response(self, req: falcon.Request, resp: falcon.Response,
                         resource: Any, req_succeeded: bool) -> None:
        # NOTE: CORS headers go on every response, with or without an Origin header:
        # a shared cache may hand a copy stored for a plain request to a CORS one.
        resp.set_headers(_ALWAYS)
        if req.method == "OPTIONS":
            resp.set_headers(_PREFLIGHT)
        if (resp.content_type or "").startswith("text/html"):
            resp.set_header("Content-Security-Policy", self._csp)
        if not req_succeeded or resp.status_code != 200 or req.method not in ("GET", "HEAD"):
            if resp.status_code >= 500:
                resp.cache_control = ["no-store"]
            elif resp.status_code >= 400 and not resp.get_header("Cache-Control"):
                resp.cache_control = ["public", "max-age=60"]
            return
        policy = getattr(resp.context, "cache", "public")
        if policy == "no-store":
            resp.cache_control = ["no-store"]
            return
        reusable = getattr(resp.context, "reusable", False) and req.method == "GET"
        if policy == "immutable":
            resp.set_header("Cache-Control", "public, max-age=31536000, immutable")
            if reusable:
                req.env[REUSABLE_UNTIL] = math.inf
            self._conditional(req, resp)
            return
        found = getattr(resp.context, "entry", None)
        if found is not None and found.gzipped is not None:
            _encode(req, resp, found)
        if resp.data is not None and resp.get_header("ETag") is None:
            resp.set_header("ETag", f'"{etag_of(resp.data)}"')
        cache_control, expires, until = self._freshness(
            getattr(resp.context, "fresh_until", None))
        resp.set_header("Cache-Control", cache_control)
        resp.set_header("Expires", expires)
        if reusable:
            req.env[REUSABLE_UNTIL] = until
        self._conditional(req, resp)

    def _conditional(self, req: falcon.Request, resp: falcon.Response) -> None:
        match = req.get_header("If-None-Match")
        etag = resp.get_header("ETag")
        if match and etag and none_match(match, etag.strip('"')):
            resp.status = falcon.HTTP_304
            resp.data = None
            resp.text = None
            resp.delete_header("Content-Type")

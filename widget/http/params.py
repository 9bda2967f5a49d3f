"""Query-parameter parsing shared by every resource: strict, with errors that name the parameter."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

import falcon
from cachetools import LRUCache

from widget.http.errors import InvalidParameter
from widget.values import whole_number


class Params:
    """The query of one request. An unknown parameter is refused (the JSON API and the
    embed pages: a typo must not go unnoticed) or, with `ignore_unknown`, left unread (the
    oEmbed endpoint: consumers add their own, as WordPress adds dnt=1)."""

    def __init__(self, req: falcon.Request, allowed: Iterable[str], *,
                 ignore_unknown: bool = False):
        allowed = set(allowed)
        self._raw = {name: value for name, value in req.params.items()
                     if name in allowed or not ignore_unknown}
        for name, value in self._raw.items():
            if name not in allowed:
                known = ", ".join(sorted(allowed)) or "none"
                raise InvalidParameter(name, f"unknown parameter (known: {known})")
            if isinstance(value, list):
                raise InvalidParameter(name, "given more than once")

    def text(self, name: str, *, max_length: int = 100) -> str | None:
        value = self._raw.get(name)
        if value is None:
            return None
        if not value or len(value) > max_length:
            raise InvalidParameter(name, f"must be 1 to {max_length} characters")
        return str(value)

    def integer(self, name: str, *, default: int, low: int, high: int) -> int:
        value = self._raw.get(name)
        if value is None:
            return default
        number = whole_number(str(value), low, high)
        if number is None:
            raise InvalidParameter(name, f"must be a whole number from {low} to {high}")
        return number

    def choice(self, name: str, options: Iterable[str], *, default: str) -> str:
        value = self._raw.get(name)
        if value is None:
            return default
        options = tuple(options)
        if value not in options:
            raise InvalidParameter(name, f"must be one of: {', '.join(options)}")
        return str(value)

    def key(self) -> tuple[tuple[str, str], ...]:
        """A canonical form of the query, for cache keys."""
        return tuple(sorted((k, str(v)) for k, v in self._raw.items()))


_T = TypeVar("_T")


class ParsedQueries(Generic[_T]):
    """PERF: the same few query strings arrive over and over; parse each once per worker.

    A query that fails to parse raises and is never stored, so the cache holds only
    what the parser accepts (bounded, least recently used first out).
    """

    def __init__(self, parse: Callable[[falcon.Request], _T], maxsize: int = 4096):
        self._parse = parse
        self._cache: LRUCache[Hashable, _T] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def get(self, req: falcon.Request) -> _T:
        key = req.query_string
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = self._parse(req)
            with self._lock:
                self._cache[key] = found
        return found

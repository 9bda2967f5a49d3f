"""Record the real service's answers for the bare app, and check both give the same ones."""

from __future__ import annotations

from collections.abc import Iterable

from bench.bare import Stored, replayable
from bench.plan import Row
from bench.server import Server, fetch


def capture(service: Server, paths: Iterable[str]) -> dict[str, Stored]:
    stored: dict[str, Stored] = {}
    for path in dict.fromkeys(paths):  # unique, in order
        reply = fetch(service.port, path)
        if reply.status != 200:
            raise RuntimeError(f"{service.name} {path}: {reply.status} {reply.body[:300]!r}")
        etag = reply.header("ETag")
        not_modified: list[tuple[str, str]] = []
        if etag is not None:
            again = fetch(service.port, path, {"If-None-Match": etag})
            if again.status != 304:
                raise RuntimeError(f"{service.name} {path}: If-None-Match {etag} "
                                   f"gave {again.status}, not 304")
            not_modified = replayable(again.headers)
        stored[path] = Stored(reply.status, reply.body, tuple(replayable(reply.headers)),
                              etag, tuple(not_modified))
    return stored


def request_headers(row: Row, stored: dict[str, Stored]) -> dict[str, str]:
    headers = dict(row.headers)
    if row.conditional:
        etag = stored[row.path].etag
        if etag is None:
            raise RuntimeError(f"{row.name}: {row.path} has no ETag to revalidate")
        headers["If-None-Match"] = etag
    return headers


def check_same(rows: Iterable[Row], stored: dict[str, Stored], *servers: Server) -> None:
    """Before loading: every server answers every row with the expected status and body."""
    for row in rows:
        headers = request_headers(row, stored)
        replies = [(s, fetch(s.port, row.path, headers)) for s in servers]
        for server, reply in replies:
            if reply.status != row.expect:
                raise RuntimeError(f"{row.name}: {server.name} answered {reply.status}, "
                                   f"expected {row.expect}")
        first = replies[0][1]
        for server, reply in replies[1:]:
            if (reply.body, reply.header("Content-Type")) != (
                    first.body, first.header("Content-Type")):
                raise RuntimeError(f"{row.name}: {server.name} does not send the same "
                                   f"bytes as {replies[0][0].name}")

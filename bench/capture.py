"""Record the service's answers for the bare app; check that every server sends the same."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bench.bare import Stored, replayable
from bench.plan import Row
from bench.server import Reply, Server, fetch

_CONDITIONAL = "If-None-Match"


def plain_headers(row: Row) -> dict[str, str]:
    """The row's request headers, without the revalidation."""
    return {k: v for k, v in row.headers if k.lower() != _CONDITIONAL.lower()}


def capture(service: Server, rows: Iterable[Row]) -> dict[str, Stored]:
    """The service's answer to each row's URL (with the row's headers), by path + query.

    The bare app looks answers up by path + query only, so two rows of one URL must
    send the same headers.
    """
    stored: dict[str, Stored] = {}
    sent: dict[str, dict[str, str]] = {}
    for row in rows:
        headers = plain_headers(row)
        if row.path in sent:
            if sent[row.path] != headers:
                raise RuntimeError(f"{row.path}: rows send different headers "
                                   f"({sent[row.path]} and {headers}); the bare app "
                                   "cannot tell them apart")
            continue
        sent[row.path] = headers
        reply = fetch(service.port, row.path, headers)
        if reply.status != 200:
            raise RuntimeError(f"{service.name} {row.path}: {reply.status} {reply.body[:300]!r}")
        etag = reply.header("ETag")
        not_modified: list[tuple[str, str]] = []
        if etag is not None:
            again = fetch(service.port, row.path, {**headers, _CONDITIONAL: etag})
            if again.status != 304:
                raise RuntimeError(f"{service.name} {row.path}: If-None-Match {etag} "
                                   f"gave {again.status}, not 304")
            not_modified = replayable(again.headers)
        stored[row.path] = Stored(reply.status, reply.body, tuple(replayable(reply.headers)),
                                  etag, tuple(not_modified))
    return stored


def etags(server: Server, rows: Iterable[Row]) -> dict[str, str]:
    """The ETag `server` gives for each conditional row's URL (its own: nginx's static
    files have nginx's tags, the service and the bare app the service's)."""
    found: dict[str, str] = {}
    for row in rows:
        if not row.conditional or row.path in found:
            continue
        reply = fetch(server.port, row.path, plain_headers(row))
        etag = reply.header("ETag")
        if reply.status != 200 or etag is None:
            raise RuntimeError(f"{row.name}: {server.name} answered {reply.status} "
                               f"without an ETag to revalidate")
        found[row.path] = etag
    return found


def request_headers(row: Row, etag_of: Mapping[str, str]) -> dict[str, str]:
    headers = dict(row.headers)
    if row.conditional:
        if row.path not in etag_of:
            raise RuntimeError(f"{row.name}: {row.path} has no ETag to revalidate")
        headers[_CONDITIONAL] = etag_of[row.path]
    return headers


def check_same(rows: Iterable[Row], etag_by_server: Mapping[str, Mapping[str, str]],
               servers: Mapping[str, Server]) -> None:
    """Before loading: every server answers every row with the expected status, and all
    send the same body, content type and content encoding."""
    for row in rows:
        replies = [(s, fetch(s.port, row.path, request_headers(row, etag_by_server[name])))
                   for name, s in servers.items()]
        for server, reply in replies:
            if reply.status != row.expect:
                raise RuntimeError(f"{row.name}: {server.name} answered {reply.status}, "
                                   f"expected {row.expect}")
        first = replies[0][1]
        for server, reply in replies[1:]:
            if what(reply) != what(first):
                raise RuntimeError(
                    f"{row.name}: {server.name} does not send the same bytes as "
                    f"{replies[0][0].name} ({len(reply.body)} bytes, "
                    f"{reply.header('Content-Type')}, {reply.header('Content-Encoding')} vs "
                    f"{len(first.body)} bytes, {first.header('Content-Type')}, "
                    f"{first.header('Content-Encoding')})")


def what(reply: Reply) -> tuple[bytes, str | None, str | None]:
    return reply.body, reply.header("Content-Type"), reply.header("Content-Encoding")

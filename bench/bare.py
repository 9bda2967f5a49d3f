"""The baseline: a bare Falcon app that serves bytes captured from the real service.

`capture()` (run by the benchmark, against the service) records each URL's status,
body and headers, plain and with `If-None-Match`; the file's path goes to the
workers in BENCH_BARE_RESPONSES. Per request, the app does one dict look-up by
path + query and sends the stored bytes and headers: 304 when `If-None-Match`
equals the stored ETag. Whatever the service spends beyond this is its overhead.

    gunicorn -c python:widget.gunicorn_conf 'bench.bare:get_app()'
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import falcon

ENV = "BENCH_BARE_RESPONSES"
# Set per response by gunicorn or by Falcon, so not replayed from the capture.
_NOT_REPLAYED = frozenset({"date", "server", "connection", "content-length",
                           "transfer-encoding", "keep-alive"})


@dataclass(frozen=True, slots=True)
class Stored:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    not_modified: tuple[tuple[str, str], ...]  # headers of the 304 answer


def replayable(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k.lower() not in _NOT_REPLAYED]


def dump(responses: dict[str, Stored], path: Path) -> None:
    path.write_text(json.dumps({
        key: {"status": r.status, "body": base64.b64encode(r.body).decode(),
              "headers": r.headers, "etag": r.etag, "not_modified": r.not_modified}
        for key, r in responses.items()
    }))


def load(path: Path) -> dict[str, Stored]:
    raw = json.loads(path.read_text())
    return {
        key: Stored(r["status"], base64.b64decode(r["body"]),
                    tuple(map(tuple, r["headers"])), r["etag"],
                    tuple(map(tuple, r["not_modified"])))
        for key, r in raw.items()
    }


class Replay:
    def __init__(self, responses: dict[str, Stored]):
        self._responses = responses

    def __call__(self, req: falcon.Request, resp: falcon.Response, **_: str) -> None:
        key = f"{req.path}?{req.query_string}" if req.query_string else req.path
        stored = self._responses.get(key)
        if stored is None:
            raise falcon.HTTPNotFound()
        if stored.etag is not None and req.get_header("If-None-Match") == stored.etag:
            resp.status = falcon.HTTP_304
            resp.set_headers(stored.not_modified)
            return
        resp.status = stored.status
        resp.set_headers(stored.headers)
        resp.data = stored.body


def create_app(responses: dict[str, Stored]) -> falcon.App:
    app = falcon.App()
    app.add_sink(Replay(responses), "/")
    return app


def get_app() -> falcon.App:
    return create_app(load(Path(os.environ[ENV])))

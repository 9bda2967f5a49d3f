"""A feed on 127.0.0.1 for the sync phase, run as its own process (so that its CPU time
is not the sync's): `python -m bench.feedserver FILE PORT`.

It answers GET / with FILE as an RSS feed, with an ETag and a Last-Modified, gzipped
when asked, 304 to a matching If-None-Match or If-Modified-Since; GET /requests says
how many feed requests it has answered (as text).
"""

from __future__ import annotations

import gzip
import hashlib
import sys
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def main(path: Path, port: int) -> None:
    body = path.read_bytes()
    zipped = gzip.compress(body, 6, mtime=0)
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    modified = formatdate(path.stat().st_mtime, usegmt=True)
    count = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/requests":
                self._send(200, str(count[0]).encode(), "text/plain")
                return
            count[0] += 1
            if (self.headers.get("If-None-Match") == etag
                    or self.headers.get("If-Modified-Since") == modified):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            gz = "gzip" in (self.headers.get("Accept-Encoding") or "")
            self._send(200, zipped if gz else body, "application/rss+xml", gz)

        def _send(self, status: int, data: bytes, kind: str, gz: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            if kind != "text/plain":
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
            if gz:
                self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))

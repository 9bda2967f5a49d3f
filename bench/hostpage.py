"""A host page on another origin (127.0.0.1, its own port) that embeds a widget through
the loader, as a blogger's sidebar would (see examples/hosts/blog.html), with probes
that record layout shifts and the widget's height messages.

The server pattern is the browser tests' HostServer (tests/browser/conftest.py),
kept here so the bench does not import test fixtures.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Runs before the loader: every layout shift of the host page, and when each height
# message of the service's frames arrived; the frame after it shows the resized frame.
PROBES = """
window.__bench = {shifts: [], heights: [], resized: []};
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    if (!e.hadRecentInput) __bench.shifts.push({value: e.value, at: e.startTime});
  });
}).observe({type: 'layout-shift', buffered: true});
addEventListener('message', function (e) {
  var m = e.data;
  if (e.origin !== SERVICE || !m || m.type !== 'solidarity-widget:height') return;
  __bench.heights.push({at: performance.now(), height: m.height});
  requestAnimationFrame(function (t) { __bench.resized.push(t); });
});
"""

_TEXT = ("Every morning, somebody in a prison cell decides again not to eat. The number of "
         "days is the simplest way to say how long a person has held on, and how long the "
         "authorities have let it go on.")


def page(service_url: str, widget_path: str, *, column_px: int, data_height: str | None,
         link_style: str | None, title: str = "A small blog", snippet: str = "") -> str:
    """A blog page with the widget's link in a column, text above and below it; with
    `snippet`, that (the builder's, loader included) in the link's place."""
    attrs = f' data-height="{html.escape(data_height)}"' if data_height else ""
    if link_style:
        attrs += f' style="{html.escape(link_style)}"'
    below = "\n".join(f"<p>{_TEXT}</p>" for _ in range(6))
    probes = PROBES.replace("SERVICE", repr(service_url))
    link = snippet or (
        f'<a class="solidarity-widget" href="{html.escape(service_url + widget_path)}"'
        f"{attrs}>Zehra Kurtay: hunger strike</a>")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<script>{probes}</script>
<style>body {{ margin: 0; font: 16px/1.5 Georgia, serif; }}
.col {{ width: {column_px}px; margin: 24px; }}</style>
</head>
<body>
<div class="col">
<h1>Why we keep counting the days</h1>
<p>{_TEXT}</p>
{link}
{below}
</div>
<script async src="{html.escape(service_url)}/widget.js"></script>
</body>
</html>
"""


class HostServer:
    """Serves the pages added with `add()` from its own origin on 127.0.0.1."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                body = pages.get(urlsplit(self.path).path)
                if body is None:
                    self.send_response(404 if self.path != "/favicon.ico" else 204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def add(self, path: str, text: str) -> str:
        self.pages[path] = text.encode()
        return self.url + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)

    def __enter__(self) -> HostServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

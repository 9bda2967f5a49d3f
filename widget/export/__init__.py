"""Static export: every public URL of the service written as a file, plus an nginx snippet.

`solidarity-widget build OUTDIR` (widget.cli_build) calls `export()`; docs/deploy.md,
"Static export", is the operator's side. The package, by concern:

- build:    `export()` and its `Report`: the whole tree built beside OUTDIR, then
            swapped in at once.
- exporter: walks the service's public URLs through the real app in-process and writes
            each answer: the same bytes as the service, no second renderer.
- families: which routes (widget.routes) are exported, and how nginx serves each
            family of them: location, try_files fallbacks, gzip.
- tree:     URL -> file naming (PATH?QUERY -> OUTDIR/PATH/QUERY, PATH -> PATH/_index),
            writing the files, and the atomic swap-in.
- nginx:    the snippet, OUTDIR/nginx-site.conf: locations, copied headers, try_files.
"""

from __future__ import annotations

from widget.export.build import Report, export
from widget.export.errors import ExportError
from widget.export.exporter import embed_option_sets
from widget.export.tree import INDEX, MANIFEST, MARKER, NGINX_SNIPPET, UNLISTED, file_for

__all__ = [
    "INDEX",
    "MANIFEST",
    "MARKER",
    "NGINX_SNIPPET",
    "UNLISTED",
    "ExportError",
    "Report",
    "embed_option_sets",
    "export",
    "file_for",
]

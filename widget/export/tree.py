"""The exported tree on disk: which file holds which URL, writing the files, and
swapping the finished tree in place of the previous one at once.

    PATH?QUERY  ->  OUTDIR/PATH/QUERY      (the query string as sent)
    PATH        ->  OUTDIR/PATH/_index     (no query)

`_index` can be neither a query (those hold "=") nor a strike slug (no "_" in slugs),
so paths never collide. oEmbed answers are named by their `url` parameter. Answers
that nginx gives for URLs other than their own live under `_status/`: the 410 answers
of removed strikes (`_status/410/PATH`), the embed page of a removed strike
(`_status/removed/PATH/QUERY`, for every removed slug) and of a slug never listed
(`_status/unknown/PATH/QUERY`, a 404). The nginx snippet (widget.export.nginx) finds
the files by the same rules.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, quote_plus

from widget import routes
from widget.export.errors import ExportError

MARKER = ".solidarity-widget-export"
MANIFEST = "export.json"
NGINX_SNIPPET = "nginx-site.conf"
INDEX = "_index"  # the file of a path without a query
NOT_FOUND = "/_status/404"  # the service's answer to an unknown URL, served for any 404
GONE = "_status/410"  # the folder of the 410 answers, one file per URL path
REMOVED = "_status/removed"  # a removed strike's page, the same for every removed slug
UNKNOWN = "_status/unknown"  # the 404 page of a slug never listed, the same for all
# A slug no strike can have (slugs hold no "_"): the neutral badges of every slug not
# listed are exported under it, and the service is asked for the unknown-slug page by it.
UNLISTED = "_unlisted"
NAME_MAX = 255  # bytes in one file name on every common filesystem


def file_for(path: str, query: str) -> str:
    """Where PATH?QUERY is written, relative to OUTDIR."""
    name = query or INDEX
    if "/" in name or name.startswith((".", "_")) and name != INDEX:
        raise ExportError(f"{path}?{query}: a query with '/' or a leading '.' or '_' "
                          "cannot be a file name")
    return f"{path.strip('/')}/{name}" if path != "/" else name


def oembed_file(query: str) -> str:
    """Where an oEmbed answer is written: named by its (encoded) `url` parameter alone,
    so that extra parameters such as `maxwidth` still find it."""
    url = dict(parse_qsl(query)).get("url", "")
    name = quote_plus(url, safe="")
    if not name or name.startswith((".", "_")):
        raise ExportError(f"{routes.OEMBED.path()}?{query}: no url parameter to name the "
                          "answer by")
    return f"{routes.OEMBED.path().strip('/')}/{name}"


def gone_file(path: str) -> str:
    """Where the 410 answer of PATH is written (nginx serves it with that status)."""
    return f"{GONE}/{path.strip('/')}"


def status_file(folder: str, path: str, query: str) -> str:
    """Where the answer nginx gives for any slug of PATH's kind (`folder`: REMOVED or
    UNKNOWN) is written: PATH is that kind's path with the slug left out."""
    return f"{folder}/{file_for(path, query)}"


def too_long(name: str) -> bool:
    return any(len(part.encode()) > NAME_MAX for part in name.split("/"))


class Tree:
    """Files written as they come, into the folder that will be swapped in."""

    def __init__(self, root: Path, previous: Path):
        self.root = root
        self.previous = previous
        self.files = 0
        self.bytes = 0
        self._folders: set[Path] = set()

    def write(self, name: str, body: bytes) -> None:
        target = self.root / name
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_bytes(body)
        self.files += 1
        self.bytes += len(body)
        # Unchanged bytes keep their time, so nginx's ETag and Last-Modified (made from
        # size and mtime) stay the same from one build to the next and 304s keep working.
        old = self.previous / name
        try:
            stat = old.stat()
            if stat.st_size == len(body) and old.read_bytes() == body:
                os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        except OSError:
            pass


# --- swapping the tree in -------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directory entries atomically (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def check_replaceable(outdir: Path) -> None:
    if outdir.is_symlink() or (outdir.exists() and not outdir.is_dir()):
        raise ExportError(f"{outdir} exists and is not a directory")
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MARKER).is_file():
        raise ExportError(f"{outdir} is not empty and is not an export (no {MARKER} in it): "
                          "refusing to replace it")


def swap_in(tmp: Path, outdir: Path) -> None:
    if not outdir.exists():
        os.rename(tmp, outdir)
        return
    if _exchange(tmp, outdir):
        shutil.rmtree(tmp)  # now the previous export
        return
    old = Path(tempfile.mkdtemp(prefix=outdir.name + ".old-", dir=outdir.parent))
    os.rename(outdir, old / "x")
    os.rename(tmp, outdir)
    shutil.rmtree(old)

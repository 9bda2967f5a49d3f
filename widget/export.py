"""Static export: every public URL of the service written as a file, plus an nginx snippet.

The export calls the real app in-process (falcon's TestClient over `create_app`), so
each file holds exactly the bytes the service would send: there is no second renderer.

URL -> file mapping (see docs/deploy.md, "Static export"):

    PATH?QUERY  ->  OUTDIR/PATH/QUERY      (the query string as sent, e.g. lang=de&layout=compact)
    PATH        ->  OUTDIR/PATH/_index     (no query)

Every URL path is a directory and each of its query variants a file in it. `_index`
can be neither a query (those hold "=") nor a strike slug (no "_" in slugs), so paths
never collide. Embed pages and badges are written under the canonical query of
their options (`EmbedOptions.query()`, the order the builder's snippets use). Two
exceptions: oEmbed answers are named by the (encoded) value of their `url` parameter
(`OUTDIR/oembed/<url>`), so extra parameters such as `maxwidth` still find them; the
410 answers of removed strikes live under `OUTDIR/_status/410/PATH`. Precompressed
copies of /static/ assets and /widget.js sit beside them as `_index.gz`.

`OUTDIR/nginx-site.conf` maps requests back to those files (`try_files $uri/$args`)
and sets the headers the service sets, copied from its responses at build time.
The whole tree is built in a sibling directory and swapped in at once.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit

import falcon.testing
import orjson

from widget.assets import default_assets
from widget.config import Config
from widget.http.app import create_app
from widget.render.options import OPTIONS, EmbedOptions
from widget.store import Store

MARKER = ".solidarity-widget-export"
MANIFEST = "export.json"
NGINX_SNIPPET = "nginx-site.conf"
INDEX = "_index"  # the file of a path without a query
NOT_FOUND = "/_status/404"  # the service's answer to an unknown URL, served for any 404
UNLISTED = "_unlisted"  # the slug under which the "no longer listed" answers are exported
EMBED_AXES = ("theme", "lang", "layout")  # option sets exported: every combination of these
# Headers copied from the service's own responses, per location.
COPIED = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
          "X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy")
# ... and for CORS preflight requests (OPTIONS), answered by nginx itself.
PREFLIGHT = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers",
             "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
             "Access-Control-Max-Age", "X-Content-Type-Options", "Referrer-Policy")
_NAME_MAX = 255  # bytes in one file name on every common filesystem


class ExportError(Exception):
    """The export cannot be written; nothing was changed."""


@dataclass(frozen=True)
class Family:
    """A group of URLs that nginx serves from one `location`, with one set of headers."""

    key: str
    location: str  # nginx location arguments
    day: bool  # shows a day number (or depends on the date): short Cache-Control
    fallbacks: tuple[str, ...] = ()  # try_files candidates after the exact file
    gzip: bool = False


_EMBED_STRIKE_FALLBACK = (f"/embed/strike/{UNLISTED}/$sw_q", f"/embed/strike/{UNLISTED}/{INDEX}")

# Matched in this order; the first family whose pattern matches a path holds it.
_FAMILIES: tuple[tuple[re.Pattern[str], Family], ...] = (
    (re.compile(r"^/$"), Family("builder", "= /", False, (f"$uri/{INDEX}",))),
    (re.compile(r"^/api$"), Family("api-page", "= /api", False, (f"$uri/{INDEX}",))),
    (re.compile(r"^/api/v1/strikes(/[^/]+)?$"),
     Family("api-strikes", '~ "^/api/v1/strikes(/[^/]+)?/?$"', True)),
    (re.compile(r"^/api/v1/(posts|openapi\.json)$"),
     Family("api", '~ "^/api/v1/(posts|openapi\\.json)/?$"', False)),
    (re.compile(r"^/embed/news$"),
     Family("embed-news", '~ "^/embed/news/?$"', False, (f"$uri/{INDEX}",))),
    (re.compile(r"^/embed/strikes$"),
     Family("embed-strikes", '~ "^/embed/strikes/?$"', True, (f"$uri/{INDEX}",))),
    (re.compile(r"^/embed/strike/[^/]+$"),
     Family("embed-strike", '~ "^/embed/strike/[^/]+/?$"', True,
            (f"$uri/{INDEX}",) + _EMBED_STRIKE_FALLBACK)),
    (re.compile(r"^/badge/strike/[^/]+\.svg$"),
     Family("badge-svg", '~ "^/badge/strike/[^/]+\\.svg$"', True,
            (f"$uri/{INDEX}", f"/badge/strike/{UNLISTED}.svg/$sw_q",
             f"/badge/strike/{UNLISTED}.svg/{INDEX}"))),
    (re.compile(r"^/badge/strike/[^/]+\.png$"),
     Family("badge-png", '~ "^/badge/strike/[^/]+\\.png$"', True,
            (f"$uri/{INDEX}", f"/badge/strike/{UNLISTED}.png/$sw_q",
             f"/badge/strike/{UNLISTED}.png/{INDEX}"))),
    (re.compile(r"^/oembed$"), Family("oembed", "= /oembed", False)),
    (re.compile(r"^/feeds/posts\.(atom|json)$"), Family("feeds-posts", "", False)),
    (re.compile(r"^/feeds/strikes\.atom$"), Family("feeds-strikes", "", True)),
    (re.compile(r"^/widget\.js$"), Family("loader", "", False, gzip=True)),
    (re.compile(r"^/static/[^/]+$"), Family("static", "", False, gzip=True)),
    (re.compile(r"^/media/[^/]+$"), Family("media", "", False)),
)
_MEDIA = re.compile(rb"/media/([A-Za-z0-9][A-Za-z0-9._-]{0,100})")


def family_of(path: str) -> Family | None:
    for pattern, family in _FAMILIES:
        if pattern.match(path):
            return family
    return None


@dataclass
class Written:
    url: str  # path and query, as requested
    file: str  # relative to OUTDIR
    family: str
    content_type: str
    size: int


@dataclass
class Report:
    outdir: Path
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    version: str = ""
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"exported {self.files} files, {self.bytes:,} bytes in {self.seconds:.1f} s "
                 f"to {self.outdir} (snapshot {self.version})"]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


@dataclass
class _Location:
    match: str  # nginx location arguments
    content_type: str
    headers: dict[str, str]
    try_files: str
    extra: tuple[str, ...] = ()
    gzip: bool = False


_GONE = Family("gone", "^~ /_status/410/", False)
_DISCOVERY = re.compile(r'<([^>]+)>;\s*rel="alternate";\s*type="application/json\+oembed"')


def badge_query(defaults: Any, **options: str) -> str:
    """A badge's query: its options that differ from the defaults, in the order given
    (style, lang, theme: the order the service reads them in)."""
    return "&".join(f"{k}={v}" for k, v in options.items() if v != getattr(defaults, k))


def embed_option_sets() -> list[EmbedOptions]:
    """Every combination of the EMBED_AXES options' choices; the others at their defaults."""
    sets = [EmbedOptions()]
    for name in EMBED_AXES:
        option = next(o for o in OPTIONS if o.name == name)
        assert option.choices is not None, name
        sets = [EmbedOptions(**{**_fields(s), name: choice})
                for s in sets for choice in option.choices]
    return sets


def _fields(options: EmbedOptions) -> dict[str, Any]:
    return {o.name: getattr(options, o.name) for o in OPTIONS}


def file_for(path: str, query: str) -> str:
    """Where PATH?QUERY is written, relative to OUTDIR."""
    name = query or INDEX
    if "/" in name or name.startswith((".", "_")) and name != INDEX:
        raise ExportError(f"{path}?{query}: a query with '/' or a leading '.' or '_' "
                          "cannot be a file name")
    return f"{path.strip('/')}/{name}" if path != "/" else name


class _Tree:
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


class _Exporter:
    def __init__(self, config: Config, store: Store, now: dt.datetime, day_max_age: int,
                 tree: _Tree):
        self.config = config
        self.base = config.base_url
        self.store = store
        self.tree = tree
        # One snapshot for the whole export: the clock stands still and no reload is due.
        self.client = falcon.testing.TestClient(create_app(
            config.with_(reload_interval=300), store=store, clock=lambda: now))
        self.day_max_age = day_max_age
        self.written: list[Written] = []
        self.seen: set[str] = set()
        self.samples: dict[str, Any] = {}  # family -> the headers of one of its answers
        self.media: set[str] = set()  # /media/ names the exported answers refer to
        self.locations: list[_Location] = []
        self.notes: list[str] = []
        self.version = ""

    # --- requests -----------------------------------------------------------------------

    def get(self, path: str, query: str = "", **headers: str) -> falcon.testing.Result:
        return self.client.simulate_get(path, query_string=query or None,
                                        headers=headers or None)

    def export(self, path: str, query: str = "", *, required: bool = True
               ) -> falcon.testing.Result | None:
        """Request PATH?QUERY from the app and write its bytes; None if it is not a 200."""
        url = path + (f"?{query}" if query else "")
        if url in self.seen:
            return None
        self.seen.add(url)
        family = family_of(path)
        if family is None:
            raise ExportError(f"{url}: not a URL the static export can serve")
        result = self.get(path, query)
        if result.status_code != 200:
            if required:
                raise ExportError(f"{url}: the service answered {result.status}")
            self.notes.append(f"{url} not exported: the service answers {result.status}")
            return None
        name = self._oembed_file(query) if family.key == "oembed" else file_for(path, query)
        if any(len(part.encode()) > _NAME_MAX for part in name.split("/")):
            self.notes.append(f"{url} not exported: its file name would be longer than "
                              f"{_NAME_MAX} bytes")
            return None
        self._keep(url, name, family.key, result)
        if family.gzip:
            zipped = self.get(path, query, **{"Accept-Encoding": "gzip"})
            if zipped.headers.get("content-encoding") == "gzip":
                self.tree.write(name + ".gz", zipped.content)
        if family.key.startswith("embed-") and f"/{UNLISTED}" not in path:
            # Its oEmbed answer, found by the page's own discovery link.
            match = _DISCOVERY.search(result.headers.get("link", ""))
            if match is not None:
                self.export("/oembed", urlsplit(match.group(1)).query)
        return result

    def _keep(self, url: str, name: str, family: str, result: falcon.testing.Result) -> None:
        content_type = result.headers.get("content-type", "application/octet-stream")
        self.tree.write(name, result.content)
        self.written.append(Written(url, name, family, content_type, len(result.content)))
        self.samples.setdefault(family, result.headers)
        if content_type.startswith(("text/", "application/")):
            self.media.update(m.decode() for m in _MEDIA.findall(result.content))

    @staticmethod
    def _oembed_file(query: str) -> str:
        url = dict(parse_qsl(query)).get("url", "")
        name = quote_plus(url, safe="")
        if not name or name.startswith((".", "_")):
            raise ExportError(f"/oembed?{query}: no url parameter to name the answer by")
        return f"oembed/{name}"

    # --- what is exported ---------------------------------------------------------------

    def run(self, extra_urls: Iterable[str]) -> None:
        extras = [self._extra_path(url) for url in extra_urls]  # wrong ones: fail first
        self.export("/api/v1/openapi.json")
        self._posts()
        strikes = self._strikes()
        self._embeds(strikes)
        self._badges(strikes)
        for feed in ("/feeds/posts.atom", "/feeds/posts.json", "/feeds/strikes.atom"):
            self.export(feed)
        for path, query in extras:
            self.export(path, query)
        self.export("/widget.js")
        for asset in default_assets():
            self.export(asset.url, required=False)
        for name in sorted(self.media):
            self.export(f"/media/{name}", required=False)
        for page in ("/", "/api"):  # the builder and the API's page, where they exist
            self.export(page, required=False)
        # What the service answers for a URL it does not know: nginx's 404s say the same.
        not_found = self.get(NOT_FOUND)
        self.tree.write(NOT_FOUND.strip("/"), not_found.content)
        self.samples["not-found"] = not_found.headers
        self.samples["preflight"] = self.client.simulate_options(
            "/api/v1/strikes", headers={"Origin": "https://ally.example",
                                        "Access-Control-Request-Method": "GET"}).headers

    def _posts(self) -> None:
        query = ""
        for _ in range(10_000):  # a cursor chain always ends; this bounds a broken one
            result = self.export("/api/v1/posts", query)
            if result is None:  # the same page twice: a cursor loop
                break
            self.version = self.version or str(result.json["version"])
            following = result.json.get("next")
            if not following:
                return
            query = urlsplit(following).query
        raise ExportError("/api/v1/posts: the cursor pages never end")

    def _strikes(self) -> list[str]:
        for query in ("", "status=active", "status=ended"):
            self.export("/api/v1/strikes", query)
        every = self.export("/api/v1/strikes", "status=all")
        assert every is not None
        slugs = [str(s["slug"]) for s in every.json["strikes"]]
        for slug in slugs:
            self.export(f"/api/v1/strikes/{slug}")
        # Removed strikes answer 410: kept as files that nginx serves with that status.
        for slug in sorted(set(self.store.removed()) - set(slugs)):
            path = f"/api/v1/strikes/{slug}"
            result = self.get(path)
            if result.status_code == 410:
                self._keep(path, f"_status/410/{path.strip('/')}", "gone", result)
        return slugs

    def _embeds(self, slugs: list[str]) -> None:
        for options in embed_option_sets():
            query = options.query().removeprefix("?")
            self.export("/embed/news", query)
            self.export("/embed/strikes", query)
            for slug in [*slugs, UNLISTED]:
                self.export(f"/embed/strike/{slug}", query)

    def _badges(self, slugs: list[str]) -> None:
        probe = f"/badge/strike/{slugs[0] if slugs else UNLISTED}.svg"
        if self.get(probe).status_code == 404:
            self.notes.append(f"badges not exported: the service has no badge route "
                              f"({probe} answers 404)")
            return
        from widget.render import badge

        styles: tuple[str, ...] = getattr(badge, "STYLES", ("flat",))
        themes: tuple[str, ...] = getattr(badge, "THEMES", ("light",))
        formats: tuple[str, ...] = getattr(badge, "FORMATS", ("svg",))
        langs = next(o.choices for o in OPTIONS if o.name == "lang") or ("en",)
        defaults = badge.BadgeOptions()
        for slug in [*slugs, UNLISTED]:
            for fmt in formats:
                for style in styles:
                    for lang in langs:
                        for theme in themes:
                            self.export(f"/badge/strike/{slug}.{fmt}", badge_query(
                                defaults, style=style, lang=lang, theme=theme))

    def _extra_path(self, url: str) -> tuple[str, str]:
        """(path, query) of an extra URL: absolute under base_url, or a path."""
        parts, base = urlsplit(url), urlsplit(self.base)
        if parts.scheme and (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            raise ExportError(f"{url}: not a URL of {self.base}")
        path = parts.path
        if parts.scheme:
            path = path.removeprefix(base.path.rstrip("/")) or "/"
        if family_of(path) is None:
            raise ExportError(f"{url}: not a URL the static export can serve")
        if parts.query:
            file_for(path, parts.query)  # raises for a query that cannot be a file name
        return path, parts.query

    # --- nginx ----------------------------------------------------------------------------

    def plan_locations(self) -> None:
        by_family: dict[str, list[Written]] = {}
        for item in self.written:
            by_family.setdefault(item.family, []).append(item)
        for _, family in _FAMILIES:
            items = by_family.get(family.key, [])
            if not items:
                continue
            if family.location:  # one location for the whole family
                self._location(family, family.location, items, self._try_files(family))
            else:  # one exact location per URL
                for item in items:
                    self._location(family, f"= {item.url}", [item], f"/{item.file} =404")
        not_found = self.samples["not-found"]
        self.locations.append(self._headers(_Location(
            f"= {NOT_FOUND}", not_found.get("content-type", ""), {}, "", ("internal;",)),
            not_found, None))
        gone = by_family.get("gone", [])
        if gone:
            self._location(_GONE, _GONE.location, gone, "$uri =404", ("internal;",))
            for item in gone:
                self.locations.append(_Location(f"= {item.url}", "", {}, "",
                                                (f"error_page 410 /{item.file};", "return 410;")))

    @staticmethod
    def _try_files(family: Family) -> str:
        if family.key == "oembed":
            return "/oembed/$sw_url =404"
        return " ".join(["$uri/$sw_q", *family.fallbacks, "=404"])

    def _location(self, family: Family, match: str, items: list[Written], try_files: str,
                  extra: tuple[str, ...] = ()) -> None:
        types = {i.content_type for i in items}
        if len(types) != 1:
            raise ExportError(f"{family.key}: the service answers with several content types "
                              f"({', '.join(sorted(types))}); one location cannot serve them")
        location = _Location(match, types.pop(), {}, try_files, extra, family.gzip)
        self.locations.append(self._headers(location, self.samples[family.key], family))

    def _headers(self, location: _Location, sample: Any, family: Family | None) -> _Location:
        """The service's own headers for this location, from one of its answers."""
        headers = {name: sample[name] for name in COPIED if name in sample}
        if family is not None and family.day:
            # A file cannot know the next local midnight: stay fresh only briefly.
            age = self.day_max_age
            headers["Cache-Control"] = (f"public, max-age={age}, s-maxage={age}, "
                                        f"stale-if-error={self.config.stale_if_error}")
        else:
            headers["Cache-Control"] = str(sample.get("cache-control", "no-cache"))
        location.headers = headers
        return location


# --- the nginx snippet ----------------------------------------------------------------------


def _quote(value: str) -> str:
    if "$" in value or "\\" in value or "\n" in value:
        raise ExportError(f"cannot put {value!r} into the nginx snippet")
    return '"' + value.replace('"', '\\"') + '"'


def nginx_snippet(root: Path, locations: list[_Location], preflight: dict[str, str],
                  summary: str) -> str:
    out = [
        f"# Generated by `solidarity-widget build` ({summary}).",
        "# Serves the static export in this directory. Include it inside a server block:",
        "#   server { listen 443 ssl; server_name widgets.example.org; ...",
        f"#            include {root / NGINX_SNIPPET}; }}",
        "# Mapping: PATH?QUERY -> PATH/QUERY, PATH -> PATH/_index (see docs/deploy.md).",
        f"root {root};",
        "# The query string names the file; a query that is no file name finds nothing.",
        "set $sw_q $args;",
        f'if ($args = "") {{ set $sw_q {INDEX}; }}',
        'if ($args ~ "/|^[._]") { set $sw_q _none; }',
        "set $sw_url $arg_url;",
        'if ($arg_url ~ "^$|/|^[._]") { set $sw_url _none; }',
        f"error_page 404 {NOT_FOUND};",
        "# CORS preflight: answered here, with the service's headers. (Every location below",
        "# sets its own headers, so these apply to this answer only.)",
        *(f"add_header {name} {_quote(value)} always;" for name, value in preflight.items()),
        'if ($request_method = OPTIONS) { return 200 ""; }',
        "",
    ]
    for loc in locations:
        out.append(f"location {loc.match} {{")
        out.extend(f"    {line}" for line in loc.extra)
        if loc.content_type:
            out.append("    types { }")
            out.append(f"    default_type {_quote(loc.content_type)};")
        if loc.gzip:
            out.append("    gzip_static on;")
            out.append("    gzip_vary on;")
        for name, value in loc.headers.items():
            out.append(f"    add_header {name} {_quote(value)} always;")
        if loc.try_files:
            out.append(f"    try_files {loc.try_files};")
        out.append("}")
    out.append("# Everything else is not part of the export.")
    out.append("location / {")
    out.append("    return 404;")
    out.append("}")
    return "\n".join(out) + "\n"


# --- writing the tree atomically ------------------------------------------------------------

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


def _check_replaceable(outdir: Path) -> None:
    if outdir.is_symlink() or (outdir.exists() and not outdir.is_dir()):
        raise ExportError(f"{outdir} exists and is not a directory")
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MARKER).is_file():
        raise ExportError(f"{outdir} is not empty and is not an export (no {MARKER} in it): "
                          "refusing to replace it")


def _swap_in(tmp: Path, outdir: Path) -> None:
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


# --- entry point ------------------------------------------------------------------------------


def export(config: Config, outdir: Path, *, extra_urls: Iterable[str] = (),
           day_max_age: int = 60, now: dt.datetime | None = None) -> Report:
    """Write the static export of `config`'s store to `outdir`, replacing it whole."""
    started = time.monotonic()
    outdir = Path(os.path.abspath(outdir))
    _check_replaceable(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.UTC)
    tmp = Path(tempfile.mkdtemp(prefix=outdir.name + ".tmp-", dir=outdir.parent))
    try:
        tree = _Tree(tmp, outdir)
        with Store(config.database, readonly=True) as store:
            exporter = _Exporter(config, store, now, day_max_age, tree)
            exporter.run(extra_urls)
            exporter.plan_locations()
        tree.write(MANIFEST, orjson.dumps({
            "base_url": config.base_url,
            "built_at": now.isoformat(),
            "version": exporter.version,
            "files": [{"url": w.url, "file": w.file, "content_type": w.content_type,
                       "bytes": w.size} for w in exporter.written],
            "notes": exporter.notes,
        }, option=orjson.OPT_INDENT_2))
        preflight = exporter.samples["preflight"]
        summary = (f"snapshot {exporter.version}, built {now:%Y-%m-%d %H:%M} UTC "
                   f"for {config.base_url}")
        tree.write(NGINX_SNIPPET, nginx_snippet(
            outdir, exporter.locations,
            {name: preflight[name] for name in PREFLIGHT if name in preflight},
            summary).encode())
        tree.write(MARKER, b"written by solidarity-widget build\n")
        os.chmod(tmp, 0o755)
        _swap_in(tmp, outdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Report(outdir, files=tree.files, bytes=tree.bytes,
                  seconds=time.monotonic() - started, version=exporter.version,
                  notes=exporter.notes)

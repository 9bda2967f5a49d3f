"""Static assets: read once, content-hashed, precompressed.

`url("embed.css")` gives `/static/embed.<hash>.css`; only that hashed URL is
served `immutable`. A wrong or old hash is a 404, never someone else's bytes.

PERF: the embed pages carry their stylesheet and script inline (`inline`), so a
widget paints and reports its height from one answer, with no second round trip.
The Content-Security-Policy allows exactly those bytes by their hashes
(`csp_sources`), never 'unsafe-inline'.

PERF: scripts are served minified with their local names shortened (`minify_js`),
which the loader and the inline embed.js need to fit their byte budgets (README, bench).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import orjson
import rcssmin
from calmjs.parse import es5
from calmjs.parse.exceptions import ECMASyntaxError
from calmjs.parse.unparsers.es5 import minify_print
from markupsafe import Markup

from widget import routes
from widget.render.frames import script_tokens

# What the embed pages put inline (`Assets.inline`), each tuple one element: the
# stylesheets by page (templates/base.html, news.html, page.html) and the script.
INLINE_STYLES = (("embed.css",), ("embed.css", "news.css"), ("embed.css", "news.css", "page.css"))
INLINE_SCRIPTS = (("embed.js",),)
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".svg": "image/svg+xml", ".woff2": "font/woff2", ".ttf": "font/ttf"}


def _csp_hash(body: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"


@lru_cache(maxsize=16)
def minify_js(name: str, body: bytes) -> bytes:
    """`body` without comments or spaces, its local names shortened (one or two letters):
    what the scripts are served as. Names of globals and properties, strings and regex
    literals are kept as they are. Run on the body with its tokens already written in.

    The scripts are ES5 (the parser reads nothing newer): one that is not stops the
    service at start-up, named. Kept per body, since every app made in a process (the
    tests make hundreds) reads the same files: parsing costs about 0.1 s a script."""
    try:
        tree = es5(body.decode())
    except ECMASyntaxError as exc:
        raise ValueError(f"static/{name} is not ES5 JavaScript: {exc}") from None
    return minify_print(tree, obfuscate=True, obfuscate_globals=False).encode()


def package_dir(name: str) -> Path:
    """templates/ and static/ ship inside the wheel; in a checkout they sit beside widget/."""
    inside = Path(str(resources.files("widget"))) / name
    return inside if inside.is_dir() else Path(__file__).resolve().parents[1] / name


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    body: bytes
    gzipped: bytes
    content_type: str
    digest: str  # hex, for the URL
    sri: str  # sha384-…, for integrity attributes

    @property
    def hashed_name(self) -> str:
        stem, dot, ext = self.name.rpartition(".")
        return f"{stem}.{self.digest}.{ext}" if dot else f"{self.name}.{self.digest}"

    @property
    def url(self) -> str:
        return routes.STATIC.path(name=self.hashed_name)


class Assets:
    """Every file of `folder` (fonts aside). In scripts, each key of `tokens` is replaced
    by its value as a JSON literal before hashing: how Python's constants reach them."""

    def __init__(self, folder: Path, tokens: Mapping[str, object] | None = None):
        self._by_name: dict[str, Asset] = {}
        self._by_hashed: dict[str, Asset] = {}
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            # Fonts are read by the badge renderer, not served.
            if path.name.startswith(".") or path.relative_to(folder).parts[0] == "fonts":
                continue
            name = path.relative_to(folder).as_posix()
            body = path.read_bytes()
            if path.suffix == ".js":
                for token, value in (tokens or {}).items():
                    body = body.replace(token.encode(), orjson.dumps(value))
                body = minify_js(name, body)  # served minified; the files keep their comments
            elif path.suffix == ".css":
                body = rcssmin.cssmin(body)
            content_type = _TYPES.get(path.suffix) or (
                mimetypes.guess_type(name)[0] or "application/octet-stream")
            asset = Asset(
                name=name, body=body, gzipped=gzip.compress(body, 9, mtime=0),
                content_type=content_type,
                digest=hashlib.sha256(body).hexdigest()[:12],
                sri="sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode(),
            )
            self._by_name[name] = asset
            self._by_hashed[asset.hashed_name] = asset

    def __getitem__(self, name: str) -> Asset:
        return self._by_name[name]

    def url(self, name: str) -> str:
        return self._by_name[name].url

    def inline(self, *names: str) -> Markup:
        """The bodies of `names`, joined, to put between <style> or <script> tags as they
        are. Only the sets in INLINE_STYLES and INLINE_SCRIPTS: the CSP allows those by
        hash. Refused if a body could end its element early."""
        if names not in INLINE_STYLES + INLINE_SCRIPTS:
            raise ValueError(f"{names} is not one of the inline sets the CSP allows")
        return Markup(self._joined(names).decode())

    def _joined(self, names: tuple[str, ...]) -> bytes:
        body = b"\n".join(self._by_name[n].body for n in names)
        # NOTE: browsers hash inline text after turning CR into LF and NUL into U+FFFD:
        # bytes with either would not match their hash, and be blocked without a word.
        if any(bad in body for bad in (b"</", b"<!--", b"\r", b"\0")):
            raise ValueError(f"static/{names} cannot be inlined: it contains '</', '<!--', "
                             "a carriage return or a NUL")
        return body

    def csp_sources(self) -> dict[str, str]:
        """script-src and style-src sources for what the embed pages inline."""
        def hashes(sets: tuple[tuple[str, ...], ...]) -> str:
            return " ".join(_csp_hash(self._joined(names)) for names in sets)
        return {"script-src": hashes(INLINE_SCRIPTS), "style-src": hashes(INLINE_STYLES)}

    def by_hashed_name(self, hashed: str) -> Asset | None:
        return self._by_hashed.get(hashed)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_name.values())


def default_assets() -> Assets:
    """The service's own assets, with the frame constants written into its scripts."""
    return Assets(package_dir("static"), script_tokens())

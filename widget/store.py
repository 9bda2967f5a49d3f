"""SQLite store: the one source of truth between sync and serving.

Long on purpose: the schema, its migrations and every query stay together, so one file
shows all that is stored and how.

WAL mode lets serving workers read while a sync writes. The schema is versioned
with PRAGMA user_version. Every sync of a source, and every import of the
strikes file, is one transaction. A failed or partial fetch never deletes what
was there: a source's posts are taken down only against a complete account of
what is still public upstream (`save_posts`' `listed`), and each deletion leaves
a tombstone (the `gone` table) so that incremental snapshot reloads drop it too.

One post, one row: posts are keyed by their canonical URL (`url_key`) across
sources; of two sources offering the same URL the richer kind keeps it
(`KIND_RANK`: WordPress before feeds), between two of one kind the one that
stored it first. Posts an editor hid (the `hidden` table, by canonical URL) stay
stored, so that unhiding shows them again at once, but are never read out.

`generation` in the meta table grows with every committed write; serving
workers compare it to decide whether to rebuild their snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlsplit

import orjson

from widget import routes
from widget.model import (
    Action,
    ActionKind,
    Image,
    Kind,
    Media,
    Outcome,
    Post,
    SourceStatus,
    Status,
    Strike,
    StrikeText,
)

SCHEMA_VERSION = 6
_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE posts (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        excerpt TEXT NOT NULL,
        content_html TEXT NOT NULL,
        published TEXT NOT NULL,
        modified TEXT NOT NULL,
        categories TEXT NOT NULL,
        tags TEXT NOT NULL,
        image TEXT,
        lang TEXT
    );
    CREATE INDEX posts_by_date ON posts (published DESC, id DESC);
    CREATE TABLE strikes (
        slug TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        last_attempt TEXT,
        last_success TEXT,
        last_error TEXT
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('generation', '0');
    """,
    # Thumbnails are copied at sync time so widgets never make a request to another host.
    2: """
    CREATE TABLE media (
        url TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL
    );
    CREATE INDEX media_by_name ON media (name);
    """,
    3: """
    CREATE TABLE removed (slug TEXT PRIMARY KEY, removed_on TEXT NOT NULL);
    """,
    # Incremental snapshot reloads: each post row remembers the generation that last
    # changed it, and a digest of its content, so a worker reads only what changed.
    4: """
    ALTER TABLE posts ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE posts ADD COLUMN digest TEXT NOT NULL DEFAULT '';
    CREATE INDEX posts_by_rev ON posts (rev);
    CREATE INDEX posts_by_source ON posts (source);
    """,
    # Takedowns and one row per post: the canonical URL of each post (filled in by
    # _fill_url_keys), the editor's hidden posts, tombstones of deleted posts for
    # incremental reloads, and what a source says of itself (its timezone).
    5: """
    ALTER TABLE posts ADD COLUMN url_key TEXT NOT NULL DEFAULT '';
    CREATE INDEX posts_by_url_key ON posts (url_key);
    CREATE TABLE hidden (
        url_key TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        reason TEXT NOT NULL,
        hidden_at TEXT NOT NULL,
        rev INTEGER NOT NULL
    );
    CREATE TABLE gone (id TEXT PRIMARY KEY, rev INTEGER NOT NULL);
    CREATE INDEX gone_by_rev ON gone (rev);
    ALTER TABLE sources ADD COLUMN extra TEXT NOT NULL DEFAULT '{}';
    """,
    # Conditional GET: the ETag and Last-Modified each source URL last answered with,
    # and a digest of the source's configuration then (another config reads it whole).
    6: """
    CREATE TABLE validators (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        config TEXT NOT NULL
    );
    """,
}
# Which source keeps a post that two sources offer under one URL: the lower rank (the
# WordPress REST record has tags apart from categories, image sizes, the site's own
# dates); between equal ranks, the one that stored it first.
KIND_RANK = {"wordpress": 0, "feed": 1}
_RANK_SQL = "coalesce(CASE s.kind WHEN 'wordpress' THEN 0 WHEN 'feed' THEN 1 END, 2)"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def url_key(url: str) -> str:
    """The canonical form of a post's URL, by which two sources of one site name one post.

    Scheme, host case, a default port, a fragment and a trailing slash do not matter
    (http://Org.example:80/a/ is https://org.example/a#x); the query does (?p=12)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = quote(parts.path, safe="/:@!$&'()*+,;=%~-._").rstrip("/") or "/"
    path = _ESCAPE.sub(lambda m: m.group().upper(), path)
    return host + path + (f"?{parts.query}" if parts.query else "")


def _fill_url_keys(db: sqlite3.Connection) -> None:
    """Migration 5: the canonical URL of every stored post, and one row per URL."""
    rows = db.execute("SELECT id, url FROM posts").fetchall()
    db.executemany("UPDATE posts SET url_key = ? WHERE id = ?",
                   [(url_key(url), post_id) for post_id, url in rows])
    # Two sources of one site stored every post twice before: keep the winner's row.
    ranked = db.execute(
        f"""SELECT p.id, p.url_key FROM posts p LEFT JOIN sources s ON s.name = p.source
            WHERE p.url_key IN (SELECT url_key FROM posts GROUP BY url_key HAVING COUNT(*) > 1)
            ORDER BY p.url_key, {_RANK_SQL}, p.rowid""").fetchall()
    seen: set[str] = set()
    rev = int(db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0]) + 1
    for post_id, key in ranked:
        if key in seen:
            db.execute("DELETE FROM posts WHERE id = ?", (post_id,))
            db.execute("INSERT OR REPLACE INTO gone VALUES (?, ?)", (post_id, rev))
        seen.add(key)
    db.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(rev),))


_AFTER_MIGRATION = {5: _fill_url_keys}


def post_digest(post: Post) -> str:
    """A digest of what the source said about a post (not of this service's additions)."""
    return hashlib.blake2b(orjson.dumps(post), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Reading:
    """What changed in the store since a generation (everything, from generation None)."""

    generation: int
    posts: list[tuple[Post, str]]  # (post, digest of what visitors see: _seen), newest first
    strikes: list[Strike]
    sources: list[SourceStatus]
    removed: dict[str, dt.date]
    # Ids of posts no longer to be shown since `generation` (taken down upstream,
    # kept by another source, hidden by an editor); empty for a whole read.
    gone: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Saved:
    """What one sync of a source left in the store."""

    shown: int  # this source's posts a visitor can see now
    taken_down: int  # stored posts no longer public upstream, deleted by this sync
    hidden: int  # this source's posts an editor hid
    elsewhere: int  # posts read that another source of the same URL keeps


@dataclass(frozen=True, slots=True)
class HiddenPost:
    url: str
    reason: str
    hidden_at: dt.datetime
    title: str  # of the stored post with that URL; "" when none is stored
    id: str  # likewise


class NoSuchPost(ValueError):
    """`post hide` or `post unhide` of something the store does not know; says what."""


class StoreError(Exception):
    """The store cannot be opened, read or written; the message names the file."""


def file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value else None


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _strike_json(strike: Strike) -> bytes:
    return orjson.dumps(asdict(strike))


def _strike_from(data: bytes | str) -> Strike:
    raw = orjson.loads(data)
    for key in ("start_date", "end_date", "last_confirmed"):
        if raw.get(key):
            raw[key] = dt.date.fromisoformat(raw[key])
    raw["kind"] = Kind(raw["kind"])
    raw["status"] = Status(raw["status"])
    raw["outcome"] = Outcome(raw["outcome"]) if raw.get("outcome") else None
    for key in ("demands", "sources", "related_posts"):
        raw[key] = tuple(raw[key])
    raw["actions"] = tuple(Action(ActionKind(a["kind"]), a["label"], a["url"])
                           for a in raw.get("actions", ()))
    raw["texts"] = tuple(
        (lang, StrikeText(name=text["name"], place=text["place"],
                          demands=tuple(text["demands"]), summary=text["summary"],
                          actions=tuple(text["actions"])))
        for lang, text in raw.get("texts", ()))
    return Strike(**raw)


def _row(p: Post) -> tuple[Any, ...]:
    return (p.id, p.source, p.url, p.title, p.excerpt, p.content_html, _iso(p.published),
            _iso(p.modified), orjson.dumps(list(p.categories)).decode(),
            orjson.dumps(list(p.tags)).decode(),
            orjson.dumps(asdict(p.image)).decode() if p.image else None, p.lang,
            post_digest(p))


def _extra(extra: Mapping[str, str] | None) -> str | None:
    return orjson.dumps(dict(extra)).decode() if extra is not None else None


def _extra_from(raw: str | None) -> dict[str, str]:
    try:
        value = orjson.loads(raw or "{}")
    except orjson.JSONDecodeError:
        return {}
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(
        value, dict) else {}


def _is_url(target: str) -> bool:
    return target.strip().lower().startswith(("http://", "https://"))


# What only a rendering of a post needs, left out of snapshots (Store.read_since with
# whole=False): the snapshot orders and filters posts; Store.whole_posts reads these.
_RENDERED = ("title", "excerpt", "content_html")


class _Shared:
    """One object for each value many posts repeat (a source's name, a language, a set
    of terms): PERF, a snapshot of 100,000 posts would otherwise hold 100,000 copies."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def text(self, value: str | None) -> str | None:
        return None if value is None else self._values.setdefault(value, value)

    def terms(self, raw: str) -> tuple[str, ...]:
        key = "terms:" + raw
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = tuple(self._values.setdefault(t, t)
                                              for t in orjson.loads(raw))
        return cast(tuple[str, ...], found)


def _post_from(row: sqlite3.Row, shared: _Shared | None = None,
               media: Mapping[str, str] | None = None, whole: bool = True) -> Post:
    """The post of a row; with `media`, its thumbnail's local copy (served from here
    when the sync could copy it); not `whole`: without its title, texts and image."""
    shared = shared if shared is not None else _Shared()
    post_id, url = row["id"], row["url"]
    published = dt.datetime.fromisoformat(row["published"])
    modified = (published if row["modified"] == row["published"]
                else dt.datetime.fromisoformat(row["modified"]))
    return Post(
        id=post_id, source=cast(str, shared.text(row["source"])),
        url=post_id if url == post_id else url, title=row["title"],
        excerpt=row["excerpt"], content_html=row["content_html"],
        published=published, modified=modified,
        categories=shared.terms(row["categories"]),
        tags=shared.terms(row["tags"]),
        image=_image_from(row["image"], media) if whole else None,
        lang=shared.text(row["lang"]),
    )


def _image_from(raw: str | None, media: Mapping[str, str] | None) -> Image | None:
    if not raw:
        return None
    image = Image(**orjson.loads(raw))
    name = media.get(image.thumbnail or image.url) if media is not None else None
    return image if name is None else replace(image, local=routes.MEDIA.path(name=name))


def _seen(row: sqlite3.Row, digest: str, media: Mapping[str, str]) -> str:
    """What visitors see of a post, as a digest: the source's, and this service's copy of
    the thumbnail (a copy made later changes the post as shown)."""
    image = orjson.loads(row["image"]) if row["image"] and media else None
    name = media.get(image.get("thumbnail") or image.get("url")) if image else None
    return f"{digest}|{routes.MEDIA.path(name=name) if name else ''}"


def describe(path: Path, exc: BaseException) -> str:
    """One line naming the file and what is wrong with it, in an operator's words."""
    text = str(exc)
    if isinstance(exc, OSError):
        reason = exc.strerror or text
        where = exc.filename or path
        return f"{where}: {reason}"
    if "not a database" in text or "malformed" in text:
        return f"{path}: not a readable SQLite database ({text}); restore it from a backup"
    if "disk is full" in text or (isinstance(exc, sqlite3.Error) and _disk_full(path)):
        # SQLite often says only "disk I/O error" when its WAL cannot grow.
        return f"{path}: the disk is full; nothing was changed"
    if "readonly" in text or "read-only" in text:
        return f"{path}: cannot be written ({text})"
    if "unable to open" in text:
        return f"{path}: cannot be opened ({text}); check that its folder exists and is writable"
    return f"{path}: {text}"


def _disk_full(path: Path) -> bool:
    try:
        stats = os.statvfs(path.parent)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < 256 * 1024


def last_good_path(database: Path) -> Path:
    """Where each sync leaves a consistent copy of the store, for workers to fall back on."""
    return database.with_name(database.name + ".last-good")


class Store:
    """The SQLite store. `readonly` opens without creating or migrating anything, for
    readers (`status`, `check`, the export); `immutable` for a published copy, which
    is only ever replaced whole, never written in place: readers then take no locks
    and share no -wal or -shm file with anyone."""

    def __init__(self, path: Path, *, readonly: bool = False, immutable: bool = False):
        self.path = path
        self.readonly = readonly = readonly or immutable
        try:
            if not readonly:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.exists():
                raise StoreError(f"{path}: missing")
            # NOTE: the file's identity at open time tells when a new copy has replaced it.
            self.identity = file_identity(path)
            uri = (f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
                   if readonly else str(path))
            self._db = sqlite3.connect(uri, timeout=30, isolation_level=None,
                                       check_same_thread=False, uri=readonly)
            self._db.row_factory = sqlite3.Row
            # One connection per process, shared by a worker's threads: one at a time.
            self._lock = threading.RLock()
            if readonly:
                self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
            else:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                # NOTE: a new file exists only now; its history must be the one the next
                # open finds, or every store's second sync would start a new history.
                self.identity = self.identity or file_identity(path)
                self._migrate()
                self._mark_history()
            # A reader may open a copy an older version wrote (before the next sync
            # rewrites it): it reads what that schema has.
            self._schema = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(describe(path, exc)) from exc

    def _mark_history(self) -> None:
        """A new history id whenever the file is not the one last written here.

        A backup moved over the database (or a new file) may reach the same generation
        numbers as the copy a worker serves with other contents; readers compare the
        history id to know whether a generation continues theirs (see snapshot.py).
        """
        here = "{}:{}".format(*(self.identity or (0, 0)))
        rows = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if rows.get("file") != here:
            with self.transaction() as db:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('file', ?)", (here,))
                db.execute("INSERT OR REPLACE INTO meta VALUES ('history', ?)",
                           (secrets.token_hex(8),))

    def history(self) -> str:
        with self._lock, self._errors():
            row = self._db.execute("SELECT value FROM meta WHERE key='history'").fetchone()
        return str(row[0]) if row else ""

    def save_copy(self) -> Path:
        """Write a consistent copy of the store beside it, swapped in atomically.

        Serving workers read only this copy, never the live database (widget/fallback.py,
        docs/deploy.md "When files break").
        """
        target = last_good_path(self.path)
        partial = target.with_name(target.name + ".partial")
        try:
            partial.unlink(missing_ok=True)
            with self._lock:
                self._db.execute("VACUUM INTO ?", (str(partial),))
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(describe(target, exc)) from exc
        return target

    def close(self) -> None:
        self._db.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version} is newer than this "
                             f"program understands ({SCHEMA_VERSION}); upgrade it")
        with self.transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                if target in _AFTER_MIGRATION:
                    _AFTER_MIGRATION[target](self._db)
                self._db.execute(f"PRAGMA user_version = {target}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE so two syncs queue instead of deadlocking."""
        with self._lock, self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (disk full) leaves the transaction open: roll it back too.
                if self._db.in_transaction:
                    with suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite's and the file system's errors, as one line naming the database."""
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(describe(self.path, exc)) from exc

    def _generation(self, db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])

    def _bump(self, db: sqlite3.Connection) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")

    # --- writes -----------------------------------------------------------------------

    def save_posts(self, source: str, kind: str, posts: Iterable[Post], when: dt.datetime,
                   media: Iterable[Media] = (), *, listed: Collection[str] | None = None,
                   covers_after: dt.datetime | None = None,
                   extra: Mapping[str, str] | None = None) -> Saved:
        """One successful read of a source, in one transaction.

        `listed`: every post id still public upstream, as far as the read covers (posts
        published after `covers_after`, or all when it is None); this source's stored
        posts in that range that are not listed are taken down. None: the read cannot
        tell (a partial listing), and nothing is deleted. `extra`: what the source says
        of itself (its timezone), replacing what was stored; None keeps that.
        """
        batch: dict[str, Post] = {}
        for post in posts:  # one row per URL within a read too: the first (newest) wins
            batch.setdefault(url_key(post.url), post)
        with self.transaction() as db:
            rev = self._generation(db) + 1
            gone: list[str] = []
            kept, elsewhere = [], 0
            holders = self._holders(db, batch)
            for key, post in batch.items():
                wins, losers = self._contest(holders.get(key, []), source, kind, post.id)
                gone += losers
                if wins:
                    kept.append((key, post))
                else:
                    elsewhere += 1
            ids = {post.id for _, post in kept}
            gone = [post_id for post_id in dict.fromkeys(gone) if post_id not in ids]
            db.executemany("DELETE FROM posts WHERE id = ?", [(i,) for i in gone])
            # Only rows whose content changed get the new generation: an unchanged feed
            # costs the serving workers nothing at their next reload.
            db.executemany(
                """INSERT INTO posts (id, source, url, title, excerpt, content_html, published,
                                      modified, categories, tags, image, lang, digest, url_key,
                                      rev)
                   VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                   ON CONFLICT (id) DO UPDATE SET
                     url=excluded.url, title=excluded.title, excerpt=excluded.excerpt,
                     content_html=excluded.content_html, published=excluded.published,
                     modified=excluded.modified, categories=excluded.categories,
                     tags=excluded.tags, image=excluded.image, lang=excluded.lang,
                     digest=excluded.digest, url_key=excluded.url_key, rev=excluded.rev
                   WHERE posts.digest IS NOT excluded.digest""",
                [(*_row(post), key, rev) for key, post in kept],
            )
            # A post back upstream (published again) is no longer a tombstone.
            db.executemany("DELETE FROM gone WHERE id = ?", [(i,) for i in ids])
            taken_down = []
            if listed is not None:
                keep = set(listed) | {post.id for post in batch.values()}
                stored = db.execute(
                    "SELECT id FROM posts WHERE source = ? AND published > ?",
                    (source, _iso(covers_after) if covers_after else "")).fetchall()
                taken_down = [row[0] for row in stored if row[0] not in keep]
                db.executemany("DELETE FROM posts WHERE id = ?", [(i,) for i in taken_down])
            gone += taken_down
            db.executemany("INSERT OR REPLACE INTO gone VALUES (?, ?)",
                           [(post_id, rev) for post_id in gone])
            for m in media:
                db.execute("INSERT OR REPLACE INTO media VALUES (?, ?, ?, ?)",
                           (m.url, m.name, m.content_type, m.data))
                # A post whose thumbnail was just copied is shown differently: mark it.
                db.execute(
                    """UPDATE posts SET rev = ? WHERE image IS NOT NULL AND
                       coalesce(json_extract(image, '$.thumbnail'),
                                json_extract(image, '$.url')) = ?""", (rev, m.url))
            db.execute(
                """INSERT INTO sources (name, kind, last_attempt, last_success, last_error,
                                        extra)
                   VALUES (?, ?, ?, ?, NULL, coalesce(?, '{}'))
                   ON CONFLICT (name) DO UPDATE SET kind=excluded.kind,
                     last_attempt=excluded.last_attempt, last_success=excluded.last_success,
                     last_error=NULL, extra=coalesce(?, sources.extra)""",
                (source, kind, _iso(when), _iso(when), *[_extra(extra)] * 2),
            )
            self._bump(db)
            hidden, shown = db.execute(
                """SELECT count(h.url_key), count(*) - count(h.url_key) FROM posts p
                   LEFT JOIN hidden h ON h.url_key = p.url_key WHERE p.source = ?""",
                (source,)).fetchone()
        return Saved(shown, len(taken_down), hidden, elsewhere)

    @staticmethod
    def _holders(db: sqlite3.Connection, batch: Mapping[str, Post]) -> dict[str, list[Any]]:
        """The stored rows holding each URL key of `batch`, read in one query (a first
        sync of 10,000 posts asked 10,000 times)."""
        holders: dict[str, list[Any]] = {}
        for row in db.execute(
                f"""SELECT p.url_key, p.id, p.source, {_RANK_SQL} AS rank, p.rowid AS at
                    FROM posts p LEFT JOIN sources s ON s.name = p.source
                    WHERE p.url_key IN (SELECT value FROM json_each(?))""",
                (orjson.dumps(list(batch)).decode(),)):
            holders.setdefault(row["url_key"], []).append(row)
        return holders

    @staticmethod
    def _contest(rows: Sequence[Any], source: str, kind: str,
                 post_id: str) -> tuple[bool, list[str]]:
        """Whether `post_id` of `source` keeps the URL the stored `rows` hold, and the
        rows that lose it.

        Against another source the rank decides, then who stored the URL first; a row
        of the same source under another id (its entry id changed) always loses."""
        if not rows:
            return True, []
        own = next((r["at"] for r in rows if r["id"] == post_id), float("inf"))
        mine = (KIND_RANK.get(kind, 2), own)
        rivals = [(r["rank"], r["at"]) for r in rows if r["source"] != source]
        wins = not rivals or mine < min(rivals)
        if wins:
            return True, [r["id"] for r in rows if r["id"] != post_id]
        return False, [r["id"] for r in rows if r["source"] == source]

    def record_failure(self, source: str, kind: str, error: str, when: dt.datetime) -> None:
        with self.transaction() as db:
            db.execute(
                """INSERT INTO sources (name, kind, last_attempt, last_error) VALUES (?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET last_attempt=excluded.last_attempt,
                     last_error=excluded.last_error""",
                (source, kind, _iso(when), error),
            )
            self._bump(db)

    def replace_strikes(self, strikes: list[Strike], when: dt.datetime,
                        removed: Mapping[str, dt.date] | None = None) -> None:
        """The strikes file is the editor's list: it replaces the stored list as a whole."""
        with self.transaction() as db:
            db.execute("DELETE FROM strikes")
            db.executemany("INSERT INTO strikes VALUES (?, ?, ?)",
                           [(s.slug, i, _strike_json(s)) for i, s in enumerate(strikes)])
            db.execute("DELETE FROM removed")
            db.executemany("INSERT INTO removed VALUES (?, ?)",
                           [(slug, day.isoformat()) for slug, day in (removed or {}).items()])
            db.execute(
                """INSERT INTO sources (name, kind, last_attempt, last_success, last_error)
                   VALUES ('strikes-file', 'strikes', ?, ?, NULL)
                   ON CONFLICT (name) DO UPDATE SET last_attempt=excluded.last_attempt,
                     last_success=excluded.last_success, last_error=NULL""",
                (_iso(when), _iso(when)),
            )
            self._bump(db)

    def record_unchanged(self, source: str, kind: str, when: dt.datetime) -> None:
        """A source that answered "not modified": checked OK, its posts left as they are."""
        with self.transaction() as db:
            db.execute(
                """INSERT INTO sources (name, kind, last_attempt, last_success, last_error)
                   VALUES (?, ?, ?, ?, NULL)
                   ON CONFLICT (name) DO UPDATE SET last_attempt=excluded.last_attempt,
                     last_success=excluded.last_success, last_error=NULL""",
                (source, kind, _iso(when), _iso(when)),
            )
            self._bump(db)

    def save_validators(self, url: str, config: str, etag: str | None,
                        last_modified: str | None) -> None:
        """What `url` answered with, to send back next time; none forgets what was kept.

        Called only after the read they came with was saved: a crash in between costs
        one whole read, never a 304 for posts that were not stored."""
        with self.transaction() as db:
            if etag is None and last_modified is None:
                db.execute("DELETE FROM validators WHERE url = ?", (url,))
            else:
                db.execute("INSERT OR REPLACE INTO validators VALUES (?, ?, ?, ?)",
                           (url, etag, last_modified, config))

    def validators(self, url: str, config: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) kept for `url` under the same source config, else Nones."""
        if self._schema < 6:
            return None, None
        with self._lock, self._errors():
            row = self._db.execute(
                "SELECT etag, last_modified FROM validators WHERE url = ? AND config = ?",
                (url, config)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    # What a source's last read left for the next one to compare with (a WordPress
    # site's newest posts, widget/sources/wordpress.py), in the meta table: never shown.

    def sync_record(self, source: str) -> dict[str, str]:
        """The record kept for `source`; {} when there is none (read it whole)."""
        with self._lock, self._errors():
            row = self._db.execute("SELECT value FROM meta WHERE key = ?",
                                   (f"sync-record:{source}",)).fetchone()
        return _extra_from(row[0]) if row else {}

    def save_sync_record(self, source: str, record: Mapping[str, str] | None) -> None:
        """Keep `record` for `source`; None forgets it. Like save_validators, called only
        after the read it came with was saved; no generation: visitors see nothing of it."""
        with self.transaction() as db:
            if record is None:
                db.execute("DELETE FROM meta WHERE key = ?", (f"sync-record:{source}",))
            else:
                db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           (f"sync-record:{source}", _extra(record)))

    # --- reads ------------------------------------------------------------------------

    def generation(self) -> int:
        with self._lock, self._errors():
            row = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0])

    def strike_count(self) -> int:
        with self._lock, self._errors():
            return int(self._db.execute("SELECT COUNT(*) FROM strikes").fetchone()[0])

    def removed(self) -> dict[str, dt.date]:
        with self._lock, self._errors():
            rows = self._db.execute("SELECT slug, removed_on FROM removed ORDER BY slug")
            return {slug: dt.date.fromisoformat(day) for slug, day in rows}

    def _media_for(self, rows: list[sqlite3.Row]) -> dict[str, str]:
        urls = set()
        for row in rows:
            if row["image"]:
                image = orjson.loads(row["image"])
                urls.add(image.get("thumbnail") or image["url"])
        found: dict[str, str] = {}
        ordered = sorted(urls)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(
                f"SELECT url, name FROM media WHERE url IN ({marks})", chunk).fetchall())
        return found

    def media_urls(self) -> dict[str, str]:
        """Upstream image URL -> the name it is served under (/media/NAME)."""
        with self._lock, self._errors():
            return dict(self._db.execute("SELECT url, name FROM media").fetchall())

    def media(self, name: str) -> tuple[str, bytes] | None:
        with self._lock, self._errors():
            row = self._db.execute("SELECT content_type, data FROM media WHERE name = ? LIMIT 1",
                                   (name,)).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def read_all(self) -> tuple[int, list[Post], list[Strike], list[SourceStatus]]:
        """Everything, read inside one transaction so the parts agree with each other."""
        reading = self.read_since(None)
        return reading.generation, [p for p, _ in reading.posts], reading.strikes, \
            reading.sources

    def read_since(self, generation: int | None, *, whole: bool = True) -> Reading:
        """Posts changed after `generation` (all when None), and everything else whole,
        read inside one transaction so the parts agree with each other.

        `whole=False` leaves out what only a rendering needs (title, excerpt, content,
        image: "" or None): the snapshot, PERF, which reads those for the few posts a
        rendering shows, with `whole_posts`."""
        with self._lock, self._errors():
            return self._read_since(generation, whole)

    def whole_posts(self, ids: Sequence[str]) -> dict[str, Post]:
        """{id: post} of the posts stored under `ids` and not hidden; a post not stored
        (any more) is not in it."""
        found: dict[str, Post] = {}
        shown = " AND url_key NOT IN (SELECT url_key FROM hidden)" if self._schema >= 5 else ""
        with self._lock, self._errors():
            for start in range(0, len(ids), 500):
                chunk = list(ids[start:start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT * FROM posts WHERE id IN ({marks}){shown}", chunk).fetchall()
                media = self._media_for(rows)
                found.update((row["id"], _post_from(row, media=media)) for row in rows)
        return found

    def _read_since(self, since: int | None, whole: bool = True) -> Reading:
        columns = "*" if whole else ", ".join(
            [f'"{c}"' for (_, c, *_) in self._db.execute("PRAGMA table_info(posts)")
             if c not in _RENDERED] + [f"'' AS {c}" for c in _RENDERED])
        takedowns = self._schema >= 5  # a copy written before takedowns has none
        shared = _Shared()

        def read(row: sqlite3.Row, media: dict[str, str]) -> tuple[Post, str]:
            post = _post_from(row, shared, media, whole)
            # A row stored before digests were kept has none: it is read whole for one.
            digest = row["digest"] or post_digest(post if whole else _post_from(
                self._db.execute("SELECT * FROM posts WHERE id = ?", (post.id,)).fetchone()))
            return post, _seen(row, digest, media)

        self._db.execute("BEGIN")
        try:
            generation = self.generation()
            hidden = ({r[0] for r in self._db.execute("SELECT url_key FROM hidden")}
                      if takedowns else set())
            gone: list[str] = []
            if since is None:
                # PERF: each row becomes a post as it comes, never all rows at once (at
                # 100,000 posts, they would raise the worker's memory for good).
                media = self.media_urls()
                posts = [read(r, media) for r in self._db.execute(
                    f"SELECT {columns} FROM posts ORDER BY published DESC, id DESC")
                    if not hidden or r["url_key"] not in hidden]
            else:
                # NOTE: no ORDER BY here, or SQLite walks the date index over every row.
                rows = self._db.execute(f"SELECT {columns} FROM posts WHERE rev > ?",
                                        (since,)).fetchall()
                if takedowns:
                    gone = [r[0] for r in self._db.execute(
                        "SELECT id FROM gone WHERE rev > ?", (since,))]
                    gone += [r[0] for r in self._db.execute(  # hidden first: see counts
                        """SELECT p.id FROM hidden h CROSS JOIN posts p
                           ON p.url_key = h.url_key WHERE h.rev > ?""", (since,))]
                if hidden:
                    # A changed post now under a hidden URL goes too (its URL was edited).
                    gone += [r["id"] for r in rows if r["url_key"] in hidden]
                    rows = [r for r in rows if r["url_key"] not in hidden]
                media = self._media_for(rows)
                posts = [read(r, media) for r in rows]
            strikes = [_strike_from(r[0]) for r in self._db.execute(
                "SELECT data FROM strikes ORDER BY position")]
            # PERF: every post counted on the source index alone, less the few hidden
            # ones (a join of every post with the hidden ones reads every row: 180 ms
            # at 100,000 posts, at every reload).
            counts = dict(self._db.execute(
                "SELECT source, COUNT(*) FROM posts GROUP BY source").fetchall())
            if takedowns:
                for name, hidden_posts in self._db.execute(
                        # NOTE: CROSS JOIN keeps the few hidden rows as the outer loop.
                        """SELECT p.source, COUNT(*) FROM hidden h CROSS JOIN posts p
                           ON p.url_key = h.url_key GROUP BY p.source"""):
                    counts[name] -= hidden_posts
            sources = [
                SourceStatus(r["name"], r["kind"], _when(r["last_attempt"]),
                             _when(r["last_success"]), r["last_error"], counts.get(r["name"], 0),
                             _extra_from(r["extra"]) if takedowns else {})
                for r in self._db.execute("SELECT * FROM sources ORDER BY name")
            ]
            removed = self.removed()
        finally:
            self._db.execute("COMMIT")
        return Reading(generation, posts, strikes, sources, removed, list(dict.fromkeys(gone)))

    # --- the editor's hidden posts ----------------------------------------------------

    def find_post(self, target: str) -> tuple[str, str, str]:
        """(canonical URL key, URL, id or "") of a post named by its URL or its id.

        A URL need not be stored (a post can be hidden before it is synced); an id must."""
        with self._lock, self._errors():
            if _is_url(target):
                key = url_key(target)
                row = self._db.execute("SELECT id, url FROM posts WHERE url_key = ?",
                                       (key,)).fetchone()
                return key, row["url"] if row else target.strip(), row["id"] if row else ""
            row = self._db.execute("SELECT id, url, url_key FROM posts WHERE id = ?",
                                   (target,)).fetchone()
        if row is None:
            raise NoSuchPost(f"no post has the id {target!r} (ids are in /api/v1/posts; "
                             "or give the post's URL)")
        return row["url_key"], row["url"], row["id"]

    def hide_post(self, target: str, reason: str, when: dt.datetime) -> HiddenPost | None:
        """Hide a post by URL or id; None when it was hidden already (nothing changes)."""
        key, url, _ = self.find_post(target)
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM hidden WHERE url_key = ?", (key,)).fetchone():
                return None
            db.execute("INSERT INTO hidden VALUES (?, ?, ?, ?, ?)",
                       (key, url, reason, _iso(when), self._generation(db) + 1))
            self._bump(db)
        return next(h for h in self.hidden_posts() if url_key(h.url) == key)

    def unhide_post(self, target: str) -> HiddenPost:
        """Show a hidden post again (at the next reload); NoSuchPost when it is not hidden."""
        key = url_key(target) if _is_url(target) else self.find_post(target)[0]
        before = next((h for h in self.hidden_posts() if url_key(h.url) == key), None)
        if before is None:
            raise NoSuchPost(f"{target} is not hidden (see `post list-hidden`)")
        with self.transaction() as db:
            db.execute("DELETE FROM hidden WHERE url_key = ?", (key,))
            # Its rows count as changed, so that incremental reloads read them again.
            db.execute("UPDATE posts SET rev = ? WHERE url_key = ?",
                       (self._generation(db) + 1, key))
            self._bump(db)
        return before

    def hidden_posts(self) -> list[HiddenPost]:
        if self._schema < 5:
            return []
        with self._lock, self._errors():
            rows = self._db.execute(
                """SELECT h.url, h.reason, h.hidden_at, coalesce(p.title, '') AS title,
                          coalesce(p.id, '') AS id
                   FROM hidden h LEFT JOIN posts p ON p.url_key = h.url_key
                   ORDER BY h.hidden_at DESC, h.url""").fetchall()
        return [HiddenPost(r["url"], r["reason"], dt.datetime.fromisoformat(r["hidden_at"]),
                           r["title"], r["id"]) for r in rows]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

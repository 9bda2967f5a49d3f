"""When the service's own files break, it keeps serving the last good data.

- **Config**: `serve` and the gunicorn master remember the last configuration that
  loaded cleanly (in the environment every worker inherits). A worker that starts
  while the file has a mistake (a HUP, a timeout, an OOM kill, a recycle) serves
  with that configuration instead of failing to boot and taking the master down.
- **Database**: every sync publishes a consistent copy beside the store
  (`<database>.last-good`) and workers read only that copy (StoreFiles below); a
  copy that cannot be read falls back to the database read only, then to an empty
  store rather than no service. A database deleted, replaced (`mv`) or damaged while
  serving changes nothing served and is reported at the next reload check.

Each problem is kept in `Health` for `/healthz` (503, in words without file
names or upstream text) and written once to the error log with the detail.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import get_type_hints

import orjson

from widget.config import Config, ConfigError, SourceConfig, load_config
from widget.store import Store, StoreError, file_identity, last_good_path

CONFIG_ENV = "WIDGET_LAST_GOOD_CONFIG"
# A sync writes its copy right after the database; this much later, it could not.
COPY_GRACE_SECONDS = 120


@dataclass(frozen=True, slots=True)
class Trouble:
    public: str  # for /healthz: what is wrong and what is served instead, no paths
    detail: str  # for the operator's log: the file and the reason


class Health:
    """What is wrong with the service's own files right now, by part ("config", ...)."""

    def __init__(self) -> None:
        self._troubles: dict[str, Trouble] = {}
        self._lock = threading.Lock()
        self.changes = 0  # counts every change of the troubles (widget.http.hits)

    def report(self, part: str, trouble: Trouble | None) -> None:
        with self._lock:
            before = self._troubles.get(part)
            if trouble is None:
                self._troubles.pop(part, None)
            else:
                self._troubles[part] = trouble
            if trouble != before:
                self.changes += 1
        if trouble is not None and trouble != before:
            print(f"solidarity-widget: {part}: {trouble.detail}", file=sys.stderr, flush=True)
        elif trouble is None and before is not None:
            print(f"solidarity-widget: {part}: fine again", file=sys.stderr, flush=True)

    def troubles(self) -> dict[str, Trouble]:
        with self._lock:
            return dict(self._troubles)


def dump_config(config: Config) -> str:
    return orjson.dumps(asdict(config), default=str).decode()


def undump_config(text: str) -> Config:
    raw = orjson.loads(text)
    known = {f.name for f in fields(Config)}
    raw = {k: v for k, v in raw.items() if k in known}  # a dump from an older version
    for name, hint in get_type_hints(Config).items():  # JSON wrote every path as a string
        if hint is Path and name in raw:
            raw[name] = Path(raw[name])
    raw["sources"] = tuple(SourceConfig(**s) for s in raw["sources"])
    raw["country_names"] = tuple((lang, tuple((code, name) for code, name in names))
                                 for lang, names in raw.get("country_names", ()))
    return Config(**raw)


def load_or_last_good(health: Health, environ: Mapping[str, str] | None = None) -> Config:
    """The config file's settings, or the last good ones when the file has a mistake."""
    environ = os.environ if environ is None else environ
    try:
        return load_config(environ=environ)
    except ConfigError as exc:
        try:
            kept = undump_config(environ[CONFIG_ENV])
        except Exception:  # noqa: BLE001 - none kept, or unusable: the file's own problems
            raise exc from None
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        health.report("config", Trouble(
            "the configuration file has errors; serving with the last good configuration",
            f"{exc.problems[0]}{more}; serving with the last good configuration"))
        return kept


_SQLITE_HEADER = b"SQLite format 3\x00"


class StoreFiles:
    """Which file the serving workers read, and what is wrong with the others.

    Workers read the copy each sync leaves beside the database (`<database>.last-good`),
    never the database itself: the copy is only ever replaced whole (a rename), so a
    worker opens each new one read only and immutable, with no -wal or -shm file
    shared with the sync. A database deleted, replaced with `mv` or damaged while
    serving therefore changes nothing that is served; it is reported, and the next
    sync publishes what the database holds then. (Sharing the database's WAL with a
    file swapped under it would show, and later write, the old file's pages.)
    """

    def __init__(self, database: Path, health: Health):
        self.database = database
        self.copy = last_good_path(database)
        self._health = health

    def open(self) -> Store:
        """The copy; failing that the database, read only; else an empty store."""
        self._check_database()
        problems = []
        for path in (self.copy, self.database):
            try:
                store = Store(path, immutable=path == self.copy, readonly=True)
            except StoreError as exc:
                problems.append(str(exc))
                continue
            if path == self.copy:
                self._health.report("copy", None)
            elif self.copy.exists():
                self._health.report("copy", Trouble(
                    "the copy of the data cannot be read; serving the database itself",
                    f"{problems[0]}; serving {self.database} read only"))
            return store
        return self.empty("; ".join(problems))

    def empty(self, problem: str) -> Store:
        self._health.report("copy", Trouble(
            "there is no readable copy of the data; serving nothing until a sync makes one",
            f"{problem}: serving an empty store until a sync writes {self.copy}"))
        return Store(Path(":memory:"))

    def newer(self, current: Store) -> Store | None:
        """A store to switch to, when a sync has published a new copy since `current`."""
        self._check_database()
        identity = file_identity(self.copy)
        if identity is None or identity == current.identity:
            return None
        try:
            store = Store(self.copy, immutable=True)
        except StoreError as exc:
            if current.identity is not None:  # still serving a good store: say so
                self._health.report("copy", Trouble(
                    "the newest copy of the data cannot be read; serving the one before",
                    str(exc)))
            return None
        self._health.report("copy", None)
        return store

    def _check_database(self) -> None:
        """Report a database that is gone or damaged: the next sync could not use it."""
        try:
            with self.database.open("rb") as handle:
                header = handle.read(len(_SQLITE_HEADER))
        except FileNotFoundError:
            trouble: Trouble | None = Trouble(
                "the database file is missing; serving the last good copy",
                f"{self.database}: missing; serving {self.copy} (the next sync starts "
                f"again from it)")
        except OSError as exc:
            trouble = Trouble("the database file cannot be read; serving the last good copy",
                              f"{self.database}: {exc.strerror}; serving {self.copy}")
        else:
            trouble = None if header == _SQLITE_HEADER else Trouble(
                "the database file is damaged; serving the last good copy",
                f"{self.database}: not a SQLite database; serving {self.copy}; restore the "
                f"database from a backup or from that copy")
        if trouble is not None and not self.copy.exists() and not self.database.exists():
            trouble = None  # a new installation before its first sync: nothing is wrong
        if trouble is None and self._behind():
            trouble = Trouble(
                "the last sync could not publish its copy; serving older data",
                f"{self.copy} is older than {self.database} by more than "
                f"{COPY_GRACE_SECONDS} s: the last sync could not write it (disk full?)")
        self._health.report("database", trouble)

    def _behind(self) -> bool:
        """The database was written well after its copy: a sync failed to publish.

        An empty -wal is not a write: a reader of the database in WAL mode (`build`, or
        a worker falling back to it) creates one, newly dated, and writes nothing."""
        def mtime(path: Path, *, empty_too: bool = True) -> float:
            try:
                found = path.stat()
            except OSError:
                return 0.0
            return found.st_mtime if empty_too or found.st_size else 0.0

        copied = mtime(self.copy)
        written = max(mtime(self.database), mtime(self.database.with_name(
            self.database.name + "-wal"), empty_too=False))
        return bool(copied) and written - copied > COPY_GRACE_SECONDS

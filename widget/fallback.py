"""When the service's own files break, it keeps serving the last good data.

- **Config**: `serve` and the gunicorn master remember the last configuration that
  loaded cleanly (in the environment every worker inherits). A worker that starts
  while the file has a mistake (a HUP, a timeout, an OOM kill, a recycle) serves
  with that configuration instead of failing to boot and taking the master down.
- **Database**: every sync leaves a consistent copy beside the store
  (`<database>.last-good`). A worker that cannot open the database serves that copy
  (read only), or, with neither, an empty store rather than nothing; it keeps
  trying the real file. A database deleted, replaced (`mv`) or corrupted while
  serving is noticed at the next reload check (snapshot.py).

Each problem is kept in `Health` for `/healthz` (503, in words without file
names or upstream text) and written once to the error log with the detail.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping, MutableMapping
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from widget.config import Config, ConfigError, SourceConfig, load_config
from widget.store import Store, StoreError, last_good_path

CONFIG_ENV = "WIDGET_LAST_GOOD_CONFIG"


@dataclass(frozen=True, slots=True)
class Trouble:
    public: str  # for /healthz: what is wrong and what is served instead, no paths
    detail: str  # for the operator's log: the file and the reason


class Health:
    """What is wrong with the service's own files right now, by part ("config", ...)."""

    def __init__(self) -> None:
        self._troubles: dict[str, Trouble] = {}
        self._lock = threading.Lock()

    def report(self, part: str, trouble: Trouble | None) -> None:
        with self._lock:
            before = self._troubles.get(part)
            if trouble is None:
                self._troubles.pop(part, None)
            else:
                self._troubles[part] = trouble
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
    for name in ("database", "strikes_file", "root"):
        raw[name] = Path(raw[name])
    raw["sources"] = tuple(SourceConfig(**s) for s in raw["sources"])
    return Config(**raw)


def remember_config(environ: MutableMapping[str, str] | None = None) -> None:
    """In the gunicorn master (start and every HUP): keep the config if it loads cleanly."""
    environ = os.environ if environ is None else environ
    try:
        environ[CONFIG_ENV] = dump_config(load_config(environ=environ))
    except ConfigError as exc:
        print(f"solidarity-widget: config: {exc.problems[0]} (workers keep the last good "
              f"configuration)", file=sys.stderr, flush=True)


def load_or_last_good(health: Health, environ: Mapping[str, str] | None = None) -> Config:
    """The config file's settings, or the last good ones when the file has a mistake."""
    environ = os.environ if environ is None else environ
    try:
        return load_config(environ=environ)
    except ConfigError as exc:
        kept = environ.get(CONFIG_ENV)
        if not kept:
            raise
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        health.report("config", Trouble(
            "the configuration file has errors; serving with the last good configuration",
            f"{exc.problems[0]}{more}; serving with the last good configuration"))
        return undump_config(kept)


def open_store(database: Path, health: Health) -> Store:
    """The store, or the last good copy, or an empty store: never a worker that won't boot."""
    copy = last_good_path(database)
    if database.exists() or not copy.exists():
        try:
            return Store(database)
        except StoreError as exc:
            problem = str(exc)
    else:
        # Opening a missing database would create an empty one: a restart after an `rm`
        # would then show nothing. Serve the copy until a sync makes the file again.
        problem = f"{database}: missing"
    try:
        store = Store(copy, readonly=True)
    except StoreError:
        health.report("database", Trouble(
            "the database cannot be opened and there is no copy of it; serving nothing",
            f"{problem}; no usable copy at {copy}: serving an empty store"))
        return Store(Path(":memory:"))
    health.report("database", Trouble(
        "the database cannot be opened; serving the copy made by the last good sync",
        f"{problem}; serving the copy {copy}"))
    return store

"""Configuration: one TOML file, overridden from the environment in one place.

Every setting is declared once, as data, in SETTINGS: its name, default, type
and help. The same table validates the file, reads ``WIDGET_<NAME>`` from the
environment, feeds ``solidarity-widget check`` and is rendered into the docs
(a test fails when docs/configuration.md misses one).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SOURCE_TYPES = ("wordpress", "feed")


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    type: type
    help: str
    low: int | None = None
    high: int | None = None

    @property
    def env(self) -> str:
        return "WIDGET_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("site_name", "Solidarity Widget", str, "Organisation name shown in widgets and feeds."),
    Setting("base_url", "http://127.0.0.1:8000", str,
            "Public URL of this service, used in links, the OpenAPI document and snippets."),
    Setting("site_url", "", str,
            "The organisation's own website, linked from the widgets' footer (empty: no link)."),
    Setting("content_lang", "en", str,
            "Language of the texts in the strikes file (place, demands), marked up for "
            "screen readers when the widget is shown in another language."),
    Setting("frame_ancestors", "*", str,
            "Who may frame the embed pages: '*' or a space-separated list of origins "
            "(CSP frame-ancestors)."),
    Setting("database", "var/widget.sqlite3", Path,
            "SQLite file (relative paths are relative to the config file)."),
    Setting("strikes_file", "strikes.toml", Path,
            "The hunger strikes file (TOML, one [strike.SLUG] table per strike)."),
    Setting("reload_interval", 3, int,
            "Seconds between checks whether the store changed; workers then reload.", 1, 300),
    Setting("max_age", 300, int,
            "Cache-Control max-age in seconds for browsers; capped at the next local midnight "
            "for anything that shows a day number.", 0, 86_400),
    Setting("s_maxage", 600, int,
            "Cache-Control s-maxage in seconds for shared caches (CDN, nginx); capped likewise.",
            0, 86_400),
    Setting("stale_while_revalidate", 60, int,
            "Seconds a cache may serve a stale copy while it revalidates.", 0, 86_400),
    Setting("stale_if_error", 86_400, int,
            "Seconds a cache may serve a stale copy while this service is down.", 0, 604_800),
    Setting("fetch_timeout", 20, int, "Seconds before a source fetch is abandoned.", 1, 300),
    Setting("fetch_max_bytes", 10_000_000, int,
            "Largest response accepted from a source, in bytes.", 1_000, 200_000_000),
    Setting("wordpress_max_pages", 5, int,
            "Pages of 100 posts read from a WordPress site on each sync.", 1, 100),
    Setting("stale_after", 21_600, int,
            "Seconds after the last successful sync at which /healthz reports 'stale'.",
            60, 2_592_000),
)
_BY_NAME = {s.name: s for s in SETTINGS}
_PATHS = frozenset(s.name for s in SETTINGS if s.type is Path)


class ConfigError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    type: str
    url: str
    lang: str | None = None


@dataclass(frozen=True)
class Config:
    site_name: str = "Solidarity Widget"
    base_url: str = "http://127.0.0.1:8000"
    site_url: str = ""
    content_lang: str = "en"
    frame_ancestors: str = "*"
    database: Path = Path("var/widget.sqlite3")
    strikes_file: Path = Path("strikes.toml")
    reload_interval: int = 3
    max_age: int = 300
    s_maxage: int = 600
    stale_while_revalidate: int = 60
    stale_if_error: int = 86_400
    fetch_timeout: int = 20
    fetch_max_bytes: int = 10_000_000
    wordpress_max_pages: int = 5
    stale_after: int = 21_600
    sources: tuple[SourceConfig, ...] = field(default=())
    root: Path = Path(".")

    def with_(self, **changes: Any) -> Config:
        return replace(self, **changes)


def _coerce(setting: Setting, value: Any, where: str) -> tuple[Any, str | None]:
    if setting.type is int:
        if isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                return None, f"{where}: {setting.name}: {value!r} is not a whole number"
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"{where}: {setting.name}: must be a whole number, not {value!r}"
        if setting.low is not None and setting.high is not None and not (
            setting.low <= value <= setting.high
        ):
            return None, (f"{where}: {setting.name}: {value} is outside "
                          f"{setting.low}…{setting.high}")
        return value, None
    if not isinstance(value, str) or (not value and setting.default):
        return None, f"{where}: {setting.name}: must be a non-empty string"
    return (Path(value) if setting.type is Path else value), None


def _sources(raw: Any, where: str, problems: list[str]) -> tuple[SourceConfig, ...]:
    if not isinstance(raw, list):
        problems.append(f"{where}: sources: must be a list of [[sources]] tables")
        return ()
    out: list[SourceConfig] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        at = f"{where}: sources[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{at}: must be a table")
            continue
        unknown = set(item) - {"name", "type", "url", "lang"}
        if unknown:
            problems.append(f"{at}: unknown keys: {', '.join(sorted(unknown))}")
        name, kind, url = item.get("name"), item.get("type"), item.get("url")
        if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
            problems.append(f"{at}: name: must be letters, digits, '-' or '_', not {name!r}")
            continue
        if name in seen:
            problems.append(f"{at}: name: {name!r} is used twice")
        seen.add(name)
        if kind not in SOURCE_TYPES:
            problems.append(f"{at}: type: must be one of {', '.join(SOURCE_TYPES)}, not {kind!r}")
        scheme = urlsplit(url).scheme if isinstance(url, str) else None
        if scheme not in ("http", "https", "file"):
            problems.append(f"{at}: url: must be an http(s) URL or a file: path, not {url!r}")
        lang = item.get("lang")
        if lang is not None and not isinstance(lang, str):
            problems.append(f"{at}: lang: must be a language code like 'en'")
        out.append(SourceConfig(name, str(kind), str(url), lang))
    return tuple(out)


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError([f"{path}: cannot be read: {exc.strerror}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from exc


def _settings(raw: Mapping[str, Any], environ: Mapping[str, str], where: str,
              problems: list[str]) -> dict[str, Any]:
    """File values first, then WIDGET_<NAME> from the environment: the one override point."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "sources":
            continue
        if key not in _BY_NAME:
            problems.append(f"{where}: {key}: unknown setting (known: {', '.join(_BY_NAME)})")
            continue
        values[key], problem = _coerce(_BY_NAME[key], value, where)
        if problem:
            problems.append(problem)
    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name], problem = _coerce(setting, environ[setting.env], setting.env)
            if problem:
                problems.append(problem)
    for name in ("base_url", "site_url"):
        url = values.get(name)
        if isinstance(url, str) and url and urlsplit(url).scheme not in ("http", "https"):
            problems.append(f"{where}: {name}: must start with http:// or https://, not {url!r}")
    ancestors = values.get("frame_ancestors")
    if isinstance(ancestors, str) and ancestors != "*" and not all(
            urlsplit(o).scheme in ("http", "https") and urlsplit(o).netloc
            for o in ancestors.split()):
        problems.append(f"{where}: frame_ancestors: must be '*' or origins like "
                        f"https://ally.example separated by spaces, not {ancestors!r}")
    return values


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the config file (if any), then the environment; raise ConfigError listing problems."""
    environ = os.environ if environ is None else environ
    if path is None and environ.get("WIDGET_CONFIG"):
        path = Path(environ["WIDGET_CONFIG"])
    raw = _read(path) if path is not None else {}
    root = path.resolve().parent if path is not None else Path.cwd()
    where = str(path) if path is not None else "config"
    problems: list[str] = []
    values = _settings(raw, environ, where, problems)
    sources = _sources(raw.get("sources", []), where, problems)
    if problems:
        raise ConfigError(problems)
    for name in _PATHS:
        value = Path(values.get(name, _BY_NAME[name].default))
        values[name] = value if value.is_absolute() else root / value
    if isinstance(values.get("base_url"), str):
        values["base_url"] = values["base_url"].rstrip("/")
    return Config(**values, sources=sources, root=root)

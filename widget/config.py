"""Configuration: one TOML file, overridden from the environment in one place.

Every setting is declared once, as data, in SETTINGS: its name, default, type
and help. The same table validates the file, reads ``WIDGET_<NAME>`` from the
environment, feeds ``solidarity-widget check`` and is rendered into the docs
(a test fails when docs/configuration.md misses one).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from widget.days import DEFAULT_RULE, ConfirmationRule, timezone_problem
from widget.i18n import LANGUAGES

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
    Setting("timezone", "", str,
            "The organisation's IANA timezone (Europe/Berlin): every date of a post a reader "
            "sees is its date there. Empty: the timezone a WordPress source gives, else UTC."),
    Setting("confirm_every_days", DEFAULT_RULE.confirm_every_days, int,
            "Days after a strike's last confirmation at which its counter adds \"last "
            "confirmed on DATE\".", 1, 365),
    Setting("unverified_after_days", DEFAULT_RULE.unverified_after_days, int,
            "Days without confirmation after which a counter stops asserting today's count "
            "and shows the last confirmed day and its date (a strike may set its own).",
            2, 3650),
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
    Setting("fetch_timeout", 20, int,
            "Deadline in seconds of one whole fetch (connect, redirects and every read): "
            "a source that answers slower is abandoned.", 1, 300),
    Setting("fetch_max_bytes", 10_000_000, int,
            "Largest response accepted from a source, in bytes.", 1_000, 200_000_000),
    Setting("wordpress_max_pages", 5, int,
            "Pages of 100 posts read from a WordPress site when it is read whole.", 1, 100),
    Setting("wordpress_full_every", 3600, int,
            "Seconds between whole reads of a WordPress site (its pages, every public id, "
            "its timezone); the syncs between ask only for its newest 100 posts' dates and "
            "read what changed. 0: read it whole at every sync.", 0, 86_400),
    Setting("stale_after", 21_600, int,
            "Seconds after the last successful sync at which /healthz reports 'stale'.",
            60, 2_592_000),
)
_BY_NAME = {s.name: s for s in SETTINGS}
_PATHS = frozenset(s.name for s in SETTINGS if s.type is Path)


# Spaces (any Unicode space) and control characters: in a URL they are either a typo or
# an attempt to smuggle something into a header or a link; a space is written %20.
_NOT_IN_URLS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_NOT_IN_PATHS = re.compile(r"[\x00-\x1f\x7f]")
# frame_ancestors goes into a CSP header: what could end the directive or the header
# (";", ",", quotes) is refused along with spaces and control characters.
_NOT_IN_ORIGINS = re.compile(r"[;,'\"\\]")
_AT_LINE = re.compile(r" \(at line (\d+), column (\d+)\)$")


def url_problem(value: str, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    """Why `value` is not an absolute URL with one of `schemes`, in words; None if it is.

    Never raises: urlsplit() raises ValueError on an unclosed "[" (``http://[::1``) and
    on a host in brackets that is no IP address, and ``.port`` on a port that is not a
    number from 0 to 65535. A file: URL needs a path; any other URL a host name.
    """
    if _NOT_IN_URLS.search(value):
        return "contains a space or a control character (write a space as %20)"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as exc:
        if "[" in value and "]" not in value:
            return "has a '[' that is not closed (an IPv6 host is written http://[::1]:8000)"
        return f"is not a valid URL ({exc})"
    if parts.scheme not in schemes:
        return "must start with " + " or ".join(f"{s}://" if s != "file" else "file:"
                                                for s in schemes)
    if parts.scheme == "file":
        return None if parts.path or parts.netloc else "has no path (like file:posts.xml)"
    if not parts.hostname:
        return "has no host name"
    return None


def _origin_problem(origin: str) -> str | None:
    """A CSP source like https://ally.example, https://*.ally.example or :*, in words."""
    if _NOT_IN_ORIGINS.search(origin):
        return "contains a character that is not allowed in an origin"
    # CSP allows "*" as a port (any port); urlsplit's .port would refuse it.
    any_port = origin.endswith(":*")
    return url_problem(origin[:-2] if any_port else origin)


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


def _default(name: str) -> Any:
    """The default of the setting `name`, as Config holds it (a Path for a path)."""
    setting = _BY_NAME[name]
    return setting.type(setting.default)


@dataclass(frozen=True)
class Config:
    """Every setting of SETTINGS, by name and type, with its default from there.

    NOTE: the fields are written out (not made from SETTINGS) so that mypy knows each
    one's type; a test fails when a setting has no field or one of another type.
    """

    site_name: str = _default("site_name")
    base_url: str = _default("base_url")
    site_url: str = _default("site_url")
    content_lang: str = _default("content_lang")
    timezone: str = _default("timezone")
    confirm_every_days: int = _default("confirm_every_days")
    unverified_after_days: int = _default("unverified_after_days")
    frame_ancestors: str = _default("frame_ancestors")
    database: Path = _default("database")
    strikes_file: Path = _default("strikes_file")
    reload_interval: int = _default("reload_interval")
    max_age: int = _default("max_age")
    s_maxage: int = _default("s_maxage")
    stale_while_revalidate: int = _default("stale_while_revalidate")
    stale_if_error: int = _default("stale_if_error")
    fetch_timeout: int = _default("fetch_timeout")
    fetch_max_bytes: int = _default("fetch_max_bytes")
    wordpress_max_pages: int = _default("wordpress_max_pages")
    wordpress_full_every: int = _default("wordpress_full_every")
    stale_after: int = _default("stale_after")
    # Not settings: the [[sources]] tables, the [country_names.LANG] tables (the names
    # the organisation writes for countries in a language, where CLDR's differ:
    # ((lang, ((code, name), …)), …)), and the config file's folder.
    sources: tuple[SourceConfig, ...] = field(default=())
    country_names: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    root: Path = Path(".")


    @property
    def confirmation(self) -> ConfirmationRule:
        """confirm_every_days and unverified_after_days, as widget.days applies them."""
        return ConfirmationRule(self.confirm_every_days, self.unverified_after_days)

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
        reason = (url_problem(url, ("http", "https", "file")) if isinstance(url, str)
                  else "must be an http(s) URL or a file: path")
        if reason is not None:
            problems.append(f"{at}: url: {reason}, not {url!r}")
        lang = item.get("lang")
        if lang is not None and not isinstance(lang, str):
            problems.append(f"{at}: lang: must be a language code like 'en'")
        out.append(SourceConfig(name, str(kind), str(url), lang))
    return tuple(out)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot be read: {exc.strerror}"]) from exc
    except ValueError as exc:  # a NUL in the path, from WIDGET_CONFIG
        raise ConfigError([f"{str(path)!r}: cannot be read: {exc}"]) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError([f"{path}: line {line}: is not UTF-8 text (byte {exc.start} is "
                           f"0x{data[exc.start]:02x}); save the file as UTF-8"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib counts lines as TOML does (at "\n" only) and says where in its message:
        # "Invalid value (at line 3, column 11)"; the line goes first, as for other problems.
        message = str(exc)
        if m := _AT_LINE.search(message):
            message = f"line {m[1]}, column {m[2]}: not valid TOML: {message[:m.start()]}"
        else:
            message = f"not valid TOML: {message}"
        raise ConfigError([f"{path}: {message}"]) from None


def _settings(raw: Mapping[str, Any], environ: Mapping[str, str], where: str,
              problems: list[str]) -> dict[str, Any]:
    """File values first, then WIDGET_<NAME> from the environment: the one override point."""
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}  # where each value came from, for the problems
    for key, value in raw.items():
        if key in ("sources", "country_names"):
            continue
        if key not in _BY_NAME:
            problems.append(f"{where}: {key}: unknown setting (known: {', '.join(_BY_NAME)})")
            continue
        values[key], problem = _coerce(_BY_NAME[key], value, where)
        origin[key] = where
        if problem:
            problems.append(problem)
    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name], problem = _coerce(setting, environ[setting.env], setting.env)
            origin[setting.name] = setting.env
            if problem:
                problems.append(problem)
    _check(values, origin, problems)
    return values


def _check(values: Mapping[str, Any], origin: Mapping[str, str], problems: list[str]) -> None:
    """What a value's type does not say: URLs and paths that cannot be used."""
    for name in ("base_url", "site_url"):
        url = values.get(name)
        if isinstance(url, str) and url and (reason := url_problem(url)):
            problems.append(f"{origin[name]}: {name}: {reason}, not {url!r}")
    for name in _PATHS:
        value = values.get(name)
        if isinstance(value, Path) and _NOT_IN_PATHS.search(str(value)):
            problems.append(f"{origin[name]}: {name}: contains a control character, "
                            f"not {str(value)!r}")
    zone = values.get("timezone")
    if isinstance(zone, str) and zone and (reason := timezone_problem(zone)):
        problems.append(f"{origin['timezone']}: timezone: {reason}")
    confirm, unverified = values.get("confirm_every_days"), values.get("unverified_after_days")
    if isinstance(confirm, int) and isinstance(unverified, int) and unverified <= confirm:
        problems.append(f"{origin.get('unverified_after_days', origin.get('confirm_every_days'))}"
                        f": unverified_after_days ({unverified}) must be more than "
                        f"confirm_every_days ({confirm})")
    ancestors = values.get("frame_ancestors")
    if isinstance(ancestors, str) and ancestors != "*":
        # NOTE: split at plain spaces only: the setting goes into the CSP header as it is
        # written, so a tab or a line break must stay inside an origin, to be refused.
        origins = [o for o in ancestors.split(" ") if o]
        reason = None if origins else "no origin is given"
        for o in origins:
            if reason is None and (why := _origin_problem(o)):
                reason = f"{o!r} {why}"
        if reason is not None:
            problems.append(f"{origin['frame_ancestors']}: frame_ancestors: must be '*' or "
                            f"origins like https://ally.example separated by spaces; "
                            f"{reason}")


_COUNTRY = re.compile(r"[A-Z]{2}")


def _country_names(raw: Any, where: str, problems: list[str]
                   ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """[country_names.ku] TR = "Tirkiye": checked as a whole, each problem named."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: country_names: must be tables like [country_names.ku]")
        return ()
    found = []
    for lang, names in raw.items():
        at = f"{where}: country_names.{lang}"
        if lang not in LANGUAGES:
            problems.append(f"{at}: not an interface language (" + ", ".join(LANGUAGES) + ")")
            continue
        if not isinstance(names, dict):
            problems.append(f"{at}: must be a table of COUNTRY = \"name\"")
            continue
        good = []
        for code, name in names.items():
            if not _COUNTRY.fullmatch(code):
                problems.append(f"{at}.{code}: not an ISO 3166-1 alpha-2 code (TR, PS, …)")
            elif not isinstance(name, str) or not name.strip() or len(name) > 80:
                problems.append(f"{at}.{code}: must be a name of 1 to 80 characters")
            else:
                good.append((code, name.strip()))
        found.append((lang, tuple(good)))
    return tuple(found)


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
    countries = _country_names(raw.get("country_names", {}), where, problems)
    if problems:
        raise ConfigError(problems)
    for name in _PATHS:
        value = Path(values.get(name, _BY_NAME[name].default))
        values[name] = value if value.is_absolute() else root / value
    if isinstance(values.get("base_url"), str):
        values["base_url"] = values["base_url"].rstrip("/")
    return Config(**values, sources=sources, country_names=countries, root=root)

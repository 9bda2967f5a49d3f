"""Embed options, parsed from query parameters into one immutable value.

Every option a webmaster can set is declared once in OPTIONS (name, values,
help); the same table validates requests, feeds the builder and the docs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from widget.i18n import DEFAULT_LANGUAGE, LANGUAGES
from widget.model import STATUS_FILTERS
from widget.values import whole_number

LIMIT = (1, 20)  # how many items a list widget may show
# The accent as typed: 3 or 6 hex digits, with or without "#" (also the builder's pattern).
ACCENT_PATTERN = "#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})"
_HEX = re.compile(f"^{ACCENT_PATTERN}$")


class OptionError(ValueError):
    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    choices: tuple[str, ...] | None  # None: free-form, checked by a parser below
    default: str
    help: str
    widgets: tuple[str, ...] = ("news", "strikes", "strike")


OPTIONS: tuple[Option, ...] = (
    Option("theme", ("auto", "light", "dark"), "auto",
           "Colours: auto follows the reader's system setting."),
    Option("accent", None, "",
           "Accent colour as hex (c0392b or #c0392b); adjusted if needed so text stays "
           "readable (WCAG AA)."),
    Option("lang", tuple(LANGUAGES), DEFAULT_LANGUAGE,
           "Interface language. Post texts stay in their own language."),
    Option("layout", ("full", "compact"), "full",
           "compact fits a 200 px sidebar: no excerpts, smaller type."),
    Option("background", ("default", "transparent"), "default",
           "transparent lets the host page's background show through."),
    Option("header", ("on", "off"), "on", "Show the widget's heading."),
    Option("actions", ("off", "on"), "off",
           "Show the strike's ways to act (petition, letter, …) and a share button.",
           ("strikes", "strike")),
    Option("limit", None, "5", "How many items ({}–{}).".format(*LIMIT), ("news", "strikes")),
    Option("images", ("on", "off"), "on", "Show post thumbnails (full layout only).",
           ("news",)),
    Option("category", None, "", "Only posts in this category (slug).", ("news",)),
    Option("status", STATUS_FILTERS, "active",
           "Which strikes: active (announced or ongoing), ended, or all.", ("strikes",)),
    Option("country", None, "", "Only strikes in this country (ISO code, e.g. FR).",
           ("strikes",)),
)


def normalise_accent(value: str) -> str:
    """'#C0392B', 'c0392b' or 'c39' -> 'c0392b'; raises OptionError otherwise."""
    m = _HEX.match(value.strip())
    if not m:
        raise OptionError("accent", "must be a hex colour like c0392b or #c0392b")
    digits = m.group(1).lower()
    return "".join(c * 2 for c in digits) if len(digits) == 3 else digits


def _default(name: str) -> Any:
    """The default of the option `name`, as EmbedOptions holds it (a number for limit)."""
    default = next(o.default for o in OPTIONS if o.name == name)
    return int(default) if name == "limit" else default


@dataclass(frozen=True, slots=True)
class EmbedOptions:
    """Every option's value, defaults read from OPTIONS; frozen, so it is its own cache
    key. A field per option and no other (tests/test_embed.py)."""

    theme: str = _default("theme")
    accent: str = _default("accent")
    lang: str = _default("lang")
    layout: str = _default("layout")
    background: str = _default("background")
    header: str = _default("header")
    actions: str = _default("actions")
    images: str = _default("images")
    limit: int = _default("limit")
    category: str = _default("category")
    status: str = _default("status")
    country: str = _default("country")

    def query(self) -> str:
        """The canonical query string of the options that differ from their defaults."""
        pairs = [(o.name, str(getattr(self, o.name))) for o in OPTIONS
                 if str(getattr(self, o.name)) != o.default]
        return ("?" + urlencode(pairs)) if pairs else ""


def _value(option: Option, raw: str) -> str | int:
    name = option.name
    if option.choices is not None:
        if raw not in option.choices:
            raise OptionError(name, "must be one of: " + ", ".join(option.choices))
        return raw
    if name == "accent":
        return normalise_accent(raw)
    if name == "limit":
        limit = whole_number(raw, *LIMIT, digits=3)
        if limit is None:
            raise OptionError(name, "must be a whole number from {} to {}".format(*LIMIT))
        return limit
    if name == "country":
        if not re.fullmatch(r"[A-Za-z]{2}", raw):
            raise OptionError(name, "must be a two-letter country code like FR")
        return raw.upper()
    if not re.fullmatch(r"[a-z0-9-]{1,60}", raw):  # category
        raise OptionError(name, "must be a category slug like hunger-strike")
    return raw


def parse_options(widget: str, params: Mapping[str, str | list[str]],
                  ignore: tuple[str, ...] = ()) -> EmbedOptions:
    """Options for `widget` ("news", "strikes" or "strike"); raises OptionError naming one."""
    known = {o.name: o for o in OPTIONS if widget in o.widgets}
    values: dict[str, str | int] = {}
    for name, raw in params.items():
        if name in ignore:
            continue
        option = known.get(name)
        if option is None:
            raise OptionError(name, "is not an option of this widget (options: "
                              + ", ".join(known) + ")")
        if isinstance(raw, list):
            raise OptionError(name, "is given more than once")
        values[name] = _value(option, raw)
    return EmbedOptions(**values)  # type: ignore[arg-type]

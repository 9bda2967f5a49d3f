"""Interface languages: gettext catalogues (widget/locales/LANG/LC_MESSAGES/messages.po)
with CLDR plural rules, dates and numbers from Babel.

Catalogues are compiled in memory when first used, so the repository holds only
the .po text files and there is no build step.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    name: str  # the language's own name, for pickers
    direction: str  # "ltr" or "rtl"
    numbering: str  # CLDR numbering system used for numbers, also by the browser


@cache
def _language(code: str) -> Language:
    locale = Locale.parse(code)
    name = (locale.get_display_name(locale) or code)
    return Language(code, name[:1].upper() + name[1:], locale.text_direction,
                    locale.default_numbering_system or "latn")


LANGUAGES: dict[str, Language] = {
    code: _language(code) for code in ("en", "tr", "fr", "de", "es", "it", "ku", "ckb", "ar",
                                       "fa", "ru", "pt")
}
DEFAULT_LANGUAGE = "en"


def po_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


# NOTE: a process-wide memo (like the strikes file's country and zone lists): compiled
# catalogues are read-only data from the package's own files, the same for every app.
@cache
def translations(code: str) -> gettext.NullTranslations:
    """English is the source language; every other language has a catalogue."""
    path = po_path(code)
    if code == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


# The digits of the numbering systems CLDR gives the interface languages that do not
# write Latin digits (Babel formats with Latin digits whatever the numbering system).
_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}
_TO_DIGITS = {system: str.maketrans("0123456789", digits) for system, digits in _DIGITS.items()}


def digits(text: str, code: str) -> str:
    """`text` with the digits the readers of `code` write (Persian ۱۲۳, Sorani ١٢٣)."""
    table = _TO_DIGITS.get(_language(code).numbering)
    return text.translate(table) if table else text


def number(value: int, code: str) -> str:
    return digits(format_decimal(value, locale=formatting(code), numbering_system="default"),
                  code)


# Dates and numbers are written as the readers of each language write them: the English
# interface is British in its words ("organisation", "colour"), so in its dates too
# ("3 March 2025", not "March 3, 2025").
FORMATS = {"en": "en_GB"}


def formatting(code: str) -> str:
    """The CLDR locale whose date and number formats a language's interface uses."""
    return FORMATS.get(code, code)


# The first of a month as an ordinal, where CLDR writes a plain "1": "le 1er novembre",
# "il 1º marzo".
_FIRST = {"fr": "1er", "it": "1º"}


def first_of_month(text: str, value: dt.date, code: str) -> str:
    if code in _FIRST and value.day == 1:
        return re.sub(r"(?<!\d)1(?=[\s\u00a0\u202f–-])", _FIRST[code], text, count=1)
    return text


def territorial(code: str) -> str:
    """The language with its most likely territory, as Open Graph writes locales: fr_FR."""
    likely = str(get_global("likely_subtags").get(formatting(code), formatting(code)))
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else parts[0]


def long_date(value: dt.date, code: str) -> str:
    return digits(first_of_month(format_date(value, "long", locale=formatting(code)), value,
                                 code), code)


def medium_date(value: dt.date, code: str) -> str:
    return digits(first_of_month(format_date(value, "medium", locale=formatting(code)), value,
                                 code), code)


def country_name(country: str, code: str) -> str:
    return Locale.parse(code).territories.get(country, country)

"""Catalogues: complete, not fuzzy, placeholders kept, and the template current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT
from widget.i18n import DEFAULT_LANGUAGE, LANGUAGES, po_path, translations

POT = ROOT / "widget" / "locales" / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


def ids(path: Path) -> set[str | tuple[str, ...]]:
    with path.open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_the_template_is_current(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "--no-location", "--omit-header", "-o", str(fresh), "."],
                   cwd=ROOT, check=True, capture_output=True)
    assert ids(fresh) == ids(POT), (
        "run: pybabel extract -F babel.cfg --no-location --sort-output --omit-header "
        "--add-comments=TRANSLATORS: "
        "-o widget/locales/messages.pot . && pybabel update -i widget/locales/messages.pot "
        "-d widget/locales")


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_is_complete(code: str) -> None:
    with po_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code)
    assert catalog.num_plurals >= 1
    wanted = ids(POT)
    have = {m.id for m in catalog if m.id}
    assert wanted <= have, f"missing in {code}: {wanted - have}"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{code}: fuzzy: {message.id}"
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{code}: untranslated: {message.id}"
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        needed = set(PLACEHOLDER.findall(" ".join(source)))
        for n, form in enumerate(forms):
            found = set(PLACEHOLDER.findall(form))
            if isinstance(message.id, tuple) and n < len(forms) - 1:
                # A plural form for one number may say it in words (Arabic "يوم واحد",
                # "يومين"): only the count may be left out, never another value.
                assert needed - {"n", "count"} <= found <= needed, f"{code}: {message.id}"
            else:
                assert found == needed, f"{code}: {message.id} -> {form}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalogue_translates(code: str) -> None:
    t = translations(code)
    assert t.gettext("Latest news") != "Latest news"


def test_arabic_has_six_plural_forms() -> None:
    t = translations("ar")
    # CLDR: zero, one, two, few (3-10), many (11-99), other (100, 101, 102, …).
    assert len({t.plural(n) for n in (0, 1, 2, 3, 11, 100)}) == 6  # type: ignore[attr-defined]
    few = t.ngettext("Released after %(n)s day of hunger strike",
                     "Released after %(n)s days of hunger strike", 3)
    many = t.ngettext("Released after %(n)s day of hunger strike",
                      "Released after %(n)s days of hunger strike", 11)
    assert few != many

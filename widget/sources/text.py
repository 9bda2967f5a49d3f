"""Titles as readers should see them: plain text that keeps its no-break spaces.

`widget.sanitize.to_text` folds every run of white space into one space, U+00A0
included; but a no-break space in a title is the editor's: WordPress puts one
before a title's last word so that it never stands alone on a line ("for
hungerstriking\u00a0prisoners"). Titles keep them; excerpts fold them as before.
"""

from __future__ import annotations

import re

from widget.sanitize import to_text

# U+00A0 as a character or an entity (with or without its semicolon, as HTML reads it).
_NBSP = re.compile("\u00a0|&nbsp;?|&#0*160(?![0-9]);?|&#[xX]0*[aA]0(?![0-9a-fA-F]);?")
# A private-use character stands in for it through to_text: neither white space nor
# markup, so nothing on the way folds or drops it.
_KEEP = "\ue000"


def title_text(fragment: str) -> str:
    """Plain text of a title's HTML, its no-break spaces kept (not at either end)."""
    text = to_text(_NBSP.sub(_KEEP, fragment.replace(_KEEP, "")))
    return text.replace(_KEEP, "\u00a0").strip()

"""The demo speaks of real people: every strike in it names where its dates come from."""

from __future__ import annotations

import re

from tests.conftest import DEMO
from widget.strikes import parse_file

TEXT = (DEMO / "strikes.toml").read_text()
POSTS = (DEMO / "posts.xml").read_text()


def test_every_demo_strike_names_the_sources_of_its_dates() -> None:
    parsed = parse_file(TEXT)
    assert parsed.strikes
    for strike in parsed.strikes:
        assert strike.sources, f"{strike.slug}: no source for its dates"
        for url in strike.sources:
            # The organisation's own posts are in the demo feed; any other source is a
            # public report, named by its site.
            if url.startswith("https://is4pp.example/"):
                assert url in POSTS, f"{strike.slug}: {url} is not a post of the demo"
        table = TEXT[TEXT.index(f"[strike.{strike.slug}]"):]
        table = table[:table.find("\n[", 1)] if "\n[" in table[1:] else table
        # Each date is explained where it is written: a comment in the strike's table.
        assert "#" in table, f"{strike.slug}: no note says where its dates come from"


def test_the_demo_invents_nothing() -> None:
    assert not re.search(r"demo value", TEXT, re.I)
    parsed = {s.slug: s for s in parse_file(TEXT).strikes}
    zehra = parsed["zehra-kurtay"]
    # As reported: 3 July 2025 to 5 February 2026, "the 219th day" in the organisers' count.
    assert (zehra.start_date.isoformat(), zehra.end_date and zehra.end_date.isoformat()) == (
        "2025-07-03", "2026-02-05")
    assert (zehra.end_date - zehra.start_date).days + 1 + zehra.day_offset == 219
    # No source gives the collective strike's first day: no count is shown for it.
    assert parsed["s-r-y-type-prisons"].start_known is False

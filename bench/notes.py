"""Why a target is missed, and what would close it: written from the analysis of the
runs (profiles, timings), keyed by "phase/row". RESULTS.md shows a row's note when that
row misses its target; a missed row without a note says so.

Keys match a summary row exactly, or end in "*" to match every row that starts so.
The figures quoted come from the analysis of 2026-11-25 (in-process WSGI calls of the
service and of the bare app, 20,000 each, best of 3; cProfile of the service).
"""

from __future__ import annotations

_ORIGIN = (
    "Since 2026-12-02 a repeat GET is answered in front of falcon (widget/http/hits.py): "
    "one dict look-up keyed by path, query string and gzip, holding the finished "
    "headers and body, checked against the snapshot version and the clock; a "
    "revalidation that finds nothing kept has the whole answer made once and kept. "
    "In-process a hit costs 27 to 41 µs on a busy machine against 155 to 212 µs "
    "through falcon. A row under the target then means a hit is not being taken: a "
    "reload or a change of the service's files during the run (every sync or file "
    "change drops the kept answers), an answer not marked reusable "
    "(HTTPCaching.REUSABLE_UNTIL), or more than MAX_KEPT distinct URLs. Before it, the "
    "service's fixed cost per request (parameters, snapshot check, cache key, render-"
    "cache look-up, headers set one by one) was 13 to 30 µs of CPU beyond the bare "
    "app's, 0.85 to 0.91 of its requests/s. On 2026-12-03 four full runs each had one "
    "row under the target, a different one each time (strikes JSON 0.94, widget.js 0.92 "
    "and strikes 304 0.92 with two rounds; embed strike HTML 0.946 with three), every "
    "other row at 0.98 to 1.15, and the machine's steal time up to a third: a single "
    "row's miss first means running the phase again (`--only origin`); the same row "
    "missing run after run means one of the causes above."
)

NOTES: dict[str, str] = {
    "origin/badge SVG": (
        "The badge adds the most in-process, 9 µs to the bare app's 6 µs: Params with "
        "three choices and a BadgeOptions dataclass per request (widget/http/badge.py "
        "`StrikeBadge.on_get`; the embed pages now cache their parsed options per query "
        "string, the badge does not), a cache key that holds it, snapshot.local_dates, "
        "and the common response path. " + _ORIGIN),
    "origin/strikes 304": (
        "A revalidation sends no body, so the fixed cost per request shows plainly: the "
        "service finds (or renders) the full 200 answer, sets every caching header, and "
        "only then HTTPCaching._conditional turns it into a 304; the bare app compares "
        "one header and returns. " + _ORIGIN),
    "origin/*": _ORIGIN,
    "nginx/*": (
        "Both sides are nginx answering from memory or the page cache; the proxy_cache "
        "side also looks the key up in the cache zone, reads the cached file with its "
        "stored header block and adds two headers (Strict-Transport-Security, "
        "X-Cache-Status), while the static side sends a file with sendfile. The service "
        "is not involved once the cache is warm (its workers' CPU time during the runs is "
        "shown above), so a miss points at the machine (see the warning above) or at the "
        "nginx configuration (examples/deploy/nginx.conf), not at the service."),
    "growth/snapshot reload*": (
        "A reload reads the changed posts but the whole strikes list again, and re-hashes "
        "every strike (widget/store.py `read_since`, widget/snapshot.py `_version`); with "
        "1,000 strikes most of the reload goes to decoding them (`_strike_from`, enum "
        "look-ups) in a profile. If it misses: read strikes incrementally like posts (a "
        "rev column) and keep their digests."),
    "syncs/first sync of 10,000 posts": (
        "Before 2026-12-02 about 70 % of this sync was feedparser reading the 10,000 "
        "entries with its pure-Python SAX handlers (cProfile), 6.4 to 7.4 s in all. Plain "
        "RSS 2.0 and Atom 1.0 are now read with ElementTree following feedparser's rules "
        "(widget/sources/fastfeed.py; anything else still goes to feedparser): 2.66 s. Since "
        "2026-12-03 text without markup (titles, terms, plain excerpts) skips the HTML "
        "parser, and the store reads who holds each URL in one query: 2.36 to 2.39 s on a "
        "quiet machine; parsing is about 0.75 s, the entries 1.2 s (cleaning the content "
        "with nh3, two passes, half of it) and SQLite 0.5 s. Runs on this shared machine "
        "vary by a third (3.2 to 3.6 s with the same code while others' load was high), "
        "so a miss first means running it again. If it misses on a quiet machine: check "
        "that the bench's feed still takes the fast path (a dialect it does not read sends "
        "the whole feed to feedparser), then profile the per-entry cleaning."),
    "browser/time to a painted widget (median)": (
        "Measured 2026-12-02: the service's median (154 to 165 ms over three runs) is within "
        "0 to 13 ms of the floor measured in the same run, the same widget from the static "
        "export served as files by nginx (143 to 154 ms): what is left is this machine's "
        "Chromium, not the service. The embed page now carries its stylesheet and script "
        "inline, so there is no second round trip (with them as files, on the same machine "
        "and Chromium the same day: 185 ms). The frame's HTML arrives about 70 ms after the "
        "loader starts, 20 ms of it the loader itself and about 30 ms Chromium's lazy-load "
        "check before the frame starts; the frame then paints 70 to 90 ms later, which is "
        "style, layout and software compositing on the 2 shared cores (the same in the "
        "floor). Nothing the service sends would close the rest; a faster machine or GPU "
        "compositing would."),
    "browser/a cold view after the loader": (
        "One request, the embed page, with its stylesheet and script inline (allowed by "
        "hash in its Content-Security-Policy). On 2026-12-02 it was 5,205 B: about 1,100 B "
        "of headers (the policy about 420 B, since one policy serves every page; the "
        "oEmbed discovery Link header 165 B) and the gzipped body; the inline embed.js "
        "then went from 2,017 to 1,814 B with local names shortened (calmjs.parse). If it "
        "misses: a policy per page naming only its own stylesheet's hash (about 110 B; the "
        "static export would need one per page too, not one per family as now)."),
    "browser/widget.js gzipped": (
        "Measured 2026-12-03 on the served loader (gzip -9 of calmjs.parse's output): "
        "1,187 B; the same source through terser (mangling, 3 compress passes) 1,140 B, so "
        "the minifier is not what is left. The loader now gets only the constants it uses "
        "and finds a frame when it speaks instead of keeping a set (1,248 to 1,187 B). What "
        "each part costs, gzipped, measured by taking it out: telling a transparent widget "
        "whether the page behind it is light or dark, 176 B (1,010 without it); the "
        "registry that lets two organisations' loaders share a page and offers "
        "solidarityWidget.scan(), 80 B; the measured heights of the builder's snippet "
        "(data-fit, no layout shift), 74 B. Each is a finding of an earlier issue (contrast "
        "against the host's own background, two services on one page, layout shift), so "
        "the loader keeps them. What would close it: dropping the light/dark detection "
        "(1,010 B) and asking embedders of transparent widgets on dark pages to choose "
        "theme=dark, which brings back the unreadable text on dark host pages that the "
        "detection fixed; the project keeps the readers' contrast over the 162 B."),
}


def note(key: str) -> str | None:
    if key in NOTES:
        return NOTES[key]
    for pattern, text in NOTES.items():
        if pattern.endswith("*") and key.startswith(pattern[:-1]):
            return text
    return None

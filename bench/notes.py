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
    "app's, 0.85 to 0.91 of its requests/s."
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
    "browser/time to a painted widget (median)": (
        "Where the time goes (median steps above; four runs gave medians of 138 to "
        "177 ms): the loader arrives in about 20 ms; the embed frame starts loading about "
        "30 ms later; its HTML arrives 10 to 15 ms after that, its CSS and JS (a second "
        "round trip, the CSS render-blocking) 30 to 40 ms after that, and the frame "
        "paints 45 to 65 ms later, which is Chromium's own style, layout and software "
        "compositing, sharing the 2 cores with the service "
        "and the host page. The service's bytes are small (5.9 kB of bodies) and its "
        "answers fast (the HTML in about 10 ms). Loading the iframe eagerly instead of "
        "loading=lazy (the loader rewritten through request interception, 2 × 15 loads) "
        "did not move the median. What the service can still remove is the second round "
        "trip: the stylesheet inlined (allowed by a CSP hash, style-src 'sha256-…') and "
        "the height message sent by an inline, hashed script, so that the frame can "
        "paint and report its height from the HTML alone (about 30 ms here)."),
    "browser/CLS, documented data-height": (
        "Two shifts. (1) The host page paints the link (one line of text) before the "
        "async loader runs; swapping it for a 180 px iframe pushes the text below down "
        "(about 0.022). data-height only sizes the iframe once the loader has run, so it "
        "cannot prevent this: the README's \"data-height reserves that height before the "
        "widget loads (no layout shift)\" does not hold. (2) The counter is 285 px tall "
        "in a 320 px column, not the documented 180 px, so the loader resizes it (about "
        "0.011); with data-height equal to the real height only shift (1) remains. What "
        "closes it (row \"link styled display:block;height\": CLS 0): the snippet must "
        "reserve the room on the link itself (e.g. `style=\"display:block;height:285px\"`, "
        "emitted by the builder, widget/render/snippets.py `script_tag`), with a height "
        "that matches the widget at the chosen width (DEFAULT_HEIGHT['strike'] = 200 and "
        "the README's 180 are both too small for this counter at 320 px)."),
}


def note(key: str) -> str | None:
    if key in NOTES:
        return NOTES[key]
    for pattern, text in NOTES.items():
        if pattern.endswith("*") and key.startswith(pattern[:-1]):
            return text
    return None

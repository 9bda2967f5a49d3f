"""How a widget is framed on a host page: one source for Python and JavaScript.

The snippets, the builder and the oEmbed provider read these here; the loader
(static/widget.js) and the builder's preview (static/builder.js) get the same values
written into them when the assets are read (`frame_constants()` replaces the
`__SW_FRAME__` token, and the loader's few of them the `__SW_LOADER__` token:
`script_tokens()`, widget.assets), so a height or a sandbox flag is changed in one place.
"""

from __future__ import annotations

from typing import Any

from widget import routes

# The height reserved when the snippet names none, per widget (px).
DEFAULT_HEIGHT = {"news": 440, "strikes": 520, "strike": 200}
# What the oEmbed provider offers as the frame's width when the consumer sets no maximum.
OEMBED_WIDTH = {"news": 600, "strikes": 600, "strike": 500}
# Heights asked for by a snippet or by the widget's own message are kept in this range.
MIN_HEIGHT, MAX_HEIGHT = 40, 4000
SANDBOX = "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"
# What a framed widget may ask the browser for: its share button (the share sheet, else
# copying the link). Nothing else: no camera, no location, no payment.
ALLOW = "web-share; clipboard-write"
# The message an embed page sends its host with its content's height.
HEIGHT_MESSAGE = "solidarity-widget:height"
# The builder asks an embed page for its heights at every width; the page answers with
# MEASURED_MESSAGE carrying them (widget.render.snippets.Fit).
MEASURE_MESSAGE = "solidarity-widget:measure"
MEASURED_MESSAGE = "solidarity-widget:heights"

FRAME_TOKEN = "__SW_FRAME__"
# The loader (static/widget.js) goes to every host page's readers: it is given only the
# constants it uses, under its own token.
LOADER_TOKEN = "__SW_LOADER__"
LOADER_KEYS = ("heights", "min", "max", "sandbox", "allow", "message")


def frame_constants() -> dict[str, Any]:
    """What the scripts are given, as a JSON object."""
    return {"heights": DEFAULT_HEIGHT, "min": MIN_HEIGHT, "max": MAX_HEIGHT,
            "sandbox": SANDBOX, "allow": ALLOW, "message": HEIGHT_MESSAGE,
            "measure": MEASURE_MESSAGE, "measured": MEASURED_MESSAGE, "go": routes.GO.template}


def script_tokens() -> dict[str, Any]:
    """Each token the scripts may hold, with what is written in its place."""
    every = frame_constants()
    return {FRAME_TOKEN: every, LOADER_TOKEN: {key: every[key] for key in LOADER_KEYS}}


"""What the resource families need, built once per app by `create_app`.

Every family module (api, embed, badge, feeds, oembed, builder) has one
`register(app, services)` that builds its resources from these and adds their routes
(widget.routes); no family imports another or the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from widget.assets import Assets
from widget.config import Config
from widget.fallback import Health
from widget.http.responses import Rendered
from widget.render.html import Pages
from widget.snapshot import SnapshotSource


@dataclass(frozen=True)
class Services:
    config: Config
    snapshots: SnapshotSource  # its `store` is the one to read: it changes with each sync
    rendered: Rendered
    pages: Pages
    assets: Assets
    health: Health
    clock: Callable[[], dt.datetime]

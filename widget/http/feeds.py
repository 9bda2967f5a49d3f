"""Feeds out: Atom and JSON Feed of the posts, Atom of hunger-strike events."""

from __future__ import annotations

from typing import TYPE_CHECKING

import falcon

if TYPE_CHECKING:
    from widget.http.app import Services


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`."""

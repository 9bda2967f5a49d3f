"""The one error of the static export: every module raises it, the CLI prints it."""

from __future__ import annotations


class ExportError(Exception):
    """The export cannot be written; nothing was changed."""

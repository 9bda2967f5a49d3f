"""What every `solidarity-widget` command shares: the config named on the command line.

widget/cli.py defines the group and its own commands and adds `strike`
(widget/cli_strike.py) and `build` (widget/cli_build.py). Those two take what they
share from here, never from widget/cli.py: imports go one way only.
"""

from __future__ import annotations

from pathlib import Path

import click

from widget.config import Config, ConfigError, load_config


def config_path(ctx: click.Context) -> Path | None:
    """The file given by --config or WIDGET_CONFIG, as the group stored it."""
    path: Path | None = (ctx.obj or {}).get("config_path")
    return path


def load(ctx: click.Context) -> Config:
    """The config for this command; each problem printed on a line of its own, exit 2."""
    try:
        return load_config(config_path(ctx))
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        ctx.exit(2)
        raise AssertionError("unreachable") from exc

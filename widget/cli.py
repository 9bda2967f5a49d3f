"""The `solidarity-widget` command: serve, sync, check."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from widget.config import SETTINGS, Config, ConfigError, load_config
from widget.store import Store
from widget.strikes import StrikesFileError, load_file
from widget.sync import SyncBusy, sync_all, sync_lock


def _config(ctx: click.Context) -> Config:
    path: Path | None = ctx.obj.get("config_path")
    try:
        return load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        ctx.exit(2)
        raise AssertionError("unreachable") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              envvar="WIDGET_CONFIG", help="Config file (TOML). Also WIDGET_CONFIG.")
@click.version_option(package_name="solidarity-widget")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Solidarity Widget: news widgets and hunger-strike counters, served from one small service."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


@main.command()
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"),
              show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int,
              show_default="8000")
@click.option("--workers", type=int, help="gunicorn workers (default 2, or WIDGET_WORKERS).")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int | None) -> None:
    """Serve the widgets and the API with gunicorn."""
    config = _config(ctx)
    Store(config.database).close()  # fail here, clearly, if the database cannot be opened
    env = dict(os.environ, HOST=host, PORT=str(port))
    if ctx.obj.get("config_path"):
        env["WIDGET_CONFIG"] = str(Path(ctx.obj["config_path"]).resolve())
    if workers:
        env["WIDGET_WORKERS"] = str(workers)
    click.echo(f"Serving {config.site_name} on http://{host}:{port}", err=True)
    args = [sys.executable, "-m", "gunicorn", "-c", "python:widget.gunicorn_conf",
            "widget.http.app:get_app()"]
    os.execvpe(sys.executable, args, env)


@main.command()
@click.pass_context
def sync(ctx: click.Context) -> None:
    """Fetch every source and import the strikes file into the store.

    Each source is one transaction: a source that fails keeps its stored posts.
    Exits with status 1 when any source failed, 75 when another sync is running.
    """
    config = _config(ctx)
    try:
        with sync_lock(config.database), Store(config.database) as store:
            results = sync_all(config, store)
    except SyncBusy as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(75)  # EX_TEMPFAIL: a timer or cron job simply tries again next time
        return
    for result in results:
        mark = "ok  " if result.ok else "FAIL"
        detail = result.detail.replace("\n", "\n      ")
        click.echo(f"{mark} {result.name}: {detail}", err=not result.ok)
    if not all(r.ok for r in results):
        ctx.exit(1)


@main.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the config and the strikes file; print every problem."""
    config = _config(ctx)
    try:
        parsed = load_file(config.strikes_file)
    except StrikesFileError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        ctx.exit(1)
        return
    today = dt.datetime.now(dt.UTC)
    click.echo(f"ok: {len(config.sources)} sources, {len(parsed.strikes)} strikes, "
               f"{len(parsed.removed)} removed ({config.strikes_file}), "
               f"checked {today:%Y-%m-%d %H:%M} UTC")


def _register_strike_commands() -> None:
    from widget.cli_build import build
    from widget.cli_strike import strike

    main.add_command(strike)
    main.add_command(build)


_register_strike_commands()


@main.command()
def assets() -> None:
    """The loader's pinned URL and Subresource Integrity hash, and its size gzipped."""
    from widget.assets import default_assets

    loader = default_assets()["widget.js"]
    click.echo(f"url        {loader.url}")
    click.echo(f"integrity  {loader.sri}")
    click.echo(f"size       {len(loader.body)} bytes, {len(loader.gzipped)} gzipped")


@main.command()
@click.option("--markdown", is_flag=True, help="As the table in docs/configuration.md.")
def settings(markdown: bool) -> None:
    """List every setting with its default, environment variable and help."""
    if markdown:
        click.echo("| setting | environment | default | meaning |\n|---|---|---|---|")
    for s in SETTINGS:
        if markdown:
            click.echo(f"| `{s.name}` | `{s.env}` | `{s.default}` | {s.help} |")
        else:
            click.echo(f"{s.name} = {s.default!r}  ({s.env})\n    {s.help}")

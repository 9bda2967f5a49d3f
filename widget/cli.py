"""The `solidarity-widget` command: serve, sync, check, status, assets, settings.

`strike` (widget/cli_strike.py) and `build` (widget/cli_build.py) are groups of their
own, added here; all three modules read the config through widget/cli_common.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from widget import cli_common
from widget.cli_build import build
from widget.cli_post import post
from widget.cli_strike import strike
from widget.config import SETTINGS
from widget.days import day_count, needs_confirming
from widget.fallback import CONFIG_ENV, dump_config
from widget.store import Store, StoreError, last_good_path
from widget.strikes import StrikesFileError, load_file
from widget.sync import SyncBusy, SyncError, open_for_sync, same_sites, sync_all, sync_lock


class _Commands(click.Group):
    """Every error is one line naming its file; the traceback only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except (StoreError, SyncError) as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except Exception as exc:  # noqa: BLE001 - the last line of defence, see docstring
            if (ctx.obj or {}).get("debug"):
                raise
            where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
            click.echo(f"error: {type(exc).__name__}{where}: {exc} "
                       f"(run with --debug for the traceback)", err=True)
            ctx.exit(1)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              envvar="WIDGET_CONFIG", help="Config file (TOML). Also WIDGET_CONFIG.")
@click.option("--debug", is_flag=True, help="Show tracebacks and the sync's debug log.")
@click.version_option(package_name="solidarity-widget")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, debug: bool) -> None:
    """Solidarity Widget: news widgets and hunger-strike counters, served from one small service."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
    ctx.obj["debug"] = debug
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")


main.add_command(strike)
main.add_command(build)
main.add_command(post)


class _WorkersOption(click.Option):
    """--workers, whose help says how many workers gunicorn starts without it."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        # NOTE: the number comes from widget/gunicorn_conf.py itself, which `serve` hands
        # to gunicorn. Imported for the help only: it reads WIDGET_WORKERS and other
        # variables as it loads, and a wrong one must not break every other command.
        try:
            from widget import gunicorn_conf
        except ValueError:  # a WIDGET_* number that is not one: gunicorn says which
            default = "WIDGET_WORKERS, or cores + 1"
        else:
            default = (f"{gunicorn_conf.workers}, from WIDGET_WORKERS"
                       if "WIDGET_WORKERS" in os.environ else
                       f"{gunicorn_conf.workers}, cores + 1; or WIDGET_WORKERS")
        self.help = f"gunicorn workers (default: {default})."
        return super().get_help_record(ctx)


@main.command()
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"),
              show_default="127.0.0.1")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int,
              show_default="8000")
@click.option("--workers", type=int, cls=_WorkersOption)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int | None) -> None:
    """Serve the widgets and the API with gunicorn."""
    config = cli_common.load(ctx)
    # Workers that start later while the file has a mistake serve with this one.
    env = dict(os.environ, HOST=host, PORT=str(port), **{CONFIG_ENV: dump_config(config)})
    if (path := cli_common.config_path(ctx)) is not None:
        env["WIDGET_CONFIG"] = str(path.resolve())
    if workers:
        env["WIDGET_WORKERS"] = str(workers)
    click.echo(f"Serving {config.site_name} on http://{host}:{port}", err=True)
    args = [sys.executable, "-m", "gunicorn", "-c", "python:widget.gunicorn_conf",
            "widget.http.app:get_app()"]
    os.execvpe(sys.executable, args, env)


@main.command()
@click.option("--allow-empty-strikes", is_flag=True,
              help="Accept a strikes file without strikes although strikes are published "
                   "(removes them all).")
@click.pass_context
def sync(ctx: click.Context, allow_empty_strikes: bool) -> None:
    """Fetch every source and import the strikes file into the store.

    Each source is one transaction: a source that fails keeps its stored posts.
    Exits with status 1 when any source failed, 75 when another sync is running.
    """
    config = cli_common.load(ctx)
    try:
        with sync_lock(config.database), open_for_sync(config.database) as store:
            results = sync_all(config, store, allow_empty_strikes=allow_empty_strikes)
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


@main.command(name="last-good-config", hidden=True)
@click.pass_context
def last_good_config(ctx: click.Context) -> None:
    """The config as loaded now, as JSON (for the gunicorn master's fallback)."""
    click.echo(dump_config(cli_common.load(ctx)))


@main.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """What the last syncs did, with every source's last error (for the operator;
    /healthz shows only states)."""
    config = cli_common.load(ctx)
    if not config.database.exists():
        raise StoreError(f"{config.database}: missing (the next sync starts again from the "
                         f"last good copy, when there is one)")
    with Store(config.database, readonly=True) as store:
        reading = store.read_since(None)
    copy = last_good_path(config.database)
    click.echo(f"database  {config.database}: generation {reading.generation}, "
               f"{len(reading.posts)} posts, {len(reading.strikes)} strikes")
    when = (f"{dt.datetime.fromtimestamp(copy.stat().st_mtime, dt.UTC):%Y-%m-%d %H:%M} UTC"
            if copy.exists() else "none yet")
    click.echo(f"copy      {copy}: {when}")
    failing = False
    for s in reading.sources:
        success = f"{s.last_success:%Y-%m-%d %H:%M} UTC" if s.last_success else "never"
        click.echo(f"{'FAIL' if s.last_error else 'ok  '}      {s.name} ({s.kind}): "
                   f"last success {success}, {s.posts} posts")
        if s.last_error:
            failing = True
            click.echo("          " + s.last_error.replace("\n", "\n          "))
    now = dt.datetime.now(dt.UTC)
    for listed in reading.strikes:
        if needs_confirming(listed, now, config.confirmation):
            count = day_count(listed, now, config.confirmation)
            click.echo(f"confirm   {listed.slug}: last confirmed {count.confirmed_on}; "
                       f"the widgets say \"{count.state}\" (strike confirm {listed.slug})")
    if failing:
        ctx.exit(1)


@main.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the config and the strikes file; print every problem."""
    config = cli_common.load(ctx)
    try:
        parsed = load_file(config.strikes_file, confirm_every_days=config.confirm_every_days)
    except StrikesFileError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        ctx.exit(1)
        return
    folder = _nearest_existing(config.database.parent)
    if not os.access(folder, os.W_OK | os.X_OK):
        click.echo(f"error: {config.database}: the folder {folder} cannot be written "
                   f"(the database and its copy live there)", err=True)
        ctx.exit(1)
        return
    if config.database.exists():
        try:
            Store(config.database, readonly=True).close()
        except StoreError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
            return
    for warning in same_sites(config.sources):
        click.echo(f"warning: {warning}", err=True)
    today = dt.datetime.now(dt.UTC)
    click.echo(f"ok: {len(config.sources)} sources, {len(parsed.strikes)} strikes, "
               f"{len(parsed.removed)} removed ({config.strikes_file}), "
               f"checked {today:%Y-%m-%d %H:%M} UTC")


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


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

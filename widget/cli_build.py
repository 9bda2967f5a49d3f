"""`solidarity-widget build OUTDIR`: the static export (see widget/export/, docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

import click

from widget import cli_common


@click.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", help="Public URL the export will be served at "
                                 "(default: the base_url setting).")
@click.option("--also", "also", multiple=True, metavar="URL",
              help="Also export this URL as it is written, e.g. an embed with other options: "
                   "'/embed/news?layout=compact&limit=3'. Repeat for several.")
@click.option("--day-max-age", type=click.IntRange(0, 3600), default=60, show_default=True,
              help="Cache-Control max-age (seconds) of everything that shows a day number; "
                   "each file's Expires still ends at the next local midnight.")
@click.pass_context
def build(ctx: click.Context, outdir: Path, base_url: str | None, also: tuple[str, ...],
          day_max_age: int) -> None:
    """Write every public URL as a file in OUTDIR, with an nginx snippet to serve them.

    OUTDIR is replaced whole and at once: the export is written beside it and swapped
    in, so a site served from it never shows half an export. Run it again after every
    sync, and just after midnight in each strike's timezone (day numbers change then;
    the build prints when).
    """
    # PERF: the export drives the whole app in-process; only `build` needs it loaded.
    from widget.export import ExportError, export

    config = cli_common.load(ctx)
    if base_url:
        config = config.with_(base_url=base_url.rstrip("/"))
    try:
        report = export(config, outdir, extra_urls=also, day_max_age=day_max_age)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.summary())
